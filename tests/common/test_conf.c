/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief CUnit suite "common/conf": the config-file scanner, the schema and its value kinds.
 *
 * The scanner is checked against tor's torrc rules (comments, also after a
 * value; continuation lines; keywords in any case) and against what Chive
 * refuses on top (NUL and control bytes, long lines and files). Every value
 * kind has a test with its exact `FILE:LINE: Keyword: reason` message, and
 * the unit tables are tor's (src/lib/confmgt/unitparse.c).
 */
#include "tests/suites.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "common/conf/conf.h"

static struct conf_file f;
static char err[1024];
static char tmp_path[64];

static void
setup(void)
{
	memset(&f, 0, sizeof(f));
	err[0] = '\0';
	tmp_path[0] = '\0';
}

static void
teardown(void)
{
	conf_free(&f);
	if (tmp_path[0] != '\0')
		unlink(tmp_path);
}

/* Scan @p text as the file "f.conf". */
static int
parse(const char *text)
{
	return conf_parse(&f, "f.conf", text, strlen(text), err, sizeof(err));
}

/* Scan and validate @p text as "f.conf". */
static int
check(const char *text)
{
	int rc = parse(text);

	return rc != 0 ? rc : conf_validate(&f, err, sizeof(err));
}

/* ---------------------------------------------------------------- scanner */

static void
test_conf_parse_keyword_and_value(void)
{
	CU_ASSERT_EQUAL_FATAL(parse("Nickname Chive\nORPort 9001\n"), 0);
	CU_ASSERT_EQUAL_FATAL(f.n, 2);
	CU_ASSERT_STRING_EQUAL(f.entries[0].key, "Nickname");
	CU_ASSERT_STRING_EQUAL(f.entries[0].value, "Chive");
	CU_ASSERT_EQUAL(f.entries[0].line, 1);
	CU_ASSERT_STRING_EQUAL(f.entries[1].key, "ORPort");
	CU_ASSERT_STRING_EQUAL(f.entries[1].value, "9001");
	CU_ASSERT_EQUAL(f.entries[1].line, 2);
}

static void
test_conf_parse_skips_comments_and_blank_lines(void)
{
	CU_ASSERT_EQUAL_FATAL(parse("# a comment\n\n   \n\t# indented comment\nNickname A\n"), 0);
	CU_ASSERT_EQUAL_FATAL(f.n, 1);
	CU_ASSERT_STRING_EQUAL(f.entries[0].value, "A");
	CU_ASSERT_EQUAL(f.entries[0].line, 5);
}

static void
test_conf_parse_comment_after_value(void)
{
	CU_ASSERT_EQUAL_FATAL(parse("ContactInfo someone at example # not this\n"), 0);
	CU_ASSERT_STRING_EQUAL(f.entries[0].value, "someone at example");
}

static void
test_conf_parse_trims_spaces_and_tabs(void)
{
	CU_ASSERT_EQUAL_FATAL(parse("  \tNickname \t  A B \t \n"), 0);
	CU_ASSERT_STRING_EQUAL(f.entries[0].key, "Nickname");
	CU_ASSERT_STRING_EQUAL(f.entries[0].value, "A B");
}

static void
test_conf_parse_crlf_lines(void)
{
	CU_ASSERT_EQUAL_FATAL(parse("Nickname A\r\nORPort 1\r\n"), 0);
	CU_ASSERT_EQUAL_FATAL(f.n, 2);
	CU_ASSERT_STRING_EQUAL(f.entries[0].value, "A");
	CU_ASSERT_STRING_EQUAL(f.entries[1].value, "1");
}

static void
test_conf_parse_last_line_without_newline(void)
{
	CU_ASSERT_EQUAL_FATAL(parse("Nickname A\nORPort 9001"), 0);
	CU_ASSERT_EQUAL_FATAL(f.n, 2);
	CU_ASSERT_STRING_EQUAL(f.entries[1].value, "9001");
}

static void
test_conf_parse_keyword_without_value(void)
{
	CU_ASSERT_EQUAL_FATAL(parse("Nickname\nORPort   # nothing\n"), 0);
	CU_ASSERT_EQUAL_FATAL(f.n, 2);
	CU_ASSERT_STRING_EQUAL(f.entries[0].value, "");
	CU_ASSERT_STRING_EQUAL(f.entries[1].value, "");
}

/* tor: the backslash and newline go, the next line is appended as it is. */
static void
test_conf_parse_continuation_joins_lines(void)
{
	CU_ASSERT_EQUAL_FATAL(parse("MyFamily A,\\\nB,\\\n   C\nNickname X\n"), 0);
	CU_ASSERT_EQUAL_FATAL(f.n, 2);
	CU_ASSERT_STRING_EQUAL(f.entries[0].value, "A,B,   C");
	CU_ASSERT_EQUAL(f.entries[0].line, 1);
	CU_ASSERT_STRING_EQUAL(f.entries[1].key, "Nickname");
	CU_ASSERT_EQUAL(f.entries[1].line, 4);
}

static void
test_conf_parse_continuation_skips_comment_lines(void)
{
	CU_ASSERT_EQUAL_FATAL(parse("MyFamily A, \\\n# between\n  B # after\n"), 0);
	CU_ASSERT_EQUAL_FATAL(f.n, 1);
	CU_ASSERT_STRING_EQUAL(f.entries[0].value, "A,   B");
}

static void
test_conf_parse_continuation_ended_by_blank_line(void)
{
	CU_ASSERT_EQUAL_FATAL(parse("MyFamily A \\\n\nNickname B\n"), 0);
	CU_ASSERT_EQUAL_FATAL(f.n, 2);
	CU_ASSERT_STRING_EQUAL(f.entries[0].value, "A");
	CU_ASSERT_STRING_EQUAL(f.entries[1].value, "B");
	CU_ASSERT_EQUAL(f.entries[1].line, 3);
}

static void
test_conf_parse_continuation_at_end_of_file(void)
{
	CU_ASSERT_EQUAL_FATAL(parse("MyFamily A,\\"), 0);
	CU_ASSERT_EQUAL_FATAL(f.n, 1);
	CU_ASSERT_STRING_EQUAL(f.entries[0].value, "A,");
}

static void
test_conf_parse_quoted_value_keeps_hash(void)
{
	CU_ASSERT_EQUAL_FATAL(parse("ContactInfo \"ops #1 \\\"x\\\" \\\\\"  # comment\n"), 0);
	CU_ASSERT_STRING_EQUAL(f.entries[0].value, "ops #1 \"x\" \\");
}

static void
test_conf_parse_refuses_unterminated_quote(void)
{
	CU_ASSERT_EQUAL(parse("Nickname A\nContactInfo \"open\n"), -EINVAL);
	CU_ASSERT_STRING_EQUAL(err, "f.conf:2: quoted value has no closing quote");
}

static void
test_conf_parse_refuses_text_after_quote(void)
{
	CU_ASSERT_EQUAL(parse("ContactInfo \"a\" b\n"), -EINVAL);
	CU_ASSERT_STRING_EQUAL(err, "f.conf:1: text after the closing quote");
}

static void
test_conf_parse_refuses_nul_byte(void)
{
	static const char text[] = "Nickname A\nORPort 9\0001\n";

	CU_ASSERT_EQUAL(conf_parse(&f, "f.conf", text, sizeof(text) - 1, err, sizeof(err)),
			-EINVAL);
	CU_ASSERT_STRING_EQUAL(err, "f.conf:2: NUL byte 0x00: not a text file");
}

static void
test_conf_parse_refuses_control_byte(void)
{
	CU_ASSERT_EQUAL(parse("Nickname A\x1b[0m\n"), -EINVAL);
	CU_ASSERT_STRING_EQUAL(err, "f.conf:1: control byte 0x1b: not a text file");
}

static void
test_conf_parse_refuses_long_line(void)
{
	char *text = malloc(CONF_LINE_MAX + 64);

	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	strcpy(text, "# fine\nContactInfo ");
	memset(text + strlen(text), 'x', CONF_LINE_MAX);
	text[7 + 12 + CONF_LINE_MAX] = '\0';
	CU_ASSERT_EQUAL(parse(text), -EINVAL);
	CU_ASSERT_STRING_EQUAL(err, "f.conf:2: line longer than 4096 bytes");
	free(text);
}

static void
test_conf_parse_refuses_long_joined_line(void)
{
	char *text = malloc(3 * 3000 + 64), *p;

	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	p = text + sprintf(text, "MyFamily ");
	for (int i = 0; i < 3; i++) {
		memset(p, 'a', 2990);
		p += 2990;
		p += sprintf(p, "\\\n");
	}
	strcpy(p, "b\n");
	CU_ASSERT_EQUAL(parse(text), -EINVAL);
	CU_ASSERT_STRING_EQUAL(err, "f.conf:1: line longer than 4096 bytes");
	free(text);
}

static void
test_conf_parse_refuses_file_over_1mib(void)
{
	size_t len = CONF_FILE_MAX + 1;
	char *text = malloc(len);

	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	memset(text, '\n', len);
	CU_ASSERT_EQUAL(conf_parse(&f, "f.conf", text, len, err, sizeof(err)), -EFBIG);
	CU_ASSERT_STRING_EQUAL(err, "f.conf: larger than 1048576 bytes");
	free(text);
}

static void
test_conf_parse_skips_utf8_bom(void)
{
	CU_ASSERT_EQUAL_FATAL(parse("\xef\xbb\xbfNickname A\n"), 0);
	CU_ASSERT_STRING_EQUAL(f.entries[0].key, "Nickname");
}

static void
test_conf_read_missing_file(void)
{
	CU_ASSERT_EQUAL(conf_read(&f, "/nonexistent/chive.conf", err, sizeof(err)), -ENOENT);
	CU_ASSERT_STRING_EQUAL(err, "/nonexistent/chive.conf: No such file or directory");
}

static void
test_conf_read_file(void)
{
	int fd;
	char want[128];

	snprintf(tmp_path, sizeof(tmp_path), "/tmp/chive-test-conf-XXXXXX");
	fd = mkstemp(tmp_path);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL_FATAL(write(fd, "Nickname A\nNicknam B\n", 21), 21);
	close(fd);
	CU_ASSERT_EQUAL_FATAL(conf_read(&f, tmp_path, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(f.n, 2);
	CU_ASSERT_EQUAL(conf_validate(&f, err, sizeof(err)), -EINVAL);
	snprintf(want, sizeof(want), "%s:2: unknown option \"Nicknam\"", tmp_path);
	CU_ASSERT_STRING_EQUAL(err, want);
}

/* ----------------------------------------------------------------- schema */

static void
test_conf_keywords_any_case(void)
{
	CU_ASSERT_EQUAL_FATAL(check("nickname A\nORPORT 9001\nrelaybandwidthrate 1 MB\n"), 0);
	CU_ASSERT_STRING_EQUAL(f.entries[0].opt->name, "Nickname");
	CU_ASSERT_STRING_EQUAL(f.entries[1].opt->name, "ORPort");
	CU_ASSERT_EQUAL(f.entries[1].val.u, 9001);
	CU_ASSERT_EQUAL(f.entries[2].val.u, 1 << 20);
	CU_ASSERT_TRUE(f.validated);
}

static void
test_conf_unknown_option(void)
{
	CU_ASSERT_EQUAL(check("# x\nNickname A\nNicknam B\n"), -EINVAL);
	CU_ASSERT_STRING_EQUAL(err, "f.conf:3: unknown option \"Nicknam\"");
	CU_ASSERT_FALSE(f.validated);
}

static void
test_conf_given_twice(void)
{
	CU_ASSERT_EQUAL(check("\nNickname A\nORPort 1\n\n\n\n\n\nnickname B\n"), -EINVAL);
	CU_ASSERT_STRING_EQUAL(err, "f.conf:9: Nickname given twice (lines 2 and 9)");
}

static void
test_conf_repeatable_option(void)
{
	CU_ASSERT_EQUAL(check("DirAuthority 1.2.3.4:80 0000000000000000000000000000000000000001\n"
			      "DirAuthority 1.2.3.5:80 0000000000000000000000000000000000000002\n"
			      "MyFamily $AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n"
			      "MyFamily $BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB\n"),
			0);
}

static void
test_conf_too_many_dirauthority_lines(void)
{
	char text[17 * 80], *p = text;

	for (int i = 0; i < 17; i++)
		p += sprintf(p, "DirAuthority 1.2.3.%d:80 %040d\n", i, i);
	CU_ASSERT_EQUAL(check(text), -EINVAL);
	CU_ASSERT_STRING_EQUAL(err, "f.conf:17: more than 16 DirAuthority lines");
}

static void
test_conf_too_many_family_members(void)
{
	char text[70 * 50], *p = text;

	p += sprintf(p, "MyFamily ");
	for (int i = 0; i < 40; i++)
		p += sprintf(p, "%040d,", i);
	p += sprintf(p, "\nMyFamily ");
	for (int i = 40; i < 65; i++)
		p += sprintf(p, "%040d,", i);
	strcpy(p, "\n");
	CU_ASSERT_EQUAL(check(text), -EINVAL);
	CU_ASSERT_STRING_EQUAL(err, "f.conf:2: MyFamily: more than 64 family members");
}

/* One file line, one exact message. */
static void
bad(const char *line, const char *want)
{
	char text[CONF_LINE_MAX];

	snprintf(text, sizeof(text), "# line 1\n%s\n", line);
	CU_ASSERT_EQUAL(check(text), -EINVAL);
	CU_ASSERT_STRING_EQUAL(err, want);
	conf_free(&f);
}

static void
test_conf_bad_values_per_kind(void)
{
	bad("Nickname", "f.conf:2: Nickname: needs a value");
	bad("Nickname bad-name", "f.conf:2: Nickname: \"bad-name\" is not a nickname "
				 "(1-19 letters and digits)");
	bad("Nickname ABCDEFGHIJ0123456789", "f.conf:2: Nickname: \"ABCDEFGHIJ0123456789\" is "
					     "not a nickname (1-19 letters and digits)");
	bad("PublishServerDescriptor yes",
	    "f.conf:2: PublishServerDescriptor: \"yes\" is not 0 or 1");
	bad("MTU 100", "f.conf:2: MTU: \"100\" is not a number in 576-9000");
	bad("MTU 1500x", "f.conf:2: MTU: \"1500x\" is not a number in 576-9000");
	bad("Queues -1", "f.conf:2: Queues: \"-1\" is not a number in 1-8");
	bad("ORPort 99999", "f.conf:2: ORPort: \"99999\" is not a port (1-65535)");
	bad("ORPort 0", "f.conf:2: ORPort: \"0\" is not a port (1-65535)");
	bad("Address 1.2.3", "f.conf:2: Address: \"1.2.3\" is not an IPv4 address (A.B.C.D)");
	bad("Address 1.2.3.256", "f.conf:2: Address: \"1.2.3.256\" is not an IPv4 address "
				 "(A.B.C.D)");
	bad("PortAddress 10.0.0.1", "f.conf:2: PortAddress: \"10.0.0.1\" is not A.B.C.D/LEN");
	bad("PortAddress 10.0.0.1/33", "f.conf:2: PortAddress: \"10.0.0.1/33\" is not "
				       "A.B.C.D/LEN");
	bad("RelayBandwidthRate 10 XB",
	    "f.conf:2: RelayBandwidthRate: unknown unit \"XB\" in \"10 XB\"");
	bad("RelayBandwidthRate fast", "f.conf:2: RelayBandwidthRate: \"fast\" is not a number "
				       "(e.g. 1048576, \"10 MBytes\" or \"80 Mbits\")");
	bad("RelayBandwidthRate 50 KB", "f.conf:2: RelayBandwidthRate: \"50 KB\" is 51200 "
					"bytes, not in 76800-2147483647 (or 0)");
	bad("RelayBandwidthBurst 3 GB", "f.conf:2: RelayBandwidthBurst: \"3 GB\" is 3221225472 "
					"bytes, not in 76800-2147483647 (or 0)");
	bad("MaxOnionQueueDelay 2 minutes", "f.conf:2: MaxOnionQueueDelay: \"2 minutes\" is "
					    "120000 ms, not in 0-60000");
	bad("CongestionControl reno",
	    "f.conf:2: CongestionControl: \"reno\" is not one of cubic, newreno");
	bad("HugePages yes", "f.conf:2: HugePages: \"yes\" is not one of 0, 1, auto");
	bad("CliSocketMode 0999",
	    "f.conf:2: CliSocketMode: \"0999\" is not a file mode (octal, 0-0777)");
	bad("SharedMemoryName a/b", "f.conf:2: SharedMemoryName: invalid name \"a/b\" "
				    "(1-62 of A-Z a-z 0-9 . _ -)");
	bad("Lcores 0,,1", "f.conf:2: Lcores: \"0,,1\" is not a list of lcores "
			   "(e.g. 0,1 or 0-3; 0-1023)");
	bad("Lcores 3-1", "f.conf:2: Lcores: \"3-1\" is not a list of lcores "
			  "(e.g. 0,1 or 0-3; 0-1023)");
	bad("DirAuthority moria1 foo=bar 1.2.3.4:80 0000000000000000000000000000000000000001",
	    "f.conf:2: DirAuthority: unknown flag \"foo=bar\"");
	bad("MyFamily nick", "f.conf:2: MyFamily: \"nick\" is not a relay fingerprint ($ and 40 "
			     "hex digits, optionally ~NICKNAME)");
	bad("Log notice syslog",
	    "f.conf:2: Log: syslog is not supported yet (stderr, stdout or file PATH)");
	bad("DPDKPort 0000:03:00", "f.conf:2: DPDKPort: \"0000:03:00\" is neither a PCI address "
				   "(0000:03:00.0) nor a vdev (net_af_packet0,iface=eth1)");
	bad("ExitRelay 1", "f.conf:2: ExitRelay: Chive is not an exit relay yet (ExitRelay must "
			   "be 0)");
	bad("MetricsPort 9035 json", "f.conf:2: MetricsPort: \"9035 json\": the only format is "
				     "prometheus ([A.B.C.D:]PORT [prometheus])");
	bad("MetricsPort localhost:9035", "f.conf:2: MetricsPort: \"localhost:9035\" is not "
					  "[A.B.C.D:]PORT (port 1-65535)");
	bad("MetricsPortPolicy allow 127.0.0.1",
	    "f.conf:2: MetricsPortPolicy: \"allow 127.0.0.1\" is not a policy entry "
	    "(accept|reject ADDR[/MASK][:PORT])");
	bad("FamilyId abc", "f.conf:2: FamilyId: \"abc\" is not a family id (43 base64 "
			    "characters, as tor --keygen-family prints, or *)");
	bad("FamilyId glNjcssBA8QEM3pRrOPsYPNiq5i9wSH7CGv3uYa/bdR",
	    "f.conf:2: FamilyId: \"glNjcssBA8QEM3pRrOPsYPNiq5i9wSH7CGv3uYa/bdR\" is not a family "
	    "id (43 base64 characters, as tor --keygen-family prints, or *)");
	bad("ContactInfo \"\"", "f.conf:2: ContactInfo: needs a value");
}

static void
test_conf_exit_relay_0_accepted(void)
{
	CU_ASSERT_EQUAL(check("ExitRelay 0\n"), 0);
}

/* tor's config_ensure_bandwidth_cap(): "2 GB" is taken as 2^31 - 1. */
static void
test_conf_bandwidth_2gb_is_the_largest(void)
{
	CU_ASSERT_EQUAL_FATAL(check("RelayBandwidthRate 2 GB\n"), 0);
	CU_ASSERT_EQUAL(f.entries[0].val.u, 2147483647);
}

static void
test_conf_burst_below_rate(void)
{
	CU_ASSERT_EQUAL(check("RelayBandwidthRate 2 MB\nRelayBandwidthBurst 1 MB\n"), -EINVAL);
	CU_ASSERT_STRING_EQUAL(err, "f.conf:2: RelayBandwidthBurst (1048576 bytes) is below "
				    "RelayBandwidthRate (2097152 bytes, line 1)");
}

static void
test_conf_values_per_kind(void)
{
	CU_ASSERT_EQUAL_FATAL(check("PortAddress 10.78.0.2/24\n"
				    "Gateway 10.78.0.1\n"
				    "CongestionControl NewReno\n"
				    "CliSocketMode 0640\n"
				    "HugePages auto\n"
				    "TestingTorNetwork 1\n"
				    "CircuitTimeout 2 minutes\n"),
			      0);
	CU_ASSERT_EQUAL(f.entries[0].val.u, 0x0a4e0002);
	CU_ASSERT_EQUAL(f.entries[0].val.prefix_len, 24);
	CU_ASSERT_EQUAL(f.entries[1].val.u, 0x0a4e0001);
	CU_ASSERT_EQUAL(f.entries[2].val.u, 1);
	CU_ASSERT_EQUAL(f.entries[3].val.u, 0640);
	CU_ASSERT_EQUAL(f.entries[4].val.u, 2);
	CU_ASSERT_EQUAL(f.entries[5].val.u, 1);
	CU_ASSERT_EQUAL(f.entries[6].val.u, 120000);
}

static void
test_conf_entry_is_for_its_process(void)
{
	CU_ASSERT_EQUAL_FATAL(check("Nickname A\nMTU 1500\nSharedMemoryName x\n"), 0);
	CU_ASSERT_TRUE(conf_entry_is_for(&f.entries[0], CONF_USER_CP));
	CU_ASSERT_FALSE(conf_entry_is_for(&f.entries[0], CONF_USER_DP));
	CU_ASSERT_FALSE(conf_entry_is_for(&f.entries[1], CONF_USER_CP));
	CU_ASSERT_TRUE(conf_entry_is_for(&f.entries[1], CONF_USER_DP));
	CU_ASSERT_TRUE(conf_entry_is_for(&f.entries[2], CONF_USER_CP));
	CU_ASSERT_TRUE(conf_entry_is_for(&f.entries[2], CONF_USER_DP));
}

/* Every schema row is complete and names are unique in any case. */
static void
test_conf_schema_is_consistent(void)
{
	for (size_t i = 0; i < conf_schema_len; i++) {
		const struct conf_opt *o = &conf_schema[i];

		CU_ASSERT_PTR_NOT_NULL(o->name);
		CU_ASSERT_NOT_EQUAL(o->users, 0);
		CU_ASSERT_PTR_EQUAL(conf_opt_find(o->name), o);
		if (o->kind == CONF_KIND_ENUM)
			CU_ASSERT_PTR_NOT_NULL(o->choices);
		if (o->kind == CONF_KIND_UNSUPPORTED || (o->kind == CONF_KIND_BOOL && o->max == 0))
			CU_ASSERT_PTR_NOT_NULL(o->note);
		if (o->flags & CONF_F_REPEAT)
			CU_ASSERT_NOT_EQUAL(o->max, 0);
		if (o->kind == CONF_KIND_UINT || o->kind == CONF_KIND_MEMUNIT ||
		    o->kind == CONF_KIND_MSEC)
			CU_ASSERT(o->min <= o->max);
		for (size_t j = 0; j < i; j++)
			CU_ASSERT_NOT_EQUAL(strcasecmp(conf_schema[j].name, o->name), 0);
	}
	CU_ASSERT_PTR_NULL(conf_opt_find("Nicknam"));
}

/* ------------------------------------------------------------------ units */

static uint64_t
mem(const char *s)
{
	uint64_t v = UINT64_MAX;

	CU_ASSERT_EQUAL(conf_parse_memunit(s, &v, err, sizeof(err)), 0);
	return v;
}

static void
test_conf_memunit_tor_units(void)
{
	CU_ASSERT_EQUAL(mem("1000"), 1000);
	CU_ASSERT_EQUAL(mem("1000 bytes"), 1000);
	CU_ASSERT_EQUAL(mem("10 KB"), 10240);
	CU_ASSERT_EQUAL(mem("10 KBytes"), 10240);
	CU_ASSERT_EQUAL(mem("10 kilobytes"), 10240);
	CU_ASSERT_EQUAL(mem("10MB"), 10485760);
	CU_ASSERT_EQUAL(mem("10 m"), 10485760);
	CU_ASSERT_EQUAL(mem("2 GBytes"), 2147483648ull);
	CU_ASSERT_EQUAL(mem("1 TB"), 1ull << 40);
	CU_ASSERT_EQUAL(mem("1.5 MB"), 1572864);
	/* Bit forms: 1 kbit = 2^10 bits = 2^7 bytes (tor's table). */
	CU_ASSERT_EQUAL(mem("8 Mbits"), 1048576);
	CU_ASSERT_EQUAL(mem("100 kbits"), 12800);
	CU_ASSERT_EQUAL(mem("1 gigabit"), 1 << 27);
	CU_ASSERT_EQUAL(mem("1 Tbit"), 1ull << 37);
}

static void
test_conf_memunit_refuses_bad(void)
{
	uint64_t v;

	CU_ASSERT_EQUAL(conf_parse_memunit("-1 MB", &v, err, sizeof(err)), -EINVAL);
	CU_ASSERT_EQUAL(conf_parse_memunit("10 MiB", &v, err, sizeof(err)), -EINVAL);
	CU_ASSERT_STRING_EQUAL(err, "unknown unit \"MiB\" in \"10 MiB\"");
	CU_ASSERT_EQUAL(conf_parse_memunit("99999999 TB", &v, err, sizeof(err)), -EINVAL);
	CU_ASSERT_STRING_EQUAL(err, "\"99999999 TB\" is too large");
}

static void
test_conf_msec_tor_units(void)
{
	uint64_t v;

	CU_ASSERT_EQUAL(conf_parse_msec("500", &v, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(v, 500);
	CU_ASSERT_EQUAL(conf_parse_msec("500 msec", &v, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(v, 500);
	CU_ASSERT_EQUAL(conf_parse_msec("2 seconds", &v, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(v, 2000);
	CU_ASSERT_EQUAL(conf_parse_msec("1 hour", &v, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(v, 3600000);
	CU_ASSERT_EQUAL(conf_parse_msec("1 fortnight", &v, err, sizeof(err)), -EINVAL);
}

/* ------------------------------------------------ Log, DPDKPort, nickname */

static void
test_conf_log_forms(void)
{
	static struct conf_log lg;

	CU_ASSERT_EQUAL(conf_parse_log("notice stderr", &lg, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(lg.severity, CONF_LOG_NOTICE);
	CU_ASSERT_EQUAL(lg.dest, CONF_LOG_DEST_STDERR);
	CU_ASSERT_EQUAL(conf_parse_log("info-err stdout", &lg, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(lg.severity, CONF_LOG_INFO);
	CU_ASSERT_EQUAL(lg.dest, CONF_LOG_DEST_STDOUT);
	CU_ASSERT_EQUAL(conf_parse_log("debug file /var/log/chive/cp.log", &lg, err, sizeof(err)),
			0);
	CU_ASSERT_EQUAL(lg.severity, CONF_LOG_DEBUG);
	CU_ASSERT_EQUAL(lg.dest, CONF_LOG_DEST_FILE);
	CU_ASSERT_STRING_EQUAL(lg.path, "/var/log/chive/cp.log");
	CU_ASSERT_EQUAL(conf_parse_log("notice file", &lg, err, sizeof(err)), -EINVAL);
	CU_ASSERT_STRING_EQUAL(err, "\"file\" needs a PATH");
	CU_ASSERT_EQUAL(conf_parse_log("loud stderr", &lg, err, sizeof(err)), -EINVAL);
	CU_ASSERT_STRING_EQUAL(err, "unknown severity \"loud\" (debug, info, notice, warn, err)");
	CU_ASSERT_EQUAL(conf_parse_log("info-notice stderr", &lg, err, sizeof(err)), -EINVAL);
	CU_ASSERT_EQUAL(conf_parse_log("[handshake]debug stderr", &lg, err, sizeof(err)), -EINVAL);
	CU_ASSERT_EQUAL(conf_parse_log("notice stderr extra", &lg, err, sizeof(err)), -EINVAL);
}

static void
test_conf_dpdk_port_forms(void)
{
	struct conf_dpdk_port p;

	CU_ASSERT_EQUAL(conf_parse_dpdk_port("0000:03:00.0", &p, err, sizeof(err)), 0);
	CU_ASSERT_TRUE(p.is_pci);
	CU_ASSERT_STRING_EQUAL(p.name, "0000:03:00.0");
	CU_ASSERT_EQUAL(conf_parse_dpdk_port("3B:00.1", &p, err, sizeof(err)), 0);
	CU_ASSERT_TRUE(p.is_pci);
	CU_ASSERT_STRING_EQUAL(p.name, "0000:3b:00.1");
	CU_ASSERT_EQUAL(conf_parse_dpdk_port("0000:03:00.0,txq_inline=128", &p, err, sizeof(err)),
			0);
	CU_ASSERT_TRUE(p.is_pci);
	CU_ASSERT_EQUAL(conf_parse_dpdk_port("net_af_packet0,iface=vchive,qpairs=2", &p, err,
					     sizeof(err)),
			0);
	CU_ASSERT_FALSE(p.is_pci);
	CU_ASSERT_STRING_EQUAL(p.name, "net_af_packet0");
	CU_ASSERT_EQUAL(conf_parse_dpdk_port("net_tap0", &p, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(p.name, "net_tap0");
	CU_ASSERT_EQUAL(conf_parse_dpdk_port("net tap0", &p, err, sizeof(err)), -EINVAL);
	CU_ASSERT_EQUAL(conf_parse_dpdk_port(",iface=x", &p, err, sizeof(err)), -EINVAL);
	CU_ASSERT_EQUAL(conf_parse_dpdk_port("0000:03:20.0", &p, err, sizeof(err)), -EINVAL);
}

static void
test_conf_nickname_rules(void)
{
	CU_ASSERT_TRUE(conf_is_nickname("a"));
	CU_ASSERT_TRUE(conf_is_nickname("Chive0123456789abcd"));
	CU_ASSERT_FALSE(conf_is_nickname(""));
	CU_ASSERT_FALSE(conf_is_nickname("Chive0123456789abcde"));
	CU_ASSERT_FALSE(conf_is_nickname("with_underscore"));
}

/*
 * etc/chive.conf.example is valid as shipped (all commented out) and with
 * every "#Keyword" line uncommented (the first of each keyword that may not
 * repeat): the example cannot drift from the schema.
 */
static void
test_conf_example_file_is_valid(void)
{
	static const char example[] = "etc/chive.conf.example";
	FILE *fp = fopen(example, "r");
	char *text, line[CONF_LINE_MAX + 2];
	size_t len = 0, kept = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	text = calloc(1, CONF_FILE_MAX);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	while (fgets(line, sizeof(line), fp) != NULL) {
		const char *l = line[0] == '#' && line[1] != '#' ? line + 1 : line;

		len += (size_t)snprintf(text + len, CONF_FILE_MAX - len, "%s", l);
	}
	fclose(fp);

	CU_ASSERT_EQUAL(conf_read(&f, example, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(f.n, 0);
	CU_ASSERT_EQUAL(conf_validate(&f, err, sizeof(err)), 0);

	CU_ASSERT_EQUAL_FATAL(parse(text), 0);
	free(text);
	for (size_t i = 0; i < f.n; i++) {
		const struct conf_opt *o = conf_opt_find(f.entries[i].key);
		bool dup = false;

		for (size_t j = 0; j < kept && o != NULL && !(o->flags & CONF_F_REPEAT); j++)
			dup = dup || conf_opt_find(f.entries[j].key) == o;
		if (dup) {
			free(f.entries[i].key);
			free(f.entries[i].value);
		} else {
			f.entries[kept++] = f.entries[i];
		}
	}
	f.n = kept;
	CU_ASSERT_EQUAL(conf_validate(&f, err, sizeof(err)), 0);
	/* Every keyword that is supported is shown. */
	for (size_t i = 0; i < conf_schema_len; i++) {
		bool shown = conf_schema[i].kind == CONF_KIND_UNSUPPORTED;

		for (size_t j = 0; j < f.n && !shown; j++)
			shown = f.entries[j].opt == &conf_schema[i];
		if (!shown)
			fprintf(stderr, "%s is not in %s\n", conf_schema[i].name, example);
		CU_ASSERT_TRUE(shown);
	}
}

static CU_TestInfo conf_tests[] = {
	{ "parse_keyword_and_value", test_conf_parse_keyword_and_value },
	{ "parse_skips_comments_and_blank_lines", test_conf_parse_skips_comments_and_blank_lines },
	{ "parse_comment_after_value", test_conf_parse_comment_after_value },
	{ "parse_trims_spaces_and_tabs", test_conf_parse_trims_spaces_and_tabs },
	{ "parse_crlf_lines", test_conf_parse_crlf_lines },
	{ "parse_last_line_without_newline", test_conf_parse_last_line_without_newline },
	{ "parse_keyword_without_value", test_conf_parse_keyword_without_value },
	{ "parse_continuation_joins_lines", test_conf_parse_continuation_joins_lines },
	{ "parse_continuation_skips_comment_lines",
	  test_conf_parse_continuation_skips_comment_lines },
	{ "parse_continuation_ended_by_blank_line",
	  test_conf_parse_continuation_ended_by_blank_line },
	{ "parse_continuation_at_end_of_file", test_conf_parse_continuation_at_end_of_file },
	{ "parse_quoted_value_keeps_hash", test_conf_parse_quoted_value_keeps_hash },
	{ "parse_refuses_unterminated_quote", test_conf_parse_refuses_unterminated_quote },
	{ "parse_refuses_text_after_quote", test_conf_parse_refuses_text_after_quote },
	{ "parse_refuses_nul_byte", test_conf_parse_refuses_nul_byte },
	{ "parse_refuses_control_byte", test_conf_parse_refuses_control_byte },
	{ "parse_refuses_long_line", test_conf_parse_refuses_long_line },
	{ "parse_refuses_long_joined_line", test_conf_parse_refuses_long_joined_line },
	{ "parse_refuses_file_over_1mib", test_conf_parse_refuses_file_over_1mib },
	{ "parse_skips_utf8_bom", test_conf_parse_skips_utf8_bom },
	{ "read_missing_file", test_conf_read_missing_file },
	{ "read_file", test_conf_read_file },
	{ "keywords_any_case", test_conf_keywords_any_case },
	{ "unknown_option", test_conf_unknown_option },
	{ "given_twice", test_conf_given_twice },
	{ "repeatable_option", test_conf_repeatable_option },
	{ "too_many_dirauthority_lines", test_conf_too_many_dirauthority_lines },
	{ "too_many_family_members", test_conf_too_many_family_members },
	{ "bad_values_per_kind", test_conf_bad_values_per_kind },
	{ "exit_relay_0_accepted", test_conf_exit_relay_0_accepted },
	{ "bandwidth_2gb_is_the_largest", test_conf_bandwidth_2gb_is_the_largest },
	{ "burst_below_rate", test_conf_burst_below_rate },
	{ "values_per_kind", test_conf_values_per_kind },
	{ "entry_is_for_its_process", test_conf_entry_is_for_its_process },
	{ "schema_is_consistent", test_conf_schema_is_consistent },
	{ "memunit_tor_units", test_conf_memunit_tor_units },
	{ "memunit_refuses_bad", test_conf_memunit_refuses_bad },
	{ "msec_tor_units", test_conf_msec_tor_units },
	{ "log_forms", test_conf_log_forms },
	{ "dpdk_port_forms", test_conf_dpdk_port_forms },
	{ "nickname_rules", test_conf_nickname_rules },
	{ "example_file_is_valid", test_conf_example_file_is_valid },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_conf = {
	.pName = "common/conf",
	.pSetUpFunc = setup,
	.pTearDownFunc = teardown,
	.pTests = conf_tests,
};
