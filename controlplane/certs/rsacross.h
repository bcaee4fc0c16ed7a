/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief RSA pieces of the relay identity: key digests, the RSA->Ed25519
 *        crosscert (CERTS type 7) and the TAP onion-key crosscert.
 *
 * Tor's RSA "signatures" on these objects are raw PKCS#1 v1.5 type-1
 * signatures over a short byte string, with no DigestInfo and no hash
 * chosen by OpenSSL (tor's crypto_pk_private_sign(); checklist A8, A10):
 * EVP_PKEY_sign() with RSA_PKCS1_PADDING and no signature digest.
 * EVP_DigestSign() would add a DigestInfo and no tor would accept it.
 *
 * RSA->Ed25519 crosscert (cert-spec.txt §2.3, link_handshake.trunnel):
 *
 *     ED25519_KEY(32) | EXPIRATION_DATE(4, hours) | SIGLEN(1) | SIGNATURE(SIGLEN)
 *
 * SIGNATURE = RSA-sign(SHA256("Tor TLS RSA/Ed25519 cross-certificate" |
 * ED25519_KEY | EXPIRATION_DATE)); 165 bytes with a 1024-bit key.
 *
 * All functions take EVP_PKEY* RSA keys and borrow them; none keeps state.
 *
 * May be included by controlplane/ and tests/.
 */
#ifndef CONTROLPLANE_CERTS_RSACROSS_H
#define CONTROLPLANE_CERTS_RSACROSS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <openssl/evp.h>

#include "controlplane/certs/cert_err.h"

/** Bytes of an RSA->Ed25519 crosscert signed with a 1024-bit key: 32+4+1+128. */
#define CP_RSACROSS_LEN_1024 165
/** Largest crosscert: SIGLEN is one octet. */
#define CP_RSACROSS_MAX_LEN (32 + 4 + 1 + 255)
/** Signed-part prefix of the crosscert (cert-spec.txt §2.3). */
#define CP_RSACROSS_PREFIX "Tor TLS RSA/Ed25519 cross-certificate"

/**
 * Compute the identity digests of an RSA public key.
 *
 * Both are taken over the DER of the PKCS#1 RSAPublicKey, not the
 * SubjectPublicKeyInfo (tor-spec.txt §0.3; checklist A2): @p sha1 is the
 * relay fingerprint, @p sha256 is what AUTHENTICATE calls CID/SID.
 *
 * @param sha1
 *   Receives 20 bytes; may be NULL.
 * @param sha256
 *   Receives 32 bytes; may be NULL.
 * @return
 *   0, or -EINVAL if @p key is not RSA; -ENOMEM.
 */
int
cp_rsa_id_digests(EVP_PKEY *key, uint8_t *sha1, uint8_t *sha256);

/**
 * Sign @p len raw bytes with PKCS#1 v1.5 type-1 padding and no DigestInfo.
 *
 * @param sig
 *   Receives the signature: EVP_PKEY_get_size(@p key) bytes.
 * @return
 *   Signature length, or -EINVAL (not an RSA private key, or @p len too
 *   long for the modulus), -ENOBUFS, -ENOMEM.
 */
int
cp_rsa_raw_sign(uint8_t *sig, size_t sig_len, EVP_PKEY *key, const uint8_t *data, size_t len);

/**
 * Recover the bytes under a raw PKCS#1 v1.5 type-1 signature.
 *
 * @return
 *   Number of bytes recovered into @p out, or -EBADMSG if the signature
 *   does not open with @p key, -ENOBUFS, -ENOMEM.
 */
int
cp_rsa_raw_recover(uint8_t *out, size_t out_len, EVP_PKEY *key, const uint8_t *sig,
		   size_t sig_len);

/**
 * Make the RSA->Ed25519 crosscert (CERTS type 7) for identity @p ed_key.
 *
 * Tor signs with the RSA identity key and makes it valid for about six
 * months (routerkeys.c: now + 6 * 30 days), EXPIRATION_DATE rounded up to
 * the hour; pass cp_edcert_hours_ceil(now + 180 * 86400) to do the same.
 *
 * @return
 *   Bytes written (165 for RSA-1024), or -ENOBUFS, or the errors of
 *   cp_rsa_raw_sign().
 */
int
cp_rsacross_make(uint8_t *out, size_t out_len, const uint8_t ed_key[32], uint32_t exp_hours,
		 EVP_PKEY *rsa_id);

/**
 * Check an RSA->Ed25519 crosscert, as tor's rsa_ed25519_crosscert_check().
 *
 * The body must parse with nothing left over; it must certify @p ed_key;
 * it must not have expired before @p now (EXPIRATION_DATE * 3600 < now is
 * expired); and the signature must open with @p rsa_id to at least 32
 * bytes whose first 32 are the SHA256 above (tor allows a longer signed
 * string, "in case they're later used to hold a SHA3 digest").
 *
 * @return
 *   CP_CERT_OK, or CP_CERT_ERR_XC_MALFORMED, _KEY, _EXPIRED, _SIG, or
 *   CP_CERT_ERR_INTERNAL.
 */
enum cp_cert_err
cp_rsacross_check(const uint8_t *cc, size_t len, EVP_PKEY *rsa_id, const uint8_t ed_key[32],
		  time_t now);

/** Bytes signed by the TAP onion-key crosscert: SHA1(id) | master(32). */
#define CP_TAP_CROSSCERT_SIGNED_LEN (20 + 32)

/**
 * Make the "onion-key-crosscert" of a router descriptor (dir-spec §2.1.1).
 *
 * A raw PKCS#1 v1.5 type-1 signature by the TAP onion key @p onion_key over
 * the 52 bytes @p rsa_id_sha1 | @p ed_master (router.c
 * make_tap_onion_key_crosscert(); checklist A10). The caller base64s it
 * into the descriptor.
 *
 * @return
 *   Signature length (128 for RSA-1024), or the errors of cp_rsa_raw_sign().
 */
int
cp_tap_crosscert_make(uint8_t *out, size_t out_len, EVP_PKEY *onion_key,
		      const uint8_t rsa_id_sha1[20], const uint8_t ed_master[32]);

/**
 * Check a TAP onion-key crosscert, as tor's check_tap_onion_key_crosscert().
 *
 * @return
 *   CP_CERT_OK or CP_CERT_ERR_XC_SIG.
 */
enum cp_cert_err
cp_tap_crosscert_check(const uint8_t *sig, size_t sig_len, EVP_PKEY *onion_key,
		       const uint8_t rsa_id_sha1[20], const uint8_t ed_master[32]);

#endif /* CONTROLPLANE_CERTS_RSACROSS_H */
