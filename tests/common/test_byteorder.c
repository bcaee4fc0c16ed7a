/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Tests of the big-endian helpers on unaligned buffers.
 */
#include <string.h>

#include <CUnit/CUnit.h>

#include "common/base/byteorder.h"
#include "tests/suites.h"

static void
test_byteorder_get_reads_network_order(void)
{
	static const uint8_t b[] = { 0xff, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08 };

	/* Offset 1: unaligned on purpose. */
	CU_ASSERT_EQUAL(be16_get(b + 1), 0x0102);
	CU_ASSERT_EQUAL(be32_get(b + 1), 0x01020304u);
	CU_ASSERT_EQUAL(be64_get(b + 1), UINT64_C(0x0102030405060708));
}

static void
test_byteorder_put_writes_network_order(void)
{
	static const uint8_t want[] = { 0xaa, 0x80, 0x00, 0x00, 0x01, 0xbb };
	static const uint8_t want64[] = { 0xde, 0xad, 0xbe, 0xef, 0x00, 0x11, 0x22, 0x33 };
	uint8_t b[6] = { 0xaa, 0, 0, 0, 0, 0xbb };
	uint8_t c[8];

	be32_put(b + 1, 0x80000001u);
	CU_ASSERT_EQUAL(memcmp(b, want, sizeof(b)), 0);
	be16_put(b + 1, 0x1234);
	CU_ASSERT_EQUAL(b[1], 0x12);
	CU_ASSERT_EQUAL(b[2], 0x34);
	be64_put(c, UINT64_C(0xdeadbeef00112233));
	CU_ASSERT_EQUAL(memcmp(c, want64, sizeof(c)), 0);
}

static CU_TestInfo byteorder_tests[] = {
	{ "get_reads_network_order", test_byteorder_get_reads_network_order },
	{ "put_writes_network_order", test_byteorder_put_writes_network_order },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_byteorder = {
	.pName = "common/byteorder",
	.pTests = byteorder_tests,
};
