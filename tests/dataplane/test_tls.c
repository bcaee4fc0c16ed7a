/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief TLS over Chive's TCP, Chive against Chive (dataplane/tls/).
 *
 * Two complete stacks on one shared segment: lcore A (10.0.9.1) on ring
 * port A and lcore B (10.0.9.2) on ring port B, cross-connected by the
 * fixture's net_ring pair. Both run the real per-lcore loop,
 * dp_lcore_iterate() (RX, dp_tls_poll, dp_tcp_poll, TX), on a virtual clock
 * (tsc_hz = 1 MHz, so one tick is one µs). A is the client and B the server
 * unless a test says otherwise; a plain-TCP application stands in for a
 * peer that is not TLS. Certificates are generated once for the suite
 * (tor-shaped chains, dp_tls_cert_generate()). Every test checks at
 * teardown that no mbuf leaked.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include <openssl/evp.h>
#include <openssl/ssl.h>

#include <CUnit/CUnit.h>

#include "common/ipc/ipc_shm.h"
#include "dataplane/base/dp_ctr.h"
#include "dataplane/lcore.h"
#include "dataplane/net/net.h"
#include "dataplane/net/tcp.h"
#include "dataplane/tls/tls.h"
#include "dataplane/tls/tls_int.h"
#include "tests/harness/eal_fixture.h"
#include "tests/suites.h"

#define A_IP 0x0a000901u /* 10.0.9.1 */
#define B_IP 0x0a000902u /* 10.0.9.2 */
#define TLS_PORT 443
#define RAW_PORT 444
#define STEP_US 50u      /* virtual time per loop iteration */
#define MAX_APPS 32
#define CHUNK 32768u
#define MIB (1u << 20)

static const uint8_t mac_a[6] = { 0x02, 0, 0, 0, 9, 1 };
static const uint8_t mac_b[6] = { 0x02, 0, 0, 0, 9, 2 };
static const char tor_label[] = "EXPORTER FOR TOR TLS CLIENT BINDING AUTH0003";

static struct dp_tls_cert_blobs cert_b, cert_c;
static struct ipc_shm shm;
static char shm_name[IPC_SHM_NAME_MAX];
static atomic_int stop_flag;
static struct dp_lcore lca, lcb;
static uint64_t vnow;
static unsigned int pool_before;

/* ---- the test application (both roles) ---- */

struct app_conn {
	struct dp_lcore *lc;
	uint32_t h;
	int in_use, hs_done, closed, reason, readable, writable, eof;
	int read_on;       /* read everything on `readable` */
	int close_on_eof;  /* dp_tls_close() once dp_tls_read() says -EPIPE */
	uint64_t seed;     /* of the stream this side sends */
	uint64_t tx_goal, tx_off, rx_n;
	EVP_MD_CTX *htx, *hrx;
};

static struct app_conn apps[MAX_APPS];
/* What the helpers return after a fatal assertion (never used: the test stops there). */
static struct app_conn dead_conn;
/* How accepted connections start (set by a test before they arrive). */
static struct app_conn srv_tmpl;
static uint8_t buf[CHUNK];

static uint64_t
splitmix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

/* @p n bytes of stream @p seed from offset @p off. */
static void
gen(uint8_t *out, uint32_t n, uint64_t seed, uint64_t off)
{
	for (uint32_t i = 0; i < n; i++)
		out[i] = (uint8_t)(splitmix(seed + (off + i) / 8) >> (8 * ((off + i) % 8)));
}

static struct app_conn *
app_new(struct dp_lcore *lc, const struct app_conn *tmpl)
{
	for (int i = 0; i < MAX_APPS; i++) {
		struct app_conn *a = &apps[i];

		if (a->in_use)
			continue;
		*a = *tmpl;
		a->lc = lc;
		a->in_use = 1;
		a->htx = EVP_MD_CTX_new();
		a->hrx = EVP_MD_CTX_new();
		EVP_DigestInit_ex(a->htx, EVP_sha256(), NULL);
		EVP_DigestInit_ex(a->hrx, EVP_sha256(), NULL);
		return a;
	}
	return NULL;
}

static void
app_push(struct app_conn *a)
{
	while (a->tx_off < a->tx_goal) {
		uint32_t n = (uint32_t)(a->tx_goal - a->tx_off < CHUNK ? a->tx_goal - a->tx_off : CHUNK);
		int w;

		gen(buf, n, a->seed, a->tx_off);
		w = dp_tls_write(a->lc, a->h, buf, n);
		if (w <= 0)
			return;
		EVP_DigestUpdate(a->htx, buf, (size_t)w);
		a->tx_off += (uint64_t)w;
		if ((uint32_t)w < n)
			return;
	}
}

static void
app_drain(struct app_conn *a)
{
	int n;

	while ((n = dp_tls_read(a->lc, a->h, buf, CHUNK)) > 0) {
		EVP_DigestUpdate(a->hrx, buf, (size_t)n);
		a->rx_n += (uint64_t)n;
	}
	if (n < 0) {
		a->eof = n;
		if (a->close_on_eof)
			dp_tls_close(a->lc, a->h);
	}
}

static int
app_accepted(struct dp_lcore *lc, uint32_t h, void *arg, void **ctx)
{
	struct app_conn *a = app_new(lc, &srv_tmpl);

	(void)arg;
	if (a == NULL)
		return -1;
	a->h = h;
	*ctx = a;
	return 0;
}

static void
app_hs_done(struct dp_lcore *lc, uint32_t h, void *ctx)
{
	struct app_conn *a = ctx;

	(void)lc;
	(void)h;
	a->hs_done = 1;
	app_push(a);
}

static void
app_readable(struct dp_lcore *lc, uint32_t h, void *ctx)
{
	struct app_conn *a = ctx;

	(void)lc;
	(void)h;
	a->readable++;
	if (a->read_on)
		app_drain(a);
}

static void
app_writable(struct dp_lcore *lc, uint32_t h, void *ctx)
{
	struct app_conn *a = ctx;

	(void)lc;
	(void)h;
	a->writable++;
	app_push(a);
}

static void
app_closed(struct dp_lcore *lc, uint32_t h, void *ctx, enum dp_tls_close_reason reason)
{
	struct app_conn *a = ctx;

	(void)lc;
	(void)h;
	a->closed++;
	a->reason = (int)reason;
}

static const struct dp_tls_app_ops app_ops = {
	.accepted = app_accepted,
	.handshake_done = app_hs_done,
	.readable = app_readable,
	.writable = app_writable,
	.closed = app_closed,
};

/* Open a TLS connection from A to B:@p port; the app state starts as @p tmpl. */
static struct app_conn *
app_connect(uint16_t port, const struct app_conn *tmpl)
{
	struct app_conn *a = app_new(&lca, tmpl);

	if (a == NULL || dp_tls_connect(&lca, B_IP, port, &app_ops, a, &a->h) != 0) {
		CU_FAIL_FATAL("dp_tls_connect failed");
		return &dead_conn;
	}
	return a;
}

/* The accepted (B side) connection number @p k, in order of arrival, or NULL. */
static struct app_conn *
srv_find(int k)
{
	for (int i = 0; i < MAX_APPS; i++)
		if (apps[i].in_use && apps[i].lc == &lcb && k-- == 0)
			return &apps[i];
	return NULL;
}

/* Like srv_find(); a missing one fails the test. */
static struct app_conn *
srv_conn(int k)
{
	struct app_conn *b = srv_find(k);

	if (b == NULL) {
		CU_FAIL_FATAL("no accepted connection");
		return &dead_conn;
	}
	return b;
}

/* Accepted connection @p k has been closed. */
static bool
srv_closed(int k)
{
	const struct app_conn *b = srv_find(k);

	return b != NULL && b->closed;
}

/* Accepted connection @p k finished its handshake. */
static bool
srv_hs_done(int k)
{
	const struct app_conn *b = srv_find(k);

	return b != NULL && b->hs_done;
}

static bool
conn_hs_done(const struct app_conn *a)
{
	return a != NULL && a->hs_done;
}

static int
digests_equal(EVP_MD_CTX *x, EVP_MD_CTX *y)
{
	uint8_t dx[32], dy[32];
	unsigned int lx = 0, ly = 0;
	EVP_MD_CTX *cx = EVP_MD_CTX_new(), *cy = EVP_MD_CTX_new();

	EVP_MD_CTX_copy_ex(cx, x);
	EVP_MD_CTX_copy_ex(cy, y);
	EVP_DigestFinal_ex(cx, dx, &lx);
	EVP_DigestFinal_ex(cy, dy, &ly);
	EVP_MD_CTX_free(cx);
	EVP_MD_CTX_free(cy);
	return lx == 32 && ly == 32 && memcmp(dx, dy, 32) == 0;
}

/* ---- a plain-TCP peer (not TLS) ---- */

enum raw_mode { RAW_IGNORE = 0, RAW_GARBAGE, RAW_CLOSE };
static struct {
	int mode;
	int accepted, connected, closed;
	uint32_t h;
} raw;
static const char garbage[] = "garbage, not a TLS record: 0123456789abcdef0123456789abcdef\r\n";

static int
raw_accepted(struct dp_lcore *lc, uint32_t h, void *arg, void **ctx)
{
	(void)lc;
	(void)arg;
	*ctx = &raw;
	raw.accepted++;
	raw.h = h;
	return 0;
}

static void
raw_connected(struct dp_lcore *lc, uint32_t h, void *ctx)
{
	(void)ctx;
	raw.connected++;
	raw.h = h;
	if (raw.mode == RAW_GARBAGE)
		dp_tcp_send(lc, h, garbage, sizeof(garbage) - 1);
}

static void
raw_readable(struct dp_lcore *lc, uint32_t h, void *ctx)
{
	(void)ctx;
	while (dp_tcp_recv(lc, h, buf, CHUNK) > 0)
		;
	if (raw.mode == RAW_GARBAGE)
		dp_tcp_send(lc, h, garbage, sizeof(garbage) - 1);
	else if (raw.mode == RAW_CLOSE)
		dp_tcp_close(lc, h);
}

static void
raw_peer_fin(struct dp_lcore *lc, uint32_t h, void *ctx)
{
	(void)ctx;
	dp_tcp_close(lc, h);
}

static void
raw_closed(struct dp_lcore *lc, uint32_t h, void *ctx, enum dp_tcp_close_reason r)
{
	(void)lc;
	(void)h;
	(void)ctx;
	(void)r;
	raw.closed++;
}

static const struct dp_tcp_app_ops raw_ops = {
	.accepted = raw_accepted,
	.connected = raw_connected,
	.readable = raw_readable,
	.peer_fin = raw_peer_fin,
	.closed = raw_closed,
};

/* ---- the two stacks ---- */

static struct dp_tcp_conf
tcp_conf(void)
{
	struct dp_tcp_conf c;

	dp_tcp_conf_default(&c);
	c.max_conns = 64;
	c.sndbuf = 65536;
	c.rcvbuf = 65536;
	c.tw_max = 64;
	return c;
}

static struct dp_tls_conf
tls_conf(void)
{
	struct dp_tls_conf c;

	dp_tls_conf_default(&c);
	c.max_conns = 16;
	return c;
}

static int
stack_up(struct dp_lcore *lc, uint32_t idx, uint16_t port, uint32_t ip, const uint8_t *mac,
	 const struct dp_tcp_conf *tc, const struct dp_tls_conf *sc)
{
	static const uint8_t key[16] = { 9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1, 2, 3, 4, 5, 6 };
	struct rte_ether_addr ea;

	if (dp_lcore_init(lc, &shm, idx, &stop_flag, 1000000) != 0)
		return -1;
	memcpy(ea.addr_bytes, mac, 6);
	dp_net_init(lc, port, 0, &ea, ip, 0xffffff00u, 0, eal_fixture_pool());
	lc->net.tcp_input = dp_tcp_input;
	lc->has_port = 1;
	lc->rx_port = port;
	lc->rx_queue = 0;
	lc->now_us = vnow;
	if (dp_tcp_create(lc, tc, key) != 0 || dp_tls_create(lc, sc) != 0)
		return -1;
	return 0;
}

static void
stacks_up(const struct dp_tls_conf *ca, const struct dp_tls_conf *cb, const struct dp_tcp_conf *ta)
{
	struct dp_tcp_conf tc = tcp_conf();
	struct dp_tls_conf dc = tls_conf();

	CU_ASSERT_FATAL(stack_up(&lca, 0, eal_fixture_port_a(), A_IP, mac_a, ta != NULL ? ta : &tc,
				 ca != NULL ? ca : &dc) == 0);
	CU_ASSERT_FATAL(stack_up(&lcb, 1, eal_fixture_port_b(), B_IP, mac_b, &tc,
				 cb != NULL ? cb : &dc) == 0);
	CU_ASSERT_FATAL(dp_tls_set_cert(&lcb, cert_b.key_der, cert_b.key_len, cert_b.cert_der,
					cert_b.cert_len, cert_b.idcert_der, cert_b.idcert_len) == 0);
	CU_ASSERT_FATAL(dp_tls_accept_on(&lcb, TLS_PORT, &app_ops, NULL) == 0);
}

static void
drain_port(uint16_t port)
{
	struct rte_mbuf *m[64];
	uint16_t n;

	while ((n = rte_eth_rx_burst(port, 0, m, 64)) != 0)
		rte_pktmbuf_free_bulk(m, n);
}

static void
stack_down(struct dp_lcore *lc)
{
	dp_tls_destroy(lc);
	dp_tcp_destroy(lc);
	dp_net_tx_flush(lc);
	for (uint32_t i = 0; i < DP_ARP_CACHE_SIZE; i++)
		for (uint32_t k = 0; k < lc->net.arp[i].n_held; k++)
			rte_pktmbuf_free(lc->net.arp[i].held[k]);
	memset(lc->net.arp, 0, sizeof(lc->net.arp));
}

/* Forget every application connection (the TLS ones must be closed already). */
static void
apps_reset(void)
{
	for (int i = 0; i < MAX_APPS; i++) {
		EVP_MD_CTX_free(apps[i].htx);
		EVP_MD_CTX_free(apps[i].hrx);
	}
	memset(apps, 0, sizeof(apps));
}

static void
stacks_down(void)
{
	stack_down(&lca);
	stack_down(&lcb);
	drain_port(eal_fixture_port_a());
	drain_port(eal_fixture_port_b());
	apps_reset();
}

static void
setup(void)
{
	struct ipc_seg_geom g;
	char err[256];

	snprintf(shm_name, sizeof(shm_name), "chive-dptest-%d-tls", (int)getpid());
	ipc_seg_geom_default(&g, 2);
	g.lcore_ids[0] = 0;
	g.lcore_ids[1] = 1;
	CU_ASSERT_FATAL(ipc_shm_create(shm_name, &g, (uint32_t)getpid(), &shm, err, sizeof(err)) == 0);
	CU_ASSERT_FATAL(dp_ctr_publish(ipc_shm_ctr_dir(&shm)) == 0);
	memset(apps, 0, sizeof(apps));
	memset(&srv_tmpl, 0, sizeof(srv_tmpl));
	memset(&raw, 0, sizeof(raw));
	srv_tmpl.read_on = 1;
	srv_tmpl.close_on_eof = 1;
	srv_tmpl.seed = 0xb0b;
	vnow = 1000000000ull;
	pool_before = rte_mempool_avail_count(eal_fixture_pool());
	stacks_up(NULL, NULL, NULL);
}

static void
teardown(void)
{
	stacks_down();
	ipc_shm_close(&shm);
	CU_ASSERT_EQUAL(rte_mempool_avail_count(eal_fixture_pool()), pool_before);
}

/* Rebuild both stacks with other TLS (and A's TCP) configurations. */
static void
restart(const struct dp_tls_conf *ca, const struct dp_tls_conf *cb, const struct dp_tcp_conf *ta)
{
	stacks_down();
	stacks_up(ca, cb, ta);
}

/* One loop iteration on each lcore, @p us of virtual time later. */
static void
step_by(uint64_t us)
{
	vnow += us;
	dp_lcore_iterate(&lca, vnow);
	dp_lcore_iterate(&lcb, vnow);
}

/* Iterate until @p cond holds, at most @p max times; evaluates to the iterations used. */
#define PUMP_UNTIL(cond, max)                                          \
	({                                                             \
		uint32_t n_ = 0;                                       \
		while (!(cond) && n_ < (max)) {                        \
			step_by(STEP_US);                              \
			n_++;                                          \
		}                                                      \
		n_;                                                    \
	})

static void
pump(uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		step_by(STEP_US);
}

static uint64_t
ctr(struct dp_lcore *lc, enum dp_ctr_id id)
{
	return ipc_ctr_get(lc->ctr, id);
}

static struct app_conn
tmpl_client(void)
{
	struct app_conn t;

	memset(&t, 0, sizeof(t));
	t.read_on = 1;
	t.seed = 0xa11ce;
	return t;
}

/* Connect A to B on TLS_PORT and complete the handshake; NULL on failure. */
static struct app_conn *
connect_done(void)
{
	struct app_conn t = tmpl_client();
	struct app_conn *a = app_connect(TLS_PORT, &t);

	PUMP_UNTIL(a->hs_done && srv_hs_done(0), 2000);
	if (!a->hs_done) {
		CU_FAIL_FATAL("handshake did not complete");
		return &dead_conn;
	}
	return a;
}

/* ---- handshakes ---- */

static void
test_tls_handshake_default_negotiates_tls13_aes256(void)
{
	struct app_conn *a = connect_done();
	struct dp_tls_info ia, ib;

	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_EQUAL(dp_tls_info(&lca, a->h, &ia), 0);
	CU_ASSERT_EQUAL(dp_tls_info(&lcb, srv_conn(0)->h, &ib), 0);
	CU_ASSERT_EQUAL(ia.version, DP_TLS_V1_3);
	CU_ASSERT_EQUAL(ib.version, DP_TLS_V1_3);
	CU_ASSERT_STRING_EQUAL(ia.cipher, "TLS_AES_256_GCM_SHA384"); /* as a tor 0.4.9 relay answers */
	CU_ASSERT_EQUAL(ia.role, DP_TLS_ROLE_CLIENT);
	CU_ASSERT_EQUAL(ib.role, DP_TLS_ROLE_SERVER);
	CU_ASSERT_EQUAL(ia.record_overhead, 22);
	CU_ASSERT_EQUAL(ctr(&lca, DP_CTR_tls_hs_started_client), 1);
	CU_ASSERT_EQUAL(ctr(&lca, DP_CTR_tls_hs_done_client), 1);
	CU_ASSERT_EQUAL(ctr(&lcb, DP_CTR_tls_hs_started_server), 1);
	CU_ASSERT_EQUAL(ctr(&lcb, DP_CTR_tls_hs_done_server), 1);
	CU_ASSERT_EQUAL(ctr(&lca, DP_CTR_tls_v13), 1);
	CU_ASSERT_EQUAL(ctr(&lcb, DP_CTR_tls_v13), 1);
	CU_ASSERT_EQUAL(ctr(&lcb, DP_CTR_tls_conns), 1);
	CU_ASSERT(ctr(&lcb, DP_CTR_tls_hs_cycles) > 0);
}

static void
test_tls_client_sends_random_www_com_sni(void)
{
	struct app_conn *a = connect_done();
	const char *sni;
	size_t n;

	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	sni = SSL_get_servername(lcb.tls->conns[srv_conn(0)->h & TLS_IDX_MASK].ssl,
				 TLSEXT_NAMETYPE_host_name);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sni);
	n = strlen(sni);
	CU_ASSERT(n >= 4 + 8 + 4 && n <= 4 + 20 + 4);
	CU_ASSERT_NSTRING_EQUAL(sni, "www.", 4);
	CU_ASSERT_STRING_EQUAL(sni + n - 4, ".com");
}

static void
test_tls_client_forcing_tls12_negotiates_ecdhe_rsa_gcm(void)
{
	struct dp_tls_conf ca = tls_conf();
	struct app_conn *a;
	struct dp_tls_info ia;

	ca.max_version = DP_TLS_V1_2;
	restart(&ca, NULL, NULL);
	a = connect_done();
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_EQUAL(dp_tls_info(&lca, a->h, &ia), 0);
	CU_ASSERT_EQUAL(ia.version, DP_TLS_V1_2);
	CU_ASSERT_STRING_EQUAL(ia.cipher, "ECDHE-RSA-AES256-GCM-SHA384");
	CU_ASSERT_EQUAL(ia.record_overhead, 29);
	CU_ASSERT_EQUAL(ctr(&lca, DP_CTR_tls_v12), 1);
	CU_ASSERT_EQUAL(ctr(&lcb, DP_CTR_tls_v12), 1);
	CU_ASSERT_EQUAL(ctr(&lcb, DP_CTR_tls_v13), 0);
}

static void
test_tls_server_forcing_tls13_negotiates_tls13(void)
{
	struct dp_tls_conf cb = tls_conf();
	struct app_conn *a;
	struct dp_tls_info ib;

	cb.min_version = DP_TLS_V1_3;
	restart(NULL, &cb, NULL);
	a = connect_done();
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_EQUAL(dp_tls_info(&lcb, srv_conn(0)->h, &ib), 0);
	CU_ASSERT_EQUAL(ib.version, DP_TLS_V1_3);
	CU_ASSERT_EQUAL(ctr(&lcb, DP_CTR_tls_v13), 1);
}

static void
test_tls_version_mismatch_fails_both_sides_as_protocol(void)
{
	struct dp_tls_conf ca = tls_conf(), cb = tls_conf();
	struct app_conn t = tmpl_client();
	struct app_conn *a;

	ca.max_version = DP_TLS_V1_2;
	cb.min_version = DP_TLS_V1_3;
	restart(&ca, &cb, NULL);
	a = app_connect(TLS_PORT, &t);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	PUMP_UNTIL(a->closed && srv_closed(0), 2000);
	CU_ASSERT_EQUAL(a->closed, 1);
	CU_ASSERT_EQUAL(a->reason, DP_TLS_CLOSE_PROTOCOL);
	CU_ASSERT_EQUAL(a->hs_done, 0);
	CU_ASSERT_EQUAL(ctr(&lca, DP_CTR_tls_hs_fail_client_protocol), 1);
	CU_ASSERT_EQUAL(ctr(&lcb, DP_CTR_tls_hs_fail_server_protocol), 1);
	CU_ASSERT(ctr(&lcb, DP_CTR_tls_alerts_sent) >= 1); /* protocol_version */
	CU_ASSERT(ctr(&lca, DP_CTR_tls_alerts_rcvd) >= 1);
	CU_ASSERT_EQUAL(ctr(&lca, DP_CTR_tls_conns), 0);
}

/* ---- data ---- */

/* Send @p bytes both ways at once and check both streams by SHA-256. */
static void
bulk_both_ways(uint64_t bytes)
{
	struct app_conn t = tmpl_client();
	struct app_conn *a, *b;

	srv_tmpl.tx_goal = bytes;
	t.tx_goal = bytes;
	a = app_connect(TLS_PORT, &t);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	PUMP_UNTIL(a->rx_n == bytes && srv_find(0) != NULL && srv_find(0)->rx_n == bytes, 200000);
	b = srv_conn(0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	CU_ASSERT_EQUAL(a->tx_off, bytes);
	CU_ASSERT_EQUAL(b->tx_off, bytes);
	CU_ASSERT_EQUAL(a->rx_n, bytes);
	CU_ASSERT_EQUAL(b->rx_n, bytes);
	CU_ASSERT(digests_equal(a->htx, b->hrx));
	CU_ASSERT(digests_equal(b->htx, a->hrx));
	CU_ASSERT_EQUAL(ctr(&lca, DP_CTR_tls_tx_bytes), bytes);
	CU_ASSERT_EQUAL(ctr(&lcb, DP_CTR_tls_rx_bytes), bytes);
	CU_ASSERT_EQUAL(ctr(&lca, DP_CTR_tls_tx_wire_bytes), ctr(&lcb, DP_CTR_tls_rx_wire_bytes));
	CU_ASSERT(ctr(&lca, DP_CTR_tls_tx_records) >= bytes / DP_TLS_RECORD_MAX);
	CU_ASSERT_EQUAL(ctr(&lca, DP_CTR_tls_tx_records), ctr(&lcb, DP_CTR_tls_rx_records));
}

static void
test_tls_bulk_both_ways_tls13_checksums_match(void)
{
	struct dp_tcp_conf ta = tcp_conf();

	/* A small send buffer on A: records regularly do not fit whole (the pending path). */
	ta.sndbuf = 16384;
	restart(NULL, NULL, &ta);
	bulk_both_ways(2 * MIB);
	CU_ASSERT(ctr(&lca, DP_CTR_tls_write_blocked) > 0);
}

static void
test_tls_bulk_both_ways_tls12_checksums_match(void)
{
	struct dp_tls_conf ca = tls_conf();
	struct dp_tcp_conf ta = tcp_conf();

	ca.max_version = DP_TLS_V1_2;
	ta.sndbuf = 16384;
	restart(&ca, NULL, &ta);
	bulk_both_ways(2 * MIB);
	CU_ASSERT_EQUAL(ctr(&lca, DP_CTR_tls_v12), 1);
}

static void
test_tls_write_blocks_when_peer_stops_reading_then_resumes(void)
{
	struct app_conn t = tmpl_client();
	struct app_conn *a, *b;
	uint64_t taken;

	srv_tmpl.read_on = 0;
	t.tx_goal = MIB;
	a = app_connect(TLS_PORT, &t);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	pump(3000);
	b = srv_conn(0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	taken = a->tx_off;
	/* Windows and buffers are full: less than the whole MiB was taken, nothing lost. */
	CU_ASSERT(taken > 0 && taken < MIB);
	CU_ASSERT_EQUAL(dp_tls_write_space(&lca, a->h), 0);
	CU_ASSERT_EQUAL(dp_tls_writable_bytes(&lca, a->h), 0);
	b->read_on = 1;
	app_drain(b);
	PUMP_UNTIL(b->rx_n == MIB, 100000);
	CU_ASSERT_EQUAL(b->rx_n, MIB);
	CU_ASSERT(a->writable > 0);
	CU_ASSERT(digests_equal(a->htx, b->hrx));
}

static void
test_tls_writable_bytes_fill_the_send_window_exactly(void)
{
	struct app_conn *a = connect_done();
	struct dp_tls_info ia;
	uint32_t w, tcp_h;
	static uint8_t big[4 * DP_TLS_RECORD_MAX + 4096];

	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_EQUAL(dp_tls_info(&lca, a->h, &ia), 0);
	tcp_h = ia.tcp_h;
	w = dp_tls_writable_bytes(&lca, a->h);
	CU_ASSERT_FATAL(w > 0 && w <= sizeof(big));
	/* What leaves at once is the TCP window: the records of w bytes take all of it but less
	 * than one record's overhead. */
	CU_ASSERT_EQUAL(dp_tls_write(&lca, a->h, big, w), (int)w);
	CU_ASSERT(dp_tcp_sendable(&lca, tcp_h) <= ia.record_overhead);
}

static void
test_tls_exporter_values_equal_on_both_ends(void)
{
	struct app_conn *a = connect_done();
	uint8_t cid[32], ea[32], eb[32], ec[32], zero[32];

	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	memset(cid, 0x42, sizeof(cid));
	memset(zero, 0, sizeof(zero));
	CU_ASSERT_EQUAL(dp_tls_export_keying_material(&lca, a->h, ea, 32, tor_label,
						      strlen(tor_label), cid, 32), 0);
	CU_ASSERT_EQUAL(dp_tls_export_keying_material(&lcb, srv_conn(0)->h, eb, 32, tor_label,
						      strlen(tor_label), cid, 32), 0);
	cid[0] ^= 1;
	CU_ASSERT_EQUAL(dp_tls_export_keying_material(&lcb, srv_conn(0)->h, ec, 32, tor_label,
						      strlen(tor_label), cid, 32), 0);
	CU_ASSERT_EQUAL(memcmp(ea, eb, 32), 0);
	CU_ASSERT_NOT_EQUAL(memcmp(ea, ec, 32), 0); /* bound to the context */
	CU_ASSERT_NOT_EQUAL(memcmp(ea, zero, 32), 0);
}

static void
test_tls_exporter_before_handshake_is_not_connected(void)
{
	struct app_conn t = tmpl_client();
	struct app_conn *a = app_connect(TLS_PORT, &t);
	uint8_t e[32];

	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_EQUAL(dp_tls_export_keying_material(&lca, a->h, e, 32, tor_label,
						      strlen(tor_label), NULL, 0), -ENOTCONN);
	CU_ASSERT_EQUAL(dp_tls_read(&lca, a->h, e, sizeof(e)), -ENOTCONN);
	CU_ASSERT_EQUAL(dp_tls_write(&lca, a->h, e, sizeof(e)), -ENOTCONN);
}

static void
test_tls_peer_cert_der_is_the_servers_own_cert(void)
{
	struct app_conn *a = connect_done();
	static uint8_t pa[4096], ob[4096];
	int np, no;

	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	np = dp_tls_peer_cert_der(&lca, a->h, pa, sizeof(pa));
	no = dp_tls_own_cert_der(&lcb, srv_conn(0)->h, ob, sizeof(ob));
	CU_ASSERT_EQUAL_FATAL(np, (int)cert_b.cert_len);
	CU_ASSERT_EQUAL_FATAL(no, (int)cert_b.cert_len);
	CU_ASSERT_EQUAL(memcmp(pa, cert_b.cert_der, cert_b.cert_len), 0);
	CU_ASSERT_EQUAL(memcmp(ob, cert_b.cert_der, cert_b.cert_len), 0);
	/* tor's in-protocol handshake: the client presents no certificate. */
	CU_ASSERT_EQUAL(dp_tls_peer_cert_der(&lcb, srv_conn(0)->h, pa, sizeof(pa)), -ENOENT);
	CU_ASSERT_EQUAL(dp_tls_own_cert_der(&lca, a->h, pa, sizeof(pa)), -ENOENT);
	CU_ASSERT_EQUAL(dp_tls_peer_cert_der(&lca, a->h, pa, 100), -ENOSPC);
}

static void
test_tls_new_cert_for_new_handshakes_live_ones_keep_theirs(void)
{
	struct app_conn t = tmpl_client();
	struct app_conn *a1, *a2, *a3, *b2;
	static uint8_t d[4096];

	a1 = connect_done();
	a2 = connect_done();
	CU_ASSERT_PTR_NOT_NULL_FATAL(a1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a2);
	b2 = srv_conn(1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b2);
	/* Free one server entry, so the next handshake reuses its SSL (which had cert B). */
	dp_tls_close(&lca, a1->h);
	PUMP_UNTIL(a1->closed && srv_closed(0), 2000);
	CU_ASSERT_EQUAL(dp_tls_set_cert(&lcb, cert_c.key_der, cert_c.key_len, cert_c.cert_der,
					cert_c.cert_len, cert_c.idcert_der, cert_c.idcert_len), 0);
	/* The live connection still works and still has cert B. */
	a2->tx_goal = 100000;
	app_push(a2);
	PUMP_UNTIL(b2->rx_n == 100000, 20000);
	CU_ASSERT_EQUAL(b2->rx_n, 100000);
	CU_ASSERT(digests_equal(a2->htx, b2->hrx));
	CU_ASSERT_EQUAL(dp_tls_own_cert_der(&lcb, b2->h, d, sizeof(d)), (int)cert_b.cert_len);
	CU_ASSERT_EQUAL(memcmp(d, cert_b.cert_der, cert_b.cert_len), 0);
	/* A new handshake gets cert C, on a reused SSL object. */
	a3 = app_connect(TLS_PORT, &t);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a3);
	PUMP_UNTIL(conn_hs_done(a3), 2000);
	CU_ASSERT_EQUAL_FATAL(dp_tls_peer_cert_der(&lca, a3->h, d, sizeof(d)), (int)cert_c.cert_len);
	CU_ASSERT_EQUAL(memcmp(d, cert_c.cert_der, cert_c.cert_len), 0);
	CU_ASSERT_EQUAL(ctr(&lcb, DP_CTR_tls_ssl_reused), 1);
}

static void
test_tls_set_cert_refuses_mismatched_key(void)
{
	CU_ASSERT_EQUAL(dp_tls_set_cert(&lcb, cert_c.key_der, cert_c.key_len, cert_b.cert_der,
					cert_b.cert_len, NULL, 0), -EINVAL);
	CU_ASSERT_EQUAL(dp_tls_set_cert(&lcb, cert_b.key_der, cert_b.key_len,
					(const uint8_t *)garbage, sizeof(garbage), NULL, 0), -EINVAL);
	CU_ASSERT(dp_tls_has_cert(&lcb));
	CU_ASSERT_FALSE(dp_tls_has_cert(&lca));
}

static void
test_tls13_key_update_requested_keeps_data_flowing(void)
{
	struct app_conn *a = connect_done(), *b;

	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	b = srv_conn(0);
	CU_ASSERT_EQUAL(SSL_key_update(lca.tls->conns[a->h & TLS_IDX_MASK].ssl,
				       SSL_KEY_UPDATE_REQUESTED), 1);
	a->tx_goal = 300000;
	b->tx_goal = 300000;
	app_push(a);
	app_push(b);
	PUMP_UNTIL(a->rx_n == 300000 && b->rx_n == 300000, 50000);
	CU_ASSERT_EQUAL(a->rx_n, 300000);
	CU_ASSERT_EQUAL(b->rx_n, 300000);
	CU_ASSERT(digests_equal(a->htx, b->hrx));
	CU_ASSERT(digests_equal(b->htx, a->hrx));
}

/* ---- closing ---- */

static void
test_tls_close_sends_close_notify_and_both_close_normally(void)
{
	struct app_conn *a = connect_done(), *b;

	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	b = srv_conn(0);
	CU_ASSERT_EQUAL(dp_tls_close(&lca, a->h), 0);
	CU_ASSERT_EQUAL(dp_tls_read(&lca, a->h, buf, 16), -EBADF); /* the handle is the app's no more */
	PUMP_UNTIL(a->closed && b->closed, 5000);
	CU_ASSERT_EQUAL(b->eof, -EPIPE);
	CU_ASSERT_EQUAL(a->closed, 1);
	CU_ASSERT_EQUAL(b->closed, 1);
	CU_ASSERT_EQUAL(a->reason, DP_TLS_CLOSE_NORMAL);
	CU_ASSERT_EQUAL(b->reason, DP_TLS_CLOSE_NORMAL);
	CU_ASSERT_EQUAL(ctr(&lca, DP_CTR_tls_close_notify_sent), 1);
	CU_ASSERT_EQUAL(ctr(&lcb, DP_CTR_tls_close_notify_rcvd), 1);
	CU_ASSERT_EQUAL(ctr(&lcb, DP_CTR_tls_close_notify_sent), 1);
	CU_ASSERT_EQUAL(ctr(&lca, DP_CTR_tls_conns), 0);
	CU_ASSERT_EQUAL(ctr(&lcb, DP_CTR_tls_conns), 0);
}

static void
test_tls_close_after_writes_delivers_everything_first(void)
{
	struct app_conn *a = connect_done(), *b;

	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	b = srv_conn(0);
	a->tx_goal = 500000;
	app_push(a);
	dp_tls_close(&lca, a->h); /* with records still waiting in TCP and in OpenSSL */
	PUMP_UNTIL(b->closed, 50000);
	CU_ASSERT_EQUAL(b->rx_n, a->tx_off);
	CU_ASSERT(digests_equal(a->htx, b->hrx));
	CU_ASSERT_EQUAL(b->eof, -EPIPE);
	CU_ASSERT_EQUAL(b->reason, DP_TLS_CLOSE_NORMAL);
}

static void
test_tls_abort_resets_and_peer_sees_peer_closed(void)
{
	struct app_conn *a = connect_done(), *b;

	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	b = srv_conn(0);
	CU_ASSERT_EQUAL(dp_tls_abort(&lca, a->h), 0);
	PUMP_UNTIL(a->closed && b->closed, 5000);
	CU_ASSERT_EQUAL(a->reason, DP_TLS_CLOSE_ABORTED);
	CU_ASSERT_EQUAL(b->reason, DP_TLS_CLOSE_PEER_CLOSED);
}

static void
test_tls_stale_handle_is_refused(void)
{
	struct app_conn *a = connect_done();
	uint32_t h;

	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	h = a->h;
	dp_tls_abort(&lca, h);
	PUMP_UNTIL(a->closed, 1000);
	CU_ASSERT_EQUAL(dp_tls_read(&lca, h, buf, 16), -EBADF);
	CU_ASSERT_EQUAL(dp_tls_write(&lca, h, buf, 16), -EBADF);
	CU_ASSERT_EQUAL(dp_tls_close(&lca, h), -EBADF);
	CU_ASSERT_EQUAL(dp_tls_writable_bytes(&lca, h), 0);
}

/* ---- failures ---- */

static void
test_tls_server_sending_garbage_fails_client_as_protocol(void)
{
	struct app_conn t = tmpl_client();
	struct app_conn *a;

	raw.mode = RAW_GARBAGE;
	CU_ASSERT_FATAL(dp_tcp_listen(&lcb, RAW_PORT, &raw_ops, NULL) == 0);
	a = app_connect(RAW_PORT, &t);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	PUMP_UNTIL(a->closed, 5000);
	CU_ASSERT_EQUAL(a->closed, 1);
	CU_ASSERT_EQUAL(a->reason, DP_TLS_CLOSE_PROTOCOL);
	CU_ASSERT_EQUAL(ctr(&lca, DP_CTR_tls_hs_fail_client_protocol), 1);
	CU_ASSERT_EQUAL(ctr(&lca, DP_CTR_tls_hs_done_client), 0);
}

static void
test_tls_client_sending_garbage_fails_server_as_protocol(void)
{
	uint32_t h;

	raw.mode = RAW_GARBAGE;
	CU_ASSERT_FATAL(dp_tcp_connect(&lca, B_IP, TLS_PORT, &raw_ops, NULL, &h) == 0);
	PUMP_UNTIL(ctr(&lcb, DP_CTR_tls_hs_fail_server_protocol) == 1 && srv_closed(0), 5000);
	CU_ASSERT_EQUAL(ctr(&lcb, DP_CTR_tls_hs_started_server), 1);
	CU_ASSERT_EQUAL(ctr(&lcb, DP_CTR_tls_hs_fail_server_protocol), 1);
	CU_ASSERT_EQUAL(srv_conn(0)->reason, DP_TLS_CLOSE_PROTOCOL);
	PUMP_UNTIL(raw.closed, 5000);
	CU_ASSERT_EQUAL(raw.closed, 1); /* B closed the TCP connection */
}

static void
test_tls_peer_closing_during_handshake_counts_peer_closed(void)
{
	struct app_conn t = tmpl_client();
	struct app_conn *a;

	raw.mode = RAW_CLOSE;
	CU_ASSERT_FATAL(dp_tcp_listen(&lcb, RAW_PORT, &raw_ops, NULL) == 0);
	a = app_connect(RAW_PORT, &t);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	PUMP_UNTIL(a->closed, 5000);
	CU_ASSERT_EQUAL(a->reason, DP_TLS_CLOSE_PEER_CLOSED);
	CU_ASSERT_EQUAL(ctr(&lca, DP_CTR_tls_hs_fail_client_peer_closed), 1);
}

static void
test_tls_client_handshake_times_out(void)
{
	struct dp_tls_conf ca = tls_conf();
	struct app_conn t = tmpl_client();
	struct app_conn *a;
	uint64_t t0;

	ca.hs_timeout_us = 2000000;
	restart(&ca, NULL, NULL);
	raw.mode = RAW_IGNORE;
	CU_ASSERT_FATAL(dp_tcp_listen(&lcb, RAW_PORT, &raw_ops, NULL) == 0);
	a = app_connect(RAW_PORT, &t);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	t0 = vnow;
	while (!a->closed && vnow - t0 < 10000000)
		step_by(10000);
	CU_ASSERT_EQUAL(a->closed, 1);
	CU_ASSERT_EQUAL(a->reason, DP_TLS_CLOSE_TIMEOUT);
	CU_ASSERT(vnow - t0 >= 2000000 && vnow - t0 < 2100000);
	CU_ASSERT_EQUAL(ctr(&lca, DP_CTR_tls_hs_fail_client_timeout), 1);
	CU_ASSERT_EQUAL(ctr(&lca, DP_CTR_tls_conns), 0);
}

static void
test_tls_server_handshake_times_out(void)
{
	struct dp_tls_conf cb = tls_conf();
	uint32_t h;
	uint64_t t0;

	cb.hs_timeout_us = 1000000;
	restart(NULL, &cb, NULL);
	raw.mode = RAW_IGNORE; /* connects and says nothing */
	CU_ASSERT_FATAL(dp_tcp_connect(&lca, B_IP, TLS_PORT, &raw_ops, NULL, &h) == 0);
	t0 = vnow;
	while (ctr(&lcb, DP_CTR_tls_hs_fail_server_timeout) == 0 && vnow - t0 < 10000000)
		step_by(10000);
	CU_ASSERT_EQUAL(ctr(&lcb, DP_CTR_tls_hs_fail_server_timeout), 1);
	CU_ASSERT(vnow - t0 >= 1000000 && vnow - t0 < 1100000);
	PUMP_UNTIL(raw.closed, 1000);
	CU_ASSERT_EQUAL(raw.closed, 1); /* reset */
}

static void
test_tls_handshake_budget_defers_and_bounds_steps(void)
{
	struct dp_tls_conf cb = tls_conf();
	struct app_conn t = tmpl_client();
	uint64_t max_steps = 0;
	int done = 0;

	cb.hs_budget = 2;
	restart(NULL, &cb, NULL);
	/* A first connection resolves ARP, so the next 8 SYNs are not held back by it. */
	CU_ASSERT_PTR_NOT_NULL_FATAL(connect_done());
	for (int i = 0; i < 8; i++)
		app_connect(TLS_PORT, &t);
	for (uint32_t i = 0; i < 4000 && done < 9; i++) {
		uint64_t s0 = ctr(&lcb, DP_CTR_tls_hs_steps), s1;

		vnow += STEP_US;
		dp_lcore_iterate(&lca, vnow);
		dp_lcore_iterate(&lcb, vnow);
		s1 = ctr(&lcb, DP_CTR_tls_hs_steps);
		max_steps = s1 - s0 > max_steps ? s1 - s0 : max_steps;
		done = (int)ctr(&lcb, DP_CTR_tls_hs_done_server);
	}
	CU_ASSERT_EQUAL(done, 9);
	CU_ASSERT_EQUAL(max_steps, 2); /* the budget, reached and never exceeded */
	CU_ASSERT(ctr(&lcb, DP_CTR_tls_hs_deferred) > 0);
	CU_ASSERT_EQUAL(ctr(&lca, DP_CTR_tls_hs_done_client), 9);
}

static void
test_tls_pool_exhaustion_refuses_cleanly(void)
{
	struct dp_tls_conf ca = tls_conf(), cb = tls_conf();
	struct app_conn t = tmpl_client();
	struct app_conn *a[3];
	uint32_t h;

	ca.max_conns = 3;
	cb.max_conns = 2;
	restart(&ca, &cb, NULL);
	for (int i = 0; i < 3; i++)
		a[i] = app_connect(TLS_PORT, &t);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a[2]);
	/* A's own pool is full now. */
	CU_ASSERT_EQUAL(dp_tls_connect(&lca, B_IP, TLS_PORT, &app_ops, NULL, &h), -ENOMEM);
	CU_ASSERT_EQUAL(ctr(&lca, DP_CTR_tls_no_conn), 1);
	PUMP_UNTIL((a[0]->hs_done || a[0]->closed) && (a[1]->hs_done || a[1]->closed) &&
			   (a[2]->hs_done || a[2]->closed),
		   5000);
	/* B had room for two: the third was refused (TCP reset), counted, nothing leaked. */
	CU_ASSERT_EQUAL(a[0]->hs_done + a[1]->hs_done + a[2]->hs_done, 2);
	CU_ASSERT_EQUAL(a[0]->closed + a[1]->closed + a[2]->closed, 1);
	CU_ASSERT_EQUAL(ctr(&lcb, DP_CTR_tls_no_conn), 1);
	CU_ASSERT_EQUAL(ctr(&lcb, DP_CTR_tls_conns), 2);
	CU_ASSERT_EQUAL(ctr(&lca, DP_CTR_tls_hs_fail_client_peer_closed), 1);
}

static void
test_tls_ssl_objects_are_reused_across_connections(void)
{
	for (int i = 0; i < 5; i++) {
		struct app_conn *a = connect_done();

		CU_ASSERT_PTR_NOT_NULL_FATAL(a);
		dp_tls_close(&lca, a->h);
		PUMP_UNTIL(a->closed && srv_closed(0), 5000);
		CU_ASSERT_EQUAL(a->reason, DP_TLS_CLOSE_NORMAL);
		apps_reset();
	}
	CU_ASSERT_EQUAL(ctr(&lca, DP_CTR_tls_ssl_new), 1);
	CU_ASSERT_EQUAL(ctr(&lca, DP_CTR_tls_ssl_reused), 4);
	CU_ASSERT_EQUAL(ctr(&lcb, DP_CTR_tls_ssl_new), 1);
	CU_ASSERT_EQUAL(ctr(&lcb, DP_CTR_tls_ssl_reused), 4);
	CU_ASSERT_EQUAL(ctr(&lca, DP_CTR_tls_hs_done_client), 5);
}

static void
test_tls_accept_without_cert_is_refused_and_counted(void)
{
	struct app_conn t = tmpl_client();
	struct app_conn *a;

	CU_ASSERT_FATAL(dp_tls_accept_on(&lca, TLS_PORT, &app_ops, NULL) == 0); /* A has no cert */
	a = app_new(&lcb, &t);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_FATAL(dp_tls_connect(&lcb, A_IP, TLS_PORT, &app_ops, a, &a->h) == 0);
	PUMP_UNTIL(a->closed, 5000);
	CU_ASSERT_EQUAL(a->closed, 1);
	CU_ASSERT_EQUAL(ctr(&lca, DP_CTR_tls_no_cert), 1);
}

static int
suite_init(void)
{
	if (dp_tls_cert_generate(&cert_b) != 0 || dp_tls_cert_generate(&cert_c) != 0)
		return -1;
	return 0;
}

static int
suite_clean(void)
{
	dp_tls_cert_blobs_free(&cert_b);
	dp_tls_cert_blobs_free(&cert_c);
	return 0;
}

static CU_TestInfo tls_tests[] = {
	{ "handshake_default_negotiates_tls13_aes256",
	  test_tls_handshake_default_negotiates_tls13_aes256 },
	{ "client_sends_random_www_com_sni", test_tls_client_sends_random_www_com_sni },
	{ "client_forcing_tls12_negotiates_ecdhe_rsa_gcm",
	  test_tls_client_forcing_tls12_negotiates_ecdhe_rsa_gcm },
	{ "server_forcing_tls13_negotiates_tls13", test_tls_server_forcing_tls13_negotiates_tls13 },
	{ "version_mismatch_fails_both_sides_as_protocol",
	  test_tls_version_mismatch_fails_both_sides_as_protocol },
	{ "bulk_both_ways_tls13_checksums_match", test_tls_bulk_both_ways_tls13_checksums_match },
	{ "bulk_both_ways_tls12_checksums_match", test_tls_bulk_both_ways_tls12_checksums_match },
	{ "write_blocks_when_peer_stops_reading_then_resumes",
	  test_tls_write_blocks_when_peer_stops_reading_then_resumes },
	{ "writable_bytes_fill_the_send_window_exactly",
	  test_tls_writable_bytes_fill_the_send_window_exactly },
	{ "exporter_values_equal_on_both_ends", test_tls_exporter_values_equal_on_both_ends },
	{ "exporter_before_handshake_is_not_connected",
	  test_tls_exporter_before_handshake_is_not_connected },
	{ "peer_cert_der_is_the_servers_own_cert", test_tls_peer_cert_der_is_the_servers_own_cert },
	{ "new_cert_for_new_handshakes_live_ones_keep_theirs",
	  test_tls_new_cert_for_new_handshakes_live_ones_keep_theirs },
	{ "set_cert_refuses_mismatched_key", test_tls_set_cert_refuses_mismatched_key },
	{ "tls13_key_update_requested_keeps_data_flowing",
	  test_tls13_key_update_requested_keeps_data_flowing },
	{ "close_sends_close_notify_and_both_close_normally",
	  test_tls_close_sends_close_notify_and_both_close_normally },
	{ "close_after_writes_delivers_everything_first",
	  test_tls_close_after_writes_delivers_everything_first },
	{ "abort_resets_and_peer_sees_peer_closed", test_tls_abort_resets_and_peer_sees_peer_closed },
	{ "stale_handle_is_refused", test_tls_stale_handle_is_refused },
	{ "server_sending_garbage_fails_client_as_protocol",
	  test_tls_server_sending_garbage_fails_client_as_protocol },
	{ "client_sending_garbage_fails_server_as_protocol",
	  test_tls_client_sending_garbage_fails_server_as_protocol },
	{ "peer_closing_during_handshake_counts_peer_closed",
	  test_tls_peer_closing_during_handshake_counts_peer_closed },
	{ "client_handshake_times_out", test_tls_client_handshake_times_out },
	{ "server_handshake_times_out", test_tls_server_handshake_times_out },
	{ "handshake_budget_defers_and_bounds_steps", test_tls_handshake_budget_defers_and_bounds_steps },
	{ "pool_exhaustion_refuses_cleanly", test_tls_pool_exhaustion_refuses_cleanly },
	{ "ssl_objects_are_reused_across_connections",
	  test_tls_ssl_objects_are_reused_across_connections },
	{ "accept_without_cert_is_refused_and_counted",
	  test_tls_accept_without_cert_is_refused_and_counted },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_tls = {
	.pName = "dataplane/tls",
	.pInitFunc = suite_init,
	.pCleanupFunc = suite_clean,
	.pSetUpFunc = setup,
	.pTearDownFunc = teardown,
	.pTests = tls_tests,
};
