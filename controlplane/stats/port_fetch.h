/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Fetch the network port's figures from the dataplane: PORT_GET and
 *        the pages of PORT_XSTATS, as one asynchronous operation.
 *
 * The port's identity, link and NIC counters, its per-queue counters and
 * its extended stats (xstats) exist only in the dataplane (ipc_msg.h).
 * cp_port_fetch_start() asks one lcore for them through the link: PORT_GET
 * (answered by PORT_QUEUE... and PORT_INFO) and then, if asked, PORT_XSTATS
 * page after page (PORT_XSTAT... and PORT_XSTATS_END) until the last one,
 * and calls back once with everything in a struct cp_port_snap. `chivectl
 * show ports` and the MetricsPort both use it, so the replies are decoded
 * and checked in one place: a reply count that does not match what the
 * dataplane says it sent, a cursor that does not move on, or more pages
 * than the bound is a protocol error, never a partial listing passed off
 * as whole.
 *
 * Bounds: one request in flight; at most CP_PORT_FETCH_PAGES_MAX xstats
 * pages, each waiting at most the timeout given; IPC_PORT_QUEUES_MAX queues
 * and IPC_PORT_XSTATS_MAX xstats kept (the dataplane sends no more).
 *
 * Who may include it: controlplane/ and tests/.
 */
#ifndef CONTROLPLANE_STATS_PORT_FETCH_H
#define CONTROLPLANE_STATS_PORT_FETCH_H

#include <stdbool.h>
#include <stdint.h>

#include "common/ipc/ipc_msg.h"

struct cp_dplink;
struct cp_port_fetch;

/** Ask for the extended stats too (without: PORT_GET only). */
#define CP_PORT_FETCH_XSTATS 1u

/**
 * Most PORT_XSTATS pages one fetch asks for: every page but the last
 * carries at least one stat and moves the cursor on (a dataplane with a
 * nearly full event ring sends shorter pages), so a whole listing takes at
 * most this many; 4 pages of 64 as a rule.
 */
#define CP_PORT_FETCH_PAGES_MAX IPC_PORT_XSTATS_MAX

/** One extended stat. */
struct cp_port_xstat {
	char name[IPC_PORT_XSTAT_NAME_MAX]; /**< NUL-terminated */
	uint64_t value;
};

/** What one fetch found. */
struct cp_port_snap {
	/**
	 * 0: the port was described (and its xstats listed, if asked);
	 * -ENODEV: the lcore polls no port (not an error for a reader);
	 * -ETIMEDOUT: no answer (or the link went down); -EPROTO: an answer
	 * that does not add up; or the dataplane's -errno (a refused command,
	 * a failed read), or the link's (cp_dplink_request()).
	 */
	int status;
	bool has_info;		       /**< @c info and @c queues are valid */
	struct ipc_msg_port_info info; /**< name NUL-terminated */
	uint32_t n_queues;	       /**< entries of @c queues (info.n_queue_stats) */
	struct ipc_msg_port_queue queues[IPC_PORT_QUEUES_MAX];
	bool has_xstats;       /**< @c xstats is the whole listing */
	uint32_t n_xstats;     /**< entries of @c xstats, in id order */
	uint32_t xstats_total; /**< xstats the device has (more than n_xstats when cut) */
	struct cp_port_xstat xstats[IPC_PORT_XSTATS_MAX];
};

/**
 * Completion: @p snap is valid during the call only; the operation is
 * freed after it returns (do not cancel it from here).
 */
typedef void(cp_port_fetch_cb)(void *arg, const struct cp_port_snap *snap);

/**
 * Start fetching lcore @p lcore_idx's port: PORT_GET, then with
 * CP_PORT_FETCH_XSTATS in @p flags every PORT_XSTATS page. Each request may
 * take @p timeout_ns. @p cb runs exactly once, later (from cp_dplink_poll()
 * or cp_dplink_detach()), unless the fetch is cancelled first.
 *
 * @param[out] out
 *   The operation, for cp_port_fetch_cancel(); NULL on failure.
 * @return
 *   0, or the error of cp_dplink_request() (nothing started, @p cb never runs).
 */
int cp_port_fetch_start(struct cp_dplink *dp, uint32_t lcore_idx, uint32_t flags,
			uint64_t timeout_ns, uint64_t now_ns, cp_port_fetch_cb *cb, void *arg,
			struct cp_port_fetch **out);

/** Stop fetch @p f (its callback never runs) and free it. Accepts NULL. */
void cp_port_fetch_cancel(struct cp_dplink *dp, struct cp_port_fetch *f);

#endif /* CONTROLPLANE_STATS_PORT_FETCH_H */
