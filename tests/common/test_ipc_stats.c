/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Tests of the counter directory (names, limits, seqlock snapshot) and blocks.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "common/ipc/ipc_stats.h"
#include "tests/suites.h"

#define T_MAX 4u

static struct ipc_ctr_dir *dir;
static struct ipc_ctr_block *blk;

static void
setup(void)
{
	void *m = NULL;

	CU_ASSERT_FATAL(posix_memalign(&m, 64, ipc_ctr_dir_size(T_MAX)) == 0);
	dir = m;
	ipc_ctr_dir_init(dir, T_MAX);
	m = NULL;
	CU_ASSERT_FATAL(posix_memalign(&m, 64, ipc_ctr_block_size(T_MAX)) == 0);
	memset(m, 0, ipc_ctr_block_size(T_MAX));
	blk = m;
}

static void
teardown(void)
{
	free(dir);
	free(blk);
	dir = NULL;
	blk = NULL;
}

static void
test_stats_add_assigns_sequential_indices(void)
{
	ipc_ctr_dir_begin(dir);
	CU_ASSERT_EQUAL(ipc_ctr_dir_add(dir, "/dp/a", IPC_CTR_KIND_COUNTER, "a"), 0);
	CU_ASSERT_EQUAL(ipc_ctr_dir_add(dir, "/dp/b/c_1", IPC_CTR_KIND_GAUGE, "b"), 1);
	ipc_ctr_dir_end(dir);
	CU_ASSERT_EQUAL(dir->n, 2);
	CU_ASSERT_STRING_EQUAL(dir->desc[1].name, "/dp/b/c_1");
	CU_ASSERT_EQUAL(dir->desc[1].kind, IPC_CTR_KIND_GAUGE);
	CU_ASSERT_EQUAL(atomic_load(&dir->epoch) % 2, 0);
}

static void
test_stats_rejects_malformed_names(void)
{
	static const char *const bad[] = {
		"", "/", "dp/a", "/dp/A", "/dp//a", "/dp/a/", "/dp/a-b", "/dp/a b",
		"/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CU_ASSERT_EQUAL(ipc_ctr_dir_add(dir, bad[i], IPC_CTR_KIND_COUNTER, ""), -EINVAL);
	CU_ASSERT_EQUAL(dir->n, 0);
}

static void
test_stats_rejects_bad_kind_and_help(void)
{
	CU_ASSERT_EQUAL(ipc_ctr_dir_add(dir, "/dp/a", 7, "x"), -EINVAL);
	CU_ASSERT_EQUAL(ipc_ctr_dir_add(dir, "/dp/a", IPC_CTR_KIND_COUNTER, "tab\there"), -EINVAL);
	CU_ASSERT_EQUAL(dir->n, 0);
}

static void
test_stats_rejects_duplicate_name(void)
{
	CU_ASSERT_EQUAL(ipc_ctr_dir_add(dir, "/dp/a", IPC_CTR_KIND_COUNTER, ""), 0);
	CU_ASSERT_EQUAL(ipc_ctr_dir_add(dir, "/dp/a", IPC_CTR_KIND_GAUGE, ""), -EEXIST);
}

static void
test_stats_full_directory_is_enospc(void)
{
	CU_ASSERT_EQUAL(ipc_ctr_dir_add(dir, "/a", IPC_CTR_KIND_COUNTER, ""), 0);
	CU_ASSERT_EQUAL(ipc_ctr_dir_add(dir, "/b", IPC_CTR_KIND_COUNTER, ""), 1);
	CU_ASSERT_EQUAL(ipc_ctr_dir_add(dir, "/c", IPC_CTR_KIND_COUNTER, ""), 2);
	CU_ASSERT_EQUAL(ipc_ctr_dir_add(dir, "/d", IPC_CTR_KIND_COUNTER, ""), 3);
	CU_ASSERT_EQUAL(ipc_ctr_dir_add(dir, "/e", IPC_CTR_KIND_COUNTER, ""), -ENOSPC);
}

static void
test_stats_snapshot_copies_entries(void)
{
	struct ipc_ctr_desc out[T_MAX];
	uint32_t n = 0, bad = 9;

	ipc_ctr_dir_begin(dir);
	ipc_ctr_dir_add(dir, "/x", IPC_CTR_KIND_COUNTER, "help x");
	ipc_ctr_dir_add(dir, "/y", IPC_CTR_KIND_GAUGE, "help y");
	ipc_ctr_dir_end(dir);
	CU_ASSERT_EQUAL(ipc_ctr_dir_snapshot(dir, out, T_MAX, T_MAX, &n, &bad), 0);
	CU_ASSERT_EQUAL(n, 2);
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_STRING_EQUAL(out[0].name, "/x");
	CU_ASSERT_STRING_EQUAL(out[1].help, "help y");
	CU_ASSERT_EQUAL(out[1].index, 1);
}

static void
test_stats_snapshot_during_write_is_eagain(void)
{
	struct ipc_ctr_desc out[T_MAX];
	uint32_t n = 0;

	ipc_ctr_dir_begin(dir);
	ipc_ctr_dir_add(dir, "/x", IPC_CTR_KIND_COUNTER, "");
	CU_ASSERT_EQUAL(ipc_ctr_dir_snapshot(dir, out, T_MAX, T_MAX, &n, NULL), -EAGAIN);
	ipc_ctr_dir_end(dir);
	CU_ASSERT_EQUAL(ipc_ctr_dir_snapshot(dir, out, T_MAX, T_MAX, &n, NULL), 0);
	CU_ASSERT_EQUAL(n, 1);
}

static void
test_stats_snapshot_skips_corrupt_entries(void)
{
	struct ipc_ctr_desc out[T_MAX];
	uint32_t n = 0, bad = 0;

	ipc_ctr_dir_add(dir, "/a", IPC_CTR_KIND_COUNTER, "");
	ipc_ctr_dir_add(dir, "/b", IPC_CTR_KIND_COUNTER, "");
	ipc_ctr_dir_add(dir, "/c", IPC_CTR_KIND_COUNTER, "");
	memset(dir->desc[0].name, 'a', sizeof(dir->desc[0].name)); /* unterminated */
	dir->desc[1].index = T_MAX;                                 /* beyond the block */
	CU_ASSERT_EQUAL(ipc_ctr_dir_snapshot(dir, out, T_MAX, T_MAX, &n, &bad), 0);
	CU_ASSERT_EQUAL(n, 1);
	CU_ASSERT_EQUAL(bad, 2);
	CU_ASSERT_STRING_EQUAL(out[0].name, "/c");
}

static void
test_stats_snapshot_bounds_corrupt_count(void)
{
	struct ipc_ctr_desc out[T_MAX];
	uint32_t n = 0;

	ipc_ctr_dir_add(dir, "/a", IPC_CTR_KIND_COUNTER, "");
	dir->n = 1000000; /* a broken writer: only max entries may be read */
	CU_ASSERT_EQUAL(ipc_ctr_dir_snapshot(dir, out, T_MAX, T_MAX, &n, NULL), 0);
	CU_ASSERT(n <= T_MAX);
}

static void
test_stats_block_add_set_get(void)
{
	ipc_ctr_add(blk, 2, 5);
	ipc_ctr_add(blk, 2, 7);
	ipc_ctr_set(blk, 3, 99);
	CU_ASSERT_EQUAL(ipc_ctr_get(blk, 2), 12);
	CU_ASSERT_EQUAL(ipc_ctr_get(blk, 3), 99);
	CU_ASSERT_EQUAL(ipc_ctr_get(blk, 0), 0);
	CU_ASSERT_EQUAL(ipc_ctr_block_size(9), 128);
}

static CU_TestInfo ipc_stats_tests[] = {
	{ "add_assigns_sequential_indices", test_stats_add_assigns_sequential_indices },
	{ "rejects_malformed_names", test_stats_rejects_malformed_names },
	{ "rejects_bad_kind_and_help", test_stats_rejects_bad_kind_and_help },
	{ "rejects_duplicate_name", test_stats_rejects_duplicate_name },
	{ "full_directory_is_enospc", test_stats_full_directory_is_enospc },
	{ "snapshot_copies_entries", test_stats_snapshot_copies_entries },
	{ "snapshot_during_write_is_eagain", test_stats_snapshot_during_write_is_eagain },
	{ "snapshot_skips_corrupt_entries", test_stats_snapshot_skips_corrupt_entries },
	{ "snapshot_bounds_corrupt_count", test_stats_snapshot_bounds_corrupt_count },
	{ "block_add_set_get", test_stats_block_add_set_get },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_ipc_stats = {
	.pName = "common/ipc_stats",
	.pSetUpFunc = setup,
	.pTearDownFunc = teardown,
	.pTests = ipc_stats_tests,
};
