/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief libFuzzer target: Tor cell framing and the link handshake (dataplane/cell/chan.c).
 *
 * The channel layer runs for real, in both roles, with the fuzzer standing
 * in for the two things around it: TLS below (through the chan_io seam of
 * chan_int.h and the TLS callbacks of chan_tls_app_ops()) and the control
 * plane above (verdict messages into dp_chan_ctl_msg(), requests read back
 * from the lcore's cell_up ring).
 *
 * One process starts EAL once (no hugepages, no PCI, no shared config) and
 * keeps one static struct dp_lcore on a private shared segment (created
 * under a per-process name and unlinked at once, so even a crash leaves
 * nothing in /dev/shm), with TCP and TLS created once. Each input gets a
 * fresh channel layer (dp_chan_create(): 6 channels, 4 handshake objects,
 * no ORPort), a fresh io table, link credentials installed through
 * IPC_MSG_BLOB_CHUNK and IPC_MSG_LINK_INSTALL (a real RSA link key and
 * certificate from dp_tls_cert_generate(), so dp_tls_set_cert() accepts
 * them), then runs the input's op program, closes everything and checks that
 * nothing is left.
 *
 * Roles. Responder channels are made by calling `accepted` with a fake TLS
 * handle. Initiator channels go through IPC_MSG_CHAN_OPEN (dp_chan_open()),
 * which needs a real TLS connection: a real dp_tls_connect() starts (TCP
 * sends its SYN into a ring port nobody answers) and is then detached with
 * dp_tls_set_ctx(NULL); from there on the fuzzer drives the channel through
 * the same io seam with that handle, and aborts the real connection once it
 * has delivered `closed` (TCP may have given up on it already; the channel
 * never hears of that, as the fuzzer is its TLS).
 *
 * Not reached through the seam: dp_chan_send_cell() past its checks and
 * dp_chan_info()'s TLS fields (they call dp_tls_write_space(), dp_tls_write()
 * and dp_tls_info() directly, which refuse the fuzzer's handles), and the
 * lcore-without-channels branch of dp_chan_ctl_msg().
 *
 * The io table: `read` serves the bytes the input queued for that
 * connection in chunks whose sizes come from the input (so framing is split
 * at every boundary), then 0, or -EPIPE / -EPROTO once the input said the
 * stream ended; `write` checks and swallows what the channel sends, or fails
 * / takes part of it when the input says so; `export_km`, `peer_cert_der`
 * and `own_cert_der` return fixed bytes or errors; `close` and `abort`
 * record that the connection must get `closed`, which the fuzzer delivers
 * later (as TLS does: never from inside the call). TLS's contract is kept:
 * no `readable` before `handshake_done` or after close, one `closed` per
 * connection, nothing after it; a `read` after close gets -EPIPE, as from
 * dp_tls_read().
 *
 * Oracles besides ASan/UBSan (the channel layer's rte_zmalloc/rte_free are
 * mapped to the C heap in this build, so ASan sees its buffers; and its
 * dp_tls_set_cert() skips re-parsing the key TLS already holds, see
 * fz_tls_set_cert()):
 *  - after every op: the channel and handshake free lists are intact and
 *    account for n_used; every handshaking channel holds handshake state and
 *    no other does; buffered bytes fit their buffers; /dp/chan/open and
 *    /dp/chan/handshaking equal the channels in those states; every live
 *    channel belongs to a connection the fuzzer knows; a CLOSING channel
 *    has asked TLS to close; a failed write was followed by a close; no
 *    staged credential blob holds more than its announced length;
 *  - the link version negotiated, or the refusal for want of one, is what a
 *    second parser of the peer's VERSIONS cell (from the bytes the channel
 *    read) says: the highest of 4 and 5 among its first 64 versions;
 *  - every write is whole cells: the first one VERSIONS (2-byte circ id,
 *    versions 4 and 5), then cells of the negotiated link (4 or 5), in the
 *    order the role sends them (responder VERSIONS CERTS AUTH_CHALLENGE
 *    NETINFO; initiator VERSIONS CERTS AUTHENTICATE NETINFO; then DESTROY
 *    only), CERTS equal to the installed body, NETINFO and AUTH_CHALLENGE
 *    well formed, AUTHENTICATE equal to what the control plane signed;
 *    nothing after a close or after a write that failed;
 *  - `read` is only called with room inside the channel scratch buffer;
 *  - requests on cell_up are valid messages: CHAN_CERTS chunks in order and
 *    complete, the digests and TLS exporter values the fuzzer's io gave;
 *    AUTH_SIGN only from initiators, AUTH_VERIFY only from responders;
 *  - events are valid: the standard credential install succeeds, every
 *    CHAN_OPEN gets exactly one CHAN_STATUS, CHAN_LIST replies add up;
 *  - at the end of each input every channel and handshake object is back in
 *    its pool, both gauges read 0, the circuit layer heard `opened` once per
 *    channel that opened and `closed` once per channel made (open or not),
 *    and TCP, TLS and the mbuf pool are empty.
 * A failed check prints what failed and aborts (libFuzzer saves the input).
 *
 * Input format:
 *
 *   byte 0       configuration:
 *                  bit 0  no credentials at start (channels are refused until an op installs them)
 *                  bit 1  a circuit layer (dp_chan_set_cell_ops): a cell whose payload starts
 *                         with 0xCC makes it close the channel from inside the callback,
 *                         0x5E makes it try dp_chan_send_cell()
 *                  bit 2  CERTS bodies of IPC_BLOB_MAX bytes (else 300 and 200)
 *                  bit 3  NETINFO address in the install (else the interface's)
 *                  bit 4  handshake timeout 1 s (else 30 s)
 *   then ops, at most FZ_MAX_OPS, each one byte (bits 0-4 opcode, bits 5-7 slot) and its
 *   arguments (missing bytes read as 0):
 *     0  ACCEPT f        responder: `accepted` with a fake TLS handle; f = io faults (FZ_F_*)
 *     1  HS_DONE         `handshake_done`
 *     2  OPEN s f        initiator through CHAN_OPEN; s: bits 0-1 identity asked (peer, ours,
 *                        other), bit 2 with Ed25519, bit 3 Ed25519 of another, bit 4 address
 *                        0, bit 5 port 0, bit 6 req_id 0; f = io faults
 *     3  FEED_RAW n      n bytes (n < 128; else 15 bits with the next byte) for `read`
 *     4  FEED_CELL k ..  a cell built from a few bytes (see feed_cell())
 *     5  READ a b        chunk sizes a, b (< 128: a + 1; else (a & 127) + 1 times 128), then
 *                        `readable`
 *     6  EOF m           the stream ends after what is queued: -EPIPE (m even) or -EPROTO;
 *                        then `readable`
 *     7  CP v t          answer the oldest control-plane request (or, with none, send a
 *                        stale verdict): see cp_answer(); v bit 6: without reading cell_up
 *                        first
 *     8  CP_DROP         forget the oldest request (the channel waits until its timeout)
 *     9  TIME t          advance the clock by fz_steps_us[t & 7], dp_chan_poll()
 *    10  CLOSE h         bit 0 through CHAN_CLOSE (else dp_chan_close()), bit 1 a stale
 *                        handle, bit 2 a garbage one
 *    11  CLOSED r        TLS delivers `closed` (reason r % DP_TLS_CLOSE__COUNT), asked for
 *                        or not
 *    12  LIST c m        CHAN_LIST cursor c, max m
 *    13  BLOB i g tt oo ll  a BLOB_CHUNK: blob i & 7, gen g, total, offset, length (16 bits
 *                        each; the data is a pattern)
 *    14  INSTALL g m     LINK_INSTALL of gen g; m & 3: 0 alone, 1 a complete valid set first,
 *                        2 a set with a corrupted key, 3 a set missing a blob
 *    15  INFO s          dp_chan_info / dp_chan_send_cell on the slot's handle or a bad one
 *    16  FILL r n        fill ring r (bit 0: event ring, else cell_up, after reading what it
 *                        holds) up to n slots short of full (n & 15); the event ring is then
 *                        not drained for 4 ops
 *    17  FAULT f         replace the slot's io faults
 *   (other opcodes do nothing)
 *
 * Environment: CHIVE_FUZZ_PREFIX sets the EAL --file-prefix base (default
 * chive-fuzz; the pid is appended); CHIVE_FUZZ_VERBOSE=1 prints each op and
 * each cell written, to read what a reproducer does.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_ring.h>

#include <openssl/evp.h>

#include "common/ipc/ipc_msg.h"
#include "common/ipc/ipc_shm.h"
#include "common/wire/wire_cell.h"
#include "common/wire/wire_link.h"
#include "dataplane/base/dp_ctr.h"
#include "dataplane/base/dp_eal.h"
#include "dataplane/cell/chan.h"
#include "dataplane/cell/chan_int.h"
#include "dataplane/lcore.h"
#include "dataplane/lcore_types.h"
#include "dataplane/net/net.h"
#include "dataplane/net/tcp.h"
#include "dataplane/tls/tls.h"
#include "dataplane/tls/tls_int.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* chan.o is built with rte_zmalloc/rte_free renamed to these (tests/fuzz/module.mk). */
void *fz_zmalloc(const char *type, size_t size, unsigned int align);
void fz_free(void *p);
int fz_tls_set_cert(struct dp_lcore *lc, const uint8_t *key_der, uint32_t key_len,
		    const uint8_t *cert_der, uint32_t cert_len, const uint8_t *idcert_der,
		    uint32_t idcert_len);

#define FZ_OUR_IP UINT32_C(0x0a000001)	/* 10.0.0.1 */
#define FZ_PEER_IP UINT32_C(0x0a000002) /* 10.0.0.2 */
#define FZ_START_US UINT64_C(1000000000)

#define FZ_SLOTS 8
#define FZ_MAX_CHANS 6
#define FZ_MAX_HS 4
#define FZ_TLS_CONNS 4
#define FZ_TCP_CONNS 4
#define FZ_MAX_OPS 256
#define FZ_RX_MAX (512u * 1024u)
#define FZ_REQS 256
#define FZ_OPENS 64
#define FZ_DER_LEN 300
#define FZ_POOL_SIZE 1023
#define FZ_FAKE_TLS 0x40000u /* TLS handle index no pool entry has */
#define FZ_JUNK_REQ 0x4a554e4bu
#define FZ_EVT_HOLD 4

/* Ring geometry: cell_up small enough that big CERTS bodies fill it. */
#define FZ_RING_CMD 16
#define FZ_RING_EVT 64
#define FZ_RING_UP 32
#define FZ_RING_DOWN 16

/* Request id spaces, so that a CHAN_STATUS tells what it answers. */
#define FZ_REQ_OPEN 0x10000u
#define FZ_REQ_CLOSE 0x20000u
#define FZ_REQ_LIST 0x30000u
#define FZ_REQ_INSTALL 0x40000u

/* Configuration byte. */
#define FZ_C_NO_CREDS 0x01u
#define FZ_C_CIRC 0x02u
#define FZ_C_BIG_CERTS 0x04u
#define FZ_C_NETINFO_ADDR 0x08u
#define FZ_C_SHORT_HS 0x10u

/* io faults (per connection). */
#define FZ_F_CERT_ERR 0x01u  /* own_cert_der / peer_cert_der fail */
#define FZ_F_KM_ERR 0x02u    /* export_km fails */
#define FZ_F_CLOSE_ERR 0x04u /* close fails (the channel must abort) */
#define FZ_F_WFAIL_SHIFT 3   /* bits 3-5: the n-th write fails (0: none) */
#define FZ_F_WFAIL_MASK 0x7u
#define FZ_F_WMODE_SHIFT 6 /* bits 6-7: how: short, 0, -EPIPE, -EPROTO */

enum fz_op {
	OP_ACCEPT = 0,
	OP_HS_DONE,
	OP_OPEN,
	OP_FEED_RAW,
	OP_FEED_CELL,
	OP_READ,
	OP_EOF,
	OP_CP,
	OP_CP_DROP,
	OP_TIME,
	OP_CLOSE,
	OP_CLOSED,
	OP_LIST,
	OP_BLOB,
	OP_INSTALL,
	OP_INFO,
	OP_FILL,
	OP_FAULT,
	OP__COUNT
};

static const char *const fz_op_names[OP__COUNT] = {
	"accept", "hs_done", "open",	"feed_raw", "feed_cell", "read",
	"eof",	  "cp",	     "cp_drop", "time",	    "close",	 "closed",
	"list",	  "blob",    "install", "info",	    "fill",	 "fault",
};

/* Clock steps: nothing, 1 ms, 100 ms, 1 s, 5 s, 29 s, 31 s, an hour. */
static const uint64_t fz_steps_us[8] = {
	0, 1000, 100000, 1000000, 5000000, 29000000, 31000000, UINT64_C(3600000000),
};

/* One connection the fuzzer plays TLS for. */
struct fz_slot {
	uint8_t used;	   /* from accepted / CHAN_OPEN until `closed` is delivered */
	uint8_t role;	   /* IPC_ROLE_* of our side */
	uint8_t real_tls;  /* tls_h is a real (detached) TLS connection: abort it after `closed` */
	uint8_t hs_done;   /* `handshake_done` delivered */
	uint8_t close_req; /* the channel called close (successfully) or abort */
	uint8_t close_failed; /* close returned an error (abort must follow) */
	uint8_t wfailed;      /* a write failed or was short: nothing may follow, close must */
	uint8_t eof;	      /* 0; 1: reads end with -EPIPE; 2: with -EPROTO */
	uint8_t faults;	      /* FZ_F_* */
	uint8_t tx_seq;	      /* handshake cells written so far (fz_tx_order) */
	uint8_t expect_ed;
	uint32_t n_writes;
	uint32_t tls_h;
	uint32_t chan_h;
	struct chan *ch; /* the `ctx` TLS gives back */
	uint8_t *rx;	 /* bytes queued for `read` */
	uint32_t rx_len, rx_off, rx_cap;
	uint32_t chunk[2];
	uint32_t chunk_i;
	uint8_t expect_rsa[20];
	uint8_t expect_ed_id[32];
	/* The peer's VERSIONS, parsed again from the bytes the channel read (vp_*). */
	uint8_t vp_state; /* FZ_VP_* */
	uint8_t vp_hlen;
	uint8_t vp_hdr[5];
	uint8_t vp_hi;	  /* first byte of a version */
	uint16_t vp_best; /* highest of 4, 5 among the first CHAN_VERSIONS_KEPT */
	uint32_t vp_left; /* payload bytes still to come */
	uint32_t vp_idx;  /* payload bytes seen */
};

/* Reference parser states: before-VERSIONS header, skipping padding, VERSIONS payload, done. */
#define FZ_VP_HDR 0
#define FZ_VP_SKIP 1
#define FZ_VP_VERSIONS 2
#define FZ_VP_DONE 3  /* VERSIONS complete: vp_best is what must be negotiated */
#define FZ_VP_OTHER 4 /* the first cell is no VERSIONS: nothing to compare */
/* chan.c keeps the first 64 versions of a VERSIONS cell (on_versions()). */
#define CHAN_VERSIONS_KEPT 64u

/* A complete control-plane request read from cell_up. */
struct fz_req {
	uint16_t type;
	uint32_t chan;
	uint32_t req_id;
};

/* A CHAN_OPEN sent, and the CHAN_STATUS replies it got. */
struct fz_open {
	uint32_t req_id;
	uint32_t chan_h; /* 0: refused at once */
	uint32_t n_status;
	uint8_t rsa[20]; /* identity asked for */
};

struct fz_in {
	const uint8_t *p;
	size_t n, off;
};

static struct rte_mempool *fz_pool;
static struct rte_ring *fz_rx_ring, *fz_tx_ring;
static uint16_t fz_port = UINT16_MAX;
static char fz_runtime_dir[PATH_MAX];
static struct ipc_shm fz_shm;
static struct ipc_ring_cons fz_up, fz_evt;
static atomic_int fz_stop;
static struct dp_lcore fz_lc;
static const struct dp_tls_app_ops *fz_tls_ops;
static struct dp_tls_cert_blobs fz_certs;
static uint8_t fz_certs_resp[IPC_BLOB_MAX], fz_certs_init[IPC_BLOB_MAX];
static uint32_t fz_certs_resp_len, fz_certs_init_len;
static uint8_t fz_der_own[FZ_DER_LEN], fz_der_peer[FZ_DER_LEN];
static uint8_t fz_der_own_sha256[32], fz_der_peer_sha256[32];
static uint8_t fz_id_ours[20], fz_id_peer[20], fz_id_other[20];
static uint8_t fz_ed_ours[32], fz_ed_peer[32], fz_ed_other[32];
static uint8_t fz_sha256_ours[32], fz_sha256_peer[32];
static uint8_t fz_signed[IPC_AUTH3_PAYLOAD_LEN];
static bool fz_verbose;

/* Per-input state. */
static uint8_t fz_cfg;
static struct fz_slot fz_slots[FZ_SLOTS];
static struct fz_req fz_reqs[FZ_REQS];
static uint32_t fz_req_head, fz_req_n;
static struct {
	uint8_t active;
	uint32_t chan, req_id, total, got;
} fz_asm;
static struct fz_open fz_opens[FZ_OPENS];
static uint32_t fz_n_opens;
static uint32_t fz_next_fake, fz_next_req, fz_install_gen;
static uint32_t fz_install_req;	 /* LINK_INSTALL whose LINK_INSTALLED must say 0, or 0 */
static uint32_t fz_install_seen; /* ... and whether it did */
static uint32_t fz_list_req, fz_list_infos, fz_list_max;
static uint32_t fz_evt_hold;
static uint64_t fz_circ_closed;
static uint64_t fz_circ_opened;
static uint64_t fz_made0;
static uint64_t fz_opened0, fz_evt_full0;

#define FZ_CHECK(cond, ...)                                                                        \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "fuzz_chan: check failed: %s: ", #cond);                   \
			fprintf(stderr, __VA_ARGS__);                                              \
			fputc('\n', stderr);                                                       \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

#define FZ_V(...)                                                                                  \
	do {                                                                                       \
		if (fz_verbose)                                                                    \
			fprintf(stderr, __VA_ARGS__);                                              \
	} while (0)

/*
 * ---- what chan.o calls instead of rte_zmalloc, rte_free, dp_tls_set_cert ----
 *
 * tests/fuzz/module.mk builds fuzz_chan's copy of chan.c with those names
 * defined to these. The heap ones put the channel layer's pools and buffers
 * on the C heap, where ASan sees them (DPDK's heap is invisible to it).
 */

void *
fz_zmalloc(const char *type, size_t size, unsigned int align)
{
	size_t a = align < 64 ? 64 : align;
	void *p;

	(void)type;
	if (size == 0 || (a & (a - 1)) != 0)
		return NULL;
	p = aligned_alloc(a, (size + a - 1) / a * a);
	if (p != NULL)
		memset(p, 0, size);
	return p;
}

void
fz_free(void *p)
{
	free(p);
}

/*
 * ... and dp_tls_set_cert to this: parsing an RSA-2048 key and matching it to
 * its certificate costs milliseconds, ten times the rest of an input. When
 * the blobs are exactly those TLS already holds (the credentials installed at
 * the start of every input), the call would change nothing: say 0 at once.
 * Anything else goes to the real function.
 */
static struct {
	uint8_t *key, *cert, *idcert;
	uint32_t key_len, cert_len, idcert_len;
} fz_tls_has;

static bool
same_blob(const uint8_t *a, uint32_t a_len, const uint8_t *b, uint32_t b_len)
{
	return a_len == b_len &&
	       (a_len == 0 || (a != NULL && b != NULL && memcmp(a, b, a_len) == 0));
}

static uint8_t *
blob_dup(const uint8_t *p, uint32_t n)
{
	uint8_t *d = n != 0 ? malloc(n) : NULL;

	if (d != NULL)
		memcpy(d, p, n);
	return d;
}

static void
fz_tls_has_free(void)
{
	free(fz_tls_has.key);
	free(fz_tls_has.cert);
	free(fz_tls_has.idcert);
	memset(&fz_tls_has, 0, sizeof(fz_tls_has));
}

int
fz_tls_set_cert(struct dp_lcore *lc, const uint8_t *key_der, uint32_t key_len,
		const uint8_t *cert_der, uint32_t cert_len, const uint8_t *idcert_der,
		uint32_t idcert_len)
{
	int rc;

	if (fz_tls_has.key != NULL &&
	    same_blob(key_der, key_len, fz_tls_has.key, fz_tls_has.key_len) &&
	    same_blob(cert_der, cert_len, fz_tls_has.cert, fz_tls_has.cert_len) &&
	    same_blob(idcert_der, idcert_len, fz_tls_has.idcert, fz_tls_has.idcert_len))
		return 0;
	rc = dp_tls_set_cert(lc, key_der, key_len, cert_der, cert_len, idcert_der, idcert_len);
	if (rc == 0) {
		fz_tls_has_free();
		fz_tls_has.key = blob_dup(key_der, key_len);
		fz_tls_has.cert = blob_dup(cert_der, cert_len);
		fz_tls_has.idcert = blob_dup(idcert_der, idcert_len);
		fz_tls_has.key_len = key_len;
		fz_tls_has.cert_len = cert_len;
		fz_tls_has.idcert_len = idcert_len;
		FZ_CHECK(fz_tls_has.key != NULL && fz_tls_has.cert != NULL, "malloc");
	}
	return rc;
}

/* ---- input ---- */

static uint8_t
in_u8(struct fz_in *in)
{
	return in->off < in->n ? in->p[in->off++] : 0;
}

static uint16_t
in_u16(struct fz_in *in)
{
	uint16_t hi = in_u8(in);

	return (uint16_t)(hi << 8 | in_u8(in));
}

/* Copy up to @p want input bytes to @p dst, zero-filling what the input lacks. */
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

static void
sha256(const uint8_t *p, size_t n, uint8_t out[32])
{
	unsigned int len = 0;

	FZ_CHECK(EVP_Digest(p, n, out, &len, EVP_sha256(), NULL) == 1 && len == 32, "SHA-256");
}

/* ---- channels, handles, slots ---- */

static struct dp_chan_lcore *
cl(void)
{
	return fz_lc.chan;
}

/* The handle chan.c gives channel @p ch (chan.h: lcore 7 bits, index 17, generation 8). */
static uint32_t
chan_handle_of(const struct chan *ch)
{
	return ((fz_lc.idx & 0x7fu) << 25) | ((uint32_t)(ch - cl()->chans) << 8) | ch->gen;
}

static struct chan *
chan_by_handle(uint32_t h)
{
	uint32_t idx = (h >> 8) & 0x1ffffu;
	struct chan *ch;

	if ((h >> 25) != (fz_lc.idx & 0x7fu) || idx >= cl()->conf.max_chans)
		return NULL;
	ch = &cl()->chans[idx];
	return ch->state != IPC_CHAN_STATE_FREE && ch->gen == (h & 0xffu) ? ch : NULL;
}

static struct fz_slot *
slot_by_tls(uint32_t h)
{
	for (uint32_t i = 0; i < FZ_SLOTS; i++)
		if (fz_slots[i].used && fz_slots[i].tls_h == h)
			return &fz_slots[i];
	return NULL;
}

static struct fz_slot *
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

/* The slot an io call is about: known, and not yet told `closed`. */
static struct fz_slot *
io_slot(uint32_t h, const char *what)
{
	struct fz_slot *s = slot_by_tls(h);

	FZ_CHECK(s != NULL, "%s on TLS handle %#x, which is unknown or already closed", what, h);
	return s;
}

/* ---- the io table ---- */

/*
 * Feed the bytes the channel of @p s just read to a second, independent
 * parser of what comes before and in the peer's VERSIONS cell (tor-spec.txt
 * §4: VPADDING and AUTHORIZE may precede it; the circuit id is 2 bytes), to
 * know which link version the channel must negotiate.
 */
static void
vp_feed(struct fz_slot *s, const uint8_t *p, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		switch (s->vp_state) {
		case FZ_VP_HDR:
			s->vp_hdr[s->vp_hlen++] = p[i];
			if (s->vp_hlen == 3 && s->vp_hdr[2] != WIRE_CELL_CMD_VERSIONS &&
			    s->vp_hdr[2] != WIRE_CELL_CMD_VPADDING &&
			    s->vp_hdr[2] != WIRE_CELL_CMD_AUTHORIZE) {
				s->vp_state = FZ_VP_OTHER;
				break;
			}
			if (s->vp_hlen < 5)
				break;
			s->vp_hlen = 0;
			s->vp_left = (uint32_t)s->vp_hdr[3] << 8 | s->vp_hdr[4];
			s->vp_idx = 0;
			s->vp_state = s->vp_hdr[2] == WIRE_CELL_CMD_VERSIONS ? FZ_VP_VERSIONS
									     : FZ_VP_SKIP;
			if (s->vp_left == 0)
				s->vp_state =
					s->vp_state == FZ_VP_VERSIONS ? FZ_VP_DONE : FZ_VP_HDR;
			break;
		case FZ_VP_SKIP:
			if (--s->vp_left == 0)
				s->vp_state = FZ_VP_HDR;
			break;
		case FZ_VP_VERSIONS:
			if (s->vp_idx % 2 == 0) {
				s->vp_hi = p[i];
			} else if (s->vp_idx / 2 < CHAN_VERSIONS_KEPT) {
				uint16_t v = (uint16_t)(s->vp_hi << 8 | p[i]);

				if (v >= CHAN_LINK_MIN && v <= CHAN_LINK_MAX && v > s->vp_best)
					s->vp_best = v;
			}
			s->vp_idx++;
			if (--s->vp_left == 0) {
				if (s->vp_idx % 2 != 0)
					s->vp_best =
						0; /* odd: malformed, nothing may be negotiated */
				s->vp_state = FZ_VP_DONE;
			}
			break;
		default:
			return;
		}
	}
}

/* A channel that closes for want of a common version: the reference parser must agree. */
static void
vp_check_close(const struct fz_slot *s)
{
	if (s->ch->close_reason != IPC_CHAN_CLOSE_NO_VERSION)
		return;
	FZ_CHECK(
		s->vp_state == FZ_VP_DONE && s->vp_best == 0,
		"slot %d: closed for no common link version, but the peer's VERSIONS (parser state "
		"%u, %u bytes) offers %u",
		slot_no(s), s->vp_state, s->vp_idx, s->vp_best);
}

static int
fz_io_read(struct dp_lcore *lc, uint32_t h, void *buf, uint32_t len)
{
	struct fz_slot *s = io_slot(h, "read");
	const uint8_t *scratch = lc->chan->scratch;
	uint32_t n;

	FZ_CHECK(s->hs_done, "slot %d: read before handshake_done", slot_no(s));
	if (s->close_req) {
		/* What dp_tls_read() says on a closing connection. (chan.c reads once more
		 * when the circuit layer closed the channel from its `cell` callback.) */
		FZ_V("  slot %d: read after close: -EPIPE\n", slot_no(s));
		return -EPIPE;
	}
	FZ_CHECK(len != 0 && (const uint8_t *)buf >= scratch &&
			 (const uint8_t *)buf + len <= scratch + CHAN_SCRATCH,
		 "slot %d: read of %u bytes at scratch%+td", slot_no(s), len,
		 (const uint8_t *)buf - scratch);
	if (s->rx_off == s->rx_len) {
		FZ_V("  slot %d: read (room %u): %s\n", slot_no(s), len,
		     s->eof == 0   ? "0"
		     : s->eof == 1 ? "-EPIPE"
				   : "-EPROTO");
		if (s->eof != 0)
			return s->eof == 1 ? -EPIPE : -EPROTO;
		return 0;
	}
	n = s->rx_len - s->rx_off;
	if (n > len)
		n = len;
	if (n > s->chunk[s->chunk_i & 1])
		n = s->chunk[s->chunk_i & 1];
	s->chunk_i++;
	memcpy(buf, s->rx + s->rx_off, n);
	vp_feed(s, s->rx + s->rx_off, n);
	s->rx_off += n;
	FZ_V("  slot %d: read (room %u): %u bytes\n", slot_no(s), len, n);
	return (int)n;
}

/* The cells a role writes during the handshake, in order; then only DESTROY. */
static const uint8_t fz_tx_order[2][4] = {
	[IPC_ROLE_RESPONDER] = {WIRE_CELL_CMD_VERSIONS, WIRE_CELL_CMD_CERTS,
				WIRE_CELL_CMD_AUTH_CHALLENGE, WIRE_CELL_CMD_NETINFO},
	[IPC_ROLE_INITIATOR] = {WIRE_CELL_CMD_VERSIONS, WIRE_CELL_CMD_CERTS,
				WIRE_CELL_CMD_AUTHENTICATE, WIRE_CELL_CMD_NETINFO},
};

/* Check one cell the channel of slot @p s sends. */
static void
check_tx_cell(struct fz_slot *s, const struct wire_cell *c, uint16_t link)
{
	const struct chan_creds *cr = &cl()->creds;
	struct chan *ch = s->ch;

	FZ_V("  slot %d tx cmd %u circ %u len %u (link %u)\n", slot_no(s), c->cmd, c->circ_id,
	     c->payload_len, link);
	if (s->tx_seq < 4) {
		FZ_CHECK(c->cmd == fz_tx_order[s->role][s->tx_seq],
			 "slot %d (role %u): handshake cell %u is command %u, expected %u",
			 slot_no(s), s->role, s->tx_seq, c->cmd, fz_tx_order[s->role][s->tx_seq]);
		s->tx_seq++;
	} else {
		FZ_CHECK(c->cmd == WIRE_CELL_CMD_DESTROY && ch->state == IPC_CHAN_STATE_OPEN &&
				 c->circ_id != 0,
			 "slot %d: command %u (circ %u) after the handshake, channel state %u",
			 slot_no(s), c->cmd, c->circ_id, ch->state);
		return;
	}
	FZ_CHECK(c->circ_id == 0, "slot %d: handshake cell %u with circ id %u", slot_no(s), c->cmd,
		 c->circ_id);
	switch (c->cmd) {
	case WIRE_CELL_CMD_VERSIONS: {
		uint16_t v[8];
		size_t n = 0;

		FZ_CHECK(link == 0 &&
				 wire_versions_decode(c->payload, c->payload_len, v, 8, &n) == 0 &&
				 n == 2 && v[0] == CHAN_LINK_MIN && v[1] == CHAN_LINK_MAX,
			 "slot %d: VERSIONS of %u bytes, %zu versions", slot_no(s), c->payload_len,
			 n);
		break;
	}
	case WIRE_CELL_CMD_CERTS: {
		const uint8_t *want =
			s->role == IPC_ROLE_RESPONDER ? cr->certs_resp : cr->certs_init;
		uint32_t want_len =
			s->role == IPC_ROLE_RESPONDER ? cr->certs_resp_len : cr->certs_init_len;

		FZ_CHECK(c->payload_len == want_len && memcmp(c->payload, want, want_len) == 0,
			 "slot %d: CERTS of %u bytes is not the installed body (%u bytes)",
			 slot_no(s), c->payload_len, want_len);
		break;
	}
	case WIRE_CELL_CMD_AUTH_CHALLENGE: {
		struct wire_auth_challenge ac;

		FZ_CHECK(wire_auth_challenge_decode(c->payload, c->payload_len, &ac) == 0 &&
				 wire_auth_challenge_has_method(
					 &ac, WIRE_AUTHTYPE_ED25519_SHA256_RFC5705),
			 "slot %d: bad AUTH_CHALLENGE", slot_no(s));
		break;
	}
	case WIRE_CELL_CMD_AUTHENTICATE:
		FZ_CHECK(c->payload_len == sizeof(fz_signed) &&
				 memcmp(c->payload, fz_signed, sizeof(fz_signed)) == 0,
			 "slot %d: AUTHENTICATE (%u bytes) is not what the control plane signed",
			 slot_no(s), c->payload_len);
		break;
	case WIRE_CELL_CMD_NETINFO: {
		struct wire_netinfo ni;
		uint32_t my = cr->netinfo_addr != 0 ? cr->netinfo_addr : fz_lc.net.ip;
		uint8_t other[4], mine[4];

		put32(other, ch->peer_addr);
		put32(mine, my);
		FZ_CHECK(wire_netinfo_decode(c->payload, c->payload_len, &ni) == 0 &&
				 ni.other.atype == WIRE_NETINFO_ATYPE_IPV4 && ni.other.alen == 4 &&
				 memcmp(ni.other.aval, other, 4) == 0 && ni.n_my == 1 &&
				 ni.my[0].alen == 4 && memcmp(ni.my[0].aval, mine, 4) == 0,
			 "slot %d: bad NETINFO", slot_no(s));
		break;
	}
	default:
		break;
	}
}

static int
fz_io_write(struct dp_lcore *lc, uint32_t h, const void *buf, uint32_t len)
{
	struct fz_slot *s = io_slot(h, "write");
	const uint8_t *p = buf;
	uint32_t off = 0, fail_at, mode;

	(void)lc;
	FZ_CHECK(s->hs_done, "slot %d: write before handshake_done", slot_no(s));
	FZ_CHECK(!s->close_req, "slot %d: write of %u bytes after close", slot_no(s), len);
	FZ_CHECK(!s->wfailed, "slot %d: write of %u bytes after a failed write", slot_no(s), len);
	FZ_CHECK(len != 0, "slot %d: empty write", slot_no(s));
	/* Whole cells: the first is VERSIONS framed as before negotiation. */
	while (off < len) {
		uint16_t link = s->tx_seq == 0 ? 0 : s->ch->link_proto;
		struct wire_cell c;
		int n;

		FZ_CHECK(s->tx_seq == 0 || link == 4 || link == 5,
			 "slot %d: writing at link protocol %u", slot_no(s), link);
		n = wire_cell_decode(p + off, len - off, link, &c);
		FZ_CHECK(n > 0, "slot %d: write of %u bytes does not frame at offset %u (%d)",
			 slot_no(s), len, off, n);
		check_tx_cell(s, &c, link);
		off += (uint32_t)n;
	}
	s->n_writes++;
	fail_at = (s->faults >> FZ_F_WFAIL_SHIFT) & FZ_F_WFAIL_MASK;
	if (fail_at == 0 || s->n_writes != fail_at)
		return (int)len;
	s->wfailed = 1;
	mode = s->faults >> FZ_F_WMODE_SHIFT;
	FZ_V("  slot %d: write %u fails (mode %u)\n", slot_no(s), s->n_writes, mode);
	switch (mode) {
	case 0:
		return (int)(len / 2);
	case 1:
		return 0;
	case 2:
		return -EPIPE;
	default:
		return -EPROTO;
	}
}

static int
fz_io_close(struct dp_lcore *lc, uint32_t h)
{
	struct fz_slot *s = io_slot(h, "close");

	(void)lc;
	FZ_CHECK(!s->close_req && !s->close_failed, "slot %d: closed twice", slot_no(s));
	vp_check_close(s);
	FZ_V("  slot %d: channel closes TLS (%s)\n", slot_no(s),
	     ipc_chan_close_name(s->ch->close_reason));
	if (s->faults & FZ_F_CLOSE_ERR) {
		s->close_failed = 1;
		return -EBADF;
	}
	s->close_req = 1;
	return 0;
}

static int
fz_io_abort(struct dp_lcore *lc, uint32_t h)
{
	struct fz_slot *s = io_slot(h, "abort");

	(void)lc;
	FZ_CHECK(!s->close_req, "slot %d: abort after close", slot_no(s));
	vp_check_close(s);
	FZ_V("  slot %d: channel aborts TLS (%s)\n", slot_no(s),
	     ipc_chan_close_name(s->ch->close_reason));
	s->close_req = 1;
	return 0;
}

/* The exporter value for context @p ctx: a function of the context, so requests can be checked. */
static void
fz_km(const uint8_t *ctx, uint8_t out[32])
{
	for (int i = 0; i < 32; i++)
		out[i] = (uint8_t)(ctx[i] ^ 0x5a ^ i);
}

static int
fz_io_export_km(struct dp_lcore *lc, uint32_t h, uint8_t *out, size_t out_len, const char *label,
		size_t label_len, const uint8_t *context, size_t context_len)
{
	static const char want[] = "EXPORTER FOR TOR TLS CLIENT BINDING AUTH0003";
	struct fz_slot *s = io_slot(h, "export_km");

	(void)lc;
	FZ_CHECK(s->hs_done && !s->close_req,
		 "slot %d: export_km before handshake_done or after close", slot_no(s));
	FZ_CHECK(out_len == 32 && label_len == sizeof(want) - 1 &&
			 memcmp(label, want, label_len) == 0 && context_len == 32,
		 "slot %d: export_km(%zu bytes, label of %zu, context of %zu)", slot_no(s), out_len,
		 label_len, context_len);
	if (s->faults & FZ_F_KM_ERR)
		return -EINVAL;
	fz_km(context, out);
	return 0;
}

static int
fz_cert_der(uint32_t h, uint8_t *buf, uint32_t cap, uint8_t role, const uint8_t *der,
	    const char *what)
{
	struct fz_slot *s = io_slot(h, what);
	const uint8_t *scratch = cl()->scratch;

	FZ_CHECK(s->role == role, "slot %d: %s asked by role %u", slot_no(s), what, s->role);
	FZ_CHECK(buf >= scratch && buf + cap <= scratch + CHAN_SCRATCH,
		 "slot %d: %s into scratch%+td, %u bytes", slot_no(s), what, buf - scratch, cap);
	if (s->faults & FZ_F_CERT_ERR)
		return (s->n_writes & 1) ? 0 : -ENOENT;
	if (cap < FZ_DER_LEN)
		return -ENOBUFS;
	memcpy(buf, der, FZ_DER_LEN);
	return FZ_DER_LEN;
}

static int
fz_io_peer_cert_der(struct dp_lcore *lc, uint32_t h, uint8_t *buf, uint32_t cap)
{
	(void)lc;
	return fz_cert_der(h, buf, cap, IPC_ROLE_INITIATOR, fz_der_peer, "peer_cert_der");
}

static int
fz_io_own_cert_der(struct dp_lcore *lc, uint32_t h, uint8_t *buf, uint32_t cap)
{
	(void)lc;
	return fz_cert_der(h, buf, cap, IPC_ROLE_RESPONDER, fz_der_own, "own_cert_der");
}

static const struct chan_io fz_io = {
	.read = fz_io_read,
	.write = fz_io_write,
	.close = fz_io_close,
	.abort = fz_io_abort,
	.export_km = fz_io_export_km,
	.peer_cert_der = fz_io_peer_cert_der,
	.own_cert_der = fz_io_own_cert_der,
};

/* ---- the circuit layer ---- */

static void
fz_circ_cell(struct dp_lcore *lc, uint32_t chan, const struct wire_cell *c)
{
	struct chan *ch = chan_by_handle(chan);
	uint8_t cell[WIRE_CELL_LEN];

	FZ_CHECK(ch != NULL && ch->state == IPC_CHAN_STATE_OPEN,
		 "circuit cell (command %u) for channel %#x in state %u", c->cmd, chan,
		 ch != NULL ? ch->state : 0);
	FZ_CHECK(c->payload_len == WIRE_CELL_PAYLOAD_LEN,
		 "circuit cell (command %u) with a payload of %u bytes", c->cmd, c->payload_len);
	if (c->payload[0] == 0xcc) {
		FZ_CHECK(dp_chan_close(lc, chan) == 0, "dp_chan_close from the cell callback");
	} else if (c->payload[0] == 0x5e) {
		memset(cell, 0, sizeof(cell));
		put32(cell, c->circ_id);
		cell[4] = WIRE_CELL_CMD_DESTROY;
		(void)dp_chan_send_cell(lc, chan, cell);
	}
}

/* Every channel that closes is reported (circuits may wait for one still
 * handshaking), once, while it is CLOSING, with a reason in range. */
static void
fz_circ_closed_cb(struct dp_lcore *lc, uint32_t chan, uint8_t reason)
{
	struct chan *ch = chan_by_handle(chan);

	(void)lc;
	FZ_CHECK(reason < IPC_CHAN_CLOSE_COUNT, "close reason %u out of range", reason);
	FZ_CHECK(ch != NULL && ch->state == IPC_CHAN_STATE_CLOSING,
		 "circuit layer told channel %#x closed in state %u", chan,
		 ch != NULL ? ch->state : 0);
	fz_circ_closed++;
}

static void
fz_circ_opened_cb(struct dp_lcore *lc, uint32_t chan)
{
	struct chan *ch = chan_by_handle(chan);

	(void)lc;
	FZ_CHECK(ch != NULL && ch->state == IPC_CHAN_STATE_OPEN,
		 "circuit layer told channel %#x opened in state %u", chan, ch != NULL ? ch->state : 0);
	fz_circ_opened++;
}

static const struct dp_chan_cell_ops fz_circ_ops = {
	.cell = fz_circ_cell,
	.opened = fz_circ_opened_cb,
	.closed = fz_circ_closed_cb,
};

/* ---- the control plane ---- */

/* Hand @p msg to the channel layer from an exact-size heap copy (ASan sees over-reads). */
static void
ctl_send(const void *msg, size_t len, uint32_t dir)
{
	uint8_t *b = malloc(len);
	uint16_t type = 0;

	FZ_CHECK(b != NULL, "malloc");
	memcpy(b, msg, len);
	FZ_CHECK(ipc_msg_validate(b, (uint32_t)len, dir, &type) == 0, "harness sent a bad message");
	dp_chan_ctl_msg(&fz_lc, (const struct ipc_hdr *)(const void *)b);
	free(b);
}

static void
req_push(uint16_t type, uint32_t chan, uint32_t req_id)
{
	FZ_CHECK(fz_req_n < FZ_REQS, "request queue overflow");
	fz_reqs[(fz_req_head + fz_req_n) % FZ_REQS] = (struct fz_req){type, chan, req_id};
	fz_req_n++;
}

static bool
req_pop(struct fz_req *r)
{
	if (fz_req_n == 0)
		return false;
	*r = fz_reqs[fz_req_head];
	fz_req_head = (fz_req_head + 1) % FZ_REQS;
	fz_req_n--;
	return true;
}

/* Read cell_up: check each request and queue the complete ones. */
static void
up_drain(void)
{
	union {
		struct ipc_hdr hdr;
		struct ipc_msg_chan_certs certs;
		struct ipc_msg_chan_auth_sign sign;
		struct ipc_msg_chan_auth_verify verify;
		uint8_t b[IPC_CELL_SLOT];
	} m;
	uint8_t km[32];
	int n;

	while ((n = ipc_ring_pop(&fz_up, m.b, sizeof(m.b))) > 0) {
		uint16_t type = 0;
		struct fz_slot *s;

		if (m.hdr.type == IPC_MSG_CELL_UP && m.hdr.req_id == FZ_JUNK_REQ)
			continue;
		FZ_CHECK(ipc_msg_validate(m.b, (uint32_t)n, IPC_DIR_CELL_UP, &type) == 0,
			 "bad message on cell_up (type %u, len %u)", m.hdr.type, m.hdr.len);
		switch (type) {
		case IPC_MSG_CHAN_CERTS: {
			const struct ipc_msg_chan_certs *c = &m.certs;
			uint32_t want = c->total_len - c->offset;

			FZ_CHECK(c->total_len != 0 && c->total_len <= IPC_CERTS_MAX &&
					 c->offset < c->total_len &&
					 c->offset % IPC_BLOB_CHUNK_DATA == 0 &&
					 c->chunk_len == (want < IPC_BLOB_CHUNK_DATA
								  ? want
								  : IPC_BLOB_CHUNK_DATA),
				 "CHAN_CERTS chunk [%u, +%u) of %u", c->offset, c->chunk_len,
				 c->total_len);
			if (c->offset == 0) {
				FZ_CHECK(!fz_asm.active, "CHAN_CERTS request left incomplete");
				fz_asm.active = 1;
				fz_asm.chan = c->chan;
				fz_asm.req_id = c->hdr.req_id;
				fz_asm.total = c->total_len;
				fz_asm.got = 0;
			}
			FZ_CHECK(fz_asm.active && fz_asm.chan == c->chan &&
					 fz_asm.req_id == c->hdr.req_id &&
					 fz_asm.total == c->total_len && fz_asm.got == c->offset,
				 "CHAN_CERTS chunk at %u does not continue the request", c->offset);
			s = slot_by_chan(c->chan);
			if (s != NULL) {
				static const uint8_t zero[32];

				FZ_CHECK(c->sender_role == (s->role == IPC_ROLE_INITIATOR
								    ? IPC_ROLE_RESPONDER
								    : IPC_ROLE_INITIATOR) &&
						 memcmp(c->tls_cert_sha256,
							s->role == IPC_ROLE_INITIATOR
								? fz_der_peer_sha256
								: zero,
							32) == 0,
					 "slot %d: CHAN_CERTS sender role %u or TLS digest wrong",
					 slot_no(s), c->sender_role);
			}
			fz_asm.got += c->chunk_len;
			if (fz_asm.got == fz_asm.total) {
				fz_asm.active = 0;
				req_push(type, c->chan, c->hdr.req_id);
			}
			break;
		}
		case IPC_MSG_CHAN_AUTH_SIGN:
			FZ_CHECK(!fz_asm.active, "CHAN_CERTS request left incomplete");
			s = slot_by_chan(m.sign.chan);
			fz_km(cl()->creds.rsa_id_sha256, km);
			FZ_CHECK(s == NULL || (s->role == IPC_ROLE_INITIATOR &&
					       memcmp(m.sign.scert, fz_der_peer_sha256, 32) == 0 &&
					       memcmp(m.sign.sid, fz_sha256_peer, 32) == 0 &&
					       memcmp(m.sign.tlssecrets, km, 32) == 0),
				 "slot %d: bad CHAN_AUTH_SIGN", s != NULL ? slot_no(s) : -1);
			req_push(type, m.sign.chan, m.sign.hdr.req_id);
			break;
		case IPC_MSG_CHAN_AUTH_VERIFY:
			FZ_CHECK(!fz_asm.active, "CHAN_CERTS request left incomplete");
			s = slot_by_chan(m.verify.chan);
			fz_km(m.verify.cid, km);
			FZ_CHECK(m.verify.payload_len <= IPC_AUTH3_PAYLOAD_LEN &&
					 (s == NULL ||
					  (s->role == IPC_ROLE_RESPONDER &&
					   memcmp(m.verify.scert, fz_der_own_sha256, 32) == 0 &&
					   memcmp(m.verify.cid, fz_sha256_peer, 32) == 0 &&
					   memcmp(m.verify.tlssecrets, km, 32) == 0)),
				 "slot %d: bad CHAN_AUTH_VERIFY (payload %u)",
				 s != NULL ? slot_no(s) : -1, m.verify.payload_len);
			req_push(type, m.verify.chan, m.verify.hdr.req_id);
			break;
		default:
			FZ_CHECK(0, "unexpected message type %u on cell_up", type);
		}
	}
}

static struct fz_open *
open_by_req(uint32_t req_id)
{
	for (uint32_t i = 0; i < fz_n_opens; i++)
		if (fz_opens[i].req_id == req_id)
			return &fz_opens[i];
	return NULL;
}

/* Read the event ring: every message valid, and consistent with what was asked. */
static void
evt_drain(void)
{
	union {
		struct ipc_hdr hdr;
		struct ipc_msg_link_installed inst;
		struct ipc_msg_chan_status st;
		struct ipc_msg_chan_info info;
		struct ipc_msg_chan_list_end end;
		uint8_t b[IPC_EVT_SLOT];
	} m;
	int n;

	while ((n = ipc_ring_pop(&fz_evt, m.b, sizeof(m.b))) > 0) {
		uint16_t type = 0;
		struct fz_open *o;

		if (m.hdr.type == IPC_MSG_PONG && m.hdr.req_id == FZ_JUNK_REQ)
			continue;
		FZ_CHECK(ipc_msg_validate(m.b, (uint32_t)n, IPC_DIR_EVT, &type) == 0,
			 "bad event (type %u, len %u)", m.hdr.type, m.hdr.len);
		switch (type) {
		case IPC_MSG_LINK_INSTALLED:
			if (m.hdr.req_id == fz_install_req && fz_install_req != 0) {
				FZ_CHECK(m.inst.status == 0 && m.inst.gen == fz_install_gen,
					 "valid credentials refused: status %d, blob %u",
					 m.inst.status, m.inst.failed_blob);
				fz_install_seen = 1;
			}
			FZ_CHECK(m.inst.status != 0 || dp_chan_has_creds(&fz_lc),
				 "LINK_INSTALLED 0 without credentials");
			break;
		case IPC_MSG_CHAN_STATUS:
			o = open_by_req(m.hdr.req_id);
			if (o != NULL) {
				o->n_status++;
				FZ_CHECK(o->n_status == 1, "CHAN_OPEN %#x answered %u times",
					 o->req_id, o->n_status);
				FZ_CHECK(o->chan_h != 0 ? m.st.chan == o->chan_h
							: (m.st.chan == 0 && m.st.status < 0),
					 "CHAN_STATUS for CHAN_OPEN %#x: chan %#x status %d",
					 o->req_id, m.st.chan, m.st.status);
				FZ_CHECK(m.st.status != 0 ||
						 (m.st.link_proto >= CHAN_LINK_MIN &&
						  m.st.link_proto <= CHAN_LINK_MAX &&
						  memcmp(m.st.rsa_id_sha1, o->rsa, 20) == 0),
					 "CHAN_OPEN %#x open at link %u or with another identity",
					 o->req_id, m.st.link_proto);
			} else if ((m.hdr.req_id & 0xffff0000u) == FZ_REQ_CLOSE) {
				FZ_CHECK(m.st.status == 0 || m.st.status == -EBADF,
					 "CHAN_CLOSE answered %d", m.st.status);
			}
			break;
		case IPC_MSG_CHAN_INFO: {
			struct chan *ch = chan_by_handle(m.info.chan);

			FZ_CHECK(m.hdr.req_id == fz_list_req && ch != NULL &&
					 m.info.state == ch->state && m.info.role == ch->role,
				 "CHAN_INFO for %#x (state %u)", m.info.chan, m.info.state);
			fz_list_infos++;
			break;
		}
		case IPC_MSG_CHAN_LIST_END:
			FZ_CHECK(m.hdr.req_id == fz_list_req && m.end.count == fz_list_infos &&
					 m.end.count <= fz_list_max && m.end.total == cl()->n_used,
				 "CHAN_LIST_END count %u (saw %u, max %u), total %u (n_used %u)",
				 m.end.count, fz_list_infos, fz_list_max, m.end.total,
				 cl()->n_used);
			fz_list_infos = 0;
			break;
		default:
			FZ_CHECK(0, "unexpected event type %u", type);
		}
	}
}

/* Push filler onto a ring until only @p room slots are free. */
static void
ring_fill(struct ipc_ring_prod *p, uint16_t type, uint32_t room)
{
	struct ipc_hdr h;

	ipc_hdr_init(&h, type, sizeof(h), FZ_JUNK_REQ);
	for (;;) {
		uint32_t idx;

		if (ipc_ring_prod_reserve(p, room + 1, &idx) < room + 1)
			break;
		FZ_CHECK(ipc_ring_push(p, &h, sizeof(h)) == 0, "filler");
	}
}

static uint64_t ctr(enum dp_ctr_id id);

/* ---- credentials ---- */

static void
blob_send(uint32_t id, const uint8_t *data, uint32_t len, uint32_t gen)
{
	struct ipc_msg_blob_chunk m;

	for (uint32_t off = 0; off < len; off += IPC_BLOB_CHUNK_DATA) {
		uint32_t n = len - off < IPC_BLOB_CHUNK_DATA ? len - off : IPC_BLOB_CHUNK_DATA;

		memset(&m, 0, sizeof(m));
		ipc_hdr_init(&m.hdr, IPC_MSG_BLOB_CHUNK, sizeof(m), 0);
		m.blob_id = id;
		m.total_len = len;
		m.offset = off;
		m.chunk_len = (uint16_t)n;
		m.gen = gen;
		memcpy(m.data, data + off, n);
		ctl_send(&m, sizeof(m), IPC_DIR_CELL_DOWN);
	}
}

static void
install_send(uint32_t gen, uint32_t req_id)
{
	struct ipc_msg_link_install m;

	memset(&m, 0, sizeof(m));
	ipc_hdr_init(&m.hdr, IPC_MSG_LINK_INSTALL, sizeof(m), req_id);
	m.gen = gen;
	memcpy(m.rsa_id_sha1, fz_id_ours, 20);
	memcpy(m.rsa_id_sha256, fz_sha256_ours, 32);
	memcpy(m.ed_id, fz_ed_ours, 32);
	m.netinfo_addr = (fz_cfg & FZ_C_NETINFO_ADDR) ? UINT32_C(0xc0000207) /* 192.0.2.7 */ : 0;
	ctl_send(&m, sizeof(m), IPC_DIR_CELL_DOWN);
}

/*
 * A complete set of blobs for generation @p gen, then LINK_INSTALL.
 * @p mode 0: valid (and checked to be accepted); 1: a corrupted key; 2: no
 * CERTS_INIT blob.
 */
static void
creds_install(uint32_t gen, uint32_t mode)
{
	static uint8_t key[8192];
	uint32_t req_id = FZ_REQ_INSTALL + ++fz_next_req;
	uint64_t full;

	FZ_CHECK(fz_certs.key_len <= sizeof(key), "key size");
	memcpy(key, fz_certs.key_der, fz_certs.key_len);
	if (mode == 1)
		key[1] ^= 0x40; /* the outer DER length: the key does not parse */
	blob_send(IPC_BLOB_LINK_KEY, key, fz_certs.key_len, gen);
	blob_send(IPC_BLOB_LINK_CERT, fz_certs.cert_der, fz_certs.cert_len, gen);
	blob_send(IPC_BLOB_ID_CERT, fz_certs.idcert_der, fz_certs.idcert_len, gen);
	blob_send(IPC_BLOB_CERTS_RESP, fz_certs_resp, fz_certs_resp_len, gen);
	if (mode != 2)
		blob_send(IPC_BLOB_CERTS_INIT, fz_certs_init, fz_certs_init_len, gen);
	if (mode == 0) {
		fz_install_gen = gen;
		fz_install_req = req_id;
		fz_install_seen = 0;
	}
	full = ctr(DP_CTR_ipc_evt_full);
	install_send(gen, req_id);
	if (mode == 0) {
		evt_drain();
		/* The answer is lost only to a full event ring (a FILL op). */
		FZ_CHECK(fz_install_seen || ctr(DP_CTR_ipc_evt_full) != full,
			 "no LINK_INSTALLED for the valid install");
		FZ_CHECK(cl()->creds.installed && cl()->creds.gen == gen,
			 "valid credentials of gen %u not installed", gen);
		fz_install_req = 0;
	}
}

/* ---- invariants ---- */

static uint64_t
ctr(enum dp_ctr_id id)
{
	return ipc_ctr_get(fz_lc.ctr, id);
}

/* The pools, the gauges and the slots agree. */
static void
check_chans(void)
{
	struct dp_chan_lcore *c = cl();
	uint8_t on_free[FZ_MAX_CHANS] = {0}, hs_free[FZ_MAX_HS] = {0};
	uint32_t n_free = 0, n_hs_free = 0, n_hs = 0, n_open = 0, n_hsk = 0, i;

	for (i = c->free_head; i != UINT32_MAX; i = c->chans[i].next_free) {
		FZ_CHECK(i < FZ_MAX_CHANS && !on_free[i] &&
				 c->chans[i].state == IPC_CHAN_STATE_FREE &&
				 c->chans[i].hs == NULL && c->chans[i].gen != 0,
			 "channel free list broken at %u", i);
		on_free[i] = 1;
		n_free++;
	}
	FZ_CHECK(c->n_used == FZ_MAX_CHANS - n_free, "n_used %u, %u of %u channels free", c->n_used,
		 n_free, FZ_MAX_CHANS);
	for (i = c->hs_free; i != UINT32_MAX; i = c->hs[i].next_free) {
		FZ_CHECK(i < FZ_MAX_HS && !hs_free[i], "handshake free list broken at %u", i);
		hs_free[i] = 1;
		n_hs_free++;
	}
	for (i = 0; i < FZ_MAX_CHANS; i++) {
		const struct chan *ch = &c->chans[i];
		bool handshaking =
			ch->state >= IPC_CHAN_STATE_TLS && ch->state <= IPC_CHAN_STATE_HANDSHAKE;
		struct fz_slot *s;

		FZ_CHECK(ch->state < IPC_CHAN_STATE_COUNT &&
				 (ch->state == IPC_CHAN_STATE_FREE) == (on_free[i] != 0),
			 "channel %u: state %u, on the free list: %u", i, ch->state, on_free[i]);
		FZ_CHECK((ch->hs != NULL) == handshaking,
			 "channel %u in state %u %s handshake state", i, ch->state,
			 ch->hs != NULL ? "holds" : "lacks");
		FZ_CHECK(!ch->in_rx, "channel %u left in_rx set", i);
		if (ch->hs != NULL) {
			uint32_t k = (uint32_t)(ch->hs - c->hs);

			FZ_CHECK(k < FZ_MAX_HS && !hs_free[k] && ch->hs->rlen <= DP_CHAN_HS_BUF,
				 "channel %u: handshake object %u (free %u), rlen %u", i, k,
				 k < FZ_MAX_HS ? hs_free[k] : 0, ch->hs->rlen);
			hs_free[k] = 2; /* taken: a second owner trips the check above */
			n_hs++;
		}
		FZ_CHECK(ch->carry_len < WIRE_CELL_LEN, "channel %u carries %u bytes", i,
			 ch->carry_len);
		if (ch->state == IPC_CHAN_STATE_FREE)
			continue;
		if (ch->state == IPC_CHAN_STATE_OPEN)
			n_open++;
		if (handshaking)
			n_hsk++;
		s = slot_by_chan(chan_handle_of(ch));
		FZ_CHECK(s != NULL && s->ch == ch,
			 "channel %u (state %u) belongs to no live TLS connection", i, ch->state);
		FZ_CHECK(ch->tls_h == s->tls_h, "channel %u: TLS handle %#x, slot %d has %#x", i,
			 ch->tls_h, slot_no(s), s->tls_h);
		FZ_CHECK((ch->state == IPC_CHAN_STATE_CLOSING) == (s->close_req != 0),
			 "channel %u: state %u, close asked: %u", i, ch->state, s->close_req);
		FZ_CHECK(!s->wfailed || s->close_req, "slot %d: a write failed but no close",
			 slot_no(s));
		FZ_CHECK(ch->link_proto == 0 ||
				 (s->vp_state == FZ_VP_DONE && ch->link_proto == s->vp_best),
			 "slot %d: link protocol %u negotiated; the peer's VERSIONS (parser state "
			 "%u) offers %u",
			 slot_no(s), ch->link_proto, s->vp_state, s->vp_best);
	}
	/* Credential staging: no blob holds more than its announced size, none more than the
	 * maximum. */
	for (i = 1; i < IPC_BLOB_COUNT; i++)
		FZ_CHECK(c->stage.len[i] <= c->stage.total[i] && c->stage.total[i] <= IPC_BLOB_MAX,
			 "blob %u staged: %u bytes of %u (max %u)", i, c->stage.len[i],
			 c->stage.total[i], IPC_BLOB_MAX);
	FZ_CHECK(n_hs + n_hs_free == FZ_MAX_HS, "%u handshake objects used, %u free, of %u", n_hs,
		 n_hs_free, FZ_MAX_HS);
	FZ_CHECK(ctr(DP_CTR_chan_open) == n_open && ctr(DP_CTR_chan_handshaking) == n_hsk,
		 "gauges open %" PRId64 " handshaking %" PRId64 ", channels %u and %u",
		 (int64_t)ctr(DP_CTR_chan_open), (int64_t)ctr(DP_CTR_chan_handshaking), n_open,
		 n_hsk);
	for (i = 0; i < FZ_SLOTS; i++) {
		const struct fz_slot *s = &fz_slots[i];

		if (!s->used || s->ch == NULL)
			continue;
		FZ_CHECK(s->ch->state != IPC_CHAN_STATE_FREE && chan_handle_of(s->ch) == s->chan_h,
			 "slot %u: its channel was freed before `closed`", i);
	}
}

/* ---- slots ---- */

static void
slot_reset(struct fz_slot *s)
{
	free(s->rx);
	memset(s, 0, sizeof(*s));
	s->chunk[0] = s->chunk[1] = UINT32_MAX;
}

/* Deliver TLS's `closed` for slot @p s: the channel must be freed by it. */
static void
slot_closed(struct fz_slot *s, enum dp_tls_close_reason reason)
{
	uint32_t h = s->tls_h, real = s->real_tls;
	struct chan *ch = s->ch;

	FZ_V("  slot %d: closed (reason %d)%s\n", slot_no(s), (int)reason,
	     s->close_req ? "" : ", unasked");
	fz_tls_ops->closed(&fz_lc, h, ch, reason);
	FZ_CHECK(ch->state == IPC_CHAN_STATE_FREE, "slot %d: channel in state %u after `closed`",
		 slot_no(s), ch->state);
	slot_reset(s);
	if (real) {
		/*
		 * The detached connection: its `closed` reaches the channel layer with
		 * ctx NULL. It may be gone already: TCP gives up on the SYNs nobody
		 * answers once the input has moved the clock far enough.
		 */
		int rc = dp_tls_abort(&fz_lc, h);

		FZ_CHECK(rc == 0 || rc == -EBADF, "abort of the real TLS connection: %d", rc);
		dp_tls_poll(&fz_lc);
		dp_tcp_poll(&fz_lc);
	}
}

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

/*
 * Queue one cell built from a few input bytes. Byte k: bits 0-3 the kind,
 * bit 4 the other circuit-id width (4 bytes for VERSIONS, else 2):
 *   0 VERSIONS n (n & 15) 2-byte versions    1 VERSIONS canned list (next byte)
 *   2 CERTS len16, body from the input        3 AUTH_CHALLENGE variant (next byte)
 *   4 AUTHENTICATE len16, body                5 NETINFO variant (next byte)
 *   6 CREATE_FAST circ32, payload byte 0      7 fixed: cmd, circ32, n, n payload bytes
 *   8 variable: cmd, len16, body              9 VPADDING len16 (zeros)
 *  10 PADDING                                11 PADDING_NEGOTIATE
 *  12 AUTHORIZE len8                        13 CREATE2 circ32, payload byte 0
 */
static void
feed_cell(struct fz_slot *s, struct fz_in *in)
{
	static uint8_t cell[7 + 65535];
	static const uint16_t canned[8][4] = {
		{3, 4, 5, 0}, {4, 5, 0, 0}, {5, 0, 0, 0}, {4, 0, 0, 0},
		{1, 2, 3, 0}, {0, 0, 0, 0}, {5, 4, 3, 0}, {6, 7, 0, 0},
	};
	uint8_t k = in_u8(in), kind = k & 15, cmd = 0, *p;
	bool var, wide = (k & 0x10) == 0;
	uint32_t circ = 0, plen = 0, hl;

	switch (kind) {
	case 0:
	case 1:
		wide = !wide;
		break;
	default:
		break;
	}
	hl = wide ? 4 : 2;
	/* The payload goes after the longest header; moved into place below. */
	p = cell + 7;
	switch (kind) {
	case 0: {
		uint32_t n = in_u8(in) & 15;

		cmd = WIRE_CELL_CMD_VERSIONS;
		in_take(in, p, 2 * n);
		plen = 2 * n;
		break;
	}
	case 1: {
		uint8_t v = in_u8(in);

		cmd = WIRE_CELL_CMD_VERSIONS;
		for (int i = 0; i < 4 && canned[v & 7][i] != 0; i++) {
			put16(p + plen, canned[v & 7][i]);
			plen += 2;
		}
		if (v & 0x08)
			p[plen++] = 0; /* odd length */
		break;
	}
	case 2:
	case 4:
		cmd = kind == 2 ? WIRE_CELL_CMD_CERTS : WIRE_CELL_CMD_AUTHENTICATE;
		plen = in_u16(in);
		in_take(in, p, plen < 1024 ? plen : 1024);
		if (plen > 1024)
			memset(p + 1024, 0xa5, plen - 1024);
		break;
	case 3: {
		uint8_t v = in_u8(in);

		cmd = WIRE_CELL_CMD_AUTH_CHALLENGE;
		memset(p, 0x77, WIRE_AUTH_CHALLENGE_LEN);
		plen = WIRE_AUTH_CHALLENGE_LEN;
		switch (v & 3) {
		case 0: /* methods 1 and 3 */
			put16(p + plen, 2);
			put16(p + plen + 2, 1);
			put16(p + plen + 4, WIRE_AUTHTYPE_ED25519_SHA256_RFC5705);
			plen += 6;
			break;
		case 1: /* method 1 only */
			put16(p + plen, 1);
			put16(p + plen + 2, 1);
			plen += 4;
			break;
		case 2: /* a method count the payload does not hold */
			put16(p + plen, (uint16_t)(v | 0x100));
			plen += 2;
			break;
		default: /* truncated */
			plen = v >> 3;
			break;
		}
		break;
	}
	case 5: {
		uint8_t v = in_u8(in);

		cmd = WIRE_CELL_CMD_NETINFO;
		memset(p, 0, WIRE_CELL_PAYLOAD_LEN);
		plen = WIRE_CELL_PAYLOAD_LEN;
		switch (v & 3) {
		case 0: /* a relay's: time, our address, one of its own */
			put32(p, 1700000000u);
			p[4] = WIRE_NETINFO_ATYPE_IPV4;
			p[5] = 4;
			put32(p + 6, FZ_OUR_IP);
			p[10] = 1;
			p[11] = WIRE_NETINFO_ATYPE_IPV4;
			p[12] = 4;
			put32(p + 13, FZ_PEER_IP);
			break;
		case 1: /* a client's: no time, no addresses of its own */
			p[4] = WIRE_NETINFO_ATYPE_IPV4;
			p[5] = 4;
			put32(p + 6, FZ_OUR_IP);
			break;
		default: /* from the input */
			in_take(in, p, v >> 1);
			break;
		}
		break;
	}
	case 6:
	case 13:
		cmd = kind == 6 ? WIRE_CELL_CMD_CREATE_FAST : WIRE_CELL_CMD_CREATE2;
		circ = (uint32_t)in_u16(in) << 16;
		circ |= in_u16(in);
		memset(p, 0, WIRE_CELL_PAYLOAD_LEN);
		p[0] = in_u8(in);
		plen = WIRE_CELL_PAYLOAD_LEN;
		break;
	case 7: {
		uint32_t n;

		cmd = in_u8(in);
		circ = (uint32_t)in_u16(in) << 16;
		circ |= in_u16(in);
		n = in_u8(in);
		memset(p, 0, WIRE_CELL_PAYLOAD_LEN);
		in_take(in, p, n);
		plen = WIRE_CELL_PAYLOAD_LEN;
		break;
	}
	case 8:
		cmd = in_u8(in);
		plen = in_u16(in);
		in_take(in, p, plen < 1024 ? plen : 1024);
		if (plen > 1024)
			memset(p + 1024, 0, plen - 1024);
		break;
	case 9:
		cmd = WIRE_CELL_CMD_VPADDING;
		plen = in_u16(in);
		memset(p, 0, plen);
		break;
	case 10:
	case 11:
		cmd = kind == 10 ? WIRE_CELL_CMD_PADDING : WIRE_CELL_CMD_PADDING_NEGOTIATE;
		memset(p, 0, WIRE_CELL_PAYLOAD_LEN);
		plen = WIRE_CELL_PAYLOAD_LEN;
		break;
	case 12:
		cmd = WIRE_CELL_CMD_AUTHORIZE;
		plen = in_u8(in);
		in_take(in, p, plen);
		break;
	default:
		return;
	}
	/* Fixed-length commands (below 128, except VERSIONS) carry exactly 509 bytes. */
	var = cmd == WIRE_CELL_CMD_VERSIONS || cmd >= 128;
	if (!var)
		plen = WIRE_CELL_PAYLOAD_LEN;
	{
		uint8_t *h = p - hl - 1 - (var ? 2 : 0);

		if (wide)
			put32(h, circ);
		else
			put16(h, (uint16_t)circ);
		h[hl] = cmd;
		if (var)
			put16(h + hl + 1, (uint16_t)plen);
		FZ_V("  slot %d: feed cell cmd %u circ %u (%u-byte id) len %u\n", slot_no(s), cmd,
		     circ, hl, plen);
		slot_feed(s, h, (uint32_t)(p - h) + plen);
	}
}

/* ---- ops ---- */

static void
op_accept(struct fz_slot *s, uint8_t faults)
{
	struct dp_chan_lcore *c = cl();
	bool can = c->creds.installed && c->free_head != UINT32_MAX && c->hs_free != UINT32_MAX;
	void *ctx = NULL;
	int rc;

	if (s->used)
		return;
	slot_reset(s);
	s->tls_h = FZ_FAKE_TLS + fz_next_fake++;
	rc = fz_tls_ops->accepted(&fz_lc, s->tls_h, NULL, &ctx);
	FZ_CHECK((rc == 0) == can, "accepted returned %d, credentials %u, pools %s", rc,
		 c->creds.installed, can ? "not empty" : "empty");
	if (rc != 0)
		return;
	s->used = 1;
	s->role = IPC_ROLE_RESPONDER;
	s->faults = faults;
	s->ch = ctx;
	FZ_CHECK(s->ch != NULL && s->ch->state == IPC_CHAN_STATE_TLS &&
			 s->ch->role == IPC_ROLE_RESPONDER && s->ch->tls_h == s->tls_h,
		 "accepted channel in state %u", s->ch != NULL ? s->ch->state : 0);
	s->chan_h = chan_handle_of(s->ch);
	memcpy(s->expect_rsa, fz_id_peer, 20);
}

static void
op_open(struct fz_slot *s, uint8_t sel, uint8_t faults)
{
	struct dp_chan_lcore *c = cl();
	static const uint8_t *const ids[4] = {fz_id_peer, fz_id_ours, fz_id_other, fz_id_peer};
	struct ipc_msg_chan_open m;
	struct fz_open *o = NULL;
	struct chan *ch = NULL;

	if (s->used || fz_n_opens >= FZ_OPENS)
		return;
	memset(&m, 0, sizeof(m));
	ipc_hdr_init(&m.hdr, IPC_MSG_CHAN_OPEN, sizeof(m),
		     (sel & 0x40) ? 0 : FZ_REQ_OPEN + ++fz_next_req);
	m.addr = (sel & 0x10) ? 0 : FZ_PEER_IP;
	m.port = (sel & 0x20) ? 0 : (uint16_t)(9001 + slot_no(s));
	memcpy(m.rsa_id_sha1, ids[sel & 3], 20);
	if (sel & 0x04) {
		m.flags = IPC_CHAN_OPEN_F_ED;
		memcpy(m.ed_id, (sel & 0x08) ? fz_ed_other : fz_ed_peer, 32);
	}
	if (m.hdr.req_id != 0) {
		o = &fz_opens[fz_n_opens++];
		memset(o, 0, sizeof(*o));
		o->req_id = m.hdr.req_id;
		memcpy(o->rsa, m.rsa_id_sha1, 20);
	}
	ctl_send(&m, sizeof(m), IPC_DIR_CMD);
	/* The new channel, if any: the initiator no slot knows. */
	for (uint32_t i = 0; i < FZ_MAX_CHANS; i++) {
		struct chan *k = &c->chans[i];

		if (k->state != IPC_CHAN_STATE_FREE && k->role == IPC_ROLE_INITIATOR &&
		    slot_by_chan(chan_handle_of(k)) == NULL) {
			FZ_CHECK(ch == NULL, "two new channels after one CHAN_OPEN");
			ch = k;
		}
	}
	if (ch == NULL)
		return;
	FZ_CHECK(ch->state == IPC_CHAN_STATE_TLS && m.addr != 0 && m.port != 0 &&
			 ch->open_req == m.hdr.req_id,
		 "CHAN_OPEN made a channel in state %u", ch->state);
	slot_reset(s);
	s->used = 1;
	s->role = IPC_ROLE_INITIATOR;
	s->real_tls = 1;
	s->faults = faults;
	s->ch = ch;
	s->tls_h = ch->tls_h;
	s->chan_h = chan_handle_of(ch);
	memcpy(s->expect_rsa, m.rsa_id_sha1, 20);
	if (sel & 0x04) {
		s->expect_ed = 1;
		memcpy(s->expect_ed_id, m.ed_id, 32);
	}
	if (o != NULL)
		o->chan_h = s->chan_h;
	/* Detach the real connection: the fuzzer is TLS for this channel from now on. */
	FZ_CHECK(dp_tls_set_ctx(&fz_lc, s->tls_h, NULL) == 0, "dp_tls_set_ctx");
}

/*
 * Answer the oldest request (or, with none queued, send a verdict nobody
 * waits for). @p v: bits 0-1 status (0; a cp_cert_err 1..4; 300; -EIO);
 * bits 2-3 the RSA identity in a CERTS verdict (the expected one, ours,
 * another, zeros); bit 4 another Ed25519 identity; bit 5 send it twice
 * (bit 6 is the caller's: cell_up not read first).
 * @p t: bits 0-1 req_id (exact, -1, +1, 0); bit 2 handle generation off by
 * one; bit 3 another slot's channel; bit 4 a signed payload of the wrong
 * length; bit 5 the verdict type of another request; bits 6-7 the
 * cp_cert_err.
 */
static void
cp_answer(uint8_t v, uint8_t t)
{
	static const uint16_t kinds[3] = {IPC_MSG_CHAN_CERTS, IPC_MSG_CHAN_AUTH_SIGN,
					  IPC_MSG_CHAN_AUTH_VERIFY};
	static const int32_t statuses[4] = {0, 1, 300, -EIO};
	union {
		struct ipc_msg_chan_certs_result cr;
		struct ipc_msg_chan_auth_signed as;
		struct ipc_msg_chan_auth_result ar;
	} m;
	struct fz_req r;
	struct fz_slot *s;
	int32_t status = statuses[v & 3];
	uint16_t type;
	size_t len;
	uint32_t k;

	if (status == 1)
		status = 1 + (t >> 6);
	if (!req_pop(&r)) {
		/* Nothing asked: a verdict for the first live channel with a request id it may have
		 * used. */
		r.type = kinds[v % 3];
		r.chan = 0;
		r.req_id = t;
		for (k = 0; k < FZ_SLOTS; k++)
			if (fz_slots[k].used) {
				r.chan = fz_slots[k].chan_h;
				break;
			}
	}
	s = slot_by_chan(r.chan);
	type = r.type;
	if (t & 0x20)
		type = type == IPC_MSG_CHAN_CERTS	? IPC_MSG_CHAN_AUTH_SIGN
		       : type == IPC_MSG_CHAN_AUTH_SIGN ? IPC_MSG_CHAN_AUTH_VERIFY
							: IPC_MSG_CHAN_CERTS;
	switch (t & 3) {
	case 1:
		r.req_id--;
		break;
	case 2:
		r.req_id++;
		break;
	case 3:
		r.req_id = 0;
		break;
	default:
		break;
	}
	if (t & 0x04)
		r.chan ^= 1;
	if (t & 0x08) {
		for (k = 0; k < FZ_SLOTS; k++)
			if (fz_slots[k].used && fz_slots[k].chan_h != r.chan) {
				r.chan = fz_slots[k].chan_h;
				break;
			}
	}
	memset(&m, 0, sizeof(m));
	switch (type) {
	case IPC_MSG_CHAN_CERTS: {
		static const uint8_t zero[20];
		const uint8_t *ids[4] = {s != NULL ? s->expect_rsa : fz_id_peer, fz_id_ours,
					 fz_id_other, zero};

		ipc_hdr_init(&m.cr.hdr, IPC_MSG_CHAN_CERTS_RESULT, sizeof(m.cr), r.req_id);
		m.cr.chan = r.chan;
		m.cr.status = status;
		m.cr.failed_type = status != 0 ? 4 : 0;
		m.cr.expires = 2000000000;
		memcpy(m.cr.rsa_id_sha1, ids[(v >> 2) & 3], 20);
		memcpy(m.cr.rsa_id_sha256, fz_sha256_peer, 32);
		memcpy(m.cr.ed_id,
		       (v & 0x10) ? fz_ed_other
				  : (s != NULL && s->expect_ed ? s->expect_ed_id : fz_ed_peer),
		       32);
		memset(m.cr.ed_auth, 0x61, 32);
		len = sizeof(m.cr);
		break;
	}
	case IPC_MSG_CHAN_AUTH_SIGN:
		ipc_hdr_init(&m.as.hdr, IPC_MSG_CHAN_AUTH_SIGNED, sizeof(m.as), r.req_id);
		m.as.chan = r.chan;
		m.as.status = status == 0 ? 0 : -EIO;
		m.as.payload_len = (t & 0x10) ? (uint16_t)(t >> 6) * 100 : IPC_AUTH3_PAYLOAD_LEN;
		memcpy(m.as.payload, fz_signed, sizeof(fz_signed));
		len = sizeof(m.as);
		break;
	default:
		ipc_hdr_init(&m.ar.hdr, IPC_MSG_CHAN_AUTH_RESULT, sizeof(m.ar), r.req_id);
		m.ar.chan = r.chan;
		m.ar.status = status;
		len = sizeof(m.ar);
		break;
	}
	FZ_V("  verdict type %u for chan %#x req %u status %d\n", m.cr.hdr.type, r.chan, r.req_id,
	     status);
	ctl_send(&m, len, IPC_DIR_CELL_DOWN);
	if (v & 0x20)
		ctl_send(&m, len, IPC_DIR_CELL_DOWN);
}

static void
op_close(struct fz_slot *s, uint8_t how)
{
	uint32_t h = s->used ? s->chan_h : 0x12345678u;
	int rc;

	if (how & 0x02)
		h = (h & ~0xffu) | (((h & 0xffu) == 1) ? 255u : (h & 0xffu) - 1u);
	if (how & 0x04)
		h = how & 0x08 ? 0 : (h ^ 0x80000000u);
	if (how & 0x01) {
		struct ipc_msg_chan_close m;

		memset(&m, 0, sizeof(m));
		ipc_hdr_init(&m.hdr, IPC_MSG_CHAN_CLOSE, sizeof(m), FZ_REQ_CLOSE + ++fz_next_req);
		m.chan = h;
		ctl_send(&m, sizeof(m), IPC_DIR_CMD);
		return;
	}
	rc = dp_chan_close(&fz_lc, h);
	FZ_CHECK(rc == 0 || rc == -EBADF, "dp_chan_close: %d", rc);
	FZ_CHECK((rc == 0) == (chan_by_handle(h) != NULL), "dp_chan_close(%#x): %d", h, rc);
}

static void
op_list(uint8_t cursor, uint8_t max)
{
	struct ipc_msg_chan_list m;

	memset(&m, 0, sizeof(m));
	ipc_hdr_init(&m.hdr, IPC_MSG_CHAN_LIST, sizeof(m), FZ_REQ_LIST + ++fz_next_req);
	m.cursor = cursor & 0x0f;
	m.max = max & 0x7f;
	fz_list_req = m.hdr.req_id;
	fz_list_infos = 0;
	fz_list_max = m.max < IPC_CHAN_LIST_MAX ? m.max : IPC_CHAN_LIST_MAX;
	ctl_send(&m, sizeof(m), IPC_DIR_CMD);
	/* Now, even with the ring held: the replies describe the channels as they are. */
	evt_drain();
}

static void
op_blob(struct fz_in *in)
{
	struct ipc_msg_blob_chunk m;
	uint32_t id = in_u8(in) & 7, gen = in_u8(in);
	uint16_t total = in_u16(in), off = in_u16(in), len = in_u16(in);

	memset(&m, 0, sizeof(m));
	ipc_hdr_init(&m.hdr, IPC_MSG_BLOB_CHUNK, sizeof(m), 0);
	m.blob_id = id;
	m.gen = gen;
	m.total_len = total;
	m.offset = off;
	m.chunk_len = len;
	for (uint32_t i = 0; i < sizeof(m.data); i++)
		m.data[i] = (uint8_t)(off + i);
	ctl_send(&m, sizeof(m), IPC_DIR_CELL_DOWN);
}

static void
op_install(uint8_t gen, uint8_t mode)
{
	switch (mode & 3) {
	case 0:
		install_send(gen, FZ_REQ_INSTALL + ++fz_next_req);
		break;
	case 1: {
		/* A valid set, live channels keep going. Its generation differs from the one
		 * staged, whose earlier bad chunk would rightly refuse the install. */
		uint32_t g = gen;

		while (g == cl()->stage.gen)
			g++;
		creds_install(g, 0);
		break;
	}
	default:
		creds_install(gen, (mode & 3) - 1u);
		break;
	}
}

static void
op_info(struct fz_slot *s, uint8_t sel)
{
	struct ipc_msg_chan_info info;
	uint8_t cell[WIRE_CELL_LEN];
	uint32_t h = s->used ? s->chan_h : 0;
	struct chan *ch;
	int rc;

	if (sel & 0x02)
		h ^= (uint32_t)(sel & 0xf0) << 4; /* another index */
	if (sel & 0x04)
		h |= 0x7f000000u; /* another lcore */
	ch = chan_by_handle(h);
	if (sel & 0x01) {
		memset(cell, 0, sizeof(cell));
		cell[4] = WIRE_CELL_CMD_PADDING;
		rc = dp_chan_send_cell(&fz_lc, h, cell);
		FZ_CHECK(ch != NULL ? (rc == -EAGAIN || rc == -ENOTCONN) : rc == -EBADF,
			 "dp_chan_send_cell(%#x): %d", h, rc);
		return;
	}
	memset(&info, 0, sizeof(info));
	rc = dp_chan_info(&fz_lc, h, &info);
	FZ_CHECK(ch != NULL ? (rc == 0 && info.chan == h && info.state == ch->state &&
			       info.role == ch->role && info.link_proto == ch->link_proto)
			    : rc == -EBADF,
		 "dp_chan_info(%#x): %d", h, rc);
}

static void
run_op(struct fz_in *in)
{
	uint8_t b = in_u8(in), code = b & 0x1f;
	struct fz_slot *s = &fz_slots[b >> 5];

	if (code < OP__COUNT)
		FZ_V("[%" PRIu64 " ms] op %s slot %d\n", (fz_lc.now_us - FZ_START_US) / 1000,
		     fz_op_names[code], slot_no(s));
	switch (code) {
	case OP_ACCEPT:
		op_accept(s, in_u8(in));
		break;
	case OP_HS_DONE:
		if (s->used && !s->hs_done && !s->close_req) {
			s->hs_done = 1;
			fz_tls_ops->handshake_done(&fz_lc, s->tls_h, s->ch);
		}
		break;
	case OP_OPEN: {
		uint8_t sel = in_u8(in);

		op_open(s, sel, in_u8(in));
		break;
	}
	case OP_FEED_RAW: {
		static uint8_t buf[32768];
		uint32_t n = in_u8(in);

		if (n & 0x80)
			n = (n & 0x7f) << 8 | in_u8(in);
		in_take(in, buf, n);
		if (s->used)
			slot_feed(s, buf, n);
		break;
	}
	case OP_FEED_CELL:
		if (s->used)
			feed_cell(s, in);
		else
			(void)in_u8(in);
		break;
	case OP_READ: {
		uint8_t c[2] = {in_u8(in), in_u8(in)};

		for (int i = 0; i < 2; i++)
			s->chunk[i] = c[i] < 0x80 ? c[i] + 1u : ((c[i] & 0x7fu) + 1u) * 128u;
		if (s->used && s->hs_done && !s->close_req)
			fz_tls_ops->readable(&fz_lc, s->tls_h, s->ch);
		break;
	}
	case OP_EOF: {
		uint8_t mode = in_u8(in);

		if (s->used && s->hs_done && !s->close_req) {
			s->eof = (mode & 1) ? 2 : 1;
			fz_tls_ops->readable(&fz_lc, s->tls_h, s->ch);
		}
		break;
	}
	case OP_CP: {
		uint8_t v = in_u8(in);

		if (!(v & 0x40))
			up_drain();
		cp_answer(v, in_u8(in));
		break;
	}
	case OP_CP_DROP: {
		struct fz_req r;

		up_drain();
		(void)req_pop(&r);
		break;
	}
	case OP_TIME:
		fz_lc.now_us += fz_steps_us[in_u8(in) & 7];
		dp_chan_poll(&fz_lc);
		break;
	case OP_CLOSE:
		op_close(s, in_u8(in));
		break;
	case OP_CLOSED: {
		uint8_t r = in_u8(in);

		if (s->used)
			slot_closed(s, (enum dp_tls_close_reason)(r % DP_TLS_CLOSE__COUNT));
		break;
	}
	case OP_LIST: {
		uint8_t c = in_u8(in);

		op_list(c, in_u8(in));
		break;
	}
	case OP_BLOB:
		op_blob(in);
		break;
	case OP_INSTALL: {
		uint8_t g = in_u8(in);

		op_install(g, in_u8(in));
		break;
	}
	case OP_INFO:
		op_info(s, in_u8(in));
		break;
	case OP_FILL: {
		uint8_t r = in_u8(in), n = in_u8(in);

		if (r & 1) {
			ring_fill(&fz_lc.evt, IPC_MSG_PONG, n & 15);
			fz_evt_hold = FZ_EVT_HOLD;
		} else {
			/* The control plane took what was there, then stopped reading. */
			up_drain();
			ring_fill(&fz_lc.cell_up, IPC_MSG_CELL_UP, n & 15);
		}
		break;
	}
	case OP_FAULT:
		if (s->used)
			s->faults = in_u8(in);
		else
			(void)in_u8(in);
		break;
	default:
		break;
	}
	if (fz_evt_hold != 0)
		fz_evt_hold--;
	else
		evt_drain();
	check_chans();
	for (uint32_t i = 0; fz_verbose && i < FZ_SLOTS; i++)
		if (fz_slots[i].used)
			fprintf(stderr, "  slot %u: channel %#x %s, %u bytes unread%s\n", i,
				fz_slots[i].chan_h, ipc_chan_state_name(fz_slots[i].ch->state),
				fz_slots[i].rx_len - fz_slots[i].rx_off,
				fz_slots[i].close_req ? ", closed by the channel" : "");
}

/* ---- one input ---- */

static void
input_start(uint8_t cfg)
{
	struct dp_chan_conf cc;

	fz_cfg = cfg;
	for (uint32_t i = 0; i < FZ_SLOTS; i++)
		slot_reset(&fz_slots[i]);
	fz_req_head = fz_req_n = 0;
	memset(&fz_asm, 0, sizeof(fz_asm));
	fz_n_opens = 0;
	fz_next_fake = fz_next_req = 0;
	fz_install_gen = fz_install_req = fz_install_seen = 0;
	fz_list_req = fz_list_infos = 0;
	fz_evt_hold = 0;
	fz_circ_closed = 0;
	fz_circ_opened = 0;
	fz_lc.now_us += 1000000; /* TCP's clock never goes back */
	/* Bring TCP's timer wheel to now, so the timers of this input's connections
	 * do not depend on how far earlier inputs moved the clock. */
	dp_tcp_poll(&fz_lc);

	dp_chan_conf_default(&cc);
	cc.max_chans = FZ_MAX_CHANS;
	cc.max_hs = FZ_MAX_HS;
	cc.hs_timeout_us = (cfg & FZ_C_SHORT_HS) ? 1000000 : 30000000;
	cc.orport = 0;
	FZ_CHECK(dp_chan_create(&fz_lc, &cc) == 0, "dp_chan_create");
	cl()->io = &fz_io;
	if (cfg & FZ_C_CIRC)
		dp_chan_set_cell_ops(&fz_lc, &fz_circ_ops);
	fz_certs_resp_len = (cfg & FZ_C_BIG_CERTS) ? IPC_BLOB_MAX : 300;
	fz_certs_init_len = (cfg & FZ_C_BIG_CERTS) ? IPC_BLOB_MAX : 200;
	fz_opened0 = ctr(DP_CTR_chan_open_link4) + ctr(DP_CTR_chan_open_link5);
	fz_made0 = ctr(DP_CTR_chan_accepted) + ctr(DP_CTR_chan_connects);
	fz_evt_full0 = ctr(DP_CTR_ipc_evt_full);
	if (!(cfg & FZ_C_NO_CREDS))
		creds_install(1, 0);
}

static void
input_finish(void)
{
	struct dp_tls_lcore *t = fz_lc.tls;
	bool evt_lost;
	uint64_t opened, made;
	unsigned int in_use;
	struct rte_mbuf *m;

	/* Close what is left, as shutdown would, and play TLS's `closed` for all. */
	for (uint32_t i = 0; i < FZ_SLOTS; i++) {
		struct fz_slot *s = &fz_slots[i];

		if (s->used && !s->close_req) {
			FZ_CHECK(dp_chan_close(&fz_lc, s->chan_h) == 0 && s->close_req,
				 "slot %u: dp_chan_close at the end did not close TLS", i);
		}
	}
	check_chans();
	for (uint32_t i = 0; i < FZ_SLOTS; i++)
		if (fz_slots[i].used)
			slot_closed(&fz_slots[i], DP_TLS_CLOSE_NORMAL);
	up_drain();
	FZ_CHECK(!fz_asm.active, "CHAN_CERTS request left incomplete");
	evt_drain();
	check_chans();
	FZ_CHECK(cl()->n_used == 0 && ctr(DP_CTR_chan_open) == 0 &&
			 ctr(DP_CTR_chan_handshaking) == 0,
		 "after closing everything: %u channels used", cl()->n_used);

	/* Each CHAN_OPEN got its one CHAN_STATUS (unless the event ring dropped it). */
	evt_lost = ctr(DP_CTR_ipc_evt_full) != fz_evt_full0;
	for (uint32_t i = 0; i < fz_n_opens; i++)
		FZ_CHECK(fz_opens[i].n_status == 1 || (evt_lost && fz_opens[i].n_status == 0),
			 "CHAN_OPEN %#x (chan %#x) got %u CHAN_STATUS", fz_opens[i].req_id,
			 fz_opens[i].chan_h, fz_opens[i].n_status);
	opened = ctr(DP_CTR_chan_open_link4) + ctr(DP_CTR_chan_open_link5) - fz_opened0;
	/* Every channel made (accepted or connecting) is reported closed once,
	 * open or not; every one that opened was reported open. */
	made = ctr(DP_CTR_chan_accepted) + ctr(DP_CTR_chan_connects) - fz_made0;
	if (fz_cfg & FZ_C_CIRC) {
		FZ_CHECK(fz_circ_closed == made,
			 "%" PRIu64 " channels made, %" PRIu64
			 " closed reported to the circuit layer",
			 made, fz_circ_closed);
		FZ_CHECK(fz_circ_opened == opened,
			 "%" PRIu64 " channels opened, %" PRIu64 " reported to the circuit layer",
			 opened, fz_circ_opened);
	}
	dp_chan_destroy(&fz_lc);

	/* TCP, TLS and the mbufs the initiators' SYNs took: all back. */
	for (int k = 0; k < 4; k++) {
		dp_tls_poll(&fz_lc);
		dp_tcp_poll(&fz_lc);
	}
	FZ_CHECK(t->n_used == 0 && fz_lc.tcp.n_used == 0, "TLS %u, TCP %u connections left",
		 t->n_used, fz_lc.tcp.n_used);
	dp_net_tx_flush(&fz_lc);
	{
		struct rte_ether_addr mac = fz_lc.net.mac;

		dp_net_init(&fz_lc, fz_port, 0, &mac, FZ_OUR_IP, 0xffffff00u, 0, fz_pool);
	}
	while (rte_ring_dequeue(fz_tx_ring, (void **)&m) == 0)
		rte_pktmbuf_free(m);
	in_use = FZ_POOL_SIZE - rte_mempool_avail_count(fz_pool);
	FZ_CHECK(in_use == 0, "%u mbufs still allocated", in_use);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_in in = {data, size, 0};
	uint32_t n_ops = 0;

	if (size < 1)
		return 0;
	input_start(in_u8(&in));
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
	dp_chan_destroy(&fz_lc);
	dp_tls_destroy(&fz_lc);
	dp_tcp_destroy(&fz_lc);
	dp_tls_cert_blobs_free(&fz_certs);
	fz_tls_has_free();
	ipc_shm_close(&fz_shm);
	if (fz_port != UINT16_MAX) {
		rte_eth_dev_stop(fz_port);
		rte_eth_dev_close(fz_port);
	}
	rte_eal_cleanup();
	dp_eal_remove_runtime_dir(fz_runtime_dir);
}

static void
fz_die(const char *what, const char *why)
{
	fprintf(stderr, "fuzz_chan: %s: %s\n", what, why);
	exit(1);
}

/* A port on two rings (TX lands in fz_tx_ring, which input_finish() empties); nothing is received.
 */
static void
fz_port_start(void)
{
	struct rte_eth_conf conf;
	int port;

	fz_pool = rte_pktmbuf_pool_create("fzc_pool", FZ_POOL_SIZE, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
					  (int)rte_socket_id());
	fz_rx_ring =
		rte_ring_create("fzc_rx", 64, (int)rte_socket_id(), RING_F_SP_ENQ | RING_F_SC_DEQ);
	fz_tx_ring = rte_ring_create("fzc_tx", 1024, (int)rte_socket_id(),
				     RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (fz_pool == NULL || fz_rx_ring == NULL || fz_tx_ring == NULL)
		fz_die("pool or rings", rte_strerror(rte_errno));
	port = rte_eth_from_rings("fzc", &fz_rx_ring, 1, &fz_tx_ring, 1,
				  (unsigned int)rte_socket_id());
	if (port < 0)
		fz_die("ring port", rte_strerror(rte_errno));
	fz_port = (uint16_t)port;
	memset(&conf, 0, sizeof(conf));
	if (rte_eth_dev_configure(fz_port, 1, 1, &conf) != 0 ||
	    rte_eth_rx_queue_setup(fz_port, 0, 64, (unsigned int)rte_socket_id(), NULL, fz_pool) !=
		    0 ||
	    rte_eth_tx_queue_setup(fz_port, 0, 64, (unsigned int)rte_socket_id(), NULL) != 0 ||
	    rte_eth_dev_start(fz_port) != 0)
		fz_die("ring port", "cannot start");
}

/* The shared segment: one lcore, small rings; unlinked at once (the mapping stays). */
static void
fz_segment(void)
{
	struct ipc_seg_geom g;
	char name[IPC_SHM_NAME_MAX], path[IPC_SHM_NAME_MAX + 1], err[256] = "";

	snprintf(name, sizeof(name), "chive-fz-chan-%d", (int)getpid());
	ipc_seg_geom_default(&g, 1);
	g.lcore_ids[0] = 0;
	g.ring_slots[IPC_RING_CMD] = FZ_RING_CMD;
	g.ring_slots[IPC_RING_EVT] = FZ_RING_EVT;
	g.ring_slots[IPC_RING_CELL_UP] = FZ_RING_UP;
	g.ring_slots[IPC_RING_CELL_DOWN] = FZ_RING_DOWN;
	if (ipc_shm_create(name, &g, (uint32_t)getpid(), &fz_shm, err, sizeof(err)) != 0)
		fz_die("segment", err);
	snprintf(path, sizeof(path), "/%s", name);
	shm_unlink(path);
	if (dp_ctr_publish(ipc_shm_ctr_dir(&fz_shm)) != 0 ||
	    dp_lcore_init(&fz_lc, &fz_shm, 0, &fz_stop, 0) != 0)
		fz_die("segment", "counters or lcore");
	ipc_shm_publish(&fz_shm);
	if (ipc_ring_cons_init(&fz_up, ipc_shm_ring(&fz_shm, 0, IPC_RING_CELL_UP),
			       ipc_shm_ring_size(&fz_shm, IPC_RING_CELL_UP)) != 0 ||
	    ipc_ring_cons_init(&fz_evt, ipc_shm_ring(&fz_shm, 0, IPC_RING_EVT),
			       ipc_shm_ring_size(&fz_shm, IPC_RING_EVT)) != 0)
		fz_die("segment", "rings");
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const uint8_t key[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
	char prefix[128];
	char *eal_argv[] = {
		(char *)(uintptr_t) "fuzz_chan",
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
	struct dp_tcp_conf tc;
	struct dp_tls_conf sc;
	struct rte_ether_addr mac = {{0x02, 0, 0, 0, 0, 0x01}};

	(void)argc;
	(void)argv;
	fz_verbose = verbose != NULL && verbose[0] == '1';
	snprintf(prefix, sizeof(prefix), "--file-prefix=%s-%d",
		 base != NULL && base[0] != '\0' ? base : "chive-fuzz", (int)getpid());
	if (rte_eal_init((int)(sizeof(eal_argv) / sizeof(eal_argv[0])) - 1, eal_argv) < 0)
		fz_die("rte_eal_init", rte_strerror(rte_errno));
	snprintf(fz_runtime_dir, sizeof(fz_runtime_dir), "%s", rte_eal_get_runtime_dir());
	atexit(fz_exit);
	fz_port_start();
	/* Nothing uses the runtime directory (see fuzz_net_input.c): remove it now. */
	dp_eal_remove_runtime_dir(fz_runtime_dir);

	fz_segment();
	fz_lc.now_us = FZ_START_US;
	dp_net_init(&fz_lc, fz_port, 0, &mac, FZ_OUR_IP, 0xffffff00u, 0, fz_pool);
	fz_lc.net.tcp_input = dp_tcp_input;
	dp_tcp_conf_default(&tc);
	tc.max_conns = FZ_TCP_CONNS;
	dp_tls_conf_default(&sc);
	sc.max_conns = FZ_TLS_CONNS;
	if (dp_tcp_create(&fz_lc, &tc, key) != 0 || dp_tls_create(&fz_lc, &sc) != 0)
		fz_die("set-up", "dp_tcp_create or dp_tls_create");
	fz_tls_ops = chan_tls_app_ops();
	if (dp_tls_cert_generate(&fz_certs) != 0)
		fz_die("set-up", "dp_tls_cert_generate");

	for (uint32_t i = 0; i < IPC_BLOB_MAX; i++) {
		fz_certs_resp[i] = (uint8_t)(0x81 + i * 7);
		fz_certs_init[i] = (uint8_t)(0x42 + i * 13);
	}
	for (uint32_t i = 0; i < FZ_DER_LEN; i++) {
		fz_der_own[i] = (uint8_t)(0x30 + i);
		fz_der_peer[i] = (uint8_t)(0x31 + 3 * i);
	}
	sha256(fz_der_own, FZ_DER_LEN, fz_der_own_sha256);
	sha256(fz_der_peer, FZ_DER_LEN, fz_der_peer_sha256);
	memset(fz_id_ours, 0x11, 20);
	memset(fz_id_peer, 0x22, 20);
	memset(fz_id_other, 0x33, 20);
	memset(fz_ed_ours, 0x44, 32);
	memset(fz_ed_peer, 0x55, 32);
	memset(fz_ed_other, 0x66, 32);
	memset(fz_sha256_ours, 0x77, 32);
	memset(fz_sha256_peer, 0x88, 32);
	/* A method-3 AUTHENTICATE payload: type 3, length 352, then the authenticator. */
	put16(fz_signed, WIRE_AUTHTYPE_ED25519_SHA256_RFC5705);
	put16(fz_signed + 2, IPC_AUTH3_PAYLOAD_LEN - 4);
	for (uint32_t i = 4; i < sizeof(fz_signed); i++)
		fz_signed[i] = (uint8_t)(i * 11);
	return 0;
}
