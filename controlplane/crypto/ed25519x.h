/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Ed25519 signing from a 64-byte *expanded* secret key, as tor stores it.
 *
 * Tor keeps its Ed25519 secret keys (ed25519_master_id_secret_key,
 * ed25519_signing_secret_key) in the expanded form of RFC 8032 §5.1.5:
 * the clamped scalar a (32 bytes, little-endian) followed by the 32-byte
 * "prefix" that seeds the per-signature nonce. The seed they came from is
 * not kept, and OpenSSL can sign only from a seed, so Chive signs with its
 * own implementation (ed25519x.c). The same code signs the ntor-onion-key
 * crosscert (cert-spec.txt type [0A]) with the Ed25519 key that tor derives
 * from the curve25519 onion secret (dir-spec.txt appendix C).
 *
 * Signatures are plain RFC 8032 Ed25519 (no context, no pre-hash), so they
 * are byte-identical to OpenSSL's for a key made from the same seed.
 * Verification goes through OpenSSL (public data, nothing to hide).
 *
 * Thread safety: every function may be called from any thread; the first
 * call fetches SHA-512 and builds a small table of base-point multiples once.
 *
 * May be included by controlplane/ and tests/.
 */
#ifndef CONTROLPLANE_CRYPTO_ED25519X_H
#define CONTROLPLANE_CRYPTO_ED25519X_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** Encoded public key (RFC 8032 §5.1.2). */
#define CP_ED25519_PUB_LEN 32
/** RFC 8032 secret key ("seed"), the input to expansion. */
#define CP_ED25519_SEED_LEN 32
/** Expanded secret key: clamped scalar a (little-endian) | prefix. */
#define CP_ED25519_SEC_LEN 64
/** Signature: encoded R | S (S little-endian, S < L). */
#define CP_ED25519_SIG_LEN 64
/** A curve25519 (X25519) secret key. */
#define CP_X25519_SEC_LEN 32

/**
 * An Ed25519 key pair with the secret in tor's expanded form.
 *
 * Invariants: @c pub is always a*B for the scalar a in @c sec[0..32], as
 * computed by one of the cp_ed25519_from_*() constructors. Never set @c pub
 * by hand: signing with a public key that does not match the secret lets
 * an observer of two such signatures recover a. @c sec is secret: wipe the
 * struct with cp_ed25519_wipe() when done.
 */
struct cp_ed25519_key {
	uint8_t pub[CP_ED25519_PUB_LEN];	/**< encoded point A = a*B */
	uint8_t sec[CP_ED25519_SEC_LEN];	/**< a (LE, any 256-bit value) | prefix */
};

/**
 * Generate a new key pair from 32 fresh bytes of RAND_priv_bytes(), used as
 * an RFC 8032 seed and expanded with cp_ed25519_from_seed().
 *
 * @return
 *   0 on success; -EIO if OpenSSL fails (the random generator or SHA-512).
 *   On failure @p k is zeroed.
 */
int cp_ed25519_generate(struct cp_ed25519_key *k);

/**
 * Expand an RFC 8032 seed (§5.1.5): h = SHA-512(seed), a = clamp(h[0..32]),
 * prefix = h[32..64], and compute the public key A = a*B.
 *
 * @return
 *   0 on success; -EIO if SHA-512 is unavailable (then @p k is zeroed).
 */
int cp_ed25519_from_seed(struct cp_ed25519_key *k, const uint8_t seed[CP_ED25519_SEED_LEN]);

/**
 * Load an expanded secret key as tor stores it (a | prefix) and compute its
 * public key A = a*B.
 *
 * The scalar is used as given, without clamping, because tor's blinded keys
 * (rend-spec-v3.txt §A.2) are expanded keys whose scalar is reduced mod L
 * rather than clamped. Any 256-bit value is accepted.
 *
 * @return
 *   0 on success; -EIO if SHA-512 is unavailable (then @p k is zeroed).
 */
int cp_ed25519_from_expanded(struct cp_ed25519_key *k, const uint8_t sec[CP_ED25519_SEC_LEN]);

/**
 * Derive the Ed25519 key pair that tor associates with a curve25519 secret
 * (dir-spec.txt appendix C; tor's ed25519_keypair_from_curve25519_keypair):
 * a = the X25519 secret, clamped as X25519 does; prefix =
 * SHA-512(a | "Derive high part of ed25519 key from curve25519 key\0")[0..32]
 * (the string is hashed with its terminating NUL).
 *
 * Tor's curve25519 secret keys are stored clamped, so for them this matches
 * tor byte for byte. The resulting A is the Edwards point birationally
 * equivalent to the X25519 public key of @p x25519_sec, with the sign of x
 * chosen by a; that sign is what the router descriptor publishes next to
 * the ntor-onion-key crosscert (dir-spec.txt "ntor-onion-key-crosscert").
 *
 * @param signbit
 *   If non-NULL, receives the sign bit of A, i.e. @c k->pub[31] >> 7 (0 or 1).
 * @return
 *   0 on success; -EIO if SHA-512 is unavailable (then @p k is zeroed).
 */
int cp_ed25519_from_curve25519(struct cp_ed25519_key *k, int *signbit,
			       const uint8_t x25519_sec[CP_X25519_SEC_LEN]);

/**
 * Sign @p msg (RFC 8032 §5.1.6, pure Ed25519) with the expanded key @p k:
 * r = SHA-512(prefix | msg) mod L, R = r*B,
 * S = (r + SHA-512(R | A | msg) * a) mod L, sig = R | S.
 *
 * The scalar multiplication and the arithmetic mod L do not branch on, or
 * index memory by, secret data; every secret temporary is wiped.
 *
 * @param msg
 *   The message; may be NULL when @p len is 0.
 * @return
 *   0 on success; -EINVAL if @p msg is NULL with a non-zero @p len;
 *   -EIO if SHA-512 fails. On failure @p sig is zeroed.
 */
int cp_ed25519_sign(uint8_t sig[CP_ED25519_SIG_LEN], const uint8_t *msg, size_t len,
		    const struct cp_ed25519_key *k);

/**
 * Check an Ed25519 signature (RFC 8032 §5.1.7) with OpenSSL's
 * EVP_PKEY_ED25519, strictly. Besides OpenSSL's own checks (A decodes to a
 * curve point, S < L, R is the canonical encoding of the recomputed point),
 * reject an A or R whose y is not reduced (y >= p) and an A or R of small
 * order (a multiple of the identity by 1, 2, 4 or 8), as ed25519-dalek's
 * verify_strict does. Uses the cofactorless equation, as OpenSSL and tor do.
 *
 * @param msg
 *   The message; may be NULL when @p len is 0.
 * @return
 *   true if the signature is valid for @p msg under @p pub.
 */
bool cp_ed25519_verify(const uint8_t sig[CP_ED25519_SIG_LEN], const uint8_t *msg, size_t len,
		       const uint8_t pub[CP_ED25519_PUB_LEN]);

/** Zero the whole key pair with OPENSSL_cleanse(). Accepts NULL. */
void cp_ed25519_wipe(struct cp_ed25519_key *k);

#endif /* CONTROLPLANE_CRYPTO_ED25519X_H */
