/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Ed25519 key derivation and signing from tor's expanded secret keys.
 *
 * OpenSSL signs Ed25519 only from a 32-byte seed, while tor stores (and
 * derives, for the ntor crosscert) 64-byte expanded keys. This file holds
 * the minimum of curve arithmetic needed to sign from such a key:
 *
 *  - the field GF(p), p = 2^255 - 19, in five 51-bit limbs with 128-bit
 *    products;
 *  - points of the twisted Edwards curve -x^2 + y^2 = 1 + d x^2 y^2 in
 *    extended coordinates (X:Y:Z:T), x = X/Z, y = Y/Z, xy = T/Z, with the
 *    complete addition and doubling formulas of Hisil, Wong, Carter and
 *    Dawson ("Twisted Edwards curves revisited", 2008) for a = -1;
 *  - a base-point multiplication with signed 4-bit digits over a table of
 *    1*B..8*B, selected by masking every entry, so neither branches nor
 *    memory addresses depend on the secret scalar;
 *  - scalars mod L = 2^252 + 27742317777372353535851937790883648493 with
 *    Barrett reduction of 512-bit values in 64-bit limbs: fixed loops, and
 *    the final corrections are masked, not branched.
 *
 * Decompression, variable-base multiplication and verification are left to
 * OpenSSL: verification handles public data only. Every secret temporary
 * (hashes, nonces, digits, points computed from secrets, limb arrays) is
 * wiped with OPENSSL_cleanse() before returning.
 *
 * Cost: one base-point multiplication is 252 doublings and 64 additions,
 * about 2,600 field multiplications; signing adds two SHA-512 passes over
 * the message.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "controlplane/crypto/ed25519x.h"

/* ---------------------------------------------------------------------- */
/* Little-endian byte helpers                                              */

static uint64_t
le64_get(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static void
le64_put(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* ---------------------------------------------------------------------- */
/* The field GF(2^255 - 19)                                               */

#define FE_MASK ((UINT64_C(1) << 51) - 1)

/*
 * An element of GF(p) as sum(v[i] * 2^(51 i)), not necessarily reduced.
 * Invariant between operations: every limb is below 2^51 + 2^15, so sums of
 * two elements and products of limbs fit comfortably (see fe_mul).
 */
struct fe {
	uint64_t v[5];
};

/* Set @p h to the small constant @p n. */
static void
fe_set(struct fe *h, uint64_t n)
{
	h->v[0] = n;
	h->v[1] = h->v[2] = h->v[3] = h->v[4] = 0;
}

/*
 * Propagate carries so every limb is below 2^51 + 2^15 again. The carry out
 * of the top limb is worth 2^255 = 19 (mod p). Inputs may have limbs up to
 * 2^63.
 */
static void
fe_carry(struct fe *h)
{
	uint64_t c;

	for (int i = 0; i < 4; i++) {
		c = h->v[i] >> 51;
		h->v[i] &= FE_MASK;
		h->v[i + 1] += c;
	}
	c = h->v[4] >> 51;
	h->v[4] &= FE_MASK;
	h->v[0] += c * 19;
	c = h->v[0] >> 51;
	h->v[0] &= FE_MASK;
	h->v[1] += c;
}

/* h = f + g */
static void
fe_add(struct fe *h, const struct fe *f, const struct fe *g)
{
	for (int i = 0; i < 5; i++)
		h->v[i] = f->v[i] + g->v[i];
	fe_carry(h);
}

/*
 * h = f - g, computed as f + 2p - g so no limb underflows: the limbs of 2p
 * are 2^52 - 38 and 2^52 - 2, above any limb of g under the invariant.
 */
static void
fe_sub(struct fe *h, const struct fe *f, const struct fe *g)
{
	h->v[0] = f->v[0] + (UINT64_C(1) << 52) - 38 - g->v[0];
	for (int i = 1; i < 5; i++)
		h->v[i] = f->v[i] + (UINT64_C(1) << 52) - 2 - g->v[i];
	fe_carry(h);
}

/* h = -f */
static void
fe_neg(struct fe *h, const struct fe *f)
{
	struct fe zero;

	fe_set(&zero, 0);
	fe_sub(h, &zero, f);
}

/*
 * h = f * g. Schoolbook product of the limbs; a partial product at weight
 * 2^(51 k) with k >= 5 folds down by 2^255 = 19. Limbs below 2^52 give
 * products below 2^52 * 19 * 2^52 < 2^109 and column sums below 2^112.
 * All inputs are read before @p h is written, so @p h may alias them.
 */
static void
fe_mul(struct fe *h, const struct fe *f, const struct fe *g)
{
	const uint64_t *a = f->v;
	const uint64_t *b = g->v;
	uint64_t b19[5];
	unsigned __int128 r[5];
	unsigned __int128 t;
	uint64_t c;

	for (int i = 1; i < 5; i++)
		b19[i] = b[i] * 19;

	r[0] = (unsigned __int128)a[0] * b[0] + (unsigned __int128)a[1] * b19[4] +
	       (unsigned __int128)a[2] * b19[3] + (unsigned __int128)a[3] * b19[2] +
	       (unsigned __int128)a[4] * b19[1];
	r[1] = (unsigned __int128)a[0] * b[1] + (unsigned __int128)a[1] * b[0] +
	       (unsigned __int128)a[2] * b19[4] + (unsigned __int128)a[3] * b19[3] +
	       (unsigned __int128)a[4] * b19[2];
	r[2] = (unsigned __int128)a[0] * b[2] + (unsigned __int128)a[1] * b[1] +
	       (unsigned __int128)a[2] * b[0] + (unsigned __int128)a[3] * b19[4] +
	       (unsigned __int128)a[4] * b19[3];
	r[3] = (unsigned __int128)a[0] * b[3] + (unsigned __int128)a[1] * b[2] +
	       (unsigned __int128)a[2] * b[1] + (unsigned __int128)a[3] * b[0] +
	       (unsigned __int128)a[4] * b19[4];
	r[4] = (unsigned __int128)a[0] * b[4] + (unsigned __int128)a[1] * b[3] +
	       (unsigned __int128)a[2] * b[2] + (unsigned __int128)a[3] * b[1] +
	       (unsigned __int128)a[4] * b[0];

	for (int i = 0; i < 4; i++) {
		r[i + 1] += r[i] >> 51;
		r[i] &= FE_MASK;
	}
	/* r[4] >> 51 is below 2^61; times 19 it needs the 128-bit width. */
	t = (unsigned __int128)(uint64_t)(r[4] >> 51) * 19 + (uint64_t)r[0];
	r[4] &= FE_MASK;
	c = (uint64_t)(t >> 51);
	h->v[0] = (uint64_t)t & FE_MASK;
	h->v[1] = (uint64_t)r[1] + c;
	h->v[2] = (uint64_t)r[2];
	h->v[3] = (uint64_t)r[3];
	h->v[4] = (uint64_t)r[4];
}

/* h = f^(2^n), n >= 1 */
static void
fe_sqn(struct fe *h, const struct fe *f, int n)
{
	fe_mul(h, f, f);
	for (int i = 1; i < n; i++)
		fe_mul(h, h, h);
}

/*
 * h = z^(p-2) = 1/z (0 for z = 0). p - 2 = (2^250 - 1) * 2^5 + 11: build
 * z^(2^k - 1) for k = 5, 10, 20, 40, 50, 100, 200, 250 by doubling the
 * run of ones, then shift by five squarings and multiply by z^11 = z^8 * z^3.
 * The exponent is public, so the fixed chain leaks nothing about z.
 */
static void
fe_invert(struct fe *h, const struct fe *z)
{
	struct fe z3, z11, e5, e10, e20, e50, e100, t;

	fe_sqn(&t, z, 1);
	fe_mul(&z3, &t, z);		/* z^3 */
	fe_sqn(&t, &z3, 2);
	fe_mul(&t, &t, &z3);		/* z^(2^4 - 1) */
	fe_sqn(&t, &t, 1);
	fe_mul(&e5, &t, z);		/* z^(2^5 - 1) */
	fe_sqn(&t, &e5, 5);
	fe_mul(&e10, &t, &e5);		/* z^(2^10 - 1) */
	fe_sqn(&t, &e10, 10);
	fe_mul(&e20, &t, &e10);		/* z^(2^20 - 1) */
	fe_sqn(&t, &e20, 20);
	fe_mul(&t, &t, &e20);		/* z^(2^40 - 1) */
	fe_sqn(&t, &t, 10);
	fe_mul(&e50, &t, &e10);		/* z^(2^50 - 1) */
	fe_sqn(&t, &e50, 50);
	fe_mul(&e100, &t, &e50);	/* z^(2^100 - 1) */
	fe_sqn(&t, &e100, 100);
	fe_mul(&t, &t, &e100);		/* z^(2^200 - 1) */
	fe_sqn(&t, &t, 50);
	fe_mul(&t, &t, &e50);		/* z^(2^250 - 1) */
	fe_sqn(&t, &t, 5);		/* z^(2^255 - 32) */
	fe_sqn(&z11, z, 3);
	fe_mul(&z11, &z11, &z3);	/* z^11 */
	fe_mul(h, &t, &z11);		/* z^(2^255 - 21) */

	OPENSSL_cleanse(&z3, sizeof(z3));
	OPENSSL_cleanse(&z11, sizeof(z11));
	OPENSSL_cleanse(&e5, sizeof(e5));
	OPENSSL_cleanse(&e10, sizeof(e10));
	OPENSSL_cleanse(&e20, sizeof(e20));
	OPENSSL_cleanse(&e50, sizeof(e50));
	OPENSSL_cleanse(&e100, sizeof(e100));
	OPENSSL_cleanse(&t, sizeof(t));
}

/* Load 32 little-endian bytes, ignoring bit 255 (RFC 8032 §5.1.3 step 1). */
static void
fe_frombytes(struct fe *h, const uint8_t s[32])
{
	uint64_t w0 = le64_get(s), w1 = le64_get(s + 8);
	uint64_t w2 = le64_get(s + 16), w3 = le64_get(s + 24);

	h->v[0] = w0 & FE_MASK;
	h->v[1] = (w0 >> 51 | w1 << 13) & FE_MASK;
	h->v[2] = (w1 >> 38 | w2 << 26) & FE_MASK;
	h->v[3] = (w2 >> 25 | w3 << 39) & FE_MASK;
	h->v[4] = (w3 >> 12) & FE_MASK;
}

/*
 * Store the canonical (fully reduced) value of @p f as 32 little-endian
 * bytes with bit 255 clear. After one carry pass f < 2^255 + 2^20 < 2p, so
 * q = floor((f + 19) / 2^255) is 1 exactly when f >= p, and f + 19q - 2^255q
 * is the reduced value. No branch depends on f.
 */
static void
fe_tobytes(uint8_t s[32], const struct fe *f)
{
	struct fe h = *f;
	uint64_t q;

	fe_carry(&h);
	q = (h.v[0] + 19) >> 51;
	for (int i = 1; i < 5; i++)
		q = (h.v[i] + q) >> 51;
	h.v[0] += 19 * q;
	for (int i = 0; i < 4; i++) {
		h.v[i + 1] += h.v[i] >> 51;
		h.v[i] &= FE_MASK;
	}
	h.v[4] &= FE_MASK;

	le64_put(s, h.v[0] | h.v[1] << 51);
	le64_put(s + 8, h.v[1] >> 13 | h.v[2] << 38);
	le64_put(s + 16, h.v[2] >> 26 | h.v[3] << 25);
	le64_put(s + 24, h.v[3] >> 39 | h.v[4] << 12);
	OPENSSL_cleanse(&h, sizeof(h));
}

/* f = g where @p mask is all ones, unchanged where it is 0. */
static void
fe_cmov(struct fe *f, const struct fe *g, uint64_t mask)
{
	for (int i = 0; i < 5; i++)
		f->v[i] ^= mask & (f->v[i] ^ g->v[i]);
}

/* ---------------------------------------------------------------------- */
/* Curve points                                                            */

/* A point in extended coordinates: x = X/Z, y = Y/Z, x*y = T/Z, Z != 0. */
struct ge {
	struct fe X, Y, Z, T;
};

/* A point prepared as the second operand of ge_add(): Y+X, Y-X, Z, 2d*T. */
struct ge_cached {
	struct fe ypx, ymx, z, t2d;
};

/* RFC 8032 §5.1: d = -121665/121666 mod p, little-endian. */
static const uint8_t ed_d_bytes[32] = {
	0xa3, 0x78, 0x59, 0x13, 0xca, 0x4d, 0xeb, 0x75,
	0xab, 0xd8, 0x41, 0x41, 0x4d, 0x0a, 0x70, 0x00,
	0x98, 0xe8, 0x79, 0x77, 0x79, 0x40, 0xc7, 0x8c,
	0x73, 0xfe, 0x6f, 0x2b, 0xee, 0x6c, 0x03, 0x52,
};

/* RFC 8032 §5.1: the base point B, x and y little-endian (y = 4/5, x even). */
static const uint8_t ed_bx_bytes[32] = {
	0x1a, 0xd5, 0x25, 0x8f, 0x60, 0x2d, 0x56, 0xc9,
	0xb2, 0xa7, 0x25, 0x95, 0x60, 0xc7, 0x2c, 0x69,
	0x5c, 0xdc, 0xd6, 0xfd, 0x31, 0xe2, 0xa4, 0xc0,
	0xfe, 0x53, 0x6e, 0xcd, 0xd3, 0x36, 0x69, 0x21,
};
static const uint8_t ed_by_bytes[32] = {
	0x58, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
	0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
	0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
	0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
};

/* Set once by ed_init(), read-only afterwards. */
static struct fe ed_d2;			/* 2d */
static struct ge_cached ed_base[8];	/* ed_base[j] = (j+1)*B */
static EVP_MD *ed_sha512;
static pthread_once_t ed_once = PTHREAD_ONCE_INIT;

static void
ge_identity(struct ge *p)
{
	fe_set(&p->X, 0);
	fe_set(&p->Y, 1);
	fe_set(&p->Z, 1);
	fe_set(&p->T, 0);
}

static void
ge_to_cached(struct ge_cached *c, const struct ge *p)
{
	fe_add(&c->ypx, &p->Y, &p->X);
	fe_sub(&c->ymx, &p->Y, &p->X);
	c->z = p->Z;
	fe_mul(&c->t2d, &p->T, &ed_d2);
}

/*
 * r = p + q (HWCD 2008, "add-2008-hwcd-3" with a = -1): complete on
 * edwards25519, so it also doubles and handles the identity.
 *   A = (Y1-X1)(Y2-X2), B = (Y1+X1)(Y2+X2), C = T1*2d*T2, D = 2*Z1*Z2,
 *   E = B-A, F = D-C, G = D+C, H = B+A; X3 = EF, Y3 = GH, T3 = EH, Z3 = FG.
 * @p r may alias @p p.
 */
static void
ge_add(struct ge *r, const struct ge *p, const struct ge_cached *q)
{
	struct fe a, b, c, d, e, f, g, h;

	fe_sub(&a, &p->Y, &p->X);
	fe_mul(&a, &a, &q->ymx);
	fe_add(&b, &p->Y, &p->X);
	fe_mul(&b, &b, &q->ypx);
	fe_mul(&c, &p->T, &q->t2d);
	fe_mul(&d, &p->Z, &q->z);
	fe_add(&d, &d, &d);
	fe_sub(&e, &b, &a);
	fe_sub(&f, &d, &c);
	fe_add(&g, &d, &c);
	fe_add(&h, &b, &a);
	fe_mul(&r->X, &e, &f);
	fe_mul(&r->Y, &g, &h);
	fe_mul(&r->T, &e, &h);
	fe_mul(&r->Z, &f, &g);
}

/*
 * r = 2p (HWCD 2008, "dbl-2008-hwcd" with a = -1):
 *   A = X1^2, B = Y1^2, C = 2*Z1^2, E = (X1+Y1)^2 - A - B, G = B - A,
 *   F = G - C, H = -A - B; X3 = EF, Y3 = GH, T3 = EH, Z3 = FG.
 * T1 is not needed. @p r may alias @p p.
 */
static void
ge_dbl(struct ge *r, const struct ge *p)
{
	struct fe a, b, c, e, f, g, h;

	fe_mul(&a, &p->X, &p->X);
	fe_mul(&b, &p->Y, &p->Y);
	fe_mul(&c, &p->Z, &p->Z);
	fe_add(&c, &c, &c);
	fe_add(&e, &p->X, &p->Y);
	fe_mul(&e, &e, &e);
	fe_sub(&e, &e, &a);
	fe_sub(&e, &e, &b);
	fe_sub(&g, &b, &a);
	fe_sub(&f, &g, &c);
	fe_add(&h, &a, &b);
	fe_neg(&h, &h);
	fe_mul(&r->X, &e, &f);
	fe_mul(&r->Y, &g, &h);
	fe_mul(&r->T, &e, &h);
	fe_mul(&r->Z, &f, &g);
}

/* RFC 8032 §5.1.2: encode y little-endian with the low bit of x as bit 255. */
static void
ge_encode(uint8_t s[32], const struct ge *p)
{
	struct fe zinv, x, y;
	uint8_t xb[32];

	fe_invert(&zinv, &p->Z);
	fe_mul(&x, &p->X, &zinv);
	fe_mul(&y, &p->Y, &zinv);
	fe_tobytes(s, &y);
	fe_tobytes(xb, &x);
	s[31] |= (uint8_t)((xb[0] & 1) << 7);

	OPENSSL_cleanse(&zinv, sizeof(zinv));
	OPENSSL_cleanse(&x, sizeof(x));
	OPENSSL_cleanse(&y, sizeof(y));
	OPENSSL_cleanse(xb, sizeof(xb));
}

/* All ones if a == b, else 0; a and b below 2^31. No branch. */
static uint64_t
ct_eq_mask(uint32_t a, uint32_t b)
{
	uint32_t x = a ^ b;

	return 0 - (uint64_t)(((x - 1) >> 31) & 1);
}

/*
 * t = digit * B for a digit in [-8, 8], reading every table entry and
 * combining them under masks, then negating under a mask: no branch and no
 * memory index depends on the digit. -P swaps Y+X with Y-X and negates T.
 */
static void
ge_select_base(struct ge_cached *t, int8_t digit)
{
	uint32_t neg = (uint32_t)(int32_t)digit >> 31;
	uint32_t abs = (uint32_t)(((int32_t)digit ^ -(int32_t)neg) + (int32_t)neg);
	uint64_t negmask = 0 - (uint64_t)neg;
	struct fe tmp;

	fe_set(&t->ypx, 1);
	fe_set(&t->ymx, 1);
	fe_set(&t->z, 1);
	fe_set(&t->t2d, 0);
	for (uint32_t j = 1; j <= 8; j++) {
		uint64_t m = ct_eq_mask(abs, j);

		fe_cmov(&t->ypx, &ed_base[j - 1].ypx, m);
		fe_cmov(&t->ymx, &ed_base[j - 1].ymx, m);
		fe_cmov(&t->z, &ed_base[j - 1].z, m);
		fe_cmov(&t->t2d, &ed_base[j - 1].t2d, m);
	}
	tmp = t->ypx;
	fe_cmov(&t->ypx, &t->ymx, negmask);
	fe_cmov(&t->ymx, &tmp, negmask);
	fe_neg(&tmp, &t->t2d);
	fe_cmov(&t->t2d, &tmp, negmask);
	OPENSSL_cleanse(&tmp, sizeof(tmp));
}

/*
 * r = a*B for a scalar a < 2^255 (little-endian; callers pass a < L).
 * a is rewritten as 64 signed base-16 digits e[i] in [-8, 8),
 * a = sum e[i] * 16^i, with the top digit in [0, 8]; then Horner's rule:
 * four doublings and one masked-table addition per digit, most significant
 * first. The sequence of operations is the same for every a.
 */
static void
ge_scalarmult_base(struct ge *r, const uint8_t a[32])
{
	int8_t e[64];
	int8_t carry = 0;
	struct ge_cached t;

	for (int i = 0; i < 32; i++) {
		e[2 * i] = (int8_t)(a[i] & 15);
		e[2 * i + 1] = (int8_t)(a[i] >> 4);
	}
	/* Move each digit from [0, 16) to [-8, 8) by carrying into the next. */
	for (int i = 0; i < 63; i++) {
		e[i] = (int8_t)(e[i] + carry);
		carry = (int8_t)((e[i] + 8) >> 4);
		e[i] = (int8_t)(e[i] - carry * 16);
	}
	e[63] = (int8_t)(e[63] + carry);

	ge_identity(r);
	for (int i = 63; i >= 0; i--) {
		ge_dbl(r, r);
		ge_dbl(r, r);
		ge_dbl(r, r);
		ge_dbl(r, r);
		ge_select_base(&t, e[i]);
		ge_add(r, r, &t);
	}

	OPENSSL_cleanse(e, sizeof(e));
	OPENSSL_cleanse(&carry, sizeof(carry));
	OPENSSL_cleanse(&t, sizeof(t));
}

/* ---------------------------------------------------------------------- */
/* Scalars mod L                                                           */

/* L = 2^252 + 27742317777372353535851937790883648493, 64-bit limbs, LE. */
static const uint64_t sc_l[5] = {
	UINT64_C(0x5812631a5cf5d3ed), UINT64_C(0x14def9dea2f79cd6), 0,
	UINT64_C(0x1000000000000000), 0,
};

/* Barrett constant mu = floor(2^512 / L), 64-bit limbs, LE. */
static const uint64_t sc_mu[5] = {
	UINT64_C(0xed9ce5a30a2c131b), UINT64_C(0x2106215d086329a7), UINT64_C(0xffffffffffffffeb),
	UINT64_C(0xffffffffffffffff), UINT64_C(0xf),
};

/* out[0 .. na+nb) = a * b, schoolbook; the limb counts are public. */
static void
sc_mul_limbs(uint64_t *out, const uint64_t *a, int na, const uint64_t *b, int nb)
{
	for (int i = 0; i < na + nb; i++)
		out[i] = 0;
	for (int i = 0; i < na; i++) {
		uint64_t c = 0;

		for (int j = 0; j < nb; j++) {
			unsigned __int128 t = (unsigned __int128)a[i] * b[j] + out[i + j] + c;

			out[i + j] = (uint64_t)t;
			c = (uint64_t)(t >> 64);
		}
		out[i + nb] = c;
	}
}

/* r = r - L if r >= L (5 limbs), choosing by mask rather than by branch. */
static void
sc_csub_l(uint64_t r[5])
{
	uint64_t d[5];
	uint64_t borrow = 0;
	uint64_t keep;

	for (int i = 0; i < 5; i++) {
		unsigned __int128 t = (unsigned __int128)r[i] - sc_l[i] - borrow;

		d[i] = (uint64_t)t;
		borrow = (uint64_t)(t >> 64) & 1;
	}
	keep = 0 - borrow; /* all ones: r < L, keep r */
	for (int i = 0; i < 5; i++)
		r[i] = (r[i] & keep) | (d[i] & ~keep);
	OPENSSL_cleanse(d, sizeof(d));
}

/* Working storage of sc_reduce(), in one struct so it is wiped at once. */
struct sc_barrett {
	uint64_t q2[10];	/* floor(x / 2^192) * mu */
	uint64_t q3l[9];	/* floor(q2 / 2^320) * L */
	uint64_t r[5];
};

/*
 * out = x mod L for x < 2^512 (8 limbs, LE), by Barrett reduction (HAC
 * Algorithm 14.42 with base 2^64, k = 4): q3 = floor(floor(x / 2^192) * mu /
 * 2^320) undershoots floor(x / L) by at most 2, so x - q3*L, computed mod
 * 2^320, is below 3L and two masked subtractions finish the job.
 */
static void
sc_reduce(uint8_t out[32], const uint64_t x[8])
{
	struct sc_barrett w;
	uint64_t borrow = 0;

	sc_mul_limbs(w.q2, x + 3, 5, sc_mu, 5);
	sc_mul_limbs(w.q3l, w.q2 + 5, 5, sc_l, 4);
	for (int i = 0; i < 5; i++) {
		unsigned __int128 t = (unsigned __int128)x[i] - w.q3l[i] - borrow;

		w.r[i] = (uint64_t)t;
		borrow = (uint64_t)(t >> 64) & 1;
	}
	sc_csub_l(w.r);
	sc_csub_l(w.r);
	for (int i = 0; i < 4; i++)
		le64_put(out + 8 * i, w.r[i]);
	OPENSSL_cleanse(&w, sizeof(w));
}

/* out = (64-byte little-endian number) mod L */
static void
sc_reduce64(uint8_t out[32], const uint8_t in[64])
{
	uint64_t x[8];

	for (int i = 0; i < 8; i++)
		x[i] = le64_get(in + 8 * i);
	sc_reduce(out, x);
	OPENSSL_cleanse(x, sizeof(x));
}

/* out = (k * a + r) mod L for 256-bit k, a, r (LE); k*a + r < 2^512. */
static void
sc_muladd(uint8_t out[32], const uint8_t k[32], const uint8_t a[32], const uint8_t r[32])
{
	uint64_t kl[4], al[4], rl[8] = { 0 }, x[8];
	uint64_t c = 0;

	for (int i = 0; i < 4; i++) {
		kl[i] = le64_get(k + 8 * i);
		al[i] = le64_get(a + 8 * i);
		rl[i] = le64_get(r + 8 * i);
	}
	sc_mul_limbs(x, kl, 4, al, 4);
	for (int i = 0; i < 8; i++) {
		unsigned __int128 t = (unsigned __int128)x[i] + rl[i] + c;

		x[i] = (uint64_t)t;
		c = (uint64_t)(t >> 64);
	}
	sc_reduce(out, x);
	OPENSSL_cleanse(kl, sizeof(kl));
	OPENSSL_cleanse(al, sizeof(al));
	OPENSSL_cleanse(rl, sizeof(rl));
	OPENSSL_cleanse(x, sizeof(x));
}

/* True if the 32-byte little-endian scalar @p s is below L (public data). */
static bool
sc_is_canonical(const uint8_t s[32])
{
	for (int i = 3; i >= 0; i--) {
		uint64_t v = le64_get(s + 8 * i);

		if (v != sc_l[i])
			return v < sc_l[i];
	}
	return false;
}

/* ---------------------------------------------------------------------- */
/* Set-up, hashing, key derivation                                         */

/* Fetch SHA-512 and build ed_base[] (public values). Runs once. */
static void
ed_init(void)
{
	struct fe d;
	struct ge b, p;

	fe_frombytes(&d, ed_d_bytes);
	fe_add(&ed_d2, &d, &d);

	fe_frombytes(&b.X, ed_bx_bytes);
	fe_frombytes(&b.Y, ed_by_bytes);
	fe_set(&b.Z, 1);
	fe_mul(&b.T, &b.X, &b.Y);

	ge_to_cached(&ed_base[0], &b);
	p = b;
	for (int j = 1; j < 8; j++) {
		ge_add(&p, &p, &ed_base[0]);
		ge_to_cached(&ed_base[j], &p);
	}

	ed_sha512 = EVP_MD_fetch(NULL, "SHA512", NULL);
}

/* Run ed_init() once. @return 0, or -EIO if SHA-512 could not be fetched. */
static int
ed_ready(void)
{
	if (pthread_once(&ed_once, ed_init) != 0)
		return -EIO;
	return ed_sha512 != NULL ? 0 : -EIO;
}

/* One input to ed_sha512_parts(). */
struct ed_part {
	const void *p;
	size_t n;
};

/* out = SHA-512 of the concatenation of @p n parts. @return 0 or -EIO. */
static int
ed_sha512_parts(uint8_t out[64], const struct ed_part *parts, size_t n)
{
	EVP_MD_CTX *ctx;
	int ok;

	ctx = EVP_MD_CTX_new();
	if (ctx == NULL)
		return -EIO;
	ok = EVP_DigestInit_ex2(ctx, ed_sha512, NULL) == 1;
	for (size_t i = 0; ok && i < n; i++)
		if (parts[i].n != 0)
			ok = EVP_DigestUpdate(ctx, parts[i].p, parts[i].n) == 1;
	ok = ok && EVP_DigestFinal_ex(ctx, out, NULL) == 1;
	EVP_MD_CTX_free(ctx); /* cleanses the digest state */
	return ok ? 0 : -EIO;
}

/* pub = encode((a mod L) * B) for the scalar in sec[0..32]; a*B = (a mod L)*B. */
static void
ed_pub_from_scalar(uint8_t pub[32], const uint8_t a[32])
{
	uint8_t wide[64];
	uint8_t ared[32];
	struct ge p;

	memcpy(wide, a, 32);
	memset(wide + 32, 0, 32);
	sc_reduce64(ared, wide);
	ge_scalarmult_base(&p, ared);
	ge_encode(pub, &p);

	OPENSSL_cleanse(wide, sizeof(wide));
	OPENSSL_cleanse(ared, sizeof(ared));
	OPENSSL_cleanse(&p, sizeof(p));
}

/* RFC 8032 §5.1.5 step 2 and RFC 7748 §5: clear bits 0-2 and 255, set bit 254. */
static void
ed_clamp(uint8_t a[32])
{
	a[0] &= 248;
	a[31] &= 127;
	a[31] |= 64;
}

int
cp_ed25519_from_seed(struct cp_ed25519_key *k, const uint8_t seed[CP_ED25519_SEED_LEN])
{
	const struct ed_part part = { seed, CP_ED25519_SEED_LEN };
	uint8_t h[64];
	int rc;

	rc = ed_ready();
	if (rc == 0)
		rc = ed_sha512_parts(h, &part, 1);
	if (rc != 0) {
		cp_ed25519_wipe(k);
		return rc;
	}
	ed_clamp(h);
	memcpy(k->sec, h, sizeof(k->sec));
	ed_pub_from_scalar(k->pub, k->sec);
	OPENSSL_cleanse(h, sizeof(h));
	return 0;
}

int
cp_ed25519_generate(struct cp_ed25519_key *k)
{
	uint8_t seed[CP_ED25519_SEED_LEN];
	int rc;

	if (RAND_priv_bytes(seed, sizeof(seed)) != 1) {
		cp_ed25519_wipe(k);
		return -EIO;
	}
	rc = cp_ed25519_from_seed(k, seed);
	OPENSSL_cleanse(seed, sizeof(seed));
	return rc;
}

int
cp_ed25519_from_expanded(struct cp_ed25519_key *k, const uint8_t sec[CP_ED25519_SEC_LEN])
{
	int rc = ed_ready();

	if (rc != 0) {
		cp_ed25519_wipe(k);
		return rc;
	}
	memmove(k->sec, sec, sizeof(k->sec));
	ed_pub_from_scalar(k->pub, k->sec);
	return 0;
}

int
cp_ed25519_from_curve25519(struct cp_ed25519_key *k, int *signbit,
			   const uint8_t x25519_sec[CP_X25519_SEC_LEN])
{
	/* dir-spec.txt appendix C: hashed with its terminating NUL. */
	static const char derive[] = "Derive high part of ed25519 key from curve25519 key";
	uint8_t a[32];
	uint8_t h[64];
	struct ed_part parts[2] = { { a, sizeof(a) }, { derive, sizeof(derive) } };
	int rc;

	memcpy(a, x25519_sec, sizeof(a));
	ed_clamp(a);
	rc = ed_ready();
	if (rc == 0)
		rc = ed_sha512_parts(h, parts, 2);
	if (rc != 0) {
		OPENSSL_cleanse(a, sizeof(a));
		cp_ed25519_wipe(k);
		return rc;
	}
	memcpy(k->sec, a, 32);
	memcpy(k->sec + 32, h, 32);
	ed_pub_from_scalar(k->pub, k->sec);
	if (signbit != NULL)
		*signbit = k->pub[31] >> 7;

	OPENSSL_cleanse(a, sizeof(a));
	OPENSSL_cleanse(h, sizeof(h));
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Signing and verification                                                */

int
cp_ed25519_sign(uint8_t sig[CP_ED25519_SIG_LEN], const uint8_t *msg, size_t len,
		const struct cp_ed25519_key *k)
{
	struct ed_part parts[3];
	uint8_t h[64];
	uint8_t r[32];
	uint8_t kh[32];
	struct ge rp;
	int rc;

	if (msg == NULL && len != 0) {
		rc = -EINVAL;
		goto fail;
	}
	rc = ed_ready();
	if (rc != 0)
		goto fail;

	/* RFC 8032 §5.1.6 steps 2-3: r = SHA-512(prefix | M) mod L, R = r*B. */
	parts[0] = (struct ed_part){ k->sec + 32, 32 };
	parts[1] = (struct ed_part){ msg, len };
	rc = ed_sha512_parts(h, parts, 2);
	if (rc != 0)
		goto fail;
	sc_reduce64(r, h);
	ge_scalarmult_base(&rp, r);
	ge_encode(sig, &rp);

	/* Step 4: k = SHA-512(R | A | M) mod L. */
	parts[0] = (struct ed_part){ sig, 32 };
	parts[1] = (struct ed_part){ k->pub, CP_ED25519_PUB_LEN };
	parts[2] = (struct ed_part){ msg, len };
	rc = ed_sha512_parts(h, parts, 3);
	if (rc != 0)
		goto fail;
	sc_reduce64(kh, h);

	/* Step 5: S = (r + k*a) mod L. */
	sc_muladd(sig + 32, kh, k->sec, r);
	goto out;

fail:
	OPENSSL_cleanse(sig, CP_ED25519_SIG_LEN);
out:
	OPENSSL_cleanse(h, sizeof(h));
	OPENSSL_cleanse(r, sizeof(r));
	OPENSSL_cleanse(kh, sizeof(kh));
	OPENSSL_cleanse(&rp, sizeof(rp));
	return rc;
}

/* True if the encoded y of @p enc (bit 255 ignored) is at least p = 2^255 - 19. */
static bool
ed_y_is_unreduced(const uint8_t enc[32])
{
	if ((enc[31] & 0x7f) != 0x7f || enc[0] < 0xed)
		return false;
	for (int i = 1; i < 31; i++)
		if (enc[i] != 0xff)
			return false;
	return true;
}

/*
 * The y coordinates (little-endian) of the eight points whose order divides
 * 8: 1 (the identity), p - 1 (order 2), 0 (order 4, x = +-sqrt(-1)) and the
 * two y of the four points of order 8.
 */
static const uint8_t ed_small_order_y[5][32] = {
	{ 0x01 },
	{ 0xec, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	  0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	  0xff, 0x7f },
	{ 0x00 },
	{ 0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98,
	  0xf0, 0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53,
	  0xfc, 0x05 },
	{ 0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67,
	  0x0f, 0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac,
	  0x03, 0x7a },
};

/* True if @p enc encodes a point of order 1, 2, 4 or 8, whatever its sign bit. */
static bool
ed_is_small_order(const uint8_t enc[32])
{
	for (size_t i = 0; i < sizeof(ed_small_order_y) / sizeof(ed_small_order_y[0]); i++)
		if (memcmp(enc, ed_small_order_y[i], 31) == 0 &&
		    (enc[31] & 0x7f) == ed_small_order_y[i][31])
			return true;
	return false;
}

bool
cp_ed25519_verify(const uint8_t sig[CP_ED25519_SIG_LEN], const uint8_t *msg, size_t len,
		  const uint8_t pub[CP_ED25519_PUB_LEN])
{
	static const uint8_t empty[1];
	EVP_PKEY *pkey;
	EVP_MD_CTX *ctx;
	bool ok;

	if (msg == NULL && len != 0)
		return false;
	/*
	 * RFC 8032 §5.1.7 step 1: S must be in [0, L) (OpenSSL checks it
	 * too). OpenSSL 3.0 accepts an unreduced y in A and points of small
	 * order as A or R, with which one signature can verify under several
	 * keys or for several messages; refuse them, like ed25519-dalek's
	 * verify_strict. Our own keys and signatures never have them.
	 */
	if (!sc_is_canonical(sig + 32) || ed_y_is_unreduced(pub) || ed_y_is_unreduced(sig) ||
	    ed_is_small_order(pub) || ed_is_small_order(sig))
		return false;

	pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub, CP_ED25519_PUB_LEN);
	if (pkey == NULL)
		return false;
	ctx = EVP_MD_CTX_new();
	ok = ctx != NULL && EVP_DigestVerifyInit_ex(ctx, NULL, NULL, NULL, NULL, pkey, NULL) == 1 &&
	     EVP_DigestVerify(ctx, sig, CP_ED25519_SIG_LEN, msg != NULL ? msg : empty, len) == 1;
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(pkey);
	return ok;
}

void
cp_ed25519_wipe(struct cp_ed25519_key *k)
{
	if (k != NULL)
		OPENSSL_cleanse(k, sizeof(*k));
}
