/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief NewReno congestion control: RFC 5681 §3.1 with RFC 3465 byte counting.
 *
 * Slow start below ssthresh; congestion avoidance above it grows cwnd by one
 * SMSS per cwnd bytes acknowledged, counted in cc->bytes_acked (RFC 5681
 * §3.1 "alternative" to equation (3), RFC 3465 §2.1). On loss ssthresh is
 * half the flight size (equation (4)). The TCP core does SACK/pipe based
 * recovery, so cwnd drops straight to ssthresh rather than being inflated
 * by 3*SMSS and per duplicate ACK (RFC 6582 §3.2 step 2 describes the
 * inflating variant). NewReno keeps no private state.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dataplane/net/tcp_cc.h"
#include "dataplane/net/tcp_cc_int.h"

/** RFC 5681 equation (4): ssthresh = max(FlightSize / 2, 2*SMSS). */
static uint32_t
newreno_ssthresh(const struct dp_tcp_cc *cc, uint32_t flight_size)
{
	uint64_t floor = (uint64_t)2 * cc->mss;
	uint64_t half = flight_size / 2;
	uint64_t s = half > floor ? half : floor;

	return s > UINT32_MAX ? UINT32_MAX : (uint32_t)s;
}

static void
newreno_init(struct dp_tcp_cc *cc, uint32_t mss, uint32_t iw_segs, uint64_t now_us)
{
	(void)now_us;
	dp_tcp_cc_reset(cc, mss, iw_segs);
}

static void
newreno_on_ack(struct dp_tcp_cc *cc, uint32_t acked, uint32_t rtt_us, uint32_t flight_size,
	       uint64_t now_us)
{
	uint32_t sum;

	(void)rtt_us;
	(void)flight_size;
	(void)now_us;
	if (cc->cwnd < cc->ssthresh) {
		acked = dp_tcp_cc_slow_start(cc, acked);
		if (acked == 0)
			return;
	}
	/*
	 * RFC 3465 §2.1: "When bytes_acked becomes greater than or equal to
	 * the value of the congestion window, bytes_acked is reduced by the
	 * value of cwnd. Next, cwnd is incremented by a full-sized segment."
	 * At most one SMSS per ACK; a stretch ACK's excess stays counted.
	 */
	sum = cc->bytes_acked + acked;
	cc->bytes_acked = sum < acked ? UINT32_MAX : sum;
	if (cc->bytes_acked < cc->cwnd)
		return;
	cc->bytes_acked -= cc->cwnd;
	cc->cwnd = UINT32_MAX - cc->cwnd < cc->mss ? UINT32_MAX : cc->cwnd + cc->mss;
}

static void
newreno_on_congestion(struct dp_tcp_cc *cc, uint32_t flight_size, uint64_t now_us)
{
	(void)now_us;
	cc->ssthresh = newreno_ssthresh(cc, flight_size);
	cc->cwnd = cc->ssthresh;
	cc->bytes_acked = 0;
}

static void
newreno_on_recovery_exit(struct dp_tcp_cc *cc, uint32_t flight_size, uint64_t now_us)
{
	(void)now_us;
	dp_tcp_cc_recovery_exit(cc, flight_size);
}

static void
newreno_on_rto(struct dp_tcp_cc *cc, uint32_t flight_size, bool first, uint64_t now_us)
{
	(void)now_us;
	/*
	 * RFC 5681 §3.1: equation (4) on the first timeout only; "when a
	 * segment retransmitted by the retransmission timer is lost", ssthresh
	 * is held. Then cwnd = LW = 1 SMSS (equation (5) context).
	 */
	if (first)
		cc->ssthresh = newreno_ssthresh(cc, flight_size);
	cc->cwnd = cc->mss;
	cc->bytes_acked = 0;
}

const struct dp_tcp_cc_ops dp_tcp_cc_newreno = {
	.name = "newreno",
	.init = newreno_init,
	.on_ack = newreno_on_ack,
	.on_congestion = newreno_on_congestion,
	.on_recovery_exit = newreno_on_recovery_exit,
	.on_rto = newreno_on_rto,
	.on_undo = NULL,
};
