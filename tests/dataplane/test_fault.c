/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief drivers/fault: seeded drop, duplicate, reorder and delay over real mbufs.
 *
 * Packets carry a 32-bit tag at offset 0 and a payload derived from it, so
 * tests can follow each packet and check copies byte for byte. Time is a
 * virtual clock in µs passed by the test. Every test checks that the mbuf
 * pool's free count is restored, so nothing leaks through holds, copies or
 * drops.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include <CUnit/CUnit.h>

#include "drivers/fault.h"
#include "tests/harness/eal_fixture.h"
#include "tests/suites.h"

#define PKT_LEN 64
#define TAGS_MAX 12000

/* Two instances for comparisons; static because each is ~36 KiB. */
static struct drv_fault fa, fb;
static uint32_t tags_a[TAGS_MAX], tags_b[TAGS_MAX];
/* A clone pool of 4 mbufs, for the empty-pool case. */
static struct rte_mempool *tiny_pool;

static struct rte_mbuf *
pkt_new(uint32_t tag)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(eal_fixture_pool());
	uint8_t *p;

	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	if (m == NULL) /* unreachable after FATAL; keeps -Wnull-dereference quiet */
		return NULL;
	p = (uint8_t *)rte_pktmbuf_append(m, PKT_LEN);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	if (p == NULL)
		return NULL;
	for (uint32_t i = 0; i < PKT_LEN; i++)
		p[i] = (uint8_t)(tag * 7 + i);
	memcpy(p, &tag, sizeof(tag));
	return m;
}

static uint32_t
pkt_tag(const struct rte_mbuf *m)
{
	uint32_t tag;

	memcpy(&tag, rte_pktmbuf_mtod(m, const uint8_t *), sizeof(tag));
	return tag;
}

/* Record the tags of pkts[0 .. n) at out[*n_out ..] and free the mbufs. */
static void
collect(struct rte_mbuf **pkts, uint16_t n, uint32_t *out, uint32_t *n_out)
{
	for (uint16_t i = 0; i < n; i++) {
		if (*n_out < TAGS_MAX)
			out[*n_out] = pkt_tag(pkts[i]);
		(*n_out)++;
		rte_pktmbuf_free(pkts[i]);
	}
}

/*
 * Push @p n_pkts tagged packets through @p f in bursts of @p burst (room
 * for @p cap), draining after each as a polling loop does, the clock
 * advancing 10 µs per burst; then drain everything.
 * Returns the number of packets delivered; their tags go to @p out.
 */
static uint32_t
run(struct drv_fault *f, uint32_t n_pkts, uint16_t burst, uint16_t cap, uint32_t *out)
{
	struct rte_mbuf *pkts[256];
	uint32_t sent = 0, n_out = 0;
	uint64_t now = 0;
	uint16_t n;

	CU_ASSERT_FATAL(cap <= 256 && burst <= cap);
	while (sent < n_pkts) {
		uint16_t k = (uint16_t)RTE_MIN((uint32_t)burst, n_pkts - sent);

		for (uint16_t i = 0; i < k; i++)
			pkts[i] = pkt_new(sent + i);
		sent += k;
		n = drv_fault_apply(f, pkts, k, cap, now);
		CU_ASSERT(n <= cap);
		collect(pkts, n, out, &n_out);
		n = drv_fault_drain(f, pkts, cap, now);
		collect(pkts, n, out, &n_out);
		now += 10;
	}
	/* Past every delay and reorder timeout: everything held is due. */
	now += 10 * 1000 * 1000;
	while ((n = drv_fault_drain(f, pkts, cap, now)) != 0)
		collect(pkts, n, out, &n_out);
	CU_ASSERT_EQUAL(f->n_held, 0);
	return n_out;
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

static int
suite_init(void)
{
	tiny_pool = rte_pktmbuf_pool_create("fault_tiny", 4, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
					    (int)rte_socket_id());
	return tiny_pool == NULL ? -1 : 0;
}

static int
suite_cleanup(void)
{
	rte_mempool_free(tiny_pool);
	return 0;
}

static void
teardown(void)
{
	drv_fault_fini(&fa);
	drv_fault_fini(&fb);
}

static void
test_fault_same_seed_same_pattern(void)
{
	const struct drv_fault_conf c = {
		.seed = 42, .drop_ppm = 50000, .dup_ppm = 50000, .reorder_ppm = 50000,
		.delay_us = 20, .delay_jitter_us = 15,
	};
	struct drv_fault_conf c2 = c;
	unsigned int avail = rte_mempool_avail_count(eal_fixture_pool());
	uint32_t na, nb;

	CU_ASSERT_EQUAL_FATAL(drv_fault_init(&fa, &c, eal_fixture_pool()), 0);
	CU_ASSERT_EQUAL_FATAL(drv_fault_init(&fb, &c, eal_fixture_pool()), 0);
	na = run(&fa, 5000, 32, 64, tags_a);
	nb = run(&fb, 5000, 32, 64, tags_b);
	CU_ASSERT_EQUAL(na, nb);
	CU_ASSERT_FATAL(na <= TAGS_MAX);
	CU_ASSERT_EQUAL(memcmp(tags_a, tags_b, na * sizeof(tags_a[0])), 0);
	CU_ASSERT_EQUAL(fa.dropped, fb.dropped);
	CU_ASSERT_EQUAL(fa.duplicated, fb.duplicated);
	CU_ASSERT_EQUAL(fa.reordered, fb.reordered);
	CU_ASSERT(fa.dropped > 0 && fa.duplicated > 0 && fa.reordered > 0);
	CU_ASSERT_EQUAL(na, 5000 - fa.dropped + fa.duplicated);

	/* Another seed gives another pattern. */
	c2.seed = 43;
	CU_ASSERT_EQUAL_FATAL(drv_fault_init(&fb, &c2, eal_fixture_pool()), 0);
	nb = run(&fb, 5000, 32, 64, tags_b);
	CU_ASSERT(na != nb || memcmp(tags_a, tags_b, na * sizeof(tags_a[0])) != 0);
	CU_ASSERT_EQUAL(rte_mempool_avail_count(eal_fixture_pool()), avail);
}

static void
test_fault_disabled_is_pass_through(void)
{
	const struct drv_fault_conf c = { .seed = 7 };
	struct rte_mbuf *pkts[8];

	CU_ASSERT_EQUAL_FATAL(drv_fault_init(&fa, &c, NULL), 0);
	CU_ASSERT_FALSE(fa.enabled);
	for (uint32_t i = 0; i < 8; i++)
		pkts[i] = pkt_new(i);
	CU_ASSERT_EQUAL(drv_fault_apply(&fa, pkts, 8, 8, 0), 8);
	for (uint32_t i = 0; i < 8; i++) {
		CU_ASSERT_EQUAL(pkt_tag(pkts[i]), i);
		rte_pktmbuf_free(pkts[i]);
	}
	CU_ASSERT_EQUAL(drv_fault_drain(&fa, pkts, 8, 1000), 0);
}

static void
test_fault_drop_zero_drops_nothing(void)
{
	const struct drv_fault_conf c = { .seed = 1, .drop_ppm = 0, .reorder_ppm = 100000 };
	uint32_t n;

	CU_ASSERT_EQUAL_FATAL(drv_fault_init(&fa, &c, NULL), 0);
	n = run(&fa, 3000, 32, 32, tags_a);
	CU_ASSERT_EQUAL(n, 3000);
	CU_ASSERT_EQUAL(fa.dropped, 0);
	CU_ASSERT(fa.reordered > 0);
}

static void
test_fault_drop_all_counts_and_frees(void)
{
	const struct drv_fault_conf c = { .seed = 9, .drop_ppm = DRV_FAULT_PPM };
	unsigned int avail = rte_mempool_avail_count(eal_fixture_pool());

	CU_ASSERT_EQUAL_FATAL(drv_fault_init(&fa, &c, NULL), 0);
	CU_ASSERT_EQUAL(run(&fa, 3200, 32, 32, tags_a), 0);
	CU_ASSERT_EQUAL(fa.dropped, 3200);
	CU_ASSERT_EQUAL(rte_mempool_avail_count(eal_fixture_pool()), avail);
}

/*
 * 1% of 100,000: expect 1000 with a standard deviation of about 31.5;
 * ±150 is about 4.7 sigma. The seed makes the count exact: 979 here.
 */
static void
test_fault_drop_rate_matches_ppm(void)
{
	const struct drv_fault_conf c = { .seed = 2024, .drop_ppm = 10000 };
	uint32_t n;

	CU_ASSERT_EQUAL_FATAL(drv_fault_init(&fa, &c, NULL), 0);
	n = run(&fa, 100000, 32, 32, tags_a);
	CU_ASSERT_EQUAL(n + fa.dropped, 100000);
	CU_ASSERT_EQUAL(fa.dropped, 979);
	CU_ASSERT(fa.dropped >= 850 && fa.dropped <= 1150);
}

static void
test_fault_dup_copies_are_identical(void)
{
	const struct drv_fault_conf c = { .seed = 3, .dup_ppm = DRV_FAULT_PPM };
	unsigned int avail = rte_mempool_avail_count(eal_fixture_pool());
	struct rte_mbuf *pkts[16];
	uint16_t n;

	CU_ASSERT_EQUAL_FATAL(drv_fault_init(&fa, &c, eal_fixture_pool()), 0);
	for (uint32_t i = 0; i < 8; i++)
		pkts[i] = pkt_new(100 + i);
	n = drv_fault_apply(&fa, pkts, 8, 16, 0);
	CU_ASSERT_EQUAL_FATAL(n, 16);
	CU_ASSERT_EQUAL(fa.duplicated, 8);
	for (uint16_t i = 0; i < 16; i += 2) {
		CU_ASSERT_EQUAL(pkt_tag(pkts[i]), 100 + i / 2);
		CU_ASSERT_PTR_NOT_EQUAL(pkts[i], pkts[i + 1]);
		CU_ASSERT_EQUAL(pkts[i]->pkt_len, pkts[i + 1]->pkt_len);
		CU_ASSERT_EQUAL(memcmp(rte_pktmbuf_mtod(pkts[i], const void *),
				       rte_pktmbuf_mtod(pkts[i + 1], const void *), PKT_LEN),
				0);
	}
	for (uint16_t i = 0; i < n; i++)
		rte_pktmbuf_free(pkts[i]);
	CU_ASSERT_EQUAL(rte_mempool_avail_count(eal_fixture_pool()), avail);
}

/* With no spare room the copies wait, due at once, and drain returns them. */
static void
test_fault_dup_without_room_waits_for_drain(void)
{
	const struct drv_fault_conf c = { .seed = 3, .dup_ppm = DRV_FAULT_PPM };
	struct rte_mbuf *pkts[8];

	CU_ASSERT_EQUAL_FATAL(drv_fault_init(&fa, &c, eal_fixture_pool()), 0);
	for (uint32_t i = 0; i < 8; i++)
		pkts[i] = pkt_new(i);
	CU_ASSERT_EQUAL(drv_fault_apply(&fa, pkts, 8, 8, 0), 8);
	for (uint32_t i = 0; i < 8; i++) {
		CU_ASSERT_EQUAL(pkt_tag(pkts[i]), i);
		rte_pktmbuf_free(pkts[i]);
	}
	CU_ASSERT_EQUAL(fa.n_held, 8);
	CU_ASSERT_EQUAL(drv_fault_drain(&fa, pkts, 8, 0), 8);
	for (uint32_t i = 0; i < 8; i++) {
		CU_ASSERT_EQUAL(pkt_tag(pkts[i]), i);
		rte_pktmbuf_free(pkts[i]);
	}
	CU_ASSERT_EQUAL(fa.n_held, 0);
}

static void
test_fault_dup_pool_empty_skips_and_counts(void)
{
	const struct drv_fault_conf c = { .seed = 3, .dup_ppm = DRV_FAULT_PPM };
	struct rte_mbuf *hog[4], *pkts[8];

	CU_ASSERT_EQUAL_FATAL(rte_pktmbuf_alloc_bulk(tiny_pool, hog, 4), 0);
	CU_ASSERT_EQUAL_FATAL(drv_fault_init(&fa, &c, tiny_pool), 0);
	for (uint32_t i = 0; i < 4; i++)
		pkts[i] = pkt_new(i);
	CU_ASSERT_EQUAL(drv_fault_apply(&fa, pkts, 4, 8, 0), 4);
	CU_ASSERT_EQUAL(fa.dup_nomem, 4);
	CU_ASSERT_EQUAL(fa.duplicated, 0);
	for (uint32_t i = 0; i < 4; i++) {
		CU_ASSERT_EQUAL(pkt_tag(pkts[i]), i);
		rte_pktmbuf_free(pkts[i]);
	}
	for (uint32_t i = 0; i < 4; i++)
		rte_pktmbuf_free(hog[i]);
}

static void
test_fault_reorder_delivers_each_once(void)
{
	const struct drv_fault_conf c = { .seed = 5, .reorder_ppm = 200000 };
	uint32_t n, inversions = 0, bad = 0;

	CU_ASSERT_EQUAL_FATAL(drv_fault_init(&fa, &c, NULL), 0);
	n = run(&fa, 2000, 16, 32, tags_a);
	CU_ASSERT_EQUAL_FATAL(n, 2000);
	for (uint32_t i = 1; i < n; i++)
		inversions += tags_a[i] < tags_a[i - 1];
	CU_ASSERT(inversions > 0);
	CU_ASSERT(fa.reordered > 0);
	qsort(tags_a, n, sizeof(tags_a[0]), cmp_u32);
	for (uint32_t i = 0; i < n; i++)
		bad += tags_a[i] != i;
	CU_ASSERT_EQUAL(bad, 0);
}

/*
 * With spare room in each burst, a reordered packet goes out after 1 to
 * DRV_FAULT_REORDER_GAP_MAX later ones (more only when reordered packets
 * overlap).
 */
static void
test_fault_reorder_is_bounded(void)
{
	const struct drv_fault_conf c = { .seed = 11, .reorder_ppm = 100000 };
	uint32_t n, late = 0, far = 0;

	CU_ASSERT_EQUAL_FATAL(drv_fault_init(&fa, &c, NULL), 0);
	n = run(&fa, 2000, 32, 40, tags_a);
	CU_ASSERT_EQUAL_FATAL(n, 2000);
	for (uint32_t i = 0; i < n; i++) {
		late += tags_a[i] < i;
		far += tags_a[i] + 4 * DRV_FAULT_REORDER_GAP_MAX < i;
	}
	CU_ASSERT(late > 0);
	CU_ASSERT_EQUAL(far, 0);
}

static void
test_fault_delay_holds_until_due(void)
{
	const struct drv_fault_conf c = { .seed = 1, .delay_us = 200 };
	struct rte_mbuf *pkts[8];

	CU_ASSERT_EQUAL_FATAL(drv_fault_init(&fa, &c, NULL), 0);
	for (uint32_t i = 0; i < 4; i++)
		pkts[i] = pkt_new(i);
	CU_ASSERT_EQUAL(drv_fault_apply(&fa, pkts, 4, 8, 1000), 0);
	CU_ASSERT_EQUAL(fa.delayed, 4);
	CU_ASSERT_EQUAL(fa.n_held, 4);
	CU_ASSERT_EQUAL(drv_fault_drain(&fa, pkts, 8, 1199), 0);
	CU_ASSERT_EQUAL_FATAL(drv_fault_drain(&fa, pkts, 8, 1200), 4);
	for (uint32_t i = 0; i < 4; i++) {
		CU_ASSERT_EQUAL(pkt_tag(pkts[i]), i);
		rte_pktmbuf_free(pkts[i]);
	}
	CU_ASSERT_EQUAL(fa.n_held, 0);
}

static void
test_fault_delay_jitter_stays_in_bounds(void)
{
	const struct drv_fault_conf c = { .seed = 8, .delay_us = 100, .delay_jitter_us = 50 };
	struct rte_mbuf *pkts[64];
	uint32_t got = 0;

	CU_ASSERT_EQUAL_FATAL(drv_fault_init(&fa, &c, NULL), 0);
	for (uint32_t i = 0; i < 64; i++)
		pkts[i] = pkt_new(i);
	CU_ASSERT_EQUAL(drv_fault_apply(&fa, pkts, 64, 64, 0), 0);
	CU_ASSERT_EQUAL(drv_fault_drain(&fa, pkts, 64, 49), 0);
	for (uint64_t t = 50; t <= 150; t++) {
		uint16_t n = drv_fault_drain(&fa, pkts, 64, t);

		got += n;
		for (uint16_t i = 0; i < n; i++)
			rte_pktmbuf_free(pkts[i]);
	}
	CU_ASSERT_EQUAL(got, 64);
	CU_ASSERT_EQUAL(fa.n_held, 0);
}

static void
test_fault_hold_full_passes_through(void)
{
	const struct drv_fault_conf c = { .seed = 1, .delay_us = 1000 };
	unsigned int avail = rte_mempool_avail_count(eal_fixture_pool());
	struct rte_mbuf *pkts[32];
	uint32_t passed = 0, n_out = 0, bad = 0;
	uint16_t n;

	CU_ASSERT_EQUAL_FATAL(drv_fault_init(&fa, &c, NULL), 0);
	for (uint32_t sent = 0; sent < DRV_FAULT_HOLD_MAX + 32; sent += 32) {
		for (uint32_t i = 0; i < 32; i++)
			pkts[i] = pkt_new(sent + i);
		n = drv_fault_apply(&fa, pkts, 32, 32, 0);
		passed += n;
		for (uint16_t i = 0; i < n; i++) {
			bad += pkt_tag(pkts[i]) != DRV_FAULT_HOLD_MAX + (uint32_t)i;
			rte_pktmbuf_free(pkts[i]);
		}
	}
	CU_ASSERT_EQUAL(passed, 32);
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL(fa.hold_full, 32);
	CU_ASSERT_EQUAL(fa.delayed, DRV_FAULT_HOLD_MAX);
	/* The held ones come out in arrival order, 32 at a time. */
	while ((n = drv_fault_drain(&fa, pkts, 32, 1000)) != 0) {
		CU_ASSERT(n <= 32);
		for (uint16_t i = 0; i < n; i++) {
			bad += pkt_tag(pkts[i]) != n_out + i;
			rte_pktmbuf_free(pkts[i]);
		}
		n_out += n;
	}
	CU_ASSERT_EQUAL(n_out, DRV_FAULT_HOLD_MAX);
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL(rte_mempool_avail_count(eal_fixture_pool()), avail);
}

static void
test_fault_fini_frees_held(void)
{
	const struct drv_fault_conf c = { .seed = 1, .delay_us = 1000, .reorder_ppm = 500000 };
	unsigned int avail = rte_mempool_avail_count(eal_fixture_pool());
	struct rte_mbuf *pkts[32];
	uint16_t n;

	CU_ASSERT_EQUAL_FATAL(drv_fault_init(&fa, &c, NULL), 0);
	for (uint32_t sent = 0; sent < 128; sent += 32) {
		for (uint32_t i = 0; i < 32; i++)
			pkts[i] = pkt_new(sent + i);
		CU_ASSERT_EQUAL(drv_fault_apply(&fa, pkts, 32, 32, 0), 0);
	}
	/* Some are now in the reorder slots, the rest still delayed. */
	n = drv_fault_drain(&fa, pkts, 8, 1000);
	for (uint16_t i = 0; i < n; i++)
		rte_pktmbuf_free(pkts[i]);
	CU_ASSERT(fa.n_reorder > 0);
	CU_ASSERT(fa.n_delay > 0);
	CU_ASSERT(rte_mempool_avail_count(eal_fixture_pool()) < avail);
	drv_fault_fini(&fa);
	CU_ASSERT_EQUAL(fa.n_held, 0);
	CU_ASSERT_EQUAL(rte_mempool_avail_count(eal_fixture_pool()), avail);
}

static void
test_fault_cap_is_respected(void)
{
	const struct drv_fault_conf c = { .seed = 1, .delay_us = 100 };
	struct rte_mbuf *pkts[16];
	uint16_t n;

	CU_ASSERT_EQUAL_FATAL(drv_fault_init(&fa, &c, NULL), 0);
	for (uint32_t sent = 0; sent < 64; sent += 16) {
		for (uint32_t i = 0; i < 16; i++)
			pkts[i] = pkt_new(sent + i);
		CU_ASSERT_EQUAL(drv_fault_apply(&fa, pkts, 16, 16, 0), 0);
	}
	/* 64 are due; a burst of 4 with room for 8 returns 8 of them and holds the 4. */
	for (uint32_t i = 0; i < 4; i++)
		pkts[i] = pkt_new(1000 + i);
	n = drv_fault_apply(&fa, pkts, 4, 8, 100);
	CU_ASSERT_EQUAL_FATAL(n, 8);
	for (uint16_t i = 0; i < n; i++) {
		CU_ASSERT_EQUAL(pkt_tag(pkts[i]), i);
		rte_pktmbuf_free(pkts[i]);
	}
	CU_ASSERT_EQUAL(fa.n_held, 64 - 8 + 4);
	CU_ASSERT_EQUAL(drv_fault_drain(&fa, pkts, 16, 100), 16);
	for (uint16_t i = 0; i < 16; i++)
		rte_pktmbuf_free(pkts[i]);
}

static void
test_fault_init_rejects_bad_conf(void)
{
	struct drv_fault_conf c = { .drop_ppm = DRV_FAULT_PPM + 1 };

	CU_ASSERT_EQUAL(drv_fault_init(&fa, &c, NULL), -EINVAL);
	c.drop_ppm = 0;
	c.dup_ppm = 1;
	CU_ASSERT_EQUAL(drv_fault_init(&fa, &c, NULL), -EINVAL);
	CU_ASSERT_EQUAL(drv_fault_init(&fa, NULL, NULL), -EINVAL);
}

static void
test_fault_parse_accepts_example(void)
{
	struct drv_fault_conf c;
	char err[128] = "";

	CU_ASSERT_EQUAL_FATAL(drv_fault_conf_parse("seed=42,drop=1%,dup=0.5%,reorder=1%,"
						   "delay=200us,jitter=50us",
						   &c, err, sizeof(err)),
			      0);
	CU_ASSERT_EQUAL(c.seed, 42);
	CU_ASSERT_EQUAL(c.drop_ppm, 10000);
	CU_ASSERT_EQUAL(c.dup_ppm, 5000);
	CU_ASSERT_EQUAL(c.reorder_ppm, 10000);
	CU_ASSERT_EQUAL(c.delay_us, 200);
	CU_ASSERT_EQUAL(c.delay_jitter_us, 50);
	CU_ASSERT_STRING_EQUAL(err, "");
}

static void
test_fault_parse_accepts_other_units(void)
{
	struct drv_fault_conf c;

	CU_ASSERT_EQUAL_FATAL(drv_fault_conf_parse("delay=1.5ms,jitter=1s,drop=250ppm,"
						   "dup=0.0001%,reorder=100%,seed=0x2a",
						   &c, NULL, 0),
			      0);
	CU_ASSERT_EQUAL(c.delay_us, 1500);
	CU_ASSERT_EQUAL(c.delay_jitter_us, 1000000);
	CU_ASSERT_EQUAL(c.drop_ppm, 250);
	CU_ASSERT_EQUAL(c.dup_ppm, 1);
	CU_ASSERT_EQUAL(c.reorder_ppm, DRV_FAULT_PPM);
	CU_ASSERT_EQUAL(c.seed, 42);
	CU_ASSERT_EQUAL_FATAL(drv_fault_conf_parse("", &c, NULL, 0), 0);
	CU_ASSERT_EQUAL(c.drop_ppm + c.dup_ppm + c.reorder_ppm + c.delay_us, 0);
}

static void
test_fault_parse_rejects_bad_items(void)
{
	static const struct {
		const char *spec;
		const char *msg;
	} bad[] = {
		{ "seed=1,foo=2", "unknown key 'foo'" },
		{ "drop=101%", "more than 100%" },
		{ "drop=abc", "not a percentage" },
		{ "delay=5parsecs", "unknown unit 'parsecs'" },
		{ "delay=5", "needs a unit" },
		{ "drop=1", "unit must be" },
		{ "drop=0.00001%", "finer than 1 ppm" },
		{ "drop=1%,drop=2%", "given twice" },
		{ "drop", "not key=value" },
		{ "drop=1%,", "trailing" },
		{ "seed=-1", "not a 64-bit integer" },
		{ "delay=5000s", "longer than" },
	};
	struct drv_fault_conf c = { .seed = 99 };
	char err[160];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		CU_ASSERT_EQUAL(drv_fault_conf_parse(bad[i].spec, &c, err, sizeof(err)), -EINVAL);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, bad[i].msg));
	}
	CU_ASSERT_EQUAL(c.seed, 99);
}

static CU_TestInfo fault_tests[] = {
	{ "same_seed_same_pattern", test_fault_same_seed_same_pattern },
	{ "disabled_is_pass_through", test_fault_disabled_is_pass_through },
	{ "drop_zero_drops_nothing", test_fault_drop_zero_drops_nothing },
	{ "drop_all_counts_and_frees", test_fault_drop_all_counts_and_frees },
	{ "drop_rate_matches_ppm", test_fault_drop_rate_matches_ppm },
	{ "dup_copies_are_identical", test_fault_dup_copies_are_identical },
	{ "dup_without_room_waits_for_drain", test_fault_dup_without_room_waits_for_drain },
	{ "dup_pool_empty_skips_and_counts", test_fault_dup_pool_empty_skips_and_counts },
	{ "reorder_delivers_each_once", test_fault_reorder_delivers_each_once },
	{ "reorder_is_bounded", test_fault_reorder_is_bounded },
	{ "delay_holds_until_due", test_fault_delay_holds_until_due },
	{ "delay_jitter_stays_in_bounds", test_fault_delay_jitter_stays_in_bounds },
	{ "hold_full_passes_through", test_fault_hold_full_passes_through },
	{ "fini_frees_held", test_fault_fini_frees_held },
	{ "cap_is_respected", test_fault_cap_is_respected },
	{ "init_rejects_bad_conf", test_fault_init_rejects_bad_conf },
	{ "parse_accepts_example", test_fault_parse_accepts_example },
	{ "parse_accepts_other_units", test_fault_parse_accepts_other_units },
	{ "parse_rejects_bad_items", test_fault_parse_rejects_bad_items },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_fault = {
	.pName = "drivers/fault",
	.pInitFunc = suite_init,
	.pCleanupFunc = suite_cleanup,
	.pTearDownFunc = teardown,
	.pTests = fault_tests,
};
