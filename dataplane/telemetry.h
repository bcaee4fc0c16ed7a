/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Chive's commands on DPDK's telemetry socket (`dpdk-telemetry.py`).
 *
 * EAL opens <runtime dir>/dpdk_telemetry.v2 (/var/run/dpdk/chive-NAME/ for
 * root) in every mode Chive runs in (--no-shconf and --in-memory alike);
 * dp_telemetry_start() adds, next to DPDK's own /eal/... and /ethdev/...:
 *
 *   /chive/info            version, segment, lcores, networking lcores, port, pid
 *   /chive/lcores          the DPDK lcore ids, in the segment's order
 *   /chive/lcore,ID[,F]    one lcore: loop counters, busy ratio, its network
 *                          queue, its gauges (or its counters whose name contains F)
 *   /chive/counters[,F]    every counter (or those whose name contains F),
 *                          summed over the lcores: name → value
 *   /chive/port            the network port: name, MAC, link, MTU, queues, stats
 *
 * The callbacks run on DPDK's telemetry thread, never on an lcore. They only
 * read: counter blocks with relaxed atomic loads, as the control plane does
 * (common/ipc/ipc_stats.h); lcore and port fields that are written before
 * dp_telemetry_start() and not again until after dp_telemetry_stop(); and
 * the ethdev's link and stats, as `chivectl show ports` does. They take no
 * lock an lcore takes (lcores take none) and cost the lcores nothing.
 *
 * Who may include it: dataplane/main.c (and tests).
 */
#ifndef DATAPLANE_TELEMETRY_H
#define DATAPLANE_TELEMETRY_H

#include <stdint.h>

#include "common/ipc/ipc_shm.h"
#include "dataplane/lcore_types.h"
#include "drivers/port.h"

/** What the telemetry commands read; everything must outlive dp_telemetry_stop(). */
struct dp_telemetry_conf {
	const struct ipc_shm *shm;	     /**< The segment (counters, lcore table). */
	struct dp_lcore *const *lcore_by_id; /**< RTE_MAX_LCORE entries; NULL: unused id. */
	const struct drv_port *port;	     /**< The network port, or NULL. */
	uint32_t n_net;			     /**< Networking lcores (network queues). */
};

/**
 * Register the /chive/ commands (once per process; DPDK 22.11 cannot
 * unregister them) and make them answer from @p c, which is copied.
 *
 * Call after rte_eal_init(), once the segment, every lcore's context and the
 * port exist, before the lcores launch. Not thread-safe against itself.
 *
 * @return
 *   0, or the negative errno of rte_telemetry_register_cmd() (the commands
 *   registered before the failure stay, answering null until started).
 */
int dp_telemetry_start(const struct dp_telemetry_conf *c);

/**
 * Make the commands answer null from now on, and wait for callbacks already
 * reading to finish (at most about a second), so that the segment, the
 * lcores' contexts and the port may then be freed. Harmless if never started.
 */
void dp_telemetry_stop(void);

#endif /* DATAPLANE_TELEMETRY_H */
