/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Seeded fault injection on mbuf bursts: drop, duplicate, reorder, delay.
 *
 * The test kernel has no netem (ARCHITECTURE.md §5), so the driver path can
 * run every burst it receives or transmits through a struct drv_fault. Each
 * packet draws one 64-bit number from a splitmix64 generator seeded by the
 * configuration, whose three 20-bit fields decide drop, duplicate and
 * reorder independently; delay jitter and the reorder distance draw one more
 * number each when used. The same seed and the same sequence of calls
 * (bursts, caps, clock values) therefore give the same faults on every run.
 *
 * Stages, in order, for each packet of a burst:
 * 1. drop: freed and counted;
 * 2. duplicate: a deep copy (rte_pktmbuf_copy() into the clone pool) follows
 *    the original; an empty pool skips the copy and counts @c dup_nomem;
 * 3. delay: when @c delay_us or @c delay_jitter_us is set, held until
 *    now_us ≥ arrival + delay_us ± a uniform jitter (never below 0), like
 *    netem's "delay D J"; a copy is held with its original;
 * 4. reorder: on its way out, held until the next 1 to
 *    DRV_FAULT_REORDER_GAP_MAX packets have gone out (or, with no traffic,
 *    DRV_FAULT_REORDER_TIMEOUT_US have passed), so it arrives after them.
 *    It is returned only where the burst has room (see drv_fault_apply()),
 *    so give bursts a few spare slots or it may go out later, at the next
 *    call with room or at drv_fault_drain().
 *
 * All storage is inside struct drv_fault: a binary min-heap of
 * DRV_FAULT_HOLD_MAX delayed packets ordered by (release time, arrival)
 * and DRV_FAULT_REORDER_MAX reorder slots. When a holding area is full the
 * packet passes through unheld and @c hold_full is counted. No allocation
 * besides the copies; no syscalls; no logging.
 *
 * Who may include it: drivers/, tests/, and the dataplane's port set-up,
 * which wraps rte_eth_rx_burst()/rte_eth_tx_burst() with it when a fault
 * spec is configured (an exception to CONVENTIONS.md §15, which lists only
 * port.h and rss.h).
 */
#ifndef DRIVERS_FAULT_H
#define DRIVERS_FAULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_branch_prediction.h>

struct rte_mbuf;
struct rte_mempool;

/** Delayed packets held at once; more pass through undelayed (@c hold_full). */
#define DRV_FAULT_HOLD_MAX 1024
/** Packets held for reordering at once; more pass through in order (@c hold_full). */
#define DRV_FAULT_REORDER_MAX 32
/** A reordered packet goes out after 1 to this many later packets. */
#define DRV_FAULT_REORDER_GAP_MAX 3
/** A reordered packet goes out at the latest this long after it was held (µs). */
#define DRV_FAULT_REORDER_TIMEOUT_US 1000
/** One million: rates are in parts per million. */
#define DRV_FAULT_PPM 1000000u

/** A fault configuration; all zero disables every fault. */
struct drv_fault_conf {
	uint64_t seed;		/**< PRNG seed: the same seed gives the same faults. */
	uint32_t drop_ppm;	/**< Drop probability, parts per million (≤ 1e6). */
	uint32_t dup_ppm;	/**< Duplicate probability, ppm (≤ 1e6). */
	uint32_t reorder_ppm;	/**< Reorder probability, ppm (≤ 1e6). */
	uint32_t delay_us;	/**< Delay of every packet, µs. */
	uint32_t delay_jitter_us; /**< Uniform jitter added to the delay, ± µs. */
};

/** A packet in the delay heap. */
struct drv_fault_held {
	struct rte_mbuf *m;
	uint64_t release_us;	/**< Due when now_us ≥ this (µs, the caller's clock). */
	uint64_t order;		/**< Arrival number << 1 | reorder flag; breaks ties FIFO. */
};

/** A packet held for reordering. */
struct drv_fault_reorder {
	struct rte_mbuf *m;
	uint64_t after;		/**< Due once @c passed ≥ this. */
	uint64_t deadline_us;	/**< ...or once now_us ≥ this (µs). */
};

/**
 * Fault-injection state for one direction of one queue. Embed it in the
 * owner's per-lcore context; it is not thread-safe.
 *
 * Invariants: @c n_held = @c n_delay + @c n_reorder; held[0 .. n_delay) is
 * a min-heap on (release_us, order); reorder[0 .. n_reorder) is in hold
 * order. Every held mbuf is owned here until it is returned or freed by
 * drv_fault_fini(). @c enabled is false only if the configuration is all
 * zero, in which case nothing is ever held.
 */
struct drv_fault {
	bool enabled;		/**< Any fault configured: the pass-through test. */
	bool delay_on;		/**< delay_us or delay_jitter_us is set. */
	uint32_t drop_thr;	/**< Drop when a 20-bit draw is below this. */
	uint32_t dup_thr;	/**< Duplicate when a 20-bit draw is below this. */
	uint32_t reorder_thr;	/**< Reorder when a 20-bit draw is below this. */
	uint32_t n_held;	/**< Packets held in total. */
	uint32_t n_delay;	/**< Packets in the delay heap. */
	uint32_t n_reorder;	/**< Packets in the reorder slots. */
	uint64_t rng;		/**< splitmix64 state. */
	uint64_t arrivals;	/**< Packets put into the delay heap, ever (tie-break). */
	uint64_t passed;	/**< Packets returned to the caller, ever. */
	struct rte_mempool *clone_pool; /**< Where copies come from. */
	struct drv_fault_conf conf; /**< The configuration, as given. */

	uint64_t dropped;	/**< Packets freed by the drop stage. */
	uint64_t duplicated;	/**< Copies made. */
	uint64_t reordered;	/**< Packets held for reordering. */
	uint64_t delayed;	/**< Packets held for delay (copies not counted). */
	uint64_t dup_nomem;	/**< Copies skipped: clone pool empty. */
	uint64_t hold_full;	/**< Packets or copies not held: holding area full. */

	struct drv_fault_reorder reorder[DRV_FAULT_REORDER_MAX];
	struct drv_fault_held held[DRV_FAULT_HOLD_MAX];
};

/**
 * Initialise @p f from @p c. Allocates nothing.
 *
 * @param clone_pool
 *   Pool for duplicates; may be NULL when @c dup_ppm is 0.
 * @return
 *   0, or -EINVAL if @p f or @p c is NULL, a rate exceeds 1e6 ppm, or
 *   @c dup_ppm is set without a clone pool.
 */
int drv_fault_init(struct drv_fault *f, const struct drv_fault_conf *c,
		   struct rte_mempool *clone_pool);

/**
 * Free every held mbuf. @p f may be initialised again afterwards; the
 * counters are kept. Accepts NULL.
 */
void drv_fault_fini(struct drv_fault *f);

/** Out-of-line body of drv_fault_apply() when a fault is configured. */
uint16_t drv_fault_apply_burst(struct drv_fault *f, struct rte_mbuf **pkts, uint16_t n,
			       uint16_t cap, uint64_t now_us);

/** Out-of-line body of drv_fault_drain() when packets are held. */
uint16_t drv_fault_drain_held(struct drv_fault *f, struct rte_mbuf **pkts, uint16_t cap,
			      uint64_t now_us);

/**
 * Apply the configured faults to the burst pkts[0 .. n), in place.
 *
 * Takes every mbuf of the burst: each is returned in pkts[], held, or freed.
 * Copies and held packets that are now due are returned among and after
 * the surviving input, so the result may be longer than @p n, but never
 * longer than @p cap. They use only slots freed by drops and holds of this
 * burst or the spare capacity cap - n: due packets that do not fit stay
 * held, copies that do not fit wait in the delay heap (due at once) or, if
 * that is full, are skipped and counted in @c hold_full. A polling loop
 * should pass a few slots more than its receive burst (e.g. cap = burst +
 * 8) and call drv_fault_drain() every iteration.
 * With an all-zero configuration this is a single test and returns @p n.
 *
 * @param pkts
 *   The burst; room for @p cap pointers.
 * @param n
 *   Packets in the burst.
 * @param cap
 *   Capacity of @p pkts, ≥ @p n (a smaller value is taken as @p n).
 * @param now_us
 *   The caller's clock in µs (a virtual clock in tests); non-decreasing.
 * @return
 *   Number of packets now in pkts[0 ..); the caller owns them.
 */
static inline uint16_t
drv_fault_apply(struct drv_fault *f, struct rte_mbuf **pkts, uint16_t n, uint16_t cap,
		uint64_t now_us)
{
	if (likely(!f->enabled))
		return n;
	return drv_fault_apply_burst(f, pkts, n, cap, now_us);
}

/**
 * Return held packets that are due at @p now_us, at most @p cap of them,
 * into pkts[0 ..). Call once per loop iteration, so that delayed packets
 * leave even when no new traffic arrives.
 *
 * @return
 *   Number of packets written; the caller owns them.
 */
static inline uint16_t
drv_fault_drain(struct drv_fault *f, struct rte_mbuf **pkts, uint16_t cap, uint64_t now_us)
{
	if (likely(f->n_held == 0))
		return 0;
	return drv_fault_drain_held(f, pkts, cap, now_us);
}

/**
 * Parse a fault spec such as "seed=42,drop=1%,dup=0.5%,reorder=1%,delay=200us,jitter=50us".
 *
 * Keys: seed (decimal or 0x hex), drop, dup, reorder (a percentage with up
 * to four decimals, "0.0001%" = 1 ppm, or "Nppm"; at most 100%), delay and
 * jitter (a number with a unit: us, ms or s; ms and s take decimals down to
 * 1 µs). Keys may appear once each, in any order; absent keys are 0; the
 * empty string disables all faults. @p c is written only on success.
 *
 * @param err
 *   Buffer for a one-line message on failure; may be NULL if @p errlen is 0.
 * @return
 *   0, or -EINVAL with a message naming the offending item.
 */
int drv_fault_conf_parse(const char *spec, struct drv_fault_conf *c, char *err, size_t errlen);

#endif /* DRIVERS_FAULT_H */
