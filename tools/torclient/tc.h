/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief chive-torclient internals: channels, client circuits, the echo endpoint.
 *
 * chive-torclient is a Tor client for tests and benchmarks, built from
 * Chive's own code over kernel sockets and OpenSSL (see README.md). It is
 * one single-threaded poll() loop (main.c) driving:
 *
 * - channels (tc_chan.c): one TLS link each, in either role, with tor's
 *   in-protocol link handshake (tor-spec.txt §4) and fixed/variable cell
 *   framing (common/wire/wire_cell.h);
 * - the client (tc_client.c): N circuits on one channel to the first hop,
 *   built with CREATE2 (ntor, ntor-v3) or CREATE_FAST and extended hop by
 *   hop with EXTEND2 in RELAY_EARLY cells; RELAY DATA cells to the last hop
 *   and byte-for-byte checks of what comes back;
 * - the echo endpoint (tc_echo.c): a listener that plays a relay as far as
 *   the link handshake and CREATE2/CREATE_FAST go, and answers each relay
 *   cell recognized at it with the same command, stream id and data.
 *
 * Memory is bounded by the options (circuits, window, channels); every
 * buffer is allocated once per object. Time is CLOCK_MONOTONIC milliseconds
 * passed as a parameter; certificates use the wall clock.
 *
 * Private to tools/torclient/.
 */
#ifndef TOOLS_TORCLIENT_TC_H
#define TOOLS_TORCLIENT_TC_H

#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <openssl/evp.h>
#include <openssl/ssl.h>

#include "common/wire/wire_cell.h"
#include "controlplane/certs/linkcerts.h"
#include "controlplane/keys/keys.h"
#include "controlplane/link/linkcreds.h"
#include "controlplane/onion/onion.h"
#include "dataplane/cell/relay_crypto.h"

/** Most hops in a path (tor-spec.txt §5.6: at most 8 RELAY_EARLY cells). */
#define TC_MAX_HOPS 8
/** Most channels the echo endpoint keeps at once. */
#define TC_ECHO_MAX_CHANS 64
/** Bytes a channel may queue for TLS; a sender waits for room beyond this. */
#define TC_CHAN_TX_CAP (1u << 20)
/** Receive buffer: one largest variable-length cell plus a TLS record. */
#define TC_CHAN_RX_CAP (WIRE_VAR_CELL_MAX_LEN + 16384)
/** SSL_read calls per channel per loop iteration (fairness bound). */
#define TC_CHAN_READS_PER_SERVICE 64
/** Longest a link handshake (TCP, TLS and cells) may take, ms. */
#define TC_CHAN_HS_TIMEOUT_MS 20000

/* ---- util.c ---- */

/** Log levels of tc_log(). */
enum tc_log_level {
	TC_LOG_ERR = 0,	  /**< always shown */
	TC_LOG_INFO = 1,  /**< -v */
	TC_LOG_DEBUG = 2, /**< -vv */
};

/** Verbosity set by -v (0..2). */
extern int tc_verbose;

/** Print one line to stderr, prefixed "torclient: ", if @p level <= tc_verbose. */
void tc_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/** CLOCK_MONOTONIC in milliseconds. */
uint64_t tc_now_ms(void);

/** CLOCK_MONOTONIC in nanoseconds. */
uint64_t tc_now_ns(void);

/** A small non-cryptographic generator (splitmix64) for test data. */
struct tc_rng {
	uint64_t s;
};

/** Return the next 64 random bits of @p r. */
uint64_t tc_rng_next(struct tc_rng *r);

/** Fill @p n bytes at @p p from @p r. */
void tc_rng_fill(struct tc_rng *r, uint8_t *p, size_t n);

/** Write @p n bytes as upper-case hex and a NUL into @p out (2n + 1 bytes). */
void tc_hex(const uint8_t *p, size_t n, char *out);

/** Parse exactly 2n hex digits into @p n bytes; @return 0 or -EINVAL. */
int tc_unhex(const char *s, uint8_t *out, size_t n);

/** Write a 32-byte key as unpadded base64 (43 characters and a NUL). */
void tc_b64_32(const uint8_t key[32], char out[44]);

/** Parse 43 characters of unpadded (or 44 of padded) base64 into 32 bytes; 0 or -EINVAL. */
int tc_unb64_32(const char *s, uint8_t out[32]);

/** Parse "A.B.C.D:PORT" (port 1..65535) into @p out; 0 or -EINVAL. */
int tc_parse_addr(const char *s, struct sockaddr_in *out);

/** Format @p a as "A.B.C.D:PORT" into @p out (at least 22 bytes). */
void tc_fmt_addr(const struct sockaddr_in *a, char *out, size_t len);

/**
 * A latency histogram: log-linear buckets of nanoseconds, 16 per power of
 * two (relative error under 1/16), up to about 18 minutes.
 */
#define TC_HIST_SUB 16
#define TC_HIST_BUCKETS (41 * TC_HIST_SUB)

struct tc_hist {
	uint64_t n;
	uint64_t b[TC_HIST_BUCKETS];
};

/** Count one value, in ns. */
void tc_hist_add(struct tc_hist *h, uint64_t ns);

/** The value under which a fraction @p q (0..1) of the counted values lie, in ns (0 if none). */
uint64_t tc_hist_quantile(const struct tc_hist *h, double q);

/* ---- ident.c: who a hop is ---- */

/** One hop of a path: where it listens and the public keys a client needs. */
struct tc_hop {
	struct sockaddr_in addr; /**< ORPort */
	uint8_t rsa_id[20];	 /**< SHA-1 of the PKCS#1 DER RSA identity */
	uint8_t ed_id[32];	 /**< Ed25519 master identity */
	uint8_t ntor_pub[32];	 /**< current ntor onion key */
	bool has_ed;
	bool has_ntor;
	bool is_echo;  /**< the built-in echo endpoint */
	char name[32]; /**< "A.B.C.D:PORT", for messages */
};

/**
 * Read a relay's public identity from a tor-format DataDirectory: the RSA
 * fingerprint from @p dir/fingerprint, else derived from keys/secret_id_key
 * (only the public digest is kept); the Ed25519 identity from
 * keys/ed25519_master_id_public_key, else fingerprint-ed25519; the ntor key
 * from the public half of keys/secret_onion_key_ntor (the secret half is
 * never read).
 *
 * @return
 *   0, or a negative errno with a message in @p err.
 */
int tc_ident_read_datadir(const char *dir, struct tc_hop *out, char *err, size_t errlen);

/**
 * Parse a --hop SPEC: "ADDR:PORT,DATADIR" or
 * "ADDR:PORT,RSAFP_HEX,ED25519_B64,NTOR_B64" (the fingerprint may start
 * with '$'; ED25519_B64 and NTOR_B64 may be "-" for unknown).
 *
 * @return
 *   0, or -EINVAL / the errors of tc_ident_read_datadir() with @p err set.
 */
int tc_hop_parse(const char *spec, struct tc_hop *out, char *err, size_t errlen);

/** Print @p h as "RSAFP ED25519_B64 NTOR_B64" (a '-' for what is unknown) to @p f. */
void tc_hop_print(const struct tc_hop *h, FILE *f);

/* ---- tls.c ---- */

/** Make the client SSL_CTX: what tor 0.4.9 offers (relay-checklist §0.8). @return NULL on error. */
SSL_CTX *tc_tls_client_ctx(void);

/** Make a server SSL_CTX presenting @p cert_der with @p key. @return NULL on error. */
SSL_CTX *tc_tls_server_ctx(EVP_PKEY *key, const uint8_t *cert_der, size_t cert_len);

/** Log the OpenSSL error queue at @p level (and clear it). */
void tc_tls_log_errors(int level, const char *what);

/* ---- chan.c ---- */

/** Which end of the link a channel is. */
enum tc_role {
	TC_ROLE_INITIATOR, /**< we connected: TLS client, circuit ids with the MSB set */
	TC_ROLE_RESPONDER, /**< we accepted: TLS server */
};

/**
 * Channel states, in order:
 *   CONNECTING ─► TLS ─► VERSIONS ─► HANDSHAKE ─► OPEN
 * and CLOSED from any of them (terminal; the owner frees the channel).
 */
enum tc_chan_state {
	TC_CHAN_STATE_CONNECTING, /**< TCP connect in progress (initiator) */
	TC_CHAN_STATE_TLS,	  /**< TLS handshake */
	TC_CHAN_STATE_VERSIONS,	  /**< waiting for the peer's VERSIONS */
	TC_CHAN_STATE_HANDSHAKE,  /**< CERTS, AUTH_CHALLENGE, AUTHENTICATE, NETINFO */
	TC_CHAN_STATE_OPEN,	  /**< circuit cells flow */
	TC_CHAN_STATE_CLOSED,
};

/** Handshake flags (struct tc_chan::hs_flags). */
enum {
	TC_HS_GOT_CERTS = 1u << 0, /**< the peer's CERTS verified */
	TC_HS_GOT_AC = 1u << 1,	   /**< AUTH_CHALLENGE seen (initiator) */
	TC_HS_AUTH_OK = 1u << 2,   /**< the peer's AUTHENTICATE verified (responder) */
	TC_HS_HASH_TX = 1u << 3,   /**< sent cells go into dig_tx */
	TC_HS_HASH_RX = 1u << 4,   /**< received cells go into dig_rx */
};

struct tc_chan;

/** What the owner of a channel is told. */
struct tc_chan_ops {
	/**
	 * A circuit cell arrived on an open channel (anything but padding,
	 * VERSIONS, CERTS, AUTH_CHALLENGE, AUTHENTICATE, NETINFO).
	 *
	 * @return
	 *   0 when handled; -EAGAIN to stop reading: the same cell is offered
	 *   again on a later call (the owner waits for send room).
	 */
	int (*cell)(struct tc_chan *ch, const struct wire_cell *c, uint64_t now);
	/** The link handshake finished; the channel is open. */
	void (*opened)(struct tc_chan *ch, uint64_t now);
	/** The channel closed (tc_chan::why says why); called once. */
	void (*closed)(struct tc_chan *ch, uint64_t now);
};

/** An open-addressing map from circuit id to the owner's circuit. */
struct tc_circmap {
	uint32_t *ids; /**< 0 = empty, UINT32_MAX = deleted */
	void **vals;
	uint32_t cap;  /**< power of two */
	uint32_t used; /**< live entries */
	uint32_t fill; /**< live plus deleted entries */
};

/**
 * One TLS link.
 *
 * Invariants: @c rx holds @c rx_len unframed bytes (a partial cell, or
 * whole cells when @c rx_blocked); @c tx holds @c tx_len - @c tx_off bytes
 * not yet accepted by SSL_write, starting at @c tx_off. A CLOSED channel
 * has no fd and no SSL and calls nothing.
 */
struct tc_chan {
	int fd;
	SSL *ssl;
	uint8_t role;	     /**< enum tc_role */
	uint8_t state;	     /**< enum tc_chan_state */
	uint16_t link;	     /**< negotiated link version, 0 before VERSIONS */
	uint32_t hs_flags;   /**< TC_HS_* */
	bool authenticated;  /**< open with a peer that proved a relay identity */
	bool rx_blocked;     /**< the owner refused a cell: wait for send room */
	bool rx_more;	     /**< reads stopped at the bound with data left */
	bool tls_want_write; /**< the TLS handshake waits to write */
	bool tls_failed;     /**< a fatal TLS error: no close_notify */
	struct sockaddr_in peer;
	struct sockaddr_in local;
	char name[32]; /**< "A.B.C.D:PORT" of the peer */
	/* initiator: whom we expect at the other end */
	uint8_t expect_rsa[20];
	uint8_t expect_ed[32];
	bool expect_has_ed;
	/* responder: our link credentials (borrowed) */
	const struct cp_linkcreds *creds;
	/* the peer's identity as its CERTS cell proved it */
	struct cp_linkcerts_peer peer_id;
	uint8_t peer_cert_sha256[32]; /**< initiator: SHA-256 of the responder's TLS cert */
	/* responder: SLOG (what we sent) and CLOG (what we received), tor-spec §4.4.2 */
	EVP_MD_CTX *dig_tx;
	EVP_MD_CTX *dig_rx;
	uint8_t slog[32];
	uint8_t clog[32];
	uint64_t hs_deadline;  /**< ms; the handshake must be done by then */
	uint64_t paused_until; /**< ms; no reading before then (echo --echo-slow) */
	uint8_t *rx;
	size_t rx_len;
	uint8_t *tx;
	size_t tx_off;
	size_t tx_len;
	struct tc_circmap circs;
	const struct tc_chan_ops *ops;
	void *owner;
	uint32_t owner_flags; /**< the owner's own bits */
	uint64_t cells_rx;
	uint64_t cells_tx;
	char why[160]; /**< why it closed */
};

/**
 * Open a channel to @p to as a client (initiator): TCP connect, TLS, then
 * the link handshake without authenticating (tor-spec.txt §4: a client
 * sends only VERSIONS and NETINFO). The responder's CERTS must prove RSA
 * identity @p rsa_id and, when @p ed_id is not NULL, that Ed25519 identity.
 *
 * @return
 *   The channel (state CONNECTING or TLS), or NULL with @p err set.
 */
struct tc_chan *tc_chan_connect(SSL_CTX *ctx, const struct sockaddr_in *to,
				const uint8_t rsa_id[20], const uint8_t *ed_id,
				const struct tc_chan_ops *ops, void *owner, uint64_t now, char *err,
				size_t errlen);

/**
 * Take an accepted connection @p fd as a responder with credentials
 * @p creds (borrowed, must outlive the channel). Takes ownership of @p fd.
 *
 * @return
 *   The channel, or NULL (fd closed).
 */
struct tc_chan *tc_chan_accept(SSL_CTX *ctx, int fd, const struct cp_linkcreds *creds,
			       const struct tc_chan_ops *ops, void *owner, uint64_t now);

/**
 * Do what the channel can without blocking: connect, TLS, flush, read and
 * frame cells (at most TC_CHAN_READS_PER_SERVICE reads), enforce the
 * handshake deadline. May close the channel (ops->closed runs).
 */
void tc_chan_service(struct tc_chan *ch, short revents, uint64_t now);

/** Write queued bytes to TLS as far as it takes them. Closes on a TLS error. */
void tc_chan_flush(struct tc_chan *ch, uint64_t now);

/** Give the poll() events the channel waits for (0 when closed). */
short tc_chan_events(const struct tc_chan *ch, uint64_t now);

/** Tell whether the channel has work without waiting for the fd (poll timeout 0). */
bool tc_chan_has_work(const struct tc_chan *ch, uint64_t now);

/** Return the bytes that can still be queued. */
size_t tc_chan_tx_room(const struct tc_chan *ch);

/** Return the bytes queued and not yet written to TLS. */
size_t tc_chan_tx_pending(const struct tc_chan *ch);

/**
 * Queue a fixed-length cell on an open channel (@p len <= 509 payload bytes,
 * zero padded).
 *
 * @return
 *   0; -ENOBUFS when the queue has no room for it; -EPIPE when closed.
 */
int tc_chan_send_fixed(struct tc_chan *ch, uint32_t circ_id, uint8_t cmd, const uint8_t *payload,
		       size_t len);

/** Close the channel now, recording why (printf format); ops->closed runs. */
void tc_chan_close(struct tc_chan *ch, uint64_t now, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/** Free a channel (closing it first without callbacks if needed). Accepts NULL. */
void tc_chan_free(struct tc_chan *ch);

/**
 * Pick an unused circuit id for a circuit we create: random, non-zero,
 * with the MSB set when we are the initiator (tor-spec.txt §5.1.1).
 */
uint32_t tc_chan_new_circ_id(struct tc_chan *ch, struct tc_rng *r);

/** Look up circuit @p id; NULL when unknown. */
void *tc_circmap_get(const struct tc_circmap *m, uint32_t id);

/** Add circuit @p id (non-zero, unused). @return 0 or -ENOMEM. */
int tc_circmap_put(struct tc_circmap *m, uint32_t id, void *val);

/** Remove circuit @p id if present. */
void tc_circmap_del(struct tc_circmap *m, uint32_t id);

/* ---- echo.c: the built-in echo endpoint ---- */

/**
 * One circuit at the echo endpoint.
 *
 * Kept (without its crypto) after it is destroyed, until the endpoint goes
 * away, so the client can learn that its DESTROY arrived (matched on KH,
 * which both ends of a handshake derive).
 */
struct tc_echo_circ {
	struct tc_chan *ch; /**< NULL once destroyed */
	uint32_t id;
	uint16_t htype; /**< enum wire_htype of the CREATE */
	bool destroyed;
	uint8_t destroy_reason; /**< as received; 0xff: the channel closed */
	struct dp_relay_crypto rc;
	uint8_t kh[CP_ONION_KH_LEN];
	uint64_t echoed;
	struct tc_echo_circ *kh_next;  /**< KH hash chain */
	struct tc_echo_circ *all_next; /**< every circuit, for freeing */
};

/** Counters of the echo endpoint. */
struct tc_echo_stats {
	uint64_t chans_accepted;
	uint64_t chans_refused;	   /**< more than TC_ECHO_MAX_CHANS */
	uint64_t chans_open_relay; /**< the peer authenticated (CERTS + AUTHENTICATE) */
	uint64_t chans_open_client;
	uint64_t chans_failed; /**< closed before open */
	uint64_t circs_created;
	uint64_t create_failed;
	uint64_t circs_refused; /**< over the circuit limit */
	uint64_t cells_echoed;
	uint64_t cells_unrecognized;
	uint64_t cells_unknown_circ;
	uint64_t destroys_rx;
};

#define TC_ECHO_KH_BUCKETS 4096

/** The echo endpoint. */
struct tc_echo {
	int lfd;
	struct sockaddr_in addr;
	char dir[256];	  /**< DataDirectory of its keys */
	bool dir_is_temp; /**< made here; removed at the end */
	struct cp_keys *keys;
	struct cp_linkcreds creds;
	struct cp_onion_server_keys sk;
	SSL_CTX *ctx;
	const struct dp_rc_lib *rclib;
	struct tc_hop self; /**< as a client sees it */
	struct tc_chan *chans[TC_ECHO_MAX_CHANS];
	uint32_t slow_ms; /**< --echo-slow */
	uint32_t max_circs;
	uint32_t n_circs;
	struct tc_echo_circ *all;
	struct tc_echo_circ *kh_hash[TC_ECHO_KH_BUCKETS];
	struct tc_rng rng;
	struct tc_echo_stats st;
};

/**
 * Start the endpoint: load or create its keys in @p datadir (a temporary
 * directory when NULL), make link credentials and the TLS context, listen
 * on @p addr.
 *
 * @return
 *   0, or a negative errno with @p err set.
 */
int tc_echo_start(struct tc_echo *e, const struct sockaddr_in *addr, const char *datadir,
		  const struct dp_rc_lib *rclib, uint32_t slow_ms, uint32_t max_circs, char *err,
		  size_t errlen);

/** Add the endpoint's descriptors to @p pfd (room for 1 + TC_ECHO_MAX_CHANS); @return count. */
unsigned tc_echo_pollfds(struct tc_echo *e, struct pollfd *pfd, uint64_t now);

/** Accept, service and reap channels, given the revents of tc_echo_pollfds()'s entries. */
void tc_echo_service(struct tc_echo *e, const struct pollfd *pfd, unsigned n, uint64_t now);

/** Tell whether a channel of the endpoint has work without waiting for its fd. */
bool tc_echo_has_work(const struct tc_echo *e, uint64_t now);

/** Give the earliest timer of the endpoint (ms), or UINT64_MAX. */
uint64_t tc_echo_next_timer(const struct tc_echo *e);

/** Find the circuit whose handshake gave KH @p kh; NULL if none. */
struct tc_echo_circ *tc_echo_find_kh(const struct tc_echo *e, const uint8_t kh[CP_ONION_KH_LEN]);

/** Close everything, wipe the keys, remove a temporary DataDirectory. */
void tc_echo_stop(struct tc_echo *e);

/* ---- client.c ---- */

/** Client circuit states. */
enum tc_circ_state {
	TC_CIRC_IDLE,	    /**< not started */
	TC_CIRC_BUILDING,   /**< CREATE or EXTEND2 in flight */
	TC_CIRC_OPEN,	    /**< built; data cells flow */
	TC_CIRC_DESTROYING, /**< DESTROY sent; waiting to see it arrive at the endpoint */
	TC_CIRC_DONE,	    /**< finished (check the counters) */
	TC_CIRC_FAILED,	    /**< build failed or the circuit was torn down */
};

/** One client circuit. */
struct tc_circ {
	uint32_t idx;		   /**< 0..circuits-1 */
	uint32_t id;		   /**< circuit id on the client channel, 0 if none */
	uint8_t state;		   /**< enum tc_circ_state */
	uint8_t n_keyed;	   /**< hops with relay crypto keys */
	uint8_t n_early;	   /**< RELAY_EARLY cells sent (at most 8) */
	bool destroy_seen;	   /**< the endpoint saw our DESTROY */
	struct cp_onion_client hs; /**< handshake with hop n_keyed, in flight */
	struct dp_relay_crypto rc[TC_MAX_HOPS];
	uint8_t kh[CP_ONION_KH_LEN]; /**< KH of the last hop */
	struct tc_echo_circ *echo;   /**< the endpoint's end, when in this process */
	uint64_t next_seq;	     /**< next data cell to send */
	uint64_t next_expect;	     /**< oldest data cell not yet accounted for */
	uint64_t verified;
	uint64_t corrupted;  /**< echo of a known cell with other contents */
	uint64_t lost;	     /**< never echoed (skipped over, or missing at the end) */
	uint64_t unexpected; /**< cells that match nothing sent */
	uint64_t t_start;    /**< ms */
	uint64_t t_built;    /**< ms */
	uint64_t t_destroy;  /**< ms */
	char why[128];	     /**< why it failed */
};

/** What the client does. */
/** A timed data phase (--phase RATE:SECONDS). */
struct tc_phase_conf {
	uint32_t rate; /**< data cells per second over all circuits; 0: as fast as possible */
	uint32_t ms;   /**< length */
};

#define TC_MAX_PHASES 4

/** What one timed phase measured (echoes counted in the phase they arrived in). */
struct tc_phase_stats {
	uint64_t t_start_ns;
	uint64_t t_end_ns;
	uint64_t cells_sent;
	uint64_t verified;
	uint64_t bytes_verified;
	struct tc_hist rtt; /**< send to verified echo, per cell */
};

struct tc_client_conf {
	struct tc_hop hops[TC_MAX_HOPS];
	unsigned n_hops;
	uint16_t htype; /**< WIRE_HTYPE_NTOR_V3, _NTOR or _FAST (first hop only) */
	uint32_t circuits;
	uint32_t cells;	   /**< data cells per circuit */
	uint32_t window;   /**< data cells in flight per circuit */
	uint32_t parallel; /**< circuits being built at once */
	bool destroy;
	uint64_t seed;
	/* Timed mode (n_phases > 0): once every circuit is built, wait settle_ms,
	 * then run the phases one after another; `cells` is ignored. */
	struct tc_phase_conf phases[TC_MAX_PHASES];
	unsigned n_phases;
	uint32_t settle_ms;
};

/** Totals over all circuits. */
struct tc_client_stats {
	uint64_t built;
	uint64_t failed;
	uint64_t cells_sent;
	uint64_t verified;
	uint64_t corrupted;
	uint64_t unexpected;
	uint64_t lost;
	uint64_t bytes_verified; /**< relay data bytes */
	uint64_t destroy_sent;
	uint64_t destroy_seen;	       /**< DESTROYs that reached the endpoint */
	uint64_t destroy_unverifiable; /**< sent where no endpoint of ours could see them */
	uint64_t build_ms_sum;	       /**< sum of build times of built circuits */
	uint64_t build_ms_max;
};

/** The client. */
struct tc_client {
	struct tc_client_conf conf;
	SSL_CTX *ctx;
	const struct dp_rc_lib *rclib;
	struct tc_echo *echo;  /**< the endpoint in this process, or NULL */
	struct tc_chan *ch;    /**< the channel to the first hop */
	struct tc_circ *circs; /**< n_circs entries: conf.circuits, then the spare */
	uint32_t n_circs;      /**< conf.circuits, plus 1 for the spare with --destroy */
	uint32_t next_start;   /**< next circuit to start building */
	uint32_t building;     /**< circuits in TC_CIRC_BUILDING */
	uint32_t finished;     /**< circuits in DONE or FAILED */
	uint32_t rr;	       /**< round-robin position of the sender */
	bool chan_failed;
	uint64_t t_open; /**< ms, channel open */
	/* Timed mode: -1 before the phases, then the running phase, then
	 * n_phases while the last echoes drain. */
	int phase;
	uint64_t t_all_built; /**< ms, every circuit built (0: not yet) */
	struct tc_phase_stats ph[TC_MAX_PHASES];
	struct tc_client_stats st;
	char chan_why[160];
	void *priv; /**< client.c's send queue and per-circuit flags */
};

/**
 * Prepare the client and start connecting to the first hop.
 *
 * @return
 *   0, or a negative errno with @p err set.
 */
int tc_client_start(struct tc_client *c, const struct tc_client_conf *conf, SSL_CTX *ctx,
		    const struct dp_rc_lib *rclib, struct tc_echo *echo, uint64_t now, char *err,
		    size_t errlen);

/** Start builds, send data cells, check destroys; bounded by the window and the send room. */
void tc_client_pump(struct tc_client *c, uint64_t now);

/** Tell whether every circuit reached DONE or FAILED. */
bool tc_client_is_done(const struct tc_client *c);

/** Tell whether the client can make progress without waiting for a descriptor. */
bool tc_client_has_work(const struct tc_client *c, uint64_t now);

/** Timed mode: when the client next needs a call without I/O (ms), or UINT64_MAX. */
uint64_t tc_client_next_timer(const struct tc_client *c, uint64_t now);

/** End the run: count what is still in flight as lost, circuits not finished as failed. */
void tc_client_finish(struct tc_client *c, uint64_t now);

/** Free circuits and the channel; wipe the keys. */
void tc_client_stop(struct tc_client *c);

#endif /* TOOLS_TORCLIENT_TC_H */
