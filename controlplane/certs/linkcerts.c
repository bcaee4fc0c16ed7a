/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief CERTS cell bodies and AUTHENTICATE (method 3) for the link handshake.
 *
 * The verifier is tor 0.4.9's or_handshake_certs_check_both() restricted to
 * its Ed25519 branch, with the checks run one certificate at a time instead
 * of batched, so the first failure can be named. Which failure is reported
 * may therefore differ from tor's log line; whether a CERTS cell is accepted
 * does not, except that a duplicate CertType 1..7 is refused even when one
 * copy would not have decoded (tor skips undecodable certificates first).
 */
#include <errno.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "common/base/byteorder.h"
#include "common/base/compiler.h"
#include "common/wire/wire_link.h"
#include "controlplane/certs/edcert.h"
#include "controlplane/certs/linkcerts.h"
#include "controlplane/certs/rsacross.h"
#include "controlplane/certs/x509.h"

/* The CERTS entries of one role, in tor's order; at most 5. */
struct linkcerts_list {
	struct wire_certs_entry e[5];
	size_t n;
};

/* Append @p body to @p l as @p type; false if a required one is missing. */
static bool
linkcerts_add(struct linkcerts_list *l, uint8_t type, const uint8_t *body, size_t len,
	      bool required)
{
	if (body == NULL || len == 0)
		return !required;
	if (len > UINT16_MAX)
		return false;
	l->e[l->n].type = type;
	l->e[l->n].len = (uint16_t)len;
	l->e[l->n].body = body;
	l->n++;
	return true;
}

/* Collect the certificates of @p role; false if a required one is missing. */
static bool
linkcerts_collect(enum cp_linkcerts_role role, const struct cp_linkcerts_own *own,
		  struct linkcerts_list *l)
{
	bool ok = true;

	l->n = 0;
	/* relay_handshake.c connection_or_send_certs_cell(): link or auth
	 * cert, identity cert, identity->signing, signing->link or
	 * signing->auth, then the crosscert. */
	if (role == CP_LINKCERTS_ROLE_RESPONDER)
		ok &= linkcerts_add(l, WIRE_CERTTYPE_RSA_LINK, own->rsa_link, own->rsa_link_len,
				    true);
	else
		ok &= linkcerts_add(l, WIRE_CERTTYPE_RSA_AUTH, own->rsa_auth, own->rsa_auth_len,
				    false);
	ok &= linkcerts_add(l, WIRE_CERTTYPE_RSA_ID, own->rsa_id, own->rsa_id_len, true);
	ok &= linkcerts_add(l, WIRE_CERTTYPE_ED_ID_SIGNING, own->ed_id_signing,
			    own->ed_id_signing_len, true);
	if (role == CP_LINKCERTS_ROLE_RESPONDER)
		ok &= linkcerts_add(l, WIRE_CERTTYPE_ED_SIGNING_LINK, own->ed_signing_link,
				    own->ed_signing_link_len, true);
	else
		ok &= linkcerts_add(l, WIRE_CERTTYPE_ED_SIGNING_AUTH, own->ed_signing_auth,
				    own->ed_signing_auth_len, true);
	ok &= linkcerts_add(l, WIRE_CERTTYPE_RSA_ED_CROSSCERT, own->rsa_ed_crosscert,
			    own->rsa_ed_crosscert_len, true);
	return ok;
}

size_t
cp_linkcerts_body_len(enum cp_linkcerts_role role, const struct cp_linkcerts_own *own)
{
	struct linkcerts_list l;

	if (!linkcerts_collect(role, own, &l))
		return 0;
	return wire_certs_encoded_len(l.e, l.n);
}

int
cp_linkcerts_build(uint8_t *out, size_t out_len, enum cp_linkcerts_role role,
		   const struct cp_linkcerts_own *own)
{
	struct linkcerts_list l;

	if (!linkcerts_collect(role, own, &l))
		return -EINVAL;
	return wire_certs_encode(out, out_len, l.e, l.n);
}

/* Record a failure in @p out: zero the identities, name the cert type. */
static enum cp_cert_err
linkcerts_fail(struct cp_linkcerts_peer *out, enum cp_cert_err err, uint8_t type)
{
	memset(out, 0, sizeof(*out));
	out->failed_type = type;
	return err;
}

enum cp_cert_err
cp_linkcerts_verify(const uint8_t *body, size_t len, enum cp_linkcerts_role sender,
		    const uint8_t *tls_cert_sha256, time_t now, struct cp_linkcerts_peer *out)
{
	struct wire_certs_entry certs[WIRE_CERTS_MAX];
	/* Index into certs[] of each CertType 1..7; -1 when absent. */
	int by_type[WIRE_CERTTYPE_RSA_ED_CROSSCERT + 1];
	const struct wire_certs_entry *c;
	struct cp_edcert id_signing;
	struct cp_edcert leaf;
	EVP_PKEY *id_key = NULL;
	enum cp_cert_err err;
	uint8_t leaf_type;
	uint64_t expires;
	size_t n;
	size_t i;

	memset(out, 0, sizeof(*out));
	if (sender == CP_LINKCERTS_ROLE_RESPONDER && tls_cert_sha256 == NULL)
		return linkcerts_fail(out, CP_CERT_ERR_INTERNAL, 0);
	if (wire_certs_decode(body, len, certs, WIRE_CERTS_MAX, &n) < 0)
		return linkcerts_fail(out, CP_CERT_ERR_CERTS_MALFORMED, 0);

	/* 1. "A CERTS cell may have no more than one certificate of each
	 * CertType" (tor-spec.txt §4.2). At most 255 entries. */
	for (i = 0; i < ARRAY_SIZE(by_type); i++)
		by_type[i] = -1;
	for (i = 0; i < n; i++) {
		uint8_t t = certs[i].type;

		if (t == 0 || t > WIRE_CERTTYPE_RSA_ED_CROSSCERT)
			continue;
		if (by_type[t] >= 0)
			return linkcerts_fail(out, CP_CERT_ERR_CERTS_DUP, t);
		by_type[t] = (int)i;
	}

	/* 2. Identity -> signing, signed by the identity it names. */
	if (by_type[WIRE_CERTTYPE_ED_ID_SIGNING] < 0)
		return linkcerts_fail(out, CP_CERT_ERR_CERTS_MISSING, WIRE_CERTTYPE_ED_ID_SIGNING);
	c = &certs[by_type[WIRE_CERTTYPE_ED_ID_SIGNING]];
	err = cp_edcert_verify(c->body, c->len, CP_EDCERT_TYPE_ID_SIGNING, NULL, now, &id_signing);
	if (err != CP_CERT_OK)
		return linkcerts_fail(out, err, WIRE_CERTTYPE_ED_ID_SIGNING);

	/* 3. Signing -> link (we initiated) or signing -> auth (they did). */
	leaf_type = sender == CP_LINKCERTS_ROLE_RESPONDER ? WIRE_CERTTYPE_ED_SIGNING_LINK
							  : WIRE_CERTTYPE_ED_SIGNING_AUTH;
	if (by_type[leaf_type] < 0)
		return linkcerts_fail(out, CP_CERT_ERR_CERTS_MISSING, leaf_type);
	c = &certs[by_type[leaf_type]];
	err = cp_edcert_parse(c->body, c->len, &leaf);
	if (err == CP_CERT_OK && leaf_type == WIRE_CERTTYPE_ED_SIGNING_LINK &&
	    CRYPTO_memcmp(leaf.key, tls_cert_sha256, 32) != 0)
		/* "Link certificate does not match TLS certificate". */
		err = CP_CERT_ERR_CERTS_LINK;
	if (err == CP_CERT_OK)
		err = cp_edcert_verify(c->body, c->len, leaf_type, id_signing.key, now, &leaf);
	if (err != CP_CERT_OK)
		return linkcerts_fail(out, err, leaf_type);

	/* 4. The RSA identity certificate. */
	if (by_type[WIRE_CERTTYPE_RSA_ID] < 0)
		return linkcerts_fail(out, CP_CERT_ERR_CERTS_MISSING, WIRE_CERTTYPE_RSA_ID);
	c = &certs[by_type[WIRE_CERTTYPE_RSA_ID]];
	err = cp_x509_check_id_cert(c->body, c->len, now, &id_key);
	if (err != CP_CERT_OK)
		return linkcerts_fail(out, err, WIRE_CERTTYPE_RSA_ID);

	/* 5. RSA identity -> Ed25519 identity. */
	if (by_type[WIRE_CERTTYPE_RSA_ED_CROSSCERT] < 0) {
		err = CP_CERT_ERR_CERTS_MISSING;
		goto fail_crosscert;
	}
	c = &certs[by_type[WIRE_CERTTYPE_RSA_ED_CROSSCERT]];
	err = cp_rsacross_check(c->body, c->len, id_key, id_signing.signer, now);
	if (err != CP_CERT_OK)
		goto fail_crosscert;
	if (cp_rsa_id_digests(id_key, out->rsa_id_sha1, out->rsa_id_sha256) < 0) {
		EVP_PKEY_free(id_key);
		return linkcerts_fail(out, CP_CERT_ERR_INTERNAL, WIRE_CERTTYPE_RSA_ID);
	}
	EVP_PKEY_free(id_key);

	memcpy(out->ed_id, id_signing.signer, 32);
	memcpy(out->ed_signing, id_signing.key, 32);
	if (leaf_type == WIRE_CERTTYPE_ED_SIGNING_AUTH)
		memcpy(out->ed_auth, leaf.key, 32);
	expires = (uint64_t)id_signing.exp_hours;
	if (leaf.exp_hours < expires)
		expires = leaf.exp_hours;
	if (be32_get(c->body + 32) < expires)
		expires = be32_get(c->body + 32);
	out->expires = (time_t)(expires * 3600);
	out->failed_type = 0;
	return CP_CERT_OK;

fail_crosscert:
	EVP_PKEY_free(id_key);
	return linkcerts_fail(out, err, WIRE_CERTTYPE_RSA_ED_CROSSCERT);
}

int
cp_auth3_build(uint8_t *out, size_t out_len, const struct cp_auth3_fields *f,
	       const uint8_t *rand, const struct cp_ed25519_key *auth_key)
{
	uint8_t *a = out + WIRE_AUTHENTICATE_HDR_LEN;
	int rc;

	if (out_len < CP_AUTH3_CELL_LEN)
		return -ENOBUFS;

	/* tor-spec.txt §4.4.2, in order. */
	memcpy(a + CP_AUTH3_OFF_TYPE, "AUTH0003", 8);
	memcpy(a + CP_AUTH3_OFF_CID, f->cid, 32);
	memcpy(a + CP_AUTH3_OFF_SID, f->sid, 32);
	memcpy(a + CP_AUTH3_OFF_CID_ED, f->cid_ed, 32);
	memcpy(a + CP_AUTH3_OFF_SID_ED, f->sid_ed, 32);
	memcpy(a + CP_AUTH3_OFF_SLOG, f->slog, 32);
	memcpy(a + CP_AUTH3_OFF_CLOG, f->clog, 32);
	memcpy(a + CP_AUTH3_OFF_SCERT, f->scert, 32);
	memcpy(a + CP_AUTH3_OFF_TLSSECRETS, f->tlssecrets, 32);
	if (rand != NULL)
		memcpy(a + CP_AUTH3_OFF_RAND, rand, CP_AUTH3_RAND_LEN);
	else if (RAND_bytes(a + CP_AUTH3_OFF_RAND, CP_AUTH3_RAND_LEN) != 1)
		return -EIO;
	/* "SIG: A signature of all previous fields using the initiator's
	 * Ed25519 authentication key". */
	rc = cp_ed25519_sign(a + CP_AUTH3_OFF_SIG, a, CP_AUTH3_SIGNED_LEN, auth_key);
	if (rc < 0)
		return rc;
	return wire_authenticate_encode(out, out_len, WIRE_AUTHTYPE_ED25519_SHA256_RFC5705, a,
					CP_AUTH3_LEN);
}

enum cp_cert_err
cp_auth3_verify(const uint8_t *payload, size_t len, const struct cp_auth3_fields *expected,
		const struct cp_linkcerts_peer *initiator)
{
	/* Each fixed field, in wire order, with the reason for a mismatch. */
	const struct {
		size_t off;
		const uint8_t *want;
		enum cp_cert_err err;
	} fields[] = {
		{ CP_AUTH3_OFF_CID, expected->cid, CP_CERT_ERR_AUTH_CID },
		{ CP_AUTH3_OFF_SID, expected->sid, CP_CERT_ERR_AUTH_SID },
		{ CP_AUTH3_OFF_CID_ED, expected->cid_ed, CP_CERT_ERR_AUTH_CID_ED },
		{ CP_AUTH3_OFF_SID_ED, expected->sid_ed, CP_CERT_ERR_AUTH_SID_ED },
		{ CP_AUTH3_OFF_SLOG, expected->slog, CP_CERT_ERR_AUTH_SLOG },
		{ CP_AUTH3_OFF_CLOG, expected->clog, CP_CERT_ERR_AUTH_CLOG },
		{ CP_AUTH3_OFF_SCERT, expected->scert, CP_CERT_ERR_AUTH_SCERT },
		{ CP_AUTH3_OFF_TLSSECRETS, expected->tlssecrets, CP_CERT_ERR_AUTH_TLSSECRETS },
	};
	struct wire_authenticate wa;
	size_t i;

	if (wire_authenticate_decode(payload, len, &wa) < 0)
		return CP_CERT_ERR_AUTH_MALFORMED;
	if (wa.auth_type != WIRE_AUTHTYPE_ED25519_SHA256_RFC5705)
		return CP_CERT_ERR_AUTH_TYPE;
	/* channeltls.c: the expected body is 288 bytes, so "bodylen + 4"
	 * matches only when AuthLen is exactly 288 + 64. */
	if (wa.auth_len != CP_AUTH3_LEN)
		return CP_CERT_ERR_AUTH_LEN;
	if (memcmp(wa.auth + CP_AUTH3_OFF_TYPE, "AUTH0003", 8) != 0)
		return CP_CERT_ERR_AUTH_TYPE_FIELD;
	for (i = 0; i < ARRAY_SIZE(fields); i++)
		if (CRYPTO_memcmp(wa.auth + fields[i].off, fields[i].want, 32) != 0)
			return fields[i].err;
	if (!cp_ed25519_verify(wa.auth + CP_AUTH3_OFF_SIG, wa.auth, CP_AUTH3_SIGNED_LEN,
			       initiator->ed_auth))
		return CP_CERT_ERR_AUTH_SIG;
	return CP_CERT_OK;
}
