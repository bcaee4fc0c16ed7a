/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Counter reading: names from the directory, values summed over lcores, filters.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "common/ipc/ipc_shm.h"
#include "controlplane/stats/stats.h"
#include "tests/suites.h"

static struct ipc_shm shm;
static char name[IPC_SHM_NAME_MAX];

static void
setup(void)
{
	struct ipc_seg_geom g;
	struct ipc_ctr_dir *d;
	char err[256];

	snprintf(name, sizeof(name), "chive-ut-%d-stats", (int)getpid());
	ipc_seg_geom_default(&g, 3);
	CU_ASSERT_FATAL(ipc_shm_create(name, &g, (uint32_t)getppid(), &shm, err, sizeof(err)) == 0);
	d = ipc_shm_ctr_dir(&shm);
	ipc_ctr_dir_begin(d);
	ipc_ctr_dir_add(d, "/dp/tcp/rx_segs", IPC_CTR_KIND_COUNTER, "segments");
	ipc_ctr_dir_add(d, "/dp/tcp/conns", IPC_CTR_KIND_GAUGE, "connections");
	ipc_ctr_dir_add(d, "/dp/ip/rx", IPC_CTR_KIND_COUNTER, "packets");
	ipc_ctr_dir_end(d);
	for (uint32_t lc = 0; lc < 3; lc++) {
		ipc_ctr_add(ipc_shm_ctr_block(&shm, lc), 0, 10 * (lc + 1)); /* 10+20+30 */
		ipc_ctr_set(ipc_shm_ctr_block(&shm, lc), 1, lc);              /* 0+1+2 */
		ipc_ctr_add(ipc_shm_ctr_block(&shm, lc), 2, 1000);
	}
}

static void
teardown(void)
{
	ipc_shm_close(&shm);
}

static void
test_stats_sums_every_counter_over_lcores(void)
{
	struct cp_stat st[8];

	CU_ASSERT_EQUAL_FATAL(cp_stats_read(&shm, NULL, st, 8), 3);
	CU_ASSERT_STRING_EQUAL(st[0].desc.name, "/dp/tcp/rx_segs");
	CU_ASSERT_EQUAL(st[0].total, 60);
	CU_ASSERT_EQUAL(st[1].total, 3);
	CU_ASSERT_EQUAL(st[1].desc.kind, IPC_CTR_KIND_GAUGE);
	CU_ASSERT_EQUAL(st[2].total, 3000);
}

static void
test_stats_filter_keeps_matching_names(void)
{
	struct cp_stat st[8];

	CU_ASSERT_EQUAL_FATAL(cp_stats_read(&shm, "/tcp/", st, 8), 2);
	CU_ASSERT_STRING_EQUAL(st[1].desc.name, "/dp/tcp/conns");
	CU_ASSERT_EQUAL(cp_stats_read(&shm, "nothing-like-this", st, 8), 0);
}

static void
test_stats_output_is_bounded_by_max(void)
{
	struct cp_stat st[1];

	CU_ASSERT_EQUAL(cp_stats_read(&shm, "", st, 1), 1);
}

static void
test_stats_directory_being_written_is_eagain(void)
{
	struct cp_stat st[8];

	ipc_ctr_dir_begin(ipc_shm_ctr_dir(&shm));
	CU_ASSERT_EQUAL(cp_stats_read(&shm, NULL, st, 8), -EAGAIN);
	ipc_ctr_dir_end(ipc_shm_ctr_dir(&shm));
}

static CU_TestInfo stats_tests[] = {
	{ "sums_every_counter_over_lcores", test_stats_sums_every_counter_over_lcores },
	{ "filter_keeps_matching_names", test_stats_filter_keeps_matching_names },
	{ "output_is_bounded_by_max", test_stats_output_is_bounded_by_max },
	{ "directory_being_written_is_eagain", test_stats_directory_being_written_is_eagain },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_stats = {
	.pName = "controlplane/stats",
	.pSetUpFunc = setup,
	.pTearDownFunc = teardown,
	.pTests = stats_tests,
};
