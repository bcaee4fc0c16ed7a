/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief The onionskin queue: a fixed pool of job slots, a FIFO of waiting jobs served by
 *        worker threads, and a FIFO of results signalled through an eventfd.
 *
 * Modelled on tor's onion_queue.c (admission by estimated delay, the wait
 * cutoff) and cpuworker.c (per-worker key snapshots, timing of handshakes
 * to feed the estimate), reduced to one FIFO: tor keeps one queue per
 * handshake family to balance TAP against ntor, and Chive runs no TAP.
 *
 * Every slot is on exactly one of four places, and the counts say which:
 *   free list        (singly linked through next)          nslots - the rest
 *   waiting FIFO     (q_head .. q_tail)                     n_queued
 *   a worker's hands (the worker's local index)             n_inflight
 *   result FIFO      (d_head .. d_tail)                     n_done
 * All four and every counter are protected by q->lock. A worker owns the
 * slot it holds and touches it without the lock; nobody else does. The
 * eventfd counter is non-zero exactly while the result FIFO is non-empty:
 * it is written when the FIFO becomes non-empty and drained when poll
 * empties it, both under the lock.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "controlplane/onion/onionq.h"
#include "controlplane/util.h"

#define NIL UINT32_MAX
#define NS_PER_US 1000u
#define NS_PER_MS 1000000u
/** Halve the timing sums when this many samples accumulated (tor: 500000). */
#define TIMING_RESCALE 500000u

struct onionq_slot {
	struct cp_onionq_job job;
	uint64_t enq_ns; /**< when it was submitted (q->clock) */
	uint32_t next;	 /**< next slot in its list, NIL at the end */
	uint32_t pad;
};

/** Handshake timing per HTYPE slot, for the delay estimate (tor's onionskins_usec_internal). */
struct onionq_timing {
	uint64_t n;    /**< successful handshakes timed */
	uint64_t usec; /**< their total time, µs */
};

struct cp_onionq {
	pthread_mutex_t lock;
	pthread_cond_t work; /**< signalled when a job is queued or on stop */
	int efd;
	bool stop;
	struct cp_onionq_conf conf;
	uint64_t cutoff_ns; /**< 0: none */

	struct onionq_slot *slots;
	uint32_t nslots;
	uint32_t free_head;
	uint32_t q_head, q_tail;
	uint32_t d_head, d_tail;
	uint32_t n_queued, n_inflight, n_done;
	uint32_t queued_by[CP_ONIONQ_HT__COUNT];

	struct cp_onion_server_keys keys; /**< secret; the workers copy it when keys_gen moves */
	uint64_t keys_gen;

	struct onionq_timing timing[CP_ONIONQ_HT__COUNT];
	struct cp_onionq_stats stats; /**< counters; gauges are filled in on read */

	unsigned n_threads;
	pthread_t threads[CP_ONIONQ_WORKERS_MAX];
};

static const char *const onionq_ht_names[CP_ONIONQ_HT__COUNT] = {
	[CP_ONIONQ_HT_TAP] = "tap",	[CP_ONIONQ_HT_FAST] = "fast",
	[CP_ONIONQ_HT_NTOR] = "ntor",	[CP_ONIONQ_HT_NTOR_V3] = "ntor3",
	[CP_ONIONQ_HT_OTHER] = "other",
};

/* Zeroed server keys for the inline path, which needs none. */
static const struct cp_onion_server_keys onionq_no_keys;

const char *
cp_onionq_ht_name(enum cp_onionq_ht ht)
{
	if ((unsigned)ht >= CP_ONIONQ_HT__COUNT)
		return "unknown";
	return onionq_ht_names[ht];
}

static enum cp_onionq_ht
onionq_ht(uint16_t htype)
{
	return htype < CP_ONIONQ_HT_OTHER ? (enum cp_onionq_ht)htype : CP_ONIONQ_HT_OTHER;
}

/* True for the HTYPEs that need public-key work and so go to the workers. */
static bool
onionq_needs_worker(uint16_t htype)
{
	return htype == WIRE_HTYPE_NTOR || htype == WIRE_HTYPE_NTOR_V3;
}

static uint64_t
onionq_now(const struct cp_onionq *q)
{
	if (q->conf.clock != NULL)
		return q->conf.clock(q->conf.hook_arg);
	return cp_now_ns();
}

/* Run @p job's handshake; the hook applies to the workers only (@p hooked). */
static enum cp_onion_fail
onionq_handshake(const struct cp_onionq *q, const struct cp_onion_server_keys *sk,
		 struct cp_onionq_job *job, bool hooked)
{
	size_t reply_len = 0;
	enum cp_onion_fail f;

	if (hooked && q->conf.handshake != NULL)
		f = q->conf.handshake(q->conf.hook_arg, sk, job->htype, job->hdata, job->hlen,
				      job->reply, &reply_len, &job->keys);
	else
		f = cp_onion_server(sk, job->htype, job->hdata, job->hlen, job->reply, &reply_len,
				    &job->keys);
	if (f != CP_ONION_OK || reply_len > CP_ONION_REPLY_MAX) {
		if (f == CP_ONION_OK)
			f = CP_ONION_FAIL_CRYPTO;
		OPENSSL_cleanse(job->reply, sizeof(job->reply));
		OPENSSL_cleanse(&job->keys, sizeof(job->keys));
		reply_len = 0;
	}
	job->reply_len = (uint16_t)reply_len;
	job->fail = (int32_t)f;
	return f;
}

/* Average cost of one handshake of slot @p ht, µs (tor's estimated_usec_for_onionskins). */
static uint64_t
onionq_avg_usec(const struct cp_onionq *q, enum cp_onionq_ht ht)
{
	const struct onionq_timing *t = &q->timing[ht];

	if (t->n < CP_ONIONQ_MIN_SAMPLES)
		return CP_ONIONQ_DEFAULT_USEC;
	return t->usec / t->n;
}

/* ---- lists (all under q->lock) --------------------------------------------- */

static uint32_t
onionq_pop(struct cp_onionq *q, uint32_t *head, uint32_t *tail)
{
	uint32_t i = *head;

	if (i != NIL) {
		*head = q->slots[i].next;
		if (*head == NIL && tail != NULL)
			*tail = NIL;
		q->slots[i].next = NIL;
	}
	return i;
}

static void
onionq_append(struct cp_onionq *q, uint32_t *head, uint32_t *tail, uint32_t i)
{
	q->slots[i].next = NIL;
	if (*tail == NIL)
		*head = i;
	else
		q->slots[*tail].next = i;
	*tail = i;
}

/* Put slot @p i on the result FIFO; make the eventfd readable if it was empty. */
static void
onionq_complete(struct cp_onionq *q, uint32_t i)
{
	static const uint64_t one = 1;

	ssize_t r;

	onionq_append(q, &q->d_head, &q->d_tail, i);
	if (q->n_done++ == 0) {
		/* Cannot block or overflow: the counter is 0 here. */
		r = write(q->efd, &one, sizeof(one));
		(void)r;
	}
}

/* Take the head of the waiting FIFO; the caller has checked it is not empty. */
static uint32_t
onionq_dequeue(struct cp_onionq *q)
{
	uint32_t i = onionq_pop(q, &q->q_head, &q->q_tail);

	q->n_queued--;
	q->queued_by[onionq_ht(q->slots[i].job.htype)]--;
	return i;
}

/* Complete waiting slot @p i as dropped for its age. */
static void
onionq_time_out(struct cp_onionq *q, uint32_t i, uint64_t waited_ns)
{
	struct cp_onionq_job *job = &q->slots[i].job;

	job->fail = CP_ONIONQ_TIMEDOUT;
	job->reply_len = 0;
	job->wait_us =
		(uint32_t)(waited_ns / NS_PER_US > UINT32_MAX ? UINT32_MAX : waited_ns / NS_PER_US);
	q->stats.dropped_timeout++;
	q->stats.dropped[onionq_ht(job->htype)]++;
	onionq_complete(q, i);
}

static bool
onionq_is_stale(const struct cp_onionq *q, uint32_t i, uint64_t now, uint64_t *waited)
{
	uint64_t enq = q->slots[i].enq_ns;

	*waited = now > enq ? now - enq : 0;
	return q->cutoff_ns != 0 && *waited > q->cutoff_ns;
}

/* Count a finished handshake of @p job that took @p usec. */
static void
onionq_account(struct cp_onionq *q, const struct cp_onionq_job *job, enum cp_onion_fail f,
	       uint64_t usec)
{
	enum cp_onionq_ht ht = onionq_ht(job->htype);
	struct onionq_timing *t = &q->timing[ht];

	q->stats.processed[ht]++;
	if (f != CP_ONION_OK) {
		if ((unsigned)f < CP_ONION_FAIL__COUNT)
			q->stats.failed[f]++;
		return;
	}
	q->stats.succeeded++;
	/* cpuworker.c: only successful handshakes feed the estimate, clipped, rescaled. */
	t->n++;
	t->usec += usec > CP_ONIONQ_MAX_USEC ? CP_ONIONQ_MAX_USEC : usec;
	if (t->n >= TIMING_RESCALE) {
		t->n /= 2;
		t->usec /= 2;
	}
}

/* ---- workers ---------------------------------------------------------------- */

static void *
onionq_worker(void *arg)
{
	struct cp_onionq *q = arg;
	struct cp_onion_server_keys keys;
	uint64_t gen = 0;

	memset(&keys, 0, sizeof(keys));
	pthread_mutex_lock(&q->lock);
	for (;;) {
		struct cp_onionq_job *job;
		uint64_t now, waited, t0, t1;
		enum cp_onion_fail f;
		uint32_t i;

		while (!q->stop && q->q_head == NIL)
			pthread_cond_wait(&q->work, &q->lock);
		if (q->stop)
			break;
		i = onionq_dequeue(q);
		now = onionq_now(q);
		if (onionq_is_stale(q, i, now, &waited)) {
			onionq_time_out(q, i, waited);
			continue;
		}
		if (gen != q->keys_gen) {
			keys = q->keys;
			gen = q->keys_gen;
		}
		q->n_inflight++;
		pthread_mutex_unlock(&q->lock);

		job = &q->slots[i].job;
		job->wait_us = (uint32_t)(waited / NS_PER_US > UINT32_MAX ? UINT32_MAX
									  : waited / NS_PER_US);
		t0 = onionq_now(q);
		f = onionq_handshake(q, &keys, job, true);
		t1 = onionq_now(q);

		pthread_mutex_lock(&q->lock);
		q->n_inflight--;
		onionq_account(q, job, f, t1 > t0 ? (t1 - t0) / NS_PER_US : 0);
		onionq_complete(q, i);
	}
	pthread_mutex_unlock(&q->lock);
	OPENSSL_cleanse(&keys, sizeof(keys));
	return NULL;
}

/* ---- API ------------------------------------------------------------------- */

void
cp_onionq_conf_default(struct cp_onionq_conf *conf)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	memset(conf, 0, sizeof(*conf));
	if (ncpu < 2)
		ncpu = 2;
	if (ncpu > CP_ONIONQ_WORKERS_MAX)
		ncpu = CP_ONIONQ_WORKERS_MAX;
	conf->workers = (unsigned)ncpu;
	conf->max_pending = CP_ONIONQ_DEFAULT_PENDING;
	conf->max_delay_ms = 1750; /* tor's ONION_QUEUE_MAX_DELAY_DEFAULT */
	conf->delay_floor = 50;	   /* tor's have_room_for_onionskin() */
	conf->cutoff_ms = 5000;	   /* tor's ONION_QUEUE_WAIT_CUTOFF_DEFAULT */
}

static void
onionq_stop_workers(struct cp_onionq *q)
{
	pthread_mutex_lock(&q->lock);
	q->stop = true;
	pthread_cond_broadcast(&q->work);
	pthread_mutex_unlock(&q->lock);
	for (unsigned t = 0; t < q->n_threads; t++)
		pthread_join(q->threads[t], NULL);
	q->n_threads = 0;
}

static void
onionq_free(struct cp_onionq *q)
{
	if (q->slots != NULL) {
		OPENSSL_cleanse(q->slots, (size_t)q->nslots * sizeof(*q->slots));
		free(q->slots);
	}
	OPENSSL_cleanse(&q->keys, sizeof(q->keys));
	if (q->efd >= 0)
		close(q->efd);
	pthread_cond_destroy(&q->work);
	pthread_mutex_destroy(&q->lock);
	free(q);
}

int
cp_onionq_create(const struct cp_onionq_conf *conf, struct cp_onionq **out)
{
	struct cp_onionq *q;
	sigset_t all, old;
	int rc;

	*out = NULL;
	if (conf->workers < 1 || conf->workers > CP_ONIONQ_WORKERS_MAX || conf->max_pending < 1 ||
	    conf->max_pending > CP_ONIONQ_PENDING_MAX)
		return -EINVAL;

	q = cp_xcalloc(1, sizeof(*q));
	q->conf = *conf;
	q->cutoff_ns = (uint64_t)conf->cutoff_ms * NS_PER_MS;
	q->efd = -1;
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->work, NULL);
	q->nslots = conf->max_pending + conf->workers;
	q->slots = cp_xcalloc(q->nslots, sizeof(*q->slots));
	for (uint32_t i = 0; i < q->nslots; i++)
		q->slots[i].next = i + 1 < q->nslots ? i + 1 : NIL;
	q->free_head = 0;
	q->q_head = q->q_tail = NIL;
	q->d_head = q->d_tail = NIL;

	q->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (q->efd < 0) {
		rc = -errno;
		onionq_free(q);
		return rc;
	}
	/* Workers take no signals: SIGTERM and friends are the loop's (it reads
	 * them from a signalfd), and a thread created before the loop blocks
	 * them would otherwise receive them with their default action. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	for (unsigned t = 0; t < conf->workers; t++) {
		rc = pthread_create(&q->threads[t], NULL, onionq_worker, q);
		if (rc != 0) {
			pthread_sigmask(SIG_SETMASK, &old, NULL);
			onionq_stop_workers(q);
			onionq_free(q);
			return -rc;
		}
		q->n_threads++;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	*out = q;
	return 0;
}

void
cp_onionq_destroy(struct cp_onionq *q)
{
	if (q == NULL)
		return;
	onionq_stop_workers(q);
	onionq_free(q);
}

void
cp_onionq_set_keys(struct cp_onionq *q, const struct cp_onion_server_keys *sk)
{
	pthread_mutex_lock(&q->lock);
	q->keys = *sk;
	q->keys_gen++;
	pthread_mutex_unlock(&q->lock);
}

void
cp_onionq_set_max_delay(struct cp_onionq *q, unsigned max_delay_ms)
{
	pthread_mutex_lock(&q->lock);
	q->conf.max_delay_ms = max_delay_ms;
	pthread_mutex_unlock(&q->lock);
}

unsigned
cp_onionq_max_delay(struct cp_onionq *q)
{
	unsigned ms;

	pthread_mutex_lock(&q->lock);
	ms = q->conf.max_delay_ms;
	pthread_mutex_unlock(&q->lock);
	return ms;
}

/* Would a job wait longer than max_delay_ms behind those already waiting? (under the lock) */
static bool
onionq_too_slow(const struct cp_onionq *q)
{
	uint64_t usec = 0;

	if (q->conf.max_delay_ms == 0 || q->n_queued < q->conf.delay_floor)
		return false;
	/* Bounded: CP_ONIONQ_HT__COUNT terms. */
	for (unsigned ht = 0; ht < CP_ONIONQ_HT__COUNT; ht++)
		usec += (uint64_t)q->queued_by[ht] * onionq_avg_usec(q, (enum cp_onionq_ht)ht);
	return usec / q->conf.workers / 1000u > q->conf.max_delay_ms;
}

int
cp_onionq_submit(struct cp_onionq *q, const struct cp_onionq_job *job)
{
	struct onionq_slot *s;
	uint64_t now, waited;
	uint32_t i;

	if (job->hlen > WIRE_CREATE2_HDATA_MAX)
		return -EINVAL;
	now = onionq_now(q);
	pthread_mutex_lock(&q->lock);
	q->stats.requested++;
	/*
	 * onion_queue.c culls the elderly requests at every add. Bounded: each
	 * turn removes one waiting job, at most max_pending.
	 */
	while (q->q_head != NIL && onionq_is_stale(q, q->q_head, now, &waited)) {
		i = onionq_dequeue(q);
		onionq_time_out(q, i, waited);
	}
	if (q->free_head == NIL ||
	    (onionq_needs_worker(job->htype) && q->n_queued >= q->conf.max_pending)) {
		q->stats.dropped_full++;
		q->stats.dropped[onionq_ht(job->htype)]++;
		pthread_mutex_unlock(&q->lock);
		return -EAGAIN;
	}
	if (onionq_needs_worker(job->htype) && onionq_too_slow(q)) {
		q->stats.dropped_delay++;
		q->stats.dropped[onionq_ht(job->htype)]++;
		pthread_mutex_unlock(&q->lock);
		return -EAGAIN;
	}
	i = onionq_pop(q, &q->free_head, NULL);
	s = &q->slots[i];
	memset(&s->job, 0, sizeof(s->job));
	s->job.cookie[0] = job->cookie[0];
	s->job.cookie[1] = job->cookie[1];
	s->job.htype = job->htype;
	s->job.hlen = job->hlen;
	memcpy(s->job.hdata, job->hdata, job->hlen);
	s->enq_ns = now;

	if (!onionq_needs_worker(job->htype)) {
		/*
		 * CREATE_FAST, TAP, unknown: no public-key work, answer now
		 * (tor's command.c). Under the lock: a few µs of SHA-1.
		 */
		enum cp_onion_fail f = onionq_handshake(q, &onionq_no_keys, &s->job, false);

		onionq_account(q, &s->job, f, 0);
		onionq_complete(q, i);
		pthread_mutex_unlock(&q->lock);
		return 0;
	}
	onionq_append(q, &q->q_head, &q->q_tail, i);
	q->n_queued++;
	q->queued_by[onionq_ht(job->htype)]++;
	pthread_cond_signal(&q->work);
	pthread_mutex_unlock(&q->lock);
	return 0;
}

size_t
cp_onionq_poll(struct cp_onionq *q, struct cp_onionq_job *out, size_t max)
{
	size_t n = 0;

	pthread_mutex_lock(&q->lock);
	while (n < max && q->d_head != NIL) {
		uint32_t i = onionq_pop(q, &q->d_head, &q->d_tail);

		out[n++] = q->slots[i].job;
		OPENSSL_cleanse(&q->slots[i].job, sizeof(q->slots[i].job));
		q->slots[i].next = q->free_head;
		q->free_head = i;
		q->n_done--;
	}
	if (q->d_head == NIL) {
		uint64_t v;

		/* Make the eventfd unreadable again; EAGAIN if it already was. */
		if (read(q->efd, &v, sizeof(v)) < 0)
			v = 0;
	}
	pthread_mutex_unlock(&q->lock);
	return n;
}

int
cp_onionq_fd(const struct cp_onionq *q)
{
	return q->efd;
}

void
cp_onionq_stats(struct cp_onionq *q, struct cp_onionq_stats *out)
{
	pthread_mutex_lock(&q->lock);
	*out = q->stats;
	out->pending = q->n_queued;
	out->in_flight = q->n_inflight;
	out->completed = q->n_done;
	for (unsigned ht = 0; ht < CP_ONIONQ_HT__COUNT; ht++)
		out->avg_usec[ht] = (uint32_t)onionq_avg_usec(q, (enum cp_onionq_ht)ht);
	pthread_mutex_unlock(&q->lock);
}

void
cp_onionq_counters(struct cp_onionq *q, cp_ctr_fn *fn, void *arg)
{
	struct cp_onionq_stats s;
	char name[64];

	cp_onionq_stats(q, &s);
	fn(arg, "/cp/onionq/requested", s.requested);
	fn(arg, "/cp/onionq/succeeded", s.succeeded);
	fn(arg, "/cp/onionq/dropped_full", s.dropped_full);
	fn(arg, "/cp/onionq/dropped_delay", s.dropped_delay);
	fn(arg, "/cp/onionq/dropped_timeout", s.dropped_timeout);
	fn(arg, "/cp/onionq/pending", s.pending);
	fn(arg, "/cp/onionq/in_flight", s.in_flight);
	fn(arg, "/cp/onionq/completed", s.completed);
	for (unsigned ht = 0; ht < CP_ONIONQ_HT__COUNT; ht++) {
		snprintf(name, sizeof(name), "/cp/onionq/processed/%s", onionq_ht_names[ht]);
		fn(arg, name, s.processed[ht]);
	}
	for (unsigned ht = 0; ht < CP_ONIONQ_HT__COUNT; ht++) {
		snprintf(name, sizeof(name), "/cp/onionq/dropped/%s", onionq_ht_names[ht]);
		fn(arg, name, s.dropped[ht]);
	}
	for (unsigned ht = 0; ht < CP_ONIONQ_HT__COUNT; ht++) {
		snprintf(name, sizeof(name), "/cp/onionq/usec/%s", onionq_ht_names[ht]);
		fn(arg, name, s.avg_usec[ht]);
	}
	for (unsigned f = 1; f < CP_ONION_FAIL__COUNT; f++) {
		if (s.failed[f] != 0) {
			snprintf(name, sizeof(name), "/cp/onionq/failed/%s",
				 cp_onion_fail_name((enum cp_onion_fail)f));
			fn(arg, name, s.failed[f]);
		}
	}
}
