/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief A scripted TCP peer for segment-level tests of the dataplane stack.
 *
 * The stack under test runs on a struct dp_lcore bound to the fixture's ring
 * port A with a virtual clock (lc->now_us). The peer crafts complete
 * Ethernet/IPv4/TCP frames (valid checksums) and feeds them through
 * dp_eth_input(), exactly as the NIC would; everything the stack transmits
 * is flushed to port A, read back from port B and parsed into struct
 * tp_seg. ARP for the peer is resolved at set-up through a real ARP request.
 */
#ifndef TESTS_HARNESS_TCP_PEER_H
#define TESTS_HARNESS_TCP_PEER_H

#include <stdbool.h>
#include <stdint.h>

#include "dataplane/lcore_types.h"
#include "dataplane/net/tcp.h"

#define TP_OUR_IP 0x0a000001u  /* 10.0.0.1 */
#define TP_PEER_IP 0x0a000002u /* 10.0.0.2 */
#define TP_PORT 9001           /* our listening port */
#define TP_PEER_PORT 40000
#define TP_MAX_SEGS 256
#define TP_MAX_PAYLOAD 2048

/* TCP flags (as on the wire). */
#define TP_FIN 0x01
#define TP_SYN 0x02
#define TP_RST 0x04
#define TP_PSH 0x08
#define TP_ACK 0x10

/** Options the peer puts on a segment (0/false fields are omitted). */
struct tp_opts {
	uint16_t mss;
	int8_t ws;          /**< -1: no window-scale option. */
	bool sackok;
	bool ts;
	uint32_t tsval, tsecr;
	uint8_t n_sack;
	uint32_t sack[4][2];
};

/** A segment the stack sent, parsed. */
struct tp_seg {
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t wnd;
	uint16_t mss;       /**< 0 if absent. */
	int ws;             /**< -1 if absent. */
	bool sackok, has_ts;
	uint32_t tsval, tsecr;
	uint8_t n_sack;
	uint32_t sack[4][2];
	uint32_t len;
	uint8_t payload[TP_MAX_PAYLOAD];
	bool csum_ok;       /**< TCP checksum verified independently. */
};

/** What the application callbacks saw. */
struct tp_app {
	int accepted, connected, readable, writable, peer_fin, closed;
	uint32_t h;         /**< Handle from accepted/connected. */
	int close_reason;
	int refuse;         /**< accepted() returns this. */
};

/** The test context (one per test; tp_setup/tp_teardown). */
struct tp {
	struct dp_lcore *lc;
	struct dp_tcp_conf conf;
	struct tp_app app;
	struct tp_seg out[TP_MAX_SEGS];
	uint32_t n_out;
	unsigned int pool_avail_before;
};

extern struct tp tp;
extern const struct dp_tcp_app_ops tp_ops;

/** Start a stack with @p conf (NULL: defaults) listening on TP_PORT; resolve the peer's MAC. */
int tp_setup(const struct dp_tcp_conf *conf);
/** Destroy the stack; return the number of mbufs not returned to the pool (leak check). */
int tp_teardown(void);

/** Feed one segment from the peer (TP_PEER_IP:@p sport → TP_OUR_IP:@p dport). */
void tp_send(uint16_t sport, uint16_t dport, uint8_t flags, uint32_t seq, uint32_t ack,
	     uint16_t wnd, const struct tp_opts *o, const void *payload, uint32_t len);
/** Same, with a deliberately wrong TCP checksum. */
void tp_send_bad_csum(uint16_t sport, uint16_t dport, uint8_t flags, uint32_t seq, uint32_t ack);

/** Flush the stack's TX and parse everything it sent into tp.out (reset first). @return count. */
uint32_t tp_collect(void);
/** Advance the virtual clock by @p us, run dp_tcp_poll(), collect. @return segments sent. */
uint32_t tp_advance(uint64_t us);

/**
 * Complete a passive handshake on TP_PORT from TP_PEER_PORT with options
 * @p o (NULL: MSS 1460, WS 7, SACK, TS). Sets *@p iss (ours) and returns the
 * peer's next sequence number; tp.app.h is the accepted handle.
 */
uint32_t tp_accept(const struct tp_opts *o, uint32_t *iss);

/** Default peer options: MSS 1460, WS 7, SACK-permitted, timestamps. */
struct tp_opts tp_opts_full(void);
/** No options at all. */
struct tp_opts tp_opts_none(void);

/** Read the value of counter @p id of the test lcore. */
uint64_t tp_ctr(uint32_t id);

#endif /* TESTS_HARNESS_TCP_PEER_H */
