/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief chive-torclient TLS contexts, set up as tor 0.4.9 and Chive's dataplane do.
 *
 * The dataplane's own settings, from dataplane/tls/tls_settings.c (relay-checklist §0.8, B1;
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

#include "dataplane/tls/tls_settings.h"
#include "tools/torclient/tc.h"


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

	if (ctx == NULL)
		return NULL;
	if (dp_tls_ctx_settings(ctx, server, TLS1_2_VERSION, TLS1_3_VERSION) != 0) {
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
