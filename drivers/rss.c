/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Toeplitz hash, RETA model and RSS-aware source-port choice.
 *
 * The Toeplitz hash is linear over GF(2): the hash of a tuple is the XOR of
 * the key windows selected by its set bits. drv_rss_pick_sport() uses this
 * to hash the fixed part of the reply tuple (addresses and remote port)
 * once, then obtains each candidate port's hash by XORing in at most 16
 * precomputed windows, instead of rehashing 12 bytes per candidate.
 *
 * Plain C, no DPDK: linked into both the dataplane and the unit runner.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/base/byteorder.h"
#include "common/base/compiler.h"
#include "drivers/rss.h"

/** Bit offset of the destination port in the IPv4/TCP hash input. */
#define RSS_IPV4_TCP_DPORT_BIT 80

const uint8_t drv_rss_sym_key[DRV_RSS_KEY_LEN] = {
	0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a,
	0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a,
	0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a,
	0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a,
};

const uint8_t drv_rss_default_key[DRV_RSS_KEY_LEN] = {
	0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2,
	0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0,
	0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4,
	0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30, 0xf2, 0x0c,
	0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
};

/** Return key byte @p i, or 0 past the end of the key. */
static inline uint8_t
rss_key_byte(const uint8_t *key, size_t key_len, size_t i)
{
	return i < key_len ? key[i] : 0;
}

/** Return the 32 key bits starting at bit @p bit (MSB-first), zero-extended. */
static uint32_t
rss_key_window(const uint8_t *key, size_t key_len, size_t bit)
{
	size_t byte = bit / 8;
	uint64_t w = 0;
	size_t i;

	for (i = 0; i < 5; i++)
		w = w << 8 | rss_key_byte(key, key_len, byte + i);
	return (uint32_t)(w >> (8 - bit % 8));
}

uint32_t
drv_rss_toeplitz(const uint8_t *key, size_t key_len, const uint8_t *data, size_t len)
{
	uint32_t hash = 0;
	uint32_t win = 0;
	size_t i;
	int b;

	for (i = 0; i < 4; i++)
		win = win << 8 | rss_key_byte(key, key_len, i);
	/* win always holds key bits [8i + 7 - b, +32) when bit b of data[i] is tested. */
	for (i = 0; i < len; i++) {
		uint8_t next = rss_key_byte(key, key_len, i + 4);

		for (b = 7; b >= 0; b--) {
			if (data[i] & (1u << b))
				hash ^= win;
			win = win << 1 | ((uint32_t)next >> b & 1);
		}
	}
	return hash;
}

uint32_t
drv_rss_hash_ipv4_tcp(const uint8_t *key, size_t key_len, uint32_t saddr, uint32_t daddr,
		      uint16_t sport, uint16_t dport)
{
	uint8_t in[DRV_RSS_IPV4_TCP_LEN];

	be32_put(in, saddr);
	be32_put(in + 4, daddr);
	be16_put(in + 8, sport);
	be16_put(in + 10, dport);
	return drv_rss_toeplitz(key, key_len, in, sizeof(in));
}

void
drv_rss_reta_fill_round_robin(struct drv_rss_reta *r, uint16_t size, uint16_t n_queues)
{
	unsigned int i;

	if (n_queues == 0)
		n_queues = 1;
	r->size = size;
	for (i = 0; i < DRV_RSS_RETA_MAX; i++)
		r->queue[i] = (uint16_t)(i % n_queues);
}

uint16_t
drv_rss_queue(const struct drv_rss_reta *r, uint32_t hash)
{
	return r->queue[hash & (uint32_t)(r->size - 1) & (DRV_RSS_RETA_MAX - 1)];
}

/** True when some entry of @p r in use names queue @p q (at most size ≤ 512 reads). */
static bool
rss_reta_has_queue(const struct drv_rss_reta *r, uint16_t q)
{
	unsigned int i;

	for (i = 0; i < r->size; i++)
		if (r->queue[i] == q)
			return true;
	return false;
}

/** XOR of the windows @p win selects for the 16 bits of @p port (MSB-first). */
static inline uint32_t
rss_port_hash(const uint32_t win[16], uint16_t port)
{
	uint32_t h = 0;
	unsigned int j;

	for (j = 0; j < 16; j++)
		if (port & (0x8000u >> j))
			h ^= win[j];
	return h;
}

int
drv_rss_pick_sport(const uint8_t *key, size_t key_len, const struct drv_rss_reta *reta,
		   uint32_t local_addr, uint32_t remote_addr, uint16_t remote_port,
		   uint16_t want_queue, uint16_t lo, uint16_t hi, uint16_t start,
		   drv_rss_port_busy_fn *busy, void *busy_arg, uint16_t *sport)
{
	uint32_t win[16];
	uint32_t base, n, i;
	uint16_t port;
	unsigned int j;

	if (reta == NULL || sport == NULL || lo > hi || reta->size > DRV_RSS_RETA_MAX ||
	    !CHIVE_IS_POW2(reta->size))
		return -EINVAL;
	if (!rss_reta_has_queue(reta, want_queue))
		return -EADDRNOTAVAIL;

	/* Reply: remote_addr:remote_port → local_addr:port; hash it with port 0. */
	base = drv_rss_hash_ipv4_tcp(key, key_len, remote_addr, local_addr, remote_port, 0);
	for (j = 0; j < 16; j++)
		win[j] = rss_key_window(key, key_len, RSS_IPV4_TCP_DPORT_BIT + j);

	port = (start < lo || start > hi) ? lo : start;
	n = (uint32_t)hi - lo + 1;
	/* Bounded: each of the n ≤ 65536 ports in [lo, hi] is visited once. */
	for (i = 0; i < n; i++) {
		uint32_t h = base ^ rss_port_hash(win, port);

		if (drv_rss_queue(reta, h) == want_queue &&
		    (busy == NULL || !busy(busy_arg, port))) {
			*sport = port;
			return 0;
		}
		port = port == hi ? lo : (uint16_t)(port + 1);
	}
	return -EADDRNOTAVAIL;
}
