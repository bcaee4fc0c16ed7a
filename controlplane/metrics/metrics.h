/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief The MetricsPort: Prometheus text format over HTTP, as tor's MetricsPort.
 *
 * A listening TCP socket on the control plane's loop (MetricsPort
 * `[A.B.C.D:]PORT`, 127.0.0.1 for a port alone). A client whose address
 * MetricsPortPolicy does not accept is closed at once without an answer
 * (tor's default policy rejects everyone). Each accepted connection sends
 * one request; `GET /metrics` is answered with every dataplane counter of
 * the shared segment, every control-plane counter and tor's names where
 * they mean the same (see README.md); anything else gets 404, 405 or 400.
 * The answer closes the connection (HTTP/1.0, as tor).
 *
 * Bounds: CP_METRICS_CONN_MAX connections (more are closed at accept), a
 * request head of CP_METRICS_REQ_MAX bytes, CP_METRICS_CONN_TIMEOUT_NS from
 * accept to the last byte written (a slower client is dropped). The answer
 * is rendered at once from a snapshot, so a scrape costs the loop one pass
 * over the counters and never waits for the dataplane.
 *
 * Who may include it: controlplane/ and tests/.
 */
#ifndef CONTROLPLANE_METRICS_METRICS_H
#define CONTROLPLANE_METRICS_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "controlplane/cp.h"
#include "controlplane/metrics/metrics_conf.h"
#include "controlplane/stats/stats.h"

/** Most MetricsPort connections open at once; more are accepted and closed at once. */
#define CP_METRICS_CONN_MAX 16
/** Longest request head (request line and headers), bytes. */
#define CP_METRICS_REQ_MAX 8192
/** A connection that has not been answered and written within this time is closed, ns. */
#define CP_METRICS_CONN_TIMEOUT_NS UINT64_C(10000000000)
/**
 * How often the port's NIC counters are fetched (IPC PORT_GET to lcore 0,
 * which reads rte_eth_stats: on some PMDs a system call, so only while a
 * MetricsPort is configured, and not more often than this), ns.
 */
#define CP_METRICS_PORT_POLL_NS UINT64_C(5000000000)

struct cp_metrics_server;

/**
 * Listen on @p conf's address and port (SO_REUSEADDR, non-blocking) and
 * register with the loop. @p conf is copied.
 *
 * @return
 *   The server, or NULL with @p err set, e.g.
 *   `cannot listen on MetricsPort 127.0.0.1:9035: Address already in use`.
 */
struct cp_metrics_server *cp_metrics_server_open(struct cp_ctx *cp,
						 const struct cp_metrics_conf *conf, char *err,
						 size_t errlen);

/** Close connections past their deadline (called from the loop's timer). */
void cp_metrics_server_tick(struct cp_metrics_server *s, uint64_t now_ns);

/** Close every connection and the listener. Accepts NULL. */
void cp_metrics_server_close(struct cp_metrics_server *s);

/**
 * Report the MetricsPort's own counters to @p fn as /cp/metrics/NAME:
 * scrapes (200), not_found (404), bad_method (405), bad_request (400),
 * policy_rejected, conn_refused (over CP_METRICS_CONN_MAX), timeouts
 * (slow clients dropped), and the gauge conns (open now).
 */
void cp_metrics_counters(const struct cp_metrics_server *s, cp_ctr_fn *fn, void *arg);

/**
 * Report every control-plane counter of @p cp to @p fn: the dataplane
 * link, the link credentials (when there are keys), circuits and the
 * onionskin queue, the directory, and the MetricsPort (when open). The one
 * list both `chivectl counters` and the MetricsPort show.
 */
void cp_metrics_visit_cp(struct cp_ctx *cp, cp_ctr_fn *fn, void *arg);

#endif /* CONTROLPLANE_METRICS_METRICS_H */
