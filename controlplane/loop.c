/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief epoll loop of chive-controlplane.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "controlplane/cli/cli_sock.h"
#include "controlplane/cp.h"
#include "controlplane/log.h"
#include "controlplane/loop.h"
#include "controlplane/metrics/metrics.h"
#include "controlplane/runconf.h"
#include "controlplane/util.h"

static int loop_epfd = -1;
static struct cp_ev loop_sig_ev = { .fd = -1 };
static struct cp_ev loop_timer_ev = { .fd = -1 };
static struct cp_ev loop_circ_ev = { .fd = -1 };
static uint64_t loop_tick_ns;

int
cp_loop_add(struct cp_ev *ev, uint32_t events)
{
	struct epoll_event e = { .events = events, .data.ptr = ev };

	return epoll_ctl(loop_epfd, EPOLL_CTL_ADD, ev->fd, &e) == 0 ? 0 : -errno;
}

int
cp_loop_mod(struct cp_ev *ev, uint32_t events)
{
	struct epoll_event e = { .events = events, .data.ptr = ev };

	return epoll_ctl(loop_epfd, EPOLL_CTL_MOD, ev->fd, &e) == 0 ? 0 : -errno;
}

void
cp_loop_del(struct cp_ev *ev)
{
	epoll_ctl(loop_epfd, EPOLL_CTL_DEL, ev->fd, NULL);
}

static void
loop_set_tick(uint64_t ns)
{
	struct itimerspec its = {
		.it_interval = { .tv_sec = 0, .tv_nsec = (long)ns },
		.it_value = { .tv_sec = 0, .tv_nsec = (long)ns },
	};

	if (ns == loop_tick_ns)
		return;
	loop_tick_ns = ns;
	timerfd_settime(loop_timer_ev.fd, 0, &its, NULL);
}

void
cp_loop_check_dataplane(struct cp_ctx *cp, uint64_t now_ns)
{
	if (cp->dp.attached && !cp_dplink_is_up(&cp->dp)) {
		CP_LOG(NOTICE, dp, "dataplane (pid %u) stopped; detaching", cp->dp.shm.hdr->dp_pid);
		snprintf(cp->attach_err, sizeof(cp->attach_err), "dataplane stopped");
		cp_dplink_detach(&cp->dp, now_ns);
		cp->next_attach_ns = now_ns;
	}
	if (!cp->dp.attached && (int64_t)(now_ns - cp->next_attach_ns) >= 0) {
		char err[sizeof(cp->attach_err)];
		int rc = cp_dplink_attach(&cp->dp, cp->shm_name, err, sizeof(err));

		cp->next_attach_ns = now_ns + CP_LOOP_ATTACH_RETRY_NS;
		if (rc == 0) {
			CP_LOG(NOTICE, dp, "attached to /dev/shm/%s: dataplane pid %u, %u lcores",
			       cp->shm_name, cp->dp.shm.hdr->dp_pid, cp->dp.n_lcores);
			cp->attach_err[0] = '\0';
		} else if (strcmp(err, cp->attach_err) != 0) {
			/* A mismatch is an operator problem: say it once, loudly. */
			if (rc == -EPROTO || rc == -EPROTONOSUPPORT || rc == -EBADMSG || rc == -ERANGE)
				CP_LOG(ERR, dp, "cannot attach: %s", err);
			else
				CP_LOG(INFO, dp, "waiting for the dataplane: %s", err);
			snprintf(cp->attach_err, sizeof(cp->attach_err), "%s", err);
		}
	}
}

void
cp_loop_check_keys(struct cp_ctx *cp, time_t now)
{
	char err[512];
	int rc;

	if (cp->keys == NULL || now < cp->next_keys_check)
		return;
	cp->next_keys_check = now + CP_LOOP_KEYS_CHECK_S;
	rc = cp_keys_rotate(cp->keys, now, err, sizeof(err));
	if (rc < 0) {
		CP_LOG(WARN, keys, "key rotation: %s", err);
		return;
	}
	if (rc & (CP_KEYS_CHANGE_ONION | CP_KEYS_CHANGE_ONION_OLD)) {
		if (rc & CP_KEYS_CHANGE_ONION)
			CP_LOG(NOTICE, keys, "new onion keys");
		cp_circ_keys_changed(&cp->circ);
	}
	if (rc & CP_KEYS_CHANGE_SIGNING) {
		CP_LOG(NOTICE, keys, "new Ed25519 signing key; renewing the link credentials");
		cp_link_keys_changed(&cp->link);
	}
}

static void
loop_on_signal(struct cp_ctx *cp, struct cp_ev *ev, uint32_t events)
{
	struct signalfd_siginfo si;

	(void)events;
	while (read(ev->fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		CP_LOG(NOTICE, main, "signal %u: shutting down", si.ssi_signo);
		cp->stop = true;
	}
}

/* Onionskin answers are ready: push them down at once (not at the next tick). */
static void
loop_on_circ(struct cp_ctx *cp, struct cp_ev *ev, uint32_t events)
{
	(void)ev;
	(void)events;
	if (cp->dp.attached)
		cp_circ_poll(&cp->circ);
}

static void
loop_on_timer(struct cp_ctx *cp, struct cp_ev *ev, uint32_t events)
{
	uint64_t expirations, now = cp_now_ns();
	time_t wall;

	(void)events;
	if (read(ev->fd, &expirations, sizeof(expirations)) < 0 && errno != EAGAIN)
		CP_LOG(WARN, main, "timerfd read: %s", strerror(errno));
	cp_loop_check_dataplane(cp, now);
	/* Attached here means up: cp_loop_check_dataplane() just detached a stopped one. */
	cp_lcore_busy_tick(&cp->lcore_busy, cp->dp.attached ? &cp->dp.shm : NULL, cp->dp.epoch,
			   now);
	cp_dplink_poll(&cp->dp, now);
	wall = time(NULL);
	cp_link_poll(&cp->link, wall, now);
	if (cp->dp.attached)
		cp_circ_poll(&cp->circ);
	cp_loop_check_keys(cp, wall);
	cp_link_tick(&cp->link, wall, now);
	cp_dir_tick(cp, wall, now);
	cp_runconf_tick(cp, now);
	if (cp->cli != NULL)
		cp_cli_server_tick(cp->cli, now);
	if (cp->metrics != NULL)
		cp_metrics_server_tick(cp->metrics, now);
	loop_set_tick(cp->dp.n_pending != 0 ? CP_LOOP_TICK_BUSY_NS : CP_LOOP_TICK_IDLE_NS);
}

int
cp_loop_init(struct cp_ctx *cp)
{
	sigset_t set;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &set, NULL) != 0)
		return -errno;
	loop_epfd = epoll_create1(EPOLL_CLOEXEC);
	if (loop_epfd < 0)
		return -errno;
	loop_sig_ev.fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	loop_sig_ev.fn = loop_on_signal;
	loop_timer_ev.fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	loop_timer_ev.fn = loop_on_timer;
	if (loop_sig_ev.fd < 0 || loop_timer_ev.fd < 0)
		return -errno;
	if (cp_loop_add(&loop_sig_ev, EPOLLIN) != 0 || cp_loop_add(&loop_timer_ev, EPOLLIN) != 0)
		return -errno;
	loop_circ_ev.fd = cp_circ_fd(&cp->circ);
	loop_circ_ev.fn = loop_on_circ;
	if (loop_circ_ev.fd >= 0 && cp_loop_add(&loop_circ_ev, EPOLLIN) != 0)
		return -errno;
	loop_tick_ns = 0;
	loop_set_tick(CP_LOOP_TICK_IDLE_NS);
	return 0;
}

int
cp_loop_run(struct cp_ctx *cp)
{
	struct epoll_event evs[32];

	while (!cp->stop) {
		int n = epoll_wait(loop_epfd, evs, 32, 1000);

		if (n < 0 && errno != EINTR) {
			CP_LOG(ERR, main, "epoll_wait: %s", strerror(errno));
			return -errno;
		}
		for (int i = 0; i < n; i++) {
			struct cp_ev *ev = evs[i].data.ptr;

			ev->fn(cp, ev, evs[i].events);
		}
	}
	return 0;
}

void
cp_loop_fini(void)
{
	if (loop_sig_ev.fd >= 0)
		close(loop_sig_ev.fd);
	if (loop_timer_ev.fd >= 0)
		close(loop_timer_ev.fd);
	if (loop_epfd >= 0)
		close(loop_epfd);
	loop_sig_ev.fd = loop_timer_ev.fd = loop_epfd = -1;
}
