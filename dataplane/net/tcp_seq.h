/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief TCP sequence-number arithmetic modulo 2^32 (RFC 9293 §3.4).
 *
 * Sequence numbers wrap, so "a < b" means "a is before b" in the 2^31
 * window behind b: the signed 32-bit difference decides. Header-only and
 * plain C (no DPDK), so the unit runner and the congestion-control and SACK
 * modules can use it.
 */
#ifndef DATAPLANE_NET_TCP_SEQ_H
#define DATAPLANE_NET_TCP_SEQ_H

#include <stdbool.h>
#include <stdint.h>

/** a < b (mod 2^32). */
static inline bool
seq_lt(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

/** a <= b (mod 2^32). */
static inline bool
seq_leq(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) <= 0;
}

/** a > b (mod 2^32). */
static inline bool
seq_gt(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) > 0;
}

/** a >= b (mod 2^32). */
static inline bool
seq_geq(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) >= 0;
}

/** lo <= x < hi (mod 2^32). */
static inline bool
seq_in(uint32_t x, uint32_t lo, uint32_t hi)
{
	return seq_leq(lo, x) && seq_lt(x, hi);
}

/** The later of a and b. */
static inline uint32_t
seq_max(uint32_t a, uint32_t b)
{
	return seq_gt(a, b) ? a : b;
}

/** The earlier of a and b. */
static inline uint32_t
seq_min(uint32_t a, uint32_t b)
{
	return seq_lt(a, b) ? a : b;
}

#endif /* DATAPLANE_NET_TCP_SEQ_H */
