/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief EAL start-up for the dp runner (CONVENTIONS.md §24).
 *
 * `--no-huge --no-pci --no-shconf`: no hugepages, no devices, no shared
 * config file (--in-memory does not combine with --no-huge on 22.11). The
 * two ring ports are cross-connected: A's TX ring is B's RX ring.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "dataplane/base/dp_eal.h"
#include "tests/harness/eal_fixture.h"

static struct rte_mempool *fx_pool;
static uint16_t fx_port_a = UINT16_MAX, fx_port_b = UINT16_MAX;
static char fx_runtime_dir[PATH_MAX];

struct rte_mempool *
eal_fixture_pool(void)
{
	return fx_pool;
}

uint16_t
eal_fixture_port_a(void)
{
	return fx_port_a;
}

uint16_t
eal_fixture_port_b(void)
{
	return fx_port_b;
}

static int
fx_port_start(uint16_t port)
{
	struct rte_eth_conf conf;

	memset(&conf, 0, sizeof(conf));
	if (rte_eth_dev_configure(port, 1, 1, &conf) != 0 ||
	    rte_eth_rx_queue_setup(port, 0, 64, (unsigned int)rte_socket_id(), NULL, fx_pool) != 0 ||
	    rte_eth_tx_queue_setup(port, 0, 64, (unsigned int)rte_socket_id(), NULL) != 0)
		return -1;
	return rte_eth_dev_start(port);
}

int
eal_fixture_start(void)
{
	char prefix[64];
	char *argv[] = {
		(char *)(uintptr_t)"dp-tests", (char *)(uintptr_t)"--no-huge",
		(char *)(uintptr_t)"--no-pci", (char *)(uintptr_t)"--no-shconf",
		(char *)(uintptr_t)"-m", (char *)(uintptr_t)"128",
		(char *)(uintptr_t)"-l", (char *)(uintptr_t)"0",
		(char *)(uintptr_t)"--log-level=warning", prefix, NULL,
	};
	struct rte_ring *ab, *ba;

	snprintf(prefix, sizeof(prefix), "--file-prefix=chive-dptest-%d", (int)getpid());
	if (rte_eal_init((int)(sizeof(argv) / sizeof(argv[0])) - 1, argv) < 0) {
		fprintf(stderr, "eal_fixture: rte_eal_init: %s\n", rte_strerror(rte_errno));
		return -1;
	}
	snprintf(fx_runtime_dir, sizeof(fx_runtime_dir), "%s", rte_eal_get_runtime_dir());
	fx_pool = rte_pktmbuf_pool_create("fx_pool", 2047, 64, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
					  (int)rte_socket_id());
	ab = rte_ring_create("fx_ab", 256, (int)rte_socket_id(), RING_F_SP_ENQ | RING_F_SC_DEQ);
	ba = rte_ring_create("fx_ba", 256, (int)rte_socket_id(), RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (fx_pool == NULL || ab == NULL || ba == NULL) {
		fprintf(stderr, "eal_fixture: pool or rings: %s\n", rte_strerror(rte_errno));
		return -1;
	}
	/* A receives from ba and sends to ab; B the other way round. */
	if (rte_eth_from_rings("fx_a", &ba, 1, &ab, 1, (unsigned int)rte_socket_id()) < 0 ||
	    rte_eth_from_rings("fx_b", &ab, 1, &ba, 1, (unsigned int)rte_socket_id()) < 0 ||
	    rte_eth_dev_get_port_by_name("net_ring_fx_a", &fx_port_a) != 0 ||
	    rte_eth_dev_get_port_by_name("net_ring_fx_b", &fx_port_b) != 0) {
		fprintf(stderr, "eal_fixture: ring ports: %s\n", rte_strerror(rte_errno));
		return -1;
	}
	if (fx_port_start(fx_port_a) != 0 || fx_port_start(fx_port_b) != 0) {
		fprintf(stderr, "eal_fixture: cannot start ring ports\n");
		return -1;
	}
	return 0;
}

void
eal_fixture_stop(void)
{
	if (fx_port_a != UINT16_MAX) {
		rte_eth_dev_stop(fx_port_a);
		rte_eth_dev_close(fx_port_a);
	}
	if (fx_port_b != UINT16_MAX) {
		rte_eth_dev_stop(fx_port_b);
		rte_eth_dev_close(fx_port_b);
	}
	rte_eal_cleanup();
	dp_eal_remove_runtime_dir(fx_runtime_dir);
}
