/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Circuits: the middle relay's cell pipeline (tor-spec.txt §5, §6).
 *
 * A circuit joins a previous-hop channel (where its CREATE came in) and,
 * once extended, a next-hop channel. Per lcore:
 *   - a table (channel handle, circuit id) → circuit half (dp_u64map);
 *   - CREATE2 (ntor, ntor-v3) and CREATE_FAST onionskins go up to the
 *     control plane (IPC_MSG_CIRC_CREATE); the answer (IPC_MSG_CIRC_CREATED)
 *     brings the CREATED body and the hop's keys, which key tor1 relay
 *     crypto (relay_crypto.h) and are wiped from the ring slot;
 *   - forward RELAY/RELAY_EARLY cells are decrypted; those recognized here
 *     are handled (EXTEND2, TRUNCATE, DROP; BEGIN and BEGIN_DIR refused with
 *     END; the rest counted and dropped), the others go to the next hop
 *     with their command unchanged (RELAY_EARLY stays RELAY_EARLY, at most 8
 *     per circuit, never inbound); backward cells are encrypted and go back;
 *   - EXTEND2 reuses an open channel whose proven identity matches (or one
 *     being opened to it), else opens one (dp_chan_open), then sends CREATE2
 *     with the client's handshake unchanged and turns CREATED2 into
 *     EXTENDED2 (tor-spec §5.1.2, §5.3); it refuses IPv6-only targets, port
 *     0, ourselves, the previous hop and, unless configured, private
 *     addresses;
 *   - DESTROY from either side is passed on with reason DESTROYED; a
 *     closed channel takes its circuits with it (CHANNEL_CLOSED, or
 *     CONNECTFAILED / OR_IDENTITY for circuits waiting for it to open).
 *
 * Queues and scheduling (ARCHITECTURE.md §3): each circuit has a queue per
 * direction, of cell buffers from a per-lcore pool. Past the high-water mark
 * the channel feeding that queue is paused (dp_chan_set_paused(): its TCP
 * window closes) until the queue drains to half; past the hard cap the
 * circuit is destroyed (counted). Each channel has a control queue
 * (CREATE2, CREATED*, DESTROY) that is always written first, and an EWMA
 * scheduler over its circuits' queues (tor's circuitmux_ewma, with the
 * circuits kept in 32 logarithmic buckets of their EWMA instead of a heap),
 * which writes only what TCP can send now (dp_chan_sendable_cells()).
 *
 * A slice of the pool is reserved for control cells, so a DESTROY always
 * finds a buffer while data fills the rest.
 *
 * Handles: like channels, lcore index (7 bits) | pool index (17) | generation (8).
 */
#ifndef DATAPLANE_CELL_CIRC_H
#define DATAPLANE_CELL_CIRC_H

#include <stdbool.h>
#include <stdint.h>

#include "common/ipc/ipc_msg.h"
#include "dataplane/lcore_types.h"

/** Most circuits per lcore (17 bits of pool index). */
#define DP_CIRC_MAX (1u << 17)

/**
 * Per-lcore circuit configuration; fixed once lcores run, except the queue
 * limits, which dp_circ_set_queue() changes on the lcore itself.
 */
struct dp_circ_conf {
	uint32_t max_circs;	   /**< circuits per lcore, 1..DP_CIRC_MAX */
	uint32_t max_cells;	   /**< queued cells per lcore (cell buffers) */
	uint32_t queue_hiwat;	   /**< per circuit and direction: pause the feeding channel */
	uint32_t queue_max;	   /**< per circuit and direction: destroy the circuit */
	uint32_t pending_timeout_us; /**< CREATE waiting for the control plane, EXTEND2 for CREATED2 */
	uint8_t extend_private;	   /**< EXTEND2 to private IPv4 addresses allowed (test networks) */
	uint8_t pad[3];
};

/**
 * Change the per-circuit queue limits of @p lc while it runs (CONF_SET
 * IPC_CONF_CIRC_QUEUE, on the lcore): from the next cell on, a queue at
 * @p hiwat pauses its feeding channel (resumed at half), one at @p max
 * destroys its circuit (so lowering @p max below what queues hold ends
 * those circuits as their next cell arrives). Cross-lcore credit follows
 * the new @p hiwat as it is returned.
 *
 * @return
 *   0; -ENODEV without a circuit layer; -EINVAL unless
 *   1 <= @p hiwat < @p max <= IPC_CONF_CIRC_QUEUE_LIMIT (nothing changed).
 */
int dp_circ_set_queue(struct dp_lcore *lc, uint64_t hiwat, uint64_t max);

/** The queue limits in force on @p lc (0, 0 without a circuit layer). */
void dp_circ_queue(const struct dp_lcore *lc, uint64_t *hiwat, uint64_t *max);

/** Fill @p c with the defaults (16384 circuits, 32768 cells, 128 / 512, 60 s). */
void dp_circ_conf_default(struct dp_circ_conf *c);

/**
 * Create the circuit layer of @p lc (before launch) and install it as the
 * channel layer's cell handler. Needs dp_chan_create() on @p lc first.
 * @return 0; -EINVAL; -ENODEV (no channel layer); -EEXIST; -ENOMEM; -ENOTSUP (no AES-128-CTR).
 */
int dp_circ_create(struct dp_lcore *lc, const struct dp_circ_conf *conf);

/** Free the circuit layer (after the lcore stopped). Accepts none created. */
void dp_circ_destroy(struct dp_lcore *lc);

/**
 * Write what the channels can take (control cells first, then EWMA order)
 * and expire pending circuits (bounded work). Called every loop iteration.
 * @return work done (cells written + circuits expired).
 */
uint32_t dp_circ_poll(struct dp_lcore *lc);

/**
 * Handle a validated control-plane message for circuits: IPC_MSG_CIRC_CREATED
 * from the cell_down ring; CIRC_LIST and CIRC_DESTROY from the command ring
 * (answers on the event ring; an lcore without circuits answers an empty
 * list and -ENODEV).
 */
void dp_circ_ctl_msg(struct dp_lcore *lc, const struct ipc_hdr *msg);

/**
 * Let the circuit layers of networking lcores @p lcs[0..n-1] (in queue
 * order, all created) pass circuits to each other (before launch): one
 * SPSC ring per ordered pair. An EXTEND2 on one lcore whose next relay has
 * an open channel only on another lcore then builds the circuit across
 * the two: the keys stay with the home lcore, a next-hop "half" on the
 * other queues cells for its channel; cells, CREATED2, DESTROY and
 * backpressure cross the rings. n == 1: nothing to do.
 * @return 0; -EINVAL; -ENODEV (a layer missing); -ENOMEM.
 */
int dp_circ_group_link(struct dp_lcore *const *lcs, uint32_t n);

/**
 * Pick a circuit id for a circuit we create on channel @p chan
 * (tor-spec.txt §5.1.1, link >= 4): random, never 0, with the high bit set
 * when we initiated the channel and clear when the peer did, and not in use
 * on that channel. @return the id, or 0 after 16 draws all in use.
 */
uint32_t dp_circ_new_id(struct dp_lcore *lc, uint32_t chan, bool we_initiated);

/** Circuits on this lcore now. */
uint32_t dp_circ_count(const struct dp_lcore *lc);

/** Cell buffers in use on this lcore now (queued cells and pending CREATE2s). */
uint32_t dp_circ_cells_used(const struct dp_lcore *lc);

#endif /* DATAPLANE_CELL_CIRC_H */
