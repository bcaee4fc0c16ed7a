/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Link-handshake cell bodies: CERTS, AUTH_CHALLENGE, AUTHENTICATE, NETINFO.
 *
 * Stateless codecs for the payloads of the in-protocol ("v3") link
 * handshake, tor-spec.txt §4.2–§4.5. VERSIONS bodies live in wire_cell.h.
 * These are only the byte layouts: what the certificates inside a CERTS cell
 * mean, and the AUTHENTICATE authenticator, are checked by the control plane
 * (controlplane/certs/), which holds the keys.
 *
 * Decoders return views into the caller's buffer; nothing is copied or
 * allocated. They validate lengths and never assert on input. Every body
 * here may carry trailing bytes that the spec says to ignore (§4.2 "Any
 * extra octets at the end of a CERTS cell MUST be ignored", §4.3, §4.4,
 * §4.5), and the fixed-length NETINFO cell always carries padding, so
 * decoders accept and ignore bytes after the structure.
 *
 * May be included by anything (common/: libc and C11 only).
 */
#ifndef COMMON_WIRE_WIRE_LINK_H
#define COMMON_WIRE_WIRE_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** CertType values of a CERTS cell (tor-spec.txt §4.2). */
enum wire_certtype {
	WIRE_CERTTYPE_RSA_LINK = 1,	/**< X.509: TLS link key, signed by the RSA identity */
	WIRE_CERTTYPE_RSA_ID = 2,	/**< X.509: RSA1024 identity, self-signed */
	WIRE_CERTTYPE_RSA_AUTH = 3,	/**< X.509: RSA1024 auth key, signed by identity */
	WIRE_CERTTYPE_ED_ID_SIGNING = 4,	/**< cert-spec: Ed25519 identity -> signing key */
	WIRE_CERTTYPE_ED_SIGNING_LINK = 5,	/**< cert-spec: signing key -> SHA256(TLS cert) */
	WIRE_CERTTYPE_ED_SIGNING_AUTH = 6,	/**< cert-spec: signing key -> AUTHENTICATE key */
	WIRE_CERTTYPE_RSA_ED_CROSSCERT = 7,	/**< cert-spec §2.3: RSA id -> Ed25519 id */
};

/** Largest number of certificates a CERTS cell can list (N is one octet). */
#define WIRE_CERTS_MAX 255

/** One certificate in a CERTS cell: a view into the decoded payload. */
struct wire_certs_entry {
	uint8_t type;			/**< enum wire_certtype, or unknown */
	uint16_t len;			/**< CLEN: bytes at @c body */
	const uint8_t *body;		/**< borrowed; may be NULL when @c len is 0 */
};

/**
 * Parse a CERTS cell payload (tor-spec.txt §4.2).
 *
 * Layout: N(1) then N times CertType(1) | CLEN(2) | Certificate(CLEN).
 * Stores the entries in wire order, duplicates and unknown types included:
 * which types are acceptable is the verifier's business. Bytes after the
 * last certificate are ignored. O(N), N <= 255.
 *
 * @param certs
 *   Receives up to @p max entries.
 * @param n
 *   Receives N; set to 0 on error.
 * @return
 *   0 on success;
 *   -EPROTO if the payload is empty or a certificate runs past its end;
 *   -ENOBUFS if N exceeds @p max (pass WIRE_CERTS_MAX to never see this).
 */
int
wire_certs_decode(const uint8_t *payload, size_t len, struct wire_certs_entry *certs, size_t max,
		  size_t *n);

/**
 * Give the size of the CERTS payload that wire_certs_encode() writes.
 *
 * @return
 *   1 + sum(3 + len) over the @p n entries.
 */
size_t
wire_certs_encoded_len(const struct wire_certs_entry *certs, size_t n);

/**
 * Write a CERTS cell payload listing @p n certificates in the given order.
 *
 * @return
 *   Number of bytes written, or
 *   -EINVAL if @p n exceeds WIRE_CERTS_MAX or an entry with a non-zero length has no body;
 *   -EMSGSIZE if the payload would exceed a variable-length cell (65535 bytes);
 *   -ENOBUFS if @p dst_len is too small.
 */
int
wire_certs_encode(uint8_t *dst, size_t dst_len, const struct wire_certs_entry *certs, size_t n);

/** AUTH_CHALLENGE challenge length (tor-spec.txt §4.3). */
#define WIRE_AUTH_CHALLENGE_LEN 32
/** Authentication method "Ed25519-SHA256-RFC5705" (tor-spec.txt §4.4.2). */
#define WIRE_AUTHTYPE_ED25519_SHA256_RFC5705 3

/** A decoded AUTH_CHALLENGE body: views into the payload. */
struct wire_auth_challenge {
	const uint8_t *challenge;	/**< WIRE_AUTH_CHALLENGE_LEN bytes, borrowed */
	uint16_t n_methods;		/**< N_Methods */
	const uint8_t *methods;		/**< 2 * n_methods bytes, u16 BE each, borrowed */
};

/**
 * Parse an AUTH_CHALLENGE payload (tor-spec.txt §4.3).
 *
 * Layout: Challenge(32) | N_Methods(2) | Methods(2 * N_Methods). Extra bytes
 * at the end are ignored ("Initiators MUST ignore unexpected bytes").
 *
 * @return
 *   0 on success; -EPROTO if the payload is shorter than the layout needs.
 */
int
wire_auth_challenge_decode(const uint8_t *payload, size_t len, struct wire_auth_challenge *out);

/**
 * Return method @p i (0-based, < n_methods) of a decoded AUTH_CHALLENGE.
 */
uint16_t
wire_auth_challenge_method(const struct wire_auth_challenge *ac, uint16_t i);

/**
 * Tell whether a decoded AUTH_CHALLENGE offers method @p method.
 */
bool
wire_auth_challenge_has_method(const struct wire_auth_challenge *ac, uint16_t method);

/**
 * Write an AUTH_CHALLENGE payload: the 32-byte @p challenge and @p n methods.
 *
 * tor-spec.txt §4.3: "Responders MUST generate every challenge
 * independently using a strong RNG": the caller supplies it.
 *
 * @return
 *   Number of bytes written (34 + 2 * @p n), or
 *   -EMSGSIZE if @p n exceeds what fits a variable-length cell;
 *   -ENOBUFS if @p dst_len is too small.
 */
int
wire_auth_challenge_encode(uint8_t *dst, size_t dst_len,
			   const uint8_t challenge[WIRE_AUTH_CHALLENGE_LEN],
			   const uint16_t *methods, size_t n);

/** AUTHENTICATE header: AuthType(2) | AuthLen(2) (tor-spec.txt §4.4). */
#define WIRE_AUTHENTICATE_HDR_LEN 4

/** A decoded AUTHENTICATE body: a view into the payload. */
struct wire_authenticate {
	uint16_t auth_type;		/**< AuthType */
	uint16_t auth_len;		/**< AuthLen: bytes at @c auth */
	const uint8_t *auth;		/**< Authentication, borrowed */
};

/**
 * Parse an AUTHENTICATE payload (tor-spec.txt §4.4).
 *
 * Layout: AuthType(2) | AuthLen(2) | Authentication(AuthLen). Extra bytes
 * after the authenticator are ignored ("Responders MUST ignore extra bytes
 * at the end of an AUTHENTICATE cell").
 *
 * @return
 *   0 on success; -EPROTO if the payload is shorter than 4 bytes or than
 *   4 + AuthLen ("Authenticator was truncated" in tor).
 */
int
wire_authenticate_decode(const uint8_t *payload, size_t len, struct wire_authenticate *out);

/**
 * Write an AUTHENTICATE payload: AuthType, AuthLen and @p auth_len bytes.
 *
 * @p auth may overlap @p dst (build the authenticator at dst + 4 and pass
 * that pointer).
 *
 * @return
 *   Number of bytes written (4 + @p auth_len), or
 *   -EMSGSIZE if the payload would exceed 65535 bytes;
 *   -ENOBUFS if @p dst_len is too small.
 */
int
wire_authenticate_encode(uint8_t *dst, size_t dst_len, uint16_t auth_type, const uint8_t *auth,
			 size_t auth_len);

/** NETINFO address types (tor-spec.txt §4.5). */
enum wire_netinfo_atype {
	WIRE_NETINFO_ATYPE_IPV4 = 4,
	WIRE_NETINFO_ATYPE_IPV6 = 6,
};

/** Largest number of "my addresses" kept by wire_netinfo_decode(). */
#define WIRE_NETINFO_MY_MAX 8

/** One NETINFO address: a view into the payload. */
struct wire_netinfo_addr {
	uint8_t atype;			/**< ATYPE, enum wire_netinfo_atype or unknown */
	uint8_t alen;			/**< ALEN as on the wire */
	const uint8_t *aval;		/**< ALEN bytes, network order, borrowed */
};

/**
 * A decoded NETINFO body.
 *
 * Invariant: @c my holds the first min(@c n_my, WIRE_NETINFO_MY_MAX)
 * addresses; the rest were length-checked and skipped.
 */
struct wire_netinfo {
	uint32_t timestamp;		/**< TIME, seconds since the epoch, host order */
	struct wire_netinfo_addr other;	/**< OTHERADDR */
	uint8_t n_my;			/**< NMYADDR as on the wire */
	struct wire_netinfo_addr my[WIRE_NETINFO_MY_MAX];
};

/**
 * Tell whether @p a is a usable address: ATYPE 4 with ALEN 4 or ATYPE 6 with ALEN 16.
 *
 * tor-spec.txt §4.5: "If the ALEN value is wrong for the given ATYPE value,
 * then the provided address should be ignored"; so are unknown types.
 */
bool
wire_netinfo_addr_is_valid(const struct wire_netinfo_addr *a);

/**
 * Parse a NETINFO payload (tor-spec.txt §4.5).
 *
 * Layout: TIME(4) | OTHERADDR | NMYADDR(1) | NMYADDR addresses, each
 * ATYPE(1) | ALEN(1) | AVAL(ALEN). Bytes after the last address (the
 * fixed-length cell's padding) are ignored. An address with an unknown type
 * or a wrong length is decoded as it stands, so the caller can ignore it
 * (wire_netinfo_addr_is_valid()); tor 0.4.9's trunnel parser would instead
 * reject such a cell. O(NMYADDR), NMYADDR <= 255.
 *
 * @return
 *   0 on success; -EPROTO if an address runs past the payload.
 */
int
wire_netinfo_decode(const uint8_t *payload, size_t len, struct wire_netinfo *out);

/**
 * Write a NETINFO payload (tor-spec.txt §4.5).
 *
 * @p other and each of @p my must be valid addresses
 * (wire_netinfo_addr_is_valid()). The result is at most 4 + 18 + 1 +
 * 18 * n_my bytes; the caller pads the fixed-length cell (wire_cell_encode_fixed()
 * zero-fills). Clients send @p timestamp 0 and no addresses of their own.
 *
 * @return
 *   Number of bytes written, or
 *   -EINVAL if an address is not valid or @p n_my exceeds 255;
 *   -EMSGSIZE if the body would not fit a fixed-length cell (509 bytes);
 *   -ENOBUFS if @p dst_len is too small.
 */
int
wire_netinfo_encode(uint8_t *dst, size_t dst_len, uint32_t timestamp,
		    const struct wire_netinfo_addr *other, const struct wire_netinfo_addr *my,
		    size_t n_my);

#endif /* COMMON_WIRE_WIRE_LINK_H */
