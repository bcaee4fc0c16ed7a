/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief PORT_GET then PORT_XSTATS pages as one operation (port_fetch.h).
 *
 * A small state machine driven by the link's reply callback: PORT_QUEUE
 * replies are kept until PORT_INFO ends the PORT_GET; then each
 * PORT_XSTATS page's PORT_XSTAT replies are kept until its
 * PORT_XSTATS_END, which either ends the listing (next 0) or names the
 * cursor of the next page. Partial replies never end the operation (the
 * link keeps the request pending and would call back into freed memory):
 * a surplus one is only noted, and the final reply decides.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "controlplane/dplink.h"
#include "controlplane/stats/port_fetch.h"
#include "controlplane/util.h"

struct cp_port_fetch {
	struct cp_dplink *dp;
	uint32_t lcore_idx;
	uint32_t flags;
	uint64_t timeout_ns;
	cp_port_fetch_cb *cb;
	void *arg;
	uint32_t cursor;  /**< first id of the PORT_XSTATS page in flight */
	uint32_t page_n;  /**< PORT_XSTAT replies of that page so far */
	uint32_t pages;	  /**< PORT_XSTATS pages sent */
	bool bad_partial; /**< a partial reply out of place: the final one fails the fetch */
	struct cp_port_snap snap;
};

static void fetch_reply(void *arg, const struct ipc_hdr *reply, uint32_t lc, uint64_t now_ns);

/* Call back with what was found (status @p status) and free @p f. */
static void
fetch_finish(struct cp_port_fetch *f, int status)
{
	f->snap.status = status;
	if (status != 0)
		f->snap.has_xstats = false;
	f->cb(f->arg, &f->snap);
	free(f);
}

static int
send_get(struct cp_port_fetch *f, uint64_t now_ns)
{
	struct ipc_msg_port_get m;

	memset(&m, 0, sizeof(m));
	ipc_hdr_init(&m.hdr, IPC_MSG_PORT_GET, sizeof(m), 0);
	return cp_dplink_request(f->dp, f->lcore_idx, &m.hdr, sizeof(m), f->timeout_ns, now_ns,
				 fetch_reply, f);
}

static int
send_page(struct cp_port_fetch *f, uint32_t cursor, uint64_t now_ns)
{
	struct ipc_msg_port_xstats m;

	memset(&m, 0, sizeof(m));
	ipc_hdr_init(&m.hdr, IPC_MSG_PORT_XSTATS, sizeof(m), 0);
	m.cursor = cursor;
	m.max = IPC_PORT_XSTATS_PAGE_MAX;
	f->cursor = cursor;
	f->page_n = 0;
	f->pages++;
	return cp_dplink_request(f->dp, f->lcore_idx, &m.hdr, sizeof(m), f->timeout_ns, now_ns,
				 fetch_reply, f);
}

static void
on_queue(struct cp_port_fetch *f, const struct ipc_hdr *reply)
{
	struct cp_port_snap *s = &f->snap;

	if (s->has_info || s->n_queues >= IPC_PORT_QUEUES_MAX) {
		f->bad_partial = true;
		return;
	}
	memcpy(&s->queues[s->n_queues++], reply, sizeof(s->queues[0]));
}

static void
on_info(struct cp_port_fetch *f, const struct ipc_hdr *reply, uint64_t now_ns)
{
	struct cp_port_snap *s = &f->snap;
	int rc;

	memcpy(&s->info, reply, sizeof(s->info));
	s->info.name[sizeof(s->info.name) - 1] = '\0';
	if (s->info.status != 0) {
		s->n_queues = 0;
		fetch_finish(f, s->info.status);
		return;
	}
	if (f->bad_partial || s->info.n_queue_stats != s->n_queues ||
	    s->n_queues > s->info.n_queues) {
		s->n_queues = 0;
		fetch_finish(f, -EPROTO);
		return;
	}
	s->has_info = true;
	if (!(f->flags & CP_PORT_FETCH_XSTATS)) {
		fetch_finish(f, 0);
		return;
	}
	rc = send_page(f, 0, now_ns);
	if (rc != 0)
		fetch_finish(f, rc);
}

static void
on_xstat(struct cp_port_fetch *f, const struct ipc_hdr *reply)
{
	struct cp_port_snap *s = &f->snap;
	struct ipc_msg_port_xstat x;

	memcpy(&x, reply, sizeof(x));
	/* In id order, one page after the other: id = cursor + position. */
	if (x.id != f->cursor + f->page_n || s->n_xstats >= IPC_PORT_XSTATS_MAX ||
	    s->n_xstats != x.id) {
		f->bad_partial = true;
		return;
	}
	memcpy(s->xstats[s->n_xstats].name, x.name, sizeof(x.name));
	s->xstats[s->n_xstats].name[sizeof(x.name) - 1] = '\0';
	s->xstats[s->n_xstats].value = x.value;
	s->n_xstats++;
	f->page_n++;
}

static void
on_xstats_end(struct cp_port_fetch *f, const struct ipc_hdr *reply, uint64_t now_ns)
{
	struct cp_port_snap *s = &f->snap;
	struct ipc_msg_port_xstats_end end;
	int rc;

	memcpy(&end, reply, sizeof(end));
	if (end.status != 0) {
		fetch_finish(f, end.status);
		return;
	}
	if (f->bad_partial || end.count != f->page_n || end.served > IPC_PORT_XSTATS_MAX ||
	    end.served > end.total) {
		fetch_finish(f, -EPROTO);
		return;
	}
	s->xstats_total = end.total;
	if (end.next == 0) {
		/* The listing is whole only if it reached the last stat served. */
		if (s->n_xstats != end.served) {
			fetch_finish(f, -EPROTO);
			return;
		}
		s->has_xstats = true;
		fetch_finish(f, 0);
		return;
	}
	/* A page must move the cursor on to where it stopped, within the bounds. */
	if (end.count == 0 || end.next != f->cursor + end.count || end.next >= end.served ||
	    f->pages >= CP_PORT_FETCH_PAGES_MAX) {
		fetch_finish(f, -EPROTO);
		return;
	}
	rc = send_page(f, end.next, now_ns);
	if (rc != 0)
		fetch_finish(f, rc);
}

static void
fetch_reply(void *arg, const struct ipc_hdr *reply, uint32_t lc, uint64_t now_ns)
{
	struct cp_port_fetch *f = arg;

	(void)lc;
	if (reply == NULL) {
		fetch_finish(f, -ETIMEDOUT);
		return;
	}
	/*
	 * The link calls back for a partial reply only when its type is one
	 * of the request in flight (dplink.c reply_is_partial()): PORT_QUEUE
	 * while PORT_GET is, PORT_XSTAT while a PORT_XSTATS page is. Every
	 * other reply is final: the request is no longer pending.
	 */
	switch (reply->type) {
	case IPC_MSG_PORT_QUEUE:
		if (!f->snap.has_info) {
			on_queue(f, reply);
			return;
		}
		break;
	case IPC_MSG_PORT_XSTAT:
		if (f->snap.has_info) {
			on_xstat(f, reply);
			return;
		}
		break;
	case IPC_MSG_PORT_INFO:
		if (!f->snap.has_info) {
			on_info(f, reply, now_ns);
			return;
		}
		break;
	case IPC_MSG_PORT_XSTATS_END:
		if (f->snap.has_info) {
			on_xstats_end(f, reply, now_ns);
			return;
		}
		break;
	case IPC_MSG_CMD_ERROR: {
		const struct ipc_msg_cmd_error *e = (const void *)reply;

		fetch_finish(f, e->err < 0 ? e->err : -EPROTO);
		return;
	}
	default:
		break;
	}
	fetch_finish(f, -EPROTO);
}

int
cp_port_fetch_start(struct cp_dplink *dp, uint32_t lcore_idx, uint32_t flags, uint64_t timeout_ns,
		    uint64_t now_ns, cp_port_fetch_cb *cb, void *arg, struct cp_port_fetch **out)
{
	struct cp_port_fetch *f = cp_xcalloc(1, sizeof(*f));
	int rc;

	f->dp = dp;
	f->lcore_idx = lcore_idx;
	f->flags = flags;
	f->timeout_ns = timeout_ns;
	f->cb = cb;
	f->arg = arg;
	rc = send_get(f, now_ns);
	if (rc != 0) {
		free(f);
		*out = NULL;
		return rc;
	}
	*out = f;
	return 0;
}

void
cp_port_fetch_cancel(struct cp_dplink *dp, struct cp_port_fetch *f)
{
	if (f == NULL)
		return;
	cp_dplink_cancel(dp, f);
	free(f);
}
