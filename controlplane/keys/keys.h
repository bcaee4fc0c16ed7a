/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief The relay key store: identity, signing and onion keys in tor's on-disk formats.
 *
 * The store owns every long- and medium-term key of the relay (tor-spec.txt
 * §1.1) and keeps them in DataDirectory/keys/ with tor's file names and
 * byte-exact file formats, so that an operator can move a relay identity
 * from tor to Chive and back:
 *
 * | file                           | content                                        |
 * |--------------------------------|------------------------------------------------|
 * | secret_id_key                  | RSA-1024 identity, PEM "RSA PRIVATE KEY"       |
 * | ed25519_master_id_secret_key   | Ed25519 master identity (expanded secret)      |
 * | ed25519_master_id_public_key   | its public key                                 |
 * | ed25519_signing_secret_key     | Ed25519 medium-term signing key                |
 * | ed25519_signing_cert           | type-4 cert master → signing (cert-spec §2.1)  |
 * | secret_onion_key_ntor[.old]    | curve25519 ntor onion key (current, previous)  |
 * | secret_onion_key[.old]         | RSA-1024 TAP onion key (current, previous)     |
 * | chive-keys-state               | Chive only: when the onion keys were last made |
 *
 * Missing keys are generated at first start. The master secret may be kept
 * offline (tor's OfflineMasterKey): the store then runs on the master public
 * key, the signing key and a valid signing certificate alone. Certificates
 * are built by controlplane/certs/ through the #cp_keys_cert_fn hook; the
 * store only reads enough of the type-4 certificate to check that it is
 * well-formed, certifies the signing key, is signed by the master key and has
 * not expired.
 *
 * Secrets are wiped (OPENSSL_cleanse) as soon as they are no longer needed
 * and never logged. The master secret is held only while a signing
 * certificate is made, as tor does.
 *
 * Time is always a parameter (Unix seconds), so tests inject the clock.
 * The store is not thread-safe; the control plane uses it from its loop.
 *
 * Who may include it: controlplane/ and tests/.
 */
#ifndef CONTROLPLANE_KEYS_KEYS_H
#define CONTROLPLANE_KEYS_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <openssl/evp.h>

#include "controlplane/crypto/ed25519x.h"

/** Hex RSA fingerprint length, without the NUL. */
#define CP_KEYS_FP_HEX_LEN 40
/** Spaced fingerprint ("XXXX XXXX ... XXXX", 10 groups) length, without the NUL. */
#define CP_KEYS_FP_SPACED_LEN 49
/** Unpadded base64 of a 32-byte key, without the NUL. */
#define CP_KEYS_B64_32_LEN 43
/** Largest signing certificate the store keeps (tor reads at most 256 bytes). */
#define CP_KEYS_CERT_MAX 256

/** Defaults, in seconds, as in tor (config.c, param-spec "Relay behavior"). */
#define CP_KEYS_SIGNING_LIFETIME_DEFAULT (30u * 86400u) /**< SigningKeyLifetime */
#define CP_KEYS_SIGNING_SLOP_DEFAULT (1u * 86400u)	/**< TestingSigningKeySlop */
#define CP_KEYS_ONION_ROTATION_DEFAULT (28u * 86400u)	/**< onion-key-rotation-days */
#define CP_KEYS_ONION_GRACE_DEFAULT (7u * 86400u)	/**< onion-key-grace-period-days */

/**
 * Make a type-4 Ed25519 certificate (cert-spec §2.1, §2.2.1): @p master
 * certifies @p signing until @p expires_hours (hours since the epoch), with
 * the signed-with-ed25519-key extension (type 04) carrying the master public
 * key.
 *
 * @param len
 *   In: capacity of @p out (#CP_KEYS_CERT_MAX). Out: bytes written.
 * @return
 *   0, or a negative errno value.
 */
typedef int(cp_keys_cert_fn)(void *arg, const struct cp_ed25519_key *master,
			     const struct cp_ed25519_key *signing, uint32_t expires_hours,
			     uint8_t *out, size_t *len);

/** Store options. Fill with cp_keys_options_default(), then override. */
struct cp_keys_options {
	uint32_t signing_lifetime; /**< s; lifetime of a new signing cert */
	uint32_t signing_slop;	   /**< s; renew the signing key when less remains */
	uint32_t onion_rotation;   /**< s; make new onion keys when the current are older */
	uint32_t onion_grace;	   /**< s; keep the previous onion keys this long; ≤ rotation */
	/** Never load or create the master secret, as tor's OfflineMasterKey. */
	bool offline_master;
	/** Makes signing certs; NULL means "fail when a new cert is needed". */
	cp_keys_cert_fn *make_signing_cert;
	void *make_signing_cert_arg;
};

/** One curve25519 ntor onion keypair. */
struct cp_keys_ntor {
	uint8_t sec[32];    /**< clamped X25519 secret, as tor stores it */
	uint8_t pub[32];    /**< X25519 public key (KP_ntor) */
	time_t valid_until; /**< s; accept CREATE2 for this key until then */
};

/** Bits in the positive return value of cp_keys_rotate(). */
enum cp_keys_change {
	CP_KEYS_CHANGE_ONION = 1 << 0,	   /**< new current onion keys: republish */
	CP_KEYS_CHANGE_ONION_OLD = 1 << 1, /**< previous onion keys dropped */
	CP_KEYS_CHANGE_SIGNING = 1 << 2,   /**< new signing key and cert: redo certs */
};

struct cp_keys;

/** Fill @p opt with tor's defaults and no certificate callback. */
void cp_keys_options_default(struct cp_keys_options *opt);

/**
 * Load the keys under @p datadir/keys, creating the directory (0700) and
 * any missing key, and perform any rotation due at @p now.
 *
 * Refuses, with a message in @p err naming the file: a secret file with any
 * group or other permission bit; a corrupt, truncated or mistagged file; a
 * public key that does not match its secret; a signing cert signed by
 * another master key; a missing secret_id_key next to an existing Ed25519
 * identity (authorities pin the pair). Renews an expired or soon-expiring
 * signing key when the master secret is present; without it (offline
 * master), runs on a valid cert and fails with -EKEYEXPIRED on an expired or
 * -ENOKEY on a missing one. Fails with -ENOSYS when a new cert is needed and
 * @p opt has no cert maker. @p opt may be NULL: tor's defaults, no maker.
 *
 * @return
 *   0 and a new store in @p out, or a negative errno value.
 */
int cp_keys_load_or_create(const char *datadir, const struct cp_keys_options *opt, time_t now,
			   struct cp_keys **out, char *err, size_t errlen);

/**
 * Perform the rotations due at @p now: new onion keys after the rotation
 * period (the current ones become the previous ones), drop the previous
 * ones after the grace period (wiped and their .old files deleted), and a
 * new signing key and cert when less than the slop remains.
 *
 * @return
 *   0 when nothing changed, a positive mask of #cp_keys_change, or a
 *   negative errno value (-EKEYEXPIRED: the signing cert expired and the
 *   master secret is offline). The store stays usable after an error, and
 *   an onion rotation done before the error stays in effect (compare
 *   cp_keys_onion_set_at() to learn of it). Call it at least hourly, with
 *   the wall clock.
 */
int cp_keys_rotate(struct cp_keys *k, time_t now, char *err, size_t errlen);

/** Wipe every secret, free the store. Accepts NULL. */
void cp_keys_destroy(struct cp_keys *k);

/** RSA identity fingerprint: 40 upper-case hex digits. */
const char *cp_keys_rsa_fingerprint(const struct cp_keys *k);
/** RSA identity fingerprint in tor's spaced form, "XXXX XXXX ... XXXX". */
const char *cp_keys_rsa_fingerprint_spaced(const struct cp_keys *k);
/** SHA1 of the DER PKCS#1 RSAPublicKey of the identity (relay-checklist A2); 20 bytes. */
const uint8_t *cp_keys_rsa_id_digest(const struct cp_keys *k);
/** SHA256 of the same DER (AUTHENTICATE CID/SID, tor-spec §4.4); 32 bytes. */
const uint8_t *cp_keys_rsa_id_sha256(const struct cp_keys *k);
/** DER PKCS#1 RSAPublicKey of the identity key; its length in @p len. */
const uint8_t *cp_keys_rsa_id_der(const struct cp_keys *k, size_t *len);
/** The RSA-1024 identity key (borrowed; the store owns it). */
EVP_PKEY *cp_keys_rsa_identity(const struct cp_keys *k);

/** Ed25519 master identity public key (KP_relayid_ed); 32 bytes. */
const uint8_t *cp_keys_master_pub(const struct cp_keys *k);
/** The master public key in unpadded base64 (43 characters), as tor prints it. */
const char *cp_keys_ed25519_id_base64(const struct cp_keys *k);
/**
 * True when the master secret key file was there at load or at the last
 * renewal check. The secret itself is never kept in memory.
 */
bool cp_keys_has_master_secret(const struct cp_keys *k);

/** The Ed25519 medium-term signing key (KP_relaysign_ed and its secret). */
const struct cp_ed25519_key *cp_keys_signing_key(const struct cp_keys *k);
/** The type-4 signing cert exactly as stored; its length in @p len. */
const uint8_t *cp_keys_signing_cert(const struct cp_keys *k, size_t *len);
/** When the signing cert expires (s; its hour field × 3600). */
time_t cp_keys_signing_cert_expires(const struct cp_keys *k);

/** The current ntor onion key. */
const struct cp_keys_ntor *cp_keys_ntor_current(const struct cp_keys *k);
/** The previous ntor onion key, or NULL when there is none. */
const struct cp_keys_ntor *cp_keys_ntor_previous(const struct cp_keys *k);
/** The current TAP onion key (RSA-1024; borrowed). */
EVP_PKEY *cp_keys_tap_current(const struct cp_keys *k);
/** The previous TAP onion key, or NULL (borrowed). */
EVP_PKEY *cp_keys_tap_previous(const struct cp_keys *k);
/** When the current onion keys were made (s). */
time_t cp_keys_onion_set_at(const struct cp_keys *k);
/** When cp_keys_rotate() makes the next onion keys (s): made + the rotation period. */
time_t cp_keys_onion_next_rotation(const struct cp_keys *k);

/**
 * Load the family keys (tor 0.4.9, proposal 321): every
 * @p datadir/keys/ *.secret_family_key, as `tor --keygen-family NAME` writes
 * them (tagged "ed25519v1-secret: fmly-id", the expanded secret). Secret-file
 * rules as for the other keys (no group or other permission bits). A missing
 * directory holds none.
 *
 * @return
 *   0 with @p n keys in @p out (the caller wipes them with
 *   cp_ed25519_wipe()), or a negative errno with the file and reason in
 *   @p err (then none are kept).
 */
int cp_keys_family_load(const char *datadir, struct cp_ed25519_key *out, unsigned max,
			unsigned *n, char *err, size_t errlen);

/**
 * Generate an RSA key of @p bits with e = 65537 (for the TLS link key, or
 * the 1024-bit identity and TAP keys).
 *
 * @return
 *   0 and the key in @p out (the caller frees it), or -ENOMEM / -EIO.
 */
int cp_keys_rsa_generate(int bits, EVP_PKEY **out);

#endif /* CONTROLPLANE_KEYS_KEYS_H */
