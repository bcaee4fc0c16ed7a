/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief CUnit suite "controlplane/linkcreds": link credentials from a key store.
 *
 * Suite set-up makes one real relay key store (tor's formats, the
 * production type-4 cert maker) and one credential set from it at a fixed
 * wall clock. The tests check the set the way its users do: the CERTS
 * bodies with cp_linkcerts_verify() as a peer would (tor-spec.txt §4.2),
 * each certificate with the verifiers of controlplane/certs/, the link key
 * against the link certificate with OpenSSL, and the rotation rules
 * (what is renewed when, and what is carried over) with an injected clock.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "common/ipc/ipc_msg.h"
#include "common/wire/wire_link.h"
#include "controlplane/certs/edcert.h"
#include "controlplane/certs/linkcerts.h"
#include "controlplane/certs/rsacross.h"
#include "controlplane/certs/x509.h"
#include "controlplane/keys/keys.h"
#include "controlplane/link/linkcreds.h"
#include "tests/controlplane/test_link_util.h"
#include "tests/suites.h"

#define NOW LINK_TEST_NOW
#define GEN 41u

static struct link_test_store store;
static struct cp_linkcreds creds;
static char err[512];

static int
suite_init(void)
{
	if (link_test_store_open(&store, NOW) != 0)
		return -1;
	if (cp_linkcreds_create(&creds, store.keys, NULL, GEN, NOW, err, sizeof(err)) != 0) {
		fprintf(stderr, "linkcreds: %s\n", err);
		return -1;
	}
	return 0;
}

static int
suite_fini(void)
{
	cp_linkcreds_destroy(&creds);
	link_test_store_close(&store);
	cp_log_set_level(CP_LOG_NOTICE);
	return 0;
}

/* SHA256 of @p len bytes, computed here independently of the module. */
static void
sha256(const uint8_t *p, size_t len, uint8_t out[32])
{
	unsigned int n = 32;

	CU_ASSERT_FATAL(EVP_Digest(p, len, out, &n, EVP_sha256(), NULL) == 1);
}

/* Find the body of CertType @p type in CERTS body @p body; NULL if absent. */
static const uint8_t *
certs_entry(const uint8_t *body, size_t len, uint8_t type, size_t *out_len)
{
	struct wire_certs_entry e[16];
	size_t n = 0;

	CU_ASSERT_FATAL(wire_certs_decode(body, len, e, 16, &n) == 0);
	for (size_t i = 0; i < n; i++) {
		if (e[i].type == type) {
			*out_len = e[i].len;
			return e[i].body;
		}
	}
	return NULL;
}

static void
test_every_blob_is_there_and_fits(void)
{
	for (uint32_t id = IPC_BLOB_LINK_KEY; id < IPC_BLOB_COUNT; id++) {
		const uint8_t *data = NULL;
		uint8_t *owned = NULL;
		size_t len = 0;

		CU_ASSERT_EQUAL_FATAL(cp_linkcreds_blob(&creds, id, &owned, &data, &len), 0);
		CU_ASSERT(len > 0 && len <= IPC_BLOB_MAX);
		CU_ASSERT_EQUAL(len, cp_linkcreds_blob_len(&creds, id));
		CU_ASSERT_PTR_NOT_NULL(data);
		/* Only the secret link key is made on demand and handed over. */
		if (id == IPC_BLOB_LINK_KEY) {
			CU_ASSERT_PTR_NOT_NULL(owned);
			CU_ASSERT_PTR_EQUAL(data, owned);
			OPENSSL_cleanse(owned, len);
			free(owned);
		} else {
			CU_ASSERT_PTR_NULL(owned);
		}
	}
}

static void
test_unknown_blob_is_einval(void)
{
	const uint8_t *data;
	uint8_t *owned;
	size_t len;

	CU_ASSERT_EQUAL(cp_linkcreds_blob(&creds, 0, &owned, &data, &len), -EINVAL);
	CU_ASSERT_EQUAL(cp_linkcreds_blob(&creds, IPC_BLOB_COUNT, &owned, &data, &len), -EINVAL);
	CU_ASSERT_EQUAL(cp_linkcreds_blob_len(&creds, IPC_BLOB_COUNT), 0);
}

static void
test_identities_are_the_key_store_ones(void)
{
	CU_ASSERT_EQUAL(creds.gen, GEN);
	CU_ASSERT_EQUAL(creds.made, NOW);
	CU_ASSERT_EQUAL(memcmp(creds.rsa_id_sha1, cp_keys_rsa_id_digest(store.keys), 20), 0);
	CU_ASSERT_EQUAL(memcmp(creds.rsa_id_sha256, cp_keys_rsa_id_sha256(store.keys), 32), 0);
	CU_ASSERT_EQUAL(memcmp(creds.ed_id, cp_keys_master_pub(store.keys), 32), 0);
	CU_ASSERT_EQUAL(memcmp(creds.signing_pub, cp_keys_signing_key(store.keys)->pub, 32), 0);
}

static void
test_responder_certs_verify_as_a_peer_would(void)
{
	struct cp_linkcerts_peer peer;
	uint8_t link_sha[32];

	/* The initiator hashes the certificate the TLS server presented. */
	sha256(creds.tls.link_der, creds.tls.link_len, link_sha);
	CU_ASSERT_EQUAL(cp_linkcerts_verify(creds.certs_resp, creds.certs_resp_len,
					    CP_LINKCERTS_ROLE_RESPONDER, link_sha, NOW, &peer),
			CP_CERT_OK);
	CU_ASSERT_EQUAL(memcmp(peer.rsa_id_sha1, cp_keys_rsa_id_digest(store.keys), 20), 0);
	CU_ASSERT_EQUAL(memcmp(peer.rsa_id_sha256, cp_keys_rsa_id_sha256(store.keys), 32), 0);
	CU_ASSERT_EQUAL(memcmp(peer.ed_id, cp_keys_master_pub(store.keys), 32), 0);
	CU_ASSERT_EQUAL(memcmp(peer.ed_signing, cp_keys_signing_key(store.keys)->pub, 32), 0);
	/* Type 5 lives 2 days, less than anything else in the body. */
	CU_ASSERT_EQUAL(peer.expires, (time_t)creds.cert5_exp_hours * 3600);
}

static void
test_responder_certs_refused_for_another_tls_cert(void)
{
	struct cp_linkcerts_peer peer;
	uint8_t other[32];

	sha256(creds.tls.id_der, creds.tls.id_len, other);
	CU_ASSERT_EQUAL(cp_linkcerts_verify(creds.certs_resp, creds.certs_resp_len,
					    CP_LINKCERTS_ROLE_RESPONDER, other, NOW, &peer),
			CP_CERT_ERR_CERTS_LINK);
	CU_ASSERT_EQUAL(peer.failed_type, 5);
}

static void
test_responder_certs_hold_types_1_2_4_5_7_in_order(void)
{
	static const uint8_t want[] = { 1, 2, 4, 5, 7 };
	struct wire_certs_entry e[8];
	size_t n = 0, len4 = 0;
	const uint8_t *store_cert4 = cp_keys_signing_cert(store.keys, &len4);

	CU_ASSERT_EQUAL_FATAL(wire_certs_decode(creds.certs_resp, creds.certs_resp_len, e, 8, &n),
			      0);
	CU_ASSERT_EQUAL_FATAL(n, 5);
	for (size_t i = 0; i < n; i++)
		CU_ASSERT_EQUAL(e[i].type, want[i]);
	CU_ASSERT_EQUAL(e[0].len, creds.tls.link_len);
	CU_ASSERT_EQUAL(memcmp(e[0].body, creds.tls.link_der, creds.tls.link_len), 0);
	CU_ASSERT_EQUAL(e[1].len, creds.tls.id_len);
	CU_ASSERT_EQUAL(memcmp(e[1].body, creds.tls.id_der, creds.tls.id_len), 0);
	/* Type 4 is the key store's certificate byte for byte. */
	CU_ASSERT_EQUAL(e[2].len, len4);
	CU_ASSERT_EQUAL(memcmp(e[2].body, store_cert4, len4), 0);
	CU_ASSERT_EQUAL(e[3].len, CP_EDCERT_MIN_LEN);
	CU_ASSERT_EQUAL(e[4].len, CP_RSACROSS_LEN_1024);
}

static void
test_initiator_certs_verify_and_certify_the_auth_key(void)
{
	static const uint8_t want[] = { 2, 4, 6, 7 };
	struct wire_certs_entry e[8];
	struct cp_linkcerts_peer peer;
	size_t n = 0;

	CU_ASSERT_EQUAL(cp_linkcerts_verify(creds.certs_init, creds.certs_init_len,
					    CP_LINKCERTS_ROLE_INITIATOR, NULL, NOW, &peer),
			CP_CERT_OK);
	CU_ASSERT_EQUAL(memcmp(peer.ed_auth, creds.auth.pub, 32), 0);
	CU_ASSERT_EQUAL(memcmp(peer.ed_id, cp_keys_master_pub(store.keys), 32), 0);
	/* Type 3 is omitted (tor ignores it once type 4 is present). */
	CU_ASSERT_EQUAL_FATAL(wire_certs_decode(creds.certs_init, creds.certs_init_len, e, 8, &n),
			      0);
	CU_ASSERT_EQUAL_FATAL(n, 4);
	for (size_t i = 0; i < n; i++)
		CU_ASSERT_EQUAL(e[i].type, want[i]);
}

static void
test_initiator_certs_are_not_a_responder_body(void)
{
	struct cp_linkcerts_peer peer;

	CU_ASSERT_EQUAL(cp_linkcerts_verify(creds.certs_init, creds.certs_init_len,
					    CP_LINKCERTS_ROLE_RESPONDER, creds.tls.link_sha256, NOW,
					    &peer),
			CP_CERT_ERR_CERTS_MISSING);
}

static void
test_type5_certifies_the_link_cert_digest(void)
{
	struct cp_edcert c;
	uint8_t want[32];
	size_t len = 0;
	const uint8_t *cert5 = certs_entry(creds.certs_resp, creds.certs_resp_len, 5, &len);

	CU_ASSERT_PTR_NOT_NULL_FATAL(cert5);
	CU_ASSERT_EQUAL(cp_edcert_verify(cert5, len, CP_EDCERT_TYPE_SIGNING_LINK,
					 cp_keys_signing_key(store.keys)->pub, NOW, &c),
			CP_CERT_OK);
	CU_ASSERT_EQUAL(c.key_type, CP_EDCERT_KEY_SHA256_X509);
	sha256(creds.tls.link_der, creds.tls.link_len, want);
	CU_ASSERT_EQUAL(memcmp(c.key, want, 32), 0);
	CU_ASSERT_EQUAL(memcmp(c.key, creds.tls.link_sha256, 32), 0);
	CU_ASSERT_EQUAL(c.exp_hours, cp_edcert_hours_ceil(NOW + 2 * 86400));
	CU_ASSERT_FALSE(c.has_signer);
}

static void
test_type6_certifies_the_auth_key(void)
{
	struct cp_edcert c;
	size_t len = 0;
	const uint8_t *cert6 = certs_entry(creds.certs_init, creds.certs_init_len, 6, &len);

	CU_ASSERT_PTR_NOT_NULL_FATAL(cert6);
	CU_ASSERT_EQUAL(cp_edcert_verify(cert6, len, CP_EDCERT_TYPE_SIGNING_AUTH,
					 cp_keys_signing_key(store.keys)->pub, NOW, &c),
			CP_CERT_OK);
	CU_ASSERT_EQUAL(c.key_type, CP_EDCERT_KEY_ED25519);
	CU_ASSERT_EQUAL(memcmp(c.key, creds.auth.pub, 32), 0);
	CU_ASSERT_EQUAL(c.exp_hours, cp_edcert_hours_ceil(NOW + 2 * 86400));
}

static void
test_auth_key_signs_verifiably(void)
{
	static const uint8_t msg[] = "chive";
	uint8_t sig[64];

	CU_ASSERT_EQUAL_FATAL(cp_ed25519_sign(sig, msg, sizeof(msg), &creds.auth), 0);
	CU_ASSERT_TRUE(cp_ed25519_verify(sig, msg, sizeof(msg), creds.auth.pub));
}

static void
test_crosscert_certifies_the_ed_identity_for_180_days(void)
{
	size_t len = 0;
	const uint8_t *x = certs_entry(creds.certs_resp, creds.certs_resp_len, 7, &len);

	CU_ASSERT_PTR_NOT_NULL_FATAL(x);
	CU_ASSERT_EQUAL(cp_rsacross_check(x, len, cp_keys_rsa_identity(store.keys),
					  cp_keys_master_pub(store.keys), NOW + 179 * 86400),
			CP_CERT_OK);
	CU_ASSERT_EQUAL(cp_rsacross_check(x, len, cp_keys_rsa_identity(store.keys),
					  cp_keys_master_pub(store.keys), NOW + 181 * 86400),
			CP_CERT_ERR_XC_EXPIRED);
}

static void
test_link_key_blob_is_the_link_cert_key(void)
{
	const uint8_t *data, *p;
	uint8_t *owned = NULL;
	size_t len = 0;
	EVP_PKEY *key;
	X509 *x;

	CU_ASSERT_EQUAL_FATAL(cp_linkcreds_blob(&creds, IPC_BLOB_LINK_KEY, &owned, &data, &len), 0);
	p = data;
	key = d2i_AutoPrivateKey(NULL, &p, (long)len);
	CU_ASSERT_PTR_NOT_NULL(key);
	CU_ASSERT_EQUAL(p, data + len);
	OPENSSL_cleanse(owned, len);
	free(owned);
	p = creds.tls.link_der;
	x = d2i_X509(NULL, &p, (long)creds.tls.link_len);
	CU_ASSERT_PTR_NOT_NULL(x);
	if (key != NULL && x != NULL) {
		CU_ASSERT_EQUAL(EVP_PKEY_get_base_id(key), EVP_PKEY_RSA);
		CU_ASSERT_EQUAL(EVP_PKEY_get_bits(key), 2048);
		CU_ASSERT_EQUAL(X509_check_private_key(x, key), 1);
	}
	X509_free(x);
	EVP_PKEY_free(key);
}

static void
test_link_cert_is_signed_by_the_identity_key(void)
{
	CU_ASSERT_EQUAL(cp_x509_check(creds.tls.link_der, creds.tls.link_len,
				      cp_keys_rsa_identity(store.keys), false, NOW, NULL),
			CP_CERT_OK);
	CU_ASSERT_EQUAL(cp_x509_check_id_cert(creds.tls.id_der, creds.tls.id_len, NOW, NULL),
			CP_CERT_OK);
}

static void
test_due_after_the_rotation_period(void)
{
	struct cp_linkcreds none;

	memset(&none, 0, sizeof(none));
	CU_ASSERT_TRUE(cp_linkcreds_is_due(&none, NOW));
	CU_ASSERT_EQUAL(creds.renew_at, NOW + CP_LINKCREDS_ROTATE);
	CU_ASSERT_FALSE(cp_linkcreds_is_due(&creds, NOW));
	CU_ASSERT_FALSE(cp_linkcreds_is_due(&creds, NOW + CP_LINKCREDS_ROTATE - 1));
	CU_ASSERT_TRUE(cp_linkcreds_is_due(&creds, NOW + CP_LINKCREDS_ROTATE));
}

static void
test_next_set_keeps_the_auth_key_and_renews_the_link(void)
{
	struct cp_linkcreds next;
	struct cp_linkcerts_peer peer;
	time_t t = NOW + CP_LINKCREDS_ROTATE;

	CU_ASSERT_EQUAL_FATAL(
		cp_linkcreds_create(&next, store.keys, &creds, GEN + 1, t, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(next.gen, GEN + 1);
	/* A new TLS link key and certificate, hence a new type 5... */
	CU_ASSERT_NOT_EQUAL(memcmp(next.tls.link_sha256, creds.tls.link_sha256, 32), 0);
	CU_ASSERT_NOT_EQUAL(memcmp(next.cert5, creds.cert5, sizeof(next.cert5)), 0);
	/* ...but the same auth key and type 6 while they are valid. */
	CU_ASSERT_EQUAL(memcmp(next.auth.pub, creds.auth.pub, 32), 0);
	CU_ASSERT_EQUAL(memcmp(next.auth.sec, creds.auth.sec, 64), 0);
	CU_ASSERT_EQUAL(memcmp(next.cert6, creds.cert6, sizeof(next.cert6)), 0);
	CU_ASSERT_EQUAL(cp_linkcerts_verify(next.certs_resp, next.certs_resp_len,
					    CP_LINKCERTS_ROLE_RESPONDER, next.tls.link_sha256, t,
					    &peer),
			CP_CERT_OK);
	CU_ASSERT_EQUAL(cp_linkcerts_verify(next.certs_init, next.certs_init_len,
					    CP_LINKCERTS_ROLE_INITIATOR, NULL, t, &peer),
			CP_CERT_OK);
	CU_ASSERT_EQUAL(memcmp(peer.ed_auth, creds.auth.pub, 32), 0);
	cp_linkcreds_destroy(&next);
}

static void
test_auth_key_renewed_near_its_expiry(void)
{
	struct cp_linkcreds next;
	struct cp_linkcerts_peer peer;
	/* Less than the slop left on the type-6 cert. */
	time_t t = (time_t)creds.cert6_exp_hours * 3600 - CP_LINKCREDS_SLOP + 1;

	CU_ASSERT_EQUAL_FATAL(
		cp_linkcreds_create(&next, store.keys, &creds, GEN + 1, t, err, sizeof(err)), 0);
	CU_ASSERT_NOT_EQUAL(memcmp(next.auth.pub, creds.auth.pub, 32), 0);
	CU_ASSERT_EQUAL(next.cert6_exp_hours, cp_edcert_hours_ceil(t + 2 * 86400));
	CU_ASSERT_EQUAL(cp_linkcerts_verify(next.certs_init, next.certs_init_len,
					    CP_LINKCERTS_ROLE_INITIATOR, NULL, t, &peer),
			CP_CERT_OK);
	CU_ASSERT_EQUAL(memcmp(peer.ed_auth, next.auth.pub, 32), 0);
	cp_linkcreds_destroy(&next);
}

static void
test_auth_key_renewed_for_another_signing_key(void)
{
	struct cp_linkcreds prev, next;

	/* A previous set certified by a signing key the store no longer has. */
	prev = creds;
	prev.signing_pub[0] ^= 0x01;
	CU_ASSERT_EQUAL_FATAL(
		cp_linkcreds_create(&next, store.keys, &prev, GEN + 1, NOW, err, sizeof(err)), 0);
	CU_ASSERT_NOT_EQUAL(memcmp(next.auth.pub, creds.auth.pub, 32), 0);
	cp_linkcreds_destroy(&next);
	OPENSSL_cleanse(&prev, sizeof(prev));
}

static void
test_generation_zero_is_refused(void)
{
	struct cp_linkcreds c;

	memset(&c, 0xa5, sizeof(c));
	CU_ASSERT_EQUAL(cp_linkcreds_create(&c, store.keys, NULL, 0, NOW, err, sizeof(err)),
			-EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "generation 0"));
	CU_ASSERT_EQUAL(c.gen, 0);
	CU_ASSERT_PTR_NULL(c.certs_resp);
	CU_ASSERT_PTR_NULL(c.tls.link_key);
}

static void
test_destroy_wipes_and_zeroes(void)
{
	struct cp_linkcreds c;
	const uint8_t *b;
	size_t n = 0;

	CU_ASSERT_EQUAL_FATAL(cp_linkcreds_create(&c, store.keys, NULL, 7, NOW, err, sizeof(err)),
			      0);
	cp_linkcreds_destroy(&c);
	b = (const uint8_t *)&c;
	for (size_t i = 0; i < sizeof(c); i++)
		n += b[i] != 0;
	CU_ASSERT_EQUAL(n, 0);
	/* A zeroed set may be destroyed again. */
	cp_linkcreds_destroy(&c);
}

static void
test_signing_cert_maker_makes_a_tor_type4(void)
{
	struct cp_ed25519_key master, signing;
	struct cp_edcert c;
	uint8_t out[CP_KEYS_CERT_MAX];
	size_t len = sizeof(out);
	uint32_t exp = cp_edcert_hours_ceil(NOW + 30 * 86400);

	CU_ASSERT_EQUAL_FATAL(cp_ed25519_generate(&master), 0);
	CU_ASSERT_EQUAL_FATAL(cp_ed25519_generate(&signing), 0);
	CU_ASSERT_EQUAL(cp_linkcreds_make_signing_cert(NULL, &master, &signing, exp, out, &len), 0);
	CU_ASSERT_EQUAL(len, CP_EDCERT_WITH_SIGNER_LEN);
	/* Checked with the key in its own extension, as tor does. */
	CU_ASSERT_EQUAL(cp_edcert_verify(out, len, CP_EDCERT_TYPE_ID_SIGNING, NULL, NOW, &c),
			CP_CERT_OK);
	CU_ASSERT_TRUE(c.has_signer);
	CU_ASSERT_EQUAL(memcmp(c.signer, master.pub, 32), 0);
	CU_ASSERT_EQUAL(memcmp(c.key, signing.pub, 32), 0);
	CU_ASSERT_EQUAL(c.exp_hours, exp);
	len = CP_EDCERT_WITH_SIGNER_LEN - 1;
	CU_ASSERT_EQUAL(cp_linkcreds_make_signing_cert(NULL, &master, &signing, exp, out, &len),
			-ENOBUFS);
	cp_ed25519_wipe(&master);
	cp_ed25519_wipe(&signing);
}

static void
test_key_store_signing_cert_comes_from_the_maker(void)
{
	struct cp_edcert c;
	size_t len = 0;
	const uint8_t *cert4 = cp_keys_signing_cert(store.keys, &len);

	CU_ASSERT_EQUAL_FATAL(len, CP_EDCERT_WITH_SIGNER_LEN);
	CU_ASSERT_EQUAL(cp_edcert_verify(cert4, len, CP_EDCERT_TYPE_ID_SIGNING,
					 cp_keys_master_pub(store.keys), NOW, &c),
			CP_CERT_OK);
	CU_ASSERT_EQUAL(memcmp(c.key, cp_keys_signing_key(store.keys)->pub, 32), 0);
}

static CU_TestInfo linkcreds_tests[] = {
	{ "every_blob_is_there_and_fits", test_every_blob_is_there_and_fits },
	{ "unknown_blob_is_einval", test_unknown_blob_is_einval },
	{ "identities_are_the_key_store_ones", test_identities_are_the_key_store_ones },
	{ "responder_certs_verify_as_a_peer_would", test_responder_certs_verify_as_a_peer_would },
	{ "responder_certs_refused_for_another_tls_cert",
	  test_responder_certs_refused_for_another_tls_cert },
	{ "responder_certs_hold_types_1_2_4_5_7_in_order",
	  test_responder_certs_hold_types_1_2_4_5_7_in_order },
	{ "initiator_certs_verify_and_certify_the_auth_key",
	  test_initiator_certs_verify_and_certify_the_auth_key },
	{ "initiator_certs_are_not_a_responder_body", test_initiator_certs_are_not_a_responder_body },
	{ "type5_certifies_the_link_cert_digest", test_type5_certifies_the_link_cert_digest },
	{ "type6_certifies_the_auth_key", test_type6_certifies_the_auth_key },
	{ "auth_key_signs_verifiably", test_auth_key_signs_verifiably },
	{ "crosscert_certifies_the_ed_identity_for_180_days",
	  test_crosscert_certifies_the_ed_identity_for_180_days },
	{ "link_key_blob_is_the_link_cert_key", test_link_key_blob_is_the_link_cert_key },
	{ "link_cert_is_signed_by_the_identity_key", test_link_cert_is_signed_by_the_identity_key },
	{ "due_after_the_rotation_period", test_due_after_the_rotation_period },
	{ "next_set_keeps_the_auth_key_and_renews_the_link",
	  test_next_set_keeps_the_auth_key_and_renews_the_link },
	{ "auth_key_renewed_near_its_expiry", test_auth_key_renewed_near_its_expiry },
	{ "auth_key_renewed_for_another_signing_key", test_auth_key_renewed_for_another_signing_key },
	{ "generation_zero_is_refused", test_generation_zero_is_refused },
	{ "destroy_wipes_and_zeroes", test_destroy_wipes_and_zeroes },
	{ "signing_cert_maker_makes_a_tor_type4", test_signing_cert_maker_makes_a_tor_type4 },
	{ "key_store_signing_cert_comes_from_the_maker",
	  test_key_store_signing_cert_comes_from_the_maker },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_linkcreds = {
	.pName = "controlplane/linkcreds",
	.pInitFunc = suite_init,
	.pCleanupFunc = suite_fini,
	.pTests = linkcreds_tests,
};
