/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief TCP input: segment arrival (RFC 9293 §3.10.7), reassembly, ACK
 * processing and loss detection, and the deferred work list.
 *
 * dp_tcp_input() parses and checks each segment, finds its connection or
 * listener, and runs the state machine of RFC 9293 §3.10.7 with:
 *  - RFC 5961: RST accepted only at exactly RCV.NXT (a RST elsewhere in the
 *    window, and any SYN on a synchronized connection, get a rate-limited
 *    challenge ACK); ACKs outside [SND.UNA - MAX.SND.WND, SND.MAX] dropped;
 *  - RFC 7323: window scaling, timestamps with PAWS (§5) and TS.Recent (§4.3);
 *  - RFC 2018 / RFC 6675: SACK blocks into the scoreboard, loss detection by
 *    DupThresh or IsLost(); RFC 6582 NewReno without SACK;
 *  - RFC 4987: SYN cookies when a listener's SYN queue is full.
 * It never calls the application: effects become events on the tcb and the
 * tcb joins the lcore's work list, which tcp_work_run() drains at the end of
 * the burst (events first, then one output pass per connection, so a burst
 * of segments yields one ACK).
 */
#include <string.h>

#include <rte_ip.h>
#include <rte_tcp.h>

#include "common/base/byteorder.h"
#include "dataplane/base/dp_ctr.h"
#include "dataplane/net/arp_int.h"
#include "dataplane/net/net.h"
#include "dataplane/net/tcp_int.h"

#define TCPF_FIN RTE_TCP_FIN_FLAG
#define TCPF_SYN RTE_TCP_SYN_FLAG
#define TCPF_RST RTE_TCP_RST_FLAG
#define TCPF_ACK RTE_TCP_ACK_FLAG

/* RFC 7323 §5.5: TS.Recent older than 24 days is invalid. */
#define PAWS_IDLE_US (UINT64_C(24) * 24 * 3600 * 1000000)

/** A parsed segment. */
struct seg {
	uint32_t saddr, daddr;
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint32_t wnd;       /**< Raw 16-bit window field. */
	uint32_t len;       /**< Payload bytes (after trimming). */
	uint8_t flags;
	uint8_t has_mss, has_ws, has_sackok, has_ts, n_sack;
	uint8_t ws;
	uint16_t mss;
	uint32_t tsval, tsecr;
	struct dp_tcp_sack_blk sack[DP_TCP_SACK_OPT_MAX];
	struct rte_mbuf *m; /**< Data at the payload once parsed. */
};

/* ---- parsing ---- */

static bool
parse_options(const uint8_t *p, uint32_t len, struct seg *s)
{
	uint32_t i = 0;

	while (i < len) {
		uint8_t kind = p[i], olen;

		if (kind == 0)
			break;
		if (kind == 1) {
			i++;
			continue;
		}
		if (i + 1 >= len)
			return false;
		olen = p[i + 1];
		if (olen < 2 || i + olen > len)
			return false;
		switch (kind) {
		case 2:
			if (olen == 4) {
				s->has_mss = 1;
				s->mss = (uint16_t)(p[i + 2] << 8 | p[i + 3]);
			}
			break;
		case 3:
			if (olen == 3) {
				s->has_ws = 1;
				s->ws = p[i + 2];
			}
			break;
		case 4:
			if (olen == 2)
				s->has_sackok = 1;
			break;
		case 5:
			if (olen >= 10 && (olen - 2) % 8 == 0) {
				uint32_t n = (olen - 2u) / 8;

				for (uint32_t b = 0; b < n && s->n_sack < DP_TCP_SACK_OPT_MAX; b++) {
					const uint8_t *q = p + i + 2 + 8 * b;

					s->sack[s->n_sack].start = be32_get(q);
					s->sack[s->n_sack].end = be32_get(q + 4);
					s->n_sack++;
				}
			}
			break;
		case 8:
			if (olen == 10) {
				s->has_ts = 1;
				s->tsval = be32_get(p + i + 2);
				s->tsecr = be32_get(p + i + 6);
			}
			break;
		default:
			break;
		}
		i += olen;
	}
	return true;
}

/* Parse and check one segment; on success the mbuf's data is at the payload. */
static bool
parse(struct dp_lcore *lc, struct rte_mbuf *m, struct seg *s)
{
	const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
	const struct rte_tcp_hdr *th;
	uint32_t l3 = m->l3_len, tlen, doff;

	memset(s, 0, sizeof(*s));
	s->m = m;
	if (m->nb_segs != 1 || l3 < sizeof(*ip) || rte_pktmbuf_data_len(m) < l3 + sizeof(*th)) {
		DP_CTR_INC(lc, tcp_rx_malformed);
		return false;
	}
	tlen = rte_pktmbuf_data_len(m) - l3;
	th = rte_pktmbuf_mtod_offset(m, const struct rte_tcp_hdr *, l3);
	doff = (uint32_t)(th->data_off >> 4) * 4;
	if (doff < sizeof(*th) || doff > tlen || th->src_port == 0 || th->dst_port == 0) {
		DP_CTR_INC(lc, tcp_rx_malformed);
		return false;
	}
	if ((m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK) == RTE_MBUF_F_RX_L4_CKSUM_BAD ||
	    ((m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK) != RTE_MBUF_F_RX_L4_CKSUM_GOOD &&
	     dp_ip4_tcp_cksum(m, l3) != 0)) {
		DP_CTR_INC(lc, tcp_rx_bad_csum);
		return false;
	}
	s->saddr = rte_be_to_cpu_32(ip->src_addr);
	s->daddr = rte_be_to_cpu_32(ip->dst_addr);
	s->sport = rte_be_to_cpu_16(th->src_port);
	s->dport = rte_be_to_cpu_16(th->dst_port);
	s->seq = rte_be_to_cpu_32(th->sent_seq);
	s->ack = rte_be_to_cpu_32(th->recv_ack);
	s->wnd = rte_be_to_cpu_16(th->rx_win);
	s->flags = th->tcp_flags & (TCPF_FIN | TCPF_SYN | TCPF_RST | TCPF_ACK | RTE_TCP_PSH_FLAG);
	if (!parse_options((const uint8_t *)th + sizeof(*th), doff - sizeof(*th), s)) {
		DP_CTR_INC(lc, tcp_rx_malformed);
		return false;
	}
	/* A segment with both SYN and RST, or SYN and FIN, is nonsense: drop it. */
	if ((s->flags & TCPF_SYN) && (s->flags & (TCPF_RST | TCPF_FIN))) {
		DP_CTR_INC(lc, tcp_rx_malformed);
		return false;
	}
	rte_pktmbuf_adj(m, (uint16_t)(l3 + doff));
	s->len = rte_pktmbuf_data_len(m);
	return true;
}

/* ---- helpers ---- */

/* RFC 5961 §7: challenge ACKs are rate-limited (at most DP_TCP_CHALLENGE_ACKS_PER_SEC per lcore). */
#define DP_TCP_CHALLENGE_ACKS_PER_SEC 1000u

static void
challenge_ack(struct dp_lcore *lc, struct dp_tcb *t)
{
	uint64_t sec = lc->now_us / 1000000;

	if (lc->tcp.ca_second != sec) {
		lc->tcp.ca_second = sec;
		lc->tcp.ca_count = 0;
	}
	if (lc->tcp.ca_count >= DP_TCP_CHALLENGE_ACKS_PER_SEC)
		return;
	lc->tcp.ca_count++;
	DP_CTR_INC(lc, tcp_challenge_acks);
	tcp_send_ack(lc, t);
}

/* RFC 9293 §3.10.7.1: answer a segment for no connection with RST (never a RST). */
static void
reply_rst(struct dp_lcore *lc, const struct seg *s)
{
	if (s->flags & TCPF_RST)
		return;
	if (s->flags & TCPF_ACK)
		tcp_send_ctl(lc, s->daddr, s->dport, s->saddr, s->sport, s->ack, 0, TCPF_RST);
	else
		tcp_send_ctl(lc, s->daddr, s->dport, s->saddr, s->sport, 0,
			     s->seq + s->len + ((s->flags & TCPF_SYN) ? 1 : 0) +
				     ((s->flags & TCPF_FIN) ? 1 : 0),
			     TCPF_RST | TCPF_ACK);
}

/* Take the options of a SYN into the tcb (RFC 7323 §2.2, §3.2; RFC 2018 §2; RFC 9293 §3.7.1). */
static void
syn_options(struct dp_tcb *t, const struct seg *s, bool we_offered_all)
{
	t->smss = s->has_mss && s->mss >= 64 ? s->mss : 536;
	if (s->has_ws && we_offered_all) {
		t->flags |= TCB_F_WS_OK;
		t->snd_wscale = s->ws > 14 ? 14 : s->ws; /* RFC 7323 §2.3 */
	} else {
		t->snd_wscale = 0;
		t->rcv_wscale = 0;
	}
	if (s->has_sackok && we_offered_all)
		t->flags |= TCB_F_SACK_OK;
	if (s->has_ts && we_offered_all) {
		t->flags |= TCB_F_TS_OK;
		t->ts_recent = s->tsval;
	}
}

static void
conn_established(struct dp_lcore *lc, struct dp_tcb *t)
{
	tcp_set_state(lc, t, DP_TCP_STATE_ESTABLISHED);
	t->cc_ops->init(&t->cc, tcp_eff_mss(t), lc->tcp.conf->iw_segs, lc->now_us);
	t->recover = t->iss;
	t->high_rxt = t->snd_una - 1;
	/* RFC 6298 §5.7: a SYN that timed out, and no RTT sample: data starts at RTO 3 s. */
	if (t->syn_tries != 0 && t->srtt_us == 0)
		t->rto_us = 3000000 > lc->tcp.conf->rto_max_us ? lc->tcp.conf->rto_max_us : 3000000;
	else
		tcp_rto_restore(lc, t);
	t->syn_tries = 0;
	if (lc->tcp.conf->keepalive_idle_us != 0)
		tcp_timer_set(lc, t, DP_TCP_T_KEEPALIVE, lc->now_us + lc->tcp.conf->keepalive_idle_us);
}

/* ---- LISTEN (RFC 9293 §3.10.7.2) ---- */

static void
listen_input(struct dp_lcore *lc, int li, struct seg *s)
{
	struct dp_tcp_listener *l = &lc->tcp.listeners[li];
	const struct dp_tcp_conf *c = lc->tcp.conf;
	struct dp_tcb *t;
	uint16_t mss;

	if (s->flags & TCPF_RST)
		return;
	if (s->flags & TCPF_ACK) {
		/* Perhaps the third step of a handshake answered with a SYN cookie (RFC 4987 §3.6). */
		if (!(s->flags & TCPF_SYN) &&
		    tcp_syncookie_check(lc, s->daddr, s->dport, s->saddr, s->sport, s->seq - 1,
					s->ack - 1, &mss)) {
			t = tcp_tcb_alloc_ex(lc, s->daddr, s->dport, s->saddr, s->sport, true);
			if (t == NULL)
				return;
			tcp_tcb_init_conn(lc, t);
			t->rcv_wscale = 0;
			t->flags |= TCB_F_SYNCOOKIE;
			t->listener = (uint8_t)li;
			t->ops = l->ops;
			t->ctx = l->arg;
			t->iss = s->ack - 1;
			t->snd_una = t->snd_nxt = t->snd_max = s->ack;
			t->irs = s->seq - 1;
			t->rcv_nxt = t->last_ack_sent = s->seq;
			/* The cookie SYN-ACK offered 65535 bytes, unscaled (tcp_send_synack_cookie). */
			t->rcv_adv = s->seq + 65535;
			t->smss = mss;
			t->snd_wnd = t->max_snd_wnd = s->wnd;
			t->snd_wl1 = s->seq;
			t->snd_wl2 = s->ack;
			tcp_state_account(lc, t->state, DP_TCP_STATE_SYN_RECEIVED);
			t->state = DP_TCP_STATE_SYN_RECEIVED; /* accounted as no listener slot */
			t->listener = UINT8_MAX;
			conn_established(lc, t);
			DP_CTR_INC(lc, tcp_syncookies_ok);
			DP_CTR_INC(lc, tcp_passive_opens);
			tcp_event(lc, t, TCB_EV_ACCEPTED);
			return;
		}
		if (!(s->flags & TCPF_SYN)) {
			DP_CTR_INC(lc, tcp_syncookies_bad);
			reply_rst(lc, s);
			return;
		}
	}
	if (!(s->flags & TCPF_SYN) || (s->flags & TCPF_ACK)) {
		reply_rst(lc, s);
		return;
	}
	DP_CTR_INC(lc, tcp_syn_rcvd);
	t = NULL;
	if (l->n_syn_rcvd < c->syn_backlog)
		t = tcp_tcb_alloc(lc, s->daddr, s->dport, s->saddr, s->sport);
	if (t == NULL) {
		/* SYN queue full (or no tcb): answer statelessly with a cookie (RFC 4987 §3.6). */
		uint16_t peer_mss = s->has_mss ? s->mss : 536;
		uint32_t idx = tcp_syncookie_mss_idx(peer_mss);
		uint32_t iss = tcp_syncookie_make(lc, s->daddr, s->dport, s->saddr, s->sport, s->seq,
						  idx);

		tcp_send_synack_cookie(lc, s->daddr, s->dport, s->saddr, s->sport, iss, s->seq,
				       tcp_syncookie_mss(idx));
		return;
	}
	tcp_tcb_init_conn(lc, t);
	t->listener = (uint8_t)li;
	t->ops = l->ops;
	t->ctx = l->arg;
	t->irs = s->seq;
	t->rcv_nxt = t->last_ack_sent = s->seq + 1;
	t->rcv_adv = t->rcv_nxt;
	syn_options(t, s, true);
	t->snd_wnd = t->max_snd_wnd = s->wnd; /* never scaled in a SYN (RFC 7323 §2.2) */
	t->snd_wl1 = s->seq;
	t->iss = tcp_isn(lc, t->laddr, t->lport, t->raddr, t->rport);
	t->snd_una = t->snd_nxt = t->snd_max = t->iss;
	t->snd_wl2 = t->iss;
	tcp_state_account(lc, t->state, DP_TCP_STATE_SYN_RECEIVED);
	t->state = DP_TCP_STATE_SYN_RECEIVED;
	l->n_syn_rcvd++;
	tcp_send_syn(lc, t);
}

/* ---- SYN-SENT (RFC 9293 §3.10.7.3) ---- */

static void
syn_sent_input(struct dp_lcore *lc, struct dp_tcb *t, struct seg *s)
{
	bool ack_ok = false;

	if (s->flags & TCPF_ACK) {
		if (seq_leq(s->ack, t->iss) || seq_gt(s->ack, t->snd_max)) {
			reply_rst(lc, s);
			return;
		}
		ack_ok = seq_leq(t->snd_una, s->ack) && seq_leq(s->ack, t->snd_max);
	}
	if (s->flags & TCPF_RST) {
		/* RFC 5961 §3.2: in SYN-SENT a RST counts only if it acknowledges our SYN. */
		if (ack_ok) {
			DP_CTR_INC(lc, tcp_rst_rcvd);
			tcp_conn_done(lc, t, DP_TCP_CLOSE_REFUSED);
		} else {
			DP_CTR_INC(lc, tcp_rst_ignored);
		}
		return;
	}
	if (!(s->flags & TCPF_SYN))
		return;
	t->irs = s->seq;
	t->rcv_nxt = t->last_ack_sent = s->seq + 1;
	t->rcv_adv = t->rcv_nxt;
	syn_options(t, s, true);
	if (ack_ok) {
		t->snd_una = s->ack;
		t->snd_wnd = s->wnd << t->snd_wscale;
		t->max_snd_wnd = t->snd_wnd;
		t->snd_wl1 = s->seq;
		t->snd_wl2 = s->ack;
		if (t->rtt_start_us != 0 && t->syn_tries == 0)
			tcp_rtt_sample(lc, t, (uint32_t)(lc->now_us - t->rtt_start_us));
		t->rtt_start_us = 0;
		t->rto_backoff = 0;
		tcp_timer_set(lc, t, DP_TCP_T_RTO, 0);
		conn_established(lc, t);
		t->flags |= TCB_F_ACK_NOW;
		tcp_event(lc, t, TCB_EV_CONNECTED);
		/* Data in the SYN-ACK is unusual; it is dropped and the peer resends it. */
		return;
	}
	/* Simultaneous open (RFC 9293 §3.5, figure 7). */
	t->snd_wnd = s->wnd;
	t->max_snd_wnd = s->wnd;
	t->snd_wl1 = s->seq;
	tcp_state_account(lc, t->state, DP_TCP_STATE_SYN_RECEIVED);
	t->state = DP_TCP_STATE_SYN_RECEIVED;
	tcp_send_syn(lc, t);
}

/* ---- data ---- */

/* Recompute the SACK blocks we report from the out-of-order queue, @p recent first. */
static void
rcv_sack_update(struct dp_tcb *t, uint32_t recent)
{
	struct dp_tcp_sack_blk blks[DP_TCP_OOO_MAX];
	uint32_t n = 0, first = UINT32_MAX;

	for (uint32_t i = 0; i < t->n_ooo; i++) {
		uint32_t s = t->ooo[i].seq, e = s + t->ooo[i].len + t->ooo[i].fin;

		if (n != 0 && blks[n - 1].end == s)
			blks[n - 1].end = e;
		else
			blks[n++] = (struct dp_tcp_sack_blk){ s, e };
	}
	t->n_rcv_sack = 0;
	for (uint32_t i = 0; i < n; i++)
		if (seq_in(recent, blks[i].start, blks[i].end))
			first = i;
	if (first != UINT32_MAX)
		t->rcv_sack[t->n_rcv_sack++] = blks[first];
	for (uint32_t i = 0; i < n && t->n_rcv_sack < DP_TCP_RCV_SACK_MAX; i++)
		if (i != first)
			t->rcv_sack[t->n_rcv_sack++] = blks[i];
}

static void
rq_append(struct dp_tcb *t, struct rte_mbuf *m)
{
	m->next = NULL;
	if (t->rq_tail == NULL)
		t->rq_head = m;
	else
		t->rq_tail->next = m;
	t->rq_tail = m;
	t->rq_len += m->data_len;
}

static void fin_arrived(struct dp_lcore *lc, struct dp_tcb *t);

/* Move out-of-order segments that are now in order to the receive queue. */
static bool
ooo_pull(struct dp_lcore *lc, struct dp_tcb *t)
{
	bool fin = false;
	uint32_t k = 0;

	while (k < t->n_ooo && seq_leq(t->ooo[k].seq, t->rcv_nxt)) {
		struct dp_tcp_ooo *o = &t->ooo[k];
		uint32_t end = o->seq + o->len;

		if (seq_gt(end, t->rcv_nxt) && o->m != NULL) {
			rte_pktmbuf_adj(o->m, (uint16_t)(t->rcv_nxt - o->seq));
			t->bytes_rcvd += end - t->rcv_nxt;
			t->rcv_nxt = end;
			rq_append(t, o->m);
		} else {
			rte_pktmbuf_free(o->m);
		}
		k++;
		if (o->fin && end == t->rcv_nxt) {
			/* Nothing after the FIN belongs to the stream. */
			fin = true;
			for (uint32_t j = k; j < t->n_ooo; j++)
				rte_pktmbuf_free(t->ooo[j].m);
			k = t->n_ooo;
			break;
		}
	}
	if (k != 0) {
		memmove(&t->ooo[0], &t->ooo[k], (t->n_ooo - k) * sizeof(t->ooo[0]));
		t->n_ooo = (uint16_t)(t->n_ooo - k);
		lc->tcp.ooo_segs -= k;
	}
	return fin;
}

/* Queue an out-of-order segment [seq, seq+len) (+FIN), trimmed against what is held. */
static void
ooo_insert(struct dp_lcore *lc, struct dp_tcb *t, uint32_t seq, uint32_t len, bool fin,
	   struct rte_mbuf *m)
{
	uint32_t end = seq + len, pos = 0;

	/* A FIN ends the stream at seq + len (RFC 9293 §3.10.7.4 eighth step): a FIN with
	 * data already held beyond it, or data beyond a held FIN, is inconsistent and the
	 * FIN (or the data) is ignored; a FIN right after held data marks that entry. */
	for (uint32_t i = 0; i < t->n_ooo; i++) {
		const struct dp_tcp_ooo *o = &t->ooo[i];

		if (o->fin && seq_geq(seq, o->seq + o->len) && (len != 0 || seq != o->seq + o->len)) {
			DP_CTR_INC(lc, tcp_rcv_dup);
			rte_pktmbuf_free(m);
			return;
		}
		if (fin && seq_gt(o->seq + o->len, end))
			fin = false;
	}
	if (fin && len == 0) {
		for (uint32_t i = 0; i < t->n_ooo; i++) {
			if (t->ooo[i].seq + t->ooo[i].len == seq) {
				t->ooo[i].fin = 1;
				rte_pktmbuf_free(m);
				rcv_sack_update(t, seq);
				return;
			}
		}
	}

	while (pos < t->n_ooo && seq_lt(t->ooo[pos].seq, seq))
		pos++;
	/* Trim against the previous entry and the next one; drop if nothing new is left. */
	if (pos > 0) {
		uint32_t pend = t->ooo[pos - 1].seq + t->ooo[pos - 1].len;

		if (seq_geq(pend, end) && (!fin || t->ooo[pos - 1].fin)) {
			DP_CTR_INC(lc, tcp_rcv_dup);
			rte_pktmbuf_free(m);
			return;
		}
		if (seq_gt(pend, seq)) {
			if (seq_geq(pend, end)) {
				len = 0;
			} else {
				rte_pktmbuf_adj(m, (uint16_t)(pend - seq));
				len = end - pend;
			}
			seq = pend;
		}
	}
	if (pos < t->n_ooo && seq_gt(end, t->ooo[pos].seq)) {
		if (seq_leq(t->ooo[pos].seq, seq)) {
			DP_CTR_INC(lc, tcp_rcv_dup);
			rte_pktmbuf_free(m);
			return;
		}
		rte_pktmbuf_trim(m, (uint16_t)(end - t->ooo[pos].seq));
		len = t->ooo[pos].seq - seq;
		fin = false;
	}
	if (t->n_ooo >= lc->tcp.conf->ooo_segs_conn || t->n_ooo >= DP_TCP_OOO_MAX ||
	    lc->tcp.ooo_segs >= lc->tcp.conf->ooo_segs_lcore) {
		DP_CTR_INC(lc, tcp_ooo_drop);
		rte_pktmbuf_free(m);
		return;
	}
	if (len == 0 && !fin) {
		rte_pktmbuf_free(m);
		return;
	}
	if (len == 0) {
		rte_pktmbuf_free(m);
		m = NULL;
	}
	memmove(&t->ooo[pos + 1], &t->ooo[pos], (t->n_ooo - pos) * sizeof(t->ooo[0]));
	t->ooo[pos] = (struct dp_tcp_ooo){ .seq = seq, .len = len, .fin = fin, .m = m };
	t->n_ooo++;
	lc->tcp.ooo_segs++;
	DP_CTR_INC(lc, tcp_ooo_queued);
	rcv_sack_update(t, seq);
}

/* Accept the (window-trimmed) payload and FIN of @p s. Consumes s->m. */
static void
data_input(struct dp_lcore *lc, struct dp_tcb *t, struct seg *s)
{
	bool fin = (s->flags & TCPF_FIN) != 0;
	bool had_ooo = t->n_ooo != 0;

	if (s->len == 0 && !fin) {
		rte_pktmbuf_free(s->m);
		return;
	}
	/* Data for an application that closed cannot be delivered: reset, as deployed
	 * stacks do (RFC 9293 §3.10.7.4 leaves it open; RFC 2525 §2.17). */
	if (s->len != 0 && (t->flags & TCB_F_APP_CLOSED)) {
		rte_pktmbuf_free(s->m);
		tcp_send_rst_conn(lc, t);
		tcp_conn_done(lc, t, DP_TCP_CLOSE_ABORTED);
		return;
	}
	if (s->seq != t->rcv_nxt) {
		ooo_insert(lc, t, s->seq, s->len, fin, s->m);
		t->flags |= TCB_F_ACK_NOW; /* RFC 5681 §4.2: immediate ACK for out-of-order data */
		tcp_work_add(lc, t);
		return;
	}
	if (s->len != 0) {
		rq_append(t, s->m);
		t->rcv_nxt += s->len;
		t->bytes_rcvd += s->len;
		t->segs_unacked++;
	} else {
		rte_pktmbuf_free(s->m);
	}
	if (had_ooo) {
		fin |= ooo_pull(lc, t);
		rcv_sack_update(t, t->rcv_nxt);
		t->flags |= TCB_F_ACK_NOW; /* a hole was filled: ACK at once (RFC 5681 §4.2) */
	}
	if (s->len != 0 && !(t->flags & TCB_F_APP_CLOSED))
		tcp_event(lc, t, TCB_EV_READABLE);
	if (fin)
		fin_arrived(lc, t);
	/* RFC 1122 §4.2.3.2 / RFC 5681 §4.2: ACK at least every second full segment,
	 * otherwise within the delayed-ACK timeout. */
	if (t->segs_unacked >= 2)
		t->flags |= TCB_F_ACK_NOW;
	if (t->flags & TCB_F_ACK_NOW)
		tcp_work_add(lc, t);
	else if (t->tmr[DP_TCP_T_DELACK] == 0)
		tcp_timer_set(lc, t, DP_TCP_T_DELACK, lc->now_us + lc->tcp.conf->delack_us);
}

/* RFC 9293 §3.10.7.4 eighth step: the peer's FIN, now in sequence. */
static void
fin_arrived(struct dp_lcore *lc, struct dp_tcb *t)
{
	if (t->flags & TCB_F_FIN_RCVD)
		return;
	t->flags |= TCB_F_FIN_RCVD | TCB_F_ACK_NOW;
	t->rcv_nxt++;
	if (!(t->flags & TCB_F_APP_CLOSED))
		tcp_event(lc, t, TCB_EV_PEER_FIN);
	tcp_work_add(lc, t);
	switch (t->state) {
	case DP_TCP_STATE_SYN_RECEIVED:
	case DP_TCP_STATE_ESTABLISHED:
		tcp_set_state(lc, t, DP_TCP_STATE_CLOSE_WAIT);
		break;
	case DP_TCP_STATE_FIN_WAIT_1:
		/* Our FIN not yet acknowledged (else we would be in FIN_WAIT_2): simultaneous close. */
		tcp_set_state(lc, t, DP_TCP_STATE_CLOSING);
		break;
	case DP_TCP_STATE_FIN_WAIT_2:
		tcp_send_ack(lc, t);
		tcp_set_state(lc, t, DP_TCP_STATE_TIME_WAIT);
		tcp_event(lc, t, TCB_EV_CLOSED);
		break;
	default:
		break;
	}
}

/* Drop @p n acknowledged bytes from the front of the send queue. */
static void
sq_ack(struct dp_tcb *t, uint32_t n)
{
	t->sq_len -= n;
	n += t->sq_off;
	while (t->sq_head != NULL && n >= t->sq_head->data_len) {
		struct rte_mbuf *m = t->sq_head;

		n -= m->data_len;
		t->sq_head = m->next;
		if (t->sq_cur == m)
			t->sq_cur = NULL;
		m->next = NULL;
		rte_pktmbuf_free_seg(m);
	}
	if (t->sq_head == NULL)
		t->sq_tail = NULL;
	t->sq_off = n;
}

/* ---- ACK processing (RFC 9293 §3.10.7.4 fifth step; RFC 5681, 6582, 6675) ---- */

static void
enter_recovery(struct dp_lcore *lc, struct dp_tcb *t)
{
	uint32_t mss = tcp_eff_mss(t);

	t->recover = t->snd_max - 1;
	t->cc_ops->on_congestion(&t->cc, t->snd_max - t->snd_una, lc->now_us);
	t->flags |= TCB_F_RECOVERY;
	t->tlp_n = 0;
	t->fast_recoveries++;
	DP_CTR_INC(lc, tcp_fast_recovery);
	t->cwnd_rec = t->cc.ssthresh + 3 * mss; /* RFC 6582 §3.2 step 2 (used without SACK) */
	t->high_rxt = t->snd_una - 1;
	dp_tcp_rxt_reset(&t->rxt);
	/* RFC 6675 §5 (4.2) / RFC 6582 §3.2 step 2: retransmit the first unacknowledged segment. */
	t->rtt_start_us = 0;
	tcp_retransmit(lc, t, t->snd_una);
	t->high_rxt = t->snd_una + (t->sq_len < mss ? t->sq_len : mss) - 1; /* inclusive */
	if (t->flags & TCB_F_SACK_OK)
		dp_tcp_rxt_add(&t->rxt, t->snd_una, t->high_rxt + 1, t->snd_max, lc->now_us);
	tcp_timer_rearm_rto(lc, t); /* and the probe for the retransmission */
}

/*
 * RFC 5827 early retransmit: with fewer than four segments outstanding and no
 * new segment allowed out (nothing unsent, or the peer's window is full),
 * DupThresh duplicate ACKs can never arrive; oseg - 1 of them suffice.
 */
static bool
early_retransmit_due(const struct dp_tcb *t, uint32_t mss)
{
	uint32_t flight = t->snd_max - t->snd_una, oseg = (flight + mss - 1) / mss;
	uint32_t unsent = seq_lt(t->snd_nxt, t->snd_una + t->sq_len) ?
				  t->snd_una + t->sq_len - t->snd_nxt : 0;
	uint32_t room = seq_gt(t->snd_una + t->snd_wnd, t->snd_nxt) ?
				t->snd_una + t->snd_wnd - t->snd_nxt : 0;

	if (oseg < 2 || oseg >= 4 || t->snd_nxt != t->snd_max)
		return false;
	if (unsent != 0 && room >= (unsent < mss ? unsent : mss))
		return false;
	return t->dupacks >= oseg - 1;
}

/*
 * RFC 8985 §6.2 for the segment at SND.UNA, outside recovery. New data leaves
 * in sequence order, so the highest SACKed byte is the most recently sent
 * one delivered: its transmit time is RACK.xmit_ts (a tail-loss probe that
 * resent it keeps the first, earlier time: the safe side). The segment at
 * SND.UNA, sent no later, is lost once now >= its xmit_ts + RACK.rtt +
 * RACK.reo_wnd (step 5; SRTT stands for RACK.rtt, reo_wnd = min(min_RTT / 4,
 * SRTT), step 4); until then the reordering timer waits for it (§6.3). This
 * is what turns a SACK behind a loss into fast recovery when fewer than
 * DupThresh segments follow it, notably the SACK of a tail-loss probe
 * (§7.4). RFC 6582 §3.2 step 2 still applies: not for data sent before the
 * last recovery or timeout.
 */
void
tcp_rack_detect(struct dp_lcore *lc, struct dp_tcb *t)
{
	uint32_t reo_wnd = t->min_rtt_us / 4 < t->srtt_us ? t->min_rtt_us / 4 : t->srtt_us;
	uint64_t una_us, rack_us, due;

	if ((t->flags & (TCB_F_SACK_OK | TCB_F_RECOVERY)) != TCB_F_SACK_OK || t->sb.n == 0 ||
	    t->min_rtt_us == 0 || t->snd_una == t->snd_max || !seq_gt(t->snd_una, t->recover) ||
	    (t->state != DP_TCP_STATE_ESTABLISHED && t->state != DP_TCP_STATE_CLOSE_WAIT &&
	     t->state != DP_TCP_STATE_FIN_WAIT_1 && t->state != DP_TCP_STATE_LAST_ACK &&
	     t->state != DP_TCP_STATE_CLOSING))
		goto off;
	if (!dp_tcp_xmit_time(&t->xr, t->snd_una, &una_us) ||
	    !dp_tcp_xmit_time(&t->xr, t->sb.high_sacked - 1, &rack_us) || rack_us < una_us)
		goto off;
	due = una_us + t->srtt_us + reo_wnd;
	if ((rack_us > una_us && rack_us - una_us >= reo_wnd) || lc->now_us >= due) {
		tcp_timer_set(lc, t, DP_TCP_T_REO, 0);
		DP_CTR_INC(lc, tcp_rack_recovery);
		enter_recovery(lc, t);
		tcp_work_add(lc, t);
		return;
	}
	if (t->tmr[DP_TCP_T_REO] != due)
		tcp_timer_set(lc, t, DP_TCP_T_REO, due);
	return;
off:
	if (t->tmr[DP_TCP_T_REO] != 0)
		tcp_timer_set(lc, t, DP_TCP_T_REO, 0);
}

/* A segment's ACK field. Returns false if the segment must be dropped. */
static bool
ack_input(struct dp_lcore *lc, struct dp_tcb *t, struct seg *s)
{
	uint32_t mss = tcp_eff_mss(t), new_sacked = 0;
	uint32_t wnd = s->wnd << t->snd_wscale;
	bool dup = false;

	/* RFC 5961 §5.2: ACKs far below SND.UNA or above SND.MAX are not believed. */
	if (seq_gt(s->ack, t->snd_max)) {
		DP_CTR_INC(lc, tcp_rx_bad_ack);
		t->flags |= TCB_F_ACK_NOW;
		tcp_work_add(lc, t);
		return false;
	}
	if (seq_lt(s->ack, t->snd_una - t->max_snd_wnd)) {
		DP_CTR_INC(lc, tcp_rx_bad_ack);
		t->flags |= TCB_F_ACK_NOW;
		tcp_work_add(lc, t);
		return false;
	}
	if (s->n_sack != 0 && (t->flags & TCB_F_SACK_OK)) {
		t->sack_blocks_rcvd += s->n_sack;
		new_sacked = dp_tcp_sack_sb_update(&t->sb, s->ack, t->snd_max, s->sack, s->n_sack);
	}
	if (seq_gt(s->ack, t->snd_una)) {
		uint32_t acked = s->ack - t->snd_una, data = acked, flight = t->snd_max - t->snd_una;

		if ((t->flags & TCB_F_FIN_SENT) && seq_gt(s->ack, t->fin_seq))
			data--; /* the FIN's sequence number */
		if (data > t->sq_len)
			data = t->sq_len;
		sq_ack(t, data);
		t->bytes_sent += data;
		t->snd_una = s->ack;
		if (seq_lt(t->snd_nxt, t->snd_una))
			t->snd_nxt = t->snd_una;
		dp_tcp_sack_sb_ack(&t->sb, t->snd_una);
		dp_tcp_xmit_ack(&t->xr, t->snd_una);
		if (t->tlp_n != 0 && seq_geq(s->ack, t->tlp_high))
			t->tlp_n = 0; /* the probes were answered (RFC 8985 §7.4) */
		if (seq_lt(t->high_rxt, t->snd_una - 1))
			t->high_rxt = t->snd_una - 1;
		/* RTT (RFC 6298 §3, Karn): only from a segment sent once. */
		if (t->rtt_start_us != 0 && seq_gt(s->ack, t->rtt_seq)) {
			tcp_rtt_sample(lc, t, (uint32_t)(lc->now_us - t->rtt_start_us));
			t->rtt_start_us = 0;
		} else if (t->rto_backoff != 0) {
			tcp_rto_restore(lc, t); /* new data acknowledged: drop the backoff */
		}
		t->rto_backoff = 0;
		if (t->flags & TCB_F_RECOVERY) {
			if (seq_gt(s->ack, t->recover)) {
				/* Full ACK: recovery is over (RFC 6582 §3.2 step 3, RFC 6675 §5). */
				t->flags &= ~TCB_F_RECOVERY;
				t->dupacks = 0;
				dp_tcp_rxt_reset(&t->rxt);
				t->cc_ops->on_recovery_exit(&t->cc, t->snd_max - t->snd_una, lc->now_us);
			} else if (!(t->flags & TCB_F_SACK_OK)) {
				/* Partial ACK (RFC 6582 §3.2 step 4): retransmit the next hole, deflate. */
				tcp_retransmit(lc, t, t->snd_una);
				t->cwnd_rec = t->cwnd_rec > acked ? t->cwnd_rec - acked : 0;
				if (acked >= mss)
					t->cwnd_rec += mss;
				if (t->cwnd_rec < mss)
					t->cwnd_rec = mss;
			}
		} else {
			t->dupacks = 0;
			t->cc_ops->on_ack(&t->cc, data, t->srtt_us, flight, lc->now_us);
		}
		tcp_timer_rearm_rto(lc, t);
		if ((t->flags & TCB_F_WANT_WRITABLE) &&
		    lc->tcp.conf->sndbuf - t->sq_len >= lc->tcp.conf->sndbuf / 4) {
			t->flags &= ~TCB_F_WANT_WRITABLE;
			if (!(t->flags & TCB_F_APP_CLOSED))
				tcp_event(lc, t, TCB_EV_WRITABLE);
		}
		tcp_work_add(lc, t);
	} else if (s->ack == t->snd_una && t->snd_una != t->snd_max &&
		   !(s->flags & (TCPF_SYN | TCPF_FIN)) &&
		   (new_sacked != 0 || (s->len == 0 && wnd == t->snd_wnd))) {
		/* RFC 5681 §2 duplicate ACK, or RFC 6675 §2's: an ACK that SACKs new data, whether
		 * or not it carries data itself (a peer sending too piggybacks its ACKs). */
		dup = true;
		t->dupacks_rcvd++;
		DP_CTR_INC(lc, tcp_dupacks);
		if (t->dupacks < UINT8_MAX)
			t->dupacks++;
	}
	/* Window update (RFC 9293 §3.10.7.4, fifth step, ESTABLISHED). */
	if (seq_lt(t->snd_wl1, s->seq) || (t->snd_wl1 == s->seq && seq_leq(t->snd_wl2, s->ack))) {
		bool opened = t->snd_wnd == 0 && wnd != 0;

		t->snd_wnd = wnd;
		t->snd_wl1 = s->seq;
		t->snd_wl2 = s->ack;
		if (wnd > t->max_snd_wnd)
			t->max_snd_wnd = wnd;
		if (opened) {
			t->persist_backoff = 0;
			tcp_timer_set(lc, t, DP_TCP_T_PERSIST, 0);
			tcp_work_add(lc, t);
		}
	}
	if (dup) {
		if (!(t->flags & TCB_F_RECOVERY)) {
			bool lost = t->dupacks >= DP_TCP_SACK_DUPTHRESH ||
				    ((t->flags & TCB_F_SACK_OK) &&
				     dp_tcp_sack_sb_is_lost(&t->sb, t->snd_una, mss));
			bool early = !lost && early_retransmit_due(t, mss);

			/* RFC 6582 §3.2 step 2: not for losses of data sent before the last recovery. */
			if ((lost || early) && seq_gt(s->ack, t->recover)) {
				if (early)
					DP_CTR_INC(lc, tcp_early_retransmit);
				enter_recovery(lc, t);
			}
		} else if (!(t->flags & TCB_F_SACK_OK)) {
			t->cwnd_rec += mss; /* RFC 6582 §3.2 step 3: inflate per further dupack */
		}
		tcp_work_add(lc, t);
	} else if (new_sacked != 0 && (t->flags & TCB_F_RECOVERY)) {
		tcp_work_add(lc, t);
	}
	/* RFC 8985 §6.2 on every ACK: the segment at SND.UNA lost by time order. */
	if ((t->flags & (TCB_F_SACK_OK | TCB_F_RECOVERY)) == TCB_F_SACK_OK)
		tcp_rack_detect(lc, t);
	/* A retransmission overtaken by later data, or by a later retransmission, is lost
	 * too (see tcp_sack.h). RFC 8985 §6.2 step 4: RACK.reo_wnd = min(min_RTT / 4, SRTT). */
	if ((t->flags & (TCB_F_RECOVERY | TCB_F_SACK_OK)) == (TCB_F_RECOVERY | TCB_F_SACK_OK) &&
	    t->rxt.n != 0) {
		uint32_t reo_wnd = t->min_rtt_us / 4 < t->srtt_us ? t->min_rtt_us / 4 : t->srtt_us;
		uint32_t by_time = t->rxt.lost_by_time;

		if (dp_tcp_rxt_update(&t->rxt, &t->sb, t->snd_una, mss, lc->now_us, t->min_rtt_us,
				      reo_wnd) != 0)
			tcp_work_add(lc, t);
		DP_CTR_ADD(lc, tcp_rxt_lost_time, t->rxt.lost_by_time - by_time);
	}
	return true;
}

/* ---- synchronized states (RFC 9293 §3.10.7.4) ---- */

static void
sync_input(struct dp_lcore *lc, struct dp_tcb *t, struct seg *s)
{
	uint32_t rwnd = seq_gt(t->rcv_adv, t->rcv_nxt) ? t->rcv_adv - t->rcv_nxt : 0;
	uint32_t seglen = s->len + ((s->flags & TCPF_FIN) ? 1 : 0);
	bool acceptable;

	/* Simultaneous open (RFC 9293 §3.5 figure 7, line 6): the peer's SYN-ACK repeats the
	 * SYN we already took; its ACK completes the handshake. */
	if (t->state == DP_TCP_STATE_SYN_RECEIVED && (t->flags & TCB_F_ACTIVE) &&
	    (s->flags & (TCPF_SYN | TCPF_ACK)) == (TCPF_SYN | TCPF_ACK) && s->seq == t->irs &&
	    seq_lt(t->snd_una, s->ack) && seq_leq(s->ack, t->snd_max)) {
		s->flags &= (uint8_t)~TCPF_SYN;
		s->seq = t->irs + 1;
		s->len = 0;
		seglen = (s->flags & TCPF_FIN) ? 1 : 0;
	}
	/* PAWS (RFC 7323 §5.3). */
	if ((t->flags & TCB_F_TS_OK) && s->has_ts && !(s->flags & TCPF_RST) &&
	    (int32_t)(s->tsval - t->ts_recent) < 0 && lc->now_us - t->ts_recent_us < PAWS_IDLE_US &&
	    t->ts_recent_us != 0) {
		DP_CTR_INC(lc, tcp_rx_paws);
		t->flags |= TCB_F_ACK_NOW;
		tcp_work_add(lc, t);
		goto drop;
	}
	/* First step: is the segment acceptable? (RFC 9293 §3.10.7.4 table) */
	/* A zero-length segment is taken up to and including the right edge: a peer whose
	 * window-filling data was lost sends its ACKs from there, and refusing them would
	 * hide acknowledgements we need (deployed stacks, Linux's tcp_sequence(), do the same). */
	if (seglen == 0)
		acceptable = seq_leq(t->rcv_nxt, s->seq) && seq_leq(s->seq, t->rcv_nxt + rwnd);
	else
		acceptable = rwnd != 0 && (seq_in(s->seq, t->rcv_nxt, t->rcv_nxt + rwnd) ||
					   seq_in(s->seq + seglen - 1, t->rcv_nxt, t->rcv_nxt + rwnd));
	/* A zero-window probe or keepalive (SEQ = RCV.NXT - 1) is answered with an ACK. */
	if (!acceptable) {
		if (s->flags & TCPF_RST) {
			DP_CTR_INC(lc, tcp_rst_ignored);
			goto drop;
		}
		/* A retransmitted SYN while we wait in SYN-RECEIVED: resend the SYN-ACK. */
		if (t->state == DP_TCP_STATE_SYN_RECEIVED && (s->flags & TCPF_SYN) &&
		    s->seq == t->irs) {
			tcp_send_syn(lc, t);
			goto drop;
		}
		if (seglen != 0)
			DP_CTR_INC(lc, tcp_rx_out_of_window);
		if (t->state == DP_TCP_STATE_TIME_WAIT && (s->flags & TCPF_FIN))
			tcp_timer_set(lc, t, DP_TCP_T_2MSL,
				      lc->now_us + 2 * (uint64_t)lc->tcp.conf->msl_us);
		t->flags |= TCB_F_ACK_NOW;
		if (t->state == DP_TCP_STATE_TIME_WAIT)
			tcp_send_ack(lc, t);
		else
			tcp_work_add(lc, t);
		goto drop;
	}
	/* Second step: RST (RFC 5961 §3.2). */
	if (s->flags & TCPF_RST) {
		if (s->seq != t->rcv_nxt) {
			challenge_ack(lc, t);
			goto drop;
		}
		DP_CTR_INC(lc, tcp_rst_rcvd);
		if (t->state == DP_TCP_STATE_TIME_WAIT) {
			tcp_tcb_free(lc, t); /* RFC 1337: harmless, but nothing is left to do */
		} else if (t->state == DP_TCP_STATE_SYN_RECEIVED && !(t->flags & TCB_F_ACTIVE)) {
			tcp_conn_done(lc, t, DP_TCP_CLOSE_RESET);
		} else {
			if (t->state >= DP_TCP_STATE_ESTABLISHED)
				DP_CTR_INC(lc, tcp_estab_resets);
			tcp_conn_done(lc, t,
				      t->state == DP_TCP_STATE_SYN_RECEIVED ? DP_TCP_CLOSE_REFUSED
									    : DP_TCP_CLOSE_RESET);
		}
		goto drop;
	}
	/* Fourth step: SYN in a synchronized state (RFC 5961 §4). */
	if (s->flags & TCPF_SYN) {
		if (t->state == DP_TCP_STATE_SYN_RECEIVED && s->seq == t->irs)
			tcp_send_syn(lc, t);
		else
			challenge_ack(lc, t);
		goto drop;
	}
	/* Fifth step: ACK. */
	if (!(s->flags & TCPF_ACK))
		goto drop;
	/* TS.Recent (RFC 7323 §4.3): from segments at or before the last ACK we sent. */
	if ((t->flags & TCB_F_TS_OK) && s->has_ts && seq_leq(s->seq, t->last_ack_sent)) {
		t->ts_recent = s->tsval;
		t->ts_recent_us = lc->now_us;
	}
	if (t->state == DP_TCP_STATE_SYN_RECEIVED) {
		if (!(seq_lt(t->snd_una, s->ack) && seq_leq(s->ack, t->snd_max))) {
			reply_rst(lc, s);
			goto drop;
		}
		t->snd_wnd = s->wnd << t->snd_wscale;
		t->max_snd_wnd = t->snd_wnd;
		t->snd_wl1 = s->seq;
		t->snd_wl2 = s->ack;
		if (t->rtt_start_us != 0 && t->syn_tries == 0)
			tcp_rtt_sample(lc, t, (uint32_t)(lc->now_us - t->rtt_start_us));
		t->rtt_start_us = 0;
		t->snd_una = s->ack;
		tcp_timer_set(lc, t, DP_TCP_T_RTO, 0);
		conn_established(lc, t);
		if (t->flags & TCB_F_ACTIVE) {
			tcp_event(lc, t, TCB_EV_CONNECTED);
		} else {
			DP_CTR_INC(lc, tcp_passive_opens);
			tcp_event(lc, t, TCB_EV_ACCEPTED);
		}
	} else if (!ack_input(lc, t, s)) {
		goto drop;
	}
	switch (t->state) {
	case DP_TCP_STATE_FIN_WAIT_1:
		if ((t->flags & TCB_F_FIN_SENT) && seq_gt(t->snd_una, t->fin_seq)) {
			tcp_set_state(lc, t, DP_TCP_STATE_FIN_WAIT_2);
			if (t->flags & TCB_F_APP_CLOSED)
				tcp_timer_set(lc, t, DP_TCP_T_2MSL,
					      lc->now_us + 2 * (uint64_t)lc->tcp.conf->msl_us);
		}
		break;
	case DP_TCP_STATE_CLOSING:
		if ((t->flags & TCB_F_FIN_SENT) && seq_gt(t->snd_una, t->fin_seq)) {
			tcp_set_state(lc, t, DP_TCP_STATE_TIME_WAIT);
			tcp_event(lc, t, TCB_EV_CLOSED);
		}
		goto drop;
	case DP_TCP_STATE_LAST_ACK:
		if ((t->flags & TCB_F_FIN_SENT) && seq_gt(t->snd_una, t->fin_seq))
			tcp_conn_done(lc, t, DP_TCP_CLOSE_NORMAL);
		goto drop;
	case DP_TCP_STATE_TIME_WAIT:
		if (s->flags & TCPF_FIN) {
			tcp_send_ack(lc, t);
			tcp_timer_set(lc, t, DP_TCP_T_2MSL,
				      lc->now_us + 2 * (uint64_t)lc->tcp.conf->msl_us);
		}
		goto drop;
	default:
		break;
	}
	/* Seventh and eighth steps: text and FIN, in ESTABLISHED, FIN_WAIT_1/2 only. */
	if (t->state != DP_TCP_STATE_ESTABLISHED && t->state != DP_TCP_STATE_FIN_WAIT_1 &&
	    t->state != DP_TCP_STATE_FIN_WAIT_2)
		goto drop;
	if (t->flags & TCB_F_FIN_RCVD)
		goto drop;
	/* Trim to the window: the part before RCV.NXT, then anything past the right edge. */
	if (seq_lt(s->seq, t->rcv_nxt)) {
		uint32_t skip = t->rcv_nxt - s->seq;

		if (skip > s->len) {
			/* Only the FIN (or nothing) is new. */
			skip = s->len;
		}
		rte_pktmbuf_adj(s->m, (uint16_t)skip);
		s->len -= skip;
		s->seq += skip;
	}
	if (seq_gt(s->seq + s->len, t->rcv_nxt + rwnd)) {
		uint32_t over = s->seq + s->len - (t->rcv_nxt + rwnd);

		if (over > s->len)
			over = s->len;
		rte_pktmbuf_trim(s->m, (uint16_t)over);
		s->len -= over;
		s->flags &= (uint8_t)~TCPF_FIN;
		DP_CTR_ADD(lc, tcp_rcv_overflow, over);
	}
	data_input(lc, t, s);
	return;
drop:
	rte_pktmbuf_free(s->m);
}

/* Is this segment for another lcore (RSS)? */
static bool
wrong_lcore(const struct dp_lcore *lc, const struct rte_mbuf *m)
{
	const struct dp_tcp_rss *r = &lc->tcp.rss;

	if (!r->enabled || !(m->ol_flags & RTE_MBUF_F_RX_RSS_HASH))
		return false;
	return r->reta[m->hash.rss & (uint32_t)(r->reta_size - 1)] != r->my_queue;
}

/*
 * Software steering (net_types.h): a segment for an ephemeral port another
 * lcore picks belongs to that lcore's active open. Hand it over whole
 * (Ethernet header restored); @return true if it went.
 */
static bool
steer_away(struct dp_lcore *lc, struct rte_mbuf *m)
{
	const struct dp_tcp_conf *c = lc->tcp.conf;
	const struct rte_tcp_hdr *th;
	uint16_t dport;
	uint8_t owner;

	if (lc->net.steer_n <= 1 || lc->net.in_handoff || c == NULL || m->nb_segs != 1 ||
	    rte_pktmbuf_data_len(m) < m->l3_len + sizeof(*th))
		return false;
	th = rte_pktmbuf_mtod_offset(m, const struct rte_tcp_hdr *, m->l3_len);
	dport = rte_be_to_cpu_16(th->dst_port);
	if (dport < c->eph_lo || dport > c->eph_hi)
		return false;
	owner = (uint8_t)(dport % lc->net.steer_n);
	if (owner == lc->net.steer_idx)
		return false;
	DP_CTR_INC(lc, tcp_wrong_lcore);
	if (rte_pktmbuf_prepend(m, m->l2_len) == NULL) {
		rte_pktmbuf_free(m);
		return true;
	}
	dp_net_steer(lc, owner, m);
	return true;
}

void
dp_tcp_input(struct dp_lcore *lc, struct rte_mbuf **pkts, uint16_t n)
{
	struct seg s;

	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		struct dp_tcb *t;
		int li;

		if (steer_away(lc, m))
			continue;
		DP_CTR_INC(lc, tcp_rx_segs);
		if (lc->tcp.tcbs == NULL || !parse(lc, m, &s)) {
			rte_pktmbuf_free(m);
			continue;
		}
		if (wrong_lcore(lc, m)) {
			DP_CTR_INC(lc, tcp_wrong_lcore);
			rte_pktmbuf_free(m);
			continue;
		}
		t = tcp_lookup(lc, s.daddr, s.dport, s.saddr, s.sport);
		if (t == NULL) {
			li = s.daddr == lc->net.ip ? tcp_listener_find(lc, s.dport) : -1;
			if (li >= 0) {
				listen_input(lc, li, &s);
			} else {
				DP_CTR_INC(lc, tcp_rx_no_conn);
				reply_rst(lc, &s);
			}
			rte_pktmbuf_free(m);
			continue;
		}
		t->segs_in++;
		t->last_rcv_us = lc->now_us;
		t->ka_probes = 0;
		if (t->state == DP_TCP_STATE_SYN_SENT) {
			syn_sent_input(lc, t, &s);
			rte_pktmbuf_free(m);
			continue;
		}
		sync_input(lc, t, &s); /* consumes m */
	}
	tcp_work_run(lc);
}

/* ---- deferred work ---- */

static void
deliver(struct dp_lcore *lc, struct dp_tcb *t)
{
	uint8_t ev = t->events;
	uint32_t h = tcp_tcb_handle(lc, t), gen = t->gen;
	const struct dp_tcp_app_ops *ops = t->ops;

	t->events = 0;
	if (ev & TCB_EV_ACCEPTED && !(t->flags & TCB_F_DEAD)) {
		void *ctx = NULL;
		void *arg = t->ctx;

		if (ops == NULL || ops->accepted == NULL || ops->accepted(lc, h, arg, &ctx) != 0) {
			tcp_send_rst_conn(lc, t);
			tcp_conn_done(lc, t, DP_TCP_CLOSE_ABORTED);
		} else {
			t->ctx = ctx;
			t->flags |= TCB_F_ACCEPTED;
		}
	}
	if (t->gen != gen)
		return;
	if (ev & TCB_EV_CONNECTED && !(t->flags & TCB_F_DEAD)) {
		t->flags |= TCB_F_ACCEPTED;
		if (ops != NULL && ops->connected != NULL)
			ops->connected(lc, h, t->ctx);
	}
	if (!(t->flags & (TCB_F_APP_CLOSED | TCB_F_DEAD)) && (t->flags & TCB_F_ACCEPTED)) {
		if ((ev & TCB_EV_READABLE) && ops->readable != NULL && t->gen == gen)
			ops->readable(lc, h, t->ctx);
		if ((ev & TCB_EV_PEER_FIN) && ops->peer_fin != NULL && t->gen == gen &&
		    !(t->flags & TCB_F_DEAD))
			ops->peer_fin(lc, h, t->ctx);
		if ((ev & TCB_EV_WRITABLE) && ops->writable != NULL && t->gen == gen &&
		    !(t->flags & TCB_F_DEAD))
			ops->writable(lc, h, t->ctx);
	}
	if (t->gen != gen)
		return;
	if ((t->events | ev) & TCB_EV_CLOSED) {
		t->events &= (uint8_t)~TCB_EV_CLOSED;
		if ((t->flags & (TCB_F_ACCEPTED | TCB_F_ACTIVE)) && ops != NULL && ops->closed != NULL)
			ops->closed(lc, h, t->ctx, t->flags & TCB_F_DEAD ? t->close_reason
									  : DP_TCP_CLOSE_NORMAL);
		if (t->flags & TCB_F_DEAD) {
			tcp_tcb_release(lc, t);
		} else {
			/* TIME_WAIT: the connection lingers, the application is done with it. */
			t->ops = NULL;
			t->ctx = NULL;
		}
	}
}

uint32_t
tcp_work_run(struct dp_lcore *lc)
{
	struct dp_tcp_lcore *tl = &lc->tcp;
	uint32_t done = 0, cap = tl->n_tcbs * 4 + 64;

	while (tl->work_head != DP_TCB_NONE && done < cap) {
		struct dp_tcb *t = &tl->tcbs[tl->work_head];
		uint32_t gen;

		tl->work_head = t->work_next;
		if (tl->work_head == DP_TCB_NONE)
			tl->work_tail = DP_TCB_NONE;
		t->work_next = DP_TCB_NONE;
		t->flags &= ~TCB_F_ON_WORK;
		done++;
		gen = t->gen;
		if (t->events != 0)
			deliver(lc, t);
		if (t->gen == gen && t->state != DP_TCP_STATE_CLOSED && !(t->flags & TCB_F_DEAD))
			tcp_output(lc, t);
	}
	return done;
}

uint32_t
dp_tcp_poll(struct dp_lcore *lc)
{
	uint32_t work;

	if (lc->tcp.tcbs == NULL)
		return 0;
	work = tcp_timers_run(lc);
	return work + tcp_work_run(lc);
}
