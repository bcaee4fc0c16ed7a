/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Tor relay cell header codec (tor-spec.txt §6.1).
 *
 * The payload of a RELAY or RELAY_EARLY cell starts with an 11-byte header:
 * command, 'recognized', stream id, digest and length, followed by up to 498
 * data bytes and padding. These functions read and write that header in a
 * 509-byte cell payload (see wire_cell.h) and give the relay crypto code
 * in-place access to the 'recognized' and digest fields. Wire fields are
 * big-endian (tor-spec.txt §0.1.1); struct fields are in host order.
 *
 * May be included by anything (common/: libc and C11 only).
 */
#ifndef COMMON_WIRE_WIRE_RELAY_H
#define COMMON_WIRE_WIRE_RELAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** Relay header size: cmd(1) recognized(2) stream_id(2) digest(4) length(2). */
#define WIRE_RELAY_HDR_LEN 11
/** Largest relay data length: PAYLOAD_LEN (509) minus the header. */
#define WIRE_RELAY_DATA_MAX 498
/** Relay payload size: the whole fixed-length cell payload. */
#define WIRE_RELAY_PAYLOAD_LEN 509

/** Byte offsets of the relay header fields within the cell payload. */
#define WIRE_RELAY_OFF_CMD 0
#define WIRE_RELAY_OFF_RECOGNIZED 1
#define WIRE_RELAY_OFF_STREAM_ID 3
#define WIRE_RELAY_OFF_DIGEST 5
#define WIRE_RELAY_OFF_LENGTH 9
#define WIRE_RELAY_OFF_DATA WIRE_RELAY_HDR_LEN

/**
 * Relay commands.
 *
 * tor-spec.txt §6.1 for 1..15 and 43..44; rend-spec-v3.txt for 32..40;
 * padding-spec.txt §3 for 41..42; proposal 329 (conflux) for 19..22.
 * 16..18 are reserved for UDP (proposal 339) and not named.
 *
 * The 2023 tor-spec.txt lists 43 as XON and 44 as XOFF; proposal 324's
 * implementation in tor, which is what peers send, uses XOFF = 43 and
 * XON = 44, and so does this enum.
 */
enum wire_relay_cmd {
	WIRE_RELAY_CMD_BEGIN = 1,
	WIRE_RELAY_CMD_DATA = 2,
	WIRE_RELAY_CMD_END = 3,
	WIRE_RELAY_CMD_CONNECTED = 4,
	WIRE_RELAY_CMD_SENDME = 5,
	WIRE_RELAY_CMD_EXTEND = 6,
	WIRE_RELAY_CMD_EXTENDED = 7,
	WIRE_RELAY_CMD_TRUNCATE = 8,
	WIRE_RELAY_CMD_TRUNCATED = 9,
	WIRE_RELAY_CMD_DROP = 10,
	WIRE_RELAY_CMD_RESOLVE = 11,
	WIRE_RELAY_CMD_RESOLVED = 12,
	WIRE_RELAY_CMD_BEGIN_DIR = 13,
	WIRE_RELAY_CMD_EXTEND2 = 14,
	WIRE_RELAY_CMD_EXTENDED2 = 15,
	WIRE_RELAY_CMD_CONFLUX_LINK = 19,
	WIRE_RELAY_CMD_CONFLUX_LINKED = 20,
	WIRE_RELAY_CMD_CONFLUX_LINKED_ACK = 21,
	WIRE_RELAY_CMD_CONFLUX_SWITCH = 22,
	WIRE_RELAY_CMD_ESTABLISH_INTRO = 32,
	WIRE_RELAY_CMD_ESTABLISH_RENDEZVOUS = 33,
	WIRE_RELAY_CMD_INTRODUCE1 = 34,
	WIRE_RELAY_CMD_INTRODUCE2 = 35,
	WIRE_RELAY_CMD_RENDEZVOUS1 = 36,
	WIRE_RELAY_CMD_RENDEZVOUS2 = 37,
	WIRE_RELAY_CMD_INTRO_ESTABLISHED = 38,
	WIRE_RELAY_CMD_RENDEZVOUS_ESTABLISHED = 39,
	WIRE_RELAY_CMD_INTRODUCE_ACK = 40,
	WIRE_RELAY_CMD_PADDING_NEGOTIATE = 41,
	WIRE_RELAY_CMD_PADDING_NEGOTIATED = 42,
	WIRE_RELAY_CMD_XOFF = 43,
	WIRE_RELAY_CMD_XON = 44,
};

/**
 * A decoded relay header, host order.
 *
 * Invariant after wire_relay_hdr_decode(): @c length <= WIRE_RELAY_DATA_MAX.
 * @c digest holds the four digest bytes read big-endian, so it equals
 * be32_get() of the first four bytes of the running digest it must match.
 */
struct wire_relay_hdr {
	uint8_t cmd;			/**< enum wire_relay_cmd, or unknown */
	uint16_t recognized;		/**< 0 when the cell is for this hop (§6.1) */
	uint16_t stream_id;		/**< 0 for circuit-level ("control") cells */
	uint32_t digest;		/**< first 4 bytes of the running digest */
	uint16_t length;		/**< data bytes after the header, <= 498 */
};

/**
 * Decode the relay header at the start of a 509-byte cell payload.
 *
 * Call only on a payload that has been decrypted and recognized; on a
 * still-encrypted payload the fields are noise. Unknown relay commands are
 * returned, not rejected (tor-spec.txt §6.1: drop them after counting).
 *
 * @param payload
 *   The cell payload.
 * @param payload_len
 *   Must be WIRE_RELAY_PAYLOAD_LEN (509).
 * @param out
 *   Receives the header; written only on success.
 * @return
 *   0 on success;
 *   -EINVAL if @p payload_len is not 509;
 *   -EPROTO if the length field exceeds WIRE_RELAY_DATA_MAX (498).
 */
int
wire_relay_hdr_decode(const uint8_t *payload, size_t payload_len, struct wire_relay_hdr *out);

/**
 * Write the 11 relay header bytes of @p h at the start of a cell payload.
 *
 * Leaves the data and padding bytes untouched; tor-spec.txt §6.1 asks the
 * sender to fill the padding with four zero bytes and then random bytes.
 *
 * @param payload_len
 *   Must be WIRE_RELAY_PAYLOAD_LEN (509).
 * @return
 *   0 on success;
 *   -EINVAL if @p payload_len is not 509;
 *   -EMSGSIZE if @p h->length exceeds WIRE_RELAY_DATA_MAX (498).
 */
int
wire_relay_hdr_encode(uint8_t *payload, size_t payload_len, const struct wire_relay_hdr *h);

/**
 * Read the digest field (bytes 5..8, big-endian) of a 509-byte relay payload.
 */
uint32_t
wire_relay_digest_get(const uint8_t *payload);

/**
 * Overwrite the digest field (bytes 5..8, big-endian) of a 509-byte relay
 * payload with @p digest; pass 0 to clear it before digesting (§6.1).
 */
void
wire_relay_digest_put(uint8_t *payload, uint32_t digest);

/**
 * Tell whether the 'recognized' field (bytes 1..2) of a decrypted relay
 * payload is zero, the cheap test before checking the digest (§6.1).
 */
bool
wire_relay_is_recognized_zero(const uint8_t *payload);

#endif /* COMMON_WIRE_WIRE_RELAY_H */
