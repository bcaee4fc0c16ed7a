/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief The sender's SACK scoreboard (RFC 2018, RFC 2883 D-SACK) and the
 * RFC 6675 loss-recovery helpers IsLost(), SetPipe() and NextSeg().
 *
 * The scoreboard is a sorted array of at most DP_TCP_SACK_SB_MAX disjoint,
 * non-adjacent ranges; each reported block is merged into it in one pass
 * over the array, so an update costs at most DP_TCP_SACK_SB_MAX *
 * DP_TCP_SACK_OPT_MAX steps.
 *
 * RFC 6675 states IsLost() and SetPipe() per octet. Every unSACKed octet in
 * the hole just below range i has exactly ranges i..n-1 SACKed above it, so
 * IsLost() is the same for the whole hole, and a hole is lost whenever the
 * hole above it is. The lost holes are therefore the lowest L holes, and one
 * pass from the highest range finds L; SetPipe() and NextSeg() then walk the
 * holes once. Nothing here is per octet, so every call is linear in
 * DP_TCP_SACK_SB_MAX.
 *
 * When a new disjoint range would exceed DP_TCP_SACK_SB_MAX, the lowest range
 * is forgotten (possibly the new one). Forgetting SACK information is safe:
 * those bytes look unSACKed, so at worst they are retransmitted again and
 * counted in the pipe. The highest ranges are kept because IsLost() of every
 * hole depends on what is SACKed above it; the lowest hole keeps at least
 * DP_TCP_SACK_SB_MAX - 1 ranges above it and stays lost. Merging neighbours
 * instead would mark unSACKed bytes SACKed and they would never be resent.
 *
 * All sequence comparisons are modulo 2^32 (dataplane/net/tcp_seq.h).
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "dataplane/net/tcp_sack.h"
#include "dataplane/net/tcp_seq.h"

/** Length of a range whose start is not after its end. */
static inline uint32_t
sack_blk_len(const struct dp_tcp_sack_blk *b)
{
	return b->end - b->start;
}

/** RFC 6675 IsLost() byte threshold: (DupThresh - 1) * SMSS, without overflow. */
static inline uint64_t
sack_lost_bytes(uint32_t mss)
{
	return (uint64_t)(DP_TCP_SACK_DUPTHRESH - 1) * mss;
}

/** True if @p b is non-empty and lies within [snd_una, snd_nxt] (RFC 2018 §3). */
static bool
sack_blk_is_valid(const struct dp_tcp_sack_blk *b, uint32_t snd_una, uint32_t snd_nxt)
{
	return seq_leq(snd_una, b->start) && seq_lt(b->start, b->end) && seq_leq(b->end, snd_nxt);
}

/**
 * True if the first block of an option is a D-SACK (RFC 2883 §4): it reports
 * a duplicate at or below the cumulative ACK, or a duplicate inside the
 * (possibly larger) block that the second SACK block reports. An empty first
 * block is never a D-SACK; the containing second block must itself be valid.
 */
static bool
sack_is_dsack(const struct dp_tcp_sack_blk *blks, uint32_t n, uint32_t snd_una, uint32_t snd_nxt)
{
	const struct dp_tcp_sack_blk *b0 = &blks[0];

	if (!seq_lt(b0->start, b0->end))
		return false;
	if (seq_leq(b0->end, snd_una))
		return true;
	return n > 1 && sack_blk_is_valid(&blks[1], snd_una, snd_nxt) &&
	       seq_leq(blks[1].start, b0->start) && seq_leq(b0->end, blks[1].end);
}

/** Remove ranges [i, j) and close the gap. At most DP_TCP_SACK_SB_MAX moves. */
static void
sack_remove(struct dp_tcp_sack_sb *sb, uint32_t i, uint32_t j)
{
	if (i == j)
		return;
	memmove(&sb->blk[i], &sb->blk[j], (sb->n - j) * sizeof(sb->blk[0]));
	sb->n -= j - i;
}

/** Keep high_sacked equal to the end of the highest range. */
static void
sack_set_high(struct dp_tcp_sack_sb *sb)
{
	if (sb->n > 0)
		sb->high_sacked = sb->blk[sb->n - 1].end;
}

/**
 * Merge the valid, non-empty range [start, end) into the scoreboard.
 * At most 3 * DP_TCP_SACK_SB_MAX steps.
 *
 * @return
 *   Bytes of the range that were not SACKed before, even if the
 *   DP_TCP_SACK_SB_MAX limit then evicts the range.
 */
static uint32_t
sack_insert(struct dp_tcp_sack_sb *sb, uint32_t start, uint32_t end)
{
	uint32_t added = end - start;
	uint32_t i, j, k;

	/* i: the first range not wholly below start (adjacent counts as touching). */
	for (i = 0; i < sb->n && seq_lt(sb->blk[i].end, start); i++)
		;
	/* [i, j): the ranges that overlap or touch [start, end). */
	for (j = i; j < sb->n && seq_leq(sb->blk[j].start, end); j++)
		;

	if (i == j) {
		if (sb->n == DP_TCP_SACK_SB_MAX) {
			/* Full: forget the lowest range, which may be this one. */
			if (i == 0)
				return added;
			sb->sacked_bytes -= sack_blk_len(&sb->blk[0]);
			sack_remove(sb, 0, 1);
			i--;
		}
		memmove(&sb->blk[i + 1], &sb->blk[i], (sb->n - i) * sizeof(sb->blk[0]));
		sb->blk[i].start = start;
		sb->blk[i].end = end;
		sb->n++;
		sb->sacked_bytes += added;
		sack_set_high(sb);
		return added;
	}

	/* The old ranges are disjoint: subtract each one's overlap with the new one. */
	for (k = i; k < j; k++) {
		uint32_t lo = seq_max(sb->blk[k].start, start);
		uint32_t hi = seq_min(sb->blk[k].end, end);

		if (seq_lt(lo, hi))
			added -= hi - lo;
	}
	sb->blk[i].start = seq_min(sb->blk[i].start, start);
	sb->blk[i].end = seq_max(sb->blk[j - 1].end, end);
	sack_remove(sb, i + 1, j);
	sb->sacked_bytes += added;
	sack_set_high(sb);
	return added;
}

/**
 * Number L of lost holes, hole i being the unSACKed bytes just below range i:
 * holes 0..L-1 are lost (RFC 6675 §4 IsLost()), the others are not. At most
 * DP_TCP_SACK_SB_MAX steps.
 */
static uint32_t
sack_lost_holes(const struct dp_tcp_sack_sb *sb, uint32_t mss)
{
	uint64_t limit = sack_lost_bytes(mss);
	uint64_t bytes = 0;
	uint32_t i;

	for (i = sb->n; i-- > 0;) {
		bytes += sack_blk_len(&sb->blk[i]);
		if (sb->n - i >= DP_TCP_SACK_DUPTHRESH || bytes > limit)
			return i + 1;
	}
	return 0;
}

void
dp_tcp_sack_sb_reset(struct dp_tcp_sack_sb *sb)
{
	memset(sb, 0, sizeof(*sb));
}

uint32_t
dp_tcp_sack_sb_update(struct dp_tcp_sack_sb *sb, uint32_t snd_una, uint32_t snd_nxt,
		      const struct dp_tcp_sack_blk *blks, uint32_t n)
{
	uint32_t added = 0;
	uint32_t i = 0;

	/* Keep the invariant that every range is at or above snd_una. */
	dp_tcp_sack_sb_ack(sb, snd_una);

	/* RFC 2018 §3: an option holds at most 4 blocks; more is malformed. */
	if (n > DP_TCP_SACK_OPT_MAX) {
		sb->invalid_count += n - DP_TCP_SACK_OPT_MAX;
		n = DP_TCP_SACK_OPT_MAX;
	}
	/* RFC 2883 §4: only the first block can be a D-SACK; it is not merged. */
	if (n > 0 && sack_is_dsack(blks, n, snd_una, snd_nxt)) {
		sb->dsack_count++;
		i = 1;
	}
	/* At most DP_TCP_SACK_OPT_MAX blocks, each merged in O(DP_TCP_SACK_SB_MAX). */
	for (; i < n; i++) {
		if (!sack_blk_is_valid(&blks[i], snd_una, snd_nxt)) {
			sb->invalid_count++;
			continue;
		}
		added += sack_insert(sb, blks[i].start, blks[i].end);
	}
	return added;
}

void
dp_tcp_sack_sb_ack(struct dp_tcp_sack_sb *sb, uint32_t snd_una)
{
	uint32_t i;

	/* Ranges wholly at or below the new SND.UNA are gone. */
	for (i = 0; i < sb->n && seq_leq(sb->blk[i].end, snd_una); i++)
		sb->sacked_bytes -= sack_blk_len(&sb->blk[i]);
	sack_remove(sb, 0, i);
	/* A range straddling it keeps its part above. */
	if (sb->n > 0 && seq_lt(sb->blk[0].start, snd_una)) {
		sb->sacked_bytes -= snd_una - sb->blk[0].start;
		sb->blk[0].start = snd_una;
	}
	if (sb->n == 0)
		sb->high_sacked = snd_una;
}

bool
dp_tcp_sack_sb_is_sacked(const struct dp_tcp_sack_sb *sb, uint32_t seq, uint32_t len)
{
	uint32_t i;

	if (len == 0)
		return true;
	/* Ranges are disjoint and non-adjacent, so one range must hold it all. */
	for (i = 0; i < sb->n; i++) {
		uint32_t blen = sack_blk_len(&sb->blk[i]);
		uint32_t off = seq - sb->blk[i].start;

		if (off < blen && len <= blen - off)
			return true;
	}
	return false;
}

bool
dp_tcp_sack_sb_is_lost(const struct dp_tcp_sack_sb *sb, uint32_t seq, uint32_t mss)
{
	uint64_t limit = sack_lost_bytes(mss);
	uint64_t bytes = 0;
	uint32_t above = seq + 1;
	uint32_t ranges = 0;
	uint32_t i;

	/*
	 * RFC 6675 §4 IsLost(): count the ranges and the bytes with sequence
	 * numbers greater than seq, from the highest range down; the first
	 * range with no byte above seq ends the walk.
	 */
	for (i = sb->n; i-- > 0;) {
		const struct dp_tcp_sack_blk *b = &sb->blk[i];

		if (!seq_lt(above, b->end))
			break;
		bytes += b->end - seq_max(b->start, above);
		ranges++;
		if (ranges >= DP_TCP_SACK_DUPTHRESH || bytes > limit)
			return true;
	}
	return false;
}

uint32_t
dp_tcp_sack_sb_pipe(const struct dp_tcp_sack_sb *sb, uint32_t snd_una, uint32_t snd_nxt,
		    uint32_t high_rxt, uint32_t mss)
{
	uint32_t lost = sack_lost_holes(sb, mss);
	uint32_t rxt_end = high_rxt + 1;
	uint32_t lo = snd_una;
	uint32_t pipe = 0;
	uint32_t i;

	/*
	 * RFC 6675 §4 SetPipe(), hole by hole: hole i < n lies below range i,
	 * hole n is everything above the highest range up to snd_nxt. Holes
	 * are clipped to [snd_una, snd_nxt).
	 */
	for (i = 0; i <= sb->n; i++) {
		uint32_t hi = i < sb->n ? seq_min(sb->blk[i].start, snd_nxt) : snd_nxt;

		if (seq_lt(lo, hi)) {
			/* (a) not lost: the original is assumed still in the network. */
			if (i >= lost)
				pipe += hi - lo;
			/* (b) S1 <= HighRxt: its retransmission is in the network. */
			if (seq_lt(lo, rxt_end))
				pipe += seq_min(hi, rxt_end) - lo;
		}
		if (i < sb->n)
			lo = seq_max(lo, sb->blk[i].end);
	}
	return pipe;
}

bool
dp_tcp_sack_sb_next_seg(const struct dp_tcp_sack_sb *sb, uint32_t snd_una, uint32_t snd_nxt,
			uint32_t high_rxt, uint32_t mss, bool rule3, uint32_t *seq, uint32_t *len)
{
	uint32_t lost = sack_lost_holes(sb, mss);
	/*
	 * Rule 1 looks at the lost holes, rule 3 at the holes that are not
	 * lost; both only below the highest SACKed byte ((1.b)), and only
	 * above HighRxt ((1.a)).
	 */
	uint32_t first = rule3 ? lost : 0;
	uint32_t last = rule3 ? sb->n : lost;
	uint32_t lo = seq_max(snd_una, high_rxt + 1);
	uint32_t i;

	if (mss == 0)
		return false;
	for (i = 0; i < last; i++) {
		uint32_t hi = seq_min(sb->blk[i].start, snd_nxt);

		if (i >= first && seq_lt(lo, hi)) {
			*seq = lo;
			*len = hi - lo < mss ? hi - lo : mss;
			return true;
		}
		lo = seq_max(lo, sb->blk[i].end);
	}
	return false;
}

uint32_t
dp_tcp_sack_sb_sacked_above(const struct dp_tcp_sack_sb *sb, uint32_t seq)
{
	uint32_t total = 0;

	for (uint32_t i = 0; i < sb->n; i++) {
		const struct dp_tcp_sack_blk *b = &sb->blk[i];

		if (seq_leq(b->end, seq))
			continue;
		total += b->end - (seq_gt(b->start, seq) ? b->start : seq);
	}
	return total;
}

/* ---- Lost-retransmission log ---- */

void
dp_tcp_rxt_reset(struct dp_tcp_rxt_log *log)
{
	log->n = 0;
	log->rack_xmit_us = 0;
}

static void
rxt_remove(struct dp_tcp_rxt_log *log, uint32_t i)
{
	memmove(&log->e[i], &log->e[i + 1], (log->n - i - 1) * sizeof(log->e[0]));
	log->n--;
}

void
dp_tcp_rxt_add(struct dp_tcp_rxt_log *log, uint32_t start, uint32_t end, uint32_t mark,
	       uint64_t xmit_us)
{
	if (log->n == DP_TCP_RXT_LOG_MAX)
		rxt_remove(log, 0);
	log->e[log->n++] = (struct dp_tcp_rxt){
		.start = start, .end = end, .mark = mark, .lost = 0, .xmit_us = xmit_us};
}

/* RFC 8985 §6.2 step 2: entry @p r was delivered; advance RACK.xmit_ts unless the
 * ACK came back too soon to be for the retransmission (it is for the original). */
static void
rxt_delivered(struct dp_tcp_rxt_log *log, const struct dp_tcp_rxt *r, uint64_t now_us,
	      uint32_t min_rtt_us)
{
	if (now_us - r->xmit_us < min_rtt_us)
		return;
	if (r->xmit_us > log->rack_xmit_us)
		log->rack_xmit_us = r->xmit_us;
}

uint32_t
dp_tcp_rxt_update(struct dp_tcp_rxt_log *log, const struct dp_tcp_sack_sb *sb, uint32_t snd_una,
		  uint32_t mss, uint64_t now_us, uint32_t min_rtt_us, uint32_t reo_wnd_us)
{
	uint64_t thresh = (uint64_t)DP_TCP_SACK_DUPTHRESH * mss;
	uint32_t newly = 0;

	/* Deliveries first (RFC 8985 §6.2 steps 1-2): they set RACK.xmit_ts. */
	for (uint32_t i = 0; i < log->n;) {
		struct dp_tcp_rxt *r = &log->e[i];

		if (seq_leq(r->end, snd_una)) {
			rxt_delivered(log, r, now_us, min_rtt_us);
			rxt_remove(log, i);
			continue;
		}
		if (seq_lt(r->start, snd_una))
			r->start = snd_una;
		if (dp_tcp_sack_sb_is_sacked(sb, r->start, r->end - r->start)) {
			rxt_delivered(log, r, now_us, min_rtt_us);
			rxt_remove(log, i);
			continue;
		}
		i++;
	}
	/* Then loss marking (step 5): by sequence (sent after, SACKed above the mark), or by
	 * time (sent at least reo_wnd before a retransmission already delivered). */
	for (uint32_t i = 0; i < log->n; i++) {
		struct dp_tcp_rxt *r = &log->e[i];

		if (r->lost)
			continue;
		if (log->rack_xmit_us > r->xmit_us && log->rack_xmit_us - r->xmit_us >= reo_wnd_us) {
			log->lost_by_time++;
		} else if (dp_tcp_sack_sb_sacked_above(sb, r->mark) < thresh) {
			continue;
		}
		r->lost = 1;
		log->lost_total++;
		newly++;
	}
	return newly;
}

struct dp_tcp_rxt *
dp_tcp_rxt_next_lost(struct dp_tcp_rxt_log *log, uint32_t snd_una, uint32_t *seq, uint32_t *len)
{
	for (uint32_t i = 0; i < log->n; i++) {
		struct dp_tcp_rxt *r = &log->e[i];

		if (!r->lost || seq_leq(r->end, snd_una))
			continue;
		*seq = seq_lt(r->start, snd_una) ? snd_una : r->start;
		*len = r->end - *seq;
		return r;
	}
	return NULL;
}

uint32_t
dp_tcp_rxt_lost_bytes(const struct dp_tcp_rxt_log *log)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < log->n; i++)
		if (log->e[i].lost)
			n += log->e[i].end - log->e[i].start;
	return n;
}

/* ---- Transmit times of new data ---- */

void
dp_tcp_xmit_reset(struct dp_tcp_xmit_ring *r)
{
	r->head = 0;
	r->n = 0;
}

void
dp_tcp_xmit_add(struct dp_tcp_xmit_ring *r, uint32_t end, uint64_t us)
{
	uint32_t last = (r->head + r->n + DP_TCP_XMIT_RING_MAX - 1) % DP_TCP_XMIT_RING_MAX;

	if (r->n != 0 && !seq_gt(end, r->e[last].end))
		return;
	/* The same instant, or no room: the newest burst grows (see tcp_sack.h). */
	if (r->n != 0 && (r->e[last].us == us || r->n == DP_TCP_XMIT_RING_MAX)) {
		r->e[last].end = end;
		return;
	}
	last = (r->head + r->n) % DP_TCP_XMIT_RING_MAX;
	r->e[last].end = end;
	r->e[last].us = us;
	r->n++;
}

void
dp_tcp_xmit_ack(struct dp_tcp_xmit_ring *r, uint32_t snd_una)
{
	while (r->n != 0 && seq_leq(r->e[r->head].end, snd_una)) {
		r->head = (r->head + 1) % DP_TCP_XMIT_RING_MAX;
		r->n--;
	}
}

bool
dp_tcp_xmit_time(const struct dp_tcp_xmit_ring *r, uint32_t seq, uint64_t *us)
{
	for (uint32_t i = 0; i < r->n; i++) {
		uint32_t k = (r->head + i) % DP_TCP_XMIT_RING_MAX;

		if (seq_lt(seq, r->e[k].end)) {
			*us = r->e[k].us;
			return true;
		}
	}
	return false;
}
