/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief CUnit suite "controlplane/cli_json": the JSON writer (cli_json.h)
 *        and `--json` on the read commands.
 *
 * Writer tests compare exact output. Command tests use test_cli.c's
 * fixture: a struct cp_ctx attached to a two-lcore segment owned by our
 * parent process, one struct cp_cli_req whose done callback records the
 * status and body, and the test playing the dataplane on the rings (and
 * writing the lcores' counter blocks). Every JSON answer is also checked by
 * json_valid(), an independent RFC 8259 checker (which also requires
 * well-formed UTF-8), so a trailing comma or a bad escape fails the test.
 * `show keys` runs on a key store made once for the suite.
 */
#include <errno.h>
#include <ftw.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "common/ipc/ipc_msg.h"
#include "common/ipc/ipc_ring.h"
#include "common/ipc/ipc_shm.h"
#include "common/ipc/ipc_stats.h"
#include "controlplane/cli/cli.h"
#include "controlplane/cli/cli_cmds.h"
#include "controlplane/cli/cli_json.h"
#include "controlplane/cli/cli_proto.h"
#include "controlplane/config.h"
#include "controlplane/cp.h"
#include "controlplane/dplink.h"
#include "controlplane/keys/keys.h"
#include "controlplane/link/linkcreds.h"
#include "controlplane/log.h"
#include "controlplane/stats/lcore_busy.h"
#include "controlplane/util.h"
#include "tests/harness/fake_dp.h"
#include "tests/suites.h"

#define N_LCORES 2u

union cmd_slot {
	struct ipc_hdr hdr;
	struct ipc_msg_port_get port;
	struct ipc_msg_port_xstats xstats;
	struct ipc_msg_chan_list list;
	uint8_t bytes[IPC_CMD_SLOT];
};

static struct {
	bool ready;
	char name[IPC_SHM_NAME_MAX];
	char keydir[64];
	struct cp_keys *keys; /* made once for the suite */
	struct fake_dp fdp; /* the segment, and the lcores' ends of its rings */
	struct cp_ctx cp;
	struct cp_config conf;
	struct cp_cli_req req;
	struct cp_buf jb; /* the writer tests' buffer */
	struct cp_json j;
	int calls;
	int status;
	char body[16384];
} fx;

/* ---- an independent JSON checker ----------------------------------------- */

static const char *json_value(const char *p, int depth);

static const char *
json_ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

static bool
is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Bytes of the well-formed UTF-8 character at @p s (first byte >= 0x80), or 0. */
static int
utf8_ok(const unsigned char *s)
{
	uint32_t cp;
	int n;

	if ((s[0] & 0xe0) == 0xc0) {
		n = 2;
		cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 3;
		cp = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		n = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	for (int i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

static const char *
json_string(const char *p)
{
	if (*p++ != '"')
		return NULL;
	for (;;) {
		unsigned char c = (unsigned char)*p;

		if (c == '"')
			return p + 1;
		if (c < 0x20)
			return NULL;
		if (c == '\\') {
			p++;
			if (*p == 'u') {
				for (int i = 1; i <= 4; i++)
					if (!is_hex(p[i]))
						return NULL;
				p += 5;
			} else if (*p != '\0' && strchr("\"\\/bfnrt", *p) != NULL) {
				p++;
			} else {
				return NULL;
			}
		} else if (c >= 0x80) {
			int n = utf8_ok((const unsigned char *)p);

			if (n == 0)
				return NULL;
			p += n;
		} else {
			p++;
		}
	}
}

static const char *
json_number(const char *p)
{
	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else if (*p >= '1' && *p <= '9')
		while (*p >= '0' && *p <= '9')
			p++;
	else
		return NULL;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return NULL;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (*p < '0' || *p > '9')
			return NULL;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	return p;
}

/* Parse a ',' separated list of @p item up to @p close; NULL if malformed. */
static const char *
json_list(const char *p, char close, bool members, int depth)
{
	p = json_ws(p);
	if (*p == close)
		return p + 1;
	for (;;) {
		if (members) {
			p = json_string(json_ws(p));
			if (p == NULL)
				return NULL;
			p = json_ws(p);
			if (*p++ != ':')
				return NULL;
		}
		p = json_value(p, depth + 1);
		if (p == NULL)
			return NULL;
		p = json_ws(p);
		if (*p == close)
			return p + 1;
		if (*p++ != ',')
			return NULL;
	}
}

static const char *
json_value(const char *p, int depth)
{
	if (depth > 64)
		return NULL;
	p = json_ws(p);
	switch (*p) {
	case '{':
		return json_list(p + 1, '}', true, depth);
	case '[':
		return json_list(p + 1, ']', false, depth);
	case '"':
		return json_string(p);
	case 't':
		return strncmp(p, "true", 4) == 0 ? p + 4 : NULL;
	case 'f':
		return strncmp(p, "false", 5) == 0 ? p + 5 : NULL;
	case 'n':
		return strncmp(p, "null", 4) == 0 ? p + 4 : NULL;
	default:
		return json_number(p);
	}
}

/* True if @p s is exactly one JSON object followed by blanks. */
static bool
json_valid(const char *s)
{
	const char *p = json_ws(s);

	if (*p != '{')
		return false;
	p = json_value(p, 0);
	return p != NULL && *json_ws(p) == '\0';
}

/* ---- fixture -------------------------------------------------------------- */

static void
done_cb(struct cp_cli_req *req, int status)
{
	fx.calls++;
	fx.status = status;
	snprintf(fx.body, sizeof(fx.body), "%s", req->out.p != NULL ? req->out.p : "");
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int
suite_init(void)
{
	struct cp_keys_options opt;
	char err[512];

	snprintf(fx.name, sizeof(fx.name), "chive-ut-%d-clijson", (int)getpid());
	snprintf(fx.keydir, sizeof(fx.keydir), "/tmp/chive-clijson-XXXXXX");
	if (mkdtemp(fx.keydir) == NULL)
		return -1;
	cp_log_set_level(CP_LOG_ERR);
	cp_keys_options_default(&opt);
	opt.make_signing_cert = cp_linkcreds_make_signing_cert;
	if (cp_keys_load_or_create(fx.keydir, &opt, time(NULL), &fx.keys, err, sizeof(err)) != 0) {
		fprintf(stderr, "cli_json: %s\n", err);
		return -1;
	}
	return 0;
}

static int
suite_clean(void)
{
	cp_keys_destroy(fx.keys);
	fx.keys = NULL;
	nftw(fx.keydir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	cp_log_set_level(CP_LOG_NOTICE);
	return 0;
}

static void
setup(void)
{
	struct ipc_seg_geom g;
	char err[256];

	fx.ready = false;
	fx.calls = 0;
	fx.status = -1;
	fx.body[0] = '\0';
	memset(&fx.jb, 0, sizeof(fx.jb));
	cp_json_init(&fx.j, &fx.jb);
	fake_dp_init(&fx.fdp);
	memset(&fx.cp, 0, sizeof(fx.cp));
	cp_dplink_init(&fx.cp.dp);
	snprintf(fx.cp.shm_name, sizeof(fx.cp.shm_name), "%s", fx.name);
	fx.cp.start_ns = cp_now_ns();
	memset(&fx.req, 0, sizeof(fx.req));
	fx.req.cp = &fx.cp;
	fx.req.done = done_cb;
	fx.req.owner = &fx.cp;
	ipc_seg_geom_default(&g, N_LCORES);
	g.lcore_ids[0] = 3;
	g.lcore_ids[1] = 5;
	g.ring_slots[IPC_RING_CMD] = 8;
	if (fake_dp_create(&fx.fdp, fx.name, &g, err, sizeof(err)) != 0) {
		fprintf(stderr, "cli_json setup: %s\n", err);
		return;
	}
	fx.fdp.shm.hdr->tsc_hz = 1000000000u;
	if (fake_dp_publish(&fx.fdp) != 0)
		return;
	if (cp_dplink_attach(&fx.cp.dp, fx.name, err, sizeof(err)) != 0) {
		fprintf(stderr, "cli_json setup: %s\n", err);
		return;
	}
	fx.ready = true;
}

static void
teardown(void)
{
	cp_cli_req_cancel(&fx.req);
	cp_dplink_detach(&fx.cp.dp, 0);
	fake_dp_close(&fx.fdp);
	cp_buf_free(&fx.req.out);
	cp_buf_free(&fx.jb);
}

static void
dispatch(const char *line)
{
	char buf[CLI_PROTO_LINE_MAX];

	snprintf(buf, sizeof(buf), "%s", line);
	cp_cli_dispatch(&fx.req, buf);
}

static int
count_substr(const char *hay, const char *needle)
{
	int n = 0;
	size_t len = strlen(needle);

	for (const char *p = strstr(hay, needle); p != NULL; p = strstr(p + len, needle))
		n++;
	return n;
}

static int
pop_cmd(uint32_t lc, union cmd_slot *s)
{
	memset(s, 0, sizeof(*s));
	return ipc_ring_pop(&fx.fdp.cmd[lc], s, sizeof(*s));
}

/* Put an answer on the event ring of the lcore that owns the port. */
static void
push_port_evt(const void *msg, size_t len)
{
	CU_ASSERT_EQUAL_FATAL(ipc_ring_push(&fx.fdp.evt[CP_PORT_LCORE], msg, len), 0);
}

/* The writer's output so far, NUL-terminated. */
static const char *
jout(void)
{
	return fx.jb.p != NULL ? fx.jb.p : "";
}

/* Write @p n bytes as one string value and return the output. */
static const char *
jstr(const char *s, size_t n)
{
	cp_buf_free(&fx.jb);
	cp_json_init(&fx.j, &fx.jb);
	cp_json_strn(&fx.j, s, n);
	return jout();
}

/* Add counter @p name to the segment's directory and set it on each lcore. @return its index. */
static uint32_t
set_ctr(const char *name, uint16_t kind, uint64_t v0, uint64_t v1)
{
	struct ipc_ctr_dir *d = ipc_shm_ctr_dir(&fx.fdp.shm);
	int idx;

	ipc_ctr_dir_begin(d);
	idx = ipc_ctr_dir_add(d, name, kind, "test");
	ipc_ctr_dir_end(d);
	CU_ASSERT_FATAL(idx >= 0);
	ipc_ctr_set(ipc_shm_ctr_block(&fx.fdp.shm, 0), (uint32_t)idx, v0);
	ipc_ctr_set(ipc_shm_ctr_block(&fx.fdp.shm, 1), (uint32_t)idx, v1);
	return (uint32_t)idx;
}

/* ---- the writer ----------------------------------------------------------- */

static void
test_writer_escapes_quote_and_backslash(void)
{
	CU_ASSERT_STRING_EQUAL(jstr("a\"b\\c/", 6), "\"a\\\"b\\\\c/\"");
}

static void
test_writer_escapes_control_characters(void)
{
	static const char in[] = "\x01\b\f\n\r\t\x1f\x7f";

	CU_ASSERT_STRING_EQUAL(jstr(in, sizeof(in) - 1),
			       "\"\\u0001\\b\\f\\n\\r\\t\\u001f\\u007f\"");
}

static void
test_writer_escapes_nul_byte(void)
{
	CU_ASSERT_STRING_EQUAL(jstr("a\0b", 3), "\"a\\u0000b\"");
}

static void
test_writer_passes_well_formed_utf8(void)
{
	/* é (2 bytes), € (3), U+1F600 (4), U+10FFFF (the last one) */
	static const char in[] = "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf";

	CU_ASSERT_STRING_EQUAL(jstr(in, sizeof(in) - 1), "\""
							 "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"
							 "\xf4\x8f\xbf\xbf"
							 "\"");
}

static void
test_writer_escapes_bytes_that_are_not_utf8(void)
{
	/* lone continuation, 0xff, cut sequence, overlong '/', surrogate, > U+10FFFF */
	CU_ASSERT_STRING_EQUAL(jstr("\x80", 1), "\"\\u0080\"");
	CU_ASSERT_STRING_EQUAL(jstr("a\xff"
				    "b",
				    3),
			       "\"a\\u00ffb\"");
	CU_ASSERT_STRING_EQUAL(jstr("\xc3", 1), "\"\\u00c3\"");
	CU_ASSERT_STRING_EQUAL(jstr("\xe2\x82", 2), "\"\\u00e2\\u0082\"");
	CU_ASSERT_STRING_EQUAL(jstr("\xc0\xaf", 2), "\"\\u00c0\\u00af\"");
	CU_ASSERT_STRING_EQUAL(jstr("\xed\xa0\x80", 3), "\"\\u00ed\\u00a0\\u0080\"");
	CU_ASSERT_STRING_EQUAL(jstr("\xf4\x90\x80\x80", 4), "\"\\u00f4\\u0090\\u0080\\u0080\"");
}

static void
test_writer_output_is_valid_for_every_byte(void)
{
	char in[256];
	struct cp_buf b = { 0 };

	for (int i = 0; i < 256; i++)
		in[i] = (char)i;
	cp_buf_printf(&b, "{\"s\":\"");
	cp_json_escape(&b, in, sizeof(in));
	cp_buf_printf(&b, "\"}");
	CU_ASSERT_TRUE(json_valid(b.p));
	cp_buf_free(&b);
}

static void
test_writer_separates_members_and_elements(void)
{
	cp_json_obj_begin(&fx.j);
	cp_json_kv_u64(&fx.j, "a", 1);
	cp_json_key(&fx.j, "b");
	cp_json_arr_begin(&fx.j);
	cp_json_u64(&fx.j, 1);
	cp_json_str(&fx.j, "two");
	cp_json_obj_begin(&fx.j);
	cp_json_kv_null(&fx.j, "c");
	cp_json_obj_end(&fx.j);
	cp_json_arr_begin(&fx.j);
	cp_json_arr_end(&fx.j);
	cp_json_arr_end(&fx.j);
	cp_json_key(&fx.j, "d");
	cp_json_obj_begin(&fx.j);
	cp_json_obj_end(&fx.j);
	cp_json_kv_bool(&fx.j, "e", false);
	cp_json_obj_end(&fx.j);
	cp_json_end(&fx.j);
	CU_ASSERT_STRING_EQUAL(jout(), "{\"a\":1,\"b\":[1,\"two\",{\"c\":null},[]],\"d\":{},"
				       "\"e\":false}\n");
	CU_ASSERT_TRUE(json_valid(jout()));
}

static void
test_writer_numbers(void)
{
	cp_json_arr_begin(&fx.j);
	cp_json_u64(&fx.j, UINT64_MAX);
	cp_json_i64(&fx.j, INT64_MIN);
	cp_json_double(&fx.j, 0.25);
	cp_json_double(&fx.j, 1e-5);
	cp_json_double(&fx.j, NAN);
	cp_json_double(&fx.j, INFINITY);
	cp_json_arr_end(&fx.j);
	CU_ASSERT_STRING_EQUAL(jout(), "[18446744073709551615,-9223372036854775808,0.25,1e-05,null,"
				       "null]");
}

static void
test_writer_escapes_keys_and_formats(void)
{
	cp_json_obj_begin(&fx.j);
	cp_json_key(&fx.j, "/dp/\"x\"");
	cp_json_strf(&fx.j, "%s-%d", "a\tb", 7);
	cp_json_kv_str(&fx.j, "n", NULL);
	cp_json_kv_time(&fx.j, "never", 0);
	cp_json_kv_time(&fx.j, "t", 1700000000);
	cp_json_obj_end(&fx.j);
	CU_ASSERT_STRING_EQUAL(
		jout(),
		"{\"/dp/\\\"x\\\"\":\"a\\tb-7\",\"n\":null,\"never\":null,\"t\":1700000000}");
}

/* The checker itself: it must refuse what the writer must never produce. */
static void
test_checker_refuses_malformed_documents(void)
{
	CU_ASSERT_TRUE(json_valid("{\"a\":[1,-2.5e3,\"\\u00e9\",true,null,{}]}\n"));
	CU_ASSERT_FALSE(json_valid("{\"a\":1,}"));
	CU_ASSERT_FALSE(json_valid("{\"a\":[1,]}"));
	CU_ASSERT_FALSE(json_valid("{\"a\":01}"));
	CU_ASSERT_FALSE(json_valid("{\"a\":nan}"));
	CU_ASSERT_FALSE(json_valid("{\"a\":\"\x01\"}"));
	CU_ASSERT_FALSE(json_valid("{\"a\":\"\\x\"}"));
	CU_ASSERT_FALSE(json_valid("{\"a\":\"\xff\"}"));
	CU_ASSERT_FALSE(json_valid("{\"a\":1}{}"));
	CU_ASSERT_FALSE(json_valid("[1]"));
}

/* ---- dispatch ------------------------------------------------------------- */

static void
test_json_on_a_write_command_is_a_json_usage_error(void)
{
	dispatch("--json channel close 0x1");
	CU_ASSERT_EQUAL(fx.calls, 1);
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_USAGE);
	CU_ASSERT_STRING_EQUAL(fx.body,
			       "{\"error\":\"'channel close' has no JSON output (--json is "
			       "for the read commands)\"}\n");
	CU_ASSERT_EQUAL(fx.cp.dp.n_pending, 0);
}

static void
test_json_unknown_command_is_a_json_error(void)
{
	dispatch("--json frobnicate");
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_USAGE);
	CU_ASSERT_STRING_EQUAL(fx.body,
			       "{\"error\":\"unknown command 'frobnicate'; try 'help'\"}\n");
}

static void
test_json_alone_is_an_empty_request(void)
{
	dispatch("--json");
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_USAGE);
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "{\"error\":\"empty request"));
	CU_ASSERT_TRUE(json_valid(fx.body));
}

static void
test_json_bad_argument_keeps_the_usage_text(void)
{
	dispatch("--json show lcores now");
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_USAGE);
	CU_ASSERT_STRING_EQUAL(fx.body, "{\"error\":\"usage: show lcores\"}\n");
}

static void
test_json_word_later_in_the_line_is_an_argument(void)
{
	dispatch("show lcores --json");
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_USAGE);
	CU_ASSERT_STRING_EQUAL(fx.body, "usage: show lcores\n");
}

static void
test_help_json_lists_every_command(void)
{
	uint32_t n;

	cp_cli_commands(&n);
	dispatch("--json help");
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_OK);
	CU_ASSERT_TRUE(json_valid(fx.body));
	CU_ASSERT_EQUAL(count_substr(fx.body, "\"command\":"), (int)n);
	CU_ASSERT_EQUAL(n, 16);
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "{\"command\":\"show lcores\",\"args\":\"\","));
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "{\"command\":\"channel open\",\"args\":\"ADDR:PORT "
					       "FINGERPRINT [ED25519_ID]\""));
	CU_ASSERT_EQUAL(count_substr(fx.body, "\"json\":false"), 4);
}

/* ---- status and counters while detached ----------------------------------- */

static void
test_status_json_while_detached_says_down(void)
{
	CU_ASSERT_FATAL(fx.ready);
	cp_dplink_detach(&fx.cp.dp, 0);
	dispatch("--json status");
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_ERR);
	CU_ASSERT_TRUE(json_valid(fx.body));
	CU_ASSERT_PTR_NOT_NULL(
		strstr(fx.body, "\"dataplane\":{\"up\":false,\"error\":\"not attached\"}"));
	CU_ASSERT_PTR_NOT_NULL(
		strstr(fx.body, "\"lcores\":[],\"error\":\"dataplane down (not attached)\"}"));
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "\"identity\":null"));
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "\"abi_version\":"));
}

static void
test_status_json_with_pongs_lists_lcores(void)
{
	union cmd_slot s;

	CU_ASSERT_FATAL(fx.ready);
	fx.cp.keys = fx.keys;
	dispatch("--json status");
	for (uint32_t lc = 0; lc < N_LCORES; lc++) {
		struct ipc_msg_pong pong;

		CU_ASSERT_EQUAL_FATAL(pop_cmd(lc, &s), IPC_CMD_SLOT);
		memset(&pong, 0, sizeof(pong));
		ipc_hdr_init(&pong.hdr, IPC_MSG_PONG, sizeof(pong), s.hdr.req_id);
		pong.dp_iterations = 4242;
		CU_ASSERT_EQUAL_FATAL(ipc_ring_push(&fx.fdp.evt[lc], &pong, sizeof(pong)), 0);
	}
	cp_dplink_poll(&fx.cp.dp, cp_now_ns());
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_OK);
	CU_ASSERT_TRUE(json_valid(fx.body));
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "\"fingerprint\":\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "{\"index\":0,\"id\":3,\"ping_rtt_us\":"));
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "{\"index\":1,\"id\":5,\"ping_rtt_us\":"));
	CU_ASSERT_EQUAL(count_substr(fx.body, "\"iterations\":4242,\"error\":null"), 2);
	CU_ASSERT_PTR_NULL(strstr(fx.body, "\"error\":\"")); /* no failure anywhere */
}

static void
test_counters_json_while_detached_has_controlplane_counters_and_error(void)
{
	CU_ASSERT_FATAL(fx.ready);
	cp_dplink_detach(&fx.cp.dp, 0);
	dispatch("--json counters /cp/dplink/");
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_ERR);
	CU_ASSERT_TRUE(json_valid(fx.body));
	CU_ASSERT_EQUAL(strncmp(fx.body, "{\"counters\":{\"/cp/dplink/", 25), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "},\"error\":\"dataplane down (not attached)\"}\n"));
}

static void
test_counters_json_maps_names_to_numbers(void)
{
	CU_ASSERT_FATAL(fx.ready);
	set_ctr("/dp/test/frames", IPC_CTR_KIND_COUNTER, 40, 2);
	dispatch("--json counters /dp/test/");
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_OK);
	CU_ASSERT_STRING_EQUAL(fx.body, "{\"counters\":{\"/dp/test/frames\":42}}\n");
}

/* ---- show lcores ------------------------------------------------------------ */

static void
set_lcore_ctrs(void)
{
	set_ctr("/dp/lcore/iterations", IPC_CTR_KIND_COUNTER, 1000, 2000);
	set_ctr("/dp/lcore/busy_cycles", IPC_CTR_KIND_COUNTER, 25, 0);
	set_ctr("/dp/lcore/total_cycles", IPC_CTR_KIND_COUNTER, 100, 400);
	set_ctr("/dp/lcore/net_queue", IPC_CTR_KIND_GAUGE, 1, 0);
}

static void
test_show_lcores_json_gives_each_lcore_its_own_ratio(void)
{
	CU_ASSERT_FATAL(fx.ready);
	set_lcore_ctrs();
	dispatch("--json show lcores");
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_OK);
	CU_ASSERT_TRUE(json_valid(fx.body));
	CU_ASSERT_STRING_EQUAL(fx.body,
			       "{\"tsc_hz\":1000000000,\"lcores\":["
			       "{\"index\":0,\"id\":3,\"role\":\"net\",\"iterations\":1000,"
			       "\"busy_cycles\":25,\"total_cycles\":100,\"busy_ratio\":0.25,"
			       "\"busy_ratio_1s\":null,\"busy_ratio_10s\":null,"
			       "\"busy_ratio_60s\":null},"
			       "{\"index\":1,\"id\":5,\"role\":\"ctl\",\"iterations\":2000,"
			       "\"busy_cycles\":0,\"total_cycles\":400,\"busy_ratio\":0,"
			       "\"busy_ratio_1s\":null,\"busy_ratio_10s\":null,"
			       "\"busy_ratio_60s\":null}]}\n");
}

/*
 * The loop's sampler (stats/lcore_busy.h) read the segment twice, a second
 * apart: lcore 0 was busy for 30 % of that second, lcore 1 throughout.
 */
static void
sample_recent_load(void)
{
	uint32_t busy = set_ctr("/dp/lcore/busy_cycles", IPC_CTR_KIND_COUNTER, 25, 0);
	uint32_t total = set_ctr("/dp/lcore/total_cycles", IPC_CTR_KIND_COUNTER, 100, 400);
	uint64_t t0 = UINT64_C(7000000000);

	set_ctr("/dp/lcore/iterations", IPC_CTR_KIND_COUNTER, 1000, 2000);
	cp_lcore_busy_tick(&fx.cp.lcore_busy, &fx.cp.dp.shm, fx.cp.dp.epoch, t0);
	ipc_ctr_add(ipc_shm_ctr_block(&fx.fdp.shm, 0), busy, 300);
	ipc_ctr_add(ipc_shm_ctr_block(&fx.fdp.shm, 0), total, 1000);
	ipc_ctr_add(ipc_shm_ctr_block(&fx.fdp.shm, 1), busy, 1000);
	ipc_ctr_add(ipc_shm_ctr_block(&fx.fdp.shm, 1), total, 1000);
	cp_lcore_busy_tick(&fx.cp.lcore_busy, &fx.cp.dp.shm, fx.cp.dp.epoch,
			   t0 + CP_LCORE_BUSY_PERIOD_NS);
}

static void
test_show_lcores_json_recent_ratios_from_the_samples(void)
{
	CU_ASSERT_FATAL(fx.ready);
	sample_recent_load();
	dispatch("--json show lcores");
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_OK);
	CU_ASSERT_TRUE(json_valid(fx.body));
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "\"busy_cycles\":325,\"total_cycles\":1100,"));
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "\"busy_ratio_1s\":0.3,\"busy_ratio_10s\":0.3,"
					       "\"busy_ratio_60s\":0.3}"));
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "\"busy_ratio\":0.714285714285714,"
					       "\"busy_ratio_1s\":1,\"busy_ratio_10s\":1,"
					       "\"busy_ratio_60s\":1}"));
}

static void
test_show_lcores_table_recent_ratios_from_the_samples(void)
{
	CU_ASSERT_FATAL(fx.ready);
	sample_recent_load();
	dispatch("show lcores");
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_OK);
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "   0.3000   0.3000   0.3000        0.2955\n1 "));
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "   1.0000   1.0000   1.0000        0.7143\n"));
}

/* busy and total are read one after the other: busy may have run ahead. */
static void
test_show_lcores_ratio_never_exceeds_one(void)
{
	CU_ASSERT_FATAL(fx.ready);
	set_ctr("/dp/lcore/busy_cycles", IPC_CTR_KIND_COUNTER, 120, 5);
	set_ctr("/dp/lcore/total_cycles", IPC_CTR_KIND_COUNTER, 100, 10);
	dispatch("--json show lcores");
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_OK);
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "\"total_cycles\":100,\"busy_ratio\":1,"));
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "\"total_cycles\":10,\"busy_ratio\":0.5,"));
}

static void
test_show_lcores_table(void)
{
	CU_ASSERT_FATAL(fx.ready);
	set_lcore_ctrs();
	dispatch("show lcores");
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_OK);
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "lcore  id   role       iterations"));
	CU_ASSERT_PTR_NOT_NULL(
		strstr(fx.body, " total_cycles  busy_1s busy_10s busy_60s busy_lifetime\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "\n0      3    net              1000 "));
	/* No samples yet: the recent ratios are unknown, the lifetime one is not. */
	CU_ASSERT_PTR_NOT_NULL(
		strstr(fx.body, "       -        -        -        0.2500\n1      5    ctl "));
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "2 lcores"));
}

static void
test_show_lcores_without_counters_has_no_ratio(void)
{
	CU_ASSERT_FATAL(fx.ready);
	dispatch("--json show lcores");
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_OK);
	CU_ASSERT_TRUE(json_valid(fx.body));
	CU_ASSERT_EQUAL(count_substr(fx.body, "\"role\":null"), 2);
	CU_ASSERT_EQUAL(count_substr(fx.body, "\"busy_ratio\":null"), 2);
	CU_ASSERT_EQUAL(count_substr(fx.body, "\"busy_ratio_60s\":null"), 2);
}

static void
test_show_lcores_while_detached_is_a_json_error(void)
{
	CU_ASSERT_FATAL(fx.ready);
	cp_dplink_detach(&fx.cp.dp, 0);
	dispatch("--json show lcores");
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_ERR);
	CU_ASSERT_STRING_EQUAL(fx.body, "{\"error\":\"dataplane down (not attached)\"}\n");
}

/* ---- show ports ------------------------------------------------------------- */

/*
 * Take the PORT_GET sent to lcore 0 and answer @p n_q PORT_QUEUE records
 * (queues 0..n_q-1, counters from the queue number) and @p info (its
 * header and n_queue_stats are set here).
 */
static void
answer_port_q(struct ipc_msg_port_info *info, uint16_t n_q)
{
	union cmd_slot s;

	CU_ASSERT_EQUAL_FATAL(pop_cmd(CP_PORT_LCORE, &s), IPC_CMD_SLOT);
	CU_ASSERT_EQUAL_FATAL(s.hdr.type, IPC_MSG_PORT_GET);
	CU_ASSERT_EQUAL(s.port.port, 0);
	for (uint16_t q = 0; q < n_q; q++) {
		struct ipc_msg_port_queue r;

		memset(&r, 0, sizeof(r));
		ipc_hdr_init(&r.hdr, IPC_MSG_PORT_QUEUE, sizeof(r), s.hdr.req_id);
		r.queue = q;
		r.rx_packets = 10u * q + 1;
		r.rx_bytes = 100u * q + 2;
		r.tx_packets = 10u * q + 3;
		r.tx_bytes = 100u * q + 4;
		r.errors = q;
		push_port_evt(&r, sizeof(r));
	}
	ipc_hdr_init(&info->hdr, IPC_MSG_PORT_INFO, sizeof(*info), s.hdr.req_id);
	info->n_queue_stats = n_q;
	push_port_evt(info, sizeof(*info));
	cp_dplink_poll(&fx.cp.dp, cp_now_ns());
}

/* A PORT_XSTATS_END for request @p req_id. */
static void
push_xstats_end(uint32_t req_id, uint32_t count, uint32_t next, uint32_t served, uint32_t total)
{
	struct ipc_msg_port_xstats_end end;

	memset(&end, 0, sizeof(end));
	ipc_hdr_init(&end.hdr, IPC_MSG_PORT_XSTATS_END, sizeof(end), req_id);
	end.count = count;
	end.next = next;
	end.served = served;
	end.total = total;
	push_port_evt(&end, sizeof(end));
}

static void
answer_port(struct ipc_msg_port_info *info)
{
	answer_port_q(info, 0);
}

static void
fill_port(struct ipc_msg_port_info *p)
{
	static const uint8_t mac[6] = { 0x02, 0x00, 0x5e, 0x10, 0xab, 0xcd };

	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "net_af_packet0");
	memcpy(p->mac, mac, sizeof(mac));
	p->mtu = 1500;
	p->n_queues = 2;
	p->link_up = 1;
	p->link_speed_mbps = 10000;
	p->rx_packets = 11;
	p->rx_bytes = 1100;
	p->tx_packets = 22;
	p->tx_bytes = 2200;
	p->rx_missed = 3;
}

static void
test_show_ports_json_describes_the_port(void)
{
	struct ipc_msg_port_info p;

	CU_ASSERT_FATAL(fx.ready);
	set_ctr("/dp/net/tx_drop_nic", IPC_CTR_KIND_COUNTER, 4, 1);
	dispatch("--json show ports");
	CU_ASSERT_EQUAL(fx.calls, 0);
	fill_port(&p);
	answer_port_q(&p, 2);
	CU_ASSERT_EQUAL(fx.calls, 1);
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_OK);
	CU_ASSERT_TRUE(json_valid(fx.body));
	CU_ASSERT_STRING_EQUAL(
		fx.body, "{\"ports\":[{\"name\":\"net_af_packet0\",\"mac\":\"02:00:5e:10:ab:cd\","
			 "\"link_up\":true,\"link_speed_mbps\":10000,\"mtu\":1500,\"queues\":2,"
			 "\"rx_packets\":11,\"rx_bytes\":1100,\"tx_packets\":22,\"tx_bytes\":2200,"
			 "\"rx_missed\":3,\"rx_errors\":0,\"rx_nombuf\":0,\"tx_errors\":0,"
			 "\"tx_dropped\":5,\"queue_stats\":["
			 "{\"queue\":0,\"rx_packets\":1,\"rx_bytes\":2,\"tx_packets\":3,"
			 "\"tx_bytes\":4,\"errors\":0},"
			 "{\"queue\":1,\"rx_packets\":11,\"rx_bytes\":102,\"tx_packets\":13,"
			 "\"tx_bytes\":104,\"errors\":1}]}]}\n");
	CU_ASSERT_PTR_NULL(fx.req.op);
}

static void
test_show_ports_table(void)
{
	struct ipc_msg_port_info p;

	CU_ASSERT_FATAL(fx.ready);
	dispatch("show ports");
	fill_port(&p);
	answer_port_q(&p, 2);
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_OK);
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "port             mac "));
	CU_ASSERT_PTR_NOT_NULL(strstr(
		fx.body, "\nnet_af_packet0   02:00:5e:10:ab:cd up 10000 Mb/s    1500      2 "));
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "\n1 port\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "\n\nport             queue   rx_packets       "
					       "rx_bytes   tx_packets       tx_bytes     errors\n"
					       "net_af_packet0       0            1              2"
					       "            3              4          0\n"
					       "net_af_packet0       1           11            102"
					       "           13            104          1\n"
					       "2 queues\n"));
}

static void
test_show_ports_table_says_which_queues_the_nic_counts(void)
{
	struct ipc_msg_port_info p;

	CU_ASSERT_FATAL(fx.ready);
	dispatch("show ports");
	fill_port(&p);
	p.n_queues = 20;
	answer_port_q(&p, IPC_PORT_QUEUES_MAX);
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_OK);
	CU_ASSERT_PTR_NOT_NULL(strstr(
		fx.body, "\n16 queues of 20 (the NIC counts per queue for the first 16 only)\n"));
}

static void
test_show_ports_queue_count_mismatch_is_an_error(void)
{
	struct ipc_msg_port_info p;
	union cmd_slot s;

	CU_ASSERT_FATAL(fx.ready);
	dispatch("show ports");
	fill_port(&p);
	/* PORT_INFO says one PORT_QUEUE came first; none did. */
	CU_ASSERT_EQUAL_FATAL(pop_cmd(CP_PORT_LCORE, &s), IPC_CMD_SLOT);
	ipc_hdr_init(&p.hdr, IPC_MSG_PORT_INFO, sizeof(p), s.hdr.req_id);
	p.n_queue_stats = 1;
	push_port_evt(&p, sizeof(p));
	cp_dplink_poll(&fx.cp.dp, cp_now_ns());
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_ERR);
	CU_ASSERT_STRING_EQUAL(fx.body, "error: unexpected answer from the dataplane\n");
}

static void
test_show_ports_without_a_port_is_an_empty_list(void)
{
	struct ipc_msg_port_info p;

	CU_ASSERT_FATAL(fx.ready);
	dispatch("--json show ports");
	memset(&p, 0, sizeof(p));
	p.status = -ENODEV;
	answer_port(&p);
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_OK);
	CU_ASSERT_STRING_EQUAL(fx.body, "{\"ports\":[]}\n");
}

static void
test_show_ports_without_answer_is_a_json_error(void)
{
	CU_ASSERT_FATAL(fx.ready);
	dispatch("--json show ports");
	cp_dplink_poll(&fx.cp.dp, cp_now_ns() + CP_PORT_TIMEOUT_NS + 1);
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_ERR);
	CU_ASSERT_STRING_EQUAL(fx.body, "{\"error\":\"no answer from the dataplane\"}\n");
}

/* ---- show ports xstats ------------------------------------------------------- */

/* Name of xstat @p id in these tests: a few real ones, then made-up ones. */
static void
xstat_name(uint32_t id, char *out, size_t len)
{
	static const char *const real[] = { "rx_good_packets", "tx_good_packets", "rx_good_bytes",
					    "tx_good_bytes" };

	if (id < 4)
		snprintf(out, len, "%s", real[id]);
	else
		snprintf(out, len, "rx_q%u_packets", id - 4);
}

/*
 * Take the PORT_XSTATS sent to lcore 0, check its cursor is @p cursor, and
 * answer @p n stats from there (value 1000 + id), then PORT_XSTATS_END
 * with @p served, @p total and next (0 once @p served is reached).
 */
static void
answer_xstats_page(uint32_t cursor, uint32_t n, uint32_t served, uint32_t total)
{
	union cmd_slot s;

	CU_ASSERT_EQUAL_FATAL(pop_cmd(CP_PORT_LCORE, &s), IPC_CMD_SLOT);
	CU_ASSERT_EQUAL_FATAL(s.hdr.type, IPC_MSG_PORT_XSTATS);
	CU_ASSERT_EQUAL(s.xstats.port, 0);
	CU_ASSERT_EQUAL(s.xstats.cursor, cursor);
	CU_ASSERT_EQUAL(s.xstats.max, IPC_PORT_XSTATS_PAGE_MAX);
	for (uint32_t i = 0; i < n; i++) {
		struct ipc_msg_port_xstat x;

		memset(&x, 0, sizeof(x));
		ipc_hdr_init(&x.hdr, IPC_MSG_PORT_XSTAT, sizeof(x), s.hdr.req_id);
		x.id = cursor + i;
		x.value = 1000u + x.id;
		xstat_name(x.id, x.name, sizeof(x.name));
		push_port_evt(&x, sizeof(x));
	}
	push_xstats_end(s.hdr.req_id, n, cursor + n < served ? cursor + n : 0, served, total);
	cp_dplink_poll(&fx.cp.dp, cp_now_ns());
}

/* Answer a whole listing of @p served stats (of @p total) in pages of 64. */
static void
answer_xstats(uint32_t served, uint32_t total)
{
	uint32_t cursor = 0;

	do {
		uint32_t n = served - cursor < IPC_PORT_XSTATS_PAGE_MAX ? served - cursor
									: IPC_PORT_XSTATS_PAGE_MAX;

		answer_xstats_page(cursor, n, served, total);
		cursor += n;
	} while (cursor < served);
}

static void
test_show_ports_xstats_table(void)
{
	struct ipc_msg_port_info p;

	CU_ASSERT_FATAL(fx.ready);
	dispatch("show ports xstats");
	fill_port(&p);
	answer_port_q(&p, 2);
	CU_ASSERT_EQUAL(fx.calls, 0);
	answer_xstats(5, 5);
	CU_ASSERT_EQUAL(fx.calls, 1);
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_OK);
	CU_ASSERT_STRING_EQUAL(
		fx.body, "name                                                            value\n"
			 "rx_good_packets                                                  1000\n"
			 "tx_good_packets                                                  1001\n"
			 "rx_good_bytes                                                    1002\n"
			 "tx_good_bytes                                                    1003\n"
			 "rx_q0_packets                                                    1004\n"
			 "5 xstats (port net_af_packet0)\n");
	CU_ASSERT_PTR_NULL(fx.req.op);
}

static void
test_show_ports_xstats_json_filter(void)
{
	struct ipc_msg_port_info p;

	CU_ASSERT_FATAL(fx.ready);
	dispatch("--json show ports xstats good_p");
	fill_port(&p);
	answer_port(&p);
	answer_xstats(5, 5);
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_OK);
	CU_ASSERT_TRUE(json_valid(fx.body));
	CU_ASSERT_STRING_EQUAL(fx.body, "{\"port\":\"net_af_packet0\",\"xstats\":["
					"{\"id\":0,\"name\":\"rx_good_packets\",\"value\":1000},"
					"{\"id\":1,\"name\":\"tx_good_packets\",\"value\":1001}],"
					"\"count\":2,\"total\":5,\"truncated\":false}\n");
}

static void
test_show_ports_xstats_pages_and_cut(void)
{
	struct ipc_msg_port_info p;

	CU_ASSERT_FATAL(fx.ready);
	dispatch("show ports xstats q250");
	fill_port(&p);
	answer_port(&p);
	/* 256 served in 4 pages of 64; the NIC has 300. */
	answer_xstats(IPC_PORT_XSTATS_MAX, 300);
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_OK);
	CU_ASSERT_STRING_EQUAL(
		fx.body, "name                                                            value\n"
			 "rx_q250_packets                                                  1254\n"
			 "1 of 256 xstats match 'q250' (port net_af_packet0); the NIC has "
			 "300, Chive reads the first 256\n");
}

static void
test_show_ports_xstats_short_page_is_an_error(void)
{
	struct ipc_msg_port_info p;
	union cmd_slot s;

	CU_ASSERT_FATAL(fx.ready);
	dispatch("--json show ports xstats");
	fill_port(&p);
	answer_port(&p);
	/* PORT_XSTATS_END counts one PORT_XSTAT that never came. */
	CU_ASSERT_EQUAL_FATAL(pop_cmd(CP_PORT_LCORE, &s), IPC_CMD_SLOT);
	push_xstats_end(s.hdr.req_id, 1, 0, 1, 1);
	cp_dplink_poll(&fx.cp.dp, cp_now_ns());
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_ERR);
	CU_ASSERT_STRING_EQUAL(fx.body, "{\"error\":\"unexpected answer from the dataplane\"}\n");
}

static void
test_show_ports_xstats_without_a_port(void)
{
	struct ipc_msg_port_info p;

	CU_ASSERT_FATAL(fx.ready);
	dispatch("show ports xstats");
	memset(&p, 0, sizeof(p));
	p.status = -ENODEV;
	answer_port(&p);
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_OK);
	CU_ASSERT_STRING_EQUAL(fx.body,
			       "no network port (the dataplane runs without --port)\n0 xstats\n");
}

static void
test_show_ports_xstats_json_without_a_port(void)
{
	struct ipc_msg_port_info p;

	CU_ASSERT_FATAL(fx.ready);
	dispatch("--json show ports xstats");
	memset(&p, 0, sizeof(p));
	p.status = -ENODEV;
	answer_port(&p);
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_OK);
	CU_ASSERT_STRING_EQUAL(fx.body, "{\"port\":null,\"xstats\":[],\"count\":0,\"total\":0,"
					"\"truncated\":false}\n");
}

static void
test_show_ports_xstats_bad_arguments(void)
{
	CU_ASSERT_FATAL(fx.ready);
	dispatch("show ports xstats a b");
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_USAGE);
	CU_ASSERT_STRING_EQUAL(fx.body, "usage: show ports xstats [FILTER]\n");
}

/* ---- show channels / circuits ------------------------------------------------- */

/* Answer the first CHAN_LIST/CIRC_LIST page of lcore @p lc with @p row (or none) and the end. */
static void
answer_list(uint32_t lc, const void *row, size_t row_len, uint16_t end_type)
{
	struct ipc_msg_chan_list_end end;
	uint8_t buf[IPC_EVT_SLOT];
	union cmd_slot s;
	struct ipc_hdr h;

	CU_ASSERT_EQUAL_FATAL(pop_cmd(lc, &s), IPC_CMD_SLOT);
	if (row != NULL) {
		memcpy(buf, row, row_len);
		memcpy(&h, buf, sizeof(h));
		h.req_id = s.hdr.req_id;
		memcpy(buf, &h, sizeof(h));
		CU_ASSERT_EQUAL_FATAL(ipc_ring_push(&fx.fdp.evt[lc], buf, row_len), 0);
	}
	memset(&end, 0, sizeof(end));
	ipc_hdr_init(&end.hdr, end_type, sizeof(end), s.hdr.req_id);
	end.total = row != NULL;
	CU_ASSERT_EQUAL_FATAL(ipc_ring_push(&fx.fdp.evt[lc], &end, sizeof(end)), 0);
}

static void
test_show_channels_json_row(void)
{
	struct ipc_msg_chan_info c;

	CU_ASSERT_FATAL(fx.ready);
	memset(&c, 0, sizeof(c));
	ipc_hdr_init(&c.hdr, IPC_MSG_CHAN_INFO, sizeof(c), 0);
	c.chan = 0x101;
	c.state = IPC_CHAN_STATE_OPEN;
	c.role = IPC_ROLE_INITIATOR;
	c.peer_addr = 0xc0000207; /* 192.0.2.7 */
	c.peer_port = 9001;
	c.link_proto = 5;
	c.tls_version = 0x0304;
	c.age_ms = 1500;
	c.rx_bytes = 10;
	c.tx_bytes = 20;
	c.rx_cells = 1;
	c.tx_cells = 2;
	c.flags = IPC_CHAN_F_AUTHENTICATED;
	memset(c.rsa_id_sha1, 0xab, sizeof(c.rsa_id_sha1));
	dispatch("--json show channels");
	answer_list(0, &c, sizeof(c), IPC_MSG_CHAN_LIST_END);
	answer_list(1, NULL, 0, IPC_MSG_CHAN_LIST_END);
	cp_dplink_poll(&fx.cp.dp, cp_now_ns());
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_OK);
	CU_ASSERT_TRUE(json_valid(fx.body));
	CU_ASSERT_STRING_EQUAL(
		fx.body, "{\"channels\":[{\"handle\":\"0x00000101\",\"lcore\":0,\"state\":\"open\","
			 "\"direction\":\"out\",\"peer_addr\":\"192.0.2.7\",\"peer_port\":9001,"
			 "\"link_proto\":5,\"tls\":\"1.3\",\"age_s\":1.5,\"rx_bytes\":10,"
			 "\"tx_bytes\":20,\"rx_cells\":1,\"tx_cells\":2,\"peer_kind\":\"relay\","
			 "\"fingerprint\":\"ABABABABABABABABABABABABABABABABABABABAB\","
			 "\"ed25519_id\":null}],\"count\":1,\"truncated\":false,"
			 "\"lcore_errors\":[]}\n");
}

static void
test_show_circuits_json_lcore_error(void)
{
	struct ipc_msg_circ_info c;

	CU_ASSERT_FATAL(fx.ready);
	memset(&c, 0, sizeof(c));
	ipc_hdr_init(&c.hdr, IPC_MSG_CIRC_INFO, sizeof(c), 0);
	c.circ = 0x2000001;
	c.state = IPC_CIRC_STATE_OPEN;
	c.htype = 2;
	c.p_chan = 0x101;
	c.p_circ_id = 0x80000001;
	c.cells_fwd = 7;
	dispatch("--json show circuits");
	answer_list(1, &c, sizeof(c), IPC_MSG_CIRC_LIST_END);
	cp_dplink_poll(&fx.cp.dp, cp_now_ns());
	cp_dplink_poll(&fx.cp.dp, cp_now_ns() + CP_CHAN_LIST_TIMEOUT_NS + 1);
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_ERR);
	CU_ASSERT_TRUE(json_valid(fx.body));
	CU_ASSERT_PTR_NOT_NULL(
		strstr(fx.body, "{\"circuits\":[{\"handle\":\"0x02000001\",\"lcore\":1,\"state\":"
				"\"open\",\"handshake\":\"ntor\",\"prev\":{\"chan\":\"0x00000101\","
				"\"circ_id\":2147483649},\"next\":null,"));
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "\"cells_fwd\":7,\"cells_bwd\":0}],\"count\":1,"));
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "\"lcore_errors\":[{\"lcore\":0,\"error\":\"no "
					       "answer\"}],\"error\":\"1 of 2 lcores did not list "
					       "their circuits\"}\n"));
}

/* ---- show consensus, keys, config (no dataplane needed) ---------------------- */

static void
test_show_consensus_json_without_authorities(void)
{
	dispatch("--json show consensus");
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_OK);
	CU_ASSERT_TRUE(json_valid(fx.body));
	CU_ASSERT_STRING_EQUAL(
		fx.body, "{\"configured\":false,\"consensus\":null,\"this_relay\":null,"
			 "\"next_fetch\":null,\"last_error\":null,\"descriptor\":{\"publish\":"
			 "false,\"gen\":0,\"published\":null,\"observed_bw\":0,\"measured_bw\":0},"
			 "\"authorities\":[]}\n");
}

static void
test_show_consensus_json_escapes_an_authority_answer(void)
{
	struct cp_dir *d = &fx.cp.dir;

	d->conf.n_auth = 1;
	snprintf(d->conf.auth[0].nickname, sizeof(d->conf.auth[0].nickname), "moria1");
	d->conf.auth[0].ip = 0x7f000001;
	d->conf.auth[0].dirport = 7000;
	snprintf(d->au[0].last, sizeof(d->au[0].last), "rejected: 400 \"bad\\desc\"\n");
	snprintf(d->last_err, sizeof(d->last_err), "fetch failed");
	dispatch("--json show consensus");
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_OK);
	CU_ASSERT_TRUE(json_valid(fx.body));
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "\"configured\":true,\"consensus\":null,"));
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "\"last_error\":\"fetch failed\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body,
				      "\"authorities\":[{\"nickname\":\"moria1\",\"address\":"
				      "\"127.0.0.1\",\"dirport\":7000,\"last\":\"rejected: "
				      "400 \\\"bad\\\\desc\\\"\\n\"}]}"));
}

static void
test_show_keys_json(void)
{
	char want[128];

	fx.cp.keys = fx.keys;
	dispatch("--json show keys");
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_OK);
	CU_ASSERT_TRUE(json_valid(fx.body));
	snprintf(want, sizeof(want), "{\"fingerprint\":\"%s\",\"ed25519_id\":\"%s\",",
		 cp_keys_rsa_fingerprint(fx.keys), cp_keys_ed25519_id_base64(fx.keys));
	CU_ASSERT_EQUAL(strncmp(fx.body, want, strlen(want)), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "\"master_key_offline\":false,\"signing_cert\":{"
					       "\"expires\":"));
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "\"onion_keys\":{\"made\":"));
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "\"previous_until\":null}"));
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "\"link_certs\":{\"gen\":0,\"made\":null,"
					       "\"renew_at\":null,\"installed_lcores\":0,"
					       "\"error\":null}}\n"));
	/* No secret leaves: only the public identities are printed. */
	CU_ASSERT_PTR_NULL(strstr(fx.body, "secret"));
}

static void
test_show_keys_table(void)
{
	fx.cp.keys = fx.keys;
	dispatch("show keys");
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_OK);
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "identity:      "));
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "\nsigning cert:  expires "));
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, ", next rotation "));
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "\nlink certs:    none\n"));
}

static void
test_show_keys_without_a_store_is_a_json_error(void)
{
	dispatch("--json show keys");
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_ERR);
	CU_ASSERT_STRING_EQUAL(fx.body, "{\"error\":\"no relay key store loaded\"}\n");
}

static void
test_show_config_json_from_the_configuration(void)
{
	struct cp_config *c = &fx.conf;

	cp_config_default(c);
	snprintf(c->shm_name, sizeof(c->shm_name), "relay1");
	snprintf(c->data_dir, sizeof(c->data_dir), "/var/lib/chive");
	snprintf(c->dir.contact, sizeof(c->dir.contact), "tor \"at\" example\\org\t\xc3\xa9");
	c->dir.orport = 9001;
	c->dir.address = 0xc0000201;
	c->dir.bw_rate = 1048576;
	c->dir.bw_burst = 2097152;
	c->dir.n_family = 1;
	snprintf(c->dir.family[0], sizeof(c->dir.family[0]), "%s",
		 "ABCDEF0123456789ABCDEF0123456789ABCDEF01");
	c->onionq.workers = 3;
	fx.cp.conf = c;
	dispatch("--json show config");
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_OK);
	CU_ASSERT_TRUE(json_valid(fx.body));
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "{\"config_file\":null,\"shm_name\":\"relay1\","));
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "\"data_dir\":\"/var/lib/chive\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "\"socket_mode\":\"0660\""));
	CU_ASSERT_PTR_NOT_NULL(
		strstr(fx.body, "\"contact\":\"tor \\\"at\\\" example\\\\org\\t\xc3\xa9\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "\"address\":\"192.0.2.1\",\"orport\":9001,"));
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "\"bandwidth_rate\":1048576,\"bandwidth_burst\":"
					       "2097152,\"my_family\":[\"ABCDEF0123456789ABCDEF0123"
					       "456789ABCDEF01\"],\"onion_workers\":3,"));
}

static void
test_show_config_without_configuration_uses_the_context(void)
{
	snprintf(fx.cp.dir.conf.nickname, sizeof(fx.cp.dir.conf.nickname), "ChiveTest");
	dispatch("--json show config");
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_OK);
	CU_ASSERT_TRUE(json_valid(fx.body));
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "\"data_dir\":null"));
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "\"nickname\":\"ChiveTest\""));
	cp_buf_free(&fx.req.out);
	fx.req.finished = 0;
	fx.req.json = false;
	dispatch("show config");
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "Nickname                 ChiveTest\n"));
}

static CU_TestInfo cli_json_tests[] = {
	{ "writer_escapes_quote_and_backslash", test_writer_escapes_quote_and_backslash },
	{ "writer_escapes_control_characters", test_writer_escapes_control_characters },
	{ "writer_escapes_nul_byte", test_writer_escapes_nul_byte },
	{ "writer_passes_well_formed_utf8", test_writer_passes_well_formed_utf8 },
	{ "writer_escapes_bytes_that_are_not_utf8", test_writer_escapes_bytes_that_are_not_utf8 },
	{ "writer_output_is_valid_for_every_byte", test_writer_output_is_valid_for_every_byte },
	{ "writer_separates_members_and_elements", test_writer_separates_members_and_elements },
	{ "writer_numbers", test_writer_numbers },
	{ "writer_escapes_keys_and_formats", test_writer_escapes_keys_and_formats },
	{ "checker_refuses_malformed_documents", test_checker_refuses_malformed_documents },
	{ "json_on_a_write_command_is_a_json_usage_error",
	  test_json_on_a_write_command_is_a_json_usage_error },
	{ "json_unknown_command_is_a_json_error", test_json_unknown_command_is_a_json_error },
	{ "json_alone_is_an_empty_request", test_json_alone_is_an_empty_request },
	{ "json_bad_argument_keeps_the_usage_text", test_json_bad_argument_keeps_the_usage_text },
	{ "json_word_later_in_the_line_is_an_argument",
	  test_json_word_later_in_the_line_is_an_argument },
	{ "help_json_lists_every_command", test_help_json_lists_every_command },
	{ "status_json_while_detached_says_down", test_status_json_while_detached_says_down },
	{ "status_json_with_pongs_lists_lcores", test_status_json_with_pongs_lists_lcores },
	{ "counters_json_while_detached_has_controlplane_counters_and_error",
	  test_counters_json_while_detached_has_controlplane_counters_and_error },
	{ "counters_json_maps_names_to_numbers", test_counters_json_maps_names_to_numbers },
	{ "show_lcores_json_gives_each_lcore_its_own_ratio",
	  test_show_lcores_json_gives_each_lcore_its_own_ratio },
	{ "show_lcores_ratio_never_exceeds_one", test_show_lcores_ratio_never_exceeds_one },
	{ "show_lcores_table", test_show_lcores_table },
	{ "show_lcores_json_recent_ratios_from_the_samples",
	  test_show_lcores_json_recent_ratios_from_the_samples },
	{ "show_lcores_table_recent_ratios_from_the_samples",
	  test_show_lcores_table_recent_ratios_from_the_samples },
	{ "show_lcores_without_counters_has_no_ratio",
	  test_show_lcores_without_counters_has_no_ratio },
	{ "show_lcores_while_detached_is_a_json_error",
	  test_show_lcores_while_detached_is_a_json_error },
	{ "show_ports_json_describes_the_port", test_show_ports_json_describes_the_port },
	{ "show_ports_table", test_show_ports_table },
	{ "show_ports_without_a_port_is_an_empty_list",
	  test_show_ports_without_a_port_is_an_empty_list },
	{ "show_ports_without_answer_is_a_json_error",
	  test_show_ports_without_answer_is_a_json_error },
	{ "show_ports_table_says_which_queues_the_nic_counts",
	  test_show_ports_table_says_which_queues_the_nic_counts },
	{ "show_ports_queue_count_mismatch_is_an_error",
	  test_show_ports_queue_count_mismatch_is_an_error },
	{ "show_ports_xstats_table", test_show_ports_xstats_table },
	{ "show_ports_xstats_json_filter", test_show_ports_xstats_json_filter },
	{ "show_ports_xstats_pages_and_cut", test_show_ports_xstats_pages_and_cut },
	{ "show_ports_xstats_short_page_is_an_error",
	  test_show_ports_xstats_short_page_is_an_error },
	{ "show_ports_xstats_without_a_port", test_show_ports_xstats_without_a_port },
	{ "show_ports_xstats_json_without_a_port", test_show_ports_xstats_json_without_a_port },
	{ "show_ports_xstats_bad_arguments", test_show_ports_xstats_bad_arguments },
	{ "show_channels_json_row", test_show_channels_json_row },
	{ "show_circuits_json_lcore_error", test_show_circuits_json_lcore_error },
	{ "show_consensus_json_without_authorities", test_show_consensus_json_without_authorities },
	{ "show_consensus_json_escapes_an_authority_answer",
	  test_show_consensus_json_escapes_an_authority_answer },
	{ "show_keys_json", test_show_keys_json },
	{ "show_keys_table", test_show_keys_table },
	{ "show_keys_without_a_store_is_a_json_error",
	  test_show_keys_without_a_store_is_a_json_error },
	{ "show_config_json_from_the_configuration", test_show_config_json_from_the_configuration },
	{ "show_config_without_configuration_uses_the_context",
	  test_show_config_without_configuration_uses_the_context },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_cli_json = {
	.pName = "controlplane/cli_json",
	.pInitFunc = suite_init,
	.pCleanupFunc = suite_clean,
	.pSetUpFunc = setup,
	.pTearDownFunc = teardown,
	.pTests = cli_json_tests,
};
