/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Controlplane side of the command rings: requests, replies, timeouts.
 *
 * The controlplane owns retries and waiting (ARCHITECTURE.md §4): it sends a
 * command with cp_dplink_request(), which gives it a request id and remembers
 * a callback in a bounded pending table; cp_dplink_poll() drains the event
 * rings, matches replies to pending requests by id, and expires requests
 * whose deadline passed (the callback then gets a NULL reply). Time is a
 * parameter (CLOCK_MONOTONIC ns), so tests drive it by hand.
 *
 * The dataplane may stop or be replaced at any time; cp_dplink_detach()
 * fails every pending request and the owner re-attaches later.
 */
#ifndef CONTROLPLANE_DPLINK_H
#define CONTROLPLANE_DPLINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/ipc/ipc_msg.h"
#include "common/ipc/ipc_shm.h"

/** Most requests in flight at once. */
#define CP_DPLINK_PENDING_MAX 1024u
/** Longest timeout a request may ask for (longer ones are cut to this), ns. */
#define CP_DPLINK_TIMEOUT_MAX_NS (UINT64_C(3600) * 1000000000u)
/** Most events drained from one lcore's event ring per cp_dplink_poll(). */
#define CP_DPLINK_POLL_BATCH 256u

/**
 * Reply callback. @p reply is the validated reply (a copy, valid during the
 * call), or NULL when the request timed out or the link was detached.
 */
typedef void(cp_dplink_cb)(void *arg, const struct ipc_hdr *reply, uint32_t lcore_idx,
			   uint64_t now_ns);

struct cp_dplink_pending {
	uint32_t req_id;    /**< 0 = free slot. */
	uint32_t lcore_idx;
	uint64_t deadline_ns;
	cp_dplink_cb *cb;
	void *arg;
};

/** Counters of the link, for `show counters` and tests. */
struct cp_dplink_stats {
	uint64_t cmd_sent;
	uint64_t cmd_full;      /**< Requests refused: command ring full. */
	uint64_t evt_rx;
	uint64_t evt_bad;       /**< Events that failed validation. */
	uint64_t evt_unmatched; /**< Replies with no pending request (late or unknown). */
	uint64_t timeouts;
	uint64_t cmd_errors;    /**< CMD_ERROR events: the dataplane refused a command. */
};

struct cp_dplink {
	struct ipc_shm shm;
	bool attached;
	uint32_t n_lcores;
	uint32_t next_req_id;
	uint32_t n_pending;
	struct ipc_ring_prod cmd[IPC_MAX_LCORES];
	struct ipc_ring_cons evt[IPC_MAX_LCORES];
	struct cp_dplink_pending pending[CP_DPLINK_PENDING_MAX];
	struct cp_dplink_stats stats;
};

/** Prepare a detached link. */
void cp_dplink_init(struct cp_dplink *l);

/**
 * Attach to segment @p name and bind one command producer and one event
 * consumer per lcore.
 *
 * @return
 *   0, or the negative errno of ipc_shm_attach() with @p err set.
 */
int cp_dplink_attach(struct cp_dplink *l, const char *name, char *err, size_t errlen);

/** Fail every pending request (callbacks get NULL) and unmap. Safe when detached. */
void cp_dplink_detach(struct cp_dplink *l, uint64_t now_ns);

/** Return true while attached to a segment whose dataplane is alive and not stopping. */
bool cp_dplink_is_up(const struct cp_dplink *l);

/**
 * Send command @p msg (@p len bytes, header type and len filled in) to lcore
 * index @p lcore_idx; its req_id is assigned here (never 0, never one still
 * pending). @p cb runs once, with the reply or with NULL after @p timeout_ns
 * (at most CP_DPLINK_TIMEOUT_MAX_NS).
 *
 * @return
 *   0; -ENOTCONN when detached; -EINVAL for a bad lcore index or length;
 *   -EBUSY when the pending table is full; -ENOBUFS when the command ring is
 *   full (counted in stats.cmd_full).
 */
int cp_dplink_request(struct cp_dplink *l, uint32_t lcore_idx, struct ipc_hdr *msg, size_t len,
		      uint64_t timeout_ns, uint64_t now_ns, cp_dplink_cb *cb, void *arg);

/**
 * Drain the event rings (at most CP_DPLINK_POLL_BATCH per lcore), run the
 * callbacks of matched replies, and expire requests due at @p now_ns.
 *
 * @return
 *   Number of events consumed.
 */
uint32_t cp_dplink_poll(struct cp_dplink *l, uint64_t now_ns);

/** Drop every pending request whose callback argument is @p arg, without calling it. */
void cp_dplink_cancel(struct cp_dplink *l, void *arg);

#endif /* CONTROLPLANE_DPLINK_H */
