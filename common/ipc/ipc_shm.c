/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Shared segment: layout, create, attach, validate, close.
 *
 * ipc_seg_format() and ipc_seg_validate() are pure functions over a memory
 * buffer, so tests can craft broken segments byte by byte; ipc_shm_create()
 * and ipc_shm_attach() add the POSIX shm object and the mapping around them.
 * The attaching side trusts nothing in the header until ipc_seg_validate()
 * has bounded every offset by the size it actually mapped.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/ipc/ipc_msg.h"
#include "common/ipc/ipc_shm.h"

#define SEG_ALIGN ((uint64_t)CHIVE_CACHE_LINE)
#define SEG_PAGE 4096u

static void
seg_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static const char *const ring_names[IPC_RING_COUNT] = { "cmd", "evt", "cell_up", "cell_down" };

void
ipc_seg_geom_default(struct ipc_seg_geom *g, uint32_t n_lcores)
{
	memset(g, 0, sizeof(*g));
	g->n_lcores = n_lcores;
	for (uint32_t i = 0; i < n_lcores && i < IPC_MAX_LCORES; i++)
		g->lcore_ids[i] = i;
	g->ring_slots[IPC_RING_CMD] = 1024;
	g->ring_slot_size[IPC_RING_CMD] = IPC_CMD_SLOT;
	g->ring_slots[IPC_RING_EVT] = 1024;
	g->ring_slot_size[IPC_RING_EVT] = IPC_EVT_SLOT;
	g->ring_slots[IPC_RING_CELL_UP] = 1024;
	g->ring_slot_size[IPC_RING_CELL_UP] = IPC_CELL_SLOT;
	g->ring_slots[IPC_RING_CELL_DOWN] = 1024;
	g->ring_slot_size[IPC_RING_CELL_DOWN] = IPC_CELL_SLOT;
	g->ctr_max = 1024;
}

/* Offsets of everything, computed identically by the creator and the validator. */
struct seg_layout {
	uint64_t lcore_desc_off;
	uint64_t ctr_dir_off;
	uint64_t lcores_off; /* first lcore's first ring */
	uint64_t ring_size[IPC_RING_COUNT];
	uint64_t ctr_block_size;
	uint64_t per_lcore;
	uint64_t size;
};

static int
seg_layout(uint32_t n_lcores, const uint32_t *slots, const uint32_t *slot_size, uint32_t ctr_max,
	   struct seg_layout *l)
{
	uint64_t off;

	if (n_lcores == 0 || n_lcores > IPC_MAX_LCORES || ctr_max == 0 || ctr_max > (1u << 16))
		return -EINVAL;
	off = CHIVE_ALIGN_UP((uint64_t)sizeof(struct ipc_seg_hdr), SEG_ALIGN);
	l->lcore_desc_off = off;
	off += CHIVE_ALIGN_UP((uint64_t)n_lcores * sizeof(struct ipc_lcore_desc), SEG_ALIGN);
	l->ctr_dir_off = off;
	off += CHIVE_ALIGN_UP((uint64_t)ipc_ctr_dir_size(ctr_max), SEG_ALIGN);
	l->lcores_off = off;
	l->per_lcore = 0;
	for (uint32_t r = 0; r < IPC_RING_COUNT; r++) {
		l->ring_size[r] = ipc_ring_mem_size(slots[r], slot_size[r]);
		if (l->ring_size[r] == 0)
			return -EINVAL;
		l->per_lcore += l->ring_size[r];
	}
	l->ctr_block_size = ipc_ctr_block_size(ctr_max);
	l->per_lcore += l->ctr_block_size;
	off += l->per_lcore * n_lcores;
	l->size = CHIVE_ALIGN_UP(off, (uint64_t)SEG_PAGE);
	return 0;
}

size_t
ipc_seg_size(const struct ipc_seg_geom *g)
{
	struct seg_layout l;

	if (seg_layout(g->n_lcores, g->ring_slots, g->ring_slot_size, g->ctr_max, &l) != 0)
		return 0;
	return (size_t)l.size;
}

int
ipc_seg_format(void *mem, size_t size, const struct ipc_seg_geom *g, uint32_t pid)
{
	struct ipc_seg_hdr *h = mem;
	struct ipc_lcore_desc *ld;
	struct seg_layout l;
	struct timespec ts;
	uint8_t *base = mem;
	uint64_t off;

	if (seg_layout(g->n_lcores, g->ring_slots, g->ring_slot_size, g->ctr_max, &l) != 0 ||
	    l.size != size || ((uintptr_t)mem % SEG_ALIGN) != 0)
		return -EINVAL;
	memset(h, 0, sizeof(*h));
	h->magic = IPC_MAGIC;
	h->abi_version = IPC_ABI_VERSION;
	h->hdr_size = sizeof(*h);
	h->size = size;
	h->dp_pid = pid;
	clock_gettime(CLOCK_REALTIME, &ts);
	h->created_ns = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	h->created_mono_ns = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
	h->n_lcores = g->n_lcores;
	h->ctr_max = g->ctr_max;
	memcpy(h->ring_slots, g->ring_slots, sizeof(h->ring_slots));
	memcpy(h->ring_slot_size, g->ring_slot_size, sizeof(h->ring_slot_size));
	h->lcore_desc_off = l.lcore_desc_off;
	h->ctr_dir_off = l.ctr_dir_off;
	ipc_ctr_dir_init((struct ipc_ctr_dir *)(void *)(base + l.ctr_dir_off), g->ctr_max);

	ld = (struct ipc_lcore_desc *)(void *)(base + l.lcore_desc_off);
	off = l.lcores_off;
	for (uint32_t i = 0; i < g->n_lcores; i++) {
		memset(&ld[i], 0, sizeof(ld[i]));
		ld[i].lcore_id = g->lcore_ids[i];
		for (uint32_t r = 0; r < IPC_RING_COUNT; r++) {
			ld[i].ring_off[r] = off;
			if (ipc_ring_init(base + off, l.ring_size[r], g->ring_slots[r],
					  g->ring_slot_size[r]) != 0)
				return -EINVAL;
			off += l.ring_size[r];
		}
		ld[i].ctr_off = off;
		off += l.ctr_block_size;
	}
	atomic_store_explicit(&h->state, IPC_SEG_STATE_INIT, memory_order_release);
	return 0;
}

/* True if [off, off + len) lies inside a mapping of @size bytes and off is aligned. */
static bool
seg_extent_ok(uint64_t off, uint64_t len, uint64_t size)
{
	return off % SEG_ALIGN == 0 && off <= size && len <= size - off;
}

int
ipc_seg_validate(const void *mem, size_t mapped_size, char *err, size_t errlen)
{
	const struct ipc_seg_hdr *h = mem;
	const uint8_t *base = mem;
	const struct ipc_lcore_desc *ld;
	const struct ipc_ctr_dir *dir;
	struct seg_layout l;

	if (mapped_size < sizeof(*h)) {
		seg_err(err, errlen, "segment is %zu bytes, smaller than its %zu-byte header",
			mapped_size, sizeof(*h));
		return -EBADMSG;
	}
	if (h->magic != IPC_MAGIC) {
		seg_err(err, errlen, "bad magic 0x%016llx (expected 0x%016llx): not a Chive segment",
			(unsigned long long)h->magic, (unsigned long long)IPC_MAGIC);
		return -EPROTO;
	}
	if (h->abi_version != IPC_ABI_VERSION) {
		seg_err(err, errlen,
			"ABI version mismatch: segment has version %u, this program speaks version %u; "
			"run a dataplane and controlplane from the same build",
			h->abi_version, IPC_ABI_VERSION);
		return -EPROTONOSUPPORT;
	}
	if (h->hdr_size != sizeof(*h)) {
		seg_err(err, errlen, "header size mismatch: segment says %u bytes, expected %zu",
			h->hdr_size, sizeof(*h));
		return -EBADMSG;
	}
	if (h->size != mapped_size) {
		seg_err(err, errlen, "size mismatch: header says %llu bytes, object is %zu bytes",
			(unsigned long long)h->size, mapped_size);
		return -EBADMSG;
	}
	if (seg_layout(h->n_lcores, h->ring_slots, h->ring_slot_size, h->ctr_max, &l) != 0) {
		seg_err(err, errlen, "invalid geometry: %u lcores, %u counters per block, rings %u/%u/%u/%u",
			h->n_lcores, h->ctr_max, h->ring_slots[0], h->ring_slots[1], h->ring_slots[2],
			h->ring_slots[3]);
		return -EBADMSG;
	}
	if (l.size != h->size) {
		seg_err(err, errlen, "size mismatch: geometry needs %llu bytes, header says %llu",
			(unsigned long long)l.size, (unsigned long long)h->size);
		return -EBADMSG;
	}
	if (!seg_extent_ok(h->lcore_desc_off, (uint64_t)h->n_lcores * sizeof(*ld), h->size)) {
		seg_err(err, errlen, "lcore table offset %llu out of range",
			(unsigned long long)h->lcore_desc_off);
		return -ERANGE;
	}
	if (!seg_extent_ok(h->ctr_dir_off, ipc_ctr_dir_size(h->ctr_max), h->size)) {
		seg_err(err, errlen, "counter directory offset %llu out of range",
			(unsigned long long)h->ctr_dir_off);
		return -ERANGE;
	}
	dir = (const struct ipc_ctr_dir *)(const void *)(base + h->ctr_dir_off);
	if (dir->max != h->ctr_max) {
		seg_err(err, errlen, "counter directory holds %u entries, header says %u", dir->max,
			h->ctr_max);
		return -EBADMSG;
	}
	ld = (const struct ipc_lcore_desc *)(const void *)(base + h->lcore_desc_off);
	for (uint32_t i = 0; i < h->n_lcores; i++) {
		for (uint32_t r = 0; r < IPC_RING_COUNT; r++) {
			const struct ipc_ring *ring;

			if (!seg_extent_ok(ld[i].ring_off[r], l.ring_size[r], h->size)) {
				seg_err(err, errlen, "lcore %u %s ring offset %llu out of range", i,
					ring_names[r], (unsigned long long)ld[i].ring_off[r]);
				return -ERANGE;
			}
			ring = (const struct ipc_ring *)(const void *)(base + ld[i].ring_off[r]);
			if (ring->nslots != h->ring_slots[r] || ring->slot_size != h->ring_slot_size[r]) {
				seg_err(err, errlen,
					"lcore %u %s ring geometry %ux%u differs from header %ux%u", i,
					ring_names[r], ring->nslots, ring->slot_size, h->ring_slots[r],
					h->ring_slot_size[r]);
				return -EBADMSG;
			}
		}
		if (!seg_extent_ok(ld[i].ctr_off, l.ctr_block_size, h->size)) {
			seg_err(err, errlen, "lcore %u counter block offset %llu out of range", i,
				(unsigned long long)ld[i].ctr_off);
			return -ERANGE;
		}
	}
	return 0;
}

bool
ipc_shm_name_is_valid(const char *name)
{
	size_t len = strnlen(name, IPC_SHM_NAME_MAX);

	if (len == 0 || len >= IPC_SHM_NAME_MAX - 1 || name[0] == '.')
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_' || c == '.'))
			return false;
	}
	return true;
}

static bool
pid_is_alive(uint32_t pid)
{
	if (pid == 0)
		return false;
	return kill((pid_t)pid, 0) == 0 || errno == EPERM;
}

/* Return true if the existing object at @path belongs to a live dataplane. */
static bool
shm_existing_is_live(const char *path)
{
	struct ipc_seg_hdr h;
	bool live = false;
	int fd = shm_open(path, O_RDONLY, 0);

	if (fd < 0)
		return false;
	if (pread(fd, &h, sizeof(h), 0) == (ssize_t)sizeof(h) && h.magic == IPC_MAGIC &&
	    atomic_load_explicit(&h.state, memory_order_relaxed) != IPC_SEG_STATE_STOPPING)
		live = h.dp_pid != (uint32_t)getpid() && pid_is_alive(h.dp_pid);
	close(fd);
	return live;
}

int
ipc_shm_create(const char *name, const struct ipc_seg_geom *g, uint32_t pid, struct ipc_shm *out,
	       char *err, size_t errlen)
{
	char path[IPC_SHM_NAME_MAX + 1];
	size_t size;
	void *mem;
	int fd, rc;

	memset(out, 0, sizeof(*out));
	out->fd = -1;
	if (!ipc_shm_name_is_valid(name)) {
		seg_err(err, errlen, "invalid segment name '%s' (use letters, digits, '-', '_', '.')",
			name);
		return -EINVAL;
	}
	size = ipc_seg_size(g);
	if (size == 0) {
		seg_err(err, errlen, "invalid segment geometry");
		return -EINVAL;
	}
	snprintf(path, sizeof(path), "/%s", name);
	if (shm_existing_is_live(path)) {
		seg_err(err, errlen, "segment /dev/shm/%s belongs to a running dataplane", name);
		return -EEXIST;
	}
	/* Anything left is a leftover of a crashed dataplane: replace it. */
	shm_unlink(path);
	fd = shm_open(path, O_RDWR | O_CREAT | O_EXCL, 0600);
	if (fd < 0) {
		rc = -errno;
		seg_err(err, errlen, "shm_open(%s): %s", path, strerror(errno));
		return rc;
	}
	if (ftruncate(fd, (off_t)size) != 0) {
		rc = -errno;
		seg_err(err, errlen, "ftruncate(%s, %zu): %s", path, size, strerror(errno));
		goto fail_unlink;
	}
	mem = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, 0);
	if (mem == MAP_FAILED) {
		rc = -errno;
		seg_err(err, errlen, "mmap(%s): %s", path, strerror(errno));
		goto fail_unlink;
	}
	rc = ipc_seg_format(mem, size, g, pid);
	if (rc != 0) {
		seg_err(err, errlen, "cannot lay out segment");
		munmap(mem, size);
		goto fail_unlink;
	}
	out->hdr = mem;
	out->size = size;
	out->fd = fd;
	out->owner = true;
	snprintf(out->name, sizeof(out->name), "%s", name);
	return 0;

fail_unlink:
	close(fd);
	shm_unlink(path);
	return rc;
}

void
ipc_shm_publish(struct ipc_shm *s)
{
	atomic_store_explicit(&s->hdr->state, IPC_SEG_STATE_READY, memory_order_release);
}

int
ipc_shm_attach(const char *name, struct ipc_shm *out, char *err, size_t errlen)
{
	char path[IPC_SHM_NAME_MAX + 1];
	struct stat st;
	uint32_t state;
	void *mem;
	int fd, rc;

	memset(out, 0, sizeof(*out));
	out->fd = -1;
	if (!ipc_shm_name_is_valid(name)) {
		seg_err(err, errlen, "invalid segment name '%s'", name);
		return -EINVAL;
	}
	snprintf(path, sizeof(path), "/%s", name);
	fd = shm_open(path, O_RDWR, 0);
	if (fd < 0) {
		rc = -errno;
		if (rc == -ENOENT)
			seg_err(err, errlen, "no segment /dev/shm/%s: is chive-dataplane running?", name);
		else
			seg_err(err, errlen, "shm_open(%s): %s", path, strerror(errno));
		return rc;
	}
	if (fstat(fd, &st) != 0) {
		rc = -errno;
		seg_err(err, errlen, "fstat(%s): %s", path, strerror(errno));
		goto fail_close;
	}
	if (st.st_size < (off_t)sizeof(struct ipc_seg_hdr)) {
		seg_err(err, errlen, "segment /dev/shm/%s is %lld bytes, smaller than a header", name,
			(long long)st.st_size);
		rc = st.st_size == 0 ? -EAGAIN : -EBADMSG;
		goto fail_close;
	}
	mem = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (mem == MAP_FAILED) {
		rc = -errno;
		seg_err(err, errlen, "mmap(%s): %s", path, strerror(errno));
		goto fail_close;
	}
	state = atomic_load_explicit(&((struct ipc_seg_hdr *)mem)->state, memory_order_acquire);
	if (((struct ipc_seg_hdr *)mem)->magic == IPC_MAGIC && state != IPC_SEG_STATE_READY) {
		seg_err(err, errlen, "segment /dev/shm/%s is %s", name,
			state == IPC_SEG_STATE_INIT ? "still being built" : "stopping");
		rc = -EAGAIN;
		goto fail_unmap;
	}
	rc = ipc_seg_validate(mem, (size_t)st.st_size, err, errlen);
	if (rc != 0)
		goto fail_unmap;
	out->hdr = mem;
	out->size = (size_t)st.st_size;
	out->fd = fd;
	out->owner = false;
	snprintf(out->name, sizeof(out->name), "%s", name);
	return 0;

fail_unmap:
	munmap(mem, (size_t)st.st_size);
fail_close:
	close(fd);
	return rc;
}

void
ipc_shm_close(struct ipc_shm *s)
{
	char path[IPC_SHM_NAME_MAX + 1];

	if (s->hdr != NULL) {
		if (s->owner) {
			atomic_store_explicit(&s->hdr->state, IPC_SEG_STATE_STOPPING,
					      memory_order_release);
			snprintf(path, sizeof(path), "/%s", s->name);
			shm_unlink(path);
		}
		munmap(s->hdr, s->size);
	}
	if (s->fd >= 0)
		close(s->fd);
	memset(s, 0, sizeof(*s));
	s->fd = -1;
}

const struct ipc_lcore_desc *
ipc_shm_lcore(const struct ipc_shm *s, uint32_t i)
{
	const uint8_t *base = (const uint8_t *)s->hdr;

	return (const struct ipc_lcore_desc *)(const void *)(base + s->hdr->lcore_desc_off) + i;
}

struct ipc_ring *
ipc_shm_ring(const struct ipc_shm *s, uint32_t i, uint32_t ring)
{
	uint8_t *base = (uint8_t *)s->hdr;

	return (struct ipc_ring *)(void *)(base + ipc_shm_lcore(s, i)->ring_off[ring]);
}

size_t
ipc_shm_ring_size(const struct ipc_shm *s, uint32_t ring)
{
	return ipc_ring_mem_size(s->hdr->ring_slots[ring], s->hdr->ring_slot_size[ring]);
}

struct ipc_ctr_block *
ipc_shm_ctr_block(const struct ipc_shm *s, uint32_t i)
{
	uint8_t *base = (uint8_t *)s->hdr;

	return (struct ipc_ctr_block *)(void *)(base + ipc_shm_lcore(s, i)->ctr_off);
}

struct ipc_ctr_dir *
ipc_shm_ctr_dir(const struct ipc_shm *s)
{
	uint8_t *base = (uint8_t *)s->hdr;

	return (struct ipc_ctr_dir *)(void *)(base + s->hdr->ctr_dir_off);
}

bool
ipc_shm_owner_is_alive(const struct ipc_shm *s)
{
	if (s->hdr == NULL ||
	    atomic_load_explicit(&s->hdr->state, memory_order_acquire) != IPC_SEG_STATE_READY)
		return false;
	return pid_is_alive(s->hdr->dp_pid);
}
