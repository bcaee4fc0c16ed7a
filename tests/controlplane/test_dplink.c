/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief CUnit suite "controlplane/dplink": requests, replies, timeouts, cancel, detach.
 *
 * Each test gets a fresh two-lcore segment (set-up), created under a name
 * unique to this process and owned by our parent process, so it is live and
 * is not ours. The test plays the dataplane: it consumes the command rings
 * and produces on the event rings directly. Time is fake: every now_ns
 * below is an arbitrary constant, so timeouts are exact and nothing sleeps.
 *
 * The command rings have CMD_SLOTS slots, so one test can fill a ring
 * without also filling the pending table; the pending-table test drains
 * the command rings as it goes, as a dataplane that never answers would.
 * The cell_down rings have DOWN_SLOTS slots for the same reason. The
 * multi-part tests answer a CHAN_LIST with CHAN_INFO partial replies and a
 * CHAN_LIST_END, as ipc_msg.h specifies.
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
#include "tests/suites.h"

#define N_LCORES 2u
#define CMD_SLOTS 4u
#define DOWN_SLOTS 8u
/* Fake clock values. */
#define T0 UINT64_C(1000000)
#define TIMEOUT UINT64_C(5000)

/* What one reply callback saw. */
struct rec {
	int calls;
	bool got_null;
	uint32_t lcore_idx;
	uint64_t now_ns;
	union {
		struct ipc_hdr hdr;
		struct ipc_msg_pong pong;
		struct ipc_msg_cmd_error err;
		struct ipc_msg_chan_info info;
		struct ipc_msg_chan_list_end end;
		uint8_t bytes[IPC_EVT_SLOT];
	} reply;
	uint16_t types[8]; /* reply types seen, in order (NULL replies as 0) */
};

static struct {
	bool ready; /* set-up succeeded */
	char name[IPC_SHM_NAME_MAX];
	struct ipc_shm dp_shm; /* the creator's ("dataplane's") mapping */
	struct cp_dplink l; /* the link under test */
	struct cp_dplink other; /* a second, detached link */
	struct ipc_ring_cons cmd[N_LCORES]; /* dataplane side of the command rings */
	struct ipc_ring_prod evt[N_LCORES]; /* dataplane side of the event rings */
	struct ipc_ring_prod up[N_LCORES]; /* dataplane side of the cell_up rings */
	struct ipc_ring_cons down[N_LCORES]; /* dataplane side of the cell_down rings */
	struct rec rec[4];
} fx;

static void
rec_cb(void *arg, const struct ipc_hdr *reply, uint32_t lcore_idx, uint64_t now_ns)
{
	struct rec *r = arg;

	if (r->calls < 8)
		r->types[r->calls] = reply != NULL ? reply->type : 0;
	r->calls++;
	r->lcore_idx = lcore_idx;
	r->now_ns = now_ns;
	r->got_null = reply == NULL;
	memset(&r->reply, 0, sizeof(r->reply));
	if (reply != NULL)
		memcpy(&r->reply, reply,
		       reply->len <= sizeof(r->reply) ? reply->len : sizeof(r->reply));
}

static int
suite_init(void)
{
	snprintf(fx.name, sizeof(fx.name), "chive-ut-%d-dplink", (int)getpid());
	return 0;
}

static void
setup(void)
{
	struct ipc_seg_geom g;
	char err[256];

	memset(&fx.dp_shm, 0, sizeof(fx.dp_shm));
	fx.dp_shm.fd = -1;
	memset(fx.rec, 0, sizeof(fx.rec));
	cp_dplink_init(&fx.l);
	cp_dplink_init(&fx.other);
	fx.ready = false;
	ipc_seg_geom_default(&g, N_LCORES);
	g.ring_slots[IPC_RING_CMD] = CMD_SLOTS;
	g.ring_slots[IPC_RING_CELL_DOWN] = DOWN_SLOTS;
	if (ipc_shm_create(fx.name, &g, (uint32_t)getppid(), &fx.dp_shm, err, sizeof(err)) != 0) {
		fprintf(stderr, "dplink setup: %s\n", err);
		return;
	}
	ipc_shm_publish(&fx.dp_shm);
	for (uint32_t i = 0; i < N_LCORES; i++) {
		if (ipc_ring_cons_init(&fx.cmd[i], ipc_shm_ring(&fx.dp_shm, i, IPC_RING_CMD),
				       ipc_shm_ring_size(&fx.dp_shm, IPC_RING_CMD)) != 0 ||
		    ipc_ring_prod_init(&fx.evt[i], ipc_shm_ring(&fx.dp_shm, i, IPC_RING_EVT),
				       ipc_shm_ring_size(&fx.dp_shm, IPC_RING_EVT)) != 0 ||
		    ipc_ring_prod_init(&fx.up[i], ipc_shm_ring(&fx.dp_shm, i, IPC_RING_CELL_UP),
				       ipc_shm_ring_size(&fx.dp_shm, IPC_RING_CELL_UP)) != 0 ||
		    ipc_ring_cons_init(&fx.down[i], ipc_shm_ring(&fx.dp_shm, i, IPC_RING_CELL_DOWN),
				       ipc_shm_ring_size(&fx.dp_shm, IPC_RING_CELL_DOWN)) != 0)
			return;
	}
	if (cp_dplink_attach(&fx.l, fx.name, err, sizeof(err)) != 0) {
		fprintf(stderr, "dplink setup: %s\n", err);
		return;
	}
	fx.ready = true;
}

static void
teardown(void)
{
	cp_dplink_detach(&fx.l, 0);
	cp_dplink_detach(&fx.other, 0);
	ipc_shm_close(&fx.dp_shm);
}

/* Send a PING with @p cookie to lcore index @p lc at @p now; return cp_dplink_request's rc. */
static int
send_ping(uint32_t lc, uint64_t cookie, uint64_t now, struct rec *r, uint32_t *req_id)
{
	struct ipc_msg_ping ping;
	int rc;

	memset(&ping, 0, sizeof(ping));
	ipc_hdr_init(&ping.hdr, IPC_MSG_PING, sizeof(ping), 0);
	ping.cookie = cookie;
	ping.cp_send_ns = now;
	rc = cp_dplink_request(&fx.l, lc, &ping.hdr, sizeof(ping), TIMEOUT, now, rec_cb, r);
	if (req_id != NULL)
		*req_id = ping.hdr.req_id;
	return rc;
}

/* Pop the next command from lcore @p lc's command ring into @p ping; return ipc_ring_pop's rc. */
static int
pop_cmd(uint32_t lc, struct ipc_msg_ping *ping)
{
	uint8_t slot[IPC_CMD_SLOT] = { 0 };
	int rc = ipc_ring_pop(&fx.cmd[lc], slot, sizeof(slot));

	memcpy(ping, slot, sizeof(*ping));
	return rc;
}

/* Push a PONG answering @p req_id with @p cookie on lcore @p lc's event ring. */
static int
push_pong(uint32_t lc, uint32_t req_id, uint64_t cookie)
{
	struct ipc_msg_pong pong;

	memset(&pong, 0, sizeof(pong));
	ipc_hdr_init(&pong.hdr, IPC_MSG_PONG, sizeof(pong), req_id);
	pong.cookie = cookie;
	pong.dp_iterations = 4242;
	pong.lcore_id = lc;
	return ipc_ring_push(&fx.evt[lc], &pong, sizeof(pong));
}

static void
test_attach_missing_segment_fails_with_enoent(void)
{
	char name[IPC_SHM_NAME_MAX];
	char err[256] = "";

	snprintf(name, sizeof(name), "chive-ut-%d-nosuch", (int)getpid());
	CU_ASSERT_EQUAL(cp_dplink_attach(&fx.other, name, err, sizeof(err)), -ENOENT);
	CU_ASSERT_FALSE(fx.other.attached);
	CU_ASSERT_FALSE(cp_dplink_is_up(&fx.other));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, name));
}

static void
test_attach_binds_every_lcore(void)
{
	CU_ASSERT_FATAL(fx.ready);
	CU_ASSERT_TRUE(fx.l.attached);
	CU_ASSERT_EQUAL(fx.l.n_lcores, N_LCORES);
	CU_ASSERT_EQUAL(fx.l.cmd[1].nslots, CMD_SLOTS);
	CU_ASSERT_TRUE(cp_dplink_is_up(&fx.l));
}

static void
test_request_while_detached_gives_enotconn(void)
{
	struct ipc_msg_ping ping;

	memset(&ping, 0, sizeof(ping));
	ipc_hdr_init(&ping.hdr, IPC_MSG_PING, sizeof(ping), 0);
	CU_ASSERT_EQUAL(cp_dplink_request(&fx.other, 0, &ping.hdr, sizeof(ping), TIMEOUT, T0,
					  rec_cb, &fx.rec[0]),
			-ENOTCONN);
	CU_ASSERT_EQUAL(fx.other.n_pending, 0);
	CU_ASSERT_EQUAL(fx.other.stats.cmd_sent, 0);
}

static void
test_request_after_detach_gives_enotconn(void)
{
	CU_ASSERT_FATAL(fx.ready);
	cp_dplink_detach(&fx.l, T0);
	CU_ASSERT_EQUAL(send_ping(0, 1, T0, &fx.rec[0], NULL), -ENOTCONN);
	CU_ASSERT_EQUAL(fx.l.n_pending, 0);
}

static void
test_request_to_lcore_out_of_range_gives_einval(void)
{
	uint8_t slot[IPC_CMD_SLOT];

	CU_ASSERT_FATAL(fx.ready);
	CU_ASSERT_EQUAL(send_ping(N_LCORES, 1, T0, &fx.rec[0], NULL), -EINVAL);
	CU_ASSERT_EQUAL(send_ping(UINT32_MAX, 1, T0, &fx.rec[0], NULL), -EINVAL);
	CU_ASSERT_EQUAL(fx.l.n_pending, 0);
	CU_ASSERT_EQUAL(fx.l.stats.cmd_sent, 0);
	CU_ASSERT_EQUAL(ipc_ring_pop(&fx.cmd[0], slot, sizeof(slot)), -EAGAIN);
	CU_ASSERT_EQUAL(ipc_ring_pop(&fx.cmd[1], slot, sizeof(slot)), -EAGAIN);
}

static void
test_request_shorter_than_header_gives_einval(void)
{
	struct ipc_msg_ping ping;

	CU_ASSERT_FATAL(fx.ready);
	memset(&ping, 0, sizeof(ping));
	CU_ASSERT_EQUAL(cp_dplink_request(&fx.l, 0, &ping.hdr, sizeof(ping.hdr) - 1, TIMEOUT, T0,
					  rec_cb, &fx.rec[0]),
			-EINVAL);
	CU_ASSERT_EQUAL(fx.l.n_pending, 0);
}

static void
test_request_longer_than_slot_gives_einval(void)
{
	union {
		struct ipc_hdr hdr;
		uint8_t bytes[IPC_CMD_SLOT + 8];
	} big;

	CU_ASSERT_FATAL(fx.ready);
	memset(&big, 0, sizeof(big));
	ipc_hdr_init(&big.hdr, IPC_MSG_PING, sizeof(big), 0);
	CU_ASSERT_EQUAL(cp_dplink_request(&fx.l, 0, &big.hdr, sizeof(big), TIMEOUT, T0,
					  rec_cb, &fx.rec[0]),
			-EINVAL);
	CU_ASSERT_EQUAL(fx.l.n_pending, 0);
	CU_ASSERT_EQUAL(fx.l.stats.cmd_full, 0);
}

static void
test_request_puts_command_on_that_lcore_ring(void)
{
	struct ipc_msg_ping got;
	uint32_t req_id = 0;

	CU_ASSERT_FATAL(fx.ready);
	CU_ASSERT_EQUAL_FATAL(send_ping(1, 0xc0ffee, T0, &fx.rec[0], &req_id), 0);
	CU_ASSERT_EQUAL(pop_cmd(0, &got), -EAGAIN);
	CU_ASSERT_EQUAL_FATAL(pop_cmd(1, &got), IPC_CMD_SLOT);
	CU_ASSERT_EQUAL(got.hdr.type, IPC_MSG_PING);
	CU_ASSERT_EQUAL(got.hdr.len, sizeof(struct ipc_msg_ping));
	CU_ASSERT_NOT_EQUAL(req_id, 0);
	CU_ASSERT_EQUAL(got.hdr.req_id, req_id);
	CU_ASSERT_EQUAL(got.cookie, 0xc0ffee);
	CU_ASSERT_EQUAL(fx.l.stats.cmd_sent, 1);
	CU_ASSERT_EQUAL(fx.l.n_pending, 1);
}

static void
test_request_fills_in_header_len(void)
{
	struct ipc_msg_ping ping, got;

	CU_ASSERT_FATAL(fx.ready);
	memset(&ping, 0, sizeof(ping));
	ipc_hdr_init(&ping.hdr, IPC_MSG_PING, 0, 0);
	CU_ASSERT_EQUAL_FATAL(cp_dplink_request(&fx.l, 0, &ping.hdr, sizeof(ping), TIMEOUT, T0,
						rec_cb, &fx.rec[0]),
			      0);
	CU_ASSERT_EQUAL_FATAL(pop_cmd(0, &got), IPC_CMD_SLOT);
	CU_ASSERT_EQUAL(got.hdr.len, sizeof(ping));
}

static void
test_reply_matched_by_req_id_runs_callback_once(void)
{
	struct ipc_msg_ping got;

	CU_ASSERT_FATAL(fx.ready);
	CU_ASSERT_EQUAL_FATAL(send_ping(1, 77, T0, &fx.rec[0], NULL), 0);
	CU_ASSERT_EQUAL_FATAL(pop_cmd(1, &got), IPC_CMD_SLOT);
	CU_ASSERT_EQUAL_FATAL(push_pong(1, got.hdr.req_id, got.cookie), 0);
	CU_ASSERT_EQUAL(cp_dplink_poll(&fx.l, T0 + 10), 1);
	CU_ASSERT_EQUAL(fx.rec[0].calls, 1);
	CU_ASSERT_FALSE(fx.rec[0].got_null);
	CU_ASSERT_EQUAL(fx.rec[0].lcore_idx, 1);
	CU_ASSERT_EQUAL(fx.rec[0].now_ns, T0 + 10);
	CU_ASSERT_EQUAL(fx.rec[0].reply.hdr.type, IPC_MSG_PONG);
	CU_ASSERT_EQUAL(fx.rec[0].reply.hdr.req_id, got.hdr.req_id);
	CU_ASSERT_EQUAL(fx.rec[0].reply.pong.cookie, 77);
	CU_ASSERT_EQUAL(fx.rec[0].reply.pong.dp_iterations, 4242);
	CU_ASSERT_EQUAL(fx.l.n_pending, 0);
	CU_ASSERT_EQUAL(fx.l.stats.evt_rx, 1);
	CU_ASSERT_EQUAL(fx.l.stats.evt_unmatched, 0);
	/* Past the deadline nothing fires again. */
	CU_ASSERT_EQUAL(cp_dplink_poll(&fx.l, T0 + 2 * TIMEOUT), 0);
	CU_ASSERT_EQUAL(fx.rec[0].calls, 1);
	CU_ASSERT_EQUAL(fx.l.stats.timeouts, 0);
}

static void
test_reply_goes_to_the_request_with_its_req_id(void)
{
	uint32_t id_a = 0, id_b = 0;

	CU_ASSERT_FATAL(fx.ready);
	CU_ASSERT_EQUAL_FATAL(send_ping(0, 1, T0, &fx.rec[0], &id_a), 0);
	CU_ASSERT_EQUAL_FATAL(send_ping(0, 2, T0, &fx.rec[1], &id_b), 0);
	/* Answer only the second request. */
	CU_ASSERT_EQUAL_FATAL(push_pong(0, id_b, 2), 0);
	CU_ASSERT_EQUAL(cp_dplink_poll(&fx.l, T0 + 1), 1);
	CU_ASSERT_EQUAL(fx.rec[0].calls, 0);
	CU_ASSERT_EQUAL(fx.rec[1].calls, 1);
	CU_ASSERT_EQUAL(fx.rec[1].reply.pong.cookie, 2);
	CU_ASSERT_EQUAL(fx.l.n_pending, 1);
}

static void
test_reply_on_wrong_lcore_ring_is_unmatched(void)
{
	uint32_t req_id = 0;

	CU_ASSERT_FATAL(fx.ready);
	CU_ASSERT_EQUAL_FATAL(send_ping(0, 5, T0, &fx.rec[0], &req_id), 0);
	/* The right req_id, but on lcore 1's event ring. */
	CU_ASSERT_EQUAL_FATAL(push_pong(1, req_id, 5), 0);
	CU_ASSERT_EQUAL(cp_dplink_poll(&fx.l, T0 + 1), 1);
	CU_ASSERT_EQUAL(fx.rec[0].calls, 0);
	CU_ASSERT_EQUAL(fx.l.stats.evt_rx, 1);
	CU_ASSERT_EQUAL(fx.l.stats.evt_unmatched, 1);
	CU_ASSERT_EQUAL(fx.l.n_pending, 1);
}

static void
test_reply_with_unknown_req_id_is_unmatched(void)
{
	uint32_t req_id = 0;

	CU_ASSERT_FATAL(fx.ready);
	CU_ASSERT_EQUAL_FATAL(send_ping(0, 5, T0, &fx.rec[0], &req_id), 0);
	CU_ASSERT_EQUAL_FATAL(push_pong(0, req_id + 100, 5), 0);
	CU_ASSERT_EQUAL_FATAL(push_pong(0, 0, 5), 0);
	CU_ASSERT_EQUAL(cp_dplink_poll(&fx.l, T0 + 1), 2);
	CU_ASSERT_EQUAL(fx.rec[0].calls, 0);
	CU_ASSERT_EQUAL(fx.l.stats.evt_unmatched, 2);
	CU_ASSERT_EQUAL(fx.l.n_pending, 1);
}

static void
test_request_times_out_with_null_reply_at_deadline(void)
{
	CU_ASSERT_FATAL(fx.ready);
	CU_ASSERT_EQUAL_FATAL(send_ping(1, 1, T0, &fx.rec[0], NULL), 0);
	/* One ns before the deadline: still pending. */
	CU_ASSERT_EQUAL(cp_dplink_poll(&fx.l, T0 + TIMEOUT - 1), 0);
	CU_ASSERT_EQUAL(fx.rec[0].calls, 0);
	CU_ASSERT_EQUAL(fx.l.stats.timeouts, 0);
	CU_ASSERT_EQUAL(fx.l.n_pending, 1);
	/* Exactly at the deadline: expired with a NULL reply. */
	CU_ASSERT_EQUAL(cp_dplink_poll(&fx.l, T0 + TIMEOUT), 0);
	CU_ASSERT_EQUAL(fx.rec[0].calls, 1);
	CU_ASSERT_TRUE(fx.rec[0].got_null);
	CU_ASSERT_EQUAL(fx.rec[0].lcore_idx, 1);
	CU_ASSERT_EQUAL(fx.rec[0].now_ns, T0 + TIMEOUT);
	CU_ASSERT_EQUAL(fx.l.stats.timeouts, 1);
	CU_ASSERT_EQUAL(fx.l.n_pending, 0);
}

static void
test_timeout_fires_only_once(void)
{
	CU_ASSERT_FATAL(fx.ready);
	CU_ASSERT_EQUAL_FATAL(send_ping(0, 1, T0, &fx.rec[0], NULL), 0);
	cp_dplink_poll(&fx.l, T0 + TIMEOUT);
	cp_dplink_poll(&fx.l, T0 + 2 * TIMEOUT);
	CU_ASSERT_EQUAL(fx.rec[0].calls, 1);
	CU_ASSERT_EQUAL(fx.l.stats.timeouts, 1);
}

static void
test_timeout_handles_clock_wrap(void)
{
	const uint64_t now = UINT64_MAX - 10;

	CU_ASSERT_FATAL(fx.ready);
	/* The deadline wraps past 2^64; the request must not expire at once. */
	CU_ASSERT_EQUAL_FATAL(send_ping(0, 1, now, &fx.rec[0], NULL), 0);
	cp_dplink_poll(&fx.l, now + 1);
	CU_ASSERT_EQUAL(fx.rec[0].calls, 0);
	cp_dplink_poll(&fx.l, now + TIMEOUT);
	CU_ASSERT_EQUAL(fx.rec[0].calls, 1);
	CU_ASSERT_TRUE(fx.rec[0].got_null);
}

static void
test_late_reply_after_timeout_is_unmatched(void)
{
	uint32_t req_id = 0;

	CU_ASSERT_FATAL(fx.ready);
	CU_ASSERT_EQUAL_FATAL(send_ping(0, 1, T0, &fx.rec[0], &req_id), 0);
	cp_dplink_poll(&fx.l, T0 + TIMEOUT);
	CU_ASSERT_EQUAL_FATAL(push_pong(0, req_id, 1), 0);
	CU_ASSERT_EQUAL(cp_dplink_poll(&fx.l, T0 + TIMEOUT + 1), 1);
	CU_ASSERT_EQUAL(fx.rec[0].calls, 1);
	CU_ASSERT_TRUE(fx.rec[0].got_null);
	CU_ASSERT_EQUAL(fx.l.stats.evt_unmatched, 1);
}

static void
test_event_with_bad_len_is_counted_evt_bad(void)
{
	struct ipc_msg_pong pong;
	uint32_t req_id = 0;

	CU_ASSERT_FATAL(fx.ready);
	CU_ASSERT_EQUAL_FATAL(send_ping(0, 1, T0, &fx.rec[0], &req_id), 0);
	memset(&pong, 0, sizeof(pong));
	/* A PONG whose length field is one byte short of the struct. */
	ipc_hdr_init(&pong.hdr, IPC_MSG_PONG, sizeof(pong) - 1, req_id);
	CU_ASSERT_EQUAL_FATAL(ipc_ring_push(&fx.evt[0], &pong, sizeof(pong)), 0);
	CU_ASSERT_EQUAL(cp_dplink_poll(&fx.l, T0 + 1), 1);
	CU_ASSERT_EQUAL(fx.l.stats.evt_rx, 1);
	CU_ASSERT_EQUAL(fx.l.stats.evt_bad, 1);
	CU_ASSERT_EQUAL(fx.l.stats.evt_unmatched, 0);
	CU_ASSERT_EQUAL(fx.rec[0].calls, 0);
	CU_ASSERT_EQUAL(fx.l.n_pending, 1);
}

static void
test_event_longer_than_slot_is_counted_evt_bad(void)
{
	struct ipc_msg_pong pong;
	uint32_t req_id = 0;

	CU_ASSERT_FATAL(fx.ready);
	CU_ASSERT_EQUAL_FATAL(send_ping(0, 1, T0, &fx.rec[0], &req_id), 0);
	memset(&pong, 0, sizeof(pong));
	ipc_hdr_init(&pong.hdr, IPC_MSG_PONG, 0xffff, req_id);
	CU_ASSERT_EQUAL_FATAL(ipc_ring_push(&fx.evt[0], &pong, sizeof(pong)), 0);
	CU_ASSERT_EQUAL(cp_dplink_poll(&fx.l, T0 + 1), 1);
	CU_ASSERT_EQUAL(fx.l.stats.evt_bad, 1);
	CU_ASSERT_EQUAL(fx.rec[0].calls, 0);
}

static void
test_command_type_on_event_ring_is_counted_evt_bad(void)
{
	struct ipc_msg_ping ping;
	uint32_t req_id = 0;

	CU_ASSERT_FATAL(fx.ready);
	CU_ASSERT_EQUAL_FATAL(send_ping(0, 1, T0, &fx.rec[0], &req_id), 0);
	/* Echo the PING itself back: a command type on the event ring. */
	memset(&ping, 0, sizeof(ping));
	ipc_hdr_init(&ping.hdr, IPC_MSG_PING, sizeof(ping), req_id);
	CU_ASSERT_EQUAL_FATAL(ipc_ring_push(&fx.evt[0], &ping, sizeof(ping)), 0);
	CU_ASSERT_EQUAL(cp_dplink_poll(&fx.l, T0 + 1), 1);
	CU_ASSERT_EQUAL(fx.l.stats.evt_bad, 1);
	CU_ASSERT_EQUAL(fx.rec[0].calls, 0);
	CU_ASSERT_EQUAL(fx.l.n_pending, 1);
}

static void
test_cmd_error_reply_reaches_callback_and_counts_cmd_errors(void)
{
	struct ipc_msg_cmd_error e;
	uint32_t req_id = 0;

	CU_ASSERT_FATAL(fx.ready);
	CU_ASSERT_EQUAL_FATAL(send_ping(1, 1, T0, &fx.rec[0], &req_id), 0);
	memset(&e, 0, sizeof(e));
	ipc_hdr_init(&e.hdr, IPC_MSG_CMD_ERROR, sizeof(e), req_id);
	e.bad_type = IPC_MSG_PING;
	e.bad_len = sizeof(struct ipc_msg_ping);
	e.err = -ENOTSUP;
	CU_ASSERT_EQUAL_FATAL(ipc_ring_push(&fx.evt[1], &e, sizeof(e)), 0);
	CU_ASSERT_EQUAL(cp_dplink_poll(&fx.l, T0 + 1), 1);
	CU_ASSERT_EQUAL(fx.rec[0].calls, 1);
	CU_ASSERT_FALSE(fx.rec[0].got_null);
	CU_ASSERT_EQUAL(fx.rec[0].lcore_idx, 1);
	CU_ASSERT_EQUAL(fx.rec[0].reply.hdr.type, IPC_MSG_CMD_ERROR);
	CU_ASSERT_EQUAL(fx.rec[0].reply.err.err, -ENOTSUP);
	CU_ASSERT_EQUAL(fx.rec[0].reply.err.bad_type, IPC_MSG_PING);
	CU_ASSERT_EQUAL(fx.l.stats.cmd_errors, 1);
	CU_ASSERT_EQUAL(fx.l.n_pending, 0);
}

static void
test_command_ring_full_gives_enobufs(void)
{
	struct ipc_ring *ring;

	CU_ASSERT_FATAL(fx.ready);
	ring = ipc_shm_ring(&fx.dp_shm, 0, IPC_RING_CMD);
	for (uint32_t i = 0; i < CMD_SLOTS; i++)
		CU_ASSERT_EQUAL(send_ping(0, i, T0, &fx.rec[0], NULL), 0);
	CU_ASSERT_EQUAL(send_ping(0, 99, T0, &fx.rec[1], NULL), -ENOBUFS);
	CU_ASSERT_EQUAL(fx.l.stats.cmd_full, 1);
	CU_ASSERT_EQUAL(ipc_ring_full_count(ring), 1);
	CU_ASSERT_EQUAL(fx.l.stats.cmd_sent, CMD_SLOTS);
	CU_ASSERT_EQUAL(fx.l.n_pending, CMD_SLOTS);
	/* The refused request is not pending: it never calls back. */
	cp_dplink_poll(&fx.l, T0 + TIMEOUT);
	CU_ASSERT_EQUAL(fx.rec[0].calls, (int)CMD_SLOTS);
	CU_ASSERT_EQUAL(fx.rec[1].calls, 0);
}

static void
test_full_command_ring_does_not_block_other_lcores(void)
{
	CU_ASSERT_FATAL(fx.ready);
	for (uint32_t i = 0; i < CMD_SLOTS; i++)
		CU_ASSERT_EQUAL(send_ping(0, i, T0, &fx.rec[0], NULL), 0);
	CU_ASSERT_EQUAL(send_ping(1, 0, T0, &fx.rec[1], NULL), 0);
	CU_ASSERT_EQUAL(fx.l.stats.cmd_full, 0);
}

static void
test_pending_table_full_gives_ebusy(void)
{
	struct ipc_msg_ping got;
	uint32_t sent = 0, popped = 0;

	CU_ASSERT_FATAL(fx.ready);
	/* A dataplane that takes every command and never answers. */
	for (uint32_t i = 0; i < CP_DPLINK_PENDING_MAX; i++) {
		sent += send_ping(i % N_LCORES, i, T0, &fx.rec[0], NULL) == 0;
		popped += pop_cmd(i % N_LCORES, &got) == IPC_CMD_SLOT;
	}
	CU_ASSERT_EQUAL_FATAL(sent, CP_DPLINK_PENDING_MAX);
	CU_ASSERT_EQUAL(popped, CP_DPLINK_PENDING_MAX);
	CU_ASSERT_EQUAL(fx.l.n_pending, CP_DPLINK_PENDING_MAX);
	CU_ASSERT_EQUAL(send_ping(0, 0, T0, &fx.rec[1], NULL), -EBUSY);
	/* Refused before touching the (empty) ring. */
	CU_ASSERT_EQUAL(pop_cmd(0, &got), -EAGAIN);
	CU_ASSERT_EQUAL(fx.l.stats.cmd_full, 0);
	CU_ASSERT_EQUAL(fx.l.stats.cmd_sent, CP_DPLINK_PENDING_MAX);
}

static void
test_pending_slot_is_reused_after_reply(void)
{
	struct ipc_msg_ping got;
	uint32_t sent = 0, req_id = 0;

	CU_ASSERT_FATAL(fx.ready);
	for (uint32_t i = 0; i < CP_DPLINK_PENDING_MAX; i++) {
		sent += send_ping(i % N_LCORES, i, T0, &fx.rec[0], NULL) == 0;
		pop_cmd(i % N_LCORES, &got);
	}
	CU_ASSERT_EQUAL_FATAL(sent, CP_DPLINK_PENDING_MAX);
	/* Answer the last one sent (lcore 1); its slot frees. */
	CU_ASSERT_EQUAL_FATAL(push_pong(1, got.hdr.req_id, got.cookie), 0);
	CU_ASSERT_EQUAL(cp_dplink_poll(&fx.l, T0 + 1), 1);
	CU_ASSERT_EQUAL(fx.l.n_pending, CP_DPLINK_PENDING_MAX - 1);
	CU_ASSERT_EQUAL(send_ping(0, 0, T0, &fx.rec[1], &req_id), 0);
	CU_ASSERT_EQUAL(fx.l.n_pending, CP_DPLINK_PENDING_MAX);
}

static void
test_detach_fails_all_pending_with_null_replies(void)
{
	CU_ASSERT_FATAL(fx.ready);
	CU_ASSERT_EQUAL_FATAL(send_ping(0, 1, T0, &fx.rec[0], NULL), 0);
	CU_ASSERT_EQUAL_FATAL(send_ping(0, 2, T0, &fx.rec[1], NULL), 0);
	CU_ASSERT_EQUAL_FATAL(send_ping(1, 3, T0, &fx.rec[2], NULL), 0);
	cp_dplink_detach(&fx.l, T0 + 7);
	CU_ASSERT_EQUAL(fx.rec[0].calls, 1);
	CU_ASSERT_EQUAL(fx.rec[1].calls, 1);
	CU_ASSERT_EQUAL(fx.rec[2].calls, 1);
	CU_ASSERT_TRUE(fx.rec[0].got_null);
	CU_ASSERT_TRUE(fx.rec[1].got_null);
	CU_ASSERT_TRUE(fx.rec[2].got_null);
	CU_ASSERT_EQUAL(fx.rec[2].lcore_idx, 1);
	CU_ASSERT_EQUAL(fx.rec[2].now_ns, T0 + 7);
	CU_ASSERT_EQUAL(fx.l.n_pending, 0);
	CU_ASSERT_FALSE(fx.l.attached);
	CU_ASSERT_FALSE(cp_dplink_is_up(&fx.l));
	/* Detach does not count timeouts. */
	CU_ASSERT_EQUAL(fx.l.stats.timeouts, 0);
}

static void
test_detach_twice_is_safe(void)
{
	CU_ASSERT_FATAL(fx.ready);
	cp_dplink_detach(&fx.l, T0);
	cp_dplink_detach(&fx.l, T0);
	CU_ASSERT_FALSE(fx.l.attached);
	CU_ASSERT_EQUAL(fx.l.n_lcores, 0);
}

static void
test_poll_while_detached_consumes_nothing(void)
{
	CU_ASSERT_FATAL(fx.ready);
	CU_ASSERT_EQUAL_FATAL(push_pong(0, 1, 0), 0);
	cp_dplink_detach(&fx.l, T0);
	CU_ASSERT_EQUAL(cp_dplink_poll(&fx.l, T0), 0);
	CU_ASSERT_EQUAL(fx.l.stats.evt_rx, 0);
}

static void
test_cancel_drops_pending_without_callback(void)
{
	uint32_t id_a = 0;

	CU_ASSERT_FATAL(fx.ready);
	CU_ASSERT_EQUAL_FATAL(send_ping(0, 1, T0, &fx.rec[0], &id_a), 0);
	CU_ASSERT_EQUAL_FATAL(send_ping(1, 2, T0, &fx.rec[0], NULL), 0);
	CU_ASSERT_EQUAL_FATAL(send_ping(1, 3, T0, &fx.rec[1], NULL), 0);
	cp_dplink_cancel(&fx.l, &fx.rec[0]);
	CU_ASSERT_EQUAL(fx.l.n_pending, 1);
	/* A reply to a cancelled request is unmatched; the survivor times out. */
	CU_ASSERT_EQUAL_FATAL(push_pong(0, id_a, 1), 0);
	cp_dplink_poll(&fx.l, T0 + TIMEOUT);
	CU_ASSERT_EQUAL(fx.rec[0].calls, 0);
	CU_ASSERT_EQUAL(fx.rec[1].calls, 1);
	CU_ASSERT_EQUAL(fx.l.stats.evt_unmatched, 1);
	CU_ASSERT_EQUAL(fx.l.stats.timeouts, 1);
	CU_ASSERT_EQUAL(fx.l.n_pending, 0);
}

static void
test_cancel_then_detach_does_not_call_back(void)
{
	CU_ASSERT_FATAL(fx.ready);
	CU_ASSERT_EQUAL_FATAL(send_ping(0, 1, T0, &fx.rec[0], NULL), 0);
	cp_dplink_cancel(&fx.l, &fx.rec[0]);
	cp_dplink_detach(&fx.l, T0);
	CU_ASSERT_EQUAL(fx.rec[0].calls, 0);
}

static void
test_req_ids_are_unique_and_nonzero(void)
{
	uint32_t ids[3 * CMD_SLOTS];
	struct ipc_msg_ping got;
	int zero = 0, dup = 0;

	CU_ASSERT_FATAL(fx.ready);
	for (uint32_t i = 0; i < 3 * CMD_SLOTS; i++) {
		CU_ASSERT_EQUAL(send_ping(i % N_LCORES, i, T0, &fx.rec[0], &ids[i]), 0);
		CU_ASSERT_EQUAL(pop_cmd(i % N_LCORES, &got), IPC_CMD_SLOT);
		CU_ASSERT_EQUAL(got.hdr.req_id, ids[i]);
	}
	for (uint32_t i = 0; i < 3 * CMD_SLOTS; i++) {
		zero += ids[i] == 0;
		for (uint32_t j = i + 1; j < 3 * CMD_SLOTS; j++)
			dup += ids[i] == ids[j];
	}
	CU_ASSERT_EQUAL(zero, 0);
	CU_ASSERT_EQUAL(dup, 0);
}

static void
test_req_id_wrap_skips_zero(void)
{
	uint32_t id_a = 0, id_b = 0;

	CU_ASSERT_FATAL(fx.ready);
	fx.l.next_req_id = UINT32_MAX;
	CU_ASSERT_EQUAL_FATAL(send_ping(0, 1, T0, &fx.rec[0], &id_a), 0);
	CU_ASSERT_EQUAL_FATAL(send_ping(0, 2, T0, &fx.rec[0], &id_b), 0);
	CU_ASSERT_EQUAL(id_a, UINT32_MAX);
	CU_ASSERT_EQUAL(id_b, 1);
}

/* After the 32-bit id wraps, an id still pending is skipped, not reused. */
static void
test_req_id_wrap_skips_ids_still_pending(void)
{
	uint32_t id_a = 0, id_b = 0, id_c = 0;

	CU_ASSERT_FATAL(fx.ready);
	fx.l.next_req_id = UINT32_MAX;
	CU_ASSERT_EQUAL_FATAL(send_ping(0, 1, T0, &fx.rec[0], &id_a), 0);
	CU_ASSERT_EQUAL_FATAL(send_ping(1, 2, T0, &fx.rec[1], &id_b), 0);
	fx.l.next_req_id = UINT32_MAX; /* as if 2^32 more requests had gone by */
	CU_ASSERT_EQUAL_FATAL(send_ping(0, 3, T0, &fx.rec[2], &id_c), 0);
	CU_ASSERT_EQUAL(id_a, UINT32_MAX);
	CU_ASSERT_EQUAL(id_b, 1);
	CU_ASSERT_EQUAL(id_c, 2);
}

/* A timeout too long to add to the clock is capped, not wrapped into the past. */
static void
test_huge_timeout_is_capped(void)
{
	struct ipc_msg_ping ping;

	CU_ASSERT_FATAL(fx.ready);
	memset(&ping, 0, sizeof(ping));
	ipc_hdr_init(&ping.hdr, IPC_MSG_PING, sizeof(ping), 0);
	CU_ASSERT_EQUAL_FATAL(cp_dplink_request(&fx.l, 0, &ping.hdr, sizeof(ping), UINT64_MAX, T0,
						rec_cb, &fx.rec[0]),
			      0);
	cp_dplink_poll(&fx.l, T0 + 1);
	CU_ASSERT_EQUAL(fx.rec[0].calls, 0);
	cp_dplink_poll(&fx.l, T0 + CP_DPLINK_TIMEOUT_MAX_NS - 1);
	CU_ASSERT_EQUAL(fx.rec[0].calls, 0);
	cp_dplink_poll(&fx.l, T0 + CP_DPLINK_TIMEOUT_MAX_NS);
	CU_ASSERT_EQUAL(fx.rec[0].calls, 1);
	CU_ASSERT_TRUE(fx.rec[0].got_null);
}

static void
test_poll_drains_at_most_batch_per_lcore(void)
{
	uint32_t pushed = 0;

	CU_ASSERT_FATAL(fx.ready);
	for (uint32_t i = 0; i < CP_DPLINK_POLL_BATCH + 10; i++)
		pushed += push_pong(0, 0, i) == 0;
	CU_ASSERT_EQUAL_FATAL(pushed, CP_DPLINK_POLL_BATCH + 10);
	CU_ASSERT_EQUAL(cp_dplink_poll(&fx.l, T0), CP_DPLINK_POLL_BATCH);
	CU_ASSERT_EQUAL(cp_dplink_poll(&fx.l, T0), 10);
	CU_ASSERT_EQUAL(cp_dplink_poll(&fx.l, T0), 0);
	CU_ASSERT_EQUAL(fx.l.stats.evt_rx, CP_DPLINK_POLL_BATCH + 10);
}

static void
test_is_up_false_after_creator_marks_stopping(void)
{
	CU_ASSERT_FATAL(fx.ready);
	CU_ASSERT_TRUE_FATAL(cp_dplink_is_up(&fx.l));
	/* The dataplane shuts down: marks STOPPING, unlinks and unmaps. */
	ipc_shm_close(&fx.dp_shm);
	CU_ASSERT_FALSE(cp_dplink_is_up(&fx.l));
	/* Still attached (our mapping stays valid) until the owner detaches. */
	CU_ASSERT_TRUE(fx.l.attached);
}


/* Counter visitor: count names, note /cp/dplink/evt_partial = 5. */
static void
counters_cb(void *arg, const char *name, uint64_t value)
{
	struct {
		int n;
		int partial_seen;
	} *seen = arg;

	seen->n++;
	CU_ASSERT_EQUAL(strncmp(name, "/cp/dplink/", 11), 0);
	if (strcmp(name, "/cp/dplink/evt_partial") == 0 && value == 5)
		seen->partial_seen++;
}

/* A callback that records whether the link still looked up when it ran. */
static int up_inside_cb = -1;

static void
up_probe_cb(void *arg, const struct ipc_hdr *reply, uint32_t lcore_idx, uint64_t now_ns)
{
	struct ipc_msg_ping ping;

	(void)arg;
	(void)reply;
	(void)lcore_idx;
	up_inside_cb = cp_dplink_is_up(&fx.l);
	/* New requests are refused while the link is being torn down. */
	memset(&ping, 0, sizeof(ping));
	ipc_hdr_init(&ping.hdr, IPC_MSG_PING, sizeof(ping), 0);
	CU_ASSERT_EQUAL(cp_dplink_request(&fx.l, 0, &ping.hdr, sizeof(ping), TIMEOUT, now_ns,
					  rec_cb, &fx.rec[1]),
			-ENOTCONN);
}

static void
test_is_up_false_inside_detach_callbacks(void)
{
	struct ipc_msg_ping ping;

	CU_ASSERT_FATAL(fx.ready);
	memset(&ping, 0, sizeof(ping));
	ipc_hdr_init(&ping.hdr, IPC_MSG_PING, sizeof(ping), 0);
	CU_ASSERT_EQUAL_FATAL(cp_dplink_request(&fx.l, 0, &ping.hdr, sizeof(ping), TIMEOUT, T0,
						up_probe_cb, NULL),
			      0);
	cp_dplink_detach(&fx.l, T0);
	CU_ASSERT_EQUAL(up_inside_cb, 0);
	CU_ASSERT_EQUAL(fx.rec[1].calls, 0);
	CU_ASSERT_EQUAL(fx.l.n_pending, 0);
}

/* ---- multi-part replies ---------------------------------------------------- */

/* Send a CHAN_LIST to lcore @p lc; return its req_id (0 on failure). */
static uint32_t
send_list(uint32_t lc, struct rec *r, uint64_t now)
{
	struct ipc_msg_chan_list m;

	memset(&m, 0, sizeof(m));
	ipc_hdr_init(&m.hdr, IPC_MSG_CHAN_LIST, sizeof(m), 0);
	m.max = IPC_CHAN_LIST_MAX;
	if (cp_dplink_request(&fx.l, lc, &m.hdr, sizeof(m), TIMEOUT, now, rec_cb, r) != 0)
		return 0;
	return m.hdr.req_id;
}

static int
push_info(uint32_t lc, uint32_t req_id, uint32_t chan)
{
	struct ipc_msg_chan_info c;

	memset(&c, 0, sizeof(c));
	ipc_hdr_init(&c.hdr, IPC_MSG_CHAN_INFO, sizeof(c), req_id);
	c.chan = chan;
	return ipc_ring_push(&fx.evt[lc], &c, sizeof(c));
}

static int
push_list_end(uint32_t lc, uint32_t req_id, uint32_t count)
{
	struct ipc_msg_chan_list_end e;

	memset(&e, 0, sizeof(e));
	ipc_hdr_init(&e.hdr, IPC_MSG_CHAN_LIST_END, sizeof(e), req_id);
	e.count = count;
	return ipc_ring_push(&fx.evt[lc], &e, sizeof(e));
}

static void
test_chan_info_replies_keep_the_list_pending_until_list_end(void)
{
	uint32_t id;

	CU_ASSERT_FATAL(fx.ready);
	id = send_list(1, &fx.rec[0], T0);
	CU_ASSERT_NOT_EQUAL_FATAL(id, 0);
	CU_ASSERT_EQUAL_FATAL(push_info(1, id, 0x11), 0);
	CU_ASSERT_EQUAL_FATAL(push_info(1, id, 0x12), 0);
	CU_ASSERT_EQUAL(cp_dplink_poll(&fx.l, T0 + 1), 2);
	CU_ASSERT_EQUAL(fx.rec[0].calls, 2);
	CU_ASSERT_EQUAL(fx.rec[0].types[0], IPC_MSG_CHAN_INFO);
	CU_ASSERT_EQUAL(fx.rec[0].reply.info.chan, 0x12);
	CU_ASSERT_EQUAL(fx.l.n_pending, 1);
	CU_ASSERT_EQUAL(fx.l.stats.evt_partial, 2);
	CU_ASSERT_EQUAL_FATAL(push_list_end(1, id, 2), 0);
	CU_ASSERT_EQUAL(cp_dplink_poll(&fx.l, T0 + 2), 1);
	CU_ASSERT_EQUAL(fx.rec[0].calls, 3);
	CU_ASSERT_EQUAL(fx.rec[0].types[2], IPC_MSG_CHAN_LIST_END);
	CU_ASSERT_EQUAL(fx.rec[0].reply.end.count, 2);
	CU_ASSERT_EQUAL(fx.l.n_pending, 0);
	/* After the end, a stray CHAN_INFO for the same id is unmatched. */
	CU_ASSERT_EQUAL_FATAL(push_info(1, id, 0x13), 0);
	cp_dplink_poll(&fx.l, T0 + 3);
	CU_ASSERT_EQUAL(fx.rec[0].calls, 3);
	CU_ASSERT_EQUAL(fx.l.stats.evt_unmatched, 1);
}

static void
test_list_with_partial_replies_still_times_out(void)
{
	uint32_t id;

	CU_ASSERT_FATAL(fx.ready);
	id = send_list(0, &fx.rec[0], T0);
	CU_ASSERT_EQUAL_FATAL(push_info(0, id, 0x11), 0);
	cp_dplink_poll(&fx.l, T0 + TIMEOUT - 1);
	CU_ASSERT_EQUAL(fx.rec[0].calls, 1);
	cp_dplink_poll(&fx.l, T0 + TIMEOUT);
	CU_ASSERT_EQUAL(fx.rec[0].calls, 2);
	CU_ASSERT_TRUE(fx.rec[0].got_null);
	CU_ASSERT_EQUAL(fx.rec[0].types[1], 0);
	CU_ASSERT_EQUAL(fx.l.n_pending, 0);
	CU_ASSERT_EQUAL(fx.l.stats.timeouts, 1);
}

static void
test_cmd_error_ends_a_list(void)
{
	struct ipc_msg_cmd_error e;
	uint32_t id;

	CU_ASSERT_FATAL(fx.ready);
	id = send_list(0, &fx.rec[0], T0);
	memset(&e, 0, sizeof(e));
	ipc_hdr_init(&e.hdr, IPC_MSG_CMD_ERROR, sizeof(e), id);
	e.err = -ENOTSUP;
	CU_ASSERT_EQUAL_FATAL(ipc_ring_push(&fx.evt[0], &e, sizeof(e)), 0);
	cp_dplink_poll(&fx.l, T0 + 1);
	CU_ASSERT_EQUAL(fx.rec[0].calls, 1);
	CU_ASSERT_EQUAL(fx.l.n_pending, 0);
}

static void
test_chan_info_to_another_request_completes_it(void)
{
	uint32_t id = 0;

	CU_ASSERT_FATAL(fx.ready);
	/* Only a CHAN_LIST takes partial replies: a CHAN_INFO to a PING is its answer. */
	CU_ASSERT_EQUAL_FATAL(send_ping(0, 1, T0, &fx.rec[0], &id), 0);
	CU_ASSERT_EQUAL_FATAL(push_info(0, id, 0x11), 0);
	cp_dplink_poll(&fx.l, T0 + 1);
	CU_ASSERT_EQUAL(fx.rec[0].calls, 1);
	CU_ASSERT_EQUAL(fx.rec[0].types[0], IPC_MSG_CHAN_INFO);
	CU_ASSERT_EQUAL(fx.l.n_pending, 0);
	CU_ASSERT_EQUAL(fx.l.stats.evt_partial, 0);
}

/* ---- cell rings -------------------------------------------------------------- */

static void
test_attach_counts_epochs(void)
{
	char err[256];
	uint32_t e1;

	CU_ASSERT_FATAL(fx.ready);
	e1 = fx.l.epoch;
	CU_ASSERT_NOT_EQUAL(e1, 0);
	cp_dplink_detach(&fx.l, T0);
	CU_ASSERT_EQUAL(fx.l.epoch, e1);
	CU_ASSERT_EQUAL_FATAL(cp_dplink_attach(&fx.l, fx.name, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(fx.l.epoch, e1 + 1);
	CU_ASSERT_EQUAL(fx.l.cell_down[1].nslots, DOWN_SLOTS);
}

static void
test_request_on_cell_down_goes_there_and_is_answered_on_evt(void)
{
	struct ipc_msg_link_install m;
	struct ipc_msg_link_installed r;
	union {
		struct ipc_hdr hdr;
		struct ipc_msg_link_install in;
		uint8_t bytes[IPC_CELL_SLOT];
	} got;
	struct ipc_msg_ping ping;

	CU_ASSERT_FATAL(fx.ready);
	memset(&m, 0, sizeof(m));
	ipc_hdr_init(&m.hdr, IPC_MSG_LINK_INSTALL, sizeof(m), 0);
	m.gen = 9;
	CU_ASSERT_EQUAL_FATAL(cp_dplink_request_on(&fx.l, 1, IPC_RING_CELL_DOWN, &m.hdr, sizeof(m),
						   TIMEOUT, T0, rec_cb, &fx.rec[0]),
			      0);
	CU_ASSERT_EQUAL(pop_cmd(1, &ping), -EAGAIN);
	CU_ASSERT_EQUAL_FATAL(ipc_ring_pop(&fx.down[1], &got, sizeof(got)), IPC_CELL_SLOT);
	CU_ASSERT_EQUAL(got.hdr.type, IPC_MSG_LINK_INSTALL);
	CU_ASSERT_EQUAL(got.hdr.req_id, m.hdr.req_id);
	CU_ASSERT_EQUAL(got.in.gen, 9);
	CU_ASSERT_EQUAL(fx.l.stats.down_sent, 1);
	CU_ASSERT_EQUAL(fx.l.stats.cmd_sent, 0);
	memset(&r, 0, sizeof(r));
	ipc_hdr_init(&r.hdr, IPC_MSG_LINK_INSTALLED, sizeof(r), m.hdr.req_id);
	r.gen = 9;
	CU_ASSERT_EQUAL_FATAL(ipc_ring_push(&fx.evt[1], &r, sizeof(r)), 0);
	cp_dplink_poll(&fx.l, T0 + 1);
	CU_ASSERT_EQUAL(fx.rec[0].calls, 1);
	CU_ASSERT_EQUAL(fx.rec[0].types[0], IPC_MSG_LINK_INSTALLED);
	CU_ASSERT_EQUAL(fx.l.n_pending, 0);
}

static void
test_request_on_other_rings_is_einval(void)
{
	struct ipc_msg_ping ping;

	CU_ASSERT_FATAL(fx.ready);
	memset(&ping, 0, sizeof(ping));
	ipc_hdr_init(&ping.hdr, IPC_MSG_PING, sizeof(ping), 0);
	CU_ASSERT_EQUAL(cp_dplink_request_on(&fx.l, 0, IPC_RING_EVT, &ping.hdr, sizeof(ping),
					     TIMEOUT, T0, rec_cb, &fx.rec[0]),
			-EINVAL);
	CU_ASSERT_EQUAL(cp_dplink_request_on(&fx.l, 0, IPC_RING_CELL_UP, &ping.hdr, sizeof(ping),
					     TIMEOUT, T0, rec_cb, &fx.rec[0]),
			-EINVAL);
	CU_ASSERT_EQUAL(fx.l.n_pending, 0);
}

static void
test_down_push_space_and_mark(void)
{
	struct ipc_msg_chan_auth_result m;
	uint8_t slot[IPC_CELL_SLOT];
	uint32_t mark;

	CU_ASSERT_FATAL(fx.ready);
	memset(&m, 0, sizeof(m));
	ipc_hdr_init(&m.hdr, IPC_MSG_CHAN_AUTH_RESULT, 0, 5);
	CU_ASSERT_EQUAL(cp_dplink_down_space(&fx.l, 0), DOWN_SLOTS);
	CU_ASSERT_TRUE(cp_dplink_down_is_consumed(&fx.l, 0, cp_dplink_down_mark(&fx.l, 0)));
	for (uint32_t i = 0; i < DOWN_SLOTS; i++)
		CU_ASSERT_EQUAL(cp_dplink_down_push(&fx.l, 0, &m.hdr, sizeof(m)), 0);
	CU_ASSERT_EQUAL(m.hdr.len, sizeof(m));
	CU_ASSERT_EQUAL(cp_dplink_down_space(&fx.l, 0), 0);
	CU_ASSERT_EQUAL(cp_dplink_down_space(&fx.l, 1), DOWN_SLOTS);
	CU_ASSERT_EQUAL(cp_dplink_down_push(&fx.l, 0, &m.hdr, sizeof(m)), -ENOBUFS);
	CU_ASSERT_EQUAL(fx.l.stats.down_full, 1);
	CU_ASSERT_EQUAL(fx.l.stats.down_sent, DOWN_SLOTS);
	mark = cp_dplink_down_mark(&fx.l, 0);
	CU_ASSERT_FALSE(cp_dplink_down_is_consumed(&fx.l, 0, mark));
	for (uint32_t i = 0; i + 1 < DOWN_SLOTS; i++)
		CU_ASSERT_EQUAL(ipc_ring_pop(&fx.down[0], slot, sizeof(slot)), IPC_CELL_SLOT);
	CU_ASSERT_FALSE(cp_dplink_down_is_consumed(&fx.l, 0, mark));
	CU_ASSERT_EQUAL(cp_dplink_down_space(&fx.l, 0), DOWN_SLOTS - 1);
	CU_ASSERT_EQUAL(ipc_ring_pop(&fx.down[0], slot, sizeof(slot)), IPC_CELL_SLOT);
	CU_ASSERT_TRUE(cp_dplink_down_is_consumed(&fx.l, 0, mark));
	/* Bad arguments. */
	CU_ASSERT_EQUAL(cp_dplink_down_push(&fx.l, N_LCORES, &m.hdr, sizeof(m)), -EINVAL);
	CU_ASSERT_EQUAL(cp_dplink_down_push(&fx.l, 0, &m.hdr, IPC_CELL_SLOT + 8), -EINVAL);
	cp_dplink_detach(&fx.l, T0);
	CU_ASSERT_EQUAL(cp_dplink_down_push(&fx.l, 0, &m.hdr, sizeof(m)), -ENOTCONN);
	CU_ASSERT_EQUAL(cp_dplink_down_space(&fx.l, 0), 0);
	CU_ASSERT_TRUE(cp_dplink_down_is_consumed(&fx.l, 0, mark + 5));
}

/* What the cell handler saw. */
static struct {
	int calls;
	uint32_t lcore_idx[4];
	uint16_t type[4];
	uint32_t chan[4];
} cells;

static void
cell_cb(void *arg, uint32_t lcore_idx, const struct ipc_hdr *msg, uint64_t now_ns)
{
	(void)arg;
	(void)now_ns;
	if (cells.calls < 4) {
		cells.lcore_idx[cells.calls] = lcore_idx;
		cells.type[cells.calls] = msg->type;
		cells.chan[cells.calls] = ((const struct ipc_msg_chan_auth_sign *)(const void *)msg)->chan;
	}
	cells.calls++;
}

static void
test_poll_cells_hands_valid_messages_and_wipes_slots(void)
{
	struct ipc_msg_chan_auth_sign m;
	struct ipc_ring *ring = ipc_shm_ring(&fx.dp_shm, 1, IPC_RING_CELL_UP);
	size_t nonzero = 0;

	CU_ASSERT_FATAL(fx.ready);
	memset(&cells, 0, sizeof(cells));
	memset(&m, 0, sizeof(m));
	ipc_hdr_init(&m.hdr, IPC_MSG_CHAN_AUTH_SIGN, sizeof(m), 3);
	m.chan = 0x77;
	memset(m.tlssecrets, 0xee, sizeof(m.tlssecrets));
	CU_ASSERT_EQUAL_FATAL(ipc_ring_push(&fx.up[1], &m, sizeof(m)), 0);
	/* A command type on the cell_up ring is refused. */
	ipc_hdr_init(&m.hdr, IPC_MSG_PING, sizeof(struct ipc_msg_ping), 4);
	CU_ASSERT_EQUAL_FATAL(ipc_ring_push(&fx.up[1], &m, sizeof(m)), 0);
	CU_ASSERT_EQUAL(cp_dplink_poll_cells(&fx.l, cell_cb, NULL, T0), 2);
	CU_ASSERT_EQUAL(cells.calls, 1);
	CU_ASSERT_EQUAL(cells.lcore_idx[0], 1);
	CU_ASSERT_EQUAL(cells.type[0], IPC_MSG_CHAN_AUTH_SIGN);
	CU_ASSERT_EQUAL(cells.chan[0], 0x77);
	CU_ASSERT_EQUAL(fx.l.stats.up_rx, 2);
	CU_ASSERT_EQUAL(fx.l.stats.up_bad, 1);
	for (size_t i = 0; i < 2 * IPC_CELL_SLOT; i++)
		nonzero += ring->slots[i] != 0;
	CU_ASSERT_EQUAL(nonzero, 0);
	CU_ASSERT_EQUAL(cp_dplink_poll_cells(&fx.l, cell_cb, NULL, T0), 0);
}

static void
test_counters_report_every_stat(void)
{
	struct {
		int n;
		int partial_seen;
	} seen = { 0, 0 };

	CU_ASSERT_FATAL(fx.ready);
	fx.l.stats.evt_partial = 5;
	cp_dplink_counters(&fx.l, counters_cb, &seen);
	CU_ASSERT_EQUAL(seen.n, 14);
	CU_ASSERT_EQUAL(seen.partial_seen, 1);
}

static CU_TestInfo dplink_tests[] = {
	{ "attach_missing_segment_fails_with_enoent",
	  test_attach_missing_segment_fails_with_enoent },
	{ "attach_binds_every_lcore", test_attach_binds_every_lcore },
	{ "request_while_detached_gives_enotconn", test_request_while_detached_gives_enotconn },
	{ "request_after_detach_gives_enotconn", test_request_after_detach_gives_enotconn },
	{ "request_to_lcore_out_of_range_gives_einval",
	  test_request_to_lcore_out_of_range_gives_einval },
	{ "request_shorter_than_header_gives_einval",
	  test_request_shorter_than_header_gives_einval },
	{ "request_longer_than_slot_gives_einval", test_request_longer_than_slot_gives_einval },
	{ "request_puts_command_on_that_lcore_ring", test_request_puts_command_on_that_lcore_ring },
	{ "request_fills_in_header_len", test_request_fills_in_header_len },
	{ "reply_matched_by_req_id_runs_callback_once",
	  test_reply_matched_by_req_id_runs_callback_once },
	{ "reply_goes_to_the_request_with_its_req_id",
	  test_reply_goes_to_the_request_with_its_req_id },
	{ "reply_on_wrong_lcore_ring_is_unmatched", test_reply_on_wrong_lcore_ring_is_unmatched },
	{ "reply_with_unknown_req_id_is_unmatched", test_reply_with_unknown_req_id_is_unmatched },
	{ "request_times_out_with_null_reply_at_deadline",
	  test_request_times_out_with_null_reply_at_deadline },
	{ "timeout_fires_only_once", test_timeout_fires_only_once },
	{ "timeout_handles_clock_wrap", test_timeout_handles_clock_wrap },
	{ "late_reply_after_timeout_is_unmatched", test_late_reply_after_timeout_is_unmatched },
	{ "event_with_bad_len_is_counted_evt_bad", test_event_with_bad_len_is_counted_evt_bad },
	{ "event_longer_than_slot_is_counted_evt_bad",
	  test_event_longer_than_slot_is_counted_evt_bad },
	{ "command_type_on_event_ring_is_counted_evt_bad",
	  test_command_type_on_event_ring_is_counted_evt_bad },
	{ "cmd_error_reply_reaches_callback_and_counts_cmd_errors",
	  test_cmd_error_reply_reaches_callback_and_counts_cmd_errors },
	{ "command_ring_full_gives_enobufs", test_command_ring_full_gives_enobufs },
	{ "full_command_ring_does_not_block_other_lcores",
	  test_full_command_ring_does_not_block_other_lcores },
	{ "pending_table_full_gives_ebusy", test_pending_table_full_gives_ebusy },
	{ "pending_slot_is_reused_after_reply", test_pending_slot_is_reused_after_reply },
	{ "detach_fails_all_pending_with_null_replies",
	  test_detach_fails_all_pending_with_null_replies },
	{ "detach_twice_is_safe", test_detach_twice_is_safe },
	{ "poll_while_detached_consumes_nothing", test_poll_while_detached_consumes_nothing },
	{ "cancel_drops_pending_without_callback", test_cancel_drops_pending_without_callback },
	{ "cancel_then_detach_does_not_call_back", test_cancel_then_detach_does_not_call_back },
	{ "req_ids_are_unique_and_nonzero", test_req_ids_are_unique_and_nonzero },
	{ "req_id_wrap_skips_zero", test_req_id_wrap_skips_zero },
	{ "req_id_wrap_skips_ids_still_pending", test_req_id_wrap_skips_ids_still_pending },
	{ "huge_timeout_is_capped", test_huge_timeout_is_capped },
	{ "poll_drains_at_most_batch_per_lcore", test_poll_drains_at_most_batch_per_lcore },
	{ "is_up_false_after_creator_marks_stopping",
	  test_is_up_false_after_creator_marks_stopping },
	{ "chan_info_replies_keep_the_list_pending_until_list_end",
	  test_chan_info_replies_keep_the_list_pending_until_list_end },
	{ "list_with_partial_replies_still_times_out",
	  test_list_with_partial_replies_still_times_out },
	{ "cmd_error_ends_a_list", test_cmd_error_ends_a_list },
	{ "chan_info_to_another_request_completes_it",
	  test_chan_info_to_another_request_completes_it },
	{ "attach_counts_epochs", test_attach_counts_epochs },
	{ "request_on_cell_down_goes_there_and_is_answered_on_evt",
	  test_request_on_cell_down_goes_there_and_is_answered_on_evt },
	{ "request_on_other_rings_is_einval", test_request_on_other_rings_is_einval },
	{ "down_push_space_and_mark", test_down_push_space_and_mark },
	{ "poll_cells_hands_valid_messages_and_wipes_slots",
	  test_poll_cells_hands_valid_messages_and_wipes_slots },
	{ "counters_report_every_stat", test_counters_report_every_stat },
	{ "is_up_false_inside_detach_callbacks", test_is_up_false_inside_detach_callbacks },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_dplink = {
	.pName = "controlplane/dplink",
	.pInitFunc = suite_init,
	.pSetUpFunc = setup,
	.pTearDownFunc = teardown,
	.pTests = dplink_tests,
};
