/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief TLS over Chive's userspace TCP: the API for the layer above (cell/chan.c).
 *
 * One TLS instance per lcore, share-nothing, like TCP below it: its own
 * OSSL_LIB_CTX (algorithms fetched once, at dp_tls_create()), one SSL_CTX
 * for the server role and one for the client role, a pool of connection
 * objects sized at start, and a custom BIO that moves record bytes between
 * OpenSSL and the TCP connection (dp_tcp_recv / dp_tcp_send); no sockets.
 *
 * Settings are those tor 0.4.9 interoperates with (relay-checklist §0.8, B1;
 * tor-spec.txt §2): TLS 1.2 and 1.3, ECDHE only on the server (X25519, P-256,
 * P-224 if offered), no DHE, no tickets, no resumption, no compression, no
 * renegotiation, SSL_VERIFY_NONE both ways (the link protocol authenticates
 * in-band; the peer certificate is kept for it), the server sends only its
 * link certificate and asks for none, the client sends SNI www.<random>.com.
 *
 * Connections are named by 32-bit handles (index and generation; a stale
 * handle gets -EBADF). Callbacks (struct dp_tls_app_ops) come only from safe
 * points: TCP's deferred events and dp_tls_poll(); never from inside a call
 * the application made. The application may call anything here from a
 * callback, including close and abort on the connection it is told about.
 * After `closed` the handle is dead.
 *
 * Handshake work is bounded: SSL_do_handshake() runs only from dp_tls_poll(),
 * at most dp_tls_conf.hs_budget steps per call; connections over the budget
 * wait for the next call (/dp/tls/hs_deferred).
 *
 * Data: dp_tls_read() is edge-triggered: after `readable`, read until it
 * returns 0 (plaintext may sit inside OpenSSL after TCP is drained).
 * dp_tls_write() encrypts into full records (at most 16 KiB of plaintext
 * each) and returns the plaintext bytes taken: taken bytes always reach the
 * wire, in order (a record that TCP could not take whole waits inside
 * OpenSSL and is flushed on TCP's `writable`); when it takes less than
 * offered, `writable` follows once there is room.
 */
#ifndef DATAPLANE_TLS_TLS_H
#define DATAPLANE_TLS_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dataplane/lcore_types.h"

/** Largest plaintext of one TLS record (RFC 8446 §5.1, RFC 5246 §6.2.1). */
#define DP_TLS_RECORD_MAX 16384u
/** Wire version numbers, for dp_tls_conf.min_version/max_version and dp_tls_info.version. */
#define DP_TLS_V1_2 0x0303u
#define DP_TLS_V1_3 0x0304u
/** Most TLS connections per lcore (handles keep 20 bits of index). */
#define DP_TLS_MAX_CONNS (1u << 20)
/** TLS listening ports per lcore. */
#define DP_TLS_MAX_LISTENERS 8
/** Most `closed` events delivered per dp_tls_poll(). */
#define DP_TLS_REAP_PER_POLL 256u
/** Most handshake or close timeouts handled per dp_tls_poll(). */
#define DP_TLS_EXPIRE_PER_POLL 64u

/** Why a connection ended (the `closed` callback, counters). */
enum dp_tls_close_reason {
	DP_TLS_CLOSE_NORMAL = 0,  /**< Closed by us (dp_tls_close) or after the peer's close_notify. */
	DP_TLS_CLOSE_PEER_CLOSED, /**< The peer ended TCP (FIN or RST) without close_notify. */
	DP_TLS_CLOSE_TIMEOUT,     /**< The handshake (or our close_notify) did not finish in time. */
	DP_TLS_CLOSE_PROTOCOL,    /**< TLS error: bad records, failed handshake, fatal alert. */
	DP_TLS_CLOSE_REFUSED,     /**< Our TCP open was refused (RST). */
	DP_TLS_CLOSE_NET_TIMEOUT, /**< TCP gave up (SYN or data retransmissions, keepalive). */
	DP_TLS_CLOSE_ABORTED,     /**< dp_tls_abort(). */
	DP_TLS_CLOSE_NOMEM,       /**< Out of preallocated resources (TCP) or OpenSSL allocation failed. */
	DP_TLS_CLOSE__COUNT
};

/** Connection states (dp_tls_info). */
enum dp_tls_state {
	DP_TLS_STATE_FREE = 0,    /**< Not in use. */
	DP_TLS_STATE_CONNECTING,  /**< Client: waiting for TCP's handshake. */
	DP_TLS_STATE_HANDSHAKE,   /**< TLS handshake in progress. */
	DP_TLS_STATE_OPEN,        /**< Handshake done: data flows. */
	DP_TLS_STATE_CLOSING,     /**< dp_tls_close(): close_notify waits for TCP room. */
	DP_TLS_STATE_DONE,        /**< Detached from TCP; `closed` is about to be delivered. */
	DP_TLS_STATE__COUNT
};

/** Which side of the handshake we are. */
enum dp_tls_role {
	DP_TLS_ROLE_CLIENT = 0,   /**< We opened the connection (dp_tls_connect). */
	DP_TLS_ROLE_SERVER = 1,   /**< We accepted it (dp_tls_accept_on). */
};

/** What the application is told. Any member may be NULL. */
struct dp_tls_app_ops {
	/**
	 * Server: a TCP connection arrived on a port given to dp_tls_accept_on();
	 * the TLS handshake starts next. Set @p ctx and return 0 to take it;
	 * return non-zero to refuse (the TCP connection is reset, no `closed`).
	 */
	int (*accepted)(struct dp_lcore *lc, uint32_t h, void *listen_arg, void **ctx);
	/** The TLS handshake finished (both roles); data may flow. */
	void (*handshake_done)(struct dp_lcore *lc, uint32_t h, void *ctx);
	/**
	 * Plaintext may be waiting, or the peer finished: call dp_tls_read()
	 * until it returns 0 (nothing now) or -EPIPE (no more ever).
	 */
	void (*readable)(struct dp_lcore *lc, uint32_t h, void *ctx);
	/** Room opened after dp_tls_write() took less than offered or dp_tls_write_space() was 0. */
	void (*writable)(struct dp_lcore *lc, uint32_t h, void *ctx);
	/** The connection is gone; @p h is dead after this returns. */
	void (*closed)(struct dp_lcore *lc, uint32_t h, void *ctx, enum dp_tls_close_reason reason);
};

/** Per-lcore TLS configuration; immutable once lcores run. */
struct dp_tls_conf {
	uint32_t max_conns;        /**< TLS connections per lcore (pool size), 1..DP_TLS_MAX_CONNS. */
	uint32_t hs_budget;        /**< SSL_do_handshake() steps per dp_tls_poll(), >= 1. */
	uint32_t hs_timeout_us;    /**< From TCP established to handshake done. */
	uint32_t close_timeout_us; /**< From dp_tls_close() to close_notify handed to TCP. */
	uint16_t min_version;      /**< DP_TLS_V1_2 or DP_TLS_V1_3. */
	uint16_t max_version;      /**< DP_TLS_V1_2 or DP_TLS_V1_3, >= min_version. */
};

/** One connection's state, for `show channels`. */
struct dp_tls_info {
	uint8_t state;            /**< enum dp_tls_state */
	uint8_t role;             /**< enum dp_tls_role */
	uint16_t version;         /**< DP_TLS_V1_2, DP_TLS_V1_3; 0 before the handshake finished. */
	const char *cipher;       /**< OpenSSL's suite name (static string); "" before. */
	uint32_t tcp_h;           /**< The TCP connection underneath (dp_tcp_info()). */
	uint32_t hs_us;           /**< Handshake duration (TCP established to done), µs. */
	uint16_t record_overhead; /**< Most wire bytes a record adds to its plaintext. */
	uint64_t rx_bytes;        /**< Plaintext bytes read by the application. */
	uint64_t tx_bytes;        /**< Plaintext bytes taken from the application. */
};

/** DER blobs of a link key and certificates (dp_tls_cert_generate()). */
struct dp_tls_cert_blobs {
	uint8_t *key_der;         /**< RSA-2048 link key, PKCS#1 or PKCS#8 DER (secret). */
	uint32_t key_len;
	uint8_t *cert_der;        /**< Link certificate (sent in the handshake). */
	uint32_t cert_len;
	uint8_t *idcert_der;      /**< Identity certificate that signed it (kept, not sent). */
	uint32_t idcert_len;
};

/** Fill @p c with Chive's defaults (4096 conns, 4 steps, 30 s, 10 s, TLS 1.2-1.3). */
void dp_tls_conf_default(struct dp_tls_conf *c);

/**
 * Create the TLS instance of @p lc (before launch, on any thread): a library
 * context with the default provider and every algorithm the handshakes use
 * fetched once; the server and client SSL_CTX; the connection pool. SSL
 * objects themselves are created on first use and reused (see README.md).
 * Needs dp_tcp_create() on @p lc first.
 *
 * @return
 *   0, -EINVAL for a bad configuration, -EEXIST if already created, -ENOMEM.
 */
int dp_tls_create(struct dp_lcore *lc, const struct dp_tls_conf *conf);

/** Free the TLS instance of @p lc (after the lcore stopped). Accepts none created. */
void dp_tls_destroy(struct dp_lcore *lc);

/**
 * Install the link key @p key_der (RSA, PKCS#1 or PKCS#8 DER), its
 * certificate @p cert_der and the identity certificate @p idcert_der that
 * signed it (may be NULL; kept, never sent: tor's server sends only the link
 * certificate). Handshakes started afterwards use them; live connections keep
 * the certificate they were made with. A slow-path call (decodes DER,
 * allocates): before launch, or from the command ring.
 *
 * @return
 *   0; -EINVAL if a blob does not parse or the key does not match the
 *   certificate; -ENODEV without dp_tls_create(); -ENOMEM.
 */
int dp_tls_set_cert(struct dp_lcore *lc, const uint8_t *key_der, uint32_t key_len,
		    const uint8_t *cert_der, uint32_t cert_len, const uint8_t *idcert_der,
		    uint32_t idcert_len);

/**
 * The lcore's OpenSSL library context (an OSSL_LIB_CTX *), for layers above
 * that fetch their own algorithms once at start (cell/chan.c: SHA-256, RNG).
 * NULL without dp_tls_create().
 */
struct ossl_lib_ctx_st *dp_tls_libctx(struct dp_lcore *lc);

/** True once dp_tls_set_cert() succeeded on @p lc (the server role needs it). */
bool dp_tls_has_cert(struct dp_lcore *lc);

/**
 * Generate a throwaway certificate chain shaped like tor's (relay-checklist
 * B2): an RSA-1024 identity key with a self-signed certificate for
 * CN=www.<random>.com, and an RSA-2048 link key whose certificate
 * (CN=www.<random>.net, issued by the identity) is signed with
 * sha256WithRSA, random 8-byte serial, validity starting up to a day in the
 * past. For the diagnostic services and tests; the relay gets its chain from
 * the control plane. Slow (key generation), start-up only. Free with
 * dp_tls_cert_blobs_free().
 *
 * @return
 *   0 or -ENOMEM.
 */
int dp_tls_cert_generate(struct dp_tls_cert_blobs *out);

/** Wipe the key and free the blobs of @p b (accepts an empty one). */
void dp_tls_cert_blobs_free(struct dp_tls_cert_blobs *b);

/**
 * Accept TLS connections on TCP port @p port: `accepted` is called with
 * @p listen_arg for each. Needs a certificate at the time a connection
 * arrives (without one it is refused and counted).
 *
 * @return
 *   0, -ENODEV (no TLS instance), -ENOSPC (listener slots), or dp_tcp_listen()'s -errno.
 */
int dp_tls_accept_on(struct dp_lcore *lc, uint16_t port, const struct dp_tls_app_ops *ops,
		     void *listen_arg);

/** Stop accepting on @p port (live connections stay). @return 0 or -ENOENT. */
int dp_tls_unlisten(struct dp_lcore *lc, uint16_t port);

/**
 * Open a TLS connection to @p raddr:@p rport (host order) as client.
 * `handshake_done` or `closed` reports the outcome.
 *
 * @return
 *   0 with *@p h set; -ENODEV (no TLS instance); -ENOMEM (no TLS connection
 *   object or SSL); or dp_tcp_connect()'s -errno.
 */
int dp_tls_connect(struct dp_lcore *lc, uint32_t raddr, uint16_t rport,
		   const struct dp_tls_app_ops *ops, void *ctx, uint32_t *h);

/**
 * Copy up to @p len bytes of plaintext out.
 *
 * @return
 *   Bytes (> 0); 0: nothing now (a `readable` follows when there is); -EPIPE:
 *   the peer finished (close_notify or end of TCP): nothing more will come;
 *   -ENOTCONN before the handshake finished; -EBADF; -EPROTO after a TLS
 *   error (the connection is closing, `closed` follows).
 */
int dp_tls_read(struct dp_lcore *lc, uint32_t h, void *buf, uint32_t len);

/**
 * Encrypt up to @p len bytes of plaintext and hand the records to TCP.
 * Takes everything when @p len <= dp_tls_write_space(); otherwise as much as
 * TCP has room for (whole records of at most DP_TLS_RECORD_MAX bytes), and
 * `writable` follows when more fits.
 *
 * @return
 *   Bytes taken (may be 0); -ENOTCONN before the handshake finished; -EPIPE
 *   after dp_tls_close() or once the TLS session failed; -EBADF.
 */
int dp_tls_write(struct dp_lcore *lc, uint32_t h, const void *buf, uint32_t len);

/**
 * Plaintext bytes dp_tls_write() would take whole now: the records they make
 * fit TCP's free send buffer, or they form a single record (which TCP takes
 * in part and OpenSSL keeps the rest of until `writable`). 0 registers
 * interest: `writable` follows.
 */
uint32_t dp_tls_write_space(struct dp_lcore *lc, uint32_t h);

/**
 * Plaintext bytes that, written now, make records that leave at once:
 * dp_tcp_sendable() (window and cwnd) less the record overhead, in whole
 * records. What a cell scheduler should write. 0 while a record still waits
 * inside OpenSSL or before the handshake finished.
 */
uint32_t dp_tls_writable_bytes(struct dp_lcore *lc, uint32_t h);

/**
 * Close: send close_notify after everything taken so far, then close TCP
 * (FIN). Plaintext not yet read is discarded. `closed` follows (NORMAL; or
 * TIMEOUT if TCP never had room for close_notify within close_timeout_us).
 * During the handshake the TCP connection is just closed.
 *
 * @return
 *   0 or -EBADF.
 */
int dp_tls_close(struct dp_lcore *lc, uint32_t h);

/** Reset the TCP connection now; `closed` (ABORTED) follows. @return 0 or -EBADF. */
int dp_tls_abort(struct dp_lcore *lc, uint32_t h);

/**
 * RFC 5705 / RFC 8446 §7.5 exporter (SSL_export_keying_material): fill
 * @p out with @p out_len bytes for @p label and, when @p context is not NULL,
 * @p context (tor-spec §4.4.2 AUTH0003 TLSSECRETS: label "EXPORTER FOR TOR
 * TLS CLIENT BINDING AUTH0003", context = CID, 32 bytes).
 *
 * @return
 *   0; -ENOTCONN before the handshake finished; -EBADF; -EINVAL.
 */
int dp_tls_export_keying_material(struct dp_lcore *lc, uint32_t h, uint8_t *out, size_t out_len,
				  const char *label, size_t label_len, const uint8_t *context,
				  size_t context_len);

/**
 * Copy the DER of the certificate the peer presented into @p buf (@p cap
 * bytes). A server's client sends none (tor's in-protocol handshake).
 *
 * @return
 *   Length; -ENOENT (none), -ENOSPC (@p cap too small; nothing copied),
 *   -ENOTCONN before the handshake finished, -EBADF.
 */
int dp_tls_peer_cert_der(struct dp_lcore *lc, uint32_t h, uint8_t *buf, uint32_t cap);

/**
 * Copy the DER of the certificate we presented on this connection (server
 * role: the link certificate installed when it started) into @p buf.
 *
 * @return
 *   Length; -ENOENT (client role: we presented none), -ENOSPC, -EBADF.
 */
int dp_tls_own_cert_der(struct dp_lcore *lc, uint32_t h, uint8_t *buf, uint32_t cap);

/** Fill @p out with the state of @p h (version and cipher for `show channels`). @return 0 or -EBADF. */
int dp_tls_info(struct dp_lcore *lc, uint32_t h, struct dp_tls_info *out);

/** Replace the application context of @p h. @return 0 or -EBADF. */
int dp_tls_set_ctx(struct dp_lcore *lc, uint32_t h, void *ctx);

/**
 * Per-iteration work (dp_lcore_iterate(), before dp_tcp_poll() so what it
 * queues leaves in the same iteration): expire handshake and close timers,
 * run at most hs_budget handshake steps, deliver at most
 * DP_TLS_REAP_PER_POLL `closed` events. Does nothing without a TLS instance.
 *
 * @return
 *   Units of work done (0 when idle).
 */
uint32_t dp_tls_poll(struct dp_lcore *lc);

/** Return the name of @p r ("normal", "peer_closed", ...). */
const char *dp_tls_close_reason_name(enum dp_tls_close_reason r);

/** Return "TLSv1.2", "TLSv1.3" or "-" for @p version. */
const char *dp_tls_version_name(uint16_t version);

#endif /* DATAPLANE_TLS_TLS_H */
