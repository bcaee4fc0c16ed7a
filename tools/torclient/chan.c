/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief chive-torclient channels: TLS over a kernel socket and tor's link handshake.
 *
 * tor-spec.txt §3 (cells), §4 (link handshake: §4.1 VERSIONS, §4.2 CERTS,
 * §4.3 AUTH_CHALLENGE, §4.4 AUTHENTICATE, §4.5 NETINFO), §5.1.1 (circuit
 * ids); relay-checklist §B and §0.7 for what tor 0.4.9 sends and checks.
 * The same sequence as Chive's dataplane (dataplane/cell/chan.c), with the
 * control plane's functions called directly instead of over the rings:
 *
 * - **Initiator** (the client): VERSIONS [4,5]; the responder's CERTS is
 *   verified with cp_linkcerts_verify() against the SHA-256 of the TLS
 *   certificate it presented, and the identities it proves must be the
 *   ones expected; AUTH_CHALLENGE is read and not answered (a client does
 *   not authenticate); after the responder's NETINFO we send ours (time 0,
 *   no address of our own, relay-checklist B9) and the channel is open.
 * - **Responder** (the echo endpoint): on VERSIONS we send VERSIONS, CERTS
 *   (types 1, 2, 4, 5, 7 from cp_linkcreds), AUTH_CHALLENGE (method 3),
 *   NETINFO (B5). SLOG is the SHA-256 of what we sent before NETINFO,
 *   CLOG of what we received before AUTHENTICATE (P-B2). An initiator that
 *   sends CERTS must then send an AUTHENTICATE that cp_auth3_verify()
 *   accepts, with TLSSECRETS exported with context CID (P-B1); a client
 *   sends neither and goes straight to NETINFO.
 *
 * I/O is non-blocking: tc_chan_service() does what it can and returns. The
 * receive buffer holds one largest variable cell; the send queue is
 * bounded (TC_CHAN_TX_CAP) and senders check tc_chan_tx_room() first.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "common/wire/wire_link.h"
#include "controlplane/certs/x509.h"
#include "tools/torclient/tc.h"

/** Link versions we offer: 4 and 5 (4-byte circuit ids; tor-spec.txt §4.1). */
static const uint16_t our_versions[] = {4, 5};

static const char *const state_names[] = {
	[TC_CHAN_STATE_CONNECTING] = "connecting",
	[TC_CHAN_STATE_TLS] = "TLS",
	[TC_CHAN_STATE_VERSIONS] = "VERSIONS",
	[TC_CHAN_STATE_HANDSHAKE] = "handshake",
	[TC_CHAN_STATE_OPEN] = "open",
	[TC_CHAN_STATE_CLOSED] = "closed",
};

static const char *
cmd_name(uint8_t cmd)
{
	switch (cmd) {
	case WIRE_CELL_CMD_PADDING:
		return "PADDING";
	case WIRE_CELL_CMD_CREATE:
		return "CREATE";
	case WIRE_CELL_CMD_CREATED:
		return "CREATED";
	case WIRE_CELL_CMD_RELAY:
		return "RELAY";
	case WIRE_CELL_CMD_DESTROY:
		return "DESTROY";
	case WIRE_CELL_CMD_CREATE_FAST:
		return "CREATE_FAST";
	case WIRE_CELL_CMD_CREATED_FAST:
		return "CREATED_FAST";
	case WIRE_CELL_CMD_VERSIONS:
		return "VERSIONS";
	case WIRE_CELL_CMD_NETINFO:
		return "NETINFO";
	case WIRE_CELL_CMD_RELAY_EARLY:
		return "RELAY_EARLY";
	case WIRE_CELL_CMD_CREATE2:
		return "CREATE2";
	case WIRE_CELL_CMD_CREATED2:
		return "CREATED2";
	case WIRE_CELL_CMD_PADDING_NEGOTIATE:
		return "PADDING_NEGOTIATE";
	case WIRE_CELL_CMD_VPADDING:
		return "VPADDING";
	case WIRE_CELL_CMD_CERTS:
		return "CERTS";
	case WIRE_CELL_CMD_AUTH_CHALLENGE:
		return "AUTH_CHALLENGE";
	case WIRE_CELL_CMD_AUTHENTICATE:
		return "AUTHENTICATE";
	case WIRE_CELL_CMD_AUTHORIZE:
		return "AUTHORIZE";
	default:
		return "unknown";
	}
}

/* ---- circuit map ---------------------------------------------------------- */

/*
 * Linear probing. A slot is empty when ids[i] == 0 and deleted when
 * ids[i] != 0 and vals[i] == NULL (so no circuit id value is reserved).
 * At most half the slots are used or deleted; a rehash leaves at most a
 * quarter used.
 */
static uint32_t
map_slot(uint32_t id, uint32_t mask)
{
	id *= 0x9e3779b1u;
	return (id ^ (id >> 15)) & mask;
}

static int
map_rehash(struct tc_circmap *m)
{
	uint32_t cap = 64, *ids;
	void **vals;

	while ((m->used + 1) * 4 > cap)
		cap *= 2;
	ids = calloc(cap, sizeof(*ids));
	vals = calloc(cap, sizeof(*vals));
	if (ids == NULL || vals == NULL) {
		free(ids);
		free(vals);
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < m->cap; i++) {
		uint32_t j;

		if (m->ids[i] == 0 || m->vals[i] == NULL)
			continue;
		for (j = map_slot(m->ids[i], cap - 1); ids[j] != 0; j = (j + 1) & (cap - 1))
			;
		ids[j] = m->ids[i];
		vals[j] = m->vals[i];
	}
	free(m->ids);
	free(m->vals);
	m->ids = ids;
	m->vals = vals;
	m->cap = cap;
	m->fill = m->used;
	return 0;
}

void *
tc_circmap_get(const struct tc_circmap *m, uint32_t id)
{
	if (m->cap == 0 || id == 0)
		return NULL;
	for (uint32_t i = map_slot(id, m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		if (m->ids[i] == id && m->vals[i] != NULL)
			return m->vals[i];
		if (m->ids[i] == 0)
			return NULL;
	}
}

int
tc_circmap_put(struct tc_circmap *m, uint32_t id, void *val)
{
	uint32_t i;

	if (id == 0 || val == NULL)
		return -EINVAL;
	if ((m->fill + 1) * 2 > m->cap && map_rehash(m) != 0)
		return -ENOMEM;
	for (i = map_slot(id, m->cap - 1); m->ids[i] != 0 && m->vals[i] != NULL;
	     i = (i + 1) & (m->cap - 1))
		;
	if (m->ids[i] == 0)
		m->fill++;
	m->ids[i] = id;
	m->vals[i] = val;
	m->used++;
	return 0;
}

void
tc_circmap_del(struct tc_circmap *m, uint32_t id)
{
	if (m->cap == 0 || id == 0)
		return;
	for (uint32_t i = map_slot(id, m->cap - 1); m->ids[i] != 0; i = (i + 1) & (m->cap - 1)) {
		if (m->ids[i] == id && m->vals[i] != NULL) {
			m->vals[i] = NULL;
			m->used--;
			return;
		}
	}
}

static void
map_free(struct tc_circmap *m)
{
	free(m->ids);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}

uint32_t
tc_chan_new_circ_id(struct tc_chan *ch, struct tc_rng *r)
{
	/* Bounded: with at most half the id space in use, 64 draws all failing is
	 * astronomically unlikely; the caller treats 0 as "no id". */
	for (int i = 0; i < 64; i++) {
		uint32_t id = (uint32_t)tc_rng_next(r);

		if (ch->role == TC_ROLE_INITIATOR)
			id |= UINT32_C(1) << 31;
		else
			id &= ~(UINT32_C(1) << 31);
		if (id != 0 && tc_circmap_get(&ch->circs, id) == NULL)
			return id;
	}
	return 0;
}

/* ---- lifetime -------------------------------------------------------------- */

void
tc_chan_close(struct tc_chan *ch, uint64_t now, const char *fmt, ...)
{
	va_list ap;

	if (ch->state == TC_CHAN_STATE_CLOSED)
		return;
	va_start(ap, fmt);
	vsnprintf(ch->why, sizeof(ch->why), fmt, ap);
	va_end(ap);
	tc_log(TC_LOG_INFO, "channel %s closed in state %s: %s", ch->name, state_names[ch->state],
	       ch->why);
	if (ch->ssl != NULL) {
		/* One non-blocking try at a close_notify, never after a fatal error
		 * (SSL_shutdown(3)). */
		if (!ch->tls_failed && SSL_is_init_finished(ch->ssl))
			SSL_shutdown(ch->ssl);
		SSL_free(ch->ssl);
		ch->ssl = NULL;
	}
	ERR_clear_error();
	if (ch->fd >= 0) {
		close(ch->fd);
		ch->fd = -1;
	}
	ch->state = TC_CHAN_STATE_CLOSED;
	ch->tx_off = ch->tx_len = 0;
	ch->rx_len = 0;
	if (ch->ops->closed != NULL)
		ch->ops->closed(ch, now);
}

void
tc_chan_free(struct tc_chan *ch)
{
	if (ch == NULL)
		return;
	if (ch->ssl != NULL)
		SSL_free(ch->ssl);
	if (ch->fd >= 0)
		close(ch->fd);
	EVP_MD_CTX_free(ch->dig_tx);
	EVP_MD_CTX_free(ch->dig_rx);
	OPENSSL_cleanse(ch->slog, sizeof(ch->slog));
	OPENSSL_cleanse(ch->clog, sizeof(ch->clog));
	map_free(&ch->circs);
	free(ch->rx);
	free(ch->tx);
	free(ch);
}

static struct tc_chan *
chan_new(SSL_CTX *ctx, int fd, uint8_t role, const struct tc_chan_ops *ops, void *owner,
	 uint64_t now)
{
	struct tc_chan *ch = calloc(1, sizeof(*ch));
	int one = 1;

	if (ch == NULL) {
		close(fd);
		return NULL;
	}
	ch->fd = fd;
	ch->role = role;
	ch->ops = ops;
	ch->owner = owner;
	ch->hs_deadline = now + TC_CHAN_HS_TIMEOUT_MS;
	ch->rx = malloc(TC_CHAN_RX_CAP);
	ch->tx = malloc(TC_CHAN_TX_CAP);
	ch->ssl = SSL_new(ctx);
	if (ch->rx == NULL || ch->tx == NULL || ch->ssl == NULL || SSL_set_fd(ch->ssl, fd) != 1) {
		tc_chan_free(ch);
		return NULL;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return ch;
}

struct tc_chan *
tc_chan_connect(SSL_CTX *ctx, const struct sockaddr_in *to, const uint8_t rsa_id[20],
		const uint8_t *ed_id, const struct tc_chan_ops *ops, void *owner, uint64_t now,
		char *err, size_t errlen)
{
	char sni[CP_X509_HOSTNAME_MAX];
	struct tc_chan *ch;
	socklen_t sl = sizeof(struct sockaddr_in);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return NULL;
	}
	ch = chan_new(ctx, fd, TC_ROLE_INITIATOR, ops, owner, now);
	if (ch == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	ch->peer = *to;
	tc_fmt_addr(to, ch->name, sizeof(ch->name));
	memcpy(ch->expect_rsa, rsa_id, 20);
	if (ed_id != NULL) {
		memcpy(ch->expect_ed, ed_id, 32);
		ch->expect_has_ed = true;
	}
	SSL_set_connect_state(ch->ssl);
	/* tor's ClientHello carries a random www.<rand>.com (relay-checklist §0.8). */
	if (cp_x509_random_hostname(sni, sizeof(sni), ".com") == 0)
		SSL_set_tlsext_host_name(ch->ssl, sni);
	if (connect(fd, (const struct sockaddr *)to, sizeof(*to)) == 0) {
		ch->state = TC_CHAN_STATE_TLS;
	} else if (errno == EINPROGRESS) {
		ch->state = TC_CHAN_STATE_CONNECTING;
	} else {
		snprintf(err, errlen, "connect to %s: %s", ch->name, strerror(errno));
		tc_chan_free(ch);
		return NULL;
	}
	getsockname(fd, (struct sockaddr *)&ch->local, &sl);
	return ch;
}

struct tc_chan *
tc_chan_accept(SSL_CTX *ctx, int fd, const struct cp_linkcreds *creds,
	       const struct tc_chan_ops *ops, void *owner, uint64_t now)
{
	struct tc_chan *ch = chan_new(ctx, fd, TC_ROLE_RESPONDER, ops, owner, now);
	socklen_t sl;

	if (ch == NULL)
		return NULL;
	ch->creds = creds;
	ch->dig_tx = EVP_MD_CTX_new();
	ch->dig_rx = EVP_MD_CTX_new();
	if (ch->dig_tx == NULL || ch->dig_rx == NULL) {
		tc_chan_free(ch);
		return NULL;
	}
	sl = sizeof(ch->peer);
	getpeername(fd, (struct sockaddr *)&ch->peer, &sl);
	sl = sizeof(ch->local);
	getsockname(fd, (struct sockaddr *)&ch->local, &sl);
	tc_fmt_addr(&ch->peer, ch->name, sizeof(ch->name));
	SSL_set_accept_state(ch->ssl);
	ch->state = TC_CHAN_STATE_TLS;
	return ch;
}

/* ---- sending ---------------------------------------------------------------- */

size_t
tc_chan_tx_pending(const struct tc_chan *ch)
{
	return ch->tx_len - ch->tx_off;
}

size_t
tc_chan_tx_room(const struct tc_chan *ch)
{
	if (ch->state == TC_CHAN_STATE_CLOSED)
		return 0;
	return TC_CHAN_TX_CAP - tc_chan_tx_pending(ch);
}

/* Queue @p an bytes of @p a then @p bn of @p b (one cell), hashing them while SLOG is open. */
static int
chan_queue(struct tc_chan *ch, const uint8_t *a, size_t an, const uint8_t *b, size_t bn)
{
	if (ch->state == TC_CHAN_STATE_CLOSED)
		return -EPIPE;
	if (an + bn > tc_chan_tx_room(ch))
		return -ENOBUFS;
	if (ch->tx_len + an + bn > TC_CHAN_TX_CAP) {
		/* Compact; SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER allows moving a pending write. */
		memmove(ch->tx, ch->tx + ch->tx_off, ch->tx_len - ch->tx_off);
		ch->tx_len -= ch->tx_off;
		ch->tx_off = 0;
	}
	if (ch->hs_flags & TC_HS_HASH_TX) {
		EVP_DigestUpdate(ch->dig_tx, a, an);
		if (bn != 0)
			EVP_DigestUpdate(ch->dig_tx, b, bn);
	}
	memcpy(ch->tx + ch->tx_len, a, an);
	ch->tx_len += an;
	if (bn != 0) {
		memcpy(ch->tx + ch->tx_len, b, bn);
		ch->tx_len += bn;
	}
	ch->cells_tx++;
	return 0;
}

static int
send_var(struct tc_chan *ch, uint8_t cmd, const uint8_t *payload, size_t len)
{
	uint8_t hdr[WIRE_VAR_CELL_HDR_LEN(4)];
	int n = wire_cell_encode_var_hdr(hdr, sizeof(hdr), ch->link, 0, cmd, len);

	if (n < 0)
		return n;
	return chan_queue(ch, hdr, (size_t)n, payload, len);
}

static int
send_fixed(struct tc_chan *ch, uint32_t circ_id, uint8_t cmd, const uint8_t *payload, size_t len)
{
	uint8_t cell[WIRE_CELL_LEN];
	int n = wire_cell_encode_fixed(cell, sizeof(cell), ch->link, circ_id, cmd, payload, len);

	if (n < 0)
		return n;
	return chan_queue(ch, cell, (size_t)n, NULL, 0);
}

int
tc_chan_send_fixed(struct tc_chan *ch, uint32_t circ_id, uint8_t cmd, const uint8_t *payload,
		   size_t len)
{
	if (ch->state != TC_CHAN_STATE_OPEN)
		return -EPIPE;
	return send_fixed(ch, circ_id, cmd, payload, len);
}

static int
send_versions(struct tc_chan *ch)
{
	uint8_t p[8];
	int n = wire_versions_encode(p, sizeof(p), our_versions, 2);

	/* tor-spec.txt §3, §4.1: VERSIONS always with a 2-byte circuit id (link still 0). */
	return n < 0 ? n : send_var(ch, WIRE_CELL_CMD_VERSIONS, p, (size_t)n);
}

/* NETINFO (tor-spec.txt §4.5; relay-checklist B9). */
static int
send_netinfo(struct tc_chan *ch, uint32_t timestamp, bool with_mine)
{
	uint8_t p[64], ov[4], mv[4];
	struct wire_netinfo_addr other = {WIRE_NETINFO_ATYPE_IPV4, 4, ov};
	struct wire_netinfo_addr mine = {WIRE_NETINFO_ATYPE_IPV4, 4, mv};
	int n;

	memcpy(ov, &ch->peer.sin_addr, 4); /* network order already */
	memcpy(mv, &ch->local.sin_addr, 4);
	with_mine = with_mine && ch->local.sin_addr.s_addr != 0;
	n = wire_netinfo_encode(p, sizeof(p), timestamp, &other, &mine, with_mine ? 1 : 0);
	if (n < 0)
		return n;
	return send_fixed(ch, 0, WIRE_CELL_CMD_NETINFO, p, (size_t)n);
}

static int
send_auth_challenge(struct tc_chan *ch)
{
	static const uint16_t methods[] = {WIRE_AUTHTYPE_ED25519_SHA256_RFC5705};
	uint8_t challenge[WIRE_AUTH_CHALLENGE_LEN], p[64];
	int n;

	/* tor-spec.txt §4.3: every challenge from a strong RNG. */
	if (RAND_bytes(challenge, sizeof(challenge)) != 1)
		return -EIO;
	n = wire_auth_challenge_encode(p, sizeof(p), challenge, methods, 1);
	if (n < 0)
		return n;
	return send_var(ch, WIRE_CELL_CMD_AUTH_CHALLENGE, p, (size_t)n);
}

static int
digest_final(EVP_MD_CTX *d, uint8_t out[32])
{
	unsigned int len = 0;

	return EVP_DigestFinal_ex(d, out, &len) == 1 && len == 32 ? 0 : -EIO;
}

void
tc_chan_flush(struct tc_chan *ch, uint64_t now)
{
	if (ch->state < TC_CHAN_STATE_VERSIONS || ch->state == TC_CHAN_STATE_CLOSED)
		return;
	while (ch->tx_off < ch->tx_len) {
		size_t n = ch->tx_len - ch->tx_off;
		int w, e;

		ERR_clear_error();
		w = SSL_write(ch->ssl, ch->tx + ch->tx_off, n > INT_MAX ? INT_MAX : (int)n);
		if (w > 0) {
			ch->tx_off += (size_t)w;
			continue;
		}
		e = SSL_get_error(ch->ssl, w);
		if (e == SSL_ERROR_WANT_WRITE || e == SSL_ERROR_WANT_READ)
			return;
		tc_tls_log_errors(TC_LOG_INFO, ch->name);
		ch->tls_failed = true;
		tc_chan_close(ch, now, "TLS write failed (SSL error %d, %s)", e,
			      e == SSL_ERROR_SYSCALL ? strerror(errno) : "protocol");
		return;
	}
	ch->tx_off = ch->tx_len = 0;
}

/* ---- the handshake, cell by cell ------------------------------------------ */

static void
chan_set_open(struct tc_chan *ch, uint64_t now)
{
	ch->state = TC_CHAN_STATE_OPEN;
	ch->hs_flags &= ~(uint32_t)(TC_HS_HASH_TX | TC_HS_HASH_RX);
	tc_log(TC_LOG_INFO, "channel %s open, link %u, %s", ch->name, ch->link,
	       ch->authenticated ? "peer authenticated" : "peer is a client");
	if (ch->ops->opened != NULL)
		ch->ops->opened(ch, now);
}

static int
on_versions(struct tc_chan *ch, const struct wire_cell *c, uint64_t now)
{
	uint16_t theirs[64];
	size_t n = 0, len = c->payload_len;
	uint16_t v;

	/* §4.1: an odd length is malformed; read at most the first 64 entries. */
	if (len & 1u) {
		tc_chan_close(ch, now, "VERSIONS with an odd length");
		return -EPROTO;
	}
	if (len > 2 * 64)
		len = 2 * 64;
	if (wire_versions_decode(c->payload, len, theirs, 64, &n) != 0) {
		tc_chan_close(ch, now, "malformed VERSIONS");
		return -EPROTO;
	}
	v = wire_versions_highest_common(our_versions, 2, theirs, n);
	if (v == 0) {
		tc_chan_close(ch, now, "no common link version");
		return -EPROTO;
	}
	if (ch->role == TC_ROLE_RESPONDER) {
		const struct cp_linkcreds *cr = ch->creds;

		/* §4, relay-checklist B5: VERSIONS, CERTS, AUTH_CHALLENGE, then NETINFO;
		 * SLOG covers everything before NETINFO (P-B2). */
		if (send_versions(ch) != 0)
			goto nomem;
		ch->link = v;
		if (send_var(ch, WIRE_CELL_CMD_CERTS, cr->certs_resp, cr->certs_resp_len) != 0 ||
		    send_auth_challenge(ch) != 0)
			goto nomem;
		ch->hs_flags &= ~(uint32_t)TC_HS_HASH_TX;
		if (digest_final(ch->dig_tx, ch->slog) != 0 ||
		    send_netinfo(ch, (uint32_t)time(NULL), true) != 0)
			goto nomem;
	}
	ch->link = v;
	ch->state = TC_CHAN_STATE_HANDSHAKE;
	return 0;
nomem:
	tc_chan_close(ch, now, "cannot queue the handshake cells");
	return -ENOMEM;
}

/* Responder: the initiator's CERTS, AUTHENTICATE and NETINFO. */
static int
resp_cell(struct tc_chan *ch, const struct wire_cell *c, uint64_t now)
{
	struct wire_netinfo ni;
	struct cp_auth3_fields f;
	enum cp_cert_err e;

	switch (c->cmd) {
	case WIRE_CELL_CMD_CERTS:
		if (ch->hs_flags & TC_HS_GOT_CERTS)
			break;
		e = cp_linkcerts_verify(c->payload, c->payload_len, CP_LINKCERTS_ROLE_INITIATOR,
					NULL, time(NULL), &ch->peer_id);
		if (e != CP_CERT_OK) {
			tc_chan_close(ch, now, "initiator CERTS refused: %s (cert type %u)",
				      cp_cert_err_str(e), ch->peer_id.failed_type);
			return -EPROTO;
		}
		ch->hs_flags |= TC_HS_GOT_CERTS;
		return 0;
	case WIRE_CELL_CMD_AUTHENTICATE:
		if (!(ch->hs_flags & TC_HS_GOT_CERTS) || (ch->hs_flags & TC_HS_AUTH_OK))
			break;
		/* tor-spec.txt §4.4.2; TLSSECRETS with context CID (relay-checklist P-B1). */
		memcpy(f.cid, ch->peer_id.rsa_id_sha256, 32);
		memcpy(f.sid, ch->creds->rsa_id_sha256, 32);
		memcpy(f.cid_ed, ch->peer_id.ed_id, 32);
		memcpy(f.sid_ed, ch->creds->ed_id, 32);
		memcpy(f.slog, ch->slog, 32);
		memcpy(f.clog, ch->clog, 32);
		memcpy(f.scert, ch->creds->tls.link_sha256, 32);
		if (SSL_export_keying_material(ch->ssl, f.tlssecrets, 32, CP_AUTH3_EXPORTER_LABEL,
					       strlen(CP_AUTH3_EXPORTER_LABEL), f.cid, 32,
					       1) != 1) {
			OPENSSL_cleanse(&f, sizeof(f));
			tc_chan_close(ch, now, "TLS exporter failed");
			return -EIO;
		}
		e = cp_auth3_verify(c->payload, c->payload_len, &f, &ch->peer_id);
		OPENSSL_cleanse(&f, sizeof(f));
		if (e != CP_CERT_OK) {
			tc_chan_close(ch, now, "AUTHENTICATE refused: %s", cp_cert_err_str(e));
			return -EPROTO;
		}
		ch->hs_flags |= TC_HS_AUTH_OK;
		return 0;
	case WIRE_CELL_CMD_NETINFO:
		/* A client sends no CERTS; a relay that sent CERTS must authenticate first. */
		if ((ch->hs_flags & TC_HS_GOT_CERTS) && !(ch->hs_flags & TC_HS_AUTH_OK))
			break;
		if (wire_netinfo_decode(c->payload, c->payload_len, &ni) != 0) {
			tc_chan_close(ch, now, "malformed NETINFO");
			return -EPROTO;
		}
		ch->authenticated = (ch->hs_flags & TC_HS_AUTH_OK) != 0;
		chan_set_open(ch, now);
		return 0;
	default:
		break;
	}
	tc_chan_close(ch, now, "unexpected %s cell during the handshake", cmd_name(c->cmd));
	return -EPROTO;
}

/* Initiator (a client): the responder's CERTS, AUTH_CHALLENGE and NETINFO. */
static int
init_cell(struct tc_chan *ch, const struct wire_cell *c, uint64_t now)
{
	struct wire_auth_challenge ac;
	struct wire_netinfo ni;
	char want[41], got[41];
	enum cp_cert_err e;

	switch (c->cmd) {
	case WIRE_CELL_CMD_CERTS:
		if (ch->hs_flags & TC_HS_GOT_CERTS)
			break;
		e = cp_linkcerts_verify(c->payload, c->payload_len, CP_LINKCERTS_ROLE_RESPONDER,
					ch->peer_cert_sha256, time(NULL), &ch->peer_id);
		if (e != CP_CERT_OK) {
			tc_chan_close(ch, now, "relay CERTS refused: %s (cert type %u)",
				      cp_cert_err_str(e), ch->peer_id.failed_type);
			return -EPROTO;
		}
		if (memcmp(ch->peer_id.rsa_id_sha1, ch->expect_rsa, 20) != 0) {
			tc_hex(ch->expect_rsa, 20, want);
			tc_hex(ch->peer_id.rsa_id_sha1, 20, got);
			tc_chan_close(ch, now,
				      "identity mismatch: expected RSA %s, relay proved %s", want,
				      got);
			return -EPROTO;
		}
		if (ch->expect_has_ed && memcmp(ch->peer_id.ed_id, ch->expect_ed, 32) != 0) {
			tc_chan_close(ch, now,
				      "identity mismatch: the relay proved another Ed25519 "
				      "identity");
			return -EPROTO;
		}
		ch->hs_flags |= TC_HS_GOT_CERTS;
		return 0;
	case WIRE_CELL_CMD_AUTH_CHALLENGE:
		if (!(ch->hs_flags & TC_HS_GOT_CERTS) || (ch->hs_flags & TC_HS_GOT_AC))
			break;
		if (wire_auth_challenge_decode(c->payload, c->payload_len, &ac) != 0) {
			tc_chan_close(ch, now, "malformed AUTH_CHALLENGE");
			return -EPROTO;
		}
		ch->hs_flags |= TC_HS_GOT_AC; /* a client does not answer it */
		return 0;
	case WIRE_CELL_CMD_NETINFO:
		if (!(ch->hs_flags & TC_HS_GOT_CERTS))
			break;
		if (wire_netinfo_decode(c->payload, c->payload_len, &ni) != 0) {
			tc_chan_close(ch, now, "malformed NETINFO");
			return -EPROTO;
		}
		/* A client's NETINFO: time 0, no address of its own (relay-checklist §0.7). */
		if (send_netinfo(ch, 0, false) != 0) {
			tc_chan_close(ch, now, "cannot queue NETINFO");
			return -ENOMEM;
		}
		ch->authenticated = true; /* the responder proved its identity */
		chan_set_open(ch, now);
		return 0;
	default:
		break;
	}
	tc_chan_close(ch, now, "unexpected %s cell during the handshake", cmd_name(c->cmd));
	return -EPROTO;
}

static int
open_cell(struct tc_chan *ch, const struct wire_cell *c, uint64_t now)
{
	switch (c->cmd) {
	case WIRE_CELL_CMD_VERSIONS:
	case WIRE_CELL_CMD_CERTS:
	case WIRE_CELL_CMD_AUTH_CHALLENGE:
	case WIRE_CELL_CMD_AUTHENTICATE:
		tc_chan_close(ch, now, "%s cell on an open channel", cmd_name(c->cmd));
		return -EPROTO;
	case WIRE_CELL_CMD_NETINFO:
	case WIRE_CELL_CMD_PADDING_NEGOTIATE:
		return 0; /* tor-spec.txt §3, padding-spec §2.5: ignored */
	default:
		return ch->ops->cell(ch, c, now);
	}
}

/* Handle one framed cell of @p n wire bytes at @p raw. */
static int
chan_cell(struct tc_chan *ch, const uint8_t *raw, size_t n, const struct wire_cell *c, uint64_t now)
{
	if (ch->state != TC_CHAN_STATE_OPEN && (ch->hs_flags & TC_HS_HASH_RX)) {
		/* CLOG: everything received before AUTHENTICATE (P-B2). */
		if (c->cmd == WIRE_CELL_CMD_AUTHENTICATE && ch->role == TC_ROLE_RESPONDER) {
			ch->hs_flags &= ~(uint32_t)TC_HS_HASH_RX;
			if (digest_final(ch->dig_rx, ch->clog) != 0) {
				tc_chan_close(ch, now, "digest failed");
				return -EIO;
			}
		} else {
			EVP_DigestUpdate(ch->dig_rx, raw, n);
		}
	}
	if (c->cmd == WIRE_CELL_CMD_PADDING || c->cmd == WIRE_CELL_CMD_VPADDING ||
	    c->cmd == WIRE_CELL_CMD_AUTHORIZE)
		return 0;
	switch (ch->state) {
	case TC_CHAN_STATE_VERSIONS:
		if (c->cmd == WIRE_CELL_CMD_VERSIONS)
			return on_versions(ch, c, now);
		tc_chan_close(ch, now, "%s cell before VERSIONS", cmd_name(c->cmd));
		return -EPROTO;
	case TC_CHAN_STATE_HANDSHAKE:
		return ch->role == TC_ROLE_RESPONDER ? resp_cell(ch, c, now)
						     : init_cell(ch, c, now);
	case TC_CHAN_STATE_OPEN:
		return open_cell(ch, c, now);
	default:
		return -EPIPE;
	}
}

/* Frame and handle the cells in the receive buffer; stop when the owner refuses one. */
static void
chan_frame(struct tc_chan *ch, uint64_t now)
{
	size_t off = 0;

	while (ch->state != TC_CHAN_STATE_CLOSED && off < ch->rx_len && now >= ch->paused_until) {
		struct wire_cell c;
		int n = wire_cell_decode(ch->rx + off, ch->rx_len - off, ch->link, &c);

		if (n < 0) {
			tc_chan_close(ch, now, "malformed cell (%s)", strerror(-n));
			return;
		}
		if (n == 0)
			break;
		ch->cells_rx++;
		if (chan_cell(ch, ch->rx + off, (size_t)n, &c, now) == -EAGAIN) {
			ch->cells_rx--;
			ch->rx_blocked = true;
			break;
		}
		off += (size_t)n;
	}
	if (ch->state == TC_CHAN_STATE_CLOSED)
		return;
	if (off != 0) {
		memmove(ch->rx, ch->rx + off, ch->rx_len - off);
		ch->rx_len -= off;
	}
}

/* Read what TLS has (bounded) and handle the cells. */
static void
chan_read(struct tc_chan *ch, uint64_t now)
{
	if (now < ch->paused_until)
		return;
	ch->rx_blocked = false;
	ch->rx_more = false;
	chan_frame(ch, now);
	for (int i = 0; i < TC_CHAN_READS_PER_SERVICE; i++) {
		size_t room = TC_CHAN_RX_CAP - ch->rx_len;
		int r, e;

		if (ch->state == TC_CHAN_STATE_CLOSED || ch->rx_blocked || now < ch->paused_until)
			return;
		if (room == 0) {
			/* Cannot happen: the buffer holds a largest variable cell. */
			tc_chan_close(ch, now, "receive buffer full");
			return;
		}
		ERR_clear_error();
		errno = 0;
		r = SSL_read(ch->ssl, ch->rx + ch->rx_len, room > INT_MAX ? INT_MAX : (int)room);
		if (r > 0) {
			ch->rx_len += (size_t)r;
			chan_frame(ch, now);
			continue;
		}
		e = SSL_get_error(ch->ssl, r);
		if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
			return;
		ch->tls_failed = e != SSL_ERROR_ZERO_RETURN;
		if (e == SSL_ERROR_ZERO_RETURN) {
			tc_chan_close(ch, now, "the peer closed the TLS session");
		} else if (e == SSL_ERROR_SYSCALL) {
			tc_chan_close(ch, now, "the peer closed the connection%s%s",
				      errno != 0 ? ": " : "", errno != 0 ? strerror(errno) : "");
		} else {
			tc_tls_log_errors(TC_LOG_INFO, ch->name);
			tc_chan_close(ch, now, "TLS read failed (SSL error %d)", e);
		}
		return;
	}
	ch->rx_more = true;
}

/* TLS is up: record the certificates, start the link handshake. */
static void
tls_done(struct tc_chan *ch, uint64_t now)
{
	ch->tls_want_write = false;
	ch->state = TC_CHAN_STATE_VERSIONS;
	if (ch->role == TC_ROLE_RESPONDER) {
		if (EVP_DigestInit_ex(ch->dig_tx, EVP_sha256(), NULL) != 1 ||
		    EVP_DigestInit_ex(ch->dig_rx, EVP_sha256(), NULL) != 1) {
			tc_chan_close(ch, now, "digest init failed");
			return;
		}
		ch->hs_flags |= TC_HS_HASH_TX | TC_HS_HASH_RX;
		return;
	}
	{
		/* The responder's type-5 cert must certify this certificate (§4.2). */
		X509 *x = SSL_get0_peer_certificate(ch->ssl);
		unsigned char *der = NULL;
		unsigned int dl = 0;
		int n = x != NULL ? i2d_X509(x, &der) : -1;

		if (n <= 0 || EVP_Digest(der, (size_t)n, ch->peer_cert_sha256, &dl, EVP_sha256(),
					 NULL) != 1) {
			OPENSSL_free(der);
			tc_chan_close(ch, now, "no usable TLS certificate from the relay");
			return;
		}
		OPENSSL_free(der);
	}
	tc_log(TC_LOG_DEBUG, "channel %s: TLS up (%s, %s)", ch->name, SSL_get_version(ch->ssl),
	       SSL_get_cipher_name(ch->ssl));
	if (send_versions(ch) != 0)
		tc_chan_close(ch, now, "cannot queue VERSIONS");
}

/* Drive the TLS handshake; true once it is done and the channel still lives. */
static bool
tls_step(struct tc_chan *ch, uint64_t now)
{
	int r, e;

	ERR_clear_error();
	errno = 0;
	r = SSL_do_handshake(ch->ssl);
	if (r == 1) {
		tls_done(ch, now);
		return ch->state != TC_CHAN_STATE_CLOSED;
	}
	e = SSL_get_error(ch->ssl, r);
	if (e == SSL_ERROR_WANT_READ) {
		ch->tls_want_write = false;
		return false;
	}
	if (e == SSL_ERROR_WANT_WRITE) {
		ch->tls_want_write = true;
		return false;
	}
	tc_tls_log_errors(TC_LOG_INFO, ch->name);
	ch->tls_failed = true;
	tc_chan_close(ch, now, "TLS handshake failed (SSL error %d%s%s)", e,
		      e == SSL_ERROR_SYSCALL && errno != 0 ? ", " : "",
		      e == SSL_ERROR_SYSCALL && errno != 0 ? strerror(errno) : "");
	return false;
}

void
tc_chan_service(struct tc_chan *ch, short revents, uint64_t now)
{
	if (ch->state == TC_CHAN_STATE_CLOSED)
		return;
	if (ch->state != TC_CHAN_STATE_OPEN && now >= ch->hs_deadline) {
		tc_chan_close(ch, now, "link handshake timed out");
		return;
	}
	if (ch->state == TC_CHAN_STATE_CONNECTING) {
		socklen_t l = sizeof(int);
		int e = 0;

		if (!(revents & (POLLOUT | POLLERR | POLLHUP)))
			return;
		if (getsockopt(ch->fd, SOL_SOCKET, SO_ERROR, &e, &l) != 0)
			e = errno;
		if (e != 0) {
			tc_chan_close(ch, now, "connect: %s", strerror(e));
			return;
		}
		l = sizeof(ch->local);
		getsockname(ch->fd, (struct sockaddr *)&ch->local, &l);
		ch->state = TC_CHAN_STATE_TLS;
	}
	if (ch->state == TC_CHAN_STATE_TLS && !tls_step(ch, now))
		return;
	tc_chan_flush(ch, now);
	chan_read(ch, now);
	tc_chan_flush(ch, now);
}

short
tc_chan_events(const struct tc_chan *ch, uint64_t now)
{
	short ev = 0;

	switch (ch->state) {
	case TC_CHAN_STATE_CLOSED:
		return 0;
	case TC_CHAN_STATE_CONNECTING:
		return POLLOUT;
	case TC_CHAN_STATE_TLS:
		return ch->tls_want_write ? POLLOUT : POLLIN;
	default:
		if (!ch->rx_blocked && now >= ch->paused_until)
			ev |= POLLIN;
		if (tc_chan_tx_pending(ch) != 0)
			ev |= POLLOUT;
		return ev;
	}
}

bool
tc_chan_has_work(const struct tc_chan *ch, uint64_t now)
{
	if (ch->state < TC_CHAN_STATE_VERSIONS || ch->state == TC_CHAN_STATE_CLOSED ||
	    now < ch->paused_until)
		return false;
	return ch->rx_more || SSL_pending(ch->ssl) > 0 ||
	       (ch->rx_blocked && tc_chan_tx_room(ch) >= TC_CHAN_TX_CAP / 2);
}
