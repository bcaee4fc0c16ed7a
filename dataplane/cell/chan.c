/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Tor channels: pools, TLS glue, the link handshake, cell dispatch.
 *
 * References: tor-spec.txt §3 (cells), §4 (link handshake: §4.1 VERSIONS,
 * §4.2 CERTS, §4.3 AUTH_CHALLENGE, §4.4 AUTHENTICATE, §4.5 NETINFO), §5.1.1
 * (circuit ids); relay-checklist §B (B3-B11, P-B1, P-B2) for what tor
 * 0.4.9 really sends and checks.
 *
 * Receive path: chan_rx() copies the channel's unprocessed bytes (the
 * handshake buffer, or the partial cell carried between reads) into the
 * lcore's scratch buffer, appends what TLS has, frames cells one by one and
 * hands each to chan_cell(), and saves what is left. While handshaking it
 * reads at most what the handshake buffer can keep, so a pause (waiting for
 * the control plane) never loses bytes; the control plane's answer resumes
 * chan_rx(). An oversized VPADDING is skipped without buffering.
 *
 * Cells by command: every cell framed off a channel (chan_cell(), or one
 * too big to buffer, skipped in chan_frame()) and every cell written onto
 * one (chan_write(), dp_chan_send_cell(), dp_chan_send_cells()) is counted
 * under /dp/cell/rx/CMD or /dp/cell/tx/CMD, through one table lookup.
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <rte_common.h>
#include <rte_malloc.h>

#include "common/wire/wire_link.h"
#include "dataplane/base/dp_ctr.h"
#include "dataplane/cell/chan.h"
#include "dataplane/cell/chan_int.h"
#include "dataplane/net/net.h"
#include "dataplane/net/tcp.h"
#include "dataplane/tls/tls.h"

/* tor-spec.txt §5.4 DESTROY reasons used here. */
#define DESTROY_REASON_RESOURCELIMIT 5

/* AUTHENTICATE exporter label (tor-spec.txt §4.4.2; relay-checklist P-B1). */
static const char chan_exporter_label[] = "EXPORTER FOR TOR TLS CLIENT BINDING AUTH0003";

_Static_assert(DP_CTR_chan_close_nomem - DP_CTR_chan_close_none == IPC_CHAN_CLOSE_NOMEM,
	       "close/ counters must follow IPC_CHAN_CLOSE_* order");
_Static_assert(IPC_CHAN_CLOSE_COUNT == IPC_CHAN_CLOSE_NOMEM + 1, "close reasons");

/* ---- cells by command (/dp/cell/rx/..., /dp/cell/tx/...) ---- */

/* The link commands with counters of their own (tor-spec.txt §3); the rest count as other. */
#define CHAN_CELL_CMDS(X)                                                                          \
	X(PADDING, padding)                                                                        \
	X(CREATE, create)                                                                          \
	X(CREATED, created)                                                                        \
	X(RELAY, relay)                                                                            \
	X(DESTROY, destroy)                                                                        \
	X(CREATE_FAST, create_fast)                                                                \
	X(CREATED_FAST, created_fast)                                                              \
	X(VERSIONS, versions)                                                                      \
	X(NETINFO, netinfo)                                                                        \
	X(RELAY_EARLY, relay_early)                                                                \
	X(CREATE2, create2)                                                                        \
	X(CREATED2, created2)                                                                      \
	X(PADDING_NEGOTIATE, padding_negotiate)                                                    \
	X(VPADDING, vpadding)                                                                      \
	X(CERTS, certs)                                                                            \
	X(AUTH_CHALLENGE, auth_challenge)                                                          \
	X(AUTHENTICATE, authenticate)                                                              \
	X(AUTHORIZE, authorize)

/* Per command byte: how far its counter lies below /dp/cell/{rx,tx}/other
 * (0, the default, is other itself), so counting a cell is one load and one
 * increment, with no branch. */
static const uint8_t chan_cmd_ctr[256] = {
#define CHAN_CMD_ROW(cmd, name)                                                                    \
	[WIRE_CELL_CMD_##cmd] = DP_CTR_cell_rx_other - DP_CTR_cell_rx_##name,
	CHAN_CELL_CMDS(CHAN_CMD_ROW)
#undef CHAN_CMD_ROW
};

#define CHAN_CMD_CHECK(cmd, name)                                                                  \
	_Static_assert(DP_CTR_cell_rx_##name < DP_CTR_cell_rx_other &&                             \
			       DP_CTR_cell_rx_other - DP_CTR_cell_rx_##name < 256 &&               \
			       DP_CTR_cell_tx_other - DP_CTR_cell_tx_##name ==                     \
				       DP_CTR_cell_rx_other - DP_CTR_cell_rx_##name,               \
		       "/dp/cell/rx/ and tx/ rows: same order, other last: " #name);
CHAN_CELL_CMDS(CHAN_CMD_CHECK)
#undef CHAN_CMD_CHECK

/* A cell of command @p cmd received on a channel. */
static inline void
chan_count_rx(struct dp_lcore *lc, uint8_t cmd)
{
	ipc_ctr_add(lc->ctr, DP_CTR_cell_rx_other - chan_cmd_ctr[cmd], 1);
}

/* A cell of command @p cmd sent on a channel. */
static inline void
chan_count_tx(struct dp_lcore *lc, uint8_t cmd)
{
	ipc_ctr_add(lc->ctr, DP_CTR_cell_tx_other - chan_cmd_ctr[cmd], 1);
}

/* The command byte of a WIRE_CELL_LEN cell: link 4 and later have a 4-byte
 * circ id (tor-spec.txt §3). */
#define CHAN_FIXED_CMD_OFF 4u
_Static_assert(CHAN_LINK_MIN >= 4 &&
		       WIRE_CELL_HDR_LEN(CHAN_FIXED_CMD_OFF) + WIRE_CELL_PAYLOAD_LEN ==
			       WIRE_CELL_LEN,
	       "WIRE_CELL_LEN cells have a 4-byte circ id");

/* ---- handles and pools ---- */

static inline uint32_t
chan_handle(const struct dp_lcore *lc, const struct dp_chan_lcore *cl, const struct chan *ch)
{
	return ((lc->idx & 0x7fu) << 25) | ((uint32_t)(ch - cl->chans) << 8) | ch->gen;
}

static struct chan *
chan_lookup(struct dp_lcore *lc, uint32_t handle)
{
	struct dp_chan_lcore *cl = lc->chan;
	uint32_t idx = (handle >> 8) & 0x1ffffu;
	struct chan *ch;

	if (cl == NULL || (handle >> 25) != (lc->idx & 0x7fu) || idx >= cl->conf.max_chans)
		return NULL;
	ch = &cl->chans[idx];
	if (ch->state == IPC_CHAN_STATE_FREE || ch->gen != (handle & 0xffu))
		return NULL;
	return ch;
}

static struct chan_hs *
hs_alloc(struct dp_chan_lcore *cl)
{
	struct chan_hs *hs;

	if (cl->hs_free == UINT32_MAX)
		return NULL;
	hs = &cl->hs[cl->hs_free];
	cl->hs_free = hs->next_free;
	if (EVP_DigestInit_ex(hs->dig_tx, cl->sha256, NULL) != 1 ||
	    EVP_DigestInit_ex(hs->dig_rx, cl->sha256, NULL) != 1) {
		hs->next_free = cl->hs_free;
		cl->hs_free = (uint32_t)(hs - cl->hs);
		return NULL;
	}
	hs->rlen = 0;
	hs->wait = CHAN_WAIT_NONE;
	hs->flags = HS_TX_HASHING | HS_RX_HASHING;
	return hs;
}

static void
hs_free(struct dp_chan_lcore *cl, struct chan_hs *hs)
{
	EVP_MD_CTX *tx = hs->dig_tx, *rx = hs->dig_rx;
	uint32_t seq = hs->seq;

	/* Wipe everything but the digest objects, keeping the request sequence
	 * running so that a late answer never matches a new handshake. */
	OPENSSL_cleanse(hs, offsetof(struct chan_hs, buf));
	hs->dig_tx = tx;
	hs->dig_rx = rx;
	hs->seq = seq;
	hs->next_free = cl->hs_free;
	cl->hs_free = (uint32_t)(hs - cl->hs);
}

static struct chan *
chan_alloc(struct dp_lcore *lc, uint8_t role)
{
	struct dp_chan_lcore *cl = lc->chan;
	struct chan *ch;
	struct chan_hs *hs;
	uint8_t gen;

	if (cl->free_head == UINT32_MAX)
		return NULL;
	hs = hs_alloc(cl);
	if (hs == NULL)
		return NULL;
	ch = &cl->chans[cl->free_head];
	cl->free_head = ch->next_free;
	gen = ch->gen;
	memset(ch, 0, offsetof(struct chan, carry));
	ch->gen = gen;
	ch->state = IPC_CHAN_STATE_TLS;
	ch->role = role;
	ch->hs = hs;
	ch->tls_h = UINT32_MAX;
	ch->created_us = lc->now_us;
	ch->deadline_us = lc->now_us + cl->conf.hs_timeout_us;
	cl->n_used++;
	DP_CTR_ADD(lc, chan_handshaking, 1);
	return ch;
}

static void
chan_free(struct dp_lcore *lc, struct chan *ch)
{
	struct dp_chan_lcore *cl = lc->chan;

	if (ch->hs != NULL) {
		hs_free(cl, ch->hs);
		ch->hs = NULL;
	}
	ch->state = IPC_CHAN_STATE_FREE;
	ch->gen = (uint8_t)(ch->gen == 255 ? 1 : ch->gen + 1); /* never 0: handle 0 is "none" */
	ch->next_free = cl->free_head;
	cl->free_head = (uint32_t)(ch - cl->chans);
	cl->n_used--;
}

/* ---- identity index (dp_chan_find_id) ---- */

static uint64_t
id_key(const uint8_t rsa_id[20])
{
	uint64_t k;

	memcpy(&k, rsa_id, sizeof(k));
	return k;
}

/* Index @p ch under @p rsa_id: the newest channel to an identity wins. */
static void
idmap_add(struct dp_lcore *lc, struct chan *ch, const uint8_t rsa_id[20])
{
	struct dp_chan_lcore *cl = lc->chan;

	ch->idkey = id_key(rsa_id);
	if (dp_u64map_put(&cl->idmap, ch->idkey, chan_handle(lc, cl, ch)) == 0)
		ch->in_idmap = 1;
}

/* The identity under which other lcores find an open channel (56 bits) << 8 | generation. */
static uint64_t
pub_entry(const uint8_t rsa_id[20], uint8_t gen)
{
	uint64_t k = 0;

	for (int i = 0; i < 7; i++)
		k = k << 8 | rsa_id[i];
	return k << 8 | gen;
}

static void
pub_set(struct dp_lcore *lc, struct chan *ch, uint64_t v)
{
	struct dp_chan_lcore *cl = lc->chan;

	atomic_store_explicit(&cl->pub[ch - cl->chans], v, memory_order_release);
}

static void
idmap_remove(struct dp_lcore *lc, struct chan *ch)
{
	struct dp_chan_lcore *cl = lc->chan;

	if (!ch->in_idmap)
		return;
	ch->in_idmap = 0;
	if (dp_u64map_get(&cl->idmap, ch->idkey) == chan_handle(lc, cl, ch))
		dp_u64map_del(&cl->idmap, ch->idkey);
}

/* ---- events to the control plane ---- */

static int
chan_evt(struct dp_lcore *lc, const void *msg, size_t len)
{
	if (ipc_ring_push(&lc->evt, msg, len) != 0) {
		DP_CTR_INC(lc, ipc_evt_full);
		return -ENOBUFS;
	}
	DP_CTR_INC(lc, ipc_evt_tx);
	return 0;
}

static void
chan_status_reply(struct dp_lcore *lc, uint32_t req_id, uint32_t handle, int32_t status,
		  const struct chan *ch)
{
	struct ipc_msg_chan_status m;

	memset(&m, 0, sizeof(m));
	ipc_hdr_init(&m.hdr, IPC_MSG_CHAN_STATUS, sizeof(m), req_id);
	m.chan = handle;
	m.status = status;
	if (ch != NULL) {
		m.close_reason = ch->close_reason;
		m.link_proto = ch->link_proto;
		m.cert_err = ch->cert_err;
		if (ch->flags & IPC_CHAN_F_AUTHENTICATED) {
			memcpy(m.rsa_id_sha1, ch->peer_rsa, sizeof(m.rsa_id_sha1));
			memcpy(m.ed_id, ch->peer_ed, sizeof(m.ed_id));
		}
	}
	chan_evt(lc, &m, sizeof(m));
}

/* ---- closing ---- */

/* Move @p ch (not yet CLOSING) to CLOSING: its reason, the gauges, its handshake state. */
static void
chan_set_closing(struct dp_lcore *lc, struct chan *ch, uint8_t reason)
{
	ch->close_reason = reason;
	idmap_remove(lc, ch);
	if (ch->state == IPC_CHAN_STATE_OPEN)
		pub_set(lc, ch, 0);
	if (ch->state == IPC_CHAN_STATE_OPEN)
		DP_CTR_ADD(lc, chan_open, (uint64_t)-1);
	else
		DP_CTR_ADD(lc, chan_handshaking, (uint64_t)-1);
	ch->state = IPC_CHAN_STATE_CLOSING;
	if (ch->hs != NULL) {
		hs_free(lc->chan, ch->hs);
		ch->hs = NULL;
	}
}

/* Record why @p ch ends (first cause wins) and start closing TLS. */
static void
chan_fail(struct dp_lcore *lc, struct chan *ch, uint8_t reason)
{
	if (ch->state == IPC_CHAN_STATE_CLOSING)
		return;
	chan_set_closing(lc, ch, reason);
	/* The `closed` callback finishes the job (and may run before this returns
	 * nothing: TLS defers it to its poll). */
	if (lc->chan->io->close(lc, ch->tls_h) != 0)
		lc->chan->io->abort(lc, ch->tls_h);
}

static uint8_t
chan_reason_from_tls(enum dp_tls_close_reason r)
{
	switch (r) {
	case DP_TLS_CLOSE_NORMAL:
	case DP_TLS_CLOSE_PEER_CLOSED:
		return IPC_CHAN_CLOSE_PEER;
	case DP_TLS_CLOSE_TIMEOUT:
		return IPC_CHAN_CLOSE_HS_TIMEOUT;
	case DP_TLS_CLOSE_REFUSED:
	case DP_TLS_CLOSE_NET_TIMEOUT:
		return IPC_CHAN_CLOSE_CONNECT_FAILED;
	case DP_TLS_CLOSE_ABORTED:
		return IPC_CHAN_CLOSE_LOCAL;
	case DP_TLS_CLOSE_NOMEM:
		return IPC_CHAN_CLOSE_NOMEM;
	case DP_TLS_CLOSE_PROTOCOL:
	default:
		return IPC_CHAN_CLOSE_TLS_ERROR;
	}
}

/* ---- sending ---- */

/* Write one cell of command @p cmd, @p n bytes. Handshake and control cells
 * are small and sent when TLS has room (its send space at that point is the
 * whole TCP buffer); a short write would break the cell stream, so it closes. */
static int
chan_write(struct dp_lcore *lc, struct chan *ch, uint8_t cmd, const uint8_t *buf, uint32_t n)
{
	int w;

	if (ch->hs != NULL && (ch->hs->flags & HS_TX_HASHING))
		EVP_DigestUpdate(ch->hs->dig_tx, buf, n);
	w = lc->chan->io->write(lc, ch->tls_h, buf, n);
	if (w != (int)n) {
		chan_fail(lc, ch, w == -EPROTO || w == -EPIPE ? IPC_CHAN_CLOSE_TLS_ERROR
							      : IPC_CHAN_CLOSE_NOMEM);
		return -1;
	}
	ch->tx_cells++;
	DP_CTR_INC(lc, chan_cells_tx);
	chan_count_tx(lc, cmd);
	return 0;
}

static int
send_var(struct dp_lcore *lc, struct chan *ch, uint8_t cmd, const uint8_t *payload, size_t len)
{
	uint8_t *b = lc->chan->txbuf;
	int n = wire_cell_encode_var(b, sizeof(lc->chan->txbuf), ch->link_proto, 0, cmd, payload, len);

	if (n < 0) {
		chan_fail(lc, ch, IPC_CHAN_CLOSE_NOMEM);
		return -1;
	}
	return chan_write(lc, ch, cmd, b, (uint32_t)n);
}

static int
send_fixed(struct dp_lcore *lc, struct chan *ch, uint32_t circ_id, uint8_t cmd,
	   const uint8_t *payload, size_t len)
{
	uint8_t cell[WIRE_CELL_LEN];
	int n = wire_cell_encode_fixed(cell, sizeof(cell), ch->link_proto, circ_id, cmd, payload, len);

	if (n < 0) {
		chan_fail(lc, ch, IPC_CHAN_CLOSE_NOMEM);
		return -1;
	}
	return chan_write(lc, ch, cmd, cell, (uint32_t)n);
}

static int
send_versions(struct dp_lcore *lc, struct chan *ch)
{
	static const uint16_t ours[] = { CHAN_LINK_MIN, CHAN_LINK_MAX };
	uint8_t p[8];
	int n = wire_versions_encode(p, sizeof(p), ours, RTE_DIM(ours));

	/* tor-spec.txt §3, §4.1: the VERSIONS cell always has a 2-byte circ id. */
	return n < 0 ? -1 : send_var(lc, ch, WIRE_CELL_CMD_VERSIONS, p, (size_t)n);
}

/* NETINFO (tor-spec.txt §4.5; checklist B9): the real time, the peer's address, ours. */
static int
send_netinfo(struct dp_lcore *lc, struct chan *ch)
{
	struct dp_chan_lcore *cl = lc->chan;
	uint8_t p[64], other_v[4], my_v[4];
	uint32_t my = cl->creds.netinfo_addr != 0 ? cl->creds.netinfo_addr : lc->net.ip;
	struct wire_netinfo_addr other = { WIRE_NETINFO_ATYPE_IPV4, 4, other_v };
	struct wire_netinfo_addr mine = { WIRE_NETINFO_ATYPE_IPV4, 4, my_v };
	uint32_t now = (uint32_t)((cl->wall_base_us + lc->now_us) / 1000000u);
	int n;

	for (int i = 0; i < 4; i++) {
		other_v[i] = (uint8_t)(ch->peer_addr >> (24 - 8 * i));
		my_v[i] = (uint8_t)(my >> (24 - 8 * i));
	}
	n = wire_netinfo_encode(p, sizeof(p), now, &other, &mine, my != 0 ? 1 : 0);
	if (n < 0) {
		chan_fail(lc, ch, IPC_CHAN_CLOSE_NOMEM);
		return -1;
	}
	return send_fixed(lc, ch, 0, WIRE_CELL_CMD_NETINFO, p, (size_t)n);
}

static int
send_auth_challenge(struct dp_lcore *lc, struct chan *ch)
{
	static const uint16_t methods[] = { WIRE_AUTHTYPE_ED25519_SHA256_RFC5705 };
	uint8_t challenge[WIRE_AUTH_CHALLENGE_LEN], p[64];
	int n;

	/* tor-spec.txt §4.3: every challenge from a strong RNG. */
	if (RAND_bytes_ex(dp_tls_libctx(lc), challenge, sizeof(challenge), 0) != 1) {
		chan_fail(lc, ch, IPC_CHAN_CLOSE_NOMEM);
		return -1;
	}
	n = wire_auth_challenge_encode(p, sizeof(p), challenge, methods, RTE_DIM(methods));
	if (n < 0)
		return -1;
	return send_var(lc, ch, WIRE_CELL_CMD_AUTH_CHALLENGE, p, (size_t)n);
}

static int
hs_finish_digest(EVP_MD_CTX *d, uint8_t out[32])
{
	unsigned int len = 0;

	return EVP_DigestFinal_ex(d, out, &len) == 1 && len == 32 ? 0 : -1;
}

/* ---- becoming open ---- */

static void
chan_set_open(struct dp_lcore *lc, struct chan *ch)
{
	struct dp_chan_lcore *cl = lc->chan;

	hs_free(cl, ch->hs);
	ch->hs = NULL;
	ch->state = IPC_CHAN_STATE_OPEN;
	DP_CTR_ADD(lc, chan_handshaking, (uint64_t)-1);
	DP_CTR_INC(lc, chan_open);
	if (ch->link_proto == 5)
		DP_CTR_INC(lc, chan_open_link5);
	else
		DP_CTR_INC(lc, chan_open_link4);
	if (ch->flags & IPC_CHAN_F_AUTHENTICATED)
		DP_CTR_INC(lc, chan_open_relay);
	else
		DP_CTR_INC(lc, chan_open_client);
	if (ch->open_req != 0) {
		chan_status_reply(lc, ch->open_req, chan_handle(lc, cl, ch), 0, ch);
		ch->open_req = 0;
	}
	if (ch->flags & IPC_CHAN_F_AUTHENTICATED) {
		if (ch->in_idmap)
			idmap_remove(lc, ch);
		idmap_add(lc, ch, ch->peer_rsa);
		pub_set(lc, ch, pub_entry(ch->peer_rsa, ch->gen));
	}
	if (cl->cell_ops.opened != NULL)
		cl->cell_ops.opened(lc, chan_handle(lc, cl, ch));
}

/* ---- control-plane requests ---- */

static uint32_t
hs_next_seq(struct chan_hs *hs)
{
	hs->seq++;
	if (hs->seq == 0)
		hs->seq = 1;
	return hs->seq;
}

/* Send the peer's CERTS body up in chunks, all or nothing (tor-spec.txt §4.2). */
static int
req_certs(struct dp_lcore *lc, struct chan *ch, const uint8_t *body, uint32_t len)
{
	struct dp_chan_lcore *cl = lc->chan;
	struct chan_hs *hs = ch->hs;
	uint32_t k = (len + IPC_BLOB_CHUNK_DATA - 1) / IPC_BLOB_CHUNK_DATA, idx, seq;

	if (len == 0 || len > IPC_CERTS_MAX) {
		chan_fail(lc, ch, len == 0 ? IPC_CHAN_CLOSE_BAD_CELL : IPC_CHAN_CLOSE_CELL_TOO_BIG);
		return -1;
	}
	if (ipc_ring_prod_reserve(&lc->cell_up, k, &idx) < k) {
		ipc_ring_prod_count_full(&lc->cell_up, 1);
		DP_CTR_INC(lc, chan_cp_full);
		chan_fail(lc, ch, IPC_CHAN_CLOSE_CP);
		return -1;
	}
	seq = hs_next_seq(hs);
	for (uint32_t i = 0; i < k; i++) {
		struct ipc_msg_chan_certs *m = ipc_ring_prod_slot(&lc->cell_up, idx + i);
		uint32_t off = i * IPC_BLOB_CHUNK_DATA;
		uint32_t n = RTE_MIN(len - off, IPC_BLOB_CHUNK_DATA);

		memset(m, 0, lc->cell_up.slot_size);
		ipc_hdr_init(&m->hdr, IPC_MSG_CHAN_CERTS, sizeof(*m), seq);
		m->chan = chan_handle(lc, cl, ch);
		m->total_len = len;
		m->offset = off;
		m->chunk_len = (uint16_t)n;
		m->sender_role = ch->role == IPC_ROLE_INITIATOR ? IPC_ROLE_RESPONDER
								: IPC_ROLE_INITIATOR;
		if (ch->role == IPC_ROLE_INITIATOR)
			memcpy(m->tls_cert_sha256, hs->peer_cert_sha256, 32);
		memcpy(m->data, body + off, n);
	}
	ipc_ring_prod_submit(&lc->cell_up, k);
	DP_CTR_INC(lc, chan_cp_req);
	hs->wait = CHAN_WAIT_CERTS;
	return 1;
}

static int
req_push(struct dp_lcore *lc, struct chan *ch, const void *m, size_t len, uint8_t wait)
{
	if (ipc_ring_push(&lc->cell_up, m, len) != 0) {
		DP_CTR_INC(lc, chan_cp_full);
		chan_fail(lc, ch, IPC_CHAN_CLOSE_CP);
		return -1;
	}
	DP_CTR_INC(lc, chan_cp_req);
	ch->hs->wait = wait;
	return 1;
}

/* TLSSECRETS (tor-spec.txt §4.4.2 with the context fix of relay-checklist P-B1: CID). */
static int
hs_tlssecrets(struct dp_lcore *lc, struct chan *ch, const uint8_t cid[32], uint8_t out[32])
{
	return lc->chan->io->export_km(lc, ch->tls_h, out, 32, chan_exporter_label,
					     sizeof(chan_exporter_label) - 1, cid, 32);
}

/* Initiator, after AUTH_CHALLENGE: send our CERTS, close CLOG, ask for the signature. */
static int
req_auth_sign(struct dp_lcore *lc, struct chan *ch)
{
	struct dp_chan_lcore *cl = lc->chan;
	struct chan_hs *hs = ch->hs;
	struct ipc_msg_chan_auth_sign m;
	int rc;

	if (send_var(lc, ch, WIRE_CELL_CMD_CERTS, cl->creds.certs_init, cl->creds.certs_init_len))
		return -1;
	hs->flags &= (uint8_t)~HS_TX_HASHING;
	if (hs_finish_digest(hs->dig_tx, hs->clog) != 0) {
		chan_fail(lc, ch, IPC_CHAN_CLOSE_NOMEM);
		return -1;
	}
	memset(&m, 0, sizeof(m));
	ipc_hdr_init(&m.hdr, IPC_MSG_CHAN_AUTH_SIGN, sizeof(m), hs_next_seq(hs));
	m.chan = chan_handle(lc, cl, ch);
	memcpy(m.sid, hs->peer_rsa_sha256, 32);
	memcpy(m.sid_ed, ch->peer_ed, 32);
	memcpy(m.slog, hs->slog, 32);
	memcpy(m.clog, hs->clog, 32);
	memcpy(m.scert, hs->peer_cert_sha256, 32);
	if (hs_tlssecrets(lc, ch, cl->creds.rsa_id_sha256, m.tlssecrets) != 0) {
		chan_fail(lc, ch, IPC_CHAN_CLOSE_TLS_ERROR);
		return -1;
	}
	rc = req_push(lc, ch, &m, sizeof(m), CHAN_WAIT_AUTH_SIGN);
	OPENSSL_cleanse(m.tlssecrets, sizeof(m.tlssecrets));
	return rc;
}

/* Responder, on AUTHENTICATE: ask the control plane to check it. */
static int
req_auth_verify(struct dp_lcore *lc, struct chan *ch, const struct wire_cell *c)
{
	struct dp_chan_lcore *cl = lc->chan;
	struct chan_hs *hs = ch->hs;
	struct ipc_msg_chan_auth_verify m;
	int rc;

	memset(&m, 0, sizeof(m));
	ipc_hdr_init(&m.hdr, IPC_MSG_CHAN_AUTH_VERIFY, sizeof(m), hs_next_seq(hs));
	m.chan = chan_handle(lc, cl, ch);
	m.payload_len = (uint16_t)RTE_MIN(c->payload_len, IPC_AUTH3_PAYLOAD_LEN);
	memcpy(m.payload, c->payload, m.payload_len);
	memcpy(m.cid, hs->peer_rsa_sha256, 32);
	memcpy(m.cid_ed, ch->peer_ed, 32);
	memcpy(m.ed_auth, hs->peer_ed_auth, 32);
	memcpy(m.scert, hs->own_cert_sha256, 32);
	memcpy(m.slog, hs->slog, 32);
	memcpy(m.clog, hs->clog, 32);
	if (hs_tlssecrets(lc, ch, hs->peer_rsa_sha256, m.tlssecrets) != 0) {
		chan_fail(lc, ch, IPC_CHAN_CLOSE_TLS_ERROR);
		return -1;
	}
	rc = req_push(lc, ch, &m, sizeof(m), CHAN_WAIT_AUTH_VERIFY);
	OPENSSL_cleanse(m.tlssecrets, sizeof(m.tlssecrets));
	return rc;
}

/* ---- the handshake, cell by cell ---- */

/* Results of chan_cell(): keep going, pause (waiting for the control plane), closed. */
#define CELL_NEXT 0
#define CELL_PAUSE 1
#define CELL_DEAD (-1)

static int
on_versions(struct dp_lcore *lc, struct chan *ch, const struct wire_cell *c)
{
	static const uint16_t ours[] = { CHAN_LINK_MIN, CHAN_LINK_MAX };
	struct dp_chan_lcore *cl = lc->chan;
	uint16_t theirs[64];
	size_t n = 0;
	uint16_t v;
	int rc;

	/* §4.1: an odd length is malformed. A list longer than we keep is read
	 * only as far as its first 64 entries (the highest common version is
	 * among them in any sane list; tor sends 3). */
	if (c->payload_len & 1u) {
		chan_fail(lc, ch, IPC_CHAN_CLOSE_BAD_CELL);
		return CELL_DEAD;
	}
	rc = wire_versions_decode(c->payload, RTE_MIN((size_t)c->payload_len, 2 * RTE_DIM(theirs)),
				  theirs, RTE_DIM(theirs), &n);
	if (rc != 0) {
		chan_fail(lc, ch, IPC_CHAN_CLOSE_BAD_CELL);
		return CELL_DEAD;
	}
	v = wire_versions_highest_common(ours, RTE_DIM(ours), theirs, n);
	if (v == 0) {
		chan_fail(lc, ch, IPC_CHAN_CLOSE_NO_VERSION);
		return CELL_DEAD;
	}
	if (ch->role == IPC_ROLE_RESPONDER) {
		struct chan_hs *hs = ch->hs;

		/* §4: VERSIONS (2-byte circ id), then at the negotiated version
		 * CERTS, AUTH_CHALLENGE (checklist B5); SLOG stops before NETINFO
		 * (P-B2). */
		if (send_versions(lc, ch) != 0)
			return CELL_DEAD;
		ch->link_proto = v;
		if (send_var(lc, ch, WIRE_CELL_CMD_CERTS, cl->creds.certs_resp,
			     cl->creds.certs_resp_len) != 0 ||
		    send_auth_challenge(lc, ch) != 0)
			return CELL_DEAD;
		hs->flags &= (uint8_t)~HS_TX_HASHING;
		if (hs_finish_digest(hs->dig_tx, hs->slog) != 0) {
			chan_fail(lc, ch, IPC_CHAN_CLOSE_NOMEM);
			return CELL_DEAD;
		}
		if (send_netinfo(lc, ch) != 0)
			return CELL_DEAD;
	}
	ch->link_proto = v;
	ch->state = IPC_CHAN_STATE_HANDSHAKE;
	return CELL_NEXT;
}

/* A handshake cell of the responder role (the peer initiated). */
static int
resp_cell(struct dp_lcore *lc, struct chan *ch, const struct wire_cell *c)
{
	struct chan_hs *hs = ch->hs;
	struct wire_netinfo ni;

	switch (c->cmd) {
	case WIRE_CELL_CMD_CERTS:
		if (hs->flags & HS_GOT_CERTS)
			break;
		return req_certs(lc, ch, c->payload, c->payload_len) < 0 ? CELL_DEAD : CELL_PAUSE;
	case WIRE_CELL_CMD_AUTHENTICATE:
		if (!(hs->flags & HS_GOT_CERTS) || (hs->flags & HS_AUTH_OK))
			break;
		return req_auth_verify(lc, ch, c) < 0 ? CELL_DEAD : CELL_PAUSE;
	case WIRE_CELL_CMD_NETINFO:
		/* A client sends no CERTS; a relay that sent CERTS must authenticate first. */
		if ((hs->flags & HS_GOT_CERTS) && !(hs->flags & HS_AUTH_OK))
			break;
		if (wire_netinfo_decode(c->payload, c->payload_len, &ni) != 0) {
			chan_fail(lc, ch, IPC_CHAN_CLOSE_BAD_CELL);
			return CELL_DEAD;
		}
		ch->flags |= (hs->flags & HS_AUTH_OK) ? IPC_CHAN_F_AUTHENTICATED : IPC_CHAN_F_CLIENT;
		chan_set_open(lc, ch);
		return CELL_NEXT;
	default:
		break;
	}
	chan_fail(lc, ch, IPC_CHAN_CLOSE_UNEXPECTED_CELL);
	return CELL_DEAD;
}

/* A handshake cell of the initiator role (we connected). */
static int
init_cell(struct dp_lcore *lc, struct chan *ch, const struct wire_cell *c)
{
	struct chan_hs *hs = ch->hs;
	struct wire_auth_challenge ac;
	struct wire_netinfo ni;

	switch (c->cmd) {
	case WIRE_CELL_CMD_CERTS:
		if (hs->flags & HS_GOT_CERTS)
			break;
		return req_certs(lc, ch, c->payload, c->payload_len) < 0 ? CELL_DEAD : CELL_PAUSE;
	case WIRE_CELL_CMD_AUTH_CHALLENGE:
		if (!(hs->flags & HS_GOT_CERTS) || (hs->flags & HS_GOT_AC))
			break;
		if (wire_auth_challenge_decode(c->payload, c->payload_len, &ac) != 0) {
			chan_fail(lc, ch, IPC_CHAN_CLOSE_BAD_CELL);
			return CELL_DEAD;
		}
		if (!wire_auth_challenge_has_method(&ac, WIRE_AUTHTYPE_ED25519_SHA256_RFC5705)) {
			chan_fail(lc, ch, IPC_CHAN_CLOSE_NO_AUTH_METHOD);
			return CELL_DEAD;
		}
		hs->flags |= HS_GOT_AC;
		/* SLOG: everything received up to and including AUTH_CHALLENGE (P-B2). */
		hs->flags &= (uint8_t)~HS_RX_HASHING;
		if (hs_finish_digest(hs->dig_rx, hs->slog) != 0) {
			chan_fail(lc, ch, IPC_CHAN_CLOSE_NOMEM);
			return CELL_DEAD;
		}
		return req_auth_sign(lc, ch) < 0 ? CELL_DEAD : CELL_PAUSE;
	case WIRE_CELL_CMD_NETINFO:
		if (!(hs->flags & HS_AUTH_SENT))
			break;
		if (wire_netinfo_decode(c->payload, c->payload_len, &ni) != 0) {
			chan_fail(lc, ch, IPC_CHAN_CLOSE_BAD_CELL);
			return CELL_DEAD;
		}
		if (send_netinfo(lc, ch) != 0)
			return CELL_DEAD;
		ch->flags |= IPC_CHAN_F_AUTHENTICATED;
		chan_set_open(lc, ch);
		return CELL_NEXT;
	default:
		break;
	}
	chan_fail(lc, ch, IPC_CHAN_CLOSE_UNEXPECTED_CELL);
	return CELL_DEAD;
}

/* A cell on an open channel. */
static int
open_cell(struct dp_lcore *lc, struct chan *ch, const struct wire_cell *c)
{
	struct dp_chan_lcore *cl = lc->chan;
	uint8_t reason = DESTROY_REASON_RESOURCELIMIT;

	switch (c->cmd) {
	case WIRE_CELL_CMD_CREATE:
	case WIRE_CELL_CMD_CREATE_FAST:
	case WIRE_CELL_CMD_CREATE2:
		DP_CTR_INC(lc, chan_create_rx);
		if (cl->cell_ops.cell != NULL) {
			cl->cell_ops.cell(lc, chan_handle(lc, cl, ch), c);
			/* The circuit layer may have closed the channel. */
			return ch->state == IPC_CHAN_STATE_OPEN ? CELL_NEXT : CELL_DEAD;
		}
		/* No circuit layer on this lcore: refuse the circuit (tor-spec.txt
		 * §5.4) rather than leave the client waiting for its timeout. */
		DP_CTR_INC(lc, chan_circ_nohandler);
		if (c->circ_id != 0 &&
		    send_fixed(lc, ch, c->circ_id, WIRE_CELL_CMD_DESTROY, &reason, 1) == 0)
			DP_CTR_INC(lc, chan_destroy_tx);
		return ch->state == IPC_CHAN_STATE_OPEN ? CELL_NEXT : CELL_DEAD;
	case WIRE_CELL_CMD_CREATED:
	case WIRE_CELL_CMD_CREATED_FAST:
	case WIRE_CELL_CMD_CREATED2:
	case WIRE_CELL_CMD_RELAY:
	case WIRE_CELL_CMD_RELAY_EARLY:
	case WIRE_CELL_CMD_DESTROY:
		DP_CTR_INC(lc, chan_circ_rx);
		if (cl->cell_ops.cell == NULL) {
			DP_CTR_INC(lc, chan_circ_nohandler);
			return CELL_NEXT;
		}
		cl->cell_ops.cell(lc, chan_handle(lc, cl, ch), c);
		return ch->state == IPC_CHAN_STATE_OPEN ? CELL_NEXT : CELL_DEAD;
	case WIRE_CELL_CMD_PADDING_NEGOTIATE:
		/* Link 5 only; accepted and ignored (padding-spec §2.5, checklist B10). */
		if (ch->link_proto < 5)
			break;
		DP_CTR_INC(lc, chan_padding_rx);
		return CELL_NEXT;
	case WIRE_CELL_CMD_VERSIONS:
	case WIRE_CELL_CMD_CERTS:
	case WIRE_CELL_CMD_AUTH_CHALLENGE:
	case WIRE_CELL_CMD_AUTHENTICATE:
		chan_fail(lc, ch, IPC_CHAN_CLOSE_UNEXPECTED_CELL);
		return CELL_DEAD;
	default:
		break;
	}
	/* tor-spec.txt §3: unknown commands are dropped (a second NETINFO too). */
	DP_CTR_INC(lc, chan_unknown_rx);
	return CELL_NEXT;
}

/*
 * Handle one framed cell of @p n wire bytes at @p raw. Handshake cells are
 * hashed into the receive digest while it is open, except the responder's
 * view of AUTHENTICATE, which closes CLOG first (tor-spec.txt §4.4.2, P-B2).
 */
static int
chan_cell(struct dp_lcore *lc, struct chan *ch, const uint8_t *raw, uint32_t n,
	  const struct wire_cell *c)
{
	struct chan_hs *hs = ch->hs;

	ch->rx_cells++;
	DP_CTR_INC(lc, chan_cells_rx);
	chan_count_rx(lc, c->cmd);
	if (hs != NULL && (hs->flags & HS_RX_HASHING)) {
		if (c->cmd == WIRE_CELL_CMD_AUTHENTICATE && ch->role == IPC_ROLE_RESPONDER) {
			hs->flags &= (uint8_t)~HS_RX_HASHING;
			if (hs_finish_digest(hs->dig_rx, hs->clog) != 0) {
				chan_fail(lc, ch, IPC_CHAN_CLOSE_NOMEM);
				return CELL_DEAD;
			}
		} else {
			EVP_DigestUpdate(hs->dig_rx, raw, n);
		}
	}
	/* PADDING and VPADDING at any time (tor-spec.txt §3, checklist B10);
	 * AUTHORIZE is reserved and ignored. Before VERSIONS only variable-length
	 * cells can be framed at all (wire_cell_decode() with link 0). */
	if (c->cmd == WIRE_CELL_CMD_PADDING || c->cmd == WIRE_CELL_CMD_VPADDING ||
	    c->cmd == WIRE_CELL_CMD_AUTHORIZE) {
		DP_CTR_INC(lc, chan_padding_rx);
		return CELL_NEXT;
	}
	switch (ch->state) {
	case IPC_CHAN_STATE_VERSIONS:
		if (c->cmd == WIRE_CELL_CMD_VERSIONS)
			return on_versions(lc, ch, c);
		chan_fail(lc, ch, IPC_CHAN_CLOSE_UNEXPECTED_CELL);
		return CELL_DEAD;
	case IPC_CHAN_STATE_HANDSHAKE:
		return ch->role == IPC_ROLE_RESPONDER ? resp_cell(lc, ch, c) : init_cell(lc, ch, c);
	case IPC_CHAN_STATE_OPEN:
		return open_cell(lc, ch, c);
	default:
		return CELL_DEAD;
	}
}

/* Drop @p n bytes of an oversized VPADDING (hashing them while the digest is open). */
static void
chan_skip(struct chan *ch, const uint8_t *p, uint32_t n)
{
	if (ch->hs != NULL && (ch->hs->flags & HS_RX_HASHING))
		EVP_DigestUpdate(ch->hs->dig_rx, p, n);
	ch->skip_left -= n;
}

/*
 * May a variable-length cell too big to buffer be dropped unread? VPADDING
 * and AUTHORIZE always (tor-spec.txt §3, §4); once open, any command that
 * is not part of the handshake too (unknown commands are ignored). The
 * handshake cells themselves (a huge CERTS) close the channel.
 */
static bool
chan_var_skippable(const struct chan *ch, uint8_t cmd)
{
	if (cmd == WIRE_CELL_CMD_VPADDING || cmd == WIRE_CELL_CMD_AUTHORIZE)
		return true;
	return ch->state == IPC_CHAN_STATE_OPEN && cmd != WIRE_CELL_CMD_VERSIONS &&
	       cmd != WIRE_CELL_CMD_CERTS && cmd != WIRE_CELL_CMD_AUTH_CHALLENGE &&
	       cmd != WIRE_CELL_CMD_AUTHENTICATE;
}

/*
 * Frame and handle cells in @p buf[0, len). Returns the bytes consumed and
 * sets *@p stop when the channel paused or died.
 */
static uint32_t
chan_frame(struct dp_lcore *lc, struct chan *ch, const uint8_t *buf, uint32_t len, int *stop)
{
	uint32_t off = 0;

	*stop = 0;
	while (off < len) {
		struct wire_cell c;
		uint32_t cap = ch->state == IPC_CHAN_STATE_OPEN ? WIRE_CELL_LEN : DP_CHAN_HS_BUF;
		int n, r;

		if (ch->skip_left != 0) {
			uint32_t k = RTE_MIN(ch->skip_left, len - off);

			chan_skip(ch, buf + off, k);
			off += k;
			continue;
		}
		n = wire_cell_decode(buf + off, len - off, ch->link_proto, &c);
		if (n < 0) {
			chan_fail(lc, ch, IPC_CHAN_CLOSE_BAD_CELL);
			*stop = 1;
			return off;
		}
		if (n == 0) {
			/* A prefix. If it is a variable-length cell bigger than we can
			 * keep, skip it when it is padding, else close. */
			uint8_t w = wire_circ_id_len(ch->link_proto);
			uint32_t hl = (uint32_t)WIRE_VAR_CELL_HDR_LEN(w), total;
			uint8_t cmd;

			if (len - off < hl)
				return off;
			cmd = buf[off + w];
			if (!wire_cell_cmd_is_var(cmd, ch->link_proto))
				return off;
			total = hl + (((uint32_t)buf[off + w + 1] << 8) | buf[off + w + 2]);
			if (total <= cap)
				return off;
			if (!chan_var_skippable(ch, cmd)) {
				chan_fail(lc, ch, IPC_CHAN_CLOSE_CELL_TOO_BIG);
				*stop = 1;
				return off;
			}
			ch->rx_cells++;
			DP_CTR_INC(lc, chan_cells_rx);
			chan_count_rx(lc, cmd);
			if (cmd == WIRE_CELL_CMD_VPADDING)
				DP_CTR_INC(lc, chan_padding_rx);
			else
				DP_CTR_INC(lc, chan_unknown_rx);
			ch->skip_left = total;
			continue;
		}
		r = chan_cell(lc, ch, buf + off, (uint32_t)n, &c);
		off += (uint32_t)n;
		if (r != CELL_NEXT) {
			*stop = 1;
			return off;
		}
	}
	return off;
}

/* Have dp_chan_run_kicks() read @p ch again (not now: the caller may be inside
 * another channel's cell). A live channel is in the ring at most once; the
 * ring has room for every channel twice, so stale handles of freed ones fit too. */
static void
chan_kick(const struct dp_lcore *lc, struct dp_chan_lcore *cl, struct chan *ch)
{
	if (!ch->kicked && cl->kick_tail - cl->kick_head < 2 * cl->conf.max_chans) {
		ch->kicked = 1;
		cl->kicks[cl->kick_tail % (2 * cl->conf.max_chans)] = chan_handle(lc, cl, ch);
		cl->kick_tail++;
	}
}

/* ---- RelayBandwidthRate: per-lcore token buckets (chan.h, struct dp_chan_conf) ---- */

/* This lcore's share of the limits @p rate and @p burst (the dataplane's);
 * tor's rules: a burst alone sets the rate, a burst below the rate is raised
 * to it. At start (or from no limit) the buckets start full; later, tokens
 * held are kept up to the new burst. */
static void
chan_bw_setup(struct dp_lcore *lc, struct dp_chan_lcore *cl, uint64_t rate, uint64_t burst)
{
	uint64_t lanes = cl->conf.bw_lanes != 0 ? cl->conf.bw_lanes : 1;
	bool was_limited = cl->bw_rate != 0;

	if (rate == 0)
		rate = burst;
	if (burst < rate)
		burst = rate;
	cl->bw_rate = rate / lanes;
	cl->bw_burst = burst / lanes;
	if (rate != 0 && cl->bw_rate == 0)
		cl->bw_rate = cl->bw_burst = 1;
	if (!was_limited) {
		cl->bw_rd = cl->bw_wr = (int64_t)cl->bw_burst;
		cl->bw_last_us = lc->now_us;
	} else {
		cl->bw_rd = RTE_MIN(cl->bw_rd, (int64_t)cl->bw_burst);
		cl->bw_wr = RTE_MIN(cl->bw_wr, (int64_t)cl->bw_burst);
	}
	ipc_ctr_set(lc->ctr, DP_CTR_chan_bw_rate, cl->bw_rate);
	ipc_ctr_set(lc->ctr, DP_CTR_chan_bw_burst, cl->bw_burst);
}

/* Add what the rate earned since the last refill (at most every 100 µs); wake
 * the channels that waited for read tokens. */
static void
chan_bw_refill(struct dp_lcore *lc, struct dp_chan_lcore *cl)
{
	uint64_t dt = lc->now_us - cl->bw_last_us, add;

	if (cl->bw_rate == 0 || dt < 100)
		return;
	cl->bw_last_us = lc->now_us;
	add = dt >= 1000000u ? cl->bw_burst : cl->bw_rate * dt / 1000000u;
	if (add > cl->bw_burst)
		add = cl->bw_burst;
	cl->bw_rd = RTE_MIN(cl->bw_rd + (int64_t)add, (int64_t)cl->bw_burst);
	cl->bw_wr = RTE_MIN(cl->bw_wr + (int64_t)add, (int64_t)cl->bw_burst);
	if (cl->bw_rd <= 0)
		return;
	while (cl->bw_wait_n > 0) {
		uint32_t h = cl->bw_wait[--cl->bw_wait_n];
		struct chan *ch = chan_lookup(lc, h);

		if (ch == NULL || !ch->bw_waiting)
			continue;
		ch->bw_waiting = 0;
		chan_kick(lc, cl, ch);
	}
}

/* Out of read tokens: @p ch stops reading until the next refill. */
static void
chan_bw_wait(struct dp_lcore *lc, struct dp_chan_lcore *cl, struct chan *ch)
{
	DP_CTR_INC(lc, chan_bw_read_waits);
	if (ch->bw_waiting || cl->bw_wait_n >= cl->conf.max_chans)
		return;
	ch->bw_waiting = 1;
	cl->bw_wait[cl->bw_wait_n++] = chan_handle(lc, cl, ch);
}

/* Read and handle what the channel has, until TLS is empty or the channel pauses. */
static void
chan_rx(struct dp_lcore *lc, struct chan *ch)
{
	struct dp_chan_lcore *cl = lc->chan;
	uint8_t *s = cl->scratch;
	uint32_t len, used;
	int stop = 0;

	if (ch->in_rx || ch->state < IPC_CHAN_STATE_VERSIONS || ch->state > IPC_CHAN_STATE_OPEN)
		return;
	if (ch->hs != NULL && ch->hs->wait != CHAN_WAIT_NONE)
		return;
	if (ch->paused)
		return;
	/* Handshakes are not relay traffic: only open channels spend tokens. */
	if (cl->bw_rate != 0 && ch->hs == NULL && cl->bw_rd <= 0) {
		chan_bw_wait(lc, cl, ch);
		return;
	}
	ch->in_rx = 1;
	if (ch->hs != NULL) {
		len = ch->hs->rlen;
		memcpy(s, ch->hs->buf, len);
	} else {
		len = ch->carry_len;
		memcpy(s, ch->carry, len);
	}
	for (;;) {
		/* While handshaking, never hold more than the handshake buffer keeps. */
		uint32_t room = ch->hs != NULL ? DP_CHAN_HS_BUF - len : CHAN_SCRATCH - len;
		int n = room != 0 ? cl->io->read(lc, ch->tls_h, s + len, room) : 0;

		if (n > 0) {
			len += (uint32_t)n;
			if (cl->bw_rate != 0 && ch->hs == NULL)
				cl->bw_rd -= n;
		}
		used = chan_frame(lc, ch, s, len, &stop);
		if (used != 0) {
			memmove(s, s + used, len - used);
			len -= used;
		}
		if (stop)
			break;
		if (ch->paused && n >= 0)
			break; /* backpressure: what was read is handled, the rest waits in TLS */
		if (cl->bw_rate != 0 && ch->hs == NULL && cl->bw_rd <= 0 && n > 0) {
			chan_bw_wait(lc, cl, ch); /* the rest waits in TLS until tokens come */
			break;
		}
		if (n < 0) {
			/* -EPIPE: the peer finished; the TLS `closed` callback follows. */
			chan_fail(lc, ch, n == -EPIPE ? IPC_CHAN_CLOSE_PEER : IPC_CHAN_CLOSE_TLS_ERROR);
			break;
		}
		if (n == 0 && (room != 0 || used == 0)) {
			if (room == 0) {
				/* The handshake buffer is full of a partial cell: too big. */
				chan_fail(lc, ch, IPC_CHAN_CLOSE_CELL_TOO_BIG);
			}
			break;
		}
	}
	if (ch->state == IPC_CHAN_STATE_CLOSING) {
		len = 0;
	} else if (ch->hs != NULL) {
		memcpy(ch->hs->buf, s, len);
		ch->hs->rlen = len;
	} else if (len <= sizeof(ch->carry)) {
		memcpy(ch->carry, s, len);
		ch->carry_len = (uint16_t)len;
	} else {
		/* Cannot happen: an open channel consumes all but one partial cell. */
		chan_fail(lc, ch, IPC_CHAN_CLOSE_BAD_CELL);
	}
	ch->in_rx = 0;
}

/* ---- TLS callbacks ---- */

static int
sha256_of(struct dp_lcore *lc, const uint8_t *p, size_t n, uint8_t out[32])
{
	unsigned int len = 0;

	return EVP_Digest(p, n, out, &len, lc->chan->sha256, NULL) == 1 && len == 32 ? 0 : -1;
}

static void
chan_fill_addrs(struct dp_lcore *lc, struct chan *ch)
{
	struct dp_tls_info ti;
	struct dp_tcp_info tcpi;

	if (dp_tls_info(lc, ch->tls_h, &ti) == 0 && dp_tcp_info(lc, ti.tcp_h, &tcpi) == 0) {
		ch->peer_addr = tcpi.raddr;
		ch->peer_port = tcpi.rport;
		ch->local_port = tcpi.lport;
	}
}

static int
tls_accepted(struct dp_lcore *lc, uint32_t h, void *listen_arg, void **ctx)
{
	struct dp_chan_lcore *cl = lc->chan;
	struct chan *ch;

	RTE_SET_USED(listen_arg);
	if (!cl->creds.installed) {
		DP_CTR_INC(lc, chan_refused);
		DP_CTR_INC(lc, chan_close_no_creds);
		return -1;
	}
	ch = chan_alloc(lc, IPC_ROLE_RESPONDER);
	if (ch == NULL) {
		DP_CTR_INC(lc, chan_refused);
		DP_CTR_INC(lc, chan_close_nomem);
		return -1;
	}
	ch->tls_h = h;
	chan_fill_addrs(lc, ch);
	DP_CTR_INC(lc, chan_accepted);
	*ctx = ch;
	return 0;
}

static void
tls_handshake_done(struct dp_lcore *lc, uint32_t h, void *ctx)
{
	struct chan *ch = ctx;
	uint8_t *der = lc->chan->scratch;
	int n;

	RTE_SET_USED(h);
	if (ch->state != IPC_CHAN_STATE_TLS)
		return;
	ch->state = IPC_CHAN_STATE_VERSIONS;
	if (ch->role == IPC_ROLE_RESPONDER) {
		/* SCERT of an AUTHENTICATE we will check: our certificate on this connection. */
		n = lc->chan->io->own_cert_der(lc, ch->tls_h, der, CHAN_SCRATCH);
		if (n <= 0 || sha256_of(lc, der, (size_t)n, ch->hs->own_cert_sha256) != 0)
			chan_fail(lc, ch, IPC_CHAN_CLOSE_TLS_ERROR);
		return;
	}
	/* Initiator: the responder's certificate is what its type-5 cert certifies. */
	n = lc->chan->io->peer_cert_der(lc, ch->tls_h, der, CHAN_SCRATCH);
	if (n <= 0 || sha256_of(lc, der, (size_t)n, ch->hs->peer_cert_sha256) != 0) {
		chan_fail(lc, ch, IPC_CHAN_CLOSE_TLS_ERROR);
		return;
	}
	send_versions(lc, ch);
}

static void
tls_readable(struct dp_lcore *lc, uint32_t h, void *ctx)
{
	RTE_SET_USED(h);
	chan_rx(lc, ctx);
}

static void
tls_writable(struct dp_lcore *lc, uint32_t h, void *ctx)
{
	struct dp_chan_lcore *cl = lc->chan;
	struct chan *ch = ctx;

	RTE_SET_USED(h);
	if (ch != NULL && ch->state == IPC_CHAN_STATE_OPEN && cl->cell_ops.writable != NULL)
		cl->cell_ops.writable(lc, chan_handle(lc, cl, ch));
}

static void
tls_closed(struct dp_lcore *lc, uint32_t h, void *ctx, enum dp_tls_close_reason reason)
{
	struct dp_chan_lcore *cl = lc->chan;
	struct chan *ch = ctx;

	RTE_SET_USED(h);
	if (ch == NULL || ch->state == IPC_CHAN_STATE_FREE)
		return;
	if (ch->state != IPC_CHAN_STATE_CLOSING)
		chan_set_closing(lc, ch, chan_reason_from_tls(reason));
	ipc_ctr_add(lc->ctr, DP_CTR_chan_close_none + ch->close_reason, 1);
	if (ch->open_req != 0)
		chan_status_reply(lc, ch->open_req, chan_handle(lc, cl, ch), -ECONNABORTED, ch);
	if (cl->cell_ops.closed != NULL)
		cl->cell_ops.closed(lc, chan_handle(lc, cl, ch), ch->close_reason);
	chan_free(lc, ch);
}

static const struct dp_tls_app_ops chan_tls_ops = {
	.accepted = tls_accepted,
	.handshake_done = tls_handshake_done,
	.readable = tls_readable,
	.writable = tls_writable,
	.closed = tls_closed,
};

const struct chan_io chan_io_tls = {
	.read = dp_tls_read,
	.write = dp_tls_write,
	.close = dp_tls_close,
	.abort = dp_tls_abort,
	.export_km = dp_tls_export_keying_material,
	.peer_cert_der = dp_tls_peer_cert_der,
	.own_cert_der = dp_tls_own_cert_der,
};

const struct dp_tls_app_ops *
chan_tls_app_ops(void)
{
	return &chan_tls_ops;
}

/* ---- public API ---- */

void
dp_chan_conf_default(struct dp_chan_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->max_chans = 4096;
	c->max_hs = 256;
	c->hs_timeout_us = 30u * 1000000u;
}

int
dp_chan_create(struct dp_lcore *lc, const struct dp_chan_conf *conf)
{
	struct dp_chan_lcore *cl;
	struct timespec ts;
	int rc;

	if (lc->chan != NULL)
		return -EEXIST;
	if (dp_tls_libctx(lc) == NULL)
		return -ENODEV;
	if (conf->max_chans == 0 || conf->max_chans > DP_CHAN_MAX || conf->max_hs == 0 ||
	    conf->max_hs > conf->max_chans || conf->hs_timeout_us == 0)
		return -EINVAL;
	cl = rte_zmalloc("dp_chan", sizeof(*cl), RTE_CACHE_LINE_SIZE);
	if (cl == NULL)
		return -ENOMEM;
	cl->conf = *conf;
	cl->io = &chan_io_tls;
	lc->chan = cl;
	cl->chans = rte_zmalloc("dp_chans", sizeof(*cl->chans) * conf->max_chans,
				RTE_CACHE_LINE_SIZE);
	cl->hs = rte_zmalloc("dp_chan_hs", sizeof(*cl->hs) * conf->max_hs, RTE_CACHE_LINE_SIZE);
	cl->sha256 = EVP_MD_fetch(dp_tls_libctx(lc), "SHA256", NULL);
	cl->kicks = rte_zmalloc("dp_chan_kicks", sizeof(*cl->kicks) * 2 * conf->max_chans,
				RTE_CACHE_LINE_SIZE);
	cl->pub = rte_zmalloc("dp_chan_pub", sizeof(*cl->pub) * conf->max_chans,
			      RTE_CACHE_LINE_SIZE);
	cl->bw_wait = rte_zmalloc("dp_chan_bw_wait", sizeof(*cl->bw_wait) * conf->max_chans,
				  RTE_CACHE_LINE_SIZE);
	if (cl->chans == NULL || cl->hs == NULL || cl->sha256 == NULL || cl->kicks == NULL ||
	    cl->pub == NULL || cl->bw_wait == NULL ||
	    dp_u64map_init(&cl->idmap, conf->max_chans, (int)rte_socket_id()) != 0) {
		dp_chan_destroy(lc);
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < conf->max_chans; i++) {
		cl->chans[i].next_free = i + 1 < conf->max_chans ? i + 1 : UINT32_MAX;
		cl->chans[i].gen = 1;
	}
	cl->free_head = 0;
	for (uint32_t i = 0; i < conf->max_hs; i++) {
		cl->hs[i].next_free = i + 1 < conf->max_hs ? i + 1 : UINT32_MAX;
		cl->hs[i].dig_tx = EVP_MD_CTX_new();
		cl->hs[i].dig_rx = EVP_MD_CTX_new();
		if (cl->hs[i].dig_tx == NULL || cl->hs[i].dig_rx == NULL) {
			dp_chan_destroy(lc);
			return -ENOMEM;
		}
	}
	cl->hs_free = 0;
	chan_bw_setup(lc, cl, conf->bw_rate, conf->bw_burst);
	/* NETINFO carries the wall clock; the lcore has only now_us (no syscalls). */
	clock_gettime(CLOCK_REALTIME, &ts);
	cl->wall_base_us = (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u - lc->now_us;
	if (conf->orport != 0) {
		rc = dp_tls_accept_on(lc, conf->orport, &chan_tls_ops, NULL);
		if (rc != 0) {
			dp_chan_destroy(lc);
			return rc;
		}
	}
	return 0;
}

void
dp_chan_destroy(struct dp_lcore *lc)
{
	struct dp_chan_lcore *cl = lc->chan;

	if (cl == NULL)
		return;
	if (cl->conf.orport != 0)
		dp_tls_unlisten(lc, cl->conf.orport);
	if (cl->hs != NULL) {
		for (uint32_t i = 0; i < cl->conf.max_hs; i++) {
			EVP_MD_CTX_free(cl->hs[i].dig_tx);
			EVP_MD_CTX_free(cl->hs[i].dig_rx);
		}
		OPENSSL_cleanse(cl->hs, sizeof(*cl->hs) * cl->conf.max_hs);
	}
	EVP_MD_free(cl->sha256);
	OPENSSL_cleanse(&cl->stage, sizeof(cl->stage));
	rte_free(cl->hs);
	rte_free(cl->chans);
	rte_free(cl->kicks);
	rte_free(cl->bw_wait);
	rte_free((void *)(uintptr_t)cl->pub);
	dp_u64map_fini(&cl->idmap);
	rte_free(cl);
	lc->chan = NULL;
}

uint32_t
dp_chan_max(const struct dp_lcore *lc)
{
	return lc->chan != NULL ? lc->chan->conf.max_chans : 0;
}

void
dp_chan_set_cell_ops(struct dp_lcore *lc, const struct dp_chan_cell_ops *ops)
{
	if (lc->chan == NULL)
		return;
	if (ops != NULL)
		lc->chan->cell_ops = *ops;
	else
		memset(&lc->chan->cell_ops, 0, sizeof(lc->chan->cell_ops));
}

bool
dp_chan_has_creds(struct dp_lcore *lc)
{
	return lc->chan != NULL && lc->chan->creds.installed;
}

int
dp_chan_open(struct dp_lcore *lc, uint32_t addr, uint16_t port, const uint8_t rsa_id[20],
	     const uint8_t *ed_id, uint32_t req_id, uint32_t *handle)
{
	struct dp_chan_lcore *cl = lc->chan;
	struct chan *ch;
	int rc;

	if (cl == NULL)
		return -ENODEV;
	if (!cl->creds.installed)
		return -ENOENT;
	ch = chan_alloc(lc, IPC_ROLE_INITIATOR);
	if (ch == NULL)
		return -ENOMEM;
	memcpy(ch->hs->expect_rsa, rsa_id, 20);
	if (ed_id != NULL) {
		memcpy(ch->hs->expect_ed, ed_id, 32);
		ch->hs->flags |= HS_EXPECT_ED;
	}
	ch->peer_addr = addr;
	ch->peer_port = port;
	rc = dp_tls_connect(lc, addr, port, &chan_tls_ops, ch, &ch->tls_h);
	if (rc != 0) {
		DP_CTR_ADD(lc, chan_handshaking, (uint64_t)-1);
		chan_free(lc, ch);
		return rc;
	}
	chan_fill_addrs(lc, ch);
	ch->open_req = req_id;
	idmap_add(lc, ch, rsa_id);
	DP_CTR_INC(lc, chan_connects);
	*handle = chan_handle(lc, cl, ch);
	return 0;
}

int
dp_chan_close(struct dp_lcore *lc, uint32_t handle)
{
	struct chan *ch = chan_lookup(lc, handle);

	if (ch == NULL)
		return -EBADF;
	chan_fail(lc, ch, IPC_CHAN_CLOSE_LOCAL);
	return 0;
}

int
dp_chan_send_cell(struct dp_lcore *lc, uint32_t handle, const uint8_t *cell)
{
	struct chan *ch = chan_lookup(lc, handle);
	int w;

	if (ch == NULL)
		return -EBADF;
	if (ch->state != IPC_CHAN_STATE_OPEN)
		return -ENOTCONN;
	if (dp_tls_write_space(lc, ch->tls_h) < WIRE_CELL_LEN)
		return -EAGAIN;
	w = dp_tls_write(lc, ch->tls_h, cell, WIRE_CELL_LEN);
	if (w != WIRE_CELL_LEN) {
		chan_fail(lc, ch, IPC_CHAN_CLOSE_TLS_ERROR);
		return -ENOTCONN;
	}
	ch->tx_cells++;
	lc->chan->bw_wr -= lc->chan->bw_rate != 0 ? WIRE_CELL_LEN : 0;
	DP_CTR_INC(lc, chan_cells_tx);
	chan_count_tx(lc, cell[CHAN_FIXED_CMD_OFF]);
	return 0;
}

int
dp_chan_send_cells(struct dp_lcore *lc, uint32_t handle, const uint8_t *cells, uint32_t n)
{
	struct chan *ch = chan_lookup(lc, handle);
	uint32_t len = n * WIRE_CELL_LEN;
	int w;

	if (ch == NULL)
		return -EBADF;
	if (ch->state != IPC_CHAN_STATE_OPEN)
		return -ENOTCONN;
	if (n == 0)
		return 0;
	if (dp_tls_write_space(lc, ch->tls_h) < len)
		return -EAGAIN;
	w = dp_tls_write(lc, ch->tls_h, cells, len);
	if (w != (int)len) {
		/* write_space() promised all of it: anything else is a dead session. */
		chan_fail(lc, ch, IPC_CHAN_CLOSE_TLS_ERROR);
		return -ENOTCONN;
	}
	ch->tx_cells += n;
	lc->chan->bw_wr -= lc->chan->bw_rate != 0 ? (int64_t)len : 0;
	DP_CTR_ADD(lc, chan_cells_tx, n);
	for (uint32_t i = 0; i < n; i++) /* bounded by the caller's batch */
		chan_count_tx(lc, cells[i * WIRE_CELL_LEN + CHAN_FIXED_CMD_OFF]);
	return 0;
}

uint32_t
dp_chan_sendable_cells(struct dp_lcore *lc, uint32_t handle)
{
	struct chan *ch = chan_lookup(lc, handle);

	uint32_t n;

	if (ch == NULL || ch->state != IPC_CHAN_STATE_OPEN)
		return 0;
	n = dp_tls_writable_bytes(lc, ch->tls_h) / WIRE_CELL_LEN;
	if (lc->chan->bw_rate != 0) {
		int64_t tok = lc->chan->bw_wr > 0 ? lc->chan->bw_wr / WIRE_CELL_LEN : 0;

		if ((int64_t)n > tok) {
			n = (uint32_t)tok;
			DP_CTR_INC(lc, chan_bw_write_waits);
		}
	}
	return n;
}

uint32_t
dp_chan_write_space_cells(struct dp_lcore *lc, uint32_t handle)
{
	struct chan *ch = chan_lookup(lc, handle);

	if (ch == NULL || ch->state != IPC_CHAN_STATE_OPEN)
		return 0;
	return dp_tls_write_space(lc, ch->tls_h) / WIRE_CELL_LEN;
}

int
dp_chan_set_paused(struct dp_lcore *lc, uint32_t handle, bool paused)
{
	struct dp_chan_lcore *cl = lc->chan;
	struct chan *ch = chan_lookup(lc, handle);

	if (ch == NULL)
		return -EBADF;
	if (paused) {
		ch->paused = 1;
		return 0;
	}
	if (!ch->paused)
		return 0;
	ch->paused = 0;
	/* Bytes may wait in TLS with no new `readable` to come: read them from
	 * the loop. */
	chan_kick(lc, cl, ch);
	return 0;
}

int
dp_chan_set_bw(struct dp_lcore *lc, uint64_t rate, uint64_t burst)
{
	struct dp_chan_lcore *cl = lc->chan;

	if (cl == NULL)
		return -ENODEV;
	if (rate > IPC_CONF_BANDWIDTH_MAX || burst > IPC_CONF_BANDWIDTH_MAX)
		return -EINVAL;
	chan_bw_setup(lc, cl, rate, burst);
	if (cl->bw_rate != 0)
		return 0;
	/* No limit any more: nothing refills, so wake the readers that waited.
	 * Bounded: at most max_chans entries. */
	while (cl->bw_wait_n > 0) {
		struct chan *ch = chan_lookup(lc, cl->bw_wait[--cl->bw_wait_n]);

		if (ch == NULL || !ch->bw_waiting)
			continue;
		ch->bw_waiting = 0;
		chan_kick(lc, cl, ch);
	}
	return 0;
}

void
dp_chan_bw(const struct dp_lcore *lc, uint64_t *rate, uint64_t *burst)
{
	*rate = lc->chan != NULL ? lc->chan->bw_rate : 0;
	*burst = lc->chan != NULL ? lc->chan->bw_burst : 0;
}

void
dp_chan_run_kicks(struct dp_lcore *lc)
{
	struct dp_chan_lcore *cl = lc->chan;
	uint32_t budget = 64;

	if (cl == NULL)
		return;
	chan_bw_refill(lc, cl);
	while (cl->kick_head != cl->kick_tail && budget-- > 0) {
		uint32_t h = cl->kicks[cl->kick_head % (2 * cl->conf.max_chans)];
		struct chan *ch;

		cl->kick_head++;
		ch = chan_lookup(lc, h);
		if (ch == NULL)
			continue;
		ch->kicked = 0;
		if (ch->state == IPC_CHAN_STATE_OPEN)
			chan_rx(lc, ch);
	}
}

int
dp_chan_find_id(struct dp_lcore *lc, const uint8_t rsa_id[20], const uint8_t *ed_id,
		uint32_t *handle)
{
	struct dp_chan_lcore *cl = lc->chan;
	struct chan *ch;
	uint32_t h;

	if (cl == NULL)
		return -ENOENT;
	h = dp_u64map_get(&cl->idmap, id_key(rsa_id));
	ch = h != 0 ? chan_lookup(lc, h) : NULL;
	if (ch == NULL)
		return -ENOENT;
	if (ch->state == IPC_CHAN_STATE_OPEN) {
		if (!(ch->flags & IPC_CHAN_F_AUTHENTICATED) || memcmp(ch->peer_rsa, rsa_id, 20) != 0)
			return -ENOENT;
		if (ed_id != NULL && memcmp(ch->peer_ed, ed_id, 32) != 0)
			return -ENOENT;
		*handle = h;
		return 1;
	}
	if (ch->state == IPC_CHAN_STATE_CLOSING || ch->hs == NULL ||
	    ch->role != IPC_ROLE_INITIATOR || memcmp(ch->hs->expect_rsa, rsa_id, 20) != 0)
		return -ENOENT;
	if (ed_id != NULL && (!(ch->hs->flags & HS_EXPECT_ED) ||
			      memcmp(ch->hs->expect_ed, ed_id, 32) != 0))
		return -ENOENT;
	*handle = h;
	return 0;
}

int
dp_chan_find_pub(const struct dp_lcore *other, const uint8_t rsa_id[20], uint32_t *handle)
{
	const struct dp_chan_lcore *cl = other->chan;
	uint64_t want;

	if (cl == NULL || cl->pub == NULL)
		return -ENOENT;
	want = pub_entry(rsa_id, 0) >> 8;
	for (uint32_t i = 0; i < cl->conf.max_chans; i++) {
		uint64_t v = atomic_load_explicit(&cl->pub[i], memory_order_acquire);

		if (v != 0 && v >> 8 == want) {
			*handle = (other->idx & 0x7fu) << 25 | i << 8 | (uint32_t)(v & 0xffu);
			return 0;
		}
	}
	return -ENOENT;
}

int
dp_chan_peer(struct dp_lcore *lc, uint32_t handle, uint8_t *rsa_id, uint8_t *ed_id,
	     bool *we_initiated)
{
	struct chan *ch = chan_lookup(lc, handle);

	if (ch == NULL)
		return -EBADF;
	if (ch->state != IPC_CHAN_STATE_OPEN)
		return -ENOTCONN;
	if (rsa_id != NULL)
		memcpy(rsa_id, ch->peer_rsa, 20);
	if (ed_id != NULL)
		memcpy(ed_id, ch->peer_ed, 32);
	if (we_initiated != NULL)
		*we_initiated = ch->role == IPC_ROLE_INITIATOR;
	return (ch->flags & IPC_CHAN_F_AUTHENTICATED) ? 1 : 0;
}

int
dp_chan_own_ids(struct dp_lcore *lc, uint8_t *rsa_id, uint8_t *ed_id)
{
	struct dp_chan_lcore *cl = lc->chan;

	if (cl == NULL || !cl->creds.installed)
		return -ENOENT;
	if (rsa_id != NULL)
		memcpy(rsa_id, cl->creds.rsa_id_sha1, 20);
	if (ed_id != NULL)
		memcpy(ed_id, cl->creds.ed_id, 32);
	return 0;
}

int
dp_chan_info(struct dp_lcore *lc, uint32_t handle, struct ipc_msg_chan_info *out)
{
	struct chan *ch = chan_lookup(lc, handle);
	struct dp_tls_info ti;

	if (ch == NULL)
		return -EBADF;
	memset((uint8_t *)out + sizeof(out->hdr), 0, sizeof(*out) - sizeof(out->hdr));
	out->chan = handle;
	out->state = ch->state;
	out->role = ch->role;
	out->link_proto = ch->link_proto;
	out->peer_addr = ch->peer_addr;
	out->peer_port = ch->peer_port;
	out->local_port = ch->local_port;
	out->flags = ch->flags;
	if (ch->flags & IPC_CHAN_F_AUTHENTICATED) {
		memcpy(out->rsa_id_sha1, ch->peer_rsa, sizeof(out->rsa_id_sha1));
		memcpy(out->ed_id, ch->peer_ed, sizeof(out->ed_id));
	}
	out->age_ms = (uint32_t)RTE_MIN((lc->now_us - ch->created_us) / 1000u, UINT32_MAX);
	if (dp_tls_info(lc, ch->tls_h, &ti) == 0) {
		out->tls_version = ti.version;
		out->rx_bytes = ti.rx_bytes;
		out->tx_bytes = ti.tx_bytes;
	}
	out->rx_cells = ch->rx_cells;
	out->tx_cells = ch->tx_cells;
	return 0;
}

uint32_t
dp_chan_poll(struct dp_lcore *lc)
{
	struct dp_chan_lcore *cl = lc->chan;
	uint32_t closed = 0;

	if (cl == NULL || cl->n_used == 0)
		return 0;
	for (uint32_t i = 0; i < CHAN_EXPIRE_SCAN && i < cl->conf.max_chans; i++) {
		struct chan *ch = &cl->chans[cl->expire_cursor];

		cl->expire_cursor = cl->expire_cursor + 1 < cl->conf.max_chans
					    ? cl->expire_cursor + 1
					    : 0;
		if (ch->state >= IPC_CHAN_STATE_TLS && ch->state <= IPC_CHAN_STATE_HANDSHAKE &&
		    (int64_t)(lc->now_us - ch->deadline_us) >= 0) {
			chan_fail(lc, ch, IPC_CHAN_CLOSE_HS_TIMEOUT);
			closed++;
		}
	}
	return closed;
}

/* ---- control-plane messages ---- */

/* The channel a verdict is for, if it still waits for exactly that verdict. */
static struct chan *
verdict_chan(struct dp_lcore *lc, uint32_t handle, uint32_t req_id, uint8_t wait)
{
	struct chan *ch = chan_lookup(lc, handle);

	if (ch == NULL || ch->hs == NULL || ch->state != IPC_CHAN_STATE_HANDSHAKE ||
	    ch->hs->wait != wait || ch->hs->seq != req_id) {
		DP_CTR_INC(lc, chan_cp_stale);
		return NULL;
	}
	ch->hs->wait = CHAN_WAIT_NONE;
	return ch;
}

static void
on_certs_result(struct dp_lcore *lc, const struct ipc_msg_chan_certs_result *m)
{
	struct dp_chan_lcore *cl = lc->chan;
	struct chan *ch = verdict_chan(lc, m->chan, m->hdr.req_id, CHAN_WAIT_CERTS);
	struct chan_hs *hs;

	if (ch == NULL)
		return;
	hs = ch->hs;
	if (m->status != 0) {
		ch->cert_err = (uint8_t)RTE_MIN((uint32_t)m->status, 255u);
		chan_fail(lc, ch, IPC_CHAN_CLOSE_CERTS);
		return;
	}
	memcpy(ch->peer_rsa, m->rsa_id_sha1, 20);
	memcpy(ch->peer_ed, m->ed_id, 32);
	/* A peer claiming our own identity is us (or a copy of our keys). */
	if (memcmp(m->rsa_id_sha1, cl->creds.rsa_id_sha1, 20) == 0 ||
	    (ch->role == IPC_ROLE_INITIATOR &&
	     (memcmp(m->rsa_id_sha1, hs->expect_rsa, 20) != 0 ||
	      ((hs->flags & HS_EXPECT_ED) && memcmp(m->ed_id, hs->expect_ed, 32) != 0)))) {
		chan_fail(lc, ch, IPC_CHAN_CLOSE_IDENTITY);
		return;
	}
	memcpy(hs->peer_rsa_sha256, m->rsa_id_sha256, 32);
	memcpy(hs->peer_ed_auth, m->ed_auth, 32);
	hs->flags |= HS_GOT_CERTS;
	chan_rx(lc, ch);
}

static void
on_auth_signed(struct dp_lcore *lc, const struct ipc_msg_chan_auth_signed *m)
{
	struct chan *ch = verdict_chan(lc, m->chan, m->hdr.req_id, CHAN_WAIT_AUTH_SIGN);

	if (ch == NULL)
		return;
	if (m->status != 0 || m->payload_len != IPC_AUTH3_PAYLOAD_LEN) {
		chan_fail(lc, ch, IPC_CHAN_CLOSE_CP);
		return;
	}
	if (send_var(lc, ch, WIRE_CELL_CMD_AUTHENTICATE, m->payload, m->payload_len) != 0)
		return;
	ch->hs->flags |= HS_AUTH_SENT;
	chan_rx(lc, ch);
}

static void
on_auth_result(struct dp_lcore *lc, const struct ipc_msg_chan_auth_result *m)
{
	struct chan *ch = verdict_chan(lc, m->chan, m->hdr.req_id, CHAN_WAIT_AUTH_VERIFY);

	if (ch == NULL)
		return;
	if (m->status != 0) {
		ch->cert_err = (uint8_t)RTE_MIN((uint32_t)m->status, 255u);
		chan_fail(lc, ch, IPC_CHAN_CLOSE_AUTH);
		return;
	}
	ch->hs->flags |= HS_AUTH_OK;
	chan_rx(lc, ch);
}

static void
on_blob_chunk(struct dp_lcore *lc, const struct ipc_msg_blob_chunk *m)
{
	struct chan_stage *st = &lc->chan->stage;
	uint32_t b = m->blob_id;

	if (b == 0 || b >= IPC_BLOB_COUNT || m->total_len == 0 || m->total_len > IPC_BLOB_MAX ||
	    m->chunk_len == 0 || m->chunk_len > IPC_BLOB_CHUNK_DATA || m->chunk_len > m->total_len ||
	    m->offset > m->total_len - m->chunk_len) {
		st->bad = 1;
		DP_CTR_INC(lc, chan_blob_bad);
		return;
	}
	if (m->offset == 0) {
		if (m->gen != st->gen) {
			/* A new generation: forget what was staged for the old one. */
			OPENSSL_cleanse(st->len, sizeof(st->len));
			memset(st->total, 0, sizeof(st->total));
			st->gen = m->gen;
			st->bad = 0;
		}
		st->total[b] = m->total_len;
		st->len[b] = 0;
	}
	if (m->gen != st->gen || m->total_len != st->total[b] || m->offset != st->len[b]) {
		st->bad = 1;
		DP_CTR_INC(lc, chan_blob_bad);
		return;
	}
	memcpy(st->data[b] + m->offset, m->data, m->chunk_len);
	st->len[b] += m->chunk_len;
}

static void
on_link_install(struct dp_lcore *lc, const struct ipc_msg_link_install *m)
{
	struct dp_chan_lcore *cl = lc->chan;
	struct chan_stage *st = &cl->stage;
	struct chan_creds *cr = &cl->creds;
	struct ipc_msg_link_installed r;
	int rc = 0;

	memset(&r, 0, sizeof(r));
	ipc_hdr_init(&r.hdr, IPC_MSG_LINK_INSTALLED, sizeof(r), m->hdr.req_id);
	r.gen = m->gen;
	if (st->bad || st->gen != m->gen)
		rc = -EINVAL;
	for (uint32_t b = 1; rc == 0 && b < IPC_BLOB_COUNT; b++) {
		if (st->total[b] == 0 || st->len[b] != st->total[b]) {
			rc = -EINVAL;
			r.failed_blob = b;
		}
	}
	if (rc == 0) {
		rc = dp_tls_set_cert(lc, st->data[IPC_BLOB_LINK_KEY], st->len[IPC_BLOB_LINK_KEY],
				     st->data[IPC_BLOB_LINK_CERT], st->len[IPC_BLOB_LINK_CERT],
				     st->data[IPC_BLOB_ID_CERT], st->len[IPC_BLOB_ID_CERT]);
		if (rc != 0)
			r.failed_blob = IPC_BLOB_LINK_KEY;
	}
	if (rc == 0) {
		memcpy(cr->certs_resp, st->data[IPC_BLOB_CERTS_RESP], st->len[IPC_BLOB_CERTS_RESP]);
		cr->certs_resp_len = st->len[IPC_BLOB_CERTS_RESP];
		memcpy(cr->certs_init, st->data[IPC_BLOB_CERTS_INIT], st->len[IPC_BLOB_CERTS_INIT]);
		cr->certs_init_len = st->len[IPC_BLOB_CERTS_INIT];
		memcpy(cr->rsa_id_sha1, m->rsa_id_sha1, sizeof(cr->rsa_id_sha1));
		memcpy(cr->rsa_id_sha256, m->rsa_id_sha256, sizeof(cr->rsa_id_sha256));
		memcpy(cr->ed_id, m->ed_id, sizeof(cr->ed_id));
		cr->netinfo_addr = m->netinfo_addr;
		cr->gen = m->gen;
		cr->installed = 1;
		DP_CTR_INC(lc, chan_link_installs);
	} else {
		DP_CTR_INC(lc, chan_blob_bad);
	}
	/* The key never stays in staging, whatever happened. */
	OPENSSL_cleanse(st->data[IPC_BLOB_LINK_KEY], sizeof(st->data[IPC_BLOB_LINK_KEY]));
	memset(st->len, 0, sizeof(st->len));
	memset(st->total, 0, sizeof(st->total));
	st->bad = 0;
	r.status = rc;
	chan_evt(lc, &r, sizeof(r));
}

static void
on_chan_open(struct dp_lcore *lc, const struct ipc_msg_chan_open *m)
{
	uint32_t h = 0;
	int rc;

	if (m->addr == 0 || m->port == 0) {
		chan_status_reply(lc, m->hdr.req_id, 0, -EINVAL, NULL);
		return;
	}
	rc = dp_chan_open(lc, m->addr, m->port, m->rsa_id_sha1,
			  (m->flags & IPC_CHAN_OPEN_F_ED) ? m->ed_id : NULL, m->hdr.req_id, &h);
	if (rc != 0)
		chan_status_reply(lc, m->hdr.req_id, 0, rc, NULL);
}

static void
on_chan_close(struct dp_lcore *lc, const struct ipc_msg_chan_close *m)
{
	struct chan *ch = chan_lookup(lc, m->chan);

	if (ch == NULL) {
		chan_status_reply(lc, m->hdr.req_id, m->chan, -EBADF, NULL);
		return;
	}
	chan_fail(lc, ch, IPC_CHAN_CLOSE_LOCAL);
	chan_status_reply(lc, m->hdr.req_id, m->chan, 0, ch);
}

/* CHAN_LIST: up to @c max CHAN_INFO then CHAN_LIST_END, as the event ring allows. */
static void
on_chan_list(struct dp_lcore *lc, const struct ipc_msg_chan_list *m)
{
	struct dp_chan_lcore *cl = lc->chan;
	struct ipc_msg_chan_list_end end;
	uint32_t max = RTE_MIN(m->max, IPC_CHAN_LIST_MAX), idx, room, i = m->cursor, count = 0;

	room = ipc_ring_prod_reserve(&lc->evt, max + 1, &idx);
	if (room == 0) {
		ipc_ring_prod_count_full(&lc->evt, 1);
		DP_CTR_INC(lc, ipc_evt_full);
		return;
	}
	for (; cl != NULL && i < cl->conf.max_chans && count + 1 < room && count < max; i++) {
		struct chan *ch = &cl->chans[i];
		struct ipc_msg_chan_info *info;

		if (ch->state == IPC_CHAN_STATE_FREE)
			continue;
		info = ipc_ring_prod_slot(&lc->evt, idx + count);
		memset(info, 0, lc->evt.slot_size);
		ipc_hdr_init(&info->hdr, IPC_MSG_CHAN_INFO, sizeof(*info), m->hdr.req_id);
		dp_chan_info(lc, chan_handle(lc, cl, ch), info);
		count++;
	}
	memset(&end, 0, sizeof(end));
	ipc_hdr_init(&end.hdr, IPC_MSG_CHAN_LIST_END, sizeof(end), m->hdr.req_id);
	end.count = count;
	end.next = cl != NULL && i < cl->conf.max_chans ? i : 0;
	end.total = cl != NULL ? cl->n_used : 0;
	{
		uint8_t *slot = ipc_ring_prod_slot(&lc->evt, idx + count);

		memset(slot, 0, lc->evt.slot_size);
		memcpy(slot, &end, sizeof(end));
	}
	ipc_ring_prod_submit(&lc->evt, count + 1);
	DP_CTR_ADD(lc, ipc_evt_tx, count + 1);
}

void
dp_chan_ctl_msg(struct dp_lcore *lc, const struct ipc_hdr *msg)
{
	if (lc->chan == NULL) {
		/* An lcore without network has no channels: answer what expects an answer. */
		if (msg->type == IPC_MSG_LINK_INSTALL) {
			struct ipc_msg_link_installed r;

			memset(&r, 0, sizeof(r));
			ipc_hdr_init(&r.hdr, IPC_MSG_LINK_INSTALLED, sizeof(r), msg->req_id);
			r.gen = ((const struct ipc_msg_link_install *)msg)->gen;
			r.status = -ENODEV;
			chan_evt(lc, &r, sizeof(r));
		} else if (msg->type == IPC_MSG_CHAN_OPEN || msg->type == IPC_MSG_CHAN_CLOSE) {
			chan_status_reply(lc, msg->req_id, 0, -ENODEV, NULL);
		} else if (msg->type == IPC_MSG_CHAN_LIST) {
			on_chan_list(lc, (const struct ipc_msg_chan_list *)msg);
		}
		return;
	}
	switch (msg->type) {
	case IPC_MSG_BLOB_CHUNK:
		on_blob_chunk(lc, (const struct ipc_msg_blob_chunk *)msg);
		break;
	case IPC_MSG_LINK_INSTALL:
		on_link_install(lc, (const struct ipc_msg_link_install *)msg);
		break;
	case IPC_MSG_CHAN_CERTS_RESULT:
		on_certs_result(lc, (const struct ipc_msg_chan_certs_result *)msg);
		break;
	case IPC_MSG_CHAN_AUTH_SIGNED:
		on_auth_signed(lc, (const struct ipc_msg_chan_auth_signed *)msg);
		break;
	case IPC_MSG_CHAN_AUTH_RESULT:
		on_auth_result(lc, (const struct ipc_msg_chan_auth_result *)msg);
		break;
	case IPC_MSG_CHAN_OPEN:
		on_chan_open(lc, (const struct ipc_msg_chan_open *)msg);
		break;
	case IPC_MSG_CHAN_CLOSE:
		on_chan_close(lc, (const struct ipc_msg_chan_close *)msg);
		break;
	case IPC_MSG_CHAN_LIST:
		on_chan_list(lc, (const struct ipc_msg_chan_list *)msg);
		break;
	default:
		break;
	}
}
