/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Fixed-capacity 64-bit → 32-bit hash map (see dp_u64map.h).
 */
#include <errno.h>
#include <string.h>

#include <rte_common.h>
#include <rte_malloc.h>
#include <rte_random.h>

#include "dataplane/base/dp_siphash.h"
#include "dataplane/base/dp_u64map.h"

static inline uint32_t
slot_of(const struct dp_u64map *m, uint64_t key)
{
	return (uint32_t)dp_siphash24(m->sipkey, &key, sizeof(key)) & m->mask;
}

int
dp_u64map_init(struct dp_u64map *m, uint32_t max_entries, int socket)
{
	uint64_t slots = 16;

	memset(m, 0, sizeof(*m));
	if (max_entries == 0 || max_entries > (1u << 30))
		return -EINVAL;
	while (slots < 2ull * max_entries)
		slots <<= 1;
	m->keys = rte_zmalloc_socket("dp_u64map_k", slots * sizeof(*m->keys), RTE_CACHE_LINE_SIZE,
				     socket);
	m->vals = rte_zmalloc_socket("dp_u64map_v", slots * sizeof(*m->vals), RTE_CACHE_LINE_SIZE,
				     socket);
	if (m->keys == NULL || m->vals == NULL) {
		dp_u64map_fini(m);
		return -ENOMEM;
	}
	m->mask = (uint32_t)(slots - 1);
	m->max = max_entries;
	for (size_t i = 0; i < sizeof(m->sipkey); i += 8) {
		uint64_t r = rte_rand();

		memcpy(m->sipkey + i, &r, 8);
	}
	return 0;
}

void
dp_u64map_fini(struct dp_u64map *m)
{
	rte_free(m->keys);
	rte_free(m->vals);
	memset(m, 0, sizeof(*m));
}

uint32_t
dp_u64map_get(const struct dp_u64map *m, uint64_t key)
{
	uint32_t i;

	if (m->vals == NULL)
		return 0;
	for (i = slot_of(m, key); m->vals[i] != 0; i = (i + 1) & m->mask) {
		if (m->keys[i] == key)
			return m->vals[i];
	}
	return 0;
}

int
dp_u64map_put(struct dp_u64map *m, uint64_t key, uint32_t val)
{
	uint32_t i;

	if (val == 0 || m->vals == NULL)
		return -EINVAL;
	for (i = slot_of(m, key); m->vals[i] != 0; i = (i + 1) & m->mask) {
		if (m->keys[i] == key) {
			m->vals[i] = val;
			return 0;
		}
	}
	if (m->n >= m->max)
		return -ENOSPC;
	m->keys[i] = key;
	m->vals[i] = val;
	m->n++;
	return 0;
}

int
dp_u64map_del(struct dp_u64map *m, uint64_t key)
{
	uint32_t i, j, home;

	if (m->vals == NULL)
		return -ENOENT;
	for (i = slot_of(m, key); m->vals[i] != 0; i = (i + 1) & m->mask) {
		if (m->keys[i] == key)
			break;
	}
	if (m->vals[i] == 0)
		return -ENOENT;
	/* Backward-shift: move later members of the probe run into the hole
	 * when their home slot does not lie cyclically within (hole, j]. */
	j = i;
	for (;;) {
		j = (j + 1) & m->mask;
		if (m->vals[j] == 0)
			break;
		home = slot_of(m, m->keys[j]);
		if (((j - home) & m->mask) >= ((j - i) & m->mask)) {
			m->keys[i] = m->keys[j];
			m->vals[i] = m->vals[j];
			i = j;
		}
	}
	m->vals[i] = 0;
	m->keys[i] = 0;
	m->n--;
	return 0;
}
