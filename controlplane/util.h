/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Controlplane helpers: aborting allocators, a growable text buffer, the clock.
 *
 * The controlplane is a restartable process, so like tor_malloc it aborts on
 * OOM instead of threading allocation failures through every caller
 * (CONVENTIONS.md §20).
 */
#ifndef CONTROLPLANE_UTIL_H
#define CONTROLPLANE_UTIL_H

#include <stddef.h>
#include <stdint.h>

/** malloc() that aborts the process on failure. */
void *cp_xmalloc(size_t n);
/** calloc() that aborts the process on failure. */
void *cp_xcalloc(size_t n, size_t size);
/** realloc() that aborts the process on failure. */
void *cp_xrealloc(void *p, size_t n);

/** A growable, always NUL-terminated text buffer. Zero-initialise to start. */
struct cp_buf {
	char *p;
	size_t len;
	size_t cap;
};

/** Append formatted text to @p b. */
void cp_buf_printf(struct cp_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/** Append @p n bytes. */
void cp_buf_append(struct cp_buf *b, const void *data, size_t n);
/** Free the buffer and zero it. */
void cp_buf_free(struct cp_buf *b);

/** CLOCK_MONOTONIC in ns. */
uint64_t cp_now_ns(void);

#endif /* CONTROLPLANE_UTIL_H */
