/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Dataplane log types and macros (CONVENTIONS.md §19).
 *
 * One DPDK log type per module ("dp.main", "dp.ctl", ...), so operators can
 * raise one module's level with EAL's --log-level=dp.ctl:debug. Never log on
 * the per-packet path: count instead.
 */
#ifndef DATAPLANE_BASE_DP_LOG_H
#define DATAPLANE_BASE_DP_LOG_H

#include <rte_log.h>

extern int dp_logtype_main;
extern int dp_logtype_ctl;

/** Log at RTE_LOG_<level> on type dp.<type>; the format needs its own "\n". */
#define DP_LOG(level, type, fmt, ...) \
	rte_log(RTE_LOG_##level, dp_logtype_##type, "dp." #type ": " fmt, ##__VA_ARGS__)

#endif /* DATAPLANE_BASE_DP_LOG_H */
