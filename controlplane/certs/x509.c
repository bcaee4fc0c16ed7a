/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief The X.509 certificates of a Tor link: make ours, check the peer's.
 *
 * Tor's X.509 certificates carry no meaning beyond "this RSA key signed
 * that one"; the values in them (names, serial, dates) exist to look like
 * an ordinary web server's. This file reproduces what tor 0.4.9 writes
 * (tortls.c tor_tls_context_init_certificates(), x509_openssl.c
 * tor_tls_create_certificate(), x509.c tor_tls_pick_certificate_lifetime())
 * and what it checks (tor_tls_cert_is_valid(), tor_x509_cert_decode()).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/asn1.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include "controlplane/certs/x509.h"
#include "controlplane/util.h"

#define DAY (24 * 60 * 60)
/* OpenSSL makes self-signed certificates with 64-bit serials; so does tor. */
#define SERIAL_LEN 8

/* Uniform random integer in [0, n); n > 0. Returns -EIO if the RNG fails. */
static int
rand_below(uint64_t n, uint64_t *out)
{
	/* Reject the top partial range so every residue is equally likely;
	 * at most a handful of rounds in expectation (n <= 2^63 here). */
	uint64_t limit = UINT64_MAX - UINT64_MAX % n;
	uint64_t v;

	do {
		if (RAND_bytes((unsigned char *)&v, sizeof(v)) != 1)
			return -EIO;
	} while (v >= limit);
	*out = v % n;
	return 0;
}

int
cp_x509_random_hostname(char *buf, size_t len, const char *suffix)
{
	/* Tor's base32 alphabet (crypto_random_hostname() base32-encodes). */
	static const char b32[] = "abcdefghijklmnopqrstuvwxyz234567";
	uint8_t rnd[20];
	uint64_t extra;
	size_t n;
	size_t i;
	size_t off;

	if (len < 4 + 20 + strlen(suffix) + 1)
		return -ENOBUFS;
	/* crypto_random_hostname(8, 20, ...): 8..20 characters. */
	if (rand_below(13, &extra) < 0 || RAND_bytes(rnd, sizeof(rnd)) != 1)
		return -EIO;
	n = 8 + (size_t)extra;
	memcpy(buf, "www.", 4);
	off = 4;
	for (i = 0; i < n; i++)
		buf[off++] = b32[rnd[i] & 31];
	strcpy(buf + off, suffix);
	OPENSSL_cleanse(rnd, sizeof(rnd));
	return 0;
}

int
cp_x509_pick_validity(time_t now, uint32_t lifetime, time_t *not_before, time_t *not_after)
{
	/* x509.c: start part-way through the lifetime, but with at least a
	 * day of real lifetime left, and on a day boundary. */
	const time_t min_real_lifetime = DAY;
	const time_t start_granularity = DAY;
	time_t earliest;
	time_t start;
	uint64_t off;

	if ((time_t)lifetime <= min_real_lifetime + start_granularity)
		earliest = now - 1;
	else
		earliest = now + min_real_lifetime + start_granularity - (time_t)lifetime;
	/* crypto_rand_time_range(earliest, now): [earliest, now). */
	if (rand_below((uint64_t)(now - earliest), &off) < 0)
		return -EIO;
	start = earliest + (time_t)off;
	start -= start % start_granularity;
	*not_before = start;
	*not_after = start + (time_t)lifetime;
	return 0;
}

uint32_t
cp_x509_pick_link_lifetime(void)
{
	const uint64_t five_days = 5 * DAY;
	const uint64_t one_year = 365 * DAY;
	uint64_t v;
	uint64_t coin;
	uint32_t lifetime;

	/* router.c: crypto_rand_int_range(five_days, one_year), rounded
	 * down to the day, and half the time one second before midnight. */
	if (rand_below(one_year - five_days, &v) < 0 || rand_below(2, &coin) < 0)
		return 0;
	lifetime = (uint32_t)(five_days + v);
	lifetime -= lifetime % DAY;
	if (coin)
		lifetime--;
	return lifetime;
}

/* A name with one commonName entry. */
static X509_NAME *
x509_name_cn(const char *cn)
{
	X509_NAME *name = X509_NAME_new();

	if (name == NULL)
		return NULL;
	if (!X509_NAME_add_entry_by_NID(name, NID_commonName, MBSTRING_ASC,
					(const unsigned char *)cn, -1, -1, 0)) {
		X509_NAME_free(name);
		return NULL;
	}
	return name;
}

int
cp_x509_cert_make(EVP_PKEY *subject_key, EVP_PKEY *signer_key, const char *cn,
		  const char *issuer_cn, time_t not_before, time_t not_after, uint8_t **der,
		  size_t *der_len)
{
	unsigned char serial[SERIAL_LEN];
	unsigned char *enc = NULL;
	X509_NAME *subject = NULL;
	X509_NAME *issuer = NULL;
	BIGNUM *bn = NULL;
	X509 *x = NULL;
	int n;
	int rc = -EIO;

	*der = NULL;
	*der_len = 0;
	if (subject_key == NULL || signer_key == NULL || cn == NULL || issuer_cn == NULL)
		return -EINVAL;

	x = X509_new();
	subject = x509_name_cn(cn);
	issuer = x509_name_cn(issuer_cn);
	if (x == NULL || subject == NULL || issuer == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	if (RAND_bytes(serial, sizeof(serial)) != 1)
		goto out;
	bn = BN_bin2bn(serial, sizeof(serial), NULL);
	if (bn == NULL || BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) == NULL)
		goto out;
	/* Version 3 (value 2), as tor; no extensions. */
	if (!X509_set_version(x, 2) || !X509_set_subject_name(x, subject) ||
	    !X509_set_issuer_name(x, issuer) ||
	    ASN1_TIME_set(X509_getm_notBefore(x), not_before) == NULL ||
	    ASN1_TIME_set(X509_getm_notAfter(x), not_after) == NULL ||
	    !X509_set_pubkey(x, subject_key))
		goto out;
	if (X509_sign(x, signer_key, EVP_sha256()) <= 0)
		goto out;
	n = i2d_X509(x, &enc);
	if (n <= 0)
		goto out;
	*der = cp_xmalloc((size_t)n);
	memcpy(*der, enc, (size_t)n);
	*der_len = (size_t)n;
	rc = 0;
out:
	OPENSSL_free(enc);
	BN_free(bn);
	X509_NAME_free(subject);
	X509_NAME_free(issuer);
	X509_free(x);
	return rc;
}

/* Tell whether @p key is an RSA key of exactly @p bits bits. */
static bool
x509_is_rsa_bits(const EVP_PKEY *key, int bits)
{
	return key != NULL && EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA &&
	       EVP_PKEY_get_bits(key) == bits;
}

int
cp_x509_tls_creds_create(EVP_PKEY *rsa_id, time_t now, uint32_t link_lifetime,
			 struct cp_x509_tls_creds *out)
{
	char link_cn[CP_X509_HOSTNAME_MAX];
	char id_cn[CP_X509_HOSTNAME_MAX];
	time_t nb, na;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!x509_is_rsa_bits(rsa_id, CP_X509_ID_KEY_BITS))
		return -EINVAL;
	if (link_lifetime == 0)
		link_lifetime = cp_x509_pick_link_lifetime();
	if (link_lifetime == 0)
		return -EIO;

	/* tortls.c: nickname www.<rand>.net names the link certificate,
	 * nn2 www.<rand>.com names the identity (subject and issuer). */
	rc = cp_x509_random_hostname(link_cn, sizeof(link_cn), ".net");
	if (rc == 0)
		rc = cp_x509_random_hostname(id_cn, sizeof(id_cn), ".com");
	if (rc < 0)
		return rc;

	out->link_key = EVP_RSA_gen(CP_X509_LINK_KEY_BITS);
	if (out->link_key == NULL) {
		rc = -ENOMEM;
		goto fail;
	}
	rc = cp_x509_pick_validity(now, link_lifetime, &nb, &na);
	if (rc < 0)
		goto fail;
	rc = cp_x509_cert_make(out->link_key, rsa_id, link_cn, id_cn, nb, na, &out->link_der,
			       &out->link_len);
	if (rc < 0)
		goto fail;
	out->link_not_after = na;
	rc = cp_x509_pick_validity(now, CP_X509_ID_LIFETIME, &nb, &na);
	if (rc < 0)
		goto fail;
	rc = cp_x509_cert_make(rsa_id, rsa_id, id_cn, id_cn, nb, na, &out->id_der, &out->id_len);
	if (rc < 0)
		goto fail;
	SHA256(out->link_der, out->link_len, out->link_sha256);
	return 0;
fail:
	cp_x509_tls_creds_destroy(out);
	return rc;
}

void
cp_x509_tls_creds_destroy(struct cp_x509_tls_creds *c)
{
	EVP_PKEY_free(c->link_key);
	free(c->link_der);
	free(c->id_der);
	memset(c, 0, sizeof(*c));
}

/* Decode exactly @p len bytes of DER; NULL unless they are one certificate
 * whose re-encoding is the same bytes (tor_x509_cert_decode()). */
static X509 *
x509_decode_strict(const uint8_t *der, size_t len)
{
	const unsigned char *p = der;
	unsigned char *enc = NULL;
	X509 *x;
	int n;

	if (len == 0 || len > INT32_MAX)
		return NULL;
	x = d2i_X509(NULL, &p, (long)len);
	if (x == NULL)
		return NULL;
	if ((size_t)(p - der) != len)
		goto bad;
	n = i2d_X509(x, &enc);
	if (n <= 0 || (size_t)n != len || memcmp(enc, der, len) != 0)
		goto bad;
	OPENSSL_free(enc);
	return x;
bad:
	OPENSSL_free(enc);
	X509_free(x);
	return NULL;
}

enum cp_cert_err
cp_x509_check(const uint8_t *der, size_t len, EVP_PKEY *signer, bool need_rsa1024, time_t now,
	      EVP_PKEY **key_out)
{
	enum cp_cert_err err;
	EVP_PKEY *key;
	time_t t;
	X509 *x;

	if (key_out != NULL)
		*key_out = NULL;
	x = x509_decode_strict(der, len);
	if (x == NULL)
		return CP_CERT_ERR_X509_DECODE;
	key = X509_get0_pubkey(x);
	if (key == NULL) {
		err = CP_CERT_ERR_X509_KEY;
		goto out;
	}
	/* tor_tls_cert_is_valid(): signature, then lifetime, then key. */
	if (X509_verify(x, signer != NULL ? signer : key) <= 0) {
		err = CP_CERT_ERR_X509_SIG;
		goto out;
	}
	t = now + CP_X509_FUTURE_SLOP;
	if (X509_cmp_time(X509_get0_notBefore(x), &t) > 0) {
		err = CP_CERT_ERR_X509_NOT_YET_VALID;
		goto out;
	}
	t = now - CP_X509_PAST_SLOP;
	if (X509_cmp_time(X509_get0_notAfter(x), &t) < 0) {
		err = CP_CERT_ERR_X509_EXPIRED;
		goto out;
	}
	if (need_rsa1024 ? !x509_is_rsa_bits(key, CP_X509_ID_KEY_BITS)
			 : (EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA ||
			    EVP_PKEY_get_bits(key) < CP_X509_ID_KEY_BITS)) {
		err = CP_CERT_ERR_X509_KEY;
		goto out;
	}
	if (key_out != NULL) {
		if (!EVP_PKEY_up_ref(key)) {
			err = CP_CERT_ERR_INTERNAL;
			goto out;
		}
		*key_out = key;
	}
	err = CP_CERT_OK;
out:
	X509_free(x);
	return err;
}

enum cp_cert_err
cp_x509_check_id_cert(const uint8_t *der, size_t len, time_t now, EVP_PKEY **key_out)
{
	return cp_x509_check(der, len, NULL, true, now, key_out);
}
