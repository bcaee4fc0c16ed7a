/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief echo (RFC 862), discard (RFC 863), chargen (RFC 864) and a pattern client.
 *
 * Per-connection state comes from a pool allocated at start-up (one entry
 * per possible TCP connection), so nothing is allocated after launch. The
 * services move data only through the TCP API: dp_tcp_send_space() first,
 * then exactly that much, so the send queue never refuses what was read.
 */
#include <errno.h>
#include <string.h>

#include <rte_malloc.h>

#include "dataplane/base/dp_ctr.h"
#include "dataplane/diag/diag.h"
#include "dataplane/net/tcp.h"

#define DIAG_CHUNK 16384u
#define DIAG_ECHO 1
#define DIAG_DISCARD 2
#define DIAG_CHARGEN 3
#define DIAG_CLIENT 4

struct diag_ctx {
	uint8_t kind;
	uint8_t fin_sent;
	uint8_t in_use;
	uint8_t pad;
	uint32_t next_free;
	uint64_t tx_off;   /**< Bytes sent (chargen and client: position in the pattern). */
	uint64_t rx_off;   /**< Bytes received (client: position in the pattern). */
};

struct dp_diag_state {
	struct dp_diag_conf conf;
	struct diag_ctx *ctx;
	uint32_t n_ctx;
	uint32_t free_head;
	uint8_t buf[DIAG_CHUNK];
};

uint8_t
dp_diag_chargen_byte(uint64_t off)
{
	/* RFC 864: line k holds the 72 printable characters starting at position k of
	 * the 95-character ring 0x20..0x7e, then CR LF; 74 bytes per line. */
	uint64_t line = off / 74, col = off % 74;

	if (col == 72)
		return '\r';
	if (col == 73)
		return '\n';
	return (uint8_t)(0x20 + (line + col) % 95);
}

/* One period of the stream: 95 lines of 74 bytes; filled once at start-up. */
#define CHARGEN_PERIOD (95u * 74u)
static uint8_t chargen_period[CHARGEN_PERIOD];

void
dp_diag_chargen_fill(uint8_t *buf, uint32_t len, uint64_t off)
{
	uint32_t pos = (uint32_t)(off % CHARGEN_PERIOD);

	if (chargen_period[CHARGEN_PERIOD - 1] != '\n')
		for (uint32_t i = 0; i < CHARGEN_PERIOD; i++)
			chargen_period[i] = dp_diag_chargen_byte(i);
	while (len != 0) {
		uint32_t n = CHARGEN_PERIOD - pos < len ? CHARGEN_PERIOD - pos : len;

		memcpy(buf, chargen_period + pos, n);
		buf += n;
		len -= n;
		pos = 0;
	}
}

static struct diag_ctx *
ctx_alloc(struct dp_diag_state *d, uint8_t kind)
{
	struct diag_ctx *c;

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
ctx_free(struct dp_diag_state *d, struct diag_ctx *c)
{
	if (c == NULL || !c->in_use)
		return;
	c->in_use = 0;
	c->next_free = d->free_head;
	d->free_head = (uint32_t)(c - d->ctx);
}

/* Echo what can be sent at once, then half-close once the peer finished and all is echoed. */
static void
echo_pump(struct dp_lcore *lc, uint32_t h, struct diag_ctx *c)
{
	struct dp_diag_state *d = lc->diag;

	for (;;) {
		uint32_t space = dp_tcp_send_space(lc, h);
		int n;

		if (space == 0)
			break;
		n = dp_tcp_recv(lc, h, d->buf, space < DIAG_CHUNK ? space : DIAG_CHUNK);
		if (n <= 0)
			break;
		DP_CTR_ADD(lc, diag_rx_bytes, (uint64_t)n);
		if (dp_tcp_send(lc, h, d->buf, (uint32_t)n) == n)
			DP_CTR_ADD(lc, diag_tx_bytes, (uint64_t)n);
	}
	if (!c->fin_sent && dp_tcp_peer_closed(lc, h)) {
		c->fin_sent = 1;
		dp_tcp_close(lc, h);
	}
}

static void
discard_pump(struct dp_lcore *lc, uint32_t h)
{
	int n;

	while ((n = dp_tcp_recv(lc, h, lc->diag->buf, DIAG_CHUNK)) > 0)
		DP_CTR_ADD(lc, diag_rx_bytes, (uint64_t)n);
}

/* Send the chargen pattern while there is room (up to @p limit bytes in total). */
static void
pattern_send(struct dp_lcore *lc, uint32_t h, struct diag_ctx *c, uint64_t limit)
{
	struct dp_diag_state *d = lc->diag;

	while (c->tx_off < limit) {
		uint32_t space = dp_tcp_send_space(lc, h), n;

		if (space == 0)
			break;
		n = space < DIAG_CHUNK ? space : DIAG_CHUNK;
		if (limit - c->tx_off < n)
			n = (uint32_t)(limit - c->tx_off);
		dp_diag_chargen_fill(d->buf, n, c->tx_off);
		if (dp_tcp_send(lc, h, d->buf, n) != (int)n)
			break;
		c->tx_off += n;
		DP_CTR_ADD(lc, diag_tx_bytes, n);
	}
}

static void
client_recv(struct dp_lcore *lc, uint32_t h, struct diag_ctx *c)
{
	struct dp_diag_state *d = lc->diag;
	int n;

	while ((n = dp_tcp_recv(lc, h, d->buf, DIAG_CHUNK)) > 0) {
		uint64_t bad = 0;

		uint8_t expect[DIAG_CHUNK];

		dp_diag_chargen_fill(expect, (uint32_t)n, c->rx_off);
		for (int i = 0; i < n; i++)
			bad += d->buf[i] != expect[i];
		c->rx_off += (uint64_t)n;
		DP_CTR_ADD(lc, diag_rx_bytes, (uint64_t)n);
		if (bad != 0)
			DP_CTR_ADD(lc, diag_client_bad_bytes, bad);
	}
}

static void
client_push(struct dp_lcore *lc, uint32_t h, struct diag_ctx *c)
{
	pattern_send(lc, h, c, lc->diag->conf.client_bytes);
	if (!c->fin_sent && c->tx_off >= lc->diag->conf.client_bytes) {
		c->fin_sent = 1;
		dp_tcp_shutdown_write(lc, h);
	}
}

static int
on_accepted(struct dp_lcore *lc, uint32_t h, void *listen_arg, void **ctx)
{
	struct diag_ctx *c = ctx_alloc(lc->diag, (uint8_t)(uintptr_t)listen_arg);

	if (c == NULL) {
		DP_CTR_INC(lc, diag_no_ctx);
		return -ENOMEM;
	}
	*ctx = c;
	DP_CTR_INC(lc, diag_conns);
	if (c->kind == DIAG_CHARGEN)
		pattern_send(lc, h, c, UINT64_MAX);
	return 0;
}

static void
on_connected(struct dp_lcore *lc, uint32_t h, void *ctx)
{
	client_push(lc, h, ctx);
}

static void
on_readable(struct dp_lcore *lc, uint32_t h, void *ctx)
{
	struct diag_ctx *c = ctx;

	switch (c->kind) {
	case DIAG_ECHO:
		echo_pump(lc, h, c);
		break;
	case DIAG_CLIENT:
		client_recv(lc, h, c);
		break;
	default:
		discard_pump(lc, h);
		break;
	}
}

static void
on_writable(struct dp_lcore *lc, uint32_t h, void *ctx)
{
	struct diag_ctx *c = ctx;

	if (c->kind == DIAG_ECHO)
		echo_pump(lc, h, c);
	else if (c->kind == DIAG_CHARGEN)
		pattern_send(lc, h, c, UINT64_MAX);
	else if (c->kind == DIAG_CLIENT)
		client_push(lc, h, c);
}

static void
on_peer_fin(struct dp_lcore *lc, uint32_t h, void *ctx)
{
	struct diag_ctx *c = ctx;

	if (c->kind == DIAG_ECHO) {
		echo_pump(lc, h, c);
		return;
	}
	if (c->kind == DIAG_CLIENT) {
		client_recv(lc, h, c);
		if (c->fin_sent)
			DP_CTR_INC(lc, diag_client_done);
	} else {
		discard_pump(lc, h);
	}
	dp_tcp_close(lc, h);
}

static void
on_closed(struct dp_lcore *lc, uint32_t h, void *ctx, enum dp_tcp_close_reason reason)
{
	struct diag_ctx *c = ctx;

	(void)h;
	if (c != NULL && c->kind == DIAG_CLIENT && reason != DP_TCP_CLOSE_NORMAL)
		DP_CTR_INC(lc, diag_client_failed);
	ctx_free(lc->diag, c);
}

static const struct dp_tcp_app_ops diag_ops = {
	.accepted = on_accepted,
	.connected = on_connected,
	.readable = on_readable,
	.writable = on_writable,
	.peer_fin = on_peer_fin,
	.closed = on_closed,
};

int
dp_diag_start(struct dp_lcore *lc, const struct dp_diag_conf *conf)
{
	struct dp_diag_state *d;
	uint32_t n = lc->tcp.n_tcbs;
	int rc = 0;

	d = rte_zmalloc("diag", sizeof(*d), RTE_CACHE_LINE_SIZE);
	if (d == NULL)
		return -ENOMEM;
	d->ctx = rte_zmalloc("diag_ctx", (size_t)n * sizeof(*d->ctx), RTE_CACHE_LINE_SIZE);
	if (d->ctx == NULL) {
		rte_free(d);
		return -ENOMEM;
	}
	d->conf = *conf;
	d->n_ctx = n;
	dp_diag_chargen_fill(d->buf, 1, 0); /* builds the chargen table before launch */
	for (uint32_t i = 0; i < n; i++)
		d->ctx[i].next_free = i + 1 < n ? i + 1 : UINT32_MAX;
	d->free_head = n != 0 ? 0 : UINT32_MAX;
	lc->diag = d;
	if (conf->echo_port != 0)
		rc = dp_tcp_listen(lc, conf->echo_port, &diag_ops, (void *)(uintptr_t)DIAG_ECHO);
	if (rc == 0 && conf->discard_port != 0)
		rc = dp_tcp_listen(lc, conf->discard_port, &diag_ops, (void *)(uintptr_t)DIAG_DISCARD);
	if (rc == 0 && conf->chargen_port != 0)
		rc = dp_tcp_listen(lc, conf->chargen_port, &diag_ops, (void *)(uintptr_t)DIAG_CHARGEN);
	for (uint32_t i = 0; rc == 0 && conf->client_ip != 0 && i < conf->client_conns; i++) {
		struct diag_ctx *c = ctx_alloc(d, DIAG_CLIENT);
		uint32_t h;

		if (c == NULL)
			return -ENOMEM;
		rc = dp_tcp_connect(lc, conf->client_ip, conf->client_port, &diag_ops, c, &h);
		if (rc != 0)
			ctx_free(d, c);
	}
	return rc;
}

void
dp_diag_stop(struct dp_lcore *lc)
{
	if (lc->diag == NULL)
		return;
	rte_free(lc->diag->ctx);
	rte_free(lc->diag);
	lc->diag = NULL;
}
