/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief CUBIC congestion control (RFC 9438), in integer fixed point.
 *
 * Above ssthresh the window follows W_cubic(t) = C*(t-K)^3 + W_max
 * (RFC 9438 §4.2), approached per ACK by (target - cwnd)/cwnd, and never
 * falls behind the Reno-friendly estimate W_est (§4.3). A congestion event
 * multiplies cwnd by beta_cubic = 0.7 (§4.6) and remembers W_max, lowered
 * further by fast convergence (§4.7); a timeout drops to one segment and
 * restarts the curve from the next congestion-avoidance stage (§4.8). Slow
 * start is the shared NewReno one (§4.10).
 *
 * Arithmetic is integer only, so no libm and no floating point on the
 * lcores: time on the curve is in units of 2^-10 s, window offsets from
 * W_max in 2^-10 segment, windows in bytes; K comes from an exact integer
 * cube root. The RFC's constants are the exact fractions C = 2/5,
 * beta = 7/10, (1 + beta)/2 = 17/20 and alpha = 3(1 - beta)/(1 + beta) =
 * 9/17. Time comes only from the now_us arguments.
 */
#include <assert.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dataplane/net/tcp_cc.h"
#include "dataplane/net/tcp_cc_int.h"

/** RFC 9438 §4.6: beta_cubic = 0.7. */
#define CUBIC_BETA_NUM 7u
#define CUBIC_BETA_DEN 10u
/** RFC 9438 §4.7: fast convergence keeps (1 + beta_cubic) / 2 = 0.85. */
#define CUBIC_FC_NUM 17u
#define CUBIC_FC_DEN 20u
/** RFC 9438 §4.3: alpha_cubic = 3 * (1 - beta_cubic) / (1 + beta_cubic). */
#define CUBIC_ALPHA_NUM 9u
#define CUBIC_ALPHA_DEN 17u

/** Curve time unit: 2^-CUBIC_T_SHIFT s. */
#define CUBIC_T_SHIFT 10
/** Window offset unit on the curve: 2^-CUBIC_W_SHIFT segment. */
#define CUBIC_W_SHIFT 10
/**
 * C = 0.4 segment/s^3 in these units. With d in 2^-10 s and the offset in
 * 2^-10 segment, C*(d/2^10)^3 * 2^10 = d^3 * 2 / (5 * 2^20) = d^3 / (5 << 19).
 * The same constant turns an offset back into time for K:
 * (K * 2^10)^3 = offset_q * (5 << 19).
 */
#define CUBIC_C_DIV (5ull << 19)
/** |t - K| beyond 2^20 units (1024 s) puts W_cubic out of any window's range. */
#define CUBIC_D_MAX (1ull << 20)
/** Time since the epoch is clamped here (about 71 min) before scaling. */
#define CUBIC_T_MAX_US (1ull << 32)
/** Offsets beyond 2^31 units (2^21 segments) saturate; keeps offset * mss in 64 bits. */
#define CUBIC_OFFSET_MAX (1ull << 31)
/** W_max - cwnd_epoch beyond 2^40 units is clamped so that x * (5 << 19) fits 64 bits. */
#define CUBIC_K_OFFSET_MAX (1ull << 40)
/** W_est is kept in 2^-8 byte. */
#define CUBIC_WEST_SHIFT 8

/**
 * Per-connection CUBIC state, in cc->priv (RFC 9438 §4.1.2 names).
 *
 * Windows in bytes. Between a congestion event (or timeout) and the first
 * ACK in congestion avoidance @c epoch_valid is false; that ACK starts the
 * epoch and fixes t_epoch_us, cwnd_epoch, k_u and W_est.
 */
struct cubic {
	uint64_t t_epoch_us; /**< t_epoch: start of this congestion-avoidance stage, µs. */
	uint64_t w_est;      /**< W_est, 2^-8 byte. */
	uint32_t w_max;      /**< W_max, bytes; 0 before the first congestion event. */
	uint32_t cwnd_prior; /**< cwnd when ssthresh was last set, bytes (§4.3 alpha switch). */
	uint32_t cwnd_epoch; /**< cwnd at t_epoch, bytes. */
	uint32_t k_u;        /**< K, 2^-10 s. */
	uint32_t srtt_us;    /**< Smoothed RTT (RFC 6298 gain 1/8), µs; 0 before a sample. */
	uint32_t inc_frac;   /**< Remainder of the cwnd increase, 1/cwnd byte (< cwnd). */
	bool epoch_valid;    /**< t_epoch and the values fixed with it are set. */
	bool after_rto;      /**< Next epoch follows a timeout: W_max = cwnd_epoch, K = 0 (§4.8) */
};

static_assert(sizeof(struct cubic) <= DP_TCP_CC_PRIV, "CUBIC state exceeds DP_TCP_CC_PRIV");
static_assert(_Alignof(struct cubic) <= 8, "CUBIC state needs more than priv's alignment");

/* priv is only ever accessed as struct cubic, through this accessor. */
static struct cubic *
cubic_state(struct dp_tcp_cc *cc)
{
	return (struct cubic *)(void *)cc->priv;
}

static uint32_t
cubic_sat32(uint64_t v)
{
	return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

/**
 * Floor of the cube root of @p x, bit by bit (three bits of x per bit of the
 * root, 22 steps). Exact; no overflow since each tested b << s is <= x.
 */
static uint32_t
cubic_icbrt(uint64_t x)
{
	uint64_t y = 0;

	for (int s = 63; s >= 0; s -= 3) {
		uint64_t b;

		y <<= 1;
		b = 3 * y * (y + 1) + 1;
		if ((x >> s) >= b) {
			x -= b << s;
			y++;
		}
	}
	return (uint32_t)y;
}

/**
 * W_cubic(t) in bytes (RFC 9438 §4.2 Figure 1), clamped to [0, UINT32_MAX];
 * @p t_us is the time since t_epoch.
 */
static uint32_t
cubic_w(const struct cubic *s, uint32_t mss, uint64_t t_us)
{
	uint64_t t_u, d, off, off_b;

	if (t_us > CUBIC_T_MAX_US)
		t_us = CUBIC_T_MAX_US;
	t_u = (t_us << CUBIC_T_SHIFT) / 1000000u;
	d = t_u >= s->k_u ? t_u - s->k_u : s->k_u - t_u;
	if (d > CUBIC_D_MAX)
		d = CUBIC_D_MAX;
	off = d * d * d / CUBIC_C_DIV;
	if (off > CUBIC_OFFSET_MAX)
		off = CUBIC_OFFSET_MAX;
	off_b = (off * mss) >> CUBIC_W_SHIFT;
	if (t_u >= s->k_u)
		return cubic_sat32((uint64_t)s->w_max + off_b);
	return off_b >= s->w_max ? 0 : s->w_max - (uint32_t)off_b;
}

/**
 * Start a congestion-avoidance stage at @p now_us (RFC 9438 §4.2): fix
 * t_epoch, cwnd_epoch, K = cbrt((W_max - cwnd_epoch) / C) and W_est =
 * cwnd_epoch (§4.3).
 */
static void
cubic_epoch_start(struct dp_tcp_cc *cc, struct cubic *s, uint64_t now_us)
{
	s->epoch_valid = true;
	s->t_epoch_us = now_us;
	s->cwnd_epoch = cc->cwnd;
	s->w_est = (uint64_t)cc->cwnd << CUBIC_WEST_SHIFT;
	s->inc_frac = 0;
	if (s->after_rto || s->w_max <= cc->cwnd) {
		/*
		 * §4.8: after a timeout "K is set to 0, and W_max is set to the
		 * congestion window size at the beginning of the current
		 * congestion avoidance stage". The same holds when congestion
		 * avoidance starts without a reduction below W_max (slow start
		 * ended at ssthresh): only the convex region is left.
		 */
		if (!s->after_rto)
			s->cwnd_prior = cc->cwnd;
		s->after_rto = false;
		s->w_max = cc->cwnd;
		s->k_u = 0;
	} else {
		uint64_t off = ((uint64_t)(s->w_max - cc->cwnd) << CUBIC_W_SHIFT) / cc->mss;

		if (off > CUBIC_K_OFFSET_MAX)
			off = CUBIC_K_OFFSET_MAX;
		s->k_u = cubic_icbrt(off * CUBIC_C_DIV);
	}
}

/** §4.6: ssthresh = cwnd * beta_cubic, at least 2*SMSS. */
static uint32_t
cubic_ssthresh(const struct dp_tcp_cc *cc)
{
	uint64_t w = (uint64_t)cc->cwnd * CUBIC_BETA_NUM / CUBIC_BETA_DEN;
	uint64_t floor = (uint64_t)2 * cc->mss;

	return cubic_sat32(w > floor ? w : floor);
}

static void
cubic_init(struct dp_tcp_cc *cc, uint32_t mss, uint32_t iw_segs, uint64_t now_us)
{
	(void)now_us;
	dp_tcp_cc_reset(cc, mss, iw_segs);
}

static void
cubic_on_ack(struct dp_tcp_cc *cc, uint32_t acked, uint32_t rtt_us, uint32_t flight_size,
	     uint64_t now_us)
{
	struct cubic *s = cubic_state(cc);
	uint64_t t_us, target, cap, num, w_est_inc, w_est;
	uint32_t w_t, alpha_num, alpha_den;

	(void)flight_size;
	if (rtt_us != 0)
		s->srtt_us = s->srtt_us == 0 ? rtt_us : s->srtt_us - s->srtt_us / 8 + rtt_us / 8;
	if (cc->cwnd < cc->ssthresh)
		acked = dp_tcp_cc_slow_start(cc, acked);
	/* Nothing left for congestion avoidance: no growth, no epoch start. */
	if (acked == 0)
		return;
	/* A stretch ACK credits at most one window (keeps products in 64 bits). */
	if (acked > cc->cwnd)
		acked = cc->cwnd;
	if (!s->epoch_valid)
		cubic_epoch_start(cc, s, now_us);
	t_us = now_us > s->t_epoch_us ? now_us - s->t_epoch_us : 0;
	w_t = cubic_w(s, cc->mss, t_us);

	/*
	 * §4.3 Figure 4: W_est += alpha_cubic * segments_acked / cwnd, i.e.
	 * alpha * acked * SMSS / cwnd bytes; alpha becomes 1 once W_est has
	 * reached cwnd_prior. mss < 2^16 (16-bit MSS option) and acked <= cwnd
	 * keep the numerator below 2^61.
	 */
	alpha_num = CUBIC_ALPHA_NUM;
	alpha_den = CUBIC_ALPHA_DEN;
	if ((s->w_est >> CUBIC_WEST_SHIFT) >= s->cwnd_prior) {
		alpha_num = 1;
		alpha_den = 1;
	}
	w_est_inc = (((uint64_t)acked * cc->mss * alpha_num) << CUBIC_WEST_SHIFT) /
		    ((uint64_t)alpha_den * cc->cwnd);
	s->w_est += w_est_inc;
	w_est = s->w_est >> CUBIC_WEST_SHIFT;
	if (w_est > UINT32_MAX) {
		w_est = UINT32_MAX;
		s->w_est = (uint64_t)UINT32_MAX << CUBIC_WEST_SHIFT;
	}
	if (w_t < w_est) {
		/* §4.3: Reno-friendly region, cwnd = W_est. */
		if (w_est > cc->cwnd)
			cc->cwnd = (uint32_t)w_est;
		return;
	}

	/*
	 * §4.2 Figure 3: target = W_cubic(t + RTT) clamped to
	 * [cwnd, 1.5 * cwnd]; §4.4/§4.5: cwnd += (target - cwnd) / cwnd per
	 * SMSS acknowledged, i.e. (target - cwnd) * acked / cwnd bytes, with
	 * the remainder carried to the next ACK.
	 */
	target = cubic_w(s, cc->mss, t_us + s->srtt_us);
	cap = (uint64_t)cc->cwnd + cc->cwnd / 2;
	if (target > cap)
		target = cap;
	if (target <= cc->cwnd)
		return;
	num = (target - cc->cwnd) * acked + s->inc_frac;
	s->inc_frac = (uint32_t)(num % cc->cwnd);
	cc->cwnd = cubic_sat32(cc->cwnd + num / cc->cwnd);
}

static void
cubic_on_congestion(struct dp_tcp_cc *cc, uint32_t flight_size, uint64_t now_us)
{
	struct cubic *s = cubic_state(cc);

	(void)flight_size;
	(void)now_us;
	/*
	 * §4.6 allows flight_size or cwnd as the base of the reduction; cwnd is
	 * used (as the Linux, Windows and Apple stacks do), so W_max, cwnd_prior
	 * and ssthresh all derive from the same quantity.
	 */
	s->cwnd_prior = cc->cwnd;
	/* §4.7 fast convergence: a lower saturation point releases bandwidth. */
	if (cc->cwnd < s->w_max)
		s->w_max = (uint32_t)((uint64_t)cc->cwnd * CUBIC_FC_NUM / CUBIC_FC_DEN);
	else
		s->w_max = cc->cwnd;
	cc->ssthresh = cubic_ssthresh(cc);
	cc->cwnd = cc->ssthresh;
	cc->bytes_acked = 0;
	s->epoch_valid = false;
	s->after_rto = false;
}

static void
cubic_on_recovery_exit(struct dp_tcp_cc *cc, uint32_t flight_size, uint64_t now_us)
{
	(void)now_us;
	dp_tcp_cc_recovery_exit(cc, flight_size);
}

static void
cubic_on_rto(struct dp_tcp_cc *cc, uint32_t flight_size, bool first, uint64_t now_us)
{
	struct cubic *s = cubic_state(cc);

	(void)flight_size;
	(void)now_us;
	/*
	 * §4.8: ssthresh as in §4.6 (first timeout of the episode only, as RFC
	 * 5681 holds it on a repeated timeout), cwnd as Reno's loss window, and
	 * the next congestion-avoidance stage restarts the curve with K = 0.
	 */
	if (first) {
		s->cwnd_prior = cc->cwnd;
		cc->ssthresh = cubic_ssthresh(cc);
	}
	cc->cwnd = cc->mss;
	cc->bytes_acked = 0;
	s->epoch_valid = false;
	s->after_rto = true;
}

const struct dp_tcp_cc_ops dp_tcp_cc_cubic = {
	.name = "cubic",
	.init = cubic_init,
	.on_ack = cubic_on_ack,
	.on_congestion = cubic_on_congestion,
	.on_recovery_exit = cubic_on_recovery_exit,
	.on_rto = cubic_on_rto,
	.on_undo = NULL,
};
