/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief L2/L3 entry points: Ethernet demux, ARP, IPv4, ICMP echo, TX staging.
 *
 * Receive: dp_eth_input() takes a burst from the NIC and consumes every mbuf:
 * ARP and ICMP are answered here, TCP segments go to dp_tcp_input() as one
 * sub-burst, everything else is dropped and counted (/dp/eth/..., /dp/arp/...,
 * /dp/ip/..., /dp/icmp/... counters, declared in net_ctr.def).
 *
 * Transmit: dp_ip4_output() prepends an IPv4 header to an L4 packet and hands
 * it to the Ethernet layer, which resolves the next hop through the ARP cache
 * (holding a few packets while a request is out) and stages the frame;
 * dp_net_tx_flush() sends the staged frames and frees whatever the NIC
 * refused (counted). TX staging never fails.
 *
 * mbuf conventions: on input, TCP segments reach dp_tcp_input() with the data
 * pointer at the IPv4 header, m->l2_len = 14, m->l3_len = IPv4 header length,
 * and the IPv4 header already validated (version, IHL, total length within
 * the frame — the frame is trimmed to the IP total length — header checksum,
 * not a fragment, destination is us). On output, the L4 header is at the data
 * pointer and there is headroom for IPv4 and Ethernet headers.
 */
#ifndef DATAPLANE_NET_NET_H
#define DATAPLANE_NET_NET_H

#include <stdint.h>

#include <rte_mbuf.h>

#include "dataplane/lcore_types.h"

struct ipc_msg_port_info;
struct ipc_msg_port_queue;

/** Headroom the layers below TCP need: Ethernet (14) + IPv4 without options (20). */
#define DP_NET_HDRS_LEN 34

/**
 * Configure the lcore's interface: @p port_id / @p txq, our @p mac and IPv4
 * @p ip / @p netmask / @p gateway (host order), and the mbuf @p pool.
 * Clears the ARP cache and TX staging.
 */
void dp_net_init(struct dp_lcore *lc, uint16_t port_id, uint16_t txq,
		 const struct rte_ether_addr *mac, uint32_t ip, uint32_t netmask, uint32_t gateway,
		 struct rte_mempool *pool);

/** Consume a burst of received frames (Ethernet at the data pointer). */
void dp_eth_input(struct dp_lcore *lc, struct rte_mbuf **pkts, uint16_t n);

/**
 * Hand a received frame (Ethernet header at data) to networking lcore @p q
 * (software steering, struct dp_net). Consumes @p m (freed and counted when
 * the ring is full).
 */
void dp_net_steer(struct dp_lcore *lc, uint8_t q, struct rte_mbuf *m);

/** Take the frames other lcores handed over (bounded) through dp_eth_input(). @return frames. */
uint32_t dp_net_steer_poll(struct dp_lcore *lc);

/**
 * Send an L4 packet @p m (L4 header at the data pointer, @p proto an IPPROTO_*)
 * to @p dst_ip (host order), from our address. Consumes @p m in every case
 * (an unroutable or oversized packet is freed and counted). Prepends the IPv4
 * header (TTL 64, DF set, next IP id), sets m->l2_len/l3_len/l4_len.
 * Checksums: the IPv4 header's always; for IPPROTO_TCP also the TCP checksum
 * (the caller leaves it 0): by the port when it offloads (pseudo-header
 * filled in, RTE_MBUF_F_TX_IPV4 | _IP_CKSUM | _TCP_CKSUM), else in software
 * over every segment of the mbuf chain. Other protocols (ICMP) bring their
 * own checksum.
 */
void dp_ip4_output(struct dp_lcore *lc, struct rte_mbuf *m, uint32_t dst_ip, uint8_t proto);

/** Send a gratuitous ARP announcing our address (at start-up). */
void dp_arp_announce(struct dp_lcore *lc);

/** Age the ARP cache: retry or fail INCOMPLETE entries, at most a bounded number per call. */
void dp_arp_timers(struct dp_lcore *lc);

/** Stage a complete frame for transmission (flushes first if staging is full). */
void dp_net_tx_stage(struct dp_lcore *lc, struct rte_mbuf *m);

/** Send every staged frame; free and count what the NIC refused. */
void dp_net_tx_flush(struct dp_lcore *lc);

/**
 * Describe the lcore's port for PORT_GET (ipc_msg.h): fill @p out's (zeroed) name,
 * MAC, MTU, queues, link (rte_eth_link_get_nowait()) and NIC counters, and
 * the bodies (queue index and counters, not the headers) of up to
 * @p max_queues per-queue records in @p queues, all from one
 * drv_port_stats() read; leave @p out's header, status and n_queue_stats
 * alone. The reads may cost the PMD a system call (TAP's link is an
 * ioctl): an operator command only, never on the packet path.
 *
 * @param[out] n_queues
 *   Records filled in @p queues (0 on error).
 * @return
 *   0; -ENODEV if the lcore polls no port; or the -errno of the stats read.
 */
int dp_net_port_info(struct dp_lcore *lc, struct ipc_msg_port_info *out,
		     struct ipc_msg_port_queue *queues, uint32_t max_queues, uint32_t *n_queues);

/**
 * Read the values of the port's extended stats @p first .. @p first + @p n - 1
 * (at most DRV_PORT_XSTATS_READ_MAX, cut at the last one served) for
 * PORT_XSTATS, and point @p names[i] at each one's name (the port's,
 * immutable). Allocates nothing; may cost the PMD a system call.
 *
 * @param[out] served
 *   xstats the port serves (ids 0..served-1).
 * @param[out] total
 *   xstats the device has (more than @p served when cut).
 * @return
 *   Stats read (0 when @p first is at or past the last one served);
 *   -ENODEV if the lcore polls no port; or the -errno of the read.
 */
int dp_net_port_xstats(struct dp_lcore *lc, uint32_t first, uint32_t n, uint64_t *values,
		       const char **names, uint32_t *served, uint32_t *total);

#endif /* DATAPLANE_NET_NET_H */
