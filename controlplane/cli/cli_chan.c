/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Channel commands: `channel open`, `channel close`, `show channels`.
 *
 * All three are asynchronous requests on the command rings (ipc_msg.h):
 *
 * - `channel open ADDR:PORT FINGERPRINT [ED25519_ID]` sends CHAN_OPEN to
 *   lcore index CP_CHAN_OPEN_LCORE; the dataplane answers CHAN_STATUS only
 *   once the channel is open or has failed, so the request waits up to
 *   CP_CHAN_OPEN_TIMEOUT_NS (and tells the socket so through
 *   req->timeout_ns).
 * - `channel close HANDLE` sends CHAN_CLOSE to every lcore: which lcore owns
 *   a handle is not part of the ABI, and a lcore that does not own it
 *   answers -EBADF (-ENODEV if it runs no channels at all). The command
 *   succeeds if one lcore closed it.
 * - `show channels` pages through CHAN_LIST on every lcore: each page is
 *   answered by CHAN_INFO partial replies and one CHAN_LIST_END whose
 *   @c next cursor asks for the next page (dplink keeps the request pending
 *   until then). Bounded by CP_CHAN_LIST_PAGES_MAX pages per lcore and
 *   CP_CHAN_SHOW_MAX rows.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "common/ipc/ipc_msg.h"
#include "controlplane/certs/cert_err.h"
#include "controlplane/cli/cli.h"
#include "controlplane/cli/cli_cmds.h"
#include "controlplane/cli/cli_json.h"

/* ---- argument parsing ---------------------------------------------------- */

/* Parse "A.B.C.D:PORT"; host-order address; port 1..65535. */
static bool
parse_addrport(const char *s, uint32_t *addr, uint16_t *port)
{
	const char *colon = strrchr(s, ':');
	char ip[INET_ADDRSTRLEN];
	struct in_addr ia;
	unsigned long p = 0;
	size_t n;

	if (colon == NULL || (size_t)(colon - s) >= sizeof(ip))
		return false;
	memcpy(ip, s, (size_t)(colon - s));
	ip[colon - s] = '\0';
	if (inet_pton(AF_INET, ip, &ia) != 1)
		return false;
	n = strlen(colon + 1);
	if (n == 0 || n > 5)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (colon[1 + i] < '0' || colon[1 + i] > '9')
			return false;
		p = p * 10 + (unsigned long)(colon[1 + i] - '0');
	}
	if (p == 0 || p > 65535)
		return false;
	*addr = ntohl(ia.s_addr);
	*port = (uint16_t)p;
	return true;
}

static int
hex_val(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Parse a relay fingerprint: 40 hex digits, optionally after '$'. */
static bool
parse_fingerprint(const char *s, uint8_t out[20])
{
	if (s[0] == '$')
		s++;
	if (strlen(s) != 40)
		return false;
	for (int i = 0; i < 20; i++) {
		int hi = hex_val(s[2 * i]), lo = hex_val(s[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return false;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return true;
}

/* Encode 32 bytes as tor prints Ed25519 ids: base64, 43 characters, no '='. */
static void
ed_to_base64(const uint8_t in[32], char out[44])
{
	unsigned char buf[45];

	EVP_EncodeBlock(buf, in, 32);
	memcpy(out, buf, 43);
	out[43] = '\0';
}

/* Parse an Ed25519 identity: exactly 43 base64 characters, canonical, no padding. */
static bool
parse_ed25519(const char *s, uint8_t out[32])
{
	unsigned char in[45], dec[33];
	char again[44];

	if (strlen(s) != 43)
		return false;
	for (int i = 0; i < 43; i++) {
		char c = s[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '+' || c == '/'))
			return false;
	}
	memcpy(in, s, 43);
	in[43] = '=';
	in[44] = '\0';
	if (EVP_DecodeBlock(dec, in, 44) != 33)
		return false;
	memcpy(out, dec, 32);
	/* The last character carries 2 spare bits, which must be zero. */
	ed_to_base64(out, again);
	return memcmp(again, s, 43) == 0;
}

/* Parse a channel or circuit handle: "0x" and 1..8 hex digits, or decimal; never 0. */
bool
cp_cli_parse_handle(const char *s, uint32_t *out)
{
	unsigned long long v = 0;
	size_t n;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		s += 2;
		n = strlen(s);
		if (n == 0 || n > 8)
			return false;
		for (size_t i = 0; i < n; i++) {
			int d = hex_val(s[i]);

			if (d < 0)
				return false;
			v = v << 4 | (unsigned long long)d;
		}
	} else {
		n = strlen(s);
		if (n == 0 || n > 10)
			return false;
		for (size_t i = 0; i < n; i++) {
			if (s[i] < '0' || s[i] > '9')
				return false;
			v = v * 10 + (unsigned long long)(s[i] - '0');
		}
	}
	if (v == 0 || v > UINT32_MAX)
		return false;
	*out = (uint32_t)v;
	return true;
}

static bool
is_zero(const uint8_t *p, size_t n)
{
	uint8_t acc = 0;

	for (size_t i = 0; i < n; i++)
		acc |= p[i];
	return acc == 0;
}

static void
print_fingerprint(struct cp_buf *b, const uint8_t fp[20])
{
	cp_buf_printf(b, "$");
	for (int i = 0; i < 20; i++)
		cp_buf_printf(b, "%02X", fp[i]);
}

/* "dataplane: down" as `status` says it; return CLI_STATUS_ERR. */
int
cp_cli_dataplane_down(struct cp_cli_req *req)
{
	cp_buf_printf(&req->out, "error: dataplane down (%s)\n",
		      req->cp->attach_err[0] != '\0' ? req->cp->attach_err : "not attached");
	return CLI_STATUS_ERR;
}

/* Why a request could not be sent (cp_dplink_request() errors). */
const char *
cp_cli_send_error(int rc)
{
	switch (rc) {
	case -ENOBUFS:
		return "the command ring is full; try again";
	case -EBUSY:
		return "too many requests in flight; try again";
	case -ENOTCONN:
		return "dataplane down";
	default:
		return strerror(-rc);
	}
}

/* Detach the finished operation from @req and free it. */
static void
op_release(struct cp_cli_req *req)
{
	free(req->op);
	req->op = NULL;
	req->op_cancel = NULL;
}

static void
op_cancel(struct cp_cli_req *req)
{
	cp_dplink_cancel(&req->cp->dp, req->op);
	free(req->op);
}

/* ---- channel open -------------------------------------------------------- */

struct open_op {
	struct cp_cli_req *req;
};

static void
chan_open_done(void *arg, const struct ipc_hdr *reply, uint32_t lc, uint64_t now_ns)
{
	struct open_op *op = arg;
	struct cp_cli_req *req = op->req;
	struct cp_buf *b = &req->out;
	int status = CLI_STATUS_ERR;

	(void)lc;
	(void)now_ns;
	if (reply == NULL) {
		if (cp_dplink_is_up(&req->cp->dp))
			cp_buf_printf(b,
				      "error: no answer from the dataplane within %llu s "
				      "(see 'show channels')\n",
				      (unsigned long long)(CP_CHAN_OPEN_TIMEOUT_NS / 1000000000u));
		else
			cp_buf_printf(b, "error: the dataplane went away\n");
	} else if (reply->type == IPC_MSG_CMD_ERROR) {
		const struct ipc_msg_cmd_error *e = (const void *)reply;

		cp_buf_printf(b, "error: the dataplane refused CHAN_OPEN: %s\n", strerror(-e->err));
	} else if (reply->type != IPC_MSG_CHAN_STATUS) {
		cp_buf_printf(b, "error: unexpected answer '%s' from the dataplane\n",
			      ipc_msg_type_name(reply->type));
	} else {
		const struct ipc_msg_chan_status *st = (const void *)reply;

		if (st->status == 0 && st->close_reason == IPC_CHAN_CLOSE_NONE) {
			cp_buf_printf(b, "channel 0x%08x open, link %u, peer ", st->chan,
				      st->link_proto);
			print_fingerprint(b, st->rsa_id_sha1);
			if (!is_zero(st->ed_id, sizeof(st->ed_id))) {
				char ed[44];

				ed_to_base64(st->ed_id, ed);
				cp_buf_printf(b, " ed25519 %s", ed);
			}
			cp_buf_printf(b, "\n");
			status = CLI_STATUS_OK;
		} else {
			if (st->close_reason != IPC_CHAN_CLOSE_NONE)
				cp_buf_printf(b, "error: channel failed: %s",
					      ipc_chan_close_name(st->close_reason));
			else if (st->status == -ENODEV)
				cp_buf_printf(b,
					      "error: channel failed: lcore %u runs no channels "
					      "(no network port)",
					      CP_CHAN_OPEN_LCORE);
			else
				cp_buf_printf(b, "error: channel failed: %s",
					      strerror(st->status < 0 ? -st->status : EPROTO));
			if (st->cert_err != 0)
				cp_buf_printf(b, " [cert check: %s]",
					      cp_cert_err_str((enum cp_cert_err)st->cert_err));
			cp_buf_printf(b, "\n");
		}
	}
	op_release(req);
	cp_cli_req_finish(req, status);
}

static const char open_usage[] =
	"usage: channel open ADDR:PORT FINGERPRINT [ED25519_ID]\n"
	"  ADDR:PORT    the relay's IPv4 ORPort, e.g. 192.0.2.7:9001\n"
	"  FINGERPRINT  its RSA identity: 40 hex digits, '$' allowed in front\n"
	"  ED25519_ID   its Ed25519 identity: 43 base64 characters, no '='\n";

int
cp_cli_cmd_channel_open(struct cp_cli_req *req, int argc, char **argv)
{
	struct cp_ctx *cp = req->cp;
	struct ipc_msg_chan_open m;
	struct open_op *op;
	int rc;

	if (argc < 2 || argc > 3) {
		cp_buf_printf(&req->out, "%s", open_usage);
		return CLI_STATUS_USAGE;
	}
	memset(&m, 0, sizeof(m));
	ipc_hdr_init(&m.hdr, IPC_MSG_CHAN_OPEN, sizeof(m), 0);
	if (!parse_addrport(argv[0], &m.addr, &m.port)) {
		cp_buf_printf(&req->out, "error: bad address '%s' (want A.B.C.D:PORT)\n%s", argv[0],
			      open_usage);
		return CLI_STATUS_USAGE;
	}
	if (!parse_fingerprint(argv[1], m.rsa_id_sha1)) {
		cp_buf_printf(&req->out, "error: bad fingerprint '%s' (want 40 hex digits)\n%s",
			      argv[1], open_usage);
		return CLI_STATUS_USAGE;
	}
	if (argc == 3) {
		if (!parse_ed25519(argv[2], m.ed_id)) {
			cp_buf_printf(
				&req->out,
				"error: bad Ed25519 identity '%s' (want 43 base64 characters)\n%s",
				argv[2], open_usage);
			return CLI_STATUS_USAGE;
		}
		m.flags |= IPC_CHAN_OPEN_F_ED;
	}
	if (!cp_dplink_is_up(&cp->dp))
		return cp_cli_dataplane_down(req);
	op = cp_xcalloc(1, sizeof(*op));
	op->req = req;
	rc = cp_dplink_request(&cp->dp, CP_CHAN_OPEN_LCORE, &m.hdr, sizeof(m),
			       CP_CHAN_OPEN_TIMEOUT_NS, cp_now_ns(), chan_open_done, op);
	if (rc != 0) {
		free(op);
		cp_buf_printf(&req->out, "error: cannot send CHAN_OPEN: %s\n", cp_cli_send_error(rc));
		return CLI_STATUS_ERR;
	}
	req->op = op;
	req->op_cancel = op_cancel;
	req->timeout_ns = CP_CHAN_OPEN_TIMEOUT_NS;
	return CP_CLI_PENDING;
}

/* ---- channel close ------------------------------------------------------- */

struct close_op {
	struct cp_cli_req *req;
	uint32_t chan;
	uint32_t left;
	int closed;  /* an lcore answered status 0 */
	int32_t err; /* first error other than "not mine" */
	int timeouts;
};

static void
chan_close_finish(struct close_op *op)
{
	struct cp_cli_req *req = op->req;
	int status = CLI_STATUS_ERR;

	if (op->closed) {
		cp_buf_printf(&req->out, "channel 0x%08x closed\n", op->chan);
		status = CLI_STATUS_OK;
	} else if (op->err != 0) {
		cp_buf_printf(&req->out, "error: cannot close channel 0x%08x: %s\n", op->chan,
			      strerror(-op->err));
	} else if (op->timeouts != 0) {
		cp_buf_printf(&req->out, "error: channel 0x%08x: no answer from %d lcore%s\n",
			      op->chan, op->timeouts, op->timeouts == 1 ? "" : "s");
	} else {
		cp_buf_printf(&req->out, "error: no channel 0x%08x\n", op->chan);
	}
	op_release(req);
	cp_cli_req_finish(req, status);
}

static void
chan_close_done(void *arg, const struct ipc_hdr *reply, uint32_t lc, uint64_t now_ns)
{
	struct close_op *op = arg;

	(void)lc;
	(void)now_ns;
	if (reply == NULL) {
		op->timeouts++;
	} else if (reply->type == IPC_MSG_CHAN_STATUS) {
		const struct ipc_msg_chan_status *st = (const void *)reply;

		if (st->status == 0)
			op->closed = 1;
		else if (st->status != -EBADF && st->status != -ENOENT && st->status != -ENODEV &&
			 op->err == 0)
			op->err = st->status;
	} else if (reply->type == IPC_MSG_CMD_ERROR) {
		const struct ipc_msg_cmd_error *e = (const void *)reply;

		if (op->err == 0)
			op->err = e->err != 0 ? e->err : -EPROTO;
	} else if (op->err == 0) {
		op->err = -EPROTO;
	}
	if (--op->left == 0)
		chan_close_finish(op);
}

int
cp_cli_cmd_channel_close(struct cp_cli_req *req, int argc, char **argv)
{
	struct cp_ctx *cp = req->cp;
	struct close_op *op;
	uint32_t chan, n;

	if (argc != 1) {
		cp_buf_printf(&req->out, "usage: channel close HANDLE\n");
		return CLI_STATUS_USAGE;
	}
	if (!cp_cli_parse_handle(argv[0], &chan)) {
		cp_buf_printf(&req->out,
			      "error: bad channel handle '%s' (want 0x and hex digits, as "
			      "'show channels' prints it)\nusage: channel close HANDLE\n",
			      argv[0]);
		return CLI_STATUS_USAGE;
	}
	if (!cp_dplink_is_up(&cp->dp))
		return cp_cli_dataplane_down(req);
	op = cp_xcalloc(1, sizeof(*op));
	op->req = req;
	op->chan = chan;
	n = cp->dp.n_lcores;
	op->left = n;
	req->op = op;
	req->op_cancel = op_cancel;
	for (uint32_t i = 0; i < n; i++) {
		struct ipc_msg_chan_close m;
		int rc;

		memset(&m, 0, sizeof(m));
		ipc_hdr_init(&m.hdr, IPC_MSG_CHAN_CLOSE, sizeof(m), 0);
		m.chan = chan;
		rc = cp_dplink_request(&cp->dp, i, &m.hdr, sizeof(m), CP_CHAN_CLOSE_TIMEOUT_NS,
				       cp_now_ns(), chan_close_done, op);
		if (rc != 0) {
			if (op->err == 0)
				op->err = rc;
			op->left--;
		}
	}
	if (op->left == 0)
		chan_close_finish(op);
	return CP_CLI_PENDING;
}

/* ---- show channels ------------------------------------------------------- */

struct list_row {
	uint32_t lcore;
	uint32_t seq; /* arrival order */
	union {
		struct ipc_msg_chan_info chan;
		uint8_t bytes[IPC_EVT_SLOT];
	} info;
};

struct list_op {
	struct cp_cli_req *req;
	const struct cp_cli_list_kind *kind;
	uint32_t n_lcores;
	uint32_t left; /* lcores not finished */
	uint32_t n_rows;
	uint32_t cap_rows;
	bool truncated;
	struct list_row *rows;
	struct {
		uint32_t cursor; /* cursor of the page in flight */
		uint32_t pages;
		uint32_t total; /* channels the lcore reported at its last page */
		int32_t err;	/* 0, -ETIMEDOUT, or the refusal */
	} lc[IPC_MAX_LCORES];
};

static int
row_cmp(const void *a, const void *b)
{
	const struct list_row *x = a, *y = b;

	if (x->lcore != y->lcore)
		return x->lcore < y->lcore ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static const char *
tls_name(uint16_t v, char *buf, size_t len)
{
	switch (v) {
	case 0:
		return "-";
	case 0x0303:
		return "1.2";
	case 0x0304:
		return "1.3";
	default:
		snprintf(buf, len, "0x%04x", v);
		return buf;
	}
}

static void
chan_row(struct cp_buf *b, uint32_t lcore, const void *info)
{
	const struct ipc_msg_chan_info *c = info;
	char peer[32], tls[8], link[8];

	snprintf(peer, sizeof(peer), "%u.%u.%u.%u:%u", c->peer_addr >> 24,
		 (c->peer_addr >> 16) & 0xff, (c->peer_addr >> 8) & 0xff, c->peer_addr & 0xff,
		 c->peer_port);
	if (c->link_proto != 0)
		snprintf(link, sizeof(link), "%u", c->link_proto);
	else
		snprintf(link, sizeof(link), "-");
	cp_buf_printf(b, "0x%08x %5u %-9s %-4s %-21s %4s %4s %9.1f %12llu %12llu %10llu %10llu ",
		      c->chan, lcore, ipc_chan_state_name(c->state),
		      c->role == IPC_ROLE_INITIATOR ? "out" : "in", peer, link,
		      tls_name(c->tls_version, tls, sizeof(tls)), (double)c->age_ms / 1e3,
		      (unsigned long long)c->rx_bytes, (unsigned long long)c->tx_bytes,
		      (unsigned long long)c->rx_cells, (unsigned long long)c->tx_cells);
	if (c->flags & IPC_CHAN_F_AUTHENTICATED) {
		print_fingerprint(b, c->rsa_id_sha1);
		if (!is_zero(c->ed_id, sizeof(c->ed_id))) {
			char ed[44];

			ed_to_base64(c->ed_id, ed);
			cp_buf_printf(b, " %s", ed);
		}
	} else if (c->flags & IPC_CHAN_F_CLIENT) {
		cp_buf_printf(b, "client");
	} else {
		cp_buf_printf(b, "-");
	}
	cp_buf_printf(b, "\n");
}

static void
chan_json_row(struct cp_json *j, uint32_t lcore, const void *info)
{
	const struct ipc_msg_chan_info *c = info;
	char tls[8], ed[44], fp[41];

	cp_json_obj_begin(j);
	cp_json_key(j, "handle");
	cp_json_strf(j, "0x%08x", c->chan);
	cp_json_kv_u64(j, "lcore", lcore);
	cp_json_kv_str(j, "state", ipc_chan_state_name(c->state));
	cp_json_kv_str(j, "direction", c->role == IPC_ROLE_INITIATOR ? "out" : "in");
	cp_json_key(j, "peer_addr");
	cp_json_strf(j, "%u.%u.%u.%u", c->peer_addr >> 24, (c->peer_addr >> 16) & 0xff,
		     (c->peer_addr >> 8) & 0xff, c->peer_addr & 0xff);
	cp_json_kv_u64(j, "peer_port", c->peer_port);
	if (c->link_proto != 0)
		cp_json_kv_u64(j, "link_proto", c->link_proto);
	else
		cp_json_kv_null(j, "link_proto");
	cp_json_kv_str(j, "tls", c->tls_version != 0 ? tls_name(c->tls_version, tls, sizeof(tls))
						     : NULL);
	cp_json_kv_double(j, "age_s", (double)c->age_ms / 1e3);
	cp_json_kv_u64(j, "rx_bytes", c->rx_bytes);
	cp_json_kv_u64(j, "tx_bytes", c->tx_bytes);
	cp_json_kv_u64(j, "rx_cells", c->rx_cells);
	cp_json_kv_u64(j, "tx_cells", c->tx_cells);
	if (c->flags & IPC_CHAN_F_AUTHENTICATED) {
		cp_json_kv_str(j, "peer_kind", "relay");
		for (int i = 0; i < 20; i++)
			snprintf(fp + 2 * i, 3, "%02X", c->rsa_id_sha1[i]);
		cp_json_kv_str(j, "fingerprint", fp);
		if (!is_zero(c->ed_id, sizeof(c->ed_id))) {
			ed_to_base64(c->ed_id, ed);
			cp_json_kv_str(j, "ed25519_id", ed);
		} else {
			cp_json_kv_null(j, "ed25519_id");
		}
	} else {
		cp_json_kv_str(j, "peer_kind", c->flags & IPC_CHAN_F_CLIENT ? "client" : "unknown");
		cp_json_kv_null(j, "fingerprint");
		cp_json_kv_null(j, "ed25519_id");
	}
	cp_json_obj_end(j);
}

static const char *
list_err_name(int32_t err)
{
	return err == -ETIMEDOUT ? "no answer" : err == -E2BIG ? "too many pages" : strerror(-err);
}

/* The listing as {"<key>": [...], "count", "truncated", "lcore_errors"[, "error"]}. */
static int
list_finish_json(struct list_op *op)
{
	struct cp_json j;
	int failed = 0;

	cp_json_init(&j, &op->req->out);
	cp_json_obj_begin(&j);
	cp_json_key(&j, op->kind->json_key);
	cp_json_arr_begin(&j);
	for (uint32_t i = 0; i < op->n_rows; i++)
		op->kind->json_row(&j, op->rows[i].lcore, op->rows[i].info.bytes);
	cp_json_arr_end(&j);
	cp_json_kv_u64(&j, "count", op->n_rows);
	cp_json_kv_bool(&j, "truncated", op->truncated);
	cp_json_key(&j, "lcore_errors");
	cp_json_arr_begin(&j);
	for (uint32_t i = 0; i < op->n_lcores; i++) {
		if (op->lc[i].err == 0)
			continue;
		failed++;
		cp_json_obj_begin(&j);
		cp_json_kv_u64(&j, "lcore", i);
		cp_json_kv_str(&j, "error", list_err_name(op->lc[i].err));
		cp_json_obj_end(&j);
	}
	cp_json_arr_end(&j);
	if (failed != 0) {
		cp_json_key(&j, "error");
		cp_json_strf(&j, "%d of %u lcores did not list their %ss", failed, op->n_lcores,
			     op->kind->noun);
	}
	cp_json_obj_end(&j);
	cp_json_end(&j);
	return failed;
}

static void
list_finish(struct list_op *op)
{
	struct cp_cli_req *req = op->req;
	struct cp_buf *b = &req->out;
	int failed = 0;

	if (op->n_rows != 0)
		qsort(op->rows, op->n_rows, sizeof(op->rows[0]), row_cmp);
	if (req->json) {
		failed = list_finish_json(op);
		free(op->rows);
		op_release(req);
		cp_cli_req_finish(req, failed == 0 ? CLI_STATUS_OK : CLI_STATUS_ERR);
		return;
	}
	op->kind->header(b);
	for (uint32_t i = 0; i < op->n_rows; i++)
		op->kind->row(b, op->rows[i].lcore, op->rows[i].info.bytes);
	cp_buf_printf(b, "%u %s%s", op->n_rows, op->kind->noun, op->n_rows == 1 ? "" : "s");
	if (op->truncated)
		cp_buf_printf(b, " (list cut at %u)", CP_CHAN_SHOW_MAX);
	cp_buf_printf(b, "\n");
	for (uint32_t i = 0; i < op->n_lcores; i++) {
		if (op->lc[i].err == 0)
			continue;
		failed++;
		cp_buf_printf(b, "error: lcore %u: %s\n", i, list_err_name(op->lc[i].err));
	}
	free(op->rows);
	op_release(req);
	cp_cli_req_finish(req, failed == 0 ? CLI_STATUS_OK : CLI_STATUS_ERR);
}

static void list_done(void *arg, const struct ipc_hdr *reply, uint32_t lc, uint64_t now_ns);

static void
list_cancel(struct cp_cli_req *req)
{
	struct list_op *op = req->op;

	cp_dplink_cancel(&req->cp->dp, op);
	free(op->rows);
	free(op);
}

/* Ask lcore @lc for the page at @cursor; 0 or the send error. */
static int
list_send(struct list_op *op, uint32_t lc, uint32_t cursor, uint64_t now_ns)
{
	struct ipc_msg_chan_list m;

	memset(&m, 0, sizeof(m));
	ipc_hdr_init(&m.hdr, op->kind->list_type, sizeof(m), 0);
	m.cursor = cursor;
	m.max = op->kind->page_max;
	op->lc[lc].cursor = cursor;
	op->lc[lc].pages++;
	return cp_dplink_request(&op->req->cp->dp, lc, &m.hdr, sizeof(m), CP_CHAN_LIST_TIMEOUT_NS,
				 now_ns, list_done, op);
}

static void
list_lcore_done(struct list_op *op, uint32_t lc, int32_t err)
{
	op->lc[lc].err = err;
	if (--op->left == 0)
		list_finish(op);
}

static void
list_done(void *arg, const struct ipc_hdr *reply, uint32_t lc, uint64_t now_ns)
{
	struct list_op *op = arg;

	if (reply == NULL) {
		list_lcore_done(op, lc, -ETIMEDOUT);
		return;
	}
	if (reply->type == op->kind->info_type && reply->len <= sizeof(op->rows[0].info)) {
		if (op->n_rows >= CP_CHAN_SHOW_MAX) {
			op->truncated = true;
			return;
		}
		if (op->n_rows == op->cap_rows) {
			op->cap_rows = op->cap_rows != 0 ? op->cap_rows * 2 : 64;
			op->rows = cp_xrealloc(op->rows, op->cap_rows * sizeof(op->rows[0]));
		}
		op->rows[op->n_rows].lcore = lc;
		op->rows[op->n_rows].seq = op->n_rows;
		memset(&op->rows[op->n_rows].info, 0, sizeof(op->rows[0].info));
		memcpy(&op->rows[op->n_rows].info, reply, reply->len);
		op->n_rows++;
		return;
	}
	if (reply->type == IPC_MSG_CMD_ERROR) {
		const struct ipc_msg_cmd_error *e = (const void *)reply;

		list_lcore_done(op, lc, e->err != 0 ? e->err : -EPROTO);
		return;
	}
	if (reply->type != op->kind->end_type) {
		list_lcore_done(op, lc, -EPROTO);
		return;
	}
	{
		const struct ipc_msg_chan_list_end *end = (const void *)reply;
		int rc;

		op->lc[lc].total = end->total;
		/* Done: no next page, a cursor that does not move on, or the bounds. */
		if (end->next == 0 || end->next == op->lc[lc].cursor || op->truncated) {
			list_lcore_done(op, lc, 0);
			return;
		}
		if (op->lc[lc].pages >= CP_CHAN_LIST_PAGES_MAX) {
			list_lcore_done(op, lc, -E2BIG);
			return;
		}
		rc = list_send(op, lc, end->next, now_ns);
		if (rc != 0)
			list_lcore_done(op, lc, rc);
	}
}

int
cp_cli_list_start(struct cp_cli_req *req, const struct cp_cli_list_kind *kind)
{
	struct cp_ctx *cp = req->cp;
	struct list_op *op;
	uint64_t now = cp_now_ns();

	if (!cp_dplink_is_up(&cp->dp))
		return cp_cli_dataplane_down(req);
	op = cp_xcalloc(1, sizeof(*op));
	op->req = req;
	op->kind = kind;
	op->n_lcores = cp->dp.n_lcores;
	op->left = op->n_lcores;
	req->op = op;
	req->op_cancel = list_cancel;
	for (uint32_t i = 0; i < op->n_lcores; i++) {
		int rc = list_send(op, i, 0, now);

		if (rc != 0) {
			op->lc[i].err = rc;
			op->left--;
		}
	}
	if (op->left == 0)
		list_finish(op);
	return CP_CLI_PENDING;
}

static void
chan_header(struct cp_buf *b)
{
	cp_buf_printf(b, "%-10s %5s %-9s %-4s %-21s %4s %4s %9s %12s %12s %10s %10s %s\n", "handle",
		      "lcore", "state", "dir", "peer", "link", "tls", "age_s", "rx_bytes",
		      "tx_bytes", "rx_cells", "tx_cells", "peer identity");
}

static const struct cp_cli_list_kind chan_list_kind = {
	.list_type = IPC_MSG_CHAN_LIST,
	.info_type = IPC_MSG_CHAN_INFO,
	.end_type = IPC_MSG_CHAN_LIST_END,
	.page_max = IPC_CHAN_LIST_MAX,
	.noun = "channel",
	.json_key = "channels",
	.header = chan_header,
	.row = chan_row,
	.json_row = chan_json_row,
};

int
cp_cli_cmd_show_channels(struct cp_cli_req *req, int argc, char **argv)
{
	(void)argv;
	if (argc != 0) {
		cp_buf_printf(&req->out, "usage: show channels\n");
		return CLI_STATUS_USAGE;
	}
	return cp_cli_list_start(req, &chan_list_kind);
}
