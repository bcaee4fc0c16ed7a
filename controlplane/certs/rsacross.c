/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief RSA identity digests, RSA->Ed25519 crosscert, TAP onion-key crosscert.
 *
 * Raw PKCS#1 v1.5 type-1 operations go through EVP_PKEY_sign() and
 * EVP_PKEY_verify_recover() with RSA_PKCS1_PADDING and no signature digest
 * set, which OpenSSL 3 maps to RSA_private_encrypt()/RSA_public_decrypt():
 * the same bytes as tor's crypto_pk_private_sign()/public_checksig().
 */
#include <errno.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include "common/base/byteorder.h"
#include "controlplane/certs/rsacross.h"

/* ED25519_KEY(32) | EXPIRATION_DATE(4): the signed part of a crosscert. */
#define XC_SIGNED_LEN 36
/* Largest RSA modulus handled here, in bytes (8192 bits). */
#define RSA_MAX_BYTES 1024

int
cp_rsa_id_digests(EVP_PKEY *key, uint8_t *sha1, uint8_t *sha256)
{
	unsigned char *der = NULL;
	int n;

	if (key == NULL || EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA)
		return -EINVAL;
	/* i2d_PublicKey() of an RSA key is the PKCS#1 RSAPublicKey. */
	n = i2d_PublicKey(key, &der);
	if (n <= 0)
		return -ENOMEM;
	if (sha1 != NULL)
		SHA1(der, (size_t)n, sha1);
	if (sha256 != NULL)
		SHA256(der, (size_t)n, sha256);
	OPENSSL_free(der);
	return 0;
}

int
cp_rsa_raw_sign(uint8_t *sig, size_t sig_len, EVP_PKEY *key, const uint8_t *data, size_t len)
{
	EVP_PKEY_CTX *ctx;
	size_t out_len = sig_len;
	int size;
	int rc = -EINVAL;

	if (key == NULL || EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA)
		return -EINVAL;
	size = EVP_PKEY_get_size(key);
	if (size <= 0 || (size_t)size > RSA_MAX_BYTES)
		return -EINVAL;
	if (sig_len < (size_t)size)
		return -ENOBUFS;
	/* PKCS#1 v1.5 type 1 needs 11 bytes of padding. */
	if (len + 11 > (size_t)size)
		return -EINVAL;

	ctx = EVP_PKEY_CTX_new(key, NULL);
	if (ctx == NULL)
		return -ENOMEM;
	if (EVP_PKEY_sign_init(ctx) <= 0 ||
	    EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) <= 0 ||
	    EVP_PKEY_sign(ctx, sig, &out_len, data, len) <= 0)
		goto out;
	rc = (int)out_len;
out:
	EVP_PKEY_CTX_free(ctx);
	return rc;
}

int
cp_rsa_raw_recover(uint8_t *out, size_t out_len, EVP_PKEY *key, const uint8_t *sig,
		   size_t sig_len)
{
	uint8_t buf[RSA_MAX_BYTES];
	EVP_PKEY_CTX *ctx;
	size_t n = sizeof(buf);
	int size;
	int rc = -EBADMSG;

	if (key == NULL || EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA)
		return -EINVAL;
	size = EVP_PKEY_get_size(key);
	if (size <= 0 || (size_t)size > sizeof(buf))
		return -EINVAL;
	/* A signature is exactly one modulus long. */
	if (sig_len != (size_t)size)
		return -EBADMSG;

	ctx = EVP_PKEY_CTX_new(key, NULL);
	if (ctx == NULL)
		return -ENOMEM;
	if (EVP_PKEY_verify_recover_init(ctx) <= 0 ||
	    EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) <= 0) {
		rc = -ENOMEM;
		goto out;
	}
	if (EVP_PKEY_verify_recover(ctx, buf, &n, sig, sig_len) <= 0)
		goto out;
	if (n > out_len) {
		rc = -ENOBUFS;
		goto out;
	}
	memcpy(out, buf, n);
	rc = (int)n;
out:
	EVP_PKEY_CTX_free(ctx);
	return rc;
}

/* SHA256(prefix | signed part) of a crosscert. */
static void
rsacross_digest(uint8_t digest[32], const uint8_t signed_part[XC_SIGNED_LEN])
{
	uint8_t buf[sizeof(CP_RSACROSS_PREFIX) - 1 + XC_SIGNED_LEN];

	memcpy(buf, CP_RSACROSS_PREFIX, sizeof(CP_RSACROSS_PREFIX) - 1);
	memcpy(buf + sizeof(CP_RSACROSS_PREFIX) - 1, signed_part, XC_SIGNED_LEN);
	SHA256(buf, sizeof(buf), digest);
}

int
cp_rsacross_make(uint8_t *out, size_t out_len, const uint8_t ed_key[32], uint32_t exp_hours,
		 EVP_PKEY *rsa_id)
{
	uint8_t digest[32];
	int size;
	int n;

	if (rsa_id == NULL || EVP_PKEY_get_base_id(rsa_id) != EVP_PKEY_RSA)
		return -EINVAL;
	size = EVP_PKEY_get_size(rsa_id);
	if (size <= 0 || size > 255)
		return -EINVAL;
	if (out_len < XC_SIGNED_LEN + 1 + (size_t)size)
		return -ENOBUFS;

	/* cert-spec.txt §2.3: ED25519_KEY | EXPIRATION_DATE | SIGLEN | SIGNATURE. */
	memcpy(out, ed_key, 32);
	be32_put(out + 32, exp_hours);
	rsacross_digest(digest, out);
	n = cp_rsa_raw_sign(out + XC_SIGNED_LEN + 1, (size_t)size, rsa_id, digest, sizeof(digest));
	if (n < 0)
		return n;
	out[XC_SIGNED_LEN] = (uint8_t)n;
	return XC_SIGNED_LEN + 1 + n;
}

enum cp_cert_err
cp_rsacross_check(const uint8_t *cc, size_t len, EVP_PKEY *rsa_id, const uint8_t ed_key[32],
		  time_t now)
{
	uint8_t digest[32];
	uint8_t opened[RSA_MAX_BYTES];
	uint64_t expires;
	size_t siglen;
	int n;

	/* link_handshake.trunnel rsa_ed_crosscert, and "Unparseable or
	 * overlong crosscert" when anything is left over. */
	if (len < XC_SIGNED_LEN + 1)
		return CP_CERT_ERR_XC_MALFORMED;
	siglen = cc[XC_SIGNED_LEN];
	if (len != XC_SIGNED_LEN + 1 + siglen)
		return CP_CERT_ERR_XC_MALFORMED;
	if (CRYPTO_memcmp(cc, ed_key, 32) != 0)
		return CP_CERT_ERR_XC_KEY;
	expires = (uint64_t)be32_get(cc + 32) * 3600;
	if (now < 0 || expires < (uint64_t)now)
		return CP_CERT_ERR_XC_EXPIRED;

	rsacross_digest(digest, cc);
	n = cp_rsa_raw_recover(opened, sizeof(opened), rsa_id, cc + XC_SIGNED_LEN + 1, siglen);
	if (n == -EINVAL || n == -ENOMEM)
		return n == -EINVAL ? CP_CERT_ERR_XC_SIG : CP_CERT_ERR_INTERNAL;
	/* "Bad signature, or length of signed data not as expected", then
	 * "The signature was good, but it didn't match the data". */
	if (n < (int)sizeof(digest) || CRYPTO_memcmp(opened, digest, sizeof(digest)) != 0)
		return CP_CERT_ERR_XC_SIG;
	return CP_CERT_OK;
}

int
cp_tap_crosscert_make(uint8_t *out, size_t out_len, EVP_PKEY *onion_key,
		      const uint8_t rsa_id_sha1[20], const uint8_t ed_master[32])
{
	uint8_t signed_data[CP_TAP_CROSSCERT_SIGNED_LEN];

	memcpy(signed_data, rsa_id_sha1, 20);
	memcpy(signed_data + 20, ed_master, 32);
	return cp_rsa_raw_sign(out, out_len, onion_key, signed_data, sizeof(signed_data));
}

enum cp_cert_err
cp_tap_crosscert_check(const uint8_t *sig, size_t sig_len, EVP_PKEY *onion_key,
		       const uint8_t rsa_id_sha1[20], const uint8_t ed_master[32])
{
	uint8_t opened[RSA_MAX_BYTES];
	int n;

	n = cp_rsa_raw_recover(opened, sizeof(opened), onion_key, sig, sig_len);
	/* torcert.c check_tap_onion_key_crosscert(): at least 52 bytes,
	 * the first 20 the RSA identity digest, the next 32 the master key. */
	if (n < CP_TAP_CROSSCERT_SIGNED_LEN || CRYPTO_memcmp(opened, rsa_id_sha1, 20) != 0 ||
	    CRYPTO_memcmp(opened + 20, ed_master, 32) != 0)
		return CP_CERT_ERR_XC_SIG;
	return CP_CERT_OK;
}
