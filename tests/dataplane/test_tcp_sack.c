/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief The SACK scoreboard and the RFC 6675 helpers: merging, validation,
 * D-SACK, trimming, overflow, IsLost(), SetPipe() and NextSeg().
 *
 * Expected values are worked out by hand from RFC 2018, RFC 2883 and
 * RFC 6675 with an SMSS of 1000 unless a row says otherwise. Cases are
 * written as offsets from SND.UNA and run at several bases, one of which
 * (0xFFFFF000) puts the data across the 2^32 wrap; one test spells out a
 * wrapping range with absolute numbers.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "common/base/compiler.h"
#include "dataplane/net/tcp_sack.h"
#include "tests/suites.h"

/** SMSS of most cases. */
#define MSS 1000
/** high_rxt offset meaning "nothing retransmitted": base + RXT_NONE == snd_una - 1. */
#define RXT_NONE UINT32_MAX

/** SND.UNA of each run; 0xFFFFF000 wraps within the first 4096 bytes. */
static const uint32_t bases[] = { 1000, 0x7FFFF000, 0xFFFFF000 };

/** A range as offsets from the run's base. */
struct off_blk {
	uint32_t start;
	uint32_t end;
};

/** A scoreboard to build, as offsets, in order. */
struct board {
	uint32_t n;
	struct off_blk blk[4];
};

static const struct board board_empty = { 0, { { 0, 0 } } };
/** Holes [0,1000) and [2000,3000) lost (>= 3 ranges above); [4000,5000), [6000,7000) not. */
static const struct board board_four = {
	4, { { 1000, 2000 }, { 3000, 4000 }, { 5000, 6000 }, { 7000, 8000 } }
};
/** Hole [0,3000) lost (3 ranges above); [4000,5000) not (2 ranges, exactly 2 * MSS). */
static const struct board board_three_high = {
	3, { { 3000, 4000 }, { 5000, 6000 }, { 7000, 8000 } }
};
/** Hole [0,1000) lost by bytes: 3000 > 2 * MSS with one range. */
static const struct board board_wide = { 1, { { 1000, 4000 } } };
/** Hole [0,1000) not lost: exactly 2 * MSS above. */
static const struct board board_two_mss = { 1, { { 1000, 3000 } } };
/** Hole [0,1000) not lost: one range, 1000 bytes. */
static const struct board board_one = { 1, { { 1000, 2000 } } };

/** Reset @p sb and merge each range of @p r in its own ACK (snd_una = base). */
static void
sb_build_blks(struct dp_tcp_sack_sb *sb, uint32_t base, uint32_t nxt, const struct off_blk *r,
	      uint32_t n)
{
	dp_tcp_sack_sb_reset(sb);
	for (uint32_t i = 0; i < n; i++) {
		struct dp_tcp_sack_blk b = { base + r[i].start, base + r[i].end };

		dp_tcp_sack_sb_update(sb, base, base + nxt, &b, 1);
	}
}

static void
sb_build(struct dp_tcp_sack_sb *sb, uint32_t base, uint32_t nxt, const struct board *bd)
{
	sb_build_blks(sb, base, nxt, bd->blk, bd->n);
}

/** Apply one SACK option of @p n blocks, given as offsets. */
static uint32_t
sb_option(struct dp_tcp_sack_sb *sb, uint32_t base, uint32_t una, uint32_t nxt,
	  const struct off_blk *opt, uint32_t n)
{
	struct dp_tcp_sack_blk b[DP_TCP_SACK_OPT_MAX + 1];

	for (uint32_t i = 0; i < n; i++) {
		b[i].start = base + opt[i].start;
		b[i].end = base + opt[i].end;
	}
	return dp_tcp_sack_sb_update(sb, base + una, base + nxt, b, n);
}

/** The ranges are exactly @p exp, and sacked_bytes and high_sacked agree with them. */
static void
assert_board(const struct dp_tcp_sack_sb *sb, uint32_t base, const struct off_blk *exp, uint32_t n)
{
	uint32_t sum = 0;

	CU_ASSERT_EQUAL_FATAL(sb->n, n);
	for (uint32_t i = 0; i < n; i++) {
		CU_ASSERT_EQUAL(sb->blk[i].start, base + exp[i].start);
		CU_ASSERT_EQUAL(sb->blk[i].end, base + exp[i].end);
		sum += exp[i].end - exp[i].start;
	}
	CU_ASSERT_EQUAL(sb->sacked_bytes, sum);
	CU_ASSERT(n == 0 || sb->high_sacked == base + exp[n - 1].end);
}

/* ---- update(): merging ------------------------------------------------ */

static void
test_tcp_sack_reset_empties_the_scoreboard(void)
{
	struct dp_tcp_sack_sb sb;

	memset(&sb, 0xA5, sizeof(sb));
	dp_tcp_sack_sb_reset(&sb);
	CU_ASSERT_EQUAL(sb.n, 0);
	CU_ASSERT_EQUAL(sb.sacked_bytes, 0);
	CU_ASSERT_EQUAL(sb.dsack_count, 0);
	CU_ASSERT_EQUAL(sb.invalid_count, 0);
}

static void
test_tcp_sack_single_block_is_recorded(void)
{
	static const struct off_blk opt[] = { { 2000, 3000 } };

	for (size_t b = 0; b < ARRAY_SIZE(bases); b++) {
		struct dp_tcp_sack_sb sb;

		dp_tcp_sack_sb_reset(&sb);
		CU_ASSERT_EQUAL(sb_option(&sb, bases[b], 0, 10000, opt, 1), 1000);
		assert_board(&sb, bases[b], opt, 1);
		CU_ASSERT_EQUAL(sb.dsack_count, 0);
		CU_ASSERT_EQUAL(sb.invalid_count, 0);
	}
}

static void
test_tcp_sack_block_at_the_window_edges_is_accepted(void)
{
	static const struct off_blk opt[] = { { 1000, 10000 } };

	for (size_t b = 0; b < ARRAY_SIZE(bases); b++) {
		struct dp_tcp_sack_sb sb;

		dp_tcp_sack_sb_reset(&sb);
		CU_ASSERT_EQUAL(sb_option(&sb, bases[b], 1000, 10000, opt, 1), 9000);
		assert_board(&sb, bases[b], opt, 1);
		CU_ASSERT_EQUAL(sb.invalid_count, 0);
	}
}

static void
test_tcp_sack_disjoint_blocks_are_kept_sorted(void)
{
	/* RFC 2018 §4: the most recent block comes first, not the lowest. */
	static const struct off_blk opt[] = { { 5000, 6000 }, { 2000, 3000 }, { 8000, 8500 } };
	static const struct off_blk exp[] = { { 2000, 3000 }, { 5000, 6000 }, { 8000, 8500 } };

	for (size_t b = 0; b < ARRAY_SIZE(bases); b++) {
		struct dp_tcp_sack_sb sb;

		dp_tcp_sack_sb_reset(&sb);
		CU_ASSERT_EQUAL(sb_option(&sb, bases[b], 0, 10000, opt, 3), 2500);
		assert_board(&sb, bases[b], exp, 3);
		CU_ASSERT_EQUAL(sb.dsack_count, 0);
		CU_ASSERT_EQUAL(sb.invalid_count, 0);
	}
}

/** One block merged into {[2000,3000), [5000,6000), [8000,9000)}. */
struct merge_case {
	struct off_blk add;
	uint32_t added;
	uint32_t n;
	struct off_blk exp[4];
};

static void
run_merge_cases(const struct merge_case *c, size_t n)
{
	static const struct board start = { 3, { { 2000, 3000 }, { 5000, 6000 }, { 8000, 9000 } } };

	for (size_t b = 0; b < ARRAY_SIZE(bases); b++) {
		for (size_t i = 0; i < n; i++) {
			struct dp_tcp_sack_sb sb;

			sb_build(&sb, bases[b], 20000, &start);
			CU_ASSERT_EQUAL(sb_option(&sb, bases[b], 0, 20000, &c[i].add, 1),
					c[i].added);
			assert_board(&sb, bases[b], c[i].exp, c[i].n);
			CU_ASSERT_EQUAL(sb.dsack_count, 0);
			CU_ASSERT_EQUAL(sb.invalid_count, 0);
		}
	}
}

static void
test_tcp_sack_overlapping_and_adjacent_blocks_merge(void)
{
	static const struct merge_case cases[] = {
		/* overlaps the low edge of a range */
		{ { 1500, 2500 }, 500, 3, { { 1500, 3000 }, { 5000, 6000 }, { 8000, 9000 } } },
		/* overlaps the high edge */
		{ { 2500, 3500 }, 500, 3, { { 2000, 3500 }, { 5000, 6000 }, { 8000, 9000 } } },
		/* adjacent below */
		{ { 1000, 2000 }, 1000, 3, { { 1000, 3000 }, { 5000, 6000 }, { 8000, 9000 } } },
		/* adjacent above */
		{ { 3000, 4000 }, 1000, 3, { { 2000, 4000 }, { 5000, 6000 }, { 8000, 9000 } } },
		/* fills the hole between two ranges exactly */
		{ { 3000, 5000 }, 2000, 2, { { 2000, 6000 }, { 8000, 9000 } } },
		/* new range in a hole, touching nothing */
		{ { 6500, 7000 }, 500, 4,
		  { { 2000, 3000 }, { 5000, 6000 }, { 6500, 7000 }, { 8000, 9000 } } },
		/* new range above all */
		{ { 9500, 10000 }, 500, 4,
		  { { 2000, 3000 }, { 5000, 6000 }, { 8000, 9000 }, { 9500, 10000 } } },
	};

	run_merge_cases(cases, ARRAY_SIZE(cases));
}

static void
test_tcp_sack_block_covering_several_ranges_merges_them(void)
{
	static const struct merge_case cases[] = {
		/* covers all three: adds the two holes and both ends */
		{ { 1000, 10000 }, 6000, 1, { { 1000, 10000 } } },
		/* from inside the first to inside the last: adds the two holes */
		{ { 2500, 8500 }, 4000, 1, { { 2000, 9000 } } },
		/* covers two exactly */
		{ { 2000, 6000 }, 2000, 2, { { 2000, 6000 }, { 8000, 9000 } } },
	};

	run_merge_cases(cases, ARRAY_SIZE(cases));
}

static void
test_tcp_sack_duplicate_block_adds_no_bytes(void)
{
	static const struct merge_case cases[] = {
		{ { 5000, 6000 }, 0, 3, { { 2000, 3000 }, { 5000, 6000 }, { 8000, 9000 } } },
		{ { 5200, 5800 }, 0, 3, { { 2000, 3000 }, { 5000, 6000 }, { 8000, 9000 } } },
		{ { 8000, 8001 }, 0, 3, { { 2000, 3000 }, { 5000, 6000 }, { 8000, 9000 } } },
	};

	run_merge_cases(cases, ARRAY_SIZE(cases));
}

static void
test_tcp_sack_block_spanning_the_wrap_merges_with_neighbours(void)
{
	struct dp_tcp_sack_sb sb;
	struct dp_tcp_sack_blk low = { 0xFFFFF800, 0xFFFFFC00 };
	struct dp_tcp_sack_blk high = { 0x200, 0x400 };
	struct dp_tcp_sack_blk mid = { 0xFFFFFC00, 0x200 };

	dp_tcp_sack_sb_reset(&sb);
	CU_ASSERT_EQUAL(dp_tcp_sack_sb_update(&sb, 0xFFFFF000, 0x1000, &high, 1), 0x200);
	CU_ASSERT_EQUAL(dp_tcp_sack_sb_update(&sb, 0xFFFFF000, 0x1000, &low, 1), 0x400);
	CU_ASSERT_EQUAL(sb.blk[0].start, 0xFFFFF800);
	CU_ASSERT_EQUAL(dp_tcp_sack_sb_update(&sb, 0xFFFFF000, 0x1000, &mid, 1), 0x600);
	CU_ASSERT_EQUAL(sb.n, 1);
	CU_ASSERT_EQUAL(sb.blk[0].start, 0xFFFFF800);
	CU_ASSERT_EQUAL(sb.blk[0].end, 0x400);
	CU_ASSERT_EQUAL(sb.sacked_bytes, 0xC00);
	CU_ASSERT_EQUAL(sb.high_sacked, 0x400);
	dp_tcp_sack_sb_ack(&sb, 0x100);
	CU_ASSERT_EQUAL(sb.blk[0].start, 0x100);
	CU_ASSERT_EQUAL(sb.sacked_bytes, 0x300);
	CU_ASSERT_TRUE(dp_tcp_sack_sb_is_sacked(&sb, 0x100, 0x300));
}

/* ---- update(): validation and D-SACK ---------------------------------- */

/** One option applied with snd_una = base + una, snd_nxt = base + 10000. */
struct reject_case {
	uint32_t una;
	struct off_blk blk;
};

static void
run_reject_cases(const struct reject_case *c, size_t n)
{
	for (size_t b = 0; b < ARRAY_SIZE(bases); b++) {
		for (size_t i = 0; i < n; i++) {
			struct dp_tcp_sack_sb sb;

			dp_tcp_sack_sb_reset(&sb);
			CU_ASSERT_EQUAL(sb_option(&sb, bases[b], c[i].una, 10000, &c[i].blk, 1), 0);
			CU_ASSERT_EQUAL(sb.n, 0);
			CU_ASSERT_EQUAL(sb.sacked_bytes, 0);
			CU_ASSERT_EQUAL(sb.invalid_count, 1);
			CU_ASSERT_EQUAL(sb.dsack_count, 0);
		}
	}
}

static void
test_tcp_sack_blocks_outside_the_window_are_ignored_and_counted(void)
{
	static const struct reject_case cases[] = {
		{ 1000, { 11000, 12000 } }, /* wholly above snd_nxt */
		{ 1000, { 9500, 10500 } }, /* straddles snd_nxt */
		{ 1000, { 500, 1500 } }, /* straddles snd_una: not at or below it */
		{ 1000, { 10000, 10001 } }, /* starts at snd_nxt */
	};

	run_reject_cases(cases, ARRAY_SIZE(cases));
}

static void
test_tcp_sack_empty_or_inverted_block_is_ignored_and_counted(void)
{
	static const struct reject_case cases[] = {
		{ 1000, { 3000, 3000 } }, /* empty */
		{ 1000, { 4000, 3000 } }, /* inverted */
		{ 1000, { 500, 500 } }, /* empty below snd_una is no D-SACK either */
		{ 1000, { 900, 500 } }, /* inverted below snd_una */
	};

	run_reject_cases(cases, ARRAY_SIZE(cases));
}

static void
test_tcp_sack_block_below_snd_una_after_the_first_is_invalid(void)
{
	static const struct off_blk opt[] = { { 2000, 3000 }, { 200, 800 } };

	for (size_t b = 0; b < ARRAY_SIZE(bases); b++) {
		struct dp_tcp_sack_sb sb;

		dp_tcp_sack_sb_reset(&sb);
		CU_ASSERT_EQUAL(sb_option(&sb, bases[b], 1000, 10000, opt, 2), 1000);
		assert_board(&sb, bases[b], opt, 1);
		CU_ASSERT_EQUAL(sb.invalid_count, 1);
		CU_ASSERT_EQUAL(sb.dsack_count, 0);
	}
}

static void
test_tcp_sack_blocks_beyond_option_max_are_ignored_and_counted(void)
{
	for (size_t b = 0; b < ARRAY_SIZE(bases); b++) {
		struct off_blk opt[DP_TCP_SACK_OPT_MAX + 1];
		struct dp_tcp_sack_sb sb;

		for (uint32_t k = 0; k <= DP_TCP_SACK_OPT_MAX; k++)
			opt[k] = (struct off_blk){ 1000 * (k + 1), 1000 * (k + 1) + 100 };
		dp_tcp_sack_sb_reset(&sb);
		CU_ASSERT_EQUAL(sb_option(&sb, bases[b], 0, 10000, opt, DP_TCP_SACK_OPT_MAX + 1),
				DP_TCP_SACK_OPT_MAX * 100);
		assert_board(&sb, bases[b], opt, DP_TCP_SACK_OPT_MAX);
		CU_ASSERT_EQUAL(sb.invalid_count, 1);
	}
}

/**
 * One option applied to a board, snd_una = base + una, snd_nxt = base +
 * 20000; D-SACK and invalid counts and the resulting board.
 */
struct dsack_case {
	const struct board *start;
	uint32_t una;
	uint32_t n_opt;
	struct off_blk opt[3];
	uint32_t added;
	uint32_t dsack;
	uint32_t n;
	struct off_blk exp[2];
};

static void
run_dsack_cases(const struct dsack_case *c, size_t n)
{
	for (size_t b = 0; b < ARRAY_SIZE(bases); b++) {
		for (size_t i = 0; i < n; i++) {
			struct dp_tcp_sack_sb sb;

			sb_build(&sb, bases[b], 20000, c[i].start);
			CU_ASSERT_EQUAL(sb_option(&sb, bases[b], c[i].una, 20000, c[i].opt,
						  c[i].n_opt),
					c[i].added);
			assert_board(&sb, bases[b], c[i].exp, c[i].n);
			CU_ASSERT_EQUAL(sb.dsack_count, c[i].dsack);
			CU_ASSERT_EQUAL(sb.invalid_count, 0);
		}
	}
}

/** {[6000,9000)}: the block a D-SACK inside the second block refers to. */
static const struct board board_dsack = { 1, { { 6000, 9000 } } };

static void
test_tcp_sack_dsack_first_block_below_snd_una_is_counted_not_added(void)
{
	static const struct dsack_case cases[] = {
		/* RFC 2883 §4.1.1: a duplicate below the cumulative ACK */
		{ &board_empty, 5000, 2, { { 3000, 4000 }, { 8000, 9000 } }, 1000, 1, 1,
		  { { 8000, 9000 } } },
		/* ending exactly at snd_una */
		{ &board_empty, 5000, 2, { { 4000, 5000 }, { 8000, 9000 } }, 1000, 1, 1,
		  { { 8000, 9000 } } },
		/* alone in the option */
		{ &board_empty, 5000, 1, { { 3000, 4000 } }, 0, 1, 0, { { 0, 0 } } },
	};

	run_dsack_cases(cases, ARRAY_SIZE(cases));
}

static void
test_tcp_sack_dsack_first_block_inside_the_second_is_counted(void)
{
	static const struct dsack_case cases[] = {
		/* RFC 2883 §4.1.3: a duplicate inside an already SACKed block */
		{ &board_dsack, 0, 2, { { 7000, 8000 }, { 6000, 9000 } }, 0, 1, 1,
		  { { 6000, 9000 } } },
		/* equal to the second block */
		{ &board_dsack, 0, 2, { { 6000, 9000 }, { 6000, 9000 } }, 0, 1, 1,
		  { { 6000, 9000 } } },
		/* the second block itself brings news and is merged */
		{ &board_dsack, 0, 2, { { 7000, 8000 }, { 6000, 10000 } }, 1000, 1, 1,
		  { { 6000, 10000 } } },
		/* the blocks after the D-SACK are merged */
		{ &board_dsack, 0, 3, { { 6000, 7000 }, { 6000, 9000 }, { 12000, 13000 } }, 1000, 1,
		  2, { { 6000, 9000 }, { 12000, 13000 } } },
	};

	run_dsack_cases(cases, ARRAY_SIZE(cases));
}

static void
test_tcp_sack_first_block_not_inside_the_second_is_no_dsack(void)
{
	static const struct dsack_case cases[] = {
		/* overlaps the second block without being inside it */
		{ &board_dsack, 0, 2, { { 5000, 6500 }, { 6000, 9000 } }, 1000, 0, 1,
		  { { 5000, 9000 } } },
		/* inside the third block only: RFC 2883 §4 names the second */
		{ &board_dsack, 0, 3, { { 7000, 7500 }, { 1000, 2000 }, { 6000, 9000 } }, 1000, 0,
		  2, { { 1000, 2000 }, { 6000, 9000 } } },
		/* alone and above snd_una: an ordinary SACK */
		{ &board_dsack, 0, 1, { { 9000, 9500 } }, 500, 0, 1, { { 6000, 9500 } } },
	};

	run_dsack_cases(cases, ARRAY_SIZE(cases));
}

/* ---- ack() ------------------------------------------------------------ */

static void
test_tcp_sack_ack_drops_ranges_below_and_trims_a_straddling_one(void)
{
	static const struct board start = { 3, { { 2000, 3000 }, { 5000, 6000 }, { 8000, 9000 } } };
	static const struct {
		uint32_t una;
		uint32_t n;
		struct off_blk exp[3];
	} cases[] = {
		{ 1000, 3, { { 2000, 3000 }, { 5000, 6000 }, { 8000, 9000 } } },
		{ 2000, 3, { { 2000, 3000 }, { 5000, 6000 }, { 8000, 9000 } } },
		{ 2500, 3, { { 2500, 3000 }, { 5000, 6000 }, { 8000, 9000 } } },
		{ 3000, 2, { { 5000, 6000 }, { 8000, 9000 } } },
		{ 5500, 2, { { 5500, 6000 }, { 8000, 9000 } } },
		{ 8999, 1, { { 8999, 9000 } } },
		{ 9000, 0, { { 0, 0 } } },
		{ 20000, 0, { { 0, 0 } } },
	};

	for (size_t b = 0; b < ARRAY_SIZE(bases); b++) {
		for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
			struct dp_tcp_sack_sb sb;

			sb_build(&sb, bases[b], 20000, &start);
			dp_tcp_sack_sb_ack(&sb, bases[b] + cases[i].una);
			assert_board(&sb, bases[b], cases[i].exp, cases[i].n);
		}
	}
}

static void
test_tcp_sack_update_forgets_ranges_below_its_snd_una(void)
{
	static const struct board start = { 2, { { 2000, 3000 }, { 5000, 6000 } } };
	static const struct off_blk opt[] = { { 8000, 9000 } };
	static const struct off_blk exp[] = { { 2500, 3000 }, { 5000, 6000 }, { 8000, 9000 } };

	for (size_t b = 0; b < ARRAY_SIZE(bases); b++) {
		struct dp_tcp_sack_sb sb;

		sb_build(&sb, bases[b], 20000, &start);
		CU_ASSERT_EQUAL(sb_option(&sb, bases[b], 2500, 20000, opt, 1), 1000);
		assert_board(&sb, bases[b], exp, 3);
	}
}

/* ---- overflow --------------------------------------------------------- */

/** Range k of a full board: [1000 + 2000k, 2000 + 2000k). */
static struct off_blk
full_range(uint32_t k)
{
	return (struct off_blk){ 1000 + 2000 * k, 2000 + 2000 * k };
}

/** A board of DP_TCP_SACK_SB_MAX ranges full_range(0..MAX-1), snd_nxt = base + 40000. */
static void
sb_build_full(struct dp_tcp_sack_sb *sb, uint32_t base)
{
	struct off_blk r[DP_TCP_SACK_SB_MAX];

	for (uint32_t k = 0; k < DP_TCP_SACK_SB_MAX; k++)
		r[k] = full_range(k);
	sb_build_blks(sb, base, 40000, r, DP_TCP_SACK_SB_MAX);
}

static void
test_tcp_sack_overflow_evicts_the_lowest_range_for_a_higher_one(void)
{
	for (size_t b = 0; b < ARRAY_SIZE(bases); b++) {
		struct off_blk add = full_range(DP_TCP_SACK_SB_MAX);
		struct off_blk exp[DP_TCP_SACK_SB_MAX];
		struct dp_tcp_sack_sb sb;

		for (uint32_t k = 0; k < DP_TCP_SACK_SB_MAX; k++)
			exp[k] = full_range(k + 1);
		sb_build_full(&sb, bases[b]);
		CU_ASSERT_EQUAL(sb_option(&sb, bases[b], 0, 40000, &add, 1), 1000);
		assert_board(&sb, bases[b], exp, DP_TCP_SACK_SB_MAX);
	}
}

static void
test_tcp_sack_overflow_keeps_a_new_range_above_the_lowest(void)
{
	for (size_t b = 0; b < ARRAY_SIZE(bases); b++) {
		struct off_blk add = { 2200, 2400 };
		struct off_blk exp[DP_TCP_SACK_SB_MAX];
		struct dp_tcp_sack_sb sb;

		exp[0] = add;
		for (uint32_t k = 1; k < DP_TCP_SACK_SB_MAX; k++)
			exp[k] = full_range(k);
		sb_build_full(&sb, bases[b]);
		CU_ASSERT_EQUAL(sb_option(&sb, bases[b], 0, 40000, &add, 1), 200);
		assert_board(&sb, bases[b], exp, DP_TCP_SACK_SB_MAX);
	}
}

static void
test_tcp_sack_overflow_forgets_a_new_range_below_all(void)
{
	for (size_t b = 0; b < ARRAY_SIZE(bases); b++) {
		struct off_blk add = { 200, 400 };
		struct off_blk exp[DP_TCP_SACK_SB_MAX];
		struct dp_tcp_sack_sb sb;

		for (uint32_t k = 0; k < DP_TCP_SACK_SB_MAX; k++)
			exp[k] = full_range(k);
		sb_build_full(&sb, bases[b]);
		/* reported as news, but not kept: it would be the lowest range */
		CU_ASSERT_EQUAL(sb_option(&sb, bases[b], 0, 40000, &add, 1), 200);
		assert_board(&sb, bases[b], exp, DP_TCP_SACK_SB_MAX);
	}
}

static void
test_tcp_sack_merge_on_a_full_board_evicts_nothing(void)
{
	for (size_t b = 0; b < ARRAY_SIZE(bases); b++) {
		struct off_blk add = { 2000, 3000 };
		struct off_blk exp[DP_TCP_SACK_SB_MAX - 1];
		struct dp_tcp_sack_sb sb;

		exp[0] = (struct off_blk){ 1000, 4000 };
		for (uint32_t k = 1; k < DP_TCP_SACK_SB_MAX - 1; k++)
			exp[k] = full_range(k + 1);
		sb_build_full(&sb, bases[b]);
		CU_ASSERT_EQUAL(sb_option(&sb, bases[b], 0, 40000, &add, 1), 1000);
		assert_board(&sb, bases[b], exp, DP_TCP_SACK_SB_MAX - 1);
	}
}

/* ---- is_sacked() ------------------------------------------------------ */

static void
test_tcp_sack_is_sacked_needs_every_byte(void)
{
	static const struct board start = { 2, { { 2000, 3000 }, { 5000, 6000 } } };
	static const struct {
		uint32_t seq;
		uint32_t len;
		bool sacked;
	} cases[] = {
		{ 2000, 1000, true }, /* a whole range */
		{ 2200, 500, true }, /* inside */
		{ 2999, 1, true }, /* last byte */
		{ 5000, 1000, true }, /* the other range */
		{ 1999, 2, false }, /* one byte before */
		{ 2500, 501, false }, /* one byte past */
		{ 3000, 1, false }, /* first byte of the hole */
		{ 2500, 3000, false }, /* across the hole into the next range */
		{ 1000, 500, false }, /* below everything */
		{ 2000, 0x80000000, false }, /* longer than any range */
	};

	for (size_t b = 0; b < ARRAY_SIZE(bases); b++) {
		for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
			struct dp_tcp_sack_sb sb;

			sb_build(&sb, bases[b], 20000, &start);
			CU_ASSERT_EQUAL(dp_tcp_sack_sb_is_sacked(&sb, bases[b] + cases[i].seq,
								 cases[i].len),
					cases[i].sacked);
		}
	}
}

/* ---- is_lost() -------------------------------------------------------- */

struct lost_case {
	const struct board *bd;
	uint32_t mss;
	uint32_t seq;
	bool lost;
};

static void
run_lost_cases(const struct lost_case *c, size_t n)
{
	for (size_t b = 0; b < ARRAY_SIZE(bases); b++) {
		for (size_t i = 0; i < n; i++) {
			struct dp_tcp_sack_sb sb;

			sb_build(&sb, bases[b], 20000, c[i].bd);
			CU_ASSERT_EQUAL(dp_tcp_sack_sb_is_lost(&sb, bases[b] + c[i].seq, c[i].mss),
					c[i].lost);
		}
	}
}

static void
test_tcp_sack_is_lost_by_three_discontiguous_ranges(void)
{
	/* 300 bytes SACKed in all, far below 2 * MSS: only the count decides. */
	static const struct board small3 = {
		3, { { 2000, 2100 }, { 3000, 3100 }, { 4000, 4100 } }
	};
	static const struct board small2 = { 2, { { 2000, 2100 }, { 3000, 3100 } } };
	static const struct lost_case cases[] = {
		{ &small3, MSS, 1000, true }, /* three ranges above */
		{ &small3, MSS, 1999, true }, /* last byte of the lowest hole */
		{ &small3, MSS, 2100, false }, /* two ranges above */
		{ &small3, MSS, 3500, false }, /* one range above */
		{ &small3, MSS, 4100, false }, /* nothing above */
		{ &small2, MSS, 1000, false }, /* two ranges are not enough */
	};

	run_lost_cases(cases, ARRAY_SIZE(cases));
}

static void
test_tcp_sack_is_lost_by_more_than_two_mss_sacked_above(void)
{
	static const struct board over1 = { 1, { { 2000, 4001 } } };
	static const struct board exact1 = { 1, { { 2000, 4000 } } };
	static const struct board over2 = { 2, { { 2000, 3000 }, { 4000, 5001 } } };
	static const struct board exact2 = { 2, { { 2000, 3000 }, { 4000, 5000 } } };
	static const struct board half_over = { 1, { { 2000, 3001 } } };
	static const struct lost_case cases[] = {
		{ &over1, MSS, 1000, true }, /* 2001 bytes above */
		{ &over1, MSS, 1999, true },
		{ &exact1, MSS, 1000, false }, /* exactly 2 * MSS is not more */
		{ &over2, MSS, 1000, true }, /* 1000 + 1001 in two ranges */
		{ &exact2, MSS, 1000, false }, /* 1000 + 1000 */
		{ &over2, MSS, 3500, false }, /* only the 1001 above counts */
		{ &half_over, 500, 1000, true }, /* 1001 > 2 * 500 */
		{ &board_one, 500, 1000, false }, /* 1000 == 2 * 500 */
	};

	run_lost_cases(cases, ARRAY_SIZE(cases));
}

/* ---- pipe() ----------------------------------------------------------- */

struct pipe_case {
	const struct board *bd;
	uint32_t nxt;
	uint32_t high_rxt;
	uint32_t pipe;
};

static void
run_pipe_cases(const struct pipe_case *c, size_t n)
{
	for (size_t b = 0; b < ARRAY_SIZE(bases); b++) {
		for (size_t i = 0; i < n; i++) {
			uint32_t base = bases[b];
			struct dp_tcp_sack_sb sb;

			sb_build(&sb, base, c[i].nxt, c[i].bd);
			CU_ASSERT_EQUAL(dp_tcp_sack_sb_pipe(&sb, base, base + c[i].nxt,
							    base + c[i].high_rxt, MSS),
					c[i].pipe);
		}
	}
}

static void
test_tcp_sack_pipe_without_sack_is_the_flight(void)
{
	static const struct pipe_case cases[] = {
		{ &board_empty, 10000, RXT_NONE, 10000 },
		{ &board_empty, 1, RXT_NONE, 1 },
		{ &board_empty, 0, RXT_NONE, 0 },
	};

	run_pipe_cases(cases, ARRAY_SIZE(cases));
}

static void
test_tcp_sack_pipe_excludes_lost_holes_not_retransmitted(void)
{
	static const struct pipe_case cases[] = {
		/* holes [0,1000) and [2000,3000) lost; 1000 + 1000 + [8000,12000) */
		{ &board_four, 12000, RXT_NONE, 6000 },
		/* [0,3000) lost; [4000,5000) + [6000,7000) + [8000,12000) */
		{ &board_three_high, 12000, RXT_NONE, 6000 },
		/* [0,1000) lost by bytes; [4000,6000) */
		{ &board_wide, 6000, RXT_NONE, 2000 },
		/* exactly 2 * MSS SACKed: nothing lost; [0,1000) + [3000,6000) */
		{ &board_two_mss, 6000, RXT_NONE, 4000 },
		/* nothing lost, one range: [0,1000) + [2000,10000) */
		{ &board_one, 10000, RXT_NONE, 9000 },
	};

	run_pipe_cases(cases, ARRAY_SIZE(cases));
}

static void
test_tcp_sack_pipe_includes_lost_holes_retransmitted_up_to_high_rxt(void)
{
	/* board_four, snd_nxt 12000: 6000 not lost, plus unSACKed bytes <= high_rxt */
	static const struct pipe_case cases[] = {
		{ &board_four, 12000, 499, 6500 }, /* [0,500) */
		{ &board_four, 12000, 999, 7000 }, /* the whole first hole */
		{ &board_four, 12000, 1499, 7000 }, /* SACKed bytes do not count */
		{ &board_four, 12000, 2499, 7500 }, /* plus [2000,2500) */
		{ &board_four, 12000, 2999, 8000 }, /* both lost holes */
		{ &board_wide, 6000, 999, 3000 }, /* 2000 + [0,1000) */
	};

	run_pipe_cases(cases, ARRAY_SIZE(cases));
}

static void
test_tcp_sack_pipe_counts_retransmitted_unlost_bytes_twice(void)
{
	/* RFC 6675 SetPipe() (a) and (b) both apply to a byte not lost but resent. */
	static const struct pipe_case cases[] = {
		/* 6000 + lost holes 2000 + [4000,4500) again */
		{ &board_four, 12000, 4499, 8500 },
		/* everything resent: 6000 + all 8000 unSACKed bytes */
		{ &board_four, 12000, 11999, 14000 },
		/* no SACK at all, first segment resent */
		{ &board_empty, 10000, 999, 11000 },
	};

	run_pipe_cases(cases, ARRAY_SIZE(cases));
}

/* ---- next_seg() ------------------------------------------------------- */

struct seg_case {
	const struct board *bd;
	uint32_t nxt;
	uint32_t high_rxt;
	uint32_t mss;
	uint32_t seq;
	uint32_t len;
};

static void
run_seg_cases(const struct seg_case *c, size_t n, bool rule3)
{
	for (size_t b = 0; b < ARRAY_SIZE(bases); b++) {
		for (size_t i = 0; i < n; i++) {
			uint32_t base = bases[b];
			struct dp_tcp_sack_sb sb;
			uint32_t seq = 0, len = 0;

			sb_build(&sb, base, c[i].nxt, c[i].bd);
			CU_ASSERT_TRUE(dp_tcp_sack_sb_next_seg(&sb, base, base + c[i].nxt,
							       base + c[i].high_rxt, c[i].mss,
							       rule3, &seq, &len));
			CU_ASSERT_EQUAL(seq, base + c[i].seq);
			CU_ASSERT_EQUAL(len, c[i].len);
		}
	}
}

static void
run_no_seg_cases(const struct seg_case *c, size_t n, bool rule3)
{
	for (size_t b = 0; b < ARRAY_SIZE(bases); b++) {
		for (size_t i = 0; i < n; i++) {
			uint32_t base = bases[b];
			struct dp_tcp_sack_sb sb;
			uint32_t seq = 0, len = 0;

			sb_build(&sb, base, c[i].nxt, c[i].bd);
			CU_ASSERT_FALSE(dp_tcp_sack_sb_next_seg(&sb, base, base + c[i].nxt,
								base + c[i].high_rxt, c[i].mss,
								rule3, &seq, &len));
		}
	}
}

static void
test_tcp_sack_next_seg_rule1_picks_the_lowest_lost_hole_above_high_rxt(void)
{
	static const struct seg_case cases[] = {
		{ &board_four, 12000, RXT_NONE, MSS, 0, 1000 },
		{ &board_four, 12000, RXT_NONE, 300, 0, 300 }, /* capped at MSS */
		{ &board_four, 12000, 499, MSS, 500, 500 }, /* capped at the hole's end */
		{ &board_four, 12000, 999, MSS, 2000, 1000 }, /* skips [1000,2000) SACKed */
		{ &board_four, 12000, 1499, MSS, 2000, 1000 }, /* high_rxt inside a range */
		{ &board_four, 12000, 2399, MSS, 2400, 600 },
		{ &board_three_high, 12000, RXT_NONE, MSS, 0, 1000 }, /* a hole wider than MSS */
		{ &board_three_high, 12000, 999, MSS, 1000, 1000 },
		{ &board_three_high, 12000, 2499, MSS, 2500, 500 },
		{ &board_wide, 6000, RXT_NONE, 1460, 0, 1000 }, /* lost by bytes */
	};

	run_seg_cases(cases, ARRAY_SIZE(cases), false);
}

static void
test_tcp_sack_next_seg_rule1_is_false_when_nothing_is_lost(void)
{
	static const struct seg_case cases[] = {
		{ &board_empty, 10000, RXT_NONE, MSS, 0, 0 },
		{ &board_one, 10000, RXT_NONE, MSS, 0, 0 }, /* one range, 1000 bytes */
		{ &board_two_mss, 10000, RXT_NONE, MSS, 0, 0 }, /* exactly 2 * MSS */
		{ &board_four, 12000, 2999, MSS, 0, 0 }, /* lost holes all resent */
		{ &board_four, 12000, RXT_NONE, 0, 0, 0 }, /* no segment of 0 bytes */
	};

	run_no_seg_cases(cases, ARRAY_SIZE(cases), false);
}

static void
test_tcp_sack_next_seg_rule3_picks_the_lowest_unlost_hole_below_sacked_data(void)
{
	static const struct seg_case cases[] = {
		{ &board_four, 12000, 2999, MSS, 4000, 1000 },
		{ &board_four, 12000, 4499, MSS, 4500, 500 }, /* above high_rxt */
		{ &board_four, 12000, 4999, MSS, 6000, 1000 }, /* skips [5000,6000) SACKed */
		{ &board_four, 12000, RXT_NONE, MSS, 4000, 1000 }, /* lost holes are rule 1's */
		{ &board_one, 10000, RXT_NONE, MSS, 0, 1000 },
		{ &board_one, 10000, RXT_NONE, 600, 0, 600 }, /* capped at MSS; 1000 <= 2 * 600 */
		{ &board_one, 10000, RXT_NONE, 1460, 0, 1000 }, /* capped at the hole's end */
	};

	run_seg_cases(cases, ARRAY_SIZE(cases), true);
}

static void
test_tcp_sack_next_seg_rule3_is_false_without_sacked_data_above(void)
{
	static const struct seg_case cases[] = {
		{ &board_empty, 10000, RXT_NONE, MSS, 0, 0 },
		{ &board_four, 12000, 6999, MSS, 0, 0 }, /* only [8000,12000) is left */
		{ &board_four, 12000, 9999, MSS, 0, 0 },
		{ &board_four, 12000, 2999, 400, 0, 0 }, /* 1000 > 2 * 400: every hole lost */
	};

	run_no_seg_cases(cases, ARRAY_SIZE(cases), true);
}

/* ---- lost-retransmission log ---------------------------------------- */

static void
test_tcp_sack_sacked_above_counts_only_bytes_at_or_above(void)
{
	for (size_t b = 0; b < ARRAY_SIZE(bases); b++) {
		struct dp_tcp_sack_sb sb;
		uint32_t base = bases[b];

		sb_build(&sb, base, 9000, &board_four);
		CU_ASSERT_EQUAL(dp_tcp_sack_sb_sacked_above(&sb, base), 4000);
		CU_ASSERT_EQUAL(dp_tcp_sack_sb_sacked_above(&sb, base + 3500), 2500);
		CU_ASSERT_EQUAL(dp_tcp_sack_sb_sacked_above(&sb, base + 5000), 2000);
		CU_ASSERT_EQUAL(dp_tcp_sack_sb_sacked_above(&sb, base + 8000), 0);
	}
}

static void
test_tcp_sack_rxt_lost_after_dupthresh_segments_sacked_above_its_mark(void)
{
	for (size_t b = 0; b < ARRAY_SIZE(bases); b++) {
		struct dp_tcp_sack_sb sb;
		struct dp_tcp_rxt_log log = { 0 };
		struct off_blk two[] = { { 1000, 3000 }, { 10000, 12000 } };
		struct off_blk three[] = { { 1000, 3000 }, { 10000, 13000 } };
		uint32_t base = bases[b], seq = 0, len = 0;

		/* [0,1000) resent while SND.MAX was base + 10000. */
		dp_tcp_rxt_add(&log, base, base + 1000, base + 10000, 0);
		/* Data below the mark (sent before the retransmission) proves nothing. */
		sb_build(&sb, base, 14000, &board_four);
		CU_ASSERT_EQUAL(dp_tcp_rxt_update(&log, &sb, base, MSS, 0, 0, 0), 0);
		/* Two segments above the mark: still within the reordering allowance. */
		sb_build_blks(&sb, base, 14000, two, 2);
		CU_ASSERT_EQUAL(dp_tcp_rxt_update(&log, &sb, base, MSS, 0, 0, 0), 0);
		CU_ASSERT_PTR_NULL(dp_tcp_rxt_next_lost(&log, base, &seq, &len));
		CU_ASSERT_EQUAL(dp_tcp_rxt_lost_bytes(&log), 0);
		/* Three (DupThresh): lost, once. */
		sb_build_blks(&sb, base, 14000, three, 2);
		CU_ASSERT_EQUAL(dp_tcp_rxt_update(&log, &sb, base, MSS, 0, 0, 0), 1);
		CU_ASSERT_EQUAL(dp_tcp_rxt_update(&log, &sb, base, MSS, 0, 0, 0), 0);
		CU_ASSERT_PTR_NOT_NULL(dp_tcp_rxt_next_lost(&log, base, &seq, &len));
		CU_ASSERT_EQUAL(seq, base);
		CU_ASSERT_EQUAL(len, 1000);
		CU_ASSERT_EQUAL(dp_tcp_rxt_lost_bytes(&log), 1000);
		CU_ASSERT_EQUAL(log.lost_total, 1);
	}
}

static void
test_tcp_sack_rxt_entries_go_when_acked_or_sacked(void)
{
	for (size_t b = 0; b < ARRAY_SIZE(bases); b++) {
		struct dp_tcp_sack_sb sb;
		struct dp_tcp_rxt_log log = { 0 };
		struct off_blk hole2[] = { { 2000, 3000 } };
		uint32_t base = bases[b], seq = 0, len = 0;

		dp_tcp_rxt_add(&log, base, base + 1000, base + 9000, 0);
		dp_tcp_rxt_add(&log, base + 2000, base + 3000, base + 9000, 0);
		dp_tcp_rxt_add(&log, base + 4000, base + 5000, base + 9000, 0);
		/* The second is SACKed, the first is cumulatively acknowledged. */
		sb_build_blks(&sb, base, 9000, hole2, 1);
		dp_tcp_sack_sb_ack(&sb, base + 1000);
		CU_ASSERT_EQUAL(dp_tcp_rxt_update(&log, &sb, base + 1000, MSS, 0, 0, 0), 0);
		CU_ASSERT_EQUAL_FATAL(log.n, 1);
		CU_ASSERT_EQUAL(log.e[0].start, base + 4000);
		/* An ACK inside an entry trims it; next_lost returns only what is unacknowledged. */
		log.e[0].lost = 1;
		CU_ASSERT_PTR_NOT_NULL(dp_tcp_rxt_next_lost(&log, base + 4500, &seq, &len));
		CU_ASSERT_EQUAL(seq, base + 4500);
		CU_ASSERT_EQUAL(len, 500);
	}
}

static void
test_tcp_sack_rxt_log_full_forgets_the_oldest(void)
{
	struct dp_tcp_rxt_log log = { 0 };

	for (uint32_t i = 0; i < DP_TCP_RXT_LOG_MAX + 3; i++)
		dp_tcp_rxt_add(&log, 1000 * i, 1000 * i + 1000, 100000, 0);
	CU_ASSERT_EQUAL(log.n, DP_TCP_RXT_LOG_MAX);
	CU_ASSERT_EQUAL(log.e[0].start, 3000);
	CU_ASSERT_EQUAL(log.e[DP_TCP_RXT_LOG_MAX - 1].start, 1000 * (DP_TCP_RXT_LOG_MAX + 2));
	dp_tcp_rxt_reset(&log);
	CU_ASSERT_EQUAL(log.n, 0);
}

/* RFC 8985 §6.1: transmit times of new data, per burst, in sequence order. */
static void
test_tcp_sack_xmit_ring_dates_bytes_by_burst(void)
{
	struct dp_tcp_xmit_ring r = { 0 };
	uint64_t us = 0;

	CU_ASSERT_FALSE(dp_tcp_xmit_time(&r, 100, &us));
	dp_tcp_xmit_add(&r, 1000, 10);
	dp_tcp_xmit_add(&r, 2000, 10); /* the same instant: one burst */
	dp_tcp_xmit_add(&r, 3000, 20);
	dp_tcp_xmit_add(&r, 2500, 30); /* not new data: ignored */
	CU_ASSERT_EQUAL(r.n, 2);
	CU_ASSERT_TRUE(dp_tcp_xmit_time(&r, 1999, &us));
	CU_ASSERT_EQUAL(us, 10);
	CU_ASSERT_TRUE(dp_tcp_xmit_time(&r, 2000, &us));
	CU_ASSERT_EQUAL(us, 20);
	CU_ASSERT_FALSE(dp_tcp_xmit_time(&r, 3000, &us));
	/* Acknowledged bursts go; a burst partly acknowledged stays. */
	dp_tcp_xmit_ack(&r, 2500);
	CU_ASSERT_EQUAL(r.n, 1);
	CU_ASSERT_TRUE(dp_tcp_xmit_time(&r, 2500, &us));
	CU_ASSERT_EQUAL(us, 20);
	/* Full: the newest burst absorbs the next ones (dated earlier: the safe side). */
	for (uint32_t i = 1; i <= DP_TCP_XMIT_RING_MAX + 5; i++)
		dp_tcp_xmit_add(&r, 3000 + 1000 * i, 20 + i);
	CU_ASSERT_EQUAL(r.n, DP_TCP_XMIT_RING_MAX);
	CU_ASSERT_TRUE(dp_tcp_xmit_time(&r, 3000 + 1000 * (DP_TCP_XMIT_RING_MAX + 4), &us));
	CU_ASSERT_EQUAL(us, 20 + DP_TCP_XMIT_RING_MAX - 1);
	/* Sequence wrap. */
	dp_tcp_xmit_reset(&r);
	dp_tcp_xmit_add(&r, UINT32_MAX - 99, 5);
	dp_tcp_xmit_add(&r, 900, 6);
	CU_ASSERT_TRUE(dp_tcp_xmit_time(&r, 10, &us));
	CU_ASSERT_EQUAL(us, 6);
}

/* RFC 8985 §6.2: a delivered retransmission proves earlier ones lost, past reo_wnd. */
static void
test_tcp_sack_rxt_lost_by_time_order(void)
{
	struct dp_tcp_rxt_log log = { 0 };
	struct dp_tcp_sack_blk b = { 2000, 3000 };
	struct dp_tcp_sack_sb sb;

	dp_tcp_sack_sb_reset(&sb);
	dp_tcp_rxt_add(&log, 1000, 2000, 50000, 100);
	dp_tcp_rxt_add(&log, 2000, 3000, 50000, 150); /* 50 µs later */
	dp_tcp_sack_sb_update(&sb, 1000, 50000, &b, 1);
	/* Delivered sooner than min_RTT (100 µs) after it left: the original, proves nothing. */
	CU_ASSERT_EQUAL(dp_tcp_rxt_update(&log, &sb, 1000, MSS, 200, 100, 25), 0);
	CU_ASSERT_EQUAL(log.n, 1);
	CU_ASSERT_EQUAL(log.rack_xmit_us, 0);
	/* Again, with a later retransmission delivered in time: reo_wnd 60 µs > 50 µs. */
	dp_tcp_rxt_add(&log, 2000, 3000, 50000, 150);
	CU_ASSERT_EQUAL(dp_tcp_rxt_update(&log, &sb, 1000, MSS, 400, 100, 60), 0);
	CU_ASSERT_EQUAL(log.rack_xmit_us, 150);
	/* reo_wnd 50 µs: lost. */
	CU_ASSERT_EQUAL(dp_tcp_rxt_update(&log, &sb, 1000, MSS, 400, 100, 50), 1);
	CU_ASSERT_EQUAL(log.lost_by_time, 1);
}

static CU_TestInfo tcp_sack_tests[] = {
	{ "reset_empties_the_scoreboard", test_tcp_sack_reset_empties_the_scoreboard },
	{ "single_block_is_recorded", test_tcp_sack_single_block_is_recorded },
	{ "block_at_the_window_edges_is_accepted",
	  test_tcp_sack_block_at_the_window_edges_is_accepted },
	{ "disjoint_blocks_are_kept_sorted", test_tcp_sack_disjoint_blocks_are_kept_sorted },
	{ "overlapping_and_adjacent_blocks_merge",
	  test_tcp_sack_overlapping_and_adjacent_blocks_merge },
	{ "block_covering_several_ranges_merges_them",
	  test_tcp_sack_block_covering_several_ranges_merges_them },
	{ "duplicate_block_adds_no_bytes", test_tcp_sack_duplicate_block_adds_no_bytes },
	{ "block_spanning_the_wrap_merges_with_neighbours",
	  test_tcp_sack_block_spanning_the_wrap_merges_with_neighbours },
	{ "blocks_outside_the_window_are_ignored_and_counted",
	  test_tcp_sack_blocks_outside_the_window_are_ignored_and_counted },
	{ "empty_or_inverted_block_is_ignored_and_counted",
	  test_tcp_sack_empty_or_inverted_block_is_ignored_and_counted },
	{ "block_below_snd_una_after_the_first_is_invalid",
	  test_tcp_sack_block_below_snd_una_after_the_first_is_invalid },
	{ "blocks_beyond_option_max_are_ignored_and_counted",
	  test_tcp_sack_blocks_beyond_option_max_are_ignored_and_counted },
	{ "dsack_first_block_below_snd_una_is_counted_not_added",
	  test_tcp_sack_dsack_first_block_below_snd_una_is_counted_not_added },
	{ "dsack_first_block_inside_the_second_is_counted",
	  test_tcp_sack_dsack_first_block_inside_the_second_is_counted },
	{ "first_block_not_inside_the_second_is_no_dsack",
	  test_tcp_sack_first_block_not_inside_the_second_is_no_dsack },
	{ "ack_drops_ranges_below_and_trims_a_straddling_one",
	  test_tcp_sack_ack_drops_ranges_below_and_trims_a_straddling_one },
	{ "update_forgets_ranges_below_its_snd_una",
	  test_tcp_sack_update_forgets_ranges_below_its_snd_una },
	{ "overflow_evicts_the_lowest_range_for_a_higher_one",
	  test_tcp_sack_overflow_evicts_the_lowest_range_for_a_higher_one },
	{ "overflow_keeps_a_new_range_above_the_lowest",
	  test_tcp_sack_overflow_keeps_a_new_range_above_the_lowest },
	{ "overflow_forgets_a_new_range_below_all",
	  test_tcp_sack_overflow_forgets_a_new_range_below_all },
	{ "merge_on_a_full_board_evicts_nothing",
	  test_tcp_sack_merge_on_a_full_board_evicts_nothing },
	{ "is_sacked_needs_every_byte", test_tcp_sack_is_sacked_needs_every_byte },
	{ "is_lost_by_three_discontiguous_ranges",
	  test_tcp_sack_is_lost_by_three_discontiguous_ranges },
	{ "is_lost_by_more_than_two_mss_sacked_above",
	  test_tcp_sack_is_lost_by_more_than_two_mss_sacked_above },
	{ "pipe_without_sack_is_the_flight", test_tcp_sack_pipe_without_sack_is_the_flight },
	{ "pipe_excludes_lost_holes_not_retransmitted",
	  test_tcp_sack_pipe_excludes_lost_holes_not_retransmitted },
	{ "pipe_includes_lost_holes_retransmitted_up_to_high_rxt",
	  test_tcp_sack_pipe_includes_lost_holes_retransmitted_up_to_high_rxt },
	{ "pipe_counts_retransmitted_unlost_bytes_twice",
	  test_tcp_sack_pipe_counts_retransmitted_unlost_bytes_twice },
	{ "next_seg_rule1_picks_the_lowest_lost_hole_above_high_rxt",
	  test_tcp_sack_next_seg_rule1_picks_the_lowest_lost_hole_above_high_rxt },
	{ "next_seg_rule1_is_false_when_nothing_is_lost",
	  test_tcp_sack_next_seg_rule1_is_false_when_nothing_is_lost },
	{ "next_seg_rule3_picks_the_lowest_unlost_hole_below_sacked_data",
	  test_tcp_sack_next_seg_rule3_picks_the_lowest_unlost_hole_below_sacked_data },
	{ "next_seg_rule3_is_false_without_sacked_data_above",
	  test_tcp_sack_next_seg_rule3_is_false_without_sacked_data_above },
	{ "sacked_above_counts_only_bytes_at_or_above",
	  test_tcp_sack_sacked_above_counts_only_bytes_at_or_above },
	{ "rxt_lost_after_dupthresh_segments_sacked_above_its_mark",
	  test_tcp_sack_rxt_lost_after_dupthresh_segments_sacked_above_its_mark },
	{ "rxt_entries_go_when_acked_or_sacked", test_tcp_sack_rxt_entries_go_when_acked_or_sacked },
	{ "rxt_lost_by_time_order", test_tcp_sack_rxt_lost_by_time_order },
	{ "xmit_ring_dates_bytes_by_burst", test_tcp_sack_xmit_ring_dates_bytes_by_burst },
	{ "rxt_log_full_forgets_the_oldest", test_tcp_sack_rxt_log_full_forgets_the_oldest },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_tcp_sack = {
	.pName = "dataplane/tcp_sack",
	.pTests = tcp_sack_tests,
};
