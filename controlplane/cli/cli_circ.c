/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief `show circuits` and `circuit destroy`: the operator's view of circuits.
 *
 * `show circuits` pages IPC_MSG_CIRC_LIST through every lcore (the listing
 * machinery of cli_chan.c). `circuit destroy HANDLE [REASON]` sends
 * IPC_MSG_CIRC_DESTROY to the lcore the handle names (its top 7 bits); the
 * dataplane sends DESTROY both ways with REASON (default REQUESTED, as tor
 * closes a circuit its controller asked to close).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/ipc/ipc_msg.h"
#include "common/wire/wire_create.h"
#include "controlplane/cli/cli.h"
#include "controlplane/cli/cli_cmds.h"
#include "controlplane/cli/cli_json.h"
#include "controlplane/cp.h"
#include "controlplane/util.h"

/** How long `circuit destroy` waits for the dataplane, ns. */
#define CP_CIRC_DESTROY_TIMEOUT_NS UINT64_C(5000000000)

static const char *
htype_name(uint8_t h)
{
	switch (h) {
	case WIRE_HTYPE_FAST:
		return "fast";
	case WIRE_HTYPE_NTOR:
		return "ntor";
	case WIRE_HTYPE_NTOR_V3:
		return "ntor3";
	default:
		return "-";
	}
}

static void
circ_header(struct cp_buf *b)
{
	cp_buf_printf(b, "%-10s %5s %-9s %-5s %-21s %-21s %6s %6s %9s %10s %10s\n", "handle",
		      "lcore", "state", "htype", "prev chan:circ_id", "next chan:circ_id", "q_prev",
		      "q_next", "age_s", "cells_fwd", "cells_bwd");
}

static void
circ_row(struct cp_buf *b, uint32_t lcore, const void *info)
{
	const struct ipc_msg_circ_info *c = info;
	char prev[24], next[24];

	snprintf(prev, sizeof(prev), "0x%08x:%08x", c->p_chan, c->p_circ_id);
	if (c->n_chan != 0)
		snprintf(next, sizeof(next), "0x%08x:%08x", c->n_chan, c->n_circ_id);
	else
		snprintf(next, sizeof(next), "-");
	cp_buf_printf(b, "0x%08x %5u %-9s %-5s %-21s %-21s %6u %6u %9.1f %10llu %10llu\n", c->circ,
		      lcore, ipc_circ_state_name(c->state), htype_name(c->htype), prev, next,
		      c->q_p, c->q_n, (double)c->age_ms / 1e3, (unsigned long long)c->cells_fwd,
		      (unsigned long long)c->cells_bwd);
}

/* A hop as {"chan": "0x...", "circ_id": N}, the next one null when there is none. */
static void
circ_json_hop(struct cp_json *j, const char *key, uint32_t chan, uint32_t circ_id)
{
	cp_json_key(j, key);
	if (chan == 0) {
		cp_json_null(j);
		return;
	}
	cp_json_obj_begin(j);
	cp_json_key(j, "chan");
	cp_json_strf(j, "0x%08x", chan);
	cp_json_kv_u64(j, "circ_id", circ_id);
	cp_json_obj_end(j);
}

static void
circ_json_row(struct cp_json *j, uint32_t lcore, const void *info)
{
	const struct ipc_msg_circ_info *c = info;
	const char *ht = htype_name(c->htype);

	cp_json_obj_begin(j);
	cp_json_key(j, "handle");
	cp_json_strf(j, "0x%08x", c->circ);
	cp_json_kv_u64(j, "lcore", lcore);
	cp_json_kv_str(j, "state", ipc_circ_state_name(c->state));
	cp_json_kv_str(j, "handshake", strcmp(ht, "-") != 0 ? ht : NULL);
	circ_json_hop(j, "prev", c->p_chan, c->p_circ_id);
	circ_json_hop(j, "next", c->n_chan, c->n_circ_id);
	cp_json_kv_u64(j, "queued_prev", c->q_p);
	cp_json_kv_u64(j, "queued_next", c->q_n);
	cp_json_kv_double(j, "age_s", (double)c->age_ms / 1e3);
	cp_json_kv_u64(j, "cells_fwd", c->cells_fwd);
	cp_json_kv_u64(j, "cells_bwd", c->cells_bwd);
	cp_json_obj_end(j);
}

static const struct cp_cli_list_kind circ_list_kind = {
	.list_type = IPC_MSG_CIRC_LIST,
	.info_type = IPC_MSG_CIRC_INFO,
	.end_type = IPC_MSG_CIRC_LIST_END,
	.page_max = IPC_CIRC_LIST_MAX,
	.noun = "circuit",
	.json_key = "circuits",
	.header = circ_header,
	.row = circ_row,
	.json_row = circ_json_row,
};

int
cp_cli_cmd_show_circuits(struct cp_cli_req *req, int argc, char **argv)
{
	(void)argv;
	if (argc != 0) {
		cp_buf_printf(&req->out, "usage: show circuits\n");
		return CLI_STATUS_USAGE;
	}
	return cp_cli_list_start(req, &circ_list_kind);
}

/* ---- circuit destroy ----------------------------------------------------- */

static const char destroy_usage[] =
	"usage: circuit destroy HANDLE [REASON]\n"
	"  HANDLE as 'show circuits' prints it; REASON a tor-spec 5.4 name or number\n"
	"  (default requested)\n";

static void
destroy_done(void *arg, const struct ipc_hdr *reply, uint32_t lc, uint64_t now_ns)
{
	struct cp_cli_req *req = arg;
	int status = CLI_STATUS_ERR;

	(void)lc;
	(void)now_ns;
	req->op = NULL;
	req->op_cancel = NULL;
	if (reply == NULL) {
		cp_buf_printf(&req->out, "error: no answer from the dataplane\n");
	} else if (reply->type == IPC_MSG_CIRC_STATUS) {
		const struct ipc_msg_circ_status *st = (const void *)reply;

		if (st->status == 0) {
			cp_buf_printf(&req->out, "circuit 0x%08x destroyed\n", st->circ);
			status = CLI_STATUS_OK;
		} else if (st->status == -EBADF) {
			cp_buf_printf(&req->out, "error: no circuit 0x%08x\n", st->circ);
		} else {
			cp_buf_printf(&req->out, "error: cannot destroy circuit 0x%08x: %s\n",
				      st->circ, strerror(-st->status));
		}
	} else if (reply->type == IPC_MSG_CMD_ERROR) {
		const struct ipc_msg_cmd_error *e = (const void *)reply;

		cp_buf_printf(&req->out, "error: the dataplane refused CIRC_DESTROY: %s\n",
			      strerror(e->err != 0 ? -e->err : EPROTO));
	} else {
		cp_buf_printf(&req->out, "error: unexpected answer '%s' from the dataplane\n",
			      ipc_msg_type_name(reply->type));
	}
	cp_cli_req_finish(req, status);
}

static void
destroy_cancel(struct cp_cli_req *req)
{
	cp_dplink_cancel(&req->cp->dp, req);
}

static bool
parse_reason(const char *s, uint8_t *out)
{
	char *end;
	unsigned long v;

	for (unsigned r = 0; r <= WIRE_DESTROY_REASON_MAX; r++) {
		if (strcmp(s, wire_destroy_reason_name(r)) == 0) {
			*out = (uint8_t)r;
			return true;
		}
	}
	v = strtoul(s, &end, 10);
	if (s[0] == '\0' || *end != '\0' || v > WIRE_DESTROY_REASON_MAX)
		return false;
	*out = (uint8_t)v;
	return true;
}

int
cp_cli_cmd_circuit_destroy(struct cp_cli_req *req, int argc, char **argv)
{
	struct cp_ctx *cp = req->cp;
	struct ipc_msg_circ_destroy m;
	uint8_t reason = WIRE_DESTROY_REQUESTED;
	uint32_t circ, lc;
	int rc;

	if (argc < 1 || argc > 2) {
		cp_buf_printf(&req->out, "%s", destroy_usage);
		return CLI_STATUS_USAGE;
	}
	if (!cp_cli_parse_handle(argv[0], &circ)) {
		cp_buf_printf(&req->out, "error: bad circuit handle '%s'\n%s", argv[0], destroy_usage);
		return CLI_STATUS_USAGE;
	}
	if (argc == 2 && !parse_reason(argv[1], &reason)) {
		cp_buf_printf(&req->out, "error: bad reason '%s'\n%s", argv[1], destroy_usage);
		return CLI_STATUS_USAGE;
	}
	if (!cp_dplink_is_up(&cp->dp))
		return cp_cli_dataplane_down(req);
	lc = circ >> 25;
	if (lc >= cp->dp.n_lcores) {
		cp_buf_printf(&req->out, "error: no circuit 0x%08x (no lcore %u)\n", circ, lc);
		return CLI_STATUS_ERR;
	}
	memset(&m, 0, sizeof(m));
	ipc_hdr_init(&m.hdr, IPC_MSG_CIRC_DESTROY, sizeof(m), 0);
	m.circ = circ;
	m.reason = reason;
	rc = cp_dplink_request(&cp->dp, lc, &m.hdr, sizeof(m), CP_CIRC_DESTROY_TIMEOUT_NS,
			       cp_now_ns(), destroy_done, req);
	if (rc != 0) {
		cp_buf_printf(&req->out, "error: cannot send CIRC_DESTROY: %s\n",
			      cp_cli_send_error(rc));
		return CLI_STATUS_ERR;
	}
	req->op = req;
	req->op_cancel = destroy_cancel;
	return CP_CLI_PENDING;
}
