/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief The scripted TCP peer (see tcp_peer.h).
 *
 * Frames are built byte by byte here, with checksums computed by this file's
 * own one's-complement sum (not DPDK's), so the stack's checksum code is
 * checked against an independent implementation in both directions.
 */
#include <stdalign.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "dataplane/base/dp_ctr.h"
#include "dataplane/net/net.h"
#include "dataplane/net/tcp.h"
#include "tests/harness/eal_fixture.h"
#include "tests/harness/tcp_peer.h"

struct tp tp;

static struct dp_lcore tp_lc;
static struct {
	alignas(64) uint64_t v[1024];
} tp_ctrs;
static const uint8_t our_mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t peer_mac[6] = { 0x02, 0, 0, 0, 0, 0x02 };

uint64_t
tp_ctr(uint32_t id)
{
	return tp_ctrs.v[id];
}

static int
app_accepted(struct dp_lcore *lc, uint32_t h, void *arg, void **ctx)
{
	(void)lc;
	(void)arg;
	*ctx = &tp.app;
	tp.app.accepted++;
	tp.app.h = h;
	return tp.app.refuse;
}

static void
app_connected(struct dp_lcore *lc, uint32_t h, void *ctx)
{
	(void)lc;
	(void)ctx;
	tp.app.connected++;
	tp.app.h = h;
}

static void
app_readable(struct dp_lcore *lc, uint32_t h, void *ctx)
{
	(void)lc;
	(void)h;
	(void)ctx;
	tp.app.readable++;
}

static void
app_writable(struct dp_lcore *lc, uint32_t h, void *ctx)
{
	(void)lc;
	(void)h;
	(void)ctx;
	tp.app.writable++;
}

static void
app_peer_fin(struct dp_lcore *lc, uint32_t h, void *ctx)
{
	(void)lc;
	(void)h;
	(void)ctx;
	tp.app.peer_fin++;
}

static void
app_closed(struct dp_lcore *lc, uint32_t h, void *ctx, enum dp_tcp_close_reason reason)
{
	(void)lc;
	(void)h;
	(void)ctx;
	tp.app.closed++;
	tp.app.close_reason = (int)reason;
}

const struct dp_tcp_app_ops tp_ops = {
	.accepted = app_accepted,
	.connected = app_connected,
	.readable = app_readable,
	.writable = app_writable,
	.peer_fin = app_peer_fin,
	.closed = app_closed,
};

/* One's-complement sum of @len bytes, big-endian words (RFC 1071). */
static uint32_t
sum16(const uint8_t *p, uint32_t len, uint32_t sum)
{
	for (uint32_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static uint16_t
fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

static uint32_t
phdr_sum(uint32_t src, uint32_t dst, uint32_t l4len)
{
	return (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) + 6 + l4len;
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void
feed(uint8_t *frame, uint32_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(eal_fixture_pool());
	char *d;

	if (m == NULL)
		return;
	d = rte_pktmbuf_append(m, (uint16_t)len);
	if (d == NULL) {
		rte_pktmbuf_free(m);
		return;
	}
	memcpy(d, frame, len);
	dp_eth_input(tp.lc, &m, 1);
}

static void
send_frame(uint16_t sport, uint16_t dport, uint8_t flags, uint32_t seq, uint32_t ack, uint16_t wnd,
	   const struct tp_opts *o, const void *payload, uint32_t len, bool bad_csum)
{
	uint8_t f[14 + 20 + 60 + TP_MAX_PAYLOAD];
	uint8_t *ip = f + 14, *th = ip + 20, *op = th + 20;
	uint32_t olen = 0, hlen, tlen;

	memset(f, 0, sizeof(f));
	memcpy(f, our_mac, 6);
	memcpy(f + 6, peer_mac, 6);
	put16(f + 12, 0x0800);
	if (o != NULL) {
		if (o->mss != 0) {
			op[olen++] = 2;
			op[olen++] = 4;
			put16(op + olen, o->mss);
			olen += 2;
		}
		if (o->sackok) {
			op[olen++] = 4;
			op[olen++] = 2;
		}
		if (o->ts) {
			op[olen++] = 8;
			op[olen++] = 10;
			put32(op + olen, o->tsval);
			put32(op + olen + 4, o->tsecr);
			olen += 8;
		}
		if (o->ws >= 0) {
			op[olen++] = 1;
			op[olen++] = 3;
			op[olen++] = 3;
			op[olen++] = (uint8_t)o->ws;
		}
		if (o->n_sack != 0) {
			op[olen++] = 1;
			op[olen++] = 1;
			op[olen++] = 5;
			op[olen++] = (uint8_t)(2 + 8 * o->n_sack);
			for (int i = 0; i < o->n_sack; i++) {
				put32(op + olen, o->sack[i][0]);
				put32(op + olen + 4, o->sack[i][1]);
				olen += 8;
			}
		}
		while (olen % 4 != 0)
			op[olen++] = 0;
	}
	hlen = 20 + olen;
	tlen = hlen + len;
	if (len != 0)
		memcpy(th + hlen, payload, len);
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)(20 + tlen));
	ip[6] = 0x40;
	ip[8] = 64;
	ip[9] = 6;
	put32(ip + 12, TP_PEER_IP);
	put32(ip + 16, TP_OUR_IP);
	put16(ip + 10, (uint16_t)~fold(sum16(ip, 20, 0)));
	put16(th, sport);
	put16(th + 2, dport);
	put32(th + 4, seq);
	put32(th + 8, ack);
	th[12] = (uint8_t)((hlen / 4) << 4);
	th[13] = flags;
	put16(th + 14, wnd);
	put16(th + 16, (uint16_t)~fold(sum16(th, tlen, phdr_sum(TP_PEER_IP, TP_OUR_IP, tlen))));
	if (bad_csum)
		th[17] ^= 0x5a;
	feed(f, 14 + 20 + tlen);
}

void
tp_send(uint16_t sport, uint16_t dport, uint8_t flags, uint32_t seq, uint32_t ack, uint16_t wnd,
	const struct tp_opts *o, const void *payload, uint32_t len)
{
	send_frame(sport, dport, flags, seq, ack, wnd, o, payload, len, false);
}

void
tp_send_bad_csum(uint16_t sport, uint16_t dport, uint8_t flags, uint32_t seq, uint32_t ack)
{
	send_frame(sport, dport, flags, seq, ack, 65535, NULL, NULL, 0, true);
}

static void
parse_out(const uint8_t *f, uint32_t flen)
{
	const uint8_t *ip = f + 14, *th, *op;
	uint32_t ihl, tot, tlen, hlen, olen;
	struct tp_seg *s;

	if (flen < 54 || get16(f + 12) != 0x0800 || tp.n_out >= TP_MAX_SEGS)
		return;
	ihl = (uint32_t)(ip[0] & 0xf) * 4;
	tot = get16(ip + 2);
	if (ip[9] != 6 || tot > flen - 14)
		return;
	th = ip + ihl;
	tlen = tot - ihl;
	hlen = (uint32_t)(th[12] >> 4) * 4;
	s = &tp.out[tp.n_out++];
	memset(s, 0, sizeof(*s));
	s->ws = -1;
	s->sport = get16(th);
	s->dport = get16(th + 2);
	s->seq = get32(th + 4);
	s->ack = get32(th + 8);
	s->flags = th[13];
	s->wnd = get16(th + 14);
	s->csum_ok = fold(sum16(th, tlen, phdr_sum(get32(ip + 12), get32(ip + 16), tlen))) == 0xffff;
	op = th + 20;
	olen = hlen - 20;
	for (uint32_t i = 0; i < olen;) {
		uint8_t k = op[i];

		if (k == 0)
			break;
		if (k == 1) {
			i++;
			continue;
		}
		if (i + 1 >= olen || op[i + 1] < 2)
			break;
		if (k == 2)
			s->mss = get16(op + i + 2);
		else if (k == 3)
			s->ws = op[i + 2];
		else if (k == 4)
			s->sackok = true;
		else if (k == 8) {
			s->has_ts = true;
			s->tsval = get32(op + i + 2);
			s->tsecr = get32(op + i + 6);
		} else if (k == 5) {
			s->n_sack = (uint8_t)((op[i + 1] - 2) / 8);
			for (int b = 0; b < s->n_sack && b < 4; b++) {
				s->sack[b][0] = get32(op + i + 2 + 8 * b);
				s->sack[b][1] = get32(op + i + 6 + 8 * b);
			}
		}
		i += op[i + 1];
	}
	s->len = tlen - hlen;
	if (s->len <= TP_MAX_PAYLOAD)
		memcpy(s->payload, th + hlen, s->len);
}

uint32_t
tp_collect(void)
{
	struct rte_mbuf *rx[64];
	uint16_t n;

	tp.n_out = 0;
	dp_net_tx_flush(tp.lc);
	while ((n = rte_eth_rx_burst(eal_fixture_port_b(), 0, rx, 64)) != 0) {
		for (uint16_t i = 0; i < n; i++) {
			parse_out(rte_pktmbuf_mtod(rx[i], const uint8_t *), rte_pktmbuf_data_len(rx[i]));
			rte_pktmbuf_free(rx[i]);
		}
	}
	return tp.n_out;
}

uint32_t
tp_advance(uint64_t us)
{
	tp.lc->now_us += us;
	dp_tcp_poll(tp.lc);
	return tp_collect();
}

struct tp_opts
tp_opts_full(void)
{
	struct tp_opts o;

	memset(&o, 0, sizeof(o));
	o.mss = 1460;
	o.ws = 7;
	o.sackok = true;
	o.ts = true;
	o.tsval = 1000;
	return o;
}

struct tp_opts
tp_opts_none(void)
{
	struct tp_opts o;

	memset(&o, 0, sizeof(o));
	o.ws = -1;
	return o;
}

int
tp_setup(const struct dp_tcp_conf *conf)
{
	static const uint8_t key[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
	struct rte_ether_addr mac;
	uint8_t arp[42];

	memset(&tp, 0, sizeof(tp));
	memset(&tp_lc, 0, sizeof(tp_lc));
	memset(&tp_ctrs, 0, sizeof(tp_ctrs));
	tp.lc = &tp_lc;
	tp.pool_avail_before = rte_mempool_avail_count(eal_fixture_pool());
	tp_lc.ctr = (struct ipc_ctr_block *)(void *)&tp_ctrs;
	tp_lc.now_us = UINT64_C(1000000000);
	memcpy(mac.addr_bytes, our_mac, 6);
	dp_net_init(&tp_lc, eal_fixture_port_a(), 0, &mac, TP_OUR_IP, 0xffffff00u, 0,
		    eal_fixture_pool());
	tp_lc.net.tcp_input = dp_tcp_input;
	if (conf != NULL)
		tp.conf = *conf;
	else
		dp_tcp_conf_default(&tp.conf);
	if (dp_tcp_create(&tp_lc, &tp.conf, key) != 0 || dp_tcp_listen(&tp_lc, TP_PORT, &tp_ops, NULL) != 0)
		return -1;
	/* The peer asks who has our address: the stack answers and learns the peer's MAC. */
	memset(arp, 0, sizeof(arp));
	memcpy(arp, our_mac, 6);
	memset(arp, 0xff, 6);
	memcpy(arp + 6, peer_mac, 6);
	put16(arp + 12, 0x0806);
	put16(arp + 14, 1);
	put16(arp + 16, 0x0800);
	arp[18] = 6;
	arp[19] = 4;
	put16(arp + 20, 1);
	memcpy(arp + 22, peer_mac, 6);
	put32(arp + 28, TP_PEER_IP);
	put32(arp + 38, TP_OUR_IP);
	feed(arp, sizeof(arp));
	tp_collect();
	return 0;
}

int
tp_teardown(void)
{
	tp_collect();
	dp_tcp_destroy(&tp_lc);
	/* Frames still held by ARP are the net layer's; flush everything. */
	for (uint32_t i = 0; i < DP_ARP_CACHE_SIZE; i++)
		for (uint32_t k = 0; k < tp_lc.net.arp[i].n_held; k++)
			rte_pktmbuf_free(tp_lc.net.arp[i].held[k]);
	memset(tp_lc.net.arp, 0, sizeof(tp_lc.net.arp));
	tp_collect();
	return (int)tp.pool_avail_before - (int)rte_mempool_avail_count(eal_fixture_pool());
}

uint32_t
tp_accept(const struct tp_opts *o, uint32_t *iss)
{
	struct tp_opts full = tp_opts_full();
	const struct tp_opts *use = o != NULL ? o : &full;
	struct tp_opts ack_o = tp_opts_none();
	uint32_t pseq = 1000;

	tp_send(TP_PEER_PORT, TP_PORT, TP_SYN, pseq, 0, 65535, use, NULL, 0);
	tp_collect();
	*iss = tp.n_out > 0 ? tp.out[0].seq : 0;
	if (use->ts) {
		ack_o.ts = true;
		ack_o.tsval = use->tsval + 1;
		ack_o.tsecr = tp.n_out > 0 ? tp.out[0].tsval : 0;
	}
	tp_send(TP_PEER_PORT, TP_PORT, TP_ACK, pseq + 1, *iss + 1, 65535, &ack_o, NULL, 0);
	tp_collect();
	return pseq + 1;
}
