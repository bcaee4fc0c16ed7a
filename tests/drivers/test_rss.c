/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Tests of the Toeplitz hash, the RETA model and RSS-aware port choice.
 *
 * The hash is checked against Microsoft's published "Verifying the RSS Hash
 * Calculation" IPv4 and IPv4/TCP vectors (default key), which were also
 * reproduced by an independent bit-by-bit reference implementation. The
 * expected ports in the drv_rss_pick_sport() tests come from that reference
 * too: reply tuple 192.0.2.7:9001 → 10.0.0.1:sport, symmetric key,
 * 128-entry round-robin RETA over 4 queues.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "common/base/compiler.h"
#include "drivers/rss.h"
#include "tests/suites.h"

#define IP4(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

/** One row of the Microsoft IPv4 table; addresses and ports in host order. */
struct rss_ms_vector {
	uint32_t saddr;
	uint32_t daddr;
	uint16_t sport;
	uint16_t dport;
	uint32_t hash_ipv4;      /**< over saddr, daddr */
	uint32_t hash_ipv4_tcp;  /**< over saddr, daddr, sport, dport */
};

/* The MS table lists Destination before Source; the hash input is the source first. */
static const struct rss_ms_vector rss_ms_vectors[] = {
	{ IP4(66, 9, 149, 187), IP4(161, 142, 100, 80), 2794, 1766, 0x323e8fc2, 0x51ccc178 },
	{ IP4(199, 92, 111, 2), IP4(65, 69, 140, 83), 14230, 4739, 0xd718262a, 0xc626b0ea },
	{ IP4(24, 19, 198, 95), IP4(12, 22, 207, 184), 12898, 38024, 0xd2d0a5de, 0x5c2b394a },
	{ IP4(38, 27, 205, 30), IP4(209, 142, 163, 6), 48228, 2217, 0x82989176, 0xafc7327f },
	{ IP4(153, 39, 163, 191), IP4(202, 188, 127, 2), 44251, 1303, 0x5d1809c5, 0x10e828a2 },
};

/* The pick_sport scenario (see @file). */
#define PICK_LOCAL IP4(10, 0, 0, 1)
#define PICK_REMOTE IP4(192, 0, 2, 7)
#define PICK_RPORT 9001
#define PICK_LO 32768
#define PICK_HI 60999
#define PICK_N_QUEUES 4
#define PICK_RETA_SIZE 128

/** Records every port drv_rss_pick_sport() offers, and rejects some. */
struct busy_log {
	unsigned int calls;
	uint16_t ports[64];
	uint16_t reject;     /**< port to call busy, unless reject_all */
	bool reject_all;
};

static bool
busy_log_fn(void *arg, uint16_t sport)
{
	struct busy_log *log = arg;

	log->ports[log->calls % ARRAY_SIZE(log->ports)] = sport;
	log->calls++;
	return log->reject_all || sport == log->reject;
}

/** Counts calls and marks each offered port; every port is busy. */
struct busy_seen {
	unsigned int calls;
	unsigned int repeats;
	uint8_t seen[65536];
};

static bool
busy_seen_fn(void *arg, uint16_t sport)
{
	struct busy_seen *s = arg;

	s->calls++;
	s->repeats += s->seen[sport];
	s->seen[sport] = 1;
	return true;
}

static uint16_t
reply_queue(const struct drv_rss_reta *reta, uint16_t sport)
{
	return drv_rss_queue(reta, drv_rss_hash_ipv4_tcp(drv_rss_sym_key, DRV_RSS_KEY_LEN,
							 PICK_REMOTE, PICK_LOCAL, PICK_RPORT,
							 sport));
}

static void
pick_reta(struct drv_rss_reta *reta)
{
	drv_rss_reta_fill_round_robin(reta, PICK_RETA_SIZE, PICK_N_QUEUES);
}

static int
pick(const struct drv_rss_reta *reta, uint16_t want, uint16_t lo, uint16_t hi, uint16_t start,
     drv_rss_port_busy_fn *busy, void *arg, uint16_t *sport)
{
	return drv_rss_pick_sport(drv_rss_sym_key, DRV_RSS_KEY_LEN, reta, PICK_LOCAL, PICK_REMOTE,
				  PICK_RPORT, want, lo, hi, start, busy, arg, sport);
}

static uint32_t
xorshift32(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static void
test_rss_ipv4_tcp_matches_ms_vectors(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(rss_ms_vectors); i++) {
		const struct rss_ms_vector *v = &rss_ms_vectors[i];

		CU_ASSERT_EQUAL(drv_rss_hash_ipv4_tcp(drv_rss_default_key, DRV_RSS_KEY_LEN,
						      v->saddr, v->daddr, v->sport, v->dport),
				v->hash_ipv4_tcp);
	}
}

static void
test_rss_toeplitz_ipv4_only_matches_ms_vectors(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(rss_ms_vectors); i++) {
		const struct rss_ms_vector *v = &rss_ms_vectors[i];
		const uint8_t in[8] = {
			(uint8_t)(v->saddr >> 24), (uint8_t)(v->saddr >> 16),
			(uint8_t)(v->saddr >> 8), (uint8_t)v->saddr,
			(uint8_t)(v->daddr >> 24), (uint8_t)(v->daddr >> 16),
			(uint8_t)(v->daddr >> 8), (uint8_t)v->daddr,
		};

		CU_ASSERT_EQUAL(drv_rss_toeplitz(drv_rss_default_key, DRV_RSS_KEY_LEN, in,
						 sizeof(in)),
				v->hash_ipv4);
	}
}

static void
test_rss_toeplitz_empty_input_is_zero(void)
{
	CU_ASSERT_EQUAL(drv_rss_toeplitz(drv_rss_default_key, DRV_RSS_KEY_LEN, NULL, 0), 0);
}

static void
test_rss_toeplitz_key_bits_past_end_read_as_zero(void)
{
	static const uint8_t key[] = { 0x01, 0x02, 0x03, 0x04 };
	static const uint8_t msb[] = { 0x80 };
	static const uint8_t lsb[] = { 0x01 };

	CU_ASSERT_EQUAL(drv_rss_toeplitz(key, sizeof(key), msb, sizeof(msb)), 0x01020304u);
	/* Window at bit 7: key << 7 with seven zero bits shifted in. */
	CU_ASSERT_EQUAL(drv_rss_toeplitz(key, sizeof(key), lsb, sizeof(lsb)), 0x81018200u);
}

static void
test_rss_default_key_is_not_symmetric(void)
{
	const struct rss_ms_vector *v = &rss_ms_vectors[0];

	CU_ASSERT_EQUAL(drv_rss_hash_ipv4_tcp(drv_rss_default_key, DRV_RSS_KEY_LEN, v->daddr,
					      v->saddr, v->dport, v->sport),
			0xfde799b2u);
}

static void
test_rss_sym_key_is_symmetric_under_swap(void)
{
	uint32_t seed = 0x2545f491u;
	unsigned int i;

	CU_ASSERT_EQUAL(drv_rss_sym_key[0], 0x6d);
	CU_ASSERT_EQUAL(drv_rss_sym_key[1], 0x5a);
	CU_ASSERT_EQUAL(drv_rss_sym_key[DRV_RSS_KEY_LEN - 2], 0x6d);
	CU_ASSERT_EQUAL(drv_rss_sym_key[DRV_RSS_KEY_LEN - 1], 0x5a);
	for (i = 0; i < 1024; i++) {
		uint32_t a = xorshift32(&seed);
		uint32_t b = xorshift32(&seed);
		uint32_t pq = xorshift32(&seed);
		uint16_t p = (uint16_t)(pq >> 16), q = (uint16_t)pq;

		CU_ASSERT_EQUAL(drv_rss_hash_ipv4_tcp(drv_rss_sym_key, DRV_RSS_KEY_LEN, a, b, p, q),
				drv_rss_hash_ipv4_tcp(drv_rss_sym_key, DRV_RSS_KEY_LEN, b, a, q, p));
	}
}

static void
test_rss_reta_round_robin_cycles_queues(void)
{
	struct drv_rss_reta r;
	unsigned int i;

	drv_rss_reta_fill_round_robin(&r, 128, 3);
	CU_ASSERT_EQUAL(r.size, 128);
	for (i = 0; i < DRV_RSS_RETA_MAX; i++)
		CU_ASSERT_EQUAL(r.queue[i], i % 3);
}

static void
test_rss_reta_zero_queues_maps_all_to_queue_0(void)
{
	struct drv_rss_reta r;
	unsigned int i;

	drv_rss_reta_fill_round_robin(&r, 64, 0);
	for (i = 0; i < DRV_RSS_RETA_MAX; i++)
		CU_ASSERT_EQUAL(r.queue[i], 0);
}

static void
test_rss_queue_uses_low_hash_bits(void)
{
	struct drv_rss_reta r;

	drv_rss_reta_fill_round_robin(&r, 128, 4);
	r.queue[5] = 7;
	r.queue[127] = 9;
	CU_ASSERT_EQUAL(drv_rss_queue(&r, 0x00000005u), 7);
	CU_ASSERT_EQUAL(drv_rss_queue(&r, 0xffffff85u), 7);
	CU_ASSERT_EQUAL(drv_rss_queue(&r, 0xffffffffu), 9);
	CU_ASSERT_EQUAL(drv_rss_queue(&r, 0x51ccc178u), 0x78 % 4);
}

static void
test_rss_queue_masks_to_reta_max(void)
{
	struct drv_rss_reta r;

	drv_rss_reta_fill_round_robin(&r, 0, 5);
	/* size 0 breaks the invariant: the index is still below DRV_RSS_RETA_MAX. */
	CU_ASSERT_EQUAL(drv_rss_queue(&r, 0xffffffffu), (DRV_RSS_RETA_MAX - 1) % 5);
}

static void
test_rss_pick_sport_reply_lands_on_each_queue(void)
{
	struct drv_rss_reta reta;
	uint16_t q, sport;

	pick_reta(&reta);
	for (q = 0; q < PICK_N_QUEUES; q++) {
		sport = 0;
		CU_ASSERT_EQUAL(pick(&reta, q, PICK_LO, PICK_HI, PICK_LO, NULL, NULL, &sport), 0);
		CU_ASSERT(sport >= PICK_LO && sport <= PICK_HI);
		CU_ASSERT_EQUAL(reply_queue(&reta, sport), q);
	}
}

static void
test_rss_pick_sport_returns_first_match_from_start(void)
{
	static const uint16_t want_port[PICK_N_QUEUES] = { 32770, 32771, 32768, 32769 };
	struct drv_rss_reta reta;
	uint16_t q, sport;

	pick_reta(&reta);
	for (q = 0; q < PICK_N_QUEUES; q++) {
		sport = 0;
		CU_ASSERT_EQUAL(pick(&reta, q, PICK_LO, PICK_HI, PICK_LO, NULL, NULL, &sport), 0);
		CU_ASSERT_EQUAL(sport, want_port[q]);
	}
	/* From 32772 the next queue-2 port is 32775, skipping 32768 behind start. */
	CU_ASSERT_EQUAL(pick(&reta, 2, PICK_LO, PICK_HI, 32772, NULL, NULL, &sport), 0);
	CU_ASSERT_EQUAL(sport, 32775);
}

static void
test_rss_pick_sport_wraps_from_hi_to_lo(void)
{
	struct drv_rss_reta reta;
	uint16_t sport = 0;

	pick_reta(&reta);
	/* Queues of 32768..32775: 2 3 0 1 1 0 3 2; start at 32774, want 1. */
	CU_ASSERT_EQUAL(pick(&reta, 1, 32768, 32775, 32774, NULL, NULL, &sport), 0);
	CU_ASSERT_EQUAL(sport, 32771);
	CU_ASSERT_EQUAL(reply_queue(&reta, sport), 1);
}

static void
test_rss_pick_sport_start_outside_range_scans_from_lo(void)
{
	struct drv_rss_reta reta;
	uint16_t sport = 0;

	pick_reta(&reta);
	CU_ASSERT_EQUAL(pick(&reta, 2, 32768, 32775, 1024, NULL, NULL, &sport), 0);
	CU_ASSERT_EQUAL(sport, 32768);
	sport = 0;
	CU_ASSERT_EQUAL(pick(&reta, 2, 32768, 32775, 65535, NULL, NULL, &sport), 0);
	CU_ASSERT_EQUAL(sport, 32768);
}

static void
test_rss_pick_sport_visits_range_in_wrap_order(void)
{
	static const uint16_t want[] = { 1007, 1008, 1009, 1000, 1001, 1002, 1003, 1004, 1005, 1006 };
	struct busy_log log = { .reject_all = true };
	struct drv_rss_reta one;
	uint16_t sport = 0xabcd;

	drv_rss_reta_fill_round_robin(&one, 128, 1);
	CU_ASSERT_EQUAL(pick(&one, 0, 1000, 1009, 1007, busy_log_fn, &log, &sport),
			-EADDRNOTAVAIL);
	CU_ASSERT_EQUAL(log.calls, ARRAY_SIZE(want));
	CU_ASSERT_EQUAL(memcmp(log.ports, want, sizeof(want)), 0);
	CU_ASSERT_EQUAL(sport, 0xabcd);
}

static void
test_rss_pick_sport_skips_busy_ports(void)
{
	struct busy_log log = { .reject = 32770 };
	struct drv_rss_reta reta;
	uint16_t sport = 0;

	pick_reta(&reta);
	CU_ASSERT_EQUAL(pick(&reta, 0, PICK_LO, PICK_HI, PICK_LO, busy_log_fn, &log, &sport), 0);
	CU_ASSERT_EQUAL(sport, 32773);
	CU_ASSERT_EQUAL(reply_queue(&reta, sport), 0);
	/* Only ports that map to queue 0 are offered to the predicate. */
	CU_ASSERT_EQUAL(log.calls, 2);
	CU_ASSERT_EQUAL(log.ports[0], 32770);
	CU_ASSERT_EQUAL(log.ports[1], 32773);
}

static void
test_rss_pick_sport_no_port_in_range_fails(void)
{
	struct drv_rss_reta reta;
	uint16_t sport = 0xabcd;

	pick_reta(&reta);
	CU_ASSERT_EQUAL(reply_queue(&reta, 32768), 2);
	CU_ASSERT_EQUAL(pick(&reta, 0, 32768, 32768, 32768, NULL, NULL, &sport), -EADDRNOTAVAIL);
	CU_ASSERT_EQUAL(sport, 0xabcd);
}

static void
test_rss_pick_sport_single_port_range_succeeds(void)
{
	struct drv_rss_reta reta;
	uint16_t sport = 0;

	pick_reta(&reta);
	CU_ASSERT_EQUAL(pick(&reta, 2, 32768, 32768, 32768, NULL, NULL, &sport), 0);
	CU_ASSERT_EQUAL(sport, 32768);
}

static void
test_rss_pick_sport_scan_is_bounded_by_range(void)
{
	static struct busy_seen seen;
	struct drv_rss_reta one;
	uint16_t sport = 0;

	memset(&seen, 0, sizeof(seen));
	drv_rss_reta_fill_round_robin(&one, 128, 1);
	CU_ASSERT_EQUAL(pick(&one, 0, PICK_LO, PICK_HI, 45000, busy_seen_fn, &seen, &sport),
			-EADDRNOTAVAIL);
	CU_ASSERT_EQUAL(seen.calls, PICK_HI - PICK_LO + 1);
	CU_ASSERT_EQUAL(seen.repeats, 0);
	CU_ASSERT_EQUAL(seen.seen[PICK_LO - 1], 0);
	CU_ASSERT_EQUAL(seen.seen[PICK_HI + 1], 0);
}

static void
test_rss_pick_sport_full_port_space_is_bounded(void)
{
	static struct busy_seen seen;
	struct drv_rss_reta one;
	uint16_t sport = 0;

	memset(&seen, 0, sizeof(seen));
	drv_rss_reta_fill_round_robin(&one, 128, 1);
	CU_ASSERT_EQUAL(pick(&one, 0, 0, 65535, 65535, busy_seen_fn, &seen, &sport),
			-EADDRNOTAVAIL);
	CU_ASSERT_EQUAL(seen.calls, 65536);
	CU_ASSERT_EQUAL(seen.repeats, 0);
}

static void
test_rss_pick_sport_queue_absent_from_reta_fails_without_scan(void)
{
	struct busy_log log = { 0 };
	struct drv_rss_reta reta;
	uint16_t sport = 0;

	pick_reta(&reta);
	CU_ASSERT_EQUAL(pick(&reta, PICK_N_QUEUES, PICK_LO, PICK_HI, PICK_LO, busy_log_fn, &log,
			     &sport),
			-EADDRNOTAVAIL);
	CU_ASSERT_EQUAL(log.calls, 0);
}

static void
test_rss_pick_sport_rejects_bad_arguments(void)
{
	struct drv_rss_reta reta;
	uint16_t sport = 0;

	pick_reta(&reta);
	CU_ASSERT_EQUAL(pick(&reta, 0, 40000, 39999, 40000, NULL, NULL, &sport), -EINVAL);
	CU_ASSERT_EQUAL(pick(NULL, 0, PICK_LO, PICK_HI, PICK_LO, NULL, NULL, &sport), -EINVAL);
	CU_ASSERT_EQUAL(pick(&reta, 0, PICK_LO, PICK_HI, PICK_LO, NULL, NULL, NULL), -EINVAL);
	reta.size = 100;
	CU_ASSERT_EQUAL(pick(&reta, 0, PICK_LO, PICK_HI, PICK_LO, NULL, NULL, &sport), -EINVAL);
	reta.size = 0;
	CU_ASSERT_EQUAL(pick(&reta, 0, PICK_LO, PICK_HI, PICK_LO, NULL, NULL, &sport), -EINVAL);
	reta.size = 1024;
	CU_ASSERT_EQUAL(pick(&reta, 0, PICK_LO, PICK_HI, PICK_LO, NULL, NULL, &sport), -EINVAL);
}

static void
test_rss_pick_sport_sym_key_outgoing_tuple_agrees(void)
{
	struct drv_rss_reta reta;
	uint16_t q, sport;

	pick_reta(&reta);
	for (q = 0; q < PICK_N_QUEUES; q++) {
		sport = 0;
		CU_ASSERT_EQUAL(pick(&reta, q, PICK_LO, PICK_HI, 50000, NULL, NULL, &sport), 0);
		CU_ASSERT_EQUAL(drv_rss_queue(&reta, drv_rss_hash_ipv4_tcp(drv_rss_sym_key,
									   DRV_RSS_KEY_LEN,
									   PICK_LOCAL, PICK_REMOTE,
									   sport, PICK_RPORT)),
				q);
	}
}

static void
test_rss_pick_sport_hashes_reply_tuple_with_asymmetric_key(void)
{
	struct drv_rss_reta reta;
	uint16_t q, sport;

	pick_reta(&reta);
	for (q = 0; q < PICK_N_QUEUES; q++) {
		sport = 0;
		CU_ASSERT_EQUAL(drv_rss_pick_sport(drv_rss_default_key, DRV_RSS_KEY_LEN, &reta,
						   PICK_LOCAL, PICK_REMOTE, PICK_RPORT, q, PICK_LO,
						   PICK_HI, PICK_LO, NULL, NULL, &sport),
				0);
		CU_ASSERT_EQUAL(drv_rss_queue(&reta, drv_rss_hash_ipv4_tcp(drv_rss_default_key,
									   DRV_RSS_KEY_LEN,
									   PICK_REMOTE, PICK_LOCAL,
									   PICK_RPORT, sport)),
				q);
	}
}

static CU_TestInfo rss_tests[] = {
	{ "ipv4_tcp_matches_ms_vectors", test_rss_ipv4_tcp_matches_ms_vectors },
	{ "toeplitz_ipv4_only_matches_ms_vectors", test_rss_toeplitz_ipv4_only_matches_ms_vectors },
	{ "toeplitz_empty_input_is_zero", test_rss_toeplitz_empty_input_is_zero },
	{ "toeplitz_key_bits_past_end_read_as_zero",
	  test_rss_toeplitz_key_bits_past_end_read_as_zero },
	{ "default_key_is_not_symmetric", test_rss_default_key_is_not_symmetric },
	{ "sym_key_is_symmetric_under_swap", test_rss_sym_key_is_symmetric_under_swap },
	{ "reta_round_robin_cycles_queues", test_rss_reta_round_robin_cycles_queues },
	{ "reta_zero_queues_maps_all_to_queue_0", test_rss_reta_zero_queues_maps_all_to_queue_0 },
	{ "queue_uses_low_hash_bits", test_rss_queue_uses_low_hash_bits },
	{ "queue_masks_to_reta_max", test_rss_queue_masks_to_reta_max },
	{ "pick_sport_reply_lands_on_each_queue", test_rss_pick_sport_reply_lands_on_each_queue },
	{ "pick_sport_returns_first_match_from_start",
	  test_rss_pick_sport_returns_first_match_from_start },
	{ "pick_sport_wraps_from_hi_to_lo", test_rss_pick_sport_wraps_from_hi_to_lo },
	{ "pick_sport_start_outside_range_scans_from_lo",
	  test_rss_pick_sport_start_outside_range_scans_from_lo },
	{ "pick_sport_visits_range_in_wrap_order", test_rss_pick_sport_visits_range_in_wrap_order },
	{ "pick_sport_skips_busy_ports", test_rss_pick_sport_skips_busy_ports },
	{ "pick_sport_no_port_in_range_fails", test_rss_pick_sport_no_port_in_range_fails },
	{ "pick_sport_single_port_range_succeeds",
	  test_rss_pick_sport_single_port_range_succeeds },
	{ "pick_sport_scan_is_bounded_by_range", test_rss_pick_sport_scan_is_bounded_by_range },
	{ "pick_sport_full_port_space_is_bounded",
	  test_rss_pick_sport_full_port_space_is_bounded },
	{ "pick_sport_queue_absent_from_reta_fails_without_scan",
	  test_rss_pick_sport_queue_absent_from_reta_fails_without_scan },
	{ "pick_sport_rejects_bad_arguments", test_rss_pick_sport_rejects_bad_arguments },
	{ "pick_sport_sym_key_outgoing_tuple_agrees",
	  test_rss_pick_sport_sym_key_outgoing_tuple_agrees },
	{ "pick_sport_hashes_reply_tuple_with_asymmetric_key",
	  test_rss_pick_sport_hashes_reply_tuple_with_asymmetric_key },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_rss = {
	.pName = "drivers/rss",
	.pTests = rss_tests,
};
