/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief The onionskin queue: server handshakes on worker threads, bounded in memory and
 *        in delay, with tor's overload rules.
 *
 * The control plane's loop submits each CREATE2 (and CREATE_FAST) it is
 * handed with cp_onionq_submit(), wakes on cp_onionq_fd() and collects the
 * answers with cp_onionq_poll(). Workers run cp_onion_server() with a
 * snapshot of the server keys (cp_onionq_set_keys()).
 *
 * Overload rules (tor's onion_queue.c and cpuworker.c):
 *  - A job is refused at submit (-EAGAIN, counted dropped_full) when
 *    max_pending jobs already wait for a worker, or when no job slot is
 *    free (results not yet polled hold theirs).
 *  - It is refused (-EAGAIN, counted dropped_delay) when at least
 *    delay_floor jobs wait and the estimated time to drain them exceeds
 *    max_delay_ms (tor's MaxOnionQueueDelay, 1750 ms, and its "fewer than
 *    50 entries: always room"). The estimate is the sum over waiting jobs
 *    of the average measured time of their HTYPE, divided by the number of
 *    workers; until CP_ONIONQ_MIN_SAMPLES successful handshakes of a type
 *    have been timed, a handshake of that type counts as 1 ms (tor's rule).
 *  - A job that waited longer than cutoff_ms before a worker took it is
 *    not processed: it completes with fail = CP_ONIONQ_TIMEDOUT (counted
 *    dropped_timeout), as tor closes circuits whose onionskin waited past
 *    onion_queue_wait_cutoff (5 s). The oldest waiting jobs are also
 *    culled that way at every submit, as tor does when it adds one.
 *  - CREATE_FAST (and any HTYPE the workers would refuse at once, such as
 *    TAP) is answered inline by cp_onionq_submit(), as tor's command.c
 *    does: it costs two SHA-1 and never waits behind public-key work. Its
 *    result is still collected with cp_onionq_poll().
 *
 * Memory: max_pending + workers job slots, allocated at create. A slot is
 * held from submit until poll hands the result out; there is no per-job
 * allocation. Slots carry key material: poll wipes a slot as it recycles
 * it, destroy wipes them all. The caller wipes its copies of results.
 *
 * Thread safety: every function may be called from any thread (one lock);
 * in Chive the loop's thread makes all calls. Workers never block on the
 * caller.
 *
 * Who may include it: controlplane/ and tests/.
 */
#ifndef CONTROLPLANE_ONION_ONIONQ_H
#define CONTROLPLANE_ONION_ONIONQ_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include "common/wire/wire_create.h"
#include "controlplane/onion/onion.h"
#include "controlplane/stats/stats.h"

/** Most worker threads. */
#define CP_ONIONQ_WORKERS_MAX 64
/** Most jobs waiting for a worker. */
#define CP_ONIONQ_PENDING_MAX 65536
/** Default max_pending: 4096 slots of about 1.2 KB. */
#define CP_ONIONQ_DEFAULT_PENDING 4096
/** Successful handshakes of a type timed before their average is trusted (tor: 100). */
#define CP_ONIONQ_MIN_SAMPLES 100
/** Cost assumed per handshake until then, µs (tor: 1 ms). */
#define CP_ONIONQ_DEFAULT_USEC 1000
/** A timed handshake longer than this is counted as this, µs (tor's
 * MAX_BELIEVABLE_ONIONSKIN_DELAY). */
#define CP_ONIONQ_MAX_USEC 2000000

/** cp_onionq_job.fail of a job dropped because it waited past cutoff_ms. */
#define CP_ONIONQ_TIMEDOUT (-ETIMEDOUT)

/** Per-HTYPE counter slots: TAP, FAST, NTOR, NTOR_V3 by value, then every other HTYPE. */
enum cp_onionq_ht {
	CP_ONIONQ_HT_TAP = WIRE_HTYPE_TAP,
	CP_ONIONQ_HT_FAST = WIRE_HTYPE_FAST,
	CP_ONIONQ_HT_NTOR = WIRE_HTYPE_NTOR,
	CP_ONIONQ_HT_NTOR_V3 = WIRE_HTYPE_NTOR_V3,
	CP_ONIONQ_HT_OTHER,
	CP_ONIONQ_HT__COUNT
};

/** Monotonic clock in ns (test hook; must be thread-safe). */
typedef uint64_t(cp_onionq_clock_fn)(void *arg);

/** A server handshake with the signature of cp_onion_server() (test hook). */
typedef enum cp_onion_fail(cp_onionq_handshake_fn)(void *arg, const struct cp_onion_server_keys *sk,
						   uint16_t htype, const uint8_t *hdata,
						   size_t hlen, uint8_t *reply, size_t *reply_len,
						   struct cp_onion_keys *out);

/** Configuration; start from cp_onionq_conf_default(). */
struct cp_onionq_conf {
	unsigned workers;	   /**< worker threads, 1..CP_ONIONQ_WORKERS_MAX */
	unsigned max_pending;	   /**< jobs waiting for a worker, 1..CP_ONIONQ_PENDING_MAX */
	unsigned max_delay_ms;	   /**< refuse when the estimated wait exceeds this; 0: never */
	unsigned delay_floor;	   /**< consult the estimate only from this many waiting jobs on */
	unsigned cutoff_ms;	   /**< drop jobs that waited longer; 0: never */
	cp_onionq_clock_fn *clock; /**< NULL: CLOCK_MONOTONIC (tests inject one) */
	cp_onionq_handshake_fn
		*handshake; /**< NULL: cp_onion_server(); workers only (tests inject one) */
	void *hook_arg;	    /**< passed to both hooks */
};

/**
 * A job: the caller fills cookie, htype, hlen and hdata; the queue fills
 * the rest. Invariant of a result: fail == CP_ONION_OK (0) iff reply_len
 * and keys are valid; reply and keys are zero otherwise.
 */
struct cp_onionq_job {
	uint64_t cookie[2]; /**< the caller's (circuit, request id...); returned unchanged */
	uint16_t htype;	    /**< WIRE_HTYPE_* */
	uint16_t hlen;	    /**< bytes of hdata, <= WIRE_CREATE2_HDATA_MAX */
	uint16_t reply_len; /**< result: bytes of reply */
	uint16_t pad;
	int32_t fail;	  /**< result: enum cp_onion_fail, or CP_ONIONQ_TIMEDOUT */
	uint32_t wait_us; /**< result: time spent waiting for a worker, µs */
	uint8_t hdata[WIRE_CREATE2_HDATA_MAX];
	uint8_t reply[CP_ONION_REPLY_MAX]; /**< result: CREATED2 HDATA or CREATED_FAST body */
	struct cp_onion_keys keys;	   /**< result: secret; wipe after use */
};

/** Counters and gauges (a consistent snapshot from cp_onionq_stats()). */
struct cp_onionq_stats {
	uint64_t requested; /**< cp_onionq_submit() calls with a well-formed job */
	uint64_t processed[CP_ONIONQ_HT__COUNT]; /**< handshakes run, by HTYPE */
	uint64_t succeeded;			 /**< of those, answered */
	uint64_t failed[CP_ONION_FAIL__COUNT];	 /**< of those, refused, by reason ([0] unused) */
	uint64_t dropped_full;			 /**< refused at submit: no room */
	uint64_t dropped_delay;			 /**< refused at submit: estimated wait too long */
	uint64_t dropped_timeout;		 /**< waited past cutoff_ms, not processed */
	uint64_t dropped[CP_ONIONQ_HT__COUNT];	 /**< the three dropped_* by HTYPE (tor's
						      onionskins{action="dropped"}) */
	uint32_t pending;			 /**< gauge: jobs waiting for a worker */
	uint32_t in_flight;			 /**< gauge: jobs a worker is running */
	uint32_t completed;			 /**< gauge: results waiting for cp_onionq_poll() */
	uint32_t avg_usec[CP_ONIONQ_HT__COUNT];	 /**< gauge: cost the delay estimate uses, µs */
};

struct cp_onionq;

/**
 * Fill @p conf with the defaults: one worker per online CPU (at least 2, as
 * tor's cpuworker_init()), CP_ONIONQ_DEFAULT_PENDING waiting jobs (the delay
 * rule normally refuses long before: about 1 ms per ntor handshake), max
 * delay 1750 ms from 50 waiting jobs on, cutoff 5000 ms, no hooks.
 */
void cp_onionq_conf_default(struct cp_onionq_conf *conf);

/**
 * Allocate the job slots, open the eventfd and start the workers. Jobs
 * submitted before the first cp_onionq_set_keys() fail (NODEID/KEYID).
 *
 * @return
 *   0 and the queue in *@p out; -EINVAL (a bound of @p conf), or the
 *   negative errno of eventfd() or pthread_create().
 */
int cp_onionq_create(const struct cp_onionq_conf *conf, struct cp_onionq **out);

/**
 * Stop the workers (each finishes the handshake it runs; waiting jobs are
 * not run), join them, wipe every slot and the keys, and free @p q.
 * Accepts NULL.
 */
void cp_onionq_destroy(struct cp_onionq *q);

/**
 * Give the workers new server keys (at start-up and on onion-key
 * rotation). The keys are copied; every job a worker takes after this
 * returns uses them, a job already running finishes with the old ones.
 */
void cp_onionq_set_keys(struct cp_onionq *q, const struct cp_onion_server_keys *sk);

/**
 * Change max_delay_ms (tor's MaxOnionQueueDelay; 0: never refuse for the
 * delay) while the queue runs (`chivectl config set MaxOnionQueueDelay`):
 * every submit from now on is judged by it. Under the queue's lock, so any
 * thread may call it.
 */
void cp_onionq_set_max_delay(struct cp_onionq *q, unsigned max_delay_ms);

/** Return max_delay_ms now (ms). */
unsigned cp_onionq_max_delay(struct cp_onionq *q);

/**
 * Queue a handshake: cookie, htype, hlen and hdata of @p job are copied
 * (the rest is ignored). CREATE_FAST and HTYPEs no worker would accept are
 * answered at once (the result waits for cp_onionq_poll() all the same).
 *
 * @return
 *   0 (a result will come back through cp_onionq_poll()); -EAGAIN when
 *   refused for lack of room or because the estimated delay is too high
 *   (counted; no result will come); -EINVAL when hlen exceeds
 *   WIRE_CREATE2_HDATA_MAX.
 */
int cp_onionq_submit(struct cp_onionq *q, const struct cp_onionq_job *job);

/**
 * Copy up to @p max finished jobs into @p out, oldest first, and recycle
 * (wipe) their slots. Includes jobs dropped for waiting too long. Never
 * blocks.
 *
 * @return
 *   Number of jobs written.
 */
size_t cp_onionq_poll(struct cp_onionq *q, struct cp_onionq_job *out, size_t max);

/**
 * An eventfd, readable while finished jobs wait for cp_onionq_poll(), for
 * the control plane's epoll loop. Owned by @p q; do not read or close it.
 */
int cp_onionq_fd(const struct cp_onionq *q);

/** Copy a consistent snapshot of the counters into @p out. */
void cp_onionq_stats(struct cp_onionq *q, struct cp_onionq_stats *out);

/**
 * Report the counters to @p fn as /cp/onionq/NAME: requested, succeeded,
 * dropped_full, dropped_delay, dropped_timeout, pending, in_flight,
 * completed, processed/HTYPE, dropped/HTYPE and usec/HTYPE for tap, fast, ntor, ntor3 and
 * other, and the non-zero failed/REASON (cp_onion_fail_name()).
 */
void cp_onionq_counters(struct cp_onionq *q, cp_ctr_fn *fn, void *arg);

/** Return the counter name of an HTYPE slot ("ntor3", ...). */
const char *cp_onionq_ht_name(enum cp_onionq_ht ht);

#endif /* CONTROLPLANE_ONION_ONIONQ_H */
