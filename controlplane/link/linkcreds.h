/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief The link credentials the dataplane needs for tor's link handshake.
 *
 * From the relay key store (controlplane/keys/) this builds, as tor 0.4.9
 * does (routerkeys.c, router.c; tor-spec.txt §4.2; relay-checklist A5-A8,
 * B2, B5, B7):
 *
 * | piece                      | made from                                 | lifetime            |
 * |----------------------------|-------------------------------------------|---------------------|
 * | TLS link key (RSA-2048)    | fresh                                     | 2 h (TLS rotation)  |
 * | link cert (CERTS type 1)   | link key, signed by the RSA identity      | 5-365 days, random  |
 * | identity cert (type 2)     | RSA identity, self-signed                 | 365 days            |
 * | type 4 (master -> signing) | the key store's signing cert, as stored   | the store's         |
 * | type 5 (signing -> link)   | SHA256(link cert DER), key type 03        | 2 days              |
 * | auth key (Ed25519)         | fresh, in memory only                     | 2 days              |
 * | type 6 (signing -> auth)   | the auth key, key type 01                 | 2 days              |
 * | type 7 (RSA -> Ed)         | RSA identity over the master key          | 180 days            |
 * | CERTS bodies               | responder 1,2,4,5,7; initiator 2,4,6,7    |                     |
 *
 * A set is replaced every CP_LINKCREDS_ROTATE seconds (tor rotates its TLS
 * context every 2 hours: a new link key and link cert, hence a new type 5),
 * earlier if a certificate in it comes within CP_LINKCREDS_SLOP of expiry,
 * and whenever the signing key changes. The auth key and its type-6 cert
 * are carried over from the previous set while they are valid for more than
 * the slop and certified by the current signing key, as tor keeps its auth
 * key for TestingAuthKeyLifetime: a channel that sent the old type-6 cert
 * still gets AUTHENTICATE signed with the matching key across a TLS
 * rotation.
 *
 * Secrets (the link key, the auth key) are wiped when the set is
 * destroyed; the link key's DER is produced only on demand, for installing,
 * and must be wiped by the caller. Time is a parameter (Unix seconds).
 *
 * Who may include it: controlplane/ and tests/.
 */
#ifndef CONTROLPLANE_LINK_LINKCREDS_H
#define CONTROLPLANE_LINK_LINKCREDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "controlplane/certs/edcert.h"
#include "controlplane/certs/rsacross.h"
#include "controlplane/certs/x509.h"
#include "controlplane/crypto/ed25519x.h"
#include "controlplane/keys/keys.h"

/** Replace the link key and certs this often (s); tor's MAX_SSL_KEY_LIFETIME_INTERNAL. */
#define CP_LINKCREDS_ROTATE (2 * 3600)
/** Lifetime of the type-5 cert (s); tor's TestingLinkCertLifetime. */
#define CP_LINKCREDS_LINK_LIFETIME (2 * 86400)
/** Lifetime of the auth key and its type-6 cert (s); tor's TestingAuthKeyLifetime. */
#define CP_LINKCREDS_AUTH_LIFETIME (2 * 86400)
/** Renew a certificate this long before it expires (s); tor's TestingLinkKeySlop. */
#define CP_LINKCREDS_SLOP (3 * 3600)
/** Lifetime of the RSA->Ed25519 crosscert (s); routerkeys.c: 6 * 30 days. */
#define CP_LINKCREDS_XCERT_LIFETIME (180 * 86400)

/**
 * One generation of link credentials. Owns everything in it.
 *
 * Invariants once cp_linkcreds_create() succeeded: @c cert5 certifies
 * @c tls.link_sha256; @c cert6 certifies @c auth.pub; both are signed by
 * the signing key certified by @c cert4; @c certs_resp and @c certs_init
 * are the CERTS bodies holding exactly these certificates. @c auth.sec and
 * @c tls.link_key are secret.
 */
struct cp_linkcreds {
	uint32_t gen;			 /**< Generation, never 0 for a made set. */
	time_t made;			 /**< When the set was made (s). */
	time_t renew_at;		 /**< When cp_linkcreds_is_due() becomes true (s). */
	struct cp_x509_tls_creds tls;	 /**< Link key, link cert, identity cert. */
	size_t link_key_der_len;	 /**< Bytes of the link key's PKCS#1 DER. */
	uint8_t cert4[CP_KEYS_CERT_MAX]; /**< Type 4, copied from the key store. */
	size_t cert4_len;
	uint8_t cert5[CP_EDCERT_MIN_LEN]; /**< Type 5. */
	uint32_t cert5_exp_hours;
	uint8_t cert6[CP_EDCERT_MIN_LEN]; /**< Type 6. */
	uint32_t cert6_exp_hours;
	uint8_t signing_pub[32];	    /**< The signing key that signed types 5 and 6. */
	struct cp_ed25519_key auth;	    /**< AUTHENTICATE key (secret half wiped on destroy). */
	uint8_t xcert[CP_RSACROSS_MAX_LEN]; /**< Type 7. */
	size_t xcert_len;
	uint8_t *certs_resp; /**< CERTS body as responder (malloc). */
	size_t certs_resp_len;
	uint8_t *certs_init; /**< CERTS body as initiator (malloc). */
	size_t certs_init_len;
	uint8_t rsa_id_sha1[20];   /**< Our fingerprint. */
	uint8_t rsa_id_sha256[32]; /**< AUTHENTICATE CID/SID. */
	uint8_t ed_id[32];	   /**< Our Ed25519 master identity. */
};

/**
 * Make a new set of generation @p gen from key store @p k at @p now.
 *
 * @param prev
 *   The set in use, or NULL: its auth key and type-6 cert are reused when
 *   still valid past the slop and signed by the store's current signing key.
 * @return
 *   0 and @p out filled; or a negative errno with a message in @p err
 *   (-EINVAL: @p gen is 0, a key is unusable or a blob too large;
 *   -ENOMEM; -EIO: OpenSSL failed). @p out is zeroed on failure.
 */
int cp_linkcreds_create(struct cp_linkcreds *out, const struct cp_keys *k,
			const struct cp_linkcreds *prev, uint32_t gen, time_t now, char *err,
			size_t errlen);

/** Wipe every secret, free everything and zero @p c. Accepts a zeroed struct. */
void cp_linkcreds_destroy(struct cp_linkcreds *c);

/** Return true once @p c should be replaced (rotation time, or a cert near expiry). */
bool cp_linkcreds_is_due(const struct cp_linkcreds *c, time_t now);

/**
 * Give blob @p blob_id (IPC_BLOB_*) as the dataplane installs it.
 *
 * IPC_BLOB_LINK_KEY is secret and is made on demand: the PKCS#1 DER of the
 * link key, in a malloc()ed buffer returned in @p owned, which the caller
 * must wipe (OPENSSL_cleanse) and free; @p data points to it too. Every
 * other blob is borrowed from @p c and @p owned is set to NULL.
 *
 * @return
 *   0 with @p data / @p len set; -EINVAL for an unknown blob id;
 *   -ENOMEM / -EIO if the key cannot be encoded.
 */
int cp_linkcreds_blob(const struct cp_linkcreds *c, uint32_t blob_id, uint8_t **owned,
		      const uint8_t **data, size_t *len);

/** Return the bytes of blob @p blob_id (without making the key's DER), 0 if unknown. */
size_t cp_linkcreds_blob_len(const struct cp_linkcreds *c, uint32_t blob_id);

/**
 * The key store's #cp_keys_cert_fn: make the type-4 certificate (cert-spec
 * §2.2.1) with cp_edcert_make(): key type 01, the signing key certified by
 * the master key, with the signed-with-key extension. @p arg is unused.
 */
int cp_linkcreds_make_signing_cert(void *arg, const struct cp_ed25519_key *master,
				   const struct cp_ed25519_key *signing, uint32_t expires_hours,
				   uint8_t *out, size_t *len);

#endif /* CONTROLPLANE_LINK_LINKCREDS_H */
