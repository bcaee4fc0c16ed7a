/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Tests of the SPSC ring: geometry, full/empty, wraparound, backpressure,
 * hostile indices, and two threads passing 10^7 messages with a checksum.
 *
 * The cross-process test (a real shared mapping between two processes) is in
 * test_ipc_shm.c, next to the segment it uses.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "common/ipc/ipc_ring.h"
#include "tests/suites.h"

#define T_SLOTS 8u
#define T_SLOT_SIZE 64u

static void *ring_mem;
static size_t ring_len;
static struct ipc_ring *ring;
static struct ipc_ring_prod prod;
static struct ipc_ring_cons cons;

static int
ring_setup_geom(uint32_t nslots, uint32_t slot_size)
{
	ring_len = ipc_ring_mem_size(nslots, slot_size);
	if (ring_len == 0 || posix_memalign(&ring_mem, CHIVE_CACHE_LINE, ring_len) != 0)
		return -1;
	ring = ring_mem;
	if (ipc_ring_init(ring, ring_len, nslots, slot_size) != 0 ||
	    ipc_ring_prod_init(&prod, ring, ring_len) != 0 ||
	    ipc_ring_cons_init(&cons, ring, ring_len) != 0)
		return -1;
	return 0;
}

static void
setup(void)
{
	CU_ASSERT_FATAL(ring_setup_geom(T_SLOTS, T_SLOT_SIZE) == 0);
}

static void
teardown(void)
{
	free(ring_mem);
	ring_mem = NULL;
}

/* Push a message whose first 8 bytes are @v. */
static int
push_u64(uint64_t v)
{
	return ipc_ring_push(&prod, &v, sizeof(v));
}

static uint64_t
pop_u64(int *rc)
{
	uint8_t buf[T_SLOT_SIZE];
	uint64_t v = 0;

	*rc = ipc_ring_pop(&cons, buf, sizeof(buf));
	memcpy(&v, buf, sizeof(v));
	return v;
}

static void
test_ring_mem_size_rejects_bad_geometry(void)
{
	CU_ASSERT_EQUAL(ipc_ring_mem_size(0, 64), 0);
	CU_ASSERT_EQUAL(ipc_ring_mem_size(6, 64), 0);
	CU_ASSERT_EQUAL(ipc_ring_mem_size(8, 0), 0);
	CU_ASSERT_EQUAL(ipc_ring_mem_size(8, 12), 0);
	CU_ASSERT_EQUAL(ipc_ring_mem_size(8, IPC_RING_MAX_SLOT_SIZE + 8), 0);
	CU_ASSERT_EQUAL(ipc_ring_mem_size(IPC_RING_MAX_SLOTS * 2, 64), 0);
	CU_ASSERT_EQUAL(ipc_ring_mem_size(8, 64), sizeof(struct ipc_ring) + 8 * 64);
}

static void
test_ring_init_rejects_short_memory(void)
{
	CU_ASSERT_EQUAL(ipc_ring_init(ring_mem, ring_len - 1, T_SLOTS, T_SLOT_SIZE), -EINVAL);
}

static void
test_ring_handle_rejects_corrupt_geometry(void)
{
	struct ipc_ring_prod p;

	ring->nslots = 6;
	CU_ASSERT_EQUAL(ipc_ring_prod_init(&p, ring, ring_len), -EINVAL);
	ring->nslots = T_SLOTS * 2; /* valid power of two, but larger than the memory */
	CU_ASSERT_EQUAL(ipc_ring_prod_init(&p, ring, ring_len), -EINVAL);
}

static void
test_ring_push_pop_preserves_order(void)
{
	int rc;

	for (uint64_t i = 1; i <= 5; i++)
		CU_ASSERT_EQUAL(push_u64(i * 111), 0);
	for (uint64_t i = 1; i <= 5; i++) {
		CU_ASSERT_EQUAL(pop_u64(&rc), i * 111);
		CU_ASSERT_EQUAL(rc, (int)T_SLOT_SIZE);
	}
}

static void
test_ring_pop_on_empty_returns_eagain(void)
{
	int rc;

	pop_u64(&rc);
	CU_ASSERT_EQUAL(rc, -EAGAIN);
	CU_ASSERT_EQUAL(ipc_ring_cons_count(&cons), 0);
}

static void
test_ring_push_larger_than_slot_is_emsgsize(void)
{
	uint8_t big[T_SLOT_SIZE + 1] = { 0 };

	CU_ASSERT_EQUAL(ipc_ring_push(&prod, big, sizeof(big)), -EMSGSIZE);
	CU_ASSERT_EQUAL(ipc_ring_cons_count(&cons), 0);
	CU_ASSERT_EQUAL(ipc_ring_full_count(ring), 0);
}

static void
test_ring_push_zeroes_rest_of_slot(void)
{
	uint8_t buf[T_SLOT_SIZE], zero[T_SLOT_SIZE - 8] = { 0 };
	uint8_t junk[T_SLOT_SIZE];
	int rc;

	/* Fill every slot with junk, drain, then push short messages: no junk may remain. */
	memset(junk, 0xa5, sizeof(junk));
	for (uint32_t i = 0; i < T_SLOTS; i++)
		CU_ASSERT_EQUAL(ipc_ring_push(&prod, junk, sizeof(junk)), 0);
	for (uint32_t i = 0; i < T_SLOTS; i++)
		pop_u64(&rc);
	CU_ASSERT_EQUAL(push_u64(7), 0);
	CU_ASSERT_EQUAL(ipc_ring_pop(&cons, buf, sizeof(buf)), (int)T_SLOT_SIZE);
	CU_ASSERT_EQUAL(memcmp(buf + 8, zero, sizeof(zero)), 0);
}

static void
test_ring_full_then_push_fails_and_is_counted(void)
{
	for (uint64_t i = 0; i < T_SLOTS; i++)
		CU_ASSERT_EQUAL(push_u64(i), 0);
	CU_ASSERT_EQUAL(ipc_ring_cons_count(&cons), T_SLOTS);
	CU_ASSERT_EQUAL(push_u64(99), -ENOBUFS);
	CU_ASSERT_EQUAL(push_u64(98), -ENOBUFS);
	CU_ASSERT_EQUAL(ipc_ring_full_count(ring), 2);
	CU_ASSERT_EQUAL(ipc_ring_cons_count(&cons), T_SLOTS);
}

/* Fill to capacity, one more fails and is counted, drain k, exactly k more fit. */
static void
test_ring_backpressure_drain_k_accepts_exactly_k(void)
{
	const uint32_t k = 3;
	int rc;

	for (uint64_t i = 0; i < T_SLOTS; i++)
		CU_ASSERT_EQUAL_FATAL(push_u64(i), 0);
	CU_ASSERT_EQUAL(push_u64(1000), -ENOBUFS);
	CU_ASSERT_EQUAL(ipc_ring_full_count(ring), 1);
	for (uint64_t i = 0; i < k; i++)
		CU_ASSERT_EQUAL(pop_u64(&rc), i);
	for (uint64_t i = 0; i < k; i++)
		CU_ASSERT_EQUAL(push_u64(100 + i), 0);
	CU_ASSERT_EQUAL(push_u64(2000), -ENOBUFS);
	CU_ASSERT_EQUAL(ipc_ring_full_count(ring), 2);
	/* Order survives: the T_SLOTS - k old ones, then the k new ones. */
	for (uint64_t i = k; i < T_SLOTS; i++)
		CU_ASSERT_EQUAL(pop_u64(&rc), i);
	for (uint64_t i = 0; i < k; i++)
		CU_ASSERT_EQUAL(pop_u64(&rc), 100 + i);
	pop_u64(&rc);
	CU_ASSERT_EQUAL(rc, -EAGAIN);
}

/* Free-running 32-bit indices wrap past UINT32_MAX without losing a message. */
static void
test_ring_index_wraparound(void)
{
	const uint32_t start = UINT32_MAX - 2;
	int rc;

	atomic_store(&ring->head, start);
	atomic_store(&ring->tail, start);
	CU_ASSERT_FATAL(ipc_ring_prod_init(&prod, ring, ring_len) == 0);
	CU_ASSERT_FATAL(ipc_ring_cons_init(&cons, ring, ring_len) == 0);
	for (uint64_t round = 0; round < 3; round++) {
		for (uint64_t i = 0; i < T_SLOTS; i++)
			CU_ASSERT_EQUAL(push_u64(round * 100 + i), 0);
		CU_ASSERT_EQUAL(push_u64(9999), -ENOBUFS);
		for (uint64_t i = 0; i < T_SLOTS; i++)
			CU_ASSERT_EQUAL(pop_u64(&rc), round * 100 + i);
	}
	/* 24 messages after UINT32_MAX - 2: the indices wrapped to 21. */
	CU_ASSERT_EQUAL(atomic_load(&ring->head), start + 3 * T_SLOTS);
	CU_ASSERT_EQUAL(atomic_load(&ring->head), 21u);
	CU_ASSERT_EQUAL(atomic_load(&ring->tail), 21u);
}

static void
test_ring_reserve_gives_partial_burst_when_nearly_full(void)
{
	uint32_t idx, n;

	for (uint64_t i = 0; i < T_SLOTS - 3; i++)
		CU_ASSERT_EQUAL(push_u64(i), 0);
	n = ipc_ring_prod_reserve(&prod, 8, &idx);
	CU_ASSERT_EQUAL(n, 3);
	CU_ASSERT_EQUAL(idx, T_SLOTS - 3);
	ipc_ring_prod_submit(&prod, n);
	CU_ASSERT_EQUAL(ipc_ring_prod_reserve(&prod, 1, &idx), 0);
	CU_ASSERT_EQUAL(ipc_ring_cons_peek(&cons, 64, &idx), T_SLOTS);
}

/*
 * A consumer index moved outside the window by a broken peer makes the ring
 * full, not unsafe. (The producer re-reads the shared tail only when its
 * cached copy says the ring is full, so fill it first.)
 */
static void
test_ring_corrupt_tail_reads_as_full(void)
{
	for (uint64_t i = 0; i < T_SLOTS; i++)
		CU_ASSERT_EQUAL_FATAL(push_u64(i), 0);
	atomic_store(&ring->tail, T_SLOTS + 5); /* "ahead" of head: impossible */
	CU_ASSERT_EQUAL(push_u64(1), -ENOBUFS);
	CU_ASSERT_EQUAL(ipc_ring_full_count(ring), 1);
	atomic_store(&ring->tail, 12345);
	CU_ASSERT_EQUAL(push_u64(2), -ENOBUFS);
	CU_ASSERT_EQUAL(ipc_ring_full_count(ring), 2);
}

/* A producer index moved outside the window makes the ring empty, not unsafe. */
static void
test_ring_corrupt_head_reads_as_empty(void)
{
	uint32_t idx;

	atomic_store(&ring->head, 12345);
	CU_ASSERT_EQUAL(ipc_ring_cons_peek(&cons, 4, &idx), 0);
}

/* Two threads, 10^7 messages through a 1024-slot ring, checksummed. */
#define T_THREAD_MSGS 10000000u

struct thread_msg {
	uint64_t seq;
	uint64_t val;
};

static void *
producer_main(void *arg)
{
	struct ipc_ring_prod *p = arg;
	uint64_t x = 0x9e3779b97f4a7c15u;

	for (uint64_t seq = 0; seq < T_THREAD_MSGS; seq++) {
		struct thread_msg m;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		m.seq = seq;
		m.val = x;
		while (ipc_ring_push(p, &m, sizeof(m)) != 0)
			; /* full: the consumer is behind; retry the same message */
	}
	return NULL;
}

static void
test_ring_two_threads_pass_ten_million_messages(void)
{
	uint64_t expect = 0, got = 0, x = 0x9e3779b97f4a7c15u, next = 0, out_of_order = 0;
	struct ipc_ring_prod tp;
	pthread_t th;

	teardown();
	CU_ASSERT_FATAL(ring_setup_geom(1024, 16) == 0);
	tp = prod;
	for (uint64_t i = 0; i < T_THREAD_MSGS; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		expect += x * (i + 1);
	}
	CU_ASSERT_FATAL(pthread_create(&th, NULL, producer_main, &tp) == 0);
	while (next < T_THREAD_MSGS) {
		uint32_t idx, n = ipc_ring_cons_peek(&cons, 64, &idx);

		for (uint32_t i = 0; i < n; i++) {
			struct thread_msg m;

			memcpy(&m, ipc_ring_cons_slot(&cons, idx + i), sizeof(m));
			out_of_order += m.seq != next;
			got += m.val * (next + 1);
			next++;
		}
		ipc_ring_cons_release(&cons, n);
	}
	pthread_join(th, NULL);
	CU_ASSERT_EQUAL(out_of_order, 0);
	CU_ASSERT_EQUAL(got, expect);
	CU_ASSERT_EQUAL(ipc_ring_cons_count(&cons), 0);
}

static CU_TestInfo ipc_ring_tests[] = {
	{ "mem_size_rejects_bad_geometry", test_ring_mem_size_rejects_bad_geometry },
	{ "init_rejects_short_memory", test_ring_init_rejects_short_memory },
	{ "handle_rejects_corrupt_geometry", test_ring_handle_rejects_corrupt_geometry },
	{ "push_pop_preserves_order", test_ring_push_pop_preserves_order },
	{ "pop_on_empty_returns_eagain", test_ring_pop_on_empty_returns_eagain },
	{ "push_larger_than_slot_is_emsgsize", test_ring_push_larger_than_slot_is_emsgsize },
	{ "push_zeroes_rest_of_slot", test_ring_push_zeroes_rest_of_slot },
	{ "full_then_push_fails_and_is_counted", test_ring_full_then_push_fails_and_is_counted },
	{ "backpressure_drain_k_accepts_exactly_k", test_ring_backpressure_drain_k_accepts_exactly_k },
	{ "index_wraparound", test_ring_index_wraparound },
	{ "reserve_gives_partial_burst_when_nearly_full",
	  test_ring_reserve_gives_partial_burst_when_nearly_full },
	{ "corrupt_tail_reads_as_full", test_ring_corrupt_tail_reads_as_full },
	{ "corrupt_head_reads_as_empty", test_ring_corrupt_head_reads_as_empty },
	{ "two_threads_pass_ten_million_messages", test_ring_two_threads_pass_ten_million_messages },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_ipc_ring = {
	.pName = "common/ipc_ring",
	.pSetUpFunc = setup,
	.pTearDownFunc = teardown,
	.pTests = ipc_ring_tests,
};
