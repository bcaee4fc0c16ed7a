/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief CUnit suite "controlplane/onionq": the onionskin queue, its workers and its
 *        overload rules.
 *
 * Timing never decides an outcome here. Tests that need jobs to stay
 * queued install a handshake hook that blocks on a gate the test opens;
 * tests about delay and age install a clock hook the test moves by hand
 * (and the gate hook can move it by a fixed step per handshake, so the
 * measured cost is exact). Waits for workers are bounded by generous
 * limits (WAIT_MS) and only fail the test when exceeded.
 */
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "common/base/compiler.h"
#include "controlplane/onion/onion.h"
#include "controlplane/onion/onion_int.h"
#include "controlplane/onion/onionq.h"
#include "tests/suites.h"

/* Longest a test waits for the workers before it gives up, ms. */
#define WAIT_MS 30000
#define MS 1000000ull

/* ---- hooks: a gate and a hand-moved clock ---- */

struct hooks {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool closed;		  /* handshakes wait while true */
	_Atomic uint64_t now;	  /* the clock, ns */
	uint64_t step_ns;	  /* added to the clock by each handshake */
	_Atomic unsigned entered; /* handshakes started */
};

static struct hooks hk;

static uint64_t
hook_clock(void *arg)
{
	struct hooks *h = arg;

	return atomic_load(&h->now);
}

static enum cp_onion_fail
hook_handshake(void *arg, const struct cp_onion_server_keys *sk, uint16_t htype,
	       const uint8_t *hdata, size_t hlen, uint8_t *reply, size_t *reply_len,
	       struct cp_onion_keys *out)
{
	struct hooks *h = arg;

	atomic_fetch_add(&h->entered, 1);
	pthread_mutex_lock(&h->lock);
	while (h->closed)
		pthread_cond_wait(&h->cond, &h->lock);
	pthread_mutex_unlock(&h->lock);
	atomic_fetch_add(&h->now, h->step_ns);
	return cp_onion_server(sk, htype, hdata, hlen, reply, reply_len, out);
}

static void
gate_set(bool closed)
{
	pthread_mutex_lock(&hk.lock);
	hk.closed = closed;
	pthread_cond_broadcast(&hk.cond);
	pthread_mutex_unlock(&hk.lock);
}

/* ---- fixture ---- */

static struct cp_onion_server_keys keys;
static struct cp_onion_peer peer;

static int
setup(void)
{
	memset(&keys, 0, sizeof(keys));
	for (int i = 0; i < 2; i++)
		if (cp_onion_x25519_keygen(keys.ntor[i].sec, keys.ntor[i].pub) != 0)
			return 1;
	keys.n_ntor = 1;
	for (int i = 0; i < 20; i++)
		keys.rsa_id[i] = (uint8_t)(0x30 + i);
	for (int i = 0; i < 32; i++)
		keys.ed_id[i] = (uint8_t)(0xa0 + i);
	memset(&peer, 0, sizeof(peer));
	memcpy(peer.rsa_id, keys.rsa_id, 20);
	memcpy(peer.ed_id, keys.ed_id, 32);
	memcpy(peer.ntor_pub, keys.ntor[0].pub, 32);
	pthread_mutex_init(&hk.lock, NULL);
	pthread_cond_init(&hk.cond, NULL);
	return 0;
}

static int
teardown(void)
{
	pthread_cond_destroy(&hk.cond);
	pthread_mutex_destroy(&hk.lock);
	return 0;
}

/* Reset the hooks: gate open, clock at 1 s, no step. */
static void
hooks_reset(void)
{
	gate_set(false);
	atomic_store(&hk.now, 1000 * MS);
	hk.step_ns = 0;
	atomic_store(&hk.entered, 0);
}

static void
conf_test(struct cp_onionq_conf *c, unsigned workers, unsigned max_pending)
{
	cp_onionq_conf_default(c);
	c->workers = workers;
	c->max_pending = max_pending;
	c->max_delay_ms = 0;
	c->delay_floor = 0;
	c->cutoff_ms = 0;
}

static void
conf_hooked(struct cp_onionq_conf *c, unsigned workers, unsigned max_pending)
{
	conf_test(c, workers, max_pending);
	hooks_reset();
	c->clock = hook_clock;
	c->handshake = hook_handshake;
	c->hook_arg = &hk;
}

/* A job for @p htype toward @p p; the client state goes to @p st. */
static void
job_make(struct cp_onionq_job *job, struct cp_onion_client *st, uint16_t htype,
	 const struct cp_onion_peer *p, uint64_t cookie)
{
	static const uint8_t none[] = {0x00};
	int n;

	memset(job, 0, sizeof(*job));
	job->cookie[0] = cookie;
	job->cookie[1] = ~cookie;
	job->htype = htype;
	n = cp_onion_client_create(st, htype, p, none, 1, job->hdata, sizeof(job->hdata));
	CU_ASSERT_FATAL(n > 0);
	job->hlen = (uint16_t)n;
}

static uint64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Collect @p n results into @p out, waiting on the eventfd; returns how many came. */
static size_t
wait_results(struct cp_onionq *q, struct cp_onionq_job *out, size_t n)
{
	uint64_t end = mono_ms() + WAIT_MS;
	size_t got = 0;

	while (got < n && mono_ms() < end) {
		struct pollfd pfd = {.fd = cp_onionq_fd(q), .events = POLLIN};

		poll(&pfd, 1, 100);
		got += cp_onionq_poll(q, out + got, n - got);
	}
	return got;
}

/* Wait until @p n handshakes have entered the hook (so a worker holds each). */
static bool
wait_entered(unsigned n)
{
	uint64_t end = mono_ms() + WAIT_MS;

	while (atomic_load(&hk.entered) < n) {
		if (mono_ms() > end)
			return false;
		usleep(1000);
	}
	return true;
}

static bool
fd_readable(int fd)
{
	struct pollfd pfd = {.fd = fd, .events = POLLIN};

	return poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLIN) != 0;
}

/* ---- tests ---- */

#define N_JOBS 48

static void
test_onionq_workers_process_jobs_correctly(void)
{
	static struct cp_onionq_job out[N_JOBS];
	static struct cp_onion_client st[N_JOBS];
	static const uint16_t htypes[3] = {WIRE_HTYPE_NTOR_V3, WIRE_HTYPE_NTOR, WIRE_HTYPE_FAST};
	struct cp_onionq_conf c;
	struct cp_onionq_stats s;
	struct cp_onionq_job job;
	struct cp_onionq *q;
	bool seen[N_JOBS] = {false};
	size_t got;

	conf_test(&c, 4, 64);
	CU_ASSERT_EQUAL_FATAL(cp_onionq_create(&c, &q), 0);
	cp_onionq_set_keys(q, &keys);
	for (uint64_t i = 0; i < N_JOBS; i++) {
		job_make(&job, &st[i], htypes[i % 3], &peer, i);
		CU_ASSERT_EQUAL(cp_onionq_submit(q, &job), 0);
	}
	got = wait_results(q, out, N_JOBS);
	CU_ASSERT_EQUAL_FATAL(got, N_JOBS);
	for (size_t k = 0; k < got; k++) {
		struct cp_onion_keys kc;
		uint64_t i = out[k].cookie[0];
		uint8_t msg[4];
		size_t msg_len;

		CU_ASSERT_FATAL(i < N_JOBS);
		CU_ASSERT_EQUAL(out[k].cookie[1], ~i);
		CU_ASSERT_FALSE(seen[i]);
		seen[i] = true;
		CU_ASSERT_EQUAL(out[k].fail, CP_ONION_OK);
		CU_ASSERT_EQUAL(out[k].htype, htypes[i % 3]);
		CU_ASSERT_EQUAL(cp_onion_client_finish(&st[i], out[k].reply, out[k].reply_len, &kc,
						       msg, sizeof(msg), &msg_len),
				0);
		CU_ASSERT_EQUAL(memcmp(&kc, &out[k].keys, sizeof(kc)), 0);
		cp_onion_client_wipe(&st[i]);
	}
	cp_onionq_stats(q, &s);
	CU_ASSERT_EQUAL(s.requested, N_JOBS);
	CU_ASSERT_EQUAL(s.succeeded, N_JOBS);
	CU_ASSERT_EQUAL(s.processed[CP_ONIONQ_HT_NTOR_V3], N_JOBS / 3);
	CU_ASSERT_EQUAL(s.processed[CP_ONIONQ_HT_NTOR], N_JOBS / 3);
	CU_ASSERT_EQUAL(s.processed[CP_ONIONQ_HT_FAST], N_JOBS / 3);
	CU_ASSERT_EQUAL(s.pending + s.in_flight + s.completed, 0);
	CU_ASSERT_EQUAL(s.dropped_full + s.dropped_delay + s.dropped_timeout, 0);
	cp_onionq_destroy(q);
}

static void
test_onionq_eventfd_readable_while_results_wait(void)
{
	struct cp_onionq_job job, out[2];
	struct cp_onion_client st;
	struct cp_onionq_conf c;
	struct cp_onionq *q;

	conf_test(&c, 1, 4);
	CU_ASSERT_EQUAL_FATAL(cp_onionq_create(&c, &q), 0);
	CU_ASSERT_FALSE(fd_readable(cp_onionq_fd(q)));
	/* CREATE_FAST is answered inline: the result is there when submit returns. */
	job_make(&job, &st, WIRE_HTYPE_FAST, NULL, 1);
	CU_ASSERT_EQUAL(cp_onionq_submit(q, &job), 0);
	CU_ASSERT_EQUAL(cp_onionq_submit(q, &job), 0);
	CU_ASSERT(fd_readable(cp_onionq_fd(q)));
	CU_ASSERT_EQUAL(cp_onionq_poll(q, out, 1), 1);
	CU_ASSERT(fd_readable(cp_onionq_fd(q)));
	CU_ASSERT_EQUAL(cp_onionq_poll(q, out, 2), 1);
	CU_ASSERT_FALSE(fd_readable(cp_onionq_fd(q)));
	CU_ASSERT_EQUAL(cp_onionq_poll(q, out, 2), 0);
	CU_ASSERT_EQUAL(out[0].fail, CP_ONION_OK);
	CU_ASSERT_EQUAL(out[0].reply_len, WIRE_CREATED_FAST_LEN);
	cp_onion_client_wipe(&st);
	cp_onionq_destroy(q);
}

static void
test_onionq_inline_htypes_answered_at_submit(void)
{
	struct cp_onionq_job job, out[2];
	struct cp_onionq_conf c;
	struct cp_onionq_stats s;
	struct cp_onionq *q;

	conf_hooked(&c, 1, 4);
	gate_set(true); /* nothing may reach a worker */
	CU_ASSERT_EQUAL_FATAL(cp_onionq_create(&c, &q), 0);
	memset(&job, 0, sizeof(job));
	job.htype = WIRE_HTYPE_TAP;
	job.hlen = 186;
	CU_ASSERT_EQUAL(cp_onionq_submit(q, &job), 0);
	job.htype = 7;
	CU_ASSERT_EQUAL(cp_onionq_submit(q, &job), 0);
	CU_ASSERT_EQUAL(cp_onionq_poll(q, out, 2), 2);
	CU_ASSERT_EQUAL(out[0].fail, CP_ONION_FAIL_HTYPE);
	CU_ASSERT_EQUAL(out[1].fail, CP_ONION_FAIL_HTYPE);
	CU_ASSERT_EQUAL(out[0].reply_len, 0);
	CU_ASSERT_EQUAL(atomic_load(&hk.entered), 0);
	cp_onionq_stats(q, &s);
	CU_ASSERT_EQUAL(s.processed[CP_ONIONQ_HT_TAP], 1);
	CU_ASSERT_EQUAL(s.processed[CP_ONIONQ_HT_OTHER], 1);
	CU_ASSERT_EQUAL(s.failed[CP_ONION_FAIL_HTYPE], 2);
	gate_set(false);
	cp_onionq_destroy(q);
}

static void
test_onionq_full_queue_refused_and_counted(void)
{
	struct cp_onionq_job job, out[8];
	struct cp_onion_client st;
	struct cp_onionq_conf c;
	struct cp_onionq_stats s;
	struct cp_onionq *q;

	conf_hooked(&c, 1, 3);
	gate_set(true);
	CU_ASSERT_EQUAL_FATAL(cp_onionq_create(&c, &q), 0);
	cp_onionq_set_keys(q, &keys);
	job_make(&job, &st, WIRE_HTYPE_NTOR_V3, &peer, 0);
	CU_ASSERT_EQUAL(cp_onionq_submit(q, &job), 0);
	CU_ASSERT_FATAL(wait_entered(1)); /* the worker holds the first */
	for (int i = 0; i < 3; i++)
		CU_ASSERT_EQUAL(cp_onionq_submit(q, &job), 0);
	CU_ASSERT_EQUAL(cp_onionq_submit(q, &job), -EAGAIN); /* 3 waiting */
	/* Every slot is taken (3 waiting + 1 held): even CREATE_FAST has no room. */
	job_make(&job, &st, WIRE_HTYPE_FAST, NULL, 9);
	CU_ASSERT_EQUAL(cp_onionq_submit(q, &job), -EAGAIN);
	cp_onionq_stats(q, &s);
	CU_ASSERT_EQUAL(s.dropped_full, 2);
	/* By type, as tor's onionskins{action="dropped"}. */
	CU_ASSERT_EQUAL(s.dropped[CP_ONIONQ_HT_NTOR_V3], 1);
	CU_ASSERT_EQUAL(s.dropped[CP_ONIONQ_HT_FAST], 1);
	CU_ASSERT_EQUAL(s.requested, 6);
	CU_ASSERT_EQUAL(s.pending, 3);
	CU_ASSERT_EQUAL(s.in_flight, 1);
	gate_set(false);
	CU_ASSERT_EQUAL(wait_results(q, out, 4), 4);
	/* Results not yet polled hold their slots; polled ones are free again. */
	CU_ASSERT_EQUAL(cp_onionq_submit(q, &job), 0);
	cp_onion_client_wipe(&st);
	cp_onionq_destroy(q);
}

static void
test_onionq_estimated_delay_refused(void)
{
	struct cp_onionq_job job, out[16];
	struct cp_onion_client st;
	struct cp_onionq_conf c;
	struct cp_onionq_stats s;
	struct cp_onionq *q;

	/* No samples yet: each waiting ntor job counts 1 ms; 5 ms allowed, one worker. */
	conf_hooked(&c, 1, 100);
	c.max_delay_ms = 5;
	gate_set(true);
	CU_ASSERT_EQUAL_FATAL(cp_onionq_create(&c, &q), 0);
	cp_onionq_set_keys(q, &keys);
	job_make(&job, &st, WIRE_HTYPE_NTOR, &peer, 0);
	CU_ASSERT_EQUAL(cp_onionq_submit(q, &job), 0);
	CU_ASSERT_FATAL(wait_entered(1));
	/* 0..5 waiting: estimate 0..5 ms, not above 5; at 6 waiting, 6 ms is. */
	for (int i = 0; i < 6; i++)
		CU_ASSERT_EQUAL(cp_onionq_submit(q, &job), 0);
	CU_ASSERT_EQUAL(cp_onionq_submit(q, &job), -EAGAIN);
	/* CREATE_FAST never waits, so the estimate does not apply to it. */
	job_make(&job, &st, WIRE_HTYPE_FAST, NULL, 1);
	CU_ASSERT_EQUAL(cp_onionq_submit(q, &job), 0);
	cp_onionq_stats(q, &s);
	CU_ASSERT_EQUAL(s.dropped_delay, 1);
	CU_ASSERT_EQUAL(s.dropped_full, 0);
	CU_ASSERT_EQUAL(s.pending, 6);
	CU_ASSERT_EQUAL(s.avg_usec[CP_ONIONQ_HT_NTOR], CP_ONIONQ_DEFAULT_USEC);
	gate_set(false);
	CU_ASSERT_EQUAL(wait_results(q, out, 8), 8);
	cp_onion_client_wipe(&st);
	cp_onionq_destroy(q);
}

/* MaxOnionQueueDelay changed while workers run (`config set`): the next submit is judged by it. */
static void
test_onionq_max_delay_changes_while_running(void)
{
	struct cp_onionq_job job, out[16];
	struct cp_onion_client st;
	struct cp_onionq_conf c;
	struct cp_onionq_stats s;
	struct cp_onionq *q;

	conf_hooked(&c, 1, 100);
	c.max_delay_ms = 0; /* never refuse for the delay */
	gate_set(true);
	CU_ASSERT_EQUAL_FATAL(cp_onionq_create(&c, &q), 0);
	cp_onionq_set_keys(q, &keys);
	job_make(&job, &st, WIRE_HTYPE_NTOR, &peer, 0);
	CU_ASSERT_EQUAL(cp_onionq_submit(q, &job), 0);
	CU_ASSERT_FATAL(wait_entered(1));
	for (int i = 0; i < 6; i++)
		CU_ASSERT_EQUAL(cp_onionq_submit(q, &job), 0);
	/* 6 waiting ntor jobs: an estimate of 6 ms, above a new limit of 5 ms. */
	cp_onionq_set_max_delay(q, 5);
	CU_ASSERT_EQUAL(cp_onionq_max_delay(q), 5);
	CU_ASSERT_EQUAL(cp_onionq_submit(q, &job), -EAGAIN);
	cp_onionq_set_max_delay(q, 0);
	CU_ASSERT_EQUAL(cp_onionq_submit(q, &job), 0);
	cp_onionq_stats(q, &s);
	CU_ASSERT_EQUAL(s.dropped_delay, 1);
	gate_set(false);
	CU_ASSERT_EQUAL(wait_results(q, out, 8), 8);
	cp_onion_client_wipe(&st);
	cp_onionq_destroy(q);
}

static void
test_onionq_delay_floor_always_has_room(void)
{
	struct cp_onionq_job job, out[24];
	struct cp_onion_client st;
	struct cp_onionq_conf c;
	struct cp_onionq *q;

	conf_hooked(&c, 1, 100);
	c.max_delay_ms = 5;
	c.delay_floor = 20; /* tor: fewer than 50 waiting, always room */
	gate_set(true);
	CU_ASSERT_EQUAL_FATAL(cp_onionq_create(&c, &q), 0);
	cp_onionq_set_keys(q, &keys);
	job_make(&job, &st, WIRE_HTYPE_NTOR, &peer, 0);
	CU_ASSERT_EQUAL(cp_onionq_submit(q, &job), 0);
	CU_ASSERT_FATAL(wait_entered(1));
	for (int i = 0; i < 20; i++)
		CU_ASSERT_EQUAL(cp_onionq_submit(q, &job), 0);
	CU_ASSERT_EQUAL(cp_onionq_submit(q, &job), -EAGAIN);
	gate_set(false);
	CU_ASSERT_EQUAL(wait_results(q, out, 21), 21);
	cp_onion_client_wipe(&st);
	cp_onionq_destroy(q);
}

static void
test_onionq_delay_uses_measured_cost(void)
{
	struct cp_onionq_job job, out[8];
	struct cp_onion_client st;
	struct cp_onionq_conf c;
	struct cp_onionq_stats s;
	struct cp_onionq *q;

	/* Each handshake moves the clock 10 ms: after 100 of them the average is exact. */
	conf_hooked(&c, 1, 100);
	hk.step_ns = 10 * MS;
	c.max_delay_ms = 25;
	CU_ASSERT_EQUAL_FATAL(cp_onionq_create(&c, &q), 0);
	cp_onionq_set_keys(q, &keys);
	job_make(&job, &st, WIRE_HTYPE_NTOR_V3, &peer, 0);
	for (int i = 0; i < CP_ONIONQ_MIN_SAMPLES; i++) {
		CU_ASSERT_EQUAL_FATAL(cp_onionq_submit(q, &job), 0);
		CU_ASSERT_EQUAL_FATAL(wait_results(q, out, 1), 1);
		CU_ASSERT_EQUAL(out[0].fail, CP_ONION_OK);
	}
	cp_onionq_stats(q, &s);
	CU_ASSERT_EQUAL(s.avg_usec[CP_ONIONQ_HT_NTOR_V3], 10000);
	CU_ASSERT_EQUAL(s.avg_usec[CP_ONIONQ_HT_NTOR], CP_ONIONQ_DEFAULT_USEC);

	atomic_store(&hk.entered, 0);
	gate_set(true);
	CU_ASSERT_EQUAL(cp_onionq_submit(q, &job), 0);
	CU_ASSERT_FATAL(wait_entered(1));
	/* 0, 1, 2 waiting: 0, 10, 20 ms; with 3 waiting, 30 ms > 25 ms. */
	for (int i = 0; i < 3; i++)
		CU_ASSERT_EQUAL(cp_onionq_submit(q, &job), 0);
	CU_ASSERT_EQUAL(cp_onionq_submit(q, &job), -EAGAIN);
	cp_onionq_stats(q, &s);
	CU_ASSERT_EQUAL(s.dropped_delay, 1);
	gate_set(false);
	CU_ASSERT_EQUAL(wait_results(q, out, 4), 4);
	cp_onion_client_wipe(&st);
	cp_onionq_destroy(q);
}

static void
test_onionq_stale_jobs_dropped_not_processed(void)
{
	struct cp_onionq_job job, out[4];
	struct cp_onion_client st;
	struct cp_onionq_conf c;
	struct cp_onionq_stats s;
	struct cp_onionq *q;

	conf_hooked(&c, 1, 8);
	c.cutoff_ms = 100;
	gate_set(true);
	CU_ASSERT_EQUAL_FATAL(cp_onionq_create(&c, &q), 0);
	cp_onionq_set_keys(q, &keys);
	job_make(&job, &st, WIRE_HTYPE_NTOR_V3, &peer, 0);
	CU_ASSERT_EQUAL(cp_onionq_submit(q, &job), 0);
	CU_ASSERT_FATAL(wait_entered(1));
	job.cookie[0] = 1;
	CU_ASSERT_EQUAL(cp_onionq_submit(q, &job), 0);
	job.cookie[0] = 2;
	CU_ASSERT_EQUAL(cp_onionq_submit(q, &job), 0);
	atomic_fetch_add(&hk.now, 200 * MS); /* both now waited 200 ms */
	gate_set(false);
	CU_ASSERT_EQUAL_FATAL(wait_results(q, out, 3), 3);
	CU_ASSERT_EQUAL(out[0].cookie[0], 0);
	CU_ASSERT_EQUAL(out[0].fail, CP_ONION_OK);
	for (int i = 1; i < 3; i++) {
		CU_ASSERT_EQUAL(out[i].cookie[0], (uint64_t)i);
		CU_ASSERT_EQUAL(out[i].fail, CP_ONIONQ_TIMEDOUT);
		CU_ASSERT_EQUAL(out[i].reply_len, 0);
		CU_ASSERT(out[i].wait_us >= 200000);
	}
	cp_onionq_stats(q, &s);
	CU_ASSERT_EQUAL(s.dropped_timeout, 2);
	CU_ASSERT_EQUAL(s.dropped[CP_ONIONQ_HT_NTOR_V3], 2);
	CU_ASSERT_EQUAL(s.processed[CP_ONIONQ_HT_NTOR_V3], 1);
	CU_ASSERT_EQUAL(atomic_load(&hk.entered), 1);
	cp_onion_client_wipe(&st);
	cp_onionq_destroy(q);
}

static void
test_onionq_stale_jobs_culled_at_submit(void)
{
	struct cp_onionq_job job, out[4];
	struct cp_onion_client st;
	struct cp_onionq_conf c;
	struct cp_onionq_stats s;
	struct cp_onionq *q;

	conf_hooked(&c, 1, 8);
	c.cutoff_ms = 100;
	gate_set(true);
	CU_ASSERT_EQUAL_FATAL(cp_onionq_create(&c, &q), 0);
	cp_onionq_set_keys(q, &keys);
	job_make(&job, &st, WIRE_HTYPE_NTOR_V3, &peer, 0);
	CU_ASSERT_EQUAL(cp_onionq_submit(q, &job), 0);
	CU_ASSERT_FATAL(wait_entered(1));
	job.cookie[0] = 1;
	CU_ASSERT_EQUAL(cp_onionq_submit(q, &job), 0);
	atomic_fetch_add(&hk.now, 150 * MS);
	job.cookie[0] = 2;
	CU_ASSERT_EQUAL(cp_onionq_submit(q, &job), 0); /* culls job 1 */
	CU_ASSERT_EQUAL(cp_onionq_poll(q, out, 4), 1);
	CU_ASSERT_EQUAL(out[0].cookie[0], 1);
	CU_ASSERT_EQUAL(out[0].fail, CP_ONIONQ_TIMEDOUT);
	cp_onionq_stats(q, &s);
	CU_ASSERT_EQUAL(s.pending, 1);
	CU_ASSERT_EQUAL(s.dropped_timeout, 1);
	gate_set(false);
	CU_ASSERT_EQUAL(wait_results(q, out, 2), 2);
	CU_ASSERT_EQUAL(out[0].fail, CP_ONION_OK);
	CU_ASSERT_EQUAL(out[1].fail, CP_ONION_OK);
	cp_onion_client_wipe(&st);
	cp_onionq_destroy(q);
}

/* Submit one job toward @p p and return its verdict. */
static int32_t
one_job(struct cp_onionq *q, uint16_t htype, const struct cp_onion_peer *p)
{
	struct cp_onionq_job job, out;
	struct cp_onion_client st;

	job_make(&job, &st, htype, p, 0);
	cp_onion_client_wipe(&st);
	CU_ASSERT_EQUAL_FATAL(cp_onionq_submit(q, &job), 0);
	CU_ASSERT_EQUAL_FATAL(wait_results(q, &out, 1), 1);
	return out.fail;
}

static void
test_onionq_set_keys_takes_effect(void)
{
	struct cp_onion_server_keys k2 = keys;
	struct cp_onion_peer peer2 = peer;
	struct cp_onionq_conf c;
	struct cp_onionq *q;

	conf_test(&c, 2, 8);
	CU_ASSERT_EQUAL_FATAL(cp_onionq_create(&c, &q), 0);
	/* No keys yet. */
	CU_ASSERT_EQUAL(one_job(q, WIRE_HTYPE_NTOR, &peer), CP_ONION_FAIL_NODEID);
	CU_ASSERT_EQUAL(one_job(q, WIRE_HTYPE_NTOR_V3, &peer), CP_ONION_FAIL_NODEID);
	cp_onionq_set_keys(q, &keys);
	CU_ASSERT_EQUAL(one_job(q, WIRE_HTYPE_NTOR, &peer), CP_ONION_OK);
	CU_ASSERT_EQUAL(one_job(q, WIRE_HTYPE_NTOR_V3, &peer), CP_ONION_OK);
	/* Rotation: the old key becomes the previous one and still works. */
	k2.ntor[0] = keys.ntor[1];
	k2.ntor[1] = keys.ntor[0];
	k2.n_ntor = 2;
	memcpy(peer2.ntor_pub, k2.ntor[0].pub, 32);
	CU_ASSERT_EQUAL(one_job(q, WIRE_HTYPE_NTOR_V3, &peer2), CP_ONION_FAIL_KEYID);
	cp_onionq_set_keys(q, &k2);
	for (int i = 0; i < 4; i++) { /* both workers see it */
		CU_ASSERT_EQUAL(one_job(q, WIRE_HTYPE_NTOR_V3, &peer2), CP_ONION_OK);
		CU_ASSERT_EQUAL(one_job(q, WIRE_HTYPE_NTOR, &peer), CP_ONION_OK);
	}
	/* Grace period over: the previous key is dropped. */
	k2.n_ntor = 1;
	cp_onionq_set_keys(q, &k2);
	for (int i = 0; i < 4; i++)
		CU_ASSERT_EQUAL(one_job(q, WIRE_HTYPE_NTOR, &peer), CP_ONION_FAIL_KEYID);
	cp_onionq_destroy(q);
}

static void
test_onionq_destroy_with_pending_jobs_is_clean(void)
{
	struct cp_onionq_job job, out[4];
	struct cp_onion_client st;
	struct cp_onionq_conf c;
	struct cp_onionq *q;

	/* Jobs waiting, jobs running, results not polled: destroy handles all. */
	conf_test(&c, 2, 64);
	CU_ASSERT_EQUAL_FATAL(cp_onionq_create(&c, &q), 0);
	cp_onionq_set_keys(q, &keys);
	job_make(&job, &st, WIRE_HTYPE_NTOR_V3, &peer, 0);
	for (int i = 0; i < 40; i++)
		CU_ASSERT_EQUAL(cp_onionq_submit(q, &job), 0);
	CU_ASSERT_EQUAL(wait_results(q, out, 1), 1);
	cp_onionq_destroy(q);

	/* The same with the workers blocked until just before destroy. */
	conf_hooked(&c, 2, 16);
	gate_set(true);
	CU_ASSERT_EQUAL_FATAL(cp_onionq_create(&c, &q), 0);
	cp_onionq_set_keys(q, &keys);
	for (int i = 0; i < 16; i++)
		CU_ASSERT_EQUAL(cp_onionq_submit(q, &job), 0);
	CU_ASSERT_FATAL(wait_entered(2));
	gate_set(false);
	cp_onionq_destroy(q);
	cp_onionq_destroy(NULL);
	cp_onion_client_wipe(&st);
}

static void
test_onionq_bad_arguments_refused(void)
{
	struct cp_onionq_conf c;
	struct cp_onionq_job job;
	struct cp_onionq *q = NULL;

	conf_test(&c, 0, 8);
	CU_ASSERT_EQUAL(cp_onionq_create(&c, &q), -EINVAL);
	CU_ASSERT_PTR_NULL(q);
	conf_test(&c, CP_ONIONQ_WORKERS_MAX + 1, 8);
	CU_ASSERT_EQUAL(cp_onionq_create(&c, &q), -EINVAL);
	conf_test(&c, 1, 0);
	CU_ASSERT_EQUAL(cp_onionq_create(&c, &q), -EINVAL);
	conf_test(&c, 1, CP_ONIONQ_PENDING_MAX + 1);
	CU_ASSERT_EQUAL(cp_onionq_create(&c, &q), -EINVAL);

	conf_test(&c, 1, 2);
	CU_ASSERT_EQUAL_FATAL(cp_onionq_create(&c, &q), 0);
	memset(&job, 0, sizeof(job));
	job.htype = WIRE_HTYPE_NTOR_V3;
	job.hlen = WIRE_CREATE2_HDATA_MAX + 1;
	CU_ASSERT_EQUAL(cp_onionq_submit(q, &job), -EINVAL);
	cp_onionq_destroy(q);
}

static void
test_onionq_defaults_follow_tor(void)
{
	struct cp_onionq_conf c;

	cp_onionq_conf_default(&c);
	CU_ASSERT(c.workers >= 2 && c.workers <= CP_ONIONQ_WORKERS_MAX);
	CU_ASSERT_EQUAL(c.max_delay_ms, 1750);
	CU_ASSERT_EQUAL(c.delay_floor, 50);
	CU_ASSERT_EQUAL(c.cutoff_ms, 5000);
	CU_ASSERT_EQUAL(c.max_pending, CP_ONIONQ_DEFAULT_PENDING);
	CU_ASSERT_PTR_NULL(c.clock);
	CU_ASSERT_PTR_NULL(c.handshake);
}

struct ctr_seen {
	char names[64][64];
	uint64_t values[64];
	unsigned n;
};

static void
ctr_collect(void *arg, const char *name, uint64_t value)
{
	struct ctr_seen *cs = arg;

	if (cs->n < 64) {
		snprintf(cs->names[cs->n], sizeof(cs->names[0]), "%s", name);
		cs->values[cs->n++] = value;
	}
}

static bool
ctr_get(const struct ctr_seen *cs, const char *name, uint64_t *value)
{
	for (unsigned i = 0; i < cs->n; i++) {
		if (strcmp(cs->names[i], name) == 0) {
			*value = cs->values[i];
			return true;
		}
	}
	return false;
}

static void
test_onionq_counters_listed(void)
{
	static const char *const always[] = {
		"/cp/onionq/requested",	      "/cp/onionq/succeeded",
		"/cp/onionq/dropped_full",    "/cp/onionq/dropped_delay",
		"/cp/onionq/dropped_timeout", "/cp/onionq/pending",
		"/cp/onionq/in_flight",	      "/cp/onionq/completed",
		"/cp/onionq/processed/tap",   "/cp/onionq/processed/fast",
		"/cp/onionq/processed/ntor",  "/cp/onionq/processed/ntor3",
		"/cp/onionq/processed/other", "/cp/onionq/usec/ntor3",
		"/cp/onionq/dropped/ntor3",   "/cp/onionq/dropped/fast",
	};
	struct ctr_seen cs;
	struct cp_onionq_conf c;
	struct cp_onionq *q;
	uint64_t v;

	conf_test(&c, 1, 8);
	CU_ASSERT_EQUAL_FATAL(cp_onionq_create(&c, &q), 0);
	CU_ASSERT_EQUAL(one_job(q, WIRE_HTYPE_NTOR_V3, &peer), CP_ONION_FAIL_NODEID);
	cp_onionq_set_keys(q, &keys);
	CU_ASSERT_EQUAL(one_job(q, WIRE_HTYPE_NTOR_V3, &peer), CP_ONION_OK);
	CU_ASSERT_EQUAL(one_job(q, WIRE_HTYPE_FAST, NULL), CP_ONION_OK);
	memset(&cs, 0, sizeof(cs));
	cp_onionq_counters(q, ctr_collect, &cs);
	for (size_t i = 0; i < ARRAY_SIZE(always); i++)
		CU_ASSERT(ctr_get(&cs, always[i], &v));
	CU_ASSERT(ctr_get(&cs, "/cp/onionq/requested", &v) && v == 3);
	CU_ASSERT(ctr_get(&cs, "/cp/onionq/succeeded", &v) && v == 2);
	CU_ASSERT(ctr_get(&cs, "/cp/onionq/processed/ntor3", &v) && v == 2);
	CU_ASSERT(ctr_get(&cs, "/cp/onionq/processed/fast", &v) && v == 1);
	CU_ASSERT(ctr_get(&cs, "/cp/onionq/failed/nodeid", &v) && v == 1);
	CU_ASSERT_FALSE(ctr_get(&cs, "/cp/onionq/failed/keyid", &v));
	CU_ASSERT_STRING_EQUAL(cp_onionq_ht_name(CP_ONIONQ_HT_NTOR_V3), "ntor3");
	CU_ASSERT_STRING_EQUAL(cp_onionq_ht_name(CP_ONIONQ_HT__COUNT), "unknown");
	cp_onionq_destroy(q);
}

/* SigBlk of thread @p tid from /proc (a bit mask, bit n-1 = signal n). */
static bool
thread_sigblk(const char *tid, unsigned long long *mask)
{
	char path[320], line[256];
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/task/%s/status", tid);
	f = fopen(path, "r");
	if (f == NULL)
		return false;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "SigBlk: %llx", mask) == 1)
			found = true;
	fclose(f);
	return found;
}

/* The workers block every signal: the control plane's loop takes SIGTERM
 * through a signalfd, and a worker with SIGTERM unblocked would die of it
 * (workers start before the loop blocks signals in the main thread). The
 * caller's own mask is left as it was. */
static void
test_onionq_workers_take_no_signals(void)
{
	struct cp_onionq_conf c;
	struct cp_onionq *q;
	sigset_t before, after;
	char self[32];
	unsigned workers_seen = 0;
	struct dirent *d;
	DIR *dir;

	pthread_sigmask(SIG_SETMASK, NULL, &before);
	conf_test(&c, 3, 16);
	CU_ASSERT_EQUAL_FATAL(cp_onionq_create(&c, &q), 0);
	pthread_sigmask(SIG_SETMASK, NULL, &after);
	CU_ASSERT_EQUAL(sigismember(&after, SIGTERM), sigismember(&before, SIGTERM));
	snprintf(self, sizeof(self), "%ld", (long)gettid());
	dir = opendir("/proc/self/task");
	CU_ASSERT_FATAL(dir != NULL);
	while ((d = readdir(dir)) != NULL) {
		unsigned long long m = 0;

		if (d->d_name[0] == '.' || strcmp(d->d_name, self) == 0)
			continue;
		if (!thread_sigblk(d->d_name, &m))
			continue;
		/* SIGTERM (15) and SIGINT (2) blocked in every other thread: the workers. */
		CU_ASSERT((m >> (SIGTERM - 1)) & 1);
		CU_ASSERT((m >> (SIGINT - 1)) & 1);
		workers_seen++;
	}
	closedir(dir);
	CU_ASSERT(workers_seen >= 3);
	cp_onionq_destroy(q);
}

static CU_TestInfo onionq_tests[] = {
	{ "workers_take_no_signals", test_onionq_workers_take_no_signals },
	{"workers_process_jobs_correctly", test_onionq_workers_process_jobs_correctly},
	{"eventfd_readable_while_results_wait", test_onionq_eventfd_readable_while_results_wait},
	{"inline_htypes_answered_at_submit", test_onionq_inline_htypes_answered_at_submit},
	{"full_queue_refused_and_counted", test_onionq_full_queue_refused_and_counted},
	{"estimated_delay_refused", test_onionq_estimated_delay_refused},
	{ "max_delay_changes_while_running", test_onionq_max_delay_changes_while_running },
	{"delay_floor_always_has_room", test_onionq_delay_floor_always_has_room},
	{"delay_uses_measured_cost", test_onionq_delay_uses_measured_cost},
	{"stale_jobs_dropped_not_processed", test_onionq_stale_jobs_dropped_not_processed},
	{"stale_jobs_culled_at_submit", test_onionq_stale_jobs_culled_at_submit},
	{"set_keys_takes_effect", test_onionq_set_keys_takes_effect},
	{"destroy_with_pending_jobs_is_clean", test_onionq_destroy_with_pending_jobs_is_clean},
	{"bad_arguments_refused", test_onionq_bad_arguments_refused},
	{"defaults_follow_tor", test_onionq_defaults_follow_tor},
	{"counters_listed", test_onionq_counters_listed},
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_onionq = {
	.pName = "controlplane/onionq",
	.pInitFunc = setup,
	.pCleanupFunc = teardown,
	.pTests = onionq_tests,
};
