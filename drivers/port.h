/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief NIC ports: open an ethdev by name, configure queue pairs, symmetric RSS and offloads.
 *
 * One call, drv_port_open(), turns an ethdev that EAL created (from --vdev or
 * a PCI address) into a started port with @c n_queues RX/TX queue pairs.
 * With more than one queue and a device that can hash IPv4/TCP, RSS is
 * enabled with Chive's symmetric key (drivers/rss.h), the redirection table
 * is programmed round-robin and read back into a plain struct drv_rss_reta,
 * so tcp_conn.c can choose source ports whose replies come back to the
 * opening lcore. Checksum offloads are enabled when the device has them and
 * recorded as bools, so the stack knows what it must compute in software.
 *
 * The dataplane sees only this header (plus rte_eth_rx_burst() and
 * rte_eth_tx_burst() on @c port_id and a queue number). Everything here runs
 * before lcores launch; nothing allocates after drv_port_open().
 *
 * Who may include it: drivers/, dataplane/ (CONVENTIONS.md §15) and tests/.
 */
#ifndef DRIVERS_PORT_H
#define DRIVERS_PORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drivers/rss.h"

struct rte_mempool;

/** Longest ethdev name kept, terminating NUL included (RTE_ETH_NAME_MAX_LEN). */
#define DRV_PORT_NAME_MAX 64

/** Largest device RETA drv_port_open() can program and read (ice has 2048). */
#define DRV_PORT_DEV_RETA_MAX 4096

/** Most extended stats (xstats) a port serves: the device's first ones by id. */
#define DRV_PORT_XSTATS_MAX 256u
/** Bytes of an xstat name, NUL included (DPDK's RTE_ETH_XSTATS_NAME_SIZE). */
#define DRV_PORT_XSTAT_NAME_MAX 64u
/** Most xstats one drv_port_xstats() call reads. */
#define DRV_PORT_XSTATS_READ_MAX 64u
/** Most queues drv_port_stats() reports per-queue figures for (RTE_ETHDEV_QUEUE_STAT_CNTRS). */
#define DRV_PORT_QSTATS_MAX 16u

/** What drv_port_open() should set up. Zero means "the driver's default" where noted. */
struct drv_port_conf {
	uint16_t n_queues;	/**< RX/TX queue pairs, ≥ 1; queue q is polled by one lcore. */
	uint16_t rx_desc;	/**< RX descriptors per queue; 0: the PMD's default. */
	uint16_t tx_desc;	/**< TX descriptors per queue; 0: the PMD's default. */
	uint16_t mtu;		/**< L3 MTU in bytes; 0: 1500 (RTE_ETHER_MTU). */
	bool want_rss;		/**< Spread IPv4/TCP over the queues with the symmetric key. */
	bool no_offload;	/**< Leave checksum offloads off even if the device has them. */
	bool promisc;		/**< Enable promiscuous mode. */
};

/**
 * A started (or stopped) port. Filled by drv_port_open(); read-only for
 * everyone else, so lcores may read it concurrently.
 *
 * Checksum offloads, when true (DPDK mbuf API, rte_mbuf_core.h):
 * - TX: set m->l2_len, m->l3_len and RTE_MBUF_F_TX_IPV4; with @c tx_ip4_csum
 *   add RTE_MBUF_F_TX_IP_CKSUM and leave the IPv4 checksum 0; with
 *   @c tx_tcp_csum add RTE_MBUF_F_TX_TCP_CKSUM and put the pseudo-header
 *   checksum (rte_ipv4_phdr_cksum()) in the TCP checksum field.
 * - RX: RTE_MBUF_F_RX_IP_CKSUM_GOOD/BAD and RTE_MBUF_F_RX_L4_CKSUM_GOOD/BAD
 *   are verdicts; _UNKNOWN (and _NONE for L4) still needs software.
 * When false, the stack computes and verifies in software.
 *
 * Invariant: @c reta is always valid (size ≥ 1), but describes the device
 * only when @c rss_predictable is true: then the RX queue of an IPv4/TCP
 * packet is drv_rss_queue(&reta, drv_rss_hash_ipv4_tcp(drv_rss_sym_key,
 * ...)), and with a single queue (or no RSS on a NIC that honours
 * RTE_ETH_MQ_RX_NONE) it is one entry naming queue 0. It is false when a
 * PMD accepts RSS but cannot show its key or RETA, or spreads packets by
 * other means: net_tap (the kernel's tun picks the queue with its own flow
 * hash; no key, no RETA), net_af_packet (PACKET_FANOUT). Then
 * @c reta is the round-robin guess, and packets of a flow may reach any
 * queue: the dataplane must hand them to the owning lcore.
 */
struct drv_port {
	uint16_t port_id;	/**< DPDK ethdev port id. */
	uint16_t n_queues;	/**< RX/TX queue pairs configured. */
	uint16_t mtu;		/**< MTU in effect, bytes of L3. */
	uint16_t dev_reta_size;	/**< The device's RETA size (0: not reported). */
	int socket_id;		/**< NUMA node of the device; SOCKET_ID_ANY (-1) if unknown. */
	bool started;		/**< Between drv_port_start() (or open) and drv_port_stop(). */
	bool rss;		/**< RSS on IPv4/TCP was configured with drv_rss_sym_key. */
	bool rss_key_verified;	/**< The device showed the symmetric key back. */
	bool reta_known;	/**< @c reta was read back from (or accepted by) the device. */
	bool rss_predictable;	/**< @c reta tells a flow's queue (see invariant). */
	bool rx_rss_hash;	/**< m->hash.rss is filled (RTE_MBUF_F_RX_RSS_HASH). */
	bool tx_ip4_csum;	/**< TX IPv4 header checksum offload enabled. */
	bool tx_tcp_csum;	/**< TX TCP checksum offload enabled. */
	bool rx_ip4_csum;	/**< RX IPv4 header checksum verdicts enabled. */
	bool rx_tcp_csum;	/**< RX TCP checksum verdicts enabled. */
	bool link_up;		/**< Link status at the last drv_port_link_update(). */
	uint32_t link_speed_mbps; /**< Link speed in Mbit/s at the last update; 0 if unknown. */
	uint8_t mac[6];		/**< The port's MAC address, network order. */
	uint64_t rss_hf;	/**< RTE_ETH_RSS_* flow types hashed (0 without RSS). */
	struct drv_rss_reta reta; /**< RSS hash low bits → RX queue. */
	char name[DRV_PORT_NAME_MAX];	/**< The ethdev name as opened. */
	char driver[DRV_PORT_NAME_MAX];	/**< The PMD's name, e.g. "net_tap". */
	uint32_t xstats_total;		/**< Extended stats the device has (read at open). */
	uint32_t n_xstats; /**< Served: min(xstats_total, DRV_PORT_XSTATS_MAX), 0 if unread. */
	/** Names of xstats 0..n_xstats-1, NUL-terminated, read once at open; NULL if none. */
	char (*xstat_names)[DRV_PORT_XSTAT_NAME_MAX];
};

/** Port counters, from rte_eth_stats_get(). */
struct drv_port_stats {
	uint64_t ipackets;	/**< Packets received. */
	uint64_t opackets;	/**< Packets transmitted. */
	uint64_t ibytes;	/**< Bytes received. */
	uint64_t obytes;	/**< Bytes transmitted. */
	uint64_t imissed;	/**< Packets dropped by the NIC: RX queues full. */
	uint64_t ierrors;	/**< Erroneous packets received. */
	uint64_t oerrors;	/**< Failed transmissions. */
	uint64_t rx_nombuf;	/**< RX mbuf allocation failures. */
	uint16_t n_qstats;	/**< Queues counted below: min(n_queues, DRV_PORT_QSTATS_MAX). */
	uint64_t q_ipackets[DRV_PORT_QSTATS_MAX]; /**< Per queue pair: packets received. */
	uint64_t q_ibytes[DRV_PORT_QSTATS_MAX];	  /**< Bytes received. */
	uint64_t q_opackets[DRV_PORT_QSTATS_MAX]; /**< Packets transmitted. */
	uint64_t q_obytes[DRV_PORT_QSTATS_MAX];	  /**< Bytes transmitted. */
	uint64_t q_errors[DRV_PORT_QSTATS_MAX];	  /**< The PMD's per-queue drops or errors. */
};

/**
 * Open ethdev @p name, configure it as @p conf asks and start it.
 *
 * Looks the device up with rte_eth_dev_get_port_by_name(); configures
 * @c n_queues RX/TX queue pairs, every RX queue filling from @p pool; when
 * @c want_rss is set, @c n_queues > 1 and the device hashes IPv4/TCP,
 * enables RTE_ETH_MQ_RX_RSS with drv_rss_sym_key (repeated to the device's
 * key length), checks that the key took, programs the RETA round-robin and
 * reads it back. Enables the IPv4/TCP checksum offloads the device has
 * (unless @c no_offload), sets the MTU, starts the port and reads its MAC
 * address, link status (without waiting for the link) and the names of its
 * extended stats (the first DRV_PORT_XSTATS_MAX; a device with more is
 * logged, and one whose names cannot be read serves none).
 *
 * Call before lcores launch: it allocates the port (on the device's NUMA
 * node) and may log.
 *
 * @param name
 *   The ethdev name, e.g. "net_tap0", "net_af_packet0" or "0000:01:00.0".
 * @param conf
 *   What to set up.
 * @param pool
 *   mbuf pool for the RX queues; its data room must hold an MTU-sized frame
 *   (Chive does not use scattered RX).
 * @param[out] out
 *   The open port, on success; release it with drv_port_close().
 * @param err
 *   Buffer for a one-line message on failure; may be NULL if @p errlen is 0.
 * @param errlen
 *   Size of @p err.
 * @return
 *   0 on success; -EINVAL for bad arguments, zero queues, more queues than
 *   the device has, an MTU outside its range or too large for @p pool's
 *   mbufs; -ENODEV if no ethdev has that name (the message says how to
 *   create it); -ENOMEM; -EIO if the device refused the symmetric RSS key;
 *   or the -errno of the ethdev call that failed.
 */
int drv_port_open(const char *name, const struct drv_port_conf *conf, struct rte_mempool *pool,
		  struct drv_port **out, char *err, size_t errlen);

/**
 * Start a port that drv_port_stop() stopped. Starting a started port does nothing.
 *
 * @return
 *   0, or the -errno of rte_eth_dev_start().
 */
int drv_port_start(struct drv_port *p);

/**
 * Stop the port: the PMD stops receiving and transmitting. Stopping a
 * stopped port does nothing. Call only when no lcore is polling it.
 *
 * @return
 *   0, or the -errno of rte_eth_dev_stop().
 */
int drv_port_stop(struct drv_port *p);

/**
 * Stop (if needed) and close the port, release the ethdev and free @p p.
 * Accepts NULL. Call only when no lcore is polling it.
 */
void drv_port_close(struct drv_port *p);

/**
 * Refresh @c link_up and @c link_speed_mbps without waiting
 * (rte_eth_link_get_nowait()).
 *
 * @return
 *   0, or the -errno of the ethdev call.
 */
int drv_port_link_update(struct drv_port *p);

/**
 * Read the port's counters (rte_eth_stats_get()).
 *
 * @param[out] out
 *   Counters since the device was created or its stats last reset.
 * @return
 *   0, -EINVAL if an argument is NULL, or the -errno of rte_eth_stats_get().
 */
int drv_port_stats(const struct drv_port *p, struct drv_port_stats *out);

/**
 * Read the values of extended stats @p first .. @p first + @p n - 1 (ids
 * as in @c xstat_names) into @p values, with rte_eth_xstats_get_by_id().
 * Allocates nothing; may cost the PMD a system call (an operator's or the
 * MetricsPort's command, never the packet path).
 *
 * @return
 *   0; -EINVAL if an argument is NULL, @p n is 0 or above
 *   DRV_PORT_XSTATS_READ_MAX, or the range is not within @c n_xstats; -EIO
 *   if the device no longer has those ids; or the -errno of the read.
 */
int drv_port_xstats(const struct drv_port *p, uint32_t first, uint32_t n, uint64_t *values);

#endif /* DRIVERS_PORT_H */
