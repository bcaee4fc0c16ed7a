/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief chive-torclient TLS contexts, set up as tor 0.4.9 and Chive's dataplane do.
 *
 * The same settings as dataplane/tls/tls_ctx.c (relay-checklist §0.8, B1;
 * tor-spec.txt §2): TLS 1.2 and 1.3, security level 1 (identity
 * certificates are RSA-1024), ECDHE only on the server, tor 0.4.9's
 * client suites and groups, no tickets, no session cache, no compression,
 * no renegotiation, SSL_VERIFY_NONE both ways (the link protocol judges
 * certificates in-band), only the link certificate sent. The buffers of
 * this tool are plain memory, so partial writes with a moving buffer are
 * enabled (tc_chan.c keeps unwritten bytes queued and compacts the queue).
 */
#include <errno.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "tools/torclient/tc.h"

static const char server_ciphers[] =
	"ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-CHACHA20-POLY1305:"
	"ECDHE-RSA-AES256-SHA384:ECDHE-RSA-AES128-SHA256:ECDHE-RSA-AES256-SHA:ECDHE-RSA-AES128-SHA";
static const char server_suites[] =
	"TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256";
static const char client_ciphers[] =
	"ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
	"ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
	"ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
	"ECDHE-ECDSA-AES256-SHA:ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES128-SHA:ECDHE-RSA-AES256-SHA:"
	"AES128-GCM-SHA256:AES256-GCM-SHA384:AES128-SHA:AES256-SHA";
static const char client_suites[] =
	"TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_256_GCM_SHA384";
static const char server_groups[] = "X25519:P-256:P-224";
static const char client_groups[] = "X25519:P-256";

void
tc_tls_log_errors(int level, const char *what)
{
	char buf[256];
	unsigned long e;
	int n = 0;

	while ((e = ERR_get_error()) != 0) {
		if (n++ < 4) {
			ERR_error_string_n(e, buf, sizeof(buf));
			tc_log(level, "%s: %s", what, buf);
		}
	}
}

static SSL_CTX *
ctx_new(bool server)
{
	SSL_CTX *ctx = SSL_CTX_new(server ? TLS_server_method() : TLS_client_method());
	uint64_t opts = SSL_OP_NO_COMPRESSION | SSL_OP_NO_TICKET | SSL_OP_NO_RENEGOTIATION |
			SSL_OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION;

	if (ctx == NULL)
		return NULL;
	if (server)
		opts |= SSL_OP_CIPHER_SERVER_PREFERENCE;
	SSL_CTX_set_options(ctx, opts);
	SSL_CTX_set_security_level(ctx, 1);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER |
				      SSL_MODE_NO_AUTO_CHAIN);
	if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1 ||
	    SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION) != 1 ||
	    SSL_CTX_set_num_tickets(ctx, 0) != 1 ||
	    SSL_CTX_set_cipher_list(ctx, server ? server_ciphers : client_ciphers) != 1 ||
	    SSL_CTX_set_ciphersuites(ctx, server ? server_suites : client_suites) != 1 ||
	    SSL_CTX_set1_groups_list(ctx, server ? server_groups : client_groups) != 1) {
		tc_tls_log_errors(TC_LOG_ERR, server ? "server SSL_CTX" : "client SSL_CTX");
		SSL_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

SSL_CTX *
tc_tls_client_ctx(void)
{
	return ctx_new(false);
}

SSL_CTX *
tc_tls_server_ctx(EVP_PKEY *key, const uint8_t *cert_der, size_t cert_len)
{
	const unsigned char *p = cert_der;
	SSL_CTX *ctx = ctx_new(true);
	X509 *x;

	if (ctx == NULL)
		return NULL;
	x = d2i_X509(NULL, &p, (long)cert_len);
	if (x == NULL || SSL_CTX_use_certificate(ctx, x) != 1 ||
	    SSL_CTX_use_PrivateKey(ctx, key) != 1 || SSL_CTX_check_private_key(ctx) != 1) {
		tc_tls_log_errors(TC_LOG_ERR, "server certificate");
		X509_free(x);
		SSL_CTX_free(ctx);
		return NULL;
	}
	X509_free(x);
	return ctx;
}
