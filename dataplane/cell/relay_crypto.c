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
 * The AES stream of a direction is counter mode with IV 0 (NIST SP 800-38A
 * §6.5, the counter block incremented as one 128-bit big-endian integer, as
 * OpenSSL's and so tor's crypto_cipher_t do), and every dp_rc_crypt()
 * continues it: cell n of a direction uses keystream bytes 509n .. 509n+508
 * (the counter is never reset per cell). 509 is not a multiple of 16, so the
 * unused bytes of the last block made wait in the direction for the next
 * cell.
 *
 * Two implementations of that stream, chosen once by dp_rc_lib_init():
 *
 * - AES-NI (x86 with AES and SSE4.1): the key schedule, counter and
 *   leftover keystream are inline in struct dp_rc_dir, and this file runs
 *   AESENC itself, 8 blocks in flight. Why: with an EVP_CIPHER_CTX per
 *   direction a cell followed three dependent pointers (context, provider
 *   context, key schedule) into the 4 heap blocks (1280 bytes) of each
 *   circuit, and with many circuits each was a cache and TLB miss.
 *   Measured with chive-bench-crypto on an AMD EPYC (OpenSSL 3.0.19), ns
 *   per forwarded cell at 1 / 1k / 64k circuits: EVP 88 / 101 / 570,
 *   inline AES-NI 64 / 72 / 250. The circuit has no heap any more.
 * - Fallback, any other CPU: one EVP_CIPHER_CTX per direction, initialised
 *   once with IV 0. Re-keying without allocation: EVP_EncryptInit_ex2()
 *   with a NULL cipher on a context that already has one keeps the
 *   context's cipher and provider context (OpenSSL 3.0
 *   crypto/evp/evp_enc.c, evp_cipher_init_internal(): the ENGINE lookup and
 *   EVP_CIPHER_CTX_reset() run only when a cipher is passed, and newctx()
 *   only when there is no algctx) and calls the provider's einit with the
 *   new key and IV, which resets the CTR state. Measured here on OpenSSL
 *   3.0.19: 1000 re-key-and-encrypt rounds made no allocation through
 *   CRYPTO_set_mem_functions(), and the keystream equals a fresh context's.
 *
 * A direction knows its path by its evp pointer, so a lib forced to the
 * fallback (tests) and a default one can coexist in one process.
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
#include <stddef.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#if defined(__x86_64__)
#include <immintrin.h>
#define RC_HAVE_NI 1
#else
#define RC_HAVE_NI 0
#endif

#include "common/wire/wire_relay.h"
#include "dataplane/cell/relay_crypto.h"
#include "dataplane/cell/relay_crypto_int.h"

/* AES-128 key and block sizes (tor-spec.txt §0.3: KEY_LEN = 16). */
#define RC_KEY_LEN DP_RC_AES_KEY_LEN
#define RC_IV_LEN DP_RC_AES_BLOCK_LEN
#define RC_BLOCK_LEN DP_RC_AES_BLOCK_LEN
/* HASH_LEN (tor-spec.txt §0.3) and the 4 bytes of it a relay cell carries. */
#define RC_HASH_LEN SHA_DIGEST_LENGTH
#define RC_DIGEST_FIELD_LEN 4
/* Blocks the AES-NI path keeps in flight: AESENC's latency (4 cycles on
 * recent x86) times the 1-2 issued per cycle; 8 also leaves room in the 16
 * XMM registers for the round key, so nothing is spilled to the stack. */
#define RC_NI_BATCH 8
#define RC_NI_BATCH_LEN (RC_NI_BATCH * RC_BLOCK_LEN)

_Static_assert(DP_RC_PAYLOAD_LEN == WIRE_RELAY_PAYLOAD_LEN, "relay payload is a cell payload");
_Static_assert(DP_RC_OFF_DB == DP_RC_OFF_DF + RC_HASH_LEN, "§5.2: Df(20) then Db(20)");
_Static_assert(DP_RC_OFF_KF == DP_RC_OFF_DB + RC_HASH_LEN, "§5.2: then Kf(16)");
_Static_assert(DP_RC_OFF_KB == DP_RC_OFF_KF + RC_KEY_LEN, "§5.2: then Kb(16)");
_Static_assert(DP_RC_KEYS_LEN == DP_RC_OFF_KB + RC_KEY_LEN, "§5.2: 72 bytes in all");
_Static_assert(offsetof(struct dp_rc_dir, rk) % 16 == 0 && _Alignof(struct dp_rc_dir) >= 16,
	       "round keys are aligned for MOVDQA and AESENC memory operands");

/* tor-spec.txt §0.3: "with an IV of all 0 bytes". Also the placeholder key
 * of a context that holds no circuit's key. */
static const uint8_t rc_zero[RC_IV_LEN];

/* ---- AES-NI ----
 *
 * These functions use AES and SSE4.1 instructions and run only for
 * directions made by a lib that found both (dp_rc_lib_init()). The target
 * attribute, not -maes, confines the instructions to them: relay_crypto.c
 * is compiled in three places (dataplane, tools/module.mk, tests/fuzz) and
 * the rest of the file, the EVP fallback included, must run on any x86-64.
 * The key schedule never leaves the direction: round keys are read from
 * it as memory operands, and no keystream block beyond the request is
 * written anywhere (an unused block of a last batch stays in a register).
 */
#if RC_HAVE_NI
#define RC_NI_FN static __attribute__((target("aes,sse4.1")))
#define RC_NI_INLINE static inline __attribute__((target("aes,sse4.1"), always_inline))

/* One step of the AES-128 key expansion (FIPS-197 §5.2, four words at a
 * time; the shape of Intel's AES-NI white paper, AES_128_Key_Expansion):
 * @p a is AESKEYGENASSIST of the previous round key with this round's Rcon. */
RC_NI_INLINE __m128i
rc_ni_key_step(__m128i k, __m128i a)
{
	a = _mm_shuffle_epi32(a, 0xff);
	k = _mm_xor_si128(k, _mm_slli_si128(k, 4));
	k = _mm_xor_si128(k, _mm_slli_si128(k, 4));
	k = _mm_xor_si128(k, _mm_slli_si128(k, 4));
	return _mm_xor_si128(k, a);
}

/* AESKEYGENASSIST takes Rcon as an immediate, hence a macro per round. */
#define RC_NI_EXPAND(i, rcon)                                                                      \
	do {                                                                                       \
		k = rc_ni_key_step(k, _mm_aeskeygenassist_si128(k, (rcon)));                       \
		_mm_store_si128((void *)d->rk[(i)], k);                                            \
	} while (0)

/* Expand @p key into the encryption key schedule of @p d. */
RC_NI_FN void
rc_ni_set_key(struct dp_rc_dir *d, const uint8_t key[RC_KEY_LEN])
{
	__m128i k = _mm_loadu_si128((const void *)key);

	_mm_store_si128((void *)d->rk[0], k);
	RC_NI_EXPAND(1, 0x01);
	RC_NI_EXPAND(2, 0x02);
	RC_NI_EXPAND(3, 0x04);
	RC_NI_EXPAND(4, 0x08);
	RC_NI_EXPAND(5, 0x10);
	RC_NI_EXPAND(6, 0x20);
	RC_NI_EXPAND(7, 0x40);
	RC_NI_EXPAND(8, 0x80);
	RC_NI_EXPAND(9, 0x1b);
	RC_NI_EXPAND(10, 0x36);
}
#undef RC_NI_EXPAND

/* Round key @p r of @p d (aligned: the compiler may fold it into AESENC). */
RC_NI_INLINE __m128i
rc_ni_rk(const struct dp_rc_dir *d, int r)
{
	return _mm_load_si128((const void *)d->rk[r]);
}

/* XOR keystream block @p ks, which covers bytes @p off .. @p off + 15 of the
 * request @p p[0 .. len), into what of them the request has. A block cut by
 * the end of the request is kept in @p d with its unused tail counted. */
RC_NI_INLINE void
rc_ni_out(struct dp_rc_dir *d, uint8_t *p, size_t len, size_t off, __m128i ks)
{
	if (off + RC_BLOCK_LEN <= len) {
		__m128i x = _mm_loadu_si128((const void *)(p + off));

		_mm_storeu_si128((void *)(p + off), _mm_xor_si128(x, ks));
	} else if (off < len) {
		size_t n = len - off;

		_mm_storeu_si128((void *)d->ks, ks);
		for (size_t i = 0; i < n; i++) /* at most 15 */
			p[off + i] ^= d->ks[i];
		d->ks_left = (uint8_t)(RC_BLOCK_LEN - n);
	}
}

/* The counter (hi:lo) + @p i, a 128-bit add, as a little-endian integer. */
RC_NI_INLINE __m128i
rc_ni_ctr_at(uint64_t hi, uint64_t lo, uint64_t i)
{
	return _mm_set_epi64x((long long)(hi + (lo + i < lo)), (long long)(lo + i));
}

/* One batch: the keystream of counters (hi:lo) .. (hi:lo) + 7 into
 * p[0 .. len), len <= 128, starting at a block boundary. Inlined twice:
 * with len = 128 (every block whole: no branch survives) and for the last,
 * short batch of a request, whose blocks past len are computed and dropped
 * (a 509-byte cell's last batch needs 7 or 8). */
RC_NI_INLINE void
rc_ni_batch(struct dp_rc_dir *d, uint64_t hi, uint64_t lo, uint8_t *p, size_t len)
{
	/* PSHUFB mask turning a little-endian 128-bit integer into the
	 * big-endian counter block of NIST SP 800-38A. */
	const __m128i bswap = _mm_set_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
	const __m128i one = _mm_set_epi64x(0, 1);
	__m128i b0, b1, b2, b3, b4, b5, b6, b7, k;

	if (__builtin_expect(lo <= UINT64_MAX - (RC_NI_BATCH - 1), 1)) {
		/* No carry into the high half within the batch: 64-bit adds. */
		b0 = _mm_set_epi64x((long long)hi, (long long)lo);
		b1 = _mm_add_epi64(b0, one);
		b2 = _mm_add_epi64(b1, one);
		b3 = _mm_add_epi64(b2, one);
		b4 = _mm_add_epi64(b3, one);
		b5 = _mm_add_epi64(b4, one);
		b6 = _mm_add_epi64(b5, one);
		b7 = _mm_add_epi64(b6, one);
	} else {
		/* The low 64 bits wrap inside this batch: carry by hand. A tor1
		 * stream (IV 0) would need 2^68 bytes to get here; a test IV can. */
		b0 = rc_ni_ctr_at(hi, lo, 0);
		b1 = rc_ni_ctr_at(hi, lo, 1);
		b2 = rc_ni_ctr_at(hi, lo, 2);
		b3 = rc_ni_ctr_at(hi, lo, 3);
		b4 = rc_ni_ctr_at(hi, lo, 4);
		b5 = rc_ni_ctr_at(hi, lo, 5);
		b6 = rc_ni_ctr_at(hi, lo, 6);
		b7 = rc_ni_ctr_at(hi, lo, 7);
	}
	k = rc_ni_rk(d, 0);
	b0 = _mm_xor_si128(_mm_shuffle_epi8(b0, bswap), k);
	b1 = _mm_xor_si128(_mm_shuffle_epi8(b1, bswap), k);
	b2 = _mm_xor_si128(_mm_shuffle_epi8(b2, bswap), k);
	b3 = _mm_xor_si128(_mm_shuffle_epi8(b3, bswap), k);
	b4 = _mm_xor_si128(_mm_shuffle_epi8(b4, bswap), k);
	b5 = _mm_xor_si128(_mm_shuffle_epi8(b5, bswap), k);
	b6 = _mm_xor_si128(_mm_shuffle_epi8(b6, bswap), k);
	b7 = _mm_xor_si128(_mm_shuffle_epi8(b7, bswap), k);
	for (int r = 1; r < DP_RC_AES_ROUNDS; r++) { /* 9 rounds of 8 independent AESENC */
		k = rc_ni_rk(d, r);
		b0 = _mm_aesenc_si128(b0, k);
		b1 = _mm_aesenc_si128(b1, k);
		b2 = _mm_aesenc_si128(b2, k);
		b3 = _mm_aesenc_si128(b3, k);
		b4 = _mm_aesenc_si128(b4, k);
		b5 = _mm_aesenc_si128(b5, k);
		b6 = _mm_aesenc_si128(b6, k);
		b7 = _mm_aesenc_si128(b7, k);
	}
	k = rc_ni_rk(d, DP_RC_AES_ROUNDS);
	rc_ni_out(d, p, len, 0 * RC_BLOCK_LEN, _mm_aesenclast_si128(b0, k));
	rc_ni_out(d, p, len, 1 * RC_BLOCK_LEN, _mm_aesenclast_si128(b1, k));
	rc_ni_out(d, p, len, 2 * RC_BLOCK_LEN, _mm_aesenclast_si128(b2, k));
	rc_ni_out(d, p, len, 3 * RC_BLOCK_LEN, _mm_aesenclast_si128(b3, k));
	rc_ni_out(d, p, len, 4 * RC_BLOCK_LEN, _mm_aesenclast_si128(b4, k));
	rc_ni_out(d, p, len, 5 * RC_BLOCK_LEN, _mm_aesenclast_si128(b5, k));
	rc_ni_out(d, p, len, 6 * RC_BLOCK_LEN, _mm_aesenclast_si128(b6, k));
	rc_ni_out(d, p, len, 7 * RC_BLOCK_LEN, _mm_aesenclast_si128(b7, k));
}

/* AES-128-CTR over p[0 .. len), continuing the stream of @p d. Work:
 * len / 128 + 1 batches of 8 blocks, and at most 15 leftover bytes. */
RC_NI_FN void
rc_ni_crypt(struct dp_rc_dir *d, uint8_t *p, size_t len)
{
	uint64_t hi, lo;

	/* First the tail of the last block made (509 is not a block multiple). */
	if (d->ks_left != 0) {
		const uint8_t *ks = d->ks + RC_BLOCK_LEN - d->ks_left;
		size_t n = len < d->ks_left ? len : d->ks_left;

		for (size_t i = 0; i < n; i++)
			p[i] ^= ks[i];
		d->ks_left = (uint8_t)(d->ks_left - n);
		p += n;
		len -= n;
	}
	if (len == 0)
		return;
	memcpy(&hi, d->ctr, sizeof(hi));
	memcpy(&lo, d->ctr + sizeof(hi), sizeof(lo));
	hi = __builtin_bswap64(hi);
	lo = __builtin_bswap64(lo);
	while (len >= RC_NI_BATCH_LEN) {
		rc_ni_batch(d, hi, lo, p, RC_NI_BATCH_LEN);
		lo += RC_NI_BATCH;
		hi += lo < RC_NI_BATCH;
		p += RC_NI_BATCH_LEN;
		len -= RC_NI_BATCH_LEN;
	}
	if (len != 0) {
		uint64_t nb = (len + RC_BLOCK_LEN - 1) / RC_BLOCK_LEN;

		rc_ni_batch(d, hi, lo, p, len);
		lo += nb;
		hi += lo < nb;
	}
	hi = __builtin_bswap64(hi);
	lo = __builtin_bswap64(lo);
	memcpy(d->ctr, &hi, sizeof(hi));
	memcpy(d->ctr + sizeof(hi), &lo, sizeof(lo));
}

static bool
rc_ni_supported(void)
{
	__builtin_cpu_init(); /* idempotent; needed if we run before constructors */
	return __builtin_cpu_supports("aes") && __builtin_cpu_supports("sse4.1");
}
#else  /* !RC_HAVE_NI */
static void
rc_ni_set_key(struct dp_rc_dir *d, const uint8_t key[RC_KEY_LEN])
{
	(void)d;
	(void)key;
}

static void
rc_ni_crypt(struct dp_rc_dir *d, uint8_t *p, size_t len)
{
	(void)d;
	(void)p;
	(void)len;
}

static bool
rc_ni_supported(void)
{
	return false;
}
#endif /* RC_HAVE_NI */

/* ---- library, life cycle, keys ---- */

int
dp_rc_lib_init(struct dp_rc_lib *lib, OSSL_LIB_CTX *libctx)
{
	/* The cipher is fetched on both paths: it is the fallback of a lib a
	 * test forces off AES-NI, and the mark of an initialised lib. */
	lib->aes128ctr = EVP_CIPHER_fetch(libctx, "AES-128-CTR", NULL);
	lib->aesni = rc_ni_supported();
	return lib->aes128ctr != NULL ? 0 : -ENOTSUP;
}

void
dp_rc_lib_fini(struct dp_rc_lib *lib)
{
	EVP_CIPHER_free(lib->aes128ctr);
	lib->aes128ctr = NULL;
	lib->aesni = false;
}

/* Give @p d a context bound to AES-128-CTR with a zero key and IV. */
static int
rc_dir_alloc_evp(const struct dp_rc_lib *lib, struct dp_rc_dir *d)
{
	d->evp = EVP_CIPHER_CTX_new();
	if (d->evp == NULL)
		return -ENOMEM;
	if (EVP_EncryptInit_ex2(d->evp, lib->aes128ctr, rc_zero, rc_zero, NULL) != 1)
		return -ENOMEM;
	return 0;
}

int
dp_rc_alloc(const struct dp_rc_lib *lib, struct dp_relay_crypto *rc)
{
	memset(rc, 0, sizeof(*rc));
	if (lib->aes128ctr == NULL)
		return -EINVAL;
	/* AES-NI: the zeroed inline state is all a direction needs until
	 * dp_rc_set_keys(). */
	if (!lib->aesni &&
	    (rc_dir_alloc_evp(lib, &rc->fwd) != 0 || rc_dir_alloc_evp(lib, &rc->bwd) != 0)) {
		dp_rc_free(rc);
		return -ENOMEM;
	}
	SHA1_Init(&rc->fwd.digest);
	SHA1_Init(&rc->bwd.digest);
	return 0;
}

void
dp_rc_free(struct dp_relay_crypto *rc)
{
	dp_rc_wipe(rc);
	EVP_CIPHER_CTX_free(rc->fwd.evp);
	EVP_CIPHER_CTX_free(rc->bwd.evp);
	rc->fwd.evp = NULL;
	rc->bwd.evp = NULL;
}

int
dp_rc_dir_set_key_iv(struct dp_rc_dir *d, const uint8_t key[RC_KEY_LEN],
		     const uint8_t iv[RC_IV_LEN])
{
	if (d->evp != NULL) {
		/* Cipher NULL: reuse the context's cipher and provider context
		 * (see the file comment); no allocation. */
		return EVP_EncryptInit_ex2(d->evp, NULL, key, iv, NULL) == 1 ? 0 : -EIO;
	}
	rc_ni_set_key(d, key);
	memcpy(d->ctr, iv, RC_IV_LEN);
	/* No keystream is pending; the old key's last block is overwritten. */
	memset(d->ks, 0, sizeof(d->ks));
	d->ks_left = 0;
	return 0;
}

/* Key one direction: AES from counter 0 with IV 0, digest seeded with @p seed. */
static int
rc_dir_set_key(struct dp_rc_dir *d, const uint8_t *key, const uint8_t *seed)
{
	if (dp_rc_dir_set_key_iv(d, key, rc_zero) != 0)
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

/* Wipe the AES state and digest of @p d: inline key schedule, counter and
 * keystream to zero; an EVP context re-keyed with the zero key. */
static void
rc_dir_wipe(struct dp_rc_dir *d)
{
	OPENSSL_cleanse(d->rk, sizeof(d->rk));
	OPENSSL_cleanse(d->ctr, sizeof(d->ctr));
	OPENSSL_cleanse(d->ks, sizeof(d->ks));
	d->ks_left = 0;
	/* Re-keying in place is the allocation-free way to overwrite the key
	 * schedule held by the provider context; it cannot fail on a context
	 * that dp_rc_alloc() initialised. */
	if (d->evp != NULL)
		(void)EVP_EncryptInit_ex2(d->evp, NULL, rc_zero, rc_zero, NULL);
	OPENSSL_cleanse(&d->digest, sizeof(d->digest));
}

void
dp_rc_wipe(struct dp_relay_crypto *rc)
{
	rc_dir_wipe(&rc->fwd);
	rc_dir_wipe(&rc->bwd);
}

/* ---- the stream ---- */

void
dp_rc_dir_crypt(struct dp_rc_dir *d, uint8_t *buf, size_t len)
{
	int outl;

	if (d->evp == NULL) {
		rc_ni_crypt(d, buf, len);
		return;
	}
	/* In-place is allowed for a stream cipher, and EVP_EncryptUpdate()
	 * cannot fail on an initialised CTR context with a positive length, so
	 * the result is not checked. It takes an int: feed it 1 GiB at a time. */
	while (len > 0) {
		int n = len > (1u << 30) ? (1 << 30) : (int)len;

		(void)EVP_EncryptUpdate(d->evp, buf, &outl, buf, n);
		buf += n;
		len -= (size_t)n;
	}
}

void
dp_rc_crypt(struct dp_rc_dir *d, uint8_t payload[DP_RC_PAYLOAD_LEN])
{
	/* tor-spec.txt §5.5: encryption and decryption are the same XOR with
	 * the direction's keystream, continued from the previous cell. */
	dp_rc_dir_crypt(d, payload, DP_RC_PAYLOAD_LEN);
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
