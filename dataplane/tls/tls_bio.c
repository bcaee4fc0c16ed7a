/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief A BIO_METHOD over Chive's TCP connection: no sockets, never blocks.
 *
 * OpenSSL reads record bytes with dp_tcp_recv() straight from the
 * connection's receive queue and writes them with dp_tcp_send() into its
 * send queue (one copy each way, the same as a kernel socket would cost).
 *
 * Reading: no bytes and no FIN is "retry" (SSL_ERROR_WANT_READ: need more
 * data, like nginx's NGX_AGAIN; TCP's `readable` brings the connection back);
 * the peer's FIN with everything read is end of stream (0).
 *
 * Writing never drops: TCP takes what fits in its send buffer; whatever it
 * refuses is reported as "retry" (SSL_ERROR_WANT_WRITE), so OpenSSL keeps the
 * rest of the record in its own write buffer. A short dp_tcp_send() registers
 * interest with TCP, whose `writable` event brings the connection back to
 * flush it (tls_conn.c). The refused amount is remembered in
 * tls_conn.bio_refused.
 *
 * The BIO_METHOD is one immutable table per process, created before any
 * lcore runs (dp_tls_create) and freed with the last TLS instance.
 */
#include <errno.h>

#include <openssl/bio.h>

#include "dataplane/base/dp_ctr.h"
#include "dataplane/net/tcp.h"
#include "dataplane/tls/tls_int.h"

static BIO_METHOD *tls_bio_meth;
static uint32_t tls_bio_refs;

static int
tls_bio_write(BIO *b, const char *buf, int len)
{
	struct tls_conn *c = BIO_get_data(b);
	int n;

	BIO_clear_retry_flags(b);
	if (c == NULL || c->tcp_h == TLS_NO_TCP || len < 0)
		return -1;
	if (len == 0)
		return 0;
	n = dp_tcp_send(c->lc, c->tcp_h, buf, (uint32_t)len);
	if (n < 0)
		return -1; /* the connection is gone or shut for writing: fatal for the session */
	c->bio_refused = (uint32_t)(len - n);
	if (n == 0) {
		BIO_set_retry_write(b);
		DP_CTR_INC(c->lc, tls_write_blocked);
		return -1;
	}
	DP_CTR_ADD(c->lc, tls_tx_wire_bytes, (uint64_t)n);
	return n;
}

static int
tls_bio_read(BIO *b, char *buf, int len)
{
	struct tls_conn *c = BIO_get_data(b);
	int n;

	BIO_clear_retry_flags(b);
	if (c == NULL || c->tcp_h == TLS_NO_TCP || len < 0)
		return -1;
	if (len == 0)
		return 0;
	n = dp_tcp_recv(c->lc, c->tcp_h, buf, (uint32_t)len);
	if (n > 0) {
		DP_CTR_ADD(c->lc, tls_rx_wire_bytes, (uint64_t)n);
		return n;
	}
	if (n < 0)
		return -1;
	if (dp_tcp_peer_closed(c->lc, c->tcp_h)) {
		c->flags |= TLS_F_EOF;
		return 0;
	}
	BIO_set_retry_read(b);
	return -1;
}

static long
tls_bio_ctrl(BIO *b, int cmd, long num, void *ptr)
{
	const struct tls_conn *c = BIO_get_data(b);

	(void)num;
	(void)ptr;
	switch (cmd) {
	case BIO_CTRL_FLUSH:
		return 1; /* handed to TCP already; TCP sends it at its next output */
	case BIO_CTRL_EOF:
		return c != NULL && (c->flags & TLS_F_EOF) != 0;
	case BIO_CTRL_PENDING:
	case BIO_CTRL_WPENDING:
		return 0;
	case BIO_CTRL_GET_CLOSE:
		return BIO_get_shutdown(b);
	case BIO_CTRL_SET_CLOSE:
		BIO_set_shutdown(b, (int)num);
		return 1;
	default:
		return 0;
	}
}

static int
tls_bio_create(BIO *b)
{
	BIO_set_data(b, NULL);
	BIO_set_init(b, 0);
	return 1;
}

static int
tls_bio_destroy(BIO *b)
{
	BIO_set_data(b, NULL);
	BIO_set_init(b, 0);
	return 1;
}

int
tls_bio_method_get(void)
{
	BIO_METHOD *m;
	int idx;

	if (tls_bio_refs++ != 0)
		return 0;
	idx = BIO_get_new_index();
	m = idx > 0 ? BIO_meth_new(idx | BIO_TYPE_SOURCE_SINK, "chive tcp") : NULL;
	if (m == NULL || BIO_meth_set_write(m, tls_bio_write) != 1 ||
	    BIO_meth_set_read(m, tls_bio_read) != 1 || BIO_meth_set_ctrl(m, tls_bio_ctrl) != 1 ||
	    BIO_meth_set_create(m, tls_bio_create) != 1 ||
	    BIO_meth_set_destroy(m, tls_bio_destroy) != 1) {
		BIO_meth_free(m);
		tls_bio_refs--;
		return -ENOMEM;
	}
	tls_bio_meth = m;
	return 0;
}

void
tls_bio_method_put(void)
{
	if (tls_bio_refs == 0 || --tls_bio_refs != 0)
		return;
	BIO_meth_free(tls_bio_meth);
	tls_bio_meth = NULL;
}

BIO *
tls_bio_new(struct tls_conn *c)
{
	BIO *b = tls_bio_meth != NULL ? BIO_new(tls_bio_meth) : NULL;

	if (b == NULL)
		return NULL;
	BIO_set_data(b, c);
	BIO_set_init(b, 1);
	BIO_set_shutdown(b, 1);
	return b;
}
