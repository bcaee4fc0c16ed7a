/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief TLS connections: the pool, the non-blocking handshake state machine, data and shutdown.
 *
 * A connection is a pool entry (struct tls_conn) joined to one TCP
 * connection: TCP's callbacks (tls_tcp_ops) drive it, and OpenSSL reaches
 * TCP through the entry's BIO (tls_bio.c). States and lists are described in
 * tls_int.h.
 *
 * Handshake: TCP events only mark a handshaking connection as wanting a
 * step (hs_q). dp_tls_poll() runs at most hs_budget SSL_do_handshake()
 * steps, first come first served; the rest wait (and are counted). A step
 * does whatever the bytes that arrived allow: on the server the first one
 * does the key share and the CertificateVerify signature, the expensive part
 * (hundreds of µs), which is why steps are bounded and their cycles counted.
 * Every handshake is also on hs_tmo from TCP established on; the head of that
 * FIFO is the next deadline.
 *
 * Writing: dp_tls_write() cuts plaintext into records of at most
 * DP_TLS_RECORD_MAX bytes (SSL_write per record, SSL_MODE_ENABLE_PARTIAL_WRITE)
 * while TCP's send buffer has room. When TCP takes a record only in part, the
 * BIO answers "retry" and the rest stays in OpenSSL's write buffer: those
 * plaintext bytes are committed (encrypted, sequence number spent) and
 * reported as taken; tls_conn.wpend remembers the record. It is flushed
 * before anything else is written, on TCP's `writable`, by repeating
 * SSL_write() with the same length (SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER; the
 * record is already encrypted in OpenSSL's buffer, so OpenSSL only resends
 * it and never reads the plaintext argument again). A TLS 1.3 KeyUpdate that
 * OpenSSL sends at the start of an SSL_write() and that blocks leaves the
 * SSL "in init" with our data untouched: that case is told apart with
 * SSL_in_init() and flushed with SSL_do_handshake().
 *
 * Closing: detaching from TCP (its context set to NULL, then close or abort)
 * and delivering `closed` are separate: the entry goes to the reap list and
 * dp_tls_poll() delivers `closed` and releases it, so no application
 * callback is ever made from inside an application's call.
 *
 * What allocates after launch (all inside OpenSSL): SSL_new() and its BIO
 * the first time a pool entry serves a role (kept and SSL_clear()ed after);
 * a handshake's transient state (key shares, transcript hashes, the peer's
 * certificate, the SNI name), freed by SSL_clear(); record buffers on first
 * use of an SSL (kept); the lcore thread's DRBG on the first poll (warm-up).
 */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_random.h>

#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "dataplane/base/dp_ctr.h"
#include "dataplane/net/tcp.h"
#include "dataplane/tls/tls_int.h"

/* How conn_finish() leaves TCP. */
enum tls_fin {
	TLS_FIN_CLOSE = 0, /**< Discard unread input, FIN after what is queued (alerts, close_notify). */
	TLS_FIN_ABORT,     /**< RST now. */
	TLS_FIN_GONE,      /**< TCP is already closed. */
};

static const struct dp_tcp_app_ops tls_tcp_ops;

/* ---- index lists (tls_int.h) ---- */

static struct tls_link *
lnk(struct tls_conn *c, bool tmo)
{
	return tmo ? &c->tmo : &c->q;
}

static void
list_init(struct tls_list *l)
{
	l->head = l->tail = TLS_NONE;
	l->n = 0;
}

static struct tls_conn *
list_head(struct dp_tls_lcore *t, const struct tls_list *l)
{
	return l->head == TLS_NONE ? NULL : &t->conns[l->head];
}

static void
list_push(struct dp_tls_lcore *t, struct tls_list *l, struct tls_conn *c, bool tmo)
{
	struct tls_link *k = lnk(c, tmo);

	k->prev = l->tail;
	k->next = TLS_NONE;
	if (l->tail == TLS_NONE)
		l->head = c->idx;
	else
		lnk(&t->conns[l->tail], tmo)->next = c->idx;
	l->tail = c->idx;
	l->n++;
}

static void
list_del(struct dp_tls_lcore *t, struct tls_list *l, struct tls_conn *c, bool tmo)
{
	struct tls_link *k = lnk(c, tmo);

	if (k->prev == TLS_NONE)
		l->head = k->next;
	else
		lnk(&t->conns[k->prev], tmo)->next = k->next;
	if (k->next == TLS_NONE)
		l->tail = k->prev;
	else
		lnk(&t->conns[k->next], tmo)->prev = k->prev;
	k->prev = k->next = TLS_NONE;
	l->n--;
}

static struct tls_list *
q_list(struct dp_tls_lcore *t, const struct tls_conn *c, uint8_t q)
{
	switch (q) {
	case TLS_Q_FREE:
		if (c->ssl == NULL)
			return &t->free_none;
		return c->ssl_role == DP_TLS_ROLE_SERVER ? &t->free_srv : &t->free_cli;
	case TLS_Q_HS:
		return &t->hs_q;
	default:
		return &t->reap;
	}
}

/* Move @p c to queue @p q (TLS_Q_NONE: off every queue). */
static void
q_set(struct dp_tls_lcore *t, struct tls_conn *c, uint8_t q)
{
	if (c->q_on == q)
		return;
	if (c->q_on != TLS_Q_NONE)
		list_del(t, q_list(t, c, c->q_on), c, false);
	c->q_on = q;
	if (q != TLS_Q_NONE)
		list_push(t, q_list(t, c, q), c, false);
}

/* Put @p c on timer list @p tq with @p deadline (TLS_TQ_NONE: off). */
static void
tmo_set(struct dp_tls_lcore *t, struct tls_conn *c, uint8_t tq, uint64_t deadline)
{
	if (c->tmo_on != TLS_TQ_NONE)
		list_del(t, c->tmo_on == TLS_TQ_HS ? &t->hs_tmo : &t->close_tmo, c, true);
	c->tmo_on = tq;
	c->deadline_us = deadline;
	if (tq != TLS_TQ_NONE)
		list_push(t, tq == TLS_TQ_HS ? &t->hs_tmo : &t->close_tmo, c, true);
}

/* ---- pool ---- */

void
tls_conn_pool_init(struct dp_tls_lcore *t)
{
	list_init(&t->free_none);
	list_init(&t->free_srv);
	list_init(&t->free_cli);
	list_init(&t->hs_q);
	list_init(&t->hs_tmo);
	list_init(&t->close_tmo);
	list_init(&t->reap);
	for (uint32_t i = 0; i < t->n_conns; i++) {
		struct tls_conn *c = &t->conns[i];

		c->q.prev = c->q.next = c->tmo.prev = c->tmo.next = TLS_NONE;
		c->tcp_h = TLS_NO_TCP;
		c->state = DP_TLS_STATE_FREE;
		c->q_on = TLS_Q_NONE;
		c->tmo_on = TLS_TQ_NONE;
		q_set(t, c, TLS_Q_FREE);
	}
	t->n_used = 0;
}

void
tls_conn_pool_fini(struct dp_tls_lcore *t)
{
	for (uint32_t i = 0; i < t->n_conns; i++) {
		SSL_free(t->conns[i].ssl); /* frees the BIO too */
		t->conns[i].ssl = NULL;
	}
}

static void
gauge(struct dp_lcore *lc)
{
	ipc_ctr_set(lc->ctr, DP_CTR_tls_conns, lc->tls->n_used);
}

/* Take an entry for @p role, preferring one whose SSL already has that role. */
static struct tls_conn *
conn_alloc(struct dp_lcore *lc, uint8_t role)
{
	struct dp_tls_lcore *t = lc->tls;
	struct tls_conn *c;

	c = list_head(t, role == DP_TLS_ROLE_SERVER ? &t->free_srv : &t->free_cli);
	if (c == NULL)
		c = list_head(t, &t->free_none);
	if (c == NULL)
		c = list_head(t, role == DP_TLS_ROLE_SERVER ? &t->free_cli : &t->free_srv);
	if (c == NULL) {
		DP_CTR_INC(lc, tls_no_conn);
		return NULL;
	}
	q_set(t, c, TLS_Q_NONE);
	c->role = role;
	c->state = DP_TLS_STATE_CONNECTING;
	t->n_used++;
	gauge(lc);
	return c;
}

/* Return @p c to the pool: reset its SSL for the next connection, bump the generation. */
static void
conn_release(struct dp_lcore *lc, struct tls_conn *c)
{
	struct dp_tls_lcore *t = lc->tls;

	q_set(t, c, TLS_Q_NONE);
	tmo_set(t, c, TLS_TQ_NONE, 0);
	if (c->ssl != NULL && SSL_clear(c->ssl) != 1) {
		SSL_free(c->ssl);
		c->ssl = NULL;
		DP_CTR_INC(lc, tls_ssl_fail);
	}
	ERR_clear_error();
	c->gen = (uint16_t)((c->gen + 1u) & TLS_GEN_MASK);
	c->ops = NULL;
	c->ctx = NULL;
	c->tcp_h = TLS_NO_TCP;
	c->wpend = 0;
	c->bio_refused = 0;
	c->version = 0;
	c->rec_ovh = 0;
	c->reason = 0;
	c->flags = 0;
	c->hs_us = 0;
	c->rx_bytes = c->tx_bytes = 0;
	c->state = DP_TLS_STATE_FREE;
	q_set(t, c, TLS_Q_FREE);
	t->n_used--;
	gauge(lc);
}

static struct tls_conn *
conn_get(struct dp_lcore *lc, uint32_t h)
{
	struct dp_tls_lcore *t = lc->tls;
	uint32_t idx = h & TLS_IDX_MASK;
	struct tls_conn *c;

	if (t == NULL || idx >= t->n_conns)
		return NULL;
	c = &t->conns[idx];
	if (c->gen != (h >> TLS_IDX_BITS) || c->state == DP_TLS_STATE_FREE ||
	    c->state == DP_TLS_STATE_DONE)
		return NULL;
	return c;
}

/* "www." + 8..20 random base32 characters + ".com", as tor's client SNI. */
static void
sni_name(char *out, size_t cap)
{
	static const char b32[] = "abcdefghijklmnopqrstuvwxyz234567";
	uint64_t r = rte_rand();
	size_t n = 8 + (size_t)(r % 13), i = 4;

	memcpy(out, "www.", 4);
	r = rte_rand();
	for (size_t k = 0; k < n && i + 5 < cap; k++) {
		if (k == 12)
			r = rte_rand();
		out[i++] = b32[r & 31];
		r >>= 5;
	}
	memcpy(out + i, ".com", 5);
}

/* Give @p c an SSL object for its role: reuse the one it keeps or make one. @return 0 or -ENOMEM. */
static int
conn_ssl_setup(struct dp_lcore *lc, struct tls_conn *c)
{
	struct dp_tls_lcore *t = lc->tls;
	char host[40];

	if (c->ssl != NULL && c->ssl_role != c->role) {
		SSL_free(c->ssl);
		c->ssl = NULL;
	}
	if (c->ssl == NULL) {
		SSL *s = SSL_new(c->role == DP_TLS_ROLE_SERVER ? t->srv_ctx : t->cli_ctx);
		BIO *b = s != NULL ? tls_bio_new(c) : NULL;

		if (b == NULL) {
			SSL_free(s);
			ERR_clear_error();
			DP_CTR_INC(lc, tls_ssl_fail);
			return -ENOMEM;
		}
		SSL_set_bio(s, b, b);
		SSL_set_app_data(s, c);
		c->ssl = s;
		c->ssl_role = c->role;
		c->cert_gen = t->cert_gen;
		DP_CTR_INC(lc, tls_ssl_new);
	} else {
		DP_CTR_INC(lc, tls_ssl_reused);
		/* An SSL keeps the certificate it was made with: give a reused one the current. */
		if (c->role == DP_TLS_ROLE_SERVER && c->cert_gen != t->cert_gen) {
			if (SSL_use_cert_and_key(c->ssl, t->cert, t->key, NULL, 1) != 1) {
				ERR_clear_error();
				DP_CTR_INC(lc, tls_ssl_fail);
				return -ENOMEM;
			}
			c->cert_gen = t->cert_gen;
		}
	}
	if (c->role == DP_TLS_ROLE_SERVER) {
		SSL_set_accept_state(c->ssl);
	} else {
		SSL_set_connect_state(c->ssl);
		sni_name(host, sizeof(host));
		if (SSL_set_tlsext_host_name(c->ssl, host) != 1) {
			ERR_clear_error();
			DP_CTR_INC(lc, tls_ssl_fail);
			return -ENOMEM;
		}
	}
	return 0;
}

/* ---- handshake ---- */

static void
hs_count_fail(struct dp_lcore *lc, const struct tls_conn *c, enum dp_tls_close_reason r)
{
	bool srv = c->role == DP_TLS_ROLE_SERVER;

	switch (r) {
	case DP_TLS_CLOSE_TIMEOUT:
	case DP_TLS_CLOSE_NET_TIMEOUT:
		if (srv)
			DP_CTR_INC(lc, tls_hs_fail_server_timeout);
		else
			DP_CTR_INC(lc, tls_hs_fail_client_timeout);
		break;
	case DP_TLS_CLOSE_PROTOCOL:
		if (srv)
			DP_CTR_INC(lc, tls_hs_fail_server_protocol);
		else
			DP_CTR_INC(lc, tls_hs_fail_client_protocol);
		break;
	case DP_TLS_CLOSE_PEER_CLOSED:
		if (srv)
			DP_CTR_INC(lc, tls_hs_fail_server_peer_closed);
		else
			DP_CTR_INC(lc, tls_hs_fail_client_peer_closed);
		break;
	default:
		if (srv)
			DP_CTR_INC(lc, tls_hs_fail_server_other);
		else
			DP_CTR_INC(lc, tls_hs_fail_client_other);
		break;
	}
}

/*
 * End @p c: leave TCP as @p how says (its context cleared first, so TCP's
 * later `closed` is not ours), and queue `closed` with @p r for dp_tls_poll().
 * Makes no application callback.
 */
static void
conn_finish(struct dp_lcore *lc, struct tls_conn *c, enum dp_tls_close_reason r, enum tls_fin how)
{
	struct dp_tls_lcore *t = lc->tls;
	uint32_t h = c->tcp_h;

	if (c->state == DP_TLS_STATE_HANDSHAKE)
		hs_count_fail(lc, c, r);
	tmo_set(t, c, TLS_TQ_NONE, 0);
	c->tcp_h = TLS_NO_TCP;
	if (h != TLS_NO_TCP && how != TLS_FIN_GONE) {
		dp_tcp_set_ctx(lc, h, NULL);
		if (how == TLS_FIN_ABORT) {
			dp_tcp_abort(lc, h);
		} else {
			/* Unread input would turn the FIN into a RST (RFC 2525 §2.17) and lose
			 * what we queued (an alert, close_notify). Bounded by the receive buffer. */
			while (dp_tcp_recv(lc, h, t->scratch, TLS_SCRATCH) > 0)
				;
			dp_tcp_close(lc, h);
		}
	}
	c->reason = (uint8_t)r;
	c->state = DP_TLS_STATE_DONE;
	q_set(t, c, TLS_Q_REAP);
}

static void
hs_start(struct dp_lcore *lc, struct tls_conn *c)
{
	struct dp_tls_lcore *t = lc->tls;

	c->state = DP_TLS_STATE_HANDSHAKE;
	c->hs_start_us = lc->now_us;
	tmo_set(t, c, TLS_TQ_HS, lc->now_us + t->conf.hs_timeout_us);
	if (c->role == DP_TLS_ROLE_SERVER)
		DP_CTR_INC(lc, tls_hs_started_server);
	else
		DP_CTR_INC(lc, tls_hs_started_client);
}

/* Ask for a handshake step of @p c at the next dp_tls_poll(). */
static void
hs_want(struct dp_lcore *lc, struct tls_conn *c)
{
	if (c->state == DP_TLS_STATE_HANDSHAKE)
		q_set(lc->tls, c, TLS_Q_HS);
}

/* Most wire bytes one record adds to its plaintext, for the negotiated suite. */
static uint16_t
record_overhead(const SSL *s)
{
	const SSL_CIPHER *ci = SSL_get_current_cipher(s);
	uint16_t mac;

	if (SSL_version(s) == TLS1_3_VERSION)
		return 5 + 1 + 16; /* header, inner content type, AEAD tag (RFC 8446 §5.2) */
	if (ci == NULL)
		return 5 + 16 + 64 + 16;
	if (SSL_CIPHER_is_aead(ci))
		/* RFC 7905: no explicit nonce; RFC 5288: 8-byte explicit nonce. */
		return SSL_CIPHER_get_cipher_nid(ci) == NID_chacha20_poly1305 ? 5 + 16 : 5 + 8 + 16;
	switch (SSL_CIPHER_get_digest_nid(ci)) {
	case NID_sha1:
		mac = 20;
		break;
	case NID_sha256:
		mac = 32;
		break;
	case NID_sha384:
		mac = 48;
		break;
	default:
		mac = 64;
		break;
	}
	return (uint16_t)(5 + 16 + mac + 16); /* header, explicit IV, MAC, padding (1..16) */
}

static void
hs_done(struct dp_lcore *lc, struct tls_conn *c)
{
	struct dp_tls_lcore *t = lc->tls;
	uint32_t h = tls_conn_handle(c);

	tmo_set(t, c, TLS_TQ_NONE, 0);
	q_set(t, c, TLS_Q_NONE);
	c->state = DP_TLS_STATE_OPEN;
	c->hs_us = (uint32_t)RTE_MIN(lc->now_us - c->hs_start_us, (uint64_t)UINT32_MAX);
	c->version = (uint16_t)SSL_version(c->ssl);
	c->rec_ovh = record_overhead(c->ssl);
	if (c->version == TLS1_3_VERSION)
		DP_CTR_INC(lc, tls_v13);
	else
		DP_CTR_INC(lc, tls_v12);
	if (c->role == DP_TLS_ROLE_SERVER)
		DP_CTR_INC(lc, tls_hs_done_server);
	else
		DP_CTR_INC(lc, tls_hs_done_client);
	if (c->ops != NULL && c->ops->handshake_done != NULL)
		c->ops->handshake_done(lc, h, c->ctx);
	if (conn_get(lc, h) != c || c->state != DP_TLS_STATE_OPEN)
		return; /* closed from the callback */
	/* Read-ahead may have pulled application data in with the last handshake flight. */
	if (c->ops != NULL && c->ops->readable != NULL &&
	    (SSL_has_pending(c->ssl) || dp_tcp_readable(lc, c->tcp_h) != 0 ||
	     (c->flags & TLS_F_PEER_FIN)))
		c->ops->readable(lc, h, c->ctx);
}

/*
 * Classify a failed SSL call: true if it failed because the peer ended TCP
 * (end of stream without close_notify, or TCP gone under the BIO), false for
 * a TLS protocol error (bad record, fatal alert received, negotiation failed).
 * Looks at the error queue, so call before clearing it.
 */
static bool
ssl_failed_on_eof(const SSL *s, int r)
{
	int e = SSL_get_error(s, r);

	return e == SSL_ERROR_SYSCALL ||
	       (e == SSL_ERROR_SSL &&
		ERR_GET_REASON(ERR_peek_error()) == SSL_R_UNEXPECTED_EOF_WHILE_READING);
}

/* One SSL_do_handshake() step of @p c (dp_tls_poll only: the budgeted context). */
static void
hs_step(struct dp_lcore *lc, struct tls_conn *c)
{
	uint64_t t0 = rte_rdtsc();
	int r = SSL_do_handshake(c->ssl);
	bool eof;

	DP_CTR_ADD(lc, tls_hs_cycles, rte_rdtsc() - t0);
	DP_CTR_INC(lc, tls_hs_steps);
	if (r == 1) {
		hs_done(lc, c);
		return;
	}
	switch (SSL_get_error(c->ssl, r)) {
	case SSL_ERROR_WANT_READ:
	case SSL_ERROR_WANT_WRITE:
		return; /* TCP's readable or writable brings it back */
	default:
		eof = ssl_failed_on_eof(c->ssl, r);
		ERR_clear_error();
		c->flags |= TLS_F_SSL_FAILED;
		/* Whatever alert OpenSSL wrote is in TCP's queue: FIN after it. */
		conn_finish(lc, c, eof ? DP_TLS_CLOSE_PEER_CLOSED : DP_TLS_CLOSE_PROTOCOL,
			    TLS_FIN_CLOSE);
		return;
	}
}

/* ---- data ---- */

/* Mark @p c failed after a fatal OpenSSL error and close it. */
static void
conn_fail(struct dp_lcore *lc, struct tls_conn *c)
{
	ERR_clear_error();
	c->flags |= TLS_F_SSL_FAILED;
	conn_finish(lc, c, DP_TLS_CLOSE_PROTOCOL, TLS_FIN_CLOSE);
}

/*
 * Flush what OpenSSL holds for @p c: the rest of an application record
 * (wpend), then a blocked TLS 1.3 KeyUpdate.
 *
 * @return
 *   0 nothing left; 1 still waiting for TCP room; -1 the session failed (finished).
 */
static int
open_flush(struct dp_lcore *lc, struct tls_conn *c)
{
	int r;

	if (c->wpend != 0) {
		/* Same length as the blocked call; OpenSSL resends its buffer (file comment). */
		r = SSL_write(c->ssl, lc->tls->scratch, (int)c->wpend);
		if (r <= 0) {
			int e = SSL_get_error(c->ssl, r);

			if (e == SSL_ERROR_WANT_WRITE || e == SSL_ERROR_WANT_READ)
				return 1;
			conn_fail(lc, c);
			return -1;
		}
		c->wpend = 0;
	}
	if (SSL_in_init(c->ssl)) {
		r = SSL_do_handshake(c->ssl);
		if (r != 1) {
			int e = SSL_get_error(c->ssl, r);

			if (e == SSL_ERROR_WANT_WRITE || e == SSL_ERROR_WANT_READ)
				return 1;
			conn_fail(lc, c);
			return -1;
		}
	}
	return 0;
}

/* Plaintext whose records fill @p wire bytes at most, for overhead @p ovh per record. */
static uint32_t
plain_for(uint32_t wire, uint32_t ovh)
{
	uint32_t full = wire / (DP_TLS_RECORD_MAX + ovh), rem = wire % (DP_TLS_RECORD_MAX + ovh);

	return full * DP_TLS_RECORD_MAX + (rem > ovh ? rem - ovh : 0);
}

int
dp_tls_read(struct dp_lcore *lc, uint32_t h, void *buf, uint32_t len)
{
	struct tls_conn *c = conn_get(lc, h);
	int n;

	if (c == NULL)
		return -EBADF;
	if (c->state == DP_TLS_STATE_CONNECTING || c->state == DP_TLS_STATE_HANDSHAKE)
		return -ENOTCONN;
	if (c->state != DP_TLS_STATE_OPEN || (c->flags & TLS_F_RD_DONE))
		return -EPIPE;
	if (c->flags & TLS_F_SSL_FAILED)
		return -EPROTO;
	if (len == 0)
		return 0;
	n = SSL_read(c->ssl, buf, len > INT_MAX ? INT_MAX : (int)len);
	if (n > 0) {
		c->rx_bytes += (uint64_t)n;
		DP_CTR_ADD(lc, tls_rx_bytes, (uint64_t)n);
		return n;
	}
	switch (SSL_get_error(c->ssl, n)) {
	case SSL_ERROR_WANT_READ:
	case SSL_ERROR_WANT_WRITE:
		return 0;
	case SSL_ERROR_ZERO_RETURN:
		c->flags |= TLS_F_CLOSE_NOTIFY | TLS_F_RD_DONE;
		return -EPIPE;
	default:
		if (ssl_failed_on_eof(c->ssl, n)) {
			/* The peer ended TCP without close_notify (tor often does). */
			ERR_clear_error();
			c->flags |= TLS_F_RD_DONE | TLS_F_SSL_FAILED;
			return -EPIPE;
		}
		conn_fail(lc, c);
		return -EPROTO;
	}
}

int
dp_tls_write(struct dp_lcore *lc, uint32_t h, const void *buf, uint32_t len)
{
	struct tls_conn *c = conn_get(lc, h);
	const uint8_t *p = buf;
	uint32_t taken = 0;
	int f;

	if (c == NULL)
		return -EBADF;
	if (c->state == DP_TLS_STATE_CONNECTING || c->state == DP_TLS_STATE_HANDSHAKE)
		return -ENOTCONN;
	if (c->state != DP_TLS_STATE_OPEN || (c->flags & TLS_F_SSL_FAILED))
		return -EPIPE;
	if (len > INT_MAX)
		len = INT_MAX;
	f = open_flush(lc, c);
	if (f < 0)
		return -EPIPE;
	if (f > 0) {
		c->flags |= TLS_F_WANT_WRITABLE;
		return 0;
	}
	/* One record per SSL_write, while TCP has room (bounded by @p len). */
	while (taken < len && dp_tcp_send_space(lc, c->tcp_h) != 0) {
		uint32_t chunk = RTE_MIN(len - taken, DP_TLS_RECORD_MAX);
		int n = SSL_write(c->ssl, p + taken, (int)chunk);
		int e;

		if (n > 0) {
			taken += (uint32_t)n;
			continue;
		}
		e = SSL_get_error(c->ssl, n);
		if (e == SSL_ERROR_WANT_WRITE && !SSL_in_init(c->ssl)) {
			/* Our record is built; TCP took part of it, OpenSSL keeps the rest. */
			c->wpend = chunk;
			taken += chunk;
			break;
		}
		if (e == SSL_ERROR_WANT_WRITE || e == SSL_ERROR_WANT_READ)
			break; /* a KeyUpdate went first and blocked: our bytes were not used */
		conn_fail(lc, c);
		return -EPIPE;
	}
	if (taken < len)
		c->flags |= TLS_F_WANT_WRITABLE;
	c->tx_bytes += taken;
	DP_CTR_ADD(lc, tls_tx_bytes, taken);
	return (int)taken;
}

uint32_t
dp_tls_write_space(struct dp_lcore *lc, uint32_t h)
{
	struct tls_conn *c = conn_get(lc, h);
	uint32_t s, p;

	if (c == NULL || c->state != DP_TLS_STATE_OPEN || (c->flags & TLS_F_SSL_FAILED))
		return 0;
	s = c->wpend == 0 && !SSL_in_init(c->ssl) ? dp_tcp_send_space(lc, c->tcp_h) : 0;
	if (s == 0) {
		c->flags |= TLS_F_WANT_WRITABLE;
		return 0;
	}
	/* Records that fit, or one record (dp_tls_write always takes its first record). */
	p = plain_for(s, c->rec_ovh);
	return p > DP_TLS_RECORD_MAX ? p : DP_TLS_RECORD_MAX;
}

uint32_t
dp_tls_writable_bytes(struct dp_lcore *lc, uint32_t h)
{
	struct tls_conn *c = conn_get(lc, h);
	uint32_t s, space;

	if (c == NULL || c->state != DP_TLS_STATE_OPEN || (c->flags & TLS_F_SSL_FAILED) ||
	    c->wpend != 0 || SSL_in_init(c->ssl))
		return 0;
	s = dp_tcp_sendable(lc, c->tcp_h);
	space = dp_tcp_send_space(lc, c->tcp_h);
	return plain_for(RTE_MIN(s, space), c->rec_ovh);
}

/* Send close_notify (after anything pending) and close TCP; or wait in CLOSING for room. */
static void
close_continue(struct dp_lcore *lc, struct tls_conn *c)
{
	enum dp_tls_close_reason r = DP_TLS_CLOSE_NORMAL;

	if ((c->flags & (TLS_F_EOF | TLS_F_PEER_FIN)) && !(c->flags & TLS_F_CLOSE_NOTIFY))
		r = DP_TLS_CLOSE_PEER_CLOSED;
	if (!(c->flags & TLS_F_SSL_FAILED)) {
		int f = open_flush(lc, c);

		if (f < 0)
			return;
		if (f == 0 && SSL_shutdown(c->ssl) < 0) {
			/* 0 and 1 both mean close_notify went to TCP; we do not wait for the peer's. */
			if (SSL_get_error(c->ssl, -1) == SSL_ERROR_WANT_WRITE)
				f = 1;
			else
				ERR_clear_error();
		}
		if (f > 0) {
			if (c->state != DP_TLS_STATE_CLOSING) {
				c->state = DP_TLS_STATE_CLOSING;
				tmo_set(lc->tls, c, TLS_TQ_CLOSE,
					lc->now_us + lc->tls->conf.close_timeout_us);
			}
			return;
		}
	}
	conn_finish(lc, c, r, TLS_FIN_CLOSE);
}

int
dp_tls_close(struct dp_lcore *lc, uint32_t h)
{
	struct tls_conn *c = conn_get(lc, h);

	if (c == NULL)
		return -EBADF;
	c->flags |= TLS_F_APP_CLOSED;
	switch (c->state) {
	case DP_TLS_STATE_OPEN:
		close_continue(lc, c);
		break;
	case DP_TLS_STATE_CLOSING:
		break;
	default: /* no TLS session yet: no close_notify (SSL_shutdown refuses in init) */
		conn_finish(lc, c, DP_TLS_CLOSE_NORMAL, TLS_FIN_CLOSE);
		break;
	}
	return 0;
}

int
dp_tls_abort(struct dp_lcore *lc, uint32_t h)
{
	struct tls_conn *c = conn_get(lc, h);

	if (c == NULL)
		return -EBADF;
	conn_finish(lc, c, DP_TLS_CLOSE_ABORTED, TLS_FIN_ABORT);
	return 0;
}

/* ---- TCP callbacks ---- */

/*
 * The connection TCP's callback is about, or NULL when it is no longer ours:
 * TCP may still deliver `closed` (or events of a burst) with the context it
 * had before conn_finish() detached, when the tcb was already dead; by then
 * the entry may serve another TCP connection, so the handle must match.
 */
static struct tls_conn *
tcp_conn(void *ctx, uint32_t tcp_h)
{
	struct tls_conn *c = ctx;

	return c != NULL && c->tcp_h == tcp_h ? c : NULL;
}

static int
tcp_accepted(struct dp_lcore *lc, uint32_t tcp_h, void *listen_arg, void **ctx)
{
	const struct tls_listener *l = listen_arg;
	struct dp_tls_lcore *t = lc->tls;
	struct tls_conn *c;

	if (t == NULL || l == NULL || l->port == 0)
		return -EINVAL;
	if (t->cert == NULL) {
		DP_CTR_INC(lc, tls_no_cert);
		return -ENOKEY;
	}
	c = conn_alloc(lc, DP_TLS_ROLE_SERVER);
	if (c == NULL)
		return -ENOMEM;
	c->tcp_h = tcp_h;
	c->ops = l->ops;
	if (conn_ssl_setup(lc, c) != 0) {
		conn_release(lc, c);
		return -ENOMEM;
	}
	c->state = DP_TLS_STATE_HANDSHAKE;
	if (l->ops != NULL && l->ops->accepted != NULL &&
	    l->ops->accepted(lc, tls_conn_handle(c), l->arg, &c->ctx) != 0) {
		c->tcp_h = TLS_NO_TCP;
		conn_release(lc, c);
		return -ECONNREFUSED;
	}
	if (c->state != DP_TLS_STATE_HANDSHAKE)
		return 0; /* closed from `accepted`: TCP is detached already */
	hs_start(lc, c);
	*ctx = c;
	return 0;
}

static void
tcp_connected(struct dp_lcore *lc, uint32_t tcp_h, void *ctx)
{
	struct tls_conn *c = tcp_conn(ctx, tcp_h);

	if (c == NULL || c->state != DP_TLS_STATE_CONNECTING)
		return;
	hs_start(lc, c);
	hs_want(lc, c); /* the client speaks first */
}

static void
tcp_readable(struct dp_lcore *lc, uint32_t tcp_h, void *ctx)
{
	struct tls_conn *c = tcp_conn(ctx, tcp_h);

	if (c == NULL)
		return;
	switch (c->state) {
	case DP_TLS_STATE_HANDSHAKE:
		hs_want(lc, c);
		break;
	case DP_TLS_STATE_OPEN:
		if (c->ops != NULL && c->ops->readable != NULL)
			c->ops->readable(lc, tls_conn_handle(c), c->ctx);
		break;
	case DP_TLS_STATE_CLOSING:
		/* The application is gone: keep the window open, drop the bytes. */
		while (dp_tcp_recv(lc, tcp_h, lc->tls->scratch, TLS_SCRATCH) > 0)
			;
		break;
	default:
		break;
	}
}

static void
tcp_writable(struct dp_lcore *lc, uint32_t tcp_h, void *ctx)
{
	struct tls_conn *c = tcp_conn(ctx, tcp_h);
	if (c == NULL)
		return;
	switch (c->state) {
	case DP_TLS_STATE_HANDSHAKE:
		hs_want(lc, c);
		break;
	case DP_TLS_STATE_OPEN:
		if (open_flush(lc, c) != 0 || !(c->flags & TLS_F_WANT_WRITABLE))
			break;
		c->flags &= (uint8_t)~TLS_F_WANT_WRITABLE;
		if (c->ops != NULL && c->ops->writable != NULL)
			c->ops->writable(lc, tls_conn_handle(c), c->ctx);
		break;
	case DP_TLS_STATE_CLOSING:
		close_continue(lc, c);
		break;
	default:
		break;
	}
}

static void
tcp_peer_fin(struct dp_lcore *lc, uint32_t tcp_h, void *ctx)
{
	struct tls_conn *c = tcp_conn(ctx, tcp_h);
	if (c == NULL)
		return;
	c->flags |= TLS_F_PEER_FIN;
	if (c->state == DP_TLS_STATE_HANDSHAKE)
		hs_want(lc, c);
	else if (c->state == DP_TLS_STATE_OPEN && c->ops != NULL && c->ops->readable != NULL)
		c->ops->readable(lc, tls_conn_handle(c), c->ctx);
}

static void
tcp_closed(struct dp_lcore *lc, uint32_t tcp_h, void *ctx, enum dp_tcp_close_reason reason)
{
	struct tls_conn *c = tcp_conn(ctx, tcp_h);
	enum dp_tls_close_reason r;

	if (c == NULL)
		return;
	switch (reason) {
	case DP_TCP_CLOSE_NORMAL:
		r = (c->flags & (TLS_F_CLOSE_NOTIFY | TLS_F_APP_CLOSED)) ? DP_TLS_CLOSE_NORMAL
									 : DP_TLS_CLOSE_PEER_CLOSED;
		break;
	case DP_TCP_CLOSE_RESET:
		r = DP_TLS_CLOSE_PEER_CLOSED;
		break;
	case DP_TCP_CLOSE_REFUSED:
		r = DP_TLS_CLOSE_REFUSED;
		break;
	case DP_TCP_CLOSE_TIMEOUT:
		r = DP_TLS_CLOSE_NET_TIMEOUT;
		break;
	case DP_TCP_CLOSE_NOMEM:
		r = DP_TLS_CLOSE_NOMEM;
		break;
	default:
		r = DP_TLS_CLOSE_ABORTED;
		break;
	}
	c->tcp_h = TLS_NO_TCP;
	conn_finish(lc, c, r, TLS_FIN_GONE);
}

static const struct dp_tcp_app_ops tls_tcp_ops = {
	.accepted = tcp_accepted,
	.connected = tcp_connected,
	.readable = tcp_readable,
	.writable = tcp_writable,
	.peer_fin = tcp_peer_fin,
	.closed = tcp_closed,
};

/* ---- opening ---- */

int
dp_tls_accept_on(struct dp_lcore *lc, uint16_t port, const struct dp_tls_app_ops *ops,
		 void *listen_arg)
{
	struct dp_tls_lcore *t = lc->tls;
	struct tls_listener *l = NULL;
	int rc;

	if (t == NULL)
		return -ENODEV;
	for (uint32_t i = 0; i < DP_TLS_MAX_LISTENERS; i++) {
		if (t->listeners[i].port == port)
			return -EADDRINUSE;
		if (l == NULL && t->listeners[i].port == 0)
			l = &t->listeners[i];
	}
	if (l == NULL)
		return -ENOSPC;
	l->ops = ops;
	l->arg = listen_arg;
	rc = dp_tcp_listen(lc, port, &tls_tcp_ops, l);
	if (rc != 0)
		return rc;
	l->port = port;
	return 0;
}

int
dp_tls_unlisten(struct dp_lcore *lc, uint16_t port)
{
	struct dp_tls_lcore *t = lc->tls;

	if (t == NULL || port == 0)
		return -ENOENT;
	for (uint32_t i = 0; i < DP_TLS_MAX_LISTENERS; i++) {
		if (t->listeners[i].port != port)
			continue;
		dp_tcp_unlisten(lc, port);
		memset(&t->listeners[i], 0, sizeof(t->listeners[i]));
		return 0;
	}
	return -ENOENT;
}

int
dp_tls_connect(struct dp_lcore *lc, uint32_t raddr, uint16_t rport,
	       const struct dp_tls_app_ops *ops, void *ctx, uint32_t *h)
{
	struct tls_conn *c;
	uint32_t tcp_h;
	int rc;

	if (lc->tls == NULL)
		return -ENODEV;
	c = conn_alloc(lc, DP_TLS_ROLE_CLIENT);
	if (c == NULL)
		return -ENOMEM;
	c->ops = ops;
	c->ctx = ctx;
	if (conn_ssl_setup(lc, c) != 0) {
		conn_release(lc, c);
		return -ENOMEM;
	}
	rc = dp_tcp_connect(lc, raddr, rport, &tls_tcp_ops, c, &tcp_h);
	if (rc != 0) {
		conn_release(lc, c);
		return rc;
	}
	c->tcp_h = tcp_h;
	*h = tls_conn_handle(c);
	return 0;
}

/* ---- the poll ---- */

/* Create the lcore thread's DRBGs in our library context before the first handshake needs them. */
static void
tls_warm(struct dp_tls_lcore *t)
{
	uint8_t b[16];

	RAND_bytes_ex(t->libctx, b, sizeof(b), 0);
	RAND_priv_bytes_ex(t->libctx, b, sizeof(b), 0);
	ERR_clear_error();
	t->warm = 1;
}

uint32_t
dp_tls_poll(struct dp_lcore *lc)
{
	struct dp_tls_lcore *t = lc->tls;
	struct tls_conn *c;
	uint32_t work = 0, n;

	if (t == NULL)
		return 0;
	if (unlikely(!t->warm))
		tls_warm(t);
	/* Timer lists are FIFOs of one duration each: the heads are the earliest deadlines. */
	for (n = 0; n < DP_TLS_EXPIRE_PER_POLL && (c = list_head(t, &t->hs_tmo)) != NULL &&
		    c->deadline_us <= lc->now_us;
	     n++, work++)
		conn_finish(lc, c, DP_TLS_CLOSE_TIMEOUT, TLS_FIN_ABORT);
	for (n = 0; n < DP_TLS_EXPIRE_PER_POLL && (c = list_head(t, &t->close_tmo)) != NULL &&
		    c->deadline_us <= lc->now_us;
	     n++, work++) {
		DP_CTR_INC(lc, tls_close_timeout);
		conn_finish(lc, c, DP_TLS_CLOSE_TIMEOUT, TLS_FIN_ABORT);
	}
	/* At most hs_budget handshake steps, first come first served. */
	for (n = 0; n < t->conf.hs_budget && (c = list_head(t, &t->hs_q)) != NULL; n++, work++) {
		q_set(t, c, TLS_Q_NONE);
		hs_step(lc, c);
	}
	if (t->hs_q.n != 0)
		DP_CTR_ADD(lc, tls_hs_deferred, t->hs_q.n);
	/* Deliver `closed`: release first, so the callback may reuse the entry at once. */
	for (n = 0; n < DP_TLS_REAP_PER_POLL && (c = list_head(t, &t->reap)) != NULL; n++, work++) {
		const struct dp_tls_app_ops *ops = c->ops;
		void *ctx = c->ctx;
		uint32_t h = tls_conn_handle(c);
		enum dp_tls_close_reason r = (enum dp_tls_close_reason)c->reason;

		conn_release(lc, c);
		if (ops != NULL && ops->closed != NULL)
			ops->closed(lc, h, ctx, r);
	}
	return work;
}

/* ---- accessors ---- */

void
tls_conn_msg_cb(int write_p, int version, int content_type, const void *buf, size_t len, SSL *ssl,
		void *arg)
{
	const struct tls_conn *c = SSL_get_app_data(ssl);
	const uint8_t *b = buf;

	(void)version;
	(void)arg;
	if (c == NULL)
		return;
	if (content_type == SSL3_RT_HEADER) {
		if (write_p)
			DP_CTR_INC(c->lc, tls_tx_records);
		else
			DP_CTR_INC(c->lc, tls_rx_records);
	} else if (content_type == SSL3_RT_ALERT && len >= 2) {
		if (write_p)
			DP_CTR_INC(c->lc, tls_alerts_sent);
		else
			DP_CTR_INC(c->lc, tls_alerts_rcvd);
		if (b[1] == SSL_AD_CLOSE_NOTIFY) {
			if (write_p)
				DP_CTR_INC(c->lc, tls_close_notify_sent);
			else
				DP_CTR_INC(c->lc, tls_close_notify_rcvd);
		}
	}
}

static int
cert_copy(X509 *x, uint8_t *buf, uint32_t cap)
{
	unsigned char *p = buf;
	int n;

	if (x == NULL)
		return -ENOENT;
	n = i2d_X509(x, NULL);
	if (n <= 0) {
		ERR_clear_error();
		return -ENOENT;
	}
	if ((uint32_t)n > cap)
		return -ENOSPC;
	return i2d_X509(x, &p);
}

int
dp_tls_peer_cert_der(struct dp_lcore *lc, uint32_t h, uint8_t *buf, uint32_t cap)
{
	struct tls_conn *c = conn_get(lc, h);

	if (c == NULL)
		return -EBADF;
	if (c->state == DP_TLS_STATE_CONNECTING || c->state == DP_TLS_STATE_HANDSHAKE)
		return -ENOTCONN;
	return cert_copy(SSL_get0_peer_certificate(c->ssl), buf, cap);
}

int
dp_tls_own_cert_der(struct dp_lcore *lc, uint32_t h, uint8_t *buf, uint32_t cap)
{
	struct tls_conn *c = conn_get(lc, h);

	if (c == NULL)
		return -EBADF;
	if (c->role != DP_TLS_ROLE_SERVER)
		return -ENOENT;
	return cert_copy(SSL_get_certificate(c->ssl), buf, cap);
}

int
dp_tls_export_keying_material(struct dp_lcore *lc, uint32_t h, uint8_t *out, size_t out_len,
			      const char *label, size_t label_len, const uint8_t *context,
			      size_t context_len)
{
	struct tls_conn *c = conn_get(lc, h);

	if (c == NULL)
		return -EBADF;
	if (c->state == DP_TLS_STATE_CONNECTING || c->state == DP_TLS_STATE_HANDSHAKE)
		return -ENOTCONN;
	if (out == NULL || label == NULL || out_len == 0)
		return -EINVAL;
	if (SSL_export_keying_material(c->ssl, out, out_len, label, label_len, context,
				       context != NULL ? context_len : 0, context != NULL) != 1) {
		ERR_clear_error();
		return -EINVAL;
	}
	return 0;
}

int
dp_tls_info(struct dp_lcore *lc, uint32_t h, struct dp_tls_info *out)
{
	struct tls_conn *c = conn_get(lc, h);

	if (c == NULL)
		return -EBADF;
	memset(out, 0, sizeof(*out));
	out->state = c->state;
	out->role = c->role;
	out->version = c->version;
	out->cipher = c->version != 0 ? SSL_get_cipher_name(c->ssl) : "";
	out->tcp_h = c->tcp_h;
	out->hs_us = c->hs_us;
	out->record_overhead = c->rec_ovh;
	out->rx_bytes = c->rx_bytes;
	out->tx_bytes = c->tx_bytes;
	return 0;
}

int
dp_tls_set_ctx(struct dp_lcore *lc, uint32_t h, void *ctx)
{
	struct tls_conn *c = conn_get(lc, h);

	if (c == NULL)
		return -EBADF;
	c->ctx = ctx;
	return 0;
}
