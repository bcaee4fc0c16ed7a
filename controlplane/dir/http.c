/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Non-blocking HTTP/1.0 client for directory requests.
 */
#include "controlplane/dir/http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

/* The longest reply head we accept. */
#define HTTP_HEAD_MAX 16384

static void http_on_event(struct cp_ctx *cp, struct cp_ev *ev, uint32_t events);

static void
http_close(struct cp_http *h)
{
	if (h->ev.fd >= 0) {
		cp_loop_del(&h->ev);
		close(h->ev.fd);
		h->ev.fd = -1;
	}
	cp_buf_free(&h->out);
	cp_buf_free(&h->in);
	h->busy = false;
}

/* Report and release: the callback may start the next request on @p h. */
static void
http_finish(struct cp_http *h, int status, const char *reason, long body_off)
{
	cp_http_done_fn *done = h->done;
	void *arg = h->arg;
	struct cp_buf in = h->in;

	h->in = (struct cp_buf){0};
	http_close(h);
	if (status > 0)
		done(h, status, reason, in.p + body_off, in.len - (size_t)body_off, arg);
	else
		done(h, status, reason, "", 0, arg);
	cp_buf_free(&in);
}

long
cp_http_parse_head(const char *buf, size_t len, int *status, char *reason, size_t reason_len,
		   long long *clen, bool *encoded)
{
	const char *end = memmem(buf, len, "\r\n\r\n", 4);
	size_t hl = 4;
	const char *line, *eol, *lim;
	char *e;
	long v;

	if (end == NULL) {
		/* Be lenient with bare LF, as tor's parse_http_response is. */
		end = memmem(buf, len, "\n\n", 2);
		hl = 2;
	}
	if (end == NULL)
		return len > HTTP_HEAD_MAX ? -EPROTO : 0;
	if ((size_t)(end - buf) > HTTP_HEAD_MAX)
		return -EPROTO;
	lim = end;
	if (lim - buf < 12 || strncmp(buf, "HTTP/1.", 7) != 0 || buf[8] != ' ')
		return -EPROTO;
	errno = 0;
	v = strtol(buf + 9, &e, 10);
	if (errno != 0 || e != buf + 12 || v < 100 || v > 599)
		return -EPROTO;
	*status = (int)v;
	eol = memchr(buf, '\n', (size_t)(lim - buf) + 1);
	if (eol == NULL)
		eol = lim;
	{
		const char *r = buf + 12;
		size_t n;

		while (r < eol && *r == ' ')
			r++;
		n = (size_t)(eol - r);
		if (n > 0 && r[n - 1] == '\r')
			n--;
		if (n >= reason_len)
			n = reason_len - 1;
		memcpy(reason, r, n);
		reason[n] = '\0';
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)reason[i] < 0x20)
				reason[i] = '?';
	}
	*clen = -1;
	*encoded = false;
	for (line = eol + 1; line < lim; line = eol + 1) {
		size_t n;

		eol = memchr(line, '\n', (size_t)(lim - line));
		if (eol == NULL)
			eol = lim;
		n = (size_t)(eol - line);
		if (n >= 15 && strncasecmp(line, "Content-Length:", 15) == 0) {
			char tmp[32];
			size_t k = n - 15 < sizeof(tmp) - 1 ? n - 15 : sizeof(tmp) - 1;

			memcpy(tmp, line + 15, k);
			tmp[k] = '\0';
			errno = 0;
			*clen = strtoll(tmp, &e, 10);
			while (*e == ' ' || *e == '\r')
				e++;
			if (errno != 0 || *clen < 0 || *e != '\0')
				return -EPROTO;
		} else if (n >= 17 && strncasecmp(line, "Content-Encoding:", 17) == 0) {
			const char *p = line + 17;

			while (p < eol && *p == ' ')
				p++;
			if (!((size_t)(eol - p) >= 8 && strncasecmp(p, "identity", 8) == 0))
				*encoded = true;
		}
	}
	return (long)((end - buf) + (long)hl);
}

int
cp_http_start(struct cp_http *h, uint32_t ip, uint16_t port, const char *method, const char *path,
	      const char *body, size_t body_len, size_t max_reply, uint64_t timeout_ns,
	      cp_http_done_fn *done, void *arg)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	struct in_addr ia = {.s_addr = htonl(ip)};
	char host[INET_ADDRSTRLEN];
	int fd, rc;

	if (h->busy)
		return -EBUSY;
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	sa.sin_addr.s_addr = htonl(ip);
	sa.sin_port = htons(port);
	rc = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	if (rc != 0 && errno != EINPROGRESS) {
		rc = -errno;
		close(fd);
		return rc;
	}
	*h = (struct cp_http){.ev = {.fd = fd, .fn = http_on_event},
			      .busy = true,
			      .deadline_ns = cp_now_ns() + timeout_ns,
			      .max_reply = max_reply,
			      .done = done,
			      .arg = arg};
	inet_ntop(AF_INET, &ia, host, sizeof(host));
	cp_buf_printf(&h->out, "%s %s HTTP/1.0\r\nHost: %s:%u\r\n", method, path, host, port);
	if (body != NULL)
		cp_buf_printf(&h->out, "Content-Length: %zu\r\n", body_len);
	cp_buf_printf(&h->out, "\r\n");
	if (body != NULL)
		cp_buf_append(&h->out, body, body_len);
	rc = cp_loop_add(&h->ev, EPOLLOUT);
	if (rc != 0) {
		http_close(h);
		return rc;
	}
	return 0;
}

static void
http_on_event(struct cp_ctx *cp, struct cp_ev *ev, uint32_t events)
{
	struct cp_http *h = (struct cp_http *)((char *)ev - offsetof(struct cp_http, ev));
	char reason[128];
	long long clen;
	bool encoded;
	int status, err;
	socklen_t sl = sizeof(err);
	long off;
	ssize_t n;

	(void)cp;
	if (!h->connected) {
		if (getsockopt(ev->fd, SOL_SOCKET, SO_ERROR, &err, &sl) != 0)
			err = errno;
		if (err != 0) {
			http_finish(h, -err, strerror(err), 0);
			return;
		}
		if (!(events & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
			return;
		h->connected = true;
	}
	if (h->out_off < h->out.len) {
		n = send(ev->fd, h->out.p + h->out_off, h->out.len - h->out_off, MSG_NOSIGNAL);
		if (n < 0 && errno != EAGAIN && errno != EINTR) {
			err = errno;
			http_finish(h, -err, strerror(err), 0);
			return;
		}
		if (n > 0)
			h->out_off += (size_t)n;
		if (h->out_off == h->out.len)
			cp_loop_mod(&h->ev, EPOLLIN);
		return;
	}
	for (;;) {
		char buf[16384];

		n = recv(ev->fd, buf, sizeof(buf), 0);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				break;
			err = errno;
			http_finish(h, -err, strerror(err), 0);
			return;
		}
		if (n > 0) {
			if (h->in.len + (size_t)n > h->max_reply) {
				http_finish(h, -EMSGSIZE, "reply too large", 0);
				return;
			}
			cp_buf_append(&h->in, buf, (size_t)n);
		}
		off = h->in.len ? cp_http_parse_head(h->in.p, h->in.len, &status, reason,
						     sizeof(reason), &clen, &encoded)
				: 0;
		if (off < 0) {
			http_finish(h, -EPROTO, "malformed HTTP reply", 0);
			return;
		}
		if (off > 0 && encoded) {
			http_finish(h, -EPROTO, "compressed reply", 0);
			return;
		}
		if (n == 0 || (off > 0 && clen >= 0 && h->in.len >= (size_t)off + (size_t)clen)) {
			if (off == 0) {
				http_finish(h, -EPROTO, "connection closed before a reply", 0);
				return;
			}
			if (clen >= 0 && h->in.len < (size_t)off + (size_t)clen) {
				http_finish(h, -EPROTO, "reply shorter than its Content-Length", 0);
				return;
			}
			if (clen >= 0)
				h->in.len = (size_t)off + (size_t)clen;
			http_finish(h, status, reason, off);
			return;
		}
	}
}

void
cp_http_tick(struct cp_http *h, uint64_t now_ns)
{
	if (h->busy && now_ns > h->deadline_ns)
		http_finish(h, -ETIMEDOUT, "timed out", 0);
}

void
cp_http_cancel(struct cp_http *h)
{
	if (h->busy)
		http_close(h);
}
