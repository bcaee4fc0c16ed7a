/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief The sender's SACK scoreboard and RFC 6675 loss recovery helpers.
 *
 * The scoreboard remembers which byte ranges above SND.UNA the receiver has
 * selectively acknowledged (RFC 2018), merged and sorted, in a fixed array
 * (bounded memory per connection). From it the core computes, per RFC 6675:
 * IsLost() (§4), the pipe (SetPipe, §4) and NextSeg() (§4 rules 1 and 3;
 * rule 2, new data, is the caller's since it knows the send queue).
 *
 * Plain C (no DPDK); sequence numbers are compared modulo 2^32.
 */
#ifndef DATAPLANE_NET_TCP_SACK_H
#define DATAPLANE_NET_TCP_SACK_H

#include <stdbool.h>
#include <stdint.h>

/** Most disjoint SACKed ranges remembered; beyond it the highest ranges are kept. */
#define DP_TCP_SACK_SB_MAX 16
/** Most SACK blocks in one TCP option (RFC 2018 §3: 4, or 3 with timestamps). */
#define DP_TCP_SACK_OPT_MAX 4
/** RFC 6675 DupThresh. */
#define DP_TCP_SACK_DUPTHRESH 3

/** A half-open range [start, end) of sequence space. */
struct dp_tcp_sack_blk {
	uint32_t start;
	uint32_t end;
};

/** The scoreboard. Invariant: blk[0..n) sorted, disjoint, non-adjacent, all above snd_una. */
struct dp_tcp_sack_sb {
	uint32_t n;
	uint32_t sacked_bytes;   /**< Sum of the ranges' lengths. */
	uint32_t high_sacked;    /**< Highest SACKed sequence + 1 (valid if n > 0). */
	uint32_t dsack_count;    /**< D-SACK blocks seen (RFC 2883): spurious retransmits. */
	uint32_t invalid_count;  /**< Blocks ignored: outside [SND.UNA, SND.NXT] or empty. */
	struct dp_tcp_sack_blk blk[DP_TCP_SACK_SB_MAX];
};

/** Empty the scoreboard. */
void dp_tcp_sack_sb_reset(struct dp_tcp_sack_sb *sb);

/**
 * Add the SACK blocks of one incoming ACK.
 *
 * Blocks must lie within [snd_una, snd_nxt]; others are ignored (counted
 * in invalid_count), except that a first block at or below snd_una, or
 * inside the second block of the same option, is a D-SACK (RFC 2883 §4) and
 * counted in dsack_count. Ranges are merged.
 *
 * @return
 *   Bytes newly marked SACKed by this ACK, counted as each block is merged
 *   (before the DP_TCP_SACK_SB_MAX limit may evict a range).
 */
uint32_t dp_tcp_sack_sb_update(struct dp_tcp_sack_sb *sb, uint32_t snd_una, uint32_t snd_nxt,
			       const struct dp_tcp_sack_blk *blks, uint32_t n);

/** SND.UNA advanced to @p snd_una: forget everything below it. */
void dp_tcp_sack_sb_ack(struct dp_tcp_sack_sb *sb, uint32_t snd_una);

/** True if every byte of [seq, seq+len) is SACKed. */
bool dp_tcp_sack_sb_is_sacked(const struct dp_tcp_sack_sb *sb, uint32_t seq, uint32_t len);

/**
 * RFC 6675 IsLost(seq): true if at least DupThresh discontiguous SACKed
 * sequences exist above @p seq, or more than (DupThresh - 1) * @p mss bytes
 * above it are SACKed.
 */
bool dp_tcp_sack_sb_is_lost(const struct dp_tcp_sack_sb *sb, uint32_t seq, uint32_t mss);

/**
 * RFC 6675 SetPipe(): bytes believed in flight between @p snd_una and
 * @p snd_nxt, with @p mss as the SMSS of IsLost(). A byte that is not SACKed
 * counts once if it is not lost, and once more if it was retransmitted (at
 * or below @p high_rxt), so a retransmitted byte not yet lost counts twice.
 *
 * @p high_rxt is RFC 6675's HighRxt, inclusive: the last byte retransmitted
 * in this recovery, snd_una - 1 when none was.
 */
uint32_t dp_tcp_sack_sb_pipe(const struct dp_tcp_sack_sb *sb, uint32_t snd_una, uint32_t snd_nxt,
			     uint32_t high_rxt, uint32_t mss);

/**
 * RFC 6675 NextSeg() rules 1 and 3 (rule 2, new data, is the caller's and
 * sits between them; rule 4 is the caller's too).
 *
 * @param high_rxt
 *   HighRxt, inclusive as for dp_tcp_sack_sb_pipe().
 * @param rule3
 *   false: rule 1 only (the lowest unSACKed, lost range above high_rxt);
 *   true: rule 3 (the lowest unSACKed range above high_rxt that is not lost,
 *   provided something above it is SACKed).
 * @param seq, len
 *   Set to the range to (re)transmit, at most @p mss bytes.
 * @return
 *   true if such a range exists.
 */
bool dp_tcp_sack_sb_next_seg(const struct dp_tcp_sack_sb *sb, uint32_t snd_una, uint32_t snd_nxt,
			     uint32_t high_rxt, uint32_t mss, bool rule3, uint32_t *seq,
			     uint32_t *len);

/**
 * Bytes SACKed at or above @p seq (for the lost-retransmission check: data
 * sent after a retransmission that has already arrived).
 */
uint32_t dp_tcp_sack_sb_sacked_above(const struct dp_tcp_sack_sb *sb, uint32_t seq);

/* ---- Lost-retransmission detection ----
 *
 * RFC 6675 never notices that a retransmission was itself lost: the hole
 * stays below HighRxt until the RTO fires. RFC 8985 (RACK) notices it
 * because data sent after the retransmission is delivered first. The log
 * below does the same in sequence space instead of time: each
 * retransmission made during recovery remembers SND.MAX at the moment it
 * left (everything at or above that mark was sent after it). Once at least
 * DupThresh full segments above the mark are SACKed while the retransmitted
 * range is still neither acknowledged nor SACKed, the retransmission is
 * deemed lost and is due again. DupThresh segments of allowance keep
 * ordinary reordering from triggering it, as IsLost() does for the first
 * transmission.
 *
 * Time order too (RFC 8985 §6.2, RACK's "sent after" test restricted to
 * these retransmissions): each entry also remembers when it (last) left. A
 * retransmission that is delivered (acknowledged or SACKed) proves every
 * entry sent at least RACK.reo_wnd before it, and still undelivered, lost,
 * whatever was or was not sent above SND.MAX in between: this is what catches
 * a lost retransmission when cwnd is full of other retransmissions and no
 * new data follows them. A delivery that comes back sooner than min_RTT
 * after the retransmission left acknowledges the original instead and proves
 * nothing (§6.2 step 2).
 */

/** Retransmissions remembered per connection; older ones fall back to the RTO. */
#define DP_TCP_RXT_LOG_MAX 16

/** One retransmission in the current recovery. */
struct dp_tcp_rxt {
	uint32_t start, end; /**< Range resent, [start, end). */
	uint32_t mark;       /**< SND.MAX when it was (last) sent. */
	uint32_t lost;       /**< Deemed lost, due for another retransmission. */
	uint64_t xmit_us;    /**< When it was (last) sent (RFC 8985 Segment.xmit_ts). */
};

/** The log: entries[0..n) oldest first. */
struct dp_tcp_rxt_log {
	uint32_t n;
	uint32_t lost_total; /**< Retransmissions deemed lost (statistics). */
	uint32_t lost_by_time; /**< Of those, found by time order (statistics). */
	uint64_t rack_xmit_us; /**< Latest send time of a delivered entry (RACK.xmit_ts); 0 = none. */
	struct dp_tcp_rxt e[DP_TCP_RXT_LOG_MAX];
};

/** Forget every entry (recovery entered, ended, or an RTO). */
void dp_tcp_rxt_reset(struct dp_tcp_rxt_log *log);

/**
 * Remember that [start, end) was retransmitted at @p xmit_us while SND.MAX
 * was @p mark. When the log is full the oldest entry is forgotten (its loss,
 * if any, is left to the RTO).
 */
void dp_tcp_rxt_add(struct dp_tcp_rxt_log *log, uint32_t start, uint32_t end, uint32_t mark,
		    uint64_t xmit_us);

/**
 * After an ACK arriving at @p now_us: drop entries acknowledged or SACKed
 * (the latest send time among them, unless sooner than @p min_rtt_us ago,
 * becomes RACK.xmit_ts), and mark lost those with at least DupThresh * @p mss
 * bytes SACKed above their mark, or sent at least @p reo_wnd_us before
 * RACK.xmit_ts (RFC 8985 §6.2 step 5; with the ACK's RTT as RACK.rtt,
 * "now >= xmit_ts + RACK.rtt + reo_wnd" is exactly that).
 *
 * @return
 *   Entries newly marked lost by this call.
 */
uint32_t dp_tcp_rxt_update(struct dp_tcp_rxt_log *log, const struct dp_tcp_sack_sb *sb,
			   uint32_t snd_una, uint32_t mss, uint64_t now_us, uint32_t min_rtt_us,
			   uint32_t reo_wnd_us);

/** Bytes of the retransmissions deemed lost and not yet sent again (no longer in the pipe). */
uint32_t dp_tcp_rxt_lost_bytes(const struct dp_tcp_rxt_log *log);

/**
 * The oldest retransmission deemed lost, as the range to send again (its
 * part above @p snd_una). Returns NULL when none is due.
 */
struct dp_tcp_rxt *dp_tcp_rxt_next_lost(struct dp_tcp_rxt_log *log, uint32_t snd_una,
					uint32_t *seq, uint32_t *len);

/* ---- Transmit times of new data (RFC 8985 §6.1 Segment.xmit_ts) ----
 *
 * New data leaves in sequence order, so its transmit times can be kept per
 * burst rather than per segment: a ring of (end, time), the bytes below
 * `end` and at or above the previous entry's end having left at `time`.
 * When the ring is full the newest entry absorbs the next burst, which
 * dates those bytes earlier than they left: a segment then looks sent
 * sooner, so less is deemed lost by time order (the safe side).
 */

/** Bursts of new data remembered per connection. */
#define DP_TCP_XMIT_RING_MAX 32

/** Ring of transmit times; e[(head + i) % MAX] for i < n, oldest first. */
struct dp_tcp_xmit_ring {
	uint32_t head, n;
	struct {
		uint32_t end;    /**< Sequence number after the burst's last byte. */
		uint64_t us;     /**< When the burst left. */
	} e[DP_TCP_XMIT_RING_MAX];
};

/** Forget everything. */
void dp_tcp_xmit_reset(struct dp_tcp_xmit_ring *r);
/** New data up to (not including) @p end left at @p us. */
void dp_tcp_xmit_add(struct dp_tcp_xmit_ring *r, uint32_t end, uint64_t us);
/** SND.UNA advanced to @p snd_una: forget bursts wholly below it. */
void dp_tcp_xmit_ack(struct dp_tcp_xmit_ring *r, uint32_t snd_una);
/** When the byte @p seq (not below SND.UNA) first left; false when unknown. */
bool dp_tcp_xmit_time(const struct dp_tcp_xmit_ring *r, uint32_t seq, uint64_t *us);

#endif /* DATAPLANE_NET_TCP_SACK_H */
