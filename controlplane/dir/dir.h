/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief The relay's directory work: publish the descriptor, follow the consensus.
 *
 * Publishing (dir-spec §2.1, relay-checklist §F2, §0.5):
 * - The descriptor (controlplane/dir/desc.h) is built from the config, the
 *   keys and the bandwidth Chive measured (tor's rule: the smaller of the
 *   largest 10-second read and write rates of the last day, from the
 *   dataplane's TLS byte counters), and only once the dataplane is attached
 *   with link credentials on every lcore, so the authorities' reachability
 *   test that a new descriptor triggers finds a working ORPort.
 * - It is POSTed to /tor/ on every configured authority's DirPort. The
 *   reply's status proves nothing (a bad signature gets 200 too), so each
 *   upload is confirmed by fetching /tor/server/fp/<FP> back and comparing
 *   bytes. A 400 is a rejection with the authority's reason, logged and
 *   counted. Failures are retried per authority with exponential backoff.
 * - It is rebuilt and uploaded again: every 18 hours (tor's
 *   FORCE_REGENERATE_DESCRIPTOR_INTERVAL); on new onion keys or a new
 *   signing certificate; when the measured bandwidth doubled or halved
 *   (tor's check_descriptor_bandwidth_changed: at most every 3 hours, except
 *   in a testing network or from zero); and when the consensus does not list
 *   us (after a grace period) or marks us StaleDesc.
 *
 * Following the consensus (dir-spec §3.4.1, §4.1; checklist §F7): fetch the
 * authorities' key certificates and the ns consensus from an authority
 * (each in turn), verify it (controlplane/dir/consensus.h), keep the
 * parameters, our own entry and flags and every relay's address and
 * identity; fetch again at a random time between fresh-until and
 * valid-until, and retry failures with backoff.
 *
 * Everything is non-blocking on the control plane's loop: cp_dir_tick()
 * runs from the loop's timer. Counters under /cp/dir/.
 *
 * Who may include it: controlplane/ and tests/.
 */
#ifndef CONTROLPLANE_DIR_DIR_H
#define CONTROLPLANE_DIR_DIR_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "controlplane/dir/desc.h"
#include "controlplane/dir/dir_conf.h"
#include "controlplane/dir/http.h"
#include "controlplane/keys/keys.h"
#include "controlplane/stats/stats.h"

struct cp_ctx;
struct cp_consensus;
struct cp_dir_certs;

/** Platform line: a non-Tor platform (checklist §0.4). */
#define CP_DIR_PLATFORM "Chive 0.1.0 on Linux"
/** Republish at least this often (tor's FORCE_REGENERATE_DESCRIPTOR_INTERVAL), s. */
#define CP_DIR_REPUBLISH_S (18 * 3600)
/** Bandwidth-change republish limit (tor's MAX_BANDWIDTH_CHANGE_FREQ), s. */
#define CP_DIR_BW_CHANGE_S (3 * 3600)
/** How long a directory request may take, ns. */
#define CP_DIR_HTTP_TIMEOUT_NS (30ull * 1000000000ull)
/** Largest consensus or certificate reply accepted. */
#define CP_DIR_REPLY_MAX (16u << 20)

/** Per-authority upload state. */
enum cp_dir_up_state {
	CP_DIR_UP_IDLE,	      /**< nothing to do until the next descriptor */
	CP_DIR_UP_WAIT,	      /**< due at next_try (first try or retry) */
	CP_DIR_UP_POSTING,    /**< POST /tor/ in flight */
	CP_DIR_UP_CONFIRMING, /**< GET /tor/server/fp/<FP> in flight */
};

/** One authority, as the directory module sees it. */
struct cp_dir_authority {
	struct cp_dir *dir;
	const struct cp_dir_auth *conf;
	struct cp_http http;
	enum cp_dir_up_state state;
	time_t next_try;       /**< wall clock */
	unsigned failures;     /**< consecutive; sets the backoff */
	uint32_t accepted_gen; /**< descriptor generation it confirmed holding; 0 = none */
	time_t accepted_at;
	char last[160]; /**< what happened last, for `show consensus` / logs */
};

/** Counters (/cp/dir/NAME). */
struct cp_dir_stats {
	uint64_t descs_built;	     /**< descriptors made */
	uint64_t uploads;	     /**< POSTs sent */
	uint64_t upload_rejected;    /**< 400s: the authority refused it */
	uint64_t upload_failed;	     /**< no reply, or another status */
	uint64_t upload_confirmed;   /**< fetched back byte-identical */
	uint64_t upload_unconfirmed; /**< 200, but the authority does not serve it */
	uint64_t cons_fetches;	     /**< consensus fetches started */
	uint64_t cons_ok;	     /**< verified and installed */
	uint64_t cons_bad;	     /**< failed verification */
	uint64_t cons_failed;	     /**< no reply, or not 200 */
	uint64_t certs_ok;	     /**< authority certificates accepted */
	uint64_t certs_bad;
};

/** Measured bandwidth: 10-second windows over the TLS byte counters. */
struct cp_dir_bw {
	uint64_t rx[11], tx[11]; /**< totals at the last 11 one-second samples */
	unsigned n, head;
	time_t last_sample;
	uint64_t max_rx[24], max_tx[24]; /**< largest 10-s rate (B/s) per hour, last 24 h */
	unsigned hour_idx;
	time_t hour_start;
};

struct cp_dir {
	struct cp_dir_conf conf;
	bool enabled;			     /**< DirAuthority lines and PublishServerDescriptor */
	char fp_hex[CP_KEYS_FP_HEX_LEN + 1]; /**< our RSA fingerprint */
	struct cp_ed25519_key family[CP_DIR_FAMILY_ID_MAX]; /**< FamilyId keys (secret) */
	unsigned n_family;
	time_t start; /**< for the uptime line */
	struct cp_dir_authority au[CP_DIR_AUTH_MAX];
	/* The current descriptor. */
	char desc[CP_DESC_MAX + 1];
	int desc_len;
	uint32_t desc_gen; /**< 0 = none built yet */
	time_t desc_published;
	uint64_t desc_bw;     /**< observed bandwidth it advertises */
	time_t desc_onion_at; /**< cp_keys_onion_set_at() it was built with */
	time_t desc_cert_exp; /**< signing cert expiry it was built with */
	time_t bw_changed_at;
	bool dirty;
	char dirty_why[64];
	time_t next_check;
	struct cp_dir_bw bw;
	/* The consensus. */
	struct cp_http cons_http;
	int cons_step;	    /**< 0 idle, 1 fetching certs, 2 fetching consensus */
	unsigned cons_auth; /**< which authority is asked (round robin) */
	unsigned cons_failures;
	time_t cons_next;
	struct cp_dir_certs *certs;
	struct cp_consensus *cons;
	time_t cons_installed;
	time_t cons_valid_after; /**< of the consensus held; 0 = none */
	bool listed, stale;	 /**< our entry in the current consensus */
	uint32_t flags;		 /**< our flags there (CP_CONS_FLAG_*) */
	uint32_t cons_relays;	 /**< relays in it */
	uint32_t listed_bw;	 /**< our w Bandwidth= there, kB/s */
	char last_err[200];
	struct cp_dir_stats stats;
};

/**
 * Prepare the module from @p conf (copied). Enabled when @p conf has
 * DirAuthority lines and publish is set; consensus following needs
 * DirAuthority lines only. With FamilyId lines, loads the family keys from
 * @p datadir/keys (cp_keys_family_load()): each configured id needs its key.
 *
 * @return
 *   0, or -EINVAL / a key loading error with a reason in @p err (no address
 *   to publish, a FamilyId without its key).
 */
int cp_dir_init(struct cp_dir *d, const struct cp_dir_conf *conf, const struct cp_keys *keys,
		const char *datadir, time_t now, char *err, size_t errlen);

/**
 * Take the settings of @p conf that may change while running (`chivectl
 * config set`): Nickname, ContactInfo, PublishServerDescriptor,
 * RelayBandwidthRate/Burst and MyFamily; the others must equal those the
 * module was started with and are ignored. Marks the descriptor dirty with
 * @p why ("config: Nickname"), so it is rebuilt and uploaded again (tor's
 * mark_my_descriptor_dirty() on a config change). Turning publishing on
 * starts uploads, off stops them. All or nothing.
 *
 * @return
 *   0, or -EINVAL with a reason in @p err (publishing turned on without an
 *   Address or ORPort, as cp_dir_init() refuses it); nothing changed.
 */
int cp_dir_reconfigure(struct cp_dir *d, const struct cp_dir_conf *conf, const char *why,
		       char *err, size_t errlen);

/** Periodic work, from the loop's timer: bandwidth, publishing, consensus, timeouts. */
void cp_dir_tick(struct cp_ctx *cp, time_t now, uint64_t now_ns);

/**
 * Mark the descriptor for rebuilding when tor would (router.c
 * check_descriptor_bandwidth_changed() and mark_my_descriptor_dirty()
 * callers): 18 hours old; new onion keys or signing key in @p keys; the
 * measured bandwidth doubled or halved (at most every 3 hours, except in a
 * testing network or from or to zero); the consensus says StaleDesc (once
 * per consensus voted after our newest descriptor); or no consensus lists
 * us long (2 h; testing 2 min) after an authority took the descriptor.
 * The reason goes to @c dirty_why. Nothing before the first descriptor.
 */
void cp_dir_check_changes(struct cp_dir *d, const struct cp_keys *keys, time_t now);

/** Cancel requests and free the consensus. */
void cp_dir_fini(struct cp_dir *d);

/**
 * Add one sample of the TLS byte totals (read @p rx, written @p tx) taken at
 * @p now (one per second; a gap over 5 s or totals going back restart the
 * 10-second window).
 */
void cp_dir_bw_add(struct cp_dir_bw *b, time_t now, uint64_t rx, uint64_t tx);

/**
 * The observed bandwidth to advertise, bytes/s: the smaller of the largest
 * 10-second read and write rates of the last 24 hours (tor's
 * rep_hist_bandwidth_assess()).
 */
uint64_t cp_dir_bw_max(const struct cp_dir_bw *b);

/** Our flags as space-separated names ("Fast Running Valid") into @p buf; "(none)". */
const char *cp_dir_flag_names(uint32_t flags, char *buf, size_t len);

/** Report the /cp/dir/ counters and gauges. */
void cp_dir_counters(const struct cp_dir *d, cp_ctr_fn *fn, void *arg);

#endif /* CONTROLPLANE_DIR_DIR_H */
