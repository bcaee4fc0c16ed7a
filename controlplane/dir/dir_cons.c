/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Following the consensus: fetch certificates and the ns consensus, verify, install.
 *
 * dir-spec §4.1 (clients and relays fetch "/tor/status-vote/current/consensus"
 * and "/tor/keys/all"), §3.4.1 (verification: controlplane/dir/consensus.c).
 * One fetch at a time, from the configured authorities in turn. A relay that
 * is not a directory cache fetches the next consensus at a random moment in
 * the first half of the interval between fresh-until and valid-until.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "controlplane/cp.h"
#include "controlplane/dir/consensus.h"
#include "controlplane/dir/dir_int.h"
#include "controlplane/log.h"

/* Retry after a failed fetch: doubling from MIN to MAX seconds. */
#define CONS_RETRY_MIN_S 5
#define CONS_RETRY_MAX_S 600
#define CONS_RETRY_TESTING_MAX_S 10
/* Most authority certificates kept (each authority may have two during rollover). */
#define CONS_CERTS_MAX (2 * CP_DIR_AUTH_MAX)

enum { CONS_IDLE, CONS_CERTS, CONS_BODY };

struct cp_dir_certs {
	struct cp_authcert c[CONS_CERTS_MAX];
	size_t n;
};

static unsigned
rand_below(unsigned n)
{
	unsigned r = 0;

	if (n == 0)
		return 0;
	if (RAND_bytes((unsigned char *)&r, sizeof(r)) != 1)
		r = (unsigned)random();
	return r % n;
}

/* The next authority with a DirPort, round robin. */
static const struct cp_dir_auth *
cons_next_auth(struct cp_dir *d)
{
	for (unsigned i = 0; i < d->conf.n_auth; i++) {
		const struct cp_dir_auth *a = &d->conf.auth[(d->cons_auth + i) % d->conf.n_auth];

		if (a->dirport != 0 && a->ip != 0) {
			d->cons_auth = (d->cons_auth + i) % d->conf.n_auth;
			return a;
		}
	}
	return NULL;
}

static void
cons_failed(struct cp_dir *d, time_t now, const char *what)
{
	unsigned s = CONS_RETRY_MIN_S,
		 max = d->conf.testing ? CONS_RETRY_TESTING_MAX_S : CONS_RETRY_MAX_S;

	if (d->conf.testing)
		s = 1;
	for (unsigned i = 0; i < d->cons_failures && s < max; i++)
		s *= 2;
	if (s > max)
		s = max;
	d->cons_failures++;
	d->cons_step = CONS_IDLE;
	d->cons_next = now + (time_t)s;
	d->cons_auth = (d->cons_auth + 1) % (d->conf.n_auth ? d->conf.n_auth : 1);
	snprintf(d->last_err, sizeof(d->last_err), "%.160s; retry in %u s", what, s);
	/* Before the first consensus exists the authorities answer 404: not worth a warning. */
	if (d->cons_failures <= 3 || d->cons_failures % 20 == 0)
		cp_log(d->cons == NULL ? CP_LOG_INFO : CP_LOG_WARN, "cp.dir", "consensus: %s",
		       d->last_err);
}

static void cons_on_reply(struct cp_http *h, int status, const char *reason, const char *body,
			  size_t len, void *arg);

static void
cons_start(struct cp_dir *d, int step, time_t now)
{
	const struct cp_dir_auth *a = cons_next_auth(d);
	const char *path =
		step == CONS_CERTS ? "/tor/keys/all" : "/tor/status-vote/current/consensus";
	char what[96];
	int rc;

	if (a == NULL) {
		cons_failed(d, now, "no DirAuthority has a DirPort");
		return;
	}
	rc = cp_http_start(&d->cons_http, a->ip, a->dirport, "GET", path, NULL, 0, CP_DIR_REPLY_MAX,
			   CP_DIR_HTTP_TIMEOUT_NS, cons_on_reply, d);
	if (rc != 0) {
		snprintf(what, sizeof(what), "cannot connect to %s: %s", a->nickname,
			 strerror(-rc));
		cons_failed(d, now, what);
		return;
	}
	d->cons_step = step;
	if (step == CONS_BODY)
		d->stats.cons_fetches++;
}

static const char *
flag_names(uint32_t f, char *buf, size_t len)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} names[] = {
		{CP_CONS_FLAG_AUTHORITY, "Authority"},
		{CP_CONS_FLAG_BADEXIT, "BadExit"},
		{CP_CONS_FLAG_EXIT, "Exit"},
		{CP_CONS_FLAG_FAST, "Fast"},
		{CP_CONS_FLAG_GUARD, "Guard"},
		{CP_CONS_FLAG_HSDIR, "HSDir"},
		{CP_CONS_FLAG_MIDDLEONLY, "MiddleOnly"},
		{CP_CONS_FLAG_NOEDCONSENSUS, "NoEdConsensus"},
		{CP_CONS_FLAG_RUNNING, "Running"},
		{CP_CONS_FLAG_STABLE, "Stable"},
		{CP_CONS_FLAG_STALEDESC, "StaleDesc"},
		{CP_CONS_FLAG_SYBIL, "Sybil"},
		{CP_CONS_FLAG_V2DIR, "V2Dir"},
		{CP_CONS_FLAG_VALID, "Valid"},
	};
	size_t pos = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (f & names[i].bit) {
			int n = snprintf(buf + pos, len - pos, "%s%s", pos ? " " : "",
					 names[i].name);

			if (n < 0 || (size_t)n >= len - pos)
				break;
			pos += (size_t)n;
		}
	return pos ? buf : "(none)";
}

const char *
cp_dir_flag_names(uint32_t flags, char *buf, size_t len)
{
	return flag_names(flags, buf, len);
}

static void
cons_install(struct cp_dir *d, struct cp_consensus *c, const uint8_t *our_id, time_t now)
{
	const struct cp_cons_relay *me = cp_consensus_find(c, our_id);
	bool was_listed = d->listed;
	uint32_t was_flags = d->flags;
	time_t span = c->valid_until - c->fresh_until;
	char fl[160];

	cp_consensus_free(d->cons);
	d->cons = c;
	d->cons_installed = now;
	d->cons_valid_after = c->valid_after;
	d->cons_relays = (uint32_t)c->n_relays;
	d->listed = me != NULL;
	d->flags = me != NULL ? me->flags : 0;
	d->listed_bw = me != NULL ? me->bandwidth : 0;
	d->stale = me != NULL && (me->flags & CP_CONS_FLAG_STALEDESC);
	d->cons_failures = 0;
	d->cons_step = CONS_IDLE;
	d->last_err[0] = '\0';
	d->stats.cons_ok++;
	/* Next: a random moment in the first half of [fresh-until, valid-until]. */
	d->cons_next = c->fresh_until + (time_t)rand_below((unsigned)(span > 1 ? span / 2 : 1));
	if (d->cons_next <= now)
		d->cons_next = now + 1 + (time_t)rand_below(d->conf.testing ? 3 : 60);
	CP_LOG(INFO, dir, "consensus valid-after %lld installed: %zu relays, signed by %u of %u",
	       (long long)c->valid_after, c->n_relays, c->n_signed_by, c->n_trusted);
	if (d->listed != was_listed || d->flags != was_flags) {
		if (me != NULL)
			CP_LOG(NOTICE, dir, "the consensus lists us with flags %s, bandwidth %u",
			       flag_names(me->flags, fl, sizeof(fl)), me->bandwidth);
		else
			CP_LOG(NOTICE, dir, "the consensus does not list us");
	}
}

static void
cons_on_reply(struct cp_http *h, int status, const char *reason, const char *body, size_t len,
	      void *arg)
{
	struct cp_dir *d = arg;
	struct cp_ctx *cp = (struct cp_ctx *)((char *)d - offsetof(struct cp_ctx, dir));
	struct cp_dir_trust trust;
	struct cp_consensus *c = NULL;
	time_t now = time(NULL);
	char what[256], err[256];
	size_t n = 0;
	int rc;

	(void)h;
	if (status != 200) {
		if (status > 0)
			snprintf(what, sizeof(what), "%s answered %d %.80s",
				 d->conf.auth[d->cons_auth].nickname, status, reason);
		else
			snprintf(what, sizeof(what), "fetch from %s failed: %.80s",
				 d->conf.auth[d->cons_auth].nickname, reason);
		if (d->cons_step == CONS_BODY)
			d->stats.cons_failed++;
		cons_failed(d, now, what);
		return;
	}
	if (d->cons_step == CONS_CERTS) {
		struct cp_dir_certs *nc = cp_xcalloc(1, sizeof(*nc));

		rc = cp_authcert_parse_all(body, len, now, nc->c, CONS_CERTS_MAX, &n, err,
					   sizeof(err));
		nc->n = n;
		d->stats.certs_ok += n;
		if (rc > 0)
			d->stats.certs_bad += (uint64_t)rc;
		if (rc != 0)
			CP_LOG(WARN, dir, "authority certificates from %s: %s",
			       d->conf.auth[d->cons_auth].nickname, err);
		if (n == 0) {
			free(nc);
			snprintf(what, sizeof(what), "no usable authority certificate: %.160s",
				 err);
			cons_failed(d, now, what);
			return;
		}
		if (d->certs != NULL) {
			cp_authcert_clear_all(d->certs->c, d->certs->n);
			free(d->certs);
		}
		d->certs = nc;
		cons_start(d, CONS_BODY, now);
		return;
	}
	cp_dir_trust_from_conf(&trust, &d->conf, d->certs ? d->certs->c : NULL,
			       d->certs ? d->certs->n : 0);
	rc = cp_consensus_parse(body, len, &trust, now, &c, err, sizeof(err));
	if (rc == -ENOKEY) {
		/* A new signing key: get the certificates, then this consensus again. */
		d->stats.cons_failed++;
		snprintf(d->last_err, sizeof(d->last_err), "%.170s; fetching certificates", err);
		cons_start(d, CONS_CERTS, now);
		return;
	}
	if (rc != 0) {
		d->stats.cons_bad++;
		snprintf(what, sizeof(what), "consensus from %s refused: %.190s",
			 d->conf.auth[d->cons_auth].nickname, err);
		CP_LOG(WARN, dir, "%s", what);
		cons_failed(d, now, what);
		return;
	}
	cons_install(d, c, cp_keys_rsa_id_digest(cp->keys), now);
}

void
cp_dir_cons_tick(struct cp_ctx *cp, time_t now, uint64_t now_ns)
{
	struct cp_dir *d = &cp->dir;

	cp_http_tick(&d->cons_http, now_ns);
	if (d->cons_step != CONS_IDLE || now < d->cons_next || cp->keys == NULL)
		return;
	/* Certificates first when we hold none; a consensus signed with keys we
	 * lack brings us back here through -ENOKEY. */
	cons_start(d, d->certs == NULL || d->certs->n == 0 ? CONS_CERTS : CONS_BODY, now);
}

void
cp_dir_cons_fini(struct cp_dir *d)
{
	cp_http_cancel(&d->cons_http);
	cp_consensus_free(d->cons);
	d->cons = NULL;
	if (d->certs != NULL) {
		cp_authcert_clear_all(d->certs->c, d->certs->n);
		free(d->certs);
		d->certs = NULL;
	}
}

void
dir_cons_counters(const struct cp_dir *d, cp_ctr_fn *fn, void *arg)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} flags[] = {
		{CP_CONS_FLAG_RUNNING, "/cp/dir/flag/running"},
		{CP_CONS_FLAG_VALID, "/cp/dir/flag/valid"},
		{CP_CONS_FLAG_FAST, "/cp/dir/flag/fast"},
		{CP_CONS_FLAG_STABLE, "/cp/dir/flag/stable"},
		{CP_CONS_FLAG_GUARD, "/cp/dir/flag/guard"},
		{CP_CONS_FLAG_V2DIR, "/cp/dir/flag/v2dir"},
		{CP_CONS_FLAG_HSDIR, "/cp/dir/flag/hsdir"},
		{CP_CONS_FLAG_EXIT, "/cp/dir/flag/exit"},
		{CP_CONS_FLAG_STALEDESC, "/cp/dir/flag/staledesc"},
	};

	fn(arg, "/cp/dir/listed", d->listed);
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		fn(arg, flags[i].name, (d->flags & flags[i].bit) != 0);
	fn(arg, "/cp/dir/listed_bandwidth_kb", d->listed_bw);
	fn(arg, "/cp/dir/consensus_relays", d->cons_relays);
	fn(arg, "/cp/dir/consensus_valid_after",
	   d->cons != NULL ? (uint64_t)d->cons->valid_after : 0);
}
