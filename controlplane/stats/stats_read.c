/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Counter snapshot: directory (seqlock) plus per-lcore sums.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "controlplane/stats/stats.h"
#include "controlplane/util.h"

int
cp_stats_read(const struct ipc_shm *shm, const char *filter, struct cp_stat *out, uint32_t max)
{
	return cp_stats_read_lcores(shm, filter, out, NULL, max);
}

int
cp_stats_read_lcores(const struct ipc_shm *shm, const char *filter, struct cp_stat *out,
		     uint64_t *per_lcore, uint32_t max)
{
	const struct ipc_seg_hdr *h = shm->hdr;
	struct ipc_ctr_desc *dir;
	uint32_t n = 0, k = 0;
	int rc;

	dir = cp_xcalloc(h->ctr_max, sizeof(*dir));
	rc = ipc_ctr_dir_snapshot(ipc_shm_ctr_dir(shm), dir, h->ctr_max, h->ctr_max, &n, NULL);
	if (rc != 0) {
		free(dir);
		return rc;
	}
	for (uint32_t i = 0; i < n && k < max; i++) {
		uint64_t sum = 0;

		if (filter != NULL && filter[0] != '\0' && strstr(dir[i].name, filter) == NULL)
			continue;
		for (uint32_t lc = 0; lc < h->n_lcores; lc++) {
			uint64_t v = ipc_ctr_get(ipc_shm_ctr_block(shm, lc), dir[i].index);

			if (per_lcore != NULL)
				per_lcore[(size_t)k * h->n_lcores + lc] = v;
			sum += v;
		}
		out[k].desc = dir[i];
		out[k].total = sum;
		k++;
	}
	free(dir);
	return (int)k;
}
