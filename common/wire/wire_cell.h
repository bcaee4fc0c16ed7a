/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Tor link cell framing: fixed and variable-length cells, VERSIONS bodies.
 *
 * Stateless codecs for the cell packet format of tor-spec.txt §3 and the
 * VERSIONS payload of §4.1. The decoder is incremental: it is handed the
 * bytes buffered so far and either frames one complete cell, asks for more,
 * or rejects the input. Decoded cells are views into the caller's buffer;
 * nothing is copied or allocated. All multi-byte fields on the wire are
 * big-endian (tor-spec.txt §0.1.1); values in structs are in host order.
 *
 * Link versions: this module frames link protocol versions 3, 4 and 5 (the
 * "in-protocol" handshake, the only one Chive speaks) plus the pseudo-version
 * 0, which means "no VERSIONS cell negotiated yet". Versions 1, 2 and
 * anything above 5 are rejected with -EINVAL.
 *
 * May be included by anything (common/: libc and C11 only).
 */
#ifndef COMMON_WIRE_WIRE_CELL_H
#define COMMON_WIRE_WIRE_CELL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** Payload bytes in a fixed-length cell (tor-spec.txt §3, PAYLOAD_LEN). */
#define WIRE_CELL_PAYLOAD_LEN 509
/** Fixed-length cell size on a link with 4-byte circuit ids (link >= 4). */
#define WIRE_CELL_LEN 514
/** Fixed-length cell size on a link with 2-byte circuit ids (link <= 3). */
#define WIRE_CELL_LEN_V3 512
/** Fixed-length cell header size (circuit id + command) for circ id width @p w. */
#define WIRE_CELL_HDR_LEN(w) ((size_t)(w) + 1)
/** Variable-length cell header size (circ id + command + length) for width @p w. */
#define WIRE_VAR_CELL_HDR_LEN(w) ((size_t)(w) + 3)
/** Largest variable-length cell payload: the length field is 16 bits. */
#define WIRE_VAR_CELL_PAYLOAD_MAX 65535
/** Largest variable-length cell on the wire (4-byte circ id). */
#define WIRE_VAR_CELL_MAX_LEN (WIRE_VAR_CELL_HDR_LEN(4) + WIRE_VAR_CELL_PAYLOAD_MAX)

/** Pseudo link version: no VERSIONS cell negotiated yet (2-byte circ ids). */
#define WIRE_LINK_VERSION_NONE 0
/** Lowest negotiated link version this module frames (in-protocol handshake). */
#define WIRE_LINK_VERSION_MIN 3
/** Highest negotiated link version this module frames. */
#define WIRE_LINK_VERSION_MAX 5

/** Cell commands, tor-spec.txt §3. */
enum wire_cell_cmd {
	WIRE_CELL_CMD_PADDING = 0,
	WIRE_CELL_CMD_CREATE = 1,
	WIRE_CELL_CMD_CREATED = 2,
	WIRE_CELL_CMD_RELAY = 3,
	WIRE_CELL_CMD_DESTROY = 4,
	WIRE_CELL_CMD_CREATE_FAST = 5,
	WIRE_CELL_CMD_CREATED_FAST = 6,
	WIRE_CELL_CMD_VERSIONS = 7,		/**< variable-length on every link */
	WIRE_CELL_CMD_NETINFO = 8,
	WIRE_CELL_CMD_RELAY_EARLY = 9,
	WIRE_CELL_CMD_CREATE2 = 10,
	WIRE_CELL_CMD_CREATED2 = 11,
	WIRE_CELL_CMD_PADDING_NEGOTIATE = 12,
	WIRE_CELL_CMD_VPADDING = 128,		/**< first variable-length command */
	WIRE_CELL_CMD_CERTS = 129,
	WIRE_CELL_CMD_AUTH_CHALLENGE = 130,
	WIRE_CELL_CMD_AUTHENTICATE = 131,
	WIRE_CELL_CMD_AUTHORIZE = 132,
};

/**
 * A framed cell: a view into the buffer passed to wire_cell_decode().
 *
 * Invariants: @c payload points into the decoder's input and is valid only
 * as long as that buffer is. For a fixed-length cell @c payload_len is
 * always WIRE_CELL_PAYLOAD_LEN and the payload includes its padding bytes;
 * for a variable-length cell it is the wire length field (0..65535), and
 * @c payload may be non-NULL even when @c payload_len is 0.
 */
struct wire_cell {
	uint32_t circ_id;		/**< host order; < 2^16 on 2-byte links */
	uint8_t cmd;			/**< enum wire_cell_cmd, or unknown */
	uint16_t payload_len;		/**< bytes at @c payload */
	const uint8_t *payload;		/**< borrowed, not owned */
};

/**
 * Give the circuit id width used on a link.
 *
 * tor-spec.txt §3: CIRCID_LEN is 2 for link versions 1..3 and 4 from
 * version 4; the first VERSIONS cell, and anything before it, uses 2.
 *
 * @param link_version
 *   Negotiated link version, or WIRE_LINK_VERSION_NONE before VERSIONS.
 * @return
 *   2 for link versions 0..3, 4 for 4 and higher.
 */
uint8_t
wire_circ_id_len(uint16_t link_version);

/**
 * Tell whether this module can frame cells on link version @p link_version.
 *
 * @return
 *   true for WIRE_LINK_VERSION_NONE (0) and for 3, 4 and 5.
 */
bool
wire_link_version_is_supported(uint16_t link_version);

/**
 * Tell whether command @p cmd is carried in a variable-length cell.
 *
 * tor-spec.txt §3: VERSIONS (7) is variable-length on every link; commands
 * 128 and above are variable-length from link version 3, and before
 * negotiation (version 0), where tor-spec.txt §4 allows a first VPADDING or
 * AUTHORIZE cell. Link versions 1 and 2 have no other variable-length cells.
 *
 * @return
 *   true if a cell with command @p cmd has a 2-byte length field.
 */
bool
wire_cell_cmd_is_var(uint8_t cmd, uint16_t link_version);

/**
 * Frame one cell from the start of @p buf.
 *
 * Reads the circuit id with the width of @p link_version, the command, and
 * then either the 509-byte payload of a fixed-length cell or the length
 * field and payload of a variable-length cell (tor-spec.txt §3). Trailing
 * bytes after the cell are left for the next call. Unknown commands are
 * framed, not rejected: §3 says to drop them, which is the caller's choice.
 *
 * With @p link_version 0 (before VERSIONS) only variable-length cells with a
 * 2-byte circuit id can be framed; a fixed-length command is malformed.
 *
 * @p out is written only when a cell is returned. O(1); reads at most
 * WIRE_VAR_CELL_MAX_LEN bytes.
 *
 * @param buf
 *   Buffered link bytes; may be NULL when @p len is 0.
 * @param len
 *   Number of bytes at @p buf.
 * @param link_version
 *   Negotiated link version, or WIRE_LINK_VERSION_NONE.
 * @param out
 *   Receives a view of the cell on success.
 * @return
 *   >0 number of bytes the cell occupies (consume them);
 *   0 if @p buf holds only a prefix of a cell (read more and retry);
 *   -EINVAL if @p link_version is not supported (checked before anything else);
 *   -EPROTO if the bytes cannot be a cell on this link (a fixed-length
 *   command before VERSIONS).
 */
int
wire_cell_decode(const uint8_t *buf, size_t len, uint16_t link_version, struct wire_cell *out);

/**
 * Write the header of a fixed-length cell: circuit id and command.
 *
 * Writes WIRE_CELL_HDR_LEN(wire_circ_id_len(link_version)) bytes; the caller
 * fills the 509 payload bytes that follow.
 *
 * @return
 *   Number of header bytes written (3 or 5), or
 *   -EINVAL if @p link_version is 0 or unsupported, or @p cmd is variable-length;
 *   -ERANGE if @p circ_id does not fit a 2-byte circuit id on this link;
 *   -ENOBUFS if @p dst_len is smaller than the header.
 */
int
wire_cell_encode_fixed_hdr(uint8_t *dst, size_t dst_len, uint16_t link_version,
			   uint32_t circ_id, uint8_t cmd);

/**
 * Encode a complete fixed-length cell.
 *
 * Copies @p payload_len bytes of @p payload after the header and zero-fills
 * the rest of the 509-byte payload (tor-spec.txt §3: "Padding bytes SHOULD be
 * set to NUL"; RELAY cells carry their own random padding, already inside
 * @p payload). @p payload may overlap @p dst.
 *
 * @param dst
 *   Output buffer; needs WIRE_CELL_LEN_V3 (link 3) or WIRE_CELL_LEN (link >= 4).
 * @param payload
 *   Payload bytes; may be NULL when @p payload_len is 0.
 * @return
 *   Number of bytes written (512 or 514), or
 *   -EINVAL if @p link_version is 0 or unsupported, or @p cmd is variable-length;
 *   -ERANGE if @p circ_id does not fit a 2-byte circuit id on this link;
 *   -EMSGSIZE if @p payload_len exceeds WIRE_CELL_PAYLOAD_LEN;
 *   -ENOBUFS if @p dst_len is smaller than the cell.
 */
int
wire_cell_encode_fixed(uint8_t *dst, size_t dst_len, uint16_t link_version, uint32_t circ_id,
		       uint8_t cmd, const uint8_t *payload, size_t payload_len);

/**
 * Write the header of a variable-length cell: circuit id, command, length.
 *
 * Lets a caller build the payload in place after the header.
 *
 * @return
 *   Number of header bytes written (5 or 7), or
 *   -EINVAL if @p link_version is unsupported or @p cmd is fixed-length;
 *   -ERANGE if @p circ_id does not fit a 2-byte circuit id on this link;
 *   -EMSGSIZE if @p payload_len exceeds WIRE_VAR_CELL_PAYLOAD_MAX;
 *   -ENOBUFS if @p dst_len is smaller than the header.
 */
int
wire_cell_encode_var_hdr(uint8_t *dst, size_t dst_len, uint16_t link_version, uint32_t circ_id,
			 uint8_t cmd, size_t payload_len);

/**
 * Encode a complete variable-length cell (tor-spec.txt §3).
 *
 * Link version 0 is allowed: it encodes the first VERSIONS cell with a
 * 2-byte circuit id. @p payload may overlap @p dst.
 *
 * @param payload
 *   Payload bytes; may be NULL when @p payload_len is 0.
 * @return
 *   Number of bytes written (header plus @p payload_len), or the errors of
 *   wire_cell_encode_var_hdr(), with -ENOBUFS also when the payload does
 *   not fit.
 */
int
wire_cell_encode_var(uint8_t *dst, size_t dst_len, uint16_t link_version, uint32_t circ_id,
		     uint8_t cmd, const uint8_t *payload, size_t payload_len);

/**
 * Parse a VERSIONS cell payload into a list of link versions.
 *
 * tor-spec.txt §4.1: the payload is a series of big-endian 2-byte integers,
 * and a payload with an odd number of bytes is not well-formed (the caller
 * must close the connection). An empty payload is well-formed and yields no
 * versions. Order is preserved. O(@p len).
 *
 * @param versions
 *   Receives up to @p max versions.
 * @param n
 *   Receives the number of versions stored; set to 0 on error.
 * @return
 *   0 on success;
 *   -EPROTO if @p len is odd;
 *   -ENOBUFS if the payload lists more than @p max versions.
 */
int
wire_versions_decode(const uint8_t *payload, size_t len, uint16_t *versions, size_t max,
		     size_t *n);

/**
 * Write a VERSIONS cell payload listing @p n versions, big-endian.
 *
 * @return
 *   Number of bytes written (2 * @p n), or
 *   -EMSGSIZE if the list would exceed WIRE_VAR_CELL_PAYLOAD_MAX bytes;
 *   -ENOBUFS if @p dst_len is smaller than 2 * @p n.
 */
int
wire_versions_encode(uint8_t *dst, size_t dst_len, const uint16_t *versions, size_t n);

/**
 * Choose the link version for a connection.
 *
 * tor-spec.txt §4.1: "the highest number contained both in the VERSIONS cell
 * they sent and in the versions cell they received". Neither list needs to
 * be sorted. O(@p n_ours * @p n_theirs).
 *
 * @return
 *   The highest version present in both lists, or 0 if there is none.
 */
uint16_t
wire_versions_highest_common(const uint16_t *ours, size_t n_ours, const uint16_t *theirs,
			     size_t n_theirs);

#endif /* COMMON_WIRE_WIRE_CELL_H */
