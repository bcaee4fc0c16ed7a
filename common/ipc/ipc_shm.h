/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Create (dataplane) or attach to and validate (controlplane) the shared segment.
 *
 * The segment is a POSIX shared-memory object (/dev/shm/NAME), so the
 * controlplane can attach by name and can crash and re-attach without the
 * dataplane noticing. The dataplane creates it, builds every ring and the
 * counter directory, and only then release-stores IPC_SEG_STATE_READY;
 * ipc_shm_attach() refuses a segment that is not READY yet. On shutdown the
 * dataplane marks it STOPPING and unlinks it (ipc_shm_destroy()).
 *
 * This is the only file in common/ that makes system calls.
 */
#ifndef COMMON_IPC_IPC_SHM_H
#define COMMON_IPC_IPC_SHM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/ipc/ipc_abi.h"
#include "common/ipc/ipc_ring.h"
#include "common/ipc/ipc_stats.h"

/** Longest segment name, without the leading '/', NUL included. */
#define IPC_SHM_NAME_MAX 64

/** What the creator asks for. */
struct ipc_seg_geom {
	uint32_t n_lcores;
	uint32_t lcore_ids[IPC_MAX_LCORES];
	uint32_t ring_slots[IPC_RING_COUNT];     /**< Powers of two. */
	uint32_t ring_slot_size[IPC_RING_COUNT]; /**< Multiples of 8. */
	uint32_t ctr_max;                        /**< Counters per block. */
};

/** A mapped segment (process-local). */
struct ipc_shm {
	struct ipc_seg_hdr *hdr; /**< Start of the mapping. */
	size_t size;             /**< Bytes mapped. */
	int fd;
	bool owner;              /**< True in the creator: it unlinks on destroy. */
	char name[IPC_SHM_NAME_MAX];
};

/**
 * Return true if @p name is a usable segment name: 1–62 characters from
 * [A-Za-z0-9._-], not starting with '.'. (It also becomes part of paths such
 * as EAL's --file-prefix, so nothing else is allowed.)
 */
bool ipc_shm_name_is_valid(const char *name);

/** Fill @p g with Chive's default ring geometry for @p n_lcores lcores. */
void ipc_seg_geom_default(struct ipc_seg_geom *g, uint32_t n_lcores);

/** Bytes a segment of geometry @p g occupies; 0 if @p g is invalid. */
size_t ipc_seg_size(const struct ipc_seg_geom *g);

/**
 * Lay out an empty segment in @p mem (@p size bytes, zeroed, cache-line
 * aligned): header, lcore table, directory, rings. Leaves state at INIT.
 *
 * @return
 *   0, or -EINVAL if @p g is invalid or @p size does not match it.
 */
int ipc_seg_format(void *mem, size_t size, const struct ipc_seg_geom *g, uint32_t pid);

/**
 * Check a mapped segment before any use.
 *
 * Checks, in order: magic, ABI version, header size, recorded size against
 * @p mapped_size, lcore count, ring geometry, and that every offset plus the
 * extent it points at stays inside the mapping and is cache-line aligned.
 *
 * @param err
 *   Receives a one-line reason naming the mismatch (may be NULL).
 * @return
 *   0; -EPROTO for a wrong magic; -EPROTONOSUPPORT for a wrong ABI version;
 *   -EBADMSG for a wrong size, header size or geometry; -ERANGE for an
 *   offset outside the mapping.
 */
int ipc_seg_validate(const void *mem, size_t mapped_size, char *err, size_t errlen);

/**
 * Create segment @p name (without '/') for geometry @p g, owned by @p pid.
 *
 * An existing segment of that name whose owner process is gone is a leftover
 * of a crash and is replaced; one whose owner is alive makes this fail.
 *
 * @return
 *   0; -EEXIST if a live dataplane owns @p name; -EINVAL for a bad name or
 *   geometry; another -errno from shm_open/ftruncate/mmap.
 */
int ipc_shm_create(const char *name, const struct ipc_seg_geom *g, uint32_t pid,
		   struct ipc_shm *out, char *err, size_t errlen);

/** Mark a created segment READY (release store), after everything is built. */
void ipc_shm_publish(struct ipc_shm *s);

/**
 * Attach to segment @p name and validate it.
 *
 * @return
 *   0; -ENOENT if no such segment; -EAGAIN if it is not READY yet or is
 *   STOPPING; a code from ipc_seg_validate(); another -errno.
 */
int ipc_shm_attach(const char *name, struct ipc_shm *out, char *err, size_t errlen);

/** Unmap (and, for the owner, mark STOPPING and unlink). Accepts a zeroed @p s. */
void ipc_shm_close(struct ipc_shm *s);

/** Return the lcore descriptor @p i (< n_lcores, validated at attach). */
const struct ipc_lcore_desc *ipc_shm_lcore(const struct ipc_shm *s, uint32_t i);

/** Return ring @p ring (IPC_RING_*) of lcore index @p i. */
struct ipc_ring *ipc_shm_ring(const struct ipc_shm *s, uint32_t i, uint32_t ring);

/** Return the bytes ring @p ring occupies (same for every lcore). */
size_t ipc_shm_ring_size(const struct ipc_shm *s, uint32_t ring);

/** Return the counter block of lcore index @p i. */
struct ipc_ctr_block *ipc_shm_ctr_block(const struct ipc_shm *s, uint32_t i);

/** Return the counter directory. */
struct ipc_ctr_dir *ipc_shm_ctr_dir(const struct ipc_shm *s);

/** Return true if the dataplane that owns @p s is still running and not stopping. */
bool ipc_shm_owner_is_alive(const struct ipc_shm *s);

#endif /* COMMON_IPC_IPC_SHM_H */
