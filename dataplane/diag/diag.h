/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Diagnostic TCP services on the dataplane: echo (RFC 862), discard
 * (RFC 863), chargen (RFC 864), and a pattern client for active opens.
 *
 * They let any standard client exercise the userspace TCP (nc, socat, a
 * Python socket), and they are what the integration tests drive against the
 * Linux kernel's TCP. Enabled by configuration only. Each service keeps no
 * per-connection buffer: echo reads only as much as the send queue can take
 * at once, so a slow reader closes the sender's window instead of growing
 * memory (backpressure end to end).
 *
 * The client opens a connection to a server, sends @c bytes of the chargen
 * pattern, half-closes, and checks that everything the server sends back is
 * the chargen pattern from its start (an echo server returns exactly that).
 *
 * The same echo server and client exist over TLS (diag_tls.c): the TLS
 * client sends its bytes, reads the same number back, checks them, and
 * closes with close_notify (TLS has no half-close that every peer honours).
 */
#ifndef DATAPLANE_DIAG_DIAG_H
#define DATAPLANE_DIAG_DIAG_H

#include <stdint.h>

#include "dataplane/lcore_types.h"

/** Ports of the services (0 = off). */
struct dp_diag_conf {
	uint16_t echo_port;
	uint16_t discard_port;
	uint16_t chargen_port;
	uint32_t client_ip;      /**< Host order; 0 = no client. */
	uint16_t client_port;
	uint16_t client_conns;   /**< Connections the client opens (at once). */
	uint64_t client_bytes;   /**< Bytes each client connection sends. */
	uint16_t tls_echo_port;  /**< TLS echo server (diag_tls.c); 0 = off. */
	uint16_t tls_client_port;
	uint32_t tls_client_ip;  /**< Host order; 0 = no TLS client. */
	uint16_t tls_client_conns;
	uint64_t tls_client_bytes;
};

/**
 * Start the configured services on @p lc (listen) and the client if any.
 *
 * @return
 *   0 or the -errno of dp_tcp_listen() / dp_tcp_connect().
 */
int dp_diag_start(struct dp_lcore *lc, const struct dp_diag_conf *conf);

/** Free the diagnostic state of @p lc (after the lcore stopped). Accepts none started. */
void dp_diag_stop(struct dp_lcore *lc);

/**
 * Start the TLS services of @p conf on @p lc: the echo server (needs a
 * certificate, dp_tls_set_cert()) and the pattern client. Needs dp_tls_create().
 *
 * @return
 *   0 or the -errno of dp_tls_accept_on() / dp_tls_connect().
 */
int dp_diag_tls_start(struct dp_lcore *lc, const struct dp_diag_conf *conf);

/** Free the TLS diagnostic state of @p lc (after the lcore stopped). Accepts none started. */
void dp_diag_tls_stop(struct dp_lcore *lc);

/** Byte @p off of the RFC 864 chargen stream (72 printable characters then CR LF per line). */
uint8_t dp_diag_chargen_byte(uint64_t off);

/** Fill @p buf with @p len bytes of the chargen stream from offset @p off. */
void dp_diag_chargen_fill(uint8_t *buf, uint32_t len, uint64_t off);

#endif /* DATAPLANE_DIAG_DIAG_H */
