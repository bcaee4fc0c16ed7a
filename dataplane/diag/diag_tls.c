/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Diagnostic services over TLS: an echo server and a pattern client (diag.c's, on tls.h).
 *
 * Echo reads only as much plaintext as dp_tls_write() will take whole
 * (dp_tls_write_space()), so a slow reader closes the sender's TCP window
 * instead of growing memory, exactly as the TCP echo; after the peer's
 * close_notify (or end of TCP) and everything echoed, it closes.
 *
 * The client sends @c tls_client_bytes of the RFC 864 chargen pattern (the
 * position in the pattern is the only state: what dp_tls_write() does not
 * take is regenerated), reads the same number of bytes back, checks each
 * against the pattern, counts the run done and closes with close_notify.
 * A connection that ends before that counts as failed.
 *
 * Per-connection state comes from a pool sized to the TCP pool at start-up.
 */
#include <errno.h>
#include <string.h>

#include <rte_common.h>
#include <rte_malloc.h>

#include "dataplane/base/dp_ctr.h"
#include "dataplane/diag/diag.h"
#include "dataplane/tls/tls.h"

#define DIAG_TLS_CHUNK 16384u
#define DIAG_TLS_ECHO 1
#define DIAG_TLS_CLIENT 2

struct diag_tls_ctx {
	uint8_t kind;
	uint8_t in_use;
	uint8_t done;      /**< Client: every byte came back. */
	uint8_t pad;
	uint32_t next_free;
	uint64_t tx_off;   /**< Client: position in the pattern of the next byte to send. */
	uint64_t rx_off;   /**< Client: position of the next byte expected. */
};

struct dp_diag_tls_state {
	struct dp_diag_conf conf;
	struct diag_tls_ctx *ctx;
	uint32_t n_ctx;
	uint32_t free_head;
	uint8_t buf[DIAG_TLS_CHUNK];
	uint8_t expect[DIAG_TLS_CHUNK];
};

static struct diag_tls_ctx *
ctx_alloc(struct dp_diag_tls_state *d, uint8_t kind)
{
	struct diag_tls_ctx *c;

	if (d->free_head == UINT32_MAX)
		return NULL;
	c = &d->ctx[d->free_head];
	d->free_head = c->next_free;
	memset(c, 0, sizeof(*c));
	c->kind = kind;
	c->in_use = 1;
	return c;
}

static void
ctx_free(struct dp_diag_tls_state *d, struct diag_tls_ctx *c)
{
	if (c == NULL || !c->in_use)
		return;
	c->in_use = 0;
	c->next_free = d->free_head;
	d->free_head = (uint32_t)(c - d->ctx);
}

/* Echo what dp_tls_write() takes whole; close once the peer finished and all is echoed. */
static void
echo_pump(struct dp_lcore *lc, uint32_t h)
{
	struct dp_diag_tls_state *d = lc->diag_tls;

	for (;;) {
		uint32_t room = dp_tls_write_space(lc, h);
		int n, w;

		if (room == 0)
			return; /* `writable` resumes */
		n = dp_tls_read(lc, h, d->buf, RTE_MIN(room, DIAG_TLS_CHUNK));
		if (n == 0)
			return;
		if (n < 0) {
			dp_tls_close(lc, h);
			return;
		}
		DP_CTR_ADD(lc, diag_tls_rx_bytes, (uint64_t)n);
		w = dp_tls_write(lc, h, d->buf, (uint32_t)n);
		if (w > 0)
			DP_CTR_ADD(lc, diag_tls_tx_bytes, (uint64_t)w);
		if (w != n) {
			dp_tls_abort(lc, h); /* cannot happen (write space); never drop silently */
			return;
		}
	}
}

static void
client_push(struct dp_lcore *lc, uint32_t h, struct diag_tls_ctx *c)
{
	struct dp_diag_tls_state *d = lc->diag_tls;

	while (c->tx_off < d->conf.tls_client_bytes) {
		uint32_t room = dp_tls_write_space(lc, h), n;
		int w;

		if (room == 0)
			break;
		n = RTE_MIN(room, DIAG_TLS_CHUNK);
		if (d->conf.tls_client_bytes - c->tx_off < n)
			n = (uint32_t)(d->conf.tls_client_bytes - c->tx_off);
		dp_diag_chargen_fill(d->buf, n, c->tx_off);
		w = dp_tls_write(lc, h, d->buf, n);
		if (w <= 0)
			break;
		c->tx_off += (uint64_t)w;
		DP_CTR_ADD(lc, diag_tls_tx_bytes, (uint64_t)w);
	}
}

static void
client_finish(struct dp_lcore *lc, uint32_t h, struct diag_tls_ctx *c)
{
	if (!c->done && c->rx_off >= lc->diag_tls->conf.tls_client_bytes &&
	    c->tx_off >= lc->diag_tls->conf.tls_client_bytes) {
		c->done = 1;
		DP_CTR_INC(lc, diag_tls_client_done);
		dp_tls_close(lc, h);
	}
}

static void
client_recv(struct dp_lcore *lc, uint32_t h, struct diag_tls_ctx *c)
{
	struct dp_diag_tls_state *d = lc->diag_tls;
	int n;

	while (!c->done && (n = dp_tls_read(lc, h, d->buf, DIAG_TLS_CHUNK)) != 0) {
		uint64_t bad = 0;

		if (n < 0) {
			dp_tls_close(lc, h); /* the server stopped early: `closed` counts the failure */
			return;
		}
		dp_diag_chargen_fill(d->expect, (uint32_t)n, c->rx_off);
		for (int i = 0; i < n; i++)
			bad += d->buf[i] != d->expect[i];
		c->rx_off += (uint64_t)n;
		DP_CTR_ADD(lc, diag_tls_rx_bytes, (uint64_t)n);
		if (bad != 0)
			DP_CTR_ADD(lc, diag_tls_client_bad_bytes, bad);
		client_finish(lc, h, c);
	}
}

static int
on_accepted(struct dp_lcore *lc, uint32_t h, void *listen_arg, void **ctx)
{
	struct diag_tls_ctx *c = ctx_alloc(lc->diag_tls, (uint8_t)(uintptr_t)listen_arg);

	(void)h;
	if (c == NULL) {
		DP_CTR_INC(lc, diag_tls_no_ctx);
		return -ENOMEM;
	}
	*ctx = c;
	DP_CTR_INC(lc, diag_tls_conns);
	return 0;
}

static void
on_handshake_done(struct dp_lcore *lc, uint32_t h, void *ctx)
{
	struct diag_tls_ctx *c = ctx;

	if (c->kind != DIAG_TLS_CLIENT)
		return;
	client_push(lc, h, c);
	client_finish(lc, h, c); /* zero bytes: done at once */
}

static void
on_readable(struct dp_lcore *lc, uint32_t h, void *ctx)
{
	struct diag_tls_ctx *c = ctx;

	if (c->kind == DIAG_TLS_ECHO)
		echo_pump(lc, h);
	else
		client_recv(lc, h, c);
}

static void
on_writable(struct dp_lcore *lc, uint32_t h, void *ctx)
{
	struct diag_tls_ctx *c = ctx;

	if (c->kind == DIAG_TLS_ECHO)
		echo_pump(lc, h);
	else if (!c->done)
		client_push(lc, h, c);
}

static void
on_closed(struct dp_lcore *lc, uint32_t h, void *ctx, enum dp_tls_close_reason reason)
{
	struct diag_tls_ctx *c = ctx;

	(void)h;
	(void)reason;
	if (c != NULL && c->kind == DIAG_TLS_CLIENT && !c->done)
		DP_CTR_INC(lc, diag_tls_client_failed);
	ctx_free(lc->diag_tls, c);
}

static const struct dp_tls_app_ops diag_tls_ops = {
	.accepted = on_accepted,
	.handshake_done = on_handshake_done,
	.readable = on_readable,
	.writable = on_writable,
	.closed = on_closed,
};

int
dp_diag_tls_start(struct dp_lcore *lc, const struct dp_diag_conf *conf)
{
	struct dp_diag_tls_state *d;
	uint32_t n = lc->tcp.n_tcbs;
	int rc = 0;

	if (conf->tls_echo_port == 0 && conf->tls_client_ip == 0)
		return 0;
	d = rte_zmalloc("diag_tls", sizeof(*d), RTE_CACHE_LINE_SIZE);
	if (d == NULL)
		return -ENOMEM;
	d->ctx = rte_zmalloc("diag_tls_ctx", (size_t)n * sizeof(*d->ctx), RTE_CACHE_LINE_SIZE);
	if (d->ctx == NULL) {
		rte_free(d);
		return -ENOMEM;
	}
	d->conf = *conf;
	d->n_ctx = n;
	for (uint32_t i = 0; i < n; i++)
		d->ctx[i].next_free = i + 1 < n ? i + 1 : UINT32_MAX;
	d->free_head = n != 0 ? 0 : UINT32_MAX;
	lc->diag_tls = d;
	if (conf->tls_echo_port != 0)
		rc = dp_tls_accept_on(lc, conf->tls_echo_port, &diag_tls_ops,
				      (void *)(uintptr_t)DIAG_TLS_ECHO);
	for (uint32_t i = 0; rc == 0 && conf->tls_client_ip != 0 && i < conf->tls_client_conns; i++) {
		struct diag_tls_ctx *c = ctx_alloc(d, DIAG_TLS_CLIENT);
		uint32_t h;

		if (c == NULL)
			return -ENOMEM;
		rc = dp_tls_connect(lc, conf->tls_client_ip, conf->tls_client_port, &diag_tls_ops, c,
				    &h);
		if (rc != 0)
			ctx_free(d, c);
	}
	return rc;
}

void
dp_diag_tls_stop(struct dp_lcore *lc)
{
	if (lc->diag_tls == NULL)
		return;
	if (lc->diag_tls->conf.tls_echo_port != 0)
		dp_tls_unlisten(lc, lc->diag_tls->conf.tls_echo_port);
	rte_free(lc->diag_tls->ctx);
	rte_free(lc->diag_tls);
	lc->diag_tls = NULL;
}
