/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief CUnit suite "controlplane/certs_linkcerts": CERTS bodies and AUTHENTICATE.
 *
 * The fixture is one relay's full set of link certificates made with the
 * module's own makers from fixed keys (RSA rsa_a, Ed25519 seeds 01.., 21..,
 * 41..) at a fixed time. Each rejection test changes one thing in a CERTS
 * body and expects the reason and the CertType at fault (tor-spec.txt
 * §4.2; checklist B6, B7). The AUTHENTICATE tests check the method-3
 * layout byte by byte (tor-spec.txt §4.4.2, 352 bytes), a signature
 * computed independently in Python over the same layout, and that changing
 * any single byte of the cell is refused. A CERTS body sent by a real tor
 * is verified in test_certs_tor.c.
 */
#include "tests/suites.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "common/base/compiler.h"
#include "common/wire/wire_link.h"
#include "controlplane/certs/edcert.h"
#include "controlplane/certs/linkcerts.h"
#include "controlplane/certs/rsacross.h"
#include "controlplane/certs/x509.h"
#include "tests/controlplane/test_certs_util.h"

/* Public key of seed 41..60 (auth). */
static const uint8_t vec_auth_pub[32] = {
	0xad, 0xc1, 0x40, 0x11, 0xf8, 0x2d, 0x1c, 0x56, 0xd9, 0x56, 0xaa, 0x4f,
	0x9d, 0x73, 0xd8, 0x85, 0x83, 0x61, 0xa6, 0x06, 0x04, 0x85, 0x25, 0xe0,
	0xd0, 0x8c, 0x63, 0x8d, 0xc7, 0x5d, 0xd8, 0xc7,
};

/* Ed25519 (auth key) over AUTH0003 | 11*32 | 22*32 | ... | 88*32 | aa*24. */
static const uint8_t vec_auth3_sig[64] = {
	0x29, 0x46, 0xbb, 0xe4, 0x66, 0x73, 0x79, 0xf4, 0xec, 0x45, 0xc9, 0x68,
	0x24, 0x48, 0x3d, 0xd3, 0xdd, 0x07, 0x86, 0xd6, 0x5a, 0xcd, 0xa2, 0x9c,
	0x05, 0x27, 0x35, 0xfc, 0x8c, 0xfa, 0x40, 0x65, 0xa9, 0x65, 0x4c, 0xea,
	0x8c, 0x89, 0xa9, 0x63, 0x7c, 0xec, 0xf2, 0xcd, 0xe0, 0x8d, 0xf8, 0x23,
	0x45, 0xa6, 0xea, 0x10, 0x7c, 0x89, 0x0d, 0x37, 0x30, 0x7c, 0xd8, 0xa8,
	0x8c, 0xc4, 0xb7, 0x0d,
};

#define DAY 86400
#define NOW ((time_t)1800000000)

/* The relay under test. */
static EVP_PKEY *rsa_a;
static EVP_PKEY *rsa_b;
static struct cp_x509_tls_creds creds;
static struct cp_ed25519_key master, signing, auth, other;
static uint8_t cert4[CP_EDCERT_WITH_SIGNER_LEN];
static uint8_t cert5[CP_EDCERT_MIN_LEN];
static uint8_t cert6[CP_EDCERT_MIN_LEN];
static uint8_t xcert[CP_RSACROSS_MAX_LEN];
static size_t xcert_len;
static uint32_t exp4, exp5, exp6, expx;
static struct cp_linkcerts_own own;
static uint8_t rsa_a_sha1[20];
static uint8_t rsa_a_sha256[32];

/* Scratch for bodies. */
static uint8_t body[8192];

static int
linkcerts_suite_init(void)
{
	int n;

	rsa_a = certs_test_pem_key(certs_test_rsa_a_pem());
	rsa_b = certs_test_pem_key(certs_test_rsa_b_pem());
	if (rsa_a == NULL || rsa_b == NULL)
		return -1;
	if (cp_x509_tls_creds_create(rsa_a, NOW, 30 * DAY, &creds) != 0)
		return -1;
	if (certs_test_ed_key(&master, 0x01) < 0 || certs_test_ed_key(&signing, 0x21) < 0 ||
	    certs_test_ed_key(&auth, 0x41) < 0 || certs_test_ed_key(&other, 0x61) < 0)
		return -1;
	/* Lifetimes as tor's defaults: signing 30 days, link and auth 2
	 * days, crosscert 180 days. */
	exp4 = cp_edcert_hours_ceil(NOW + 30 * DAY);
	exp5 = cp_edcert_hours_ceil(NOW + 2 * DAY);
	exp6 = cp_edcert_hours_ceil(NOW + 2 * DAY + 3600);
	expx = cp_edcert_hours_ceil(NOW + 180 * DAY);
	if (cp_edcert_make(cert4, sizeof(cert4), CP_EDCERT_TYPE_ID_SIGNING, CP_EDCERT_KEY_ED25519,
			   signing.pub, exp4, true, &master) != 140 ||
	    cp_edcert_make(cert5, sizeof(cert5), CP_EDCERT_TYPE_SIGNING_LINK,
			   CP_EDCERT_KEY_SHA256_X509, creds.link_sha256, exp5, false,
			   &signing) != 104 ||
	    cp_edcert_make(cert6, sizeof(cert6), CP_EDCERT_TYPE_SIGNING_AUTH, CP_EDCERT_KEY_ED25519,
			   auth.pub, exp6, false, &signing) != 104)
		return -1;
	n = cp_rsacross_make(xcert, sizeof(xcert), master.pub, expx, rsa_a);
	if (n != CP_RSACROSS_LEN_1024)
		return -1;
	xcert_len = (size_t)n;
	if (cp_rsa_id_digests(rsa_a, rsa_a_sha1, rsa_a_sha256) < 0)
		return -1;

	own = (struct cp_linkcerts_own){
		.rsa_link = creds.link_der, .rsa_link_len = creds.link_len,
		.rsa_id = creds.id_der, .rsa_id_len = creds.id_len,
		.ed_id_signing = cert4, .ed_id_signing_len = sizeof(cert4),
		.ed_signing_link = cert5, .ed_signing_link_len = sizeof(cert5),
		.ed_signing_auth = cert6, .ed_signing_auth_len = sizeof(cert6),
		.rsa_ed_crosscert = xcert, .rsa_ed_crosscert_len = xcert_len,
	};
	return 0;
}

static int
linkcerts_suite_fini(void)
{
	cp_x509_tls_creds_destroy(&creds);
	EVP_PKEY_free(rsa_a);
	EVP_PKEY_free(rsa_b);
	cp_ed25519_wipe(&master);
	cp_ed25519_wipe(&signing);
	cp_ed25519_wipe(&auth);
	cp_ed25519_wipe(&other);
	return 0;
}

/* Encode a body of @p n entries into body[]; return its length. */
static size_t
encode(const struct wire_certs_entry *e, size_t n)
{
	int len = wire_certs_encode(body, sizeof(body), e, n);

	CU_ASSERT_FATAL(len > 0);
	return (size_t)len;
}

/* The five entries of a responder body, for tests to edit. */
static void
responder_entries(struct wire_certs_entry e[5])
{
	e[0] = (struct wire_certs_entry){ 1, (uint16_t)creds.link_len, creds.link_der };
	e[1] = (struct wire_certs_entry){ 2, (uint16_t)creds.id_len, creds.id_der };
	e[2] = (struct wire_certs_entry){ 4, sizeof(cert4), cert4 };
	e[3] = (struct wire_certs_entry){ 5, sizeof(cert5), cert5 };
	e[4] = (struct wire_certs_entry){ 7, (uint16_t)xcert_len, xcert };
}

/* The four entries of an initiator body (no type 3), for tests to edit. */
static void
initiator_entries(struct wire_certs_entry e[4])
{
	e[0] = (struct wire_certs_entry){ 2, (uint16_t)creds.id_len, creds.id_der };
	e[1] = (struct wire_certs_entry){ 4, sizeof(cert4), cert4 };
	e[2] = (struct wire_certs_entry){ 6, sizeof(cert6), cert6 };
	e[3] = (struct wire_certs_entry){ 7, (uint16_t)xcert_len, xcert };
}

/* Verify body[0..len) as sent by a responder presenting our link cert. */
static enum cp_cert_err
verify_responder(size_t len, struct cp_linkcerts_peer *p)
{
	return cp_linkcerts_verify(body, len, CP_LINKCERTS_ROLE_RESPONDER, creds.link_sha256, NOW,
				   p);
}

static enum cp_cert_err
verify_initiator(size_t len, struct cp_linkcerts_peer *p)
{
	return cp_linkcerts_verify(body, len, CP_LINKCERTS_ROLE_INITIATOR, NULL, NOW, p);
}

static void
test_linkcerts_responder_body_has_tor_order(void)
{
	static const uint8_t want[] = { 1, 2, 4, 5, 7 };
	struct wire_certs_entry e[8];
	size_t n, i;
	int len;

	len = cp_linkcerts_build(body, sizeof(body), CP_LINKCERTS_ROLE_RESPONDER, &own);
	CU_ASSERT_FATAL(len > 0);
	CU_ASSERT_EQUAL((size_t)len, cp_linkcerts_body_len(CP_LINKCERTS_ROLE_RESPONDER, &own));
	CU_ASSERT_EQUAL_FATAL(wire_certs_decode(body, (size_t)len, e, 8, &n), 0);
	CU_ASSERT_EQUAL_FATAL(n, 5);
	for (i = 0; i < n; i++)
		CU_ASSERT_EQUAL(e[i].type, want[i]);
	CU_ASSERT_EQUAL(e[2].len, 140);
	CU_ASSERT_EQUAL(e[3].len, 104);
	CU_ASSERT_EQUAL(e[4].len, 165);
}

static void
test_linkcerts_initiator_body_has_tor_order(void)
{
	static const uint8_t want[] = { 2, 4, 6, 7 };
	struct wire_certs_entry e[8];
	size_t n, i;
	int len;

	len = cp_linkcerts_build(body, sizeof(body), CP_LINKCERTS_ROLE_INITIATOR, &own);
	CU_ASSERT_FATAL(len > 0);
	CU_ASSERT_EQUAL_FATAL(wire_certs_decode(body, (size_t)len, e, 8, &n), 0);
	CU_ASSERT_EQUAL_FATAL(n, 4);
	for (i = 0; i < n; i++)
		CU_ASSERT_EQUAL(e[i].type, want[i]);
}

static void
test_linkcerts_initiator_body_puts_type3_first(void)
{
	struct cp_linkcerts_own o = own;
	struct wire_certs_entry e[8];
	size_t n;
	int len;

	/* Any DER works for the layout; tor ignores type 3 next to type 4. */
	o.rsa_auth = creds.link_der;
	o.rsa_auth_len = creds.link_len;
	len = cp_linkcerts_build(body, sizeof(body), CP_LINKCERTS_ROLE_INITIATOR, &o);
	CU_ASSERT_FATAL(len > 0);
	CU_ASSERT_EQUAL_FATAL(wire_certs_decode(body, (size_t)len, e, 8, &n), 0);
	CU_ASSERT_EQUAL_FATAL(n, 5);
	CU_ASSERT_EQUAL(e[0].type, 3);
	CU_ASSERT_EQUAL(e[1].type, 2);
}

static void
test_linkcerts_build_rejects_missing_certificate(void)
{
	struct cp_linkcerts_own o = own;

	o.ed_signing_link = NULL;
	CU_ASSERT_EQUAL(cp_linkcerts_build(body, sizeof(body), CP_LINKCERTS_ROLE_RESPONDER, &o),
			-EINVAL);
	CU_ASSERT_EQUAL(cp_linkcerts_body_len(CP_LINKCERTS_ROLE_RESPONDER, &o), 0);
	o = own;
	o.rsa_id = NULL;
	CU_ASSERT_EQUAL(cp_linkcerts_build(body, sizeof(body), CP_LINKCERTS_ROLE_INITIATOR, &o),
			-EINVAL);
}

static void
test_linkcerts_build_rejects_small_buffer(void)
{
	CU_ASSERT_EQUAL(cp_linkcerts_build(body, 100, CP_LINKCERTS_ROLE_RESPONDER, &own), -ENOBUFS);
}

static void
test_linkcerts_verify_accepts_responder_body(void)
{
	struct cp_linkcerts_peer p;
	int len = cp_linkcerts_build(body, sizeof(body), CP_LINKCERTS_ROLE_RESPONDER, &own);
	static const uint8_t zero[32];

	CU_ASSERT_FATAL(len > 0);
	CU_ASSERT_EQUAL_FATAL(verify_responder((size_t)len, &p), CP_CERT_OK);
	CU_ASSERT_EQUAL(memcmp(p.rsa_id_sha1, rsa_a_sha1, 20), 0);
	CU_ASSERT_EQUAL(memcmp(p.rsa_id_sha256, rsa_a_sha256, 32), 0);
	CU_ASSERT_EQUAL(memcmp(p.ed_id, master.pub, 32), 0);
	CU_ASSERT_EQUAL(memcmp(p.ed_signing, signing.pub, 32), 0);
	CU_ASSERT_EQUAL(memcmp(p.ed_auth, zero, 32), 0);
	CU_ASSERT_EQUAL(p.expires, (time_t)exp5 * 3600);
	CU_ASSERT_EQUAL(p.failed_type, 0);
}

static void
test_linkcerts_verify_accepts_initiator_body(void)
{
	struct cp_linkcerts_peer p;
	int len = cp_linkcerts_build(body, sizeof(body), CP_LINKCERTS_ROLE_INITIATOR, &own);

	CU_ASSERT_FATAL(len > 0);
	CU_ASSERT_EQUAL_FATAL(verify_initiator((size_t)len, &p), CP_CERT_OK);
	CU_ASSERT_EQUAL(memcmp(p.rsa_id_sha256, rsa_a_sha256, 32), 0);
	CU_ASSERT_EQUAL(memcmp(p.ed_id, master.pub, 32), 0);
	CU_ASSERT_EQUAL(memcmp(p.ed_auth, auth.pub, 32), 0);
	CU_ASSERT_EQUAL(p.expires, (time_t)exp6 * 3600);
}

static void
test_linkcerts_verify_ignores_unknown_types_and_trailing_bytes(void)
{
	struct wire_certs_entry e[7];
	struct cp_linkcerts_peer p;
	size_t len;

	responder_entries(e);
	e[5] = (struct wire_certs_entry){ 9, 3, (const uint8_t *)"abc" };
	e[6] = (struct wire_certs_entry){ 0, 0, NULL };
	len = encode(e, 7);
	body[len++] = 0xee;
	CU_ASSERT_EQUAL(verify_responder(len, &p), CP_CERT_OK);
}

static void
test_linkcerts_verify_ignores_undecodable_rsa_link_and_auth_certs(void)
{
	/* Types 1 and 3 are not looked at once type 4 is present (B6). */
	struct wire_certs_entry e[5];
	struct cp_linkcerts_peer p;
	size_t len;

	responder_entries(e);
	e[0] = (struct wire_certs_entry){ 1, 3, (const uint8_t *)"xyz" };
	len = encode(e, 5);
	CU_ASSERT_EQUAL(verify_responder(len, &p), CP_CERT_OK);
	initiator_entries(e);
	e[4] = (struct wire_certs_entry){ 3, 3, (const uint8_t *)"xyz" };
	len = encode(e, 5);
	CU_ASSERT_EQUAL(verify_initiator(len, &p), CP_CERT_OK);
}

static void
test_linkcerts_verify_rejects_truncated_body(void)
{
	struct cp_linkcerts_peer p;
	int len = cp_linkcerts_build(body, sizeof(body), CP_LINKCERTS_ROLE_RESPONDER, &own);

	CU_ASSERT_FATAL(len > 0);
	CU_ASSERT_EQUAL(verify_responder((size_t)len - 1, &p), CP_CERT_ERR_CERTS_MALFORMED);
	CU_ASSERT_EQUAL(p.failed_type, 0);
	CU_ASSERT_EQUAL(verify_responder(0, &p), CP_CERT_ERR_CERTS_MALFORMED);
}

static void
test_linkcerts_verify_rejects_duplicates(void)
{
	static const uint8_t dup_types[] = { 1, 2, 4, 5, 7 };
	struct wire_certs_entry e[6];
	struct cp_linkcerts_peer p;
	size_t i, len;

	for (i = 0; i < ARRAY_SIZE(dup_types); i++) {
		responder_entries(e);
		e[5] = e[i];
		len = encode(e, 6);
		CU_ASSERT_EQUAL(verify_responder(len, &p), CP_CERT_ERR_CERTS_DUP);
		CU_ASSERT_EQUAL(p.failed_type, dup_types[i]);
	}
}

static void
test_linkcerts_verify_rejects_missing_responder_types(void)
{
	static const uint8_t required[] = { 2, 4, 5, 7 };
	struct wire_certs_entry e[5];
	struct wire_certs_entry kept[4];
	struct cp_linkcerts_peer p;
	size_t i, j, k, len;

	for (i = 0; i < ARRAY_SIZE(required); i++) {
		responder_entries(e);
		for (j = 0, k = 0; j < 5; j++)
			if (e[j].type != required[i])
				kept[k++] = e[j];
		len = encode(kept, 4);
		CU_ASSERT_EQUAL(verify_responder(len, &p), CP_CERT_ERR_CERTS_MISSING);
		CU_ASSERT_EQUAL(p.failed_type, required[i]);
	}
}

static void
test_linkcerts_verify_rejects_missing_initiator_auth_cert(void)
{
	struct wire_certs_entry e[4];
	struct cp_linkcerts_peer p;
	size_t len;

	/* An initiator that sent a type 5 instead of the type 6 it needs. */
	initiator_entries(e);
	e[2] = (struct wire_certs_entry){ 5, sizeof(cert5), cert5 };
	len = encode(e, 4);
	CU_ASSERT_EQUAL(verify_initiator(len, &p), CP_CERT_ERR_CERTS_MISSING);
	CU_ASSERT_EQUAL(p.failed_type, 6);
}

static void
test_linkcerts_verify_rejects_wrong_tls_cert(void)
{
	struct cp_linkcerts_peer p;
	uint8_t other_digest[32];
	int len = cp_linkcerts_build(body, sizeof(body), CP_LINKCERTS_ROLE_RESPONDER, &own);

	CU_ASSERT_FATAL(len > 0);
	memcpy(other_digest, creds.link_sha256, 32);
	other_digest[31] ^= 1;
	CU_ASSERT_EQUAL(cp_linkcerts_verify(body, (size_t)len, CP_LINKCERTS_ROLE_RESPONDER,
					    other_digest, NOW, &p), CP_CERT_ERR_CERTS_LINK);
	CU_ASSERT_EQUAL(p.failed_type, 5);
}

static void
test_linkcerts_verify_needs_tls_digest_for_responder(void)
{
	struct cp_linkcerts_peer p;
	int len = cp_linkcerts_build(body, sizeof(body), CP_LINKCERTS_ROLE_RESPONDER, &own);

	CU_ASSERT_FATAL(len > 0);
	CU_ASSERT_EQUAL(cp_linkcerts_verify(body, (size_t)len, CP_LINKCERTS_ROLE_RESPONDER, NULL,
					    NOW, &p), CP_CERT_ERR_INTERNAL);
}

/* Replace entry @p idx of a responder (or initiator) body with @p cert and verify. */
static enum cp_cert_err
verify_with(bool responder, size_t idx, const uint8_t *cert, size_t cert_len,
	    struct cp_linkcerts_peer *p)
{
	struct wire_certs_entry e[5];
	size_t len;

	if (responder)
		responder_entries(e);
	else
		initiator_entries(e);
	e[idx].body = cert;
	e[idx].len = (uint16_t)cert_len;
	len = encode(e, responder ? 5 : 4);
	return responder ? verify_responder(len, p) : verify_initiator(len, p);
}

static void
test_linkcerts_verify_rejects_type4_without_extension(void)
{
	uint8_t c[CP_EDCERT_MIN_LEN];
	struct cp_linkcerts_peer p;

	CU_ASSERT_EQUAL_FATAL(cp_edcert_make(c, sizeof(c), 4, 1, signing.pub, exp4, false, &master),
			      104);
	CU_ASSERT_EQUAL(verify_with(true, 2, c, sizeof(c), &p), CP_CERT_ERR_ED_NO_SIGNER);
	CU_ASSERT_EQUAL(p.failed_type, 4);
}

static void
test_linkcerts_verify_rejects_expired_ed_certs(void)
{
	struct cp_linkcerts_peer p;
	uint8_t c4[CP_EDCERT_WITH_SIGNER_LEN];
	uint8_t c[CP_EDCERT_MIN_LEN];
	uint32_t past = cp_edcert_hours_ceil(NOW) - 1;

	CU_ASSERT_EQUAL_FATAL(cp_edcert_make(c4, sizeof(c4), 4, 1, signing.pub, past, true,
					     &master), 140);
	CU_ASSERT_EQUAL(verify_with(true, 2, c4, sizeof(c4), &p), CP_CERT_ERR_ED_EXPIRED);
	CU_ASSERT_EQUAL(p.failed_type, 4);
	CU_ASSERT_EQUAL_FATAL(cp_edcert_make(c, sizeof(c), 5, 3, creds.link_sha256, past, false,
					     &signing), 104);
	CU_ASSERT_EQUAL(verify_with(true, 3, c, sizeof(c), &p), CP_CERT_ERR_ED_EXPIRED);
	CU_ASSERT_EQUAL(p.failed_type, 5);
	CU_ASSERT_EQUAL_FATAL(cp_edcert_make(c, sizeof(c), 6, 1, auth.pub, past, false, &signing),
			      104);
	CU_ASSERT_EQUAL(verify_with(false, 2, c, sizeof(c), &p), CP_CERT_ERR_ED_EXPIRED);
	CU_ASSERT_EQUAL(p.failed_type, 6);
}

static void
test_linkcerts_verify_rejects_link_cert_signed_by_master(void)
{
	uint8_t c[CP_EDCERT_MIN_LEN];
	struct cp_linkcerts_peer p;

	CU_ASSERT_EQUAL_FATAL(cp_edcert_make(c, sizeof(c), 5, 3, creds.link_sha256, exp5, false,
					     &master), 104);
	CU_ASSERT_EQUAL(verify_with(true, 3, c, sizeof(c), &p), CP_CERT_ERR_ED_SIG);
	CU_ASSERT_EQUAL(p.failed_type, 5);
}

static void
test_linkcerts_verify_rejects_auth_cert_signed_by_other_key(void)
{
	uint8_t c[CP_EDCERT_MIN_LEN];
	struct cp_linkcerts_peer p;

	CU_ASSERT_EQUAL_FATAL(cp_edcert_make(c, sizeof(c), 6, 1, auth.pub, exp6, false, &other),
			      104);
	CU_ASSERT_EQUAL(verify_with(false, 2, c, sizeof(c), &p), CP_CERT_ERR_ED_SIG);
	CU_ASSERT_EQUAL(p.failed_type, 6);
}

static void
test_linkcerts_verify_rejects_badly_signed_type4(void)
{
	uint8_t c[sizeof(cert4)];
	struct cp_linkcerts_peer p;

	memcpy(c, cert4, sizeof(c));
	c[sizeof(c) - 1] ^= 0x40;
	CU_ASSERT_EQUAL(verify_with(true, 2, c, sizeof(c), &p), CP_CERT_ERR_ED_SIG);
	CU_ASSERT_EQUAL(p.failed_type, 4);
}

static void
test_linkcerts_verify_rejects_link_cert_in_auth_slot(void)
{
	struct cp_linkcerts_peer p;

	/* A type-5 certificate sent with CertType 6. */
	CU_ASSERT_EQUAL(verify_with(false, 2, cert5, sizeof(cert5), &p), CP_CERT_ERR_ED_TYPE);
	CU_ASSERT_EQUAL(p.failed_type, 6);
}

static void
test_linkcerts_verify_rejects_undecodable_ed_cert(void)
{
	struct cp_linkcerts_peer p;

	CU_ASSERT_EQUAL(verify_with(true, 2, cert4, 100, &p), CP_CERT_ERR_ED_TRUNCATED);
	CU_ASSERT_EQUAL(p.failed_type, 4);
}

static void
test_linkcerts_verify_rejects_crosscert_problems(void)
{
	uint8_t c[CP_RSACROSS_MAX_LEN];
	struct cp_linkcerts_peer p;
	uint32_t past = cp_edcert_hours_ceil(NOW) - 1;

	CU_ASSERT_EQUAL_FATAL(cp_rsacross_make(c, sizeof(c), master.pub, past, rsa_a), 165);
	CU_ASSERT_EQUAL(verify_with(true, 4, c, 165, &p), CP_CERT_ERR_XC_EXPIRED);
	CU_ASSERT_EQUAL(p.failed_type, 7);
	CU_ASSERT_EQUAL_FATAL(cp_rsacross_make(c, sizeof(c), other.pub, expx, rsa_a), 165);
	CU_ASSERT_EQUAL(verify_with(true, 4, c, 165, &p), CP_CERT_ERR_XC_KEY);
	CU_ASSERT_EQUAL(p.failed_type, 7);
	CU_ASSERT_EQUAL_FATAL(cp_rsacross_make(c, sizeof(c), master.pub, expx, rsa_b), 165);
	CU_ASSERT_EQUAL(verify_with(true, 4, c, 165, &p), CP_CERT_ERR_XC_SIG);
	CU_ASSERT_EQUAL(p.failed_type, 7);
	CU_ASSERT_EQUAL(verify_with(true, 4, xcert, xcert_len - 1, &p), CP_CERT_ERR_XC_MALFORMED);
	CU_ASSERT_EQUAL(p.failed_type, 7);
}

static void
test_linkcerts_verify_rejects_id_cert_problems(void)
{
	struct cp_linkcerts_peer p;
	EVP_PKEY *big = EVP_RSA_gen(2048);
	uint8_t *der;
	size_t len;

	CU_ASSERT_PTR_NOT_NULL_FATAL(big);
	/* The link certificate is not self-signed. */
	CU_ASSERT_EQUAL(verify_with(true, 1, creds.link_der, creds.link_len, &p),
			CP_CERT_ERR_X509_SIG);
	CU_ASSERT_EQUAL(p.failed_type, 2);
	CU_ASSERT_EQUAL(verify_with(true, 1, (const uint8_t *)"junk", 4, &p),
			CP_CERT_ERR_X509_DECODE);
	CU_ASSERT_EQUAL(p.failed_type, 2);
	/* A self-signed 2048-bit identity. */
	CU_ASSERT_EQUAL_FATAL(cp_x509_cert_make(big, big, "www.abcdefgh.com", "www.abcdefgh.com",
						NOW - DAY, NOW + DAY, &der, &len), 0);
	CU_ASSERT_EQUAL(verify_with(true, 1, der, len, &p), CP_CERT_ERR_X509_KEY);
	CU_ASSERT_EQUAL(p.failed_type, 2);
	free(der);
	/* An expired identity certificate of the right key. */
	CU_ASSERT_EQUAL_FATAL(cp_x509_cert_make(rsa_a, rsa_a, "www.abcdefgh.com",
						"www.abcdefgh.com", NOW - 30 * DAY, NOW - 3 * DAY,
						&der, &len), 0);
	CU_ASSERT_EQUAL(verify_with(true, 1, der, len, &p), CP_CERT_ERR_X509_EXPIRED);
	CU_ASSERT_EQUAL(p.failed_type, 2);
	free(der);
	EVP_PKEY_free(big);
}

static void
test_linkcerts_verify_rejects_id_cert_of_other_relay(void)
{
	struct cp_x509_tls_creds c2;
	struct cp_linkcerts_peer p;

	/* rsa_b's identity cert with rsa_a's crosscert: the crosscert fails. */
	CU_ASSERT_EQUAL_FATAL(cp_x509_tls_creds_create(rsa_b, NOW, 30 * DAY, &c2), 0);
	CU_ASSERT_EQUAL(verify_with(true, 1, c2.id_der, c2.id_len, &p), CP_CERT_ERR_XC_SIG);
	CU_ASSERT_EQUAL(p.failed_type, 7);
	cp_x509_tls_creds_destroy(&c2);
}

/* Fields 0x11.., 0x22.., ..., 0x88.. in wire order; RAND 0xaa.. (as the Python vector). */
static void
vector_fields(struct cp_auth3_fields *f, uint8_t rand[CP_AUTH3_RAND_LEN])
{
	memset(f->cid, 0x11, 32);
	memset(f->sid, 0x22, 32);
	memset(f->cid_ed, 0x33, 32);
	memset(f->sid_ed, 0x44, 32);
	memset(f->slog, 0x55, 32);
	memset(f->clog, 0x66, 32);
	memset(f->scert, 0x77, 32);
	memset(f->tlssecrets, 0x88, 32);
	memset(rand, 0xaa, CP_AUTH3_RAND_LEN);
}

/* An initiator whose auth key is the fixture's. */
static void
vector_initiator(struct cp_linkcerts_peer *p)
{
	memset(p, 0, sizeof(*p));
	memcpy(p->ed_auth, auth.pub, 32);
}

static void
test_auth3_layout_matches_spec(void)
{
	struct cp_auth3_fields f;
	uint8_t rand[CP_AUTH3_RAND_LEN];
	uint8_t cell[CP_AUTH3_CELL_LEN];
	const uint8_t *a = cell + 4;
	size_t i;

	vector_fields(&f, rand);
	CU_ASSERT_EQUAL_FATAL(cp_auth3_build(cell, sizeof(cell), &f, rand, &auth), 356);
	/* AuthType 3, AuthLen 352. */
	CU_ASSERT_EQUAL(cell[0], 0x00);
	CU_ASSERT_EQUAL(cell[1], 0x03);
	CU_ASSERT_EQUAL(cell[2], 0x01);
	CU_ASSERT_EQUAL(cell[3], 0x60);
	CU_ASSERT_EQUAL(memcmp(a, "AUTH0003", 8), 0);
	/* Eight 32-byte fields from offset 8, each filled with 0x11 * k. */
	for (i = 0; i < 8 * 32; i++)
		CU_ASSERT_EQUAL(a[8 + i], (uint8_t)(0x11 * (i / 32 + 1)));
	for (i = 264; i < 288; i++)
		CU_ASSERT_EQUAL(a[i], 0xaa);
	CU_ASSERT_EQUAL(memcmp(a + 288, vec_auth3_sig, 64), 0);
	CU_ASSERT_TRUE(cp_ed25519_verify(a + 288, a, 288, vec_auth_pub));
}

static void
test_auth3_offsets_match_spec(void)
{
	CU_ASSERT_EQUAL(CP_AUTH3_OFF_TYPE, 0);
	CU_ASSERT_EQUAL(CP_AUTH3_OFF_CID, 8);
	CU_ASSERT_EQUAL(CP_AUTH3_OFF_SID, 8 + 32);
	CU_ASSERT_EQUAL(CP_AUTH3_OFF_CID_ED, 8 + 2 * 32);
	CU_ASSERT_EQUAL(CP_AUTH3_OFF_SID_ED, 8 + 3 * 32);
	CU_ASSERT_EQUAL(CP_AUTH3_OFF_SLOG, 8 + 4 * 32);
	CU_ASSERT_EQUAL(CP_AUTH3_OFF_CLOG, 8 + 5 * 32);
	CU_ASSERT_EQUAL(CP_AUTH3_OFF_SCERT, 8 + 6 * 32);
	CU_ASSERT_EQUAL(CP_AUTH3_OFF_TLSSECRETS, 8 + 7 * 32);
	CU_ASSERT_EQUAL(CP_AUTH3_OFF_RAND, 8 + 8 * 32);
	CU_ASSERT_EQUAL(CP_AUTH3_OFF_SIG, 8 + 8 * 32 + 24);
	CU_ASSERT_EQUAL(CP_AUTH3_LEN, CP_AUTH3_OFF_SIG + 64);
	CU_ASSERT_EQUAL(CP_AUTH3_LEN, 352);
}

static void
test_auth3_random_rand_when_none_given(void)
{
	struct cp_auth3_fields f;
	struct cp_linkcerts_peer p;
	uint8_t rand[CP_AUTH3_RAND_LEN];
	uint8_t c1[CP_AUTH3_CELL_LEN];
	uint8_t c2[CP_AUTH3_CELL_LEN];

	vector_fields(&f, rand);
	vector_initiator(&p);
	CU_ASSERT_EQUAL_FATAL(cp_auth3_build(c1, sizeof(c1), &f, NULL, &auth), 356);
	CU_ASSERT_EQUAL_FATAL(cp_auth3_build(c2, sizeof(c2), &f, NULL, &auth), 356);
	CU_ASSERT_NOT_EQUAL(memcmp(c1 + 4 + 264, c2 + 4 + 264, 24), 0);
	CU_ASSERT_EQUAL(cp_auth3_verify(c1, sizeof(c1), &f, &p), CP_CERT_OK);
}

static void
test_auth3_build_rejects_small_buffer(void)
{
	struct cp_auth3_fields f;
	uint8_t rand[CP_AUTH3_RAND_LEN];
	uint8_t cell[CP_AUTH3_CELL_LEN - 1];

	vector_fields(&f, rand);
	CU_ASSERT_EQUAL(cp_auth3_build(cell, sizeof(cell), &f, rand, &auth), -ENOBUFS);
}

static void
test_auth3_verify_accepts_and_ignores_trailing_bytes(void)
{
	struct cp_auth3_fields f;
	struct cp_linkcerts_peer p;
	uint8_t rand[CP_AUTH3_RAND_LEN];
	uint8_t cell[CP_AUTH3_CELL_LEN + 5];

	vector_fields(&f, rand);
	vector_initiator(&p);
	CU_ASSERT_EQUAL_FATAL(cp_auth3_build(cell, sizeof(cell), &f, rand, &auth), 356);
	memset(cell + 356, 0xcc, 5);
	CU_ASSERT_EQUAL(cp_auth3_verify(cell, 356, &f, &p), CP_CERT_OK);
	CU_ASSERT_EQUAL(cp_auth3_verify(cell, sizeof(cell), &f, &p), CP_CERT_OK);
}

static void
test_auth3_verify_rejects_every_single_byte_change(void)
{
	struct cp_auth3_fields f;
	struct cp_linkcerts_peer p;
	uint8_t rand[CP_AUTH3_RAND_LEN];
	uint8_t good[CP_AUTH3_CELL_LEN];
	uint8_t cell[CP_AUTH3_CELL_LEN];
	size_t i;

	vector_fields(&f, rand);
	vector_initiator(&p);
	CU_ASSERT_EQUAL_FATAL(cp_auth3_build(good, sizeof(good), &f, rand, &auth), 356);
	for (i = 0; i < sizeof(cell); i++) {
		memcpy(cell, good, sizeof(cell));
		cell[i] ^= 0x01;
		CU_ASSERT_NOT_EQUAL(cp_auth3_verify(cell, sizeof(cell), &f, &p), CP_CERT_OK);
	}
}

static void
test_auth3_verify_names_the_changed_field(void)
{
	static const struct {
		size_t at;		/* offset in the cell payload */
		enum cp_cert_err want;
	} cases[] = {
		{ 1, CP_CERT_ERR_AUTH_TYPE },
		{ 2, CP_CERT_ERR_AUTH_LEN },
		{ 4 + 0, CP_CERT_ERR_AUTH_TYPE_FIELD },
		{ 4 + CP_AUTH3_OFF_CID, CP_CERT_ERR_AUTH_CID },
		{ 4 + CP_AUTH3_OFF_SID + 31, CP_CERT_ERR_AUTH_SID },
		{ 4 + CP_AUTH3_OFF_CID_ED, CP_CERT_ERR_AUTH_CID_ED },
		{ 4 + CP_AUTH3_OFF_SID_ED, CP_CERT_ERR_AUTH_SID_ED },
		{ 4 + CP_AUTH3_OFF_SLOG, CP_CERT_ERR_AUTH_SLOG },
		{ 4 + CP_AUTH3_OFF_CLOG, CP_CERT_ERR_AUTH_CLOG },
		{ 4 + CP_AUTH3_OFF_SCERT, CP_CERT_ERR_AUTH_SCERT },
		{ 4 + CP_AUTH3_OFF_TLSSECRETS + 7, CP_CERT_ERR_AUTH_TLSSECRETS },
		{ 4 + CP_AUTH3_OFF_RAND, CP_CERT_ERR_AUTH_SIG },
		{ 4 + CP_AUTH3_OFF_SIG + 63, CP_CERT_ERR_AUTH_SIG },
	};
	struct cp_auth3_fields f;
	struct cp_linkcerts_peer p;
	uint8_t rand[CP_AUTH3_RAND_LEN];
	uint8_t cell[CP_AUTH3_CELL_LEN];
	size_t i;

	vector_fields(&f, rand);
	vector_initiator(&p);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		CU_ASSERT_EQUAL_FATAL(cp_auth3_build(cell, sizeof(cell), &f, rand, &auth), 356);
		cell[cases[i].at] ^= 0x01;
		CU_ASSERT_EQUAL(cp_auth3_verify(cell, sizeof(cell), &f, &p), cases[i].want);
	}
}

static void
test_auth3_verify_rejects_truncated_cell(void)
{
	struct cp_auth3_fields f;
	struct cp_linkcerts_peer p;
	uint8_t rand[CP_AUTH3_RAND_LEN];
	uint8_t cell[CP_AUTH3_CELL_LEN];

	vector_fields(&f, rand);
	vector_initiator(&p);
	CU_ASSERT_EQUAL_FATAL(cp_auth3_build(cell, sizeof(cell), &f, rand, &auth), 356);
	CU_ASSERT_EQUAL(cp_auth3_verify(cell, 355, &f, &p), CP_CERT_ERR_AUTH_MALFORMED);
	CU_ASSERT_EQUAL(cp_auth3_verify(cell, 3, &f, &p), CP_CERT_ERR_AUTH_MALFORMED);
}

static void
test_auth3_verify_rejects_other_auth_key(void)
{
	struct cp_auth3_fields f;
	struct cp_linkcerts_peer p;
	uint8_t rand[CP_AUTH3_RAND_LEN];
	uint8_t cell[CP_AUTH3_CELL_LEN];

	vector_fields(&f, rand);
	vector_initiator(&p);
	memcpy(p.ed_auth, signing.pub, 32);
	CU_ASSERT_EQUAL_FATAL(cp_auth3_build(cell, sizeof(cell), &f, rand, &auth), 356);
	CU_ASSERT_EQUAL(cp_auth3_verify(cell, sizeof(cell), &f, &p), CP_CERT_ERR_AUTH_SIG);
}

static void
test_auth3_end_to_end_with_verified_certs(void)
{
	/* The responder verifies the initiator's CERTS body, then checks its
	 * AUTHENTICATE with the auth key and identities learned from it. */
	struct cp_linkcerts_peer initiator;
	struct cp_auth3_fields f;
	uint8_t cell[CP_AUTH3_CELL_LEN];
	int len = cp_linkcerts_build(body, sizeof(body), CP_LINKCERTS_ROLE_INITIATOR, &own);

	CU_ASSERT_FATAL(len > 0);
	CU_ASSERT_EQUAL_FATAL(verify_initiator((size_t)len, &initiator), CP_CERT_OK);
	memcpy(f.cid, initiator.rsa_id_sha256, 32);
	memset(f.sid, 0x5a, 32);
	memcpy(f.cid_ed, initiator.ed_id, 32);
	memset(f.sid_ed, 0x5b, 32);
	memset(f.slog, 0x5c, 32);
	memset(f.clog, 0x5d, 32);
	memset(f.scert, 0x5e, 32);
	memset(f.tlssecrets, 0x5f, 32);
	CU_ASSERT_EQUAL_FATAL(cp_auth3_build(cell, sizeof(cell), &f, NULL, &auth), 356);
	CU_ASSERT_EQUAL(cp_auth3_verify(cell, sizeof(cell), &f, &initiator), CP_CERT_OK);
}

static CU_TestInfo linkcerts_tests[] = {
	{ "responder_body_has_tor_order", test_linkcerts_responder_body_has_tor_order },
	{ "initiator_body_has_tor_order", test_linkcerts_initiator_body_has_tor_order },
	{ "initiator_body_puts_type3_first", test_linkcerts_initiator_body_puts_type3_first },
	{ "build_rejects_missing_certificate", test_linkcerts_build_rejects_missing_certificate },
	{ "build_rejects_small_buffer", test_linkcerts_build_rejects_small_buffer },
	{ "verify_accepts_responder_body", test_linkcerts_verify_accepts_responder_body },
	{ "verify_accepts_initiator_body", test_linkcerts_verify_accepts_initiator_body },
	{ "verify_ignores_unknown_types_and_trailing_bytes",
	  test_linkcerts_verify_ignores_unknown_types_and_trailing_bytes },
	{ "verify_ignores_undecodable_rsa_link_and_auth_certs",
	  test_linkcerts_verify_ignores_undecodable_rsa_link_and_auth_certs },
	{ "verify_rejects_truncated_body", test_linkcerts_verify_rejects_truncated_body },
	{ "verify_rejects_duplicates", test_linkcerts_verify_rejects_duplicates },
	{ "verify_rejects_missing_responder_types",
	  test_linkcerts_verify_rejects_missing_responder_types },
	{ "verify_rejects_missing_initiator_auth_cert",
	  test_linkcerts_verify_rejects_missing_initiator_auth_cert },
	{ "verify_rejects_wrong_tls_cert", test_linkcerts_verify_rejects_wrong_tls_cert },
	{ "verify_needs_tls_digest_for_responder",
	  test_linkcerts_verify_needs_tls_digest_for_responder },
	{ "verify_rejects_type4_without_extension",
	  test_linkcerts_verify_rejects_type4_without_extension },
	{ "verify_rejects_expired_ed_certs", test_linkcerts_verify_rejects_expired_ed_certs },
	{ "verify_rejects_link_cert_signed_by_master",
	  test_linkcerts_verify_rejects_link_cert_signed_by_master },
	{ "verify_rejects_auth_cert_signed_by_other_key",
	  test_linkcerts_verify_rejects_auth_cert_signed_by_other_key },
	{ "verify_rejects_badly_signed_type4", test_linkcerts_verify_rejects_badly_signed_type4 },
	{ "verify_rejects_link_cert_in_auth_slot",
	  test_linkcerts_verify_rejects_link_cert_in_auth_slot },
	{ "verify_rejects_undecodable_ed_cert", test_linkcerts_verify_rejects_undecodable_ed_cert },
	{ "verify_rejects_crosscert_problems", test_linkcerts_verify_rejects_crosscert_problems },
	{ "verify_rejects_id_cert_problems", test_linkcerts_verify_rejects_id_cert_problems },
	{ "verify_rejects_id_cert_of_other_relay",
	  test_linkcerts_verify_rejects_id_cert_of_other_relay },
	{ "auth3_layout_matches_spec", test_auth3_layout_matches_spec },
	{ "auth3_offsets_match_spec", test_auth3_offsets_match_spec },
	{ "auth3_random_rand_when_none_given", test_auth3_random_rand_when_none_given },
	{ "auth3_build_rejects_small_buffer", test_auth3_build_rejects_small_buffer },
	{ "auth3_verify_accepts_and_ignores_trailing_bytes",
	  test_auth3_verify_accepts_and_ignores_trailing_bytes },
	{ "auth3_verify_rejects_every_single_byte_change",
	  test_auth3_verify_rejects_every_single_byte_change },
	{ "auth3_verify_names_the_changed_field", test_auth3_verify_names_the_changed_field },
	{ "auth3_verify_rejects_truncated_cell", test_auth3_verify_rejects_truncated_cell },
	{ "auth3_verify_rejects_other_auth_key", test_auth3_verify_rejects_other_auth_key },
	{ "auth3_end_to_end_with_verified_certs", test_auth3_end_to_end_with_verified_certs },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_certs_linkcerts = { "controlplane/certs_linkcerts", linkcerts_suite_init,
				       linkcerts_suite_fini, NULL, NULL, linkcerts_tests };
