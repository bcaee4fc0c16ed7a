/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Single-producer/single-consumer ring of fixed-size slots in shared memory.
 *
 * The ring is the only channel between chive-dataplane and chive-controlplane
 * (ARCHITECTURE.md §4, CONVENTIONS.md §23). It lives inside the shared
 * segment, so it holds no pointers: a header with two free-running 32-bit
 * indices, each on its own cache line, then @c nslots slots of @c slot_size
 * bytes each.
 *
 * Invariants (indices are free-running and compared modulo 2^32):
 *  - only the producer writes @c head and @c full_count;
 *  - only the consumer writes @c tail;
 *  - 0 <= head - tail <= nslots; slot i lives at (i & mask) * slot_size;
 *  - the producer publishes a slot by storing @c head with release order after
 *    writing the slot; the consumer loads @c head with acquire order before
 *    reading it, and stores @c tail with release order after it is done, so the
 *    producer (loading @c tail with acquire) never overwrites a slot still being
 *    read.
 *
 * Each side keeps a process-local handle (struct ipc_ring_prod / ipc_ring_cons)
 * holding a validated copy of the immutable geometry and a cached copy of the
 * other side's index, as in Linux's xsk.h: the shared index is re-read only
 * when the cached one says the ring looks full (producer) or empty (consumer).
 * A peer that scribbles over the shared header can make the ring look full or
 * empty, but never makes this side read or write outside the slot array,
 * because geometry comes from the local copy and indices are masked.
 *
 * Neither side ever waits: a full ring makes ipc_ring_push() fail with
 * -ENOBUFS and increments @c full_count (house rule 1), and the caller drops
 * and counts.
 */
#ifndef COMMON_IPC_IPC_RING_H
#define COMMON_IPC_IPC_RING_H

#include <errno.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "common/base/compiler.h"

_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "32-bit atomics must be lock-free to work across processes");
_Static_assert(ATOMIC_LLONG_LOCK_FREE == 2, "64-bit atomics must be lock-free to work across processes");

/** Largest number of slots a ring may have. */
#define IPC_RING_MAX_SLOTS (1u << 20)
/** Largest slot size in bytes. */
#define IPC_RING_MAX_SLOT_SIZE 4096u
/** Slot sizes are multiples of this (keeps every slot 8-byte aligned). */
#define IPC_RING_SLOT_ALIGN 8u

/** Shared ring header followed by the slots. Layout is part of the IPC ABI. */
struct ipc_ring {
	/* Producer cache line. */
	alignas(CHIVE_CACHE_LINE) _Atomic uint32_t head; /**< Next index to write; producer only. */
	uint32_t pad0;
	_Atomic uint64_t full_count; /**< Pushes refused because the ring was full; producer only. */
	/* Consumer cache line. */
	alignas(CHIVE_CACHE_LINE) _Atomic uint32_t tail; /**< Next index to read; consumer only. */
	uint32_t pad1;
	/* Immutable after ipc_ring_init(). */
	alignas(CHIVE_CACHE_LINE) uint32_t nslots; /**< Power of two. */
	uint32_t slot_size;                        /**< Bytes per slot, multiple of 8. */
	alignas(CHIVE_CACHE_LINE) uint8_t slots[];
};

_Static_assert(offsetof(struct ipc_ring, head) == 0, "ABI");
_Static_assert(offsetof(struct ipc_ring, tail) == CHIVE_CACHE_LINE, "ABI");
_Static_assert(offsetof(struct ipc_ring, nslots) == 2 * CHIVE_CACHE_LINE, "ABI");
_Static_assert(offsetof(struct ipc_ring, slots) == 3 * CHIVE_CACHE_LINE, "ABI");

/** Process-local producer handle. */
struct ipc_ring_prod {
	struct ipc_ring *r;
	uint32_t mask;        /**< nslots - 1, validated copy. */
	uint32_t nslots;      /**< Validated copy. */
	uint32_t slot_size;   /**< Validated copy. */
	uint32_t head;        /**< Local copy of r->head (we are its only writer). */
	uint32_t cached_tail; /**< Last tail read from the consumer. */
};

/** Process-local consumer handle. */
struct ipc_ring_cons {
	struct ipc_ring *r;
	uint32_t mask;
	uint32_t nslots;
	uint32_t slot_size;
	uint32_t tail;        /**< Local copy of r->tail (we are its only writer). */
	uint32_t cached_head; /**< Last head read from the producer. */
};

/**
 * Return the bytes a ring of @p nslots slots of @p slot_size bytes needs,
 * rounded up to a cache line; 0 if the geometry is invalid.
 */
static inline size_t
ipc_ring_mem_size(uint32_t nslots, uint32_t slot_size)
{
	if (!CHIVE_IS_POW2(nslots) || nslots > IPC_RING_MAX_SLOTS || slot_size == 0 ||
	    slot_size > IPC_RING_MAX_SLOT_SIZE || slot_size % IPC_RING_SLOT_ALIGN != 0)
		return 0;
	return CHIVE_ALIGN_UP(sizeof(struct ipc_ring) + (size_t)nslots * slot_size,
			      (size_t)CHIVE_CACHE_LINE);
}

/**
 * Initialise an empty ring in @p mem (creator side only, before publishing).
 *
 * @return
 *   0, or -EINVAL if the geometry is invalid or @p mem_len too small.
 */
static inline int
ipc_ring_init(void *mem, size_t mem_len, uint32_t nslots, uint32_t slot_size)
{
	size_t need = ipc_ring_mem_size(nslots, slot_size);
	struct ipc_ring *r = mem;

	if (need == 0 || mem_len < need || ((uintptr_t)mem % CHIVE_CACHE_LINE) != 0)
		return -EINVAL;
	memset(mem, 0, sizeof(*r));
	r->nslots = nslots;
	r->slot_size = slot_size;
	atomic_store_explicit(&r->head, 0, memory_order_relaxed);
	atomic_store_explicit(&r->tail, 0, memory_order_relaxed);
	atomic_store_explicit(&r->full_count, 0, memory_order_relaxed);
	return 0;
}

/** Validate the geometry of a ring in @p mem_len bytes of memory (either side). */
static inline bool
ipc_ring_is_valid(const struct ipc_ring *r, size_t mem_len)
{
	size_t need;

	if (mem_len < sizeof(*r))
		return false;
	need = ipc_ring_mem_size(r->nslots, r->slot_size);
	return need != 0 && need <= mem_len;
}

/**
 * Bind a producer handle to ring @p r that occupies @p mem_len bytes.
 *
 * @return
 *   0, or -EINVAL if the ring's geometry is invalid.
 */
static inline int
ipc_ring_prod_init(struct ipc_ring_prod *p, struct ipc_ring *r, size_t mem_len)
{
	if (!ipc_ring_is_valid(r, mem_len))
		return -EINVAL;
	p->r = r;
	p->nslots = r->nslots;
	p->mask = r->nslots - 1;
	p->slot_size = r->slot_size;
	p->head = atomic_load_explicit(&r->head, memory_order_relaxed);
	p->cached_tail = atomic_load_explicit(&r->tail, memory_order_acquire);
	return 0;
}

/**
 * Bind a consumer handle to ring @p r that occupies @p mem_len bytes.
 *
 * @return
 *   0, or -EINVAL if the ring's geometry is invalid.
 */
static inline int
ipc_ring_cons_init(struct ipc_ring_cons *c, struct ipc_ring *r, size_t mem_len)
{
	if (!ipc_ring_is_valid(r, mem_len))
		return -EINVAL;
	c->r = r;
	c->nslots = r->nslots;
	c->mask = r->nslots - 1;
	c->slot_size = r->slot_size;
	c->tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
	c->cached_head = atomic_load_explicit(&r->head, memory_order_acquire);
	return 0;
}

/** Return a pointer to the slot for free-running index @p idx. */
static inline void *
ipc_ring_slot_(struct ipc_ring *r, uint32_t mask, uint32_t slot_size, uint32_t idx)
{
	return r->slots + (size_t)(idx & mask) * slot_size;
}

/**
 * Reserve up to @p n free slots for writing.
 *
 * @param idx
 *   Set to the free-running index of the first reserved slot.
 * @return
 *   Number of slots reserved (0 when the ring is full). The caller fills them
 *   with ipc_ring_prod_slot() and publishes them with ipc_ring_prod_submit().
 */
static inline uint32_t
ipc_ring_prod_reserve(struct ipc_ring_prod *p, uint32_t n, uint32_t *idx)
{
	uint32_t used = p->head - p->cached_tail;
	uint32_t free_slots = used <= p->nslots ? p->nslots - used : 0;

	if (free_slots < n) {
		p->cached_tail = atomic_load_explicit(&p->r->tail, memory_order_acquire);
		used = p->head - p->cached_tail;
		/* A consumer index outside the window is corrupt: treat as full. */
		free_slots = used <= p->nslots ? p->nslots - used : 0;
	}
	if (n > free_slots)
		n = free_slots;
	*idx = p->head;
	return n;
}

/** Free slots now (re-reads the consumer's index). */
static inline uint32_t
ipc_ring_prod_free(struct ipc_ring_prod *p)
{
	uint32_t used;

	p->cached_tail = atomic_load_explicit(&p->r->tail, memory_order_acquire);
	used = p->head - p->cached_tail;
	return used <= p->nslots ? p->nslots - used : 0;
}

/** Return the slot for a reserved free-running index. */
static inline void *
ipc_ring_prod_slot(struct ipc_ring_prod *p, uint32_t idx)
{
	return ipc_ring_slot_(p->r, p->mask, p->slot_size, idx);
}

/** Publish @p n slots previously reserved (in order). */
static inline void
ipc_ring_prod_submit(struct ipc_ring_prod *p, uint32_t n)
{
	p->head += n;
	atomic_store_explicit(&p->r->head, p->head, memory_order_release);
}

/** Count @p n messages the producer dropped because the ring was full. */
static inline void
ipc_ring_prod_count_full(struct ipc_ring_prod *p, uint32_t n)
{
	uint64_t v = atomic_load_explicit(&p->r->full_count, memory_order_relaxed);

	atomic_store_explicit(&p->r->full_count, v + n, memory_order_relaxed);
}

/**
 * Copy one message of @p len bytes into the next slot and publish it.
 *
 * The rest of the slot is zeroed, so no stale bytes (possibly key material)
 * from an earlier message remain readable after the consumer is done.
 *
 * @return
 *   0; -EMSGSIZE if @p len exceeds the slot size; -ENOBUFS if the ring is
 *   full (the refusal is counted in full_count).
 */
static inline int
ipc_ring_push(struct ipc_ring_prod *p, const void *msg, size_t len)
{
	uint32_t idx;
	uint8_t *slot;

	if (len > p->slot_size)
		return -EMSGSIZE;
	if (ipc_ring_prod_reserve(p, 1, &idx) == 0) {
		ipc_ring_prod_count_full(p, 1);
		return -ENOBUFS;
	}
	slot = ipc_ring_prod_slot(p, idx);
	memcpy(slot, msg, len);
	memset(slot + len, 0, p->slot_size - len);
	ipc_ring_prod_submit(p, 1);
	return 0;
}

/**
 * Find up to @p n filled slots to read.
 *
 * @param idx
 *   Set to the free-running index of the first readable slot.
 * @return
 *   Number of readable slots (0 when empty). Read them with
 *   ipc_ring_cons_slot() and hand them back with ipc_ring_cons_release().
 */
static inline uint32_t
ipc_ring_cons_peek(struct ipc_ring_cons *c, uint32_t n, uint32_t *idx)
{
	uint32_t avail = c->cached_head - c->tail;

	if (avail < n || avail > c->nslots) {
		c->cached_head = atomic_load_explicit(&c->r->head, memory_order_acquire);
		avail = c->cached_head - c->tail;
		/* A producer index outside the window is corrupt: read nothing. */
		if (avail > c->nslots)
			avail = 0;
	}
	if (n > avail)
		n = avail;
	*idx = c->tail;
	return n;
}

/** Return the readable slot for a peeked free-running index. */
static inline const void *
ipc_ring_cons_slot(struct ipc_ring_cons *c, uint32_t idx)
{
	return ipc_ring_slot_(c->r, c->mask, c->slot_size, idx);
}

/**
 * Zero a peeked slot before releasing it, for messages that carried secrets
 * (relay keys): the slot belongs to the consumer until released, and the
 * shared mapping is writable by both sides. Volatile stores, so the wipe is
 * not optimised away.
 */
static inline void
ipc_ring_cons_slot_wipe(struct ipc_ring_cons *c, uint32_t idx)
{
	volatile uint8_t *p = (volatile uint8_t *)ipc_ring_slot_(c->r, c->mask, c->slot_size, idx);

	for (uint32_t i = 0; i < c->slot_size; i++)
		p[i] = 0;
}

/** Give @p n read slots back to the producer (in order). */
static inline void
ipc_ring_cons_release(struct ipc_ring_cons *c, uint32_t n)
{
	c->tail += n;
	atomic_store_explicit(&c->r->tail, c->tail, memory_order_release);
}

/**
 * Copy the next message out of the ring into @p buf and release its slot.
 *
 * @return
 *   Number of bytes copied (min(slot size, @p buflen)), or -EAGAIN when the
 *   ring is empty.
 */
static inline int
ipc_ring_pop(struct ipc_ring_cons *c, void *buf, size_t buflen)
{
	uint32_t idx;
	size_t len = c->slot_size < buflen ? c->slot_size : buflen;

	if (ipc_ring_cons_peek(c, 1, &idx) == 0)
		return -EAGAIN;
	memcpy(buf, ipc_ring_cons_slot(c, idx), len);
	ipc_ring_cons_release(c, 1);
	return (int)len;
}

/** Return the number of messages waiting (consumer's view, re-reads head). */
static inline uint32_t
ipc_ring_cons_count(struct ipc_ring_cons *c)
{
	uint32_t idx;

	return ipc_ring_cons_peek(c, c->nslots, &idx);
}

/** Read the producer's full counter (any side; relaxed). */
static inline uint64_t
ipc_ring_full_count(const struct ipc_ring *r)
{
	return atomic_load_explicit(&r->full_count, memory_order_relaxed);
}

#endif /* COMMON_IPC_IPC_RING_H */
