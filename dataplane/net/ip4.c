/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief IPv4 (RFC 791, RFC 1122 §3.2): input validation and demux, output.
 *
 * Input: a host, not a router. Every packet of the burst is checked in one
 * tight loop: version 4, IHL >= 5 with the header inside the first segment,
 * total length between the header length and the frame (Ethernet padding
 * past the total length is trimmed off), header checksum (skipped when the
 * port has validated it and says so), no fragment (we do not reassemble:
 * TCP never needs to, our peers do PMTU discovery), the destination is our
 * address (broadcast and multicast are counted apart), and the source is
 * not a martian (RFC 1122 §3.2.1.3). Options are accepted and skipped:
 * m->l3_len is the real header length. A TTL of 0 is fine, we are the
 * destination (RFC 1122 §3.2.1.7 concerns forwarding). The survivors are
 * split into a TCP sub-burst, compacted in place and handed to
 * lc->net.tcp_input in one call, and an ICMP sub-burst for icmp.c; any
 * other protocol is counted and dropped (no ICMP protocol-unreachable: a
 * relay gains nothing from it and it would need its own rate limit).
 *
 * Output: dp_ip4_output() prepends a 20-byte header (TTL 64, DF, the next
 * identification; RFC 6864 lets an atomic datagram's ID be anything), fills
 * the header checksum or asks the port to, computes the TCP checksum in
 * software over every segment of a chain unless the port offloads it (then
 * the pseudo-header sum is left in the TCP checksum field, as DPDK
 * requires), and hands the packet to the Ethernet layer for the next hop.
 */
#include <netinet/in.h>
#include <stdint.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>

#include "dataplane/base/dp_ctr.h"
#include "dataplane/lcore_types.h"
#include "dataplane/net/arp_int.h"
#include "dataplane/net/net.h"

/** RFC 1700 / RFC 1122 §3.2.1.7: the default TTL we originate with. */
#define IP4_TTL 64

/** Per-burst drop counters, flushed once per dp_ip4_input() call. */
struct ip4_rx_ctrs {
	uint32_t bad_ver;
	uint32_t bad_hdr;
	uint32_t bad_len;
	uint32_t bad_csum;
	uint32_t frag;
	uint32_t not_us;
	uint32_t bcast;
	uint32_t bad_src;
	uint32_t proto;
};

/*
 * Cut @p m down to @p len bytes (len <= pkt_len, > 0). The common case, the
 * padding all in the last segment, is rte_pktmbuf_trim(); otherwise walk the
 * chain, shorten the segment where @p len ends and free the ones after it.
 */
static void
ip4_trim(struct rte_mbuf *m, uint32_t len)
{
	struct rte_mbuf *seg = m, *rest;
	uint32_t off = 0;
	uint16_t nb = 1;

	if (likely(m->pkt_len - len <= UINT16_MAX &&
		   rte_pktmbuf_trim(m, (uint16_t)(m->pkt_len - len)) == 0))
		return;
	while (off + seg->data_len < len) {
		off += seg->data_len;
		seg = seg->next;
		nb++;
	}
	seg->data_len = (uint16_t)(len - off);
	rest = seg->next;
	seg->next = NULL;
	m->nb_segs = nb;
	m->pkt_len = len;
	rte_pktmbuf_free(rest);
}

/* True when @p a (host order) is a broadcast or multicast address as seen from our subnet. */
static inline bool
ip4_is_bcast_mcast(const struct dp_net *n, uint32_t a)
{
	if (a >= UINT32_C(0xe0000000)) /* multicast, class E, 255.255.255.255 */
		return true;
	return n->netmask != UINT32_MAX && dp_net_is_onlink(n, a) &&
	       (a & ~n->netmask) == ~n->netmask;
}

/* RFC 1122 §3.2.1.3: sources a host MUST silently discard (plus our own address). */
static inline bool
ip4_is_martian_src(const struct dp_net *n, uint32_t a)
{
	return (a >> 24) == 0 || (a >> 24) == 127 || ip4_is_bcast_mcast(n, a) || a == n->ip;
}

/*
 * Validate one packet (IPv4 at the data pointer) and trim it to its total
 * length. Returns its protocol, or -1 when it is to be dropped (counted in
 * @p c, not freed).
 */
static inline int
ip4_rx_check(const struct dp_net *n, struct rte_mbuf *m, struct ip4_rx_ctrs *c)
{
	const struct rte_ipv4_hdr *ip;
	uint32_t hlen, tot, dst, src;

	if (unlikely(rte_pktmbuf_data_len(m) < sizeof(*ip))) {
		c->bad_hdr++;
		return -1;
	}
	ip = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
	if (unlikely((ip->version_ihl >> 4) != IPVERSION)) {
		c->bad_ver++;
		return -1;
	}
	hlen = (uint32_t)(ip->version_ihl & RTE_IPV4_HDR_IHL_MASK) * RTE_IPV4_IHL_MULTIPLIER;
	if (unlikely(hlen < sizeof(*ip) || hlen > rte_pktmbuf_data_len(m))) {
		c->bad_hdr++;
		return -1;
	}
	tot = rte_be_to_cpu_16(ip->total_length);
	if (unlikely(tot < hlen || tot > rte_pktmbuf_pkt_len(m))) {
		c->bad_len++;
		return -1;
	}
	/* RFC 1122 §3.2.1.2: verify the header checksum, unless the port did. */
	if (n->rx_csum != 0 &&
	    (m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK) != RTE_MBUF_F_RX_IP_CKSUM_UNKNOWN) {
		if (unlikely((m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK) ==
			     RTE_MBUF_F_RX_IP_CKSUM_BAD)) {
			c->bad_csum++;
			return -1;
		}
	} else if (unlikely(rte_raw_cksum(ip, hlen) != 0xffff)) {
		c->bad_csum++;
		return -1;
	}
	if (unlikely((ip->fragment_offset &
		      RTE_BE16(RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK)) != 0)) {
		c->frag++;
		return -1;
	}
	dst = rte_be_to_cpu_32(ip->dst_addr);
	if (unlikely(dst != n->ip)) {
		if (ip4_is_bcast_mcast(n, dst))
			c->bcast++;
		else
			c->not_us++;
		return -1;
	}
	src = rte_be_to_cpu_32(ip->src_addr);
	if (unlikely(ip4_is_martian_src(n, src))) {
		c->bad_src++;
		return -1;
	}
	if (tot < rte_pktmbuf_pkt_len(m))
		ip4_trim(m, tot);
	m->l3_len = hlen;
	return ip->next_proto_id;
}

void
dp_ip4_input(struct dp_lcore *lc, struct rte_mbuf **pkts, uint16_t n)
{
	struct rte_mbuf *icmp[DP_NET_RX_CHUNK];
	const struct dp_net *net = &lc->net;
	struct ip4_rx_ctrs c;
	uint16_t n_tcp = 0, n_icmp = 0;

	memset(&c, 0, sizeof(c));
	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];

		switch (ip4_rx_check(net, m, &c)) {
		case IPPROTO_TCP:
			pkts[n_tcp++] = m; /* compacted in place: n_tcp <= i */
			break;
		case IPPROTO_ICMP:
			icmp[n_icmp++] = m;
			break;
		case -1:
			rte_pktmbuf_free(m);
			break;
		default:
			c.proto++;
			rte_pktmbuf_free(m);
			break;
		}
	}

	DP_CTR_ADD(lc, ip_rx, n);
	DP_NET_CTR_FLUSH(lc, ip_drop_bad_ver, c.bad_ver);
	DP_NET_CTR_FLUSH(lc, ip_drop_bad_hdr, c.bad_hdr);
	DP_NET_CTR_FLUSH(lc, ip_drop_bad_len, c.bad_len);
	DP_NET_CTR_FLUSH(lc, ip_drop_bad_csum, c.bad_csum);
	DP_NET_CTR_FLUSH(lc, ip_drop_frag, c.frag);
	DP_NET_CTR_FLUSH(lc, ip_drop_not_us, c.not_us);
	DP_NET_CTR_FLUSH(lc, ip_drop_bcast, c.bcast);
	DP_NET_CTR_FLUSH(lc, ip_drop_bad_src, c.bad_src);
	DP_NET_CTR_FLUSH(lc, ip_drop_proto, c.proto);

	if (n_tcp != 0) {
		if (likely(net->tcp_input != NULL)) {
			net->tcp_input(lc, pkts, n_tcp);
		} else {
			rte_pktmbuf_free_bulk(pkts, n_tcp);
			DP_CTR_ADD(lc, ip_no_l4, n_tcp);
		}
	}
	if (n_icmp != 0)
		dp_icmp_input(lc, icmp, n_icmp);
}

uint16_t
dp_ip4_cksum_mbuf(const struct rte_mbuf *m, uint32_t off, uint32_t len)
{
	const struct rte_mbuf *seg = m;
	uint32_t sum = 0, done = 0;

	if (likely(off + len <= rte_pktmbuf_data_len(m)))
		return rte_raw_cksum(rte_pktmbuf_mtod_offset(m, const void *, off), len);
	while (seg != NULL && off >= seg->data_len) {
		off -= seg->data_len;
		seg = seg->next;
	}
	/*
	 * Sum each segment's part on its own and fold it; a part that starts at
	 * an odd offset of the whole has its bytes in the other lanes, so its
	 * folded sum is byte-swapped (RFC 1071 §2(B)). 22.11's
	 * rte_raw_cksum_mbuf() swaps the unfolded 32-bit sum and gets it wrong.
	 */
	while (seg != NULL && done < len) {
		uint32_t k = RTE_MIN((uint32_t)seg->data_len - off, len - done);
		uint16_t part = rte_raw_cksum(rte_pktmbuf_mtod_offset(seg, const void *, off), k);

		sum += (done & 1) ? rte_bswap16(part) : part;
		done += k;
		off = 0;
		seg = seg->next;
	}
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

uint16_t
dp_ip4_tcp_cksum(const struct rte_mbuf *m, uint32_t l3_len)
{
	const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
	uint32_t sum = dp_ip4_cksum_mbuf(m, l3_len, rte_pktmbuf_pkt_len(m) - l3_len);

	sum += rte_ipv4_phdr_cksum(ip, 0);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

void
dp_ip4_output(struct dp_lcore *lc, struct rte_mbuf *m, uint32_t dst_ip, uint8_t proto)
{
	struct dp_net *n = &lc->net;
	struct rte_ipv4_hdr *ip;
	uint32_t len = rte_pktmbuf_pkt_len(m) + (uint32_t)sizeof(*ip);

	if (unlikely(len > n->mtu)) {
		DP_CTR_INC(lc, ip_drop_too_big);
		rte_pktmbuf_free(m);
		return;
	}
	ip = (struct rte_ipv4_hdr *)rte_pktmbuf_prepend(m, sizeof(*ip));
	if (unlikely(ip == NULL)) {
		DP_CTR_INC(lc, net_drop_headroom);
		rte_pktmbuf_free(m);
		return;
	}
	/* RFC 791 §3.1. */
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->type_of_service = 0;
	ip->total_length = rte_cpu_to_be_16((uint16_t)len);
	ip->packet_id = rte_cpu_to_be_16(n->ip_id);
	n->ip_id++;
	ip->fragment_offset = RTE_BE16(RTE_IPV4_HDR_DF_FLAG);
	ip->time_to_live = IP4_TTL;
	ip->next_proto_id = proto;
	ip->hdr_checksum = 0;
	ip->src_addr = rte_cpu_to_be_32(n->ip);
	ip->dst_addr = rte_cpu_to_be_32(dst_ip);

	m->l2_len = RTE_ETHER_HDR_LEN;
	m->l3_len = sizeof(*ip);
	m->l4_len = 0;
	/* Only our own offload requests change; RX flags of a reused mbuf mean nothing on TX. */
	m->ol_flags &= ~(RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IPV6 | RTE_MBUF_F_TX_IP_CKSUM |
			 RTE_MBUF_F_TX_L4_MASK);
	if (n->tx_csum_ip != 0)
		m->ol_flags |= RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM;

	if (proto == IPPROTO_TCP) {
		/* The TCP header is in the first segment (the caller built it there). */
		struct rte_tcp_hdr *th = (struct rte_tcp_hdr *)(ip + 1);

		m->l4_len = (uint8_t)((th->data_off & 0xf0) >> 2);
		if (n->tx_csum_tcp != 0) {
			m->ol_flags |= RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_TCP_CKSUM;
			th->cksum = rte_ipv4_phdr_cksum(ip, m->ol_flags);
		} else {
			th->cksum = 0;
			th->cksum = dp_ip4_tcp_cksum(m, sizeof(*ip));
		}
	}
	if (n->tx_csum_ip == 0)
		ip->hdr_checksum = rte_ipv4_cksum(ip);

	DP_CTR_INC(lc, ip_tx);
	dp_eth_output_ip4(lc, m, dst_ip);
}
