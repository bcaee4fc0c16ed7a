/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief TCP congestion-control algorithms as an ops table (VPP tcp_cc.h style).
 *
 * The TCP core owns loss detection and recovery mechanics (fast retransmit,
 * RFC 6582 NewReno partial ACKs, RFC 6675 SACK recovery, RTO); an algorithm
 * only decides cwnd and ssthresh at the events below. Units are bytes and
 * microseconds. Plain C (no DPDK), so algorithms are unit-tested against
 * traces worked out from their RFCs.
 *
 * Event order the core guarantees for one connection:
 *   init → { on_ack* | on_congestion → (on_ack during recovery)* →
 *            on_recovery_exit | on_rto }*
 * During fast recovery the core does not call on_ack for window growth; it
 * calls on_ack only outside recovery (in_recovery is always false today and
 * kept for algorithms that want to see recovery ACKs).
 */
#ifndef DATAPLANE_NET_TCP_CC_H
#define DATAPLANE_NET_TCP_CC_H

#include <stdbool.h>
#include <stdint.h>

/** Bytes of algorithm-private state in every connection. */
#define DP_TCP_CC_PRIV 64

/** Congestion state of one connection. */
struct dp_tcp_cc {
	uint32_t cwnd;     /**< Congestion window, bytes. */
	uint32_t ssthresh; /**< Slow-start threshold, bytes. */
	uint32_t mss;      /**< Sender MSS (SMSS), bytes. */
	uint32_t bytes_acked; /**< RFC 3465 byte counting accumulator for congestion avoidance. */
	_Alignas(8) uint8_t priv[DP_TCP_CC_PRIV]; /**< Algorithm's own state. */
};

/** Algorithm ids (config and counters). */
enum dp_tcp_cc_algo {
	DP_TCP_CC_ALGO_NEWRENO = 0,
	DP_TCP_CC_ALGO_CUBIC = 1,
	DP_TCP_CC_ALGO__COUNT
};

/** What an algorithm implements. */
struct dp_tcp_cc_ops {
	const char *name; /**< "newreno", "cubic" */
	/**
	 * Start a connection: cwnd = initial window (RFC 5681 §3.1 / RFC 6928:
	 * min(10*MSS, max(2*MSS, 14600)) unless @p iw_segs is non-zero, then
	 * iw_segs*MSS), ssthresh = "arbitrarily high" (UINT32_MAX).
	 */
	void (*init)(struct dp_tcp_cc *cc, uint32_t mss, uint32_t iw_segs, uint64_t now_us);
	/**
	 * @p acked new bytes were cumulatively acknowledged (outside recovery).
	 * Slow start below ssthresh (RFC 5681 §3.1, with RFC 3465 L=2*MSS per
	 * ACK), congestion avoidance above it (the algorithm's growth function).
	 * @p rtt_us is the smoothed RTT (SRTT, 0 if none yet), @p flight_size the
	 * bytes outstanding before this ACK.
	 */
	void (*on_ack)(struct dp_tcp_cc *cc, uint32_t acked, uint32_t rtt_us, uint32_t flight_size,
		       uint64_t now_us);
	/**
	 * Loss detected by duplicate ACKs or SACK: enter fast recovery. Set
	 * ssthresh (NewReno: max(flight_size/2, 2*MSS), RFC 5681 (4); CUBIC:
	 * cwnd*beta_cubic with beta 0.7, RFC 9438 §4.6) and cwnd = ssthresh.
	 */
	void (*on_congestion)(struct dp_tcp_cc *cc, uint32_t flight_size, uint64_t now_us);
	/** Fast recovery ended with a full ACK (RFC 6582 §3.2 step 3): cwnd = ssthresh (or algorithm's choice). */
	void (*on_recovery_exit)(struct dp_tcp_cc *cc, uint32_t flight_size, uint64_t now_us);
	/**
	 * Retransmission timeout: ssthresh as on_congestion (only on the first
	 * timeout of a loss episode, @p first), cwnd = 1 MSS (loss window, RFC
	 * 5681 (5) §3.1). CUBIC also resets its epoch (RFC 9438 §4.8).
	 */
	void (*on_rto)(struct dp_tcp_cc *cc, uint32_t flight_size, bool first, uint64_t now_us);
	/** An RTO proved spurious or recovery was undone; optional (may be NULL). */
	void (*on_undo)(struct dp_tcp_cc *cc, uint64_t now_us);
};

/** The built-in algorithms, by enum dp_tcp_cc_algo. */
extern const struct dp_tcp_cc_ops dp_tcp_cc_newreno;
extern const struct dp_tcp_cc_ops dp_tcp_cc_cubic;

/** Return the ops for @p algo, or NULL. */
const struct dp_tcp_cc_ops *dp_tcp_cc_get(enum dp_tcp_cc_algo algo);

/** Return the algorithm named @p name ("newreno", "cubic"), or -1. */
int dp_tcp_cc_algo_from_name(const char *name);

#endif /* DATAPLANE_NET_TCP_CC_H */
