/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Tor channels, Chive against Chive, with real control planes (dataplane/cell/chan.c).
 *
 * Two relays, each a complete dataplane lcore on its own shared segment
 * (A 10.0.9.1 on ring port A, B 10.0.9.2 on ring port B, cross-connected by
 * the fixture) plus its own control-plane link module (controlplane/link/)
 * attached to that segment through cp_dplink, with its own key store in a
 * temporary DataDirectory. Everything the relay does runs for real: the
 * control plane installs the link credentials over the rings, the dataplane
 * runs TCP, TLS and the link handshake, the control plane verifies CERTS
 * and signs and checks AUTHENTICATE. Time is virtual for the dataplane
 * (STEP_US per iteration); the certificates use the wall clock.
 *
 * A raw test application on A (TLS with hand-made cells) plays a client
 * and malformed peers against B's ORPort.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include <CUnit/CUnit.h>

#include "common/ipc/ipc_shm.h"
#include "common/wire/wire_cell.h"
#include "common/wire/wire_link.h"
#include "common/wire/wire_create.h"
#include "common/wire/wire_relay.h"
#include "controlplane/circ/circ.h"
#include "controlplane/dplink.h"
#include "controlplane/onion/onion.h"
#include "controlplane/keys/keys.h"
#include "controlplane/link/link.h"
#include "controlplane/link/linkcreds.h"
#include "dataplane/base/dp_ctr.h"
#include "dataplane/cell/chan.h"
#include "dataplane/cell/circ.h"
#include "dataplane/cell/relay_crypto.h"
#include "dataplane/lcore.h"
#include "dataplane/net/net.h"
#include "dataplane/net/tcp.h"
#include "dataplane/tls/tls.h"
#include "tests/harness/eal_fixture.h"
#include "tests/suites.h"

#define A_IP 0x0a000901u
#define B_IP 0x0a000902u
#define ORPORT 9001
#define STEP_US 50u
#define HS_TIMEOUT_US 2000000u

static const uint8_t mac_a[6] = { 0x02, 0, 0, 0, 9, 1 };
static const uint8_t mac_b[6] = { 0x02, 0, 0, 0, 9, 2 };

struct relay {
	struct dp_lcore lc;
	struct ipc_shm shm;
	char shm_name[IPC_SHM_NAME_MAX];
	char dir[64];
	struct cp_keys *keys;
	struct cp_dplink dp;
	struct cp_link link;
	struct cp_circ circ;	/* circuit handshakes (only with_circ) */
	int has_circ;
	int cp_on;          /* serve the rings (0: a control plane that is down) */
};

/* Give relay B a circuit layer and the control plane's onionskin queue. */
static int with_circ;

static struct relay ra, rb;
static atomic_int stop_flag;
static uint64_t vnow;
static unsigned int pool_before;

/* ---- the relays ---- */

static int
relay_fail(const char *what, const char *err)
{
	fprintf(stderr, "test relay: %s failed: %s\n", what, err);
	return -1;
}

static int
relay_up(struct relay *r, const char *tag, uint16_t port, uint32_t ip, const uint8_t *mac,
	 uint16_t orport)
{
	static const uint8_t key[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
	struct ipc_seg_geom g;
	struct dp_tcp_conf tc;
	struct dp_tls_conf sc;
	struct dp_chan_conf cc;
	struct cp_keys_options opt;
	struct rte_ether_addr ea;
	char err[256];

	snprintf(r->shm_name, sizeof(r->shm_name), "chive-dptest-%d-chan%s", (int)getpid(), tag);
	ipc_seg_geom_default(&g, 1);
	g.lcore_ids[0] = 0;
	if (ipc_shm_create(r->shm_name, &g, (uint32_t)getpid(), &r->shm, err, sizeof(err)) != 0 ||
	    dp_ctr_publish(ipc_shm_ctr_dir(&r->shm)) != 0)
		return relay_fail("segment", err);
	if (dp_lcore_init(&r->lc, &r->shm, 0, &stop_flag, 1000000) != 0)
		return relay_fail("lcore", "");
	ipc_shm_publish(&r->shm);
	memcpy(ea.addr_bytes, mac, 6);
	dp_net_init(&r->lc, port, 0, &ea, ip, 0xffffff00u, 0, eal_fixture_pool());
	r->lc.net.tcp_input = dp_tcp_input;
	r->lc.has_port = 1;
	r->lc.rx_port = port;
	r->lc.now_us = vnow;
	dp_tcp_conf_default(&tc);
	tc.max_conns = 32;
	tc.sndbuf = tc.rcvbuf = 65536;
	tc.tw_max = 32;
	dp_tls_conf_default(&sc);
	sc.max_conns = 16;
	dp_chan_conf_default(&cc);
	cc.max_chans = 8;
	cc.max_hs = 4;
	cc.hs_timeout_us = HS_TIMEOUT_US;
	cc.orport = orport;
	if (dp_tcp_create(&r->lc, &tc, key) != 0 || dp_tls_create(&r->lc, &sc) != 0 ||
	    dp_chan_create(&r->lc, &cc) != 0)
		return relay_fail("tcp/tls/chan", "");
	/* The control plane: keys in a DataDirectory of its own, the rings, the link module. */
	if (r->keys == NULL) {
		snprintf(r->dir, sizeof(r->dir), "/tmp/chive-chan-XXXXXX");
		if (mkdtemp(r->dir) == NULL)
			return relay_fail("mkdtemp", r->dir);
		cp_keys_options_default(&opt);
		opt.make_signing_cert = cp_linkcreds_make_signing_cert;
		if (cp_keys_load_or_create(r->dir, &opt, time(NULL), &r->keys, err, sizeof(err)) != 0)
			return relay_fail("keys", err);
	}
	cp_dplink_init(&r->dp);
	if (cp_dplink_attach(&r->dp, r->shm_name, err, sizeof(err)) != 0)
		return relay_fail("attach", err);
	cp_link_init(&r->link, &r->dp, r->keys, 0);
	if (cp_link_start(&r->link, time(NULL), err, sizeof(err)) != 0)
		return relay_fail("link", err);
	if (with_circ && orport != 0) {
		struct dp_circ_conf ccf;
		struct cp_onionq_conf qc;

		dp_circ_conf_default(&ccf);
		ccf.max_circs = 16;
		ccf.max_cells = 256;
		ccf.queue_hiwat = 16;
		ccf.queue_max = 64;
		ccf.pending_timeout_us = 5000000u;
		cp_onionq_conf_default(&qc);
		qc.workers = 1;
		if (dp_circ_create(&r->lc, &ccf) != 0 ||
		    cp_circ_init(&r->circ, &r->dp, r->keys, &qc, err, sizeof(err)) != 0)
			return relay_fail("circuits", err);
		cp_link_set_other(&r->link, cp_circ_on_cell, &r->circ);
		r->has_circ = 1;
	}
	r->cp_on = 1;
	return 0;
}

static void
relay_down(struct relay *r)
{
	struct rte_mbuf *m[64];
	uint16_t n;

	if (r->has_circ) {
		cp_circ_fini(&r->circ);
		dp_circ_destroy(&r->lc);
		r->has_circ = 0;
	}
	cp_link_fini(&r->link);
	cp_dplink_detach(&r->dp, vnow * 1000u);
	dp_chan_destroy(&r->lc);
	dp_tls_destroy(&r->lc);
	dp_tcp_destroy(&r->lc);
	dp_net_tx_flush(&r->lc);
	for (uint32_t i = 0; i < DP_ARP_CACHE_SIZE; i++)
		for (uint32_t k = 0; k < r->lc.net.arp[i].n_held; k++)
			rte_pktmbuf_free(r->lc.net.arp[i].held[k]);
	memset(r->lc.net.arp, 0, sizeof(r->lc.net.arp));
	while ((n = rte_eth_rx_burst(r->lc.rx_port, 0, m, 64)) != 0)
		rte_pktmbuf_free_bulk(m, n);
	ipc_shm_close(&r->shm);
}

static void
relay_forget_keys(struct relay *r)
{
	char cmd[128];

	cp_keys_destroy(r->keys);
	r->keys = NULL;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", r->dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", r->dir);
}

static void
cp_step(struct relay *r)
{
	uint64_t ns = vnow * 1000u;

	if (!r->cp_on)
		return;
	cp_link_tick(&r->link, time(NULL), ns);
	cp_dplink_poll(&r->dp, ns);
	cp_link_poll(&r->link, time(NULL), ns);
	if (r->has_circ)
		cp_circ_poll(&r->circ);
}

static void
step(void)
{
	vnow += STEP_US;
	dp_lcore_iterate(&ra.lc, vnow);
	dp_lcore_iterate(&rb.lc, vnow);
	cp_step(&ra);
	cp_step(&rb);
}

#define PUMP_UNTIL(cond, max)                   \
	({                                      \
		uint32_t n_ = 0;                \
		while (!(cond) && n_ < (max)) { \
			step();                 \
			n_++;                   \
		}                               \
		(cond);                         \
	})

static uint64_t
ctr(struct relay *r, enum dp_ctr_id id)
{
	return ipc_ctr_get(r->lc.ctr, id);
}

static int
setup(void)
{
	vnow = 1000000000ull;
	pool_before = rte_mempool_avail_count(eal_fixture_pool());
	if (relay_up(&ra, "a", eal_fixture_port_a(), A_IP, mac_a, 0) != 0 ||
	    relay_up(&rb, "b", eal_fixture_port_b(), B_IP, mac_b, ORPORT) != 0)
		return -1;
	/* Both control planes install their credentials. */
	return PUMP_UNTIL(dp_chan_has_creds(&ra.lc) && dp_chan_has_creds(&rb.lc), 20000) ? 0 : -1;
}

static void
teardown(void)
{
	relay_down(&ra);
	relay_down(&rb);
	CU_ASSERT_EQUAL(rte_mempool_avail_count(eal_fixture_pool()), pool_before);
}

static void
t_setup(void)
{
	CU_ASSERT_FATAL(setup() == 0);
}

/* ---- CHAN_OPEN through the control plane's request path ---- */

struct open_result {
	int done;
	struct ipc_msg_chan_status st;
};

static void
open_cb(void *arg, const struct ipc_hdr *reply, uint32_t lcore_idx, uint64_t now_ns)
{
	struct open_result *o = arg;

	(void)lcore_idx;
	(void)now_ns;
	o->done = 1;
	if (reply != NULL && reply->type == IPC_MSG_CHAN_STATUS)
		memcpy(&o->st, reply, sizeof(o->st));
	else
		o->st.status = -ETIMEDOUT;
}

static int
open_via_cp(struct relay *from, uint32_t addr, uint16_t port, const uint8_t *rsa,
	    const uint8_t *ed, struct open_result *o)
{
	struct ipc_msg_chan_open m;

	memset(&m, 0, sizeof(m));
	memset(o, 0, sizeof(*o));
	m.addr = addr;
	m.port = port;
	memcpy(m.rsa_id_sha1, rsa, 20);
	if (ed != NULL) {
		memcpy(m.ed_id, ed, 32);
		m.flags = IPC_CHAN_OPEN_F_ED;
	}
	ipc_hdr_init(&m.hdr, IPC_MSG_CHAN_OPEN, sizeof(m), 0);
	return cp_dplink_request(&from->dp, 0, &m.hdr, sizeof(m), UINT64_C(60000000000),
				 vnow * 1000u, open_cb, o);
}

/* The only channel of relay @p r, or 0. */
static uint32_t
only_chan(struct relay *r, struct ipc_msg_chan_info *info)
{
	for (uint32_t i = 0; i < 8; i++) {
		uint32_t h = (i << 8) | 0u;

		for (uint32_t gen = 0; gen < 256; gen++)
			if (dp_chan_info(&r->lc, h | gen, info) == 0)
				return h | gen;
	}
	return 0;
}

/* A relay opens an authenticated channel to another (both roles, link 5). */
static void
test_chan_relay_to_relay(void)
{
	struct open_result o;
	struct ipc_msg_chan_info ia, ib;

	CU_ASSERT_EQUAL_FATAL(open_via_cp(&ra, B_IP, ORPORT, cp_keys_rsa_id_digest(rb.keys),
					  cp_keys_master_pub(rb.keys), &o),
			      0);
	CU_ASSERT_FATAL(PUMP_UNTIL(o.done, 200000));
	CU_ASSERT_EQUAL(o.st.status, 0);
	CU_ASSERT_EQUAL(o.st.link_proto, 5);
	CU_ASSERT_EQUAL(memcmp(o.st.rsa_id_sha1, cp_keys_rsa_id_digest(rb.keys), 20), 0);
	CU_ASSERT_EQUAL(memcmp(o.st.ed_id, cp_keys_master_pub(rb.keys), 32), 0);
	/* B (responder) opens once A's NETINFO arrives. */
	CU_ASSERT_FATAL(PUMP_UNTIL(ctr(&rb, DP_CTR_chan_open) == 1, 20000));
	CU_ASSERT_EQUAL(ctr(&ra, DP_CTR_chan_open_link5), 1);
	CU_ASSERT_EQUAL(ctr(&rb, DP_CTR_chan_open_link5), 1);
	CU_ASSERT_EQUAL(ctr(&ra, DP_CTR_chan_open_relay), 1);
	CU_ASSERT_EQUAL(ctr(&rb, DP_CTR_chan_open_relay), 1);
	CU_ASSERT_EQUAL(ctr(&rb, DP_CTR_chan_open_client), 0);
	/* Each side proved the other's identity: B verified A's AUTHENTICATE. */
	CU_ASSERT_NOT_EQUAL(o.st.chan, 0);
	CU_ASSERT_NOT_EQUAL_FATAL(only_chan(&ra, &ia), 0);
	CU_ASSERT_NOT_EQUAL_FATAL(only_chan(&rb, &ib), 0);
	CU_ASSERT_EQUAL(ia.state, IPC_CHAN_STATE_OPEN);
	CU_ASSERT_EQUAL(ib.state, IPC_CHAN_STATE_OPEN);
	CU_ASSERT_EQUAL(ia.role, IPC_ROLE_INITIATOR);
	CU_ASSERT_EQUAL(ib.role, IPC_ROLE_RESPONDER);
	CU_ASSERT(ib.flags & IPC_CHAN_F_AUTHENTICATED);
	CU_ASSERT_EQUAL(memcmp(ib.rsa_id_sha1, cp_keys_rsa_id_digest(ra.keys), 20), 0);
	CU_ASSERT_EQUAL(memcmp(ib.ed_id, cp_keys_master_pub(ra.keys), 32), 0);
	CU_ASSERT_EQUAL(ib.peer_addr, A_IP);
	CU_ASSERT_EQUAL(ia.peer_port, ORPORT);
	CU_ASSERT(ia.tls_version == 0x0303 || ia.tls_version == 0x0304);
	CU_ASSERT(ia.tx_cells >= 4); /* VERSIONS, CERTS, AUTHENTICATE, NETINFO */
	CU_ASSERT(ib.tx_cells >= 4); /* VERSIONS, CERTS, AUTH_CHALLENGE, NETINFO */
	CU_ASSERT_EQUAL(ra.link.stats.auth_sign_req, 1);
	CU_ASSERT_EQUAL(rb.link.stats.auth_verify_ok, 1);
	CU_ASSERT_EQUAL(ra.link.stats.certs_ok, 1);
	CU_ASSERT_EQUAL(rb.link.stats.certs_ok, 1);

	/* A fixed cell sent on the open channel arrives and is counted. */
	{
		uint8_t cell[WIRE_CELL_LEN];
		uint64_t before = ctr(&rb, DP_CTR_chan_padding_rx);

		CU_ASSERT_EQUAL(wire_cell_encode_fixed(cell, sizeof(cell), 5, 0,
						       WIRE_CELL_CMD_PADDING, NULL, 0),
				WIRE_CELL_LEN);
		CU_ASSERT_EQUAL(dp_chan_send_cell(&ra.lc, ia.chan, cell), 0);
		CU_ASSERT(PUMP_UNTIL(ctr(&rb, DP_CTR_chan_padding_rx) == before + 1, 20000));
	}
	/* Closing one side closes the other; both count why. */
	CU_ASSERT_EQUAL(dp_chan_close(&ra.lc, ia.chan), 0);
	CU_ASSERT(PUMP_UNTIL(ctr(&ra, DP_CTR_chan_open) == 0 && ctr(&rb, DP_CTR_chan_open) == 0,
			     200000));
	CU_ASSERT_EQUAL(ctr(&ra, DP_CTR_chan_close_local), 1);
	CU_ASSERT_EQUAL(ctr(&rb, DP_CTR_chan_close_peer), 1);
	CU_ASSERT_EQUAL(dp_chan_close(&ra.lc, ia.chan), -EBADF);
}

/* The sum of relay @p r's /dp/cell/tx/... (@p tx) or /dp/cell/rx/... rows. */
static uint64_t
cells_by_cmd_sum(struct relay *r, bool tx)
{
	enum dp_ctr_id first = tx ? DP_CTR_cell_tx_padding : DP_CTR_cell_rx_padding;
	enum dp_ctr_id last = tx ? DP_CTR_cell_tx_other : DP_CTR_cell_rx_other;
	uint64_t sum = 0;

	for (uint32_t id = first; id <= last; id++)
		sum += ctr(r, (enum dp_ctr_id)id);
	return sum;
}

/* The link handshake's cells are counted by command and direction, each
 * exactly once in both roles; so are cells sent on the open channel,
 * unknown commands as other; the rows add up to cells_rx and cells_tx. */
static void
test_chan_cells_counted_by_command(void)
{
	struct open_result o;
	struct ipc_msg_chan_info ia;
	uint8_t cell[WIRE_CELL_LEN];

	CU_ASSERT_EQUAL_FATAL(open_via_cp(&ra, B_IP, ORPORT, cp_keys_rsa_id_digest(rb.keys),
					  cp_keys_master_pub(rb.keys), &o),
			      0);
	CU_ASSERT_FATAL(PUMP_UNTIL(o.done && ctr(&rb, DP_CTR_chan_open) == 1, 200000));
	CU_ASSERT_EQUAL_FATAL(o.st.status, 0);
	/* A, the initiator: VERSIONS, CERTS, AUTHENTICATE, NETINFO out (tor-spec.txt §4). */
	CU_ASSERT_EQUAL(ctr(&ra, DP_CTR_cell_tx_versions), 1);
	CU_ASSERT_EQUAL(ctr(&ra, DP_CTR_cell_tx_certs), 1);
	CU_ASSERT_EQUAL(ctr(&ra, DP_CTR_cell_tx_authenticate), 1);
	CU_ASSERT_EQUAL(ctr(&ra, DP_CTR_cell_tx_netinfo), 1);
	CU_ASSERT_EQUAL(cells_by_cmd_sum(&ra, true), 4);
	CU_ASSERT_EQUAL(ctr(&ra, DP_CTR_cell_rx_versions), 1);
	CU_ASSERT_EQUAL(ctr(&ra, DP_CTR_cell_rx_certs), 1);
	CU_ASSERT_EQUAL(ctr(&ra, DP_CTR_cell_rx_auth_challenge), 1);
	CU_ASSERT_EQUAL(ctr(&ra, DP_CTR_cell_rx_netinfo), 1);
	CU_ASSERT_EQUAL(cells_by_cmd_sum(&ra, false), 4);
	/* B, the responder: the mirror image. */
	CU_ASSERT_EQUAL(ctr(&rb, DP_CTR_cell_tx_versions), 1);
	CU_ASSERT_EQUAL(ctr(&rb, DP_CTR_cell_tx_certs), 1);
	CU_ASSERT_EQUAL(ctr(&rb, DP_CTR_cell_tx_auth_challenge), 1);
	CU_ASSERT_EQUAL(ctr(&rb, DP_CTR_cell_tx_netinfo), 1);
	CU_ASSERT_EQUAL(cells_by_cmd_sum(&rb, true), 4);
	CU_ASSERT_EQUAL(ctr(&rb, DP_CTR_cell_rx_versions), 1);
	CU_ASSERT_EQUAL(ctr(&rb, DP_CTR_cell_rx_certs), 1);
	CU_ASSERT_EQUAL(ctr(&rb, DP_CTR_cell_rx_authenticate), 1);
	CU_ASSERT_EQUAL(ctr(&rb, DP_CTR_cell_rx_netinfo), 1);
	CU_ASSERT_EQUAL(cells_by_cmd_sum(&rb, false), 4);

	/* On the open channel: a PADDING, then a command tor-spec.txt §3 does not define. */
	CU_ASSERT_NOT_EQUAL_FATAL(only_chan(&ra, &ia), 0);
	CU_ASSERT_EQUAL(
		wire_cell_encode_fixed(cell, sizeof(cell), 5, 0, WIRE_CELL_CMD_PADDING, NULL, 0),
		WIRE_CELL_LEN);
	CU_ASSERT_EQUAL(dp_chan_send_cell(&ra.lc, ia.chan, cell), 0);
	CU_ASSERT_EQUAL(wire_cell_encode_fixed(cell, sizeof(cell), 5, 0, 50, NULL, 0),
			WIRE_CELL_LEN);
	CU_ASSERT_EQUAL(dp_chan_send_cells(&ra.lc, ia.chan, cell, 1), 0);
	CU_ASSERT(PUMP_UNTIL(ctr(&rb, DP_CTR_chan_unknown_rx) == 1, 20000));
	CU_ASSERT_EQUAL(ctr(&ra, DP_CTR_cell_tx_padding), 1);
	CU_ASSERT_EQUAL(ctr(&ra, DP_CTR_cell_tx_other), 1);
	CU_ASSERT_EQUAL(ctr(&rb, DP_CTR_cell_rx_padding), 1);
	CU_ASSERT_EQUAL(ctr(&rb, DP_CTR_cell_rx_other), 1);
	CU_ASSERT_EQUAL(cells_by_cmd_sum(&ra, true), 6);
	CU_ASSERT_EQUAL(cells_by_cmd_sum(&rb, false), 6);
	CU_ASSERT_EQUAL(cells_by_cmd_sum(&ra, true), ctr(&ra, DP_CTR_chan_cells_tx));
	CU_ASSERT_EQUAL(cells_by_cmd_sum(&ra, false), ctr(&ra, DP_CTR_chan_cells_rx));
	CU_ASSERT_EQUAL(cells_by_cmd_sum(&rb, true), ctr(&rb, DP_CTR_chan_cells_tx));
	CU_ASSERT_EQUAL(cells_by_cmd_sum(&rb, false), ctr(&rb, DP_CTR_chan_cells_rx));
	CU_ASSERT_EQUAL(dp_chan_close(&ra.lc, ia.chan), 0);
	CU_ASSERT(PUMP_UNTIL(ctr(&ra, DP_CTR_chan_open) == 0 && ctr(&rb, DP_CTR_chan_open) == 0,
			     200000));
}

/* The responder is not who we asked for: the initiator closes. */
static void
test_chan_wrong_identity(void)
{
	struct open_result o;
	uint8_t wrong[20];

	memcpy(wrong, cp_keys_rsa_id_digest(rb.keys), 20);
	wrong[0] ^= 1;
	CU_ASSERT_EQUAL_FATAL(open_via_cp(&ra, B_IP, ORPORT, wrong, NULL, &o), 0);
	CU_ASSERT_FATAL(PUMP_UNTIL(o.done, 200000));
	CU_ASSERT_NOT_EQUAL(o.st.status, 0);
	CU_ASSERT_EQUAL(o.st.close_reason, IPC_CHAN_CLOSE_IDENTITY);
	CU_ASSERT_EQUAL(ctr(&ra, DP_CTR_chan_close_identity), 1);
	CU_ASSERT_EQUAL(ctr(&ra, DP_CTR_chan_open), 0);

	/* The right RSA identity with a wrong Ed25519 one fails the same way. */
	{
		uint8_t ed[32];

		memcpy(ed, cp_keys_master_pub(rb.keys), 32);
		ed[31] ^= 0x40;
		CU_ASSERT_EQUAL_FATAL(
			open_via_cp(&ra, B_IP, ORPORT, cp_keys_rsa_id_digest(rb.keys), ed, &o), 0);
		CU_ASSERT_FATAL(PUMP_UNTIL(o.done, 200000));
		CU_ASSERT_EQUAL(o.st.close_reason, IPC_CHAN_CLOSE_IDENTITY);
	}
	CU_ASSERT(PUMP_UNTIL(ctr(&rb, DP_CTR_chan_handshaking) == 0, 200000));
}

/* A control plane that does not answer: the handshake times out, counted. */
static void
test_chan_cp_down_times_out(void)
{
	struct open_result o;

	CU_ASSERT_EQUAL_FATAL(open_via_cp(&ra, B_IP, ORPORT, cp_keys_rsa_id_digest(rb.keys), NULL,
					  &o),
			      0);
	rb.cp_on = 0; /* B never verifies anything */
	ra.cp_on = 0;
	CU_ASSERT(PUMP_UNTIL(ctr(&ra, DP_CTR_chan_close_hs_timeout) == 1 &&
				     ctr(&rb, DP_CTR_chan_close_hs_timeout) +
						     ctr(&rb, DP_CTR_chan_close_peer) ==
					     1,
			     (HS_TIMEOUT_US / STEP_US) * 3));
	ra.cp_on = 1;
	CU_ASSERT_FATAL(PUMP_UNTIL(o.done, 20000));
	CU_ASSERT_EQUAL(o.st.close_reason, IPC_CHAN_CLOSE_HS_TIMEOUT);
	rb.cp_on = 1;
}

/* ---- a raw peer: TLS client on A writing hand-made cells to B's ORPort ---- */

struct raw_peer {
	uint32_t h;
	int hs_done, closed;
	uint32_t rlen;
	uint8_t rbuf[16384];
};

static struct raw_peer rp;

static void
raw_hs_done(struct dp_lcore *lc, uint32_t h, void *ctx)
{
	(void)lc;
	(void)h;
	((struct raw_peer *)ctx)->hs_done = 1;
}

static void
raw_readable(struct dp_lcore *lc, uint32_t h, void *ctx)
{
	struct raw_peer *p = ctx;
	int n = 0;

	while (p->rlen < sizeof(p->rbuf) &&
	       (n = dp_tls_read(lc, h, p->rbuf + p->rlen, (uint32_t)(sizeof(p->rbuf) - p->rlen))) > 0)
		p->rlen += (uint32_t)n;
	if (n < 0)
		dp_tls_close(lc, h); /* the peer finished: so do we */
}

static void
raw_closed(struct dp_lcore *lc, uint32_t h, void *ctx, enum dp_tls_close_reason reason)
{
	(void)lc;
	(void)h;
	(void)reason;
	((struct raw_peer *)ctx)->closed = 1;
}

static const struct dp_tls_app_ops raw_ops = {
	.handshake_done = raw_hs_done,
	.readable = raw_readable,
	.closed = raw_closed,
};

static void
raw_connect(void)
{
	memset(&rp, 0, sizeof(rp));
	CU_ASSERT_EQUAL_FATAL(dp_tls_connect(&ra.lc, B_IP, ORPORT, &raw_ops, &rp, &rp.h), 0);
	CU_ASSERT_FATAL(PUMP_UNTIL(rp.hs_done, 200000));
}

static void
raw_send(const void *p, uint32_t n)
{
	CU_ASSERT_EQUAL(dp_tls_write(&ra.lc, rp.h, p, n), (int)n);
}

static void
raw_versions(const uint16_t *v, size_t n)
{
	uint8_t p[32], cell[64];
	int pl = wire_versions_encode(p, sizeof(p), v, n);
	int cl = wire_cell_encode_var(cell, sizeof(cell), 0, 0, WIRE_CELL_CMD_VERSIONS, p,
				      (size_t)pl);

	CU_ASSERT_FATAL(cl > 0);
	raw_send(cell, (uint32_t)cl);
}

/* Frame the cells B sent so far (link 5 after VERSIONS); return how many of @p cmd. */
static int
raw_count(uint8_t cmd, uint32_t *circ_id, uint8_t *first_payload_byte)
{
	uint32_t off = 0;
	uint16_t link = 0;
	int count = 0;

	while (off < rp.rlen) {
		struct wire_cell c;
		int n = wire_cell_decode(rp.rbuf + off, rp.rlen - off, link, &c);

		if (n <= 0)
			break;
		if (c.cmd == cmd) {
			count++;
			if (circ_id != NULL)
				*circ_id = c.circ_id;
			if (first_payload_byte != NULL && c.payload_len > 0)
				*first_payload_byte = c.payload[0];
		}
		if (c.cmd == WIRE_CELL_CMD_VERSIONS)
			link = 5;
		off += (uint32_t)n;
	}
	return count;
}

/* A client (no CERTS): VERSIONS, NETINFO with time 0; B opens; CREATE_FAST gets DESTROY. */
static void
test_chan_client_peer(void)
{
	static const uint16_t v[] = { 3, 4, 5 };
	uint8_t p[32], cell[WIRE_CELL_LEN];
	struct wire_netinfo_addr other = { WIRE_NETINFO_ATYPE_IPV4, 4,
					   (const uint8_t *)"\x0a\x00\x09\x02" };
	uint32_t circ = 0;
	uint8_t reason = 0;
	int pl;

	raw_connect();
	raw_versions(v, 3);
	CU_ASSERT_FATAL(PUMP_UNTIL(raw_count(WIRE_CELL_CMD_NETINFO, NULL, NULL) == 1, 200000));
	/* The responder's order: VERSIONS, CERTS, AUTH_CHALLENGE, NETINFO (checklist B5). */
	CU_ASSERT_EQUAL(raw_count(WIRE_CELL_CMD_VERSIONS, NULL, NULL), 1);
	CU_ASSERT_EQUAL(raw_count(WIRE_CELL_CMD_CERTS, NULL, NULL), 1);
	CU_ASSERT_EQUAL(raw_count(WIRE_CELL_CMD_AUTH_CHALLENGE, NULL, NULL), 1);
	pl = wire_netinfo_encode(p, sizeof(p), 0, &other, NULL, 0);
	CU_ASSERT_FATAL(pl > 0);
	CU_ASSERT_EQUAL(wire_cell_encode_fixed(cell, sizeof(cell), 5, 0, WIRE_CELL_CMD_NETINFO, p,
					       (size_t)pl),
			WIRE_CELL_LEN);
	raw_send(cell, WIRE_CELL_LEN);
	CU_ASSERT_FATAL(PUMP_UNTIL(ctr(&rb, DP_CTR_chan_open_client) == 1, 200000));
	CU_ASSERT_EQUAL(ctr(&rb, DP_CTR_chan_open_link5), 1);
	/* The first circuit cell a client sends is counted and refused with DESTROY. */
	memset(p, 0, sizeof(p));
	CU_ASSERT_EQUAL(wire_cell_encode_fixed(cell, sizeof(cell), 5, 0x80000001u,
					       WIRE_CELL_CMD_CREATE_FAST, p, 20),
			WIRE_CELL_LEN);
	raw_send(cell, WIRE_CELL_LEN);
	CU_ASSERT(PUMP_UNTIL(raw_count(WIRE_CELL_CMD_DESTROY, &circ, &reason) == 1, 200000));
	CU_ASSERT_EQUAL(circ, 0x80000001u);
	CU_ASSERT_EQUAL(reason, 5);
	CU_ASSERT_EQUAL(ctr(&rb, DP_CTR_chan_create_rx), 1);
	CU_ASSERT_EQUAL(ctr(&rb, DP_CTR_chan_destroy_tx), 1);
	/* An unknown variable-length command bigger than any buffer is dropped unread. */
	{
		static uint8_t big[7 + 20000];
		int n = wire_cell_encode_var(big, sizeof(big), 5, 0, 200, big + 7, 20000);

		CU_ASSERT_FATAL(n > 0);
		for (int off = 0; off < n; off += 8000) {
			uint32_t k = (uint32_t)RTE_MIN(8000, n - off);

			CU_ASSERT_FATAL(PUMP_UNTIL(dp_tls_write_space(&ra.lc, rp.h) >= k, 200000));
			raw_send(big + off, k);
		}
		CU_ASSERT(PUMP_UNTIL(ctr(&rb, DP_CTR_chan_unknown_rx) == 1, 200000));
		CU_ASSERT_EQUAL(ctr(&rb, DP_CTR_chan_open), 1);
	}
	dp_tls_close(&ra.lc, rp.h);
	CU_ASSERT(PUMP_UNTIL(rp.closed && ctr(&rb, DP_CTR_chan_open) == 0, 200000));
}

/* Malformed or out-of-order handshakes each close with their counted reason. */
static void
test_chan_bad_handshakes(void)
{
	static const uint16_t only3[] = { 3 };
	static const uint16_t v45[] = { 4, 5 };
	uint8_t cell[WIRE_CELL_LEN];

	/* No common version. */
	raw_connect();
	raw_versions(only3, 1);
	CU_ASSERT(PUMP_UNTIL(ctr(&rb, DP_CTR_chan_close_no_version) == 1 && rp.closed, 200000));

	/* A VERSIONS list of 100 entries (1..100): the first 64 hold 4 and 5, so
	 * link 5 is chosen and the responder answers. */
	raw_connect();
	{
		uint16_t many[100];
		uint8_t pl[200], c[8 + 200];
		int n;

		for (int i = 0; i < 100; i++)
			many[i] = (uint16_t)(i + 1);
		CU_ASSERT_EQUAL_FATAL(wire_versions_encode(pl, sizeof(pl), many, 100), 200);
		n = wire_cell_encode_var(c, sizeof(c), 0, 0, WIRE_CELL_CMD_VERSIONS, pl, 200);
		CU_ASSERT_FATAL(n > 0);
		raw_send(c, (uint32_t)n);
	}
	CU_ASSERT(PUMP_UNTIL(raw_count(WIRE_CELL_CMD_NETINFO, NULL, NULL) == 1, 200000));
	CU_ASSERT_EQUAL(ctr(&rb, DP_CTR_chan_close_no_version), 1);
	CU_ASSERT_EQUAL(ctr(&rb, DP_CTR_chan_handshaking), 1);
	dp_tls_close(&ra.lc, rp.h);
	CU_ASSERT(PUMP_UNTIL(rp.closed && ctr(&rb, DP_CTR_chan_handshaking) == 0, 200000));

	/* An odd-length VERSIONS payload. */
	raw_connect();
	{
		static const uint8_t odd[] = { 0, 0, WIRE_CELL_CMD_VERSIONS, 0, 3, 0, 4, 0 };

		raw_send(odd, sizeof(odd));
	}
	CU_ASSERT(PUMP_UNTIL(ctr(&rb, DP_CTR_chan_close_bad_cell) == 1 && rp.closed, 200000));

	/* A fixed-length cell before VERSIONS cannot be framed. */
	raw_connect();
	CU_ASSERT_EQUAL(wire_cell_encode_fixed(cell, sizeof(cell), 4, 0, WIRE_CELL_CMD_NETINFO, NULL,
					       0),
			WIRE_CELL_LEN);
	raw_send(cell, WIRE_CELL_LEN);
	CU_ASSERT(PUMP_UNTIL(ctr(&rb, DP_CTR_chan_close_bad_cell) == 2 && rp.closed, 200000));

	/* AUTHENTICATE without CERTS is out of order. */
	raw_connect();
	raw_versions(v45, 2);
	{
		uint8_t auth[8 + 356];
		int n = wire_cell_encode_var(auth, sizeof(auth), 5, 0, WIRE_CELL_CMD_AUTHENTICATE,
					     auth + 7, 356);

		CU_ASSERT_FATAL(n > 0);
		raw_send(auth, (uint32_t)n);
	}
	CU_ASSERT(PUMP_UNTIL(ctr(&rb, DP_CTR_chan_close_unexpected_cell) == 1 && rp.closed,
			     200000));

	/* A CERTS cell bigger than the handshake buffer. */
	raw_connect();
	raw_versions(v45, 2);
	{
		static uint8_t big[7 + 20000];
		int n = wire_cell_encode_var(big, sizeof(big), 5, 0, WIRE_CELL_CMD_CERTS, big + 7,
					     20000);

		CU_ASSERT_FATAL(n > 0);
		raw_send(big, 16000);
	}
	CU_ASSERT(PUMP_UNTIL(ctr(&rb, DP_CTR_chan_close_cell_too_big) == 1, 200000));

	/* A garbage CERTS body: the control plane refuses it. */
	raw_connect();
	raw_versions(v45, 2);
	{
		uint8_t c[64];
		static const uint8_t body[] = { 1, 4, 0, 3, 1, 2, 3 };
		int n = wire_cell_encode_var(c, sizeof(c), 5, 0, WIRE_CELL_CMD_CERTS, body,
					     sizeof(body));

		raw_send(c, (uint32_t)n);
	}
	CU_ASSERT(PUMP_UNTIL(ctr(&rb, DP_CTR_chan_close_certs) == 1 && rp.closed, 200000));

	/* Silence after TLS: the handshake timeout. */
	raw_connect();
	CU_ASSERT(PUMP_UNTIL(ctr(&rb, DP_CTR_chan_close_hs_timeout) == 1,
			     (HS_TIMEOUT_US / STEP_US) * 2));
	CU_ASSERT(PUMP_UNTIL(rp.closed, 200000));
	CU_ASSERT_EQUAL(ctr(&rb, DP_CTR_chan_open), 0);
	CU_ASSERT_EQUAL(ctr(&rb, DP_CTR_chan_handshaking), 0);
}

/* Big VPADDING cells are skipped at any size, during and after the handshake. */
static void
test_chan_vpadding(void)
{
	static const uint16_t v45[] = { 4, 5 };
	static uint8_t big[7 + 30000];
	int n;

	raw_connect();
	n = wire_cell_encode_var(big, sizeof(big), 0, 0, WIRE_CELL_CMD_VPADDING, big + 5, 100);
	CU_ASSERT_FATAL(n > 0);
	raw_send(big, (uint32_t)n);
	raw_versions(v45, 2);
	n = wire_cell_encode_var(big, sizeof(big), 5, 0, WIRE_CELL_CMD_VPADDING, big + 7, 30000);
	CU_ASSERT_FATAL(n > 0);
	for (int off = 0; off < n; off += 8000) {
		uint32_t k = (uint32_t)RTE_MIN(8000, n - off);

		CU_ASSERT_FATAL(PUMP_UNTIL(dp_tls_write_space(&ra.lc, rp.h) >= k, 200000));
		raw_send(big + off, k);
	}
	CU_ASSERT(PUMP_UNTIL(ctr(&rb, DP_CTR_chan_padding_rx) == 2, 200000));
	CU_ASSERT_EQUAL(ctr(&rb, DP_CTR_chan_handshaking), 1);
	CU_ASSERT_EQUAL(rp.closed, 0);
	dp_tls_close(&ra.lc, rp.h);
	CU_ASSERT(PUMP_UNTIL(rp.closed && ctr(&rb, DP_CTR_chan_handshaking) == 0, 200000));
}

/* No credentials: the ORPort refuses connections and counts them. */
static void
test_chan_no_creds(void)
{
	struct relay *r = &rb;

	relay_down(&rb);
	CU_ASSERT_FATAL(relay_up(r, "b", eal_fixture_port_b(), B_IP, mac_b, ORPORT) == 0);
	rb.cp_on = 0;
	CU_ASSERT_FALSE(dp_chan_has_creds(&rb.lc));
	memset(&rp, 0, sizeof(rp));
	CU_ASSERT_EQUAL_FATAL(dp_tls_connect(&ra.lc, B_IP, ORPORT, &raw_ops, &rp, &rp.h), 0);
	CU_ASSERT(PUMP_UNTIL(rp.closed, 200000));
	/* TLS refuses first: the certificate and the CERTS bodies come together. */
	CU_ASSERT_EQUAL(ctr(&rb, DP_CTR_tls_no_cert), 1);
	CU_ASSERT_EQUAL(ctr(&rb, DP_CTR_chan_accepted), 0);
	rb.cp_on = 1;
	CU_ASSERT(PUMP_UNTIL(dp_chan_has_creds(&rb.lc), 20000));
}

/* ---- RelayBandwidthRate changed while running (`chivectl config set`) ---- */

struct conf_result {
	int done;
	struct ipc_msg_conf_status st;
};

static void
conf_cb(void *arg, const struct ipc_hdr *reply, uint32_t lcore_idx, uint64_t now_ns)
{
	struct conf_result *r = arg;

	(void)lcore_idx;
	(void)now_ns;
	r->done = 1;
	if (reply != NULL && reply->type == IPC_MSG_CONF_STATUS)
		memcpy(&r->st, reply, sizeof(r->st));
	else
		r->st.status = -EPROTO;
}

/* CONF_SET of @p key through the control plane's request path to a running lcore. */
static int
conf_set(struct relay *r, uint32_t key, uint64_t v0, uint64_t v1, struct conf_result *res)
{
	struct ipc_msg_conf_set m;

	memset(res, 0, sizeof(*res));
	memset(&m, 0, sizeof(m));
	ipc_hdr_init(&m.hdr, IPC_MSG_CONF_SET, sizeof(m), 0);
	m.key = key;
	m.val[0] = v0;
	m.val[1] = v1;
	if (cp_dplink_request(&r->dp, 0, &m.hdr, sizeof(m), 1000000000u, vnow * 1000u, conf_cb,
			      res) != 0)
		return -1;
	return PUMP_UNTIL(res->done, 20000) ? 0 : -1;
}

static int
conf_set_bw(struct relay *r, uint64_t rate, uint64_t burst, struct conf_result *res)
{
	return conf_set(r, IPC_CONF_BANDWIDTH, rate, burst, res);
}

/* The lcore (one lane: the whole limit) takes a rate, a burst alone, and no limit;
 * the gauges follow; a value above tor's cap changes nothing. */
static void
test_chan_bandwidth_set_while_running(void)
{
	struct conf_result res;
	uint64_t rate, burst;

	CU_ASSERT_EQUAL(ctr(&rb, DP_CTR_chan_bw_rate), 0);
	CU_ASSERT_FATAL(conf_set_bw(&rb, 1048576, 0, &res) == 0);
	CU_ASSERT_EQUAL(res.st.status, 0);
	CU_ASSERT_EQUAL(res.st.val[0], 1048576);
	CU_ASSERT_EQUAL(res.st.val[1], 1048576); /* a burst below the rate is raised to it */
	CU_ASSERT_EQUAL(ctr(&rb, DP_CTR_chan_bw_rate), 1048576);
	CU_ASSERT_EQUAL(ctr(&rb, DP_CTR_chan_bw_burst), 1048576);
	CU_ASSERT_FATAL(conf_set_bw(&rb, 0, 204800, &res) == 0);
	CU_ASSERT_EQUAL(res.st.val[0], 204800); /* a burst alone sets the rate */
	CU_ASSERT_EQUAL(ctr(&rb, DP_CTR_chan_bw_rate), 204800);
	CU_ASSERT_EQUAL(dp_chan_set_bw(&rb.lc, IPC_CONF_BANDWIDTH_MAX + 1, 0), -EINVAL);
	dp_chan_bw(&rb.lc, &rate, &burst);
	CU_ASSERT_EQUAL(rate, 204800);
	CU_ASSERT_EQUAL(burst, 204800);
	CU_ASSERT_FATAL(conf_set_bw(&rb, 0, 0, &res) == 0);
	CU_ASSERT_EQUAL(res.st.status, 0);
	CU_ASSERT_EQUAL(res.st.val[0], 0);
	CU_ASSERT_EQUAL(ctr(&rb, DP_CTR_chan_bw_rate), 0);
	CU_ASSERT_EQUAL(ctr(&rb, DP_CTR_chan_bw_burst), 0);
}

static CU_TestInfo chan_tests[] = {
	{ "bandwidth_set_while_running", test_chan_bandwidth_set_while_running },
	{ "relay_to_relay_both_roles_link5", test_chan_relay_to_relay },
	{ "cells_counted_by_command_both_roles", test_chan_cells_counted_by_command },
	{ "wrong_identity_closes", test_chan_wrong_identity },
	{ "controlplane_down_times_out", test_chan_cp_down_times_out },
	{ "client_peer_opens_and_create_gets_destroy", test_chan_client_peer },
	{ "bad_handshakes_close_with_reasons", test_chan_bad_handshakes },
	{ "vpadding_any_size_skipped", test_chan_vpadding },
	{ "no_creds_refused", test_chan_no_creds },
	CU_TEST_INFO_NULL,
};

static int
suite_clean(void)
{
	relay_forget_keys(&ra);
	relay_forget_keys(&rb);
	return 0;
}

CU_SuiteInfo suite_chan = {
	.pName = "dataplane/chan",
	.pCleanupFunc = suite_clean,
	.pSetUpFunc = t_setup,
	.pTearDownFunc = teardown,
	.pTests = chan_tests,
};

/* ==== Circuits (dataplane/cell/circ.c with controlplane/circ/) ====
 *
 * B runs the circuit layer and a control plane with the onionskin queue
 * (one worker thread). The test plays a Tor client on A: relay A opens an
 * authenticated channel to B, then the test sends hand-made cells on it
 * (dp_chan_send_cell) and catches what B sends back (A's cell callback),
 * running the client side of the handshakes (controlplane/onion/) and tor1
 * crypto (dataplane/cell/relay_crypto.c) itself.
 */

#define CAP_MAX 16

static struct {
	uint32_t n;
	uint8_t cmd[CAP_MAX];
	uint32_t circ_id[CAP_MAX];
	uint8_t payload[CAP_MAX][WIRE_CELL_PAYLOAD_LEN];
} cap;
static struct dp_rc_lib cl_lib;
static uint32_t cl_chan;

static void
cap_cell(struct dp_lcore *lc, uint32_t chan, const struct wire_cell *c)
{
	(void)lc;
	(void)chan;
	if (cap.n < CAP_MAX && c->payload_len == WIRE_CELL_PAYLOAD_LEN) {
		cap.cmd[cap.n] = c->cmd;
		cap.circ_id[cap.n] = c->circ_id;
		memcpy(cap.payload[cap.n], c->payload, WIRE_CELL_PAYLOAD_LEN);
		cap.n++;
	}
}

static const struct dp_chan_cell_ops cap_ops = { .cell = cap_cell };

/* Set up both relays (B with circuits) and open A→B; A catches B's cells. */
static void
c_setup(void)
{
	struct ipc_msg_chan_info ia;
	struct open_result o;

	with_circ = 1;
	CU_ASSERT_FATAL(setup() == 0);
	CU_ASSERT_FATAL(rb.has_circ);
	CU_ASSERT_FATAL(open_via_cp(&ra, B_IP, ORPORT, cp_keys_rsa_id_digest(rb.keys),
				    cp_keys_master_pub(rb.keys), &o) == 0);
	CU_ASSERT_FATAL(PUMP_UNTIL(o.done, 200000));
	CU_ASSERT_FATAL(o.st.status == 0);
	cl_chan = only_chan(&ra, &ia);
	CU_ASSERT_FATAL(cl_chan != 0);
	dp_chan_set_cell_ops(&ra.lc, &cap_ops);
	memset(&cap, 0, sizeof(cap));
	CU_ASSERT_FATAL(dp_rc_lib_init(&cl_lib, NULL) == 0);
}

static void
c_teardown(void)
{
	dp_rc_lib_fini(&cl_lib);
	teardown();
	with_circ = 0;
}

static void
cl_send(uint32_t circ_id, uint8_t cmd, const uint8_t *payload)
{
	uint8_t cell[WIRE_CELL_LEN];

	CU_ASSERT_FATAL(wire_cell_encode_fixed(cell, sizeof(cell), 5, circ_id, cmd, payload,
					       WIRE_CELL_PAYLOAD_LEN) == WIRE_CELL_LEN);
	CU_ASSERT_FATAL(dp_chan_send_cell(&ra.lc, cl_chan, cell) == 0);
}

/* Wait for the next cell B sends; @return its index in cap, or -1. */
static int
cl_wait_cell(void)
{
	uint32_t want = cap.n + 1;

	return PUMP_UNTIL(cap.n >= want, 400000) ? (int)want - 1 : -1;
}

static void
peer_of_b(struct cp_onion_peer *p)
{
	memcpy(p->rsa_id, cp_keys_rsa_id_digest(rb.keys), 20);
	memcpy(p->ed_id, cp_keys_master_pub(rb.keys), 32);
	memcpy(p->ntor_pub, cp_keys_ntor_current(rb.keys)->pub, 32);
}

/* Build a circuit to B with @p htype; the client's hop state in @p rc. */
static void
cl_create(uint32_t circ_id, uint16_t htype, struct dp_relay_crypto *rc)
{
	uint8_t hdata[WIRE_CREATE2_HDATA_MAX], payload[WIRE_CELL_PAYLOAD_LEN];
	struct cp_onion_client st;
	struct cp_onion_keys keys;
	struct cp_onion_peer peer;
	struct wire_created2 cr;
	int n, i;

	peer_of_b(&peer);
	n = cp_onion_client_create(&st, htype, &peer, (const uint8_t *)"\0", 1, hdata,
				   sizeof(hdata));
	CU_ASSERT_FATAL(n > 0);
	memset(payload, 0, sizeof(payload));
	if (htype == WIRE_HTYPE_FAST) {
		memcpy(payload, hdata, (size_t)n);
		cl_send(circ_id, WIRE_CELL_CMD_CREATE_FAST, payload);
	} else {
		CU_ASSERT_FATAL(wire_create2_encode(payload, sizeof(payload), htype, hdata,
						    (uint16_t)n) == 0);
		cl_send(circ_id, WIRE_CELL_CMD_CREATE2, payload);
	}
	i = cl_wait_cell();
	CU_ASSERT_FATAL(i >= 0);
	CU_ASSERT_EQUAL_FATAL(cap.circ_id[i], circ_id);
	if (htype == WIRE_HTYPE_FAST) {
		CU_ASSERT_EQUAL_FATAL(cap.cmd[i], WIRE_CELL_CMD_CREATED_FAST);
		CU_ASSERT_FATAL(cp_onion_client_finish(&st, cap.payload[i], WIRE_CREATED_FAST_LEN,
						       &keys, NULL, 0, NULL) == 0);
	} else {
		CU_ASSERT_EQUAL_FATAL(cap.cmd[i], WIRE_CELL_CMD_CREATED2);
		CU_ASSERT_FATAL(wire_created2_decode(cap.payload[i], WIRE_CELL_PAYLOAD_LEN, &cr) == 0);
		uint8_t msg[CP_ONION_MSG_MAX];
		size_t msg_len = 0;

		CU_ASSERT_FATAL(cp_onion_client_finish(&st, cr.hdata, cr.hlen, &keys, msg,
						       sizeof(msg), &msg_len) == 0);
		/* ntor-v3: Chive negotiates nothing, so its message is "no extensions". */
		if (htype == WIRE_HTYPE_NTOR_V3) {
			CU_ASSERT_EQUAL(msg_len, 1);
			CU_ASSERT_EQUAL(msg[0], 0);
		}
	}
	CU_ASSERT_FATAL(dp_rc_alloc(&cl_lib, rc) == 0);
	CU_ASSERT_FATAL(dp_rc_set_keys(rc, keys.keys) == 0);
	cp_onion_client_wipe(&st);
}

/* Send a relay cell for B (the only hop) on @p circ_id. */
static void
cl_relay(uint32_t circ_id, struct dp_relay_crypto *rc, bool early, uint8_t cmd,
	 uint16_t stream_id, const void *data, uint16_t len)
{
	uint8_t p[WIRE_CELL_PAYLOAD_LEN];
	struct wire_relay_hdr h = { .cmd = cmd, .stream_id = stream_id, .length = len };

	memset(p, 0, sizeof(p));
	CU_ASSERT_FATAL(wire_relay_hdr_encode(p, sizeof(p), &h) == 0);
	if (len != 0)
		memcpy(p + WIRE_RELAY_OFF_DATA, data, len);
	dp_rc_digest_set(&rc->fwd, p);
	dp_rc_crypt(&rc->fwd, p);
	cl_send(circ_id, early ? WIRE_CELL_CMD_RELAY_EARLY : WIRE_CELL_CMD_RELAY, p);
}

static uint64_t
circ_gauge_b(void)
{
	return ctr(&rb, DP_CTR_circ_open);
}

/* ntor-v3 (as tor 0.4.9 clients use at every hop) and CREATE_FAST; relay
 * cells both ways through tor1 crypto; DESTROY frees everything. */
static void
test_circ_create_relay_destroy(void)
{
	static const char target[] = "192.0.2.1:80";
	struct dp_relay_crypto c1, c2;
	struct wire_relay_hdr h;
	uint8_t destroy[WIRE_CELL_PAYLOAD_LEN] = { WIRE_DESTROY_FINISHED };
	int i;

	memset(&c1, 0, sizeof(c1));
	memset(&c2, 0, sizeof(c2));
	cl_create(0x80000001u, WIRE_HTYPE_NTOR_V3, &c1);
	cl_create(0x80000002u, WIRE_HTYPE_FAST, &c2);
	CU_ASSERT_EQUAL(circ_gauge_b(), 2);
	CU_ASSERT_EQUAL(ctr(&rb, DP_CTR_circ_create_ntor3), 1);
	CU_ASSERT_EQUAL(ctr(&rb, DP_CTR_circ_create_fast), 1);
	CU_ASSERT_EQUAL(ctr(&rb, DP_CTR_circ_created_ok), 2);

	/* DROP is recognized and dropped at B; several, so the counters run. */
	for (int k = 0; k < 3; k++)
		cl_relay(0x80000001u, &c1, true, WIRE_RELAY_CMD_DROP, 0, NULL, 0);
	cl_relay(0x80000002u, &c2, false, WIRE_RELAY_CMD_DROP, 0, NULL, 0);
	CU_ASSERT(PUMP_UNTIL(ctr(&rb, DP_CTR_circ_drop_rx) == 4, 100000));

	/* BEGIN at a middle: END (EXITPOLICY) comes back, made by B (tor1 backward). */
	cl_relay(0x80000001u, &c1, false, WIRE_RELAY_CMD_BEGIN, 7, target, sizeof(target));
	i = cl_wait_cell();
	CU_ASSERT_FATAL(i >= 0);
	CU_ASSERT_EQUAL(cap.cmd[i], WIRE_CELL_CMD_RELAY);
	CU_ASSERT_EQUAL(cap.circ_id[i], 0x80000001u);
	dp_rc_crypt(&c1.bwd, cap.payload[i]);
	CU_ASSERT_FATAL(dp_rc_digest_check(&c1.bwd, cap.payload[i]));
	CU_ASSERT_FATAL(wire_relay_hdr_decode(cap.payload[i], WIRE_CELL_PAYLOAD_LEN, &h) == 0);
	CU_ASSERT_EQUAL(h.cmd, WIRE_RELAY_CMD_END);
	CU_ASSERT_EQUAL(h.stream_id, 7);
	CU_ASSERT_EQUAL(h.length, 1);
	CU_ASSERT_EQUAL(cap.payload[i][WIRE_RELAY_OFF_DATA], 4);
	/* A tampered cell is not recognized; at the last hop that closes the circuit. */
	{
		uint8_t p[WIRE_CELL_PAYLOAD_LEN];
		struct wire_relay_hdr d = { .cmd = WIRE_RELAY_CMD_DROP };

		memset(p, 0, sizeof(p));
		wire_relay_hdr_encode(p, sizeof(p), &d);
		dp_rc_digest_set(&c2.fwd, p);
		p[100] ^= 1;
		dp_rc_crypt(&c2.fwd, p);
		cl_send(0x80000002u, WIRE_CELL_CMD_RELAY, p);
	}
	i = cl_wait_cell();
	CU_ASSERT_FATAL(i >= 0);
	CU_ASSERT_EQUAL(cap.cmd[i], WIRE_CELL_CMD_DESTROY);
	CU_ASSERT_EQUAL(cap.circ_id[i], 0x80000002u);
	CU_ASSERT_EQUAL(cap.payload[i][0], WIRE_DESTROY_PROTOCOL);
	CU_ASSERT_EQUAL(ctr(&rb, DP_CTR_circ_relay_last_hop), 1);

	/* DESTROY from the client frees the circuit; nothing stays queued. */
	cl_send(0x80000001u, WIRE_CELL_CMD_DESTROY, destroy);
	CU_ASSERT(PUMP_UNTIL(circ_gauge_b() == 0, 100000));
	CU_ASSERT_EQUAL(ctr(&rb, DP_CTR_circ_destroy_rx), 1);
	CU_ASSERT_EQUAL(dp_circ_cells_used(&rb.lc), 0);
	dp_rc_free(&c1);
	dp_rc_free(&c2);
}

/* Circuit cells by command: CREATE2 in, CREATED2 out through the scheduler's
 * batches (dp_chan_send_cells()), RELAY_EARLY, RELAY and DESTROY in. */
static void
test_circ_cells_counted_by_command(void)
{
	struct dp_relay_crypto c1;
	uint8_t destroy[WIRE_CELL_PAYLOAD_LEN] = { WIRE_DESTROY_FINISHED };

	/* Once B is open: it received VERSIONS, CERTS, AUTHENTICATE, NETINFO. */
	CU_ASSERT_FATAL(PUMP_UNTIL(ctr(&rb, DP_CTR_chan_open) == 1, 20000));
	CU_ASSERT_EQUAL(ctr(&rb, DP_CTR_cell_rx_netinfo), 1);
	CU_ASSERT_EQUAL(ctr(&rb, DP_CTR_cell_rx_create2), 0);
	memset(&c1, 0, sizeof(c1));
	cl_create(0x80000061u, WIRE_HTYPE_NTOR_V3, &c1);
	CU_ASSERT_EQUAL(ctr(&ra, DP_CTR_cell_tx_create2), 1);
	CU_ASSERT_EQUAL(ctr(&rb, DP_CTR_cell_rx_create2), 1);
	CU_ASSERT_EQUAL(ctr(&rb, DP_CTR_cell_tx_created2), 1);
	CU_ASSERT_EQUAL(ctr(&ra, DP_CTR_cell_rx_created2), 1);
	cl_relay(0x80000061u, &c1, true, WIRE_RELAY_CMD_DROP, 0, NULL, 0);
	cl_relay(0x80000061u, &c1, false, WIRE_RELAY_CMD_DROP, 0, NULL, 0);
	CU_ASSERT(PUMP_UNTIL(ctr(&rb, DP_CTR_circ_drop_rx) == 2, 100000));
	CU_ASSERT_EQUAL(ctr(&rb, DP_CTR_cell_rx_relay_early), 1);
	CU_ASSERT_EQUAL(ctr(&rb, DP_CTR_cell_rx_relay), 1);
	cl_send(0x80000061u, WIRE_CELL_CMD_DESTROY, destroy);
	CU_ASSERT(PUMP_UNTIL(circ_gauge_b() == 0, 100000));
	CU_ASSERT_EQUAL(ctr(&rb, DP_CTR_cell_rx_destroy), 1);
	/* Handshake 4 + CREATE2, RELAY_EARLY, RELAY, DESTROY in; handshake 4 + CREATED2 out. */
	CU_ASSERT_EQUAL(cells_by_cmd_sum(&rb, false), 8);
	CU_ASSERT_EQUAL(cells_by_cmd_sum(&rb, true), 5);
	CU_ASSERT_EQUAL(ctr(&rb, DP_CTR_cell_tx_destroy), 0);
	CU_ASSERT_EQUAL(cells_by_cmd_sum(&rb, true), ctr(&rb, DP_CTR_chan_cells_tx));
	dp_rc_free(&c1);
}

/* The queue limits change while B runs (CONF_SET IPC_CONF_CIRC_QUEUE):
 * bad pairs change nothing; with a cap of 8 instead of the fixture's 64, a
 * circuit whose reader stopped is destroyed with at most 8 cells queued. */
static void
test_circ_queue_limits_set_at_run_time(void)
{
	static const char target[] = "192.0.2.1:80";
	struct conf_result res;
	struct dp_relay_crypto c1;
	uint64_t most = 0, hiwat, max;
	uint32_t sent = 0, open0 = circ_gauge_b();

	CU_ASSERT_EQUAL(ctr(&rb, DP_CTR_circ_queue_hiwat), 16);
	CU_ASSERT_EQUAL(ctr(&rb, DP_CTR_circ_queue_max), 64);
	CU_ASSERT_FATAL(conf_set(&rb, IPC_CONF_CIRC_QUEUE, 4, 8, &res) == 0);
	CU_ASSERT_EQUAL(res.st.status, 0);
	CU_ASSERT_EQUAL(res.st.val[0], 4);
	CU_ASSERT_EQUAL(res.st.val[1], 8);
	CU_ASSERT_EQUAL(ctr(&rb, DP_CTR_circ_queue_hiwat), 4);
	CU_ASSERT_EQUAL(ctr(&rb, DP_CTR_circ_queue_max), 8);
	CU_ASSERT_EQUAL(dp_circ_set_queue(&rb.lc, 8, 8), -EINVAL);
	CU_ASSERT_EQUAL(dp_circ_set_queue(&rb.lc, 0, 8), -EINVAL);
	CU_ASSERT_EQUAL(dp_circ_set_queue(&rb.lc, 4, IPC_CONF_CIRC_QUEUE_LIMIT + 1u), -EINVAL);
	dp_circ_queue(&rb.lc, &hiwat, &max);
	CU_ASSERT_EQUAL(hiwat, 4);
	CU_ASSERT_EQUAL(max, 8);

	memset(&c1, 0, sizeof(c1));
	cl_create(0x80000051u, WIRE_HTYPE_FAST, &c1);
	CU_ASSERT_FATAL(dp_chan_set_paused(&ra.lc, cl_chan, true) == 0);
	while (ctr(&rb, DP_CTR_circ_queue_overflow) == 0 && sent < 2000) {
		cl_relay(0x80000051u, &c1, false, WIRE_RELAY_CMD_BEGIN, (uint16_t)(1 + sent), target,
			 sizeof(target));
		sent++;
		for (int k = 0; k < 4; k++) {
			step();
			if (ctr(&rb, DP_CTR_circ_cells_queued) > most)
				most = ctr(&rb, DP_CTR_circ_cells_queued);
		}
	}
	CU_ASSERT_EQUAL(ctr(&rb, DP_CTR_circ_queue_overflow), 1);
	CU_ASSERT(most <= 8);
	CU_ASSERT(PUMP_UNTIL(circ_gauge_b() == open0, 100000));
	CU_ASSERT_FATAL(dp_chan_set_paused(&ra.lc, cl_chan, false) == 0);
	CU_ASSERT(PUMP_UNTIL(dp_circ_cells_used(&rb.lc) == 0, 400000));
	/* Back to the fixture's limits for the tests that follow. */
	CU_ASSERT_FATAL(conf_set(&rb, IPC_CONF_CIRC_QUEUE, 16, 64, &res) == 0);
	CU_ASSERT_EQUAL(res.st.status, 0);
	dp_rc_free(&c1);
}

/* Bad CREATEs: TAP, unknown HTYPE, ntor of the wrong length, an id of the
 * wrong half, a reused id. Nothing is left behind. */
static void
test_circ_bad_creates(void)
{
	uint8_t p[WIRE_CELL_PAYLOAD_LEN];
	struct dp_relay_crypto c;
	int i;

	memset(p, 0, sizeof(p));
	cl_send(0x80000010u, WIRE_CELL_CMD_CREATE, p);
	i = cl_wait_cell();
	CU_ASSERT_FATAL(i >= 0);
	CU_ASSERT_EQUAL(cap.cmd[i], WIRE_CELL_CMD_DESTROY);
	CU_ASSERT_EQUAL(cap.payload[i][0], WIRE_DESTROY_PROTOCOL);
	CU_ASSERT_FATAL(wire_create2_encode(p, sizeof(p), 9, p + 100, 32) == 0);
	cl_send(0x80000011u, WIRE_CELL_CMD_CREATE2, p);
	CU_ASSERT_FATAL(cl_wait_cell() >= 0);
	CU_ASSERT_FATAL(wire_create2_encode(p, sizeof(p), WIRE_HTYPE_NTOR, p + 100, 83) == 0);
	cl_send(0x80000012u, WIRE_CELL_CMD_CREATE2, p);
	CU_ASSERT_FATAL(cl_wait_cell() >= 0);
	CU_ASSERT_EQUAL(ctr(&rb, DP_CTR_circ_create_bad), 3);
	/* B is the responder: A (initiator) must set the high bit. */
	cl_send(0x00000013u, WIRE_CELL_CMD_CREATE_FAST, p);
	CU_ASSERT(PUMP_UNTIL(ctr(&rb, DP_CTR_circ_create_id_bad) == 1, 100000));
	/* A handshake the control plane refuses (ntor naming another relay). */
	memset(p, 0, sizeof(p));
	CU_ASSERT_FATAL(wire_create2_encode(p, sizeof(p), WIRE_HTYPE_NTOR, p + 200, 84) == 0);
	cl_send(0x80000014u, WIRE_CELL_CMD_CREATE2, p);
	i = cl_wait_cell();
	CU_ASSERT_FATAL(i >= 0);
	CU_ASSERT_EQUAL(cap.cmd[i], WIRE_CELL_CMD_DESTROY);
	CU_ASSERT_EQUAL(ctr(&rb, DP_CTR_circ_created_fail), 1);
	/* A second CREATE on a live id is dropped. */
	memset(&c, 0, sizeof(c));
	cl_create(0x80000015u, WIRE_HTYPE_FAST, &c);
	cl_send(0x80000015u, WIRE_CELL_CMD_CREATE_FAST, p);
	CU_ASSERT(PUMP_UNTIL(ctr(&rb, DP_CTR_circ_create_dup) == 1, 100000));
	CU_ASSERT_EQUAL(circ_gauge_b(), 1);
	dp_rc_free(&c);
}

/* RELAY_EARLY: at most 8 (tor-spec §5.6); EXTEND2 only in RELAY_EARLY; no
 * extending back to the previous hop. */
static void
test_circ_early_and_extend_rules(void)
{
	struct dp_relay_crypto c1, c2, c3;
	uint8_t body[WIRE_RELAY_DATA_MAX];
	struct wire_extend2 e;
	uint8_t hs[WIRE_NTOR_ONIONSKIN_LEN] = { 0 };
	int i, n;

	memset(&c1, 0, sizeof(c1));
	memset(&c2, 0, sizeof(c2));
	memset(&c3, 0, sizeof(c3));
	cl_create(0x80000021u, WIRE_HTYPE_FAST, &c1);
	for (int k = 0; k < 9; k++)
		cl_relay(0x80000021u, &c1, true, WIRE_RELAY_CMD_DROP, 0, NULL, 0);
	i = cl_wait_cell();
	CU_ASSERT_FATAL(i >= 0);
	CU_ASSERT_EQUAL(cap.cmd[i], WIRE_CELL_CMD_DESTROY);
	CU_ASSERT_EQUAL(cap.payload[i][0], WIRE_DESTROY_PROTOCOL);
	CU_ASSERT_EQUAL(ctr(&rb, DP_CTR_circ_drop_rx), 8);
	CU_ASSERT_EQUAL(ctr(&rb, DP_CTR_circ_early_excess), 1);

	memset(&e, 0, sizeof(e));
	e.has_ipv4 = 1;
	e.ipv4_addr = A_IP;
	e.ipv4_port = ORPORT;
	e.has_legacy_id = 1;
	memcpy(e.legacy_id, cp_keys_rsa_id_digest(ra.keys), 20); /* A: the previous hop */
	e.htype = WIRE_HTYPE_NTOR;
	e.hlen = sizeof(hs);
	e.hdata = hs;
	n = wire_extend2_encode(body, sizeof(body), &e);
	CU_ASSERT_FATAL(n > 0);
	cl_create(0x80000022u, WIRE_HTYPE_FAST, &c2);
	cl_relay(0x80000022u, &c2, false, WIRE_RELAY_CMD_EXTEND2, 0, body, (uint16_t)n);
	i = cl_wait_cell();
	CU_ASSERT_FATAL(i >= 0);
	CU_ASSERT_EQUAL(cap.cmd[i], WIRE_CELL_CMD_DESTROY);
	CU_ASSERT_EQUAL(ctr(&rb, DP_CTR_circ_extend_not_early), 1);
	cl_create(0x80000023u, WIRE_HTYPE_FAST, &c3);
	cl_relay(0x80000023u, &c3, true, WIRE_RELAY_CMD_EXTEND2, 0, body, (uint16_t)n);
	i = cl_wait_cell();
	CU_ASSERT_FATAL(i >= 0);
	CU_ASSERT_EQUAL(cap.cmd[i], WIRE_CELL_CMD_DESTROY);
	CU_ASSERT_EQUAL(cap.payload[i][0], WIRE_DESTROY_PROTOCOL);
	CU_ASSERT_EQUAL(ctr(&rb, DP_CTR_circ_extend_refused), 1);
	CU_ASSERT(PUMP_UNTIL(circ_gauge_b() == 0, 100000));
	dp_rc_free(&c1);
	dp_rc_free(&c2);
	dp_rc_free(&c3);
}

/* Losing the channel frees every circuit on it. */
static void
test_circ_channel_close_frees(void)
{
	struct dp_relay_crypto c[3];

	memset(c, 0, sizeof(c));
	for (uint32_t k = 0; k < 3; k++)
		cl_create(0x80000031u + k, k == 1 ? WIRE_HTYPE_NTOR : WIRE_HTYPE_FAST, &c[k]);
	CU_ASSERT_EQUAL(circ_gauge_b(), 3);
	CU_ASSERT_EQUAL(ctr(&rb, DP_CTR_circ_create_ntor), 1);
	CU_ASSERT_FATAL(dp_chan_close(&ra.lc, cl_chan) == 0);
	CU_ASSERT(PUMP_UNTIL(circ_gauge_b() == 0, 200000));
	CU_ASSERT_EQUAL(ctr(&rb, DP_CTR_circ_chan_closed), 3);
	CU_ASSERT_EQUAL(dp_circ_cells_used(&rb.lc), 0);
	for (uint32_t k = 0; k < 3; k++)
		dp_rc_free(&c[k]);
}

/* The hard cap: the client stops reading (its TCP window closes) while it
 * makes B answer BEGIN after BEGIN; B's backward queue for that circuit
 * reaches --circ-queue-max and the circuit is destroyed (RESOURCELIMIT),
 * its cells freed; another circuit on the same channel is unharmed. Once
 * the client reads again the DESTROY arrives. */
static void
test_circ_queue_cap(void)
{
	static const char target[] = "192.0.2.1:80";
	struct dp_relay_crypto c1, c2;
	uint32_t sent = 0;
	bool got_destroy = false;

	memset(&c1, 0, sizeof(c1));
	memset(&c2, 0, sizeof(c2));
	cl_create(0x80000041u, WIRE_HTYPE_FAST, &c1);
	cl_create(0x80000042u, WIRE_HTYPE_FAST, &c2);
	CU_ASSERT_FATAL(dp_chan_set_paused(&ra.lc, cl_chan, true) == 0);
	/* 64 KiB of TCP buffer each way holds ~250 cells; the cap is 64. */
	while (ctr(&rb, DP_CTR_circ_queue_overflow) == 0 && sent < 2000) {
		cl_relay(0x80000041u, &c1, false, WIRE_RELAY_CMD_BEGIN, (uint16_t)(1 + sent % 60000),
			 target, sizeof(target));
		sent++;
		for (int k = 0; k < 4; k++)
			step();
	}
	CU_ASSERT_EQUAL(ctr(&rb, DP_CTR_circ_queue_overflow), 1);
	CU_ASSERT(PUMP_UNTIL(circ_gauge_b() == 1, 100000));
	CU_ASSERT(dp_circ_cells_used(&rb.lc) <= 2); /* at most the DESTROY waits */
	CU_ASSERT_EQUAL(ctr(&rb, DP_CTR_circ_destroy_tx_resourcelimit), 1);
	CU_ASSERT_FATAL(dp_chan_set_paused(&ra.lc, cl_chan, false) == 0);
	for (uint32_t n = 0; n < 400000 && !got_destroy; n++) {
		step();
		for (uint32_t i = 0; i < cap.n; i++)
			if (cap.cmd[i] == WIRE_CELL_CMD_DESTROY && cap.circ_id[i] == 0x80000041u &&
			    cap.payload[i][0] == WIRE_DESTROY_RESOURCELIMIT)
				got_destroy = true;
		if (cap.n == CAP_MAX)
			cap.n = 0; /* keep catching: the ENDs come first */
	}
	CU_ASSERT(got_destroy);
	CU_ASSERT(PUMP_UNTIL(dp_circ_cells_used(&rb.lc) == 0, 100000));
	/* The other circuit still works. */
	cl_relay(0x80000042u, &c2, true, WIRE_RELAY_CMD_DROP, 0, NULL, 0);
	CU_ASSERT(PUMP_UNTIL(ctr(&rb, DP_CTR_circ_drop_rx) == 1, 100000));
	dp_rc_free(&c1);
	dp_rc_free(&c2);
}

/* TRUNCATE at the last hop: TRUNCATED (REQUESTED) comes back, made and
 * digested by B, and the circuit stays usable. */
static void
test_circ_truncate(void)
{
	struct dp_relay_crypto c1;
	struct wire_relay_hdr h;
	uint8_t reason = WIRE_DESTROY_FINISHED;
	int i;

	memset(&c1, 0, sizeof(c1));
	cl_create(0x80000051u, WIRE_HTYPE_NTOR_V3, &c1);
	cl_relay(0x80000051u, &c1, true, WIRE_RELAY_CMD_TRUNCATE, 0, &reason, 1);
	i = cl_wait_cell();
	CU_ASSERT_FATAL(i >= 0);
	CU_ASSERT_EQUAL(cap.cmd[i], WIRE_CELL_CMD_RELAY);
	dp_rc_crypt(&c1.bwd, cap.payload[i]);
	CU_ASSERT_FATAL(dp_rc_digest_check(&c1.bwd, cap.payload[i]));
	CU_ASSERT_FATAL(wire_relay_hdr_decode(cap.payload[i], WIRE_CELL_PAYLOAD_LEN, &h) == 0);
	CU_ASSERT_EQUAL(h.cmd, WIRE_RELAY_CMD_TRUNCATED);
	CU_ASSERT_EQUAL(h.length, 1);
	CU_ASSERT_EQUAL(cap.payload[i][WIRE_RELAY_OFF_DATA], WIRE_DESTROY_REQUESTED);
	CU_ASSERT_EQUAL(ctr(&rb, DP_CTR_circ_truncate_rx), 1);
	cl_relay(0x80000051u, &c1, false, WIRE_RELAY_CMD_DROP, 0, NULL, 0);
	CU_ASSERT(PUMP_UNTIL(ctr(&rb, DP_CTR_circ_drop_rx) == 1, 100000));
	CU_ASSERT_EQUAL(circ_gauge_b(), 1);
	dp_rc_free(&c1);
}

/* Circuit ids we pick (tor-spec §5.1.1): never 0, the high bit for the
 * channel's initiator only, never one in use on the channel. */
static void
test_circ_id_allocation(void)
{
	struct ipc_msg_chan_info info;
	struct dp_relay_crypto c1;
	uint32_t chan_b = only_chan(&rb, &info), used = 0x80000071u;

	CU_ASSERT_FATAL(chan_b != 0);
	memset(&c1, 0, sizeof(c1));
	cl_create(used, WIRE_HTYPE_FAST, &c1);
	for (int k = 0; k < 2000; k++) {
		uint32_t resp = dp_circ_new_id(&rb.lc, chan_b, false);
		uint32_t init = dp_circ_new_id(&rb.lc, chan_b, true);

		CU_ASSERT(resp != 0 && (resp >> 31) == 0);
		CU_ASSERT((init >> 31) == 1 && (init & 0x7fffffffu) != 0);
		CU_ASSERT(init != used);
	}
	dp_rc_free(&c1);
}

static CU_TestInfo circ_tests[] = {
	{ "circuit_id_allocation", test_circ_id_allocation },
	{ "truncate_answers_truncated", test_circ_truncate },
	{ "queue_cap_destroys_the_circuit", test_circ_queue_cap },
	{ "queue_limits_set_at_run_time", test_circ_queue_limits_set_at_run_time },
	{ "create_ntor3_fast_relay_both_ways_destroy", test_circ_create_relay_destroy },
	{ "cells_counted_by_command", test_circ_cells_counted_by_command },
	{ "bad_creates_refused", test_circ_bad_creates },
	{ "relay_early_limit_and_extend_rules", test_circ_early_and_extend_rules },
	{ "channel_close_frees_circuits", test_circ_channel_close_frees },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_circ = {
	.pName = "dataplane/circ",
	.pCleanupFunc = suite_clean,
	.pSetUpFunc = c_setup,
	.pTearDownFunc = c_teardown,
	.pTests = circ_tests,
};
