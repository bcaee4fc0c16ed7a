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

/* PORT_GET: the port this lcore polls, or -ENODEV. */
static void
ctl_port(struct dp_lcore *lc, const void *msg)
{
	const struct ipc_msg_port_get *req = msg;
	struct ipc_msg_port_info info;

	memset(&info, 0, sizeof(info));
	ipc_hdr_init(&info.hdr, IPC_MSG_PORT_INFO, sizeof(info), req->hdr.req_id);
	info.status = req->port == 0 ? dp_net_port_info(lc, &info) : -ENODEV;
	dp_ctl_send_evt(lc, &info, sizeof(info));
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
	default:
		st.status = -EINVAL;
		break;
	}
	dp_ctl_send_evt(lc, &st, sizeof(st));
}

static dp_ctl_handler_fn *const ctl_handlers[IPC_MSG_TYPE_MAX + 1] = {
	[IPC_MSG_PING] = ctl_ping,
	[IPC_MSG_PORT_GET] = ctl_port,
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
