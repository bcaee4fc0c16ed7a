/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Descriptor publishing and bandwidth measurement (see dir.h).
 */
#include "controlplane/dir/dir.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "controlplane/cp.h"
#include "controlplane/dir/dir_int.h"
#include "controlplane/log.h"
#include "controlplane/stats/stats.h"

/* Backoff of failed uploads: 5 s doubling to 10 min (tor's schedules are similar). */
#define DIR_RETRY_MIN_S 5
#define DIR_RETRY_MAX_S 600
/* How often the descriptor is checked for changes (tor: CHECK_DESCRIPTOR_INTERVAL 60 s). */
#define DIR_CHECK_S 60
#define DIR_CHECK_TESTING_S 5
/* The consensus must list us this long after an authority confirmed our descriptor. */
#define DIR_UNLISTED_GRACE_S (2 * 3600)
#define DIR_UNLISTED_GRACE_TESTING_S 120

static void
dir_dirty(struct cp_dir *d, const char *why)
{
	if (!d->dirty)
		snprintf(d->dirty_why, sizeof(d->dirty_why), "%s", why);
	d->dirty = true;
}

/* FamilyId: keep the family keys the configuration names (all with "*"). */
static int
dir_family_init(struct cp_dir *d, const char *datadir, char *err, size_t errlen)
{
	struct cp_ed25519_key found[CP_DIR_FAMILY_ID_MAX * 2];
	unsigned n = 0;
	int rc;

	if (d->conf.n_family_ids == 0 && !d->conf.family_id_any)
		return 0;
	rc = cp_keys_family_load(datadir, found, CP_DIR_FAMILY_ID_MAX * 2, &n, err, errlen);
	if (rc != 0)
		return rc;
	for (unsigned i = 0; i < n; i++) {
		bool want = d->conf.family_id_any;

		for (unsigned j = 0; j < d->conf.n_family_ids; j++)
			want = want || memcmp(d->conf.family_ids[j], found[i].pub, 32) == 0;
		if (want && d->n_family < CP_DIR_FAMILY_ID_MAX)
			d->family[d->n_family++] = found[i];
		cp_ed25519_wipe(&found[i]);
	}
	for (unsigned j = 0; j < d->conf.n_family_ids; j++) {
		bool have = false;
		char b64[48];

		for (unsigned i = 0; i < d->n_family; i++)
			have = have || memcmp(d->conf.family_ids[j], d->family[i].pub, 32) == 0;
		if (!have) {
			EVP_EncodeBlock((unsigned char *)b64, d->conf.family_ids[j], 32);
			b64[43] = '\0';
			snprintf(err, errlen,
				 "FamilyId %s: no matching %s/keys/NAME.secret_family_key (make it "
				 "with tor --keygen-family NAME)",
				 b64, datadir);
			return -ENOKEY;
		}
	}
	if (d->n_family == 0) {
		snprintf(err, errlen, "FamilyId *: no %s/keys/NAME.secret_family_key", datadir);
		return -ENOKEY;
	}
	return 0;
}

int
cp_dir_init(struct cp_dir *d, const struct cp_dir_conf *conf, const struct cp_keys *keys,
	    const char *datadir, time_t now, char *err, size_t errlen)
{
	int rc;

	memset(d, 0, sizeof(*d));
	d->conf = *conf;
	d->start = now;
	snprintf(d->fp_hex, sizeof(d->fp_hex), "%s", cp_keys_rsa_fingerprint(keys));
	if (d->conf.nickname[0] == '\0')
		snprintf(d->conf.nickname, sizeof(d->conf.nickname), "Unnamed");
	if (d->conf.n_auth > CP_DIR_AUTH_MAX)
		d->conf.n_auth = CP_DIR_AUTH_MAX;
	for (unsigned i = 0; i < d->conf.n_auth; i++) {
		d->au[i].dir = d;
		d->au[i].conf = &d->conf.auth[i];
		d->au[i].http.ev.fd = -1;
	}
	d->cons_http.ev.fd = -1;
	d->enabled = d->conf.n_auth > 0 && d->conf.publish;
	if (d->enabled && (d->conf.address == 0 || d->conf.orport == 0)) {
		snprintf(err, errlen,
			 "publishing a descriptor needs an IPv4 Address (or PortAddress) and an "
			 "ORPort");
		return -EINVAL;
	}
	rc = dir_family_init(d, datadir, err, errlen);
	if (rc != 0)
		return rc;
	dir_dirty(d, "first descriptor");
	d->cons_next = now;
	return 0;
}

int
cp_dir_reconfigure(struct cp_dir *d, const struct cp_dir_conf *conf, const char *why, char *err,
		   size_t errlen)
{
	bool enabled = d->conf.n_auth > 0 && conf->publish;

	if (enabled && (d->conf.address == 0 || d->conf.orport == 0)) {
		snprintf(err, errlen,
			 "publishing a descriptor needs an IPv4 Address (or PortAddress) and an "
			 "ORPort");
		return -EINVAL;
	}
	snprintf(d->conf.nickname, sizeof(d->conf.nickname), "%s",
		 conf->nickname[0] != '\0' ? conf->nickname : "Unnamed");
	snprintf(d->conf.contact, sizeof(d->conf.contact), "%s", conf->contact);
	d->conf.publish = conf->publish;
	d->conf.bw_rate = conf->bw_rate;
	d->conf.bw_burst = conf->bw_burst;
	memcpy(d->conf.family, conf->family, sizeof(d->conf.family));
	d->conf.n_family = conf->n_family;
	d->enabled = enabled;
	dir_dirty(d, why);
	return 0;
}

/* ---- bandwidth: tor's rep_hist_bandwidth_assess() over the dataplane's counters ---- */

void
cp_dir_bw_add(struct cp_dir_bw *b, time_t now, uint64_t rx, uint64_t tx)
{
	if (now == b->last_sample)
		return;
	/* A restarted dataplane starts from zero, and a gap breaks the windows. */
	if (b->n > 0) {
		unsigned last = (b->head + 10) % 11;

		if (rx < b->rx[last] || tx < b->tx[last] || now - b->last_sample > 5)
			b->n = 0;
	}
	b->rx[b->head] = rx;
	b->tx[b->head] = tx;
	b->head = (b->head + 1) % 11;
	if (b->n < 11)
		b->n++;
	b->last_sample = now;
	if (b->hour_start == 0)
		b->hour_start = now;
	if (now - b->hour_start >= 24 * 3600) {
		memset(b->max_rx, 0, sizeof(b->max_rx));
		memset(b->max_tx, 0, sizeof(b->max_tx));
		b->hour_start = now;
	}
	while (now - b->hour_start >= 3600) {
		b->hour_idx = (b->hour_idx + 1) % 24;
		b->max_rx[b->hour_idx] = b->max_tx[b->hour_idx] = 0;
		b->hour_start += 3600;
	}
	if (b->n == 11) {
		/* The oldest of the 11 samples is where the next one goes. */
		uint64_t r = (rx - b->rx[b->head]) / 10, t = (tx - b->tx[b->head]) / 10;

		if (r > b->max_rx[b->hour_idx])
			b->max_rx[b->hour_idx] = r;
		if (t > b->max_tx[b->hour_idx])
			b->max_tx[b->hour_idx] = t;
	}
}

static void
bw_sample(struct cp_dir *d, const struct cp_ctx *cp, time_t now)
{
	struct cp_stat st[8];
	uint64_t rx = 0, tx = 0;
	int n;

	if (now == d->bw.last_sample || !cp->dp.attached)
		return;
	/* Bytes on the wire of every TLS connection (tor counts its OR connections'). */
	n = cp_stats_read(&cp->dp.shm, "wire_bytes", st, 8);
	if (n <= 0)
		return;
	for (int i = 0; i < n; i++) {
		if (strcmp(st[i].desc.name, "/dp/tls/rx_wire_bytes") == 0)
			rx = st[i].total;
		else if (strcmp(st[i].desc.name, "/dp/tls/tx_wire_bytes") == 0)
			tx = st[i].total;
	}
	cp_dir_bw_add(&d->bw, now, rx, tx);
}

uint64_t
cp_dir_bw_max(const struct cp_dir_bw *b)
{
	uint64_t r = 0, t = 0;

	for (unsigned i = 0; i < 24; i++) {
		if (b->max_rx[i] > r)
			r = b->max_rx[i];
		if (b->max_tx[i] > t)
			t = b->max_tx[i];
	}
	return r < t ? r : t;
}

/* ---- the descriptor ---- */

static uint64_t
dir_rate(const struct cp_dir *d)
{
	return d->conf.bw_rate != 0 && d->conf.bw_rate < CP_DESC_BW_DEFAULT ? d->conf.bw_rate
									    : CP_DESC_BW_DEFAULT;
}

static uint64_t
dir_burst(const struct cp_dir *d)
{
	uint64_t b = d->conf.bw_burst != 0 ? d->conf.bw_burst : dir_rate(d);

	if (b > CP_DESC_BW_DEFAULT)
		b = CP_DESC_BW_DEFAULT;
	return b < dir_rate(d) ? dir_rate(d) : b;
}

static int
dir_build(struct cp_dir *d, const struct cp_ctx *cp, time_t now)
{
	struct cp_desc_params p = {
		.conf = &d->conf,
		.address = d->conf.address,
		.orport = d->conf.orport,
		.platform = CP_DIR_PLATFORM,
		.published = now > d->desc_published ? now : d->desc_published + 1,
		.uptime = (uint64_t)(now - d->start),
		.bw_rate = dir_rate(d),
		.bw_burst = dir_burst(d),
		.bw_observed = cp_dir_bw_max(&d->bw),
		.family_keys = d->family,
		.n_family_keys = d->n_family,
	};
	char err[256];
	int n;

	if (p.bw_observed > p.bw_rate)
		p.bw_observed = p.bw_rate;
	/* The ntor crosscert lives as long as the onion key may be used. */
	p.onion_key_expires = cp_keys_onion_set_at(cp->keys) + CP_KEYS_ONION_ROTATION_DEFAULT +
			      CP_KEYS_ONION_GRACE_DEFAULT;
	if (p.onion_key_expires < now + 86400)
		p.onion_key_expires = now + 86400;
	n = cp_desc_build(d->desc, sizeof(d->desc), &p, cp->keys, err, sizeof(err));
	if (n < 0) {
		snprintf(d->last_err, sizeof(d->last_err), "cannot build the descriptor: %.150s",
			 err);
		CP_LOG(ERR, dir, "%s", d->last_err);
		return n;
	}
	d->desc_len = n;
	d->desc_gen++;
	d->desc_published = p.published;
	d->desc_bw = p.bw_observed;
	d->desc_onion_at = cp_keys_onion_set_at(cp->keys);
	d->desc_cert_exp = cp_keys_signing_cert_expires(cp->keys);
	d->dirty = false;
	d->stats.descs_built++;
	CP_LOG(NOTICE, dir, "descriptor %u built (%s): %s %u, bandwidth %llu %llu %llu, %d bytes",
	       d->desc_gen, d->dirty_why, d->conf.nickname, d->conf.orport,
	       (unsigned long long)p.bw_rate, (unsigned long long)p.bw_burst,
	       (unsigned long long)p.bw_observed, n);
	for (unsigned i = 0; i < d->conf.n_auth; i++) {
		struct cp_dir_authority *a = &d->au[i];

		cp_http_cancel(&a->http);
		a->state = CP_DIR_UP_WAIT;
		a->next_try = now;
		a->failures = 0;
	}
	return 0;
}

void
cp_dir_check_changes(struct cp_dir *d, const struct cp_keys *keys, time_t now)
{
	uint64_t bw = cp_dir_bw_max(&d->bw), prev = d->desc_bw;

	if (d->desc_gen == 0)
		return;
	if (now - d->desc_published >= CP_DIR_REPUBLISH_S)
		dir_dirty(d, "18 hours old");
	if (cp_keys_onion_set_at(keys) != d->desc_onion_at)
		dir_dirty(d, "new onion keys");
	if (cp_keys_signing_cert_expires(keys) != d->desc_cert_exp)
		dir_dirty(d, "new signing key");
	if (bw > dir_rate(d))
		bw = dir_rate(d);
	if ((prev == 0) != (bw == 0) || bw > prev * 2 || bw < prev / 2) {
		if (prev == 0 || d->conf.testing || now - d->bw_changed_at >= CP_DIR_BW_CHANGE_S) {
			d->bw_changed_at = now;
			dir_dirty(d, "bandwidth changed");
		}
	}
	/* Listed nowhere, or stale, long after the authorities took it: send it again. */
	if (d->cons_installed > 0) {
		time_t grace =
			d->conf.testing ? DIR_UNLISTED_GRACE_TESTING_S : DIR_UNLISTED_GRACE_S;
		time_t first_ok = 0;

		for (unsigned i = 0; i < d->conf.n_auth; i++)
			if (d->au[i].accepted_gen == d->desc_gen &&
			    (first_ok == 0 || d->au[i].accepted_at < first_ok))
				first_ok = d->au[i].accepted_at;
		/* StaleDesc in a consensus voted after our newest descriptor (an older
		 * one is what the flag is about): at most once per consensus. */
		if (d->stale && d->cons_valid_after > d->desc_published)
			dir_dirty(d, "the consensus says StaleDesc");
		else if (!d->listed && first_ok != 0 && now - first_ok > grace &&
			 d->cons_installed > first_ok + grace)
			dir_dirty(d, "not in the consensus");
	}
}

/* ---- uploads ---- */

static void
up_failed(struct cp_dir *d, struct cp_dir_authority *a, time_t now, const char *what)
{
	unsigned s = DIR_RETRY_MIN_S;

	for (unsigned i = 0; i < a->failures && s < DIR_RETRY_MAX_S; i++)
		s *= 2;
	if (s > DIR_RETRY_MAX_S)
		s = DIR_RETRY_MAX_S;
	a->failures++;
	a->state = CP_DIR_UP_WAIT;
	a->next_try = now + (time_t)s;
	snprintf(a->last, sizeof(a->last), "%.120s; retry in %u s", what, s);
	(void)d;
}

static const char *
auth_name(const struct cp_dir_authority *a)
{
	return a->conf->nickname[0] != '\0' ? a->conf->nickname : "authority";
}

static void
up_confirm_done(struct cp_http *h, int status, const char *reason, const char *body, size_t len,
		void *arg)
{
	struct cp_dir_authority *a = arg;
	struct cp_dir *d = a->dir;
	time_t now = time(NULL);
	char what[160];

	(void)h;
	if (status == 200 && len >= (size_t)d->desc_len &&
	    memcmp(body, d->desc, (size_t)d->desc_len) == 0) {
		a->state = CP_DIR_UP_IDLE;
		a->failures = 0;
		a->accepted_gen = d->desc_gen;
		a->accepted_at = now;
		d->stats.upload_confirmed++;
		snprintf(a->last, sizeof(a->last), "holds descriptor %u (published %lld)",
			 d->desc_gen, (long long)d->desc_published);
		CP_LOG(NOTICE, dir, "%s holds our descriptor %u", auth_name(a), d->desc_gen);
		return;
	}
	d->stats.upload_unconfirmed++;
	if (status == 200)
		snprintf(what, sizeof(what), "accepted the upload but serves another descriptor");
	else if (status > 0)
		snprintf(what, sizeof(what), "accepted the upload but the fetch got %d %s", status,
			 reason);
	else
		snprintf(what, sizeof(what), "fetching it back failed: %s", reason);
	CP_LOG(WARN, dir, "%s %s", auth_name(a), what);
	up_failed(d, a, now, what);
}

static void
up_post_done(struct cp_http *h, int status, const char *reason, const char *body, size_t len,
	     void *arg)
{
	struct cp_dir_authority *a = arg;
	struct cp_dir *d = a->dir;
	time_t now = time(NULL);
	char path[64], what[200];
	int rc;

	(void)body;
	(void)len;
	if (status == 200) {
		/* Not proof of anything (checklist §0.5): fetch it back. */
		snprintf(path, sizeof(path), "/tor/server/fp/%s", d->fp_hex);
		rc = cp_http_start(h, a->conf->ip, a->conf->dirport, "GET", path, NULL, 0,
				   CP_DESC_MAX * 4, CP_DIR_HTTP_TIMEOUT_NS, up_confirm_done, a);
		if (rc == 0) {
			a->state = CP_DIR_UP_CONFIRMING;
			return;
		}
		snprintf(what, sizeof(what), "cannot connect to fetch it back: %s", strerror(-rc));
		d->stats.upload_failed++;
	} else if (status == 400) {
		d->stats.upload_rejected++;
		snprintf(what, sizeof(what), "rejected our descriptor: 400 %s", reason);
	} else if (status > 0) {
		d->stats.upload_failed++;
		snprintf(what, sizeof(what), "answered %d %s", status, reason);
	} else {
		d->stats.upload_failed++;
		snprintf(what, sizeof(what), "upload failed: %s", reason);
	}
	CP_LOG(WARN, dir, "%s %s", auth_name(a), what);
	up_failed(d, a, now, what);
}

static void
dir_uploads(struct cp_dir *d, time_t now, uint64_t now_ns)
{
	char what[160];
	int rc;

	for (unsigned i = 0; i < d->conf.n_auth; i++) {
		struct cp_dir_authority *a = &d->au[i];

		cp_http_tick(&a->http, now_ns);
		if (a->state != CP_DIR_UP_WAIT || now < a->next_try)
			continue;
		rc = cp_http_start(&a->http, a->conf->ip, a->conf->dirport, "POST", "/tor/",
				   d->desc, (size_t)d->desc_len, 65536, CP_DIR_HTTP_TIMEOUT_NS,
				   up_post_done, a);
		if (rc != 0) {
			d->stats.upload_failed++;
			snprintf(what, sizeof(what), "cannot connect: %s", strerror(-rc));
			up_failed(d, a, now, what);
			continue;
		}
		d->stats.uploads++;
		a->state = CP_DIR_UP_POSTING;
	}
}

/* The dataplane can answer the reachability test a new descriptor triggers. */
static bool
dir_dataplane_ready(const struct cp_ctx *cp)
{
	uint32_t need = cp_link_channel_lcores(&cp->link);

	return cp->dp.attached && need > 0 && cp_link_installed_count(&cp->link) >= need;
}

void
cp_dir_tick(struct cp_ctx *cp, time_t now, uint64_t now_ns)
{
	struct cp_dir *d = &cp->dir;

	bw_sample(d, cp, now);
	if (d->conf.n_auth == 0)
		return;
	cp_dir_cons_tick(cp, now, now_ns);
	if (!d->enabled)
		return;
	if (now >= d->next_check) {
		cp_dir_check_changes(d, cp->keys, now);
		d->next_check = now + (d->conf.testing ? DIR_CHECK_TESTING_S : DIR_CHECK_S);
	}
	if (d->dirty && dir_dataplane_ready(cp))
		dir_build(d, cp, now);
	if (d->desc_gen != 0)
		dir_uploads(d, now, now_ns);
}

void
cp_dir_fini(struct cp_dir *d)
{
	for (unsigned i = 0; i < d->conf.n_auth; i++)
		cp_http_cancel(&d->au[i].http);
	cp_dir_cons_fini(d);
	for (unsigned i = 0; i < d->n_family; i++)
		cp_ed25519_wipe(&d->family[i]);
	d->n_family = 0;
}

void
cp_dir_counters(const struct cp_dir *d, cp_ctr_fn *fn, void *arg)
{
	unsigned confirmed = 0;

	if (d->conf.n_auth == 0)
		return;
	for (unsigned i = 0; i < d->conf.n_auth; i++)
		confirmed += d->desc_gen != 0 && d->au[i].accepted_gen == d->desc_gen;
#define DIR_CTR(f) fn(arg, "/cp/dir/" #f, d->stats.f)
	DIR_CTR(descs_built);
	DIR_CTR(uploads);
	DIR_CTR(upload_rejected);
	DIR_CTR(upload_failed);
	DIR_CTR(upload_confirmed);
	DIR_CTR(upload_unconfirmed);
	DIR_CTR(cons_fetches);
	DIR_CTR(cons_ok);
	DIR_CTR(cons_bad);
	DIR_CTR(cons_failed);
	DIR_CTR(certs_ok);
	DIR_CTR(certs_bad);
#undef DIR_CTR
	fn(arg, "/cp/dir/desc_gen", d->desc_gen);
	fn(arg, "/cp/dir/authorities_holding", confirmed);
	fn(arg, "/cp/dir/bw_observed", cp_dir_bw_max(&d->bw));
	fn(arg, "/cp/dir/advertised_bw", d->desc_bw);
	dir_cons_counters(d, fn, arg);
}
