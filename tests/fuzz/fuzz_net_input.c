/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief libFuzzer target: arbitrary frames into the receive path (dp_eth_input()).
 *
 * One process starts EAL once (no hugepages, no PCI, no shared config), makes
 * an mbuf pool and a net_ring port whose TX ring this file drains, and keeps
 * one static struct dp_lcore (10.0.0.1/24, TCP with small limits, listeners
 * on three ports). Each input starts from a fresh stack (same clock, same
 * key, so every input reproduces on its own), is fed to it frame by frame or
 * in bursts with the clock advancing so timers fire, and is torn down again.
 *
 * Oracles besides the sanitizers: after the teardown no mbuf and no external
 * buffer may remain allocated (an exact leak check, not a bound); after
 * every step the TCP bookkeeping must add up (queue lengths, reassembly and
 * SYN-backlog and TIME_WAIT counts, the connection table, free and work
 * lists, sequence-variable order) and at the end of each input the timer
 * wheel must hold exactly the connections that have a timer; and every
 * frame the stack sends must be well formed (lengths, addresses, IPv4
 * header, TCP and ICMP checksums; with checksum offload on, computed here the
 * way a NIC would from the mbuf's offload fields). A failed check prints
 * what failed (a bad frame as hex) and aborts, which libFuzzer reports as a
 * crash with the input saved.
 *
 * Input format:
 *
 *   byte 0       clock and mode:
 *                  bits 0-2  clock step after each burst (fz_steps_us[])
 *                  bit 3     all frames in one burst (else one burst per frame)
 *                  bits 4-6  trailing timer rounds (each one clock step, at least 1 ms)
 *                  bit 7     active open to 10.0.0.2:5000 before the first frame
 *   byte 1       configuration:
 *                  bit 0     NewReno (else CUBIC)
 *                  bit 1     Nagle on
 *                  bit 2     keepalive off
 *                  bit 3     tiny limits (4 tcbs, backlog 1, 1 TIME_WAIT, 2 OOO segments)
 *                  bit 4     256 KiB buffers (window scaling in use)
 *                  bit 5     initial window of one segment
 *                  bit 6     IP MTU 576
 *                  bit 7     IPv4 and TCP checksum offload on TX
 *   then up to FZ_MAX_FRAMES frames, each:
 *     2 bytes    big-endian prefix:
 *                  bits 0-10 frame length (clamped to FZ_MAX_FRAME and to what is left)
 *                  bit 11    relative TCP numbers: if the 4-tuple has a connection,
 *                            SEQ += RCV.NXT, and ACK += SND.UNA or, when the ACK
 *                            field's top bit is set, ACK = SND.MAX + its low 31 bits
 *                            as a signed number (0x80000000: all we sent); SACK block
 *                            edges += SND.UNA. With no connection, a bare ACK (no
 *                            SYN) gets ACK = 1 + our SYN cookie for its SEQ - 1 and
 *                            MSS index ACK & 3. Implies bit 12
 *                  bit 12    recompute the IPv4 header and TCP/ICMP checksums
 *                  bits 13-14 RX checksum offload flags: 0 unknown (software check),
 *                            1 IP and L4 good, 2 IP bad, 3 IP good and L4 bad
 *                  bit 15    a layout byte follows
 *     [1 byte]   layout: bit 7 pool mbufs instead of exact-size external buffers;
 *                bit 6 (burst mode) deliver the frames gathered so far first, so
 *                this one starts a new burst (and its relative numbers see them);
 *                bits 0-5 non-zero: length of the first segment, the rest follows
 *                in FZ_SEG_CHUNK-byte segments
 *     N bytes    the Ethernet frame
 *
 * By default each segment's data lives in an external buffer malloc()ed to
 * exactly headroom + data, so AddressSanitizer sees any read past the end of
 * a frame (mempool memory is invisible to it).
 *
 * The applications: port 9001 echoes what it reads and closes on the peer's
 * FIN; port 443 sends 6000 bytes on accept, reads, then closes (or aborts
 * when the data starts with 'A'); port 80 refuses every connection; the
 * active open sends 100 bytes once connected and closes on FIN.
 *
 * Environment: CHIVE_FUZZ_PREFIX sets the EAL --file-prefix base (default
 * chive-fuzz; the pid is appended); CHIVE_FUZZ_VERBOSE=1 prints a line per
 * frame in and out, to read what a reproducer does.
 */
#include <inttypes.h>
#include <limits.h>
#include <stdalign.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <netinet/in.h>

#include <rte_byteorder.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_ring.h>
#include <rte_tcp.h>

#include "dataplane/base/dp_ctr.h"
#include "dataplane/base/dp_eal.h"
#include "dataplane/lcore_types.h"
#include "dataplane/net/net.h"
#include "dataplane/net/tcp.h"
#include "dataplane/net/tcp_int.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FZ_OUR_IP RTE_IPV4(10, 0, 0, 1)
#define FZ_PEER_IP RTE_IPV4(10, 0, 0, 2)
#define FZ_NETMASK UINT32_C(0xffffff00)
#define FZ_START_US UINT64_C(1000000000)

#define FZ_MAX_FRAMES 32
#define FZ_MAX_FRAME 1600
#define FZ_SEG_CHUNK 256
#define FZ_POOL_SIZE 8191
#define FZ_TX_RING 1024
#define FZ_TX_DRAIN 64
#define FZ_CTRS 1024

#define FZ_F_LEN_MASK 0x07ffu
#define FZ_F_REL 0x0800u
#define FZ_F_FIXCSUM 0x1000u
#define FZ_F_OL_SHIFT 13
#define FZ_F_OL_MASK 0x3u
#define FZ_F_LAYOUT 0x8000u
#define FZ_L_DIRECT 0x80u
#define FZ_L_BOUNDARY 0x40u
#define FZ_L_SPLIT_MASK 0x3fu

#define FZ_B_STEP_MASK 0x07u
#define FZ_B_BURST 0x08u
#define FZ_B_ROUNDS_SHIFT 4
#define FZ_B_ROUNDS_MASK 0x07u
#define FZ_B_CONNECT 0x80u

#define FZ_C_NEWRENO 0x01u
#define FZ_C_NAGLE 0x02u
#define FZ_C_NO_KEEPALIVE 0x04u
#define FZ_C_TINY 0x08u
#define FZ_C_BIG_BUFS 0x10u
#define FZ_C_IW1 0x20u
#define FZ_C_MTU576 0x40u
#define FZ_C_TX_OFFLOAD 0x80u

#define FZ_PORT_ECHO 9001
#define FZ_PORT_GREET 443
#define FZ_PORT_REFUSE 80
#define FZ_PORT_ACTIVE 5000
#define FZ_GREETING 6000

_Static_assert(DP_CTR__COUNT <= FZ_CTRS, "counter block too small");

/* Clock steps: nothing, a tick, delayed ACK, min RTO, ARP retry, 3 s, 30 s, past ARP TTL. */
static const uint64_t fz_steps_us[8] = {
	0, 500, 40000, 250000, 1000000, 3000000, 30000000, 400000000,
};

static const uint8_t fz_our_mac[RTE_ETHER_ADDR_LEN] = {0x02, 0, 0, 0, 0, 0x01};

/* What an application does with a connection (the listen_arg / ctx). */
enum fz_app { FZ_APP_ECHO = 0, FZ_APP_GREET, FZ_APP_REFUSE, FZ_APP_ACTIVE, FZ_APP__COUNT };

static struct rte_mempool *fz_pool;
static struct rte_ring *fz_rx_ring, *fz_tx_ring;
static uint16_t fz_port = UINT16_MAX;
static char fz_runtime_dir[PATH_MAX];
static struct dp_lcore fz_lc;
static struct dp_tcp_conf fz_conf;
static struct {
	alignas(64) uint64_t v[FZ_CTRS];
} fz_ctrs;
static enum fz_app fz_apps[FZ_APP__COUNT] = {
	FZ_APP_ECHO,
	FZ_APP_GREET,
	FZ_APP_REFUSE,
	FZ_APP_ACTIVE,
};
static uint8_t fz_greeting[FZ_GREETING];
static uint32_t fz_ext_live; /* external buffers not yet freed */
static bool fz_verbose;

#define FZ_CHECK(cond, ...)                                                                        \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "fuzz_net_input: check failed: %s: ", #cond);              \
			fprintf(stderr, __VA_ARGS__);                                              \
			fputc('\n', stderr);                                                       \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

/* ---- byte helpers ---- */

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
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

/* One's-complement sum of @p len bytes as big-endian words (RFC 1071), unfolded. */
static uint32_t
sum16(const uint8_t *p, uint32_t len, uint32_t sum)
{
	for (uint32_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static uint16_t
fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* Pseudo-header sum for an L4 packet of @p ip (IPv4 header) with @p l4len bytes. */
static uint32_t
phdr_sum(const uint8_t *ip, uint32_t l4len)
{
	return sum16(ip + 12, 8, 0) + ip[9] + l4len;
}

static void
dump_hex(const uint8_t *p, uint32_t len)
{
	for (uint32_t i = 0; i < len; i++)
		fprintf(stderr, "%02x%s", p[i], (i % 16 == 15 || i + 1 == len) ? "\n" : " ");
}

/* One line describing frame @p f (for CHIVE_FUZZ_VERBOSE). */
static void
describe(const char *dir, const uint8_t *f, uint32_t len)
{
	const uint8_t *ip = f + RTE_ETHER_HDR_LEN, *l4;
	uint32_t ihl;

	fprintf(stderr, "[%" PRIu64 " us] %s %u bytes", fz_lc.now_us - FZ_START_US, dir, len);
	if (len >= 42 && get16(f + 12) == RTE_ETHER_TYPE_ARP) {
		fprintf(stderr, " ARP op %u %08x -> %08x\n", get16(f + 20), get32(f + 28),
			get32(f + 38));
		return;
	}
	if (len < RTE_ETHER_HDR_LEN + 20 || get16(f + 12) != RTE_ETHER_TYPE_IPV4) {
		fprintf(stderr, " ethertype %04x\n", len >= 14 ? get16(f + 12) : 0);
		return;
	}
	ihl = (uint32_t)(ip[0] & 0xf) * 4;
	l4 = ip + ihl;
	fprintf(stderr, " IPv4 %08x -> %08x proto %u", get32(ip + 12), get32(ip + 16), ip[9]);
	if (ip[9] == IPPROTO_TCP && RTE_ETHER_HDR_LEN + ihl + 20 <= len)
		fprintf(stderr, " %u -> %u flags %02x seq %u ack %u wnd %u hlen %u", get16(l4),
			get16(l4 + 2), l4[13], get32(l4 + 4), get32(l4 + 8), get16(l4 + 14),
			(l4[12] >> 4) * 4);
	else if (ip[9] == IPPROTO_ICMP && RTE_ETHER_HDR_LEN + ihl + 4 <= len)
		fprintf(stderr, " type %u code %u", l4[0], l4[1]);
	fputc('\n', stderr);
}

/* ---- the applications ---- */

static int
app_accepted(struct dp_lcore *lc, uint32_t h, void *arg, void **ctx)
{
	const enum fz_app *app = arg;

	*ctx = arg;
	if (*app == FZ_APP_REFUSE)
		return -1;
	if (*app == FZ_APP_GREET)
		dp_tcp_send(lc, h, fz_greeting, sizeof(fz_greeting));
	return 0;
}

static void
app_connected(struct dp_lcore *lc, uint32_t h, void *ctx)
{
	(void)ctx;
	dp_tcp_send(lc, h, fz_greeting, 100);
}

static void
app_readable(struct dp_lcore *lc, uint32_t h, void *ctx)
{
	const enum fz_app *app = ctx;
	uint32_t readable = dp_tcp_readable(lc, h), total = 0;
	struct dp_tcp_info info;
	uint8_t buf[2048];
	uint8_t first = 0;
	int n;

	memset(&info, 0, sizeof(info));
	FZ_CHECK(dp_tcp_info(lc, h, &info) == 0 && info.rcv_queued == readable,
		 "readable %u, info says %u queued", readable, info.rcv_queued);
	(void)dp_tcp_sendable(lc, h);
	(void)dp_tcp_peer_closed(lc, h);
	while ((n = dp_tcp_recv(lc, h, buf, sizeof(buf))) > 0) {
		if (total == 0)
			first = buf[0];
		total += (uint32_t)n;
		if (*app == FZ_APP_ECHO)
			dp_tcp_send(lc, h, buf, (uint32_t)n);
	}
	FZ_CHECK(total == readable && dp_tcp_readable(lc, h) == 0,
		 "readable said %u, read %u, %u left", readable, total, dp_tcp_readable(lc, h));
	if (*app == FZ_APP_GREET && total != 0) {
		if (first == 'A')
			dp_tcp_abort(lc, h);
		else
			dp_tcp_close(lc, h);
	}
}

static void
app_writable(struct dp_lcore *lc, uint32_t h, void *ctx)
{
	const enum fz_app *app = ctx;

	if (*app == FZ_APP_ACTIVE)
		dp_tcp_send(lc, h, fz_greeting, 1000);
}

static void
app_peer_fin(struct dp_lcore *lc, uint32_t h, void *ctx)
{
	(void)ctx;
	dp_tcp_close(lc, h);
}

static void
app_closed(struct dp_lcore *lc, uint32_t h, void *ctx, enum dp_tcp_close_reason reason)
{
	uint32_t counts[DP_TCP_STATE__COUNT];

	(void)h;
	(void)ctx;
	FZ_CHECK(reason < DP_TCP_CLOSE__COUNT, "reason %d", (int)reason);
	dp_tcp_state_counts(lc, counts);
	/* The per-state gauges follow every state change (tcp_state_account()). */
	for (uint8_t st = 0; st < DP_TCP_STATE__COUNT; st++) {
		int id = dp_tcp_state_ctr(st);

		if (id >= 0)
			FZ_CHECK(ipc_ctr_get(lc->ctr, (uint32_t)id) == counts[st],
				 "state %s: gauge %llu, connections %u", dp_tcp_state_name(st),
				 (unsigned long long)ipc_ctr_get(lc->ctr, (uint32_t)id), counts[st]);
	}
}

static const struct dp_tcp_app_ops fz_ops = {
	.accepted = app_accepted,
	.connected = app_connected,
	.readable = app_readable,
	.writable = app_writable,
	.peer_fin = app_peer_fin,
	.closed = app_closed,
};

/* ---- frames out ---- */

/* Check one frame the stack sent: it must be something a correct host puts on the wire. */
static void
check_tx(const struct rte_mbuf *m)
{
	static uint8_t buf[RTE_MBUF_DEFAULT_BUF_SIZE * 2];
	const struct rte_mbuf *s;
	const uint8_t *f, *ip, *l4;
	uint32_t len = rte_pktmbuf_pkt_len(m), sum = 0, ihl, tot, dst;
	uint16_t nseg = 0;

	for (s = m; s != NULL; s = s->next) {
		sum += s->data_len;
		nseg++;
	}
	FZ_CHECK(sum == len && nseg == m->nb_segs, "pkt_len %u, segments sum to %u, nb_segs %u/%u",
		 len, sum, m->nb_segs, nseg);
	FZ_CHECK(len >= RTE_ETHER_HDR_LEN && len <= RTE_ETHER_HDR_LEN + fz_lc.net.mtu,
		 "frame length %u", len);
	f = rte_pktmbuf_read(m, 0, len, buf);
	FZ_CHECK(f != NULL, "unreadable frame");
	if (fz_verbose)
		describe("out", f, len);
	if (memcmp(f + 6, fz_our_mac, RTE_ETHER_ADDR_LEN) != 0 ||
	    (get16(f + 12) != RTE_ETHER_TYPE_ARP && get16(f + 12) != RTE_ETHER_TYPE_IPV4))
		goto bad;
	if (get16(f + 12) == RTE_ETHER_TYPE_ARP) {
		/* Ethernet/IPv4 ARP, request or reply, from our MAC and address. */
		if (len < 42 || get16(f + 14) != 1 || get16(f + 16) != RTE_ETHER_TYPE_IPV4 ||
		    f[18] != 6 || f[19] != 4 || (get16(f + 20) != 1 && get16(f + 20) != 2) ||
		    memcmp(f + 22, fz_our_mac, RTE_ETHER_ADDR_LEN) != 0 ||
		    get32(f + 28) != FZ_OUR_IP)
			goto bad;
		return;
	}
	ip = f + RTE_ETHER_HDR_LEN;
	if (len < RTE_ETHER_HDR_LEN + 20)
		goto bad;
	ihl = (uint32_t)(ip[0] & 0xf) * 4;
	tot = get16(ip + 2);
	dst = get32(ip + 16);
	/* Our address to an on-link unicast one, checksummed, not fragmented. */
	if (ip[0] != 0x45 || tot != len - RTE_ETHER_HDR_LEN || fold(sum16(ip, ihl, 0)) != 0xffff ||
	    (get16(ip + 6) & 0x3fff) != 0 || ip[8] == 0 || get32(ip + 12) != FZ_OUR_IP ||
	    (dst & FZ_NETMASK) != (FZ_OUR_IP & FZ_NETMASK) || dst == FZ_OUR_IP ||
	    (dst & ~FZ_NETMASK) == ~FZ_NETMASK)
		goto bad;
	l4 = ip + ihl;
	if (ip[9] == IPPROTO_TCP) {
		uint32_t doff;

		if (tot < ihl + 20)
			goto bad;
		doff = (uint32_t)(l4[12] >> 4) * 4;
		if (doff < 20 || doff > tot - ihl || get16(l4) == 0 || get16(l4 + 2) == 0 ||
		    fold(sum16(l4, tot - ihl, phdr_sum(ip, tot - ihl))) != 0xffff)
			goto bad;
		/* SYN with RST or FIN is never sent; RST carries no data. */
		if (((l4[13] & 0x02) && (l4[13] & 0x05)) || ((l4[13] & 0x04) && doff != tot - ihl))
			goto bad;
		return;
	}
	if (ip[9] == IPPROTO_ICMP) {
		if (tot < ihl + 8 || l4[0] != 0 || l4[1] != 0 ||
		    fold(sum16(l4, tot - ihl, 0)) != 0xffff)
			goto bad;
		return;
	}
bad:
	fprintf(stderr, "fuzz_net_input: the stack sent a malformed frame (%u bytes):\n", len);
	dump_hex(f, len);
	abort();
}

/*
 * Do what a NIC does with the checksum offload requests of @p m, from the
 * mbuf's l2_len/l3_len and flags alone (so wrong ones show up as bad
 * checksums): the IPv4 header checksum, and the TCP checksum over the
 * segment, whose checksum field holds the pseudo-header sum.
 */
static void
nic_offload(struct rte_mbuf *m)
{
	static uint8_t buf[RTE_MBUF_DEFAULT_BUF_SIZE * 2];
	uint64_t f = m->ol_flags;
	uint32_t l3 = m->l2_len, l4 = m->l2_len + m->l3_len, len = rte_pktmbuf_pkt_len(m);
	uint8_t *p = rte_pktmbuf_mtod(m, uint8_t *);
	const uint8_t *all;

	if (!(f & (RTE_MBUF_F_TX_IP_CKSUM | RTE_MBUF_F_TX_L4_MASK)))
		return;
	FZ_CHECK((f & RTE_MBUF_F_TX_IPV4) && m->l2_len == RTE_ETHER_HDR_LEN && m->l3_len >= 20 &&
			 rte_pktmbuf_data_len(m) >= l4 && len >= l4,
		 "offload fields: flags %#" PRIx64 " l2_len %u l3_len %u data_len %u", f, m->l2_len,
		 m->l3_len, rte_pktmbuf_data_len(m));
	if (f & RTE_MBUF_F_TX_IP_CKSUM) {
		put16(p + l3 + 10, 0);
		put16(p + l3 + 10, (uint16_t)~fold(sum16(p + l3, m->l3_len, 0)));
	}
	if ((f & RTE_MBUF_F_TX_L4_MASK) == RTE_MBUF_F_TX_TCP_CKSUM) {
		FZ_CHECK(rte_pktmbuf_data_len(m) >= l4 + 20 && len <= sizeof(buf),
			 "TCP header not in the first segment");
		all = rte_pktmbuf_read(m, 0, len, buf);
		FZ_CHECK(all != NULL, "unreadable frame");
		put16(p + l4 + 16, (uint16_t)~fold(sum16(all + l4, len - l4, 0)));
	} else {
		FZ_CHECK((f & RTE_MBUF_F_TX_L4_MASK) == 0, "L4 offload other than TCP: %#" PRIx64,
			 f);
	}
}

/* Take every frame off the port's TX ring, check and free it. */
static void
drain_tx(void)
{
	struct rte_mbuf *out[FZ_TX_DRAIN];
	unsigned int n;

	while ((n = rte_ring_dequeue_burst(fz_tx_ring, (void **)out, FZ_TX_DRAIN, NULL)) != 0) {
		for (unsigned int i = 0; i < n; i++) {
			nic_offload(out[i]);
			check_tx(out[i]);
			rte_pktmbuf_free(out[i]);
		}
	}
}

/* ---- frames in ---- */

struct fz_ext {
	struct rte_mbuf_ext_shared_info shinfo;
	uint8_t buf[];
};

static void
ext_free(void *addr, void *opaque)
{
	(void)addr;
	free(opaque);
	fz_ext_live--;
}

/* One segment holding @p len bytes of @p p after @p headroom bytes. */
static struct rte_mbuf *
seg_make(const uint8_t *p, uint16_t len, uint16_t headroom, bool direct)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(fz_pool);
	struct fz_ext *e;

	FZ_CHECK(m != NULL, "mbuf pool exhausted (%u in use)",
		 FZ_POOL_SIZE - rte_mempool_avail_count(fz_pool));
	if (direct) {
		m->data_off = headroom;
	} else {
		e = malloc(sizeof(*e) + headroom + len);
		FZ_CHECK(e != NULL, "malloc");
		memset(&e->shinfo, 0, sizeof(e->shinfo));
		e->shinfo.free_cb = ext_free;
		e->shinfo.fcb_opaque = e;
		rte_mbuf_ext_refcnt_set(&e->shinfo, 1);
		rte_pktmbuf_attach_extbuf(m, e->buf, RTE_BAD_IOVA, (uint16_t)(headroom + len),
					  &e->shinfo);
		m->data_off = headroom;
		fz_ext_live++;
	}
	memcpy(rte_pktmbuf_mtod(m, uint8_t *), p, len);
	m->data_len = len;
	m->pkt_len = len;
	return m;
}

/* Build the mbuf (chain) for frame @p f of @p len bytes as @p pfx and @p layout say. */
static struct rte_mbuf *
frame_make(const uint8_t *f, uint16_t len, uint16_t pfx, uint8_t layout)
{
	static const uint64_t ol[4] = {
		0,
		RTE_MBUF_F_RX_IP_CKSUM_GOOD | RTE_MBUF_F_RX_L4_CKSUM_GOOD,
		RTE_MBUF_F_RX_IP_CKSUM_BAD,
		RTE_MBUF_F_RX_IP_CKSUM_GOOD | RTE_MBUF_F_RX_L4_CKSUM_BAD,
	};
	bool direct = (layout & FZ_L_DIRECT) != 0;
	uint16_t first = layout & FZ_L_SPLIT_MASK;
	struct rte_mbuf *head;

	if (first == 0 || first >= len)
		first = len;
	head = seg_make(f, first, RTE_PKTMBUF_HEADROOM, direct);
	for (uint16_t off = first; off < len;) {
		uint16_t n = len - off < FZ_SEG_CHUNK ? len - off : FZ_SEG_CHUNK;
		struct rte_mbuf *s = seg_make(f + off, n, 0, direct);

		FZ_CHECK(rte_pktmbuf_chain(head, s) == 0, "chain");
		off += n;
	}
	head->ol_flags |= ol[(pfx >> FZ_F_OL_SHIFT) & FZ_F_OL_MASK];
	return head;
}

/* Add @p base to the edges of every SACK option in TCP options @p o of @p len bytes. */
static void
sack_rebase(uint8_t *o, uint32_t len, uint32_t base)
{
	for (uint32_t i = 0; i < len;) {
		uint32_t olen;

		if (o[i] == 0)
			return;
		if (o[i] == 1) {
			i++;
			continue;
		}
		if (i + 1 >= len || o[i + 1] < 2 || i + o[i + 1] > len)
			return;
		olen = o[i + 1];
		if (o[i] == 5)
			for (uint32_t k = 2; k + 4 <= olen; k += 4)
				put32(o + i + k, get32(o + i + k) + base);
		i += olen;
	}
}

/*
 * Relative TCP numbers and checksum repair, on the frame before it becomes an
 * mbuf. Anything that does not parse as far as needed is left alone.
 */
static void
frame_fix(uint8_t *f, uint32_t len, uint16_t pfx)
{
	uint8_t *ip = f + RTE_ETHER_HDR_LEN, *l4;
	uint32_t ihl, tot, l4len;

	if (!(pfx & (FZ_F_REL | FZ_F_FIXCSUM)) || len < RTE_ETHER_HDR_LEN + 20 ||
	    get16(f + 12) != RTE_ETHER_TYPE_IPV4)
		return;
	ihl = (uint32_t)(ip[0] & 0xf) * 4;
	if (ihl < 20 || RTE_ETHER_HDR_LEN + ihl > len)
		return;
	tot = get16(ip + 2);
	l4 = ip + ihl;
	l4len = tot - ihl;
	if (tot < ihl || RTE_ETHER_HDR_LEN + tot > len)
		l4len = 0;
	if ((pfx & FZ_F_REL) && ip[9] == IPPROTO_TCP && l4len >= 20) {
		struct dp_tcb *t = tcp_lookup(&fz_lc, get32(ip + 16), get16(l4 + 2), get32(ip + 12),
					      get16(l4));

		if (t != NULL) {
			uint32_t ack = get32(l4 + 8), doff;

			put32(l4 + 4, get32(l4 + 4) + t->rcv_nxt);
			if (ack & UINT32_C(0x80000000))
				/* Sign-extend the low 31 bits. */
				ack = t->snd_max + ((ack & UINT32_C(0x40000000)) != 0
							    ? ack
							    : ack & ~UINT32_C(0x80000000));
			else
				ack += t->snd_una;
			put32(l4 + 8, ack);
			doff = (uint32_t)(l4[12] >> 4) * 4;
			if (doff >= 20 && doff <= l4len)
				sack_rebase(l4 + 20, doff - 20, t->snd_una);
		} else if ((l4[13] & (RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG)) == RTE_TCP_ACK_FLAG) {
			put32(l4 + 8, 1 + tcp_syncookie_make(&fz_lc, get32(ip + 16), get16(l4 + 2),
							     get32(ip + 12), get16(l4),
							     get32(l4 + 4) - 1, get32(l4 + 8) & 3));
		}
	}
	put16(ip + 10, 0);
	put16(ip + 10, (uint16_t)~fold(sum16(ip, ihl, 0)));
	if (ip[9] == IPPROTO_TCP && l4len >= 20) {
		put16(l4 + 16, 0);
		put16(l4 + 16, (uint16_t)~fold(sum16(l4, l4len, phdr_sum(ip, l4len))));
	} else if (ip[9] == IPPROTO_ICMP && l4len >= 4) {
		put16(l4 + 2, 0);
		put16(l4 + 2, (uint16_t)~fold(sum16(l4, l4len, 0)));
	}
}

/* ---- TCP bookkeeping ---- */

/* Bytes in a queue of mbufs linked through m->next (send and receive queues). */
static uint32_t
queue_bytes(const struct rte_mbuf *m)
{
	uint32_t b = 0, n = 0;

	for (; m != NULL; m = m->next) {
		FZ_CHECK(++n <= FZ_POOL_SIZE, "queue does not end");
		b += m->data_len;
	}
	return b;
}

static uint64_t
earliest_timer(const struct dp_tcb *t)
{
	uint64_t e = 0;

	for (int k = 0; k < DP_TCP_T__COUNT; k++)
		if (t->tmr[k] != 0 && (e == 0 || t->tmr[k] < e))
			e = t->tmr[k];
	return e;
}

/* Reassembly queue of @p t: in order, not overlapping, lengths matching the mbufs. */
static void
check_ooo(const struct dp_tcb *t, uint32_t i)
{
	FZ_CHECK(t->n_ooo <= DP_TCP_OOO_MAX && t->n_ooo <= fz_lc.tcp.conf->ooo_segs_conn,
		 "tcb %u holds %u out-of-order segments", i, t->n_ooo);
	for (uint32_t k = 0; k < t->n_ooo; k++) {
		const struct dp_tcp_ooo *o = &t->ooo[k];

		FZ_CHECK((o->m == NULL) == (o->len == 0) &&
				 (o->m == NULL ||
				  (o->m->data_len == o->len && o->m->pkt_len == o->len)),
			 "tcb %u ooo[%u]: len %u, mbuf %u/%u bytes", i, k, o->len,
			 o->m != NULL ? o->m->data_len : 0, o->m != NULL ? o->m->pkt_len : 0);
		FZ_CHECK(o->len != 0 || o->fin, "tcb %u ooo[%u] is empty", i, k);
		if (k + 1 < t->n_ooo)
			FZ_CHECK(seq_leq(o->seq + o->len + o->fin, t->ooo[k + 1].seq),
				 "tcb %u ooo[%u] [%u, +%u) overlaps or precedes ooo[%u] at %u", i,
				 k, o->seq, o->len + o->fin, k + 1, t->ooo[k + 1].seq);
	}
}

/*
 * The TCP instance's books must balance. @p wheel: also walk every wheel slot
 * (4096 of them: done once per input, not per step).
 */
static void
check_tcp(bool wheel)
{
	const struct dp_tcp_lcore *tl = &fz_lc.tcp;
	const struct dp_tcp_conf *c = tl->conf;
	uint8_t is_free[64] = {0};
	uint32_t syn[DP_TCP_MAX_LISTENERS] = {0};
	uint32_t n_free = 0, n_tw = 0, n_ooo = 0, n_work = 0, n_wheel = 0, last, i;

	FZ_CHECK(tl->n_tcbs <= RTE_DIM(is_free), "too many tcbs to check");
	for (i = tl->free_head; i != DP_TCB_NONE; i = tl->tcbs[i].next_free) {
		FZ_CHECK(i < tl->n_tcbs && !is_free[i], "free list broken at %u", i);
		is_free[i] = 1;
		n_free++;
	}
	FZ_CHECK(tl->n_used == tl->n_tcbs - n_free, "n_used %u, but %u of %u tcbs are free",
		 tl->n_used, n_free, tl->n_tcbs);
	last = DP_TCB_NONE;
	for (i = tl->work_head; i != DP_TCB_NONE; i = tl->tcbs[i].work_next) {
		FZ_CHECK(i < tl->n_tcbs && ++n_work <= tl->n_tcbs &&
				 (tl->tcbs[i].flags & TCB_F_ON_WORK) && !is_free[i],
			 "work list broken at %u", i);
		last = i;
	}
	FZ_CHECK(last == tl->work_tail, "work list ends at %u, tail says %u", last, tl->work_tail);
	last = DP_TCB_NONE;
	for (i = tl->tw_head; i != DP_TCB_NONE; i = tl->tcbs[i].tw_next) {
		FZ_CHECK(i < tl->n_tcbs && ++n_tw <= tl->n_tcbs && !is_free[i] &&
				 tl->tcbs[i].state == DP_TCP_STATE_TIME_WAIT,
			 "TIME_WAIT list broken at %u", i);
		last = i;
	}
	FZ_CHECK(last == tl->tw_tail && n_tw == tl->n_timewait && n_tw <= c->tw_max,
		 "TIME_WAIT list: %u entries ending at %u; n_timewait %u, tail %u, max %u", n_tw,
		 last, tl->n_timewait, tl->tw_tail, c->tw_max);

	for (i = 0; i < tl->n_tcbs; i++) {
		const struct dp_tcb *t = &tl->tcbs[i];
		uint64_t e = earliest_timer(t);

		if (is_free[i]) {
			FZ_CHECK(t->state == DP_TCP_STATE_CLOSED && t->sq_head == NULL &&
					 t->rq_head == NULL && t->n_ooo == 0 &&
					 t->wheel_tick == 0 && !(t->flags & TCB_F_ON_WORK),
				 "free tcb %u: state %u, flags %#x, sq %p, rq %p, ooo %u, tick "
				 "%" PRIu64,
				 i, t->state, t->flags, (void *)t->sq_head, (void *)t->rq_head,
				 t->n_ooo, t->wheel_tick);
			continue;
		}
		FZ_CHECK(queue_bytes(t->sq_head) - t->sq_off == t->sq_len,
			 "tcb %u (%s): send queue holds %u bytes past sq_off %u, sq_len says %u", i,
			 dp_tcp_state_name(t->state), queue_bytes(t->sq_head), t->sq_off,
			 t->sq_len);
		FZ_CHECK(queue_bytes(t->rq_head) - t->rq_off == t->rq_len,
			 "tcb %u (%s): receive queue holds %u bytes past rq_off %u, rq_len says %u",
			 i, dp_tcp_state_name(t->state), queue_bytes(t->rq_head), t->rq_off,
			 t->rq_len);
		check_ooo(t, i);
		n_ooo += t->n_ooo;
		if (t->state >= DP_TCP_STATE_SYN_SENT && !(t->flags & TCB_F_DEAD)) {
			FZ_CHECK(seq_leq(t->snd_una, t->snd_nxt) && seq_leq(t->snd_nxt, t->snd_max),
				 "tcb %u (%s): SND.UNA %u, SND.NXT %u, SND.MAX %u out of order", i,
				 dp_tcp_state_name(t->state), t->snd_una, t->snd_nxt, t->snd_max);
			FZ_CHECK(tcp_lookup(&fz_lc, t->laddr, t->lport, t->raddr, t->rport) == t,
				 "tcb %u (%s) is not found under its 4-tuple", i,
				 dp_tcp_state_name(t->state));
		}
		if (t->state == DP_TCP_STATE_SYN_RECEIVED && t->listener < DP_TCP_MAX_LISTENERS)
			syn[t->listener]++;
		FZ_CHECK((e != 0) == (t->wheel_tick != 0),
			 "tcb %u (%s): earliest timer %" PRIu64 " but wheel tick %" PRIu64, i,
			 dp_tcp_state_name(t->state), e, t->wheel_tick);
		if (t->wheel_tick != 0) {
			FZ_CHECK(t->wheel_tick >= tl->wheel->cur_tick &&
					 t->wheel_tick < tl->wheel->cur_tick + DP_TCP_WHEEL_SLOTS,
				 "tcb %u on wheel tick %" PRIu64 ", wheel at %" PRIu64, i,
				 t->wheel_tick, tl->wheel->cur_tick);
			n_wheel++;
		}
	}
	FZ_CHECK(n_ooo == tl->ooo_segs && n_ooo <= c->ooo_segs_lcore,
		 "out-of-order segments: %u held, ooo_segs says %u (max %u)", n_ooo, tl->ooo_segs,
		 c->ooo_segs_lcore);
	for (uint32_t li = 0; li < DP_TCP_MAX_LISTENERS; li++)
		FZ_CHECK(tl->listeners[li].port == 0 || (tl->listeners[li].n_syn_rcvd == syn[li] &&
							 syn[li] <= c->syn_backlog),
			 "listener %u (port %u): n_syn_rcvd %u, SYN_RECEIVED tcbs %u, backlog %u",
			 li, tl->listeners[li].port, tl->listeners[li].n_syn_rcvd, syn[li],
			 c->syn_backlog);
	if (!wheel)
		return;
	for (uint32_t slot = 0; slot < DP_TCP_WHEEL_SLOTS; slot++) {
		uint32_t prev = DP_TCB_NONE;

		for (i = tl->wheel->slot[slot]; i != DP_TCB_NONE; i = tl->tcbs[i].wheel_next) {
			FZ_CHECK(i < tl->n_tcbs && n_wheel-- != 0 &&
					 tl->tcbs[i].wheel_prev == prev &&
					 (tl->tcbs[i].wheel_tick & (DP_TCP_WHEEL_SLOTS - 1)) ==
						 slot,
				 "wheel slot %u broken at tcb %u", slot, i);
			prev = i;
		}
	}
	FZ_CHECK(n_wheel == 0, "%u tcbs think they are on the wheel but are not", n_wheel);
}

/* ---- the stack ---- */

static void
stack_start(uint8_t b0, uint8_t cfg)
{
	static const uint8_t key[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
	struct dp_tcp_conf conf = fz_conf;
	struct rte_ether_addr mac;
	uint32_t h;

	if (cfg & FZ_C_NEWRENO)
		conf.cc_algo = DP_TCP_CC_ALGO_NEWRENO;
	if (cfg & FZ_C_NAGLE)
		conf.nodelay = 0;
	if (cfg & FZ_C_NO_KEEPALIVE)
		conf.keepalive_idle_us = 0;
	if (cfg & FZ_C_TINY) {
		conf.max_conns = 4;
		conf.syn_backlog = 1;
		conf.tw_max = 1;
		conf.ooo_segs_conn = 2;
		conf.ooo_segs_lcore = 3;
	}
	if (cfg & FZ_C_BIG_BUFS) {
		conf.sndbuf = 256 * 1024;
		conf.rcvbuf = 256 * 1024;
	}
	if (cfg & FZ_C_IW1)
		conf.iw_segs = 1;
	memset(&fz_lc, 0, sizeof(fz_lc));
	memset(&fz_ctrs, 0, sizeof(fz_ctrs));
	fz_lc.ctr = (struct ipc_ctr_block *)(void *)&fz_ctrs;
	fz_lc.now_us = FZ_START_US;
	memcpy(mac.addr_bytes, fz_our_mac, sizeof(mac.addr_bytes));
	fz_lc.net.rx_csum = 1;
	fz_lc.net.mtu = (cfg & FZ_C_MTU576) ? 576 : RTE_ETHER_MTU;
	fz_lc.net.tx_csum_ip = (cfg & FZ_C_TX_OFFLOAD) ? 1 : 0;
	fz_lc.net.tx_csum_tcp = (cfg & FZ_C_TX_OFFLOAD) ? 1 : 0;
	dp_net_init(&fz_lc, fz_port, 0, &mac, FZ_OUR_IP, FZ_NETMASK, 0, fz_pool);
	fz_lc.net.tcp_input = dp_tcp_input;
	FZ_CHECK(dp_tcp_create(&fz_lc, &conf, key) == 0, "dp_tcp_create");
	FZ_CHECK(dp_tcp_listen(&fz_lc, FZ_PORT_ECHO, &fz_ops, &fz_apps[FZ_APP_ECHO]) == 0,
		 "listen");
	FZ_CHECK(dp_tcp_listen(&fz_lc, FZ_PORT_GREET, &fz_ops, &fz_apps[FZ_APP_GREET]) == 0,
		 "listen");
	FZ_CHECK(dp_tcp_listen(&fz_lc, FZ_PORT_REFUSE, &fz_ops, &fz_apps[FZ_APP_REFUSE]) == 0,
		 "listen");
	if (b0 & FZ_B_CONNECT) {
		FZ_CHECK(dp_tcp_connect(&fz_lc, FZ_PEER_IP, FZ_PORT_ACTIVE, &fz_ops,
					&fz_apps[FZ_APP_ACTIVE], &h) == 0,
			 "connect");
		dp_net_tx_flush(&fz_lc);
		drain_tx();
	}
}

/*
 * What the lcore loop does after receiving (deliver events, send, flush), then
 * advance the clock by @p us and do it again with the timers.
 */
static void
stack_step(uint64_t us)
{
	dp_tcp_poll(&fz_lc);
	dp_net_tx_flush(&fz_lc);
	drain_tx();
	check_tcp(false);
	if (us == 0)
		return;
	fz_lc.now_us += us;
	dp_arp_timers(&fz_lc);
	dp_tcp_poll(&fz_lc);
	dp_net_tx_flush(&fz_lc);
	drain_tx();
	check_tcp(false);
}

/* Free the stack and check that it gave back every mbuf and external buffer. */
static void
stack_stop(void)
{
	struct rte_ether_addr mac;
	unsigned int in_use;

	check_tcp(true);
	dp_tcp_destroy(&fz_lc);
	/* dp_net_init() drops the packets ARP still holds and anything staged. */
	memcpy(mac.addr_bytes, fz_our_mac, sizeof(mac.addr_bytes));
	dp_net_init(&fz_lc, fz_port, 0, &mac, FZ_OUR_IP, FZ_NETMASK, 0, fz_pool);
	drain_tx();
	in_use = FZ_POOL_SIZE - rte_mempool_avail_count(fz_pool);
	FZ_CHECK(in_use == 0, "%u mbufs still allocated after dp_tcp_destroy() and the ARP flush",
		 in_use);
	FZ_CHECK(fz_ext_live == 0, "%u external buffers never freed", fz_ext_live);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t frame[FZ_MAX_FRAME];
	struct rte_mbuf *burst[FZ_MAX_FRAMES];
	uint16_t n_burst = 0;
	uint32_t n = 0;
	size_t off = 2;
	uint64_t step;
	uint8_t b0;

	if (size < 2)
		return 0;
	b0 = data[0];
	step = fz_steps_us[b0 & FZ_B_STEP_MASK];
	stack_start(b0, data[1]);
	while (off + 2 <= size && n < FZ_MAX_FRAMES) {
		uint16_t pfx = get16(data + off), len;
		uint8_t layout = 0;
		struct rte_mbuf *m;

		off += 2;
		if (pfx & FZ_F_LAYOUT) {
			if (off >= size)
				break;
			layout = data[off++];
		}
		len = pfx & FZ_F_LEN_MASK;
		if (len > FZ_MAX_FRAME)
			len = FZ_MAX_FRAME;
		if (len > size - off)
			len = (uint16_t)(size - off);
		memcpy(frame, data + off, len);
		off += len;
		n++;
		if ((b0 & FZ_B_BURST) && (layout & FZ_L_BOUNDARY) && n_burst != 0) {
			dp_eth_input(&fz_lc, burst, n_burst);
			stack_step(step);
			n_burst = 0;
		}
		frame_fix(frame, len, pfx);
		if (fz_verbose)
			describe("in ", frame, len);
		m = frame_make(frame, len, pfx, layout);
		if (b0 & FZ_B_BURST) {
			burst[n_burst++] = m;
		} else {
			dp_eth_input(&fz_lc, &m, 1);
			stack_step(step);
		}
	}
	if (n_burst != 0) {
		dp_eth_input(&fz_lc, burst, n_burst);
		stack_step(step);
	}
	for (uint32_t r = (b0 >> FZ_B_ROUNDS_SHIFT) & FZ_B_ROUNDS_MASK; r != 0; r--)
		stack_step(step > 1000 ? step : 1000);
	stack_stop();
	return 0;
}

/* ---- set-up ---- */

static void
fz_exit(void)
{
	if (fz_port != UINT16_MAX) {
		rte_eth_dev_stop(fz_port);
		rte_eth_dev_close(fz_port);
	}
	rte_eal_cleanup();
	dp_eal_remove_runtime_dir(fz_runtime_dir);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char prefix[128];
	char *eal_argv[] = {
		(char *)(uintptr_t) "fuzz_net_input",
		(char *)(uintptr_t) "--no-huge",
		(char *)(uintptr_t) "--no-pci",
		(char *)(uintptr_t) "--no-shconf",
		(char *)(uintptr_t) "--no-telemetry",
		(char *)(uintptr_t) "-m",
		(char *)(uintptr_t) "256",
		(char *)(uintptr_t) "-l",
		(char *)(uintptr_t) "0",
		(char *)(uintptr_t) "--log-level=error",
		prefix,
		NULL,
	};
	const char *base = getenv("CHIVE_FUZZ_PREFIX");
	const char *verbose = getenv("CHIVE_FUZZ_VERBOSE");
	struct rte_eth_conf conf;
	int port;

	(void)argc;
	(void)argv;
	fz_verbose = verbose != NULL && verbose[0] == '1';
	snprintf(prefix, sizeof(prefix), "--file-prefix=%s-%d",
		 base != NULL && base[0] != '\0' ? base : "chive-fuzz", (int)getpid());
	if (rte_eal_init((int)(sizeof(eal_argv) / sizeof(eal_argv[0])) - 1, eal_argv) < 0) {
		fprintf(stderr, "fuzz_net_input: rte_eal_init: %s\n", rte_strerror(rte_errno));
		exit(1);
	}
	snprintf(fz_runtime_dir, sizeof(fz_runtime_dir), "%s", rte_eal_get_runtime_dir());
	atexit(fz_exit);

	fz_pool = rte_pktmbuf_pool_create("fz_pool", FZ_POOL_SIZE, 64, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
					  (int)rte_socket_id());
	fz_rx_ring =
		rte_ring_create("fz_rx", 64, (int)rte_socket_id(), RING_F_SP_ENQ | RING_F_SC_DEQ);
	fz_tx_ring = rte_ring_create("fz_tx", FZ_TX_RING, (int)rte_socket_id(),
				     RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (fz_pool == NULL || fz_rx_ring == NULL || fz_tx_ring == NULL) {
		fprintf(stderr, "fuzz_net_input: pool or rings: %s\n", rte_strerror(rte_errno));
		exit(1);
	}
	/* TX lands on fz_tx_ring, which drain_tx() empties; nothing is ever received. */
	port = rte_eth_from_rings("fz", &fz_rx_ring, 1, &fz_tx_ring, 1,
				  (unsigned int)rte_socket_id());
	if (port < 0) {
		fprintf(stderr, "fuzz_net_input: ring port: %s\n", rte_strerror(rte_errno));
		exit(1);
	}
	fz_port = (uint16_t)port;
	memset(&conf, 0, sizeof(conf));
	if (rte_eth_dev_configure(fz_port, 1, 1, &conf) != 0 ||
	    rte_eth_rx_queue_setup(fz_port, 0, 64, (unsigned int)rte_socket_id(), NULL, fz_pool) !=
		    0 ||
	    rte_eth_tx_queue_setup(fz_port, 0, 64, (unsigned int)rte_socket_id(), NULL) != 0 ||
	    rte_eth_dev_start(fz_port) != 0) {
		fprintf(stderr, "fuzz_net_input: cannot start the ring port\n");
		exit(1);
	}
	/*
	 * With no shared config, no telemetry and no multi-process channel the
	 * runtime directory stays empty and unused: remove it now, so that a
	 * crash (which skips atexit) leaves nothing behind either.
	 */
	dp_eal_remove_runtime_dir(fz_runtime_dir);

	/* Small limits, so the fuzzer reaches them: pool, backlog, TIME_WAIT, reassembly. */
	dp_tcp_conf_default(&fz_conf);
	fz_conf.max_conns = 64;
	fz_conf.sndbuf = 8192;
	fz_conf.rcvbuf = 8192;
	fz_conf.ooo_segs_conn = 8;
	fz_conf.ooo_segs_lcore = 32;
	fz_conf.syn_backlog = 4;
	fz_conf.tw_max = 4;
	fz_conf.rto_max_us = 4000000;
	fz_conf.msl_us = 2000000;
	fz_conf.keepalive_idle_us = 5000000;
	fz_conf.keepalive_intvl_us = 1000000;
	fz_conf.keepalive_probes = 2;
	fz_conf.syn_retries = 3;
	fz_conf.data_retries = 4;
	for (uint32_t i = 0; i < sizeof(fz_greeting); i++)
		fz_greeting[i] = (uint8_t)('a' + i % 26);
	return 0;
}
