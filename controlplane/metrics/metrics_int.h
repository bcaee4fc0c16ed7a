/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief MetricsPort internals: the snapshot, the Prometheus rendering and
 *        the HTTP request parser (metrics_render.c, metrics_http.c).
 *
 * Split from the server so each piece is tested without sockets: a
 * snapshot is plain data (the dataplane's counters per lcore, the control
 * plane's own counters, a few facts about the process), rendering is a
 * pure function of it, and the request parser a pure function of bytes.
 *
 * Who may include it: controlplane/metrics/ and tests/.
 */
#ifndef CONTROLPLANE_METRICS_METRICS_INT_H
#define CONTROLPLANE_METRICS_METRICS_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "common/ipc/ipc_abi.h"
#include "common/ipc/ipc_msg.h"
#include "common/ipc/ipc_stats.h"
#include "controlplane/stats/lcore_busy.h"
#include "controlplane/stats/port_fetch.h"
#include "controlplane/stats/stats.h"
#include "controlplane/util.h"

struct cp_ctx;

/** Prefix of every Chive metric name. */
#define CP_METRICS_PREFIX "chive"
/** Longest metric name written (a longer one is skipped). */
#define CP_METRICS_NAME_MAX 160

/** One control-plane counter, as a cp_ctr_fn reported it. */
struct cp_metrics_cp_ctr {
	char name[IPC_CTR_NAME_MAX]; /**< "/cp/onionq/requested" (longer names are cut) */
	uint64_t value;
};

/** Everything one scrape shows; taken at once, then rendered. */
struct cp_metrics_snap {
	bool dp_up;                        /**< the dataplane's counters below are valid */
	uint32_t n_lcores;                 /**< lcores of the segment */
	uint32_t lcore_id[IPC_MAX_LCORES]; /**< DPDK lcore id of each lcore index */
	uint64_t tsc_hz;                   /**< the dataplane's TSC frequency */
	uint64_t dp_start_ns;              /**< the segment's creation, CLOCK_REALTIME ns */
	struct cp_stat *dp;                /**< the dataplane's counters, totals */
	uint64_t *dp_lcore;                /**< dp[i] on lcore l: dp_lcore[i * n_lcores + l] */
	uint32_t n_dp;
	/** lcore l's busy ratio over cp_lcore_busy_window_s[w], if lcore_busy_known[l][w] */
	double lcore_busy[IPC_MAX_LCORES][CP_LCORE_BUSY_N_WINDOWS];
	bool lcore_busy_known[IPC_MAX_LCORES][CP_LCORE_BUSY_N_WINDOWS];
	struct cp_metrics_cp_ctr *cp;      /**< the control plane's own counters */
	uint32_t n_cp, cap_cp;
	bool port_valid;                   /**< @c port holds the last PORT_INFO */
	struct ipc_msg_port_info port;     /**< the port's identity, link and NIC counters */
	uint64_t port_age_ns;		   /**< how old @c port (and what follows) is */
	uint32_t n_port_queues;		   /**< entries of @c port_queues */
	struct ipc_msg_port_queue port_queues[IPC_PORT_QUEUES_MAX]; /**< per-queue NIC counters */
	bool port_xstats_valid;		   /**< @c port_xstats is the port's whole listing */
	uint32_t n_port_xstats;		   /**< entries of @c port_xstats */
	uint32_t port_xstats_total;	   /**< xstats the NIC has (> n_port_xstats: cut) */
	struct cp_port_xstat *port_xstats; /**< the NIC's xstats (freed with the snapshot) */
	bool master_offline;               /**< OfflineMasterKey: tor then shows the cert expiry */
	time_t signing_cert_expires;       /**< 0 = no keys */
};

/** Append a control-plane counter to @p s (a cp_ctr_fn; @p arg is the snapshot). */
void cp_metrics_snap_add_cp(void *arg, const char *name, uint64_t value);

/**
 * Take a snapshot of @p cp: the dataplane's counters per lcore when it is
 * up (cp_stats_read_lcores()) and each lcore's recent busy ratios
 * (cp->lcore_busy), every control-plane counter (cp_metrics_visit_cp()),
 * and the signing certificate's expiry.
 */
void cp_metrics_snap_take(struct cp_ctx *cp, struct cp_metrics_snap *s);

/** Free what cp_metrics_snap_take() or cp_metrics_snap_add_cp() allocated; zero @p s. */
void cp_metrics_snap_free(struct cp_metrics_snap *s);

/**
 * Write the metric name of counter @p path ("/dp/tls/rx_wire_bytes") to
 * @p out: CP_METRICS_PREFIX, then the path with every character other than
 * [A-Za-z0-9_] turned into '_', then "_total" for a counter (unless the
 * name already ends so).
 *
 * @return
 *   true; false if it does not fit in @p outlen bytes.
 */
bool cp_metrics_name(const char *path, bool counter, char *out, size_t outlen);

/** Append @p s as a HELP text: `\` as `\\` and a newline as `\n` (text format 0.0.4). */
void cp_metrics_escape_help(struct cp_buf *b, const char *s);

/** Append @p s as a label value: `\`, `"` and a newline escaped (text format 0.0.4). */
void cp_metrics_escape_label(struct cp_buf *b, const char *s);

/**
 * Return true if the control-plane counter @p name is a gauge (a level that
 * may go down: queue lengths, generations, flags, bandwidths, timestamps).
 * cp_ctr_fn reports no kind, so the list is here; every other control-plane
 * counter is a counter.
 */
bool cp_metrics_cp_is_gauge(const char *name);

/** Return true if the dataplane counter @p name is shown per lcore (`lcore="N"`), not summed. */
bool cp_metrics_is_per_lcore(const char *name);

/**
 * Render @p s in the Prometheus text format 0.0.4 into @p out: Chive's own
 * families first (the dataplane's counters, then the control plane's, then
 * a few facts), then tor's names where a Chive counter means the same
 * (README.md lists them). Every family has one HELP and one TYPE line and
 * its samples follow at once; a name met twice (two counters that mangle
 * alike) is written once.
 *
 * @return
 *   Number of families written.
 */
unsigned cp_metrics_render(const struct cp_metrics_snap *s, struct cp_buf *out);

/** What a request asks for (cp_metrics_http_parse()). */
enum cp_metrics_req {
	CP_METRICS_REQ_MORE,       /**< the head is not complete yet */
	CP_METRICS_REQ_METRICS,    /**< GET /metrics (a query string is ignored): 200 */
	CP_METRICS_REQ_NOT_FOUND,  /**< GET of another path: 404 */
	CP_METRICS_REQ_BAD_METHOD, /**< a well-formed request other than GET: 405 */
	CP_METRICS_REQ_BAD,        /**< malformed, or the head is longer than allowed: 400 */
};

/**
 * Parse the first @p len bytes read from a client: the request line
 * `METHOD SP TARGET SP HTTP/1.x` and header lines, each ending in CRLF or
 * LF, up to an empty line. Header lines must be `NAME: value` (NAME a
 * token); folded lines, NUL or other control bytes, an absolute or `*`
 * target and other versions are refused. Anything after the head (a body)
 * is ignored: the answer closes the connection.
 *
 * @param max
 *   Longest head accepted: with no empty line within @p max bytes the
 *   request is CP_METRICS_REQ_BAD.
 */
enum cp_metrics_req cp_metrics_http_parse(const char *buf, size_t len, size_t max);

/**
 * Append to @p out the answer for @p req: the status line (HTTP/1.0, as
 * tor), Date, Content-Type (`text/plain; version=0.0.4; charset=utf-8` for
 * metrics), Content-Length, `Connection: close`, then @p body (for
 * CP_METRICS_REQ_METRICS) or a one-line reason.
 */
void cp_metrics_http_answer(struct cp_buf *out, enum cp_metrics_req req, const struct cp_buf *body,
			    time_t now);

#endif /* CONTROLPLANE_METRICS_METRICS_INT_H */
