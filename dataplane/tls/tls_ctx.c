/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Per-lcore TLS set-up: library context, algorithms fetched once, the two SSL_CTX,
 * the link certificate.
 *
 * Share-nothing, like the rest of the lcore: every TLS instance has its own
 * OSSL_LIB_CTX with the default provider loaded, and its own SSL_CTX for
 * each role, so no OpenSSL object is shared between lcores and the locks
 * OpenSSL 3 takes inside a library context (method store, DRBG) are never
 * contended. Every algorithm a handshake or a record uses is fetched into
 * that context once, here, before launch and kept referenced, so lookups
 * during handshakes hit the warm method cache instead of querying providers
 * (CONVENTIONS.md §22; openssl/openssl#17064, #21005).
 *
 * Settings (relay-checklist §0.8, B1; tor-spec.txt §2, §2.1, §2.2), the
 * same on both SSL_CTX unless said:
 *   - TLS 1.2 and 1.3 (dp_tls_conf narrows them), security level 1 whatever
 *     /etc/ssl/openssl.cnf says (peers' identity certificates are RSA-1024);
 *   - server: ECDHE suites only (§2.1: "Responders MUST NOT select any TLS
 *     ciphersuite that lacks ephemeral keys"), its own preference order,
 *     AES-256-GCM first as tor 0.4.9 answers; groups X25519, P-256, and
 *     P-224 when a client offers only that;
 *   - client: the suites and order tor 0.4.9's ClientHello offers (§0.8),
 *     groups X25519 and P-256, SNI www.<random>.com (tls_conn.c);
 *   - no DHE, no tickets (SSL_OP_NO_TICKET and zero TLS 1.3 tickets), no
 *     session cache, no compression, no renegotiation;
 *   - SSL_VERIFY_NONE: the server asks for no certificate, the client keeps
 *     the server's without judging it (the link protocol does, in-band);
 *   - SSL_MODE_NO_AUTO_CHAIN: only the link certificate is sent (B1);
 *   - read-ahead (fewer BIO reads), partial writes and moving write buffers
 *     (tls_conn.c's write path), a message callback for record and alert
 *     counters.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <time.h>

#include <rte_common.h>
#include <rte_log.h>
#include <rte_malloc.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/provider.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "dataplane/base/dp_log.h"
#include "dataplane/tls/tls_int.h"
#include "dataplane/tls/tls_settings.h"

RTE_LOG_REGISTER(dp_logtype_tls, dp.tls, INFO);

/* What a prefetched pointer is, to free it. */
enum {
	PF_MD = 1,
	PF_CIPHER,
	PF_KEYMGMT,
	PF_KEYEXCH,
	PF_SIGNATURE,
	PF_KDF,
	PF_MAC,
};

/* Everything a TLS 1.2/1.3 handshake and its records use with these suites and groups. */
static const struct {
	uint8_t kind;
	const char *name;
} tls_prefetch_list[] = {
	{ PF_MD, "SHA256" },
	{ PF_MD, "SHA384" },
	{ PF_MD, "SHA512" },
	{ PF_MD, "SHA1" },
	{ PF_CIPHER, "AES-128-GCM" },
	{ PF_CIPHER, "AES-256-GCM" },
	{ PF_CIPHER, "ChaCha20-Poly1305" },
	{ PF_CIPHER, "AES-128-CBC" },
	{ PF_CIPHER, "AES-256-CBC" },
	{ PF_KEYMGMT, "RSA" },
	{ PF_KEYMGMT, "RSA-PSS" },
	{ PF_KEYMGMT, "EC" },
	{ PF_KEYMGMT, "X25519" },
	{ PF_KEYEXCH, "X25519" },
	{ PF_KEYEXCH, "ECDH" },
	{ PF_SIGNATURE, "RSA" },
	{ PF_SIGNATURE, "ECDSA" },
	{ PF_KDF, "TLS13-KDF" },
	{ PF_KDF, "HKDF" },
	{ PF_KDF, "TLS1-PRF" },
	{ PF_MAC, "HMAC" },
};

void
dp_tls_conf_default(struct dp_tls_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->max_conns = 4096;
	c->hs_budget = 4;
	c->hs_timeout_us = 30000000;
	c->close_timeout_us = 10000000;
	c->min_version = DP_TLS_V1_2;
	c->max_version = DP_TLS_V1_3;
}

const char *
dp_tls_close_reason_name(enum dp_tls_close_reason r)
{
	static const char *const names[DP_TLS_CLOSE__COUNT] = {
		[DP_TLS_CLOSE_NORMAL] = "normal",
		[DP_TLS_CLOSE_PEER_CLOSED] = "peer_closed",
		[DP_TLS_CLOSE_TIMEOUT] = "timeout",
		[DP_TLS_CLOSE_PROTOCOL] = "protocol",
		[DP_TLS_CLOSE_REFUSED] = "refused",
		[DP_TLS_CLOSE_NET_TIMEOUT] = "net_timeout",
		[DP_TLS_CLOSE_ABORTED] = "aborted",
		[DP_TLS_CLOSE_NOMEM] = "nomem",
	};

	return (unsigned int)r < DP_TLS_CLOSE__COUNT ? names[r] : "?";
}

const char *
dp_tls_version_name(uint16_t version)
{
	if (version == DP_TLS_V1_2)
		return "TLSv1.2";
	if (version == DP_TLS_V1_3)
		return "TLSv1.3";
	return "-";
}

static bool
tls_version_ok(uint16_t v)
{
	return v == DP_TLS_V1_2 || v == DP_TLS_V1_3;
}

/* Log and clear OpenSSL's error queue (slow path only). */
static void
tls_log_ssl_errors(const char *what)
{
	unsigned long e;
	char buf[256];

	while ((e = ERR_get_error()) != 0) {
		ERR_error_string_n(e, buf, sizeof(buf));
		DP_LOG(WARNING, tls, "%s: %s\n", what, buf);
	}
}

static void
tls_prefetch(struct dp_tls_lcore *t)
{
	for (size_t i = 0; i < RTE_DIM(tls_prefetch_list) && t->n_prefetch < TLS_PREFETCH_MAX; i++) {
		const char *n = tls_prefetch_list[i].name;
		void *p = NULL;

		switch (tls_prefetch_list[i].kind) {
		case PF_MD:
			p = EVP_MD_fetch(t->libctx, n, NULL);
			break;
		case PF_CIPHER:
			p = EVP_CIPHER_fetch(t->libctx, n, NULL);
			break;
		case PF_KEYMGMT:
			p = EVP_KEYMGMT_fetch(t->libctx, n, NULL);
			break;
		case PF_KEYEXCH:
			p = EVP_KEYEXCH_fetch(t->libctx, n, NULL);
			break;
		case PF_SIGNATURE:
			p = EVP_SIGNATURE_fetch(t->libctx, n, NULL);
			break;
		case PF_KDF:
			p = EVP_KDF_fetch(t->libctx, n, NULL);
			break;
		case PF_MAC:
			p = EVP_MAC_fetch(t->libctx, n, NULL);
			break;
		default:
			break;
		}
		if (p == NULL) {
			/* A provider without it: the handshake fetches it implicitly, if ever. */
			DP_LOG(DEBUG, tls, "no algorithm %s to prefetch\n", n);
			ERR_clear_error();
			continue;
		}
		t->prefetch[t->n_prefetch].kind = tls_prefetch_list[i].kind;
		t->prefetch[t->n_prefetch].ptr = p;
		t->n_prefetch++;
	}
}

static void
tls_prefetch_free(struct dp_tls_lcore *t)
{
	for (uint32_t i = 0; i < t->n_prefetch; i++) {
		void *p = t->prefetch[i].ptr;

		switch (t->prefetch[i].kind) {
		case PF_MD:
			EVP_MD_free(p);
			break;
		case PF_CIPHER:
			EVP_CIPHER_free(p);
			break;
		case PF_KEYMGMT:
			EVP_KEYMGMT_free(p);
			break;
		case PF_KEYEXCH:
			EVP_KEYEXCH_free(p);
			break;
		case PF_SIGNATURE:
			EVP_SIGNATURE_free(p);
			break;
		case PF_KDF:
			EVP_KDF_free(p);
			break;
		case PF_MAC:
			EVP_MAC_free(p);
			break;
		default:
			break;
		}
	}
	t->n_prefetch = 0;
}

static SSL_CTX *
tls_ctx_new(struct dp_tls_lcore *t, bool server)
{
	SSL_CTX *ctx = SSL_CTX_new_ex(t->libctx, NULL, TLS_method());

	if (ctx == NULL)
		return NULL;
	SSL_CTX_set_read_ahead(ctx, 1);
	SSL_CTX_set_msg_callback(ctx, tls_conn_msg_cb);
	if (dp_tls_ctx_settings(ctx, server, t->conf.min_version, t->conf.max_version) != 0) {
		tls_log_ssl_errors(server ? "server SSL_CTX" : "client SSL_CTX");
		SSL_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

static void
tls_free(struct dp_tls_lcore *t)
{
	if (t->conns != NULL)
		tls_conn_pool_fini(t);
	SSL_CTX_free(t->srv_ctx);
	SSL_CTX_free(t->cli_ctx);
	X509_free(t->cert);
	EVP_PKEY_free(t->key);
	OPENSSL_free(t->idcert_der);
	tls_prefetch_free(t);
	if (t->prov != NULL)
		OSSL_PROVIDER_unload(t->prov);
	OSSL_LIB_CTX_free(t->libctx);
	rte_free(t->conns);
	rte_free(t);
}

int
dp_tls_create(struct dp_lcore *lc, const struct dp_tls_conf *conf)
{
	struct dp_tls_lcore *t;

	if (lc->tls != NULL)
		return -EEXIST;
	if (conf->max_conns == 0 || conf->max_conns > DP_TLS_MAX_CONNS || conf->hs_budget == 0 ||
	    conf->hs_timeout_us == 0 || conf->close_timeout_us == 0 ||
	    !tls_version_ok(conf->min_version) || !tls_version_ok(conf->max_version) ||
	    conf->min_version > conf->max_version)
		return -EINVAL;
	if (OPENSSL_init_ssl(0, NULL) != 1)
		return -ENOMEM;
	t = rte_zmalloc("tls", sizeof(*t), RTE_CACHE_LINE_SIZE);
	if (t == NULL)
		return -ENOMEM;
	t->conf = *conf;
	t->conns = rte_zmalloc("tls_conns", (size_t)conf->max_conns * sizeof(*t->conns),
			       RTE_CACHE_LINE_SIZE);
	if (t->conns == NULL) {
		rte_free(t);
		return -ENOMEM;
	}
	t->n_conns = conf->max_conns;
	for (uint32_t i = 0; i < t->n_conns; i++) {
		t->conns[i].lc = lc;
		t->conns[i].idx = i;
	}
	tls_conn_pool_init(t);
	if (tls_bio_method_get() != 0) {
		tls_free(t);
		return -ENOMEM;
	}
	t->libctx = OSSL_LIB_CTX_new();
	t->prov = t->libctx != NULL ? OSSL_PROVIDER_load(t->libctx, "default") : NULL;
	if (t->prov == NULL) {
		tls_log_ssl_errors("library context");
		tls_bio_method_put();
		tls_free(t);
		return -ENOMEM;
	}
	tls_prefetch(t);
	t->srv_ctx = tls_ctx_new(t, true);
	t->cli_ctx = tls_ctx_new(t, false);
	if (t->srv_ctx == NULL || t->cli_ctx == NULL) {
		tls_bio_method_put();
		tls_free(t);
		return -ENOMEM;
	}
	ERR_clear_error();
	lc->tls = t;
	return 0;
}

void
dp_tls_destroy(struct dp_lcore *lc)
{
	struct dp_tls_lcore *t = lc->tls;

	if (t == NULL)
		return;
	for (uint32_t i = 0; i < DP_TLS_MAX_LISTENERS; i++)
		if (t->listeners[i].port != 0)
			dp_tls_unlisten(lc, t->listeners[i].port);
	lc->tls = NULL;
	tls_free(t);
	tls_bio_method_put();
	ERR_clear_error();
}

struct ossl_lib_ctx_st *
dp_tls_libctx(struct dp_lcore *lc)
{
	return lc->tls != NULL ? lc->tls->libctx : NULL;
}

bool
dp_tls_has_cert(struct dp_lcore *lc)
{
	return lc->tls != NULL && lc->tls->cert != NULL;
}

int
dp_tls_set_cert(struct dp_lcore *lc, const uint8_t *key_der, uint32_t key_len,
		const uint8_t *cert_der, uint32_t cert_len, const uint8_t *idcert_der,
		uint32_t idcert_len)
{
	struct dp_tls_lcore *t = lc->tls;
	const unsigned char *p;
	EVP_PKEY *key = NULL;
	X509 *x = NULL, *idx = NULL;
	uint8_t *idcopy = NULL;
	int rc = -EINVAL;

	if (t == NULL)
		return -ENODEV;
	if (key_der == NULL || cert_der == NULL || key_len == 0 || cert_len == 0 ||
	    key_len > INT_MAX || cert_len > INT_MAX || idcert_len > INT_MAX ||
	    (idcert_der == NULL) != (idcert_len == 0))
		return -EINVAL;
	p = key_der;
	key = d2i_AutoPrivateKey_ex(NULL, &p, (long)key_len, t->libctx, NULL);
	if (key == NULL || p != key_der + key_len || EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA)
		goto out;
	x = X509_new_ex(t->libctx, NULL);
	if (x == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	p = cert_der;
	if (d2i_X509(&x, &p, (long)cert_len) == NULL || p != cert_der + cert_len)
		goto out;
	if (idcert_der != NULL) {
		p = idcert_der;
		idx = d2i_X509(NULL, &p, (long)idcert_len);
		if (idx == NULL || p != idcert_der + idcert_len)
			goto out;
		idcopy = OPENSSL_memdup(idcert_der, idcert_len);
		if (idcopy == NULL) {
			rc = -ENOMEM;
			goto out;
		}
	}
	/* Checks that the key matches the certificate; SSL objects made from now on copy both. */
	if (SSL_CTX_use_cert_and_key(t->srv_ctx, x, key, NULL, 1) != 1)
		goto out;
	X509_free(t->cert);
	EVP_PKEY_free(t->key);
	OPENSSL_free(t->idcert_der);
	t->cert = x;
	t->key = key;
	t->idcert_der = idcopy;
	t->idcert_len = idcert_der != NULL ? idcert_len : 0;
	t->cert_gen++;
	x = NULL;
	key = NULL;
	idcopy = NULL;
	rc = 0;
out:
	if (rc != 0)
		tls_log_ssl_errors("link certificate");
	ERR_clear_error();
	X509_free(idx);
	X509_free(x);
	EVP_PKEY_free(key);
	OPENSSL_free(idcopy);
	return rc;
}

/* ---- throwaway certificates (diagnostic services, tests) ---- */

/* "www." + 8..20 random base32 characters + @p tld, like tor's crypto_random_hostname(). */
static void
tls_random_host(char *out, size_t cap, const char *tld)
{
	static const char b32[] = "abcdefghijklmnopqrstuvwxyz234567";
	uint8_t r[21];
	size_t n, i;

	if (RAND_bytes(r, sizeof(r)) != 1)
		memset(r, 0x5a, sizeof(r));
	n = 8 + r[0] % 13;
	i = (size_t)snprintf(out, cap, "www.");
	for (size_t k = 0; k < n && i + 1 < cap; k++)
		out[i++] = b32[r[1 + k] & 31];
	snprintf(out + i, cap - i, "%s", tld);
}

static X509_NAME *
tls_cn(const char *cn)
{
	X509_NAME *n = X509_NAME_new();

	if (n != NULL && X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)cn,
						    -1, -1, 0) != 1) {
		X509_NAME_free(n);
		n = NULL;
	}
	return n;
}

/* A v3 certificate for @p subj_key named @p subj, issued by @p issuer and signed with @p sign_key. */
static X509 *
tls_make_cert(EVP_PKEY *subj_key, EVP_PKEY *sign_key, const char *subj, const char *issuer,
	      time_t not_before, long lifetime_s)
{
	X509 *x = X509_new();
	X509_NAME *sn = tls_cn(subj), *in = tls_cn(issuer);
	uint8_t serial[8];
	BIGNUM *bn = NULL;
	bool ok = false;

	if (x == NULL || sn == NULL || in == NULL || RAND_bytes(serial, sizeof(serial)) != 1)
		goto out;
	serial[0] &= 0x7f; /* positive */
	bn = BN_bin2bn(serial, sizeof(serial), NULL);
	ok = bn != NULL && X509_set_version(x, 2) == 1 &&
	     BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) != NULL &&
	     ASN1_TIME_set(X509_getm_notBefore(x), not_before) != NULL &&
	     ASN1_TIME_set(X509_getm_notAfter(x), not_before + lifetime_s) != NULL &&
	     X509_set_subject_name(x, sn) == 1 && X509_set_issuer_name(x, in) == 1 &&
	     X509_set_pubkey(x, subj_key) == 1 && X509_sign(x, sign_key, EVP_sha256()) > 0;
out:
	BN_free(bn);
	X509_NAME_free(sn);
	X509_NAME_free(in);
	if (!ok) {
		X509_free(x);
		x = NULL;
	}
	return x;
}

int
dp_tls_cert_generate(struct dp_tls_cert_blobs *out)
{
	char id_cn[40], link_cn[40];
	EVP_PKEY *id_key = NULL, *link_key = NULL;
	X509 *id_cert = NULL, *link_cert = NULL;
	unsigned char *der;
	uint8_t r[2];
	time_t start;
	int n, rc = -ENOMEM;

	memset(out, 0, sizeof(*out));
	if (RAND_bytes(r, sizeof(r)) != 1)
		return -ENOMEM;
	/* tor: validity starts at a random time in the past day, so it does not date the relay. */
	start = time(NULL) - (time_t)((r[0] << 8 | r[1]) % 86400);
	tls_random_host(id_cn, sizeof(id_cn), ".com");
	tls_random_host(link_cn, sizeof(link_cn), ".net");
	id_key = EVP_RSA_gen(1024);
	link_key = EVP_RSA_gen(2048);
	if (id_key == NULL || link_key == NULL)
		goto out;
	id_cert = tls_make_cert(id_key, id_key, id_cn, id_cn, start, 365L * 86400);
	link_cert = tls_make_cert(link_key, id_key, link_cn, id_cn, start, 365L * 86400);
	if (id_cert == NULL || link_cert == NULL)
		goto out;
	der = NULL;
	n = i2d_PrivateKey(link_key, &der);
	if (n <= 0)
		goto out;
	out->key_der = der;
	out->key_len = (uint32_t)n;
	der = NULL;
	n = i2d_X509(link_cert, &der);
	if (n <= 0)
		goto out;
	out->cert_der = der;
	out->cert_len = (uint32_t)n;
	der = NULL;
	n = i2d_X509(id_cert, &der);
	if (n <= 0)
		goto out;
	out->idcert_der = der;
	out->idcert_len = (uint32_t)n;
	rc = 0;
out:
	if (rc != 0) {
		tls_log_ssl_errors("certificate generation");
		dp_tls_cert_blobs_free(out);
	}
	ERR_clear_error();
	X509_free(id_cert);
	X509_free(link_cert);
	EVP_PKEY_free(id_key);
	EVP_PKEY_free(link_key);
	return rc;
}

void
dp_tls_cert_blobs_free(struct dp_tls_cert_blobs *b)
{
	if (b->key_der != NULL)
		OPENSSL_clear_free(b->key_der, b->key_len);
	OPENSSL_free(b->cert_der);
	OPENSSL_free(b->idcert_der);
	memset(b, 0, sizeof(*b));
}
