/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief The X.509 certificates of a Tor link: make ours, check the peer's.
 *
 * Tor's TLS link uses two X.509 certificates, both made the way tor's
 * tortls.c / x509_openssl.c make them (checklist B2, fact 0.8):
 *
 * - the **identity certificate** (CERTS type 2): the RSA-1024 identity key,
 *   self-signed, subject = issuer = CN=www.<rand>.com, 365 days;
 * - the **link certificate** (CERTS type 1, and the one certificate the
 *   TLS server presents): a fresh RSA-2048 key, subject CN=www.<rand>.net,
 *   issuer CN=www.<rand>.com (the identity certificate's subject), signed by
 *   the identity key, 5 to 365 days.
 *
 * Both are X.509 v3 with no extensions, an 8-byte random serial,
 * sha256WithRSAEncryption, and a validity that starts on a day boundary
 * chosen at random in the past (tor_tls_pick_certificate_lifetime()). The
 * random part of a name is 8 to 20 base32 characters
 * (crypto_random_hostname()).
 *
 * Checking mirrors tor_tls_cert_is_valid(): a DER certificate (re-encoding
 * must give the same bytes), signed by the expected key, live within
 * CP_X509_PAST_SLOP / CP_X509_FUTURE_SLOP, and with a 1024-bit RSA key
 * where the identity is concerned.
 *
 * May be included by controlplane/ and tests/.
 */
#ifndef CONTROLPLANE_CERTS_X509_H
#define CONTROLPLANE_CERTS_X509_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <openssl/evp.h>

#include "controlplane/certs/cert_err.h"

/** A certificate that expired less than this long ago still passes (s). */
#define CP_X509_PAST_SLOP (2 * 24 * 60 * 60)
/** A certificate that becomes valid within this long already passes (s). */
#define CP_X509_FUTURE_SLOP (30 * 24 * 60 * 60)
/** Lifetime of the identity certificate (s), tortls.c IDENTITY_CERT_LIFETIME. */
#define CP_X509_ID_LIFETIME (365 * 24 * 60 * 60)
/** Size of the TLS link key, tortls.c RSA_LINK_KEY_BITS. */
#define CP_X509_LINK_KEY_BITS 2048
/** Size of every RSA identity key (tor-spec.txt §0.3). */
#define CP_X509_ID_KEY_BITS 1024
/** Longest name cp_x509_random_hostname() writes, NUL included. */
#define CP_X509_HOSTNAME_MAX 64

/**
 * Write a random host name "www." + 8..20 base32 characters + @p suffix.
 *
 * @param suffix
 *   ".net" for a link certificate subject, ".com" for the identity name.
 * @return
 *   0, or -ENOBUFS if @p len is too small for the longest name;
 *   -EIO if the RNG fails.
 */
int
cp_x509_random_hostname(char *buf, size_t len, const char *suffix);

/**
 * Choose a validity period the way tor does.
 *
 * The period is @p lifetime seconds long and starts on a day boundary
 * chosen at random between now - lifetime + 2 days and now (or at now - 1
 * when the lifetime is 2 days or less), so the certificate is part-way
 * through its life and has at least a day left.
 *
 * @return
 *   0, or -EIO if the RNG fails.
 */
int
cp_x509_pick_validity(time_t now, uint32_t lifetime, time_t *not_before, time_t *not_after);

/**
 * Choose a link certificate lifetime the way tor does with SSLKeyLifetime 0.
 *
 * Between 5 and 365 days, rounded down to whole days, and half of the time
 * one second less (router.c router_initialize_tls_context()).
 *
 * @return
 *   The lifetime in seconds, or 0 if the RNG fails.
 */
uint32_t
cp_x509_pick_link_lifetime(void);

/**
 * Make one certificate for @p subject_key, signed by @p signer_key.
 *
 * X.509 v3, no extensions, random 8-byte serial, subject CN=@p cn, issuer
 * CN=@p issuer_cn, validity from @p not_before to @p not_after,
 * sha256WithRSAEncryption (x509_openssl.c tor_tls_create_certificate()).
 *
 * @param der
 *   Receives a malloc()ed DER encoding; free() it.
 * @return
 *   0, or -EINVAL (bad arguments), -ENOMEM, -EIO (OpenSSL or RNG failure).
 */
int
cp_x509_cert_make(EVP_PKEY *subject_key, EVP_PKEY *signer_key, const char *cn,
		  const char *issuer_cn, time_t not_before, time_t not_after, uint8_t **der,
		  size_t *der_len);

/**
 * What a relay's TLS side needs: the link key and the two certificates.
 *
 * Owns @c link_key and both DER buffers; release with
 * cp_x509_tls_creds_destroy(). @c link_sha256 is what the type-5 Ed25519
 * certificate certifies and, on connections we answer, AUTHENTICATE's SCERT.
 */
struct cp_x509_tls_creds {
	EVP_PKEY *link_key;		/**< RSA-2048 private key of the TLS server */
	uint8_t *link_der;		/**< link certificate (CERTS type 1), DER */
	size_t link_len;
	uint8_t *id_der;		/**< identity certificate (CERTS type 2), DER */
	size_t id_len;
	uint8_t link_sha256[32];	/**< SHA256(link_der) */
	time_t link_not_after;		/**< when the link certificate expires */
};

/**
 * Make a fresh link key and both certificates from the RSA identity key.
 *
 * Generates an RSA-2048 link key (e = 65537), the self-signed identity
 * certificate (365 days) and the link certificate signed by @p rsa_id
 * (@p link_lifetime seconds; 0 picks one as tor does), with fresh random
 * names and serials; tor makes a new set whenever it rotates its TLS
 * context (every 2 hours by default).
 *
 * @param rsa_id
 *   The RSA-1024 identity key, with its private part.
 * @return
 *   0, or -EINVAL if @p rsa_id is not a 1024-bit RSA key; -ENOMEM; -EIO.
 *   @p out is left zeroed on failure.
 */
int
cp_x509_tls_creds_create(EVP_PKEY *rsa_id, time_t now, uint32_t link_lifetime,
			 struct cp_x509_tls_creds *out);

/** Free everything @p c owns and zero it. Accepts a zeroed struct. */
void
cp_x509_tls_creds_destroy(struct cp_x509_tls_creds *c);

/**
 * Check a certificate received in a CERTS cell.
 *
 * @param signer
 *   The key that must have signed it, or NULL for "self-signed".
 * @param need_rsa1024
 *   Require a 1024-bit RSA key (identity and RSA AUTHENTICATE certs);
 *   otherwise require RSA of at least 1024 bits.
 * @param key_out
 *   If not NULL, receives the certified key on success (EVP_PKEY_free() it).
 * @return
 *   CP_CERT_OK, or CP_CERT_ERR_X509_DECODE, _SIG, _NOT_YET_VALID,
 *   _EXPIRED, _KEY, CP_CERT_ERR_INTERNAL.
 */
enum cp_cert_err
cp_x509_check(const uint8_t *der, size_t len, EVP_PKEY *signer, bool need_rsa1024, time_t now,
	      EVP_PKEY **key_out);

/**
 * Check the identity certificate (CERTS type 2): self-signed RSA-1024.
 *
 * Same as cp_x509_check(der, len, NULL, true, now, key_out).
 */
enum cp_cert_err
cp_x509_check_id_cert(const uint8_t *der, size_t len, time_t now, EVP_PKEY **key_out);

#endif /* CONTROLPLANE_CERTS_X509_H */
