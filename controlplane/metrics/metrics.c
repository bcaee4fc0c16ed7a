/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief The MetricsPort server on the control plane's loop, and the snapshot it serves.
 *
 * Modelled on the CLI socket (cli/cli_sock.c): a non-blocking listener, a
 * bounded list of connections, each reading one request head into a
 * fixed buffer, then writing one answer and closing; deadlines are checked
 * from the loop's timer. Differences: TCP, an address policy checked at
 * accept (a refused client is closed without a word, as tor does), and
 * the answer is rendered at once (no request waits on the dataplane).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "controlplane/dplink.h"
#include "controlplane/keys/keys.h"
#include "controlplane/log.h"
#include "controlplane/loop.h"
#include "controlplane/metrics/metrics.h"
#include "controlplane/metrics/metrics_int.h"
#include "controlplane/runconf.h"
#include "controlplane/stats/port_fetch.h"

/** MetricsPort counters (/cp/metrics/NAME). */
struct metrics_stats {
	uint64_t scrapes;         /**< 200 answers */
	uint64_t not_found;       /**< 404 */
	uint64_t bad_method;      /**< 405 */
	uint64_t bad_request;     /**< 400 */
	uint64_t policy_rejected; /**< closed at accept: MetricsPortPolicy */
	uint64_t conn_refused;    /**< closed at accept: CP_METRICS_CONN_MAX open */
	uint64_t timeouts;        /**< closed at the deadline: too slow */
	uint64_t port_polls_failed; /**< PORT_GET or PORT_XSTATS not sent or not answered */
};

/** After the answer, how long to read and discard what the client still sends, ns. */
#define METRICS_LINGER_NS UINT64_C(1000000000)

/*
 * One client. States: READING (in[] fills until the head is complete),
 * WRITING (out holds the whole answer; out_off of it is sent), LINGERING
 * (the answer is out and our side shut down; what the client still sends
 * is read and dropped until it closes, so that closing with unread bytes
 * does not reset the connection before the client read the answer); then
 * closed.
 */
struct metrics_conn {
	struct cp_ev ev; /**< Must stay first: the loop hands us &ev. */
	struct cp_metrics_server *srv;
	uint64_t deadline_ns;
	size_t in_len;
	char in[CP_METRICS_REQ_MAX];
	struct cp_buf out;
	size_t out_off;
	uint8_t state; /**< CONN_READING, CONN_WRITING, CONN_LINGERING */
	struct metrics_conn *next;
};

#define CONN_READING 0
#define CONN_WRITING 1
#define CONN_LINGERING 2

struct cp_metrics_server {
	struct cp_ev ev; /**< The listener; must stay first. */
	struct cp_ctx *cp;
	struct cp_metrics_conf conf;
	struct metrics_conn *conns;
	unsigned n_conns;
	struct metrics_stats stats;
	/* The port's figures, fetched every CP_METRICS_PORT_POLL_NS (port_fetch.h). */
	struct cp_port_fetch *port_fetch; /**< the fetch in flight, or NULL */
	uint64_t port_next_ns, port_at_ns;
	struct cp_port_snap *port; /**< the last good answer (has_info), or NULL */
};

/* ---- the snapshot -------------------------------------------------------------- */

void
cp_metrics_snap_add_cp(void *arg, const char *name, uint64_t value)
{
	struct cp_metrics_snap *s = arg;

	if (s->n_cp == s->cap_cp) {
		s->cap_cp = s->cap_cp == 0 ? 128 : 2 * s->cap_cp;
		s->cp = cp_xrealloc(s->cp, s->cap_cp * sizeof(*s->cp));
	}
	snprintf(s->cp[s->n_cp].name, sizeof(s->cp[s->n_cp].name), "%s", name);
	s->cp[s->n_cp].value = value;
	s->n_cp++;
}

void
cp_metrics_visit_cp(struct cp_ctx *cp, cp_ctr_fn *fn, void *arg)
{
	cp_dplink_counters(&cp->dp, fn, arg);
	if (cp->keys != NULL)
		cp_link_counters(&cp->link, fn, arg);
	cp_circ_counters(&cp->circ, fn, arg);
	cp_dir_counters(&cp->dir, fn, arg);
	cp_runconf_counters(&cp->runconf, fn, arg);
	if (cp->metrics != NULL)
		cp_metrics_counters(cp->metrics, fn, arg);
}

void
cp_metrics_snap_take(struct cp_ctx *cp, struct cp_metrics_snap *s)
{
	memset(s, 0, sizeof(*s));
	if (cp_dplink_is_up(&cp->dp)) {
		const struct ipc_seg_hdr *h = cp->dp.shm.hdr;
		uint32_t max = h->ctr_max;
		int n;

		s->n_lcores = h->n_lcores < IPC_MAX_LCORES ? h->n_lcores : IPC_MAX_LCORES;
		s->dp = cp_xcalloc(max != 0 ? max : 1, sizeof(*s->dp));
		s->dp_lcore = cp_xcalloc((size_t)(max != 0 ? max : 1) * (h->n_lcores + 1),
					 sizeof(*s->dp_lcore));
		n = cp_stats_read_lcores(&cp->dp.shm, NULL, s->dp, s->dp_lcore, max);
		if (n >= 0 && h->n_lcores <= IPC_MAX_LCORES) {
			s->dp_up = true;
			s->n_dp = (uint32_t)n;
			s->tsc_hz = h->tsc_hz;
			s->dp_start_ns = h->created_ns;
			for (uint32_t l = 0; l < s->n_lcores; l++) {
				s->lcore_id[l] = ipc_shm_lcore(&cp->dp.shm, l)->lcore_id;
				for (uint32_t w = 0; w < CP_LCORE_BUSY_N_WINDOWS; w++)
					s->lcore_busy_known[l][w] = cp_lcore_busy_ratio(
						&cp->lcore_busy, l, cp_lcore_busy_window_s[w],
						&s->lcore_busy[l][w]);
			}
		}
	}
	cp_metrics_visit_cp(cp, cp_metrics_snap_add_cp, s);
	if (cp->metrics != NULL && cp->metrics->port != NULL && s->dp_up) {
		const struct cp_port_snap *p = cp->metrics->port;

		s->port_valid = true;
		s->port = p->info;
		s->port_age_ns = cp_now_ns() - cp->metrics->port_at_ns;
		s->n_port_queues = p->n_queues;
		memcpy(s->port_queues, p->queues, p->n_queues * sizeof(p->queues[0]));
		if (p->has_xstats) {
			s->port_xstats_valid = true;
			s->n_port_xstats = p->n_xstats;
			s->port_xstats_total = p->xstats_total;
			s->port_xstats = cp_xcalloc(p->n_xstats != 0 ? p->n_xstats : 1,
						    sizeof(*s->port_xstats));
			memcpy(s->port_xstats, p->xstats, p->n_xstats * sizeof(p->xstats[0]));
		}
	}
	if (cp->keys != NULL) {
		s->master_offline = !cp_keys_has_master_secret(cp->keys);
		s->signing_cert_expires = cp_keys_signing_cert_expires(cp->keys);
	}
}

void
cp_metrics_snap_free(struct cp_metrics_snap *s)
{
	free(s->dp);
	free(s->dp_lcore);
	free(s->cp);
	free(s->port_xstats);
	memset(s, 0, sizeof(*s));
}

/* ---- connections ---------------------------------------------------------------- */

static void
conn_close(struct metrics_conn *c)
{
	struct cp_metrics_server *s = c->srv;
	struct metrics_conn **pp;

	cp_loop_del(&c->ev);
	close(c->ev.fd);
	for (pp = &s->conns; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	s->n_conns--;
	cp_buf_free(&c->out);
	free(c);
}

/* Write what the socket takes; close when everything is out or the peer is gone. */
static void
conn_flush(struct metrics_conn *c)
{
	while (c->out_off < c->out.len) {
		ssize_t n = send(c->ev.fd, c->out.p + c->out_off, c->out.len - c->out_off,
				 MSG_NOSIGNAL);

		if (n > 0) {
			c->out_off += (size_t)n;
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		break;
	}
	if (c->out_off < c->out.len) {
		conn_close(c); /* the peer is gone */
		return;
	}
	/* Everything is out: say so, then wait for the client to close (bounded). */
	shutdown(c->ev.fd, SHUT_WR);
	c->state = CONN_LINGERING;
	cp_buf_free(&c->out);
	if ((int64_t)(c->deadline_ns - (cp_now_ns() + METRICS_LINGER_NS)) > 0)
		c->deadline_ns = cp_now_ns() + METRICS_LINGER_NS;
	if (cp_loop_mod(&c->ev, EPOLLIN | EPOLLRDHUP) != 0)
		conn_close(c);
}

/* Answer @p req: render, count, and start writing. */
static void
conn_answer(struct metrics_conn *c, enum cp_metrics_req req)
{
	struct cp_metrics_server *s = c->srv;
	struct cp_buf body = { 0 };

	switch (req) {
	case CP_METRICS_REQ_METRICS: {
		struct cp_metrics_snap snap;

		s->stats.scrapes++;
		cp_metrics_snap_take(s->cp, &snap);
		cp_metrics_render(&snap, &body);
		cp_metrics_snap_free(&snap);
		break;
	}
	case CP_METRICS_REQ_NOT_FOUND:
		s->stats.not_found++;
		break;
	case CP_METRICS_REQ_BAD_METHOD:
		s->stats.bad_method++;
		break;
	case CP_METRICS_REQ_BAD:
	case CP_METRICS_REQ_MORE:
		s->stats.bad_request++;
		break;
	}
	cp_metrics_http_answer(&c->out, req, &body, time(NULL));
	cp_buf_free(&body);
	c->state = CONN_WRITING;
	/* Stop reading: what follows the head is not looked at. */
	cp_loop_mod(&c->ev, EPOLLOUT);
	conn_flush(c);
}

static void
conn_on_event(struct cp_ctx *cp, struct cp_ev *ev, uint32_t events)
{
	struct metrics_conn *c = (struct metrics_conn *)(void *)ev;
	enum cp_metrics_req req;
	ssize_t n;

	(void)cp;
	if (c->state == CONN_WRITING) {
		if (events & (EPOLLERR | EPOLLHUP))
			conn_close(c);
		else
			conn_flush(c);
		return;
	}
	if (c->state == CONN_LINGERING) {
		char sink[4096];

		/* Bounded: one read per event; the deadline ends it. */
		n = recv(c->ev.fd, sink, sizeof(sink), 0);
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
			conn_close(c);
		return;
	}
	n = recv(c->ev.fd, c->in + c->in_len, sizeof(c->in) - c->in_len, 0);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		/* The client went away (or half-closed) before a whole request. */
		conn_close(c);
		return;
	}
	c->in_len += (size_t)n;
	req = cp_metrics_http_parse(c->in, c->in_len, sizeof(c->in));
	if (req != CP_METRICS_REQ_MORE)
		conn_answer(c, req);
}

static void
srv_on_accept(struct cp_ctx *cp, struct cp_ev *ev, uint32_t events)
{
	struct cp_metrics_server *s = (struct cp_metrics_server *)(void *)ev;
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	int fd;

	(void)cp;
	(void)events;
	/* Bounded by the listen backlog: accept4 fails with EAGAIN once it is empty. */
	while ((fd = accept4(s->ev.fd, (struct sockaddr *)&sa, &sl,
			     SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		struct metrics_conn *c;

		if (sl != sizeof(sa) || sa.sin_family != AF_INET ||
		    !conf_policy_accepts(s->conf.policy, s->conf.n_policy,
					 ntohl(sa.sin_addr.s_addr))) {
			/* tor: a peer the policy does not accept is closed with no reply. */
			s->stats.policy_rejected++;
			close(fd);
			sl = sizeof(sa);
			continue;
		}
		sl = sizeof(sa);
		if (s->n_conns >= CP_METRICS_CONN_MAX) {
			s->stats.conn_refused++;
			close(fd);
			continue;
		}
		c = cp_xcalloc(1, sizeof(*c));
		c->ev.fd = fd;
		c->ev.fn = conn_on_event;
		c->srv = s;
		c->deadline_ns = cp_now_ns() + CP_METRICS_CONN_TIMEOUT_NS;
		if (cp_loop_add(&c->ev, EPOLLIN | EPOLLRDHUP) != 0) {
			close(fd);
			free(c);
			continue;
		}
		c->next = s->conns;
		s->conns = c;
		s->n_conns++;
	}
}

/*
 * The port's figures from lcore 0: keep an answer for the next scrapes.
 * Without a port (-ENODEV) there is nothing to show. A fetch that failed
 * before PORT_INFO leaves the last figures (chive_port_stats_age_seconds
 * says how old) and counts; one whose xstats failed keeps the new PORT_INFO
 * without xstats, and counts.
 */
static void
port_done(void *arg, const struct cp_port_snap *snap)
{
	struct cp_metrics_server *s = arg;

	s->port_fetch = NULL;
	if (snap->status != 0 && snap->status != -ENODEV)
		s->stats.port_polls_failed++;
	if (!snap->has_info) {
		if (snap->status == -ENODEV) {
			free(s->port);
			s->port = NULL;
		}
		return;
	}
	if (s->port == NULL)
		s->port = cp_xmalloc(sizeof(*s->port));
	*s->port = *snap;
	s->port_at_ns = cp_now_ns();
}

static void
port_poll(struct cp_metrics_server *s, uint64_t now_ns)
{
	struct cp_ctx *cp = s->cp;

	if (s->port_fetch != NULL || (int64_t)(now_ns - s->port_next_ns) < 0)
		return;
	s->port_next_ns = now_ns + CP_METRICS_PORT_POLL_NS;
	if (!cp_dplink_is_up(&cp->dp)) {
		free(s->port);
		s->port = NULL;
		return;
	}
	/* Each request may take up to the poll period; at most a few pages follow PORT_GET. */
	if (cp_port_fetch_start(&cp->dp, 0, CP_PORT_FETCH_XSTATS, CP_METRICS_PORT_POLL_NS, now_ns,
				port_done, s, &s->port_fetch) != 0)
		s->stats.port_polls_failed++;
}

void
cp_metrics_server_tick(struct cp_metrics_server *s, uint64_t now_ns)
{
	struct metrics_conn *c, *next;

	port_poll(s, now_ns);
	/* At most CP_METRICS_CONN_MAX connections. */
	for (c = s->conns; c != NULL; c = next) {
		next = c->next;
		if ((int64_t)(now_ns - c->deadline_ns) >= 0) {
			if (c->state != CONN_LINGERING)
				s->stats.timeouts++;
			conn_close(c);
		}
	}
}

struct cp_metrics_server *
cp_metrics_server_open(struct cp_ctx *cp, const struct cp_metrics_conf *conf, char *err,
		       size_t errlen)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	struct cp_metrics_server *s;
	char ip[INET_ADDRSTRLEN];
	int fd, one = 1;

	sa.sin_addr.s_addr = htonl(conf->addr);
	sa.sin_port = htons(conf->port);
	inet_ntop(AF_INET, &sa.sin_addr, ip, sizeof(ip));
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "MetricsPort: socket: %s", strerror(errno));
		return NULL;
	}
	/* A restarted control plane must not wait for TIME_WAIT connections to expire. */
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(fd, 16) != 0) {
		snprintf(err, errlen, "cannot listen on MetricsPort %s:%u: %s", ip, conf->port,
			 strerror(errno));
		close(fd);
		return NULL;
	}
	s = cp_xcalloc(1, sizeof(*s));
	s->ev.fd = fd;
	s->ev.fn = srv_on_accept;
	s->cp = cp;
	s->conf = *conf;
	if (cp_loop_add(&s->ev, EPOLLIN) != 0) {
		snprintf(err, errlen, "MetricsPort: epoll: %s", strerror(errno));
		close(fd);
		free(s);
		return NULL;
	}
	return s;
}

void
cp_metrics_server_close(struct cp_metrics_server *s)
{
	if (s == NULL)
		return;
	while (s->conns != NULL)
		conn_close(s->conns);
	cp_port_fetch_cancel(&s->cp->dp, s->port_fetch);
	free(s->port);
	cp_loop_del(&s->ev);
	close(s->ev.fd);
	free(s);
}

void
cp_metrics_counters(const struct cp_metrics_server *s, cp_ctr_fn *fn, void *arg)
{
	fn(arg, "/cp/metrics/scrapes", s->stats.scrapes);
	fn(arg, "/cp/metrics/not_found", s->stats.not_found);
	fn(arg, "/cp/metrics/bad_method", s->stats.bad_method);
	fn(arg, "/cp/metrics/bad_request", s->stats.bad_request);
	fn(arg, "/cp/metrics/policy_rejected", s->stats.policy_rejected);
	fn(arg, "/cp/metrics/conn_refused", s->stats.conn_refused);
	fn(arg, "/cp/metrics/timeouts", s->stats.timeouts);
	fn(arg, "/cp/metrics/conns", s->n_conns);
	fn(arg, "/cp/metrics/port_polls_failed", s->stats.port_polls_failed);
}
