/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Directory authority key certificates (dir-spec §3.1): parse and verify.
 *
 * An authority signs consensuses with a medium-term signing key and vouches
 * for it with a key certificate made by its long-term v3 identity key.
 * `GET /tor/keys/all` returns every certificate an authority has,
 * concatenated. A certificate is accepted only when all of these hold
 * (tor's authority_cert_parse_from_string() and the cert store's expiry
 * rule):
 *
 * - it is well formed: "dir-key-certificate-version 3" first; exactly one
 *   each of fingerprint, dir-identity-key, dir-key-published,
 *   dir-key-expires, dir-signing-key, dir-key-crosscert; at most one
 *   dir-address; "dir-key-certification" last; unknown items ignored;
 * - fingerprint = SHA1 of the DER PKCS#1 dir-identity-key (the v3ident);
 * - dir-key-certification is the identity key's raw PKCS#1 v1.5 signature
 *   (no DigestInfo) of the SHA1 of the text from "dir-key-certificate-version"
 *   through the NL after "dir-key-certification" (dir-spec §1.3);
 * - dir-key-crosscert ("ID SIGNATURE" or "SIGNATURE" object) is the signing
 *   key's raw signature of the SHA1 digest of the identity key (the
 *   fingerprint's 20 bytes);
 * - both keys are RSA of 1024 to 8192 bits;
 * - it has not expired: now <= dir-key-expires. (A certificate published in
 *   the future is not refused: tor does not refuse it either.)
 *
 * Pure functions over text; time is a parameter. Input need not be
 * NUL-terminated. A certificate is at most CP_AUTHCERT_MAX_LEN bytes.
 *
 * Who may include it: controlplane/ and tests/.
 */
#ifndef CONTROLPLANE_DIR_AUTHCERT_H
#define CONTROLPLANE_DIR_AUTHCERT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <openssl/evp.h>

/** Largest key certificate accepted (tor's MAX_CERT_SIZE), bytes. */
#define CP_AUTHCERT_MAX_LEN (128 * 1024)
/** Largest `/tor/keys/all` reply accepted, bytes. */
#define CP_AUTHCERT_MAX_ALL (4u << 20)

/**
 * One verified authority key certificate.
 *
 * Owns @c signing_key: release it with cp_authcert_clear(). A zeroed
 * struct is empty and may be cleared.
 */
struct cp_authcert {
	uint8_t id_digest[20]; /**< v3 identity: SHA1 of the DER PKCS#1 dir-identity-key */
	uint8_t sk_digest[20]; /**< SHA1 of the DER PKCS#1 dir-signing-key */
	EVP_PKEY *signing_key; /**< dir-signing-key (public); owned */
	time_t published;      /**< dir-key-published, UTC */
	time_t expires;	       /**< dir-key-expires, UTC */
	uint32_t dir_ip;       /**< dir-address IPv4, host order; 0 when absent */
	uint16_t dir_port;     /**< dir-address port; 0 when absent */
};

/**
 * Parse and verify the one key certificate at the start of @p text.
 *
 * On success @p out holds the certificate (the caller clears it); on
 * failure @p out is left empty and @p err says why.
 *
 * @param len
 *   Bytes available at @p text; the certificate may be followed by more.
 * @param now
 *   Wall-clock time for the expiry check.
 * @return
 *   Bytes the certificate takes (through the NL after its signature's END
 *   line), or:
 *   -EBADMSG: malformed, or does not start with a certificate;
 *   -EMSGSIZE: longer than CP_AUTHCERT_MAX_LEN;
 *   -EKEYREJECTED: the fingerprint, the certification or the crosscert
 *   does not verify;
 *   -EKEYEXPIRED: valid but expired at @p now;
 *   -ENOMEM.
 */
int cp_authcert_parse(const char *text, size_t len, time_t now, struct cp_authcert *out, char *err,
		      size_t errlen);

/**
 * Parse and verify every certificate in @p text (a `/tor/keys/all` or
 * `/tor/keys/fp/...` reply: certificates one after the other, blank lines
 * allowed between them).
 *
 * A bad, expired or unparseable certificate is skipped and the parser goes
 * on at the next line starting "dir-key-certificate-version"; the others
 * are kept. A second copy of a certificate already stored (same identity
 * and signing key) is dropped silently. Certificates beyond @p max are
 * skipped too.
 *
 * @param out
 *   Receives up to @p max certificates, in document order; the caller
 *   clears @p *n of them (cp_authcert_clear_all()).
 * @param n
 *   Receives how many were stored.
 * @param err
 *   Receives a summary of what was skipped and why ("" when nothing was).
 * @return
 *   0 when every certificate was stored; otherwise the number skipped
 *   (> 0); -EMSGSIZE when @p len exceeds CP_AUTHCERT_MAX_ALL (nothing
 *   stored).
 */
int cp_authcert_parse_all(const char *text, size_t len, time_t now, struct cp_authcert *out,
			  size_t max, size_t *n, char *err, size_t errlen);

/**
 * Find the certificate for authority @p id_digest with signing key
 * @p sk_digest (NULL: any) that has not expired at @p now; the one
 * published last when several match.
 *
 * @return
 *   The certificate, or NULL.
 */
const struct cp_authcert *cp_authcert_find(const struct cp_authcert *certs, size_t n,
					   const uint8_t id_digest[20], const uint8_t *sk_digest,
					   time_t now);

/** Free the signing key and zero @p c. */
void cp_authcert_clear(struct cp_authcert *c);

/** cp_authcert_clear() on each of @p n certificates. */
void cp_authcert_clear_all(struct cp_authcert *c, size_t n);

#endif /* CONTROLPLANE_DIR_AUTHCERT_H */
