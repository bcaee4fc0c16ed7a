/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief TCP congestion control: NewReno (RFC 5681, 3465, 6582) and CUBIC
 * (RFC 9438) against traces worked out from the RFCs.
 *
 * Every expected number was computed independently of the code under test:
 * by hand from the RFC formulas for NewReno and the initial window, and for
 * CUBIC by evaluating W_cubic(t) = C*(t-K)^3 + W_max and the Reno-friendly
 * estimate W_est in floating point (C = 0.4, beta = 0.7, alpha = 9/17, SMSS
 * 1460, RTT 100 ms; W_est grows alpha segments per RTT while below
 * cwnd_prior, one segment per RTT after). CUBIC traces deliver one-segment
 * ACKs clocked by the window (one cwnd per RTT) and accept one segment of
 * error against the curve.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <CUnit/CUnit.h>

#include "tests/suites.h"
#include "common/base/compiler.h"
#include "dataplane/net/tcp_cc.h"

#define MSS 1460u
#define RTT_US 100000u
/** Absolute time of the first congestion-avoidance ACK in CUBIC traces. */
#define T0_US 5000000ull
#define SEC_US 1000000ull
/** K = cbrt(100 * (1 - 0.7) / 0.4) = cbrt(75) s = 4.217163 s. */
#define K100_US 4217163ull
/** K = cbrt((110 - 77) / 0.4) = cbrt(82.5) s = 4.353294 s. */
#define K110_US 4353294ull

static void
cc_init(const struct dp_tcp_cc_ops *ops, struct dp_tcp_cc *cc)
{
	ops->init(cc, MSS, 0, 0);
}

/** Deliver one-MSS ACKs from *now until @p end_us, one window per RTT. */
static void
ack_clock_until(const struct dp_tcp_cc_ops *ops, struct dp_tcp_cc *cc, uint64_t *now,
		uint64_t end_us)
{
	/* Bounded by (end - now) / (RTT * MSS / cwnd) ACKs. */
	while (*now < end_us) {
		ops->on_ack(cc, MSS, RTT_US, cc->cwnd, *now);
		*now += (uint64_t)RTT_US * MSS / cc->cwnd;
	}
}

static bool
within_one_mss(uint32_t cwnd, uint32_t expected)
{
	return cwnd <= expected + MSS && cwnd + MSS >= expected;
}

/* ---- registry ---- */

static void
test_tcp_cc_get_returns_each_algorithm_and_null_out_of_range(void)
{
	CU_ASSERT_PTR_EQUAL(dp_tcp_cc_get(DP_TCP_CC_ALGO_NEWRENO), &dp_tcp_cc_newreno);
	CU_ASSERT_PTR_EQUAL(dp_tcp_cc_get(DP_TCP_CC_ALGO_CUBIC), &dp_tcp_cc_cubic);
	CU_ASSERT_PTR_NULL(dp_tcp_cc_get(DP_TCP_CC_ALGO__COUNT));
	CU_ASSERT_PTR_NULL(dp_tcp_cc_get((enum dp_tcp_cc_algo)-1));
	CU_ASSERT_STRING_EQUAL(dp_tcp_cc_newreno.name, "newreno");
	CU_ASSERT_STRING_EQUAL(dp_tcp_cc_cubic.name, "cubic");
}

static void
test_tcp_cc_every_algorithm_implements_the_mandatory_ops(void)
{
	for (int a = 0; a < DP_TCP_CC_ALGO__COUNT; a++) {
		const struct dp_tcp_cc_ops *ops = dp_tcp_cc_get((enum dp_tcp_cc_algo)a);

		CU_ASSERT_PTR_NOT_NULL_FATAL(ops);
		CU_ASSERT_PTR_NOT_NULL(ops->init);
		CU_ASSERT_PTR_NOT_NULL(ops->on_ack);
		CU_ASSERT_PTR_NOT_NULL(ops->on_congestion);
		CU_ASSERT_PTR_NOT_NULL(ops->on_recovery_exit);
		CU_ASSERT_PTR_NOT_NULL(ops->on_rto);
	}
}

static const struct {
	const char *name;
	int algo;
} name_cases[] = {
	{ "newreno", DP_TCP_CC_ALGO_NEWRENO },
	{ "cubic", DP_TCP_CC_ALGO_CUBIC },
	{ "reno", -1 },
	{ "CUBIC", -1 },
	{ "cubic ", -1 },
	{ "", -1 },
};

static void
test_tcp_cc_algo_from_name_maps_known_names_and_rejects_others(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(name_cases); i++)
		CU_ASSERT_EQUAL(dp_tcp_cc_algo_from_name(name_cases[i].name), name_cases[i].algo);
	CU_ASSERT_EQUAL(dp_tcp_cc_algo_from_name(NULL), -1);
}

/* ---- initial window (RFC 6928 §2), shared by both algorithms ---- */

static const struct {
	uint32_t mss;
	uint32_t iw_segs;
	uint32_t cwnd;
} iw_cases[] = {
	/* min(10*MSS, max(2*MSS, 14600)) */
	{ 1460, 0, 14600 }, /* 10 segments */
	{ 536, 0, 5360 },   /* 10*536 < 14600 */
	{ 1000, 0, 10000 },
	{ 4000, 0, 14600 }, /* the byte bound */
	{ 9000, 0, 18000 }, /* 2*MSS > 14600 */
	/* iw_segs overrides: iw_segs * MSS */
	{ 1460, 4, 5840 },
	{ 1460, 20, 29200 },
	{ 536, 1, 536 },
};

static void
test_tcp_cc_init_sets_rfc6928_initial_window_or_iw_segs(void)
{
	for (int a = 0; a < DP_TCP_CC_ALGO__COUNT; a++) {
		const struct dp_tcp_cc_ops *ops = dp_tcp_cc_get((enum dp_tcp_cc_algo)a);

		for (size_t i = 0; i < ARRAY_SIZE(iw_cases); i++) {
			struct dp_tcp_cc cc;

			ops->init(&cc, iw_cases[i].mss, iw_cases[i].iw_segs, 42);
			CU_ASSERT_EQUAL(cc.cwnd, iw_cases[i].cwnd);
			CU_ASSERT_EQUAL(cc.mss, iw_cases[i].mss);
			CU_ASSERT_EQUAL(cc.ssthresh, UINT32_MAX);
			CU_ASSERT_EQUAL(cc.bytes_acked, 0);
		}
	}
}

/* ---- slow start (RFC 5681 §3.1, RFC 3465 L = 2*SMSS), shared ---- */

static const struct {
	uint32_t acked;
	uint32_t cwnd;
} ss_trace[] = {
	{ 1460, 16060 },  /* +1460 */
	{ 2920, 18980 },  /* +2920 = L */
	{ 4380, 21900 },  /* stretch ACK: +L only */
	{ 100, 22000 },   /* partial segment: +100 */
	{ 14600, 24920 }, /* +L */
	{ 0, 24920 },     /* nothing new acknowledged */
};

static void
test_tcp_cc_slow_start_grows_by_acked_up_to_two_mss(void)
{
	for (int a = 0; a < DP_TCP_CC_ALGO__COUNT; a++) {
		const struct dp_tcp_cc_ops *ops = dp_tcp_cc_get((enum dp_tcp_cc_algo)a);
		struct dp_tcp_cc cc;
		uint64_t now = 1000;

		cc_init(ops, &cc);
		for (size_t i = 0; i < ARRAY_SIZE(ss_trace); i++) {
			ops->on_ack(&cc, ss_trace[i].acked, RTT_US, cc.cwnd, now);
			now += 1000;
			CU_ASSERT_EQUAL(cc.cwnd, ss_trace[i].cwnd);
		}
	}
}

static void
test_tcp_cc_newreno_slow_start_stops_at_ssthresh_and_counts_the_rest(void)
{
	struct dp_tcp_cc cc;

	cc_init(&dp_tcp_cc_newreno, &cc);
	cc.ssthresh = 20000;
	dp_tcp_cc_newreno.on_ack(&cc, 2920, RTT_US, 14600, 1);
	CU_ASSERT_EQUAL(cc.cwnd, 17520);
	/* 17520 + 2920 would pass 20000: stop there, 2920 - 2480 = 440 left. */
	dp_tcp_cc_newreno.on_ack(&cc, 2920, RTT_US, 17520, 2);
	CU_ASSERT_EQUAL(cc.cwnd, 20000);
	CU_ASSERT_EQUAL(cc.bytes_acked, 440);
	/* Now congestion avoidance: counted, no slow-start growth. */
	dp_tcp_cc_newreno.on_ack(&cc, 1460, RTT_US, 20000, 3);
	CU_ASSERT_EQUAL(cc.cwnd, 20000);
	CU_ASSERT_EQUAL(cc.bytes_acked, 1900);
}

/* ---- NewReno congestion avoidance (RFC 5681 §3.1, RFC 3465 §2.1) ---- */

/* cwnd after each one-MSS ACK from cwnd = ssthresh = 10*MSS, over two RTTs. */
static const uint32_t newreno_ca_trace[] = {
	14600, 14600, 14600, 14600, 14600, 14600, 14600, 14600, 14600,
	16060, /* 10th ACK: bytes_acked = 14600 >= cwnd, +1 MSS */
	16060, 16060, 16060, 16060, 16060, 16060, 16060, 16060, 16060, 16060,
	17520, /* 21st ACK: 11 * 1460 = 16060 >= cwnd, +1 MSS */
};

static void
test_tcp_cc_newreno_ca_adds_one_mss_per_cwnd_bytes_acked(void)
{
	struct dp_tcp_cc cc;

	cc_init(&dp_tcp_cc_newreno, &cc);
	cc.ssthresh = 14600;
	for (size_t i = 0; i < ARRAY_SIZE(newreno_ca_trace); i++) {
		dp_tcp_cc_newreno.on_ack(&cc, MSS, RTT_US, cc.cwnd, 1000 * i);
		CU_ASSERT_EQUAL(cc.cwnd, newreno_ca_trace[i]);
	}
	CU_ASSERT_EQUAL(cc.bytes_acked, 0);
}

/* ACKs of 2000 bytes from cwnd = ssthresh = 14600: the excess over cwnd is kept. */
static const struct {
	uint32_t cwnd;
	uint32_t bytes_acked;
} newreno_carry_trace[] = {
	{ 14600, 2000 },  { 14600, 4000 },  { 14600, 6000 },  { 14600, 8000 },
	{ 14600, 10000 }, { 14600, 12000 }, { 14600, 14000 },
	{ 16060, 1400 }, /* 16000 - 14600 */
	{ 16060, 3400 },  { 16060, 5400 },  { 16060, 7400 },  { 16060, 9400 },
	{ 16060, 11400 }, { 16060, 13400 }, { 16060, 15400 },
	{ 17520, 1340 }, /* 17400 - 16060 */
};

static void
test_tcp_cc_newreno_ca_carries_bytes_beyond_cwnd(void)
{
	struct dp_tcp_cc cc;

	cc_init(&dp_tcp_cc_newreno, &cc);
	cc.ssthresh = 14600;
	for (size_t i = 0; i < ARRAY_SIZE(newreno_carry_trace); i++) {
		dp_tcp_cc_newreno.on_ack(&cc, 2000, RTT_US, cc.cwnd, 1000 * i);
		CU_ASSERT_EQUAL(cc.cwnd, newreno_carry_trace[i].cwnd);
		CU_ASSERT_EQUAL(cc.bytes_acked, newreno_carry_trace[i].bytes_acked);
	}
}

/* ---- NewReno loss (RFC 5681 (4), RFC 6582 §3.2) ---- */

static void
test_tcp_cc_newreno_congestion_halves_flight_size(void)
{
	struct dp_tcp_cc cc;

	cc_init(&dp_tcp_cc_newreno, &cc);
	cc.cwnd = 40000;
	cc.bytes_acked = 700;
	dp_tcp_cc_newreno.on_congestion(&cc, 20 * MSS, 0);
	CU_ASSERT_EQUAL(cc.ssthresh, 10 * MSS);
	CU_ASSERT_EQUAL(cc.cwnd, 10 * MSS);
	CU_ASSERT_EQUAL(cc.bytes_acked, 0);
}

static void
test_tcp_cc_newreno_congestion_floors_ssthresh_at_two_mss(void)
{
	struct dp_tcp_cc cc;

	cc_init(&dp_tcp_cc_newreno, &cc);
	dp_tcp_cc_newreno.on_congestion(&cc, 3000, 0);
	CU_ASSERT_EQUAL(cc.ssthresh, 2 * MSS);
	CU_ASSERT_EQUAL(cc.cwnd, 2 * MSS);
}

/* ssthresh = 14600: cwnd = min(ssthresh, max(FlightSize, SMSS) + SMSS). */
static const struct {
	uint32_t flight;
	uint32_t cwnd;
} exit_cases[] = {
	{ 0, 2920 },
	{ 1000, 2920 },
	{ 5000, 6460 },
	{ 13140, 14600 },
	{ 20000, 14600 },
};

static void
test_tcp_cc_recovery_exit_takes_min_of_ssthresh_and_flight_plus_mss(void)
{
	for (int a = 0; a < DP_TCP_CC_ALGO__COUNT; a++) {
		const struct dp_tcp_cc_ops *ops = dp_tcp_cc_get((enum dp_tcp_cc_algo)a);

		for (size_t i = 0; i < ARRAY_SIZE(exit_cases); i++) {
			struct dp_tcp_cc cc;

			cc_init(ops, &cc);
			cc.cwnd = 14600;
			cc.ssthresh = 14600;
			ops->on_recovery_exit(&cc, exit_cases[i].flight, 0);
			CU_ASSERT_EQUAL(cc.cwnd, exit_cases[i].cwnd);
			CU_ASSERT_EQUAL(cc.ssthresh, 14600);
		}
	}
}

static void
test_tcp_cc_newreno_first_rto_sets_ssthresh_and_loss_window(void)
{
	struct dp_tcp_cc cc;

	cc_init(&dp_tcp_cc_newreno, &cc);
	cc.cwnd = 40000;
	dp_tcp_cc_newreno.on_rto(&cc, 20 * MSS, true, 0);
	CU_ASSERT_EQUAL(cc.ssthresh, 10 * MSS);
	CU_ASSERT_EQUAL(cc.cwnd, MSS);
	CU_ASSERT_EQUAL(cc.bytes_acked, 0);
}

static void
test_tcp_cc_newreno_repeated_rto_keeps_ssthresh(void)
{
	struct dp_tcp_cc cc;

	cc_init(&dp_tcp_cc_newreno, &cc);
	dp_tcp_cc_newreno.on_rto(&cc, 20 * MSS, true, 0);
	dp_tcp_cc_newreno.on_rto(&cc, 100 * MSS, false, 1);
	CU_ASSERT_EQUAL(cc.ssthresh, 10 * MSS);
	CU_ASSERT_EQUAL(cc.cwnd, MSS);
}

/* ---- CUBIC (RFC 9438) ---- */

static void
test_tcp_cc_cubic_congestion_multiplies_cwnd_by_beta(void)
{
	struct dp_tcp_cc cc;

	cc_init(&dp_tcp_cc_cubic, &cc);
	cc.cwnd = 100 * MSS;
	/* §4.6 on cwnd, not flight: a smaller flight must not matter. */
	dp_tcp_cc_cubic.on_congestion(&cc, 50 * MSS, 0);
	CU_ASSERT_EQUAL(cc.ssthresh, 70 * MSS);
	CU_ASSERT_EQUAL(cc.cwnd, 70 * MSS);
}

static void
test_tcp_cc_cubic_congestion_floors_ssthresh_at_two_mss(void)
{
	struct dp_tcp_cc cc;

	cc_init(&dp_tcp_cc_cubic, &cc);
	cc.cwnd = 2 * MSS; /* 0.7 * 2920 = 2044 < 2920 */
	dp_tcp_cc_cubic.on_congestion(&cc, 2 * MSS, 0);
	CU_ASSERT_EQUAL(cc.ssthresh, 2 * MSS);
	CU_ASSERT_EQUAL(cc.cwnd, 2 * MSS);
}

/*
 * W_max = 100, cwnd_epoch = 70, K = 4.217 s. Time since the epoch and the
 * expected cwnd, C*(t-K)^3 + W_max segments in bytes: concave up to K,
 * plateau at W_max, convex after (W_est stays below: 75.3, 80.6, 92.3,
 * 127.7 segments).
 */
static const struct {
	uint64_t t_us;
	uint32_t cwnd;
} cubic_curve[] = {
	{ 1 * SEC_US, 126554 },  /* 86.68 segments */
	{ 2 * SEC_US, 139635 },  /* 95.64 */
	{ K100_US, 146000 },     /* 100, = W_max at t = K */
	{ 2 * K100_US, 189800 }, /* 130 = W_max + C*K^3 */
};

static void
test_tcp_cc_cubic_cwnd_follows_w_cubic_after_congestion(void)
{
	struct dp_tcp_cc cc;
	uint64_t now = T0_US;

	cc_init(&dp_tcp_cc_cubic, &cc);
	cc.cwnd = 100 * MSS;
	dp_tcp_cc_cubic.on_congestion(&cc, 100 * MSS, T0_US - RTT_US);
	for (size_t i = 0; i < ARRAY_SIZE(cubic_curve); i++) {
		ack_clock_until(&dp_tcp_cc_cubic, &cc, &now, T0_US + cubic_curve[i].t_us);
		CU_ASSERT(within_one_mss(cc.cwnd, cubic_curve[i].cwnd));
	}
	CU_ASSERT_EQUAL(cc.ssthresh, 70 * MSS);
}

/*
 * Second loss at cwnd 80 < W_max 100: W_max = 80 * 0.85 = 68, ssthresh 56,
 * K = cbrt(12 / 0.4) = 3.107 s. Without fast convergence (W_max 80,
 * K 3.915 s) cwnd would be 70.09 and 77.19 segments at 1 s and 2 s.
 */
static const struct {
	uint64_t t_us;
	uint32_t cwnd;
} cubic_fc_curve[] = {
	{ 1 * SEC_US, 93816 }, /* 64.26 segments */
	{ 2 * SEC_US, 98487 }, /* 67.46 */
};

static void
test_tcp_cc_cubic_fast_convergence_lowers_w_max_below_previous(void)
{
	struct dp_tcp_cc cc;
	uint64_t now = T0_US;

	cc_init(&dp_tcp_cc_cubic, &cc);
	cc.cwnd = 100 * MSS;
	dp_tcp_cc_cubic.on_congestion(&cc, 100 * MSS, 0);
	cc.cwnd = 80 * MSS;
	dp_tcp_cc_cubic.on_congestion(&cc, 80 * MSS, 1);
	CU_ASSERT_EQUAL(cc.ssthresh, 56 * MSS);
	CU_ASSERT_EQUAL(cc.cwnd, 56 * MSS);
	for (size_t i = 0; i < ARRAY_SIZE(cubic_fc_curve); i++) {
		ack_clock_until(&dp_tcp_cc_cubic, &cc, &now, T0_US + cubic_fc_curve[i].t_us);
		CU_ASSERT(within_one_mss(cc.cwnd, cubic_fc_curve[i].cwnd));
	}
}

/* Second loss at cwnd 110 >= W_max 100: W_max = 110, ssthresh 77, K 4.353 s. */
static const struct {
	uint64_t t_us;
	uint32_t cwnd;
} cubic_nofc_curve[] = {
	{ 1 * SEC_US, 138579 }, /* 94.92 segments */
	{ K110_US, 160600 },    /* 110 */
};

static void
test_tcp_cc_cubic_loss_above_w_max_takes_cwnd_as_w_max(void)
{
	struct dp_tcp_cc cc;
	uint64_t now = T0_US;

	cc_init(&dp_tcp_cc_cubic, &cc);
	cc.cwnd = 100 * MSS;
	dp_tcp_cc_cubic.on_congestion(&cc, 100 * MSS, 0);
	cc.cwnd = 110 * MSS;
	dp_tcp_cc_cubic.on_congestion(&cc, 110 * MSS, 1);
	CU_ASSERT_EQUAL(cc.ssthresh, 112420); /* 0.7 * 160600 */
	for (size_t i = 0; i < ARRAY_SIZE(cubic_nofc_curve); i++) {
		ack_clock_until(&dp_tcp_cc_cubic, &cc, &now, T0_US + cubic_nofc_curve[i].t_us);
		CU_ASSERT(within_one_mss(cc.cwnd, cubic_nofc_curve[i].cwnd));
	}
}

static void
test_tcp_cc_cubic_first_rto_sets_ssthresh_and_loss_window(void)
{
	struct dp_tcp_cc cc;

	cc_init(&dp_tcp_cc_cubic, &cc);
	cc.cwnd = 100 * MSS;
	dp_tcp_cc_cubic.on_rto(&cc, 100 * MSS, true, 0);
	CU_ASSERT_EQUAL(cc.ssthresh, 70 * MSS);
	CU_ASSERT_EQUAL(cc.cwnd, MSS);
}

static void
test_tcp_cc_cubic_repeated_rto_keeps_ssthresh(void)
{
	struct dp_tcp_cc cc;

	cc_init(&dp_tcp_cc_cubic, &cc);
	cc.cwnd = 100 * MSS;
	dp_tcp_cc_cubic.on_rto(&cc, 100 * MSS, true, 0);
	dp_tcp_cc_cubic.on_rto(&cc, MSS, false, 1);
	CU_ASSERT_EQUAL(cc.ssthresh, 70 * MSS);
	CU_ASSERT_EQUAL(cc.cwnd, MSS);
}

/*
 * After a timeout at cwnd 100 (ssthresh 70) the next congestion-avoidance
 * stage starts a new curve with K = 0 and W_max = cwnd_epoch = 70 (§4.8):
 * W_cubic = 70 + 0.4 t^3 (70.4, 73.2, 80.8, 95.6 at 1..4 s). W_est = 70 +
 * 5.29 t (75.3, 80.6, 85.9, 91.2) dominates until about 3.6 s (§4.3).
 */
static const struct {
	uint64_t t_us;
	uint32_t cwnd;
} cubic_rto_curve[] = {
	{ 1 * SEC_US, 109929 }, /* W_est 75.29 */
	{ 2 * SEC_US, 117659 }, /* W_est 80.59 */
	{ 3 * SEC_US, 125388 }, /* W_est 85.88 */
	{ 4 * SEC_US, 139576 }, /* W_cubic 95.6 */
};

static void
test_tcp_cc_cubic_rto_restarts_the_curve_with_k_zero(void)
{
	struct dp_tcp_cc cc;
	uint64_t now = 0;

	/* An epoch in progress (W_max 100, K 4.2 s) that the timeout must end. */
	cc_init(&dp_tcp_cc_cubic, &cc);
	cc.cwnd = 100 * MSS;
	dp_tcp_cc_cubic.on_congestion(&cc, 100 * MSS, 0);
	ack_clock_until(&dp_tcp_cc_cubic, &cc, &now, SEC_US);
	cc.cwnd = 100 * MSS;
	dp_tcp_cc_cubic.on_rto(&cc, 100 * MSS, true, now);
	CU_ASSERT_EQUAL(cc.cwnd, MSS);
	CU_ASSERT_EQUAL(cc.ssthresh, 70 * MSS);
	/* Slow start back to ssthresh: 69 ACKs of one segment. */
	for (uint32_t i = 0; i < 69; i++)
		dp_tcp_cc_cubic.on_ack(&cc, MSS, RTT_US, cc.cwnd, 2 * SEC_US + 1000 * i);
	CU_ASSERT_EQUAL(cc.cwnd, 70 * MSS);
	now = T0_US;
	for (size_t i = 0; i < ARRAY_SIZE(cubic_rto_curve); i++) {
		ack_clock_until(&dp_tcp_cc_cubic, &cc, &now, T0_US + cubic_rto_curve[i].t_us);
		CU_ASSERT(within_one_mss(cc.cwnd, cubic_rto_curve[i].cwnd));
	}
}

/*
 * Loss at cwnd 10: W_max 10, ssthresh 7, K = cbrt(7.5) = 1.957 s. W_cubic
 * stays below 10 (8.76, 9.65, 9.96 segments at 0.5, 1, 1.5 s) while W_est
 * grows 9/17 segment per RTT to cwnd_prior = 10 (at 0.567 s), then one per
 * RTT (§4.3): 9.65, 14.33, 19.33. Were alpha never raised to 1, W_est would
 * be 12.29 and 14.94 at 1 and 1.5 s.
 */
static const struct {
	uint64_t t_us;
	uint32_t cwnd;
} cubic_reno_curve[] = {
	{ SEC_US / 2, 14085 },
	{ 1 * SEC_US, 20927 },
	{ 3 * SEC_US / 2, 28227 },
};

static void
test_tcp_cc_cubic_small_window_follows_reno_friendly_estimate(void)
{
	struct dp_tcp_cc cc;
	uint64_t now = T0_US;

	cc_init(&dp_tcp_cc_cubic, &cc);
	cc.cwnd = 10 * MSS;
	dp_tcp_cc_cubic.on_congestion(&cc, 10 * MSS, 0);
	CU_ASSERT_EQUAL(cc.cwnd, 7 * MSS);
	for (size_t i = 0; i < ARRAY_SIZE(cubic_reno_curve); i++) {
		ack_clock_until(&dp_tcp_cc_cubic, &cc, &now, T0_US + cubic_reno_curve[i].t_us);
		CU_ASSERT(within_one_mss(cc.cwnd, cubic_reno_curve[i].cwnd));
	}
}

static void
test_tcp_cc_cubic_growth_per_ack_is_capped_at_half_a_segment(void)
{
	struct dp_tcp_cc cc;
	uint32_t before;

	cc_init(&dp_tcp_cc_cubic, &cc);
	cc.cwnd = 100 * MSS;
	dp_tcp_cc_cubic.on_congestion(&cc, 100 * MSS, 0);
	dp_tcp_cc_cubic.on_ack(&cc, MSS, RTT_US, cc.cwnd, T0_US);
	before = cc.cwnd;
	/*
	 * 20 s later W_cubic(t + RTT) is about 1700 segments; §4.2 clamps
	 * target to 1.5 * cwnd, so one SMSS acknowledged adds
	 * (1.5 cwnd - cwnd) / cwnd = 0.5 segment = 730 bytes (729 when cwnd
	 * is odd and cwnd / 2 rounds down).
	 */
	dp_tcp_cc_cubic.on_ack(&cc, MSS, RTT_US, cc.cwnd, T0_US + 20 * SEC_US);
	CU_ASSERT(cc.cwnd - before >= MSS / 2 - 1);
	CU_ASSERT(cc.cwnd - before <= MSS / 2);
}

static CU_TestInfo tcp_cc_tests[] = {
	{ "get_returns_each_algorithm_and_null_out_of_range",
	  test_tcp_cc_get_returns_each_algorithm_and_null_out_of_range },
	{ "every_algorithm_implements_the_mandatory_ops",
	  test_tcp_cc_every_algorithm_implements_the_mandatory_ops },
	{ "algo_from_name_maps_known_names_and_rejects_others",
	  test_tcp_cc_algo_from_name_maps_known_names_and_rejects_others },
	{ "init_sets_rfc6928_initial_window_or_iw_segs",
	  test_tcp_cc_init_sets_rfc6928_initial_window_or_iw_segs },
	{ "slow_start_grows_by_acked_up_to_two_mss",
	  test_tcp_cc_slow_start_grows_by_acked_up_to_two_mss },
	{ "newreno_slow_start_stops_at_ssthresh_and_counts_the_rest",
	  test_tcp_cc_newreno_slow_start_stops_at_ssthresh_and_counts_the_rest },
	{ "newreno_ca_adds_one_mss_per_cwnd_bytes_acked",
	  test_tcp_cc_newreno_ca_adds_one_mss_per_cwnd_bytes_acked },
	{ "newreno_ca_carries_bytes_beyond_cwnd",
	  test_tcp_cc_newreno_ca_carries_bytes_beyond_cwnd },
	{ "newreno_congestion_halves_flight_size",
	  test_tcp_cc_newreno_congestion_halves_flight_size },
	{ "newreno_congestion_floors_ssthresh_at_two_mss",
	  test_tcp_cc_newreno_congestion_floors_ssthresh_at_two_mss },
	{ "recovery_exit_takes_min_of_ssthresh_and_flight_plus_mss",
	  test_tcp_cc_recovery_exit_takes_min_of_ssthresh_and_flight_plus_mss },
	{ "newreno_first_rto_sets_ssthresh_and_loss_window",
	  test_tcp_cc_newreno_first_rto_sets_ssthresh_and_loss_window },
	{ "newreno_repeated_rto_keeps_ssthresh", test_tcp_cc_newreno_repeated_rto_keeps_ssthresh },
	{ "cubic_congestion_multiplies_cwnd_by_beta",
	  test_tcp_cc_cubic_congestion_multiplies_cwnd_by_beta },
	{ "cubic_congestion_floors_ssthresh_at_two_mss",
	  test_tcp_cc_cubic_congestion_floors_ssthresh_at_two_mss },
	{ "cubic_cwnd_follows_w_cubic_after_congestion",
	  test_tcp_cc_cubic_cwnd_follows_w_cubic_after_congestion },
	{ "cubic_fast_convergence_lowers_w_max_below_previous",
	  test_tcp_cc_cubic_fast_convergence_lowers_w_max_below_previous },
	{ "cubic_loss_above_w_max_takes_cwnd_as_w_max",
	  test_tcp_cc_cubic_loss_above_w_max_takes_cwnd_as_w_max },
	{ "cubic_small_window_follows_reno_friendly_estimate",
	  test_tcp_cc_cubic_small_window_follows_reno_friendly_estimate },
	{ "cubic_growth_per_ack_is_capped_at_half_a_segment",
	  test_tcp_cc_cubic_growth_per_ack_is_capped_at_half_a_segment },
	{ "cubic_first_rto_sets_ssthresh_and_loss_window",
	  test_tcp_cc_cubic_first_rto_sets_ssthresh_and_loss_window },
	{ "cubic_repeated_rto_keeps_ssthresh", test_tcp_cc_cubic_repeated_rto_keeps_ssthresh },
	{ "cubic_rto_restarts_the_curve_with_k_zero",
	  test_tcp_cc_cubic_rto_restarts_the_curve_with_k_zero },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_tcp_cc = {
	.pName = "dataplane/tcp_cc",
	.pTests = tcp_cc_tests,
};
