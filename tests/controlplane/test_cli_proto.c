/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief CUnit suite "controlplane/cli_proto": request splitting and response framing.
 *
 * The expected header bytes are written out by hand from the protocol
 * description in controlplane/cli/cli_proto.h (`CHIVE/1 <status> <length>\n`),
 * never produced by the formatter under test, except in the round-trip test.
 * Every outcome of the parser (header, need more, malformed) has its own
 * named test.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "controlplane/cli/cli_proto.h"
#include "tests/suites.h"

/* Values the parser must leave alone unless it returns a header. */
#define SENTINEL_STATUS (-7)
#define SENTINEL_LEN ((size_t)0xdeadbeef)

/* Parse NUL-terminated @p s (without its NUL) into the out-parameters. */
static int
parse_str(const char *s, int *status, size_t *body_len)
{
	*status = SENTINEL_STATUS;
	*body_len = SENTINEL_LEN;
	return cli_proto_hdr_parse(s, strlen(s), status, body_len);
}

/* ---- cli_proto_split ---- */

static void
test_split_simple_words(void)
{
	char line[] = "show counters all";
	char *argv[CLI_PROTO_ARGS_MAX];

	CU_ASSERT_EQUAL_FATAL(cli_proto_split(line, argv, CLI_PROTO_ARGS_MAX), 3);
	CU_ASSERT_STRING_EQUAL(argv[0], "show");
	CU_ASSERT_STRING_EQUAL(argv[1], "counters");
	CU_ASSERT_STRING_EQUAL(argv[2], "all");
}

static void
test_split_points_into_the_line_in_place(void)
{
	char line[] = "ab cd";
	char *argv[CLI_PROTO_ARGS_MAX];

	CU_ASSERT_EQUAL_FATAL(cli_proto_split(line, argv, CLI_PROTO_ARGS_MAX), 2);
	CU_ASSERT_PTR_EQUAL(argv[0], &line[0]);
	CU_ASSERT_PTR_EQUAL(argv[1], &line[3]);
	CU_ASSERT_EQUAL(line[2], '\0');
}

static void
test_split_drops_trailing_newline(void)
{
	char line[] = "help status\n";
	char *argv[CLI_PROTO_ARGS_MAX];

	CU_ASSERT_EQUAL_FATAL(cli_proto_split(line, argv, CLI_PROTO_ARGS_MAX), 2);
	CU_ASSERT_STRING_EQUAL(argv[0], "help");
	CU_ASSERT_STRING_EQUAL(argv[1], "status");
}

static void
test_split_drops_trailing_crlf(void)
{
	char line[] = "help status\r\n";
	char *argv[CLI_PROTO_ARGS_MAX];

	CU_ASSERT_EQUAL_FATAL(cli_proto_split(line, argv, CLI_PROTO_ARGS_MAX), 2);
	CU_ASSERT_STRING_EQUAL(argv[0], "help");
	CU_ASSERT_STRING_EQUAL(argv[1], "status");
}

/* Only "\r\n" is a line end; a lone trailing CR is a control character. */
static void
test_split_lone_trailing_cr_is_einval(void)
{
	char line[] = "status\r";
	char *argv[CLI_PROTO_ARGS_MAX];

	CU_ASSERT_EQUAL(cli_proto_split(line, argv, CLI_PROTO_ARGS_MAX), -EINVAL);
}

static void
test_split_tabs_and_multiple_blanks_separate(void)
{
	char line[] = "  a\t\tbb  \t ccc \t\n";
	char *argv[CLI_PROTO_ARGS_MAX];

	CU_ASSERT_EQUAL_FATAL(cli_proto_split(line, argv, CLI_PROTO_ARGS_MAX), 3);
	CU_ASSERT_STRING_EQUAL(argv[0], "a");
	CU_ASSERT_STRING_EQUAL(argv[1], "bb");
	CU_ASSERT_STRING_EQUAL(argv[2], "ccc");
}

static void
test_split_empty_line_gives_zero(void)
{
	char line[] = "";
	char *argv[CLI_PROTO_ARGS_MAX];

	CU_ASSERT_EQUAL(cli_proto_split(line, argv, CLI_PROTO_ARGS_MAX), 0);
}

static void
test_split_bare_newline_gives_zero(void)
{
	char line[] = "\r\n";
	char *argv[CLI_PROTO_ARGS_MAX];

	CU_ASSERT_EQUAL(cli_proto_split(line, argv, CLI_PROTO_ARGS_MAX), 0);
}

static void
test_split_only_blanks_gives_zero(void)
{
	char line[] = " \t  \t\n";
	char *argv[CLI_PROTO_ARGS_MAX];

	CU_ASSERT_EQUAL(cli_proto_split(line, argv, CLI_PROTO_ARGS_MAX), 0);
}

static void
test_split_exactly_max_words_is_accepted(void)
{
	char line[] = "a b c";
	char *argv[3];

	CU_ASSERT_EQUAL_FATAL(cli_proto_split(line, argv, 3), 3);
	CU_ASSERT_STRING_EQUAL(argv[2], "c");
}

static void
test_split_more_than_max_words_gives_e2big(void)
{
	char line[] = "a b c d";
	char *argv[3];

	CU_ASSERT_EQUAL(cli_proto_split(line, argv, 3), -E2BIG);
}

static void
test_split_more_than_args_max_words_gives_e2big(void)
{
	/* CLI_PROTO_ARGS_MAX + 1 one-letter words. */
	char line[2 * (CLI_PROTO_ARGS_MAX + 1) + 1];
	char *argv[CLI_PROTO_ARGS_MAX];

	memset(line, 0, sizeof(line));
	for (size_t i = 0; i < CLI_PROTO_ARGS_MAX + 1; i++) {
		line[2 * i] = 'x';
		line[2 * i + 1] = ' ';
	}
	CU_ASSERT_EQUAL(cli_proto_split(line, argv, CLI_PROTO_ARGS_MAX), -E2BIG);
}

static void
test_split_rejects_control_char(void)
{
	char line[] = "status\x01x\n";
	char *argv[CLI_PROTO_ARGS_MAX];

	CU_ASSERT_EQUAL(cli_proto_split(line, argv, CLI_PROTO_ARGS_MAX), -EINVAL);
}

static void
test_split_rejects_escape_char(void)
{
	char line[] = "\x1b[2Jstatus";
	char *argv[CLI_PROTO_ARGS_MAX];

	CU_ASSERT_EQUAL(cli_proto_split(line, argv, CLI_PROTO_ARGS_MAX), -EINVAL);
}

static void
test_split_rejects_newline_inside_line(void)
{
	char line[] = "help\nstatus\n";
	char *argv[CLI_PROTO_ARGS_MAX];

	CU_ASSERT_EQUAL(cli_proto_split(line, argv, CLI_PROTO_ARGS_MAX), -EINVAL);
}

static void
test_split_rejects_cr_inside_line(void)
{
	char line[] = "help\rstatus";
	char *argv[CLI_PROTO_ARGS_MAX];

	CU_ASSERT_EQUAL(cli_proto_split(line, argv, CLI_PROTO_ARGS_MAX), -EINVAL);
}

static void
test_split_rejects_del_0x7f(void)
{
	char line[] = "stat\x7fus";
	char *argv[CLI_PROTO_ARGS_MAX];

	CU_ASSERT_EQUAL(cli_proto_split(line, argv, CLI_PROTO_ARGS_MAX), -EINVAL);
}

static void
test_split_rejects_non_ascii_byte(void)
{
	char line[] = "caf\xc3\xa9";
	char *argv[CLI_PROTO_ARGS_MAX];

	CU_ASSERT_EQUAL(cli_proto_split(line, argv, CLI_PROTO_ARGS_MAX), -EINVAL);
}

static void
test_split_rejects_byte_0xff(void)
{
	char line[] = "a \xff";
	char *argv[CLI_PROTO_ARGS_MAX];

	CU_ASSERT_EQUAL(cli_proto_split(line, argv, CLI_PROTO_ARGS_MAX), -EINVAL);
}

/* ---- cli_proto_hdr_format ---- */

static void
test_hdr_format_writes_expected_bytes(void)
{
	char buf[CLI_PROTO_HDR_MAX];

	CU_ASSERT_EQUAL(cli_proto_hdr_format(buf, sizeof(buf), 1, 1234), 15);
	CU_ASSERT_STRING_EQUAL(buf, "CHIVE/1 1 1234\n");
}

static void
test_hdr_format_largest_header_fits_hdr_max(void)
{
	char buf[CLI_PROTO_HDR_MAX];
	int n = cli_proto_hdr_format(buf, sizeof(buf), CLI_STATUS_USAGE, CLI_PROTO_BODY_MAX);

	CU_ASSERT_EQUAL(n, 19);
	CU_ASSERT_TRUE(n < CLI_PROTO_HDR_MAX);
	CU_ASSERT_STRING_EQUAL(buf, "CHIVE/1 2 16777216\n");
}

/* ---- cli_proto_hdr_parse ---- */

static void
test_hdr_round_trip(void)
{
	static const int statuses[] = { CLI_STATUS_OK, CLI_STATUS_ERR, CLI_STATUS_USAGE };
	static const size_t lens[] = { 0, 1, 9, 10, 4096, 1234567, CLI_PROTO_BODY_MAX };

	for (size_t s = 0; s < sizeof(statuses) / sizeof(statuses[0]); s++) {
		for (size_t k = 0; k < sizeof(lens) / sizeof(lens[0]); k++) {
			char buf[CLI_PROTO_HDR_MAX + 8];
			int status = SENTINEL_STATUS;
			size_t body_len = SENTINEL_LEN;
			int n = cli_proto_hdr_format(buf, CLI_PROTO_HDR_MAX, statuses[s], lens[k]);

			CU_ASSERT_FATAL(n > 0 && n < CLI_PROTO_HDR_MAX);
			/* Body bytes follow the header; the parser must stop at its '\n'. */
			memcpy(buf + n, "body\nxx", 7);
			CU_ASSERT_EQUAL(cli_proto_hdr_parse(buf, (size_t)n + 7, &status, &body_len),
					n);
			CU_ASSERT_EQUAL(status, statuses[s]);
			CU_ASSERT_EQUAL(body_len, lens[k]);
		}
	}
}

static void
test_hdr_parse_returns_header_length_and_fields(void)
{
	int status;
	size_t body_len;

	CU_ASSERT_EQUAL(parse_str("CHIVE/1 2 5\nerror", &status, &body_len), 12);
	CU_ASSERT_EQUAL(status, 2);
	CU_ASSERT_EQUAL(body_len, 5);
}

static void
test_hdr_parse_accepts_zero_length(void)
{
	int status;
	size_t body_len;

	CU_ASSERT_EQUAL(parse_str("CHIVE/1 0 0\n", &status, &body_len), 12);
	CU_ASSERT_EQUAL(status, 0);
	CU_ASSERT_EQUAL(body_len, 0);
}

static void
test_hdr_parse_accepts_body_max(void)
{
	int status;
	size_t body_len;

	CU_ASSERT_EQUAL(parse_str("CHIVE/1 0 16777216\n", &status, &body_len), 19);
	CU_ASSERT_EQUAL(body_len, CLI_PROTO_BODY_MAX);
}

static void
test_hdr_parse_needs_more_when_cut_before_newline(void)
{
	static const char hdr[] = "CHIVE/1 1 16777216\n";

	for (size_t len = 0; len < sizeof(hdr) - 1; len++) {
		int status = SENTINEL_STATUS;
		size_t body_len = SENTINEL_LEN;

		CU_ASSERT_EQUAL(cli_proto_hdr_parse(hdr, len, &status, &body_len), 0);
		CU_ASSERT_EQUAL(status, SENTINEL_STATUS);
		CU_ASSERT_EQUAL(body_len, SENTINEL_LEN);
	}
}

static void
test_hdr_parse_rejects_bad_magic(void)
{
	int status;
	size_t body_len;

	CU_ASSERT_EQUAL(parse_str("CHIVE/2 0 1\n", &status, &body_len), -EBADMSG);
	CU_ASSERT_EQUAL(parse_str("chive/1 0 1\n", &status, &body_len), -EBADMSG);
	CU_ASSERT_EQUAL(parse_str("HTTP/1.1 200 OK\n", &status, &body_len), -EBADMSG);
	CU_ASSERT_EQUAL(status, SENTINEL_STATUS);
	CU_ASSERT_EQUAL(body_len, SENTINEL_LEN);
}

static void
test_hdr_parse_rejects_line_shorter_than_magic(void)
{
	int status;
	size_t body_len;

	CU_ASSERT_EQUAL(parse_str("CHIVE\n", &status, &body_len), -EBADMSG);
}

static void
test_hdr_parse_rejects_status_3(void)
{
	int status;
	size_t body_len;

	CU_ASSERT_EQUAL(parse_str("CHIVE/1 3 1\n", &status, &body_len), -EBADMSG);
	CU_ASSERT_EQUAL(status, SENTINEL_STATUS);
}

static void
test_hdr_parse_rejects_two_digit_status(void)
{
	int status;
	size_t body_len;

	CU_ASSERT_EQUAL(parse_str("CHIVE/1 01 1\n", &status, &body_len), -EBADMSG);
}

static void
test_hdr_parse_rejects_non_digit_length(void)
{
	int status;
	size_t body_len;

	CU_ASSERT_EQUAL(parse_str("CHIVE/1 0 12a\n", &status, &body_len), -EBADMSG);
	CU_ASSERT_EQUAL(parse_str("CHIVE/1 0 -1\n", &status, &body_len), -EBADMSG);
	CU_ASSERT_EQUAL(parse_str("CHIVE/1 0 1 \n", &status, &body_len), -EBADMSG);
	CU_ASSERT_EQUAL(body_len, SENTINEL_LEN);
}

static void
test_hdr_parse_rejects_empty_length(void)
{
	int status;
	size_t body_len;

	CU_ASSERT_EQUAL(parse_str("CHIVE/1 0 \n", &status, &body_len), -EBADMSG);
}

static void
test_hdr_parse_rejects_missing_length(void)
{
	int status;
	size_t body_len;

	CU_ASSERT_EQUAL(parse_str("CHIVE/1 0\n", &status, &body_len), -EBADMSG);
}

static void
test_hdr_parse_rejects_length_over_body_max(void)
{
	int status;
	size_t body_len;

	CU_ASSERT_EQUAL(parse_str("CHIVE/1 0 16777217\n", &status, &body_len), -EBADMSG);
	CU_ASSERT_EQUAL(body_len, SENTINEL_LEN);
}

static void
test_hdr_parse_rejects_length_that_overflows_32_bits(void)
{
	int status;
	size_t body_len;

	CU_ASSERT_EQUAL(parse_str("CHIVE/1 0 4294967297\n", &status, &body_len), -EBADMSG);
	CU_ASSERT_EQUAL(parse_str("CHIVE/1 0 18446744073709551617\n", &status, &body_len),
			-EBADMSG);
}

static void
test_hdr_parse_rejects_no_newline_within_hdr_max(void)
{
	char buf[CLI_PROTO_HDR_MAX + 2];
	int status = SENTINEL_STATUS;
	size_t body_len = SENTINEL_LEN;

	/* "CHIVE/1 0 " then zeros up to CLI_PROTO_HDR_MAX bytes, no '\n'. */
	memset(buf, '0', sizeof(buf));
	memcpy(buf, "CHIVE/1 0 ", 10);
	CU_ASSERT_EQUAL(cli_proto_hdr_parse(buf, CLI_PROTO_HDR_MAX, &status, &body_len), -EBADMSG);
	CU_ASSERT_EQUAL(status, SENTINEL_STATUS);
}

static void
test_hdr_parse_one_byte_short_of_hdr_max_needs_more(void)
{
	char buf[CLI_PROTO_HDR_MAX];
	int status = SENTINEL_STATUS;
	size_t body_len = SENTINEL_LEN;

	memset(buf, '0', sizeof(buf));
	memcpy(buf, "CHIVE/1 0 ", 10);
	CU_ASSERT_EQUAL(cli_proto_hdr_parse(buf, CLI_PROTO_HDR_MAX - 1, &status, &body_len), 0);
}

static void
test_hdr_parse_ignores_newline_past_hdr_max(void)
{
	char buf[CLI_PROTO_HDR_MAX + 1];
	int status = SENTINEL_STATUS;
	size_t body_len = SENTINEL_LEN;

	/* The only '\n' is byte CLI_PROTO_HDR_MAX, one past the allowed header. */
	memset(buf, ' ', sizeof(buf));
	memcpy(buf, "CHIVE/1 0 1", 11);
	buf[CLI_PROTO_HDR_MAX] = '\n';
	CU_ASSERT_EQUAL(cli_proto_hdr_parse(buf, sizeof(buf), &status, &body_len), -EBADMSG);
}

static CU_TestInfo cli_proto_tests[] = {
	{ "split_simple_words", test_split_simple_words },
	{ "split_points_into_the_line_in_place", test_split_points_into_the_line_in_place },
	{ "split_drops_trailing_newline", test_split_drops_trailing_newline },
	{ "split_drops_trailing_crlf", test_split_drops_trailing_crlf },
	{ "split_lone_trailing_cr_is_einval", test_split_lone_trailing_cr_is_einval },
	{ "split_tabs_and_multiple_blanks_separate", test_split_tabs_and_multiple_blanks_separate },
	{ "split_empty_line_gives_zero", test_split_empty_line_gives_zero },
	{ "split_bare_newline_gives_zero", test_split_bare_newline_gives_zero },
	{ "split_only_blanks_gives_zero", test_split_only_blanks_gives_zero },
	{ "split_exactly_max_words_is_accepted", test_split_exactly_max_words_is_accepted },
	{ "split_more_than_max_words_gives_e2big", test_split_more_than_max_words_gives_e2big },
	{ "split_more_than_args_max_words_gives_e2big",
	  test_split_more_than_args_max_words_gives_e2big },
	{ "split_rejects_control_char", test_split_rejects_control_char },
	{ "split_rejects_escape_char", test_split_rejects_escape_char },
	{ "split_rejects_newline_inside_line", test_split_rejects_newline_inside_line },
	{ "split_rejects_cr_inside_line", test_split_rejects_cr_inside_line },
	{ "split_rejects_del_0x7f", test_split_rejects_del_0x7f },
	{ "split_rejects_non_ascii_byte", test_split_rejects_non_ascii_byte },
	{ "split_rejects_byte_0xff", test_split_rejects_byte_0xff },
	{ "hdr_format_writes_expected_bytes", test_hdr_format_writes_expected_bytes },
	{ "hdr_format_largest_header_fits_hdr_max", test_hdr_format_largest_header_fits_hdr_max },
	{ "hdr_round_trip", test_hdr_round_trip },
	{ "hdr_parse_returns_header_length_and_fields",
	  test_hdr_parse_returns_header_length_and_fields },
	{ "hdr_parse_accepts_zero_length", test_hdr_parse_accepts_zero_length },
	{ "hdr_parse_accepts_body_max", test_hdr_parse_accepts_body_max },
	{ "hdr_parse_needs_more_when_cut_before_newline",
	  test_hdr_parse_needs_more_when_cut_before_newline },
	{ "hdr_parse_rejects_bad_magic", test_hdr_parse_rejects_bad_magic },
	{ "hdr_parse_rejects_line_shorter_than_magic",
	  test_hdr_parse_rejects_line_shorter_than_magic },
	{ "hdr_parse_rejects_status_3", test_hdr_parse_rejects_status_3 },
	{ "hdr_parse_rejects_two_digit_status", test_hdr_parse_rejects_two_digit_status },
	{ "hdr_parse_rejects_non_digit_length", test_hdr_parse_rejects_non_digit_length },
	{ "hdr_parse_rejects_empty_length", test_hdr_parse_rejects_empty_length },
	{ "hdr_parse_rejects_missing_length", test_hdr_parse_rejects_missing_length },
	{ "hdr_parse_rejects_length_over_body_max", test_hdr_parse_rejects_length_over_body_max },
	{ "hdr_parse_rejects_length_that_overflows_32_bits",
	  test_hdr_parse_rejects_length_that_overflows_32_bits },
	{ "hdr_parse_rejects_no_newline_within_hdr_max",
	  test_hdr_parse_rejects_no_newline_within_hdr_max },
	{ "hdr_parse_one_byte_short_of_hdr_max_needs_more",
	  test_hdr_parse_one_byte_short_of_hdr_max_needs_more },
	{ "hdr_parse_ignores_newline_past_hdr_max", test_hdr_parse_ignores_newline_past_hdr_max },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_cli_proto = {
	.pName = "controlplane/cli_proto",
	.pTests = cli_proto_tests,
};
