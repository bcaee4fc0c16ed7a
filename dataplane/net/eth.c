/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Ethernet: interface set-up, receive demux, IPv4 next-hop output and TX staging.
 *
 * Receive: dp_eth_input() classifies a burst by destination MAC and
 * EtherType into an ARP and an IPv4 sub-burst (VPP's nexts[] idea), strips
 * the Ethernet header (m->l2_len = 14) and hands each sub-burst on in one
 * call. A frame shorter than an Ethernet header, for another MAC (neither
 * ours nor broadcast; multicast included) or of any other EtherType (IPv6,
 * 802.1Q VLAN tags, ...) is freed and counted. Counters are kept on the stack
 * for the burst and flushed once.
 *
 * Transmit: IPv4 output picks the next hop (the destination when on-link
 * per the netmask, else the gateway; RFC 1122 §3.3.1.1), looks it up in the
 * ARP cache inline and writes the Ethernet header; every other case (miss,
 * INCOMPLETE, expired, refresh due) goes to arp.c's cold path. Frames are
 * staged in lc->net.tx and sent by dp_net_tx_flush() with one
 * rte_eth_tx_burst(); whatever the NIC refuses is freed and counted
 * (l3fwd's send_burst). Staging never fails: a full stage is flushed first.
 * When lc->net.tx_fault is set (tests), the flush goes through drivers/fault.
 */
#include <stdint.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_common.h>
#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>
#include <rte_ring.h>

#include "dataplane/base/dp_ctr.h"
#include "dataplane/lcore_types.h"
#include "dataplane/net/arp_int.h"
#include "dataplane/net/net.h"
#include "drivers/fault.h"

/** Room a fault-injected flush leaves for copies and held frames coming due. */
#define DP_NET_FAULT_SPARE 16

void
dp_net_init(struct dp_lcore *lc, uint16_t port_id, uint16_t txq, const struct rte_ether_addr *mac,
	    uint32_t ip, uint32_t netmask, uint32_t gateway, struct rte_mempool *pool)
{
	struct dp_net *n = &lc->net;

	/* The struct is zeroed or was initialised before: drop what it still holds. */
	dp_arp_flush(lc);
	if (n->tx_n != 0)
		rte_pktmbuf_free_bulk(n->tx, n->tx_n);
	n->tx_n = 0;
	memset(n->tx, 0, sizeof(n->tx));

	n->port_id = port_id;
	n->txq = txq;
	rte_ether_addr_copy(mac, &n->mac);
	n->ip = ip;
	n->netmask = netmask;
	n->gateway = gateway;
	n->pool = pool;
	if (n->mtu == 0)
		n->mtu = RTE_ETHER_MTU;
	n->ip_id = 0;
	/* tcp_input, tx_fault, tx_csum_ip, tx_csum_tcp, rx_csum and a set mtu are kept. */
}

void
dp_net_tx_stage(struct dp_lcore *lc, struct rte_mbuf *m)
{
	struct dp_net *n = &lc->net;

	if (unlikely(n->tx_n == DP_TX_BURST))
		dp_net_tx_flush(lc);
	n->tx[n->tx_n++] = m;
}

/* Send pkts[0 .. k) on the lcore's TX queue; free and count what the NIC refuses. */
static inline void
net_tx_burst(struct dp_lcore *lc, struct rte_mbuf **pkts, uint16_t k)
{
	const struct dp_net *n = &lc->net;
	uint16_t sent = rte_eth_tx_burst(n->port_id, n->txq, pkts, k);

	DP_NET_CTR_FLUSH(lc, net_tx_pkts, sent);
	if (unlikely(sent < k)) {
		rte_pktmbuf_free_bulk(&pkts[sent], k - sent);
		DP_CTR_ADD(lc, net_tx_drop_nic, (uint64_t)(k - sent));
	}
}

/*
 * Flush through the configured fault injection (tests only): the staged
 * frames may be dropped, copied, delayed or reordered, and frames held from
 * earlier flushes go out once due, so this runs even with nothing staged.
 */
static void __rte_noinline __rte_cold
net_tx_flush_fault(struct dp_lcore *lc)
{
	struct dp_net *n = &lc->net;
	struct rte_mbuf *b[DP_TX_BURST + DP_NET_FAULT_SPARE];
	uint16_t k = n->tx_n;

	memcpy(b, n->tx, k * sizeof(b[0]));
	n->tx_n = 0;
	k = drv_fault_apply(n->tx_fault, b, k, (uint16_t)RTE_DIM(b), lc->now_us);
	if (k < RTE_DIM(b))
		k = (uint16_t)(k + drv_fault_drain(n->tx_fault, b + k, (uint16_t)(RTE_DIM(b) - k),
						   lc->now_us));
	if (k != 0)
		net_tx_burst(lc, b, k);
}

void
dp_net_tx_flush(struct dp_lcore *lc)
{
	struct dp_net *n = &lc->net;

	if (unlikely(n->tx_fault != NULL)) {
		net_tx_flush_fault(lc);
		return;
	}
	if (n->tx_n == 0)
		return;
	net_tx_burst(lc, n->tx, n->tx_n);
	n->tx_n = 0;
}

void
dp_eth_xmit_ip4(struct dp_lcore *lc, struct rte_mbuf *m, const struct rte_ether_addr *dst)
{
	struct rte_ether_hdr *eh;

	eh = (struct rte_ether_hdr *)rte_pktmbuf_prepend(m, RTE_ETHER_HDR_LEN);
	if (unlikely(eh == NULL)) {
		DP_CTR_INC(lc, net_drop_headroom);
		rte_pktmbuf_free(m);
		return;
	}
	rte_ether_addr_copy(dst, &eh->dst_addr);
	rte_ether_addr_copy(&lc->net.mac, &eh->src_addr);
	eh->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	m->l2_len = RTE_ETHER_HDR_LEN;
	dp_net_tx_stage(lc, m);
}

void
dp_eth_output_ip4(struct dp_lcore *lc, struct rte_mbuf *m, uint32_t dst_ip)
{
	struct dp_net *n = &lc->net;
	struct dp_arp_entry *e;
	uint32_t nh;

	/*
	 * We originate unicast only: never to 0.0.0.0, to ourselves, or to
	 * multicast, class E and the limited broadcast (224.0.0.0 and up).
	 */
	if (unlikely(dst_ip == 0 || dst_ip >= UINT32_C(0xe0000000) || dst_ip == n->ip))
		goto no_route;
	/* RFC 1122 §3.3.1.1: on-link goes direct, anything else to the gateway. */
	if (dp_net_is_onlink(n, dst_ip))
		nh = dst_ip;
	else if (n->gateway != 0)
		nh = n->gateway;
	else
		goto no_route;

	e = dp_arp_lookup(n, nh);
	if (likely(e != NULL && e->state == DP_ARP_REACHABLE &&
		   lc->now_us + DP_ARP_REFRESH_US < e->expires_us)) {
		dp_eth_xmit_ip4(lc, m, &e->mac);
		return;
	}
	dp_arp_output_slow(lc, m, nh, e);
	return;

no_route:
	DP_CTR_INC(lc, ip_drop_no_route);
	rte_pktmbuf_free(m);
}

void
dp_net_steer(struct dp_lcore *lc, uint8_t q, struct rte_mbuf *m)
{
	struct rte_ring *r = q < DP_NET_MAX_QUEUES ? lc->net.steer_out[q] : NULL;

	if (r == NULL || rte_ring_sp_enqueue(r, m) != 0) {
		DP_CTR_INC(lc, net_steer_full);
		rte_pktmbuf_free(m);
		return;
	}
	DP_CTR_INC(lc, net_steer_tx);
}

uint32_t
dp_net_steer_poll(struct dp_lcore *lc)
{
	struct rte_mbuf *pkts[DP_NET_RX_CHUNK];
	uint32_t total = 0;

	if (lc->net.steer_n <= 1)
		return 0;
	for (uint8_t q = 0; q < lc->net.steer_n && q < DP_NET_MAX_QUEUES; q++) {
		unsigned int n;

		if (lc->net.steer_in[q] == NULL)
			continue;
		n = rte_ring_sc_dequeue_burst(lc->net.steer_in[q], (void **)pkts, DP_NET_RX_CHUNK,
					      NULL);
		if (n == 0)
			continue;
		DP_CTR_ADD(lc, net_steer_rx, n);
		lc->net.in_handoff = 1;
		dp_eth_input(lc, pkts, (uint16_t)n);
		lc->net.in_handoff = 0;
		total += n;
	}
	return total;
}

/* Copy ARP frame @p m (Ethernet header at data) to every other networking lcore. */
static void
arp_fanout(struct dp_lcore *lc, const struct rte_mbuf *m)
{
	for (uint8_t q = 0; q < lc->net.steer_n && q < DP_NET_MAX_QUEUES; q++) {
		struct rte_mbuf *c;

		if (lc->net.steer_out[q] == NULL)
			continue;
		c = rte_pktmbuf_copy(m, lc->net.pool, 0, UINT32_MAX);
		if (c == NULL) {
			DP_CTR_INC(lc, net_steer_full);
			continue;
		}
		DP_CTR_INC(lc, net_arp_fanout);
		dp_net_steer(lc, q, c);
	}
}

/* Classify up to DP_NET_RX_CHUNK frames into ARP and IPv4 sub-bursts; drop the rest. */
static void
eth_input_chunk(struct dp_lcore *lc, struct rte_mbuf **pkts, uint16_t n)
{
	struct rte_mbuf *ip[DP_NET_RX_CHUNK];
	struct rte_mbuf *arp[DP_NET_RX_CHUNK];
	const struct rte_ether_addr *us = &lc->net.mac;
	uint16_t n_ip = 0, n_arp = 0;
	uint32_t runt = 0, not_us = 0, ethertype = 0;
	uint16_t i;

	for (i = 0; i < n && i < DP_NET_PREFETCH; i++)
		rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void *));

	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		const struct rte_ether_hdr *eh;

		if (i + DP_NET_PREFETCH < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + DP_NET_PREFETCH], void *));

		/* The header must sit in the first segment. */
		if (unlikely(rte_pktmbuf_data_len(m) < RTE_ETHER_HDR_LEN)) {
			runt++;
			rte_pktmbuf_free(m);
			continue;
		}
		eh = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
		if (unlikely(!rte_is_same_ether_addr(&eh->dst_addr, us) &&
			     !rte_is_broadcast_ether_addr(&eh->dst_addr))) {
			not_us++;
			rte_pktmbuf_free(m);
			continue;
		}
		if (likely(eh->ether_type == RTE_BE16(RTE_ETHER_TYPE_IPV4))) {
			ip[n_ip++] = m;
		} else if (eh->ether_type == RTE_BE16(RTE_ETHER_TYPE_ARP)) {
			/* Every lcore keeps its own ARP cache: they all see ARP. */
			if (lc->net.steer_n > 1 && !lc->net.in_handoff)
				arp_fanout(lc, m);
			arp[n_arp++] = m;
		} else {
			ethertype++;
			rte_pktmbuf_free(m);
			continue;
		}
		rte_pktmbuf_adj(m, RTE_ETHER_HDR_LEN);
		m->l2_len = RTE_ETHER_HDR_LEN;
	}

	DP_CTR_ADD(lc, eth_rx, n);
	DP_NET_CTR_FLUSH(lc, eth_drop_runt, runt);
	DP_NET_CTR_FLUSH(lc, eth_drop_not_us, not_us);
	DP_NET_CTR_FLUSH(lc, eth_drop_ethertype, ethertype);

	/* ARP first: a reply may release packets held for the answer. */
	if (n_arp != 0)
		dp_arp_input(lc, arp, n_arp);
	if (n_ip != 0)
		dp_ip4_input(lc, ip, n_ip);
}

void
dp_eth_input(struct dp_lcore *lc, struct rte_mbuf **pkts, uint16_t n)
{
	while (n != 0) {
		uint16_t k = RTE_MIN(n, (uint16_t)DP_NET_RX_CHUNK);

		eth_input_chunk(lc, pkts, k);
		pkts += k;
		n -= k;
	}
}
