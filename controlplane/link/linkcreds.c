/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Build one generation of link credentials from the relay key store.
 *
 * Everything here is made with the certificate makers of controlplane/certs/
 * (x509.c, edcert.c, rsacross.c, linkcerts.c); this file only chooses the
 * keys, lifetimes and order, as tor's routerkeys.c
 * (generate_ed_link_cert(), load_ed_keys()) and router.c
 * (router_initialize_tls_context()) do.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/x509.h>

#include "common/ipc/ipc_msg.h"
#include "controlplane/certs/linkcerts.h"
#include "controlplane/link/linkcreds.h"

int
cp_linkcreds_make_signing_cert(void *arg, const struct cp_ed25519_key *master,
			       const struct cp_ed25519_key *signing, uint32_t expires_hours,
			       uint8_t *out, size_t *len)
{
	int n;

	(void)arg;
	n = cp_edcert_make(out, *len, CP_EDCERT_TYPE_ID_SIGNING, CP_EDCERT_KEY_ED25519,
			   signing->pub, expires_hours, true, master);
	if (n < 0)
		return n;
	*len = (size_t)n;
	return 0;
}

/* True if @prev's auth key may serve another rotation period under @signing_pub. */
static bool
auth_is_reusable(const struct cp_linkcreds *prev, const uint8_t signing_pub[32], time_t now)
{
	return prev != NULL && prev->gen != 0 && memcmp(prev->signing_pub, signing_pub, 32) == 0 &&
	       (time_t)prev->cert6_exp_hours * 3600 > now + CP_LINKCREDS_SLOP;
}

static time_t
min_time(time_t a, time_t b)
{
	return a < b ? a : b;
}

/* Fill in c->certs_resp and c->certs_init (tor-spec.txt §4.2; checklist fact 0.7). */
static int
build_bodies(struct cp_linkcreds *c, char *err, size_t errlen)
{
	const struct cp_linkcerts_own own = {
		.rsa_link = c->tls.link_der,
		.rsa_link_len = c->tls.link_len,
		.rsa_id = c->tls.id_der,
		.rsa_id_len = c->tls.id_len,
		.ed_id_signing = c->cert4,
		.ed_id_signing_len = c->cert4_len,
		.ed_signing_link = c->cert5,
		.ed_signing_link_len = sizeof(c->cert5),
		.ed_signing_auth = c->cert6,
		.ed_signing_auth_len = sizeof(c->cert6),
		.rsa_ed_crosscert = c->xcert,
		.rsa_ed_crosscert_len = c->xcert_len,
	};
	size_t resp_len = cp_linkcerts_body_len(CP_LINKCERTS_ROLE_RESPONDER, &own);
	size_t init_len = cp_linkcerts_body_len(CP_LINKCERTS_ROLE_INITIATOR, &own);
	int n;

	if (resp_len == 0 || init_len == 0 || resp_len > IPC_BLOB_MAX || init_len > IPC_BLOB_MAX) {
		snprintf(err, errlen, "CERTS bodies of %zu and %zu bytes do not fit a blob (%u)",
			 resp_len, init_len, IPC_BLOB_MAX);
		return -EINVAL;
	}
	c->certs_resp = malloc(resp_len);
	c->certs_init = malloc(init_len);
	if (c->certs_resp == NULL || c->certs_init == NULL) {
		snprintf(err, errlen, "out of memory for the CERTS bodies");
		return -ENOMEM;
	}
	n = cp_linkcerts_build(c->certs_resp, resp_len, CP_LINKCERTS_ROLE_RESPONDER, &own);
	if (n < 0) {
		snprintf(err, errlen, "cannot build the responder CERTS body: %s", strerror(-n));
		return n;
	}
	c->certs_resp_len = (size_t)n;
	n = cp_linkcerts_build(c->certs_init, init_len, CP_LINKCERTS_ROLE_INITIATOR, &own);
	if (n < 0) {
		snprintf(err, errlen, "cannot build the initiator CERTS body: %s", strerror(-n));
		return n;
	}
	c->certs_init_len = (size_t)n;
	return 0;
}

/* Make or carry over the auth key and its type-6 cert (tor-spec.txt §4.4; checklist A7). */
static int
make_auth(struct cp_linkcreds *c, const struct cp_linkcreds *prev,
	  const struct cp_ed25519_key *signing, time_t now, char *err, size_t errlen)
{
	int n;

	if (auth_is_reusable(prev, signing->pub, now)) {
		c->auth = prev->auth;
		memcpy(c->cert6, prev->cert6, sizeof(c->cert6));
		c->cert6_exp_hours = prev->cert6_exp_hours;
		return 0;
	}
	n = cp_ed25519_generate(&c->auth);
	if (n != 0) {
		snprintf(err, errlen, "cannot generate the AUTHENTICATE key");
		return n;
	}
	c->cert6_exp_hours = cp_edcert_hours_ceil(now + CP_LINKCREDS_AUTH_LIFETIME);
	n = cp_edcert_make(c->cert6, sizeof(c->cert6), CP_EDCERT_TYPE_SIGNING_AUTH,
			   CP_EDCERT_KEY_ED25519, c->auth.pub, c->cert6_exp_hours, false, signing);
	if (n != CP_EDCERT_MIN_LEN) {
		snprintf(err, errlen, "cannot sign the type-6 certificate");
		return n < 0 ? n : -EIO;
	}
	return 0;
}

int
cp_linkcreds_create(struct cp_linkcreds *out, const struct cp_keys *k,
		    const struct cp_linkcreds *prev, uint32_t gen, time_t now, char *err,
		    size_t errlen)
{
	struct cp_linkcreds *c = out;
	const struct cp_ed25519_key *signing = cp_keys_signing_key(k);
	const uint8_t *cert4;
	size_t cert4_len = 0;
	time_t renew;
	int rc, n;

	memset(c, 0, sizeof(*c));
	if (gen == 0) {
		snprintf(err, errlen, "generation 0 is reserved");
		return -EINVAL;
	}
	cert4 = cp_keys_signing_cert(k, &cert4_len);
	if (cert4 == NULL || cert4_len == 0 || cert4_len > sizeof(c->cert4)) {
		snprintf(err, errlen, "the key store has no usable signing certificate");
		return -EINVAL;
	}
	memcpy(c->cert4, cert4, cert4_len);
	c->cert4_len = cert4_len;
	memcpy(c->signing_pub, signing->pub, 32);
	memcpy(c->rsa_id_sha1, cp_keys_rsa_id_digest(k), 20);
	memcpy(c->rsa_id_sha256, cp_keys_rsa_id_sha256(k), 32);
	memcpy(c->ed_id, cp_keys_master_pub(k), 32);

	/* TLS link key, link cert and identity cert (checklist B2, fact 0.8). */
	rc = cp_x509_tls_creds_create(cp_keys_rsa_identity(k), now, 0, &c->tls);
	if (rc != 0) {
		snprintf(err, errlen, "cannot make the TLS link key and certificates: %s",
			 strerror(-rc));
		goto fail;
	}
	n = i2d_PrivateKey(c->tls.link_key, NULL);
	if (n <= 0 || (size_t)n > IPC_BLOB_MAX) {
		snprintf(err, errlen, "cannot encode the TLS link key");
		rc = -EIO;
		goto fail;
	}
	c->link_key_der_len = (size_t)n;
	/* Type 5: the signing key certifies SHA256 of the link cert DER (checklist A6). */
	c->cert5_exp_hours = cp_edcert_hours_ceil(now + CP_LINKCREDS_LINK_LIFETIME);
	n = cp_edcert_make(c->cert5, sizeof(c->cert5), CP_EDCERT_TYPE_SIGNING_LINK,
			   CP_EDCERT_KEY_SHA256_X509, c->tls.link_sha256, c->cert5_exp_hours, false,
			   signing);
	if (n != CP_EDCERT_MIN_LEN) {
		snprintf(err, errlen, "cannot sign the type-5 certificate");
		rc = n < 0 ? n : -EIO;
		goto fail;
	}
	rc = make_auth(c, prev, signing, now, err, errlen);
	if (rc != 0)
		goto fail;
	/* Type 7: the RSA identity crosscertifies the Ed25519 identity (checklist A8). */
	n = cp_rsacross_make(c->xcert, sizeof(c->xcert), c->ed_id,
			     cp_edcert_hours_ceil(now + CP_LINKCREDS_XCERT_LIFETIME),
			     cp_keys_rsa_identity(k));
	if (n <= 0) {
		snprintf(err, errlen, "cannot sign the RSA->Ed25519 crosscert: %s", strerror(-n));
		rc = n < 0 ? n : -EIO;
		goto fail;
	}
	c->xcert_len = (size_t)n;
	if (c->tls.link_len > IPC_BLOB_MAX || c->tls.id_len > IPC_BLOB_MAX) {
		snprintf(err, errlen, "a TLS certificate does not fit a blob (%u)", IPC_BLOB_MAX);
		rc = -EINVAL;
		goto fail;
	}
	rc = build_bodies(c, err, errlen);
	if (rc != 0)
		goto fail;
	c->gen = gen;
	c->made = now;
	renew = now + CP_LINKCREDS_ROTATE;
	renew = min_time(renew, (time_t)c->cert5_exp_hours * 3600 - CP_LINKCREDS_SLOP);
	renew = min_time(renew, (time_t)c->cert6_exp_hours * 3600 - CP_LINKCREDS_SLOP);
	renew = min_time(renew, c->tls.link_not_after - CP_LINKCREDS_SLOP);
	/* Never sooner than a minute: a set is never due the moment it is made. */
	c->renew_at = renew > now + 60 ? renew : now + 60;
	return 0;
fail:
	cp_linkcreds_destroy(c);
	return rc;
}

void
cp_linkcreds_destroy(struct cp_linkcreds *c)
{
	cp_x509_tls_creds_destroy(&c->tls);
	free(c->certs_resp);
	free(c->certs_init);
	OPENSSL_cleanse(c, sizeof(*c));
}

bool
cp_linkcreds_is_due(const struct cp_linkcreds *c, time_t now)
{
	return c->gen == 0 || now >= c->renew_at;
}

/* PKCS#1 DER of the link key, in a malloc()ed buffer. */
static int
link_key_der(const struct cp_linkcreds *c, uint8_t **der, size_t *len)
{
	uint8_t *buf, *p;
	int n;

	if (c->tls.link_key == NULL)
		return -EINVAL;
	n = i2d_PrivateKey(c->tls.link_key, NULL);
	if (n <= 0 || (size_t)n != c->link_key_der_len)
		return -EIO;
	buf = malloc((size_t)n);
	if (buf == NULL)
		return -ENOMEM;
	p = buf;
	if (i2d_PrivateKey(c->tls.link_key, &p) != n) {
		OPENSSL_cleanse(buf, (size_t)n);
		free(buf);
		return -EIO;
	}
	*der = buf;
	*len = (size_t)n;
	return 0;
}

int
cp_linkcreds_blob(const struct cp_linkcreds *c, uint32_t blob_id, uint8_t **owned,
		  const uint8_t **data, size_t *len)
{
	*owned = NULL;
	switch (blob_id) {
	case IPC_BLOB_LINK_KEY: {
		int rc = link_key_der(c, owned, len);

		if (rc != 0)
			return rc;
		*data = *owned;
		return 0;
	}
	case IPC_BLOB_LINK_CERT:
		*data = c->tls.link_der;
		*len = c->tls.link_len;
		return 0;
	case IPC_BLOB_ID_CERT:
		*data = c->tls.id_der;
		*len = c->tls.id_len;
		return 0;
	case IPC_BLOB_CERTS_RESP:
		*data = c->certs_resp;
		*len = c->certs_resp_len;
		return 0;
	case IPC_BLOB_CERTS_INIT:
		*data = c->certs_init;
		*len = c->certs_init_len;
		return 0;
	default:
		return -EINVAL;
	}
}

size_t
cp_linkcreds_blob_len(const struct cp_linkcreds *c, uint32_t blob_id)
{
	switch (blob_id) {
	case IPC_BLOB_LINK_KEY:
		return c->link_key_der_len;
	case IPC_BLOB_LINK_CERT:
		return c->tls.link_len;
	case IPC_BLOB_ID_CERT:
		return c->tls.id_len;
	case IPC_BLOB_CERTS_RESP:
		return c->certs_resp_len;
	case IPC_BLOB_CERTS_INIT:
		return c->certs_init_len;
	default:
		return 0;
	}
}
