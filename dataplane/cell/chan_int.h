/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Channel layer internals: the channel and handshake objects, per-lcore state.
 */
#ifndef DATAPLANE_CELL_CHAN_INT_H
#define DATAPLANE_CELL_CHAN_INT_H

#include <stdatomic.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "common/ipc/ipc_msg.h"
#include "common/wire/wire_cell.h"
#include "dataplane/base/dp_u64map.h"
#include "dataplane/cell/chan.h"
#include "dataplane/tls/tls.h"

/** Bytes read from TLS per step while open (several cells per read). */
#define CHAN_SCRATCH (DP_CHAN_HS_BUF + 16384u)
/** Handshake deadlines checked per dp_chan_poll(). */
#define CHAN_EXPIRE_SCAN 64u
/** Link versions we offer and accept (tor-spec.txt §4.1; issue: 4 and 5). */
#define CHAN_LINK_MIN 4u
#define CHAN_LINK_MAX 5u

/** What a handshaking channel waits for from the control plane. */
enum chan_wait {
	CHAN_WAIT_NONE = 0,
	CHAN_WAIT_CERTS,       /**< CHAN_CERTS_RESULT */
	CHAN_WAIT_AUTH_SIGN,   /**< CHAN_AUTH_SIGNED */
	CHAN_WAIT_AUTH_VERIFY, /**< CHAN_AUTH_RESULT */
};

/** Handshake progress bits (struct chan_hs.flags). */
#define HS_GOT_CERTS 0x01u     /**< the peer's CERTS verified */
#define HS_GOT_AC 0x02u        /**< initiator: AUTH_CHALLENGE received */
#define HS_AUTH_SENT 0x04u     /**< initiator: our AUTHENTICATE sent */
#define HS_AUTH_OK 0x08u       /**< responder: the peer's AUTHENTICATE verified */
#define HS_TX_HASHING 0x10u    /**< dig_tx still open */
#define HS_RX_HASHING 0x20u    /**< dig_rx still open */
#define HS_EXPECT_ED 0x40u     /**< initiator: check the Ed25519 identity too */

/** Handshake state, held from TLS accept/connect until OPEN. */
struct chan_hs {
	uint32_t next_free;
	uint32_t rlen;                /**< Unprocessed bytes in @c buf. */
	uint32_t seq;                 /**< req_id of the last control-plane request. */
	uint8_t wait;                 /**< enum chan_wait */
	uint8_t flags;                /**< HS_* */
	uint16_t pad;
	EVP_MD_CTX *dig_tx;           /**< SHA-256 of what we sent since TLS finished */
	EVP_MD_CTX *dig_rx;           /**< SHA-256 of what we received */
	uint8_t slog[32], clog[32];   /**< tor-spec.txt §4.4.2, finalized in order */
	uint8_t peer_cert_sha256[32]; /**< initiator: the responder's TLS certificate */
	uint8_t own_cert_sha256[32];  /**< responder: ours on this connection */
	uint8_t expect_rsa[20];       /**< initiator: the identity asked for */
	uint8_t expect_ed[32];
	uint8_t peer_rsa_sha256[32];  /**< from the verified CERTS */
	uint8_t peer_ed_auth[32];     /**< responder: the initiator's AUTHENTICATE key */
	uint8_t buf[DP_CHAN_HS_BUF];  /**< receive buffer (whole variable-length cells) */
};

/** One channel. */
struct chan {
	uint32_t tls_h;
	uint32_t next_free;
	uint8_t state;                /**< IPC_CHAN_STATE_* */
	uint8_t role;                 /**< IPC_ROLE_* (ours) */
	uint8_t gen;                  /**< handle generation */
	uint8_t close_reason;         /**< IPC_CHAN_CLOSE_*, first cause */
	uint16_t link_proto;
	uint16_t flags;               /**< IPC_CHAN_F_* */
	uint8_t cert_err;             /**< cp_cert_err behind CLOSE_CERTS / CLOSE_AUTH */
	uint8_t in_rx;                /**< inside chan_rx() (no re-entry) */
	uint8_t paused;               /**< the circuit layer stopped reading (backpressure) */
	uint8_t kicked;               /**< in the kick ring: read again at the next dp_chan_run_kicks() */
	uint8_t bw_waiting;           /**< in bw_wait: stopped reading until the read bucket refills */
	uint8_t in_idmap;             /**< indexed by identity (dp_chan_find_id()) */
	uint16_t carry_len;           /**< open: bytes of a partial cell in @c carry */
	uint32_t peer_addr;
	uint16_t peer_port, local_port;
	uint32_t open_req;            /**< CHAN_OPEN req_id to answer, or 0 */
	uint32_t skip_left;           /**< bytes of an oversized VPADDING still to drop */
	uint64_t created_us, deadline_us;
	uint64_t idkey;               /**< key under which it is in the identity index */
	struct chan_hs *hs;
	uint64_t rx_cells, tx_cells;
	uint8_t peer_rsa[20];         /**< proven identities (IPC_CHAN_F_AUTHENTICATED) */
	uint8_t peer_ed[32];
	uint8_t carry[WIRE_CELL_LEN];
};

/** Link credentials installed by the control plane. */
struct chan_creds {
	uint32_t gen;
	uint8_t installed;
	uint8_t rsa_id_sha1[20];
	uint8_t rsa_id_sha256[32];
	uint8_t ed_id[32];
	uint32_t netinfo_addr;        /**< host order; 0: the interface's */
	uint32_t certs_resp_len, certs_init_len;
	uint8_t certs_resp[IPC_BLOB_MAX];
	uint8_t certs_init[IPC_BLOB_MAX];
};

/** Credential blobs being staged (IPC_MSG_BLOB_CHUNK). */
struct chan_stage {
	uint32_t gen;
	uint32_t bad;                 /**< a chunk was refused since the last INSTALL */
	uint32_t total[IPC_BLOB_COUNT];
	uint32_t len[IPC_BLOB_COUNT];
	uint8_t data[IPC_BLOB_COUNT][IPC_BLOB_MAX];
};

/**
 * The TLS calls the channel layer makes on a connection, through one table so
 * that the handshake fuzzer (tests/fuzz/fuzz_chan.c) can drive the real code
 * with its own bytes in place of TLS. Production uses chan_io_tls (tls.h).
 */
struct chan_io {
	int (*read)(struct dp_lcore *lc, uint32_t h, void *buf, uint32_t len);
	int (*write)(struct dp_lcore *lc, uint32_t h, const void *buf, uint32_t len);
	int (*close)(struct dp_lcore *lc, uint32_t h);
	int (*abort)(struct dp_lcore *lc, uint32_t h);
	int (*export_km)(struct dp_lcore *lc, uint32_t h, uint8_t *out, size_t out_len,
			 const char *label, size_t label_len, const uint8_t *context,
			 size_t context_len);
	int (*peer_cert_der)(struct dp_lcore *lc, uint32_t h, uint8_t *buf, uint32_t cap);
	int (*own_cert_der)(struct dp_lcore *lc, uint32_t h, uint8_t *buf, uint32_t cap);
};

/** The production table: dataplane/tls/. */
extern const struct chan_io chan_io_tls;

/** The callbacks the channel layer gives TLS (for the fuzzer, which calls them itself). */
const struct dp_tls_app_ops *chan_tls_app_ops(void);

struct dp_chan_lcore {
	const struct chan_io *io;     /**< &chan_io_tls except under the fuzzer */
	struct dp_chan_conf conf;
	struct chan *chans;
	uint32_t free_head, n_used;
	struct chan_hs *hs;
	uint32_t hs_free;
	uint32_t expire_cursor;
	EVP_MD *sha256;
	struct dp_chan_cell_ops cell_ops;
	uint64_t wall_base_us;        /**< CLOCK_REALTIME - lc->now_us at create (NETINFO time) */
	struct chan_creds creds;
	struct chan_stage stage;
	struct dp_u64map idmap;       /**< RSA identity prefix → channel handle */
	/** Open authenticated channels for the other lcores (dp_chan_find_pub()):
	 *  per pool index, RSA identity prefix (56 bits) << 8 | generation, or 0. */
	_Atomic uint64_t *pub;
	uint32_t *kicks;              /**< ring of handles to read again (max_chans slots) */
	uint32_t kick_head, kick_tail;
	/* RelayBandwidthRate: this lcore's token buckets (bytes; may go below 0). */
	uint64_t bw_rate, bw_burst;   /**< this lcore's share; rate 0 = no limit */
	int64_t bw_rd, bw_wr;
	uint64_t bw_last_us;
	uint32_t *bw_wait;            /**< channels that stopped reading for tokens */
	uint32_t bw_wait_n;
	uint8_t scratch[CHAN_SCRATCH];
	uint8_t txbuf[DP_CHAN_HS_BUF + 16];
};

#endif /* DATAPLANE_CELL_CHAN_INT_H */
