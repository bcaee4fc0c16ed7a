/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief TCP loss, timers and resource limits at segment level.
 *
 * Complements test_tcp.c (handshakes, data, closing, RFC 5961 checks) with
 * what happens when segments are lost or the peer misbehaves: the RFC 6298
 * retransmission timer and estimator, SYN and SYN-ACK retries, NewReno fast
 * retransmit and partial ACKs (RFC 5681, RFC 6582), SACK loss recovery
 * (RFC 6675), the persist and keepalive timers (RFC 9293 §3.8.6.1, §3.8.4),
 * SYN cookies under a full backlog or a flood (RFC 4987), the TIME_WAIT and
 * tcb budgets, out-of-order limits, the receive window (RFC 9293 §3.8.6)
 * and Nagle (RFC 9293 §3.7.4).
 *
 * Every test drives the stack through tests/harness/tcp_peer.c with a
 * virtual clock; every expected value is worked out from the RFCs in the
 * comments. The fixture checks that no mbuf leaked.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "dataplane/base/dp_ctr.h"
#include "dataplane/net/tcp.h"
#include "dataplane/net/tcp_int.h"
#include "tests/harness/tcp_peer.h"
#include "tests/suites.h"

/** Most segments one test records (retransmission logs). */
#define LOG_MAX 64
/** Payload bytes of a full segment with timestamps: MSS 1460 - 12 (RFC 7323 §3). */
#define MSS_TS 1448
/** Payload bytes of a full segment without options. */
#define MSS_PLAIN 1460
/** The peer's initial sequence number in every handshake here. */
#define PEER_ISN 1000

/** Segments the stack sent, in order, across several tp_collect() calls. */
struct seg_log {
	uint32_t n;
	uint32_t seq[LOG_MAX];
	uint32_t len[LOG_MAX];
};

static uint8_t data[65536];
/** The SYN-ACK of the last accept_from(). */
static struct tp_seg synack;

static void
setup(void)
{
	struct dp_tcp_conf c;

	dp_tcp_conf_default(&c);
	CU_ASSERT_FATAL(tp_setup(&c) == 0);
}

static void
teardown(void)
{
	CU_ASSERT_EQUAL(tp_teardown(), 0);
}

/* Restart the stack with configuration @p c (the fixture's stack must not leak either). */
static void
restart(const struct dp_tcp_conf *c)
{
	CU_ASSERT_EQUAL(tp_teardown(), 0);
	CU_ASSERT_FATAL(tp_setup(c) == 0);
}

static struct dp_tcp_conf
conf_default(void)
{
	struct dp_tcp_conf c;

	dp_tcp_conf_default(&c);
	return c;
}

static struct dp_tcp_info
info_of(uint32_t h)
{
	struct dp_tcp_info i;

	memset(&i, 0, sizeof(i));
	CU_ASSERT_EQUAL(dp_tcp_info(tp.lc, h, &i), 0);
	return i;
}

/* MSS 1460, nothing else: no SACK, no timestamps, no window scaling. */
static struct tp_opts
opts_plain(void)
{
	struct tp_opts o = tp_opts_none();

	o.mss = MSS_PLAIN;
	return o;
}

/*
 * Complete a passive handshake from peer port @p sport with options @p o
 * (as tp_accept(), any port). Sets *@p iss; tp.app.h is the handle.
 * @return the peer's next sequence number.
 */
static uint32_t
accept_from(uint16_t sport, const struct tp_opts *o, uint32_t *iss)
{
	struct tp_opts ack_o = tp_opts_none();

	tp_send(sport, TP_PORT, TP_SYN, PEER_ISN, 0, 65535, o, NULL, 0);
	CU_ASSERT_EQUAL_FATAL(tp_collect(), 1);
	synack = tp.out[0];
	*iss = tp.out[0].seq;
	ack_o.ts = o->ts;
	ack_o.tsval = o->tsval + 1;
	ack_o.tsecr = tp.out[0].tsval;
	tp_send(sport, TP_PORT, TP_ACK, PEER_ISN + 1, *iss + 1, 65535, &ack_o, NULL, 0);
	tp_collect();
	return PEER_ISN + 1;
}

/* A pure ACK from the peer on TP_PEER_PORT. */
static void
peer_ack(uint32_t pseq, uint32_t ack, uint16_t wnd)
{
	tp_send(TP_PEER_PORT, TP_PORT, TP_ACK, pseq, ack, wnd, NULL, NULL, 0);
}

/* A pure ACK from the peer carrying @p n SACK blocks [blk[i][0], blk[i][1]). */
static void
peer_sack(uint32_t pseq, uint32_t ack, uint32_t n, const uint32_t blk[][2])
{
	struct tp_opts o = tp_opts_none();

	o.n_sack = (uint8_t)n;
	memcpy(o.sack, blk, n * sizeof(blk[0]));
	tp_send(TP_PEER_PORT, TP_PORT, TP_ACK, pseq, ack, 65535, &o, NULL, 0);
}

/* Append what tp.out holds to @p l. */
static void
log_out(struct seg_log *l)
{
	for (uint32_t i = 0; i < tp.n_out && l->n < LOG_MAX; i++) {
		l->seq[l->n] = tp.out[i].seq;
		l->len[l->n] = tp.out[i].len;
		l->n++;
	}
}

/* True if [seq, seq+len) lies wholly inside one of the @p n ranges [h[i][0], h[i][1]). */
static bool
inside_holes(uint32_t seq, uint32_t len, uint32_t n, const uint32_t h[][2])
{
	for (uint32_t i = 0; i < n; i++)
		if (seq_leq(h[i][0], seq) && seq_leq(seq + len, h[i][1]))
			return true;
	return false;
}

/* Number of logged segments that lie outside every hole. */
static uint32_t
count_outside_holes(const struct seg_log *l, uint32_t n, const uint32_t h[][2])
{
	uint32_t bad = 0;

	for (uint32_t i = 0; i < l->n; i++)
		bad += inside_holes(l->seq[i], l->len[i], n, h) ? 0 : 1;
	return bad;
}

/*
 * Advance the clock by @p us - 1 (expect silence), then by 1 µs (expect
 * exactly one segment): a timer due @p us from now, to the microsecond.
 */
static void
expect_one_after(uint64_t us)
{
	CU_ASSERT_EQUAL(tp_advance(us - 1), 0);
	CU_ASSERT_EQUAL_FATAL(tp_advance(1), 1);
}

/* The probe timeout when SRTT is ~0 (a scripted peer answers at once): the floor. */
static uint64_t
lc_tlp_min(void)
{
	return tp.conf.tlp_min_us;
}

/* ---- RFC 6298: the retransmission timer ---- */

static void
test_tcp_loss_rto_retransmits_same_seq_and_doubles(void)
{
	struct dp_tcp_conf c = conf_default();
	struct dp_tcp_info info;
	uint32_t iss;

	/* RFC 6298 §2.4: RTO rounded up to 1 s, so the handshake's near-zero RTT sample
	 * leaves the RTO at the 1 s initial value (§2.1). The tail-loss probe would come
	 * first; it has its own tests below. */
	c.rto_min_us = 1000000;
	c.tlp_min_us = 0;
	restart(&c);
	tp_accept(NULL, &iss);
	CU_ASSERT_EQUAL(info_of(tp.app.h).rto_us, 1000000);
	CU_ASSERT_EQUAL(dp_tcp_send(tp.lc, tp.app.h, data, 100), 100);
	CU_ASSERT_EQUAL_FATAL(tp_advance(0), 1);
	CU_ASSERT_EQUAL(tp.out[0].seq, iss + 1);
	/* §5.4: the oldest unacknowledged segment is retransmitted when the timer expires. */
	expect_one_after(1000000);
	CU_ASSERT_EQUAL(tp.out[0].seq, iss + 1);
	CU_ASSERT_EQUAL(tp.out[0].len, 100);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_rto), 1);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_retrans_segs), 1);
	/* §5.5: RTO <- RTO * 2. */
	expect_one_after(2000000);
	CU_ASSERT_EQUAL(tp.out[0].seq, iss + 1);
	CU_ASSERT_EQUAL(tp.out[0].len, 100);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_rto), 2);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_retrans_segs), 2);
	info = info_of(tp.app.h);
	CU_ASSERT_EQUAL(info.rto_count, 2);
	CU_ASSERT_EQUAL(info.retrans_segs, 2);
	CU_ASSERT_EQUAL(info.rto_us, 4000000);
}

static void
test_tcp_loss_ack_of_new_data_clears_rto_backoff(void)
{
	struct dp_tcp_conf c = conf_default();
	uint32_t iss, pseq;

	c.tlp_min_us = 0; /* the RTO alone (the tail-loss probe is tested below) */
	restart(&c);
	pseq = tp_accept(NULL, &iss);

	/* Handshake RTT ~0: RTO = max(rto_min 200 ms, SRTT + max(G, 4*RTTVAR)) = 200 ms. */
	CU_ASSERT_EQUAL(info_of(tp.app.h).rto_us, 200000);
	dp_tcp_send(tp.lc, tp.app.h, data, 100);
	tp_advance(0);
	expect_one_after(200000);
	expect_one_after(400000);
	CU_ASSERT_EQUAL(info_of(tp.app.h).rto_us, 800000);
	/* The retransmission is acknowledged: no sample (Karn, §3), but the backoff is
	 * dropped and the RTO comes from the estimator again. */
	peer_ack(pseq, iss + 101, 65535);
	tp_collect();
	CU_ASSERT_EQUAL(info_of(tp.app.h).rto_us, 200000);
	dp_tcp_send(tp.lc, tp.app.h, data, 50);
	CU_ASSERT_EQUAL_FATAL(tp_advance(0), 1);
	CU_ASSERT_EQUAL(tp.out[0].seq, iss + 101);
	/* Lost again: retransmitted after 200 ms, not the 800 ms of the old backoff. */
	expect_one_after(200000);
	CU_ASSERT_EQUAL(tp.out[0].seq, iss + 101);
	CU_ASSERT_EQUAL(tp.out[0].len, 50);
}

static void
test_tcp_loss_rtt_samples_follow_rfc6298(void)
{
	struct dp_tcb *t;
	uint32_t h;

	/* A SYN_SENT connection has no sample yet. */
	CU_ASSERT_EQUAL_FATAL(dp_tcp_connect(tp.lc, TP_PEER_IP, 80, &tp_ops, NULL, &h), 0);
	tp_collect();
	t = tcp_tcb_get(tp.lc, h);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_EQUAL(t->srtt_us, 0);
	CU_ASSERT_EQUAL(t->rto_us, 1000000); /* §2.1 */
	/* §2.2: SRTT <- R, RTTVAR <- R/2, RTO <- SRTT + max(G, K*RTTVAR). */
	tcp_rtt_sample(tp.lc, t, 100000);
	CU_ASSERT_EQUAL(t->srtt_us, 100000);
	CU_ASSERT_EQUAL(t->rttvar_us, 50000);
	CU_ASSERT_EQUAL(t->rto_us, 300000);
	/* §2.3: RTTVAR <- 3/4 RTTVAR + 1/4 |SRTT - R'| = 37500 + 25000,
	 * SRTT <- 7/8 SRTT + 1/8 R' = 87500 + 25000 (RTTVAR first, with the old SRTT). */
	tcp_rtt_sample(tp.lc, t, 200000);
	CU_ASSERT_EQUAL(t->rttvar_us, 62500);
	CU_ASSERT_EQUAL(t->srtt_us, 112500);
	CU_ASSERT_EQUAL(t->rto_us, 112500 + 4 * 62500);
}

static void
test_tcp_loss_rto_is_bounded_by_min_and_max(void)
{
	struct dp_tcb *t;
	uint32_t h1, h2;

	CU_ASSERT_EQUAL_FATAL(dp_tcp_connect(tp.lc, TP_PEER_IP, 80, &tp_ops, NULL, &h1), 0);
	CU_ASSERT_EQUAL_FATAL(dp_tcp_connect(tp.lc, TP_PEER_IP, 81, &tp_ops, NULL, &h2), 0);
	tp_collect();
	/* 10 ms: 10 + 4 * 5 = 30 ms, raised to rto_min (§2.4). */
	t = tcp_tcb_get(tp.lc, h1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	tcp_rtt_sample(tp.lc, t, 10000);
	CU_ASSERT_EQUAL(t->rto_us, tp.conf.rto_min_us);
	/* 30 s: 30 + 4 * 15 = 90 s, lowered to rto_max (§2.5). */
	t = tcp_tcb_get(tp.lc, h2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	tcp_rtt_sample(tp.lc, t, 30000000);
	CU_ASSERT_EQUAL(t->rto_us, tp.conf.rto_max_us);
}

static void
test_tcp_loss_data_retries_exhausted_closes_timeout_with_rst(void)
{
	/* 200 ms doubling (§5.5) up to rto_max (§2.5). A low maximum and few retries keep
	 * the run within DP_ARP_TTL_US: the scripted peer does not answer ARP refreshes. */
	static const uint32_t gaps_ms[] = { 200, 400, 800, 1600, 1600, 1600 };
	struct dp_tcp_conf c = conf_default();
	uint32_t iss;

	c.rto_max_us = 1600000;
	c.data_retries = RTE_DIM(gaps_ms);
	c.tlp_min_us = 0; /* the RTO alone (the tail-loss probe is tested below) */
	restart(&c);
	tp_accept(NULL, &iss);
	dp_tcp_send(tp.lc, tp.app.h, data, 100);
	tp_advance(0);
	for (uint32_t i = 0; i < RTE_DIM(gaps_ms); i++) {
		expect_one_after((uint64_t)gaps_ms[i] * 1000);
		CU_ASSERT_EQUAL(tp.out[0].seq, iss + 1);
		CU_ASSERT_EQUAL(tp.out[0].len, 100);
	}
	CU_ASSERT_EQUAL(info_of(tp.app.h).rto_us, c.rto_max_us);
	CU_ASSERT_EQUAL(tp.app.closed, 0);
	/* The next expiry gives up: RST, closed with TIMEOUT. */
	expect_one_after(1600000);
	CU_ASSERT(tp.out[0].flags & TP_RST);
	CU_ASSERT_EQUAL(tp.app.closed, 1);
	CU_ASSERT_EQUAL(tp.app.close_reason, DP_TCP_CLOSE_TIMEOUT);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_retrans_segs), c.data_retries);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_timeouts), 1);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_conns), 0);
}

/* ---- SYN and SYN-ACK retries ---- */

static void
test_tcp_loss_unanswered_syn_backs_off_then_closes_timeout(void)
{
	/* RFC 6298 §2.1 / §5.5: 1 s, then doubling; syn_retries = 6 by default. */
	static const uint32_t gaps_s[] = { 1, 2, 4, 8, 16, 32 };
	uint32_t h, iss;

	CU_ASSERT_EQUAL_FATAL(RTE_DIM(gaps_s), tp.conf.syn_retries);
	CU_ASSERT_EQUAL_FATAL(dp_tcp_connect(tp.lc, TP_PEER_IP, 80, &tp_ops, NULL, &h), 0);
	CU_ASSERT_EQUAL_FATAL(tp_collect(), 1);
	iss = tp.out[0].seq;
	for (uint32_t i = 0; i < RTE_DIM(gaps_s); i++) {
		expect_one_after((uint64_t)gaps_s[i] * 1000000);
		CU_ASSERT_EQUAL(tp.out[0].flags, TP_SYN);
		CU_ASSERT_EQUAL(tp.out[0].seq, iss);
	}
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_retrans_segs), tp.conf.syn_retries);
	CU_ASSERT_EQUAL(tp.app.closed, 0);
	/* Giving up in SYN-SENT: the peer has no state, so nothing is sent. */
	CU_ASSERT_EQUAL(tp_advance(64000000 - 1), 0);
	CU_ASSERT_EQUAL(tp_advance(1), 0);
	CU_ASSERT_EQUAL(tp.app.closed, 1);
	CU_ASSERT_EQUAL(tp.app.close_reason, DP_TCP_CLOSE_TIMEOUT);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_timeouts), 1);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_conns), 0);
}

static void
test_tcp_loss_unanswered_synack_backs_off_then_is_freed_silently(void)
{
	static const uint32_t gaps_s[] = { 1, 2, 4, 8, 16, 32 };
	struct tp_opts o = tp_opts_full();
	int li = tcp_listener_find(tp.lc, TP_PORT);
	uint32_t iss;

	CU_ASSERT_FATAL(li >= 0);
	tp_send(TP_PEER_PORT, TP_PORT, TP_SYN, PEER_ISN, 0, 65535, &o, NULL, 0);
	CU_ASSERT_EQUAL_FATAL(tp_collect(), 1);
	iss = tp.out[0].seq;
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_conns), 1);
	CU_ASSERT_EQUAL(tp.lc->tcp.listeners[li].n_syn_rcvd, 1);
	for (uint32_t i = 0; i < RTE_DIM(gaps_s); i++) {
		expect_one_after((uint64_t)gaps_s[i] * 1000000);
		CU_ASSERT_EQUAL(tp.out[0].flags, TP_SYN | TP_ACK);
		CU_ASSERT_EQUAL(tp.out[0].seq, iss);
		CU_ASSERT_EQUAL(tp.out[0].ack, PEER_ISN + 1);
	}
	CU_ASSERT_EQUAL(tp_advance(64000000 - 1), 0);
	CU_ASSERT_EQUAL(tp_advance(1), 0);
	/* Never accepted: no callback at all, the tcb and the backlog slot are back. */
	CU_ASSERT_EQUAL(tp.app.accepted, 0);
	CU_ASSERT_EQUAL(tp.app.closed, 0);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_conns), 0);
	CU_ASSERT_EQUAL(tp.lc->tcp.listeners[li].n_syn_rcvd, 0);
}

static void
test_tcp_loss_data_rto_is_three_seconds_after_syn_timeout(void)
{
	struct tp_opts o = tp_opts_full();
	uint32_t h, iss;
	uint16_t sport;

	CU_ASSERT_EQUAL_FATAL(dp_tcp_connect(tp.lc, TP_PEER_IP, 80, &tp_ops, NULL, &h), 0);
	CU_ASSERT_EQUAL_FATAL(tp_collect(), 1);
	iss = tp.out[0].seq;
	sport = tp.out[0].sport;
	expect_one_after(1000000); /* the SYN timed out once */
	o.tsecr = tp.out[0].tsval;
	tp_send(80, sport, TP_SYN | TP_ACK, 5000, iss + 1, 65535, &o, NULL, 0);
	tp_collect();
	CU_ASSERT_EQUAL_FATAL(tp.app.connected, 1);
	dp_tcp_send(tp.lc, h, data, 100);
	CU_ASSERT_EQUAL_FATAL(tp_advance(0), 1);
	/* RFC 6298 §5.7: "If the timer expires awaiting the ACK of a SYN segment and the
	 * TCP implementation is using an RTO less than 3 seconds, the RTO MUST be
	 * re-initialized to 3 seconds when data transmission begins." No RTT sample
	 * exists (Karn: the SYN was retransmitted), so the data RTO is 3 s. */
	expect_one_after(3000000);
	CU_ASSERT_EQUAL(tp.out[0].seq, iss + 1);
	CU_ASSERT_EQUAL(tp.out[0].len, 100);
}

/* ---- Fast retransmit and NewReno without SACK (RFC 5681 §3.2, RFC 6582) ---- */

static void
test_tcp_loss_newreno_fast_retransmit_partial_and_full_ack(void)
{
	struct dp_tcp_conf c = conf_default();
	struct tp_opts o = opts_plain();
	struct dp_tcp_info info;
	uint32_t iss, pseq;

	c.cc_algo = DP_TCP_CC_ALGO_NEWRENO;
	restart(&c);
	pseq = accept_from(TP_PEER_PORT, &o, &iss);
	info = info_of(tp.app.h);
	CU_ASSERT_FALSE(info.sack_ok);
	CU_ASSERT_EQUAL(info.mss, MSS_PLAIN);
	/* RFC 6928: IW = min(10*MSS, max(2*MSS, 14600)) = 14600 = 10 segments. */
	dp_tcp_send(tp.lc, tp.app.h, data, 10 * MSS_PLAIN);
	CU_ASSERT_EQUAL_FATAL(tp_advance(0), 10);
	CU_ASSERT_EQUAL(tp.out[9].seq, iss + 1 + 9 * MSS_PLAIN);
	/* Segment 1 lost: two duplicate ACKs change nothing (no new data to send). */
	peer_ack(pseq, iss + 1, 65535);
	CU_ASSERT_EQUAL(tp_collect(), 0);
	peer_ack(pseq, iss + 1, 65535);
	CU_ASSERT_EQUAL(tp_collect(), 0);
	/* RFC 5681 §3.2 step 2: the third one retransmits segment 1, once. */
	peer_ack(pseq, iss + 1, 65535);
	CU_ASSERT_EQUAL_FATAL(tp_collect(), 1);
	CU_ASSERT_EQUAL(tp.out[0].seq, iss + 1);
	CU_ASSERT_EQUAL(tp.out[0].len, MSS_PLAIN);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_dupacks), 3);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_fast_recovery), 1);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_retrans_segs), 1);
	info = info_of(tp.app.h);
	CU_ASSERT_EQUAL(info.in_recovery, 1);
	/* RFC 5681 (4): ssthresh = max(FlightSize / 2, 2*SMSS) = 14600 / 2. */
	CU_ASSERT_EQUAL(info.ssthresh, 7300);
	/* RFC 6582 §3.2 step 4: a partial ACK (segments 1-3) retransmits segment 4. */
	peer_ack(pseq, iss + 1 + 3 * MSS_PLAIN, 65535);
	CU_ASSERT_EQUAL_FATAL(tp_collect(), 1);
	CU_ASSERT_EQUAL(tp.out[0].seq, iss + 1 + 3 * MSS_PLAIN);
	CU_ASSERT_EQUAL(tp.out[0].len, MSS_PLAIN);
	CU_ASSERT_EQUAL(info_of(tp.app.h).in_recovery, 1);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_retrans_segs), 2);
	/* Step 3: the full ACK ends recovery; cwnd = min(ssthresh, max(FlightSize, SMSS) +
	 * SMSS) with nothing outstanding = 2 * 1460. */
	peer_ack(pseq, iss + 1 + 10 * MSS_PLAIN, 65535);
	CU_ASSERT_EQUAL(tp_collect(), 0);
	info = info_of(tp.app.h);
	CU_ASSERT_EQUAL(info.in_recovery, 0);
	CU_ASSERT_EQUAL(info.cwnd, 2 * MSS_PLAIN);
	CU_ASSERT_EQUAL(info.ssthresh, 7300);
	CU_ASSERT_EQUAL(info.flight, 0);
}

/* ---- SACK loss recovery (RFC 6675) ---- */

/* Start of segment @p k (1-based) of a burst sent from @p iss + 1 with MSS_TS. */
static uint32_t
seg_at(uint32_t iss, uint32_t k)
{
	return iss + 1 + (k - 1) * MSS_TS;
}

/* Accept with full options (SACK, timestamps) and put 10 full segments in flight. */
static uint32_t
sack_burst_of_ten(uint32_t *iss)
{
	uint32_t pseq = tp_accept(NULL, iss);

	CU_ASSERT_EQUAL(info_of(tp.app.h).sack_ok, 1);
	dp_tcp_send(tp.lc, tp.app.h, data, 10 * MSS_TS);
	CU_ASSERT_EQUAL(tp_advance(0), 10);
	return pseq;
}

static void
test_tcp_loss_sack_single_hole_retransmits_first_segment_only(void)
{
	struct seg_log log = { 0 };
	uint32_t iss, pseq = sack_burst_of_ten(&iss);
	uint32_t blk[1][2], hole[1][2];

	hole[0][0] = seg_at(iss, 1);
	hole[0][1] = seg_at(iss, 2);
	/* Segments 2..k arrive; each makes a duplicate ACK SACKing 2..k. Two SACKed
	 * segments are not (DupThresh - 1) * SMSS bytes: not lost yet (§4 IsLost()). */
	for (uint32_t k = 2; k <= 3; k++) {
		blk[0][0] = seg_at(iss, 2);
		blk[0][1] = seg_at(iss, k + 1);
		peer_sack(pseq, iss + 1, 1, blk);
		CU_ASSERT_EQUAL(tp_collect(), 0);
	}
	/* §5: the third duplicate ACK starts recovery and retransmits segment 1. */
	for (uint32_t k = 4; k <= 10; k++) {
		blk[0][0] = seg_at(iss, 2);
		blk[0][1] = seg_at(iss, k + 1);
		peer_sack(pseq, iss + 1, 1, blk);
		tp_collect();
		log_out(&log);
	}
	/* NextSeg() rule 1 picks the lost hole; nothing SACKed goes out again. */
	CU_ASSERT_EQUAL_FATAL(log.n, 1);
	CU_ASSERT_EQUAL(log.seq[0], seg_at(iss, 1));
	CU_ASSERT_EQUAL(log.len[0], MSS_TS);
	CU_ASSERT_EQUAL(count_outside_holes(&log, 1, hole), 0);
	CU_ASSERT_EQUAL(info_of(tp.app.h).in_recovery, 1);
	/* The retransmission fills the hole: the cumulative ACK ends recovery. */
	peer_ack(pseq, seg_at(iss, 11), 65535);
	CU_ASSERT_EQUAL(tp_collect(), 0);
	CU_ASSERT_EQUAL(info_of(tp.app.h).in_recovery, 0);
}

static void
test_tcp_loss_sack_two_holes_retransmitted_lowest_first(void)
{
	struct seg_log log = { 0 };
	uint32_t iss, pseq = sack_burst_of_ten(&iss);
	uint32_t blk[2][2], hole[2][2];

	/* Segments 1 and 5 are lost. */
	hole[0][0] = seg_at(iss, 1);
	hole[0][1] = seg_at(iss, 2);
	hole[1][0] = seg_at(iss, 5);
	hole[1][1] = seg_at(iss, 6);
	for (uint32_t k = 2; k <= 4; k++) {
		blk[0][0] = seg_at(iss, 2);
		blk[0][1] = seg_at(iss, k + 1);
		peer_sack(pseq, iss + 1, 1, blk);
		tp_collect();
		log_out(&log);
	}
	for (uint32_t k = 6; k <= 10; k++) {
		/* RFC 2018 §4: the block with the newest segment first. */
		blk[0][0] = seg_at(iss, 6);
		blk[0][1] = seg_at(iss, k + 1);
		blk[1][0] = seg_at(iss, 2);
		blk[1][1] = seg_at(iss, 5);
		peer_sack(pseq, iss + 1, 2, blk);
		tp_collect();
		log_out(&log);
	}
	CU_ASSERT_EQUAL_FATAL(log.n, 2);
	CU_ASSERT_EQUAL(log.seq[0], seg_at(iss, 1));
	CU_ASSERT_EQUAL(log.len[0], MSS_TS);
	CU_ASSERT_EQUAL(log.seq[1], seg_at(iss, 5));
	CU_ASSERT_EQUAL(log.len[1], MSS_TS);
	CU_ASSERT_EQUAL(count_outside_holes(&log, 2, hole), 0);
	/* Segment 1 arrives: partial ACK up to the second hole, nothing new to send. */
	blk[0][0] = seg_at(iss, 6);
	blk[0][1] = seg_at(iss, 11);
	peer_sack(pseq, seg_at(iss, 5), 1, blk);
	CU_ASSERT_EQUAL(tp_collect(), 0);
	peer_ack(pseq, seg_at(iss, 11), 65535);
	CU_ASSERT_EQUAL(tp_collect(), 0);
	CU_ASSERT_EQUAL(info_of(tp.app.h).in_recovery, 0);
}

static void
test_tcp_loss_sack_two_segment_hole_retransmitted_contiguously(void)
{
	struct seg_log log = { 0 };
	uint32_t iss, pseq = sack_burst_of_ten(&iss);
	uint32_t blk[1][2], hole[1][2];

	/* Segments 1 and 2 are lost: one hole of two segments. */
	hole[0][0] = seg_at(iss, 1);
	hole[0][1] = seg_at(iss, 3);
	for (uint32_t k = 3; k <= 10; k++) {
		blk[0][0] = seg_at(iss, 3);
		blk[0][1] = seg_at(iss, k + 1);
		peer_sack(pseq, iss + 1, 1, blk);
		tp_collect();
		log_out(&log);
	}
	/* RFC 6675 §4 NextSeg() (1.a): the next candidate is the first byte above HighRxt,
	 * "the highest sequence number which has been retransmitted", i.e. the last byte
	 * of segment 1; so segment 2 goes out whole, from its first byte. */
	CU_ASSERT_EQUAL_FATAL(log.n, 2);
	CU_ASSERT_EQUAL(log.seq[0], seg_at(iss, 1));
	CU_ASSERT_EQUAL(log.len[0], MSS_TS);
	CU_ASSERT_EQUAL(log.seq[1], seg_at(iss, 2));
	CU_ASSERT_EQUAL(log.len[1], MSS_TS);
	CU_ASSERT_EQUAL(count_outside_holes(&log, 1, hole), 0);
}

static void
test_tcp_loss_sack_hole_after_partial_ack_retransmitted_from_first_byte(void)
{
	struct seg_log log = { 0 };
	uint32_t iss, pseq = sack_burst_of_ten(&iss);
	uint32_t blk[1][2], hole[2][2];

	hole[0][0] = seg_at(iss, 1);
	hole[0][1] = seg_at(iss, 2);
	hole[1][0] = seg_at(iss, 5);
	hole[1][1] = seg_at(iss, 6);
	/* Segments 2-4 arrive: segment 1 is retransmitted at the third duplicate ACK. */
	for (uint32_t k = 2; k <= 4; k++) {
		blk[0][0] = seg_at(iss, 2);
		blk[0][1] = seg_at(iss, k + 1);
		peer_sack(pseq, iss + 1, 1, blk);
		tp_collect();
		log_out(&log);
	}
	CU_ASSERT_EQUAL_FATAL(log.n, 1);
	/* The retransmission arrives before segments 6-10: partial ACK up to segment 5,
	 * which was lost too. */
	peer_ack(pseq, seg_at(iss, 5), 65535);
	tp_collect();
	log_out(&log);
	for (uint32_t k = 6; k <= 10; k++) {
		blk[0][0] = seg_at(iss, 6);
		blk[0][1] = seg_at(iss, k + 1);
		peer_sack(pseq, seg_at(iss, 5), 1, blk);
		tp_collect();
		log_out(&log);
	}
	/* RFC 6675 §4 NextSeg(): HighRxt is the last byte of segment 1, so segment 5 is
	 * retransmitted from its first byte (rule 3, then rule 1 once it is lost). */
	CU_ASSERT_EQUAL_FATAL(log.n, 2);
	CU_ASSERT_EQUAL(log.seq[1], seg_at(iss, 5));
	CU_ASSERT_EQUAL(log.len[1], MSS_TS);
	CU_ASSERT_EQUAL(count_outside_holes(&log, 2, hole), 0);
}

/* ---- Zero window and the persist timer (RFC 9293 §3.8.6.1) ---- */

/* ---- RFC 3042, RFC 5827, RFC 8985 §7 and lost retransmissions ---- */

/* Accept with full options and initial window @p iw segments; queue @p segs full segments. */
static uint32_t
sack_conn_iw(uint32_t iw, uint32_t segs, uint32_t *iss)
{
	struct dp_tcp_conf c = conf_default();
	uint32_t pseq;

	c.iw_segs = (uint8_t)iw;
	restart(&c);
	pseq = tp_accept(NULL, iss);
	CU_ASSERT_EQUAL(info_of(tp.app.h).sack_ok, 1);
	CU_ASSERT_EQUAL(dp_tcp_send(tp.lc, tp.app.h, data, segs * MSS_TS), (int)(segs * MSS_TS));
	CU_ASSERT_EQUAL(tp_advance(0), segs < iw ? segs : iw);
	return pseq;
}

/* One SACK block [seg_at(from), seg_at(to + 1)) on a duplicate ACK of SND.UNA = seg_at(una). */
static void
peer_sack_segs(uint32_t pseq, uint32_t iss, uint32_t una, uint32_t from, uint32_t to)
{
	uint32_t blk[1][2] = { { seg_at(iss, from), seg_at(iss, to + 1) } };

	peer_sack(pseq, seg_at(iss, una), 1, blk);
}

static void
test_tcp_loss_limited_transmit_sends_new_segments_on_first_two_dupacks(void)
{
	uint32_t iss, pseq = sack_conn_iw(4, 10, &iss);

	/* cwnd = 4 segments, all in flight; segment 1 is lost. RFC 3042 §2: the first and
	 * second duplicate ACKs each release one new segment beyond cwnd. */
	peer_sack_segs(pseq, iss, 1, 2, 2);
	CU_ASSERT_EQUAL_FATAL(tp_collect(), 1);
	CU_ASSERT_EQUAL(tp.out[0].seq, seg_at(iss, 5));
	peer_sack_segs(pseq, iss, 1, 2, 3);
	CU_ASSERT_EQUAL_FATAL(tp_collect(), 1);
	CU_ASSERT_EQUAL(tp.out[0].seq, seg_at(iss, 6));
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_limited_transmit), 2);
	CU_ASSERT_EQUAL(info_of(tp.app.h).cwnd, 4 * MSS_TS); /* cwnd itself is unchanged */
	/* The third starts recovery (RFC 6675): segment 1 goes out first. */
	peer_sack_segs(pseq, iss, 1, 2, 4);
	CU_ASSERT_FATAL(tp_collect() >= 1);
	CU_ASSERT_EQUAL(tp.out[0].seq, seg_at(iss, 1));
	CU_ASSERT_EQUAL(info_of(tp.app.h).in_recovery, 1);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_limited_transmit), 2);
}

static void
test_tcp_loss_early_retransmit_with_three_segments_outstanding(void)
{
	uint32_t iss, pseq = sack_conn_iw(10, 3, &iss);

	/* Three segments and nothing more to send: DupThresh (3) duplicate ACKs can never
	 * come. RFC 5827 §3.2: ER_thresh = oseg - 1 = 2. */
	peer_sack_segs(pseq, iss, 1, 2, 2);
	CU_ASSERT_EQUAL(tp_collect(), 0);
	peer_sack_segs(pseq, iss, 1, 2, 3);
	CU_ASSERT_EQUAL_FATAL(tp_collect(), 1);
	CU_ASSERT_EQUAL(tp.out[0].seq, seg_at(iss, 1));
	CU_ASSERT_EQUAL(tp.out[0].len, MSS_TS);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_early_retransmit), 1);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_rto), 0);
}

static void
test_tcp_loss_sack_dupack_may_carry_data(void)
{
	uint32_t iss, pseq = sack_conn_iw(10, 10, &iss);
	struct tp_opts o = tp_opts_none();
	uint8_t payload[100];

	memset(payload, 'p', sizeof(payload));
	/* RFC 6675 §2: an ACK that SACKs new data is a duplicate ACK even when it carries
	 * data (a peer that sends too piggybacks its ACKs). The third one starts recovery. */
	o.n_sack = 1;
	for (uint32_t k = 2; k <= 4; k++) {
		o.sack[0][0] = seg_at(iss, 2);
		o.sack[0][1] = seg_at(iss, k + 1);
		tp_send(TP_PEER_PORT, TP_PORT, TP_ACK, pseq, iss + 1, 65535, &o, payload,
			sizeof(payload));
		pseq += sizeof(payload);
		tp_collect();
	}
	CU_ASSERT_EQUAL(info_of(tp.app.h).in_recovery, 1);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_fast_recovery), 1);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_dupacks), 3);
}

static void
test_tcp_loss_tlp_probes_last_segment_twice_before_the_rto(void)
{
	uint32_t iss;

	sack_conn_iw(10, 3, &iss);
	/* RFC 8985 §7.2: PTO = 2 SRTT, here raised to the floor (the handshake's RTT is
	 * ~0). §7.3: no new data, so the last segment is sent again. */
	expect_one_after(lc_tlp_min());
	CU_ASSERT_EQUAL(tp.out[0].seq, seg_at(iss, 3));
	CU_ASSERT_EQUAL(tp.out[0].len, MSS_TS);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_tlp_probes), 1);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_rto), 0);
	/* Unanswered for another PTO: the second and last probe of the episode. */
	expect_one_after(lc_tlp_min());
	CU_ASSERT_EQUAL(tp.out[0].seq, seg_at(iss, 3));
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_tlp_probes), 2);
	/* Then the RTO, 200 ms from that probe, and no third probe before it. */
	expect_one_after(200000);
	CU_ASSERT_EQUAL(tp.out[0].seq, seg_at(iss, 1));
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_rto), 1);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_tlp_probes), 2);
}

static void
test_tcp_loss_tlp_second_probe_is_new_data_when_the_first_gets_no_ack(void)
{
	uint32_t iss, pseq = sack_conn_iw(4, 10, &iss);

	/* Segments 1..4 arrived but their ACK was lost. The first probe is segment 5,
	 * which a receiver may hold its ACK for (one segment); one PTO later the second
	 * is segment 6, and two full segments must be acknowledged at once (RFC 5681
	 * §4.2). */
	expect_one_after(lc_tlp_min());
	CU_ASSERT_EQUAL(tp.out[0].seq, seg_at(iss, 5));
	expect_one_after(lc_tlp_min());
	CU_ASSERT_EQUAL(tp.out[0].seq, seg_at(iss, 6));
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_tlp_probes), 2);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_retrans_segs), 0);
	/* The ACK covers both probes: the episode is over, output resumes. */
	peer_ack(pseq, seg_at(iss, 7), 65535);
	CU_ASSERT(tp_collect() >= 1);
	CU_ASSERT_EQUAL(tp.out[0].seq, seg_at(iss, 7));
	CU_ASSERT_EQUAL(tcp_tcb_get(tp.lc, tp.app.h)->tlp_n, 0);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_rto), 0);
}

static void
test_tcp_loss_tlp_waits_for_a_delayed_ack_of_a_lone_segment(void)
{
	uint32_t iss;

	/* One segment in flight: the receiver may delay its ACK (RFC 5681 §4.2), so the
	 * PTO grows by WCDelAckT = 200 ms (RFC 8985 §7.2) and the RTO comes first. A
	 * quiet connection's lone segment is not sent twice for a delayed ACK. */
	sack_conn_iw(10, 1, &iss);
	CU_ASSERT_EQUAL(tcp_tcb_get(tp.lc, tp.app.h)->tmr[DP_TCP_T_TLP], 0);
	expect_one_after(200000);
	CU_ASSERT_EQUAL(tp.out[0].seq, seg_at(iss, 1));
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_rto), 1);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_tlp_probes), 0);
}

static void
test_tcp_loss_tlp_sends_new_data_when_cwnd_is_full(void)
{
	uint32_t iss, pseq = sack_conn_iw(4, 10, &iss);

	/* §7.3: new data when the peer's window allows it, regardless of cwnd. */
	expect_one_after(lc_tlp_min());
	CU_ASSERT_EQUAL(tp.out[0].seq, seg_at(iss, 5));
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_tlp_probes), 1);
	/* Its ACK covers everything: the episode ends and a new probe may be armed. */
	peer_ack(pseq, seg_at(iss, 6), 65535);
	CU_ASSERT(tp_collect() >= 1);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_rto), 0);
	CU_ASSERT_EQUAL(tcp_tcb_get(tp.lc, tp.app.h)->tlp_n, 0);
	CU_ASSERT_NOT_EQUAL(tcp_tcb_get(tp.lc, tp.app.h)->tmr[DP_TCP_T_TLP], 0);
}

static void
test_tcp_loss_lost_retransmission_is_sent_again_when_later_data_is_sacked(void)
{
	uint32_t iss, pseq = sack_conn_iw(10, 20, &iss);
	uint32_t resent = 0;

	/* Segment 1 is lost. SACKs for 2 and 2..3 release segments 11 and 12 (limited
	 * transmit); 2..4 starts recovery and resends segment 1 while SND.MAX is
	 * seg_at(13): everything from there on left after the retransmission. */
	for (uint32_t k = 2; k <= 4; k++) {
		peer_sack_segs(pseq, iss, 1, 2, k);
		tp_collect();
	}
	CU_ASSERT_EQUAL_FATAL(info_of(tp.app.h).in_recovery, 1);
	CU_ASSERT_EQUAL(tcp_tcb_get(tp.lc, tp.app.h)->rxt.e[0].mark, seg_at(iss, 13));
	/* Segments 5..10 arrive, and new data goes out above the mark. The retransmission
	 * of segment 1 is lost too. */
	for (uint32_t k = 5; k <= 10; k++) {
		peer_sack_segs(pseq, iss, 1, 2, k);
		tp_collect();
	}
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_rxt_lost), 0);
	/* Segments 11 and 12 were sent before it. Then two sent after it arrive (13, 14):
	 * within the reordering allowance (DupThresh segments). */
	peer_sack_segs(pseq, iss, 1, 2, 14);
	tp_collect();
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_rxt_lost), 0);
	/* A third: the retransmission is lost, and segment 1 goes out once more. */
	peer_sack_segs(pseq, iss, 1, 2, 15);
	tp_collect();
	for (uint32_t i = 0; i < tp.n_out; i++)
		resent += tp.out[i].seq == seg_at(iss, 1);
	CU_ASSERT_EQUAL(resent, 1);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_rxt_lost), 1);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_rto), 0);
}

/*
 * Segments 1 and 3 of a burst of ten are lost, nothing else is queued, and
 * min_RTT = SRTT = 4.8 ms (RFC 8985 §6.2: reo_wnd = min_RTT / 4 = 1.2 ms).
 * SACKs for 2 and 4..5 start recovery, which resends segment 1 at t0;
 * @p gap_us later a SACK for 4..6 makes segment 3 lost (RFC 6675 IsLost())
 * and it is resent. Nothing is ever sent above SND.MAX, so only time order
 * can show that the first retransmission was lost. Returns the peer's seq.
 */
static uint32_t
two_retransmissions(uint64_t gap_us, uint32_t *iss)
{
	uint32_t pseq = sack_burst_of_ten(iss);
	struct dp_tcb *t = tcp_tcb_get(tp.lc, tp.app.h);
	const uint32_t b1[1][2] = { { seg_at(*iss, 2), seg_at(*iss, 3) } };
	const uint32_t b2[2][2] = { { seg_at(*iss, 4), seg_at(*iss, 5) },
				    { seg_at(*iss, 2), seg_at(*iss, 3) } };
	const uint32_t b3[2][2] = { { seg_at(*iss, 4), seg_at(*iss, 6) },
				    { seg_at(*iss, 2), seg_at(*iss, 3) } };
	const uint32_t b4[2][2] = { { seg_at(*iss, 4), seg_at(*iss, 7) },
				    { seg_at(*iss, 2), seg_at(*iss, 3) } };

	t->min_rtt_us = 4800;
	t->srtt_us = 4800;
	peer_sack(pseq, seg_at(*iss, 1), 1, b1);
	CU_ASSERT_EQUAL(tp_collect(), 0);
	peer_sack(pseq, seg_at(*iss, 1), 2, b2);
	CU_ASSERT_EQUAL(tp_collect(), 0);
	/* Third duplicate ACK: recovery, segment 1 resent; cwnd 7 = pipe (1 resent, 3, 6..10). */
	peer_sack(pseq, seg_at(*iss, 1), 2, b3);
	CU_ASSERT_EQUAL_FATAL(tp_collect(), 1);
	CU_ASSERT_EQUAL(tp.out[0].seq, seg_at(*iss, 1));
	CU_ASSERT_EQUAL(tp_advance(gap_us), 0);
	/* Three segments SACKed above segment 3: lost, resent (RFC 6675 NextSeg() rule 1). */
	peer_sack(pseq, seg_at(*iss, 1), 2, b4);
	CU_ASSERT_EQUAL_FATAL(tp_collect(), 1);
	CU_ASSERT_EQUAL(tp.out[0].seq, seg_at(*iss, 3));
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_rxt_lost), 0);
	return pseq;
}

static void
test_tcp_loss_lost_retransmission_is_sent_again_when_a_later_retransmission_is_sacked(void)
{
	uint32_t iss, pseq = two_retransmissions(2000, &iss);
	const uint32_t b[1][2] = { { seg_at(iss, 2), seg_at(iss, 8) } };

	/* 5 ms later (not sooner than min_RTT: it is the retransmission's own ACK, §6.2
	 * step 2) segment 3 is SACKed. Segment 1's retransmission left 2 ms >= reo_wnd
	 * before it and is still missing: lost (§6.2 step 5), resent at once rather than
	 * at the PTO (t0 + 12 ms) or the RTO. */
	CU_ASSERT_EQUAL(tp_advance(5000), 0);
	peer_sack(pseq, seg_at(iss, 1), 1, b);
	CU_ASSERT_EQUAL_FATAL(tp_collect(), 1);
	CU_ASSERT_EQUAL(tp.out[0].seq, seg_at(iss, 1));
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_rxt_lost_time), 1);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_rxt_lost), 1);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_tlp_probes), 0);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_rto), 0);
	/* It arrives: the full ACK ends recovery. */
	peer_ack(pseq, seg_at(iss, 11), 65535);
	tp_collect();
	CU_ASSERT_EQUAL(info_of(tp.app.h).in_recovery, 0);
}

static void
test_tcp_loss_retransmissions_within_the_reordering_window_are_not_deemed_lost(void)
{
	uint32_t iss, pseq = two_retransmissions(1000, &iss);
	const uint32_t b[1][2] = { { seg_at(iss, 2), seg_at(iss, 8) } };

	/* The two retransmissions left 1 ms apart, less than reo_wnd (1.2 ms): segment 1's
	 * may merely be reordered behind segment 3's. Not lost, nothing sent. */
	CU_ASSERT_EQUAL(tp_advance(5000), 0);
	peer_sack(pseq, seg_at(iss, 1), 1, b);
	CU_ASSERT_EQUAL(tp_collect(), 0);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_rxt_lost_time), 0);
	/* It does arrive: recovery ends with no spurious retransmission. */
	peer_ack(pseq, seg_at(iss, 11), 65535);
	tp_collect();
	CU_ASSERT_EQUAL(info_of(tp.app.h).in_recovery, 0);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_retrans_segs), 2);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_rxt_lost), 0);
}

static void
test_tcp_loss_ack_sooner_than_min_rtt_after_a_retransmission_proves_nothing(void)
{
	uint32_t iss, pseq = two_retransmissions(2000, &iss);
	const uint32_t b[1][2] = { { seg_at(iss, 2), seg_at(iss, 8) } };

	/* Segment 3 is SACKed 1 ms after its retransmission, sooner than min_RTT (4.8 ms):
	 * the original was delayed, not lost (RFC 8985 §6.2 step 2), so RACK.xmit_ts does
	 * not move and segment 1's retransmission is not deemed lost by it. */
	CU_ASSERT_EQUAL(tp_advance(1000), 0);
	peer_sack(pseq, seg_at(iss, 1), 1, b);
	CU_ASSERT_EQUAL(tp_collect(), 0);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_rxt_lost_time), 0);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_rxt_lost), 0);
}

/* Two segments in flight (iw 2) of ten queued; min_RTT = SRTT = 4 ms, so
 * RACK.reo_wnd = 1 ms (RFC 8985 §6.2 step 4). */
static uint32_t
rack_conn(uint32_t *iss)
{
	uint32_t pseq = sack_conn_iw(2, 10, iss);
	struct dp_tcb *t = tcp_tcb_get(tp.lc, tp.app.h);

	t->min_rtt_us = 4000;
	t->srtt_us = 4000;
	tcp_timer_arm_probe(tp.lc, t); /* PTO = 2 SRTT = 8 ms from now */
	return pseq;
}

static void
test_tcp_loss_rack_starts_recovery_when_later_sent_data_is_sacked(void)
{
	uint32_t iss, pseq = rack_conn(&iss);

	/* Segment 1 is lost. 2 ms later segment 2 is SACKed: sent with 1, so not yet
	 * evidence (§6.2 step 5); limited transmit sends segment 3 (RFC 3042). */
	CU_ASSERT_EQUAL(tp_advance(2000), 0);
	peer_sack_segs(pseq, iss, 1, 2, 2);
	CU_ASSERT_EQUAL_FATAL(tp_collect(), 1);
	CU_ASSERT_EQUAL(tp.out[0].seq, seg_at(iss, 3));
	CU_ASSERT_EQUAL(info_of(tp.app.h).in_recovery, 0);
	/* Segment 3, sent 2 ms >= reo_wnd after segment 1, is SACKed: segment 1 is lost
	 * with only two duplicate ACKs, and recovery resends it. */
	peer_sack_segs(pseq, iss, 1, 2, 3);
	CU_ASSERT(tp_collect() >= 1);
	CU_ASSERT_EQUAL(tp.out[0].seq, seg_at(iss, 1));
	CU_ASSERT_EQUAL(info_of(tp.app.h).in_recovery, 1);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_rack_recovery), 1);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_dupacks), 2);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_tlp_probes), 0);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_rto), 0);
}

static void
test_tcp_loss_rack_reordering_timer_resends_the_first_segment(void)
{
	uint32_t iss, pseq = rack_conn(&iss);

	/* Segment 2 is SACKed at once; segment 3 (limited transmit) and everything after
	 * it are lost. §6.3: the reordering timer runs to segment 1's xmit_ts + RACK.rtt
	 * + reo_wnd = 4 + 1 ms; then it is lost, before the 10 ms tail-loss probe. */
	peer_sack_segs(pseq, iss, 1, 2, 2);
	CU_ASSERT_EQUAL_FATAL(tp_collect(), 1);
	CU_ASSERT_NOT_EQUAL(tcp_tcb_get(tp.lc, tp.app.h)->tmr[DP_TCP_T_REO], 0);
	expect_one_after(5000);
	CU_ASSERT_EQUAL(tp.out[0].seq, seg_at(iss, 1));
	CU_ASSERT_EQUAL(info_of(tp.app.h).in_recovery, 1);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_rack_recovery), 1);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_tlp_probes), 0);
}

static void
test_tcp_loss_rack_reordering_within_the_window_is_not_a_loss(void)
{
	uint32_t iss, pseq = rack_conn(&iss);

	/* Segment 2 arrives before segment 1 (reordered, not lost): SACK, then the
	 * cumulative ACK 1 ms later, within the reordering timer. */
	peer_sack_segs(pseq, iss, 1, 2, 2);
	CU_ASSERT_EQUAL_FATAL(tp_collect(), 1);
	CU_ASSERT_EQUAL(tp_advance(1000), 0);
	peer_ack(pseq, seg_at(iss, 4), 65535);
	tp_collect();
	CU_ASSERT_EQUAL(tcp_tcb_get(tp.lc, tp.app.h)->tmr[DP_TCP_T_REO], 0);
	tp_advance(5000);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_retrans_segs), 0);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_rack_recovery), 0);
	CU_ASSERT_EQUAL(info_of(tp.app.h).in_recovery, 0);
}

static void
test_tcp_loss_recovery_probe_resends_a_lost_retransmission_before_the_rto(void)
{
	uint32_t iss, pseq = sack_burst_of_ten(&iss);

	/* Segment 1 is lost, 2..10 arrive: recovery resends segment 1, then nothing is
	 * left to send and nothing sent later is in flight to reveal a second loss. */
	for (uint32_t k = 2; k <= 10; k++) {
		peer_sack_segs(pseq, iss, 1, 2, k);
		tp_collect();
	}
	CU_ASSERT_EQUAL_FATAL(info_of(tp.app.h).in_recovery, 1);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_retrans_segs), 1);
	/* One PTO later, not the 200 ms RTO, segment 1 goes out again. */
	expect_one_after(lc_tlp_min());
	CU_ASSERT_EQUAL(tp.out[0].seq, seg_at(iss, 1));
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_rxt_lost), 1);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_rto), 0);
	/* It arrives: the full ACK ends recovery. */
	peer_ack(pseq, seg_at(iss, 11), 65535);
	tp_collect();
	CU_ASSERT_EQUAL(info_of(tp.app.h).in_recovery, 0);
}

static void
test_tcp_loss_recovery_probe_when_acks_stop_with_nothing_resent_outstanding(void)
{
	uint32_t iss, pseq = sack_conn_iw(4, 20, &iss);
	struct dp_tcb *t;
	uint32_t top;

	/* Segment 1 is lost: SACKs of 2 and 2..3 release 5 and 6 (limited transmit),
	 * 2..4 starts recovery (RecoveryPoint: the end of 6) and resends 1. */
	for (uint32_t k = 2; k <= 4; k++) {
		peer_sack_segs(pseq, iss, 1, 2, k);
		tp_collect();
	}
	CU_ASSERT_EQUAL_FATAL(info_of(tp.app.h).in_recovery, 1);
	/* A partial ACK takes the retransmission and every SACKed block; what recovery
	 * sends next is in flight, and then the ACKs stop (all lost). */
	peer_ack(pseq, seg_at(iss, 5), 65535);
	tp_collect();
	t = tcp_tcb_get(tp.lc, tp.app.h);
	CU_ASSERT_EQUAL_FATAL(info_of(tp.app.h).in_recovery, 1);
	CU_ASSERT_EQUAL(t->rxt.n, 0);
	CU_ASSERT_EQUAL(t->sb.n, 0);
	CU_ASSERT_FATAL(t->snd_max - t->snd_una >= 2 * MSS_TS);
	top = t->snd_max;
	/* One PTO later, not the RTO: a tail-loss probe, new data (RFC 8985 §7.3). */
	expect_one_after(lc_tlp_min());
	CU_ASSERT_EQUAL(tp.out[0].seq, top);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_tlp_probes), 1);
	/* Still nothing: a second one, the next new segment. */
	expect_one_after(lc_tlp_min());
	CU_ASSERT_EQUAL(tp.out[0].seq, top + MSS_TS);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_tlp_probes), 2);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_rto), 0);
	/* Their ACK covers everything sent: recovery ends. */
	peer_ack(pseq, t->snd_max, 65535);
	tp_collect();
	CU_ASSERT_EQUAL(info_of(tp.app.h).in_recovery, 0);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_rto), 0);
}

static void
test_tcp_loss_loss_of_the_first_segment_after_a_timeout_is_fast_retransmitted(void)
{
	struct dp_tcp_conf c = conf_default();
	uint32_t iss, pseq;

	c.tlp_min_us = 0; /* the RTO alone */
	c.iw_segs = 2;
	restart(&c);
	pseq = tp_accept(NULL, &iss);
	dp_tcp_send(tp.lc, tp.app.h, data, 20 * MSS_TS);
	CU_ASSERT_EQUAL(tp_advance(0), 2);
	/* Segments 1 and 2 arrive, their ACK is lost: the RTO resends 1, and recover
	 * becomes the highest sequence number sent, the last byte of 2 (RFC 6582 §4). */
	expect_one_after(200000);
	CU_ASSERT_EQUAL(tp.out[0].seq, seg_at(iss, 1));
	CU_ASSERT_EQUAL(tcp_tcb_get(tp.lc, tp.app.h)->recover, seg_at(iss, 3) - 1);
	/* The ACK of both; slow start sends 3 and 4; 3 is lost. Segment 3 was sent after
	 * the timeout, so its loss is fast-retransmitted once DupThresh segments sent
	 * after it (4 and, by limited transmit, 5 and 6) are SACKed (RFC 6582 §3.2 step 2
	 * excludes only data sent before the timeout). */
	peer_ack(pseq, seg_at(iss, 3), 65535);
	CU_ASSERT_EQUAL_FATAL(tp_collect(), 2);
	CU_ASSERT_EQUAL(tp.out[0].seq, seg_at(iss, 3));
	for (uint32_t k = 4; k <= 6; k++) {
		peer_sack_segs(pseq, iss, 3, 4, k);
		tp_collect();
	}
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_fast_recovery), 1);
	CU_ASSERT_EQUAL(info_of(tp.app.h).in_recovery, 1);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_rto), 1);
}

static void
test_tcp_loss_zero_window_probes_with_backoff_until_opened(void)
{
	uint32_t iss, pseq = tp_accept(NULL, &iss);

	peer_ack(pseq, iss + 1, 0);
	tp_collect();
	CU_ASSERT_EQUAL(info_of(tp.app.h).snd_wnd, 0);
	CU_ASSERT_EQUAL(dp_tcp_send(tp.lc, tp.app.h, data, 1000), 1000);
	CU_ASSERT_EQUAL(tp_advance(0), 0);
	/* RFC 1122 §4.2.2.17: first probe after one RTO (200 ms here), then exponential
	 * backoff. The probe is SEQ = SND.UNA - 1 with no data. */
	expect_one_after(200000);
	CU_ASSERT_EQUAL(tp.out[0].seq, iss);
	CU_ASSERT_EQUAL(tp.out[0].len, 0);
	CU_ASSERT_EQUAL(tp.out[0].flags, TP_ACK);
	expect_one_after(400000);
	CU_ASSERT_EQUAL(tp.out[0].seq, iss);
	CU_ASSERT_EQUAL(tp.out[0].len, 0);
	expect_one_after(800000);
	CU_ASSERT_EQUAL(tp.out[0].seq, iss);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_zwp_sent), 3);
	/* The peer answers with an open window (100 << 7): the data goes out at once. */
	peer_ack(pseq, iss + 1, 100);
	CU_ASSERT_EQUAL_FATAL(tp_collect(), 1);
	CU_ASSERT_EQUAL(tp.out[0].seq, iss + 1);
	CU_ASSERT_EQUAL(tp.out[0].len, 1000);
	CU_ASSERT_EQUAL(tcp_tcb_get(tp.lc, tp.app.h)->tmr[DP_TCP_T_PERSIST], 0);
	/* Acknowledged: no more probes, ever. */
	peer_ack(pseq, iss + 1001, 100);
	tp_collect();
	CU_ASSERT_EQUAL(tp_advance(10000000), 0);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_zwp_sent), 3);
}

/* ---- Keepalive (RFC 9293 §3.8.4, RFC 1122 §4.2.3.6) ---- */

static struct dp_tcp_conf
conf_keepalive(void)
{
	struct dp_tcp_conf c = conf_default();

	c.keepalive_idle_us = 10000000;
	c.keepalive_intvl_us = 1000000;
	c.keepalive_probes = 3;
	return c;
}

static void
test_tcp_loss_keepalive_unanswered_closes_timeout_with_rst(void)
{
	struct dp_tcp_conf c = conf_keepalive();
	uint32_t iss;

	restart(&c);
	tp_accept(NULL, &iss);
	/* Idle 10 s: a probe with SEQ = SND.UNA - 1 and no data. */
	expect_one_after(10000000);
	CU_ASSERT_EQUAL(tp.out[0].seq, iss);
	CU_ASSERT_EQUAL(tp.out[0].len, 0);
	CU_ASSERT_EQUAL(tp.out[0].flags, TP_ACK);
	expect_one_after(1000000);
	CU_ASSERT_EQUAL(tp.out[0].seq, iss);
	expect_one_after(1000000);
	CU_ASSERT_EQUAL(tp.out[0].seq, iss);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_keepalive_sent), 3);
	CU_ASSERT_EQUAL(tp.app.closed, 0);
	/* Three probes unanswered: the next interval gives up. */
	expect_one_after(1000000);
	CU_ASSERT(tp.out[0].flags & TP_RST);
	CU_ASSERT_EQUAL(tp.app.closed, 1);
	CU_ASSERT_EQUAL(tp.app.close_reason, DP_TCP_CLOSE_TIMEOUT);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_conns), 0);
}

static void
test_tcp_loss_keepalive_answer_resets_probe_count(void)
{
	struct dp_tcp_conf c = conf_keepalive();
	uint32_t iss, pseq;

	restart(&c);
	pseq = tp_accept(NULL, &iss);
	expect_one_after(10000000);
	expect_one_after(1000000);
	/* The peer answers the second probe half a second later. */
	CU_ASSERT_EQUAL(tp_advance(500000), 0);
	peer_ack(pseq, iss + 1, 65535);
	CU_ASSERT_EQUAL(tp_collect(), 0);
	/* Idle again from the answer: probes at +10, +11, +12 s, give up at +13 s. */
	expect_one_after(10000000);
	CU_ASSERT_EQUAL(tp.out[0].seq, iss);
	expect_one_after(1000000);
	expect_one_after(1000000);
	CU_ASSERT_EQUAL(tp.app.closed, 0);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_keepalive_sent), 5);
	expect_one_after(1000000);
	CU_ASSERT(tp.out[0].flags & TP_RST);
	CU_ASSERT_EQUAL(tp.app.close_reason, DP_TCP_CLOSE_TIMEOUT);
}

/* ---- SYN cookies (RFC 4987) ---- */

/* Restart with a SYN backlog of 2 and fill it with half-open connections. */
static void
fill_backlog_of_two(void)
{
	struct dp_tcp_conf c = conf_default();
	struct tp_opts o = tp_opts_full();

	c.syn_backlog = 2;
	restart(&c);
	tp_send(40001, TP_PORT, TP_SYN, PEER_ISN, 0, 65535, &o, NULL, 0);
	tp_send(40002, TP_PORT, TP_SYN, PEER_ISN, 0, 65535, &o, NULL, 0);
	CU_ASSERT_EQUAL(tp_collect(), 2);
	CU_ASSERT(tp.out[0].has_ts && tp.out[1].has_ts); /* real SYN-ACKs echo the options */
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_conns), 2);
}

/* A SYN from @p sport answered with a cookie: return the cookie (the SYN-ACK's SEQ). */
static uint32_t
syn_for_cookie(uint16_t sport)
{
	struct tp_opts o = tp_opts_full();

	tp_send(sport, TP_PORT, TP_SYN, PEER_ISN, 0, 65535, &o, NULL, 0);
	CU_ASSERT_EQUAL_FATAL(tp_collect(), 1);
	return tp.out[0].seq;
}

static void
test_tcp_loss_syncookie_when_backlog_full_carries_only_mss(void)
{
	fill_backlog_of_two();
	syn_for_cookie(40003);
	CU_ASSERT_EQUAL(tp.out[0].flags, TP_SYN | TP_ACK);
	CU_ASSERT_EQUAL(tp.out[0].ack, PEER_ISN + 1);
	/* §3.6: the cookie encodes an MSS; window scale, SACK and timestamps are lost. */
	CU_ASSERT_EQUAL(tp.out[0].mss, 1460);
	CU_ASSERT_FALSE(tp.out[0].sackok);
	CU_ASSERT_FALSE(tp.out[0].has_ts);
	CU_ASSERT_EQUAL(tp.out[0].ws, -1);
	CU_ASSERT(tp.out[0].csum_ok);
	/* No state for it. */
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_conns), 2);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_syncookies_sent), 1);
}

static void
test_tcp_loss_syncookie_ack_establishes_and_data_flows(void)
{
	uint8_t got[200];
	struct dp_tcp_info info;
	uint32_t cookie;

	fill_backlog_of_two();
	cookie = syn_for_cookie(40003);
	tp_send(40003, TP_PORT, TP_ACK, PEER_ISN + 1, cookie + 1, 65535, NULL, NULL, 0);
	tp_collect();
	CU_ASSERT_EQUAL_FATAL(tp.app.accepted, 1);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_syncookies_ok), 1);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_conns), 3);
	info = info_of(tp.app.h);
	CU_ASSERT_EQUAL(info.syncookie, 1);
	CU_ASSERT_EQUAL(info.state, DP_TCP_STATE_ESTABLISHED);
	CU_ASSERT_EQUAL(info.rport, 40003);
	CU_ASSERT_EQUAL(info.mss, 1460);
	CU_ASSERT_EQUAL(info.ts_ok, 0);
	/* The peer's data is inside the 65535-byte window the cookie SYN-ACK offered
	 * (RFC 9293 §3.10.7.4 acceptability test; §3.8.6: an offered window stays). */
	memset(got, 'c', 100);
	tp_send(40003, TP_PORT, TP_ACK | TP_PSH, PEER_ISN + 1, cookie + 1, 65535, NULL, got, 100);
	tp_collect();
	CU_ASSERT_EQUAL(dp_tcp_readable(tp.lc, tp.app.h), 100);
	CU_ASSERT_EQUAL(dp_tcp_recv(tp.lc, tp.app.h, got, sizeof(got)), 100);
	/* Our data goes out from ISS + 1 = cookie + 1. */
	CU_ASSERT_EQUAL(dp_tcp_send(tp.lc, tp.app.h, data, 100), 100);
	CU_ASSERT_EQUAL_FATAL(tp_advance(0), 1);
	CU_ASSERT_EQUAL(tp.out[0].seq, cookie + 1);
	CU_ASSERT_EQUAL(tp.out[0].len, 100);
}

static void
test_tcp_loss_syncookie_wrong_cookie_gets_rst(void)
{
	uint32_t cookie;

	fill_backlog_of_two();
	cookie = syn_for_cookie(40003);
	tp_send(40003, TP_PORT, TP_ACK, PEER_ISN + 1, cookie + 2, 65535, NULL, NULL, 0);
	CU_ASSERT_EQUAL_FATAL(tp_collect(), 1);
	/* RFC 9293 §3.10.7.2: an ACK to a listener gets <SEQ=SEG.ACK><CTL=RST>. */
	CU_ASSERT_EQUAL(tp.out[0].flags, TP_RST);
	CU_ASSERT_EQUAL(tp.out[0].seq, cookie + 2);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_syncookies_bad), 1);
	CU_ASSERT_EQUAL(tp.app.accepted, 0);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_conns), 2);
}

static void
test_tcp_loss_syncookie_one_period_old_is_accepted(void)
{
	uint32_t cookie;

	fill_backlog_of_two();
	cookie = syn_for_cookie(40003);
	/* 64 s later the counter moved by one period at most: still valid (§3.6). */
	tp_advance(64000000);
	tp_send(40003, TP_PORT, TP_ACK, PEER_ISN + 1, cookie + 1, 65535, NULL, NULL, 0);
	tp_collect();
	CU_ASSERT_EQUAL(tp.app.accepted, 1);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_syncookies_bad), 0);
}

static void
test_tcp_loss_syncookie_older_than_two_periods_is_refused(void)
{
	uint32_t cookie;

	fill_backlog_of_two();
	cookie = syn_for_cookie(40003);
	/* More than 128 s: two 64 s periods have passed. */
	tp_advance(129000000);
	tp_send(40003, TP_PORT, TP_ACK, PEER_ISN + 1, cookie + 1, 65535, NULL, NULL, 0);
	CU_ASSERT_EQUAL_FATAL(tp_collect(), 1);
	CU_ASSERT_EQUAL(tp.out[0].flags, TP_RST);
	CU_ASSERT_EQUAL(tp.app.accepted, 0);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_syncookies_bad), 1);
}

static void
test_tcp_loss_syn_flood_is_bounded_and_cookie_handshake_completes(void)
{
	struct dp_tcp_conf c = conf_default();
	struct tp_opts o = opts_plain();
	uint32_t answered = 0, cookie;

	c.syn_backlog = 16;
	c.max_conns = 64;
	restart(&c);
	/* 10,000 SYNs from distinct ports, in batches that fit the test ring. */
	for (uint32_t b = 0; b < 100; b++) {
		for (uint32_t j = 0; j < 100; j++)
			tp_send((uint16_t)(1024 + b * 100 + j), TP_PORT, TP_SYN, 7000 + j, 0, 65535,
				&o, NULL, 0);
		answered += tp_collect();
	}
	CU_ASSERT_EQUAL(answered, 10000);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_syn_rcvd), 10000);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_conns), 16);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_syncookies_sent), 10000 - 16);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_tcb_exhausted), 0);
	/* A legitimate client still gets in, through a cookie. */
	tp_send(60000, TP_PORT, TP_SYN, PEER_ISN, 0, 65535, &o, NULL, 0);
	CU_ASSERT_EQUAL_FATAL(tp_collect(), 1);
	cookie = tp.out[0].seq;
	tp_send(60000, TP_PORT, TP_ACK, PEER_ISN + 1, cookie + 1, 65535, NULL, NULL, 0);
	tp_collect();
	CU_ASSERT_EQUAL_FATAL(tp.app.accepted, 1);
	CU_ASSERT_EQUAL(info_of(tp.app.h).syncookie, 1);
	CU_ASSERT_EQUAL(info_of(tp.app.h).rport, 60000);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_conns), 17);
}

/* ---- TIME_WAIT and tcb budgets ---- */

/* Accept from @p sport and close actively down to TIME_WAIT. */
static void
close_to_time_wait(uint16_t sport)
{
	struct tp_opts o = opts_plain();
	uint32_t iss, pseq = accept_from(sport, &o, &iss);

	CU_ASSERT_EQUAL(dp_tcp_close(tp.lc, tp.app.h), 0);
	CU_ASSERT_EQUAL_FATAL(tp_advance(0), 1);
	CU_ASSERT_EQUAL(tp.out[0].flags, TP_FIN | TP_ACK);
	/* The peer acknowledges our FIN and sends its own. */
	tp_send(sport, TP_PORT, TP_FIN | TP_ACK, pseq, iss + 2, 65535, NULL, NULL, 0);
	CU_ASSERT_EQUAL(tp_collect(), 1);
	CU_ASSERT_PTR_NOT_NULL(tcp_lookup(tp.lc, TP_OUR_IP, TP_PORT, TP_PEER_IP, sport));
}

static void
test_tcp_loss_time_wait_budget_recycles_oldest(void)
{
	struct dp_tcp_conf c = conf_default();
	uint32_t counts[DP_TCP_STATE__COUNT];

	c.tw_max = 2;
	restart(&c);
	close_to_time_wait(41001);
	close_to_time_wait(41002);
	CU_ASSERT_EQUAL(tp.lc->tcp.n_timewait, 2);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_tw_recycled), 0);
	close_to_time_wait(41003);
	CU_ASSERT_EQUAL(tp.app.closed, 3);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_tw_recycled), 1);
	CU_ASSERT_EQUAL(tp.lc->tcp.n_timewait, 2);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_conns), 2);
	dp_tcp_state_counts(tp.lc, counts);
	CU_ASSERT_EQUAL(counts[DP_TCP_STATE_TIME_WAIT], 2);
	/* The gauges agree: 2 in TIME-WAIT, none left in any other state. */
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_state_time_wait), 2);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_state_established), 0);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_state_fin_wait_2), 0);
	/* The oldest went; the two newest remain. */
	CU_ASSERT_PTR_NULL(tcp_lookup(tp.lc, TP_OUR_IP, TP_PORT, TP_PEER_IP, 41001));
	CU_ASSERT_PTR_NOT_NULL(tcp_lookup(tp.lc, TP_OUR_IP, TP_PORT, TP_PEER_IP, 41002));
	CU_ASSERT_PTR_NOT_NULL(tcp_lookup(tp.lc, TP_OUR_IP, TP_PORT, TP_PEER_IP, 41003));
}

static void
test_tcp_loss_pool_exhausted_syn_gets_cookie_and_connect_displaces_half_open(void)
{
	struct dp_tcp_conf c = conf_default();
	struct tp_opts o = tp_opts_full();
	uint32_t h = 0;

	c.max_conns = 2;
	restart(&c);
	tp_send(42001, TP_PORT, TP_SYN, PEER_ISN, 0, 65535, &o, NULL, 0);
	tp_send(42002, TP_PORT, TP_SYN, PEER_ISN, 0, 65535, &o, NULL, 0);
	CU_ASSERT_EQUAL(tp_collect(), 2);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_conns), 2);
	/* Backlog not full, but no tcb: answered statelessly. */
	tp_send(42003, TP_PORT, TP_SYN, PEER_ISN, 0, 65535, &o, NULL, 0);
	CU_ASSERT_EQUAL_FATAL(tp_collect(), 1);
	CU_ASSERT_EQUAL(tp.out[0].flags, TP_SYN | TP_ACK);
	CU_ASSERT_FALSE(tp.out[0].has_ts);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_syncookies_sent), 1);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_tcb_exhausted), 1);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_conns), 2);
	/* No free tcb: an outgoing connection displaces a half-open passive one. */
	CU_ASSERT_EQUAL(dp_tcp_connect(tp.lc, TP_PEER_IP, 80, &tp_ops, NULL, &h), 0);
	CU_ASSERT_EQUAL_FATAL(tp_collect(), 1);
	CU_ASSERT_EQUAL(tp.out[0].flags, TP_SYN);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_embryonic_evicted), 1);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_conns), 2);
}

static void
test_tcp_loss_connect_enomem_when_pool_full_of_established(void)
{
	struct dp_tcp_conf c = conf_default();
	struct tp_opts o = opts_plain();
	uint32_t h = 0, iss;

	c.max_conns = 2;
	restart(&c);
	accept_from(42001, &o, &iss);
	accept_from(42002, &o, &iss);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_conns), 2);
	/* No free tcb, no TIME_WAIT to recycle, no half-open to displace. */
	CU_ASSERT_EQUAL(dp_tcp_connect(tp.lc, TP_PEER_IP, 80, &tp_ops, NULL, &h), -ENOMEM);
	CU_ASSERT_EQUAL(tp_collect(), 0);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_conns), 2);
}

static void
test_tcp_loss_connect_recycles_time_wait_when_pool_full(void)
{
	struct dp_tcp_conf c = conf_default();
	struct tp_opts o = opts_plain();
	uint32_t h = 0, iss;

	c.max_conns = 2;
	restart(&c);
	close_to_time_wait(42001);
	accept_from(42002, &o, &iss);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_conns), 2);
	CU_ASSERT_EQUAL(dp_tcp_connect(tp.lc, TP_PEER_IP, 80, &tp_ops, NULL, &h), 0);
	CU_ASSERT_EQUAL_FATAL(tp_collect(), 1);
	CU_ASSERT_EQUAL(tp.out[0].flags, TP_SYN);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_tw_recycled), 1);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_conns), 2);
	CU_ASSERT_PTR_NULL(tcp_lookup(tp.lc, TP_OUR_IP, TP_PORT, TP_PEER_IP, 42001));
}

/* ---- Out-of-order limits ---- */

/* @p len bytes of payload at @p off past @p pseq, from @p sport. */
static void
peer_data_at(uint16_t sport, uint32_t pseq, uint32_t off, uint32_t ack, uint32_t len)
{
	tp_send(sport, TP_PORT, TP_ACK, pseq + off, ack, 65535, NULL, data, len);
}

static void
test_tcp_loss_ooo_per_connection_limit_drops_excess(void)
{
	struct dp_tcp_conf c = conf_default();
	struct tp_opts o = tp_opts_full();
	uint32_t iss, pseq;

	c.ooo_segs_conn = 4;
	restart(&c);
	pseq = accept_from(TP_PEER_PORT, &o, &iss);
	/* Six disjoint segments, each 100 bytes with a 100-byte gap before it. */
	for (uint32_t k = 1; k <= 6; k++) {
		peer_data_at(TP_PEER_PORT, pseq, 200 * k, iss + 1, 100);
		/* RFC 5681 §4.2: every out-of-order segment is acknowledged at once. */
		CU_ASSERT_EQUAL_FATAL(tp_collect(), 1);
		CU_ASSERT_EQUAL(tp.out[0].ack, pseq);
		/* RFC 2018 §3: with timestamps, at most 3 blocks fit. */
		CU_ASSERT(tp.out[0].n_sack >= 1 && tp.out[0].n_sack <= 3);
	}
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_ooo_queued), 4);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_ooo_drop), 2);
	CU_ASSERT_EQUAL(info_of(tp.app.h).ooo_segs, 4);
	CU_ASSERT_EQUAL(tp.lc->tcp.ooo_segs, 4);
	CU_ASSERT_EQUAL(tp.out[0].n_sack, 3);
	/* Filling the first hole delivers the first held segment. */
	peer_data_at(TP_PEER_PORT, pseq, 0, iss + 1, 200);
	CU_ASSERT_EQUAL_FATAL(tp_collect(), 1);
	CU_ASSERT_EQUAL(tp.out[0].ack, pseq + 300);
	CU_ASSERT_EQUAL(dp_tcp_readable(tp.lc, tp.app.h), 300);
	CU_ASSERT_EQUAL(tp.lc->tcp.ooo_segs, 3);
}

static void
test_tcp_loss_ooo_first_sack_block_reports_newest_segment(void)
{
	uint32_t iss, pseq = tp_accept(NULL, &iss);

	for (uint32_t k = 1; k <= 4; k++) {
		peer_data_at(TP_PEER_PORT, pseq, 200 * k, iss + 1, 100);
		CU_ASSERT_EQUAL_FATAL(tp_collect(), 1);
		/* RFC 2018 §4: the first block holds the segment that triggered the ACK. */
		CU_ASSERT_EQUAL(tp.out[0].sack[0][0], pseq + 200 * k);
		CU_ASSERT_EQUAL(tp.out[0].sack[0][1], pseq + 200 * k + 100);
	}
	CU_ASSERT_EQUAL(tp.out[0].n_sack, 3);
}

static void
test_tcp_loss_ooo_lcore_limit_drops_excess_and_frees_on_delivery(void)
{
	struct dp_tcp_conf c = conf_default();
	struct tp_opts o = tp_opts_full();
	uint32_t iss_a, iss_b, pseq_a, pseq_b;

	c.ooo_segs_lcore = 4;
	restart(&c);
	pseq_a = accept_from(43001, &o, &iss_a);
	pseq_b = accept_from(43002, &o, &iss_b);
	for (uint32_t k = 1; k <= 3; k++)
		peer_data_at(43001, pseq_a, 200 * k, iss_a + 1, 100);
	for (uint32_t k = 1; k <= 3; k++)
		peer_data_at(43002, pseq_b, 200 * k, iss_b + 1, 100);
	tp_collect();
	/* 3 held for A, 1 for B, B's other 2 dropped. */
	CU_ASSERT_EQUAL(tp.lc->tcp.ooo_segs, 4);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_ooo_queued), 4);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_ooo_drop), 2);
	/* A's first hole fills: one segment leaves the out-of-order queue. */
	peer_data_at(43001, pseq_a, 0, iss_a + 1, 200);
	tp_collect();
	CU_ASSERT_EQUAL(tp.lc->tcp.ooo_segs, 3);
	/* So B may hold one more. */
	peer_data_at(43002, pseq_b, 800, iss_b + 1, 100);
	tp_collect();
	CU_ASSERT_EQUAL(tp.lc->tcp.ooo_segs, 4);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_ooo_queued), 5);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_ooo_drop), 2);
}

/* ---- Receive window (RFC 9293 §3.8.6) ---- */

#define RCVBUF_SMALL 16384
#define RCV_SEG 1024

/*
 * Restart with a 16 KiB receive buffer (no window scaling), accept, and let
 * the peer fill the window with 16 unread segments of 1 KiB. Each pair is
 * acknowledged (RFC 5681 §4.2); every ACK keeps the right edge where the
 * SYN-ACK put it, RCV.NXT + RCV.WND = ISN + 1 + 16384.
 */
static uint32_t
fill_rcv_window(uint32_t *iss)
{
	struct dp_tcp_conf c = conf_default();
	struct tp_opts o = tp_opts_full();
	uint32_t pseq;

	c.rcvbuf = RCVBUF_SMALL;
	restart(&c);
	pseq = accept_from(TP_PEER_PORT, &o, iss);
	CU_ASSERT_EQUAL(synack.wnd, RCVBUF_SMALL);
	CU_ASSERT_EQUAL(synack.ws, 0);
	for (uint32_t k = 1; k <= RCVBUF_SMALL / (2 * RCV_SEG); k++) {
		peer_data_at(TP_PEER_PORT, pseq, (2 * k - 2) * RCV_SEG, *iss + 1, RCV_SEG);
		peer_data_at(TP_PEER_PORT, pseq, (2 * k - 1) * RCV_SEG, *iss + 1, RCV_SEG);
		CU_ASSERT_EQUAL_FATAL(tp_collect(), 1);
		CU_ASSERT_EQUAL(tp.out[0].ack, pseq + 2 * k * RCV_SEG);
		CU_ASSERT_EQUAL(tp.out[0].wnd, RCVBUF_SMALL - 2 * k * RCV_SEG);
		CU_ASSERT_EQUAL(tp.out[0].ack + tp.out[0].wnd, pseq + RCVBUF_SMALL);
	}
	CU_ASSERT_EQUAL(dp_tcp_readable(tp.lc, tp.app.h), RCVBUF_SMALL);
	return pseq;
}

static void
test_tcp_loss_rcv_window_shrinks_with_unread_data_keeping_right_edge(void)
{
	uint32_t iss, pseq = fill_rcv_window(&iss);

	CU_ASSERT_EQUAL(tp.out[0].wnd, 0);
	CU_ASSERT_EQUAL(info_of(tp.app.h).rcv_wnd, 0);
	/* Beyond the closed window: trimmed, not queued; the ACK still offers 0. */
	peer_data_at(TP_PEER_PORT, pseq, RCVBUF_SMALL, iss + 1, 100);
	CU_ASSERT_EQUAL_FATAL(tp_collect(), 1);
	CU_ASSERT_EQUAL(tp.out[0].ack, pseq + RCVBUF_SMALL);
	CU_ASSERT_EQUAL(tp.out[0].wnd, 0);
	CU_ASSERT_EQUAL(dp_tcp_readable(tp.lc, tp.app.h), RCVBUF_SMALL);
}

static void
test_tcp_loss_rcv_window_update_after_reading_half_the_buffer(void)
{
	static uint8_t got[RCVBUF_SMALL];
	uint32_t iss, pseq = fill_rcv_window(&iss);

	CU_ASSERT_EQUAL(dp_tcp_recv(tp.lc, tp.app.h, got, RCVBUF_SMALL / 2), RCVBUF_SMALL / 2);
	/* RFC 9293 §3.8.6.2.2: the window opened by min(RCV.BUFF / 2, MSS) or more. */
	CU_ASSERT_EQUAL_FATAL(tp_advance(0), 1);
	CU_ASSERT_EQUAL(tp.out[0].flags, TP_ACK);
	CU_ASSERT_EQUAL(tp.out[0].ack, pseq + RCVBUF_SMALL);
	CU_ASSERT_EQUAL(tp.out[0].wnd, RCVBUF_SMALL / 2);
	/* The peer may now send into it. */
	peer_data_at(TP_PEER_PORT, pseq, RCVBUF_SMALL, iss + 1, RCV_SEG);
	tp_collect();
	CU_ASSERT_EQUAL(dp_tcp_readable(tp.lc, tp.app.h), RCVBUF_SMALL / 2 + RCV_SEG);
}

static void
test_tcp_loss_rcv_window_stays_closed_until_an_mss_is_read(void)
{
	static uint8_t got[RCVBUF_SMALL];
	uint32_t iss, pseq = fill_rcv_window(&iss);

	/* RFC 9293 §3.8.6.2.2 (MUST-39, receiver SWS avoidance): keep RCV.NXT + RCV.WND
	 * fixed until RCV.BUFF - RCV.USER - RCV.WND >= min(RCV.BUFF / 2, Eff.snd.MSS).
	 * 1000 bytes read is less than an MSS: no window is offered yet. */
	CU_ASSERT_EQUAL(dp_tcp_recv(tp.lc, tp.app.h, got, 1000), 1000);
	CU_ASSERT_EQUAL(tp_advance(0), 0);
	/* 1500 bytes read: now an update, offering all of it. */
	CU_ASSERT_EQUAL(dp_tcp_recv(tp.lc, tp.app.h, got, 500), 500);
	CU_ASSERT_EQUAL_FATAL(tp_advance(0), 1);
	CU_ASSERT_EQUAL(tp.out[0].ack, pseq + RCVBUF_SMALL);
	CU_ASSERT_EQUAL(tp.out[0].wnd, 1500);
}

/* ---- Nagle (RFC 9293 §3.7.4, RFC 896) ---- */

static void
test_tcp_loss_nagle_holds_small_write_until_ack(void)
{
	struct dp_tcp_conf c = conf_default();
	uint32_t iss, pseq;

	c.nodelay = 0;
	restart(&c);
	pseq = tp_accept(NULL, &iss);
	/* Nothing unacknowledged: a small segment may go. */
	dp_tcp_send(tp.lc, tp.app.h, data, 100);
	CU_ASSERT_EQUAL_FATAL(tp_advance(0), 1);
	CU_ASSERT_EQUAL(tp.out[0].len, 100);
	/* Less than an MSS while data is unacknowledged: held. */
	dp_tcp_send(tp.lc, tp.app.h, data, 50);
	CU_ASSERT_EQUAL(tp_advance(0), 0);
	CU_ASSERT_EQUAL(info_of(tp.app.h).snd_queued, 150);
	/* The ACK releases it. */
	peer_ack(pseq, iss + 101, 65535);
	CU_ASSERT_EQUAL_FATAL(tp_collect(), 1);
	CU_ASSERT_EQUAL(tp.out[0].seq, iss + 101);
	CU_ASSERT_EQUAL(tp.out[0].len, 50);
}

static CU_TestInfo tcp_loss_tests[] = {
	{ "rto_retransmits_same_seq_and_doubles", test_tcp_loss_rto_retransmits_same_seq_and_doubles },
	{ "ack_of_new_data_clears_rto_backoff", test_tcp_loss_ack_of_new_data_clears_rto_backoff },
	{ "rtt_samples_follow_rfc6298", test_tcp_loss_rtt_samples_follow_rfc6298 },
	{ "rto_is_bounded_by_min_and_max", test_tcp_loss_rto_is_bounded_by_min_and_max },
	{ "data_retries_exhausted_closes_timeout_with_rst",
	  test_tcp_loss_data_retries_exhausted_closes_timeout_with_rst },
	{ "unanswered_syn_backs_off_then_closes_timeout",
	  test_tcp_loss_unanswered_syn_backs_off_then_closes_timeout },
	{ "unanswered_synack_backs_off_then_is_freed_silently",
	  test_tcp_loss_unanswered_synack_backs_off_then_is_freed_silently },
	{ "data_rto_is_three_seconds_after_syn_timeout",
	  test_tcp_loss_data_rto_is_three_seconds_after_syn_timeout },
	{ "newreno_fast_retransmit_partial_and_full_ack",
	  test_tcp_loss_newreno_fast_retransmit_partial_and_full_ack },
	{ "sack_single_hole_retransmits_first_segment_only",
	  test_tcp_loss_sack_single_hole_retransmits_first_segment_only },
	{ "sack_two_holes_retransmitted_lowest_first",
	  test_tcp_loss_sack_two_holes_retransmitted_lowest_first },
	{ "sack_two_segment_hole_retransmitted_contiguously",
	  test_tcp_loss_sack_two_segment_hole_retransmitted_contiguously },
	{ "sack_hole_after_partial_ack_retransmitted_from_first_byte",
	  test_tcp_loss_sack_hole_after_partial_ack_retransmitted_from_first_byte },
	{ "limited_transmit_sends_new_segments_on_first_two_dupacks",
	  test_tcp_loss_limited_transmit_sends_new_segments_on_first_two_dupacks },
	{ "early_retransmit_with_three_segments_outstanding",
	  test_tcp_loss_early_retransmit_with_three_segments_outstanding },
	{ "sack_dupack_may_carry_data", test_tcp_loss_sack_dupack_may_carry_data },
	{ "tlp_probes_last_segment_twice_before_the_rto",
	  test_tcp_loss_tlp_probes_last_segment_twice_before_the_rto },
	{ "tlp_second_probe_is_new_data_when_the_first_gets_no_ack",
	  test_tcp_loss_tlp_second_probe_is_new_data_when_the_first_gets_no_ack },
	{ "tlp_waits_for_a_delayed_ack_of_a_lone_segment",
	  test_tcp_loss_tlp_waits_for_a_delayed_ack_of_a_lone_segment },
	{ "tlp_sends_new_data_when_cwnd_is_full", test_tcp_loss_tlp_sends_new_data_when_cwnd_is_full },
	{ "lost_retransmission_is_sent_again_when_later_data_is_sacked",
	  test_tcp_loss_lost_retransmission_is_sent_again_when_later_data_is_sacked },
	{ "lost_retransmission_is_sent_again_when_a_later_retransmission_is_sacked",
	  test_tcp_loss_lost_retransmission_is_sent_again_when_a_later_retransmission_is_sacked },
	{ "retransmissions_within_the_reordering_window_are_not_deemed_lost",
	  test_tcp_loss_retransmissions_within_the_reordering_window_are_not_deemed_lost },
	{ "ack_sooner_than_min_rtt_after_a_retransmission_proves_nothing",
	  test_tcp_loss_ack_sooner_than_min_rtt_after_a_retransmission_proves_nothing },
	{ "rack_starts_recovery_when_later_sent_data_is_sacked",
	  test_tcp_loss_rack_starts_recovery_when_later_sent_data_is_sacked },
	{ "rack_reordering_timer_resends_the_first_segment",
	  test_tcp_loss_rack_reordering_timer_resends_the_first_segment },
	{ "rack_reordering_within_the_window_is_not_a_loss",
	  test_tcp_loss_rack_reordering_within_the_window_is_not_a_loss },
	{ "recovery_probe_resends_a_lost_retransmission_before_the_rto",
	  test_tcp_loss_recovery_probe_resends_a_lost_retransmission_before_the_rto },
	{ "recovery_probe_when_acks_stop_with_nothing_resent_outstanding",
	  test_tcp_loss_recovery_probe_when_acks_stop_with_nothing_resent_outstanding },
	{ "loss_of_the_first_segment_after_a_timeout_is_fast_retransmitted",
	  test_tcp_loss_loss_of_the_first_segment_after_a_timeout_is_fast_retransmitted },
	{ "zero_window_probes_with_backoff_until_opened",
	  test_tcp_loss_zero_window_probes_with_backoff_until_opened },
	{ "keepalive_unanswered_closes_timeout_with_rst",
	  test_tcp_loss_keepalive_unanswered_closes_timeout_with_rst },
	{ "keepalive_answer_resets_probe_count", test_tcp_loss_keepalive_answer_resets_probe_count },
	{ "syncookie_when_backlog_full_carries_only_mss",
	  test_tcp_loss_syncookie_when_backlog_full_carries_only_mss },
	{ "syncookie_ack_establishes_and_data_flows",
	  test_tcp_loss_syncookie_ack_establishes_and_data_flows },
	{ "syncookie_wrong_cookie_gets_rst", test_tcp_loss_syncookie_wrong_cookie_gets_rst },
	{ "syncookie_one_period_old_is_accepted", test_tcp_loss_syncookie_one_period_old_is_accepted },
	{ "syncookie_older_than_two_periods_is_refused",
	  test_tcp_loss_syncookie_older_than_two_periods_is_refused },
	{ "syn_flood_is_bounded_and_cookie_handshake_completes",
	  test_tcp_loss_syn_flood_is_bounded_and_cookie_handshake_completes },
	{ "time_wait_budget_recycles_oldest", test_tcp_loss_time_wait_budget_recycles_oldest },
	{ "pool_exhausted_syn_gets_cookie_and_connect_displaces_half_open",
	  test_tcp_loss_pool_exhausted_syn_gets_cookie_and_connect_displaces_half_open },
	{ "connect_enomem_when_pool_full_of_established",
	  test_tcp_loss_connect_enomem_when_pool_full_of_established },
	{ "connect_recycles_time_wait_when_pool_full",
	  test_tcp_loss_connect_recycles_time_wait_when_pool_full },
	{ "ooo_per_connection_limit_drops_excess", test_tcp_loss_ooo_per_connection_limit_drops_excess },
	{ "ooo_first_sack_block_reports_newest_segment",
	  test_tcp_loss_ooo_first_sack_block_reports_newest_segment },
	{ "ooo_lcore_limit_drops_excess_and_frees_on_delivery",
	  test_tcp_loss_ooo_lcore_limit_drops_excess_and_frees_on_delivery },
	{ "rcv_window_shrinks_with_unread_data_keeping_right_edge",
	  test_tcp_loss_rcv_window_shrinks_with_unread_data_keeping_right_edge },
	{ "rcv_window_update_after_reading_half_the_buffer",
	  test_tcp_loss_rcv_window_update_after_reading_half_the_buffer },
	{ "rcv_window_stays_closed_until_an_mss_is_read",
	  test_tcp_loss_rcv_window_stays_closed_until_an_mss_is_read },
	{ "nagle_holds_small_write_until_ack", test_tcp_loss_nagle_holds_small_write_until_ack },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_tcp_loss = {
	.pName = "dataplane/tcp_loss",
	.pSetUpFunc = setup,
	.pTearDownFunc = teardown,
	.pTests = tcp_loss_tests,
};
