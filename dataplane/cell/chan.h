/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Tor channels: cell framing and the link handshake over dataplane TLS.
 *
 * A channel is one TLS connection (dataplane/tls/) carrying cells
 * (tor-spec.txt §3), opened with the in-protocol link handshake of
 * tor-spec.txt §4 at link protocol 4 or 5, in either role:
 *
 *   responder (we accepted):  <- VERSIONS
 *                             -> VERSIONS, CERTS, AUTH_CHALLENGE, NETINFO
 *                             <- [CERTS, AUTHENTICATE,] NETINFO    (a client sends no CERTS)
 *   initiator (we connected): -> VERSIONS
 *                             <- VERSIONS, CERTS, AUTH_CHALLENGE, NETINFO
 *                             -> CERTS, AUTHENTICATE, NETINFO
 *
 * Public-key work stays in the control plane (ARCHITECTURE.md §2): our CERTS
 * bodies are installed once per link-certificate generation
 * (IPC_MSG_BLOB_CHUNK / IPC_MSG_LINK_INSTALL), a peer's CERTS body goes up
 * for verification (IPC_MSG_CHAN_CERTS), and AUTHENTICATE is signed
 * (IPC_MSG_CHAN_AUTH_SIGN) or checked (IPC_MSG_CHAN_AUTH_VERIFY) there. While
 * a channel waits for the control plane it stops taking cells; the
 * handshake timeout bounds the wait. The dataplane computes what only it
 * can: the SLOG/CLOG digests of the exact handshake bytes, the TLS exporter
 * value, the certificate digests, the AUTH_CHALLENGE nonce.
 *
 * Any malformed or out-of-order cell closes the channel with a counted reason
 * (IPC_CHAN_CLOSE_*, counters /dp/chan/close/...). PADDING and VPADDING are
 * accepted at any time; PADDING_NEGOTIATE on link 5 is accepted and ignored.
 *
 * Memory: channel objects from a pool sized at start; handshake state (the
 * receive buffer for variable-length cells, the two running digests) from a
 * smaller pool held only while handshaking. Open channels keep one partial
 * cell (514 bytes) between reads.
 *
 * Handles are 32-bit: lcore index (7 bits), pool index (17 bits), generation
 * (8 bits, never 0, so no handle is 0); a stale handle is refused with -EBADF.
 */
#ifndef DATAPLANE_CELL_CHAN_H
#define DATAPLANE_CELL_CHAN_H

#include <stdbool.h>
#include <stdint.h>

#include "common/ipc/ipc_msg.h"
#include "common/wire/wire_cell.h"
#include "dataplane/lcore_types.h"

/** Most channels per lcore (17 bits of pool index). */
#define DP_CHAN_MAX (1u << 17)
/** Largest variable-length cell buffered during the handshake (CERTS). */
#define DP_CHAN_HS_BUF (IPC_CERTS_MAX + 64u)

/**
 * Per-lcore channel configuration; immutable once lcores run, except the
 * bandwidth limits, which dp_chan_set_bw() changes (the fields here keep
 * the values at start).
 */
struct dp_chan_conf {
	uint32_t max_chans;     /**< Channel objects per lcore, 1..DP_CHAN_MAX. */
	uint32_t max_hs;        /**< Concurrent handshakes per lcore (handshake state pool). */
	uint32_t hs_timeout_us; /**< From TCP connect or accept to OPEN. */
	uint16_t orport;        /**< Accept channels on this TCP port (0: none). */
	uint16_t bw_lanes;      /**< lcores with channels: each gets 1/bw_lanes of the limits */
	/**
	 * tor's RelayBandwidthRate/Burst, bytes/s for the whole dataplane, for
	 * cells read and written separately (0 = no limit; a burst alone sets
	 * the rate, a burst below the rate is raised to it). Each lcore keeps
	 * two token buckets of its share: reading stops when the read bucket
	 * is empty (TLS and TCP hold the rest, the peer's window closes) and
	 * the scheduler writes no data cell without write tokens; control
	 * cells pass.
	 */
	uint64_t bw_rate, bw_burst;
};

/** What the circuit layer (circ.h) is told. Any member may be NULL. */
struct dp_chan_cell_ops {
	/** A fixed-length cell for a circuit (circ_id != 0 or a circuit command) on open channel @p chan. */
	void (*cell)(struct dp_lcore *lc, uint32_t chan, const struct wire_cell *c);
	/** Channel @p chan finished its handshake and carries circuits now (both roles). */
	void (*opened)(struct dp_lcore *lc, uint32_t chan);
	/** Room opened on @p chan after dp_chan_write_space() said 0. */
	void (*writable)(struct dp_lcore *lc, uint32_t chan);
	/**
	 * Channel @p chan closed (any state, also a handshake that failed); every
	 * circuit on it, or waiting for it, must go. @p reason: IPC_CHAN_CLOSE_*.
	 */
	void (*closed)(struct dp_lcore *lc, uint32_t chan, uint8_t reason);
};

/** Fill @p c with the defaults (4096 channels, 256 handshakes, 30 s, no ORPort). */
void dp_chan_conf_default(struct dp_chan_conf *c);

/**
 * Create the channel layer of @p lc (before launch): the pools, the SHA-256
 * fetch from the lcore's TLS library context, the ORPort listener.
 * Needs dp_tls_create() on @p lc first.
 *
 * @return
 *   0; -EINVAL (bad configuration); -ENODEV (no TLS); -EEXIST; -ENOMEM;
 *   dp_tls_accept_on()'s -errno.
 */
int dp_chan_create(struct dp_lcore *lc, const struct dp_chan_conf *conf);

/** Free the channel layer of @p lc (after the lcore stopped). Accepts none created. */
void dp_chan_destroy(struct dp_lcore *lc);

/** Channel objects on this lcore (the pool size; a handle's pool index is below it). */
uint32_t dp_chan_max(const struct dp_lcore *lc);

/** Install the circuit layer's callbacks (NULL: none; circuit-opening cells get DESTROY). */
void dp_chan_set_cell_ops(struct dp_lcore *lc, const struct dp_chan_cell_ops *ops);

/** True once link credentials are installed (channels can be opened and accepted). */
bool dp_chan_has_creds(struct dp_lcore *lc);

/**
 * Open a channel to @p addr:@p port (host order) as initiator and
 * authenticate; the peer must prove RSA identity @p rsa_id (20 bytes) and,
 * if @p ed_id is not NULL, Ed25519 identity @p ed_id. When @p req_id is not
 * 0, an IPC_MSG_CHAN_STATUS with that req_id goes up once the channel is
 * open or has failed.
 *
 * @return
 *   0 with *@p handle set; -ENOENT (no credentials yet); -ENOMEM (no channel
 *   or handshake object); -ENODEV (no channel layer); dp_tls_connect()'s -errno.
 */
int dp_chan_open(struct dp_lcore *lc, uint32_t addr, uint16_t port, const uint8_t rsa_id[20],
		 const uint8_t *ed_id, uint32_t req_id, uint32_t *handle);

/** Close channel @p handle (TLS close_notify, then TCP FIN). @return 0 or -EBADF. */
int dp_chan_close(struct dp_lcore *lc, uint32_t handle);

/**
 * Queue a fixed-length cell (@p cell: WIRE_CELL_LEN bytes, header included)
 * on open channel @p handle.
 *
 * @return
 *   0; -EAGAIN when TLS cannot take the whole cell now; -ENOTCONN if the
 *   channel is not open; -EBADF.
 */
int dp_chan_send_cell(struct dp_lcore *lc, uint32_t handle, const uint8_t *cell);

/**
 * Queue @p n whole fixed-length cells (@p n × WIRE_CELL_LEN bytes) on open
 * channel @p handle in one TLS write (one record for up to 31 cells).
 * @return
 *   0; -EAGAIN when TLS cannot take them all now (nothing taken; `writable`
 *   follows); -ENOTCONN; -EBADF.
 */
int dp_chan_send_cells(struct dp_lcore *lc, uint32_t handle, const uint8_t *cells, uint32_t n);

/**
 * Cells that would leave at once if written now (window and cwnd, less TLS
 * record overhead): what the circuit scheduler writes.
 */
uint32_t dp_chan_sendable_cells(struct dp_lcore *lc, uint32_t handle);

/**
 * Cells dp_chan_send_cells() would take now (free send buffer). 0 registers
 * interest: the `writable` callback follows.
 */
uint32_t dp_chan_write_space_cells(struct dp_lcore *lc, uint32_t handle);

/**
 * Stop (@p paused true) or resume reading open channel @p handle. A paused
 * channel leaves its bytes in TLS and TCP, so its TCP receive window closes
 * (ARCHITECTURE.md §3, backpressure). Resuming reads what waited, from the
 * next dp_chan_run_kicks().
 * @return 0 or -EBADF.
 */
int dp_chan_set_paused(struct dp_lcore *lc, uint32_t handle, bool paused);

/** Read the channels resumed since the last call (bounded). Called from the lcore loop. */
void dp_chan_run_kicks(struct dp_lcore *lc);

/**
 * Change RelayBandwidthRate/Burst while the lcore runs (IPC_MSG_CONF_SET,
 * `chivectl config set`): @p rate and @p burst are for the whole dataplane,
 * bytes/s (0 = no limit), with the rules of dp_chan_conf::bw_rate; this
 * lcore takes 1/bw_lanes of them. Tokens already held are kept up to the
 * new burst; from no limit, the buckets start full; to no limit, channels
 * that waited for tokens read again from the next dp_chan_run_kicks(). The
 * gauges /dp/chan/bw_rate and /dp/chan/bw_burst show this lcore's share.
 * Called on the lcore (its command poll): no lock.
 *
 * @return
 *   0; -EINVAL (a value above IPC_CONF_BANDWIDTH_MAX; nothing changed);
 *   -ENODEV (no channel layer on this lcore).
 */
int dp_chan_set_bw(struct dp_lcore *lc, uint64_t rate, uint64_t burst);

/** This lcore's share of the limits now, bytes/s (0 = no limit; 0, 0 without channels). */
void dp_chan_bw(const struct dp_lcore *lc, uint64_t *rate, uint64_t *burst);

/**
 * Find a channel to the relay with RSA identity @p rsa_id (20 bytes) and,
 * if @p ed_id is not NULL, that Ed25519 identity: an open, authenticated
 * channel, or one we are opening to that identity.
 * @return
 *   1 with *@p handle set (open); 0 with *@p handle set (still opening);
 *   -ENOENT.
 */
int dp_chan_find_id(struct dp_lcore *lc, const uint8_t rsa_id[20], const uint8_t *ed_id,
		    uint32_t *handle);

/**
 * Find an open authenticated channel to RSA identity @p rsa_id among those
 * lcore @p other published (read from another lcore: a lock-free scan of
 * its table, so the answer may be stale by the time it is used; the owner
 * checks the handle and the identity again).
 * @return 0 with *@p handle set (a channel of @p other); -ENOENT.
 */
int dp_chan_find_pub(const struct dp_lcore *other, const uint8_t rsa_id[20], uint32_t *handle);

/**
 * The proven identities of open channel @p handle (@p rsa_id: 20 bytes, @p
 * ed_id: 32, either may be NULL) and whether we initiated it (for circuit
 * ids: tor-spec.txt §5.1.1, the initiator sets the high bit).
 * @return 1 (authenticated relay), 0 (client: identities zero), -EBADF, -ENOTCONN.
 */
int dp_chan_peer(struct dp_lcore *lc, uint32_t handle, uint8_t *rsa_id, uint8_t *ed_id,
		 bool *we_initiated);

/** Our own RSA identity digest (20 bytes) and Ed25519 identity (32), once credentials are installed. */
int dp_chan_own_ids(struct dp_lcore *lc, uint8_t *rsa_id, uint8_t *ed_id);

/** Fill @p out (all but the header) for channel @p handle. @return 0 or -EBADF. */
int dp_chan_info(struct dp_lcore *lc, uint32_t handle, struct ipc_msg_chan_info *out);

/**
 * Expire handshakes that ran out of time (a bounded number per call).
 * Called from the lcore loop.
 *
 * @return
 *   Channels closed.
 */
uint32_t dp_chan_poll(struct dp_lcore *lc);

/**
 * Handle a validated control-plane message for the channel layer: from the
 * cell_down ring IPC_MSG_BLOB_CHUNK, LINK_INSTALL, CHAN_CERTS_RESULT,
 * CHAN_AUTH_SIGNED, CHAN_AUTH_RESULT; from the command ring CHAN_OPEN,
 * CHAN_CLOSE, CHAN_LIST. Answers go on the event ring (dataplane/ctl/).
 */
void dp_chan_ctl_msg(struct dp_lcore *lc, const struct ipc_hdr *msg);

#endif /* DATAPLANE_CELL_CHAN_H */
