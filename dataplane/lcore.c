/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief The per-lcore run-to-completion loop.
 *
 * Today the loop only serves the command ring; the RX → TCP → TLS → cells →
 * TX stages of ARCHITECTURE.md §3 slot in before it as they land. Busy-cycle
 * accounting follows OVS's pmd-perf-show: an iteration that did any work
 * counts all its cycles as busy, an idle one counts them as idle, and the
 * ratio busy/total is what an operator reads as the core's load.
 */
#include <errno.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>

#include "dataplane/base/dp_ctr.h"
#include "dataplane/cell/chan.h"
#include "dataplane/cell/circ.h"
#include "dataplane/ctl/ctl.h"
#include "dataplane/lcore.h"
#include "dataplane/net/net.h"
#include "dataplane/net/tcp.h"
#include "dataplane/tls/tls.h"
#include "drivers/fault.h"

/* Poll the command ring every 16 iterations; commands are rare and slow-path. */
#define DP_CTL_POLL_MASK 15u
/* Flush locally accumulated loop counters every 1024 iterations. */
#define DP_CTR_FLUSH_MASK 1023u
/* Age the ARP cache every 1024 iterations. */
#define DP_ARP_POLL_MASK 1023u
/* Receive burst; the array has room for what fault injection may add. */
#define DP_RX_BURST 32u
#define DP_RX_CAP (DP_RX_BURST + 16u)

int
dp_lcore_init(struct dp_lcore *lc, const struct ipc_shm *shm, uint32_t idx, const atomic_int *stop,
	      uint64_t tsc_hz)
{
	if (idx >= shm->hdr->n_lcores)
		return -EINVAL;
	memset(lc, 0, sizeof(*lc));
	lc->idx = idx;
	lc->lcore_id = ipc_shm_lcore(shm, idx)->lcore_id;
	lc->stop = stop;
	lc->tsc_hz = tsc_hz;
	lc->us_mult = tsc_hz != 0 ? (uint64_t)(((unsigned __int128)1000000 << 32) / tsc_hz) : 0;
	lc->ctr = ipc_shm_ctr_block(shm, idx);
	if (ipc_ring_cons_init(&lc->cmd, ipc_shm_ring(shm, idx, IPC_RING_CMD),
			       ipc_shm_ring_size(shm, IPC_RING_CMD)) != 0 ||
	    ipc_ring_prod_init(&lc->evt, ipc_shm_ring(shm, idx, IPC_RING_EVT),
			       ipc_shm_ring_size(shm, IPC_RING_EVT)) != 0 ||
	    ipc_ring_prod_init(&lc->cell_up, ipc_shm_ring(shm, idx, IPC_RING_CELL_UP),
			       ipc_shm_ring_size(shm, IPC_RING_CELL_UP)) != 0 ||
	    ipc_ring_cons_init(&lc->cell_down, ipc_shm_ring(shm, idx, IPC_RING_CELL_DOWN),
			       ipc_shm_ring_size(shm, IPC_RING_CELL_DOWN)) != 0)
		return -EINVAL;
	return 0;
}

void
dp_lcore_flush_ctrs(struct dp_lcore *lc)
{
	ipc_ctr_set(lc->ctr, DP_CTR_lcore_iterations, lc->iterations);
	ipc_ctr_set(lc->ctr, DP_CTR_lcore_net_queue, lc->has_port);
	DP_CTR_ADD(lc, lcore_busy_cycles, lc->busy_acc);
	DP_CTR_ADD(lc, lcore_total_cycles, lc->total_acc);
	lc->busy_acc = 0;
	lc->total_acc = 0;
}

/* Receive one burst from the lcore's queue (through fault injection when configured). */
static uint32_t
lcore_rx(struct dp_lcore *lc)
{
	struct rte_mbuf *pkts[DP_RX_CAP];
	uint16_t n = rte_eth_rx_burst(lc->rx_port, lc->rx_queue, pkts, DP_RX_BURST);

	if (lc->rx_fault != NULL) {
		n = drv_fault_apply(lc->rx_fault, pkts, n, DP_RX_CAP, lc->now_us);
		if (n < DP_RX_CAP)
			n = (uint16_t)(n + drv_fault_drain(lc->rx_fault, pkts + n,
							   (uint16_t)(DP_RX_CAP - n), lc->now_us));
	}
	if (n != 0)
		dp_eth_input(lc, pkts, n);
	return n;
}

uint32_t
dp_lcore_iterate(struct dp_lcore *lc, uint64_t now)
{
	uint32_t work = 0;

	lc->now_tsc = now;
	if (lc->us_mult != 0)
		lc->now_us = (uint64_t)(((unsigned __int128)now * lc->us_mult) >> 32);
	lc->iterations++;
	if (lc->has_port) {
		work += lcore_rx(lc);
		work += dp_net_steer_poll(lc);
		dp_chan_run_kicks(lc);
		work += dp_circ_poll(lc); /* the scheduler writes what TCP can send */
		work += dp_tls_poll(lc); /* before TCP's poll: what it queues leaves now */
		work += dp_tcp_poll(lc);
		if ((lc->iterations & DP_ARP_POLL_MASK) == 0)
			dp_arp_timers(lc);
		dp_net_tx_flush(lc);
	}
	if ((lc->iterations & DP_CTL_POLL_MASK) == 0) {
		work += dp_ctl_poll(lc);
		work += dp_ctl_poll_cells(lc);
		work += dp_chan_poll(lc);
	}
	return work;
}

int
dp_lcore_run(struct dp_lcore *lc)
{
	uint64_t t0 = rte_rdtsc();

	dp_lcore_flush_ctrs(lc); /* publish the role (/dp/lcore/net_queue) at once */
	while (atomic_load_explicit(lc->stop, memory_order_relaxed) == 0) {
		uint32_t work = dp_lcore_iterate(lc, t0);
		uint64_t t1 = rte_rdtsc();

		lc->total_acc += t1 - t0;
		if (work != 0)
			lc->busy_acc += t1 - t0;
		if ((lc->iterations & DP_CTR_FLUSH_MASK) == 0)
			dp_lcore_flush_ctrs(lc);
		t0 = t1;
	}
	dp_lcore_flush_ctrs(lc);
	return 0;
}
