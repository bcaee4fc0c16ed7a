/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief The MetricsPort's HTTP: one request head in, one answer out.
 *
 * Just enough HTTP/1.0 and 1.1 (RFC 9112 §2-§5) for a scraper: the request
 * line and header lines are checked for form, not interpreted; the answer
 * is HTTP/1.0 with Content-Length and the connection closes after it, as
 * tor's MetricsPort does (tor answers 400, 404 and 405 the same way, with
 * no body; we add a one-line reason).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "controlplane/metrics/metrics_int.h"

/* RFC 9110 §5.6.2 tchar. */
static bool
is_tchar(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/* Bytes allowed in a request target (RFC 3986 unreserved, reserved and '%'). */
static bool
is_target_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c != '\0' && strchr("-._~:/?#[]@!$&'()*+,;=%", c) != NULL);
}

/*
 * Find the end of the line at @p p (before @p end): set *@p eol to the CR
 * or LF that ends it and return the start of the next line; NULL if no
 * LF yet. A CR not followed by LF is left in the line (and refused there).
 */
static const char *
next_line(const char *p, const char *end, const char **eol)
{
	const char *lf = memchr(p, '\n', (size_t)(end - p));

	if (lf == NULL)
		return NULL;
	*eol = lf > p && lf[-1] == '\r' ? lf - 1 : lf;
	return lf + 1;
}

/* The request line `METHOD SP TARGET SP HTTP/1.x`, [p, eol). */
static enum cp_metrics_req
request_line(const char *p, const char *eol)
{
	static const char path[] = "/metrics";
	const char *m = p, *t, *te;
	size_t ml, tl;

	while (p < eol && is_tchar(*p))
		p++;
	ml = (size_t)(p - m);
	if (ml == 0 || p == eol || *p != ' ')
		return CP_METRICS_REQ_BAD;
	t = ++p;
	while (p < eol && is_target_char(*p))
		p++;
	te = p;
	tl = (size_t)(te - t);
	if (tl == 0 || *t != '/' || p == eol || *p != ' ')
		return CP_METRICS_REQ_BAD;
	p++;
	if (eol - p != 8 || memcmp(p, "HTTP/1.", 7) != 0 || p[7] < '0' || p[7] > '9')
		return CP_METRICS_REQ_BAD;
	if (ml != 3 || memcmp(m, "GET", 3) != 0)
		return CP_METRICS_REQ_BAD_METHOD;
	/* The path, up to a query; the query is ignored. */
	for (const char *q = t; q < te; q++) {
		if (*q == '?' || *q == '#') {
			tl = (size_t)(q - t);
			break;
		}
	}
	if (tl == sizeof(path) - 1 && memcmp(t, path, tl) == 0)
		return CP_METRICS_REQ_METRICS;
	return CP_METRICS_REQ_NOT_FOUND;
}

/* A header line `NAME: value`, [p, eol). */
static bool
header_line(const char *p, const char *eol)
{
	const char *n = p;

	while (p < eol && is_tchar(*p))
		p++;
	if (p == n || p == eol || *p != ':')
		return false;
	for (p++; p < eol; p++) {
		unsigned char c = (unsigned char)*p;

		/* Visible ASCII, obs-text, space and tab (RFC 9110 §5.5). */
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return false;
	}
	return true;
}

enum cp_metrics_req
cp_metrics_http_parse(const char *buf, size_t len, size_t max)
{
	const char *p = buf, *end = buf + (len < max ? len : max), *eol, *next;
	enum cp_metrics_req what;

	/* RFC 9112 §2.2: empty lines before the request line may be skipped; allow one. */
	if (end - p >= 2 && p[0] == '\r' && p[1] == '\n')
		p += 2;
	else if (end - p >= 1 && p[0] == '\n')
		p += 1;
	next = next_line(p, end, &eol);
	if (next == NULL)
		return len >= max ? CP_METRICS_REQ_BAD : CP_METRICS_REQ_MORE;
	what = request_line(p, eol);
	if (what == CP_METRICS_REQ_BAD)
		return what;
	/* Bounded by @p max: each turn consumes one line. */
	for (p = next;; p = next) {
		next = next_line(p, end, &eol);
		if (next == NULL)
			return len >= max ? CP_METRICS_REQ_BAD : CP_METRICS_REQ_MORE;
		if (eol == p)
			return what;
		if (!header_line(p, eol))
			return CP_METRICS_REQ_BAD;
	}
}

void
cp_metrics_http_answer(struct cp_buf *out, enum cp_metrics_req req, const struct cp_buf *body,
		       time_t now)
{
	static const char *const status[] = {
		[CP_METRICS_REQ_METRICS] = "200 OK",
		[CP_METRICS_REQ_NOT_FOUND] = "404 Not Found",
		[CP_METRICS_REQ_BAD_METHOD] = "405 Method Not Allowed",
		[CP_METRICS_REQ_BAD] = "400 Bad Request",
	};
	static const char *const reason[] = {
		[CP_METRICS_REQ_NOT_FOUND] = "not found: the metrics are at /metrics\n",
		[CP_METRICS_REQ_BAD_METHOD] = "method not allowed: use GET\n",
		[CP_METRICS_REQ_BAD] = "bad request\n",
	};
	const char *type = "text/plain; charset=utf-8";
	const char *text;
	size_t text_len;
	char date[64];
	struct tm tm;

	if (req == CP_METRICS_REQ_MORE)
		req = CP_METRICS_REQ_BAD;
	if (req == CP_METRICS_REQ_METRICS) {
		type = "text/plain; version=0.0.4; charset=utf-8";
		text = body != NULL && body->p != NULL ? body->p : "";
		text_len = body != NULL ? body->len : 0;
	} else {
		text = reason[req];
		text_len = strlen(text);
	}
	/* RFC 9110 §5.6.7 IMF-fixdate. */
	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", &tm);
	cp_buf_printf(out,
		      "HTTP/1.0 %s\r\nDate: %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
		      "Connection: close\r\n\r\n",
		      status[req], date, type, text_len);
	cp_buf_append(out, text, text_len);
}
