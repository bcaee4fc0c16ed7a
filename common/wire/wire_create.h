/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Circuit-creation bodies: CREATE2/CREATED2, CREATE_FAST/CREATED_FAST,
 *        EXTEND2/EXTENDED2 with link specifiers, DESTROY and TRUNCATED reasons.
 *
 * Stateless codecs for tor-spec.txt §5.1 (CREATE2, CREATE_FAST), §5.1.2
 * (EXTEND2 and link specifiers), §5.3 (EXTENDED2) and §5.4 (DESTROY,
 * TRUNCATE, TRUNCATED). Decoded bodies are views into the caller's buffer
 * where they carry handshake data; nothing is allocated. Wire fields are
 * big-endian (tor-spec.txt §0.1.1); struct fields are in host order.
 *
 * The CREATE2/CREATED2 codecs work on the 509-byte payload of a fixed cell;
 * the EXTEND2/EXTENDED2 codecs work on the data of a relay cell (at most
 * WIRE_RELAY_DATA_MAX = 498 bytes, see wire_relay.h).
 *
 * Every decoder rejects malformed input with -EPROTO and never reads past
 * the length it is given; every encoder refuses a body that does not fit
 * with -EMSGSIZE.
 *
 * May be included by anything (common/: libc and C11 only).
 */
#ifndef COMMON_WIRE_WIRE_CREATE_H
#define COMMON_WIRE_WIRE_CREATE_H

#include <stddef.h>
#include <stdint.h>

/** Handshake types (tor-spec.txt §5.1; tor's ONION_HANDSHAKE_TYPE_*). */
enum wire_htype {
	WIRE_HTYPE_TAP = 0,	/**< obsolete (proposal 350); always refused */
	WIRE_HTYPE_FAST = 1,	/**< CREATE_FAST; never inside CREATE2 */
	WIRE_HTYPE_NTOR = 2,	/**< ntor, tor-spec.txt §5.1.4 */
	WIRE_HTYPE_NTOR_V3 = 3, /**< ntor-v3, proposal 332 */
};

/** Largest CREATE2 HDATA: 509 - HTYPE(2) - HLEN(2). */
#define WIRE_CREATE2_HDATA_MAX 505
/** Largest CREATED2 HDATA: 509 - HLEN(2). */
#define WIRE_CREATED2_HDATA_MAX 507
/** Largest EXTENDED2 HDATA: 498 - HLEN(2). */
#define WIRE_EXTENDED2_HDATA_MAX 496
/** CREATE_FAST body: X (20 bytes of key material, HASH_LEN). */
#define WIRE_CREATE_FAST_LEN 20
/** CREATED_FAST body: Y (20) then KH (20). */
#define WIRE_CREATED_FAST_LEN 40
/** ntor (HTYPE 2) client handshake length: NODEID(20) KEYID(32) X(32). */
#define WIRE_NTOR_ONIONSKIN_LEN 84
/** ntor (HTYPE 2) server reply length: Y(32) AUTH(32). */
#define WIRE_NTOR_REPLY_LEN 64

/** Link specifier types (tor-spec.txt §5.1.2). */
enum wire_lspec_type {
	WIRE_LSPEC_IPV4 = 0,	/**< 4-byte address, 2-byte port */
	WIRE_LSPEC_IPV6 = 1,	/**< 16-byte address, 2-byte port */
	WIRE_LSPEC_LEGACY_ID = 2, /**< 20-byte SHA-1 of the RSA identity key */
	WIRE_LSPEC_ED25519_ID = 3, /**< 32-byte Ed25519 identity key */
};

/** DESTROY and TRUNCATED reasons (tor-spec.txt §5.4). */
enum wire_destroy_reason {
	WIRE_DESTROY_NONE = 0,
	WIRE_DESTROY_PROTOCOL = 1,
	WIRE_DESTROY_INTERNAL = 2,
	WIRE_DESTROY_REQUESTED = 3,
	WIRE_DESTROY_HIBERNATING = 4,
	WIRE_DESTROY_RESOURCELIMIT = 5,
	WIRE_DESTROY_CONNECTFAILED = 6,
	WIRE_DESTROY_OR_IDENTITY = 7,
	WIRE_DESTROY_CHANNEL_CLOSED = 8,
	WIRE_DESTROY_FINISHED = 9,
	WIRE_DESTROY_TIMEOUT = 10,
	WIRE_DESTROY_DESTROYED = 11,
	WIRE_DESTROY_NOSUCHSERVICE = 12,
};
/** Highest reason code defined by tor-spec.txt §5.4. */
#define WIRE_DESTROY_REASON_MAX 12

/** Give a reason's lower-case name ("protocol", ...), or "unknown". */
const char *wire_destroy_reason_name(unsigned reason);

/** A CREATE2 body (tor-spec.txt §5.1): a view into the cell payload. */
struct wire_create2 {
	uint16_t htype;		/**< enum wire_htype, or unknown (not checked here) */
	uint16_t hlen;		/**< <= WIRE_CREATE2_HDATA_MAX */
	const uint8_t *hdata;	/**< borrowed */
};

/** A CREATED2 or EXTENDED2 body: HLEN then HDATA, a view. */
struct wire_created2 {
	uint16_t hlen;
	const uint8_t *hdata;	/**< borrowed */
};

/**
 * Decode a CREATE2 body from a 509-byte cell payload.
 * @return 0; -EINVAL if @p len is not 509; -EPROTO if HLEN exceeds 505.
 */
int wire_create2_decode(const uint8_t *payload, size_t len, struct wire_create2 *out);

/**
 * Write a CREATE2 body into a 509-byte cell payload; the bytes after HDATA
 * are zeroed.
 * @return 0; -EINVAL if @p len is not 509; -EMSGSIZE if @p hlen exceeds 505.
 */
int wire_create2_encode(uint8_t *payload, size_t len, uint16_t htype, const uint8_t *hdata,
			uint16_t hlen);

/**
 * Decode a CREATED2 body from a 509-byte cell payload.
 * tor also refuses HLEN > 496 (WIRE_EXTENDED2_HDATA_MAX), so that the reply
 * fits an EXTENDED2; wire_extended2_encode() tells a caller that relays it.
 * @return 0; -EINVAL if @p len is not 509; -EPROTO if HLEN exceeds 507.
 */
int wire_created2_decode(const uint8_t *payload, size_t len, struct wire_created2 *out);

/**
 * Write a CREATED2 body into a 509-byte cell payload (rest zeroed).
 * @return 0; -EINVAL if @p len is not 509; -EMSGSIZE if @p hlen exceeds 507.
 */
int wire_created2_encode(uint8_t *payload, size_t len, const uint8_t *hdata, uint16_t hlen);

/**
 * Decode an EXTENDED2 body from relay data (@p len <= 498 bytes: the relay
 * header's length field). Bytes after HDATA are ignored, as tor does.
 * @return 0; -EPROTO if HLEN runs past @p len, @p len < 2 or @p len > 498.
 */
int wire_extended2_decode(const uint8_t *data, size_t len, struct wire_created2 *out);

/**
 * Write an EXTENDED2 body (HLEN, HDATA) into @p out (capacity @p cap).
 * @return bytes written; -EMSGSIZE if it does not fit in @p cap or in 498.
 */
int wire_extended2_encode(uint8_t *out, size_t cap, const uint8_t *hdata, uint16_t hlen);

/**
 * An EXTEND2 body (tor-spec.txt §5.1.2), decoded.
 *
 * The known link specifiers are copied out. As in tor (onion.c,
 * extend_cell_from_extend2_cell_body()), repeated IPv4 or IPv6 specifiers
 * are accepted and the first of each is kept (the spec: "MUST accept
 * multiple instances"), while a repeated legacy or Ed25519 identity is
 * -EPROTO. Unknown types are skipped and counted in @c n_unknown. The
 * handshake is a view into the input.
 */
struct wire_extend2 {
	uint8_t has_ipv4;	/**< 1 if an IPv4 specifier was present */
	uint8_t has_ipv6;
	uint8_t has_legacy_id;
	uint8_t has_ed_id;
	uint8_t n_unknown;	/**< unknown specifier types skipped (decode only) */
	uint8_t pad[3];
	uint32_t ipv4_addr;	/**< host order */
	uint16_t ipv4_port;	/**< host order */
	uint16_t ipv6_port;	/**< host order */
	uint8_t ipv6_addr[16];
	uint8_t legacy_id[20];
	uint8_t ed_id[32];
	uint16_t htype;		/**< CREATE2 HTYPE for the next hop, passed on unchanged */
	uint16_t hlen;
	const uint8_t *hdata;	/**< borrowed */
};

/**
 * Decode an EXTEND2 body from relay data of @p len bytes (<= 498).
 * Checks only the encoding: the caller decides which specifiers it needs
 * (tor requires the legacy id and an address) and what HTYPE it allows.
 * Bytes after HDATA are ignored, as tor's trunnel parser does. @p out is
 * written only on success.
 * @return 0; -EPROTO when malformed: @p len of 0 or over 498, truncated
 *   specifier or handshake, a known specifier with the wrong length, a
 *   repeated legacy or Ed25519 identity.
 */
int wire_extend2_decode(const uint8_t *data, size_t len, struct wire_extend2 *out);

/**
 * Encode an EXTEND2 body into @p out (capacity @p cap), link specifiers in
 * tor's order: IPv4, legacy id, Ed25519 id, IPv6 (each only if its has_
 * flag is set).
 * @return bytes written; -EMSGSIZE if it does not fit in @p cap or in 498.
 */
int wire_extend2_encode(uint8_t *out, size_t cap, const struct wire_extend2 *in);

#endif /* COMMON_WIRE_WIRE_CREATE_H */
