/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Server descriptor building and signing (dir-spec §2.1.1).
 */
#include "controlplane/dir/desc.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <arpa/inet.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include "controlplane/certs/edcert.h"
#include "controlplane/certs/rsacross.h"
#include "controlplane/dir/dirdoc_int.h"

/* dir-spec §2.1.1 "router-sig-ed25519": the prefix of the signed digest. */
#define DESC_ED_SIG_PREFIX "Tor router descriptor signature v1"

/* Output cursor over a fixed buffer; once full it stays failed. */
struct wr {
	char *p;
	size_t cap, len;
	bool full;
};

static void wr_printf(struct wr *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
wr_printf(struct wr *w, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (w->full)
		return;
	va_start(ap, fmt);
	n = vsnprintf(w->p + w->len, w->cap - w->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= w->cap - w->len) {
		w->full = true;
		return;
	}
	w->len += (size_t)n;
}

static void
wr_b64(struct wr *w, const uint8_t *data, size_t len)
{
	int n;

	if (w->full)
		return;
	n = cp_desc_b64_lines(w->p + w->len, w->cap - w->len, data, len);
	if (n < 0) {
		w->full = true;
		return;
	}
	w->len += (size_t)n;
}

int
cp_desc_b64_lines(char *out, size_t cap, const uint8_t *data, size_t len)
{
	size_t pos = 0;

	for (size_t i = 0; i < len; i += 48) {
		size_t chunk = len - i < 48 ? len - i : 48;
		/* 48 bytes make 64 characters; one newline; one NUL. */
		if (cap - pos < 64 + 2)
			return -ENOBUFS;
		pos += (size_t)EVP_EncodeBlock((unsigned char *)out + pos, data + i, (int)chunk);
		out[pos++] = '\n';
	}
	if (pos >= cap)
		return -ENOBUFS;
	out[pos] = '\0';
	return (int)pos;
}

/* Unpadded base64 (dir-spec §1.2 for Ed25519 keys and signatures). */
static void
b64_nopad(char *out, size_t cap, const uint8_t *data, size_t len)
{
	char tmp[128];
	int n;

	n = EVP_EncodeBlock((unsigned char *)tmp, data, (int)len);
	while (n > 0 && tmp[n - 1] == '=')
		n--;
	tmp[n] = '\0';
	snprintf(out, cap, "%s", tmp);
}

void
cp_desc_format_time(char out[20], time_t t)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 20, "%Y-%m-%d %H:%M:%S", &tm);
}

/* "-----BEGIN RSA PUBLIC KEY-----" block of an RSA key (PKCS#1 DER). */
static int
wr_rsa_pub(struct wr *w, EVP_PKEY *key)
{
	unsigned char *der = NULL;
	int n = i2d_PublicKey(key, &der);

	if (n <= 0)
		return -EINVAL;
	wr_printf(w, "-----BEGIN RSA PUBLIC KEY-----\n");
	wr_b64(w, der, (size_t)n);
	wr_printf(w, "-----END RSA PUBLIC KEY-----\n");
	OPENSSL_free(der);
	return 0;
}

static bool
nickname_ok(const char *n)
{
	size_t len = strlen(n);

	if (len < 1 || len > CP_DIR_NICK_MAX)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!((n[i] >= 'a' && n[i] <= 'z') || (n[i] >= 'A' && n[i] <= 'Z') ||
		      (n[i] >= '0' && n[i] <= '9')))
			return false;
	return true;
}

static bool
text_ok(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s == 0x7f)
			return false;
	return true;
}

int
cp_desc_build(char *out, size_t cap, const struct cp_desc_params *p, const struct cp_keys *k,
	      char *err, size_t errlen)
{
	struct wr w = {.p = out, .cap = cap < CP_DESC_MAX + 1 ? cap : CP_DESC_MAX + 1};
	const struct cp_dir_conf *c = p->conf;
	const struct cp_keys_ntor *ntor = cp_keys_ntor_current(k);
	const uint8_t *cert;
	size_t cert_len;
	uint8_t buf[512], digest[SHA256_DIGEST_LENGTH], sig[64];
	char ts[20], b64[128], ip[INET_ADDRSTRLEN];
	struct in_addr ia;
	uint32_t exp_hours;
	int n, signbit;
	EVP_MD_CTX *md;

	if (cap == 0 || !nickname_ok(c->nickname)) {
		snprintf(err, errlen, "Nickname \"%s\" is not 1-19 letters and digits",
			 c->nickname);
		return -EINVAL;
	}
	if (!text_ok(c->contact) || !text_ok(p->platform)) {
		snprintf(err, errlen, "ContactInfo or platform holds control characters");
		return -EINVAL;
	}
	if (p->address == 0 || p->orport == 0) {
		snprintf(err, errlen, "no IPv4 address or ORPort to publish");
		return -EINVAL;
	}
	if (p->bw_rate > INT32_MAX || p->bw_burst > INT32_MAX || p->bw_observed > INT32_MAX) {
		snprintf(err, errlen, "bandwidth above 2147483647 bytes/s");
		return -EINVAL;
	}
	ia.s_addr = htonl(p->address);
	inet_ntop(AF_INET, &ia, ip, sizeof(ip));

	/* router NICK ADDR ORPORT SOCKSPORT(0) DIRPORT(0: tunnelled only, checklist §0.9) */
	wr_printf(&w, "router %s %s %u 0 0\n", c->nickname, ip, p->orport);
	cert = cp_keys_signing_cert(k, &cert_len);
	wr_printf(&w, "identity-ed25519\n-----BEGIN ED25519 CERT-----\n");
	wr_b64(&w, cert, cert_len);
	wr_printf(&w, "-----END ED25519 CERT-----\nmaster-key-ed25519 %s\n",
		  cp_keys_ed25519_id_base64(k));
	wr_printf(&w, "platform %s\n", p->platform);
	wr_printf(&w, "proto %s\n", CP_DESC_PROTO);
	cp_desc_format_time(ts, p->published);
	wr_printf(&w, "published %s\n", ts);
	wr_printf(&w, "fingerprint %s\n", cp_keys_rsa_fingerprint_spaced(k));
	wr_printf(&w, "uptime %llu\n", (unsigned long long)p->uptime);
	wr_printf(&w, "bandwidth %llu %llu %llu\n", (unsigned long long)p->bw_rate,
		  (unsigned long long)p->bw_burst, (unsigned long long)p->bw_observed);
	wr_printf(&w, "onion-key\n");
	if (wr_rsa_pub(&w, cp_keys_tap_current(k)) != 0 ||
	    (wr_printf(&w, "signing-key\n"), wr_rsa_pub(&w, cp_keys_rsa_identity(k))) != 0) {
		snprintf(err, errlen, "cannot encode an RSA public key");
		return -EINVAL;
	}
	/* onion-key-crosscert: the TAP key signs SHA1(identity) | master (checklist A10). */
	n = cp_tap_crosscert_make(buf, sizeof(buf), cp_keys_tap_current(k),
				  cp_keys_rsa_id_digest(k), cp_keys_master_pub(k));
	if (n < 0) {
		snprintf(err, errlen, "cannot make the TAP crosscert: %s", strerror(-n));
		return n;
	}
	wr_printf(&w, "onion-key-crosscert\n-----BEGIN CROSSCERT-----\n");
	wr_b64(&w, buf, (size_t)n);
	wr_printf(&w, "-----END CROSSCERT-----\n");
	/* ntor-onion-key-crosscert: type 0x0A, the ntor key certifies the master (A9). */
	exp_hours = cp_edcert_hours_ceil(p->onion_key_expires);
	n = cp_edcert_make_ntor_crosscert(buf, sizeof(buf), ntor->sec, cp_keys_master_pub(k),
					  exp_hours, &signbit);
	if (n < 0) {
		snprintf(err, errlen, "cannot make the ntor crosscert: %s", strerror(-n));
		return n;
	}
	wr_printf(&w, "ntor-onion-key-crosscert %d\n-----BEGIN ED25519 CERT-----\n", signbit);
	wr_b64(&w, buf, (size_t)n);
	wr_printf(&w, "-----END ED25519 CERT-----\n");
	if (c->n_family > 0) {
		wr_printf(&w, "family");
		for (unsigned i = 0; i < c->n_family && i < CP_DIR_FAMILY_MAX; i++)
			wr_printf(&w, " $%s", c->family[i]);
		wr_printf(&w, "\n");
	}
	/* family-cert: the family key certifies our master identity (proposal 321,
	 * cert type 0x0C with the signed-with-key extension; tor's router.c). */
	for (unsigned i = 0; i < p->n_family_keys; i++) {
		n = cp_edcert_make(
			buf, sizeof(buf), CP_DESC_CERT_FAMILY, 0x01, cp_keys_master_pub(k),
			cp_edcert_hours_ceil(p->published + CP_DESC_FAMILY_CERT_LIFETIME), true,
			&p->family_keys[i]);
		if (n < 0) {
			snprintf(err, errlen, "cannot make a family-cert: %s", strerror(-n));
			return n;
		}
		wr_printf(&w, "family-cert\n-----BEGIN FAMILY CERT-----\n");
		wr_b64(&w, buf, (size_t)n);
		wr_printf(&w, "-----END FAMILY CERT-----\n");
	}
	if (c->contact[0] != '\0')
		wr_printf(&w, "contact %s\n", c->contact);
	b64_nopad(b64, sizeof(b64), ntor->pub, 32);
	wr_printf(&w, "ntor-onion-key %s\n", b64);
	/* Chive is no exit (ExitRelay 0): the whole IPv4 policy is one line. */
	wr_printf(&w, "reject *:*\n");

	/* router-sig-ed25519: SHA256(prefix | everything through "router-sig-ed25519 "). */
	wr_printf(&w, "router-sig-ed25519 ");
	if (w.full)
		goto full;
	md = EVP_MD_CTX_new();
	if (md == NULL || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1 ||
	    EVP_DigestUpdate(md, DESC_ED_SIG_PREFIX, strlen(DESC_ED_SIG_PREFIX)) != 1 ||
	    EVP_DigestUpdate(md, out, w.len) != 1 || EVP_DigestFinal_ex(md, digest, NULL) != 1) {
		EVP_MD_CTX_free(md);
		snprintf(err, errlen, "SHA-256 failed");
		return -ENOMEM;
	}
	EVP_MD_CTX_free(md);
	n = cp_ed25519_sign(sig, digest, sizeof(digest), cp_keys_signing_key(k));
	if (n != 0) {
		snprintf(err, errlen, "Ed25519 signing failed");
		return n < 0 ? n : -EIO;
	}
	b64_nopad(b64, sizeof(b64), sig, sizeof(sig));
	wr_printf(&w, "%s\n", b64);

	/* router-signature: RSA identity, raw PKCS#1 over SHA1(through "router-signature\n"). */
	wr_printf(&w, "router-signature\n");
	if (w.full)
		goto full;
	SHA1((const unsigned char *)out, w.len, digest);
	n = cp_rsa_raw_sign(buf, sizeof(buf), cp_keys_rsa_identity(k), digest, SHA_DIGEST_LENGTH);
	if (n < 0) {
		snprintf(err, errlen, "RSA signing failed: %s", strerror(-n));
		return n;
	}
	wr_printf(&w, "-----BEGIN SIGNATURE-----\n");
	wr_b64(&w, buf, (size_t)n);
	wr_printf(&w, "-----END SIGNATURE-----\n");
	if (w.full)
		goto full;
	OPENSSL_cleanse(digest, sizeof(digest));
	return (int)w.len;
full:
	snprintf(err, errlen, "the descriptor is longer than %zu bytes",
		 (cap < CP_DESC_MAX ? cap : CP_DESC_MAX));
	return -ENOBUFS;
}

/* Decode the base64 lines between @p begin and @p end markers starting at @p s. */
static int
pem_body(const char *s, const char *lim, const char *end_marker, uint8_t *out, size_t cap)
{
	const char *e = memmem(s, (size_t)(lim - s), end_marker, strlen(end_marker));
	int dec;

	if (e == NULL)
		return -EBADMSG;
	dec = cp_dd_b64_decode(s, (size_t)(e - s), out, cap, true);
	return dec < 0 ? -EBADMSG : dec;
}

int
cp_desc_verify(const char *desc, size_t len, const uint8_t signing_pub[32], EVP_PKEY *rsa_id,
	       char *err, size_t errlen)
{
	static const char kw_ed[] = "\nrouter-sig-ed25519 ";
	static const char kw_rsa[] = "\nrouter-signature\n";
	const char *ed = memmem(desc, len, kw_ed, strlen(kw_ed));
	const char *rs = memmem(desc, len, kw_rsa, strlen(kw_rsa));
	const char *lim = desc + len;
	uint8_t digest[SHA256_DIGEST_LENGTH], sig[256], rec[64];
	char tmp[96];
	size_t signed_len;
	int n;
	EVP_MD_CTX *md;

	if (ed == NULL || rs == NULL || rs < ed || len < 7 || memcmp(desc, "router ", 7) != 0) {
		snprintf(err, errlen, "no router-sig-ed25519 or router-signature");
		return -EBADMSG;
	}
	signed_len = (size_t)(ed - desc) + strlen(kw_ed);
	md = EVP_MD_CTX_new();
	if (md == NULL || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1 ||
	    EVP_DigestUpdate(md, DESC_ED_SIG_PREFIX, strlen(DESC_ED_SIG_PREFIX)) != 1 ||
	    EVP_DigestUpdate(md, desc, signed_len) != 1 ||
	    EVP_DigestFinal_ex(md, digest, NULL) != 1) {
		EVP_MD_CTX_free(md);
		snprintf(err, errlen, "SHA-256 failed");
		return -EBADMSG;
	}
	EVP_MD_CTX_free(md);
	/* 86 characters of unpadded base64, then a newline. */
	if ((size_t)(lim - (desc + signed_len)) < 87 || desc[signed_len + 86] != '\n') {
		snprintf(err, errlen, "router-sig-ed25519 is not 86 base64 characters");
		return -EBADMSG;
	}
	memcpy(tmp, desc + signed_len, 86);
	memcpy(tmp + 86, "==", 3);
	if (EVP_DecodeBlock(sig, (const unsigned char *)tmp, 88) != 66 ||
	    !cp_ed25519_verify(sig, digest, SHA256_DIGEST_LENGTH, signing_pub)) {
		snprintf(err, errlen, "router-sig-ed25519 does not verify");
		return -EBADMSG;
	}
	signed_len = (size_t)(rs - desc) + strlen(kw_rsa);
	SHA1((const unsigned char *)desc, signed_len, digest);
	if (len - signed_len < 26 ||
	    memcmp(desc + signed_len, "-----BEGIN SIGNATURE-----\n", 26) != 0) {
		snprintf(err, errlen, "router-signature has no SIGNATURE object");
		return -EBADMSG;
	}
	n = pem_body(desc + signed_len + 26, lim, "-----END SIGNATURE-----", sig, sizeof(sig));
	if (n <= 0 ||
	    cp_rsa_raw_recover(rec, sizeof(rec), rsa_id, sig, (size_t)n) != SHA_DIGEST_LENGTH ||
	    memcmp(rec, digest, SHA_DIGEST_LENGTH) != 0) {
		snprintf(err, errlen, "router-signature does not verify");
		return -EBADMSG;
	}
	return 0;
}
