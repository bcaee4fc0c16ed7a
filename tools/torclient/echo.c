/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief chive-torclient's echo endpoint: a last hop that plays a relay and echoes relay cells.
 *
 * The endpoint has a relay identity of its own (controlplane/keys in a
 * DataDirectory, a temporary one by default) and link credentials
 * (controlplane/link/linkcreds.h), so a tor relay can EXTEND to it: it
 * answers the link handshake as a responder (tc_chan.c), CREATE2 with ntor
 * or ntor-v3 and CREATE_FAST with cp_onion_server(), and then, for each
 * forward RELAY or RELAY_EARLY cell recognized at it (tor-spec.txt §6.1),
 * sends back one RELAY cell with the same relay command, stream id and
 * data, originated at this hop (tor-spec.txt §5.5.3). A forward cell not
 * recognized here has nowhere to go (this is the last hop): the circuit is
 * destroyed with reason PROTOCOL, as tor does.
 *
 * Backpressure: a cell that needs an answer is processed only when the
 * channel's send queue has room for it; otherwise the channel stops
 * reading until the queue drains (tc_chan_ops::cell returns -EAGAIN). With
 * --echo-slow MS each channel also stops reading for MS milliseconds after
 * its first echo, so the cells behind it back up along the path.
 *
 * Circuit records outlive their circuit (without their crypto) so that the
 * client in the same process can see its DESTROY arrive; their number is
 * bounded by max_circs, beyond which CREATEs are refused (RESOURCELIMIT).
 */
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "common/base/byteorder.h"
#include "common/wire/wire_create.h"
#include "common/wire/wire_relay.h"
#include "tools/torclient/tc.h"

/* tc_chan::owner_flags of the endpoint's channels. */
#define ECHO_CH_OPENED 1u /* the handshake finished */
#define ECHO_CH_PAUSED 2u /* --echo-slow pause taken */

/** Sends one answer needs; a cell is refused (kept) while there is less room. */
#define ECHO_ROOM WIRE_CELL_LEN

static unsigned
kh_bucket(const uint8_t kh[CP_ONION_KH_LEN])
{
	return be32_get(kh) % TC_ECHO_KH_BUCKETS;
}

struct tc_echo_circ *
tc_echo_find_kh(const struct tc_echo *e, const uint8_t kh[CP_ONION_KH_LEN])
{
	struct tc_echo_circ *c;

	for (c = e->kh_hash[kh_bucket(kh)]; c != NULL; c = c->kh_next)
		if (memcmp(c->kh, kh, CP_ONION_KH_LEN) == 0)
			return c;
	return NULL;
}

/* The circuit ends: keep the record, drop the crypto and the map entry. */
static void
circ_end(struct tc_echo_circ *c, uint8_t reason)
{
	if (c->destroyed)
		return;
	c->destroyed = true;
	c->destroy_reason = reason;
	if (c->ch != NULL)
		tc_circmap_del(&c->ch->circs, c->id);
	c->ch = NULL;
	dp_rc_free(&c->rc);
}

static void
send_destroy(struct tc_chan *ch, uint32_t circ_id, uint8_t reason)
{
	tc_chan_send_fixed(ch, circ_id, WIRE_CELL_CMD_DESTROY, &reason, 1);
}

/* tor-spec.txt §5.1: CREATE2 (ntor, ntor-v3) or CREATE_FAST, answered at once. */
static int
echo_create(struct tc_echo *e, struct tc_chan *ch, const struct wire_cell *cell)
{
	uint8_t reply[CP_ONION_REPLY_MAX], p[WIRE_CELL_PAYLOAD_LEN];
	struct cp_onion_keys k;
	struct wire_create2 cc;
	struct tc_echo_circ *c;
	enum cp_onion_fail f;
	size_t rlen = 0;

	if (cell->circ_id == 0 || tc_circmap_get(&ch->circs, cell->circ_id) != NULL) {
		/* tor drops a CREATE for circuit 0 or a circuit in use (command.c). */
		e->st.create_failed++;
		return 0;
	}
	if (e->n_circs >= e->max_circs) {
		e->st.circs_refused++;
		send_destroy(ch, cell->circ_id, WIRE_DESTROY_RESOURCELIMIT);
		return 0;
	}
	if (cell->cmd == WIRE_CELL_CMD_CREATE_FAST) {
		cc.htype = WIRE_HTYPE_FAST;
		cc.hlen = WIRE_CREATE_FAST_LEN;
		cc.hdata = cell->payload;
	} else if (wire_create2_decode(cell->payload, cell->payload_len, &cc) != 0) {
		e->st.create_failed++;
		tc_log(TC_LOG_INFO, "echo: %s: malformed CREATE2", ch->name);
		send_destroy(ch, cell->circ_id, WIRE_DESTROY_PROTOCOL);
		return 0;
	}
	f = cp_onion_server(&e->sk, cc.htype, cc.hdata, cc.hlen, reply, &rlen, &k);
	if (f != CP_ONION_OK) {
		e->st.create_failed++;
		tc_log(TC_LOG_INFO, "echo: %s: CREATE (htype %u) refused: %s", ch->name, cc.htype,
		       cp_onion_fail_name(f));
		send_destroy(ch, cell->circ_id, WIRE_DESTROY_PROTOCOL);
		return 0;
	}
	c = calloc(1, sizeof(*c));
	if (c == NULL || dp_rc_alloc(e->rclib, &c->rc) != 0 ||
	    dp_rc_set_keys(&c->rc, k.keys) != 0 ||
	    tc_circmap_put(&ch->circs, cell->circ_id, c) != 0) {
		OPENSSL_cleanse(&k, sizeof(k));
		if (c != NULL)
			dp_rc_free(&c->rc);
		free(c);
		e->st.create_failed++;
		send_destroy(ch, cell->circ_id, WIRE_DESTROY_INTERNAL);
		return 0;
	}
	c->ch = ch;
	c->id = cell->circ_id;
	c->htype = cc.htype;
	memcpy(c->kh, k.kh, CP_ONION_KH_LEN);
	OPENSSL_cleanse(&k, sizeof(k));
	c->all_next = e->all;
	e->all = c;
	c->kh_next = e->kh_hash[kh_bucket(c->kh)];
	e->kh_hash[kh_bucket(c->kh)] = c;
	e->n_circs++;
	e->st.circs_created++;
	if (cell->cmd == WIRE_CELL_CMD_CREATE_FAST) {
		tc_chan_send_fixed(ch, c->id, WIRE_CELL_CMD_CREATED_FAST, reply, rlen);
	} else {
		wire_created2_encode(p, sizeof(p), reply, (uint16_t)rlen);
		tc_chan_send_fixed(ch, c->id, WIRE_CELL_CMD_CREATED2, p, sizeof(p));
	}
	OPENSSL_cleanse(reply, sizeof(reply));
	tc_log(TC_LOG_DEBUG, "echo: %s: circuit 0x%08x created (htype %u)", ch->name, c->id,
	       c->htype);
	return 0;
}

/* tor-spec.txt §5.5.2.2, §6.1: recognize a forward cell, answer with the same contents. */
static int
echo_relay(struct tc_echo *e, struct tc_chan *ch, const struct wire_cell *cell, uint64_t now)
{
	struct tc_echo_circ *c = tc_circmap_get(&ch->circs, cell->circ_id);
	uint8_t p[WIRE_RELAY_PAYLOAD_LEN], q[WIRE_RELAY_PAYLOAD_LEN];
	struct wire_relay_hdr h;
	size_t end;

	if (c == NULL) {
		e->st.cells_unknown_circ++;
		return 0;
	}
	memcpy(p, cell->payload, sizeof(p));
	dp_rc_crypt(&c->rc.fwd, p);
	if (!dp_rc_digest_check(&c->rc.fwd, p) || wire_relay_hdr_decode(p, sizeof(p), &h) != 0) {
		/* The last hop cannot pass it on: tor closes the circuit (relay.c). */
		e->st.cells_unrecognized++;
		tc_log(TC_LOG_INFO, "echo: %s: circuit 0x%08x: unrecognized relay cell; destroying",
		       ch->name, c->id);
		send_destroy(ch, c->id, WIRE_DESTROY_PROTOCOL);
		circ_end(c, WIRE_DESTROY_PROTOCOL);
		return 0;
	}
	h.recognized = 0;
	h.digest = 0;
	wire_relay_hdr_encode(q, sizeof(q), &h);
	memcpy(q + WIRE_RELAY_HDR_LEN, p + WIRE_RELAY_HDR_LEN, h.length);
	/* tor-spec.txt §6.1 (proposal 289): four zero bytes, then random padding. */
	end = WIRE_RELAY_HDR_LEN + (size_t)h.length;
	memset(q + end, 0, sizeof(q) - end < 4 ? sizeof(q) - end : 4);
	if (end + 4 < sizeof(q))
		tc_rng_fill(&e->rng, q + end + 4, sizeof(q) - end - 4);
	dp_rc_digest_set(&c->rc.bwd, q);
	dp_rc_crypt(&c->rc.bwd, q);
	tc_chan_send_fixed(ch, c->id, WIRE_CELL_CMD_RELAY, q, sizeof(q));
	c->echoed++;
	e->st.cells_echoed++;
	if (e->slow_ms != 0 && !(ch->owner_flags & ECHO_CH_PAUSED)) {
		ch->owner_flags |= ECHO_CH_PAUSED;
		ch->paused_until = now + e->slow_ms;
		tc_log(TC_LOG_INFO, "echo: %s: not reading for %u ms", ch->name, e->slow_ms);
	}
	return 0;
}

static int
echo_cell(struct tc_chan *ch, const struct wire_cell *cell, uint64_t now)
{
	struct tc_echo *e = ch->owner;
	struct tc_echo_circ *c;

	switch (cell->cmd) {
	case WIRE_CELL_CMD_CREATE2:
	case WIRE_CELL_CMD_CREATE_FAST:
		if (tc_chan_tx_room(ch) < ECHO_ROOM)
			return -EAGAIN;
		return echo_create(e, ch, cell);
	case WIRE_CELL_CMD_CREATE:
		/* TAP is gone (relay-checklist C1). */
		if (tc_chan_tx_room(ch) < ECHO_ROOM)
			return -EAGAIN;
		e->st.create_failed++;
		send_destroy(ch, cell->circ_id, WIRE_DESTROY_PROTOCOL);
		return 0;
	case WIRE_CELL_CMD_RELAY:
	case WIRE_CELL_CMD_RELAY_EARLY:
		if (tc_chan_tx_room(ch) < ECHO_ROOM)
			return -EAGAIN;
		return echo_relay(e, ch, cell, now);
	case WIRE_CELL_CMD_DESTROY:
		/* tor-spec.txt §5.4: no answer to a DESTROY. */
		c = tc_circmap_get(&ch->circs, cell->circ_id);
		if (c != NULL) {
			e->st.destroys_rx++;
			tc_log(TC_LOG_DEBUG, "echo: %s: circuit 0x%08x destroyed (%s)", ch->name,
			       c->id, wire_destroy_reason_name(cell->payload[0]));
			circ_end(c, cell->payload[0]);
		}
		return 0;
	default:
		return 0; /* tor-spec.txt §3: unknown or unexpected commands are dropped */
	}
}

static void
echo_opened(struct tc_chan *ch, uint64_t now)
{
	struct tc_echo *e = ch->owner;

	(void)now;
	ch->owner_flags |= ECHO_CH_OPENED;
	if (ch->authenticated)
		e->st.chans_open_relay++;
	else
		e->st.chans_open_client++;
	tc_log(TC_LOG_INFO, "echo: channel from %s open (%s)", ch->name,
	       ch->authenticated ? "relay, AUTHENTICATE verified" : "client");
}

static void
echo_closed(struct tc_chan *ch, uint64_t now)
{
	struct tc_echo *e = ch->owner;
	struct tc_circmap *m = &ch->circs;

	(void)now;
	if (!(ch->owner_flags & ECHO_CH_OPENED)) {
		e->st.chans_failed++;
		tc_log(TC_LOG_ERR, "echo: channel from %s failed: %s", ch->name, ch->why);
	}
	/* Every circuit on it ends (bounded by the map's size). */
	for (uint32_t i = 0; i < m->cap; i++) {
		struct tc_echo_circ *c = m->vals[i];

		if (m->ids[i] != 0 && c != NULL) {
			c->destroyed = true;
			c->destroy_reason = 0xff;
			c->ch = NULL;
			dp_rc_free(&c->rc);
			m->vals[i] = NULL;
		}
	}
	m->used = 0;
}

static const struct tc_chan_ops echo_ops = {
	.cell = echo_cell,
	.opened = echo_opened,
	.closed = echo_closed,
};

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

int
tc_echo_start(struct tc_echo *e, const struct sockaddr_in *addr, const char *datadir,
	      const struct dp_rc_lib *rclib, uint32_t slow_ms, uint32_t max_circs, char *err,
	      size_t errlen)
{
	struct cp_keys_options opt;
	const struct cp_keys_ntor *nt;
	time_t now = time(NULL);
	int one = 1, rc;

	memset(e, 0, sizeof(*e));
	e->lfd = -1;
	e->rclib = rclib;
	e->slow_ms = slow_ms;
	e->max_circs = max_circs;
	if (RAND_bytes((unsigned char *)&e->rng.s, sizeof(e->rng.s)) != 1) {
		snprintf(err, errlen, "RNG failed");
		return -EIO;
	}
	if (datadir != NULL) {
		if (strlen(datadir) >= sizeof(e->dir)) {
			snprintf(err, errlen, "--echo-datadir too long");
			return -ENAMETOOLONG;
		}
		snprintf(e->dir, sizeof(e->dir), "%s", datadir);
		if (mkdir(e->dir, 0700) != 0 && errno != EEXIST) {
			snprintf(err, errlen, "mkdir %s: %s", e->dir, strerror(errno));
			return -errno;
		}
	} else {
		snprintf(e->dir, sizeof(e->dir), "/tmp/chive-torclient.XXXXXX");
		if (mkdtemp(e->dir) == NULL) {
			snprintf(err, errlen, "mkdtemp: %s", strerror(errno));
			return -errno;
		}
		e->dir_is_temp = true;
	}
	cp_keys_options_default(&opt);
	opt.make_signing_cert = cp_linkcreds_make_signing_cert;
	rc = cp_keys_load_or_create(e->dir, &opt, now, &e->keys, err, errlen);
	if (rc != 0)
		goto fail;
	rc = cp_linkcreds_create(&e->creds, e->keys, NULL, 1, now, err, errlen);
	if (rc != 0)
		goto fail;
	/* The server side of the circuit handshakes: identities and ntor keys. */
	memcpy(e->sk.rsa_id, cp_keys_rsa_id_digest(e->keys), 20);
	memcpy(e->sk.ed_id, cp_keys_master_pub(e->keys), 32);
	nt = cp_keys_ntor_current(e->keys);
	memcpy(e->sk.ntor[0].sec, nt->sec, 32);
	memcpy(e->sk.ntor[0].pub, nt->pub, 32);
	e->sk.n_ntor = 1;
	if ((nt = cp_keys_ntor_previous(e->keys)) != NULL) {
		memcpy(e->sk.ntor[1].sec, nt->sec, 32);
		memcpy(e->sk.ntor[1].pub, nt->pub, 32);
		e->sk.n_ntor = 2;
	}
	e->ctx = tc_tls_server_ctx(e->creds.tls.link_key, e->creds.tls.link_der,
				   e->creds.tls.link_len);
	if (e->ctx == NULL) {
		snprintf(err, errlen, "cannot make the TLS server context");
		rc = -EIO;
		goto fail;
	}
	/* Who we are to a client. */
	e->addr = *addr;
	e->self.addr = *addr;
	tc_fmt_addr(addr, e->self.name, sizeof(e->self.name));
	memcpy(e->self.rsa_id, e->sk.rsa_id, 20);
	memcpy(e->self.ed_id, e->sk.ed_id, 32);
	memcpy(e->self.ntor_pub, e->sk.ntor[0].pub, 32);
	e->self.has_ed = e->self.has_ntor = e->self.is_echo = true;
	e->lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (e->lfd < 0 || setsockopt(e->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
	    bind(e->lfd, (const struct sockaddr *)addr, sizeof(*addr)) != 0 ||
	    listen(e->lfd, 64) != 0) {
		rc = -errno;
		snprintf(err, errlen, "listen on %s: %s", e->self.name, strerror(errno));
		goto fail;
	}
	return 0;
fail:
	tc_echo_stop(e);
	return rc;
}

unsigned
tc_echo_pollfds(struct tc_echo *e, struct pollfd *pfd, uint64_t now)
{
	unsigned n = 0;

	pfd[n].fd = e->lfd;
	pfd[n].events = POLLIN;
	pfd[n].revents = 0;
	n++;
	for (unsigned i = 0; i < TC_ECHO_MAX_CHANS; i++) {
		if (e->chans[i] == NULL)
			continue;
		pfd[n].fd = e->chans[i]->state == TC_CHAN_STATE_CLOSED ? -1 : e->chans[i]->fd;
		pfd[n].events = tc_chan_events(e->chans[i], now);
		pfd[n].revents = 0;
		n++;
	}
	return n;
}

/* Accept what the listener has (at most 16 per call). */
static void
echo_accept(struct tc_echo *e, uint64_t now)
{
	for (int k = 0; k < 16; k++) {
		int fd = accept4(e->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		unsigned i;

		if (fd < 0)
			return;
		for (i = 0; i < TC_ECHO_MAX_CHANS && e->chans[i] != NULL; i++)
			;
		if (i == TC_ECHO_MAX_CHANS) {
			close(fd);
			e->st.chans_refused++;
			continue;
		}
		e->chans[i] = tc_chan_accept(e->ctx, fd, &e->creds, &echo_ops, e, now);
		if (e->chans[i] == NULL) {
			e->st.chans_refused++;
			continue;
		}
		e->st.chans_accepted++;
		tc_log(TC_LOG_INFO, "echo: connection from %s", e->chans[i]->name);
		tc_chan_service(e->chans[i], 0, now);
	}
}

void
tc_echo_service(struct tc_echo *e, const struct pollfd *pfd, unsigned n, uint64_t now)
{
	unsigned k = 1;

	/* The channels in tc_echo_pollfds() order; the set has not changed since. */
	for (unsigned i = 0; i < TC_ECHO_MAX_CHANS; i++) {
		struct tc_chan *ch = e->chans[i];
		short rev = 0;

		if (ch == NULL)
			continue;
		if (k < n)
			rev = pfd[k++].revents;
		tc_chan_service(ch, rev, now);
		if (ch->state == TC_CHAN_STATE_CLOSED) {
			tc_chan_free(ch);
			e->chans[i] = NULL;
		}
	}
	if (n > 0 && (pfd[0].revents & POLLIN))
		echo_accept(e, now);
}

bool
tc_echo_has_work(const struct tc_echo *e, uint64_t now)
{
	for (unsigned i = 0; i < TC_ECHO_MAX_CHANS; i++)
		if (e->chans[i] != NULL && tc_chan_has_work(e->chans[i], now))
			return true;
	return false;
}

uint64_t
tc_echo_next_timer(const struct tc_echo *e)
{
	uint64_t t = UINT64_MAX;

	for (unsigned i = 0; i < TC_ECHO_MAX_CHANS; i++) {
		const struct tc_chan *ch = e->chans[i];

		if (ch == NULL || ch->state == TC_CHAN_STATE_CLOSED)
			continue;
		if (ch->paused_until != 0 && ch->paused_until < t)
			t = ch->paused_until;
		if (ch->state != TC_CHAN_STATE_OPEN && ch->hs_deadline < t)
			t = ch->hs_deadline;
	}
	return t;
}

void
tc_echo_stop(struct tc_echo *e)
{
	struct tc_echo_circ *c, *next;

	for (unsigned i = 0; i < TC_ECHO_MAX_CHANS; i++) {
		if (e->chans[i] != NULL) {
			/* No callbacks: the records are freed below anyway. */
			tc_chan_free(e->chans[i]);
			e->chans[i] = NULL;
		}
	}
	for (c = e->all; c != NULL; c = next) {
		next = c->all_next;
		dp_rc_free(&c->rc);
		OPENSSL_cleanse(c, sizeof(*c));
		free(c);
	}
	e->all = NULL;
	memset(e->kh_hash, 0, sizeof(e->kh_hash));
	if (e->lfd >= 0)
		close(e->lfd);
	e->lfd = -1;
	SSL_CTX_free(e->ctx);
	e->ctx = NULL;
	cp_linkcreds_destroy(&e->creds);
	cp_keys_destroy(e->keys);
	e->keys = NULL;
	OPENSSL_cleanse(&e->sk, sizeof(e->sk));
	if (e->dir_is_temp) {
		/* Our own mkdtemp() directory: remove it and the keys in it. */
		nftw(e->dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
		e->dir_is_temp = false;
	}
}
