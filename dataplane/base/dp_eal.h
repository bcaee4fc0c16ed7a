/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief EAL housekeeping shared by chive-dataplane and the dp test runner.
 */
#ifndef DATAPLANE_BASE_DP_EAL_H
#define DATAPLANE_BASE_DP_EAL_H

/**
 * Remove the files EAL left in its per-prefix runtime directory @p dir (e.g.
 * the telemetry socket), the directory itself, and its parent
 * (/var/run/dpdk) if that is now empty. Call after rte_eal_cleanup().
 */
void dp_eal_remove_runtime_dir(const char *dir);

#endif /* DATAPLANE_BASE_DP_EAL_H */
