/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Controlplane helpers.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "controlplane/util.h"

static void
cp_oom(size_t n)
{
	fprintf(stderr, "chive-controlplane: out of memory allocating %zu bytes\n", n);
	abort();
}

void *
cp_xmalloc(size_t n)
{
	void *p = malloc(n != 0 ? n : 1);

	if (p == NULL)
		cp_oom(n);
	return p;
}

void *
cp_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n != 0 ? n : 1, size != 0 ? size : 1);

	if (p == NULL)
		cp_oom(n * size);
	return p;
}

void *
cp_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n != 0 ? n : 1);

	if (q == NULL)
		cp_oom(n);
	return q;
}

static void
buf_reserve(struct cp_buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;

	if (need <= b->cap)
		return;
	b->cap = b->cap != 0 ? b->cap : 256;
	while (b->cap < need)
		b->cap *= 2;
	b->p = cp_xrealloc(b->p, b->cap);
}

void
cp_buf_append(struct cp_buf *b, const void *data, size_t n)
{
	buf_reserve(b, n);
	memcpy(b->p + b->len, data, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void
cp_buf_printf(struct cp_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n <= 0)
		return;
	buf_reserve(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void
cp_buf_free(struct cp_buf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

uint64_t
cp_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}
