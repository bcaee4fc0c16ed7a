/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Directory document meta-format reader and the small codecs around it.
 *
 * dir-spec §1.2 describes the grammar; tor's reader is
 * feature/dirparse/parsecommon.c (get_next_token). This one is stricter in
 * two ways that matter only for broken input: every line must end with NL,
 * and a keyword line may not start with whitespace. Unknown keywords are
 * returned like known ones; the callers ignore them (dir-spec §1.2: "MUST
 * ignore any KeywordLine that starts with a keyword it doesn't recognize").
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include "controlplane/certs/rsacross.h"
#include "controlplane/dir/dirdoc_int.h"

/* Largest RSA signature handled: one CP_DD_RSA_MAX_BITS modulus. */
#define SIG_MAX (CP_DD_RSA_MAX_BITS / 8)

void
cp_dd_init(struct cp_dd_cursor *c, const char *text, size_t len)
{
	c->p = text;
	c->end = text + len;
	c->err = NULL;
	c->err_at = NULL;
}

/* The NL ending the line at @p p, looking at most CP_DD_MAX_LINE + 1 bytes
 * ahead; NULL with @p why set when there is none. */
static const char *
line_end(const char *p, const char *end, const char **why)
{
	size_t avail = (size_t)(end - p);
	const char *eol;

	eol = memchr(p, '\n', avail > CP_DD_MAX_LINE + 1 ? CP_DD_MAX_LINE + 1 : avail);
	if (eol == NULL)
		*why = avail > CP_DD_MAX_LINE ? "line too long"
					      : "line without a newline (truncated document?)";
	return eol;
}

static int
dd_fail(struct cp_dd_cursor *c, const char *at, const char *why)
{
	c->err = why;
	c->err_at = at;
	return -1;
}

static bool
is_kw_char(char ch)
{
	return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
	       ch == '-';
}

/* An object's type: Keyword (" " Keyword)* (dir-spec §1.2). */
static bool
obj_type_ok(const char *p, size_t len)
{
	size_t i;

	if (len == 0 || p[0] == ' ' || p[len - 1] == ' ')
		return false;
	for (i = 0; i < len; i++) {
		if (p[i] == ' ') {
			if (p[i - 1] == ' ')
				return false;
		} else if (!is_kw_char(p[i])) {
			return false;
		}
	}
	return true;
}

/* Read an object starting at @p q (a "-----BEGIN " line). */
static int
dd_object(struct cp_dd_cursor *c, struct cp_dd_item *it, const char *q)
{
	const char *end = c->end, *beol, *l, *leol, *why = NULL;
	size_t tlen;

	beol = line_end(q, end, &why);
	if (beol == NULL)
		return dd_fail(c, q, why);
	/* "-----BEGIN " TYPE "-----" */
	if (beol - q < 11 + 1 + 5 || memcmp(beol - 5, "-----", 5) != 0)
		return dd_fail(c, q, "malformed object BEGIN line");
	tlen = (size_t)(beol - 5 - (q + 11));
	if (!obj_type_ok(q + 11, tlen))
		return dd_fail(c, q, "malformed object type");
	it->obj_type.p = q + 11;
	it->obj_type.len = tlen;
	it->obj.p = beol + 1;

	/* Bounded by CP_DD_MAX_OBJECT bytes of body. */
	for (l = beol + 1;; l = leol + 1) {
		if (l >= end)
			return dd_fail(c, q, "object without an END line");
		if (l - it->obj.p > CP_DD_MAX_OBJECT)
			return dd_fail(c, q, "object too large");
		leol = line_end(l, end, &why);
		if (leol == NULL)
			return dd_fail(c, l, why);
		if (leol - l >= 9 && memcmp(l, "-----END ", 9) == 0)
			break;
		if (leol - l >= 5 && memcmp(l, "-----", 5) == 0)
			return dd_fail(c, l, "unexpected line in object");
	}
	if ((size_t)(leol - l) != 9 + tlen + 5 || memcmp(l + 9, q + 11, tlen) != 0 ||
	    memcmp(leol - 5, "-----", 5) != 0)
		return dd_fail(c, l, "object END line does not match its BEGIN line");
	it->obj.len = (size_t)(l - it->obj.p);
	it->next = leol + 1;
	return 1;
}

int
cp_dd_next(struct cp_dd_cursor *c, struct cp_dd_item *it)
{
	const char *p = c->p, *end = c->end, *eol, *k, *why = NULL;

	while (p < end && *p == '\n')
		p++;
	c->p = p;
	if (p == end)
		return 0;
	eol = line_end(p, end, &why);
	if (eol == NULL)
		return dd_fail(c, p, why);

	memset(it, 0, sizeof(*it));
	it->line = p;
	it->eol = eol;
	/* Keyword ::= KeywordStart KeywordChar*; KeywordStart excludes '-'. */
	for (k = p; k < eol && is_kw_char(*k); k++)
		;
	if (k == p || *p == '-')
		return dd_fail(c, p, "line does not start with a keyword");
	if (k < eol && *k != ' ' && *k != '\t')
		return dd_fail(c, p, "bad character in keyword");
	it->kw.p = p;
	it->kw.len = (size_t)(k - p);
	while (k < eol && (*k == ' ' || *k == '\t'))
		k++;
	it->args.p = k;
	it->args.len = (size_t)(eol - k);

	it->next = eol + 1;
	if (end - it->next >= 11 && memcmp(it->next, "-----BEGIN ", 11) == 0) {
		if (dd_object(c, it, it->next) < 0)
			return -1;
	}
	c->p = it->next;
	return 1;
}

bool
cp_dd_span_eq(struct cp_dd_span s, const char *str)
{
	size_t n = strlen(str);

	return s.len == n && memcmp(s.p, str, n) == 0;
}

bool
cp_dd_is(const struct cp_dd_item *it, const char *kw)
{
	return cp_dd_span_eq(it->kw, kw);
}

bool
cp_dd_next_field(struct cp_dd_span *rest, struct cp_dd_span *field)
{
	const char *p = rest->p, *end = rest->p + rest->len, *f;

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p == end) {
		rest->p = p;
		rest->len = 0;
		return false;
	}
	for (f = p; p < end && *p != ' ' && *p != '\t'; p++)
		;
	field->p = f;
	field->len = (size_t)(p - f);
	rest->p = p;
	rest->len = (size_t)(end - p);
	return true;
}

size_t
cp_dd_split(struct cp_dd_span args, struct cp_dd_span *out, size_t max)
{
	struct cp_dd_span f;
	size_t n = 0;

	while (cp_dd_next_field(&args, &f)) {
		if (n < max)
			out[n] = f;
		n++;
	}
	return n;
}

struct cp_dd_span
cp_dd_rtrim(struct cp_dd_span s)
{
	while (s.len > 0 && (s.p[s.len - 1] == ' ' || s.p[s.len - 1] == '\t'))
		s.len--;
	return s;
}

static int
b64_val(char ch)
{
	if (ch >= 'A' && ch <= 'Z')
		return ch - 'A';
	if (ch >= 'a' && ch <= 'z')
		return ch - 'a' + 26;
	if (ch >= '0' && ch <= '9')
		return ch - '0' + 52;
	if (ch == '+')
		return 62;
	if (ch == '/')
		return 63;
	return -1;
}

int
cp_dd_b64_decode(const char *in, size_t len, uint8_t *out, size_t cap, bool skip_nl)
{
	uint32_t acc = 0;
	size_t i, n = 0, nchars = 0, npad = 0;
	int v;

	for (i = 0; i < len; i++) {
		char ch = in[i];

		if (ch == '\n' && skip_nl)
			continue;
		if (ch == '=') {
			npad++;
			continue;
		}
		if (npad > 0)
			return -1; /* data after padding */
		v = b64_val(ch);
		if (v < 0)
			return -1;
		acc = (acc << 6) | (uint32_t)v;
		if (++nchars % 4 == 0) {
			if (n + 3 > cap)
				return -1;
			out[n++] = (uint8_t)(acc >> 16);
			out[n++] = (uint8_t)(acc >> 8);
			out[n++] = (uint8_t)acc;
			acc = 0;
		}
	}
	switch (nchars % 4) {
	case 0:
		if (npad != 0)
			return -1;
		break;
	case 1:
		return -1;
	case 2: /* 12 bits: one byte */
		if ((npad != 0 && npad != 2) || n + 1 > cap)
			return -1;
		out[n++] = (uint8_t)(acc >> 4);
		break;
	case 3: /* 18 bits: two bytes */
		if ((npad != 0 && npad != 1) || n + 2 > cap)
			return -1;
		out[n++] = (uint8_t)(acc >> 10);
		out[n++] = (uint8_t)(acc >> 2);
		break;
	}
	return (int)n;
}

static int
hex_val(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

int
cp_dd_hex_decode(struct cp_dd_span s, uint8_t *out, size_t n)
{
	size_t i;

	if (s.len != 2 * n)
		return -1;
	for (i = 0; i < n; i++) {
		int hi = hex_val(s.p[2 * i]), lo = hex_val(s.p[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

void
cp_dd_hex_encode(char *out, const uint8_t *in, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hex[in[i] >> 4];
		out[2 * i + 1] = hex[in[i] & 15];
	}
	out[2 * n] = '\0';
}

int
cp_dd_parse_int(struct cp_dd_span s, long long min, long long max, long long *out)
{
	unsigned long long v = 0;
	bool neg = false;
	size_t i = 0;
	long long r;

	if (s.len > 0 && (s.p[0] == '-' || s.p[0] == '+')) {
		neg = s.p[0] == '-';
		i = 1;
	}
	/* At most 19 digits: below 2^64, so v cannot wrap. */
	if (i == s.len || s.len - i > 19)
		return -1;
	for (; i < s.len; i++) {
		if (s.p[i] < '0' || s.p[i] > '9')
			return -1;
		v = v * 10 + (unsigned)(s.p[i] - '0');
	}
	if (v > (unsigned long long)LLONG_MAX + (neg ? 1u : 0u))
		return -1;
	if (neg)
		r = v == (unsigned long long)LLONG_MAX + 1u ? LLONG_MIN : -(long long)v;
	else
		r = (long long)v;
	if (r < min || r > max)
		return -1;
	*out = r;
	return 0;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
static long long
days_from_civil(long long y, unsigned m, unsigned d)
{
	long long era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long long)doe - 719468;
}

static bool
digits(const char *p, size_t n, unsigned *out)
{
	unsigned v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return false;
		v = v * 10 + (unsigned)(p[i] - '0');
	}
	*out = v;
	return true;
}

int
cp_dd_parse_time2(struct cp_dd_span date, struct cp_dd_span hms, time_t *out)
{
	static const unsigned mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	unsigned y, mo, d, h, mi, s;
	bool leap;

	if (date.len != 10 || hms.len != 8 || date.p[4] != '-' || date.p[7] != '-' ||
	    hms.p[2] != ':' || hms.p[5] != ':')
		return -1;
	if (!digits(date.p, 4, &y) || !digits(date.p + 5, 2, &mo) || !digits(date.p + 8, 2, &d) ||
	    !digits(hms.p, 2, &h) || !digits(hms.p + 3, 2, &mi) || !digits(hms.p + 6, 2, &s))
		return -1;
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 || mi > 59 ||
	    s > 60)
		return -1;
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (mo == 2 && d == 29 && !leap)
		return -1;
	*out = (time_t)(days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s);
	return 0;
}

int
cp_dd_parse_time(struct cp_dd_span args, time_t *out)
{
	struct cp_dd_span f[2];

	if (cp_dd_split(args, f, 2) != 2)
		return -1;
	return cp_dd_parse_time2(f[0], f[1], out);
}

void
cp_dd_format_time(char out[20], time_t t)
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL || strftime(out, 20, "%Y-%m-%d %H:%M:%S", &tm) == 0)
		snprintf(out, 20, "?");
}

int
cp_dd_parse_ipv4(struct cp_dd_span s, uint32_t *out)
{
	uint32_t v = 0;
	size_t i = 0;
	int part;

	for (part = 0; part < 4; part++) {
		size_t start = i;
		unsigned o = 0;

		while (i < s.len && s.p[i] >= '0' && s.p[i] <= '9' && i - start < 3)
			o = o * 10 + (unsigned)(s.p[i++] - '0');
		if (i == start || o > 255 || (i - start > 1 && s.p[start] == '0'))
			return -1;
		v = v << 8 | o;
		if (part < 3) {
			if (i >= s.len || s.p[i] != '.')
				return -1;
			i++;
		}
	}
	if (i != s.len)
		return -1;
	*out = v;
	return 0;
}

int
cp_dd_key_digest(EVP_PKEY *key, uint8_t out[20])
{
	return cp_rsa_id_digests(key, out, NULL) == 0 ? 0 : -1;
}

EVP_PKEY *
cp_dd_rsa_key(const struct cp_dd_item *it, const char **why)
{
	uint8_t der[CP_DD_MAX_OBJECT];
	const unsigned char *p = der;
	EVP_PKEY *key;
	int n, bits;

	if (!cp_dd_span_eq(it->obj_type, "RSA PUBLIC KEY")) {
		*why = "no RSA PUBLIC KEY object";
		return NULL;
	}
	n = cp_dd_b64_decode(it->obj.p, it->obj.len, der, sizeof(der), true);
	if (n <= 0) {
		*why = "bad base64 in RSA PUBLIC KEY";
		return NULL;
	}
	/* d2i_PublicKey() of EVP_PKEY_RSA reads a PKCS#1 RSAPublicKey. */
	key = d2i_PublicKey(EVP_PKEY_RSA, NULL, &p, n);
	if (key == NULL || p != der + n) {
		EVP_PKEY_free(key);
		*why = "RSA PUBLIC KEY is not a DER PKCS#1 RSAPublicKey";
		return NULL;
	}
	bits = EVP_PKEY_get_bits(key);
	if (bits < CP_DD_RSA_MIN_BITS || bits > CP_DD_RSA_MAX_BITS) {
		EVP_PKEY_free(key);
		*why = "RSA key size out of range";
		return NULL;
	}
	return key;
}

bool
cp_dd_sig_ok_raw(EVP_PKEY *key, const uint8_t *sig, size_t sig_len, const uint8_t *digest,
		 size_t dlen)
{
	uint8_t opened[SIG_MAX];
	int n;

	n = cp_rsa_raw_recover(opened, sizeof(opened), key, sig, sig_len);
	/* tor: checksig must give at least dlen bytes, and the first dlen match. */
	return n >= (int)dlen && CRYPTO_memcmp(opened, digest, dlen) == 0;
}

bool
cp_dd_sig_ok(EVP_PKEY *key, const struct cp_dd_item *it, const uint8_t *digest, size_t dlen)
{
	uint8_t sig[SIG_MAX];
	int n;

	n = cp_dd_b64_decode(it->obj.p, it->obj.len, sig, sizeof(sig), true);
	if (n <= 0)
		return false;
	return cp_dd_sig_ok_raw(key, sig, (size_t)n, digest, dlen);
}

size_t
cp_dd_signed_end(const char *text, size_t len, size_t from, const char *end_str, char end_c)
{
	size_t elen = strlen(end_str);
	const char *m, *c;

	if (from > len)
		return 0;
	m = memmem(text + from, len - from, end_str, elen);
	if (m == NULL)
		return 0;
	m += elen;
	c = memchr(m, end_c, (size_t)(text + len - m));
	if (c == NULL)
		return 0;
	return (size_t)(c - text) + 1;
}
