/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief TCP state machine at segment level (RFC 9293 §3.10.7, RFC 5961, RFC 7323).
 *
 * Each test drives the stack through tests/harness/tcp_peer.c: a scripted
 * peer sends real frames through dp_eth_input(), the stack's output is read
 * back from the ring port, and time is virtual. Every test also checks that
 * no mbuf leaked (teardown).
 */
#include <string.h>

#include <CUnit/CUnit.h>

#include "dataplane/base/dp_ctr.h"
#include "dataplane/net/tcp.h"
#include "dataplane/net/tcp_int.h"
#include "tests/harness/tcp_peer.h"
#include "tests/suites.h"

static void
setup(void)
{
	CU_ASSERT_FATAL(tp_setup(NULL) == 0);
}

static void
teardown(void)
{
	CU_ASSERT_EQUAL(tp_teardown(), 0);
}

static uint8_t
state_of(uint32_t h)
{
	struct dp_tcp_info info;

	if (dp_tcp_info(tp.lc, h, &info) != 0)
		return DP_TCP_STATE_CLOSED;
	return info.state;
}

/* ---- handshakes ---- */

static void
test_tcp_passive_open_echoes_offered_options(void)
{
	struct tp_opts o = tp_opts_full();

	tp_send(TP_PEER_PORT, TP_PORT, TP_SYN, 1000, 0, 65535, &o, NULL, 0);
	CU_ASSERT_EQUAL_FATAL(tp_collect(), 1);
	CU_ASSERT_EQUAL(tp.out[0].flags, TP_SYN | TP_ACK);
	CU_ASSERT_EQUAL(tp.out[0].ack, 1001);
	CU_ASSERT_EQUAL(tp.out[0].mss, 1460);
	CU_ASSERT(tp.out[0].sackok);
	CU_ASSERT(tp.out[0].has_ts);
	CU_ASSERT_EQUAL(tp.out[0].tsecr, 1000);
	/* 256 KiB receive buffer: scale 3 makes it fit 16 bits (RFC 7323 §2.3). */
	CU_ASSERT_EQUAL(tp.out[0].ws, 3);
	CU_ASSERT(tp.out[0].csum_ok);
	CU_ASSERT_EQUAL(tp.app.accepted, 0);
}

static void
test_tcp_passive_open_without_options_offers_none(void)
{
	struct tp_opts o = tp_opts_none();

	tp_send(TP_PEER_PORT, TP_PORT, TP_SYN, 1000, 0, 65535, &o, NULL, 0);
	CU_ASSERT_EQUAL_FATAL(tp_collect(), 1);
	CU_ASSERT_EQUAL(tp.out[0].mss, 1460);
	CU_ASSERT_FALSE(tp.out[0].sackok);
	CU_ASSERT_FALSE(tp.out[0].has_ts);
	CU_ASSERT_EQUAL(tp.out[0].ws, -1);
}

static void
test_tcp_third_ack_establishes_and_accepts(void)
{
	uint32_t iss;

	tp_accept(NULL, &iss);
	CU_ASSERT_EQUAL(tp.app.accepted, 1);
	CU_ASSERT_EQUAL(state_of(tp.app.h), DP_TCP_STATE_ESTABLISHED);
	CU_ASSERT_EQUAL(tp.n_out, 0); /* nothing to say after the third step */
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_passive_opens), 1);
}

static void
test_tcp_refused_accept_resets(void)
{
	uint32_t iss;

	tp.app.refuse = 1;
	tp_accept(NULL, &iss);
	CU_ASSERT_EQUAL(tp.app.accepted, 1);
	CU_ASSERT_EQUAL_FATAL(tp.n_out, 1);
	CU_ASSERT(tp.out[0].flags & TP_RST);
	CU_ASSERT_EQUAL(tp.app.closed, 0); /* never accepted: no closed callback */
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_conns), 0);
}

static void
test_tcp_wrong_ack_in_syn_received_gets_rst(void)
{
	struct tp_opts o = tp_opts_full();
	uint32_t iss;

	tp_send(TP_PEER_PORT, TP_PORT, TP_SYN, 1000, 0, 65535, &o, NULL, 0);
	tp_collect();
	iss = tp.out[0].seq;
	tp_send(TP_PEER_PORT, TP_PORT, TP_ACK, 1001, iss + 77, 65535, NULL, NULL, 0);
	CU_ASSERT_EQUAL_FATAL(tp_collect(), 1);
	CU_ASSERT_EQUAL(tp.out[0].flags, TP_RST);
	CU_ASSERT_EQUAL(tp.out[0].seq, iss + 77);
	CU_ASSERT_EQUAL(tp.app.accepted, 0);
}

static void
test_tcp_retransmitted_syn_gets_same_synack(void)
{
	struct tp_opts o = tp_opts_full();
	uint32_t iss;

	tp_send(TP_PEER_PORT, TP_PORT, TP_SYN, 1000, 0, 65535, &o, NULL, 0);
	tp_collect();
	iss = tp.out[0].seq;
	tp_send(TP_PEER_PORT, TP_PORT, TP_SYN, 1000, 0, 65535, &o, NULL, 0);
	CU_ASSERT_EQUAL_FATAL(tp_collect(), 1);
	CU_ASSERT_EQUAL(tp.out[0].flags, TP_SYN | TP_ACK);
	CU_ASSERT_EQUAL(tp.out[0].seq, iss);
}

static void
test_tcp_active_open_sends_syn_and_connects(void)
{
	struct tp_opts o = tp_opts_full();
	uint32_t h, iss;

	CU_ASSERT_EQUAL_FATAL(dp_tcp_connect(tp.lc, TP_PEER_IP, 80, &tp_ops, NULL, &h), 0);
	CU_ASSERT_EQUAL_FATAL(tp_collect(), 1);
	CU_ASSERT_EQUAL(tp.out[0].flags, TP_SYN);
	CU_ASSERT_EQUAL(tp.out[0].dport, 80);
	CU_ASSERT(tp.out[0].sport >= tp.conf.eph_lo && tp.out[0].sport <= tp.conf.eph_hi);
	CU_ASSERT_EQUAL(tp.out[0].mss, 1460);
	CU_ASSERT(tp.out[0].sackok && tp.out[0].has_ts && tp.out[0].ws == 3);
	CU_ASSERT_EQUAL(state_of(h), DP_TCP_STATE_SYN_SENT);
	iss = tp.out[0].seq;
	o.tsecr = tp.out[0].tsval;
	tp_send(80, tp.out[0].sport, TP_SYN | TP_ACK, 5000, iss + 1, 65535, &o, NULL, 0);
	CU_ASSERT_EQUAL_FATAL(tp_collect(), 1);
	CU_ASSERT_EQUAL(tp.out[0].flags, TP_ACK);
	CU_ASSERT_EQUAL(tp.out[0].ack, 5001);
	CU_ASSERT_EQUAL(tp.out[0].seq, iss + 1);
	CU_ASSERT_EQUAL(tp.app.connected, 1);
	CU_ASSERT_EQUAL(tp.app.h, h);
	CU_ASSERT_EQUAL(state_of(h), DP_TCP_STATE_ESTABLISHED);
}

static void
test_tcp_active_open_refused_by_rst(void)
{
	uint32_t h, iss;
	uint16_t sport;

	CU_ASSERT_EQUAL_FATAL(dp_tcp_connect(tp.lc, TP_PEER_IP, 81, &tp_ops, NULL, &h), 0);
	tp_collect();
	iss = tp.out[0].seq;
	sport = tp.out[0].sport;
	tp_send(81, sport, TP_RST | TP_ACK, 0, iss + 1, 0, NULL, NULL, 0);
	tp_collect();
	CU_ASSERT_EQUAL(tp.app.closed, 1);
	CU_ASSERT_EQUAL(tp.app.close_reason, DP_TCP_CLOSE_REFUSED);
	CU_ASSERT_EQUAL(dp_tcp_info(tp.lc, h, &(struct dp_tcp_info){ 0 }), -EBADF);
}

static void
test_tcp_syn_sent_ignores_rst_not_acking_syn(void)
{
	uint32_t h, iss;
	uint16_t sport;

	CU_ASSERT_EQUAL_FATAL(dp_tcp_connect(tp.lc, TP_PEER_IP, 81, &tp_ops, NULL, &h), 0);
	tp_collect();
	iss = tp.out[0].seq;
	sport = tp.out[0].sport;
	tp_send(81, sport, TP_RST | TP_ACK, 0, iss + 5, 0, NULL, NULL, 0);
	tp_collect();
	CU_ASSERT_EQUAL(tp.app.closed, 0);
	CU_ASSERT_EQUAL(state_of(h), DP_TCP_STATE_SYN_SENT);
}

static void
test_tcp_syn_sent_bad_ack_gets_rst(void)
{
	uint32_t h, iss;
	uint16_t sport;

	CU_ASSERT_EQUAL_FATAL(dp_tcp_connect(tp.lc, TP_PEER_IP, 82, &tp_ops, NULL, &h), 0);
	tp_collect();
	iss = tp.out[0].seq;
	sport = tp.out[0].sport;
	tp_send(82, sport, TP_SYN | TP_ACK, 7000, iss + 9, 65535, NULL, NULL, 0);
	CU_ASSERT_EQUAL_FATAL(tp_collect(), 1);
	CU_ASSERT_EQUAL(tp.out[0].flags, TP_RST);
	CU_ASSERT_EQUAL(tp.out[0].seq, iss + 9);
	CU_ASSERT_EQUAL(state_of(h), DP_TCP_STATE_SYN_SENT);
}

static void
test_tcp_simultaneous_open(void)
{
	struct tp_opts o = tp_opts_none();
	uint32_t h, iss;
	uint16_t sport;

	CU_ASSERT_EQUAL_FATAL(dp_tcp_connect(tp.lc, TP_PEER_IP, 83, &tp_ops, NULL, &h), 0);
	tp_collect();
	iss = tp.out[0].seq;
	sport = tp.out[0].sport;
	o.mss = 1200;
	/* The peer's own SYN crosses ours (RFC 9293 §3.5 figure 7). */
	tp_send(83, sport, TP_SYN, 9000, 0, 65535, &o, NULL, 0);
	CU_ASSERT_EQUAL_FATAL(tp_collect(), 1);
	CU_ASSERT_EQUAL(tp.out[0].flags, TP_SYN | TP_ACK);
	CU_ASSERT_EQUAL(tp.out[0].seq, iss);
	CU_ASSERT_EQUAL(tp.out[0].ack, 9001);
	CU_ASSERT_EQUAL(state_of(h), DP_TCP_STATE_SYN_RECEIVED);
	tp_send(83, sport, TP_SYN | TP_ACK, 9000, iss + 1, 65535, &o, NULL, 0);
	tp_collect();
	CU_ASSERT_EQUAL(state_of(h), DP_TCP_STATE_ESTABLISHED);
	CU_ASSERT_EQUAL(tp.app.connected, 1);
}

/* ---- data ---- */

static void
test_tcp_in_order_data_is_delivered_and_acked_every_second_segment(void)
{
	uint8_t d[1448], got[4096];
	uint32_t iss, pseq = tp_accept(NULL, &iss);
	struct tp_opts o = tp_opts_none();

	o.ts = true;
	o.tsval = 2000;
	memset(d, 'a', sizeof(d));
	tp_send(TP_PEER_PORT, TP_PORT, TP_ACK, pseq, iss + 1, 65535, &o, d, sizeof(d));
	CU_ASSERT_EQUAL(tp_collect(), 0); /* first full segment: ACK delayed */
	CU_ASSERT_EQUAL(tp.app.readable, 1);
	memset(d, 'b', sizeof(d));
	tp_send(TP_PEER_PORT, TP_PORT, TP_ACK, pseq + 1448, iss + 1, 65535, &o, d, sizeof(d));
	CU_ASSERT_EQUAL_FATAL(tp_collect(), 1); /* second: ACK now */
	CU_ASSERT_EQUAL(tp.out[0].ack, pseq + 2 * 1448);
	CU_ASSERT_EQUAL(tp.out[0].tsecr, 2000);
	CU_ASSERT_EQUAL(dp_tcp_readable(tp.lc, tp.app.h), 2896);
	CU_ASSERT_EQUAL(dp_tcp_recv(tp.lc, tp.app.h, got, sizeof(got)), 2896);
	CU_ASSERT_EQUAL(got[0], 'a');
	CU_ASSERT_EQUAL(got[1447], 'a');
	CU_ASSERT_EQUAL(got[1448], 'b');
	CU_ASSERT_EQUAL(got[2895], 'b');
}

static void
test_tcp_single_segment_is_acked_by_delack_timer(void)
{
	uint8_t d[100] = { 0 };
	uint32_t iss, pseq = tp_accept(NULL, &iss);

	tp_send(TP_PEER_PORT, TP_PORT, TP_ACK, pseq, iss + 1, 65535, NULL, d, sizeof(d));
	CU_ASSERT_EQUAL(tp_collect(), 0);
	CU_ASSERT_EQUAL(tp_advance(30000), 0);
	CU_ASSERT_EQUAL_FATAL(tp_advance(15000), 1);
	CU_ASSERT_EQUAL(tp.out[0].ack, pseq + 100);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_delayed_acks), 1);
}

static void
test_tcp_out_of_order_gets_immediate_ack_with_sack(void)
{
	uint8_t d[500];
	uint32_t iss, pseq = tp_accept(NULL, &iss);

	memset(d, 'x', sizeof(d));
	tp_send(TP_PEER_PORT, TP_PORT, TP_ACK, pseq + 500, iss + 1, 65535, NULL, d, sizeof(d));
	CU_ASSERT_EQUAL_FATAL(tp_collect(), 1);
	CU_ASSERT_EQUAL(tp.out[0].ack, pseq);
	CU_ASSERT_EQUAL_FATAL(tp.out[0].n_sack, 1);
	CU_ASSERT_EQUAL(tp.out[0].sack[0][0], pseq + 500);
	CU_ASSERT_EQUAL(tp.out[0].sack[0][1], pseq + 1000);
	CU_ASSERT_EQUAL(tp.app.readable, 0);
	/* Filling the hole: both delivered, immediate ACK, no SACK left. */
	memset(d, 'y', sizeof(d));
	tp_send(TP_PEER_PORT, TP_PORT, TP_ACK, pseq, iss + 1, 65535, NULL, d, sizeof(d));
	CU_ASSERT_EQUAL_FATAL(tp_collect(), 1);
	CU_ASSERT_EQUAL(tp.out[0].ack, pseq + 1000);
	CU_ASSERT_EQUAL(tp.out[0].n_sack, 0);
	CU_ASSERT_EQUAL(dp_tcp_readable(tp.lc, tp.app.h), 1000);
}

static void
test_tcp_overlapping_retransmission_delivers_each_byte_once(void)
{
	uint8_t d[300], got[600];
	uint32_t iss, pseq = tp_accept(NULL, &iss);

	for (int i = 0; i < 300; i++)
		d[i] = (uint8_t)i;
	tp_send(TP_PEER_PORT, TP_PORT, TP_ACK, pseq, iss + 1, 65535, NULL, d, 200);
	/* Bytes 100..299 again: only 200..299 are new. */
	tp_send(TP_PEER_PORT, TP_PORT, TP_ACK, pseq + 100, iss + 1, 65535, NULL, d + 100, 200);
	tp_collect();
	CU_ASSERT_EQUAL_FATAL(dp_tcp_recv(tp.lc, tp.app.h, got, sizeof(got)), 300);
	CU_ASSERT_EQUAL(memcmp(got, d, 300), 0);
}

static void
test_tcp_send_respects_peer_window_and_mss(void)
{
	static uint8_t d[20000];
	uint32_t iss, bytes = 0;
	uint32_t pseq = tp_accept(NULL, &iss);

	/* The peer's window: 40 << 7 = 5120 bytes. */
	tp_send(TP_PEER_PORT, TP_PORT, TP_ACK, pseq, iss + 1, 40, NULL, NULL, 0);
	tp_collect();
	CU_ASSERT_EQUAL(dp_tcp_send(tp.lc, tp.app.h, d, sizeof(d)), (int)sizeof(d));
	tp_advance(0);
	for (uint32_t i = 0; i < tp.n_out; i++) {
		CU_ASSERT(tp.out[i].len <= 1448); /* 1460 - 12 bytes of timestamps */
		CU_ASSERT(tp.out[i].csum_ok);
		bytes += tp.out[i].len;
	}
	/* Three full segments; the 776-byte rest waits: sender SWS avoidance (RFC 9293
	 * §3.8.6.2.1) sends a partial segment only if all queued data fits or it is at
	 * least half the largest window offered (65535 << 7 at the handshake). */
	CU_ASSERT_EQUAL(bytes, 3 * 1448);
	CU_ASSERT_EQUAL(tp.n_out, 3);
	CU_ASSERT_EQUAL(tp.out[0].seq, iss + 1);
}

static void
test_tcp_initial_window_is_ten_segments(void)
{
	static uint8_t d[65536];
	uint32_t iss, bytes = 0;
	uint32_t pseq = tp_accept(NULL, &iss);

	(void)pseq;
	dp_tcp_send(tp.lc, tp.app.h, d, sizeof(d));
	tp_advance(0);
	for (uint32_t i = 0; i < tp.n_out; i++)
		bytes += tp.out[i].len;
	/* RFC 6928: min(10*MSS, max(2*MSS, 14600)) with MSS 1448. */
	CU_ASSERT_EQUAL(bytes, 14480);
}

static void
test_tcp_sendable_is_window_minus_flight_and_queue(void)
{
	static uint8_t d[4000];
	uint32_t iss;

	tp_accept(NULL, &iss);
	CU_ASSERT_EQUAL(dp_tcp_sendable(tp.lc, tp.app.h), 14480);
	dp_tcp_send(tp.lc, tp.app.h, d, sizeof(d));
	CU_ASSERT_EQUAL(dp_tcp_sendable(tp.lc, tp.app.h), 14480 - 4000);
	tp_advance(0);
	CU_ASSERT_EQUAL(dp_tcp_sendable(tp.lc, tp.app.h), 14480 - 4000);
}

/* A full data segment has no room for SACK blocks: it must still fit the MSS (RFC 6691). */
static void
test_tcp_full_segment_with_pending_sack_fits_the_mss(void)
{
	static uint8_t d[4000];
	uint8_t small[100] = { 0 };
	uint32_t iss, pseq = tp_accept(NULL, &iss);

	/* Out-of-order data: SACK blocks are now owed. */
	tp_send(TP_PEER_PORT, TP_PORT, TP_ACK, pseq + 1000, iss + 1, 65535, NULL, small,
		sizeof(small));
	tp_collect();
	CU_ASSERT_EQUAL_FATAL(tp.out[0].n_sack, 1);
	dp_tcp_send(tp.lc, tp.app.h, d, sizeof(d));
	CU_ASSERT_FATAL(tp_advance(0) >= 2);
	for (uint32_t i = 0; i < tp.n_out; i++) {
		uint32_t opts = (tp.out[i].has_ts ? 12 : 0) +
				(tp.out[i].n_sack != 0 ? 4 + 8 * tp.out[i].n_sack : 0);

		CU_ASSERT(tp.out[i].len + opts <= 1460);
	}
	CU_ASSERT_EQUAL(tp.out[0].len, 1448);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_ip_drop_too_big), 0);
}

/* A small window and nothing in flight: the override timer sends what fits (RFC 9293 §3.8.6.2.1). */
static void
test_tcp_small_window_is_used_after_the_sws_override_timeout(void)
{
	static uint8_t d[20000];
	uint32_t iss, pseq = tp_accept(NULL, &iss);

	/* The peer offers 8 << 7 = 1024 bytes: less than an MSS and than half its
	 * largest window (65535 << 7). */
	tp_send(TP_PEER_PORT, TP_PORT, TP_ACK, pseq, iss + 1, 8, NULL, NULL, 0);
	tp_collect();
	dp_tcp_send(tp.lc, tp.app.h, d, sizeof(d));
	CU_ASSERT_EQUAL(tp_advance(0), 0);
	/* The persist timer (one RTO, at least 200 ms) overrides the hold. */
	CU_ASSERT_EQUAL(tp_advance(100000), 0);
	CU_ASSERT_EQUAL_FATAL(tp_advance(1000000), 1);
	CU_ASSERT_EQUAL(tp.out[0].len, 1024);
	CU_ASSERT_EQUAL(tp.out[0].seq, iss + 1);
}

/* A retransmitted out-of-order FIN takes no second reassembly slot. */
static void
test_tcp_duplicate_out_of_order_fin_is_held_once(void)
{
	struct dp_tcp_info info;
	uint8_t d[100] = { 0 };
	uint32_t iss, pseq = tp_accept(NULL, &iss);

	tp_send(TP_PEER_PORT, TP_PORT, TP_FIN | TP_ACK, pseq + 100, iss + 1, 65535, NULL, NULL, 0);
	tp_send(TP_PEER_PORT, TP_PORT, TP_FIN | TP_ACK, pseq + 100, iss + 1, 65535, NULL, NULL, 0);
	tp_collect();
	CU_ASSERT_EQUAL_FATAL(dp_tcp_info(tp.lc, tp.app.h, &info), 0);
	CU_ASSERT_EQUAL(info.ooo_segs, 1);
	/* The hole fills: 100 bytes and the FIN, acknowledged at pseq + 101. */
	tp_send(TP_PEER_PORT, TP_PORT, TP_ACK, pseq, iss + 1, 65535, NULL, d, sizeof(d));
	CU_ASSERT_EQUAL_FATAL(tp_collect(), 1);
	CU_ASSERT_EQUAL(tp.out[0].ack, pseq + 101);
	CU_ASSERT_EQUAL(tp.app.peer_fin, 1);
	CU_ASSERT_EQUAL(dp_tcp_readable(tp.lc, tp.app.h), 100);
}

/* A FIN at a position where data is already held contradicts it and is ignored. */
static void
test_tcp_fin_contradicting_held_data_is_ignored(void)
{
	uint8_t d[100] = { 0 };
	uint32_t iss, pseq = tp_accept(NULL, &iss);

	/* Data at +100..+110 arrives first, then a FIN claiming the stream ends at +100. */
	tp_send(TP_PEER_PORT, TP_PORT, TP_ACK, pseq + 100, iss + 1, 65535, NULL, d, 10);
	tp_send(TP_PEER_PORT, TP_PORT, TP_FIN | TP_ACK, pseq + 100, iss + 1, 65535, NULL, NULL, 0);
	tp_send(TP_PEER_PORT, TP_PORT, TP_ACK, pseq, iss + 1, 65535, NULL, d, sizeof(d));
	tp_collect();
	CU_ASSERT_EQUAL(dp_tcp_readable(tp.lc, tp.app.h), 110);
	CU_ASSERT_EQUAL(tp.app.peer_fin, 0); /* the inconsistent FIN was ignored */
}

/* Data arriving after the application closed is answered with RST. */
static void
test_tcp_data_after_close_resets(void)
{
	uint8_t d[10] = { 0 };
	uint32_t iss, pseq = tp_accept(NULL, &iss);

	dp_tcp_close(tp.lc, tp.app.h);
	tp_advance(0);
	tp_send(TP_PEER_PORT, TP_PORT, TP_ACK, pseq, iss + 2, 65535, NULL, d, sizeof(d));
	CU_ASSERT_EQUAL_FATAL(tp_collect(), 1);
	CU_ASSERT(tp.out[0].flags & TP_RST);
	CU_ASSERT_EQUAL(tp.app.closed, 1);
	CU_ASSERT_EQUAL(tp.app.close_reason, DP_TCP_CLOSE_ABORTED);
}

/* ---- closing ---- */

static void
test_tcp_passive_close(void)
{
	uint32_t iss, pseq = tp_accept(NULL, &iss);
	uint32_t h = tp.app.h;

	tp_send(TP_PEER_PORT, TP_PORT, TP_FIN | TP_ACK, pseq, iss + 1, 65535, NULL, NULL, 0);
	CU_ASSERT_EQUAL_FATAL(tp_collect(), 1);
	CU_ASSERT_EQUAL(tp.out[0].ack, pseq + 1);
	CU_ASSERT_EQUAL(tp.app.peer_fin, 1);
	CU_ASSERT_EQUAL(state_of(h), DP_TCP_STATE_CLOSE_WAIT);
	CU_ASSERT(dp_tcp_peer_closed(tp.lc, h));
	CU_ASSERT_EQUAL(dp_tcp_close(tp.lc, h), 0);
	CU_ASSERT_EQUAL_FATAL(tp_advance(0), 1);
	CU_ASSERT_EQUAL(tp.out[0].flags, TP_FIN | TP_ACK);
	CU_ASSERT_EQUAL(tp.out[0].seq, iss + 1);
	tp_send(TP_PEER_PORT, TP_PORT, TP_ACK, pseq + 1, iss + 2, 65535, NULL, NULL, 0);
	tp_collect();
	CU_ASSERT_EQUAL(tp.app.closed, 1);
	CU_ASSERT_EQUAL(tp.app.close_reason, DP_TCP_CLOSE_NORMAL);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_conns), 0);
}

static void
test_tcp_active_close_goes_through_time_wait(void)
{
	uint32_t iss, pseq = tp_accept(NULL, &iss);
	uint32_t h = tp.app.h;

	CU_ASSERT_EQUAL(dp_tcp_close(tp.lc, h), 0);
	CU_ASSERT_EQUAL_FATAL(tp_advance(0), 1);
	CU_ASSERT_EQUAL(tp.out[0].flags, TP_FIN | TP_ACK);
	CU_ASSERT_EQUAL(state_of(h), DP_TCP_STATE_FIN_WAIT_1);
	tp_send(TP_PEER_PORT, TP_PORT, TP_ACK, pseq, iss + 2, 65535, NULL, NULL, 0);
	tp_collect();
	CU_ASSERT_EQUAL(state_of(h), DP_TCP_STATE_FIN_WAIT_2);
	tp_send(TP_PEER_PORT, TP_PORT, TP_FIN | TP_ACK, pseq, iss + 2, 65535, NULL, NULL, 0);
	CU_ASSERT_EQUAL_FATAL(tp_collect(), 1);
	CU_ASSERT_EQUAL(tp.out[0].ack, pseq + 1);
	CU_ASSERT_EQUAL(tp.app.closed, 1);
	CU_ASSERT_EQUAL(tp.app.close_reason, DP_TCP_CLOSE_NORMAL);
	/* TIME_WAIT holds the tuple for 2 MSL (60 s), then the tcb is freed. */
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_conns), 1);
	tp_advance(59000000);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_conns), 1);
	tp_advance(1000001);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_conns), 0);
}

static void
test_tcp_time_wait_reacks_retransmitted_fin(void)
{
	uint32_t iss, pseq = tp_accept(NULL, &iss);

	dp_tcp_close(tp.lc, tp.app.h);
	tp_advance(0);
	tp_send(TP_PEER_PORT, TP_PORT, TP_FIN | TP_ACK, pseq, iss + 2, 65535, NULL, NULL, 0);
	tp_collect();
	tp_send(TP_PEER_PORT, TP_PORT, TP_FIN | TP_ACK, pseq, iss + 2, 65535, NULL, NULL, 0);
	CU_ASSERT_EQUAL_FATAL(tp_collect(), 1);
	CU_ASSERT_EQUAL(tp.out[0].flags, TP_ACK);
	CU_ASSERT_EQUAL(tp.out[0].ack, pseq + 1);
}

static void
test_tcp_simultaneous_close_goes_through_closing(void)
{
	uint32_t iss, pseq = tp_accept(NULL, &iss);
	uint32_t h = tp.app.h;

	dp_tcp_shutdown_write(tp.lc, h);
	tp_advance(0);
	/* The peer's FIN crosses ours: it does not acknowledge our FIN. */
	tp_send(TP_PEER_PORT, TP_PORT, TP_FIN | TP_ACK, pseq, iss + 1, 65535, NULL, NULL, 0);
	tp_collect();
	CU_ASSERT_EQUAL(state_of(h), DP_TCP_STATE_CLOSING);
	tp_send(TP_PEER_PORT, TP_PORT, TP_ACK, pseq + 1, iss + 2, 65535, NULL, NULL, 0);
	tp_collect();
	CU_ASSERT_EQUAL(tp.app.closed, 1);
	CU_ASSERT_EQUAL(tp.app.close_reason, DP_TCP_CLOSE_NORMAL);
}

static void
test_tcp_half_close_keeps_receiving(void)
{
	uint8_t d[700], got[700];
	uint32_t iss, pseq = tp_accept(NULL, &iss);
	uint32_t h = tp.app.h;

	CU_ASSERT_EQUAL(dp_tcp_shutdown_write(tp.lc, h), 0);
	tp_advance(0);
	tp_send(TP_PEER_PORT, TP_PORT, TP_ACK, pseq, iss + 2, 65535, NULL, NULL, 0);
	tp_collect();
	CU_ASSERT_EQUAL(state_of(h), DP_TCP_STATE_FIN_WAIT_2);
	CU_ASSERT_EQUAL(dp_tcp_send(tp.lc, h, d, 10), -EPIPE);
	memset(d, 'q', sizeof(d));
	tp_send(TP_PEER_PORT, TP_PORT, TP_ACK, pseq, iss + 2, 65535, NULL, d, sizeof(d));
	tp_collect();
	CU_ASSERT_EQUAL(dp_tcp_recv(tp.lc, h, got, sizeof(got)), (int)sizeof(got));
	CU_ASSERT_EQUAL(got[699], 'q');
	CU_ASSERT_EQUAL(state_of(h), DP_TCP_STATE_FIN_WAIT_2);
}

static void
test_tcp_close_wait_keeps_sending(void)
{
	uint8_t d[1000];
	uint32_t iss, pseq = tp_accept(NULL, &iss);
	uint32_t h = tp.app.h;

	tp_send(TP_PEER_PORT, TP_PORT, TP_FIN | TP_ACK, pseq, iss + 1, 65535, NULL, NULL, 0);
	tp_collect();
	memset(d, 'z', sizeof(d));
	CU_ASSERT_EQUAL(dp_tcp_send(tp.lc, h, d, sizeof(d)), (int)sizeof(d));
	CU_ASSERT_EQUAL_FATAL(tp_advance(0), 1);
	CU_ASSERT_EQUAL(tp.out[0].len, 1000);
	CU_ASSERT_EQUAL(tp.out[0].payload[999], 'z');
	CU_ASSERT_EQUAL(state_of(h), DP_TCP_STATE_CLOSE_WAIT);
}

static void
test_tcp_close_with_unread_data_resets(void)
{
	uint8_t d[10] = { 0 };
	uint32_t iss, pseq = tp_accept(NULL, &iss);

	tp_send(TP_PEER_PORT, TP_PORT, TP_ACK, pseq, iss + 1, 65535, NULL, d, sizeof(d));
	tp_collect();
	dp_tcp_close(tp.lc, tp.app.h);
	tp_advance(0);
	CU_ASSERT_EQUAL(tp.app.closed, 1);
	CU_ASSERT_EQUAL(tp.app.close_reason, DP_TCP_CLOSE_ABORTED);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_rst_sent), 1);
}

static void
test_tcp_abort_sends_rst_and_kills_handle(void)
{
	uint32_t iss, pseq = tp_accept(NULL, &iss);
	uint32_t h = tp.app.h;

	CU_ASSERT_EQUAL(dp_tcp_abort(tp.lc, h), 0);
	CU_ASSERT_EQUAL_FATAL(tp_advance(0), 1);
	CU_ASSERT(tp.out[0].flags & TP_RST);
	CU_ASSERT_EQUAL(tp.out[0].seq, iss + 1);
	CU_ASSERT_EQUAL(tp.app.close_reason, DP_TCP_CLOSE_ABORTED);
	CU_ASSERT_EQUAL(dp_tcp_send(tp.lc, h, "x", 1), -EBADF);
	/* The tuple is gone: the peer's next segment gets a RST. */
	tp_send(TP_PEER_PORT, TP_PORT, TP_ACK, pseq, iss + 1, 65535, NULL, NULL, 0);
	CU_ASSERT_EQUAL_FATAL(tp_collect(), 1);
	CU_ASSERT_EQUAL(tp.out[0].flags, TP_RST);
}

/* ---- RST, SYN and ACK checks (RFC 5961) ---- */

static void
test_tcp_rst_at_rcv_nxt_resets(void)
{
	uint32_t iss, pseq = tp_accept(NULL, &iss);

	tp_send(TP_PEER_PORT, TP_PORT, TP_RST, pseq, 0, 0, NULL, NULL, 0);
	tp_collect();
	CU_ASSERT_EQUAL(tp.app.closed, 1);
	CU_ASSERT_EQUAL(tp.app.close_reason, DP_TCP_CLOSE_RESET);
}

static void
test_tcp_rst_in_window_gets_challenge_ack(void)
{
	uint32_t iss, pseq = tp_accept(NULL, &iss);

	tp_send(TP_PEER_PORT, TP_PORT, TP_RST, pseq + 10, 0, 0, NULL, NULL, 0);
	CU_ASSERT_EQUAL_FATAL(tp_collect(), 1);
	CU_ASSERT_EQUAL(tp.out[0].flags, TP_ACK);
	CU_ASSERT_EQUAL(tp.out[0].ack, pseq);
	CU_ASSERT_EQUAL(tp.app.closed, 0);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_challenge_acks), 1);
}

static void
test_tcp_rst_outside_window_is_ignored(void)
{
	uint32_t iss, pseq = tp_accept(NULL, &iss);

	tp_send(TP_PEER_PORT, TP_PORT, TP_RST, pseq + 10000000, 0, 0, NULL, NULL, 0);
	CU_ASSERT_EQUAL(tp_collect(), 0);
	CU_ASSERT_EQUAL(tp.app.closed, 0);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_rst_ignored), 1);
}

static void
test_tcp_syn_on_established_gets_challenge_ack(void)
{
	uint32_t iss, pseq = tp_accept(NULL, &iss);

	tp_send(TP_PEER_PORT, TP_PORT, TP_SYN, pseq + 5, 0, 65535, NULL, NULL, 0);
	CU_ASSERT_EQUAL_FATAL(tp_collect(), 1);
	CU_ASSERT_EQUAL(tp.out[0].flags, TP_ACK);
	CU_ASSERT_EQUAL(tp.out[0].ack, pseq);
	CU_ASSERT_EQUAL(state_of(tp.app.h), DP_TCP_STATE_ESTABLISHED);
}

static void
test_tcp_ack_of_unsent_data_is_dropped_and_acked(void)
{
	uint8_t d[50] = { 0 };
	uint32_t iss, pseq = tp_accept(NULL, &iss);

	tp_send(TP_PEER_PORT, TP_PORT, TP_ACK, pseq, iss + 1000, 65535, NULL, d, sizeof(d));
	CU_ASSERT_EQUAL_FATAL(tp_collect(), 1);
	CU_ASSERT_EQUAL(tp.out[0].ack, pseq); /* the data was not accepted */
	CU_ASSERT_EQUAL(dp_tcp_readable(tp.lc, tp.app.h), 0);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_rx_bad_ack), 1);
}

static void
test_tcp_segment_beyond_window_is_acked_and_dropped(void)
{
	uint8_t d[50] = { 0 };
	uint32_t iss, pseq = tp_accept(NULL, &iss);

	tp_send(TP_PEER_PORT, TP_PORT, TP_ACK, pseq + 1000000, iss + 1, 65535, NULL, d, sizeof(d));
	CU_ASSERT_EQUAL_FATAL(tp_collect(), 1);
	CU_ASSERT_EQUAL(tp.out[0].ack, pseq);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_rx_out_of_window), 1);
}

/* An ACK sent from the right edge of our window (the data before it was lost) still
 * acknowledges our data. */
static void
test_tcp_pure_ack_at_window_edge_is_processed(void)
{
	uint8_t d[1000] = { 0 };
	struct dp_tcp_info info;
	uint32_t iss, pseq = tp_accept(NULL, &iss);
	uint32_t edge;

	dp_tcp_send(tp.lc, tp.app.h, d, sizeof(d));
	CU_ASSERT_EQUAL_FATAL(tp_advance(0), 1);
	edge = tp.out[0].ack + ((uint32_t)tp.out[0].wnd << 3);
	tp_send(TP_PEER_PORT, TP_PORT, TP_ACK, edge, iss + 1 + 1000, 65535, NULL, NULL, 0);
	tp_collect();
	CU_ASSERT_EQUAL_FATAL(dp_tcp_info(tp.lc, tp.app.h, &info), 0);
	CU_ASSERT_EQUAL(info.flight, 0);
	CU_ASSERT_EQUAL(info.bytes_sent, 1000);
	(void)pseq;
}

static void
test_tcp_paws_drops_old_timestamp(void)
{
	uint8_t d[50] = { 0 };
	uint32_t iss, pseq = tp_accept(NULL, &iss);
	struct tp_opts o = tp_opts_none();

	o.ts = true;
	o.tsval = 5000;
	tp_send(TP_PEER_PORT, TP_PORT, TP_ACK, pseq, iss + 1, 65535, &o, d, sizeof(d));
	tp_collect();
	o.tsval = 4000; /* older than TS.Recent */
	tp_send(TP_PEER_PORT, TP_PORT, TP_ACK, pseq + 50, iss + 1, 65535, &o, d, sizeof(d));
	tp_collect();
	CU_ASSERT_EQUAL(dp_tcp_readable(tp.lc, tp.app.h), 50);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_rx_paws), 1);
}

static void
test_tcp_closed_port_answers_rst_ack(void)
{
	tp_send(TP_PEER_PORT, 7777, TP_SYN, 31337, 0, 65535, NULL, NULL, 0);
	CU_ASSERT_EQUAL_FATAL(tp_collect(), 1);
	CU_ASSERT_EQUAL(tp.out[0].flags, TP_RST | TP_ACK);
	CU_ASSERT_EQUAL(tp.out[0].seq, 0);
	CU_ASSERT_EQUAL(tp.out[0].ack, 31338);
	CU_ASSERT(tp.out[0].csum_ok);
}

static void
test_tcp_ack_to_closed_port_gets_rst_at_its_ack(void)
{
	tp_send(TP_PEER_PORT, 7777, TP_ACK, 5, 424242, 65535, NULL, NULL, 0);
	CU_ASSERT_EQUAL_FATAL(tp_collect(), 1);
	CU_ASSERT_EQUAL(tp.out[0].flags, TP_RST);
	CU_ASSERT_EQUAL(tp.out[0].seq, 424242);
}

static void
test_tcp_rst_to_closed_port_is_not_answered(void)
{
	tp_send(TP_PEER_PORT, 7777, TP_RST, 5, 0, 0, NULL, NULL, 0);
	CU_ASSERT_EQUAL(tp_collect(), 0);
}

static void
test_tcp_bad_checksum_is_dropped_and_counted(void)
{
	tp_send_bad_csum(TP_PEER_PORT, TP_PORT, TP_SYN, 1000, 0);
	CU_ASSERT_EQUAL(tp_collect(), 0);
	CU_ASSERT_EQUAL(tp_ctr(DP_CTR_tcp_rx_bad_csum), 1);
}

static void
test_tcp_window_scale_applies_to_peer_window(void)
{
	struct dp_tcp_info info;
	uint32_t iss, pseq = tp_accept(NULL, &iss);

	tp_send(TP_PEER_PORT, TP_PORT, TP_ACK, pseq, iss + 1, 100, NULL, NULL, 0);
	tp_collect();
	CU_ASSERT_EQUAL_FATAL(dp_tcp_info(tp.lc, tp.app.h, &info), 0);
	CU_ASSERT_EQUAL(info.snd_wnd, 100u << 7);
	CU_ASSERT_EQUAL(info.snd_wscale, 7);
	CU_ASSERT_EQUAL(info.rcv_wscale, 3);
	CU_ASSERT(info.sack_ok && info.ts_ok);
}

static void
test_tcp_stale_handle_is_refused(void)
{
	uint32_t iss;

	tp_accept(NULL, &iss);
	CU_ASSERT_EQUAL(dp_tcp_send(tp.lc, tp.app.h ^ (1u << 20), "x", 1), -EBADF);
	CU_ASSERT_EQUAL(dp_tcp_recv(tp.lc, 0xfffff, NULL, 0), -EBADF);
}

static void
test_tcp_isn_differs_by_tuple_and_advances_with_time(void)
{
	uint32_t a = tcp_isn(tp.lc, TP_OUR_IP, 1, TP_PEER_IP, 2);
	uint32_t b = tcp_isn(tp.lc, TP_OUR_IP, 1, TP_PEER_IP, 3);

	CU_ASSERT_NOT_EQUAL(a, b);
	tp.lc->now_us += 4000; /* RFC 6528: M ticks every 4 µs */
	CU_ASSERT_EQUAL(tcp_isn(tp.lc, TP_OUR_IP, 1, TP_PEER_IP, 2) - a, 1000);
}

/* Software steering (net_types.h): as lcore 1 of 2, active opens pick odd
 * ephemeral ports; a segment for an even one (lcore 0's) is handed over,
 * not answered: here lcore 0 has no ring, so it is counted and dropped. */
static void
test_tcp_steering_partitions_ephemeral_ports(void)
{
	uint64_t wrong0 = DP_CTR_GET(tp.lc, tcp_wrong_lcore);
	uint64_t full0 = DP_CTR_GET(tp.lc, net_steer_full);
	uint32_t h;

	tp.lc->net.steer_n = 2;
	tp.lc->net.steer_idx = 1;
	for (uint16_t k = 0; k < 6; k++) {
		CU_ASSERT_EQUAL_FATAL(dp_tcp_connect(tp.lc, TP_PEER_IP, (uint16_t)(90 + k), &tp_ops,
						     NULL, &h),
				      0);
		CU_ASSERT_EQUAL_FATAL(tp_collect(), 1);
		CU_ASSERT_EQUAL(tp.out[0].sport % 2, 1);
	}
	tp_send(90, (uint16_t)(tp.conf.eph_lo + (tp.conf.eph_lo % 2 == 0 ? 0 : 1)), TP_ACK, 1, 1,
		65535, NULL, NULL, 0);
	CU_ASSERT_EQUAL(tp_collect(), 0); /* no RST: it was lcore 0's */
	CU_ASSERT_EQUAL(DP_CTR_GET(tp.lc, tcp_wrong_lcore), wrong0 + 1);
	CU_ASSERT_EQUAL(DP_CTR_GET(tp.lc, net_steer_full), full0 + 1);
	tp.lc->net.steer_n = 0;
	tp.lc->net.steer_idx = 0;
}

static CU_TestInfo tcp_tests[] = {
	{ "steering_partitions_ephemeral_ports", test_tcp_steering_partitions_ephemeral_ports },
	{ "passive_open_echoes_offered_options", test_tcp_passive_open_echoes_offered_options },
	{ "passive_open_without_options_offers_none", test_tcp_passive_open_without_options_offers_none },
	{ "third_ack_establishes_and_accepts", test_tcp_third_ack_establishes_and_accepts },
	{ "refused_accept_resets", test_tcp_refused_accept_resets },
	{ "wrong_ack_in_syn_received_gets_rst", test_tcp_wrong_ack_in_syn_received_gets_rst },
	{ "retransmitted_syn_gets_same_synack", test_tcp_retransmitted_syn_gets_same_synack },
	{ "active_open_sends_syn_and_connects", test_tcp_active_open_sends_syn_and_connects },
	{ "active_open_refused_by_rst", test_tcp_active_open_refused_by_rst },
	{ "syn_sent_ignores_rst_not_acking_syn", test_tcp_syn_sent_ignores_rst_not_acking_syn },
	{ "syn_sent_bad_ack_gets_rst", test_tcp_syn_sent_bad_ack_gets_rst },
	{ "simultaneous_open", test_tcp_simultaneous_open },
	{ "in_order_data_is_delivered_and_acked_every_second_segment",
	  test_tcp_in_order_data_is_delivered_and_acked_every_second_segment },
	{ "single_segment_is_acked_by_delack_timer", test_tcp_single_segment_is_acked_by_delack_timer },
	{ "out_of_order_gets_immediate_ack_with_sack", test_tcp_out_of_order_gets_immediate_ack_with_sack },
	{ "overlapping_retransmission_delivers_each_byte_once",
	  test_tcp_overlapping_retransmission_delivers_each_byte_once },
	{ "send_respects_peer_window_and_mss", test_tcp_send_respects_peer_window_and_mss },
	{ "initial_window_is_ten_segments", test_tcp_initial_window_is_ten_segments },
	{ "sendable_is_window_minus_flight_and_queue", test_tcp_sendable_is_window_minus_flight_and_queue },
	{ "small_window_is_used_after_the_sws_override_timeout",
	  test_tcp_small_window_is_used_after_the_sws_override_timeout },
	{ "full_segment_with_pending_sack_fits_the_mss",
	  test_tcp_full_segment_with_pending_sack_fits_the_mss },
	{ "duplicate_out_of_order_fin_is_held_once", test_tcp_duplicate_out_of_order_fin_is_held_once },
	{ "fin_contradicting_held_data_is_ignored",
	  test_tcp_fin_contradicting_held_data_is_ignored },
	{ "data_after_close_resets", test_tcp_data_after_close_resets },
	{ "passive_close", test_tcp_passive_close },
	{ "active_close_goes_through_time_wait", test_tcp_active_close_goes_through_time_wait },
	{ "time_wait_reacks_retransmitted_fin", test_tcp_time_wait_reacks_retransmitted_fin },
	{ "simultaneous_close_goes_through_closing", test_tcp_simultaneous_close_goes_through_closing },
	{ "half_close_keeps_receiving", test_tcp_half_close_keeps_receiving },
	{ "close_wait_keeps_sending", test_tcp_close_wait_keeps_sending },
	{ "close_with_unread_data_resets", test_tcp_close_with_unread_data_resets },
	{ "abort_sends_rst_and_kills_handle", test_tcp_abort_sends_rst_and_kills_handle },
	{ "rst_at_rcv_nxt_resets", test_tcp_rst_at_rcv_nxt_resets },
	{ "rst_in_window_gets_challenge_ack", test_tcp_rst_in_window_gets_challenge_ack },
	{ "rst_outside_window_is_ignored", test_tcp_rst_outside_window_is_ignored },
	{ "syn_on_established_gets_challenge_ack", test_tcp_syn_on_established_gets_challenge_ack },
	{ "ack_of_unsent_data_is_dropped_and_acked", test_tcp_ack_of_unsent_data_is_dropped_and_acked },
	{ "segment_beyond_window_is_acked_and_dropped",
	  test_tcp_segment_beyond_window_is_acked_and_dropped },
	{ "pure_ack_at_window_edge_is_processed", test_tcp_pure_ack_at_window_edge_is_processed },
	{ "paws_drops_old_timestamp", test_tcp_paws_drops_old_timestamp },
	{ "closed_port_answers_rst_ack", test_tcp_closed_port_answers_rst_ack },
	{ "ack_to_closed_port_gets_rst_at_its_ack", test_tcp_ack_to_closed_port_gets_rst_at_its_ack },
	{ "rst_to_closed_port_is_not_answered", test_tcp_rst_to_closed_port_is_not_answered },
	{ "bad_checksum_is_dropped_and_counted", test_tcp_bad_checksum_is_dropped_and_counted },
	{ "window_scale_applies_to_peer_window", test_tcp_window_scale_applies_to_peer_window },
	{ "stale_handle_is_refused", test_tcp_stale_handle_is_refused },
	{ "isn_differs_by_tuple_and_advances_with_time",
	  test_tcp_isn_differs_by_tuple_and_advances_with_time },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_tcp = {
	.pName = "dataplane/tcp",
	.pSetUpFunc = setup,
	.pTearDownFunc = teardown,
	.pTests = tcp_tests,
};
