/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Counter directory and per-lcore counter blocks in the shared segment.
 *
 * Modelled on VPP's stats segment (CONVENTIONS.md §23): the dataplane writes a
 * directory once at start-up (name, kind, help and the counter's index in
 * every block), then each lcore updates only its own block of 64-bit values.
 * Readers (the controlplane, chivectl through it, the Prometheus exporter)
 * learn the names from the directory at run time, so no reader hard-codes a
 * counter, and sum the blocks across lcores.
 *
 * Consistency: every counter is one naturally aligned 64-bit word written with
 * a relaxed atomic store by its single owner, so a reader never sees a torn
 * value. The directory is guarded by @c epoch: odd while being changed, bumped
 * to the next even value when done; a reader copies it and retries if the
 * epoch was odd or moved (a seqlock with one writer).
 */
#ifndef COMMON_IPC_IPC_STATS_H
#define COMMON_IPC_IPC_STATS_H

#include <stdalign.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/base/compiler.h"

/** Bytes of a counter name, NUL included. Names are path-like: "/dp/ipc/evt_full". */
#define IPC_CTR_NAME_MAX 64
/** Bytes of a counter's one-line help text, NUL included. */
#define IPC_CTR_HELP_MAX 56
/** Kind of counter, stored in ipc_ctr_desc.kind. */
#define IPC_CTR_KIND_COUNTER 1u /**< Monotonic; summed across lcores. */
#define IPC_CTR_KIND_GAUGE 2u   /**< Current level; summed across lcores. */

/** One directory entry. */
struct ipc_ctr_desc {
	char name[IPC_CTR_NAME_MAX]; /**< NUL-terminated; [a-z0-9_/] starting with '/'. */
	char help[IPC_CTR_HELP_MAX]; /**< NUL-terminated, printable ASCII. */
	uint16_t kind;               /**< IPC_CTR_KIND_* */
	uint16_t pad;
	uint32_t index;              /**< Slot in every counter block. */
};
_Static_assert(sizeof(struct ipc_ctr_desc) == 128, "ABI");

/** Directory header; @c max entries follow. */
struct ipc_ctr_dir {
	_Atomic uint32_t epoch; /**< Odd while the writer changes the directory. */
	uint32_t n;             /**< Entries in use. */
	uint32_t max;           /**< Entries allocated; immutable. */
	uint32_t pad;
	alignas(CHIVE_CACHE_LINE) struct ipc_ctr_desc desc[];
};
_Static_assert(offsetof(struct ipc_ctr_dir, desc) == CHIVE_CACHE_LINE, "ABI");

/** A counter block: @c max 64-bit values owned by one lcore. */
struct ipc_ctr_block {
	alignas(CHIVE_CACHE_LINE) _Atomic uint64_t v[1]; /**< Really [max]; see ipc_ctr_block_size(). */
};

/** Bytes of a directory with room for @p max entries. */
static inline size_t
ipc_ctr_dir_size(uint32_t max)
{
	return sizeof(struct ipc_ctr_dir) + (size_t)max * sizeof(struct ipc_ctr_desc);
}

/** Bytes of one counter block of @p max counters, rounded to a cache line. */
static inline size_t
ipc_ctr_block_size(uint32_t max)
{
	return CHIVE_ALIGN_UP((size_t)max * sizeof(uint64_t), (size_t)CHIVE_CACHE_LINE);
}

/** Add @p n to counter @p idx of a block owned by the caller (single writer). */
static inline void
ipc_ctr_add(struct ipc_ctr_block *b, uint32_t idx, uint64_t n)
{
	uint64_t v = atomic_load_explicit(&b->v[idx], memory_order_relaxed);

	atomic_store_explicit(&b->v[idx], v + n, memory_order_relaxed);
}

/** Set gauge @p idx of a block owned by the caller to @p v. */
static inline void
ipc_ctr_set(struct ipc_ctr_block *b, uint32_t idx, uint64_t v)
{
	atomic_store_explicit(&b->v[idx], v, memory_order_relaxed);
}

/** Read counter @p idx of a block (any reader). */
static inline uint64_t
ipc_ctr_get(struct ipc_ctr_block *b, uint32_t idx)
{
	return atomic_load_explicit(&b->v[idx], memory_order_relaxed);
}

/** Initialise an empty directory with room for @p max entries (creator only). */
void ipc_ctr_dir_init(struct ipc_ctr_dir *d, uint32_t max);

/** Mark the directory as being changed (writer only; makes the epoch odd). */
void ipc_ctr_dir_begin(struct ipc_ctr_dir *d);

/** Publish the changes made since ipc_ctr_dir_begin() (makes the epoch even). */
void ipc_ctr_dir_end(struct ipc_ctr_dir *d);

/**
 * Append a counter to the directory (writer only, between begin and end).
 *
 * @return
 *   The counter's index in every block; -EINVAL for a malformed name, help
 *   text or kind; -EEXIST if the name is already present; -ENOSPC when full.
 */
int ipc_ctr_dir_add(struct ipc_ctr_dir *d, const char *name, uint16_t kind, const char *help);

/** Return true if @p name is a well-formed counter name. */
bool ipc_ctr_name_is_valid(const char *name);

/**
 * Copy a consistent snapshot of the directory (reader side).
 *
 * Retries while the writer is active, at most @c IPC_CTR_SNAPSHOT_TRIES times.
 * Entries that fail validation (unterminated name, bad kind, index beyond
 * @p block_max) are skipped and counted in @p n_bad.
 *
 * @param out
 *   Array of @p out_max entries.
 * @param block_max
 *   Number of counters in each block, to bound indices.
 * @param n_out
 *   Set to the number of entries copied.
 * @param n_bad
 *   Set to the number of entries skipped; may be NULL.
 * @return
 *   0; -EAGAIN if the writer never finished while we retried.
 */
int ipc_ctr_dir_snapshot(const struct ipc_ctr_dir *d, struct ipc_ctr_desc *out, uint32_t out_max,
			 uint32_t block_max, uint32_t *n_out, uint32_t *n_bad);

/** Retries ipc_ctr_dir_snapshot() makes before giving up. */
#define IPC_CTR_SNAPSHOT_TRIES 1000

#endif /* COMMON_IPC_IPC_STATS_H */
