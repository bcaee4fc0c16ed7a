/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief CUnit suite "controlplane/lcore_busy": each lcore's recent busy ratio.
 *
 * The sampler (stats/lcore_busy.h) is fed synthetic busy and total cycle
 * counts over a virtual clock, one sample a second as the loop takes them:
 * windows of 1, 10 and 60 s, a short history, a stalled loop, counter
 * resets, lcores whose counters do not move, the ring wrapping. Then
 * cp_lcore_busy_tick() on a real segment (the counters found by name in
 * its directory), its period, a new attach epoch and a dataplane gone.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "common/ipc/ipc_shm.h"
#include "common/ipc/ipc_stats.h"
#include "controlplane/stats/lcore_busy.h"
#include "tests/suites.h"

#define SEC UINT64_C(1000000000)
#define CYCLES_PER_S UINT64_C(1000000)

static struct cp_lcore_busy b;
static uint64_t now, busy[2], total[2];

/* The segment of the tick tests: two lcores, their loop counters at BUSY and TOTAL. */
static struct ipc_shm shm;
static char shm_name[IPC_SHM_NAME_MAX];
#define BUSY 1
#define TOTAL 2

static void
setup(void)
{
	memset(&b, 0, sizeof(b));
	cp_lcore_busy_reset(&b, 2);
	now = 5 * SEC;
	memset(busy, 0, sizeof(busy));
	memset(total, 0, sizeof(total));
	memset(&shm, 0, sizeof(shm));
	shm.fd = -1;
}

static void
teardown(void)
{
	if (shm.hdr != NULL)
		ipc_shm_close(&shm);
}

/* One sample a second later: lcore 0 busy for @p permille of that second, lcore 1 idle. */
static void
second(unsigned permille)
{
	now += SEC;
	busy[0] += CYCLES_PER_S * permille / 1000;
	total[0] += CYCLES_PER_S;
	total[1] += CYCLES_PER_S;
	cp_lcore_busy_record(&b, now, busy, total);
}

/* @p n seconds, each busy for @p permille on lcore 0. */
static void
seconds(unsigned n, unsigned permille)
{
	for (unsigned i = 0; i < n; i++)
		second(permille);
}

/* lcore @p lc's ratio over @p window_s, or -1 when unknown. */
static double
ratio(uint32_t lc, uint32_t window_s)
{
	double r;

	return cp_lcore_busy_ratio(&b, lc, window_s, &r) ? r : -1.0;
}

static void
test_lcore_busy_no_samples_is_unknown(void)
{
	CU_ASSERT_EQUAL(ratio(0, 1), -1.0);
	CU_ASSERT_EQUAL(ratio(0, 60), -1.0);
	second(500);
	CU_ASSERT_EQUAL(ratio(0, 1), -1.0); /* one sample is no interval */
	CU_ASSERT_EQUAL(ratio(1, 10), -1.0);
}

static void
test_lcore_busy_zeroed_sampler_knows_nothing(void)
{
	memset(&b, 0, sizeof(b));
	CU_ASSERT_EQUAL(ratio(0, 1), -1.0);
	CU_ASSERT_EQUAL(ratio(IPC_MAX_LCORES, 1), -1.0);
}

static void
test_lcore_busy_steady_half_is_half_in_every_window(void)
{
	second(0); /* the first sample: counters at some start */
	seconds(70, 500);
	CU_ASSERT_DOUBLE_EQUAL(ratio(0, 1), 0.5, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(ratio(0, 10), 0.5, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(ratio(0, 60), 0.5, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(ratio(1, 60), 0.0, 1e-12); /* idle is known: 0 */
}

static void
test_lcore_busy_burst_shows_in_1s_and_is_diluted_in_60s(void)
{
	seconds(70, 0);
	second(1000);
	CU_ASSERT_DOUBLE_EQUAL(ratio(0, 1), 1.0, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(ratio(0, 10), 0.1, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(ratio(0, 60), 1.0 / 60, 1e-12);
}

static void
test_lcore_busy_short_history_gives_the_part_of_the_window_it_has(void)
{
	second(0);
	second(1000);
	second(0);
	CU_ASSERT_DOUBLE_EQUAL(ratio(0, 1), 0.0, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(ratio(0, 10), 0.5, 1e-12); /* 2 s of history */
	CU_ASSERT_DOUBLE_EQUAL(ratio(0, 60), 0.5, 1e-12);
}

static void
test_lcore_busy_counter_reset_restarts_the_window(void)
{
	seconds(30, 500);
	/* The dataplane restarted: its counters start again, now fully busy. */
	now += SEC;
	busy[0] = 100;
	total[0] = 100;
	cp_lcore_busy_record(&b, now, busy, total);
	CU_ASSERT_EQUAL(ratio(0, 1), -1.0);
	CU_ASSERT_EQUAL(ratio(0, 60), -1.0);
	second(1000);
	second(1000);
	CU_ASSERT_DOUBLE_EQUAL(ratio(0, 1), 1.0, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(ratio(0, 60), 1.0, 1e-12); /* nothing from before the reset */
}

static void
test_lcore_busy_reset_of_one_lcore_keeps_the_others(void)
{
	seconds(10, 500);
	now += SEC;
	busy[0] += CYCLES_PER_S / 2;
	total[0] += CYCLES_PER_S;
	total[1] = 0; /* only lcore 1's counters went back */
	cp_lcore_busy_record(&b, now, busy, total);
	CU_ASSERT_DOUBLE_EQUAL(ratio(0, 10), 0.5, 1e-12);
	CU_ASSERT_EQUAL(ratio(1, 1), -1.0);
}

static void
test_lcore_busy_counters_that_do_not_move_are_unknown(void)
{
	seconds(5, 500);
	for (int i = 0; i < 3; i++) {
		now += SEC; /* the lcore stopped flushing its counters */
		cp_lcore_busy_record(&b, now, busy, total);
	}
	CU_ASSERT_EQUAL(ratio(0, 1), -1.0);
	CU_ASSERT_DOUBLE_EQUAL(ratio(0, 60), 0.5, 1e-12); /* 60 s still sees it move */
}

static void
test_lcore_busy_busy_ahead_of_total_is_clamped(void)
{
	second(0);
	now += SEC;
	busy[0] += 3 * CYCLES_PER_S;
	total[0] += CYCLES_PER_S;
	cp_lcore_busy_record(&b, now, busy, total);
	CU_ASSERT_EQUAL(ratio(0, 1), 1.0);
}

static void
test_lcore_busy_stalled_loop_falls_back_to_the_previous_sample(void)
{
	second(0);
	second(0);
	/* Four seconds without a sample, busy throughout. */
	now += 4 * SEC;
	busy[0] += 4 * CYCLES_PER_S;
	total[0] += 4 * CYCLES_PER_S;
	cp_lcore_busy_record(&b, now, busy, total);
	CU_ASSERT_DOUBLE_EQUAL(ratio(0, 1), 1.0, 1e-12);      /* over those 4 s */
	CU_ASSERT_DOUBLE_EQUAL(ratio(0, 10), 4.0 / 5, 1e-12); /* over all 5 s */
}

static void
test_lcore_busy_sample_not_later_is_ignored(void)
{
	second(0);
	second(1000);
	busy[0] = 0; /* would look like a reset */
	cp_lcore_busy_record(&b, now, busy, total);
	cp_lcore_busy_record(&b, now - SEC, busy, total);
	CU_ASSERT_DOUBLE_EQUAL(ratio(0, 1), 1.0, 1e-12);
}

static void
test_lcore_busy_ring_wraps_and_keeps_60s(void)
{
	seconds(900, 0);
	seconds(100, 1000);
	CU_ASSERT_DOUBLE_EQUAL(ratio(0, 60), 1.0, 1e-12);
	seconds(30, 0);
	CU_ASSERT_DOUBLE_EQUAL(ratio(0, 60), 0.5, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(ratio(0, 10), 0.0, 1e-12);
	CU_ASSERT_EQUAL(b.lc[0].n, CP_LCORE_BUSY_SAMPLES);
}

static void
test_lcore_busy_late_ticks_stay_in_the_window(void)
{
	/*
	 * Samples 1.001 s apart (a 1 ms timer), one busy second among them:
	 * 60 samples back is 60.06 s, still the 60 s window, and 61 is not.
	 */
	for (int i = 0; i < 70; i++) {
		now += SEC + SEC / 1000;
		busy[0] += i == 10 ? CYCLES_PER_S : 0;
		total[0] += CYCLES_PER_S;
		cp_lcore_busy_record(&b, now, busy, total);
	}
	CU_ASSERT_DOUBLE_EQUAL(ratio(0, 60), 1.0 / 60, 1e-12);
}

/* ---- cp_lcore_busy_tick() on a segment ------------------------------------------ */

/* Make the segment: two lcores and their /dp/lcore/ counters. @return false on failure. */
static bool
make_segment(bool with_cycles)
{
	struct ipc_seg_geom g;
	struct ipc_ctr_dir *d;
	char err[256];

	snprintf(shm_name, sizeof(shm_name), "chive-ut-%d-busy", (int)getpid());
	ipc_seg_geom_default(&g, 2);
	if (ipc_shm_create(shm_name, &g, (uint32_t)getppid(), &shm, err, sizeof(err)) != 0)
		return false;
	d = ipc_shm_ctr_dir(&shm);
	ipc_ctr_dir_begin(d);
	ipc_ctr_dir_add(d, "/dp/lcore/iterations", IPC_CTR_KIND_COUNTER, "iterations");
	if (with_cycles) {
		ipc_ctr_dir_add(d, "/dp/lcore/busy_cycles", IPC_CTR_KIND_COUNTER, "busy");
		ipc_ctr_dir_add(d, "/dp/lcore/total_cycles", IPC_CTR_KIND_COUNTER, "total");
	}
	ipc_ctr_dir_end(d);
	return true;
}

/* Add @p b and @p t cycles to lcore @p lc's counters in the segment. */
static void
run_lcore(uint32_t lc, uint64_t b_cycles, uint64_t t_cycles)
{
	ipc_ctr_add(ipc_shm_ctr_block(&shm, lc), BUSY, b_cycles);
	ipc_ctr_add(ipc_shm_ctr_block(&shm, lc), TOTAL, t_cycles);
}

static void
test_lcore_busy_tick_samples_the_segment_once_a_period(void)
{
	CU_ASSERT_FATAL(make_segment(true));
	memset(&b, 0, sizeof(b));
	cp_lcore_busy_tick(&b, &shm, 1, now); /* the first sample, at once */
	CU_ASSERT_EQUAL(b.n_lcores, 2);
	CU_ASSERT_EQUAL(b.lc[0].n, 1);
	run_lcore(0, 250, 1000);
	run_lcore(1, 1000, 1000);
	cp_lcore_busy_tick(&b, &shm, 1, now + SEC / 2); /* not due */
	CU_ASSERT_EQUAL(b.lc[0].n, 1);
	CU_ASSERT_EQUAL(ratio(0, 1), -1.0);
	cp_lcore_busy_tick(&b, &shm, 1, now + SEC);
	CU_ASSERT_EQUAL(b.lc[0].n, 2);
	CU_ASSERT_DOUBLE_EQUAL(ratio(0, 1), 0.25, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(ratio(1, 60), 1.0, 1e-12);
}

static void
test_lcore_busy_tick_new_epoch_starts_afresh(void)
{
	CU_ASSERT_FATAL(make_segment(true));
	memset(&b, 0, sizeof(b));
	cp_lcore_busy_tick(&b, &shm, 1, now);
	run_lcore(0, 500, 1000);
	cp_lcore_busy_tick(&b, &shm, 1, now + SEC);
	CU_ASSERT_DOUBLE_EQUAL(ratio(0, 1), 0.5, 1e-12);
	cp_lcore_busy_tick(&b, &shm, 2, now + SEC + 1); /* re-attached: another dataplane */
	CU_ASSERT_EQUAL(b.lc[0].n, 1);
	CU_ASSERT_EQUAL(ratio(0, 1), -1.0);
}

static void
test_lcore_busy_tick_dataplane_down_forgets(void)
{
	CU_ASSERT_FATAL(make_segment(true));
	memset(&b, 0, sizeof(b));
	cp_lcore_busy_tick(&b, &shm, 1, now);
	run_lcore(0, 500, 1000);
	cp_lcore_busy_tick(&b, &shm, 1, now + SEC);
	cp_lcore_busy_tick(&b, NULL, 1, now + 2 * SEC);
	CU_ASSERT_EQUAL(b.n_lcores, 0);
	CU_ASSERT_EQUAL(ratio(0, 1), -1.0);
}

static void
test_lcore_busy_tick_without_the_counters_knows_nothing(void)
{
	CU_ASSERT_FATAL(make_segment(false));
	memset(&b, 0, sizeof(b));
	for (int i = 0; i < 3; i++)
		cp_lcore_busy_tick(&b, &shm, 1, now + (uint64_t)i * SEC);
	CU_ASSERT_FALSE(b.have_idx);
	CU_ASSERT_EQUAL(b.lc[0].n, 0);
	CU_ASSERT_EQUAL(ratio(0, 1), -1.0);
}

static CU_TestInfo lcore_busy_tests[] = {
	{ "no_samples_is_unknown", test_lcore_busy_no_samples_is_unknown },
	{ "zeroed_sampler_knows_nothing", test_lcore_busy_zeroed_sampler_knows_nothing },
	{ "steady_half_is_half_in_every_window",
	  test_lcore_busy_steady_half_is_half_in_every_window },
	{ "burst_shows_in_1s_and_is_diluted_in_60s",
	  test_lcore_busy_burst_shows_in_1s_and_is_diluted_in_60s },
	{ "short_history_gives_the_part_of_the_window_it_has",
	  test_lcore_busy_short_history_gives_the_part_of_the_window_it_has },
	{ "counter_reset_restarts_the_window", test_lcore_busy_counter_reset_restarts_the_window },
	{ "reset_of_one_lcore_keeps_the_others",
	  test_lcore_busy_reset_of_one_lcore_keeps_the_others },
	{ "counters_that_do_not_move_are_unknown",
	  test_lcore_busy_counters_that_do_not_move_are_unknown },
	{ "busy_ahead_of_total_is_clamped", test_lcore_busy_busy_ahead_of_total_is_clamped },
	{ "stalled_loop_falls_back_to_the_previous_sample",
	  test_lcore_busy_stalled_loop_falls_back_to_the_previous_sample },
	{ "sample_not_later_is_ignored", test_lcore_busy_sample_not_later_is_ignored },
	{ "ring_wraps_and_keeps_60s", test_lcore_busy_ring_wraps_and_keeps_60s },
	{ "late_ticks_stay_in_the_window", test_lcore_busy_late_ticks_stay_in_the_window },
	{ "tick_samples_the_segment_once_a_period",
	  test_lcore_busy_tick_samples_the_segment_once_a_period },
	{ "tick_new_epoch_starts_afresh", test_lcore_busy_tick_new_epoch_starts_afresh },
	{ "tick_dataplane_down_forgets", test_lcore_busy_tick_dataplane_down_forgets },
	{ "tick_without_the_counters_knows_nothing",
	  test_lcore_busy_tick_without_the_counters_knows_nothing },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_lcore_busy = {
	.pName = "controlplane/lcore_busy",
	.pSetUpFunc = setup,
	.pTearDownFunc = teardown,
	.pTests = lcore_busy_tests,
};
