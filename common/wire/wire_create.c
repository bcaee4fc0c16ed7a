/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Circuit-creation bodies: CREATE2/CREATED2, EXTEND2/EXTENDED2, reasons.
 *
 * Codecs for tor-spec.txt §5.1 (CREATE2/CREATED2), §5.1.2 (EXTEND2 and link
 * specifiers), §5.3 (EXTENDED2) and §5.4 (DESTROY reasons). They check the
 * encoding only; which handshake types and which link specifiers a circuit
 * needs is the caller's decision, as in tor, where onion.c parses and
 * check_extend_cell() and circuitbuild_relay.c judge.
 *
 * The EXTEND2 decoder follows what tor accepts (src/core/or/onion.c,
 * extend_cell_from_extend2_cell_body(), and the trunnel parser for
 * extend2_cell_body / link_specifier in src/trunnel/ed25519_cert.trunnel):
 *   - a known specifier must have exactly its length (trunnel fails a union
 *     member that does not fill LSLEN, and a short one is truncated);
 *   - an unknown specifier of any length is skipped ("Nodes MUST ignore
 *     unrecognized specifiers");
 *   - repeated IPv4 or IPv6 specifiers are accepted and the first of each
 *     is kept ("MUST accept multiple instances", "only consider the first");
 *   - a repeated legacy or Ed25519 identity fails the cell ("SHOULD reject");
 *   - bytes after HDATA are ignored: trunnel stops after the handshake.
 *
 * Nothing here allocates or keeps state, and no decoder reads past the
 * length it is given.
 */
#include <errno.h>
#include <string.h>

#include "common/base/byteorder.h"
#include "common/wire/wire_cell.h"
#include "common/wire/wire_create.h"
#include "common/wire/wire_relay.h"

/* Lengths of the known link specifiers (tor-spec.txt §5.1.2). */
#define LSPEC_IPV4_LEN 6
#define LSPEC_IPV6_LEN 18
#define LSPEC_LEGACY_ID_LEN 20
#define LSPEC_ED25519_ID_LEN 32
/* LSTYPE(1) LSLEN(1) */
#define LSPEC_HDR_LEN 2
/* HTYPE(2) HLEN(2) */
#define HANDSHAKE_HDR_LEN 4

_Static_assert(WIRE_CREATE2_HDATA_MAX == WIRE_CELL_PAYLOAD_LEN - 4, "CREATE2: HTYPE HLEN HDATA");
_Static_assert(WIRE_CREATED2_HDATA_MAX == WIRE_CELL_PAYLOAD_LEN - 2, "CREATED2: HLEN HDATA");
_Static_assert(WIRE_EXTENDED2_HDATA_MAX == WIRE_RELAY_DATA_MAX - 2, "EXTENDED2: HLEN HDATA");
_Static_assert(sizeof(((struct wire_extend2 *)0)->legacy_id) == LSPEC_LEGACY_ID_LEN,
	       "legacy id is a SHA-1 digest");
_Static_assert(sizeof(((struct wire_extend2 *)0)->ed_id) == LSPEC_ED25519_ID_LEN,
	       "Ed25519 identity key");
_Static_assert(sizeof(((struct wire_extend2 *)0)->ipv6_addr) + 2 == LSPEC_IPV6_LEN,
	       "IPv6 address and port");

/* tor-spec.txt §5.4, in code order. */
static const char *const destroy_reason_names[WIRE_DESTROY_REASON_MAX + 1] = {
	[WIRE_DESTROY_NONE] = "none",
	[WIRE_DESTROY_PROTOCOL] = "protocol",
	[WIRE_DESTROY_INTERNAL] = "internal",
	[WIRE_DESTROY_REQUESTED] = "requested",
	[WIRE_DESTROY_HIBERNATING] = "hibernating",
	[WIRE_DESTROY_RESOURCELIMIT] = "resourcelimit",
	[WIRE_DESTROY_CONNECTFAILED] = "connectfailed",
	[WIRE_DESTROY_OR_IDENTITY] = "or_identity",
	[WIRE_DESTROY_CHANNEL_CLOSED] = "channel_closed",
	[WIRE_DESTROY_FINISHED] = "finished",
	[WIRE_DESTROY_TIMEOUT] = "timeout",
	[WIRE_DESTROY_DESTROYED] = "destroyed",
	[WIRE_DESTROY_NOSUCHSERVICE] = "nosuchservice",
};

const char *
wire_destroy_reason_name(unsigned reason)
{
	if (reason > WIRE_DESTROY_REASON_MAX)
		return "unknown";
	return destroy_reason_names[reason];
}

/* ---- CREATE2 / CREATED2 (tor-spec.txt §5.1), on a 509-byte payload ---- */

int
wire_create2_decode(const uint8_t *payload, size_t len, struct wire_create2 *out)
{
	uint16_t hlen;

	if (len != WIRE_CELL_PAYLOAD_LEN)
		return -EINVAL;

	/* HTYPE(2) HLEN(2) HDATA(HLEN); tor: parse_create2_payload(). */
	hlen = be16_get(payload + 2);
	if (hlen > WIRE_CREATE2_HDATA_MAX)
		return -EPROTO;

	out->htype = be16_get(payload);
	out->hlen = hlen;
	out->hdata = payload + 4;
	return 0;
}

int
wire_create2_encode(uint8_t *payload, size_t len, uint16_t htype, const uint8_t *hdata,
		    uint16_t hlen)
{
	if (len != WIRE_CELL_PAYLOAD_LEN)
		return -EINVAL;
	if (hlen > WIRE_CREATE2_HDATA_MAX)
		return -EMSGSIZE;

	/* memmove: HDATA may be a view into this very payload. */
	if (hlen != 0)
		memmove(payload + 4, hdata, hlen);
	be16_put(payload, htype);
	be16_put(payload + 2, hlen);
	memset(payload + 4 + hlen, 0, len - 4 - hlen);
	return 0;
}

int
wire_created2_decode(const uint8_t *payload, size_t len, struct wire_created2 *out)
{
	uint16_t hlen;

	if (len != WIRE_CELL_PAYLOAD_LEN)
		return -EINVAL;

	/* HLEN(2) HDATA(HLEN). tor's created_cell_parse() also refuses
	 * HLEN > 496 (check_created_cell()), so that the reply fits an
	 * EXTENDED2; a caller relaying it learns that from
	 * wire_extended2_encode(). */
	hlen = be16_get(payload);
	if (hlen > WIRE_CREATED2_HDATA_MAX)
		return -EPROTO;

	out->hlen = hlen;
	out->hdata = payload + 2;
	return 0;
}

int
wire_created2_encode(uint8_t *payload, size_t len, const uint8_t *hdata, uint16_t hlen)
{
	if (len != WIRE_CELL_PAYLOAD_LEN)
		return -EINVAL;
	if (hlen > WIRE_CREATED2_HDATA_MAX)
		return -EMSGSIZE;

	if (hlen != 0)
		memmove(payload + 2, hdata, hlen);
	be16_put(payload, hlen);
	memset(payload + 2 + hlen, 0, len - 2 - hlen);
	return 0;
}

/* ---- EXTENDED2 (tor-spec.txt §5.3: the CREATED2 body), in relay data ---- */

int
wire_extended2_decode(const uint8_t *data, size_t len, struct wire_created2 *out)
{
	uint16_t hlen;

	/* tor: extended_cell_parse() refuses more than RELAY_PAYLOAD_SIZE. */
	if (len < 2 || len > WIRE_RELAY_DATA_MAX)
		return -EPROTO;
	hlen = be16_get(data);
	if (hlen > len - 2)
		return -EPROTO;

	out->hlen = hlen;
	out->hdata = data + 2;
	return 0;
}

int
wire_extended2_encode(uint8_t *out, size_t cap, const uint8_t *hdata, uint16_t hlen)
{
	size_t need = 2 + (size_t)hlen;

	if (hlen > WIRE_EXTENDED2_HDATA_MAX || need > cap)
		return -EMSGSIZE;

	if (hlen != 0)
		memmove(out + 2, hdata, hlen);
	be16_put(out, hlen);
	return (int)need;
}

/* ---- EXTEND2 (tor-spec.txt §5.1.2), in relay data ---- */

/*
 * Read one link specifier body of type @p type and length @p lslen into
 * @p x. The caller has checked that @p lslen bytes are there.
 */
static int
extend2_lspec_decode(struct wire_extend2 *x, uint8_t type, const uint8_t *p, uint8_t lslen)
{
	switch (type) {
	case WIRE_LSPEC_IPV4:
		if (lslen != LSPEC_IPV4_LEN)
			return -EPROTO;
		/* "current OR implementations only consider the first" */
		if (x->has_ipv4)
			return 0;
		x->has_ipv4 = 1;
		x->ipv4_addr = be32_get(p);
		x->ipv4_port = be16_get(p + 4);
		return 0;
	case WIRE_LSPEC_IPV6:
		if (lslen != LSPEC_IPV6_LEN)
			return -EPROTO;
		if (x->has_ipv6)
			return 0;
		x->has_ipv6 = 1;
		memcpy(x->ipv6_addr, p, sizeof(x->ipv6_addr));
		x->ipv6_port = be16_get(p + sizeof(x->ipv6_addr));
		return 0;
	case WIRE_LSPEC_LEGACY_ID:
		/* "At most one may be listed." */
		if (lslen != LSPEC_LEGACY_ID_LEN || x->has_legacy_id)
			return -EPROTO;
		x->has_legacy_id = 1;
		memcpy(x->legacy_id, p, sizeof(x->legacy_id));
		return 0;
	case WIRE_LSPEC_ED25519_ID:
		if (lslen != LSPEC_ED25519_ID_LEN || x->has_ed_id)
			return -EPROTO;
		x->has_ed_id = 1;
		memcpy(x->ed_id, p, sizeof(x->ed_id));
		return 0;
	default:
		/* "Nodes MUST ignore unrecognized specifiers"; NSPEC <= 255, so
		 * the count cannot wrap. */
		x->n_unknown++;
		return 0;
	}
}

int
wire_extend2_decode(const uint8_t *data, size_t len, struct wire_extend2 *out)
{
	struct wire_extend2 x;
	size_t off = 1;
	unsigned nspec, i;
	int rc;

	/* tor: extend_cell_parse() refuses more than RELAY_PAYLOAD_SIZE. */
	if (len < 1 || len > WIRE_RELAY_DATA_MAX)
		return -EPROTO;
	memset(&x, 0, sizeof(x));

	/* NSPEC, then NSPEC x { LSTYPE(1) LSLEN(1) LSPEC(LSLEN) }: at most 255
	 * specifiers, each bounded by what is left of @p len. */
	nspec = data[0];
	for (i = 0; i < nspec; i++) {
		uint8_t type, lslen;

		if (len - off < LSPEC_HDR_LEN)
			return -EPROTO;
		type = data[off];
		lslen = data[off + 1];
		off += LSPEC_HDR_LEN;
		if (len - off < lslen)
			return -EPROTO;
		rc = extend2_lspec_decode(&x, type, data + off, lslen);
		if (rc < 0)
			return rc;
		off += lslen;
	}

	/* HTYPE(2) HLEN(2) HDATA(HLEN): the CREATE2 body for the next hop. */
	if (len - off < HANDSHAKE_HDR_LEN)
		return -EPROTO;
	x.htype = be16_get(data + off);
	x.hlen = be16_get(data + off + 2);
	off += HANDSHAKE_HDR_LEN;
	if (len - off < x.hlen)
		return -EPROTO;
	x.hdata = data + off;

	*out = x;
	return 0;
}

int
wire_extend2_encode(uint8_t *out, size_t cap, const struct wire_extend2 *in)
{
	size_t need = 1 + HANDSHAKE_HDR_LEN + (size_t)in->hlen;
	uint8_t nspec = 0;
	uint8_t *p;

	if (in->has_ipv4)
		need += LSPEC_HDR_LEN + LSPEC_IPV4_LEN;
	if (in->has_legacy_id)
		need += LSPEC_HDR_LEN + LSPEC_LEGACY_ID_LEN;
	if (in->has_ed_id)
		need += LSPEC_HDR_LEN + LSPEC_ED25519_ID_LEN;
	if (in->has_ipv6)
		need += LSPEC_HDR_LEN + LSPEC_IPV6_LEN;
	if (need > cap || need > WIRE_RELAY_DATA_MAX)
		return -EMSGSIZE;

	/* tor-spec.txt §5.1.2: "implementations SHOULD send these link
	 * specifiers, if using them, in this order: [00], [02], [03], [01]." */
	p = out + 1;
	if (in->has_ipv4) {
		p[0] = WIRE_LSPEC_IPV4;
		p[1] = LSPEC_IPV4_LEN;
		be32_put(p + 2, in->ipv4_addr);
		be16_put(p + 6, in->ipv4_port);
		p += LSPEC_HDR_LEN + LSPEC_IPV4_LEN;
		nspec++;
	}
	if (in->has_legacy_id) {
		p[0] = WIRE_LSPEC_LEGACY_ID;
		p[1] = LSPEC_LEGACY_ID_LEN;
		memcpy(p + 2, in->legacy_id, LSPEC_LEGACY_ID_LEN);
		p += LSPEC_HDR_LEN + LSPEC_LEGACY_ID_LEN;
		nspec++;
	}
	if (in->has_ed_id) {
		p[0] = WIRE_LSPEC_ED25519_ID;
		p[1] = LSPEC_ED25519_ID_LEN;
		memcpy(p + 2, in->ed_id, LSPEC_ED25519_ID_LEN);
		p += LSPEC_HDR_LEN + LSPEC_ED25519_ID_LEN;
		nspec++;
	}
	if (in->has_ipv6) {
		p[0] = WIRE_LSPEC_IPV6;
		p[1] = LSPEC_IPV6_LEN;
		memcpy(p + 2, in->ipv6_addr, sizeof(in->ipv6_addr));
		be16_put(p + 2 + sizeof(in->ipv6_addr), in->ipv6_port);
		p += LSPEC_HDR_LEN + LSPEC_IPV6_LEN;
		nspec++;
	}
	out[0] = nspec;
	be16_put(p, in->htype);
	be16_put(p + 2, in->hlen);
	if (in->hlen != 0)
		memcpy(p + HANDSHAKE_HDR_LEN, in->hdata, in->hlen);
	return (int)need;
}
