/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Controlplane side of the shared rings: requests, replies, timeouts, cells.
 *
 * The controlplane owns retries and waiting (ARCHITECTURE.md §4): it sends a
 * command with cp_dplink_request(), which gives it a request id and remembers
 * a callback in a bounded pending table; cp_dplink_poll() drains the event
 * rings, matches replies to pending requests by id, and expires requests
 * whose deadline passed (the callback then gets a NULL reply). Time is a
 * parameter (CLOCK_MONOTONIC ns), so tests drive it by hand.
 *
 * Besides the command and event rings, the link produces on every lcore's
 * cell_down ring (credential blobs, handshake verdicts; a request may also
 * travel there, see cp_dplink_request_on()) and consumes every lcore's
 * cell_up ring through cp_dplink_poll_cells(), which hands each validated
 * message to the caller's handler.
 *
 * Multi-part replies: some request types are answered by several events.
 * A CHAN_LIST is answered by any number of CHAN_INFO events (partial
 * replies: the callback runs for each and the request stays pending) and
 * one CHAN_LIST_END (or CMD_ERROR), which completes it; likewise CIRC_LIST
 * (CIRC_INFO..., CIRC_LIST_END), PORT_GET (PORT_QUEUE..., PORT_INFO) and
 * PORT_XSTATS (PORT_XSTAT..., PORT_XSTATS_END). Every other reply
 * completes its request. The request's deadline covers all its parts.
 *
 * The dataplane may stop or be replaced at any time; cp_dplink_detach()
 * fails every pending request and the owner re-attaches later. Every
 * successful attach increments @c epoch, so modules that keep per-lcore
 * state (installed credentials) can tell a new dataplane from the old one.
 */
#ifndef CONTROLPLANE_DPLINK_H
#define CONTROLPLANE_DPLINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/ipc/ipc_msg.h"
#include "common/ipc/ipc_shm.h"
#include "controlplane/stats/stats.h"

/** Most requests in flight at once. */
#define CP_DPLINK_PENDING_MAX 1024u
/** Longest timeout a request may ask for (longer ones are cut to this), ns. */
#define CP_DPLINK_TIMEOUT_MAX_NS (UINT64_C(3600) * 1000000000u)
/** Most events drained from one lcore's event ring per cp_dplink_poll(). */
#define CP_DPLINK_POLL_BATCH 256u

/** Most messages drained from one lcore's cell_up ring per cp_dplink_poll_cells(). */
#define CP_DPLINK_CELL_BATCH 256u

/**
 * Reply callback. @p reply is the validated reply (a copy, valid during the
 * call), or NULL when the request timed out or the link was detached. For a
 * multi-part request it runs once per partial reply (CHAN_INFO, ...) and
 * once more with the final one (or NULL).
 */
typedef void(cp_dplink_cb)(void *arg, const struct ipc_hdr *reply, uint32_t lcore_idx,
			   uint64_t now_ns);

/**
 * Handler of one message from a cell_up ring: @p msg is a validated copy
 * (IPC_DIR_CELL_UP, @p msg->len bytes), wiped after the call returns. The
 * handler may push on cell_down rings and send requests; it must not detach.
 */
typedef void(cp_dplink_cell_fn)(void *arg, uint32_t lcore_idx, const struct ipc_hdr *msg,
				uint64_t now_ns);

struct cp_dplink_pending {
	uint32_t req_id;    /**< 0 = free slot. */
	uint32_t lcore_idx;
	uint16_t req_type;  /**< IPC_MSG_* of the request (decides which replies are partial). */
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
	uint64_t evt_partial;	/**< Partial replies (CHAN_INFO, ...) given to a pending request. */
	uint64_t down_sent;     /**< Messages pushed on cell_down rings. */
	uint64_t down_full;     /**< Pushes refused: cell_down ring full. */
	uint64_t up_rx;         /**< Messages taken from cell_up rings. */
	uint64_t up_bad;        /**< cell_up messages that failed validation. */
};

struct cp_dplink {
	struct ipc_shm shm;
	bool attached;
	bool detaching;         /**< True while cp_dplink_detach() fails the pending requests. */
	uint32_t epoch;         /**< Incremented by every successful attach; never 0 once attached. */
	uint32_t n_lcores;
	uint32_t next_req_id;
	uint32_t n_pending;
	struct ipc_ring_prod cmd[IPC_MAX_LCORES];
	struct ipc_ring_cons evt[IPC_MAX_LCORES];
	struct ipc_ring_prod cell_down[IPC_MAX_LCORES];
	struct ipc_ring_cons cell_up[IPC_MAX_LCORES];
	struct cp_dplink_pending pending[CP_DPLINK_PENDING_MAX];
	struct cp_dplink_stats stats;
};

/** Prepare a detached link. */
void cp_dplink_init(struct cp_dplink *l);

/**
 * Attach to segment @p name and bind, per lcore, the command and cell_down
 * producers and the event and cell_up consumers; increment @c epoch.
 *
 * @return
 *   0, or the negative errno of ipc_shm_attach() with @p err set.
 */
int cp_dplink_attach(struct cp_dplink *l, const char *name, char *err, size_t errlen);

/** Fail every pending request (callbacks get NULL) and unmap. Safe when detached. */
void cp_dplink_detach(struct cp_dplink *l, uint64_t now_ns);

/**
 * Return true while attached to a segment whose dataplane is alive and not
 * stopping (false inside the callbacks cp_dplink_detach() runs).
 */
bool cp_dplink_is_up(const struct cp_dplink *l);

/**
 * Send command @p msg (@p len bytes, header type and len filled in) to lcore
 * index @p lcore_idx; its req_id is assigned here (never 0, never one still
 * pending). @p cb runs once, with the reply or with NULL after @p timeout_ns
 * (at most CP_DPLINK_TIMEOUT_MAX_NS).
 *
 * @return
 *   0; -ENOTCONN when detached (or inside cp_dplink_detach()); -EINVAL for
 *   a bad lcore index or length; -EBUSY when the pending table is full;
 *   -ENOBUFS when the command ring is full (counted in stats.cmd_full).
 */
int cp_dplink_request(struct cp_dplink *l, uint32_t lcore_idx, struct ipc_hdr *msg, size_t len,
		      uint64_t timeout_ns, uint64_t now_ns, cp_dplink_cb *cb, void *arg);

/**
 * Same as cp_dplink_request(), but send @p msg on ring @p ring of the lcore:
 * IPC_RING_CMD, or IPC_RING_CELL_DOWN for a request that must stay in order
 * with messages pushed there (LINK_INSTALL after its BLOB_CHUNKs). The reply
 * comes on the event ring either way. A refused push on cell_down counts in
 * stats.down_full.
 *
 * @return
 *   As cp_dplink_request(); -EINVAL also for another @p ring.
 */
int cp_dplink_request_on(struct cp_dplink *l, uint32_t lcore_idx, uint32_t ring,
			 struct ipc_hdr *msg, size_t len, uint64_t timeout_ns, uint64_t now_ns,
			 cp_dplink_cb *cb, void *arg);

/** Return true if the pending table can take @p n more requests. */
bool cp_dplink_can_request(const struct cp_dplink *l, uint32_t n);

/** Return the free slots of lcore @p lcore_idx's cell_down ring (0 when detached). */
uint32_t cp_dplink_down_space(struct cp_dplink *l, uint32_t lcore_idx);

/**
 * Push @p msg (@p len bytes; header len filled in here) on lcore
 * @p lcore_idx's cell_down ring. Not a request: nothing waits for a reply.
 *
 * @return
 *   0; -ENOTCONN when detached; -EINVAL for a bad lcore index or length;
 *   -ENOBUFS when the ring is full (counted in stats.down_full).
 */
int cp_dplink_down_push(struct cp_dplink *l, uint32_t lcore_idx, struct ipc_hdr *msg, size_t len);

/** Return a mark of everything pushed so far on lcore @p lcore_idx's cell_down ring. */
uint32_t cp_dplink_down_mark(const struct cp_dplink *l, uint32_t lcore_idx);

/**
 * Return true once the dataplane has taken every message pushed on lcore
 * @p lcore_idx's cell_down ring before @p mark was made (always true when
 * detached: nothing is left to wait for).
 */
bool cp_dplink_down_is_consumed(struct cp_dplink *l, uint32_t lcore_idx, uint32_t mark);

/**
 * Drain the cell_up rings (at most CP_DPLINK_CELL_BATCH per lcore): validate
 * each message (invalid ones count in stats.up_bad), hand it to @p fn, then
 * wipe both the copy and the ring slot (messages may carry TLS secrets).
 *
 * @return
 *   Number of messages consumed.
 */
uint32_t cp_dplink_poll_cells(struct cp_dplink *l, cp_dplink_cell_fn *fn, void *arg,
			      uint64_t now_ns);

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

/** Report every counter of the link (stats, pending requests) to @p fn as /cp/dplink/NAME. */
void cp_dplink_counters(const struct cp_dplink *l, cp_ctr_fn *fn, void *arg);

#endif /* CONTROLPLANE_DPLINK_H */
