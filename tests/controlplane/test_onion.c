/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief CUnit suite "controlplane/onion": ntor, ntor-v3 and CREATE_FAST, the KDFs under
 *        them, and every way a handshake can fail.
 *
 * Expected values come from outside the code under test:
 *  - RFC 5869 appendix A.1–A.3 (HKDF-SHA256);
 *  - tor's src/test/test_crypto.c: KDF-TOR ("crypto_expand_key_material_TAP")
 *    and HKDF with the ntor salt and info (made there with ntor_ref.py);
 *  - FIPS 202 SHA3-256 and SHAKE-256 of the empty string;
 *  - proposal 332 appendix X.2 (ntor-v3 with VER "xyzzy", CM "hello world",
 *    SM "Hola Mundo", 256 bytes of keystream), also tor's test_ntor_v3.c;
 *  - vectors computed for this file with python3 (hashlib) and the
 *    python3-cryptography package (X25519, HMAC, HKDF, AES-CTR), written
 *    from tor-spec §5.1.4/§5.1.5/§5.2 and proposal 332 without Chive's C
 *    code. The script first reproduced the proposal 332 vectors exactly.
 *    Secrets are SHA-256 (or SHA-1 for CREATE_FAST) of a label, clamped:
 *      sec(t) = SHA256(t) with [0] &= 248, [31] &= 127, [31] |= 64
 *    ntor (tor-spec §5.1.4): b = sec("chive ntor test b"), x = sec("chive
 *      ntor test x"), y = sec("chive ntor test y"), ID = SHA1("chive ntor
 *      test id"); si = EXP(X,y)|EXP(X,b)|ID|B|X|Y|PROTOID; AUTH =
 *      HMAC(t_mac, verify|ID|B|Y|X|PROTOID|"Server") with verify =
 *      HMAC(t_verify, si); keys = HKDF(ikm si, salt t_key, info m_expand, 92)
 *      split 72 | 20.
 *    ntor-v3 for circuits: b, x, y = sec("chive ntor3 test b" / "x" / "y"),
 *      ID = SHA256("chive ntor3 test id"), VER "circuit extend", CM =
 *      02 01 00 2a 01 ff (CC_REQUEST, then an unknown type 0x2a), SM = 00,
 *      keystream after ENC_KEY: 92 bytes split 72 | 20.
 *    CREATE_FAST (tor-spec §5.1.5, §5.2.1): X = SHA1("chive fast test X"),
 *      Y = SHA1("chive fast test Y"), K = SHA1(X|Y|00) | SHA1(X|Y|01) ...,
 *      KH = K[0..20), keys = K[20..92).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "common/base/compiler.h"
#include "controlplane/onion/onion.h"
#include "controlplane/onion/onion_int.h"
#include "tests/suites.h"

/* ---- helpers ---- */

/* Decode @p n bytes of hex from @p hex (exactly 2n digits) into @p out. */
static void
unhex(uint8_t *out, size_t n, const char *hex)
{
	CU_ASSERT_EQUAL_FATAL(strlen(hex), 2 * n);
	for (size_t i = 0; i < n; i++) {
		unsigned int v;

		CU_ASSERT_EQUAL_FATAL(sscanf(hex + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
}

/* Compare @p n bytes at @p got with the hex string @p hex. */
static bool
eq_hex(const uint8_t *got, size_t n, const char *hex)
{
	uint8_t want[512];

	if (strlen(hex) != 2 * n || n > sizeof(want))
		return false;
	unhex(want, n, hex);
	return memcmp(got, want, n) == 0;
}

static bool
all_zero(const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i] != 0)
			return false;
	return true;
}

/* A relay: fresh ntor keys (current, previous), random identities. */
struct relay {
	struct cp_onion_server_keys sk;
	struct cp_onion_peer peer;	/* the current key */
	struct cp_onion_peer peer_prev; /* the previous key */
};

static void
relay_make(struct relay *r)
{
	memset(r, 0, sizeof(*r));
	for (int i = 0; i < 2; i++)
		CU_ASSERT_EQUAL_FATAL(cp_onion_x25519_keygen(r->sk.ntor[i].sec, r->sk.ntor[i].pub),
				      0);
	r->sk.n_ntor = 2;
	for (int i = 0; i < 20; i++)
		r->sk.rsa_id[i] = (uint8_t)(0x10 + i);
	for (int i = 0; i < 32; i++)
		r->sk.ed_id[i] = (uint8_t)(0x80 + i);
	memcpy(r->peer.rsa_id, r->sk.rsa_id, 20);
	memcpy(r->peer.ed_id, r->sk.ed_id, 32);
	memcpy(r->peer.ntor_pub, r->sk.ntor[0].pub, 32);
	r->peer_prev = r->peer;
	memcpy(r->peer_prev.ntor_pub, r->sk.ntor[1].pub, 32);
}

/* Client create + server, expecting @p want from the server. */
static enum cp_onion_fail
server_of(const struct relay *r, uint16_t htype, const uint8_t *hdata, size_t hlen, uint8_t *reply,
	  size_t *reply_len, struct cp_onion_keys *keys)
{
	memset(keys, 0xaa, sizeof(*keys));
	return cp_onion_server(&r->sk, htype, hdata, hlen, reply, reply_len, keys);
}

/* Build an ntor-v3 onionskin carrying client message @p msg for @p peer. */
static size_t
ntor3_skin(struct cp_onion_client *st, const struct cp_onion_peer *peer, const uint8_t *msg,
	   size_t msg_len, uint8_t *out)
{
	int n = cp_onion_client_create(st, WIRE_HTYPE_NTOR_V3, peer, msg, msg_len, out,
				       WIRE_CREATE2_HDATA_MAX);

	CU_ASSERT_FATAL(n > 0);
	return (size_t)n;
}

/* ---- KDFs and hashes ---- */

static void
test_onion_kdf_tor_matches_tor_vectors(void)
{
	static const struct {
		const char *in, *out;
	} v[] = {
		{"", "5ba93c9db0cff93f52b521d7420e43f6eda2784fbf8b4530d8d246dd74ac53a1"
		     "3471bba17941dff7c4ea21bb365bbeeaf5f2c654883e56d11e43c44e9842926a"
		     "f7ca0a8cca12604f945414f07b01e13da42c6cf1de3abfdea9b95f34687cbbe9"
		     "2b9a7383"},
		{"Tor", "776c6214fc647aaa5f683c737ee66ec44f03d0372e1cce69227950f236ddf1e3"
			"29a7ce7c227903303f525a8c6662426e8034870642a6dabbd41b5d97ec9bf231"
			"2ea729992f48f8ea2d0ba83f45dfda1a80bdc8b80de01b23e3e0ffae099b3e4c"
			"cf28dc28"},
		{"AN ALARMING ITEM TO FIND ON A MONTHLY AUTO-DEBIT NOTICE",
		 "a340b5d126086c3ab29c2af4179196dbf95e1c72431419d3314844bf8f6afb60"
		 "98db952b95581fb6c33625709d6f4400b8e7ace18a70579fad83c0982ef73f89"
		 "395bcc39493ad53a685854daf2ba9b78733b805d9a6824c907ee1dba5ac27a1e"
		 "466d4d10"},
	};
	uint8_t out[100];

	for (size_t i = 0; i < ARRAY_SIZE(v); i++) {
		CU_ASSERT_EQUAL(cp_onion_kdf_tor((const uint8_t *)v[i].in, strlen(v[i].in), out,
						 sizeof(out)),
				0);
		CU_ASSERT(eq_hex(out, sizeof(out), v[i].out));
	}
}

static void
test_onion_hkdf_matches_rfc5869(void)
{
	static const struct {
		const char *ikm, *salt, *info, *okm;
	} v[] = {
		{/* A.1 */
		 "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "000102030405060708090a0b0c",
		 "f0f1f2f3f4f5f6f7f8f9",
		 "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf"
		 "34007208d5b887185865"},
		{/* A.2 */
		 "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
		 "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
		 "404142434445464748494a4b4c4d4e4f",
		 "606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f"
		 "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
		 "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf",
		 "b0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecf"
		 "d0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeef"
		 "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff",
		 "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c"
		 "59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71"
		 "cc30c58179ec3e87c14c01d5c1f3434f1d87"},
		{/* A.3: empty salt and info */
		 "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "", "",
		 "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d"
		 "9d201395faa4b61a96c8"},
	};
	uint8_t ikm[80], salt[80], info[80], okm[82];

	for (size_t i = 0; i < ARRAY_SIZE(v); i++) {
		size_t ni = strlen(v[i].ikm) / 2, ns = strlen(v[i].salt) / 2;
		size_t nf = strlen(v[i].info) / 2, no = strlen(v[i].okm) / 2;

		unhex(ikm, ni, v[i].ikm);
		unhex(salt, ns, v[i].salt);
		unhex(info, nf, v[i].info);
		CU_ASSERT_EQUAL(cp_onion_hkdf_sha256(ikm, ni, salt, ns, info, nf, okm, no), 0);
		CU_ASSERT(eq_hex(okm, no, v[i].okm));
	}
}

static void
test_onion_hkdf_matches_tor_ntor_vectors(void)
{
	static const char salt[] = "ntor-curve25519-sha256-1:key_extract";
	static const char info[] = "ntor-curve25519-sha256-1:key_expand";
	static const struct {
		const char *in, *out;
	} v[] = {
		{"Tor", "5521492a85139a8d9107a2d5c0d9c91610d0f95989975ebee6c02a4f8d622a6c"
			"fdf9b7c7edd3832e2760ded1eac309b76f8d66c4a3c4d6225429b3a016e3c3d4"
			"5911152fc87bc2de9630c3961be9fdb9f93197ea8e5977180801926d3321fa21"
			"513e59ac"},
		{"AN ALARMING ITEM TO FIND ON YOUR CREDIT-RATING STATEMENT",
		 "a2aa9b50da7e481d30463adb8f233ff06e9571a0ca6ab6df0fb206fa34e5bc78"
		 "d063fc291501beec53b36e5a0e434561200c5f8bd13e0f88b3459600b4dc21d6"
		 "9363e2895321c06184879d94b18f078411be70b767c7fc40679a9440a0c95ea8"
		 "3a23efbf"},
	};
	uint8_t out[100];

	for (size_t i = 0; i < ARRAY_SIZE(v); i++) {
		CU_ASSERT_EQUAL(cp_onion_hkdf_sha256((const uint8_t *)v[i].in, strlen(v[i].in),
						     (const uint8_t *)salt, strlen(salt),
						     (const uint8_t *)info, strlen(info), out,
						     sizeof(out)),
				0);
		CU_ASSERT(eq_hex(out, sizeof(out), v[i].out));
	}
}

static void
test_onion_kdf_limits_refused(void)
{
	uint8_t out[8], k0[129] = {0};

	CU_ASSERT_EQUAL(cp_onion_hkdf_sha256(k0, 1, NULL, 0, NULL, 0, out, 255 * 32 + 1), -EINVAL);
	CU_ASSERT_EQUAL(cp_onion_kdf_tor(k0, sizeof(k0), out, sizeof(out)), -EINVAL);
	CU_ASSERT_EQUAL(cp_onion_kdf_tor(k0, 1, out, 256 * 20 + 1), -EINVAL);
}

static void
test_onion_sha3_and_shake_match_fips202(void)
{
	uint8_t out[32];

	CU_ASSERT_EQUAL(cp_onion_sha3_256(out, NULL, 0), 0);
	CU_ASSERT(eq_hex(out, 32,
			 "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a"));
	CU_ASSERT_EQUAL(cp_onion_shake256(out, 32, NULL, 0), 0);
	CU_ASSERT(eq_hex(out, 32,
			 "46b9dd2b0ba88d13233b3feb743eeb243fcd52ea62b81b82b50c27646ed5762f"));
}

/* ---- ntor-v3: proposal 332 appendix X.2 ---- */

#define P332_B_SEC "4051daa5921cfa2a1c27b08451324919538e79e788a81b38cbed097a5dff454a"
#define P332_B_PUB "f8307a2bc1870b00b828bb74dbb8fd88e632a6375ab3bcd1ae706aaa8b6cdd1d"
#define P332_ID "9fad2af287ef942632833d21f946c6260c33fae6172b60006e86e4a6911753a2"
#define P332_X_SEC "b825a3719147bcbe5fb1d0b0fcb9c09e51948048e2e3283d2ab7b45b5ef38b49"
#define P332_X_PUB "252fe9ae91264c91d4ecb8501f79d0387e34ad8ca0f7c995184f7d11d5da4f46"
#define P332_Y_SEC "4865a5b7689dafd978f529291c7171bc159be076b92186405d13220b80e2a053"
#define P332_CLIENT                                                                                \
	"9fad2af287ef942632833d21f946c6260c33fae6172b60006e86e4a6911753a2"                         \
	"f8307a2bc1870b00b828bb74dbb8fd88e632a6375ab3bcd1ae706aaa8b6cdd1d"                         \
	"252fe9ae91264c91d4ecb8501f79d0387e34ad8ca0f7c995184f7d11d5da4f46"                         \
	"3bebd9151fd3b47c180abc9e044d53565f04d82bbb3bebed3d06cea65db8be9c"                         \
	"72b68cd461942088502f67"
#define P332_SERVER                                                                                \
	"4bf4814326fdab45ad5184f5518bd7fae25dc59374062698201a50a22954246d"                         \
	"2fc5f8773ca824542bc6cf6f57c7c29bbf4e5476461ab130c5b18ab0a9127665"                         \
	"1202c3e1e87c0d32054c"
#define P332_KEYSTREAM                                                                             \
	"9c19b631fd94ed86a817e01f6c80b0743a43f5faebd39cfaa8b00fa8bcc65c3b"                         \
	"feaa403d91acbd68a821bf6ee8504602b094a254392a07737d5662768c7a9fb1"                         \
	"b2814bb34780eaee6e867c773e28c212ead563e98a1cd5d5b4576f5ee61c59bd"                         \
	"e025ff2851bb19b721421694f263818e3531e43a9e4e3e2c661e2ad547d8984c"                         \
	"aa28ebecd3e4525452299be26b9185a20a90ce1eac20a91f2832d731b54502b0"                         \
	"9749b5a2a2949292f8cfcbeffb790c7790ed935a9d251e7e336148ea83b063a5"                         \
	"618fcff674a44581585fd22077ca0e52c59a24347a38d1a1ceebddbf238541f2"                         \
	"26b8f88d0fb9c07a1bcd2ea764bbbb5dacdaf5312a14c0b9e4f06309b0333b4a"

static void
test_onion_ntor3_reproduces_prop332_vectors(void)
{
	static const uint8_t cm_want[] = "hello world", sm[] = "Hola Mundo", ver[] = "xyzzy";
	struct cp_onion_server_keys sk;
	struct cp_onion_peer peer;
	struct cp_onion_client st;
	struct cp_ntor3_server_state sst;
	uint8_t x[32], y[32], skin[WIRE_CREATE2_HDATA_MAX], cm[CP_NTOR3_CMSG_MAX];
	uint8_t reply[CP_ONION_REPLY_MAX], ks[256], ks2[256], msg[CP_ONION_MSG_MAX];
	size_t cm_len, reply_len, msg_len;
	int n;

	memset(&sk, 0, sizeof(sk));
	unhex(sk.ntor[0].sec, 32, P332_B_SEC);
	unhex(sk.ntor[0].pub, 32, P332_B_PUB);
	unhex(sk.ed_id, 32, P332_ID);
	sk.n_ntor = 1;
	memset(&peer, 0, sizeof(peer));
	memcpy(peer.ed_id, sk.ed_id, 32);
	memcpy(peer.ntor_pub, sk.ntor[0].pub, 32);
	unhex(x, 32, P332_X_SEC);
	unhex(y, 32, P332_Y_SEC);

	/* The public keys follow from the secrets. */
	CU_ASSERT_EQUAL(cp_onion_x25519_pub(skin, sk.ntor[0].sec), 0);
	CU_ASSERT(eq_hex(skin, 32, P332_B_PUB));

	/* Client, phase 1. */
	n = cp_onion_ntor3_client_create(&st, x, &peer, ver, 5, cm_want, 11, skin, sizeof(skin));
	CU_ASSERT_EQUAL_FATAL(n, 128 + 11);
	CU_ASSERT(eq_hex(skin, (size_t)n, P332_CLIENT));
	CU_ASSERT(eq_hex(st.x_pub, 32, P332_X_PUB));

	/* Server. */
	CU_ASSERT_EQUAL_FATAL(
		cp_onion_ntor3_server_part1(&sk, ver, 5, skin, (size_t)n, cm, &cm_len, &sst),
		CP_ONION_OK);
	CU_ASSERT_EQUAL(cm_len, 11);
	CU_ASSERT_EQUAL(memcmp(cm, cm_want, 11), 0);
	CU_ASSERT_EQUAL_FATAL(cp_onion_ntor3_server_part2(&sst, y, ver, 5, sm, 10, reply,
							  sizeof(reply), &reply_len, ks,
							  sizeof(ks)),
			      CP_ONION_OK);
	CU_ASSERT_EQUAL(reply_len, 64 + 10);
	CU_ASSERT(eq_hex(reply, reply_len, P332_SERVER));
	CU_ASSERT(eq_hex(ks, sizeof(ks), P332_KEYSTREAM));

	/* Client, phase 2. */
	CU_ASSERT_EQUAL_FATAL(cp_onion_ntor3_client_finish(&st, ver, 5, reply, reply_len, ks2,
							   sizeof(ks2), msg, sizeof(msg), &msg_len),
			      0);
	CU_ASSERT_EQUAL(msg_len, 10);
	CU_ASSERT_EQUAL(memcmp(msg, sm, 10), 0);
	CU_ASSERT(eq_hex(ks2, sizeof(ks2), P332_KEYSTREAM));
	cp_onion_client_wipe(&st);
	CU_ASSERT(all_zero(&st, sizeof(st)));
}

/* ---- computed vectors (python3, see the file comment) ---- */

#define NT3_B_SEC "6016ad44545e4fc2e0ca3aa2b03432b173b17bd957f7dd7ccfacd6123e03af7c"
#define NT3_B_PUB "f017f69a891218a365899fd75c6ef51c0315a49fd4fe253651b88f4aa9a7a65a"
#define NT3_X_SEC "40be20a9c49b1789b8b14756cef5fb495ebf9652587c7f750073965cce667156"
#define NT3_Y_SEC "288ea97f5a70876c78ac90ad91947a72930da7a94bd305edc8a2237cd0abfa7c"
#define NT3_ID "aefe8053bb5af027584e91bfd87b04d41f2633ed035d002ddb2ee9a33c9bb221"
#define NT3_CM "0201002a01ff"
#define NT3_CLIENT                                                                                 \
	"aefe8053bb5af027584e91bfd87b04d41f2633ed035d002ddb2ee9a33c9bb221"                         \
	"f017f69a891218a365899fd75c6ef51c0315a49fd4fe253651b88f4aa9a7a65a"                         \
	"ca2e1e42e8284fbc1e704010322e21976e73ac015d9f57f731c038980d65df28"                         \
	"c9c5f4b02a7e4666a8d305b7dc06a33979a24fdd454523f5540eaeac10493e19"                         \
	"d3a155484f0b"
#define NT3_REPLY                                                                                  \
	"1de835554d3669e92ba5e1974d104049b76f25dc6a80c07e48b6e3462f82d93f"                         \
	"4d4c2262721c9771bbcdac1346482691b5acb597eec969ba2506aeeb3cf5fb63"                         \
	"bc"
#define NT3_KEYS                                                                                   \
	"0173f27b4950986b663d8a57a751e9582cd00820a1830f82b6371af0007ba61c"                         \
	"c6ae3ecd10a29e41d8b27cb5254f193a074653ec1fe8efbb731a91507818dea4"                         \
	"5a106c0aa1a10fe4"
#define NT3_KH "4dac5f5d7bc5073e0925551a13cfd7c0cddebaf7"

static void
test_onion_ntor3_circuit_vector_key_layout(void)
{
	struct cp_onion_server_keys sk;
	struct cp_onion_peer peer;
	struct cp_onion_client st;
	struct cp_onion_keys ks, kc;
	uint8_t x[32], y[32], cm[6], skin[WIRE_CREATE2_HDATA_MAX], reply[CP_ONION_REPLY_MAX];
	uint8_t msg[8];
	size_t reply_len, msg_len;
	int n;

	memset(&sk, 0, sizeof(sk));
	unhex(sk.ntor[0].sec, 32, NT3_B_SEC);
	unhex(sk.ntor[0].pub, 32, NT3_B_PUB);
	unhex(sk.ed_id, 32, NT3_ID);
	sk.n_ntor = 1;
	memset(&peer, 0, sizeof(peer));
	memcpy(peer.ed_id, sk.ed_id, 32);
	memcpy(peer.ntor_pub, sk.ntor[0].pub, 32);
	unhex(x, 32, NT3_X_SEC);
	unhex(y, 32, NT3_Y_SEC);
	unhex(cm, sizeof(cm), NT3_CM);

	n = cp_onion_ntor3_client_create(&st, x, &peer, (const uint8_t *)CP_NTOR3_VERIFY_CIRC,
					 CP_NTOR3_VERIFY_CIRC_LEN, cm, sizeof(cm), skin,
					 sizeof(skin));
	CU_ASSERT_EQUAL_FATAL(n, 128 + 6);
	CU_ASSERT(eq_hex(skin, (size_t)n, NT3_CLIENT));

	/* The server as cp_onion_server() runs it: CC_REQUEST accepted, unknown ignored, "00". */
	CU_ASSERT_EQUAL_FATAL(
		cp_onion_ntor3_server(&sk, y, skin, (size_t)n, reply, &reply_len, &ks),
		CP_ONION_OK);
	CU_ASSERT(eq_hex(reply, reply_len, NT3_REPLY));
	CU_ASSERT(eq_hex(ks.keys, sizeof(ks.keys), NT3_KEYS));
	CU_ASSERT(eq_hex(ks.kh, sizeof(ks.kh), NT3_KH));

	/* The client through the public API. */
	CU_ASSERT_EQUAL_FATAL(
		cp_onion_client_finish(&st, reply, reply_len, &kc, msg, sizeof(msg), &msg_len), 0);
	CU_ASSERT_EQUAL(msg_len, 1);
	CU_ASSERT_EQUAL(msg[0], 0x00);
	CU_ASSERT(eq_hex(kc.keys, sizeof(kc.keys), NT3_KEYS));
	CU_ASSERT(eq_hex(kc.kh, sizeof(kc.kh), NT3_KH));
	cp_onion_client_wipe(&st);
}

#define NT_B_SEC "a040b7246b4d0a801069232924470fda481b7293eb25c06eba8ea88325f4bf67"
#define NT_B_PUB "0f7960e80976355f61a1fc9aa98bfa026428f2e13fe7eebcd43e58ebdc18894d"
#define NT_X_SEC "00845fc0d3a6157729bbeff369cf712bc475fb8c78b5bab17d6efc43366f795a"
#define NT_Y_SEC "e8069d4927e1f293b0e18f3dea92ef9dd172c9e16d5672dfe4feb4a670660248"
#define NT_ID "bec6639febe9607cb37af9165c185dd5122844b4"
#define NT_SKIN                                                                                    \
	"bec6639febe9607cb37af9165c185dd5122844b40f7960e80976355f61a1fc9a"                         \
	"a98bfa026428f2e13fe7eebcd43e58ebdc18894d32fff7e3a3c2750cccd582ca"                         \
	"f9ff4d4f3d13f76c98e612295f7af69de05abb09"
#define NT_REPLY                                                                                   \
	"553e7506df8197fe65bedefc74f92fea182bb28c42adc2d0a0f1a2afc68cc757"                         \
	"e690fe5e21b8342e8f410a1c788d55dca4c1cdc6f212f97a7d6ee5c03c92e9e3"
#define NT_KEYS                                                                                    \
	"3311b0e92f3c12bd874a3686e61a38b449ddbe1325a1ea48e03ceb63d7aff415"                         \
	"130cce630c0021624b895eea4092e1ef19fe13f998cafbcd51d1c856e719d644"                         \
	"5a41de67c399b832"
#define NT_KH "81be079c3fcfb3f3a96f8f9540dabe3e09460699"

static void
test_onion_ntor_matches_computed_vector(void)
{
	struct cp_onion_server_keys sk;
	struct cp_onion_peer peer;
	struct cp_onion_client st;
	struct cp_onion_keys ks, kc;
	uint8_t x[32], y[32], skin[WIRE_NTOR_ONIONSKIN_LEN], reply[WIRE_NTOR_REPLY_LEN];

	memset(&sk, 0, sizeof(sk));
	unhex(sk.ntor[1].sec, 32, NT_B_SEC); /* as the previous key: both slots are searched */
	unhex(sk.ntor[1].pub, 32, NT_B_PUB);
	CU_ASSERT_EQUAL(cp_onion_x25519_keygen(sk.ntor[0].sec, sk.ntor[0].pub), 0);
	unhex(sk.rsa_id, 20, NT_ID);
	sk.n_ntor = 2;
	memset(&peer, 0, sizeof(peer));
	memcpy(peer.rsa_id, sk.rsa_id, 20);
	memcpy(peer.ntor_pub, sk.ntor[1].pub, 32);
	unhex(x, 32, NT_X_SEC);
	unhex(y, 32, NT_Y_SEC);

	CU_ASSERT_EQUAL_FATAL(cp_onion_ntor_client_create(&st, x, &peer, skin), 0);
	CU_ASSERT(eq_hex(skin, sizeof(skin), NT_SKIN));
	CU_ASSERT_EQUAL_FATAL(cp_onion_ntor_server(&sk, y, skin, sizeof(skin), reply, &ks),
			      CP_ONION_OK);
	CU_ASSERT(eq_hex(reply, sizeof(reply), NT_REPLY));
	CU_ASSERT(eq_hex(ks.keys, sizeof(ks.keys), NT_KEYS));
	CU_ASSERT(eq_hex(ks.kh, sizeof(ks.kh), NT_KH));
	CU_ASSERT_EQUAL_FATAL(cp_onion_client_finish(&st, reply, sizeof(reply), &kc, NULL, 0, NULL),
			      0);
	CU_ASSERT(eq_hex(kc.keys, sizeof(kc.keys), NT_KEYS));
	CU_ASSERT(eq_hex(kc.kh, sizeof(kc.kh), NT_KH));
}

#define FAST_X "40cd897bc2b0cb2d2ad9ba860cc34094e6fa4514"
#define FAST_Y "a0d48dcffcd94a7d217c32eb6d2b8936ca55eb65"
#define FAST_KH "1c59c216e4a37e988eb4c54a6b2db8448af0fc3e"
#define FAST_KEYS                                                                                  \
	"f912e4f0f0c48a12ec0917c653bf7d95bee6c72866105a601911161b252fae7e"                         \
	"2141362eb8c06bc751532fa019ec380337eb8932553808b9b4b11734812aa509"                         \
	"7715fb73e2d9cfc3"

static void
test_onion_fast_matches_computed_vector(void)
{
	struct cp_onion_client st;
	struct cp_onion_keys ks, kc;
	uint8_t x[20], y[20], body[WIRE_CREATE_FAST_LEN], reply[WIRE_CREATED_FAST_LEN];

	unhex(x, 20, FAST_X);
	unhex(y, 20, FAST_Y);
	CU_ASSERT_EQUAL_FATAL(cp_onion_fast_client_create(&st, x, body), 0);
	CU_ASSERT(eq_hex(body, sizeof(body), FAST_X));
	CU_ASSERT_EQUAL_FATAL(cp_onion_fast_server(y, body, sizeof(body), reply, &ks), CP_ONION_OK);
	CU_ASSERT(eq_hex(reply, 20, FAST_Y));
	CU_ASSERT(eq_hex(reply + 20, 20, FAST_KH));
	CU_ASSERT(eq_hex(ks.keys, sizeof(ks.keys), FAST_KEYS));
	CU_ASSERT(eq_hex(ks.kh, sizeof(ks.kh), FAST_KH));
	CU_ASSERT_EQUAL_FATAL(cp_onion_client_finish(&st, reply, sizeof(reply), &kc, NULL, 0, NULL),
			      0);
	CU_ASSERT_EQUAL(memcmp(&kc, &ks, sizeof(kc)), 0);
}

/* ---- round trips through the public API ---- */

static void
round_trip(uint16_t htype, const struct relay *r, const struct cp_onion_peer *peer,
	   const uint8_t *msg, size_t msg_len, size_t want_reply_len)
{
	struct cp_onion_client st;
	struct cp_onion_keys ks, kc;
	uint8_t skin[WIRE_CREATE2_HDATA_MAX], reply[CP_ONION_REPLY_MAX], smsg[CP_ONION_MSG_MAX];
	size_t reply_len, smsg_len = 99;
	int n;

	n = cp_onion_client_create(&st, htype, peer, msg, msg_len, skin, sizeof(skin));
	CU_ASSERT_FATAL(n > 0);
	CU_ASSERT_EQUAL_FATAL(server_of(r, htype, skin, (size_t)n, reply, &reply_len, &ks),
			      CP_ONION_OK);
	CU_ASSERT_EQUAL(reply_len, want_reply_len);
	CU_ASSERT_EQUAL_FATAL(
		cp_onion_client_finish(&st, reply, reply_len, &kc, smsg, sizeof(smsg), &smsg_len),
		0);
	CU_ASSERT_EQUAL(memcmp(&ks, &kc, sizeof(ks)), 0);
	CU_ASSERT_FALSE(all_zero(ks.keys, sizeof(ks.keys)));
	if (htype == WIRE_HTYPE_NTOR_V3) {
		CU_ASSERT_EQUAL(smsg_len, 1);
		CU_ASSERT_EQUAL(smsg[0], 0x00);
	} else {
		CU_ASSERT_EQUAL(smsg_len, 0);
	}
	cp_onion_client_wipe(&st);
}

static void
test_onion_round_trips_agree_on_keys(void)
{
	static const uint8_t none[] = {0x00};
	struct relay r;

	relay_make(&r);
	round_trip(WIRE_HTYPE_FAST, &r, NULL, NULL, 0, WIRE_CREATED_FAST_LEN);
	round_trip(WIRE_HTYPE_NTOR, &r, &r.peer, NULL, 0, WIRE_NTOR_REPLY_LEN);
	round_trip(WIRE_HTYPE_NTOR_V3, &r, &r.peer, none, 1, 65);
}

static void
test_onion_previous_ntor_key_accepted(void)
{
	static const uint8_t none[] = {0x00};
	struct relay r;

	relay_make(&r);
	round_trip(WIRE_HTYPE_NTOR, &r, &r.peer_prev, NULL, 0, WIRE_NTOR_REPLY_LEN);
	round_trip(WIRE_HTYPE_NTOR_V3, &r, &r.peer_prev, none, 1, 65);
}

static void
test_onion_previous_key_refused_when_not_listed(void)
{
	static const uint8_t none[] = {0x00};
	struct cp_onion_client st;
	struct cp_onion_keys k;
	uint8_t skin[WIRE_CREATE2_HDATA_MAX], reply[CP_ONION_REPLY_MAX];
	size_t reply_len, n;
	struct relay r;

	relay_make(&r);
	r.sk.n_ntor = 1; /* the previous key was dropped after its grace period */
	CU_ASSERT_EQUAL(cp_onion_client_create(&st, WIRE_HTYPE_NTOR, &r.peer_prev, NULL, 0, skin,
					       sizeof(skin)),
			WIRE_NTOR_ONIONSKIN_LEN);
	CU_ASSERT_EQUAL(server_of(&r, WIRE_HTYPE_NTOR, skin, WIRE_NTOR_ONIONSKIN_LEN, reply,
				  &reply_len, &k),
			CP_ONION_FAIL_KEYID);
	n = ntor3_skin(&st, &r.peer_prev, none, 1, skin);
	CU_ASSERT_EQUAL(server_of(&r, WIRE_HTYPE_NTOR_V3, skin, n, reply, &reply_len, &k),
			CP_ONION_FAIL_KEYID);
	cp_onion_client_wipe(&st);
}

/* ---- server failures ---- */

static void
test_onion_wrong_nodeid_refused(void)
{
	static const uint8_t none[] = {0x00};
	struct cp_onion_client st;
	struct cp_onion_keys k;
	struct cp_onion_peer other;
	uint8_t skin[WIRE_CREATE2_HDATA_MAX], reply[CP_ONION_REPLY_MAX];
	size_t reply_len, n;
	struct relay r;

	relay_make(&r);
	other = r.peer;
	other.rsa_id[19] ^= 1;
	other.ed_id[0] ^= 1;
	CU_ASSERT_EQUAL(
		cp_onion_client_create(&st, WIRE_HTYPE_NTOR, &other, NULL, 0, skin, sizeof(skin)),
		WIRE_NTOR_ONIONSKIN_LEN);
	CU_ASSERT_EQUAL(server_of(&r, WIRE_HTYPE_NTOR, skin, WIRE_NTOR_ONIONSKIN_LEN, reply,
				  &reply_len, &k),
			CP_ONION_FAIL_NODEID);
	CU_ASSERT_EQUAL(reply_len, 0);
	CU_ASSERT(all_zero(&k, sizeof(k)));
	n = ntor3_skin(&st, &other, none, 1, skin);
	CU_ASSERT_EQUAL(server_of(&r, WIRE_HTYPE_NTOR_V3, skin, n, reply, &reply_len, &k),
			CP_ONION_FAIL_NODEID);
	CU_ASSERT(all_zero(&k, sizeof(k)));
	cp_onion_client_wipe(&st);
}

static void
test_onion_unknown_keyid_refused(void)
{
	static const uint8_t none[] = {0x00};
	struct cp_onion_client st;
	struct cp_onion_keys k;
	struct cp_onion_peer other;
	uint8_t skin[WIRE_CREATE2_HDATA_MAX], reply[CP_ONION_REPLY_MAX], sec[32];
	size_t reply_len, n;
	struct relay r;

	relay_make(&r);
	other = r.peer;
	CU_ASSERT_EQUAL(cp_onion_x25519_keygen(sec, other.ntor_pub), 0);
	CU_ASSERT_EQUAL(
		cp_onion_client_create(&st, WIRE_HTYPE_NTOR, &other, NULL, 0, skin, sizeof(skin)),
		WIRE_NTOR_ONIONSKIN_LEN);
	CU_ASSERT_EQUAL(server_of(&r, WIRE_HTYPE_NTOR, skin, WIRE_NTOR_ONIONSKIN_LEN, reply,
				  &reply_len, &k),
			CP_ONION_FAIL_KEYID);
	CU_ASSERT(all_zero(&k, sizeof(k)));
	n = ntor3_skin(&st, &other, none, 1, skin);
	CU_ASSERT_EQUAL(server_of(&r, WIRE_HTYPE_NTOR_V3, skin, n, reply, &reply_len, &k),
			CP_ONION_FAIL_KEYID);
	cp_onion_client_wipe(&st);
}

/* Low-order X25519 points (all give an all-zero shared secret): 0, 1, and the order-8 point. */
static const char *const low_order_points[] = {
	"0000000000000000000000000000000000000000000000000000000000000000",
	"0100000000000000000000000000000000000000000000000000000000000000",
	"e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
	"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
};

static void
test_onion_degenerate_client_point_refused(void)
{
	static const uint8_t none[] = {0x00};
	struct cp_onion_client st;
	struct cp_onion_keys k;
	uint8_t skin[WIRE_CREATE2_HDATA_MAX], reply[CP_ONION_REPLY_MAX];
	size_t reply_len, n;
	struct relay r;

	relay_make(&r);
	for (size_t i = 0; i < ARRAY_SIZE(low_order_points); i++) {
		/* ntor: X replaced. */
		CU_ASSERT_EQUAL(cp_onion_client_create(&st, WIRE_HTYPE_NTOR, &r.peer, NULL, 0, skin,
						       sizeof(skin)),
				WIRE_NTOR_ONIONSKIN_LEN);
		unhex(skin + 52, 32, low_order_points[i]);
		CU_ASSERT_EQUAL(server_of(&r, WIRE_HTYPE_NTOR, skin, WIRE_NTOR_ONIONSKIN_LEN, reply,
					  &reply_len, &k),
				CP_ONION_FAIL_CRYPTO);
		CU_ASSERT(all_zero(&k, sizeof(k)));
		/* ntor-v3: X replaced (the MAC would not match either; Xb is checked first). */
		n = ntor3_skin(&st, &r.peer, none, 1, skin);
		unhex(skin + 64, 32, low_order_points[i]);
		CU_ASSERT_EQUAL(server_of(&r, WIRE_HTYPE_NTOR_V3, skin, n, reply, &reply_len, &k),
				CP_ONION_FAIL_CRYPTO);
	}
	CU_ASSERT_EQUAL(cp_onion_x25519(reply, r.sk.ntor[0].sec, r.sk.ntor[0].pub, skin + 64),
			-EPROTO);
	CU_ASSERT(all_zero(reply, 32));
	cp_onion_client_wipe(&st);
}

/*
 * cp_onion_x25519() hands OpenSSL the secret's public key so that the
 * import does no scalar multiplication; the result must still depend on
 * the secret and the peer's key only (RFC 7748 §5). Known answer: RFC 7748
 * §6.1 (Alice's secret, Bob's public key, their shared secret), given once
 * with Alice's real public key and once with an unrelated one.
 */
static void
test_onion_x25519_ignores_sec_pub(void)
{
	uint8_t a_sec[32], a_pub[32], b_pub[32], want[32], out[32], junk[32];

	unhex(a_sec, 32, "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
	unhex(a_pub, 32, "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
	unhex(b_pub, 32, "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
	unhex(want, 32, "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
	CU_ASSERT_EQUAL(cp_onion_x25519(out, a_sec, a_pub, b_pub), 0);
	CU_ASSERT_EQUAL(memcmp(out, want, 32), 0);
	memset(junk, 0x5a, sizeof(junk));
	CU_ASSERT_EQUAL(cp_onion_x25519(out, a_sec, junk, b_pub), 0);
	CU_ASSERT_EQUAL(memcmp(out, want, 32), 0);
}

static void
test_onion_ntor3_bad_mac_refused(void)
{
	static const uint8_t none[] = {0x00};
	struct cp_onion_client st;
	struct cp_onion_keys k;
	uint8_t skin[WIRE_CREATE2_HDATA_MAX], reply[CP_ONION_REPLY_MAX];
	size_t reply_len, n;
	struct relay r;

	relay_make(&r);
	n = ntor3_skin(&st, &r.peer, none, 1, skin);
	skin[n - 1] ^= 0x01; /* the MAC */
	CU_ASSERT_EQUAL(server_of(&r, WIRE_HTYPE_NTOR_V3, skin, n, reply, &reply_len, &k),
			CP_ONION_FAIL_CRYPTO);
	skin[n - 1] ^= 0x01;
	skin[96] ^= 0x01; /* the encrypted message */
	CU_ASSERT_EQUAL(server_of(&r, WIRE_HTYPE_NTOR_V3, skin, n, reply, &reply_len, &k),
			CP_ONION_FAIL_CRYPTO);
	skin[96] ^= 0x01;
	skin[70] ^= 0x01; /* X: another (valid) point, so another MAC key */
	CU_ASSERT_EQUAL(server_of(&r, WIRE_HTYPE_NTOR_V3, skin, n, reply, &reply_len, &k),
			CP_ONION_FAIL_CRYPTO);
	skin[70] ^= 0x01;
	CU_ASSERT_EQUAL(server_of(&r, WIRE_HTYPE_NTOR_V3, skin, n, reply, &reply_len, &k),
			CP_ONION_OK);
	cp_onion_client_wipe(&st);
}

static void
test_onion_ntor3_other_verification_string_refused(void)
{
	static const uint8_t none[] = {0x00};
	struct cp_onion_client st;
	struct cp_onion_keys k;
	uint8_t skin[WIRE_CREATE2_HDATA_MAX], reply[CP_ONION_REPLY_MAX];
	size_t reply_len;
	struct relay r;
	int n;

	relay_make(&r);
	n = cp_onion_ntor3_client_create(&st, NULL, &r.peer, (const uint8_t *)"xyzzy", 5, none, 1,
					 skin, sizeof(skin));
	CU_ASSERT_EQUAL_FATAL(n, 129);
	CU_ASSERT_EQUAL(server_of(&r, WIRE_HTYPE_NTOR_V3, skin, (size_t)n, reply, &reply_len, &k),
			CP_ONION_FAIL_CRYPTO);
	cp_onion_client_wipe(&st);
}

static void
test_onion_bad_lengths_refused(void)
{
	static const struct {
		const char *name;
		uint16_t htype;
		size_t hlen;
	} cases[] = {
		{"fast short", WIRE_HTYPE_FAST, WIRE_CREATE_FAST_LEN - 1},
		{"fast long", WIRE_HTYPE_FAST, WIRE_CREATE_FAST_LEN + 1},
		{"ntor short", WIRE_HTYPE_NTOR, WIRE_NTOR_ONIONSKIN_LEN - 1},
		{"ntor long", WIRE_HTYPE_NTOR, WIRE_NTOR_ONIONSKIN_LEN + 1},
		{"ntor empty", WIRE_HTYPE_NTOR, 0},
		{"ntor3 short", WIRE_HTYPE_NTOR_V3, CP_NTOR3_OVERHEAD - 1},
		{"ntor3 oversized", WIRE_HTYPE_NTOR_V3, WIRE_CREATE2_HDATA_MAX + 1},
	};
	uint8_t hdata[WIRE_CREATE2_HDATA_MAX + 1], reply[CP_ONION_REPLY_MAX];
	struct cp_onion_keys k;
	size_t reply_len;
	struct relay r;

	relay_make(&r);
	memset(hdata, 0, sizeof(hdata));
	memcpy(hdata, r.sk.rsa_id, 20); /* a good NODEID, so only the length is wrong */
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		enum cp_onion_fail f =
			server_of(&r, cases[i].htype, hdata, cases[i].hlen, reply, &reply_len, &k);

		CU_ASSERT_EQUAL(f, CP_ONION_FAIL_LENGTH);
		if (f != CP_ONION_FAIL_LENGTH)
			fprintf(stderr, "case %s: %s\n", cases[i].name, cp_onion_fail_name(f));
		CU_ASSERT(all_zero(&k, sizeof(k)));
	}
}

static void
test_onion_tap_and_unknown_htype_refused(void)
{
	static const uint16_t htypes[] = {WIRE_HTYPE_TAP, 4, 0x0100, 0xffff};
	uint8_t hdata[WIRE_CREATE2_HDATA_MAX] = {0}, reply[CP_ONION_REPLY_MAX];
	struct cp_onion_keys k;
	size_t reply_len = 7;
	struct relay r;

	relay_make(&r);
	for (size_t i = 0; i < ARRAY_SIZE(htypes); i++) {
		CU_ASSERT_EQUAL(server_of(&r, htypes[i], hdata, 186, reply, &reply_len, &k),
				CP_ONION_FAIL_HTYPE);
		CU_ASSERT_EQUAL(reply_len, 0);
		CU_ASSERT(all_zero(&k, sizeof(k)));
	}
}

/* ---- ntor-v3 extensions ---- */

struct ext_case {
	const char *name;
	const char *cm; /* hex of the client message */
	enum cp_onion_fail want;
};

static const struct ext_case ext_cases[] = {
	{"no extensions", "00", CP_ONION_OK},
	{"cc_request", "010100", CP_ONION_OK},
	{"cc_request with a body", "010101ff", CP_ONION_OK},
	{"unknown type ignored", "017f03aabbcc", CP_ONION_OK},
	{"cc_request then unknown", "0201002a01ff", CP_ONION_OK},
	{"cc_response from a client ignored", "01020120", CP_ONION_OK},
	{"repeated cc_request", "0201000100", CP_ONION_OK},
	{"empty message (no N_EXT)", "", CP_ONION_FAIL_EXT},
	{"N_EXT 1, nothing after", "01", CP_ONION_FAIL_EXT},
	{"extension header cut", "0101", CP_ONION_FAIL_EXT},
	{"extension body cut", "01050300aa", CP_ONION_FAIL_EXT},
	{"second extension missing", "020100", CP_ONION_FAIL_EXT},
	{"trailing bytes", "000000", CP_ONION_FAIL_EXT},
	{"trailing after an extension", "01010000", CP_ONION_FAIL_EXT},
	{"subproto_request (cgo)",
	 "01030202"
	 "06",
	 CP_ONION_FAIL_EXT_UNSUPPORTED},
	{"tor 0.4.9 exit message", "02010003020206", CP_ONION_FAIL_EXT_UNSUPPORTED},
	{"empty subproto_request", "010300", CP_ONION_FAIL_EXT_UNSUPPORTED},
	{"subproto after unknown",
	 "027f00030201"
	 "05",
	 CP_ONION_FAIL_EXT_UNSUPPORTED},
	{"malformed beats subproto", "0203020206ff", CP_ONION_FAIL_EXT},
};

static void
test_onion_ntor3_policy_table(void)
{
	uint8_t cm[64], sm[4];
	size_t sm_len;

	for (size_t i = 0; i < ARRAY_SIZE(ext_cases); i++) {
		size_t n = strlen(ext_cases[i].cm) / 2;
		enum cp_onion_fail f;

		unhex(cm, n, ext_cases[i].cm);
		f = cp_onion_ntor3_policy(cm, n, sm, sizeof(sm), &sm_len);
		CU_ASSERT_EQUAL(f, ext_cases[i].want);
		if (f != ext_cases[i].want)
			fprintf(stderr, "case \"%s\": got %s\n", ext_cases[i].name,
				cp_onion_fail_name(f));
		CU_ASSERT_EQUAL(sm_len, f == CP_ONION_OK ? 1 : 0);
		if (f == CP_ONION_OK)
			CU_ASSERT_EQUAL(sm[0], 0x00);
	}
}

static void
test_onion_ntor3_extensions_through_handshake(void)
{
	struct cp_onion_client st;
	struct cp_onion_keys ks, kc;
	uint8_t cm[64], skin[WIRE_CREATE2_HDATA_MAX], reply[CP_ONION_REPLY_MAX], smsg[8];
	size_t reply_len, smsg_len, n;
	struct relay r;

	relay_make(&r);
	for (size_t i = 0; i < ARRAY_SIZE(ext_cases); i++) {
		size_t cm_len = strlen(ext_cases[i].cm) / 2;
		enum cp_onion_fail f;

		unhex(cm, cm_len, ext_cases[i].cm);
		n = ntor3_skin(&st, &r.peer, cm, cm_len, skin);
		CU_ASSERT_EQUAL(n, 128 + cm_len);
		f = server_of(&r, WIRE_HTYPE_NTOR_V3, skin, n, reply, &reply_len, &ks);
		CU_ASSERT_EQUAL(f, ext_cases[i].want);
		if (f != ext_cases[i].want) {
			fprintf(stderr, "case \"%s\": got %s\n", ext_cases[i].name,
				cp_onion_fail_name(f));
			continue;
		}
		if (f != CP_ONION_OK) {
			CU_ASSERT_EQUAL(reply_len, 0);
			CU_ASSERT(all_zero(&ks, sizeof(ks)));
			continue;
		}
		/* Accepted: the reply carries "00", 65 bytes of CREATED2 HDATA. */
		CU_ASSERT_EQUAL(reply_len, 65);
		CU_ASSERT_EQUAL(cp_onion_client_finish(&st, reply, reply_len, &kc, smsg,
						       sizeof(smsg), &smsg_len),
				0);
		CU_ASSERT_EQUAL(smsg_len, 1);
		CU_ASSERT_EQUAL(smsg[0], 0x00);
		CU_ASSERT_EQUAL(memcmp(&ks, &kc, sizeof(ks)), 0);
	}
	cp_onion_client_wipe(&st);
}

/* ---- client failures ---- */

/* Run a handshake of @p htype, tamper with byte @p at of the reply (or cut it to @p len), and
 * expect the client to refuse with @p want and leave zero keys. */
static void
client_refuses(const struct relay *r, uint16_t htype, int at, size_t len, int want)
{
	static const uint8_t none[] = {0x00};
	struct cp_onion_client st;
	struct cp_onion_keys ks, kc;
	uint8_t skin[WIRE_CREATE2_HDATA_MAX], reply[CP_ONION_REPLY_MAX + 1], smsg[8];
	size_t reply_len, smsg_len = 5;
	int n;

	n = cp_onion_client_create(&st, htype, &r->peer, none, 1, skin, sizeof(skin));
	CU_ASSERT_FATAL(n > 0);
	memset(reply, 0, sizeof(reply));
	CU_ASSERT_EQUAL_FATAL(server_of(r, htype, skin, (size_t)n, reply, &reply_len, &ks),
			      CP_ONION_OK);
	if (at >= 0)
		reply[at] ^= 0x04;
	if (len != 0)
		reply_len = len;
	memset(&kc, 0xaa, sizeof(kc));
	CU_ASSERT_EQUAL(
		cp_onion_client_finish(&st, reply, reply_len, &kc, smsg, sizeof(smsg), &smsg_len),
		want);
	CU_ASSERT(all_zero(&kc, sizeof(kc)));
	CU_ASSERT_EQUAL(smsg_len, 0);
	cp_onion_client_wipe(&st);
}

static void
test_onion_client_rejects_tampered_reply(void)
{
	struct relay r;

	relay_make(&r);
	client_refuses(&r, WIRE_HTYPE_NTOR, 40, 0, -EPROTO);	       /* AUTH */
	client_refuses(&r, WIRE_HTYPE_NTOR, 5, 0, -EPROTO);	       /* Y */
	client_refuses(&r, WIRE_HTYPE_NTOR, -1, 63, -EPROTO);	       /* short */
	client_refuses(&r, WIRE_HTYPE_NTOR, -1, 65, -EPROTO);	       /* long */
	client_refuses(&r, WIRE_HTYPE_NTOR_V3, 40, 0, -EPROTO);	       /* AUTH */
	client_refuses(&r, WIRE_HTYPE_NTOR_V3, 64, 0, -EPROTO);	       /* the message */
	client_refuses(&r, WIRE_HTYPE_NTOR_V3, 5, 0, -EPROTO);	       /* Y */
	client_refuses(&r, WIRE_HTYPE_NTOR_V3, -1, 63, -EPROTO);       /* shorter than Y | AUTH */
	client_refuses(&r, WIRE_HTYPE_NTOR_V3, -1, 64, -EPROTO);       /* message cut off */
	client_refuses(&r, WIRE_HTYPE_NTOR_V3, -1, 64 + 9, -EMSGSIZE); /* over msg_cap */
	client_refuses(&r, WIRE_HTYPE_FAST, 25, 0, -EPROTO);	       /* KH */
	client_refuses(&r, WIRE_HTYPE_FAST, 3, 0, -EPROTO);	       /* Y */
	client_refuses(&r, WIRE_HTYPE_FAST, -1, 39, -EPROTO);	       /* short */
}

static void
test_onion_client_rejects_degenerate_server_point(void)
{
	static const uint8_t none[] = {0x00};
	struct cp_onion_client st;
	struct cp_onion_keys kc;
	uint8_t skin[WIRE_CREATE2_HDATA_MAX], reply[CP_ONION_REPLY_MAX], smsg[4];
	struct relay r;

	relay_make(&r);
	for (size_t i = 0; i < ARRAY_SIZE(low_order_points); i++) {
		memset(reply, 0x55, sizeof(reply));
		unhex(reply, 32, low_order_points[i]);
		CU_ASSERT_EQUAL(cp_onion_client_create(&st, WIRE_HTYPE_NTOR, &r.peer, NULL, 0, skin,
						       sizeof(skin)),
				WIRE_NTOR_ONIONSKIN_LEN);
		CU_ASSERT_EQUAL(cp_onion_client_finish(&st, reply, 64, &kc, NULL, 0, NULL),
				-EPROTO);
		CU_ASSERT(all_zero(&kc, sizeof(kc)));
		CU_ASSERT(ntor3_skin(&st, &r.peer, none, 1, skin) > 0);
		CU_ASSERT_EQUAL(
			cp_onion_client_finish(&st, reply, 65, &kc, smsg, sizeof(smsg), NULL),
			-EPROTO);
	}
	/* A relay whose onion key is a low-order point: ntor-v3 cannot even start. */
	unhex(r.peer.ntor_pub, 32, low_order_points[1]);
	CU_ASSERT_EQUAL(cp_onion_client_create(&st, WIRE_HTYPE_NTOR_V3, &r.peer, none, 1, skin,
					       sizeof(skin)),
			-EPROTO);
	CU_ASSERT(all_zero(&st, sizeof(st)));
}

static void
test_onion_client_create_arguments_checked(void)
{
	static uint8_t big[CP_ONION_MSG_MAX + 1];
	struct cp_onion_client st;
	uint8_t out[WIRE_CREATE2_HDATA_MAX];
	struct relay r;

	relay_make(&r);
	CU_ASSERT_EQUAL(
		cp_onion_client_create(&st, WIRE_HTYPE_TAP, &r.peer, NULL, 0, out, sizeof(out)),
		-EINVAL);
	CU_ASSERT_EQUAL(cp_onion_client_create(&st, 9, &r.peer, NULL, 0, out, sizeof(out)),
			-EINVAL);
	CU_ASSERT_EQUAL(cp_onion_client_create(&st, WIRE_HTYPE_NTOR, &r.peer, NULL, 0, out,
					       sizeof(out) - 1),
			-EINVAL);
	CU_ASSERT_EQUAL(
		cp_onion_client_create(&st, WIRE_HTYPE_NTOR, NULL, NULL, 0, out, sizeof(out)),
		-EINVAL);
	CU_ASSERT_EQUAL(cp_onion_client_create(&st, WIRE_HTYPE_NTOR_V3, &r.peer, big, sizeof(big),
					       out, sizeof(out)),
			-EMSGSIZE);
	CU_ASSERT_EQUAL(cp_onion_client_create(&st, WIRE_HTYPE_NTOR_V3, &r.peer, big,
					       CP_ONION_MSG_MAX, out, sizeof(out)),
			128 + CP_ONION_MSG_MAX);
	cp_onion_client_wipe(&st);
}

static void
test_onion_fail_names(void)
{
	CU_ASSERT_STRING_EQUAL(cp_onion_fail_name(CP_ONION_OK), "ok");
	CU_ASSERT_STRING_EQUAL(cp_onion_fail_name(CP_ONION_FAIL_HTYPE), "htype");
	CU_ASSERT_STRING_EQUAL(cp_onion_fail_name(CP_ONION_FAIL_LENGTH), "length");
	CU_ASSERT_STRING_EQUAL(cp_onion_fail_name(CP_ONION_FAIL_NODEID), "nodeid");
	CU_ASSERT_STRING_EQUAL(cp_onion_fail_name(CP_ONION_FAIL_KEYID), "keyid");
	CU_ASSERT_STRING_EQUAL(cp_onion_fail_name(CP_ONION_FAIL_CRYPTO), "crypto");
	CU_ASSERT_STRING_EQUAL(cp_onion_fail_name(CP_ONION_FAIL_EXT), "ext");
	CU_ASSERT_STRING_EQUAL(cp_onion_fail_name(CP_ONION_FAIL_EXT_UNSUPPORTED),
			       "ext_unsupported");
	CU_ASSERT_STRING_EQUAL(cp_onion_fail_name(CP_ONION_FAIL__COUNT), "unknown");
}

static CU_TestInfo onion_tests[] = {
	{"kdf_tor_matches_tor_vectors", test_onion_kdf_tor_matches_tor_vectors},
	{"hkdf_matches_rfc5869", test_onion_hkdf_matches_rfc5869},
	{"hkdf_matches_tor_ntor_vectors", test_onion_hkdf_matches_tor_ntor_vectors},
	{"kdf_limits_refused", test_onion_kdf_limits_refused},
	{"sha3_and_shake_match_fips202", test_onion_sha3_and_shake_match_fips202},
	{"ntor3_reproduces_prop332_vectors", test_onion_ntor3_reproduces_prop332_vectors},
	{"ntor3_circuit_vector_key_layout", test_onion_ntor3_circuit_vector_key_layout},
	{"ntor_matches_computed_vector", test_onion_ntor_matches_computed_vector},
	{"fast_matches_computed_vector", test_onion_fast_matches_computed_vector},
	{"round_trips_agree_on_keys", test_onion_round_trips_agree_on_keys},
	{"previous_ntor_key_accepted", test_onion_previous_ntor_key_accepted},
	{"previous_key_refused_when_not_listed", test_onion_previous_key_refused_when_not_listed},
	{"wrong_nodeid_refused", test_onion_wrong_nodeid_refused},
	{"unknown_keyid_refused", test_onion_unknown_keyid_refused},
	{"degenerate_client_point_refused", test_onion_degenerate_client_point_refused},
	{"x25519_ignores_sec_pub", test_onion_x25519_ignores_sec_pub},
	{"ntor3_bad_mac_refused", test_onion_ntor3_bad_mac_refused},
	{"ntor3_other_verification_string_refused",
	 test_onion_ntor3_other_verification_string_refused},
	{"bad_lengths_refused", test_onion_bad_lengths_refused},
	{"tap_and_unknown_htype_refused", test_onion_tap_and_unknown_htype_refused},
	{"ntor3_policy_table", test_onion_ntor3_policy_table},
	{"ntor3_extensions_through_handshake", test_onion_ntor3_extensions_through_handshake},
	{"client_rejects_tampered_reply", test_onion_client_rejects_tampered_reply},
	{"client_rejects_degenerate_server_point",
	 test_onion_client_rejects_degenerate_server_point},
	{"client_create_arguments_checked", test_onion_client_create_arguments_checked},
	{"fail_names", test_onion_fail_names},
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_onion = {
	.pName = "controlplane/onion",
	.pTests = onion_tests,
};
