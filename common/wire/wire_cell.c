/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Tor link cell framing: fixed and variable-length cells, VERSIONS bodies.
 *
 * Implements the cell packet format of tor-spec.txt §3 and the VERSIONS
 * payload of §4.1 as pure functions over byte buffers. The decoder follows
 * the incremental-parser convention (bytes consumed, 0 for "need more",
 * negative errno), so the channel layer can call it on whatever its TLS
 * layer has delivered without first copying into a cell-sized buffer.
 * Nothing here allocates, logs or keeps state; bytes from the network are
 * validated, never asserted on.
 */
#include <errno.h>
#include <string.h>

#include "common/base/byteorder.h"
#include "common/wire/wire_cell.h"

/* Largest circuit id representable on a 2-byte link (tor-spec.txt §3). */
#define CIRC_ID_MAX_V3 0xffffu

uint8_t
wire_circ_id_len(uint16_t link_version)
{
	/* tor-spec.txt §3: "CIRCID_LEN is 2 for link protocol versions 1, 2,
	 * and 3. CIRCID_LEN is 4 for link protocol version 4 or higher. The
	 * first VERSIONS cell, and any cells sent before the first VERSIONS
	 * cell, always have CIRCID_LEN == 2". */
	return link_version >= 4 ? 4 : 2;
}

bool
wire_link_version_is_supported(uint16_t link_version)
{
	/* Versions 1 and 2 need the certs-up-front or renegotiation TLS
	 * handshakes (tor-spec.txt §2, §4.1), which Chive does not do. */
	return link_version == WIRE_LINK_VERSION_NONE ||
	       (link_version >= WIRE_LINK_VERSION_MIN && link_version <= WIRE_LINK_VERSION_MAX);
}

bool
wire_cell_cmd_is_var(uint8_t cmd, uint16_t link_version)
{
	/* tor-spec.txt §3: on v2, only VERSIONS is variable-length; on v3 and
	 * higher, VERSIONS and every command >= 128. Before negotiation the
	 * first cell may be VERSIONS, VPADDING or AUTHORIZE (§4), so commands
	 * >= 128 are variable-length there too. */
	if (cmd == WIRE_CELL_CMD_VERSIONS)
		return true;
	if (cmd < WIRE_CELL_CMD_VPADDING)
		return false;
	return link_version == WIRE_LINK_VERSION_NONE || link_version >= 3;
}

/* Write a circuit id of width @p w (2 or 4) big-endian at @p p. */
static void
cell_circ_id_put(uint8_t *p, uint8_t w, uint32_t circ_id)
{
	if (w == 4)
		be32_put(p, circ_id);
	else
		be16_put(p, (uint16_t)circ_id);
}

int
wire_cell_decode(const uint8_t *buf, size_t len, uint16_t link_version, struct wire_cell *out)
{
	uint8_t w;
	uint8_t cmd;
	uint16_t plen;
	size_t hlen;

	if (!wire_link_version_is_supported(link_version))
		return -EINVAL;

	w = wire_circ_id_len(link_version);
	if (len < WIRE_CELL_HDR_LEN(w))
		return 0;
	cmd = buf[w];

	if (wire_cell_cmd_is_var(cmd, link_version)) {
		/* tor-spec.txt §3: CircID | Command | Length(2) | Payload. */
		hlen = WIRE_VAR_CELL_HDR_LEN(w);
		if (len < hlen)
			return 0;
		plen = be16_get(buf + w + 1);
		if (len - hlen < plen)
			return 0;
	} else {
		/* Only the in-protocol handshake is framed here, and it must
		 * open with a variable-length cell (tor-spec.txt §4). */
		if (link_version == WIRE_LINK_VERSION_NONE)
			return -EPROTO;
		/* tor-spec.txt §3: CircID | Command | Payload(509). */
		hlen = WIRE_CELL_HDR_LEN(w);
		plen = WIRE_CELL_PAYLOAD_LEN;
		if (len - hlen < plen)
			return 0;
	}

	out->circ_id = w == 4 ? be32_get(buf) : be16_get(buf);
	out->cmd = cmd;
	out->payload_len = plen;
	out->payload = buf + hlen;
	return (int)(hlen + plen);
}

int
wire_cell_encode_fixed_hdr(uint8_t *dst, size_t dst_len, uint16_t link_version,
			   uint32_t circ_id, uint8_t cmd)
{
	uint8_t w;

	if (link_version == WIRE_LINK_VERSION_NONE || !wire_link_version_is_supported(link_version))
		return -EINVAL;
	if (wire_cell_cmd_is_var(cmd, link_version))
		return -EINVAL;
	w = wire_circ_id_len(link_version);
	if (w == 2 && circ_id > CIRC_ID_MAX_V3)
		return -ERANGE;
	if (dst_len < WIRE_CELL_HDR_LEN(w))
		return -ENOBUFS;

	cell_circ_id_put(dst, w, circ_id);
	dst[w] = cmd;
	return (int)WIRE_CELL_HDR_LEN(w);
}

int
wire_cell_encode_fixed(uint8_t *dst, size_t dst_len, uint16_t link_version, uint32_t circ_id,
		       uint8_t cmd, const uint8_t *payload, size_t payload_len)
{
	uint8_t hdr[WIRE_CELL_HDR_LEN(4)];
	int hlen;

	/* Validate everything into a scratch header, so that nothing in @p dst
	 * (which may hold the payload) is touched on failure. */
	hlen = wire_cell_encode_fixed_hdr(hdr, sizeof(hdr), link_version, circ_id, cmd);
	if (hlen < 0)
		return hlen;
	if (payload_len > WIRE_CELL_PAYLOAD_LEN)
		return -EMSGSIZE;
	if (dst_len < (size_t)hlen + WIRE_CELL_PAYLOAD_LEN)
		return -ENOBUFS;

	/* Move the payload first: it may already sit where it belongs. */
	if (payload_len > 0)
		memmove(dst + hlen, payload, payload_len);
	/* tor-spec.txt §3: "Other fixed-length cells: Payload MUST be padded
	 * to PAYLOAD_LEN with padding bytes. Padding bytes SHOULD be set to
	 * NUL." */
	memset(dst + hlen + payload_len, 0, WIRE_CELL_PAYLOAD_LEN - payload_len);
	memcpy(dst, hdr, (size_t)hlen);
	return hlen + WIRE_CELL_PAYLOAD_LEN;
}

int
wire_cell_encode_var_hdr(uint8_t *dst, size_t dst_len, uint16_t link_version, uint32_t circ_id,
			 uint8_t cmd, size_t payload_len)
{
	uint8_t w;

	if (!wire_link_version_is_supported(link_version))
		return -EINVAL;
	if (!wire_cell_cmd_is_var(cmd, link_version))
		return -EINVAL;
	w = wire_circ_id_len(link_version);
	if (w == 2 && circ_id > CIRC_ID_MAX_V3)
		return -ERANGE;
	if (payload_len > WIRE_VAR_CELL_PAYLOAD_MAX)
		return -EMSGSIZE;
	if (dst_len < WIRE_VAR_CELL_HDR_LEN(w))
		return -ENOBUFS;

	/* tor-spec.txt §3: CircID | Command | Length(2, big-endian). */
	cell_circ_id_put(dst, w, circ_id);
	dst[w] = cmd;
	be16_put(dst + w + 1, (uint16_t)payload_len);
	return (int)WIRE_VAR_CELL_HDR_LEN(w);
}

int
wire_cell_encode_var(uint8_t *dst, size_t dst_len, uint16_t link_version, uint32_t circ_id,
		     uint8_t cmd, const uint8_t *payload, size_t payload_len)
{
	uint8_t hdr[WIRE_VAR_CELL_HDR_LEN(4)];
	int hlen;

	/* Validate everything into a scratch header, so that nothing in @p dst
	 * (which may hold the payload) is touched on failure. */
	hlen = wire_cell_encode_var_hdr(hdr, sizeof(hdr), link_version, circ_id, cmd, payload_len);
	if (hlen < 0)
		return hlen;
	if (dst_len < (size_t)hlen || dst_len - (size_t)hlen < payload_len)
		return -ENOBUFS;

	if (payload_len > 0)
		memmove(dst + hlen, payload, payload_len);
	memcpy(dst, hdr, (size_t)hlen);
	return hlen + (int)payload_len;
}

int
wire_versions_decode(const uint8_t *payload, size_t len, uint16_t *versions, size_t max,
		     size_t *n)
{
	size_t count;
	size_t i;

	*n = 0;
	/* tor-spec.txt §4.1: "Either party MUST close the connection if the
	 * versions cell is not well-formed (for example, if the payload
	 * contains an odd number of bytes)." */
	if (len % 2 != 0)
		return -EPROTO;
	count = len / 2;
	if (count > max)
		return -ENOBUFS;

	/* Bounded by @p max iterations. */
	for (i = 0; i < count; i++)
		versions[i] = be16_get(payload + 2 * i);
	*n = count;
	return 0;
}

int
wire_versions_encode(uint8_t *dst, size_t dst_len, const uint16_t *versions, size_t n)
{
	size_t i;

	if (n > WIRE_VAR_CELL_PAYLOAD_MAX / 2)
		return -EMSGSIZE;
	if (dst_len < 2 * n)
		return -ENOBUFS;

	/* tor-spec.txt §4.1: "a series of big-endian two-byte integers". */
	for (i = 0; i < n; i++)
		be16_put(dst + 2 * i, versions[i]);
	return (int)(2 * n);
}

uint16_t
wire_versions_highest_common(const uint16_t *ours, size_t n_ours, const uint16_t *theirs,
			     size_t n_theirs)
{
	uint16_t best = 0;
	size_t i;
	size_t j;

	/* tor-spec.txt §4.1: pick "the highest number contained both in the
	 * VERSIONS cell they sent and in the versions cell they received".
	 * At most n_ours * n_theirs comparisons; ours is a short constant
	 * list and theirs is bounded by the caller's decode buffer. */
	for (i = 0; i < n_ours; i++) {
		if (ours[i] <= best)
			continue;
		for (j = 0; j < n_theirs; j++) {
			if (theirs[j] == ours[i]) {
				best = ours[i];
				break;
			}
		}
	}
	return best;
}
