/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief A small non-blocking HTTP/1.0 client on the control plane's loop.
 *
 * For the directory protocol (dir-spec §6: HTTP/1.0 to an authority's
 * DirPort; one request per connection, the server closes after the reply).
 * One struct cp_http is one request in flight: connect, write the request,
 * read until the server closes (or Content-Length is reached), parse the
 * status line and headers, and call the completion callback exactly once,
 * also on failure and on timeout (cp_http_tick()). The reply is bounded
 * (@p max_reply); compressed replies are refused (we never ask for them).
 *
 * Who may include it: controlplane/ and tests/.
 */
#ifndef CONTROLPLANE_DIR_HTTP_H
#define CONTROLPLANE_DIR_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "controlplane/loop.h"
#include "controlplane/util.h"

struct cp_http;

/**
 * Completion: @p status is the HTTP status (200, 404, ...) with @p body /
 * @p len the reply body (valid during the call only), or a negative errno
 * (-ETIMEDOUT, -ECONNREFUSED, -EMSGSIZE: reply too large, -EPROTO:
 * unparseable) with @p reason saying what happened. @p reason is the
 * status line's reason phrase on success.
 */
typedef void(cp_http_done_fn)(struct cp_http *h, int status, const char *reason, const char *body,
			      size_t len, void *arg);

struct cp_http {
	struct cp_ev ev; /**< registered with the loop while in flight */
	bool busy;	 /**< a request is in flight */
	bool connected;
	uint64_t deadline_ns; /**< CLOCK_MONOTONIC */
	struct cp_buf out;    /**< the request */
	size_t out_off;	      /**< bytes of it written */
	struct cp_buf in;     /**< the reply so far */
	size_t max_reply;
	cp_http_done_fn *done;
	void *arg;
};

/**
 * Start a request to @p ip:@p port (host order): "@p method @p path
 * HTTP/1.0" with a Host header and, when @p body is not NULL, the body with
 * its Content-Length. Completion is reported through @p done (never from
 * inside this call).
 *
 * @return
 *   0, or -EBUSY (one already in flight), or -errno from socket/connect
 *   (then @p done is not called).
 */
int cp_http_start(struct cp_http *h, uint32_t ip, uint16_t port, const char *method,
		  const char *path, const char *body, size_t body_len, size_t max_reply,
		  uint64_t timeout_ns, cp_http_done_fn *done, void *arg);

/** Fail the request with -ETIMEDOUT once @p now_ns passes its deadline. */
void cp_http_tick(struct cp_http *h, uint64_t now_ns);

/** Abandon the request without calling its callback; frees its buffers. */
void cp_http_cancel(struct cp_http *h);

/**
 * Parse an HTTP/1.x reply head in @p buf (@p len bytes).
 *
 * @return
 *   the offset of the body, with the status in @p status, the reason phrase
 *   copied to @p reason, the Content-Length in @p clen (-1 when absent) and
 *   whether a Content-Encoding other than identity is announced in
 *   @p encoded; 0 when the head is not complete yet; -EPROTO when malformed.
 */
long cp_http_parse_head(const char *buf, size_t len, int *status, char *reason, size_t reason_len,
			long long *clen, bool *encoded);

#endif /* CONTROLPLANE_DIR_HTTP_H */
