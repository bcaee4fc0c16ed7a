/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief L2/L3: Ethernet demux, ARP (answer, learn, resolve, retry, expire,
 * evict), IPv4 input validation and output, ICMP echo, TX staging.
 *
 * Each test drives a struct dp_lcore configured on port A of the fixture's
 * net_ring pair: crafted frames go into dp_eth_input(), what the stack
 * transmits is read back on port B, and TCP sub-bursts are captured by a
 * hook in lc.net.tcp_input. Frames are built and checked byte by byte, and
 * checksums are verified with an independent one's complement sum. Time is
 * lc.now_us, set by the tests. Every test leaves the mempool as it found it
 * (checked in the tear-down).
 */
#include <netinet/in.h>
#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include <CUnit/CUnit.h>

#include "common/base/compiler.h"
#include "dataplane/base/dp_ctr.h"
#include "dataplane/lcore_types.h"
#include "dataplane/net/arp_int.h"
#include "dataplane/net/net.h"
#include "drivers/fault.h"
#include "tests/harness/eal_fixture.h"
#include "tests/suites.h"

#define T_IP(a, b, c, d) \
	(((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | (d))
#define T_OUR_IP T_IP(10, 0, 0, 1)
#define T_PEER_IP T_IP(10, 0, 0, 2)
#define T_GW_IP T_IP(10, 0, 0, 254)
#define T_FAR_IP T_IP(192, 0, 2, 7)
#define T_MASK T_IP(255, 255, 255, 0)
#define T_T0 UINT64_C(1000000)
#define T_MAX_RX 512

static const struct rte_ether_addr our_mac = { .addr_bytes = { 0x02, 0, 0, 0, 0, 0x01 } };
static const struct rte_ether_addr peer_mac = { .addr_bytes = { 0x02, 0, 0, 0, 0, 0x02 } };
static const struct rte_ether_addr gw_mac = { .addr_bytes = { 0x02, 0, 0, 0, 0, 0xfe } };
static const struct rte_ether_addr other_mac = { .addr_bytes = { 0x02, 0, 0, 0, 0, 0x77 } };
static const struct rte_ether_addr bcast_mac = {
	.addr_bytes = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
};
static const uint8_t zero6[6];

static struct dp_lcore lc;
static alignas(CHIVE_CACHE_LINE) uint64_t ctr_mem[CHIVE_ALIGN_UP(DP_CTR__COUNT, 8u)];
static struct rte_mempool *pool;
static unsigned int avail_before;

/* The TCP hook: keeps what it is given until the tear-down. */
static struct rte_mbuf *tcp_got[DP_NET_RX_CHUNK];
static uint16_t tcp_n;
static uint32_t tcp_calls;

static void
t_tcp_capture(struct dp_lcore *l, struct rte_mbuf **pkts, uint16_t n)
{
	(void)l;
	tcp_calls++;
	for (uint16_t i = 0; i < n; i++) {
		if (tcp_n < ARRAY_SIZE(tcp_got))
			tcp_got[tcp_n++] = pkts[i];
		else
			rte_pktmbuf_free(pkts[i]);
	}
}

/* Read everything port B received (what port A sent). */
static uint16_t
t_rx(struct rte_mbuf **out, uint16_t max)
{
	uint16_t n = 0, k;

	do {
		k = rte_eth_rx_burst(eal_fixture_port_b(), 0, out + n, (uint16_t)RTE_MIN(64, max - n));
		n = (uint16_t)(n + k);
	} while (k != 0 && n < max);
	return n;
}

static void
t_drain_b(void)
{
	struct rte_mbuf *m[T_MAX_RX];
	uint16_t n;

	while ((n = t_rx(m, T_MAX_RX)) != 0)
		rte_pktmbuf_free_bulk(m, n);
}

static void
setup(void)
{
	pool = eal_fixture_pool();
	t_drain_b();
	memset(&lc, 0, sizeof(lc));
	memset(ctr_mem, 0, sizeof(ctr_mem));
	lc.ctr = (struct ipc_ctr_block *)(void *)ctr_mem; /* a block is an aligned array */
	lc.now_us = T_T0;
	tcp_n = 0;
	tcp_calls = 0;
	avail_before = rte_mempool_avail_count(pool);
	dp_net_init(&lc, eal_fixture_port_a(), 0, &our_mac, T_OUR_IP, T_MASK, T_GW_IP, pool);
	lc.net.tcp_input = t_tcp_capture;
}

static void
teardown(void)
{
	if (tcp_n != 0)
		rte_pktmbuf_free_bulk(tcp_got, tcp_n);
	tcp_n = 0;
	dp_arp_flush(&lc);
	if (lc.net.tx_n != 0)
		rte_pktmbuf_free_bulk(lc.net.tx, lc.net.tx_n);
	lc.net.tx_n = 0;
	t_drain_b();
	CU_ASSERT_EQUAL(rte_mempool_avail_count(pool), avail_before);
}

/* ---- independent checksum and byte helpers ---- */

static uint32_t
t_sum(const uint8_t *p, size_t len, uint32_t sum)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static uint16_t
t_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

static uint16_t
t_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
t_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void
t_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
t_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Sum of the TCP/IPv4 pseudo-header of the IPv4 header at @p ip for @p l4len bytes. */
static uint32_t
t_phdr_sum(const uint8_t *ip, uint32_t l4len)
{
	return t_sum(ip + 12, 8, 0) + ip[9] + l4len;
}

/* ---- frame builders ---- */

/* A fresh mbuf with @p len bytes appended; fails the test when the pool is dry. */
static struct rte_mbuf *
t_alloc(size_t len, uint8_t **data)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	uint8_t *p = m != NULL ? (uint8_t *)rte_pktmbuf_append(m, (uint16_t)len) : NULL;

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	if (m == NULL || p == NULL)
		abort(); /* not reached: the FATAL assertion leaves the test */
	*data = p;
	return m;
}

static struct rte_mbuf *
t_mbuf(const uint8_t *bytes, size_t len)
{
	uint8_t *p;
	struct rte_mbuf *m = t_alloc(len, &p);

	memcpy(p, bytes, len);
	return m;
}

static void
t_eth(uint8_t *f, const struct rte_ether_addr *dst, const struct rte_ether_addr *src,
      uint16_t type)
{
	memcpy(f, dst->addr_bytes, 6);
	memcpy(f + 6, src->addr_bytes, 6);
	t_put16(f + 12, type);
}

/* An Ethernet + ARP frame of 42 bytes; returns its length. */
static size_t
t_arp(uint8_t *f, const struct rte_ether_addr *eth_dst, uint16_t op,
      const struct rte_ether_addr *sha, uint32_t sip, const uint8_t *tha, uint32_t tip)
{
	uint8_t *a = f + 14;

	t_eth(f, eth_dst, sha, RTE_ETHER_TYPE_ARP);
	t_put16(a, 1);
	t_put16(a + 2, 0x0800);
	a[4] = 6;
	a[5] = 4;
	t_put16(a + 6, op);
	memcpy(a + 8, sha->addr_bytes, 6);
	t_put32(a + 14, sip);
	memcpy(a + 18, tha, 6);
	t_put32(a + 24, tip);
	return 42;
}

static void
t_ip_fix_csum(uint8_t *f)
{
	uint8_t *ip = f + 14;
	size_t hlen = (size_t)(ip[0] & 0xf) * 4;

	t_put16(ip + 10, 0);
	t_put16(ip + 10, (uint16_t)~t_fold(t_sum(ip, hlen, 0)));
}

/*
 * Ethernet (to our MAC) + IPv4 from @p src to @p dst with @p optlen bytes of
 * options (NOPs) + @p l4len bytes of L4 (a TCP header for TCP), valid
 * checksum. Returns the frame length.
 */
static size_t
t_ip(uint8_t *f, uint32_t src, uint32_t dst, uint8_t proto, size_t optlen, size_t l4len)
{
	uint8_t *ip = f + 14;
	size_t hlen = 20 + optlen;
	uint8_t *l4 = ip + hlen;

	t_eth(f, &our_mac, &peer_mac, RTE_ETHER_TYPE_IPV4);
	memset(ip, 0, hlen + l4len);
	ip[0] = (uint8_t)(0x40 | (hlen / 4));
	t_put16(ip + 2, (uint16_t)(hlen + l4len));
	t_put16(ip + 4, 0x1111);
	t_put16(ip + 6, 0x4000); /* DF */
	ip[8] = 64;
	ip[9] = proto;
	t_put32(ip + 12, src);
	t_put32(ip + 16, dst);
	memset(ip + 20, 1, optlen); /* NOP options */
	if (proto == IPPROTO_TCP && l4len >= 20) {
		t_put16(l4, 443);
		t_put16(l4 + 2, 9001);
		l4[12] = 5 << 4;
		l4[13] = 0x10;
		for (size_t i = 20; i < l4len; i++)
			l4[i] = (uint8_t)i;
	}
	t_ip_fix_csum(f);
	return 14 + hlen + l4len;
}

/* A TCP frame from the peer to us, with @p payload bytes of data. */
static struct rte_mbuf *
t_tcp_in(size_t payload)
{
	uint8_t f[1600];

	return t_mbuf(f, t_ip(f, T_PEER_IP, T_OUR_IP, IPPROTO_TCP, 0, 20 + payload));
}

/* An L4 TCP segment for dp_ip4_output(): header at the data pointer, @p plen bytes of data. */
static struct rte_mbuf *
t_tcp_out(uint16_t plen, uint8_t mark)
{
	uint8_t *p;
	struct rte_mbuf *m = t_alloc(20u + plen, &p);

	memset(p, 0, 20);
	t_put16(p, 9001);
	t_put16(p + 2, 443);
	t_put32(p + 4, 0x01020304);
	t_put32(p + 8, 0x0a0b0c0d);
	p[12] = 5 << 4;
	p[13] = 0x18;
	t_put16(p + 14, 65535);
	for (uint16_t i = 0; i < plen; i++)
		p[20 + i] = (uint8_t)(mark + i);
	return m;
}

static void
t_input(uint8_t *f, size_t len)
{
	struct rte_mbuf *m = t_mbuf(f, len);

	dp_eth_input(&lc, &m, 1);
}

/* One full pass of the ARP timers over the cache. */
static void
t_arp_timers_pass(void)
{
	for (uint32_t i = 0; i < DP_ARP_CACHE_SIZE / DP_ARP_TIMER_SCAN; i++)
		dp_arp_timers(&lc);
}

/* Check an ARP request from us for @p tip, to @p eth_dst. */
static void
t_check_request(const struct rte_mbuf *m, const struct rte_ether_addr *eth_dst, uint32_t tip)
{
	const uint8_t *f = rte_pktmbuf_mtod(m, const uint8_t *);
	const uint8_t *a = f + 14;

	CU_ASSERT_EQUAL(rte_pktmbuf_pkt_len(m), 60);
	CU_ASSERT(memcmp(f, eth_dst->addr_bytes, 6) == 0);
	CU_ASSERT(memcmp(f + 6, our_mac.addr_bytes, 6) == 0);
	CU_ASSERT_EQUAL(t_get16(f + 12), RTE_ETHER_TYPE_ARP);
	CU_ASSERT_EQUAL(t_get16(a), 1);
	CU_ASSERT_EQUAL(t_get16(a + 2), 0x0800);
	CU_ASSERT_EQUAL(a[4], 6);
	CU_ASSERT_EQUAL(a[5], 4);
	CU_ASSERT_EQUAL(t_get16(a + 6), 1);
	CU_ASSERT(memcmp(a + 8, our_mac.addr_bytes, 6) == 0);
	CU_ASSERT_EQUAL(t_get32(a + 14), T_OUR_IP);
	CU_ASSERT(memcmp(a + 18, zero6, 6) == 0);
	CU_ASSERT_EQUAL(t_get32(a + 24), tip);
}

/* Feed an ARP reply from the peer (to us). */
static void
t_peer_replies(void)
{
	uint8_t f[64];

	t_input(f, t_arp(f, &our_mac, 2, &peer_mac, T_PEER_IP, our_mac.addr_bytes, T_OUR_IP));
}

/* The live ARP entry for @p ip; fails the test when there is none. */
static struct dp_arp_entry *
t_entry(uint32_t ip)
{
	struct dp_arp_entry *e = dp_arp_lookup(&lc.net, ip);

	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	if (e == NULL)
		abort(); /* not reached: the FATAL assertion leaves the test */
	return e;
}

/* ---- ARP ---- */

static void
test_arp_request_for_us_is_answered_and_requester_learned(void)
{
	struct rte_mbuf *out[4];
	struct dp_arp_entry *e;
	const uint8_t *f, *a;
	uint8_t req[64];

	t_input(req, t_arp(req, &bcast_mac, 1, &peer_mac, T_PEER_IP, zero6, T_OUR_IP));
	dp_net_tx_flush(&lc);
	CU_ASSERT_EQUAL_FATAL(t_rx(out, 4), 1);
	f = rte_pktmbuf_mtod(out[0], const uint8_t *);
	a = f + 14;
	CU_ASSERT_EQUAL(rte_pktmbuf_pkt_len(out[0]), 60);
	CU_ASSERT(memcmp(f, peer_mac.addr_bytes, 6) == 0);
	CU_ASSERT(memcmp(f + 6, our_mac.addr_bytes, 6) == 0);
	CU_ASSERT_EQUAL(t_get16(f + 12), RTE_ETHER_TYPE_ARP);
	CU_ASSERT_EQUAL(t_get16(a), 1);
	CU_ASSERT_EQUAL(t_get16(a + 2), 0x0800);
	CU_ASSERT_EQUAL(a[4], 6);
	CU_ASSERT_EQUAL(a[5], 4);
	CU_ASSERT_EQUAL(t_get16(a + 6), 2);
	CU_ASSERT(memcmp(a + 8, our_mac.addr_bytes, 6) == 0);
	CU_ASSERT_EQUAL(t_get32(a + 14), T_OUR_IP);
	CU_ASSERT(memcmp(a + 18, peer_mac.addr_bytes, 6) == 0);
	CU_ASSERT_EQUAL(t_get32(a + 24), T_PEER_IP);
	rte_pktmbuf_free(out[0]);

	e = t_entry(T_PEER_IP);
	CU_ASSERT_EQUAL(e->state, DP_ARP_REACHABLE);
	CU_ASSERT(rte_is_same_ether_addr(&e->mac, &peer_mac));
	CU_ASSERT_EQUAL(e->expires_us, T_T0 + DP_ARP_TTL_US);
	CU_ASSERT_EQUAL(DP_CTR_GET(&lc, arp_rx_request), 1);
	CU_ASSERT_EQUAL(DP_CTR_GET(&lc, arp_tx_reply), 1);
	CU_ASSERT_EQUAL(DP_CTR_GET(&lc, net_tx_pkts), 1);
}

static void
test_arp_request_for_another_ip_is_not_answered_nor_learned(void)
{
	struct rte_mbuf *out[4];
	uint8_t req[64];

	t_input(req, t_arp(req, &bcast_mac, 1, &peer_mac, T_PEER_IP, zero6, T_IP(10, 0, 0, 9)));
	dp_net_tx_flush(&lc);
	CU_ASSERT_EQUAL(t_rx(out, 4), 0);
	CU_ASSERT_PTR_NULL(dp_arp_lookup(&lc.net, T_PEER_IP));
	CU_ASSERT_EQUAL(DP_CTR_GET(&lc, arp_rx_request), 1);
	CU_ASSERT_EQUAL(DP_CTR_GET(&lc, arp_tx_reply), 0);
}

static void
test_arp_bad_hlen_is_counted_malformed(void)
{
	struct rte_mbuf *out[4];
	uint8_t req[64];

	t_arp(req, &bcast_mac, 1, &peer_mac, T_PEER_IP, zero6, T_OUR_IP);
	req[14 + 4] = 8;
	t_input(req, 42);
	dp_net_tx_flush(&lc);
	CU_ASSERT_EQUAL(t_rx(out, 4), 0);
	CU_ASSERT_EQUAL(DP_CTR_GET(&lc, arp_drop_malformed), 1);
	CU_ASSERT_EQUAL(DP_CTR_GET(&lc, arp_rx_request), 0);
	CU_ASSERT_PTR_NULL(dp_arp_lookup(&lc.net, T_PEER_IP));
}

static void
test_arp_short_packet_is_counted_malformed(void)
{
	struct rte_mbuf *out[4];
	uint8_t req[64];

	t_arp(req, &bcast_mac, 1, &peer_mac, T_PEER_IP, zero6, T_OUR_IP);
	t_input(req, 14 + 27);
	dp_net_tx_flush(&lc);
	CU_ASSERT_EQUAL(t_rx(out, 4), 0);
	CU_ASSERT_EQUAL(DP_CTR_GET(&lc, arp_drop_malformed), 1);
}

static void
test_arp_bad_opcode_is_counted_malformed(void)
{
	uint8_t req[64];

	t_input(req, t_arp(req, &bcast_mac, 3, &peer_mac, T_PEER_IP, zero6, T_OUR_IP));
	CU_ASSERT_EQUAL(DP_CTR_GET(&lc, arp_drop_malformed), 1);
	CU_ASSERT_EQUAL(lc.net.tx_n, 0);
}

static void
test_arp_unsolicited_reply_is_not_learned(void)
{
	t_peer_replies();
	CU_ASSERT_EQUAL(DP_CTR_GET(&lc, arp_rx_reply), 1);
	CU_ASSERT_PTR_NULL(dp_arp_lookup(&lc.net, T_PEER_IP));
}

static void
test_arp_reply_updates_an_existing_entry(void)
{
	struct dp_arp_entry *e;

	CU_ASSERT_FATAL(dp_arp_update(&lc, T_PEER_IP, &other_mac, true));
	lc.now_us = T_T0 + 5;
	t_peer_replies();
	e = t_entry(T_PEER_IP);
	CU_ASSERT(rte_is_same_ether_addr(&e->mac, &peer_mac));
	CU_ASSERT_EQUAL(e->expires_us, T_T0 + 5 + DP_ARP_TTL_US);
}

static void
test_arp_other_mac_claiming_our_ip_is_a_conflict(void)
{
	uint8_t f[64];

	t_input(f, t_arp(f, &bcast_mac, 1, &peer_mac, T_OUR_IP, zero6, T_OUR_IP));
	CU_ASSERT_EQUAL(DP_CTR_GET(&lc, arp_rx_conflict), 1);
	CU_ASSERT_PTR_NULL(dp_arp_lookup(&lc.net, T_OUR_IP));
	CU_ASSERT_EQUAL(lc.net.tx_n, 0);
}

static void
test_arp_announce_is_a_gratuitous_request(void)
{
	struct rte_mbuf *out[4];

	dp_arp_announce(&lc);
	dp_net_tx_flush(&lc);
	CU_ASSERT_EQUAL_FATAL(t_rx(out, 4), 1);
	t_check_request(out[0], &bcast_mac, T_OUR_IP);
	rte_pktmbuf_free(out[0]);
	CU_ASSERT_EQUAL(DP_CTR_GET(&lc, arp_tx_announce), 1);
}

static void
test_output_to_unknown_onlink_host_is_held_until_arp_reply(void)
{
	struct rte_mbuf *out[4];
	struct dp_arp_entry *e;
	const uint8_t *f;

	dp_ip4_output(&lc, t_tcp_out(10, 0), T_PEER_IP, IPPROTO_TCP);
	dp_net_tx_flush(&lc);
	CU_ASSERT_EQUAL_FATAL(t_rx(out, 4), 1);
	t_check_request(out[0], &bcast_mac, T_PEER_IP);
	rte_pktmbuf_free(out[0]);
	e = t_entry(T_PEER_IP);
	CU_ASSERT_EQUAL(e->state, DP_ARP_INCOMPLETE);
	CU_ASSERT_EQUAL(e->n_held, 1);

	t_peer_replies();
	dp_net_tx_flush(&lc);
	CU_ASSERT_EQUAL_FATAL(t_rx(out, 4), 1);
	f = rte_pktmbuf_mtod(out[0], const uint8_t *);
	CU_ASSERT(memcmp(f, peer_mac.addr_bytes, 6) == 0);
	CU_ASSERT(memcmp(f + 6, our_mac.addr_bytes, 6) == 0);
	CU_ASSERT_EQUAL(t_get16(f + 12), RTE_ETHER_TYPE_IPV4);
	CU_ASSERT_EQUAL(t_get32(f + 14 + 16), T_PEER_IP);
	CU_ASSERT_EQUAL(rte_pktmbuf_pkt_len(out[0]), 14 + 20 + 20 + 10);
	CU_ASSERT_EQUAL(out[0]->l2_len, 14);
	rte_pktmbuf_free(out[0]);
	CU_ASSERT_EQUAL(e->state, DP_ARP_REACHABLE);
	CU_ASSERT_EQUAL(e->n_held, 0);
}

static void
test_output_off_link_goes_to_the_gateway_mac(void)
{
	struct rte_mbuf *out[4];
	const uint8_t *f;

	CU_ASSERT_FATAL(dp_arp_update(&lc, T_GW_IP, &gw_mac, true));
	dp_ip4_output(&lc, t_tcp_out(0, 0), T_FAR_IP, IPPROTO_TCP);
	dp_net_tx_flush(&lc);
	CU_ASSERT_EQUAL_FATAL(t_rx(out, 4), 1);
	f = rte_pktmbuf_mtod(out[0], const uint8_t *);
	CU_ASSERT(memcmp(f, gw_mac.addr_bytes, 6) == 0);
	CU_ASSERT_EQUAL(t_get32(f + 14 + 16), T_FAR_IP);
	rte_pktmbuf_free(out[0]);
	CU_ASSERT_PTR_NULL(dp_arp_lookup(&lc.net, T_FAR_IP));
}

static void
test_output_off_link_without_gateway_is_dropped_and_counted(void)
{
	struct rte_mbuf *out[4];

	dp_net_init(&lc, eal_fixture_port_a(), 0, &our_mac, T_OUR_IP, T_MASK, 0, pool);
	dp_ip4_output(&lc, t_tcp_out(0, 0), T_FAR_IP, IPPROTO_TCP);
	dp_net_tx_flush(&lc);
	CU_ASSERT_EQUAL(t_rx(out, 4), 0);
	CU_ASSERT_EQUAL(DP_CTR_GET(&lc, ip_drop_no_route), 1);
}

static void
test_hold_overflow_drops_the_oldest_and_counts(void)
{
	struct rte_mbuf *out[8];
	uint16_t n;

	for (int i = 0; i < DP_ARP_HOLD + 2; i++)
		dp_ip4_output(&lc, t_tcp_out(4, 0), T_PEER_IP, IPPROTO_TCP);
	CU_ASSERT_EQUAL(DP_CTR_GET(&lc, arp_hold_drop), 2);
	CU_ASSERT_EQUAL(DP_CTR_GET(&lc, arp_tx_request), 1);
	dp_net_tx_flush(&lc);
	CU_ASSERT_EQUAL(t_rx(out, 8), 1); /* the one request */
	rte_pktmbuf_free(out[0]);

	t_peer_replies();
	dp_net_tx_flush(&lc);
	n = t_rx(out, 8);
	CU_ASSERT_EQUAL_FATAL(n, DP_ARP_HOLD);
	for (uint16_t i = 0; i < n; i++) {
		/* IP ids 0 and 1 were dropped; the newest four go out in order. */
		CU_ASSERT_EQUAL(t_get16(rte_pktmbuf_mtod(out[i], const uint8_t *) + 14 + 4), i + 2);
		rte_pktmbuf_free(out[i]);
	}
}

static void
test_arp_retries_then_fails_and_frees_held_packets(void)
{
	struct rte_mbuf *out[8];
	unsigned int avail;

	avail = rte_mempool_avail_count(pool);
	dp_ip4_output(&lc, t_tcp_out(100, 0), T_PEER_IP, IPPROTO_TCP);
	dp_ip4_output(&lc, t_tcp_out(100, 0), T_PEER_IP, IPPROTO_TCP);
	lc.now_us = T_T0 + DP_ARP_RETRY_US - 1;
	t_arp_timers_pass();
	CU_ASSERT_EQUAL(DP_CTR_GET(&lc, arp_tx_request), 1);
	for (uint64_t k = 1; k < DP_ARP_TRIES; k++) {
		lc.now_us = T_T0 + k * DP_ARP_RETRY_US;
		t_arp_timers_pass();
		CU_ASSERT_EQUAL(DP_CTR_GET(&lc, arp_tx_request), k + 1);
	}
	CU_ASSERT_EQUAL(DP_CTR_GET(&lc, arp_resolve_fail), 0);
	lc.now_us = T_T0 + DP_ARP_TRIES * DP_ARP_RETRY_US;
	t_arp_timers_pass();
	CU_ASSERT_EQUAL(DP_CTR_GET(&lc, arp_resolve_fail), 1);
	CU_ASSERT_EQUAL(DP_CTR_GET(&lc, arp_fail_drop), 2);
	CU_ASSERT_EQUAL(DP_CTR_GET(&lc, arp_tx_request), DP_ARP_TRIES);
	CU_ASSERT_PTR_NULL(dp_arp_lookup(&lc.net, T_PEER_IP));

	dp_net_tx_flush(&lc);
	CU_ASSERT_EQUAL(t_rx(out, 8), DP_ARP_TRIES);
	for (int i = 0; i < DP_ARP_TRIES; i++) {
		t_check_request(out[i], &bcast_mac, T_PEER_IP);
		rte_pktmbuf_free(out[i]);
	}
	CU_ASSERT_EQUAL(rte_mempool_avail_count(pool), avail);
}

static void
test_expired_entry_is_resolved_again_on_use(void)
{
	struct rte_mbuf *out[4];
	struct dp_arp_entry *e;

	CU_ASSERT_FATAL(dp_arp_update(&lc, T_PEER_IP, &peer_mac, true));
	lc.now_us = T_T0 + DP_ARP_TTL_US;
	dp_ip4_output(&lc, t_tcp_out(0, 0), T_PEER_IP, IPPROTO_TCP);
	dp_net_tx_flush(&lc);
	CU_ASSERT_EQUAL_FATAL(t_rx(out, 4), 1);
	t_check_request(out[0], &bcast_mac, T_PEER_IP);
	rte_pktmbuf_free(out[0]);
	e = t_entry(T_PEER_IP);
	CU_ASSERT_EQUAL(e->state, DP_ARP_INCOMPLETE);
	CU_ASSERT_EQUAL(e->n_held, 1);
	CU_ASSERT_EQUAL(DP_CTR_GET(&lc, arp_expired), 1);
}

static void
test_entry_near_expiry_is_polled_without_holding(void)
{
	struct rte_mbuf *out[4];
	const uint8_t *f;

	CU_ASSERT_FATAL(dp_arp_update(&lc, T_PEER_IP, &peer_mac, true));
	lc.now_us = T_T0 + DP_ARP_TTL_US - DP_ARP_REFRESH_US;
	dp_ip4_output(&lc, t_tcp_out(0, 0), T_PEER_IP, IPPROTO_TCP);
	dp_ip4_output(&lc, t_tcp_out(0, 0), T_PEER_IP, IPPROTO_TCP); /* no second poll yet */
	dp_net_tx_flush(&lc);
	CU_ASSERT_EQUAL_FATAL(t_rx(out, 4), 3);
	t_check_request(out[0], &peer_mac, T_PEER_IP); /* unicast poll */
	f = rte_pktmbuf_mtod(out[1], const uint8_t *);
	CU_ASSERT(memcmp(f, peer_mac.addr_bytes, 6) == 0);
	CU_ASSERT_EQUAL(t_get16(f + 12), RTE_ETHER_TYPE_IPV4);
	for (int i = 0; i < 3; i++)
		rte_pktmbuf_free(out[i]);
	CU_ASSERT_EQUAL(DP_CTR_GET(&lc, arp_tx_request), 1);
}

static void
test_timers_free_idle_expired_entries(void)
{
	CU_ASSERT_FATAL(dp_arp_update(&lc, T_PEER_IP, &peer_mac, true));
	lc.now_us = T_T0 + DP_ARP_TTL_US;
	t_arp_timers_pass();
	CU_ASSERT_PTR_NULL(dp_arp_lookup(&lc.net, T_PEER_IP));
	CU_ASSERT_EQUAL(DP_CTR_GET(&lc, arp_expired), 1);
}

/* Fill @p ips with @p n addresses of 10.0.0.0/8 sharing one ARP home slot. */
static void
t_colliding_ips(uint32_t *ips, uint32_t n)
{
	uint32_t home = dp_arp_home(T_IP(10, 1, 0, 1)), k = 0;

	for (uint32_t ip = T_IP(10, 1, 0, 1); k < n; ip++)
		if (dp_arp_home(ip) == home)
			ips[k++] = ip;
}

static void
test_full_probe_window_evicts_the_oldest_reachable(void)
{
	uint32_t ips[DP_ARP_PROBE + 1];

	t_colliding_ips(ips, DP_ARP_PROBE + 1);
	for (uint32_t i = 0; i < DP_ARP_PROBE; i++) {
		lc.now_us = T_T0 + (i == 3 ? 0 : 100 + i); /* ips[3] is the oldest */
		CU_ASSERT_FATAL(dp_arp_update(&lc, ips[i], &peer_mac, true));
	}
	CU_ASSERT(dp_arp_update(&lc, ips[DP_ARP_PROBE], &peer_mac, true));
	CU_ASSERT_EQUAL(DP_CTR_GET(&lc, arp_cache_evict), 1);
	CU_ASSERT_PTR_NULL(dp_arp_lookup(&lc.net, ips[3]));
	CU_ASSERT_PTR_NOT_NULL(dp_arp_lookup(&lc.net, ips[0]));
	CU_ASSERT_PTR_NOT_NULL(dp_arp_lookup(&lc.net, ips[DP_ARP_PROBE]));
}

static void
test_full_probe_window_of_incomplete_drops_and_counts(void)
{
	uint32_t ips[DP_ARP_PROBE + 1];

	dp_net_init(&lc, eal_fixture_port_a(), 0, &our_mac, T_OUR_IP, T_IP(255, 0, 0, 0), 0, pool);
	t_colliding_ips(ips, DP_ARP_PROBE + 1);
	for (uint32_t i = 0; i <= DP_ARP_PROBE; i++)
		dp_ip4_output(&lc, t_tcp_out(0, 0), ips[i], IPPROTO_TCP);
	CU_ASSERT_EQUAL(DP_CTR_GET(&lc, arp_cache_full), 1);
	CU_ASSERT_EQUAL(DP_CTR_GET(&lc, arp_cache_evict), 0);
	CU_ASSERT_EQUAL(DP_CTR_GET(&lc, arp_tx_request), DP_ARP_PROBE);
	CU_ASSERT_PTR_NULL(dp_arp_lookup(&lc.net, ips[DP_ARP_PROBE]));
}

/* ---- Ethernet ---- */

static void
test_eth_non_ipv4_ethertypes_are_counted(void)
{
	uint8_t f[80];

	t_ip(f, T_PEER_IP, T_OUR_IP, IPPROTO_TCP, 0, 20);
	t_put16(f + 12, RTE_ETHER_TYPE_IPV6);
	t_input(f, 60);
	t_put16(f + 12, RTE_ETHER_TYPE_VLAN);
	t_input(f, 60);
	CU_ASSERT_EQUAL(DP_CTR_GET(&lc, eth_rx), 2);
	CU_ASSERT_EQUAL(DP_CTR_GET(&lc, eth_drop_ethertype), 2);
	CU_ASSERT_EQUAL(DP_CTR_GET(&lc, ip_rx), 0);
	CU_ASSERT_EQUAL(tcp_calls, 0);
}

static void
test_eth_frame_for_another_mac_is_counted(void)
{
	uint8_t f[80];

	t_ip(f, T_PEER_IP, T_OUR_IP, IPPROTO_TCP, 0, 20);
	memcpy(f, other_mac.addr_bytes, 6);
	t_input(f, 54);
	CU_ASSERT_EQUAL(DP_CTR_GET(&lc, eth_drop_not_us), 1);
	CU_ASSERT_EQUAL(tcp_calls, 0);
}

static void
test_eth_runt_is_counted(void)
{
	uint8_t f[16] = { 0 };

	t_input(f, 10);
	CU_ASSERT_EQUAL(DP_CTR_GET(&lc, eth_drop_runt), 1);
}

/* ---- IPv4 input ---- */

/* Feed a TCP frame mutated by @p mutate (checksum fixed after it unless @p keep_csum). */
static void
t_ip_bad(void (*mutate)(uint8_t *f, size_t *len), bool keep_csum)
{
	uint8_t f[200];
	size_t len = t_ip(f, T_PEER_IP, T_OUR_IP, IPPROTO_TCP, 0, 20);

	mutate(f, &len);
	if (!keep_csum)
		t_ip_fix_csum(f);
	t_input(f, len);
	CU_ASSERT_EQUAL(DP_CTR_GET(&lc, ip_rx), 1);
	CU_ASSERT_EQUAL(tcp_calls, 0);
}

static void
mut_csum(uint8_t *f, size_t *len)
{
	(void)len;
	f[14 + 10] ^= 0x5a;
}

static void
mut_version(uint8_t *f, size_t *len)
{
	(void)len;
	f[14] = 0x65;
}

static void
mut_ihl(uint8_t *f, size_t *len)
{
	(void)len;
	f[14] = 0x44;
}

static void
mut_total_len(uint8_t *f, size_t *len)
{
	t_put16(f + 14 + 2, (uint16_t)(*len - 14 + 1));
}

static void
mut_mf(uint8_t *f, size_t *len)
{
	(void)len;
	t_put16(f + 14 + 6, 0x2000);
}

static void
mut_offset(uint8_t *f, size_t *len)
{
	(void)len;
	t_put16(f + 14 + 6, 0x0010);
}

static void
mut_dst(uint8_t *f, size_t *len)
{
	(void)len;
	t_put32(f + 14 + 16, T_IP(10, 0, 0, 3));
}

static void
mut_bcast(uint8_t *f, size_t *len)
{
	(void)len;
	t_put32(f + 14 + 16, T_IP(10, 0, 0, 255));
}

static void
mut_src(uint8_t *f, size_t *len)
{
	(void)len;
	t_put32(f + 14 + 12, T_IP(127, 0, 0, 1));
}

static void
test_ip_bad_checksum_is_dropped(void)
{
	t_ip_bad(mut_csum, true);
	CU_ASSERT_EQUAL(DP_CTR_GET(&lc, ip_drop_bad_csum), 1);
}

static void
test_ip_bad_version_is_dropped(void)
{
	t_ip_bad(mut_version, false);
	CU_ASSERT_EQUAL(DP_CTR_GET(&lc, ip_drop_bad_ver), 1);
}

static void
test_ip_ihl_below_5_is_dropped(void)
{
	t_ip_bad(mut_ihl, true);
	CU_ASSERT_EQUAL(DP_CTR_GET(&lc, ip_drop_bad_hdr), 1);
}

static void
test_ip_total_length_beyond_frame_is_dropped(void)
{
	t_ip_bad(mut_total_len, false);
	CU_ASSERT_EQUAL(DP_CTR_GET(&lc, ip_drop_bad_len), 1);
}

static void
test_ip_fragment_with_mf_is_dropped(void)
{
	t_ip_bad(mut_mf, false);
	CU_ASSERT_EQUAL(DP_CTR_GET(&lc, ip_drop_frag), 1);
}

static void
test_ip_fragment_with_offset_is_dropped(void)
{
	t_ip_bad(mut_offset, false);
	CU_ASSERT_EQUAL(DP_CTR_GET(&lc, ip_drop_frag), 1);
}

static void
test_ip_not_our_destination_is_dropped(void)
{
	t_ip_bad(mut_dst, false);
	CU_ASSERT_EQUAL(DP_CTR_GET(&lc, ip_drop_not_us), 1);
}

static void
test_ip_subnet_broadcast_destination_is_dropped(void)
{
	t_ip_bad(mut_bcast, false);
	CU_ASSERT_EQUAL(DP_CTR_GET(&lc, ip_drop_bcast), 1);
}

static void
test_ip_loopback_source_is_dropped(void)
{
	t_ip_bad(mut_src, false);
	CU_ASSERT_EQUAL(DP_CTR_GET(&lc, ip_drop_bad_src), 1);
}

static void
test_ip_port_validated_checksum_is_trusted(void)
{
	uint8_t f[80];
	struct rte_mbuf *m;

	lc.net.rx_csum = 1;
	t_ip(f, T_PEER_IP, T_OUR_IP, IPPROTO_TCP, 0, 20);
	f[14 + 10] ^= 0x5a;
	m = t_mbuf(f, 54);
	m->ol_flags |= RTE_MBUF_F_RX_IP_CKSUM_GOOD;
	dp_eth_input(&lc, &m, 1);
	CU_ASSERT_EQUAL(tcp_n, 1);
	CU_ASSERT_EQUAL(DP_CTR_GET(&lc, ip_drop_bad_csum), 0);
}

static void
test_ip_port_flagged_bad_checksum_is_dropped(void)
{
	uint8_t f[80];
	struct rte_mbuf *m;

	lc.net.rx_csum = 1;
	t_ip(f, T_PEER_IP, T_OUR_IP, IPPROTO_TCP, 0, 20);
	m = t_mbuf(f, 54);
	m->ol_flags |= RTE_MBUF_F_RX_IP_CKSUM_BAD;
	dp_eth_input(&lc, &m, 1);
	CU_ASSERT_EQUAL(tcp_n, 0);
	CU_ASSERT_EQUAL(DP_CTR_GET(&lc, ip_drop_bad_csum), 1);
}

static void
test_ip_ethernet_padding_is_trimmed_before_tcp(void)
{
	uint8_t f[80];

	memset(f, 0xee, sizeof(f));
	t_ip(f, T_PEER_IP, T_OUR_IP, IPPROTO_TCP, 0, 20); /* 54 bytes, padded to 60 */
	t_input(f, 60);
	CU_ASSERT_EQUAL_FATAL(tcp_n, 1);
	CU_ASSERT_EQUAL(rte_pktmbuf_pkt_len(tcp_got[0]), 40);
	CU_ASSERT_EQUAL(rte_pktmbuf_data_len(tcp_got[0]), 40);
}

static void
test_ip_tcp_segments_reach_tcp_input_as_one_burst(void)
{
	struct rte_mbuf *m[6];
	uint8_t f[200], a[64];
	const uint8_t *p;

	m[0] = t_tcp_in(0);
	m[1] = t_mbuf(a, t_arp(a, &bcast_mac, 1, &peer_mac, T_PEER_IP, zero6, T_IP(10, 0, 0, 9)));
	m[2] = t_tcp_in(7);
	m[3] = t_mbuf(f, t_ip(f, T_PEER_IP, T_OUR_IP, IPPROTO_UDP, 0, 8));
	m[4] = t_tcp_in(100);
	m[5] = t_mbuf(f, t_ip(f, T_PEER_IP, T_IP(10, 0, 0, 3), IPPROTO_TCP, 0, 20));
	dp_eth_input(&lc, m, 6);
	CU_ASSERT_EQUAL(tcp_calls, 1);
	CU_ASSERT_EQUAL_FATAL(tcp_n, 3);
	for (int i = 0; i < 3; i++) {
		p = rte_pktmbuf_mtod(tcp_got[i], const uint8_t *);
		CU_ASSERT_EQUAL(p[0], 0x45);
		CU_ASSERT_EQUAL(t_get32(p + 16), T_OUR_IP);
		CU_ASSERT_EQUAL(tcp_got[i]->l2_len, 14);
		CU_ASSERT_EQUAL(tcp_got[i]->l3_len, 20);
	}
	/* In arrival order. */
	CU_ASSERT_EQUAL(rte_pktmbuf_pkt_len(tcp_got[0]), 40);
	CU_ASSERT_EQUAL(rte_pktmbuf_pkt_len(tcp_got[1]), 47);
	CU_ASSERT_EQUAL(rte_pktmbuf_pkt_len(tcp_got[2]), 140);
	CU_ASSERT_EQUAL(DP_CTR_GET(&lc, ip_drop_proto), 1);
	CU_ASSERT_EQUAL(DP_CTR_GET(&lc, ip_drop_not_us), 1);
	CU_ASSERT_EQUAL(DP_CTR_GET(&lc, eth_rx), 6);
}

static void
test_ip_options_are_skipped_via_l3_len(void)
{
	uint8_t f[200];
	const uint8_t *p;

	t_input(f, t_ip(f, T_PEER_IP, T_OUR_IP, IPPROTO_TCP, 4, 20));
	CU_ASSERT_EQUAL_FATAL(tcp_n, 1);
	p = rte_pktmbuf_mtod(tcp_got[0], const uint8_t *);
	CU_ASSERT_EQUAL(p[0], 0x46);
	CU_ASSERT_EQUAL(tcp_got[0]->l3_len, 24);
	CU_ASSERT_EQUAL(t_get16(p + 24), 443); /* TCP source port at l3_len */
}

static void
test_ip_tcp_without_tcp_input_is_counted(void)
{
	uint8_t f[200];

	lc.net.tcp_input = NULL;
	t_input(f, t_ip(f, T_PEER_IP, T_OUR_IP, IPPROTO_TCP, 0, 20));
	CU_ASSERT_EQUAL(DP_CTR_GET(&lc, ip_no_l4), 1);
}

/* ---- ICMP ---- */

/* An echo request from the peer: id 0x1234, seq 7, @p plen bytes of data. */
static size_t
t_echo(uint8_t *f, size_t plen)
{
	size_t len = t_ip(f, T_PEER_IP, T_OUR_IP, IPPROTO_ICMP, 0, 8 + plen);
	uint8_t *ic = f + 34;

	ic[0] = 8;
	ic[1] = 0;
	t_put16(ic + 4, 0x1234);
	t_put16(ic + 6, 7);
	for (size_t i = 0; i < plen; i++)
		ic[8 + i] = (uint8_t)(0xa0 + i);
	t_put16(ic + 2, (uint16_t)~t_fold(t_sum(ic, 8 + plen, 0)));
	return len;
}

static void
test_icmp_echo_request_is_answered_with_same_id_seq_payload(void)
{
	struct rte_mbuf *out[4];
	uint8_t f[200];
	const uint8_t *r, *ip, *ic;

	CU_ASSERT_FATAL(dp_arp_update(&lc, T_PEER_IP, &peer_mac, true));
	t_input(f, t_echo(f, 32));
	dp_net_tx_flush(&lc);
	CU_ASSERT_EQUAL_FATAL(t_rx(out, 4), 1);
	CU_ASSERT_EQUAL_FATAL(rte_pktmbuf_pkt_len(out[0]), 14 + 20 + 8 + 32);
	r = rte_pktmbuf_mtod(out[0], const uint8_t *);
	ip = r + 14;
	ic = ip + 20;
	CU_ASSERT(memcmp(r, peer_mac.addr_bytes, 6) == 0);
	CU_ASSERT(memcmp(r + 6, our_mac.addr_bytes, 6) == 0);
	CU_ASSERT_EQUAL(ip[0], 0x45);
	CU_ASSERT_EQUAL(t_get16(ip + 2), 20 + 8 + 32);
	CU_ASSERT_EQUAL(ip[8], 64);
	CU_ASSERT_EQUAL(ip[9], IPPROTO_ICMP);
	CU_ASSERT_EQUAL(t_get32(ip + 12), T_OUR_IP);
	CU_ASSERT_EQUAL(t_get32(ip + 16), T_PEER_IP);
	CU_ASSERT_EQUAL(t_fold(t_sum(ip, 20, 0)), 0xffff);
	CU_ASSERT_EQUAL(ic[0], 0);
	CU_ASSERT_EQUAL(ic[1], 0);
	CU_ASSERT_EQUAL(t_get16(ic + 4), 0x1234);
	CU_ASSERT_EQUAL(t_get16(ic + 6), 7);
	CU_ASSERT(memcmp(ic + 8, f + 34 + 8, 32) == 0);
	CU_ASSERT_EQUAL(t_fold(t_sum(ic, 8 + 32, 0)), 0xffff);
	rte_pktmbuf_free(out[0]);
	CU_ASSERT_EQUAL(DP_CTR_GET(&lc, icmp_echo_rx), 1);
	CU_ASSERT_EQUAL(DP_CTR_GET(&lc, icmp_echo_tx), 1);
}

static void
test_icmp_bad_checksum_is_dropped(void)
{
	uint8_t f[200];
	size_t len = t_echo(f, 16);

	f[34 + 2] ^= 0x01;
	t_input(f, len);
	CU_ASSERT_EQUAL(DP_CTR_GET(&lc, icmp_drop_bad_csum), 1);
	CU_ASSERT_EQUAL(DP_CTR_GET(&lc, icmp_echo_tx), 0);
	CU_ASSERT_EQUAL(lc.net.tx_n, 0);
}

static void
test_icmp_other_type_is_dropped(void)
{
	uint8_t f[200];
	size_t len = t_echo(f, 16);
	uint8_t *ic = f + 34;

	ic[0] = 13; /* timestamp */
	t_put16(ic + 2, 0);
	t_put16(ic + 2, (uint16_t)~t_fold(t_sum(ic, 8 + 16, 0)));
	t_input(f, len);
	CU_ASSERT_EQUAL(DP_CTR_GET(&lc, icmp_drop), 1);
	CU_ASSERT_EQUAL(lc.net.tx_n, 0);
}

/* ---- IPv4 output ---- */

static void
test_ip_output_software_tcp_checksum_verifies(void)
{
	struct rte_mbuf *out[4];
	const uint8_t *ip;

	CU_ASSERT_FATAL(dp_arp_update(&lc, T_PEER_IP, &peer_mac, true));
	dp_ip4_output(&lc, t_tcp_out(33, 5), T_PEER_IP, IPPROTO_TCP);
	dp_net_tx_flush(&lc);
	CU_ASSERT_EQUAL_FATAL(t_rx(out, 4), 1);
	ip = rte_pktmbuf_mtod(out[0], const uint8_t *) + 14;
	CU_ASSERT_EQUAL(ip[0], 0x45);
	CU_ASSERT_EQUAL(t_get16(ip + 2), 20 + 20 + 33);
	CU_ASSERT_EQUAL(t_get16(ip + 6), 0x4000);
	CU_ASSERT_EQUAL(ip[8], 64);
	CU_ASSERT_EQUAL(ip[9], IPPROTO_TCP);
	CU_ASSERT_EQUAL(t_get32(ip + 12), T_OUR_IP);
	CU_ASSERT_EQUAL(t_fold(t_sum(ip, 20, 0)), 0xffff);
	CU_ASSERT_EQUAL(t_fold(t_sum(ip + 20, 53, t_phdr_sum(ip, 53))), 0xffff);
	CU_ASSERT_EQUAL(out[0]->ol_flags & RTE_MBUF_F_TX_OFFLOAD_MASK, 0);
	CU_ASSERT_EQUAL(out[0]->l3_len, 20);
	CU_ASSERT_EQUAL(out[0]->l4_len, 20);
	rte_pktmbuf_free(out[0]);
}

static void
test_ip_output_software_tcp_checksum_covers_a_chain(void)
{
	struct rte_mbuf *out[4], *m, *tail;
	uint8_t flat[200], *p;
	const uint8_t *ip;

	CU_ASSERT_FATAL(dp_arp_update(&lc, T_PEER_IP, &peer_mac, true));
	m = t_tcp_out(5, 1); /* odd first segment */
	tail = t_alloc(40, &p);
	for (int i = 0; i < 40; i++)
		p[i] = (uint8_t)(0x30 + 3 * i);
	CU_ASSERT_EQUAL_FATAL(rte_pktmbuf_chain(m, tail), 0);
	dp_ip4_output(&lc, m, T_PEER_IP, IPPROTO_TCP);
	dp_net_tx_flush(&lc);
	CU_ASSERT_EQUAL_FATAL(t_rx(out, 4), 1);
	CU_ASSERT_EQUAL_FATAL(rte_pktmbuf_pkt_len(out[0]), 14 + 20 + 20 + 5 + 40);
	CU_ASSERT_EQUAL(out[0]->nb_segs, 2);
	ip = rte_pktmbuf_read(out[0], 0, rte_pktmbuf_pkt_len(out[0]), flat);
	ip += 14;
	CU_ASSERT_EQUAL(t_fold(t_sum(ip, 20, 0)), 0xffff);
	CU_ASSERT_EQUAL(t_fold(t_sum(ip + 20, 65, t_phdr_sum(ip, 65))), 0xffff);
	rte_pktmbuf_free(out[0]);
}

static void
test_ip_output_offload_sets_flags_and_pseudo_header(void)
{
	struct rte_mbuf *out[4];
	const uint8_t *ip;

	lc.net.tx_csum_ip = 1;
	lc.net.tx_csum_tcp = 1;
	CU_ASSERT_FATAL(dp_arp_update(&lc, T_PEER_IP, &peer_mac, true));
	dp_ip4_output(&lc, t_tcp_out(10, 0), T_PEER_IP, IPPROTO_TCP);
	dp_net_tx_flush(&lc);
	CU_ASSERT_EQUAL_FATAL(t_rx(out, 4), 1);
	CU_ASSERT_EQUAL(out[0]->ol_flags & RTE_MBUF_F_TX_OFFLOAD_MASK,
			RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM | RTE_MBUF_F_TX_TCP_CKSUM);
	CU_ASSERT_EQUAL(out[0]->l2_len, 14);
	CU_ASSERT_EQUAL(out[0]->l3_len, 20);
	CU_ASSERT_EQUAL(out[0]->l4_len, 20);
	ip = rte_pktmbuf_mtod(out[0], const uint8_t *) + 14;
	CU_ASSERT_EQUAL(t_get16(ip + 10), 0);
	/* The TCP checksum field holds the folded, uncomplemented pseudo-header sum. */
	CU_ASSERT_EQUAL(t_get16(ip + 20 + 16), t_fold(t_phdr_sum(ip, 30)));
	rte_pktmbuf_free(out[0]);
}

static void
test_ip_output_larger_than_mtu_is_dropped(void)
{
	CU_ASSERT_FATAL(dp_arp_update(&lc, T_PEER_IP, &peer_mac, true));
	dp_ip4_output(&lc, t_tcp_out(1500 - 40 + 1, 0), T_PEER_IP, IPPROTO_TCP);
	CU_ASSERT_EQUAL(DP_CTR_GET(&lc, ip_drop_too_big), 1);
	CU_ASSERT_EQUAL(lc.net.tx_n, 0);
	dp_ip4_output(&lc, t_tcp_out(1500 - 40, 0), T_PEER_IP, IPPROTO_TCP);
	CU_ASSERT_EQUAL(lc.net.tx_n, 1);
}

static void
test_cksum_mbuf_matches_a_flat_sum_across_odd_segments(void)
{
	static const uint16_t lens[] = { 7, 33, 1, 60 };
	struct rte_mbuf *m = NULL, *seg;
	uint8_t flat[128], *p;
	uint32_t total = 0;

	for (size_t i = 0; i < ARRAY_SIZE(lens); i++) {
		seg = t_alloc(lens[i], &p);
		for (uint16_t j = 0; j < lens[i]; j++)
			p[j] = flat[total + j] = (uint8_t)(0xf1 + 37 * (total + j));
		total += lens[i];
		if (m == NULL)
			m = seg;
		else
			CU_ASSERT_EQUAL_FATAL(rte_pktmbuf_chain(m, seg), 0);
	}
	/* The result is in memory order, like a checksum field: compare as big-endian. */
	CU_ASSERT_EQUAL(rte_be_to_cpu_16(dp_ip4_cksum_mbuf(m, 0, total)),
			t_fold(t_sum(flat, total, 0)));
	CU_ASSERT_EQUAL(rte_be_to_cpu_16(dp_ip4_cksum_mbuf(m, 3, total - 3)),
			t_fold(t_sum(flat + 3, total - 3, 0)));
	CU_ASSERT_EQUAL(rte_be_to_cpu_16(dp_ip4_cksum_mbuf(m, 8, 30)),
			t_fold(t_sum(flat + 8, 30, 0)));
	rte_pktmbuf_free(m);
}

static void
test_icmp_echo_request_in_a_chain_is_answered(void)
{
	struct rte_mbuf *out[4], *m, *tail;
	uint8_t f[200], flat[200], *p;
	size_t len = t_echo(f, 41);
	const uint8_t *ic;

	CU_ASSERT_FATAL(dp_arp_update(&lc, T_PEER_IP, &peer_mac, true));
	m = t_mbuf(f, 14 + 20 + 8 + 3); /* the data splits at an odd offset */
	tail = t_alloc(len - (14 + 20 + 8 + 3), &p);
	memcpy(p, f + 14 + 20 + 8 + 3, len - (14 + 20 + 8 + 3));
	CU_ASSERT_EQUAL_FATAL(rte_pktmbuf_chain(m, tail), 0);
	dp_eth_input(&lc, &m, 1);
	dp_net_tx_flush(&lc);
	CU_ASSERT_EQUAL(DP_CTR_GET(&lc, icmp_drop_bad_csum), 0);
	CU_ASSERT_EQUAL_FATAL(t_rx(out, 4), 1);
	CU_ASSERT_EQUAL_FATAL(rte_pktmbuf_pkt_len(out[0]), len);
	ic = (const uint8_t *)rte_pktmbuf_read(out[0], 0, (uint32_t)len, flat) + 34;
	CU_ASSERT_EQUAL(ic[0], 0);
	CU_ASSERT(memcmp(ic + 4, f + 34 + 4, 4 + 41) == 0);
	CU_ASSERT_EQUAL(t_fold(t_sum(ic, 8 + 41, 0)), 0xffff);
	rte_pktmbuf_free(out[0]);
}

/* ---- TX staging ---- */

static void
test_tx_flush_frees_and_counts_what_the_nic_refused(void)
{
	struct rte_mbuf *out[T_MAX_RX];
	const uint32_t n = 300;
	uint16_t got;
	uint8_t f[64];

	/* The fixture's ring holds 255 frames; the rest are refused. */
	t_arp(f, &bcast_mac, 1, &our_mac, T_OUR_IP, zero6, T_PEER_IP);
	for (uint32_t i = 0; i < n; i++)
		dp_net_tx_stage(&lc, t_mbuf(f, 60));
	dp_net_tx_flush(&lc);
	CU_ASSERT_EQUAL(lc.net.tx_n, 0);
	CU_ASSERT_EQUAL(DP_CTR_GET(&lc, net_tx_pkts) + DP_CTR_GET(&lc, net_tx_drop_nic), n);
	CU_ASSERT_EQUAL(DP_CTR_GET(&lc, net_tx_pkts), 255);
	CU_ASSERT_EQUAL(DP_CTR_GET(&lc, net_tx_drop_nic), n - 255);
	got = t_rx(out, T_MAX_RX);
	CU_ASSERT_EQUAL(got, 255);
	rte_pktmbuf_free_bulk(out, got);
}

static void
test_tx_flush_goes_through_fault_injection(void)
{
	static struct drv_fault fault;
	const struct drv_fault_conf drop_all = { .seed = 1, .drop_ppm = DRV_FAULT_PPM };
	struct rte_mbuf *out[4];
	uint8_t f[64];

	CU_ASSERT_EQUAL_FATAL(drv_fault_init(&fault, &drop_all, NULL), 0);
	lc.net.tx_fault = &fault;
	t_arp(f, &bcast_mac, 1, &our_mac, T_OUR_IP, zero6, T_PEER_IP);
	for (int i = 0; i < 3; i++)
		dp_net_tx_stage(&lc, t_mbuf(f, 60));
	dp_net_tx_flush(&lc);
	CU_ASSERT_EQUAL(lc.net.tx_n, 0);
	CU_ASSERT_EQUAL(fault.dropped, 3);
	CU_ASSERT_EQUAL(t_rx(out, 4), 0);
	CU_ASSERT_EQUAL(DP_CTR_GET(&lc, net_tx_pkts), 0);
	drv_fault_fini(&fault);
}

static CU_TestInfo net_tests[] = {
	{ "arp_request_for_us_is_answered_and_requester_learned",
	  test_arp_request_for_us_is_answered_and_requester_learned },
	{ "arp_request_for_another_ip_is_not_answered_nor_learned",
	  test_arp_request_for_another_ip_is_not_answered_nor_learned },
	{ "arp_bad_hlen_is_counted_malformed", test_arp_bad_hlen_is_counted_malformed },
	{ "arp_short_packet_is_counted_malformed", test_arp_short_packet_is_counted_malformed },
	{ "arp_bad_opcode_is_counted_malformed", test_arp_bad_opcode_is_counted_malformed },
	{ "arp_unsolicited_reply_is_not_learned", test_arp_unsolicited_reply_is_not_learned },
	{ "arp_reply_updates_an_existing_entry", test_arp_reply_updates_an_existing_entry },
	{ "arp_other_mac_claiming_our_ip_is_a_conflict",
	  test_arp_other_mac_claiming_our_ip_is_a_conflict },
	{ "arp_announce_is_a_gratuitous_request", test_arp_announce_is_a_gratuitous_request },
	{ "output_to_unknown_onlink_host_is_held_until_arp_reply",
	  test_output_to_unknown_onlink_host_is_held_until_arp_reply },
	{ "output_off_link_goes_to_the_gateway_mac", test_output_off_link_goes_to_the_gateway_mac },
	{ "output_off_link_without_gateway_is_dropped_and_counted",
	  test_output_off_link_without_gateway_is_dropped_and_counted },
	{ "hold_overflow_drops_the_oldest_and_counts",
	  test_hold_overflow_drops_the_oldest_and_counts },
	{ "arp_retries_then_fails_and_frees_held_packets",
	  test_arp_retries_then_fails_and_frees_held_packets },
	{ "expired_entry_is_resolved_again_on_use", test_expired_entry_is_resolved_again_on_use },
	{ "entry_near_expiry_is_polled_without_holding",
	  test_entry_near_expiry_is_polled_without_holding },
	{ "timers_free_idle_expired_entries", test_timers_free_idle_expired_entries },
	{ "full_probe_window_evicts_the_oldest_reachable",
	  test_full_probe_window_evicts_the_oldest_reachable },
	{ "full_probe_window_of_incomplete_drops_and_counts",
	  test_full_probe_window_of_incomplete_drops_and_counts },
	{ "eth_non_ipv4_ethertypes_are_counted", test_eth_non_ipv4_ethertypes_are_counted },
	{ "eth_frame_for_another_mac_is_counted", test_eth_frame_for_another_mac_is_counted },
	{ "eth_runt_is_counted", test_eth_runt_is_counted },
	{ "ip_bad_checksum_is_dropped", test_ip_bad_checksum_is_dropped },
	{ "ip_bad_version_is_dropped", test_ip_bad_version_is_dropped },
	{ "ip_ihl_below_5_is_dropped", test_ip_ihl_below_5_is_dropped },
	{ "ip_total_length_beyond_frame_is_dropped", test_ip_total_length_beyond_frame_is_dropped },
	{ "ip_fragment_with_mf_is_dropped", test_ip_fragment_with_mf_is_dropped },
	{ "ip_fragment_with_offset_is_dropped", test_ip_fragment_with_offset_is_dropped },
	{ "ip_not_our_destination_is_dropped", test_ip_not_our_destination_is_dropped },
	{ "ip_subnet_broadcast_destination_is_dropped",
	  test_ip_subnet_broadcast_destination_is_dropped },
	{ "ip_loopback_source_is_dropped", test_ip_loopback_source_is_dropped },
	{ "ip_port_validated_checksum_is_trusted", test_ip_port_validated_checksum_is_trusted },
	{ "ip_port_flagged_bad_checksum_is_dropped", test_ip_port_flagged_bad_checksum_is_dropped },
	{ "ip_ethernet_padding_is_trimmed_before_tcp",
	  test_ip_ethernet_padding_is_trimmed_before_tcp },
	{ "ip_tcp_segments_reach_tcp_input_as_one_burst",
	  test_ip_tcp_segments_reach_tcp_input_as_one_burst },
	{ "ip_options_are_skipped_via_l3_len", test_ip_options_are_skipped_via_l3_len },
	{ "ip_tcp_without_tcp_input_is_counted", test_ip_tcp_without_tcp_input_is_counted },
	{ "icmp_echo_request_is_answered_with_same_id_seq_payload",
	  test_icmp_echo_request_is_answered_with_same_id_seq_payload },
	{ "icmp_bad_checksum_is_dropped", test_icmp_bad_checksum_is_dropped },
	{ "icmp_other_type_is_dropped", test_icmp_other_type_is_dropped },
	{ "ip_output_software_tcp_checksum_verifies",
	  test_ip_output_software_tcp_checksum_verifies },
	{ "ip_output_software_tcp_checksum_covers_a_chain",
	  test_ip_output_software_tcp_checksum_covers_a_chain },
	{ "ip_output_offload_sets_flags_and_pseudo_header",
	  test_ip_output_offload_sets_flags_and_pseudo_header },
	{ "ip_output_larger_than_mtu_is_dropped", test_ip_output_larger_than_mtu_is_dropped },
	{ "cksum_mbuf_matches_a_flat_sum_across_odd_segments",
	  test_cksum_mbuf_matches_a_flat_sum_across_odd_segments },
	{ "icmp_echo_request_in_a_chain_is_answered", test_icmp_echo_request_in_a_chain_is_answered },
	{ "tx_flush_frees_and_counts_what_the_nic_refused",
	  test_tx_flush_frees_and_counts_what_the_nic_refused },
	{ "tx_flush_goes_through_fault_injection", test_tx_flush_goes_through_fault_injection },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_net = {
	.pName = "dataplane/net",
	.pSetUpFunc = setup,
	.pTearDownFunc = teardown,
	.pTests = net_tests,
};
