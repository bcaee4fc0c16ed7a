/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief The torrc-style configuration file: lines to entries, entries checked by the schema.
 *
 * conf_parse() is a line scanner in the manner of tor's
 * parse_config_line_from_str_verbose() (confline.c): keyword, white space,
 * value to the end of the line or to a `#`; a trailing backslash joins the
 * next line. It refuses what tor would read silently and Chive should not:
 * NUL bytes and other control characters, over-long lines and files.
 *
 * conf_validate() then checks each entry with conf_check_value(), which
 * knows every kind of value in the schema (common/conf/conf_schema.c);
 * keyword-specific parsers (DirAuthority, MyFamily, Log, DPDKPort) are
 * public so that each process applies exactly what was checked.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/base/compiler.h"
#include "common/conf/conf.h"
#include "common/ipc/ipc_shm.h"

static int
conf_err(char *err, size_t errlen, int rc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int
conf_err(char *err, size_t errlen, int rc, const char *fmt, ...)
{
	va_list ap;

	if (errlen != 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return rc;
}

void
conf_free(struct conf_file *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->entries[i].key);
		free(f->entries[i].value);
	}
	free(f->entries);
	free(f->path);
	memset(f, 0, sizeof(*f));
}

static int
conf_add(struct conf_file *f, const char *key, size_t keylen, const char *value,
	 size_t valuelen, unsigned line)
{
	struct conf_entry *e;

	if (f->n == f->cap) {
		size_t cap = f->cap != 0 ? f->cap * 2 : 16;
		struct conf_entry *n = realloc(f->entries, cap * sizeof(*n));

		if (n == NULL)
			return -ENOMEM;
		f->entries = n;
		f->cap = cap;
	}
	e = &f->entries[f->n];
	memset(e, 0, sizeof(*e));
	e->key = strndup(key, keylen);
	e->value = strndup(value, valuelen);
	e->line = line;
	if (e->key == NULL || e->value == NULL) {
		free(e->key);
		free(e->value);
		return -ENOMEM;
	}
	f->n++;
	return 0;
}

static bool
is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* conf_add() the value @p v[0 .. n) trimmed of what joining lines may have left at either end. */
static int
conf_add_trimmed(struct conf_file *f, const char *key, size_t keylen, const char *v, size_t n,
		 unsigned line)
{
	while (n > 0 && is_space(*v)) {
		v++;
		n--;
	}
	while (n > 0 && is_space(v[n - 1]))
		n--;
	return conf_add(f, key, keylen, v, n, line);
}

/*
 * Decode the quoted value starting at @p s (on '"') into @p out (at least
 * CONF_LINE_MAX bytes); only white space or a comment may follow it.
 * Return the decoded length, or -1 with @p why set.
 */
static int
unquote(const char *s, const char *end, char *out, const char **why)
{
	size_t n = 0;

	for (s++; s < end && *s != '"'; s++) {
		char c = *s;

		if (c == '\\') {
			if (++s == end)
				break;
			if (*s != '\\' && *s != '"') {
				*why = "unknown escape in quoted value (only \\\\ and \\\")";
				return -1;
			}
			c = *s;
		}
		out[n++] = c;
	}
	if (s == end) {
		*why = "quoted value has no closing quote";
		return -1;
	}
	for (s++; s < end && is_space(*s); s++)
		;
	if (s < end && *s != '#') {
		*why = "text after the closing quote";
		return -1;
	}
	return (int)n;
}

int
conf_parse(struct conf_file *f, const char *path, const char *buf, size_t len, char *err,
	   size_t errlen)
{
	/* The entry being built: its keyword, joined value, first line. */
	char *val = NULL;
	size_t vlen = 0, klen = 0;
	const char *key = NULL;
	unsigned line = 0, kline = 0;
	bool cont = false;
	const char *p = buf, *end = buf + len;
	int rc = 0;

	conf_free(f);
	f->path = strdup(path);
	val = malloc(CONF_LINE_MAX + 1);
	if (f->path == NULL || val == NULL) {
		free(val);
		return conf_err(err, errlen, -ENOMEM, "%s: out of memory", path);
	}
	if (len > CONF_FILE_MAX) {
		free(val);
		return conf_err(err, errlen, -EFBIG, "%s: larger than %u bytes", path,
				CONF_FILE_MAX);
	}
	/* A UTF-8 byte-order mark some editors write. */
	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;

	/* Bounded: each pass consumes one physical line of the file. */
	while (rc == 0 && p < end) {
		const char *ls = p, *le, *s, *hash;
		size_t n;

		line++;
		le = memchr(p, '\n', (size_t)(end - p));
		if (le == NULL)
			le = end;
		p = le < end ? le + 1 : end;
		if (le > ls && le[-1] == '\r')
			le--;
		if ((size_t)(le - ls) > CONF_LINE_MAX) {
			rc = conf_err(err, errlen, -EINVAL, "%s:%u: line longer than %u bytes", path,
				      line, CONF_LINE_MAX);
			break;
		}
		for (s = ls; s < le; s++) {
			unsigned char c = (unsigned char)*s;

			if ((c < 0x20 && c != '\t') || c == 0x7f) {
				rc = conf_err(err, errlen, -EINVAL,
					      "%s:%u: %s byte 0x%02x: not a text file", path, line,
					      c == 0 ? "NUL" : "control", c);
				break;
			}
		}
		if (rc != 0)
			break;

		for (s = ls; s < le && is_space(*s); s++)
			;
		if (cont) {
			if (s == le) {
				/* A blank line ends a continued value. */
				cont = false;
				rc = conf_add_trimmed(f, key, klen, val, vlen, kline);
				continue;
			}
			if (*s == '#')
				continue;
			s = ls; /* a continuation line is appended as it is, as tor does */
		} else {
			if (s == le || *s == '#')
				continue;
			key = s;
			while (s < le && !is_space(*s) && *s != '#')
				s++;
			klen = (size_t)(s - key);
			kline = line;
			vlen = 0;
			while (s < le && is_space(*s))
				s++;
			if (s < le && *s == '"') {
				const char *why = NULL;
				int q = unquote(s, le, val, &why);

				if (q < 0) {
					rc = conf_err(err, errlen, -EINVAL, "%s:%u: %s", path, line, why);
					break;
				}
				rc = conf_add(f, key, klen, val, (size_t)q, kline);
				continue;
			}
		}
		/* [s, le): value text; cut the comment, trim, look for a continuation. */
		hash = memchr(s, '#', (size_t)(le - s));
		if (hash != NULL)
			le = hash;
		while (le > s && is_space(le[-1]))
			le--;
		cont = le > s && le[-1] == '\\';
		if (cont)
			le--;
		n = (size_t)(le - s);
		if (vlen + n > CONF_LINE_MAX) {
			rc = conf_err(err, errlen, -EINVAL, "%s:%u: line longer than %u bytes", path,
				      kline, CONF_LINE_MAX);
			break;
		}
		memcpy(val + vlen, s, n);
		vlen += n;
		if (!cont)
			rc = conf_add_trimmed(f, key, klen, val, vlen, kline);
	}
	if (rc == 0 && cont)
		rc = conf_add_trimmed(f, key, klen, val, vlen, kline);
	if (rc == -ENOMEM)
		conf_err(err, errlen, rc, "%s: out of memory", path);
	free(val);
	return rc;
}

int
conf_read(struct conf_file *f, const char *path, char *err, size_t errlen)
{
	FILE *fp;
	char *buf;
	size_t n;
	int rc;

	conf_free(f);
	fp = fopen(path, "re");
	if (fp == NULL)
		return conf_err(err, errlen, -errno, "%s: %s", path, strerror(errno));
	buf = malloc(CONF_FILE_MAX + 1);
	if (buf == NULL) {
		fclose(fp);
		return conf_err(err, errlen, -ENOMEM, "%s: out of memory", path);
	}
	/* One byte more than allowed tells a file that is too large. */
	n = fread(buf, 1, CONF_FILE_MAX + 1, fp);
	if (ferror(fp)) {
		rc = conf_err(err, errlen, -EIO, "%s: %s", path,
			      errno != 0 ? strerror(errno) : "read error");
		fclose(fp);
		free(buf);
		return rc;
	}
	fclose(fp);
	rc = conf_parse(f, path, buf, n, err, errlen);
	free(buf);
	return rc;
}

const struct conf_opt *
conf_opt_find(const char *name)
{
	for (size_t i = 0; i < conf_schema_len; i++)
		if (strcasecmp(conf_schema[i].name, name) == 0)
			return &conf_schema[i];
	return NULL;
}

bool
conf_entry_is_for(const struct conf_entry *e, unsigned user)
{
	return e->opt != NULL && (e->opt->users & user) != 0;
}

/* ------------------------------------------------------------------ values */

bool
conf_is_nickname(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > CONF_NICK_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]))
			return false;
	return true;
}

/* Parse a decimal number with no sign, spaces or trailing text; false on overflow. */
static bool
parse_dec(const char *s, uint64_t *out)
{
	uint64_t v = 0;

	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9' || v > (UINT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return true;
}

/* Dotted quad at @p s; *@p rest points after it. */
static bool
parse_ipv4_prefix(const char *s, uint32_t *out, const char **rest)
{
	uint32_t ip = 0;

	for (int i = 0; i < 4; i++) {
		unsigned v = 0, digits = 0;

		while (*s >= '0' && *s <= '9' && digits < 3) {
			v = v * 10 + (unsigned)(*s++ - '0');
			digits++;
		}
		if (digits == 0 || v > 255 || (*s >= '0' && *s <= '9') || (i < 3 && *s++ != '.'))
			return false;
		ip = ip << 8 | v;
	}
	*out = ip;
	*rest = s;
	return true;
}

bool
conf_parse_ipv4(const char *s, uint32_t *out)
{
	const char *rest;
	uint32_t ip;

	if (!parse_ipv4_prefix(s, &ip, &rest) || *rest != '\0')
		return false;
	*out = ip;
	return true;
}

struct conf_unit {
	const char *name;
	uint64_t mult;
};

/* tor's src/lib/confmgt/unitparse.c memory_units. */
static const struct conf_unit memory_units[] = {
	{ "", 1 }, { "b", 1 }, { "byte", 1 }, { "bytes", 1 },
	{ "kb", 1 << 10 }, { "kbyte", 1 << 10 }, { "kbytes", 1 << 10 },
	{ "kilobyte", 1 << 10 }, { "kilobytes", 1 << 10 },
	{ "kilobits", 1 << 7 }, { "kilobit", 1 << 7 }, { "kbits", 1 << 7 }, { "kbit", 1 << 7 },
	{ "m", 1 << 20 }, { "mb", 1 << 20 }, { "mbyte", 1 << 20 }, { "mbytes", 1 << 20 },
	{ "megabyte", 1 << 20 }, { "megabytes", 1 << 20 },
	{ "megabits", 1 << 17 }, { "megabit", 1 << 17 }, { "mbits", 1 << 17 }, { "mbit", 1 << 17 },
	{ "gb", 1u << 30 }, { "gbyte", 1u << 30 }, { "gbytes", 1u << 30 },
	{ "gigabyte", 1u << 30 }, { "gigabytes", 1u << 30 },
	{ "gigabits", 1 << 27 }, { "gigabit", 1 << 27 }, { "gbits", 1 << 27 }, { "gbit", 1 << 27 },
	{ "tb", 1ull << 40 }, { "tbyte", 1ull << 40 }, { "tbytes", 1ull << 40 },
	{ "terabyte", 1ull << 40 }, { "terabytes", 1ull << 40 },
	{ "terabits", 1ull << 37 }, { "terabit", 1ull << 37 }, { "tbits", 1ull << 37 },
	{ "tbit", 1ull << 37 },
	{ NULL, 0 },
};

/* tor's src/lib/confmgt/unitparse.c time_msec_units. */
static const struct conf_unit msec_units[] = {
	{ "", 1 }, { "msec", 1 }, { "millisecond", 1 }, { "milliseconds", 1 },
	{ "second", 1000 }, { "seconds", 1000 },
	{ "minute", 60 * 1000 }, { "minutes", 60 * 1000 },
	{ "hour", 60 * 60 * 1000 }, { "hours", 60 * 60 * 1000 },
	{ "day", 24ull * 60 * 60 * 1000 }, { "days", 24ull * 60 * 60 * 1000 },
	{ "week", 7ull * 24 * 60 * 60 * 1000 }, { "weeks", 7ull * 24 * 60 * 60 * 1000 },
	{ NULL, 0 },
};

/*
 * tor's config_parse_units(): a number (a decimal fraction allowed), white
 * space, and a unit of @p u (any case); the product must stay below 2^63.
 */
static int
parse_units(const char *s, const struct conf_unit *u, const char *example, uint64_t *out,
	    char *err, size_t errlen)
{
	uint64_t ip = 0, frac = 0, fscale = 1;
	const char *p = s, *unit;
	bool digits = false;

	for (; *p >= '0' && *p <= '9'; p++, digits = true) {
		if (ip > (UINT64_MAX - 9) / 10)
			return conf_err(err, errlen, -EINVAL, "\"%s\" is too large", s);
		ip = ip * 10 + (uint64_t)(*p - '0');
	}
	if (*p == '.') {
		/* Up to 9 fraction digits are kept; more add nothing measurable. */
		for (p++; *p >= '0' && *p <= '9'; p++, digits = true) {
			if (fscale < 1000000000ull) {
				frac = frac * 10 + (uint64_t)(*p - '0');
				fscale *= 10;
			}
		}
	}
	if (!digits)
		return conf_err(err, errlen, -EINVAL, "\"%s\" is not a number (e.g. %s)", s,
				example);
	while (is_space(*p))
		p++;
	unit = p;
	for (; u->name != NULL; u++) {
		if (strcasecmp(u->name, unit) != 0)
			continue;
		if (ip != 0 && u->mult > (INT64_MAX - 1) / ip)
			return conf_err(err, errlen, -EINVAL, "\"%s\" is too large", s);
		/* frac < fscale <= 10^9 and mult <= 2^40: the product needs 128 bits. */
		*out = ip * u->mult + (uint64_t)((unsigned __int128)frac * u->mult / fscale);
		if (*out > INT64_MAX)
			return conf_err(err, errlen, -EINVAL, "\"%s\" is too large", s);
		return 0;
	}
	return conf_err(err, errlen, -EINVAL, "unknown unit \"%s\" in \"%s\"", unit, s);
}

int
conf_parse_memunit(const char *s, uint64_t *out, char *err, size_t errlen)
{
	return parse_units(s, memory_units, "1048576, \"10 MBytes\" or \"80 Mbits\"", out, err,
			   errlen);
}

int
conf_parse_msec(const char *s, uint64_t *out, char *err, size_t errlen)
{
	return parse_units(s, msec_units, "500, \"500 msec\" or \"2 seconds\"", out, err, errlen);
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

/* Decode exactly 40 hex digits at @p s into @p out (20 bytes). */
static bool
hex40_decode(const char *s, uint8_t out[20])
{
	for (int i = 0; i < 20; i++) {
		int hi = hexval(s[2 * i]), lo = hi < 0 ? -1 : hexval(s[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return false;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return true;
}

static bool
starts_with_ci(const char *s, const char *prefix)
{
	return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

int
conf_parse_dirauth(const char *s, struct conf_dirauth *out, char *err, size_t errlen)
{
	char buf[CONF_LINE_MAX + 1], fp[CONF_LINE_MAX + 1];
	char *words[CONF_LINE_MAX / 2 + 1], *save = NULL, *w, *colon;
	size_t nw = 0, i = 0, fplen = 0;
	uint64_t v;

	memset(out, 0, sizeof(*out));
	if (strlen(s) > CONF_LINE_MAX)
		return conf_err(err, errlen, -EINVAL, "line too long");
	snprintf(buf, sizeof(buf), "%s", s);
	for (w = strtok_r(buf, " \t", &save); w != NULL; w = strtok_r(NULL, " \t", &save))
		words[nw++] = w;
	if (nw == 0)
		return conf_err(err, errlen, -EINVAL, "no arguments");
	if (conf_is_nickname(words[0]))
		snprintf(out->nickname, sizeof(out->nickname), "%s", words[i++]);
	/* Flags, until a word that starts with a digit (tor does the same). */
	for (; i < nw && !(words[i][0] >= '0' && words[i][0] <= '9'); i++) {
		const char *f = words[i];

		if (strcasecmp(f, "hs") == 0 || strcasecmp(f, "no-hs") == 0 ||
		    strcasecmp(f, "no-v2") == 0 || strcasecmp(f, "bridge") == 0 ||
		    starts_with_ci(f, "upload=") || starts_with_ci(f, "download=") ||
		    starts_with_ci(f, "vote=")) {
			continue;
		} else if (starts_with_ci(f, "orport=")) {
			if (!parse_dec(f + 7, &v) || v < 1 || v > 65535)
				return conf_err(err, errlen, -EINVAL,
						"bad orport \"%s\" (want orport=1-65535)", f + 7);
			out->orport = (uint16_t)v;
		} else if (starts_with_ci(f, "v3ident=")) {
			if (strlen(f + 8) != 40 || !hex40_decode(f + 8, out->v3ident))
				return conf_err(err, errlen, -EINVAL,
						"bad v3ident \"%s\" (want 40 hex digits)", f + 8);
			out->has_v3ident = true;
		} else if (starts_with_ci(f, "weight=")) {
			char *end;

			errno = 0;
			if (strtod(f + 7, &end) < 0 || errno != 0 || end == f + 7 || *end != '\0')
				return conf_err(err, errlen, -EINVAL, "bad weight \"%s\"", f + 7);
		} else if (starts_with_ci(f, "ipv6=")) {
			if (f[5] != '[' || strchr(f, ']') == NULL)
				return conf_err(err, errlen, -EINVAL,
						"bad ipv6 \"%s\" (want ipv6=[ADDR]:PORT)", f + 5);
		} else {
			return conf_err(err, errlen, -EINVAL, "unknown flag \"%s\"", f);
		}
	}
	if (nw - i < 2)
		return conf_err(err, errlen, -EINVAL,
				"too few arguments (want [NICKNAME] [FLAGS] A.B.C.D:DIRPORT "
				"FINGERPRINT)");
	w = words[i++];
	colon = strchr(w, ':');
	if (colon == NULL)
		return conf_err(err, errlen, -EINVAL, "no port in address \"%s\" (want A.B.C.D:DIRPORT)",
				w);
	*colon = '\0';
	if (!conf_parse_ipv4(w, &out->ip))
		return conf_err(err, errlen, -EINVAL, "\"%s\" is not an IPv4 address", w);
	if (!parse_dec(colon + 1, &v) || v < 1 || v > 65535)
		return conf_err(err, errlen, -EINVAL, "bad directory port \"%s\" (1-65535)",
				colon + 1);
	out->dirport = (uint16_t)v;
	/* The fingerprint: what remains, joined (tor allows "9695 DFC3 ..."). */
	for (; i < nw; i++) {
		size_t n = strlen(words[i]);

		memcpy(fp + fplen, words[i], n);
		fplen += n;
	}
	fp[fplen] = '\0';
	if (fplen != 40 || !hex40_decode(fp, out->rsa_id))
		return conf_err(err, errlen, -EINVAL, "fingerprint \"%s\" is not 40 hex digits", fp);
	return 0;
}

int
conf_parse_family(const char *s, char (*out)[41], unsigned max, unsigned *n, char *err,
		  size_t errlen)
{
	char buf[CONF_LINE_MAX + 1], *save = NULL, *m;

	if (strlen(s) > CONF_LINE_MAX)
		return conf_err(err, errlen, -EINVAL, "line too long");
	snprintf(buf, sizeof(buf), "%s", s);
	for (m = strtok_r(buf, ",", &save); m != NULL; m = strtok_r(NULL, ",", &save)) {
		char *e = m + strlen(m);
		const char *h;
		size_t hl;

		while (is_space(*m))
			m++;
		while (e > m && is_space(e[-1]))
			*--e = '\0';
		if (*m == '\0')
			continue;
		h = m[0] == '$' ? m + 1 : m;
		hl = strspn(h, "0123456789abcdefABCDEF");
		/* tor's is_legal_hexdigest: 40 hex, then nothing or [=~]NICKNAME. */
		if (hl != 40 || (h[40] != '\0' && ((h[40] != '=' && h[40] != '~') ||
						   !conf_is_nickname(h + 41))))
			return conf_err(err, errlen, -EINVAL,
					"\"%s\" is not a relay fingerprint ($ and 40 hex digits, "
					"optionally ~NICKNAME)",
					m);
		if (*n >= max)
			return conf_err(err, errlen, -E2BIG, "more than %u family members", max);
		for (int i = 0; i < 40; i++)
			out[*n][i] = (char)toupper((unsigned char)h[i]);
		out[*n][40] = '\0';
		(*n)++;
	}
	return 0;
}

int
conf_log_severity(const char *name)
{
	static const char *const names[] = {
		[CONF_LOG_ERR] = "err", [CONF_LOG_WARN] = "warn", [CONF_LOG_NOTICE] = "notice",
		[CONF_LOG_INFO] = "info", [CONF_LOG_DEBUG] = "debug",
	};

	for (int i = CONF_LOG_ERR; i <= CONF_LOG_DEBUG; i++)
		if (strcasecmp(name, names[i]) == 0)
			return i;
	return -1;
}

int
conf_parse_log(const char *s, struct conf_log *out, char *err, size_t errlen)
{
	char sev[64], dest[64];
	const char *p = s, *q;
	char *dash;
	size_t n;

	memset(out, 0, sizeof(*out));
	if (*p == '[')
		return conf_err(err, errlen, -EINVAL, "log domains ([...]) are not supported");
	/* SEVERITY[-MAX] */
	for (q = p; *q != '\0' && !is_space(*q); q++)
		;
	n = (size_t)(q - p);
	if (n == 0 || n >= sizeof(sev))
		return conf_err(err, errlen, -EINVAL,
				"want SEVERITY stderr|stdout or SEVERITY file PATH");
	memcpy(sev, p, n);
	sev[n] = '\0';
	dash = strchr(sev, '-');
	if (dash != NULL) {
		*dash++ = '\0';
		if (conf_log_severity(dash) != CONF_LOG_ERR)
			return conf_err(err, errlen, -EINVAL,
					"severity range \"%s-%s\": only a range up to err is "
					"supported",
					sev, dash);
	}
	out->severity = conf_log_severity(sev);
	if (out->severity < 0)
		return conf_err(err, errlen, -EINVAL,
				"unknown severity \"%s\" (debug, info, notice, warn, err)", sev);
	/* Destination. */
	for (p = q; is_space(*p); p++)
		;
	for (q = p; *q != '\0' && !is_space(*q); q++)
		;
	n = (size_t)(q - p);
	if (n == 0 || n >= sizeof(dest))
		return conf_err(err, errlen, -EINVAL,
				"no destination (want stderr, stdout or file PATH)");
	memcpy(dest, p, n);
	dest[n] = '\0';
	for (p = q; is_space(*p); p++)
		;
	if (strcasecmp(dest, "file") == 0) {
		if (*p == '\0')
			return conf_err(err, errlen, -EINVAL, "\"file\" needs a PATH");
		out->dest = CONF_LOG_DEST_FILE;
		snprintf(out->path, sizeof(out->path), "%s", p);
		return 0;
	}
	if (strcasecmp(dest, "stderr") == 0)
		out->dest = CONF_LOG_DEST_STDERR;
	else if (strcasecmp(dest, "stdout") == 0)
		out->dest = CONF_LOG_DEST_STDOUT;
	else if (strcasecmp(dest, "syslog") == 0)
		return conf_err(err, errlen, -EINVAL,
				"syslog is not supported yet (stderr, stdout or file PATH)");
	else
		return conf_err(err, errlen, -EINVAL,
				"unknown destination \"%s\" (stderr, stdout or file PATH)", dest);
	if (*p != '\0')
		return conf_err(err, errlen, -EINVAL, "unexpected \"%s\" after %s", p, dest);
	return 0;
}

/* Exactly @p n hex digits at @p p, as a number in *@p out. */
static bool
hexn(const char *p, int n, unsigned *out)
{
	*out = 0;
	for (int i = 0; i < n; i++) {
		if (hexval(p[i]) < 0)
			return false;
		*out = *out * 16 + (unsigned)hexval(p[i]);
	}
	return true;
}

/*
 * PCI address in [s, e): DOMAIN:BUS:DEV.FN (4, 2, 2 hex digits and 0-7) or
 * BUS:DEV.FN; the ethdev name, always with the domain, into @p name.
 */
static bool
parse_pci(const char *s, const char *e, char name[CONF_PORT_NAME_MAX + 1])
{
	unsigned dom = 0, bus, dev, fn;
	const char *p = s;

	if (e - s == 12) {
		if (!hexn(p, 4, &dom) || p[4] != ':')
			return false;
		p += 5;
	} else if (e - s != 7) {
		return false;
	}
	if (!hexn(p, 2, &bus) || p[2] != ':' || !hexn(p + 3, 2, &dev) || p[5] != '.' ||
	    p[6] < '0' || p[6] > '7' || dev > 0x1f)
		return false;
	fn = (unsigned)(p[6] - '0');
	snprintf(name, CONF_PORT_NAME_MAX + 1, "%04x:%02x:%02x.%x", dom, bus, dev, fn);
	return true;
}

int
conf_parse_dpdk_port(const char *s, struct conf_dpdk_port *out, char *err, size_t errlen)
{
	const char *comma = strchr(s, ','), *e = comma != NULL ? comma : s + strlen(s);
	size_t n = (size_t)(e - s);

	memset(out, 0, sizeof(*out));
	if (strpbrk(s, " \t") != NULL || n == 0)
		goto bad;
	if (parse_pci(s, e, out->name)) {
		out->is_pci = true;
		return 0;
	}
	if (n > CONF_PORT_NAME_MAX || !isalpha((unsigned char)s[0]))
		goto bad;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_')
			goto bad;
	memcpy(out->name, s, n);
	out->name[n] = '\0';
	return 0;
bad:
	return conf_err(err, errlen, -EINVAL,
			"\"%s\" is neither a PCI address (0000:03:00.0) nor a vdev "
			"(net_af_packet0,iface=eth1)",
			s);
}

/* ---- MetricsPort and address policies ---------------------------------- */

/* Parse a port list of a policy entry: `*`, N or N-M, 1-65535 (tor checks, then ignores). */
static bool
policy_ports_ok(const char *s)
{
	const char *dash = strchr(s, '-');
	char a[8], b[8];
	uint64_t lo, hi;

	if (strcmp(s, "*") == 0)
		return true;
	if (dash == NULL)
		return parse_dec(s, &lo) && lo >= 1 && lo <= 65535;
	if ((size_t)(dash - s) >= sizeof(a) || strlen(dash + 1) >= sizeof(b))
		return false;
	memcpy(a, s, (size_t)(dash - s));
	a[dash - s] = '\0';
	snprintf(b, sizeof(b), "%s", dash + 1);
	return parse_dec(a, &lo) && parse_dec(b, &hi) && lo >= 1 && lo <= hi && hi <= 65535;
}

/* A dotted IPv4 mask of contiguous one bits: its length in *@p len. */
static bool
policy_dotted_mask(const char *s, uint8_t *len)
{
	uint32_t m;
	uint8_t n = 0;

	if (!conf_parse_ipv4(s, &m))
		return false;
	while (n < 32 && (m & (UINT32_C(1) << (31 - n))) != 0)
		n++;
	if (n < 32 && (m << n) != 0)
		return false;
	*len = n;
	return true;
}

/* tor's policies.c private_nets[], the IPv4 part. */
static const struct {
	uint32_t addr;
	uint8_t len;
} policy_private[] = {
	{ 0x00000000, 8 },  { 0xa9fe0000, 16 }, { 0x7f000000, 8 },
	{ 0xc0a80000, 16 }, { 0x0a000000, 8 },  { 0xac100000, 12 },
};

/* Append rule @p r to @p out. */
static int
policy_add(const struct conf_policy_rule *r, struct conf_policy_rule *out, unsigned max,
	   unsigned *n, char *err, size_t errlen)
{
	if (*n >= max)
		return conf_err(err, errlen, -E2BIG, "more than %u policy rules", max);
	out[(*n)++] = *r;
	return 0;
}

/* Parse a policy address `ADDR[/MASK]` (no port) of an accept6/reject6 entry if @p v6only. */
static bool
policy_addr(char *addr, bool v6only, struct conf_policy_rule *r)
{
	char *mask = NULL;
	uint64_t bits;
	uint8_t a6[16];
	uint32_t ip;

	if (addr[0] == '[') {
		char *end = strchr(addr, ']');

		if (end == NULL || (end[1] != '\0' && end[1] != '/'))
			return false;
		*end = '\0';
		if (inet_pton(AF_INET6, addr + 1, a6) != 1)
			return false;
		if (end[1] == '/' && (!parse_dec(end + 2, &bits) || bits > 128))
			return false;
		r->family = CONF_POLICY_IPV6;
		return true;
	}
	mask = strchr(addr, '/');
	if (mask != NULL)
		*mask++ = '\0';
	if (strcmp(addr, "*") == 0 || strcmp(addr, "*4") == 0 || strcmp(addr, "*6") == 0) {
		if (mask != NULL || (v6only && strcmp(addr, "*4") == 0))
			return false;
		r->family = strcmp(addr, "*6") == 0 || v6only ? CONF_POLICY_IPV6
			  : strcmp(addr, "*4") == 0	 ? CONF_POLICY_IPV4
							 : CONF_POLICY_ANY;
		return true;
	}
	if (v6only || !conf_parse_ipv4(addr, &ip))
		return false;
	r->family = CONF_POLICY_IPV4;
	r->prefix_len = 32;
	if (mask != NULL) {
		if (parse_dec(mask, &bits) && bits <= 32)
			r->prefix_len = (uint8_t)bits;
		else if (!policy_dotted_mask(mask, &r->prefix_len))
			return false;
	}
	/* tor keeps the network: host bits are cleared. */
	r->addr = r->prefix_len == 0 ? 0 : ip & (UINT32_C(0xffffffff) << (32 - r->prefix_len));
	return true;
}

/* One entry, `ACTION ADDR[/MASK][:PORT]`, trimmed. */
static int
policy_entry(const char *entry, struct conf_policy_rule *out, unsigned max, unsigned *n,
	     char *err, size_t errlen)
{
	struct conf_policy_rule r = { 0 };
	char w[CONF_LINE_MAX + 1], *addr, *ports;
	bool v6only;

	snprintf(w, sizeof(w), "%s", entry);
	addr = w + strcspn(w, " \t");
	if (*addr == '\0')
		goto bad;
	*addr++ = '\0';
	while (is_space(*addr))
		addr++;
	if (strcasecmp(w, "accept") == 0 || strcasecmp(w, "accept6") == 0)
		r.accept = true;
	else if (strcasecmp(w, "reject") != 0 && strcasecmp(w, "reject6") != 0)
		goto bad;
	v6only = w[strlen(w) - 1] == '6';
	if (*addr == '\0' || addr[strcspn(addr, " \t")] != '\0')
		goto bad;
	/* The port follows the first ':' outside an IPv6 address's brackets. */
	if (addr[0] == '[') {
		ports = strchr(addr, ']');
		if (ports == NULL)
			goto bad;
		ports = strchr(ports, ':');
	} else {
		ports = strchr(addr, ':');
	}
	if (ports != NULL) {
		*ports++ = '\0';
		if (!policy_ports_ok(ports))
			goto bad;
	}
	if (strcasecmp(addr, "private") == 0) {
		if (v6only) /* only IPv6 networks: nothing an IPv4 peer could match */
			return policy_add(&(struct conf_policy_rule){ .accept = r.accept,
								    .family = CONF_POLICY_IPV6 },
					  out, max, n, err, errlen);
		for (size_t i = 0; i < ARRAY_SIZE(policy_private); i++) {
			int rc;

			r.family = CONF_POLICY_IPV4;
			r.addr = policy_private[i].addr;
			r.prefix_len = policy_private[i].len;
			rc = policy_add(&r, out, max, n, err, errlen);
			if (rc != 0)
				return rc;
		}
		return 0;
	}
	if (!policy_addr(addr, v6only, &r))
		goto bad;
	return policy_add(&r, out, max, n, err, errlen);
bad:
	return conf_err(err, errlen, -EINVAL,
			"\"%s\" is not a policy entry (accept|reject ADDR[/MASK][:PORT])", entry);
}

int
conf_parse_policy(const char *s, struct conf_policy_rule *out, unsigned max, unsigned *n,
		  char *err, size_t errlen)
{
	char buf[CONF_LINE_MAX + 1], *save = NULL, *m;

	if (strlen(s) > CONF_LINE_MAX)
		return conf_err(err, errlen, -EINVAL, "line too long");
	snprintf(buf, sizeof(buf), "%s", s);
	for (m = strtok_r(buf, ",", &save); m != NULL; m = strtok_r(NULL, ",", &save)) {
		char *e = m + strlen(m);
		int rc;

		while (is_space(*m))
			m++;
		while (e > m && is_space(e[-1]))
			*--e = '\0';
		if (*m == '\0')
			continue;
		rc = policy_entry(m, out, max, n, err, errlen);
		if (rc != 0)
			return rc;
	}
	return 0;
}

bool
conf_policy_accepts(const struct conf_policy_rule *rules, unsigned n, uint32_t ip)
{
	for (unsigned i = 0; i < n; i++) {
		const struct conf_policy_rule *r = &rules[i];
		uint32_t m;

		if (r->family == CONF_POLICY_ANY)
			return r->accept;
		if (r->family != CONF_POLICY_IPV4)
			continue;
		m = r->prefix_len == 0 ? 0 : UINT32_C(0xffffffff) << (32 - r->prefix_len);
		if ((ip & m) == r->addr)
			return r->accept;
	}
	return false;
}

bool
conf_policy_accepts_any(const struct conf_policy_rule *rules, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		if (rules[i].family == CONF_POLICY_ANY)
			return rules[i].accept;
		if (rules[i].family == CONF_POLICY_IPV4 && rules[i].accept)
			return true;
		/* A reject of 0.0.0.0/0 hides everything after it. */
		if (rules[i].family == CONF_POLICY_IPV4 && rules[i].prefix_len == 0)
			return false;
	}
	return false;
}

int
conf_parse_metrics_port(const char *s, uint32_t *addr, uint16_t *port, char *err, size_t errlen)
{
	char ap[64], fmt[32], extra[2];
	const char *p = ap, *colon;
	uint64_t v;
	int k;

	k = sscanf(s, "%63s %31s %1s", ap, fmt, extra);
	if (k < 1 || strlen(s) > 200)
		return conf_err(err, errlen, -EINVAL, "needs a value");
	if (k == 3 || (k == 2 && strcasecmp(fmt, "prometheus") != 0))
		return conf_err(err, errlen, -EINVAL,
				"\"%s\": the only format is prometheus ([A.B.C.D:]PORT [prometheus])",
				s);
	*addr = 0x7f000001; /* tor: a port alone listens on 127.0.0.1 */
	colon = strrchr(ap, ':');
	if (ap[0] == '[')
		return conf_err(err, errlen, -EINVAL, "\"%s\": IPv6 is not supported yet", ap);
	if (colon != NULL) {
		char host[INET_ADDRSTRLEN + 1];

		if ((size_t)(colon - ap) >= sizeof(host))
			goto bad;
		memcpy(host, ap, (size_t)(colon - ap));
		host[colon - ap] = '\0';
		if (!conf_parse_ipv4(host, addr))
			goto bad;
		p = colon + 1;
	}
	if (!parse_dec(p, &v) || v < 1 || v > 65535)
		goto bad;
	*port = (uint16_t)v;
	return 0;
bad:
	return conf_err(err, errlen, -EINVAL, "\"%s\" is not [A.B.C.D:]PORT (port 1-65535)", ap);
}

/* EAL's -l syntax, the simple part: N or N-M (N <= M), comma-separated. */
static bool
lcores_ok(const char *s)
{
	const char *p = s;

	/* Bounded by the length of @p s. */
	for (;;) {
		uint64_t a = 0, b;
		const char *f = p;

		while (*p >= '0' && *p <= '9' && p - f < 5)
			a = a * 10 + (uint64_t)(*p++ - '0');
		if (p == f)
			return false;
		b = a;
		if (*p == '-') {
			f = ++p;
			b = 0;
			while (*p >= '0' && *p <= '9' && p - f < 5)
				b = b * 10 + (uint64_t)(*p++ - '0');
			if (p == f || b < a)
				return false;
		}
		if (a > 1023 || b > 1023)
			return false;
		if (*p == '\0')
			return true;
		if (*p++ != ',')
			return false;
	}
}

static void
choices_list(const char *const *c, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (; *c != NULL && off < len; c++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s", off != 0 ? ", " : "", *c);
}

int
conf_check_value(const struct conf_opt *opt, const char *value, struct conf_value *out,
		 char *err, size_t errlen)
{
	struct conf_value v = { 0 };
	uint64_t n;
	int rc;

	if (opt->kind == CONF_KIND_UNSUPPORTED)
		return conf_err(err, errlen, -EINVAL, "%s", opt->note);
	if (value[0] == '\0')
		return conf_err(err, errlen, -EINVAL, "needs a value");
	switch (opt->kind) {
	case CONF_KIND_TEXT:
	case CONF_KIND_PATH:
		if (opt->max != 0 && strlen(value) > opt->max)
			return conf_err(err, errlen, -EINVAL, "longer than %llu bytes",
					(unsigned long long)opt->max);
		break;
	case CONF_KIND_NICKNAME:
		if (!conf_is_nickname(value))
			return conf_err(err, errlen, -EINVAL,
					"\"%s\" is not a nickname (1-19 letters and digits)", value);
		break;
	case CONF_KIND_BOOL:
		if (strcmp(value, "0") != 0 && strcmp(value, "1") != 0)
			return conf_err(err, errlen, -EINVAL, "\"%s\" is not 0 or 1", value);
		v.u = value[0] == '1';
		if (v.u > opt->max)
			return conf_err(err, errlen, -EINVAL, "%s", opt->note);
		break;
	case CONF_KIND_UINT:
		if (!parse_dec(value, &v.u) || v.u < opt->min || v.u > opt->max)
			return conf_err(err, errlen, -EINVAL, "\"%s\" is not a number in %llu-%llu",
					value, (unsigned long long)opt->min,
					(unsigned long long)opt->max);
		break;
	case CONF_KIND_PORT:
		if (!parse_dec(value, &v.u) || v.u < 1 || v.u > 65535)
			return conf_err(err, errlen, -EINVAL, "\"%s\" is not a port (1-65535)", value);
		break;
	case CONF_KIND_IPV4: {
		uint32_t ip;

		if (!conf_parse_ipv4(value, &ip))
			return conf_err(err, errlen, -EINVAL,
					"\"%s\" is not an IPv4 address (A.B.C.D)", value);
		v.u = ip;
		break;
	}
	case CONF_KIND_IPV4_PREFIX: {
		const char *rest;
		uint32_t ip;

		if (!parse_ipv4_prefix(value, &ip, &rest) || *rest != '/' ||
		    !parse_dec(rest + 1, &n) || n < 1 || n > 32 || ip == 0)
			return conf_err(err, errlen, -EINVAL, "\"%s\" is not A.B.C.D/LEN", value);
		v.u = ip;
		v.prefix_len = (uint8_t)n;
		break;
	}
	case CONF_KIND_MEMUNIT:
	case CONF_KIND_MSEC: {
		const char *unit = opt->kind == CONF_KIND_MEMUNIT ? "bytes" : "ms";

		rc = opt->kind == CONF_KIND_MEMUNIT ? conf_parse_memunit(value, &v.u, err, errlen)
						    : conf_parse_msec(value, &v.u, err, errlen);
		if (rc != 0)
			return rc;
		if (v.u == 0 && (opt->flags & CONF_F_ZERO_OK))
			break;
		/* tor's config_ensure_bandwidth_cap(): "2 GB" means its largest, 2^31 - 1. */
		if (opt->kind == CONF_KIND_MEMUNIT && opt->max == INT32_MAX && v.u == opt->max + 1)
			v.u = opt->max;
		if (v.u < opt->min || v.u > opt->max)
			return conf_err(err, errlen, -EINVAL, "\"%s\" is %llu %s, not in %llu-%llu%s",
					value, (unsigned long long)v.u, unit,
					(unsigned long long)opt->min, (unsigned long long)opt->max,
					(opt->flags & CONF_F_ZERO_OK) ? " (or 0)" : "");
		break;
	}
	case CONF_KIND_ENUM: {
		char list[256];

		for (v.u = 0; opt->choices[v.u] != NULL; v.u++)
			if (strcasecmp(opt->choices[v.u], value) == 0)
				break;
		if (opt->choices[v.u] == NULL) {
			choices_list(opt->choices, list, sizeof(list));
			return conf_err(err, errlen, -EINVAL, "\"%s\" is not one of %s", value, list);
		}
		break;
	}
	case CONF_KIND_MODE: {
		const char *p = value;

		for (v.u = 0; *p >= '0' && *p <= '7' && v.u <= 0777; p++)
			v.u = v.u * 8 + (uint64_t)(*p - '0');
		if (*p != '\0' || v.u > 0777)
			return conf_err(err, errlen, -EINVAL,
					"\"%s\" is not a file mode (octal, 0-0777)", value);
		break;
	}
	case CONF_KIND_SHM_NAME:
		if (!ipc_shm_name_is_valid(value))
			return conf_err(err, errlen, -EINVAL,
					"invalid name \"%s\" (1-62 of A-Z a-z 0-9 . _ -)", value);
		break;
	case CONF_KIND_LCORES:
		if (!lcores_ok(value))
			return conf_err(err, errlen, -EINVAL,
					"\"%s\" is not a list of lcores (e.g. 0,1 or 0-3; 0-1023)",
					value);
		break;
	case CONF_KIND_DIRAUTH: {
		struct conf_dirauth da;

		rc = conf_parse_dirauth(value, &da, err, errlen);
		if (rc != 0)
			return rc;
		break;
	}
	case CONF_KIND_FAMILY: {
		char fam[CONF_FAMILY_MAX][41];
		unsigned nf = 0;

		rc = conf_parse_family(value, fam, CONF_FAMILY_MAX, &nf, err, errlen);
		if (rc != 0)
			return rc;
		v.u = nf;
		break;
	}
	case CONF_KIND_LOG: {
		struct conf_log lg;

		rc = conf_parse_log(value, &lg, err, errlen);
		if (rc != 0)
			return rc;
		break;
	}
	case CONF_KIND_DPDK_PORT: {
		struct conf_dpdk_port dp;

		rc = conf_parse_dpdk_port(value, &dp, err, errlen);
		if (rc != 0)
			return rc;
		break;
	}
	case CONF_KIND_FAMILY_ID: {
		uint8_t id[32];

		rc = conf_parse_family_id(value, id, err, errlen);
		if (rc < 0)
			return rc;
		break;
	}
	case CONF_KIND_METRICS_PORT: {
		uint32_t ip;
		uint16_t port;

		rc = conf_parse_metrics_port(value, &ip, &port, err, errlen);
		if (rc != 0)
			return rc;
		v.u = (uint64_t)ip << 16 | port;
		break;
	}
	case CONF_KIND_POLICY: {
		struct conf_policy_rule rules[CONF_POLICY_MAX];
		unsigned nr = 0;

		rc = conf_parse_policy(value, rules, CONF_POLICY_MAX, &nr, err, errlen);
		if (rc != 0)
			return rc;
		v.u = nr;
		break;
	}
	case CONF_KIND_UNSUPPORTED:
		break;
	}
	if (out != NULL)
		*out = v;
	return 0;
}

int
conf_validate(struct conf_file *f, char *err, size_t errlen)
{
	char why[512];
	unsigned family = 0, policy = 0;
	const struct conf_entry *rate = NULL, *burst = NULL;

	f->validated = false;
	/* O(n * schema) plus O(n^2) for repeats over a bounded file; fine at start-up. */
	for (size_t i = 0; i < f->n; i++) {
		struct conf_entry *e = &f->entries[i];
		unsigned count = 1;

		e->opt = conf_opt_find(e->key);
		if (e->opt == NULL)
			return conf_err(err, errlen, -EINVAL, "%s:%u: unknown option \"%s\"", f->path,
					e->line, e->key);
		for (size_t j = 0; j < i; j++) {
			if (f->entries[j].opt != e->opt)
				continue;
			if (!(e->opt->flags & CONF_F_REPEAT))
				return conf_err(err, errlen, -EINVAL,
						"%s:%u: %s given twice (lines %u and %u)", f->path,
						e->line, e->opt->name, f->entries[j].line, e->line);
			count++;
		}
		if ((e->opt->flags & CONF_F_REPEAT) && count > e->opt->max)
			return conf_err(err, errlen, -EINVAL, "%s:%u: more than %llu %s lines",
					f->path, e->line, (unsigned long long)e->opt->max,
					e->opt->name);
		if (conf_check_value(e->opt, e->value, &e->val, why, sizeof(why)) != 0)
			return conf_err(err, errlen, -EINVAL, "%s:%u: %s: %s", f->path, e->line,
					e->opt->name, why);
		if (e->opt->kind == CONF_KIND_FAMILY) {
			family += (unsigned)e->val.u;
			if (family > CONF_FAMILY_MAX)
				return conf_err(err, errlen, -EINVAL,
						"%s:%u: %s: more than %u family members", f->path,
						e->line, e->opt->name, CONF_FAMILY_MAX);
		}
		if (e->opt->kind == CONF_KIND_POLICY) {
			policy += (unsigned)e->val.u;
			if (policy > CONF_POLICY_MAX)
				return conf_err(err, errlen, -EINVAL,
						"%s:%u: %s: more than %u policy rules", f->path,
						e->line, e->opt->name, CONF_POLICY_MAX);
		}
		if (strcmp(e->opt->name, "RelayBandwidthRate") == 0)
			rate = e;
		else if (strcmp(e->opt->name, "RelayBandwidthBurst") == 0)
			burst = e;
	}
	/* tor's relay_config.c: the burst is at least the rate (either one alone sets both). */
	if (rate != NULL && burst != NULL && burst->val.u != 0 && burst->val.u < rate->val.u)
		return conf_err(err, errlen, -EINVAL,
				"%s:%u: RelayBandwidthBurst (%llu bytes) is below RelayBandwidthRate "
				"(%llu bytes, line %u)",
				f->path, burst->line, (unsigned long long)burst->val.u,
				(unsigned long long)rate->val.u, rate->line);
	f->validated = true;
	return 0;
}

/* RFC 4648 base64 digit value, or -1. */
static int
b64_digit(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

int
conf_parse_family_id(const char *value, uint8_t id[32], char *err, size_t errlen)
{
	uint32_t acc = 0;
	unsigned bits = 0, n = 0;

	if (strcmp(value, "*") == 0)
		return 1;
	if (strlen(value) != 43)
		goto bad;
	for (const char *p = value; *p != '\0'; p++) {
		int d = b64_digit(*p);

		if (d < 0)
			goto bad;
		acc = (acc << 6) | (uint32_t)d;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			id[n++] = (uint8_t)(acc >> bits);
		}
	}
	/* 43 characters carry 258 bits: 32 bytes and 2 bits that must be zero. */
	if (n != 32 || (acc & ((1u << bits) - 1)) != 0)
		goto bad;
	return 0;
bad:
	return conf_err(err, errlen, -EINVAL,
			"\"%s\" is not a family id (43 base64 characters, as tor --keygen-family "
			"prints, or *)",
			value);
}
