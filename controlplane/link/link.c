/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Link credentials over the rings, and the handshake services.
 *
 * See link.h for the protocol. The per-lcore install state is a small
 * machine driven by cp_link_tick() and the INSTALL's reply callback:
 *
 *     idle ──tick: due, room──► in flight ──LINK_INSTALLED 0──► installed
 *       ▲                           │
 *       │ backoff                   ├─ error / CMD_ERROR ─► idle, retry later
 *       │                           └─ timeout ─► unread? wait until read, then idle
 *
 * A new generation, or a new attach, puts every lcore back to idle.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "common/base/compiler.h"
#include "controlplane/certs/linkcerts.h"
#include "controlplane/link/link.h"
#include "controlplane/log.h"
#include "controlplane/util.h"

static const char *const cert_err_slugs[] = {
	[CP_CERT_OK] = "ok",
	[CP_CERT_ERR_ED_TRUNCATED] = "ed_truncated",
	[CP_CERT_ERR_ED_TRAILING] = "ed_trailing",
	[CP_CERT_ERR_ED_VERSION] = "ed_version",
	[CP_CERT_ERR_ED_EXT_LEN] = "ed_ext_len",
	[CP_CERT_ERR_ED_EXT_DUP] = "ed_ext_dup",
	[CP_CERT_ERR_ED_EXT_UNKNOWN] = "ed_ext_unknown",
	[CP_CERT_ERR_ED_TYPE] = "ed_type",
	[CP_CERT_ERR_ED_KEY_TYPE] = "ed_key_type",
	[CP_CERT_ERR_ED_NO_SIGNER] = "ed_no_signer",
	[CP_CERT_ERR_ED_SIGNER] = "ed_signer",
	[CP_CERT_ERR_ED_EXPIRED] = "ed_expired",
	[CP_CERT_ERR_ED_SIG] = "ed_sig",
	[CP_CERT_ERR_XC_MALFORMED] = "xc_malformed",
	[CP_CERT_ERR_XC_KEY] = "xc_key",
	[CP_CERT_ERR_XC_EXPIRED] = "xc_expired",
	[CP_CERT_ERR_XC_SIG] = "xc_sig",
	[CP_CERT_ERR_X509_DECODE] = "x509_decode",
	[CP_CERT_ERR_X509_KEY] = "x509_key",
	[CP_CERT_ERR_X509_SIG] = "x509_sig",
	[CP_CERT_ERR_X509_NOT_YET_VALID] = "x509_not_yet_valid",
	[CP_CERT_ERR_X509_EXPIRED] = "x509_expired",
	[CP_CERT_ERR_CERTS_MALFORMED] = "certs_malformed",
	[CP_CERT_ERR_CERTS_DUP] = "certs_dup",
	[CP_CERT_ERR_CERTS_MISSING] = "certs_missing",
	[CP_CERT_ERR_CERTS_LINK] = "certs_link",
	[CP_CERT_ERR_AUTH_MALFORMED] = "auth_malformed",
	[CP_CERT_ERR_AUTH_TYPE] = "auth_type",
	[CP_CERT_ERR_AUTH_LEN] = "auth_len",
	[CP_CERT_ERR_AUTH_TYPE_FIELD] = "auth_type_field",
	[CP_CERT_ERR_AUTH_CID] = "auth_cid",
	[CP_CERT_ERR_AUTH_SID] = "auth_sid",
	[CP_CERT_ERR_AUTH_CID_ED] = "auth_cid_ed",
	[CP_CERT_ERR_AUTH_SID_ED] = "auth_sid_ed",
	[CP_CERT_ERR_AUTH_SLOG] = "auth_slog",
	[CP_CERT_ERR_AUTH_CLOG] = "auth_clog",
	[CP_CERT_ERR_AUTH_SCERT] = "auth_scert",
	[CP_CERT_ERR_AUTH_TLSSECRETS] = "auth_tlssecrets",
	[CP_CERT_ERR_AUTH_SIG] = "auth_sig",
	[CP_CERT_ERR_INTERNAL] = "internal",
};
_Static_assert(ARRAY_SIZE(cert_err_slugs) == CP_CERT_ERR__COUNT,
	       "every enum cp_cert_err value needs a counter name");

const char *
cp_link_cert_err_slug(enum cp_cert_err err)
{
	if ((unsigned int)err >= ARRAY_SIZE(cert_err_slugs))
		return "unknown";
	return cert_err_slugs[err];
}

static const char *const blob_names[IPC_BLOB_COUNT] = {
	[0] = "none",
	[IPC_BLOB_LINK_KEY] = "link key",
	[IPC_BLOB_LINK_CERT] = "link cert",
	[IPC_BLOB_ID_CERT] = "identity cert",
	[IPC_BLOB_CERTS_RESP] = "responder CERTS",
	[IPC_BLOB_CERTS_INIT] = "initiator CERTS",
};

static const char *
blob_name(uint32_t id)
{
	return id < IPC_BLOB_COUNT ? blob_names[id] : "unknown blob";
}

/* DPDK lcore id of lcore index @lc, for log lines. */
static uint32_t
lcore_id(const struct cp_link *lk, uint32_t lc)
{
	return lk->dp->attached ? ipc_shm_lcore(&lk->dp->shm, lc)->lcore_id : lc;
}

void
cp_link_init(struct cp_link *lk, struct cp_dplink *dp, const struct cp_keys *keys,
	     uint32_t netinfo_addr)
{
	memset(lk, 0, sizeof(*lk));
	lk->dp = dp;
	lk->keys = keys;
	lk->netinfo_addr = netinfo_addr;
}

/* Make a set replacing the current one; the new generation is never below the old. */
static int
link_regenerate(struct cp_link *lk, time_t now, char *err, size_t errlen)
{
	struct cp_linkcreds fresh;
	uint32_t gen = (uint32_t)now;
	int rc;

	if (gen <= lk->creds.gen)
		gen = lk->creds.gen + 1;
	if (gen == 0)
		gen = 1;
	rc = cp_linkcreds_create(&fresh, lk->keys, lk->creds.gen != 0 ? &lk->creds : NULL, gen, now,
				 err, errlen);
	if (rc != 0) {
		lk->stats.regen_failures++;
		return rc;
	}
	cp_linkcreds_destroy(&lk->creds);
	lk->creds = fresh;
	OPENSSL_cleanse(&fresh, sizeof(fresh));
	lk->stats.regenerations++;
	lk->regen_forced = false;
	/* Every lcore needs the new set, now. */
	for (uint32_t i = 0; i < IPC_MAX_LCORES; i++)
		lk->lc[i].next_try_ns = 0;
	return 0;
}

int
cp_link_start(struct cp_link *lk, time_t now, char *err, size_t errlen)
{
	int rc;

	if (lk->keys == NULL) {
		snprintf(err, errlen, "no key store");
		return -EINVAL;
	}
	rc = link_regenerate(lk, now, err, errlen);
	if (rc == 0)
		CP_LOG(INFO, link, "link credentials gen %u made", lk->creds.gen);
	return rc;
}

void
cp_link_fini(struct cp_link *lk)
{
	if (lk->dp != NULL)
		cp_dplink_cancel(lk->dp, lk);
	for (uint32_t i = 0; i < IPC_MAX_LCORES; i++) {
		if (lk->lc[i].certs != NULL) {
			OPENSSL_cleanse(lk->lc[i].certs, sizeof(*lk->lc[i].certs));
			free(lk->lc[i].certs);
		}
	}
	cp_linkcreds_destroy(&lk->creds);
	memset(lk, 0, sizeof(*lk));
}

void
cp_link_keys_changed(struct cp_link *lk)
{
	lk->regen_forced = true;
	lk->next_regen_try = 0;
}

/* A new attach: the dataplane behind the rings has nothing of ours. */
static void
link_sync_epoch(struct cp_link *lk)
{
	if (!lk->dp->attached || lk->dp->epoch == lk->seen_epoch)
		return;
	lk->seen_epoch = lk->dp->epoch;
	for (uint32_t i = 0; i < IPC_MAX_LCORES; i++) {
		struct cp_link_certs_asm *a = lk->lc[i].certs;

		memset(&lk->lc[i], 0, sizeof(lk->lc[i]));
		lk->lc[i].certs = a;
		if (a != NULL)
			a->active = 0;
	}
}

/* ---- installing ---------------------------------------------------------- */

static void install_done(void *arg, const struct ipc_hdr *reply, uint32_t lc, uint64_t now_ns);

/* Log an install failure of lcore @lc once per (generation, status). */
static void
install_log_failure(struct cp_link *lk, uint32_t lc, uint32_t gen, int32_t status, const char *what)
{
	struct cp_link_lcore *s = &lk->lc[lc];

	if (s->logged_gen == gen && s->logged_status == status)
		return;
	s->logged_gen = gen;
	s->logged_status = status;
	CP_LOG(WARN, link, "lcore %u: link credentials gen %u not installed: %s; retrying",
	       lcore_id(lk, lc), gen, what);
}

/*
 * Push every chunk of blob @id of the current set on lcore @lc's cell_down
 * ring. The caller checked there is room for all of them.
 */
static int
install_push_blob(struct cp_link *lk, uint32_t lc, uint32_t id)
{
	struct ipc_msg_blob_chunk m;
	const uint8_t *data;
	uint8_t *owned;
	size_t len;
	int rc = cp_linkcreds_blob(&lk->creds, id, &owned, &data, &len);

	if (rc != 0)
		return rc;
	for (size_t off = 0; off < len && rc == 0; off += IPC_BLOB_CHUNK_DATA) {
		size_t n = len - off < IPC_BLOB_CHUNK_DATA ? len - off : IPC_BLOB_CHUNK_DATA;

		memset(&m, 0, sizeof(m));
		ipc_hdr_init(&m.hdr, IPC_MSG_BLOB_CHUNK, sizeof(m), 0);
		m.blob_id = id;
		m.total_len = (uint32_t)len;
		m.offset = (uint32_t)off;
		m.chunk_len = (uint16_t)n;
		m.gen = lk->creds.gen;
		memcpy(m.data, data + off, n);
		rc = cp_dplink_down_push(lk->dp, lc, &m.hdr, sizeof(m));
	}
	OPENSSL_cleanse(&m, sizeof(m));
	if (owned != NULL) {
		OPENSSL_cleanse(owned, len);
		free(owned);
	}
	return rc;
}

/* Chunks all blobs of the current set need. */
static uint32_t
install_chunks_needed(const struct cp_link *lk)
{
	uint32_t n = 0;

	for (uint32_t id = IPC_BLOB_LINK_KEY; id < IPC_BLOB_COUNT; id++) {
		size_t len = cp_linkcreds_blob_len(&lk->creds, id);

		n += (uint32_t)((len + IPC_BLOB_CHUNK_DATA - 1) / IPC_BLOB_CHUNK_DATA);
	}
	return n;
}

/*
 * Send the whole current set to lcore @lc: all chunks, then LINK_INSTALL as
 * a request on the same ring. Nothing is pushed unless all of it fits.
 */
static int
install_send(struct cp_link *lk, uint32_t lc, uint32_t chunks, uint64_t now_ns)
{
	struct cp_link_lcore *s = &lk->lc[lc];
	struct ipc_msg_link_install m;
	int rc;

	if (!cp_dplink_can_request(lk->dp, 1) || cp_dplink_down_space(lk->dp, lc) < chunks + 1) {
		lk->stats.install_deferred++;
		s->next_try_ns = now_ns + CP_LINK_DEFER_NS;
		return -ENOBUFS;
	}
	for (uint32_t id = IPC_BLOB_LINK_KEY; id < IPC_BLOB_COUNT; id++) {
		rc = install_push_blob(lk, lc, id);
		if (rc != 0) {
			/* Cannot happen after the checks above; the dataplane will refuse
			 * the partial set at the next INSTALL, which starts from offset 0. */
			CP_LOG(ERR, link, "lcore %u: pushing the %s failed: %s", lcore_id(lk, lc),
			       blob_name(id), strerror(-rc));
			s->next_try_ns = now_ns + CP_LINK_RETRY_NS;
			return rc;
		}
	}
	memset(&m, 0, sizeof(m));
	ipc_hdr_init(&m.hdr, IPC_MSG_LINK_INSTALL, sizeof(m), 0);
	m.gen = lk->creds.gen;
	memcpy(m.rsa_id_sha1, lk->creds.rsa_id_sha1, sizeof(m.rsa_id_sha1));
	memcpy(m.rsa_id_sha256, lk->creds.rsa_id_sha256, sizeof(m.rsa_id_sha256));
	memcpy(m.ed_id, lk->creds.ed_id, sizeof(m.ed_id));
	m.netinfo_addr = lk->netinfo_addr;
	rc = cp_dplink_request_on(lk->dp, lc, IPC_RING_CELL_DOWN, &m.hdr, sizeof(m),
				  CP_LINK_INSTALL_TIMEOUT_NS, now_ns, install_done, lk);
	if (rc != 0) {
		CP_LOG(ERR, link, "lcore %u: sending LINK_INSTALL failed: %s", lcore_id(lk, lc),
		       strerror(-rc));
		s->next_try_ns = now_ns + CP_LINK_RETRY_NS;
		return rc;
	}
	s->inflight_gen = lk->creds.gen;
	s->sent_mark = cp_dplink_down_mark(lk->dp, lc);
	s->wait_consumed = 0;
	lk->stats.installs_sent++;
	return 0;
}

/* Say once per generation that every lcore with channels has it. */
static void
link_log_if_all_installed(struct cp_link *lk, uint32_t gen)
{
	uint32_t n = cp_link_channel_lcores(lk);

	if (gen != lk->creds.gen || n == 0 || cp_link_installed_count(lk) != n)
		return;
	CP_LOG(NOTICE, link, "link credentials gen %u installed on all %u lcores with channels",
	       gen, n);
}

static void
install_done(void *arg, const struct ipc_hdr *reply, uint32_t lc, uint64_t now_ns)
{
	struct cp_link *lk = arg;
	struct cp_link_lcore *s = &lk->lc[lc];
	uint32_t gen = s->inflight_gen;

	s->inflight_gen = 0;
	if (reply == NULL) {
		if (!cp_dplink_is_up(lk->dp))
			return; /* detached: the next attach starts over */
		lk->stats.install_timeouts++;
		if (!cp_dplink_down_is_consumed(lk->dp, lc, s->sent_mark)) {
			/* The dataplane has not read the set yet: do not pile up more. */
			s->wait_consumed = 1;
			install_log_failure(lk, lc, gen, -EAGAIN,
					    "the dataplane has not read it yet");
			return;
		}
		s->next_try_ns = now_ns + CP_LINK_RETRY_NS;
		install_log_failure(lk, lc, gen, -ETIMEDOUT, "no answer");
		return;
	}
	if (reply->type == IPC_MSG_CMD_ERROR) {
		const struct ipc_msg_cmd_error *e = (const void *)reply;
		char what[96];

		lk->stats.installs_refused++;
		s->next_try_ns = now_ns + CP_LINK_RETRY_NS;
		snprintf(what, sizeof(what), "the dataplane refused LINK_INSTALL (%s)",
			 strerror(-e->err));
		install_log_failure(lk, lc, gen, e->err, what);
		return;
	}
	if (reply->type != IPC_MSG_LINK_INSTALLED) {
		lk->stats.installs_refused++;
		s->next_try_ns = now_ns + CP_LINK_RETRY_NS;
		install_log_failure(lk, lc, gen, -EPROTO, "unexpected answer");
		return;
	}
	{
		const struct ipc_msg_link_installed *r = (const void *)reply;
		char what[96];

		if (r->status == -ENODEV) {
			/* ipc_msg.h: the lcore has no channel layer; nothing to install. */
			s->no_channels = 1;
			CP_LOG(INFO, link, "lcore %u runs no channels; no link credentials needed",
			       lcore_id(lk, lc));
			link_log_if_all_installed(lk, lk->creds.gen);
			return;
		}
		if (r->status == 0 && r->gen == gen) {
			lk->stats.installs_ok++;
			s->installed_gen = gen;
			s->logged_gen = 0;
			s->logged_status = 0;
			CP_LOG(INFO, link, "lcore %u: link credentials gen %u installed",
			       lcore_id(lk, lc), gen);
			link_log_if_all_installed(lk, gen);
			return;
		}
		lk->stats.installs_refused++;
		s->next_try_ns = now_ns + CP_LINK_RETRY_NS;
		if (r->status == 0)
			snprintf(what, sizeof(what), "the dataplane confirmed gen %u instead",
				 r->gen);
		else
			snprintf(what, sizeof(what), "%s (%s)", strerror(-r->status),
				 blob_name(r->failed_blob));
		install_log_failure(lk, lc, gen, r->status != 0 ? r->status : -EPROTO, what);
	}
}

static void
link_install_all(struct cp_link *lk, uint64_t now_ns)
{
	uint32_t chunks;

	if (lk->creds.gen == 0 || !cp_dplink_is_up(lk->dp))
		return;
	chunks = install_chunks_needed(lk);
	for (uint32_t lc = 0; lc < lk->dp->n_lcores; lc++) {
		struct cp_link_lcore *s = &lk->lc[lc];

		if (s->no_channels || s->inflight_gen != 0 || s->installed_gen == lk->creds.gen ||
		    (int64_t)(now_ns - s->next_try_ns) < 0)
			continue;
		if (s->wait_consumed) {
			if (!cp_dplink_down_is_consumed(lk->dp, lc, s->sent_mark))
				continue;
			s->wait_consumed = 0;
		}
		install_send(lk, lc, chunks, now_ns);
	}
}

void
cp_link_tick(struct cp_link *lk, time_t now, uint64_t now_ns)
{
	char err[sizeof(lk->last_err)];

	if (lk->keys == NULL)
		return;
	link_sync_epoch(lk);
	if ((lk->regen_forced || cp_linkcreds_is_due(&lk->creds, now)) &&
	    now >= lk->next_regen_try) {
		if (link_regenerate(lk, now, err, sizeof(err)) == 0) {
			CP_LOG(INFO, link, "link credentials gen %u made", lk->creds.gen);
			lk->last_err[0] = '\0';
		} else {
			lk->next_regen_try = now + CP_LINK_REGEN_RETRY_S;
			if (strcmp(err, lk->last_err) != 0)
				CP_LOG(WARN, link, "cannot renew the link credentials: %s", err);
			snprintf(lk->last_err, sizeof(lk->last_err), "%s", err);
		}
	}
	link_install_all(lk, now_ns);
}

uint32_t
cp_link_installed_count(const struct cp_link *lk)
{
	uint32_t n = 0;

	if (lk->dp == NULL || !lk->dp->attached || lk->dp->epoch != lk->seen_epoch ||
	    lk->creds.gen == 0)
		return 0;
	for (uint32_t lc = 0; lc < lk->dp->n_lcores; lc++)
		n += lk->lc[lc].installed_gen == lk->creds.gen;
	return n;
}

uint32_t
cp_link_channel_lcores(const struct cp_link *lk)
{
	uint32_t n = 0;

	if (lk->dp == NULL || !lk->dp->attached)
		return 0;
	for (uint32_t lc = 0; lc < lk->dp->n_lcores; lc++)
		n += lk->dp->epoch != lk->seen_epoch || !lk->lc[lc].no_channels;
	return n;
}

/* ---- handshake services -------------------------------------------------- */

/* Index of @e in the by-reason counters (an out-of-range value counts as internal). */
static unsigned int
err_index(enum cp_cert_err e)
{
	return (unsigned int)e < CP_CERT_ERR__COUNT ? (unsigned int)e : CP_CERT_ERR_INTERNAL;
}

static void
link_push_verdict(struct cp_link *lk, uint32_t lc, struct ipc_hdr *m, size_t len)
{
	if (cp_dplink_down_push(lk->dp, lc, m, len) != 0)
		lk->stats.down_drops++;
}

/* tor-spec.txt §4.2: verify a reassembled CERTS body and answer CHAN_CERTS_RESULT. */
static void
certs_verdict(struct cp_link *lk, uint32_t lc, struct cp_link_certs_asm *a)
{
	struct ipc_msg_chan_certs_result r;
	struct cp_linkcerts_peer peer;
	enum cp_linkcerts_role sender = a->sender_role == IPC_ROLE_INITIATOR
						? CP_LINKCERTS_ROLE_INITIATOR
						: CP_LINKCERTS_ROLE_RESPONDER;
	enum cp_cert_err e;

	e = cp_linkcerts_verify(a->body, a->total, sender, a->tls_cert_sha256, lk->wall_now, &peer);
	lk->stats.certs_req++;
	memset(&r, 0, sizeof(r));
	ipc_hdr_init(&r.hdr, IPC_MSG_CHAN_CERTS_RESULT, sizeof(r), a->req_id);
	r.chan = a->chan;
	r.status = (int32_t)e;
	if (e == CP_CERT_OK) {
		lk->stats.certs_ok++;
		r.expires = (int64_t)peer.expires;
		memcpy(r.rsa_id_sha1, peer.rsa_id_sha1, sizeof(r.rsa_id_sha1));
		memcpy(r.rsa_id_sha256, peer.rsa_id_sha256, sizeof(r.rsa_id_sha256));
		memcpy(r.ed_id, peer.ed_id, sizeof(r.ed_id));
		if (sender == CP_LINKCERTS_ROLE_INITIATOR)
			memcpy(r.ed_auth, peer.ed_auth, sizeof(r.ed_auth));
	} else {
		lk->stats.certs_fail[err_index(e)]++;
		r.failed_type = peer.failed_type;
		CP_LOG(DEBUG, link, "lcore %u: channel 0x%08x: peer CERTS refused: %s (type %u)",
		       lcore_id(lk, lc), a->chan, cp_cert_err_str(e), peer.failed_type);
	}
	link_push_verdict(lk, lc, &r.hdr, sizeof(r));
	a->active = 0;
}

/* True if CHAN_CERTS @m is well-formed on its own. */
static bool
certs_chunk_is_sane(const struct ipc_msg_chan_certs *m)
{
	return m->total_len >= 1 && m->total_len <= IPC_CERTS_MAX && m->chunk_len >= 1 &&
	       m->chunk_len <= IPC_BLOB_CHUNK_DATA && m->offset < m->total_len &&
	       m->chunk_len <= m->total_len - m->offset &&
	       (m->sender_role == IPC_ROLE_RESPONDER || m->sender_role == IPC_ROLE_INITIATOR);
}

/* True if @m continues the body being assembled in @a. */
static bool
certs_chunk_continues(const struct cp_link_certs_asm *a, const struct ipc_msg_chan_certs *m)
{
	return a->active && m->chan == a->chan && m->hdr.req_id == a->req_id &&
	       m->total_len == a->total && m->sender_role == a->sender_role &&
	       m->offset == a->got &&
	       memcmp(m->tls_cert_sha256, a->tls_cert_sha256, sizeof(a->tls_cert_sha256)) == 0;
}

static void
serve_certs(struct cp_link *lk, uint32_t lc, const struct ipc_msg_chan_certs *m)
{
	struct cp_link_certs_asm *a = lk->lc[lc].certs;

	if (a == NULL)
		a = lk->lc[lc].certs = cp_xcalloc(1, sizeof(*a));
	if (!certs_chunk_is_sane(m) || (m->offset != 0 && !certs_chunk_continues(a, m))) {
		lk->stats.certs_bad_chunk++;
		if (a->active) {
			lk->stats.certs_discarded++;
			a->active = 0;
		}
		return;
	}
	if (m->offset == 0) {
		if (a->active) {
			/* The previous body never finished. */
			lk->stats.certs_discarded++;
		}
		a->active = 1;
		a->sender_role = m->sender_role;
		a->chan = m->chan;
		a->req_id = m->hdr.req_id;
		a->total = m->total_len;
		a->got = 0;
		memcpy(a->tls_cert_sha256, m->tls_cert_sha256, sizeof(a->tls_cert_sha256));
	}
	memcpy(a->body + a->got, m->data, m->chunk_len);
	a->got += m->chunk_len;
	if (a->got == a->total)
		certs_verdict(lk, lc, a);
}

/* tor-spec.txt §4.4.2: sign our AUTHENTICATE as initiator. CID, CID_ED are ours. */
static void
serve_auth_sign(struct cp_link *lk, uint32_t lc, const struct ipc_msg_chan_auth_sign *m)
{
	struct ipc_msg_chan_auth_signed r;
	struct cp_auth3_fields f;
	int n = -ENOKEY;

	lk->stats.auth_sign_req++;
	memset(&r, 0, sizeof(r));
	ipc_hdr_init(&r.hdr, IPC_MSG_CHAN_AUTH_SIGNED, sizeof(r), m->hdr.req_id);
	r.chan = m->chan;
	if (lk->creds.gen != 0) {
		memcpy(f.cid, lk->creds.rsa_id_sha256, 32);
		memcpy(f.cid_ed, lk->creds.ed_id, 32);
		memcpy(f.sid, m->sid, 32);
		memcpy(f.sid_ed, m->sid_ed, 32);
		memcpy(f.slog, m->slog, 32);
		memcpy(f.clog, m->clog, 32);
		memcpy(f.scert, m->scert, 32);
		memcpy(f.tlssecrets, m->tlssecrets, 32);
		n = cp_auth3_build(r.payload, sizeof(r.payload), &f, NULL, &lk->creds.auth);
		OPENSSL_cleanse(&f, sizeof(f));
	}
	if (n == (int)IPC_AUTH3_PAYLOAD_LEN) {
		r.payload_len = (uint16_t)n;
	} else {
		lk->stats.auth_sign_fail++;
		r.status = n < 0 ? n : -EIO;
		memset(r.payload, 0, sizeof(r.payload));
	}
	link_push_verdict(lk, lc, &r.hdr, sizeof(r));
}

/* tor-spec.txt §4.4.2: check a peer's AUTHENTICATE as responder. SID, SID_ED are ours. */
static void
serve_auth_verify(struct cp_link *lk, uint32_t lc, const struct ipc_msg_chan_auth_verify *m)
{
	struct ipc_msg_chan_auth_result r;
	struct cp_linkcerts_peer initiator;
	struct cp_auth3_fields f;
	size_t len =
		m->payload_len < IPC_AUTH3_PAYLOAD_LEN ? m->payload_len : IPC_AUTH3_PAYLOAD_LEN;
	enum cp_cert_err e;

	lk->stats.auth_verify_req++;
	memcpy(f.cid, m->cid, 32);
	memcpy(f.cid_ed, m->cid_ed, 32);
	memcpy(f.sid, cp_keys_rsa_id_sha256(lk->keys), 32);
	memcpy(f.sid_ed, cp_keys_master_pub(lk->keys), 32);
	memcpy(f.slog, m->slog, 32);
	memcpy(f.clog, m->clog, 32);
	memcpy(f.scert, m->scert, 32);
	memcpy(f.tlssecrets, m->tlssecrets, 32);
	memset(&initiator, 0, sizeof(initiator));
	memcpy(initiator.rsa_id_sha256, m->cid, 32);
	memcpy(initiator.ed_id, m->cid_ed, 32);
	memcpy(initiator.ed_auth, m->ed_auth, 32);
	e = cp_auth3_verify(m->payload, len, &f, &initiator);
	OPENSSL_cleanse(&f, sizeof(f));
	memset(&r, 0, sizeof(r));
	ipc_hdr_init(&r.hdr, IPC_MSG_CHAN_AUTH_RESULT, sizeof(r), m->hdr.req_id);
	r.chan = m->chan;
	r.status = (int32_t)e;
	if (e == CP_CERT_OK) {
		lk->stats.auth_verify_ok++;
	} else {
		lk->stats.auth_fail[err_index(e)]++;
		CP_LOG(DEBUG, link, "lcore %u: channel 0x%08x: peer AUTHENTICATE refused: %s",
		       lcore_id(lk, lc), m->chan, cp_cert_err_str(e));
	}
	link_push_verdict(lk, lc, &r.hdr, sizeof(r));
}

static void
link_on_cell(void *arg, uint32_t lc, const struct ipc_hdr *msg, uint64_t now_ns)
{
	struct cp_link *lk = arg;

	switch (msg->type) {
	case IPC_MSG_CHAN_CERTS:
		serve_certs(lk, lc, (const struct ipc_msg_chan_certs *)(const void *)msg);
		break;
	case IPC_MSG_CHAN_AUTH_SIGN:
		serve_auth_sign(lk, lc, (const struct ipc_msg_chan_auth_sign *)(const void *)msg);
		break;
	case IPC_MSG_CHAN_AUTH_VERIFY:
		serve_auth_verify(lk, lc,
				  (const struct ipc_msg_chan_auth_verify *)(const void *)msg);
		break;
	default:
		if (lk->other_fn != NULL)
			lk->other_fn(lk->other_arg, lc, msg, now_ns);
		else
			lk->stats.up_unhandled++;
		break;
	}
}

void
cp_link_set_other(struct cp_link *lk, cp_dplink_cell_fn *fn, void *arg)
{
	lk->other_fn = fn;
	lk->other_arg = arg;
}

uint32_t
cp_link_poll(struct cp_link *lk, time_t now, uint64_t now_ns)
{
	if (lk->keys == NULL || !lk->dp->attached)
		return 0;
	link_sync_epoch(lk);
	lk->wall_now = now;
	return cp_dplink_poll_cells(lk->dp, link_on_cell, lk, now_ns);
}

/* ---- counters ------------------------------------------------------------ */

void
cp_link_counters(const struct cp_link *lk, cp_ctr_fn *fn, void *arg)
{
	const struct cp_link_stats *s = &lk->stats;
	char name[IPC_CTR_NAME_MAX];

	fn(arg, "/cp/link/creds_gen", lk->creds.gen);
	fn(arg, "/cp/link/installed_lcores", cp_link_installed_count(lk));
	fn(arg, "/cp/link/channel_lcores", cp_link_channel_lcores(lk));
	fn(arg, "/cp/link/regenerations", s->regenerations);
	fn(arg, "/cp/link/regen_failures", s->regen_failures);
	fn(arg, "/cp/link/installs_sent", s->installs_sent);
	fn(arg, "/cp/link/installs_ok", s->installs_ok);
	fn(arg, "/cp/link/installs_refused", s->installs_refused);
	fn(arg, "/cp/link/install_timeouts", s->install_timeouts);
	fn(arg, "/cp/link/install_deferred", s->install_deferred);
	fn(arg, "/cp/link/certs_req", s->certs_req);
	fn(arg, "/cp/link/certs_ok", s->certs_ok);
	fn(arg, "/cp/link/certs_bad_chunk", s->certs_bad_chunk);
	fn(arg, "/cp/link/certs_discarded", s->certs_discarded);
	fn(arg, "/cp/link/auth_sign_req", s->auth_sign_req);
	fn(arg, "/cp/link/auth_sign_fail", s->auth_sign_fail);
	fn(arg, "/cp/link/auth_verify_req", s->auth_verify_req);
	fn(arg, "/cp/link/auth_verify_ok", s->auth_verify_ok);
	fn(arg, "/cp/link/down_drops", s->down_drops);
	fn(arg, "/cp/link/up_unhandled", s->up_unhandled);
	for (unsigned int e = 1; e < CP_CERT_ERR__COUNT; e++) {
		if (s->certs_fail[e] != 0) {
			snprintf(name, sizeof(name), "/cp/link/certs_fail/%s",
				 cp_link_cert_err_slug((enum cp_cert_err)e));
			fn(arg, name, s->certs_fail[e]);
		}
	}
	for (unsigned int e = 1; e < CP_CERT_ERR__COUNT; e++) {
		if (s->auth_fail[e] != 0) {
			snprintf(name, sizeof(name), "/cp/link/auth_fail/%s",
				 cp_link_cert_err_slug((enum cp_cert_err)e));
			fn(arg, name, s->auth_fail[e]);
		}
	}
}
