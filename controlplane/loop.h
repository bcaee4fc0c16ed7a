/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief The controlplane's epoll loop: signals, a ring-poll timer, and sockets.
 *
 * Modules register a struct cp_ev (fd plus callback) with cp_loop_add(). The
 * loop owns a signalfd (SIGINT/SIGTERM stop it cleanly) and a timerfd that
 * polls the dataplane's event and cell_up rings and runs periodic work (key
 * rotation, link credentials, the lcores' busy-ratio samples once a second,
 * stats/lcore_busy.h): every 1 ms normally (the ~1 kHz of
 * CONVENTIONS.md §23), every 20 µs while a request is in flight so round
 * trips are measured finely. The dataplane never signals us: it makes no
 * syscalls.
 */
#ifndef CONTROLPLANE_LOOP_H
#define CONTROLPLANE_LOOP_H

#include <stdint.h>
#include <time.h>

struct cp_ctx;

struct cp_ev;
typedef void(cp_ev_fn)(struct cp_ctx *cp, struct cp_ev *ev, uint32_t events);

/** One registered file descriptor. */
struct cp_ev {
	int fd;
	cp_ev_fn *fn;
};

/** Ring-poll period while idle, ns. */
#define CP_LOOP_TICK_IDLE_NS 1000000u
/** Ring-poll period while requests are pending, ns. */
#define CP_LOOP_TICK_BUSY_NS 20000u
/** How often to retry attaching while the dataplane is away, ns. */
#define CP_LOOP_ATTACH_RETRY_NS 200000000u
/** How often to let the key store rotate what is due (it asks for at least hourly), s. */
#define CP_LOOP_KEYS_CHECK_S 600

/** Register @p ev for @p events (EPOLLIN, ...). @return 0 or -errno. */
int cp_loop_add(struct cp_ev *ev, uint32_t events);
/** Change the events of a registered @p ev. @return 0 or -errno. */
int cp_loop_mod(struct cp_ev *ev, uint32_t events);
/** Unregister @p ev (does not close its fd). */
void cp_loop_del(struct cp_ev *ev);

/**
 * Create the loop's epoll, signalfd and timerfd. Blocks SIGINT and SIGTERM
 * so they arrive through the signalfd; ignores SIGPIPE.
 *
 * @return
 *   0 or -errno.
 */
int cp_loop_init(struct cp_ctx *cp);

/** Run until cp->stop is set (by a signal or a module). @return 0. */
int cp_loop_run(struct cp_ctx *cp);

/** Close the loop's descriptors. */
void cp_loop_fini(void);

/**
 * Keep the link to the dataplane healthy: attach when detached (at most every
 * CP_LOOP_ATTACH_RETRY_NS) and detach when the dataplane stopped or died.
 * Logs each change of state once.
 */
void cp_loop_check_dataplane(struct cp_ctx *cp, uint64_t now_ns);

/**
 * Every CP_LOOP_KEYS_CHECK_S (wall clock @p now), run cp_keys_rotate() on
 * cp->keys; a new signing key makes the link module renew its credentials
 * (cp_link_keys_changed()). Logs rotations and errors.
 */
void cp_loop_check_keys(struct cp_ctx *cp, time_t now);

#endif /* CONTROLPLANE_LOOP_H */
