/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Tor's Ed25519 certificates (cert-spec.txt §2.1): make, parse, verify.
 *
 * The compact certificate format of proposal 220:
 *
 *     VERSION(1)=01 | CERT_TYPE(1) | EXPIRATION_DATE(4, hours since the epoch)
 *     | CERT_KEY_TYPE(1) | CERTIFIED_KEY(32) | N_EXTENSIONS(1)
 *     | N x { ExtLength(2) | ExtType(1) | ExtFlags(1) | ExtData(ExtLength) }
 *     | SIGNATURE(64)
 *
 * The signature is Ed25519 over every byte before it, with no prefix string
 * (checklist A4). The certificates a relay uses, as tor 0.4.9 makes them:
 *
 * | type | signer -> certified                        | key type | ext 04 | bytes |
 * |------|-------------------------------------------|----------|--------|-------|
 * | 4    | master identity -> signing key            | 01       | yes    | 140   |
 * | 5    | signing key -> SHA256(DER of TLS link cert)| 03       | no     | 104   |
 * | 6    | signing key -> AUTHENTICATE key           | 01       | no     | 104   |
 * | 0x0A | ed key from the ntor curve25519 key -> master identity | 01 | no | 104 |
 *
 * Everything here is a pure function over bytes and keys; parsing returns a
 * view into the caller's buffer. Tor's ed25519_signing_cert file is a
 * 32-byte tagged header ("== ed25519v1-cert: type4 ==", NUL-padded)
 * followed by exactly the type-4 certificate bytes: see
 * cp_edcert_tagged_decode().
 *
 * May be included by controlplane/ and tests/.
 */
#ifndef CONTROLPLANE_CERTS_EDCERT_H
#define CONTROLPLANE_CERTS_EDCERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "controlplane/certs/cert_err.h"
#include "controlplane/crypto/ed25519x.h"

/** Bytes of a certificate without extensions: 1+1+4+1+32+1+64. */
#define CP_EDCERT_MIN_LEN 104
/** Bytes of a certificate carrying only the signed-with-key extension. */
#define CP_EDCERT_WITH_SIGNER_LEN 140
/** Ed25519 signature length. */
#define CP_EDCERT_SIG_LEN 64

/** CERT_TYPE values (cert-spec.txt A.1). */
enum cp_edcert_type {
	CP_EDCERT_TYPE_ID_SIGNING = 0x04,	/**< identity -> signing key */
	CP_EDCERT_TYPE_SIGNING_LINK = 0x05,	/**< signing key -> TLS link cert digest */
	CP_EDCERT_TYPE_SIGNING_AUTH = 0x06,	/**< signing key -> AUTHENTICATE key */
	CP_EDCERT_TYPE_NTOR_CC = 0x0a,		/**< ntor onion key -> identity */
};

/** CERT_KEY_TYPE values (cert-spec.txt A.4). */
enum cp_edcert_key_type {
	CP_EDCERT_KEY_ED25519 = 0x01,		/**< an Ed25519 public key */
	CP_EDCERT_KEY_SHA256_RSA = 0x02,	/**< SHA256 of an RSA key (unused) */
	CP_EDCERT_KEY_SHA256_X509 = 0x03,	/**< SHA256 of an X.509 certificate */
};

/** ExtType of the signed-with-ed25519-key extension (cert-spec.txt §2.2.1). */
#define CP_EDCERT_EXT_SIGNED_WITH_KEY 0x04
/** ExtFlags bit: the extension affects validation (cert-spec.txt §2.1). */
#define CP_EDCERT_EXT_FLAG_AFFECTS_VALIDATION 0x01

/**
 * A parsed certificate.
 *
 * Invariants: @c encoded points into the buffer given to cp_edcert_parse()
 * and is valid as long as that buffer is; the signature is the last 64
 * bytes of it. @c signer is meaningful only when @c has_signer is true.
 */
struct cp_edcert {
	uint8_t type;			/**< CERT_TYPE */
	uint8_t key_type;		/**< CERT_KEY_TYPE */
	uint32_t exp_hours;		/**< EXPIRATION_DATE, hours since the epoch */
	uint8_t key[32];		/**< CERTIFIED_KEY */
	bool has_signer;		/**< a signed-with-key extension is present */
	uint8_t signer[32];		/**< its Ed25519 key */
	const uint8_t *encoded;		/**< the whole certificate, borrowed */
	size_t encoded_len;
};

/**
 * Give the EXPIRATION_DATE for a certificate valid until at least @p expires.
 *
 * Tor rounds up: CEIL_DIV(expires, 3600) (torcert.c). Times before the
 * epoch give 0; times past 2^32 hours saturate.
 */
uint32_t
cp_edcert_hours_ceil(time_t expires);

/**
 * Make and sign a certificate.
 *
 * Writes VERSION 1, @p type, @p exp_hours, @p key_type, @p certified and,
 * when @p include_signer is set, one signed-with-key extension (flags 0)
 * holding @p signer's public key; then signs with @p signer.
 *
 * @param out
 *   Output buffer; needs CP_EDCERT_MIN_LEN, or CP_EDCERT_WITH_SIGNER_LEN
 *   with @p include_signer.
 * @return
 *   Number of bytes written (104 or 140), or
 *   -ENOBUFS if @p out_len is too small;
 *   a negative errno from cp_ed25519_sign().
 */
int
cp_edcert_make(uint8_t *out, size_t out_len, uint8_t type, uint8_t key_type,
	       const uint8_t certified[32], uint32_t exp_hours, bool include_signer,
	       const struct cp_ed25519_key *signer);

/**
 * Make the ntor-onion-key crosscert (type 0x0A, dir-spec "ntor-onion-key-crosscert").
 *
 * Derives the Ed25519 key of the curve25519 secret @p ntor_sec the way tor
 * does (cp_ed25519_from_curve25519()), and with it certifies the master
 * identity @p master_pub (key type 01, no extension). The derived secret is
 * wiped before returning.
 *
 * @param signbit
 *   Receives the sign bit to publish on the "ntor-onion-key-crosscert" line.
 * @return
 *   104 on success, or a negative errno.
 */
int
cp_edcert_make_ntor_crosscert(uint8_t *out, size_t out_len, const uint8_t ntor_sec[32],
			      const uint8_t master_pub[32], uint32_t exp_hours, int *signbit);

/**
 * Parse a certificate strictly.
 *
 * Checks: VERSION is 1; every field and extension is complete; nothing
 * follows the signature; a signed-with-key extension is exactly 32 bytes
 * and appears at most once; an unknown extension with AFFECTS_VALIDATION
 * set is rejected, other unknown extensions are skipped (tor's
 * tor_cert_parse()). Neither the signature nor the type is checked here.
 * O(len).
 *
 * @return
 *   CP_CERT_OK, or CP_CERT_ERR_ED_TRUNCATED, _TRAILING, _VERSION,
 *   _EXT_LEN, _EXT_DUP, _EXT_UNKNOWN.
 */
enum cp_cert_err
cp_edcert_parse(const uint8_t *buf, size_t len, struct cp_edcert *out);

/**
 * Tell whether @p c is expired at @p now.
 *
 * A certificate is valid through the first second of its expiration hour:
 * expired iff now > EXPIRATION_DATE * 3600 (tor_cert_checksig()). As in
 * tor, @p now <= 0 means "do not check the expiry".
 */
bool
cp_edcert_is_expired(const struct cp_edcert *c, time_t now);

/**
 * Check the signature and the expiry of a parsed certificate.
 *
 * The signing key is @p signer_pub when given, else the certificate's own
 * signed-with-key extension. When both are present they must be equal
 * (cert-spec.txt §2.2.1: the extension "MUST match the key used to sign").
 *
 * @return
 *   CP_CERT_OK, or CP_CERT_ERR_ED_NO_SIGNER, _SIGNER, _EXPIRED, _SIG.
 */
enum cp_cert_err
cp_edcert_check(const struct cp_edcert *c, const uint8_t *signer_pub, time_t now);

/**
 * Parse and fully verify a certificate expected to be of type @p type.
 *
 * Runs cp_edcert_parse(), then checks CERT_TYPE, that CERT_KEY_TYPE fits
 * the type (01 for types 4, 6 and 0x0A; 03 for type 5, where 01 is also
 * allowed as cert-spec.txt A.4 asks for certificates made before
 * 0.4.5.1-alpha), that a type-4 certificate carries the signed-with-key
 * extension (torcert.c "No Ed25519 signing key"), then cp_edcert_check().
 *
 * @param signer_pub
 *   Expected signing key, or NULL to trust the signed-with-key extension.
 * @param out
 *   Receives the parsed certificate (also on failure after parsing).
 * @return
 *   CP_CERT_OK or the first failed check.
 */
enum cp_cert_err
cp_edcert_verify(const uint8_t *buf, size_t len, uint8_t type, const uint8_t *signer_pub,
		 time_t now, struct cp_edcert *out);

/**
 * Derive the Ed25519 public key that corresponds to a curve25519 public key.
 *
 * Maps the Montgomery u-coordinate to the Edwards y = (u - 1) / (u + 1) mod
 * 2^255 - 19 and sets the sign bit to @p signbit, as tor's
 * ed25519_public_key_from_curve25519_public_key(). This is how a verifier
 * of a 0x0A crosscert finds the key that signed it.
 *
 * @return
 *   0, or -EINVAL if @p signbit is not 0 or 1; -ENOMEM if OpenSSL fails.
 */
int
cp_edcert_ed_from_x25519_pub(uint8_t ed_pub[32], const uint8_t x25519_pub[32], int signbit);

/**
 * Verify an ntor-onion-key crosscert against the published ntor key.
 *
 * @return
 *   CP_CERT_OK, or the failure of cp_edcert_verify() (type 0x0A) with the
 *   key derived from @p ntor_pub and @p signbit, or CP_CERT_ERR_ED_SIGNER
 *   if the certified key is not @p master_pub.
 */
enum cp_cert_err
cp_edcert_verify_ntor_crosscert(const uint8_t *buf, size_t len, const uint8_t ntor_pub[32],
				int signbit, const uint8_t master_pub[32], time_t now);

/** Length of tor's tagged-file header ("== type: tag ==" NUL-padded). */
#define CP_EDCERT_TAGGED_HDR_LEN 32

/**
 * Find the body of one of tor's tagged key files.
 *
 * Tor writes keys/ed25519_signing_cert as a 32-byte header
 * "== ed25519v1-cert: type4 ==" padded with NULs, then the certificate;
 * ed25519_master_id_public_key has "== ed25519v1-public: type0 ==" and 32
 * bytes (crypto_format.c). The header must match exactly, NUL padding included.
 *
 * @return
 *   0 with @p body / @p body_len set to the bytes after the header, or
 *   -EINVAL if the header is missing or different.
 */
int
cp_edcert_tagged_decode(const uint8_t *file, size_t len, const char *typestring, const char *tag,
			const uint8_t **body, size_t *body_len);

/**
 * Write a tagged file image: header for @p typestring / @p tag, then @p body.
 *
 * @return
 *   Bytes written (32 + @p body_len), or -EINVAL if the header text does
 *   not fit 31 bytes, or -ENOBUFS.
 */
int
cp_edcert_tagged_encode(uint8_t *out, size_t out_len, const char *typestring, const char *tag,
			const uint8_t *body, size_t body_len);

#endif /* CONTROLPLANE_CERTS_EDCERT_H */
