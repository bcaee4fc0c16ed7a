/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Dataplane command handling: PING answered, PORT_GET described (a
 * net_ring port: its queue, then the port) or refused without a port,
 * PORT_XSTATS paged as the event ring allows, bad commands refused and
 * counted, a full event ring dropped and counted, batches bounded.
 *
 * The test plays the controlplane on a real segment: it pushes commands into
 * lcore 0's command ring and reads its event ring, while dp_ctl_poll() and
 * dp_lcore_iterate() run on a struct dp_lcore built on the test's stack.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>
#include <rte_ethdev.h>
#include <rte_eth_ring.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "common/ipc/ipc_msg.h"
#include "common/ipc/ipc_shm.h"
#include "dataplane/base/dp_ctr.h"
#include "dataplane/ctl/ctl.h"
#include "dataplane/lcore.h"
#include "drivers/port.h"
#include "tests/harness/eal_fixture.h"
#include "tests/suites.h"

#define T_EVT_SLOTS 4u

static struct ipc_shm shm;
static char name[IPC_SHM_NAME_MAX];
static struct dp_lcore lc;
static atomic_int stop;
static struct drv_port *ring_port;  /* test_ctl_port_get_describes_the_port's */
static struct rte_ring *port_ring;  /* its loopback ring */
static struct ipc_ring_prod cp_cmd; /* the test as controlplane */
static struct ipc_ring_cons cp_evt;

static void
setup(void)
{
	struct ipc_seg_geom g;
	char err[256];

	snprintf(name, sizeof(name), "chive-dptest-%d-ctl", (int)getpid());
	ipc_seg_geom_default(&g, 1);
	g.lcore_ids[0] = 7;
	g.ring_slots[IPC_RING_EVT] = T_EVT_SLOTS;
	CU_ASSERT_FATAL(ipc_shm_create(name, &g, (uint32_t)getpid(), &shm, err, sizeof(err)) == 0);
	CU_ASSERT_FATAL(dp_ctr_publish(ipc_shm_ctr_dir(&shm)) == 0);
	CU_ASSERT_FATAL(dp_lcore_init(&lc, &shm, 0, &stop, 2000000000u) == 0);
	CU_ASSERT_FATAL(ipc_ring_prod_init(&cp_cmd, ipc_shm_ring(&shm, 0, IPC_RING_CMD),
					   ipc_shm_ring_size(&shm, IPC_RING_CMD)) == 0);
	CU_ASSERT_FATAL(ipc_ring_cons_init(&cp_evt, ipc_shm_ring(&shm, 0, IPC_RING_EVT),
					   ipc_shm_ring_size(&shm, IPC_RING_EVT)) == 0);
}

static void
teardown(void)
{
	void *m;

	ipc_shm_close(&shm);
	drv_port_close(ring_port);
	ring_port = NULL;
	if (port_ring != NULL) {
		while (rte_ring_dequeue(port_ring, &m) == 0)
			rte_pktmbuf_free(m);
		rte_ring_free(port_ring);
		port_ring = NULL;
	}
}

static void
push_ping(uint32_t req_id, uint64_t cookie)
{
	struct ipc_msg_ping ping;

	memset(&ping, 0, sizeof(ping));
	ipc_hdr_init(&ping.hdr, IPC_MSG_PING, sizeof(ping), req_id);
	ping.cookie = cookie;
	ping.cp_send_ns = cookie * 10;
	CU_ASSERT_FATAL(ipc_ring_push(&cp_cmd, &ping, sizeof(ping)) == 0);
}

static void
push_raw(uint16_t type, uint16_t len, uint32_t req_id)
{
	uint8_t buf[IPC_CMD_SLOT];
	struct ipc_hdr h;

	memset(buf, 0, sizeof(buf));
	ipc_hdr_init(&h, type, len, req_id);
	memcpy(buf, &h, sizeof(h));
	CU_ASSERT_FATAL(ipc_ring_push(&cp_cmd, buf, sizeof(buf)) == 0);
}

/* Pop one event; returns its validated type or 0. */
static uint16_t
pop_evt(void *buf, size_t len)
{
	uint16_t type = 0;

	if (ipc_ring_pop(&cp_evt, buf, len) < 0)
		return 0;
	if (ipc_msg_validate(buf, (uint32_t)len, IPC_DIR_EVT, &type) != 0)
		return 0;
	return type;
}

static void
test_ctl_ping_is_answered_with_pong(void)
{
	uint8_t buf[IPC_EVT_SLOT];
	struct ipc_msg_pong pong;

	lc.now_tsc = 123456;
	lc.iterations = 99;
	push_ping(77, 5);
	CU_ASSERT_EQUAL(dp_ctl_poll(&lc), 1);
	CU_ASSERT_EQUAL_FATAL(pop_evt(buf, sizeof(buf)), IPC_MSG_PONG);
	memcpy(&pong, buf, sizeof(pong));
	CU_ASSERT_EQUAL(pong.hdr.req_id, 77);
	CU_ASSERT_EQUAL(pong.cookie, 5);
	CU_ASSERT_EQUAL(pong.cp_send_ns, 50);
	CU_ASSERT_EQUAL(pong.dp_tsc, 123456);
	CU_ASSERT_EQUAL(pong.dp_iterations, 99);
	CU_ASSERT_EQUAL(pong.lcore_id, 7);
	CU_ASSERT_EQUAL(DP_CTR_GET(&lc, ipc_cmd_rx), 1);
	CU_ASSERT_EQUAL(DP_CTR_GET(&lc, ipc_evt_tx), 1);
	CU_ASSERT_EQUAL(DP_CTR_GET(&lc, ipc_cmd_bad), 0);
}

static void
push_port_get(uint32_t req_id, uint32_t port)
{
	struct ipc_msg_port_get m;

	memset(&m, 0, sizeof(m));
	ipc_hdr_init(&m.hdr, IPC_MSG_PORT_GET, sizeof(m), req_id);
	m.port = port;
	CU_ASSERT_FATAL(ipc_ring_push(&cp_cmd, &m, sizeof(m)) == 0);
}

static void
test_ctl_port_get_without_port_answers_enodev(void)
{
	uint8_t buf[IPC_EVT_SLOT];
	struct ipc_msg_port_info info;

	push_port_get(31, 0);
	CU_ASSERT_EQUAL(dp_ctl_poll(&lc), 1);
	CU_ASSERT_EQUAL_FATAL(pop_evt(buf, sizeof(buf)), IPC_MSG_PORT_INFO);
	memcpy(&info, buf, sizeof(info));
	CU_ASSERT_EQUAL(info.hdr.req_id, 31);
	CU_ASSERT_EQUAL(info.status, -ENODEV);
	CU_ASSERT_EQUAL(info.name[0], '\0');
	CU_ASSERT_EQUAL(DP_CTR_GET(&lc, ipc_cmd_bad), 0);
}

/* Give lc a one-queue net_ring port looped onto itself; send 3 frames, return how many went. */
static uint16_t
open_ring_port(void)
{
	static const struct drv_port_conf one_queue = { .n_queues = 1, .rx_desc = 64,
							.tx_desc = 64 };
	static unsigned made; /* net_ring keeps a closed device's name: one per port */
	char err[256], ring[32], dev[32];
	struct rte_mbuf *m[3];
	uint16_t sent;

	snprintf(ring, sizeof(ring), "ctl_port%u", made);
	snprintf(dev, sizeof(dev), "net_ring_ctl_port%u", made++);
	port_ring = rte_ring_create("ctl_port_r", 64, (int)rte_socket_id(),
				    RING_F_SP_ENQ | RING_F_SC_DEQ);
	CU_ASSERT_PTR_NOT_NULL_FATAL(port_ring);
	CU_ASSERT_FATAL(rte_eth_from_rings(ring, &port_ring, 1, &port_ring, 1, rte_socket_id()) >=
			0);
	CU_ASSERT_EQUAL_FATAL(
		drv_port_open(dev, &one_queue, eal_fixture_pool(), &ring_port, err, sizeof(err)),
		0);
	lc.has_port = 1;
	lc.net.port = ring_port;
	CU_ASSERT_FATAL(rte_pktmbuf_alloc_bulk(eal_fixture_pool(), m, 3) == 0);
	for (int i = 0; i < 3; i++)
		CU_ASSERT_PTR_NOT_NULL(rte_pktmbuf_append(m[i], 60));
	sent = rte_eth_tx_burst(ring_port->port_id, 0, m, 3);
	for (uint16_t i = sent; i < 3; i++)
		rte_pktmbuf_free(m[i]);
	return sent;
}

static void
test_ctl_port_get_describes_the_port(void)
{
	uint8_t buf[IPC_EVT_SLOT];
	struct ipc_msg_port_queue q;
	struct ipc_msg_port_info info;
	uint16_t sent = open_ring_port();

	push_port_get(32, 0);
	push_port_get(33, 1); /* no port 1 */
	CU_ASSERT_EQUAL(dp_ctl_poll(&lc), 2);
	/* One PORT_QUEUE per queue first, then PORT_INFO, from the same read. */
	CU_ASSERT_EQUAL_FATAL(pop_evt(buf, sizeof(buf)), IPC_MSG_PORT_QUEUE);
	memcpy(&q, buf, sizeof(q));
	CU_ASSERT_EQUAL(q.hdr.req_id, 32);
	CU_ASSERT_EQUAL(q.queue, 0);
	CU_ASSERT_EQUAL(q.tx_packets, sent);
	CU_ASSERT_EQUAL(q.rx_packets, 0);
	CU_ASSERT_EQUAL_FATAL(pop_evt(buf, sizeof(buf)), IPC_MSG_PORT_INFO);
	memcpy(&info, buf, sizeof(info));
	CU_ASSERT_EQUAL(info.hdr.req_id, 32);
	CU_ASSERT_EQUAL(info.status, 0);
	CU_ASSERT_STRING_EQUAL(info.name, ring_port->name);
	CU_ASSERT_EQUAL(strncmp(info.name, "net_ring_ctl_port", 17), 0);
	CU_ASSERT_EQUAL(memcmp(info.mac, ring_port->mac, 6), 0);
	CU_ASSERT_EQUAL(info.mtu, 1500);
	CU_ASSERT_EQUAL(info.n_queues, 1);
	CU_ASSERT_EQUAL(info.n_queue_stats, 1);
	CU_ASSERT_EQUAL(info.link_up, 1);
	CU_ASSERT_EQUAL(info.tx_packets, sent);
	CU_ASSERT_EQUAL(info.rx_packets, 0);
	CU_ASSERT_EQUAL_FATAL(pop_evt(buf, sizeof(buf)), IPC_MSG_PORT_INFO);
	memcpy(&info, buf, sizeof(info));
	CU_ASSERT_EQUAL(info.hdr.req_id, 33);
	CU_ASSERT_EQUAL(info.status, -ENODEV);
	CU_ASSERT_EQUAL(info.n_queue_stats, 0);
	CU_ASSERT_EQUAL(DP_CTR_GET(&lc, ipc_evt_tx), 3);
}

static void
test_ctl_port_get_on_a_nearly_full_ring_sends_fewer_queues(void)
{
	uint8_t buf[IPC_EVT_SLOT];
	struct ipc_msg_port_info info;

	open_ring_port();
	/* Three PONGs take three of the four event slots. */
	for (uint32_t i = 0; i < T_EVT_SLOTS - 1; i++)
		push_ping(40 + i, i);
	push_port_get(44, 0);
	CU_ASSERT_EQUAL(dp_ctl_poll(&lc), T_EVT_SLOTS);
	for (uint32_t i = 0; i < T_EVT_SLOTS - 1; i++)
		CU_ASSERT_EQUAL(pop_evt(buf, sizeof(buf)), IPC_MSG_PONG);
	CU_ASSERT_EQUAL_FATAL(pop_evt(buf, sizeof(buf)), IPC_MSG_PORT_INFO);
	memcpy(&info, buf, sizeof(info));
	CU_ASSERT_EQUAL(info.status, 0);
	CU_ASSERT_EQUAL(info.n_queues, 1);
	CU_ASSERT_EQUAL(info.n_queue_stats, 0);
	CU_ASSERT_EQUAL(DP_CTR_GET(&lc, ipc_evt_full), 0);
}

static void
push_port_xstats(uint32_t req_id, uint32_t port, uint32_t cursor, uint32_t max)
{
	struct ipc_msg_port_xstats m;

	memset(&m, 0, sizeof(m));
	ipc_hdr_init(&m.hdr, IPC_MSG_PORT_XSTATS, sizeof(m), req_id);
	m.port = port;
	m.cursor = cursor;
	m.max = max;
	CU_ASSERT_FATAL(ipc_ring_push(&cp_cmd, &m, sizeof(m)) == 0);
}

/* Pop a page's PORT_XSTAT replies into @p x (at most @p max) and its end; return how many. */
static uint32_t
pop_xstats_page(struct ipc_msg_port_xstat *x, uint32_t max, struct ipc_msg_port_xstats_end *end)
{
	uint8_t buf[IPC_EVT_SLOT];
	uint32_t n = 0;
	uint16_t type;

	while ((type = pop_evt(buf, sizeof(buf))) == IPC_MSG_PORT_XSTAT && n < max)
		memcpy(&x[n++], buf, sizeof(x[0]));
	CU_ASSERT_EQUAL(type, IPC_MSG_PORT_XSTATS_END);
	memcpy(end, buf, sizeof(*end));
	return n;
}

static void
test_ctl_port_xstats_pages_as_the_event_ring_allows(void)
{
	struct ipc_msg_port_xstat x[T_EVT_SLOTS];
	struct ipc_msg_port_xstats_end end;
	uint16_t sent = open_ring_port();
	uint32_t n;

	/* The ethdev's generic xstats come first: rx_good_packets, tx_good_packets, ... */
	CU_ASSERT_FATAL(ring_port->n_xstats >= 8);
	CU_ASSERT_EQUAL(ring_port->n_xstats, ring_port->xstats_total);
	push_port_xstats(50, 0, 0, IPC_PORT_XSTATS_PAGE_MAX);
	CU_ASSERT_EQUAL(dp_ctl_poll(&lc), 1);
	/* Four event slots: three stats and the end, which says where to go on. */
	n = pop_xstats_page(x, T_EVT_SLOTS, &end);
	CU_ASSERT_EQUAL_FATAL(n, T_EVT_SLOTS - 1);
	CU_ASSERT_EQUAL(x[0].hdr.req_id, 50);
	CU_ASSERT_EQUAL(x[0].id, 0);
	CU_ASSERT_STRING_EQUAL(x[0].name, "rx_good_packets");
	CU_ASSERT_EQUAL(x[0].value, 0);
	CU_ASSERT_EQUAL(x[1].id, 1);
	CU_ASSERT_STRING_EQUAL(x[1].name, "tx_good_packets");
	CU_ASSERT_EQUAL(x[1].value, sent);
	CU_ASSERT_STRING_EQUAL(x[2].name, "rx_good_bytes");
	CU_ASSERT_EQUAL(end.hdr.req_id, 50);
	CU_ASSERT_EQUAL(end.status, 0);
	CU_ASSERT_EQUAL(end.count, 3);
	CU_ASSERT_EQUAL(end.next, 3);
	CU_ASSERT_EQUAL(end.served, ring_port->n_xstats);
	CU_ASSERT_EQUAL(end.total, ring_port->xstats_total);
	/* The last page: the last stat, and no next cursor. */
	push_port_xstats(51, 0, ring_port->n_xstats - 1, 2);
	CU_ASSERT_EQUAL(dp_ctl_poll(&lc), 1);
	n = pop_xstats_page(x, T_EVT_SLOTS, &end);
	CU_ASSERT_EQUAL(n, 1);
	CU_ASSERT_EQUAL(x[0].id, ring_port->n_xstats - 1);
	CU_ASSERT_STRING_EQUAL(x[0].name, ring_port->xstat_names[ring_port->n_xstats - 1]);
	CU_ASSERT_EQUAL(end.count, 1);
	CU_ASSERT_EQUAL(end.next, 0);
	/* A cursor past the end: an empty page. */
	push_port_xstats(52, 0, ring_port->n_xstats, 2);
	CU_ASSERT_EQUAL(dp_ctl_poll(&lc), 1);
	CU_ASSERT_EQUAL(pop_xstats_page(x, T_EVT_SLOTS, &end), 0);
	CU_ASSERT_EQUAL(end.status, 0);
	CU_ASSERT_EQUAL(end.next, 0);
	CU_ASSERT_EQUAL(DP_CTR_GET(&lc, ipc_cmd_bad), 0);
}

static void
test_ctl_port_xstats_without_port_answers_enodev(void)
{
	struct ipc_msg_port_xstat x[T_EVT_SLOTS];
	struct ipc_msg_port_xstats_end end;

	push_port_xstats(60, 0, 0, IPC_PORT_XSTATS_PAGE_MAX);
	CU_ASSERT_EQUAL(dp_ctl_poll(&lc), 1);
	CU_ASSERT_EQUAL(pop_xstats_page(x, T_EVT_SLOTS, &end), 0);
	CU_ASSERT_EQUAL(end.hdr.req_id, 60);
	CU_ASSERT_EQUAL(end.status, -ENODEV);
	CU_ASSERT_EQUAL(end.count, 0);
	CU_ASSERT_EQUAL(end.next, 0);
	CU_ASSERT_EQUAL(end.total, 0);
}

static void
test_ctl_port_xstats_on_a_full_ring_is_dropped_and_counted(void)
{
	uint8_t buf[IPC_EVT_SLOT];

	open_ring_port();
	/* One slot left: no room for a stat and the end, and an end alone would say "done". */
	for (uint32_t i = 0; i < T_EVT_SLOTS - 1; i++)
		push_ping(70 + i, i);
	push_port_xstats(75, 0, 0, IPC_PORT_XSTATS_PAGE_MAX);
	CU_ASSERT_EQUAL(dp_ctl_poll(&lc), T_EVT_SLOTS);
	CU_ASSERT_EQUAL(DP_CTR_GET(&lc, ipc_evt_full), 1);
	for (uint32_t i = 0; i < T_EVT_SLOTS - 1; i++)
		CU_ASSERT_EQUAL(pop_evt(buf, sizeof(buf)), IPC_MSG_PONG);
	CU_ASSERT_EQUAL(pop_evt(buf, sizeof(buf)), 0);
}

static void
push_conf_set(uint32_t req_id, uint32_t key, uint64_t v0, uint64_t v1)
{
	struct ipc_msg_conf_set m;

	memset(&m, 0, sizeof(m));
	ipc_hdr_init(&m.hdr, IPC_MSG_CONF_SET, sizeof(m), req_id);
	m.key = key;
	m.val[0] = v0;
	m.val[1] = v1;
	CU_ASSERT_FATAL(ipc_ring_push(&cp_cmd, &m, sizeof(m)) == 0);
}

/* An lcore without channels has nothing to limit: -ENODEV, nothing in force. */
static void
test_ctl_conf_set_bandwidth_without_channels_answers_enodev(void)
{
	uint8_t buf[IPC_EVT_SLOT];
	struct ipc_msg_conf_status st;

	push_conf_set(41, IPC_CONF_BANDWIDTH, 1048576, 0);
	CU_ASSERT_EQUAL(dp_ctl_poll(&lc), 1);
	CU_ASSERT_EQUAL_FATAL(pop_evt(buf, sizeof(buf)), IPC_MSG_CONF_STATUS);
	memcpy(&st, buf, sizeof(st));
	CU_ASSERT_EQUAL(st.hdr.req_id, 41);
	CU_ASSERT_EQUAL(st.key, IPC_CONF_BANDWIDTH);
	CU_ASSERT_EQUAL(st.status, -ENODEV);
	CU_ASSERT_EQUAL(st.val[0], 0);
	CU_ASSERT_EQUAL(st.val[1], 0);
	CU_ASSERT_EQUAL(DP_CTR_GET(&lc, ipc_cmd_bad), 0);
}

static void
test_ctl_conf_set_unknown_key_answers_einval(void)
{
	uint8_t buf[IPC_EVT_SLOT];
	struct ipc_msg_conf_status st;

	push_conf_set(42, 99, 1, 2);
	CU_ASSERT_EQUAL(dp_ctl_poll(&lc), 1);
	CU_ASSERT_EQUAL_FATAL(pop_evt(buf, sizeof(buf)), IPC_MSG_CONF_STATUS);
	memcpy(&st, buf, sizeof(st));
	CU_ASSERT_EQUAL(st.key, 99);
	CU_ASSERT_EQUAL(st.status, -EINVAL);
}

static void
test_ctl_empty_ring_is_no_work(void)
{
	CU_ASSERT_EQUAL(dp_ctl_poll(&lc), 0);
	CU_ASSERT_EQUAL(DP_CTR_GET(&lc, ipc_cmd_rx), 0);
}

static void
expect_refusal(uint32_t req_id, uint16_t bad_type, int err)
{
	uint8_t buf[IPC_EVT_SLOT];
	struct ipc_msg_cmd_error e;

	CU_ASSERT_EQUAL_FATAL(pop_evt(buf, sizeof(buf)), IPC_MSG_CMD_ERROR);
	memcpy(&e, buf, sizeof(e));
	CU_ASSERT_EQUAL(e.hdr.req_id, req_id);
	CU_ASSERT_EQUAL(e.bad_type, bad_type);
	CU_ASSERT_EQUAL(e.err, err);
}

static void
test_ctl_oversized_length_is_refused_and_counted(void)
{
	push_raw(IPC_MSG_PING, IPC_CMD_SLOT + 100, 9);
	CU_ASSERT_EQUAL(dp_ctl_poll(&lc), 1);
	expect_refusal(9, IPC_MSG_PING, -EMSGSIZE);
	CU_ASSERT_EQUAL(DP_CTR_GET(&lc, ipc_cmd_bad), 1);
}

static void
test_ctl_wrong_length_for_type_is_refused(void)
{
	push_raw(IPC_MSG_PING, sizeof(struct ipc_msg_ping) + 8, 10);
	CU_ASSERT_EQUAL(dp_ctl_poll(&lc), 1);
	expect_refusal(10, IPC_MSG_PING, -EINVAL);
}

static void
test_ctl_unknown_type_is_refused(void)
{
	push_raw(0x7777, 16, 11);
	CU_ASSERT_EQUAL(dp_ctl_poll(&lc), 1);
	expect_refusal(11, 0x7777, -ENOTSUP);
	CU_ASSERT_EQUAL(DP_CTR_GET(&lc, ipc_cmd_bad), 1);
}

static void
test_ctl_event_type_sent_as_command_is_refused(void)
{
	push_raw(IPC_MSG_PONG, sizeof(struct ipc_msg_pong), 12);
	CU_ASSERT_EQUAL(dp_ctl_poll(&lc), 1);
	expect_refusal(12, IPC_MSG_PONG, -ENOTSUP);
}

static void
test_ctl_bad_command_does_not_block_the_next(void)
{
	uint8_t buf[IPC_EVT_SLOT];

	push_raw(0x7777, 16, 1);
	push_ping(2, 0);
	CU_ASSERT_EQUAL(dp_ctl_poll(&lc), 2);
	CU_ASSERT_EQUAL(pop_evt(buf, sizeof(buf)), IPC_MSG_CMD_ERROR);
	CU_ASSERT_EQUAL(pop_evt(buf, sizeof(buf)), IPC_MSG_PONG);
}

/* The event ring holds T_EVT_SLOTS; further answers are dropped and counted, never waited for. */
static void
test_ctl_full_event_ring_drops_and_counts(void)
{
	uint8_t buf[IPC_EVT_SLOT];
	uint32_t n = 0;

	for (uint32_t i = 0; i < T_EVT_SLOTS + 2; i++)
		push_ping(i + 1, i);
	CU_ASSERT_EQUAL(dp_ctl_poll(&lc), T_EVT_SLOTS + 2);
	CU_ASSERT_EQUAL(DP_CTR_GET(&lc, ipc_evt_tx), T_EVT_SLOTS);
	CU_ASSERT_EQUAL(DP_CTR_GET(&lc, ipc_evt_full), 2);
	CU_ASSERT_EQUAL(ipc_ring_full_count(ipc_shm_ring(&shm, 0, IPC_RING_EVT)), 2);
	while (pop_evt(buf, sizeof(buf)) == IPC_MSG_PONG)
		n++;
	CU_ASSERT_EQUAL(n, T_EVT_SLOTS);
	/* The commands were all consumed: the ring is empty again. */
	CU_ASSERT_EQUAL(dp_ctl_poll(&lc), 0);
}

static void
test_ctl_poll_is_bounded_by_batch(void)
{
	for (uint32_t i = 0; i < DP_CTL_BATCH + 8; i++)
		push_raw(0x7777, 16, i + 1);
	CU_ASSERT_EQUAL(dp_ctl_poll(&lc), DP_CTL_BATCH);
	CU_ASSERT_EQUAL(dp_ctl_poll(&lc), 8);
}

static void
test_lcore_iterate_polls_commands_every_16th_iteration(void)
{
	uint32_t work = 0;

	push_ping(1, 1);
	for (int i = 0; i < 15; i++)
		work += dp_lcore_iterate(&lc, (uint64_t)i);
	CU_ASSERT_EQUAL(work, 0);
	CU_ASSERT_EQUAL(dp_lcore_iterate(&lc, 15), 1);
	CU_ASSERT_EQUAL(lc.iterations, 16);
	CU_ASSERT_EQUAL(lc.now_tsc, 15);
}

static void
test_lcore_run_returns_when_stop_is_set(void)
{
	atomic_store(&stop, 1);
	CU_ASSERT_EQUAL(dp_lcore_run(&lc), 0);
	atomic_store(&stop, 0);
	CU_ASSERT_EQUAL(lc.iterations, 0);
}

static CU_TestInfo dp_ctl_tests[] = {
	{ "ping_is_answered_with_pong", test_ctl_ping_is_answered_with_pong },
	{ "port_get_without_port_answers_enodev", test_ctl_port_get_without_port_answers_enodev },
	{ "port_get_describes_the_port", test_ctl_port_get_describes_the_port },
	{ "port_get_on_a_nearly_full_ring_sends_fewer_queues",
	  test_ctl_port_get_on_a_nearly_full_ring_sends_fewer_queues },
	{ "port_xstats_pages_as_the_event_ring_allows",
	  test_ctl_port_xstats_pages_as_the_event_ring_allows },
	{ "port_xstats_without_port_answers_enodev",
	  test_ctl_port_xstats_without_port_answers_enodev },
	{ "port_xstats_on_a_full_ring_is_dropped_and_counted",
	  test_ctl_port_xstats_on_a_full_ring_is_dropped_and_counted },
	{ "conf_set_bandwidth_without_channels_answers_enodev",
	  test_ctl_conf_set_bandwidth_without_channels_answers_enodev },
	{ "conf_set_unknown_key_answers_einval", test_ctl_conf_set_unknown_key_answers_einval },
	{ "empty_ring_is_no_work", test_ctl_empty_ring_is_no_work },
	{ "oversized_length_is_refused_and_counted",
	  test_ctl_oversized_length_is_refused_and_counted },
	{ "wrong_length_for_type_is_refused", test_ctl_wrong_length_for_type_is_refused },
	{ "unknown_type_is_refused", test_ctl_unknown_type_is_refused },
	{ "event_type_sent_as_command_is_refused", test_ctl_event_type_sent_as_command_is_refused },
	{ "bad_command_does_not_block_the_next", test_ctl_bad_command_does_not_block_the_next },
	{ "full_event_ring_drops_and_counts", test_ctl_full_event_ring_drops_and_counts },
	{ "poll_is_bounded_by_batch", test_ctl_poll_is_bounded_by_batch },
	{ "iterate_polls_commands_every_16th_iteration",
	  test_lcore_iterate_polls_commands_every_16th_iteration },
	{ "run_returns_when_stop_is_set", test_lcore_run_returns_when_stop_is_set },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_dp_ctl = {
	.pName = "dataplane/ctl",
	.pSetUpFunc = setup,
	.pTearDownFunc = teardown,
	.pTests = dp_ctl_tests,
};
