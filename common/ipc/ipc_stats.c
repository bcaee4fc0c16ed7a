/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Counter directory: writer-side registration and reader-side snapshot.
 *
 * The directory is tiny and changes only at start-up (and later when a module
 * registers counters at run time), so a single-writer seqlock is enough: the
 * writer makes the epoch odd, changes entries, makes it even; a reader copies
 * everything and keeps the copy only if it saw the same even epoch before and
 * after.
 */
#include <errno.h>
#include <string.h>

#include "common/ipc/ipc_stats.h"

void
ipc_ctr_dir_init(struct ipc_ctr_dir *d, uint32_t max)
{
	memset(d, 0, ipc_ctr_dir_size(max));
	d->max = max;
	atomic_store_explicit(&d->epoch, 0, memory_order_release);
}

void
ipc_ctr_dir_begin(struct ipc_ctr_dir *d)
{
	uint32_t e = atomic_load_explicit(&d->epoch, memory_order_relaxed);

	atomic_store_explicit(&d->epoch, e | 1u, memory_order_relaxed);
	/* Entries written after this must not become visible before the odd epoch. */
	atomic_thread_fence(memory_order_release);
}

void
ipc_ctr_dir_end(struct ipc_ctr_dir *d)
{
	uint32_t e = atomic_load_explicit(&d->epoch, memory_order_relaxed);

	atomic_store_explicit(&d->epoch, (e | 1u) + 1u, memory_order_release);
}

bool
ipc_ctr_name_is_valid(const char *name)
{
	size_t len = strnlen(name, IPC_CTR_NAME_MAX);

	if (len < 2 || len >= IPC_CTR_NAME_MAX || name[0] != '/' || name[len - 1] == '/')
		return false;
	for (size_t i = 1; i < len; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '/'))
			return false;
		if (c == '/' && name[i - 1] == '/')
			return false;
	}
	return true;
}

static bool
ctr_help_is_valid(const char *help)
{
	size_t len = strnlen(help, IPC_CTR_HELP_MAX);

	if (len >= IPC_CTR_HELP_MAX)
		return false;
	for (size_t i = 0; i < len; i++)
		if (help[i] < 0x20 || help[i] > 0x7e)
			return false;
	return true;
}

static bool
ctr_kind_is_valid(uint16_t kind)
{
	return kind == IPC_CTR_KIND_COUNTER || kind == IPC_CTR_KIND_GAUGE;
}

int
ipc_ctr_dir_add(struct ipc_ctr_dir *d, const char *name, uint16_t kind, const char *help)
{
	struct ipc_ctr_desc *e;

	if (!ipc_ctr_name_is_valid(name) || !ctr_help_is_valid(help) || !ctr_kind_is_valid(kind))
		return -EINVAL;
	for (uint32_t i = 0; i < d->n; i++)
		if (strcmp(d->desc[i].name, name) == 0)
			return -EEXIST;
	if (d->n >= d->max)
		return -ENOSPC;
	e = &d->desc[d->n];
	memset(e, 0, sizeof(*e));
	strcpy(e->name, name);
	strcpy(e->help, help);
	e->kind = kind;
	e->index = d->n;
	d->n++;
	return (int)e->index;
}

static bool
ctr_desc_is_valid(const struct ipc_ctr_desc *e, uint32_t block_max)
{
	return memchr(e->name, '\0', sizeof(e->name)) != NULL &&
	       memchr(e->help, '\0', sizeof(e->help)) != NULL && ipc_ctr_name_is_valid(e->name) &&
	       ctr_kind_is_valid(e->kind) && e->index < block_max;
}

int
ipc_ctr_dir_snapshot(const struct ipc_ctr_dir *d, struct ipc_ctr_desc *out, uint32_t out_max,
		     uint32_t block_max, uint32_t *n_out, uint32_t *n_bad)
{
	for (int tries = 0; tries < IPC_CTR_SNAPSHOT_TRIES; tries++) {
		uint32_t e0 = atomic_load_explicit(&d->epoch, memory_order_acquire);
		uint32_t n, k = 0, bad = 0;

		if (e0 & 1u)
			continue;
		n = d->n;
		if (n > d->max)
			n = d->max;
		for (uint32_t i = 0; i < n && k < out_max; i++) {
			memcpy(&out[k], &d->desc[i], sizeof(out[k]));
			if (ctr_desc_is_valid(&out[k], block_max))
				k++;
			else
				bad++;
		}
		atomic_thread_fence(memory_order_acquire);
		if (atomic_load_explicit(&d->epoch, memory_order_relaxed) != e0)
			continue;
		*n_out = k;
		if (n_bad != NULL)
			*n_bad = bad;
		return 0;
	}
	return -EAGAIN;
}
