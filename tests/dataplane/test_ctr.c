/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Dataplane counters: the .def tables publish into the directory at
 * the enum's indices, and increments show up to a reader of the block.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "common/ipc/ipc_shm.h"
#include "dataplane/base/dp_ctr.h"
#include "dataplane/lcore.h"
#include "tests/suites.h"

static struct ipc_shm shm;
static char name[IPC_SHM_NAME_MAX];

static void
setup(void)
{
	struct ipc_seg_geom g;
	char err[256];

	snprintf(name, sizeof(name), "chive-dptest-%d-ctr", (int)getpid());
	ipc_seg_geom_default(&g, 1);
	CU_ASSERT_FATAL(ipc_shm_create(name, &g, (uint32_t)getpid(), &shm, err, sizeof(err)) == 0);
}

static void
teardown(void)
{
	ipc_shm_close(&shm);
}

static void
test_ctr_publish_puts_every_counter_at_its_enum_index(void)
{
	struct ipc_ctr_desc out[DP_CTR__COUNT + 1];
	uint32_t n = 0, bad = 0;

	CU_ASSERT_EQUAL_FATAL(dp_ctr_publish(ipc_shm_ctr_dir(&shm)), 0);
	CU_ASSERT_EQUAL_FATAL(ipc_ctr_dir_snapshot(ipc_shm_ctr_dir(&shm), out, DP_CTR__COUNT + 1,
						   shm.hdr->ctr_max, &n, &bad),
			      0);
	CU_ASSERT_EQUAL(n, DP_CTR__COUNT);
	CU_ASSERT_EQUAL(bad, 0);
	for (uint32_t i = 0; i < n; i++) {
		CU_ASSERT_EQUAL(out[i].index, i);
		CU_ASSERT_STRING_EQUAL(out[i].name, dp_ctr_table[i].name);
	}
	CU_ASSERT_STRING_EQUAL(out[DP_CTR_ipc_evt_full].name, "/dp/ipc/evt_full");
	CU_ASSERT_EQUAL(out[DP_CTR_lcore_busy_cycles].kind, IPC_CTR_KIND_COUNTER);
}

static void
test_ctr_publish_twice_fails(void)
{
	CU_ASSERT_EQUAL(dp_ctr_publish(ipc_shm_ctr_dir(&shm)), 0);
	CU_ASSERT(dp_ctr_publish(ipc_shm_ctr_dir(&shm)) < 0);
}

static void
test_ctr_increment_is_visible_to_a_reader(void)
{
	struct dp_lcore lc;
	atomic_int stop = 0;

	CU_ASSERT_FATAL(dp_lcore_init(&lc, &shm, 0, &stop, 1000) == 0);
	DP_CTR_INC(&lc, ipc_cmd_bad);
	DP_CTR_ADD(&lc, ipc_cmd_bad, 41);
	CU_ASSERT_EQUAL(ipc_ctr_get(ipc_shm_ctr_block(&shm, 0), DP_CTR_ipc_cmd_bad), 42);
	CU_ASSERT_EQUAL(ipc_ctr_get(ipc_shm_ctr_block(&shm, 0), DP_CTR_ipc_cmd_rx), 0);
}

static void
test_ctr_loop_counters_flush_to_the_block(void)
{
	struct dp_lcore lc;
	atomic_int stop = 0;

	CU_ASSERT_FATAL(dp_lcore_init(&lc, &shm, 0, &stop, 1000) == 0);
	lc.iterations = 10;
	lc.busy_acc = 300;
	lc.total_acc = 1000;
	dp_lcore_flush_ctrs(&lc);
	CU_ASSERT_EQUAL(DP_CTR_GET(&lc, lcore_iterations), 10);
	CU_ASSERT_EQUAL(DP_CTR_GET(&lc, lcore_busy_cycles), 300);
	CU_ASSERT_EQUAL(DP_CTR_GET(&lc, lcore_total_cycles), 1000);
	CU_ASSERT_EQUAL(lc.total_acc, 0);
}

static CU_TestInfo dp_ctr_tests[] = {
	{ "publish_puts_every_counter_at_its_enum_index",
	  test_ctr_publish_puts_every_counter_at_its_enum_index },
	{ "publish_twice_fails", test_ctr_publish_twice_fails },
	{ "increment_is_visible_to_a_reader", test_ctr_increment_is_visible_to_a_reader },
	{ "loop_counters_flush_to_the_block", test_ctr_loop_counters_flush_to_the_block },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_dp_ctr = {
	.pName = "dataplane/ctr",
	.pSetUpFunc = setup,
	.pTearDownFunc = teardown,
	.pTests = dp_ctr_tests,
};
