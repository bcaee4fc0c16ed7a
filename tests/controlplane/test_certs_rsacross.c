/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief CUnit suite "controlplane/certs_rsacross": RSA identity digests and crosscerts.
 *
 * The expected bytes were computed independently in Python from the RSA
 * numbers of the fixed test key rsa_a: digests over its PKCS#1 DER with
 * hashlib, and PKCS#1 v1.5 type-1 signatures as pow(00 01 FF.. 00 | data,
 * d, n) with no DigestInfo (cert-spec.txt §2.3; checklist A8, A10).
 * PKCS#1 v1.5 signatures are deterministic, so the maker must reproduce
 * them exactly. Tor's own crosscerts are checked in test_certs_tor.c.
 */
#include "tests/suites.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <openssl/evp.h>

#include "controlplane/certs/rsacross.h"
#include "tests/controlplane/test_certs_util.h"

/* Public key of seed 01..20 (master). */
static const uint8_t vec_master_pub[32] = {
	0x79, 0xb5, 0x56, 0x2e, 0x8f, 0xe6, 0x54, 0xf9, 0x40, 0x78, 0xb1, 0x12,
	0xe8, 0xa9, 0x8b, 0xa7, 0x90, 0x1f, 0x85, 0x3a, 0xe6, 0x95, 0xbe, 0xd7,
	0xe0, 0xe3, 0x91, 0x0b, 0xad, 0x04, 0x96, 0x64,
};

/* Public key of seed 21..40 (signing). */
static const uint8_t vec_signing_pub[32] = {
	0xe7, 0xf1, 0x62, 0xa1, 0x0b, 0xec, 0x55, 0x9a, 0xfe, 0xa1, 0x95, 0xe4,
	0xdc, 0xe8, 0x4b, 0x69, 0x56, 0x8d, 0x5d, 0x2c, 0xb0, 0x96, 0x3e, 0xb4,
	0x46, 0xc0, 0x68, 0x5e, 0x2b, 0x17, 0xf2, 0xf0,
};

/* SHA1 of rsa_a's PKCS#1 DER. */
static const uint8_t vec_rsa_a_sha1[20] = {
	0x11, 0xdf, 0x2b, 0x65, 0x57, 0xb7, 0xb6, 0x9f, 0x40, 0xb0, 0x2d, 0x0d,
	0xc0, 0x33, 0x8a, 0x9e, 0xb4, 0x5b, 0x75, 0xbd,
};

/* SHA256 of rsa_a's PKCS#1 DER. */
static const uint8_t vec_rsa_a_sha256[32] = {
	0x30, 0xf1, 0xcc, 0xdf, 0xa9, 0xc4, 0x0b, 0x46, 0xf1, 0x0f, 0x38, 0xf3,
	0xed, 0x64, 0xe7, 0x73, 0xea, 0xc3, 0xa0, 0x62, 0xb2, 0xd0, 0xa9, 0x18,
	0x17, 0x99, 0x69, 0x3e, 0x0c, 0x8f, 0xf9, 0x92,
};

/* Type 7 by rsa_a for vec_master_pub, exp 480000 h. */
static const uint8_t vec_crosscert[165] = {
	0x79, 0xb5, 0x56, 0x2e, 0x8f, 0xe6, 0x54, 0xf9, 0x40, 0x78, 0xb1, 0x12,
	0xe8, 0xa9, 0x8b, 0xa7, 0x90, 0x1f, 0x85, 0x3a, 0xe6, 0x95, 0xbe, 0xd7,
	0xe0, 0xe3, 0x91, 0x0b, 0xad, 0x04, 0x96, 0x64, 0x00, 0x07, 0x53, 0x00,
	0x80, 0xa5, 0x8c, 0xfd, 0x0b, 0x8d, 0x9c, 0x71, 0x3f, 0x30, 0xac, 0xa8,
	0x04, 0xfa, 0x7d, 0x1e, 0xc6, 0xd5, 0x76, 0x7c, 0xdf, 0xc3, 0xaf, 0x91,
	0xea, 0xd8, 0x7b, 0xa9, 0xf0, 0x58, 0x39, 0xcf, 0xfa, 0xb9, 0xad, 0x87,
	0xdc, 0xf8, 0x06, 0x74, 0x52, 0x31, 0x1a, 0x51, 0xfd, 0x4e, 0xad, 0xff,
	0x17, 0x9e, 0xfb, 0xda, 0x1b, 0xdd, 0x28, 0x75, 0xd9, 0x60, 0x31, 0x78,
	0x04, 0xf8, 0xee, 0x00, 0x4e, 0x84, 0x81, 0xe1, 0xe4, 0xac, 0x6d, 0xf1,
	0x8c, 0x05, 0x8c, 0xa1, 0xb5, 0x47, 0x85, 0x8e, 0x81, 0x93, 0x52, 0x06,
	0xaf, 0x15, 0xf1, 0xf0, 0xd9, 0xad, 0x4a, 0x52, 0xee, 0x62, 0xc6, 0x55,
	0x4a, 0xf3, 0x3c, 0xd1, 0xc5, 0x83, 0x6c, 0x69, 0x18, 0xf0, 0x1e, 0xad,
	0xf1, 0x92, 0x1b, 0x0e, 0xba, 0x33, 0xb4, 0xc5, 0x42, 0x8f, 0x56, 0xff,
	0x17, 0x9d, 0xba, 0x6e, 0x7a, 0xbf, 0x57, 0x19, 0xa6,
};

/* TAP crosscert by rsa_a (as onion key), id = rsa_a, master = vec_master_pub. */
static const uint8_t vec_tap_crosscert[128] = {
	0x54, 0xfd, 0x85, 0x19, 0x50, 0x59, 0x39, 0x5a, 0x63, 0x89, 0x73, 0x92,
	0x4e, 0x99, 0xe1, 0x19, 0x2c, 0x07, 0x23, 0x05, 0x68, 0x89, 0x25, 0x56,
	0xe0, 0x90, 0x59, 0xb6, 0x3d, 0xc1, 0xf8, 0x30, 0xac, 0x5f, 0xbc, 0xe0,
	0x09, 0xcf, 0xf6, 0x75, 0x6a, 0xed, 0x7e, 0x68, 0xca, 0x6a, 0x42, 0xfa,
	0xba, 0xc9, 0x05, 0x5b, 0xcf, 0x0f, 0x05, 0x4e, 0x7a, 0xb9, 0xd4, 0x9e,
	0x6f, 0x83, 0x12, 0x82, 0xae, 0xc2, 0xcc, 0xfa, 0x59, 0x6a, 0xa4, 0x4f,
	0x63, 0x09, 0xbf, 0x69, 0x9d, 0xa1, 0x57, 0x7d, 0x45, 0xb8, 0x8f, 0x7e,
	0xb3, 0x3d, 0x68, 0x17, 0x8f, 0xbb, 0xc4, 0x9e, 0x1b, 0xc8, 0x28, 0x55,
	0x97, 0xcd, 0x94, 0x20, 0x95, 0xd9, 0x2b, 0x74, 0x40, 0x9f, 0xf6, 0x57,
	0x74, 0xee, 0xdb, 0x08, 0xe6, 0xc0, 0xc3, 0x2c, 0x7c, 0x24, 0x5c, 0x5a,
	0xc1, 0x0a, 0x94, 0xa5, 0x75, 0x67, 0x16, 0xe9,
};

/* vec_crosscert expires at hour 480000. */
#define XC_EXP 480000u
#define NOW ((time_t)(XC_EXP - 1) * 3600)

static EVP_PKEY *rsa_a;
static EVP_PKEY *rsa_b;

static int
rsacross_suite_init(void)
{
	rsa_a = certs_test_pem_key(certs_test_rsa_a_pem());
	rsa_b = certs_test_pem_key(certs_test_rsa_b_pem());
	return rsa_a != NULL && rsa_b != NULL ? 0 : -1;
}

static int
rsacross_suite_fini(void)
{
	EVP_PKEY_free(rsa_a);
	EVP_PKEY_free(rsa_b);
	return 0;
}

static void
test_rsacross_id_digests_are_over_pkcs1_der(void)
{
	uint8_t sha1[20];
	uint8_t sha256[32];

	CU_ASSERT_EQUAL_FATAL(cp_rsa_id_digests(rsa_a, sha1, sha256), 0);
	CU_ASSERT_EQUAL(memcmp(sha1, vec_rsa_a_sha1, 20), 0);
	CU_ASSERT_EQUAL(memcmp(sha256, vec_rsa_a_sha256, 32), 0);
}

static void
test_rsacross_id_digests_reject_non_rsa_key(void)
{
	static const uint8_t seed[32];
	EVP_PKEY *ed = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed, 32);
	uint8_t sha1[20];

	CU_ASSERT_PTR_NOT_NULL_FATAL(ed);
	CU_ASSERT_EQUAL(cp_rsa_id_digests(ed, sha1, NULL), -EINVAL);
	EVP_PKEY_free(ed);
}

static void
test_rsacross_make_matches_vector(void)
{
	uint8_t out[CP_RSACROSS_MAX_LEN];

	CU_ASSERT_EQUAL_FATAL(cp_rsacross_make(out, sizeof(out), vec_master_pub, XC_EXP, rsa_a),
			      CP_RSACROSS_LEN_1024);
	CU_ASSERT_EQUAL(memcmp(out, vec_crosscert, sizeof(vec_crosscert)), 0);
}

static void
test_rsacross_make_rejects_small_buffer(void)
{
	uint8_t out[CP_RSACROSS_LEN_1024 - 1];

	CU_ASSERT_EQUAL(cp_rsacross_make(out, sizeof(out), vec_master_pub, XC_EXP, rsa_a),
			-ENOBUFS);
}

static void
test_rsacross_check_accepts_vector(void)
{
	CU_ASSERT_EQUAL(cp_rsacross_check(vec_crosscert, sizeof(vec_crosscert), rsa_a,
					  vec_master_pub, NOW), CP_CERT_OK);
}

static void
test_rsacross_check_is_valid_through_expiry_second(void)
{
	CU_ASSERT_EQUAL(cp_rsacross_check(vec_crosscert, sizeof(vec_crosscert), rsa_a,
					  vec_master_pub, (time_t)XC_EXP * 3600), CP_CERT_OK);
}

static void
test_rsacross_check_rejects_expired(void)
{
	CU_ASSERT_EQUAL(cp_rsacross_check(vec_crosscert, sizeof(vec_crosscert), rsa_a,
					  vec_master_pub, (time_t)XC_EXP * 3600 + 1),
			CP_CERT_ERR_XC_EXPIRED);
}

static void
test_rsacross_check_rejects_other_ed_key(void)
{
	CU_ASSERT_EQUAL(cp_rsacross_check(vec_crosscert, sizeof(vec_crosscert), rsa_a,
					  vec_signing_pub, NOW), CP_CERT_ERR_XC_KEY);
}

static void
test_rsacross_check_rejects_other_rsa_key(void)
{
	CU_ASSERT_EQUAL(cp_rsacross_check(vec_crosscert, sizeof(vec_crosscert), rsa_b,
					  vec_master_pub, NOW), CP_CERT_ERR_XC_SIG);
}

static void
test_rsacross_check_rejects_every_truncation(void)
{
	size_t k;

	for (k = 0; k < sizeof(vec_crosscert); k++)
		CU_ASSERT_EQUAL(cp_rsacross_check(vec_crosscert, k, rsa_a, vec_master_pub, NOW),
				CP_CERT_ERR_XC_MALFORMED);
}

static void
test_rsacross_check_rejects_trailing_byte(void)
{
	uint8_t buf[sizeof(vec_crosscert) + 1];

	memcpy(buf, vec_crosscert, sizeof(vec_crosscert));
	buf[sizeof(vec_crosscert)] = 0;
	CU_ASSERT_EQUAL(cp_rsacross_check(buf, sizeof(buf), rsa_a, vec_master_pub, NOW),
			CP_CERT_ERR_XC_MALFORMED);
}

static void
test_rsacross_check_rejects_any_flipped_signature_byte(void)
{
	uint8_t buf[sizeof(vec_crosscert)];
	size_t i;

	for (i = 37; i < sizeof(buf); i++) {
		memcpy(buf, vec_crosscert, sizeof(buf));
		buf[i] ^= 0x80;
		CU_ASSERT_EQUAL(cp_rsacross_check(buf, sizeof(buf), rsa_a, vec_master_pub, NOW),
				CP_CERT_ERR_XC_SIG);
	}
}

static void
test_rsacross_check_rejects_changed_expiry(void)
{
	uint8_t buf[sizeof(vec_crosscert)];

	/* A later expiry is not what was signed. */
	memcpy(buf, vec_crosscert, sizeof(buf));
	buf[35] ^= 0x01;
	CU_ASSERT_EQUAL(cp_rsacross_check(buf, sizeof(buf), rsa_a, vec_master_pub, NOW),
			CP_CERT_ERR_XC_SIG);
}

static void
test_rsacross_check_rejects_digestinfo_signature(void)
{
	/* The mistake of checklist A8: EVP_DigestSign() (DigestInfo-wrapped
	 * SHA256) over the same prefixed bytes is not what tor accepts. */
	uint8_t buf[CP_RSACROSS_LEN_1024];
	uint8_t msg[37 + 36];
	size_t siglen = 128;
	EVP_MD_CTX *md = EVP_MD_CTX_new();

	CU_ASSERT_PTR_NOT_NULL_FATAL(md);
	memcpy(buf, vec_crosscert, 37);
	memcpy(msg, CP_RSACROSS_PREFIX, 37);
	memcpy(msg + 37, vec_crosscert, 36);
	CU_ASSERT_EQUAL_FATAL(EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, rsa_a), 1);
	CU_ASSERT_EQUAL_FATAL(EVP_DigestSign(md, buf + 37, &siglen, msg, sizeof(msg)), 1);
	EVP_MD_CTX_free(md);
	CU_ASSERT_EQUAL(cp_rsacross_check(buf, sizeof(buf), rsa_a, vec_master_pub, NOW),
			CP_CERT_ERR_XC_SIG);
}

static void
test_rsacross_raw_sign_round_trips(void)
{
	static const uint8_t data[] = "forty-two";
	uint8_t sig[128];
	uint8_t back[128];

	CU_ASSERT_EQUAL_FATAL(cp_rsa_raw_sign(sig, sizeof(sig), rsa_a, data, sizeof(data)), 128);
	CU_ASSERT_EQUAL_FATAL(cp_rsa_raw_recover(back, sizeof(back), rsa_a, sig, sizeof(sig)),
			      (int)sizeof(data));
	CU_ASSERT_EQUAL(memcmp(back, data, sizeof(data)), 0);
	CU_ASSERT_EQUAL(cp_rsa_raw_recover(back, sizeof(back), rsa_b, sig, sizeof(sig)), -EBADMSG);
	CU_ASSERT_EQUAL(cp_rsa_raw_recover(back, sizeof(back), rsa_a, sig, 127), -EBADMSG);
}

static void
test_rsacross_raw_sign_rejects_too_long_input(void)
{
	uint8_t data[118];
	uint8_t sig[128];

	/* 1024-bit modulus: at most 128 - 11 = 117 bytes. */
	memset(data, 7, sizeof(data));
	CU_ASSERT_EQUAL(cp_rsa_raw_sign(sig, sizeof(sig), rsa_a, data, 117), 128);
	CU_ASSERT_EQUAL(cp_rsa_raw_sign(sig, sizeof(sig), rsa_a, data, 118), -EINVAL);
	CU_ASSERT_EQUAL(cp_rsa_raw_sign(sig, 127, rsa_a, data, 20), -ENOBUFS);
}

static void
test_rsacross_tap_make_matches_vector(void)
{
	uint8_t out[128];

	CU_ASSERT_EQUAL_FATAL(cp_tap_crosscert_make(out, sizeof(out), rsa_a, vec_rsa_a_sha1,
						    vec_master_pub), 128);
	CU_ASSERT_EQUAL(memcmp(out, vec_tap_crosscert, 128), 0);
}

static void
test_rsacross_tap_check_accepts_vector(void)
{
	CU_ASSERT_EQUAL(cp_tap_crosscert_check(vec_tap_crosscert, sizeof(vec_tap_crosscert), rsa_a,
					       vec_rsa_a_sha1, vec_master_pub), CP_CERT_OK);
}

static void
test_rsacross_tap_check_rejects_other_identity(void)
{
	CU_ASSERT_EQUAL(cp_tap_crosscert_check(vec_tap_crosscert, sizeof(vec_tap_crosscert), rsa_a,
					       vec_rsa_a_sha1, vec_signing_pub),
			CP_CERT_ERR_XC_SIG);
	CU_ASSERT_EQUAL(cp_tap_crosscert_check(vec_tap_crosscert, sizeof(vec_tap_crosscert), rsa_b,
					       vec_rsa_a_sha1, vec_master_pub),
			CP_CERT_ERR_XC_SIG);
}

static CU_TestInfo rsacross_tests[] = {
	{ "id_digests_are_over_pkcs1_der", test_rsacross_id_digests_are_over_pkcs1_der },
	{ "id_digests_reject_non_rsa_key", test_rsacross_id_digests_reject_non_rsa_key },
	{ "make_matches_vector", test_rsacross_make_matches_vector },
	{ "make_rejects_small_buffer", test_rsacross_make_rejects_small_buffer },
	{ "check_accepts_vector", test_rsacross_check_accepts_vector },
	{ "check_is_valid_through_expiry_second",
	  test_rsacross_check_is_valid_through_expiry_second },
	{ "check_rejects_expired", test_rsacross_check_rejects_expired },
	{ "check_rejects_other_ed_key", test_rsacross_check_rejects_other_ed_key },
	{ "check_rejects_other_rsa_key", test_rsacross_check_rejects_other_rsa_key },
	{ "check_rejects_every_truncation", test_rsacross_check_rejects_every_truncation },
	{ "check_rejects_trailing_byte", test_rsacross_check_rejects_trailing_byte },
	{ "check_rejects_any_flipped_signature_byte",
	  test_rsacross_check_rejects_any_flipped_signature_byte },
	{ "check_rejects_changed_expiry", test_rsacross_check_rejects_changed_expiry },
	{ "check_rejects_digestinfo_signature", test_rsacross_check_rejects_digestinfo_signature },
	{ "raw_sign_round_trips", test_rsacross_raw_sign_round_trips },
	{ "raw_sign_rejects_too_long_input", test_rsacross_raw_sign_rejects_too_long_input },
	{ "tap_make_matches_vector", test_rsacross_tap_make_matches_vector },
	{ "tap_check_accepts_vector", test_rsacross_tap_check_accepts_vector },
	{ "tap_check_rejects_other_identity", test_rsacross_tap_check_rejects_other_identity },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_certs_rsacross = { "controlplane/certs_rsacross", rsacross_suite_init,
				      rsacross_suite_fini, NULL, NULL, rsacross_tests };
