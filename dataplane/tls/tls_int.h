/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief TLS internals shared by dataplane/tls/tls_*.c and their tests.
 *
 * The per-lcore instance (struct dp_tls_lcore) owns a pool of struct
 * tls_conn. Each entry keeps its SSL object (and the BIO inside it) across
 * connections: on release the SSL is SSL_clear()ed and the entry goes to the
 * free list of its role, so the next connection of that role reuses it.
 *
 * Lists are intrusive and index-based (struct tls_link). An entry is on at
 * most one "queue" list at a time, through tls_conn.q:
 *   free_none / free_srv / free_cli   FREE entries without SSL / with a server / client SSL;
 *   hs_q                              HANDSHAKE entries waiting for a handshake step;
 *   reap                              DONE entries whose `closed` is pending;
 * and on at most one timer list, through tls_conn.tmo:
 *   hs_tmo     HANDSHAKE entries, in order of start (one timeout: deadline order);
 *   close_tmo  CLOSING entries, in order of dp_tls_close().
 *
 * Invariants:
 *   - state FREE        <=> on a free list; tcp_h == TLS_NO_TCP; no ops/ctx.
 *   - state CONNECTING  tcp_h valid; on no list.
 *   - state HANDSHAKE   tcp_h valid; on hs_tmo; on hs_q iff a step is wanted.
 *   - state OPEN        tcp_h valid; on no list.
 *   - state CLOSING     tcp_h valid; on close_tmo.
 *   - state DONE        tcp_h == TLS_NO_TCP (TCP detached: its ctx is NULL,
 *                       closed or aborted); on reap.
 *   - wpend != 0 only in OPEN or CLOSING: an application record that TCP
 *     did not take whole is in SSL's write buffer.
 */
#ifndef DATAPLANE_TLS_TLS_INT_H
#define DATAPLANE_TLS_TLS_INT_H

#include <stdint.h>

#include <openssl/ssl.h>

#include "dataplane/lcore_types.h"
#include "dataplane/tls/tls.h"

extern int dp_logtype_tls;

/** Handle layout: index in the low bits, generation above. */
#define TLS_IDX_BITS 20u
#define TLS_IDX_MASK ((1u << TLS_IDX_BITS) - 1u)
#define TLS_GEN_MASK ((1u << (32u - TLS_IDX_BITS)) - 1u)
/** End of a list; also "no TCP connection". */
#define TLS_NONE UINT32_MAX
#define TLS_NO_TCP UINT32_MAX
/** Scratch buffer: flushing a pending record, discarding input. */
#define TLS_SCRATCH (DP_TLS_RECORD_MAX + 256u)

/** tls_conn.flags */
#define TLS_F_PEER_FIN 0x01u      /**< TCP delivered the peer's FIN. */
#define TLS_F_EOF 0x02u           /**< The BIO returned end of stream to OpenSSL. */
#define TLS_F_RD_DONE 0x04u       /**< dp_tls_read() returned -EPIPE (close_notify or EOF). */
#define TLS_F_SSL_FAILED 0x08u    /**< OpenSSL reported a fatal error: no SSL_shutdown. */
#define TLS_F_WANT_WRITABLE 0x10u /**< The application waits for `writable`. */
#define TLS_F_CLOSE_NOTIFY 0x20u  /**< The peer's close_notify arrived. */
#define TLS_F_APP_CLOSED 0x40u    /**< dp_tls_close() was called. */

/** Which list tls_conn.q is on. */
enum tls_q {
	TLS_Q_NONE = 0,
	TLS_Q_FREE,
	TLS_Q_HS,
	TLS_Q_REAP,
};

/** Which list tls_conn.tmo is on. */
enum tls_tq {
	TLS_TQ_NONE = 0,
	TLS_TQ_HS,
	TLS_TQ_CLOSE,
};

struct tls_link {
	uint32_t prev, next;
};

struct tls_list {
	uint32_t head, tail;
	uint32_t n;
};

/** One TLS connection (pool entry). */
struct tls_conn {
	SSL *ssl;                 /**< NULL until first use; reused (SSL_clear) across connections. */
	struct dp_lcore *lc;      /**< Owner, for the BIO and OpenSSL callbacks. */
	const struct dp_tls_app_ops *ops;
	void *ctx;
	uint32_t tcp_h;           /**< TCP handle, or TLS_NO_TCP once detached. */
	uint32_t idx;             /**< Index in the pool. */
	uint32_t wpend;           /**< Plaintext bytes of an application record waiting in SSL. */
	uint32_t bio_refused;     /**< Wire bytes the last BIO write could not hand to TCP. */
	uint32_t cert_gen;        /**< Certificate generation of a server SSL. */
	uint16_t gen;             /**< Handle generation (bumped on release). */
	uint16_t version;         /**< Negotiated wire version, 0 before. */
	uint16_t rec_ovh;         /**< Most wire bytes one record adds (set at handshake done). */
	uint8_t state;            /**< enum dp_tls_state */
	uint8_t role;             /**< enum dp_tls_role */
	uint8_t ssl_role;         /**< Role of the SSL object kept in this entry. */
	uint8_t reason;           /**< enum dp_tls_close_reason, for `closed`. */
	uint8_t flags;            /**< TLS_F_* */
	uint8_t q_on;             /**< enum tls_q */
	uint8_t tmo_on;           /**< enum tls_tq */
	uint8_t pad[3];
	uint64_t deadline_us;     /**< Timer list deadline. */
	uint64_t hs_start_us;     /**< TCP established (handshake start). */
	uint32_t hs_us;           /**< Handshake duration. */
	struct tls_link q;
	struct tls_link tmo;
	uint64_t rx_bytes, tx_bytes;
};

struct tls_listener {
	uint16_t port;            /**< 0 = slot free. */
	const struct dp_tls_app_ops *ops;
	void *arg;
};

/** Algorithms fetched once into the lcore's library context (CONVENTIONS.md §22). */
#define TLS_PREFETCH_MAX 32

struct tls_prefetch {
	uint8_t kind;             /**< What ptr is (tls_ctx.c), for freeing. */
	void *ptr;
};

/** The lcore's TLS instance (lc->tls). */
struct dp_tls_lcore {
	struct dp_tls_conf conf;
	struct tls_conn *conns;
	uint32_t n_conns;
	uint32_t n_used;
	struct tls_list free_none, free_srv, free_cli;
	struct tls_list hs_q;
	struct tls_list hs_tmo, close_tmo;
	struct tls_list reap;
	struct tls_listener listeners[DP_TLS_MAX_LISTENERS];
	uint8_t warm;             /**< The lcore thread's DRBGs exist (first dp_tls_poll()). */
	uint8_t pad[3];
	uint32_t cert_gen;        /**< Bumped by every dp_tls_set_cert(). */
	/* Cold: set-up and slow path. */
	OSSL_LIB_CTX *libctx;
	OSSL_PROVIDER *prov;
	SSL_CTX *srv_ctx, *cli_ctx;
	X509 *cert;               /**< Current link certificate (refs held by the SSL_CTX too). */
	EVP_PKEY *key;
	uint8_t *idcert_der;
	uint32_t idcert_len;
	uint32_t n_prefetch;
	struct tls_prefetch prefetch[TLS_PREFETCH_MAX];
	uint8_t scratch[TLS_SCRATCH];
};

/* ---- tls_bio.c ---- */

/** Create the BIO that connects @p c's SSL to its TCP connection. NULL on failure. */
BIO *tls_bio_new(struct tls_conn *c);
/** Take a reference on the process-wide BIO_METHOD (created on first use). @return 0 or -ENOMEM. */
int tls_bio_method_get(void);
/** Drop a reference; the last one frees the method. */
void tls_bio_method_put(void);

/* ---- tls_conn.c ---- */

/** Map a pool entry to its handle. */
static inline uint32_t
tls_conn_handle(const struct tls_conn *c)
{
	return ((uint32_t)c->gen & TLS_GEN_MASK) << TLS_IDX_BITS | c->idx;
}

/** Initialise the pool lists of @p t (all entries free, without SSL). */
void tls_conn_pool_init(struct dp_tls_lcore *t);
/** Free every SSL the pool holds (dp_tls_destroy). */
void tls_conn_pool_fini(struct dp_tls_lcore *t);
/** OpenSSL msg_callback: counts records and alerts. */
void tls_conn_msg_cb(int write_p, int version, int content_type, const void *buf, size_t len,
		     SSL *ssl, void *arg);

#endif /* DATAPLANE_TLS_TLS_INT_H */
