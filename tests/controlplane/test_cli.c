/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief CUnit suite "controlplane/cli": dispatch, `help` and the asynchronous `status`.
 *
 * Each test builds a struct cp_ctx and one struct cp_cli_req whose done
 * callback records the status and a copy of the body. Set-up creates a
 * two-lcore segment (lcore ids 7 and 9, CMD_SLOTS command slots per lcore)
 * owned by our parent process and attaches the context's link to it; the
 * test then plays the dataplane on the rings. `status` stamps its pings with
 * the real monotonic clock, so the tests that complete it poll at
 * cp_now_ns() (and past CP_STATUS_PING_TIMEOUT_NS for the timeout case);
 * nothing sleeps.
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
#include "controlplane/cli/cli.h"
#include "controlplane/cli/cli_cmds.h"
#include "controlplane/cli/cli_proto.h"
#include "controlplane/cp.h"
#include "controlplane/dplink.h"
#include "controlplane/util.h"
#include "tests/harness/fake_dp.h"
#include "tests/suites.h"

#define N_LCORES 2u
#define CMD_SLOTS 4u
#define ITERATIONS 4242u

static struct {
	bool ready;
	char name[IPC_SHM_NAME_MAX];
	struct fake_dp fdp; /* the segment, and the lcores' ends of its rings */
	struct cp_ctx cp;
	struct cp_cli_req req;
	int calls; /* times done() ran */
	int status; /* last status given to done() */
	void *owner; /* req->owner seen by done() */
	char body[8192]; /* copy of req->out at done() */
} fx;

static void
done_cb(struct cp_cli_req *req, int status)
{
	fx.calls++;
	fx.status = status;
	fx.owner = req->owner;
	snprintf(fx.body, sizeof(fx.body), "%s", req->out.p != NULL ? req->out.p : "");
}

static void
noop_cb(void *arg, const struct ipc_hdr *reply, uint32_t lcore_idx, uint64_t now_ns)
{
	(void)arg;
	(void)reply;
	(void)lcore_idx;
	(void)now_ns;
}

static int
suite_init(void)
{
	snprintf(fx.name, sizeof(fx.name), "chive-ut-%d-cli", (int)getpid());
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
	fx.owner = NULL;
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
	g.lcore_ids[0] = 7;
	g.lcore_ids[1] = 9;
	g.ring_slots[IPC_RING_CMD] = CMD_SLOTS;
	if (fake_dp_start(&fx.fdp, fx.name, &g, err, sizeof(err)) != 0) {
		fprintf(stderr, "cli setup: %s\n", err);
		return;
	}
	if (cp_dplink_attach(&fx.cp.dp, fx.name, err, sizeof(err)) != 0) {
		fprintf(stderr, "cli setup: %s\n", err);
		return;
	}
	fx.ready = true;
}

static void
teardown(void)
{
	/* A test that stopped half-way may leave `status` pending: drop it first. */
	cp_cli_req_cancel(&fx.req);
	cp_dplink_detach(&fx.cp.dp, 0);
	fake_dp_close(&fx.fdp);
	cp_buf_free(&fx.req.out);
}

/* The `status` line naming the ABI version this build speaks. */
static const char *
abi_line(void)
{
	static char line[64];

	snprintf(line, sizeof(line), "abi version:   %u\n", IPC_ABI_VERSION);
	return line;
}

/* Dispatch a copy of @p line (dispatch splits it in place). */
static void
dispatch(const char *line)
{
	char buf[CLI_PROTO_LINE_MAX];

	snprintf(buf, sizeof(buf), "%s", line);
	cp_cli_dispatch(&fx.req, buf);
}

/* Number of non-overlapping occurrences of @p needle in @p hay. */
static int
count_substr(const char *hay, const char *needle)
{
	int n = 0;
	size_t len = strlen(needle);

	for (const char *p = strstr(hay, needle); p != NULL; p = strstr(p + len, needle))
		n++;
	return n;
}

/* Pop lcore @p lc's next command; return ipc_ring_pop's rc. */
static int
pop_ping(uint32_t lc, struct ipc_msg_ping *ping)
{
	uint8_t slot[IPC_CMD_SLOT] = { 0 };
	int rc = ipc_ring_pop(&fx.fdp.cmd[lc], slot, sizeof(slot));

	memcpy(ping, slot, sizeof(*ping));
	return rc;
}

/* Take lcore @p lc's PING and answer it with a PONG echoing it. */
static int
answer_pong(uint32_t lc)
{
	struct ipc_msg_ping ping;
	struct ipc_msg_pong pong;
	int rc = pop_ping(lc, &ping);

	if (rc < 0)
		return rc;
	memset(&pong, 0, sizeof(pong));
	ipc_hdr_init(&pong.hdr, IPC_MSG_PONG, sizeof(pong), ping.hdr.req_id);
	pong.cookie = ping.cookie;
	pong.cp_send_ns = ping.cp_send_ns;
	pong.dp_iterations = ITERATIONS;
	pong.lcore_id = lc;
	return ipc_ring_push(&fx.fdp.evt[lc], &pong, sizeof(pong));
}

/* Take lcore @p lc's PING and refuse it with a CMD_ERROR. */
static int
answer_cmd_error(uint32_t lc)
{
	struct ipc_msg_ping ping;
	struct ipc_msg_cmd_error e;
	int rc = pop_ping(lc, &ping);

	if (rc < 0)
		return rc;
	memset(&e, 0, sizeof(e));
	ipc_hdr_init(&e.hdr, IPC_MSG_CMD_ERROR, sizeof(e), ping.hdr.req_id);
	e.bad_type = ping.hdr.type;
	e.bad_len = ping.hdr.len;
	e.err = -ENOTSUP;
	return ipc_ring_push(&fx.fdp.evt[lc], &e, sizeof(e));
}

/* Fill lcore @p lc's command ring with requests nobody will answer. */
static int
fill_cmd_ring(uint32_t lc)
{
	int ok = 0;

	for (uint32_t i = 0; i < CMD_SLOTS; i++) {
		struct ipc_msg_ping ping;

		memset(&ping, 0, sizeof(ping));
		ipc_hdr_init(&ping.hdr, IPC_MSG_PING, sizeof(ping), 0);
		ok += cp_dplink_request(&fx.cp.dp, lc, &ping.hdr, sizeof(ping),
					CP_STATUS_PING_TIMEOUT_NS, cp_now_ns(), noop_cb, NULL) == 0;
	}
	return ok;
}

/* ---- dispatch ---- */

static void
test_empty_request_is_usage_error(void)
{
	dispatch("");
	CU_ASSERT_EQUAL(fx.calls, 1);
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_USAGE);
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "empty request"));
}

static void
test_blank_request_is_usage_error(void)
{
	dispatch(" \t \n");
	CU_ASSERT_EQUAL(fx.calls, 1);
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_USAGE);
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "empty request"));
}

static void
test_unknown_command_is_usage_error_naming_it(void)
{
	dispatch("frobnicate now\n");
	CU_ASSERT_EQUAL(fx.calls, 1);
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_USAGE);
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "unknown command 'frobnicate'"));
}

static void
test_command_prefix_is_not_a_command(void)
{
	dispatch("stat");
	CU_ASSERT_EQUAL(fx.calls, 1);
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_USAGE);
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "unknown command 'stat'"));
}

static void
test_request_with_control_char_is_usage_error(void)
{
	dispatch("status\x07\n");
	CU_ASSERT_EQUAL(fx.calls, 1);
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_USAGE);
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "control or non-ASCII"));
	CU_ASSERT_EQUAL(fx.cp.dp.n_pending, 0);
}

static void
test_request_with_non_ascii_is_usage_error(void)
{
	dispatch("h\xc3\xa9lp");
	CU_ASSERT_EQUAL(fx.calls, 1);
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_USAGE);
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "control or non-ASCII"));
}

static void
test_too_many_words_is_usage_error(void)
{
	char line[2 * (CLI_PROTO_ARGS_MAX + 1) + 1];

	memset(line, 0, sizeof(line));
	for (size_t i = 0; i < CLI_PROTO_ARGS_MAX + 1; i++) {
		line[2 * i] = 'h';
		line[2 * i + 1] = ' ';
	}
	dispatch(line);
	CU_ASSERT_EQUAL(fx.calls, 1);
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_USAGE);
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "too many words"));
}

static void
test_finish_calls_done_only_once(void)
{
	cp_buf_printf(&fx.req.out, "first\n");
	cp_cli_req_finish(&fx.req, CLI_STATUS_ERR);
	cp_cli_req_finish(&fx.req, CLI_STATUS_OK);
	CU_ASSERT_EQUAL(fx.calls, 1);
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_ERR);
	CU_ASSERT_STRING_EQUAL(fx.body, "first\n");
}

/* ---- help ---- */

static void
test_help_lists_every_command(void)
{
	dispatch("help\n");
	CU_ASSERT_EQUAL(fx.calls, 1);
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_OK);
	CU_ASSERT_PTR_EQUAL(fx.owner, &fx.cp);
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "  help [COMMAND]\n      list commands"));
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "  status\n      uptime"));
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "  counters [FILTER]\n      dataplane counters"));
	CU_ASSERT_PTR_NOT_NULL(
		strstr(fx.body, "  channel open ADDR:PORT FINGERPRINT [ED25519_ID]\n      open a"));
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "  channel close HANDLE\n      close a channel"));
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "  show channels\n      every channel"));
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "  show circuits\n      every circuit"));
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "  show consensus\n      the consensus held"));
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "  show ports\n      the dataplane's network port"));
	CU_ASSERT_PTR_NOT_NULL(
		strstr(fx.body, "  show ports xstats [FILTER]\n      the NIC's extended stats"));
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "  show lcores\n      every dataplane lcore"));
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "  show keys\n      relay identity"));
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "  show config\n      the settings"));
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "  config get [KEY]\n      every config keyword"));
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "  config set KEY VALUE\n      change a keyword"));
	CU_ASSERT_PTR_NOT_NULL(
		strstr(fx.body, "  circuit destroy HANDLE [REASON]\n      destroy a circuit"));
	CU_ASSERT_EQUAL(count_substr(fx.body, "\n      "), 16);
}

static void
test_help_status_shows_only_status(void)
{
	static const char want[] = "  status\n      uptime";

	dispatch("help status");
	CU_ASSERT_EQUAL(fx.calls, 1);
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_OK);
	CU_ASSERT_EQUAL(strncmp(fx.body, want, strlen(want)), 0);
	CU_ASSERT_PTR_NULL(strstr(fx.body, "help"));
	/* One entry: one description line. */
	CU_ASSERT_EQUAL(count_substr(fx.body, "\n      "), 1);
}

static void
test_help_nosuch_is_usage_error(void)
{
	dispatch("help nosuch");
	CU_ASSERT_EQUAL(fx.calls, 1);
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_USAGE);
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "no command 'nosuch'"));
	CU_ASSERT_PTR_NULL(strstr(fx.body, "uptime"));
}

static void
test_help_longer_than_a_command_is_usage_error(void)
{
	dispatch("help statusx");
	CU_ASSERT_EQUAL(fx.calls, 1);
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_USAGE);
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "no command 'statusx'"));
}

static void
test_help_with_two_words_is_usage_error(void)
{
	dispatch("help status x");
	CU_ASSERT_EQUAL(fx.calls, 1);
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_USAGE);
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "usage: help"));
}

/* ---- status ---- */

static void
test_status_extra_argument_is_usage_error(void)
{
	CU_ASSERT_FATAL(fx.ready);
	dispatch("status extra");
	CU_ASSERT_EQUAL(fx.calls, 1);
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_USAGE);
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "usage: status"));
	CU_ASSERT_EQUAL(fx.cp.dp.n_pending, 0);
}

static void
test_status_while_detached_reports_down(void)
{
	CU_ASSERT_FATAL(fx.ready);
	cp_dplink_detach(&fx.cp.dp, 0);
	dispatch("status");
	CU_ASSERT_EQUAL(fx.calls, 1);
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_ERR);
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "dataplane:     down (not attached)"));
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, abi_line()));
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, fx.name));
	CU_ASSERT_PTR_NULL(fx.req.op);
}

static void
test_status_while_detached_shows_attach_error(void)
{
	CU_ASSERT_FATAL(fx.ready);
	cp_dplink_detach(&fx.cp.dp, 0);
	snprintf(fx.cp.attach_err, sizeof(fx.cp.attach_err), "no segment /dev/shm/x");
	dispatch("status");
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_ERR);
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "dataplane:     down (no segment /dev/shm/x)"));
}

static void
test_status_when_dataplane_stopping_reports_down(void)
{
	CU_ASSERT_FATAL(fx.ready);
	fake_dp_close(&fx.fdp); /* the dataplane marks the segment STOPPING */
	dispatch("status");
	CU_ASSERT_EQUAL(fx.calls, 1);
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_ERR);
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "down"));
	CU_ASSERT_EQUAL(fx.cp.dp.n_pending, 0);
}

static void
test_status_pings_every_lcore_and_waits(void)
{
	struct ipc_msg_ping p0, p1;

	CU_ASSERT_FATAL(fx.ready);
	dispatch("status");
	CU_ASSERT_EQUAL(fx.calls, 0);
	CU_ASSERT_PTR_NOT_NULL(fx.req.op);
	CU_ASSERT_EQUAL(fx.cp.dp.n_pending, N_LCORES);
	CU_ASSERT_EQUAL_FATAL(pop_ping(0, &p0), IPC_CMD_SLOT);
	CU_ASSERT_EQUAL_FATAL(pop_ping(1, &p1), IPC_CMD_SLOT);
	CU_ASSERT_EQUAL(p0.hdr.type, IPC_MSG_PING);
	CU_ASSERT_EQUAL(p1.hdr.type, IPC_MSG_PING);
	CU_ASSERT_EQUAL(p0.cookie, 0);
	CU_ASSERT_EQUAL(p1.cookie, 1);
	CU_ASSERT_NOT_EQUAL(p0.hdr.req_id, p1.hdr.req_id);
	CU_ASSERT_TRUE(p0.cp_send_ns >= fx.cp.start_ns);
}

static void
test_status_with_pongs_succeeds(void)
{
	CU_ASSERT_FATAL(fx.ready);
	dispatch("status");
	CU_ASSERT_EQUAL_FATAL(answer_pong(0), 0);
	CU_ASSERT_EQUAL_FATAL(answer_pong(1), 0);
	CU_ASSERT_EQUAL(cp_dplink_poll(&fx.cp.dp, cp_now_ns()), N_LCORES);
	CU_ASSERT_EQUAL(fx.calls, 1);
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_OK);
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "lcores:        2\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, abi_line()));
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "dataplane:     up "));
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "0      7    "));
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "1      9    "));
	CU_ASSERT_EQUAL(count_substr(fx.body, " 4242\n"), 2);
	CU_ASSERT_PTR_NULL(strstr(fx.body, "timeout"));
	CU_ASSERT_PTR_NULL(strstr(fx.body, "refused"));
	CU_ASSERT_PTR_NULL(fx.req.op);
	CU_ASSERT_EQUAL(fx.cp.dp.n_pending, 0);
}

/* The round trip is measured from our own send time, whatever the dataplane echoes. */
static void
test_status_rtt_ignores_echoed_send_time(void)
{
	struct ipc_msg_ping ping;
	struct ipc_msg_pong pong;
	const char *row;
	double rtt_us = -1;

	CU_ASSERT_FATAL(fx.ready);
	dispatch("status");
	for (uint32_t lc = 0; lc < N_LCORES; lc++) {
		CU_ASSERT_EQUAL_FATAL(pop_ping(lc, &ping), IPC_CMD_SLOT);
		memset(&pong, 0, sizeof(pong));
		ipc_hdr_init(&pong.hdr, IPC_MSG_PONG, sizeof(pong), ping.hdr.req_id);
		pong.cp_send_ns = 0; /* a broken echo: would give the whole uptime */
		CU_ASSERT_EQUAL_FATAL(ipc_ring_push(&fx.fdp.evt[lc], &pong, sizeof(pong)), 0);
	}
	cp_dplink_poll(&fx.cp.dp, cp_now_ns());
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_OK);
	row = strstr(fx.body, "\n0      7 ");
	CU_ASSERT_PTR_NOT_NULL_FATAL(row);
	CU_ASSERT_EQUAL(sscanf(row + 1, "%*u %*u %lf", &rtt_us), 1);
	CU_ASSERT(rtt_us >= 0 && rtt_us < 60e6);
}

/* Our own pending table full is not the dataplane's refusal. */
static void
test_status_with_full_pending_table_shows_cp_busy(void)
{
	CU_ASSERT_FATAL(fx.ready);
	fx.cp.dp.n_pending = CP_DPLINK_PENDING_MAX;
	dispatch("status");
	fx.cp.dp.n_pending = 0;
	CU_ASSERT_EQUAL(fx.calls, 1);
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_ERR);
	CU_ASSERT_EQUAL(count_substr(fx.body, "cp-busy"), 2);
	CU_ASSERT_PTR_NULL(strstr(fx.body, "refused"));
}

static void
test_status_waits_for_every_lcore(void)
{
	CU_ASSERT_FATAL(fx.ready);
	dispatch("status");
	CU_ASSERT_EQUAL_FATAL(answer_pong(1), 0);
	CU_ASSERT_EQUAL(cp_dplink_poll(&fx.cp.dp, cp_now_ns()), 1);
	CU_ASSERT_EQUAL(fx.calls, 0);
	CU_ASSERT_EQUAL(fx.cp.dp.n_pending, 1);
}

static void
test_status_without_answers_times_out(void)
{
	CU_ASSERT_FATAL(fx.ready);
	dispatch("status");
	CU_ASSERT_EQUAL_FATAL(fx.calls, 0);
	cp_dplink_poll(&fx.cp.dp, cp_now_ns() + CP_STATUS_PING_TIMEOUT_NS + 1);
	CU_ASSERT_EQUAL(fx.calls, 1);
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_ERR);
	CU_ASSERT_EQUAL(count_substr(fx.body, "timeout"), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "lcores:        2\n"));
	CU_ASSERT_EQUAL(fx.cp.dp.stats.timeouts, 2);
	CU_ASSERT_PTR_NULL(fx.req.op);
}

static void
test_status_one_lcore_silent_times_out_that_lcore(void)
{
	CU_ASSERT_FATAL(fx.ready);
	dispatch("status");
	CU_ASSERT_EQUAL_FATAL(answer_pong(0), 0);
	cp_dplink_poll(&fx.cp.dp, cp_now_ns());
	cp_dplink_poll(&fx.cp.dp, cp_now_ns() + CP_STATUS_PING_TIMEOUT_NS + 1);
	CU_ASSERT_EQUAL(fx.calls, 1);
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_ERR);
	CU_ASSERT_EQUAL(count_substr(fx.body, "timeout"), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "1      9           timeout"));
	CU_ASSERT_EQUAL(count_substr(fx.body, " 4242\n"), 1);
}

static void
test_status_cmd_error_shows_refused(void)
{
	CU_ASSERT_FATAL(fx.ready);
	dispatch("status");
	CU_ASSERT_EQUAL_FATAL(answer_pong(0), 0);
	CU_ASSERT_EQUAL_FATAL(answer_cmd_error(1), 0);
	cp_dplink_poll(&fx.cp.dp, cp_now_ns());
	CU_ASSERT_EQUAL(fx.calls, 1);
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_ERR);
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "1      9           refused              -\n"));
	CU_ASSERT_EQUAL(count_substr(fx.body, "refused"), 1);
	CU_ASSERT_EQUAL(count_substr(fx.body, " 4242\n"), 1);
	CU_ASSERT_EQUAL(fx.cp.dp.stats.cmd_errors, 1);
}

static void
test_status_ring_full_shows_ring_full(void)
{
	CU_ASSERT_FATAL(fx.ready);
	CU_ASSERT_EQUAL_FATAL(fill_cmd_ring(1), (int)CMD_SLOTS);
	dispatch("status");
	CU_ASSERT_EQUAL(fx.calls, 0);
	CU_ASSERT_EQUAL_FATAL(answer_pong(0), 0);
	cp_dplink_poll(&fx.cp.dp, cp_now_ns());
	CU_ASSERT_EQUAL(fx.calls, 1);
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_ERR);
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "1      9         ring-full              -\n"));
	CU_ASSERT_EQUAL(count_substr(fx.body, " 4242\n"), 1);
}

static void
test_status_with_every_ring_full_finishes_at_once(void)
{
	CU_ASSERT_FATAL(fx.ready);
	CU_ASSERT_EQUAL_FATAL(fill_cmd_ring(0), (int)CMD_SLOTS);
	CU_ASSERT_EQUAL_FATAL(fill_cmd_ring(1), (int)CMD_SLOTS);
	dispatch("status");
	CU_ASSERT_EQUAL(fx.calls, 1);
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_ERR);
	CU_ASSERT_EQUAL(count_substr(fx.body, "ring-full"), 2);
	CU_ASSERT_PTR_NULL(fx.req.op);
	CU_ASSERT_EQUAL(fx.cp.dp.n_pending, 2 * CMD_SLOTS);
}

static void
test_status_detach_while_pending_finishes_with_timeouts(void)
{
	CU_ASSERT_FATAL(fx.ready);
	dispatch("status");
	CU_ASSERT_EQUAL_FATAL(fx.calls, 0);
	cp_dplink_detach(&fx.cp.dp, cp_now_ns());
	CU_ASSERT_EQUAL(fx.calls, 1);
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_ERR);
	CU_ASSERT_EQUAL(count_substr(fx.body, "timeout"), 2);
	CU_ASSERT_PTR_NULL(fx.req.op);
}

static void
test_status_cancel_leaves_nothing_pending(void)
{
	CU_ASSERT_FATAL(fx.ready);
	dispatch("status");
	CU_ASSERT_EQUAL_FATAL(fx.cp.dp.n_pending, N_LCORES);
	cp_cli_req_cancel(&fx.req);
	CU_ASSERT_EQUAL(fx.cp.dp.n_pending, 0);
	CU_ASSERT_PTR_NULL(fx.req.op);
	CU_ASSERT_PTR_NULL(fx.req.op_cancel);
	/* Late answers and the deadline no longer reach the request. */
	CU_ASSERT_EQUAL_FATAL(answer_pong(0), 0);
	CU_ASSERT_EQUAL_FATAL(answer_pong(1), 0);
	cp_dplink_poll(&fx.cp.dp, cp_now_ns());
	cp_dplink_poll(&fx.cp.dp, cp_now_ns() + CP_STATUS_PING_TIMEOUT_NS + 1);
	CU_ASSERT_EQUAL(fx.calls, 0);
	CU_ASSERT_EQUAL(fx.cp.dp.stats.evt_unmatched, N_LCORES);
	CU_ASSERT_EQUAL(fx.cp.dp.stats.timeouts, 0);
}

static void
test_cancel_after_finish_does_not_call_done_again(void)
{
	dispatch("help");
	cp_cli_req_cancel(&fx.req);
	cp_cli_req_finish(&fx.req, CLI_STATUS_ERR);
	CU_ASSERT_EQUAL(fx.calls, 1);
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_OK);
}

static CU_TestInfo cli_tests[] = {
	{ "empty_request_is_usage_error", test_empty_request_is_usage_error },
	{ "blank_request_is_usage_error", test_blank_request_is_usage_error },
	{ "unknown_command_is_usage_error_naming_it",
	  test_unknown_command_is_usage_error_naming_it },
	{ "command_prefix_is_not_a_command", test_command_prefix_is_not_a_command },
	{ "request_with_control_char_is_usage_error",
	  test_request_with_control_char_is_usage_error },
	{ "request_with_non_ascii_is_usage_error", test_request_with_non_ascii_is_usage_error },
	{ "too_many_words_is_usage_error", test_too_many_words_is_usage_error },
	{ "finish_calls_done_only_once", test_finish_calls_done_only_once },
	{ "help_lists_every_command", test_help_lists_every_command },
	{ "help_status_shows_only_status", test_help_status_shows_only_status },
	{ "help_nosuch_is_usage_error", test_help_nosuch_is_usage_error },
	{ "help_with_two_words_is_usage_error", test_help_with_two_words_is_usage_error },
	{ "help_longer_than_a_command_is_usage_error",
	  test_help_longer_than_a_command_is_usage_error },
	{ "status_extra_argument_is_usage_error", test_status_extra_argument_is_usage_error },
	{ "status_while_detached_reports_down", test_status_while_detached_reports_down },
	{ "status_while_detached_shows_attach_error",
	  test_status_while_detached_shows_attach_error },
	{ "status_when_dataplane_stopping_reports_down",
	  test_status_when_dataplane_stopping_reports_down },
	{ "status_pings_every_lcore_and_waits", test_status_pings_every_lcore_and_waits },
	{ "status_with_pongs_succeeds", test_status_with_pongs_succeeds },
	{ "status_waits_for_every_lcore", test_status_waits_for_every_lcore },
	{ "status_rtt_ignores_echoed_send_time", test_status_rtt_ignores_echoed_send_time },
	{ "status_with_full_pending_table_shows_cp_busy",
	  test_status_with_full_pending_table_shows_cp_busy },
	{ "status_without_answers_times_out", test_status_without_answers_times_out },
	{ "status_one_lcore_silent_times_out_that_lcore",
	  test_status_one_lcore_silent_times_out_that_lcore },
	{ "status_cmd_error_shows_refused", test_status_cmd_error_shows_refused },
	{ "status_ring_full_shows_ring_full", test_status_ring_full_shows_ring_full },
	{ "status_with_every_ring_full_finishes_at_once",
	  test_status_with_every_ring_full_finishes_at_once },
	{ "status_detach_while_pending_finishes_with_timeouts",
	  test_status_detach_while_pending_finishes_with_timeouts },
	{ "status_cancel_leaves_nothing_pending", test_status_cancel_leaves_nothing_pending },
	{ "cancel_after_finish_does_not_call_done_again",
	  test_cancel_after_finish_does_not_call_done_again },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_cli = {
	.pName = "controlplane/cli",
	.pInitFunc = suite_init,
	.pSetUpFunc = setup,
	.pTearDownFunc = teardown,
	.pTests = cli_tests,
};
