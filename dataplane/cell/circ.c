/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Circuits: table, CREATE via the control plane, tor1 relay crypto,
 *        EXTEND2, DESTROY, per-circuit queues and the EWMA scheduler.
 *
 * See circ.h for the model. Structure of this file:
 *   pools (circuits, cell buffers), the table, per-channel state;
 *   queues and the scheduler; closing; CREATE; relay cells; EXTEND2;
 *   DESTROY and CREATED2; channel events; the public API.
 *
 * Sides: side P faces the previous hop (where CREATE arrived; backward
 * cells are queued there), side N the next hop (forward cells queued there).
 * The keys of the whole hop live in the circuit on this lcore: forward
 * cells are decrypted with Kf as they arrive on P, backward cells
 * encrypted with Kb as they arrive on N.
 */
#include <errno.h>
#include <string.h>

#include <openssl/crypto.h>
#include <rte_common.h>
#include <rte_malloc.h>
#include <rte_random.h>

#include "common/base/byteorder.h"
#include "common/ipc/ipc_ring.h"
#include "common/wire/wire_cell.h"
#include "common/wire/wire_create.h"
#include "common/wire/wire_relay.h"
#include "dataplane/base/dp_ctr.h"
#include "dataplane/base/dp_u64map.h"
#include "dataplane/cell/chan.h"
#include "dataplane/cell/circ.h"
#include "dataplane/cell/relay_crypto.h"
#include "dataplane/tls/tls.h"

#define NONE UINT32_MAX
#define SIDE_P 0u
#define SIDE_N 1u
/** Cells per TLS write: 31 × 514 = 15934 bytes, one TLS record. */
#define CIRC_BATCH 31u
/** Channels served per dp_circ_poll() pass, and passes per channel. */
#define SCHED_CHANS 64u
#define SCHED_ROUNDS 4u
/** Circuits whose deadline is checked per dp_circ_poll(). */
#define EXPIRE_SCAN 64u
/** EWMA buckets per channel (log2 of the EWMA value). */
#define NBUCKET 32u
/** EWMA: tick length and per-tick decay (tor: 10 s ticks, 30 s half-life). */
#define EWMA_TICK_US 10000000ull
#define EWMA_DECAY 0.7937005259840998f /* 0.5^(10/30) */
/** RELAY_EARLY cells a circuit may receive (tor-spec.txt §5.6). */
#define MAX_RELAY_EARLY 8u
/** Channel handles: lcore (7 bits) | pool index (17) | generation (8), see chan.h. */
#define CHAN_IDX(h) (((h) >> 8) & 0x1ffffu)

/* The values are the IPC_CIRC_STATE_* of CIRC_INFO. */
enum circ_state {
	CS_FREE = 0,
	CS_CREATING = IPC_CIRC_STATE_CREATING,	       /**< onionskin with the control plane */
	CS_OPEN = IPC_CIRC_STATE_OPEN,		       /**< keys set; maybe a next hop */
	CS_WAIT_CHAN = IPC_CIRC_STATE_WAIT_CHAN,       /**< EXTEND2: next channel opening */
	CS_WAIT_CREATED = IPC_CIRC_STATE_WAIT_CREATED, /**< EXTEND2: CREATE2 sent */
	CS_WAIT_XL = IPC_CIRC_STATE_WAIT_XL,	       /**< EXTEND2 handed to another lcore */
	CS_HALF = IPC_CIRC_STATE_HALF,		       /**< next-hop half of another lcore's circuit */
};

/* ---- cross-lcore messages (one SPSC ring per ordered pair of lcores) ---- */

enum xl_type {
	XL_EXTEND = 1, /**< home -> owner of the next channel: make a half, send this CREATE2 */
	XL_ATTACHED,   /**< -> home: the half exists (src = its handle) */
	XL_CREATED,    /**< -> home: CREATED2 arrived (cell payload) */
	XL_CELL_FWD,   /**< -> half: a forward cell, already decrypted at home */
	XL_CELL_BWD,   /**< -> home: a backward cell as it arrived */
	XL_DESTROY,    /**< either way: the circuit is gone (reason for the peer's DESTROY) */
	XL_CREDIT,     /**< either way: @c reason more cells may come (they left my queue) */
};

struct xl_msg {
	uint8_t type;
	uint8_t from;	 /**< sender's index in the group */
	uint8_t reason;	 /**< XL_DESTROY: the reason; XL_CREDIT: the number of cells */
	uint8_t cmd;	 /**< XL_CELL_*: the cell command (RELAY_EARLY stays) */
	uint32_t dst;	 /**< circuit handle at the receiver (0: XL_EXTEND) */
	uint32_t src;	 /**< circuit handle at the sender */
	uint32_t chan;	 /**< XL_EXTEND: the receiver's channel to use */
	uint8_t want_ed; /**< XL_EXTEND: check ed_id */
	uint8_t pad;
	uint16_t credit; /**< XL_EXTEND: cells the new half may send home at first */
	uint8_t ed_id[32];
	uint8_t cell[WIRE_CELL_LEN]; /**< XL_EXTEND: the CREATE2 cell; XL_CELL_*, XL_CREATED */
	uint8_t pad2[2];
};

#define XL_SLOT 576u
#define XL_SLOTS 2048u
#define XL_POLL_BATCH 64u
#define XL_NONE 0xffu
_Static_assert(sizeof(struct xl_msg) <= XL_SLOT, "xl slot");

/** A small control message that could not be sent yet (ring full): retried. */
struct xl_pend {
	uint8_t to, type, reason, pad;
	uint32_t dst, src;
};

struct cellbuf {
	uint32_t next;
	uint8_t cell[WIRE_CELL_LEN];
	uint8_t pad[2];
};

/** One direction's end of a circuit: a channel, a circuit id, a queue. */
struct circ_side {
	uint32_t chan;		/**< channel handle, 0: none */
	uint32_t circ_id;	/**< 0 while an extension waits for its channel */
	uint32_t q_head, q_tail, q_len; /**< cells to send on this side's channel */
	uint32_t cl_prev, cl_next; /**< the channel's list of circuit sides (refs) */
	uint32_t act_prev, act_next; /**< the channel's EWMA bucket list (refs) */
	float ewma;		/**< cells sent, decayed */
	uint32_t ewma_tick;
	uint8_t mapped;		/**< (chan, circ_id) is in the table */
	uint8_t active;		/**< in a bucket list */
	uint8_t bucket;
	uint8_t blocking;	/**< q_len passed the high-water mark: the other side's channel is paused */
};

struct circ {
	uint32_t next_free;
	uint8_t gen;
	uint8_t state;		/**< enum circ_state */
	uint8_t early_in;	/**< RELAY_EARLY cells received (forward) */
	uint8_t htype;		/**< of the CREATE (CREATED_FAST vs CREATED2) */
	uint32_t req_id;	/**< of the CIRC_CREATE in flight */
	uint32_t pend;		/**< cell buffer: the CREATE2 to send once the channel opens */
	uint64_t deadline_us;	/**< CS_CREATING / CS_WAIT_*: give up then */
	uint64_t created_us;
	uint64_t cells_fwd, cells_bwd; /**< relay cells passed on each way */
	uint8_t want_ed;	/**< EXTEND2 named an Ed25519 identity */
	uint8_t xl_lc;		/**< group index of the lcore holding the other half, XL_NONE */
	uint8_t xl_paused;	/**< our channel paused: no credit left toward the other half */
	uint8_t is_half;	/**< CS_HALF: side N only; the keys are at home */
	uint8_t xl_ring_blocked; /**< our channel paused: the ring to the other half is filling */
	uint32_t xl_peer;	/**< the other half's handle on xl_lc (0: not known yet) */
	/* Cross-lcore flow control, per direction (ARCHITECTURE.md §3 backpressure):
	 * a half may have at most queue_hiwat cells in flight to the other half
	 * or in its queue; the other half returns credit as they leave. */
	uint16_t xl_credit;	/**< cells we may still send to the other half */
	uint16_t xl_owed;	/**< cells of the other half's that left our queue, not yet credited */
	uint32_t xl_recv;	/**< cells from the other half still in our queue */
	uint32_t xl_chan;	/**< our channel while the other half is on another lcore: the
				     one our pauses hold (kept when a side is detached first) */
	uint8_t ed_id[32];	/**< that identity (checked when the channel opens) */
	struct circ_side side[2];
	struct dp_relay_crypto rc;
};

/** What the circuit layer keeps per channel (indexed like the channel pool). */
struct circ_chan {
	uint32_t handle;	/**< channel this entry is for; 0: unused */
	uint32_t circs;		/**< list of circuit sides on it (refs) */
	uint32_t n_circs;
	uint32_t ctl_head, ctl_tail, ctl_len; /**< control cells, written first */
	uint32_t act_head[NBUCKET];
	uint32_t act_bits;	/**< non-empty buckets */
	uint32_t n_queued;	/**< data cells queued on this channel */
	uint32_t pause_refs;	/**< circuit sides that paused reading this channel */
	uint32_t sched_next;	/**< in the lcore's list of channels with cells to write */
	uint8_t in_sched;
	uint8_t pad[3];
};

struct dp_circ_lcore {
	struct dp_circ_conf conf;
	struct circ *circs;
	uint32_t free_head, n_used;
	struct cellbuf *cells;
	uint32_t cell_free, cells_used, cells_reserve;
	struct circ_chan *chans;
	uint32_t n_chans;
	struct dp_u64map map;	/**< (chan << 32 | circ_id) → (circ idx << 1 | side) + 1 */
	struct dp_rc_lib rclib;
	uint32_t sched_head, sched_tail; /**< channels to serve (circ_chan indices) */
	uint32_t expire_cursor;
	uint32_t req_seq;
	/* Cross-lcore group (dp_circ_group_link()): networking lcores 0..grp_n-1. */
	uint8_t grp_n, grp_idx;
	struct dp_lcore *grp[DP_NET_MAX_QUEUES];
	struct ipc_ring_prod xl_out[DP_NET_MAX_QUEUES];
	struct ipc_ring_cons xl_in[DP_NET_MAX_QUEUES];
	void *xl_mem[DP_NET_MAX_QUEUES]; /**< rings this lcore consumes (it frees them) */
	struct xl_pend *pend;		   /**< max_circs entries, a ring */
	uint32_t *ring_blk;		   /**< circuits paused for a filling ring (handles) */
	uint32_t n_ring_blk;
	uint32_t pend_head, pend_tail;
	uint8_t batch[CIRC_BATCH * WIRE_CELL_LEN];
};

static inline uint32_t
ref_of(uint32_t idx, uint32_t side)
{
	return idx << 1 | side;
}

static inline struct circ_side *
ref_side(struct dp_circ_lcore *cc, uint32_t ref)
{
	return &cc->circs[ref >> 1].side[ref & 1];
}

static inline uint64_t
map_key(uint32_t chan, uint32_t circ_id)
{
	return (uint64_t)chan << 32 | circ_id;
}

static uint32_t
circ_handle(const struct dp_lcore *lc, const struct dp_circ_lcore *cc, const struct circ *c)
{
	return (lc->idx & 0x7fu) << 25 | (uint32_t)(c - cc->circs) << 8 | c->gen;
}

static struct circ *
circ_lookup_handle(struct dp_lcore *lc, uint32_t h)
{
	struct dp_circ_lcore *cc = lc->circ;
	uint32_t idx = (h >> 8) & 0x1ffffu;
	struct circ *c;

	if (cc == NULL || (h >> 25) != (lc->idx & 0x7fu) || idx >= cc->conf.max_circs)
		return NULL;
	c = &cc->circs[idx];
	if (c->state == CS_FREE || c->gen != (h & 0xffu))
		return NULL;
	return c;
}

/* ---- cell buffers ---- */

/* A data cell may not take the reserve kept for control cells. */
static uint32_t
cell_alloc(struct dp_lcore *lc, bool control)
{
	struct dp_circ_lcore *cc = lc->circ;
	uint32_t i = cc->cell_free;

	if (i == NONE || (!control && cc->conf.max_cells - cc->cells_used <= cc->cells_reserve)) {
		DP_CTR_INC(lc, circ_cells_nobuf);
		return NONE;
	}
	cc->cell_free = cc->cells[i].next;
	cc->cells[i].next = NONE;
	cc->cells_used++;
	DP_CTR_INC(lc, circ_cells_queued);
	return i;
}

static void
cell_release(struct dp_lcore *lc, uint32_t i)
{
	struct dp_circ_lcore *cc = lc->circ;

	cc->cells[i].next = cc->cell_free;
	cc->cell_free = i;
	cc->cells_used--;
	DP_CTR_ADD(lc, circ_cells_queued, (uint64_t)-1);
}

/* ---- per-channel state ---- */

static struct circ_chan *
chan_state(struct dp_lcore *lc, uint32_t chan, bool create)
{
	struct dp_circ_lcore *cc = lc->circ;
	uint32_t idx = CHAN_IDX(chan);
	struct circ_chan *ch;

	if (chan == 0 || idx >= cc->n_chans)
		return NULL;
	ch = &cc->chans[idx];
	if (ch->handle == chan)
		return ch;
	if (!create || (ch->handle != 0 && (ch->n_circs != 0 || ch->ctl_len != 0)))
		return NULL;
	/* Free, or left over by a closed channel that is still in the scheduler
	 * list with nothing to write: take it over, keeping the list links. */
	{
		uint8_t in_sched = ch->in_sched;
		uint32_t sched_next = ch->sched_next;

		memset(ch, 0, sizeof(*ch));
		ch->in_sched = in_sched;
		ch->sched_next = in_sched ? sched_next : NONE;
	}
	ch->handle = chan;
	ch->circs = NONE;
	ch->ctl_head = ch->ctl_tail = NONE;
	for (uint32_t b = 0; b < NBUCKET; b++)
		ch->act_head[b] = NONE;
	return ch;
}

/* Forget @p ch once nothing refers to it. */
static void
chan_state_maybe_free(struct circ_chan *ch)
{
	/* Kept while a pause is held: its release must find the channel. */
	if (ch->n_circs == 0 && ch->ctl_len == 0 && !ch->in_sched && ch->pause_refs == 0)
		ch->handle = 0;
}

static void
sched_add(struct dp_lcore *lc, struct circ_chan *ch)
{
	struct dp_circ_lcore *cc = lc->circ;
	uint32_t idx = (uint32_t)(ch - cc->chans);

	if (ch->in_sched)
		return;
	ch->in_sched = 1;
	ch->sched_next = NONE;
	if (cc->sched_tail == NONE)
		cc->sched_head = idx;
	else
		cc->chans[cc->sched_tail].sched_next = idx;
	cc->sched_tail = idx;
}

/* Link side @p ref into its channel's list of circuits. */
static void
chan_link(struct dp_lcore *lc, struct circ_chan *ch, uint32_t ref)
{
	struct dp_circ_lcore *cc = lc->circ;
	struct circ_side *s = ref_side(cc, ref);

	s->cl_prev = NONE;
	s->cl_next = ch->circs;
	if (ch->circs != NONE)
		ref_side(cc, ch->circs)->cl_prev = ref;
	ch->circs = ref;
	ch->n_circs++;
}

static void
chan_unlink(struct dp_lcore *lc, struct circ_chan *ch, uint32_t ref)
{
	struct dp_circ_lcore *cc = lc->circ;
	struct circ_side *s = ref_side(cc, ref);

	if (s->cl_prev != NONE)
		ref_side(cc, s->cl_prev)->cl_next = s->cl_next;
	else
		ch->circs = s->cl_next;
	if (s->cl_next != NONE)
		ref_side(cc, s->cl_next)->cl_prev = s->cl_prev;
	s->cl_prev = s->cl_next = NONE;
	ch->n_circs--;
}

/* ---- EWMA buckets ---- */

static void
ewma_decay_to(struct circ_side *s, uint32_t tick)
{
	uint32_t d = tick - s->ewma_tick;

	if (d == 0)
		return;
	if (d > 64) {
		s->ewma = 0.0f;
	} else {
		while (d-- > 0)
			s->ewma *= EWMA_DECAY;
	}
	s->ewma_tick = tick;
}

static uint8_t
ewma_bucket(float v)
{
	uint32_t x = v < 1.0f ? 0 : v > 2e9f ? UINT32_MAX : (uint32_t)v;
	uint32_t b;

	if (x == 0)
		return 0;
	b = 32u - (uint32_t)__builtin_clz(x); /* 1 + floor(log2(x)) */
	return (uint8_t)(b > NBUCKET - 1 ? NBUCKET - 1 : b);
}

static void
act_insert(struct dp_lcore *lc, struct circ_chan *ch, uint32_t ref)
{
	struct dp_circ_lcore *cc = lc->circ;
	struct circ_side *s = ref_side(cc, ref);
	uint32_t b;

	ewma_decay_to(s, (uint32_t)(lc->now_us / EWMA_TICK_US));
	b = ewma_bucket(s->ewma);
	s->bucket = (uint8_t)b;
	s->active = 1;
	s->act_prev = NONE;
	s->act_next = ch->act_head[b];
	if (ch->act_head[b] != NONE)
		ref_side(cc, ch->act_head[b])->act_prev = ref;
	ch->act_head[b] = ref;
	ch->act_bits |= 1u << b;
}

static void
act_remove(struct dp_lcore *lc, struct circ_chan *ch, uint32_t ref)
{
	struct dp_circ_lcore *cc = lc->circ;
	struct circ_side *s = ref_side(cc, ref);

	if (!s->active)
		return;
	if (s->act_prev != NONE)
		ref_side(cc, s->act_prev)->act_next = s->act_next;
	else
		ch->act_head[s->bucket] = s->act_next;
	if (s->act_next != NONE)
		ref_side(cc, s->act_next)->act_prev = s->act_prev;
	if (ch->act_head[s->bucket] == NONE)
		ch->act_bits &= ~(1u << s->bucket);
	s->active = 0;
	s->act_prev = s->act_next = NONE;
}

/* ---- queues and backpressure ---- */

/*
 * Take (or drop) one reference on "channel @p ch is not read": the first
 * pauses it (counted), the last resumes it. Every pause of the circuit
 * layer goes through here: full queues, cross-lcore credit and rings.
 */
static void
chan_pause_ref(struct dp_lcore *lc, struct circ_chan *ch, bool pause)
{
	if (pause) {
		if (ch->pause_refs++ == 0) {
			dp_chan_set_paused(lc, ch->handle, true);
			DP_CTR_INC(lc, circ_pauses);
		}
	} else if (ch->pause_refs > 0 && --ch->pause_refs == 0) {
		dp_chan_set_paused(lc, ch->handle, false);
	}
}

static void xl_ctl(struct dp_lcore *lc, uint8_t to, uint8_t type, uint32_t dst, uint32_t src,
		   uint8_t reason);

static void
circ_unblock(struct dp_lcore *lc, struct circ *c, uint32_t side)
{
	struct circ_side *s = &c->side[side];
	struct circ_side *o = &c->side[side ^ 1];
	struct circ_chan *feed;

	if (!s->blocking)
		return;
	s->blocking = 0;
	feed = chan_state(lc, o->chan, false);
	if (feed != NULL)
		chan_pause_ref(lc, feed, false);
}

/* Pause (or resume) reading the one channel of a circuit half (xl circuits). */
static void
local_chan_pause(struct dp_lcore *lc, struct circ *c, bool pause)
{
	struct circ_chan *ch = chan_state(lc, c->xl_chan, false);

	if (ch != NULL)
		chan_pause_ref(lc, ch, pause);
}

/* The ring to the other half stays drained: resume (see xl_ring_watch()). */
static void
xl_ring_unblock(struct dp_lcore *lc, struct circ *c)
{
	if (!c->xl_ring_blocked)
		return;
	c->xl_ring_blocked = 0;
	local_chan_pause(lc, c, false);
}

/* Out of credit toward the other half (or credited again): stop (or resume) reading our channel of @p c. */
static void
xl_pause_local(struct dp_lcore *lc, struct circ *c, bool pause)
{
	struct circ_chan *ch = chan_state(lc, c->xl_chan, false);

	if (ch == NULL || (pause ? c->xl_paused : !c->xl_paused))
		return;
	c->xl_paused = pause;
	if (pause)
		DP_CTR_INC(lc, circ_xl_credit_waits);
	chan_pause_ref(lc, ch, pause);
}

/* Drop every queued cell of @p side. */
static void
queue_clear(struct dp_lcore *lc, struct circ *c, uint32_t side)
{
	struct dp_circ_lcore *cc = lc->circ;
	struct circ_side *s = &c->side[side];
	struct circ_chan *ch = chan_state(lc, s->chan, false);

	while (s->q_head != NONE) {
		uint32_t i = s->q_head;

		s->q_head = cc->cells[i].next;
		cell_release(lc, i);
	}
	if (ch != NULL) {
		ch->n_queued -= s->q_len;
		act_remove(lc, ch, ref_of((uint32_t)(c - cc->circs), side));
	}
	s->q_tail = NONE;
	s->q_len = 0;
	circ_unblock(lc, c, side);
}

static void circ_close(struct dp_lcore *lc, struct circ *c, uint8_t reason);

/*
 * Append data cell buffer @p buf to @p side's queue and schedule its
 * channel. Past the hard cap the circuit goes (the cell with it); past the
 * high-water mark the channel feeding this queue is paused.
 * @return 0, or -1 when the circuit was closed.
 */
static int
queue_push(struct dp_lcore *lc, struct circ *c, uint32_t side, uint32_t buf)
{
	struct dp_circ_lcore *cc = lc->circ;
	struct circ_side *s = &c->side[side];
	struct circ_chan *ch = chan_state(lc, s->chan, false);

	if (ch == NULL || s->q_len >= cc->conf.queue_max) {
		cell_release(lc, buf);
		if (ch != NULL)
			DP_CTR_INC(lc, circ_queue_overflow);
		circ_close(lc, c, WIRE_DESTROY_RESOURCELIMIT);
		return -1;
	}
	cc->cells[buf].next = NONE;
	if (s->q_tail == NONE)
		s->q_head = buf;
	else
		cc->cells[s->q_tail].next = buf;
	s->q_tail = buf;
	s->q_len++;
	ch->n_queued++;
	if (!s->active)
		act_insert(lc, ch, ref_of((uint32_t)(c - cc->circs), side));
	sched_add(lc, ch);
	if (s->q_len >= cc->conf.queue_hiwat && !s->blocking) {
		struct circ_chan *feed = chan_state(lc, c->side[side ^ 1].chan, false);

		if (feed != NULL) {
			s->blocking = 1;
			chan_pause_ref(lc, feed, true);
		}
		/* Fed from another lcore: its credit (xl_credit) bounds this queue. */
	}
	return 0;
}

/* Queue a control cell (already complete in buffer @p buf) on channel @p chan. */
static void
ctl_push(struct dp_lcore *lc, uint32_t chan, uint32_t buf)
{
	struct dp_circ_lcore *cc = lc->circ;
	struct circ_chan *ch = chan_state(lc, chan, true);

	if (ch == NULL) {
		cell_release(lc, buf);
		return;
	}
	cc->cells[buf].next = NONE;
	if (ch->ctl_tail == NONE)
		ch->ctl_head = buf;
	else
		cc->cells[ch->ctl_tail].next = buf;
	ch->ctl_tail = buf;
	ch->ctl_len++;
	sched_add(lc, ch);
}

/* Build a fixed cell in a new control buffer. */
static uint32_t
ctl_cell(struct dp_lcore *lc, uint32_t circ_id, uint8_t cmd, const uint8_t *payload, size_t len)
{
	struct dp_circ_lcore *cc = lc->circ;
	uint32_t b = cell_alloc(lc, true);

	if (b == NONE) {
		DP_CTR_INC(lc, circ_ctl_nobuf);
		return NONE;
	}
	if (wire_cell_encode_fixed(cc->cells[b].cell, WIRE_CELL_LEN, 5, circ_id, cmd, payload,
				   len) < 0) {
		cell_release(lc, b);
		return NONE;
	}
	return b;
}

static void
send_destroy(struct dp_lcore *lc, uint32_t chan, uint32_t circ_id, uint8_t reason)
{
	uint32_t b;

	if (chan == 0 || circ_id == 0)
		return;
	b = ctl_cell(lc, circ_id, WIRE_CELL_CMD_DESTROY, &reason, 1);
	if (b == NONE)
		return;
	ctl_push(lc, chan, b);
	if (reason <= WIRE_DESTROY_REASON_MAX)
		ipc_ctr_add(lc->ctr, DP_CTR_circ_destroy_tx_none + reason, 1);
}

/* ---- cross-lcore sending ---- */

static int
xl_push(struct dp_lcore *lc, uint8_t to, const struct xl_msg *m)
{
	struct dp_circ_lcore *cc = lc->circ;

	if (to >= cc->grp_n || to == cc->grp_idx ||
	    ipc_ring_push(&cc->xl_out[to], m, sizeof(*m)) != 0) {
		DP_CTR_INC(lc, circ_xl_full);
		return -ENOBUFS;
	}
	DP_CTR_INC(lc, circ_xl_tx);
	return 0;
}

/*
 * A control message to lcore @p to (XL_DESTROY, XL_ATTACHED, XL_CREDIT): never
 * dropped while the backlog has room; when the ring is full it waits in the
 * backlog (in order) and dp_circ_poll() retries it.
 */
static void
xl_ctl(struct dp_lcore *lc, uint8_t to, uint8_t type, uint32_t dst, uint32_t src, uint8_t reason)
{
	struct dp_circ_lcore *cc = lc->circ;
	struct xl_pend *p;

	if (cc->pend_head == cc->pend_tail) {
		struct xl_msg m;

		memset(&m, 0, sizeof(m));
		m.type = type;
		m.from = cc->grp_idx;
		m.reason = reason;
		m.dst = dst;
		m.src = src;
		if (xl_push(lc, to, &m) == 0)
			return;
	}
	if (cc->pend_tail - cc->pend_head >= cc->conf.max_circs) {
		DP_CTR_INC(lc, circ_xl_lost);
		return;
	}
	p = &cc->pend[cc->pend_tail % cc->conf.max_circs];
	p->to = to;
	p->type = type;
	p->reason = reason;
	p->dst = dst;
	p->src = src;
	cc->pend_tail++;
}

static void
xl_pend_retry(struct dp_lcore *lc)
{
	struct dp_circ_lcore *cc = lc->circ;

	while (cc->pend_head != cc->pend_tail) {
		const struct xl_pend *p = &cc->pend[cc->pend_head % cc->conf.max_circs];
		struct xl_msg m;

		memset(&m, 0, sizeof(m));
		m.type = p->type;
		m.from = cc->grp_idx;
		m.reason = p->reason;
		m.dst = p->dst;
		m.src = p->src;
		if (xl_push(lc, p->to, &m) != 0)
			return;
		cc->pend_head++;
	}
}

/* A message carrying a cell (XL_EXTEND, XL_CELL_*, XL_CREATED), built in the ring slot. */
static int
xl_cell(struct dp_lcore *lc, uint8_t to, uint8_t type, uint32_t dst, uint32_t src, uint8_t cmd,
	const uint8_t *cell)
{
	struct dp_circ_lcore *cc = lc->circ;
	struct xl_msg *m;
	uint32_t idx;

	if (to >= cc->grp_n || to == cc->grp_idx ||
	    ipc_ring_prod_reserve(&cc->xl_out[to], 1, &idx) < 1) {
		DP_CTR_INC(lc, circ_xl_full);
		return -ENOBUFS;
	}
	m = ipc_ring_prod_slot(&cc->xl_out[to], idx);
	memset(m, 0, offsetof(struct xl_msg, cell));
	m->type = type;
	m->from = cc->grp_idx;
	m->cmd = cmd;
	m->dst = dst;
	m->src = src;
	memcpy(m->cell, cell, WIRE_CELL_LEN);
	ipc_ring_prod_submit(&cc->xl_out[to], 1);
	DP_CTR_INC(lc, circ_xl_tx);
	return 0;
}

/*
 * Backpressure on a cross-lcore ring: once it is three quarters full, stop
 * reading this half's channel until the ring is back to half (xl_poll()),
 * so cells in flight (at most one read per paused channel) still fit.
 */
static void
xl_ring_watch(struct dp_lcore *lc, struct circ *c)
{
	struct dp_circ_lcore *cc = lc->circ;

	if (c->xl_ring_blocked || c->xl_lc == XL_NONE || cc->n_ring_blk >= cc->conf.max_circs ||
	    ipc_ring_prod_free(&cc->xl_out[c->xl_lc]) > XL_SLOTS / 4)
		return;
	c->xl_ring_blocked = 1;
	local_chan_pause(lc, c, true);
	cc->ring_blk[cc->n_ring_blk++] = circ_handle(lc, cc, c);
}

/* Tell the other half (if any) that this circuit is gone; it sends DESTROY (@p reason) its way. */
static void
xl_notify_gone(struct dp_lcore *lc, struct circ *c, uint8_t reason)
{
	if (c->xl_lc == XL_NONE)
		return;
	if (c->xl_peer != 0)
		xl_ctl(lc, c->xl_lc, XL_DESTROY, c->xl_peer, circ_handle(lc, lc->circ, c), reason);
	/* Not attached yet: its XL_ATTACHED will find us gone and be answered with XL_DESTROY. */
	c->xl_lc = XL_NONE;
	c->xl_peer = 0;
}

/* A cell of the other half's left our queue: credit it back in batches. */
static void
xl_credit_return(struct dp_lcore *lc, struct circ *c, bool queue_empty)
{
	struct dp_circ_lcore *cc = lc->circ;
	uint32_t batch = cc->conf.queue_hiwat / 4;

	if (batch == 0)
		batch = 1;
	else if (batch > 255)
		batch = 255;

	c->xl_recv--;
	c->xl_owed++;
	if (c->xl_lc == XL_NONE || c->xl_peer == 0 || (c->xl_owed < batch && !queue_empty))
		return;
	xl_ctl(lc, c->xl_lc, XL_CREDIT, c->xl_peer, circ_handle(lc, cc, c), (uint8_t)c->xl_owed);
	c->xl_owed = 0;
}

/* We sent a cell to the other half: out of credit, stop reading our channel. */
static void
xl_credit_spend(struct dp_lcore *lc, struct circ *c)
{
	if (c->xl_credit > 0)
		c->xl_credit--;
	if (c->xl_credit == 0)
		xl_pause_local(lc, c, true);
}

/* ---- the scheduler ---- */

/* Pop the next data cell of @p ch in EWMA order into @p out. @return false if none. */
static bool
sched_pop(struct dp_lcore *lc, struct circ_chan *ch, uint8_t *out)
{
	struct dp_circ_lcore *cc = lc->circ;
	uint32_t b, ref, buf;
	struct circ_side *s;
	struct circ *c;

	if (ch->act_bits == 0)
		return false;
	b = (uint32_t)__builtin_ctz(ch->act_bits);
	ref = ch->act_head[b];
	s = ref_side(cc, ref);
	c = &cc->circs[ref >> 1];
	buf = s->q_head;
	memcpy(out, cc->cells[buf].cell, WIRE_CELL_LEN);
	s->q_head = cc->cells[buf].next;
	if (s->q_head == NONE)
		s->q_tail = NONE;
	s->q_len--;
	ch->n_queued--;
	cell_release(lc, buf);
	act_remove(lc, ch, ref);
	ewma_decay_to(s, (uint32_t)(lc->now_us / EWMA_TICK_US));
	s->ewma += 1.0f;
	if (s->q_len != 0)
		act_insert(lc, ch, ref);
	if (s->blocking && s->q_len <= cc->conf.queue_hiwat / 2)
		circ_unblock(lc, c, ref & 1);
	if (c->xl_recv != 0 && c->side[(ref & 1) ^ 1].chan == 0)
		xl_credit_return(lc, c, s->q_len == 0);
	return true;
}

/*
 * Write what channel @p ch can take now: control cells whenever TLS has
 * room, data cells only as many as TCP sends at once.
 * @return cells written; *@p done set when nothing is left to write (or the
 * channel waits for `writable`).
 */
static uint32_t
sched_chan(struct dp_lcore *lc, struct circ_chan *ch, bool *done)
{
	struct dp_circ_lcore *cc = lc->circ;
	uint32_t total = 0;

	*done = false;
	for (uint32_t round = 0; round < SCHED_ROUNDS; round++) {
		uint32_t space = dp_chan_write_space_cells(lc, ch->handle);
		uint32_t sendable, n = 0, k;
		int rc;

		if (space == 0) {
			/* `writable` follows (registered by the call above). */
			DP_CTR_INC(lc, circ_sched_blocked);
			*done = true;
			return total;
		}
		space = RTE_MIN(space, CIRC_BATCH);
		while (n < space && ch->ctl_head != NONE) {
			uint32_t b = ch->ctl_head;

			memcpy(cc->batch + n * WIRE_CELL_LEN, cc->cells[b].cell, WIRE_CELL_LEN);
			ch->ctl_head = cc->cells[b].next;
			if (ch->ctl_head == NONE)
				ch->ctl_tail = NONE;
			ch->ctl_len--;
			cell_release(lc, b);
			n++;
		}
		sendable = dp_chan_sendable_cells(lc, ch->handle);
		k = sendable > n ? sendable : n;
		if (k > space)
			k = space;
		while (n < k && sched_pop(lc, ch, cc->batch + n * WIRE_CELL_LEN))
			n++;
		if (n == 0) {
			/* Data waits for the congestion window: try again next poll. */
			DP_CTR_INC(lc, circ_sched_blocked);
			return total;
		}
		rc = dp_chan_send_cells(lc, ch->handle, cc->batch, n);
		if (rc != 0) {
			/* The channel is gone or went bad: its `closed` frees its circuits. */
			*done = true;
			return total;
		}
		total += n;
		DP_CTR_ADD(lc, circ_sched_cells, n);
		if (ch->ctl_head == NONE && ch->n_queued == 0) {
			*done = true;
			return total;
		}
	}
	return total;
}

static uint32_t
sched_run(struct dp_lcore *lc)
{
	struct dp_circ_lcore *cc = lc->circ;
	uint32_t work = 0, n = 0, stop = cc->sched_tail;

	while (cc->sched_head != NONE && n++ < SCHED_CHANS) {
		uint32_t idx = cc->sched_head;
		struct circ_chan *ch = &cc->chans[idx];
		bool done;

		cc->sched_head = ch->sched_next;
		if (cc->sched_head == NONE)
			cc->sched_tail = NONE;
		ch->in_sched = 0;
		ch->sched_next = NONE;
		work += sched_chan(lc, ch, &done);
		if (!done && (ch->ctl_head != NONE || ch->n_queued != 0))
			sched_add(lc, ch);
		else
			chan_state_maybe_free(ch);
		if (idx == stop)
			break;
	}
	return work;
}

/* ---- closing ---- */

static void
side_detach(struct dp_lcore *lc, struct circ *c, uint32_t side)
{
	struct dp_circ_lcore *cc = lc->circ;
	struct circ_side *s = &c->side[side];
	struct circ_chan *ch;

	queue_clear(lc, c, side);
	/* The other side's queue may have paused this side's channel; so may
	 * the cross-lcore credit or ring watch (they hold c->xl_chan). */
	circ_unblock(lc, c, side ^ 1);
	if (s->chan != 0 && s->chan == c->xl_chan) {
		xl_pause_local(lc, c, false);
		xl_ring_unblock(lc, c);
	}
	if (s->mapped) {
		dp_u64map_del(&cc->map, map_key(s->chan, s->circ_id));
		s->mapped = 0;
	}
	ch = chan_state(lc, s->chan, false);
	if (ch != NULL) {
		chan_unlink(lc, ch, ref_of((uint32_t)(c - cc->circs), side));
		chan_state_maybe_free(ch);
	}
	s->chan = 0;
	s->circ_id = 0;
}

static void
circ_free(struct dp_lcore *lc, struct circ *c)
{
	struct dp_circ_lcore *cc = lc->circ;

	xl_pause_local(lc, c, false);
	xl_ring_unblock(lc, c);
	side_detach(lc, c, SIDE_P);
	side_detach(lc, c, SIDE_N);
	if (c->pend != NONE) {
		cell_release(lc, c->pend);
		c->pend = NONE;
	}
	dp_rc_wipe(&c->rc);
	if (c->is_half)
		DP_CTR_ADD(lc, circ_halves, (uint64_t)-1);
	c->state = CS_FREE;
	c->gen = (uint8_t)(c->gen == 255 ? 1 : c->gen + 1);
	c->next_free = cc->free_head;
	cc->free_head = (uint32_t)(c - cc->circs);
	cc->n_used--;
	DP_CTR_ADD(lc, circ_open, (uint64_t)-1);
}

/* Close @p c for a reason of our own: DESTROY both ways (tor-spec.txt §5.4). */
static void
circ_close(struct dp_lcore *lc, struct circ *c, uint8_t reason)
{
	if (c->state == CS_FREE)
		return;
	queue_clear(lc, c, SIDE_P);
	queue_clear(lc, c, SIDE_N);
	send_destroy(lc, c->side[SIDE_P].chan, c->side[SIDE_P].circ_id, reason);
	send_destroy(lc, c->side[SIDE_N].chan, c->side[SIDE_N].circ_id, reason);
	xl_notify_gone(lc, c, reason);
	circ_free(lc, c);
}

/* ---- CREATE ---- */

static struct circ *
circ_alloc(struct dp_lcore *lc)
{
	struct dp_circ_lcore *cc = lc->circ;
	struct circ *c;
	uint8_t gen;
	struct dp_relay_crypto rc;

	if (cc->free_head == NONE)
		return NULL;
	c = &cc->circs[cc->free_head];
	cc->free_head = c->next_free;
	gen = c->gen;
	rc = c->rc;
	memset(c, 0, sizeof(*c));
	c->gen = gen;
	c->rc = rc;
	c->pend = NONE;
	c->xl_lc = XL_NONE;
	c->xl_credit = lc->circ->conf.queue_hiwat > UINT16_MAX ? UINT16_MAX
							       : (uint16_t)lc->circ->conf.queue_hiwat;
	c->created_us = lc->now_us;
	for (uint32_t s = 0; s < 2; s++) {
		c->side[s].q_head = c->side[s].q_tail = NONE;
		c->side[s].cl_prev = c->side[s].cl_next = NONE;
		c->side[s].act_prev = c->side[s].act_next = NONE;
		c->side[s].ewma_tick = (uint32_t)(lc->now_us / EWMA_TICK_US);
	}
	cc->n_used++;
	DP_CTR_INC(lc, circ_open);
	return c;
}

/* Attach @p side of @p c to (chan, circ_id): table, channel list. */
static int
side_attach(struct dp_lcore *lc, struct circ *c, uint32_t side, uint32_t chan, uint32_t circ_id)
{
	struct dp_circ_lcore *cc = lc->circ;
	struct circ_side *s = &c->side[side];
	uint32_t ref = ref_of((uint32_t)(c - cc->circs), side);
	struct circ_chan *ch = chan_state(lc, chan, true);

	if (ch == NULL)
		return -ENOMEM;
	if (circ_id != 0) {
		if (dp_u64map_put(&cc->map, map_key(chan, circ_id), ref + 1) != 0)
			return -ENOSPC;
		s->mapped = 1;
	}
	s->chan = chan;
	s->circ_id = circ_id;
	chan_link(lc, ch, ref);
	return 0;
}

/* Refuse a CREATE without making a circuit. */
static void
refuse_create(struct dp_lcore *lc, uint32_t chan, uint32_t circ_id, uint8_t reason)
{
	send_destroy(lc, chan, circ_id, reason);
}

static void
on_create(struct dp_lcore *lc, uint32_t chan, const struct wire_cell *cell)
{
	struct dp_circ_lcore *cc = lc->circ;
	struct ipc_msg_circ_create *m;
	struct wire_create2 cr;
	bool we_init = false;
	uint32_t idx;
	struct circ *c;
	uint16_t htype, hlen;
	const uint8_t *hdata;

	/* tor-spec.txt §5.1.1: on link >= 4 the channel's initiator picks ids
	 * with the high bit set, the responder with it clear; 0 is never used. */
	if (dp_chan_peer(lc, chan, NULL, NULL, &we_init) < 0)
		return;
	if (cell->circ_id == 0 || ((cell->circ_id >> 31) != 0) == we_init) {
		DP_CTR_INC(lc, circ_create_id_bad);
		return;
	}
	if (dp_u64map_get(&cc->map, map_key(chan, cell->circ_id)) != 0) {
		DP_CTR_INC(lc, circ_create_dup);
		return;
	}
	if (cell->cmd == WIRE_CELL_CMD_CREATE_FAST) {
		htype = WIRE_HTYPE_FAST;
		hlen = WIRE_CREATE_FAST_LEN;
		hdata = cell->payload;
	} else if (cell->cmd == WIRE_CELL_CMD_CREATE2 &&
		   wire_create2_decode(cell->payload, cell->payload_len, &cr) == 0 &&
		   ((cr.htype == WIRE_HTYPE_NTOR && cr.hlen == WIRE_NTOR_ONIONSKIN_LEN) ||
		    (cr.htype == WIRE_HTYPE_NTOR_V3 && cr.hlen > 0))) {
		htype = cr.htype;
		hlen = cr.hlen;
		hdata = cr.hdata;
	} else {
		/* TAP CREATE (gone since proposal 350), unknown HTYPE, bad length. */
		DP_CTR_INC(lc, circ_create_bad);
		refuse_create(lc, chan, cell->circ_id, WIRE_DESTROY_PROTOCOL);
		return;
	}
	c = circ_alloc(lc);
	if (c == NULL) {
		DP_CTR_INC(lc, circ_create_full);
		refuse_create(lc, chan, cell->circ_id, WIRE_DESTROY_RESOURCELIMIT);
		return;
	}
	if (side_attach(lc, c, SIDE_P, chan, cell->circ_id) != 0) {
		circ_free(lc, c);
		DP_CTR_INC(lc, circ_create_full);
		refuse_create(lc, chan, cell->circ_id, WIRE_DESTROY_RESOURCELIMIT);
		return;
	}
	if (ipc_ring_prod_reserve(&lc->cell_up, 1, &idx) < 1) {
		ipc_ring_prod_count_full(&lc->cell_up, 1);
		DP_CTR_INC(lc, circ_create_cp_full);
		circ_close(lc, c, WIRE_DESTROY_RESOURCELIMIT);
		return;
	}
	c->state = CS_CREATING;
	c->htype = (uint8_t)htype;
	c->req_id = ++cc->req_seq == 0 ? ++cc->req_seq : cc->req_seq;
	c->deadline_us = lc->now_us + cc->conf.pending_timeout_us;
	m = ipc_ring_prod_slot(&lc->cell_up, idx);
	memset(m, 0, sizeof(*m));
	ipc_hdr_init(&m->hdr, IPC_MSG_CIRC_CREATE, sizeof(*m), c->req_id);
	m->circ = circ_handle(lc, cc, c);
	m->chan = chan;
	m->htype = htype;
	m->hlen = hlen;
	memcpy(m->hdata, hdata, hlen);
	ipc_ring_prod_submit(&lc->cell_up, 1);
	if (htype == WIRE_HTYPE_FAST)
		DP_CTR_INC(lc, circ_create_fast);
	else if (htype == WIRE_HTYPE_NTOR)
		DP_CTR_INC(lc, circ_create_ntor);
	else
		DP_CTR_INC(lc, circ_create_ntor3);
}

static void
on_circ_created(struct dp_lcore *lc, const struct ipc_msg_circ_created *m)
{
	struct circ *c = circ_lookup_handle(lc, m->circ);
	uint8_t payload[WIRE_CELL_PAYLOAD_LEN];
	uint32_t b;

	if (c == NULL || c->state != CS_CREATING || c->req_id != m->hdr.req_id) {
		DP_CTR_INC(lc, circ_created_stale);
		return;
	}
	if (m->status != IPC_CIRC_OK) {
		bool busy = m->status == IPC_CIRC_FAIL_BUSY || m->status == IPC_CIRC_FAIL_TIMEOUT;

		if (busy)
			DP_CTR_INC(lc, circ_created_busy);
		else
			DP_CTR_INC(lc, circ_created_fail);
		/* tor: a failed handshake closes with TORPROTOCOL, a dropped
		 * onionskin with RESOURCELIMIT. */
		circ_close(lc, c, busy ? WIRE_DESTROY_RESOURCELIMIT : WIRE_DESTROY_PROTOCOL);
		return;
	}
	if (c->htype == WIRE_HTYPE_FAST ? m->reply_len != WIRE_CREATED_FAST_LEN
					: m->reply_len > WIRE_CREATED2_HDATA_MAX) {
		DP_CTR_INC(lc, circ_created_fail);
		circ_close(lc, c, WIRE_DESTROY_INTERNAL);
		return;
	}
	if (dp_rc_set_keys(&c->rc, m->keys) != 0) {
		circ_close(lc, c, WIRE_DESTROY_INTERNAL);
		return;
	}
	memset(payload, 0, sizeof(payload));
	if (c->htype == WIRE_HTYPE_FAST) {
		memcpy(payload, m->reply, WIRE_CREATED_FAST_LEN);
		b = ctl_cell(lc, c->side[SIDE_P].circ_id, WIRE_CELL_CMD_CREATED_FAST, payload,
			     WIRE_CREATED_FAST_LEN);
	} else {
		wire_created2_encode(payload, sizeof(payload), m->reply, m->reply_len);
		b = ctl_cell(lc, c->side[SIDE_P].circ_id, WIRE_CELL_CMD_CREATED2, payload,
			     sizeof(payload));
	}
	if (b == NONE) {
		circ_free(lc, c);
		return;
	}
	ctl_push(lc, c->side[SIDE_P].chan, b);
	c->state = CS_OPEN;
	DP_CTR_INC(lc, circ_created_ok);
}

/* ---- relay cells ---- */

/* Originate a backward relay cell at this hop (tor-spec.txt §6.1). */
static void
send_backward(struct dp_lcore *lc, struct circ *c, uint8_t cmd, uint16_t stream_id,
	      const uint8_t *data, uint16_t len)
{
	struct dp_circ_lcore *cc = lc->circ;
	struct wire_relay_hdr h = { .cmd = cmd, .stream_id = stream_id, .length = len };
	uint32_t b = cell_alloc(lc, true);
	uint8_t *cell, *p;

	if (b == NONE) {
		DP_CTR_INC(lc, circ_ctl_nobuf);
		circ_close(lc, c, WIRE_DESTROY_RESOURCELIMIT);
		return;
	}
	cell = cc->cells[b].cell;
	p = cell + WIRE_CELL_HDR_LEN(4);
	be32_put(cell, c->side[SIDE_P].circ_id);
	cell[4] = WIRE_CELL_CMD_RELAY;
	memset(p, 0, WIRE_RELAY_PAYLOAD_LEN);
	wire_relay_hdr_encode(p, WIRE_RELAY_PAYLOAD_LEN, &h);
	if (len != 0)
		memcpy(p + WIRE_RELAY_OFF_DATA, data, len);
	/* Padding: 4 zero bytes, then random (proposal 289, checklist C7). */
	for (size_t i = WIRE_RELAY_OFF_DATA + len + 4; i < WIRE_RELAY_PAYLOAD_LEN; i += 8) {
		uint64_t r = rte_rand();

		memcpy(p + i, &r, RTE_MIN((size_t)8, WIRE_RELAY_PAYLOAD_LEN - i));
	}
	dp_rc_digest_set(&c->rc.bwd, p);
	dp_rc_crypt(&c->rc.bwd, p);
	queue_push(lc, c, SIDE_P, b);
}

static void handle_extend2(struct dp_lcore *lc, struct circ *c, const uint8_t *p, bool early);

/* A forward relay cell recognized at this hop (payload decrypted, digest committed). */
static void
handle_local(struct dp_lcore *lc, struct circ *c, uint8_t *p, bool early)
{
	struct wire_relay_hdr h;
	uint8_t reason;

	DP_CTR_INC(lc, circ_cells_local);
	if (wire_relay_hdr_decode(p, WIRE_RELAY_PAYLOAD_LEN, &h) != 0) {
		circ_close(lc, c, WIRE_DESTROY_PROTOCOL);
		return;
	}
	switch (h.cmd) {
	case WIRE_RELAY_CMD_DROP:
		DP_CTR_INC(lc, circ_drop_rx);
		return;
	case WIRE_RELAY_CMD_EXTEND2:
		handle_extend2(lc, c, p, early);
		return;
	case WIRE_RELAY_CMD_EXTEND:
		/* EXTEND carries a TAP onionskin: gone (proposal 350). */
		DP_CTR_INC(lc, circ_extend_v1);
		circ_close(lc, c, WIRE_DESTROY_PROTOCOL);
		return;
	case WIRE_RELAY_CMD_TRUNCATE:
		/* tor-spec.txt §5.4: DESTROY onward with the given reason, TRUNCATED back. */
		DP_CTR_INC(lc, circ_truncate_rx);
		reason = p[WIRE_RELAY_OFF_DATA];
		if (c->side[SIDE_N].chan != 0) {
			queue_clear(lc, c, SIDE_N);
			send_destroy(lc, c->side[SIDE_N].chan, c->side[SIDE_N].circ_id, reason);
			side_detach(lc, c, SIDE_N);
		}
		/* A next hop on another lcore: release every pause between the
		 * halves, then let its half go. */
		circ_unblock(lc, c, SIDE_P);
		xl_pause_local(lc, c, false);
		xl_ring_unblock(lc, c);
		xl_notify_gone(lc, c, reason);
		if (c->pend != NONE) {
			cell_release(lc, c->pend);
			c->pend = NONE;
		}
		c->state = CS_OPEN;
		reason = WIRE_DESTROY_REQUESTED;
		send_backward(lc, c, WIRE_RELAY_CMD_TRUNCATED, 0, &reason, 1);
		return;
	case WIRE_RELAY_CMD_BEGIN:
	case WIRE_RELAY_CMD_BEGIN_DIR:
		/* Not an exit, not a directory cache: END (tor-spec.txt §6.3;
		 * reasons EXITPOLICY = 4, NOTDIRECTORY = 14). */
		if (h.stream_id == 0) {
			circ_close(lc, c, WIRE_DESTROY_PROTOCOL);
			return;
		}
		DP_CTR_INC(lc, circ_begin_refused);
		reason = h.cmd == WIRE_RELAY_CMD_BEGIN ? 4 : 14;
		send_backward(lc, c, WIRE_RELAY_CMD_END, h.stream_id, &reason, 1);
		return;
	default:
		/* Stream cells for streams we never had, SENDMEs (a middle keeps no
		 * windows, checklist D1), unknown commands: dropped. */
		DP_CTR_INC(lc, circ_local_other);
		return;
	}
}

static void
on_relay(struct dp_lcore *lc, uint32_t chan, const struct wire_cell *cell, struct circ *c,
	 uint32_t side)
{
	struct dp_circ_lcore *cc = lc->circ;
	bool early = cell->cmd == WIRE_CELL_CMD_RELAY_EARLY;
	uint32_t b;
	uint8_t *buf, *p;

	RTE_SET_USED(chan);
	if (c->state == CS_CREATING) {
		DP_CTR_INC(lc, circ_relay_not_open);
		circ_close(lc, c, WIRE_DESTROY_PROTOCOL);
		return;
	}
	if (side == SIDE_N && early) {
		DP_CTR_INC(lc, circ_early_inbound);
		circ_close(lc, c, WIRE_DESTROY_PROTOCOL);
		return;
	}
	if (side == SIDE_P && early && ++c->early_in > MAX_RELAY_EARLY) {
		DP_CTR_INC(lc, circ_early_excess);
		circ_close(lc, c, WIRE_DESTROY_PROTOCOL);
		return;
	}
	b = cell_alloc(lc, false);
	if (b == NONE) {
		/* Out of buffers: the OOM rule of tor is to kill circuits, not to
		 * drop cells silently (that would desynchronise the digests). */
		circ_close(lc, c, WIRE_DESTROY_RESOURCELIMIT);
		return;
	}
	buf = cc->cells[b].cell;
	p = buf + WIRE_CELL_HDR_LEN(4);
	memcpy(p, cell->payload, WIRE_CELL_PAYLOAD_LEN);
	if (side == SIDE_P) {
		dp_rc_crypt(&c->rc.fwd, p);
		if (dp_rc_digest_check(&c->rc.fwd, p)) {
			handle_local(lc, c, p, early);
			cell_release(lc, b);
			return;
		}
		if (c->xl_lc != XL_NONE) {
			/* The next hop's channel is on another lcore: hand the cell over. */
			int rc = c->state == CS_OPEN && c->xl_peer != 0
					 ? xl_cell(lc, c->xl_lc, XL_CELL_FWD, c->xl_peer,
						   circ_handle(lc, cc, c), cell->cmd, buf)
					 : -EPROTO;

			cell_release(lc, b);
			if (rc != 0) {
				circ_close(lc, c, rc == -EPROTO ? WIRE_DESTROY_PROTOCOL
								: WIRE_DESTROY_RESOURCELIMIT);
				return;
			}
			c->cells_fwd++;
			DP_CTR_INC(lc, circ_cells_fwd);
			xl_credit_spend(lc, c);
			xl_ring_watch(lc, c);
			return;
		}
		if (c->state != CS_OPEN || c->side[SIDE_N].chan == 0) {
			/* Unrecognized at the last hop (tor-spec.txt §6.1). */
			cell_release(lc, b);
			DP_CTR_INC(lc, circ_relay_last_hop);
			circ_close(lc, c, WIRE_DESTROY_PROTOCOL);
			return;
		}
		be32_put(buf, c->side[SIDE_N].circ_id);
		buf[4] = cell->cmd; /* RELAY_EARLY stays RELAY_EARLY (checklist C9) */
		if (queue_push(lc, c, SIDE_N, b) == 0) {
			c->cells_fwd++;
			DP_CTR_INC(lc, circ_cells_fwd);
		}
		return;
	}
	if (c->state != CS_OPEN) {
		cell_release(lc, b);
		circ_close(lc, c, WIRE_DESTROY_PROTOCOL);
		return;
	}
	dp_rc_crypt(&c->rc.bwd, p);
	be32_put(buf, c->side[SIDE_P].circ_id);
	buf[4] = WIRE_CELL_CMD_RELAY;
	if (queue_push(lc, c, SIDE_P, b) == 0) {
		c->cells_bwd++;
		DP_CTR_INC(lc, circ_cells_bwd);
	}
}

/* ---- EXTEND2 ---- */

static bool
ipv4_is_private(uint32_t a)
{
	return (a >> 24) == 0 || (a >> 24) == 10 || (a >> 24) == 127 ||
	       (a >> 20) == (172u << 4 | 1) || (a >> 16) == (192u << 8 | 168) ||
	       (a >> 16) == (169u << 8 | 254) || (a >> 22) == (100u << 2 | 1) || (a >> 28) >= 14;
}

/* A free circuit id for our side of @p chan (tor-spec.txt §5.1.1; circ.h). */
uint32_t
dp_circ_new_id(struct dp_lcore *lc, uint32_t chan, bool we_init)
{
	for (int i = 0; i < 16; i++) {
		uint32_t id = (uint32_t)rte_rand() & 0x7fffffffu;

		if (we_init)
			id |= 0x80000000u;
		if ((id & 0x7fffffffu) != 0 &&
		    dp_u64map_get(&lc->circ->map, map_key(chan, id)) == 0)
			return id;
	}
	return 0;
}

/* The next channel is open: give the circuit its id and send the CREATE2. */
static void
extend_send(struct dp_lcore *lc, struct circ *c)
{
	struct dp_circ_lcore *cc = lc->circ;
	struct circ_side *n = &c->side[SIDE_N];
	uint8_t ed[32];
	bool we_init = false;
	uint32_t id, b = c->pend;
	int rc = dp_chan_peer(lc, n->chan, NULL, ed, &we_init);

	if (rc != 1 || (c->want_ed && memcmp(ed, c->ed_id, 32) != 0)) {
		DP_CTR_INC(lc, circ_extend_failed);
		circ_close(lc, c, rc == 1 ? WIRE_DESTROY_OR_IDENTITY : WIRE_DESTROY_CONNECTFAILED);
		return;
	}
	id = dp_circ_new_id(lc, n->chan, we_init);
	if (id == 0 || dp_u64map_put(&cc->map, map_key(n->chan, id), ref_of((uint32_t)(c - cc->circs), SIDE_N) + 1) != 0) {
		circ_close(lc, c, WIRE_DESTROY_RESOURCELIMIT);
		return;
	}
	n->circ_id = id;
	n->mapped = 1;
	be32_put(cc->cells[b].cell, id);
	c->pend = NONE;
	ctl_push(lc, n->chan, b);
	c->state = CS_WAIT_CREATED;
	c->deadline_us = lc->now_us + cc->conf.pending_timeout_us;
}

/*
 * No channel to that identity here: if another lcore of the group has one
 * open, hand it the CREATE2 (XL_EXTEND); it makes the circuit's next-hop
 * half there (ARCHITECTURE.md §3, circuits span lcores). @return true if
 * handed over.
 */
static bool
extend_via_other_lcore(struct dp_lcore *lc, struct circ *c, const uint8_t rsa_id[20])
{
	struct dp_circ_lcore *cc = lc->circ;

	for (uint8_t j = 0; j < cc->grp_n; j++) {
		struct xl_msg *m;
		uint32_t h, idx;

		if (j == cc->grp_idx || dp_chan_find_pub(cc->grp[j], rsa_id, &h) != 0)
			continue;
		if (ipc_ring_prod_reserve(&cc->xl_out[j], 1, &idx) < 1) {
			DP_CTR_INC(lc, circ_xl_full);
			return false; /* open a channel here instead */
		}
		m = ipc_ring_prod_slot(&cc->xl_out[j], idx);
		memset(m, 0, offsetof(struct xl_msg, cell));
		m->type = XL_EXTEND;
		m->from = cc->grp_idx;
		m->src = circ_handle(lc, cc, c);
		m->chan = h;
		m->want_ed = c->want_ed;
		/* Cells of an earlier half may still wait in our queue: they count. */
		{
			uint32_t cr = c->xl_recv < cc->conf.queue_hiwat
					      ? cc->conf.queue_hiwat - c->xl_recv
					      : 0;

			m->credit = (uint16_t)(cr > UINT16_MAX ? UINT16_MAX : cr);
		}
		memcpy(m->ed_id, c->ed_id, 32);
		memcpy(m->cell, cc->cells[c->pend].cell, WIRE_CELL_LEN);
		ipc_ring_prod_submit(&cc->xl_out[j], 1);
		DP_CTR_INC(lc, circ_xl_tx);
		DP_CTR_INC(lc, circ_extend_xl);
		cell_release(lc, c->pend);
		c->pend = NONE;
		c->xl_lc = j;
		c->xl_peer = 0;
		c->xl_chan = c->side[SIDE_P].chan;
		c->xl_credit = cc->conf.queue_hiwat > UINT16_MAX ? UINT16_MAX
								 : (uint16_t)cc->conf.queue_hiwat;
		c->xl_owed = 0;
		c->state = CS_WAIT_XL;
		c->deadline_us = lc->now_us + cc->conf.pending_timeout_us;
		return true;
	}
	return false;
}

static void
handle_extend2(struct dp_lcore *lc, struct circ *c, const uint8_t *p, bool early)
{
	struct dp_circ_lcore *cc = lc->circ;
	uint16_t len = be16_get(p + WIRE_RELAY_OFF_LENGTH);
	uint8_t own_rsa[20], own_ed[32], prev_rsa[20];
	uint8_t payload[WIRE_CELL_PAYLOAD_LEN];
	struct wire_extend2 e;
	uint32_t chan = 0, b;
	int rc;

	DP_CTR_INC(lc, circ_extend_rx);
	if (!early) {
		/* tor-spec.txt §5.6: EXTEND2 only in RELAY_EARLY (AllowNonearlyExtend 0). */
		DP_CTR_INC(lc, circ_extend_not_early);
		circ_close(lc, c, WIRE_DESTROY_PROTOCOL);
		return;
	}
	if (c->side[SIDE_N].chan != 0 || c->xl_lc != XL_NONE || c->state != CS_OPEN) {
		DP_CTR_INC(lc, circ_extend_bad);
		circ_close(lc, c, WIRE_DESTROY_PROTOCOL);
		return;
	}
	if (wire_extend2_decode(p + WIRE_RELAY_OFF_DATA, len, &e) != 0 || !e.has_legacy_id ||
	    !((e.htype == WIRE_HTYPE_NTOR && e.hlen == WIRE_NTOR_ONIONSKIN_LEN) ||
	      (e.htype == WIRE_HTYPE_NTOR_V3 && e.hlen > 0))) {
		DP_CTR_INC(lc, circ_extend_bad);
		circ_close(lc, c, WIRE_DESTROY_PROTOCOL);
		return;
	}
	if (!e.has_ipv4) {
		if (e.has_ipv6)
			DP_CTR_INC(lc, circ_extend_ipv6); /* IPv6 arrives with wave 2 */
		else
			DP_CTR_INC(lc, circ_extend_bad);
		circ_close(lc, c, WIRE_DESTROY_PROTOCOL);
		return;
	}
	memset(prev_rsa, 0, sizeof(prev_rsa));
	dp_chan_peer(lc, c->side[SIDE_P].chan, prev_rsa, NULL, NULL);
	if (e.ipv4_port == 0 || dp_chan_own_ids(lc, own_rsa, own_ed) != 0 ||
	    memcmp(e.legacy_id, own_rsa, 20) == 0 || (e.has_ed_id && memcmp(e.ed_id, own_ed, 32) == 0) ||
	    memcmp(e.legacy_id, prev_rsa, 20) == 0 ||
	    (!cc->conf.extend_private && ipv4_is_private(e.ipv4_addr))) {
		DP_CTR_INC(lc, circ_extend_refused);
		circ_close(lc, c, WIRE_DESTROY_PROTOCOL);
		return;
	}
	/* The CREATE2 for the next hop carries the client's handshake unchanged
	 * (checklist C10); its circuit id is written when it is sent. */
	b = cell_alloc(lc, true);
	if (b == NONE) {
		circ_close(lc, c, WIRE_DESTROY_RESOURCELIMIT);
		return;
	}
	wire_create2_encode(payload, sizeof(payload), e.htype, e.hdata, e.hlen);
	wire_cell_encode_fixed(cc->cells[b].cell, WIRE_CELL_LEN, 5, 0x80000000u,
			       WIRE_CELL_CMD_CREATE2, payload, sizeof(payload));
	c->pend = b;
	c->want_ed = e.has_ed_id;
	if (e.has_ed_id)
		memcpy(c->ed_id, e.ed_id, 32);
	rc = dp_chan_find_id(lc, e.legacy_id, e.has_ed_id ? e.ed_id : NULL, &chan);
	if (rc < 0 && extend_via_other_lcore(lc, c, e.legacy_id))
		return;
	if (rc < 0) {
		rc = dp_chan_open(lc, e.ipv4_addr, e.ipv4_port, e.legacy_id,
				  e.has_ed_id ? e.ed_id : NULL, 0, &chan);
		if (rc != 0) {
			DP_CTR_INC(lc, circ_extend_failed);
			circ_close(lc, c, rc == -ENOMEM ? WIRE_DESTROY_RESOURCELIMIT
							: WIRE_DESTROY_CONNECTFAILED);
			return;
		}
		DP_CTR_INC(lc, circ_extend_connect);
		rc = 0;
	} else if (rc == 1) {
		DP_CTR_INC(lc, circ_extend_reuse);
	} else {
		DP_CTR_INC(lc, circ_extend_wait);
	}
	if (side_attach(lc, c, SIDE_N, chan, 0) != 0) {
		circ_close(lc, c, WIRE_DESTROY_RESOURCELIMIT);
		return;
	}
	c->state = CS_WAIT_CHAN;
	c->deadline_us = lc->now_us + cc->conf.pending_timeout_us;
	if (rc == 1)
		extend_send(lc, c);
}

/* ---- DESTROY, CREATED2 ---- */

static void
on_destroy(struct dp_lcore *lc, struct circ *c, uint32_t side)
{
	uint32_t o = side ^ 1;

	DP_CTR_INC(lc, circ_destroy_rx);
	/* tor (command_process_destroy_cell): pass it on with DESTROYED, never
	 * the received reason (a side channel), and free our side at once. */
	queue_clear(lc, c, SIDE_P);
	queue_clear(lc, c, SIDE_N);
	side_detach(lc, c, side);
	send_destroy(lc, c->side[o].chan, c->side[o].circ_id, WIRE_DESTROY_DESTROYED);
	xl_notify_gone(lc, c, WIRE_DESTROY_DESTROYED);
	circ_free(lc, c);
}

static void
on_created2(struct dp_lcore *lc, struct circ *c, const struct wire_cell *cell)
{
	struct wire_created2 cr;
	uint8_t body[WIRE_RELAY_DATA_MAX];
	int n;

	if (c->state != CS_WAIT_CREATED || cell->cmd != WIRE_CELL_CMD_CREATED2 ||
	    wire_created2_decode(cell->payload, cell->payload_len, &cr) != 0 ||
	    (n = wire_extended2_encode(body, sizeof(body), cr.hdata, cr.hlen)) < 0) {
		DP_CTR_INC(lc, circ_extend_failed);
		circ_close(lc, c, WIRE_DESTROY_PROTOCOL);
		return;
	}
	c->state = CS_OPEN;
	DP_CTR_INC(lc, circ_extend_ok);
	send_backward(lc, c, WIRE_RELAY_CMD_EXTENDED2, 0, body, (uint16_t)n);
}

/* ---- channel events ---- */

static void half_on_cell(struct dp_lcore *lc, struct circ *c, const struct wire_cell *cell);

static void
circ_on_cell(struct dp_lcore *lc, uint32_t chan, const struct wire_cell *cell)
{
	struct dp_circ_lcore *cc = lc->circ;
	uint32_t v, side;
	struct circ *c;

	if (cell->cmd == WIRE_CELL_CMD_CREATE || cell->cmd == WIRE_CELL_CMD_CREATE_FAST ||
	    cell->cmd == WIRE_CELL_CMD_CREATE2) {
		on_create(lc, chan, cell);
		return;
	}
	v = dp_u64map_get(&cc->map, map_key(chan, cell->circ_id));
	if (v == 0) {
		if (cell->cmd == WIRE_CELL_CMD_DESTROY)
			DP_CTR_INC(lc, circ_destroy_unknown);
		else
			DP_CTR_INC(lc, circ_relay_unknown);
		return;
	}
	v--;
	c = &cc->circs[v >> 1];
	side = v & 1;
	if (c->is_half) {
		half_on_cell(lc, c, cell);
		return;
	}
	switch (cell->cmd) {
	case WIRE_CELL_CMD_RELAY:
	case WIRE_CELL_CMD_RELAY_EARLY:
		on_relay(lc, chan, cell, c, side);
		break;
	case WIRE_CELL_CMD_DESTROY:
		on_destroy(lc, c, side);
		break;
	case WIRE_CELL_CMD_CREATED:
	case WIRE_CELL_CMD_CREATED_FAST:
	case WIRE_CELL_CMD_CREATED2:
		if (side == SIDE_N) {
			on_created2(lc, c, cell);
		} else {
			DP_CTR_INC(lc, circ_extend_failed);
			circ_close(lc, c, WIRE_DESTROY_PROTOCOL);
		}
		break;
	default:
		break;
	}
}

static void
circ_on_opened(struct dp_lcore *lc, uint32_t chan)
{
	struct dp_circ_lcore *cc = lc->circ;
	struct circ_chan *ch = chan_state(lc, chan, false);
	uint32_t ref, next;

	if (ch == NULL)
		return;
	for (ref = ch->circs; ref != NONE; ref = next) {
		struct circ *c = &cc->circs[ref >> 1];

		next = ref_side(cc, ref)->cl_next;
		if ((ref & 1) == SIDE_N && c->state == CS_WAIT_CHAN)
			extend_send(lc, c);
	}
}

static void
circ_on_writable(struct dp_lcore *lc, uint32_t chan)
{
	struct circ_chan *ch = chan_state(lc, chan, false);

	if (ch != NULL && (ch->ctl_head != NONE || ch->n_queued != 0))
		sched_add(lc, ch);
}

static void
circ_on_closed(struct dp_lcore *lc, uint32_t chan, uint8_t chan_reason)
{
	struct dp_circ_lcore *cc = lc->circ;
	struct circ_chan *ch = chan_state(lc, chan, false);

	if (ch == NULL)
		return;
	/* Control cells for the dead channel go with it. */
	while (ch->ctl_head != NONE) {
		uint32_t b = ch->ctl_head;

		ch->ctl_head = cc->cells[b].next;
		cell_release(lc, b);
	}
	ch->ctl_tail = NONE;
	ch->ctl_len = 0;
	ch->pause_refs = 0;
	while (ch->circs != NONE) {
		uint32_t ref = ch->circs;
		struct circ *c = &cc->circs[ref >> 1];
		uint32_t side = ref & 1, o = side ^ 1;
		uint8_t reason = WIRE_DESTROY_CHANNEL_CLOSED;

		if (c->state == CS_WAIT_CHAN && side == SIDE_N)
			reason = chan_reason == IPC_CHAN_CLOSE_IDENTITY ? WIRE_DESTROY_OR_IDENTITY
									: WIRE_DESTROY_CONNECTFAILED;
		if (c->state == CS_WAIT_CHAN || c->state == CS_WAIT_CREATED)
			DP_CTR_INC(lc, circ_extend_failed);
		DP_CTR_INC(lc, circ_chan_closed);
		queue_clear(lc, c, SIDE_P);
		queue_clear(lc, c, SIDE_N);
		side_detach(lc, c, side);
		send_destroy(lc, c->side[o].chan, c->side[o].circ_id, reason);
		xl_notify_gone(lc, c, reason);
		circ_free(lc, c);
	}
	if (!ch->in_sched)
		ch->handle = 0;
	else
		ch->n_queued = 0;
}

/* ---- cross-lcore: the next-hop half and the messages ---- */

/* A cell on the channel of a next-hop half: it goes to the circuit's home as it is. */
static void
half_on_cell(struct dp_lcore *lc, struct circ *c, const struct wire_cell *cell)
{
	struct dp_circ_lcore *cc = lc->circ;
	uint8_t raw[WIRE_CELL_LEN];
	uint8_t type;

	switch (cell->cmd) {
	case WIRE_CELL_CMD_RELAY:
		type = XL_CELL_BWD;
		break;
	case WIRE_CELL_CMD_CREATED2:
		type = XL_CREATED;
		break;
	case WIRE_CELL_CMD_DESTROY:
		on_destroy(lc, c, SIDE_N); /* XL_DESTROY (DESTROYED) home */
		return;
	default:
		/* RELAY_EARLY inbound (tor-spec §5.6), CREATED / CREATED_FAST. */
		if (cell->cmd == WIRE_CELL_CMD_RELAY_EARLY)
			DP_CTR_INC(lc, circ_early_inbound);
		circ_close(lc, c, WIRE_DESTROY_PROTOCOL);
		return;
	}
	memset(raw, 0, WIRE_CELL_HDR_LEN(4));
	raw[4] = cell->cmd;
	memcpy(raw + WIRE_CELL_HDR_LEN(4), cell->payload, WIRE_CELL_PAYLOAD_LEN);
	if (xl_cell(lc, c->xl_lc, type, c->xl_peer, circ_handle(lc, cc, c), cell->cmd, raw) != 0) {
		circ_close(lc, c, WIRE_DESTROY_RESOURCELIMIT);
		return;
	}
	if (type == XL_CELL_BWD)
		xl_credit_spend(lc, c);
	xl_ring_watch(lc, c);
}

/* XL_EXTEND: make the next-hop half on our channel m->chan and send the CREATE2. */
static void
xl_on_extend(struct dp_lcore *lc, const struct xl_msg *m)
{
	struct dp_circ_lcore *cc = lc->circ;
	uint8_t ed[32];
	bool we_init = false;
	int rc = dp_chan_peer(lc, m->chan, NULL, ed, &we_init);
	struct circ *c;
	uint32_t id, b;

	if (rc != 1 || (m->want_ed && memcmp(ed, m->ed_id, 32) != 0)) {
		xl_ctl(lc, m->from, XL_DESTROY, m->src, 0,
		       rc == 1 ? WIRE_DESTROY_OR_IDENTITY : WIRE_DESTROY_CONNECTFAILED);
		return;
	}
	c = circ_alloc(lc);
	if (c == NULL) {
		xl_ctl(lc, m->from, XL_DESTROY, m->src, 0, WIRE_DESTROY_RESOURCELIMIT);
		return;
	}
	c->is_half = 1;
	c->state = CS_HALF;
	DP_CTR_INC(lc, circ_halves);
	id = dp_circ_new_id(lc, m->chan, we_init);
	b = id != 0 ? cell_alloc(lc, true) : NONE;
	if (b == NONE || side_attach(lc, c, SIDE_N, m->chan, id) != 0) {
		if (b != NONE)
			cell_release(lc, b);
		circ_free(lc, c);
		xl_ctl(lc, m->from, XL_DESTROY, m->src, 0, WIRE_DESTROY_RESOURCELIMIT);
		return;
	}
	memcpy(cc->cells[b].cell, m->cell, WIRE_CELL_LEN);
	be32_put(cc->cells[b].cell, id);
	cc->cells[b].cell[4] = WIRE_CELL_CMD_CREATE2;
	ctl_push(lc, m->chan, b);
	c->xl_lc = m->from;
	c->xl_peer = m->src;
	c->xl_chan = m->chan;
	c->xl_credit = m->credit;
	xl_ctl(lc, m->from, XL_ATTACHED, m->src, circ_handle(lc, cc, c), 0);
}

/* A message from the other half of circuit @p c (already matched). */
static void
xl_on_msg(struct dp_lcore *lc, struct circ *c, const struct xl_msg *m)
{
	struct dp_circ_lcore *cc = lc->circ;
	struct wire_cell cell;
	uint32_t b;

	switch (m->type) {
	case XL_ATTACHED:
		if (c->state != CS_WAIT_XL || c->xl_peer != 0) {
			xl_ctl(lc, m->from, XL_DESTROY, m->src, circ_handle(lc, cc, c),
			       WIRE_DESTROY_PROTOCOL);
			return;
		}
		c->xl_peer = m->src;
		return;
	case XL_CREATED:
		cell.circ_id = 0;
		cell.cmd = WIRE_CELL_CMD_CREATED2;
		cell.payload_len = WIRE_CELL_PAYLOAD_LEN;
		cell.payload = m->cell + WIRE_CELL_HDR_LEN(4);
		if (c->state == CS_WAIT_XL)
			c->state = CS_WAIT_CREATED; /* on_created2() checks that state */
		on_created2(lc, c, &cell);
		return;
	case XL_CELL_BWD:
		/* As a backward cell arriving on side N (on_relay()). */
		if (c->is_half || c->state != CS_OPEN) {
			circ_close(lc, c, WIRE_DESTROY_PROTOCOL);
			return;
		}
		b = cell_alloc(lc, false);
		if (b == NONE) {
			circ_close(lc, c, WIRE_DESTROY_RESOURCELIMIT);
			return;
		}
		memcpy(cc->cells[b].cell, m->cell, WIRE_CELL_LEN);
		dp_rc_crypt(&c->rc.bwd, cc->cells[b].cell + WIRE_CELL_HDR_LEN(4));
		be32_put(cc->cells[b].cell, c->side[SIDE_P].circ_id);
		cc->cells[b].cell[4] = WIRE_CELL_CMD_RELAY;
		if (queue_push(lc, c, SIDE_P, b) == 0) {
			c->xl_recv++;
			c->cells_bwd++;
			DP_CTR_INC(lc, circ_cells_bwd);
		}
		return;
	case XL_CELL_FWD:
		if (!c->is_half) {
			circ_close(lc, c, WIRE_DESTROY_PROTOCOL);
			return;
		}
		b = cell_alloc(lc, false);
		if (b == NONE) {
			circ_close(lc, c, WIRE_DESTROY_RESOURCELIMIT);
			return;
		}
		memcpy(cc->cells[b].cell, m->cell, WIRE_CELL_LEN);
		be32_put(cc->cells[b].cell, c->side[SIDE_N].circ_id);
		cc->cells[b].cell[4] = m->cmd == WIRE_CELL_CMD_RELAY_EARLY ? WIRE_CELL_CMD_RELAY_EARLY
									   : WIRE_CELL_CMD_RELAY;
		if (queue_push(lc, c, SIDE_N, b) == 0)
			c->xl_recv++;
		return;
	case XL_DESTROY:
		/* The other half is gone: DESTROY our side with its reason; no echo. */
		c->xl_lc = XL_NONE;
		c->xl_peer = 0;
		if (c->state == CS_WAIT_XL)
			DP_CTR_INC(lc, circ_extend_failed);
		circ_close(lc, c, m->reason <= WIRE_DESTROY_REASON_MAX ? m->reason
								: WIRE_DESTROY_PROTOCOL);
		return;
	case XL_CREDIT:
		{
			uint32_t cr = (uint32_t)c->xl_credit + m->reason;
			uint32_t cap = cc->conf.queue_hiwat < UINT16_MAX ? cc->conf.queue_hiwat
									 : UINT16_MAX;

			/* At most CircuitQueue, and what the 16-bit field holds (a
			 * CircuitQueue above 65535 must not wrap it). */
			c->xl_credit = (uint16_t)(cr > cap ? cap : cr);
		}
		if (c->xl_credit > 0)
			xl_pause_local(lc, c, false);
		return;
	default:
		return;
	}
}

/* Dispatch one message from group member @p from. */
static void
xl_dispatch(struct dp_lcore *lc, uint8_t from, const struct xl_msg *m)
{
	struct circ *c;

	DP_CTR_INC(lc, circ_xl_rx);
	if (m->from != from || m->type < XL_EXTEND || m->type > XL_CREDIT) {
		DP_CTR_INC(lc, circ_xl_stale);
		return;
	}
	if (m->type == XL_EXTEND) {
		xl_on_extend(lc, m);
		return;
	}
	c = circ_lookup_handle(lc, m->dst);
	/* The message must come from this circuit's other half (a handle
	 * reused since, or a half we never attached, is stale). */
	if (c == NULL || c->xl_lc != from ||
	    (c->xl_peer != 0 ? c->xl_peer != m->src : m->type != XL_ATTACHED &&
						       m->type != XL_DESTROY)) {
		DP_CTR_INC(lc, circ_xl_stale);
		/* A half made for a circuit that is gone: have it go too. */
		if (m->type == XL_ATTACHED)
			xl_ctl(lc, from, XL_DESTROY, m->src, m->dst, WIRE_DESTROY_DESTROYED);
		return;
	}
	xl_on_msg(lc, c, m);
}

static uint32_t
xl_poll(struct dp_lcore *lc)
{
	struct dp_circ_lcore *cc = lc->circ;
	uint32_t total = 0;

	if (cc->grp_n <= 1)
		return 0;
	xl_pend_retry(lc);
	for (uint32_t k = 0; k < cc->n_ring_blk;) {
		struct circ *c = circ_lookup_handle(lc, cc->ring_blk[k]);

		if (c != NULL && c->xl_ring_blocked && c->xl_lc != XL_NONE &&
		    ipc_ring_prod_free(&cc->xl_out[c->xl_lc]) < XL_SLOTS / 2) {
			k++;
			continue;
		}
		if (c != NULL)
			xl_ring_unblock(lc, c);
		cc->ring_blk[k] = cc->ring_blk[--cc->n_ring_blk];
	}
	for (uint8_t j = 0; j < cc->grp_n; j++) {
		uint32_t idx, n;

		if (j == cc->grp_idx)
			continue;
		n = ipc_ring_cons_peek(&cc->xl_in[j], XL_POLL_BATCH, &idx);
		for (uint32_t k = 0; k < n; k++)
			xl_dispatch(lc, j, ipc_ring_cons_slot(&cc->xl_in[j], idx + k));
		if (n != 0)
			ipc_ring_cons_release(&cc->xl_in[j], n);
		total += n;
	}
	return total;
}

/* Expire circuits stuck waiting for the control plane or the next hop. */
static uint32_t
expire_scan(struct dp_lcore *lc)
{
	struct dp_circ_lcore *cc = lc->circ;
	uint32_t n = 0;

	for (uint32_t i = 0; i < EXPIRE_SCAN && i < cc->conf.max_circs; i++) {
		struct circ *c = &cc->circs[cc->expire_cursor];

		cc->expire_cursor = (cc->expire_cursor + 1) % cc->conf.max_circs;
		if ((c->state == CS_CREATING || c->state == CS_WAIT_CHAN ||
		     c->state == CS_WAIT_CREATED || c->state == CS_WAIT_XL) &&
		    lc->now_us >= c->deadline_us) {
			DP_CTR_INC(lc, circ_timeouts);
			if (c->state != CS_CREATING)
				DP_CTR_INC(lc, circ_extend_failed);
			circ_close(lc, c, c->state == CS_CREATING ? WIRE_DESTROY_RESOURCELIMIT
								   : WIRE_DESTROY_TIMEOUT);
			n++;
		}
	}
	return n;
}

/* ---- public API ---- */

static const struct dp_chan_cell_ops circ_cell_ops = {
	.cell = circ_on_cell,
	.opened = circ_on_opened,
	.writable = circ_on_writable,
	.closed = circ_on_closed,
};

void
dp_circ_conf_default(struct dp_circ_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->max_circs = 16384;
	c->max_cells = 32768;
	c->queue_hiwat = IPC_CONF_CIRC_QUEUE_DEFAULT;
	c->queue_max = IPC_CONF_CIRC_QUEUE_MAX_DEFAULT;
	c->pending_timeout_us = 60u * 1000000u;
}

int
dp_circ_set_queue(struct dp_lcore *lc, uint64_t hiwat, uint64_t max)
{
	struct dp_circ_lcore *cc = lc->circ;

	if (cc == NULL)
		return -ENODEV;
	if (hiwat == 0 || max <= hiwat || max > IPC_CONF_CIRC_QUEUE_LIMIT)
		return -EINVAL;
	cc->conf.queue_hiwat = (uint32_t)hiwat;
	cc->conf.queue_max = (uint32_t)max;
	ipc_ctr_set(lc->ctr, DP_CTR_circ_queue_hiwat, hiwat);
	ipc_ctr_set(lc->ctr, DP_CTR_circ_queue_max, max);
	return 0;
}

void
dp_circ_queue(const struct dp_lcore *lc, uint64_t *hiwat, uint64_t *max)
{
	*hiwat = lc->circ != NULL ? lc->circ->conf.queue_hiwat : 0;
	*max = lc->circ != NULL ? lc->circ->conf.queue_max : 0;
}

int
dp_circ_create(struct dp_lcore *lc, const struct dp_circ_conf *conf)
{
	struct dp_circ_lcore *cc;
	int sock = (int)rte_socket_id();

	if (lc->circ != NULL)
		return -EEXIST;
	if (lc->chan == NULL || dp_tls_libctx(lc) == NULL)
		return -ENODEV;
	if (conf->max_circs == 0 || conf->max_circs > DP_CIRC_MAX || conf->max_cells < 64 ||
	    conf->queue_hiwat == 0 || conf->queue_max <= conf->queue_hiwat ||
	    conf->pending_timeout_us == 0)
		return -EINVAL;
	cc = rte_zmalloc_socket("dp_circ", sizeof(*cc), RTE_CACHE_LINE_SIZE, sock);
	if (cc == NULL)
		return -ENOMEM;
	lc->circ = cc;
	cc->conf = *conf;
	ipc_ctr_set(lc->ctr, DP_CTR_circ_queue_hiwat, conf->queue_hiwat);
	ipc_ctr_set(lc->ctr, DP_CTR_circ_queue_max, conf->queue_max);
	cc->circs = rte_zmalloc_socket("dp_circs", sizeof(*cc->circs) * conf->max_circs,
				       RTE_CACHE_LINE_SIZE, sock);
	cc->pend = rte_zmalloc_socket("dp_circ_xlpend", sizeof(*cc->pend) * conf->max_circs,
				      RTE_CACHE_LINE_SIZE, sock);
	cc->ring_blk = rte_zmalloc_socket("dp_circ_ringblk",
					  sizeof(*cc->ring_blk) * conf->max_circs,
					  RTE_CACHE_LINE_SIZE, sock);
	cc->grp_n = 1;
	cc->cells = rte_malloc_socket("dp_circ_cells", sizeof(*cc->cells) * conf->max_cells,
				      RTE_CACHE_LINE_SIZE, sock);
	if (cc->circs == NULL || cc->cells == NULL || cc->pend == NULL || cc->ring_blk == NULL ||
	    dp_u64map_init(&cc->map, 2 * conf->max_circs, sock) != 0 ||
	    dp_rc_lib_init(&cc->rclib, dp_tls_libctx(lc)) != 0) {
		dp_circ_destroy(lc);
		return -ENOMEM;
	}
	/* Per-channel state is indexed by the channel pool index; size it by the
	 * channel pool of this lcore. */
	cc->n_chans = dp_chan_max(lc);
	cc->chans = rte_zmalloc_socket("dp_circ_chans", sizeof(*cc->chans) * cc->n_chans,
				       RTE_CACHE_LINE_SIZE, sock);
	if (cc->chans == NULL) {
		dp_circ_destroy(lc);
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < conf->max_circs; i++) {
		cc->circs[i].next_free = i + 1 < conf->max_circs ? i + 1 : NONE;
		cc->circs[i].gen = 1;
		if (dp_rc_alloc(&cc->rclib, &cc->circs[i].rc) != 0) {
			dp_circ_destroy(lc);
			return -ENOMEM;
		}
	}
	for (uint32_t i = 0; i < conf->max_cells; i++)
		cc->cells[i].next = i + 1 < conf->max_cells ? i + 1 : NONE;
	cc->cell_free = 0;
	cc->cells_reserve = RTE_MAX(conf->max_cells / 16, 32u);
	cc->free_head = 0;
	cc->sched_head = cc->sched_tail = NONE;
	dp_chan_set_cell_ops(lc, &circ_cell_ops);
	return 0;
}

void
dp_circ_destroy(struct dp_lcore *lc)
{
	struct dp_circ_lcore *cc = lc->circ;

	if (cc == NULL)
		return;
	if (lc->chan != NULL)
		dp_chan_set_cell_ops(lc, NULL);
	if (cc->circs != NULL) {
		for (uint32_t i = 0; i < cc->conf.max_circs; i++)
			dp_rc_free(&cc->circs[i].rc);
	}
	dp_rc_lib_fini(&cc->rclib);
	dp_u64map_fini(&cc->map);
	for (uint32_t j = 0; j < DP_NET_MAX_QUEUES; j++)
		rte_free(cc->xl_mem[j]);
	rte_free(cc->pend);
	rte_free(cc->ring_blk);
	rte_free(cc->chans);
	rte_free(cc->cells);
	rte_free(cc->circs);
	rte_free(cc);
	lc->circ = NULL;
}

uint32_t
dp_circ_poll(struct dp_lcore *lc)
{
	struct dp_circ_lcore *cc = lc->circ;
	uint32_t work;

	if (cc == NULL)
		return 0;
	work = xl_poll(lc);
	work += sched_run(lc);
	if ((lc->iterations & 15) == 0 && cc->n_used != 0)
		work += expire_scan(lc);
	return work;
}

/* CIRC_LIST: a page of CIRC_INFO, then CIRC_LIST_END, on the event ring. */
static void
on_circ_list(struct dp_lcore *lc, const struct ipc_msg_chan_list *m)
{
	struct dp_circ_lcore *cc = lc->circ;
	struct ipc_msg_chan_list_end end;
	uint32_t max = RTE_MIN(m->max, IPC_CIRC_LIST_MAX), idx, room, i = m->cursor, count = 0;
	uint8_t *slot;

	room = ipc_ring_prod_reserve(&lc->evt, max + 1, &idx);
	if (room == 0) {
		ipc_ring_prod_count_full(&lc->evt, 1);
		DP_CTR_INC(lc, ipc_evt_full);
		return;
	}
	for (; cc != NULL && i < cc->conf.max_circs && count + 1 < room && count < max; i++) {
		const struct circ *c = &cc->circs[i];
		struct ipc_msg_circ_info *info;

		if (c->state == CS_FREE)
			continue;
		info = ipc_ring_prod_slot(&lc->evt, idx + count);
		memset(info, 0, lc->evt.slot_size);
		ipc_hdr_init(&info->hdr, IPC_MSG_CIRC_INFO, sizeof(*info), m->hdr.req_id);
		info->circ = circ_handle(lc, cc, c);
		info->state = c->state;
		info->htype = c->htype;
		info->early_in = c->early_in;
		info->p_chan = c->side[SIDE_P].chan;
		info->p_circ_id = c->side[SIDE_P].circ_id;
		info->n_chan = c->side[SIDE_N].chan;
		info->n_circ_id = c->side[SIDE_N].circ_id;
		if (!c->is_half && c->xl_lc != XL_NONE)
			info->n_chan = c->xl_peer; /* its half on another lcore */
		info->q_p = c->side[SIDE_P].q_len;
		info->q_n = c->side[SIDE_N].q_len;
		info->age_ms = (uint32_t)RTE_MIN((lc->now_us - c->created_us) / 1000u, UINT32_MAX);
		info->cells_fwd = c->cells_fwd;
		info->cells_bwd = c->cells_bwd;
		count++;
	}
	memset(&end, 0, sizeof(end));
	ipc_hdr_init(&end.hdr, IPC_MSG_CIRC_LIST_END, sizeof(end), m->hdr.req_id);
	end.count = count;
	end.next = cc != NULL && i < cc->conf.max_circs ? i : 0;
	end.total = cc != NULL ? cc->n_used : 0;
	slot = ipc_ring_prod_slot(&lc->evt, idx + count);
	memset(slot, 0, lc->evt.slot_size);
	memcpy(slot, &end, sizeof(end));
	ipc_ring_prod_submit(&lc->evt, count + 1);
	DP_CTR_ADD(lc, ipc_evt_tx, count + 1);
}

/* CIRC_DESTROY: the operator's `circuit destroy`; answered with CIRC_STATUS. */
static void
on_circ_destroy(struct dp_lcore *lc, const struct ipc_msg_circ_destroy *m)
{
	struct ipc_msg_circ_status st;
	struct circ *c = circ_lookup_handle(lc, m->circ);

	memset(&st, 0, sizeof(st));
	ipc_hdr_init(&st.hdr, IPC_MSG_CIRC_STATUS, sizeof(st), m->hdr.req_id);
	st.circ = m->circ;
	if (lc->circ == NULL)
		st.status = -ENODEV;
	else if (m->reason > WIRE_DESTROY_REASON_MAX)
		st.status = -EINVAL;
	else if (c == NULL)
		st.status = -EBADF;
	else
		circ_close(lc, c, m->reason);
	if (ipc_ring_push(&lc->evt, &st, sizeof(st)) != 0)
		DP_CTR_INC(lc, ipc_evt_full);
	else
		DP_CTR_INC(lc, ipc_evt_tx);
}

void
dp_circ_ctl_msg(struct dp_lcore *lc, const struct ipc_hdr *msg)
{
	switch (msg->type) {
	case IPC_MSG_CIRC_CREATED:
		if (lc->circ != NULL)
			on_circ_created(lc, (const struct ipc_msg_circ_created *)(const void *)msg);
		break;
	case IPC_MSG_CIRC_LIST:
		on_circ_list(lc, (const struct ipc_msg_chan_list *)(const void *)msg);
		break;
	case IPC_MSG_CIRC_DESTROY:
		on_circ_destroy(lc, (const struct ipc_msg_circ_destroy *)(const void *)msg);
		break;
	default:
		break;
	}
}

int
dp_circ_group_link(struct dp_lcore *const *lcs, uint32_t n)
{
	size_t len = ipc_ring_mem_size(XL_SLOTS, XL_SLOT);

	if (n < 2 || n > DP_NET_MAX_QUEUES)
		return n == 1 ? 0 : -EINVAL;
	for (uint32_t i = 0; i < n; i++) {
		if (lcs[i]->circ == NULL)
			return -ENODEV;
	}
	for (uint32_t i = 0; i < n; i++) {
		struct dp_circ_lcore *cc = lcs[i]->circ;

		cc->grp_n = (uint8_t)n;
		cc->grp_idx = (uint8_t)i;
		for (uint32_t j = 0; j < n; j++)
			cc->grp[j] = lcs[j];
	}
	/* Ring j -> i lives with its consumer i. */
	for (uint32_t i = 0; i < n; i++) {
		for (uint32_t j = 0; j < n; j++) {
			struct dp_circ_lcore *ci = lcs[i]->circ, *cj = lcs[j]->circ;
			void *mem;

			if (i == j)
				continue;
			mem = rte_zmalloc("dp_circ_xl", len, RTE_CACHE_LINE_SIZE);
			if (mem == NULL || ipc_ring_init(mem, len, XL_SLOTS, XL_SLOT) != 0 ||
			    ipc_ring_cons_init(&ci->xl_in[j], mem, len) != 0 ||
			    ipc_ring_prod_init(&cj->xl_out[i], mem, len) != 0) {
				rte_free(mem);
				return -ENOMEM;
			}
			ci->xl_mem[j] = mem;
		}
	}
	return 0;
}

uint32_t
dp_circ_count(const struct dp_lcore *lc)
{
	return lc->circ != NULL ? lc->circ->n_used : 0;
}

uint32_t
dp_circ_cells_used(const struct dp_lcore *lc)
{
	return lc->circ != NULL ? lc->circ->cells_used : 0;
}
