/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief CUnit suite "controlplane/cli_chan": `channel open`, `channel close`,
 *        `show channels`, and the control plane's counters in `counters`.
 *
 * The fixture is test_cli.c's: a struct cp_ctx attached to a two-lcore
 * segment owned by our parent process, one struct cp_cli_req whose done
 * callback records the status and body, and the test playing the dataplane
 * on the command and event rings. Requests are stamped with the real
 * monotonic clock, so tests poll at cp_now_ns() (plus a timeout to expire
 * them); nothing sleeps.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "common/ipc/ipc_msg.h"
#include "common/ipc/ipc_ring.h"
#include "common/ipc/ipc_shm.h"
#include "controlplane/certs/cert_err.h"
#include "controlplane/cli/cli.h"
#include "controlplane/cli/cli_cmds.h"
#include "controlplane/cli/cli_proto.h"
#include "controlplane/cp.h"
#include "controlplane/dplink.h"
#include "controlplane/util.h"
#include "tests/harness/fake_dp.h"
#include "tests/suites.h"

#define N_LCORES 2u

/* A relay identity for the tests: fingerprint and Ed25519 id as tor prints them. */
#define FP "A0B1C2D3E4F5061728394A5B6C7D8E9FA0B1C2D3"
#define ED "nEFL8MTxVWk2rhncQbIYf1l6/AGOjFQ5JGCGyGuA4SA"
static const uint8_t fp_bytes[20] = {
	0xa0, 0xb1, 0xc2, 0xd3, 0xe4, 0xf5, 0x06, 0x17, 0x28, 0x39,
	0x4a, 0x5b, 0x6c, 0x7d, 0x8e, 0x9f, 0xa0, 0xb1, 0xc2, 0xd3,
};
/* base64 decoding of ED. */
static const uint8_t ed_bytes[32] = {
	0x9c, 0x41, 0x4b, 0xf0, 0xc4, 0xf1, 0x55, 0x69, 0x36, 0xae, 0x19,
	0xdc, 0x41, 0xb2, 0x18, 0x7f, 0x59, 0x7a, 0xfc, 0x01, 0x8e, 0x8c,
	0x54, 0x39, 0x24, 0x60, 0x86, 0xc8, 0x6b, 0x80, 0xe1, 0x20,
};

union cmd_slot {
	struct ipc_hdr hdr;
	struct ipc_msg_chan_open open;
	struct ipc_msg_chan_close close;
	struct ipc_msg_chan_list list;
	struct ipc_msg_circ_destroy cdestroy;
	uint8_t bytes[IPC_CMD_SLOT];
};

static struct {
	bool ready;
	char name[IPC_SHM_NAME_MAX];
	struct fake_dp fdp; /* the segment, and the lcores' ends of its rings */
	struct cp_ctx cp;
	struct cp_cli_req req;
	int calls;
	int status;
	char body[16384];
} fx;

static void
done_cb(struct cp_cli_req *req, int status)
{
	fx.calls++;
	fx.status = status;
	snprintf(fx.body, sizeof(fx.body), "%s", req->out.p != NULL ? req->out.p : "");
}

static int
suite_init(void)
{
	snprintf(fx.name, sizeof(fx.name), "chive-ut-%d-clichan", (int)getpid());
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
	g.ring_slots[IPC_RING_CMD] = 8;
	if (fake_dp_start(&fx.fdp, fx.name, &g, err, sizeof(err)) != 0) {
		fprintf(stderr, "cli_chan setup: %s\n", err);
		return;
	}
	if (cp_dplink_attach(&fx.cp.dp, fx.name, err, sizeof(err)) != 0) {
		fprintf(stderr, "cli_chan setup: %s\n", err);
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
}

static void
dispatch(const char *line)
{
	char buf[CLI_PROTO_LINE_MAX];

	snprintf(buf, sizeof(buf), "%s", line);
	cp_cli_dispatch(&fx.req, buf);
}

static int
pop_cmd(uint32_t lc, union cmd_slot *s)
{
	memset(s, 0, sizeof(*s));
	return ipc_ring_pop(&fx.fdp.cmd[lc], s, sizeof(*s));
}

static uint32_t
cmd_count(uint32_t lc)
{
	return ipc_ring_cons_count(&fx.fdp.cmd[lc]);
}

static int
push_evt(uint32_t lc, const void *m, size_t len)
{
	return ipc_ring_push(&fx.fdp.evt[lc], m, len);
}

static void
poll_now(void)
{
	cp_dplink_poll(&fx.cp.dp, cp_now_ns());
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

/* ---- channel open: arguments -------------------------------------------- */

static void
test_open_bad_arguments_are_usage_errors(void)
{
	static const char *const bad[] = {
		"channel open",
		"channel open 192.0.2.7:9001",
		"channel open 192.0.2.7:9001 " FP " " ED " extra",
		/* addresses */
		"channel open 192.0.2.7 " FP,
		"channel open 192.0.2:9001 " FP,
		"channel open 192.0.2.256:9001 " FP,
		"channel open 192.0.2.7:0 " FP,
		"channel open 192.0.2.7:65536 " FP,
		"channel open 192.0.2.7:90a1 " FP,
		"channel open 192.0.2.7: " FP,
		"channel open :9001 " FP,
		"channel open [2001:db8::1]:9001 " FP,
		"channel open relay.example:9001 " FP,
		/* fingerprints */
		"channel open 192.0.2.7:9001 A0B1C2D3E4F5061728394A5B6C7D8E9FA0B1C2D",
		"channel open 192.0.2.7:9001 A0B1C2D3E4F5061728394A5B6C7D8E9FA0B1C2D3F",
		"channel open 192.0.2.7:9001 G0B1C2D3E4F5061728394A5B6C7D8E9FA0B1C2D3",
		"channel open 192.0.2.7:9001 $$A0B1C2D3E4F5061728394A5B6C7D8E9FA0B1C2D3",
		"channel open 192.0.2.7:9001 A0B1",
		/* Ed25519 ids */
		"channel open 192.0.2.7:9001 " FP " nEFL8MTxVWk2rhncQbIYf1l6/AGOjFQ5JGCGyGuA4S",
		"channel open 192.0.2.7:9001 " FP " nEFL8MTxVWk2rhncQbIYf1l6/AGOjFQ5JGCGyGuA4SA=",
		"channel open 192.0.2.7:9001 " FP " nEFL8MTxVWk2rhncQbIYf1l6/AGOjFQ5JGCGyGuA4S*",
		"channel open 192.0.2.7:9001 " FP " nEFL8MTxVWk2rhncQbIYf1l6/AGOjFQ5JGCGyGuA4SB",
	};

	CU_ASSERT_FATAL(fx.ready);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		fx.calls = 0;
		cp_buf_free(&fx.req.out);
		fx.req.finished = 0;
		dispatch(bad[i]);
		CU_ASSERT_EQUAL(fx.calls, 1);
		if (fx.status != CLI_STATUS_USAGE)
			fprintf(stderr, "\n  not a usage error: '%s'\n", bad[i]);
		CU_ASSERT_EQUAL(fx.status, CLI_STATUS_USAGE);
		CU_ASSERT_PTR_NOT_NULL(
			strstr(fx.body, "usage: channel open ADDR:PORT FINGERPRINT"));
	}
	/* Nothing reached the dataplane. */
	CU_ASSERT_EQUAL(cmd_count(0), 0);
	CU_ASSERT_EQUAL(cmd_count(1), 0);
	CU_ASSERT_EQUAL(fx.cp.dp.n_pending, 0);
}

static void
test_open_names_the_bad_argument(void)
{
	dispatch("channel open 192.0.2.7:99999 " FP);
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "error: bad address '192.0.2.7:99999'"));
	fx.req.finished = 0;
	cp_buf_free(&fx.req.out);
	dispatch("channel open 192.0.2.7:9001 XYZ");
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "error: bad fingerprint 'XYZ'"));
	fx.req.finished = 0;
	cp_buf_free(&fx.req.out);
	dispatch("channel open 192.0.2.7:9001 " FP " abc");
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "error: bad Ed25519 identity 'abc'"));
}

static void
test_open_while_detached_says_dataplane_down(void)
{
	CU_ASSERT_FATAL(fx.ready);
	cp_dplink_detach(&fx.cp.dp, 0);
	dispatch("channel open 192.0.2.7:9001 " FP);
	CU_ASSERT_EQUAL(fx.calls, 1);
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_ERR);
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "error: dataplane down (not attached)"));
}

/* ---- channel open: the request and its answers --------------------------- */

static void
test_open_sends_chan_open_to_lcore_0_and_waits(void)
{
	union cmd_slot s;
	uint64_t before = cp_now_ns();
	uint16_t type = 0;

	CU_ASSERT_FATAL(fx.ready);
	dispatch("channel open 192.0.2.7:9001 $" FP);
	CU_ASSERT_EQUAL(fx.calls, 0);
	CU_ASSERT_PTR_NOT_NULL(fx.req.op);
	CU_ASSERT_EQUAL(fx.req.timeout_ns, CP_CHAN_OPEN_TIMEOUT_NS);
	CU_ASSERT_EQUAL(cmd_count(1), 0);
	CU_ASSERT_EQUAL_FATAL(pop_cmd(0, &s), IPC_CMD_SLOT);
	CU_ASSERT_EQUAL(s.hdr.type, IPC_MSG_CHAN_OPEN);
	CU_ASSERT_EQUAL(s.hdr.len, sizeof(s.open));
	CU_ASSERT_EQUAL(ipc_msg_validate(&s, sizeof(s), IPC_DIR_CMD, &type), 0);
	CU_ASSERT_EQUAL(type, IPC_MSG_CHAN_OPEN);
	CU_ASSERT_EQUAL(s.open.addr, 0xc0000207u);
	CU_ASSERT_EQUAL(s.open.port, 9001);
	CU_ASSERT_EQUAL(s.open.flags, 0);
	CU_ASSERT_EQUAL(memcmp(s.open.rsa_id_sha1, fp_bytes, 20), 0);
	/* The request waits a minute, not the default. */
	for (uint32_t i = 0; i < CP_DPLINK_PENDING_MAX; i++) {
		if (fx.cp.dp.pending[i].req_id == s.hdr.req_id) {
			CU_ASSERT(fx.cp.dp.pending[i].deadline_ns >=
				  before + CP_CHAN_OPEN_TIMEOUT_NS);
			CU_ASSERT(fx.cp.dp.pending[i].deadline_ns <=
				  cp_now_ns() + CP_CHAN_OPEN_TIMEOUT_NS);
		}
	}
	CU_ASSERT_EQUAL(fx.cp.dp.n_pending, 1);
}

static void
test_open_with_ed25519_id_checks_it_too(void)
{
	union cmd_slot s;

	CU_ASSERT_FATAL(fx.ready);
	dispatch("channel open 10.0.0.1:443 " FP " " ED);
	CU_ASSERT_EQUAL_FATAL(pop_cmd(0, &s), IPC_CMD_SLOT);
	CU_ASSERT_EQUAL(s.open.flags, IPC_CHAN_OPEN_F_ED);
	CU_ASSERT_EQUAL(s.open.addr, 0x0a000001u);
	CU_ASSERT_EQUAL(s.open.port, 443);
	CU_ASSERT_EQUAL(memcmp(s.open.ed_id, ed_bytes, 32), 0);
}

static void
test_open_lowercase_fingerprint_is_accepted(void)
{
	union cmd_slot s;

	CU_ASSERT_FATAL(fx.ready);
	dispatch("channel open 192.0.2.7:9001 a0b1c2d3e4f5061728394a5b6c7d8e9fa0b1c2d3");
	CU_ASSERT_EQUAL_FATAL(pop_cmd(0, &s), IPC_CMD_SLOT);
	CU_ASSERT_EQUAL(memcmp(s.open.rsa_id_sha1, fp_bytes, 20), 0);
}

/* Answer the CHAN_OPEN waiting on lcore 0 with @st (req_id filled in). */
static void
answer_open(struct ipc_msg_chan_status *st)
{
	union cmd_slot s;

	CU_ASSERT_EQUAL_FATAL(pop_cmd(0, &s), IPC_CMD_SLOT);
	ipc_hdr_init(&st->hdr, IPC_MSG_CHAN_STATUS, sizeof(*st), s.hdr.req_id);
	CU_ASSERT_EQUAL_FATAL(push_evt(0, st, sizeof(*st)), 0);
	poll_now();
}

static void
test_open_success_prints_the_channel(void)
{
	struct ipc_msg_chan_status st;

	CU_ASSERT_FATAL(fx.ready);
	dispatch("channel open 192.0.2.7:9001 " FP " " ED);
	memset(&st, 0, sizeof(st));
	st.chan = 0x00010002;
	st.link_proto = 5;
	memcpy(st.rsa_id_sha1, fp_bytes, 20);
	memcpy(st.ed_id, ed_bytes, 32);
	answer_open(&st);
	CU_ASSERT_EQUAL(fx.calls, 1);
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_OK);
	CU_ASSERT_STRING_EQUAL(fx.body,
			       "channel 0x00010002 open, link 5, peer $" FP " ed25519 " ED "\n");
	CU_ASSERT_PTR_NULL(fx.req.op);
	CU_ASSERT_EQUAL(fx.cp.dp.n_pending, 0);
}

static void
test_open_certs_failure_names_reason_and_cert_check(void)
{
	struct ipc_msg_chan_status st;
	char want[256];

	CU_ASSERT_FATAL(fx.ready);
	dispatch("channel open 192.0.2.7:9001 " FP);
	memset(&st, 0, sizeof(st));
	st.chan = 0x00010003;
	st.status = -EPROTO;
	st.close_reason = IPC_CHAN_CLOSE_CERTS;
	st.cert_err = CP_CERT_ERR_ED_EXPIRED;
	answer_open(&st);
	CU_ASSERT_EQUAL(fx.calls, 1);
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_ERR);
	snprintf(want, sizeof(want), "error: channel failed: certs [cert check: %s]\n",
		 cp_cert_err_str(CP_CERT_ERR_ED_EXPIRED));
	CU_ASSERT_STRING_EQUAL(fx.body, want);
}

static void
test_open_timeout_failure_names_the_close_reason(void)
{
	struct ipc_msg_chan_status st;

	CU_ASSERT_FATAL(fx.ready);
	dispatch("channel open 192.0.2.7:9001 " FP);
	memset(&st, 0, sizeof(st));
	st.status = -ETIMEDOUT;
	st.close_reason = IPC_CHAN_CLOSE_HS_TIMEOUT;
	answer_open(&st);
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_ERR);
	CU_ASSERT_STRING_EQUAL(fx.body, "error: channel failed: hs_timeout\n");
}

static void
test_open_refused_before_a_channel_gives_errno(void)
{
	struct ipc_msg_chan_status st;

	CU_ASSERT_FATAL(fx.ready);
	dispatch("channel open 192.0.2.7:9001 " FP);
	memset(&st, 0, sizeof(st));
	st.status = -EBUSY;
	answer_open(&st);
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_ERR);
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "error: channel failed: "));
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, strerror(EBUSY)));
}

static void
test_open_on_an_lcore_without_channels_says_so(void)
{
	struct ipc_msg_chan_status st;

	CU_ASSERT_FATAL(fx.ready);
	dispatch("channel open 192.0.2.7:9001 " FP);
	memset(&st, 0, sizeof(st));
	st.status = -ENODEV;
	answer_open(&st);
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_ERR);
	CU_ASSERT_STRING_EQUAL(fx.body,
			       "error: channel failed: lcore 0 runs no channels (no network port)\n");
}

static void
test_open_cmd_error_says_refused(void)
{
	struct ipc_msg_cmd_error e;
	union cmd_slot s;

	CU_ASSERT_FATAL(fx.ready);
	dispatch("channel open 192.0.2.7:9001 " FP);
	CU_ASSERT_EQUAL_FATAL(pop_cmd(0, &s), IPC_CMD_SLOT);
	memset(&e, 0, sizeof(e));
	ipc_hdr_init(&e.hdr, IPC_MSG_CMD_ERROR, sizeof(e), s.hdr.req_id);
	e.bad_type = IPC_MSG_CHAN_OPEN;
	e.err = -ENOTSUP;
	CU_ASSERT_EQUAL_FATAL(push_evt(0, &e, sizeof(e)), 0);
	poll_now();
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_ERR);
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "error: the dataplane refused CHAN_OPEN: "));
}

static void
test_open_without_answer_times_out_after_a_minute(void)
{
	uint64_t t = cp_now_ns();

	CU_ASSERT_FATAL(fx.ready);
	dispatch("channel open 192.0.2.7:9001 " FP);
	cp_dplink_poll(&fx.cp.dp, t + CP_STATUS_PING_TIMEOUT_NS * 30);
	CU_ASSERT_EQUAL(fx.calls, 0);
	cp_dplink_poll(&fx.cp.dp, cp_now_ns() + CP_CHAN_OPEN_TIMEOUT_NS);
	CU_ASSERT_EQUAL(fx.calls, 1);
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_ERR);
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "error: no answer from the dataplane within 60 s"));
}

static void
test_open_detach_while_waiting_says_dataplane_went_away(void)
{
	CU_ASSERT_FATAL(fx.ready);
	dispatch("channel open 192.0.2.7:9001 " FP);
	cp_dplink_detach(&fx.cp.dp, cp_now_ns());
	CU_ASSERT_EQUAL(fx.calls, 1);
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_ERR);
	CU_ASSERT_STRING_EQUAL(fx.body, "error: the dataplane went away\n");
}

static void
test_open_cancel_leaves_nothing_pending(void)
{
	CU_ASSERT_FATAL(fx.ready);
	dispatch("channel open 192.0.2.7:9001 " FP);
	CU_ASSERT_EQUAL_FATAL(fx.cp.dp.n_pending, 1);
	cp_cli_req_cancel(&fx.req);
	CU_ASSERT_EQUAL(fx.cp.dp.n_pending, 0);
	CU_ASSERT_EQUAL(fx.calls, 0);
}

/* ---- channel close ------------------------------------------------------- */

static void
test_close_bad_handles_are_usage_errors(void)
{
	static const char *const bad[] = {
		"channel close",      "channel close 0x",	   "channel close 0",
		"channel close 0x0",  "channel close 0x123456789", "channel close 4294967296",
		"channel close 12ab", "channel close 0xg1",	   "channel close 1 2",
		"channel close -1",
	};

	CU_ASSERT_FATAL(fx.ready);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		fx.calls = 0;
		cp_buf_free(&fx.req.out);
		fx.req.finished = 0;
		dispatch(bad[i]);
		CU_ASSERT_EQUAL(fx.calls, 1);
		CU_ASSERT_EQUAL(fx.status, CLI_STATUS_USAGE);
		CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "usage: channel close HANDLE"));
	}
	CU_ASSERT_EQUAL(cmd_count(0) + cmd_count(1), 0);
}

/* Answer lcore @lc's CHAN_CLOSE with @status; return the handle it named. */
static uint32_t
answer_close(uint32_t lc, int32_t status)
{
	struct ipc_msg_chan_status st;
	union cmd_slot s;

	CU_ASSERT_EQUAL_FATAL(pop_cmd(lc, &s), IPC_CMD_SLOT);
	CU_ASSERT_EQUAL(s.hdr.type, IPC_MSG_CHAN_CLOSE);
	memset(&st, 0, sizeof(st));
	ipc_hdr_init(&st.hdr, IPC_MSG_CHAN_STATUS, sizeof(st), s.hdr.req_id);
	st.chan = s.close.chan;
	st.status = status;
	CU_ASSERT_EQUAL_FATAL(push_evt(lc, &st, sizeof(st)), 0);
	return s.close.chan;
}

static void
test_close_asks_every_lcore_and_the_owner_closes(void)
{
	CU_ASSERT_FATAL(fx.ready);
	dispatch("channel close 0x00010002");
	CU_ASSERT_EQUAL(fx.calls, 0);
	CU_ASSERT_EQUAL(answer_close(0, -EBADF), 0x00010002u);
	CU_ASSERT_EQUAL(answer_close(1, 0), 0x00010002u);
	poll_now();
	CU_ASSERT_EQUAL(fx.calls, 1);
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_OK);
	CU_ASSERT_STRING_EQUAL(fx.body, "channel 0x00010002 closed\n");
}

static void
test_close_decimal_handle(void)
{
	CU_ASSERT_FATAL(fx.ready);
	dispatch("channel close 65538");
	CU_ASSERT_EQUAL(answer_close(0, 0), 65538u);
	CU_ASSERT_EQUAL(answer_close(1, -EBADF), 65538u);
}

static void
test_close_unknown_handle_fails(void)
{
	CU_ASSERT_FATAL(fx.ready);
	dispatch("channel close 0xdead");
	answer_close(0, -EBADF);
	answer_close(1, -EBADF);
	poll_now();
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_ERR);
	CU_ASSERT_STRING_EQUAL(fx.body, "error: no channel 0x0000dead\n");
}

static void
test_close_on_lcores_without_channels_finds_nothing(void)
{
	CU_ASSERT_FATAL(fx.ready);
	dispatch("channel close 0x5");
	answer_close(0, -ENODEV);
	answer_close(1, -ENODEV);
	poll_now();
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_ERR);
	CU_ASSERT_STRING_EQUAL(fx.body, "error: no channel 0x00000005\n");
}

static void
test_close_other_error_is_reported(void)
{
	CU_ASSERT_FATAL(fx.ready);
	dispatch("channel close 0x5");
	answer_close(0, -EBADF);
	answer_close(1, -EBUSY);
	poll_now();
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_ERR);
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "error: cannot close channel 0x00000005: "));
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, strerror(EBUSY)));
}

static void
test_close_while_detached_says_dataplane_down(void)
{
	CU_ASSERT_FATAL(fx.ready);
	cp_dplink_detach(&fx.cp.dp, 0);
	dispatch("channel close 0x1");
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_ERR);
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "error: dataplane down"));
}

/* ---- show channels ------------------------------------------------------- */

static void
info_init(struct ipc_msg_chan_info *c, uint32_t req_id, uint32_t chan)
{
	memset(c, 0, sizeof(*c));
	ipc_hdr_init(&c->hdr, IPC_MSG_CHAN_INFO, sizeof(*c), req_id);
	c->chan = chan;
}

static void
list_end(uint32_t lc, uint32_t req_id, uint32_t count, uint32_t next, uint32_t total)
{
	struct ipc_msg_chan_list_end e;

	memset(&e, 0, sizeof(e));
	ipc_hdr_init(&e.hdr, IPC_MSG_CHAN_LIST_END, sizeof(e), req_id);
	e.count = count;
	e.next = next;
	e.total = total;
	CU_ASSERT_EQUAL_FATAL(push_evt(lc, &e, sizeof(e)), 0);
}

static void
test_show_channels_pages_through_every_lcore(void)
{
	struct ipc_msg_chan_info c;
	union cmd_slot s0, s1, s2;

	CU_ASSERT_FATAL(fx.ready);
	dispatch("show channels");
	CU_ASSERT_EQUAL(fx.calls, 0);
	CU_ASSERT_EQUAL_FATAL(pop_cmd(0, &s0), IPC_CMD_SLOT);
	CU_ASSERT_EQUAL_FATAL(pop_cmd(1, &s1), IPC_CMD_SLOT);
	CU_ASSERT_EQUAL(s0.hdr.type, IPC_MSG_CHAN_LIST);
	CU_ASSERT_EQUAL(s0.list.cursor, 0);
	CU_ASSERT_EQUAL(s0.list.max, IPC_CHAN_LIST_MAX);
	CU_ASSERT_EQUAL(s1.list.cursor, 0);

	/* Lcore 0, page 1: an authenticated relay channel we opened... */
	info_init(&c, s0.hdr.req_id, 0x00010002);
	c.state = IPC_CHAN_STATE_OPEN;
	c.role = IPC_ROLE_INITIATOR;
	c.link_proto = 5;
	c.peer_addr = 0xc0000207u;
	c.peer_port = 9001;
	c.flags = IPC_CHAN_F_AUTHENTICATED;
	c.tls_version = 0x0304;
	memcpy(c.rsa_id_sha1, fp_bytes, 20);
	memcpy(c.ed_id, ed_bytes, 32);
	c.age_ms = 12345;
	c.rx_bytes = 1000;
	c.tx_bytes = 2000;
	c.rx_cells = 3;
	c.tx_cells = 4;
	CU_ASSERT_EQUAL_FATAL(push_evt(0, &c, sizeof(c)), 0);
	/* ...and a client that connected to us. */
	info_init(&c, s0.hdr.req_id, 0x00010003);
	c.state = IPC_CHAN_STATE_OPEN;
	c.role = IPC_ROLE_RESPONDER;
	c.link_proto = 4;
	c.peer_addr = 0xc6336401u;
	c.peer_port = 40000;
	c.flags = IPC_CHAN_F_CLIENT;
	c.tls_version = 0x0303;
	CU_ASSERT_EQUAL_FATAL(push_evt(0, &c, sizeof(c)), 0);
	list_end(0, s0.hdr.req_id, 2, 7, 3);
	/* Lcore 1: nothing. */
	list_end(1, s1.hdr.req_id, 0, 0, 0);
	poll_now();
	/* The CHAN_INFO replies did not end the request; LIST_END asked for page 2. */
	CU_ASSERT_EQUAL(fx.calls, 0);
	CU_ASSERT_EQUAL(fx.cp.dp.stats.evt_partial, 2);
	CU_ASSERT_EQUAL_FATAL(pop_cmd(0, &s2), IPC_CMD_SLOT);
	CU_ASSERT_EQUAL(s2.hdr.type, IPC_MSG_CHAN_LIST);
	CU_ASSERT_EQUAL(s2.list.cursor, 7);
	CU_ASSERT_EQUAL(cmd_count(1), 0);

	/* Lcore 0, page 2: one channel still in its handshake. */
	info_init(&c, s2.hdr.req_id, 0x00010009);
	c.state = IPC_CHAN_STATE_HANDSHAKE;
	c.role = IPC_ROLE_RESPONDER;
	c.peer_addr = 0x0a000001u;
	c.peer_port = 5555;
	CU_ASSERT_EQUAL_FATAL(push_evt(0, &c, sizeof(c)), 0);
	list_end(0, s2.hdr.req_id, 1, 0, 3);
	poll_now();
	CU_ASSERT_EQUAL(fx.calls, 1);
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_OK);
	CU_ASSERT_EQUAL(fx.cp.dp.n_pending, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "handle"));
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "peer identity"));
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "0x00010002     0 open      out  192.0.2.7:9001"));
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, " 5  1.3      12.3         1000         2000"));
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "$" FP " " ED "\n"));
	CU_ASSERT_PTR_NOT_NULL(
		strstr(fx.body, "0x00010003     0 open      in   198.51.100.1:40000"));
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, " 1.2 "));
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, " client\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "0x00010009     0 handshake in   10.0.0.1:5555"));
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "   -    - "));
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "3 channels\n"));
	CU_ASSERT_PTR_NULL(strstr(fx.body, "error"));
	/* Rows in the order the lcore listed them. */
	CU_ASSERT(strstr(fx.body, "0x00010002") < strstr(fx.body, "0x00010003"));
	CU_ASSERT(strstr(fx.body, "0x00010003") < strstr(fx.body, "0x00010009"));
}

static void
test_show_channels_rows_are_grouped_by_lcore(void)
{
	struct ipc_msg_chan_info c;
	union cmd_slot s0, s1;

	CU_ASSERT_FATAL(fx.ready);
	dispatch("show channels");
	CU_ASSERT_EQUAL_FATAL(pop_cmd(0, &s0), IPC_CMD_SLOT);
	CU_ASSERT_EQUAL_FATAL(pop_cmd(1, &s1), IPC_CMD_SLOT);
	/* Lcore 1 answers first. */
	info_init(&c, s1.hdr.req_id, 0x01000001);
	CU_ASSERT_EQUAL_FATAL(push_evt(1, &c, sizeof(c)), 0);
	list_end(1, s1.hdr.req_id, 1, 0, 1);
	poll_now();
	info_init(&c, s0.hdr.req_id, 0x00000001);
	CU_ASSERT_EQUAL_FATAL(push_evt(0, &c, sizeof(c)), 0);
	list_end(0, s0.hdr.req_id, 1, 0, 1);
	poll_now();
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_OK);
	CU_ASSERT(strstr(fx.body, "0x00000001     0 ") < strstr(fx.body, "0x01000001     1 "));
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "2 channels\n"));
}

static void
test_show_channels_reports_a_silent_lcore(void)
{
	union cmd_slot s0;

	CU_ASSERT_FATAL(fx.ready);
	dispatch("show channels");
	CU_ASSERT_EQUAL_FATAL(pop_cmd(0, &s0), IPC_CMD_SLOT);
	list_end(0, s0.hdr.req_id, 0, 0, 0);
	poll_now();
	CU_ASSERT_EQUAL(fx.calls, 0);
	cp_dplink_poll(&fx.cp.dp, cp_now_ns() + CP_CHAN_LIST_TIMEOUT_NS);
	CU_ASSERT_EQUAL(fx.calls, 1);
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_ERR);
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "0 channels\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "error: lcore 1: no answer\n"));
}

static void
test_show_channels_reports_a_refusal(void)
{
	struct ipc_msg_cmd_error e;
	union cmd_slot s0, s1;

	CU_ASSERT_FATAL(fx.ready);
	dispatch("show channels");
	CU_ASSERT_EQUAL_FATAL(pop_cmd(0, &s0), IPC_CMD_SLOT);
	CU_ASSERT_EQUAL_FATAL(pop_cmd(1, &s1), IPC_CMD_SLOT);
	list_end(0, s0.hdr.req_id, 0, 0, 0);
	memset(&e, 0, sizeof(e));
	ipc_hdr_init(&e.hdr, IPC_MSG_CMD_ERROR, sizeof(e), s1.hdr.req_id);
	e.bad_type = IPC_MSG_CHAN_LIST;
	e.err = -ENOTSUP;
	CU_ASSERT_EQUAL_FATAL(push_evt(1, &e, sizeof(e)), 0);
	poll_now();
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_ERR);
	CU_ASSERT_EQUAL(count_substr(fx.body, "error: lcore 1: "), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, strerror(ENOTSUP)));
	CU_ASSERT_EQUAL(fx.cp.dp.n_pending, 0);
}

static void
test_show_channels_stops_on_a_cursor_that_does_not_move(void)
{
	union cmd_slot s0, s1, s2;

	CU_ASSERT_FATAL(fx.ready);
	dispatch("show channels");
	CU_ASSERT_EQUAL_FATAL(pop_cmd(0, &s0), IPC_CMD_SLOT);
	CU_ASSERT_EQUAL_FATAL(pop_cmd(1, &s1), IPC_CMD_SLOT);
	list_end(1, s1.hdr.req_id, 0, 0, 0);
	list_end(0, s0.hdr.req_id, 0, 5, 0);
	poll_now();
	CU_ASSERT_EQUAL_FATAL(pop_cmd(0, &s2), IPC_CMD_SLOT);
	CU_ASSERT_EQUAL(s2.list.cursor, 5);
	list_end(0, s2.hdr.req_id, 0, 5, 0); /* the same cursor again */
	poll_now();
	CU_ASSERT_EQUAL(fx.calls, 1);
	CU_ASSERT_EQUAL(cmd_count(0), 0);
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_OK);
}

static void
test_show_channels_extra_argument_is_usage_error(void)
{
	dispatch("show channels now");
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_USAGE);
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "usage: show channels"));
}

static void
test_show_channels_while_detached_says_dataplane_down(void)
{
	CU_ASSERT_FATAL(fx.ready);
	cp_dplink_detach(&fx.cp.dp, 0);
	dispatch("show channels");
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_ERR);
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "error: dataplane down"));
}

static void
test_show_channels_cancel_frees_everything(void)
{
	struct ipc_msg_chan_info c;
	union cmd_slot s0;

	CU_ASSERT_FATAL(fx.ready);
	dispatch("show channels");
	CU_ASSERT_EQUAL_FATAL(pop_cmd(0, &s0), IPC_CMD_SLOT);
	info_init(&c, s0.hdr.req_id, 0x00010002);
	CU_ASSERT_EQUAL_FATAL(push_evt(0, &c, sizeof(c)), 0);
	poll_now();
	cp_cli_req_cancel(&fx.req);
	CU_ASSERT_EQUAL(fx.cp.dp.n_pending, 0);
	CU_ASSERT_EQUAL(fx.calls, 0);
}

/* ---- help and counters --------------------------------------------------- */

static void
test_help_channel_lists_both_channel_commands(void)
{
	dispatch("help channel");
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_OK);
	CU_ASSERT_PTR_NOT_NULL(
		strstr(fx.body, "  channel open ADDR:PORT FINGERPRINT [ED25519_ID]\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "  channel close HANDLE\n"));
	CU_ASSERT_EQUAL(count_substr(fx.body, "\n      "), 2);
}

static void
test_counters_include_the_controlplane_own(void)
{
	CU_ASSERT_FATAL(fx.ready);
	fx.cp.dp.stats.evt_partial = 42;
	dispatch("counters /cp/dplink/");
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_OK);
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "/cp/dplink/evt_partial"));
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, " 42\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "/cp/dplink/down_full"));
	CU_ASSERT_PTR_NULL(strstr(fx.body, "/dp/"));
}

static void
test_counters_while_detached_still_show_the_controlplane_own(void)
{
	CU_ASSERT_FATAL(fx.ready);
	cp_dplink_detach(&fx.cp.dp, 0);
	dispatch("counters");
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_ERR);
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "/cp/dplink/cmd_sent"));
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "dataplane:     down"));
}

/* ---- show circuits, circuit destroy ---------------------------------------- */

/* Make fx.req ready for another request (a request finishes only once). */
static void
reset_req(void)
{
	fx.req.finished = 0;
	cp_buf_free(&fx.req.out);
	fx.calls = 0;
	fx.status = -1;
	fx.body[0] = '\0';
}

static void
test_show_circuits_lists_every_lcore(void)
{
	struct ipc_msg_circ_info c;
	struct ipc_msg_chan_list_end e;
	union cmd_slot s0, s1;

	CU_ASSERT_FATAL(fx.ready);
	dispatch("show circuits");
	CU_ASSERT_EQUAL_FATAL(pop_cmd(0, &s0), IPC_CMD_SLOT);
	CU_ASSERT_EQUAL_FATAL(pop_cmd(1, &s1), IPC_CMD_SLOT);
	CU_ASSERT_EQUAL(s0.hdr.type, IPC_MSG_CIRC_LIST);
	CU_ASSERT_EQUAL(s0.list.max, IPC_CIRC_LIST_MAX);
	memset(&c, 0, sizeof(c));
	ipc_hdr_init(&c.hdr, IPC_MSG_CIRC_INFO, sizeof(c), s1.hdr.req_id);
	c.circ = 0x02000105u;
	c.state = IPC_CIRC_STATE_OPEN;
	c.htype = 3;
	c.p_chan = 0x02000201u;
	c.p_circ_id = 0x80000001u;
	c.n_chan = 0x02000301u;
	c.n_circ_id = 0x1234u;
	c.q_p = 5;
	c.q_n = 7;
	c.age_ms = 2500;
	c.cells_fwd = 100;
	c.cells_bwd = 200;
	CU_ASSERT_EQUAL_FATAL(push_evt(1, &c, sizeof(c)), 0);
	memset(&e, 0, sizeof(e));
	ipc_hdr_init(&e.hdr, IPC_MSG_CIRC_LIST_END, sizeof(e), s1.hdr.req_id);
	e.count = 1;
	e.total = 1;
	CU_ASSERT_EQUAL_FATAL(push_evt(1, &e, sizeof(e)), 0);
	e.hdr.req_id = s0.hdr.req_id;
	e.count = e.total = 0;
	CU_ASSERT_EQUAL_FATAL(push_evt(0, &e, sizeof(e)), 0);
	poll_now();
	CU_ASSERT_EQUAL(fx.calls, 1);
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_OK);
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "prev chan:circ_id"));
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "0x02000105     1 open      ntor3 "
					       "0x02000201:80000001   0x02000301:00001234"));
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "      5      7       2.5        100        200\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "1 circuit\n"));
	/* An argument is a usage error. */
	reset_req();
	dispatch("show circuits extra");
	CU_ASSERT_EQUAL(fx.calls, 1);
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_USAGE);
}

static void
test_circuit_destroy_goes_to_the_owning_lcore(void)
{
	struct ipc_msg_circ_status st;
	union cmd_slot s;

	CU_ASSERT_FATAL(fx.ready);
	/* Usage errors: no handle, a bad handle, a bad reason, too many arguments. */
	reset_req();
	dispatch("circuit destroy");
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_USAGE);
	reset_req();
	dispatch("circuit destroy 0xzz");
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_USAGE);
	reset_req();
	dispatch("circuit destroy 0x02000105 nosuchreason");
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_USAGE);
	reset_req();
	dispatch("circuit destroy 0x02000105 13");
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_USAGE);
	reset_req();
	dispatch("circuit destroy 0x02000105 3 4");
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_USAGE);
	CU_ASSERT_EQUAL(cmd_count(0) + cmd_count(1), 0);
	/* A handle naming an lcore that does not exist. */
	reset_req();
	dispatch("circuit destroy 0x7e000105");
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_ERR);
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "no lcore 63"));

	/* Default reason: requested (3), sent to lcore 1 only. */
	reset_req();
	dispatch("circuit destroy 0x02000105");
	CU_ASSERT_EQUAL(fx.calls, 0);
	CU_ASSERT_EQUAL(cmd_count(0), 0);
	CU_ASSERT_EQUAL_FATAL(pop_cmd(1, &s), IPC_CMD_SLOT);
	CU_ASSERT_EQUAL(s.hdr.type, IPC_MSG_CIRC_DESTROY);
	CU_ASSERT_EQUAL(s.cdestroy.circ, 0x02000105u);
	CU_ASSERT_EQUAL(s.cdestroy.reason, 3);
	memset(&st, 0, sizeof(st));
	ipc_hdr_init(&st.hdr, IPC_MSG_CIRC_STATUS, sizeof(st), s.hdr.req_id);
	st.circ = 0x02000105u;
	CU_ASSERT_EQUAL_FATAL(push_evt(1, &st, sizeof(st)), 0);
	poll_now();
	CU_ASSERT_EQUAL(fx.calls, 1);
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_OK);
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "circuit 0x02000105 destroyed\n"));

	/* A reason by name; the circuit is gone already. */
	reset_req();
	dispatch("circuit destroy 0x00000105 resourcelimit");
	CU_ASSERT_EQUAL_FATAL(pop_cmd(0, &s), IPC_CMD_SLOT);
	CU_ASSERT_EQUAL(s.cdestroy.reason, 5);
	ipc_hdr_init(&st.hdr, IPC_MSG_CIRC_STATUS, sizeof(st), s.hdr.req_id);
	st.circ = 0x00000105u;
	st.status = -EBADF;
	CU_ASSERT_EQUAL_FATAL(push_evt(0, &st, sizeof(st)), 0);
	poll_now();
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_ERR);
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "error: no circuit 0x00000105\n"));
	CU_ASSERT_EQUAL(fx.cp.dp.n_pending, 0);
}

static CU_TestInfo cli_chan_tests[] = {
	{ "show_circuits_lists_every_lcore", test_show_circuits_lists_every_lcore },
	{ "circuit_destroy_goes_to_the_owning_lcore", test_circuit_destroy_goes_to_the_owning_lcore },
	{ "open_bad_arguments_are_usage_errors", test_open_bad_arguments_are_usage_errors },
	{ "open_names_the_bad_argument", test_open_names_the_bad_argument },
	{ "open_while_detached_says_dataplane_down", test_open_while_detached_says_dataplane_down },
	{ "open_sends_chan_open_to_lcore_0_and_waits",
	  test_open_sends_chan_open_to_lcore_0_and_waits },
	{ "open_with_ed25519_id_checks_it_too", test_open_with_ed25519_id_checks_it_too },
	{ "open_lowercase_fingerprint_is_accepted", test_open_lowercase_fingerprint_is_accepted },
	{ "open_success_prints_the_channel", test_open_success_prints_the_channel },
	{ "open_certs_failure_names_reason_and_cert_check",
	  test_open_certs_failure_names_reason_and_cert_check },
	{ "open_timeout_failure_names_the_close_reason",
	  test_open_timeout_failure_names_the_close_reason },
	{ "open_refused_before_a_channel_gives_errno",
	  test_open_refused_before_a_channel_gives_errno },
	{ "open_on_an_lcore_without_channels_says_so",
	  test_open_on_an_lcore_without_channels_says_so },
	{ "open_cmd_error_says_refused", test_open_cmd_error_says_refused },
	{ "open_without_answer_times_out_after_a_minute",
	  test_open_without_answer_times_out_after_a_minute },
	{ "open_detach_while_waiting_says_dataplane_went_away",
	  test_open_detach_while_waiting_says_dataplane_went_away },
	{ "open_cancel_leaves_nothing_pending", test_open_cancel_leaves_nothing_pending },
	{ "close_bad_handles_are_usage_errors", test_close_bad_handles_are_usage_errors },
	{ "close_asks_every_lcore_and_the_owner_closes",
	  test_close_asks_every_lcore_and_the_owner_closes },
	{ "close_decimal_handle", test_close_decimal_handle },
	{ "close_unknown_handle_fails", test_close_unknown_handle_fails },
	{ "close_on_lcores_without_channels_finds_nothing",
	  test_close_on_lcores_without_channels_finds_nothing },
	{ "close_other_error_is_reported", test_close_other_error_is_reported },
	{ "close_while_detached_says_dataplane_down", test_close_while_detached_says_dataplane_down },
	{ "show_channels_pages_through_every_lcore", test_show_channels_pages_through_every_lcore },
	{ "show_channels_rows_are_grouped_by_lcore", test_show_channels_rows_are_grouped_by_lcore },
	{ "show_channels_reports_a_silent_lcore", test_show_channels_reports_a_silent_lcore },
	{ "show_channels_reports_a_refusal", test_show_channels_reports_a_refusal },
	{ "show_channels_stops_on_a_cursor_that_does_not_move",
	  test_show_channels_stops_on_a_cursor_that_does_not_move },
	{ "show_channels_extra_argument_is_usage_error",
	  test_show_channels_extra_argument_is_usage_error },
	{ "show_channels_while_detached_says_dataplane_down",
	  test_show_channels_while_detached_says_dataplane_down },
	{ "show_channels_cancel_frees_everything", test_show_channels_cancel_frees_everything },
	{ "help_channel_lists_both_channel_commands", test_help_channel_lists_both_channel_commands },
	{ "counters_include_the_controlplane_own", test_counters_include_the_controlplane_own },
	{ "counters_while_detached_still_show_the_controlplane_own",
	  test_counters_while_detached_still_show_the_controlplane_own },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_cli_chan = {
	.pName = "controlplane/cli_chan",
	.pInitFunc = suite_init,
	.pSetUpFunc = setup,
	.pTearDownFunc = teardown,
	.pTests = cli_chan_tests,
};
