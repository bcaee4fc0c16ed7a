/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief CUnit suite "controlplane/certs_x509": the link's X.509 certificates.
 *
 * Certificates are random by design (names, serials, start times), so the
 * tests check properties: the shape tor gives its certificates (checklist
 * B2, fact 0.8; test_certs_tor.c holds the same checks against the
 * certificates a real tor sent), and every rejection of the peer check
 * (tor_tls_cert_is_valid(): signature, lifetime with slop, key size).
 * Times are fixed; nothing depends on the wall clock.
 */
#include "tests/suites.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include "controlplane/certs/rsacross.h"
#include "controlplane/certs/x509.h"
#include "tests/controlplane/test_certs_util.h"

#define DAY 86400
/* 2027-01-15 08:00:00 UTC: any fixed time works. */
#define NOW ((time_t)1800000000)

static EVP_PKEY *rsa_a;
static EVP_PKEY *rsa_b;
static EVP_PKEY *rsa_2048;
static struct cp_x509_tls_creds creds;

static int
x509_suite_init(void)
{
	rsa_a = certs_test_pem_key(certs_test_rsa_a_pem());
	rsa_b = certs_test_pem_key(certs_test_rsa_b_pem());
	rsa_2048 = EVP_RSA_gen(2048);
	if (rsa_a == NULL || rsa_b == NULL || rsa_2048 == NULL)
		return -1;
	return cp_x509_tls_creds_create(rsa_a, NOW, 0, &creds) == 0 ? 0 : -1;
}

static int
x509_suite_fini(void)
{
	cp_x509_tls_creds_destroy(&creds);
	EVP_PKEY_free(rsa_a);
	EVP_PKEY_free(rsa_b);
	EVP_PKEY_free(rsa_2048);
	return 0;
}

static void
test_x509_link_cert_has_tor_shape(void)
{
	X509 *x = certs_test_x509(creds.link_der, creds.link_len);
	char subject[128], issuer[128];

	CU_ASSERT_PTR_NOT_NULL_FATAL(x);
	certs_test_assert_tor_shape(x);
	certs_test_cn(X509_get_subject_name(x), subject, sizeof(subject));
	certs_test_cn(X509_get_issuer_name(x), issuer, sizeof(issuer));
	CU_ASSERT_TRUE(certs_test_is_tor_hostname(subject, "net"));
	CU_ASSERT_TRUE(certs_test_is_tor_hostname(issuer, "com"));
	CU_ASSERT_EQUAL(EVP_PKEY_get_bits(X509_get0_pubkey(x)), 2048);
	CU_ASSERT_EQUAL(X509_verify(x, rsa_a), 1);
	X509_free(x);
}

static void
test_x509_id_cert_has_tor_shape(void)
{
	X509 *x = certs_test_x509(creds.id_der, creds.id_len);
	char subject[128], issuer[128];

	CU_ASSERT_PTR_NOT_NULL_FATAL(x);
	certs_test_assert_tor_shape(x);
	certs_test_cn(X509_get_subject_name(x), subject, sizeof(subject));
	certs_test_cn(X509_get_issuer_name(x), issuer, sizeof(issuer));
	CU_ASSERT_TRUE(certs_test_is_tor_hostname(subject, "com"));
	CU_ASSERT_STRING_EQUAL(issuer, subject);
	CU_ASSERT_EQUAL(EVP_PKEY_get_bits(X509_get0_pubkey(x)), 1024);
	CU_ASSERT_EQUAL(certs_test_time(X509_get0_notAfter(x)) -
				certs_test_time(X509_get0_notBefore(x)),
			CP_X509_ID_LIFETIME);
	X509_free(x);
}

static void
test_x509_link_issuer_is_id_subject(void)
{
	X509 *link = certs_test_x509(creds.link_der, creds.link_len);
	X509 *id = certs_test_x509(creds.id_der, creds.id_len);

	CU_ASSERT_PTR_NOT_NULL_FATAL(link);
	CU_ASSERT_PTR_NOT_NULL_FATAL(id);
	CU_ASSERT_EQUAL(X509_NAME_cmp(X509_get_issuer_name(link), X509_get_subject_name(id)), 0);
	X509_free(link);
	X509_free(id);
}

static void
test_x509_link_cert_is_live_with_a_day_left(void)
{
	X509 *x = certs_test_x509(creds.link_der, creds.link_len);
	time_t nb, na;

	CU_ASSERT_PTR_NOT_NULL_FATAL(x);
	nb = certs_test_time(X509_get0_notBefore(x));
	na = certs_test_time(X509_get0_notAfter(x));
	CU_ASSERT_TRUE(nb <= NOW);
	CU_ASSERT_TRUE(na >= NOW + DAY);
	CU_ASSERT_EQUAL(na, creds.link_not_after);
	CU_ASSERT_TRUE(na - nb >= 5 * DAY - 1 && na - nb <= 365 * DAY);
	X509_free(x);
}

static void
test_x509_creds_digest_is_sha256_of_link_der(void)
{
	uint8_t d[32];

	SHA256(creds.link_der, creds.link_len, d);
	CU_ASSERT_EQUAL(memcmp(d, creds.link_sha256, 32), 0);
}

static void
test_x509_creds_link_key_matches_cert(void)
{
	X509 *x = certs_test_x509(creds.link_der, creds.link_len);

	CU_ASSERT_PTR_NOT_NULL_FATAL(x);
	CU_ASSERT_EQUAL(EVP_PKEY_eq(X509_get0_pubkey(x), creds.link_key), 1);
	CU_ASSERT_EQUAL(EVP_PKEY_get_bits(creds.link_key), CP_X509_LINK_KEY_BITS);
	X509_free(x);
}

static void
test_x509_creds_reject_non_1024_identity(void)
{
	struct cp_x509_tls_creds c;

	CU_ASSERT_EQUAL(cp_x509_tls_creds_create(rsa_2048, NOW, DAY * 10, &c), -EINVAL);
	CU_ASSERT_PTR_NULL(c.link_key);
	CU_ASSERT_PTR_NULL(c.link_der);
}

static void
test_x509_creds_use_given_link_lifetime(void)
{
	struct cp_x509_tls_creds c;
	X509 *x;

	CU_ASSERT_EQUAL_FATAL(cp_x509_tls_creds_create(rsa_a, NOW, 7 * DAY, &c), 0);
	x = certs_test_x509(c.link_der, c.link_len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(x);
	CU_ASSERT_EQUAL(certs_test_time(X509_get0_notAfter(x)) -
				certs_test_time(X509_get0_notBefore(x)),
			7 * DAY);
	X509_free(x);
	cp_x509_tls_creds_destroy(&c);
	CU_ASSERT_PTR_NULL(c.link_key);
}

static void
test_x509_pick_validity_properties(void)
{
	time_t nb, na;
	int i;

	/* 64 draws; each must start on a day, by now, and leave a day. */
	for (i = 0; i < 64; i++) {
		CU_ASSERT_EQUAL_FATAL(cp_x509_pick_validity(NOW, 30 * DAY, &nb, &na), 0);
		CU_ASSERT_EQUAL(nb % DAY, 0);
		CU_ASSERT_TRUE(nb <= NOW);
		CU_ASSERT_TRUE(nb >= NOW + 2 * DAY - 30 * DAY - DAY);
		CU_ASSERT_EQUAL(na - nb, 30 * DAY);
		CU_ASSERT_TRUE(na > NOW + DAY);
	}
}

static void
test_x509_pick_validity_short_lifetime_starts_now(void)
{
	time_t nb, na;

	/* Lifetime <= 2 days: start at now - 1, rounded down to the day. */
	CU_ASSERT_EQUAL_FATAL(cp_x509_pick_validity(NOW, 2 * DAY, &nb, &na), 0);
	CU_ASSERT_EQUAL(nb, (NOW - 1) - (NOW - 1) % DAY);
	CU_ASSERT_EQUAL(na, nb + 2 * DAY);
}

static void
test_x509_pick_link_lifetime_properties(void)
{
	int i;

	for (i = 0; i < 64; i++) {
		uint32_t l = cp_x509_pick_link_lifetime();

		CU_ASSERT_TRUE(l >= 5 * DAY - 1 && l < 365 * DAY);
		CU_ASSERT_TRUE(l % DAY == 0 || l % DAY == DAY - 1);
	}
}

static void
test_x509_random_hostname_pattern(void)
{
	char buf[CP_X509_HOSTNAME_MAX];
	int i;

	for (i = 0; i < 32; i++) {
		CU_ASSERT_EQUAL_FATAL(cp_x509_random_hostname(buf, sizeof(buf), ".net"), 0);
		CU_ASSERT_TRUE(certs_test_is_tor_hostname(buf, "net"));
	}
	CU_ASSERT_EQUAL(cp_x509_random_hostname(buf, 28, ".net"), -ENOBUFS);
}

static void
test_x509_check_accepts_our_id_cert(void)
{
	EVP_PKEY *k = NULL;
	uint8_t d1[20], d2[20];

	CU_ASSERT_EQUAL_FATAL(cp_x509_check_id_cert(creds.id_der, creds.id_len, NOW, &k),
			      CP_CERT_OK);
	CU_ASSERT_PTR_NOT_NULL_FATAL(k);
	CU_ASSERT_EQUAL(cp_rsa_id_digests(k, d1, NULL), 0);
	CU_ASSERT_EQUAL(cp_rsa_id_digests(rsa_a, d2, NULL), 0);
	CU_ASSERT_EQUAL(memcmp(d1, d2, 20), 0);
	EVP_PKEY_free(k);
}

static void
test_x509_check_accepts_link_cert_signed_by_identity(void)
{
	CU_ASSERT_EQUAL(cp_x509_check(creds.link_der, creds.link_len, rsa_a, false, NOW, NULL),
			CP_CERT_OK);
}

static void
test_x509_check_rejects_link_cert_as_identity(void)
{
	/* Not self-signed: the signature check fails first. */
	CU_ASSERT_EQUAL(cp_x509_check_id_cert(creds.link_der, creds.link_len, NOW, NULL),
			CP_CERT_ERR_X509_SIG);
}

static void
test_x509_check_rejects_wrong_signer(void)
{
	CU_ASSERT_EQUAL(cp_x509_check(creds.link_der, creds.link_len, rsa_b, false, NOW, NULL),
			CP_CERT_ERR_X509_SIG);
}

static void
test_x509_check_rejects_2048_bit_identity(void)
{
	uint8_t *der;
	size_t len;

	CU_ASSERT_EQUAL_FATAL(cp_x509_cert_make(rsa_2048, rsa_2048, "www.abcdefgh.com",
						"www.abcdefgh.com", NOW - DAY, NOW + DAY, &der,
						&len), 0);
	CU_ASSERT_EQUAL(cp_x509_check_id_cert(der, len, NOW, NULL), CP_CERT_ERR_X509_KEY);
	free(der);
}

/* Make a self-signed rsa_a certificate valid from @p nb to @p na and check it at NOW. */
static enum cp_cert_err
check_self_signed_span(time_t nb, time_t na)
{
	enum cp_cert_err err;
	uint8_t *der;
	size_t len;

	if (cp_x509_cert_make(rsa_a, rsa_a, "www.abcdefgh.com", "www.abcdefgh.com", nb, na, &der,
			      &len) != 0)
		return CP_CERT_ERR__COUNT;
	err = cp_x509_check_id_cert(der, len, NOW, NULL);
	free(der);
	return err;
}

static void
test_x509_check_lifetime_slop_table(void)
{
	static const struct {
		time_t nb;
		time_t na;
		enum cp_cert_err want;
	} cases[] = {
		{ NOW - 10 * DAY, NOW + 10 * DAY, CP_CERT_OK },
		/* Expired less than 2 days ago: still accepted (past slop). */
		{ NOW - 10 * DAY, NOW - 2 * DAY + 1, CP_CERT_OK },
		{ NOW - 10 * DAY, NOW - 2 * DAY - 1, CP_CERT_ERR_X509_EXPIRED },
		/* Valid within 30 days: already accepted (future slop). */
		{ NOW + 30 * DAY - 1, NOW + 60 * DAY, CP_CERT_OK },
		{ NOW + 30 * DAY + 1, NOW + 60 * DAY, CP_CERT_ERR_X509_NOT_YET_VALID },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CU_ASSERT_EQUAL(check_self_signed_span(cases[i].nb, cases[i].na), cases[i].want);
}

static void
test_x509_check_rejects_garbage(void)
{
	static const uint8_t junk[] = { 0x30, 0x03, 0x02, 0x01, 0x01 };

	CU_ASSERT_EQUAL(cp_x509_check_id_cert(junk, sizeof(junk), NOW, NULL),
			CP_CERT_ERR_X509_DECODE);
	CU_ASSERT_EQUAL(cp_x509_check_id_cert(junk, 0, NOW, NULL), CP_CERT_ERR_X509_DECODE);
}

static void
test_x509_check_rejects_truncated_der(void)
{
	CU_ASSERT_EQUAL(cp_x509_check_id_cert(creds.id_der, creds.id_len - 1, NOW, NULL),
			CP_CERT_ERR_X509_DECODE);
}

static void
test_x509_check_rejects_trailing_byte(void)
{
	uint8_t *buf = malloc(creds.id_len + 1);

	CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
	memcpy(buf, creds.id_der, creds.id_len);
	buf[creds.id_len] = 0;
	CU_ASSERT_EQUAL(cp_x509_check_id_cert(buf, creds.id_len + 1, NOW, NULL),
			CP_CERT_ERR_X509_DECODE);
	free(buf);
}

static void
test_x509_check_rejects_tampered_certificate(void)
{
	uint8_t *buf = malloc(creds.id_len);

	/* Flip a bit in the last byte of the signature. */
	CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
	memcpy(buf, creds.id_der, creds.id_len);
	buf[creds.id_len - 1] ^= 0x01;
	CU_ASSERT_EQUAL(cp_x509_check_id_cert(buf, creds.id_len, NOW, NULL), CP_CERT_ERR_X509_SIG);
	free(buf);
}

static void
test_x509_cert_make_rejects_missing_names(void)
{
	uint8_t *der = (uint8_t *)1;
	size_t len = 1;

	CU_ASSERT_EQUAL(cp_x509_cert_make(rsa_a, rsa_a, NULL, "x", NOW, NOW + DAY, &der, &len),
			-EINVAL);
	CU_ASSERT_PTR_NULL(der);
	CU_ASSERT_EQUAL(len, 0);
}

static CU_TestInfo x509_tests[] = {
	{ "link_cert_has_tor_shape", test_x509_link_cert_has_tor_shape },
	{ "id_cert_has_tor_shape", test_x509_id_cert_has_tor_shape },
	{ "link_issuer_is_id_subject", test_x509_link_issuer_is_id_subject },
	{ "link_cert_is_live_with_a_day_left", test_x509_link_cert_is_live_with_a_day_left },
	{ "creds_digest_is_sha256_of_link_der", test_x509_creds_digest_is_sha256_of_link_der },
	{ "creds_link_key_matches_cert", test_x509_creds_link_key_matches_cert },
	{ "creds_reject_non_1024_identity", test_x509_creds_reject_non_1024_identity },
	{ "creds_use_given_link_lifetime", test_x509_creds_use_given_link_lifetime },
	{ "pick_validity_properties", test_x509_pick_validity_properties },
	{ "pick_validity_short_lifetime_starts_now",
	  test_x509_pick_validity_short_lifetime_starts_now },
	{ "pick_link_lifetime_properties", test_x509_pick_link_lifetime_properties },
	{ "random_hostname_pattern", test_x509_random_hostname_pattern },
	{ "check_accepts_our_id_cert", test_x509_check_accepts_our_id_cert },
	{ "check_accepts_link_cert_signed_by_identity",
	  test_x509_check_accepts_link_cert_signed_by_identity },
	{ "check_rejects_link_cert_as_identity", test_x509_check_rejects_link_cert_as_identity },
	{ "check_rejects_wrong_signer", test_x509_check_rejects_wrong_signer },
	{ "check_rejects_2048_bit_identity", test_x509_check_rejects_2048_bit_identity },
	{ "check_lifetime_slop_table", test_x509_check_lifetime_slop_table },
	{ "check_rejects_garbage", test_x509_check_rejects_garbage },
	{ "check_rejects_truncated_der", test_x509_check_rejects_truncated_der },
	{ "check_rejects_trailing_byte", test_x509_check_rejects_trailing_byte },
	{ "check_rejects_tampered_certificate", test_x509_check_rejects_tampered_certificate },
	{ "cert_make_rejects_missing_names", test_x509_cert_make_rejects_missing_names },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_certs_x509 = { "controlplane/certs_x509", x509_suite_init, x509_suite_fini,
				  NULL, NULL, x509_tests };
