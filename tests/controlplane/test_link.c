/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief CUnit suite "controlplane/link": installing link credentials and
 *        the handshake services, against a fake dataplane.
 *
 * Each test gets a fresh two-lcore segment created under a name unique to
 * this process and owned by our parent process (so it is live), and plays
 * the dataplane on it: it consumes the command and cell_down rings and
 * produces on the event and cell_up rings. Suite set-up makes two real
 * relay key stores: ours (the module under test serves it) and a peer's,
 * whose own credentials (built by the same code, cp_linkcreds_create())
 * provide the CERTS bodies and AUTHENTICATE cells a real peer relay would
 * send. One credential set of ours is made once and lent to the tests that
 * do not regenerate, to keep RSA key generation out of most tests.
 *
 * Clocks are fake: the wall clock is LINK_TEST_NOW (plus what a test
 * adds), the monotonic one T0 (plus what a test adds).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>
#include <openssl/crypto.h>

#include "common/ipc/ipc_msg.h"
#include "common/ipc/ipc_ring.h"
#include "common/ipc/ipc_shm.h"
#include "common/wire/wire_link.h"
#include "controlplane/certs/linkcerts.h"
#include "controlplane/dplink.h"
#include "controlplane/link/link.h"
#include "controlplane/link/linkcreds.h"
#include "tests/controlplane/test_link_util.h"
#include "tests/suites.h"

#define N_LCORES 2u
#define DOWN_SLOTS 64u
#define NOW LINK_TEST_NOW
#define T0 UINT64_C(1000000000)
#define NETINFO_ADDR 0xc0000207u /* 192.0.2.7 */
#define CHAN 0x00010005u

union slot {
	struct ipc_hdr hdr;
	struct ipc_msg_blob_chunk chunk;
	struct ipc_msg_link_install install;
	struct ipc_msg_chan_certs_result certs_result;
	struct ipc_msg_chan_auth_signed auth_signed;
	struct ipc_msg_chan_auth_result auth_result;
	uint8_t bytes[IPC_CELL_SLOT];
};

static struct link_test_store ours, peer;
static struct cp_linkcreds base;       /* ours, lent to tests */
static struct cp_linkcreds peer_creds; /* the peer relay's */
static char err[512];

static struct {
	bool ready;
	bool lent; /* lk.creds is `base` (do not destroy it) */
	char name[IPC_SHM_NAME_MAX];
	struct ipc_shm dp_shm;
	struct ipc_ring_cons cmd[N_LCORES];
	struct ipc_ring_prod evt[N_LCORES];
	struct ipc_ring_prod up[N_LCORES];
	struct ipc_ring_cons down[N_LCORES];
	struct cp_dplink dp;
	struct cp_link lk;
} fx;

/* Counter visitor: remember the value of one name. */
struct ctr_find {
	const char *name;
	int found;
	uint64_t value;
};

static void
ctr_find(void *arg, const char *name, uint64_t value)
{
	struct ctr_find *f = arg;

	if (strcmp(name, f->name) == 0) {
		f->found++;
		f->value = value;
	}
}

static int
suite_init(void)
{
	snprintf(fx.name, sizeof(fx.name), "chive-ut-%d-link", (int)getpid());
	if (link_test_store_open(&ours, NOW) != 0 || link_test_store_open(&peer, NOW) != 0)
		return -1;
	if (cp_linkcreds_create(&base, ours.keys, NULL, 100, NOW, err, sizeof(err)) != 0 ||
	    cp_linkcreds_create(&peer_creds, peer.keys, NULL, 200, NOW, err, sizeof(err)) != 0) {
		fprintf(stderr, "link suite: %s\n", err);
		return -1;
	}
	return 0;
}

static int
suite_fini(void)
{
	cp_linkcreds_destroy(&base);
	cp_linkcreds_destroy(&peer_creds);
	link_test_store_close(&ours);
	link_test_store_close(&peer);
	cp_log_set_level(CP_LOG_NOTICE);
	return 0;
}

static void
setup(void)
{
	struct ipc_seg_geom g;
	char e[256];

	memset(&fx.dp_shm, 0, sizeof(fx.dp_shm));
	fx.dp_shm.fd = -1;
	fx.ready = false;
	fx.lent = false;
	cp_log_set_level(CP_LOG_ERR);
	cp_dplink_init(&fx.dp);
	cp_link_init(&fx.lk, &fx.dp, ours.keys, NETINFO_ADDR);
	ipc_seg_geom_default(&g, N_LCORES);
	g.ring_slots[IPC_RING_CELL_DOWN] = DOWN_SLOTS;
	if (ipc_shm_create(fx.name, &g, (uint32_t)getppid(), &fx.dp_shm, e, sizeof(e)) != 0) {
		fprintf(stderr, "link setup: %s\n", e);
		return;
	}
	ipc_shm_publish(&fx.dp_shm);
	for (uint32_t i = 0; i < N_LCORES; i++) {
		if (ipc_ring_cons_init(&fx.cmd[i], ipc_shm_ring(&fx.dp_shm, i, IPC_RING_CMD),
				       ipc_shm_ring_size(&fx.dp_shm, IPC_RING_CMD)) != 0 ||
		    ipc_ring_prod_init(&fx.evt[i], ipc_shm_ring(&fx.dp_shm, i, IPC_RING_EVT),
				       ipc_shm_ring_size(&fx.dp_shm, IPC_RING_EVT)) != 0 ||
		    ipc_ring_prod_init(&fx.up[i], ipc_shm_ring(&fx.dp_shm, i, IPC_RING_CELL_UP),
				       ipc_shm_ring_size(&fx.dp_shm, IPC_RING_CELL_UP)) != 0 ||
		    ipc_ring_cons_init(&fx.down[i], ipc_shm_ring(&fx.dp_shm, i, IPC_RING_CELL_DOWN),
				       ipc_shm_ring_size(&fx.dp_shm, IPC_RING_CELL_DOWN)) != 0)
			return;
	}
	if (cp_dplink_attach(&fx.dp, fx.name, e, sizeof(e)) != 0) {
		fprintf(stderr, "link setup: %s\n", e);
		return;
	}
	fx.ready = true;
}

static void
teardown(void)
{
	if (fx.lent)
		memset(&fx.lk.creds, 0, sizeof(fx.lk.creds));
	cp_link_fini(&fx.lk);
	cp_dplink_detach(&fx.dp, 0);
	ipc_shm_close(&fx.dp_shm);
}

/* Give the module our prepared credentials instead of making new ones. */
static void
lend_base(void)
{
	fx.lk.creds = base;
	fx.lent = true;
}

/* Pop lcore @lc's next cell_down message into @s; ipc_ring_pop's rc. */
static int
pop_down(uint32_t lc, union slot *s)
{
	memset(s, 0, sizeof(*s));
	return ipc_ring_pop(&fx.down[lc], s, sizeof(*s));
}

static uint32_t
down_count(uint32_t lc)
{
	return ipc_ring_cons_count(&fx.down[lc]);
}

/* Drop everything waiting on lcore @lc's cell_down ring. */
static void
drain_down(uint32_t lc)
{
	union slot s;

	while (pop_down(lc, &s) > 0)
		;
}

static int
push_evt(uint32_t lc, const void *m, size_t len)
{
	return ipc_ring_push(&fx.evt[lc], m, len);
}

static int
push_up(uint32_t lc, const void *m, size_t len)
{
	return ipc_ring_push(&fx.up[lc], m, len);
}

/* Answer a LINK_INSTALL with LINK_INSTALLED(@status, @gen). */
static int
answer_install(uint32_t lc, const struct ipc_msg_link_install *in, int32_t status)
{
	struct ipc_msg_link_installed r;

	memset(&r, 0, sizeof(r));
	ipc_hdr_init(&r.hdr, IPC_MSG_LINK_INSTALLED, sizeof(r), in->hdr.req_id);
	r.gen = in->gen;
	r.status = status;
	r.failed_blob = status != 0 ? IPC_BLOB_LINK_KEY : 0;
	return push_evt(lc, &r, sizeof(r));
}

/* Bytes of blob @id of @c (the link key's DER made on demand). */
static uint8_t *
blob_copy(const struct cp_linkcreds *c, uint32_t id, size_t *len)
{
	const uint8_t *data;
	uint8_t *owned, *copy;

	if (cp_linkcreds_blob(c, id, &owned, &data, len) != 0)
		return NULL;
	copy = malloc(*len);
	memcpy(copy, data, *len);
	if (owned != NULL) {
		OPENSSL_cleanse(owned, *len);
		free(owned);
	}
	return copy;
}

/*
 * Consume one whole credential set from lcore @lc's cell_down ring as the
 * dataplane would, checking every chunk against @c; the LINK_INSTALL goes
 * into @install. Return the number of failed checks (0 = a perfect set).
 */
static int
take_set(uint32_t lc, const struct cp_linkcreds *c, struct ipc_msg_link_install *install)
{
	uint16_t type = 0;
	int bad = 0;
	union slot s;

	for (uint32_t id = IPC_BLOB_LINK_KEY; id < IPC_BLOB_COUNT; id++) {
		size_t len = 0, off = 0;
		uint8_t *want = blob_copy(c, id, &len);
		uint8_t *got = calloc(1, len + 1);

		while (off < len) {
			size_t n =
				len - off < IPC_BLOB_CHUNK_DATA ? len - off : IPC_BLOB_CHUNK_DATA;

			if (pop_down(lc, &s) <= 0 || s.hdr.type != IPC_MSG_BLOB_CHUNK ||
			    s.hdr.len != sizeof(s.chunk) || s.hdr.req_id != 0 ||
			    s.chunk.blob_id != id || s.chunk.total_len != len ||
			    s.chunk.offset != off || s.chunk.chunk_len != n ||
			    s.chunk.gen != c->gen) {
				bad++;
				break;
			}
			CU_ASSERT_EQUAL(ipc_msg_validate(&s, sizeof(s), IPC_DIR_CELL_DOWN, &type),
					0);
			memcpy(got + off, s.chunk.data, n);
			off += n;
		}
		bad += off != len || memcmp(got, want, len) != 0;
		OPENSSL_cleanse(want, len);
		OPENSSL_cleanse(got, len);
		free(want);
		free(got);
	}
	if (pop_down(lc, &s) <= 0 || s.hdr.type != IPC_MSG_LINK_INSTALL ||
	    s.hdr.len != sizeof(s.install) || s.hdr.req_id == 0)
		return bad + 1;
	*install = s.install;
	bad += install->gen != c->gen;
	bad += memcmp(install->rsa_id_sha1, cp_keys_rsa_id_digest(ours.keys), 20) != 0;
	bad += memcmp(install->rsa_id_sha256, cp_keys_rsa_id_sha256(ours.keys), 32) != 0;
	bad += memcmp(install->ed_id, cp_keys_master_pub(ours.keys), 32) != 0;
	bad += install->netinfo_addr != NETINFO_ADDR || install->flags != 0;
	return bad;
}

/* Messages one whole set takes on a ring. */
static uint32_t
set_slots(const struct cp_linkcreds *c)
{
	uint32_t n = 1;

	for (uint32_t id = IPC_BLOB_LINK_KEY; id < IPC_BLOB_COUNT; id++)
		n += (uint32_t)((cp_linkcreds_blob_len(c, id) + IPC_BLOB_CHUNK_DATA - 1) /
				IPC_BLOB_CHUNK_DATA);
	return n;
}

/* Install the current set on every lcore and confirm it; 0 on success. */
static int
install_everywhere(uint64_t now_ns)
{
	struct ipc_msg_link_install in;
	int bad = 0;

	cp_link_tick(&fx.lk, NOW, now_ns);
	for (uint32_t lc = 0; lc < N_LCORES; lc++) {
		bad += take_set(lc, &fx.lk.creds, &in);
		bad += answer_install(lc, &in, 0) != 0;
	}
	cp_dplink_poll(&fx.dp, now_ns);
	return bad + (cp_link_installed_count(&fx.lk) != N_LCORES);
}

/* ---- installing ---------------------------------------------------------- */

static void
test_attach_installs_the_whole_set_on_every_lcore(void)
{
	struct ipc_msg_link_install in[N_LCORES];

	CU_ASSERT_FATAL(fx.ready);
	lend_base();
	cp_link_tick(&fx.lk, NOW, T0);
	for (uint32_t lc = 0; lc < N_LCORES; lc++) {
		CU_ASSERT_EQUAL(down_count(lc), set_slots(&base));
		CU_ASSERT_EQUAL(take_set(lc, &base, &in[lc]), 0);
		CU_ASSERT_EQUAL(down_count(lc), 0);
	}
	CU_ASSERT_EQUAL(fx.lk.stats.installs_sent, N_LCORES);
	CU_ASSERT_EQUAL(fx.dp.n_pending, N_LCORES);
	CU_ASSERT_EQUAL(cp_link_installed_count(&fx.lk), 0);
	/* The INSTALL is a request: its reply goes through the pending table. */
	for (uint32_t lc = 0; lc < N_LCORES; lc++)
		CU_ASSERT_EQUAL_FATAL(answer_install(lc, &in[lc], 0), 0);
	CU_ASSERT_EQUAL(cp_dplink_poll(&fx.dp, T0 + 1), N_LCORES);
	CU_ASSERT_EQUAL(cp_link_installed_count(&fx.lk), N_LCORES);
	CU_ASSERT_EQUAL(fx.lk.stats.installs_ok, N_LCORES);
	CU_ASSERT_EQUAL(fx.dp.n_pending, 0);
	CU_ASSERT_EQUAL(fx.dp.stats.evt_unmatched, 0);
}

static void
test_installed_set_is_not_sent_again(void)
{
	CU_ASSERT_FATAL(fx.ready);
	lend_base();
	CU_ASSERT_EQUAL_FATAL(install_everywhere(T0), 0);
	cp_link_tick(&fx.lk, NOW + 60, T0 + CP_LINK_RETRY_NS * 10);
	CU_ASSERT_EQUAL(down_count(0), 0);
	CU_ASSERT_EQUAL(down_count(1), 0);
	CU_ASSERT_EQUAL(fx.lk.stats.installs_sent, N_LCORES);
}

static void
test_set_in_flight_is_not_sent_twice(void)
{
	CU_ASSERT_FATAL(fx.ready);
	lend_base();
	cp_link_tick(&fx.lk, NOW, T0);
	cp_link_tick(&fx.lk, NOW, T0 + 1000);
	CU_ASSERT_EQUAL(down_count(0), set_slots(&base));
	CU_ASSERT_EQUAL(fx.lk.stats.installs_sent, N_LCORES);
}

static void
test_nothing_is_sent_without_a_dataplane(void)
{
	CU_ASSERT_FATAL(fx.ready);
	lend_base();
	cp_dplink_detach(&fx.dp, T0);
	cp_link_tick(&fx.lk, NOW, T0);
	CU_ASSERT_EQUAL(down_count(0), 0);
	CU_ASSERT_EQUAL(fx.lk.stats.installs_sent, 0);
	CU_ASSERT_EQUAL(cp_link_installed_count(&fx.lk), 0);
}

static void
test_short_ring_defers_the_whole_set(void)
{
	uint32_t need, filler = 0;
	struct ipc_msg_chan_auth_result dummy;
	struct ipc_msg_link_install in;
	union slot s;

	CU_ASSERT_FATAL(fx.ready);
	lend_base();
	need = set_slots(&base);
	CU_ASSERT_FATAL(need < DOWN_SLOTS);
	/* Leave one slot too few on lcore 0. */
	memset(&dummy, 0, sizeof(dummy));
	ipc_hdr_init(&dummy.hdr, IPC_MSG_CHAN_AUTH_RESULT, sizeof(dummy), 0);
	for (uint32_t i = 0; i < DOWN_SLOTS - need + 1; i++)
		filler += cp_dplink_down_push(&fx.dp, 0, &dummy.hdr, sizeof(dummy)) == 0;
	CU_ASSERT_EQUAL_FATAL(filler, DOWN_SLOTS - need + 1);
	cp_link_tick(&fx.lk, NOW, T0);
	/* Nothing of the set went on lcore 0; lcore 1 got all of it. */
	CU_ASSERT_EQUAL(down_count(0), filler);
	CU_ASSERT_EQUAL(down_count(1), need);
	CU_ASSERT_EQUAL(fx.lk.stats.install_deferred, 1);
	CU_ASSERT_EQUAL(fx.lk.stats.installs_sent, 1);
	/* The dataplane frees one slot: the set goes out at the next try, whole. */
	CU_ASSERT_EQUAL_FATAL(pop_down(0, &s), IPC_CELL_SLOT);
	cp_link_tick(&fx.lk, NOW, T0 + CP_LINK_DEFER_NS - 1);
	CU_ASSERT_EQUAL(down_count(0), filler - 1);
	cp_link_tick(&fx.lk, NOW, T0 + CP_LINK_DEFER_NS);
	CU_ASSERT_EQUAL(down_count(0), DOWN_SLOTS);
	for (uint32_t i = 0; i < filler - 1; i++)
		CU_ASSERT_EQUAL(pop_down(0, &s), IPC_CELL_SLOT);
	CU_ASSERT_EQUAL(take_set(0, &base, &in), 0);
	CU_ASSERT_EQUAL(fx.lk.stats.installs_sent, 2);
}

static void
test_full_pending_table_defers(void)
{
	CU_ASSERT_FATAL(fx.ready);
	lend_base();
	fx.dp.n_pending = CP_DPLINK_PENDING_MAX;
	cp_link_tick(&fx.lk, NOW, T0);
	fx.dp.n_pending = 0;
	CU_ASSERT_EQUAL(down_count(0), 0);
	CU_ASSERT_EQUAL(down_count(1), 0);
	CU_ASSERT_EQUAL(fx.lk.stats.install_deferred, N_LCORES);
}

static void
test_reattach_installs_again(void)
{
	struct ipc_msg_link_install in;
	char e[256];

	CU_ASSERT_FATAL(fx.ready);
	lend_base();
	CU_ASSERT_EQUAL_FATAL(install_everywhere(T0), 0);
	/* The dataplane restarts behind the same name: a new attach. */
	cp_dplink_detach(&fx.dp, T0 + 1);
	CU_ASSERT_EQUAL_FATAL(cp_dplink_attach(&fx.dp, fx.name, e, sizeof(e)), 0);
	CU_ASSERT_EQUAL(cp_link_installed_count(&fx.lk), 0);
	cp_link_tick(&fx.lk, NOW, T0 + 2);
	for (uint32_t lc = 0; lc < N_LCORES; lc++) {
		CU_ASSERT_EQUAL(take_set(lc, &base, &in), 0);
		CU_ASSERT_EQUAL(answer_install(lc, &in, 0), 0);
	}
	cp_dplink_poll(&fx.dp, T0 + 3);
	CU_ASSERT_EQUAL(cp_link_installed_count(&fx.lk), N_LCORES);
	CU_ASSERT_EQUAL(fx.lk.stats.installs_sent, 2 * N_LCORES);
}

static void
test_detach_while_in_flight_starts_over_on_attach(void)
{
	char e[256];

	CU_ASSERT_FATAL(fx.ready);
	lend_base();
	cp_link_tick(&fx.lk, NOW, T0);
	drain_down(0);
	drain_down(1);
	cp_dplink_detach(&fx.dp, T0 + 1);
	CU_ASSERT_EQUAL(fx.lk.stats.install_timeouts, 0);
	CU_ASSERT_EQUAL_FATAL(cp_dplink_attach(&fx.dp, fx.name, e, sizeof(e)), 0);
	cp_link_tick(&fx.lk, NOW, T0 + 2);
	CU_ASSERT_EQUAL(down_count(0), set_slots(&base));
	CU_ASSERT_EQUAL(down_count(1), set_slots(&base));
}

static void
test_regeneration_installs_a_new_generation(void)
{
	struct ipc_msg_link_install in;
	uint32_t gen1;
	uint8_t link1[32], auth1[32];

	CU_ASSERT_FATAL(fx.ready);
	CU_ASSERT_EQUAL_FATAL(cp_link_start(&fx.lk, NOW, err, sizeof(err)), 0);
	gen1 = fx.lk.creds.gen;
	CU_ASSERT_EQUAL(gen1, (uint32_t)NOW);
	memcpy(link1, fx.lk.creds.tls.link_sha256, 32);
	memcpy(auth1, fx.lk.creds.auth.pub, 32);
	CU_ASSERT_EQUAL_FATAL(install_everywhere(T0), 0);
	/* Not yet due: nothing new. */
	cp_link_tick(&fx.lk, NOW + CP_LINKCREDS_ROTATE - 1, T0 + 1);
	CU_ASSERT_EQUAL(fx.lk.creds.gen, gen1);
	CU_ASSERT_EQUAL(down_count(0), 0);
	/* Two hours on: a new TLS link key and certificate, sent everywhere. */
	cp_link_tick(&fx.lk, NOW + CP_LINKCREDS_ROTATE, T0 + 2);
	CU_ASSERT(fx.lk.creds.gen > gen1);
	CU_ASSERT_NOT_EQUAL(memcmp(fx.lk.creds.tls.link_sha256, link1, 32), 0);
	CU_ASSERT_EQUAL(memcmp(fx.lk.creds.auth.pub, auth1, 32), 0);
	CU_ASSERT_EQUAL(fx.lk.stats.regenerations, 2);
	CU_ASSERT_EQUAL(cp_link_installed_count(&fx.lk), 0);
	for (uint32_t lc = 0; lc < N_LCORES; lc++) {
		CU_ASSERT_EQUAL(take_set(lc, &fx.lk.creds, &in), 0);
		CU_ASSERT_EQUAL(in.gen, fx.lk.creds.gen);
		CU_ASSERT_EQUAL(answer_install(lc, &in, 0), 0);
	}
	cp_dplink_poll(&fx.dp, T0 + 3);
	CU_ASSERT_EQUAL(cp_link_installed_count(&fx.lk), N_LCORES);
}

static void
test_new_signing_key_regenerates_at_once(void)
{
	uint32_t gen1;

	CU_ASSERT_FATAL(fx.ready);
	CU_ASSERT_EQUAL_FATAL(cp_link_start(&fx.lk, NOW, err, sizeof(err)), 0);
	gen1 = fx.lk.creds.gen;
	CU_ASSERT_EQUAL_FATAL(install_everywhere(T0), 0);
	cp_link_keys_changed(&fx.lk);
	cp_link_tick(&fx.lk, NOW, T0 + 1);
	CU_ASSERT(fx.lk.creds.gen > gen1);
	CU_ASSERT_EQUAL(down_count(0), set_slots(&fx.lk.creds));
	CU_ASSERT_FALSE(fx.lk.regen_forced);
}

static void
test_refused_install_is_retried_after_backoff(void)
{
	struct ipc_msg_link_install in;

	CU_ASSERT_FATAL(fx.ready);
	lend_base();
	cp_link_tick(&fx.lk, NOW, T0);
	CU_ASSERT_EQUAL_FATAL(take_set(0, &base, &in), 0);
	drain_down(1);
	CU_ASSERT_EQUAL_FATAL(answer_install(0, &in, -EINVAL), 0);
	cp_dplink_poll(&fx.dp, T0 + 1);
	CU_ASSERT_EQUAL(fx.lk.stats.installs_refused, 1);
	CU_ASSERT_EQUAL(fx.lk.lc[0].installed_gen, 0);
	cp_link_tick(&fx.lk, NOW, T0 + 1 + CP_LINK_RETRY_NS - 1);
	CU_ASSERT_EQUAL(down_count(0), 0);
	cp_link_tick(&fx.lk, NOW, T0 + 1 + CP_LINK_RETRY_NS);
	CU_ASSERT_EQUAL(take_set(0, &base, &in), 0);
}

static void
test_cmd_error_counts_as_refused(void)
{
	struct ipc_msg_link_install in;
	struct ipc_msg_cmd_error e;

	CU_ASSERT_FATAL(fx.ready);
	lend_base();
	cp_link_tick(&fx.lk, NOW, T0);
	CU_ASSERT_EQUAL_FATAL(take_set(1, &base, &in), 0);
	memset(&e, 0, sizeof(e));
	ipc_hdr_init(&e.hdr, IPC_MSG_CMD_ERROR, sizeof(e), in.hdr.req_id);
	e.bad_type = IPC_MSG_LINK_INSTALL;
	e.err = -ENOTSUP;
	CU_ASSERT_EQUAL_FATAL(push_evt(1, &e, sizeof(e)), 0);
	cp_dplink_poll(&fx.dp, T0 + 1);
	CU_ASSERT_EQUAL(fx.lk.stats.installs_refused, 1);
	CU_ASSERT_EQUAL(fx.lk.lc[1].installed_gen, 0);
	CU_ASSERT_EQUAL(fx.lk.lc[1].inflight_gen, 0);
}

static void
test_timeout_before_the_dataplane_reads_waits_for_it(void)
{
	struct ipc_msg_link_install in;
	uint32_t need;

	CU_ASSERT_FATAL(fx.ready);
	lend_base();
	need = set_slots(&base);
	cp_link_tick(&fx.lk, NOW, T0);
	/* A stalled dataplane reads nothing. */
	cp_dplink_poll(&fx.dp, T0 + CP_LINK_INSTALL_TIMEOUT_NS);
	CU_ASSERT_EQUAL(fx.lk.stats.install_timeouts, N_LCORES);
	cp_link_tick(&fx.lk, NOW, T0 + CP_LINK_INSTALL_TIMEOUT_NS + 10 * CP_LINK_RETRY_NS);
	/* No second set piled up behind the unread one. */
	CU_ASSERT_EQUAL(down_count(0), need);
	CU_ASSERT_EQUAL(down_count(1), need);
	/* Lcore 0 wakes up and reads: it gets a fresh set at once. */
	drain_down(0);
	cp_link_tick(&fx.lk, NOW, T0 + CP_LINK_INSTALL_TIMEOUT_NS + 10 * CP_LINK_RETRY_NS + 1);
	CU_ASSERT_EQUAL(take_set(0, &base, &in), 0);
	CU_ASSERT_EQUAL(down_count(1), need);
	CU_ASSERT_EQUAL(fx.lk.stats.installs_sent, N_LCORES + 1);
}

static void
test_timeout_after_reading_retries_after_backoff(void)
{
	struct ipc_msg_link_install in;
	uint64_t t = T0 + CP_LINK_INSTALL_TIMEOUT_NS;

	CU_ASSERT_FATAL(fx.ready);
	lend_base();
	cp_link_tick(&fx.lk, NOW, T0);
	drain_down(0);
	drain_down(1);
	cp_dplink_poll(&fx.dp, t);
	CU_ASSERT_EQUAL(fx.lk.stats.install_timeouts, N_LCORES);
	cp_link_tick(&fx.lk, NOW, t + CP_LINK_RETRY_NS - 1);
	CU_ASSERT_EQUAL(down_count(0), 0);
	cp_link_tick(&fx.lk, NOW, t + CP_LINK_RETRY_NS);
	CU_ASSERT_EQUAL(take_set(0, &base, &in), 0);
}

static void
test_lcore_without_channels_is_left_alone(void)
{
	struct ipc_msg_link_install in0, in1;
	char e[256];

	CU_ASSERT_FATAL(fx.ready);
	lend_base();
	CU_ASSERT_EQUAL(cp_link_channel_lcores(&fx.lk), N_LCORES);
	cp_link_tick(&fx.lk, NOW, T0);
	CU_ASSERT_EQUAL_FATAL(take_set(0, &base, &in0), 0);
	CU_ASSERT_EQUAL_FATAL(take_set(1, &base, &in1), 0);
	/* Lcore 1 has no network port, hence no channel layer (ipc_msg.h: -ENODEV). */
	CU_ASSERT_EQUAL_FATAL(answer_install(0, &in0, 0), 0);
	CU_ASSERT_EQUAL_FATAL(answer_install(1, &in1, -ENODEV), 0);
	cp_dplink_poll(&fx.dp, T0 + 1);
	CU_ASSERT_EQUAL(cp_link_installed_count(&fx.lk), 1);
	CU_ASSERT_EQUAL(cp_link_channel_lcores(&fx.lk), 1);
	CU_ASSERT_EQUAL(fx.lk.stats.installs_refused, 0);
	/* Not asked again, not even after a backoff. */
	cp_link_tick(&fx.lk, NOW, T0 + 10 * CP_LINK_RETRY_NS);
	CU_ASSERT_EQUAL(down_count(1), 0);
	/* A new dataplane may have a port there: it is asked again. */
	cp_dplink_detach(&fx.dp, T0 + 2);
	CU_ASSERT_EQUAL_FATAL(cp_dplink_attach(&fx.dp, fx.name, e, sizeof(e)), 0);
	CU_ASSERT_EQUAL(cp_link_channel_lcores(&fx.lk), N_LCORES);
	cp_link_tick(&fx.lk, NOW, T0 + 3);
	CU_ASSERT_EQUAL(down_count(1), set_slots(&base));
}

static void
test_late_install_for_an_old_generation_resends_the_new(void)
{
	struct ipc_msg_link_install in0, in;

	CU_ASSERT_FATAL(fx.ready);
	CU_ASSERT_EQUAL_FATAL(cp_link_start(&fx.lk, NOW, err, sizeof(err)), 0);
	cp_link_tick(&fx.lk, NOW, T0);
	CU_ASSERT_EQUAL_FATAL(take_set(0, &fx.lk.creds, &in0), 0);
	drain_down(1);
	/* A new set is made while gen 1's INSTALL is still in flight on lcore 0. */
	cp_link_keys_changed(&fx.lk);
	cp_link_tick(&fx.lk, NOW + 1, T0 + 1);
	CU_ASSERT_EQUAL(down_count(0), 0);
	CU_ASSERT_EQUAL_FATAL(answer_install(0, &in0, 0), 0);
	cp_dplink_poll(&fx.dp, T0 + 2);
	CU_ASSERT_EQUAL(fx.lk.lc[0].installed_gen, in0.gen);
	CU_ASSERT_EQUAL(cp_link_installed_count(&fx.lk), 0);
	cp_link_tick(&fx.lk, NOW + 1, T0 + 3);
	CU_ASSERT_EQUAL(take_set(0, &fx.lk.creds, &in), 0);
	CU_ASSERT(in.gen > in0.gen);
}

/* ---- handshake services -------------------------------------------------- */

/* Send @body as CHAN_CERTS chunks of @chunk bytes on lcore @lc's cell_up ring. */
static int
send_certs(uint32_t lc, uint32_t chan, uint32_t req_id, uint8_t role, const uint8_t tls[32],
	   const uint8_t *body, size_t len, size_t chunk)
{
	struct ipc_msg_chan_certs m;
	int bad = 0;

	for (size_t off = 0; off < len; off += chunk) {
		size_t n = len - off < chunk ? len - off : chunk;

		memset(&m, 0, sizeof(m));
		ipc_hdr_init(&m.hdr, IPC_MSG_CHAN_CERTS, sizeof(m), req_id);
		m.chan = chan;
		m.total_len = (uint32_t)len;
		m.offset = (uint32_t)off;
		m.chunk_len = (uint16_t)n;
		m.sender_role = role;
		if (tls != NULL)
			memcpy(m.tls_cert_sha256, tls, 32);
		memcpy(m.data, body + off, n);
		bad += push_up(lc, &m, sizeof(m)) != 0;
	}
	return bad;
}

/* Pop the next verdict on lcore @lc and check it is a CERTS result for (@chan, @req_id). */
static int
take_certs_result(uint32_t lc, uint32_t chan, uint32_t req_id, struct ipc_msg_chan_certs_result *r)
{
	union slot s;

	if (pop_down(lc, &s) <= 0 || s.hdr.type != IPC_MSG_CHAN_CERTS_RESULT ||
	    s.hdr.len != sizeof(*r) || s.hdr.req_id != req_id || s.certs_result.chan != chan)
		return -1;
	*r = s.certs_result;
	return 0;
}

static bool
all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != 0)
			return false;
	return true;
}

static void
test_peer_responder_certs_verify_from_chunks(void)
{
	struct ipc_msg_chan_certs_result r;

	CU_ASSERT_FATAL(fx.ready);
	lend_base();
	CU_ASSERT_EQUAL_FATAL(send_certs(1, CHAN, 7, IPC_ROLE_RESPONDER, peer_creds.tls.link_sha256,
					 peer_creds.certs_resp, peer_creds.certs_resp_len,
					 IPC_BLOB_CHUNK_DATA),
			      0);
	CU_ASSERT(peer_creds.certs_resp_len > IPC_BLOB_CHUNK_DATA);
	CU_ASSERT_EQUAL(cp_link_poll(&fx.lk, NOW, T0),
			(peer_creds.certs_resp_len + IPC_BLOB_CHUNK_DATA - 1) /
				IPC_BLOB_CHUNK_DATA);
	CU_ASSERT_EQUAL_FATAL(take_certs_result(1, CHAN, 7, &r), 0);
	CU_ASSERT_EQUAL(r.status, 0);
	CU_ASSERT_EQUAL(r.failed_type, 0);
	CU_ASSERT_EQUAL(memcmp(r.rsa_id_sha1, cp_keys_rsa_id_digest(peer.keys), 20), 0);
	CU_ASSERT_EQUAL(memcmp(r.rsa_id_sha256, cp_keys_rsa_id_sha256(peer.keys), 32), 0);
	CU_ASSERT_EQUAL(memcmp(r.ed_id, cp_keys_master_pub(peer.keys), 32), 0);
	CU_ASSERT_EQUAL(r.expires, (int64_t)peer_creds.cert5_exp_hours * 3600);
	CU_ASSERT_TRUE(all_zero(r.ed_auth, 32));
	CU_ASSERT_EQUAL(down_count(0), 0);
	CU_ASSERT_EQUAL(fx.lk.stats.certs_req, 1);
	CU_ASSERT_EQUAL(fx.lk.stats.certs_ok, 1);
}

static void
test_peer_initiator_certs_give_its_auth_key(void)
{
	struct ipc_msg_chan_certs_result r;

	CU_ASSERT_FATAL(fx.ready);
	/* Any chunking works; here small odd-sized chunks, and no credentials of ours. */
	CU_ASSERT_EQUAL_FATAL(send_certs(0, CHAN, 9, IPC_ROLE_INITIATOR, NULL,
					 peer_creds.certs_init, peer_creds.certs_init_len, 97),
			      0);
	cp_link_poll(&fx.lk, NOW, T0);
	CU_ASSERT_EQUAL_FATAL(take_certs_result(0, CHAN, 9, &r), 0);
	CU_ASSERT_EQUAL(r.status, 0);
	CU_ASSERT_EQUAL(memcmp(r.ed_auth, peer_creds.auth.pub, 32), 0);
	CU_ASSERT_EQUAL(memcmp(r.ed_id, cp_keys_master_pub(peer.keys), 32), 0);
}

static void
test_certs_for_another_tls_cert_fail_on_type5(void)
{
	struct ipc_msg_chan_certs_result r;
	struct ctr_find f = { .name = "/cp/link/certs_fail/certs_link" };

	CU_ASSERT_FATAL(fx.ready);
	/* Presented in TLS: our link cert, not the peer's. */
	CU_ASSERT_EQUAL_FATAL(send_certs(0, CHAN, 3, IPC_ROLE_RESPONDER, base.tls.link_sha256,
					 peer_creds.certs_resp, peer_creds.certs_resp_len,
					 IPC_BLOB_CHUNK_DATA),
			      0);
	cp_link_poll(&fx.lk, NOW, T0);
	CU_ASSERT_EQUAL_FATAL(take_certs_result(0, CHAN, 3, &r), 0);
	CU_ASSERT_EQUAL(r.status, CP_CERT_ERR_CERTS_LINK);
	CU_ASSERT_EQUAL(r.failed_type, 5);
	CU_ASSERT_TRUE(all_zero(r.rsa_id_sha1, 20));
	CU_ASSERT_TRUE(all_zero(r.ed_id, 32));
	CU_ASSERT_EQUAL(fx.lk.stats.certs_fail[CP_CERT_ERR_CERTS_LINK], 1);
	cp_link_counters(&fx.lk, ctr_find, &f);
	CU_ASSERT_EQUAL(f.found, 1);
	CU_ASSERT_EQUAL(f.value, 1);
}

static void
test_corrupted_type4_signature_fails_on_type4(void)
{
	struct ipc_msg_chan_certs_result r;
	struct wire_certs_entry e[8];
	uint8_t *body = malloc(peer_creds.certs_resp_len);
	size_t n = 0, sig_off = 0;

	CU_ASSERT_FATAL(fx.ready);
	memcpy(body, peer_creds.certs_resp, peer_creds.certs_resp_len);
	CU_ASSERT_EQUAL_FATAL(wire_certs_decode(body, peer_creds.certs_resp_len, e, 8, &n), 0);
	for (size_t i = 0; i < n; i++)
		if (e[i].type == 4)
			sig_off = (size_t)(e[i].body - body) + e[i].len - 1;
	CU_ASSERT_FATAL(sig_off != 0);
	body[sig_off] ^= 0x01;
	CU_ASSERT_EQUAL_FATAL(send_certs(0, CHAN, 4, IPC_ROLE_RESPONDER, peer_creds.tls.link_sha256,
					 body, peer_creds.certs_resp_len, IPC_BLOB_CHUNK_DATA),
			      0);
	cp_link_poll(&fx.lk, NOW, T0);
	CU_ASSERT_EQUAL_FATAL(take_certs_result(0, CHAN, 4, &r), 0);
	CU_ASSERT_EQUAL(r.status, CP_CERT_ERR_ED_SIG);
	CU_ASSERT_EQUAL(r.failed_type, 4);
	free(body);
}

static void
test_certs_are_checked_at_the_wall_clock_given(void)
{
	struct ipc_msg_chan_certs_result r;

	CU_ASSERT_FATAL(fx.ready);
	CU_ASSERT_EQUAL_FATAL(send_certs(0, CHAN, 5, IPC_ROLE_RESPONDER, peer_creds.tls.link_sha256,
					 peer_creds.certs_resp, peer_creds.certs_resp_len,
					 IPC_BLOB_CHUNK_DATA),
			      0);
	/* Three days on, the type-5 cert (2 days) has expired. */
	cp_link_poll(&fx.lk, NOW + 3 * 86400, T0);
	CU_ASSERT_EQUAL_FATAL(take_certs_result(0, CHAN, 5, &r), 0);
	CU_ASSERT_EQUAL(r.status, CP_CERT_ERR_ED_EXPIRED);
	CU_ASSERT_EQUAL(r.failed_type, 5);
}

/* Push chunk [off, off+n) of the peer's responder body as (chan, req_id). */
static int
send_chunk(uint32_t lc, uint32_t chan, uint32_t req_id, size_t off, size_t n)
{
	struct ipc_msg_chan_certs m;

	memset(&m, 0, sizeof(m));
	ipc_hdr_init(&m.hdr, IPC_MSG_CHAN_CERTS, sizeof(m), req_id);
	m.chan = chan;
	m.total_len = (uint32_t)peer_creds.certs_resp_len;
	m.offset = (uint32_t)off;
	m.chunk_len = (uint16_t)n;
	m.sender_role = IPC_ROLE_RESPONDER;
	memcpy(m.tls_cert_sha256, peer_creds.tls.link_sha256, 32);
	memcpy(m.data, peer_creds.certs_resp + off, n);
	return push_up(lc, &m, sizeof(m));
}

static void
test_gap_in_chunks_discards_the_partial_body(void)
{
	struct ipc_msg_chan_certs_result r;

	CU_ASSERT_FATAL(fx.ready);
	CU_ASSERT_EQUAL_FATAL(send_chunk(0, CHAN, 1, 0, 100), 0);
	CU_ASSERT_EQUAL_FATAL(send_chunk(0, CHAN, 1, 200, 100), 0); /* skips 100..199 */
	CU_ASSERT_EQUAL_FATAL(send_chunk(0, CHAN, 1, 300, 100), 0);
	cp_link_poll(&fx.lk, NOW, T0);
	CU_ASSERT_EQUAL(down_count(0), 0);
	CU_ASSERT_EQUAL(fx.lk.stats.certs_bad_chunk, 2);
	CU_ASSERT_EQUAL(fx.lk.stats.certs_discarded, 1);
	CU_ASSERT_EQUAL(fx.lk.stats.certs_req, 0);
	/* The next body, whole, is served normally. */
	CU_ASSERT_EQUAL_FATAL(send_certs(0, CHAN, 2, IPC_ROLE_RESPONDER, peer_creds.tls.link_sha256,
					 peer_creds.certs_resp, peer_creds.certs_resp_len,
					 IPC_BLOB_CHUNK_DATA),
			      0);
	cp_link_poll(&fx.lk, NOW, T0 + 1);
	CU_ASSERT_EQUAL_FATAL(take_certs_result(0, CHAN, 2, &r), 0);
	CU_ASSERT_EQUAL(r.status, 0);
}

static void
test_chunk_of_another_channel_discards_the_partial_body(void)
{
	CU_ASSERT_FATAL(fx.ready);
	CU_ASSERT_EQUAL_FATAL(send_chunk(0, CHAN, 1, 0, 100), 0);
	CU_ASSERT_EQUAL_FATAL(send_chunk(0, CHAN + 1, 1, 100, 100), 0);
	CU_ASSERT_EQUAL_FATAL(send_chunk(0, CHAN, 2, 100, 100), 0); /* another request */
	cp_link_poll(&fx.lk, NOW, T0);
	CU_ASSERT_EQUAL(down_count(0), 0);
	CU_ASSERT_EQUAL(fx.lk.stats.certs_bad_chunk, 2);
	CU_ASSERT_EQUAL(fx.lk.stats.certs_discarded, 1);
}

static void
test_new_body_before_the_end_discards_the_old(void)
{
	struct ipc_msg_chan_certs_result r;

	CU_ASSERT_FATAL(fx.ready);
	CU_ASSERT_EQUAL_FATAL(send_chunk(0, CHAN, 1, 0, 100), 0);
	CU_ASSERT_EQUAL_FATAL(send_certs(0, CHAN + 1, 8, IPC_ROLE_RESPONDER,
					 peer_creds.tls.link_sha256, peer_creds.certs_resp,
					 peer_creds.certs_resp_len, IPC_BLOB_CHUNK_DATA),
			      0);
	cp_link_poll(&fx.lk, NOW, T0);
	CU_ASSERT_EQUAL_FATAL(take_certs_result(0, CHAN + 1, 8, &r), 0);
	CU_ASSERT_EQUAL(r.status, 0);
	CU_ASSERT_EQUAL(down_count(0), 0);
	CU_ASSERT_EQUAL(fx.lk.stats.certs_discarded, 1);
	CU_ASSERT_EQUAL(fx.lk.stats.certs_bad_chunk, 0);
}

static void
test_malformed_chunks_are_refused(void)
{
	struct ipc_msg_chan_certs m;
	struct {
		uint32_t total, offset;
		uint16_t chunk_len;
		uint8_t role;
	} bad[] = {
		{ IPC_CERTS_MAX + 1, 0, 100, IPC_ROLE_RESPONDER }, /* body too large */
		{ 0, 0, 1, IPC_ROLE_RESPONDER },			 /* empty body */
		{ 1000, 0, 0, IPC_ROLE_RESPONDER },		 /* empty chunk */
		{ 1000, 0, IPC_BLOB_CHUNK_DATA + 1, IPC_ROLE_RESPONDER },
		{ 1000, 900, 200, IPC_ROLE_RESPONDER }, /* past the end */
		{ 1000, 0, 100, 2 },		      /* no such role */
	};

	CU_ASSERT_FATAL(fx.ready);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&m, 0, sizeof(m));
		ipc_hdr_init(&m.hdr, IPC_MSG_CHAN_CERTS, sizeof(m), 1);
		m.chan = CHAN;
		m.total_len = bad[i].total;
		m.offset = bad[i].offset;
		m.chunk_len = bad[i].chunk_len;
		m.sender_role = bad[i].role;
		CU_ASSERT_EQUAL_FATAL(push_up(0, &m, sizeof(m)), 0);
	}
	cp_link_poll(&fx.lk, NOW, T0);
	CU_ASSERT_EQUAL(fx.lk.stats.certs_bad_chunk, sizeof(bad) / sizeof(bad[0]));
	CU_ASSERT_EQUAL(fx.lk.stats.certs_req, 0);
	CU_ASSERT_EQUAL(down_count(0), 0);
}

static void
test_lcores_reassemble_independently(void)
{
	struct ipc_msg_chan_certs_result r;
	size_t len = peer_creds.certs_resp_len, half = 300;

	CU_ASSERT_FATAL(fx.ready);
	/* Both lcores are mid-body at the same time. */
	CU_ASSERT_EQUAL_FATAL(send_chunk(0, CHAN, 1, 0, half), 0);
	CU_ASSERT_EQUAL_FATAL(send_chunk(1, CHAN + 1, 1, 0, half), 0);
	cp_link_poll(&fx.lk, NOW, T0);
	for (size_t off = half; off < len; off += IPC_BLOB_CHUNK_DATA) {
		size_t n = len - off < IPC_BLOB_CHUNK_DATA ? len - off : IPC_BLOB_CHUNK_DATA;

		CU_ASSERT_EQUAL(send_chunk(1, CHAN + 1, 1, off, n), 0);
		CU_ASSERT_EQUAL(send_chunk(0, CHAN, 1, off, n), 0);
	}
	cp_link_poll(&fx.lk, NOW, T0 + 1);
	CU_ASSERT_EQUAL_FATAL(take_certs_result(0, CHAN, 1, &r), 0);
	CU_ASSERT_EQUAL(r.status, 0);
	CU_ASSERT_EQUAL_FATAL(take_certs_result(1, CHAN + 1, 1, &r), 0);
	CU_ASSERT_EQUAL(r.status, 0);
	CU_ASSERT_EQUAL(fx.lk.stats.certs_bad_chunk, 0);
}

/* Fill @m with the dataplane's side of an AUTHENTICATE we sign towards the peer. */
static void
auth_sign_msg(struct ipc_msg_chan_auth_sign *m, uint32_t req_id)
{
	memset(m, 0, sizeof(*m));
	ipc_hdr_init(&m->hdr, IPC_MSG_CHAN_AUTH_SIGN, sizeof(*m), req_id);
	m->chan = CHAN;
	memcpy(m->sid, cp_keys_rsa_id_sha256(peer.keys), 32);
	memcpy(m->sid_ed, cp_keys_master_pub(peer.keys), 32);
	memset(m->slog, 0x51, 32);
	memset(m->clog, 0x52, 32);
	memcpy(m->scert, peer_creds.tls.link_sha256, 32);
	memset(m->tlssecrets, 0x54, 32);
}

static void
test_auth_sign_makes_an_authenticate_the_peer_accepts(void)
{
	struct ipc_msg_chan_auth_sign m;
	struct cp_linkcerts_peer initiator;
	struct cp_auth3_fields want;
	union slot s;

	CU_ASSERT_FATAL(fx.ready);
	lend_base();
	auth_sign_msg(&m, 11);
	CU_ASSERT_EQUAL_FATAL(push_up(1, &m, sizeof(m)), 0);
	CU_ASSERT_EQUAL(cp_link_poll(&fx.lk, NOW, T0), 1);
	CU_ASSERT_EQUAL_FATAL(pop_down(1, &s), IPC_CELL_SLOT);
	CU_ASSERT_EQUAL_FATAL(s.hdr.type, IPC_MSG_CHAN_AUTH_SIGNED);
	CU_ASSERT_EQUAL(s.hdr.req_id, 11);
	CU_ASSERT_EQUAL(s.auth_signed.chan, CHAN);
	CU_ASSERT_EQUAL(s.auth_signed.status, 0);
	CU_ASSERT_EQUAL_FATAL(s.auth_signed.payload_len, IPC_AUTH3_PAYLOAD_LEN);
	/* The peer (responder) checks it as tor does: our auth key from our
	 * initiator CERTS, CID/CID_ED ours, the rest as it computed them. */
	CU_ASSERT_EQUAL_FATAL(cp_linkcerts_verify(base.certs_init, base.certs_init_len,
						  CP_LINKCERTS_ROLE_INITIATOR, NULL, NOW,
						  &initiator),
			      CP_CERT_OK);
	memcpy(want.cid, cp_keys_rsa_id_sha256(ours.keys), 32);
	memcpy(want.cid_ed, cp_keys_master_pub(ours.keys), 32);
	memcpy(want.sid, m.sid, 32);
	memcpy(want.sid_ed, m.sid_ed, 32);
	memcpy(want.slog, m.slog, 32);
	memcpy(want.clog, m.clog, 32);
	memcpy(want.scert, m.scert, 32);
	memcpy(want.tlssecrets, m.tlssecrets, 32);
	CU_ASSERT_EQUAL(cp_auth3_verify(s.auth_signed.payload, s.auth_signed.payload_len, &want,
					&initiator),
			CP_CERT_OK);
	/* A peer that saw other bytes on the wire refuses it. */
	want.slog[0] ^= 1;
	CU_ASSERT_EQUAL(cp_auth3_verify(s.auth_signed.payload, s.auth_signed.payload_len, &want,
					&initiator),
			CP_CERT_ERR_AUTH_SLOG);
	CU_ASSERT_EQUAL(fx.lk.stats.auth_sign_req, 1);
	CU_ASSERT_EQUAL(fx.lk.stats.auth_sign_fail, 0);
}

static void
test_auth_sign_without_credentials_fails_cleanly(void)
{
	struct ipc_msg_chan_auth_sign m;
	union slot s;

	CU_ASSERT_FATAL(fx.ready);
	auth_sign_msg(&m, 12);
	CU_ASSERT_EQUAL_FATAL(push_up(0, &m, sizeof(m)), 0);
	cp_link_poll(&fx.lk, NOW, T0);
	CU_ASSERT_EQUAL_FATAL(pop_down(0, &s), IPC_CELL_SLOT);
	CU_ASSERT_EQUAL(s.hdr.type, IPC_MSG_CHAN_AUTH_SIGNED);
	CU_ASSERT_EQUAL(s.auth_signed.status, -ENOKEY);
	CU_ASSERT_EQUAL(s.auth_signed.payload_len, 0);
	CU_ASSERT_TRUE(all_zero(s.auth_signed.payload, IPC_AUTH3_PAYLOAD_LEN));
	CU_ASSERT_EQUAL(fx.lk.stats.auth_sign_fail, 1);
}

/* The peer (initiator) signs an AUTHENTICATE to us; fill the CHAN_AUTH_VERIFY for it. */
static void
auth_verify_msg(struct ipc_msg_chan_auth_verify *m, uint32_t req_id, const uint8_t sid[32])
{
	struct cp_auth3_fields f;

	memset(m, 0, sizeof(*m));
	ipc_hdr_init(&m->hdr, IPC_MSG_CHAN_AUTH_VERIFY, sizeof(*m), req_id);
	m->chan = CHAN;
	memcpy(m->cid, cp_keys_rsa_id_sha256(peer.keys), 32);
	memcpy(m->cid_ed, cp_keys_master_pub(peer.keys), 32);
	memcpy(m->ed_auth, peer_creds.auth.pub, 32);
	memcpy(m->scert, base.tls.link_sha256, 32);
	memset(m->slog, 0x61, 32);
	memset(m->clog, 0x62, 32);
	memset(m->tlssecrets, 0x64, 32);
	memcpy(f.cid, m->cid, 32);
	memcpy(f.cid_ed, m->cid_ed, 32);
	memcpy(f.sid, sid, 32);
	memcpy(f.sid_ed, cp_keys_master_pub(ours.keys), 32);
	memcpy(f.slog, m->slog, 32);
	memcpy(f.clog, m->clog, 32);
	memcpy(f.scert, m->scert, 32);
	memcpy(f.tlssecrets, m->tlssecrets, 32);
	CU_ASSERT_EQUAL(cp_auth3_build(m->payload, sizeof(m->payload), &f, NULL, &peer_creds.auth),
			(int)IPC_AUTH3_PAYLOAD_LEN);
	m->payload_len = IPC_AUTH3_PAYLOAD_LEN;
}

/* Push @m on lcore 0, serve it, and return the verdict's status (or INT32_MIN). */
static int32_t
verify_status(const struct ipc_msg_chan_auth_verify *m)
{
	union slot s;

	if (push_up(0, m, sizeof(*m)) != 0)
		return INT32_MIN;
	cp_link_poll(&fx.lk, NOW, T0);
	if (pop_down(0, &s) <= 0 || s.hdr.type != IPC_MSG_CHAN_AUTH_RESULT ||
	    s.hdr.req_id != m->hdr.req_id || s.auth_result.chan != CHAN)
		return INT32_MIN;
	return s.auth_result.status;
}

static void
test_auth_verify_accepts_the_peer_authenticate(void)
{
	struct ipc_msg_chan_auth_verify m;

	CU_ASSERT_FATAL(fx.ready);
	auth_verify_msg(&m, 21, cp_keys_rsa_id_sha256(ours.keys));
	CU_ASSERT_EQUAL(verify_status(&m), 0);
	CU_ASSERT_EQUAL(fx.lk.stats.auth_verify_req, 1);
	CU_ASSERT_EQUAL(fx.lk.stats.auth_verify_ok, 1);
}

static void
test_auth_verify_refuses_a_wrong_field(void)
{
	struct ipc_msg_chan_auth_verify m;
	struct ctr_find f = { .name = "/cp/link/auth_fail/auth_clog" };

	CU_ASSERT_FATAL(fx.ready);
	/* The dataplane hashed other bytes than the peer did. */
	auth_verify_msg(&m, 22, cp_keys_rsa_id_sha256(ours.keys));
	m.clog[31] ^= 0x80;
	CU_ASSERT_EQUAL(verify_status(&m), CP_CERT_ERR_AUTH_CLOG);
	cp_link_counters(&fx.lk, ctr_find, &f);
	CU_ASSERT_EQUAL(f.value, 1);
	/* Signed for another responder (replayed from another connection). */
	auth_verify_msg(&m, 23, cp_keys_rsa_id_sha256(peer.keys));
	CU_ASSERT_EQUAL(verify_status(&m), CP_CERT_ERR_AUTH_SID);
	/* Another TLS session. */
	auth_verify_msg(&m, 24, cp_keys_rsa_id_sha256(ours.keys));
	m.tlssecrets[0] ^= 1;
	CU_ASSERT_EQUAL(verify_status(&m), CP_CERT_ERR_AUTH_TLSSECRETS);
	/* Not signed by the key the initiator certified. */
	auth_verify_msg(&m, 25, cp_keys_rsa_id_sha256(ours.keys));
	memcpy(m.ed_auth, base.auth.pub, 32);
	CU_ASSERT_EQUAL(verify_status(&m), CP_CERT_ERR_AUTH_SIG);
	/* Cut short. */
	auth_verify_msg(&m, 26, cp_keys_rsa_id_sha256(ours.keys));
	m.payload_len = 100;
	CU_ASSERT_EQUAL(verify_status(&m), CP_CERT_ERR_AUTH_MALFORMED);
	CU_ASSERT_EQUAL(fx.lk.stats.auth_verify_req, 5);
	CU_ASSERT_EQUAL(fx.lk.stats.auth_verify_ok, 0);
}

static void
test_tlssecrets_do_not_stay_in_the_ring(void)
{
	struct ipc_msg_chan_auth_verify m;
	struct ipc_ring *ring = ipc_shm_ring(&fx.dp_shm, 0, IPC_RING_CELL_UP);
	const uint8_t *slot0 = ring->slots;
	size_t off = offsetof(struct ipc_msg_chan_auth_verify, tlssecrets);

	CU_ASSERT_FATAL(fx.ready);
	auth_verify_msg(&m, 27, cp_keys_rsa_id_sha256(ours.keys));
	CU_ASSERT_EQUAL_FATAL(push_up(0, &m, sizeof(m)), 0);
	CU_ASSERT_EQUAL_FATAL(memcmp(slot0 + off, m.tlssecrets, 32), 0);
	cp_link_poll(&fx.lk, NOW, T0);
	CU_ASSERT_TRUE(all_zero(slot0, IPC_CELL_SLOT));
}

static void
test_full_cell_down_ring_drops_the_verdict(void)
{
	struct ipc_msg_chan_auth_sign m;
	struct ipc_msg_chan_auth_result dummy;
	uint32_t pushed = 0;

	CU_ASSERT_FATAL(fx.ready);
	lend_base();
	memset(&dummy, 0, sizeof(dummy));
	ipc_hdr_init(&dummy.hdr, IPC_MSG_CHAN_AUTH_RESULT, sizeof(dummy), 0);
	for (uint32_t i = 0; i < DOWN_SLOTS; i++)
		pushed += cp_dplink_down_push(&fx.dp, 0, &dummy.hdr, sizeof(dummy)) == 0;
	CU_ASSERT_EQUAL_FATAL(pushed, DOWN_SLOTS);
	auth_sign_msg(&m, 13);
	CU_ASSERT_EQUAL_FATAL(push_up(0, &m, sizeof(m)), 0);
	CU_ASSERT_EQUAL(cp_link_poll(&fx.lk, NOW, T0), 1);
	CU_ASSERT_EQUAL(fx.lk.stats.down_drops, 1);
	CU_ASSERT_EQUAL(fx.lk.stats.auth_sign_req, 1);
	CU_ASSERT_EQUAL(fx.dp.stats.down_full, 1);
}

static void
test_unhandled_and_invalid_messages_are_counted(void)
{
	struct ipc_msg_cell c;
	struct ipc_msg_chan_certs bad;

	CU_ASSERT_FATAL(fx.ready);
	memset(&c, 0, sizeof(c));
	ipc_hdr_init(&c.hdr, IPC_MSG_CELL_UP, sizeof(c), 0);
	CU_ASSERT_EQUAL_FATAL(push_up(0, &c, sizeof(c)), 0);
	memset(&bad, 0, sizeof(bad));
	ipc_hdr_init(&bad.hdr, IPC_MSG_CHAN_CERTS, sizeof(bad) - 4, 0);
	CU_ASSERT_EQUAL_FATAL(push_up(1, &bad, sizeof(bad)), 0);
	/* A verdict type going the wrong way. */
	memset(&bad, 0, sizeof(bad));
	ipc_hdr_init(&bad.hdr, IPC_MSG_CHAN_AUTH_RESULT, sizeof(struct ipc_msg_chan_auth_result),
		     0);
	CU_ASSERT_EQUAL_FATAL(push_up(1, &bad, sizeof(bad)), 0);
	CU_ASSERT_EQUAL(cp_link_poll(&fx.lk, NOW, T0), 3);
	CU_ASSERT_EQUAL(fx.lk.stats.up_unhandled, 1);
	CU_ASSERT_EQUAL(fx.dp.stats.up_bad, 2);
	CU_ASSERT_EQUAL(fx.dp.stats.up_rx, 3);
	CU_ASSERT_EQUAL(down_count(0) + down_count(1), 0);
}

static void
test_counters_name_every_stat(void)
{
	static const char *const names[] = {
		"/cp/link/creds_gen",	     "/cp/link/installed_lcores",
		"/cp/link/channel_lcores",   "/cp/link/regenerations",
		"/cp/link/installs_sent",    "/cp/link/installs_ok",
		"/cp/link/installs_refused", "/cp/link/install_timeouts",
		"/cp/link/install_deferred", "/cp/link/certs_req",
		"/cp/link/certs_ok",	     "/cp/link/certs_bad_chunk",
		"/cp/link/certs_discarded",  "/cp/link/auth_sign_req",
		"/cp/link/auth_sign_fail",   "/cp/link/auth_verify_req",
		"/cp/link/auth_verify_ok",   "/cp/link/down_drops",
		"/cp/link/up_unhandled",
	};

	CU_ASSERT_FATAL(fx.ready);
	lend_base();
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct ctr_find f = { .name = names[i] };

		cp_link_counters(&fx.lk, ctr_find, &f);
		CU_ASSERT_EQUAL(f.found, 1);
	}
	{
		struct ctr_find f = { .name = "/cp/link/creds_gen" };

		cp_link_counters(&fx.lk, ctr_find, &f);
		CU_ASSERT_EQUAL(f.value, base.gen);
	}
	CU_ASSERT_STRING_EQUAL(cp_link_cert_err_slug(CP_CERT_ERR_ED_EXPIRED), "ed_expired");
	CU_ASSERT_STRING_EQUAL(cp_link_cert_err_slug(CP_CERT_ERR__COUNT), "unknown");
}

static CU_TestInfo link_tests[] = {
	{ "attach_installs_the_whole_set_on_every_lcore",
	  test_attach_installs_the_whole_set_on_every_lcore },
	{ "installed_set_is_not_sent_again", test_installed_set_is_not_sent_again },
	{ "set_in_flight_is_not_sent_twice", test_set_in_flight_is_not_sent_twice },
	{ "nothing_is_sent_without_a_dataplane", test_nothing_is_sent_without_a_dataplane },
	{ "short_ring_defers_the_whole_set", test_short_ring_defers_the_whole_set },
	{ "full_pending_table_defers", test_full_pending_table_defers },
	{ "reattach_installs_again", test_reattach_installs_again },
	{ "detach_while_in_flight_starts_over_on_attach",
	  test_detach_while_in_flight_starts_over_on_attach },
	{ "regeneration_installs_a_new_generation", test_regeneration_installs_a_new_generation },
	{ "new_signing_key_regenerates_at_once", test_new_signing_key_regenerates_at_once },
	{ "refused_install_is_retried_after_backoff", test_refused_install_is_retried_after_backoff },
	{ "cmd_error_counts_as_refused", test_cmd_error_counts_as_refused },
	{ "timeout_before_the_dataplane_reads_waits_for_it",
	  test_timeout_before_the_dataplane_reads_waits_for_it },
	{ "timeout_after_reading_retries_after_backoff",
	  test_timeout_after_reading_retries_after_backoff },
	{ "lcore_without_channels_is_left_alone", test_lcore_without_channels_is_left_alone },
	{ "late_install_for_an_old_generation_resends_the_new",
	  test_late_install_for_an_old_generation_resends_the_new },
	{ "peer_responder_certs_verify_from_chunks", test_peer_responder_certs_verify_from_chunks },
	{ "peer_initiator_certs_give_its_auth_key", test_peer_initiator_certs_give_its_auth_key },
	{ "certs_for_another_tls_cert_fail_on_type5", test_certs_for_another_tls_cert_fail_on_type5 },
	{ "corrupted_type4_signature_fails_on_type4", test_corrupted_type4_signature_fails_on_type4 },
	{ "certs_are_checked_at_the_wall_clock_given",
	  test_certs_are_checked_at_the_wall_clock_given },
	{ "gap_in_chunks_discards_the_partial_body", test_gap_in_chunks_discards_the_partial_body },
	{ "chunk_of_another_channel_discards_the_partial_body",
	  test_chunk_of_another_channel_discards_the_partial_body },
	{ "new_body_before_the_end_discards_the_old", test_new_body_before_the_end_discards_the_old },
	{ "malformed_chunks_are_refused", test_malformed_chunks_are_refused },
	{ "lcores_reassemble_independently", test_lcores_reassemble_independently },
	{ "auth_sign_makes_an_authenticate_the_peer_accepts",
	  test_auth_sign_makes_an_authenticate_the_peer_accepts },
	{ "auth_sign_without_credentials_fails_cleanly",
	  test_auth_sign_without_credentials_fails_cleanly },
	{ "auth_verify_accepts_the_peer_authenticate",
	  test_auth_verify_accepts_the_peer_authenticate },
	{ "auth_verify_refuses_a_wrong_field", test_auth_verify_refuses_a_wrong_field },
	{ "tlssecrets_do_not_stay_in_the_ring", test_tlssecrets_do_not_stay_in_the_ring },
	{ "full_cell_down_ring_drops_the_verdict", test_full_cell_down_ring_drops_the_verdict },
	{ "unhandled_and_invalid_messages_are_counted",
	  test_unhandled_and_invalid_messages_are_counted },
	{ "counters_name_every_stat", test_counters_name_every_stat },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_link = {
	.pName = "controlplane/link",
	.pInitFunc = suite_init,
	.pCleanupFunc = suite_fini,
	.pSetUpFunc = setup,
	.pTearDownFunc = teardown,
	.pTests = link_tests,
};
