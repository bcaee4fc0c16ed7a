/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Seeded drop, duplicate, reorder and delay of mbuf bursts, for tests without netem.
 *
 * drv_fault_apply_burst() works in place without a scratch array. It first
 * moves the n input pointers to the end of the caller's cap-sized array,
 * then reads them from there (index r) while writing results from the front
 * (index w). Each input packet read advances r before at most one result
 * for it is written, so w ≤ r always holds and an input is never
 * overwritten before it is read. Extra packets (copies, reordered or
 * delayed packets that became due) are written only while w < r, that is
 * into slots freed by drops and holds or into the spare capacity; when
 * there is no room, due packets stay held and copies wait in the delay
 * heap, due at once. After the last input, r = cap and the remaining slots
 * take due held packets.
 *
 * The generator is splitmix64 (Steele, Lea and Flood, "Fast Splittable
 * Pseudorandom Number Generators", OOPSLA 2014; constants from Vigna's
 * public-domain splitmix64.c): any seed, including 0, gives a full-period
 * sequence, and one call per packet yields three independent 20-bit
 * decisions. A probability of p ppm becomes the threshold
 * ceil(p * 2^20 / 1e6), so the rate is exact to within 1 ppm and 100%
 * (threshold 2^20) always fires.
 *
 * Delay semantics follow netem's "delay D J" (tc-netem(8)): every packet
 * is delayed by D plus a uniform jitter in [-J, +J], which reorders packets
 * when J is large compared with their spacing.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <rte_common.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "drivers/fault.h"

/** Bits per decision; three decisions come from one 64-bit draw. */
#define FAULT_BITS 20
#define FAULT_MASK ((1u << FAULT_BITS) - 1)

/** Where results go during one call; see the file comment. */
struct fault_out {
	struct rte_mbuf **pkts;
	uint16_t w; /**< Next slot to write. */
	uint16_t r; /**< First slot not yet read; extras are written only while w < r. */
};

static inline uint64_t
fault_rand(struct drv_fault *f)
{
	uint64_t z = (f->rng += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static uint32_t
fault_thr(uint32_t ppm)
{
	return (uint32_t)((((uint64_t)ppm << FAULT_BITS) + DRV_FAULT_PPM - 1) / DRV_FAULT_PPM);
}

int
drv_fault_init(struct drv_fault *f, const struct drv_fault_conf *c,
	       struct rte_mempool *clone_pool)
{
	if (f == NULL || c == NULL)
		return -EINVAL;
	if (c->drop_ppm > DRV_FAULT_PPM || c->dup_ppm > DRV_FAULT_PPM ||
	    c->reorder_ppm > DRV_FAULT_PPM)
		return -EINVAL;
	if (c->dup_ppm != 0 && clone_pool == NULL)
		return -EINVAL;
	memset(f, 0, sizeof(*f));
	f->conf = *c;
	f->clone_pool = clone_pool;
	f->rng = c->seed;
	f->drop_thr = fault_thr(c->drop_ppm);
	f->dup_thr = fault_thr(c->dup_ppm);
	f->reorder_thr = fault_thr(c->reorder_ppm);
	f->delay_on = c->delay_us != 0 || c->delay_jitter_us != 0;
	f->enabled = c->drop_ppm != 0 || c->dup_ppm != 0 || c->reorder_ppm != 0 || f->delay_on;
	return 0;
}

void
drv_fault_fini(struct drv_fault *f)
{
	uint32_t i;

	if (f == NULL)
		return;
	for (i = 0; i < f->n_delay; i++)
		rte_pktmbuf_free(f->held[i].m);
	for (i = 0; i < f->n_reorder; i++)
		rte_pktmbuf_free(f->reorder[i].m);
	f->n_delay = 0;
	f->n_reorder = 0;
	f->n_held = 0;
}

/* Heap order: earlier release first, then earlier arrival. */
static inline bool
fault_held_before(const struct drv_fault_held *a, const struct drv_fault_held *b)
{
	return a->release_us < b->release_us ||
	       (a->release_us == b->release_us && a->order < b->order);
}

/* Put @p m in the delay heap; false (and nothing done) if it is full. O(log n). */
static bool
fault_heap_push(struct drv_fault *f, struct rte_mbuf *m, uint64_t release_us, bool reorder)
{
	struct drv_fault_held e = {
		.m = m,
		.release_us = release_us,
		.order = f->arrivals << 1 | (reorder ? 1 : 0),
	};
	uint32_t i = f->n_delay;

	if (i == DRV_FAULT_HOLD_MAX)
		return false;
	f->arrivals++;
	f->n_delay++;
	f->n_held++;
	while (i > 0) {
		uint32_t parent = (i - 1) / 2;

		if (!fault_held_before(&e, &f->held[parent]))
			break;
		f->held[i] = f->held[parent];
		i = parent;
	}
	f->held[i] = e;
	return true;
}

/* Remove the heap's first entry into @p out; the heap must not be empty. O(log n). */
static void
fault_heap_pop(struct drv_fault *f, struct drv_fault_held *out)
{
	struct drv_fault_held last;
	uint32_t i = 0, n;

	*out = f->held[0];
	n = --f->n_delay;
	f->n_held--;
	last = f->held[n];
	for (;;) {
		uint32_t child = 2 * i + 1;

		if (child >= n)
			break;
		if (child + 1 < n && fault_held_before(&f->held[child + 1], &f->held[child]))
			child++;
		if (!fault_held_before(&f->held[child], &last))
			break;
		f->held[i] = f->held[child];
		i = child;
	}
	f->held[i] = last;
}

/*
 * Return reordered packets that are due, while there is room. A release
 * raises f->passed, which may make an earlier slot due, so the scan starts
 * again after each; at most DRV_FAULT_REORDER_MAX releases of
 * DRV_FAULT_REORDER_MAX comparisons each.
 */
static void
fault_reorder_release(struct drv_fault *f, struct fault_out *o, uint64_t now_us)
{
	uint32_t i = 0;

	while (i < f->n_reorder && o->w < o->r) {
		struct drv_fault_reorder *e = &f->reorder[i];
		struct rte_mbuf *m;

		if (f->passed < e->after && now_us < e->deadline_us) {
			i++;
			continue;
		}
		m = e->m;
		memmove(e, e + 1, (f->n_reorder - i - 1) * sizeof(*e));
		f->n_reorder--;
		f->n_held--;
		o->pkts[o->w++] = m;
		f->passed++;
		i = 0;
	}
}

/*
 * The last stage: hold @p m for reordering if chosen (and a slot is free),
 * else return it and release reordered packets it made due. Needs w < r.
 */
static void
fault_emit(struct drv_fault *f, struct fault_out *o, struct rte_mbuf *m, bool reorder,
	   uint64_t now_us)
{
	if (reorder) {
		if (f->n_reorder < DRV_FAULT_REORDER_MAX) {
			struct drv_fault_reorder *e = &f->reorder[f->n_reorder++];

			e->m = m;
			e->after = f->passed + 1 + fault_rand(f) % DRV_FAULT_REORDER_GAP_MAX;
			e->deadline_us = now_us + DRV_FAULT_REORDER_TIMEOUT_US;
			f->n_held++;
			f->reordered++;
			return;
		}
		f->hold_full++;
	}
	o->pkts[o->w++] = m;
	f->passed++;
	if (f->n_reorder != 0)
		fault_reorder_release(f, o, now_us);
}

static struct rte_mbuf *
fault_copy(struct drv_fault *f, struct rte_mbuf *m)
{
	struct rte_mbuf *c = rte_pktmbuf_copy(m, f->clone_pool, 0, UINT32_MAX);

	if (c == NULL)
		f->dup_nomem++;
	else
		f->duplicated++;
	return c;
}

/* The copy of an undelayed packet: next in the output if there is room, else due at once. */
static void
fault_dup_now(struct drv_fault *f, struct fault_out *o, struct rte_mbuf *m, uint64_t now_us)
{
	struct rte_mbuf *c;

	if (o->w >= o->r && f->n_delay == DRV_FAULT_HOLD_MAX) {
		f->hold_full++;
		return;
	}
	c = fault_copy(f, m);
	if (c == NULL)
		return;
	if (o->w < o->r)
		fault_emit(f, o, c, false, now_us);
	else
		(void)fault_heap_push(f, c, now_us, false);
}

/* Delay of the next packet in µs: delay_us plus a uniform jitter in [-J, +J], at least 0. */
static uint64_t
fault_delay(struct drv_fault *f)
{
	int64_t d = f->conf.delay_us;
	uint32_t j = f->conf.delay_jitter_us;

	if (j != 0)
		d += (int64_t)(fault_rand(f) % (2 * (uint64_t)j + 1)) - (int64_t)j;
	return d > 0 ? (uint64_t)d : 0;
}

/* The delay stage: true if @p m (and its copy, if any) is now held. */
static bool
fault_delay_hold(struct drv_fault *f, struct rte_mbuf *m, bool dup, bool reorder,
		 uint64_t now_us)
{
	uint64_t release = now_us + fault_delay(f);
	struct rte_mbuf *c;

	if (release == now_us)
		return false;
	if (!fault_heap_push(f, m, release, reorder)) {
		f->hold_full++;
		return false;
	}
	f->delayed++;
	if (dup) {
		if (f->n_delay == DRV_FAULT_HOLD_MAX) {
			f->hold_full++;
		} else {
			c = fault_copy(f, m);
			if (c != NULL)
				(void)fault_heap_push(f, c, release, false);
		}
	}
	return true;
}

/* Return due held packets while there is room: the delay heap first, then reorder slots. */
static void
fault_release(struct drv_fault *f, struct fault_out *o, uint64_t now_us)
{
	struct drv_fault_held e;

	while (o->w < o->r && f->n_delay != 0 && f->held[0].release_us <= now_us) {
		fault_heap_pop(f, &e);
		fault_emit(f, o, e.m, (e.order & 1) != 0, now_us);
	}
	if (f->n_reorder != 0)
		fault_reorder_release(f, o, now_us);
}

uint16_t
drv_fault_apply_burst(struct drv_fault *f, struct rte_mbuf **pkts, uint16_t n, uint16_t cap,
		      uint64_t now_us)
{
	struct fault_out o;
	uint16_t i;

	if (cap < n)
		cap = n;
	if (cap > n && n != 0)
		memmove(pkts + (cap - n), pkts, n * sizeof(*pkts));
	o.pkts = pkts;
	o.w = 0;
	o.r = (uint16_t)(cap - n);
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[o.r++];
		uint64_t x = fault_rand(f);
		bool dup, reorder;

		if ((uint32_t)(x & FAULT_MASK) < f->drop_thr) {
			rte_pktmbuf_free(m);
			f->dropped++;
			continue;
		}
		dup = (uint32_t)((x >> FAULT_BITS) & FAULT_MASK) < f->dup_thr;
		reorder = (uint32_t)((x >> (2 * FAULT_BITS)) & FAULT_MASK) < f->reorder_thr;
		if (f->delay_on && fault_delay_hold(f, m, dup, reorder, now_us))
			continue;
		fault_emit(f, &o, m, reorder, now_us);
		if (dup)
			fault_dup_now(f, &o, m, now_us);
	}
	fault_release(f, &o, now_us);
	return o.w;
}

uint16_t
drv_fault_drain_held(struct drv_fault *f, struct rte_mbuf **pkts, uint16_t cap, uint64_t now_us)
{
	struct fault_out o = { .pkts = pkts, .w = 0, .r = cap };

	fault_release(f, &o, now_us);
	return o.w;
}

/* Parsing. */

static void __rte_format_printf(3, 4)
fault_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/*
 * Parse "digits[.digits]" in [s, end): the digits as one integer @p mant,
 * the number of decimals in @p nfrac, and the first byte after the number
 * in @p unit. -EINVAL if there is no number, -ERANGE if it overflows.
 */
static int
fault_parse_decimal(const char *s, const char *end, uint64_t *mant, unsigned int *nfrac,
		    const char **unit)
{
	uint64_t v = 0;
	unsigned int nd = 0, nf = 0;
	bool frac = false;
	const char *q;

	for (q = s; q < end; q++) {
		if (*q == '.' && !frac) {
			frac = true;
			continue;
		}
		if (*q < '0' || *q > '9')
			break;
		if (v > (UINT64_MAX - 9) / 10)
			return -ERANGE;
		v = v * 10 + (uint64_t)(*q - '0');
		nd++;
		nf += frac;
	}
	if (nd == 0 || (frac && nf == 0))
		return -EINVAL;
	*mant = v;
	*nfrac = nf;
	*unit = q;
	return 0;
}

/* Scale @p mant with @p nfrac decimals to a unit of 10^-@p dec: -EDOM if too precise. */
static int
fault_scale(uint64_t mant, unsigned int nfrac, unsigned int dec, uint64_t limit, uint64_t *out)
{
	while (nfrac < dec) {
		if (mant > limit)
			return -ERANGE;
		mant *= 10;
		nfrac++;
	}
	if (nfrac > dec)
		return -EDOM;
	if (mant > limit)
		return -ERANGE;
	*out = mant;
	return 0;
}

static bool
fault_unit_is(const char *u, const char *end, const char *name)
{
	size_t n = strlen(name);

	return (size_t)(end - u) == n && memcmp(u, name, n) == 0;
}

/* "1%", "0.25%", "500ppm" → ppm. */
static int
fault_parse_rate(const char *v, const char *end, uint32_t *ppm, const char *item, int ilen,
		 char *err, size_t errlen)
{
	uint64_t mant, out;
	unsigned int nfrac, dec;
	const char *u;
	int rc;

	rc = fault_parse_decimal(v, end, &mant, &nfrac, &u);
	if (rc == -EINVAL) {
		fault_err(err, errlen, "fault spec: %.*s: not a percentage (e.g. 1%% or 0.25%%)",
			  ilen, item);
		return -EINVAL;
	}
	if (rc == 0 && fault_unit_is(u, end, "%")) {
		dec = 4;
	} else if (rc == 0 && fault_unit_is(u, end, "ppm")) {
		dec = 0;
	} else if (rc == 0) {
		fault_err(err, errlen, "fault spec: %.*s: unit must be %% or ppm", ilen, item);
		return -EINVAL;
	} else {
		dec = 0;
	}
	if (rc == 0)
		rc = fault_scale(mant, nfrac, dec, DRV_FAULT_PPM, &out);
	if (rc == -EDOM) {
		fault_err(err, errlen, "fault spec: %.*s: finer than 1 ppm (0.0001%%)", ilen,
			  item);
		return -EINVAL;
	}
	if (rc != 0) {
		fault_err(err, errlen, "fault spec: %.*s: more than 100%%", ilen, item);
		return -EINVAL;
	}
	*ppm = (uint32_t)out;
	return 0;
}

/* "200us", "1.5ms", "2s" → µs. */
static int
fault_parse_time(const char *v, const char *end, uint32_t *us, const char *item, int ilen,
		 char *err, size_t errlen)
{
	uint64_t mant, out;
	unsigned int nfrac, dec;
	const char *u;
	int rc;

	rc = fault_parse_decimal(v, end, &mant, &nfrac, &u);
	if (rc == -EINVAL) {
		fault_err(err, errlen, "fault spec: %.*s: not a duration (e.g. 200us or 1.5ms)",
			  ilen, item);
		return -EINVAL;
	}
	if (rc == 0) {
		if (fault_unit_is(u, end, "us")) {
			dec = 0;
		} else if (fault_unit_is(u, end, "ms")) {
			dec = 3;
		} else if (fault_unit_is(u, end, "s")) {
			dec = 6;
		} else if (u == end) {
			fault_err(err, errlen, "fault spec: %.*s: needs a unit: us, ms or s", ilen,
				  item);
			return -EINVAL;
		} else {
			fault_err(err, errlen,
				  "fault spec: %.*s: unknown unit '%.*s' (use us, ms or s)", ilen,
				  item, (int)(end - u), u);
			return -EINVAL;
		}
		rc = fault_scale(mant, nfrac, dec, UINT32_MAX, &out);
	}
	if (rc == -EDOM) {
		fault_err(err, errlen, "fault spec: %.*s: finer than 1 us", ilen, item);
		return -EINVAL;
	}
	if (rc != 0) {
		fault_err(err, errlen, "fault spec: %.*s: longer than %u us", ilen, item,
			  UINT32_MAX);
		return -EINVAL;
	}
	*us = (uint32_t)out;
	return 0;
}

/* Decimal or 0x-prefixed hexadecimal, the whole of [v, end), fitting 64 bits. */
static int
fault_parse_seed(const char *v, const char *end, uint64_t *seed, const char *item, int ilen,
		 char *err, size_t errlen)
{
	unsigned int base = 10;
	uint64_t x = 0;

	if (end - v > 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'X')) {
		base = 16;
		v += 2;
	}
	if (v == end)
		goto bad;
	for (; v < end; v++) {
		unsigned int d;

		if (*v >= '0' && *v <= '9')
			d = (unsigned int)(*v - '0');
		else if (base == 16 && *v >= 'a' && *v <= 'f')
			d = (unsigned int)(*v - 'a' + 10);
		else if (base == 16 && *v >= 'A' && *v <= 'F')
			d = (unsigned int)(*v - 'A' + 10);
		else
			goto bad;
		if (x > (UINT64_MAX - d) / base)
			goto bad;
		x = x * base + d;
	}
	*seed = x;
	return 0;
bad:
	fault_err(err, errlen, "fault spec: %.*s: not a 64-bit integer", ilen, item);
	return -EINVAL;
}

enum fault_key {
	FAULT_KEY_SEED,
	FAULT_KEY_DROP,
	FAULT_KEY_DUP,
	FAULT_KEY_REORDER,
	FAULT_KEY_DELAY,
	FAULT_KEY_JITTER,
	FAULT_KEY_COUNT,
};

static const char *const fault_key_names[FAULT_KEY_COUNT] = {
	[FAULT_KEY_SEED] = "seed",       [FAULT_KEY_DROP] = "drop",
	[FAULT_KEY_DUP] = "dup",         [FAULT_KEY_REORDER] = "reorder",
	[FAULT_KEY_DELAY] = "delay",     [FAULT_KEY_JITTER] = "jitter",
};

int
drv_fault_conf_parse(const char *spec, struct drv_fault_conf *c, char *err, size_t errlen)
{
	struct drv_fault_conf t;
	unsigned int seen = 0;
	const char *p;

	if (spec == NULL || c == NULL) {
		fault_err(err, errlen, "fault spec: missing");
		return -EINVAL;
	}
	memset(&t, 0, sizeof(t));
	for (p = spec; *p != '\0';) {
		const char *end = strchr(p, ',');
		const char *eq, *v;
		int ilen, k, rc = 0;

		if (end == NULL)
			end = p + strlen(p);
		ilen = (int)(end - p);
		eq = memchr(p, '=', (size_t)ilen);
		if (eq == NULL) {
			fault_err(err, errlen, "fault spec: '%.*s' is not key=value", ilen, p);
			return -EINVAL;
		}
		for (k = 0; k < FAULT_KEY_COUNT; k++)
			if (fault_unit_is(p, eq, fault_key_names[k]))
				break;
		if (k == FAULT_KEY_COUNT) {
			fault_err(err, errlen,
				  "fault spec: unknown key '%.*s' (expected seed, drop, dup, reorder, "
				  "delay or jitter)",
				  (int)(eq - p), p);
			return -EINVAL;
		}
		if ((seen & (1u << k)) != 0) {
			fault_err(err, errlen, "fault spec: %s given twice", fault_key_names[k]);
			return -EINVAL;
		}
		seen |= 1u << k;
		v = eq + 1;
		switch (k) {
		case FAULT_KEY_SEED:
			rc = fault_parse_seed(v, end, &t.seed, p, ilen, err, errlen);
			break;
		case FAULT_KEY_DROP:
			rc = fault_parse_rate(v, end, &t.drop_ppm, p, ilen, err, errlen);
			break;
		case FAULT_KEY_DUP:
			rc = fault_parse_rate(v, end, &t.dup_ppm, p, ilen, err, errlen);
			break;
		case FAULT_KEY_REORDER:
			rc = fault_parse_rate(v, end, &t.reorder_ppm, p, ilen, err, errlen);
			break;
		case FAULT_KEY_DELAY:
			rc = fault_parse_time(v, end, &t.delay_us, p, ilen, err, errlen);
			break;
		default:
			rc = fault_parse_time(v, end, &t.delay_jitter_us, p, ilen, err, errlen);
			break;
		}
		if (rc != 0)
			return rc;
		p = *end == ',' ? end + 1 : end;
		if (*end == ',' && *p == '\0') {
			fault_err(err, errlen, "fault spec: trailing ','");
			return -EINVAL;
		}
	}
	*c = t;
	return 0;
}
