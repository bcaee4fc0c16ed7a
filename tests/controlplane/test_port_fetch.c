/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief CUnit suite "controlplane/port_fetch": PORT_GET and PORT_XSTATS
 *        decoded into one struct cp_port_snap (stats/port_fetch.h).
 *
 * Each test gets a fresh two-lcore segment, as test_dplink.c's: the test
 * plays the dataplane on lcore 0's rings, answering each command with the
 * replies ipc_msg.h specifies (PORT_QUEUE... PORT_INFO; PORT_XSTAT...
 * PORT_XSTATS_END), or with replies that do not add up, which must end the
 * fetch with -EPROTO and leave no request pending. Time is fake.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "common/ipc/ipc_msg.h"
#include "common/ipc/ipc_ring.h"
#include "common/ipc/ipc_shm.h"
#include "controlplane/dplink.h"
#include "controlplane/stats/port_fetch.h"
#include "tests/harness/fake_dp.h"
#include "tests/suites.h"

#define N_LCORES 2u
#define T0 UINT64_C(1000000)
#define TIMEOUT UINT64_C(5000)

union cmd_slot {
	struct ipc_hdr hdr;
	struct ipc_msg_port_get get;
	struct ipc_msg_port_xstats xstats;
	uint8_t bytes[IPC_CMD_SLOT];
};

static struct {
	bool ready;
	char name[IPC_SHM_NAME_MAX];
	struct fake_dp fdp; /* the segment, and the lcores' ends of its rings */
	struct cp_dplink l;
	struct cp_port_fetch *f;
	int calls;
	struct cp_port_snap snap; /* what the callback saw */
} fx;

static void
fetch_cb(void *arg, const struct cp_port_snap *snap)
{
	CU_ASSERT_PTR_EQUAL(arg, &fx);
	fx.calls++;
	fx.snap = *snap;
	fx.f = NULL;
}

static int
suite_init(void)
{
	snprintf(fx.name, sizeof(fx.name), "chive-ut-%d-portfetch", (int)getpid());
	return 0;
}

static void
setup(void)
{
	struct ipc_seg_geom g;
	char err[256];

	fake_dp_init(&fx.fdp);
	memset(&fx.snap, 0, sizeof(fx.snap));
	fx.calls = 0;
	fx.f = NULL;
	cp_dplink_init(&fx.l);
	fx.ready = false;
	ipc_seg_geom_default(&g, N_LCORES);
	if (fake_dp_start(&fx.fdp, fx.name, &g, err, sizeof(err)) != 0) {
		fprintf(stderr, "port_fetch setup: %s\n", err);
		return;
	}
	if (cp_dplink_attach(&fx.l, fx.name, err, sizeof(err)) != 0) {
		fprintf(stderr, "port_fetch setup: %s\n", err);
		return;
	}
	fx.ready = true;
}

static void
teardown(void)
{
	cp_port_fetch_cancel(&fx.l, fx.f);
	fx.f = NULL;
	cp_dplink_detach(&fx.l, 0);
	fake_dp_close(&fx.fdp);
}

static void
start(uint32_t flags)
{
	CU_ASSERT_EQUAL_FATAL(
		cp_port_fetch_start(&fx.l, 0, flags, TIMEOUT, T0, fetch_cb, &fx, &fx.f), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(fx.f);
}

/* Pop lcore 0's next command, which must be of @p type; return its req_id. */
static uint32_t
pop_cmd(uint16_t type, union cmd_slot *s)
{
	memset(s, 0, sizeof(*s));
	CU_ASSERT_EQUAL_FATAL(ipc_ring_pop(&fx.fdp.cmd[0], s, sizeof(*s)), IPC_CMD_SLOT);
	CU_ASSERT_EQUAL_FATAL(s->hdr.type, type);
	return s->hdr.req_id;
}

static void
push(const void *msg, size_t len)
{
	CU_ASSERT_EQUAL_FATAL(ipc_ring_push(&fx.fdp.evt[0], msg, len), 0);
}

static void
push_queue(uint32_t req_id, uint16_t q)
{
	struct ipc_msg_port_queue r;

	memset(&r, 0, sizeof(r));
	ipc_hdr_init(&r.hdr, IPC_MSG_PORT_QUEUE, sizeof(r), req_id);
	r.queue = q;
	r.rx_packets = 100u + q;
	r.tx_bytes = 200u + q;
	r.errors = q;
	push(&r, sizeof(r));
}

static void
push_info(uint32_t req_id, int32_t status, uint16_t n_queues, uint16_t n_queue_stats)
{
	struct ipc_msg_port_info p;

	memset(&p, 0, sizeof(p));
	ipc_hdr_init(&p.hdr, IPC_MSG_PORT_INFO, sizeof(p), req_id);
	p.status = status;
	if (status == 0) {
		snprintf(p.name, sizeof(p.name), "net_null0");
		p.n_queues = n_queues;
		p.n_queue_stats = n_queue_stats;
		p.rx_packets = 42;
	}
	push(&p, sizeof(p));
}

/* Answer the PORT_GET in flight: @p n_q queues, then PORT_INFO. */
static void
answer_get(uint16_t n_q)
{
	union cmd_slot s;
	uint32_t id = pop_cmd(IPC_MSG_PORT_GET, &s);

	CU_ASSERT_EQUAL(s.get.port, 0);
	for (uint16_t q = 0; q < n_q; q++)
		push_queue(id, q);
	push_info(id, 0, n_q, n_q);
	cp_dplink_poll(&fx.l, T0 + 1);
}

static void
push_xstat(uint32_t req_id, uint32_t id)
{
	struct ipc_msg_port_xstat x;

	memset(&x, 0, sizeof(x));
	ipc_hdr_init(&x.hdr, IPC_MSG_PORT_XSTAT, sizeof(x), req_id);
	x.id = id;
	x.value = 1000u + id;
	snprintf(x.name, sizeof(x.name), "xstat_%u", id);
	push(&x, sizeof(x));
}

static void
push_end(uint32_t req_id, int32_t status, uint32_t count, uint32_t next, uint32_t served,
	 uint32_t total)
{
	struct ipc_msg_port_xstats_end e;

	memset(&e, 0, sizeof(e));
	ipc_hdr_init(&e.hdr, IPC_MSG_PORT_XSTATS_END, sizeof(e), req_id);
	e.status = status;
	e.count = count;
	e.next = next;
	e.served = served;
	e.total = total;
	push(&e, sizeof(e));
}

/* Answer the PORT_XSTATS in flight (cursor @p cursor) with @p n stats of @p served. */
static void
answer_page(uint32_t cursor, uint32_t n, uint32_t served, uint32_t total)
{
	union cmd_slot s;
	uint32_t id = pop_cmd(IPC_MSG_PORT_XSTATS, &s);

	CU_ASSERT_EQUAL(s.xstats.cursor, cursor);
	CU_ASSERT_EQUAL(s.xstats.max, IPC_PORT_XSTATS_PAGE_MAX);
	for (uint32_t i = 0; i < n; i++)
		push_xstat(id, cursor + i);
	push_end(id, 0, n, cursor + n < served ? cursor + n : 0, served, total);
	cp_dplink_poll(&fx.l, T0 + 2);
}

/* Start an xstats fetch, answer its PORT_GET with one queue, and return the
 * req_id of the first PORT_XSTATS, left unanswered. */
static uint32_t
xstats_in_flight(void)
{
	union cmd_slot s;

	start(CP_PORT_FETCH_XSTATS);
	answer_get(1);
	return pop_cmd(IPC_MSG_PORT_XSTATS, &s);
}

static void
test_port_fetch_info_and_queues_without_xstats(void)
{
	union cmd_slot s;

	CU_ASSERT_FATAL(fx.ready);
	start(0);
	answer_get(2);
	CU_ASSERT_EQUAL(fx.calls, 1);
	CU_ASSERT_EQUAL(fx.snap.status, 0);
	CU_ASSERT_TRUE(fx.snap.has_info);
	CU_ASSERT_STRING_EQUAL(fx.snap.info.name, "net_null0");
	CU_ASSERT_EQUAL(fx.snap.info.rx_packets, 42);
	CU_ASSERT_EQUAL(fx.snap.n_queues, 2);
	CU_ASSERT_EQUAL(fx.snap.queues[1].queue, 1);
	CU_ASSERT_EQUAL(fx.snap.queues[1].rx_packets, 101);
	CU_ASSERT_EQUAL(fx.snap.queues[1].tx_bytes, 201);
	CU_ASSERT_EQUAL(fx.snap.queues[1].errors, 1);
	CU_ASSERT_FALSE(fx.snap.has_xstats);
	/* Nothing more was asked. */
	CU_ASSERT_EQUAL(ipc_ring_pop(&fx.fdp.cmd[0], &s, sizeof(s)), -EAGAIN);
	CU_ASSERT_EQUAL(fx.l.n_pending, 0);
}

static void
test_port_fetch_no_port_is_enodev(void)
{
	union cmd_slot s;

	CU_ASSERT_FATAL(fx.ready);
	start(CP_PORT_FETCH_XSTATS);
	push_info(pop_cmd(IPC_MSG_PORT_GET, &s), -ENODEV, 0, 0);
	cp_dplink_poll(&fx.l, T0 + 1);
	CU_ASSERT_EQUAL(fx.calls, 1);
	CU_ASSERT_EQUAL(fx.snap.status, -ENODEV);
	CU_ASSERT_FALSE(fx.snap.has_info);
	CU_ASSERT_FALSE(fx.snap.has_xstats);
	CU_ASSERT_EQUAL(ipc_ring_pop(&fx.fdp.cmd[0], &s, sizeof(s)), -EAGAIN);
}

static void
test_port_fetch_xstats_page_by_page(void)
{
	CU_ASSERT_FATAL(fx.ready);
	start(CP_PORT_FETCH_XSTATS);
	answer_get(1);
	CU_ASSERT_EQUAL(fx.calls, 0);
	answer_page(0, IPC_PORT_XSTATS_PAGE_MAX, 70, 70);
	CU_ASSERT_EQUAL(fx.calls, 0);
	answer_page(IPC_PORT_XSTATS_PAGE_MAX, 6, 70, 70);
	CU_ASSERT_EQUAL(fx.calls, 1);
	CU_ASSERT_EQUAL(fx.snap.status, 0);
	CU_ASSERT_TRUE(fx.snap.has_info);
	CU_ASSERT_EQUAL(fx.snap.n_queues, 1);
	CU_ASSERT_TRUE(fx.snap.has_xstats);
	CU_ASSERT_EQUAL(fx.snap.n_xstats, 70);
	CU_ASSERT_EQUAL(fx.snap.xstats_total, 70);
	CU_ASSERT_STRING_EQUAL(fx.snap.xstats[0].name, "xstat_0");
	CU_ASSERT_STRING_EQUAL(fx.snap.xstats[69].name, "xstat_69");
	CU_ASSERT_EQUAL(fx.snap.xstats[69].value, 1069);
	CU_ASSERT_EQUAL(fx.l.n_pending, 0);
}

static void
test_port_fetch_short_pages_are_followed(void)
{
	/* A dataplane whose event ring is nearly full sends shorter pages. */
	CU_ASSERT_FATAL(fx.ready);
	start(CP_PORT_FETCH_XSTATS);
	answer_get(0);
	answer_page(0, 3, 5, 5);
	answer_page(3, 1, 5, 5);
	answer_page(4, 1, 5, 5);
	CU_ASSERT_EQUAL(fx.calls, 1);
	CU_ASSERT_EQUAL(fx.snap.status, 0);
	CU_ASSERT_EQUAL(fx.snap.n_xstats, 5);
}

static void
test_port_fetch_cut_listing_keeps_the_device_total(void)
{
	CU_ASSERT_FATAL(fx.ready);
	start(CP_PORT_FETCH_XSTATS);
	answer_get(1);
	for (uint32_t c = 0; c < IPC_PORT_XSTATS_MAX; c += IPC_PORT_XSTATS_PAGE_MAX)
		answer_page(c, IPC_PORT_XSTATS_PAGE_MAX, IPC_PORT_XSTATS_MAX, 300);
	CU_ASSERT_EQUAL(fx.calls, 1);
	CU_ASSERT_EQUAL(fx.snap.status, 0);
	CU_ASSERT_EQUAL(fx.snap.n_xstats, IPC_PORT_XSTATS_MAX);
	CU_ASSERT_EQUAL(fx.snap.xstats_total, 300);
}

static void
test_port_fetch_no_xstats_at_all(void)
{
	CU_ASSERT_FATAL(fx.ready);
	start(CP_PORT_FETCH_XSTATS);
	answer_get(1);
	answer_page(0, 0, 0, 0);
	CU_ASSERT_EQUAL(fx.calls, 1);
	CU_ASSERT_EQUAL(fx.snap.status, 0);
	CU_ASSERT_TRUE(fx.snap.has_xstats);
	CU_ASSERT_EQUAL(fx.snap.n_xstats, 0);
}

static void
test_port_fetch_queue_count_mismatch_is_eproto(void)
{
	union cmd_slot s;
	uint32_t id;

	CU_ASSERT_FATAL(fx.ready);
	start(0);
	id = pop_cmd(IPC_MSG_PORT_GET, &s);
	push_queue(id, 0);
	push_info(id, 0, 2, 2); /* says two came; one did */
	cp_dplink_poll(&fx.l, T0 + 1);
	CU_ASSERT_EQUAL(fx.calls, 1);
	CU_ASSERT_EQUAL(fx.snap.status, -EPROTO);
	CU_ASSERT_FALSE(fx.snap.has_info);
}

static void
test_port_fetch_page_count_mismatch_is_eproto(void)
{
	uint32_t id;

	CU_ASSERT_FATAL(fx.ready);
	id = xstats_in_flight();
	push_xstat(id, 0);
	push_end(id, 0, 2, 0, 2, 2); /* counts two; one came */
	cp_dplink_poll(&fx.l, T0 + 2);
	CU_ASSERT_EQUAL(fx.calls, 1);
	CU_ASSERT_EQUAL(fx.snap.status, -EPROTO);
	CU_ASSERT_TRUE(fx.snap.has_info);
	CU_ASSERT_FALSE(fx.snap.has_xstats);
}

static void
test_port_fetch_listing_that_stops_short_is_eproto(void)
{
	uint32_t id;

	CU_ASSERT_FATAL(fx.ready);
	id = xstats_in_flight();
	push_xstat(id, 0);
	push_end(id, 0, 1, 0, 3, 3); /* done, but 3 are served */
	cp_dplink_poll(&fx.l, T0 + 2);
	CU_ASSERT_EQUAL(fx.snap.status, -EPROTO);
}

static void
test_port_fetch_cursor_that_does_not_move_on_is_eproto(void)
{
	union cmd_slot s;
	uint32_t id;

	CU_ASSERT_FATAL(fx.ready);
	id = xstats_in_flight();
	push_end(id, 0, 0, 0 + 1, 3, 3); /* nothing sent, yet "continue at 1" */
	cp_dplink_poll(&fx.l, T0 + 2);
	CU_ASSERT_EQUAL(fx.calls, 1);
	CU_ASSERT_EQUAL(fx.snap.status, -EPROTO);
	CU_ASSERT_EQUAL(ipc_ring_pop(&fx.fdp.cmd[0], &s, sizeof(s)), -EAGAIN);
}

static void
test_port_fetch_xstat_out_of_order_is_eproto(void)
{
	uint32_t id;

	CU_ASSERT_FATAL(fx.ready);
	id = xstats_in_flight();
	push_xstat(id, 1); /* 0 first */
	push_end(id, 0, 1, 0, 1, 1);
	cp_dplink_poll(&fx.l, T0 + 2);
	CU_ASSERT_EQUAL(fx.snap.status, -EPROTO);
}

static void
test_port_fetch_partial_of_another_request_ends_it(void)
{
	union cmd_slot s;

	CU_ASSERT_FATAL(fx.ready);
	start(CP_PORT_FETCH_XSTATS);
	/* A PORT_XSTAT is not a partial reply to PORT_GET: the request is over. */
	push_xstat(pop_cmd(IPC_MSG_PORT_GET, &s), 0);
	cp_dplink_poll(&fx.l, T0 + 1);
	CU_ASSERT_EQUAL(fx.calls, 1);
	CU_ASSERT_EQUAL(fx.snap.status, -EPROTO);
	CU_ASSERT_EQUAL(fx.l.n_pending, 0);
}

static void
test_port_fetch_read_error_keeps_the_info(void)
{

	CU_ASSERT_FATAL(fx.ready);
	push_end(xstats_in_flight(), -EIO, 0, 0, 0, 0);
	cp_dplink_poll(&fx.l, T0 + 2);
	CU_ASSERT_EQUAL(fx.calls, 1);
	CU_ASSERT_EQUAL(fx.snap.status, -EIO);
	CU_ASSERT_TRUE(fx.snap.has_info);
	CU_ASSERT_FALSE(fx.snap.has_xstats);
}

static void
test_port_fetch_cmd_error_gives_its_errno(void)
{
	struct ipc_msg_cmd_error e;
	union cmd_slot s;

	CU_ASSERT_FATAL(fx.ready);
	start(0);
	memset(&e, 0, sizeof(e));
	ipc_hdr_init(&e.hdr, IPC_MSG_CMD_ERROR, sizeof(e), pop_cmd(IPC_MSG_PORT_GET, &s));
	e.bad_type = IPC_MSG_PORT_GET;
	e.err = -ENOTSUP;
	push(&e, sizeof(e));
	cp_dplink_poll(&fx.l, T0 + 1);
	CU_ASSERT_EQUAL(fx.calls, 1);
	CU_ASSERT_EQUAL(fx.snap.status, -ENOTSUP);
}

static void
test_port_fetch_timeout_is_etimedout(void)
{

	CU_ASSERT_FATAL(fx.ready);
	xstats_in_flight();
	cp_dplink_poll(&fx.l, T0 + 1 + TIMEOUT);
	CU_ASSERT_EQUAL(fx.calls, 1);
	CU_ASSERT_EQUAL(fx.snap.status, -ETIMEDOUT);
	CU_ASSERT_TRUE(fx.snap.has_info);
}

static void
test_port_fetch_detach_ends_it(void)
{
	CU_ASSERT_FATAL(fx.ready);
	start(0);
	cp_dplink_detach(&fx.l, T0 + 1);
	CU_ASSERT_EQUAL(fx.calls, 1);
	CU_ASSERT_EQUAL(fx.snap.status, -ETIMEDOUT);
}

static void
test_port_fetch_cancel_never_calls_back(void)
{
	union cmd_slot s;
	uint32_t id;

	CU_ASSERT_FATAL(fx.ready);
	start(0);
	id = pop_cmd(IPC_MSG_PORT_GET, &s);
	cp_port_fetch_cancel(&fx.l, fx.f);
	fx.f = NULL;
	CU_ASSERT_EQUAL(fx.l.n_pending, 0);
	push_info(id, 0, 0, 0);
	cp_dplink_poll(&fx.l, T0 + 1);
	CU_ASSERT_EQUAL(fx.calls, 0);
}

static void
test_port_fetch_start_while_detached_fails(void)
{
	struct cp_port_fetch *f = (struct cp_port_fetch *)&fx;

	CU_ASSERT_FATAL(fx.ready);
	cp_dplink_detach(&fx.l, T0);
	CU_ASSERT_EQUAL(cp_port_fetch_start(&fx.l, 0, 0, TIMEOUT, T0, fetch_cb, &fx, &f),
			-ENOTCONN);
	CU_ASSERT_PTR_NULL(f);
	CU_ASSERT_EQUAL(fx.calls, 0);
}

static CU_TestInfo port_fetch_tests[] = {
	{ "info_and_queues_without_xstats", test_port_fetch_info_and_queues_without_xstats },
	{ "no_port_is_enodev", test_port_fetch_no_port_is_enodev },
	{ "xstats_page_by_page", test_port_fetch_xstats_page_by_page },
	{ "short_pages_are_followed", test_port_fetch_short_pages_are_followed },
	{ "cut_listing_keeps_the_device_total",
	  test_port_fetch_cut_listing_keeps_the_device_total },
	{ "no_xstats_at_all", test_port_fetch_no_xstats_at_all },
	{ "queue_count_mismatch_is_eproto", test_port_fetch_queue_count_mismatch_is_eproto },
	{ "page_count_mismatch_is_eproto", test_port_fetch_page_count_mismatch_is_eproto },
	{ "listing_that_stops_short_is_eproto",
	  test_port_fetch_listing_that_stops_short_is_eproto },
	{ "cursor_that_does_not_move_on_is_eproto",
	  test_port_fetch_cursor_that_does_not_move_on_is_eproto },
	{ "xstat_out_of_order_is_eproto", test_port_fetch_xstat_out_of_order_is_eproto },
	{ "partial_of_another_request_ends_it",
	  test_port_fetch_partial_of_another_request_ends_it },
	{ "read_error_keeps_the_info", test_port_fetch_read_error_keeps_the_info },
	{ "cmd_error_gives_its_errno", test_port_fetch_cmd_error_gives_its_errno },
	{ "timeout_is_etimedout", test_port_fetch_timeout_is_etimedout },
	{ "detach_ends_it", test_port_fetch_detach_ends_it },
	{ "cancel_never_calls_back", test_port_fetch_cancel_never_calls_back },
	{ "start_while_detached_fails", test_port_fetch_start_while_detached_fails },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_port_fetch = {
	.pName = "controlplane/port_fetch",
	.pInitFunc = suite_init,
	.pSetUpFunc = setup,
	.pTearDownFunc = teardown,
	.pTests = port_fetch_tests,
};
