/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief The primitives under the circuit handshakes: HKDF-SHA256, KDF-TOR, HMAC-SHA256,
 *        SHA3-256, SHAKE-256, AES-256-CTR and X25519, on OpenSSL 3.
 *
 * tor-spec.txt §5.2.1 (KDF-TOR), §5.2.2 (HKDF-SHA256 as RFC 5869 with
 * salt = t_key and info = m_expand) and proposal 332 appendix A.1 (the
 * SHA3/SHAKE instantiation of ntor-v3).
 *
 * The algorithms are fetched once from OpenSSL's default library context
 * (CONVENTIONS §22: implicit fetches take locks on every call in 3.x) and
 * only read afterwards, so every function here is safe to call from the
 * onionskin workers concurrently. Contexts are made per call and freed
 * with their state cleansed (OpenSSL's *_free functions wipe digest, MAC
 * and cipher state). Local buffers holding secrets are wiped with
 * OPENSSL_cleanse() before return.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "controlplane/onion/onion_int.h"

#define SHA1_LEN 20
#define SHA256_LEN 32
/** Largest K0 cp_onion_kdf_tor() takes (CREATE_FAST uses 40, TAP used 128). */
#define KDF_TOR_K0_MAX 128

/* Set once by kdf_init(), read-only afterwards. */
static EVP_MD *kdf_sha1;
static EVP_MD *kdf_sha3_256;
static EVP_MD *kdf_shake256;
static EVP_MAC *kdf_hmac;
static EVP_CIPHER *kdf_aes256ctr;
static pthread_once_t kdf_once = PTHREAD_ONCE_INIT;

static void
kdf_init(void)
{
	kdf_sha1 = EVP_MD_fetch(NULL, "SHA1", NULL);
	kdf_sha3_256 = EVP_MD_fetch(NULL, "SHA3-256", NULL);
	kdf_shake256 = EVP_MD_fetch(NULL, "SHAKE256", NULL);
	kdf_hmac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	kdf_aes256ctr = EVP_CIPHER_fetch(NULL, "AES-256-CTR", NULL);
}

/* Fetch the algorithms once. @return 0, or -EIO if one is missing. */
static int
kdf_ready(void)
{
	if (pthread_once(&kdf_once, kdf_init) != 0)
		return -EIO;
	if (kdf_sha1 == NULL || kdf_sha3_256 == NULL || kdf_shake256 == NULL || kdf_hmac == NULL ||
	    kdf_aes256ctr == NULL)
		return -EIO;
	return 0;
}

/* out = md(concatenation of @p n parts); @p xof_len != 0 squeezes that many bytes. */
static int
kdf_digest(const EVP_MD *md, uint8_t *out, size_t xof_len, const struct cp_onion_iov *parts,
	   size_t n)
{
	EVP_MD_CTX *ctx;
	int ok;

	ctx = EVP_MD_CTX_new();
	if (ctx == NULL)
		return -EIO;
	ok = EVP_DigestInit_ex2(ctx, md, NULL) == 1;
	for (size_t i = 0; ok && i < n; i++)
		if (parts[i].n != 0)
			ok = EVP_DigestUpdate(ctx, parts[i].p, parts[i].n) == 1;
	if (ok && xof_len != 0)
		ok = EVP_DigestFinalXOF(ctx, out, xof_len) == 1;
	else if (ok)
		ok = EVP_DigestFinal_ex(ctx, out, NULL) == 1;
	EVP_MD_CTX_free(ctx); /* cleanses the state */
	return ok ? 0 : -EIO;
}

int
cp_onion_hmac_sha256(uint8_t out[32], const uint8_t *key, size_t key_len,
		     const struct cp_onion_iov *parts, size_t n)
{
	static const uint8_t empty_key[1];
	OSSL_PARAM params[2];
	EVP_MAC_CTX *ctx;
	size_t outl = 0;
	int ok;

	if (kdf_ready() != 0)
		return -EIO;
	ctx = EVP_MAC_CTX_new(kdf_hmac);
	if (ctx == NULL)
		return -EIO;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SHA256", 0);
	params[1] = OSSL_PARAM_construct_end();
	/* RFC 5869 allows an empty salt (test case 3); OpenSSL wants a non-NULL key. */
	if (key_len == 0)
		key = empty_key;
	ok = EVP_MAC_init(ctx, key, key_len, params) == 1;
	for (size_t i = 0; ok && i < n; i++)
		if (parts[i].n != 0)
			ok = EVP_MAC_update(ctx, parts[i].p, parts[i].n) == 1;
	ok = ok && EVP_MAC_final(ctx, out, &outl, SHA256_LEN) == 1 && outl == SHA256_LEN;
	EVP_MAC_CTX_free(ctx);
	return ok ? 0 : -EIO;
}

int
cp_onion_hkdf_sha256(const uint8_t *ikm, size_t ikm_len, const uint8_t *salt, size_t salt_len,
		     const uint8_t *info, size_t info_len, uint8_t *out, size_t out_len)
{
	uint8_t prk[SHA256_LEN], t[SHA256_LEN];
	size_t done = 0;
	int rc;

	if (out_len > 255 * SHA256_LEN)
		return -EINVAL;
	/* RFC 5869 §2.2: PRK = HMAC-Hash(salt, IKM). */
	rc = cp_onion_hmac_sha256(prk, salt, salt_len,
				  &(struct cp_onion_iov){.p = ikm, .n = ikm_len}, 1);
	/* §2.3: T(i) = HMAC-Hash(PRK, T(i-1) | info | i), at most 255 blocks. */
	for (unsigned i = 1; rc == 0 && done < out_len; i++) {
		uint8_t ctr = (uint8_t)i;
		struct cp_onion_iov in[3] = {
			{.p = t, .n = i == 1 ? 0 : SHA256_LEN},
			{.p = info, .n = info_len},
			{.p = &ctr, .n = 1},
		};
		size_t k = out_len - done < SHA256_LEN ? out_len - done : SHA256_LEN;

		rc = cp_onion_hmac_sha256(t, prk, sizeof(prk), in, 3);
		if (rc == 0)
			memcpy(out + done, t, k);
		done += k;
	}
	OPENSSL_cleanse(prk, sizeof(prk));
	OPENSSL_cleanse(t, sizeof(t));
	if (rc != 0)
		OPENSSL_cleanse(out, out_len);
	return rc;
}

int
cp_onion_kdf_tor(const uint8_t *k0, size_t k0_len, uint8_t *out, size_t out_len)
{
	uint8_t buf[KDF_TOR_K0_MAX + 1], d[SHA1_LEN];
	size_t done = 0;
	int rc = 0;

	if (k0_len > KDF_TOR_K0_MAX || out_len > 256 * SHA1_LEN)
		return -EINVAL;
	if (kdf_ready() != 0)
		return -EIO;
	if (k0_len != 0)
		memcpy(buf, k0, k0_len);
	/* tor-spec §5.2.1: K = H(K0 | [00]) | H(K0 | [01]) | ... */
	for (unsigned i = 0; rc == 0 && done < out_len; i++) {
		size_t k = out_len - done < SHA1_LEN ? out_len - done : SHA1_LEN;

		buf[k0_len] = (uint8_t)i;
		rc = kdf_digest(kdf_sha1, d, 0, &(struct cp_onion_iov){.p = buf, .n = k0_len + 1},
				1);
		if (rc == 0)
			memcpy(out + done, d, k);
		done += k;
	}
	OPENSSL_cleanse(buf, sizeof(buf));
	OPENSSL_cleanse(d, sizeof(d));
	if (rc != 0)
		OPENSSL_cleanse(out, out_len);
	return rc;
}

int
cp_onion_sha3_256(uint8_t out[32], const struct cp_onion_iov *parts, size_t n)
{
	if (kdf_ready() != 0)
		return -EIO;
	return kdf_digest(kdf_sha3_256, out, 0, parts, n);
}

int
cp_onion_shake256(uint8_t *out, size_t out_len, const struct cp_onion_iov *parts, size_t n)
{
	if (out_len == 0)
		return 0;
	if (kdf_ready() != 0)
		return -EIO;
	return kdf_digest(kdf_shake256, out, out_len, parts, n);
}

int
cp_onion_aes256ctr(const uint8_t key[32], const uint8_t *in, uint8_t *out, size_t len)
{
	static const uint8_t iv[16];
	EVP_CIPHER_CTX *ctx;
	int outl = 0, ok;

	if (len == 0)
		return 0;
	if (len > (size_t)INT32_MAX)
		return -EINVAL;
	if (kdf_ready() != 0)
		return -EIO;
	ctx = EVP_CIPHER_CTX_new();
	if (ctx == NULL)
		return -EIO;
	ok = EVP_EncryptInit_ex2(ctx, kdf_aes256ctr, key, iv, NULL) == 1;
	ok = ok && EVP_EncryptUpdate(ctx, out, &outl, in, (int)len) == 1 && (size_t)outl == len;
	EVP_CIPHER_CTX_free(ctx); /* cleanses the key schedule */
	return ok ? 0 : -EIO;
}

void
cp_onion_encap_len(uint8_t out[8], size_t len)
{
	uint64_t v = (uint64_t)len;

	for (int i = 7; i >= 0; i--) {
		out[i] = (uint8_t)v;
		v >>= 8;
	}
}

int
cp_onion_is_zero(const uint8_t *p, size_t n)
{
	uint8_t acc = 0;

	for (size_t i = 0; i < n; i++)
		acc |= p[i];
	return ((unsigned)acc - 1u) >> 8 & 1u;
}

/* A key object for the X25519 secret @p sec, or NULL. */
static EVP_PKEY *
x25519_priv(const uint8_t sec[32])
{
	return EVP_PKEY_new_raw_private_key_ex(NULL, "X25519", NULL, sec, 32);
}

int
cp_onion_x25519_pub(uint8_t pub[32], const uint8_t sec[32])
{
	EVP_PKEY *pk = x25519_priv(sec);
	size_t len = 32;
	int ok;

	if (pk == NULL)
		return -EIO;
	ok = EVP_PKEY_get_raw_public_key(pk, pub, &len) == 1 && len == 32;
	EVP_PKEY_free(pk);
	return ok ? 0 : -EIO;
}

int
cp_onion_x25519_keygen(uint8_t sec[32], uint8_t pub[32])
{
	int rc;

	if (RAND_priv_bytes(sec, 32) != 1)
		return -EIO;
	/* Clamp as curve25519 secret keys are stored (tor's curve25519_secret_key_generate). */
	sec[0] &= 248;
	sec[31] &= 127;
	sec[31] |= 64;
	rc = cp_onion_x25519_pub(pub, sec);
	if (rc != 0)
		OPENSSL_cleanse(sec, 32);
	return rc;
}

/*
 * A key object for the X25519 pair (@p sec, @p pub). OpenSSL 3 imports a
 * lone X25519 secret by computing its public key, a full scalar
 * multiplication (as costly as the derivation itself); given both halves
 * it takes them as they are. The derivation reads only the secret.
 */
static EVP_PKEY *
x25519_pair(const uint8_t sec[32], const uint8_t pub[32])
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "X25519", NULL);
	EVP_PKEY *pk = NULL;
	uint8_t s[32], q[32]; /* OSSL_PARAM takes non-const buffers */
	OSSL_PARAM p[3];

	memcpy(s, sec, sizeof(s));
	memcpy(q, pub, sizeof(q));
	p[0] = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PRIV_KEY, s, sizeof(s));
	p[1] = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, q, sizeof(q));
	p[2] = OSSL_PARAM_construct_end();
	if (ctx == NULL || EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &pk, EVP_PKEY_KEYPAIR, p) != 1)
		pk = NULL;
	OPENSSL_cleanse(s, sizeof(s));
	EVP_PKEY_CTX_free(ctx);
	return pk;
}

int
cp_onion_x25519(uint8_t out[32], const uint8_t sec[32], const uint8_t sec_pub[32],
		const uint8_t pub[32])
{
	EVP_PKEY *pk, *peer;
	EVP_PKEY_CTX *ctx = NULL;
	size_t len = 32;
	int rc = -EIO;

	pk = x25519_pair(sec, sec_pub);
	peer = EVP_PKEY_new_raw_public_key_ex(NULL, "X25519", NULL, pub, 32);
	if (pk == NULL || peer == NULL)
		goto out;
	ctx = EVP_PKEY_CTX_new_from_pkey(NULL, pk, NULL);
	if (ctx == NULL || EVP_PKEY_derive_init(ctx) != 1 ||
	    EVP_PKEY_derive_set_peer_ex(ctx, peer, 0) != 1)
		goto out;
	/*
	 * OpenSSL refuses an all-zero shared secret (RFC 7748 §6.1), so a
	 * failure here is a low-order point from the peer: the degenerate
	 * case tor-spec §5.1.4 requires us to reject.
	 */
	if (EVP_PKEY_derive(ctx, out, &len) != 1 || len != 32) {
		rc = -EPROTO;
		goto out;
	}
	rc = cp_onion_is_zero(out, 32) ? -EPROTO : 0;
out:
	if (rc != 0) {
		OPENSSL_cleanse(out, 32);
		ERR_clear_error();
	}
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(peer);
	EVP_PKEY_free(pk);
	return rc;
}
