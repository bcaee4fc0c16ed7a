/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Request/reply over the shared rings, with a bounded pending table.
 *
 * The pending table is a small open array scanned linearly: commands are rare
 * (operator actions, credential installs; circuit set-up later gets its own
 * path), and the bound CP_DPLINK_PENDING_MAX keeps both memory and the scan
 * fixed.
 */
#include <errno.h>
#include <string.h>

#include <openssl/crypto.h>

#include "controlplane/dplink.h"

union evt_buf {
	struct ipc_hdr hdr;
	struct ipc_msg_pong pong;
	struct ipc_msg_cmd_error err;
	uint8_t bytes[IPC_EVT_SLOT];
};

union cell_buf {
	struct ipc_hdr hdr;
	uint64_t align;
	uint8_t bytes[IPC_CELL_SLOT];
};

void
cp_dplink_init(struct cp_dplink *l)
{
	memset(l, 0, sizeof(*l));
	l->shm.fd = -1;
	l->next_req_id = 1;
}

int
cp_dplink_attach(struct cp_dplink *l, const char *name, char *err, size_t errlen)
{
	int rc;

	if (l->attached)
		return 0;
	rc = ipc_shm_attach(name, &l->shm, err, errlen);
	if (rc != 0)
		return rc;
	l->n_lcores = l->shm.hdr->n_lcores;
	for (uint32_t i = 0; i < l->n_lcores; i++) {
		if (ipc_ring_prod_init(&l->cmd[i], ipc_shm_ring(&l->shm, i, IPC_RING_CMD),
				       ipc_shm_ring_size(&l->shm, IPC_RING_CMD)) != 0 ||
		    ipc_ring_cons_init(&l->evt[i], ipc_shm_ring(&l->shm, i, IPC_RING_EVT),
				       ipc_shm_ring_size(&l->shm, IPC_RING_EVT)) != 0 ||
		    ipc_ring_prod_init(&l->cell_down[i],
				       ipc_shm_ring(&l->shm, i, IPC_RING_CELL_DOWN),
				       ipc_shm_ring_size(&l->shm, IPC_RING_CELL_DOWN)) != 0 ||
		    ipc_ring_cons_init(&l->cell_up[i], ipc_shm_ring(&l->shm, i, IPC_RING_CELL_UP),
				       ipc_shm_ring_size(&l->shm, IPC_RING_CELL_UP)) != 0) {
			ipc_shm_close(&l->shm);
			l->n_lcores = 0;
			return -EBADMSG;
		}
	}
	l->attached = true;
	if (++l->epoch == 0)
		l->epoch = 1;
	return 0;
}

static void
pending_fire(struct cp_dplink *l, struct cp_dplink_pending *p, const struct ipc_hdr *reply,
	     uint64_t now_ns)
{
	struct cp_dplink_pending copy = *p;

	/* Free the slot before the callback, which may send a new request. */
	memset(p, 0, sizeof(*p));
	l->n_pending--;
	copy.cb(copy.arg, reply, copy.lcore_idx, now_ns);
}

void
cp_dplink_detach(struct cp_dplink *l, uint64_t now_ns)
{
	l->detaching = true;
	for (uint32_t i = 0; i < CP_DPLINK_PENDING_MAX && l->n_pending != 0; i++)
		if (l->pending[i].req_id != 0)
			pending_fire(l, &l->pending[i], NULL, now_ns);
	l->detaching = false;
	if (l->attached)
		ipc_shm_close(&l->shm);
	l->attached = false;
	l->n_lcores = 0;
}

bool
cp_dplink_is_up(const struct cp_dplink *l)
{
	return l->attached && !l->detaching && ipc_shm_owner_is_alive(&l->shm);
}

static bool
pending_id_in_use(const struct cp_dplink *l, uint32_t req_id)
{
	for (uint32_t i = 0; i < CP_DPLINK_PENDING_MAX; i++)
		if (l->pending[i].req_id == req_id)
			return true;
	return false;
}

int
cp_dplink_request(struct cp_dplink *l, uint32_t lcore_idx, struct ipc_hdr *msg, size_t len,
		  uint64_t timeout_ns, uint64_t now_ns, cp_dplink_cb *cb, void *arg)
{
	return cp_dplink_request_on(l, lcore_idx, IPC_RING_CMD, msg, len, timeout_ns, now_ns, cb,
				    arg);
}

int
cp_dplink_request_on(struct cp_dplink *l, uint32_t lcore_idx, uint32_t ring, struct ipc_hdr *msg,
		     size_t len, uint64_t timeout_ns, uint64_t now_ns, cp_dplink_cb *cb, void *arg)
{
	struct cp_dplink_pending *slot = NULL;
	struct ipc_ring_prod *prod;
	int rc;

	if (!l->attached || l->detaching)
		return -ENOTCONN;
	if (lcore_idx >= l->n_lcores || (ring != IPC_RING_CMD && ring != IPC_RING_CELL_DOWN))
		return -EINVAL;
	prod = ring == IPC_RING_CMD ? &l->cmd[lcore_idx] : &l->cell_down[lcore_idx];
	if (len < sizeof(*msg) || len > prod->slot_size)
		return -EINVAL;
	if (l->n_pending >= CP_DPLINK_PENDING_MAX)
		return -EBUSY;
	for (uint32_t i = 0; i < CP_DPLINK_PENDING_MAX; i++) {
		if (l->pending[i].req_id == 0) {
			slot = &l->pending[i];
			break;
		}
	}
	if (slot == NULL)
		return -EBUSY;
	if (timeout_ns > CP_DPLINK_TIMEOUT_MAX_NS)
		timeout_ns = CP_DPLINK_TIMEOUT_MAX_NS;
	/* After the 32-bit id wraps, skip ids still pending (at most n_pending tries). */
	do {
		msg->req_id = l->next_req_id++;
		if (l->next_req_id == 0)
			l->next_req_id = 1;
	} while (pending_id_in_use(l, msg->req_id));
	msg->len = (uint16_t)len;
	rc = ipc_ring_push(prod, msg, len);
	if (rc != 0) {
		if (ring == IPC_RING_CMD)
			l->stats.cmd_full++;
		else
			l->stats.down_full++;
		return rc;
	}
	if (ring == IPC_RING_CMD)
		l->stats.cmd_sent++;
	else
		l->stats.down_sent++;
	slot->req_id = msg->req_id;
	slot->lcore_idx = lcore_idx;
	slot->req_type = msg->type;
	slot->deadline_ns = now_ns + timeout_ns;
	slot->cb = cb;
	slot->arg = arg;
	l->n_pending++;
	return 0;
}

static struct cp_dplink_pending *
pending_find(struct cp_dplink *l, uint32_t req_id, uint32_t lcore_idx)
{
	if (req_id == 0)
		return NULL;
	for (uint32_t i = 0; i < CP_DPLINK_PENDING_MAX; i++)
		if (l->pending[i].req_id == req_id && l->pending[i].lcore_idx == lcore_idx)
			return &l->pending[i];
	return NULL;
}

/*
 * True if @reply_type is a partial answer to a request of @req_type: the
 * request stays pending (ipc_msg.h: CHAN_INFO..., then CHAN_LIST_END;
 * CIRC_INFO..., then CIRC_LIST_END; PORT_QUEUE..., then PORT_INFO;
 * PORT_XSTAT..., then PORT_XSTATS_END).
 */
static bool
reply_is_partial(uint16_t req_type, uint16_t reply_type)
{
	return (req_type == IPC_MSG_CHAN_LIST && reply_type == IPC_MSG_CHAN_INFO) ||
	       (req_type == IPC_MSG_CIRC_LIST && reply_type == IPC_MSG_CIRC_INFO) ||
	       (req_type == IPC_MSG_PORT_GET && reply_type == IPC_MSG_PORT_QUEUE) ||
	       (req_type == IPC_MSG_PORT_XSTATS && reply_type == IPC_MSG_PORT_XSTAT);
}

uint32_t
cp_dplink_poll(struct cp_dplink *l, uint64_t now_ns)
{
	uint32_t total = 0;
	union evt_buf m;

	for (uint32_t lc = 0; l->attached && lc < l->n_lcores; lc++) {
		struct ipc_ring_cons *c = &l->evt[lc];
		uint32_t idx, n = ipc_ring_cons_peek(c, CP_DPLINK_POLL_BATCH, &idx);

		for (uint32_t i = 0; i < n; i++) {
			uint32_t len = c->slot_size < sizeof(m) ? c->slot_size : sizeof(m);
			struct cp_dplink_pending *p;
			uint16_t type = 0;

			if (!l->attached) /* a callback detached the link */
				return total + i;
			memcpy(m.bytes, ipc_ring_cons_slot(c, idx + i), len);
			l->stats.evt_rx++;
			if (ipc_msg_validate(m.bytes, len, IPC_DIR_EVT, &type) != 0) {
				l->stats.evt_bad++;
				continue;
			}
			if (type == IPC_MSG_CMD_ERROR)
				l->stats.cmd_errors++;
			p = pending_find(l, m.hdr.req_id, lc);
			if (p == NULL) {
				l->stats.evt_unmatched++;
				continue;
			}
			if (reply_is_partial(p->req_type, type)) {
				l->stats.evt_partial++;
				p->cb(p->arg, &m.hdr, lc, now_ns);
				continue;
			}
			pending_fire(l, p, &m.hdr, now_ns);
		}
		if (n != 0 && l->attached)
			ipc_ring_cons_release(c, n);
		total += n;
	}
	for (uint32_t i = 0; i < CP_DPLINK_PENDING_MAX && l->n_pending != 0; i++) {
		if (l->pending[i].req_id != 0 && (int64_t)(now_ns - l->pending[i].deadline_ns) >= 0) {
			l->stats.timeouts++;
			pending_fire(l, &l->pending[i], NULL, now_ns);
		}
	}
	return total;
}

void
cp_dplink_cancel(struct cp_dplink *l, void *arg)
{
	for (uint32_t i = 0; i < CP_DPLINK_PENDING_MAX && l->n_pending != 0; i++) {
		if (l->pending[i].req_id != 0 && l->pending[i].arg == arg) {
			memset(&l->pending[i], 0, sizeof(l->pending[i]));
			l->n_pending--;
		}
	}
}

bool
cp_dplink_can_request(const struct cp_dplink *l, uint32_t n)
{
	return l->n_pending + n <= CP_DPLINK_PENDING_MAX;
}

uint32_t
cp_dplink_down_space(struct cp_dplink *l, uint32_t lcore_idx)
{
	uint32_t idx;

	if (!l->attached || lcore_idx >= l->n_lcores)
		return 0;
	/* Reserving without submitting is a pure query (ipc_ring.h). */
	return ipc_ring_prod_reserve(&l->cell_down[lcore_idx], l->cell_down[lcore_idx].nslots,
				     &idx);
}

int
cp_dplink_down_push(struct cp_dplink *l, uint32_t lcore_idx, struct ipc_hdr *msg, size_t len)
{
	int rc;

	if (!l->attached || l->detaching)
		return -ENOTCONN;
	if (lcore_idx >= l->n_lcores || len < sizeof(*msg) ||
	    len > l->cell_down[lcore_idx].slot_size)
		return -EINVAL;
	msg->len = (uint16_t)len;
	rc = ipc_ring_push(&l->cell_down[lcore_idx], msg, len);
	if (rc != 0) {
		l->stats.down_full++;
		return rc;
	}
	l->stats.down_sent++;
	return 0;
}

uint32_t
cp_dplink_down_mark(const struct cp_dplink *l, uint32_t lcore_idx)
{
	if (!l->attached || lcore_idx >= l->n_lcores)
		return 0;
	return l->cell_down[lcore_idx].head;
}

bool
cp_dplink_down_is_consumed(struct cp_dplink *l, uint32_t lcore_idx, uint32_t mark)
{
	struct ipc_ring_prod *p;
	uint32_t idx;

	if (!l->attached || lcore_idx >= l->n_lcores)
		return true;
	p = &l->cell_down[lcore_idx];
	/* Refreshes cached_tail from the consumer. */
	(void)ipc_ring_prod_reserve(p, p->nslots, &idx);
	return (int32_t)(p->cached_tail - mark) >= 0;
}

uint32_t
cp_dplink_poll_cells(struct cp_dplink *l, cp_dplink_cell_fn *fn, void *arg, uint64_t now_ns)
{
	uint32_t total = 0;
	union cell_buf m;

	for (uint32_t lc = 0; l->attached && lc < l->n_lcores; lc++) {
		struct ipc_ring_cons *c = &l->cell_up[lc];
		uint32_t idx, n = ipc_ring_cons_peek(c, CP_DPLINK_CELL_BATCH, &idx);
		uint32_t len = c->slot_size < sizeof(m) ? c->slot_size : sizeof(m);

		for (uint32_t i = 0; i < n; i++) {
			/* The slot is ours until released: read it, then wipe it
			 * (ipc_ring_cons_slot() gives only a read-only view). */
			uint8_t *slot = ipc_ring_slot_(c->r, c->mask, c->slot_size, idx + i);
			uint16_t type = 0;

			memcpy(m.bytes, slot, len);
			OPENSSL_cleanse(slot, c->slot_size);
			l->stats.up_rx++;
			if (ipc_msg_validate(m.bytes, len, IPC_DIR_CELL_UP, &type) != 0)
				l->stats.up_bad++;
			else
				fn(arg, lc, &m.hdr, now_ns);
			OPENSSL_cleanse(m.bytes, len);
		}
		if (n != 0)
			ipc_ring_cons_release(c, n);
		total += n;
	}
	return total;
}

void
cp_dplink_counters(const struct cp_dplink *l, cp_ctr_fn *fn, void *arg)
{
	const struct cp_dplink_stats *s = &l->stats;

	fn(arg, "/cp/dplink/cmd_sent", s->cmd_sent);
	fn(arg, "/cp/dplink/cmd_full", s->cmd_full);
	fn(arg, "/cp/dplink/cmd_errors", s->cmd_errors);
	fn(arg, "/cp/dplink/evt_rx", s->evt_rx);
	fn(arg, "/cp/dplink/evt_bad", s->evt_bad);
	fn(arg, "/cp/dplink/evt_unmatched", s->evt_unmatched);
	fn(arg, "/cp/dplink/evt_partial", s->evt_partial);
	fn(arg, "/cp/dplink/timeouts", s->timeouts);
	fn(arg, "/cp/dplink/down_sent", s->down_sent);
	fn(arg, "/cp/dplink/down_full", s->down_full);
	fn(arg, "/cp/dplink/up_rx", s->up_rx);
	fn(arg, "/cp/dplink/up_bad", s->up_bad);
	fn(arg, "/cp/dplink/pending", l->n_pending);
	fn(arg, "/cp/dplink/attaches", l->epoch);
}
