/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief NIC port bring-up through rte_ethdev: queues, symmetric RSS, RETA, offloads, MTU.
 *
 * drv_port_open() follows the order rte_ethdev.h prescribes: configure,
 * set up every RX and TX queue, start. A few things are done defensively
 * because PMDs differ (DPDK 22.11):
 *
 * - The RSS key is passed in rx_adv_conf at configure time, set again with
 *   rte_eth_dev_rss_hash_update() (some PMDs, e.g. net_null, ignore the
 *   configure-time key) and read back; a device that keeps another key is
 *   refused, because tcp_conn.c's source-port choice depends on the key.
 * - The RETA is programmed round-robin (entry i → queue (i mod 512) mod n,
 *   so a device table larger than DRV_RSS_RETA_MAX repeats with period 512
 *   and the plain-C model stays exact), then read back. A PMD that can do
 *   neither gets the round-robin guess, flagged by reta_known = false.
 *   net_tap is such a PMD: it advertises RSS flow types but cannot set or
 *   show a key and has no RETA (its RSS is an rte_flow action run by a BPF
 *   program, which also needs the multiq qdisc), while the kernel's tun
 *   spreads flows over its queues with its own hash. drv_port reports this
 *   as rss_predictable = false.
 * - The MTU goes into rxmode.mtu (validated by rte_eth_dev_configure()) and
 *   is then set with rte_eth_dev_set_mtu() for PMDs that apply it only
 *   there (net_tap sets the kernel interface's MTU); -ENOTSUP from a PMD
 *   without an MTU (net_ring, net_null) is accepted.
 * - The link status is read with rte_eth_link_get_nowait(): the waiting
 *   variant can block for seconds on some PMDs.
 * - The names of the extended stats are read once, after start (a PMD's
 *   set depends on its queues), and kept: rte_eth_xstats_get_names_by_id()
 *   allocates, so drv_port_xstats() reads values only, by id, with
 *   rte_eth_xstats_get_by_id() (22.11: no allocation, a stack array).
 *
 * Everything here but drv_port_link_update(), drv_port_stats() and
 * drv_port_xstats() is start-up code: it may allocate and log.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <rte_common.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "drivers/port.h"
#include "drivers/rss.h"

RTE_LOG_REGISTER(drv_logtype_port, drv.port, INFO);

#define PORT_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_##level, drv_logtype_port, "drv.port: " fmt, ##__VA_ARGS__)

_Static_assert(DRV_PORT_XSTAT_NAME_MAX == RTE_ETH_XSTATS_NAME_SIZE, "xstat names");
_Static_assert(DRV_PORT_QSTATS_MAX <= RTE_ETHDEV_QUEUE_STAT_CNTRS, "per-queue stats");

/** The IPv4/TCP checksum offloads Chive uses (rte_ethdev.h). */
#define PORT_TX_CSUM (RTE_ETH_TX_OFFLOAD_IPV4_CKSUM | RTE_ETH_TX_OFFLOAD_TCP_CKSUM)
#define PORT_RX_CSUM (RTE_ETH_RX_OFFLOAD_IPV4_CKSUM | RTE_ETH_RX_OFFLOAD_TCP_CKSUM)

/** Largest RSS key a device reports (hash_key_size is a uint8_t). */
#define PORT_KEY_MAX 256

static void __rte_format_printf(3, 4)
port_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* A PCI address has colons ("0000:01:00.0"); vdev names do not. */
static bool
port_name_is_pci(const char *name)
{
	return strchr(name, ':') != NULL;
}

/*
 * Fill @p key with @p len bytes of the symmetric key. Its period of two
 * bytes (0x6d, 0x5a) keeps the hash symmetric at any key length.
 */
static void
port_sym_key(uint8_t *key, size_t len)
{
	for (size_t i = 0; i < len; i++)
		key[i] = drv_rss_sym_key[i % DRV_RSS_KEY_LEN];
}

/*
 * Set the key again and read it back: 0 if the device uses it
 * (rss_key_verified) or cannot say; -EIO if it shows another key.
 */
static int
port_rss_key_check(struct drv_port *p, uint8_t *key, uint8_t key_len, char *err, size_t errlen)
{
	uint8_t got[PORT_KEY_MAX];
	struct rte_eth_rss_conf rc;
	int rc_upd, rc_get;

	memset(&rc, 0, sizeof(rc));
	rc.rss_key = key;
	rc.rss_key_len = key_len;
	rc.rss_hf = p->rss_hf;
	rc_upd = rte_eth_dev_rss_hash_update(p->port_id, &rc);

	memset(&rc, 0, sizeof(rc));
	memset(got, 0, sizeof(got));
	rc.rss_key = got;
	rc.rss_key_len = key_len;
	rc_get = rte_eth_dev_rss_hash_conf_get(p->port_id, &rc);
	if (rc_get != 0) {
		PORT_LOG(INFO, "port %s: cannot read the RSS key back (%s; update: %s)\n",
			 p->name, rte_strerror(-rc_get), rte_strerror(-rc_upd));
		return 0;
	}
	if (memcmp(got, key, key_len) != 0) {
		port_err(err, errlen,
			 "port %s: the device does not use the symmetric RSS key (update: %s)",
			 p->name, rte_strerror(-rc_upd));
		return -EIO;
	}
	p->rss_key_verified = true;
	return 0;
}

/*
 * Program the RETA round-robin and read it back into p->reta. Never fails:
 * a device that cannot be queried keeps the round-robin model, flagged by
 * reta_known = false unless the update itself succeeded.
 */
static void
port_reta_setup(struct drv_port *p)
{
	struct rte_eth_rss_reta_entry64 tbl[DRV_PORT_DEV_RETA_MAX / RTE_ETH_RETA_GROUP_SIZE]; /* 8.5 KiB */
	uint16_t size = p->dev_reta_size, model, i;
	int rc_upd, rc_q;
	bool periodic = true;

	if (size == 0 || size % RTE_ETH_RETA_GROUP_SIZE != 0 || size > DRV_PORT_DEV_RETA_MAX ||
	    !rte_is_power_of_2(size)) {
		drv_rss_reta_fill_round_robin(&p->reta, DRV_RSS_RETA_MAX, p->n_queues);
		PORT_LOG(INFO, "port %s: RETA size %u is not usable; assuming round-robin\n",
			 p->name, size);
		return;
	}
	model = RTE_MIN(size, (uint16_t)DRV_RSS_RETA_MAX);
	memset(tbl, 0, sizeof(tbl));
	for (i = 0; i < size; i++) {
		tbl[i / RTE_ETH_RETA_GROUP_SIZE].mask = UINT64_MAX;
		tbl[i / RTE_ETH_RETA_GROUP_SIZE].reta[i % RTE_ETH_RETA_GROUP_SIZE] =
			(uint16_t)((i % DRV_RSS_RETA_MAX) % p->n_queues);
	}
	rc_upd = rte_eth_dev_rss_reta_update(p->port_id, tbl, size);

	for (i = 0; i < size / RTE_ETH_RETA_GROUP_SIZE; i++)
		tbl[i].mask = UINT64_MAX;
	rc_q = rte_eth_dev_rss_reta_query(p->port_id, tbl, size);
	if (rc_q != 0) {
		drv_rss_reta_fill_round_robin(&p->reta, model, p->n_queues);
		p->reta_known = rc_upd == 0;
		if (!p->reta_known)
			PORT_LOG(INFO,
				 "port %s: RETA neither set (%s) nor read (%s); assuming round-robin\n",
				 p->name, rte_strerror(-rc_upd), rte_strerror(-rc_q));
		return;
	}
	drv_rss_reta_fill_round_robin(&p->reta, model, p->n_queues);
	for (i = 0; i < size; i++) {
		uint16_t q = tbl[i / RTE_ETH_RETA_GROUP_SIZE].reta[i % RTE_ETH_RETA_GROUP_SIZE];

		if (i < model)
			p->reta.queue[i] = q;
		else if (q != p->reta.queue[i % model])
			periodic = false;
		if (q >= p->n_queues)
			periodic = false;
	}
	p->reta_known = periodic;
	if (!periodic) {
		drv_rss_reta_fill_round_robin(&p->reta, model, p->n_queues);
		PORT_LOG(INFO, "port %s: RETA read back does not fit the %u-entry model\n",
			 p->name, model);
	}
}

/* Choose RSS and offloads from what the device has; fills @p ec and p's bools. */
static void
port_eth_conf(struct drv_port *p, const struct drv_port_conf *conf,
	      const struct rte_eth_dev_info *info, struct rte_eth_conf *ec, uint8_t *key,
	      uint8_t *key_len)
{
	memset(ec, 0, sizeof(*ec));
	ec->rxmode.mtu = conf->mtu;
	if (conf->n_queues > 1 && conf->want_rss) {
		uint64_t hf = info->flow_type_rss_offloads & RTE_ETH_RSS_NONFRAG_IPV4_TCP;

		if (hf != 0) {
			*key_len = info->hash_key_size != 0 ? info->hash_key_size : DRV_RSS_KEY_LEN;
			port_sym_key(key, *key_len);
			ec->rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
			ec->rx_adv_conf.rss_conf.rss_key = key;
			ec->rx_adv_conf.rss_conf.rss_key_len = *key_len;
			ec->rx_adv_conf.rss_conf.rss_hf = hf;
			p->rss = true;
			p->rss_hf = hf;
			if ((info->rx_offload_capa & RTE_ETH_RX_OFFLOAD_RSS_HASH) != 0) {
				ec->rxmode.offloads |= RTE_ETH_RX_OFFLOAD_RSS_HASH;
				p->rx_rss_hash = true;
			}
		} else {
			PORT_LOG(WARNING,
				 "port %s: no RSS on IPv4/TCP; every packet will reach queue 0\n",
				 p->name);
		}
	}
	if (!conf->no_offload) {
		ec->txmode.offloads |= info->tx_offload_capa & PORT_TX_CSUM;
		ec->rxmode.offloads |= info->rx_offload_capa & PORT_RX_CSUM;
	}
	p->tx_ip4_csum = (ec->txmode.offloads & RTE_ETH_TX_OFFLOAD_IPV4_CKSUM) != 0;
	p->tx_tcp_csum = (ec->txmode.offloads & RTE_ETH_TX_OFFLOAD_TCP_CKSUM) != 0;
	p->rx_ip4_csum = (ec->rxmode.offloads & RTE_ETH_RX_OFFLOAD_IPV4_CKSUM) != 0;
	p->rx_tcp_csum = (ec->rxmode.offloads & RTE_ETH_RX_OFFLOAD_TCP_CKSUM) != 0;
}

/* Check the requested shape against the device and the pool before touching it. */
static int
port_validate(const char *name, const struct drv_port_conf *conf,
	      const struct rte_eth_dev_info *info, struct rte_mempool *pool, char *err,
	      size_t errlen)
{
	uint16_t mtu = conf->mtu != 0 ? conf->mtu : RTE_ETHER_MTU;
	uint32_t frame = (uint32_t)mtu + RTE_ETHER_HDR_LEN + RTE_ETHER_CRC_LEN;
	uint32_t room = rte_pktmbuf_data_room_size(pool);

	if (conf->n_queues > info->max_rx_queues || conf->n_queues > info->max_tx_queues) {
		port_err(err, errlen,
			 "port %s: %u queues requested, the device has at most %u RX and %u TX",
			 name, conf->n_queues, info->max_rx_queues, info->max_tx_queues);
		return -EINVAL;
	}
	if (conf->mtu != 0 && (conf->mtu < info->min_mtu || conf->mtu > info->max_mtu)) {
		port_err(err, errlen, "port %s: MTU %u outside the device's range %u-%u", name,
			 conf->mtu, info->min_mtu, info->max_mtu);
		return -EINVAL;
	}
	room = room > RTE_PKTMBUF_HEADROOM ? room - RTE_PKTMBUF_HEADROOM : 0;
	if (frame > room) {
		port_err(err, errlen,
			 "port %s: MTU %u needs %u-byte mbufs but pool %s holds %u bytes "
			 "(no scattered RX)",
			 name, mtu, frame, pool->name, room);
		return -EINVAL;
	}
	return 0;
}

/* Queue set-up, MTU, promiscuous mode, start. */
static int
port_setup_and_start(struct drv_port *p, const struct drv_port_conf *conf,
		     const struct rte_eth_conf *ec, struct rte_mempool *pool, char *err,
		     size_t errlen)
{
	uint16_t rxd = conf->rx_desc, txd = conf->tx_desc, q;
	unsigned int socket = p->socket_id >= 0 ? (unsigned int)p->socket_id : rte_socket_id();
	int rc;

	rc = rte_eth_dev_configure(p->port_id, p->n_queues, p->n_queues, ec);
	if (rc != 0) {
		port_err(err, errlen, "port %s: configure (%u queues): %s", p->name, p->n_queues,
			 rte_strerror(-rc));
		return rc;
	}
	if (rxd != 0 || txd != 0) {
		uint16_t rxa = rxd != 0 ? rxd : 1, txa = txd != 0 ? txd : 1;

		rc = rte_eth_dev_adjust_nb_rx_tx_desc(p->port_id, &rxa, &txa);
		if (rc != 0) {
			port_err(err, errlen, "port %s: descriptor counts: %s", p->name,
				 rte_strerror(-rc));
			return rc;
		}
		rxd = rxd != 0 ? rxa : 0;
		txd = txd != 0 ? txa : 0;
	}
	for (q = 0; q < p->n_queues; q++) {
		rc = rte_eth_rx_queue_setup(p->port_id, q, rxd, socket, NULL, pool);
		if (rc != 0) {
			port_err(err, errlen, "port %s: RX queue %u: %s", p->name, q,
				 rte_strerror(-rc));
			return rc;
		}
		rc = rte_eth_tx_queue_setup(p->port_id, q, txd, socket, NULL);
		if (rc != 0) {
			port_err(err, errlen, "port %s: TX queue %u: %s", p->name, q,
				 rte_strerror(-rc));
			return rc;
		}
	}
	if (conf->mtu != 0) {
		rc = rte_eth_dev_set_mtu(p->port_id, conf->mtu);
		if (rc != 0 && rc != -ENOTSUP) {
			port_err(err, errlen, "port %s: MTU %u: %s", p->name, conf->mtu,
				 rte_strerror(-rc));
			return rc;
		}
	}
	if (rte_eth_dev_get_mtu(p->port_id, &p->mtu) != 0)
		p->mtu = conf->mtu != 0 ? conf->mtu : RTE_ETHER_MTU;
	if (conf->promisc) {
		rc = rte_eth_promiscuous_enable(p->port_id);
		if (rc != 0) {
			port_err(err, errlen, "port %s: promiscuous mode: %s", p->name,
				 rte_strerror(-rc));
			return rc;
		}
	}
	rc = rte_eth_dev_start(p->port_id);
	if (rc != 0) {
		port_err(err, errlen, "port %s: start: %s", p->name, rte_strerror(-rc));
		return rc;
	}
	p->started = true;
	return 0;
}

/*
 * Keep the names of the device's first DRV_PORT_XSTATS_MAX extended stats.
 * Not fatal: a device whose names cannot be read serves none (logged).
 */
static void
port_xstats_names(struct drv_port *p)
{
	struct rte_eth_xstat_name *all;
	int n, got;

	n = rte_eth_xstats_get_names(p->port_id, NULL, 0);
	if (n <= 0) {
		if (n < 0)
			PORT_LOG(WARNING, "port %s: extended stats: %s\n", p->name,
				 rte_strerror(-n));
		return;
	}
	all = rte_calloc("drv_port_xstat_all", (size_t)n, sizeof(*all), 0);
	if (all == NULL) {
		PORT_LOG(WARNING, "port %s: extended stats: out of memory\n", p->name);
		return;
	}
	got = rte_eth_xstats_get_names(p->port_id, all, (unsigned int)n);
	if (got != n) {
		PORT_LOG(WARNING, "port %s: extended stats: %d names of %d\n", p->name, got, n);
		rte_free(all);
		return;
	}
	p->xstats_total = (uint32_t)n;
	p->n_xstats = RTE_MIN(p->xstats_total, DRV_PORT_XSTATS_MAX);
	p->xstat_names = rte_zmalloc_socket(
		"drv_port_xstats", (size_t)p->n_xstats * DRV_PORT_XSTAT_NAME_MAX, 0, p->socket_id);
	if (p->xstat_names == NULL) {
		PORT_LOG(WARNING, "port %s: extended stats: out of memory\n", p->name);
		p->n_xstats = 0;
		rte_free(all);
		return;
	}
	for (uint32_t i = 0; i < p->n_xstats; i++)
		snprintf(p->xstat_names[i], DRV_PORT_XSTAT_NAME_MAX, "%s", all[i].name);
	rte_free(all);
	if (p->xstats_total > p->n_xstats)
		PORT_LOG(WARNING,
			 "port %s: %u extended stats; only the first %u are served "
			 "(DRV_PORT_XSTATS_MAX)\n",
			 p->name, p->xstats_total, p->n_xstats);
}

int
drv_port_open(const char *name, const struct drv_port_conf *conf, struct rte_mempool *pool,
	      struct drv_port **out, char *err, size_t errlen)
{
	uint8_t key[PORT_KEY_MAX];
	struct rte_eth_dev_info info;
	struct rte_ether_addr mac;
	struct rte_eth_conf ec;
	struct drv_port *p;
	uint8_t key_len = 0;
	uint16_t port_id;
	int rc;

	if (name == NULL || conf == NULL || pool == NULL || out == NULL) {
		port_err(err, errlen, "port: missing name, configuration, pool or result pointer");
		return -EINVAL;
	}
	if (conf->n_queues == 0) {
		port_err(err, errlen, "port %s: at least one queue pair is needed", name);
		return -EINVAL;
	}
	if (strlen(name) >= DRV_PORT_NAME_MAX) {
		port_err(err, errlen, "port %.32s...: name longer than %d bytes", name,
			 DRV_PORT_NAME_MAX - 1);
		return -EINVAL;
	}
	if (rte_eth_dev_get_port_by_name(name, &port_id) != 0) {
		if (port_name_is_pci(name))
			port_err(err, errlen,
				 "port %s: no such device (bind it to vfio-pci and pass -a %s "
				 "to the EAL options)",
				 name, name);
		else
			port_err(err, errlen,
				 "port %s: no such device (add --vdev=%s,... to the EAL options)",
				 name, name);
		return -ENODEV;
	}
	rc = rte_eth_dev_info_get(port_id, &info);
	if (rc != 0) {
		port_err(err, errlen, "port %s: device info: %s", name, rte_strerror(-rc));
		return rc;
	}
	rc = port_validate(name, conf, &info, pool, err, errlen);
	if (rc != 0)
		return rc;

	p = rte_zmalloc_socket("drv_port", sizeof(*p), RTE_CACHE_LINE_SIZE,
			       rte_eth_dev_socket_id(port_id));
	if (p == NULL) {
		port_err(err, errlen, "port %s: out of memory", name);
		return -ENOMEM;
	}
	p->port_id = port_id;
	p->n_queues = conf->n_queues;
	p->socket_id = rte_eth_dev_socket_id(port_id);
	p->dev_reta_size = info.reta_size;
	snprintf(p->name, sizeof(p->name), "%s", name);
	snprintf(p->driver, sizeof(p->driver), "%s",
		 info.driver_name != NULL ? info.driver_name : "?");

	port_eth_conf(p, conf, &info, &ec, key, &key_len);
	rc = port_setup_and_start(p, conf, &ec, pool, err, errlen);
	if (rc != 0)
		goto fail;
	if (p->rss) {
		rc = port_rss_key_check(p, key, key_len, err, errlen);
		if (rc != 0)
			goto fail;
		port_reta_setup(p);
		p->rss_predictable = p->rss_key_verified && p->reta_known;
		if (!p->rss_predictable)
			PORT_LOG(WARNING,
				 "port %s: RSS key %s, RETA %s: which queue a flow reaches is not "
				 "predictable\n",
				 p->name, p->rss_key_verified ? "verified" : "not shown",
				 p->reta_known ? "known" : "unknown");
	} else {
		drv_rss_reta_fill_round_robin(&p->reta, 1, 1);
		p->reta_known = true;
		/* Without RSS a NIC uses queue 0; tun and PACKET_FANOUT spread anyway. */
		p->rss_predictable = p->n_queues == 1;
	}
	rc = rte_eth_macaddr_get(port_id, &mac);
	if (rc != 0) {
		port_err(err, errlen, "port %s: MAC address: %s", name, rte_strerror(-rc));
		goto fail;
	}
	memcpy(p->mac, mac.addr_bytes, sizeof(p->mac));
	(void)drv_port_link_update(p);
	port_xstats_names(p);

	PORT_LOG(INFO,
		 "port %s (%s, id %u): %u queue pairs, RSS %s, MTU %u, csum tx %s/%s rx %s/%s, "
		 "link %s, %u xstats\n",
		 p->name, p->driver, p->port_id, p->n_queues, p->rss ? "on" : "off", p->mtu,
		 p->tx_ip4_csum ? "ip" : "-", p->tx_tcp_csum ? "tcp" : "-",
		 p->rx_ip4_csum ? "ip" : "-", p->rx_tcp_csum ? "tcp" : "-",
		 p->link_up ? "up" : "down", p->xstats_total);
	*out = p;
	return 0;

fail:
	if (p->started)
		(void)rte_eth_dev_stop(port_id);
	rte_free(p);
	return rc;
}

int
drv_port_start(struct drv_port *p)
{
	int rc;

	if (p == NULL)
		return -EINVAL;
	if (p->started)
		return 0;
	rc = rte_eth_dev_start(p->port_id);
	if (rc == 0)
		p->started = true;
	return rc;
}

int
drv_port_stop(struct drv_port *p)
{
	int rc;

	if (p == NULL)
		return -EINVAL;
	if (!p->started)
		return 0;
	rc = rte_eth_dev_stop(p->port_id);
	if (rc == 0)
		p->started = false;
	return rc;
}

void
drv_port_close(struct drv_port *p)
{
	if (p == NULL)
		return;
	(void)drv_port_stop(p);
	(void)rte_eth_dev_close(p->port_id);
	rte_free(p->xstat_names);
	rte_free(p);
}

int
drv_port_link_update(struct drv_port *p)
{
	struct rte_eth_link link;
	int rc;

	if (p == NULL)
		return -EINVAL;
	memset(&link, 0, sizeof(link));
	rc = rte_eth_link_get_nowait(p->port_id, &link);
	if (rc != 0)
		return rc;
	p->link_up = link.link_status == RTE_ETH_LINK_UP;
	p->link_speed_mbps = link.link_speed == RTE_ETH_SPEED_NUM_UNKNOWN ? 0 : link.link_speed;
	return 0;
}

int
drv_port_stats(const struct drv_port *p, struct drv_port_stats *out)
{
	struct rte_eth_stats st;
	int rc;

	if (p == NULL || out == NULL)
		return -EINVAL;
	rc = rte_eth_stats_get(p->port_id, &st);
	if (rc != 0)
		return rc;
	out->ipackets = st.ipackets;
	out->opackets = st.opackets;
	out->ibytes = st.ibytes;
	out->obytes = st.obytes;
	out->imissed = st.imissed;
	out->ierrors = st.ierrors;
	out->oerrors = st.oerrors;
	out->rx_nombuf = st.rx_nombuf;
	out->n_qstats = (uint16_t)RTE_MIN((uint32_t)p->n_queues, DRV_PORT_QSTATS_MAX);
	for (uint16_t q = 0; q < out->n_qstats; q++) {
		out->q_ipackets[q] = st.q_ipackets[q];
		out->q_ibytes[q] = st.q_ibytes[q];
		out->q_opackets[q] = st.q_opackets[q];
		out->q_obytes[q] = st.q_obytes[q];
		out->q_errors[q] = st.q_errors[q];
	}
	return 0;
}

int
drv_port_xstats(const struct drv_port *p, uint32_t first, uint32_t n, uint64_t *values)
{
	uint64_t ids[DRV_PORT_XSTATS_READ_MAX];
	int rc;

	if (p == NULL || values == NULL || n == 0 || n > DRV_PORT_XSTATS_READ_MAX ||
	    first >= p->n_xstats || n > p->n_xstats - first)
		return -EINVAL;
	for (uint32_t i = 0; i < n; i++)
		ids[i] = first + i;
	rc = rte_eth_xstats_get_by_id(p->port_id, ids, values, n);
	if (rc < 0)
		return rc == -1 ? -EIO : rc; /* an id the device no longer has: -1 */
	return (uint32_t)rc == n ? 0 : -EIO;
}
