/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Helpers shared by the controlplane/certs test suites.
 *
 * Test keys come from fixed PEM texts and fixed Ed25519 seeds, so every
 * signature in the suites is deterministic (Ed25519 and PKCS#1 v1.5 are).
 * The X.509 helpers check the "shape" tor 0.4.9 gives its link-handshake
 * certificates, so the same predicates run on Chive's certificates
 * (test_certs_x509.c) and on the ones a real tor sent (test_certs_tor.c).
 */
#ifndef TESTS_CONTROLPLANE_TEST_CERTS_UTIL_H
#define TESTS_CONTROLPLANE_TEST_CERTS_UTIL_H

#include <regex.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <CUnit/CUnit.h>
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "controlplane/crypto/ed25519x.h"

/** Load a private key from PEM text; NULL on failure. */
/** Fixed RSA-1024 test key A (PEM), shared by the certs suites; belongs to nothing. */
static inline const char *
certs_test_rsa_a_pem(void)
{
	return
	"-----BEGIN RSA PRIVATE KEY-----\n"
	"MIICWwIBAAKBgQDA5pG3Q9X2aEm1o8H+Z1UNPfjanW35Zf6xPPr1fXUq4BbjFEbl\n"
	"+/g9bf5y2NOPm1YeaIj3Hep2GE6w9MSEXGuNJVNZwUxChsITtgtwMPEQN0znscBW\n"
	"kORSzS16FwVCVW1m+G00hUlYNg1i8ibt4VY0ljUgBFFDT5itaRgKDsDmKwIDAQAB\n"
	"AoGAe/+7C6N/lrXTK//oZDDoa2q63Uz1tKvr3OLmL4hGGRmTnMUcDhq6qEJcnlbj\n"
	"KB0ibsmjwbZpUSCu9PFiofMG7sasb59FEFyZtQUnEn5JpPy+Sx9MtoHhCQnegSc4\n"
	"GdLgdBa+NPMM09AZhqdIyO09KftU7YGTSHtYpsJshQqRsYECQQDe9TyTATUsbsx5\n"
	"ZXEs9sbBBEFW7S0Y3PjXZdyA3EJCZk/ShYfrVSFpES1fTHB0hyXx5lDz6UfP19Qx\n"
	"24RdYTzVAkEA3Xz+e6hkjkfkjtRTw+2gouQqgGd+8L1LgQ+YG2cfUJuDtRts6ORT\n"
	"A+9VjntNjXCz4H+QNzH1xVx/Nokwen8W/wJAcyekrqSsCxP7BiRPzRJ0W1LQUI5V\n"
	"gYb3+4B/4ApjKppfVfNj3Tdt9y9JCPSZDIaVIZh8bU4qqf3meg3QEs7bNQJAPPRN\n"
	"RNLO+aknaXddpiobbzjDyZqyAKbXxKj5/3Cd2Z0y3gCyNFXB0u9m6FNewHInzrzM\n"
	"f6QsMyiFigivYsbfGQJAdUom/FYnWZYqF8v+BVYiSS2pYCDY8G/IUbO+d6ROkO6q\n"
	"DhX9BhHhebnzm2I6OK/0CsK/d+pPrv82gZ3t51KvuA==\n"
	"-----END RSA PRIVATE KEY-----\n"
		;
}

/** Fixed RSA-1024 test key B (PEM). */
static inline const char *
certs_test_rsa_b_pem(void)
{
	return
	"-----BEGIN RSA PRIVATE KEY-----\n"
	"MIICXgIBAAKBgQCheaaKX/rjqM4y20ft4z+YczkPYjOKa9iWOQ/03taX+WLG+qQb\n"
	"ehgK4pvbUaSn4SRE9tN9qauZIoh1c4qa36syYCvA6ljygTC+wlWXsuAZcsIwl5rR\n"
	"IL0WQc5N45r7ANi6DLG85wxCp3tR3rXJRuAX+Um12NPdtdqur7fbVAqLbwIDAQAB\n"
	"AoGBAICqi57FPgg70RpLCnSu2FTksznj2QfaSXniPCm1iq8MQ74jp7JRRmkeCmzn\n"
	"EFnJF3pwZzNBiH98OdnE2FPyF9nG/2H1qUnHJsMtVJOmfogEm7+7URjSQdbLq9XT\n"
	"UkUhvT4RYVXw1FEjw7USPauZeo7mpQeYak83OXXKZEgBBzA5AkEA0ja01n1RMF3e\n"
	"vZAyTk5vA7JQ71ixxRqWA8LdEYcv/umSQHF9O/pGjZ56VI1vQP1dGfg1NF/MFgtL\n"
	"hrJrmLE/2wJBAMSlVkDQr6mUwdSGQBijJQdHHEcvV2EIp1NP+z6VRNBDSeeUOPiR\n"
	"i9HVsz+mU0qehfEb4/Hnhfs0RoHiQsveUP0CQQDMhF8CQyAHT3ySr0TSPKrzTLxD\n"
	"cOZbnpcPB7nvALioaHRa8E9oWAHmbKYVtxjjgNzglESnNQCo/co4PURDZUd7AkAl\n"
	"n6ioEAV8Aa0wN1tuG1DLWqyrZgBm3Vv+UbA1YiPfYPBz8WUREe/ZfvSjufP3s+rW\n"
	"ncp4Dx8QWAkhcqPrE6cVAkEAsyz8FR56iw6Y1jfa8PtcsaylA4v2kKeYFzmQdBa7\n"
	"BNc5JTNkuIne0JCLDX7NZJXPQZqNMK6otwSUJEhTLoMZpg==\n"
	"-----END RSA PRIVATE KEY-----\n"
		;
}

static inline EVP_PKEY *
certs_test_pem_key(const char *pem)
{
	BIO *bio = BIO_new_mem_buf(pem, -1);
	EVP_PKEY *k;

	if (bio == NULL)
		return NULL;
	k = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
	BIO_free(bio);
	return k;
}

/** Make the Ed25519 key whose RFC 8032 seed is first, first+1, ..., first+31. */
static inline int
certs_test_ed_key(struct cp_ed25519_key *k, uint8_t first)
{
	uint8_t seed[32];
	int i;

	for (i = 0; i < 32; i++)
		seed[i] = (uint8_t)(first + i);
	return cp_ed25519_from_seed(k, seed);
}

/** Decode DER with OpenSSL; the caller frees. */
static inline X509 *
certs_test_x509(const uint8_t *der, size_t len)
{
	const unsigned char *p = der;

	return d2i_X509(NULL, &p, (long)len);
}

/** The commonName of @p name, copied into @p buf (empty if none). */
static inline const char *
certs_test_cn(const X509_NAME *name, char *buf, int len)
{
	buf[0] = '\0';
	X509_NAME_get_text_by_NID(name, NID_commonName, buf, len);
	return buf;
}

/** Tell whether @p s is "www." + 8..20 base32 characters + "." + @p tld. */
static inline bool
certs_test_is_tor_hostname(const char *s, const char *tld)
{
	char pat[64];
	regex_t re;
	bool ok;

	snprintf(pat, sizeof(pat), "^www\\.[a-z2-7]{8,20}\\.%s$", tld);
	if (regcomp(&re, pat, REG_EXTENDED | REG_NOSUB) != 0)
		return false;
	ok = regexec(&re, s, 0, NULL, 0) == 0;
	regfree(&re);
	return ok;
}

/** Seconds since the epoch of an ASN1_TIME, or -1. */
static inline time_t
certs_test_time(const ASN1_TIME *t)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	if (ASN1_TIME_to_tm(t, &tm) != 1)
		return -1;
	return timegm(&tm);
}

/**
 * Assert the shape tor gives every link-handshake certificate
 * (x509_openssl.c tor_tls_create_certificate()): X.509 v3, no extensions,
 * a serial of at most 8 bytes, sha256WithRSAEncryption, a start on a day
 * boundary (x509.c), and exactly one name entry (a CN) in subject and issuer.
 */
static inline void
certs_test_assert_tor_shape(X509 *x)
{
	const ASN1_INTEGER *serial = X509_get0_serialNumber(x);

	CU_ASSERT_EQUAL(X509_get_version(x), 2);
	CU_ASSERT_EQUAL(X509_get_ext_count(x), 0);
	CU_ASSERT_TRUE(ASN1_STRING_length(serial) >= 1 && ASN1_STRING_length(serial) <= 8);
	CU_ASSERT_EQUAL(X509_get_signature_nid(x), NID_sha256WithRSAEncryption);
	CU_ASSERT_EQUAL(certs_test_time(X509_get0_notBefore(x)) % 86400, 0);
	CU_ASSERT_EQUAL(X509_NAME_entry_count(X509_get_subject_name(x)), 1);
	CU_ASSERT_EQUAL(X509_NAME_entry_count(X509_get_issuer_name(x)), 1);
}

#endif /* TESTS_CONTROLPLANE_TEST_CERTS_UTIL_H */
