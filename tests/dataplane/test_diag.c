/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief The RFC 864 chargen stream used by the diagnostic services.
 */
#include <string.h>

#include <CUnit/CUnit.h>

#include "dataplane/diag/diag.h"
#include "tests/suites.h"

static void
test_diag_chargen_follows_rfc864_lines(void)
{
	/* Line 0 starts with ' ', line 1 with '!'; 72 characters, then CR LF. */
	CU_ASSERT_EQUAL(dp_diag_chargen_byte(0), ' ');
	CU_ASSERT_EQUAL(dp_diag_chargen_byte(71), 'g');
	CU_ASSERT_EQUAL(dp_diag_chargen_byte(72), '\r');
	CU_ASSERT_EQUAL(dp_diag_chargen_byte(73), '\n');
	CU_ASSERT_EQUAL(dp_diag_chargen_byte(74), '!');
	/* Line 94 starts with '~' (0x7e) and wraps to ' ' after it. */
	CU_ASSERT_EQUAL(dp_diag_chargen_byte(94 * 74), '~');
	CU_ASSERT_EQUAL(dp_diag_chargen_byte(94 * 74 + 1), ' ');
	/* The stream repeats every 95 lines. */
	CU_ASSERT_EQUAL(dp_diag_chargen_byte(95 * 74 + 5), dp_diag_chargen_byte(5));
}

static void
test_diag_chargen_fill_matches_bytes_across_the_period(void)
{
	static uint8_t buf[20000];
	uint32_t bad = 0;

	dp_diag_chargen_fill(buf, sizeof(buf), 6000);
	for (uint32_t i = 0; i < sizeof(buf); i++)
		bad += buf[i] != dp_diag_chargen_byte(6000 + (uint64_t)i);
	CU_ASSERT_EQUAL(bad, 0);
}

static CU_TestInfo diag_tests[] = {
	{ "chargen_follows_rfc864_lines", test_diag_chargen_follows_rfc864_lines },
	{ "chargen_fill_matches_bytes_across_the_period",
	  test_diag_chargen_fill_matches_bytes_across_the_period },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_diag = {
	.pName = "dataplane/diag",
	.pTests = diag_tests,
};
