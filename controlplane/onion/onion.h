/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Circuit handshakes: ntor, ntor-v3 and CREATE_FAST, server and client.
 *
 * tor-spec.txt §5.1.4 (ntor), §5.1.5 and §5.2.1 (CREATE_FAST, KDF-TOR),
 * §5.2.2 (HKDF-SHA256); proposal 332 (ntor-v3, SHA3-256/SHAKE-256) with the
 * corrections of relay-checklist C3–C4 (the verification string is
 * "circuit extend"; the message starts with an extension count byte).
 *
 * The server side runs in the control plane's onionskin workers
 * (onionq.h); the client side is used by the project's test client
 * (tools/torclient) and by tests. Both produce the same 72 bytes of relay
 * key material, Df(20) Db(20) Kf(16) Kb(16) (dataplane/cell/relay_crypto.h),
 * plus KH (20 bytes, kept for later use by onion-service roles).
 *
 * ntor-v3 extensions (relay-checklist C4, C13): the server accepts an empty
 * client message ("00", zero extensions) and CC_REQUEST (which it does not
 * grant: Chive does not advertise FlowCtrl=2, so the reply carries no
 * CC_RESPONSE); any SUBPROTO_REQUEST fails the handshake (Chive negotiates
 * no subprotocol, and silently ignoring a CGO request would desynchronise
 * the client's crypto); unknown extension types are ignored, as tor does.
 * A malformed message fails (CP_ONION_FAIL_EXT): zero bytes (no extension
 * count, refused by tor's parser too), a truncated extension, or bytes
 * after the last extension (tor ignores those; proposal 332 says to
 * reject). The reply message is then "00" (zero extensions).
 *
 * Secrets: every function wipes its intermediate secrets before
 * returning; callers wipe struct cp_onion_keys and client state after use.
 * Thread safety: all functions are reentrant (the server keys are read
 * only); OpenSSL's default library context is used.
 */
#ifndef CONTROLPLANE_ONION_ONION_H
#define CONTROLPLANE_ONION_ONION_H

#include <stddef.h>
#include <stdint.h>

#include "common/wire/wire_create.h"

/** Relay key material: Df(20) Db(20) Kf(16) Kb(16) (= DP_RC_KEYS_LEN). */
#define CP_ONION_KEYS_LEN 72
/** KH, the derivative key data (tor-spec §5.2). */
#define CP_ONION_KH_LEN 20
/** Largest reply any handshake produces (a CREATED2 HDATA). */
#define CP_ONION_REPLY_MAX WIRE_CREATED2_HDATA_MAX
/** Largest ntor-v3 message we build or accept in a reply. */
#define CP_ONION_MSG_MAX 256

/** What a successful handshake yields. Wipe after use. */
struct cp_onion_keys {
	uint8_t keys[CP_ONION_KEYS_LEN];
	uint8_t kh[CP_ONION_KH_LEN];
};

/** Why a server handshake failed (counted by the caller). */
enum cp_onion_fail {
	CP_ONION_OK = 0,
	CP_ONION_FAIL_HTYPE,	       /**< TAP, unknown HTYPE */
	CP_ONION_FAIL_LENGTH,	       /**< HDATA of the wrong length for its HTYPE */
	CP_ONION_FAIL_NODEID,	       /**< the client named another relay's identity */
	CP_ONION_FAIL_KEYID,	       /**< no current or previous ntor key matches KEYID */
	CP_ONION_FAIL_CRYPTO,	       /**< degenerate DH output, bad MAC, OpenSSL error */
	CP_ONION_FAIL_EXT,	       /**< malformed ntor-v3 message */
	CP_ONION_FAIL_EXT_UNSUPPORTED, /**< an extension asks for what Chive does not do */
	CP_ONION_FAIL__COUNT
};

/** Give a failure's lower-case name ("keyid", ...). */
const char *cp_onion_fail_name(enum cp_onion_fail f);

/** One ntor onion keypair as the server uses it (cf. struct cp_keys_ntor). */
struct cp_onion_ntor_key {
	uint8_t sec[32]; /**< X25519 secret (clamped) */
	uint8_t pub[32]; /**< X25519 public key, the KEYID */
};

/** The server's identity and onion keys, read only during a handshake. */
struct cp_onion_server_keys {
	uint8_t rsa_id[20];		  /**< SHA-1 of the RSA identity key (ntor NODEID) */
	uint8_t ed_id[32];		  /**< Ed25519 master identity (ntor-v3 NODEID) */
	struct cp_onion_ntor_key ntor[2]; /**< current, then previous */
	uint8_t n_ntor;			  /**< 1 or 2 */
	uint8_t pad[7];
};

/**
 * Run the server side of a handshake.
 *
 * @param htype
 *   WIRE_HTYPE_FAST (a CREATE_FAST body, 20 bytes), WIRE_HTYPE_NTOR or
 *   WIRE_HTYPE_NTOR_V3 (a CREATE2 HDATA); anything else fails with
 *   CP_ONION_FAIL_HTYPE.
 * @param reply
 *   Receives the reply body: for CREATE_FAST the 40-byte CREATED_FAST
 *   body, otherwise the CREATED2 HDATA. At least CP_ONION_REPLY_MAX bytes.
 * @param reply_len
 *   Receives the reply length.
 * @param out
 *   Receives the key material on success.
 * @return
 *   CP_ONION_OK (0) or the reason it failed; on failure nothing secret is
 *   left in @p out or @p reply.
 */
enum cp_onion_fail cp_onion_server(const struct cp_onion_server_keys *sk, uint16_t htype,
				   const uint8_t *hdata, size_t hlen, uint8_t *reply,
				   size_t *reply_len, struct cp_onion_keys *out);

/** What a client needs to know about the relay it extends to. */
struct cp_onion_peer {
	uint8_t rsa_id[20];   /**< ntor NODEID */
	uint8_t ed_id[32];    /**< ntor-v3 NODEID */
	uint8_t ntor_pub[32]; /**< the relay's ntor onion key (KEYID) */
};

/** Client state between create and finish. Opaque; wipe with cp_onion_client_wipe(). */
struct cp_onion_client {
	uint16_t htype;
	uint8_t pad[6];
	uint8_t x_sec[32]; /**< ephemeral secret x (ntor, ntor-v3), or X (CREATE_FAST, 20 bytes) */
	uint8_t x_pub[32]; /**< X = EXP(G, x) (ntor, ntor-v3) */
	struct cp_onion_peer peer;
	uint8_t msg_mac[32]; /**< ntor-v3: MAC of the client message, bound in the reply */
	uint8_t bx[32];	     /**< ntor-v3: EXP(B, x), secret, kept for finish */
};

/**
 * Build a client handshake: the CREATE_FAST body (20 bytes) or the CREATE2
 * HDATA for ntor (84 bytes) or ntor-v3 (with message @p msg, @p msg_len
 * bytes; pass "\x00", 1 for no extensions).
 * @param out
 *   Receives the body; @p cap must be at least WIRE_CREATE2_HDATA_MAX.
 * @return
 *   The body length, or -EINVAL (bad htype or arguments), -EMSGSIZE (the
 *   message does not fit), -EIO (OpenSSL).
 */
int cp_onion_client_create(struct cp_onion_client *st, uint16_t htype,
			   const struct cp_onion_peer *peer, const uint8_t *msg, size_t msg_len,
			   uint8_t *out, size_t cap);

/**
 * Finish a client handshake with the server's reply (CREATED_FAST body or
 * CREATED2/EXTENDED2 HDATA). For ntor-v3 the server's message is copied to
 * @p msg_out (capacity @p msg_cap, may be NULL if 0) and its length stored
 * in *@p msg_len (may be NULL).
 * @return
 *   0 and the keys in @p out; -EPROTO (wrong length, bad AUTH/KH, degenerate
 *   key); -EMSGSIZE (message larger than @p msg_cap); -EIO.
 */
int cp_onion_client_finish(struct cp_onion_client *st, const uint8_t *reply, size_t reply_len,
			   struct cp_onion_keys *out, uint8_t *msg_out, size_t msg_cap,
			   size_t *msg_len);

/** Wipe client state. */
void cp_onion_client_wipe(struct cp_onion_client *st);

#endif /* CONTROLPLANE_ONION_ONION_H */
