/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Tor relay cell header codec (tor-spec.txt §6.1).
 *
 * Reads and writes the 11-byte relay header inside a 509-byte cell payload.
 * The length check is the only validation a header needs: every command,
 * 'recognized' value and stream id is representable, and their meaning is
 * decided by the circuit layer. Nothing here allocates or keeps state.
 */
#include <errno.h>

#include "common/base/byteorder.h"
#include "common/wire/wire_cell.h"
#include "common/wire/wire_relay.h"

_Static_assert(WIRE_RELAY_PAYLOAD_LEN == WIRE_CELL_PAYLOAD_LEN,
	       "a relay payload is a fixed-length cell payload");
_Static_assert(WIRE_RELAY_DATA_MAX == WIRE_CELL_PAYLOAD_LEN - WIRE_RELAY_HDR_LEN,
	       "tor-spec.txt §6.1: data is PAYLOAD_LEN - 11 bytes at most");
_Static_assert(WIRE_RELAY_OFF_LENGTH + 2 == WIRE_RELAY_HDR_LEN,
	       "length is the last header field");

int
wire_relay_hdr_decode(const uint8_t *payload, size_t payload_len, struct wire_relay_hdr *out)
{
	uint16_t length;

	if (payload_len != WIRE_RELAY_PAYLOAD_LEN)
		return -EINVAL;

	/* tor-spec.txt §6.1: Data is [Length bytes] followed by
	 * [PAYLOAD_LEN - 11 - Length bytes] of padding, so Length <= 498. */
	length = be16_get(payload + WIRE_RELAY_OFF_LENGTH);
	if (length > WIRE_RELAY_DATA_MAX)
		return -EPROTO;

	/* tor-spec.txt §6.1: cmd(1) recognized(2) stream_id(2) digest(4)
	 * length(2), all big-endian. */
	out->cmd = payload[WIRE_RELAY_OFF_CMD];
	out->recognized = be16_get(payload + WIRE_RELAY_OFF_RECOGNIZED);
	out->stream_id = be16_get(payload + WIRE_RELAY_OFF_STREAM_ID);
	out->digest = be32_get(payload + WIRE_RELAY_OFF_DIGEST);
	out->length = length;
	return 0;
}

int
wire_relay_hdr_encode(uint8_t *payload, size_t payload_len, const struct wire_relay_hdr *h)
{
	if (payload_len != WIRE_RELAY_PAYLOAD_LEN)
		return -EINVAL;
	if (h->length > WIRE_RELAY_DATA_MAX)
		return -EMSGSIZE;

	/* tor-spec.txt §6.1 */
	payload[WIRE_RELAY_OFF_CMD] = h->cmd;
	be16_put(payload + WIRE_RELAY_OFF_RECOGNIZED, h->recognized);
	be16_put(payload + WIRE_RELAY_OFF_STREAM_ID, h->stream_id);
	be32_put(payload + WIRE_RELAY_OFF_DIGEST, h->digest);
	be16_put(payload + WIRE_RELAY_OFF_LENGTH, h->length);
	return 0;
}

uint32_t
wire_relay_digest_get(const uint8_t *payload)
{
	return be32_get(payload + WIRE_RELAY_OFF_DIGEST);
}

void
wire_relay_digest_put(uint8_t *payload, uint32_t digest)
{
	be32_put(payload + WIRE_RELAY_OFF_DIGEST, digest);
}

bool
wire_relay_is_recognized_zero(const uint8_t *payload)
{
	/* tor-spec.txt §6.1: 'recognized' is zero in a payload destined for
	 * this hop, and zero by accident with P = 2^-16 otherwise. */
	return payload[WIRE_RELAY_OFF_RECOGNIZED] == 0 &&
	       payload[WIRE_RELAY_OFF_RECOGNIZED + 1] == 0;
}
