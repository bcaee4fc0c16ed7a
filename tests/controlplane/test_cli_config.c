/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief CUnit suite "controlplane/cli_config": `config get` and `config set`
 *        (cli_config.c) and the run-time changes behind them (runconf.c).
 *
 * test_cli.c's fixture: a struct cp_ctx attached to a two-lcore segment
 * owned by our parent process, with a configuration of its own (cp->conf),
 * one struct cp_cli_req whose done callback records the status and body,
 * and the test playing the dataplane on the rings. The log goes to a
 * memory stream so a test can read the notice a change writes. Bad values
 * are compared with what conf_validate() says of the same line in a file.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "common/conf/conf.h"
#include "common/ipc/ipc_msg.h"
#include "common/ipc/ipc_ring.h"
#include "common/ipc/ipc_shm.h"
#include "controlplane/cli/cli.h"
#include "controlplane/cli/cli_cmds.h"
#include "controlplane/cli/cli_proto.h"
#include "controlplane/config.h"
#include "controlplane/cp.h"
#include "controlplane/dir/dir.h"
#include "controlplane/dplink.h"
#include "controlplane/log.h"
#include "controlplane/runconf.h"
#include "controlplane/util.h"
#include "tests/harness/fake_dp.h"
#include "tests/suites.h"

#define N_LCORES 2u

static struct {
	bool ready;
	char name[IPC_SHM_NAME_MAX];
	struct fake_dp fdp; /* the segment, and the lcores' ends of its rings */
	struct cp_ctx cp;
	struct cp_config conf;
	struct cp_cli_req req;
	int calls;
	int status;
	char body[16384];
	char *log; /* the log's memory stream */
	size_t log_len;
	FILE *log_out;
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
	snprintf(fx.name, sizeof(fx.name), "chive-ut-%d-clicfg", (int)getpid());
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
	fx.log_out = open_memstream(&fx.log, &fx.log_len);
	cp_log_set_output(fx.log_out);
	cp_log_set_level(CP_LOG_NOTICE);
	fake_dp_init(&fx.fdp);
	memset(&fx.cp, 0, sizeof(fx.cp));
	cp_dplink_init(&fx.cp.dp);
	snprintf(fx.cp.shm_name, sizeof(fx.cp.shm_name), "%s", fx.name);
	fx.cp.start_ns = cp_now_ns();
	cp_config_default(&fx.conf);
	snprintf(fx.conf.shm_name, sizeof(fx.conf.shm_name), "%s", fx.name);
	fx.cp.conf = &fx.conf;
	fx.cp.dir.conf = fx.conf.dir;
	memset(&fx.req, 0, sizeof(fx.req));
	fx.req.cp = &fx.cp;
	fx.req.done = done_cb;
	fx.req.owner = &fx.cp;
	ipc_seg_geom_default(&g, N_LCORES);
	g.ring_slots[IPC_RING_CMD] = 8;
	if (fake_dp_start(&fx.fdp, fx.name, &g, err, sizeof(err)) != 0) {
		fprintf(stderr, "cli_config setup: %s\n", err);
		return;
	}
	if (cp_dplink_attach(&fx.cp.dp, fx.name, err, sizeof(err)) != 0) {
		fprintf(stderr, "cli_config setup: %s\n", err);
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
	cp_log_set_output(NULL);
	cp_log_set_level(CP_LOG_NOTICE);
	fclose(fx.log_out);
	free(fx.log);
	fx.log = NULL;
}

/* Dispatch a copy of @p line (dispatch splits it in place), as a new request. */
static void
dispatch(const char *line)
{
	char buf[CLI_PROTO_LINE_MAX];

	cp_buf_free(&fx.req.out);
	memset(&fx.req, 0, sizeof(fx.req));
	fx.req.cp = &fx.cp;
	fx.req.done = done_cb;
	fx.req.owner = &fx.cp;
	fx.calls = 0;
	snprintf(buf, sizeof(buf), "%s", line);
	cp_cli_dispatch(&fx.req, buf);
}

static int
count_lines(const char *s)
{
	int n = 0;

	for (; *s != '\0'; s++)
		n += *s == '\n';
	return n;
}

/* The log written so far. */
static const char *
log_text(void)
{
	fflush(fx.log_out);
	return fx.log != NULL ? fx.log : "";
}

/* What conf_validate() says of the one-line file @p line, without "FILE:LINE: ". */
static void
file_message(const char *line, char *out, size_t len)
{
	struct conf_file f = {0};
	char err[1024];
	const char *p;

	out[0] = '\0';
	if (conf_parse(&f, "t.conf", line, strlen(line), err, sizeof(err)) == 0 &&
	    conf_validate(&f, err, sizeof(err)) != 0) {
		p = strstr(err, ": ");
		snprintf(out, len, "%s", p != NULL ? p + 2 : err);
	}
	conf_free(&f);
}

/* Take lcore @p lc's next command as a CONF_SET; return 0 or -1. */
static int
pop_conf_set(uint32_t lc, struct ipc_msg_conf_set *m)
{
	uint8_t slot[IPC_CMD_SLOT] = {0};
	uint16_t type = 0;

	if (ipc_ring_pop(&fx.fdp.cmd[lc], slot, sizeof(slot)) < 0 ||
	    ipc_msg_validate(slot, sizeof(slot), IPC_DIR_CMD, &type) != 0 ||
	    type != IPC_MSG_CONF_SET)
		return -1;
	memcpy(m, slot, sizeof(*m));
	return 0;
}

/* Answer @p req on lcore @p lc with CONF_STATUS @p status and the share @p rate, @p burst. */
static void
answer_conf(uint32_t lc, const struct ipc_msg_conf_set *req, int32_t status, uint64_t rate,
	    uint64_t burst)
{
	struct ipc_msg_conf_status st;

	memset(&st, 0, sizeof(st));
	ipc_hdr_init(&st.hdr, IPC_MSG_CONF_STATUS, sizeof(st), req->hdr.req_id);
	st.key = req->key;
	st.status = status;
	st.val[0] = rate;
	st.val[1] = burst;
	CU_ASSERT_FATAL(ipc_ring_push(&fx.fdp.evt[lc], &st, sizeof(st)) == 0);
}

/* ---- config get ---------------------------------------------------------- */

static void
test_get_lists_every_keyword(void)
{
	dispatch("config get");
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_OK);
	/* A header, one row per keyword (none repeats by default), a footer. */
	CU_ASSERT_EQUAL(count_lines(fx.body), (int)conf_schema_len + 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "option                       runtime value\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "\nRelayBandwidthRate           yes     0 bytes\n"));
	CU_ASSERT_PTR_NOT_NULL(
		strstr(fx.body, "\nORPort                       no      (not set)\n"));
	CU_ASSERT_PTR_NOT_NULL(
		strstr(fx.body, "\nLog                          yes     notice stderr\n"));
	CU_ASSERT_PTR_NOT_NULL(
		strstr(fx.body, "\nLcores                       no      (the dataplane's)\n"));
	CU_ASSERT_PTR_NOT_NULL(
		strstr(fx.body, "\nControlPort                  no      (not supported)\n"));
}

static void
test_get_one_keyword_in_any_case(void)
{
	dispatch("config get maxONIONqueuedelay");
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_OK);
	CU_ASSERT_STRING_EQUAL(fx.body, "option                       runtime value\n"
					"MaxOnionQueueDelay           yes     1750 msec\n");
}

static void
test_get_repeatable_keyword_has_a_row_per_value(void)
{
	fx.conf.dir.n_family = 2;
	snprintf(fx.conf.dir.family[0], 41, "%s", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
	snprintf(fx.conf.dir.family[1], 41, "%s", "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB");
	dispatch("config get MyFamily");
	CU_ASSERT_STRING_EQUAL(
		fx.body,
		"option                       runtime value\n"
		"MyFamily                     yes     $AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n"
		"MyFamily                     yes     $BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB\n");
}

static void
test_get_unknown_keyword_is_an_error(void)
{
	dispatch("config get Nicknam");
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_ERR);
	CU_ASSERT_STRING_EQUAL(fx.body, "error: unknown option \"Nicknam\"\n");
}

static void
test_get_two_keywords_is_a_usage_error(void)
{
	dispatch("config get Nickname ORPort");
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_USAGE);
	CU_ASSERT_STRING_EQUAL(fx.body, "usage: config get [KEY]\n");
}

static void
test_get_json_names_every_keyword(void)
{
	int n = 0;

	dispatch("--json config get");
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_OK);
	for (const char *p = strstr(fx.body, "{\"name\":"); p != NULL;
	     p = strstr(p + 1, "{\"name\":"))
		n++;
	CU_ASSERT_EQUAL(n, (int)conf_schema_len);
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body,
				      "{\"config_file\":null,\"options\":[{\"name\":\"Nickname\","
				      "\"runtime\":true,\"applies\":\"controlplane\","
				      "\"repeat\":false,\"known\":true,\"value\":\"Unnamed\"}"));
	CU_ASSERT_EQUAL(fx.body[strlen(fx.body) - 1], '\n');
}

static void
test_get_json_dataplane_keyword_is_not_known(void)
{
	dispatch("--json config get Lcores");
	CU_ASSERT_STRING_EQUAL(fx.body,
			       "{\"config_file\":null,\"options\":[{\"name\":\"Lcores\","
			       "\"runtime\":false,\"applies\":\"dataplane\",\"repeat\":false,"
			       "\"known\":false,\"value\":null}]}\n");
}

static void
test_get_json_repeatable_value_is_an_array(void)
{
	dispatch("--json config get DirAuthority");
	CU_ASSERT_STRING_EQUAL(fx.body,
			       "{\"config_file\":null,\"options\":[{\"name\":\"DirAuthority\","
			       "\"runtime\":false,\"applies\":\"controlplane\",\"repeat\":true,"
			       "\"known\":true,\"value\":[]}]}\n");
}

static void
test_get_json_unknown_keyword_is_a_json_error(void)
{
	dispatch("--json config get Nope");
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_ERR);
	CU_ASSERT_STRING_EQUAL(fx.body, "{\"error\":\"unknown option \\\"Nope\\\"\"}\n");
}

/* ---- config set: refusals ------------------------------------------------ */

static void
test_set_keyword_needing_a_restart_is_refused(void)
{
	dispatch("config set orport 9002");
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_ERR);
	CU_ASSERT_STRING_EQUAL(fx.body,
			       "error: ORPort needs a restart (set it in the config file)\n");
	CU_ASSERT_EQUAL(fx.conf.dir.orport, 0);
	CU_ASSERT_EQUAL(fx.cp.runconf.refused, 1);
}

static void
test_set_bad_value_says_what_the_file_says(void)
{
	char want[1024], body[1100];

	file_message("RelayBandwidthRate 12 parsecs\n", want, sizeof(want));
	CU_ASSERT_STRING_EQUAL(want,
			       "RelayBandwidthRate: unknown unit \"parsecs\" in \"12 parsecs\"");
	snprintf(body, sizeof(body), "error: %s\n", want);
	dispatch("config set RelayBandwidthRate 12 parsecs");
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_ERR);
	CU_ASSERT_STRING_EQUAL(fx.body, body);
	CU_ASSERT_EQUAL(fx.conf.dir.bw_rate, 0);
}

static void
test_set_value_out_of_range_says_what_the_file_says(void)
{
	char want[1024], body[1100];

	file_message("MaxOnionQueueDelay 61 seconds\n", want, sizeof(want));
	snprintf(body, sizeof(body), "error: %s\n", want);
	dispatch("config set MaxOnionQueueDelay 61 seconds");
	CU_ASSERT_STRING_EQUAL(fx.body, body);
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "not in 0-60000"));
	CU_ASSERT_EQUAL(fx.conf.onionq.max_delay_ms, 1750);
}

static void
test_set_unknown_keyword_is_an_error(void)
{
	dispatch("config set Frobnicate 1");
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_ERR);
	CU_ASSERT_STRING_EQUAL(fx.body, "error: unknown option \"Frobnicate\"\n");
}

static void
test_set_without_a_value_is_a_usage_error(void)
{
	dispatch("config set Nickname");
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_USAGE);
	CU_ASSERT_STRING_EQUAL(fx.body, "usage: config set KEY VALUE\n");
}

static void
test_set_refuses_json(void)
{
	dispatch("--json config set Nickname Relay7");
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_USAGE);
	CU_ASSERT_STRING_EQUAL(fx.conf.dir.nickname, "Unnamed");
}

static void
test_set_burst_below_rate_is_refused(void)
{
	fx.conf.dir.bw_rate = fx.conf.dir.bw_burst = 1048576;
	dispatch("config set RelayBandwidthBurst 100 KBytes");
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_ERR);
	CU_ASSERT_STRING_EQUAL(fx.body, "error: RelayBandwidthBurst (102400 bytes) is below "
					"RelayBandwidthRate (1048576 bytes)\n");
	CU_ASSERT_EQUAL(fx.conf.dir.bw_burst, 1048576);
}

static void
test_set_new_log_destination_needs_a_restart(void)
{
	dispatch("config set Log info file /tmp/chive.log");
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_ERR);
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "error: Log: a new destination needs a restart"));
	CU_ASSERT_EQUAL(fx.conf.log_level, CP_LOG_NOTICE);
}

static void
test_set_publish_without_address_is_refused_and_changes_nothing(void)
{
	fx.conf.dir.publish = false;
	fx.conf.dir.n_auth = 1;
	fx.cp.dir.conf = fx.conf.dir;
	dispatch("config set PublishServerDescriptor 1");
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_ERR);
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "publishing a descriptor needs an IPv4 Address"));
	CU_ASSERT_FALSE(fx.conf.dir.publish);
	CU_ASSERT_FALSE(fx.cp.dir.conf.publish);
	CU_ASSERT_FALSE(fx.cp.dir.enabled);
}

/* ---- config set: changes in the control plane ---------------------------- */

static void
test_set_nickname_reaches_config_show_and_descriptor(void)
{
	dispatch("config set Nickname Relay7");
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_OK);
	CU_ASSERT_STRING_EQUAL(fx.body, "Nickname set to Relay7\n");
	CU_ASSERT_STRING_EQUAL(fx.conf.dir.nickname, "Relay7");
	CU_ASSERT_STRING_EQUAL(fx.cp.dir.conf.nickname, "Relay7");
	CU_ASSERT_TRUE(fx.cp.dir.dirty);
	dispatch("show config");
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "\nNickname                 Relay7\n"));
	dispatch("config get Nickname");
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "\nNickname                     yes     Relay7\n"));
}

static void
test_set_contact_joins_the_words(void)
{
	dispatch("config set ContactInfo ops  <ops at example dot org>");
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_OK);
	CU_ASSERT_STRING_EQUAL(fx.conf.dir.contact, "ops <ops at example dot org>");
	CU_ASSERT_STRING_EQUAL(fx.cp.dir.conf.contact, "ops <ops at example dot org>");
}

static void
test_set_my_family_replaces_the_list(void)
{
	fx.conf.dir.n_family = 1;
	snprintf(fx.conf.dir.family[0], 41, "%s", "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC");
	dispatch("config set MyFamily $AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA,"
		 "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_OK);
	CU_ASSERT_EQUAL(fx.conf.dir.n_family, 2);
	CU_ASSERT_STRING_EQUAL(fx.conf.dir.family[1], "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB");
	CU_ASSERT_EQUAL(fx.cp.dir.conf.n_family, 2);
}

static void
test_set_log_severity_keeps_the_destination(void)
{
	dispatch("config set Log INFO");
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_OK);
	CU_ASSERT_STRING_EQUAL(fx.body, "Log set to info stderr\n");
	CU_ASSERT_EQUAL(fx.conf.log_level, CP_LOG_INFO);
	dispatch("config set Log warn stderr");
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_OK);
	CU_ASSERT_EQUAL(fx.conf.log_level, CP_LOG_WARN);
	/* The level applies: a notice is no longer written. */
	CP_LOG(NOTICE, test, "should not appear");
	CU_ASSERT_PTR_NULL(strstr(log_text(), "should not appear"));
}

static void
test_set_is_logged_at_notice(void)
{
	dispatch("config set MaxOnionQueueDelay 2 seconds");
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_OK);
	CU_ASSERT_EQUAL(fx.conf.onionq.max_delay_ms, 2000);
	CU_ASSERT_PTR_NOT_NULL(strstr(log_text(), "[notice] cp.config: MaxOnionQueueDelay set to "
						  "2000 msec by chivectl\n"));
	CU_ASSERT_EQUAL(fx.cp.runconf.sets, 1);
}

static void
test_set_lower_log_level_is_still_logged(void)
{
	dispatch("config set Log err");
	CU_ASSERT_PTR_NOT_NULL(strstr(log_text(), "cp.config: Log set to err stderr by chivectl"));
}

/* ---- config set: the bandwidth, to the dataplane -------------------------- */

static void
test_set_rate_while_detached_answers_at_once(void)
{
	cp_dplink_detach(&fx.cp.dp, 0);
	dispatch("config set RelayBandwidthRate 1 MB");
	CU_ASSERT_EQUAL(fx.calls, 1);
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_OK);
	CU_ASSERT_STRING_EQUAL(fx.body,
			       "RelayBandwidthRate set to 1048576 bytes\n"
			       "RelayBandwidthBurst raised to 1048576 bytes\n"
			       "dataplane down: it takes the new limits when it attaches\n");
	CU_ASSERT_EQUAL(fx.conf.dir.bw_rate, 1048576);
	CU_ASSERT_EQUAL(fx.conf.dir.bw_burst, 1048576);
	CU_ASSERT_EQUAL(fx.cp.dir.conf.bw_rate, 1048576);
	CU_ASSERT_TRUE(fx.cp.runconf.dp_set[IPC_CONF_BANDWIDTH]);
}

static void
test_set_rate_sends_the_limits_to_every_lcore(void)
{
	struct ipc_msg_conf_set m0, m1;

	CU_ASSERT_FATAL(fx.ready);
	dispatch("config set RelayBandwidthRate 1 MByte");
	CU_ASSERT_EQUAL(fx.calls, 0);
	CU_ASSERT_FATAL(pop_conf_set(0, &m0) == 0);
	CU_ASSERT_FATAL(pop_conf_set(1, &m1) == 0);
	CU_ASSERT_EQUAL(m0.key, IPC_CONF_BANDWIDTH);
	CU_ASSERT_EQUAL(m0.val[0], 1048576);
	CU_ASSERT_EQUAL(m0.val[1], 1048576);
	CU_ASSERT_EQUAL(m1.val[0], 1048576);
	answer_conf(0, &m0, 0, 1048576, 1048576);
	answer_conf(1, &m1, -ENODEV, 0, 0);
	cp_dplink_poll(&fx.cp.dp, cp_now_ns());
	CU_ASSERT_EQUAL(fx.calls, 1);
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_OK);
	CU_ASSERT_STRING_EQUAL(fx.body,
			       "RelayBandwidthRate set to 1048576 bytes\n"
			       "RelayBandwidthBurst raised to 1048576 bytes\n"
			       "dataplane lcore 0: rate 1048576 bytes/s, burst 1048576 bytes\n"
			       "dataplane lcore 1: no channels (nothing to limit)\n");
	CU_ASSERT_EQUAL(fx.cp.runconf.dp_epoch[IPC_CONF_BANDWIDTH], fx.cp.dp.epoch);
}

static void
test_set_rate_without_answers_fails_after_the_timeout(void)
{
	struct ipc_msg_conf_set m;

	CU_ASSERT_FATAL(fx.ready);
	dispatch("config set RelayBandwidthRate 0");
	CU_ASSERT_FATAL(pop_conf_set(0, &m) == 0);
	answer_conf(0, &m, 0, 0, 0);
	cp_dplink_poll(&fx.cp.dp, cp_now_ns() + CP_RUNCONF_TIMEOUT_NS + 1);
	CU_ASSERT_EQUAL(fx.calls, 1);
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_ERR);
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "dataplane lcore 0: rate 0 bytes/s, burst 0 bytes "
					       "(no limit)\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "error: dataplane lcore 1 did not take the limits: "
					       "no answer\n"));
	/* The control plane has the new value all the same. */
	CU_ASSERT_EQUAL(fx.conf.dir.bw_rate, 0);
}

static void
test_set_rate_zero_lifts_the_burst_too(void)
{
	fx.conf.dir.bw_rate = 1048576;
	fx.conf.dir.bw_burst = 2097152;
	cp_dplink_detach(&fx.cp.dp, 0);
	dispatch("config set RelayBandwidthRate 0");
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_OK);
	CU_ASSERT_EQUAL(fx.conf.dir.bw_rate, 0);
	CU_ASSERT_EQUAL(fx.conf.dir.bw_burst, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(fx.body, "RelayBandwidthBurst set to 0 too (no limit)\n"));
}

static void
test_set_burst_alone_sets_the_rate(void)
{
	cp_dplink_detach(&fx.cp.dp, 0);
	dispatch("config set RelayBandwidthBurst 2 MBytes");
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_OK);
	CU_ASSERT_EQUAL(fx.conf.dir.bw_rate, 2097152);
	CU_ASSERT_EQUAL(fx.conf.dir.bw_burst, 2097152);
}

static void
test_tick_tells_a_newly_attached_dataplane_once(void)
{
	struct ipc_msg_conf_set m;
	char err[256];

	cp_dplink_detach(&fx.cp.dp, 0);
	dispatch("config set RelayBandwidthRate 100 KBytes");
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_OK);
	CU_ASSERT_FATAL(cp_dplink_attach(&fx.cp.dp, fx.name, err, sizeof(err)) == 0);
	cp_runconf_tick(&fx.cp, cp_now_ns());
	for (uint32_t i = 0; i < N_LCORES; i++) {
		CU_ASSERT_FATAL(pop_conf_set(i, &m) == 0);
		CU_ASSERT_EQUAL(m.val[0], 102400);
	}
	cp_runconf_tick(&fx.cp, cp_now_ns());
	CU_ASSERT_EQUAL(pop_conf_set(0, &m), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(log_text(), "dataplane attached: RelayBandwidthRate 102400"));
}

static void
test_tick_without_a_bandwidth_change_sends_nothing(void)
{
	struct ipc_msg_conf_set m;

	dispatch("config set Nickname Relay8");
	cp_runconf_tick(&fx.cp, cp_now_ns());
	CU_ASSERT_EQUAL(pop_conf_set(0, &m), -1);
	CU_ASSERT_EQUAL(fx.cp.runconf.dp_sent, 0);
}

/* ---- config set: the circuit queue limits, to the dataplane ---------------- */

static void
test_set_circuit_queue_sends_both_limits(void)
{
	struct ipc_msg_conf_set m0, m1;

	CU_ASSERT_FATAL(fx.ready);
	dispatch("config set CircuitQueue 64");
	CU_ASSERT_EQUAL(fx.calls, 0);
	CU_ASSERT_FATAL(pop_conf_set(0, &m0) == 0);
	CU_ASSERT_FATAL(pop_conf_set(1, &m1) == 0);
	CU_ASSERT_EQUAL(m0.key, IPC_CONF_CIRC_QUEUE);
	CU_ASSERT_EQUAL(m0.val[0], 64);
	CU_ASSERT_EQUAL(m0.val[1], IPC_CONF_CIRC_QUEUE_MAX_DEFAULT);
	CU_ASSERT_EQUAL(m1.key, IPC_CONF_CIRC_QUEUE);
	answer_conf(0, &m0, 0, 64, 512);
	answer_conf(1, &m1, -ENODEV, 0, 0);
	cp_dplink_poll(&fx.cp.dp, cp_now_ns());
	CU_ASSERT_EQUAL(fx.calls, 1);
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_OK);
	CU_ASSERT_STRING_EQUAL(fx.body, "CircuitQueue set to 64\n"
					"dataplane lcore 0: CircuitQueue 64, CircuitQueueMax 512\n"
					"dataplane lcore 1: no circuits (nothing to limit)\n");
	CU_ASSERT_EQUAL(fx.conf.circ_queue, 64);
	CU_ASSERT_EQUAL(fx.cp.runconf.dp_epoch[IPC_CONF_CIRC_QUEUE], fx.cp.dp.epoch);
	/* The bandwidth was not touched: nothing for it on a later attach. */
	CU_ASSERT_FALSE(fx.cp.runconf.dp_set[IPC_CONF_BANDWIDTH]);
}

static void
test_set_circuit_queue_pair_is_checked(void)
{
	cp_dplink_detach(&fx.cp.dp, 0);
	dispatch("config set CircuitQueue 512");
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_ERR);
	CU_ASSERT_STRING_EQUAL(fx.body, "error: CircuitQueue (512) must stay below "
					"CircuitQueueMax (512): raise that first\n");
	dispatch("config set CircuitQueueMax 128");
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_ERR);
	CU_ASSERT_STRING_EQUAL(fx.body, "error: CircuitQueueMax (128) must stay above "
					"CircuitQueue (128): lower that first\n");
	dispatch("config set CircuitQueue 0");
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_ERR);
	CU_ASSERT_EQUAL(fx.conf.circ_queue, IPC_CONF_CIRC_QUEUE_DEFAULT);
	CU_ASSERT_EQUAL(fx.conf.circ_queue_max, IPC_CONF_CIRC_QUEUE_MAX_DEFAULT);
	CU_ASSERT_EQUAL(fx.cp.runconf.refused, 3);
	/* In the right order, both move. */
	dispatch("config set CircuitQueueMax 4096");
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_OK);
	dispatch("config set CircuitQueue 1024");
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_OK);
	CU_ASSERT_EQUAL(fx.conf.circ_queue, 1024);
	CU_ASSERT_EQUAL(fx.conf.circ_queue_max, 4096);
}

static void
test_tick_tells_a_new_dataplane_the_queue_limits(void)
{
	struct ipc_msg_conf_set m;
	char err[256];

	cp_dplink_detach(&fx.cp.dp, 0);
	dispatch("config set CircuitQueueMax 1000");
	CU_ASSERT_EQUAL(fx.status, CLI_STATUS_OK);
	CU_ASSERT_FATAL(cp_dplink_attach(&fx.cp.dp, fx.name, err, sizeof(err)) == 0);
	cp_runconf_tick(&fx.cp, cp_now_ns());
	for (uint32_t i = 0; i < N_LCORES; i++) {
		CU_ASSERT_FATAL(pop_conf_set(i, &m) == 0);
		CU_ASSERT_EQUAL(m.key, IPC_CONF_CIRC_QUEUE);
		CU_ASSERT_EQUAL(m.val[0], IPC_CONF_CIRC_QUEUE_DEFAULT);
		CU_ASSERT_EQUAL(m.val[1], 1000);
	}
	/* Only the queue limits were changed: no bandwidth message follows. */
	CU_ASSERT_EQUAL(pop_conf_set(0, &m), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(log_text(), "dataplane attached: CircuitQueue 128, "
						  "CircuitQueueMax 1000"));
}

static CU_TestInfo cli_config_tests[] = {
	{"get_lists_every_keyword", test_get_lists_every_keyword},
	{"get_one_keyword_in_any_case", test_get_one_keyword_in_any_case},
	{"get_repeatable_keyword_has_a_row_per_value",
	 test_get_repeatable_keyword_has_a_row_per_value},
	{"get_unknown_keyword_is_an_error", test_get_unknown_keyword_is_an_error},
	{"get_two_keywords_is_a_usage_error", test_get_two_keywords_is_a_usage_error},
	{"get_json_names_every_keyword", test_get_json_names_every_keyword},
	{"get_json_dataplane_keyword_is_not_known", test_get_json_dataplane_keyword_is_not_known},
	{"get_json_repeatable_value_is_an_array", test_get_json_repeatable_value_is_an_array},
	{"get_json_unknown_keyword_is_a_json_error", test_get_json_unknown_keyword_is_a_json_error},
	{"set_keyword_needing_a_restart_is_refused", test_set_keyword_needing_a_restart_is_refused},
	{"set_bad_value_says_what_the_file_says", test_set_bad_value_says_what_the_file_says},
	{"set_value_out_of_range_says_what_the_file_says",
	 test_set_value_out_of_range_says_what_the_file_says},
	{"set_unknown_keyword_is_an_error", test_set_unknown_keyword_is_an_error},
	{"set_without_a_value_is_a_usage_error", test_set_without_a_value_is_a_usage_error},
	{"set_refuses_json", test_set_refuses_json},
	{"set_burst_below_rate_is_refused", test_set_burst_below_rate_is_refused},
	{"set_new_log_destination_needs_a_restart", test_set_new_log_destination_needs_a_restart},
	{"set_publish_without_address_is_refused_and_changes_nothing",
	 test_set_publish_without_address_is_refused_and_changes_nothing},
	{"set_nickname_reaches_config_show_and_descriptor",
	 test_set_nickname_reaches_config_show_and_descriptor},
	{"set_contact_joins_the_words", test_set_contact_joins_the_words},
	{"set_my_family_replaces_the_list", test_set_my_family_replaces_the_list},
	{"set_log_severity_keeps_the_destination", test_set_log_severity_keeps_the_destination},
	{"set_is_logged_at_notice", test_set_is_logged_at_notice},
	{"set_lower_log_level_is_still_logged", test_set_lower_log_level_is_still_logged},
	{"set_rate_while_detached_answers_at_once", test_set_rate_while_detached_answers_at_once},
	{"set_rate_sends_the_limits_to_every_lcore", test_set_rate_sends_the_limits_to_every_lcore},
	{"set_rate_without_answers_fails_after_the_timeout",
	 test_set_rate_without_answers_fails_after_the_timeout},
	{"set_rate_zero_lifts_the_burst_too", test_set_rate_zero_lifts_the_burst_too},
	{"set_burst_alone_sets_the_rate", test_set_burst_alone_sets_the_rate},
	{"tick_tells_a_newly_attached_dataplane_once",
	 test_tick_tells_a_newly_attached_dataplane_once},
	{"tick_without_a_bandwidth_change_sends_nothing",
	 test_tick_without_a_bandwidth_change_sends_nothing},
	{"set_circuit_queue_sends_both_limits", test_set_circuit_queue_sends_both_limits},
	{"set_circuit_queue_pair_is_checked", test_set_circuit_queue_pair_is_checked},
	{"tick_tells_a_new_dataplane_the_queue_limits",
	 test_tick_tells_a_new_dataplane_the_queue_limits},
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_cli_config = {
	.pName = "controlplane/cli_config",
	.pInitFunc = suite_init,
	.pSetUpFunc = setup,
	.pTearDownFunc = teardown,
	.pTests = cli_config_tests,
};
