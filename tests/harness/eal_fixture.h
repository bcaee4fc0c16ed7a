/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief EAL for the dataplane test runner: no hugepages, no PCI, net_ring ports.
 *
 * Started once per runner process, before any suite. Uses a per-process
 * --file-prefix and removes EAL's runtime directory on stop, so test runs
 * leave nothing behind in /var/run/dpdk.
 */
#ifndef TESTS_HARNESS_EAL_FIXTURE_H
#define TESTS_HARNESS_EAL_FIXTURE_H

#include <stdint.h>

#include <rte_mbuf.h>

/** Start EAL and create the mbuf pool and the ring port pair. @return 0 or -1. */
int eal_fixture_start(void);

/** Stop the ports, clean up EAL and remove its runtime directory. */
void eal_fixture_stop(void);

/** The shared mbuf pool (2047 mbufs of the default size). */
struct rte_mempool *eal_fixture_pool(void);

/**
 * The two ports of the in-memory link: what port A transmits, port B
 * receives, and the other way round (net_ring, rte_eth_from_rings()).
 */
uint16_t eal_fixture_port_a(void);
uint16_t eal_fixture_port_b(void);

#endif /* TESTS_HARNESS_EAL_FIXTURE_H */
