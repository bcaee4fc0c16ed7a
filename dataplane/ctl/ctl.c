/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Command dispatch on the dataplane (DPDK ip_pipeline thread.c style).
 *
 * Each slot is copied out of shared memory before it is validated, so the
 * controlplane cannot change a message between the check and its use. The
 * work per call is bounded by DP_CTL_BATCH.
 */
#include <errno.h>
#include <string.h>

#include "common/ipc/ipc_msg.h"
#include "dataplane/base/dp_ctr.h"
#include "dataplane/cell/chan.h"
#include "dataplane/cell/circ.h"
#include "dataplane/ctl/ctl.h"
#include "dataplane/net/net.h"

typedef void(dp_ctl_handler_fn)(struct dp_lcore *lc, const void *msg);

union ctl_msg_buf {
	struct ipc_hdr hdr;
	uint8_t bytes[IPC_CMD_SLOT];
	uint64_t align;
};

union ctl_cell_buf {
	struct ipc_hdr hdr;
	uint8_t bytes[IPC_CELL_SLOT];
	uint64_t align;
};

int
dp_ctl_send_evt(struct dp_lcore *lc, const void *msg, size_t len)
{
	if (ipc_ring_push(&lc->evt, msg, len) != 0) {
		DP_CTR_INC(lc, ipc_evt_full);
		return -ENOBUFS;
	}
	DP_CTR_INC(lc, ipc_evt_tx);
	return 0;
}

static void
ctl_ping(struct dp_lcore *lc, const void *msg)
{
	const struct ipc_msg_ping *ping = msg;
	struct ipc_msg_pong pong;

	memset(&pong, 0, sizeof(pong));
	ipc_hdr_init(&pong.hdr, IPC_MSG_PONG, sizeof(pong), ping->hdr.req_id);
	pong.cookie = ping->cookie;
	pong.cp_send_ns = ping->cp_send_ns;
	pong.dp_tsc = lc->now_tsc;
	pong.dp_iterations = lc->iterations;
	pong.lcore_id = lc->lcore_id;
	dp_ctl_send_evt(lc, &pong, sizeof(pong));
}

static void
ctl_chan(struct dp_lcore *lc, const void *msg)
{
	dp_chan_ctl_msg(lc, msg);
}

static void
ctl_circ(struct dp_lcore *lc, const void *msg)
{
	dp_circ_ctl_msg(lc, msg);
}

/* Copy @p len bytes of @p msg into reserved event slot @p idx, the rest of the slot zeroed. */
static void
evt_slot_put(struct dp_lcore *lc, uint32_t idx, const void *msg, size_t len)
{
	uint8_t *slot = ipc_ring_prod_slot(&lc->evt, idx);

	memset(slot, 0, lc->evt.slot_size);
	memcpy(slot, msg, len);
}

/*
 * PORT_GET: PORT_QUEUE per queue, then PORT_INFO (or -ENODEV), from one
 * stats read and published together; a nearly full event ring gets fewer
 * PORT_QUEUE (PORT_INFO says how many), a full one nothing (counted).
 */
static void
ctl_port(struct dp_lcore *lc, const void *msg)
{
	const struct ipc_msg_port_get *req = msg;
	struct ipc_msg_port_queue q[IPC_PORT_QUEUES_MAX];
	struct ipc_msg_port_info info;
	uint32_t n_q = 0, idx, room;

	memset(&info, 0, sizeof(info));
	memset(q, 0, sizeof(q));
	ipc_hdr_init(&info.hdr, IPC_MSG_PORT_INFO, sizeof(info), req->hdr.req_id);
	info.status = req->port == 0 ? dp_net_port_info(lc, &info, q, IPC_PORT_QUEUES_MAX, &n_q)
				     : -ENODEV;
	room = ipc_ring_prod_reserve(&lc->evt, n_q + 1, &idx);
	if (room == 0) {
		ipc_ring_prod_count_full(&lc->evt, 1);
		DP_CTR_INC(lc, ipc_evt_full);
		return;
	}
	if (n_q > room - 1)
		n_q = room - 1;
	for (uint32_t i = 0; i < n_q; i++) {
		ipc_hdr_init(&q[i].hdr, IPC_MSG_PORT_QUEUE, sizeof(q[i]), req->hdr.req_id);
		evt_slot_put(lc, idx + i, &q[i], sizeof(q[i]));
	}
	info.n_queue_stats = (uint16_t)n_q;
	evt_slot_put(lc, idx + n_q, &info, sizeof(info));
	ipc_ring_prod_submit(&lc->evt, n_q + 1);
	DP_CTR_ADD(lc, ipc_evt_tx, n_q + 1);
}

/*
 * PORT_XSTATS: up to @c max PORT_XSTAT from id @c cursor on (as many as
 * the event ring has room for, less one), from one read, then
 * PORT_XSTATS_END with the next cursor; published together. An event ring
 * without room for a stat and the end gets nothing (counted): the control
 * plane's request times out, and an end alone would read as "no more".
 */
static void
ctl_port_xstats(struct dp_lcore *lc, const void *msg)
{
	const struct ipc_msg_port_xstats *req = msg;
	const char *names[IPC_PORT_XSTATS_PAGE_MAX];
	uint64_t values[IPC_PORT_XSTATS_PAGE_MAX];
	struct ipc_msg_port_xstats_end end;
	struct ipc_msg_port_xstat x;
	uint32_t max = req->max < IPC_PORT_XSTATS_PAGE_MAX ? req->max : IPC_PORT_XSTATS_PAGE_MAX;
	uint32_t idx, room;
	int n;

	room = ipc_ring_prod_reserve(&lc->evt, max + 1, &idx);
	if (room == 0 || (room == 1 && max != 0)) {
		ipc_ring_prod_count_full(&lc->evt, 1);
		DP_CTR_INC(lc, ipc_evt_full);
		return;
	}
	if (max > room - 1)
		max = room - 1;
	memset(&end, 0, sizeof(end));
	ipc_hdr_init(&end.hdr, IPC_MSG_PORT_XSTATS_END, sizeof(end), req->hdr.req_id);
	if (req->port != 0)
		n = -ENODEV;
	else
		n = dp_net_port_xstats(lc, req->cursor, max, values, names, &end.served,
				       &end.total);
	if (n < 0) {
		end.status = n;
		n = 0;
	}
	for (int i = 0; i < n; i++) {
		memset(&x, 0, sizeof(x));
		ipc_hdr_init(&x.hdr, IPC_MSG_PORT_XSTAT, sizeof(x), req->hdr.req_id);
		x.id = req->cursor + (uint32_t)i;
		x.value = values[i];
		memcpy(x.name, names[i], strnlen(names[i], sizeof(x.name) - 1));
		evt_slot_put(lc, idx + (uint32_t)i, &x, sizeof(x));
	}
	end.count = (uint32_t)n;
	if (n > 0 && req->cursor + (uint32_t)n < end.served)
		end.next = req->cursor + (uint32_t)n;
	evt_slot_put(lc, idx + (uint32_t)n, &end, sizeof(end));
	ipc_ring_prod_submit(&lc->evt, (uint32_t)n + 1);
	DP_CTR_ADD(lc, ipc_evt_tx, (uint32_t)n + 1);
}

/* CONF_SET: a run-time setting, applied here between two iterations of the
 * loop; the answer says what this lcore has in force afterwards. */
static void
ctl_conf(struct dp_lcore *lc, const void *msg)
{
	const struct ipc_msg_conf_set *req = msg;
	struct ipc_msg_conf_status st;

	memset(&st, 0, sizeof(st));
	ipc_hdr_init(&st.hdr, IPC_MSG_CONF_STATUS, sizeof(st), req->hdr.req_id);
	st.key = req->key;
	switch (req->key) {
	case IPC_CONF_BANDWIDTH:
		st.status = dp_chan_set_bw(lc, req->val[0], req->val[1]);
		dp_chan_bw(lc, &st.val[0], &st.val[1]);
		break;
	case IPC_CONF_CIRC_QUEUE:
		st.status = dp_circ_set_queue(lc, req->val[0], req->val[1]);
		dp_circ_queue(lc, &st.val[0], &st.val[1]);
		break;
	default:
		st.status = -EINVAL;
		break;
	}
	dp_ctl_send_evt(lc, &st, sizeof(st));
}

static dp_ctl_handler_fn *const ctl_handlers[IPC_MSG_TYPE_MAX + 1] = {
	[IPC_MSG_PING] = ctl_ping,
	[IPC_MSG_PORT_GET] = ctl_port,
	[IPC_MSG_PORT_XSTATS] = ctl_port_xstats,
	[IPC_MSG_CONF_SET] = ctl_conf,
	[IPC_MSG_CHAN_OPEN] = ctl_chan,
	[IPC_MSG_CHAN_CLOSE] = ctl_chan,
	[IPC_MSG_CHAN_LIST] = ctl_chan,
	[IPC_MSG_CIRC_LIST] = ctl_circ,
	[IPC_MSG_CIRC_DESTROY] = ctl_circ,
};

/* Messages of the cell_down ring, by type. */
static dp_ctl_handler_fn *const ctl_cell_handlers[IPC_MSG_TYPE_MAX + 1] = {
	[IPC_MSG_BLOB_CHUNK] = ctl_chan,
	[IPC_MSG_LINK_INSTALL] = ctl_chan,
	[IPC_MSG_CHAN_CERTS_RESULT] = ctl_chan,
	[IPC_MSG_CHAN_AUTH_SIGNED] = ctl_chan,
	[IPC_MSG_CHAN_AUTH_RESULT] = ctl_chan,
	[IPC_MSG_CIRC_CREATED] = ctl_circ,
};

static void
ctl_refuse(struct dp_lcore *lc, const struct ipc_hdr *h, int err)
{
	struct ipc_msg_cmd_error e;

	DP_CTR_INC(lc, ipc_cmd_bad);
	memset(&e, 0, sizeof(e));
	ipc_hdr_init(&e.hdr, IPC_MSG_CMD_ERROR, sizeof(e), h->req_id);
	e.bad_type = h->type;
	e.bad_len = h->len;
	e.err = err;
	dp_ctl_send_evt(lc, &e, sizeof(e));
}

uint32_t
dp_ctl_poll(struct dp_lcore *lc)
{
	union ctl_msg_buf m;
	uint32_t idx, n;

	n = ipc_ring_cons_peek(&lc->cmd, DP_CTL_BATCH, &idx);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t len = lc->cmd.slot_size < sizeof(m) ? lc->cmd.slot_size : sizeof(m);
		uint16_t type = 0;
		int rc;

		memcpy(m.bytes, ipc_ring_cons_slot(&lc->cmd, idx + i), len);
		rc = ipc_msg_validate(m.bytes, len, IPC_DIR_CMD, &type);
		if (rc == 0 && ctl_handlers[type] == NULL)
			rc = -ENOTSUP;
		if (rc != 0) {
			ctl_refuse(lc, &m.hdr, rc);
			continue;
		}
		ctl_handlers[type](lc, m.bytes);
	}
	if (n != 0) {
		ipc_ring_cons_release(&lc->cmd, n);
		DP_CTR_ADD(lc, ipc_cmd_rx, n);
	}
	return n;
}

uint32_t
dp_ctl_poll_cells(struct dp_lcore *lc)
{
	union ctl_cell_buf m;
	uint32_t idx, n;

	n = ipc_ring_cons_peek(&lc->cell_down, DP_CTL_BATCH, &idx);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t len = lc->cell_down.slot_size < sizeof(m) ? lc->cell_down.slot_size
								   : sizeof(m);
		uint16_t type = 0;
		int rc;

		memcpy(m.bytes, ipc_ring_cons_slot(&lc->cell_down, idx + i), len);
		rc = ipc_msg_validate(m.bytes, len, IPC_DIR_CELL_DOWN, &type);
		if (rc == 0 && ctl_cell_handlers[type] == NULL)
			rc = -ENOTSUP;
		if (rc != 0) {
			DP_CTR_INC(lc, ipc_cell_bad);
			continue;
		}
		ctl_cell_handlers[type](lc, m.bytes);
		if (type == IPC_MSG_CIRC_CREATED) {
			/* Relay keys: wipe them in the shared segment too. */
			ipc_ring_cons_slot_wipe(&lc->cell_down, idx + i);
		}
	}
	if (n != 0) {
		ipc_ring_cons_release(&lc->cell_down, n);
		DP_CTR_ADD(lc, ipc_cell_rx, n);
	}
	/* A slot may have held key material: it was copied to the stack above. */
	explicit_bzero(m.bytes, sizeof(m.bytes));
	return n;
}
