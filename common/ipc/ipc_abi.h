/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Layout of the dataplane⇄controlplane shared-memory segment.
 *
 * One segment per relay instance, created by chive-dataplane and attached by
 * chive-controlplane (ARCHITECTURE.md §4). It starts with struct ipc_seg_hdr,
 * which locates everything else by byte offset from the segment's start
 * (never by pointer, since the two processes map it at different addresses):
 *
 *     ipc_seg_hdr
 *     ipc_lcore_desc[n_lcores]            (lcore_desc_off)
 *     ipc_ctr_dir with ctr_max entries    (ctr_dir_off)
 *     per lcore, each cache-line aligned:
 *         cmd ring, evt ring, cell_up ring, cell_down ring, counter block
 *
 * Rules: every field has a fixed width; padding is explicit; any change of
 * layout, of a message struct or of a constant below bumps IPC_ABI_VERSION.
 * The attaching side validates every offset and size before use
 * (ipc_seg_validate()) and refuses a mismatch with a message naming it.
 */
#ifndef COMMON_IPC_IPC_ABI_H
#define COMMON_IPC_IPC_ABI_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

/** "CHIVESEG" read as a little-endian 64-bit word. */
#define IPC_MAGIC UINT64_C(0x4745534556494843)
/** Bumped on any change to the segment layout or to a message struct. */
#define IPC_ABI_VERSION 7u
/** Most dataplane lcores one segment describes. */
#define IPC_MAX_LCORES 128u

/** Ring indices within an lcore's ring set. */
#define IPC_RING_CMD 0u       /**< controlplane → dataplane commands */
#define IPC_RING_EVT 1u       /**< dataplane → controlplane responses and events */
#define IPC_RING_CELL_UP 2u   /**< dataplane → controlplane cells (CREATE2, EXTEND2, …) */
#define IPC_RING_CELL_DOWN 3u /**< controlplane → dataplane cells (CREATED2, EXTENDED2, …) */
#define IPC_RING_COUNT 4u

/** Segment life cycle, in ipc_seg_hdr.state. */
#define IPC_SEG_STATE_INIT 0u     /**< Being built; do not attach yet. */
#define IPC_SEG_STATE_READY 1u    /**< Rings and directory published. */
#define IPC_SEG_STATE_STOPPING 2u /**< The dataplane is shutting down; detach. */

/** Where one lcore's rings and counters are. */
struct ipc_lcore_desc {
	uint32_t lcore_id;                 /**< DPDK lcore id. */
	uint32_t pad;
	uint64_t ring_off[IPC_RING_COUNT]; /**< Byte offsets of the rings. */
	uint64_t ctr_off;                  /**< Byte offset of the counter block. */
	uint64_t reserved[2];
};
_Static_assert(sizeof(struct ipc_lcore_desc) == 64, "ABI");

/** The segment header, at offset 0. */
struct ipc_seg_hdr {
	uint64_t magic;         /**< IPC_MAGIC */
	uint32_t abi_version;   /**< IPC_ABI_VERSION */
	uint32_t hdr_size;      /**< sizeof(struct ipc_seg_hdr) */
	uint64_t size;          /**< Bytes of the whole segment. */
	_Atomic uint32_t state; /**< IPC_SEG_STATE_* (release-stored by the dataplane). */
	uint32_t dp_pid;        /**< Process id of the dataplane that owns the segment. */
	uint64_t created_ns;    /**< CLOCK_REALTIME at creation, ns. */
	uint64_t created_mono_ns; /**< CLOCK_MONOTONIC at creation, ns (uptime). */
	uint64_t tsc_hz;        /**< TSC frequency of the dataplane, for converting dp_tsc. */
	uint32_t n_lcores;      /**< Entries in the lcore table. */
	uint32_t ctr_max;       /**< Counters per block (directory capacity). */
	uint32_t ring_slots[IPC_RING_COUNT];     /**< Slots per ring, by IPC_RING_*. */
	uint32_t ring_slot_size[IPC_RING_COUNT]; /**< Bytes per slot, by IPC_RING_*. */
	uint64_t lcore_desc_off; /**< Offset of ipc_lcore_desc[n_lcores]. */
	uint64_t ctr_dir_off;    /**< Offset of the counter directory. */
	uint64_t reserved[4];
};
_Static_assert(sizeof(struct ipc_seg_hdr) == 144, "ABI");
_Static_assert(offsetof(struct ipc_seg_hdr, state) == 24, "ABI");

#endif /* COMMON_IPC_IPC_ABI_H */
