/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Link-handshake cell bodies: CERTS, AUTH_CHALLENGE, AUTHENTICATE, NETINFO.
 *
 * Pure encoders and decoders for the payloads of tor-spec.txt §4.2–§4.5.
 * They check lengths only; the meaning of the certificates and of the
 * authenticator is the control plane's (controlplane/certs/linkcerts.c).
 * Nothing here allocates, logs or keeps state.
 */
#include <errno.h>
#include <string.h>

#include "common/base/byteorder.h"
#include "common/wire/wire_cell.h"
#include "common/wire/wire_link.h"

/* tor-spec.txt §4.2: CertType(1) | CLEN(2). */
#define CERTS_ENTRY_HDR_LEN 3
/* tor-spec.txt §4.5: ATYPE(1) | ALEN(1). */
#define NETINFO_ADDR_HDR_LEN 2

int
wire_certs_decode(const uint8_t *payload, size_t len, struct wire_certs_entry *certs, size_t max,
		  size_t *n)
{
	size_t off = 1;
	size_t count;
	size_t i;

	*n = 0;
	if (len < 1)
		return -EPROTO;
	count = payload[0];
	if (count > max)
		return -ENOBUFS;

	/* At most 255 iterations: N is one octet. */
	for (i = 0; i < count; i++) {
		uint16_t clen;

		if (len - off < CERTS_ENTRY_HDR_LEN)
			return -EPROTO;
		clen = be16_get(payload + off + 1);
		if (len - off - CERTS_ENTRY_HDR_LEN < clen)
			return -EPROTO;
		certs[i].type = payload[off];
		certs[i].len = clen;
		certs[i].body = payload + off + CERTS_ENTRY_HDR_LEN;
		off += CERTS_ENTRY_HDR_LEN + clen;
	}
	/* "Any extra octets at the end of a CERTS cell MUST be ignored." */
	*n = count;
	return 0;
}

size_t
wire_certs_encoded_len(const struct wire_certs_entry *certs, size_t n)
{
	size_t total = 1;
	size_t i;

	for (i = 0; i < n; i++)
		total += CERTS_ENTRY_HDR_LEN + certs[i].len;
	return total;
}

int
wire_certs_encode(uint8_t *dst, size_t dst_len, const struct wire_certs_entry *certs, size_t n)
{
	size_t total;
	size_t off = 1;
	size_t i;

	if (n > WIRE_CERTS_MAX)
		return -EINVAL;
	for (i = 0; i < n; i++)
		if (certs[i].len > 0 && certs[i].body == NULL)
			return -EINVAL;
	total = wire_certs_encoded_len(certs, n);
	if (total > WIRE_VAR_CELL_PAYLOAD_MAX)
		return -EMSGSIZE;
	if (dst_len < total)
		return -ENOBUFS;

	dst[0] = (uint8_t)n;
	for (i = 0; i < n; i++) {
		dst[off] = certs[i].type;
		be16_put(dst + off + 1, certs[i].len);
		if (certs[i].len > 0)
			memcpy(dst + off + CERTS_ENTRY_HDR_LEN, certs[i].body, certs[i].len);
		off += CERTS_ENTRY_HDR_LEN + certs[i].len;
	}
	return (int)total;
}

int
wire_auth_challenge_decode(const uint8_t *payload, size_t len, struct wire_auth_challenge *out)
{
	uint16_t n;

	/* tor-spec.txt §4.3: Challenge(32) | N_Methods(2) | Methods(2 * N). */
	if (len < WIRE_AUTH_CHALLENGE_LEN + 2)
		return -EPROTO;
	n = be16_get(payload + WIRE_AUTH_CHALLENGE_LEN);
	if ((len - WIRE_AUTH_CHALLENGE_LEN - 2) / 2 < n)
		return -EPROTO;
	out->challenge = payload;
	out->n_methods = n;
	out->methods = payload + WIRE_AUTH_CHALLENGE_LEN + 2;
	return 0;
}

uint16_t
wire_auth_challenge_method(const struct wire_auth_challenge *ac, uint16_t i)
{
	return be16_get(ac->methods + 2 * (size_t)i);
}

bool
wire_auth_challenge_has_method(const struct wire_auth_challenge *ac, uint16_t method)
{
	uint16_t i;

	/* At most 65535 iterations, bounded by the decoded payload. */
	for (i = 0; i < ac->n_methods; i++)
		if (wire_auth_challenge_method(ac, i) == method)
			return true;
	return false;
}

int
wire_auth_challenge_encode(uint8_t *dst, size_t dst_len,
			   const uint8_t challenge[WIRE_AUTH_CHALLENGE_LEN],
			   const uint16_t *methods, size_t n)
{
	size_t total;
	size_t i;

	if (n > (WIRE_VAR_CELL_PAYLOAD_MAX - WIRE_AUTH_CHALLENGE_LEN - 2) / 2)
		return -EMSGSIZE;
	total = WIRE_AUTH_CHALLENGE_LEN + 2 + 2 * n;
	if (dst_len < total)
		return -ENOBUFS;

	memcpy(dst, challenge, WIRE_AUTH_CHALLENGE_LEN);
	be16_put(dst + WIRE_AUTH_CHALLENGE_LEN, (uint16_t)n);
	for (i = 0; i < n; i++)
		be16_put(dst + WIRE_AUTH_CHALLENGE_LEN + 2 + 2 * i, methods[i]);
	return (int)total;
}

int
wire_authenticate_decode(const uint8_t *payload, size_t len, struct wire_authenticate *out)
{
	uint16_t alen;

	/* tor-spec.txt §4.4: AuthType(2) | AuthLen(2) | Authentication. */
	if (len < WIRE_AUTHENTICATE_HDR_LEN)
		return -EPROTO;
	alen = be16_get(payload + 2);
	if (len - WIRE_AUTHENTICATE_HDR_LEN < alen)
		return -EPROTO;
	out->auth_type = be16_get(payload);
	out->auth_len = alen;
	out->auth = payload + WIRE_AUTHENTICATE_HDR_LEN;
	return 0;
}

int
wire_authenticate_encode(uint8_t *dst, size_t dst_len, uint16_t auth_type, const uint8_t *auth,
			 size_t auth_len)
{
	if (auth_len > WIRE_VAR_CELL_PAYLOAD_MAX - WIRE_AUTHENTICATE_HDR_LEN)
		return -EMSGSIZE;
	if (dst_len < WIRE_AUTHENTICATE_HDR_LEN + auth_len)
		return -ENOBUFS;

	/* The authenticator may already sit at dst + 4. */
	if (auth_len > 0)
		memmove(dst + WIRE_AUTHENTICATE_HDR_LEN, auth, auth_len);
	be16_put(dst, auth_type);
	be16_put(dst + 2, (uint16_t)auth_len);
	return (int)(WIRE_AUTHENTICATE_HDR_LEN + auth_len);
}

bool
wire_netinfo_addr_is_valid(const struct wire_netinfo_addr *a)
{
	return (a->atype == WIRE_NETINFO_ATYPE_IPV4 && a->alen == 4) ||
	       (a->atype == WIRE_NETINFO_ATYPE_IPV6 && a->alen == 16);
}

/* Decode one ATYPE | ALEN | AVAL at @p *off; advance @p *off past it. */
static int
netinfo_addr_decode(const uint8_t *p, size_t len, size_t *off, struct wire_netinfo_addr *a)
{
	uint8_t alen;

	if (len - *off < NETINFO_ADDR_HDR_LEN)
		return -EPROTO;
	alen = p[*off + 1];
	if (len - *off - NETINFO_ADDR_HDR_LEN < alen)
		return -EPROTO;
	if (a != NULL) {
		a->atype = p[*off];
		a->alen = alen;
		a->aval = p + *off + NETINFO_ADDR_HDR_LEN;
	}
	*off += NETINFO_ADDR_HDR_LEN + alen;
	return 0;
}

int
wire_netinfo_decode(const uint8_t *payload, size_t len, struct wire_netinfo *out)
{
	size_t off = 4;
	unsigned int i;
	uint8_t n_my;

	if (len < 4)
		return -EPROTO;
	if (netinfo_addr_decode(payload, len, &off, &out->other) < 0)
		return -EPROTO;
	if (len - off < 1)
		return -EPROTO;
	n_my = payload[off++];
	/* At most 255 iterations: NMYADDR is one octet. */
	for (i = 0; i < n_my; i++) {
		struct wire_netinfo_addr *a = i < WIRE_NETINFO_MY_MAX ? &out->my[i] : NULL;

		if (netinfo_addr_decode(payload, len, &off, a) < 0)
			return -EPROTO;
	}
	out->timestamp = be32_get(payload);
	out->n_my = n_my;
	return 0;
}

/* Write one valid address at @p dst; return the bytes written. */
static size_t
netinfo_addr_put(uint8_t *dst, const struct wire_netinfo_addr *a)
{
	dst[0] = a->atype;
	dst[1] = a->alen;
	memcpy(dst + NETINFO_ADDR_HDR_LEN, a->aval, a->alen);
	return NETINFO_ADDR_HDR_LEN + (size_t)a->alen;
}

int
wire_netinfo_encode(uint8_t *dst, size_t dst_len, uint32_t timestamp,
		    const struct wire_netinfo_addr *other, const struct wire_netinfo_addr *my,
		    size_t n_my)
{
	size_t total = 4 + NETINFO_ADDR_HDR_LEN + other->alen + 1;
	size_t off;
	size_t i;

	if (n_my > 255 || !wire_netinfo_addr_is_valid(other))
		return -EINVAL;
	for (i = 0; i < n_my; i++) {
		if (!wire_netinfo_addr_is_valid(&my[i]))
			return -EINVAL;
		total += NETINFO_ADDR_HDR_LEN + my[i].alen;
	}
	if (total > WIRE_CELL_PAYLOAD_LEN)
		return -EMSGSIZE;
	if (dst_len < total)
		return -ENOBUFS;

	be32_put(dst, timestamp);
	off = 4 + netinfo_addr_put(dst + 4, other);
	dst[off++] = (uint8_t)n_my;
	for (i = 0; i < n_my; i++)
		off += netinfo_addr_put(dst + off, &my[i]);
	return (int)off;
}
