/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief SipHash-2-4, a keyed PRF for TCP ISNs (RFC 6528) and SYN cookies (RFC 4987).
 *
 * Plain C, constant work per call. The 128-bit key is per lcore, random at
 * start-up (rte_rand) so ISNs and cookies cannot be predicted off-path.
 */
#ifndef DATAPLANE_BASE_DP_SIPHASH_H
#define DATAPLANE_BASE_DP_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

/** Return SipHash-2-4 of @p len bytes at @p data under the 16-byte @p key. */
uint64_t dp_siphash24(const uint8_t key[16], const void *data, size_t len);

#endif /* DATAPLANE_BASE_DP_SIPHASH_H */
