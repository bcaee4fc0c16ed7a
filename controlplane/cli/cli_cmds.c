/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Built-in commands: `help`, `status` and `counters` (the channel
 *        commands are in cli_chan.c).
 *
 * `status` is asynchronous: it pings every dataplane lcore through the
 * command rings and answers once every lcore replied or timed out, with the
 * round trip each ping took. That proves, end to end, that the segment is
 * attached, every lcore's loop is running and both ring directions work.
 * It also shows the relay identity and which link credentials the lcores
 * have installed. `counters` prints the dataplane's counters, then the
 * control plane's own (/cp/...).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/ipc/ipc_msg.h"
#include "controlplane/cli/cli.h"
#include "controlplane/cli/cli_cmds.h"
#include "controlplane/cli/cli_json.h"
#include "controlplane/keys/keys.h"
#include "controlplane/link/link.h"
#include "controlplane/metrics/metrics.h"
#include "controlplane/stats/stats.h"

struct status_op {
	struct cp_cli_req *req;
	uint32_t n;
	uint32_t left;
	uint64_t sent_ns;
	struct {
		int64_t rtt_ns;      /**< >= 0, or -ETIMEDOUT / -EPROTO / -ENOBUFS. */
		uint64_t iterations;
	} lc[IPC_MAX_LCORES];
};

static int cmd_help(struct cp_cli_req *req, int argc, char **argv);
static int cmd_status(struct cp_cli_req *req, int argc, char **argv);
static int cmd_counters(struct cp_cli_req *req, int argc, char **argv);

static const struct cp_cli_cmd cli_cmds[] = {
	{ "help", "[COMMAND]", "list commands, or describe one", cmd_help, true },
	{ "status", "",
	  "uptime, ABI version, relay identity, link credentials, dataplane lcores and their ping "
	  "round trip",
	  cmd_status, true },
	{ "counters", "[FILTER]",
	  "dataplane counters summed over lcores, then the controlplane's (names containing FILTER)",
	  cmd_counters, true },
	{ "channel open", "ADDR:PORT FINGERPRINT [ED25519_ID]",
	  "open a channel to a relay and wait (up to 60 s) until it is open or failed",
	  cp_cli_cmd_channel_open, false },
	{ "channel close", "HANDLE", "close a channel (HANDLE as 'show channels' prints it)",
	  cp_cli_cmd_channel_close, false },
	{ "show channels", "", "every channel of every lcore: state, peer, link, TLS, traffic",
	  cp_cli_cmd_show_channels, true },
	{ "show circuits", "",
	  "every circuit of every lcore: state, handshake, both hops, queues, age, cells",
	  cp_cli_cmd_show_circuits, true },
	{ "show consensus", "",
	  "the consensus held (times, relays, signatures), this relay's flags in it, the "
	  "descriptor published and what each authority did with it",
	  cp_cli_cmd_show_consensus, true },
	{ "show ports", "",
	  "the dataplane's network port: name, MAC, link, MTU, queues, packets, bytes and drops, "
	  "and each queue's packets and bytes",
	  cp_cli_cmd_show_ports, true },
	{ "show ports xstats", "[FILTER]",
	  "the NIC's extended stats (xstats): every name and value the PMD reports (names "
	  "containing FILTER)",
	  cp_cli_cmd_show_ports_xstats, true },
	{ "show lcores", "",
	  "every dataplane lcore: role (network queue or not), iterations, busy ratio",
	  cp_cli_cmd_show_lcores, true },
	{ "show keys", "",
	  "relay identity, Ed25519 id, signing cert expiry, onion keys' age and next rotation, "
	  "link certificates",
	  cp_cli_cmd_show_keys, true },
	{ "show config", "",
	  "the settings the controlplane runs with (file, command line and defaults merged)",
	  cp_cli_cmd_show_config, true },
	{ "config get", "[KEY]",
	  "every config keyword (or KEY, any case) with its value and whether 'config set' "
	  "changes it while running",
	  cp_cli_cmd_config_get, true },
	{ "config set", "KEY VALUE",
	  "change a keyword while running (Log, Nickname, ContactInfo, MyFamily, "
	  "PublishServerDescriptor, RelayBandwidthRate/Burst, MaxOnionQueueDelay); the file's "
	  "checks; others need a restart",
	  cp_cli_cmd_config_set, false },
	{ "circuit destroy", "HANDLE [REASON]",
	  "destroy a circuit: DESTROY both ways (REASON: tor-spec 5.4 name or number, default "
	  "requested)",
	  cp_cli_cmd_circuit_destroy, false },
};

const struct cp_cli_cmd *
cp_cli_commands(uint32_t *n)
{
	*n = sizeof(cli_cmds) / sizeof(cli_cmds[0]);
	return cli_cmds;
}

static int
cmd_help(struct cp_cli_req *req, int argc, char **argv)
{
	uint32_t n;
	const struct cp_cli_cmd *c = cp_cli_commands(&n);
	struct cp_json j;
	int shown = 0;

	if (argc > 1) {
		cp_buf_printf(&req->out, "usage: help [COMMAND]\n");
		return CLI_STATUS_USAGE;
	}
	if (req->json) {
		cp_json_init(&j, &req->out);
		cp_json_obj_begin(&j);
		cp_json_key(&j, "commands");
		cp_json_arr_begin(&j);
	}
	for (uint32_t i = 0; i < n; i++) {
		if (argc > 0 && strncmp(c[i].path, argv[0], strlen(argv[0])) != 0)
			continue;
		if (req->json) {
			cp_json_obj_begin(&j);
			cp_json_kv_str(&j, "command", c[i].path);
			cp_json_kv_str(&j, "args", c[i].args);
			cp_json_kv_str(&j, "help", c[i].help);
			cp_json_kv_bool(&j, "json", c[i].json);
			cp_json_obj_end(&j);
		} else {
			cp_buf_printf(&req->out, "  %s%s%s\n      %s\n", c[i].path,
				      c[i].args[0] ? " " : "", c[i].args, c[i].help);
		}
		shown++;
	}
	if (req->json) {
		cp_json_arr_end(&j);
		cp_json_obj_end(&j);
		cp_json_end(&j);
	}
	if (shown == 0) {
		cp_buf_free(&req->out);
		cp_buf_printf(&req->out, "error: no command '%s'\n", argv[0]);
		return CLI_STATUS_USAGE;
	}
	return CLI_STATUS_OK;
}

/* How a ping failed: timed out, command ring full, our pending table full, or refused. */
static const char *
status_failure_name(int64_t rc)
{
	switch (rc) {
	case -ETIMEDOUT:
		return "timeout";
	case -ENOBUFS:
		return "ring-full";
	case -EBUSY:
		return "cp-busy";
	default:
		return "refused";
	}
}

/* Relay identity and link credentials, when the key store is loaded. */
static void
status_identity(struct cp_cli_req *req)
{
	struct cp_ctx *cp = req->cp;
	const struct cp_linkcreds *c = &cp->link.creds;
	uint32_t lcores = cp->dp.attached ? cp->dp.n_lcores : 0;
	uint32_t with_chan = cp_link_channel_lcores(&cp->link);
	time_t now = time(NULL);

	if (cp->keys == NULL)
		return;
	cp_buf_printf(&req->out, "identity:      %s ed25519 %s\n", cp_keys_rsa_fingerprint(cp->keys),
		      cp_keys_ed25519_id_base64(cp->keys));
	if (c->gen == 0) {
		cp_buf_printf(&req->out, "link creds:    none%s%s\n",
			      cp->link.last_err[0] != '\0' ? ": " : "", cp->link.last_err);
		return;
	}
	cp_buf_printf(&req->out,
		      "link creds:    gen %u, made %lld s ago, renewed in %lld s; "
		      "installed on %u/%u lcores",
		      c->gen, (long long)(now - c->made), (long long)(c->renew_at - now),
		      cp_link_installed_count(&cp->link), with_chan);
	if (with_chan != lcores)
		cp_buf_printf(&req->out, " (%u without channels)", lcores - with_chan);
	cp_buf_printf(&req->out, "\n");
}

/* The controlplane, segment, identity and link credential members of `status --json`. */
static void
status_head_json(struct cp_cli_req *req, struct cp_json *j)
{
	struct cp_ctx *cp = req->cp;
	const struct cp_linkcreds *c = &cp->link.creds;
	time_t now = time(NULL);

	cp_json_key(j, "controlplane");
	cp_json_obj_begin(j);
	cp_json_kv_double(j, "uptime_s", (double)(cp_now_ns() - cp->start_ns) / 1e9);
	cp_json_kv_u64(j, "pid", (uint64_t)getpid());
	cp_json_obj_end(j);
	cp_json_kv_u64(j, "abi_version", IPC_ABI_VERSION);
	cp_json_key(j, "segment");
	cp_json_strf(j, "/dev/shm/%s", cp->shm_name);
	if (cp->keys == NULL) {
		cp_json_kv_null(j, "identity");
		cp_json_kv_null(j, "link_creds");
		return;
	}
	cp_json_key(j, "identity");
	cp_json_obj_begin(j);
	cp_json_kv_str(j, "fingerprint", cp_keys_rsa_fingerprint(cp->keys));
	cp_json_kv_str(j, "ed25519_id", cp_keys_ed25519_id_base64(cp->keys));
	cp_json_obj_end(j);
	cp_json_key(j, "link_creds");
	cp_json_obj_begin(j);
	cp_json_kv_u64(j, "gen", c->gen);
	if (c->gen != 0) {
		cp_json_kv_i64(j, "made_s_ago", (int64_t)(now - c->made));
		cp_json_kv_i64(j, "renew_in_s", (int64_t)(c->renew_at - now));
		cp_json_kv_u64(j, "installed_lcores", cp_link_installed_count(&cp->link));
		cp_json_kv_u64(j, "channel_lcores", cp_link_channel_lcores(&cp->link));
	}
	cp_json_kv_str(j, "error", cp->link.last_err[0] != '\0' ? cp->link.last_err : NULL);
	cp_json_obj_end(j);
}

/* `status --json` while the dataplane is down. */
static void
status_down_json(struct cp_cli_req *req)
{
	struct cp_ctx *cp = req->cp;
	const char *why = cp->attach_err[0] != '\0' ? cp->attach_err : "not attached";
	struct cp_json j;

	cp_json_init(&j, &req->out);
	cp_json_obj_begin(&j);
	status_head_json(req, &j);
	cp_json_key(&j, "dataplane");
	cp_json_obj_begin(&j);
	cp_json_kv_bool(&j, "up", false);
	cp_json_kv_str(&j, "error", why);
	cp_json_obj_end(&j);
	cp_json_key(&j, "lcores");
	cp_json_arr_begin(&j);
	cp_json_arr_end(&j);
	cp_json_key(&j, "error");
	cp_json_strf(&j, "dataplane down (%s)", why);
	cp_json_obj_end(&j);
	cp_json_end(&j);
}

/* `status --json` once every lcore answered or timed out; return the failed lcores. */
static int
status_render_json(struct status_op *op)
{
	struct cp_cli_req *req = op->req;
	struct cp_ctx *cp = req->cp;
	const struct ipc_seg_hdr *h = cp->dp.shm.hdr;
	struct cp_json j;
	int failed = 0;

	cp_json_init(&j, &req->out);
	cp_json_obj_begin(&j);
	status_head_json(req, &j);
	cp_json_key(&j, "dataplane");
	cp_json_obj_begin(&j);
	cp_json_kv_bool(&j, "up", true);
	cp_json_kv_double(&j, "uptime_s", (double)(cp_now_ns() - h->created_mono_ns) / 1e9);
	cp_json_kv_u64(&j, "pid", h->dp_pid);
	cp_json_obj_end(&j);
	cp_json_key(&j, "lcores");
	cp_json_arr_begin(&j);
	for (uint32_t i = 0; i < op->n; i++) {
		cp_json_obj_begin(&j);
		cp_json_kv_u64(&j, "index", i);
		cp_json_kv_u64(&j, "id", ipc_shm_lcore(&cp->dp.shm, i)->lcore_id);
		if (op->lc[i].rtt_ns >= 0) {
			cp_json_kv_double(&j, "ping_rtt_us", (double)op->lc[i].rtt_ns / 1e3);
			cp_json_kv_u64(&j, "iterations", op->lc[i].iterations);
			cp_json_kv_null(&j, "error");
		} else {
			cp_json_kv_null(&j, "ping_rtt_us");
			cp_json_kv_null(&j, "iterations");
			cp_json_kv_str(&j, "error", status_failure_name(op->lc[i].rtt_ns));
			failed++;
		}
		cp_json_obj_end(&j);
	}
	cp_json_arr_end(&j);
	if (failed != 0) {
		cp_json_key(&j, "error");
		cp_json_strf(&j, "%d of %u lcores did not answer the ping", failed, op->n);
	}
	cp_json_obj_end(&j);
	cp_json_end(&j);
	return failed;
}

static void
status_render(struct status_op *op)
{
	struct cp_cli_req *req = op->req;
	struct cp_ctx *cp = req->cp;
	const struct ipc_seg_hdr *h = cp->dp.shm.hdr;
	uint64_t now = cp_now_ns();
	int failed = 0;

	if (req->json) {
		failed = status_render_json(op);
		cp_cli_req_finish(req, failed == 0 ? CLI_STATUS_OK : CLI_STATUS_ERR);
		return;
	}
	cp_buf_printf(&req->out, "dataplane:     up %.1f s, pid %u\n",
		      (double)(now - h->created_mono_ns) / 1e9, h->dp_pid);
	cp_buf_printf(&req->out, "lcores:        %u\n", op->n);
	cp_buf_printf(&req->out, "%-6s %-4s %14s %14s\n", "lcore", "id", "ping_rtt_us", "iterations");
	for (uint32_t i = 0; i < op->n; i++) {
		const struct ipc_lcore_desc *ld = ipc_shm_lcore(&cp->dp.shm, i);

		if (op->lc[i].rtt_ns >= 0) {
			cp_buf_printf(&req->out, "%-6u %-4u %14.1f %14llu\n", i, ld->lcore_id,
				      (double)op->lc[i].rtt_ns / 1e3,
				      (unsigned long long)op->lc[i].iterations);
		} else {
			cp_buf_printf(&req->out, "%-6u %-4u %14s %14s\n", i, ld->lcore_id,
				      status_failure_name(op->lc[i].rtt_ns),
				      "-");
			failed++;
		}
	}
	cp_cli_req_finish(req, failed == 0 ? CLI_STATUS_OK : CLI_STATUS_ERR);
}

static void
status_on_pong(void *arg, const struct ipc_hdr *reply, uint32_t lcore_idx, uint64_t now_ns)
{
	struct status_op *op = arg;

	if (reply == NULL) {
		op->lc[lcore_idx].rtt_ns = -ETIMEDOUT;
	} else if (reply->type != IPC_MSG_PONG) {
		op->lc[lcore_idx].rtt_ns = -EPROTO;
	} else {
		const struct ipc_msg_pong *pong = (const struct ipc_msg_pong *)(const void *)reply;

		/* Our own send time, not the echoed one: the reply proves only liveness. */
		op->lc[lcore_idx].rtt_ns = (int64_t)(now_ns - op->sent_ns);
		op->lc[lcore_idx].iterations = pong->dp_iterations;
	}
	if (--op->left == 0) {
		struct cp_cli_req *req = op->req;

		req->op = NULL;
		req->op_cancel = NULL;
		status_render(op);
		free(op);
	}
}

static void
status_cancel(struct cp_cli_req *req)
{
	cp_dplink_cancel(&req->cp->dp, req->op);
	free(req->op);
}

static int
cmd_status(struct cp_cli_req *req, int argc, char **argv)
{
	struct cp_ctx *cp = req->cp;
	uint64_t now = cp_now_ns();
	struct status_op *op;

	(void)argv;
	if (argc != 0) {
		cp_buf_printf(&req->out, "usage: status\n");
		return CLI_STATUS_USAGE;
	}
	if (req->json && !cp_dplink_is_up(&cp->dp)) {
		status_down_json(req);
		return CLI_STATUS_ERR;
	}
	if (!req->json) {
		cp_buf_printf(&req->out, "controlplane:  up %.1f s, pid %u\n",
			      (double)(now - cp->start_ns) / 1e9, (unsigned)getpid());
		cp_buf_printf(&req->out, "abi version:   %u\n", IPC_ABI_VERSION);
		cp_buf_printf(&req->out, "segment:       /dev/shm/%s\n", cp->shm_name);
		status_identity(req);
	}
	if (!cp_dplink_is_up(&cp->dp)) {
		cp_buf_printf(&req->out, "dataplane:     down (%s)\n",
			      cp->attach_err[0] != '\0' ? cp->attach_err : "not attached");
		return CLI_STATUS_ERR;
	}
	op = cp_xcalloc(1, sizeof(*op));
	op->req = req;
	op->n = cp->dp.n_lcores;
	op->left = op->n;
	op->sent_ns = now;
	req->op = op;
	req->op_cancel = status_cancel;
	for (uint32_t i = 0; i < op->n; i++) {
		struct ipc_msg_ping ping;
		int rc;

		memset(&ping, 0, sizeof(ping));
		ipc_hdr_init(&ping.hdr, IPC_MSG_PING, sizeof(ping), 0);
		ping.cookie = i;
		ping.cp_send_ns = now;
		rc = cp_dplink_request(&cp->dp, i, &ping.hdr, sizeof(ping), CP_STATUS_PING_TIMEOUT_NS,
				       now, status_on_pong, op);
		if (rc != 0) {
			op->lc[i].rtt_ns = rc == -ENOBUFS || rc == -EBUSY ? rc : -EPROTO;
			op->left--;
		}
	}
	if (op->left == 0) {
		req->op = NULL;
		req->op_cancel = NULL;
		status_render(op);
		free(op);
	}
	return CP_CLI_PENDING;
}

struct ctr_print {
	struct cp_buf *out;
	struct cp_json *json; /* NULL: the table */
	const char *filter;
};

static void
ctr_print(void *arg, const char *name, uint64_t value)
{
	struct ctr_print *p = arg;

	if (p->filter != NULL && strstr(name, p->filter) == NULL)
		return;
	if (p->json != NULL)
		cp_json_kv_u64(p->json, name, value);
	else
		cp_buf_printf(p->out, "%-40s %20llu\n", name, (unsigned long long)value);
}

/* The control plane's own counters: the same list the MetricsPort shows. */
static void
counters_cp(struct cp_cli_req *req, struct cp_json *j, const char *filter)
{
	struct ctr_print p = { .out = &req->out, .json = j, .filter = filter };

	cp_metrics_visit_cp(req->cp, ctr_print, &p);
}

static int
cmd_counters(struct cp_cli_req *req, int argc, char **argv)
{
	struct cp_ctx *cp = req->cp;
	const char *filter = argc == 1 ? argv[0] : NULL;
	struct cp_json j, *jp = NULL;
	struct cp_stat *st;
	int n;

	if (argc > 1) {
		cp_buf_printf(&req->out, "usage: counters [FILTER]\n");
		return CLI_STATUS_USAGE;
	}
	if (req->json) {
		jp = &j;
		cp_json_init(jp, &req->out);
		cp_json_obj_begin(jp);
		cp_json_key(jp, "counters");
		cp_json_obj_begin(jp);
	}
	if (!cp_dplink_is_up(&cp->dp)) {
		const char *why = cp->attach_err[0] != '\0' ? cp->attach_err : "not attached";

		counters_cp(req, jp, filter);
		if (jp == NULL) {
			cp_buf_printf(&req->out, "dataplane:     down (%s)\n", why);
			return CLI_STATUS_ERR;
		}
		cp_json_obj_end(jp);
		cp_json_key(jp, "error");
		cp_json_strf(jp, "dataplane down (%s)", why);
		cp_json_obj_end(jp);
		cp_json_end(jp);
		return CLI_STATUS_ERR;
	}
	st = cp_xcalloc(cp->dp.shm.hdr->ctr_max, sizeof(*st));
	n = cp_stats_read(&cp->dp.shm, filter, st, cp->dp.shm.hdr->ctr_max);
	if (n < 0) {
		free(st);
		cp_buf_free(&req->out);
		cp_buf_printf(&req->out, "error: counter directory busy; try again\n");
		return CLI_STATUS_ERR;
	}
	for (int i = 0; i < n; i++) {
		if (jp != NULL)
			cp_json_kv_u64(jp, st[i].desc.name, st[i].total);
		else
			cp_buf_printf(&req->out, "%-40s %20llu\n", st[i].desc.name,
				      (unsigned long long)st[i].total);
	}
	free(st);
	counters_cp(req, jp, filter);
	if (jp != NULL) {
		cp_json_obj_end(jp);
		cp_json_obj_end(jp);
		cp_json_end(jp);
	}
	return CLI_STATUS_OK;
}
