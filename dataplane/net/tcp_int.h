/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief TCP internals: struct dp_tcb and the functions the tcp_*.c files share.
 *
 * Only dataplane/net/tcp_*.c and tests include this header.
 *
 * Send queue: the bytes from SND.UNA on (acknowledged bytes are dropped as
 * ACKs arrive), as a list of mbufs linked through m->next (each mbuf's
 * data_len bytes; the list is not a packet chain, pkt_len is unused);
 * sq_off bytes of the head mbuf are already acknowledged (sq_cur caches a
 * position in it for output; see struct dp_tcb). Sent and unsent
 * bytes live in the same queue: [SND.UNA, SND.MAX) were sent at least once,
 * [SND.NXT, ...) is what output sends next (SND.NXT < SND.MAX after an RTO).
 *
 * Receive queue: in-order payload not yet read, as mbufs (data adjusted to
 * the payload) linked through m->next, rq_off bytes of the head already read.
 * Out-of-order segments wait in ooo[] sorted by sequence number, bounded per
 * connection and per lcore.
 *
 * Timers: each tcb has a deadline per timer kind (0 = off) and sits on the
 * lcore's wheel at the earliest of them.
 */
#ifndef DATAPLANE_NET_TCP_INT_H
#define DATAPLANE_NET_TCP_INT_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>

#include "dataplane/lcore_types.h"
#include "dataplane/net/tcp.h"
#include "dataplane/net/tcp_cc.h"
#include "dataplane/net/tcp_sack.h"
#include "dataplane/net/tcp_seq.h"

/** Out-of-order segments held per connection, hard cap (conf may lower it). */
#define DP_TCP_OOO_MAX 256
/** SACK blocks we remember to report (most recent first, RFC 2018 §4). */
#define DP_TCP_RCV_SACK_MAX 4
/** Tail-loss probes per episode, each a PTO after the last (tcp_timer.c). */
#define DP_TCP_TLP_MAX 2
/** RFC 8985 §7.2 WCDelAckT: how long a receiver may hold its ACK for less than
 * two full-sized segments (RFC 5681 §4.2 asks for one every second one). */
#define DP_TCP_TLP_WCDELACK_US 200000u

/** Timer kinds. */
enum dp_tcp_timer {
	DP_TCP_T_RTO = 0,   /**< Retransmission (also SYN and SYN-ACK). */
	DP_TCP_T_DELACK,    /**< Delayed ACK. */
	DP_TCP_T_PERSIST,   /**< Zero-window probe. */
	DP_TCP_T_KEEPALIVE, /**< Keepalive idle / probe interval. */
	DP_TCP_T_2MSL,      /**< TIME_WAIT end; also FIN_WAIT_2 orphan timeout. */
	DP_TCP_T_TLP,       /**< Tail-loss probe (RFC 8985 §7), ahead of the RTO. */
	DP_TCP_T_REO,       /**< RACK reordering timer (RFC 8985 §6.3), outside recovery. */
	DP_TCP_T__COUNT
};

/** tcb->flags */
#define TCB_F_TS_OK 0x0001u        /**< Timestamps negotiated (RFC 7323). */
#define TCB_F_SACK_OK 0x0002u      /**< SACK negotiated (RFC 2018). */
#define TCB_F_WS_OK 0x0004u        /**< Window scaling negotiated (RFC 7323). */
#define TCB_F_FIN_QUEUED 0x0008u   /**< Application shut down writing: FIN after the queue. */
#define TCB_F_FIN_SENT 0x0010u     /**< Our FIN has been sent (at sequence fin_seq). */
#define TCB_F_FIN_RCVD 0x0020u     /**< Peer's FIN processed. */
#define TCB_F_ACK_NOW 0x0040u      /**< Send an ACK at the next output. */
#define TCB_F_ON_WORK 0x0080u      /**< On the lcore's work list. */
#define TCB_F_ACTIVE 0x0100u       /**< We opened it (connect). */
#define TCB_F_APP_CLOSED 0x0200u   /**< Application called close: no more events but `closed`. */
#define TCB_F_DEAD 0x0400u         /**< Freed after the `closed` event is delivered. */
#define TCB_F_SYNCOOKIE 0x0800u    /**< Established from a SYN cookie. */
#define TCB_F_WANT_WRITABLE 0x1000u /**< A send was short: tell the app when space opens. */
#define TCB_F_NODELAY 0x2000u      /**< Nagle off. */
#define TCB_F_RECOVERY 0x4000u     /**< In fast recovery (RFC 6582 / RFC 6675). */
#define TCB_F_ACCEPTED 0x8000u     /**< The app has accepted (passive) or been told connected. */
#define TCB_F_SWS_OVERRIDE 0x10000u /**< Next output may send a small segment (RFC 9293 §3.8.6.2.1 (4)). */
#define TCB_F_RXT_PROBE 0x40000u   /**< Recovery probe: the next output may exceed cwnd by one segment. */

/** tcb->events: application events waiting for delivery. */
#define TCB_EV_ACCEPTED 0x01u
#define TCB_EV_CONNECTED 0x02u
#define TCB_EV_READABLE 0x04u
#define TCB_EV_WRITABLE 0x08u
#define TCB_EV_PEER_FIN 0x10u
#define TCB_EV_CLOSED 0x20u

struct dp_tcp_ooo {
	uint32_t seq;
	uint32_t len;         /**< Payload bytes (the FIN is not counted). */
	uint32_t fin;         /**< The segment carried FIN, at seq + len. */
	struct rte_mbuf *m;   /**< Payload only (data adjusted); NULL for a bare FIN. */
};

/** One connection. Owned by one lcore. */
struct dp_tcb {
	/* Identity (host order). */
	uint32_t laddr, raddr;
	uint16_t lport, rport;
	uint32_t gen;             /**< Generation of this slot: handle = index | gen << 20. */
	uint8_t state;            /**< enum dp_tcp_state */
	uint8_t events;           /**< TCB_EV_* */
	uint8_t close_reason;     /**< enum dp_tcp_close_reason, set with TCB_EV_CLOSED. */
	uint8_t listener;         /**< Listener slot of a passive open. */
	uint32_t flags;           /**< TCB_F_* */

	/* Send sequence space (RFC 9293 §3.3.1). */
	uint32_t iss;
	uint32_t snd_una, snd_nxt, snd_max;
	uint32_t snd_wnd;         /**< Peer's window, bytes (scaled). */
	uint32_t max_snd_wnd;     /**< Largest window seen (RFC 5961 §5 ACK check). */
	uint32_t snd_wl1, snd_wl2;
	uint32_t fin_seq;         /**< Sequence number of our FIN (valid with FIN_SENT). */
	uint16_t smss;            /**< Peer's MSS option (payload bytes, options excluded). */
	uint16_t rmss;            /**< The MSS we announced. */
	uint8_t snd_wscale;       /**< Shift applied to windows the peer sends. */
	uint8_t rcv_wscale;       /**< Shift we apply to windows we send. */
	uint8_t dupacks;
	uint8_t rto_backoff;      /**< Consecutive timeouts. */
	uint8_t persist_backoff;
	uint8_t ka_probes;
	uint8_t syn_tries;
	uint8_t tlp_n;            /**< Tail-loss probes of this episode, until ACK >= tlp_high (tcp_timer.c). */

	/* Send queue. */
	struct rte_mbuf *sq_head, *sq_tail;
	uint32_t sq_off;          /**< Acknowledged bytes still in sq_head. */
	uint32_t sq_len;          /**< Bytes in the queue from SND.UNA on. */
	/* Where the last segment's copy ended (an mbuf of the queue and the
	 * sequence number of its first byte), so that sending walks the queue
	 * once rather than from the head for every segment; NULL when unknown.
	 * Reset whenever that mbuf may leave the queue. */
	const struct rte_mbuf *sq_cur;
	uint32_t sq_cur_seq;

	/* Receive sequence space. */
	uint32_t irs;
	uint32_t rcv_nxt;
	uint32_t rcv_adv;         /**< Right edge of the window we last advertised. */
	uint32_t last_ack_sent;   /**< RCV.NXT we last acknowledged (RFC 7323 §4.3). */
	uint32_t segs_unacked;    /**< Full-sized segments received since our last ACK. */

	/* Receive queue and reassembly. */
	struct rte_mbuf *rq_head, *rq_tail;
	uint32_t rq_off;
	uint32_t rq_len;
	uint16_t n_ooo;
	uint16_t n_rcv_sack;
	struct dp_tcp_ooo ooo[DP_TCP_OOO_MAX];
	struct dp_tcp_sack_blk rcv_sack[DP_TCP_RCV_SACK_MAX]; /**< Blocks to report, newest first. */

	/* Timestamps (RFC 7323). */
	uint32_t ts_recent;
	uint64_t ts_recent_us;    /**< When ts_recent was set (24-day rule, §5.5). */

	/* RTT and RTO (RFC 6298). */
	uint32_t srtt_us, rttvar_us, rto_us;
	uint32_t min_rtt_us;      /**< Least RTT sample (RFC 8985 RACK.min_RTT); 0 = none yet. */
	uint32_t rtt_seq;         /**< Timed sequence (no timestamps): Karn's algorithm. */
	uint64_t rtt_start_us;    /**< 0 = no segment being timed. */

	/* Congestion control and loss recovery. */
	struct dp_tcp_cc cc;
	const struct dp_tcp_cc_ops *cc_ops;
	struct dp_tcp_sack_sb sb;
	uint32_t recover;         /**< RFC 6582 / RFC 6675 RecoveryPoint. */
	uint32_t high_rxt;        /**< RFC 6675 HighRxt: the last byte retransmitted (inclusive). */
	uint32_t cwnd_rec;        /**< NewReno (no SACK) inflated window during recovery. */
	uint32_t tlp_high;        /**< SND.MAX when the last tail-loss probe left (valid with tlp_n). */
	struct dp_tcp_rxt_log rxt; /**< Retransmissions of this SACK recovery (tcp_sack.h). */
	struct dp_tcp_xmit_ring xr; /**< When new data left (RFC 8985 time order, tcp_sack.h). */

	/* Timers. */
	uint64_t tmr[DP_TCP_T__COUNT]; /**< Deadlines, µs; 0 = off. */
	uint64_t wheel_tick;      /**< Tick the tcb is queued at; 0 = not on the wheel. */
	uint32_t wheel_prev, wheel_next;
	uint64_t last_rcv_us;     /**< Last segment received (keepalive idle). */

	/* Lists. */
	uint32_t work_next;       /**< Lcore work list. */
	uint32_t tw_next;         /**< TIME_WAIT list. */
	uint32_t next_free;       /**< Pool free list; table probe chains don't use links. */

	/* Application. */
	const struct dp_tcp_app_ops *ops;
	void *ctx;

	/* Statistics. */
	uint64_t bytes_sent, bytes_rcvd, segs_out, segs_in, retrans_segs;
	uint32_t rto_count, fast_recoveries, dupacks_rcvd, sack_blocks_rcvd;
};

/* ---- tcp_conn.c ---- */

/** Return the tcb of handle @p h, or NULL if stale or invalid. */
struct dp_tcb *tcp_tcb_get(struct dp_lcore *lc, uint32_t h);
/** Return the handle of @p t. */
uint32_t tcp_tcb_handle(struct dp_lcore *lc, const struct dp_tcb *t);
/** Index of @p t in the pool. */
uint32_t tcp_tcb_index(struct dp_lcore *lc, const struct dp_tcb *t);
/** Find the connection of a 4-tuple (host order), or NULL. */
struct dp_tcb *tcp_lookup(struct dp_lcore *lc, uint32_t laddr, uint16_t lport, uint32_t raddr,
			  uint16_t rport);
/** Allocate and hash a tcb for a 4-tuple; may recycle the oldest TIME_WAIT. NULL when none. */
struct dp_tcb *tcp_tcb_alloc(struct dp_lcore *lc, uint32_t laddr, uint16_t lport, uint32_t raddr,
			     uint16_t rport);
/** Like tcp_tcb_alloc(); with @p evict, a half-open passive connection may be freed to make room. */
struct dp_tcb *tcp_tcb_alloc_ex(struct dp_lcore *lc, uint32_t laddr, uint16_t lport, uint32_t raddr,
				uint16_t rport, bool evict);
/** Remove from the table and every list, free queued mbufs, return to the pool. */
void tcp_tcb_free(struct dp_lcore *lc, struct dp_tcb *t);
/** Initialise sequence, window, RTT and congestion state of a new tcb. */
void tcp_tcb_init_conn(struct dp_lcore *lc, struct dp_tcb *t);
/** RFC 6528 initial sequence number for a 4-tuple. */
uint32_t tcp_isn(struct dp_lcore *lc, uint32_t laddr, uint16_t lport, uint32_t raddr,
		 uint16_t rport);
/** RFC 4987 SYN cookie for a SYN with peer ISN @p irs and MSS index @p mss_idx. */
uint32_t tcp_syncookie_make(struct dp_lcore *lc, uint32_t laddr, uint16_t lport, uint32_t raddr,
			    uint16_t rport, uint32_t irs, uint32_t mss_idx);
/** Check a cookie (ACK - 1) against the tuple and peer ISN; sets *mss. @return true if valid. */
bool tcp_syncookie_check(struct dp_lcore *lc, uint32_t laddr, uint16_t lport, uint32_t raddr,
			 uint16_t rport, uint32_t irs, uint32_t cookie, uint16_t *mss);
/** The MSS that SYN-cookie index @p idx stands for. */
uint16_t tcp_syncookie_mss(uint32_t idx);
/** Index of the largest SYN-cookie MSS not above @p mss. */
uint32_t tcp_syncookie_mss_idx(uint16_t mss);
/** Return a DEAD tcb to the pool after its `closed` event (already out of the table). */
void tcp_tcb_release(struct dp_lcore *lc, struct dp_tcb *t);
/** Find the listener of @p port, or -1. */
int tcp_listener_find(struct dp_lcore *lc, uint16_t port);
/**
 * Move one connection's /dp/tcp/state/ gauge from state @p from to @p to
 * (every change of dp_tcb::state goes through here or tcp_set_state()).
 */
void tcp_state_account(struct dp_lcore *lc, uint8_t from, uint8_t to);

/** Change state, keeping TIME_WAIT and listener accounting right. */
void tcp_set_state(struct dp_lcore *lc, struct dp_tcb *t, uint8_t state);
/** Put @p t on the work list (output and events at the end of the burst). */
void tcp_work_add(struct dp_lcore *lc, struct dp_tcb *t);
/** Queue application event @p ev. */
void tcp_event(struct dp_lcore *lc, struct dp_tcb *t, uint8_t ev);
/** Finish the connection: free timers and queues, queue `closed` with @p reason. */
void tcp_conn_done(struct dp_lcore *lc, struct dp_tcb *t, uint8_t reason);
/** Free the receive queue and out-of-order segments. */
void tcp_rcv_purge(struct dp_lcore *lc, struct dp_tcb *t);
/** The receive window we can offer now, bytes (unscaled). */
uint32_t tcp_rcv_window(struct dp_lcore *lc, const struct dp_tcb *t);

/* ---- tcp_output.c ---- */

/** Send what the connection may send now: data (window, cwnd, Nagle), FIN, ACK. */
void tcp_output(struct dp_lcore *lc, struct dp_tcb *t);
/** Send a bare ACK now (with timestamps and SACK blocks). */
void tcp_send_ack(struct dp_lcore *lc, struct dp_tcb *t);
/** Send SYN (active) or SYN-ACK (passive) for @p t. */
void tcp_send_syn(struct dp_lcore *lc, struct dp_tcb *t);
/** Send RST for connection @p t (SEQ = SND.NXT). */
void tcp_send_rst_conn(struct dp_lcore *lc, struct dp_tcb *t);
/**
 * Send a stateless RST or ACK (no tcb): reply to a segment from @p raddr:@p rport
 * to @p laddr:@p lport. @p flags are TCP flags.
 */
void tcp_send_ctl(struct dp_lcore *lc, uint32_t laddr, uint16_t lport, uint32_t raddr,
		  uint16_t rport, uint32_t seq, uint32_t ack, uint8_t flags);
/** Send a stateless SYN-ACK carrying a SYN cookie. */
void tcp_send_synack_cookie(struct dp_lcore *lc, uint32_t laddr, uint16_t lport, uint32_t raddr,
			    uint16_t rport, uint32_t iss, uint32_t irs, uint16_t mss);
/** Retransmit one segment starting at @p seq (at most one SMSS). */
void tcp_retransmit(struct dp_lcore *lc, struct dp_tcb *t, uint32_t seq);
/** Zero-window probe (persist timer). */
void tcp_send_zwp(struct dp_lcore *lc, struct dp_tcb *t);
/** Tail-loss probe (RFC 8985 §7.3): one new segment if allowed, else the last one again. */
void tcp_send_tlp(struct dp_lcore *lc, struct dp_tcb *t);
/** Keepalive probe: SEQ = SND.UNA - 1, no data (RFC 9293 §3.8.4). */
void tcp_send_keepalive(struct dp_lcore *lc, struct dp_tcb *t);
/** Payload bytes of a full-sized segment (SMSS less the options we put on data segments). */
uint32_t tcp_eff_mss(const struct dp_tcb *t);

/* ---- tcp_timer.c ---- */

/** Set timer @p k to fire at @p when_us (0 = off) and requeue the tcb on the wheel. */
void tcp_timer_set(struct dp_lcore *lc, struct dp_tcb *t, enum dp_tcp_timer k, uint64_t when_us);
/** Stop every timer of @p t and take it off the wheel. */
void tcp_timer_stop_all(struct dp_lcore *lc, struct dp_tcb *t);
/**
 * Arm the RTO timer from now (if data or SYN/FIN is outstanding) or stop it,
 * and the tail-loss probe timer with it when a probe may be sent.
 */
void tcp_timer_rearm_rto(struct dp_lcore *lc, struct dp_tcb *t);
/** (Re)arm the probe timer from now if a probe is allowed (tail loss, or a lost retransmission). */
void tcp_timer_arm_probe(struct dp_lcore *lc, struct dp_tcb *t);
/** Expire due timers (bounded). @return number expired. */
uint32_t tcp_timers_run(struct dp_lcore *lc);
/** Recompute the RTO from SRTT and RTTVAR, dropping any backoff (RFC 6298 §5.7 spirit). */
void tcp_rto_restore(struct dp_lcore *lc, struct dp_tcb *t);
/** Take an RTT sample (RFC 6298 §2). */
void tcp_rtt_sample(struct dp_lcore *lc, struct dp_tcb *t, uint32_t rtt_us);

/* ---- tcp_input.c ---- */

/** Deliver queued application events and output for tcbs on the work list. */
uint32_t tcp_work_run(struct dp_lcore *lc);
/**
 * RFC 8985 §6.2-6.3 outside recovery: enter SACK recovery if the segment at
 * SND.UNA is lost by time order, else arm the reordering timer when it may
 * become so. Called after each ACK and when that timer fires.
 */
void tcp_rack_detect(struct dp_lcore *lc, struct dp_tcb *t);

#endif /* DATAPLANE_NET_TCP_INT_H */
