/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief `config get [KEY]` and `config set KEY VALUE`: the configuration
 *        keywords, and the ones that change while the relay runs.
 *
 * - `config get` lists every keyword of the schema (common/conf/) in its
 *   order with its value in cp->conf, as a config file line would give it,
 *   and whether `config set` changes it now. Keywords only the dataplane
 *   applies are listed as the dataplane's: the control plane does not hold
 *   their values. `config get KEY` (any case) shows one; an unknown KEY is
 *   an error (exit 1).
 * - `config set KEY VALUE` (VALUE: the rest of the line, words joined by
 *   one space) goes through cp_runconf_set() (runconf.h): the file's checks
 *   and messages, without FILE:LINE; a keyword that is not RUNTIME in the
 *   schema is refused as needing a restart. For RelayBandwidthRate/Burst and
 *   CircuitQueue/CircuitQueueMax it then sends IPC_MSG_CONF_SET to every
 *   lcore and answers once each lcore said what it took (or timed out);
 *   with the dataplane down it answers at once, and the setting goes to the
 *   dataplane when it attaches.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/conf/conf.h"
#include "common/ipc/ipc_msg.h"
#include "controlplane/cli/cli.h"
#include "controlplane/cli/cli_cmds.h"
#include "controlplane/cli/cli_json.h"
#include "controlplane/config.h"
#include "controlplane/cp.h"
#include "controlplane/runconf.h"

/* ---- config get ------------------------------------------------------------ */

/* The values of one keyword, collected (at most a few dozen short strings). */
struct values {
	char **v;
	unsigned n, cap;
};

static void
values_add(void *arg, const char *value)
{
	struct values *vs = arg;

	if (vs->n == vs->cap) {
		vs->cap = vs->cap == 0 ? 4 : 2 * vs->cap;
		vs->v = cp_xrealloc(vs->v, vs->cap * sizeof(*vs->v));
	}
	vs->v[vs->n] = cp_xmalloc(strlen(value) + 1);
	memcpy(vs->v[vs->n], value, strlen(value) + 1);
	vs->n++;
}

static void
values_free(struct values *vs)
{
	for (unsigned i = 0; i < vs->n; i++)
		free(vs->v[i]);
	free(vs->v);
	memset(vs, 0, sizeof(*vs));
}

static const char *
applies_name(const struct conf_opt *opt)
{
	if (opt->users == CONF_USER_BOTH)
		return "both";
	return opt->users == CONF_USER_DP ? "dataplane" : "controlplane";
}

/* One keyword as table rows: one row per value (as a config file has one line each). */
static void
get_rows(struct cp_buf *b, const struct cp_config *c, const struct conf_opt *opt)
{
	const char *rt = (opt->flags & CONF_F_RUNTIME) ? "yes" : "no";
	struct values vs = {0};
	int n = cp_config_values(c, opt, values_add, &vs);

	if (n == -ENOENT)
		cp_buf_printf(b, "%-28s %-7s %s\n", opt->name, rt, "(the dataplane's)");
	else if (n == -ENOTSUP)
		cp_buf_printf(b, "%-28s %-7s %s\n", opt->name, rt, "(not supported)");
	else if (vs.n == 0)
		cp_buf_printf(b, "%-28s %-7s %s\n", opt->name, rt, "(not set)");
	for (unsigned i = 0; i < vs.n; i++)
		cp_buf_printf(b, "%-28s %-7s %s\n", opt->name, rt, vs.v[i]);
	values_free(&vs);
}

/* One keyword as a JSON object: value is a string or null, an array for repeatable ones. */
static void
get_json(struct cp_json *j, const struct cp_config *c, const struct conf_opt *opt)
{
	bool repeat = (opt->flags & CONF_F_REPEAT) != 0;
	struct values vs = {0};
	int n = cp_config_values(c, opt, values_add, &vs);

	cp_json_obj_begin(j);
	cp_json_kv_str(j, "name", opt->name);
	cp_json_kv_bool(j, "runtime", (opt->flags & CONF_F_RUNTIME) != 0);
	cp_json_kv_str(j, "applies", applies_name(opt));
	cp_json_kv_bool(j, "repeat", repeat);
	cp_json_kv_bool(j, "known", n >= 0);
	cp_json_key(j, "value");
	if (repeat && n >= 0) {
		cp_json_arr_begin(j);
		for (unsigned i = 0; i < vs.n; i++)
			cp_json_str(j, vs.v[i]);
		cp_json_arr_end(j);
	} else if (vs.n > 0) {
		cp_json_str(j, vs.v[0]);
	} else {
		cp_json_null(j);
	}
	cp_json_obj_end(j);
	values_free(&vs);
}

int
cp_cli_cmd_config_get(struct cp_cli_req *req, int argc, char **argv)
{
	const struct cp_config *c = req->cp->conf;
	const struct conf_opt *one = NULL;
	struct cp_json j;

	if (argc > 1) {
		cp_buf_printf(&req->out, "usage: config get [KEY]\n");
		return CLI_STATUS_USAGE;
	}
	if (c == NULL) {
		cp_buf_printf(&req->out, "error: no configuration loaded\n");
		return CLI_STATUS_ERR;
	}
	if (argc == 1) {
		one = conf_opt_find(argv[0]);
		if (one == NULL) {
			cp_buf_printf(&req->out, "error: unknown option \"%s\"\n", argv[0]);
			return CLI_STATUS_ERR;
		}
	}
	if (req->json) {
		cp_json_init(&j, &req->out);
		cp_json_obj_begin(&j);
		cp_json_kv_str(&j, "config_file", c->file[0] != '\0' ? c->file : NULL);
		cp_json_key(&j, "options");
		cp_json_arr_begin(&j);
		for (size_t i = 0; i < conf_schema_len; i++)
			if (one == NULL || one == &conf_schema[i])
				get_json(&j, c, &conf_schema[i]);
		cp_json_arr_end(&j);
		cp_json_obj_end(&j);
		cp_json_end(&j);
		return CLI_STATUS_OK;
	}
	cp_buf_printf(&req->out, "%-28s %-7s %s\n", "option", "runtime", "value");
	for (size_t i = 0; i < conf_schema_len; i++)
		if (one == NULL || one == &conf_schema[i])
			get_rows(&req->out, c, &conf_schema[i]);
	if (one == NULL)
		cp_buf_printf(&req->out,
			      "%zu options; 'config set KEY VALUE' changes those with runtime yes; "
			      "(the dataplane's): set in the dataplane's configuration\n",
			      conf_schema_len);
	return CLI_STATUS_OK;
}

/* ---- config set ------------------------------------------------------------ */

/* A `config set` the dataplane applies, waiting for every lcore's CONF_STATUS. */
struct set_op {
	struct cp_cli_req *req;
	uint32_t key; /* IPC_CONF_* */
	uint32_t n, left;
	struct {
		int status;	 /* CONF_STATUS.status, or -ETIMEDOUT / -EPROTO / a send error */
		uint64_t val[2]; /* what the lcore has in force (its share of rate, burst) */
	} lc[IPC_MAX_LCORES];
};

/* Every lcore answered or timed out: one line each; exit 1 if one failed. */
static void
set_render(struct set_op *op)
{
	struct cp_cli_req *req = op->req;
	struct cp_buf *b = &req->out;
	int failed = 0;

	for (uint32_t i = 0; i < op->n; i++) {
		int st = op->lc[i].status;

		if (st == 0 && op->key == IPC_CONF_CIRC_QUEUE)
			cp_buf_printf(
				b, "dataplane lcore %u: CircuitQueue %llu, CircuitQueueMax %llu\n",
				i, (unsigned long long)op->lc[i].val[0],
				(unsigned long long)op->lc[i].val[1]);
		else if (st == 0)
			cp_buf_printf(b,
				      "dataplane lcore %u: rate %llu bytes/s, burst %llu bytes%s\n",
				      i, (unsigned long long)op->lc[i].val[0],
				      (unsigned long long)op->lc[i].val[1],
				      op->lc[i].val[0] == 0 ? " (no limit)" : "");
		else if (st == -ENODEV)
			cp_buf_printf(b, "dataplane lcore %u: no %s (nothing to limit)\n", i,
				      op->key == IPC_CONF_CIRC_QUEUE ? "circuits" : "channels");
		else
			failed++;
	}
	if (failed != 0) {
		for (uint32_t i = 0; i < op->n; i++) {
			int st = op->lc[i].status;

			if (st == 0 || st == -ENODEV)
				continue;
			cp_buf_printf(b, "error: dataplane lcore %u did not take the %s: %s\n", i,
				      op->key == IPC_CONF_CIRC_QUEUE ? "queue limits" : "limits",
				      st == -ETIMEDOUT ? "no answer" : cp_cli_send_error(st));
		}
	}
	cp_cli_req_finish(req, failed == 0 ? CLI_STATUS_OK : CLI_STATUS_ERR);
}

static void
set_on_status(void *arg, const struct ipc_hdr *reply, uint32_t lcore_idx, uint64_t now_ns)
{
	struct set_op *op = arg;

	(void)now_ns;
	if (reply == NULL) {
		op->lc[lcore_idx].status = -ETIMEDOUT;
	} else if (reply->type != IPC_MSG_CONF_STATUS) {
		op->lc[lcore_idx].status = -EPROTO;
	} else {
		struct ipc_msg_conf_status st;

		memcpy(&st, reply, sizeof(st));
		op->lc[lcore_idx].status = st.status;
		op->lc[lcore_idx].val[0] = st.val[0];
		op->lc[lcore_idx].val[1] = st.val[1];
	}
	if (op->lc[lcore_idx].status != 0 && op->lc[lcore_idx].status != -ENODEV)
		op->req->cp->runconf.dp_failed++;
	if (--op->left == 0) {
		op->req->op = NULL;
		op->req->op_cancel = NULL;
		set_render(op);
		free(op);
	}
}

static void
set_cancel(struct cp_cli_req *req)
{
	cp_dplink_cancel(&req->cp->dp, req->op);
	free(req->op);
}

/* Tell every lcore the new setting @p key; answer when they all did. */
static int
set_send_dp(struct cp_cli_req *req, uint32_t key)
{
	struct cp_ctx *cp = req->cp;
	int send_rc[IPC_MAX_LCORES];
	struct set_op *op;
	int sent;

	if (!cp_dplink_is_up(&cp->dp)) {
		cp_buf_printf(&req->out,
			      "dataplane down: it takes the new limits when it attaches\n");
		return CLI_STATUS_OK;
	}
	op = cp_xcalloc(1, sizeof(*op));
	op->req = req;
	op->key = key;
	op->n = cp->dp.n_lcores;
	for (uint32_t i = 0; i < op->n; i++)
		send_rc[i] = -ENOTCONN;
	sent = cp_runconf_send(cp, key, cp_now_ns(), set_on_status, op, send_rc);
	for (uint32_t i = 0; i < op->n; i++)
		op->lc[i].status = send_rc[i];
	if (sent <= 0) {
		set_render(op);
		free(op);
		return CP_CLI_PENDING; /* set_render() finished the request */
	}
	op->left = (uint32_t)sent;
	req->op = op;
	req->op_cancel = set_cancel;
	return CP_CLI_PENDING;
}

int
cp_cli_cmd_config_set(struct cp_cli_req *req, int argc, char **argv)
{
	const struct conf_opt *opt = NULL;
	char value[CLI_PROTO_LINE_MAX], note[256], err[1024];
	struct values vs = {0};
	size_t len = 0;
	uint32_t dp_key;
	int rc;

	if (argc < 2) {
		cp_buf_printf(&req->out, "usage: config set KEY VALUE\n");
		return CLI_STATUS_USAGE;
	}
	/* Bounded by the request line: the words are parts of it. */
	value[0] = '\0';
	for (int i = 1; i < argc && len < sizeof(value); i++)
		len += (size_t)snprintf(value + len, sizeof(value) - len, "%s%s", i > 1 ? " " : "",
					argv[i]);
	rc = cp_runconf_set(req->cp, argv[0], value, &opt, &dp_key, note, sizeof(note), err,
			    sizeof(err));
	if (rc != 0) {
		cp_buf_printf(&req->out, "error: %s\n", err);
		return CLI_STATUS_ERR;
	}
	cp_config_values(req->cp->conf, opt, values_add, &vs);
	cp_buf_printf(&req->out, "%s set to", opt->name);
	for (unsigned i = 0; i < vs.n; i++)
		cp_buf_printf(&req->out, "%s %s", i > 0 ? "," : "", vs.v[i]);
	cp_buf_printf(&req->out, "%s\n", vs.n == 0 ? " \"\"" : "");
	values_free(&vs);
	if (note[0] != '\0')
		cp_buf_printf(&req->out, "%s\n", note);
	return dp_key != 0 ? set_send_dp(req, dp_key) : CLI_STATUS_OK;
}
