/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief libFuzzer target: circuits (dataplane/cell/circ.c) over the real channel layer.
 *
 * The circuit layer runs for real on top of the real channel layer
 * (dataplane/cell/chan.c), with the fuzzer playing everything around them:
 * TLS below, the control plane above, and the peers at the far end of each
 * channel (Tor clients, previous-hop relays, and the next-hop relays Chive
 * extends circuits to).
 *
 * One process starts EAL once (no hugepages, no PCI, no shared config) and
 * keeps two static struct dp_lcore on a private shared segment (unlinked at
 * once), with TLS created once each (only for its OpenSSL library context).
 * Each input uses one lcore, or both (then the circuit layers are linked with
 * dp_circ_group_link(), so an EXTEND2 on one lcore whose next relay has a
 * channel only on the other builds a circuit across both: a next-hop "half"
 * there, cells and control messages over the cross-lcore rings). Each lcore
 * gets a fresh channel layer (8 channels, or 4 each with two lcores, so
 * every channel has one of the 8 slots; 4 handshakes), placeholder link
 * credentials, and a fresh circuit layer (dp_circ_create()) whose size and
 * queue limits come from the input's first two bytes (4 to 32 circuits, 64
 * to 320 cell buffers, queues of a few cells), so pool exhaustion, the
 * control-cell reserve, pauses and the hard queue cap are all reachable. The
 * loop runs both lcores in turn, on one thread.
 *
 * TLS. This target links its own builds of chan.c and circ.c
 * (tests/fuzz/module.mk): their rte_zmalloc/rte_malloc_socket/rte_free go to
 * the C heap (fzc_* below), so ASan sees the channel, circuit and cell pools;
 * and chan.c's dp_tls_connect, dp_tls_write, dp_tls_write_space,
 * dp_tls_writable_bytes and dp_tls_set_cert go to the fake TLS below. Reads,
 * handshake writes, close and abort go through the chan_io seam
 * (chan_int.h), and the fuzzer delivers TLS's callbacks (chan_tls_app_ops())
 * itself, keeping TLS's contract: `readable` only after `handshake_done`,
 * `writable` only after write space was 0 (then once room opens), one
 * `closed` per connection, delivered after the op that asked for it (as
 * TLS's poll would), never from inside a call. Each connection has a send
 * buffer (what the peer has not read yet) and a congestion window set by the
 * input: dp_tls_write_space() is 0 (interest registered) or at least one
 * record (16 KiB), as in tls_conn.c; dp_tls_writable_bytes() is the smaller
 * of the free buffer and the window. Chive's own connects (EXTEND2 calls
 * dp_chan_open()) get a fake handle, or fail when the input says so; their
 * handshake is then completed by the fuzzer (at the end of the op, or by a
 * DRIVE op), fails, or times out.
 *
 * Channels: a client peer (responder role: VERSIONS then NETINFO); a relay
 * peer that connected to us (VERSIONS, CERTS, AUTHENTICATE, NETINFO, with
 * the control-plane verdicts played by the fuzzer); a relay we connect to
 * (dp_chan_open(): VERSIONS, CERTS, AUTH_CHALLENGE, NETINFO, with CERTS and
 * AUTH_SIGN verdicts). Relay peers take identities from a table of four, so
 * an EXTEND2 naming one reuses an open channel to it, waits for one being
 * opened, or makes Chive open one.
 *
 * The control plane: every CIRC_CREATE read from cell_up is checked (its
 * onionskin is the one the peer sent, on that channel) and queued; ops
 * answer them with CIRC_CREATED: ok with keys derived from the input (the
 * fuzzer then keeps the client's side of the hop, a struct dp_relay_crypto
 * with the same keys), a failure, busy, timeout, an unknown status, a bad
 * reply length, a stale req_id, a wrong handle, twice, or never.
 *
 * The model (what the fuzzer knows about each circuit it created):
 *  - CREATE onionskins carry a tag (a nonce and the circuit id), CIRC_CREATED
 *    replies another (an answer number and the handle), so each CIRC_CREATE
 *    and each CREATED* on the wire is tied to the CREATE and the answer it
 *    belongs to;
 *  - relay cells from the client are built in plaintext, digested on a copy
 *    of the running digest, optionally tampered with, and then run through
 *    the real digest check on the client's mirror of Chive's state: what it
 *    says is what Chive must do (recognize it: DROP, BEGIN/BEGIN_DIR ->
 *    END, TRUNCATE -> TRUNCATED and DESTROY onward with the client's reason,
 *    EXTEND2 -> a CREATE2 on a channel to the named relay; or pass it on
 *    to the next hop unchanged under Chive's layer);
 *  - what the next hop sends back (RELAY, CREATED2) is remembered in order.
 *
 * Oracles besides ASan/UBSan (a failed check prints what failed and aborts):
 *  - after each op, per lcore: /dp/circ/open equals dp_circ_count(), at most
 *    the configured circuits; dp_circ_cells_used() equals
 *    /dp/circ/cells_queued, at most the configured cells; with no circuit,
 *    no open channel is paused; the channel pool and its gauges agree;
 *  - pacing: with reads of one cell, a queue fed by relayed cells stops its
 *    feeding channel at the high-water mark (across two lcores: the half
 *    runs out of credit), so no circuit is destroyed for a full queue while
 *    the mark plus the cells Chive may originate stays below the cap;
 *  - every TLS write of an open channel is whole 514-byte cells of the
 *    commands Chive may send there: CREATED_FAST / CREATED2 only for ids the
 *    peer sent CREATE_FAST / CREATE2 with, only after an ok answer, carrying
 *    that answer's reply for that circuit, never after Chive's DESTROY of
 *    it; DESTROY with a reason <= 12 (toward a next hop also the reason of
 *    a TRUNCATE the client sent); RELAY toward the client (never
 *    RELAY_EARLY), RELAY/RELAY_EARLY toward the next hop; CREATE2 only on an
 *    authenticated relay channel, with an id in our half, carrying exactly
 *    the handshake of an EXTEND2 a client sent naming that relay; every id
 *    known on that channel; nothing after the channel closed or a write
 *    failed; handshake writes only before OPEN;
 *  - CIRC_LIST replies describe live circuits (states, ids of the right
 *    halves on known channels, queues within the cap, at most 8 RELAY_EARLY)
 *    and add up to dp_circ_count(); CIRC_DESTROY answers 0, -EBADF or
 *    (reason > 12) -EINVAL;
 *  - Chive's connects go to a relay an EXTEND2 named, never to us, to port
 *    0, or (unless allowed) to a private address, and no EXTEND2 that must
 *    be refused makes a connect or a CREATE2;
 *  - toward the client, each RELAY cell of a circuit the fuzzer holds keys
 *    for decrypts either to the next cell the next hop sent back (in order;
 *    cells of a truncated extension may be missing) or to a cell Chive
 *    originated that verifies with the client's backward digest: END or
 *    TRUNCATED as the client's BEGIN/BEGIN_DIR/TRUNCATE asked, in order, or
 *    EXTENDED2 carrying the next hop's CREATED2 body; none before CREATED;
 *  - toward the next hop, each RELAY/RELAY_EARLY cell is the next cell the
 *    client sent that Chive must pass on, command unchanged, Chive's layer
 *    removed;
 *  - at the end: with unlimited room on every channel, polls drain every
 *    queue (at most one pending CREATE2 per circuit stays), no channel stays
 *    paused; then the channels are closed one by one, and each closure
 *    reaches the other side of its circuits (a DESTROY on each); finally
 *    every circuit, cell buffer and channel is back in its pool, the gauges
 *    read 0, the circuit layer heard `closed` once per channel made and
 *    `opened` once per channel that opened.
 * Checks that need the model are skipped for a circuit the input touched
 * with raw cells (or one it cannot follow: an untagged CREATE), and all of
 * them once a control cell was lost for want of a buffer (/dp/circ/ctl_nobuf:
 * a DESTROY never sent is allowed then) or the model ran out of room (its
 * table of circuits, or of pending EXTEND2s, full).
 *
 * Input format:
 *
 *   byte 0  bits 0-1 circuits (4, 8, 16, 32); bits 2-3 cell buffers (64, 96, 160, 320);
 *           bits 4-5 queue high-water mark (2, 4, 8, 32); bit 6 EXTEND2 to private
 *           addresses allowed; bit 7 pending timeout 2 s (else 20 s)
 *   byte 1  bits 0-1 hard queue cap: high-water mark + (1, 2, hwm, 4 hwm); bit 2 Chive's
 *           connects fail; bit 3 Chive's new channels wait for DRIVE (else their handshake
 *           completes at the end of the op); bit 4 reads of 4096 bytes (else one cell per
 *           read); bit 5 `closed` delivered one op late; bit 6 two lcores
 *   then ops, at most FZ_MAX_OPS, each one byte (bits 0-4 opcode, bits 5-7 s: a slot or a
 *   selector) and its arguments (missing bytes read as 0). As a circuit, s picks one of
 *   those the fuzzer tracks (modulo their number); as a slot, a channel:
 *     0  OPEN a          channel in slot s: a bits 0-1 0 client (link 5), 1 client (link 4),
 *                        2 relay peer that connected to us, 3 relay we connect to; bits 2-3
 *                        relay identity; bit 4 (3) ask for its Ed25519 id; bit 5 stop after
 *                        the first handshake step; bit 6 on lcore 1 (with two lcores)
 *     1  DRIVE m         finish slot s's handshake: m & 3: 0 as expected, 1 CERTS verdict
 *                        fails, 2 another identity, 3 TLS closes (connect refused)
 *     2  CREATE k i a x y  a CREATE on slot s: k & 3: CREATE_FAST, CREATE2 ntor, CREATE2
 *                        ntor-v3 (HLEN (k >> 2) * 4 + 1), bad (TAP CREATE, HTYPE 1 or 9,
 *                        ntor with HLEN 83; by k >> 2 & 3); i & 3: a fresh id, 0, one of the
 *                        wrong half, the id of a circuit on the slot; answer a (as ANSWER,
 *                        bit 3: leave it pending); x y: key seed
 *     3  ANSWER i a x y  answer pending CIRC_CREATE i: a & 7: ok, handshake failed, busy,
 *                        timeout, status 9, ok with a bad reply length, stale req_id, wrong
 *                        handle; bit 3 twice; bits 4-7 CREATED2 reply length (fz_reply_lens)
 *     4  RELAY c x [o v] [..]  client relay cell on circuit s (+ 8 with c bit 7): c & 15:
 *                        DROP, BEGIN, BEGIN_DIR, TRUNCATE (reason x), EXTEND2 (then t f h,
 *                        see relay_extend2()), EXTEND, DATA, SENDME, command x, not for this
 *                        hop (passed on; seed x), EXTEND2 with a raw body (then n and n
 *                        bytes), relay length 499, other commands; bit 4 RELAY_EARLY; bit 5
 *                        stream id 0; bit 6 tampered (o v: payload byte o ^= v | 1)
 *     5  N_CREATED m h   the next hop of circuit s answers its CREATE2: m & 3: CREATED2
 *                        with HLEN 32 + h, CREATED_FAST, CREATED, CREATED2 with HLEN 2 h
 *     6  N_RELAY c x     the next hop of circuit s sends back a RELAY (c bit 0:
 *                        RELAY_EARLY), seed x
 *     7  DESTROY w e     DESTROY with reason e for circuit s: w bit 0 from the next hop
 *                        (else the client)
 *     8  RAW c i n ..    a raw cell on slot s: command c (variable-length ones framed as
 *                        such), id (i & 3: a tracked circuit's on s, a next-hop id on s, the
 *                        next 4 bytes, 0), n & 63 payload bytes
 *     9  FLOOD k n       (n & 63 + 1) (1 + (k >> 3 & 3)) cells (up to 256) for circuit s
 *                        (or on slot s): k & 7: passed-on relay cells, DROP, RELAY_EARLY
 *                        DROP, the next hop's RELAY back, CREATE_FAST answered ok, CREATE2
 *                        left pending, BEGIN, DESTROY of fresh ids
 *    10  WRITE c w       slot s's peer: c & 7 send buffer (fz_caps), c >> 3 & 7 window
 *                        (fz_cwnds); then it reads w cells (255: all)
 *    11  CLOSED e        TLS reports slot s closed (reason e), asked for or not
 *    12  CLOSE           dp_chan_close(slot s)
 *    13  TIME t          the clock moves fz_steps_us[t & 7], dp_chan_poll(), 16 iterations
 *    14  POLL n          n & 31 loop iterations
 *    15  STALL n         the control plane stops reading cell_up for n & 15 ops; bit 4:
 *                        first fill cell_up up to n >> 5 slots short
 *    16  WFAIL m         the next write on slot s fails (m bit 0: -EPIPE, else short)
 *    17  OPER k x        the operator: k bit 0 CIRC_LIST (cursor x & 31, max 1 + 9 (x >> 5);
 *                        k bit 3: of lcore 1); else CIRC_DESTROY of circuit s with reason x
 *                        (k bit 1: a stale handle, bit 2: a garbage one)
 *   (other opcodes do nothing). After each op one loop iteration runs
 *   (dp_chan_run_kicks(), dp_circ_poll()), `closed` is delivered to channels
 *   that asked, cell_up is read, Chive's new channels are driven, and the
 *   checks run.
 *
 * Environment: CHIVE_FUZZ_PREFIX sets the EAL --file-prefix base (default
 * chive-fuzz; the pid is appended); CHIVE_FUZZ_VERBOSE=1 prints each op, each
 * cell in and out, each control-plane message, and the circuit counters each
 * input moved.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <malloc.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_random.h>

#include <openssl/crypto.h>

#include "common/ipc/ipc_msg.h"
#include "common/ipc/ipc_shm.h"
#include "common/wire/wire_cell.h"
#include "common/wire/wire_create.h"
#include "common/wire/wire_link.h"
#include "common/wire/wire_relay.h"
#include "dataplane/base/dp_ctr.h"
#include "dataplane/base/dp_eal.h"
#include "dataplane/cell/chan.h"
#include "dataplane/cell/chan_int.h"
#include "dataplane/cell/circ.h"
#include "dataplane/cell/relay_crypto.h"
#include "dataplane/lcore.h"
#include "dataplane/lcore_types.h"
#include "dataplane/tls/tls.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* chan.o and circ.o of this target are built with these names (tests/fuzz/module.mk). */
void *fzc_zmalloc(const char *type, size_t size, unsigned int align);
void *fzc_zmalloc_socket(const char *type, size_t size, unsigned int align, int socket);
void *fzc_malloc_socket(const char *type, size_t size, unsigned int align, int socket);
void fzc_free(void *p);
int fzc_tls_set_cert(struct dp_lcore *lc, const uint8_t *key_der, uint32_t key_len,
		     const uint8_t *cert_der, uint32_t cert_len, const uint8_t *idcert_der,
		     uint32_t idcert_len);
int fzc_tls_connect(struct dp_lcore *lc, uint32_t raddr, uint16_t rport,
		    const struct dp_tls_app_ops *ops, void *ctx, uint32_t *h);
int fzc_tls_write(struct dp_lcore *lc, uint32_t h, const void *buf, uint32_t len);
uint32_t fzc_tls_write_space(struct dp_lcore *lc, uint32_t h);
uint32_t fzc_tls_writable_bytes(struct dp_lcore *lc, uint32_t h);

#define FZ_OUR_IP UINT32_C(0x0a000001)	/* 10.0.0.1 */
#define FZ_PUB_IP UINT32_C(0x5db8d810)	/* 93.184.216.16: relays' public addresses */
#define FZ_PRIV_IP UINT32_C(0xc0a80110) /* 192.168.1.16 */
#define FZ_START_US UINT64_C(1000000000)

#define FZ_SLOTS 8
#define FZ_MAX_CHANS 8
#define FZ_MAX_HS 4
#define FZ_TLS_CONNS 4
#define FZ_MAX_OPS 192
#define FZ_RX_MAX (1024u * 1024u)
#define FZ_RECS 128
#define FZ_FIFO 256
#define FZ_IDS 512
#define FZ_FEDS 1024
#define FZ_ANS 4096
#define FZ_ORPHANS 64
#define FZ_PEND 128
#define FZ_CREQS 32
#define FZ_EXTS 8
#define FZ_BINDS 4
#define FZ_ORIG 32
#define FZ_IDENTS 4
#define FZ_FAKE_TLS 0x40000u /* TLS handle index no pool entry has */
#define FZ_JUNK_REQ 0x4a554e4bu
#define FZ_UNLIM UINT32_MAX
#define FZ_RECORD 16384u /* DP_TLS_RECORD_MAX: write space is 0 or at least this */
#define FZ_NO_NONCE UINT32_MAX
#define FZ_DRAIN_ITERS 100000

#define FZ_LCORES 2
#define FZ_RING_UP 32
#define FZ_RING_EVT 64

/* Configuration, byte 1. */
#define FZ_C_CONNECT_FAIL 0x04u
#define FZ_C_MANUAL_DRIVE 0x08u
#define FZ_C_BIG_READS 0x10u
#define FZ_C_LATE_CLOSED 0x20u
#define FZ_C_TWO_LCORES 0x40u

/* Slot kinds and the handshake steps done. */
#define FZ_K_CLIENT 0
#define FZ_K_RELAY 1
#define FZ_STEP_DONE 0xff

/* Id flags: what the peer, or Chive, sent with this circuit id on this channel. */
#define FZ_ID_FAST 0x01u  /* the peer sent CREATE_FAST */
#define FZ_ID_C2 0x02u	  /* the peer sent CREATE2 */
#define FZ_ID_OTHER 0x04u /* the peer sent another cell */
#define FZ_ID_CHIVE 0x08u /* Chive sent CREATE2 */

enum fz_op {
	OP_OPEN = 0,
	OP_DRIVE,
	OP_CREATE,
	OP_ANSWER,
	OP_RELAY,
	OP_N_CREATED,
	OP_N_RELAY,
	OP_DESTROY,
	OP_RAW,
	OP_FLOOD,
	OP_WRITE,
	OP_CLOSED,
	OP_CLOSE,
	OP_TIME,
	OP_POLL,
	OP_STALL,
	OP_WFAIL,
	OP_OPER,
	OP__COUNT
};

static const char *const fz_op_names[OP__COUNT] = {
	"open",	 "drive", "create", "answer", "relay", "n_created", "n_relay", "destroy", "raw",
	"flood", "write", "closed", "close",  "time",  "poll",	    "stall",   "wfail",	  "oper",
};

/* Clock steps: nothing, 1 ms, 100 ms, 1 s, 3 s, 11 s, 21 s, 61 s. */
static const uint64_t fz_steps_us[8] = {
	0, 1000, 100000, 1000000, 3000000, 11000000, 21000000, 61000000,
};
/* Peer send buffers and windows (bytes). */
static const uint32_t fz_caps[8] = {0, 514, 1028, 2570, 16384, 65536, FZ_UNLIM, 0};
static const uint32_t fz_cwnds[8] = {0, 514, 1028, 4112, 16384, FZ_UNLIM, FZ_UNLIM, 2570};
/* CREATED2 reply lengths (ANSWER bits 4-7). */
static const uint16_t fz_reply_lens[16] = {
	64, 64, 0, 1, 8, 40, 100, 200, 300, 450, 496, 497, 500, 507, 64, 64,
};

/* One circuit id known on a channel. */
struct fz_ident {
	uint32_t id;
	uint8_t used;
	uint8_t flags; /* FZ_ID_* */
	uint8_t xr_n;  /* reasons beyond 12 allowed in a DESTROY (a TRUNCATE's) */
	uint8_t xr[4];
};

/* One connection the fuzzer plays TLS and the peer for. */
struct fz_slot {
	uint8_t used;	       /* from accepted / connect until `closed` is delivered */
	uint8_t role;	       /* IPC_ROLE_* of our side */
	uint8_t kind;	       /* FZ_K_*: what the peer is */
	uint8_t ident;	       /* relay identity index, or 0xff */
	uint8_t link;	       /* 4 or 5: what the peer offers */
	uint8_t step;	       /* handshake steps done, FZ_STEP_DONE */
	uint8_t auto_drive;    /* Chive's connect: the fuzzer completes the handshake */
	uint8_t by_chive;      /* opened by Chive (EXTEND2) */
	uint8_t want_ed;       /* initiator: Ed25519 identity asked for */
	uint8_t hs_done;       /* `handshake_done` delivered */
	uint8_t close_req;     /* the channel called close or abort */
	uint8_t close_wait;    /* ops to wait before delivering `closed` */
	uint8_t wfailed;       /* a write failed: nothing may follow */
	uint8_t wfail_next;    /* 1: next write short, 2: -EPIPE */
	uint8_t want_writable; /* write space said 0 */
	uint8_t versions_out;  /* the channel wrote its VERSIONS */
	uint8_t ids_full;      /* the id table overflowed: no id checks */
	uint8_t end_closed;    /* closed during the end phase */
	uint32_t tls_h, chan_h;
	struct dp_lcore *lc; /* the lcore the channel is on */
	struct chan *ch;
	uint8_t *rx;
	uint32_t rx_len, rx_off, rx_cap;
	uint32_t wcap, buffered, cwnd;
	uint32_t ok_answers, created; /* ok answers for circuits on it, CREATED* written */
	uint8_t peer_rsa[20];	      /* what the peer proves (zeros: a client) */
	struct fz_ident ids[FZ_IDS];
};

/* The order of hashes of cells one way, with the extension epoch each belongs to. */
struct fz_fifo {
	uint64_t h[FZ_FIFO];
	uint8_t ep[FZ_FIFO];
	uint16_t head, n;
};

/* An EXTEND2 the client sent that Chive recognizes. */
struct fz_ext {
	uint8_t used;
	uint8_t refused; /* Chive must refuse it */
	uint8_t epoch;
	uint8_t rsa[20];
	uint32_t addr;
	uint16_t port;
	uint8_t xr_n; /* TRUNCATE reasons its next-hop DESTROY may carry */
	uint8_t xr[4];
	uint64_t hash; /* of HTYPE, HLEN, HDATA */
};

/* A next-hop circuit: Chive's CREATE2 seen on a channel. */
struct fz_bind {
	uint8_t used; /* until its DESTROY or its channel's close */
	uint8_t slot;
	uint8_t epoch;
	uint8_t created; /* the next hop answered */
	uint32_t id;
};

/*
 * A circuit Chive made from a CREATE on a channel, in the order it made them
 * (so DESTROYs on an id are matched in the order of the control queue). A
 * "ghost" is one the fuzzer cannot follow (an untagged CREATE) or a CREATE
 * Chive refused with a DESTROY: it only takes its DESTROY.
 */
struct fz_rec {
	uint8_t used;		 /* allocated */
	uint8_t ghost;		 /* not followed: only its DESTROY is expected */
	uint8_t final;		 /* gone, and nothing more will come for it */
	uint8_t unmapped;	 /* Chive freed it (a DESTROY may still come) */
	uint8_t keyed;		 /* an ok answer keyed it */
	uint8_t created;	 /* its CREATED* was written */
	uint8_t tainted;	 /* raw relay cells: no content checks */
	uint8_t chive_destroyed; /* Chive's DESTROY toward the client seen */
	uint8_t slot;
	uint8_t htype;
	uint8_t epoch;	/* EXTEND2 and TRUNCATE each move it */
	uint8_t ext2_n; /* EXTENDED2 bodies owed, oldest first */
	uint8_t orig_head, orig_n;
	uint32_t id;
	uint32_t handle, req_id;
	uint32_t seq; /* creation order */
	uint64_t ext2_hash[FZ_EXTS];
	struct {
		uint8_t cmd, reason;
		uint16_t stream;
	} orig[FZ_ORIG]; /* END / TRUNCATED Chive owes the client, in order */
	struct fz_ext ext[FZ_EXTS];
	struct fz_bind bind[FZ_BINDS];
	struct fz_fifo fwd, bwd;
	struct dp_relay_crypto rc; /* the client's side of the hop */
};

/* A tagged CREATE sent. */
struct fz_fed {
	uint32_t gen; /* fz_gen of the input */
	uint32_t nonce;
	uint32_t id;
	uint8_t slot;
	uint8_t htype;
	int16_t rec; /* the circuit Chive made of it, or -1 */
	uint32_t rec_seq;
	uint64_t hash; /* of the onionskin */
};

/* A CIRC_CREATE waiting for an answer. */
struct fz_pend {
	uint32_t handle, chan, req_id;
	uint16_t htype, hlen;
	int16_t rec;
	uint32_t rec_seq;
	uint8_t slot;
	uint8_t lc; /* lcore index: the answer goes there */
};

/* An ok answer sent (its reply is tagged when 8 bytes or longer). */
struct fz_ans {
	uint32_t gen;
	uint32_t seq, handle;
	int16_t rec;
	uint32_t rec_seq;
	uint8_t slot, htype, consumed;
	uint16_t len;
	uint64_t hash;
};

/* A control-plane request of a handshake. */
struct fz_creq {
	uint16_t type;
	uint32_t chan, req_id;
};

struct fz_in {
	const uint8_t *p;
	size_t n, off;
};

static char fz_runtime_dir[PATH_MAX];
static struct ipc_shm fz_shm;
static struct ipc_ring_cons fz_up[FZ_LCORES], fz_evt[FZ_LCORES];
static atomic_int fz_stop;
static struct dp_lcore fz_lcs[FZ_LCORES];
static uint32_t fz_nlc; /* lcores this input uses (1, or 2 with FZ_C_TWO_LCORES) */
static const struct dp_tls_app_ops *fz_tls_ops;
static struct dp_chan_cell_ops fz_circ_ops; /* circ.c's, wrapped */
static struct dp_rc_lib fz_rclib;
static bool fz_verbose;

static uint8_t fz_id_ours[20], fz_ed_ours[32];
static uint8_t fz_rsa[FZ_IDENTS][20], fz_sha[FZ_IDENTS][32], fz_ed[FZ_IDENTS][32];
static uint8_t fz_rsa_other[20], fz_ed_other[32];
static uint8_t fz_signed[IPC_AUTH3_PAYLOAD_LEN];
static uint8_t fz_der[300];

/* Per-input state. */
static uint8_t fz_cfg0, fz_cfg1;
static struct dp_circ_conf fz_conf;
static struct fz_slot fz_slots[FZ_SLOTS];
static struct fz_rec fz_recs[FZ_RECS];
static struct fz_fed fz_feds[FZ_FEDS];
static struct fz_ans fz_answers[FZ_ANS];
static struct fz_pend fz_pend[FZ_PEND];
static struct fz_creq fz_creqs[FZ_CREQS];
static struct fz_ext fz_orphans[FZ_ORPHANS]; /* pending EXTEND2s of reused records */
static uint32_t fz_n_pend, fz_n_creqs, fz_gen;
static uint32_t fz_nonce, fz_ans_seq, fz_rec_seq, fz_next_fake, fz_last_req[FZ_LCORES];
static uint32_t fz_stall;
static int fz_opening_slot;
static uint64_t fz_made0, fz_opened, fz_circ_closed_n, fz_circ_opened_n;
static uint64_t fz_nobuf0;
static bool fz_model_lost; /* no record left for a circuit: DESTROYs cannot be matched */
static bool fz_ext_lost;   /* a pending EXTEND2 was forgotten: CREATE2s cannot all be matched */
static uint32_t fz_orig_budget; /* cells Chive may originate (END, TRUNCATED, EXTENDED2) */
static uint64_t fz_overflow0;
static uint64_t fz_ctr0[DP_CTR__COUNT];
static uint32_t fz_list_req, fz_list_infos, fz_list_max, fz_destroy_req, fz_next_req;
static struct dp_lcore *fz_list_lc; /* where the CIRC_LIST went */
static int32_t fz_destroy_want;	    /* 1: 0 or -EBADF; else the status */

#define FZ_CHECK(cond, ...)                                                                        \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "fuzz_circ: check failed: %s: ", #cond);                   \
			fprintf(stderr, __VA_ARGS__);                                              \
			fputc('\n', stderr);                                                       \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

/* Lookups the harness runs per cell: not worth the fuzzer's comparison tracing. */
#define FZ_HOT __attribute__((no_sanitize("coverage")))

#define FZ_V(...)                                                                                  \
	do {                                                                                       \
		if (fz_verbose)                                                                    \
			fprintf(stderr, __VA_ARGS__);                                              \
	} while (0)

/* ---- what chan.o and circ.o call instead of DPDK's heap and parts of TLS ---- */

/*
 * The pools are made and freed once per input, always with the same sizes
 * for a given configuration: freed blocks are kept for the next input (so
 * ASan's allocator does not map and fault them in again each time). Each is
 * still its own heap block of the exact size, so overflows show.
 */
#define FZ_HEAP_CACHE 16
static struct {
	void *p;
	size_t size;
} fz_heap_cache[FZ_HEAP_CACHE];

static void *
heap_get(size_t size, size_t align)
{
	for (uint32_t i = 0; i < FZ_HEAP_CACHE; i++) {
		void *p = fz_heap_cache[i].p;

		if (p != NULL && fz_heap_cache[i].size == size &&
		    ((uintptr_t)p & (align - 1)) == 0) {
			fz_heap_cache[i].p = NULL;
			return p;
		}
	}
	return aligned_alloc(align, size);
}

void *
fzc_zmalloc(const char *type, size_t size, unsigned int align)
{
	size_t a = align < 64 ? 64 : align;
	void *p;

	(void)type;
	if (size == 0 || (a & (a - 1)) != 0)
		return NULL;
	p = heap_get((size + a - 1) / a * a, a);
	if (p != NULL)
		memset(p, 0, size);
	return p;
}

void *
fzc_zmalloc_socket(const char *type, size_t size, unsigned int align, int socket)
{
	(void)socket;
	return fzc_zmalloc(type, size, align);
}

/* Not zeroed, as rte_malloc: filled with a pattern so that reading it shows. */
void *
fzc_malloc_socket(const char *type, size_t size, unsigned int align, int socket)
{
	void *p = fzc_zmalloc(type, size, align);

	(void)socket;
	if (p != NULL)
		memset(p, 0xa5, size);
	return p;
}

void
fzc_free(void *p)
{
	size_t size;

	if (p == NULL)
		return;
	size = malloc_usable_size(p);
	for (uint32_t i = 0; i < FZ_HEAP_CACHE; i++)
		if (fz_heap_cache[i].p == NULL) {
			fz_heap_cache[i].p = p;
			fz_heap_cache[i].size = size;
			return;
		}
	free(p);
}

/* The credentials are placeholders: TLS is the fuzzer's, it needs no key. */
int
fzc_tls_set_cert(struct dp_lcore *lc, const uint8_t *key_der, uint32_t key_len,
		 const uint8_t *cert_der, uint32_t cert_len, const uint8_t *idcert_der,
		 uint32_t idcert_len)
{
	(void)lc;
	(void)key_der;
	(void)cert_der;
	(void)idcert_der;
	return key_len != 0 && cert_len != 0 && idcert_len != 0 ? 0 : -EINVAL;
}

/* ---- input and bytes ---- */

static uint8_t
in_u8(struct fz_in *in)
{
	return in->off < in->n ? in->p[in->off++] : 0;
}

static void
in_take(struct fz_in *in, uint8_t *dst, size_t want)
{
	size_t k = in->n - in->off < want ? in->n - in->off : want;

	memcpy(dst, in->p + in->off, k);
	memset(dst + k, 0, want - k);
	in->off += k;
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

FZ_HOT static uint64_t
fnv(uint64_t h, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= UINT64_C(0x100000001b3);
	}
	return h;
}

static uint64_t
hash_cell(uint8_t cmd, const uint8_t *payload)
{
	return fnv(fnv(UINT64_C(0xcbf29ce484222325), &cmd, 1), payload, WIRE_CELL_PAYLOAD_LEN);
}

/* A CREATE2 / EXTEND2 handshake: HTYPE, HLEN, HDATA. */
static uint64_t
hash_hs(uint16_t htype, uint16_t hlen, const uint8_t *hdata)
{
	uint8_t h[4];

	put16(h, htype);
	put16(h + 2, hlen);
	return fnv(fnv(UINT64_C(0xcbf29ce484222325), h, 4), hdata, hlen);
}

/* Fill @p p with bytes from @p seed (splitmix64). */
FZ_HOT static void
pattern(uint8_t *p, size_t n, uint64_t seed)
{
	uint64_t x = seed;

	for (size_t i = 0; i < n; i++) {
		if (i % 8 == 0) {
			uint64_t z = (x += UINT64_C(0x9e3779b97f4a7c15));

			z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
			z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
			seed = z ^ (z >> 31);
		}
		p[i] = (uint8_t)(seed >> (8 * (i % 8)));
	}
}

static bool
ipv4_private(uint32_t a)
{
	return (a >> 24) == 0 || (a >> 24) == 10 || (a >> 24) == 127 ||
	       (a >> 20) == (172u << 4 | 1) || (a >> 16) == (192u << 8 | 168) ||
	       (a >> 16) == (169u << 8 | 254) || (a >> 22) == (100u << 2 | 1) || (a >> 28) >= 14;
}

static uint64_t
ctr_lc(const struct dp_lcore *lc, enum dp_ctr_id id)
{
	return ipc_ctr_get(lc->ctr, id);
}

/* A counter summed over the lcores in use (deltas around one call are that lcore's). */
static uint64_t
ctr(enum dp_ctr_id id)
{
	uint64_t v = 0;

	for (uint32_t i = 0; i < fz_nlc; i++)
		v += ctr_lc(&fz_lcs[i], id);
	return v;
}

/* Control cells were lost for want of a buffer: a DESTROY may never come. */
static bool
lossy(void)
{
	return fz_model_lost || ctr(DP_CTR_circ_ctl_nobuf) != fz_nobuf0;
}

/* ---- channels and slots ---- */

static uint32_t
chan_handle_of(const struct dp_lcore *lc, const struct chan *ch)
{
	return ((lc->idx & 0x7fu) << 25) | ((uint32_t)(ch - lc->chan->chans) << 8) | ch->gen;
}

static void
clock_add(uint64_t us)
{
	for (uint32_t i = 0; i < FZ_LCORES; i++)
		fz_lcs[i].now_us += us;
}

FZ_HOT static struct fz_slot *
slot_by_tls(uint32_t h)
{
	for (uint32_t i = 0; i < FZ_SLOTS; i++)
		if (fz_slots[i].used && fz_slots[i].tls_h == h)
			return &fz_slots[i];
	return NULL;
}

FZ_HOT static struct fz_slot *
slot_by_chan(uint32_t chan_h)
{
	for (uint32_t i = 0; i < FZ_SLOTS; i++)
		if (fz_slots[i].used && fz_slots[i].chan_h == chan_h)
			return &fz_slots[i];
	return NULL;
}

static int
slot_no(const struct fz_slot *s)
{
	return (int)(s - fz_slots);
}

static struct fz_slot *
io_slot(uint32_t h, const char *what)
{
	struct fz_slot *s = slot_by_tls(h);

	FZ_CHECK(s != NULL, "%s on TLS handle %#x, which is unknown or already closed", what, h);
	return s;
}

static bool
slot_is_open(const struct fz_slot *s)
{
	return s->used && !s->close_req && s->ch->state == IPC_CHAN_STATE_OPEN;
}

static bool
slot_is_relay_open(const struct fz_slot *s)
{
	return slot_is_open(s) && (s->ch->flags & IPC_CHAN_F_AUTHENTICATED);
}

static void
slot_reset(struct fz_slot *s)
{
	free(s->rx);
	memset(s, 0, sizeof(*s));
	s->ident = 0xff;
	s->wcap = FZ_UNLIM;
	s->cwnd = FZ_UNLIM;
}

static struct fz_slot *
slot_free(int want)
{
	if (want >= 0 && want < FZ_SLOTS && !fz_slots[want].used)
		return &fz_slots[want];
	for (uint32_t i = 0; i < FZ_SLOTS; i++)
		if (!fz_slots[i].used)
			return &fz_slots[i];
	return NULL;
}

/* The peer's ids have the high bit set when the peer initiated (tor-spec.txt §5.1.1). */
static bool
id_is_peers(const struct fz_slot *s, uint32_t id)
{
	return ((id >> 31) != 0) == (s->role == IPC_ROLE_RESPONDER);
}

FZ_HOT static struct fz_ident *
ident_find(struct fz_slot *s, uint32_t id, bool add)
{
	uint32_t h = (id * 2654435761u) % FZ_IDS;

	for (uint32_t k = 0; k < FZ_IDS; k++) {
		struct fz_ident *e = &s->ids[(h + k) % FZ_IDS];

		if (e->used && e->id == id)
			return e;
		if (!e->used) {
			if (!add)
				return NULL;
			memset(e, 0, sizeof(*e));
			e->used = 1;
			e->id = id;
			return e;
		}
	}
	if (add)
		s->ids_full = 1;
	return NULL;
}

static void
ident_note(struct fz_slot *s, uint32_t id, uint8_t flags)
{
	struct fz_ident *e = ident_find(s, id, true);

	if (e != NULL)
		e->flags |= flags;
}

static void
ident_allow_reason(struct fz_slot *s, uint32_t id, uint8_t reason)
{
	struct fz_ident *e = ident_find(s, id, true);

	if (e != NULL)
		e->xr[e->xr_n++ % 4] = reason;
}

/* ---- the model: circuits the fuzzer created ---- */

static int
rec_no(const struct fz_rec *r)
{
	return (int)(r - fz_recs);
}

static bool
rec_alive(const struct fz_rec *r)
{
	return r->used && !r->final;
}

/* A circuit Chive has under (slot, id) in the fuzzer's view: the oldest not freed. */
FZ_HOT static struct fz_rec *
rec_mapped(int slot, uint32_t id)
{
	struct fz_rec *best = NULL;

	for (uint32_t i = 0; i < FZ_RECS; i++) {
		struct fz_rec *r = &fz_recs[i];

		if (rec_alive(r) && !r->unmapped && r->slot == slot && r->id == id &&
		    (best == NULL || r->seq < best->seq))
			best = r;
	}
	return best;
}

/* ... and the oldest whose DESTROY may still come. */
FZ_HOT static struct fz_rec *
rec_destroyable(int slot, uint32_t id)
{
	struct fz_rec *best = NULL;

	for (uint32_t i = 0; i < FZ_RECS; i++) {
		struct fz_rec *r = &fz_recs[i];

		if (rec_alive(r) && r->slot == slot && r->id == id &&
		    (best == NULL || r->seq < best->seq))
			best = r;
	}
	return best;
}

FZ_HOT static struct fz_bind *
bind_find(int slot, uint32_t id, struct fz_rec **owner)
{
	for (uint32_t i = 0; i < FZ_RECS; i++) {
		struct fz_rec *r = &fz_recs[i];

		if (!r->used)
			continue;
		for (uint32_t k = 0; k < FZ_BINDS; k++) {
			struct fz_bind *b = &r->bind[k];

			if (b->used && b->slot == slot && b->id == id) {
				*owner = r;
				return b;
			}
		}
	}
	return NULL;
}

static bool
rec_has_bind(const struct fz_rec *r)
{
	for (uint32_t k = 0; k < FZ_BINDS; k++)
		if (r->bind[k].used)
			return true;
	return false;
}

/* Forget @p r: it may be reused. Its bindings die with it only if Chive will say nothing more. */
static void
rec_final(struct fz_rec *r, const char *why)
{
	FZ_V("  circuit r%d (slot %u id %#x) final: %s\n", rec_no(r), r->slot, r->id, why);
	r->final = 1;
	r->unmapped = 1;
}

static struct fz_rec *
rec_alloc(void)
{
	struct fz_rec *best = NULL;

	for (uint32_t i = 0; i < FZ_RECS; i++) {
		struct fz_rec *r = &fz_recs[i];

		if (!r->used) {
			best = r;
			break;
		}
		if (r->final && !rec_has_bind(r) && (best == NULL || r->seq < best->seq))
			best = r;
	}
	if (best == NULL)
		return NULL;
	/* Its CREATE2s may still be queued toward a next hop: keep them matchable. */
	for (uint32_t k = 0; k < FZ_EXTS; k++) {
		static uint32_t next;

		if (best->used && best->ext[k].used && !best->ext[k].refused) {
			if (fz_orphans[next % FZ_ORPHANS].used)
				fz_ext_lost = true;
			fz_orphans[next++ % FZ_ORPHANS] = best->ext[k];
		}
	}
	{
		struct dp_relay_crypto rc = best->rc;

		memset(best, 0, sizeof(*best));
		best->rc = rc;
	}
	best->used = 1;
	best->seq = ++fz_rec_seq;
	return best;
}

/* Pick the n-th circuit satisfying @p want (modulo their number). */
FZ_HOT static struct fz_rec *
rec_pick(uint8_t n, int want)
{
	struct fz_rec *list[FZ_RECS];
	uint32_t k = 0;

	for (uint32_t i = 0; i < FZ_RECS; i++) {
		struct fz_rec *r = &fz_recs[i];

		if (!rec_alive(r) || r->unmapped || r->ghost)
			continue;
		if (want == 1 && !r->keyed)
			continue;
		if (want == 2) {
			bool any = false;

			for (uint32_t b = 0; b < FZ_BINDS; b++)
				any |= r->bind[b].used && fz_slots[r->bind[b].slot].used;
			if (!any)
				continue;
		}
		list[k++] = r;
	}
	return k == 0 ? NULL : list[n % k];
}

/* The newest live binding of @p r. */
static struct fz_bind *
rec_last_bind(struct fz_rec *r)
{
	struct fz_bind *best = NULL;

	for (uint32_t b = 0; b < FZ_BINDS; b++) {
		struct fz_bind *x = &r->bind[b];

		if (x->used && fz_slots[x->slot].used &&
		    (best == NULL || (uint8_t)(x->epoch - best->epoch) < 128))
			best = x;
	}
	return best;
}

static void
fifo_push(struct fz_fifo *f, uint64_t h, uint8_t epoch, struct fz_rec *r)
{
	if (f->n == FZ_FIFO) {
		r->tainted = 1; /* too much to remember: stop checking this one */
		return;
	}
	f->h[(f->head + f->n) % FZ_FIFO] = h;
	f->ep[(f->head + f->n) % FZ_FIFO] = epoch;
	f->n++;
}

/*
 * Take @p h from @p f: it must be the first entry, after entries of earlier
 * epochs than its own (cells of a truncated extension that never went).
 * @return true if found (and taken with what precedes it).
 */
FZ_HOT static bool
fifo_take(struct fz_fifo *f, uint64_t h, int epoch)
{
	for (uint16_t i = 0; i < f->n; i++) {
		uint16_t k = (f->head + i) % FZ_FIFO;

		if (f->h[k] == h && (epoch < 0 || f->ep[k] == (uint8_t)epoch)) {
			for (uint16_t j = 0; j < i; j++) {
				uint16_t q = (f->head + j) % FZ_FIFO;

				if ((uint8_t)(f->ep[k] - f->ep[q]) == 0 ||
				    (uint8_t)(f->ep[k] - f->ep[q]) >= 128)
					return false;
			}
			f->head = (f->head + i + 1) % FZ_FIFO;
			f->n -= i + 1;
			return true;
		}
	}
	return false;
}

static void
orig_push(struct fz_rec *r, uint8_t cmd, uint16_t stream, uint8_t reason)
{
	if (r->orig_n == FZ_ORIG) {
		r->tainted = 1;
		return;
	}
	r->orig[(r->orig_head + r->orig_n) % FZ_ORIG].cmd = cmd;
	r->orig[(r->orig_head + r->orig_n) % FZ_ORIG].stream = stream;
	r->orig[(r->orig_head + r->orig_n) % FZ_ORIG].reason = reason;
	r->orig_n++;
}

static void
taint_id(int slot, uint32_t id)
{
	struct fz_rec *r = rec_mapped(slot, id), *o = NULL;

	if (r != NULL)
		r->tainted = 1;
	if (bind_find(slot, id, &o) != NULL)
		o->tainted = 1;
}

/* ---- checking what Chive writes on an open channel ---- */

/* A CREATED_FAST / CREATED2 on slot @p s, circuit id @p id. */
static void
check_created(struct fz_slot *s, uint32_t id, const struct wire_cell *c)
{
	struct fz_ident *e = ident_find(s, id, false);
	struct wire_created2 cr;
	const uint8_t *reply;
	uint16_t len;
	bool fast = c->cmd == WIRE_CELL_CMD_CREATED_FAST;

	FZ_CHECK(id_is_peers(s, id), "slot %d: %s for id %#x of our own half", slot_no(s),
		 fast ? "CREATED_FAST" : "CREATED2", id);
	FZ_CHECK(s->ids_full || (e != NULL && (e->flags & (fast ? FZ_ID_FAST : FZ_ID_C2))),
		 "slot %d: %s for id %#x, which the peer never sent a %s for", slot_no(s),
		 fast ? "CREATED_FAST" : "CREATED2", id, fast ? "CREATE_FAST" : "CREATE2");
	s->created++;
	FZ_CHECK(s->created <= s->ok_answers, "slot %d: %u CREATED* written, %u ok answers",
		 slot_no(s), s->created, s->ok_answers);
	if (fast) {
		reply = c->payload;
		len = WIRE_CREATED_FAST_LEN;
	} else {
		FZ_CHECK(wire_created2_decode(c->payload, c->payload_len, &cr) == 0,
			 "slot %d: CREATED2 for %#x does not decode", slot_no(s), id);
		reply = cr.hdata;
		len = cr.hlen;
	}
	if (len >= 8) {
		uint32_t seq = get32(reply), handle = get32(reply + 4);
		struct fz_ans *a = &fz_answers[seq % FZ_ANS];
		struct fz_rec *r;

		FZ_CHECK(seq != 0 && seq <= fz_ans_seq,
			 "slot %d: %s for %#x carries a reply the control plane never sent (answer "
			 "%u)",
			 slot_no(s), fast ? "CREATED_FAST" : "CREATED2", id, seq);
		if (a->gen != fz_gen || a->seq != seq)
			goto untagged; /* forgotten: too many answers since */
		FZ_CHECK(!a->consumed && a->handle == handle && a->slot == slot_no(s) &&
				 a->len == len && a->hash == fnv(UINT64_C(7), reply, len) &&
				 (a->htype == WIRE_HTYPE_FAST) == fast,
			 "slot %d: CREATED for %#x: answer %u (slot %u, %u bytes, htype %u, used "
			 "%u) is not what was sent",
			 slot_no(s), id, seq, a->slot, a->len, a->htype, a->consumed);
		a->consumed = 1;
		if (a->rec >= 0 && fz_recs[a->rec].used && fz_recs[a->rec].seq == a->rec_seq) {
			r = &fz_recs[a->rec];
			FZ_CHECK(r->slot == slot_no(s) && r->id == id,
				 "slot %d: CREATED on id %#x carries the answer for circuit r%d "
				 "(slot %u id %#x)",
				 slot_no(s), id, rec_no(r), r->slot, r->id);
			FZ_CHECK(!r->chive_destroyed || lossy(),
				 "slot %d: CREATED for %#x after Chive's DESTROY of it", slot_no(s),
				 id);
			r->created = 1;
		}
		return;
	}
untagged:
	/* The answer's circuit is the oldest the fuzzer holds under this id. */
	{
		struct fz_rec *r = rec_destroyable(slot_no(s), id);

		if (r != NULL && r->keyed)
			r->created = 1;
	}
}

/* A RELAY cell toward the client of circuit @p r: relayed, or originated by Chive. */
static void
check_backward(struct fz_slot *s, struct fz_rec *r, const struct wire_cell *c)
{
	uint8_t p[WIRE_CELL_PAYLOAD_LEN];
	struct wire_relay_hdr h;

	if (r->ghost)
		return;
	FZ_CHECK(r->keyed && r->created, "slot %d: RELAY for circuit r%d (id %#x) before %s",
		 slot_no(s), rec_no(r), r->id, r->keyed ? "its CREATED" : "its keys");
	memcpy(p, c->payload, sizeof(p));
	dp_rc_crypt(&r->rc.bwd, p);
	if (r->tainted || lossy())
		return;
	if (fifo_take(&r->bwd, fnv(UINT64_C(11), p, sizeof(p)), -1)) {
		FZ_V("  slot %d: r%d: relayed backward cell as the next hop sent it\n", slot_no(s),
		     rec_no(r));
		return;
	}
	FZ_CHECK(dp_rc_digest_check(&r->rc.bwd, p),
		 "slot %d: backward RELAY on circuit r%d (id %#x) is neither a cell the next hop "
		 "sent (%u waiting) nor one Chive originated",
		 slot_no(s), rec_no(r), r->id, r->bwd.n);
	FZ_CHECK(wire_relay_hdr_decode(p, sizeof(p), &h) == 0,
		 "slot %d: originated relay cell with length field %u", slot_no(s),
		 get16(p + WIRE_RELAY_OFF_LENGTH));
	FZ_V("  slot %d: r%d: Chive originated relay command %u stream %u len %u\n", slot_no(s),
	     rec_no(r), h.cmd, h.stream_id, h.length);
	/* Proposal 289: four zero bytes after the data. */
	for (uint32_t i = WIRE_RELAY_OFF_DATA + h.length;
	     i < WIRE_RELAY_OFF_DATA + h.length + 4u && i < sizeof(p); i++)
		FZ_CHECK(p[i] == 0, "slot %d: originated cell: padding byte %u is %#x", slot_no(s),
			 i, p[i]);
	switch (h.cmd) {
	case WIRE_RELAY_CMD_END:
	case WIRE_RELAY_CMD_TRUNCATED: {
		uint8_t k = r->orig_head;

		FZ_CHECK(r->orig_n != 0 && r->orig[k].cmd == h.cmd &&
				 r->orig[k].stream == h.stream_id && h.length == 1 &&
				 p[WIRE_RELAY_OFF_DATA] == r->orig[k].reason,
			 "slot %d: circuit r%d: Chive sent %s (stream %u, reason %u, length %u); "
			 "expected %s",
			 slot_no(s), rec_no(r), h.cmd == WIRE_RELAY_CMD_END ? "END" : "TRUNCATED",
			 h.stream_id, p[WIRE_RELAY_OFF_DATA], h.length,
			 r->orig_n == 0 ? "nothing" : "another cell");
		r->orig_head = (uint8_t)((r->orig_head + 1) % FZ_ORIG);
		r->orig_n--;
		break;
	}
	case WIRE_RELAY_CMD_EXTENDED2: {
		/* The body of a CREATED2 the next hop sent (earlier ones may have come
		 * too late for their extension). */
		uint64_t want = fnv(UINT64_C(13), p + WIRE_RELAY_OFF_DATA, h.length);
		uint8_t k = 0;

		while (k < r->ext2_n && r->ext2_hash[k] != want)
			k++;
		FZ_CHECK(h.stream_id == 0 && k < r->ext2_n,
			 "slot %d: circuit r%d: EXTENDED2 (%u bytes, stream %u) is not the body of "
			 "a "
			 "CREATED2 the next hop sent (%u owed)",
			 slot_no(s), rec_no(r), h.length, h.stream_id, r->ext2_n);
		r->ext2_n = (uint8_t)(r->ext2_n - k - 1);
		memmove(r->ext2_hash, r->ext2_hash + k + 1, r->ext2_n * sizeof(r->ext2_hash[0]));
		break;
	}
	default:
		FZ_CHECK(0, "slot %d: circuit r%d: Chive originated relay command %u", slot_no(s),
			 rec_no(r), h.cmd);
	}
}

/* A RELAY / RELAY_EARLY toward the next hop on binding @p b of circuit @p r. */
static void
check_forward(struct fz_slot *s, struct fz_rec *r, struct fz_bind *b, const struct wire_cell *c)
{
	if (r->tainted || lossy())
		return;
	FZ_CHECK(b->created, "slot %d: relay cell on %#x before its CREATED2", slot_no(s),
		 c->circ_id);
	FZ_CHECK(fifo_take(&r->fwd, hash_cell(c->cmd, c->payload), b->epoch),
		 "slot %d: %s on next-hop id %#x (circuit r%d, extension %u) is not the next cell "
		 "the client sent for it (%u waiting)",
		 slot_no(s), c->cmd == WIRE_CELL_CMD_RELAY ? "RELAY" : "RELAY_EARLY", c->circ_id,
		 rec_no(r), b->epoch, r->fwd.n);
}

/* A CREATE2 Chive sends on slot @p s: must be an extension a client asked for. */
static void
check_create2(struct fz_slot *s, const struct wire_cell *c)
{
	struct wire_create2 cr;
	struct fz_rec *match = NULL;
	struct fz_ext *mx = NULL;
	uint64_t h;
	int n_match = 0;

	FZ_CHECK(slot_is_relay_open(s), "slot %d: CREATE2 on a %s channel", slot_no(s),
		 s->kind == FZ_K_CLIENT ? "client" : "unauthenticated");
	FZ_CHECK(c->circ_id != 0 && !id_is_peers(s, c->circ_id),
		 "slot %d (role %u): CREATE2 with id %#x of the peer's half", slot_no(s), s->role,
		 c->circ_id);
	FZ_CHECK(wire_create2_decode(c->payload, c->payload_len, &cr) == 0,
		 "slot %d: CREATE2 does not decode", slot_no(s));
	h = hash_hs(cr.htype, cr.hlen, cr.hdata);
	for (uint32_t i = 0; i < FZ_RECS; i++) {
		struct fz_rec *r = &fz_recs[i];

		if (!r->used)
			continue;
		for (uint32_t k = 0; k < FZ_EXTS; k++) {
			struct fz_ext *x = &r->ext[k];

			if (x->used && x->hash == h && memcmp(x->rsa, s->ch->peer_rsa, 20) == 0) {
				n_match++;
				if (match == NULL || r->seq < match->seq) {
					match = r;
					mx = x;
				}
			}
		}
	}
	{
		struct fz_rec *o = NULL;

		FZ_CHECK(bind_find(slot_no(s), c->circ_id, &o) == NULL,
			 "slot %d: CREATE2 with id %#x, which is still in use (circuit r%d)",
			 slot_no(s), c->circ_id, o != NULL ? rec_no(o) : -1);
	}
	if (match == NULL) {
		for (uint32_t k = 0; k < FZ_ORPHANS; k++) {
			struct fz_ext *x = &fz_orphans[k];

			if (x->used && x->hash == h && memcmp(x->rsa, s->ch->peer_rsa, 20) == 0) {
				x->used = 0;
				for (uint32_t t = 0; t < x->xr_n && t < 4; t++)
					ident_allow_reason(s, c->circ_id, x->xr[t]);
				return;
			}
		}
	}
	if ((lossy() || fz_ext_lost) && match == NULL)
		return;
	FZ_CHECK(match != NULL,
		 "slot %d: CREATE2 (id %#x, htype %u, hlen %u) to relay %02x.. that no client's "
		 "EXTEND2 asked for",
		 slot_no(s), c->circ_id, cr.htype, cr.hlen, s->ch->peer_rsa[0]);
	FZ_CHECK(!mx->refused, "slot %d: CREATE2 for an EXTEND2 that must be refused (circuit r%d)",
		 slot_no(s), rec_no(match));
	mx->used = 0;
	if (n_match > 1)
		match->tainted = 1;
	for (uint32_t k = 0; k < FZ_BINDS; k++) {
		struct fz_bind *b = &match->bind[k];

		if (!b->used) {
			b->used = 1;
			b->slot = (uint8_t)slot_no(s);
			b->id = c->circ_id;
			b->epoch = mx->epoch;
			b->created = 0;
			for (uint32_t t = 0; t < mx->xr_n && t < 4; t++)
				ident_allow_reason(s, b->id, mx->xr[t]);
			FZ_V("  slot %d: CREATE2 id %#x extends circuit r%d (extension %u)\n",
			     slot_no(s), b->id, rec_no(match), b->epoch);
			return;
		}
	}
	match->tainted = 1;
}

static void
check_destroy(struct fz_slot *s, const struct wire_cell *c)
{
	uint8_t reason = c->payload[0];
	struct fz_ident *e = ident_find(s, c->circ_id, false);
	struct fz_rec *r, *o = NULL;
	struct fz_bind *b;
	bool ok = reason <= WIRE_DESTROY_REASON_MAX;

	if (!ok && !id_is_peers(s, c->circ_id)) {
		ok = fz_ext_lost; /* the TRUNCATE's reason may be forgotten */
		for (uint32_t k = 0; e != NULL && k < e->xr_n && k < 4; k++)
			ok |= e->xr[k] == reason;
	}
	FZ_CHECK(ok, "slot %d: DESTROY for %#x with reason %u", slot_no(s), c->circ_id, reason);
	if (id_is_peers(s, c->circ_id)) {
		/* The wire order is the control queue's: circuits under one id die in
		 * the order they were made. */
		r = rec_destroyable(slot_no(s), c->circ_id);
		if (r != NULL) {
			r->chive_destroyed = 1;
			rec_final(r, "Chive's DESTROY");
		}
	} else {
		b = bind_find(slot_no(s), c->circ_id, &o);
		if (b != NULL) {
			FZ_V("  slot %d: next-hop id %#x of r%d destroyed\n", slot_no(s), b->id,
			     rec_no(o));
			b->used = 0;
		}
	}
}

/* One cell Chive writes on the open channel of slot @p s. */
static void
check_tx_cell(struct fz_slot *s, const struct wire_cell *c)
{
	struct fz_ident *e;
	struct fz_rec *r, *o = NULL;
	struct fz_bind *b;

	FZ_V("  slot %d tx cmd %u id %#x\n", slot_no(s), c->cmd, c->circ_id);
	FZ_CHECK(c->payload_len == WIRE_CELL_PAYLOAD_LEN && c->circ_id != 0,
		 "slot %d: command %u, id %#x, payload %u", slot_no(s), c->cmd, c->circ_id,
		 c->payload_len);
	if (c->cmd == WIRE_CELL_CMD_CREATE2) {
		e = ident_find(s, c->circ_id, false);
		FZ_CHECK(s->ids_full || e == NULL || !(e->flags & (FZ_ID_FAST | FZ_ID_C2)),
			 "slot %d: CREATE2 with id %#x the peer uses", slot_no(s), c->circ_id);
		check_create2(s, c);
		ident_note(s, c->circ_id, FZ_ID_CHIVE);
		return;
	}
	e = ident_find(s, c->circ_id, false);
	FZ_CHECK(s->ids_full || e != NULL, "slot %d: command %u for id %#x, never used on it",
		 slot_no(s), c->cmd, c->circ_id);
	switch (c->cmd) {
	case WIRE_CELL_CMD_CREATED_FAST:
	case WIRE_CELL_CMD_CREATED2:
		check_created(s, c->circ_id, c);
		break;
	case WIRE_CELL_CMD_DESTROY:
		check_destroy(s, c);
		break;
	case WIRE_CELL_CMD_RELAY:
	case WIRE_CELL_CMD_RELAY_EARLY:
		if (id_is_peers(s, c->circ_id)) {
			FZ_CHECK(c->cmd == WIRE_CELL_CMD_RELAY,
				 "slot %d: RELAY_EARLY toward the client on %#x", slot_no(s),
				 c->circ_id);
			r = rec_mapped(slot_no(s), c->circ_id);
			if (r != NULL)
				check_backward(s, r, c);
		} else {
			b = bind_find(slot_no(s), c->circ_id, &o);
			if (b != NULL)
				check_forward(s, o, b, c);
		}
		break;
	default:
		FZ_CHECK(0, "slot %d: Chive wrote command %u (id %#x) on an open channel",
			 slot_no(s), c->cmd, c->circ_id);
	}
}

/* ---- the fake TLS under chan.c ---- */

static uint32_t
slot_free_bytes(const struct fz_slot *s)
{
	if (s->wcap == FZ_UNLIM)
		return 1u << 24;
	return s->buffered >= s->wcap ? 0 : s->wcap - s->buffered;
}

int
fzc_tls_connect(struct dp_lcore *lc, uint32_t raddr, uint16_t rport,
		const struct dp_tls_app_ops *ops, void *ctx, uint32_t *h)
{
	struct chan *ch = ctx;
	struct fz_slot *s;
	bool asked = false;

	FZ_CHECK(ops == fz_tls_ops && ch != NULL && ch->state == IPC_CHAN_STATE_TLS &&
			 ch->role == IPC_ROLE_INITIATOR && ch->hs != NULL,
		 "connect with a channel in state %u", ch != NULL ? ch->state : 0);
	if (fz_opening_slot < 0) {
		/* Chive extends a circuit: to a relay a client's EXTEND2 named. */
		FZ_CHECK(memcmp(ch->hs->expect_rsa, fz_id_ours, 20) != 0 && rport != 0 &&
				 (fz_conf.extend_private || !ipv4_private(raddr)),
			 "Chive connects to %08x:%u, identity %02x..", raddr, rport,
			 ch->hs->expect_rsa[0]);
		for (uint32_t i = 0; i < FZ_RECS && !asked; i++) {
			struct fz_rec *r = &fz_recs[i];

			for (uint32_t k = 0; k < FZ_EXTS && rec_alive(r); k++) {
				const struct fz_ext *x = &r->ext[k];

				if (x->used && !x->refused && x->addr == raddr &&
				    x->port == rport && memcmp(x->rsa, ch->hs->expect_rsa, 20) == 0)
					asked = true;
			}
		}
		FZ_CHECK(
			asked || lossy() || fz_ext_lost,
			"Chive connects to %08x:%u (identity %02x..) that no pending EXTEND2 names",
			raddr, rport, ch->hs->expect_rsa[0]);
		if (fz_cfg1 & FZ_C_CONNECT_FAIL) {
			FZ_V("  connect to %08x:%u refused\n", raddr, rport);
			return -ECONNREFUSED;
		}
	}
	s = slot_free(fz_opening_slot);
	FZ_CHECK(s != NULL, "no slot for a new channel (more channels than slots)");
	slot_reset(s);
	s->used = 1;
	s->role = IPC_ROLE_INITIATOR;
	s->kind = FZ_K_RELAY;
	s->link = 5;
	s->lc = lc;
	s->ch = ch;
	s->tls_h = FZ_FAKE_TLS + fz_next_fake++;
	s->by_chive = fz_opening_slot < 0;
	s->auto_drive = s->by_chive && !(fz_cfg1 & FZ_C_MANUAL_DRIVE);
	s->want_ed = (ch->hs->flags & HS_EXPECT_ED) != 0;
	for (uint32_t k = 0; k < FZ_IDENTS; k++)
		if (memcmp(fz_rsa[k], ch->hs->expect_rsa, 20) == 0)
			s->ident = (uint8_t)k;
	*h = s->tls_h;
	s->chan_h = chan_handle_of(lc, ch);
	FZ_V("  slot %d: connect to %08x:%u (identity %u)%s\n", slot_no(s), raddr, rport, s->ident,
	     s->by_chive ? " by Chive" : "");
	return 0;
}

int
fzc_tls_write(struct dp_lcore *lc, uint32_t h, const void *buf, uint32_t len)
{
	struct fz_slot *s = io_slot(h, "dp_tls_write");
	const uint8_t *p = buf;

	FZ_CHECK(s->lc == lc, "slot %d: written from lcore %u", slot_no(s), lc->idx);
	FZ_CHECK(!s->close_req && !s->wfailed, "slot %d: write of %u bytes after %s", slot_no(s),
		 len, s->close_req ? "close" : "a failed write");
	FZ_CHECK(s->ch->state == IPC_CHAN_STATE_OPEN, "slot %d: dp_tls_write in channel state %u",
		 slot_no(s), s->ch->state);
	FZ_CHECK(len != 0 && len % WIRE_CELL_LEN == 0 && len <= 31u * WIRE_CELL_LEN,
		 "slot %d: write of %u bytes", slot_no(s), len);
	for (uint32_t off = 0; off < len; off += WIRE_CELL_LEN) {
		struct wire_cell c;
		int n = wire_cell_decode(p + off, len - off, s->ch->link_proto, &c);

		FZ_CHECK(n == WIRE_CELL_LEN, "slot %d: write does not frame at %u (%d)", slot_no(s),
			 off, n);
		check_tx_cell(s, &c);
	}
	if (s->wfail_next != 0) {
		int rc = s->wfail_next == 2 ? -EPIPE : (int)(len / 2);

		s->wfailed = 1;
		s->wfail_next = 0;
		FZ_V("  slot %d: write fails (%d)\n", slot_no(s), rc);
		return rc;
	}
	s->buffered += len;
	return (int)len;
}

uint32_t
fzc_tls_write_space(struct dp_lcore *lc, uint32_t h)
{
	struct fz_slot *s = io_slot(h, "dp_tls_write_space");
	uint32_t f = slot_free_bytes(s);

	(void)lc;
	if (f == 0) {
		s->want_writable = 1;
		return 0;
	}
	return f > FZ_RECORD ? f : FZ_RECORD;
}

uint32_t
fzc_tls_writable_bytes(struct dp_lcore *lc, uint32_t h)
{
	struct fz_slot *s = io_slot(h, "dp_tls_writable_bytes");
	uint32_t f = slot_free_bytes(s);

	(void)lc;
	return f < s->cwnd ? f : s->cwnd;
}

/* ---- the io seam: reads, handshake writes, close ---- */

static int
fz_io_read(struct dp_lcore *lc, uint32_t h, void *buf, uint32_t len)
{
	struct fz_slot *s = io_slot(h, "read");
	uint32_t n, chunk = (fz_cfg1 & FZ_C_BIG_READS) ? 4096u : WIRE_CELL_LEN;

	FZ_CHECK(s->lc == lc, "slot %d: read from lcore %u", slot_no(s), lc->idx);
	FZ_CHECK(s->hs_done, "slot %d: read before handshake_done", slot_no(s));
	if (s->close_req)
		return -EPIPE;
	if (s->rx_off == s->rx_len)
		return 0;
	n = s->rx_len - s->rx_off;
	if (n > len)
		n = len;
	if (n > chunk)
		n = chunk;
	memcpy(buf, s->rx + s->rx_off, n);
	s->rx_off += n;
	return (int)n;
}

static int
fz_io_write(struct dp_lcore *lc, uint32_t h, const void *buf, uint32_t len)
{
	struct fz_slot *s = io_slot(h, "write");
	const uint8_t *p = buf;
	uint32_t off = 0;

	(void)lc;
	FZ_CHECK(s->hs_done && !s->close_req && !s->wfailed,
		 "slot %d: handshake write (%u bytes) before handshake_done or after close",
		 slot_no(s), len);
	FZ_CHECK(s->ch->state != IPC_CHAN_STATE_OPEN,
		 "slot %d: chan.c wrote %u bytes itself on an open channel (the circuit layer "
		 "sends)",
		 slot_no(s), len);
	while (off < len) {
		struct wire_cell c;
		int n = wire_cell_decode(p + off, len - off,
					 s->versions_out ? s->ch->link_proto : 0, &c);

		FZ_CHECK(n > 0, "slot %d: handshake write does not frame at %u", slot_no(s), off);
		FZ_CHECK(s->versions_out ? (c.cmd == WIRE_CELL_CMD_CERTS ||
					    c.cmd == WIRE_CELL_CMD_AUTH_CHALLENGE ||
					    c.cmd == WIRE_CELL_CMD_AUTHENTICATE ||
					    c.cmd == WIRE_CELL_CMD_NETINFO)
					 : c.cmd == WIRE_CELL_CMD_VERSIONS,
			 "slot %d: handshake cell command %u", slot_no(s), c.cmd);
		FZ_V("  slot %d tx handshake cmd %u len %u\n", slot_no(s), c.cmd, c.payload_len);
		s->versions_out = 1;
		off += (uint32_t)n;
	}
	return (int)len;
}

static int
fz_io_close(struct dp_lcore *lc, uint32_t h)
{
	struct fz_slot *s = io_slot(h, "close");

	(void)lc;
	FZ_CHECK(!s->close_req, "slot %d: closed twice", slot_no(s));
	FZ_V("  slot %d: channel closes TLS (%s)\n", slot_no(s),
	     ipc_chan_close_name(s->ch->close_reason));
	s->close_req = 1;
	s->close_wait = (fz_cfg1 & FZ_C_LATE_CLOSED) ? 2 : 1;
	return 0;
}

static int
fz_io_abort(struct dp_lcore *lc, uint32_t h)
{
	return fz_io_close(lc, h);
}

static int
fz_io_export_km(struct dp_lcore *lc, uint32_t h, uint8_t *out, size_t out_len, const char *label,
		size_t label_len, const uint8_t *context, size_t context_len)
{
	(void)lc;
	(void)label;
	(void)label_len;
	(void)context;
	(void)context_len;
	io_slot(h, "export_km");
	memset(out, 0x3c, out_len);
	return 0;
}

static int
fz_io_cert_der(struct dp_lcore *lc, uint32_t h, uint8_t *buf, uint32_t cap)
{
	(void)lc;
	io_slot(h, "cert_der");
	if (cap < sizeof(fz_der))
		return -ENOBUFS;
	memcpy(buf, fz_der, sizeof(fz_der));
	return (int)sizeof(fz_der);
}

static const struct chan_io fz_io = {
	.read = fz_io_read,
	.write = fz_io_write,
	.close = fz_io_close,
	.abort = fz_io_abort,
	.export_km = fz_io_export_km,
	.peer_cert_der = fz_io_cert_der,
	.own_cert_der = fz_io_cert_der,
};

/* ---- the circuit layer's callbacks, wrapped ---- */

static uint64_t
ctr_refused(void)
{
	return ctr(DP_CTR_circ_create_bad) + ctr(DP_CTR_circ_create_full) +
	       ctr(DP_CTR_circ_create_cp_full);
}

static uint64_t
ctr_taken(void)
{
	return ctr(DP_CTR_circ_create_fast) + ctr(DP_CTR_circ_create_ntor) +
	       ctr(DP_CTR_circ_create_ntor3);
}

/* The fuzzer's tag in a CREATE cell's onionskin, if it is one it sent. */
static struct fz_fed *
fed_of(struct fz_slot *s, const struct wire_cell *c)
{
	struct wire_create2 cr;
	const uint8_t *hd;
	uint16_t htype, hlen;
	struct fz_fed *f;

	if (c->cmd == WIRE_CELL_CMD_CREATE_FAST) {
		htype = WIRE_HTYPE_FAST;
		hlen = WIRE_CREATE_FAST_LEN;
		hd = c->payload;
	} else if (c->cmd == WIRE_CELL_CMD_CREATE2 &&
		   wire_create2_decode(c->payload, c->payload_len, &cr) == 0) {
		htype = cr.htype;
		hlen = cr.hlen;
		hd = cr.hdata;
	} else {
		return NULL;
	}
	if (hlen < 8 || get32(hd) == FZ_NO_NONCE)
		return NULL;
	f = &fz_feds[get32(hd) % FZ_FEDS];
	if (f->gen != fz_gen || f->nonce != get32(hd) || f->slot != slot_no(s) ||
	    f->id != c->circ_id || get32(hd + 4) != c->circ_id || f->htype != htype ||
	    f->hash != hash_hs(htype, hlen, hd))
		return NULL;
	return f;
}

/*
 * What Chive did with a CREATE, from its counters: dropped it silently (id
 * 0, wrong half, or in use), refused it with a DESTROY, or made a circuit
 * (its CIRC_CREATE is on cell_up). In the last two cases the id was free:
 * every circuit the fuzzer holds under it is gone; and a record is made, in
 * order, for the DESTROY that may come.
 */
static void
after_create(struct fz_slot *s, const struct wire_cell *c, uint64_t silent0, uint64_t refused0,
	     uint64_t taken0)
{
	bool refused = ctr_refused() != refused0, taken = ctr_taken() != taken0;
	struct fz_fed *f;
	struct fz_rec *r;

	if (ctr(DP_CTR_circ_create_dup) + ctr(DP_CTR_circ_create_id_bad) != silent0)
		return;
	FZ_CHECK(refused != taken, "CREATE %#x on slot %d: refused %u, taken %u", c->circ_id,
		 slot_no(s), refused, taken);
	for (uint32_t i = 0; i < FZ_RECS; i++) {
		struct fz_rec *o = &fz_recs[i];

		if (rec_alive(o) && o->slot == slot_no(s) && o->id == c->circ_id)
			o->unmapped = 1;
	}
	r = rec_alloc();
	if (r == NULL) {
		fz_model_lost = true;
		return;
	}
	r->slot = (uint8_t)slot_no(s);
	r->id = c->circ_id;
	f = refused ? NULL : fed_of(s, c);
	if (f == NULL) {
		r->ghost = 1;
		r->unmapped = refused;
		FZ_V("  slot %d: CREATE %#x %s (r%d, not followed)\n", slot_no(s), c->circ_id,
		     refused ? "refused" : "taken", rec_no(r));
		return;
	}
	r->htype = f->htype;
	f->rec = (int16_t)rec_no(r);
	f->rec_seq = r->seq;
	FZ_V("  slot %d: CREATE %#x taken: circuit r%d (htype %u)\n", slot_no(s), c->circ_id,
	     rec_no(r), r->htype);
}

static void
fzw_cell(struct dp_lcore *lc, uint32_t chan, const struct wire_cell *c)
{
	struct fz_slot *s = slot_by_chan(chan);
	uint64_t rx0 = ctr(DP_CTR_circ_destroy_rx);
	uint64_t silent0 = ctr(DP_CTR_circ_create_dup) + ctr(DP_CTR_circ_create_id_bad);
	uint64_t refused0 = ctr_refused(), taken0 = ctr_taken();

	FZ_CHECK(s != NULL && s->ch->state == IPC_CHAN_STATE_OPEN &&
			 c->payload_len == WIRE_CELL_PAYLOAD_LEN,
		 "circuit cell (command %u) for channel %#x", c->cmd, chan);
	fz_circ_ops.cell(lc, chan, c);
	if (c->cmd == WIRE_CELL_CMD_CREATE || c->cmd == WIRE_CELL_CMD_CREATE_FAST ||
	    c->cmd == WIRE_CELL_CMD_CREATE2)
		after_create(s, c, silent0, refused0, taken0);
	/* A DESTROY that freed a circuit: the fuzzer's view of it ends (no DESTROY comes back). */
	if (c->cmd == WIRE_CELL_CMD_DESTROY && ctr(DP_CTR_circ_destroy_rx) != rx0) {
		struct fz_rec *r, *o = NULL;
		struct fz_bind *b;

		if (id_is_peers(s, c->circ_id)) {
			r = rec_mapped(slot_no(s), c->circ_id);
			if (r != NULL)
				rec_final(r, "the client's DESTROY");
		} else {
			b = bind_find(slot_no(s), c->circ_id, &o);
			if (b != NULL) {
				b->used = 0;
				o->unmapped = 1; /* its DESTROY toward the client follows */
			}
		}
	}
}

static void
fzw_opened(struct dp_lcore *lc, uint32_t chan)
{
	struct fz_slot *s = slot_by_chan(chan);

	FZ_CHECK(s != NULL && s->ch->state == IPC_CHAN_STATE_OPEN,
		 "circuit layer told channel %#x opened", chan);
	fz_circ_opened_n++;
	fz_circ_ops.opened(lc, chan);
}

static void
fzw_writable(struct dp_lcore *lc, uint32_t chan)
{
	fz_circ_ops.writable(lc, chan);
}

static void
fzw_closed(struct dp_lcore *lc, uint32_t chan, uint8_t reason)
{
	struct fz_slot *s = slot_by_chan(chan);

	FZ_CHECK(reason < IPC_CHAN_CLOSE_COUNT && s != NULL &&
			 s->ch->state == IPC_CHAN_STATE_CLOSING,
		 "circuit layer told channel %#x closed (reason %u)", chan, reason);
	fz_circ_closed_n++;
	fz_circ_ops.closed(lc, chan, reason);
}

static const struct dp_chan_cell_ops fz_wrap_ops = {
	.cell = fzw_cell,
	.opened = fzw_opened,
	.writable = fzw_writable,
	.closed = fzw_closed,
};

/* ---- the control plane ---- */

/* Hand @p msg to the dataplane from an exact-size heap copy (ASan sees over-reads). */
static void
ctl_send(struct dp_lcore *lc, const void *msg, size_t len, bool circ)
{
	uint8_t *b = malloc(len);
	uint16_t type = 0;
	uint16_t t = ((const struct ipc_hdr *)msg)->type;
	uint32_t dir = t == IPC_MSG_CIRC_LIST || t == IPC_MSG_CIRC_DESTROY ? IPC_DIR_CMD
									   : IPC_DIR_CELL_DOWN;

	FZ_CHECK(b != NULL, "malloc");
	memcpy(b, msg, len);
	FZ_CHECK(ipc_msg_validate(b, (uint32_t)len, dir, &type) == 0, "harness sent a bad message");
	if (circ)
		dp_circ_ctl_msg(lc, (const struct ipc_hdr *)(const void *)b);
	else
		dp_chan_ctl_msg(lc, (const struct ipc_hdr *)(const void *)b);
	OPENSSL_cleanse(b, len);
	free(b);
}

/* A CIRC_CREATE: check it against the CREATE it came from, queue it. */
static void
up_circ_create(uint32_t lci, const struct ipc_msg_circ_create *m)
{
	struct fz_slot *s = slot_by_chan(m->chan);
	struct fz_pend *p;
	struct fz_rec *r = NULL;

	FZ_CHECK((m->htype == WIRE_HTYPE_FAST && m->hlen == WIRE_CREATE_FAST_LEN) ||
			 (m->htype == WIRE_HTYPE_NTOR && m->hlen == WIRE_NTOR_ONIONSKIN_LEN) ||
			 (m->htype == WIRE_HTYPE_NTOR_V3 && m->hlen >= 1 &&
			  m->hlen <= IPC_CIRC_HDATA_MAX),
		 "CIRC_CREATE htype %u hlen %u", m->htype, m->hlen);
	FZ_CHECK(m->hdr.req_id != 0 && m->hdr.req_id != fz_last_req[lci] &&
			 (m->circ >> 25) == lci && ((m->circ >> 8) & 0x1ffffu) < fz_conf.max_circs,
		 "CIRC_CREATE req_id %u (last %u), handle %#x", m->hdr.req_id, fz_last_req[lci],
		 m->circ);
	fz_last_req[lci] = m->hdr.req_id;
	if (s != NULL && m->hlen >= 8) {
		uint32_t nonce = get32(m->hdata), id = get32(m->hdata + 4);
		struct fz_fed *f = &fz_feds[nonce % FZ_FEDS];

		if (nonce != FZ_NO_NONCE && f->gen == fz_gen && f->nonce == nonce && nonce != 0) {
			FZ_CHECK(f->slot == slot_no(s) && f->id == id && f->htype == m->htype &&
					 f->hash == hash_hs(m->htype, m->hlen, m->hdata),
				 "CIRC_CREATE on slot %d: the onionskin of CREATE %u (slot %u, id "
				 "%#x, htype %u) changed",
				 slot_no(s), nonce, f->slot, f->id, f->htype);
			f->nonce = 0;
			if (f->rec >= 0 && fz_recs[f->rec].used &&
			    fz_recs[f->rec].seq == f->rec_seq) {
				r = &fz_recs[f->rec];
				r->handle = m->circ;
				r->req_id = m->hdr.req_id;
				FZ_V("  CIRC_CREATE req %u: circuit r%d (slot %u id %#x)\n",
				     m->hdr.req_id, rec_no(r), r->slot, r->id);
			}
		}
	}
	if (fz_n_pend == FZ_PEND)
		return; /* the control plane forgets it: Chive's timeout will do */
	p = &fz_pend[fz_n_pend++];
	p->handle = m->circ;
	p->chan = m->chan;
	p->req_id = m->hdr.req_id;
	p->htype = m->htype;
	p->hlen = m->hlen;
	p->slot = s != NULL ? (uint8_t)slot_no(s) : 0xff; /* its channel may be gone already */
	p->lc = (uint8_t)lci;
	p->rec = r != NULL ? (int16_t)rec_no(r) : -1;
	p->rec_seq = r != NULL ? r->seq : 0;
}

/* Read cell_up: handshake requests and CIRC_CREATEs. */
static void
up_drain(void)
{
	union {
		struct ipc_hdr hdr;
		struct ipc_msg_chan_certs certs;
		struct ipc_msg_chan_auth_sign sign;
		struct ipc_msg_chan_auth_verify verify;
		struct ipc_msg_circ_create cc;
		uint8_t b[IPC_CELL_SLOT];
	} m;
	int n;

	for (uint32_t lci = 0; lci < fz_nlc; lci++)
		while ((n = ipc_ring_pop(&fz_up[lci], m.b, sizeof(m.b))) > 0) {
			uint16_t type = 0;
			struct fz_creq *q = NULL;

			if (m.hdr.type == IPC_MSG_CELL_UP && m.hdr.req_id == FZ_JUNK_REQ)
				continue;
			FZ_CHECK(ipc_msg_validate(m.b, (uint32_t)n, IPC_DIR_CELL_UP, &type) == 0,
				 "bad message on cell_up (type %u, len %u)", m.hdr.type, m.hdr.len);
			switch (type) {
			case IPC_MSG_CIRC_CREATE:
				up_circ_create(lci, &m.cc);
				break;
			case IPC_MSG_CHAN_CERTS:
				if (m.certs.offset + m.certs.chunk_len == m.certs.total_len &&
				    fz_n_creqs < FZ_CREQS)
					q = &fz_creqs[fz_n_creqs++];
				if (q != NULL)
					*q = (struct fz_creq){type, m.certs.chan, m.hdr.req_id};
				break;
			case IPC_MSG_CHAN_AUTH_SIGN:
			case IPC_MSG_CHAN_AUTH_VERIFY:
				if (fz_n_creqs < FZ_CREQS)
					fz_creqs[fz_n_creqs++] = (struct fz_creq){
						type,
						type == IPC_MSG_CHAN_AUTH_SIGN ? m.sign.chan
									       : m.verify.chan,
						m.hdr.req_id};
				break;
			default:
				FZ_CHECK(0, "unexpected message type %u on cell_up", type);
			}
		}
}

static bool
creq_take(uint16_t type, uint32_t chan, uint32_t *req_id)
{
	for (uint32_t i = fz_n_creqs; i-- > 0;) {
		if (fz_creqs[i].type == type && fz_creqs[i].chan == chan) {
			*req_id = fz_creqs[i].req_id;
			fz_creqs[i] = fz_creqs[--fz_n_creqs];
			return true;
		}
	}
	return false;
}

/*
 * One CIRC_INFO: a live circuit, consistent with the channels and the model.
 * A next-hop half (two lcores) has no previous hop; a circuit whose next hop
 * is a half on another lcore names that half in n_chan.
 */
static void
check_circ_info(const struct ipc_msg_circ_info *m)
{
	struct fz_slot *p = slot_by_chan(m->p_chan), *n = slot_by_chan(m->n_chan);
	uint32_t here = fz_list_lc->idx & 0x7fu;
	bool remote = m->n_chan != 0 && (m->n_chan >> 25) != here;

	FZ_CHECK(m->hdr.req_id == fz_list_req && (m->circ >> 25) == here &&
			 m->state >= IPC_CIRC_STATE_CREATING && m->state < IPC_CIRC_STATE_COUNT &&
			 m->early_in <= 8 && m->q_p <= fz_conf.queue_max &&
			 m->q_n <= fz_conf.queue_max,
		 "CIRC_INFO %#x: state %u early %u queues %u/%u (cap %u)", m->circ, m->state,
		 m->early_in, m->q_p, m->q_n, fz_conf.queue_max);
	if (m->state == IPC_CIRC_STATE_HALF) {
		FZ_CHECK(m->p_chan == 0 && m->p_circ_id == 0 && m->q_p == 0 && n != NULL &&
				 n->lc == fz_list_lc && m->n_circ_id != 0 &&
				 !id_is_peers(n, m->n_circ_id),
			 "CIRC_INFO %#x: a half with previous hop %#x/%#x, next hop %#x/%#x",
			 m->circ, m->p_chan, m->p_circ_id, m->n_chan, m->n_circ_id);
		fz_list_infos++;
		return;
	}
	FZ_CHECK(m->htype >= WIRE_HTYPE_FAST && m->htype <= WIRE_HTYPE_NTOR_V3,
		 "CIRC_INFO %#x: htype %u", m->circ, m->htype);
	FZ_CHECK(p != NULL && p->lc == fz_list_lc && m->p_circ_id != 0 &&
			 id_is_peers(p, m->p_circ_id),
		 "CIRC_INFO %#x: previous hop channel %#x id %#x", m->circ, m->p_chan,
		 m->p_circ_id);
	if (remote)
		FZ_CHECK((m->n_chan >> 25) < fz_nlc && (m->state == IPC_CIRC_STATE_OPEN ||
							m->state == IPC_CIRC_STATE_WAIT_XL ||
							m->state == IPC_CIRC_STATE_WAIT_CREATED),
			 "CIRC_INFO %#x: half %#x on another lcore in state %u", m->circ, m->n_chan,
			 m->state);
	else if (m->n_chan == 0)
		FZ_CHECK(m->n_circ_id == 0 && m->q_n == 0 &&
				 (m->state == IPC_CIRC_STATE_CREATING ||
				  m->state == IPC_CIRC_STATE_OPEN ||
				  m->state == IPC_CIRC_STATE_WAIT_XL),
			 "CIRC_INFO %#x: no next hop, id %#x, state %u", m->circ, m->n_circ_id,
			 m->state);
	else
		FZ_CHECK(n != NULL && n != p && n->lc == fz_list_lc &&
				 m->state != IPC_CIRC_STATE_CREATING &&
				 (m->state == IPC_CIRC_STATE_WAIT_CHAN
					  ? m->n_circ_id == 0
					  : m->n_circ_id != 0 && !id_is_peers(n, m->n_circ_id)),
			 "CIRC_INFO %#x: next hop channel %#x id %#x, state %u", m->circ, m->n_chan,
			 m->n_circ_id, m->state);
	for (uint32_t i = 0; i < FZ_RECS; i++) {
		const struct fz_rec *r = &fz_recs[i];

		if (rec_alive(r) && !r->unmapped && r->handle == m->circ)
			FZ_CHECK(r->slot == slot_no(p) && r->id == m->p_circ_id,
				 "CIRC_INFO %#x: slot %d id %#x; circuit r%d is slot %u id %#x",
				 m->circ, slot_no(p), m->p_circ_id, rec_no(r), r->slot, r->id);
	}
	fz_list_infos++;
}

/* Read the event ring: every message valid and consistent with what was asked. */
static void
evt_drain(void)
{
	union {
		struct ipc_hdr hdr;
		struct ipc_msg_circ_info info;
		struct ipc_msg_chan_list_end end;
		struct ipc_msg_circ_status st;
		uint8_t b[IPC_EVT_SLOT];
	} m;
	int n;

	for (uint32_t lci = 0; lci < fz_nlc; lci++)
		while ((n = ipc_ring_pop(&fz_evt[lci], m.b, sizeof(m.b))) > 0) {
			uint16_t type = 0;

			FZ_CHECK(ipc_msg_validate(m.b, (uint32_t)n, IPC_DIR_EVT, &type) == 0,
				 "bad event (type %u)", m.hdr.type);
			switch (type) {
			case IPC_MSG_LINK_INSTALLED:
			case IPC_MSG_CHAN_STATUS:
				break;
			case IPC_MSG_CIRC_INFO:
				check_circ_info(&m.info);
				break;
			case IPC_MSG_CIRC_LIST_END:
				FZ_CHECK(m.hdr.req_id == fz_list_req &&
						 m.end.count == fz_list_infos &&
						 m.end.count <= fz_list_max &&
						 m.end.total == dp_circ_count(fz_list_lc),
					 "CIRC_LIST_END: count %u (saw %u, max %u), total %u (%u "
					 "circuits)",
					 m.end.count, fz_list_infos, fz_list_max, m.end.total,
					 dp_circ_count(fz_list_lc));
				fz_list_infos = 0;
				break;
			case IPC_MSG_CIRC_STATUS:
				FZ_CHECK(
					m.hdr.req_id == fz_destroy_req &&
						(fz_destroy_want == 1
							 ? m.st.status == 0 || m.st.status == -EBADF
							 : m.st.status == fz_destroy_want),
					"CIRC_STATUS %d for CIRC_DESTROY %#x", m.st.status,
					m.st.circ);
				break;
			default:
				FZ_CHECK(0, "unexpected event type %u", type);
			}
		}
}

/* Derive 72 bytes of key material from a 16-bit seed (the input's). */
static void
keys_from(uint8_t keys[IPC_CIRC_KEYS_LEN], uint16_t seed)
{
	pattern(keys, IPC_CIRC_KEYS_LEN, UINT64_C(0x6b657973) << 16 | seed);
}

/*
 * Answer pending CIRC_CREATE @p p. @p a & 7: 0 ok, 1 handshake failed, 2
 * busy, 3 timeout, 4 status 9, 5 ok with a bad reply length, 6 stale
 * req_id, 7 wrong handle; bit 3 (ANSWER only) twice; bits 4-7 the CREATED2
 * reply length.
 */
static void
cp_answer(struct fz_pend p, uint8_t a, uint16_t seed, bool twice)
{
	static const uint8_t statuses[8] = {IPC_CIRC_OK,
					    IPC_CIRC_FAIL_HANDSHAKE,
					    IPC_CIRC_FAIL_BUSY,
					    IPC_CIRC_FAIL_TIMEOUT,
					    9,
					    IPC_CIRC_OK,
					    IPC_CIRC_OK,
					    IPC_CIRC_OK};
	struct ipc_msg_circ_created m;
	uint8_t mode = a & 7;
	struct fz_rec *r = NULL;
	bool fast = p.htype == WIRE_HTYPE_FAST, good;

	memset(&m, 0, sizeof(m));
	ipc_hdr_init(&m.hdr, IPC_MSG_CIRC_CREATED, sizeof(m),
		     mode == 6 ? p.req_id + 1 + (a >> 4) : p.req_id);
	m.circ = mode == 7 ? (a & 0x10 ? p.handle ^ 0x100u
				       : (p.handle & ~0xffu) | ((p.handle + 1) & 0xffu))
			   : p.handle;
	m.status = statuses[mode];
	m.fail = mode == 1 ? 3 : 0;
	m.reply_len = fast ? WIRE_CREATED_FAST_LEN : fz_reply_lens[a >> 4];
	if (mode == 5)
		m.reply_len = fast ? (uint16_t)(39 + ((a >> 4) & 1) * 2) : 508 + (a >> 4);
	keys_from(m.keys, seed);
	pattern(m.reply, sizeof(m.reply), UINT64_C(0x7265706c79) << 16 | seed);
	good = m.status == IPC_CIRC_OK && mode != 5;
	if (p.rec >= 0 && fz_recs[p.rec].used && fz_recs[p.rec].seq == p.rec_seq)
		r = &fz_recs[p.rec];
	if (good && m.reply_len >= 8) {
		struct fz_ans *e = &fz_answers[++fz_ans_seq % FZ_ANS];

		put32(m.reply, fz_ans_seq);
		put32(m.reply + 4, m.circ);
		memset(e, 0, sizeof(*e));
		e->gen = fz_gen;
		e->seq = fz_ans_seq;
		e->handle = m.circ;
		e->rec = mode == 0 && r != NULL ? (int16_t)rec_no(r) : -1;
		e->rec_seq = r != NULL ? r->seq : 0;
		e->slot = p.slot;
		e->htype = (uint8_t)p.htype;
		e->len = m.reply_len;
		e->hash = fnv(UINT64_C(7), m.reply, m.reply_len);
	}
	if (good && p.slot < FZ_SLOTS)
		fz_slots[p.slot].ok_answers += twice ? 2 : 1;
	FZ_V("  CIRC_CREATED req %u circ %#x status %u reply %u (mode %u%s)\n", m.hdr.req_id,
	     m.circ, m.status, m.reply_len, mode, twice ? ", twice" : "");
	if (mode == 0 && r != NULL && rec_alive(r) && !r->unmapped && !r->keyed) {
		FZ_CHECK(dp_rc_set_keys(&r->rc, m.keys) == 0, "dp_rc_set_keys");
		r->keyed = 1;
	}
	ctl_send(&fz_lcs[p.lc], &m, sizeof(m), true);
	if (twice)
		ctl_send(&fz_lcs[p.lc], &m, sizeof(m), true);
}

static void
pend_answer(uint8_t i, uint8_t a, uint16_t seed, bool twice)
{
	struct fz_pend p;

	if (fz_n_pend == 0)
		return;
	i %= fz_n_pend;
	p = fz_pend[i];
	memmove(&fz_pend[i], &fz_pend[i + 1], (fz_n_pend - i - 1) * sizeof(fz_pend[0]));
	fz_n_pend--;
	cp_answer(p, a, seed, twice);
}

/* ---- feeding the peer's bytes ---- */

static void
slot_feed(struct fz_slot *s, const uint8_t *p, uint32_t n)
{
	if (n == 0 || s->rx_len + n > FZ_RX_MAX)
		return;
	if (s->rx_len + n > s->rx_cap) {
		uint32_t cap = s->rx_cap < 4096 ? 4096 : s->rx_cap;
		uint8_t *nb;

		while (cap < s->rx_len + n)
			cap *= 2;
		nb = realloc(s->rx, cap);
		FZ_CHECK(nb != NULL, "realloc");
		s->rx = nb;
		s->rx_cap = cap;
	}
	memcpy(s->rx + s->rx_len, p, n);
	s->rx_len += n;
}

/* TLS has bytes: `readable` (when TLS would say it). */
static void
slot_readable(struct fz_slot *s)
{
	if (s->used && s->hs_done && !s->close_req)
		fz_tls_ops->readable(s->lc, s->tls_h, s->ch);
}

static void
feed_fixed(struct fz_slot *s, uint32_t id, uint8_t cmd, const uint8_t *payload)
{
	uint8_t cell[WIRE_CELL_LEN];

	FZ_CHECK(wire_cell_encode_fixed(cell, sizeof(cell), 4, id, cmd, payload,
					WIRE_CELL_PAYLOAD_LEN) == WIRE_CELL_LEN,
		 "encode");
	FZ_V("  slot %d rx cmd %u id %#x\n", slot_no(s), cmd, id);
	slot_feed(s, cell, sizeof(cell));
}

static void
feed_var(struct fz_slot *s, uint16_t link, uint8_t cmd, const uint8_t *payload, size_t len)
{
	static uint8_t cell[7 + 65535];
	int n = wire_cell_encode_var(cell, sizeof(cell), link, 0, cmd, payload, len);

	FZ_CHECK(n > 0, "encode var");
	FZ_V("  slot %d rx var cmd %u len %zu\n", slot_no(s), cmd, len);
	slot_feed(s, cell, (uint32_t)n);
}

/* ---- handshakes ---- */

static void
feed_netinfo(struct fz_slot *s)
{
	uint8_t p[WIRE_CELL_PAYLOAD_LEN], ip[4], mine[4];
	struct wire_netinfo_addr other = {WIRE_NETINFO_ATYPE_IPV4, 4, ip};
	struct wire_netinfo_addr my = {WIRE_NETINFO_ATYPE_IPV4, 4, mine};

	memset(p, 0, sizeof(p));
	put32(ip, FZ_OUR_IP);
	put32(mine, FZ_PUB_IP + s->ident);
	FZ_CHECK(wire_netinfo_encode(p, sizeof(p), s->kind == FZ_K_CLIENT ? 0 : 1700000000u, &other,
				     &my, s->kind == FZ_K_CLIENT ? 0 : 1) > 0,
		 "netinfo");
	feed_fixed(s, 0, WIRE_CELL_CMD_NETINFO, p);
}

static void
answer_certs(struct fz_slot *s, uint8_t mode)
{
	struct ipc_msg_chan_certs_result m;
	uint32_t req;
	uint8_t k = s->ident < FZ_IDENTS ? s->ident : 0;

	up_drain();
	if (!creq_take(IPC_MSG_CHAN_CERTS, s->chan_h, &req))
		return;
	memset(&m, 0, sizeof(m));
	ipc_hdr_init(&m.hdr, IPC_MSG_CHAN_CERTS_RESULT, sizeof(m), req);
	m.chan = s->chan_h;
	m.status = mode == 1 ? 4 : 0;
	m.expires = 2000000000;
	if (s->role == IPC_ROLE_INITIATOR)
		memcpy(m.rsa_id_sha1, s->ch->hs->expect_rsa, 20);
	else
		memcpy(m.rsa_id_sha1, fz_rsa[k], 20);
	memcpy(m.rsa_id_sha256, fz_sha[k], 32);
	if (s->role == IPC_ROLE_INITIATOR && (s->ch->hs->flags & HS_EXPECT_ED))
		memcpy(m.ed_id, s->ch->hs->expect_ed, 32);
	else
		memcpy(m.ed_id, fz_ed[k], 32);
	if (mode == 2) {
		memcpy(m.rsa_id_sha1, s->role == IPC_ROLE_INITIATOR ? fz_rsa_other : fz_id_ours,
		       20);
		memcpy(m.ed_id, fz_ed_other, 32);
	}
	memset(m.ed_auth, 0x61, 32);
	if (m.status == 0)
		memcpy(s->peer_rsa, m.rsa_id_sha1, 20);
	ctl_send(s->lc, &m, sizeof(m), false);
}

/*
 * Run slot @p s's handshake: every step (@p stop false) or the next one.
 * @p mode: 0 as expected, 1 the CERTS verdict fails, 2 another identity.
 */
static void
hs_advance(struct fz_slot *s, uint8_t mode, bool stop)
{
	static const uint16_t v45[2] = {4, 5}, v4[1] = {4};
	uint8_t body[64];
	uint32_t req;

	while (s->used && !s->close_req && s->step != FZ_STEP_DONE) {
		uint8_t step = s->step++;

		memset(body, 0x5c, sizeof(body));
		if (step == 0) {
			s->hs_done = 1;
			fz_tls_ops->handshake_done(s->lc, s->tls_h, s->ch);
		} else if (step == 1) {
			uint8_t v[4];
			int n = wire_versions_encode(v, sizeof(v), s->link == 4 ? v4 : v45,
						     s->link == 4 ? 1 : 2);

			feed_var(s, 0, WIRE_CELL_CMD_VERSIONS, v, (size_t)n);
			if (s->kind == FZ_K_RELAY && s->role == IPC_ROLE_INITIATOR)
				feed_var(s, s->link, WIRE_CELL_CMD_CERTS, body, 40);
			slot_readable(s);
			if (s->kind == FZ_K_RELAY && s->role == IPC_ROLE_INITIATOR)
				answer_certs(s, mode);
		} else if (s->kind == FZ_K_CLIENT) {
			feed_netinfo(s);
			slot_readable(s);
			s->step = FZ_STEP_DONE;
		} else if (s->role == IPC_ROLE_RESPONDER && step == 2) {
			feed_var(s, s->link, WIRE_CELL_CMD_CERTS, body, 40);
			slot_readable(s);
			answer_certs(s, mode);
		} else if (s->role == IPC_ROLE_RESPONDER && step == 3) {
			struct ipc_msg_chan_auth_result m;

			feed_var(s, s->link, WIRE_CELL_CMD_AUTHENTICATE, body, 40);
			slot_readable(s);
			up_drain();
			if (creq_take(IPC_MSG_CHAN_AUTH_VERIFY, s->chan_h, &req)) {
				memset(&m, 0, sizeof(m));
				ipc_hdr_init(&m.hdr, IPC_MSG_CHAN_AUTH_RESULT, sizeof(m), req);
				m.chan = s->chan_h;
				ctl_send(s->lc, &m, sizeof(m), false);
			}
		} else if (s->role == IPC_ROLE_INITIATOR && step == 2) {
			static const uint16_t methods[2] = {1,
							    WIRE_AUTHTYPE_ED25519_SHA256_RFC5705};
			struct ipc_msg_chan_auth_signed m;
			uint8_t ac[64];
			int n = wire_auth_challenge_encode(ac, sizeof(ac), body, methods, 2);

			feed_var(s, s->link, WIRE_CELL_CMD_AUTH_CHALLENGE, ac, (size_t)n);
			slot_readable(s);
			up_drain();
			if (creq_take(IPC_MSG_CHAN_AUTH_SIGN, s->chan_h, &req)) {
				memset(&m, 0, sizeof(m));
				ipc_hdr_init(&m.hdr, IPC_MSG_CHAN_AUTH_SIGNED, sizeof(m), req);
				m.chan = s->chan_h;
				m.payload_len = IPC_AUTH3_PAYLOAD_LEN;
				memcpy(m.payload, fz_signed, sizeof(fz_signed));
				ctl_send(s->lc, &m, sizeof(m), false);
			}
		} else {
			feed_netinfo(s);
			slot_readable(s);
			s->step = FZ_STEP_DONE;
		}
		if (stop)
			break;
	}
	if (s->used && !s->close_req && s->ch->state == IPC_CHAN_STATE_OPEN)
		s->step = FZ_STEP_DONE;
}

/* TLS says the connection is gone: the channel must be freed by it. */
static void
slot_closed(struct fz_slot *s, enum dp_tls_close_reason reason)
{
	struct chan *ch = s->ch;
	int no = slot_no(s);

	FZ_V("  slot %d: closed (reason %d)%s\n", no, (int)reason, s->close_req ? "" : ", unasked");
	fz_tls_ops->closed(s->lc, s->tls_h, ch, reason);
	FZ_CHECK(ch->state == IPC_CHAN_STATE_FREE, "slot %d: channel in state %u after `closed`",
		 no, ch->state);
	/* Everything on that channel is gone. */
	for (uint32_t i = 0; i < FZ_RECS; i++) {
		struct fz_rec *r = &fz_recs[i];

		if (!r->used)
			continue;
		if (rec_alive(r) && r->slot == no)
			rec_final(r, "its channel closed");
		for (uint32_t k = 0; k < FZ_BINDS; k++)
			if (r->bind[k].used && r->bind[k].slot == no) {
				r->bind[k].used = 0;
				if (rec_alive(r))
					r->unmapped = 1; /* Chive frees it and says DESTROY */
			}
	}
	for (uint32_t i = 0; i < fz_n_pend;) {
		if (fz_pend[i].slot == no && fz_pend[i].chan == s->chan_h)
			fz_pend[i].slot = 0xff;
		i++;
	}
	slot_reset(s);
}

/* ---- ops ---- */

static void
op_open(struct fz_slot *s, uint8_t a)
{
	uint8_t kind = a & 3, ident = (a >> 2) & 3;
	struct dp_lcore *lc = &fz_lcs[(a & 0x40) && fz_nlc > 1 ? 1 : 0];

	if (s->used || !lc->chan->creds.installed)
		return;
	if (kind == 3) {
		uint32_t h = 0;
		int rc;

		fz_opening_slot = slot_no(s);
		rc = dp_chan_open(lc, FZ_PUB_IP + ident, 9001, fz_rsa[ident],
				  (a & 0x10) ? fz_ed[ident] : NULL, 0, &h);
		fz_opening_slot = -1;
		if (rc != 0)
			return;
		FZ_CHECK(s->used && s->chan_h == h, "dp_chan_open made no slot");
	} else {
		void *ctx = NULL;

		slot_reset(s);
		s->tls_h = FZ_FAKE_TLS + fz_next_fake++;
		if (fz_tls_ops->accepted(lc, s->tls_h, NULL, &ctx) != 0)
			return;
		s->lc = lc;
		s->used = 1;
		s->role = IPC_ROLE_RESPONDER;
		s->kind = kind == 2 ? FZ_K_RELAY : FZ_K_CLIENT;
		s->link = kind == 1 ? 4 : 5;
		s->ch = ctx;
		s->chan_h = chan_handle_of(lc, s->ch);
	}
	s->ident = kind >= 2 ? ident : 0xff;
	FZ_V("  slot %d: %s channel (identity %u)\n", slot_no(s),
	     kind < 2	 ? "client"
	     : kind == 2 ? "relay-to-us"
			 : "us-to-relay",
	     s->ident);
	hs_advance(s, 0, (a & 0x20) != 0);
}

static void
op_drive(struct fz_slot *s, uint8_t m)
{
	if (!s->used || s->close_req || s->step == FZ_STEP_DONE)
		return;
	if ((m & 3) == 3) {
		slot_closed(s, s->role == IPC_ROLE_INITIATOR ? DP_TLS_CLOSE_REFUSED
							     : DP_TLS_CLOSE_PEER_CLOSED);
		return;
	}
	hs_advance(s, m & 3, false);
}

/* A fresh circuit id of the peer's half on @p s. */
static uint32_t
fresh_id(struct fz_slot *s, uint32_t salt)
{
	for (uint32_t k = 0;; k++) {
		uint32_t id = ((salt * 7919u + k * 104729u + fz_nonce) & 0x7fffffffu) | 1u;

		if (s->role == IPC_ROLE_RESPONDER)
			id |= 0x80000000u;
		if (ident_find(s, id, false) == NULL || k > 64)
			return id;
	}
}

/*
 * Send a tagged CREATE on slot @p s. @p k & 3: CREATE_FAST, CREATE2 ntor,
 * ntor-v3 (HLEN (k >> 2) * 4 + 1), bad. @p id_sel & 3: fresh, 0, wrong half,
 * a tracked circuit's id.
 */
static void
send_create(struct fz_slot *s, uint8_t k, uint8_t id_sel)
{
	uint8_t p[WIRE_CELL_PAYLOAD_LEN], hd[WIRE_CREATE2_HDATA_MAX];
	uint16_t htype = 0, hlen = 0;
	uint8_t cmd = WIRE_CELL_CMD_CREATE2;
	uint32_t id;
	struct fz_fed *f;

	switch (id_sel & 3) {
	case 0:
		id = fresh_id(s, id_sel);
		break;
	case 1:
		id = 0;
		break;
	case 2:
		id = fresh_id(s, id_sel) ^ 0x80000000u;
		break;
	default: {
		struct fz_rec *r = NULL;

		for (uint32_t i = 0; i < FZ_RECS && r == NULL; i++)
			if (rec_alive(&fz_recs[(i + id_sel) % FZ_RECS]) &&
			    fz_recs[(i + id_sel) % FZ_RECS].slot == slot_no(s))
				r = &fz_recs[(i + id_sel) % FZ_RECS];
		id = r != NULL ? r->id : fresh_id(s, id_sel);
		break;
	}
	}
	++fz_nonce;
	pattern(hd, sizeof(hd), fz_nonce);
	put32(hd, fz_nonce);
	put32(hd + 4, id);
	memset(p, 0, sizeof(p));
	switch (k & 3) {
	case 0:
		cmd = WIRE_CELL_CMD_CREATE_FAST;
		htype = WIRE_HTYPE_FAST;
		hlen = WIRE_CREATE_FAST_LEN;
		memcpy(p, hd, hlen);
		break;
	case 1:
		htype = WIRE_HTYPE_NTOR;
		hlen = WIRE_NTOR_ONIONSKIN_LEN;
		break;
	case 2:
		htype = WIRE_HTYPE_NTOR_V3;
		hlen = (uint16_t)((k >> 2) * 4 + 1);
		break;
	default:
		switch ((k >> 2) & 3) {
		case 0:
			cmd = WIRE_CELL_CMD_CREATE;
			memcpy(p, hd, 200);
			break;
		case 1:
			htype = WIRE_HTYPE_FAST;
			hlen = 20;
			break;
		case 2:
			htype = 9;
			hlen = 84;
			break;
		default:
			htype = WIRE_HTYPE_NTOR;
			hlen = 83;
			break;
		}
		break;
	}
	if (cmd == WIRE_CELL_CMD_CREATE2)
		wire_create2_encode(p, sizeof(p), htype, hd, hlen);
	f = &fz_feds[fz_nonce % FZ_FEDS];
	f->gen = fz_gen;
	f->nonce = fz_nonce;
	f->rec = -1;
	f->id = id;
	f->slot = (uint8_t)slot_no(s);
	f->htype = (uint8_t)htype;
	f->hash = hash_hs(htype, hlen, hd);
	ident_note(s, id,
		   cmd == WIRE_CELL_CMD_CREATE_FAST ? FZ_ID_FAST
		   : cmd == WIRE_CELL_CMD_CREATE2   ? FZ_ID_C2
						    : FZ_ID_OTHER);
	feed_fixed(s, id, cmd, p);
}

/* Answer the newest pending CIRC_CREATE of slot @p s. */
static void
answer_newest(struct fz_slot *s, uint8_t a, uint16_t seed)
{
	for (uint32_t i = fz_n_pend; i-- > 0;)
		if (fz_pend[i].slot == slot_no(s) && fz_pend[i].chan == s->chan_h) {
			pend_answer((uint8_t)i, a, seed, false);
			return;
		}
}

static void
op_create(struct fz_slot *s, uint8_t k, uint8_t i, uint8_t a, uint16_t seed)
{
	uint32_t n0 = fz_n_pend;

	if (!slot_is_open(s))
		return;
	send_create(s, k, i);
	slot_readable(s);
	if (fz_stall == 0)
		up_drain();
	if (!(a & 0x08) && fz_n_pend > n0)
		answer_newest(s, a & 0xf7, seed);
}

/*
 * Build an EXTEND2 body for circuit @p r from three input bytes:
 *   t  bits 0-1 relay identity k (address FZ_PUB_IP + k); bits 2-3 the legacy id: relay
 *      k's, ours, the previous hop's, an unknown one; bit 4 the Ed25519 id of another
 *      relay, bit 5 ours (else relay k's);
 *   f  bit 0 with the Ed25519 id; 1 no IPv4; 2 IPv6 too; 3 port 0; 4 a private address;
 *      5 no legacy id; 6 ntor-v3 (HLEN 1 + 3 (h & 127)); 7 an unknown link specifier first;
 *   h  the ntor-v3 length; with ntor, bit 7 makes HTYPE h & 7.
 * The handshake starts with a nonce and the circuit's number (a tag).
 * @return its length, or negative.
 */
static int
relay_extend2(struct fz_rec *r, struct fz_in *in, uint8_t *out, size_t cap)
{
	struct wire_extend2 e;
	uint8_t t = in_u8(in), f = in_u8(in), h = in_u8(in), hd[WIRE_CREATE2_HDATA_MAX];
	uint8_t k = t & 3;
	int n;

	memset(&e, 0, sizeof(e));
	e.has_ipv4 = !(f & 0x02);
	e.ipv4_addr = (f & 0x10) ? FZ_PRIV_IP + k : FZ_PUB_IP + k;
	e.ipv4_port = (f & 0x08) ? 0 : 9001;
	e.has_ipv6 = (f & 0x04) != 0;
	memset(e.ipv6_addr, 0x20, 16);
	e.ipv6_port = 443;
	e.has_legacy_id = !(f & 0x20);
	switch ((t >> 2) & 3) {
	case 0:
		memcpy(e.legacy_id, fz_rsa[k], 20);
		break;
	case 1:
		memcpy(e.legacy_id, fz_id_ours, 20);
		break;
	case 2:
		memcpy(e.legacy_id, fz_slots[r->slot].ch->peer_rsa, 20);
		break;
	default:
		memcpy(e.legacy_id, fz_rsa_other, 20);
		break;
	}
	e.has_ed_id = (f & 0x01) != 0;
	memcpy(e.ed_id, (t & 0x10) ? fz_ed_other : (t & 0x20) ? fz_ed_ours : fz_ed[k], 32);
	if (f & 0x40) {
		e.htype = WIRE_HTYPE_NTOR_V3;
		e.hlen = (uint16_t)(1 + (h & 0x7f) * 3);
	} else {
		e.htype = (h & 0x80) ? (uint16_t)(h & 7) : WIRE_HTYPE_NTOR;
		e.hlen = WIRE_NTOR_ONIONSKIN_LEN;
	}
	++fz_nonce;
	pattern(hd, sizeof(hd), UINT64_C(0xe2) << 32 | fz_nonce);
	if (e.hlen >= 8) {
		put32(hd, fz_nonce);
		put32(hd + 4, (uint32_t)rec_no(r));
	}
	e.hdata = hd;
	n = wire_extend2_encode(out, cap, &e);
	if (n > 0 && (f & 0x80) && (size_t)n + 4 <= cap && n + 4 <= WIRE_RELAY_DATA_MAX) {
		/* An unknown link specifier after the known ones: NSPEC + 1, then type 9, len 2. */
		memmove(out + 1 + 4, out + 1, (size_t)n - 1);
		out[1] = 9;
		out[2] = 2;
		out[3] = 0xab;
		out[4] = 0xcd;
		out[0]++;
		n += 4;
	}
	return n;
}

/* Record an EXTEND2 Chive recognizes (body @p d, @p len bytes) as pending for @p r. */
static void
note_extend2(struct fz_rec *r, const uint8_t *d, uint16_t len, bool early)
{
	struct wire_extend2 e;
	struct fz_slot *p = &fz_slots[r->slot];
	struct fz_ext *x = NULL;
	uint8_t prev[20];
	bool refused, attached = false;

	/* Chive has a next hop, or is getting one, for the current extension. */
	for (uint32_t k = 0; k < FZ_BINDS; k++)
		attached |= r->bind[k].used && r->bind[k].epoch == r->epoch;
	for (uint32_t k = 0; k < FZ_EXTS; k++)
		attached |= r->ext[k].used && !r->ext[k].refused && r->ext[k].epoch == r->epoch;
	r->epoch++;
	if (wire_extend2_decode(d, len, &e) != 0 || !e.has_legacy_id)
		return;
	memcpy(prev, p->ch->peer_rsa, 20);
	refused = !early || !e.has_ipv4 || e.ipv4_port == 0 ||
		  !((e.htype == WIRE_HTYPE_NTOR && e.hlen == WIRE_NTOR_ONIONSKIN_LEN) ||
		    (e.htype == WIRE_HTYPE_NTOR_V3 && e.hlen > 0)) ||
		  memcmp(e.legacy_id, fz_id_ours, 20) == 0 ||
		  (e.has_ed_id && memcmp(e.ed_id, fz_ed_ours, 32) == 0) ||
		  memcmp(e.legacy_id, prev, 20) == 0 ||
		  (!fz_conf.extend_private && ipv4_private(e.ipv4_addr)) || attached;
	for (uint32_t k = 0; k < FZ_EXTS && x == NULL; k++)
		if (!r->ext[k].used)
			x = &r->ext[k];
	for (uint32_t k = 0; k < FZ_EXTS && x == NULL; k++)
		if (r->ext[k].refused)
			x = &r->ext[k];
	if (x == NULL) {
		fz_ext_lost = true;
		x = &r->ext[0];
	}
	memset(x, 0, sizeof(*x));
	x->used = 1;
	x->refused = refused;
	x->epoch = r->epoch;
	memcpy(x->rsa, e.legacy_id, 20);
	x->addr = e.ipv4_addr;
	x->port = e.ipv4_port;
	x->hash = hash_hs(e.htype, e.hlen, e.hdata);
	/* Two pending extensions with the same handshake: which is which is unknown. */
	for (uint32_t i = 0; i < FZ_RECS; i++)
		for (uint32_t k = 0; k < FZ_EXTS && fz_recs[i].used; k++) {
			struct fz_ext *o = &fz_recs[i].ext[k];

			if (o != x && o->used && o->hash == x->hash &&
			    memcmp(o->rsa, x->rsa, 20) == 0) {
				fz_recs[i].tainted = 1;
				r->tainted = 1;
			}
		}
	FZ_V("  r%d: EXTEND2 to %02x.. %08x:%u (extension %u)%s\n", rec_no(r), x->rsa[0], x->addr,
	     x->port, x->epoch, refused ? ", must be refused" : "");
}

/*
 * Send relay cell @p plain (a plaintext payload; its digest field is set
 * here unless @p raw) for circuit @p r, with payload byte @p t_off ^= @p
 * t_xor when @p tamper; predict what Chive does with it.
 */
static void
send_relay(struct fz_rec *r, uint8_t *plain, bool early, bool raw, bool tamper, uint8_t t_off,
	   uint8_t t_xor)
{
	struct fz_slot *s = &fz_slots[r->slot];
	uint8_t cmd = early ? WIRE_CELL_CMD_RELAY_EARLY : WIRE_CELL_CMD_RELAY;
	struct wire_relay_hdr h;

	if (!raw) {
		struct dp_rc_dir tmp = r->rc.fwd; /* with its key schedule: wiped whole */

		dp_rc_digest_set(&tmp, plain);
		OPENSSL_cleanse(&tmp, sizeof(tmp));
	}
	if (tamper)
		plain[t_off % WIRE_CELL_PAYLOAD_LEN] ^= (uint8_t)(t_xor | 1);
	if (dp_rc_digest_check(&r->rc.fwd, plain)) {
		/* Chive recognizes it (tor-spec.txt §6.1). */
		if (wire_relay_hdr_decode(plain, WIRE_CELL_PAYLOAD_LEN, &h) == 0) {
			FZ_V("  r%d: relay command %u stream %u len %u, for Chive\n", rec_no(r),
			     h.cmd, h.stream_id, h.length);
			if (h.cmd == WIRE_RELAY_CMD_BEGIN || h.cmd == WIRE_RELAY_CMD_BEGIN_DIR ||
			    h.cmd == WIRE_RELAY_CMD_TRUNCATE || h.cmd == WIRE_RELAY_CMD_EXTEND2)
				fz_orig_budget++;
			switch (h.cmd) {
			case WIRE_RELAY_CMD_BEGIN:
			case WIRE_RELAY_CMD_BEGIN_DIR:
				if (h.stream_id != 0)
					orig_push(r, WIRE_RELAY_CMD_END, h.stream_id,
						  h.cmd == WIRE_RELAY_CMD_BEGIN ? 4 : 14);
				break;
			case WIRE_RELAY_CMD_TRUNCATE: {
				uint8_t reason = plain[WIRE_RELAY_OFF_DATA];

				orig_push(r, WIRE_RELAY_CMD_TRUNCATED, 0, WIRE_DESTROY_REQUESTED);
				/* The DESTROY onward carries this reason: the extension's
				 * CREATE2 may not even be out yet. */
				for (uint32_t k = 0; k < FZ_EXTS; k++) {
					struct fz_ext *x = &r->ext[k];

					if (x->used && x->epoch == r->epoch) {
						if (x->xr_n == 4)
							fz_ext_lost = true;
						x->xr[x->xr_n++ % 4] = reason;
					}
				}
				for (uint32_t k = 0; k < FZ_BINDS; k++)
					if (r->bind[k].used && r->bind[k].epoch == r->epoch)
						ident_allow_reason(&fz_slots[r->bind[k].slot],
								   r->bind[k].id, reason);
				r->epoch++;
				break;
			}
			case WIRE_RELAY_CMD_EXTEND2:
				note_extend2(r, plain + WIRE_RELAY_OFF_DATA, h.length, early);
				break;
			default:
				break;
			}
		}
	} else {
		FZ_V("  r%d: relay cell for the next hop\n", rec_no(r));
		fifo_push(&r->fwd, hash_cell(cmd, plain), r->epoch, r);
	}
	dp_rc_crypt(&r->rc.fwd, plain);
	ident_note(s, r->id, FZ_ID_OTHER);
	feed_fixed(s, r->id, cmd, plain);
}

static void
op_relay(struct fz_in *in, uint8_t sel)
{
	static const uint8_t cmds[16] = {
		WIRE_RELAY_CMD_DROP,
		WIRE_RELAY_CMD_BEGIN,
		WIRE_RELAY_CMD_BEGIN_DIR,
		WIRE_RELAY_CMD_TRUNCATE,
		WIRE_RELAY_CMD_EXTEND2,
		WIRE_RELAY_CMD_EXTEND,
		WIRE_RELAY_CMD_DATA,
		WIRE_RELAY_CMD_SENDME,
		0,
		0,
		WIRE_RELAY_CMD_EXTEND2,
		WIRE_RELAY_CMD_DROP,
		0,
		0,
		0,
		0,
	};
	uint8_t c = in_u8(in), x = in_u8(in), kind = c & 15, t_off = 0, t_xor = 0;
	struct fz_rec *r = rec_pick((uint8_t)(sel | (c >> 7) << 3), 1);
	uint8_t p[WIRE_CELL_PAYLOAD_LEN], body[WIRE_RELAY_DATA_MAX];
	struct wire_relay_hdr h = {.cmd = cmds[kind], .stream_id = (uint16_t)(0x100 | x)};
	int n = 0;

	if (c & 0x40) {
		t_off = in_u8(in);
		t_xor = in_u8(in);
	}
	if (kind == 4 && r != NULL) {
		n = relay_extend2(r, in, body, sizeof(body));
	} else if (kind == 4) {
		in_u8(in);
		in_u8(in);
		in_u8(in);
	} else if (kind == 10) {
		n = in_u8(in);
		in_take(in, body, (size_t)n);
	}
	if (r == NULL || !slot_is_open(&fz_slots[r->slot]))
		return;
	memset(p, 0, sizeof(p));
	if (kind == 3 || kind == 4 || kind == 5 || kind == 7 || kind == 10 || kind == 11 ||
	    (c & 0x20))
		h.stream_id = 0;
	switch (kind) {
	case 3:
		h.length = 1;
		body[0] = x;
		break;
	case 4:
	case 10:
		h.length = n > 0 ? (uint16_t)n : 0;
		break;
	case 5:
	case 6:
		h.length = x % 64;
		pattern(body, h.length, x);
		break;
	case 1:
		h.length = 8;
		memcpy(body, "a.b:80\0\0", 8);
		break;
	case 8:
	case 12:
	case 13:
	case 14:
	case 15:
		h.cmd = kind == 8 ? x : (uint8_t)(45 + kind);
		h.length = x % 32;
		pattern(body, h.length, x);
		break;
	case 9:
		/* Not for Chive: 'recognized' non-zero. */
		pattern(p, sizeof(p), UINT64_C(0xf00d) << 8 | x);
		p[WIRE_RELAY_OFF_RECOGNIZED] |= 0x40;
		send_relay(r, p, (c & 0x10) != 0, true, (c & 0x40) != 0, t_off, t_xor);
		slot_readable(&fz_slots[r->slot]);
		return;
	default:
		break;
	}
	if (wire_relay_hdr_encode(p, sizeof(p), &h) == 0 && h.length != 0)
		memcpy(p + WIRE_RELAY_OFF_DATA, body, h.length);
	if (kind == 11)
		put16(p + WIRE_RELAY_OFF_LENGTH, (uint16_t)(WIRE_RELAY_DATA_MAX + 1 + x % 8));
	send_relay(r, p, (c & 0x10) != 0, false, (c & 0x40) != 0, t_off, t_xor);
	slot_readable(&fz_slots[r->slot]);
}

static void
op_n_created(uint8_t sel, uint8_t m, uint8_t hsel)
{
	struct fz_rec *r = rec_pick(sel, 2);
	struct fz_bind *b = r != NULL ? rec_last_bind(r) : NULL;
	uint8_t p[WIRE_CELL_PAYLOAD_LEN], hd[WIRE_CREATED2_HDATA_MAX + 8];
	uint16_t hlen = (m & 3) == 3 ? (uint16_t)(2 * hsel) : (uint16_t)(32 + hsel);
	uint8_t cmd = (m & 3) == 1   ? WIRE_CELL_CMD_CREATED_FAST
		      : (m & 3) == 2 ? WIRE_CELL_CMD_CREATED
				     : WIRE_CELL_CMD_CREATED2;
	struct fz_slot *s;

	if (b == NULL || !slot_is_open(&fz_slots[b->slot]))
		return;
	s = &fz_slots[b->slot];
	memset(p, 0, sizeof(p));
	pattern(hd, sizeof(hd), UINT64_C(0xc2) << 32 | hsel << 8 | m);
	if (cmd == WIRE_CELL_CMD_CREATED2) {
		put16(p, hlen);
		memcpy(p + 2, hd, hlen <= WIRE_CREATED2_HDATA_MAX ? hlen : WIRE_CREATED2_HDATA_MAX);
		if (hlen <= WIRE_EXTENDED2_HDATA_MAX && !b->created) {
			uint8_t body[2 + WIRE_EXTENDED2_HDATA_MAX];

			put16(body, hlen);
			memcpy(body + 2, hd, hlen);
			if (r->ext2_n == FZ_EXTS) {
				r->tainted = 1;
			} else {
				r->ext2_hash[r->ext2_n++] = fnv(UINT64_C(13), body, 2u + hlen);
			}
		}
	} else {
		memcpy(p, hd, 100);
	}
	b->created = 1;
	ident_note(s, b->id, FZ_ID_OTHER);
	feed_fixed(s, b->id, cmd, p);
	slot_readable(s);
}

static void
op_n_relay(uint8_t sel, uint8_t c, uint8_t x)
{
	struct fz_rec *r = rec_pick(sel, 2);
	struct fz_bind *b = r != NULL ? rec_last_bind(r) : NULL;
	uint8_t p[WIRE_CELL_PAYLOAD_LEN];
	struct fz_slot *s;

	if (b == NULL || !slot_is_open(&fz_slots[b->slot]))
		return;
	s = &fz_slots[b->slot];
	pattern(p, sizeof(p), UINT64_C(0xbac) << 16 | (uint64_t)x << 8 | fz_nonce++);
	if (!(c & 1))
		fifo_push(&r->bwd, fnv(UINT64_C(11), p, sizeof(p)), b->epoch, r);
	ident_note(s, b->id, FZ_ID_OTHER);
	feed_fixed(s, b->id, (c & 1) ? WIRE_CELL_CMD_RELAY_EARLY : WIRE_CELL_CMD_RELAY, p);
	slot_readable(s);
}

static void
op_destroy(uint8_t sel, uint8_t w, uint8_t reason)
{
	struct fz_rec *r = rec_pick(sel, (w & 1) ? 2 : 0);
	struct fz_bind *b;
	struct fz_slot *s;
	uint8_t p[WIRE_CELL_PAYLOAD_LEN];
	uint32_t id;

	if (r == NULL)
		return;
	memset(p, 0, sizeof(p));
	p[0] = reason;
	if (w & 1) {
		b = rec_last_bind(r);
		if (b == NULL)
			return;
		s = &fz_slots[b->slot];
		id = b->id;
	} else {
		s = &fz_slots[r->slot];
		id = r->id;
	}
	if (!slot_is_open(s))
		return;
	feed_fixed(s, id, WIRE_CELL_CMD_DESTROY, p);
	slot_readable(s);
}

static void
op_raw(struct fz_slot *s, struct fz_in *in)
{
	uint8_t c = in_u8(in), i = in_u8(in), n, p[WIRE_CELL_PAYLOAD_LEN];
	uint32_t id = 0;

	switch (i & 3) {
	case 0: {
		struct fz_rec *r = NULL;

		for (uint32_t k = 0; k < FZ_RECS && r == NULL; k++)
			if (rec_alive(&fz_recs[(k + i) % FZ_RECS]) &&
			    fz_recs[(k + i) % FZ_RECS].slot == slot_no(s))
				r = &fz_recs[(k + i) % FZ_RECS];
		id = r != NULL ? r->id : 0x80000001u;
		break;
	}
	case 1: {
		struct fz_rec *o = NULL;

		for (uint32_t k = 0; k < FZ_RECS && id == 0; k++)
			for (uint32_t b = 0; b < FZ_BINDS; b++)
				if (fz_recs[k].used && fz_recs[k].bind[b].used &&
				    fz_recs[k].bind[b].slot == slot_no(s)) {
					id = fz_recs[k].bind[b].id;
					o = &fz_recs[k];
				}
		(void)o;
		break;
	}
	case 2:
		id = (uint32_t)in_u8(in) << 24;
		id |= (uint32_t)in_u8(in) << 16;
		id |= (uint32_t)in_u8(in) << 8;
		id |= in_u8(in);
		break;
	default:
		break;
	}
	n = in_u8(in) & 63;
	memset(p, 0, sizeof(p));
	in_take(in, p, n);
	if (!slot_is_open(s))
		return;
	/* Never a tag the model would take for one of its own. */
	if (c == WIRE_CELL_CMD_CREATE_FAST)
		put32(p, FZ_NO_NONCE);
	else if (c == WIRE_CELL_CMD_CREATE2)
		put32(p + 4, FZ_NO_NONCE);
	if (c == WIRE_CELL_CMD_RELAY || c == WIRE_CELL_CMD_RELAY_EARLY ||
	    c == WIRE_CELL_CMD_CREATED2 || c == WIRE_CELL_CMD_CREATED_FAST ||
	    c == WIRE_CELL_CMD_CREATED)
		taint_id(slot_no(s), id);
	ident_note(s, id,
		   c == WIRE_CELL_CMD_CREATE_FAST ? FZ_ID_FAST
		   : c == WIRE_CELL_CMD_CREATE2	  ? FZ_ID_C2
						  : FZ_ID_OTHER);
	if (wire_cell_cmd_is_var(c, s->ch->link_proto)) {
		uint8_t cell[7 + 64];
		int k = wire_cell_encode_var(cell, sizeof(cell), s->ch->link_proto, id, c, p, n);

		if (k > 0)
			slot_feed(s, cell, (uint32_t)k);
	} else {
		feed_fixed(s, id, c, p);
	}
	slot_readable(s);
}

static void
op_flood(uint8_t sel, uint8_t k, uint8_t n)
{
	struct fz_slot *s = &fz_slots[sel % FZ_SLOTS];
	struct fz_rec *r = rec_pick(sel, (k & 7) == 3 ? 2 : 1);
	uint32_t count = ((n & 63) + 1u) * (1u + ((k >> 3) & 3)); /* up to 256 */

	FZ_V("  flood kind %u x %u\n", k & 7, count);
	for (uint32_t i = 0; i < count; i++) {
		uint8_t p[WIRE_CELL_PAYLOAD_LEN];
		struct wire_relay_hdr h = {.cmd = WIRE_RELAY_CMD_DROP};

		switch (k & 7) {
		case 0:
		case 1:
		case 2:
		case 6:
			if (r == NULL || !slot_is_open(&fz_slots[r->slot]))
				return;
			memset(p, 0, sizeof(p));
			if ((k & 7) == 0) {
				pattern(p, sizeof(p), UINT64_C(0xf1) << 32 | fz_nonce++);
				p[WIRE_RELAY_OFF_RECOGNIZED] |= 0x80;
			} else if ((k & 7) == 6) {
				h.cmd = WIRE_RELAY_CMD_BEGIN_DIR;
				h.stream_id = (uint16_t)(i + 1);
				wire_relay_hdr_encode(p, sizeof(p), &h);
			} else {
				wire_relay_hdr_encode(p, sizeof(p), &h);
			}
			send_relay(r, p, (k & 7) == 2, (k & 7) == 0, false, 0, 0);
			break;
		case 3:
			op_n_relay(sel, 0, (uint8_t)i);
			break;
		case 4:
		case 5:
			if (!slot_is_open(s))
				return;
			send_create(s, (k & 7) == 4 ? 0 : 1, 0);
			break;
		default: {
			uint8_t d[WIRE_CELL_PAYLOAD_LEN] = {WIRE_DESTROY_FINISHED};
			uint32_t id = fresh_id(s, i);

			if (!slot_is_open(s))
				return;
			ident_note(s, id, FZ_ID_OTHER);
			feed_fixed(s, id, WIRE_CELL_CMD_DESTROY, d);
			break;
		}
		}
	}
	if ((k & 7) <= 2 || (k & 7) == 6) {
		if (r != NULL)
			slot_readable(&fz_slots[r->slot]);
	} else if ((k & 7) != 3) {
		slot_readable(s);
	}
	if ((k & 7) == 4) {
		if (fz_stall == 0)
			up_drain();
		for (uint32_t i = fz_n_pend; i-- > 0;)
			if (fz_pend[i].slot == slot_no(s) && fz_pend[i].chan == s->chan_h)
				pend_answer((uint8_t)i, 0, (uint16_t)(i * 3 + 1), false);
	}
}

static void
slot_maybe_writable(struct fz_slot *s)
{
	if (s->used && !s->close_req && s->want_writable && slot_free_bytes(s) != 0) {
		s->want_writable = 0;
		fz_tls_ops->writable(s->lc, s->tls_h, s->ch);
	}
}

static void
op_write(struct fz_slot *s, uint8_t c, uint8_t w)
{
	uint32_t cap = fz_caps[c & 7], cwnd = fz_cwnds[(c >> 3) & 7];

	if (!s->used)
		return;
	if ((c & 7) != 7)
		s->wcap = cap;
	if (((c >> 3) & 7) != 6)
		s->cwnd = cwnd;
	if (w == 255 || (uint32_t)w * WIRE_CELL_LEN >= s->buffered)
		s->buffered = 0;
	else
		s->buffered -= (uint32_t)w * WIRE_CELL_LEN;
	FZ_V("  slot %d: send buffer %u, window %u, %u unread\n", slot_no(s), s->wcap, s->cwnd,
	     s->buffered);
	slot_maybe_writable(s);
}

static void
op_oper(uint8_t sel, uint8_t k, uint8_t x)
{
	if (k & 1) {
		struct ipc_msg_chan_list m;

		memset(&m, 0, sizeof(m));
		ipc_hdr_init(&m.hdr, IPC_MSG_CIRC_LIST, sizeof(m), ++fz_next_req);
		m.cursor = x & 31;
		m.max = 1u + 9u * (x >> 5);
		fz_list_req = m.hdr.req_id;
		fz_list_max = m.max;
		fz_list_infos = 0;
		fz_list_lc = &fz_lcs[(k & 8) && fz_nlc > 1 ? 1 : 0];
		ctl_send(fz_list_lc, &m, sizeof(m), true);
	} else {
		struct ipc_msg_circ_destroy m;
		struct fz_rec *r = rec_pick(sel, 0);

		memset(&m, 0, sizeof(m));
		ipc_hdr_init(&m.hdr, IPC_MSG_CIRC_DESTROY, sizeof(m), ++fz_next_req);
		m.circ = r != NULL ? r->handle : 0x100u | sel;
		if (k & 2)
			m.circ = (m.circ & ~0xffu) | ((m.circ + 1) & 0xffu);
		if (k & 4)
			m.circ = 0x12345600u | x;
		m.reason = x;
		fz_destroy_req = m.hdr.req_id;
		fz_destroy_want = x > WIRE_DESTROY_REASON_MAX ? -EINVAL : 1;
		FZ_V("  CIRC_DESTROY %#x reason %u\n", m.circ, x);
		/* To the lcore the handle names (a wrong one answers -EBADF too). */
		ctl_send(&fz_lcs[(m.circ >> 25) < fz_nlc ? m.circ >> 25 : 0], &m, sizeof(m), true);
	}
	/* Now: the replies describe the circuits as they are. */
	evt_drain();
}

/* ---- the loop ---- */

/* Deliver `closed` to channels that asked (after @p wait ops), as TLS's poll does. */
static void
deliver_closed(bool now)
{
	for (uint32_t i = 0; i < FZ_SLOTS; i++) {
		struct fz_slot *s = &fz_slots[i];

		if (s->used && s->close_req && (now || --s->close_wait == 0))
			slot_closed(s, DP_TLS_CLOSE_NORMAL);
	}
}

static void
iterate(void)
{
	for (uint32_t i = 0; i < fz_nlc; i++) {
		fz_lcs[i].iterations++;
		dp_chan_run_kicks(&fz_lcs[i]);
		dp_circ_poll(&fz_lcs[i]);
	}
}

static void
check_state_lc(struct dp_lcore *lc)
{
	struct dp_chan_lcore *c = lc->chan;
	uint32_t n_open = 0, n_hs = 0, n_used = 0;

	FZ_CHECK(ctr_lc(lc, DP_CTR_circ_open) == dp_circ_count(lc) &&
			 dp_circ_count(lc) <= fz_conf.max_circs,
		 "lcore %u: /dp/circ/open %" PRIu64 ", dp_circ_count %u (max %u)", lc->idx,
		 ctr_lc(lc, DP_CTR_circ_open), dp_circ_count(lc), fz_conf.max_circs);
	FZ_CHECK(ctr_lc(lc, DP_CTR_circ_cells_queued) == dp_circ_cells_used(lc) &&
			 dp_circ_cells_used(lc) <= fz_conf.max_cells,
		 "lcore %u: /dp/circ/cells_queued %" PRIu64 ", dp_circ_cells_used %u (max %u)",
		 lc->idx, ctr_lc(lc, DP_CTR_circ_cells_queued), dp_circ_cells_used(lc),
		 fz_conf.max_cells);
	for (uint32_t i = 0; i < c->conf.max_chans; i++) {
		const struct chan *ch = &c->chans[i];
		struct fz_slot *s;

		if (ch->state == IPC_CHAN_STATE_FREE)
			continue;
		n_used++;
		if (ch->state == IPC_CHAN_STATE_OPEN)
			n_open++;
		else if (ch->state != IPC_CHAN_STATE_CLOSING)
			n_hs++;
		s = slot_by_chan(chan_handle_of(lc, ch));
		FZ_CHECK(s != NULL && s->ch == ch && s->lc == lc,
			 "lcore %u: channel %u (state %u) has no slot", lc->idx, i, ch->state);
		FZ_CHECK((ch->state == IPC_CHAN_STATE_CLOSING) == (s->close_req != 0),
			 "slot %d: channel state %u, close asked %u", slot_no(s), ch->state,
			 s->close_req);
		FZ_CHECK(!ch->paused || dp_circ_count(lc) != 0 || ch->state != IPC_CHAN_STATE_OPEN,
			 "slot %d: channel paused with no circuit left on its lcore", slot_no(s));
	}
	FZ_CHECK(c->n_used == n_used && ctr_lc(lc, DP_CTR_chan_open) == n_open &&
			 ctr_lc(lc, DP_CTR_chan_handshaking) == n_hs,
		 "lcore %u channels: n_used %u (%u), open %" PRIu64 " (%u), handshaking %" PRIu64
		 " (%u)",
		 lc->idx, c->n_used, n_used, ctr_lc(lc, DP_CTR_chan_open), n_open,
		 ctr_lc(lc, DP_CTR_chan_handshaking), n_hs);
}

static void
check_state(void)
{
	for (uint32_t i = 0; i < fz_nlc; i++)
		check_state_lc(&fz_lcs[i]);
	/*
	 * Pacing: a queue fed by relayed cells stops its feeding channel at the
	 * high-water mark, so with reads of one cell it holds at most that many
	 * relayed cells, plus the cells Chive originates (END, TRUNCATED,
	 * EXTENDED2: not paced, at most one per client cell that asks for one).
	 * Below the hard cap, nothing may overflow.
	 */
	if (!(fz_cfg1 & FZ_C_BIG_READS) && fz_conf.queue_hiwat + fz_orig_budget < fz_conf.queue_max)
		FZ_CHECK(ctr(DP_CTR_circ_queue_overflow) == fz_overflow0,
			 "a circuit was destroyed for a full queue (%" PRIu64
			 ") though it was fed only relayed cells, read one at a time: the feeding "
			 "channel was not paused at the high-water mark (%u, cap %u)",
			 ctr(DP_CTR_circ_queue_overflow) - fz_overflow0, fz_conf.queue_hiwat,
			 fz_conf.queue_max);
}

static uint32_t
circ_count(void)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < fz_nlc; i++)
		n += dp_circ_count(&fz_lcs[i]);
	return n;
}

static uint32_t
cells_used(void)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < fz_nlc; i++)
		n += dp_circ_cells_used(&fz_lcs[i]);
	return n;
}

/* After an op: one loop iteration, TLS's `closed`, the control plane, new channels, checks. */
static void
after_op(void)
{
	iterate();
	deliver_closed(false);
	if (fz_stall != 0)
		fz_stall--;
	else
		up_drain();
	for (uint32_t i = 0; i < FZ_SLOTS; i++) {
		struct fz_slot *s = &fz_slots[i];

		if (s->used && s->auto_drive && !s->close_req && s->step != FZ_STEP_DONE)
			hs_advance(s, 0, false);
	}
	evt_drain();
	check_state();
}

static void
run_op(struct fz_in *in)
{
	uint8_t b = in_u8(in), code = b & 0x1f, sel = b >> 5;
	struct fz_slot *s = &fz_slots[sel];

	if (code < OP__COUNT)
		FZ_V("[%" PRIu64 " ms] op %s %u\n", (fz_lcs[0].now_us - FZ_START_US) / 1000,
		     fz_op_names[code], sel);
	switch (code) {
	case OP_OPEN:
		op_open(s, in_u8(in));
		break;
	case OP_DRIVE:
		op_drive(s, in_u8(in));
		break;
	case OP_CREATE: {
		uint8_t k = in_u8(in), i = in_u8(in), a = in_u8(in), x = in_u8(in);

		op_create(s, k, i, a, (uint16_t)(x << 8 | in_u8(in)));
		break;
	}
	case OP_ANSWER: {
		uint8_t i = in_u8(in), a = in_u8(in), x = in_u8(in), y = in_u8(in);

		if (fz_stall == 0)
			up_drain();
		pend_answer((uint8_t)(i + sel), a, (uint16_t)(x << 8 | y), (a & 0x08) != 0);
		break;
	}
	case OP_RELAY:
		op_relay(in, sel);
		break;
	case OP_N_CREATED: {
		uint8_t m = in_u8(in);

		op_n_created(sel, m, in_u8(in));
		break;
	}
	case OP_N_RELAY: {
		uint8_t c = in_u8(in);

		op_n_relay(sel, c, in_u8(in));
		break;
	}
	case OP_DESTROY: {
		uint8_t w = in_u8(in);

		op_destroy(sel, w, in_u8(in));
		break;
	}
	case OP_RAW:
		op_raw(s, in);
		break;
	case OP_FLOOD: {
		uint8_t k = in_u8(in);

		op_flood(sel, k, in_u8(in));
		break;
	}
	case OP_WRITE: {
		uint8_t c = in_u8(in);

		op_write(s, c, in_u8(in));
		break;
	}
	case OP_CLOSED: {
		uint8_t r = in_u8(in);

		if (s->used)
			slot_closed(s, (enum dp_tls_close_reason)(r % DP_TLS_CLOSE__COUNT));
		break;
	}
	case OP_CLOSE:
		if (s->used)
			FZ_CHECK(dp_chan_close(s->lc, s->chan_h) == 0, "dp_chan_close");
		break;
	case OP_TIME:
		clock_add(fz_steps_us[in_u8(in) & 7]);
		for (uint32_t i = 0; i < fz_nlc; i++)
			dp_chan_poll(&fz_lcs[i]);
		for (int k = 0; k < 16; k++)
			iterate();
		break;
	case OP_POLL: {
		uint8_t n = in_u8(in) & 31;

		for (uint8_t k = 0; k < n; k++)
			iterate();
		break;
	}
	case OP_STALL: {
		uint8_t n = in_u8(in);

		fz_stall = n & 15;
		if (n & 0x10) {
			struct ipc_hdr h;
			uint32_t idx;

			up_drain();
			ipc_hdr_init(&h, IPC_MSG_CELL_UP, sizeof(h), FZ_JUNK_REQ);
			for (uint32_t i = 0; i < fz_nlc; i++)
				while (ipc_ring_prod_reserve(&fz_lcs[i].cell_up, (n >> 5) + 1u,
							     &idx) >= (n >> 5) + 1u)
					FZ_CHECK(ipc_ring_push(&fz_lcs[i].cell_up, &h, sizeof(h)) ==
							 0,
						 "filler");
		}
		break;
	}
	case OP_WFAIL:
		s->wfail_next = (in_u8(in) & 1) ? 2 : 1;
		break;
	case OP_OPER: {
		uint8_t k = in_u8(in);

		op_oper(sel, k, in_u8(in));
		break;
	}
	default:
		break;
	}
	after_op();
}

/* ---- one input ---- */

static void
creds_install(struct dp_lcore *lc)
{
	struct ipc_msg_blob_chunk m;
	struct ipc_msg_link_install li;

	for (uint32_t id = 1; id < IPC_BLOB_COUNT; id++) {
		memset(&m, 0, sizeof(m));
		ipc_hdr_init(&m.hdr, IPC_MSG_BLOB_CHUNK, sizeof(m), 0);
		m.blob_id = id;
		m.total_len = 100;
		m.chunk_len = 100;
		m.gen = 1;
		memset(m.data, (int)(0x30 + id), 100);
		ctl_send(lc, &m, sizeof(m), false);
	}
	memset(&li, 0, sizeof(li));
	ipc_hdr_init(&li.hdr, IPC_MSG_LINK_INSTALL, sizeof(li), 1);
	li.gen = 1;
	memcpy(li.rsa_id_sha1, fz_id_ours, 20);
	memset(li.rsa_id_sha256, 0x77, 32);
	memcpy(li.ed_id, fz_ed_ours, 32);
	ctl_send(lc, &li, sizeof(li), false);
	FZ_CHECK(lc->chan->creds.installed, "credentials not installed");
	evt_drain();
}

static void
input_start(uint8_t c0, uint8_t c1)
{
	static const uint32_t circs[4] = {4, 8, 16, 32}, cells[4] = {64, 96, 160, 320};
	static const uint32_t hiwat[4] = {2, 4, 8, 32};
	struct dp_chan_conf cc;
	uint32_t qm;

	fz_cfg0 = c0;
	fz_cfg1 = c1;
	fz_gen++;
	for (uint32_t i = 0; i < FZ_SLOTS; i++)
		slot_reset(&fz_slots[i]);
	for (uint32_t i = 0; i < FZ_RECS; i++)
		fz_recs[i].used = 0;
	memset(fz_orphans, 0, sizeof(fz_orphans));
	fz_n_pend = fz_n_creqs = 0;
	fz_nonce = fz_ans_seq = fz_rec_seq = fz_next_fake = 0;
	memset(fz_last_req, 0, sizeof(fz_last_req));
	fz_stall = 0;
	fz_model_lost = false;
	fz_ext_lost = false;
	fz_orig_budget = 0;
	fz_list_req = fz_destroy_req = fz_next_req = 0;
	fz_opening_slot = -1;
	fz_circ_closed_n = fz_circ_opened_n = 0;
	fz_nlc = (c1 & FZ_C_TWO_LCORES) ? 2 : 1;
	clock_add(1000000);
	rte_srand(UINT64_C(0x6368697665636972)); /* the same ids and padding on every run */

	dp_chan_conf_default(&cc);
	cc.max_chans = FZ_MAX_CHANS / fz_nlc; /* a slot for every channel */
	cc.max_hs = FZ_MAX_HS;
	cc.hs_timeout_us = 10000000;
	cc.orport = 0;
	dp_circ_conf_default(&fz_conf);
	fz_conf.max_circs = circs[c0 & 3];
	fz_conf.max_cells = cells[(c0 >> 2) & 3];
	fz_conf.queue_hiwat = hiwat[(c0 >> 4) & 3];
	qm = c1 & 3;
	fz_conf.queue_max = fz_conf.queue_hiwat + (qm == 0   ? 1
						   : qm == 1 ? 2
						   : qm == 2 ? fz_conf.queue_hiwat
							     : 4 * fz_conf.queue_hiwat);
	fz_conf.extend_private = (c0 >> 6) & 1;
	fz_conf.pending_timeout_us = (c0 & 0x80) ? 2000000 : 20000000;
	for (uint32_t i = 0; i < fz_nlc; i++) {
		struct dp_lcore *lc = &fz_lcs[i];

		FZ_CHECK(dp_chan_create(lc, &cc) == 0, "dp_chan_create");
		lc->chan->io = &fz_io;
		creds_install(lc);
		FZ_CHECK(dp_circ_create(lc, &fz_conf) == 0, "dp_circ_create");
		fz_circ_ops = lc->chan->cell_ops;
		FZ_CHECK(fz_circ_ops.cell != NULL && fz_circ_ops.opened != NULL &&
				 fz_circ_ops.writable != NULL && fz_circ_ops.closed != NULL,
			 "circuit layer ops");
		dp_chan_set_cell_ops(lc, &fz_wrap_ops);
	}
	if (fz_nlc > 1) {
		struct dp_lcore *lcs[FZ_LCORES] = {&fz_lcs[0], &fz_lcs[1]};

		FZ_CHECK(dp_circ_group_link(lcs, fz_nlc) == 0, "dp_circ_group_link");
	}
	fz_opened = ctr(DP_CTR_chan_open_link4) + ctr(DP_CTR_chan_open_link5);
	fz_made0 = ctr(DP_CTR_chan_accepted) + ctr(DP_CTR_chan_connects);
	fz_nobuf0 = ctr(DP_CTR_circ_ctl_nobuf);
	fz_overflow0 = ctr(DP_CTR_circ_queue_overflow);
	for (uint32_t i = 0; fz_verbose && i < DP_CTR__COUNT; i++)
		fz_ctr0[i] = ctr((enum dp_ctr_id)i);
	FZ_CHECK(ctr(DP_CTR_circ_open) == 0 && ctr(DP_CTR_circ_cells_queued) == 0,
		 "gauges not 0 at the start");
}

/* What moves: cells held, channels kicked, bytes read, cells written. */
static uint64_t
progress(void)
{
	uint64_t x =
		cells_used() + (ctr(DP_CTR_chan_cells_tx) << 40) + (ctr(DP_CTR_circ_xl_rx) << 32);

	for (uint32_t i = 0; i < fz_nlc; i++)
		x += (uint64_t)fz_lcs[i].chan->kick_tail << 20;

	for (uint32_t i = 0; i < FZ_SLOTS; i++)
		x += (uint64_t)fz_slots[i].rx_off << 8;
	return x;
}

/* Give every open channel unlimited room and run the loop until nothing moves. */
static void
drain(void)
{
	uint32_t quiet = 0;

	fz_stall = 0;
	for (uint32_t k = 0; k < FZ_DRAIN_ITERS && quiet < 4; k++) {
		uint64_t p0 = progress();

		for (uint32_t i = 0; i < FZ_SLOTS; i++) {
			struct fz_slot *s = &fz_slots[i];

			if (!s->used)
				continue;
			s->wcap = FZ_UNLIM;
			s->cwnd = FZ_UNLIM;
			s->buffered = 0;
			slot_maybe_writable(s);
		}
		iterate();
		deliver_closed(true);
		up_drain();
		evt_drain();
		bool kicks = false;

		for (uint32_t i = 0; i < fz_nlc; i++)
			kicks |= fz_lcs[i].chan->kick_head != fz_lcs[i].chan->kick_tail;
		if (progress() == p0 && !kicks)
			quiet++;
		else
			quiet = 0;
	}
	check_state();
}

static void
input_finish(void)
{
	uint64_t opened, made;

	/* Nothing may stay stuck once every peer reads. */
	drain();
	for (uint32_t i = 0; i < FZ_SLOTS; i++) {
		struct fz_slot *s = &fz_slots[i];

		if (slot_is_open(s))
			FZ_CHECK(!s->ch->paused,
				 "slot %d: channel still paused after the queues "
				 "drained (%u cells used, %u circuits)",
				 slot_no(s), cells_used(), circ_count());
	}
	FZ_CHECK(cells_used() <= circ_count(),
		 "%u cells still used by %u circuits after the queues drained", cells_used(),
		 circ_count());

	/* Close the channels one by one: each closure reaches the other side of its circuits. */
	for (uint32_t i = 0; i < FZ_SLOTS; i++) {
		struct fz_slot *s = &fz_slots[i];
		struct fz_rec *watch_p[FZ_RECS];
		struct fz_bind *watch_n[FZ_RECS * FZ_BINDS];
		struct fz_rec *watch_n_rec[FZ_RECS * FZ_BINDS];
		uint32_t np = 0, nn = 0;

		if (!s->used)
			continue;
		for (uint32_t k = 0; k < FZ_RECS; k++) {
			struct fz_rec *r = &fz_recs[k];

			if (!rec_alive(r) || r->unmapped)
				continue;
			for (uint32_t b = 0; b < FZ_BINDS; b++) {
				struct fz_bind *x = &r->bind[b];

				if (!x->used || !slot_is_open(&fz_slots[x->slot]) ||
				    !slot_is_open(&fz_slots[r->slot]))
					continue;
				if (r->slot == i && x->slot != i) {
					watch_n[nn] = x;
					watch_n_rec[nn++] = r;
				} else if (x->slot == i && r->slot != i) {
					watch_p[np++] = r;
				}
			}
		}
		FZ_V("[end] closing slot %u\n", i);
		if (!s->close_req)
			FZ_CHECK(dp_chan_close(s->lc, s->chan_h) == 0, "dp_chan_close");
		deliver_closed(true);
		drain();
		if (lossy())
			continue;
		for (uint32_t k = 0; k < nn; k++)
			FZ_CHECK(!watch_n[k]->used || !fz_slots[watch_n[k]->slot].used,
				 "slot %u closed with circuit r%d on it; its next hop (slot %u, id "
				 "%#x) got no DESTROY",
				 i, rec_no(watch_n_rec[k]), watch_n[k]->slot, watch_n[k]->id);
		for (uint32_t k = 0; k < np; k++)
			FZ_CHECK(
				watch_p[k]->final || !fz_slots[watch_p[k]->slot].used,
				"slot %u (next hop of circuit r%d) closed; its client (slot %u, id "
				"%#x) got no DESTROY",
				i, rec_no(watch_p[k]), watch_p[k]->slot, watch_p[k]->id);
	}
	deliver_closed(true);
	for (int k = 0; k < 4; k++)
		iterate();
	up_drain();
	evt_drain();
	check_state();
	FZ_CHECK(circ_count() == 0 && cells_used() == 0 && ctr(DP_CTR_circ_open) == 0 &&
			 ctr(DP_CTR_circ_cells_queued) == 0 && ctr(DP_CTR_circ_halves) == 0,
		 "after closing every channel: %u circuits, %u cells", circ_count(), cells_used());
	for (uint32_t i = 0; i < fz_nlc; i++)
		FZ_CHECK(fz_lcs[i].chan->n_used == 0,
			 "after closing everything: lcore %u: %u "
			 "channels used",
			 i, fz_lcs[i].chan->n_used);
	FZ_CHECK(ctr(DP_CTR_chan_open) == 0 && ctr(DP_CTR_chan_handshaking) == 0,
		 "channel gauges not 0 at the end");
	opened = ctr(DP_CTR_chan_open_link4) + ctr(DP_CTR_chan_open_link5) - fz_opened;
	made = ctr(DP_CTR_chan_accepted) + ctr(DP_CTR_chan_connects) - fz_made0;
	FZ_CHECK(fz_circ_opened_n == opened && fz_circ_closed_n == made,
		 "%" PRIu64 " channels made, %" PRIu64 " opened; the circuit layer heard %" PRIu64
		 " closed, %" PRIu64 " opened",
		 made, opened, fz_circ_closed_n, fz_circ_opened_n);
	/* What this input did, by the circuit layer's counters. */
	for (uint32_t i = 0; fz_verbose && i < DP_CTR__COUNT; i++)
		if (strncmp(dp_ctr_table[i].name, "/dp/circ/", 9) == 0 &&
		    ctr((enum dp_ctr_id)i) != fz_ctr0[i])
			fprintf(stderr, "  counter %s +%" PRIu64 "\n", dp_ctr_table[i].name,
				ctr((enum dp_ctr_id)i) - fz_ctr0[i]);
	for (uint32_t i = 0; i < fz_nlc; i++) {
		dp_circ_destroy(&fz_lcs[i]);
		dp_chan_destroy(&fz_lcs[i]);
	}
	for (uint32_t i = 0; i < FZ_SLOTS; i++)
		slot_reset(&fz_slots[i]);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_in in = {data, size, 0};
	uint32_t n_ops = 0;
	uint8_t c0, c1;

	if (size < 2)
		return 0;
	c0 = in_u8(&in);
	c1 = in_u8(&in);
	input_start(c0, c1);
	while (in.off < in.n && n_ops++ < FZ_MAX_OPS)
		run_op(&in);
	input_finish();
	return 0;
}

/* ---- set-up ---- */

static void
fz_exit(void)
{
	for (uint32_t i = 0; i < FZ_SLOTS; i++)
		slot_reset(&fz_slots[i]);
	for (uint32_t i = 0; i < FZ_RECS; i++)
		dp_rc_free(&fz_recs[i].rc);
	dp_rc_lib_fini(&fz_rclib);
	for (uint32_t i = 0; i < FZ_LCORES; i++) {
		dp_circ_destroy(&fz_lcs[i]);
		dp_chan_destroy(&fz_lcs[i]);
		dp_tls_destroy(&fz_lcs[i]);
	}
	ipc_shm_close(&fz_shm);
	rte_eal_cleanup();
	dp_eal_remove_runtime_dir(fz_runtime_dir);
}

static void
fz_die(const char *what, const char *why)
{
	fprintf(stderr, "fuzz_circ: %s: %s\n", what, why);
	exit(1);
}

/* The shared segment: one lcore, small rings; unlinked at once (the mapping stays). */
static void
fz_segment(void)
{
	struct ipc_seg_geom g;
	char name[IPC_SHM_NAME_MAX], path[IPC_SHM_NAME_MAX + 1], err[256] = "";

	snprintf(name, sizeof(name), "chive-fz-circ-%d", (int)getpid());
	ipc_seg_geom_default(&g, FZ_LCORES);
	for (uint32_t i = 0; i < FZ_LCORES; i++)
		g.lcore_ids[i] = i;
	g.ring_slots[IPC_RING_EVT] = FZ_RING_EVT;
	g.ring_slots[IPC_RING_CELL_UP] = FZ_RING_UP;
	if (ipc_shm_create(name, &g, (uint32_t)getpid(), &fz_shm, err, sizeof(err)) != 0)
		fz_die("segment", err);
	snprintf(path, sizeof(path), "/%s", name);
	shm_unlink(path);
	if (dp_ctr_publish(ipc_shm_ctr_dir(&fz_shm)) != 0)
		fz_die("segment", "counters");
	for (uint32_t i = 0; i < FZ_LCORES; i++)
		if (dp_lcore_init(&fz_lcs[i], &fz_shm, i, &fz_stop, 0) != 0)
			fz_die("segment", "lcore");
	ipc_shm_publish(&fz_shm);
	for (uint32_t i = 0; i < FZ_LCORES; i++)
		if (ipc_ring_cons_init(&fz_up[i], ipc_shm_ring(&fz_shm, i, IPC_RING_CELL_UP),
				       ipc_shm_ring_size(&fz_shm, IPC_RING_CELL_UP)) != 0 ||
		    ipc_ring_cons_init(&fz_evt[i], ipc_shm_ring(&fz_shm, i, IPC_RING_EVT),
				       ipc_shm_ring_size(&fz_shm, IPC_RING_EVT)) != 0)
			fz_die("segment", "rings");
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char prefix[128];
	char *eal_argv[] = {
		(char *)(uintptr_t) "fuzz_circ",
		(char *)(uintptr_t) "--no-huge",
		(char *)(uintptr_t) "--no-pci",
		(char *)(uintptr_t) "--no-shconf",
		(char *)(uintptr_t) "--no-telemetry",
		(char *)(uintptr_t) "-m",
		(char *)(uintptr_t) "128",
		(char *)(uintptr_t) "-l",
		(char *)(uintptr_t) "0",
		(char *)(uintptr_t) "--log-level=error",
		prefix,
		NULL,
	};
	const char *base = getenv("CHIVE_FUZZ_PREFIX");
	const char *verbose = getenv("CHIVE_FUZZ_VERBOSE");
	struct dp_tls_conf sc;

	(void)argc;
	(void)argv;
	fz_verbose = verbose != NULL && verbose[0] == '1';
	snprintf(prefix, sizeof(prefix), "--file-prefix=%s-%d",
		 base != NULL && base[0] != '\0' ? base : "chive-fuzz", (int)getpid());
	if (rte_eal_init((int)(sizeof(eal_argv) / sizeof(eal_argv[0])) - 1, eal_argv) < 0)
		fz_die("rte_eal_init", rte_strerror(rte_errno));
	snprintf(fz_runtime_dir, sizeof(fz_runtime_dir), "%s", rte_eal_get_runtime_dir());
	atexit(fz_exit);
	/* Nothing uses the runtime directory (see fuzz_net_input.c): remove it now. */
	dp_eal_remove_runtime_dir(fz_runtime_dir);

	fz_segment();
	dp_tls_conf_default(&sc);
	sc.max_conns = FZ_TLS_CONNS;
	for (uint32_t i = 0; i < FZ_LCORES; i++) {
		fz_lcs[i].now_us = FZ_START_US;
		if (dp_tls_create(&fz_lcs[i], &sc) != 0)
			fz_die("set-up", "dp_tls_create");
	}
	fz_tls_ops = chan_tls_app_ops();
	if (dp_rc_lib_init(&fz_rclib, NULL) != 0)
		fz_die("set-up", "dp_rc_lib_init");
	for (uint32_t i = 0; i < FZ_RECS; i++)
		if (dp_rc_alloc(&fz_rclib, &fz_recs[i].rc) != 0)
			fz_die("set-up", "dp_rc_alloc");
	memset(fz_id_ours, 0x11, 20);
	memset(fz_ed_ours, 0x44, 32);
	for (uint32_t k = 0; k < FZ_IDENTS; k++) {
		memset(fz_rsa[k], (int)(0xa0 + k), 20);
		memset(fz_sha[k], (int)(0xc0 + k), 32);
		memset(fz_ed[k], (int)(0xb0 + k), 32);
	}
	memset(fz_rsa_other, 0x33, 20);
	memset(fz_ed_other, 0x66, 32);
	put16(fz_signed, WIRE_AUTHTYPE_ED25519_SHA256_RFC5705);
	put16(fz_signed + 2, IPC_AUTH3_PAYLOAD_LEN - 4);
	for (uint32_t i = 4; i < sizeof(fz_signed); i++)
		fz_signed[i] = (uint8_t)(i * 11);
	for (uint32_t i = 0; i < sizeof(fz_der); i++)
		fz_der[i] = (uint8_t)(0x30 + i);
	return 0;
}
