/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief The recent busy ratio of each lcore: samples of its cycle counters, once a second.
 *
 * One ring of timestamps shared by every lcore (they are sampled together)
 * and, per lcore, a ring of busy and total cycle counts and how many of
 * its newest slots are valid, so a counter reset on one lcore restarts
 * only that lcore's window. OVS's `dpif-netdev/pmd-stats-show` and VPP's
 * `show runtime` compute the same ratio over an interval; here the
 * intervals end at the newest sample.
 */
#include <string.h>

#include "common/ipc/ipc_stats.h"
#include "controlplane/stats/lcore_busy.h"
#include "controlplane/stats/stats.h"

const uint32_t cp_lcore_busy_window_s[CP_LCORE_BUSY_N_WINDOWS] = { 1, 10, 60 };

/* Most /dp/lcore/ counters looked at when finding the two (there are four today). */
#define LCORE_BUSY_CTRS_MAX 32u

/* The slot @p back samples before the newest. */
static uint32_t
slot_back(const struct cp_lcore_busy *b, uint32_t back)
{
	return (b->head + CP_LCORE_BUSY_SAMPLES - back) % CP_LCORE_BUSY_SAMPLES;
}

void
cp_lcore_busy_reset(struct cp_lcore_busy *b, uint32_t n_lcores)
{
	b->n_lcores = n_lcores < IPC_MAX_LCORES ? n_lcores : IPC_MAX_LCORES;
	b->head = 0;
	b->next_ns = 0;
	for (uint32_t l = 0; l < IPC_MAX_LCORES; l++)
		b->lc[l].n = 0;
}

void
cp_lcore_busy_record(struct cp_lcore_busy *b, uint64_t now_ns, const uint64_t *busy,
		     const uint64_t *total)
{
	bool any = false;
	uint32_t prev = b->head;

	for (uint32_t l = 0; l < b->n_lcores; l++)
		any = any || b->lc[l].n != 0;
	if (any && now_ns <= b->t[prev])
		return;
	b->head = (b->head + 1) % CP_LCORE_BUSY_SAMPLES;
	b->t[b->head] = now_ns;
	for (uint32_t l = 0; l < b->n_lcores; l++) {
		struct cp_lcore_busy_hist *h = &b->lc[l];

		if (h->n != 0 && (busy[l] < h->busy[prev] || total[l] < h->total[prev]))
			h->n = 0; /* the counters went back: start this lcore afresh */
		h->busy[b->head] = busy[l];
		h->total[b->head] = total[l];
		if (h->n < CP_LCORE_BUSY_SAMPLES)
			h->n++;
	}
}

bool
cp_lcore_busy_ratio(const struct cp_lcore_busy *b, uint32_t lcore, uint32_t window_s, double *ratio)
{
	const struct cp_lcore_busy_hist *h;
	uint64_t span = (uint64_t)window_s * 1000000000u + CP_LCORE_BUSY_PERIOD_NS / 2;
	uint64_t dbusy, dtotal;
	uint32_t back = 1, old;

	if (lcore >= b->n_lcores || b->lc[lcore].n < 2)
		return false;
	h = &b->lc[lcore];
	/* Bounded by CP_LCORE_BUSY_SAMPLES steps. */
	for (uint32_t k = 2; k < h->n; k++) {
		if (b->t[b->head] - b->t[slot_back(b, k)] > span)
			break;
		back = k;
	}
	old = slot_back(b, back);
	dtotal = h->total[b->head] - h->total[old];
	dbusy = h->busy[b->head] - h->busy[old];
	if (dtotal == 0)
		return false;
	*ratio = dbusy >= dtotal ? 1.0 : (double)dbusy / (double)dtotal;
	return true;
}

/* Find the two counters' slots in the directory. @return false if either is missing. */
static bool
lcore_busy_find(struct cp_lcore_busy *b, const struct ipc_shm *shm)
{
	struct cp_stat st[LCORE_BUSY_CTRS_MAX];
	bool busy = false, total = false;
	int n = cp_stats_read(shm, "/dp/lcore/", st, LCORE_BUSY_CTRS_MAX);

	for (int i = 0; i < n; i++) {
		if (strcmp(st[i].desc.name, "/dp/lcore/busy_cycles") == 0) {
			b->busy_idx = st[i].desc.index;
			busy = true;
		} else if (strcmp(st[i].desc.name, "/dp/lcore/total_cycles") == 0) {
			b->total_idx = st[i].desc.index;
			total = true;
		}
	}
	b->have_idx = busy && total;
	return b->have_idx;
}

void
cp_lcore_busy_tick(struct cp_lcore_busy *b, const struct ipc_shm *shm, uint32_t epoch,
		   uint64_t now_ns)
{
	uint64_t busy[IPC_MAX_LCORES], total[IPC_MAX_LCORES];
	uint32_t n_lcores;

	if (shm == NULL) {
		if (b->epoch != 0 || b->n_lcores != 0) {
			cp_lcore_busy_reset(b, 0);
			b->epoch = 0;
			b->have_idx = false;
		}
		return;
	}
	n_lcores = shm->hdr->n_lcores < IPC_MAX_LCORES ? shm->hdr->n_lcores : IPC_MAX_LCORES;
	if (epoch != b->epoch || n_lcores != b->n_lcores) {
		cp_lcore_busy_reset(b, n_lcores);
		b->epoch = epoch;
		b->have_idx = false;
		b->next_ns = now_ns;
	}
	if ((int64_t)(now_ns - b->next_ns) < 0)
		return;
	b->next_ns += CP_LCORE_BUSY_PERIOD_NS;
	if ((int64_t)(now_ns - b->next_ns) >= 0)
		b->next_ns = now_ns + CP_LCORE_BUSY_PERIOD_NS;
	if (!b->have_idx && !lcore_busy_find(b, shm))
		return;
	/*
	 * busy before total: the dataplane adds to busy first, so busy is not
	 * ahead of total (were it, cp_lcore_busy_ratio() clamps).
	 */
	for (uint32_t l = 0; l < b->n_lcores; l++) {
		struct ipc_ctr_block *blk = ipc_shm_ctr_block(shm, l);

		busy[l] = ipc_ctr_get(blk, b->busy_idx);
		total[l] = ipc_ctr_get(blk, b->total_idx);
	}
	cp_lcore_busy_record(b, now_ns, busy, total);
}
