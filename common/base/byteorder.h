/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Big-endian load/store helpers on byte pointers.
 *
 * Tor's wire formats are big-endian ("network order", tor-spec.txt §0.1.1).
 * These helpers read and write through uint8_t pointers one byte at a time,
 * so they are safe on unaligned buffers and never violate strict aliasing;
 * compilers fold them into a single load plus bswap.
 */
#ifndef COMMON_BASE_BYTEORDER_H
#define COMMON_BASE_BYTEORDER_H

#include <stdint.h>

/** Read a big-endian 16-bit value from @p p. */
static inline uint16_t
be16_get(const uint8_t *p)
{
	return (uint16_t)((uint16_t)p[0] << 8 | p[1]);
}

/** Read a big-endian 32-bit value from @p p. */
static inline uint32_t
be32_get(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/** Read a big-endian 64-bit value from @p p. */
static inline uint64_t
be64_get(const uint8_t *p)
{
	return (uint64_t)be32_get(p) << 32 | be32_get(p + 4);
}

/** Write @p v big-endian at @p p. */
static inline void
be16_put(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/** Write @p v big-endian at @p p. */
static inline void
be32_put(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/** Write @p v big-endian at @p p. */
static inline void
be64_put(uint8_t *p, uint64_t v)
{
	be32_put(p, (uint32_t)(v >> 32));
	be32_put(p + 4, (uint32_t)v);
}

#endif /* COMMON_BASE_BYTEORDER_H */
