/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Each lcore's recent busy ratio: a once-a-second sampler of the
 *        dataplane's busy and total cycle counters.
 *
 * Every dataplane lcore counts /dp/lcore/busy_cycles (TSC cycles of loop
 * iterations that did work) and /dp/lcore/total_cycles in its own counter
 * block; their ratio since the dataplane started says little about what
 * the core does now. The control plane's loop calls cp_lcore_busy_tick()
 * on every timer tick; once every CP_LCORE_BUSY_PERIOD_NS it reads both
 * counters of every lcore straight from the shared segment (no IPC
 * request) into a ring of CP_LCORE_BUSY_SAMPLES samples, and
 * cp_lcore_busy_ratio() answers the busy ratio over the last 1, 10 or 60 s
 * (cp_lcore_busy_window_s[]): the busy cycles over the total cycles
 * between the newest sample and the oldest one no older than the window,
 * so with a shorter history the part of the window it has. `chivectl show
 * lcores` and the MetricsPort (chive_lcore_busy_ratio) show them.
 *
 * Unknown, never 0: an lcore with fewer than two samples since the sampler
 * (re)started, or whose total cycles did not move over the window, has no
 * ratio. A new dataplane (another attach epoch, another lcore count)
 * starts every lcore afresh; a counter that went back (a restarted
 * dataplane in the same segment) starts that lcore afresh.
 *
 * Bounds: fixed memory (the rings live in the struct, for IPC_MAX_LCORES
 * lcores); a sample costs two relaxed loads per lcore and no allocation;
 * only finding the two counters' slots in the directory, once per attach
 * (again once a period while they are missing), takes a directory snapshot.
 * Time is a parameter (CLOCK_MONOTONIC ns), so tests drive it by hand.
 *
 * Who may include it: controlplane/ and tests/.
 */
#ifndef CONTROLPLANE_STATS_LCORE_BUSY_H
#define CONTROLPLANE_STATS_LCORE_BUSY_H

#include <stdbool.h>
#include <stdint.h>

#include "common/ipc/ipc_abi.h"
#include "common/ipc/ipc_shm.h"

/** Time between samples, ns. */
#define CP_LCORE_BUSY_PERIOD_NS UINT64_C(1000000000)
/** Samples kept per lcore: 60 s back from the newest, with room for late ticks. */
#define CP_LCORE_BUSY_SAMPLES 64u
/** Windows reported; their lengths are cp_lcore_busy_window_s[]. */
#define CP_LCORE_BUSY_N_WINDOWS 3u

/** The windows' lengths, seconds: 1, 10, 60. */
extern const uint32_t cp_lcore_busy_window_s[CP_LCORE_BUSY_N_WINDOWS];

/** One lcore's samples; slot i of each array goes with cp_lcore_busy.t[i]. */
struct cp_lcore_busy_hist {
	uint64_t busy[CP_LCORE_BUSY_SAMPLES];  /**< /dp/lcore/busy_cycles, TSC cycles */
	uint64_t total[CP_LCORE_BUSY_SAMPLES]; /**< /dp/lcore/total_cycles, TSC cycles */
	uint32_t n; /**< Valid samples: the newest n slots, back from cp_lcore_busy.head. */
};

/**
 * The sampler. Zero-initialised it is valid and knows nothing (every ratio
 * unknown). Invariants: n_lcores <= IPC_MAX_LCORES; every lc[l].n <=
 * CP_LCORE_BUSY_SAMPLES and 0 for l >= n_lcores; t[] increases from the
 * oldest valid slot to head.
 */
struct cp_lcore_busy {
	uint32_t n_lcores;  /**< Lcores sampled (the segment's); 0: none. */
	uint32_t epoch;	    /**< The dataplane link's attach epoch sampled; 0: none. */
	uint32_t head;	    /**< Slot of the newest sample. */
	bool have_idx;	    /**< busy_idx and total_idx were found in the directory. */
	uint32_t busy_idx;  /**< Slot of /dp/lcore/busy_cycles in every counter block. */
	uint32_t total_idx; /**< Slot of /dp/lcore/total_cycles. */
	uint64_t next_ns;   /**< When to sample next (CLOCK_MONOTONIC ns). */
	uint64_t t[CP_LCORE_BUSY_SAMPLES]; /**< When each slot was sampled, ns. */
	struct cp_lcore_busy_hist lc[IPC_MAX_LCORES];
};

/** Forget every sample and sample @p n_lcores lcores (at most IPC_MAX_LCORES) from now on. */
void cp_lcore_busy_reset(struct cp_lcore_busy *b, uint32_t n_lcores);

/**
 * Record one sample of every lcore taken at @p now_ns: @p busy[l] and
 * @p total[l] for l < b->n_lcores. An lcore whose busy or total counter is
 * below its previous sample (the counters were reset) keeps only this
 * sample. A sample not later than the newest one is ignored.
 */
void cp_lcore_busy_record(struct cp_lcore_busy *b, uint64_t now_ns, const uint64_t *busy,
			  const uint64_t *total);

/**
 * Give lcore @p lcore's busy ratio over the last @p window_s seconds: busy
 * over total cycles from the oldest sample at most @p window_s (and half a
 * period) older than the newest one, up to the newest; if even the one
 * before the newest is older (the loop stalled), from that one.
 *
 * @param ratio
 *   Set to the ratio, within [0, 1] (busy is read before total, so it may
 *   run ahead: clamped), when the answer is true.
 * @return
 *   true; false when unknown: no such lcore, fewer than two samples, or
 *   total cycles that did not move.
 */
bool cp_lcore_busy_ratio(const struct cp_lcore_busy *b, uint32_t lcore, uint32_t window_s,
			 double *ratio);

/**
 * Sample the dataplane when due. @p shm is the attached segment (NULL while
 * the dataplane is down: forget everything) and @p epoch the link's attach
 * epoch (cp_dplink.epoch): a new epoch or lcore count restarts every
 * lcore, and the first sample is taken at once. Then one sample every
 * CP_LCORE_BUSY_PERIOD_NS (a late tick does not make up for missed ones).
 */
void cp_lcore_busy_tick(struct cp_lcore_busy *b, const struct ipc_shm *shm, uint32_t epoch,
			uint64_t now_ns);

#endif /* CONTROLPLANE_STATS_LCORE_BUSY_H */
