/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Messages carried on the dataplane⇄controlplane rings.
 *
 * Every message starts with struct ipc_hdr and has its own fixed-width struct:
 * only fixed-width integers and byte arrays, explicit padding, no pointers,
 * enums, bools or bitfields (CONVENTIONS.md §23, house rule 9). Each struct
 * is checked against the slot size of the ring it travels on. Any layout
 * change bumps IPC_ABI_VERSION in ipc_abi.h.
 *
 * Both sides validate every message they consume with ipc_msg_validate():
 * the controlplane is trusted by the dataplane but still checked, and a
 * malformed message is counted and answered, never asserted on.
 */
#ifndef COMMON_IPC_IPC_MSG_H
#define COMMON_IPC_IPC_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "common/wire/wire_cell.h"

/** Slot size of the command ring (controlplane → dataplane). */
#define IPC_CMD_SLOT 128u
/** Slot size of the event ring (dataplane → controlplane). */
#define IPC_EVT_SLOT 128u
/** Slot size of the two cell rings (one whole 514-byte cell plus metadata). */
#define IPC_CELL_SLOT 640u

/** Common header of every message. */
struct ipc_hdr {
	uint16_t type;   /**< IPC_MSG_* */
	uint16_t len;    /**< Bytes of the whole message, header included. */
	uint32_t req_id; /**< Chosen by the requester, echoed in the answer; 0 for unsolicited events. */
};
_Static_assert(sizeof(struct ipc_hdr) == 8, "ABI");

/** Which ring a message type travels on. */
#define IPC_DIR_CMD 1u       /**< command ring, controlplane → dataplane */
#define IPC_DIR_EVT 2u       /**< event ring, dataplane → controlplane */
#define IPC_DIR_CELL_UP 3u   /**< cell ring, dataplane → controlplane */
#define IPC_DIR_CELL_DOWN 4u /**< cell ring, controlplane → dataplane */

/** Message types. Values are ABI: never renumber, only append. */
#define IPC_MSG_PING 1u      /**< cmd: liveness and round-trip probe. */
#define IPC_MSG_PONG 2u      /**< evt: answer to PING. */
#define IPC_MSG_CMD_ERROR 3u /**< evt: a command was refused (malformed or unknown). */
#define IPC_MSG_CELL_UP 4u   /**< cell up: a cell the controlplane must handle. */
#define IPC_MSG_CELL_DOWN 5u /**< cell down: a cell the controlplane built. */
/* Link credentials and channels (tor-spec.txt §4; ARCHITECTURE.md §2). */
#define IPC_MSG_BLOB_CHUNK 6u        /**< cell down: part of a credential blob to install. */
#define IPC_MSG_LINK_INSTALL 7u      /**< cell down: install the staged blobs (reply: LINK_INSTALLED). */
#define IPC_MSG_LINK_INSTALLED 8u    /**< evt: result of LINK_INSTALL. */
#define IPC_MSG_CHAN_CERTS 9u        /**< cell up: part of a peer's CERTS body to verify. */
#define IPC_MSG_CHAN_CERTS_RESULT 10u /**< cell down: verdict on a CHAN_CERTS. */
#define IPC_MSG_CHAN_AUTH_SIGN 11u   /**< cell up: sign our AUTHENTICATE (we initiated). */
#define IPC_MSG_CHAN_AUTH_SIGNED 12u /**< cell down: the signed AUTHENTICATE payload. */
#define IPC_MSG_CHAN_AUTH_VERIFY 13u /**< cell up: check a peer's AUTHENTICATE (we responded). */
#define IPC_MSG_CHAN_AUTH_RESULT 14u /**< cell down: verdict on a CHAN_AUTH_VERIFY. */
#define IPC_MSG_CHAN_OPEN 15u        /**< cmd: open a channel (reply: CHAN_STATUS once open or failed). */
#define IPC_MSG_CHAN_CLOSE 16u       /**< cmd: close a channel (reply: CHAN_STATUS). */
#define IPC_MSG_CHAN_STATUS 17u      /**< evt: outcome of CHAN_OPEN or CHAN_CLOSE. */
#define IPC_MSG_CHAN_LIST 18u        /**< cmd: list channels (replies: CHAN_INFO..., CHAN_LIST_END). */
#define IPC_MSG_CHAN_INFO 19u        /**< evt: one channel of a CHAN_LIST (partial reply). */
#define IPC_MSG_CHAN_LIST_END 20u    /**< evt: last reply of a CHAN_LIST. */
#define IPC_MSG_CIRC_CREATE 21u      /**< cell up: a CREATE2/CREATE_FAST onionskin to answer (reply: CIRC_CREATED). */
#define IPC_MSG_CIRC_CREATED 22u     /**< cell down: the handshake's reply and the hop's keys, or a failure. */
#define IPC_MSG_CIRC_LIST 23u        /**< cmd: list circuits (replies: CIRC_INFO..., CIRC_LIST_END). */
#define IPC_MSG_CIRC_INFO 24u        /**< evt: one circuit of a CIRC_LIST (partial reply). */
#define IPC_MSG_CIRC_LIST_END 25u    /**< evt: last reply of a CIRC_LIST. */
#define IPC_MSG_CIRC_DESTROY 26u     /**< cmd: destroy a circuit (reply: CIRC_STATUS). */
#define IPC_MSG_CIRC_STATUS 27u      /**< evt: outcome of CIRC_DESTROY. */
#define IPC_MSG_PORT_GET 28u         /**< cmd: describe the network port (reply: PORT_INFO). */
#define IPC_MSG_PORT_INFO 29u        /**< evt: the port's identity, link and counters. */
#define IPC_MSG_CONF_SET 30u         /**< cmd: change a run-time setting (reply: CONF_STATUS). */
#define IPC_MSG_CONF_STATUS 31u      /**< evt: outcome of CONF_SET and the values in force. */
#define IPC_MSG_PORT_QUEUE 32u       /**< evt: one queue's counters (partial reply to PORT_GET). */
#define IPC_MSG_PORT_XSTATS 33u      /**< cmd: NIC xstats (PORT_XSTAT..., PORT_XSTATS_END). */
#define IPC_MSG_PORT_XSTAT 34u       /**< evt: one xstat of a PORT_XSTATS (partial reply). */
#define IPC_MSG_PORT_XSTATS_END 35u  /**< evt: last reply of a PORT_XSTATS. */
#define IPC_MSG_TYPE_MAX 35u

/** PING: ask one lcore to answer with a PONG at its next command poll. */
struct ipc_msg_ping {
	struct ipc_hdr hdr;
	uint64_t cookie;     /**< Opaque, echoed. */
	uint64_t cp_send_ns; /**< Controlplane CLOCK_MONOTONIC at send, echoed. */
};

/** PONG: answer to PING, with a snapshot of the lcore's loop. */
struct ipc_msg_pong {
	struct ipc_hdr hdr;
	uint64_t cookie;
	uint64_t cp_send_ns;
	uint64_t dp_tsc;        /**< The lcore's TSC when it answered. */
	uint64_t dp_iterations; /**< Main-loop iterations so far. */
	uint32_t lcore_id;      /**< DPDK lcore id of the answering lcore. */
	uint32_t pad;
};

/** CMD_ERROR: the dataplane refused a command. */
struct ipc_msg_cmd_error {
	struct ipc_hdr hdr;     /**< req_id is the refused command's req_id. */
	uint16_t bad_type;      /**< Type field of the refused command. */
	uint16_t bad_len;       /**< Length field of the refused command. */
	int32_t err;            /**< Negative errno: -EINVAL, -EPROTO, -EMSGSIZE, -ENOTSUP. */
};

/** A whole cell crossing the boundary, with the channel and circuit it belongs to. */
struct ipc_msg_cell {
	struct ipc_hdr hdr;
	uint32_t chan;        /**< Channel handle (lcore, index, generation). */
	uint32_t circ_id;     /**< Circuit id on that channel, host order. */
	uint16_t link_proto;  /**< Negotiated link protocol of the channel. */
	uint16_t cell_len;    /**< Bytes used in @c cell. */
	uint32_t flags;
	uint8_t cell[WIRE_CELL_LEN];
	uint8_t pad[6];
};

/*
 * Link credentials (control plane → dataplane, ARCHITECTURE.md §2).
 *
 * The control plane installs, on every lcore, the TLS link key and
 * certificate and the two CERTS bodies the channels send. Blobs are larger
 * than a slot, so each travels as IPC_MSG_BLOB_CHUNK messages in order on
 * the cell_down ring (offsets 0, n, 2n, ...), followed on the same ring by
 * IPC_MSG_LINK_INSTALL, which the dataplane answers with
 * IPC_MSG_LINK_INSTALLED on the event ring. A chunk that does not continue
 * the blob being staged restarts nothing: it is refused (counted) and the
 * INSTALL fails with -EINVAL. Staging buffers holding the key are wiped
 * after INSTALL, whatever its outcome.
 */
/** Blob ids of IPC_MSG_BLOB_CHUNK. */
#define IPC_BLOB_LINK_KEY 1u       /**< RSA-2048 TLS link key, PKCS#1 or PKCS#8 DER (secret). */
#define IPC_BLOB_LINK_CERT 2u      /**< TLS link certificate, DER (CERTS type 1). */
#define IPC_BLOB_ID_CERT 3u        /**< Self-signed RSA identity certificate, DER (CERTS type 2). */
#define IPC_BLOB_CERTS_RESP 4u     /**< CERTS body we send as responder (types 1,2,4,5,7). */
#define IPC_BLOB_CERTS_INIT 5u     /**< CERTS body we send as initiator (types [3,]2,4,6,7). */
#define IPC_BLOB_COUNT 6u
/** Largest blob, bytes. */
#define IPC_BLOB_MAX 8192u
/** Data bytes per chunk. */
#define IPC_BLOB_CHUNK_DATA 576u

/** BLOB_CHUNK: bytes [offset, offset + chunk_len) of blob @c blob_id. */
struct ipc_msg_blob_chunk {
	struct ipc_hdr hdr;
	uint32_t blob_id;    /**< IPC_BLOB_* */
	uint32_t total_len;  /**< Bytes of the whole blob, 1..IPC_BLOB_MAX. */
	uint32_t offset;     /**< Where this chunk goes; chunks arrive in order. */
	uint16_t chunk_len;  /**< Bytes used in @c data, 1..IPC_BLOB_CHUNK_DATA. */
	uint16_t pad;
	uint32_t gen;        /**< Credential generation this blob belongs to. */
	uint8_t data[IPC_BLOB_CHUNK_DATA];
};

/** LINK_INSTALL: make the staged blobs of generation @c gen live. */
struct ipc_msg_link_install {
	struct ipc_hdr hdr;
	uint32_t gen;              /**< Must match every staged chunk's gen. */
	uint32_t flags;            /**< 0 */
	uint8_t rsa_id_sha1[20];   /**< Our RSA identity digest (fingerprint). */
	uint8_t rsa_id_sha256[32]; /**< SHA256 of our PKCS#1 DER RSA identity: AUTHENTICATE CID/SID. */
	uint8_t ed_id[32];         /**< Our Ed25519 master identity. */
	uint32_t netinfo_addr;     /**< IPv4 we advertise in NETINFO (host order); 0: the port's. */
	uint32_t pad;
};

/** LINK_INSTALLED: answer to LINK_INSTALL. */
struct ipc_msg_link_installed {
	struct ipc_hdr hdr;
	uint32_t gen;
	int32_t status;            /**< 0, or -EINVAL (blob missing, bad or mismatched), -ENOMEM;
				    -ENODEV: this lcore has no network, so no channels. */
	uint32_t failed_blob;      /**< IPC_BLOB_* at fault, or 0. */
	uint32_t pad;
};

/*
 * Channel handshake work done by the control plane (tor-spec.txt §4.2, §4.4).
 * Requests go up on cell_up, verdicts come down on cell_down. @c chan is
 * the dataplane's channel handle and @c hdr.req_id a per-channel sequence
 * number; the dataplane drops (and counts) a verdict for a channel that no
 * longer waits for it. The control plane keeps no state between messages.
 */
/** Largest CERTS body the dataplane forwards. */
#define IPC_CERTS_MAX IPC_BLOB_MAX
/** Bytes of a method-3 AUTHENTICATE payload: AuthType, AuthLen, 352-byte authenticator. */
#define IPC_AUTH3_PAYLOAD_LEN 356u

/** CHAN_CERTS: bytes [offset, offset + chunk_len) of a peer's CERTS body; the last one asks for a verdict. */
struct ipc_msg_chan_certs {
	struct ipc_hdr hdr;
	uint32_t chan;
	uint32_t total_len;        /**< 1..IPC_CERTS_MAX */
	uint32_t offset;
	uint16_t chunk_len;        /**< 1..IPC_BLOB_CHUNK_DATA */
	uint8_t sender_role;       /**< IPC_ROLE_*: the peer's role (RESPONDER when we initiated). */
	uint8_t pad;
	uint8_t tls_cert_sha256[32]; /**< SHA256 of the peer's TLS certificate (all-zero if none). */
	uint8_t data[IPC_BLOB_CHUNK_DATA];
};

/** Channel roles. */
#define IPC_ROLE_RESPONDER 0u
#define IPC_ROLE_INITIATOR 1u

/** CHAN_CERTS_RESULT: the verdict; identities valid when status is 0. */
struct ipc_msg_chan_certs_result {
	struct ipc_hdr hdr;
	uint32_t chan;
	int32_t status;            /**< 0, or a positive enum cp_cert_err (the check that failed). */
	uint8_t failed_type;       /**< CertType at fault, or 0. */
	uint8_t pad[7];
	int64_t expires;           /**< Earliest expiry of the peer's certificates, Unix seconds. */
	uint8_t rsa_id_sha1[20];
	uint8_t pad2[4];
	uint8_t rsa_id_sha256[32];
	uint8_t ed_id[32];
	uint8_t ed_auth[32];       /**< Initiator's AUTHENTICATE key (sender initiator only). */
};

/** CHAN_AUTH_SIGN: the authenticator fields the dataplane knows; CID and CID_ED are ours. */
struct ipc_msg_chan_auth_sign {
	struct ipc_hdr hdr;
	uint32_t chan;
	uint32_t pad;
	uint8_t sid[32];
	uint8_t sid_ed[32];
	uint8_t slog[32];
	uint8_t clog[32];
	uint8_t scert[32];
	uint8_t tlssecrets[32];    /**< Secret: wiped by the control plane after use. */
};

/** CHAN_AUTH_SIGNED: the AUTHENTICATE payload to send. */
struct ipc_msg_chan_auth_signed {
	struct ipc_hdr hdr;
	uint32_t chan;
	int32_t status;            /**< 0, or a negative errno (no auth key, signing failed). */
	uint16_t payload_len;      /**< IPC_AUTH3_PAYLOAD_LEN when status is 0. */
	uint8_t pad[6];
	uint8_t payload[IPC_AUTH3_PAYLOAD_LEN];
	uint8_t pad2[4];
};

/** CHAN_AUTH_VERIFY: a peer's AUTHENTICATE payload plus what it must match. */
struct ipc_msg_chan_auth_verify {
	struct ipc_hdr hdr;
	uint32_t chan;
	uint16_t payload_len;      /**< Bytes received, capped at IPC_AUTH3_PAYLOAD_LEN. */
	uint16_t pad;
	uint8_t cid[32];           /**< The initiator's, from its verified CERTS. */
	uint8_t cid_ed[32];
	uint8_t ed_auth[32];       /**< The initiator's certified AUTHENTICATE key. */
	uint8_t scert[32];         /**< SHA256 of our TLS certificate on this connection. */
	uint8_t slog[32];
	uint8_t clog[32];
	uint8_t tlssecrets[32];
	uint8_t payload[IPC_AUTH3_PAYLOAD_LEN];
	uint8_t pad2[4];
};

/** CHAN_AUTH_RESULT: the verdict on a CHAN_AUTH_VERIFY. */
struct ipc_msg_chan_auth_result {
	struct ipc_hdr hdr;
	uint32_t chan;
	int32_t status;            /**< 0, or a positive enum cp_cert_err. */
};

/*
 * Channels on the command ring (chivectl channel open|close, show channels).
 */
/*
 * Channel handles (the @c chan fields): bits 31..25 the dataplane lcore's
 * index in the segment, bits 24..8 the channel's pool index on that lcore,
 * bits 7..0 a generation that is never 0; so no handle is 0, and a handle
 * names its lcore.
 */
/** CHAN_OPEN: connect to @c addr:@c port and authenticate; the reply comes when open or failed. */
struct ipc_msg_chan_open {
	struct ipc_hdr hdr;
	uint32_t addr;             /**< IPv4, host order. */
	uint16_t port;
	uint16_t flags;            /**< IPC_CHAN_OPEN_F_* */
	uint8_t rsa_id_sha1[20];   /**< Expected RSA identity (required). */
	uint8_t ed_id[32];         /**< Expected Ed25519 identity (with IPC_CHAN_OPEN_F_ED). */
};
/** CHAN_OPEN flag: check the peer's Ed25519 identity too. */
#define IPC_CHAN_OPEN_F_ED 1u

/** CHAN_CLOSE: close channel @c chan. */
struct ipc_msg_chan_close {
	struct ipc_hdr hdr;
	uint32_t chan;
	uint32_t pad;
};

/** CHAN_STATUS: outcome of CHAN_OPEN (open, or why not) or CHAN_CLOSE. */
struct ipc_msg_chan_status {
	struct ipc_hdr hdr;
	uint32_t chan;             /**< Handle (0 if none was created). */
	int32_t status;            /**< 0, or a negative errno (-ENOMEM, -EBADF, -ENOENT: no link
				    credentials yet, -ENODEV: no channels on this lcore, -ECONNABORTED:
				    the channel failed, see close_reason...). */
	uint16_t close_reason;     /**< IPC_CHAN_CLOSE_* when the channel failed, else 0. */
	uint16_t link_proto;
	uint8_t cert_err;          /**< enum cp_cert_err behind a certificate failure, else 0. */
	uint8_t pad[3];
	uint8_t rsa_id_sha1[20];   /**< The peer's proven identities (status 0). */
	uint8_t ed_id[32];
};

/** CHAN_LIST: list channels from index @c cursor on, at most @c max of them. */
struct ipc_msg_chan_list {
	struct ipc_hdr hdr;
	uint32_t cursor;           /**< 0 to start; CHAN_LIST_END.next to continue. */
	uint32_t max;              /**< 1..IPC_CHAN_LIST_MAX */
};
/** Most CHAN_INFO replies to one CHAN_LIST. */
#define IPC_CHAN_LIST_MAX 64u

/** CHAN_INFO: one channel. */
struct ipc_msg_chan_info {
	struct ipc_hdr hdr;
	uint32_t chan;
	uint8_t state;             /**< IPC_CHAN_STATE_* */
	uint8_t role;              /**< IPC_ROLE_* (ours) */
	uint16_t link_proto;       /**< 0 before VERSIONS. */
	uint32_t peer_addr;        /**< host order */
	uint16_t peer_port;
	uint16_t local_port;
	uint16_t flags;            /**< IPC_CHAN_F_* */
	uint16_t tls_version;      /**< 0x0303, 0x0304; 0 before the TLS handshake. */
	uint8_t rsa_id_sha1[20];   /**< The peer's, when IPC_CHAN_F_AUTHENTICATED. */
	uint8_t ed_id[32];
	uint32_t age_ms;
	uint32_t pad;
	uint64_t rx_bytes;         /**< TLS plaintext bytes. */
	uint64_t tx_bytes;
	uint64_t rx_cells;
	uint64_t tx_cells;
};
/** CHAN_INFO flags. */
#define IPC_CHAN_F_AUTHENTICATED 1u /**< The peer proved a relay identity (CERTS, + AUTHENTICATE as initiator). */
#define IPC_CHAN_F_CLIENT 2u        /**< The peer did not authenticate (a client or bridge user). */

/** Channel states (CHAN_INFO.state). Values are ABI. */
#define IPC_CHAN_STATE_FREE 0u       /**< not in use */
#define IPC_CHAN_STATE_TLS 1u        /**< TCP connect or TLS handshake in progress */
#define IPC_CHAN_STATE_VERSIONS 2u   /**< TLS up; VERSIONS not yet exchanged */
#define IPC_CHAN_STATE_HANDSHAKE 3u  /**< CERTS / AUTH_CHALLENGE / AUTHENTICATE / NETINFO */
#define IPC_CHAN_STATE_OPEN 4u       /**< carries circuits */
#define IPC_CHAN_STATE_CLOSING 5u    /**< closing TLS */
#define IPC_CHAN_STATE_COUNT 6u

/** Why a channel closed (CHAN_STATUS.close_reason, counters). Values are ABI. */
#define IPC_CHAN_CLOSE_NONE 0u
#define IPC_CHAN_CLOSE_LOCAL 1u           /**< closed by the operator (CHAN_CLOSE) or at shutdown */
#define IPC_CHAN_CLOSE_PEER 2u            /**< the peer closed TLS or TCP */
#define IPC_CHAN_CLOSE_TLS_ERROR 3u       /**< TLS failed (handshake, records, alert) */
#define IPC_CHAN_CLOSE_CONNECT_FAILED 4u  /**< TCP connect refused or timed out */
#define IPC_CHAN_CLOSE_HS_TIMEOUT 5u      /**< link handshake not finished in time */
#define IPC_CHAN_CLOSE_BAD_CELL 6u        /**< malformed cell framing or payload */
#define IPC_CHAN_CLOSE_UNEXPECTED_CELL 7u /**< a cell out of order for the handshake state */
#define IPC_CHAN_CLOSE_NO_VERSION 8u      /**< no link protocol in common */
#define IPC_CHAN_CLOSE_CERTS 9u           /**< the peer's CERTS failed verification */
#define IPC_CHAN_CLOSE_IDENTITY 10u       /**< the peer is not the relay we asked for (or is us) */
#define IPC_CHAN_CLOSE_NO_AUTH_METHOD 11u /**< AUTH_CHALLENGE without method 3 */
#define IPC_CHAN_CLOSE_AUTH 12u           /**< the peer's AUTHENTICATE failed verification */
#define IPC_CHAN_CLOSE_CELL_TOO_BIG 13u   /**< a handshake cell larger than we buffer */
#define IPC_CHAN_CLOSE_CP 14u             /**< the control plane could not be asked or refused */
#define IPC_CHAN_CLOSE_NO_CREDS 15u       /**< no link credentials installed yet */
#define IPC_CHAN_CLOSE_NOMEM 16u          /**< out of preallocated channel resources */
#define IPC_CHAN_CLOSE_COUNT 17u

/** Return a short constant name of channel state @p s ("open", ...), or "unknown". */
const char *ipc_chan_state_name(uint32_t s);
/** Return a short constant name of close reason @p r ("hs_timeout", ...), or "unknown". */
const char *ipc_chan_close_name(uint32_t r);

/** CHAN_LIST_END: the last reply of a CHAN_LIST. */
struct ipc_msg_chan_list_end {
	struct ipc_hdr hdr;
	uint32_t count;            /**< CHAN_INFO replies sent for this request. */
	uint32_t next;             /**< Cursor to continue with, or 0 when done. */
	uint32_t total;            /**< Channels on this lcore now. */
	uint32_t pad;
};

/*
 * Circuit handshakes (ARCHITECTURE.md §2: onionskins go up, CREATED bodies
 * and derived keys come down). The dataplane sends CIRC_CREATE on the
 * circuit's lcore cell_up ring with req_id = a sequence number of its own;
 * the control plane answers on the same lcore's cell_down ring with
 * CIRC_CREATED carrying the same req_id and circuit handle. An answer for a
 * circuit that is gone, or whose req_id no longer matches, is counted and
 * wiped. The dataplane wipes the key bytes of the slot after reading them.
 */

/** Largest CREATE2 HDATA (tor-spec.txt §5.1: 509 - 4). */
#define IPC_CIRC_HDATA_MAX 505u
/** Largest CREATED2 HDATA (509 - 2). */
#define IPC_CIRC_REPLY_MAX 507u
/** Relay key material per hop: Df(20) Db(20) Kf(16) Kb(16). */
#define IPC_CIRC_KEYS_LEN 72u

/** CIRC_CREATE.htype besides the CREATE2 HTYPEs (2 ntor, 3 ntor-v3): CREATE_FAST. */
#define IPC_CIRC_HTYPE_FAST 1u

/** CIRC_CREATE: an onionskin from a CREATE2 or CREATE_FAST cell. */
struct ipc_msg_circ_create {
	struct ipc_hdr hdr;
	uint32_t circ;             /**< dataplane circuit handle (opaque to the control plane) */
	uint32_t chan;             /**< channel it arrived on */
	uint16_t htype;            /**< 1 (CREATE_FAST), 2 (ntor), 3 (ntor-v3); others refused */
	uint16_t hlen;             /**< 1..IPC_CIRC_HDATA_MAX */
	uint8_t hdata[IPC_CIRC_HDATA_MAX];
	uint8_t pad[3];
};

/** CIRC_CREATED.status values. */
#define IPC_CIRC_OK 0u             /**< reply and keys valid */
#define IPC_CIRC_FAIL_HANDSHAKE 1u /**< the handshake failed (detail in @c fail) */
#define IPC_CIRC_FAIL_BUSY 2u      /**< the onionskin queue refused it (full or too slow) */
#define IPC_CIRC_FAIL_TIMEOUT 3u   /**< it waited in the queue past the cutoff */

/** CIRC_CREATED: the answer to one CIRC_CREATE. */
struct ipc_msg_circ_created {
	struct ipc_hdr hdr;
	uint32_t circ;             /**< as in the CIRC_CREATE */
	uint8_t status;            /**< IPC_CIRC_OK or IPC_CIRC_FAIL_* */
	uint8_t fail;              /**< the control plane's handshake failure code (diagnostics) */
	uint16_t reply_len;        /**< CREATED_FAST: 40; CREATED2: HLEN (<= IPC_CIRC_REPLY_MAX) */
	uint8_t keys[IPC_CIRC_KEYS_LEN]; /**< secret: wiped by the reader */
	uint8_t reply[IPC_CIRC_REPLY_MAX];
	uint8_t pad[1];
};

/*
 * Operator commands on circuits. CIRC_LIST and CIRC_LIST_END have the
 * layouts of CHAN_LIST and CHAN_LIST_END (cursor paging per lcore).
 */

/** Circuit states in CIRC_INFO. */
#define IPC_CIRC_STATE_CREATING 1u     /**< onionskin with the control plane */
#define IPC_CIRC_STATE_OPEN 2u         /**< keys set (maybe extended) */
#define IPC_CIRC_STATE_WAIT_CHAN 3u    /**< EXTEND2: waiting for the next channel to open */
#define IPC_CIRC_STATE_WAIT_CREATED 4u /**< EXTEND2: CREATE2 sent */
#define IPC_CIRC_STATE_WAIT_XL 5u      /**< EXTEND2: handed to the lcore that has the channel */
#define IPC_CIRC_STATE_HALF 6u         /**< the next-hop half of a circuit whose keys are on another lcore */
#define IPC_CIRC_STATE_COUNT 7u

/** Return a short constant name of circuit state @p s ("open", ...), or "unknown". */
const char *ipc_circ_state_name(uint32_t s);

/** Most CIRC_INFO replies per CIRC_LIST page. */
#define IPC_CIRC_LIST_MAX 64u

/** CIRC_INFO: one circuit. */
struct ipc_msg_circ_info {
	struct ipc_hdr hdr;
	uint32_t circ;             /**< handle, for CIRC_DESTROY */
	uint8_t state;             /**< IPC_CIRC_STATE_* */
	uint8_t htype;             /**< of its CREATE: 1 fast, 2 ntor, 3 ntor-v3 */
	uint8_t early_in;          /**< RELAY_EARLY cells received */
	uint8_t pad0;
	uint32_t p_chan, p_circ_id; /**< previous hop: channel handle, circuit id */
	uint32_t n_chan, n_circ_id; /**< next hop (0, 0: none); on another lcore: n_chan is the
				     handle of the circuit's half there, n_circ_id 0 */
	uint32_t q_p, q_n;         /**< cells queued toward each side */
	uint32_t age_ms;
	uint32_t pad1;
	uint64_t cells_fwd;        /**< relay cells passed on toward the next hop */
	uint64_t cells_bwd;        /**< toward the client */
};

/** CIRC_DESTROY: destroy circuit @c circ, sending DESTROY with @c reason both ways. */
struct ipc_msg_circ_destroy {
	struct ipc_hdr hdr;
	uint32_t circ;
	uint8_t reason;            /**< tor-spec §5.4, 0..12 */
	uint8_t pad[3];
};

/** CIRC_STATUS: answer to CIRC_DESTROY. */
struct ipc_msg_circ_status {
	struct ipc_hdr hdr;
	uint32_t circ;
	int32_t status;            /**< 0; -EBADF (no such circuit on this lcore); -EINVAL; -ENODEV */
};

/*
 * The network port, for the operator (`chivectl show ports`, the
 * MetricsPort). PORT_GET asks one lcore; one that polls a queue of the port
 * answers with one PORT_QUEUE per queue whose counters the NIC keeps
 * (partial replies: rte_eth_stats' q_* figures, at most
 * IPC_PORT_QUEUES_MAX), then PORT_INFO with status 0, the port's name, MAC,
 * MTU, queues, link, the NIC's counters (rte_eth_stats) at that moment and
 * how many PORT_QUEUE preceded it; all from one stats read. One without a
 * port answers PORT_INFO with status -ENODEV and nothing else. The replies
 * of one PORT_GET are published together (or, on a nearly full event ring,
 * fewer PORT_QUEUE: n_queue_stats says how many).
 *
 * The NIC's extended stats (rte_eth_xstats) are too many for one slot (100
 * and more on real NICs, names of up to 64 bytes), so they cross in pages,
 * as CHAN_LIST does: PORT_XSTATS asks for at most @c max of them from id
 * @c cursor on; the lcore answers one PORT_XSTAT per stat (id, name, value)
 * and PORT_XSTATS_END with the cursor of the next page (0 when done). The
 * names are read once when the port opens; the dataplane serves the first
 * IPC_PORT_XSTATS_MAX of them (a device with more is cut, and says so in
 * PORT_XSTATS_END.total and in its start-up log). Each page is one read of
 * the device's xstats. Reading may cost the PMD a system call: these are
 * rare commands (an operator's, or the MetricsPort's every 5 s), never on
 * the packet path.
 */

/** Bytes of PORT_INFO.name, NUL included (a longer ethdev name is cut). */
#define IPC_PORT_NAME_MAX 32u

/** PORT_GET: describe port @c port (today always 0, the only one). */
struct ipc_msg_port_get {
	struct ipc_hdr hdr;
	uint32_t port;
	uint32_t pad;
};

/** PORT_INFO: answer to PORT_GET. */
struct ipc_msg_port_info {
	struct ipc_hdr hdr;
	int32_t status;            /**< 0, or -ENODEV: this lcore polls no port */
	uint32_t link_speed_mbps;  /**< 0 when unknown */
	uint16_t mtu;              /**< L3 MTU, bytes */
	uint16_t n_queues;         /**< RX/TX queue pairs (one per networking lcore) */
	uint8_t mac[6];            /**< network order */
	uint8_t link_up;           /**< 1 up, 0 down */
	uint8_t pad0;
	uint16_t n_queue_stats;    /**< PORT_QUEUE replies sent before this one */
	uint16_t pad1;
	char name[IPC_PORT_NAME_MAX]; /**< the ethdev name, NUL-terminated */
	uint64_t rx_packets, tx_packets, rx_bytes, tx_bytes;
	uint64_t rx_missed;        /**< dropped by the NIC: RX queues full (imissed) */
	uint64_t rx_errors, tx_errors;
	uint64_t rx_nombuf;        /**< RX mbuf allocation failures */
};

/**
 * Most PORT_QUEUE replies to one PORT_GET: queues 0..15, DPDK 22.11's
 * RTE_ETHDEV_QUEUE_STAT_CNTRS (the NIC keeps no per-queue figures beyond).
 */
#define IPC_PORT_QUEUES_MAX 16u

/** PORT_QUEUE: one queue pair's NIC counters (rte_eth_stats q_*), before PORT_INFO. */
struct ipc_msg_port_queue {
	struct ipc_hdr hdr;
	uint16_t queue;            /**< queue pair index, < PORT_INFO.n_queues */
	uint16_t pad0;
	uint32_t pad1;
	uint64_t rx_packets, rx_bytes; /**< q_ipackets, q_ibytes */
	uint64_t tx_packets, tx_bytes; /**< q_opackets, q_obytes */
	uint64_t errors;           /**< q_errors: the PMD's per-queue drops or errors (what it counts
				    there varies: receive drops on most, failed sends on af_packet) */
};

/** Most extended stats the dataplane serves per port (the first ones by id). */
#define IPC_PORT_XSTATS_MAX 256u
/** Most PORT_XSTAT replies to one PORT_XSTATS. */
#define IPC_PORT_XSTATS_PAGE_MAX 64u
/** Bytes of PORT_XSTAT.name, NUL included (DPDK's RTE_ETH_XSTATS_NAME_SIZE). */
#define IPC_PORT_XSTAT_NAME_MAX 64u

/** PORT_XSTATS: the extended stats of port @c port from id @c cursor on, at most @c max. */
struct ipc_msg_port_xstats {
	struct ipc_hdr hdr;
	uint32_t port;             /**< today always 0, the only one */
	uint32_t cursor;           /**< 0 to start; PORT_XSTATS_END.next to continue */
	uint32_t max;              /**< 1..IPC_PORT_XSTATS_PAGE_MAX (more is cut to it) */
	uint32_t pad;
};

/** PORT_XSTAT: one extended stat. */
struct ipc_msg_port_xstat {
	struct ipc_hdr hdr;
	uint32_t id;               /**< its id: the device's order, < PORT_XSTATS_END.served */
	uint32_t pad;
	uint64_t value;
	char name[IPC_PORT_XSTAT_NAME_MAX]; /**< e.g. "rx_good_packets", NUL-terminated */
};

/** PORT_XSTATS_END: the last reply of a PORT_XSTATS. */
struct ipc_msg_port_xstats_end {
	struct ipc_hdr hdr;
	int32_t status;            /**< 0; -ENODEV: this lcore polls no port; or the -errno of the
				    read (no PORT_XSTAT then) */
	uint32_t count;            /**< PORT_XSTAT replies sent for this request */
	uint32_t next;             /**< cursor of the next page, or 0 when done */
	uint32_t served;           /**< xstats served: min(total, IPC_PORT_XSTATS_MAX) */
	uint32_t total;            /**< xstats the device has */
	uint32_t pad;
};

/*
 * Run-time settings (`chivectl config set`). The control plane sends
 * CONF_SET to every lcore; each applies it between two iterations of its
 * loop (no lock: the lcore owns what it changes) and answers CONF_STATUS
 * with what it has in force afterwards. An lcore the setting does not
 * concern (no channels for a bandwidth limit) answers -ENODEV and changes
 * nothing.
 */

/*
 * CONF_SET.key values. Values are ABI.
 *
 * IPC_CONF_BANDWIDTH: val[0] RelayBandwidthRate, val[1] RelayBandwidthBurst,
 * bytes/s for the whole dataplane (0 = no limit; tor's rules: a burst alone
 * sets the rate, a burst below the rate is raised to it); each lcore with
 * channels takes its share (1/number of such lcores).
 */
#define IPC_CONF_BANDWIDTH 1u

/** Largest RelayBandwidthRate or Burst CONF_SET carries (tor's INT32_MAX). */
#define IPC_CONF_BANDWIDTH_MAX UINT64_C(2147483647)

/*
 * IPC_CONF_CIRC_QUEUE: val[0] CircuitQueue (cells per circuit and direction
 * at which the feeding channel is paused), val[1] CircuitQueueMax (at which
 * the circuit is destroyed); 1 <= val[0] < val[1] <= IPC_CONF_CIRC_QUEUE_LIMIT.
 * Every lcore with circuits takes both as they are, for the cells that
 * arrive from then on.
 */
#define IPC_CONF_CIRC_QUEUE 2u

/** Largest CircuitQueue or CircuitQueueMax (the config schema's bound). */
#define IPC_CONF_CIRC_QUEUE_LIMIT (UINT32_C(1) << 20)
/** The defaults of CircuitQueue and CircuitQueueMax, for both processes. */
#define IPC_CONF_CIRC_QUEUE_DEFAULT 128u
#define IPC_CONF_CIRC_QUEUE_MAX_DEFAULT 512u

/** CONF_SET: set @c key to @c val on this lcore. */
struct ipc_msg_conf_set {
	struct ipc_hdr hdr;
	uint32_t key;              /**< IPC_CONF_* */
	uint32_t pad;
	uint64_t val[2];           /**< by key */
};

/** CONF_STATUS: answer to CONF_SET. */
struct ipc_msg_conf_status {
	struct ipc_hdr hdr;
	uint32_t key;              /**< as in the CONF_SET */
	int32_t status;            /**< 0; -ENODEV: nothing on this lcore uses it (no change);
				    -EINVAL: unknown key or a value out of range (no change) */
	uint64_t val[2];           /**< what this lcore has in force now; IPC_CONF_BANDWIDTH: its
				    share of the rate and burst, bytes/s (0 = no limit);
				    IPC_CONF_CIRC_QUEUE: CircuitQueue, CircuitQueueMax */
};

_Static_assert(sizeof(struct ipc_msg_ping) == 24, "ABI");
_Static_assert(sizeof(struct ipc_msg_pong) == 48, "ABI");
_Static_assert(sizeof(struct ipc_msg_cmd_error) == 16, "ABI");
_Static_assert(sizeof(struct ipc_msg_cell) == 544, "ABI");
_Static_assert(sizeof(struct ipc_msg_ping) <= IPC_CMD_SLOT, "PING must fit a command slot");
_Static_assert(sizeof(struct ipc_msg_pong) <= IPC_EVT_SLOT, "PONG must fit an event slot");
_Static_assert(sizeof(struct ipc_msg_cmd_error) <= IPC_EVT_SLOT, "CMD_ERROR must fit an event slot");
_Static_assert(sizeof(struct ipc_msg_cell) <= IPC_CELL_SLOT, "a cell message must fit a cell slot");
_Static_assert(sizeof(struct ipc_msg_blob_chunk) == 604, "ABI");
_Static_assert(sizeof(struct ipc_msg_link_install) == 108, "ABI");
_Static_assert(sizeof(struct ipc_msg_link_installed) == 24, "ABI");
_Static_assert(sizeof(struct ipc_msg_chan_certs) == 632, "ABI");
_Static_assert(sizeof(struct ipc_msg_chan_certs_result) == 152, "ABI");
_Static_assert(sizeof(struct ipc_msg_chan_auth_sign) == 208, "ABI");
_Static_assert(sizeof(struct ipc_msg_chan_auth_signed) == 384, "ABI");
_Static_assert(sizeof(struct ipc_msg_chan_auth_verify) == 600, "ABI");
_Static_assert(sizeof(struct ipc_msg_chan_auth_result) == 16, "ABI");
_Static_assert(sizeof(struct ipc_msg_chan_open) == 68, "ABI");
_Static_assert(sizeof(struct ipc_msg_chan_close) == 16, "ABI");
_Static_assert(sizeof(struct ipc_msg_chan_status) == 76, "ABI");
_Static_assert(sizeof(struct ipc_msg_chan_list) == 16, "ABI");
_Static_assert(sizeof(struct ipc_msg_chan_info) == 120, "ABI");
_Static_assert(sizeof(struct ipc_msg_chan_list_end) == 24, "ABI");
_Static_assert(sizeof(struct ipc_msg_blob_chunk) <= IPC_CELL_SLOT, "cell slot");
_Static_assert(sizeof(struct ipc_msg_link_install) <= IPC_CELL_SLOT, "cell slot");
_Static_assert(sizeof(struct ipc_msg_link_installed) <= IPC_EVT_SLOT, "evt slot");
_Static_assert(sizeof(struct ipc_msg_chan_certs) <= IPC_CELL_SLOT, "cell slot");
_Static_assert(sizeof(struct ipc_msg_chan_certs_result) <= IPC_CELL_SLOT, "cell slot");
_Static_assert(sizeof(struct ipc_msg_chan_auth_sign) <= IPC_CELL_SLOT, "cell slot");
_Static_assert(sizeof(struct ipc_msg_chan_auth_signed) <= IPC_CELL_SLOT, "cell slot");
_Static_assert(sizeof(struct ipc_msg_chan_auth_verify) <= IPC_CELL_SLOT, "cell slot");
_Static_assert(sizeof(struct ipc_msg_chan_auth_result) <= IPC_CELL_SLOT, "cell slot");
_Static_assert(sizeof(struct ipc_msg_chan_open) <= IPC_CMD_SLOT, "cmd slot");
_Static_assert(sizeof(struct ipc_msg_chan_close) <= IPC_CMD_SLOT, "cmd slot");
_Static_assert(sizeof(struct ipc_msg_chan_status) <= IPC_EVT_SLOT, "evt slot");
_Static_assert(sizeof(struct ipc_msg_chan_list) <= IPC_CMD_SLOT, "cmd slot");
_Static_assert(sizeof(struct ipc_msg_chan_info) <= IPC_EVT_SLOT, "evt slot");
_Static_assert(sizeof(struct ipc_msg_chan_list_end) <= IPC_EVT_SLOT, "evt slot");
_Static_assert(sizeof(struct ipc_msg_circ_create) == 528, "ABI");
_Static_assert(sizeof(struct ipc_msg_circ_created) == 596, "ABI");
_Static_assert(sizeof(struct ipc_msg_circ_create) <= IPC_CELL_SLOT, "cell slot");
_Static_assert(sizeof(struct ipc_msg_circ_info) == 64, "ABI");
_Static_assert(sizeof(struct ipc_msg_circ_destroy) == 16, "ABI");
_Static_assert(sizeof(struct ipc_msg_circ_status) == 16, "ABI");
_Static_assert(sizeof(struct ipc_msg_circ_info) <= IPC_EVT_SLOT, "evt slot");
_Static_assert(sizeof(struct ipc_msg_circ_created) <= IPC_CELL_SLOT, "cell slot");
_Static_assert(sizeof(struct ipc_msg_port_get) == 16, "ABI");
_Static_assert(sizeof(struct ipc_msg_port_info) == 128, "ABI");
_Static_assert(sizeof(struct ipc_msg_port_get) <= IPC_CMD_SLOT, "cmd slot");
_Static_assert(sizeof(struct ipc_msg_port_info) <= IPC_EVT_SLOT, "evt slot");
_Static_assert(sizeof(struct ipc_msg_port_queue) == 56, "ABI");
_Static_assert(sizeof(struct ipc_msg_port_xstats) == 24, "ABI");
_Static_assert(sizeof(struct ipc_msg_port_xstat) == 88, "ABI");
_Static_assert(sizeof(struct ipc_msg_port_xstats_end) == 32, "ABI");
_Static_assert(sizeof(struct ipc_msg_port_queue) <= IPC_EVT_SLOT, "evt slot");
_Static_assert(sizeof(struct ipc_msg_port_xstats) <= IPC_CMD_SLOT, "cmd slot");
_Static_assert(sizeof(struct ipc_msg_port_xstat) <= IPC_EVT_SLOT, "evt slot");
_Static_assert(sizeof(struct ipc_msg_port_xstats_end) <= IPC_EVT_SLOT, "evt slot");
_Static_assert(sizeof(struct ipc_msg_conf_set) == 32, "ABI");
_Static_assert(sizeof(struct ipc_msg_conf_status) == 32, "ABI");
_Static_assert(sizeof(struct ipc_msg_conf_set) <= IPC_CMD_SLOT, "cmd slot");
_Static_assert(sizeof(struct ipc_msg_conf_status) <= IPC_EVT_SLOT, "evt slot");

/**
 * Check that @p slot (of @p slot_size readable bytes) holds a well-formed
 * message allowed on ring direction @p dir (IPC_DIR_*).
 *
 * @param type
 *   Set to the message type on success (and on -ENOTSUP); untouched otherwise.
 * @return
 *   0 if valid; -EMSGSIZE if the length field is shorter than the header or
 *   longer than the slot; -ENOTSUP for an unknown type or one not allowed in
 *   this direction; -EINVAL if the length does not match the type's struct.
 */
int ipc_msg_validate(const void *slot, uint32_t slot_size, uint32_t dir, uint16_t *type);

/** Return a short constant name for message @p type ("ping", ...), or "unknown". */
const char *ipc_msg_type_name(uint16_t type);

/** Fill in the header of a message of @p type and size @p len. */
static inline void
ipc_hdr_init(struct ipc_hdr *h, uint16_t type, size_t len, uint32_t req_id)
{
	h->type = type;
	h->len = (uint16_t)len;
	h->req_id = req_id;
}

#endif /* COMMON_IPC_IPC_MSG_H */
