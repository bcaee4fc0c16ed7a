/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Messages carried on the dataplane⇄controlplane rings.
 *
 * Every message starts with struct ipc_hdr and has its own fixed-width struct:
 * only fixed-width integers and byte arrays, explicit padding, no pointers,
 * enums, bools or bitfields (CONVENTIONS.md §23, house rule 9). Each struct
 * is checked against the slot size of the ring it travels on. Any layout
 * change bumps IPC_ABI_VERSION in ipc_abi.h.
 *
 * Both sides validate every message they consume with ipc_msg_validate():
 * the controlplane is trusted by the dataplane but still checked, and a
 * malformed message is counted and answered, never asserted on.
 */
#ifndef COMMON_IPC_IPC_MSG_H
#define COMMON_IPC_IPC_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "common/wire/wire_cell.h"

/** Slot size of the command ring (controlplane → dataplane). */
#define IPC_CMD_SLOT 128u
/** Slot size of the event ring (dataplane → controlplane). */
#define IPC_EVT_SLOT 128u
/** Slot size of the two cell rings (one whole 514-byte cell plus metadata). */
#define IPC_CELL_SLOT 640u

/** Common header of every message. */
struct ipc_hdr {
	uint16_t type;   /**< IPC_MSG_* */
	uint16_t len;    /**< Bytes of the whole message, header included. */
	uint32_t req_id; /**< Chosen by the requester, echoed in the answer; 0 for unsolicited events. */
};
_Static_assert(sizeof(struct ipc_hdr) == 8, "ABI");

/** Which ring a message type travels on. */
#define IPC_DIR_CMD 1u       /**< command ring, controlplane → dataplane */
#define IPC_DIR_EVT 2u       /**< event ring, dataplane → controlplane */
#define IPC_DIR_CELL_UP 3u   /**< cell ring, dataplane → controlplane */
#define IPC_DIR_CELL_DOWN 4u /**< cell ring, controlplane → dataplane */

/** Message types. Values are ABI: never renumber, only append. */
#define IPC_MSG_PING 1u      /**< cmd: liveness and round-trip probe. */
#define IPC_MSG_PONG 2u      /**< evt: answer to PING. */
#define IPC_MSG_CMD_ERROR 3u /**< evt: a command was refused (malformed or unknown). */
#define IPC_MSG_CELL_UP 4u   /**< cell up: a cell the controlplane must handle. */
#define IPC_MSG_CELL_DOWN 5u /**< cell down: a cell the controlplane built. */
#define IPC_MSG_TYPE_MAX 5u

/** PING: ask one lcore to answer with a PONG at its next command poll. */
struct ipc_msg_ping {
	struct ipc_hdr hdr;
	uint64_t cookie;     /**< Opaque, echoed. */
	uint64_t cp_send_ns; /**< Controlplane CLOCK_MONOTONIC at send, echoed. */
};

/** PONG: answer to PING, with a snapshot of the lcore's loop. */
struct ipc_msg_pong {
	struct ipc_hdr hdr;
	uint64_t cookie;
	uint64_t cp_send_ns;
	uint64_t dp_tsc;        /**< The lcore's TSC when it answered. */
	uint64_t dp_iterations; /**< Main-loop iterations so far. */
	uint32_t lcore_id;      /**< DPDK lcore id of the answering lcore. */
	uint32_t pad;
};

/** CMD_ERROR: the dataplane refused a command. */
struct ipc_msg_cmd_error {
	struct ipc_hdr hdr;     /**< req_id is the refused command's req_id. */
	uint16_t bad_type;      /**< Type field of the refused command. */
	uint16_t bad_len;       /**< Length field of the refused command. */
	int32_t err;            /**< Negative errno: -EINVAL, -EPROTO, -EMSGSIZE, -ENOTSUP. */
};

/** A whole cell crossing the boundary, with the channel and circuit it belongs to. */
struct ipc_msg_cell {
	struct ipc_hdr hdr;
	uint32_t chan;        /**< Channel handle (lcore, index, generation). */
	uint32_t circ_id;     /**< Circuit id on that channel, host order. */
	uint16_t link_proto;  /**< Negotiated link protocol of the channel. */
	uint16_t cell_len;    /**< Bytes used in @c cell. */
	uint32_t flags;
	uint8_t cell[WIRE_CELL_LEN];
	uint8_t pad[6];
};

_Static_assert(sizeof(struct ipc_msg_ping) == 24, "ABI");
_Static_assert(sizeof(struct ipc_msg_pong) == 48, "ABI");
_Static_assert(sizeof(struct ipc_msg_cmd_error) == 16, "ABI");
_Static_assert(sizeof(struct ipc_msg_cell) == 544, "ABI");
_Static_assert(sizeof(struct ipc_msg_ping) <= IPC_CMD_SLOT, "PING must fit a command slot");
_Static_assert(sizeof(struct ipc_msg_pong) <= IPC_EVT_SLOT, "PONG must fit an event slot");
_Static_assert(sizeof(struct ipc_msg_cmd_error) <= IPC_EVT_SLOT, "CMD_ERROR must fit an event slot");
_Static_assert(sizeof(struct ipc_msg_cell) <= IPC_CELL_SLOT, "a cell message must fit a cell slot");

/**
 * Check that @p slot (of @p slot_size readable bytes) holds a well-formed
 * message allowed on ring direction @p dir (IPC_DIR_*).
 *
 * @param type
 *   Set to the message type on success (and on -ENOTSUP); untouched otherwise.
 * @return
 *   0 if valid; -EMSGSIZE if the length field is shorter than the header or
 *   longer than the slot; -ENOTSUP for an unknown type or one not allowed in
 *   this direction; -EINVAL if the length does not match the type's struct.
 */
int ipc_msg_validate(const void *slot, uint32_t slot_size, uint32_t dir, uint16_t *type);

/** Return a short constant name for message @p type ("ping", ...), or "unknown". */
const char *ipc_msg_type_name(uint16_t type);

/** Fill in the header of a message of @p type and size @p len. */
static inline void
ipc_hdr_init(struct ipc_hdr *h, uint16_t type, size_t len, uint32_t req_id)
{
	h->type = type;
	h->len = (uint16_t)len;
	h->req_id = req_id;
}

#endif /* COMMON_IPC_IPC_MSG_H */
