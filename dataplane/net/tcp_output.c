/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief TCP output: building segments, the send loop, and recovery sending.
 *
 * Every segment is one mbuf: TCP header, options, and a copy of at most one
 * MSS of payload from the send queue, with headroom left for IPv4 and
 * Ethernet (dp_ip4_output() adds them and the checksums). The send loop
 * (tcp_output) honours the peer's window, cwnd, Nagle (off by default) and
 * sender-side silly-window avoidance (RFC 9293 §3.8.6.2.1); during loss
 * recovery it follows RFC 6675 §5 (SACK: retransmit lost holes, then new
 * data, then other holes, while cwnd - pipe >= SMSS) or RFC 6582 (no SACK:
 * an inflated window for new data).
 *
 * Options: SYN and SYN-ACK carry MSS, SACK-permitted, timestamps and window
 * scale (a SYN-ACK only those the SYN offered, RFC 7323 §1.3, RFC 2018 §2);
 * other segments carry timestamps when negotiated and, on ACKs, up to 3 (with
 * timestamps) or 4 SACK blocks for out-of-order data (RFC 2018 §4).
 */
#include <string.h>

#include <rte_ip.h>
#include <rte_tcp.h>

#include "common/base/byteorder.h"
#include "dataplane/base/dp_ctr.h"
#include "dataplane/net/net.h"
#include "dataplane/net/tcp_int.h"

#define TCP_OPT_EOL 0
#define TCP_OPT_NOP 1
#define TCP_OPT_MSS 2
#define TCP_OPT_WS 3
#define TCP_OPT_SACK_PERM 4
#define TCP_OPT_SACK 5
#define TCP_OPT_TS 8
#define TCP_HDR_LEN 20
#define TCP_TS_OPT_LEN 12 /* NOP NOP TS(10) */

/* Timestamp clock: 1 ms ticks (RFC 7323 §5.4 recommends 1 ms to 1 s). */
static inline uint32_t
ts_now(const struct dp_lcore *lc)
{
	return (uint32_t)(lc->now_us / 1000);
}

uint32_t
tcp_eff_mss(const struct dp_tcb *t)
{
	uint32_t mss = t->smss < t->rmss ? t->smss : t->rmss;

	if (t->flags & TCB_F_TS_OK)
		mss -= TCP_TS_OPT_LEN;
	return mss;
}

/* The window field to send (RFC 7323 §2.3: scaled, never shrinking the right edge). */
static uint16_t
tcp_wnd_field(struct dp_lcore *lc, struct dp_tcb *t, bool syn)
{
	uint32_t wnd = tcp_rcv_window(lc, t), field;
	uint32_t buf = lc->tcp.conf->rcvbuf;
	uint32_t sws = buf / 2 < t->rmss ? buf / 2 : t->rmss;
	uint8_t ws = syn ? 0 : t->rcv_wscale;

	/* RFC 9293 §3.8.6: a window already offered is not withdrawn; and §3.8.6.2.2
	 * (receiver SWS avoidance): the right edge moves only by min(RCV.BUFF/2, MSS)
	 * or more. */
	if (seq_lt(t->rcv_nxt + wnd, t->rcv_adv + sws))
		wnd = seq_gt(t->rcv_adv, t->rcv_nxt) ? t->rcv_adv - t->rcv_nxt : 0;
	field = wnd >> ws;
	if (field > 65535)
		field = 65535;
	if (!syn && seq_gt(t->rcv_nxt + (field << ws), t->rcv_adv))
		t->rcv_adv = t->rcv_nxt + (field << ws);
	else if (syn)
		t->rcv_adv = t->rcv_nxt + field;
	return (uint16_t)field;
}

/* Write the timestamp option (with its two NOPs); return bytes written. */
static uint32_t
opt_ts(uint8_t *p, uint32_t tsval, uint32_t tsecr)
{
	p[0] = TCP_OPT_NOP;
	p[1] = TCP_OPT_NOP;
	p[2] = TCP_OPT_TS;
	p[3] = 10;
	be32_put(p + 4, tsval);
	be32_put(p + 8, tsecr);
	return TCP_TS_OPT_LEN;
}

/* Options for a non-SYN segment: timestamps, then SACK blocks if @p sack. */
static uint32_t
opt_data(struct dp_lcore *lc, const struct dp_tcb *t, uint8_t *p, bool sack)
{
	uint32_t len = 0;

	if (t->flags & TCB_F_TS_OK)
		len += opt_ts(p, ts_now(lc), t->ts_recent);
	if (sack && (t->flags & TCB_F_SACK_OK) && t->n_rcv_sack != 0) {
		uint32_t max = (t->flags & TCB_F_TS_OK) ? 3 : 4;
		uint32_t n = t->n_rcv_sack < max ? t->n_rcv_sack : max;

		p[len++] = TCP_OPT_NOP;
		p[len++] = TCP_OPT_NOP;
		p[len++] = TCP_OPT_SACK;
		p[len++] = (uint8_t)(2 + 8 * n);
		for (uint32_t i = 0; i < n; i++) {
			be32_put(p + len, t->rcv_sack[i].start);
			be32_put(p + len + 4, t->rcv_sack[i].end);
			len += 8;
		}
	}
	return len;
}

/* Allocate a segment mbuf with the TCP header at the data pointer and @p hlen bytes reserved. */
static struct rte_mbuf *
seg_alloc(struct dp_lcore *lc, uint32_t hlen, struct rte_tcp_hdr **th)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(lc->net.pool);

	if (m == NULL) {
		DP_CTR_INC(lc, tcp_nombuf);
		return NULL;
	}
	*th = (struct rte_tcp_hdr *)rte_pktmbuf_append(m, (uint16_t)hlen);
	if (*th == NULL) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	return m;
}

static void
seg_fill_hdr(struct rte_tcp_hdr *th, uint16_t lport, uint16_t rport, uint32_t seq, uint32_t ack,
	     uint8_t flags, uint16_t wnd, uint32_t hlen)
{
	th->src_port = rte_cpu_to_be_16(lport);
	th->dst_port = rte_cpu_to_be_16(rport);
	th->sent_seq = rte_cpu_to_be_32(seq);
	th->recv_ack = rte_cpu_to_be_32(ack);
	th->data_off = (uint8_t)((hlen / 4) << 4);
	th->tcp_flags = flags;
	th->rx_win = rte_cpu_to_be_16(wnd);
	th->cksum = 0;
	th->tcp_urp = 0;
}

/*
 * Copy @p len bytes of the send queue starting at sequence @p seq into @p dst.
 * The walk starts at the cached position when @p seq is not before it (new
 * data and most retransmissions go forward), else at the head; the position
 * of @p seq becomes the cached one.
 */
static void
sq_copy(struct dp_tcb *t, uint32_t seq, uint8_t *dst, uint32_t len)
{
	const struct rte_mbuf *m = t->sq_head;
	uint32_t base = t->snd_una - t->sq_off; /* sequence number of m's first byte */
	uint32_t off;

	if (t->sq_cur != NULL && seq_geq(seq, t->sq_cur_seq)) {
		m = t->sq_cur;
		base = t->sq_cur_seq;
	}
	off = seq - base;
	while (m != NULL && off >= m->data_len) {
		off -= m->data_len;
		base += m->data_len;
		m = m->next;
	}
	t->sq_cur = m;
	t->sq_cur_seq = base;
	while (len != 0 && m != NULL) {
		uint32_t n = m->data_len - off < len ? m->data_len - off : len;

		memcpy(dst, rte_pktmbuf_mtod_offset(m, const uint8_t *, off), n);
		dst += n;
		len -= n;
		off = 0;
		m = m->next;
	}
}

/* Note that an ACK for RCV.NXT goes out now: no delayed ACK is owed any more. */
static void
ack_sent(struct dp_lcore *lc, struct dp_tcb *t)
{
	t->last_ack_sent = t->rcv_nxt;
	t->segs_unacked = 0;
	t->flags &= ~TCB_F_ACK_NOW;
	if (t->tmr[DP_TCP_T_DELACK] != 0)
		tcp_timer_set(lc, t, DP_TCP_T_DELACK, 0);
}

/*
 * Send one segment of connection @p t: @p len payload bytes from the send
 * queue at @p seq, with @p flags (ACK is always set once synchronized).
 * Return false if no mbuf could be had.
 */
static bool
seg_send(struct dp_lcore *lc, struct dp_tcb *t, uint32_t seq, uint32_t len, uint8_t flags)
{
	uint8_t opts[40];
	uint32_t olen = opt_data(lc, t, opts, true), hlen;
	struct rte_tcp_hdr *th;
	struct rte_mbuf *m;

	/* Payload and options must fit the peer's MSS (RFC 6691): a full segment has no
	 * room for SACK blocks, which then ride on the next pure ACK instead. */
	if (len != 0 && olen > ((t->flags & TCB_F_TS_OK) ? TCP_TS_OPT_LEN : 0) &&
	    len + olen > (uint32_t)(t->smss < t->rmss ? t->smss : t->rmss))
		olen = opt_data(lc, t, opts, false);
	hlen = TCP_HDR_LEN + olen;
	m = seg_alloc(lc, hlen + len, &th);
	if (m == NULL)
		return false;
	seg_fill_hdr(th, t->lport, t->rport, seq, t->rcv_nxt, flags | RTE_TCP_ACK_FLAG,
		     tcp_wnd_field(lc, t, false), hlen);
	memcpy((uint8_t *)th + TCP_HDR_LEN, opts, olen);
	if (len != 0)
		sq_copy(t, seq, (uint8_t *)th + hlen, len);
	t->segs_out++;
	DP_CTR_INC(lc, tcp_tx_segs);
	ack_sent(lc, t);
	dp_ip4_output(lc, m, t->raddr, IPPROTO_TCP);
	return true;
}

void
tcp_send_ack(struct dp_lcore *lc, struct dp_tcb *t)
{
	if (seg_send(lc, t, t->snd_nxt, 0, 0))
		DP_CTR_INC(lc, tcp_acks_sent);
}

void
tcp_send_syn(struct dp_lcore *lc, struct dp_tcb *t)
{
	bool synack = t->state == DP_TCP_STATE_SYN_RECEIVED;
	bool ts = !synack || (t->flags & TCB_F_TS_OK);
	bool sack = !synack || (t->flags & TCB_F_SACK_OK);
	bool ws = !synack || (t->flags & TCB_F_WS_OK);
	struct rte_tcp_hdr *th;
	struct rte_mbuf *m;
	uint8_t *p;
	uint32_t olen = 4 + (sack ? 2 : 0) + (ts ? 10 : 0) + (ws ? 3 : 0), hlen;

	olen = (olen + 3) & ~3u;
	hlen = TCP_HDR_LEN + olen;
	m = seg_alloc(lc, hlen, &th);
	if (m == NULL)
		return;
	seg_fill_hdr(th, t->lport, t->rport, t->iss,
		     synack ? t->rcv_nxt : 0, synack ? RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG : RTE_TCP_SYN_FLAG,
		     tcp_wnd_field(lc, t, true), hlen);
	p = (uint8_t *)th + TCP_HDR_LEN;
	memset(p, TCP_OPT_NOP, olen);
	p[0] = TCP_OPT_MSS;
	p[1] = 4;
	be16_put(p + 2, t->rmss);
	p += 4;
	if (sack) {
		p[0] = TCP_OPT_SACK_PERM;
		p[1] = 2;
		p += 2;
	}
	if (ts) {
		p[0] = TCP_OPT_TS;
		p[1] = 10;
		be32_put(p + 2, ts_now(lc));
		be32_put(p + 6, synack ? t->ts_recent : 0);
		p += 10;
	}
	if (ws) {
		p[0] = TCP_OPT_WS;
		p[1] = 3;
		p[2] = t->rcv_wscale;
	}
	t->snd_nxt = t->iss + 1;
	if (seq_lt(t->snd_max, t->snd_nxt))
		t->snd_max = t->snd_nxt;
	t->segs_out++;
	DP_CTR_INC(lc, tcp_tx_segs);
	if (synack)
		t->last_ack_sent = t->rcv_nxt;
	if (t->rtt_start_us == 0 && t->syn_tries == 0) {
		t->rtt_start_us = lc->now_us;
		t->rtt_seq = t->iss;
	}
	if (t->tmr[DP_TCP_T_RTO] == 0)
		tcp_timer_set(lc, t, DP_TCP_T_RTO, lc->now_us + t->rto_us);
	dp_ip4_output(lc, m, t->raddr, IPPROTO_TCP);
}

void
tcp_send_ctl(struct dp_lcore *lc, uint32_t laddr, uint16_t lport, uint32_t raddr, uint16_t rport,
	     uint32_t seq, uint32_t ack, uint8_t flags)
{
	struct rte_tcp_hdr *th;
	struct rte_mbuf *m = seg_alloc(lc, TCP_HDR_LEN, &th);

	(void)laddr;
	if (m == NULL)
		return;
	seg_fill_hdr(th, lport, rport, seq, ack, flags, 0, TCP_HDR_LEN);
	if (flags & RTE_TCP_RST_FLAG)
		DP_CTR_INC(lc, tcp_rst_sent);
	DP_CTR_INC(lc, tcp_tx_segs);
	dp_ip4_output(lc, m, raddr, IPPROTO_TCP);
}

void
tcp_send_rst_conn(struct dp_lcore *lc, struct dp_tcb *t)
{
	tcp_send_ctl(lc, t->laddr, t->lport, t->raddr, t->rport, t->snd_nxt, t->rcv_nxt,
		     RTE_TCP_RST_FLAG | RTE_TCP_ACK_FLAG);
}

void
tcp_send_synack_cookie(struct dp_lcore *lc, uint32_t laddr, uint16_t lport, uint32_t raddr,
		       uint16_t rport, uint32_t iss, uint32_t irs, uint16_t mss)
{
	struct rte_tcp_hdr *th;
	struct rte_mbuf *m = seg_alloc(lc, TCP_HDR_LEN + 4, &th);
	uint8_t *p;

	(void)laddr;
	if (m == NULL)
		return;
	/* RFC 4987 §3.6: a cookie carries no window scale, SACK or timestamps. */
	seg_fill_hdr(th, lport, rport, iss, irs + 1, RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG, 65535,
		     TCP_HDR_LEN + 4);
	p = (uint8_t *)th + TCP_HDR_LEN;
	p[0] = TCP_OPT_MSS;
	p[1] = 4;
	be16_put(p + 2, mss);
	DP_CTR_INC(lc, tcp_syncookies_sent);
	DP_CTR_INC(lc, tcp_tx_segs);
	dp_ip4_output(lc, m, raddr, IPPROTO_TCP);
}

/* End of the data (and the FIN's sequence number when one is queued). */
static inline uint32_t
data_end(const struct dp_tcb *t)
{
	return t->snd_una + t->sq_len;
}

/* Send @p len bytes at @p seq, adding FIN when the segment ends the data and a FIN is queued. */
static bool
send_range(struct dp_lcore *lc, struct dp_tcb *t, uint32_t seq, uint32_t len, bool rexmit)
{
	uint8_t flags = 0;
	uint32_t end = seq + len;

	if ((t->flags & TCB_F_FIN_QUEUED) && end == data_end(t))
		flags |= RTE_TCP_FIN_FLAG;
	if (len != 0 && end == data_end(t))
		flags |= RTE_TCP_PSH_FLAG;
	if (!seg_send(lc, t, seq, len, flags))
		return false;
	if (flags & RTE_TCP_FIN_FLAG) {
		end++;
		if (!(t->flags & TCB_F_FIN_SENT)) {
			t->flags |= TCB_F_FIN_SENT;
			t->fin_seq = data_end(t);
			if (t->state == DP_TCP_STATE_ESTABLISHED ||
			    t->state == DP_TCP_STATE_SYN_RECEIVED)
				tcp_set_state(lc, t, DP_TCP_STATE_FIN_WAIT_1);
			else if (t->state == DP_TCP_STATE_CLOSE_WAIT)
				tcp_set_state(lc, t, DP_TCP_STATE_LAST_ACK);
		}
	}
	if (rexmit) {
		t->retrans_segs++;
		DP_CTR_INC(lc, tcp_retrans_segs);
	}
	/* Karn (RFC 6298 §3): time only segments sent once; one at a time. */
	if (!rexmit && t->rtt_start_us == 0 && seq_geq(seq, t->snd_max)) {
		t->rtt_start_us = lc->now_us;
		t->rtt_seq = seq;
	}
	if (seq_gt(end, t->snd_max)) {
		t->snd_max = end;
		dp_tcp_xmit_add(&t->xr, end, lc->now_us); /* RFC 8985 §6.1 Segment.xmit_ts */
	}
	if (t->tmr[DP_TCP_T_RTO] == 0)
		tcp_timer_rearm_rto(lc, t); /* and the tail-loss probe */
	return true;
}

void
tcp_retransmit(struct dp_lcore *lc, struct dp_tcb *t, uint32_t seq)
{
	uint32_t mss = tcp_eff_mss(t), end = data_end(t), len;

	if (seq_geq(seq, end)) {
		/* Only the FIN is outstanding. */
		if ((t->flags & TCB_F_FIN_SENT) && seq == end)
			send_range(lc, t, end, 0, true);
		return;
	}
	len = end - seq < mss ? end - seq : mss;
	send_range(lc, t, seq, len, true);
}

/* Usable bytes of new data under window @p wnd (RFC 5681 / RFC 9293 §3.8.6.2.1). */
static uint32_t
new_data_allowance(const struct dp_tcb *t, uint32_t wnd)
{
	uint32_t limit = t->snd_una + wnd;

	return seq_gt(limit, t->snd_nxt) ? limit - t->snd_nxt : 0;
}

/*
 * Loss recovery with SACK, RFC 6675 §5 (C): while cwnd - pipe >= SMSS, send
 * what NextSeg() chooses, after any retransmission found lost (tcp_sack.h).
 * Returns segments sent.
 */
static uint32_t
output_sack_recovery(struct dp_lcore *lc, struct dp_tcb *t)
{
	uint32_t mss = tcp_eff_mss(t), sent = 0;
	bool resent = false;

	for (uint32_t guard = 0; guard < 64; guard++) {
		uint32_t pipe = dp_tcp_sack_sb_pipe(&t->sb, t->snd_una, t->snd_max, t->high_rxt, mss);
		uint32_t gone = dp_tcp_rxt_lost_bytes(&t->rxt);
		struct dp_tcp_rxt *r = NULL;
		uint32_t seq, len;
		bool rexmit = true;

		/* SetPipe() counts every retransmission as in flight; one found lost is not. */
		pipe -= gone < pipe ? gone : pipe;
		/* A recovery probe (tcp_timer.c) goes out whatever cwnd says, as a tail-loss
		 * probe does (RFC 8985 §7.3): one segment per PTO. */
		if (pipe + mss > t->cc.cwnd && !(sent == 0 && (t->flags & TCB_F_RXT_PROBE)))
			break;
		/* First a retransmission found lost (tcp_sack.h), the oldest hole of all. */
		r = dp_tcp_rxt_next_lost(&t->rxt, t->snd_una, &seq, &len);
		/* Rule 1: a lost hole above HighRxt. */
		if (r == NULL &&
		    !dp_tcp_sack_sb_next_seg(&t->sb, t->snd_una, t->snd_max, t->high_rxt, mss, false,
					     &seq, &len)) {
			/* Rule 2: new data, within the peer's window. */
			uint32_t avail = seq_lt(t->snd_nxt, data_end(t)) ? data_end(t) - t->snd_nxt : 0;

			len = avail < mss ? avail : mss;
			if (len != 0 && seq_geq(t->snd_nxt, t->snd_max) &&
			    len <= new_data_allowance(t, t->snd_wnd)) {
				seq = t->snd_nxt;
				rexmit = false;
			} else if (!dp_tcp_sack_sb_next_seg(&t->sb, t->snd_una, t->snd_max,
							    t->high_rxt, mss, true, &seq, &len)) {
				break; /* Rule 3 (a hole not yet deemed lost) found nothing either. */
			}
		}
		if (!send_range(lc, t, seq, len, rexmit))
			break;
		sent++;
		resent |= rexmit;
		if (r != NULL) {
			r->lost = 0;
			r->mark = t->snd_max;
			r->xmit_us = lc->now_us;
			DP_CTR_INC(lc, tcp_rxt_lost);
		} else if (rexmit) {
			t->high_rxt = seq + len - 1; /* inclusive: the last byte resent */
			dp_tcp_rxt_add(&t->rxt, seq, seq + len, t->snd_max, lc->now_us);
		} else {
			t->snd_nxt += len;
			if ((t->flags & TCB_F_FIN_SENT) && t->snd_nxt == t->fin_seq)
				t->snd_nxt++;
		}
	}
	t->flags &= ~TCB_F_RXT_PROBE;
	if (resent)
		tcp_timer_arm_probe(lc, t); /* one PTO for these retransmissions (tcp_timer.c) */
	return sent;
}

void
tcp_output(struct dp_lcore *lc, struct dp_tcb *t)
{
	uint32_t mss, wnd, sent = 0;
	bool held = false;

	if (t->state == DP_TCP_STATE_CLOSED || t->state == DP_TCP_STATE_LISTEN ||
	    t->state == DP_TCP_STATE_TIME_WAIT || (t->flags & TCB_F_DEAD))
		return;
	if (t->state == DP_TCP_STATE_SYN_SENT || t->state == DP_TCP_STATE_SYN_RECEIVED) {
		if (t->flags & TCB_F_ACK_NOW && t->state == DP_TCP_STATE_SYN_RECEIVED)
			tcp_send_syn(lc, t); /* duplicate SYN: answer with the SYN-ACK again */
		t->flags &= ~TCB_F_ACK_NOW;
		return;
	}
	mss = tcp_eff_mss(t);
	if ((t->flags & (TCB_F_RECOVERY | TCB_F_SACK_OK)) == (TCB_F_RECOVERY | TCB_F_SACK_OK))
		sent += output_sack_recovery(lc, t);
	else
		for (uint32_t guard = 0; guard < 1024; guard++) {
			uint32_t end = data_end(t), avail, len, allow;
			bool fin_due;

			wnd = (t->flags & TCB_F_RECOVERY) ? t->cwnd_rec : t->cc.cwnd;
			/* RFC 3042 limited transmit: one new segment for each of the first two
			 * duplicate ACKs, beyond cwnd, so that a small window still collects
			 * DupThresh of them (new data only: SND.NXT at SND.MAX). */
			if (!(t->flags & TCB_F_RECOVERY) && t->dupacks != 0 && t->snd_nxt == t->snd_max)
				wnd += (t->dupacks < 2 ? t->dupacks : 2) * mss;
			if (t->snd_wnd < wnd)
				wnd = t->snd_wnd;
			avail = seq_lt(t->snd_nxt, end) ? end - t->snd_nxt : 0;
			fin_due = (t->flags & TCB_F_FIN_QUEUED) && t->snd_nxt == end &&
				  (!(t->flags & TCB_F_FIN_SENT) || seq_leq(t->snd_nxt, t->fin_seq));
			if (avail == 0) {
				if (fin_due && send_range(lc, t, end, 0, (t->flags & TCB_F_FIN_SENT) != 0)) {
					t->snd_nxt = end + 1;
					sent++;
				}
				break;
			}
			allow = new_data_allowance(t, wnd);
			len = avail < mss ? avail : mss;
			if (len > allow) {
				/* Sender SWS avoidance: a partial segment only if it is at least half
				 * the largest window the peer offered, or once the override timer
				 * (the persist timer) fired (RFC 9293 §3.8.6.2.1). */
				if (allow == 0 ||
				    (allow < t->max_snd_wnd / 2 && !(t->flags & TCB_F_SWS_OVERRIDE))) {
					held = true;
					break;
				}
				len = allow;
				t->flags &= ~TCB_F_SWS_OVERRIDE;
			}
			/* Nagle (RFC 9293 §3.7.4) when enabled: hold a short segment while data is unacknowledged. */
			if (len < mss && len == avail && !(t->flags & TCB_F_NODELAY) &&
			    t->snd_una != t->snd_max && !(t->flags & TCB_F_FIN_QUEUED))
				break;
			if (!send_range(lc, t, t->snd_nxt, len, seq_lt(t->snd_nxt, t->snd_max)))
				break;
			if (!(t->flags & TCB_F_RECOVERY) && t->snd_nxt + len - t->snd_una > t->cc.cwnd)
				DP_CTR_INC(lc, tcp_limited_transmit);
			t->snd_nxt += len;
			if ((t->flags & TCB_F_FIN_SENT) && t->snd_nxt == t->fin_seq &&
			    t->snd_nxt == data_end(t))
				t->snd_nxt++; /* the FIN rode on this segment */
			sent++;
		}
	/* RFC 8985 §7.2: the PTO restarts once new data has left. */
	if (sent != 0 && !(t->flags & TCB_F_RECOVERY))
		tcp_timer_arm_probe(lc, t);
	if (sent == 0 && (t->flags & TCB_F_ACK_NOW))
		tcp_send_ack(lc, t);
	/* Data held back by a closed or small window with nothing in flight: no ACK will come
	 * to restart output, so the persist timer probes a zero window (RFC 9293 §3.8.6.1)
	 * or overrides silly-window avoidance (§3.8.6.2.1 (4)). */
	if ((t->snd_wnd == 0 || held) && seq_lt(t->snd_nxt, data_end(t)) &&
	    t->snd_una == t->snd_max && t->tmr[DP_TCP_T_PERSIST] == 0) {
		uint64_t d = (uint64_t)t->rto_us << (t->persist_backoff < 6 ? t->persist_backoff : 6);

		tcp_timer_set(lc, t, DP_TCP_T_PERSIST, lc->now_us + d);
	}
}

void
tcp_send_tlp(struct dp_lcore *lc, struct dp_tcb *t)
{
	uint32_t mss = tcp_eff_mss(t), end = data_end(t);
	uint32_t avail = seq_lt(t->snd_nxt, end) ? end - t->snd_nxt : 0;
	uint32_t len = avail < mss ? avail : mss;
	bool sent;

	/* RFC 8985 §7.3: new data if there is some and the peer's window takes it
	 * (cwnd does not apply to the probe), else the highest segment sent. */
	if (len != 0 && t->snd_nxt == t->snd_max && len <= new_data_allowance(t, t->snd_wnd)) {
		sent = send_range(lc, t, t->snd_nxt, len, false);
		if (sent) {
			t->snd_nxt += len;
			if ((t->flags & TCB_F_FIN_SENT) && t->snd_nxt == t->fin_seq)
				t->snd_nxt++;
		}
	} else {
		/* The last data segment; tcp_retransmit() adds our FIN if it is outstanding. */
		uint32_t top = ((t->flags & TCB_F_FIN_SENT) && t->snd_max == t->fin_seq + 1) ?
				       t->fin_seq : t->snd_max;
		uint32_t data = top - t->snd_una;

		t->rtt_start_us = 0; /* Karn */
		tcp_retransmit(lc, t, top - (data < mss ? data : mss));
		sent = true;
	}
	if (!sent)
		return;
	t->tlp_n++;
	t->tlp_high = t->snd_max;
	DP_CTR_INC(lc, tcp_tlp_probes);
	/* §7.3: the RTO runs from the probe. */
	tcp_timer_rearm_rto(lc, t);
}

void
tcp_send_zwp(struct dp_lcore *lc, struct dp_tcb *t)
{
	/* An ACK with SEQ = SND.UNA - 1 makes the peer answer with its current window
	 * without this side committing data beyond the window (RFC 9293 §3.8.6.1 allows
	 * either; this keeps probing indefinitely without touching the RTO). */
	if (seg_send(lc, t, t->snd_una - 1, 0, 0))
		DP_CTR_INC(lc, tcp_zwp_sent);
}

void
tcp_send_keepalive(struct dp_lcore *lc, struct dp_tcb *t)
{
	if (seg_send(lc, t, t->snd_una - 1, 0, 0))
		DP_CTR_INC(lc, tcp_keepalive_sent);
}
