/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Helpers shared by the congestion-control algorithms (tcp_cc*.c only).
 *
 * The window rules every algorithm applies the same way: the initial window,
 * slow start with appropriate byte counting, and the window on leaving fast
 * recovery. Plain C, no DPDK. Included by dataplane/net/tcp_cc*.c; nothing
 * else needs it (the TCP core goes through struct dp_tcp_cc_ops).
 */
#ifndef DATAPLANE_NET_TCP_CC_INT_H
#define DATAPLANE_NET_TCP_CC_INT_H

#include <stdint.h>

#include "dataplane/net/tcp_cc.h"

/**
 * Reset @p cc for a new connection: cwnd = initial window, ssthresh =
 * UINT32_MAX, bytes_acked = 0, priv zeroed.
 *
 * The initial window is iw_segs*MSS when @p iw_segs is non-zero, otherwise
 * RFC 6928 §2: min(10*MSS, max(2*MSS, 14600)); both saturate at UINT32_MAX.
 *
 * @param mss
 *   Sender MSS in bytes; must be non-zero (every window rule divides by or
 *   counts in it).
 */
void dp_tcp_cc_reset(struct dp_tcp_cc *cc, uint32_t mss, uint32_t iw_segs);

/**
 * Grow cwnd by slow start for one ACK of @p acked new bytes; call only when
 * cwnd < ssthresh.
 *
 * RFC 5681 §3.1 with RFC 3465 §2.2 appropriate byte counting: cwnd grows by
 * min(acked, L) with L = 2*SMSS, and stops at ssthresh.
 *
 * @return
 *   Bytes of @p acked left over once cwnd reached ssthresh, for the caller's
 *   congestion-avoidance step; 0 when cwnd is still below ssthresh.
 */
uint32_t dp_tcp_cc_slow_start(struct dp_tcp_cc *cc, uint32_t acked);

/**
 * Set cwnd on leaving fast recovery with a full ACK: RFC 6582 §3.2 step 3,
 * first option, cwnd = min(ssthresh, max(FlightSize, SMSS) + SMSS).
 *
 * The core recovers by SACK/pipe with cwnd = ssthresh, so this only lowers
 * cwnd when little is outstanding, which avoids a burst of ssthresh - flight
 * bytes on exit; slow start then brings cwnd back up to ssthresh. Resets
 * bytes_acked.
 */
void dp_tcp_cc_recovery_exit(struct dp_tcp_cc *cc, uint32_t flight_size);

#endif /* DATAPLANE_NET_TCP_CC_INT_H */
