/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief chive-torclient helpers: logging, clocks, test-data generator, encodings.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "tools/torclient/tc.h"

int tc_verbose;

void
tc_log(int level, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	if (level > tc_verbose)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fprintf(stderr, "torclient: %s\n", line);
}

uint64_t
tc_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t
tc_now_ms(void)
{
	return tc_now_ns() / 1000000u;
}

/* splitmix64 (Steele, Lea, Flood 2014): one add and a mix per output. */
uint64_t
tc_rng_next(struct tc_rng *r)
{
	uint64_t z = (r->s += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

void
tc_rng_fill(struct tc_rng *r, uint8_t *p, size_t n)
{
	while (n >= 8) {
		uint64_t v = tc_rng_next(r);

		memcpy(p, &v, 8);
		p += 8;
		n -= 8;
	}
	if (n > 0) {
		uint64_t v = tc_rng_next(r);

		memcpy(p, &v, n);
	}
}

void
tc_hex(const uint8_t *p, size_t n, char *out)
{
	static const char digits[] = "0123456789ABCDEF";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = '\0';
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
tc_unhex(const char *s, uint8_t *out, size_t n)
{
	if (strlen(s) != 2 * n)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -EINVAL;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

void
tc_b64_32(const uint8_t key[32], char out[44])
{
	unsigned char buf[48];

	EVP_EncodeBlock(buf, key, 32); /* 44 characters, the last one '=' */
	memcpy(out, buf, 43);
	out[43] = '\0';
}

int
tc_unb64_32(const char *s, uint8_t out[32])
{
	unsigned char in[48], buf[48];
	size_t len = strlen(s);

	/* tor prints 32-byte keys as 43 characters without padding (relay-checklist A12). */
	if (len == 44 && s[43] == '=')
		len = 43;
	if (len != 43)
		return -EINVAL;
	memcpy(in, s, 43);
	in[43] = '=';
	if (EVP_DecodeBlock(buf, in, 44) != 33)
		return -EINVAL;
	memcpy(out, buf, 32);
	return 0;
}

int
tc_parse_addr(const char *s, struct sockaddr_in *out)
{
	char host[64];
	const char *colon = strrchr(s, ':');
	char *end;
	unsigned long port;

	if (colon == NULL || (size_t)(colon - s) >= sizeof(host))
		return -EINVAL;
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = '\0';
	errno = 0;
	port = strtoul(colon + 1, &end, 10);
	if (errno != 0 || *end != '\0' || end == colon + 1 || port == 0 || port > 65535)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	out->sin_family = AF_INET;
	out->sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, host, &out->sin_addr) != 1)
		return -EINVAL;
	return 0;
}

void
tc_fmt_addr(const struct sockaddr_in *a, char *out, size_t len)
{
	char host[INET_ADDRSTRLEN];

	if (inet_ntop(AF_INET, &a->sin_addr, host, sizeof(host)) == NULL)
		snprintf(host, sizeof(host), "?");
	snprintf(out, len, "%s:%u", host, (unsigned)ntohs(a->sin_port));
}

/* ---- latency histogram ---- */

static unsigned
hist_bucket(uint64_t v)
{
	unsigned e;

	if (v < TC_HIST_SUB)
		return (unsigned)v;
	e = 63u - (unsigned)__builtin_clzll(v); /* 2^e <= v < 2^(e+1), e >= 4 */
	if (e > 43)
		return TC_HIST_BUCKETS - 1;
	return (e - 3u) * TC_HIST_SUB + (unsigned)((v >> (e - 4u)) & (TC_HIST_SUB - 1));
}

/* The middle of bucket @p i, in ns. */
static uint64_t
hist_value(unsigned i)
{
	unsigned e;
	uint64_t lo, width;

	if (i < TC_HIST_SUB)
		return i;
	e = i / TC_HIST_SUB + 3u;
	width = UINT64_C(1) << (e - 4u);
	lo = (UINT64_C(1) << e) + (uint64_t)(i % TC_HIST_SUB) * width;
	return lo + width / 2;
}

void
tc_hist_add(struct tc_hist *h, uint64_t ns)
{
	h->b[hist_bucket(ns)]++;
	h->n++;
}

uint64_t
tc_hist_quantile(const struct tc_hist *h, double q)
{
	uint64_t want, seen = 0;

	if (h->n == 0)
		return 0;
	want = (uint64_t)(q * (double)h->n);
	if (want >= h->n)
		want = h->n - 1;
	for (unsigned i = 0; i < TC_HIST_BUCKETS; i++) {
		seen += h->b[i];
		if (seen > want)
			return hist_value(i);
	}
	return hist_value(TC_HIST_BUCKETS - 1);
}
