/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief chive-bench-crypto: the crypto floor of a middle relay on one core.
 *
 * Measures, single-threaded and with CLOCK_MONOTONIC around chunks of work,
 * what Chive's own code spends per 514-byte cell on cryptography alone (no
 * NIC, no TCP, no scheduling), so `make bench` can set it next to the limit
 * `openssl speed` gives on the same machine (tests/bench/bench_crypto.sh):
 *
 *   relay crypto  What a middle relay does in dataplane/cell/circ.c
 *                 on_relay() with a relay cell that is not for it:
 *                 forward (side P): copy the payload into a cell buffer,
 *                 dp_rc_crypt(fwd), dp_rc_digest_check(fwd) (false: the
 *                 decrypted 'recognized' is non-zero), rewrite circuit id
 *                 and command; backward (side N): copy, dp_rc_crypt(bwd),
 *                 rewrite the header. The circuit of each cell is chosen
 *                 pseudo-randomly among 1, 1024 or 65536 circuits, so at
 *                 64 k the per-circuit state (struct dp_relay_crypto: the
 *                 AES key schedules and counters inline, or the OpenSSL
 *                 contexts without AES-NI, and two SHA_CTX) misses the
 *                 caches as it would on a loaded relay.
 *   TLS records   514-byte cells through TLS 1.3 with the dataplane's
 *                 settings, one SSL_write per record as dp_tls_write() does
 *                 (dataplane/tls/tls_conn.c), 1 cell or 31 cells per record
 *                 (circ.c CIRC_BATCH: 31 x 514 = 15934 bytes is what
 *                 sched_chan() hands to dp_chan_send_cells()); seal on one
 *                 SSL, open on its peer with SSL_read into a scratch buffer
 *                 as chan_rx() does (dataplane/cell/chan.c).
 *   whole path    Per forwarded cell: TLS open on the inbound link, framing
 *                 (circuit id -> circuit), the forward relay crypto above,
 *                 the scheduler's copy into a 31-cell batch, TLS seal on the
 *                 outbound link; 31 cells per record, 1024 circuits. The
 *                 previous hop's sealing of the inbound records is done
 *                 outside the timed part.
 *
 * Not measured: the circuit-table hash lookup (dp_u64map), per-circuit
 * queues and the EWMA scheduler, counters, TCP, the NIC.
 *
 * TLS settings: as dataplane/tls/tls_ctx.c (tls_ctx_new(), dp_tls_create()),
 * which needs EAL (rte_zmalloc, DP_LOG): a private OSSL_LIB_CTX with the
 * default provider, SSL_CTX_new_ex(TLS_method()), the dataplane's own
 * dp_tls_ctx_settings() (dataplane/tls/tls_settings.c: options, modes,
 * suites, groups, security level), read-ahead, and a message callback that
 * counts records (tls_conn_msg_cb() does the same per record). The relay-crypto algorithm is fetched from the
 * same library context, as circ.c does with dp_tls_libctx().
 *
 * BIO: Chive's BIO (dataplane/tls/tls_bio.c) moves bytes to and from its TCP
 * queues and needs a running lcore, so this program has its own BIO_METHOD
 * with the same semantics over a plain byte pipe: one copy in on write, one
 * copy out on read, "retry" when empty. The outbound link of the whole-path
 * case writes into a sink (the copy is made, then discarded), standing in
 * for dp_tcp_send().
 *
 * The key schedules are keyed from a fixed pseudo-random sequence: this is
 * a benchmark, not a relay.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/provider.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "common/base/byteorder.h"
#include "common/wire/wire_cell.h"
#include "dataplane/cell/relay_crypto.h"
#include "dataplane/tls/tls_settings.h"

/** Most circuits of any case. */
#define BENCH_MAX_CIRCS 65536u
/** Cells per TLS write in the dataplane (circ.c CIRC_BATCH). */
#define BENCH_BATCH 31u
/** Input cells and cell buffers cycled through (a burst's worth, cache-warm). */
#define BENCH_RING 64u
/** Cells between two clock reads: 16 records of 31 cells, or 496 of 1. */
#define BENCH_CHUNK (16u * BENCH_BATCH)
/** Bytes one direction of a link can hold (a chunk of records is ~256 KB). */
#define BENCH_PIPE_CAP (1u << 20)
/** Read scratch of a channel (chan_int.h CHAN_SCRATCH: handshake buffer + 16 KiB). */
#define BENCH_SCRATCH (16384u + 4096u)
/** Bytes of a cell's header with 4-byte circuit ids (link protocol 4+). */
#define BENCH_HDR WIRE_CELL_HDR_LEN(4)

_Static_assert((BENCH_BATCH * WIRE_CELL_LEN) <= 16384, "31 cells fit one TLS record");
_Static_assert(BENCH_CHUNK % BENCH_BATCH == 0, "a chunk is whole 31-cell records");


/** A circuit as far as relay crypto goes (circ.c struct circ holds the same rc). */
struct bench_circ {
	struct dp_relay_crypto rc;
	uint32_t id_n; /**< circuit id on the next hop's channel (side N) */
	uint32_t id_p; /**< circuit id on the previous hop's channel (side P) */
};

/** A cell buffer as circ.c's struct cellbuf. */
struct bench_cellbuf {
	uint32_t next;
	uint8_t cell[WIRE_CELL_LEN];
	uint8_t pad[2];
};

/** One direction of a link: bytes written by one SSL, read by the other. */
struct bench_pipe {
	uint8_t *buf;
	size_t head, tail;
	bool sink; /**< copy in, then forget (the outbound link of the whole path) */
};

/** Record counters, as tls_conn_msg_cb() keeps per lcore. */
struct bench_rec_ctr {
	uint64_t tx_records;
	uint64_t rx_records;
};

/** A TLS link between a client SSL and a server SSL. */
struct bench_link {
	SSL *cli, *srv;
	struct bench_pipe c2s, s2c;
	struct bench_rec_ctr cli_ctr, srv_ctr;
};

/** One measured case. */
struct bench_res {
	uint64_t cells;
	uint64_t ns;   /**< total timed */
	uint64_t ns_a; /**< TLS: seal part */
	uint64_t ns_b; /**< TLS: open part */
};

struct bench {
	double seconds;
	uint64_t rng;
	uint64_t recognized; /**< digest matches (expected 0; a sink for the results) */
	OSSL_LIB_CTX *libctx;
	OSSL_PROVIDER *prov;
	SSL_CTX *srv_ctx, *cli_ctx;
	BIO_METHOD *bio_meth;
	struct dp_rc_lib rclib;
	struct bench_circ *circs;
	uint32_t n_alloc;
	struct bench_link in;  /**< previous hop (client) -> us (server) */
	struct bench_link out; /**< us (client) -> next hop (server) */
};

static uint8_t in_cells[BENCH_RING][WIRE_CELL_LEN];
static struct bench_cellbuf cellbufs[BENCH_RING];
static uint8_t gen_batch[BENCH_BATCH * WIRE_CELL_LEN];
static uint8_t out_batch[BENCH_BATCH * WIRE_CELL_LEN];
static uint8_t scratch[BENCH_SCRATCH];

static uint64_t
clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t
now_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

/* xorshift64*: a cheap, fixed pseudo-random sequence. */
static uint64_t
rnd(struct bench *b)
{
	b->rng ^= b->rng >> 12;
	b->rng ^= b->rng << 25;
	b->rng ^= b->rng >> 27;
	return b->rng * 0x2545f4914f6cdd1dull;
}

/* A pseudo-random index below @p n (multiply-shift, no division). */
static uint32_t
pick(struct bench *b, uint32_t n)
{
	return (uint32_t)(((rnd(b) >> 32) * (uint64_t)n) >> 32);
}

static void
fill_rnd(struct bench *b, uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)(rnd(b) >> 56);
}

static void
die_ssl(const char *what)
{
	unsigned long e;
	char buf[256];

	fprintf(stderr, "chive-bench-crypto: %s failed\n", what);
	while ((e = ERR_get_error()) != 0) {
		ERR_error_string_n(e, buf, sizeof(buf));
		fprintf(stderr, "  %s\n", buf);
	}
	exit(1);
}

/* ---- relay crypto, as circ.c on_relay() ---- */

/* Forward cell at a middle hop: arrived on side P, not recognized, queued for side N. */
static void
relay_fwd(struct bench *b, struct bench_circ *c, const uint8_t *cell, uint8_t *buf)
{
	uint8_t *p = buf + BENCH_HDR;

	memcpy(p, cell + BENCH_HDR, WIRE_CELL_PAYLOAD_LEN);
	dp_rc_crypt(&c->rc.fwd, p);
	if (dp_rc_digest_check(&c->rc.fwd, p))
		b->recognized++; /* on_relay() would handle_local(); 2^-48 per cell here */
	be32_put(buf, c->id_n);
	buf[4] = cell[4]; /* RELAY_EARLY stays RELAY_EARLY */
}

/* Backward cell at a middle hop: arrived on side N, queued for side P. */
static void
relay_bwd(struct bench_circ *c, const uint8_t *cell, uint8_t *buf)
{
	uint8_t *p = buf + BENCH_HDR;

	memcpy(p, cell + BENCH_HDR, WIRE_CELL_PAYLOAD_LEN);
	dp_rc_crypt(&c->rc.bwd, p);
	be32_put(buf, c->id_p);
	buf[4] = WIRE_CELL_CMD_RELAY;
}

static void
circs_create(struct bench *b, uint32_t n)
{
	uint8_t keys[DP_RC_KEYS_LEN];

	if (dp_rc_lib_init(&b->rclib, b->libctx) != 0)
		die_ssl("AES-128-CTR fetch");
	b->circs = calloc(n, sizeof(*b->circs));
	if (b->circs == NULL) {
		fprintf(stderr, "chive-bench-crypto: out of memory\n");
		exit(1);
	}
	for (uint32_t i = 0; i < n; i++) {
		struct bench_circ *c = &b->circs[i];

		if (dp_rc_alloc(&b->rclib, &c->rc) != 0)
			die_ssl("dp_rc_alloc");
		b->n_alloc = i + 1;
		fill_rnd(b, keys, sizeof(keys));
		if (dp_rc_set_keys(&c->rc, keys) != 0)
			die_ssl("dp_rc_set_keys");
		c->id_n = 0x80000000u | (uint32_t)(rnd(b) >> 33);
		c->id_p = 1u + (uint32_t)(rnd(b) >> 33);
	}
	OPENSSL_cleanse(keys, sizeof(keys));
}

static void
circs_destroy(struct bench *b)
{
	for (uint32_t i = 0; i < b->n_alloc; i++)
		dp_rc_free(&b->circs[i].rc);
	free(b->circs);
	b->circs = NULL;
	b->n_alloc = 0;
	dp_rc_lib_fini(&b->rclib);
}

static void
relay_chunk(struct bench *b, uint32_t n_circs, bool fwd, uint64_t *seq)
{
	for (uint32_t k = 0; k < BENCH_CHUNK; k++, (*seq)++) {
		struct bench_circ *c = &b->circs[pick(b, n_circs)];
		const uint8_t *cell = in_cells[*seq % BENCH_RING];
		uint8_t *buf = cellbufs[*seq % BENCH_RING].cell;

		if (fwd)
			relay_fwd(b, c, cell, buf);
		else
			relay_bwd(c, cell, buf);
	}
}

static struct bench_res
run_relay(struct bench *b, uint32_t n_circs, bool fwd)
{
	struct bench_res r = {0};
	uint64_t seq = 0, t0, t, end;

	/* Warm-up: a tenth of the time, so every circuit has been touched once at 64 k. */
	t0 = now_ns();
	end = t0 + (uint64_t)(b->seconds * 1e8);
	do
		relay_chunk(b, n_circs, fwd, &seq);
	while (now_ns() < end);

	t0 = now_ns();
	end = t0 + (uint64_t)(b->seconds * 1e9);
	do {
		relay_chunk(b, n_circs, fwd, &seq);
		r.cells += BENCH_CHUNK;
		t = now_ns();
	} while (t < end);
	r.ns = t - t0;
	return r;
}

/* ---- the BIO: tls_bio.c's semantics over a byte pipe ---- */

static int
pipe_bio_write(BIO *bio, const char *buf, int len)
{
	struct bench_pipe *p = BIO_get_data(bio);
	size_t n;

	BIO_clear_retry_flags(bio);
	if (p == NULL || len < 0)
		return -1;
	if (p->sink) {
		/* dp_tcp_send() copies into the send queue; the peer never reads here. */
		for (size_t off = 0; off < (size_t)len; off += n) {
			n = (size_t)len - off < BENCH_PIPE_CAP ? (size_t)len - off : BENCH_PIPE_CAP;
			memcpy(p->buf, buf + off, n);
		}
		return len;
	}
	if (p->head != 0 && p->tail + (size_t)len > BENCH_PIPE_CAP) {
		memmove(p->buf, p->buf + p->head, p->tail - p->head);
		p->tail -= p->head;
		p->head = 0;
	}
	n = BENCH_PIPE_CAP - p->tail;
	if (n == 0) {
		BIO_set_retry_write(bio);
		return -1;
	}
	if (n > (size_t)len)
		n = (size_t)len;
	memcpy(p->buf + p->tail, buf, n);
	p->tail += n;
	return (int)n;
}

static int
pipe_bio_read(BIO *bio, char *buf, int len)
{
	struct bench_pipe *p = BIO_get_data(bio);
	size_t n;

	BIO_clear_retry_flags(bio);
	if (p == NULL || len < 0)
		return -1;
	n = p->tail - p->head;
	if (n == 0) {
		BIO_set_retry_read(bio);
		return -1;
	}
	if (n > (size_t)len)
		n = (size_t)len;
	memcpy(buf, p->buf + p->head, n);
	p->head += n;
	if (p->head == p->tail)
		p->head = p->tail = 0;
	return (int)n;
}

static long
pipe_bio_ctrl(BIO *bio, int cmd, long num, void *ptr)
{
	(void)ptr;
	switch (cmd) {
	case BIO_CTRL_FLUSH:
		return 1;
	case BIO_CTRL_GET_CLOSE:
		return BIO_get_shutdown(bio);
	case BIO_CTRL_SET_CLOSE:
		BIO_set_shutdown(bio, (int)num);
		return 1;
	default:
		return 0;
	}
}

static BIO *
pipe_bio_new(struct bench *b, struct bench_pipe *p)
{
	BIO *bio = BIO_new(b->bio_meth);

	if (bio == NULL)
		die_ssl("BIO_new");
	BIO_set_data(bio, p);
	BIO_set_init(bio, 1);
	BIO_set_shutdown(bio, 1);
	return bio;
}

static void
bio_method_create(struct bench *b)
{
	int idx = BIO_get_new_index();
	BIO_METHOD *m = idx > 0 ? BIO_meth_new(idx | BIO_TYPE_SOURCE_SINK, "bench pipe") : NULL;

	if (m == NULL || BIO_meth_set_write(m, pipe_bio_write) != 1 ||
	    BIO_meth_set_read(m, pipe_bio_read) != 1 || BIO_meth_set_ctrl(m, pipe_bio_ctrl) != 1)
		die_ssl("BIO_meth_new");
	b->bio_meth = m;
}

/* ---- TLS contexts and links ---- */

/* tls_conn_msg_cb(): count records each way. */
static void
msg_cb(int write_p, int version, int content_type, const void *buf, size_t len, SSL *ssl, void *arg)
{
	struct bench_rec_ctr *c = SSL_get_app_data(ssl);

	(void)version;
	(void)buf;
	(void)len;
	(void)arg;
	if (c == NULL || content_type != SSL3_RT_HEADER)
		return;
	if (write_p)
		c->tx_records++;
	else
		c->rx_records++;
}

/* tls_ctx.c tls_ctx_new(), with dp_tls_conf_default()'s TLS 1.2-1.3. */
static SSL_CTX *
ctx_new(struct bench *b, bool server)
{
	SSL_CTX *ctx = SSL_CTX_new_ex(b->libctx, NULL, TLS_method());

	if (ctx == NULL)
		die_ssl("SSL_CTX_new_ex");
	SSL_CTX_set_read_ahead(ctx, 1);
	SSL_CTX_set_msg_callback(ctx, msg_cb);
	if (dp_tls_ctx_settings(ctx, server, TLS1_2_VERSION, TLS1_3_VERSION) != 0)
		die_ssl(server ? "server SSL_CTX" : "client SSL_CTX");
	return ctx;
}

/* A self-signed RSA-2048 link certificate (the dataplane's link key is RSA-2048). */
static void
server_cert(struct bench *b)
{
	EVP_PKEY *key = EVP_PKEY_Q_keygen(b->libctx, NULL, "RSA", (size_t)2048);
	X509 *x = X509_new_ex(b->libctx, NULL);
	X509_NAME *n = X509_NAME_new();
	bool ok;

	ok = key != NULL && x != NULL && n != NULL &&
	     X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
					(const unsigned char *)"www.bench.net", -1, -1, 0) == 1 &&
	     X509_set_version(x, 2) == 1 && ASN1_INTEGER_set(X509_get_serialNumber(x), 1) == 1 &&
	     X509_gmtime_adj(X509_getm_notBefore(x), -3600) != NULL &&
	     X509_gmtime_adj(X509_getm_notAfter(x), 86400) != NULL &&
	     X509_set_subject_name(x, n) == 1 && X509_set_issuer_name(x, n) == 1 &&
	     X509_set_pubkey(x, key) == 1 && X509_sign(x, key, EVP_sha256()) > 0 &&
	     SSL_CTX_use_cert_and_key(b->srv_ctx, x, key, NULL, 1) == 1;
	X509_NAME_free(n);
	X509_free(x);
	EVP_PKEY_free(key);
	if (!ok)
		die_ssl("server certificate");
}

static bool
hs_step(SSL *s, int *done)
{
	int r;

	if (*done)
		return true;
	r = SSL_do_handshake(s);
	if (r == 1) {
		*done = 1;
		return true;
	}
	r = SSL_get_error(s, r);
	return r == SSL_ERROR_WANT_READ || r == SSL_ERROR_WANT_WRITE;
}

static void
link_open(struct bench *b, struct bench_link *l)
{
	char sni[] = "www.chivebench.com";
	int cdone = 0, sdone = 0;

	l->c2s.buf = malloc(BENCH_PIPE_CAP);
	l->s2c.buf = malloc(BENCH_PIPE_CAP);
	l->cli = SSL_new(b->cli_ctx);
	l->srv = SSL_new(b->srv_ctx);
	if (l->c2s.buf == NULL || l->s2c.buf == NULL || l->cli == NULL || l->srv == NULL)
		die_ssl("SSL_new");
	SSL_set_bio(l->cli, pipe_bio_new(b, &l->s2c), pipe_bio_new(b, &l->c2s));
	SSL_set_bio(l->srv, pipe_bio_new(b, &l->c2s), pipe_bio_new(b, &l->s2c));
	SSL_set_app_data(l->cli, &l->cli_ctr);
	SSL_set_app_data(l->srv, &l->srv_ctr);
	/* tls_conn.c's client sends SNI www.<random>.com. */
	if (SSL_set_tlsext_host_name(l->cli, sni) != 1)
		die_ssl("SNI");
	SSL_set_connect_state(l->cli);
	SSL_set_accept_state(l->srv);
	for (int i = 0; i < 32 && !(cdone && sdone); i++)
		if (!hs_step(l->cli, &cdone) || !hs_step(l->srv, &sdone))
			die_ssl("TLS handshake");
	if (!(cdone && sdone) || l->c2s.tail != l->c2s.head || l->s2c.tail != l->s2c.head)
		die_ssl("TLS handshake (did not settle)");
}

static void
link_close(struct bench_link *l)
{
	SSL_free(l->cli);
	SSL_free(l->srv);
	free(l->c2s.buf);
	free(l->s2c.buf);
	memset(l, 0, sizeof(*l));
}

static void
ssl_write_all(SSL *s, const uint8_t *buf, uint32_t len)
{
	if (SSL_write(s, buf, (int)len) != (int)len)
		die_ssl("SSL_write");
}

/* Read @p len bytes of plaintext, record by record, as chan_rx() does. */
static void
ssl_read_n(SSL *s, uint64_t len)
{
	for (uint64_t got = 0; got < len;) {
		int n = SSL_read(s, scratch, (int)sizeof(scratch));

		if (n <= 0)
			die_ssl("SSL_read");
		got += (uint64_t)n;
	}
}

/* TLS alone: @p cpr cells per record, sealed by the previous hop, opened by us. */
static struct bench_res
run_tls(struct bench *b, uint32_t cpr)
{
	struct bench_link *l = &b->in;
	uint32_t len = cpr * WIRE_CELL_LEN, recs = BENCH_CHUNK / cpr;
	uint64_t budget = (uint64_t)(b->seconds * 1e9), t0, t1, t2;
	struct bench_res r = {0};

	fill_rnd(b, gen_batch, len);
	for (int warm = 1; warm >= 0; warm--) {
		do {
			t0 = now_ns();
			for (uint32_t i = 0; i < recs; i++)
				ssl_write_all(l->cli, gen_batch, len);
			t1 = now_ns();
			ssl_read_n(l->srv, (uint64_t)recs * len);
			t2 = now_ns();
			if (!warm) {
				r.ns_a += t1 - t0;
				r.ns_b += t2 - t1;
				r.cells += (uint64_t)recs * cpr;
			}
		} while (!warm && r.ns_a + r.ns_b < budget);
	}
	r.ns = r.ns_a + r.ns_b;
	return r;
}

/* The previous hop seals a chunk of 31-cell records for random circuits below @p n. */
static void
path_generate(struct bench *b, uint32_t n_circs, uint64_t *seq)
{
	for (uint32_t rec = 0; rec < BENCH_CHUNK / BENCH_BATCH; rec++) {
		for (uint32_t j = 0; j < BENCH_BATCH; j++, (*seq)++) {
			uint8_t *cell = gen_batch + j * WIRE_CELL_LEN;

			memcpy(cell, in_cells[*seq % BENCH_RING], WIRE_CELL_LEN);
			be32_put(cell, 1u + pick(b, n_circs));
		}
		ssl_write_all(b->in.cli, gen_batch, BENCH_BATCH * WIRE_CELL_LEN);
	}
}

/* Our side of the whole path for one chunk: open, frame, relay crypto, batch, seal. */
static void
path_relay(struct bench *b, uint32_t n_circs, uint64_t *seq, uint32_t *nb)
{
	uint32_t len = 0, done = 0;

	while (done < BENCH_CHUNK) {
		int n = SSL_read(b->in.srv, scratch + len, (int)(sizeof(scratch) - len));
		uint32_t off = 0;

		if (n <= 0)
			die_ssl("SSL_read");
		len += (uint32_t)n;
		for (; len - off >= WIRE_CELL_LEN; off += WIRE_CELL_LEN, done++, (*seq)++) {
			const uint8_t *cell = scratch + off;
			uint32_t id = be32_get(cell);
			uint8_t *buf = cellbufs[*seq % BENCH_RING].cell;

			if (id == 0 || id > n_circs) {
				fprintf(stderr, "chive-bench-crypto: bad circuit id %" PRIu32 "\n",
					id);
				exit(1);
			}
			relay_fwd(b, &b->circs[id - 1], cell, buf);
			/* sched_chan(): the queued cell is copied into the channel's batch. */
			memcpy(out_batch + *nb * WIRE_CELL_LEN, buf, WIRE_CELL_LEN);
			if (++*nb == BENCH_BATCH) {
				ssl_write_all(b->out.cli, out_batch, BENCH_BATCH * WIRE_CELL_LEN);
				*nb = 0;
			}
		}
		memmove(scratch, scratch + off, len - off);
		len -= off;
	}
}

static struct bench_res
run_path(struct bench *b, uint32_t n_circs)
{
	uint64_t budget = (uint64_t)(b->seconds * 1e9), gseq = 0, rseq = 0, t0;
	struct bench_res r = {0};
	uint32_t nb = 0;

	for (int warm = 1; warm >= 0; warm--) {
		do {
			path_generate(b, n_circs, &gseq);
			t0 = now_ns();
			path_relay(b, n_circs, &rseq, &nb);
			if (!warm) {
				r.ns += now_ns() - t0;
				r.cells += BENCH_CHUNK;
			}
		} while (!warm && r.ns < budget);
	}
	return r;
}

/* ---- output ---- */

static double
ns_per_cell(const struct bench_res *r, uint64_t ns)
{
	return r->cells != 0 ? (double)ns / (double)r->cells : 0.0;
}

static double
cells_per_s(const struct bench_res *r)
{
	return r->ns != 0 ? (double)r->cells * 1e9 / (double)r->ns : 0.0;
}

static void
usage(FILE *f)
{
	fprintf(f, "usage: chive-bench-crypto [--seconds S] [--json]\n"
		   "  --seconds S  time per case (default 2; 0.05 .. 60)\n"
		   "  --json       print one JSON object instead of a table\n");
}

static const uint32_t relay_circs[] = {1, 1024, BENCH_MAX_CIRCS};
#define N_RELAY (sizeof(relay_circs) / sizeof(relay_circs[0]))
static const uint32_t tls_cpr[] = {1, BENCH_BATCH};
#define N_TLS (sizeof(tls_cpr) / sizeof(tls_cpr[0]))
#define PATH_CIRCS 1024u

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"seconds", required_argument, NULL, 's'},
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct bench b = {.seconds = 2.0, .rng = 0x9e3779b97f4a7c15ull};
	struct bench_res rfwd[N_RELAY], rbwd[N_RELAY], rtls[N_TLS], rpath;
	const char *cipher, *version;
	uint64_t wall0, cpu0;
	double cpu_share;
	bool json = false;
	char *end;
	int o;

	while ((o = getopt_long(argc, argv, "s:jh", opts, NULL)) != -1) {
		switch (o) {
		case 's':
			b.seconds = strtod(optarg, &end);
			if (*end != '\0' || !(b.seconds >= 0.05 && b.seconds <= 60)) {
				usage(stderr);
				return 2;
			}
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}

	/* dp_tls_create(): a private library context with the default provider. */
	if (OPENSSL_init_ssl(0, NULL) != 1)
		die_ssl("OPENSSL_init_ssl");
	b.libctx = OSSL_LIB_CTX_new();
	b.prov = b.libctx != NULL ? OSSL_PROVIDER_load(b.libctx, "default") : NULL;
	if (b.prov == NULL)
		die_ssl("library context");
	bio_method_create(&b);
	b.srv_ctx = ctx_new(&b, true);
	b.cli_ctx = ctx_new(&b, false);
	server_cert(&b);
	link_open(&b, &b.in);
	link_open(&b, &b.out);
	b.out.c2s.sink = true;
	cipher = SSL_get_cipher_name(b.in.srv);
	version = SSL_get_version(b.in.srv);
	if (strcmp(cipher, SSL_get_cipher_name(b.out.cli)) != 0) {
		fprintf(stderr, "chive-bench-crypto: links negotiated %s and %s\n", cipher,
			SSL_get_cipher_name(b.out.cli));
		return 1;
	}

	fill_rnd(&b, &in_cells[0][0], sizeof(in_cells));
	for (uint32_t i = 0; i < BENCH_RING; i++) {
		be32_put(in_cells[i], 1);
		in_cells[i][4] = WIRE_CELL_CMD_RELAY;
	}
	circs_create(&b, BENCH_MAX_CIRCS);

	/* CPU time over wall time of the measurements: below 1, another task had our CPU. */
	wall0 = now_ns();
	cpu0 = clock_ns(CLOCK_THREAD_CPUTIME_ID);
	for (size_t i = 0; i < N_RELAY; i++) {
		rfwd[i] = run_relay(&b, relay_circs[i], true);
		rbwd[i] = run_relay(&b, relay_circs[i], false);
	}
	for (size_t i = 0; i < N_TLS; i++)
		rtls[i] = run_tls(&b, tls_cpr[i]);
	rpath = run_path(&b, PATH_CIRCS);
	cpu_share = (double)(clock_ns(CLOCK_THREAD_CPUTIME_ID) - cpu0) / (double)(now_ns() - wall0);

	if (json) {
		printf("{\"tool\": \"chive-bench-crypto\", \"openssl\": \"%s\", "
		       "\"seconds_per_case\": %.3f, \"cpu_share\": %.3f,\n"
		       " \"tls_version\": \"%s\", \"tls_cipher\": \"%s\", "
		       "\"cell_bytes\": %u, \"payload_bytes\": %u,\n \"relay_crypto\": [",
		       OpenSSL_version(OPENSSL_VERSION), b.seconds, cpu_share, version, cipher,
		       WIRE_CELL_LEN, WIRE_CELL_PAYLOAD_LEN);
		for (size_t i = 0; i < 2 * N_RELAY; i++) {
			const struct bench_res *r = i < N_RELAY ? &rfwd[i] : &rbwd[i - N_RELAY];

			printf("%s\n  {\"dir\": \"%s\", \"circuits\": %" PRIu32
			       ", \"cells\": %" PRIu64
			       ", \"ns_per_cell\": %.2f, \"cells_per_s\": %.0f}",
			       i == 0 ? "" : ",", i < N_RELAY ? "fwd" : "bwd",
			       relay_circs[i % N_RELAY], r->cells, ns_per_cell(r, r->ns),
			       cells_per_s(r));
		}
		printf("],\n \"tls\": [");
		for (size_t i = 0; i < N_TLS; i++) {
			const struct bench_res *r = &rtls[i];

			printf("%s\n  {\"cells_per_record\": %" PRIu32 ", \"cells\": %" PRIu64
			       ", \"seal_ns_per_cell\": %.2f, \"open_ns_per_cell\": %.2f, "
			       "\"ns_per_cell\": %.2f, \"cells_per_s\": %.0f}",
			       i == 0 ? "" : ",", tls_cpr[i], r->cells, ns_per_cell(r, r->ns_a),
			       ns_per_cell(r, r->ns_b), ns_per_cell(r, r->ns), cells_per_s(r));
		}
		printf("],\n \"whole_path\": {\"cells_per_record\": %u, \"circuits\": %u, "
		       "\"cells\": %" PRIu64 ", \"ns_per_cell\": %.2f, \"cells_per_s\": %.0f},\n"
		       " \"records\": {\"in_sealed\": %" PRIu64 ", \"in_opened\": %" PRIu64
		       ", \"out_sealed\": %" PRIu64 "}, \"recognized\": %" PRIu64 "}\n",
		       BENCH_BATCH, PATH_CIRCS, rpath.cells, ns_per_cell(&rpath, rpath.ns),
		       cells_per_s(&rpath), b.in.cli_ctr.tx_records, b.in.srv_ctr.rx_records,
		       b.out.cli_ctr.tx_records, b.recognized);
	} else {
		printf("chive-bench-crypto: %s; %s %s; %.2f s per case; one thread\n",
		       OpenSSL_version(OPENSSL_VERSION), version, cipher, b.seconds);
		printf("%-40s %12s %14s\n", "case", "ns/cell", "cells/s");
		for (size_t i = 0; i < 2 * N_RELAY; i++) {
			const struct bench_res *r = i < N_RELAY ? &rfwd[i] : &rbwd[i - N_RELAY];
			char name[64];

			snprintf(name, sizeof(name), "relay crypto %s, %" PRIu32 " circuit%s",
				 i < N_RELAY ? "fwd" : "bwd", relay_circs[i % N_RELAY],
				 relay_circs[i % N_RELAY] == 1 ? "" : "s");
			printf("%-40s %12.1f %14.0f\n", name, ns_per_cell(r, r->ns),
			       cells_per_s(r));
		}
		for (size_t i = 0; i < N_TLS; i++) {
			const struct bench_res *r = &rtls[i];
			char name[64];

			snprintf(name, sizeof(name), "TLS %" PRIu32 " cell%s/record seal+open",
				 tls_cpr[i], tls_cpr[i] == 1 ? "" : "s");
			printf("%-40s %12.1f %14.0f   (seal %.1f + open %.1f)\n", name,
			       ns_per_cell(r, r->ns), cells_per_s(r), ns_per_cell(r, r->ns_a),
			       ns_per_cell(r, r->ns_b));
		}
		printf("%-40s %12.1f %14.0f\n", "whole path, 31 cells/record, 1024 circs",
		       ns_per_cell(&rpath, rpath.ns), cells_per_s(&rpath));
		printf("CPU time / wall time while measuring: %.3f%s\n", cpu_share,
		       cpu_share < 0.9 ? " (the CPU was shared: numbers are low)" : "");
	}

	link_close(&b.in);
	link_close(&b.out);
	circs_destroy(&b);
	SSL_CTX_free(b.srv_ctx);
	SSL_CTX_free(b.cli_ctx);
	BIO_meth_free(b.bio_meth);
	OSSL_PROVIDER_unload(b.prov);
	OSSL_LIB_CTX_free(b.libctx);
	return 0;
}
