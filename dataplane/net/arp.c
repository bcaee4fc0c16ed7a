/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief ARP for IPv4 over Ethernet (RFC 826): answer, learn, resolve, age.
 *
 * Receiving follows RFC 826's packet reception algorithm: a well-formed
 * packet (hardware type 1, protocol 0x0800, sizes 6 and 4, opcode request or
 * reply) first updates an existing entry for its sender ("merge"), then, if
 * it is a request for our address, creates the entry when there was none and
 * is answered by a reply rebuilt in the same mbuf. Unlike RFC 826, a reply
 * never creates an entry (only updates one we asked about or already had):
 * unsolicited replies are the classic cache-poisoning vector, and Linux's
 * default (arp_accept = 0) refuses them too. A sender claiming our address
 * from another MAC is counted as a conflict (RFC 5227 §2.4) and not learned;
 * a probe (sender 0.0.0.0, RFC 5227 §2.1.1) for our address is answered, so
 * the prober sees the address is taken, but teaches nothing.
 *
 * Resolving (the cold half of IPv4 output; the hot half is inline in
 * eth.c): a miss creates an INCOMPLETE entry, broadcasts a request and holds
 * up to DP_ARP_HOLD packets, dropping the oldest past that. dp_arp_timers()
 * retries the request every DP_ARP_RETRY_US, at most DP_ARP_TRIES requests
 * in all (RFC 1122 §2.3.2.1: no more than one per second per destination),
 * then fails the entry and frees what it held. A REACHABLE entry lives
 * DP_ARP_TTL_US; while it is in use, the last DP_ARP_REFRESH_US before that
 * send unicast polls (RFC 1122 §2.3.2.1 "Unicast Poll") so that a live
 * neighbour is confirmed without ever holding its traffic; one used after
 * expiry is re-resolved from scratch.
 *
 * Nothing here is on the per-packet fast path except dp_arp_input(), which
 * only sees ARP frames. Every frame we build is padded to the 60-byte
 * Ethernet minimum.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_arp.h>
#include <rte_branch_prediction.h>
#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_ether.h>
#include <rte_mbuf.h>

#include "dataplane/base/dp_ctr.h"
#include "dataplane/lcore_types.h"
#include "dataplane/net/arp_int.h"
#include "dataplane/net/net.h"

static const struct rte_ether_addr arp_bcast = {
	.addr_bytes = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
};
static const struct rte_ether_addr arp_zero;

/*
 * Build an ARP frame from us (sender = our MAC and IP) with opcode @p op,
 * target hardware address @p tha and target IP @p tip (host order), sent to
 * Ethernet @p eth_dst, and stage it. Reuses @p m (a received frame we own)
 * when it is a plain single-segment mbuf, else allocates. Returns false if
 * no mbuf could be had (counted).
 */
static bool
arp_send(struct dp_lcore *lc, struct rte_mbuf *m, uint16_t op, const struct rte_ether_addr *eth_dst,
	 const struct rte_ether_addr *tha, uint32_t tip)
{
	struct dp_net *n = &lc->net;
	struct rte_ether_hdr *eh;
	struct rte_arp_hdr *ah;
	uint32_t be;

	if (m != NULL && (m->nb_segs != 1 || !RTE_MBUF_DIRECT(m) || rte_mbuf_refcnt_read(m) != 1)) {
		rte_pktmbuf_free(m);
		m = NULL;
	}
	if (m == NULL)
		m = rte_pktmbuf_alloc(n->pool);
	else
		rte_pktmbuf_reset(m);
	if (unlikely(m == NULL))
		goto fail;
	eh = (struct rte_ether_hdr *)rte_pktmbuf_append(m, DP_ARP_FRAME_LEN);
	if (unlikely(eh == NULL)) {
		rte_pktmbuf_free(m);
		goto fail;
	}
	memset(eh, 0, DP_ARP_FRAME_LEN);
	rte_ether_addr_copy(eth_dst, &eh->dst_addr);
	rte_ether_addr_copy(&n->mac, &eh->src_addr);
	eh->ether_type = RTE_BE16(RTE_ETHER_TYPE_ARP);

	/* RFC 826 "Packet format". */
	ah = (struct rte_arp_hdr *)(eh + 1);
	ah->arp_hardware = RTE_BE16(RTE_ARP_HRD_ETHER);
	ah->arp_protocol = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	ah->arp_hlen = RTE_ETHER_ADDR_LEN;
	ah->arp_plen = sizeof(uint32_t);
	ah->arp_opcode = rte_cpu_to_be_16(op);
	memcpy(&ah->arp_data.arp_sha, &n->mac, RTE_ETHER_ADDR_LEN);
	be = rte_cpu_to_be_32(n->ip);
	memcpy(&ah->arp_data.arp_sip, &be, sizeof(be));
	memcpy(&ah->arp_data.arp_tha, tha, RTE_ETHER_ADDR_LEN);
	be = rte_cpu_to_be_32(tip);
	memcpy(&ah->arp_data.arp_tip, &be, sizeof(be));

	m->l2_len = RTE_ETHER_HDR_LEN;
	dp_net_tx_stage(lc, m);
	return true;

fail:
	DP_CTR_INC(lc, net_alloc_fail);
	return false;
}

/* Ask who has @p ip: broadcast, or unicast to @p poll (a refresh) when not NULL. */
static bool
arp_request(struct dp_lcore *lc, uint32_t ip, const struct rte_ether_addr *poll)
{
	if (!arp_send(lc, NULL, RTE_ARP_OP_REQUEST, poll != NULL ? poll : &arp_bcast, &arp_zero,
		      ip))
		return false;
	DP_CTR_INC(lc, arp_tx_request);
	return true;
}

/*
 * A slot for @p ip, which has no entry: the first free slot of its probe
 * window, else the window's oldest REACHABLE entry (evicted), else NULL
 * (every slot INCOMPLETE; counted). The slot comes back cleared, ip set,
 * state still FREE.
 */
static struct dp_arp_entry *
arp_alloc(struct dp_lcore *lc, uint32_t ip)
{
	struct dp_net *n = &lc->net;
	struct dp_arp_entry *oldest = NULL, *slot = NULL;
	uint32_t h = dp_arp_home(ip);

	for (uint32_t i = 0; i < DP_ARP_PROBE; i++) {
		struct dp_arp_entry *e = &n->arp[(h + i) & (DP_ARP_CACHE_SIZE - 1)];

		if (e->state == DP_ARP_FREE) {
			slot = e;
			break;
		}
		if (e->state == DP_ARP_REACHABLE &&
		    (oldest == NULL || e->expires_us < oldest->expires_us))
			oldest = e;
	}
	if (slot == NULL) {
		if (oldest == NULL) {
			DP_CTR_INC(lc, arp_cache_full);
			return NULL;
		}
		DP_CTR_INC(lc, arp_cache_evict);
		slot = oldest;
	}
	memset(slot, 0, sizeof(*slot));
	slot->ip = ip;
	return slot;
}

/* Free the packets entry @p e holds; returns how many. */
static uint32_t
arp_drop_held(struct dp_arp_entry *e)
{
	uint32_t k = e->n_held;

	if (k != 0)
		rte_pktmbuf_free_bulk(e->held, k);
	e->n_held = 0;
	return k;
}

/* Queue @p m on INCOMPLETE entry @p e; when full, the oldest held packet goes (counted). */
static void
arp_hold(struct dp_lcore *lc, struct dp_arp_entry *e, struct rte_mbuf *m)
{
	if (e->n_held == DP_ARP_HOLD) {
		rte_pktmbuf_free(e->held[0]);
		memmove(&e->held[0], &e->held[1], (DP_ARP_HOLD - 1) * sizeof(e->held[0]));
		e->n_held--;
		DP_CTR_INC(lc, arp_hold_drop);
	}
	e->held[e->n_held++] = m;
}

bool
dp_arp_update(struct dp_lcore *lc, uint32_t ip, const struct rte_ether_addr *mac, bool create)
{
	struct dp_arp_entry *e = dp_arp_lookup(&lc->net, ip);
	uint32_t k;

	if (e == NULL) {
		if (!create)
			return false;
		e = arp_alloc(lc, ip);
		if (e == NULL)
			return false;
	}
	rte_ether_addr_copy(mac, &e->mac);
	e->state = DP_ARP_REACHABLE;
	e->tries = 0;
	e->expires_us = lc->now_us + DP_ARP_TTL_US;
	DP_CTR_INC(lc, arp_learned);

	/* Release what waited for the answer, in order (at most DP_ARP_HOLD). */
	k = e->n_held;
	e->n_held = 0;
	for (uint32_t i = 0; i < k; i++) {
		dp_eth_xmit_ip4(lc, e->held[i], &e->mac);
		e->held[i] = NULL;
	}
	return true;
}

void __rte_noinline __rte_cold
dp_arp_output_slow(struct dp_lcore *lc, struct rte_mbuf *m, uint32_t nh, struct dp_arp_entry *e)
{
	uint64_t now = lc->now_us;

	if (e != NULL && e->state == DP_ARP_REACHABLE) {
		if (now < e->expires_us) {
			/*
			 * Refresh window: poll the neighbour on use, one request
			 * per DP_ARP_RETRY_US and DP_ARP_TRIES in all, while
			 * its traffic keeps flowing to the MAC we know.
			 */
			if (e->tries < DP_ARP_TRIES &&
			    now + (uint64_t)(DP_ARP_TRIES - e->tries) * DP_ARP_RETRY_US >=
				    e->expires_us) {
				e->tries++;
				arp_request(lc, nh, &e->mac);
			}
			dp_eth_xmit_ip4(lc, m, &e->mac);
			return;
		}
		/* Expired and unconfirmed: resolve again (RFC 1122 §2.3.2.1 timeout). */
		DP_CTR_INC(lc, arp_expired);
		e->state = DP_ARP_INCOMPLETE;
		e->tries = 0;
		e->n_held = 0;
	} else if (e == NULL) {
		e = arp_alloc(lc, nh);
		if (e == NULL) {
			rte_pktmbuf_free(m);
			return;
		}
		e->state = DP_ARP_INCOMPLETE;
	}
	if (e->tries == 0) {
		/* A failed allocation still counts as a try: dp_arp_timers() retries. */
		e->tries = 1;
		e->expires_us = now + DP_ARP_RETRY_US;
		arp_request(lc, nh, NULL);
	}
	arp_hold(lc, e, m);
}

/* Validate an ARP packet (RFC 826 "Packet Reception": types, sizes, opcode) and its sender MAC. */
static bool
arp_is_valid(const struct rte_mbuf *m)
{
	const struct rte_arp_hdr *ah;
	struct rte_ether_addr sha;
	uint16_t op;

	if (rte_pktmbuf_data_len(m) < sizeof(*ah))
		return false;
	ah = rte_pktmbuf_mtod(m, const struct rte_arp_hdr *);
	if (ah->arp_hardware != RTE_BE16(RTE_ARP_HRD_ETHER) ||
	    ah->arp_protocol != RTE_BE16(RTE_ETHER_TYPE_IPV4) ||
	    ah->arp_hlen != RTE_ETHER_ADDR_LEN || ah->arp_plen != sizeof(uint32_t))
		return false;
	op = rte_be_to_cpu_16(ah->arp_opcode);
	if (op != RTE_ARP_OP_REQUEST && op != RTE_ARP_OP_REPLY)
		return false;
	/* A group or all-zero sender hardware address is never a neighbour. */
	memcpy(&sha, &ah->arp_data.arp_sha, sizeof(sha));
	return rte_is_valid_assigned_ether_addr(&sha);
}

/* A sender address worth caching: not 0.0.0.0 (a probe), not multicast, class E or broadcast. */
static inline bool
arp_sip_is_learnable(uint32_t sip)
{
	return sip != 0 && sip < UINT32_C(0xe0000000);
}

void
dp_arp_input(struct dp_lcore *lc, struct rte_mbuf **pkts, uint16_t n)
{
	struct dp_net *net = &lc->net;
	uint32_t malformed = 0, rx_req = 0, rx_rep = 0, conflict = 0, tx_rep = 0;

	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		const struct rte_arp_hdr *ah;
		struct rte_ether_addr sha;
		uint32_t sip, tip;
		bool is_req, for_us;

		if (unlikely(!arp_is_valid(m))) {
			malformed++;
			rte_pktmbuf_free(m);
			continue;
		}
		ah = rte_pktmbuf_mtod(m, const struct rte_arp_hdr *);
		memcpy(&sha, &ah->arp_data.arp_sha, sizeof(sha));
		memcpy(&sip, &ah->arp_data.arp_sip, sizeof(sip));
		memcpy(&tip, &ah->arp_data.arp_tip, sizeof(tip));
		sip = rte_be_to_cpu_32(sip);
		tip = rte_be_to_cpu_32(tip);
		is_req = ah->arp_opcode == RTE_BE16(RTE_ARP_OP_REQUEST);
		for_us = net->ip != 0 && tip == net->ip;
		if (is_req)
			rx_req++;
		else
			rx_rep++;

		/* RFC 5227 §2.4: someone else using our address (our own echo is not). */
		if (unlikely(sip == net->ip && sip != 0)) {
			if (!rte_is_same_ether_addr(&sha, &net->mac))
				conflict++;
			rte_pktmbuf_free(m);
			continue;
		}
		/* RFC 826: merge into an existing entry; create one on a request to us. */
		if (arp_sip_is_learnable(sip))
			dp_arp_update(lc, sip, &sha,
				      is_req && for_us && dp_net_is_onlink(net, sip));
		if (is_req && for_us) {
			/* RFC 826: swap, fill in our address, opcode reply, send to the asker. */
			if (arp_send(lc, m, RTE_ARP_OP_REPLY, &sha, &sha, sip))
				tx_rep++;
			continue;
		}
		rte_pktmbuf_free(m);
	}
	DP_NET_CTR_FLUSH(lc, arp_drop_malformed, malformed);
	DP_NET_CTR_FLUSH(lc, arp_rx_request, rx_req);
	DP_NET_CTR_FLUSH(lc, arp_rx_reply, rx_rep);
	DP_NET_CTR_FLUSH(lc, arp_rx_conflict, conflict);
	DP_NET_CTR_FLUSH(lc, arp_tx_reply, tx_rep);
}

void
dp_arp_announce(struct dp_lcore *lc)
{
	/* RFC 5227 §3: a broadcast request with sender and target IP both ours, target MAC zero. */
	if (arp_send(lc, NULL, RTE_ARP_OP_REQUEST, &arp_bcast, &arp_zero, lc->net.ip))
		DP_CTR_INC(lc, arp_tx_announce);
}

void
dp_arp_timers(struct dp_lcore *lc)
{
	struct dp_net *n = &lc->net;
	uint64_t now = lc->now_us;

	/* Bounded: DP_ARP_TIMER_SCAN slots, hence at most that many requests, per call. */
	for (uint32_t k = 0; k < DP_ARP_TIMER_SCAN; k++) {
		struct dp_arp_entry *e = &n->arp[n->arp_cursor];

		n->arp_cursor = (uint16_t)((n->arp_cursor + 1) & (DP_ARP_CACHE_SIZE - 1));
		if (e->state == DP_ARP_FREE || now < e->expires_us)
			continue;
		if (e->state == DP_ARP_REACHABLE) {
			DP_CTR_INC(lc, arp_expired);
			memset(e, 0, sizeof(*e));
		} else if (e->tries < DP_ARP_TRIES) {
			e->tries++;
			e->expires_us = now + DP_ARP_RETRY_US;
			arp_request(lc, e->ip, NULL);
		} else {
			DP_CTR_ADD(lc, arp_fail_drop, arp_drop_held(e));
			DP_CTR_INC(lc, arp_resolve_fail);
			memset(e, 0, sizeof(*e));
		}
	}
}

void
dp_arp_flush(struct dp_lcore *lc)
{
	struct dp_net *n = &lc->net;

	for (uint32_t i = 0; i < DP_ARP_CACHE_SIZE; i++)
		arp_drop_held(&n->arp[i]);
	memset(n->arp, 0, sizeof(n->arp));
	n->arp_cursor = 0;
}
