/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief The per-lcore TCP instance embedded in struct dp_lcore.
 *
 * Everything is sized at dp_tcp_create() and owned by one lcore: the tcb
 * pool (an array plus a free list), the connection table (open addressing on
 * the 4-tuple, values are tcb indices), the listeners, the timer wheel, and
 * the work lists that defer output and application callbacks to the end of
 * a burst. struct dp_tcb itself is private (tcp_int.h).
 */
#ifndef DATAPLANE_NET_TCP_TYPES_H
#define DATAPLANE_NET_TCP_TYPES_H

#include <stdint.h>

struct dp_tcb;
struct dp_tcp_conf;
struct dp_tcp_app_ops;

/** Listening ports per lcore. */
#define DP_TCP_MAX_LISTENERS 16
/** Timer wheel slots (tick 1 ms; a deadline further out waits for its turn). */
#define DP_TCP_WHEEL_SLOTS 4096u
/** Wheel tick, µs. */
#define DP_TCP_WHEEL_TICK_US 1000u
/** Most timer expiries handled per dp_tcp_poll(). */
#define DP_TCP_TIMERS_PER_POLL 256u
/** No tcb (list terminator, empty table slot). */
#define DP_TCB_NONE UINT32_MAX

struct dp_tcp_listener {
	uint16_t port;      /**< 0 = slot free. */
	uint16_t pad;
	uint32_t n_syn_rcvd; /**< Embryonic connections now. */
	const struct dp_tcp_app_ops *ops;
	void *arg;
};

struct dp_tcp_wheel {
	uint64_t cur_tick;                  /**< Next tick to process. */
	uint32_t slot[DP_TCP_WHEEL_SLOTS];  /**< Head tcb index of each slot's list. */
};

/** Stack-wide RSS view for choosing source ports. */
struct dp_tcp_rss {
	uint8_t enabled;
	uint8_t key_len;
	uint16_t my_queue;
	uint16_t reta_size;
	uint8_t key[52];
	uint16_t reta[512];
};

struct dp_tcp_lcore {
	struct dp_tcp_conf *conf;   /**< Immutable copy (allocated at create). */
	struct dp_tcb *tcbs;        /**< conf->max_conns entries. */
	uint32_t n_tcbs;
	uint32_t free_head;         /**< Free list through tcb->next_free. */
	uint32_t n_used;
	uint32_t *table;            /**< Connection table: tcb index or DP_TCB_NONE. */
	uint32_t table_mask;        /**< Table size - 1 (power of two, >= 2 * max_conns). */
	uint32_t ooo_segs;          /**< Out-of-order segments held by all connections. */
	uint32_t n_timewait;
	uint32_t tw_head, tw_tail;  /**< TIME_WAIT connections, oldest first. */
	uint32_t work_head;         /**< Connections with output or events pending. */
	uint32_t work_tail;
	uint16_t next_eph;          /**< Where the next ephemeral-port scan starts. */
	uint16_t pad;
	uint64_t ca_second;         /**< RFC 5961 §7 challenge-ACK limit: current second ... */
	uint32_t ca_count;          /**< ... and challenge ACKs sent in it. */
	uint32_t evict_cursor;      /**< Where the next half-open eviction scan starts. */
	uint8_t isn_key[16];        /**< RFC 6528 / RFC 4987 secret. */
	struct dp_tcp_rss rss;
	struct dp_tcp_listener listeners[DP_TCP_MAX_LISTENERS];
	struct dp_tcp_wheel *wheel;
};

#endif /* DATAPLANE_NET_TCP_TYPES_H */
