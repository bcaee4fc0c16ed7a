/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Congestion-control registry and the window rules all algorithms share.
 *
 * Maps an algorithm id or name to its ops table (config and counters), and
 * implements the parts of RFC 5681 that do not depend on the algorithm: the
 * initial window (RFC 6928), slow start with appropriate byte counting
 * (RFC 3465) and the window on leaving fast recovery (RFC 6582). Algorithms
 * differ only in congestion avoidance and in how they reduce on loss.
 */
#include <stdint.h>
#include <string.h>

#include "dataplane/net/tcp_cc.h"
#include "dataplane/net/tcp_cc_int.h"

/** RFC 6928 §2: the byte bound of the initial window. */
#define TCP_CC_IW_BYTES 14600u
/** RFC 6928 §2: at most this many segments in the initial window. */
#define TCP_CC_IW_MAX_SEGS 10u
/** RFC 3465 §2.2: L, the per-ACK slow-start limit, in SMSS. */
#define TCP_CC_ABC_L_SEGS 2u

static const struct dp_tcp_cc_ops *const tcp_cc_algos[DP_TCP_CC_ALGO__COUNT] = {
	[DP_TCP_CC_ALGO_NEWRENO] = &dp_tcp_cc_newreno,
	[DP_TCP_CC_ALGO_CUBIC] = &dp_tcp_cc_cubic,
};

static uint32_t
tcp_cc_sat32(uint64_t v)
{
	return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

const struct dp_tcp_cc_ops *
dp_tcp_cc_get(enum dp_tcp_cc_algo algo)
{
	/* Unsigned compare also rejects negative values cast to the enum. */
	if ((unsigned int)algo >= DP_TCP_CC_ALGO__COUNT)
		return NULL;
	return tcp_cc_algos[algo];
}

int
dp_tcp_cc_algo_from_name(const char *name)
{
	if (name == NULL)
		return -1;
	/* Bounded: DP_TCP_CC_ALGO__COUNT entries. */
	for (int i = 0; i < DP_TCP_CC_ALGO__COUNT; i++) {
		if (strcmp(tcp_cc_algos[i]->name, name) == 0)
			return i;
	}
	return -1;
}

void
dp_tcp_cc_reset(struct dp_tcp_cc *cc, uint32_t mss, uint32_t iw_segs)
{
	uint64_t iw;

	if (iw_segs != 0) {
		iw = (uint64_t)iw_segs * mss;
	} else {
		/* RFC 6928 §2: IW = min(10*MSS, max(2*MSS, 14600)). */
		iw = (uint64_t)2 * mss;
		if (iw < TCP_CC_IW_BYTES)
			iw = TCP_CC_IW_BYTES;
		if (iw > (uint64_t)TCP_CC_IW_MAX_SEGS * mss)
			iw = (uint64_t)TCP_CC_IW_MAX_SEGS * mss;
	}
	cc->mss = mss;
	cc->cwnd = tcp_cc_sat32(iw);
	/* RFC 5681 §3.1: the initial ssthresh "MAY be arbitrarily high". */
	cc->ssthresh = UINT32_MAX;
	cc->bytes_acked = 0;
	memset(cc->priv, 0, sizeof(cc->priv));
}

uint32_t
dp_tcp_cc_slow_start(struct dp_tcp_cc *cc, uint32_t acked)
{
	uint64_t limit = (uint64_t)TCP_CC_ABC_L_SEGS * cc->mss;
	uint64_t inc = acked < limit ? acked : limit;
	uint32_t room = cc->ssthresh - cc->cwnd; /* caller: cwnd < ssthresh */

	/* RFC 3465 §2.2: cwnd += min(N, L*SMSS) per ACK, L = 2. */
	if (inc < room) {
		cc->cwnd += (uint32_t)inc;
		return 0;
	}
	/*
	 * RFC 5681 §3.1: slow start ends at ssthresh. The bytes beyond what
	 * brought cwnd there belong to congestion avoidance.
	 */
	cc->cwnd = cc->ssthresh;
	return acked - room;
}

void
dp_tcp_cc_recovery_exit(struct dp_tcp_cc *cc, uint32_t flight_size)
{
	uint64_t w = flight_size > cc->mss ? flight_size : cc->mss;

	/* RFC 6582 §3.2 step 3, option 1. */
	w += cc->mss;
	cc->cwnd = w < cc->ssthresh ? (uint32_t)w : cc->ssthresh;
	cc->bytes_acked = 0;
}
