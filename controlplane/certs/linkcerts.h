/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief CERTS cell bodies and AUTHENTICATE (method 3) for the link handshake.
 *
 * The dataplane runs the link handshake (cell/chan.c) but holds no identity
 * key (ARCHITECTURE.md §2), so the control plane:
 *
 * - builds our CERTS bodies: as responder types 1, 2, 4, 5, 7; as
 *   initiator types [3,] 2, 4, 6, 7 (tor-spec.txt §4.2; checklist fact 0.7);
 * - verifies a peer's CERTS body the way tor 0.4.9 does when Ed25519 certs
 *   are present (torcert.c or_handshake_certs_ed25519_ok(); checklist B6,
 *   B7) and returns the peer's identities, or one enum cp_cert_err reason;
 * - builds and signs our AUTHENTICATE authenticator as initiator, and checks
 *   the peer's as responder (tor-spec.txt §4.4.2; checklist B8, P-B1, P-B2).
 *
 * ### AUTHENTICATE, method 3 ("Ed25519-SHA256-RFC5705"), 352 bytes
 *
 * | offset | field      | bytes | who knows it                                      |
 * |--------|------------|-------|---------------------------------------------------|
 * | 0      | TYPE       | 8     | "AUTH0003"                                        |
 * | 8      | CID        | 32    | SHA256(PKCS#1 DER of the initiator's RSA identity) |
 * | 40     | SID        | 32    | SHA256(PKCS#1 DER of the responder's RSA identity) |
 * | 72     | CID_ED     | 32    | initiator's Ed25519 master identity               |
 * | 104    | SID_ED     | 32    | responder's Ed25519 master identity               |
 * | 136    | SLOG       | 32    | **dataplane**: SHA256 of responder -> initiator bytes |
 * | 168    | CLOG       | 32    | **dataplane**: SHA256 of initiator -> responder bytes |
 * | 200    | SCERT      | 32    | SHA256(DER of the responder's TLS certificate)     |
 * | 232    | TLSSECRETS | 32    | **dataplane**: RFC 5705 exporter, see below        |
 * | 264    | RAND       | 24    | initiator's RNG                                   |
 * | 288    | SIG        | 64    | Ed25519 by the initiator's type-6 auth key over bytes 0..287 |
 *
 * The AUTHENTICATE cell payload is AuthType 0003 | AuthLen 0x0160 | the
 * 352 bytes: 356 bytes.
 *
 * ### What the dataplane must supply (it holds the TLS session and the cells)
 *
 * - **SLOG, CLOG** (checklist P-B2; tor connection_or.c
 *   or_handshake_state_record_*cell()): SHA-256 over the exact wire bytes
 *   of every cell sent (or received) on this connection from the end of the
 *   TLS handshake: header included, the first VERSIONS with its 2-byte circ
 *   id, var cells as header plus payload, fixed cells as all 514 bytes,
 *   PADDING and VPADDING included. SLOG covers responder -> initiator
 *   (VERSIONS, CERTS, AUTH_CHALLENGE, padding): the responder stops before
 *   its NETINFO, the initiator hashes what it received up to and including
 *   AUTH_CHALLENGE. CLOG covers initiator -> responder (VERSIONS, CERTS,
 *   padding): never AUTHENTICATE itself, nor NETINFO.
 * - **TLSSECRETS** (checklist P-B1): SSL_export_keying_material(ssl, out,
 *   32, "EXPORTER FOR TOR TLS CLIENT BINDING AUTH0003", 44, CID, 32, 1).
 *   The context is **CID**, not CID_ED as the 2023 spec says (tor passes
 *   auth->cid; torspec issue #270). As initiator, CID is our own
 *   rsa_id_sha256, known in advance; as responder it is the peer's, which
 *   the dataplane learns from cp_linkcerts_verify() (struct
 *   cp_linkcerts_peer::rsa_id_sha256) before the AUTHENTICATE arrives.
 * - **SCERT as initiator**: SHA256 of the DER of the certificate the peer
 *   presented in TLS (the same digest passed to cp_linkcerts_verify()).
 *   As responder, SCERT is our own link certificate's digest
 *   (struct cp_x509_tls_creds::link_sha256), which the control plane has.
 *
 * Everything else (CID, SID, CID_ED, SID_ED, RAND, the auth key) is the
 * control plane's: its own identities, and the peer's from the verified
 * CERTS cell.
 *
 * May be included by controlplane/ and tests/.
 */
#ifndef CONTROLPLANE_CERTS_LINKCERTS_H
#define CONTROLPLANE_CERTS_LINKCERTS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "controlplane/certs/cert_err.h"
#include "controlplane/crypto/ed25519x.h"

/** Which side of the link handshake sent (or will send) a CERTS cell. */
enum cp_linkcerts_role {
	CP_LINKCERTS_ROLE_RESPONDER,	/**< accepted the TCP connection; TLS server */
	CP_LINKCERTS_ROLE_INITIATOR,	/**< opened the connection; TLS client */
};

/**
 * Our encoded certificates, borrowed, one per CERTS CertType.
 *
 * A responder body uses rsa_link, rsa_id, ed_id_signing, ed_signing_link
 * and rsa_ed_crosscert; an initiator body uses rsa_auth (optional: NULL to
 * omit, as tor ignores it once type 4 is present), rsa_id, ed_id_signing,
 * ed_signing_auth and rsa_ed_crosscert.
 */
struct cp_linkcerts_own {
	const uint8_t *rsa_link;	/**< type 1: TLS link cert, DER */
	size_t rsa_link_len;
	const uint8_t *rsa_id;		/**< type 2: identity cert, DER */
	size_t rsa_id_len;
	const uint8_t *rsa_auth;	/**< type 3: RSA auth cert, DER; optional */
	size_t rsa_auth_len;
	const uint8_t *ed_id_signing;	/**< type 4, with the signed-with-key extension */
	size_t ed_id_signing_len;
	const uint8_t *ed_signing_link;	/**< type 5: certifies SHA256(rsa_link) */
	size_t ed_signing_link_len;
	const uint8_t *ed_signing_auth;	/**< type 6: certifies the auth key */
	size_t ed_signing_auth_len;
	const uint8_t *rsa_ed_crosscert;	/**< type 7 */
	size_t rsa_ed_crosscert_len;
};

/**
 * Give the length of the CERTS body cp_linkcerts_build() writes.
 *
 * @return
 *   Bytes, or 0 if a required certificate is missing.
 */
size_t
cp_linkcerts_body_len(enum cp_linkcerts_role role, const struct cp_linkcerts_own *own);

/**
 * Build our CERTS cell body for @p role, in tor's order.
 *
 * Responder: 1, 2, 4, 5, 7. Initiator: 3 (if given), 2, 4, 6, 7
 * (relay_handshake.c connection_or_send_certs_cell()). No certificate is
 * checked here: they are ours, made by edcert.c, rsacross.c and x509.c.
 *
 * @return
 *   Bytes written, or -EINVAL if a required certificate is missing;
 *   -EMSGSIZE, -ENOBUFS as wire_certs_encode().
 */
int
cp_linkcerts_build(uint8_t *out, size_t out_len, enum cp_linkcerts_role role,
		   const struct cp_linkcerts_own *own);

/**
 * A peer's identity as proven by its CERTS cell.
 *
 * On success every field but @c failed_type is set; @c ed_auth only when
 * the sender was an initiator. On failure all is zero except
 * @c failed_type, the CertType whose check failed (0 when the failure is
 * not about one certificate, e.g. a malformed body).
 */
struct cp_linkcerts_peer {
	uint8_t rsa_id_sha1[20];	/**< SHA1(PKCS#1 DER): fingerprint, legacy id */
	uint8_t rsa_id_sha256[32];	/**< SHA256(PKCS#1 DER id key): AUTHENTICATE CID/SID */
	uint8_t ed_id[32];		/**< Ed25519 master identity: CID_ED/SID_ED */
	uint8_t ed_signing[32];		/**< signing key certified by type 4 */
	uint8_t ed_auth[32];		/**< initiator only: key that must sign AUTHENTICATE */
	time_t expires;			/**< earliest expiry: Ed certs, crosscert */
	uint8_t failed_type;		/**< on failure: CertType at fault, or 0 */
};

/**
 * Verify a peer's CERTS cell body (tor-spec.txt §4.2; checklist B6, B7).
 *
 * Checks, in this order, with tor's semantics (torcert.c
 * or_handshake_certs_ed25519_ok(), channeltls.c
 * channel_tls_process_certs_cell()):
 *
 * 1. the body parses; no CertType 1..7 appears twice (unknown types are
 *    ignored, and so are types 1 and 3, as tor does once type 4 is present);
 * 2. type 4 is present, of CERT_TYPE 4, carries the signed-with-key
 *    extension (the Ed25519 identity), is signed by it and not expired;
 * 3. sender responder: type 5 is present, certifies @p tls_cert_sha256 and
 *    is signed by the type-4 certified (signing) key and not expired;
 *    sender initiator: the same for type 6, whose key becomes @c ed_auth;
 * 4. type 2 is a DER X.509 certificate, self-signed, live within the
 *    slop, with a 1024-bit RSA key;
 * 5. type 7 parses, certifies the Ed25519 identity, is not expired and is
 *    signed by the type-2 key.
 *
 * RSA-only peers (no type 4) are refused with CP_CERT_ERR_CERTS_MISSING:
 * every relay 0.4.9 accepts has Ed25519 keys. A client (which sends no
 * CERTS at all) never reaches this function.
 *
 * @param sender
 *   The peer's role: CP_LINKCERTS_ROLE_RESPONDER when we initiated.
 * @param tls_cert_sha256
 *   SHA256 of the DER certificate the peer presented in TLS; required when
 *   @p sender is the responder, ignored (may be NULL) otherwise.
 * @param now
 *   Current time, seconds since the epoch.
 * @return
 *   CP_CERT_OK, or the first failed check.
 */
enum cp_cert_err
cp_linkcerts_verify(const uint8_t *body, size_t len, enum cp_linkcerts_role sender,
		    const uint8_t *tls_cert_sha256, time_t now, struct cp_linkcerts_peer *out);

/** Bytes of a method-3 authenticator (AuthLen). */
#define CP_AUTH3_LEN 352
/** Bytes of an AUTHENTICATE payload carrying it: AuthType, AuthLen, authenticator. */
#define CP_AUTH3_CELL_LEN (4 + CP_AUTH3_LEN)
/** Bytes signed: TYPE through RAND. */
#define CP_AUTH3_SIGNED_LEN 288
/** Field offsets inside the authenticator (tor-spec.txt §4.4.2). */
#define CP_AUTH3_OFF_TYPE 0
#define CP_AUTH3_OFF_CID 8
#define CP_AUTH3_OFF_SID 40
#define CP_AUTH3_OFF_CID_ED 72
#define CP_AUTH3_OFF_SID_ED 104
#define CP_AUTH3_OFF_SLOG 136
#define CP_AUTH3_OFF_CLOG 168
#define CP_AUTH3_OFF_SCERT 200
#define CP_AUTH3_OFF_TLSSECRETS 232
#define CP_AUTH3_OFF_RAND 264
#define CP_AUTH3_OFF_SIG 288
/** RAND length. */
#define CP_AUTH3_RAND_LEN 24
/** The TLS exporter label for TLSSECRETS (the dataplane uses it). */
#define CP_AUTH3_EXPORTER_LABEL "EXPORTER FOR TOR TLS CLIENT BINDING AUTH0003"

/** The fields of a method-3 authenticator that both sides compute. */
struct cp_auth3_fields {
	uint8_t cid[32];		/**< initiator's rsa_id_sha256 */
	uint8_t sid[32];		/**< responder's rsa_id_sha256 */
	uint8_t cid_ed[32];		/**< initiator's Ed25519 identity */
	uint8_t sid_ed[32];		/**< responder's Ed25519 identity */
	uint8_t slog[32];		/**< from the dataplane */
	uint8_t clog[32];		/**< from the dataplane */
	uint8_t scert[32];		/**< SHA256 of the responder's TLS cert DER */
	uint8_t tlssecrets[32];		/**< from the dataplane; secret, wipe after use */
};

/**
 * Build and sign our AUTHENTICATE cell payload (we are the initiator).
 *
 * Writes AuthType 3, AuthLen 352 and the authenticator of @p f, RAND and
 * the signature by @p auth_key, the key our type-6 certificate certifies
 * (relay_handshake.c connection_or_compute_authenticate_cell_body()).
 *
 * @param rand
 *   24 random bytes, or NULL to draw them from the OpenSSL RNG.
 * @return
 *   CP_AUTH3_CELL_LEN, or -ENOBUFS; -EIO if the RNG fails; a negative
 *   errno from cp_ed25519_sign().
 */
int
cp_auth3_build(uint8_t *out, size_t out_len, const struct cp_auth3_fields *f,
	       const uint8_t *rand, const struct cp_ed25519_key *auth_key);

/**
 * Check a peer's AUTHENTICATE cell payload (we are the responder).
 *
 * As tor's channel_tls_process_authenticate_cell() for method 3: the
 * payload holds AuthType 3 and an authenticator of exactly 352 bytes
 * (bytes after it are ignored); TYPE through TLSSECRETS equal @p expected
 * field by field; the signature over bytes 0..287 verifies with the
 * initiator's auth key (@p initiator->ed_auth, from its verified type-6
 * certificate). RAND is not checked.
 *
 * @param expected
 *   cid, cid_ed from @p initiator; sid, sid_ed, scert ours; slog, clog,
 *   tlssecrets from the dataplane.
 * @return
 *   CP_CERT_OK, or CP_CERT_ERR_AUTH_MALFORMED, _TYPE, _LEN, _TYPE_FIELD,
 *   _CID, _SID, _CID_ED, _SID_ED, _SLOG, _CLOG, _SCERT, _TLSSECRETS, _SIG.
 */
enum cp_cert_err
cp_auth3_verify(const uint8_t *payload, size_t len, const struct cp_auth3_fields *expected,
		const struct cp_linkcerts_peer *initiator);

#endif /* CONTROLPLANE_CERTS_LINKCERTS_H */
