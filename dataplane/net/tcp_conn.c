/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief TCP connections: the tcb pool, the 4-tuple table, listeners, ISNs,
 * SYN cookies, state bookkeeping, and the application API.
 *
 * The table is open addressing with linear probing over tcb indices and
 * backward-shift deletion (no tombstones), sized to at least twice the pool,
 * keyed with a per-lcore secret so remote parties cannot aim collisions.
 * TIME_WAIT connections are kept in a FIFO; when the pool or the TIME_WAIT
 * budget runs out, the oldest is recycled (counted), which is what RFC 6191
 * style reuse amounts to for a bounded table.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_jhash.h>
#include <rte_malloc.h>

#include "dataplane/base/dp_ctr.h"
#include "dataplane/base/dp_siphash.h"
#include "drivers/rss.h"
#include "dataplane/net/tcp_int.h"

#define TCB_GEN_SHIFT 20
#define TCB_IDX_MASK ((1u << TCB_GEN_SHIFT) - 1)
#define TCB_GEN_MASK 0xfffu

/* RFC 4987 cookie layout: 5 bits of time (64 s units), 2 bits of MSS, 25 bits of MAC. */
#define COOKIE_T_SHIFT 27
#define COOKIE_MSS_SHIFT 25
#define COOKIE_MAC_MASK ((1u << 25) - 1)
#define COOKIE_PERIOD_US (UINT64_C(64) * 1000000)
static const uint16_t cookie_mss[4] = { 536, 1220, 1440, 1460 };

void
dp_tcp_conf_default(struct dp_tcp_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->max_conns = 4096;
	c->sndbuf = 256 * 1024;
	c->rcvbuf = 256 * 1024;
	c->ooo_segs_conn = DP_TCP_OOO_MAX;
	c->ooo_segs_lcore = 65536;
	c->syn_backlog = 256;
	c->tw_max = 4096;
	c->rto_init_us = 1000000;   /* RFC 6298 §2.1 */
	c->rto_min_us = 200000;     /* RFC 6298 §2.4 says 1 s; 200 ms as deployed stacks */
	c->tlp_min_us = 2000;       /* RFC 8985 §7.2 PTO = 2 SRTT; at least two wheel ticks */
	c->rto_max_us = 60000000;   /* RFC 6298 §2.5 */
	c->delack_us = 40000;
	c->msl_us = 30000000;
	c->keepalive_idle_us = 0;
	c->keepalive_intvl_us = 75000000;
	c->keepalive_probes = 9;
	c->syn_retries = 6;
	c->data_retries = 15;
	c->eph_lo = 32768;
	c->eph_hi = 60999;
	c->cc_algo = DP_TCP_CC_ALGO_CUBIC;
	c->nodelay = 1;
	c->iw_segs = 0;
}

static uint32_t
tcp_hash(const struct dp_lcore *lc, uint32_t laddr, uint16_t lport, uint32_t raddr, uint16_t rport)
{
	uint32_t seed;

	memcpy(&seed, lc->tcp.isn_key + 12, sizeof(seed));
	return rte_jhash_3words(laddr, raddr, ((uint32_t)lport << 16) | rport, seed);
}

int
dp_tcp_create(struct dp_lcore *lc, const struct dp_tcp_conf *conf, const uint8_t isn_key[16])
{
	struct dp_tcp_lcore *tl = &lc->tcp;
	uint32_t tsize = 2;

	if (conf->max_conns == 0 || conf->max_conns > TCB_IDX_MASK || conf->sndbuf < 4096 ||
	    conf->rcvbuf < 4096 || conf->rcvbuf > (1u << 30) || conf->eph_lo == 0 ||
	    conf->eph_lo > conf->eph_hi || dp_tcp_cc_get(conf->cc_algo) == NULL ||
	    conf->ooo_segs_conn > DP_TCP_OOO_MAX || conf->rto_min_us == 0 ||
	    conf->rto_min_us > conf->rto_max_us)
		return -EINVAL;
	memset(tl, 0, sizeof(*tl));
	while (tsize < 2 * conf->max_conns)
		tsize <<= 1;
	tl->conf = rte_zmalloc("tcp_conf", sizeof(*conf), 0);
	tl->tcbs = rte_zmalloc("tcp_tcbs", (size_t)conf->max_conns * sizeof(struct dp_tcb),
			       RTE_CACHE_LINE_SIZE);
	tl->table = rte_malloc("tcp_table", (size_t)tsize * sizeof(uint32_t), RTE_CACHE_LINE_SIZE);
	tl->wheel = rte_zmalloc("tcp_wheel", sizeof(*tl->wheel), RTE_CACHE_LINE_SIZE);
	if (tl->conf == NULL || tl->tcbs == NULL || tl->table == NULL || tl->wheel == NULL) {
		dp_tcp_destroy(lc);
		return -ENOMEM;
	}
	memcpy(tl->conf, conf, sizeof(*conf));
	memcpy(tl->isn_key, isn_key, sizeof(tl->isn_key));
	tl->n_tcbs = conf->max_conns;
	tl->table_mask = tsize - 1;
	for (uint32_t i = 0; i < tsize; i++)
		tl->table[i] = DP_TCB_NONE;
	for (uint32_t i = 0; i < tl->n_tcbs; i++) {
		tl->tcbs[i].next_free = i + 1 < tl->n_tcbs ? i + 1 : DP_TCB_NONE;
		tl->tcbs[i].gen = 1;
	}
	tl->free_head = 0;
	tl->tw_head = tl->tw_tail = DP_TCB_NONE;
	tl->work_head = tl->work_tail = DP_TCB_NONE;
	for (uint32_t i = 0; i < DP_TCP_WHEEL_SLOTS; i++)
		tl->wheel->slot[i] = DP_TCB_NONE;
	tl->wheel->cur_tick = lc->now_us / DP_TCP_WHEEL_TICK_US;
	tl->next_eph = conf->eph_lo;
	return 0;
}

void
dp_tcp_destroy(struct dp_lcore *lc)
{
	struct dp_tcp_lcore *tl = &lc->tcp;

	if (tl->tcbs != NULL) {
		for (uint32_t i = 0; i < tl->n_tcbs; i++) {
			struct dp_tcb *t = &tl->tcbs[i];

			if (t->state != DP_TCP_STATE_CLOSED || t->sq_head != NULL ||
			    t->rq_head != NULL || t->n_ooo != 0) {
				rte_pktmbuf_free(t->sq_head);
				t->sq_head = NULL;
				t->sq_cur = NULL;
				tcp_rcv_purge(lc, t);
			}
		}
	}
	rte_free(tl->tcbs);
	rte_free(tl->table);
	rte_free(tl->wheel);
	rte_free(tl->conf);
	memset(tl, 0, sizeof(*tl));
}

void
dp_tcp_set_rss(struct dp_lcore *lc, const uint8_t *key, uint32_t key_len, const uint16_t *reta,
	       uint32_t reta_size, uint16_t my_queue)
{
	struct dp_tcp_rss *r = &lc->tcp.rss;

	memset(r, 0, sizeof(*r));
	if (key == NULL || key_len == 0 || key_len > sizeof(r->key) || reta == NULL ||
	    reta_size == 0 || reta_size > 512 || (reta_size & (reta_size - 1)) != 0)
		return;
	memcpy(r->key, key, key_len);
	r->key_len = (uint8_t)key_len;
	memcpy(r->reta, reta, reta_size * sizeof(reta[0]));
	r->reta_size = (uint16_t)reta_size;
	r->my_queue = my_queue;
	r->enabled = 1;
}

uint32_t
tcp_tcb_index(struct dp_lcore *lc, const struct dp_tcb *t)
{
	return (uint32_t)(t - lc->tcp.tcbs);
}

uint32_t
tcp_tcb_handle(struct dp_lcore *lc, const struct dp_tcb *t)
{
	return tcp_tcb_index(lc, t) | (t->gen & TCB_GEN_MASK) << TCB_GEN_SHIFT;
}

struct dp_tcb *
tcp_tcb_get(struct dp_lcore *lc, uint32_t h)
{
	uint32_t idx = h & TCB_IDX_MASK;
	struct dp_tcb *t;

	if (lc->tcp.tcbs == NULL || idx >= lc->tcp.n_tcbs)
		return NULL;
	t = &lc->tcp.tcbs[idx];
	if ((t->gen & TCB_GEN_MASK) != h >> TCB_GEN_SHIFT || t->state == DP_TCP_STATE_CLOSED ||
	    (t->flags & TCB_F_DEAD) != 0 || t->ops == NULL)
		return NULL;
	return t;
}

struct dp_tcb *
tcp_lookup(struct dp_lcore *lc, uint32_t laddr, uint16_t lport, uint32_t raddr, uint16_t rport)
{
	struct dp_tcp_lcore *tl = &lc->tcp;
	uint32_t i = tcp_hash(lc, laddr, lport, raddr, rport) & tl->table_mask;

	for (uint32_t probes = 0; probes <= tl->table_mask; probes++, i = (i + 1) & tl->table_mask) {
		uint32_t idx = tl->table[i];
		struct dp_tcb *t;

		if (idx == DP_TCB_NONE)
			return NULL;
		t = &tl->tcbs[idx];
		if (t->lport == lport && t->rport == rport && t->raddr == raddr && t->laddr == laddr)
			return t;
	}
	return NULL;
}

static void
table_insert(struct dp_lcore *lc, struct dp_tcb *t)
{
	struct dp_tcp_lcore *tl = &lc->tcp;
	uint32_t i = tcp_hash(lc, t->laddr, t->lport, t->raddr, t->rport) & tl->table_mask;

	while (tl->table[i] != DP_TCB_NONE)
		i = (i + 1) & tl->table_mask;
	tl->table[i] = tcp_tcb_index(lc, t);
}

/* Backward-shift deletion keeps every probe chain unbroken without tombstones. */
static void
table_remove(struct dp_lcore *lc, struct dp_tcb *t)
{
	struct dp_tcp_lcore *tl = &lc->tcp;
	uint32_t idx = tcp_tcb_index(lc, t);
	uint32_t i = tcp_hash(lc, t->laddr, t->lport, t->raddr, t->rport) & tl->table_mask;
	uint32_t j;

	while (tl->table[i] != idx) {
		if (tl->table[i] == DP_TCB_NONE)
			return; /* not in the table */
		i = (i + 1) & tl->table_mask;
	}
	tl->table[i] = DP_TCB_NONE;
	for (j = (i + 1) & tl->table_mask; tl->table[j] != DP_TCB_NONE; j = (j + 1) & tl->table_mask) {
		struct dp_tcb *o = &tl->tcbs[tl->table[j]];
		uint32_t home = tcp_hash(lc, o->laddr, o->lport, o->raddr, o->rport) & tl->table_mask;

		/* Move o back into the hole unless its home lies cyclically in (i, j]. */
		if (((j - home) & tl->table_mask) >= ((j - i) & tl->table_mask)) {
			tl->table[i] = tl->table[j];
			tl->table[j] = DP_TCB_NONE;
			i = j;
		}
	}
}

static void
tw_unlink(struct dp_lcore *lc, struct dp_tcb *t)
{
	struct dp_tcp_lcore *tl = &lc->tcp;
	uint32_t idx = tcp_tcb_index(lc, t), prev = DP_TCB_NONE, cur = tl->tw_head;

	/* TIME_WAIT list is FIFO; removal from the middle happens only for reuse. */
	while (cur != DP_TCB_NONE && cur != idx) {
		prev = cur;
		cur = tl->tcbs[cur].tw_next;
	}
	if (cur == DP_TCB_NONE)
		return;
	if (prev == DP_TCB_NONE)
		tl->tw_head = t->tw_next;
	else
		tl->tcbs[prev].tw_next = t->tw_next;
	if (tl->tw_tail == idx)
		tl->tw_tail = prev;
	t->tw_next = DP_TCB_NONE;
	tl->n_timewait--;
}

void
tcp_rcv_purge(struct dp_lcore *lc, struct dp_tcb *t)
{
	rte_pktmbuf_free(t->rq_head);
	t->rq_head = t->rq_tail = NULL;
	t->rq_len = t->rq_off = 0;
	for (uint32_t i = 0; i < t->n_ooo; i++)
		rte_pktmbuf_free(t->ooo[i].m);
	if (lc->tcp.ooo_segs >= t->n_ooo)
		lc->tcp.ooo_segs -= t->n_ooo;
	t->n_ooo = 0;
}

/* Take @p t off the work list (O(list); only for frees outside the work run). */
static void
work_unlink(struct dp_lcore *lc, struct dp_tcb *t)
{
	struct dp_tcp_lcore *tl = &lc->tcp;
	uint32_t idx = tcp_tcb_index(lc, t), prev = DP_TCB_NONE, cur = tl->work_head;

	if (!(t->flags & TCB_F_ON_WORK))
		return;
	while (cur != DP_TCB_NONE && cur != idx) {
		prev = cur;
		cur = tl->tcbs[cur].work_next;
	}
	if (cur == DP_TCB_NONE)
		return;
	if (prev == DP_TCB_NONE)
		tl->work_head = t->work_next;
	else
		tl->tcbs[prev].work_next = t->work_next;
	if (tl->work_tail == idx)
		tl->work_tail = prev;
	t->work_next = DP_TCB_NONE;
	t->flags &= ~TCB_F_ON_WORK;
}

/*
 * Take @p t out of everything that finds it (timers, TIME_WAIT list, listener
 * accounting, the connection table) and free its queues. The tcb itself stays.
 */
static void
tcb_detach(struct dp_lcore *lc, struct dp_tcb *t)
{
	struct dp_tcp_lcore *tl = &lc->tcp;

	tcp_timer_stop_all(lc, t);
	if (t->state == DP_TCP_STATE_TIME_WAIT)
		tw_unlink(lc, t);
	if (t->state == DP_TCP_STATE_SYN_RECEIVED && t->listener < DP_TCP_MAX_LISTENERS &&
	    tl->listeners[t->listener].n_syn_rcvd > 0)
		tl->listeners[t->listener].n_syn_rcvd--;
	table_remove(lc, t);
	rte_pktmbuf_free(t->sq_head);
	t->sq_head = t->sq_tail = NULL;
	t->sq_cur = NULL;
	t->sq_len = t->sq_off = 0;
	tcp_rcv_purge(lc, t);
}

void
tcp_tcb_free(struct dp_lcore *lc, struct dp_tcb *t)
{
	work_unlink(lc, t);
	tcb_detach(lc, t);
	tcp_tcb_release(lc, t);
}

/* Recycle the oldest TIME_WAIT connection (pool or TIME_WAIT budget exhausted). */
static bool
tw_recycle_oldest(struct dp_lcore *lc)
{
	struct dp_tcp_lcore *tl = &lc->tcp;

	if (tl->tw_head == DP_TCB_NONE)
		return false;
	tcp_tcb_free(lc, &tl->tcbs[tl->tw_head]);
	DP_CTR_INC(lc, tcp_tw_recycled);
	return true;
}

/*
 * Free a half-open passive connection (SYN_RECEIVED) so that a connection that
 * completed its handshake gets a tcb: under a SYN flood the half-open ones are
 * the ones to lose. The scan resumes where the last one stopped; it is bounded
 * by the pool size and runs only when the pool is exhausted.
 */
static bool
evict_embryonic(struct dp_lcore *lc)
{
	struct dp_tcp_lcore *tl = &lc->tcp;

	for (uint32_t n = 0; n < tl->n_tcbs; n++) {
		struct dp_tcb *t = &tl->tcbs[tl->evict_cursor];

		tl->evict_cursor = tl->evict_cursor + 1 < tl->n_tcbs ? tl->evict_cursor + 1 : 0;
		if (t->state == DP_TCP_STATE_SYN_RECEIVED && !(t->flags & (TCB_F_ACTIVE | TCB_F_DEAD))) {
			tcp_tcb_free(lc, t);
			DP_CTR_INC(lc, tcp_embryonic_evicted);
			return true;
		}
	}
	return false;
}

struct dp_tcb *
tcp_tcb_alloc(struct dp_lcore *lc, uint32_t laddr, uint16_t lport, uint32_t raddr, uint16_t rport)
{
	return tcp_tcb_alloc_ex(lc, laddr, lport, raddr, rport, false);
}

struct dp_tcb *
tcp_tcb_alloc_ex(struct dp_lcore *lc, uint32_t laddr, uint16_t lport, uint32_t raddr,
		 uint16_t rport, bool evict)
{
	struct dp_tcp_lcore *tl = &lc->tcp;
	struct dp_tcb *t;
	uint32_t gen;

	if (tl->free_head == DP_TCB_NONE && !tw_recycle_oldest(lc) &&
	    !(evict && evict_embryonic(lc))) {
		DP_CTR_INC(lc, tcp_tcb_exhausted);
		return NULL;
	}
	t = &tl->tcbs[tl->free_head];
	tl->free_head = t->next_free;
	gen = t->gen;
	memset(t, 0, sizeof(*t));
	t->gen = gen;
	t->laddr = laddr;
	t->lport = lport;
	t->raddr = raddr;
	t->rport = rport;
	t->wheel_prev = t->wheel_next = DP_TCB_NONE;
	t->work_next = t->tw_next = t->next_free = DP_TCB_NONE;
	t->listener = UINT8_MAX;
	table_insert(lc, t);
	tl->n_used++;
	ipc_ctr_set(lc->ctr, DP_CTR_tcp_conns, tl->n_used);
	return t;
}

static uint8_t
wscale_for(uint32_t rcvbuf)
{
	uint8_t s = 0;

	while (s < 14 && (rcvbuf >> s) > 65535)
		s++;
	return s;
}

void
tcp_tcb_init_conn(struct dp_lcore *lc, struct dp_tcb *t)
{
	const struct dp_tcp_conf *c = lc->tcp.conf;

	t->rto_us = c->rto_init_us;
	t->rcv_wscale = wscale_for(c->rcvbuf);
	t->rmss = (uint16_t)(lc->net.mtu != 0 ? lc->net.mtu - 40 : 1460);
	t->smss = 536; /* RFC 9293 §3.7.1 default until the peer says otherwise */
	t->cc_ops = dp_tcp_cc_get((enum dp_tcp_cc_algo)c->cc_algo);
	if (c->nodelay)
		t->flags |= TCB_F_NODELAY;
	t->last_rcv_us = lc->now_us;
}

uint32_t
tcp_isn(struct dp_lcore *lc, uint32_t laddr, uint16_t lport, uint32_t raddr, uint16_t rport)
{
	uint32_t in[3] = { laddr, raddr, ((uint32_t)lport << 16) | rport };

	/* RFC 6528 §3: ISN = M + F(localip, localport, remoteip, remoteport, secretkey),
	 * M a 4 µs timer, F a keyed PRF. */
	return (uint32_t)(lc->now_us / 4) + (uint32_t)dp_siphash24(lc->tcp.isn_key, in, sizeof(in));
}

static uint32_t
cookie_mac(struct dp_lcore *lc, uint32_t laddr, uint16_t lport, uint32_t raddr, uint16_t rport,
	   uint32_t irs, uint32_t t, uint32_t mss_idx)
{
	uint32_t in[6] = { laddr, raddr, ((uint32_t)lport << 16) | rport, irs, t, mss_idx };

	return (uint32_t)dp_siphash24(lc->tcp.isn_key, in, sizeof(in)) & COOKIE_MAC_MASK;
}

uint32_t
tcp_syncookie_make(struct dp_lcore *lc, uint32_t laddr, uint16_t lport, uint32_t raddr,
		   uint16_t rport, uint32_t irs, uint32_t mss_idx)
{
	uint32_t t = (uint32_t)(lc->now_us / COOKIE_PERIOD_US) & 31u;

	return t << COOKIE_T_SHIFT | (mss_idx & 3u) << COOKIE_MSS_SHIFT |
	       cookie_mac(lc, laddr, lport, raddr, rport, irs, t, mss_idx & 3u);
}

bool
tcp_syncookie_check(struct dp_lcore *lc, uint32_t laddr, uint16_t lport, uint32_t raddr,
		    uint16_t rport, uint32_t irs, uint32_t cookie, uint16_t *mss)
{
	uint32_t now_t = (uint32_t)(lc->now_us / COOKIE_PERIOD_US) & 31u;
	uint32_t t = cookie >> COOKIE_T_SHIFT;
	uint32_t mss_idx = (cookie >> COOKIE_MSS_SHIFT) & 3u;

	/* Valid for the current and the previous period (64-128 s). */
	if (((now_t - t) & 31u) > 1)
		return false;
	if ((cookie & COOKIE_MAC_MASK) != cookie_mac(lc, laddr, lport, raddr, rport, irs, t, mss_idx))
		return false;
	*mss = cookie_mss[mss_idx];
	return true;
}

uint16_t
tcp_syncookie_mss(uint32_t idx)
{
	return cookie_mss[idx & 3u];
}

uint32_t
tcp_syncookie_mss_idx(uint16_t mss)
{
	uint32_t i = 3;

	while (i > 0 && cookie_mss[i] > mss)
		i--;
	return i;
}

int
tcp_listener_find(struct dp_lcore *lc, uint16_t port)
{
	for (int i = 0; i < DP_TCP_MAX_LISTENERS; i++)
		if (lc->tcp.listeners[i].port == port && port != 0)
			return i;
	return -1;
}

int
dp_tcp_listen(struct dp_lcore *lc, uint16_t port, const struct dp_tcp_app_ops *ops,
	      void *listen_arg)
{
	if (port == 0 || ops == NULL)
		return -EINVAL;
	if (tcp_listener_find(lc, port) >= 0)
		return -EADDRINUSE;
	for (int i = 0; i < DP_TCP_MAX_LISTENERS; i++) {
		struct dp_tcp_listener *l = &lc->tcp.listeners[i];

		if (l->port == 0) {
			memset(l, 0, sizeof(*l));
			l->port = port;
			l->ops = ops;
			l->arg = listen_arg;
			return 0;
		}
	}
	return -ENOSPC;
}

int
dp_tcp_unlisten(struct dp_lcore *lc, uint16_t port)
{
	int i = tcp_listener_find(lc, port);

	if (i < 0)
		return -ENOENT;
	lc->tcp.listeners[i].port = 0;
	return 0;
}

int
dp_tcp_state_ctr(uint8_t state)
{
	switch (state) {
	case DP_TCP_STATE_SYN_SENT:
		return DP_CTR_tcp_state_syn_sent;
	case DP_TCP_STATE_SYN_RECEIVED:
		return DP_CTR_tcp_state_syn_received;
	case DP_TCP_STATE_ESTABLISHED:
		return DP_CTR_tcp_state_established;
	case DP_TCP_STATE_FIN_WAIT_1:
		return DP_CTR_tcp_state_fin_wait_1;
	case DP_TCP_STATE_FIN_WAIT_2:
		return DP_CTR_tcp_state_fin_wait_2;
	case DP_TCP_STATE_CLOSE_WAIT:
		return DP_CTR_tcp_state_close_wait;
	case DP_TCP_STATE_CLOSING:
		return DP_CTR_tcp_state_closing;
	case DP_TCP_STATE_LAST_ACK:
		return DP_CTR_tcp_state_last_ack;
	case DP_TCP_STATE_TIME_WAIT:
		return DP_CTR_tcp_state_time_wait;
	default:
		return -1;
	}
}

void
tcp_state_account(struct dp_lcore *lc, uint8_t from, uint8_t to)
{
	int f = dp_tcp_state_ctr(from), t = dp_tcp_state_ctr(to);

	if (from == to)
		return;
	/* A gauge per lcore: one less is + (2^64 - 1), summed modulo 2^64. */
	if (f >= 0)
		ipc_ctr_add(lc->ctr, (uint32_t)f, UINT64_MAX);
	if (t >= 0)
		ipc_ctr_add(lc->ctr, (uint32_t)t, 1);
}

void
tcp_set_state(struct dp_lcore *lc, struct dp_tcb *t, uint8_t state)
{
	struct dp_tcp_lcore *tl = &lc->tcp;

	if (t->state == state)
		return;
	tcp_state_account(lc, t->state, state);
	if (t->state == DP_TCP_STATE_SYN_RECEIVED && t->listener < DP_TCP_MAX_LISTENERS &&
	    tl->listeners[t->listener].n_syn_rcvd > 0)
		tl->listeners[t->listener].n_syn_rcvd--;
	if (t->state == DP_TCP_STATE_TIME_WAIT)
		tw_unlink(lc, t);
	t->state = state;
	if (state == DP_TCP_STATE_TIME_WAIT) {
		uint32_t idx = tcp_tcb_index(lc, t);

		if (tl->n_timewait >= tl->conf->tw_max)
			tw_recycle_oldest(lc);
		t->tw_next = DP_TCB_NONE;
		if (tl->tw_tail == DP_TCB_NONE)
			tl->tw_head = idx;
		else
			tl->tcbs[tl->tw_tail].tw_next = idx;
		tl->tw_tail = idx;
		tl->n_timewait++;
		/* RFC 9293 §3.10.7.4: TIME_WAIT lasts 2 MSL; only the 2MSL timer stays. */
		tcp_timer_stop_all(lc, t);
		tcp_timer_set(lc, t, DP_TCP_T_2MSL, lc->now_us + 2 * (uint64_t)tl->conf->msl_us);
	}
}

void
tcp_work_add(struct dp_lcore *lc, struct dp_tcb *t)
{
	struct dp_tcp_lcore *tl = &lc->tcp;
	uint32_t idx = tcp_tcb_index(lc, t);

	if (t->flags & TCB_F_ON_WORK)
		return;
	t->flags |= TCB_F_ON_WORK;
	t->work_next = DP_TCB_NONE;
	if (tl->work_tail == DP_TCB_NONE)
		tl->work_head = idx;
	else
		tl->tcbs[tl->work_tail].work_next = idx;
	tl->work_tail = idx;
}

void
tcp_event(struct dp_lcore *lc, struct dp_tcb *t, uint8_t ev)
{
	t->events |= ev;
	tcp_work_add(lc, t);
}

void
tcp_conn_done(struct dp_lcore *lc, struct dp_tcb *t, uint8_t reason)
{
	if (t->flags & TCB_F_DEAD)
		return;
	/* Out of the table at once: later segments for the tuple find no connection. */
	tcb_detach(lc, t);
	tcp_state_account(lc, t->state, DP_TCP_STATE_CLOSED);
	t->state = DP_TCP_STATE_CLOSED;
	t->flags |= TCB_F_DEAD;
	t->close_reason = reason;
	if (reason == DP_TCP_CLOSE_NORMAL)
		DP_CTR_INC(lc, tcp_closed_normal);
	else
		DP_CTR_INC(lc, tcp_closed_error);
	if (reason == DP_TCP_CLOSE_TIMEOUT)
		DP_CTR_INC(lc, tcp_timeouts);
	tcp_event(lc, t, TCB_EV_CLOSED);
}

void
tcp_tcb_release(struct dp_lcore *lc, struct dp_tcb *t)
{
	struct dp_tcp_lcore *tl = &lc->tcp;

	/* A handle to the old connection must not reach the next one. */
	t->gen = ((t->gen + 1) & TCB_GEN_MASK) != 0 ? t->gen + 1 : 1;
	tcp_state_account(lc, t->state, DP_TCP_STATE_CLOSED);
	t->state = DP_TCP_STATE_CLOSED;
	t->flags = 0;
	t->ops = NULL;
	t->events = 0;
	t->next_free = tl->free_head;
	tl->free_head = tcp_tcb_index(lc, t);
	tl->n_used--;
	ipc_ctr_set(lc->ctr, DP_CTR_tcp_conns, tl->n_used);
}

uint32_t
tcp_rcv_window(struct dp_lcore *lc, const struct dp_tcb *t)
{
	uint32_t buf = lc->tcp.conf->rcvbuf;
	uint32_t used = t->rq_len;

	return used >= buf ? 0 : buf - used;
}

static bool
eph_port_busy(void *arg, uint16_t sport)
{
	void **a = arg;
	struct dp_lcore *lc = a[0];
	const uint32_t *tuple = a[1];

	return tcp_lookup(lc, tuple[0], sport, tuple[1], (uint16_t)tuple[2]) != NULL ||
	       tcp_listener_find(lc, sport) >= 0;
}

int
dp_tcp_connect(struct dp_lcore *lc, uint32_t raddr, uint16_t rport,
	       const struct dp_tcp_app_ops *ops, void *ctx, uint32_t *h)
{
	struct dp_tcp_lcore *tl = &lc->tcp;
	const struct dp_tcp_conf *c = tl->conf;
	uint32_t tuple[3] = { lc->net.ip, raddr, rport };
	void *busy_arg[2] = { lc, tuple };
	struct dp_tcb *t;
	uint16_t sport = 0;
	int rc;

	if (ops == NULL || raddr == 0 || rport == 0)
		return -EINVAL;
	if (tl->rss.enabled) {
		struct drv_rss_reta reta;

		reta.size = tl->rss.reta_size;
		memcpy(reta.queue, tl->rss.reta, sizeof(reta.queue));
		rc = drv_rss_pick_sport(tl->rss.key, tl->rss.key_len, &reta, lc->net.ip, raddr, rport,
					tl->rss.my_queue, c->eph_lo, c->eph_hi, tl->next_eph,
					eph_port_busy, busy_arg, &sport);
		if (rc != 0)
			return -EADDRNOTAVAIL;
	} else {
		uint32_t span = (uint32_t)c->eph_hi - c->eph_lo + 1, i;
		uint16_t p = tl->next_eph;

		for (i = 0; i < span; i++) {
			if (p < c->eph_lo || p > c->eph_hi)
				p = c->eph_lo;
			/* Software steering (net_types.h): our ports are ours mod steer_n. */
			if ((lc->net.steer_n <= 1 || p % lc->net.steer_n == lc->net.steer_idx) &&
			    !eph_port_busy(busy_arg, p))
				break;
			p++;
		}
		if (i == span)
			return -EADDRNOTAVAIL;
		sport = p;
	}
	tl->next_eph = sport < c->eph_hi ? (uint16_t)(sport + 1) : c->eph_lo;
	t = tcp_tcb_alloc_ex(lc, lc->net.ip, sport, raddr, rport, true);
	if (t == NULL)
		return -ENOMEM;
	tcp_tcb_init_conn(lc, t);
	t->ops = ops;
	t->ctx = ctx;
	t->flags |= TCB_F_ACTIVE;
	t->iss = tcp_isn(lc, t->laddr, t->lport, t->raddr, t->rport);
	t->snd_una = t->snd_nxt = t->snd_max = t->iss;
	tcp_set_state(lc, t, DP_TCP_STATE_SYN_SENT);
	DP_CTR_INC(lc, tcp_active_opens);
	tcp_send_syn(lc, t);
	*h = tcp_tcb_handle(lc, t);
	return 0;
}

/* Append @p len bytes to the send queue, filling the tail mbuf first. */
static uint32_t
sq_append(struct dp_lcore *lc, struct dp_tcb *t, const uint8_t *p, uint32_t len)
{
	uint32_t done = 0;

	while (done < len) {
		struct rte_mbuf *m = t->sq_tail;
		uint32_t room = m != NULL ? rte_pktmbuf_tailroom(m) : 0, n;

		if (room == 0) {
			m = rte_pktmbuf_alloc(lc->net.pool);
			if (m == NULL) {
				DP_CTR_INC(lc, tcp_nombuf);
				break;
			}
			m->next = NULL;
			if (t->sq_tail == NULL)
				t->sq_head = m;
			else
				t->sq_tail->next = m;
			t->sq_tail = m;
			room = rte_pktmbuf_tailroom(m);
		}
		n = len - done < room ? len - done : room;
		memcpy(rte_pktmbuf_mtod_offset(m, uint8_t *, m->data_len), p + done, n);
		m->data_len = (uint16_t)(m->data_len + n);
		done += n;
	}
	t->sq_len += done;
	return done;
}

uint32_t
dp_tcp_send_space(struct dp_lcore *lc, uint32_t h)
{
	struct dp_tcb *t = tcp_tcb_get(lc, h);

	if (t == NULL || (t->flags & TCB_F_FIN_QUEUED))
		return 0;
	if (t->sq_len >= lc->tcp.conf->sndbuf) {
		/* Asking and finding none registers interest: `writable` follows. */
		t->flags |= TCB_F_WANT_WRITABLE;
		return 0;
	}
	return lc->tcp.conf->sndbuf - t->sq_len;
}

int
dp_tcp_send(struct dp_lcore *lc, uint32_t h, const void *buf, uint32_t len)
{
	struct dp_tcb *t = tcp_tcb_get(lc, h);
	uint32_t space, n;

	if (t == NULL)
		return -EBADF;
	if (t->flags & (TCB_F_FIN_QUEUED | TCB_F_APP_CLOSED))
		return -EPIPE;
	if (t->state != DP_TCP_STATE_ESTABLISHED && t->state != DP_TCP_STATE_CLOSE_WAIT &&
	    t->state != DP_TCP_STATE_SYN_SENT && t->state != DP_TCP_STATE_SYN_RECEIVED)
		return -EPIPE;
	space = dp_tcp_send_space(lc, h);
	n = sq_append(lc, t, buf, len < space ? len : space);
	if (n < len)
		t->flags |= TCB_F_WANT_WRITABLE;
	if (n != 0)
		tcp_work_add(lc, t);
	return (int)n;
}

int
dp_tcp_recv(struct dp_lcore *lc, uint32_t h, void *buf, uint32_t len)
{
	struct dp_tcb *t = tcp_tcb_get(lc, h);
	uint8_t *out = buf;
	uint32_t done = 0;

	if (t == NULL)
		return -EBADF;
	while (done < len && t->rq_head != NULL) {
		struct rte_mbuf *m = t->rq_head;
		uint32_t avail = m->data_len - t->rq_off;
		uint32_t n = len - done < avail ? len - done : avail;

		memcpy(out + done, rte_pktmbuf_mtod_offset(m, uint8_t *, t->rq_off), n);
		done += n;
		t->rq_off += n;
		if (t->rq_off == m->data_len) {
			t->rq_head = m->next;
			if (t->rq_head == NULL)
				t->rq_tail = NULL;
			m->next = NULL;
			rte_pktmbuf_free_seg(m);
			t->rq_off = 0;
		}
	}
	t->rq_len -= done;
	/* RFC 9293 §3.8.6.2.2: announce the opened window once it grew by min(rcvbuf/2, MSS). */
	if (done != 0 && t->state >= DP_TCP_STATE_ESTABLISHED) {
		uint32_t wnd = tcp_rcv_window(lc, t);
		uint32_t thresh = lc->tcp.conf->rcvbuf / 2 < t->rmss ? lc->tcp.conf->rcvbuf / 2
								    : t->rmss;

		/* Compare with the edge last advertised, not with this call's start. */
		if (seq_geq(t->rcv_nxt + wnd, t->rcv_adv + thresh)) {
			t->flags |= TCB_F_ACK_NOW;
			tcp_work_add(lc, t);
		}
	}
	return (int)done;
}

uint32_t
dp_tcp_readable(struct dp_lcore *lc, uint32_t h)
{
	struct dp_tcb *t = tcp_tcb_get(lc, h);

	return t != NULL ? t->rq_len : 0;
}

bool
dp_tcp_peer_closed(struct dp_lcore *lc, uint32_t h)
{
	struct dp_tcb *t = tcp_tcb_get(lc, h);

	return t != NULL && (t->flags & TCB_F_FIN_RCVD) && t->rq_len == 0;
}

uint32_t
dp_tcp_sendable(struct dp_lcore *lc, uint32_t h)
{
	struct dp_tcb *t = tcp_tcb_get(lc, h);
	uint32_t wnd, inflight, unsent;

	if (t == NULL || (t->flags & TCB_F_FIN_QUEUED) ||
	    (t->state != DP_TCP_STATE_ESTABLISHED && t->state != DP_TCP_STATE_CLOSE_WAIT))
		return 0;
	wnd = t->snd_wnd < t->cc.cwnd ? t->snd_wnd : t->cc.cwnd;
	inflight = t->snd_nxt - t->snd_una;
	unsent = t->sq_len - inflight;
	if (inflight + unsent >= wnd)
		return 0;
	return wnd - inflight - unsent;
}

int
dp_tcp_shutdown_write(struct dp_lcore *lc, uint32_t h)
{
	struct dp_tcb *t = tcp_tcb_get(lc, h);

	if (t == NULL)
		return -EBADF;
	if (t->state == DP_TCP_STATE_SYN_SENT || t->state == DP_TCP_STATE_LISTEN)
		return -ENOTCONN;
	if (t->flags & TCB_F_FIN_QUEUED)
		return 0;
	t->flags |= TCB_F_FIN_QUEUED;
	tcp_work_add(lc, t);
	return 0;
}

int
dp_tcp_abort(struct dp_lcore *lc, uint32_t h)
{
	struct dp_tcb *t = tcp_tcb_get(lc, h);

	if (t == NULL)
		return -EBADF;
	if (t->state != DP_TCP_STATE_SYN_SENT && t->state != DP_TCP_STATE_TIME_WAIT)
		tcp_send_rst_conn(lc, t);
	tcp_conn_done(lc, t, DP_TCP_CLOSE_ABORTED);
	return 0;
}

int
dp_tcp_close(struct dp_lcore *lc, uint32_t h)
{
	struct dp_tcb *t = tcp_tcb_get(lc, h);

	if (t == NULL)
		return -EBADF;
	/* RFC 2525 §2.17: closing with unread data resets, so the peer learns data was lost. */
	if (t->rq_len != 0 || t->state == DP_TCP_STATE_SYN_SENT)
		return dp_tcp_abort(lc, h);
	t->flags |= TCB_F_APP_CLOSED;
	t->events &= TCB_EV_CLOSED;
	if (t->state == DP_TCP_STATE_FIN_WAIT_2)
		tcp_timer_set(lc, t, DP_TCP_T_2MSL, lc->now_us + 2 * (uint64_t)lc->tcp.conf->msl_us);
	return dp_tcp_shutdown_write(lc, h);
}

int
dp_tcp_set_ctx(struct dp_lcore *lc, uint32_t h, void *ctx)
{
	struct dp_tcb *t = tcp_tcb_get(lc, h);

	if (t == NULL)
		return -EBADF;
	t->ctx = ctx;
	return 0;
}

int
dp_tcp_info(struct dp_lcore *lc, uint32_t h, struct dp_tcp_info *o)
{
	struct dp_tcb *t = tcp_tcb_get(lc, h);

	if (t == NULL)
		return -EBADF;
	memset(o, 0, sizeof(*o));
	o->state = t->state;
	o->cc_algo = lc->tcp.conf->cc_algo;
	o->snd_wscale = t->snd_wscale;
	o->rcv_wscale = t->rcv_wscale;
	o->ts_ok = (t->flags & TCB_F_TS_OK) != 0;
	o->sack_ok = (t->flags & TCB_F_SACK_OK) != 0;
	o->in_recovery = (t->flags & TCB_F_RECOVERY) != 0;
	o->syncookie = (t->flags & TCB_F_SYNCOOKIE) != 0;
	o->laddr = t->laddr;
	o->raddr = t->raddr;
	o->lport = t->lport;
	o->rport = t->rport;
	o->mss = tcp_eff_mss(t);
	o->cwnd = t->cc.cwnd;
	o->ssthresh = t->cc.ssthresh;
	o->srtt_us = t->srtt_us;
	o->rttvar_us = t->rttvar_us;
	o->rto_us = t->rto_us;
	o->snd_wnd = t->snd_wnd;
	o->rcv_wnd = tcp_rcv_window(lc, t);
	o->flight = t->snd_max - t->snd_una;
	o->snd_queued = t->sq_len;
	o->rcv_queued = t->rq_len;
	o->ooo_segs = t->n_ooo;
	o->bytes_sent = t->bytes_sent;
	o->bytes_rcvd = t->bytes_rcvd;
	o->segs_out = t->segs_out;
	o->segs_in = t->segs_in;
	o->retrans_segs = t->retrans_segs;
	o->rto_count = t->rto_count;
	o->fast_recoveries = t->fast_recoveries;
	o->dupacks_rcvd = t->dupacks_rcvd;
	o->sack_blocks_rcvd = t->sack_blocks_rcvd;
	return 0;
}

const char *
dp_tcp_state_name(uint8_t s)
{
	static const char *const names[DP_TCP_STATE__COUNT] = {
		"CLOSED", "LISTEN", "SYN_SENT", "SYN_RECEIVED", "ESTABLISHED", "FIN_WAIT_1",
		"FIN_WAIT_2", "CLOSE_WAIT", "CLOSING", "LAST_ACK", "TIME_WAIT",
	};

	return s < DP_TCP_STATE__COUNT ? names[s] : "?";
}

void
dp_tcp_state_counts(struct dp_lcore *lc, uint32_t counts[DP_TCP_STATE__COUNT])
{
	memset(counts, 0, DP_TCP_STATE__COUNT * sizeof(counts[0]));
	for (uint32_t i = 0; i < lc->tcp.n_tcbs; i++) {
		const struct dp_tcb *t = &lc->tcp.tcbs[i];

		if (t->state < DP_TCP_STATE__COUNT && t->state != DP_TCP_STATE_CLOSED)
			counts[t->state]++;
	}
}
