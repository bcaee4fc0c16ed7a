/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief The TLS settings of a Tor link (tls_settings.h); the reasons are in tls_ctx.c.
 */
#include <stdint.h>

#include "dataplane/tls/tls_settings.h"

/* TLS 1.2 suites the server chooses from, in its order of preference: all ECDHE with RSA. */
static const char tls_server_ciphers[] =
	"ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-CHACHA20-POLY1305:"
	"ECDHE-RSA-AES256-SHA384:ECDHE-RSA-AES128-SHA256:ECDHE-RSA-AES256-SHA:ECDHE-RSA-AES128-SHA";
/* TLS 1.3 suites of the server, tor 0.4.9's choice first. */
static const char tls_server_suites[] =
	"TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256";
/* What tor 0.4.9's ClientHello offers for TLS 1.2 (relay-checklist §0.8): no DHE. */
static const char tls_client_ciphers[] =
	"ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
	"ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
	"ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
	"ECDHE-ECDSA-AES256-SHA:ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES128-SHA:ECDHE-RSA-AES256-SHA:"
	"AES128-GCM-SHA256:AES256-GCM-SHA384:AES128-SHA:AES256-SHA";
static const char tls_client_suites[] =
	"TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_256_GCM_SHA384";
/* Not const: SSL_CTX_set1_groups_list() casts to char *, which clang's -Wcast-qual flags. */
static char tls_server_groups[] = "X25519:P-256:P-224";
static char tls_client_groups[] = "X25519:P-256";

int
dp_tls_ctx_settings(SSL_CTX *ctx, bool server, int min_version, int max_version)
{
	uint64_t opts = SSL_OP_NO_COMPRESSION | SSL_OP_NO_TICKET | SSL_OP_NO_RENEGOTIATION |
			SSL_OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION;

	if (server)
		opts |= SSL_OP_CIPHER_SERVER_PREFERENCE;
	SSL_CTX_set_options(ctx, opts);
	SSL_CTX_set_security_level(ctx, 1);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER |
				      SSL_MODE_NO_AUTO_CHAIN);
	if (SSL_CTX_set_min_proto_version(ctx, min_version) != 1 ||
	    SSL_CTX_set_max_proto_version(ctx, max_version) != 1 ||
	    SSL_CTX_set_num_tickets(ctx, 0) != 1 ||
	    SSL_CTX_set_cipher_list(ctx, server ? tls_server_ciphers : tls_client_ciphers) != 1 ||
	    SSL_CTX_set_ciphersuites(ctx, server ? tls_server_suites : tls_client_suites) != 1 ||
	    SSL_CTX_set1_groups_list(ctx, server ? tls_server_groups : tls_client_groups) != 1)
		return -1;
	return 0;
}
