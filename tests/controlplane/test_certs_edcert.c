/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief CUnit suite "controlplane/certs_edcert": Ed25519 certificates (cert-spec.txt §2.1).
 *
 * The expected certificates were computed independently of Chive, in
 * Python (the `cryptography` package's Ed25519, whose signatures are
 * deterministic) from the byte layout of cert-spec.txt §2.1: the master,
 * signing and auth keys are the RFC 8032 keys of the seeds 01..20, 21..40
 * and 41..60, and every certificate expires at hour 500000. The encoder
 * must reproduce them byte for byte; every parser and verifier rejection
 * has its own test. Certificates made by a real tor are checked in
 * test_certs_tor.c.
 */
#include "tests/suites.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "common/base/compiler.h"
#include "controlplane/certs/edcert.h"
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

/* Public key of seed 41..60 (auth). */
static const uint8_t vec_auth_pub[32] = {
	0xad, 0xc1, 0x40, 0x11, 0xf8, 0x2d, 0x1c, 0x56, 0xd9, 0x56, 0xaa, 0x4f,
	0x9d, 0x73, 0xd8, 0x85, 0x83, 0x61, 0xa6, 0x06, 0x04, 0x85, 0x25, 0xe0,
	0xd0, 0x8c, 0x63, 0x8d, 0xc7, 0x5d, 0xd8, 0xc7,
};

/* SHA256("chive test link certificate"). */
static const uint8_t vec_link_digest[32] = {
	0xb3, 0xfa, 0x1a, 0x75, 0x1e, 0x20, 0x2a, 0x49, 0xf7, 0xb2, 0xb2, 0x18,
	0xbf, 0xb5, 0x6e, 0x66, 0x74, 0x9f, 0x4c, 0xf4, 0x7c, 0x59, 0xbb, 0x03,
	0x3e, 0x9e, 0x51, 0x1d, 0x42, 0x93, 0xd3, 0x63,
};

/* Type 4, exp 500000 h, master -> signing, ext 04. */
static const uint8_t vec_cert4[140] = {
	0x01, 0x04, 0x00, 0x07, 0xa1, 0x20, 0x01, 0xe7, 0xf1, 0x62, 0xa1, 0x0b,
	0xec, 0x55, 0x9a, 0xfe, 0xa1, 0x95, 0xe4, 0xdc, 0xe8, 0x4b, 0x69, 0x56,
	0x8d, 0x5d, 0x2c, 0xb0, 0x96, 0x3e, 0xb4, 0x46, 0xc0, 0x68, 0x5e, 0x2b,
	0x17, 0xf2, 0xf0, 0x01, 0x00, 0x20, 0x04, 0x00, 0x79, 0xb5, 0x56, 0x2e,
	0x8f, 0xe6, 0x54, 0xf9, 0x40, 0x78, 0xb1, 0x12, 0xe8, 0xa9, 0x8b, 0xa7,
	0x90, 0x1f, 0x85, 0x3a, 0xe6, 0x95, 0xbe, 0xd7, 0xe0, 0xe3, 0x91, 0x0b,
	0xad, 0x04, 0x96, 0x64, 0x2c, 0x06, 0x6c, 0x3c, 0x2e, 0x74, 0x99, 0x60,
	0xd5, 0x79, 0x00, 0xa4, 0x73, 0xec, 0xc6, 0xf7, 0x03, 0x54, 0x15, 0x0f,
	0x49, 0x53, 0x84, 0x6a, 0x84, 0x3b, 0xb1, 0xba, 0x91, 0xb4, 0x71, 0xbc,
	0x2d, 0x78, 0xe4, 0x41, 0xd2, 0x07, 0xb1, 0x72, 0xbf, 0x77, 0x27, 0xa4,
	0x49, 0xdf, 0x7b, 0x90, 0xb2, 0x52, 0x7a, 0x34, 0x75, 0x2a, 0xb4, 0x29,
	0x6e, 0xbf, 0x79, 0x39, 0xec, 0xd0, 0x8f, 0x06,
};

/* Type 5, exp 500000 h, signing -> vec_link_digest, key type 03. */
static const uint8_t vec_cert5[104] = {
	0x01, 0x05, 0x00, 0x07, 0xa1, 0x20, 0x03, 0xb3, 0xfa, 0x1a, 0x75, 0x1e,
	0x20, 0x2a, 0x49, 0xf7, 0xb2, 0xb2, 0x18, 0xbf, 0xb5, 0x6e, 0x66, 0x74,
	0x9f, 0x4c, 0xf4, 0x7c, 0x59, 0xbb, 0x03, 0x3e, 0x9e, 0x51, 0x1d, 0x42,
	0x93, 0xd3, 0x63, 0x00, 0x5e, 0xbe, 0xad, 0xee, 0xb5, 0x53, 0xc4, 0x57,
	0xa2, 0x20, 0xf2, 0xd6, 0x64, 0x9e, 0x3d, 0x52, 0xac, 0x49, 0x36, 0x35,
	0x0a, 0xf4, 0xbf, 0x36, 0xfc, 0x03, 0xae, 0x4d, 0x54, 0x08, 0xcc, 0x0c,
	0x8d, 0x1f, 0x01, 0x3b, 0x96, 0x41, 0xe8, 0xd4, 0x8c, 0xcc, 0x1a, 0x59,
	0x6d, 0xaf, 0x20, 0x43, 0x65, 0x6b, 0xb9, 0x08, 0xad, 0x6d, 0x48, 0xd8,
	0x0f, 0x98, 0x74, 0xba, 0x7f, 0x98, 0x75, 0x03,
};

/* Type 6, exp 500000 h, signing -> auth. */
static const uint8_t vec_cert6[104] = {
	0x01, 0x06, 0x00, 0x07, 0xa1, 0x20, 0x01, 0xad, 0xc1, 0x40, 0x11, 0xf8,
	0x2d, 0x1c, 0x56, 0xd9, 0x56, 0xaa, 0x4f, 0x9d, 0x73, 0xd8, 0x85, 0x83,
	0x61, 0xa6, 0x06, 0x04, 0x85, 0x25, 0xe0, 0xd0, 0x8c, 0x63, 0x8d, 0xc7,
	0x5d, 0xd8, 0xc7, 0x00, 0x09, 0xc9, 0xa5, 0x23, 0x78, 0x63, 0xe0, 0xab,
	0xcb, 0x12, 0x30, 0x29, 0x3b, 0x17, 0x2f, 0xb2, 0x98, 0xc6, 0x16, 0xf9,
	0x0d, 0xce, 0xdd, 0x2e, 0x48, 0x40, 0x74, 0xe5, 0x28, 0x7b, 0x6c, 0x69,
	0xeb, 0x61, 0xb8, 0xc5, 0x18, 0x42, 0x70, 0x7e, 0x12, 0xf2, 0x34, 0xfc,
	0x41, 0x67, 0x9a, 0x3f, 0x87, 0xcc, 0x9a, 0x08, 0x7f, 0x37, 0x58, 0x18,
	0x5c, 0x96, 0x2d, 0x46, 0xcb, 0x4c, 0xc6, 0x03,
};

#define EXP_HOURS 500000u
/* A time at which the vectors are valid: one hour before they expire. */
#define NOW ((time_t)(EXP_HOURS - 1) * 3600)

static struct cp_ed25519_key master;
static struct cp_ed25519_key signing;
static struct cp_ed25519_key auth;

static int
edcert_suite_init(void)
{
	if (certs_test_ed_key(&master, 0x01) < 0 || certs_test_ed_key(&signing, 0x21) < 0 ||
	    certs_test_ed_key(&auth, 0x41) < 0)
		return -1;
	return 0;
}

static int
edcert_suite_fini(void)
{
	cp_ed25519_wipe(&master);
	cp_ed25519_wipe(&signing);
	cp_ed25519_wipe(&auth);
	return 0;
}

/* Re-sign @p buf (len bytes, a complete certificate) in place with @p k. */
static void
resign(uint8_t *buf, size_t len, const struct cp_ed25519_key *k)
{
	CU_ASSERT_EQUAL_FATAL(cp_ed25519_sign(buf + len - 64, buf, len - 64, k), 0);
}

static void
test_edcert_test_keys_match_vectors(void)
{
	CU_ASSERT_EQUAL(memcmp(master.pub, vec_master_pub, 32), 0);
	CU_ASSERT_EQUAL(memcmp(signing.pub, vec_signing_pub, 32), 0);
	CU_ASSERT_EQUAL(memcmp(auth.pub, vec_auth_pub, 32), 0);
}

static void
test_edcert_make_type4_matches_vector(void)
{
	uint8_t out[CP_EDCERT_WITH_SIGNER_LEN];

	CU_ASSERT_EQUAL_FATAL(cp_edcert_make(out, sizeof(out), CP_EDCERT_TYPE_ID_SIGNING,
					     CP_EDCERT_KEY_ED25519, signing.pub, EXP_HOURS, true,
					     &master), 140);
	CU_ASSERT_EQUAL(memcmp(out, vec_cert4, sizeof(vec_cert4)), 0);
}

static void
test_edcert_make_type5_matches_vector(void)
{
	uint8_t out[CP_EDCERT_MIN_LEN];

	CU_ASSERT_EQUAL_FATAL(cp_edcert_make(out, sizeof(out), CP_EDCERT_TYPE_SIGNING_LINK,
					     CP_EDCERT_KEY_SHA256_X509, vec_link_digest, EXP_HOURS,
					     false, &signing), 104);
	CU_ASSERT_EQUAL(memcmp(out, vec_cert5, sizeof(vec_cert5)), 0);
}

static void
test_edcert_make_type6_matches_vector(void)
{
	uint8_t out[CP_EDCERT_MIN_LEN];

	CU_ASSERT_EQUAL_FATAL(cp_edcert_make(out, sizeof(out), CP_EDCERT_TYPE_SIGNING_AUTH,
					     CP_EDCERT_KEY_ED25519, auth.pub, EXP_HOURS, false,
					     &signing), 104);
	CU_ASSERT_EQUAL(memcmp(out, vec_cert6, sizeof(vec_cert6)), 0);
}

static void
test_edcert_make_rejects_small_buffer(void)
{
	uint8_t out[CP_EDCERT_WITH_SIGNER_LEN - 1];

	CU_ASSERT_EQUAL(cp_edcert_make(out, sizeof(out), CP_EDCERT_TYPE_ID_SIGNING,
				       CP_EDCERT_KEY_ED25519, signing.pub, EXP_HOURS, true,
				       &master), -ENOBUFS);
	CU_ASSERT_EQUAL(cp_edcert_make(out, CP_EDCERT_MIN_LEN - 1, CP_EDCERT_TYPE_SIGNING_AUTH,
				       CP_EDCERT_KEY_ED25519, auth.pub, EXP_HOURS, false, &signing),
			-ENOBUFS);
}

static void
test_edcert_hours_ceil_rounds_up(void)
{
	static const struct {
		time_t t;
		uint32_t h;
	} cases[] = {
		{ -5, 0 }, { 0, 0 }, { 1, 1 }, { 3599, 1 }, { 3600, 1 }, { 3601, 2 },
		{ (time_t)1700000000, 472223 },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		CU_ASSERT_EQUAL(cp_edcert_hours_ceil(cases[i].t), cases[i].h);
}

static void
test_edcert_parse_reads_every_field(void)
{
	struct cp_edcert c;

	CU_ASSERT_EQUAL_FATAL(cp_edcert_parse(vec_cert4, sizeof(vec_cert4), &c), CP_CERT_OK);
	CU_ASSERT_EQUAL(c.type, 4);
	CU_ASSERT_EQUAL(c.key_type, 1);
	CU_ASSERT_EQUAL(c.exp_hours, EXP_HOURS);
	CU_ASSERT_EQUAL(memcmp(c.key, vec_signing_pub, 32), 0);
	CU_ASSERT_TRUE(c.has_signer);
	CU_ASSERT_EQUAL(memcmp(c.signer, vec_master_pub, 32), 0);
	CU_ASSERT_PTR_EQUAL(c.encoded, vec_cert4);
	CU_ASSERT_EQUAL(c.encoded_len, 140);
}

static void
test_edcert_parse_type5_has_no_signer(void)
{
	struct cp_edcert c;

	CU_ASSERT_EQUAL_FATAL(cp_edcert_parse(vec_cert5, sizeof(vec_cert5), &c), CP_CERT_OK);
	CU_ASSERT_EQUAL(c.type, 5);
	CU_ASSERT_EQUAL(c.key_type, 3);
	CU_ASSERT_FALSE(c.has_signer);
	CU_ASSERT_EQUAL(memcmp(c.key, vec_link_digest, 32), 0);
}

static void
test_edcert_parse_rejects_every_truncation(void)
{
	struct cp_edcert c;
	size_t k;

	for (k = 0; k < sizeof(vec_cert4); k++)
		CU_ASSERT_EQUAL(cp_edcert_parse(vec_cert4, k, &c), CP_CERT_ERR_ED_TRUNCATED);
}

static void
test_edcert_parse_rejects_trailing_byte(void)
{
	uint8_t buf[sizeof(vec_cert6) + 1];
	struct cp_edcert c;

	memcpy(buf, vec_cert6, sizeof(vec_cert6));
	buf[sizeof(vec_cert6)] = 0;
	CU_ASSERT_EQUAL(cp_edcert_parse(buf, sizeof(buf), &c), CP_CERT_ERR_ED_TRAILING);
}

static void
test_edcert_parse_rejects_version_2(void)
{
	uint8_t buf[sizeof(vec_cert6)];
	struct cp_edcert c;

	memcpy(buf, vec_cert6, sizeof(buf));
	buf[0] = 2;
	CU_ASSERT_EQUAL(cp_edcert_parse(buf, sizeof(buf), &c), CP_CERT_ERR_ED_VERSION);
}

static void
test_edcert_parse_rejects_extension_past_end(void)
{
	uint8_t buf[sizeof(vec_cert4)];
	struct cp_edcert c;

	/* An unknown extension (type 9, flags 0) claiming 0x0100 bytes. */
	memcpy(buf, vec_cert4, sizeof(buf));
	buf[40] = 0x01;
	buf[41] = 0x00;
	buf[42] = 0x09;
	CU_ASSERT_EQUAL(cp_edcert_parse(buf, sizeof(buf), &c), CP_CERT_ERR_ED_TRUNCATED);
}

static void
test_edcert_parse_rejects_signing_key_extension_of_31_bytes(void)
{
	/* ExtLength 31 for type 04, the cert otherwise self-consistent. */
	uint8_t buf[139];
	struct cp_edcert c;

	memcpy(buf, vec_cert4, 40);
	buf[40] = 0x00;
	buf[41] = 31;
	buf[42] = 0x04;
	buf[43] = 0x00;
	memcpy(buf + 44, vec_master_pub, 31);
	memset(buf + 75, 0, 64);
	CU_ASSERT_EQUAL(cp_edcert_parse(buf, sizeof(buf), &c), CP_CERT_ERR_ED_EXT_LEN);
}

/* Build a certificate from @p exts (n extensions, raw bytes) signed by master. */
static size_t
make_with_exts(uint8_t *buf, const uint8_t *exts, size_t exts_len, uint8_t n)
{
	memcpy(buf, vec_cert4, 39);
	buf[39] = n;
	memcpy(buf + 40, exts, exts_len);
	memset(buf + 40 + exts_len, 0, 64);
	resign(buf, 40 + exts_len + 64, &master);
	return 40 + exts_len + 64;
}

static void
test_edcert_parse_rejects_two_signing_key_extensions(void)
{
	uint8_t exts[72];
	uint8_t buf[256];
	struct cp_edcert c;
	size_t len;

	exts[0] = 0;
	exts[1] = 32;
	exts[2] = 4;
	exts[3] = 0;
	memcpy(exts + 4, vec_master_pub, 32);
	memcpy(exts + 36, exts, 36);
	len = make_with_exts(buf, exts, sizeof(exts), 2);
	CU_ASSERT_EQUAL(cp_edcert_parse(buf, len, &c), CP_CERT_ERR_ED_EXT_DUP);
}

static void
test_edcert_parse_rejects_unknown_extension_affecting_validation(void)
{
	static const uint8_t ext[] = { 0x00, 0x02, 0x77, 0x01, 0xab, 0xcd };
	uint8_t buf[256];
	struct cp_edcert c;
	size_t len;

	len = make_with_exts(buf, ext, sizeof(ext), 1);
	CU_ASSERT_EQUAL(cp_edcert_parse(buf, len, &c), CP_CERT_ERR_ED_EXT_UNKNOWN);
}

static void
test_edcert_parse_skips_unknown_extension_without_flag(void)
{
	/* Unknown type 0x77 with flags 0 (ignored), then ext 04. */
	uint8_t exts[6 + 36] = { 0x00, 0x02, 0x77, 0x00, 0xab, 0xcd, 0x00, 0x20, 0x04, 0x00 };
	uint8_t buf[256];
	struct cp_edcert c;
	size_t len;

	memcpy(exts + 10, vec_master_pub, 32);
	len = make_with_exts(buf, exts, sizeof(exts), 2);
	CU_ASSERT_EQUAL_FATAL(cp_edcert_verify(buf, len, CP_EDCERT_TYPE_ID_SIGNING, NULL, NOW, &c),
			      CP_CERT_OK);
	CU_ASSERT_TRUE(c.has_signer);
}

static void
test_edcert_verify_accepts_type4_by_embedded_key(void)
{
	struct cp_edcert c;

	CU_ASSERT_EQUAL(cp_edcert_verify(vec_cert4, sizeof(vec_cert4), CP_EDCERT_TYPE_ID_SIGNING,
					 NULL, NOW, &c), CP_CERT_OK);
}

static void
test_edcert_verify_accepts_type4_by_given_key(void)
{
	struct cp_edcert c;

	CU_ASSERT_EQUAL(cp_edcert_verify(vec_cert4, sizeof(vec_cert4), CP_EDCERT_TYPE_ID_SIGNING,
					 vec_master_pub, NOW, &c), CP_CERT_OK);
}

static void
test_edcert_verify_accepts_type5_and_type6(void)
{
	struct cp_edcert c;

	CU_ASSERT_EQUAL(cp_edcert_verify(vec_cert5, sizeof(vec_cert5), CP_EDCERT_TYPE_SIGNING_LINK,
					 vec_signing_pub, NOW, &c), CP_CERT_OK);
	CU_ASSERT_EQUAL(cp_edcert_verify(vec_cert6, sizeof(vec_cert6), CP_EDCERT_TYPE_SIGNING_AUTH,
					 vec_signing_pub, NOW, &c), CP_CERT_OK);
}

static void
test_edcert_verify_accepts_legacy_key_type_01_on_type5(void)
{
	uint8_t out[CP_EDCERT_MIN_LEN];
	struct cp_edcert c;

	CU_ASSERT_EQUAL_FATAL(cp_edcert_make(out, sizeof(out), CP_EDCERT_TYPE_SIGNING_LINK,
					     CP_EDCERT_KEY_ED25519, vec_link_digest, EXP_HOURS,
					     false, &signing), 104);
	CU_ASSERT_EQUAL(cp_edcert_verify(out, sizeof(out), CP_EDCERT_TYPE_SIGNING_LINK,
					 vec_signing_pub, NOW, &c), CP_CERT_OK);
}

static void
test_edcert_verify_is_valid_through_expiry_second(void)
{
	struct cp_edcert c;

	CU_ASSERT_EQUAL(cp_edcert_verify(vec_cert6, sizeof(vec_cert6), CP_EDCERT_TYPE_SIGNING_AUTH,
					 vec_signing_pub, (time_t)EXP_HOURS * 3600, &c),
			CP_CERT_OK);
}

static void
test_edcert_verify_rejects_expired(void)
{
	struct cp_edcert c;

	CU_ASSERT_EQUAL(cp_edcert_verify(vec_cert6, sizeof(vec_cert6), CP_EDCERT_TYPE_SIGNING_AUTH,
					 vec_signing_pub, (time_t)EXP_HOURS * 3600 + 1, &c),
			CP_CERT_ERR_ED_EXPIRED);
}

static void
test_edcert_verify_rejects_wrong_type(void)
{
	struct cp_edcert c;

	CU_ASSERT_EQUAL(cp_edcert_verify(vec_cert6, sizeof(vec_cert6), CP_EDCERT_TYPE_SIGNING_LINK,
					 vec_signing_pub, NOW, &c), CP_CERT_ERR_ED_TYPE);
}

static void
test_edcert_verify_rejects_wrong_key_type(void)
{
	uint8_t out[CP_EDCERT_MIN_LEN];
	struct cp_edcert c;

	CU_ASSERT_EQUAL_FATAL(cp_edcert_make(out, sizeof(out), CP_EDCERT_TYPE_SIGNING_AUTH,
					     CP_EDCERT_KEY_SHA256_X509, auth.pub, EXP_HOURS, false,
					     &signing), 104);
	CU_ASSERT_EQUAL(cp_edcert_verify(out, sizeof(out), CP_EDCERT_TYPE_SIGNING_AUTH,
					 vec_signing_pub, NOW, &c), CP_CERT_ERR_ED_KEY_TYPE);
}

static void
test_edcert_verify_rejects_type4_without_signing_key_extension(void)
{
	uint8_t out[CP_EDCERT_MIN_LEN];
	struct cp_edcert c;

	CU_ASSERT_EQUAL_FATAL(cp_edcert_make(out, sizeof(out), CP_EDCERT_TYPE_ID_SIGNING,
					     CP_EDCERT_KEY_ED25519, signing.pub, EXP_HOURS, false,
					     &master), 104);
	CU_ASSERT_EQUAL(cp_edcert_verify(out, sizeof(out), CP_EDCERT_TYPE_ID_SIGNING,
					 vec_master_pub, NOW, &c), CP_CERT_ERR_ED_NO_SIGNER);
}

static void
test_edcert_check_needs_a_key(void)
{
	struct cp_edcert c;

	CU_ASSERT_EQUAL_FATAL(cp_edcert_parse(vec_cert6, sizeof(vec_cert6), &c), CP_CERT_OK);
	CU_ASSERT_EQUAL(cp_edcert_check(&c, NULL, NOW), CP_CERT_ERR_ED_NO_SIGNER);
}

static void
test_edcert_verify_rejects_extension_key_other_than_given(void)
{
	struct cp_edcert c;

	CU_ASSERT_EQUAL(cp_edcert_verify(vec_cert4, sizeof(vec_cert4), CP_EDCERT_TYPE_ID_SIGNING,
					 vec_signing_pub, NOW, &c), CP_CERT_ERR_ED_SIGNER);
}

static void
test_edcert_verify_rejects_wrong_key(void)
{
	struct cp_edcert c;

	/* Type 6 checked against the master key instead of the signing key. */
	CU_ASSERT_EQUAL(cp_edcert_verify(vec_cert6, sizeof(vec_cert6), CP_EDCERT_TYPE_SIGNING_AUTH,
					 vec_master_pub, NOW, &c), CP_CERT_ERR_ED_SIG);
}

static void
test_edcert_verify_rejects_extension_naming_a_non_signer(void)
{
	uint8_t buf[sizeof(vec_cert4)];
	struct cp_edcert c;

	/* The extension names the auth key, but master signed. */
	memcpy(buf, vec_cert4, sizeof(buf));
	memcpy(buf + 44, vec_auth_pub, 32);
	CU_ASSERT_EQUAL(cp_edcert_verify(buf, sizeof(buf), CP_EDCERT_TYPE_ID_SIGNING, NULL, NOW,
					 &c), CP_CERT_ERR_ED_SIG);
}

static void
test_edcert_verify_rejects_any_flipped_signed_byte(void)
{
	uint8_t buf[sizeof(vec_cert6)];
	struct cp_edcert c;
	size_t i;

	/* Bytes 2..103: expiry, key type, key, N_EXT = 0 and the signature.
	 * (0: version, 1: type, 39: N_EXT change the structure instead.) */
	for (i = 2; i < sizeof(buf); i++) {
		enum cp_cert_err err;

		if (i == 6 || i == 39)
			continue;
		memcpy(buf, vec_cert6, sizeof(buf));
		buf[i] ^= 0x01;
		err = cp_edcert_verify(buf, sizeof(buf), CP_EDCERT_TYPE_SIGNING_AUTH,
				       vec_signing_pub, NOW, &c);
		CU_ASSERT_TRUE(err == CP_CERT_ERR_ED_SIG || err == CP_CERT_ERR_ED_EXPIRED);
	}
}

static void
test_edcert_ntor_crosscert_verifies_with_derived_key(void)
{
	/* An arbitrary clamped curve25519 secret. */
	uint8_t sec[32];
	uint8_t pub[32];
	uint8_t out[CP_EDCERT_MIN_LEN];
	struct cp_ed25519_key k;
	EVP_PKEY *x;
	size_t publen = sizeof(pub);
	int signbit = -1;
	int i;

	for (i = 0; i < 32; i++)
		sec[i] = (uint8_t)(0x90 + i);
	sec[0] &= 248;
	sec[31] &= 127;
	sec[31] |= 64;
	x = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, NULL, sec, 32);
	CU_ASSERT_PTR_NOT_NULL_FATAL(x);
	CU_ASSERT_EQUAL_FATAL(EVP_PKEY_get_raw_public_key(x, pub, &publen), 1);
	EVP_PKEY_free(x);

	CU_ASSERT_EQUAL_FATAL(cp_edcert_make_ntor_crosscert(out, sizeof(out), sec, master.pub,
							    EXP_HOURS, &signbit), 104);
	CU_ASSERT_TRUE(signbit == 0 || signbit == 1);
	CU_ASSERT_EQUAL(cp_edcert_verify_ntor_crosscert(out, sizeof(out), pub, signbit, master.pub,
							NOW), CP_CERT_OK);
	CU_ASSERT_EQUAL(cp_edcert_verify_ntor_crosscert(out, sizeof(out), pub, !signbit,
							master.pub, NOW), CP_CERT_ERR_ED_SIG);
	CU_ASSERT_EQUAL(cp_edcert_verify_ntor_crosscert(out, sizeof(out), pub, signbit,
							signing.pub, NOW), CP_CERT_ERR_ED_SIGNER);
	/* The derived key is the one cp_ed25519_from_curve25519() signs with. */
	CU_ASSERT_EQUAL_FATAL(cp_ed25519_from_curve25519(&k, NULL, sec), 0);
	CU_ASSERT_EQUAL_FATAL(cp_edcert_ed_from_x25519_pub(pub, pub, signbit), 0);
	CU_ASSERT_EQUAL(memcmp(pub, k.pub, 32), 0);
	cp_ed25519_wipe(&k);
}

static void
test_edcert_ed_from_x25519_maps_minus_one_to_zero(void)
{
	/* u = p - 1 = -1: u + 1 = 0, which ref10 inverts to 0, so y = 0. */
	uint8_t u[32];
	uint8_t y[32];
	static const uint8_t zero[32];

	memset(u, 0xff, 32);
	u[0] = 0xec;
	u[31] = 0x7f;
	CU_ASSERT_EQUAL_FATAL(cp_edcert_ed_from_x25519_pub(y, u, 0), 0);
	CU_ASSERT_EQUAL(memcmp(y, zero, 32), 0);
	CU_ASSERT_EQUAL(cp_edcert_ed_from_x25519_pub(y, u, 2), -EINVAL);
}

static void
test_edcert_tagged_round_trip(void)
{
	uint8_t file[CP_EDCERT_TAGGED_HDR_LEN + sizeof(vec_cert4)];
	const uint8_t *body;
	size_t body_len;

	CU_ASSERT_EQUAL_FATAL(cp_edcert_tagged_encode(file, sizeof(file), "ed25519v1-cert", "type4",
						      vec_cert4, sizeof(vec_cert4)),
			      (int)sizeof(file));
	CU_ASSERT_EQUAL(memcmp(file, "== ed25519v1-cert: type4 ==\0\0\0\0\0", 32), 0);
	CU_ASSERT_EQUAL_FATAL(cp_edcert_tagged_decode(file, sizeof(file), "ed25519v1-cert",
						      "type4", &body, &body_len), 0);
	CU_ASSERT_PTR_EQUAL(body, file + 32);
	CU_ASSERT_EQUAL(body_len, sizeof(vec_cert4));
}

static void
test_edcert_tagged_decode_rejects_other_tag(void)
{
	uint8_t file[CP_EDCERT_TAGGED_HDR_LEN + 4];
	const uint8_t *body;
	size_t body_len;

	CU_ASSERT_EQUAL_FATAL(cp_edcert_tagged_encode(file, sizeof(file), "ed25519v1-cert", "type4",
						      vec_cert4, 4), (int)sizeof(file));
	CU_ASSERT_EQUAL(cp_edcert_tagged_decode(file, sizeof(file), "ed25519v1-cert", "type5",
						&body, &body_len), -EINVAL);
	CU_ASSERT_EQUAL(cp_edcert_tagged_decode(file, sizeof(file), "ed25519v1-public", "type4",
						&body, &body_len), -EINVAL);
	CU_ASSERT_EQUAL(cp_edcert_tagged_decode(file, 31, "ed25519v1-cert", "type4", &body,
						&body_len), -EINVAL);
}

static void
test_edcert_tagged_decode_rejects_junk_in_padding(void)
{
	uint8_t file[CP_EDCERT_TAGGED_HDR_LEN];
	const uint8_t *body;
	size_t body_len;

	CU_ASSERT_EQUAL_FATAL(cp_edcert_tagged_encode(file, sizeof(file), "ed25519v1-cert", "type4",
						      NULL, 0), 32);
	file[31] = 'x';
	CU_ASSERT_EQUAL(cp_edcert_tagged_decode(file, sizeof(file), "ed25519v1-cert", "type4",
						&body, &body_len), -EINVAL);
}

static void
test_edcert_tagged_encode_rejects_long_header(void)
{
	uint8_t file[64];

	CU_ASSERT_EQUAL(cp_edcert_tagged_encode(file, sizeof(file), "a-very-long-typestring",
						"type4", NULL, 0), -EINVAL);
}

static void
test_edcert_err_strings_cover_enum(void)
{
	int e;

	for (e = 0; e < CP_CERT_ERR__COUNT; e++)
		CU_ASSERT_STRING_NOT_EQUAL(cp_cert_err_str((enum cp_cert_err)e), "unknown");
	CU_ASSERT_STRING_EQUAL(cp_cert_err_str(CP_CERT_ERR__COUNT), "unknown");
	CU_ASSERT_STRING_EQUAL(cp_cert_err_str(CP_CERT_OK), "ok");
}

static CU_TestInfo edcert_tests[] = {
	{ "test_keys_match_vectors", test_edcert_test_keys_match_vectors },
	{ "make_type4_matches_vector", test_edcert_make_type4_matches_vector },
	{ "make_type5_matches_vector", test_edcert_make_type5_matches_vector },
	{ "make_type6_matches_vector", test_edcert_make_type6_matches_vector },
	{ "make_rejects_small_buffer", test_edcert_make_rejects_small_buffer },
	{ "hours_ceil_rounds_up", test_edcert_hours_ceil_rounds_up },
	{ "parse_reads_every_field", test_edcert_parse_reads_every_field },
	{ "parse_type5_has_no_signer", test_edcert_parse_type5_has_no_signer },
	{ "parse_rejects_every_truncation", test_edcert_parse_rejects_every_truncation },
	{ "parse_rejects_trailing_byte", test_edcert_parse_rejects_trailing_byte },
	{ "parse_rejects_version_2", test_edcert_parse_rejects_version_2 },
	{ "parse_rejects_extension_past_end", test_edcert_parse_rejects_extension_past_end },
	{ "parse_rejects_signing_key_extension_of_31_bytes",
	  test_edcert_parse_rejects_signing_key_extension_of_31_bytes },
	{ "parse_rejects_two_signing_key_extensions",
	  test_edcert_parse_rejects_two_signing_key_extensions },
	{ "parse_rejects_unknown_extension_affecting_validation",
	  test_edcert_parse_rejects_unknown_extension_affecting_validation },
	{ "parse_skips_unknown_extension_without_flag",
	  test_edcert_parse_skips_unknown_extension_without_flag },
	{ "verify_accepts_type4_by_embedded_key",
	  test_edcert_verify_accepts_type4_by_embedded_key },
	{ "verify_accepts_type4_by_given_key", test_edcert_verify_accepts_type4_by_given_key },
	{ "verify_accepts_type5_and_type6", test_edcert_verify_accepts_type5_and_type6 },
	{ "verify_accepts_legacy_key_type_01_on_type5",
	  test_edcert_verify_accepts_legacy_key_type_01_on_type5 },
	{ "verify_is_valid_through_expiry_second",
	  test_edcert_verify_is_valid_through_expiry_second },
	{ "verify_rejects_expired", test_edcert_verify_rejects_expired },
	{ "verify_rejects_wrong_type", test_edcert_verify_rejects_wrong_type },
	{ "verify_rejects_wrong_key_type", test_edcert_verify_rejects_wrong_key_type },
	{ "verify_rejects_type4_without_signing_key_extension",
	  test_edcert_verify_rejects_type4_without_signing_key_extension },
	{ "check_needs_a_key", test_edcert_check_needs_a_key },
	{ "verify_rejects_extension_key_other_than_given",
	  test_edcert_verify_rejects_extension_key_other_than_given },
	{ "verify_rejects_wrong_key", test_edcert_verify_rejects_wrong_key },
	{ "verify_rejects_extension_naming_a_non_signer",
	  test_edcert_verify_rejects_extension_naming_a_non_signer },
	{ "verify_rejects_any_flipped_signed_byte",
	  test_edcert_verify_rejects_any_flipped_signed_byte },
	{ "ntor_crosscert_verifies_with_derived_key",
	  test_edcert_ntor_crosscert_verifies_with_derived_key },
	{ "ed_from_x25519_maps_minus_one_to_zero",
	  test_edcert_ed_from_x25519_maps_minus_one_to_zero },
	{ "tagged_round_trip", test_edcert_tagged_round_trip },
	{ "tagged_decode_rejects_other_tag", test_edcert_tagged_decode_rejects_other_tag },
	{ "tagged_decode_rejects_junk_in_padding",
	  test_edcert_tagged_decode_rejects_junk_in_padding },
	{ "tagged_encode_rejects_long_header", test_edcert_tagged_encode_rejects_long_header },
	{ "err_strings_cover_enum", test_edcert_err_strings_cover_enum },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_certs_edcert = { "controlplane/certs_edcert", edcert_suite_init,
				    edcert_suite_fini, NULL, NULL, edcert_tests };
