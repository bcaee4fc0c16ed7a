/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief A fixed-capacity hash map from 64-bit keys to non-zero 32-bit values.
 *
 * Open addressing with linear probing and backward-shift deletion (no
 * tombstones, so lookups stay short however many deletes happen). The table
 * is sized at creation (twice the entry limit, rounded up to a power of two)
 * and never grows: after launch nothing allocates. Keys are hashed with
 * SipHash-2-4 under a random per-map key, because peers choose some keys
 * (circuit ids) and must not be able to build long probe chains.
 *
 * Used for the circuit table ((channel, circuit id) → circuit) and the
 * channel identity index (RSA identity prefix → channel). One lcore owns a
 * map; nothing here is thread-safe.
 */
#ifndef DATAPLANE_BASE_DP_U64MAP_H
#define DATAPLANE_BASE_DP_U64MAP_H

#include <stdint.h>

struct dp_u64map {
	uint64_t *keys;
	uint32_t *vals;      /**< 0: empty slot */
	uint32_t mask;       /**< slots - 1 */
	uint32_t n;          /**< entries */
	uint32_t max;        /**< entry limit */
	uint8_t sipkey[16];
};

/**
 * Create a map for at most @p max_entries entries (>= 1) on NUMA socket
 * @p socket (start-up only: allocates).
 * @return 0, -EINVAL or -ENOMEM.
 */
int dp_u64map_init(struct dp_u64map *m, uint32_t max_entries, int socket);

/** Free the map. Accepts a zeroed struct. */
void dp_u64map_fini(struct dp_u64map *m);

/** Look @p key up. @return its value, or 0 when absent. */
uint32_t dp_u64map_get(const struct dp_u64map *m, uint64_t key);

/**
 * Insert @p key → @p val (non-zero), replacing any value it had.
 * @return 0; -EINVAL for val 0; -ENOSPC when the map holds max_entries.
 */
int dp_u64map_put(struct dp_u64map *m, uint64_t key, uint32_t val);

/** Remove @p key. @return 0 or -ENOENT. */
int dp_u64map_del(struct dp_u64map *m, uint64_t key);

#endif /* DATAPLANE_BASE_DP_U64MAP_H */
