/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief The dp runner's fixture itself: EAL is up without hugepages and the
 * in-memory port pair carries real mbufs both ways.
 */
#include <string.h>

#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include <CUnit/CUnit.h>

#include "tests/harness/eal_fixture.h"
#include "tests/suites.h"

static uint16_t
send_burst(uint16_t port, uint8_t tag, uint16_t n)
{
	struct rte_mbuf *m[32];
	uint16_t sent;

	CU_ASSERT_FATAL(n <= 32);
	CU_ASSERT_FATAL(rte_pktmbuf_alloc_bulk(eal_fixture_pool(), m, n) == 0);
	for (uint16_t i = 0; i < n; i++) {
		uint8_t *p = (uint8_t *)rte_pktmbuf_append(m[i], 60);

		CU_ASSERT_PTR_NOT_NULL_FATAL(p);
		if (p == NULL) /* unreachable after FATAL; keeps -Wnull-dereference quiet */
			return 0;
		memset(p, tag, 60);
		p[0] = (uint8_t)i;
	}
	sent = rte_eth_tx_burst(port, 0, m, n);
	for (uint16_t i = sent; i < n; i++)
		rte_pktmbuf_free(m[i]);
	return sent;
}

static void
test_eal_ring_ports_carry_mbufs_a_to_b(void)
{
	struct rte_mbuf *rx[32];
	uint16_t n, bad = 0;

	CU_ASSERT_EQUAL(send_burst(eal_fixture_port_a(), 0xab, 16), 16);
	n = rte_eth_rx_burst(eal_fixture_port_b(), 0, rx, 32);
	CU_ASSERT_EQUAL(n, 16);
	for (uint16_t i = 0; i < n; i++) {
		const uint8_t *p = rte_pktmbuf_mtod(rx[i], const uint8_t *);

		bad += rx[i]->pkt_len != 60 || p[0] != i || p[59] != 0xab;
		rte_pktmbuf_free(rx[i]);
	}
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL(rte_eth_rx_burst(eal_fixture_port_a(), 0, rx, 32), 0);
}

static void
test_eal_ring_ports_carry_mbufs_b_to_a(void)
{
	struct rte_mbuf *rx[32];
	uint16_t n;

	CU_ASSERT_EQUAL(send_burst(eal_fixture_port_b(), 0xba, 3), 3);
	n = rte_eth_rx_burst(eal_fixture_port_a(), 0, rx, 32);
	CU_ASSERT_EQUAL(n, 3);
	for (uint16_t i = 0; i < n; i++) {
		CU_ASSERT_EQUAL(rte_pktmbuf_mtod(rx[i], const uint8_t *)[1], 0xba);
		rte_pktmbuf_free(rx[i]);
	}
}

static void
test_eal_runs_without_hugepages(void)
{
	CU_ASSERT_FALSE(rte_eal_has_hugepages());
	CU_ASSERT_EQUAL(rte_eal_process_type(), RTE_PROC_PRIMARY);
}

static CU_TestInfo dp_eal_tests[] = {
	{ "runs_without_hugepages", test_eal_runs_without_hugepages },
	{ "ring_ports_carry_mbufs_a_to_b", test_eal_ring_ports_carry_mbufs_a_to_b },
	{ "ring_ports_carry_mbufs_b_to_a", test_eal_ring_ports_carry_mbufs_b_to_a },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_dp_eal = {
	.pName = "dataplane/eal",
	.pTests = dp_eal_tests,
};
