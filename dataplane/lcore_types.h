/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief struct dp_lcore: everything one dataplane lcore touches.
 *
 * Exposed deliberately (CONVENTIONS.md §17, §21): every module on the packet
 * path takes `struct dp_lcore *lc` as its first parameter and reaches its own
 * per-lcore state through it, inline. There is one context per lcore, owned
 * by that lcore only; nothing in it is shared except the segment memory its
 * ring handles and counter block point into (which has its own SPSC and
 * single-writer rules). Tests build one on the stack with dp_lcore_init().
 *
 * Hot fields first; cold, set-up-only fields after.
 */
#ifndef DATAPLANE_LCORE_TYPES_H
#define DATAPLANE_LCORE_TYPES_H

#include <stdatomic.h>
#include <stdint.h>

#include <rte_common.h>

#include "common/ipc/ipc_ring.h"
#include "common/ipc/ipc_stats.h"
#include "dataplane/net/net_types.h"
#include "dataplane/net/tcp_types.h"

struct dp_chan_lcore;
struct dp_circ_lcore;
struct dp_diag_state;
struct dp_diag_tls_state;
struct dp_tls_lcore;
struct drv_fault;

struct dp_lcore {
	/* Hot: read or written every iteration. */
	uint64_t now_tsc;               /**< rte_rdtsc() read once per iteration. */
	uint64_t now_us;                /**< now_tsc in µs (the stack's clock; tests set it directly). */
	uint64_t iterations;            /**< Main-loop iterations so far. */
	struct ipc_ctr_block *ctr;      /**< This lcore's counter block (in the segment). */
	const atomic_int *stop;         /**< Non-zero: leave the main loop. */
	uint64_t busy_acc;              /**< Busy cycles not yet flushed to counters. */
	uint64_t total_acc;             /**< Loop cycles not yet flushed to counters. */

	/* Command rings: polled every DP_CTL_POLL_MASK + 1 iterations. */
	alignas(RTE_CACHE_LINE_SIZE) struct ipc_ring_cons cmd; /**< controlplane → us */
	struct ipc_ring_prod evt;       /**< us → controlplane */
	struct ipc_ring_prod cell_up;   /**< cells for the controlplane */
	struct ipc_ring_cons cell_down; /**< cells from the controlplane */

	/* L2/L3: interface, ARP cache, TX staging. */
	alignas(RTE_CACHE_LINE_SIZE) struct dp_net net;

	/* TCP: tcbs, connection table, timers. */
	struct dp_tcp_lcore tcp;

	/* The NIC queue this lcore polls (has_port = 0: none; it serves only its rings). */
	uint8_t has_port;
	uint16_t rx_port, rx_queue;
	struct drv_fault *rx_fault;    /**< Fault injection on receive (tests), or NULL. */
	uint64_t us_mult;              /**< now_us = (tsc * us_mult) >> 32. */

	/* TLS over TCP: library context, SSL_CTX, connection pool (dataplane/tls/). */
	struct dp_tls_lcore *tls;

	/* Tor channels over TLS: pools, link credentials (dataplane/cell/). */
	struct dp_chan_lcore *chan;
	/* Circuits: table, queues, scheduler (dataplane/cell/circ.h). */
	struct dp_circ_lcore *circ;

	/* Applications on TCP and TLS (today the diagnostic services), allocated at start-up. */
	struct dp_diag_state *diag;
	struct dp_diag_tls_state *diag_tls;

	/* Cold. */
	alignas(RTE_CACHE_LINE_SIZE) uint32_t lcore_id; /**< DPDK lcore id. */
	uint32_t idx;                   /**< Index in the segment's lcore table. */
	uint64_t tsc_hz;
};

#endif /* DATAPLANE_LCORE_TYPES_H */
