/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief drivers/port: open, pass packets, RSS, errors, stop and close on ring and null ports.
 *
 * Each test gets a fresh cross-connected net_ring pair made with
 * rte_eth_from_rings() (what A sends, B receives), named uniquely because
 * drv_port_close() releases the ethdev. The RSS test hot-plugs a net_null
 * vdev, which Debian's DPDK loads as a plugin: it advertises RSS with a
 * 128-entry RETA and keeps whatever key and table it is given.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_dev.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include <CUnit/CUnit.h>

#include "drivers/port.h"
#include "drivers/rss.h"
#include "tests/harness/eal_fixture.h"
#include "tests/suites.h"

static unsigned int pt_seq;
static struct rte_ring *pt_ab, *pt_ba;
static char pt_name_a[DRV_PORT_NAME_MAX], pt_name_b[DRV_PORT_NAME_MAX];
static char pt_null_name[DRV_PORT_NAME_MAX];
static struct drv_port *pt_a, *pt_b;
static char err[256];

static const struct drv_port_conf one_queue = { .n_queues = 1, .rx_desc = 64, .tx_desc = 64 };

static void
setup(void)
{
	char n[32];

	pt_seq++;
	pt_a = pt_b = NULL;
	err[0] = '\0';
	pt_null_name[0] = '\0';
	snprintf(n, sizeof(n), "pt_ab%u", pt_seq);
	pt_ab = rte_ring_create(n, 256, (int)rte_socket_id(), RING_F_SP_ENQ | RING_F_SC_DEQ);
	snprintf(n, sizeof(n), "pt_ba%u", pt_seq);
	pt_ba = rte_ring_create(n, 256, (int)rte_socket_id(), RING_F_SP_ENQ | RING_F_SC_DEQ);
	CU_ASSERT_PTR_NOT_NULL_FATAL(pt_ab);
	CU_ASSERT_PTR_NOT_NULL_FATAL(pt_ba);
	snprintf(n, sizeof(n), "pt_a%u", pt_seq);
	CU_ASSERT_FATAL(rte_eth_from_rings(n, &pt_ba, 1, &pt_ab, 1, rte_socket_id()) >= 0);
	snprintf(pt_name_a, sizeof(pt_name_a), "net_ring_%s", n);
	snprintf(n, sizeof(n), "pt_b%u", pt_seq);
	CU_ASSERT_FATAL(rte_eth_from_rings(n, &pt_ab, 1, &pt_ba, 1, rte_socket_id()) >= 0);
	snprintf(pt_name_b, sizeof(pt_name_b), "net_ring_%s", n);
}

/* Close what a test left open (also after a FATAL assertion), then the rings. */
static void
teardown(void)
{
	uint16_t id;

	drv_port_close(pt_a);
	drv_port_close(pt_b);
	pt_a = pt_b = NULL;
	/* A test that failed before opening leaves the ethdevs to close here. */
	if (rte_eth_dev_get_port_by_name(pt_name_a, &id) == 0)
		rte_eth_dev_close(id);
	if (rte_eth_dev_get_port_by_name(pt_name_b, &id) == 0)
		rte_eth_dev_close(id);
	if (pt_null_name[0] != '\0')
		rte_eal_hotplug_remove("vdev", pt_null_name);
	rte_ring_free(pt_ab);
	rte_ring_free(pt_ba);
	pt_ab = pt_ba = NULL;
}

static uint16_t
send_tagged(uint16_t port, uint16_t n)
{
	struct rte_mbuf *m[32];
	uint16_t sent;

	CU_ASSERT_FATAL(n <= 32);
	CU_ASSERT_FATAL(rte_pktmbuf_alloc_bulk(eal_fixture_pool(), m, n) == 0);
	for (uint16_t i = 0; i < n; i++) {
		uint8_t *p = (uint8_t *)rte_pktmbuf_append(m[i], 100);

		CU_ASSERT_PTR_NOT_NULL_FATAL(p);
		if (p == NULL) /* unreachable after FATAL; keeps -Wnull-dereference quiet */
			return 0;
		memset(p, 0x5c, 100);
		p[0] = (uint8_t)i;
	}
	sent = rte_eth_tx_burst(port, 0, m, n);
	for (uint16_t i = sent; i < n; i++)
		rte_pktmbuf_free(m[i]);
	return sent;
}

static void
test_port_open_reports_mac_and_starts(void)
{
	struct rte_ether_addr mac;

	CU_ASSERT_EQUAL_FATAL(
		drv_port_open(pt_name_a, &one_queue, eal_fixture_pool(), &pt_a, err, sizeof(err)),
		0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(pt_a);
	CU_ASSERT_EQUAL_FATAL(rte_eth_macaddr_get(pt_a->port_id, &mac), 0);
	CU_ASSERT_EQUAL(memcmp(pt_a->mac, mac.addr_bytes, 6), 0);
	CU_ASSERT_STRING_EQUAL(pt_a->name, pt_name_a);
	CU_ASSERT_STRING_EQUAL(pt_a->driver, "net_ring");
	CU_ASSERT_TRUE(pt_a->started);
	CU_ASSERT_TRUE(pt_a->link_up);
	CU_ASSERT_EQUAL(pt_a->n_queues, 1);
	CU_ASSERT_EQUAL(pt_a->mtu, 1500);
	CU_ASSERT_FALSE(pt_a->rss);
	CU_ASSERT_TRUE(pt_a->rss_predictable);
	CU_ASSERT_EQUAL(pt_a->reta.size, 1);
	CU_ASSERT_EQUAL(pt_a->reta.queue[0], 0);
	/* net_ring has no checksum offloads: the stack must compute them. */
	CU_ASSERT_FALSE(pt_a->tx_ip4_csum || pt_a->tx_tcp_csum);
	CU_ASSERT_FALSE(pt_a->rx_ip4_csum || pt_a->rx_tcp_csum);
}

static void
test_port_ring_pair_passes_packets_and_counts(void)
{
	struct drv_port_stats sa, sb;
	struct rte_mbuf *rx[32];
	uint16_t n, bad = 0;

	CU_ASSERT_EQUAL_FATAL(
		drv_port_open(pt_name_a, &one_queue, eal_fixture_pool(), &pt_a, err, sizeof(err)),
		0);
	CU_ASSERT_EQUAL_FATAL(
		drv_port_open(pt_name_b, &one_queue, eal_fixture_pool(), &pt_b, err, sizeof(err)),
		0);
	CU_ASSERT_EQUAL(send_tagged(pt_a->port_id, 16), 16);
	n = rte_eth_rx_burst(pt_b->port_id, 0, rx, 32);
	CU_ASSERT_EQUAL(n, 16);
	for (uint16_t i = 0; i < n; i++) {
		bad += rx[i]->pkt_len != 100 || rte_pktmbuf_mtod(rx[i], const uint8_t *)[0] != i;
		rte_pktmbuf_free(rx[i]);
	}
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL_FATAL(drv_port_stats(pt_a, &sa), 0);
	CU_ASSERT_EQUAL_FATAL(drv_port_stats(pt_b, &sb), 0);
	CU_ASSERT_EQUAL(sa.opackets, 16);
	CU_ASSERT_EQUAL(sb.ipackets, 16);
	CU_ASSERT_EQUAL(sa.ipackets, 0);
	CU_ASSERT_EQUAL(sb.opackets, 0);
	CU_ASSERT_EQUAL(sa.oerrors + sb.ierrors + sb.imissed + sb.rx_nombuf, 0);
}

static void
test_port_stop_start_close(void)
{
	uint16_t id;

	CU_ASSERT_EQUAL_FATAL(
		drv_port_open(pt_name_a, &one_queue, eal_fixture_pool(), &pt_a, err, sizeof(err)),
		0);
	CU_ASSERT_EQUAL(drv_port_stop(pt_a), 0);
	CU_ASSERT_FALSE(pt_a->started);
	CU_ASSERT_EQUAL(drv_port_stop(pt_a), 0);
	CU_ASSERT_EQUAL(drv_port_start(pt_a), 0);
	CU_ASSERT_TRUE(pt_a->started);
	drv_port_close(pt_a);
	pt_a = NULL;
	/* Closing releases the ethdev. */
	CU_ASSERT_NOT_EQUAL(rte_eth_dev_get_port_by_name(pt_name_a, &id), 0);
	drv_port_close(NULL);
}

static void
test_port_unknown_name_is_enodev_with_hint(void)
{
	struct drv_port *p = NULL;

	CU_ASSERT_EQUAL(drv_port_open("net_nosuch0", &one_queue, eal_fixture_pool(), &p, err,
				      sizeof(err)),
			-ENODEV);
	CU_ASSERT_PTR_NULL(p);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "port net_nosuch0: no such device"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "--vdev=net_nosuch0"));
}

static void
test_port_unknown_pci_address_hints_binding(void)
{
	struct drv_port *p = NULL;

	CU_ASSERT_EQUAL(drv_port_open("0000:99:00.0", &one_queue, eal_fixture_pool(), &p, err,
				      sizeof(err)),
			-ENODEV);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "-a 0000:99:00.0"));
}

static void
test_port_too_many_queues_is_einval(void)
{
	const struct drv_port_conf c = { .n_queues = 2, .want_rss = true };

	CU_ASSERT_EQUAL(drv_port_open(pt_name_a, &c, eal_fixture_pool(), &pt_a, err, sizeof(err)),
			-EINVAL);
	CU_ASSERT_PTR_NULL(pt_a);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "2 queues requested"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "at most 1 RX"));
}

static void
test_port_zero_queues_is_einval(void)
{
	const struct drv_port_conf c = { .n_queues = 0 };

	CU_ASSERT_EQUAL(drv_port_open(pt_name_a, &c, eal_fixture_pool(), &pt_a, err, sizeof(err)),
			-EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "at least one queue"));
}

static void
test_port_mtu_is_set(void)
{
	const struct drv_port_conf c = { .n_queues = 1, .mtu = 1400 };
	uint16_t mtu = 0;

	CU_ASSERT_EQUAL_FATAL(
		drv_port_open(pt_name_a, &c, eal_fixture_pool(), &pt_a, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(pt_a->mtu, 1400);
	CU_ASSERT_EQUAL(rte_eth_dev_get_mtu(pt_a->port_id, &mtu), 0);
	CU_ASSERT_EQUAL(mtu, 1400);
}

static void
test_port_mtu_beyond_mbuf_is_einval(void)
{
	const struct drv_port_conf c = { .n_queues = 1, .mtu = 9000 };

	CU_ASSERT_EQUAL(drv_port_open(pt_name_a, &c, eal_fixture_pool(), &pt_a, err, sizeof(err)),
			-EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "MTU 9000 needs 9018-byte mbufs"));
}

static void
test_port_mtu_below_device_minimum_is_einval(void)
{
	const struct drv_port_conf c = { .n_queues = 1, .mtu = 10 };

	CU_ASSERT_EQUAL(drv_port_open(pt_name_a, &c, eal_fixture_pool(), &pt_a, err, sizeof(err)),
			-EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "outside the device's range"));
}

/* net_null: four queues with RSS get the symmetric key and a round-robin RETA. */
static void
test_port_null_rss_uses_symmetric_key_and_reta(void)
{
	const struct drv_port_conf c = { .n_queues = 4, .want_rss = true };
	uint8_t key[DRV_RSS_KEY_LEN];
	struct rte_eth_rss_conf rc = { .rss_key = key, .rss_key_len = sizeof(key) };
	uint32_t bad = 0;

	snprintf(pt_null_name, sizeof(pt_null_name), "net_null_pt%u", pt_seq);
	CU_ASSERT_EQUAL_FATAL(rte_eal_hotplug_add("vdev", pt_null_name, ""), 0);
	CU_ASSERT_EQUAL_FATAL(
		drv_port_open(pt_null_name, &c, eal_fixture_pool(), &pt_a, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(pt_a->driver, "net_null");
	CU_ASSERT_EQUAL(pt_a->n_queues, 4);
	CU_ASSERT_TRUE(pt_a->rss);
	CU_ASSERT_TRUE(pt_a->reta_known);
	CU_ASSERT_TRUE(pt_a->rss_key_verified);
	CU_ASSERT_TRUE(pt_a->rss_predictable);
	CU_ASSERT_EQUAL(pt_a->rss_hf, RTE_ETH_RSS_NONFRAG_IPV4_TCP);
	CU_ASSERT_EQUAL(pt_a->dev_reta_size, 128);
	CU_ASSERT_EQUAL_FATAL(pt_a->reta.size, 128);
	for (uint16_t i = 0; i < 128; i++)
		bad += pt_a->reta.queue[i] != i % 4;
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL_FATAL(rte_eth_dev_rss_hash_conf_get(pt_a->port_id, &rc), 0);
	CU_ASSERT_EQUAL(memcmp(key, drv_rss_sym_key, sizeof(key)), 0);
}

/* Several queues without RSS: a NIC uses queue 0, but tun or fanout may not. */
static void
test_port_multiqueue_without_rss_is_unpredictable(void)
{
	const struct drv_port_conf c = { .n_queues = 2, .want_rss = false };

	snprintf(pt_null_name, sizeof(pt_null_name), "net_null_pt%u", pt_seq);
	CU_ASSERT_EQUAL_FATAL(rte_eal_hotplug_add("vdev", pt_null_name, ""), 0);
	CU_ASSERT_EQUAL_FATAL(
		drv_port_open(pt_null_name, &c, eal_fixture_pool(), &pt_a, err, sizeof(err)), 0);
	CU_ASSERT_FALSE(pt_a->rss);
	CU_ASSERT_FALSE(pt_a->rss_predictable);
	CU_ASSERT_EQUAL(pt_a->reta.size, 1);
}

/* net_null generates packets on RX and frees on TX, counting both. */
static void
test_port_null_stats_count_packets(void)
{
	struct drv_port_stats st;
	struct rte_mbuf *rx[8];
	uint16_t n;

	snprintf(pt_null_name, sizeof(pt_null_name), "net_null_pt%u", pt_seq);
	CU_ASSERT_EQUAL_FATAL(rte_eal_hotplug_add("vdev", pt_null_name, ""), 0);
	CU_ASSERT_EQUAL_FATAL(
		drv_port_open(pt_null_name, &one_queue, eal_fixture_pool(), &pt_a, err, sizeof(err)),
		0);
	CU_ASSERT_FALSE(pt_a->rss);
	CU_ASSERT_EQUAL(send_tagged(pt_a->port_id, 10), 10);
	n = rte_eth_rx_burst(pt_a->port_id, 0, rx, 8);
	CU_ASSERT_EQUAL(n, 8);
	for (uint16_t i = 0; i < n; i++)
		rte_pktmbuf_free(rx[i]);
	CU_ASSERT_EQUAL_FATAL(drv_port_stats(pt_a, &st), 0);
	CU_ASSERT_EQUAL(st.opackets, 10);
	CU_ASSERT_EQUAL(st.ipackets, 8);
	CU_ASSERT_EQUAL(drv_port_stats(pt_a, NULL), -EINVAL);
}

/* The same counts per queue, and by name among the extended stats. */
static void
test_port_null_queue_stats_and_xstats(void)
{
	struct drv_port_stats st;
	struct rte_mbuf *rx[8];
	uint64_t v[DRV_PORT_XSTATS_READ_MAX];
	int rx_good = -1, tx_good = -1;
	uint16_t n;

	snprintf(pt_null_name, sizeof(pt_null_name), "net_null_pt%u", pt_seq);
	CU_ASSERT_EQUAL_FATAL(rte_eal_hotplug_add("vdev", pt_null_name, ""), 0);
	CU_ASSERT_EQUAL_FATAL(drv_port_open(pt_null_name, &one_queue, eal_fixture_pool(), &pt_a,
					    err, sizeof(err)),
			      0);
	CU_ASSERT_EQUAL(send_tagged(pt_a->port_id, 10), 10);
	n = rte_eth_rx_burst(pt_a->port_id, 0, rx, 8);
	for (uint16_t i = 0; i < n; i++)
		rte_pktmbuf_free(rx[i]);
	CU_ASSERT_EQUAL_FATAL(drv_port_stats(pt_a, &st), 0);
	CU_ASSERT_EQUAL(st.n_qstats, 1);
	CU_ASSERT_EQUAL(st.q_opackets[0], 10);
	CU_ASSERT_EQUAL(st.q_ipackets[0], n);
	/* Names read at open, every one served (fewer than DRV_PORT_XSTATS_MAX). */
	CU_ASSERT_FATAL(pt_a->n_xstats >= 2 && pt_a->n_xstats <= DRV_PORT_XSTATS_READ_MAX);
	CU_ASSERT_EQUAL(pt_a->n_xstats, pt_a->xstats_total);
	CU_ASSERT_PTR_NOT_NULL_FATAL(pt_a->xstat_names);
	for (uint32_t i = 0; i < pt_a->n_xstats; i++) {
		if (strcmp(pt_a->xstat_names[i], "rx_good_packets") == 0)
			rx_good = (int)i;
		if (strcmp(pt_a->xstat_names[i], "tx_good_packets") == 0)
			tx_good = (int)i;
	}
	CU_ASSERT_FATAL(rx_good >= 0 && tx_good >= 0);
	CU_ASSERT_EQUAL_FATAL(drv_port_xstats(pt_a, 0, pt_a->n_xstats, v), 0);
	CU_ASSERT_EQUAL(v[rx_good], n);
	CU_ASSERT_EQUAL(v[tx_good], 10);
	/* One stat alone, by its id. */
	CU_ASSERT_EQUAL_FATAL(drv_port_xstats(pt_a, (uint32_t)tx_good, 1, v), 0);
	CU_ASSERT_EQUAL(v[0], 10);
	/* Out of range, empty, too many at once, no port: refused. */
	CU_ASSERT_EQUAL(drv_port_xstats(pt_a, pt_a->n_xstats - 1, 2, v), -EINVAL);
	CU_ASSERT_EQUAL(drv_port_xstats(pt_a, pt_a->n_xstats, 1, v), -EINVAL);
	CU_ASSERT_EQUAL(drv_port_xstats(pt_a, 0, 0, v), -EINVAL);
	CU_ASSERT_EQUAL(drv_port_xstats(pt_a, 0, DRV_PORT_XSTATS_READ_MAX + 1, v), -EINVAL);
	CU_ASSERT_EQUAL(drv_port_xstats(NULL, 0, 1, v), -EINVAL);
}

static CU_TestInfo port_tests[] = {
	{ "open_reports_mac_and_starts", test_port_open_reports_mac_and_starts },
	{ "ring_pair_passes_packets_and_counts", test_port_ring_pair_passes_packets_and_counts },
	{ "stop_start_close", test_port_stop_start_close },
	{ "unknown_name_is_enodev_with_hint", test_port_unknown_name_is_enodev_with_hint },
	{ "unknown_pci_address_hints_binding", test_port_unknown_pci_address_hints_binding },
	{ "too_many_queues_is_einval", test_port_too_many_queues_is_einval },
	{ "zero_queues_is_einval", test_port_zero_queues_is_einval },
	{ "mtu_is_set", test_port_mtu_is_set },
	{ "mtu_beyond_mbuf_is_einval", test_port_mtu_beyond_mbuf_is_einval },
	{ "mtu_below_device_minimum_is_einval", test_port_mtu_below_device_minimum_is_einval },
	{ "null_rss_uses_symmetric_key_and_reta", test_port_null_rss_uses_symmetric_key_and_reta },
	{ "multiqueue_without_rss_is_unpredictable",
	  test_port_multiqueue_without_rss_is_unpredictable },
	{ "null_stats_count_packets", test_port_null_stats_count_packets },
	{ "null_queue_stats_and_xstats", test_port_null_queue_stats_and_xstats },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_port = {
	.pName = "drivers/port",
	.pSetUpFunc = setup,
	.pTearDownFunc = teardown,
	.pTests = port_tests,
};
