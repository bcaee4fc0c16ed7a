/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief The JSON writer of `chivectl --json` (see cli_json.h for the rules).
 */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "controlplane/cli/cli_json.h"

void
cp_json_init(struct cp_json *j, struct cp_buf *b)
{
	memset(j, 0, sizeof(*j));
	j->b = b;
}

/*
 * Length of the well-formed UTF-8 sequence starting at @p s (@p n bytes
 * left) whose first byte is >= 0x80, or 0 if it is not one (RFC 3629 §4).
 */
static size_t
utf8_seq_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	size_t len;

	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4;
	else
		return 0;
	/* The second byte's range rules out overlong forms, surrogates and > U+10FFFF. */
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

void
cp_json_escape(struct cp_buf *b, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t run = 0; /* bytes before s[i] not yet appended */
	size_t i = 0;

	while (i < n) {
		unsigned char c = s[i];
		const char *esc = NULL;
		char u[8];
		size_t len = 1;

		if (c >= 0x80) {
			len = utf8_seq_len(s + i, n - i);
			if (len != 0) {
				run += len;
				i += len;
				continue;
			}
			len = 1;
		} else if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7f) {
			run++;
			i++;
			continue;
		}
		switch (c) {
		case '"':
			esc = "\\\"";
			break;
		case '\\':
			esc = "\\\\";
			break;
		case '\b':
			esc = "\\b";
			break;
		case '\f':
			esc = "\\f";
			break;
		case '\n':
			esc = "\\n";
			break;
		case '\r':
			esc = "\\r";
			break;
		case '\t':
			esc = "\\t";
			break;
		default:
			snprintf(u, sizeof(u), "\\u%04x", (unsigned)c);
			esc = u;
			break;
		}
		if (run != 0)
			cp_buf_append(b, s + i - run, run);
		run = 0;
		cp_buf_append(b, esc, strlen(esc));
		i += len;
	}
	if (run != 0)
		cp_buf_append(b, s + i - run, run);
}

/* Before any value or key: the comma that separates it from the previous one. */
static void
json_sep(struct cp_json *j)
{
	uint32_t bit;

	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (j->depth == 0)
		return;
	bit = 1u << (j->depth - 1);
	if (j->has_elt & bit)
		cp_buf_append(j->b, ",", 1);
	j->has_elt |= bit;
}

static void
json_open(struct cp_json *j, char c)
{
	json_sep(j);
	cp_buf_append(j->b, &c, 1);
	if (j->depth < CP_JSON_DEPTH_MAX) {
		j->depth++;
		j->has_elt &= ~(1u << (j->depth - 1));
	}
}

static void
json_close(struct cp_json *j, char c)
{
	cp_buf_append(j->b, &c, 1);
	if (j->depth > 0)
		j->depth--;
	j->after_key = false;
}

void
cp_json_obj_begin(struct cp_json *j)
{
	json_open(j, '{');
}

void
cp_json_obj_end(struct cp_json *j)
{
	json_close(j, '}');
}

void
cp_json_arr_begin(struct cp_json *j)
{
	json_open(j, '[');
}

void
cp_json_arr_end(struct cp_json *j)
{
	json_close(j, ']');
}

void
cp_json_key(struct cp_json *j, const char *key)
{
	json_sep(j);
	cp_buf_append(j->b, "\"", 1);
	cp_json_escape(j->b, key, strlen(key));
	cp_buf_append(j->b, "\":", 2);
	j->after_key = true;
}

void
cp_json_strn(struct cp_json *j, const char *s, size_t n)
{
	json_sep(j);
	cp_buf_append(j->b, "\"", 1);
	cp_json_escape(j->b, s, n);
	cp_buf_append(j->b, "\"", 1);
}

void
cp_json_str(struct cp_json *j, const char *s)
{
	if (s == NULL)
		cp_json_null(j);
	else
		cp_json_strn(j, s, strlen(s));
}

void
cp_json_strf(struct cp_json *j, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	s = cp_xcalloc(1, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	cp_json_strn(j, s, (size_t)n);
	free(s);
}

void
cp_json_u64(struct cp_json *j, uint64_t v)
{
	json_sep(j);
	cp_buf_printf(j->b, "%" PRIu64, v);
}

void
cp_json_i64(struct cp_json *j, int64_t v)
{
	json_sep(j);
	cp_buf_printf(j->b, "%" PRId64, v);
}

void
cp_json_double(struct cp_json *j, double v)
{
	if (!isfinite(v)) {
		cp_json_null(j);
		return;
	}
	json_sep(j);
	cp_buf_printf(j->b, "%.15g", v);
}

void
cp_json_bool(struct cp_json *j, bool v)
{
	json_sep(j);
	cp_buf_printf(j->b, "%s", v ? "true" : "false");
}

void
cp_json_null(struct cp_json *j)
{
	json_sep(j);
	cp_buf_append(j->b, "null", 4);
}

void
cp_json_kv_str(struct cp_json *j, const char *key, const char *s)
{
	cp_json_key(j, key);
	cp_json_str(j, s);
}

void
cp_json_kv_u64(struct cp_json *j, const char *key, uint64_t v)
{
	cp_json_key(j, key);
	cp_json_u64(j, v);
}

void
cp_json_kv_i64(struct cp_json *j, const char *key, int64_t v)
{
	cp_json_key(j, key);
	cp_json_i64(j, v);
}

void
cp_json_kv_double(struct cp_json *j, const char *key, double v)
{
	cp_json_key(j, key);
	cp_json_double(j, v);
}

void
cp_json_kv_bool(struct cp_json *j, const char *key, bool v)
{
	cp_json_key(j, key);
	cp_json_bool(j, v);
}

void
cp_json_kv_null(struct cp_json *j, const char *key)
{
	cp_json_key(j, key);
	cp_json_null(j);
}

void
cp_json_kv_time(struct cp_json *j, const char *key, int64_t t)
{
	cp_json_key(j, key);
	if (t == 0)
		cp_json_null(j);
	else
		cp_json_i64(j, t);
}

void
cp_json_end(struct cp_json *j)
{
	cp_buf_append(j->b, "\n", 1);
}
