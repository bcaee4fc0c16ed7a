/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Non-blocking unix-socket server for chivectl requests.
 *
 * Each connection reads one request line, dispatches it (possibly
 * asynchronously), writes `CHIVE/1 <status> <len>\n<body>` and closes. A
 * client that disconnects while its request waits on the dataplane cancels
 * the request's operation.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "controlplane/cli/cli.h"
#include "controlplane/cli/cli_sock.h"
#include "controlplane/log.h"
#include "controlplane/loop.h"

struct cli_conn {
	struct cp_ev ev;          /**< Must stay first: the loop hands us &ev. */
	struct cp_cli_server *srv;
	struct cp_cli_req req;
	uint64_t deadline_ns;
	size_t in_len;
	char in[CLI_PROTO_LINE_MAX + 1];
	struct cp_buf out;        /**< Header plus body once the request finished. */
	size_t out_off;
	uint8_t state;            /**< CONN_READING, CONN_WAITING, CONN_WRITING */
	struct cli_conn *next;
};

#define CONN_READING 0
#define CONN_WAITING 1
#define CONN_WRITING 2

struct cp_cli_server {
	struct cp_ev ev;  /**< The listener; must stay first. */
	struct cp_ctx *cp;
	char path[sizeof(((struct sockaddr_un *)NULL)->sun_path)];
	struct cli_conn *conns;
	unsigned int n_conns;
};

static void
conn_close(struct cli_conn *c)
{
	struct cp_cli_server *s = c->srv;
	struct cli_conn **pp;

	if (!c->req.finished)
		cp_cli_req_cancel(&c->req);
	cp_loop_del(&c->ev);
	close(c->ev.fd);
	for (pp = &s->conns; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	s->n_conns--;
	cp_buf_free(&c->req.out);
	cp_buf_free(&c->out);
	free(c);
}

/* Write what we can; close when everything is out or the peer is gone. */
static void
conn_flush(struct cli_conn *c)
{
	while (c->out_off < c->out.len) {
		ssize_t n = write(c->ev.fd, c->out.p + c->out_off, c->out.len - c->out_off);

		if (n > 0) {
			c->out_off += (size_t)n;
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
			cp_loop_mod(&c->ev, EPOLLOUT);
			return;
		}
		break;
	}
	conn_close(c);
}

static void
conn_done(struct cp_cli_req *req, int status)
{
	struct cli_conn *c = req->owner;
	char hdr[CLI_PROTO_HDR_MAX];
	int n = cli_proto_hdr_format(hdr, sizeof(hdr), status, req->out.len);

	cp_buf_append(&c->out, hdr, (size_t)n);
	if (req->out.len != 0)
		cp_buf_append(&c->out, req->out.p, req->out.len);
	c->state = CONN_WRITING;
	/* The write happens from the loop, never from inside a dispatch. */
	cp_loop_mod(&c->ev, EPOLLOUT);
}

static void
conn_on_event(struct cp_ctx *cp, struct cp_ev *ev, uint32_t events)
{
	struct cli_conn *c = (struct cli_conn *)(void *)ev;
	char *nl;
	ssize_t n;

	(void)cp;
	if (c->state == CONN_WRITING) {
		conn_flush(c);
		return;
	}
	if (c->state == CONN_WAITING) {
		/* Only errors matter while the request waits on the dataplane. */
		if (events & (EPOLLHUP | EPOLLERR))
			conn_close(c);
		return;
	}
	n = read(c->ev.fd, c->in + c->in_len, CLI_PROTO_LINE_MAX - c->in_len);
	if (n <= 0) {
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		conn_close(c);
		return;
	}
	c->in_len += (size_t)n;
	c->in[c->in_len] = '\0';
	nl = memchr(c->in, '\n', c->in_len);
	if (nl == NULL && c->in_len < CLI_PROTO_LINE_MAX)
		return;
	c->state = CONN_WAITING;
	/* Stop reading; a half-closed client still gets its answer. */
	cp_loop_mod(&c->ev, 0);
	if (nl == NULL) {
		cp_buf_printf(&c->req.out, "error: request longer than %d bytes\n",
			      CLI_PROTO_LINE_MAX - 1);
		cp_cli_req_finish(&c->req, CLI_STATUS_USAGE);
		return;
	}
	if (memchr(c->in, '\0', (size_t)(nl - c->in)) != NULL) {
		cp_buf_printf(&c->req.out, "error: request holds a NUL byte\n");
		cp_cli_req_finish(&c->req, CLI_STATUS_USAGE);
		return;
	}
	nl[1] = '\0';
	cp_cli_dispatch(&c->req, c->in);
	if (!c->req.finished && c->req.timeout_ns != 0) {
		uint64_t d = cp_now_ns() + c->req.timeout_ns + CP_CLI_CONN_GRACE_NS;

		if ((int64_t)(d - c->deadline_ns) > 0)
			c->deadline_ns = d;
	}
}

static void
srv_on_accept(struct cp_ctx *cp, struct cp_ev *ev, uint32_t events)
{
	struct cp_cli_server *s = (struct cp_cli_server *)(void *)ev;
	int fd;

	(void)events;
	while ((fd = accept4(s->ev.fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		struct cli_conn *c;

		if (s->n_conns >= CP_CLI_CONN_MAX) {
			CP_LOG(WARN, cli, "too many CLI connections (%d); refusing one", CP_CLI_CONN_MAX);
			close(fd);
			continue;
		}
		c = cp_xcalloc(1, sizeof(*c));
		c->ev.fd = fd;
		c->ev.fn = conn_on_event;
		c->srv = s;
		c->req.cp = cp;
		c->req.done = conn_done;
		c->req.owner = c;
		c->deadline_ns = cp_now_ns() + CP_CLI_CONN_TIMEOUT_NS;
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

void
cp_cli_server_tick(struct cp_cli_server *s, uint64_t now_ns)
{
	struct cli_conn *c = s->conns, *next;

	for (; c != NULL; c = next) {
		next = c->next;
		if ((int64_t)(now_ns - c->deadline_ns) >= 0)
			conn_close(c);
	}
}

/* True if something accepts connections on @path. */
static bool
sock_is_live(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool live;

	if (fd < 0)
		return false;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	live = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
	close(fd);
	return live;
}

struct cp_cli_server *
cp_cli_server_open(struct cp_ctx *cp, const char *path, unsigned int mode, char *err, size_t errlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct cp_cli_server *s;
	struct stat st;
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(err, errlen, "socket path too long (max %zu bytes): %s",
			 sizeof(sa.sun_path) - 1, path);
		return NULL;
	}
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			snprintf(err, errlen, "%s exists and is not a socket", path);
			return NULL;
		}
		if (sock_is_live(path)) {
			snprintf(err, errlen, "%s: another controlplane is listening", path);
			return NULL;
		}
		unlink(path);
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return NULL;
	}
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 || chmod(path, mode) != 0 ||
	    listen(fd, 16) != 0) {
		snprintf(err, errlen, "cannot listen on %s: %s", path, strerror(errno));
		close(fd);
		unlink(path);
		return NULL;
	}
	s = cp_xcalloc(1, sizeof(*s));
	s->ev.fd = fd;
	s->ev.fn = srv_on_accept;
	s->cp = cp;
	snprintf(s->path, sizeof(s->path), "%s", path);
	if (cp_loop_add(&s->ev, EPOLLIN) != 0) {
		snprintf(err, errlen, "epoll: %s", strerror(errno));
		close(fd);
		unlink(path);
		free(s);
		return NULL;
	}
	return s;
}

void
cp_cli_server_close(struct cp_cli_server *s)
{
	if (s == NULL)
		return;
	while (s->conns != NULL)
		conn_close(s->conns);
	cp_loop_del(&s->ev);
	close(s->ev.fd);
	unlink(s->path);
	free(s);
}
