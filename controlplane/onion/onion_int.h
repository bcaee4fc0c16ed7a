/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Circuit handshakes, internals: KDFs, hashes, X25519, and each handshake with
 *        injectable ephemeral keys.
 *
 * For the .c files of controlplane/onion/ and for tests/ only.
 *
 * Every function that takes an ephemeral secret (@c x_sec, @c y_sec) draws a
 * fresh one when it is NULL; tests pass fixed keys to reproduce published
 * vectors (proposal 332 appendix X.2, tor's ntor_ref.py). Every function
 * wipes its intermediate secrets before returning.
 *
 * Crypto returns: 0, -EPROTO for a degenerate X25519 output (all zero: a
 * low-order point, tor-spec §5.1.4 "point at infinity"), -EIO when OpenSSL
 * fails, -EINVAL for a length outside what the function supports.
 */
#ifndef CONTROLPLANE_ONION_ONION_INT_H
#define CONTROLPLANE_ONION_ONION_INT_H

#include <stddef.h>
#include <stdint.h>

#include "controlplane/onion/onion.h"

/** One piece of a hash or MAC input. */
struct cp_onion_iov {
	const void *p;
	size_t n;
};

/** ntor (tor-spec §5.1.4): NODEID(20) KEYID(32) X(32). */
#define CP_NTOR_ID_LEN 20
/** ntor-v3 (proposal 332): NODEID(32) KEYID(32) X(32) MSG MAC(32). */
#define CP_NTOR3_ID_LEN 32
#define CP_NTOR3_OVERHEAD (32 + 32 + 32 + 32)
/** ntor-v3 server reply: Y(32) AUTH(32) MSG. */
#define CP_NTOR3_REPLY_OVERHEAD (32 + 32)
/** Largest client message a CREATE2 HDATA can carry. */
#define CP_NTOR3_CMSG_MAX (WIRE_CREATE2_HDATA_MAX - CP_NTOR3_OVERHEAD)
/** The verification string tor uses for circuit extension (relay-checklist C3). */
#define CP_NTOR3_VERIFY_CIRC "circuit extend"
#define CP_NTOR3_VERIFY_CIRC_LEN 14
/** Most keystream cp_onion_ntor3_server_part2() and _client_finish() derive. */
#define CP_NTOR3_KS_MAX 256
/** Key material tor takes from a handshake: Df Db Kf Kb, then KH. */
#define CP_ONION_KEYS_TOTAL (CP_ONION_KEYS_LEN + CP_ONION_KH_LEN)

/** ntor-v3 extension types (relay-checklist C4; tor's trunnel/extension.trunnel). */
enum cp_ntor3_ext {
	CP_NTOR3_EXT_CC_REQUEST = 1,	   /**< prop 324: client asks for congestion control */
	CP_NTOR3_EXT_CC_RESPONSE = 2,	   /**< prop 324: server grants it, {sendme_inc} */
	CP_NTOR3_EXT_SUBPROTO_REQUEST = 3, /**< prop 346: {proto_id, capability} pairs */
};

/* ---- primitives (onion_kdf.c) ------------------------------------------- */

/**
 * HKDF-SHA256 (RFC 5869: extract, then expand) of @p ikm with @p salt and
 * @p info into @p out_len bytes (at most 255 * 32). ntor uses IKM =
 * secret_input, salt = t_key, info = m_expand (tor-spec §5.2.2).
 */
int cp_onion_hkdf_sha256(const uint8_t *ikm, size_t ikm_len, const uint8_t *salt, size_t salt_len,
			 const uint8_t *info, size_t info_len, uint8_t *out, size_t out_len);

/**
 * KDF-TOR (tor-spec §5.2.1): the first @p out_len bytes (at most 256 * 20)
 * of SHA1(K0 | 00) | SHA1(K0 | 01) | ... for K0 = @p k0 (at most 64 bytes).
 */
int cp_onion_kdf_tor(const uint8_t *k0, size_t k0_len, uint8_t *out, size_t out_len);

/** HMAC-SHA256 with key @p key over the concatenation of @p n pieces. */
int cp_onion_hmac_sha256(uint8_t out[32], const uint8_t *key, size_t key_len,
			 const struct cp_onion_iov *parts, size_t n);

/** SHA3-256 of the concatenation of @p n pieces. */
int cp_onion_sha3_256(uint8_t out[32], const struct cp_onion_iov *parts, size_t n);

/** The first @p out_len bytes of SHAKE-256 of the concatenation of @p n pieces. */
int cp_onion_shake256(uint8_t *out, size_t out_len, const struct cp_onion_iov *parts, size_t n);

/** AES-256-CTR with IV 0 (proposal 332 ENC/DEC), @p len bytes from @p in to @p out. */
int cp_onion_aes256ctr(const uint8_t key[32], const uint8_t *in, uint8_t *out, size_t len);

/** Write ENCAP's 8-byte big-endian length prefix for @p len bytes (proposal 332). */
void cp_onion_encap_len(uint8_t out[8], size_t len);

/** Make an X25519 keypair (the secret clamped as tor stores it). */
int cp_onion_x25519_keygen(uint8_t sec[32], uint8_t pub[32]);

/** Compute the X25519 public key of @p sec. */
int cp_onion_x25519_pub(uint8_t pub[32], const uint8_t sec[32]);

/**
 * X25519: @p out = EXP(@p pub, @p sec). @p sec_pub is the public key of
 * @p sec (every caller has it): handing it to OpenSSL with the secret
 * spares the scalar multiplication its import would otherwise do to
 * recompute it; the result depends on @p sec and @p pub only. -EPROTO when
 * the result is all zero (OpenSSL refuses it; the check is repeated here).
 */
int cp_onion_x25519(uint8_t out[32], const uint8_t sec[32], const uint8_t sec_pub[32],
		    const uint8_t pub[32]);

/** The server's ntor key (current or previous) whose public key is @p keyid, or NULL. */
const struct cp_onion_ntor_key *cp_onion_find_ntor_key(const struct cp_onion_server_keys *sk,
						       const uint8_t keyid[32]);

/** Return 1 if the @p n bytes at @p p are all zero, in time independent of their value. */
int cp_onion_is_zero(const uint8_t *p, size_t n);

/* ---- ntor (onion_ntor.c) --------------------------------------------------- */

/**
 * Server side of ntor for a WIRE_NTOR_ONIONSKIN_LEN-byte @p hdata, with
 * ephemeral @p y_sec (NULL: fresh). Writes Y | AUTH (64 bytes) to @p reply.
 */
enum cp_onion_fail cp_onion_ntor_server(const struct cp_onion_server_keys *sk, const uint8_t *y_sec,
					const uint8_t *hdata, size_t hlen,
					uint8_t reply[WIRE_NTOR_REPLY_LEN],
					struct cp_onion_keys *out);

/** Client side of ntor: fill @p st and write the 84-byte onionskin to @p out. */
int cp_onion_ntor_client_create(struct cp_onion_client *st, const uint8_t *x_sec,
				const struct cp_onion_peer *peer,
				uint8_t out[WIRE_NTOR_ONIONSKIN_LEN]);

/** Finish ntor: 0, -EPROTO (length, AUTH, degenerate key), -EIO. */
int cp_onion_ntor_client_finish(const struct cp_onion_client *st, const uint8_t *reply,
				size_t reply_len, struct cp_onion_keys *out);

/* ---- ntor-v3 (onion_ntor3.c) ----------------------------------------------- */

/** What the server keeps between reading the client's handshake and replying. */
struct cp_ntor3_server_state {
	uint8_t id[CP_NTOR3_ID_LEN]; /**< our Ed25519 identity (NODEID) */
	uint8_t b_pub[32];	     /**< the onion key the client named (KEYID) */
	uint8_t x_pub[32];	     /**< the client's X */
	uint8_t xb[32];		     /**< EXP(X, b): secret */
	uint8_t msg_mac[32];	     /**< the client's MAC */
};

/**
 * Server, phase 1 (proposal 332 "Server operation" up to CM): check NODEID
 * and KEYID, the MAC, and decrypt the client message into @p cm (at least
 * CP_NTOR3_CMSG_MAX bytes), its length in *@p cm_len. @p st is wiped on
 * failure; the caller wipes it after phase 2.
 */
enum cp_onion_fail cp_onion_ntor3_server_part1(const struct cp_onion_server_keys *sk,
					       const uint8_t *ver, size_t ver_len,
					       const uint8_t *hdata, size_t hlen, uint8_t *cm,
					       size_t *cm_len, struct cp_ntor3_server_state *st);

/**
 * Server, phase 2: reply with server message @p sm (at most CP_ONION_MSG_MAX
 * bytes) and ephemeral @p y_sec (NULL: fresh). Writes Y | AUTH | MSG to
 * @p reply (capacity @p reply_cap), its length to *@p reply_len, and the
 * first @p ks_len bytes of the keystream after ENC_KEY to @p ks.
 */
enum cp_onion_fail cp_onion_ntor3_server_part2(const struct cp_ntor3_server_state *st,
					       const uint8_t *y_sec, const uint8_t *ver,
					       size_t ver_len, const uint8_t *sm, size_t sm_len,
					       uint8_t *reply, size_t reply_cap, size_t *reply_len,
					       uint8_t *ks, size_t ks_len);

/**
 * Apply Chive's extension policy (onion.h) to a decrypted client message:
 * CP_ONION_OK with the reply message written to @p sm (1 byte, "00"),
 * CP_ONION_FAIL_EXT if malformed, CP_ONION_FAIL_EXT_UNSUPPORTED for a
 * SUBPROTO_REQUEST.
 */
enum cp_onion_fail cp_onion_ntor3_policy(const uint8_t *cm, size_t cm_len, uint8_t *sm,
					 size_t sm_cap, size_t *sm_len);

/**
 * The whole server side as cp_onion_server() runs it for HTYPE 3:
 * verification string "circuit extend", cp_onion_ntor3_policy(), and
 * ephemeral @p y_sec (NULL: fresh). The reply goes to @p reply (at least
 * CP_ONION_REPLY_MAX bytes); the keystream after ENC_KEY is Df Db Kf Kb KH
 * (onion_crypto.c in tor takes keys_out_len + DIGEST_LEN bytes, keys first).
 */
enum cp_onion_fail cp_onion_ntor3_server(const struct cp_onion_server_keys *sk,
					 const uint8_t *y_sec, const uint8_t *hdata, size_t hlen,
					 uint8_t *reply, size_t *reply_len,
					 struct cp_onion_keys *out);

/**
 * Client, phase 1: fill @p st and write the onionskin (128 + @p msg_len
 * bytes) to @p out (capacity @p cap). Returns its length, or -EMSGSIZE,
 * -EPROTO (degenerate onion key), -EIO.
 */
int cp_onion_ntor3_client_create(struct cp_onion_client *st, const uint8_t *x_sec,
				 const struct cp_onion_peer *peer, const uint8_t *ver,
				 size_t ver_len, const uint8_t *msg, size_t msg_len, uint8_t *out,
				 size_t cap);

/**
 * Client, phase 2: check AUTH, write the first @p ks_len keystream bytes
 * after ENC_KEY to @p ks and the server message to @p msg_out (its length
 * to *@p msg_len). 0, -EPROTO, -EMSGSIZE (message over @p msg_cap), -EIO;
 * on failure @p ks and @p msg_out are wiped.
 */
int cp_onion_ntor3_client_finish(const struct cp_onion_client *st, const uint8_t *ver,
				 size_t ver_len, const uint8_t *reply, size_t reply_len,
				 uint8_t *ks, size_t ks_len, uint8_t *msg_out, size_t msg_cap,
				 size_t *msg_len);

/* ---- CREATE_FAST (onion_fast.c) -------------------------------------------- */

/**
 * Server side of CREATE_FAST with our half @p y (NULL: 20 random bytes):
 * reply Y | KH (40 bytes) and the keys.
 */
enum cp_onion_fail cp_onion_fast_server(const uint8_t *y, const uint8_t *hdata, size_t hlen,
					uint8_t reply[WIRE_CREATED_FAST_LEN],
					struct cp_onion_keys *out);

/** Client side of CREATE_FAST with X = @p x (NULL: random); writes X (20 bytes). */
int cp_onion_fast_client_create(struct cp_onion_client *st, const uint8_t *x,
				uint8_t out[WIRE_CREATE_FAST_LEN]);

/** Finish CREATE_FAST: 0, -EPROTO (length or KH mismatch), -EIO. */
int cp_onion_fast_client_finish(const struct cp_onion_client *st, const uint8_t *reply,
				size_t reply_len, struct cp_onion_keys *out);

#endif /* CONTROLPLANE_ONION_ONION_INT_H */
