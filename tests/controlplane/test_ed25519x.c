/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief CUnit suite "controlplane/ed25519x": Ed25519 from expanded secret keys.
 *
 * Expected values come from outside the code under test:
 *  - RFC 8032 §7.1 TEST 1, 2, 3 and 1024 (seed, public key, message, signature);
 *  - tor's src/test/ed25519_vectors.inc (seeds, tor's expanded secret keys,
 *    public keys, self-signatures, blinded expanded keys and their public
 *    keys, and the X25519 public keys of the expanded scalars);
 *  - OpenSSL: EVP_PKEY_ED25519 signing from the same seeds (Ed25519 is
 *    deterministic, so signatures must be byte-identical), X25519 public
 *    keys, SHA-512, and BIGNUM arithmetic mod p for the birational map
 *    u = (1 + y) / (1 - y) from Edwards y to Montgomery u.
 * Random inputs come from a fixed-seed generator, so every run is the same.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <openssl/bn.h>
#include <openssl/evp.h>

#include "common/base/compiler.h"
#include "controlplane/crypto/ed25519x.h"
#include "tests/suites.h"

/* Number of random seeds compared against OpenSSL. */
#define N_RANDOM_SEEDS 200
/* Number of random curve25519 secrets checked against OpenSSL's X25519. */
#define N_RANDOM_X25519 32

/* ---- helpers ---- */

/* Decode @p n bytes of hex from @p hex (exactly 2n digits) into @p out. */
static void
unhex(uint8_t *out, size_t n, const char *hex)
{
	size_t i;

	CU_ASSERT_EQUAL_FATAL(strlen(hex), 2 * n);
	for (i = 0; i < n; i++) {
		unsigned int v;

		CU_ASSERT_EQUAL_FATAL(sscanf(hex + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
}

/* splitmix64: a small fixed-seed generator for reproducible test inputs. */
static uint64_t
rng_next(uint64_t *state)
{
	uint64_t z = (*state += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static void
rng_fill(uint64_t *state, uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)rng_next(state);
}

/* Sign with OpenSSL from an RFC 8032 seed; also return its public key. */
static bool
ossl_sign(uint8_t sig[64], uint8_t pub[32], const uint8_t seed[32], const uint8_t *msg, size_t len)
{
	EVP_PKEY *pkey = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed, 32);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	size_t siglen = 64, publen = 32;
	bool ok;

	ok = pkey != NULL && ctx != NULL &&
	     EVP_DigestSignInit_ex(ctx, NULL, NULL, NULL, NULL, pkey, NULL) == 1 &&
	     EVP_DigestSign(ctx, sig, &siglen, msg, len) == 1 && siglen == 64 &&
	     EVP_PKEY_get_raw_public_key(pkey, pub, &publen) == 1 && publen == 32;
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(pkey);
	return ok;
}

/* Verify with OpenSSL alone, to show which inputs only our extra checks refuse. */
static bool
ossl_verify(const uint8_t sig[64], const uint8_t *msg, size_t len, const uint8_t pub[32])
{
	EVP_PKEY *pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub, 32);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	bool ok;

	ok = pkey != NULL && ctx != NULL &&
	     EVP_DigestVerifyInit_ex(ctx, NULL, NULL, NULL, NULL, pkey, NULL) == 1 &&
	     EVP_DigestVerify(ctx, sig, 64, msg, len) == 1;
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(pkey);
	return ok;
}

/* The X25519 public key of @p sec, computed by OpenSSL. */
static bool
ossl_x25519_pub(uint8_t pub[32], const uint8_t sec[32])
{
	EVP_PKEY *pkey = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, NULL, sec, 32);
	size_t publen = 32;
	bool ok;

	ok = pkey != NULL && EVP_PKEY_get_raw_public_key(pkey, pub, &publen) == 1 && publen == 32;
	EVP_PKEY_free(pkey);
	return ok;
}

/* SHA-512 of a | b by OpenSSL. */
static bool
ossl_sha512(uint8_t out[64], const void *a, size_t alen, const void *b, size_t blen)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	bool ok;

	ok = ctx != NULL && EVP_DigestInit_ex(ctx, EVP_sha512(), NULL) == 1 &&
	     EVP_DigestUpdate(ctx, a, alen) == 1 &&
	     (blen == 0 || EVP_DigestUpdate(ctx, b, blen) == 1) &&
	     EVP_DigestFinal_ex(ctx, out, NULL) == 1;
	EVP_MD_CTX_free(ctx);
	return ok;
}

/* RFC 8032 §5.1.5 / RFC 7748 §5 clamping, written out for the tests. */
static void
clamp(uint8_t a[32])
{
	a[0] &= 0xf8;
	a[31] &= 0x7f;
	a[31] |= 0x40;
}

/* 32 bytes little-endian <-> BIGNUM (BN_lebin2bn / BN_bn2lebinpad). */
static BIGNUM *
bn_le(const uint8_t b[32])
{
	return BN_lebin2bn(b, 32, NULL);
}

/*
 * Montgomery u of the Edwards point encoded in @p pub (RFC 7748 §4.1:
 * u = (1 + y) / (1 - y) mod p), little-endian. Computed with BIGNUM, outside
 * the code under test.
 */
static bool
edwards_to_montgomery_u(uint8_t u_out[32], const uint8_t pub[32])
{
	uint8_t yb[32];
	BN_CTX *bc = BN_CTX_new();
	BIGNUM *p = BN_new(), *y, *num = BN_new(), *den = BN_new(), *u = BN_new();
	bool ok;

	memcpy(yb, pub, 32);
	yb[31] &= 0x7f;
	y = bn_le(yb);
	ok = bc != NULL && p != NULL && y != NULL && num != NULL && den != NULL && u != NULL &&
	     BN_set_bit(p, 255) && BN_sub_word(p, 19) &&	/* p = 2^255 - 19 */
	     BN_copy(num, y) && BN_add_word(num, 1) &&		/* 1 + y */
	     BN_one(den) && BN_mod_sub(den, den, y, p, bc) &&	/* 1 - y */
	     BN_mod_inverse(den, den, p, bc) != NULL && BN_mod_mul(u, num, den, p, bc) &&
	     BN_bn2lebinpad(u, u_out, 32) == 32;
	BN_free(p);
	BN_free(y);
	BN_free(num);
	BN_free(den);
	BN_free(u);
	BN_CTX_free(bc);
	return ok;
}

/* L = 2^252 + 27742317777372353535851937790883648493, little-endian. */
static const uint8_t group_order[32] = {
	0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58,
	0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
};

/* out = a + b for 32-byte little-endian numbers; returns the carry out. */
static unsigned int
add256(uint8_t out[32], const uint8_t a[32], const uint8_t b[32])
{
	unsigned int c = 0;
	int i;

	for (i = 0; i < 32; i++) {
		c += (unsigned int)a[i] + b[i];
		out[i] = (uint8_t)c;
		c >>= 8;
	}
	return c;
}

/* ---- RFC 8032 §7.1 ---- */

struct rfc_vector {
	const char *seed;
	const char *pub;
	const char *msg;
	const char *sig;
};

static const struct rfc_vector rfc_test1 = {
	"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
	"d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
	"",
	"e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
	"5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
};

static const struct rfc_vector rfc_test2 = {
	"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
	"3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
	"72",
	"92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
	"085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
};

static const struct rfc_vector rfc_test3 = {
	"c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
	"fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
	"af82",
	"6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
	"18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a",
};

/* TEST 1024: the message is 1023 bytes. */
static const struct rfc_vector rfc_test1024 = {
	"f5e5767cf153319517630f226876b86c8160cc583bc013744c6bf255f5cc0ee5",
	"278117fc144c72340f67d0f2316e8386ceffbf2b2428c9c51fef7c597f1d426e",
	"08b8b2b733424243760fe426a4b54908632110a66c2f6591eabd3345e3e4eb98"
	"fa6e264bf09efe12ee50f8f54e9f77b1e355f6c50544e23fb1433ddf73be84d8"
	"79de7c0046dc4996d9e773f4bc9efe5738829adb26c81b37c93a1b270b20329d"
	"658675fc6ea534e0810a4432826bf58c941efb65d57a338bbd2e26640f89ffbc"
	"1a858efcb8550ee3a5e1998bd177e93a7363c344fe6b199ee5d02e82d522c4fe"
	"ba15452f80288a821a579116ec6dad2b3b310da903401aa62100ab5d1a36553e"
	"06203b33890cc9b832f79ef80560ccb9a39ce767967ed628c6ad573cb116dbef"
	"efd75499da96bd68a8a97b928a8bbc103b6621fcde2beca1231d206be6cd9ec7"
	"aff6f6c94fcd7204ed3455c68c83f4a41da4af2b74ef5c53f1d8ac70bdcb7ed1"
	"85ce81bd84359d44254d95629e9855a94a7c1958d1f8ada5d0532ed8a5aa3fb2"
	"d17ba70eb6248e594e1a2297acbbb39d502f1a8c6eb6f1ce22b3de1a1f40cc24"
	"554119a831a9aad6079cad88425de6bde1a9187ebb6092cf67bf2b13fd65f270"
	"88d78b7e883c8759d2c4f5c65adb7553878ad575f9fad878e80a0c9ba63bcbcc"
	"2732e69485bbc9c90bfbd62481d9089beccf80cfe2df16a2cf65bd92dd597b07"
	"07e0917af48bbb75fed413d238f5555a7a569d80c3414a8d0859dc65a46128ba"
	"b27af87a71314f318c782b23ebfe808b82b0ce26401d2e22f04d83d1255dc51a"
	"ddd3b75a2b1ae0784504df543af8969be3ea7082ff7fc9888c144da2af58429e"
	"c96031dbcad3dad9af0dcbaaaf268cb8fcffead94f3c7ca495e056a9b47acdb7"
	"51fb73e666c6c655ade8297297d07ad1ba5e43f1bca32301651339e22904cc8c"
	"42f58c30c04aafdb038dda0847dd988dcda6f3bfd15c4b4c4525004aa06eeff8"
	"ca61783aacec57fb3d1f92b0fe2fd1a85f6724517b65e614ad6808d6f6ee34df"
	"f7310fdc82aebfd904b01e1dc54b2927094b2db68d6f903b68401adebf5a7e08"
	"d78ff4ef5d63653a65040cf9bfd4aca7984a74d37145986780fc0b16ac451649"
	"de6188a7dbdf191f64b5fc5e2ab47b57f7f7276cd419c17a3ca8e1b939ae49e4"
	"88acba6b965610b5480109c8b17b80e1b7b750dfc7598d5d5011fd2dcc5600a3"
	"2ef5b52a1ecc820e308aa342721aac0943bf6686b64b2579376504ccc493d97e"
	"6aed3fb0f9cd71a43dd497f01f17c0e2cb3797aa2a2f256656168e6c496afc5f"
	"b93246f6b1116398a346f1a641f3b041e989f7914f90cc2c7fff357876e506b5"
	"0d334ba77c225bc307ba537152f3f1610e4eafe595f6d9d90d11faa933a15ef1"
	"369546868a7f3a45a96768d40fd9d03412c091c6315cf4fde7cb68606937380d"
	"b2eaaa707b4c4185c32eddcdd306705e4dc1ffc872eeee475a64dfac86aba41c"
	"0618983f8741c5ef68d3a101e8a3b8cac60c905c15fc910840b94c00a0b9d0",
	"0aab4c900501b3e24d7cdf4663326a3a87df5e4843b2cbdb67cbf6e460fec350"
	"aa5371b1508f9f4528ecea23c436d94b5e8fcd4f681e30a6ac00a9704a188a03",
};

/* Run one RFC 8032 vector through from_seed, sign and verify. */
static void
check_rfc_vector(const struct rfc_vector *v, size_t msg_len)
{
	static uint8_t msg[1024];
	uint8_t seed[32], pub[32], want[64], sig[64];
	struct cp_ed25519_key k;

	CU_ASSERT_FATAL(msg_len <= sizeof(msg));
	unhex(seed, 32, v->seed);
	unhex(pub, 32, v->pub);
	unhex(msg, msg_len, v->msg);
	unhex(want, 64, v->sig);

	CU_ASSERT_EQUAL_FATAL(cp_ed25519_from_seed(&k, seed), 0);
	CU_ASSERT_EQUAL(memcmp(k.pub, pub, 32), 0);
	CU_ASSERT_EQUAL_FATAL(cp_ed25519_sign(sig, msg, msg_len, &k), 0);
	CU_ASSERT_EQUAL(memcmp(sig, want, 64), 0);
	CU_ASSERT_TRUE(cp_ed25519_verify(sig, msg, msg_len, pub));
	cp_ed25519_wipe(&k);
}

static void
test_ed25519x_rfc8032_test1_empty_message(void)
{
	check_rfc_vector(&rfc_test1, 0);
}

static void
test_ed25519x_rfc8032_test2_one_byte(void)
{
	check_rfc_vector(&rfc_test2, 1);
}

static void
test_ed25519x_rfc8032_test3_two_bytes(void)
{
	check_rfc_vector(&rfc_test3, 2);
}

static void
test_ed25519x_rfc8032_test1024_1023_bytes(void)
{
	check_rfc_vector(&rfc_test1024, 1023);
}

static void
test_ed25519x_sign_empty_message_accepts_null(void)
{
	uint8_t seed[32], a[64], b[64];
	struct cp_ed25519_key k;

	unhex(seed, 32, rfc_test1.seed);
	CU_ASSERT_EQUAL_FATAL(cp_ed25519_from_seed(&k, seed), 0);
	CU_ASSERT_EQUAL(cp_ed25519_sign(a, NULL, 0, &k), 0);
	CU_ASSERT_EQUAL(cp_ed25519_sign(b, (const uint8_t *)"", 0, &k), 0);
	CU_ASSERT_EQUAL(memcmp(a, b, 64), 0);
	CU_ASSERT_TRUE(cp_ed25519_verify(a, NULL, 0, k.pub));
	cp_ed25519_wipe(&k);
}

static void
test_ed25519x_sign_rejects_null_message_with_length(void)
{
	uint8_t seed[32], sig[64], zero[64] = { 0 };
	struct cp_ed25519_key k;

	unhex(seed, 32, rfc_test1.seed);
	CU_ASSERT_EQUAL_FATAL(cp_ed25519_from_seed(&k, seed), 0);
	memset(sig, 0xa5, sizeof(sig));
	CU_ASSERT_EQUAL(cp_ed25519_sign(sig, NULL, 1, &k), -EINVAL);
	CU_ASSERT_EQUAL(memcmp(sig, zero, 64), 0);
	CU_ASSERT_FALSE(cp_ed25519_verify(sig, NULL, 1, k.pub));
	cp_ed25519_wipe(&k);
}

/* ---- tor's src/test/ed25519_vectors.inc ---- */

/* Seeds (ED25519_SECRET_KEYS[0..7]; tor repeats the last one three times). */
static const char *const tor_seeds[] = {
	"26c76712d89d906e6672dafa614c42e5cb1caac8c6568e4d2493087db51f0d36",
	"fba7a5366b5cb98c2667a18783f5cf8f4f8d1a2ce939ad22a6e685edde85128d",
	"67e3aa7a14fac8445d15e45e38a523481a69ae35513c9e4143eb1c2196729a0e",
	"d51385942033a76dc17f089a59e6a5a7fe80d9c526ae8ddd8c3a506b99d3d0a6",
	"5c8eac469bb3f1b85bc7cd893f52dc42a9ab66f1b02b5ce6a68e9b175d3bb433",
	"eda433d483059b6d1ff8b7cfbd0fe406bfb23722c8f3c8252629284573b61b86",
	"4377c40431c30883c5fbd9bc92ae48d1ed8a47b81d13806beac5351739b5533d",
	"c6bbcce615839756aed2cc78b1de13884dd3618f48367a17597a16c1cd7a290b",
};

/* ED25519_EXPANDED_SECRET_KEYS: how tor stores the keys above. */
static const char *const tor_expanded[] = {
	"c0a4de23cc64392d85aa1da82b3defddbea946d13bb053bf8489fa9296281f49"
	"5022f1f7ec0dcf52f07d4c7965c4eaed121d5d88d0a8ff546b06116a20e97755",
	"18a8a69a06790dac778e882f7e868baacfa12521a5c058f5194f3a729184514a"
	"2a656fe7799c3e41f43d756da8d9cd47a061316cfe6147e23ea2f90d1ca45f30",
	"58d84f8862d2ecfa30eb491a81c36d05b574310ea69dae18ecb57e992a896656"
	"b982187ee96c15bf4caeeab2d0b0ae4cd0b8d17470fc7efa98bb26428f4ef36d",
	"50702d20b3550c6e16033db5ad4fba16436f1ecc7485be6af62b0732ceb5d173"
	"c47ccd9d044b6ea99dd99256adcc9c62191be194e7cb1a5b58ddcec85d876a2b",
	"7077464c864c2ed5ed21c9916dc3b3ba6256f8b742fec67658d8d233dadc8d5a"
	"7a82c371083cc86892c2c8782dda2a09b6baf016aec51b689183ae59ce932ff2",
	"8883c1387a6c86fc0bd7b9f157b4e4cd83f6885bf55e2706d2235d4527a2f053"
	"11a3595953282e436df0349e1bb313a19b3ddbf7a7b91ecce8a2c34abadb38b3",
	"186791ac8d03a3ac8efed6ac360467edd5a3bed2d02b3be713ddd5be53b3287e"
	"e37436e5fd7ac43794394507ad440ecfdf59c4c255f19b768a273109e06d7d8e",
	"b003077c1e52a62308eef7950b2d532e1d4a7eea50ad22d8ac11b892851f1c40"
	"ffb9c9ff8dcd0c6c233f665a2e176324d92416bfcfcd1f787424c0c667452d86",
};

/* ED25519_PUBLIC_KEYS */
static const char *const tor_pubs[] = {
	"c2247870536a192d142d056abefca68d6193158e7c1a59c1654c954eccaff894",
	"1519a3b15816a1aafab0b213892026ebf5c0dc232c58b21088d88cb90e9b940d",
	"081faa81992e360ea22c06af1aba096e7a73f1c665bc8b3e4e531c46455fd1dd",
	"73cfa1189a723aad7966137cbffa35140bb40d7e16eae4c40b79b5f0360dd65a",
	"66c1a77104d86461b6f98f73acf3cd229c80624495d2d74d6fda1e940080a96b",
	"d21c294db0e64cb2d8976625786ede1d9754186ae8197a64d72f68c792eecc19",
	"c4d58b4cf85a348ff3d410dd936fa460c4f18da962c01b1963792b9dcc8a6ea6",
	"95126f14d86494020665face03f2d42ee2b312a85bc729903eb17522954a1c4a",
};

/* ED25519_CURVE25519_PUBLIC_KEYS: X25519 public keys of the expanded scalars. */
static const char *const tor_curve_pubs[] = {
	"17ba77846e04c7ee5ca17cade774ac1884408f9701f439d4df32cbd8736c6a1f",
	"022be2124bc1899a78ba2b4167d191af3b59cadf94f0382bc31ce183a117f161",
	"bf4fd38ef22f718f03c0a12ba5127bd1e3afd494793753f519728b29cc577571",
	"56c493e490261cef31633efd2461d2b896908e90459e4eecde950a895aef681d",
	"089675a3e8ff2a7d8b2844a79269c95b7f97a4b8b5ea0cbeec669c6f2dea9b39",
	"59e20dcb691c4a345fe86c8a79ac817e5b514d84bbf0512a842a08e43f7f087e",
	"9e43b820b320eda35f66f122c155b2bf8e2192c468617b7115bf067d19e08369",
	"861f33296cb57f8f01e4a5e8a7e5d5d7043a6247586ab36dea8a1a3c4403ee30",
};

/* ED25519_SELF_SIGNATURES: each public key signed by its own key. */
static const char *const tor_self_sigs[] = {
	"d23188eac3773a316d46006fa59c095060be8b1a23582a0dd99002a82a0662bd"
	"246d8449e172e04c5f46ac0d1404cebe4aabd8a75a1457aa06cae41f3334f104",
	"3a785ac1201c97ee5f6f0d99323960d5f264c7825e61aa7cc81262f15bef75eb"
	"4fa5723add9b9d45b12311b6d403eb3ac79ff8e4e631fc3cd51e4ad2185b200b",
	"cf431fd0416bfbd20c9d95ef9b723e2acddffb33900edc72195dea95965d52d8"
	"88d30b7b8a677c0bd8ae1417b1e1a0ec6700deadd5d8b54b6689275e04a04509",
	"2375380cd72d1a6c642aeddff862be8a5804b916acb72c02d9ed052c1561881a"
	"a658a5af856fcd6d43113e42f698cd6687c99efeef7f2ce045824440d26c5d00",
	"2385a472f599ca965bbe4d610e391cdeabeba9c336694b0d6249e551458280be"
	"122c2441dd9746a81bbfb9cd619364bab0df37ff4ceb7aefd24469c39d3bc508",
	"e500cd0b8cfff35442f88008d894f3a2fa26ef7d3a0ca5714ae0d3e2d40caae5"
	"8ba7cdf69dd126994dad6be536fcda846d89dd8138d1683cc144c8853dce7607",
	"d187b9e334b0050154de10bf69b3e4208a584e1a65015ec28b14bcc252cf84b8"
	"baa9c94867daa60f2a82d09ba9652d41e8dde292b624afc8d2c26441b95e3c0e",
	"815213640a643d198bd056e02bba74e1c8d2d931643e84497adf3347eb485079"
	"c9afe0afce9284cdc084946b561abbb214f1304ca11228ff82702185cf28f60d",
};

/* ED25519_BLINDED_SECRET_KEYS: expanded keys whose scalar is reduced mod L, not clamped. */
static const char *const tor_blinded_secs[] = {
	"293c3acff4e902f6f63ddc5d5caa2a57e771db4f24de65d4c28df3232f47fa01"
	"171d43f24e3f53e70ec7ac280044ac77d4942dee5d6807118a59bdf3ee647e89",
	"38b88f9f9440358da544504ee152fb475528f7c51c285bd1c68b14ade8e29a07"
	"b8ceff20dfcf53eb52b891fc078c934efbf0353af7242e7dc51bb32a093afa29",
	"4d03ce16a3f3249846aac9de0a0075061495c3b027248eeee47da4ddbaf9e004"
	"9217f52e92797462bd890fc274672e05c98f2c82970d640084781334aae0f940",
	"51d7db01aaa0d937a9fd7c8c7381445a14d8fa61f43347af5460d7cd8fda9904"
	"509ecee77082ce088f7c19d5a00e955eeef8df6fa41686abc1030c2d76807733",
	"1f76cab834e222bd2546efa7e073425680ab88df186ff41327d3e40770129b00"
	"b57b95a440570659a440a3e4771465022a8e67af86bdf2d0990c54e7bb87ff9a",
	"c23588c23ee76093419d07b27c6df5922a03ac58f96c53671456a7d1bdbf560e"
	"c492fc87d5ec2a1b185ca5a40541fdef0b1e128fd5c2380c888bfa924711bcab",
	"3ed249c6932d076e1a2f6916975914b14e8c739da00992358b8f37d3e7906506"
	"91b4768f8e556d78f4bdcb9a13b6f6066fe81d3134ae965dc48cd0785b3af2b8",
	"288cbfd923cb286d48c084555b5bdd06c05e92fb81acdb45271367f57515380e"
	"053d9c00c81e1331c06ab50087be8cfc7dc11691b132614474f1aa9c2503cccd",
	"e5cd03eb4cc456e11bc36724b558873df0045729b22d8b748360067a7770ac02"
	"053d9c00c81e1331c06ab50087be8cfc7dc11691b132614474f1aa9c2503cccd",
	"2cf7ed8b163f5af960d2fc62e1883aa422a6090736b4f18a5456ddcaf78ede0c"
	"053d9c00c81e1331c06ab50087be8cfc7dc11691b132614474f1aa9c2503cccd",
};

/* ED25519_BLINDED_PUBLIC_KEYS */
static const char *const tor_blinded_pubs[] = {
	"1fc1fa4465bd9d4956fdbdc9d3acb3c7019bb8d5606b951c2e1dfe0b42eaeb41",
	"1cbbd4a88ce8f165447f159d9f628ada18674158c4f7c5ead44ce8eb0fa6eb7e",
	"c5419ad133ffde7e0ac882055d942f582054132b092de377d587435722deb028",
	"3e08d0dc291066272e313014bfac4d39ad84aa93c038478a58011f431648105f",
	"59381f06acb6bf1389ba305f70874eed3e0f2ab57cdb7bc69ed59a9b8899ff4d",
	"2b946a484344eb1c17c89dd8b04196a84f3b7222c876a07a4cece85f676f87d9",
	"c6b585129b135f8769df2eba987e76e089e80ba3a2a6729134d3b28008ac098e",
	"0eefdc795b59cabbc194c6174e34ba9451e8355108520554ec285acabebb34ac",
	"312404d06a0a9de489904b18d5233e83a50b225977fa8734f2c897a73c067952",
	"952a908a4a9e0e5176a2549f8f328955aca6817a9fdc59e3acec5dec50838108",
};

static void
test_ed25519x_tor_vectors_from_seed_give_tor_expanded_key(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(tor_seeds); i++) {
		uint8_t seed[32], sec[64], pub[32];
		struct cp_ed25519_key k;

		unhex(seed, 32, tor_seeds[i]);
		unhex(sec, 64, tor_expanded[i]);
		unhex(pub, 32, tor_pubs[i]);
		CU_ASSERT_EQUAL_FATAL(cp_ed25519_from_seed(&k, seed), 0);
		CU_ASSERT_EQUAL(memcmp(k.sec, sec, 64), 0);
		CU_ASSERT_EQUAL(memcmp(k.pub, pub, 32), 0);
		cp_ed25519_wipe(&k);
	}
}

static void
test_ed25519x_tor_vectors_from_expanded_sign_like_tor(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(tor_expanded); i++) {
		uint8_t sec[64], pub[32], want[64], sig[64];
		struct cp_ed25519_key k;

		unhex(sec, 64, tor_expanded[i]);
		unhex(pub, 32, tor_pubs[i]);
		unhex(want, 64, tor_self_sigs[i]);
		CU_ASSERT_EQUAL_FATAL(cp_ed25519_from_expanded(&k, sec), 0);
		CU_ASSERT_EQUAL(memcmp(k.pub, pub, 32), 0);
		CU_ASSERT_EQUAL(memcmp(k.sec, sec, 64), 0);
		CU_ASSERT_EQUAL_FATAL(cp_ed25519_sign(sig, k.pub, 32, &k), 0);
		CU_ASSERT_EQUAL(memcmp(sig, want, 64), 0);
		CU_ASSERT_TRUE(cp_ed25519_verify(sig, pub, 32, pub));
		cp_ed25519_wipe(&k);
	}
}

static void
test_ed25519x_tor_vectors_blinded_expanded_keys(void)
{
	static const uint8_t msg[] = "blinded descriptor signing key";
	size_t i;

	for (i = 0; i < ARRAY_SIZE(tor_blinded_secs); i++) {
		uint8_t sec[64], pub[32], sig[64];
		struct cp_ed25519_key k;

		unhex(sec, 64, tor_blinded_secs[i]);
		unhex(pub, 32, tor_blinded_pubs[i]);
		CU_ASSERT_EQUAL_FATAL(cp_ed25519_from_expanded(&k, sec), 0);
		CU_ASSERT_EQUAL(memcmp(k.pub, pub, 32), 0);
		CU_ASSERT_EQUAL_FATAL(cp_ed25519_sign(sig, msg, sizeof(msg), &k), 0);
		CU_ASSERT_TRUE(cp_ed25519_verify(sig, msg, sizeof(msg), pub));
		cp_ed25519_wipe(&k);
	}
}

static void
test_ed25519x_tor_vectors_from_curve25519_of_expanded_scalar(void)
{
	size_t i;

	/* tor's test feeds esk[0..32] in as the curve25519 secret: same a, so same A. */
	for (i = 0; i < ARRAY_SIZE(tor_expanded); i++) {
		uint8_t sec[64], pub[32], xpub[32], want_xpub[32], u[32];
		struct cp_ed25519_key k;
		int signbit = -1;

		unhex(sec, 64, tor_expanded[i]);
		unhex(pub, 32, tor_pubs[i]);
		unhex(want_xpub, 32, tor_curve_pubs[i]);
		CU_ASSERT_EQUAL_FATAL(cp_ed25519_from_curve25519(&k, &signbit, sec), 0);
		CU_ASSERT_EQUAL(memcmp(k.pub, pub, 32), 0);
		CU_ASSERT_EQUAL(signbit, pub[31] >> 7);
		CU_ASSERT_FATAL(ossl_x25519_pub(xpub, sec));
		CU_ASSERT_EQUAL(memcmp(xpub, want_xpub, 32), 0);
		CU_ASSERT_FATAL(edwards_to_montgomery_u(u, k.pub));
		CU_ASSERT_EQUAL(memcmp(u, want_xpub, 32), 0);
		cp_ed25519_wipe(&k);
	}
}

/* ---- agreement with OpenSSL ---- */

static void
test_ed25519x_random_seeds_sign_identically_to_openssl(void)
{
	static uint8_t msg[600];
	uint64_t rng = 0x6368697665ed2551;
	int mismatched_pub = 0, mismatched_sig = 0, failed = 0;
	int i;

	for (i = 0; i < N_RANDOM_SEEDS; i++) {
		uint8_t seed[32], pub[32], want[64], sig[64];
		size_t len = i < 130 ? (size_t)i : (size_t)(rng_next(&rng) % sizeof(msg));
		struct cp_ed25519_key k;

		rng_fill(&rng, seed, sizeof(seed));
		rng_fill(&rng, msg, len);
		if (!ossl_sign(want, pub, seed, msg, len) || cp_ed25519_from_seed(&k, seed) != 0 ||
		    cp_ed25519_sign(sig, msg, len, &k) != 0) {
			failed++;
			continue;
		}
		mismatched_pub += memcmp(k.pub, pub, 32) != 0;
		mismatched_sig += memcmp(sig, want, 64) != 0;
		cp_ed25519_wipe(&k);
	}
	CU_ASSERT_EQUAL(failed, 0);
	CU_ASSERT_EQUAL(mismatched_pub, 0);
	CU_ASSERT_EQUAL(mismatched_sig, 0);
}

static void
test_ed25519x_from_expanded_of_expanded_seed_matches_from_seed(void)
{
	uint64_t rng = 0x657870616e646564;
	int i;

	for (i = 0; i < 32; i++) {
		uint8_t seed[32], h[64], msg[48], s1[64], s2[64];
		struct cp_ed25519_key a, b;

		rng_fill(&rng, seed, sizeof(seed));
		rng_fill(&rng, msg, sizeof(msg));
		/* RFC 8032 §5.1.5, computed here: clamp(SHA-512(seed)[0..32]) | [32..64]. */
		CU_ASSERT_FATAL(ossl_sha512(h, seed, 32, NULL, 0));
		clamp(h);
		CU_ASSERT_EQUAL_FATAL(cp_ed25519_from_seed(&a, seed), 0);
		CU_ASSERT_EQUAL(memcmp(a.sec, h, 64), 0);
		CU_ASSERT_EQUAL_FATAL(cp_ed25519_from_expanded(&b, h), 0);
		CU_ASSERT_EQUAL(memcmp(a.pub, b.pub, 32), 0);
		CU_ASSERT_EQUAL_FATAL(cp_ed25519_sign(s1, msg, sizeof(msg), &a), 0);
		CU_ASSERT_EQUAL_FATAL(cp_ed25519_sign(s2, msg, sizeof(msg), &b), 0);
		CU_ASSERT_EQUAL(memcmp(s1, s2, 64), 0);
		cp_ed25519_wipe(&a);
		cp_ed25519_wipe(&b);
	}
}

static void
test_ed25519x_from_expanded_in_place(void)
{
	uint8_t seed[32], pub[32];
	struct cp_ed25519_key k;

	unhex(seed, 32, rfc_test2.seed);
	unhex(pub, 32, rfc_test2.pub);
	CU_ASSERT_EQUAL_FATAL(cp_ed25519_from_seed(&k, seed), 0);
	memset(k.pub, 0, 32);
	CU_ASSERT_EQUAL_FATAL(cp_ed25519_from_expanded(&k, k.sec), 0);
	CU_ASSERT_EQUAL(memcmp(k.pub, pub, 32), 0);
	cp_ed25519_wipe(&k);
}

/* ---- scalars outside the clamped range ---- */

/* The encoding of B (RFC 8032 §5.1: y = 4/5, x even) and of -B (x odd). */
static const char base_point_hex[] =
	"5866666666666666666666666666666666666666666666666666666666666666";
static const char neg_base_point_hex[] =
	"58666666666666666666666666666666666666666666666666666666666666e6";
/* The identity (0, 1). */
static const char identity_hex[] =
	"0100000000000000000000000000000000000000000000000000000000000000";

/* from_expanded with scalar @p a (prefix all 0x42); pub must be @p want_hex. */
static void
check_scalar_pub(const uint8_t a[32], const char *want_hex)
{
	uint8_t sec[64], want[32];
	struct cp_ed25519_key k;

	memcpy(sec, a, 32);
	memset(sec + 32, 0x42, 32);
	unhex(want, 32, want_hex);
	CU_ASSERT_EQUAL_FATAL(cp_ed25519_from_expanded(&k, sec), 0);
	CU_ASSERT_EQUAL(memcmp(k.pub, want, 32), 0);
	cp_ed25519_wipe(&k);
}

static void
test_ed25519x_scalar_one_gives_base_point(void)
{
	uint8_t a[32] = { 1 };

	check_scalar_pub(a, base_point_hex);
}

static void
test_ed25519x_scalar_l_plus_one_gives_base_point(void)
{
	uint8_t one[32] = { 1 }, a[32];

	CU_ASSERT_EQUAL(add256(a, group_order, one), 0);
	check_scalar_pub(a, base_point_hex);
}

static void
test_ed25519x_scalar_l_minus_one_gives_minus_base_point(void)
{
	uint8_t a[32];

	memcpy(a, group_order, 32);
	a[0] -= 1; /* L ends in 0xed: no borrow */
	check_scalar_pub(a, neg_base_point_hex);
}

static void
test_ed25519x_scalar_zero_and_l_give_identity(void)
{
	uint8_t zero[32] = { 0 };

	check_scalar_pub(zero, identity_hex);
	check_scalar_pub(group_order, identity_hex);
}

static void
test_ed25519x_unclamped_scalars_sign_and_verify(void)
{
	static const uint8_t msg[] = "any 256-bit scalar";
	uint64_t rng = 0x756e636c616d70;
	int i;

	for (i = 0; i < 24; i++) {
		uint8_t sec[64], sig[64];
		struct cp_ed25519_key k;

		rng_fill(&rng, sec, sizeof(sec));
		if (i == 0)
			memset(sec, 0xff, 32); /* 2^256 - 1 */
		if (i == 1)
			sec[31] |= 0x80; /* top bit set */
		CU_ASSERT_EQUAL_FATAL(cp_ed25519_from_expanded(&k, sec), 0);
		CU_ASSERT_EQUAL_FATAL(cp_ed25519_sign(sig, msg, sizeof(msg), &k), 0);
		CU_ASSERT_TRUE(cp_ed25519_verify(sig, msg, sizeof(msg), k.pub));
		cp_ed25519_wipe(&k);
	}
}

/* ---- verification ---- */

/* A valid (key, message, signature) triple from RFC 8032 TEST 3. */
struct triple {
	uint8_t pub[32];
	uint8_t msg[2];
	uint8_t sig[64];
};

static void
triple_load(struct triple *t)
{
	unhex(t->pub, 32, rfc_test3.pub);
	unhex(t->msg, 2, rfc_test3.msg);
	unhex(t->sig, 64, rfc_test3.sig);
	CU_ASSERT_TRUE_FATAL(cp_ed25519_verify(t->sig, t->msg, 2, t->pub));
}

static void
test_ed25519x_verify_rejects_every_flipped_message_bit(void)
{
	struct triple t;
	int accepted = 0;
	int i;

	triple_load(&t);
	for (i = 0; i < 16; i++) {
		t.msg[i / 8] ^= (uint8_t)(1u << (i % 8));
		accepted += cp_ed25519_verify(t.sig, t.msg, 2, t.pub);
		t.msg[i / 8] ^= (uint8_t)(1u << (i % 8));
	}
	CU_ASSERT_EQUAL(accepted, 0);
	CU_ASSERT_FALSE(cp_ed25519_verify(t.sig, t.msg, 1, t.pub));
}

static void
test_ed25519x_verify_rejects_every_flipped_signature_bit(void)
{
	struct triple t;
	int accepted = 0;
	int i;

	triple_load(&t);
	for (i = 0; i < 512; i++) {
		t.sig[i / 8] ^= (uint8_t)(1u << (i % 8));
		accepted += cp_ed25519_verify(t.sig, t.msg, 2, t.pub);
		t.sig[i / 8] ^= (uint8_t)(1u << (i % 8));
	}
	CU_ASSERT_EQUAL(accepted, 0);
}

static void
test_ed25519x_verify_rejects_every_flipped_public_key_bit(void)
{
	struct triple t;
	int accepted = 0;
	int i;

	triple_load(&t);
	for (i = 0; i < 256; i++) {
		t.pub[i / 8] ^= (uint8_t)(1u << (i % 8));
		accepted += cp_ed25519_verify(t.sig, t.msg, 2, t.pub);
		t.pub[i / 8] ^= (uint8_t)(1u << (i % 8));
	}
	CU_ASSERT_EQUAL(accepted, 0);
}

static void
test_ed25519x_verify_rejects_s_plus_l(void)
{
	struct triple t;
	uint8_t s[32];

	/* S + L is the same scalar mod L, so only the S < L rule rejects it. */
	triple_load(&t);
	CU_ASSERT_EQUAL(add256(s, t.sig + 32, group_order), 0);
	memcpy(t.sig + 32, s, 32);
	CU_ASSERT_FALSE(cp_ed25519_verify(t.sig, t.msg, 2, t.pub));
}

static void
test_ed25519x_verify_rejects_s_equal_to_l(void)
{
	struct triple t;

	triple_load(&t);
	memcpy(t.sig + 32, group_order, 32);
	CU_ASSERT_FALSE(cp_ed25519_verify(t.sig, t.msg, 2, t.pub));
}

/*
 * R = B, S = 1: S*B = R + k*A holds for every message when A is the
 * identity, whatever k is. A signature that "verifies" under a key nobody
 * holds a secret for.
 */
static void
identity_key_signature(uint8_t sig[64])
{
	unhex(sig, 32, base_point_hex);
	memset(sig + 32, 0, 32);
	sig[32] = 1;
}

static void
test_ed25519x_verify_rejects_unreduced_public_key_y(void)
{
	/* y = p + 1: the identity (0, 1) with y not reduced mod p. */
	static const char p_plus_1[] =
		"eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f";
	static const uint8_t msg[] = "m";
	uint8_t pub[32], sig[64];

	unhex(pub, 32, p_plus_1);
	identity_key_signature(sig);
	CU_ASSERT_TRUE(ossl_verify(sig, msg, 1, pub)); /* OpenSSL alone accepts it */
	CU_ASSERT_FALSE(cp_ed25519_verify(sig, msg, 1, pub));
}

static void
test_ed25519x_verify_rejects_small_order_public_key(void)
{
	static const uint8_t msg[] = "m";
	uint8_t pub[32], sig[64];

	unhex(pub, 32, identity_hex);
	identity_key_signature(sig);
	CU_ASSERT_TRUE(ossl_verify(sig, msg, 1, pub)); /* OpenSSL alone accepts it */
	CU_ASSERT_FALSE(cp_ed25519_verify(sig, msg, 1, pub));
}

static void
test_ed25519x_verify_rejects_small_order_r(void)
{
	/* R = identity, S = k*a mod L with k = SHA-512(R | A | M): valid by the equation. */
	static const uint8_t msg[] = "m";
	uint8_t seed[32], h[64], ra[64], sig[64];
	struct cp_ed25519_key k;
	BN_CTX *bc = BN_CTX_new();
	BIGNUM *l = BN_lebin2bn(group_order, 32, NULL), *kb, *ab, *sb = BN_new();

	unhex(seed, 32, rfc_test1.seed);
	CU_ASSERT_EQUAL_FATAL(cp_ed25519_from_seed(&k, seed), 0);
	unhex(sig, 32, identity_hex);
	memcpy(ra, sig, 32);
	memcpy(ra + 32, k.pub, 32);
	CU_ASSERT_FATAL(ossl_sha512(h, ra, 64, msg, 1));
	kb = BN_lebin2bn(h, 64, NULL);
	ab = BN_lebin2bn(k.sec, 32, NULL);
	CU_ASSERT_FATAL(bc != NULL && l != NULL && kb != NULL && ab != NULL && sb != NULL);
	CU_ASSERT_FATAL(BN_mod_mul(sb, kb, ab, l, bc) == 1);
	CU_ASSERT_FATAL(BN_bn2lebinpad(sb, sig + 32, 32) == 32);

	CU_ASSERT_TRUE(ossl_verify(sig, msg, 1, k.pub)); /* OpenSSL alone accepts it */
	CU_ASSERT_FALSE(cp_ed25519_verify(sig, msg, 1, k.pub));

	BN_free(l);
	BN_free(kb);
	BN_clear_free(ab);
	BN_free(sb);
	BN_CTX_free(bc);
	cp_ed25519_wipe(&k);
}

static void
test_ed25519x_verify_rejects_signature_under_other_key(void)
{
	struct triple t;

	triple_load(&t);
	unhex(t.pub, 32, rfc_test2.pub);
	CU_ASSERT_FALSE(cp_ed25519_verify(t.sig, t.msg, 2, t.pub));
}

/* ---- curve25519 -> ed25519 (tor's ntor crosscert key) ---- */

static void
test_ed25519x_from_curve25519_matches_x25519_public_key(void)
{
	static const char derive[] = "Derive high part of ed25519 key from curve25519 key";
	static const uint8_t msg[] = "ntor-onion-key crosscert body";
	uint64_t rng = 0x6e746f72;
	int i;

	for (i = 0; i < N_RANDOM_X25519; i++) {
		uint8_t x[32], a[32], h[64], xpub[32], u[32], sig[64];
		struct cp_ed25519_key k;
		int signbit = -1;

		rng_fill(&rng, x, sizeof(x));
		CU_ASSERT_EQUAL_FATAL(cp_ed25519_from_curve25519(&k, &signbit, x), 0);

		/* The Edwards point maps to the X25519 public key of the same secret. */
		CU_ASSERT_FATAL(ossl_x25519_pub(xpub, x));
		CU_ASSERT_FATAL(edwards_to_montgomery_u(u, k.pub));
		CU_ASSERT_EQUAL(memcmp(u, xpub, 32), 0);
		CU_ASSERT_EQUAL(signbit, k.pub[31] >> 7);

		/* a = clamp(x); prefix = SHA-512(a | derive | NUL)[0..32]. */
		memcpy(a, x, 32);
		clamp(a);
		CU_ASSERT_FATAL(ossl_sha512(h, a, 32, derive, sizeof(derive)));
		CU_ASSERT_EQUAL(memcmp(k.sec, a, 32), 0);
		CU_ASSERT_EQUAL(memcmp(k.sec + 32, h, 32), 0);

		CU_ASSERT_EQUAL_FATAL(cp_ed25519_sign(sig, msg, sizeof(msg), &k), 0);
		CU_ASSERT_TRUE(cp_ed25519_verify(sig, msg, sizeof(msg), k.pub));
		cp_ed25519_wipe(&k);
	}
}

static void
test_ed25519x_from_curve25519_clamps_its_input(void)
{
	uint8_t x[32], xc[32];
	struct cp_ed25519_key k1, k2;
	int s1, s2;

	memset(x, 0xff, sizeof(x));
	memcpy(xc, x, 32);
	clamp(xc);
	CU_ASSERT_EQUAL_FATAL(cp_ed25519_from_curve25519(&k1, &s1, x), 0);
	CU_ASSERT_EQUAL_FATAL(cp_ed25519_from_curve25519(&k2, &s2, xc), 0);
	CU_ASSERT_EQUAL(memcmp(&k1, &k2, sizeof(k1)), 0);
	CU_ASSERT_EQUAL(s1, s2);
	cp_ed25519_wipe(&k1);
	cp_ed25519_wipe(&k2);
}

static void
test_ed25519x_from_curve25519_sign_bit_takes_both_values(void)
{
	uint64_t rng = 0x7369676e;
	int seen[2] = { 0, 0 };
	int i;

	for (i = 0; i < 32; i++) {
		uint8_t x[32];
		struct cp_ed25519_key k;
		int signbit = -1;

		rng_fill(&rng, x, sizeof(x));
		CU_ASSERT_EQUAL_FATAL(cp_ed25519_from_curve25519(&k, &signbit, x), 0);
		CU_ASSERT_FATAL(signbit == 0 || signbit == 1);
		seen[signbit]++;
		cp_ed25519_wipe(&k);
	}
	CU_ASSERT(seen[0] > 0);
	CU_ASSERT(seen[1] > 0);
}

static void
test_ed25519x_from_curve25519_accepts_null_signbit(void)
{
	uint8_t x[32] = { 9 };
	struct cp_ed25519_key k1, k2;
	int s;

	CU_ASSERT_EQUAL(cp_ed25519_from_curve25519(&k1, NULL, x), 0);
	CU_ASSERT_EQUAL(cp_ed25519_from_curve25519(&k2, &s, x), 0);
	CU_ASSERT_EQUAL(memcmp(&k1, &k2, sizeof(k1)), 0);
	cp_ed25519_wipe(&k1);
	cp_ed25519_wipe(&k2);
}

/* ---- generation and wiping ---- */

static void
test_ed25519x_generate_gives_distinct_working_keys(void)
{
	static const uint8_t msg[] = "fresh key";
	struct cp_ed25519_key a, b, c;
	uint8_t sig[64];

	CU_ASSERT_EQUAL_FATAL(cp_ed25519_generate(&a), 0);
	CU_ASSERT_EQUAL_FATAL(cp_ed25519_generate(&b), 0);
	CU_ASSERT_NOT_EQUAL(memcmp(a.sec, b.sec, 64), 0);
	CU_ASSERT_NOT_EQUAL(memcmp(a.pub, b.pub, 32), 0);
	/* The scalar is clamped as RFC 8032 expansion does. */
	CU_ASSERT_EQUAL(a.sec[0] & 7, 0);
	CU_ASSERT_EQUAL(a.sec[31] & 0xc0, 0x40);
	CU_ASSERT_EQUAL_FATAL(cp_ed25519_from_expanded(&c, a.sec), 0);
	CU_ASSERT_EQUAL(memcmp(c.pub, a.pub, 32), 0);
	CU_ASSERT_EQUAL_FATAL(cp_ed25519_sign(sig, msg, sizeof(msg), &a), 0);
	CU_ASSERT_TRUE(cp_ed25519_verify(sig, msg, sizeof(msg), a.pub));
	CU_ASSERT_FALSE(cp_ed25519_verify(sig, msg, sizeof(msg), b.pub));
	cp_ed25519_wipe(&a);
	cp_ed25519_wipe(&b);
	cp_ed25519_wipe(&c);
}

static void
test_ed25519x_wipe_zeroes_the_key(void)
{
	static const struct cp_ed25519_key zero;
	struct cp_ed25519_key k;

	CU_ASSERT_EQUAL_FATAL(cp_ed25519_generate(&k), 0);
	CU_ASSERT_NOT_EQUAL(memcmp(&k, &zero, sizeof(k)), 0);
	cp_ed25519_wipe(&k);
	CU_ASSERT_EQUAL(memcmp(&k, &zero, sizeof(k)), 0);
	cp_ed25519_wipe(NULL);
}

static CU_TestInfo ed25519x_tests[] = {
	{ "rfc8032_test1_empty_message", test_ed25519x_rfc8032_test1_empty_message },
	{ "rfc8032_test2_one_byte", test_ed25519x_rfc8032_test2_one_byte },
	{ "rfc8032_test3_two_bytes", test_ed25519x_rfc8032_test3_two_bytes },
	{ "rfc8032_test1024_1023_bytes", test_ed25519x_rfc8032_test1024_1023_bytes },
	{ "sign_empty_message_accepts_null", test_ed25519x_sign_empty_message_accepts_null },
	{ "sign_rejects_null_message_with_length",
	  test_ed25519x_sign_rejects_null_message_with_length },
	{ "tor_vectors_from_seed_give_tor_expanded_key",
	  test_ed25519x_tor_vectors_from_seed_give_tor_expanded_key },
	{ "tor_vectors_from_expanded_sign_like_tor",
	  test_ed25519x_tor_vectors_from_expanded_sign_like_tor },
	{ "tor_vectors_blinded_expanded_keys", test_ed25519x_tor_vectors_blinded_expanded_keys },
	{ "tor_vectors_from_curve25519_of_expanded_scalar",
	  test_ed25519x_tor_vectors_from_curve25519_of_expanded_scalar },
	{ "random_seeds_sign_identically_to_openssl",
	  test_ed25519x_random_seeds_sign_identically_to_openssl },
	{ "from_expanded_of_expanded_seed_matches_from_seed",
	  test_ed25519x_from_expanded_of_expanded_seed_matches_from_seed },
	{ "from_expanded_in_place", test_ed25519x_from_expanded_in_place },
	{ "scalar_one_gives_base_point", test_ed25519x_scalar_one_gives_base_point },
	{ "scalar_l_plus_one_gives_base_point", test_ed25519x_scalar_l_plus_one_gives_base_point },
	{ "scalar_l_minus_one_gives_minus_base_point",
	  test_ed25519x_scalar_l_minus_one_gives_minus_base_point },
	{ "scalar_zero_and_l_give_identity", test_ed25519x_scalar_zero_and_l_give_identity },
	{ "unclamped_scalars_sign_and_verify", test_ed25519x_unclamped_scalars_sign_and_verify },
	{ "verify_rejects_every_flipped_message_bit",
	  test_ed25519x_verify_rejects_every_flipped_message_bit },
	{ "verify_rejects_every_flipped_signature_bit",
	  test_ed25519x_verify_rejects_every_flipped_signature_bit },
	{ "verify_rejects_every_flipped_public_key_bit",
	  test_ed25519x_verify_rejects_every_flipped_public_key_bit },
	{ "verify_rejects_s_plus_l", test_ed25519x_verify_rejects_s_plus_l },
	{ "verify_rejects_s_equal_to_l", test_ed25519x_verify_rejects_s_equal_to_l },
	{ "verify_rejects_unreduced_public_key_y",
	  test_ed25519x_verify_rejects_unreduced_public_key_y },
	{ "verify_rejects_small_order_public_key",
	  test_ed25519x_verify_rejects_small_order_public_key },
	{ "verify_rejects_small_order_r", test_ed25519x_verify_rejects_small_order_r },
	{ "verify_rejects_signature_under_other_key",
	  test_ed25519x_verify_rejects_signature_under_other_key },
	{ "from_curve25519_matches_x25519_public_key",
	  test_ed25519x_from_curve25519_matches_x25519_public_key },
	{ "from_curve25519_clamps_its_input", test_ed25519x_from_curve25519_clamps_its_input },
	{ "from_curve25519_sign_bit_takes_both_values",
	  test_ed25519x_from_curve25519_sign_bit_takes_both_values },
	{ "from_curve25519_accepts_null_signbit",
	  test_ed25519x_from_curve25519_accepts_null_signbit },
	{ "generate_gives_distinct_working_keys",
	  test_ed25519x_generate_gives_distinct_working_keys },
	{ "wipe_zeroes_the_key", test_ed25519x_wipe_zeroes_the_key },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_ed25519x = {
	.pName = "controlplane/ed25519x",
	.pTests = ed25519x_tests,
};
