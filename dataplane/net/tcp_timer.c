/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief TCP timers on a per-lcore wheel, and the RFC 6298 RTO estimator.
 *
 * Each tcb keeps one deadline per timer kind and sits on the wheel once, at
 * the earliest. The wheel has DP_TCP_WHEEL_SLOTS slots of 1 ms; a deadline
 * beyond the wheel's span is parked at the last slot of the span and
 * re-parked when visited, so every tcb found in a visited slot is either due
 * (its timers fire) or moved elsewhere, and a slot visit always empties it.
 * A timer set for "now" or the past goes to the next tick, never the slot
 * being visited, so a visit terminates. Work per dp_tcp_poll() is bounded by
 * DP_TCP_TIMERS_PER_POLL tcbs and DP_TCP_WHEEL_SLOTS slots.
 */
#include <string.h>

#include "dataplane/base/dp_ctr.h"
#include "dataplane/net/tcp_int.h"

static void
wheel_unlink(struct dp_lcore *lc, struct dp_tcb *t)
{
	struct dp_tcp_lcore *tl = &lc->tcp;
	uint32_t slot = (uint32_t)(t->wheel_tick & (DP_TCP_WHEEL_SLOTS - 1));

	if (t->wheel_tick == 0)
		return;
	if (t->wheel_prev == DP_TCB_NONE)
		tl->wheel->slot[slot] = t->wheel_next;
	else
		tl->tcbs[t->wheel_prev].wheel_next = t->wheel_next;
	if (t->wheel_next != DP_TCB_NONE)
		tl->tcbs[t->wheel_next].wheel_prev = t->wheel_prev;
	t->wheel_prev = t->wheel_next = DP_TCB_NONE;
	t->wheel_tick = 0;
}

static uint64_t
earliest(const struct dp_tcb *t)
{
	uint64_t m = 0;

	for (int k = 0; k < DP_TCP_T__COUNT; k++)
		if (t->tmr[k] != 0 && (m == 0 || t->tmr[k] < m))
			m = t->tmr[k];
	return m;
}

static void
wheel_place(struct dp_lcore *lc, struct dp_tcb *t)
{
	struct dp_tcp_wheel *w = lc->tcp.wheel;
	uint64_t when = earliest(t), tick;
	uint32_t slot, idx = tcp_tcb_index(lc, t);

	wheel_unlink(lc, t);
	if (when == 0)
		return;
	tick = when / DP_TCP_WHEEL_TICK_US;
	if (tick <= w->cur_tick)
		tick = w->cur_tick + 1;
	if (tick > w->cur_tick + DP_TCP_WHEEL_SLOTS - 1)
		tick = w->cur_tick + DP_TCP_WHEEL_SLOTS - 1;
	slot = (uint32_t)(tick & (DP_TCP_WHEEL_SLOTS - 1));
	t->wheel_tick = tick;
	t->wheel_prev = DP_TCB_NONE;
	t->wheel_next = w->slot[slot];
	if (t->wheel_next != DP_TCB_NONE)
		lc->tcp.tcbs[t->wheel_next].wheel_prev = idx;
	w->slot[slot] = idx;
}

void
tcp_timer_set(struct dp_lcore *lc, struct dp_tcb *t, enum dp_tcp_timer k, uint64_t when_us)
{
	t->tmr[k] = when_us;
	wheel_place(lc, t);
}

void
tcp_timer_stop_all(struct dp_lcore *lc, struct dp_tcb *t)
{
	memset(t->tmr, 0, sizeof(t->tmr));
	wheel_unlink(lc, t);
}

/*
 * The probe timer (DP_TCP_T_TLP), one probe timeout (PTO) of 2 SRTT, floored
 * at tlp_min_us, and only if it comes before the RTO. With SACK and an RTT
 * measured it serves two purposes:
 *  - the RFC 8985 §7 tail-loss probe, when no ACK has come for a PTO: outside
 *    recovery, or inside it with nothing retransmitted outstanding and no
 *    SACK information (the ACKs for what recovery sent were lost). With less
 *    than two full-sized segments in flight the receiver may hold its ACK
 *    (RFC 5681 §4.2), so the PTO grows by WCDelAckT (§7.2) and in practice
 *    the RTO comes first: a lone small segment, the common case of a quiet
 *    Tor channel, is not sent twice for a delayed ACK. Up to DP_TCP_TLP_MAX
 *    probes per episode, a PTO apart (§7.3 has one). When the probe follows
 *    a lost ACK, it is one new in-order segment, whose ACK the receiver may
 *    hold (Linux does for 40 ms); the second probe makes two full-sized
 *    segments, which it must acknowledge at once, or shows it a hole if the
 *    first was lost. The episode ends when an ACK covers the last probe
 *    (§7.4), on recovery or RTO;
 *  - in SACK recovery with retransmissions outstanding, a probe for a lost
 *    retransmission: a PTO without progress means the oldest one is lost
 *    (what RACK's reordering timer concludes, RFC 8985 §6.3, when nothing
 *    sent later is left in flight to reveal it). Without it a small window
 *    that loses its retransmission sits idle until the RTO. With no
 *    retransmission outstanding (a partial ACK took them) but data SACKed
 *    above SND.UNA, the segment at SND.UNA is the one deemed lost. The
 *    segment the probe releases goes out even when cwnd is full (one per
 *    PTO, as a tail-loss probe ignores cwnd, RFC 8985 §7.3): otherwise a
 *    pipe that still counts the lost segments keeps it back until the RTO.
 */
static bool
rxt_probe_due(const struct dp_tcb *t)
{
	return (t->flags & TCB_F_RECOVERY) && (t->rxt.n != 0 || t->sb.n != 0);
}

static uint64_t
tlp_deadline(struct dp_lcore *lc, const struct dp_tcb *t, uint64_t rto_at)
{
	uint64_t pto = 2 * (uint64_t)t->srtt_us;

	if (lc->tcp.conf->tlp_min_us == 0 || t->srtt_us == 0 || !(t->flags & TCB_F_SACK_OK) ||
	    (t->state != DP_TCP_STATE_ESTABLISHED && t->state != DP_TCP_STATE_CLOSE_WAIT))
		return 0;
	if (pto < lc->tcp.conf->tlp_min_us)
		pto = lc->tcp.conf->tlp_min_us;
	if (!rxt_probe_due(t)) {
		if (t->tlp_n >= DP_TCP_TLP_MAX)
			return 0;
		if (t->snd_max - t->snd_una < 2 * (uint32_t)tcp_eff_mss(t))
			pto += DP_TCP_TLP_WCDELACK_US;
	}
	return lc->now_us + pto < rto_at ? lc->now_us + pto : 0;
}

void
tcp_timer_arm_probe(struct dp_lcore *lc, struct dp_tcb *t)
{
	uint64_t rto_at = t->tmr[DP_TCP_T_RTO] != 0 ? t->tmr[DP_TCP_T_RTO] : UINT64_MAX;
	uint64_t at = tlp_deadline(lc, t, rto_at);

	if (at != t->tmr[DP_TCP_T_TLP])
		tcp_timer_set(lc, t, DP_TCP_T_TLP, at);
}

void
tcp_timer_rearm_rto(struct dp_lcore *lc, struct dp_tcb *t)
{
	bool outstanding = t->snd_una != t->snd_max;
	uint64_t rto_at = outstanding ? lc->now_us + t->rto_us : 0;

	t->tmr[DP_TCP_T_TLP] = outstanding ? tlp_deadline(lc, t, rto_at) : 0;
	tcp_timer_set(lc, t, DP_TCP_T_RTO, rto_at);
}

void
tcp_rtt_sample(struct dp_lcore *lc, struct dp_tcb *t, uint32_t r)
{
	if (r == 0)
		r = 1;
	if (t->min_rtt_us == 0 || r < t->min_rtt_us)
		t->min_rtt_us = r;
	if (t->srtt_us == 0) {
		/* RFC 6298 §2.2 */
		t->srtt_us = r;
		t->rttvar_us = r / 2;
	} else {
		/* RFC 6298 §2.3, alpha = 1/8, beta = 1/4 */
		uint32_t diff = t->srtt_us > r ? t->srtt_us - r : r - t->srtt_us;

		t->rttvar_us = (3 * t->rttvar_us + diff) / 4;
		t->srtt_us = (7 * t->srtt_us + r) / 8;
	}
	tcp_rto_restore(lc, t);
}

void
tcp_rto_restore(struct dp_lcore *lc, struct dp_tcb *t)
{
	const struct dp_tcp_conf *c = lc->tcp.conf;
	uint32_t k = 4 * t->rttvar_us, rto;

	if (t->srtt_us == 0) {
		t->rto_us = c->rto_init_us;
		return;
	}
	/* RTO = SRTT + max(G, K*RTTVAR), clock granularity G = 1 ms, K = 4; bounded (§2.4, §2.5). */
	rto = t->srtt_us + (k > 1000 ? k : 1000);
	if (rto < c->rto_min_us)
		rto = c->rto_min_us;
	if (rto > c->rto_max_us)
		rto = c->rto_max_us;
	t->rto_us = rto;
}

static void
backoff_rto(struct dp_lcore *lc, struct dp_tcb *t)
{
	uint64_t rto = (uint64_t)t->rto_us * 2; /* RFC 6298 §5.5 */

	t->rto_us = rto > lc->tcp.conf->rto_max_us ? lc->tcp.conf->rto_max_us : (uint32_t)rto;
}

static void
on_rto(struct dp_lcore *lc, struct dp_tcb *t)
{
	const struct dp_tcp_conf *c = lc->tcp.conf;
	uint32_t flight = t->snd_max - t->snd_una;

	t->rtt_start_us = 0; /* Karn: no sample across a retransmission */
	if (t->state == DP_TCP_STATE_SYN_SENT || t->state == DP_TCP_STATE_SYN_RECEIVED) {
		if (++t->syn_tries > c->syn_retries) {
			tcp_conn_done(lc, t, DP_TCP_CLOSE_TIMEOUT);
			return;
		}
		backoff_rto(lc, t);
		t->retrans_segs++;
		DP_CTR_INC(lc, tcp_retrans_segs);
		tcp_send_syn(lc, t);
		return;
	}
	if (t->snd_una == t->snd_max)
		return;
	if (++t->rto_backoff > c->data_retries) {
		tcp_send_rst_conn(lc, t);
		tcp_conn_done(lc, t, DP_TCP_CLOSE_TIMEOUT);
		return;
	}
	t->rto_count++;
	DP_CTR_INC(lc, tcp_rto);
	/* RFC 5681 §3.1 (5) and (6): loss window, then slow start from SND.UNA. */
	t->cc_ops->on_rto(&t->cc, flight, t->rto_backoff == 1, lc->now_us);
	backoff_rto(lc, t);
	t->flags &= ~TCB_F_RECOVERY;
	t->tlp_n = 0;
	t->tmr[DP_TCP_T_TLP] = 0;
	t->dupacks = 0;
	dp_tcp_rxt_reset(&t->rxt);
	/* RFC 6582 §4: recover is the highest sequence number sent, so that no fast
	 * retransmit (§3.2 step 2) repeats data sent before the timeout, while data sent
	 * after it, from SND.MAX on, may be. */
	t->recover = t->snd_max - 1;
	/* RFC 2018 §8: after a timeout, SACK information may not be relied on. */
	dp_tcp_sack_sb_reset(&t->sb);
	t->high_rxt = t->snd_una - 1;
	t->snd_nxt = t->snd_una;
	tcp_retransmit(lc, t, t->snd_una);
	t->snd_nxt = t->snd_una + ((t->sq_len < tcp_eff_mss(t)) ? t->sq_len : tcp_eff_mss(t));
	if ((t->flags & TCB_F_FIN_SENT) && t->snd_nxt == t->fin_seq)
		t->snd_nxt++;
	tcp_timer_set(lc, t, DP_TCP_T_RTO, lc->now_us + t->rto_us);
}

static void
on_timer(struct dp_lcore *lc, struct dp_tcb *t, enum dp_tcp_timer k)
{
	const struct dp_tcp_conf *c = lc->tcp.conf;

	switch (k) {
	case DP_TCP_T_RTO:
		on_rto(lc, t);
		break;
	case DP_TCP_T_DELACK:
		if (t->last_ack_sent != t->rcv_nxt || t->segs_unacked != 0) {
			DP_CTR_INC(lc, tcp_delayed_acks);
			tcp_send_ack(lc, t);
		}
		break;
	case DP_TCP_T_PERSIST:
		if (t->snd_una != t->snd_max || t->sq_len == 0)
			break;
		if (t->snd_wnd != 0) {
			/* A small window: send what fits (SWS override), then normal output. */
			t->flags |= TCB_F_SWS_OVERRIDE;
			tcp_output(lc, t);
			break;
		}
		tcp_send_zwp(lc, t);
		if (t->persist_backoff < 6)
			t->persist_backoff++;
		tcp_timer_set(lc, t, DP_TCP_T_PERSIST,
			      lc->now_us + ((uint64_t)t->rto_us << t->persist_backoff));
		break;
	case DP_TCP_T_KEEPALIVE:
		if (c->keepalive_idle_us == 0 || t->state != DP_TCP_STATE_ESTABLISHED)
			break;
		if (lc->now_us - t->last_rcv_us < c->keepalive_idle_us) {
			tcp_timer_set(lc, t, DP_TCP_T_KEEPALIVE, t->last_rcv_us + c->keepalive_idle_us);
			break;
		}
		if (t->ka_probes >= c->keepalive_probes) {
			tcp_send_rst_conn(lc, t);
			tcp_conn_done(lc, t, DP_TCP_CLOSE_TIMEOUT);
			break;
		}
		t->ka_probes++;
		tcp_send_keepalive(lc, t);
		tcp_timer_set(lc, t, DP_TCP_T_KEEPALIVE, lc->now_us + c->keepalive_intvl_us);
		break;
	case DP_TCP_T_TLP:
		if (t->snd_una == t->snd_max || !(t->flags & TCB_F_SACK_OK))
			break;
		if (!rxt_probe_due(t)) {
			if (t->tlp_n < DP_TCP_TLP_MAX)
				tcp_send_tlp(lc, t);
			break;
		}
		/* Recovery: the oldest retransmission still unanswered is lost. */
		for (uint32_t i = 0; i < t->rxt.n; i++) {
			if (!t->rxt.e[i].lost) {
				t->rxt.e[i].lost = 1;
				t->rxt.lost_total++;
				break;
			}
		}
		if (t->rxt.n == 0 && t->sb.n != 0) {
			/* None outstanding (a partial ACK took them), yet data above SND.UNA was
			 * SACKed a PTO ago: the segment at SND.UNA, sent before it, is lost
			 * (RFC 8985 §6.3, the reordering timer's conclusion). */
			uint32_t mss = tcp_eff_mss(t);
			uint32_t len = t->sq_len < mss ? t->sq_len : mss;

			if (len != 0) {
				dp_tcp_rxt_add(&t->rxt, t->snd_una, t->snd_una + len, t->snd_max,
					       lc->now_us);
				t->rxt.e[t->rxt.n - 1].lost = 1;
				t->rxt.lost_total++;
				if (seq_lt(t->high_rxt, t->snd_una + len - 1))
					t->high_rxt = t->snd_una + len - 1;
			}
		}
		t->flags |= TCB_F_RXT_PROBE;
		tcp_output(lc, t);
		t->flags &= ~TCB_F_RXT_PROBE;
		tcp_timer_arm_probe(lc, t);
		break;
	case DP_TCP_T_REO:
		tcp_rack_detect(lc, t);
		if (t->flags & TCB_F_RECOVERY)
			tcp_output(lc, t);
		break;
	case DP_TCP_T_2MSL:
		if (t->state == DP_TCP_STATE_TIME_WAIT)
			tcp_tcb_free(lc, t);
		else if (t->state == DP_TCP_STATE_FIN_WAIT_2 && (t->flags & TCB_F_APP_CLOSED))
			tcp_conn_done(lc, t, DP_TCP_CLOSE_NORMAL);
		break;
	default:
		break;
	}
}

/* Fire every due timer of @p t (in kind order), then re-place it. */
static void
fire(struct dp_lcore *lc, struct dp_tcb *t)
{
	uint32_t gen = t->gen;

	for (int k = 0; k < DP_TCP_T__COUNT; k++) {
		if (t->tmr[k] == 0 || t->tmr[k] > lc->now_us)
			continue;
		t->tmr[k] = 0;
		on_timer(lc, t, (enum dp_tcp_timer)k);
		/* The handler may have closed or freed the connection. */
		if (t->gen != gen || t->state == DP_TCP_STATE_CLOSED)
			return;
	}
	wheel_place(lc, t);
}

uint32_t
tcp_timers_run(struct dp_lcore *lc)
{
	struct dp_tcp_wheel *w = lc->tcp.wheel;
	uint64_t now_tick = lc->now_us / DP_TCP_WHEEL_TICK_US;
	uint32_t budget = DP_TCP_TIMERS_PER_POLL, done = 0, slots = 0;

	if (w == NULL)
		return 0;
	/* Far behind (a long pause, or a test's clock jump): one pass over every slot
	 * covers every tcb, since each is parked within one span of the wheel. */
	if (now_tick >= w->cur_tick + DP_TCP_WHEEL_SLOTS)
		w->cur_tick = now_tick - DP_TCP_WHEEL_SLOTS + 1;
	while (w->cur_tick <= now_tick && slots < DP_TCP_WHEEL_SLOTS) {
		uint32_t *head = &w->slot[w->cur_tick & (DP_TCP_WHEEL_SLOTS - 1)];

		while (*head != DP_TCB_NONE) {
			struct dp_tcb *t = &lc->tcp.tcbs[*head];

			if (budget == 0)
				return done;
			budget--;
			wheel_unlink(lc, t);
			if (earliest(t) != 0 && earliest(t) <= lc->now_us) {
				fire(lc, t);
				done++;
			} else {
				wheel_place(lc, t); /* parked: not due yet */
			}
		}
		w->cur_tick++;
		slots++;
	}
	return done;
}
