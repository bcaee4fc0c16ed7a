/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief The per-lcore main loop (CONVENTIONS.md §22).
 */
#ifndef DATAPLANE_LCORE_H
#define DATAPLANE_LCORE_H

#include <stdatomic.h>
#include <stdint.h>

#include "common/ipc/ipc_shm.h"
#include "dataplane/lcore_types.h"

/**
 * Bind @p lc to lcore index @p idx of segment @p shm: ring handles, counter
 * block, stop flag. Does not allocate.
 *
 * @return
 *   0, or -EINVAL if a ring in the segment is malformed or @p idx is out of range.
 */
int dp_lcore_init(struct dp_lcore *lc, const struct ipc_shm *shm, uint32_t idx,
		  const atomic_int *stop, uint64_t tsc_hz);

/**
 * Run the main loop of @p lc until its stop flag is set.
 *
 * Each iteration reads the TSC once, does the bounded work of every stage
 * (today: the command ring every DP_CTL_POLL_MASK + 1 iterations) and
 * accounts busy and total cycles. Makes no syscall, takes no lock, allocates
 * nothing.
 *
 * @return
 *   0 (the rte_lcore_function_t convention).
 */
int dp_lcore_run(struct dp_lcore *lc);

/**
 * Run one iteration of the main loop at TSC @p now (for tests and for
 * dp_lcore_run()).
 *
 * @return
 *   Units of work done (0 when idle).
 */
uint32_t dp_lcore_iterate(struct dp_lcore *lc, uint64_t now);

/** Publish the locally accumulated loop counters, and whether the lcore polls a network queue. */
void dp_lcore_flush_ctrs(struct dp_lcore *lc);

#endif /* DATAPLANE_LCORE_H */
