/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Control-plane side of tor's link handshake: credentials and handshake services.
 *
 * The dataplane runs the link handshake (cell/chan.c) but holds no identity
 * key (ARCHITECTURE.md §2). This module gives it what it needs, over the
 * rings of controlplane/dplink.h:
 *
 * - **Credentials.** It keeps one generation of link credentials
 *   (linkcreds.h), replaces it when due (every 2 hours, and when the key
 *   store reports a new signing key) and installs it on every lcore: the
 *   blobs as IPC_MSG_BLOB_CHUNKs on the lcore's cell_down ring, then
 *   IPC_MSG_LINK_INSTALL as a request on the same ring, answered by
 *   IPC_MSG_LINK_INSTALLED on the event ring. A set goes out only when the
 *   ring has room for all of it and the pending table for its INSTALL, so a
 *   set is never cut in half; otherwise it is retried on a later tick. It is
 *   sent again on every attach (a restarted dataplane has nothing), after
 *   each regeneration, after a refusal (CP_LINK_RETRY_NS later) and after a
 *   timeout; if the dataplane has not even read the last set, nothing more
 *   is pushed until it has. An lcore that answers -ENODEV runs no channels
 *   (it has no network port) and is left alone until the next attach.
 * - **Handshake services** (tor-spec.txt §4.2, §4.4), from the cell_up
 *   rings: CHAN_CERTS chunks are reassembled per lcore and verified
 *   (cp_linkcerts_verify()) into a CHAN_CERTS_RESULT; CHAN_AUTH_SIGN gets
 *   our AUTHENTICATE signed with the auth key (CHAN_AUTH_SIGNED);
 *   CHAN_AUTH_VERIFY gets a peer's AUTHENTICATE checked (CHAN_AUTH_RESULT).
 *   Verdicts go down on the lcore's cell_down ring; when it is full the
 *   verdict is dropped and counted, and the dataplane's handshake timeout
 *   closes the channel. No state is kept between messages except a partial
 *   CERTS body.
 *
 * Invariants of the CERTS reassembly (per lcore): the dataplane sends one
 * body's chunks contiguously and in order (offsets 0, n, 2n, ...). A chunk
 * that does not continue the body being assembled (another channel,
 * request, length, role or TLS digest, or a gap) discards the partial body
 * and is itself refused; both are counted. Nothing is answered for a
 * discarded body: the channel's handshake timeout covers it. A body is at
 * most IPC_CERTS_MAX bytes.
 *
 * Secrets: the link key's DER and every chunk message holding part of it
 * are wiped after the push; the TLSSECRETS of AUTH requests are wiped from
 * every copy (cp_dplink_poll_cells() wipes the ring slot and its own copy).
 * Nothing secret is logged.
 *
 * Time is a parameter: wall-clock seconds for certificates, CLOCK_MONOTONIC
 * ns for ring timeouts. Not thread-safe; the control plane's loop owns it.
 *
 * Who may include it: controlplane/ and tests/.
 */
#ifndef CONTROLPLANE_LINK_LINK_H
#define CONTROLPLANE_LINK_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "common/ipc/ipc_abi.h"
#include "common/ipc/ipc_msg.h"
#include "controlplane/certs/cert_err.h"
#include "controlplane/dplink.h"
#include "controlplane/keys/keys.h"
#include "controlplane/link/linkcreds.h"
#include "controlplane/stats/stats.h"

/** How long a LINK_INSTALL may take before it counts as timed out, ns. */
#define CP_LINK_INSTALL_TIMEOUT_NS UINT64_C(5000000000)
/** Wait before sending a refused or timed-out install again, ns. */
#define CP_LINK_RETRY_NS UINT64_C(10000000000)
/** Wait before trying again when the ring or the pending table was short, ns. */
#define CP_LINK_DEFER_NS UINT64_C(100000000)
/** Wait before trying again after a failed regeneration, s. */
#define CP_LINK_REGEN_RETRY_S 60

/** A CERTS body being reassembled on one lcore. */
struct cp_link_certs_asm {
	uint8_t active;	     /**< 1 while a body is being assembled. */
	uint8_t sender_role; /**< IPC_ROLE_* */
	uint8_t pad[2];
	uint32_t chan;
	uint32_t req_id;
	uint32_t total; /**< Bytes of the whole body. */
	uint32_t got;	/**< Bytes received so far, in order. */
	uint8_t tls_cert_sha256[32];
	uint8_t body[IPC_CERTS_MAX];
};

/** Install state of one lcore; reset on every attach. */
struct cp_link_lcore {
	uint32_t installed_gen; /**< Generation the lcore confirmed, 0 = none. */
	uint32_t inflight_gen;	/**< Generation of the LINK_INSTALL in flight, 0 = none. */
	uint32_t sent_mark;	/**< cell_down mark after the last set pushed. */
	uint8_t wait_consumed;	/**< The last INSTALL timed out before the dataplane read it. */
	uint8_t no_channels;	/**< The lcore answered -ENODEV: it runs no channels; skip it. */
	uint8_t pad[2];
	uint64_t next_try_ns;		 /**< Do not send before this (backoff). */
	uint32_t logged_gen;		 /**< Generation whose failure was last logged. */
	int32_t logged_status;		 /**< ...and with which status (log each outcome once). */
	struct cp_link_certs_asm *certs; /**< Allocated at the first CHAN_CERTS. */
};

/** Counters, exported as /cp/link/NAME by cp_link_counters(). */
struct cp_link_stats {
	uint64_t regenerations;	   /**< Credential sets made. */
	uint64_t regen_failures;   /**< Attempts to make one that failed. */
	uint64_t installs_sent;	   /**< LINK_INSTALL requests sent, all lcores. */
	uint64_t installs_ok;	   /**< LINK_INSTALLED with status 0. */
	uint64_t installs_refused; /**< LINK_INSTALLED with an error, or CMD_ERROR. */
	uint64_t install_timeouts; /**< No answer within CP_LINK_INSTALL_TIMEOUT_NS. */
	uint64_t install_deferred; /**< Attempts put off: cell_down ring or pending table short. */
	uint64_t certs_req;	   /**< CERTS bodies verified. */
	uint64_t certs_ok;
	uint64_t certs_bad_chunk; /**< CHAN_CERTS chunks refused (out of order, inconsistent,
				     malformed). */
	uint64_t certs_discarded; /**< Partial bodies dropped because of such a chunk. */
	uint64_t auth_sign_req;
	uint64_t auth_sign_fail; /**< No auth key or signing failed. */
	uint64_t auth_verify_req;
	uint64_t auth_verify_ok;
	uint64_t down_drops;			 /**< Verdicts dropped: cell_down ring full. */
	uint64_t up_unhandled;			 /**< cell_up messages no service handles (yet). */
	uint64_t certs_fail[CP_CERT_ERR__COUNT]; /**< CERTS refusals by reason. */
	uint64_t auth_fail[CP_CERT_ERR__COUNT];	 /**< AUTHENTICATE refusals by reason. */
};

/** The module's state; embedded in struct cp_ctx. */
struct cp_link {
	struct cp_dplink *dp;	    /**< The rings (borrowed). */
	const struct cp_keys *keys; /**< The key store (borrowed); NULL = module off. */
	uint32_t netinfo_addr;	    /**< IPv4 for NETINFO (host order), 0 = the port's. */
	uint32_t seen_epoch;	    /**< dp->epoch the per-lcore state belongs to. */
	bool regen_forced;	    /**< Make a new set at the next tick. */
	time_t next_regen_try;	    /**< After a failed regeneration (s). */
	time_t wall_now;	    /**< Wall clock of the current cp_link_poll() (s). */
	char last_err[256];	    /**< Last regeneration error (logged once). */
	struct cp_linkcreds creds;  /**< Current set; gen 0 = none yet. */
	struct cp_link_lcore lc[IPC_MAX_LCORES];
	struct cp_link_stats stats;
	cp_dplink_cell_fn *other_fn; /**< Messages this module does not serve (circuits), or NULL. */
	void *other_arg;
};

/**
 * Hand the cell_up messages this module does not serve (IPC_MSG_CIRC_*) to
 * @p fn, since cp_link_poll() drains the rings. NULL: count them unhandled.
 */
void cp_link_set_other(struct cp_link *lk, cp_dplink_cell_fn *fn, void *arg);

/** Prepare @p lk for key store @p keys and link @p dp (both borrowed); makes nothing yet. */
void cp_link_init(struct cp_link *lk, struct cp_dplink *dp, const struct cp_keys *keys,
		  uint32_t netinfo_addr);

/**
 * Make the first credential set at @p now.
 *
 * @return
 *   0, or the negative errno of cp_linkcreds_create() with @p err set.
 */
int cp_link_start(struct cp_link *lk, time_t now, char *err, size_t errlen);

/** Cancel this module's pending requests, wipe the credentials and free the reassembly buffers. */
void cp_link_fini(struct cp_link *lk);

/** Tell the module the key store has a new signing key: make a new set at the next tick. */
void cp_link_keys_changed(struct cp_link *lk);

/**
 * Periodic work, from the loop's timer: make a new set when due (wall clock
 * @p now), then send the current set to every lcore that needs it
 * (monotonic @p now_ns). Bounded: one regeneration and one set per lcore.
 */
void cp_link_tick(struct cp_link *lk, time_t now, uint64_t now_ns);

/**
 * Serve the handshake requests waiting on the cell_up rings (at most
 * CP_DPLINK_CELL_BATCH per lcore), certificates checked at wall clock
 * @p now.
 *
 * @return
 *   Number of messages consumed.
 */
uint32_t cp_link_poll(struct cp_link *lk, time_t now, uint64_t now_ns);

/** Return the number of attached lcores that confirmed the current generation. */
uint32_t cp_link_installed_count(const struct cp_link *lk);

/**
 * Return the number of attached lcores that need link credentials: all but
 * those that answered LINK_INSTALL with -ENODEV (no channel layer, e.g. no
 * network port), which are not asked again until the next attach.
 */
uint32_t cp_link_channel_lcores(const struct cp_link *lk);

/**
 * Report the module's counters to @p fn: every field of struct cp_link_stats
 * as /cp/link/NAME, and the non-zero refusals by reason as
 * /cp/link/certs_fail/REASON and /cp/link/auth_fail/REASON.
 */
void cp_link_counters(const struct cp_link *lk, cp_ctr_fn *fn, void *arg);

/** Return a short identifier for @p err ("ed_expired", ...), for counter names. */
const char *cp_link_cert_err_slug(enum cp_cert_err err);

#endif /* CONTROLPLANE_LINK_LINK_H */
