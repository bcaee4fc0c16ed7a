/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief tor1 relay crypto: per-hop AES-128-CTR and SHA-1 running digests.
 *
 * tor-spec.txt §0.3 (AES-128-CTR, IV 0), §5.2 (Df Db Kf Kb), §5.5 (routing
 * relay cells) and §6.1 (recognized and digest); relay-checklist C6-C8.
 * The shape follows tor's src/core/crypto/relay_crypto.c: relay_set_digest()
 * is dp_rc_digest_set(), relay_digest_matches() is dp_rc_digest_check(),
 * relay_crypt_one_payload() is dp_rc_crypt(); the per-hop loops of
 * relay_decrypt_cell() and relay_encrypt_cell_outbound() belong to the
 * callers (see relay_crypto.h).
 *
 * The AES stream is one EVP_CIPHER_CTX per direction, initialised once with
 * IV 0: every dp_rc_crypt() continues the same counter, so cell n of a
 * direction uses keystream bytes 509n .. 509n+508 (the counter is never
 * reset per cell; tor's crypto_cipher_t behaves the same).
 *
 * Re-keying without allocation: EVP_EncryptInit_ex2() with a NULL cipher on
 * a context that already has one keeps the context's cipher and provider
 * context (OpenSSL 3.0 crypto/evp/evp_enc.c, evp_cipher_init_internal():
 * the ENGINE lookup and EVP_CIPHER_CTX_reset() run only when a cipher is
 * passed, and newctx() only when there is no algctx) and calls the
 * provider's einit with the new key and IV, which resets the CTR state.
 * Measured here on OpenSSL 3.0.19: 1000 re-key-and-encrypt rounds made no
 * allocation through CRYPTO_set_mem_functions(), and the keystream equals a
 * fresh context's.
 */
/*
 * SHA1_Init/SHA1_Update/SHA1_Final are deprecated in OpenSSL 3 in favour of
 * EVP_MD_CTX. They are used on purpose: SHA_CTX is a plain struct, so the
 * tentative digest of tor-spec.txt §6.1 is a struct copy on the stack, with
 * no allocation and no provider call, where EVP_MD_CTX_copy() would allocate
 * a provider context per cell on the lcore. This must come before any
 * OpenSSL header.
 */
#define OPENSSL_SUPPRESS_DEPRECATED

#include <errno.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include "common/wire/wire_relay.h"
#include "dataplane/cell/relay_crypto.h"

/* AES-128 key and block sizes (tor-spec.txt §0.3: KEY_LEN = 16). */
#define RC_KEY_LEN 16
#define RC_IV_LEN 16
/* HASH_LEN (tor-spec.txt §0.3) and the 4 bytes of it a relay cell carries. */
#define RC_HASH_LEN SHA_DIGEST_LENGTH
#define RC_DIGEST_FIELD_LEN 4

_Static_assert(DP_RC_PAYLOAD_LEN == WIRE_RELAY_PAYLOAD_LEN, "relay payload is a cell payload");
_Static_assert(DP_RC_OFF_DB == DP_RC_OFF_DF + RC_HASH_LEN, "§5.2: Df(20) then Db(20)");
_Static_assert(DP_RC_OFF_KF == DP_RC_OFF_DB + RC_HASH_LEN, "§5.2: then Kf(16)");
_Static_assert(DP_RC_OFF_KB == DP_RC_OFF_KF + RC_KEY_LEN, "§5.2: then Kb(16)");
_Static_assert(DP_RC_KEYS_LEN == DP_RC_OFF_KB + RC_KEY_LEN, "§5.2: 72 bytes in all");

/* tor-spec.txt §0.3: "with an IV of all 0 bytes". Also the placeholder key
 * of a context that holds no circuit's key. */
static const uint8_t rc_zero[RC_IV_LEN];

int
dp_rc_lib_init(struct dp_rc_lib *lib, OSSL_LIB_CTX *libctx)
{
	lib->aes128ctr = EVP_CIPHER_fetch(libctx, "AES-128-CTR", NULL);
	return lib->aes128ctr != NULL ? 0 : -ENOTSUP;
}

void
dp_rc_lib_fini(struct dp_rc_lib *lib)
{
	EVP_CIPHER_free(lib->aes128ctr);
	lib->aes128ctr = NULL;
}

/* Give @p d a context bound to AES-128-CTR with a zero key and IV. */
static int
rc_dir_alloc(const struct dp_rc_lib *lib, struct dp_rc_dir *d)
{
	d->aes = EVP_CIPHER_CTX_new();
	if (d->aes == NULL)
		return -ENOMEM;
	if (EVP_EncryptInit_ex2(d->aes, lib->aes128ctr, rc_zero, rc_zero, NULL) != 1)
		return -ENOMEM;
	SHA1_Init(&d->digest);
	return 0;
}

int
dp_rc_alloc(const struct dp_rc_lib *lib, struct dp_relay_crypto *rc)
{
	memset(rc, 0, sizeof(*rc));
	if (lib->aes128ctr == NULL)
		return -EINVAL;
	if (rc_dir_alloc(lib, &rc->fwd) != 0 || rc_dir_alloc(lib, &rc->bwd) != 0) {
		dp_rc_free(rc);
		return -ENOMEM;
	}
	return 0;
}

void
dp_rc_free(struct dp_relay_crypto *rc)
{
	dp_rc_wipe(rc);
	EVP_CIPHER_CTX_free(rc->fwd.aes);
	EVP_CIPHER_CTX_free(rc->bwd.aes);
	rc->fwd.aes = NULL;
	rc->bwd.aes = NULL;
}

/* Key one direction: AES from counter 0 with IV 0, digest seeded with @p seed. */
static int
rc_dir_set_key(struct dp_rc_dir *d, const uint8_t *key, const uint8_t *seed)
{
	/* Cipher NULL: reuse the context's cipher and provider context (see the
	 * file comment); no allocation. */
	if (EVP_EncryptInit_ex2(d->aes, NULL, key, rc_zero, NULL) != 1)
		return -EIO;
	/* tor-spec.txt §5.2.1: Df/Db "seed the integrity-checking hash", i.e.
	 * the running digest starts by hashing them (tor's relay_crypto_init()). */
	SHA1_Init(&d->digest);
	SHA1_Update(&d->digest, seed, RC_HASH_LEN);
	return 0;
}

int
dp_rc_set_keys(struct dp_relay_crypto *rc, const uint8_t keys[DP_RC_KEYS_LEN])
{
	if (rc_dir_set_key(&rc->fwd, keys + DP_RC_OFF_KF, keys + DP_RC_OFF_DF) != 0 ||
	    rc_dir_set_key(&rc->bwd, keys + DP_RC_OFF_KB, keys + DP_RC_OFF_DB) != 0) {
		dp_rc_wipe(rc);
		return -EIO;
	}
	return 0;
}

/* Replace the key schedule of @p d with the zero key's; wipe its digest. */
static void
rc_dir_wipe(struct dp_rc_dir *d)
{
	/* Re-keying in place is the allocation-free way to overwrite the key
	 * schedule held by the provider context; it cannot fail on a context
	 * that dp_rc_alloc() initialised. */
	if (d->aes != NULL)
		(void)EVP_EncryptInit_ex2(d->aes, NULL, rc_zero, rc_zero, NULL);
	OPENSSL_cleanse(&d->digest, sizeof(d->digest));
}

void
dp_rc_wipe(struct dp_relay_crypto *rc)
{
	rc_dir_wipe(&rc->fwd);
	rc_dir_wipe(&rc->bwd);
}

void
dp_rc_crypt(struct dp_rc_dir *d, uint8_t payload[DP_RC_PAYLOAD_LEN])
{
	int outl;

	/* tor-spec.txt §5.5: encryption and decryption are the same XOR with
	 * the direction's keystream. In-place is allowed for a stream cipher,
	 * and EVP_EncryptUpdate() cannot fail on an initialised CTR context
	 * with a small positive length, so the result is not checked. */
	(void)EVP_EncryptUpdate(d->aes, payload, &outl, payload, DP_RC_PAYLOAD_LEN);
}

/* Write the first 4 bytes of the digest of @p st into @p out, leaving @p st
 * running (tor's crypto_digest_get_digest() also finalises a copy). */
static void
rc_digest_peek(const SHA_CTX *st, uint8_t out[RC_DIGEST_FIELD_LEN])
{
	SHA_CTX fin = *st;
	uint8_t md[RC_HASH_LEN];

	SHA1_Final(md, &fin);
	memcpy(out, md, RC_DIGEST_FIELD_LEN);
	OPENSSL_cleanse(md, sizeof(md));
	OPENSSL_cleanse(&fin, sizeof(fin));
}

void
dp_rc_digest_set(struct dp_rc_dir *d, uint8_t payload[DP_RC_PAYLOAD_LEN])
{
	/* tor-spec.txt §6.1: the digest covers the whole payload, padding
	 * included, with the digest field zero (the caller wrote it so). */
	SHA1_Update(&d->digest, payload, DP_RC_PAYLOAD_LEN);
	rc_digest_peek(&d->digest, payload + WIRE_RELAY_OFF_DIGEST);
}

bool
dp_rc_digest_check(struct dp_rc_dir *d, uint8_t payload[DP_RC_PAYLOAD_LEN])
{
	uint8_t *field = payload + WIRE_RELAY_OFF_DIGEST;
	uint8_t got[RC_DIGEST_FIELD_LEN];
	uint8_t want[RC_DIGEST_FIELD_LEN];
	SHA_CTX tent;
	bool match;

	/* tor-spec.txt §6.1: 'recognized' is non-zero for a cell still under
	 * another hop's layer (P = 2^-16 of being zero by accident); only a
	 * zero one is worth a digest. */
	if (payload[WIRE_RELAY_OFF_RECOGNIZED] != 0 || payload[WIRE_RELAY_OFF_RECOGNIZED + 1] != 0)
		return false;

	/* Digest a copy of the running state over the payload with the digest
	 * field zeroed, then put the field back: the payload leaves as it came. */
	memcpy(got, field, sizeof(got));
	memset(field, 0, sizeof(got));
	tent = d->digest;
	SHA1_Update(&tent, payload, DP_RC_PAYLOAD_LEN);
	memcpy(field, got, sizeof(got));
	rc_digest_peek(&tent, want);

	/* "If the digest is correct, the cell is considered recognized"; if not,
	 * "the running digest at that node should not be updated". */
	match = CRYPTO_memcmp(got, want, sizeof(got)) == 0;
	if (match)
		d->digest = tent;
	OPENSSL_cleanse(&tent, sizeof(tent));
	OPENSSL_cleanse(want, sizeof(want));
	return match;
}
