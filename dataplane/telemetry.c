/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief The /chive/ telemetry commands: lcores, counters and the port on DPDK's telemetry socket.
 *
 * DPDK's telemetry library (rte_telemetry.h) serves a SOCK_SEQPACKET unix
 * socket, <runtime dir>/dpdk_telemetry.v2, from its own threads: a client
 * sends "/command[,params]" and reads one JSON object back. The commands
 * here give the operator's view of the dataplane to `dpdk-telemetry.py -f
 * chive-NAME`, with no control plane needed.
 *
 * Threads. Every callback runs on a telemetry thread, concurrently with the
 * lcores and with main(). It reads only:
 *  - counter blocks in the segment, with ipc_ctr_get() (relaxed atomic
 *    loads of words their lcore writes with relaxed stores; the directory
 *    through ipc_ctr_dir_snapshot()), exactly as the control plane does;
 *  - fields of struct dp_lcore and struct drv_port that main() writes before
 *    dp_telemetry_start() and not again until after dp_telemetry_stop()
 *    (lcore id, index, has_port, rx_port, rx_queue; the port's name, MAC,
 *    MTU, queues), never the lcores' hot fields (lc->iterations is a plain
 *    store, so iterations and cycles come from the counter block);
 *  - the ethdev's link and stats (rte_eth_link_get_nowait(),
 *    rte_eth_stats_get()), as `chivectl show ports` and DPDK's own
 *    /ethdev/stats do, without writing the link back into the port.
 * It takes no lock (lcores take none) and allocates only on its own thread.
 *
 * Shutdown. DPDK 22.11 cannot unregister a command, and rte_eal_cleanup()
 * does not stop the telemetry threads, so a client may call in while main()
 * frees the port and unmaps the segment. Every callback therefore brackets
 * its work with tel_enter()/tel_leave(): it counts itself in @c tel_inflight
 * and only then checks @c tel_ready; dp_telemetry_stop() clears @c tel_ready
 * and then waits for @c tel_inflight to reach 0. Both sides use sequentially
 * consistent operations, so either the callback sees "not ready" and answers
 * null, or stop sees it in flight and waits (a store-load handshake,
 * Dekker-style). The wait is bounded (about a second); callbacks do bounded
 * work (at most the directory's counters times the lcores) and cannot block
 * on an lcore.
 *
 * Limits of the 22.11 library: a dict holds RTE_TEL_MAX_DICT_ENTRIES (256)
 * entries, keys are at most RTE_TEL_MAX_STRING_LEN bytes of [A-Za-z0-9_/]
 * (counter names qualify: [a-z0-9_/], under 64 bytes), and a reply longer
 * than the library's output buffer (16 KiB) silently loses the entries that
 * do not fit. The counter commands therefore stop at either limit and say
 * so in a "truncated" entry (the number of matching counters left out);
 * a name filter ("/chive/counters,/dp/tcp/") narrows the reply.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_telemetry.h>
#include <rte_version.h>

#include "dataplane/base/dp_ctr.h"
#include "dataplane/base/dp_log.h"
#include "dataplane/telemetry.h"

/*
 * The 22.11 library's reply buffer (MAX_OUTPUT_LEN in lib/telemetry/
 * telemetry.c, announced to clients as "max_output_len"); not in a public
 * header. Entries beyond it are dropped without an error, so we budget.
 */
#define TEL_OUTPUT_MAX 16384
/* Bytes kept for the reply's frame: {"/chive/counters":{ ... }} and the "truncated" entry. */
#define TEL_OUTPUT_SLACK 256
/* JSON bytes of one "name":u64 entry beyond the name: quotes, colon, comma, 20 digits. */
#define TEL_ENTRY_OVERHEAD 24
/* Callbacks' wait in dp_telemetry_stop(): TEL_STOP_POLLS polls of TEL_STOP_POLL_US. */
#define TEL_STOP_POLLS 1000
#define TEL_STOP_POLL_US 1000

static struct dp_telemetry_conf tel_conf;
static uint64_t tel_start_tsc;
static bool tel_registered;
static atomic_int tel_ready;	/* 1 between dp_telemetry_start() and dp_telemetry_stop() */
static atomic_int tel_inflight; /* callbacks between tel_enter() and tel_leave() */

/* Enter a callback: true if the state may be read (then call tel_leave()). */
static bool
tel_enter(void)
{
	atomic_fetch_add(&tel_inflight, 1);
	if (atomic_load(&tel_ready))
		return true;
	atomic_fetch_sub(&tel_inflight, 1);
	return false;
}

static void
tel_leave(void)
{
	atomic_fetch_sub(&tel_inflight, 1);
}

static bool
has_params(const char *params)
{
	return params != NULL && params[0] != '\0';
}

/* A consistent copy of the counter directory (malloc'd), or NULL; *n: its entries. */
static struct ipc_ctr_desc *
dir_snapshot(const struct ipc_shm *shm, uint32_t *n)
{
	uint32_t max = shm->hdr->ctr_max;
	struct ipc_ctr_desc *dir = calloc(max, sizeof(*dir));

	if (dir == NULL)
		return NULL;
	if (ipc_ctr_dir_snapshot(ipc_shm_ctr_dir(shm), dir, max, max, n, NULL) != 0) {
		free(dir);
		return NULL;
	}
	return dir;
}

/* Segment index of DPDK lcore @p lcore_id, or -1. */
static int
lcore_index(const struct ipc_shm *shm, unsigned long lcore_id)
{
	for (uint32_t i = 0; i < shm->hdr->n_lcores; i++)
		if (ipc_shm_lcore(shm, i)->lcore_id == lcore_id)
			return (int)i;
	return -1;
}

static const struct dp_lcore *
lcore_ctx(const struct ipc_shm *shm, uint32_t idx)
{
	uint32_t id = ipc_shm_lcore(shm, idx)->lcore_id;

	return id < RTE_MAX_LCORE ? tel_conf.lcore_by_id[id] : NULL;
}

/*
 * Room left in dict @p used entries and @p bytes of output: add counter
 * @p name = @p v if it fits (keeping one entry and TEL_OUTPUT_SLACK bytes
 * for "truncated"), else return false.
 */
static bool
dict_add_ctr(struct rte_tel_data *d, uint32_t *used, size_t *bytes, const char *name, uint64_t v)
{
	size_t cost = strlen(name) + TEL_ENTRY_OVERHEAD;

	if (*used + 1 >= RTE_TEL_MAX_DICT_ENTRIES ||
	    *bytes + cost > TEL_OUTPUT_MAX - TEL_OUTPUT_SLACK)
		return false;
	if (rte_tel_data_add_dict_u64(d, name, v) != 0)
		return false;
	(*used)++;
	*bytes += cost;
	return true;
}

/* /chive/info */
static int
cmd_info(const char *cmd, const char *params, struct rte_tel_data *d)
{
	const struct dp_telemetry_conf *c = &tel_conf;
	struct rte_tel_data *net;
	char seg[IPC_SHM_NAME_MAX + 16];
	uint32_t n_ctr = 0;
	struct ipc_ctr_desc *dir;

	(void)cmd;
	if (has_params(params))
		return -EINVAL;
	net = rte_tel_data_alloc();
	if (net == NULL)
		return -ENOMEM;
	if (!tel_enter()) {
		rte_tel_data_free(net);
		return -EAGAIN;
	}
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "dpdk_version", rte_version());
	rte_tel_data_add_dict_u64(d, "ipc_abi_version", IPC_ABI_VERSION);
	rte_tel_data_add_dict_string(d, "shm", c->shm->name);
	snprintf(seg, sizeof(seg), "/dev/shm/%s", c->shm->name);
	rte_tel_data_add_dict_string(d, "segment", seg);
	rte_tel_data_add_dict_u64(d, "pid", (uint64_t)getpid());
	rte_tel_data_add_dict_u64(d, "main_lcore", rte_get_main_lcore());
	rte_tel_data_add_dict_u64(d, "lcores", c->shm->hdr->n_lcores);
	rte_tel_data_add_dict_u64(d, "net_lcores", c->n_net);
	rte_tel_data_start_array(net, RTE_TEL_INT_VAL);
	for (uint32_t i = 0; i < c->shm->hdr->n_lcores; i++) {
		const struct dp_lcore *lc = lcore_ctx(c->shm, i);

		if (lc != NULL && lc->has_port)
			rte_tel_data_add_array_int(net, (int)lc->lcore_id);
	}
	rte_tel_data_add_dict_container(d, "net_lcore_ids", net, 0);
	rte_tel_data_add_dict_string(d, "port", c->port != NULL ? c->port->name : "");
	dir = dir_snapshot(c->shm, &n_ctr);
	free(dir);
	rte_tel_data_add_dict_u64(d, "counters", n_ctr);
	rte_tel_data_add_dict_u64(d, "tsc_hz", c->shm->hdr->tsc_hz);
	rte_tel_data_add_dict_u64(d, "uptime_s",
				  (rte_get_tsc_cycles() - tel_start_tsc) /
					  (c->shm->hdr->tsc_hz != 0 ? c->shm->hdr->tsc_hz : 1));
	tel_leave();
	return 0;
}

/* /chive/lcores */
static int
cmd_lcores(const char *cmd, const char *params, struct rte_tel_data *d)
{
	(void)cmd;
	if (has_params(params))
		return -EINVAL;
	if (!tel_enter())
		return -EAGAIN;
	rte_tel_data_start_array(d, RTE_TEL_INT_VAL);
	for (uint32_t i = 0; i < tel_conf.shm->hdr->n_lcores; i++)
		rte_tel_data_add_array_int(d, (int)ipc_shm_lcore(tel_conf.shm, i)->lcore_id);
	tel_leave();
	return 0;
}

/*
 * Parse "ID" or "ID,FILTER" into @p id and @p filter (NULL: none).
 * Return 0 or -EINVAL.
 */
static int
parse_lcore_params(const char *params, unsigned long *id, const char **filter)
{
	char *end;

	if (!has_params(params) || params[0] < '0' || params[0] > '9')
		return -EINVAL;
	errno = 0;
	*id = strtoul(params, &end, 10);
	if (errno != 0 || (*end != '\0' && *end != ','))
		return -EINVAL;
	*filter = *end == ',' && end[1] != '\0' ? end + 1 : NULL;
	return 0;
}

/* /chive/lcore,ID[,FILTER] */
static int
cmd_lcore(const char *cmd, const char *params, struct rte_tel_data *d)
{
	const struct ipc_shm *shm = tel_conf.shm;
	const struct dp_lcore *lc;
	struct ipc_ctr_block *blk;
	struct ipc_ctr_desc *dir;
	const char *filter;
	unsigned long id;
	uint64_t busy, total, ppm;
	uint32_t n_ctr = 0, used = 0, left = 0;
	size_t bytes = 0;
	char ratio[32];
	int idx;

	(void)cmd;
	if (parse_lcore_params(params, &id, &filter) != 0)
		return -EINVAL;
	if (!tel_enter())
		return -EAGAIN;
	idx = lcore_index(shm, id);
	dir = idx >= 0 ? dir_snapshot(shm, &n_ctr) : NULL;
	if (dir == NULL) {
		tel_leave();
		return idx < 0 ? -EINVAL : -ENOMEM;
	}
	blk = ipc_shm_ctr_block(shm, (uint32_t)idx);
	lc = lcore_ctx(shm, (uint32_t)idx);
	busy = ipc_ctr_get(blk, DP_CTR_lcore_busy_cycles);
	total = ipc_ctr_get(blk, DP_CTR_lcore_total_cycles);
	/* Two relaxed loads, not a snapshot: never report a ratio above 1. */
	busy = RTE_MIN(busy, total);
	ppm = total != 0 ? (uint64_t)((double)busy * 1e6 / (double)total) : 0;
	snprintf(ratio, sizeof(ratio), "%.4f", total != 0 ? (double)busy / (double)total : 0.0);

	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "lcore_id", id);
	rte_tel_data_add_dict_u64(d, "index", (uint64_t)idx);
	rte_tel_data_add_dict_u64(d, "main", id == rte_get_main_lcore());
	rte_tel_data_add_dict_u64(d, "net_queue", lc != NULL && lc->has_port);
	rte_tel_data_add_dict_int(d, "rx_port", lc != NULL && lc->has_port ? lc->rx_port : -1);
	rte_tel_data_add_dict_int(d, "rx_queue", lc != NULL && lc->has_port ? lc->rx_queue : -1);
	rte_tel_data_add_dict_u64(d, "iterations", ipc_ctr_get(blk, DP_CTR_lcore_iterations));
	rte_tel_data_add_dict_u64(d, "busy_cycles", busy);
	rte_tel_data_add_dict_u64(d, "total_cycles", total);
	rte_tel_data_add_dict_u64(d, "busy_ppm", ppm);
	rte_tel_data_add_dict_string(d, "busy_ratio", ratio);
	used = 11;   /* the entries above */
	bytes = 400; /* and a generous bound on their JSON */
	/* Without a filter: the lcore's gauges (channels, circuits, connections open). */
	for (uint32_t i = 0; i < n_ctr; i++) {
		bool want = filter != NULL ? strstr(dir[i].name, filter) != NULL
					   : dir[i].kind == IPC_CTR_KIND_GAUGE;

		if (want && (left != 0 || !dict_add_ctr(d, &used, &bytes, dir[i].name,
							ipc_ctr_get(blk, dir[i].index))))
			left++;
	}
	if (left != 0)
		rte_tel_data_add_dict_u64(d, "truncated", left);
	free(dir);
	tel_leave();
	return 0;
}

/* /chive/counters[,FILTER] */
static int
cmd_counters(const char *cmd, const char *params, struct rte_tel_data *d)
{
	const struct ipc_shm *shm = tel_conf.shm;
	const char *filter = has_params(params) ? params : NULL;
	struct ipc_ctr_desc *dir;
	uint32_t n_ctr = 0, used = 0, left = 0;
	size_t bytes = 0;

	(void)cmd;
	if (!tel_enter())
		return -EAGAIN;
	dir = dir_snapshot(shm, &n_ctr);
	if (dir == NULL) {
		tel_leave();
		return -ENOMEM;
	}
	rte_tel_data_start_dict(d);
	for (uint32_t i = 0; i < n_ctr; i++) {
		uint64_t sum = 0;

		if (filter != NULL && strstr(dir[i].name, filter) == NULL)
			continue;
		if (left != 0) {
			left++;
			continue;
		}
		for (uint32_t k = 0; k < shm->hdr->n_lcores; k++)
			sum += ipc_ctr_get(ipc_shm_ctr_block(shm, k), dir[i].index);
		if (!dict_add_ctr(d, &used, &bytes, dir[i].name, sum))
			left++;
	}
	if (left != 0)
		rte_tel_data_add_dict_u64(d, "truncated", left);
	free(dir);
	tel_leave();
	return 0;
}

/* /chive/port */
static int
cmd_port(const char *cmd, const char *params, struct rte_tel_data *d)
{
	const struct drv_port *p = tel_conf.port;
	struct rte_tel_data *qlc;
	struct drv_port_stats st;
	struct rte_eth_link link;
	char mac[32];

	(void)cmd;
	if (has_params(params))
		return -EINVAL;
	qlc = rte_tel_data_alloc();
	if (qlc == NULL)
		return -ENOMEM;
	if (!tel_enter()) {
		rte_tel_data_free(qlc);
		return -EAGAIN;
	}
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "configured", p != NULL);
	if (p == NULL) {
		rte_tel_data_free(qlc);
		tel_leave();
		return 0;
	}
	rte_tel_data_add_dict_string(d, "name", p->name);
	rte_tel_data_add_dict_string(d, "driver", p->driver);
	rte_tel_data_add_dict_u64(d, "port_id", p->port_id);
	snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", p->mac[0], p->mac[1], p->mac[2],
		 p->mac[3], p->mac[4], p->mac[5]);
	rte_tel_data_add_dict_string(d, "mac", mac);
	rte_tel_data_add_dict_u64(d, "mtu", p->mtu);
	rte_tel_data_add_dict_u64(d, "queues", p->n_queues);
	/* Entry q: the DPDK lcore that polls queue q. */
	rte_tel_data_start_array(qlc, RTE_TEL_INT_VAL);
	for (uint16_t q = 0; q < p->n_queues; q++) {
		int who = -1;

		for (uint32_t i = 0; i < tel_conf.shm->hdr->n_lcores; i++) {
			const struct dp_lcore *lc = lcore_ctx(tel_conf.shm, i);

			if (lc != NULL && lc->has_port && lc->rx_queue == q)
				who = (int)lc->lcore_id;
		}
		rte_tel_data_add_array_int(qlc, who);
	}
	rte_tel_data_add_dict_container(d, "queue_lcores", qlc, 0);
	rte_tel_data_add_dict_u64(d, "rss", p->rss);
	rte_tel_data_add_dict_u64(d, "rss_predictable", p->rss_predictable);
	rte_tel_data_add_dict_u64(d, "tx_ip4_csum", p->tx_ip4_csum);
	rte_tel_data_add_dict_u64(d, "tx_tcp_csum", p->tx_tcp_csum);
	rte_tel_data_add_dict_u64(d, "rx_ip4_csum", p->rx_ip4_csum);
	rte_tel_data_add_dict_u64(d, "rx_tcp_csum", p->rx_tcp_csum);
	/* The link as it is now; not written back into the port (lcores read it). */
	memset(&link, 0, sizeof(link));
	if (rte_eth_link_get_nowait(p->port_id, &link) == 0) {
		rte_tel_data_add_dict_u64(d, "link_up", link.link_status == RTE_ETH_LINK_UP);
		rte_tel_data_add_dict_u64(
			d, "link_speed_mbps",
			link.link_speed == RTE_ETH_SPEED_NUM_UNKNOWN ? 0 : link.link_speed);
	} else {
		rte_tel_data_add_dict_u64(d, "link_up", p->link_up);
		rte_tel_data_add_dict_u64(d, "link_speed_mbps", p->link_speed_mbps);
	}
	if (drv_port_stats(p, &st) == 0) {
		rte_tel_data_add_dict_u64(d, "rx_packets", st.ipackets);
		rte_tel_data_add_dict_u64(d, "tx_packets", st.opackets);
		rte_tel_data_add_dict_u64(d, "rx_bytes", st.ibytes);
		rte_tel_data_add_dict_u64(d, "tx_bytes", st.obytes);
		rte_tel_data_add_dict_u64(d, "rx_missed", st.imissed);
		rte_tel_data_add_dict_u64(d, "rx_errors", st.ierrors);
		rte_tel_data_add_dict_u64(d, "tx_errors", st.oerrors);
		rte_tel_data_add_dict_u64(d, "rx_nombuf", st.rx_nombuf);
	}
	tel_leave();
	return 0;
}

static const struct {
	const char *cmd;
	telemetry_cb fn;
	const char *help;
} tel_cmds[] = {
	{"/chive/info", cmd_info,
	 "Chive dataplane: versions, segment, lcores, networking lcores, port, pid. No parameters"},
	{"/chive/lcores", cmd_lcores, "Chive dataplane: the DPDK lcore ids. No parameters"},
	{"/chive/lcore", cmd_lcore,
	 "Chive lcore: loop counters, busy ratio, queue, gauges. Parameters: lcore id[,name "
	 "filter]"},
	{"/chive/counters", cmd_counters,
	 "Chive counters summed over lcores. Parameters: none, or a name filter (e.g. /dp/tcp/)"},
	{"/chive/port", cmd_port,
	 "Chive network port: MAC, link, MTU, queues, stats. No parameters"},
};

int
dp_telemetry_start(const struct dp_telemetry_conf *c)
{
	if (!tel_registered) {
		for (size_t i = 0; i < RTE_DIM(tel_cmds); i++) {
			int rc = rte_telemetry_register_cmd(tel_cmds[i].cmd, tel_cmds[i].fn,
							    tel_cmds[i].help);

			if (rc != 0) {
				DP_LOG(ERR, main, "cannot register telemetry command %s: %s\n",
				       tel_cmds[i].cmd, strerror(-rc));
				return rc;
			}
		}
		tel_registered = true;
	}
	tel_conf = *c;
	tel_start_tsc = rte_get_tsc_cycles();
	atomic_store(&tel_ready, 1);
	return 0;
}

void
dp_telemetry_stop(void)
{
	const struct timespec poll = {.tv_nsec = TEL_STOP_POLL_US * 1000L};

	atomic_store(&tel_ready, 0);
	for (int i = 0; i < TEL_STOP_POLLS && atomic_load(&tel_inflight) != 0; i++)
		nanosleep(&poll, NULL);
	if (atomic_load(&tel_inflight) != 0)
		DP_LOG(WARNING, main, "a telemetry command is still running at shutdown\n");
}
