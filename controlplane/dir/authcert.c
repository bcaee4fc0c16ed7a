/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Authority key certificates: parse, verify, look up (dir-spec §3.1).
 *
 * Behaviour follows tor's feature/dirparse/authcert_parse.c: the signed
 * part and the certificate's end are found the same way, the crosscert's
 * object type is not insisted on beyond "ID SIGNATURE" or "SIGNATURE", and
 * a signature is good when it opens to at least the 20 digest bytes.
 * Expiry follows the cert store (feature/nodelist/authcert.c and
 * networkstatus_check_consensus_signature()): expired means
 * dir-key-expires < now.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include "controlplane/dir/authcert.h"
#include "controlplane/dir/dirdoc_int.h"

/* Error texts quote the document: keep them printable ASCII for logs. */
static void
printable(char *s)
{
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			*s = '?';
	}
}

__attribute__((format(printf, 4, 5))) static int
cert_err(char *err, size_t errlen, int rc, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
		printable(err);
	}
	return rc;
}

/* The items of one certificate, as read. */
struct cert_items {
	const char *start; /* the dir-key-certificate-version line */
	struct cp_dd_item id_key, sign_key, crosscert, certification;
	struct cp_dd_span fingerprint, published, expires, address;
	bool has_id_key, has_sign_key, has_crosscert, has_fingerprint, has_published, has_expires,
		has_address;
};

/* Read the items of the certificate at the cursor, through dir-key-certification. */
static int
cert_read(struct cp_dd_cursor *c, const char *start, struct cert_items *ci, char *err,
	  size_t errlen)
{
	struct cp_dd_item it;
	struct cp_dd_span f;
	int r;

	memset(ci, 0, sizeof(*ci));
	r = cp_dd_next(c, &it);
	if (r <= 0 || !cp_dd_is(&it, "dir-key-certificate-version"))
		return cert_err(err, errlen, -EBADMSG,
				"does not start with dir-key-certificate-version");
	ci->start = it.line;
	/* GE(1): the version is the first argument and must be 3. */
	if (!cp_dd_next_field(&it.args, &f) || !cp_dd_span_eq(f, "3"))
		return cert_err(err, errlen, -EBADMSG, "dir-key-certificate-version is not 3");
	if (it.obj_type.len != 0)
		return cert_err(err, errlen, -EBADMSG, "unexpected object");

	/* At most CP_AUTHCERT_MAX_LEN bytes, plus one item's line and object. */
	for (;;) {
		r = cp_dd_next(c, &it);
		if (r < 0)
			return cert_err(err, errlen, -EBADMSG, "%s", c->err);
		if (r == 0)
			return cert_err(err, errlen, -EBADMSG, "no dir-key-certification");
		if (it.next - start > CP_AUTHCERT_MAX_LEN)
			return cert_err(err, errlen, -EMSGSIZE, "certificate longer than %u bytes",
					(unsigned)CP_AUTHCERT_MAX_LEN);
		if (cp_dd_is(&it, "dir-key-certification")) {
			if (it.args.len != 0)
				return cert_err(err, errlen, -EBADMSG,
						"arguments after dir-key-certification");
			if (!cp_dd_span_eq(it.obj_type, "SIGNATURE"))
				return cert_err(err, errlen, -EBADMSG,
						"dir-key-certification without a SIGNATURE");
			ci->certification = it;
			return 0;
		}
		if (cp_dd_is(&it, "dir-key-certificate-version"))
			return cert_err(err, errlen, -EBADMSG,
					"dir-key-certificate-version twice (no certification)");
		if (cp_dd_is(&it, "dir-identity-key") || cp_dd_is(&it, "dir-signing-key") ||
		    cp_dd_is(&it, "dir-key-crosscert")) {
			bool id = cp_dd_is(&it, "dir-identity-key");
			bool sk = cp_dd_is(&it, "dir-signing-key");
			bool *has = id	 ? &ci->has_id_key
				    : sk ? &ci->has_sign_key
					 : &ci->has_crosscert;

			if (*has)
				return cert_err(err, errlen, -EBADMSG, "%.*s twice", (int)it.kw.len,
						it.kw.p);
			if (it.args.len != 0 || it.obj_type.len == 0)
				return cert_err(err, errlen, -EBADMSG,
						"%.*s: arguments or no object", (int)it.kw.len,
						it.kw.p);
			*has = true;
			if (id)
				ci->id_key = it;
			else if (sk)
				ci->sign_key = it;
			else
				ci->crosscert = it;
			continue;
		}
		{
			static const char *const single[] = {"fingerprint", "dir-key-published",
							     "dir-key-expires", "dir-address"};
			struct cp_dd_span *dst[] = {&ci->fingerprint, &ci->published, &ci->expires,
						    &ci->address};
			bool *has[] = {&ci->has_fingerprint, &ci->has_published, &ci->has_expires,
				       &ci->has_address};
			size_t i;

			for (i = 0; i < 4; i++) {
				if (!cp_dd_is(&it, single[i]))
					continue;
				if (*has[i])
					return cert_err(err, errlen, -EBADMSG, "%s twice",
							single[i]);
				if (it.obj_type.len != 0)
					return cert_err(err, errlen, -EBADMSG,
							"%s: unexpected object", single[i]);
				*has[i] = true;
				*dst[i] = cp_dd_rtrim(it.args);
			}
		}
		/* Anything else: an unknown item, ignored (dir-spec §1.2). */
	}
}

int
cp_authcert_parse(const char *text, size_t len, time_t now, struct cp_authcert *out, char *err,
		  size_t errlen)
{
	struct cp_dd_cursor c;
	struct cert_items ci;
	uint8_t digest[SHA_DIGEST_LENGTH], declared[20];
	EVP_PKEY *id_key = NULL, *sign_key = NULL;
	const char *why = NULL;
	char fp[41] = "?";
	size_t cert_len, signed_end;
	int rc;

	memset(out, 0, sizeof(*out));
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	cp_dd_init(&c, text, len);
	rc = cert_read(&c, text, &ci, err, errlen);
	if (rc < 0)
		return rc;
	cert_len = (size_t)(ci.certification.next - text);

	if (!ci.has_fingerprint || !ci.has_id_key || !ci.has_published || !ci.has_expires ||
	    !ci.has_sign_key || !ci.has_crosscert)
		return cert_err(err, errlen, -EBADMSG,
				"missing fingerprint, dir-identity-key, dir-key-published, "
				"dir-key-expires, dir-signing-key or dir-key-crosscert");
	if (cp_dd_hex_decode(ci.fingerprint, declared, 20) != 0)
		return cert_err(err, errlen, -EBADMSG, "bad fingerprint");
	cp_dd_hex_encode(fp, declared, 20);
	if (cp_dd_parse_time(ci.published, &out->published) != 0 ||
	    cp_dd_parse_time(ci.expires, &out->expires) != 0)
		return cert_err(err, errlen, -EBADMSG, "fingerprint %s: bad published/expires time",
				fp);
	if (ci.has_address) {
		struct cp_dd_span f, ip, port = {0};
		const char *colon;
		long long v;

		if (!cp_dd_next_field(&ci.address, &f) || (colon = memchr(f.p, ':', f.len)) == NULL)
			return cert_err(err, errlen, -EBADMSG, "fingerprint %s: bad dir-address",
					fp);
		ip.p = f.p;
		ip.len = (size_t)(colon - f.p);
		port.p = colon + 1;
		port.len = f.len - ip.len - 1;
		if (cp_dd_parse_ipv4(ip, &out->dir_ip) != 0 ||
		    cp_dd_parse_int(port, 0, 65535, &v) != 0)
			return cert_err(err, errlen, -EBADMSG, "fingerprint %s: bad dir-address",
					fp);
		out->dir_port = (uint16_t)v;
	}
	if (!cp_dd_span_eq(ci.crosscert.obj_type, "ID SIGNATURE") &&
	    !cp_dd_span_eq(ci.crosscert.obj_type, "SIGNATURE"))
		return cert_err(err, errlen, -EBADMSG,
				"fingerprint %s: bad dir-key-crosscert object", fp);

	id_key = cp_dd_rsa_key(&ci.id_key, &why);
	if (id_key == NULL) {
		rc = cert_err(err, errlen, -EBADMSG, "fingerprint %s: dir-identity-key: %s", fp,
			      why);
		goto fail;
	}
	sign_key = cp_dd_rsa_key(&ci.sign_key, &why);
	if (sign_key == NULL) {
		rc = cert_err(err, errlen, -EBADMSG, "fingerprint %s: dir-signing-key: %s", fp,
			      why);
		goto fail;
	}
	if (cp_dd_key_digest(id_key, out->id_digest) != 0 ||
	    cp_dd_key_digest(sign_key, out->sk_digest) != 0) {
		rc = cert_err(err, errlen, -ENOMEM, "fingerprint %s: cannot encode a key", fp);
		goto fail;
	}
	if (CRYPTO_memcmp(out->id_digest, declared, 20) != 0) {
		rc = cert_err(err, errlen, -EKEYREJECTED,
			      "fingerprint %s does not match dir-identity-key", fp);
		goto fail;
	}

	/* dir-spec §1.3, tor's router_get_hash_impl(): from the start through
	 * the NL after the first "\ndir-key-certification". */
	signed_end = cp_dd_signed_end(text, cert_len, (size_t)(ci.start - text),
				      "\ndir-key-certification", '\n');
	if (signed_end == 0) {
		rc = cert_err(err, errlen, -EBADMSG, "fingerprint %s: no signed part", fp);
		goto fail;
	}
	SHA1((const unsigned char *)ci.start, signed_end - (size_t)(ci.start - text), digest);
	if (!cp_dd_sig_ok(id_key, &ci.certification, digest, sizeof(digest))) {
		rc = cert_err(err, errlen, -EKEYREJECTED,
			      "fingerprint %s: dir-key-certification does not verify", fp);
		goto fail;
	}
	/* The signing key signs the identity key's digest (tor:
	 * check_signature_token(identity_digest, ..., CST_NO_CHECK_OBJTYPE)). */
	if (!cp_dd_sig_ok(sign_key, &ci.crosscert, out->id_digest, 20)) {
		rc = cert_err(err, errlen, -EKEYREJECTED,
			      "fingerprint %s: dir-key-crosscert does not verify", fp);
		goto fail;
	}
	if (out->expires < now) {
		char when[20];

		cp_dd_format_time(when, out->expires);
		rc = cert_err(err, errlen, -EKEYEXPIRED, "fingerprint %s: expired at %s", fp, when);
		goto fail;
	}

	EVP_PKEY_free(id_key);
	out->signing_key = sign_key;
	return (int)cert_len;
fail:
	EVP_PKEY_free(id_key);
	EVP_PKEY_free(sign_key);
	memset(out, 0, sizeof(*out));
	return rc;
}

/* Append to the summary in @p err, keeping it NUL-terminated and bounded. */
__attribute__((format(printf, 3, 4))) static void
summary_add(char *err, size_t errlen, const char *fmt, ...)
{
	size_t used;
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	used = strnlen(err, errlen);
	if (used + 1 >= errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err + used, errlen - used, fmt, ap);
	va_end(ap);
	printable(err + used);
}

static bool
is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

int
cp_authcert_parse_all(const char *text, size_t len, time_t now, struct cp_authcert *out, size_t max,
		      size_t *n, char *err, size_t errlen)
{
	static const char next_kw[] = "\ndir-key-certificate-version";
	size_t pos = 0, stored = 0, idx = 0;
	int skipped = 0;

	*n = 0;
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (len > CP_AUTHCERT_MAX_ALL)
		return cert_err(err, errlen, -EMSGSIZE, "certificates: %zu bytes, more than %u",
				len, (unsigned)CP_AUTHCERT_MAX_ALL);

	/*
	 * Each certificate is parsed within its own span, up to the next line
	 * starting with dir-key-certificate-version, so every byte is looked
	 * at a bounded number of times whatever the input.
	 */
	while (pos < len) {
		struct cp_authcert tmp;
		char why[160];
		const char *next;
		size_t i, span;
		int rc;

		while (pos < len && is_space(text[pos]))
			pos++;
		if (pos == len)
			break;
		idx++;
		next = memmem(text + pos + 1, len - pos - 1, next_kw, sizeof(next_kw) - 1);
		span = next == NULL ? len - pos : (size_t)(next + 1 - (text + pos));
		rc = cp_authcert_parse(text + pos, span, now, &tmp, why, sizeof(why));
		if (rc <= 0) {
			skipped++;
			summary_add(err, errlen, "%scertificate %zu: %s", skipped > 1 ? "; " : "",
				    idx, why);
			pos += span;
			continue;
		}
		pos += (size_t)rc;
		for (i = 0; i < stored; i++) {
			if (memcmp(out[i].id_digest, tmp.id_digest, 20) == 0 &&
			    memcmp(out[i].sk_digest, tmp.sk_digest, 20) == 0)
				break;
		}
		if (i < stored) {
			cp_authcert_clear(&tmp);
		} else if (stored < max) {
			out[stored++] = tmp;
		} else {
			char fp[41];

			cp_dd_hex_encode(fp, tmp.id_digest, 20);
			cp_authcert_clear(&tmp);
			skipped++;
			summary_add(err, errlen, "%scertificate %zu (fingerprint %s): no room",
				    skipped > 1 ? "; " : "", idx, fp);
		}
	}
	*n = stored;
	return skipped;
}

const struct cp_authcert *
cp_authcert_find(const struct cp_authcert *certs, size_t n, const uint8_t id_digest[20],
		 const uint8_t *sk_digest, time_t now)
{
	const struct cp_authcert *best = NULL;
	size_t i;

	for (i = 0; i < n; i++) {
		const struct cp_authcert *c = &certs[i];

		if (c->signing_key == NULL || memcmp(c->id_digest, id_digest, 20) != 0)
			continue;
		if (sk_digest != NULL && memcmp(c->sk_digest, sk_digest, 20) != 0)
			continue;
		if (c->expires < now)
			continue;
		if (best == NULL || c->published > best->published)
			best = c;
	}
	return best;
}

void
cp_authcert_clear(struct cp_authcert *c)
{
	EVP_PKEY_free(c->signing_key);
	memset(c, 0, sizeof(*c));
}

void
cp_authcert_clear_all(struct cp_authcert *c, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		cp_authcert_clear(&c[i]);
}
