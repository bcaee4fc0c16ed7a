/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief SipHash-2-4 (Aumasson and Bernstein, "SipHash: a fast short-input PRF", 2012).
 *
 * Written from the paper's description: four 64-bit state words initialised
 * from the key and the constants "somepseudorandomlygeneratedbytes", two
 * SipRounds per 8-byte message word, the length in the top byte of the last
 * word, then four finalisation rounds.
 */
#include <string.h>

#include "dataplane/base/dp_siphash.h"

static inline uint64_t
rotl64(uint64_t x, unsigned int b)
{
	return (x << b) | (x >> (64 - b));
}

static inline uint64_t
load_le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

#define SIPROUND(v0, v1, v2, v3)              \
	do {                                  \
		v0 += v1;                     \
		v1 = rotl64(v1, 13);          \
		v1 ^= v0;                     \
		v0 = rotl64(v0, 32);          \
		v2 += v3;                     \
		v3 = rotl64(v3, 16);          \
		v3 ^= v2;                     \
		v0 += v3;                     \
		v3 = rotl64(v3, 21);          \
		v3 ^= v0;                     \
		v2 += v1;                     \
		v1 = rotl64(v1, 17);          \
		v1 ^= v2;                     \
		v2 = rotl64(v2, 32);          \
	} while (0)

uint64_t
dp_siphash24(const uint8_t key[16], const void *data, size_t len)
{
	const uint8_t *p = data;
	uint64_t k0 = load_le64(key), k1 = load_le64(key + 8);
	uint64_t v0 = k0 ^ UINT64_C(0x736f6d6570736575);
	uint64_t v1 = k1 ^ UINT64_C(0x646f72616e646f6d);
	uint64_t v2 = k0 ^ UINT64_C(0x6c7967656e657261);
	uint64_t v3 = k1 ^ UINT64_C(0x7465646279746573);
	uint8_t last[8] = { 0 };
	uint64_t m;
	size_t full = len & ~(size_t)7;

	for (size_t i = 0; i < full; i += 8) {
		m = load_le64(p + i);
		v3 ^= m;
		SIPROUND(v0, v1, v2, v3);
		SIPROUND(v0, v1, v2, v3);
		v0 ^= m;
	}
	memcpy(last, p + full, len - full);
	last[7] = (uint8_t)len;
	m = load_le64(last);
	v3 ^= m;
	SIPROUND(v0, v1, v2, v3);
	SIPROUND(v0, v1, v2, v3);
	v0 ^= m;
	v2 ^= 0xff;
	for (int i = 0; i < 4; i++)
		SIPROUND(v0, v1, v2, v3);
	return v0 ^ v1 ^ v2 ^ v3;
}
