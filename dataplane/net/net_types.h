/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Per-lcore state of the L2/L3 layer (Ethernet, ARP, IPv4, ICMP) and TX staging.
 *
 * Embedded in struct dp_lcore (lcore_types.h). One interface per lcore
 * today: the lcore's RX queue(s) and its own TX queue on one port, one IPv4
 * address. Everything is preallocated; nothing here is touched by another
 * lcore.
 */
#ifndef DATAPLANE_NET_NET_TYPES_H
#define DATAPLANE_NET_NET_TYPES_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>
#include <rte_mbuf.h>

/** Packets staged for one rte_eth_tx_burst(). */
#define DP_TX_BURST 64
/** ARP cache entries per lcore (power of two). */
#define DP_ARP_CACHE_SIZE 256
/** Packets held per unresolved ARP entry while the request is out. */
#define DP_ARP_HOLD 4
/** Reachable ARP entries expire after this, µs (then re-resolved on use). */
#define DP_ARP_TTL_US (UINT64_C(300) * 1000000)
/** An unanswered request is retried after this, µs; after DP_ARP_TRIES the entry fails. */
#define DP_ARP_RETRY_US (UINT64_C(1000) * 1000)
#define DP_ARP_TRIES 3

/** ARP entry states. */
#define DP_ARP_FREE 0
#define DP_ARP_INCOMPLETE 1 /**< Request sent; packets held. */
#define DP_ARP_REACHABLE 2

struct dp_arp_entry {
	uint32_t ip;                 /**< Host order; 0 = free. */
	uint8_t state;               /**< DP_ARP_* */
	uint8_t tries;               /**< Requests sent while INCOMPLETE; refresh requests while REACHABLE. */
	uint8_t n_held;
	uint8_t pad;
	struct rte_ether_addr mac;
	uint64_t expires_us;         /**< REACHABLE: when to re-resolve; INCOMPLETE: next retry. */
	struct rte_mbuf *held[DP_ARP_HOLD]; /**< IPv4 packets waiting for the answer (L3 at data). */
};

struct dp_lcore;
struct drv_fault;
struct drv_port;
struct rte_ring;

/** Most network queues (one per networking lcore) a port is driven with. */
#define DP_NET_MAX_QUEUES 8

/** Where TCP segments go after IPv4 validation (dp_tcp_input; tests may hook their own). */
typedef void(dp_net_l4_input_fn)(struct dp_lcore *lc, struct rte_mbuf **pkts, uint16_t n);

/** The lcore's network interface and L2/L3 state. */
struct dp_net {
	/* Configuration, immutable after set-up. */
	uint16_t port_id;
	uint16_t txq;                /**< This lcore's TX queue on port_id. */
	uint16_t mtu;                /**< IP MTU, bytes (default 1500). */
	uint8_t tx_csum_ip;          /**< Port computes IPv4 header checksums. */
	uint8_t tx_csum_tcp;         /**< Port computes TCP checksums (pseudo-header filled by us). */
	uint8_t rx_csum;             /**< Port validates checksums on receive (trust RTE_MBUF_F_RX_*_CKSUM_GOOD). */
	uint8_t pad[3];
	struct rte_ether_addr mac;   /**< Our MAC. */
	uint32_t ip;                 /**< Our IPv4 address, host order. */
	uint32_t netmask;            /**< Host order. */
	uint32_t gateway;            /**< Host order; 0 = none (on-link only). */
	struct rte_mempool *pool;    /**< mbufs for everything this lcore builds. */
	const struct drv_port *port; /**< The port (drivers/port.h), for PORT_GET; NULL in tests. */
	dp_net_l4_input_fn *tcp_input; /**< NULL: TCP is dropped and counted (/dp/ip/no_l4). */

	/* TX staging: flushed by dp_net_tx_flush() once per loop iteration (and when full). */
	struct drv_fault *tx_fault;  /**< Fault injection on transmit (tests, drivers/fault.h), or NULL. */
	uint16_t tx_n;
	struct rte_mbuf *tx[DP_TX_BURST];

	/* ARP cache: open addressing on the IP, DP_ARP_CACHE_SIZE entries. */
	struct dp_arp_entry arp[DP_ARP_CACHE_SIZE];

	/* IPv4 identification counter for outgoing packets. */
	uint16_t ip_id;

	/* Next ARP cache slot dp_arp_timers() examines (it scans a bounded window per call). */
	uint16_t arp_cursor;

	/*
	 * Software steering, when the port has several queues and its RSS hash
	 * cannot be predicted (af_packet's fanout, TAP): replies to our active
	 * opens are recognised by their destination port (each lcore picks
	 * ephemeral ports p with p % steer_n == steer_idx) and handed to their
	 * lcore; ARP frames are copied to every lcore (each keeps its cache).
	 * Passive connections stay where the NIC delivers them: it hashes a flow
	 * to one queue. steer_n <= 1: no steering.
	 */
	uint8_t steer_n;
	uint8_t steer_idx;
	uint8_t in_handoff;          /**< handling frames another lcore handed over */
	struct rte_ring *steer_out[DP_NET_MAX_QUEUES]; /**< to lcore q (NULL: q is us) */
	struct rte_ring *steer_in[DP_NET_MAX_QUEUES];  /**< from lcore q */
};

#endif /* DATAPLANE_NET_NET_TYPES_H */
