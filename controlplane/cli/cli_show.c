/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief `show ports`, `show lcores`, `show keys`, `show config`: the relay's
 *        resources as an operator checks them.
 *
 * - `show ports` asks lcore CP_PORT_LCORE for IPC_MSG_PORT_GET (the port's
 *   name, MAC, MTU, queues, link, NIC and per-queue counters exist only in
 *   the dataplane; stats/port_fetch.h) and adds what the counters say about
 *   it: frames the NIC's TX queue refused (/dp/net/tx_drop_nic). A
 *   dataplane without --port answers -ENODEV: no port, not an error.
 *   `show ports xstats [FILTER]` also fetches the NIC's extended stats, page
 *   by page (PORT_XSTATS), and lists every name and value (or those whose
 *   name contains FILTER).
 * - `show lcores` reads every lcore's own counter block
 *   (cp_stats_read_lcores()): /dp/lcore/net_queue (1 if it polls a network
 *   queue), iterations, busy and total TSC cycles. The busy ratio is
 *   busy/total (OVS pmd-perf-show's rule: every cycle of an iteration that
 *   did any work is busy) over the last 1, 10 and 60 s, from the samples
 *   the loop takes once a second (cp->lcore_busy, stats/lcore_busy.h; "-"
 *   and null while unknown), and since the dataplane started.
 * - `show keys` reads the key store and the link credentials; it never
 *   prints a secret.
 * - `show config` prints cp->conf, the configuration main.c merged from the
 *   file, the command line and the defaults, with what `config set` changed
 *   since; without it (unit tests), what the context itself holds (segment,
 *   directory settings).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/ipc/ipc_msg.h"
#include "controlplane/cli/cli.h"
#include "controlplane/cli/cli_cmds.h"
#include "controlplane/cli/cli_json.h"
#include "controlplane/config.h"
#include "controlplane/cp.h"
#include "controlplane/keys/keys.h"
#include "controlplane/link/link.h"
#include "controlplane/stats/lcore_busy.h"
#include "controlplane/stats/port_fetch.h"
#include "controlplane/stats/stats.h"

static void
ip_str(char out[INET_ADDRSTRLEN], uint32_t host_order)
{
	struct in_addr ia = { .s_addr = htonl(host_order) };

	inet_ntop(AF_INET, &ia, out, INET_ADDRSTRLEN);
}

/* The dataplane counter named exactly @p name, summed over lcores; 0 if absent. */
static uint64_t
ctr_total(const struct ipc_shm *shm, const char *name)
{
	struct cp_stat st[4];
	int n = cp_stats_read(shm, name, st, 4);

	for (int i = 0; i < n; i++)
		if (strcmp(st[i].desc.name, name) == 0)
			return st[i].total;
	return 0;
}

/* ---- show ports ---------------------------------------------------------- */

static void
ports_table(struct cp_buf *b, const struct cp_port_snap *s, uint64_t tx_dropped)
{
	const struct ipc_msg_port_info *p = &s->info;
	char link[24], mac[18];

	snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", p->mac[0], p->mac[1], p->mac[2],
		 p->mac[3], p->mac[4], p->mac[5]);
	if (p->link_up && p->link_speed_mbps != 0)
		snprintf(link, sizeof(link), "up %u Mb/s", p->link_speed_mbps);
	else
		snprintf(link, sizeof(link), "%s", p->link_up ? "up" : "down");
	cp_buf_printf(b, "%-16s %-17s %-15s %5s %6s %12s %14s %12s %14s %9s %9s %9s %9s %10s\n",
		      "port", "mac", "link", "mtu", "queues", "rx_packets", "rx_bytes",
		      "tx_packets", "tx_bytes", "rx_missed", "rx_errors", "rx_nombuf", "tx_errors",
		      "tx_dropped");
	cp_buf_printf(b,
		      "%-16s %-17s %-15s %5u %6u %12llu %14llu %12llu %14llu %9llu %9llu %9llu "
		      "%9llu %10llu\n",
		      p->name, mac, link, p->mtu, p->n_queues, (unsigned long long)p->rx_packets,
		      (unsigned long long)p->rx_bytes, (unsigned long long)p->tx_packets,
		      (unsigned long long)p->tx_bytes, (unsigned long long)p->rx_missed,
		      (unsigned long long)p->rx_errors, (unsigned long long)p->rx_nombuf,
		      (unsigned long long)p->tx_errors, (unsigned long long)tx_dropped);
	cp_buf_printf(b, "1 port\n");
	/* Each queue pair's NIC counters (rte_eth_stats q_*). */
	cp_buf_printf(b, "\n%-16s %5s %12s %14s %12s %14s %10s\n", "port", "queue", "rx_packets",
		      "rx_bytes", "tx_packets", "tx_bytes", "errors");
	for (uint32_t i = 0; i < s->n_queues; i++) {
		const struct ipc_msg_port_queue *q = &s->queues[i];

		cp_buf_printf(b, "%-16s %5u %12llu %14llu %12llu %14llu %10llu\n", p->name,
			      q->queue, (unsigned long long)q->rx_packets,
			      (unsigned long long)q->rx_bytes, (unsigned long long)q->tx_packets,
			      (unsigned long long)q->tx_bytes, (unsigned long long)q->errors);
	}
	cp_buf_printf(b, "%u queue%s", s->n_queues, s->n_queues == 1 ? "" : "s");
	if (p->n_queues > s->n_queues)
		cp_buf_printf(b, " of %u (the NIC counts per queue for the first %u only)",
			      p->n_queues, s->n_queues);
	cp_buf_printf(b, "\n");
}

static void
ports_json(struct cp_buf *b, const struct cp_port_snap *s, uint64_t tx_dropped)
{
	const struct ipc_msg_port_info *p = s != NULL ? &s->info : NULL;
	struct cp_json j;

	cp_json_init(&j, b);
	cp_json_obj_begin(&j);
	cp_json_key(&j, "ports");
	cp_json_arr_begin(&j);
	if (p != NULL) {
		cp_json_obj_begin(&j);
		cp_json_kv_str(&j, "name", p->name);
		cp_json_key(&j, "mac");
		cp_json_strf(&j, "%02x:%02x:%02x:%02x:%02x:%02x", p->mac[0], p->mac[1], p->mac[2],
			     p->mac[3], p->mac[4], p->mac[5]);
		cp_json_kv_bool(&j, "link_up", p->link_up != 0);
		if (p->link_speed_mbps != 0)
			cp_json_kv_u64(&j, "link_speed_mbps", p->link_speed_mbps);
		else
			cp_json_kv_null(&j, "link_speed_mbps");
		cp_json_kv_u64(&j, "mtu", p->mtu);
		cp_json_kv_u64(&j, "queues", p->n_queues);
		cp_json_kv_u64(&j, "rx_packets", p->rx_packets);
		cp_json_kv_u64(&j, "rx_bytes", p->rx_bytes);
		cp_json_kv_u64(&j, "tx_packets", p->tx_packets);
		cp_json_kv_u64(&j, "tx_bytes", p->tx_bytes);
		cp_json_kv_u64(&j, "rx_missed", p->rx_missed);
		cp_json_kv_u64(&j, "rx_errors", p->rx_errors);
		cp_json_kv_u64(&j, "rx_nombuf", p->rx_nombuf);
		cp_json_kv_u64(&j, "tx_errors", p->tx_errors);
		cp_json_kv_u64(&j, "tx_dropped", tx_dropped);
		cp_json_key(&j, "queue_stats");
		cp_json_arr_begin(&j);
		for (uint32_t i = 0; i < s->n_queues; i++) {
			const struct ipc_msg_port_queue *q = &s->queues[i];

			cp_json_obj_begin(&j);
			cp_json_kv_u64(&j, "queue", q->queue);
			cp_json_kv_u64(&j, "rx_packets", q->rx_packets);
			cp_json_kv_u64(&j, "rx_bytes", q->rx_bytes);
			cp_json_kv_u64(&j, "tx_packets", q->tx_packets);
			cp_json_kv_u64(&j, "tx_bytes", q->tx_bytes);
			cp_json_kv_u64(&j, "errors", q->errors);
			cp_json_obj_end(&j);
		}
		cp_json_arr_end(&j);
		cp_json_obj_end(&j);
	}
	cp_json_arr_end(&j);
	cp_json_obj_end(&j);
	cp_json_end(&j);
}

/* `show ports xstats [FILTER]`: the stats whose name contains @p filter (NULL: all). */
static void
xstats_table(struct cp_buf *b, const struct cp_port_snap *s, const char *filter)
{
	uint32_t shown = 0;

	cp_buf_printf(b, "%-48s %20s\n", "name", "value");
	for (uint32_t i = 0; i < s->n_xstats; i++) {
		const struct cp_port_xstat *x = &s->xstats[i];

		if (filter != NULL && strstr(x->name, filter) == NULL)
			continue;
		cp_buf_printf(b, "%-48s %20llu\n", x->name, (unsigned long long)x->value);
		shown++;
	}
	if (filter != NULL)
		cp_buf_printf(b, "%u of %u xstats match '%s' (port %s)", shown, s->n_xstats, filter,
			      s->info.name);
	else
		cp_buf_printf(b, "%u xstat%s (port %s)", shown, shown == 1 ? "" : "s",
			      s->info.name);
	if (s->xstats_total > s->n_xstats)
		cp_buf_printf(b, "; the NIC has %u, Chive reads the first %u", s->xstats_total,
			      s->n_xstats);
	cp_buf_printf(b, "\n");
}

static void
xstats_json(struct cp_buf *b, const struct cp_port_snap *s, const char *filter)
{
	uint32_t shown = 0;
	struct cp_json j;

	cp_json_init(&j, b);
	cp_json_obj_begin(&j);
	cp_json_kv_str(&j, "port", s != NULL ? s->info.name : NULL);
	cp_json_key(&j, "xstats");
	cp_json_arr_begin(&j);
	for (uint32_t i = 0; s != NULL && i < s->n_xstats; i++) {
		const struct cp_port_xstat *x = &s->xstats[i];

		if (filter != NULL && strstr(x->name, filter) == NULL)
			continue;
		cp_json_obj_begin(&j);
		cp_json_kv_u64(&j, "id", i);
		cp_json_kv_str(&j, "name", x->name);
		cp_json_kv_u64(&j, "value", x->value);
		cp_json_obj_end(&j);
		shown++;
	}
	cp_json_arr_end(&j);
	cp_json_kv_u64(&j, "count", shown);
	cp_json_kv_u64(&j, "total", s != NULL ? s->xstats_total : 0);
	cp_json_kv_bool(&j, "truncated", s != NULL && s->xstats_total > s->n_xstats);
	cp_json_obj_end(&j);
	cp_json_end(&j);
}

/* What `show ports [xstats]` waits for. */
struct ports_op {
	struct cp_cli_req *req;
	struct cp_port_fetch *fetch;
	bool xstats;
	char *filter; /* `show ports xstats FILTER`, or NULL */
};

static void
ports_op_free(struct cp_cli_req *req)
{
	struct ports_op *op = req->op;

	req->op = NULL;
	req->op_cancel = NULL;
	free(op->filter);
	free(op);
}

static void
ports_done(void *arg, const struct cp_port_snap *snap)
{
	struct ports_op *op = arg;
	struct cp_cli_req *req = op->req;
	struct cp_buf *b = &req->out;
	int status = CLI_STATUS_ERR;

	op->fetch = NULL;
	if (snap->status == -ENODEV) {
		if (req->json && op->xstats)
			xstats_json(b, NULL, NULL);
		else if (req->json)
			ports_json(b, NULL, 0);
		else
			cp_buf_printf(b,
				      "no network port (the dataplane runs without --port)\n0 %s\n",
				      op->xstats ? "xstats" : "ports");
		status = CLI_STATUS_OK;
	} else if (snap->status == -ETIMEDOUT) {
		cp_buf_printf(b, "error: no answer from the dataplane\n");
	} else if (snap->status == -EPROTO) {
		cp_buf_printf(b, "error: unexpected answer from the dataplane\n");
	} else if (snap->status != 0 && !snap->has_info) {
		cp_buf_printf(b, "error: cannot read the port: %s\n", strerror(-snap->status));
	} else if (snap->status != 0) {
		cp_buf_printf(b, "error: cannot read the port's xstats: %s\n",
			      strerror(-snap->status));
	} else if (op->xstats) {
		if (req->json)
			xstats_json(b, snap, op->filter);
		else
			xstats_table(b, snap, op->filter);
		status = CLI_STATUS_OK;
	} else {
		uint64_t tx_dropped = 0;

		if (cp_dplink_is_up(&req->cp->dp))
			tx_dropped = ctr_total(&req->cp->dp.shm, "/dp/net/tx_drop_nic");
		if (req->json)
			ports_json(b, snap, tx_dropped);
		else
			ports_table(b, snap, tx_dropped);
		status = CLI_STATUS_OK;
	}
	ports_op_free(req);
	cp_cli_req_finish(req, status);
}

static void
ports_cancel(struct cp_cli_req *req)
{
	struct ports_op *op = req->op;

	cp_port_fetch_cancel(&req->cp->dp, op->fetch);
	ports_op_free(req);
}

/* Fetch the port from lcore CP_PORT_LCORE (with its xstats if @p xstats). */
static int
ports_start(struct cp_cli_req *req, bool xstats, const char *filter)
{
	struct cp_ctx *cp = req->cp;
	struct ports_op *op;
	int rc;

	if (!cp_dplink_is_up(&cp->dp))
		return cp_cli_dataplane_down(req);
	op = cp_xcalloc(1, sizeof(*op));
	op->req = req;
	op->xstats = xstats;
	if (filter != NULL) {
		size_t n = strlen(filter) + 1;

		op->filter = cp_xmalloc(n);
		memcpy(op->filter, filter, n);
	}
	rc = cp_port_fetch_start(&cp->dp, CP_PORT_LCORE, xstats ? CP_PORT_FETCH_XSTATS : 0,
				 CP_PORT_TIMEOUT_NS, cp_now_ns(), ports_done, op, &op->fetch);
	if (rc != 0) {
		free(op->filter);
		free(op);
		cp_buf_printf(&req->out, "error: cannot send PORT_GET: %s\n",
			      cp_cli_send_error(rc));
		return CLI_STATUS_ERR;
	}
	req->op = op;
	req->op_cancel = ports_cancel;
	return CP_CLI_PENDING;
}

int
cp_cli_cmd_show_ports(struct cp_cli_req *req, int argc, char **argv)
{
	(void)argv;
	if (argc != 0) {
		cp_buf_printf(&req->out, "usage: show ports\n");
		return CLI_STATUS_USAGE;
	}
	return ports_start(req, false, NULL);
}

int
cp_cli_cmd_show_ports_xstats(struct cp_cli_req *req, int argc, char **argv)
{
	if (argc > 1) {
		cp_buf_printf(&req->out, "usage: show ports xstats [FILTER]\n");
		return CLI_STATUS_USAGE;
	}
	return ports_start(req, true, argc == 1 ? argv[0] : NULL);
}

/* ---- show lcores --------------------------------------------------------- */

/* The loop counters of lcore index i, taken from one snapshot. */
struct lcore_row {
	uint64_t iterations, busy, total;
	int net_queue; /* 1, 0, or -1 when the dataplane does not say */
};

/* Most /dp/lcore/ counters `show lcores` reads (it needs four). */
#define LCORE_CTRS_MAX 32u

_Static_assert(CP_LCORE_BUSY_N_WINDOWS == 3, "the table has a busy_1s, busy_10s, busy_60s column");

/*
 * busy/total, within [0, 1]: the two counters are read one after the other
 * while the lcore may be adding to them, so busy may run ahead of total.
 */
static double
lcore_ratio(const struct lcore_row *r)
{
	if (r->busy >= r->total)
		return 1.0;
	return (double)r->busy / (double)r->total;
}

/* "net" (polls a network queue), "ctl" (serves only its rings), or NULL if unknown. */
static const char *
lcore_role(const struct lcore_row *r)
{
	if (r->net_queue < 0)
		return NULL;
	return r->net_queue ? "net" : "ctl";
}

int
cp_cli_cmd_show_lcores(struct cp_cli_req *req, int argc, char **argv)
{
	static const char *const names[] = { "/dp/lcore/iterations", "/dp/lcore/busy_cycles",
					      "/dp/lcore/total_cycles", "/dp/lcore/net_queue" };
	struct cp_ctx *cp = req->cp;
	struct cp_stat st[LCORE_CTRS_MAX];
	struct lcore_row *rows;
	uint64_t *per;
	uint32_t n_lc;
	int n;

	(void)argv;
	if (argc != 0) {
		cp_buf_printf(&req->out, "usage: show lcores\n");
		return CLI_STATUS_USAGE;
	}
	if (!cp_dplink_is_up(&cp->dp))
		return cp_cli_dataplane_down(req);
	n_lc = cp->dp.shm.hdr->n_lcores;
	per = cp_xcalloc((size_t)LCORE_CTRS_MAX * n_lc, sizeof(*per));
	n = cp_stats_read_lcores(&cp->dp.shm, "/dp/lcore/", st, per, LCORE_CTRS_MAX);
	if (n < 0) {
		free(per);
		cp_buf_printf(&req->out, "error: counter directory busy; try again\n");
		return CLI_STATUS_ERR;
	}
	rows = cp_xcalloc(n_lc, sizeof(*rows));
	for (uint32_t i = 0; i < n_lc; i++)
		rows[i].net_queue = -1;
	for (int k = 0; k < n; k++) {
		for (uint32_t c = 0; c < sizeof(names) / sizeof(names[0]); c++) {
			if (strcmp(st[k].desc.name, names[c]) != 0)
				continue;
			for (uint32_t i = 0; i < n_lc; i++) {
				uint64_t v = per[(size_t)k * n_lc + i];

				if (c == 0)
					rows[i].iterations = v;
				else if (c == 1)
					rows[i].busy = v;
				else if (c == 2)
					rows[i].total = v;
				else
					rows[i].net_queue = v != 0;
			}
		}
	}
	free(per);
	if (req->json) {
		struct cp_json j;

		cp_json_init(&j, &req->out);
		cp_json_obj_begin(&j);
		cp_json_kv_u64(&j, "tsc_hz", cp->dp.shm.hdr->tsc_hz);
		cp_json_key(&j, "lcores");
		cp_json_arr_begin(&j);
		for (uint32_t i = 0; i < n_lc; i++) {
			const struct lcore_row *r = &rows[i];

			cp_json_obj_begin(&j);
			cp_json_kv_u64(&j, "index", i);
			cp_json_kv_u64(&j, "id", ipc_shm_lcore(&cp->dp.shm, i)->lcore_id);
			cp_json_kv_str(&j, "role", lcore_role(r));
			cp_json_kv_u64(&j, "iterations", r->iterations);
			cp_json_kv_u64(&j, "busy_cycles", r->busy);
			cp_json_kv_u64(&j, "total_cycles", r->total);
			if (r->total != 0)
				cp_json_kv_double(&j, "busy_ratio", lcore_ratio(r));
			else
				cp_json_kv_null(&j, "busy_ratio");
			for (uint32_t w = 0; w < CP_LCORE_BUSY_N_WINDOWS; w++) {
				char key[24];
				double v;

				snprintf(key, sizeof(key), "busy_ratio_%us",
					 cp_lcore_busy_window_s[w]);
				if (cp_lcore_busy_ratio(&cp->lcore_busy, i,
							cp_lcore_busy_window_s[w], &v))
					cp_json_kv_double(&j, key, v);
				else
					cp_json_kv_null(&j, key);
			}
			cp_json_obj_end(&j);
		}
		cp_json_arr_end(&j);
		cp_json_obj_end(&j);
		cp_json_end(&j);
	} else {
		cp_buf_printf(&req->out, "%-6s %-4s %-4s %16s %18s %18s %8s %8s %8s %13s\n",
			      "lcore", "id", "role", "iterations", "busy_cycles", "total_cycles",
			      "busy_1s", "busy_10s", "busy_60s", "busy_lifetime");
		for (uint32_t i = 0; i < n_lc; i++) {
			const struct lcore_row *r = &rows[i];
			char ratio[16], recent[CP_LCORE_BUSY_N_WINDOWS][16];

			if (r->total != 0)
				snprintf(ratio, sizeof(ratio), "%.4f", lcore_ratio(r));
			else
				snprintf(ratio, sizeof(ratio), "-");
			for (uint32_t w = 0; w < CP_LCORE_BUSY_N_WINDOWS; w++) {
				double v;

				if (cp_lcore_busy_ratio(&cp->lcore_busy, i,
							cp_lcore_busy_window_s[w], &v))
					snprintf(recent[w], sizeof(recent[w]), "%.4f", v);
				else
					snprintf(recent[w], sizeof(recent[w]), "-");
			}
			cp_buf_printf(&req->out,
				      "%-6u %-4u %-4s %16llu %18llu %18llu %8s %8s %8s %13s\n", i,
				      ipc_shm_lcore(&cp->dp.shm, i)->lcore_id,
				      lcore_role(r) != NULL ? lcore_role(r) : "-",
				      (unsigned long long)r->iterations,
				      (unsigned long long)r->busy, (unsigned long long)r->total,
				      recent[0], recent[1], recent[2], ratio);
		}
		cp_buf_printf(&req->out,
			      "%u lcore%s (busy_1s/10s/60s: the last 1, 10, 60 s; busy_lifetime: "
			      "since the dataplane started)\n",
			      n_lc, n_lc == 1 ? "" : "s");
	}
	free(rows);
	return CLI_STATUS_OK;
}

/* ---- show keys ----------------------------------------------------------- */

static void
keys_json(struct cp_cli_req *req, time_t now)
{
	struct cp_ctx *cp = req->cp;
	const struct cp_keys *k = cp->keys;
	const struct cp_keys_ntor *prev = cp_keys_ntor_previous(k);
	const struct cp_linkcreds *c = &cp->link.creds;
	time_t exp = cp_keys_signing_cert_expires(k), made = cp_keys_onion_set_at(k);
	time_t rot = cp_keys_onion_next_rotation(k);
	struct cp_json j;

	cp_json_init(&j, &req->out);
	cp_json_obj_begin(&j);
	cp_json_kv_str(&j, "fingerprint", cp_keys_rsa_fingerprint(k));
	cp_json_kv_str(&j, "ed25519_id", cp_keys_ed25519_id_base64(k));
	cp_json_kv_bool(&j, "master_key_offline", !cp_keys_has_master_secret(k));
	cp_json_key(&j, "signing_cert");
	cp_json_obj_begin(&j);
	cp_json_kv_time(&j, "expires", exp);
	cp_json_kv_i64(&j, "expires_in_s", (int64_t)(exp - now));
	cp_json_obj_end(&j);
	cp_json_key(&j, "onion_keys");
	cp_json_obj_begin(&j);
	cp_json_kv_time(&j, "made", made);
	cp_json_kv_i64(&j, "age_s", (int64_t)(now - made));
	cp_json_kv_time(&j, "next_rotation", rot);
	cp_json_kv_i64(&j, "rotation_in_s", (int64_t)(rot - now));
	cp_json_kv_time(&j, "previous_until", prev != NULL ? prev->valid_until : 0);
	cp_json_obj_end(&j);
	cp_json_key(&j, "link_certs");
	cp_json_obj_begin(&j);
	cp_json_kv_u64(&j, "gen", c->gen);
	cp_json_kv_time(&j, "made", c->gen != 0 ? c->made : 0);
	cp_json_kv_time(&j, "renew_at", c->gen != 0 ? c->renew_at : 0);
	cp_json_kv_u64(&j, "installed_lcores",
		       c->gen != 0 ? cp_link_installed_count(&cp->link) : 0);
	cp_json_kv_str(&j, "error", cp->link.last_err[0] != '\0' ? cp->link.last_err : NULL);
	cp_json_obj_end(&j);
	cp_json_obj_end(&j);
	cp_json_end(&j);
}

int
cp_cli_cmd_show_keys(struct cp_cli_req *req, int argc, char **argv)
{
	struct cp_ctx *cp = req->cp;
	const struct cp_keys *k = cp->keys;
	const struct cp_keys_ntor *prev;
	const struct cp_linkcreds *c = &cp->link.creds;
	time_t now = time(NULL);
	char a[64], b[64];
	unsigned n;

	(void)argv;
	if (argc != 0) {
		cp_buf_printf(&req->out, "usage: show keys\n");
		return CLI_STATUS_USAGE;
	}
	if (k == NULL) {
		cp_buf_printf(&req->out, "error: no relay key store loaded\n");
		return CLI_STATUS_ERR;
	}
	if (req->json) {
		keys_json(req, now);
		return CLI_STATUS_OK;
	}
	prev = cp_keys_ntor_previous(k);
	cp_buf_printf(&req->out, "identity:      %s\n", cp_keys_rsa_fingerprint(k));
	cp_buf_printf(&req->out, "ed25519 id:    %s\n", cp_keys_ed25519_id_base64(k));
	cp_buf_printf(&req->out, "master key:    %s\n",
		      cp_keys_has_master_secret(k) ? "in the data directory"
						   : "offline (OfflineMasterKey)");
	cp_cli_when(a, cp_keys_signing_cert_expires(k), now);
	cp_buf_printf(&req->out, "signing cert:  expires %s\n", a);
	cp_cli_when(a, cp_keys_onion_set_at(k), now);
	cp_cli_when(b, cp_keys_onion_next_rotation(k), now);
	cp_buf_printf(&req->out, "onion keys:    made %s, next rotation %s\n", a, b);
	if (prev != NULL) {
		cp_cli_when(a, prev->valid_until, now);
		cp_buf_printf(&req->out, "               previous keys accepted until %s\n", a);
	}
	if (c->gen == 0) {
		cp_buf_printf(&req->out, "link certs:    none%s%s\n",
			      cp->link.last_err[0] != '\0' ? ": " : "", cp->link.last_err);
		return CLI_STATUS_OK;
	}
	cp_cli_when(a, c->made, now);
	cp_cli_when(b, c->renew_at, now);
	n = cp_link_installed_count(&cp->link);
	cp_buf_printf(&req->out,
		      "link certs:    gen %u, made %s, renewed %s; installed on %u lcore%s\n", c->gen,
		      a, b, n, n == 1 ? "" : "s");
	return CLI_STATUS_OK;
}

/* ---- show config --------------------------------------------------------- */

static const char *
log_level_name(int level)
{
	switch (level) {
	case 3:
		return "err";
	case 4:
		return "warn";
	case 5:
		return "notice";
	case 6:
		return "info";
	case 7:
		return "debug";
	default:
		return "?";
	}
}

static const char *
log_dest_name(enum conf_log_dest d)
{
	switch (d) {
	case CONF_LOG_DEST_STDOUT:
		return "stdout";
	case CONF_LOG_DEST_FILE:
		return "file";
	default:
		return "stderr";
	}
}

static void
config_json(struct cp_cli_req *req)
{
	const struct cp_config *c = req->cp->conf;
	const struct cp_dir_conf *d = c != NULL ? &c->dir : &req->cp->dir.conf;
	char ip[INET_ADDRSTRLEN], line[256];
	struct cp_json j;

	cp_json_init(&j, &req->out);
	cp_json_obj_begin(&j);
	cp_json_kv_str(&j, "config_file", c != NULL && c->file[0] != '\0' ? c->file : NULL);
	cp_json_kv_str(&j, "shm_name", c != NULL ? c->shm_name : req->cp->shm_name);
	cp_json_kv_str(&j, "socket", c != NULL ? c->sock_path : NULL);
	if (c != NULL) {
		cp_json_key(&j, "socket_mode");
		cp_json_strf(&j, "%04o", c->sock_mode);
	} else {
		cp_json_kv_null(&j, "socket_mode");
	}
	cp_json_kv_str(&j, "data_dir", c != NULL ? c->data_dir : NULL);
	cp_json_kv_str(&j, "log_level", c != NULL ? log_level_name(c->log_level) : NULL);
	cp_json_kv_str(&j, "log_dest", c != NULL ? log_dest_name(c->log_dest) : NULL);
	cp_json_kv_str(&j, "log_file",
		       c != NULL && c->log_dest == CONF_LOG_DEST_FILE ? c->log_path : NULL);
	if (c != NULL)
		cp_json_kv_bool(&j, "offline_master", c->offline_master);
	else
		cp_json_kv_null(&j, "offline_master");
	if (c != NULL && c->netinfo_addr != 0) {
		ip_str(ip, c->netinfo_addr);
		cp_json_kv_str(&j, "netinfo_addr", ip);
	} else {
		cp_json_kv_null(&j, "netinfo_addr");
	}
	cp_json_kv_str(&j, "nickname", d->nickname);
	cp_json_kv_str(&j, "contact", d->contact[0] != '\0' ? d->contact : NULL);
	if (d->address != 0) {
		ip_str(ip, d->address);
		cp_json_kv_str(&j, "address", ip);
	} else {
		cp_json_kv_null(&j, "address");
	}
	cp_json_kv_u64(&j, "orport", d->orport);
	cp_json_key(&j, "dir_authorities");
	cp_json_arr_begin(&j);
	for (unsigned i = 0; i < d->n_auth; i++) {
		cp_config_dirauth_line(line, sizeof(line), &d->auth[i]);
		cp_json_str(&j, line);
	}
	cp_json_arr_end(&j);
	cp_json_kv_bool(&j, "publish", d->publish);
	cp_json_kv_bool(&j, "testing", d->testing);
	cp_json_kv_u64(&j, "bandwidth_rate", d->bw_rate);
	cp_json_kv_u64(&j, "bandwidth_burst", d->bw_burst);
	cp_json_key(&j, "my_family");
	cp_json_arr_begin(&j);
	for (unsigned i = 0; i < d->n_family; i++)
		cp_json_str(&j, d->family[i]);
	cp_json_arr_end(&j);
	if (c != NULL) {
		cp_json_kv_u64(&j, "onion_workers", c->onionq.workers);
		cp_json_kv_u64(&j, "max_onion_queue_delay_ms", c->onionq.max_delay_ms);
	} else {
		cp_json_kv_null(&j, "onion_workers");
		cp_json_kv_null(&j, "max_onion_queue_delay_ms");
	}
	cp_json_obj_end(&j);
	cp_json_end(&j);
}

int
cp_cli_cmd_show_config(struct cp_cli_req *req, int argc, char **argv)
{
	const struct cp_config *c = req->cp->conf;
	const struct cp_dir_conf *d = c != NULL ? &c->dir : &req->cp->dir.conf;
	struct cp_buf *b = &req->out;
	char ip[INET_ADDRSTRLEN], line[256];

	(void)argv;
	if (argc != 0) {
		cp_buf_printf(b, "usage: show config\n");
		return CLI_STATUS_USAGE;
	}
	if (req->json) {
		config_json(req);
		return CLI_STATUS_OK;
	}
	/* torrc names, so an operator can compare with the file. */
	cp_buf_printf(b, "# %s\n",
		      c == NULL		   ? "settings held by the context (no configuration)"
		      : c->file[0] != '\0' ? c->file
					   : "no configuration file; command line and defaults");
	cp_buf_printf(b, "%-24s %s\n", "SharedMemoryName",
		      c != NULL ? c->shm_name : req->cp->shm_name);
	if (c != NULL) {
		cp_buf_printf(b, "%-24s %s\n", "CliSocket", c->sock_path);
		cp_buf_printf(b, "%-24s %04o\n", "CliSocketMode", c->sock_mode);
		cp_buf_printf(b, "%-24s %s\n", "DataDirectory", c->data_dir);
		cp_buf_printf(b, "%-24s %s %s%s%s\n", "Log", log_level_name(c->log_level),
			      log_dest_name(c->log_dest),
			      c->log_dest == CONF_LOG_DEST_FILE ? " " : "",
			      c->log_dest == CONF_LOG_DEST_FILE ? c->log_path : "");
		cp_buf_printf(b, "%-24s %d\n", "OfflineMasterKey", c->offline_master ? 1 : 0);
		if (c->netinfo_addr != 0) {
			ip_str(ip, c->netinfo_addr);
			cp_buf_printf(b, "%-24s %s\n", "(--netinfo-addr)", ip);
		}
	}
	cp_buf_printf(b, "%-24s %s\n", "Nickname", d->nickname);
	if (d->contact[0] != '\0')
		cp_buf_printf(b, "%-24s %s\n", "ContactInfo", d->contact);
	if (d->address != 0) {
		ip_str(ip, d->address);
		cp_buf_printf(b, "%-24s %s\n", "Address", ip);
	} else {
		cp_buf_printf(b, "%-24s %s\n", "Address", "(the port's)");
	}
	cp_buf_printf(b, "%-24s %u\n", "ORPort", d->orport);
	for (unsigned i = 0; i < d->n_auth; i++) {
		cp_config_dirauth_line(line, sizeof(line), &d->auth[i]);
		cp_buf_printf(b, "%-24s %s\n", "DirAuthority", line);
	}
	if (d->n_auth == 0)
		cp_buf_printf(b, "%-24s %s\n", "DirAuthority", "(none)");
	cp_buf_printf(b, "%-24s %d\n", "PublishServerDescriptor", d->publish ? 1 : 0);
	cp_buf_printf(b, "%-24s %d\n", "TestingTorNetwork", d->testing ? 1 : 0);
	cp_buf_printf(b, "%-24s %llu bytes/s%s\n", "RelayBandwidthRate",
		      (unsigned long long)d->bw_rate, d->bw_rate == 0 ? " (unlimited)" : "");
	cp_buf_printf(b, "%-24s %llu bytes/s%s\n", "RelayBandwidthBurst",
		      (unsigned long long)d->bw_burst, d->bw_burst == 0 ? " (unlimited)" : "");
	for (unsigned i = 0; i < d->n_family; i++)
		cp_buf_printf(b, "%-24s $%s\n", "MyFamily", d->family[i]);
	if (c != NULL) {
		cp_buf_printf(b, "%-24s %u\n", "NumOnionWorkers", c->onionq.workers);
		cp_buf_printf(b, "%-24s %u ms\n", "MaxOnionQueueDelay", c->onionq.max_delay_ms);
	}
	return CLI_STATUS_OK;
}
