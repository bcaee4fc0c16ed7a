/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief chive-torclient's client: circuits on one channel, built hop by hop, data checked.
 *
 * Building (tor-spec.txt §5): a circuit starts with CREATE2 (HTYPE ntor or
 * ntor-v3; ntor-v3 with the empty message "00" that tor 0.4.9 sends to
 * middles, relay-checklist §0.6) or CREATE_FAST to the first hop, with a
 * random circuit id with the MSB set (§5.1.1). Each further hop is added
 * with an EXTEND2 originated at the current last hop (§5.1.2: link
 * specifiers IPv4, legacy id, Ed25519 id, in tor's order) in a RELAY_EARLY
 * cell (§5.6), and its EXTENDED2 completes the handshake. At most
 * conf.parallel circuits are being built at once.
 *
 * Relay crypto (dataplane/cell/relay_crypto.h, "client" recipe): a cell
 * for hop i gets hop i's forward digest, then is encrypted with the
 * forward keys of hops i, i-1, ..., 0; a cell from the path is decrypted
 * hop by hop from 0 until a hop's backward digest recognizes it.
 *
 * Data: cell k of circuit c is RELAY DATA with stream id 1 + k mod 65535
 * and 1..498 bytes, length and bytes drawn from a generator seeded by
 * (seed, c, k), so nothing sent is stored. At most conf.window cells per
 * circuit are in flight. An echo is matched by its stream id to the oldest
 * cells in flight (circuits are FIFO, so echoes come back in order): cells
 * it skips over are lost; it is verified when command, stream id, length
 * and every data byte equal what was sent, and corrupted otherwise. A
 * cell that matches nothing in flight is unexpected.
 *
 * DESTROY (--destroy): after its data, each circuit sends DESTROY and waits
 * until the echo endpoint in this process sees it arrive (matched by KH).
 * tor relays hold back DESTROY cells: circuitmux_append_destroy_cell()
 * writes one only when the channel's outbuf is empty and does not tell the
 * cell scheduler, so the others wait in the circuitmux until a relay cell
 * is scheduled on that channel (tor 0.4.9, circuitmux.c). So, with
 * --destroy, one spare circuit (not counted) is built first along the same
 * path; while DESTROYs are unconfirmed it carries a DROP cell every
 * TC_CLIENT_NUDGE_MS, which makes every relay on the path flush its queue.
 *
 * Circuits with something to send wait in a FIFO (sendq) so the sender's
 * work is proportional to what it sends, not to the number of circuits.
 * The sender leaves room in the channel's send queue for the EXTEND2 or
 * DESTROY that each circuit being built may need in one read pass
 * (headroom(): min(parallel, TC_CLIENT_HEADROOM_MAX) + TC_CLIENT_HEADROOM
 * cells); a build answer that still finds no room stops reading until the
 * queue drains. An echo is never refused, so the client keeps reading while
 * a peer that stops reading (the echo endpoint when its own queue is full)
 * waits for it: no deadlock.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "common/wire/wire_create.h"
#include "common/wire/wire_relay.h"
#include "tools/torclient/tc.h"

/** Cells of send room the data sender leaves for handshake and DESTROY cells. */
#define TC_CLIENT_HEADROOM 8
/** Most cells of room kept for circuits being built. */
#define TC_CLIENT_HEADROOM_MAX 512
/** Interval of the DROP cells on the spare circuit while DESTROYs are unconfirmed, ms. */
#define TC_CLIENT_NUDGE_MS 100
/** Timed mode: most cells in flight over all circuits (send times kept: 8 B each). */
#define TC_CLIENT_TIMED_SLOTS_MAX (1u << 24)
/** Failure reasons printed at the default verbosity; the rest only with -v. */
#define TC_CLIENT_LOUD_FAILURES 5
/** The ntor-v3 client message tor 0.4.9 sends to middle relays: no extensions. */
static const uint8_t ntor3_empty_msg[] = {0x00};

/* Per-circuit flags kept outside struct tc_circ's public fields. */
struct circ_aux {
	bool queued;	   /* in the send FIFO */
	bool need_destroy; /* all data accounted for; DESTROY to send */
};

/* The send FIFO and the flags, one entry per circuit (allocated with the circuits). */
struct client_priv {
	uint32_t *q;
	uint32_t head;
	uint32_t count;
	struct circ_aux *aux;
	uint32_t destroying; /* circuits in TC_CIRC_DESTROYING */
	uint32_t spare;	     /* index of the spare circuit, UINT32_MAX if none */
	bool spare_started;
	uint64_t next_nudge;  /* ms */
	uint32_t loud;	      /* failures printed so far */
	uint64_t *sent_ns;    /* timed mode: send time of each cell in flight, [idx * window + seq %
				 window] */
	struct tc_rng idrng;  /* circuit ids */
	struct tc_rng padrng; /* relay cell padding */
};

static struct client_priv *
priv(const struct tc_client *c)
{
	return (struct client_priv *)c->priv;
}

/* Bytes of send room the data sender and new builds leave free. */
static size_t
headroom(const struct tc_client *c)
{
	uint32_t n = c->conf.parallel < TC_CLIENT_HEADROOM_MAX ? c->conf.parallel
							       : TC_CLIENT_HEADROOM_MAX;

	return (size_t)(n + TC_CLIENT_HEADROOM) * WIRE_CELL_LEN;
}

/* ---- the send FIFO ---- */

static void
sendq_push(struct tc_client *c, struct tc_circ *circ)
{
	struct client_priv *p = priv(c);

	if (p->aux[circ->idx].queued)
		return;
	p->aux[circ->idx].queued = true;
	p->q[(p->head + p->count) % c->n_circs] = circ->idx;
	p->count++;
}

static struct tc_circ *
sendq_pop(struct tc_client *c)
{
	struct client_priv *p = priv(c);
	uint32_t idx;

	if (p->count == 0)
		return NULL;
	idx = p->q[p->head];
	p->head = (p->head + 1) % c->n_circs;
	p->count--;
	p->aux[idx].queued = false;
	return &c->circs[idx];
}

/* ---- timed mode ---- */

static bool
timed(const struct tc_client *c)
{
	return c->conf.n_phases > 0;
}

/* A phase is running: circuits send. */
static bool
phase_running(const struct tc_client *c)
{
	return c->phase >= 0 && c->phase < (int)c->conf.n_phases;
}

/* Cells the pacer lets the sender put out now (UINT64_MAX: unpaced). */
static uint64_t
pace_room(const struct tc_client *c, uint64_t now_ns)
{
	const struct tc_phase_stats *ps;
	uint64_t allowed;
	uint32_t rate;

	if (!phase_running(c))
		return UINT64_MAX;
	rate = c->conf.phases[c->phase].rate;
	if (rate == 0)
		return UINT64_MAX;
	ps = &c->ph[c->phase];
	/* One cell of burst: the first goes out at the start. */
	allowed = 1 + (uint64_t)((double)(now_ns - ps->t_start_ns) * rate / 1e9);
	return allowed > ps->cells_sent ? allowed - ps->cells_sent : 0;
}

/* @p circ may send another data cell (window aside). */
static bool
wants_data(const struct tc_client *c, const struct tc_circ *circ)
{
	if (timed(c))
		return phase_running(c);
	return circ->next_seq < c->conf.cells;
}

/* ---- circuit end states ---- */

static void
circ_free_crypto(struct tc_circ *circ)
{
	for (unsigned i = 0; i < TC_MAX_HOPS; i++)
		dp_rc_free(&circ->rc[i]);
	cp_onion_client_wipe(&circ->hs);
}

static bool
is_spare(const struct tc_client *c, const struct tc_circ *circ)
{
	return circ->idx == priv(c)->spare;
}

static bool
circ_is_final(const struct tc_circ *circ)
{
	return circ->state == TC_CIRC_DONE || circ->state == TC_CIRC_FAILED;
}

static void
circ_set_final(struct tc_client *c, struct tc_circ *circ, uint8_t state)
{
	if (circ->state == TC_CIRC_BUILDING)
		c->building--;
	if (circ->state == TC_CIRC_DESTROYING)
		priv(c)->destroying--;
	circ->state = state;
	if (!is_spare(c, circ))
		c->finished++;
	if (c->ch != NULL && circ->id != 0)
		tc_circmap_del(&c->ch->circs, circ->id);
	circ_free_crypto(circ);
}

/*
 * Fail @p circ with a reason; send DESTROY (reason PROTOCOL) to the first hop
 * when @p destroy and the channel can take it.
 */
static void __attribute__((format(printf, 5, 6)))
circ_fail(struct tc_client *c, struct tc_circ *circ, uint64_t now, bool destroy, const char *fmt,
	  ...)
{
	struct client_priv *p = priv(c);
	uint8_t reason = WIRE_DESTROY_PROTOCOL;
	va_list ap;

	(void)now;
	if (circ_is_final(circ))
		return;
	va_start(ap, fmt);
	vsnprintf(circ->why, sizeof(circ->why), fmt, ap);
	va_end(ap);
	tc_log(p->loud < TC_CLIENT_LOUD_FAILURES ? TC_LOG_ERR : TC_LOG_INFO,
	       "%scircuit %u (id 0x%08x, %u of %u hops): %s", is_spare(c, circ) ? "spare " : "",
	       circ->idx, circ->id, circ->n_keyed, c->conf.n_hops, circ->why);
	p->loud++;
	if (destroy && circ->id != 0 && c->ch != NULL && tc_chan_tx_room(c->ch) >= WIRE_CELL_LEN)
		tc_chan_send_fixed(c->ch, circ->id, WIRE_CELL_CMD_DESTROY, &reason, 1);
	if (!is_spare(c, circ))
		c->st.failed++;
	circ_set_final(c, circ, TC_CIRC_FAILED);
}

/* ---- sending relay cells ---- */

/*
 * Originate a relay cell at hop @p target (tor-spec.txt §6.1, relay_crypto.h
 * "client, cell to hop i") and queue it, as RELAY_EARLY when @p early.
 */
static int
send_relay(struct tc_client *c, struct tc_circ *circ, unsigned target, uint8_t rcmd,
	   uint16_t stream, const uint8_t *data, size_t len, bool early)
{
	uint8_t p[WIRE_RELAY_PAYLOAD_LEN];
	struct wire_relay_hdr h = {.cmd = rcmd, .stream_id = stream, .length = (uint16_t)len};
	size_t end = WIRE_RELAY_HDR_LEN + len;
	uint8_t cmd = WIRE_CELL_CMD_RELAY;

	if (wire_relay_hdr_encode(p, sizeof(p), &h) != 0)
		return -EMSGSIZE;
	memcpy(p + WIRE_RELAY_HDR_LEN, data, len);
	/* Padding (proposal 289): four zero bytes, then random bytes. */
	memset(p + end, 0, sizeof(p) - end < 4 ? sizeof(p) - end : 4);
	if (end + 4 < sizeof(p))
		tc_rng_fill(&priv(c)->padrng, p + end + 4, sizeof(p) - end - 4);
	dp_rc_digest_set(&circ->rc[target].fwd, p);
	for (int j = (int)target; j >= 0; j--)
		dp_rc_crypt(&circ->rc[j].fwd, p);
	if (early && circ->n_early < 8) {
		/* tor-spec.txt §5.6: at most 8 RELAY_EARLY cells per circuit. */
		cmd = WIRE_CELL_CMD_RELAY_EARLY;
		circ->n_early++;
	}
	return tc_chan_send_fixed(c->ch, circ->id, cmd, p, sizeof(p));
}

/* Length and bytes of data cell @p seq of circuit @p idx (deterministic). */
static size_t
gen_cell(const struct tc_client *c, uint32_t idx, uint64_t seq, uint8_t data[WIRE_RELAY_DATA_MAX])
{
	struct tc_rng r = {c->conf.seed ^ ((uint64_t)idx * UINT64_C(0xd1b54a32d192ed03)) ^
			   (seq * UINT64_C(0x8cb92ba72f3d8dd7))};
	size_t len;

	tc_rng_next(&r);
	len = 1 + (size_t)(tc_rng_next(&r) % WIRE_RELAY_DATA_MAX);
	tc_rng_fill(&r, data, len);
	return len;
}

/* ---- building ---- */

static uint16_t
hop_htype(const struct tc_client *c, unsigned hop)
{
	/* CREATE_FAST only exists for the first hop (tor-spec.txt §5.1.5). */
	if (c->conf.htype == WIRE_HTYPE_FAST && hop > 0)
		return WIRE_HTYPE_NTOR_V3;
	return c->conf.htype;
}

/* Make the handshake for hop @p hop into @p out; return its length or a negative errno. */
static int
hop_onionskin(struct tc_client *c, struct tc_circ *circ, unsigned hop, uint16_t htype, uint8_t *out,
	      size_t cap)
{
	const struct tc_hop *h = &c->conf.hops[hop];
	struct cp_onion_peer peer;
	int n;

	memcpy(peer.rsa_id, h->rsa_id, 20);
	memcpy(peer.ed_id, h->ed_id, 32);
	memcpy(peer.ntor_pub, h->ntor_pub, 32);
	if (htype == WIRE_HTYPE_NTOR_V3)
		n = cp_onion_client_create(&circ->hs, htype, &peer, ntor3_empty_msg,
					   sizeof(ntor3_empty_msg), out, cap);
	else
		n = cp_onion_client_create(&circ->hs, htype, &peer, NULL, 0, out, cap);
	return n;
}

static void
circ_start(struct tc_client *c, struct tc_circ *circ, uint64_t now)
{
	uint8_t skin[WIRE_CREATE2_HDATA_MAX], p[WIRE_CELL_PAYLOAD_LEN];
	uint16_t htype = hop_htype(c, 0);
	int n;

	circ->t_start = now;
	circ->state = TC_CIRC_BUILDING;
	c->building++;
	circ->id = tc_chan_new_circ_id(c->ch, &priv(c)->idrng);
	if (circ->id == 0 || tc_circmap_put(&c->ch->circs, circ->id, circ) != 0) {
		circ->id = 0;
		circ_fail(c, circ, now, false, "no circuit id available");
		return;
	}
	for (unsigned i = 0; i < c->conf.n_hops; i++) {
		if (dp_rc_alloc(c->rclib, &circ->rc[i]) != 0) {
			circ_fail(c, circ, now, false, "out of memory for relay crypto");
			return;
		}
	}
	n = hop_onionskin(c, circ, 0, htype, skin, sizeof(skin));
	if (n < 0) {
		circ_fail(c, circ, now, false, "cannot make the handshake for hop 1: %s",
			  strerror(-n));
		return;
	}
	if (htype == WIRE_HTYPE_FAST) {
		tc_chan_send_fixed(c->ch, circ->id, WIRE_CELL_CMD_CREATE_FAST, skin, (size_t)n);
	} else {
		wire_create2_encode(p, sizeof(p), htype, skin, (uint16_t)n);
		tc_chan_send_fixed(c->ch, circ->id, WIRE_CELL_CMD_CREATE2, p, sizeof(p));
	}
	OPENSSL_cleanse(skin, sizeof(skin));
}

static void circ_complete(struct tc_client *c, struct tc_circ *circ, uint64_t now);

/* Hop n_keyed answered with @p reply: key it, then extend or declare the circuit built. */
static void
circ_keyed(struct tc_client *c, struct tc_circ *circ, const uint8_t *reply, size_t len,
	   uint64_t now)
{
	uint8_t skin[WIRE_CREATE2_HDATA_MAX], data[WIRE_RELAY_DATA_MAX], msg[CP_ONION_MSG_MAX];
	unsigned k = circ->n_keyed;
	struct cp_onion_keys keys;
	struct wire_extend2 x;
	const struct tc_hop *h;
	size_t msg_len = 0;
	int n, rc;

	rc = cp_onion_client_finish(&circ->hs, reply, len, &keys, msg, sizeof(msg), &msg_len);
	cp_onion_client_wipe(&circ->hs);
	if (rc != 0) {
		circ_fail(c, circ, now, true, "handshake with hop %u (%s) failed: %s", k + 1,
			  c->conf.hops[k].name, strerror(-rc));
		return;
	}
	rc = dp_rc_set_keys(&circ->rc[k], keys.keys);
	if (k + 1 == c->conf.n_hops)
		memcpy(circ->kh, keys.kh, CP_ONION_KH_LEN);
	OPENSSL_cleanse(&keys, sizeof(keys));
	if (rc != 0) {
		circ_fail(c, circ, now, true, "relay crypto keying failed");
		return;
	}
	circ->n_keyed++;
	if (circ->n_keyed == c->conf.n_hops) {
		uint64_t ms = now - circ->t_start;

		circ->state = TC_CIRC_OPEN;
		circ->t_built = now;
		c->building--;
		if (is_spare(c, circ)) {
			tc_log(TC_LOG_DEBUG, "spare circuit (id 0x%08x) built", circ->id);
			return;
		}
		c->st.built++;
		c->st.build_ms_sum += ms;
		if (ms > c->st.build_ms_max)
			c->st.build_ms_max = ms;
		if (c->echo != NULL && c->conf.hops[k].is_echo)
			circ->echo = tc_echo_find_kh(c->echo, circ->kh);
		tc_log(TC_LOG_DEBUG, "circuit %u (id 0x%08x) built in %llu ms", circ->idx, circ->id,
		       (unsigned long long)ms);
		if (timed(c)) {
			if (phase_running(c))
				sendq_push(c, circ);
		} else if (c->conf.cells == 0) {
			circ_complete(c, circ, now);
		} else {
			sendq_push(c, circ);
		}
		return;
	}
	/* tor-spec.txt §5.1.2: EXTEND2 to hop k+1, originated at hop k. */
	h = &c->conf.hops[k + 1];
	memset(&x, 0, sizeof(x));
	x.has_ipv4 = 1;
	x.ipv4_addr = ntohl(h->addr.sin_addr.s_addr);
	x.ipv4_port = ntohs(h->addr.sin_port);
	x.has_legacy_id = 1;
	memcpy(x.legacy_id, h->rsa_id, 20);
	if (h->has_ed) {
		x.has_ed_id = 1;
		memcpy(x.ed_id, h->ed_id, 32);
	}
	x.htype = hop_htype(c, k + 1);
	n = hop_onionskin(c, circ, k + 1, x.htype, skin, sizeof(skin));
	if (n < 0) {
		circ_fail(c, circ, now, true, "cannot make the handshake for hop %u: %s", k + 2,
			  strerror(-n));
		return;
	}
	x.hlen = (uint16_t)n;
	x.hdata = skin;
	n = wire_extend2_encode(data, sizeof(data), &x);
	OPENSSL_cleanse(skin, sizeof(skin));
	if (n < 0 ||
	    send_relay(c, circ, k, WIRE_RELAY_CMD_EXTEND2, 0, data, (size_t)n, true) != 0) {
		circ_fail(c, circ, now, true, "cannot send EXTEND2 to hop %u", k + 1);
		return;
	}
}

/* ---- data and the end of a circuit ---- */

static void
send_destroy(struct tc_client *c, struct tc_circ *circ, uint64_t now)
{
	uint8_t reason = WIRE_DESTROY_REQUESTED;

	tc_chan_send_fixed(c->ch, circ->id, WIRE_CELL_CMD_DESTROY, &reason, 1);
	priv(c)->aux[circ->idx].need_destroy = false;
	c->st.destroy_sent++;
	circ->t_destroy = now;
	tc_circmap_del(&c->ch->circs, circ->id);
	circ_free_crypto(circ);
	circ->state = TC_CIRC_DESTROYING;
	priv(c)->destroying++;
	if (circ->echo == NULL) {
		/* Nobody of ours at the far end to see it arrive. */
		c->st.destroy_unverifiable++;
		circ->id = 0;
		circ_set_final(c, circ, TC_CIRC_DONE);
	}
}

/* All data of @p circ is accounted for. */
static void
circ_complete(struct tc_client *c, struct tc_circ *circ, uint64_t now)
{
	if (!c->conf.destroy) {
		circ_set_final(c, circ, TC_CIRC_DONE);
		return;
	}
	if (tc_chan_tx_room(c->ch) >= WIRE_CELL_LEN) {
		send_destroy(c, circ, now);
		return;
	}
	priv(c)->aux[circ->idx].need_destroy = true;
	sendq_push(c, circ);
}

/* An echo arrived from the last hop: account for it (see the file comment). */
static void
data_echo(struct tc_client *c, struct tc_circ *circ, const struct wire_relay_hdr *h,
	  const uint8_t *p, uint64_t now)
{
	uint8_t want[WIRE_RELAY_DATA_MAX];
	uint64_t in_flight = circ->next_seq - circ->next_expect, seq, delta;
	bool good = false;
	size_t len;

	if (h->stream_id == 0) {
		circ->unexpected++;
		c->st.unexpected++;
		return;
	}
	delta = ((uint64_t)h->stream_id - 1 + 65535 - circ->next_expect % 65535) % 65535;
	if (delta >= in_flight) {
		circ->unexpected++;
		c->st.unexpected++;
		return;
	}
	seq = circ->next_expect + delta;
	circ->lost += delta;
	c->st.lost += delta;
	circ->next_expect = seq + 1;
	len = gen_cell(c, circ->idx, seq, want);
	if (h->cmd == WIRE_RELAY_CMD_DATA && h->length == len &&
	    memcmp(p + WIRE_RELAY_HDR_LEN, want, len) == 0) {
		circ->verified++;
		c->st.verified++;
		c->st.bytes_verified += len;
		good = true;
	} else {
		circ->corrupted++;
		c->st.corrupted++;
		tc_log(TC_LOG_INFO, "circuit %u: echo of cell %llu differs", circ->idx,
		       (unsigned long long)seq);
	}
	if (timed(c)) {
		if (good && c->phase >= 0) {
			int k = c->phase < (int)c->conf.n_phases ? c->phase
								 : (int)c->conf.n_phases - 1;
			struct tc_phase_stats *ps = &c->ph[k];
			uint64_t sent = priv(c)->sent_ns[(uint64_t)circ->idx * c->conf.window +
							 seq % c->conf.window];

			ps->verified++;
			ps->bytes_verified += len;
			tc_hist_add(&ps->rtt, tc_now_ns() - sent);
		}
		if (phase_running(c))
			sendq_push(c, circ);
		else if (c->phase >= (int)c->conf.n_phases && circ->next_expect == circ->next_seq)
			circ_complete(c, circ, now);
		return;
	}
	if (circ->next_expect == c->conf.cells)
		circ_complete(c, circ, now);
	else if (circ->next_seq < c->conf.cells)
		sendq_push(c, circ);
}

/* A RELAY cell from the path (tor-spec.txt §5.5.3; relay_crypto.h "client, cell from the path"). */
static void
relay_in(struct tc_client *c, struct tc_circ *circ, const struct wire_cell *cell, uint64_t now)
{
	uint8_t p[WIRE_RELAY_PAYLOAD_LEN];
	struct wire_relay_hdr h;
	struct wire_created2 ext;
	int origin = -1;

	memcpy(p, cell->payload, sizeof(p));
	for (unsigned j = 0; j < circ->n_keyed; j++) {
		dp_rc_crypt(&circ->rc[j].bwd, p);
		if (dp_rc_digest_check(&circ->rc[j].bwd, p)) {
			origin = (int)j;
			break;
		}
	}
	if (origin < 0 || wire_relay_hdr_decode(p, sizeof(p), &h) != 0) {
		circ_fail(c, circ, now, true, "a relay cell no hop recognized");
		return;
	}
	if (h.cmd == WIRE_RELAY_CMD_TRUNCATED) {
		circ_fail(c, circ, now, true, "TRUNCATED by hop %d (%s): %s", origin + 1,
			  c->conf.hops[origin].name,
			  wire_destroy_reason_name(h.length > 0 ? p[WIRE_RELAY_HDR_LEN] : 0));
		return;
	}
	if (circ->state == TC_CIRC_BUILDING) {
		if (h.cmd != WIRE_RELAY_CMD_EXTENDED2 || origin != (int)circ->n_keyed - 1) {
			circ_fail(c, circ, now, true,
				  "relay command %u from hop %d while extending", h.cmd,
				  origin + 1);
			return;
		}
		if (wire_extended2_decode(p + WIRE_RELAY_HDR_LEN, h.length, &ext) != 0) {
			circ_fail(c, circ, now, true, "malformed EXTENDED2 from hop %d",
				  origin + 1);
			return;
		}
		circ_keyed(c, circ, ext.hdata, ext.hlen, now);
		return;
	}
	if (is_spare(c, circ))
		return; /* echoes of the DROP cells */
	if (circ->state == TC_CIRC_OPEN && origin == (int)c->conf.n_hops - 1) {
		data_echo(c, circ, &h, p, now);
		return;
	}
	circ->unexpected++;
	c->st.unexpected++;
}

static int
client_cell(struct tc_chan *ch, const struct wire_cell *cell, uint64_t now)
{
	struct tc_client *c = ch->owner;
	struct tc_circ *circ = tc_circmap_get(&ch->circs, cell->circ_id);
	struct wire_created2 cr;

	if (circ == NULL)
		return 0; /* late cells of a circuit we gave up on */
	/* Answers while building may need one cell of room (EXTEND2, DESTROY). */
	if (circ->state == TC_CIRC_BUILDING && tc_chan_tx_room(ch) < 2 * WIRE_CELL_LEN)
		return -EAGAIN;
	switch (cell->cmd) {
	case WIRE_CELL_CMD_CREATED2:
	case WIRE_CELL_CMD_CREATED_FAST:
		if (circ->state != TC_CIRC_BUILDING || circ->n_keyed != 0) {
			circ_fail(c, circ, now, true, "unexpected CREATED");
			return 0;
		}
		if (cell->cmd == WIRE_CELL_CMD_CREATED_FAST) {
			circ_keyed(c, circ, cell->payload, WIRE_CREATED_FAST_LEN, now);
			return 0;
		}
		if (wire_created2_decode(cell->payload, cell->payload_len, &cr) != 0) {
			circ_fail(c, circ, now, true, "malformed CREATED2");
			return 0;
		}
		circ_keyed(c, circ, cr.hdata, cr.hlen, now);
		return 0;
	case WIRE_CELL_CMD_RELAY:
		if (circ->state == TC_CIRC_BUILDING || circ->state == TC_CIRC_OPEN)
			relay_in(c, circ, cell, now);
		return 0;
	case WIRE_CELL_CMD_RELAY_EARLY:
		/* tor-spec.txt §5.6: never inbound. */
		circ_fail(c, circ, now, true, "inbound RELAY_EARLY");
		return 0;
	case WIRE_CELL_CMD_DESTROY:
		tc_circmap_del(&ch->circs, circ->id);
		circ->id = 0;
		circ_fail(c, circ, now, false, "DESTROY from %s: %s", c->conf.hops[0].name,
			  wire_destroy_reason_name(cell->payload[0]));
		return 0;
	default:
		return 0;
	}
}

static void
client_opened(struct tc_chan *ch, uint64_t now)
{
	struct tc_client *c = ch->owner;

	c->t_open = now;
	tc_log(TC_LOG_INFO, "channel to %s open (link %u)", ch->name, ch->link);
}

static void
client_closed(struct tc_chan *ch, uint64_t now)
{
	struct tc_client *c = ch->owner;

	c->chan_failed = true;
	snprintf(c->chan_why, sizeof(c->chan_why), "%s", ch->why);
	if (c->t_open == 0)
		tc_log(TC_LOG_ERR, "channel to %s failed: %s", ch->name, ch->why);
	else if (c->finished < c->conf.circuits)
		tc_log(TC_LOG_ERR, "channel to %s closed: %s", ch->name, ch->why);
	for (uint32_t i = 0; i < c->n_circs; i++) {
		struct tc_circ *circ = &c->circs[i];

		/* A DESTROYING circuit may still see its DESTROY arrive (a closed
		 * channel destroys its circuits); the rest are lost with the channel. */
		if (!circ_is_final(circ) && circ->state != TC_CIRC_DESTROYING) {
			priv(c)->loud = TC_CLIENT_LOUD_FAILURES;
			circ_fail(c, circ, now, false, "channel closed: %s", ch->why);
		}
	}
}

static const struct tc_chan_ops client_ops = {
	.cell = client_cell,
	.opened = client_opened,
	.closed = client_closed,
};

/* ---- public ---- */

int
tc_client_start(struct tc_client *c, const struct tc_client_conf *conf, SSL_CTX *ctx,
		const struct dp_rc_lib *rclib, struct tc_echo *echo, uint64_t now, char *err,
		size_t errlen)
{
	const struct tc_hop *h0 = &conf->hops[0];
	struct client_priv *p;

	memset(c, 0, sizeof(*c));
	c->conf = *conf;
	c->ctx = ctx;
	c->rclib = rclib;
	c->echo = echo;
	p = calloc(1, sizeof(*p));
	c->circs = calloc(conf->circuits + 1u, sizeof(*c->circs));
	if (p == NULL || c->circs == NULL) {
		free(p);
		snprintf(err, errlen, "out of memory for %u circuits", conf->circuits);
		return -ENOMEM;
	}
	c->priv = p;
	c->n_circs = conf->circuits + (conf->destroy ? 1 : 0);
	p->spare = conf->destroy ? conf->circuits : UINT32_MAX;
	p->q = calloc(c->n_circs, sizeof(*p->q));
	p->aux = calloc(c->n_circs, sizeof(*p->aux));
	c->phase = -1;
	if (timed(c)) {
		if ((uint64_t)conf->circuits * conf->window > TC_CLIENT_TIMED_SLOTS_MAX) {
			snprintf(err, errlen,
				 "--circuits x --window must be at most %u with --phase",
				 TC_CLIENT_TIMED_SLOTS_MAX);
			tc_client_stop(c);
			return -EINVAL;
		}
		p->sent_ns = calloc((size_t)conf->circuits * conf->window, sizeof(*p->sent_ns));
		if (p->sent_ns == NULL) {
			snprintf(err, errlen, "out of memory for %u circuits", conf->circuits);
			tc_client_stop(c);
			return -ENOMEM;
		}
	}
	if (p->q == NULL || p->aux == NULL ||
	    RAND_bytes((unsigned char *)&p->idrng.s, sizeof(p->idrng.s)) != 1 ||
	    RAND_bytes((unsigned char *)&p->padrng.s, sizeof(p->padrng.s)) != 1) {
		snprintf(err, errlen, "out of memory for %u circuits", conf->circuits);
		tc_client_stop(c);
		return -ENOMEM;
	}
	for (uint32_t i = 0; i <= conf->circuits; i++)
		c->circs[i].idx = i;
	c->ch = tc_chan_connect(ctx, &h0->addr, h0->rsa_id, h0->has_ed ? h0->ed_id : NULL,
				&client_ops, c, now, err, errlen);
	if (c->ch == NULL) {
		tc_client_stop(c);
		return -ECONNREFUSED;
	}
	return 0;
}

static void
phase_start(struct tc_client *c, int k)
{
	c->phase = k;
	c->ph[k].t_start_ns = tc_now_ns();
	/* Markers for a script that samples the relay at phase boundaries. */
	fprintf(stderr, "torclient: phase %d start\n", k);
	fflush(stderr);
	for (uint32_t i = 0; i < c->conf.circuits; i++)
		if (c->circs[i].state == TC_CIRC_OPEN)
			sendq_push(c, &c->circs[i]);
}

/* Timed mode: start, end and switch phases (see tc_client_conf). */
static void
phase_step(struct tc_client *c, uint64_t now)
{
	if (c->phase < 0) {
		if (c->t_all_built == 0) {
			if (c->st.built + c->st.failed < c->conf.circuits)
				return;
			c->t_all_built = now;
			fprintf(stderr, "torclient: built %llu circuits\n",
				(unsigned long long)c->st.built);
			fflush(stderr);
		}
		if (now >= c->t_all_built + c->conf.settle_ms)
			phase_start(c, 0);
		return;
	}
	if (!phase_running(c))
		return;
	if (tc_now_ns() - c->ph[c->phase].t_start_ns <
	    (uint64_t)c->conf.phases[c->phase].ms * 1000000u)
		return;
	c->ph[c->phase].t_end_ns = tc_now_ns();
	fprintf(stderr, "torclient: phase %d end\n", c->phase);
	fflush(stderr);
	if (c->phase + 1 < (int)c->conf.n_phases) {
		phase_start(c, c->phase + 1);
		return;
	}
	/* The last phase is over: circuits finish once their echoes are in. */
	c->phase = (int)c->conf.n_phases;
	for (uint32_t i = 0; i < c->conf.circuits; i++) {
		struct tc_circ *circ = &c->circs[i];

		if (circ->state == TC_CIRC_OPEN && circ->next_expect == circ->next_seq)
			circ_complete(c, circ, now);
	}
}

void
tc_client_pump(struct tc_client *c, uint64_t now)
{
	struct client_priv *p = priv(c);
	uint64_t pace = UINT64_MAX;
	uint32_t budget;

	if (c->ch == NULL || c->ch->state != TC_CHAN_STATE_OPEN)
		return;
	/* The spare circuit first (it builds alongside the others), then new
	 * builds, at most conf.parallel in flight. */
	if (p->spare != UINT32_MAX && !p->spare_started) {
		p->spare_started = true;
		circ_start(c, &c->circs[p->spare], now);
	}
	while (c->building < c->conf.parallel && c->next_start < c->conf.circuits &&
	       tc_chan_tx_room(c->ch) >= headroom(c))
		circ_start(c, &c->circs[c->next_start++], now);
	if (timed(c)) {
		phase_step(c, now);
		pace = pace_room(c, tc_now_ns());
	}
	/* Circuits with something to send, each once per call. */
	for (budget = p->count; budget > 0 && pace > 0; budget--) {
		struct tc_circ *circ;

		if (tc_chan_tx_room(c->ch) < headroom(c))
			break;
		circ = sendq_pop(c);
		if (circ == NULL)
			break;
		if (p->aux[circ->idx].need_destroy) {
			send_destroy(c, circ, now);
			continue;
		}
		while (circ->state == TC_CIRC_OPEN && wants_data(c, circ) &&
		       circ->next_seq - circ->next_expect < c->conf.window) {
			uint8_t data[WIRE_RELAY_DATA_MAX];
			size_t len;

			if (tc_chan_tx_room(c->ch) < headroom(c) || pace == 0) {
				sendq_push(c, circ);
				break;
			}
			len = gen_cell(c, circ->idx, circ->next_seq, data);
			if (send_relay(c, circ, c->conf.n_hops - 1, WIRE_RELAY_CMD_DATA,
				       (uint16_t)(1 + circ->next_seq % 65535), data, len,
				       false) != 0)
				break;
			if (timed(c)) {
				p->sent_ns[(uint64_t)circ->idx * c->conf.window +
					   circ->next_seq % c->conf.window] = tc_now_ns();
				c->ph[c->phase].cells_sent++;
				if (pace != UINT64_MAX)
					pace--;
			}
			circ->next_seq++;
			c->st.cells_sent++;
		}
	}
	/* DESTROYs on their way to the endpoint in this process. */
	if (p->destroying > 0) {
		struct tc_circ *sp = &c->circs[p->spare];

		if (sp->state == TC_CIRC_OPEN && now >= p->next_nudge &&
		    tc_chan_tx_room(c->ch) >= WIRE_CELL_LEN) {
			/* tor-spec.txt §6.1: DROP is ignored by relays; ours echoes it. */
			static const uint8_t none[1];

			send_relay(c, sp, c->conf.n_hops - 1, WIRE_RELAY_CMD_DROP, 0, none, 0,
				   false);
			p->next_nudge = now + TC_CLIENT_NUDGE_MS;
		}
		for (uint32_t i = 0; i < c->conf.circuits; i++) {
			struct tc_circ *circ = &c->circs[i];

			if (circ->state == TC_CIRC_DESTROYING && circ->echo->destroyed) {
				circ->destroy_seen = true;
				c->st.destroy_seen++;
				circ->id = 0;
				circ_set_final(c, circ, TC_CIRC_DONE);
			}
		}
	}
	/* Everything counted is finished: close the spare (its DESTROY is not checked). */
	if (p->spare != UINT32_MAX && c->finished == c->conf.circuits &&
	    !circ_is_final(&c->circs[p->spare]) && tc_chan_tx_room(c->ch) >= WIRE_CELL_LEN) {
		struct tc_circ *sp = &c->circs[p->spare];
		uint8_t reason = WIRE_DESTROY_REQUESTED;

		if (sp->id != 0)
			tc_chan_send_fixed(c->ch, sp->id, WIRE_CELL_CMD_DESTROY, &reason, 1);
		circ_set_final(c, sp, TC_CIRC_DONE);
	}
}

bool
tc_client_is_done(const struct tc_client *c)
{
	const struct client_priv *p = priv(c);

	/* The spare is closed by tc_client_pump() once the rest is finished. */
	return c->finished == c->conf.circuits &&
	       (p->spare == UINT32_MAX || circ_is_final(&c->circs[p->spare]) || c->ch == NULL ||
		c->ch->state != TC_CHAN_STATE_OPEN);
}

bool
tc_client_has_work(const struct tc_client *c, uint64_t now)
{
	(void)now;
	if (c->ch == NULL || c->ch->state != TC_CHAN_STATE_OPEN ||
	    tc_chan_tx_room(c->ch) < headroom(c))
		return false;
	if (c->building < c->conf.parallel && c->next_start < c->conf.circuits)
		return true;
	return priv(c)->count > 0 && (!timed(c) || pace_room(c, tc_now_ns()) > 0);
}

uint64_t
tc_client_next_timer(const struct tc_client *c, uint64_t now)
{
	const struct tc_phase_stats *ps;
	uint64_t end;

	if (!timed(c))
		return UINT64_MAX;
	if (c->phase < 0)
		return c->t_all_built != 0 ? c->t_all_built + c->conf.settle_ms : UINT64_MAX;
	if (!phase_running(c))
		return UINT64_MAX;
	ps = &c->ph[c->phase];
	end = ps->t_start_ns / 1000000u + c->conf.phases[c->phase].ms;
	/* A paced sender with circuits waiting needs the next millisecond. */
	if (c->conf.phases[c->phase].rate != 0 && priv(c)->count > 0 && now + 1 < end)
		return now + 1;
	return end;
}

void
tc_client_finish(struct tc_client *c, uint64_t now)
{
	struct client_priv *p = priv(c);

	if (p->spare != UINT32_MAX && !circ_is_final(&c->circs[p->spare]))
		circ_set_final(c, &c->circs[p->spare], TC_CIRC_DONE);
	for (uint32_t i = 0; i < c->conf.circuits; i++) {
		struct tc_circ *circ = &c->circs[i];

		switch (circ->state) {
		case TC_CIRC_OPEN:
			circ->lost += circ->next_seq - circ->next_expect;
			c->st.lost += circ->next_seq - circ->next_expect;
			tc_log(TC_LOG_INFO,
			       "circuit %u: %llu of %u cells sent, %llu in flight at the end",
			       circ->idx, (unsigned long long)circ->next_seq, c->conf.cells,
			       (unsigned long long)(circ->next_seq - circ->next_expect));
			circ_set_final(c, circ, TC_CIRC_DONE);
			break;
		case TC_CIRC_IDLE:
		case TC_CIRC_BUILDING:
			circ_fail(c, circ, now, false, "%s at the deadline",
				  circ->state == TC_CIRC_IDLE ? "not started" : "still building");
			break;
		case TC_CIRC_DESTROYING:
			tc_log(TC_LOG_INFO, "circuit %u: DESTROY not seen at the endpoint",
			       circ->idx);
			circ_set_final(c, circ, TC_CIRC_DONE);
			break;
		default:
			break;
		}
	}
}

void
tc_client_stop(struct tc_client *c)
{
	struct client_priv *p = c->priv;

	if (c->circs != NULL) {
		for (uint32_t i = 0; i <= c->conf.circuits; i++)
			circ_free_crypto(&c->circs[i]);
		OPENSSL_cleanse(c->circs, sizeof(*c->circs) * (c->conf.circuits + 1u));
		free(c->circs);
		c->circs = NULL;
	}
	tc_chan_free(c->ch);
	c->ch = NULL;
	if (p != NULL) {
		free(p->q);
		free(p->aux);
		free(p->sent_ns);
		free(p);
		c->priv = NULL;
	}
}
