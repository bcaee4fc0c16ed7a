/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Chive's userspace TCP (RFC 9293): the API for the layers above (TLS, exit streams).
 *
 * One TCP instance per lcore, share-nothing: every connection (tcb) belongs
 * to the lcore whose RX queue its packets arrive on, and every call here
 * takes that lcore's context. Connections are named by 32-bit handles (index
 * plus generation, so a stale handle is refused with -EBADF).
 *
 * Callbacks (struct dp_tcp_app_ops) are never made from inside segment
 * processing: events are queued on the connection and delivered by
 * dp_tcp_poll() (and at the end of dp_tcp_input()), where the application
 * may call any function below, including close and abort on the connection
 * it is being told about. After `closed` the handle is dead.
 *
 * Data: dp_tcp_send() copies into the send queue (bounded by the send
 * buffer) and returns how much it took; dp_tcp_recv() copies out of the
 * receive queue, which opens the receive window. dp_tcp_sendable() is the
 * exact number of bytes that would leave at once (window and cwnd aware):
 * what a cell scheduler should write.
 */
#ifndef DATAPLANE_NET_TCP_H
#define DATAPLANE_NET_TCP_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>

#include "dataplane/lcore_types.h"

/** Why a connection closed (the `closed` callback, counters). */
enum dp_tcp_close_reason {
	DP_TCP_CLOSE_NORMAL = 0,  /**< Both sides finished (FINs exchanged and acknowledged). */
	DP_TCP_CLOSE_RESET,       /**< The peer sent RST. */
	DP_TCP_CLOSE_REFUSED,     /**< Active open answered by RST (port closed). */
	DP_TCP_CLOSE_TIMEOUT,     /**< Retransmissions, SYN or keepalive gave up. */
	DP_TCP_CLOSE_ABORTED,     /**< We aborted (dp_tcp_abort, or close with unread data). */
	DP_TCP_CLOSE_NOMEM,       /**< Out of preallocated resources. */
	DP_TCP_CLOSE__COUNT
};

/** Connection states (RFC 9293 §3.3.2). */
enum dp_tcp_state {
	DP_TCP_STATE_CLOSED = 0,
	DP_TCP_STATE_LISTEN,
	DP_TCP_STATE_SYN_SENT,
	DP_TCP_STATE_SYN_RECEIVED,
	DP_TCP_STATE_ESTABLISHED,
	DP_TCP_STATE_FIN_WAIT_1,
	DP_TCP_STATE_FIN_WAIT_2,
	DP_TCP_STATE_CLOSE_WAIT,
	DP_TCP_STATE_CLOSING,
	DP_TCP_STATE_LAST_ACK,
	DP_TCP_STATE_TIME_WAIT,
	DP_TCP_STATE__COUNT
};

/** What the application is told. Any member may be NULL. */
struct dp_tcp_app_ops {
	/**
	 * A connection to a listening port finished its handshake. Set @p ctx
	 * and return 0 to take it; return non-zero to refuse (it is reset).
	 */
	int (*accepted)(struct dp_lcore *lc, uint32_t h, void *listen_arg, void **ctx);
	/** An active open completed. */
	void (*connected)(struct dp_lcore *lc, uint32_t h, void *ctx);
	/** New in-order data is waiting (dp_tcp_recv). */
	void (*readable)(struct dp_lcore *lc, uint32_t h, void *ctx);
	/** Send-buffer space opened after dp_tcp_send() had taken less than offered. */
	void (*writable)(struct dp_lcore *lc, uint32_t h, void *ctx);
	/** The peer finished sending (FIN received, all data before it delivered). */
	void (*peer_fin)(struct dp_lcore *lc, uint32_t h, void *ctx);
	/** The connection is gone; @p h is dead after this returns. */
	void (*closed)(struct dp_lcore *lc, uint32_t h, void *ctx, enum dp_tcp_close_reason reason);
};

/** Per-connection state and statistics (dp_tcp_info()). */
struct dp_tcp_info {
	uint8_t state;          /**< enum dp_tcp_state */
	uint8_t cc_algo;        /**< enum dp_tcp_cc_algo */
	uint8_t snd_wscale, rcv_wscale;
	uint8_t ts_ok, sack_ok, in_recovery, syncookie;
	uint32_t laddr, raddr;  /**< Host order. */
	uint16_t lport, rport;
	uint32_t mss;           /**< Send MSS (payload bytes per full segment, options excluded). */
	uint32_t cwnd, ssthresh;
	uint32_t srtt_us, rttvar_us, rto_us;
	uint32_t snd_wnd, rcv_wnd;
	uint32_t flight;        /**< Bytes sent and not yet acknowledged. */
	uint32_t snd_queued;    /**< Bytes in the send queue (unacked + unsent). */
	uint32_t rcv_queued;    /**< In-order bytes waiting for dp_tcp_recv(). */
	uint32_t ooo_segs;      /**< Out-of-order segments held. */
	uint64_t bytes_sent;    /**< Payload bytes acknowledged by the peer. */
	uint64_t bytes_rcvd;    /**< Payload bytes delivered in order. */
	uint64_t segs_out, segs_in;
	uint64_t retrans_segs;  /**< Segments retransmitted (all causes). */
	uint32_t rto_count;     /**< Retransmission timeouts. */
	uint32_t fast_recoveries;
	uint32_t dupacks_rcvd;
	uint32_t sack_blocks_rcvd;
};

/** Stack configuration; immutable once lcores run. */
struct dp_tcp_conf {
	uint32_t max_conns;       /**< tcbs per lcore (pool size). */
	uint32_t sndbuf;          /**< Send-queue bytes per connection. */
	uint32_t rcvbuf;          /**< Receive-queue bytes per connection (sets the window and its scale). */
	uint32_t ooo_segs_conn;   /**< Out-of-order segments held per connection. */
	uint32_t ooo_segs_lcore;  /**< Out-of-order segments held per lcore. */
	uint32_t syn_backlog;     /**< SYN_RECEIVED connections per listener; beyond: SYN cookies. */
	uint32_t tw_max;          /**< TIME_WAIT connections per lcore; beyond: the oldest is recycled. */
	uint32_t rto_init_us, rto_min_us, rto_max_us;
	uint32_t tlp_min_us;      /**< Floor of the probe timeout (RFC 8985 §7.2); 0 = no probes. */
	uint32_t delack_us;       /**< Delayed-ACK timer. */
	uint32_t msl_us;          /**< Maximum segment lifetime (TIME_WAIT lasts 2*MSL). */
	uint32_t keepalive_idle_us;  /**< 0 = keepalive off. */
	uint32_t keepalive_intvl_us;
	uint32_t keepalive_probes;
	uint32_t syn_retries;     /**< SYN / SYN-ACK retransmissions before giving up. */
	uint32_t data_retries;    /**< Data retransmission timeouts before giving up. */
	uint16_t eph_lo, eph_hi;  /**< Ephemeral port range for active opens. */
	uint8_t cc_algo;          /**< enum dp_tcp_cc_algo; CUBIC by default. */
	uint8_t nodelay;          /**< 1: Nagle off (default). */
	uint8_t iw_segs;          /**< Initial window in segments; 0 = RFC 6928 rule. */
};

/** Fill @p c with Chive's defaults. */
void dp_tcp_conf_default(struct dp_tcp_conf *c);

/**
 * Create the lcore's TCP instance (before launch: allocates the tcb pool,
 * the connection table and the timer wheel). @p isn_key is the 16-byte
 * secret for ISNs and SYN cookies.
 *
 * @return
 *   0, -EINVAL for a bad configuration, -ENOMEM.
 */
int dp_tcp_create(struct dp_lcore *lc, const struct dp_tcp_conf *conf, const uint8_t isn_key[16]);

/** Free the lcore's TCP instance and every mbuf it holds (after the lcore stopped). */
void dp_tcp_destroy(struct dp_lcore *lc);

/**
 * Tell TCP which RX queue this lcore serves and how the NIC spreads flows
 * (RSS key and redirection table), so active opens pick source ports whose
 * replies come back here (ARCHITECTURE.md §3). Without it any port is used.
 */
void dp_tcp_set_rss(struct dp_lcore *lc, const uint8_t *key, uint32_t key_len,
		    const uint16_t *reta, uint32_t reta_size, uint16_t my_queue);

/** Listen on @p port (any local address). @return 0, -EADDRINUSE, -ENOSPC. */
int dp_tcp_listen(struct dp_lcore *lc, uint16_t port, const struct dp_tcp_app_ops *ops,
		  void *listen_arg);

/** Stop listening on @p port (established connections stay). @return 0 or -ENOENT. */
int dp_tcp_unlisten(struct dp_lcore *lc, uint16_t port);

/**
 * Open a connection to @p raddr:@p rport (host order). The `connected` or
 * `closed` callback reports the outcome.
 *
 * @return
 *   0 with *@p h set; -EADDRNOTAVAIL (no usable source port), -ENOMEM (no tcb).
 */
int dp_tcp_connect(struct dp_lcore *lc, uint32_t raddr, uint16_t rport,
		   const struct dp_tcp_app_ops *ops, void *ctx, uint32_t *h);

/** Queue up to @p len bytes for sending. @return bytes taken (may be 0), -EBADF, -EPIPE. */
int dp_tcp_send(struct dp_lcore *lc, uint32_t h, const void *buf, uint32_t len);

/** Copy up to @p len in-order bytes out. @return bytes (0: none now), -EBADF. */
int dp_tcp_recv(struct dp_lcore *lc, uint32_t h, void *buf, uint32_t len);

/** Bytes dp_tcp_send() would take now (free send-buffer space). */
uint32_t dp_tcp_send_space(struct dp_lcore *lc, uint32_t h);

/**
 * Bytes that would go on the wire at once if queued now: min(send window,
 * cwnd) minus bytes in flight and bytes already queued but unsent; 0 before
 * ESTABLISHED or after shutdown-write.
 */
uint32_t dp_tcp_sendable(struct dp_lcore *lc, uint32_t h);

/** Bytes waiting for dp_tcp_recv(). */
uint32_t dp_tcp_readable(struct dp_lcore *lc, uint32_t h);

/** True once the peer's FIN arrived and every byte before it was read. */
bool dp_tcp_peer_closed(struct dp_lcore *lc, uint32_t h);

/** Send FIN after the queued data (half-close). @return 0, -EBADF, -ENOTCONN. */
int dp_tcp_shutdown_write(struct dp_lcore *lc, uint32_t h);

/**
 * Close: shutdown-write and stop delivering data. With unread data pending
 * the connection is reset instead (RFC 9293 §3.10.4 / RFC 2525 §2.17). The
 * `closed` callback still comes. @return 0 or -EBADF.
 */
int dp_tcp_close(struct dp_lcore *lc, uint32_t h);

/** Send RST and drop the connection now; `closed` (ABORTED) follows. @return 0 or -EBADF. */
int dp_tcp_abort(struct dp_lcore *lc, uint32_t h);

/** Fill @p out with the connection's state and statistics. @return 0 or -EBADF. */
int dp_tcp_info(struct dp_lcore *lc, uint32_t h, struct dp_tcp_info *out);

/** Replace the application context of @p h. @return 0 or -EBADF. */
int dp_tcp_set_ctx(struct dp_lcore *lc, uint32_t h, void *ctx);

/**
 * Process a burst of TCP segments (data at the IPv4 header, l3_len set;
 * see net.h). Consumes every mbuf.
 */
void dp_tcp_input(struct dp_lcore *lc, struct rte_mbuf **pkts, uint16_t n);

/**
 * Per-iteration work at lc->now_us: expire at most DP_TCP_TIMERS_PER_POLL
 * timers, send what connections have queued, deliver application events.
 *
 * @return
 *   Units of work done (0 when idle).
 */
uint32_t dp_tcp_poll(struct dp_lcore *lc);

/** Return the name of state @p s ("ESTABLISHED", ...). */
const char *dp_tcp_state_name(uint8_t s);

/** Connections in each state (index enum dp_tcp_state), for `show` and gauges. */
void dp_tcp_state_counts(struct dp_lcore *lc, uint32_t counts[DP_TCP_STATE__COUNT]);

/**
 * The counter id (DP_CTR_tcp_state_*) of the /dp/tcp/state/ gauge that
 * counts connections in @p state, or -1 for CLOSED and LISTEN. The gauges
 * always equal dp_tcp_state_counts() (the fuzzer and tests check it).
 */
int dp_tcp_state_ctr(uint8_t state);

#endif /* DATAPLANE_NET_TCP_H */
