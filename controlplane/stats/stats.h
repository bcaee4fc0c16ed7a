/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Reading the dataplane's counters from the shared segment.
 *
 * The counter directory names every counter; each lcore's block holds its
 * values. cp_stats_read() takes a consistent snapshot of the directory and
 * sums each counter over the lcores, so no reader hard-codes a counter;
 * cp_stats_read_lcores() also keeps the value on each lcore.
 * The control plane's own counters are reported through #cp_ctr_fn.
 */
#ifndef CONTROLPLANE_STATS_STATS_H
#define CONTROLPLANE_STATS_STATS_H

#include <stdint.h>

#include "common/ipc/ipc_shm.h"
#include "common/ipc/ipc_stats.h"

/** One counter, summed over the dataplane's lcores. */
struct cp_stat {
	struct ipc_ctr_desc desc;
	uint64_t total;
};

/**
 * Snapshot every counter of segment @p shm whose name contains @p filter
 * (NULL or "" = all) into @p out (@p max entries).
 *
 * @return
 *   Number of counters written, or -EAGAIN if the directory was being
 *   rewritten the whole time.
 */
int cp_stats_read(const struct ipc_shm *shm, const char *filter, struct cp_stat *out, uint32_t max);

/**
 * As cp_stats_read(), and also copy each counter's value on every lcore:
 * the values of @p out[i] are @p per_lcore[i * n .. i * n + n), n being
 * shm->hdr->n_lcores (the lcore index, as in the segment's lcore table).
 * Every value is read once, so @p out[i].total is their sum.
 *
 * @param per_lcore
 *   Array of @p max * shm->hdr->n_lcores values; NULL: totals only.
 */
int cp_stats_read_lcores(const struct ipc_shm *shm, const char *filter, struct cp_stat *out,
			 uint64_t *per_lcore, uint32_t max);

/**
 * Visitor of the control plane's own counters (not in the segment): called
 * once per counter with a path-like @p name ("/cp/link/certs_ok") and its
 * value. Modules export their counters through it; `counters` prints them
 * after the dataplane's.
 */
typedef void(cp_ctr_fn)(void *arg, const char *name, uint64_t value);

#endif /* CONTROLPLANE_STATS_STATS_H */
