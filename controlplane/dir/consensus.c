/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Consensus documents: parse in one pass, check the signatures, answer queries.
 *
 * The document is read item by item (dirdoc.c) through four sections:
 *
 *     header     network-status-version ... dir-source/contact/vote-digest
 *     routers    r, then its a/s/v/pr/w/p/m lines, per relay
 *     footer     directory-footer, bandwidth-weights
 *     signatures directory-signature + SIGNATURE object, and nothing else
 *
 * What each item must look like, and which must be present, follows tor's
 * feature/dirparse/ns_parse.c (networkstatus_parse_vote_from_string() and
 * routerstatus_parse_entry_from_string() for a consensus); where tor is
 * lenient about a detail no authority ever emits (a port that is not a
 * number), this parser refuses the document instead. Signature counting
 * follows feature/nodelist/networkstatus.c
 * (networkstatus_check_consensus_signature(),
 * networkstatus_check_document_signature()).
 *
 * All strings handed out (versions, protocol lines, parameter names) are
 * copied into an arena owned by the consensus: the caller's text may go
 * as soon as cp_consensus_parse() returns.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include "controlplane/dir/consensus.h"
#include "controlplane/dir/dirdoc_int.h"
#include "controlplane/util.h"

/* tor's dirvote.h: MIN_VOTE_INTERVAL, MIN_VOTE_INTERVAL_TESTING, MIN_*_SECONDS. */
#define MIN_INTERVAL 300
#define MIN_INTERVAL_TESTING 10
#define MIN_VOTE_DIST_SECONDS 2
/* tor's protover.c MAX_PROTOCOL_VERSION and MAX_PROTOCOL_NAME_LENGTH. */
#define PROTO_MAX_VERSION 63
#define PROTO_MAX_NAME 100
/* directory-signature objects: tor accepts 128 to 512 bytes. */
#define SIG_MIN_LEN 128
#define SIG_MAX_LEN 512
/* Signatures kept: one per voter and algorithm. */
#define MAX_SIGS (CP_CONSENSUS_MAX_VOTERS * 2)
/* Arena block size; larger strings get a block of their own. */
#define ARENA_BLOCK 65536

enum sig_alg { ALG_SHA1, ALG_SHA256 };

struct arena_block {
	struct arena_block *next;
	size_t used, cap;
	char data[];
};

struct cp_cons_arena {
	struct arena_block *head;
};

/* One directory-signature to check. */
struct sig_ref {
	size_t voter;
	enum sig_alg alg;
	uint8_t sk[20];
	uint8_t sig[SIG_MAX_LEN];
	size_t sig_len;
};

/* Items that may appear at most once in the header, by bit. */
enum hdr_bit {
	H_VOTE_STATUS = 1u << 0,
	H_METHOD = 1u << 1,
	H_VALID_AFTER = 1u << 2,
	H_FRESH_UNTIL = 1u << 3,
	H_VALID_UNTIL = 1u << 4,
	H_VOTING_DELAY = 1u << 5,
	H_KNOWN_FLAGS = 1u << 6,
	H_PARAMS = 1u << 7,
	H_CLIENT_VERSIONS = 1u << 8,
	H_SERVER_VERSIONS = 1u << 9,
	H_SRV_PREV = 1u << 10,
	H_SRV_CUR = 1u << 11,
	H_REC_CLIENT = 1u << 12,
	H_REC_RELAY = 1u << 13,
	H_REQ_CLIENT = 1u << 14,
	H_REQ_RELAY = 1u << 15,
};

/* The parser's state for one document. */
struct cons_parse {
	const char *text;
	size_t len;
	const struct cp_dir_trust *trust;
	time_t now;
	char *err;
	size_t errlen;
	struct cp_consensus *c;
	size_t relays_cap;
	const char *start;    /* the network-status-version line */
	size_t signed_end;    /* offset one past the signed part */
	struct sig_ref *sigs; /* MAX_SIGS */
	size_t n_sigs;
	/* Per voter: a contact and a vote-digest were seen. */
	bool voter_contact[CP_CONSENSUS_MAX_VOTERS];
	bool voter_digest[CP_CONSENSUS_MAX_VOTERS];
	/* Missing certificates found by the signature check. */
	struct cp_dir_cert_id *missing;
	size_t missing_max, n_missing;
};

static const struct {
	const char *name;
	uint32_t bit;
} flag_names[] = {
	{"Authority", CP_CONS_FLAG_AUTHORITY},
	{"BadExit", CP_CONS_FLAG_BADEXIT},
	{"Exit", CP_CONS_FLAG_EXIT},
	{"Fast", CP_CONS_FLAG_FAST},
	{"Guard", CP_CONS_FLAG_GUARD},
	{"HSDir", CP_CONS_FLAG_HSDIR},
	{"MiddleOnly", CP_CONS_FLAG_MIDDLEONLY},
	{"NoEdConsensus", CP_CONS_FLAG_NOEDCONSENSUS},
	{"Running", CP_CONS_FLAG_RUNNING},
	{"Stable", CP_CONS_FLAG_STABLE},
	{"StaleDesc", CP_CONS_FLAG_STALEDESC},
	{"Sybil", CP_CONS_FLAG_SYBIL},
	{"V2Dir", CP_CONS_FLAG_V2DIR},
	{"Valid", CP_CONS_FLAG_VALID},
};

/* ---- arena ---- */

static const char *
arena_strndup(struct cp_cons_arena *a, const char *p, size_t n)
{
	struct arena_block *b = a->head;
	char *s;

	if (b == NULL || b->cap - b->used < n + 1) {
		size_t cap = n + 1 > ARENA_BLOCK ? n + 1 : ARENA_BLOCK;

		b = cp_xmalloc(sizeof(*b) + cap);
		b->cap = cap;
		b->used = 0;
		/* A big string's own block goes behind the current one, which keeps filling. */
		if (a->head != NULL && cap > ARENA_BLOCK) {
			b->next = a->head->next;
			a->head->next = b;
		} else {
			b->next = a->head;
			a->head = b;
		}
	}
	s = b->data + b->used;
	memcpy(s, p, n);
	s[n] = '\0';
	b->used += n + 1;
	return s;
}

static void
arena_free(struct cp_cons_arena *a)
{
	struct arena_block *b, *next;

	if (a == NULL)
		return;
	for (b = a->head; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	free(a);
}

/* ---- errors ---- */

/* Error texts quote the document: keep them printable ASCII for logs. */
static void
printable(char *s)
{
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			*s = '?';
	}
}

static unsigned
line_of(const struct cons_parse *ps, const char *at)
{
	const char *p;
	unsigned n = 1;

	if (at == NULL || at < ps->text || at > ps->text + ps->len)
		return 0;
	for (p = ps->text; p < at; p++)
		n += *p == '\n';
	return n;
}

__attribute__((format(printf, 4, 5))) static int
ps_fail(struct cons_parse *ps, const char *at, int rc, const char *fmt, ...)
{
	size_t used = 0;
	va_list ap;

	if (ps->err == NULL || ps->errlen == 0)
		return rc;
	if (at != NULL) {
		int n = snprintf(ps->err, ps->errlen, "line %u: ", line_of(ps, at));

		used = n < 0 ? 0 : (size_t)n < ps->errlen ? (size_t)n : ps->errlen - 1;
	}
	va_start(ap, fmt);
	vsnprintf(ps->err + used, ps->errlen - used, fmt, ap);
	va_end(ap);
	printable(ps->err);
	return rc;
}

/* Append to the error text without a line number. */
__attribute__((format(printf, 2, 3))) static void
ps_add(struct cons_parse *ps, const char *fmt, ...)
{
	size_t used;
	va_list ap;

	if (ps->err == NULL || ps->errlen == 0)
		return;
	used = strnlen(ps->err, ps->errlen);
	if (used + 1 >= ps->errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(ps->err + used, ps->errlen - used, fmt, ap);
	va_end(ap);
	printable(ps->err + used);
}

/* ---- small field parsers ---- */

static int
span_cmp(struct cp_dd_span a, struct cp_dd_span b)
{
	size_t n = a.len < b.len ? a.len : b.len;
	int r = memcmp(a.p, b.p, n);

	if (r != 0)
		return r;
	return a.len < b.len ? -1 : a.len > b.len ? 1 : 0;
}

/* tor's is_legal_nickname(): 1 to 19 characters [A-Za-z0-9]. */
static bool
nickname_ok(struct cp_dd_span s)
{
	size_t i;

	if (s.len < 1 || s.len > CP_DIR_NICK_MAX)
		return false;
	for (i = 0; i < s.len; i++) {
		char ch = s.p[i];

		if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
		      (ch >= '0' && ch <= '9')))
			return false;
	}
	return true;
}

/* A digest in base64 with or without padding that decodes to exactly @p n bytes. */
static bool
b64_digest(struct cp_dd_span s, uint8_t *out, size_t n)
{
	uint8_t buf[64];

	if (s.len > 88)
		return false;
	if (cp_dd_b64_decode(s.p, s.len, buf, sizeof(buf), false) != (int)n)
		return false;
	memcpy(out, buf, n);
	return true;
}

/* A protocol list ("pr" and *-protocols lines; dir-spec §2.1.1 "proto"):
 * Name=V[-V][,V[-V]...] entries, names [A-Za-z0-9-], versions 0..63. */
static bool
proto_list_ok(struct cp_dd_span s)
{
	struct cp_dd_span f;

	while (cp_dd_next_field(&s, &f)) {
		const char *eq = memchr(f.p, '=', f.len), *p, *end = f.p + f.len;
		size_t i;

		if (eq == NULL || eq == f.p || (size_t)(eq - f.p) > PROTO_MAX_NAME)
			return false;
		for (i = 0; i < (size_t)(eq - f.p); i++) {
			char ch = f.p[i];

			if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
			      (ch >= '0' && ch <= '9') || ch == '-'))
				return false;
		}
		/* An empty list ("Name=") is allowed. */
		for (p = eq + 1; p < end;) {
			long long lo, hi;
			const char *comma = memchr(p, ',', (size_t)(end - p)), *dash;
			const char *re = comma == NULL ? end : comma;
			struct cp_dd_span a, b;

			dash = memchr(p, '-', (size_t)(re - p));
			a.p = p;
			a.len = (size_t)((dash == NULL ? re : dash) - p);
			if (a.len == 0 || a.p[0] == '+' || a.p[0] == '-' ||
			    cp_dd_parse_int(a, 0, PROTO_MAX_VERSION, &lo) != 0)
				return false;
			hi = lo;
			if (dash != NULL) {
				b.p = dash + 1;
				b.len = (size_t)(re - b.p);
				if (b.len == 0 || b.p[0] == '+' || b.p[0] == '-' ||
				    cp_dd_parse_int(b, 0, PROTO_MAX_VERSION, &hi) != 0 || hi < lo)
					return false;
			}
			if (comma == NULL)
				break;
			p = comma + 1;
			if (p == end)
				return false;
		}
	}
	return true;
}

/* "KEY=INT32" lists: params and bandwidth-weights. @p sorted: strictly
 * increasing fields and no key twice (tor checks this for params only). */
static int
kv_list(struct cons_parse *ps, const struct cp_dd_item *it, bool sorted, struct cp_cons_param **out,
	size_t *n_out)
{
	struct cp_dd_span rest = it->args, f, prev = {0}, prev_key = {0};
	struct cp_cons_param *v;
	size_t n = cp_dd_split(it->args, NULL, 0), i = 0;

	if (n > CP_CONSENSUS_MAX_PARAMS)
		return ps_fail(ps, it->line, -EMSGSIZE, "more than %d entries on %.*s",
			       CP_CONSENSUS_MAX_PARAMS, (int)it->kw.len, it->kw.p);
	v = n == 0 ? NULL : cp_xcalloc(n, sizeof(*v));
	while (cp_dd_next_field(&rest, &f)) {
		const char *eq = memchr(f.p, '=', f.len);
		struct cp_dd_span key, val;
		long long x;

		if (eq == NULL || eq == f.p)
			goto bad;
		key.p = f.p;
		key.len = (size_t)(eq - f.p);
		val.p = eq + 1;
		val.len = f.len - key.len - 1;
		if (cp_dd_parse_int(val, INT32_MIN, INT32_MAX, &x) != 0)
			goto bad;
		if (sorted && i > 0) {
			if (span_cmp(prev, f) >= 0) {
				free(v);
				return ps_fail(ps, it->line, -EBADMSG, "%.*s not in order at %.*s",
					       (int)it->kw.len, it->kw.p, (int)f.len, f.p);
			}
			if (span_cmp(prev_key, key) == 0) {
				free(v);
				return ps_fail(ps, it->line, -EBADMSG, "%.*s: %.*s twice",
					       (int)it->kw.len, it->kw.p, (int)key.len, key.p);
			}
		}
		prev = f;
		prev_key = key;
		v[i].name = arena_strndup(ps->c->arena, key.p, key.len);
		v[i].value = (int32_t)x;
		i++;
	}
	*out = v;
	*n_out = i;
	return 0;
bad:
	free(v);
	return ps_fail(ps, it->line, -EBADMSG, "bad entry '%.*s' on %.*s", (int)f.len, f.p,
		       (int)it->kw.len, it->kw.p);
}

/* ---- header ---- */

static int
voter_find(const struct cp_consensus *c, const uint8_t id[20])
{
	size_t i;

	for (i = 0; i < c->n_voters; i++) {
		if (memcmp(c->voters[i].v3ident, id, 20) == 0)
			return (int)i;
	}
	return -1;
}

static int
hdr_dir_source(struct cons_parse *ps, const struct cp_dd_item *it)
{
	struct cp_consensus *c = ps->c;
	struct cp_dd_span f[6];
	struct cp_cons_voter *v;
	long long dirport, orport;
	size_t nick;

	if (cp_dd_split(it->args, f, 6) < 6)
		return ps_fail(ps, it->line, -EBADMSG, "dir-source needs 6 fields");
	if (c->n_voters == CP_CONSENSUS_MAX_VOTERS)
		return ps_fail(ps, it->line, -EMSGSIZE, "more than %d dir-source lines",
			       CP_CONSENSUS_MAX_VOTERS);
	v = &c->voters[c->n_voters];
	memset(v, 0, sizeof(*v));
	/* tor keeps any nickname here; a longer one is cut. */
	nick = f[0].len < sizeof(v->nickname) ? f[0].len : sizeof(v->nickname) - 1;
	memcpy(v->nickname, f[0].p, nick);
	if (cp_dd_hex_decode(f[1], v->v3ident, 20) != 0)
		return ps_fail(ps, it->line, -EBADMSG, "bad identity on dir-source");
	if (cp_dd_parse_ipv4(f[3], &v->ip) != 0 || cp_dd_parse_int(f[4], 0, 65535, &dirport) != 0 ||
	    cp_dd_parse_int(f[5], 0, 65535, &orport) != 0)
		return ps_fail(ps, it->line, -EBADMSG, "bad address or port on dir-source");
	v->dirport = (uint16_t)dirport;
	v->orport = (uint16_t)orport;
	ps->voter_contact[c->n_voters] = false;
	ps->voter_digest[c->n_voters] = false;
	c->n_voters++;
	return 0;
}

static int
hdr_once(struct cons_parse *ps, const struct cp_dd_item *it, uint32_t *seen, uint32_t bit)
{
	if (*seen & bit)
		return ps_fail(ps, it->line, -EBADMSG, "%.*s twice", (int)it->kw.len, it->kw.p);
	if (it->obj_type.len != 0)
		return ps_fail(ps, it->line, -EBADMSG, "unexpected object after %.*s",
			       (int)it->kw.len, it->kw.p);
	*seen |= bit;
	return 0;
}

static int
hdr_protocols(struct cons_parse *ps, const struct cp_dd_item *it, const char **dst)
{
	struct cp_dd_span s = cp_dd_rtrim(it->args);

	if (!proto_list_ok(s))
		return ps_fail(ps, it->line, -EBADMSG, "bad protocol list on %.*s", (int)it->kw.len,
			       it->kw.p);
	*dst = arena_strndup(ps->c->arena, s.p, s.len);
	return 0;
}

/* One header item other than network-status-version. */
static int
hdr_item(struct cons_parse *ps, const struct cp_dd_item *it, uint32_t *seen)
{
	static const struct {
		const char *kw;
		uint32_t bit;
	} once[] = {
		{"vote-status", H_VOTE_STATUS},
		{"consensus-method", H_METHOD},
		{"valid-after", H_VALID_AFTER},
		{"fresh-until", H_FRESH_UNTIL},
		{"valid-until", H_VALID_UNTIL},
		{"voting-delay", H_VOTING_DELAY},
		{"known-flags", H_KNOWN_FLAGS},
		{"params", H_PARAMS},
		{"client-versions", H_CLIENT_VERSIONS},
		{"server-versions", H_SERVER_VERSIONS},
		{"shared-rand-previous-value", H_SRV_PREV},
		{"shared-rand-current-value", H_SRV_CUR},
		{"recommended-client-protocols", H_REC_CLIENT},
		{"recommended-relay-protocols", H_REC_RELAY},
		{"required-client-protocols", H_REQ_CLIENT},
		{"required-relay-protocols", H_REQ_RELAY},
	};
	struct cp_consensus *c = ps->c;
	struct cp_dd_span f[2];
	uint32_t bit = 0;
	long long v;
	size_t i, nf;
	int rc;

	if (cp_dd_is(it, "dir-source")) {
		if (it->obj_type.len != 0)
			return ps_fail(ps, it->line, -EBADMSG, "unexpected object");
		return hdr_dir_source(ps, it);
	}
	if (cp_dd_is(it, "contact") || cp_dd_is(it, "vote-digest")) {
		bool contact = cp_dd_is(it, "contact");
		size_t cur = c->n_voters - 1;
		bool *flag = contact ? ps->voter_contact : ps->voter_digest;

		/* tor: "contact element is out of place" / "vote-digest ...". */
		if (c->n_voters == 0 || flag[cur] || it->obj_type.len != 0)
			return ps_fail(ps, it->line, -EBADMSG, "%.*s out of place", (int)it->kw.len,
				       it->kw.p);
		flag[cur] = true;
		if (!contact) {
			uint8_t d[20];

			if (cp_dd_split(it->args, f, 1) < 1 || cp_dd_hex_decode(f[0], d, 20) != 0)
				return ps_fail(ps, it->line, -EBADMSG, "bad vote-digest");
		}
		return 0;
	}
	for (i = 0; i < sizeof(once) / sizeof(once[0]); i++) {
		if (cp_dd_is(it, once[i].kw)) {
			bit = once[i].bit;
			break;
		}
	}
	if (bit == 0)
		return 0; /* unknown: ignored (dir-spec §1.2) */
	rc = hdr_once(ps, it, seen, bit);
	if (rc < 0)
		return rc;
	nf = cp_dd_split(it->args, f, 2);

	switch (bit) {
	case H_VOTE_STATUS:
		if (nf < 1 || !cp_dd_span_eq(f[0], "consensus"))
			return ps_fail(ps, it->line, -EBADMSG, "not a consensus (vote-status %.*s)",
				       nf < 1 ? 0 : (int)f[0].len, nf < 1 ? "" : f[0].p);
		return 0;
	case H_METHOD:
		/* EQ(1) in tor's table. */
		if (nf != 1 || cp_dd_parse_int(f[0], 1, INT32_MAX, &v) != 0)
			return ps_fail(ps, it->line, -EBADMSG, "bad consensus-method");
		c->method = (unsigned)v;
		return 0;
	case H_VALID_AFTER:
	case H_FRESH_UNTIL:
	case H_VALID_UNTIL: {
		time_t *dst = bit == H_VALID_AFTER   ? &c->valid_after
			      : bit == H_FRESH_UNTIL ? &c->fresh_until
						     : &c->valid_until;

		if (cp_dd_parse_time(it->args, dst) != 0)
			return ps_fail(ps, it->line, -EBADMSG, "bad time on %.*s", (int)it->kw.len,
				       it->kw.p);
		return 0;
	}
	case H_VOTING_DELAY: {
		long long vs, ds;

		if (nf < 2 || cp_dd_parse_int(f[0], 0, INT32_MAX, &vs) != 0 ||
		    cp_dd_parse_int(f[1], 0, INT32_MAX, &ds) != 0)
			return ps_fail(ps, it->line, -EBADMSG, "bad voting-delay");
		c->vote_seconds = (unsigned)vs;
		c->dist_seconds = (unsigned)ds;
		return 0;
	}
	case H_PARAMS:
		return kv_list(ps, it, true, &c->params, &c->n_params);
	case H_SRV_PREV:
	case H_SRV_CUR:
		/* EQ(2) in tor's table; the values are not used here. */
		if (nf != 2)
			return ps_fail(ps, it->line, -EBADMSG, "%.*s needs 2 fields",
				       (int)it->kw.len, it->kw.p);
		return 0;
	case H_REC_CLIENT:
		return hdr_protocols(ps, it, &c->recommended_client_protocols);
	case H_REC_RELAY:
		return hdr_protocols(ps, it, &c->recommended_relay_protocols);
	case H_REQ_CLIENT:
		return hdr_protocols(ps, it, &c->required_client_protocols);
	case H_REQ_RELAY:
		return hdr_protocols(ps, it, &c->required_relay_protocols);
	default:
		/* known-flags, client-versions, server-versions: presence only. */
		return 0;
	}
}

static int
hdr_version(struct cons_parse *ps, const struct cp_dd_item *it)
{
	struct cp_dd_span f[2];
	size_t nf = cp_dd_split(it->args, f, 2);

	if (!cp_dd_is(it, "network-status-version"))
		return ps_fail(ps, it->line, -EBADMSG,
			       "does not start with network-status-version");
	if (nf < 1 || !cp_dd_span_eq(f[0], "3") || it->obj_type.len != 0)
		return ps_fail(ps, it->line, -EBADMSG, "not network-status-version 3");
	if (nf < 2 || cp_dd_span_eq(f[1], "ns"))
		ps->c->flavor = CP_CONSENSUS_NS;
	else if (cp_dd_span_eq(f[1], "microdesc"))
		ps->c->flavor = CP_CONSENSUS_MICRODESC;
	else
		return ps_fail(ps, it->line, -EBADMSG, "unknown consensus flavour %.*s",
			       (int)f[1].len, f[1].p);
	return 0;
}

/* ---- router entries ---- */

static int
rs_r_line(struct cons_parse *ps, const struct cp_dd_item *it, struct cp_cons_relay *r)
{
	bool ns = ps->c->flavor == CP_CONSENSUS_NS;
	size_t need = ns ? 8 : 7, o = ns ? 1 : 0;
	struct cp_dd_span f[8];
	long long orport, dirport;

	if (cp_dd_split(it->args, f, 8) < need)
		return ps_fail(ps, it->line, -EBADMSG, "too few fields on r line");
	if (!nickname_ok(f[0]))
		return ps_fail(ps, it->line, -EBADMSG, "bad nickname on r line");
	memcpy(r->nickname, f[0].p, f[0].len);
	r->nickname[f[0].len] = '\0';
	if (!b64_digest(f[1], r->id, 20))
		return ps_fail(ps, it->line, -EBADMSG, "bad identity on r line");
	if (ns && !b64_digest(f[2], r->digest, 20))
		return ps_fail(ps, it->line, -EBADMSG, "bad descriptor digest on r line");
	if (cp_dd_parse_time2(f[2 + o], f[3 + o], &r->published) != 0)
		return ps_fail(ps, it->line, -EBADMSG, "bad publication time on r line");
	if (cp_dd_parse_ipv4(f[4 + o], &r->ipv4) != 0 ||
	    cp_dd_parse_int(f[5 + o], 0, 65535, &orport) != 0 ||
	    cp_dd_parse_int(f[6 + o], 0, 65535, &dirport) != 0)
		return ps_fail(ps, it->line, -EBADMSG, "bad address or port on r line");
	r->orport = (uint16_t)orport;
	r->dirport = (uint16_t)dirport;
	return 0;
}

/* "a [IPv6]:port": keep the first valid IPv6 one (tor's find_single_ipv6_orport). */
static void
rs_a_line(const struct cp_dd_item *it, struct cp_cons_relay *r)
{
	struct cp_dd_span f;
	struct cp_dd_span rest = it->args;
	const char *close;
	char buf[64];
	long long port;
	struct cp_dd_span port_s;

	if (r->ipv6_orport != 0 || !cp_dd_next_field(&rest, &f))
		return;
	if (f.len < 4 || f.p[0] != '[' || (close = memchr(f.p, ']', f.len)) == NULL ||
	    (size_t)(close - f.p - 1) >= sizeof(buf) || close + 1 >= f.p + f.len || close[1] != ':')
		return;
	memcpy(buf, f.p + 1, (size_t)(close - f.p - 1));
	buf[close - f.p - 1] = '\0';
	port_s.p = close + 2;
	port_s.len = (size_t)(f.p + f.len - port_s.p);
	if (cp_dd_parse_int(port_s, 1, 65535, &port) != 0 || inet_pton(AF_INET6, buf, r->ipv6) != 1)
		return;
	r->ipv6_orport = (uint16_t)port;
}

static void
rs_s_line(const struct cp_dd_item *it, struct cp_cons_relay *r)
{
	struct cp_dd_span rest = it->args, f;
	size_t i;

	while (cp_dd_next_field(&rest, &f)) {
		for (i = 0; i < sizeof(flag_names) / sizeof(flag_names[0]); i++) {
			if (cp_dd_span_eq(f, flag_names[i].name)) {
				r->flags |= flag_names[i].bit;
				break;
			}
		}
	}
}

static int
rs_w_line(struct cons_parse *ps, const struct cp_dd_item *it, struct cp_cons_relay *r)
{
	struct cp_dd_span rest = it->args, f;

	while (cp_dd_next_field(&rest, &f)) {
		if (f.len >= 10 && memcmp(f.p, "Bandwidth=", 10) == 0) {
			struct cp_dd_span v = {f.p + 10, f.len - 10};
			long long bw;

			if (v.len == 0 || v.p[0] == '-' || v.p[0] == '+' ||
			    cp_dd_parse_int(v, 0, UINT32_MAX, &bw) != 0)
				return ps_fail(ps, it->line, -EBADMSG, "bad Bandwidth on w line");
			r->bandwidth = (uint32_t)bw;
			r->has_bandwidth = true;
		} else if (f.len >= 12 && memcmp(f.p, "Unmeasured=1", 12) == 0) {
			r->bw_unmeasured = true;
		}
	}
	return 0;
}

/* Router-entry items that may appear at most once, by bit. */
enum rs_bit {
	RS_S = 1u << 0,
	RS_V = 1u << 1,
	RS_PR = 1u << 2,
	RS_W = 1u << 3,
	RS_P = 1u << 4,
	RS_M = 1u << 5
};

/* One item inside a router entry (not its r line). */
static int
rs_item(struct cons_parse *ps, const struct cp_dd_item *it, struct cp_cons_relay *r, uint32_t *seen)
{
	static const struct {
		const char *kw;
		uint32_t bit;
	} once[] = {{"s", RS_S}, {"v", RS_V}, {"pr", RS_PR}, {"w", RS_W}, {"p", RS_P}};
	struct cp_dd_span a = cp_dd_rtrim(it->args), f;
	uint32_t bit = 0;
	size_t i;

	if (cp_dd_is(it, "a")) {
		if (it->obj_type.len != 0)
			return ps_fail(ps, it->line, -EBADMSG, "unexpected object");
		rs_a_line(it, r);
		return 0;
	}
	if (cp_dd_is(it, "m")) {
		if (it->obj_type.len != 0)
			return ps_fail(ps, it->line, -EBADMSG, "unexpected object");
		/* Microdesc flavour: the first m line is the microdescriptor's SHA256. */
		if (ps->c->flavor != CP_CONSENSUS_MICRODESC || (*seen & RS_M))
			return 0;
		*seen |= RS_M;
		if (!cp_dd_next_field(&a, &f) || !b64_digest(f, r->digest, 32))
			return ps_fail(ps, it->line, -EBADMSG, "bad microdescriptor digest");
		return 0;
	}
	for (i = 0; i < sizeof(once) / sizeof(once[0]); i++) {
		if (cp_dd_is(it, once[i].kw)) {
			bit = once[i].bit;
			break;
		}
	}
	if (bit == 0)
		return 0; /* id, stats, unknown: ignored */
	if ((*seen & bit) || it->obj_type.len != 0)
		return ps_fail(ps, it->line, -EBADMSG,
			       "%.*s twice in a router entry, or with an object", (int)it->kw.len,
			       it->kw.p);
	*seen |= bit;
	switch (bit) {
	case RS_S:
		rs_s_line(it, r);
		return 0;
	case RS_V:
		r->version = arena_strndup(ps->c->arena, a.p, a.len);
		return 0;
	case RS_PR:
		if (!proto_list_ok(a))
			return ps_fail(ps, it->line, -EBADMSG, "bad protocol list on pr line");
		r->protocols = arena_strndup(ps->c->arena, a.p, a.len);
		return 0;
	case RS_W:
		return rs_w_line(ps, it, r);
	default: /* RS_P */
		if (a.len < 7 || (memcmp(a.p, "accept ", 7) != 0 && memcmp(a.p, "reject ", 7) != 0))
			return ps_fail(ps, it->line, -EBADMSG, "bad p line");
		r->exit_policy = arena_strndup(ps->c->arena, a.p, a.len);
		return 0;
	}
}

static struct cp_cons_relay *
relay_new(struct cons_parse *ps)
{
	struct cp_consensus *c = ps->c;

	if (c->n_relays == ps->relays_cap) {
		ps->relays_cap = ps->relays_cap == 0 ? 64 : ps->relays_cap * 2;
		if (ps->relays_cap > CP_CONSENSUS_MAX_RELAYS)
			ps->relays_cap = CP_CONSENSUS_MAX_RELAYS;
		c->relays = cp_xrealloc(c->relays, ps->relays_cap * sizeof(*c->relays));
	}
	memset(&c->relays[c->n_relays], 0, sizeof(c->relays[0]));
	return &c->relays[c->n_relays];
}

/* Close the router entry being read: required lines, order. */
static int
rs_finish(struct cons_parse *ps, const char *r_line, uint32_t seen)
{
	struct cp_consensus *c = ps->c;
	struct cp_cons_relay *r = &c->relays[c->n_relays];

	/* T1 "s" and T1 "pr" in tor's rtrstatus_token_table. */
	if ((seen & (RS_S | RS_PR)) != (RS_S | RS_PR))
		return ps_fail(ps, r_line, -EBADMSG, "router entry without its s or pr line");
	if (c->n_relays > 0 && memcmp(c->relays[c->n_relays - 1].id, r->id, 20) >= 0)
		return ps_fail(ps, r_line, -EBADMSG, "router entries not sorted by identity");
	c->n_relays++;
	return 0;
}

/* ---- footer and signatures ---- */

static int
sig_item(struct cons_parse *ps, const struct cp_dd_item *it)
{
	struct cp_dd_span f[3];
	size_t nf = cp_dd_split(it->args, f, 3), i;
	struct cp_dd_span id_s, sk_s;
	enum sig_alg alg = ALG_SHA1;
	uint8_t id[20], sk[20];
	struct sig_ref *s;
	int voter, n;

	if (nf < 2)
		return ps_fail(ps, it->line, -EBADMSG, "too few fields on directory-signature");
	if (nf == 2) {
		id_s = f[0];
		sk_s = f[1];
	} else {
		id_s = f[1];
		sk_s = f[2];
		if (cp_dd_span_eq(f[0], "sha1"))
			alg = ALG_SHA1;
		else if (cp_dd_span_eq(f[0], "sha256"))
			alg = ALG_SHA256;
		else
			return 0; /* "MUST ignore ... an unrecognized Algorithm" */
	}
	if (!cp_dd_span_eq(it->obj_type, "SIGNATURE"))
		return ps_fail(ps, it->line, -EBADMSG, "directory-signature without a SIGNATURE");
	if (cp_dd_hex_decode(id_s, id, 20) != 0 || cp_dd_hex_decode(sk_s, sk, 20) != 0)
		return ps_fail(ps, it->line, -EBADMSG,
			       "bad identity or key digest on directory-signature");
	voter = voter_find(ps->c, id);
	if (voter < 0)
		return ps_fail(ps, it->line, -EBADMSG,
			       "directory-signature by an identity that is no dir-source");
	/* "Only one signature from each authority should be counted": tor keeps
	 * the first per voter and algorithm. */
	for (i = 0; i < ps->n_sigs; i++) {
		if (ps->sigs[i].voter == (size_t)voter && ps->sigs[i].alg == alg)
			return 0;
	}
	if (ps->n_sigs == MAX_SIGS)
		return 0; /* unreachable: at most 2 per voter */
	s = &ps->sigs[ps->n_sigs];
	n = cp_dd_b64_decode(it->obj.p, it->obj.len, s->sig, sizeof(s->sig), true);
	if (n < SIG_MIN_LEN || n > SIG_MAX_LEN)
		return ps_fail(ps, it->line, -EBADMSG, "bad directory-signature object");
	s->sig_len = (size_t)n;
	s->voter = (size_t)voter;
	s->alg = alg;
	memcpy(s->sk, sk, 20);
	ps->n_sigs++;
	return 0;
}

/* ---- the document ---- */

enum section { SEC_HEADER, SEC_ROUTERS, SEC_FOOTER, SEC_SIGS };

static int
parse_doc(struct cons_parse *ps)
{
	static const uint32_t required = H_VOTE_STATUS | H_VALID_AFTER | H_FRESH_UNTIL |
					 H_VALID_UNTIL | H_VOTING_DELAY | H_KNOWN_FLAGS;
	struct cp_consensus *c = ps->c;
	struct cp_dd_cursor cur;
	struct cp_dd_item it;
	enum section sec = SEC_HEADER;
	struct cp_cons_relay *r = NULL;
	const char *r_line = NULL;
	uint32_t seen = 0, rs_seen = 0, min_iv;
	bool footer_started = false, weights_seen = false;
	size_t i;
	int rc;

	cp_dd_init(&cur, ps->text, ps->len);
	rc = cp_dd_next(&cur, &it);
	if (rc <= 0)
		return ps_fail(ps, rc < 0 ? cur.err_at : NULL, -EBADMSG, "%s",
			       rc < 0 ? cur.err : "empty document");
	rc = hdr_version(ps, &it);
	if (rc < 0)
		return rc;
	ps->start = it.line;
	/* dir-spec §3.4.1: through the space after the first "directory-signature". */
	ps->signed_end = cp_dd_signed_end(ps->text, ps->len, (size_t)(it.line - ps->text),
					  "\ndirectory-signature", ' ');
	if (ps->signed_end == 0)
		return ps_fail(ps, NULL, -EBADMSG, "no directory-signature");
	c->method = 1;

	/* One turn per item: linear in the document. */
	for (;;) {
		rc = cp_dd_next(&cur, &it);
		if (rc < 0)
			return ps_fail(ps, cur.err_at, -EBADMSG, "%s", cur.err);
		if (rc == 0)
			break;
		if (cp_dd_is(&it, "directory-signature")) {
			if (sec == SEC_ROUTERS && r != NULL &&
			    (rc = rs_finish(ps, r_line, rs_seen)) < 0)
				return rc;
			r = NULL;
			sec = SEC_SIGS;
			rc = sig_item(ps, &it);
			if (rc < 0)
				return rc;
			continue;
		}
		if (sec == SEC_SIGS)
			return ps_fail(ps, it.line, -EBADMSG,
				       "%.*s after the first directory-signature", (int)it.kw.len,
				       it.kw.p);
		if (cp_dd_is(&it, "directory-footer")) {
			if (sec == SEC_ROUTERS && r != NULL &&
			    (rc = rs_finish(ps, r_line, rs_seen)) < 0)
				return rc;
			r = NULL;
			/* tor: NO_ARGS, at most once, and the footer's first item. */
			if (footer_started || it.args.len != 0 || it.obj_type.len != 0)
				return ps_fail(ps, it.line, -EBADMSG, "misplaced directory-footer");
			sec = SEC_FOOTER;
			footer_started = true;
			continue;
		}
		if (sec == SEC_FOOTER) {
			if (cp_dd_is(&it, "bandwidth-weights")) {
				if (weights_seen || it.obj_type.len != 0)
					return ps_fail(ps, it.line, -EBADMSG,
						       "bandwidth-weights twice");
				weights_seen = true;
				rc = kv_list(ps, &it, false, &c->weights, &c->n_weights);
				if (rc < 0)
					return rc;
			}
			continue; /* anything else before the signatures: ignored */
		}
		if (cp_dd_is(&it, "r")) {
			if (sec == SEC_ROUTERS && r != NULL &&
			    (rc = rs_finish(ps, r_line, rs_seen)) < 0)
				return rc;
			if (c->n_relays == CP_CONSENSUS_MAX_RELAYS)
				return ps_fail(ps, it.line, -EMSGSIZE,
					       "more than %d router entries",
					       CP_CONSENSUS_MAX_RELAYS);
			if (sec == SEC_HEADER && (seen & required) != required)
				return ps_fail(
					ps, it.line, -EBADMSG,
					"header lacks vote-status, valid-after, fresh-until, "
					"valid-until, voting-delay or known-flags");
			sec = SEC_ROUTERS;
			r = relay_new(ps);
			r_line = it.line;
			rs_seen = 0;
			if (it.obj_type.len != 0)
				return ps_fail(ps, it.line, -EBADMSG, "unexpected object");
			rc = rs_r_line(ps, &it, r);
			if (rc < 0)
				return rc;
			continue;
		}
		if (sec == SEC_ROUTERS)
			rc = rs_item(ps, &it, r, &rs_seen);
		else
			rc = hdr_item(ps, &it, &seen);
		if (rc < 0)
			return rc;
	}

	if (sec != SEC_SIGS)
		return ps_fail(ps, NULL, -EBADMSG, "no directory-signature");
	if ((seen & required) != required)
		return ps_fail(ps, NULL, -EBADMSG,
			       "header lacks vote-status, valid-after, fresh-until, valid-until, "
			       "voting-delay or known-flags");
	if (c->n_voters == 0)
		return ps_fail(ps, NULL, -EBADMSG, "no dir-source");
	for (i = 0; i < c->n_voters; i++) {
		size_t l = strlen(c->voters[i].nickname);
		bool legacy = l >= 7 && strcmp(c->voters[i].nickname + l - 7, "-legacy") == 0;

		/* Legacy-key dir-sources have no contact or vote-digest (dir-spec §3.4.1). */
		if (!legacy && (!ps->voter_contact[i] || !ps->voter_digest[i]))
			return ps_fail(ps, NULL, -EBADMSG,
				       "dir-source %s lacks contact or vote-digest",
				       c->voters[i].nickname);
	}
	/* tor: "freshness/liveness interval is too short", "Vote/Dist seconds is too short". */
	min_iv = ps->trust->testing ? MIN_INTERVAL_TESTING : MIN_INTERVAL;
	if (c->fresh_until < c->valid_after + (time_t)min_iv ||
	    c->valid_until < c->valid_after + 2 * (time_t)min_iv)
		return ps_fail(ps, NULL, -EBADMSG, "validity interval too short");
	if (c->vote_seconds < MIN_VOTE_DIST_SECONDS || c->dist_seconds < MIN_VOTE_DIST_SECONDS)
		return ps_fail(ps, NULL, -EBADMSG, "voting-delay too short");
	return 0;
}

/* ---- signatures ---- */

static bool
trusted(const struct cp_dir_trust *t, const uint8_t id[20])
{
	unsigned i;

	for (i = 0; i < t->n_v3ident && i < CP_CONSENSUS_MAX_TRUSTED; i++) {
		if (memcmp(t->v3ident[i], id, 20) == 0)
			return true;
	}
	return false;
}

static void
missing_add(struct cons_parse *ps, const uint8_t id[20], const uint8_t sk[20])
{
	if (ps->missing != NULL && ps->n_missing < ps->missing_max) {
		memcpy(ps->missing[ps->n_missing].id, id, 20);
		memcpy(ps->missing[ps->n_missing].sk, sk, 20);
	}
	ps->n_missing++;
}

/*
 * Check every signature and count authorities, as
 * networkstatus_check_consensus_signature(): per voter, good if any of its
 * signatures verified, else bad if any failed, else missing-key if a
 * trusted voter's certificate is absent or expired.
 */
static int
check_sigs(struct cons_parse *ps)
{
	struct cp_consensus *c = ps->c;
	const struct cp_dir_trust *t = ps->trust;
	const uint8_t *signed_p = (const uint8_t *)ps->start;
	size_t signed_len = ps->signed_end - (size_t)(ps->start - ps->text);
	enum { V_NONE, V_UNKNOWN, V_MISSING, V_BAD, V_GOOD } state[CP_CONSENSUS_MAX_VOTERS];
	unsigned n_trusted = 0, n_good = 0, n_missing = 0, n_bad = 0, n_required, i, j;
	size_t k;

	SHA1(signed_p, signed_len, c->digest_sha1);
	SHA256(signed_p, signed_len, c->digest_sha256);
	if (EVP_Digest(signed_p, signed_len, c->digest_sha3, NULL, EVP_sha3_256(), NULL) != 1)
		return ps_fail(ps, NULL, -ENOMEM, "SHA3-256 unavailable");

	for (i = 0; i < t->n_v3ident && i < CP_CONSENSUS_MAX_TRUSTED; i++) {
		for (j = 0; j < i; j++) {
			if (memcmp(t->v3ident[i], t->v3ident[j], 20) == 0)
				break;
		}
		n_trusted += j == i;
	}
	c->n_trusted = n_trusted;

	for (k = 0; k < c->n_voters; k++) {
		state[k] = V_NONE;
		c->voters[k].trusted = trusted(t, c->voters[k].v3ident);
	}
	/* At most 2 RSA checks per voter (one per algorithm). */
	for (k = 0; k < ps->n_sigs; k++) {
		const struct sig_ref *s = &ps->sigs[k];
		struct cp_cons_voter *v = &c->voters[s->voter];
		const struct cp_authcert *cert;
		const uint8_t *d = s->alg == ALG_SHA1 ? c->digest_sha1 : c->digest_sha256;
		size_t dlen = s->alg == ALG_SHA1 ? 20 : 32;

		if (!v->trusted) {
			if (state[s->voter] < V_UNKNOWN)
				state[s->voter] = V_UNKNOWN;
			continue;
		}
		cert = cp_authcert_find(t->certs, t->n_certs, v->v3ident, s->sk, ps->now);
		if (cert == NULL) {
			size_t e;

			if (state[s->voter] < V_MISSING)
				state[s->voter] = V_MISSING;
			/* Once per pair: an authority may sign with SHA1 and SHA256 alike. */
			for (e = 0; e < k; e++) {
				if (ps->sigs[e].voter == s->voter &&
				    memcmp(ps->sigs[e].sk, s->sk, 20) == 0)
					break;
			}
			if (e == k)
				missing_add(ps, v->v3ident, s->sk);
			continue;
		}
		if (cp_dd_sig_ok_raw(cert->signing_key, s->sig, s->sig_len, d, dlen)) {
			state[s->voter] = V_GOOD;
			v->good_signature = true;
		} else if (state[s->voter] < V_BAD) {
			state[s->voter] = V_BAD;
		}
	}
	/* Count each trusted authority once, even if it has two dir-sources. */
	for (k = 0; k < c->n_voters; k++) {
		if (state[k] == V_GOOD && !cp_consensus_signed_by(c, c->voters[k].v3ident) &&
		    c->n_signed_by < CP_CONSENSUS_MAX_TRUSTED) {
			memcpy(c->signed_by[c->n_signed_by++], c->voters[k].v3ident, 20);
			n_good++;
		}
		n_bad += state[k] == V_BAD;
		n_missing += state[k] == V_MISSING;
	}

	n_required = n_trusted / 2 + 1;
	if (n_good >= n_required)
		return 0;

	ps_fail(ps, NULL, 0, "%u good signature%s of %u needed (%u trusted authorit%s)", n_good,
		n_good == 1 ? "" : "s", n_required, n_trusted, n_trusted == 1 ? "y" : "ies");
	for (k = 0; k < c->n_voters; k++) {
		char id[41], skd[41];

		cp_dd_hex_encode(id, c->voters[k].v3ident, 20);
		switch (state[k]) {
		case V_GOOD:
			ps_add(ps, "; good: %s", c->voters[k].nickname);
			break;
		case V_BAD:
			ps_add(ps, "; bad signature: %s", c->voters[k].nickname);
			break;
		case V_MISSING:
			for (j = 0; j < ps->n_sigs; j++) {
				if (ps->sigs[j].voter == k)
					break;
			}
			cp_dd_hex_encode(skd, ps->sigs[j].sk, 20);
			ps_add(ps, "; no certificate for %s (%s, signing key %s)",
			       c->voters[k].nickname, id, skd);
			break;
		case V_UNKNOWN:
			ps_add(ps, "; not trusted: %s (%s)", c->voters[k].nickname, id);
			break;
		case V_NONE:
			if (c->voters[k].trusted)
				ps_add(ps, "; no signature: %s", c->voters[k].nickname);
			break;
		}
	}
	for (i = 0; i < t->n_v3ident && i < CP_CONSENSUS_MAX_TRUSTED; i++) {
		if (voter_find(c, t->v3ident[i]) < 0) {
			char id[41];

			cp_dd_hex_encode(id, t->v3ident[i], 20);
			ps_add(ps, "; trusted %s is no dir-source", id);
		}
	}
	return n_good + n_missing >= n_required ? -ENOKEY : -EKEYREJECTED;
}

/* ---- entry points ---- */

static int
parse_common(const char *text, size_t len, const struct cp_dir_trust *trust, time_t now,
	     struct cons_parse *ps, struct sig_ref *sigs, char *err, size_t errlen)
{
	static const struct cp_dir_trust no_trust;

	memset(ps, 0, sizeof(*ps));
	ps->text = text;
	ps->len = len;
	ps->trust = trust != NULL ? trust : &no_trust;
	ps->now = now;
	ps->err = err;
	ps->errlen = errlen;
	ps->sigs = sigs;
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	ps->c = cp_xcalloc(1, sizeof(*ps->c));
	ps->c->arena = cp_xcalloc(1, sizeof(*ps->c->arena));
	ps->c->voters = cp_xcalloc(CP_CONSENSUS_MAX_VOTERS, sizeof(*ps->c->voters));
	if (len > CP_CONSENSUS_MAX_LEN)
		return ps_fail(ps, NULL, -EMSGSIZE, "consensus of %zu bytes, more than %u", len,
			       (unsigned)CP_CONSENSUS_MAX_LEN);
	if (memchr(text, '\0', len) != NULL)
		return ps_fail(ps, NULL, -EBADMSG, "NUL byte in the document");
	return parse_doc(ps);
}

int
cp_consensus_parse(const char *text, size_t len, const struct cp_dir_trust *trust, time_t now,
		   struct cp_consensus **out, char *err, size_t errlen)
{
	struct cons_parse ps;
	struct sig_ref *sigs = cp_xcalloc(MAX_SIGS, sizeof(*sigs));
	int rc;

	*out = NULL;
	rc = parse_common(text, len, trust, now, &ps, sigs, err, errlen);
	if (rc == 0)
		rc = check_sigs(&ps);
	if (rc == 0) {
		struct cp_consensus *c = ps.c;
		char t[20];

		/* tor's networkstatus_consensus_reasonably_live(). */
		if (now > c->valid_until + CP_CONSENSUS_LIVE_SLACK) {
			cp_dd_format_time(t, c->valid_until);
			rc = ps_fail(&ps, NULL, -ESTALE,
				     "expired: valid-until %s is more than 24 h ago", t);
		} else if (now < c->valid_after - CP_CONSENSUS_LIVE_SLACK) {
			cp_dd_format_time(t, c->valid_after);
			rc = ps_fail(&ps, NULL, -ESTALE,
				     "not yet valid: valid-after %s is more than 24 h ahead", t);
		}
	}
	free(sigs);
	if (rc < 0) {
		cp_consensus_free(ps.c);
		return rc;
	}
	*out = ps.c;
	return 0;
}

int
cp_consensus_missing_certs(const char *text, size_t len, const struct cp_dir_trust *trust,
			   time_t now, struct cp_dir_cert_id *out, size_t max)
{
	struct cons_parse ps;
	struct sig_ref *sigs = cp_xcalloc(MAX_SIGS, sizeof(*sigs));
	int rc;

	rc = parse_common(text, len, trust, now, &ps, sigs, NULL, 0);
	if (rc == 0) {
		ps.missing = out;
		ps.missing_max = max;
		(void)check_sigs(&ps);
		rc = (int)ps.n_missing;
	}
	free(sigs);
	cp_consensus_free(ps.c);
	return rc;
}

void
cp_consensus_free(struct cp_consensus *c)
{
	if (c == NULL)
		return;
	free(c->relays);
	free(c->params);
	free(c->weights);
	free(c->voters);
	arena_free(c->arena);
	free(c);
}

static const struct cp_cons_param *
kv_find(const struct cp_cons_param *v, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (strcmp(v[i].name, name) == 0)
			return &v[i];
	}
	return NULL;
}

int32_t
cp_consensus_param(const struct cp_consensus *c, const char *name, int32_t def, int32_t min,
		   int32_t max)
{
	const struct cp_cons_param *p;

	if (c == NULL || (p = kv_find(c->params, c->n_params, name)) == NULL)
		return def;
	if (p->value < min)
		return min;
	if (p->value > max)
		return max;
	return p->value;
}

int32_t
cp_consensus_weight(const struct cp_consensus *c, const char *name, int32_t def)
{
	const struct cp_cons_param *p;

	if (c == NULL || (p = kv_find(c->weights, c->n_weights, name)) == NULL)
		return def;
	return p->value;
}

const struct cp_cons_relay *
cp_consensus_find(const struct cp_consensus *c, const uint8_t id[20])
{
	size_t lo = 0, hi;

	if (c == NULL)
		return NULL;
	hi = c->n_relays;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int r = memcmp(c->relays[mid].id, id, 20);

		if (r == 0)
			return &c->relays[mid];
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

bool
cp_consensus_is_live(const struct cp_consensus *c, time_t now)
{
	return c != NULL && c->valid_after <= now && now <= c->valid_until;
}

bool
cp_consensus_signed_by(const struct cp_consensus *c, const uint8_t v3ident[20])
{
	unsigned i;

	for (i = 0; c != NULL && i < c->n_signed_by; i++) {
		if (memcmp(c->signed_by[i], v3ident, 20) == 0)
			return true;
	}
	return false;
}

const char *
cp_cons_flag_name(uint32_t flag)
{
	size_t i;

	for (i = 0; i < sizeof(flag_names) / sizeof(flag_names[0]); i++) {
		if (flag_names[i].bit == flag)
			return flag_names[i].name;
	}
	return NULL;
}

void
cp_dir_trust_from_conf(struct cp_dir_trust *t, const struct cp_dir_conf *conf,
		       const struct cp_authcert *certs, size_t n_certs)
{
	unsigned i, j;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < conf->n_auth && i < CP_DIR_AUTH_MAX; i++) {
		if (!conf->auth[i].has_v3ident)
			continue;
		for (j = 0; j < t->n_v3ident; j++) {
			if (memcmp(t->v3ident[j], conf->auth[i].v3ident, 20) == 0)
				break;
		}
		if (j == t->n_v3ident && t->n_v3ident < CP_CONSENSUS_MAX_TRUSTED)
			memcpy(t->v3ident[t->n_v3ident++], conf->auth[i].v3ident, 20);
	}
	t->certs = certs;
	t->n_certs = n_certs;
	t->testing = conf->testing;
}
