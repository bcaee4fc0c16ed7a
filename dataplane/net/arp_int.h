/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Internals of the L2/L3 files: the ARP cache and the calls between
 * eth.c, arp.c, ip4.c and icmp.c.
 *
 * The ARP cache (struct dp_net.arp, net_types.h) is an open-addressing table
 * keyed on the next-hop IPv4 address. A key hashes to a home slot and may
 * live in any of the DP_ARP_PROBE slots that follow it (linear probing).
 * Lookups always examine the whole window rather than stopping at the first
 * free slot, so freeing an entry is just clearing it: no tombstones. An
 * insertion that finds the window full evicts the oldest REACHABLE entry of
 * the window (INCOMPLETE entries hold packets and are never evicted); when
 * every slot of the window is INCOMPLETE the insertion fails, counted.
 *
 * Entry states (DP_ARP_*):
 *   - FREE: ip == 0, nothing held.
 *   - INCOMPLETE: a request is out; up to DP_ARP_HOLD packets wait (L3 at
 *     the data pointer); expires_us is when to retry; tries counts requests.
 *   - REACHABLE: mac is valid until expires_us. In the last
 *     DP_ARP_REFRESH_US before that, each use may send a refresh request
 *     (tries counts them, at most DP_ARP_TRIES), while traffic keeps flowing
 *     to the known MAC; a reply extends the entry. Used after expires_us,
 *     the entry is re-resolved (INCOMPLETE again).
 *
 * The fast path of IPv4 output (a REACHABLE entry, outside its refresh
 * window) is dp_arp_lookup() inline in eth.c; everything else goes to the
 * cold dp_arp_output_slow().
 *
 * Only eth.c, arp.c, ip4.c, icmp.c and tests include this header.
 */
#ifndef DATAPLANE_NET_ARP_INT_H
#define DATAPLANE_NET_ARP_INT_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>
#include <rte_mbuf.h>

#include "dataplane/base/dp_ctr.h"
#include "dataplane/lcore_types.h"
#include "dataplane/net/net_types.h"

/**
 * Frames classified per pass of dp_eth_input(): a larger burst is handled in
 * chunks of this size, and TCP's input is called once per chunk.
 */
#define DP_NET_RX_CHUNK 256

/** Prefetch distance of the receive loops (l3fwd's PREFETCH_OFFSET). */
#define DP_NET_PREFETCH 3

/** Slots an ARP key may occupy after its home slot (linear probing bound). */
#define DP_ARP_PROBE 8

/** Cache slots dp_arp_timers() examines per call (a full pass takes SIZE / SCAN calls). */
#define DP_ARP_TIMER_SCAN 32

/** Before expiry, a used REACHABLE entry is refreshed during this long, µs. */
#define DP_ARP_REFRESH_US ((uint64_t)DP_ARP_TRIES * DP_ARP_RETRY_US)

/** Ethernet frame length of every ARP frame we build: padded to the 60-byte minimum. */
#define DP_ARP_FRAME_LEN (RTE_ETHER_MIN_LEN - RTE_ETHER_CRC_LEN)

_Static_assert((DP_ARP_CACHE_SIZE & (DP_ARP_CACHE_SIZE - 1)) == 0, "ARP cache size: power of two");
_Static_assert(DP_ARP_PROBE <= DP_ARP_CACHE_SIZE, "ARP probe window larger than the cache");
_Static_assert(DP_ARP_CACHE_SIZE % DP_ARP_TIMER_SCAN == 0, "ARP timer scan must divide the cache");
_Static_assert(DP_ARP_CACHE_SIZE <= UINT16_MAX, "arp_cursor is 16 bits");
_Static_assert(DP_ARP_HOLD <= UINT8_MAX && DP_ARP_TRIES <= UINT8_MAX, "8-bit entry fields");

/** Add @p v to counter @p id unless it is 0 (burst-local counters, flushed once). */
#define DP_NET_CTR_FLUSH(lc, id, v)                                                                \
	do {                                                                                       \
		if ((v) != 0)                                                                      \
			DP_CTR_ADD((lc), id, (v));                                                 \
	} while (0)

/** Home slot of @p ip (host order): Fibonacci hash, mapped onto the table by a multiply. */
static inline uint32_t
dp_arp_home(uint32_t ip)
{
	return (uint32_t)(((uint64_t)(ip * UINT32_C(0x9e3779b1)) * DP_ARP_CACHE_SIZE) >> 32);
}

/** The live (INCOMPLETE or REACHABLE) entry for @p ip, or NULL. At most DP_ARP_PROBE slots. */
static inline struct dp_arp_entry *
dp_arp_lookup(struct dp_net *n, uint32_t ip)
{
	uint32_t h = dp_arp_home(ip);

	for (uint32_t i = 0; i < DP_ARP_PROBE; i++) {
		struct dp_arp_entry *e = &n->arp[(h + i) & (DP_ARP_CACHE_SIZE - 1)];

		if (e->ip == ip && e->state != DP_ARP_FREE)
			return e;
	}
	return NULL;
}

/** True when @p ip (host order) is on our link per the netmask. */
static inline bool
dp_net_is_onlink(const struct dp_net *n, uint32_t ip)
{
	return ((ip ^ n->ip) & n->netmask) == 0;
}

/* ---- eth.c ---- */

/**
 * Prepend an Ethernet header (to @p dst, from our MAC, IPv4) to @p m (IPv4
 * at the data pointer) and stage it. Consumes @p m (no headroom: freed, counted).
 */
void dp_eth_xmit_ip4(struct dp_lcore *lc, struct rte_mbuf *m, const struct rte_ether_addr *dst);

/**
 * Route @p m (IPv4 header at the data pointer, complete) towards @p dst_ip:
 * pick the next hop (on-link: @p dst_ip, else the gateway), resolve it and
 * stage the frame, or hold it while ARP resolves. Consumes @p m.
 */
void dp_eth_output_ip4(struct dp_lcore *lc, struct rte_mbuf *m, uint32_t dst_ip);

/* ---- arp.c ---- */

/** Handle a burst of ARP packets (ARP header at the data pointer). Consumes every mbuf. */
void dp_arp_input(struct dp_lcore *lc, struct rte_mbuf **pkts, uint16_t n);

/**
 * Every output case but the fast one: entry @p e (from dp_arp_lookup(), may
 * be NULL) for next hop @p nh is missing, INCOMPLETE, expired or due for a
 * refresh. Sends, holds or drops @p m (IPv4 at the data pointer); consumes it.
 */
void dp_arp_output_slow(struct dp_lcore *lc, struct rte_mbuf *m, uint32_t nh,
			struct dp_arp_entry *e);

/**
 * Record that @p ip is at @p mac (RFC 826 "merge"): update an existing entry
 * (releasing its held packets if it was INCOMPLETE), or create one when
 * @p create. @return true if the cache now maps @p ip to @p mac.
 */
bool dp_arp_update(struct dp_lcore *lc, uint32_t ip, const struct rte_ether_addr *mac, bool create);

/** Free every held packet and clear the whole cache (set-up and tests). */
void dp_arp_flush(struct dp_lcore *lc);

/* ---- ip4.c ---- */

/**
 * Validate and demultiplex a burst of at most DP_NET_RX_CHUNK IPv4 packets
 * (IPv4 at the data pointer, l2_len set). Consumes every mbuf; reuses @p pkts.
 */
void dp_ip4_input(struct dp_lcore *lc, struct rte_mbuf **pkts, uint16_t n);

/**
 * One's complement sum (folded, not complemented) of @p len bytes of @p m
 * from offset @p off, across segments (off + len <= pkt_len). Unlike 22.11's
 * rte_raw_cksum_mbuf(), it stays right when a segment starts at an odd offset.
 */
uint16_t dp_ip4_cksum_mbuf(const struct rte_mbuf *m, uint32_t off, uint32_t len);

/**
 * TCP checksum of @p m (IPv4 header of @p l3_len bytes at the data pointer,
 * TCP after it) over every segment: RFC 793 §3.1, the one's complement of the
 * one's complement sum of the pseudo-header and the whole segment. With the
 * checksum field 0 it is the value to send; over a received segment it is 0
 * when the checksum is right.
 */
uint16_t dp_ip4_tcp_cksum(const struct rte_mbuf *m, uint32_t l3_len);

/* ---- icmp.c ---- */

/** Answer echo requests in a burst of ICMP packets (IPv4 at data, l3_len set); drop the rest. */
void dp_icmp_input(struct dp_lcore *lc, struct rte_mbuf **pkts, uint16_t n);

#endif /* DATAPLANE_NET_ARP_INT_H */
