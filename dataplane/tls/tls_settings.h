/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief The TLS settings of a Tor link, as tor 0.4.9 makes them (tls_ctx.c's file comment).
 *
 * DPDK-free, so the test client (tools/torclient/tls.c) and the crypto
 * benchmark (tools/bench/) configure their contexts exactly as the
 * dataplane does; tools/module.mk builds its own object of it.
 */
#ifndef DATAPLANE_TLS_TLS_SETTINGS_H
#define DATAPLANE_TLS_TLS_SETTINGS_H

#include <stdbool.h>

#include <openssl/ssl.h>

/**
 * Give @p ctx the link settings of a server (@p server) or client: options
 * (no compression, tickets or renegotiation; server preference), security
 * level 1, no session cache, SSL_VERIFY_NONE, partial writes, moving write
 * buffers, no automatic chain, protocol versions @p min_version to
 * @p max_version, no TLS 1.3 tickets, and tor's TLS 1.2 ciphers, TLS 1.3
 * suites and groups for that role. Read-ahead and callbacks are the
 * caller's.
 *
 * @return 0; -1 when OpenSSL refused a setting (its error queue says which).
 */
int dp_tls_ctx_settings(SSL_CTX *ctx, bool server, int min_version, int max_version);

#endif /* DATAPLANE_TLS_TLS_SETTINGS_H */
