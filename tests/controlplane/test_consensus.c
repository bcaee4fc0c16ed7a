/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief CUnit suite "controlplane/consensus": authority key certificates and
 *        consensus documents made by a real tor 0.4.9.
 *
 * The documents under tests/controlplane/data/dir/ come from Debian's
 * /usr/sbin/tor 0.4.9.11: a throw-away test network of three authorities
 * (keys from tor-gencert) and one relay in a network namespace, stopped
 * after its first complete consensus (make-fixtures.sh there remakes
 * them). They are the ns and microdesc consensuses, /tor/keys/all, the
 * three v3idents, auth1's identity secret key (so tests can re-sign a
 * certificate they altered) and expected.txt: facts taken from tor's own
 * files and torrcs (relay fingerprint, address, params), not from the
 * documents.
 *
 * The files are read at suite start relative to the repository root,
 * where tests/run.sh runs the runners.
 *
 * Time: the consensus is checked at valid-after + 10 s (its validity is
 * 40 s: 20-s voting intervals, V3AuthNIntervalsValid 2) unless a test says
 * otherwise; certificates are valid for 12 months from the same day.
 */
#include "tests/suites.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/sha.h>

#include "controlplane/certs/rsacross.h"
#include "controlplane/dir/authcert.h"
#include "controlplane/dir/consensus.h"
#include "controlplane/dir/dirdoc_int.h"

#define DATA_DIR "tests/controlplane/data/dir/"

/* What the suite reads once. */
static struct {
	char *ns, *md, *keys, *expected;
	size_t ns_len, md_len, keys_len;
	EVP_PKEY *auth1_id;	     /* auth1's identity secret key */
	uint8_t v3[3][20];	     /* v3idents.txt */
	time_t va, vu;		     /* the ns consensus's valid-after, valid-until */
	time_t now;		     /* va + 10 */
	struct cp_authcert certs[8]; /* /tor/keys/all, parsed at now */
	size_t n_certs;
	struct cp_dir_trust trust; /* the three v3idents and the certs */
} fx;

static char err[1024];

/* ---- fixture plumbing ---- */

static char *
slurp(const char *name, size_t *len)
{
	char path[256];
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof(path), DATA_DIR "%s", name);
	f = fopen(path, "rb");
	if (f == NULL) {
		fprintf(stderr, "consensus suite: cannot open %s (run from the repository root)\n",
			path);
		return NULL;
	}
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
		fclose(f);
		return NULL;
	}
	buf = malloc((size_t)n + 1);
	if (buf != NULL && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	if (buf != NULL) {
		buf[n] = '\0';
		if (len != NULL)
			*len = (size_t)n;
	}
	return buf;
}

/* The value of "KEY value" line number @p idx (0-based among those with KEY) of expected.txt. */
static const char *
expect(const char *key, int idx, char *out, size_t outlen)
{
	const char *p = fx.expected;
	size_t kl = strlen(key);

	while (p != NULL && *p != '\0') {
		const char *eol = strchr(p, '\n');
		size_t ll = eol == NULL ? strlen(p) : (size_t)(eol - p);

		if (ll > kl && memcmp(p, key, kl) == 0 && p[kl] == ' ' && idx-- == 0) {
			size_t vl = ll - kl - 1 < outlen - 1 ? ll - kl - 1 : outlen - 1;

			memcpy(out, p + kl + 1, vl);
			out[vl] = '\0';
			return out;
		}
		p = eol == NULL ? NULL : eol + 1;
	}
	out[0] = '\0';
	return out;
}

static void
hex20(const char *hex, uint8_t out[20])
{
	struct cp_dd_span s = {hex, strlen(hex)};

	if (cp_dd_hex_decode(s, out, 20) != 0)
		memset(out, 0, 20);
}

/* A "YYYY-MM-DD HH:MM:SS" at the start of @p p. */
static time_t
time_at(const char *p)
{
	struct cp_dd_span d = {p, 10}, t = {p + 11, 8};
	time_t v = 0;

	if (p == NULL || strlen(p) < 19 || cp_dd_parse_time2(d, t, &v) != 0)
		return 0;
	return v;
}

static int
suite_init(void)
{
	char *ids, *pem;
	size_t i;
	BIO *bio;

	fx.ns = slurp("consensus-ns.txt", &fx.ns_len);
	fx.md = slurp("consensus-md.txt", &fx.md_len);
	fx.keys = slurp("keys-all.txt", &fx.keys_len);
	fx.expected = slurp("expected.txt", NULL);
	ids = slurp("v3idents.txt", NULL);
	pem = slurp("auth1-identity.pem", NULL);
	if (fx.ns == NULL || fx.md == NULL || fx.keys == NULL || fx.expected == NULL ||
	    ids == NULL || pem == NULL) {
		free(ids);
		free(pem);
		return -1;
	}
	for (i = 0; i < 3; i++) {
		char h[41];

		memcpy(h, ids + 41 * i, 40);
		h[40] = '\0';
		hex20(h, fx.v3[i]);
	}
	free(ids);
	bio = BIO_new_mem_buf(pem, -1);
	fx.auth1_id = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
	BIO_free(bio);
	free(pem);
	if (fx.auth1_id == NULL)
		return -1;

	fx.va = time_at(strstr(fx.ns, "\nvalid-after ") + 13);
	fx.vu = time_at(strstr(fx.ns, "\nvalid-until ") + 13);
	fx.now = fx.va + 10;
	if (fx.va == 0 || fx.vu == 0)
		return -1;
	if (cp_authcert_parse_all(fx.keys, fx.keys_len, fx.now, fx.certs, 8, &fx.n_certs, NULL,
				  0) != 0)
		return -1;
	memset(&fx.trust, 0, sizeof(fx.trust));
	memcpy(fx.trust.v3ident, fx.v3, sizeof(fx.v3));
	fx.trust.n_v3ident = 3;
	fx.trust.certs = fx.certs;
	fx.trust.n_certs = fx.n_certs;
	fx.trust.testing = true;
	return 0;
}

static int
suite_fini(void)
{
	cp_authcert_clear_all(fx.certs, fx.n_certs);
	EVP_PKEY_free(fx.auth1_id);
	free(fx.ns);
	free(fx.md);
	free(fx.keys);
	free(fx.expected);
	memset(&fx, 0, sizeof(fx));
	return 0;
}

/* A copy of @p doc with the first @p from replaced by @p to (NULL: not found). */
static char *
replace(const char *doc, size_t len, const char *from, const char *to, size_t *out_len)
{
	const char *m = memmem(doc, len, from, strlen(from));
	size_t fl = strlen(from), tl = strlen(to), off;
	char *out;

	if (m == NULL)
		return NULL;
	off = (size_t)(m - doc);
	out = malloc(len - fl + tl + 1);
	memcpy(out, doc, off);
	memcpy(out + off, to, tl);
	memcpy(out + off + tl, m + fl, len - off - fl);
	*out_len = len - fl + tl;
	out[*out_len] = '\0';
	return out;
}

/* Offset of the @p n-th (0-based) line starting with @p kw in @p doc, or len. */
static size_t
nth_line(const char *doc, size_t len, const char *kw, int n)
{
	size_t kl = strlen(kw), off = 0;

	while (off < len) {
		if ((off == 0 || doc[off - 1] == '\n') && len - off >= kl &&
		    memcmp(doc + off, kw, kl) == 0 && n-- == 0)
			return off;
		off++;
	}
	return len;
}

/* A copy of @p doc without its directory-signature blocks, except those in @p keep (bitmask). */
static char *
keep_sigs(const char *doc, size_t len, unsigned keep, size_t *out_len)
{
	char *out = malloc(len + 1);
	size_t first = nth_line(doc, len, "directory-signature ", 0), o;
	int i;

	memcpy(out, doc, first);
	o = first;
	for (i = 0; i < 8; i++) {
		size_t s = nth_line(doc, len, "directory-signature ", i);
		size_t e = nth_line(doc, len, "directory-signature ", i + 1);

		if (s == len)
			break;
		if (keep & (1u << i)) {
			memcpy(out + o, doc + s, e - s);
			o += e - s;
		}
	}
	out[o] = '\0';
	*out_len = o;
	return out;
}

/* Bounds of the certificate for v3ident @p id in /tor/keys/all. */
static const char *
cert_of(const uint8_t id[20], size_t *len)
{
	char line[80], hex[41];
	const char *fp, *start, *end;

	cp_dd_hex_encode(hex, id, 20);
	snprintf(line, sizeof(line), "\nfingerprint %s\n", hex);
	fp = strstr(fx.keys, line);
	if (fp == NULL)
		return NULL;
	for (start = fp; start > fx.keys && memcmp(start, "dir-key-certificate-version", 27) != 0;
	     start--)
		;
	end = strstr(fp, "\n-----END SIGNATURE-----\n");
	if (end == NULL)
		return NULL;
	end += strlen("\n-----END SIGNATURE-----\n");
	*len = (size_t)(end - start);
	return start;
}

/*
 * Sign @p body (a certificate's text through "dir-key-certification\n")
 * with auth1's identity key as tor does, and append the signature object.
 */
static char *
resign(const char *body, size_t body_len, size_t *out_len)
{
	uint8_t digest[20], sig[512];
	unsigned char b64[1024];
	char *out;
	size_t o, i, n;
	int sl;

	SHA1((const unsigned char *)body, body_len, digest);
	sl = cp_rsa_raw_sign(sig, sizeof(sig), fx.auth1_id, digest, sizeof(digest));
	if (sl <= 0)
		return NULL;
	n = (size_t)EVP_EncodeBlock(b64, sig, sl);
	out = malloc(body_len + n + n / 64 + 64);
	memcpy(out, body, body_len);
	o = body_len;
	o += (size_t)sprintf(out + o, "-----BEGIN SIGNATURE-----\n");
	for (i = 0; i < n; i += 64) {
		size_t l = n - i < 64 ? n - i : 64;

		memcpy(out + o, b64 + i, l);
		o += l;
		out[o++] = '\n';
	}
	o += (size_t)sprintf(out + o, "-----END SIGNATURE-----\n");
	out[o] = '\0';
	*out_len = o;
	return out;
}

/* auth1's certificate with @p from replaced by @p to, re-signed by auth1. */
static char *
auth1_cert_edited(const char *from, const char *to, size_t *out_len)
{
	size_t clen, elen, blen;
	const char *cert = cert_of(fx.v3[0], &clen);
	char *edited, *body_end, *out;

	if (cert == NULL)
		return NULL;
	edited = replace(cert, clen, from, to, &elen);
	if (edited == NULL)
		return NULL;
	body_end = strstr(edited, "\ndir-key-certification\n");
	if (body_end == NULL) {
		free(edited);
		return NULL;
	}
	blen = (size_t)(body_end - edited) + strlen("\ndir-key-certification\n");
	out = resign(edited, blen, out_len);
	free(edited);
	return out;
}

/* A copy of the object that follows "@p kw\n" in @p text, BEGIN to END lines inclusive. */
static char *
object_after(const char *text, const char *kw)
{
	char k[64];
	const char *s, *e;
	char *out;

	snprintf(k, sizeof(k), "\n%s\n", kw);
	s = strstr(text, k);
	if (s == NULL)
		return NULL;
	s += strlen(k);
	e = strstr(s, "\n-----END ");
	if (e == NULL || (e = strchr(e + 1, '\n')) == NULL)
		return NULL;
	out = strndup(s, (size_t)(e + 1 - s));
	return out;
}

static int
parse_at(const char *doc, size_t len, const struct cp_dir_trust *t, time_t now,
	 struct cp_consensus **c)
{
	return cp_consensus_parse(doc, len, t, now, c, err, sizeof(err));
}

/* ---- key certificates ---- */

static void
test_consensus_keys_all_parses_three_authorities(void)
{
	struct cp_authcert certs[8];
	size_t n = 0, i, j;
	char buf[64];
	int rc;

	rc = cp_authcert_parse_all(fx.keys, fx.keys_len, fx.now, certs, 8, &n, err, sizeof(err));
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_STRING_EQUAL(err, "");
	CU_ASSERT_EQUAL_FATAL(n, 3);
	for (i = 0; i < 3; i++) {
		bool found = false;

		for (j = 0; j < n; j++)
			found |= memcmp(certs[j].id_digest, fx.v3[i], 20) == 0;
		CU_ASSERT(found);
	}
	for (j = 0; j < n; j++) {
		uint8_t sk[20];

		CU_ASSERT_PTR_NOT_NULL(certs[j].signing_key);
		CU_ASSERT_EQUAL(cp_rsa_id_digests(certs[j].signing_key, sk, NULL), 0);
		CU_ASSERT_EQUAL(memcmp(sk, certs[j].sk_digest, 20), 0);
		CU_ASSERT(certs[j].published <= fx.va);
		CU_ASSERT_EQUAL(certs[j].dir_port, 7000);
	}
	/* auth1: expiry from tor-gencert's own file, address from its -a. */
	for (j = 0; j < n && memcmp(certs[j].id_digest, fx.v3[0], 20) != 0; j++)
		;
	CU_ASSERT_FATAL(j < n);
	expect("cert_expires", 0, buf, sizeof(buf));
	buf[10] = ' ';
	CU_ASSERT_EQUAL(certs[j].expires, time_at(buf));
	CU_ASSERT_EQUAL(certs[j].dir_ip, 0x7f00000bu);
	cp_authcert_clear_all(certs, n);
}

static void
test_consensus_cert_signing_keys_match_consensus_signatures(void)
{
	size_t i;

	/* Each directory-signature names a signing-key digest the certs have. */
	for (i = 0; i < 3; i++) {
		size_t off = nth_line(fx.ns, fx.ns_len, "directory-signature ", (int)i);
		uint8_t id[20], sk[20];
		char h[41];

		CU_ASSERT_FATAL(off < fx.ns_len);
		memcpy(h, fx.ns + off + 20, 40);
		h[40] = '\0';
		hex20(h, id);
		memcpy(h, fx.ns + off + 61, 40);
		hex20(h, sk);
		CU_ASSERT_PTR_NOT_NULL(cp_authcert_find(fx.certs, fx.n_certs, id, sk, fx.now));
	}
}

static void
test_consensus_cert_rejects_tampered_certification(void)
{
	size_t clen, n = 9;
	const char *cert = cert_of(fx.v3[1], &clen);
	struct cp_authcert c, certs[4];
	const char *sig;
	char *bad;
	int rc;

	CU_ASSERT_PTR_NOT_NULL_FATAL(cert);
	/* One base64 character of the certification changed. */
	bad = strndup(cert, clen);
	sig = strstr(bad, "dir-key-certification\n-----BEGIN SIGNATURE-----\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(sig);
	bad[sig - bad + 50] = bad[sig - bad + 50] == 'A' ? 'B' : 'A';
	rc = cp_authcert_parse(bad, clen, fx.now, &c, err, sizeof(err));
	CU_ASSERT_EQUAL(rc, -EKEYREJECTED);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "dir-key-certification does not verify"));
	CU_ASSERT_PTR_NULL(c.signing_key);

	/* In /tor/keys/all: that one skipped, the two others kept. */
	{
		char *mix = malloc(fx.keys_len + 1);
		size_t off = (size_t)(cert - fx.keys);

		memcpy(mix, fx.keys, fx.keys_len);
		memcpy(mix + off, bad, clen);
		rc = cp_authcert_parse_all(mix, fx.keys_len, fx.now, certs, 4, &n, err,
					   sizeof(err));
		CU_ASSERT_EQUAL(rc, 1);
		CU_ASSERT_EQUAL(n, 2);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, "does not verify"));
		cp_authcert_clear_all(certs, n);
		free(mix);
	}
	free(bad);
}

static void
test_consensus_cert_rejects_edited_body(void)
{
	size_t clen, elen;
	const char *cert = cert_of(fx.v3[0], &clen);
	struct cp_authcert c;
	char *bad;

	CU_ASSERT_PTR_NOT_NULL_FATAL(cert);
	/* A later expiry, not re-signed. */
	bad = replace(cert, clen, "dir-key-expires 20", "dir-key-expires 21", &elen);
	CU_ASSERT_PTR_NOT_NULL_FATAL(bad);
	CU_ASSERT_EQUAL(cp_authcert_parse(bad, elen, fx.now, &c, err, sizeof(err)), -EKEYREJECTED);
	free(bad);
}

static void
test_consensus_cert_resigned_by_identity_is_accepted(void)
{
	/* The control for the crosscert tests: an edit re-signed by auth1 passes. */
	size_t len;
	char *cert = auth1_cert_edited("dir-key-expires 20", "dir-key-expires 21", &len);
	struct cp_authcert c;
	int rc;

	CU_ASSERT_PTR_NOT_NULL_FATAL(cert);
	rc = cp_authcert_parse(cert, len, fx.now, &c, err, sizeof(err));
	CU_ASSERT_EQUAL(rc, (int)len);
	CU_ASSERT_EQUAL(memcmp(c.id_digest, fx.v3[0], 20), 0);
	CU_ASSERT(c.expires > fx.certs[0].expires + 365 * 86400);
	cp_authcert_clear(&c);
	free(cert);
}

static void
test_consensus_cert_rejects_crosscert_of_another_authority(void)
{
	size_t c1len, c2len, len;
	const char *c1 = cert_of(fx.v3[0], &c1len), *c2 = cert_of(fx.v3[1], &c2len);
	char *t1, *t2, *x1, *x2, *cert;
	struct cp_authcert c;

	CU_ASSERT_PTR_NOT_NULL_FATAL(c1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c2);
	t1 = strndup(c1, c1len);
	t2 = strndup(c2, c2len);
	x1 = object_after(t1, "dir-key-crosscert");
	x2 = object_after(t2, "dir-key-crosscert");
	CU_ASSERT_PTR_NOT_NULL_FATAL(x1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(x2);
	/* auth2's crosscert (a good signature, by auth2's signing key, of auth2's
	 * identity) in auth1's certificate, certified by auth1's identity key. */
	cert = auth1_cert_edited(x1, x2, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cert);
	CU_ASSERT_EQUAL(cp_authcert_parse(cert, len, fx.now, &c, err, sizeof(err)), -EKEYREJECTED);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "dir-key-crosscert does not verify"));
	free(cert);
	free(t1);
	free(t2);
	free(x1);
	free(x2);
}

static void
test_consensus_cert_rejects_crosscert_by_identity_key(void)
{
	size_t clen, len;
	const char *c1 = cert_of(fx.v3[0], &clen);
	uint8_t sig[512];
	unsigned char b64[1024];
	char *t1, *x1, obj[1200], *cert;
	struct cp_authcert c;
	int sl, o = 0, i, n;

	CU_ASSERT_PTR_NOT_NULL_FATAL(c1);
	t1 = strndup(c1, clen);
	x1 = object_after(t1, "dir-key-crosscert");
	CU_ASSERT_PTR_NOT_NULL_FATAL(x1);
	/* The right digest (auth1's identity) signed by the wrong key (the identity key). */
	sl = cp_rsa_raw_sign(sig, sizeof(sig), fx.auth1_id, fx.v3[0], 20);
	CU_ASSERT_FATAL(sl > 0);
	n = EVP_EncodeBlock(b64, sig, sl);
	o += sprintf(obj + o, "-----BEGIN ID SIGNATURE-----\n");
	for (i = 0; i < n; i += 64)
		o += sprintf(obj + o, "%.*s\n", n - i < 64 ? n - i : 64, (const char *)b64 + i);
	sprintf(obj + o, "-----END ID SIGNATURE-----\n");
	cert = auth1_cert_edited(x1, obj, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cert);
	CU_ASSERT_EQUAL(cp_authcert_parse(cert, len, fx.now, &c, err, sizeof(err)), -EKEYREJECTED);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "dir-key-crosscert does not verify"));
	free(cert);
	free(t1);
	free(x1);
}

static void
test_consensus_cert_rejects_wrong_fingerprint(void)
{
	char from[80], to[80], h1[41], h2[41], *cert;
	struct cp_authcert c;
	size_t len;

	cp_dd_hex_encode(h1, fx.v3[0], 20);
	cp_dd_hex_encode(h2, fx.v3[1], 20);
	snprintf(from, sizeof(from), "fingerprint %s", h1);
	snprintf(to, sizeof(to), "fingerprint %s", h2);
	cert = auth1_cert_edited(from, to, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cert);
	CU_ASSERT_EQUAL(cp_authcert_parse(cert, len, fx.now, &c, err, sizeof(err)), -EKEYREJECTED);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "does not match dir-identity-key"));
	free(cert);
}

static void
test_consensus_cert_rejects_expired(void)
{
	struct cp_authcert certs[4];
	time_t exp = fx.certs[0].expires;
	size_t n = 9, clen;
	const char *cert = cert_of(fx.certs[0].id_digest, &clen);
	struct cp_authcert c;

	CU_ASSERT_PTR_NOT_NULL_FATAL(cert);
	/* Valid through dir-key-expires itself, expired one second later. */
	CU_ASSERT_EQUAL(cp_authcert_parse(cert, clen, exp, &c, err, sizeof(err)), (int)clen);
	cp_authcert_clear(&c);
	CU_ASSERT_EQUAL(cp_authcert_parse(cert, clen, exp + 1, &c, err, sizeof(err)), -EKEYEXPIRED);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "expired"));
	/* All three expire within seconds of each other. */
	CU_ASSERT_EQUAL(cp_authcert_parse_all(fx.keys, fx.keys_len, exp + 3600, certs, 4, &n, err,
					      sizeof(err)),
			3);
	CU_ASSERT_EQUAL(n, 0);
}

static void
test_consensus_cert_find_skips_expired_and_other_keys(void)
{
	const struct cp_authcert *c0 = &fx.certs[0];
	uint8_t other[20];

	memset(other, 0x5a, sizeof(other));
	CU_ASSERT_PTR_EQUAL(
		cp_authcert_find(fx.certs, fx.n_certs, c0->id_digest, c0->sk_digest, fx.now), c0);
	CU_ASSERT_PTR_EQUAL(cp_authcert_find(fx.certs, fx.n_certs, c0->id_digest, NULL, fx.now),
			    c0);
	CU_ASSERT_PTR_NULL(cp_authcert_find(fx.certs, fx.n_certs, c0->id_digest, other, fx.now));
	CU_ASSERT_PTR_NULL(cp_authcert_find(fx.certs, fx.n_certs, other, NULL, fx.now));
	CU_ASSERT_PTR_NULL(
		cp_authcert_find(fx.certs, fx.n_certs, c0->id_digest, NULL, c0->expires + 1));
}

static void
test_consensus_keys_all_survives_every_cut(void)
{
	size_t cut, n, complete = 0, i;
	struct cp_authcert certs[4];
	size_t ends[3];

	for (i = 0; i < 3; i++) {
		const char *e = fx.keys;
		size_t k;

		for (k = 0; k <= i; k++)
			e = strstr(e, "\n-----END SIGNATURE-----\n") + 1;
		ends[i] = (size_t)(e - fx.keys) + strlen("-----END SIGNATURE-----\n");
	}
	/* Exact-size copies, so ASan sees any read past the end. */
	for (cut = 0; cut <= fx.keys_len; cut++) {
		char *buf = malloc(cut + 1);
		int rc;

		memcpy(buf, fx.keys, cut);
		rc = cp_authcert_parse_all(buf, cut, fx.now, certs, 4, &n, err, sizeof(err));
		while (complete < 3 && cut >= ends[complete])
			complete++;
		CU_ASSERT(rc >= 0);
		if (n != complete)
			CU_FAIL("a cut kept a different number of certificates than it holds");
		cp_authcert_clear_all(certs, n);
		free(buf);
	}
}

/* ---- the consensus ---- */

static void
test_consensus_real_ns_verifies(void)
{
	struct cp_consensus *c = NULL;
	char buf[64];
	size_t i;

	CU_ASSERT_EQUAL_FATAL(parse_at(fx.ns, fx.ns_len, &fx.trust, fx.now, &c), 0);
	CU_ASSERT_EQUAL(c->flavor, CP_CONSENSUS_NS);
	CU_ASSERT_EQUAL(c->method, 35); /* relay-checklist §0.1 */
	CU_ASSERT_EQUAL(c->valid_after, fx.va);
	CU_ASSERT_EQUAL(c->fresh_until, fx.va + 20); /* V3AuthVotingInterval 20 */
	CU_ASSERT_EQUAL(c->valid_until, fx.va + 40); /* V3AuthNIntervalsValid 2 */
	CU_ASSERT_EQUAL(c->vote_seconds, 4);
	CU_ASSERT_EQUAL(c->dist_seconds, 4);
	CU_ASSERT_EQUAL(c->n_relays, (size_t)atoi(expect("n_relays", 0, buf, sizeof(buf))));
	CU_ASSERT_EQUAL(c->n_trusted, 3);
	CU_ASSERT_EQUAL(c->n_signed_by, 3);
	for (i = 0; i < 3; i++)
		CU_ASSERT(cp_consensus_signed_by(c, fx.v3[i]));
	CU_ASSERT_EQUAL_FATAL(c->n_voters, 3);
	for (i = 0; i < 3; i++) {
		CU_ASSERT(c->voters[i].trusted);
		CU_ASSERT(c->voters[i].good_signature);
		CU_ASSERT_EQUAL(c->voters[i].dirport, 7000);
	}
	/* dir-sources come sorted by v3ident; auth<N> has line N of v3idents.txt. */
	for (i = 0; i < 3; i++) {
		char nick[8];
		size_t k;

		snprintf(nick, sizeof(nick), "auth%zu", i + 1);
		for (k = 0; k < 3 && memcmp(c->voters[k].v3ident, fx.v3[i], 20) != 0; k++)
			;
		CU_ASSERT_FATAL(k < 3);
		CU_ASSERT_STRING_EQUAL(c->voters[k].nickname, nick);
	}
	CU_ASSERT_PTR_NOT_NULL_FATAL(c->required_relay_protocols);
	CU_ASSERT_PTR_NOT_NULL(strstr(c->required_relay_protocols, "Link=4-5"));
	CU_ASSERT_EQUAL(cp_consensus_weight(c, "Wgg", -1), 10000);
	CU_ASSERT_EQUAL(cp_consensus_weight(c, "Wxx", -1), -1);
	CU_ASSERT(cp_consensus_is_live(c, fx.now));
	cp_consensus_free(c);
}

static void
test_consensus_real_microdesc_verifies_sha256(void)
{
	struct cp_consensus *c = NULL;
	const struct cp_cons_relay *r;
	uint8_t id[20], zero[32] = {0};
	char buf[64];

	CU_ASSERT_EQUAL_FATAL(parse_at(fx.md, fx.md_len, &fx.trust, fx.now, &c), 0);
	CU_ASSERT_EQUAL(c->flavor, CP_CONSENSUS_MICRODESC);
	CU_ASSERT_EQUAL(c->n_signed_by, 3);
	hex20(expect("relay_fingerprint", 0, buf, sizeof(buf)), id);
	r = cp_consensus_find(c, id);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_NOT_EQUAL(memcmp(r->digest, zero, 32), 0); /* the m line */
	CU_ASSERT_EQUAL(r->orport, 5000);
	cp_consensus_free(c);
}

static void
test_consensus_relay_lookup(void)
{
	struct cp_consensus *c = NULL;
	const struct cp_cons_relay *r;
	uint8_t id[20];
	char buf[64];
	uint32_t want = CP_CONS_FLAG_FAST | CP_CONS_FLAG_GUARD | CP_CONS_FLAG_HSDIR |
			CP_CONS_FLAG_RUNNING | CP_CONS_FLAG_STABLE | CP_CONS_FLAG_V2DIR |
			CP_CONS_FLAG_VALID;

	CU_ASSERT_EQUAL_FATAL(parse_at(fx.ns, fx.ns_len, &fx.trust, fx.now, &c), 0);
	hex20(expect("relay_fingerprint", 0, buf, sizeof(buf)), id);
	r = cp_consensus_find(c, id);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_STRING_EQUAL(r->nickname, expect("relay_nickname", 0, buf, sizeof(buf)));
	CU_ASSERT_EQUAL(memcmp(r->id, id, 20), 0);
	CU_ASSERT_EQUAL(r->ipv4, 0x7f00000eu); /* 127.0.0.14 */
	CU_ASSERT_EQUAL(r->orport, atoi(expect("relay_orport", 0, buf, sizeof(buf))));
	CU_ASSERT_EQUAL(r->dirport, 0);
	CU_ASSERT_EQUAL(r->flags, want); /* not Authority, not Exit */
	CU_ASSERT_PTR_NOT_NULL_FATAL(r->version);
	CU_ASSERT_STRING_EQUAL(r->version, "Tor 0.4.9.11");
	CU_ASSERT_PTR_NOT_NULL_FATAL(r->protocols);
	CU_ASSERT_EQUAL(strncmp(r->protocols, "Conflux=1 Cons=1-2 ", 19), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r->exit_policy);
	CU_ASSERT_STRING_EQUAL(r->exit_policy, "reject 1-65535");
	CU_ASSERT(r->has_bandwidth);
	CU_ASSERT(r->bw_unmeasured);
	CU_ASSERT_EQUAL(r->ipv6_orport, 0);
	CU_ASSERT(r->published >= fx.va - 3600 && r->published <= fx.va);

	/* An authority, by the RSA fingerprint from its DataDirectory. */
	hex20(expect("auth1_fingerprint", 0, buf, sizeof(buf)), id);
	r = cp_consensus_find(c, id);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_STRING_EQUAL(r->nickname, "auth1");
	CU_ASSERT(r->flags & CP_CONS_FLAG_AUTHORITY);
	CU_ASSERT_EQUAL(r->ipv4, 0x7f00000bu);
	CU_ASSERT_EQUAL(r->dirport, 7000);

	memset(id, 0xee, sizeof(id));
	CU_ASSERT_PTR_NULL(cp_consensus_find(c, id));
	CU_ASSERT_PTR_NULL(cp_consensus_find(NULL, id));
	cp_consensus_free(c);
}

static void
test_consensus_params_with_clamping(void)
{
	struct cp_consensus *c = NULL;
	char name[64], val[64], line[128];
	int i;

	CU_ASSERT_EQUAL_FATAL(parse_at(fx.ns, fx.ns_len, &fx.trust, fx.now, &c), 0);
	/* Every ConsensusParams entry of the authorities' torrcs is there. */
	for (i = 0; *expect("param", i, line, sizeof(line)) != '\0'; i++) {
		CU_ASSERT_EQUAL(sscanf(line, "%63s %63s", name, val), 2);
		CU_ASSERT_EQUAL(cp_consensus_param(c, name, 0, INT32_MIN, INT32_MAX), atoi(val));
	}
	CU_ASSERT_EQUAL(i, 3);
	CU_ASSERT_EQUAL(cp_consensus_param(c, "circwindow", 500, 100, 1000), 1000);
	CU_ASSERT_EQUAL(cp_consensus_param(c, "circwindow", 500, 100, 800), 800); /* capped */
	CU_ASSERT_EQUAL(cp_consensus_param(c, "chivetestneg", 0, -10, 10), -5);
	CU_ASSERT_EQUAL(cp_consensus_param(c, "chivetestneg", 3, 1, 10), 1); /* raised */
	CU_ASSERT_EQUAL(cp_consensus_param(c, "cc_sendme_inc", 31, 0, 255), 31);
	/* Absent: the default, as given. */
	CU_ASSERT_EQUAL(cp_consensus_param(c, "sendme_emit_min_version", 7, 0, 255), 7);
	/* A prefix of a name is another name. */
	CU_ASSERT_EQUAL(cp_consensus_param(c, "circ", 7, 0, 2000), 7);
	CU_ASSERT_EQUAL(cp_consensus_param(NULL, "circwindow", 7, 0, 2000), 7);
	cp_consensus_free(c);
}

static void
test_consensus_rejects_tampered_body(void)
{
	static const char *const edits[][2] = {
		{"\ns Fast Guard HSDir Running Stable V2Dir Valid\n",
		 "\ns Fast Guard HSDir Running Stable V2Dir Valid Exit\n"},
		{"circwindow=1000", "circwindow=1001"},
		{" 127.0.0.14 5000 0\n", " 127.0.0.15 5000 0\n"},
		{"\nvalid-until ", "\nx-unknown-item 1\nvalid-until "},
	};
	struct cp_consensus *c = NULL;
	size_t i, len;

	for (i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
		char *doc = replace(fx.ns, fx.ns_len, edits[i][0], edits[i][1], &len);

		CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
		CU_ASSERT_EQUAL(parse_at(doc, len, &fx.trust, fx.now, &c), -EKEYREJECTED);
		CU_ASSERT_PTR_NULL(c);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, "0 good signatures of 2 needed"));
		CU_ASSERT_PTR_NOT_NULL(strstr(err, "bad signature: auth2"));
		free(doc);
	}
}

static void
test_consensus_signed_part_ends_after_first_signature_keyword(void)
{
	/* Bytes after "directory-signature " are not signed: a lower-case hex
	 * identity on the first signature still names auth1. */
	struct cp_consensus *c = NULL;
	size_t off = nth_line(fx.ns, fx.ns_len, "directory-signature ", 0) + 20, i;
	char *doc = malloc(fx.ns_len);

	memcpy(doc, fx.ns, fx.ns_len);
	for (i = off; i < off + 40; i++)
		doc[i] = (char)(doc[i] >= 'A' && doc[i] <= 'F' ? doc[i] + 32 : doc[i]);
	CU_ASSERT_EQUAL(parse_at(doc, fx.ns_len, &fx.trust, fx.now, &c), 0);
	CU_ASSERT_EQUAL(c == NULL ? 0 : c->n_signed_by, 3);
	cp_consensus_free(c);
	free(doc);
}

static void
test_consensus_needs_more_than_half(void)
{
	struct cp_consensus *c = NULL;
	unsigned keep;
	size_t len;

	/* Two of three: enough. */
	for (keep = 0; keep < 8; keep++) {
		char *doc = keep_sigs(fx.ns, fx.ns_len, keep, &len);
		unsigned n = (unsigned)__builtin_popcount(keep);
		int rc = parse_at(doc, len, &fx.trust, fx.now, &c);

		if (n >= 2) {
			CU_ASSERT_EQUAL(rc, 0);
			CU_ASSERT_EQUAL(c == NULL ? 0 : c->n_signed_by, n);
		} else if (n == 1) {
			CU_ASSERT_EQUAL(rc, -EKEYREJECTED);
			CU_ASSERT_PTR_NOT_NULL(strstr(err, "1 good signature of 2 needed"));
			CU_ASSERT_PTR_NOT_NULL(strstr(err, "no signature: "));
		} else {
			CU_ASSERT_EQUAL(rc, -EBADMSG); /* no directory-signature at all */
		}
		cp_consensus_free(c);
		c = NULL;
		free(doc);
	}
}

static void
test_consensus_counts_against_the_trust_list(void)
{
	struct cp_dir_trust t = fx.trust;
	struct cp_consensus *c = NULL;
	unsigned i;

	/* 3 real of 5 trusted: 3 needed, 3 good. */
	for (i = 3; i < 5; i++)
		memset(t.v3ident[i], (int)i, 20);
	t.n_v3ident = 5;
	CU_ASSERT_EQUAL(parse_at(fx.ns, fx.ns_len, &t, fx.now, &c), 0);
	cp_consensus_free(c);
	c = NULL;
	/* 3 real of 6 trusted: 4 needed. */
	memset(t.v3ident[5], 5, 20);
	t.n_v3ident = 6;
	CU_ASSERT_EQUAL(parse_at(fx.ns, fx.ns_len, &t, fx.now, &c), -EKEYREJECTED);
	CU_ASSERT_PTR_NOT_NULL(
		strstr(err, "3 good signatures of 4 needed (6 trusted authorities)"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "is no dir-source"));
	/* The same authority listed twice counts once. */
	t.n_v3ident = 4;
	memcpy(t.v3ident[3], fx.v3[0], 20);
	CU_ASSERT_EQUAL(parse_at(fx.ns, fx.ns_len, &t, fx.now, &c), 0);
	CU_ASSERT_EQUAL(c == NULL ? 0 : c->n_trusted, 3);
	cp_consensus_free(c);
}

static void
test_consensus_rejects_wrong_trust_list(void)
{
	struct cp_dir_trust t = fx.trust;
	struct cp_consensus *c = NULL;
	unsigned i;

	for (i = 0; i < 3; i++)
		memset(t.v3ident[i], 0x10 + (int)i, 20);
	CU_ASSERT_EQUAL(parse_at(fx.ns, fx.ns_len, &t, fx.now, &c), -EKEYREJECTED);
	CU_ASSERT_PTR_NULL(c);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "0 good signatures of 2 needed"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "not trusted: auth1"));
	/* No trusted authority at all. */
	memset(&t, 0, sizeof(t));
	t.testing = true;
	CU_ASSERT_EQUAL(parse_at(fx.ns, fx.ns_len, &t, fx.now, &c), -EKEYREJECTED);
	CU_ASSERT_PTR_NOT_NULL(
		strstr(err, "0 good signatures of 1 needed (0 trusted authorities)"));
	/* No trust given: refused too (and the production minimum interval applies). */
	CU_ASSERT(parse_at(fx.ns, fx.ns_len, NULL, fx.now, &c) < 0);
}

static void
test_consensus_reports_missing_certs(void)
{
	struct cp_dir_trust t = fx.trust;
	struct cp_consensus *c = NULL;
	struct cp_dir_cert_id miss[4];
	size_t i, k;
	int n;

	/* Only auth1's certificate: 1 good, 2 could be with the others. */
	for (k = 0; k < fx.n_certs && memcmp(fx.certs[k].id_digest, fx.v3[0], 20) != 0; k++)
		;
	CU_ASSERT_FATAL(k < fx.n_certs);
	t.certs = &fx.certs[k];
	t.n_certs = 1;
	CU_ASSERT_EQUAL(parse_at(fx.ns, fx.ns_len, &t, fx.now, &c), -ENOKEY);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "1 good signature of 2 needed"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "no certificate for auth2"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "no certificate for auth3"));

	n = cp_consensus_missing_certs(fx.ns, fx.ns_len, &t, fx.now, miss, 4);
	CU_ASSERT_EQUAL_FATAL(n, 2);
	for (i = 0; i < 2; i++) {
		const struct cp_authcert *want =
			cp_authcert_find(fx.certs, fx.n_certs, miss[i].id, miss[i].sk, fx.now);

		CU_ASSERT_PTR_NOT_NULL(want);
		CU_ASSERT_NOT_EQUAL(memcmp(miss[i].id, fx.v3[0], 20), 0);
	}
	/* No certificates: nothing verifies, but all could. */
	t.n_certs = 0;
	CU_ASSERT_EQUAL(parse_at(fx.ns, fx.ns_len, &t, fx.now, &c), -ENOKEY);
	CU_ASSERT_EQUAL(cp_consensus_missing_certs(fx.ns, fx.ns_len, &t, fx.now, miss, 1), 3);
	CU_ASSERT_EQUAL(cp_consensus_missing_certs(fx.ns, fx.ns_len, &fx.trust, fx.now, miss, 4),
			0);
}

static void
test_consensus_expired_certs_count_as_missing(void)
{
	struct cp_consensus *c = NULL;
	time_t later = fx.certs[0].expires + 86400;

	/* The consensus itself is long dead then, but the signature check comes first. */
	CU_ASSERT_EQUAL(parse_at(fx.ns, fx.ns_len, &fx.trust, later, &c), -ENOKEY);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "0 good signatures"));
}

static void
test_consensus_liveness(void)
{
	struct cp_consensus *c = NULL;

	/* Up to 24 h past valid-until: accepted (tor's "reasonably live"), not live. */
	CU_ASSERT_EQUAL(parse_at(fx.ns, fx.ns_len, &fx.trust, fx.va + 60, &c), 0);
	CU_ASSERT_FALSE(cp_consensus_is_live(c, fx.va + 60));
	cp_consensus_free(c);
	c = NULL;
	CU_ASSERT_EQUAL(parse_at(fx.ns, fx.ns_len, &fx.trust, fx.vu + 1, &c), 0);
	CU_ASSERT_FALSE(cp_consensus_is_live(c, fx.vu + 1));
	CU_ASSERT(cp_consensus_is_live(c, fx.vu));
	CU_ASSERT(cp_consensus_is_live(c, fx.va));
	CU_ASSERT_FALSE(cp_consensus_is_live(c, fx.va - 1));
	cp_consensus_free(c);
	c = NULL;
	CU_ASSERT_EQUAL(parse_at(fx.ns, fx.ns_len, &fx.trust, fx.vu + CP_CONSENSUS_LIVE_SLACK, &c),
			0);
	cp_consensus_free(c);
	c = NULL;
}

static void
test_consensus_rejects_expired(void)
{
	struct cp_consensus *c = NULL;

	CU_ASSERT_EQUAL(
		parse_at(fx.ns, fx.ns_len, &fx.trust, fx.vu + CP_CONSENSUS_LIVE_SLACK + 1, &c),
		-ESTALE);
	CU_ASSERT_PTR_NULL(c);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "expired"));
	CU_ASSERT_EQUAL(
		parse_at(fx.ns, fx.ns_len, &fx.trust, fx.va - CP_CONSENSUS_LIVE_SLACK - 1, &c),
		-ESTALE);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "not yet valid"));
}

static void
test_consensus_rejects_malformed(void)
{
	static const struct {
		const char *from, *to, *why;
	} cases[] = {
		{"vote-status consensus", "vote-status vote", "not a consensus"},
		{"network-status-version 3\n", "network-status-version 3 foo\n", "flavour"},
		{"network-status-version 3\n", "network-status-version 4\n", "version 3"},
		{"consensus-method 35\n", "consensus-method 35 36\n", "consensus-method"},
		{"\nparams ", "\nparams zzz=1 ", "not in order"},
		{"circwindow=1000", "circwindow=1000 circwindow=1001", "circwindow twice"},
		{"circwindow=1000", "circwindow=2147483648", "bad entry"},
		{"\npr Conflux=1 Cons=1-2", "\npr Conflux=1 Cons=2-1", "protocol list"},
		{"\nw Bandwidth=0", "\nw Bandwidth=x", "Bandwidth"},
		{"\ndirectory-footer\n",
		 "\nr x AAAAAAAAAAAAAAAAAAAAAAAAAAA AAAAAAAAAAAAAAAAAAAAAAAAAAA 2038-01-01 "
		 "00:00:00 "
		 "1.2.3.4 1 0\ns\npr\ndirectory-footer\n",
		 "not sorted"},
		{"\ns Fast Guard HSDir Running Stable V2Dir Valid\nv Tor 0.4.9.11\npr Conflux=1",
		 "\ns Fast Guard HSDir Running Stable V2Dir Valid\nv Tor 0.4.9.11\nx Conflux=1",
		 "without its s or pr line"},
		{"valid-after 20", "valid-after 19", "bad time"},
		{"voting-delay 4 4", "voting-delay 1 4", "voting-delay too short"},
		{"\ndirectory-footer\n", "\ndirectory-footer\ndirectory-footer\n", "misplaced"},
		{"\ncontact auth2", "\ncontact auth2\ncontact again", "out of place"},
		{"-----END SIGNATURE-----\ndirectory-signature ",
		 "-----END SIGNATURE-----\nx-after-sigs\ndirectory-signature ",
		 "after the first directory-signature"},
		{"\nr chiverelay ", "\nr chive-relay ", "nickname"},
		{"\nknown-flags ", "\nknown-flag ", "known-flags"},
		{"-----BEGIN SIGNATURE-----\n", "-----BEGIN SIGNATURE-----\n!", ""},
		{"-----END SIGNATURE-----\n", "-----END SIGNATUR-----\n", "END line"},
	};
	struct cp_consensus *c = NULL;
	size_t i, len;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *doc = replace(fx.ns, fx.ns_len, cases[i].from, cases[i].to, &len);
		int rc;

		CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
		rc = parse_at(doc, len, &fx.trust, fx.now, &c);
		if (rc != -EBADMSG || strstr(err, cases[i].why) == NULL) {
			fprintf(stderr, "\n  case %zu: rc %d, err \"%s\"\n", i, rc, err);
			CU_FAIL("malformed consensus not refused for the expected reason");
		}
		CU_ASSERT_PTR_NULL(c);
		free(doc);
	}
	/* A signature by an identity no dir-source declares. */
	{
		char from[80], hex[41], *doc;

		cp_dd_hex_encode(hex, fx.v3[1], 20);
		snprintf(from, sizeof(from), "directory-signature %s", hex);
		doc = replace(fx.ns, fx.ns_len, from,
			      "directory-signature 0000000000000000000000000000000000000000", &len);
		CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
		CU_ASSERT_EQUAL(parse_at(doc, len, &fx.trust, fx.now, &c), -EBADMSG);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, "no dir-source"));
		free(doc);
	}
}

static void
test_consensus_rejects_bounds(void)
{
	struct cp_consensus *c = NULL;
	size_t big = (size_t)CP_CONSENSUS_MAX_LEN + 1;
	char *doc = malloc(big);

	memcpy(doc, fx.ns, fx.ns_len);
	memset(doc + fx.ns_len, '\n', big - fx.ns_len);
	CU_ASSERT_EQUAL(parse_at(doc, big, &fx.trust, fx.now, &c), -EMSGSIZE);
	/* A line over 32 KiB. */
	memcpy(doc, fx.ns, fx.ns_len);
	{
		size_t at = nth_line(doc, fx.ns_len, "client-versions", 0) + 16;

		memmove(doc + at + 40000, doc + at, fx.ns_len - at);
		memset(doc + at, '1', 40000);
		CU_ASSERT_EQUAL(parse_at(doc, fx.ns_len + 40000, &fx.trust, fx.now, &c), -EBADMSG);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, "line too long"));
	}
	/* A NUL byte. */
	memcpy(doc, fx.ns, fx.ns_len);
	doc[100] = '\0';
	CU_ASSERT_EQUAL(parse_at(doc, fx.ns_len, &fx.trust, fx.now, &c), -EBADMSG);
	free(doc);
}

static void
test_consensus_survives_every_cut(void)
{
	struct cp_consensus *c = NULL;
	size_t cut, ok = 0;

	/* Exact-size copies, so ASan sees any read past the end. A cut right
	 * after the second or third signature block leaves a valid document. */
	for (cut = 0; cut <= fx.ns_len; cut++) {
		char *buf = malloc(cut + 1);
		int rc;

		memcpy(buf, fx.ns, cut);
		rc = parse_at(buf, cut, &fx.trust, fx.now, &c);
		if (rc == 0) {
			ok++;
			CU_ASSERT(c->n_signed_by >= 2);
			cp_consensus_free(c);
			c = NULL;
		}
		free(buf);
	}
	CU_ASSERT_EQUAL(ok, 2);
}

/* xorshift64*: deterministic. */
static uint64_t
rng(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ull;
}

static void
test_consensus_survives_mutations(void)
{
	static const char bytes[] = "\n \t-=:[]09AZaz+/\r\xff";
	struct cp_consensus *c = NULL;
	uint64_t s = 0x0123456789abcdefull;
	int iter;

	/* 1-4 random bytes replaced; results vary, crashes and leaks may not. */
	for (iter = 0; iter < 3000; iter++) {
		char *buf = malloc(fx.ns_len);
		int k, nmut = 1 + (int)(rng(&s) % 4);

		memcpy(buf, fx.ns, fx.ns_len);
		for (k = 0; k < nmut; k++) {
			size_t at = rng(&s) % fx.ns_len;

			buf[at] = rng(&s) % 2 ? bytes[rng(&s) % (sizeof(bytes) - 1)]
					      : (char)(rng(&s) & 0xff);
		}
		if (parse_at(buf, fx.ns_len, &fx.trust, fx.now, &c) == 0)
			CU_ASSERT(c->n_signed_by >= 2);
		cp_consensus_free(c);
		c = NULL;
		free(buf);
	}
}

static void
test_consensus_survives_line_shuffles(void)
{
	struct cp_consensus *c = NULL;
	uint64_t s = 0xfeedfacecafebeefull;
	size_t starts[256], n = 0, off;
	int iter;

	/* Whole lines deleted, duplicated or moved reach the section checks. */
	for (off = 0; off < fx.ns_len && n < 256; off++)
		if (off == 0 || fx.ns[off - 1] == '\n')
			starts[n++] = off;
	for (iter = 0; iter < 2000; iter++) {
		char *buf = malloc(fx.ns_len * 2);
		size_t o = 0, i;

		for (i = 0; i < n; i++) {
			size_t b = starts[i], e = i + 1 < n ? starts[i + 1] : fx.ns_len;
			unsigned op = (unsigned)(rng(&s) % 40);
			size_t j = rng(&s) % n, jb = starts[j],
			       je = j + 1 < n ? starts[j + 1] : fx.ns_len;

			if (op == 0)
				continue; /* delete */
			memcpy(buf + o, fx.ns + b, e - b);
			o += e - b;
			if (op == 1 &&
			    o + (je - jb) <= fx.ns_len * 2) { /* copy another line here */
				memcpy(buf + o, fx.ns + jb, je - jb);
				o += je - jb;
			}
		}
		if (parse_at(buf, o, &fx.trust, fx.now, &c) == 0)
			CU_ASSERT(c->n_signed_by >= 2);
		cp_consensus_free(c);
		c = NULL;
		free(buf);
	}
}

static void
test_consensus_garbage_is_refused(void)
{
	static const char *const docs[] = {
		"",
		"\n\n\n",
		"network-status-version 3",
		"network-status-version 3\n",
		"network-status-version 3\ndirectory-signature",
		"network-status-version 3\ndirectory-signature \n",
		"network-status-version 3\ndirectory-signature a b\n-----BEGIN SIGNATURE-----\n",
		"network-status-version 3\n-----BEGIN X-----\n-----END "
		"X-----\ndirectory-signature ",
		"dir-key-certificate-version 3\n",
		"\xff\xfe\n",
	};
	struct cp_consensus *c = NULL;
	struct cp_authcert certs[2];
	size_t i, n;

	for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		size_t len = strlen(docs[i]);
		char *buf = malloc(len + 1);

		memcpy(buf, docs[i], len);
		CU_ASSERT(parse_at(buf, len, &fx.trust, fx.now, &c) < 0);
		CU_ASSERT_PTR_NULL(c);
		CU_ASSERT(cp_authcert_parse_all(buf, len, fx.now, certs, 2, &n, err, sizeof(err)) >=
			  0);
		CU_ASSERT_EQUAL(n, 0);
		free(buf);
	}
}

static void
test_consensus_trust_from_conf(void)
{
	struct cp_dir_conf conf;
	struct cp_dir_trust t;

	memset(&conf, 0, sizeof(conf));
	conf.n_auth = 4;
	memcpy(conf.auth[0].v3ident, fx.v3[0], 20);
	conf.auth[0].has_v3ident = true;
	memcpy(conf.auth[1].v3ident, fx.v3[1], 20); /* no v3ident=: not a voter */
	memcpy(conf.auth[2].v3ident, fx.v3[2], 20);
	conf.auth[2].has_v3ident = true;
	memcpy(conf.auth[3].v3ident, fx.v3[0], 20); /* listed twice */
	conf.auth[3].has_v3ident = true;
	conf.testing = true;
	cp_dir_trust_from_conf(&t, &conf, fx.certs, fx.n_certs);
	CU_ASSERT_EQUAL(t.n_v3ident, 2);
	CU_ASSERT_EQUAL(memcmp(t.v3ident[1], fx.v3[2], 20), 0);
	CU_ASSERT(t.testing);
	CU_ASSERT_PTR_EQUAL(t.certs, fx.certs);
}

static void
test_consensus_production_minimum_interval(void)
{
	struct cp_dir_trust t = fx.trust;
	struct cp_consensus *c = NULL;

	/* 20-second intervals are a TestingTorNetwork's, not the real network's. */
	t.testing = false;
	CU_ASSERT_EQUAL(parse_at(fx.ns, fx.ns_len, &t, fx.now, &c), -EBADMSG);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "validity interval too short"));
}

static void
test_consensus_flag_names(void)
{
	CU_ASSERT_STRING_EQUAL(cp_cons_flag_name(CP_CONS_FLAG_GUARD), "Guard");
	CU_ASSERT_STRING_EQUAL(cp_cons_flag_name(CP_CONS_FLAG_NOEDCONSENSUS), "NoEdConsensus");
	CU_ASSERT_PTR_NULL(cp_cons_flag_name(CP_CONS_FLAG_GUARD | CP_CONS_FLAG_EXIT));
}

static CU_TestInfo consensus_tests[] = {
	{"keys_all_parses_three_authorities", test_consensus_keys_all_parses_three_authorities},
	{"cert_signing_keys_match_consensus_signatures",
	 test_consensus_cert_signing_keys_match_consensus_signatures},
	{"cert_rejects_tampered_certification", test_consensus_cert_rejects_tampered_certification},
	{"cert_rejects_edited_body", test_consensus_cert_rejects_edited_body},
	{"cert_resigned_by_identity_is_accepted",
	 test_consensus_cert_resigned_by_identity_is_accepted},
	{"cert_rejects_crosscert_of_another_authority",
	 test_consensus_cert_rejects_crosscert_of_another_authority},
	{"cert_rejects_crosscert_by_identity_key",
	 test_consensus_cert_rejects_crosscert_by_identity_key},
	{"cert_rejects_wrong_fingerprint", test_consensus_cert_rejects_wrong_fingerprint},
	{"cert_rejects_expired", test_consensus_cert_rejects_expired},
	{"cert_find_skips_expired_and_other_keys",
	 test_consensus_cert_find_skips_expired_and_other_keys},
	{"keys_all_survives_every_cut", test_consensus_keys_all_survives_every_cut},
	{"real_ns_verifies", test_consensus_real_ns_verifies},
	{"real_microdesc_verifies_sha256", test_consensus_real_microdesc_verifies_sha256},
	{"relay_lookup", test_consensus_relay_lookup},
	{"params_with_clamping", test_consensus_params_with_clamping},
	{"rejects_tampered_body", test_consensus_rejects_tampered_body},
	{"signed_part_ends_after_first_signature_keyword",
	 test_consensus_signed_part_ends_after_first_signature_keyword},
	{"needs_more_than_half", test_consensus_needs_more_than_half},
	{"counts_against_the_trust_list", test_consensus_counts_against_the_trust_list},
	{"rejects_wrong_trust_list", test_consensus_rejects_wrong_trust_list},
	{"reports_missing_certs", test_consensus_reports_missing_certs},
	{"expired_certs_count_as_missing", test_consensus_expired_certs_count_as_missing},
	{"liveness", test_consensus_liveness},
	{"rejects_expired", test_consensus_rejects_expired},
	{"rejects_malformed", test_consensus_rejects_malformed},
	{"rejects_bounds", test_consensus_rejects_bounds},
	{"survives_every_cut", test_consensus_survives_every_cut},
	{"survives_mutations", test_consensus_survives_mutations},
	{"survives_line_shuffles", test_consensus_survives_line_shuffles},
	{"garbage_is_refused", test_consensus_garbage_is_refused},
	{"trust_from_conf", test_consensus_trust_from_conf},
	{"production_minimum_interval", test_consensus_production_minimum_interval},
	{"flag_names", test_consensus_flag_names},
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_consensus = {"controlplane/consensus", suite_init, suite_fini, NULL, NULL,
				consensus_tests};
