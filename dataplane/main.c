/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief chive-dataplane: EAL start-up, the shared segment, lcore launch, clean shutdown.
 *
 * Usage: chive-dataplane [EAL options] -- [options]
 *        chive-dataplane -f FILE [EAL options] [-- options]
 *        chive-dataplane                      (reads /etc/chive/chive.conf)
 *
 * With a configuration file (common/conf/conf.h) everything is read and
 * checked before EAL starts: the file gives the EAL options (Lcores → -l,
 * Memory → -m, HugePages 0 → --no-huge, DPDKPort → -a PCI or --vdev=SPEC,
 * and --no-pci unless the port is a PCI device, DPDKLogLevel →
 * --log-level) and the application's (dataplane/config.c dp_config_load());
 * EAL options on the command line come after the file's, and the options
 * after "--" override the file's.
 *
 * Start-up: EAL init; create the shared segment (one ring set and counter
 * block per enabled lcore); publish the counter directory; bind one
 * struct dp_lcore per lcore; mark the segment READY; run dp_lcore_run() on
 * every lcore, the main one included.
 *
 * Shutdown on SIGINT or SIGTERM: the handler only sets a flag; every lcore
 * leaves its loop; the segment is marked STOPPING and unlinked; EAL is
 * cleaned up; and the per-instance DPDK runtime directory is removed, so
 * nothing is left in /dev/shm, /dev/hugepages or /var/run/dpdk.
 *
 * EAL defaults added when the operator did not choose: a per-instance
 * --file-prefix (chive-NAME); --no-huge (and -m1024) when no hugepage is
 * free; and either --in-memory (with hugepages: no hugepage files or shared
 * config on disk) or --no-shconf (without).
 * Chive uses its own segment, not DPDK multi-process, so it needs neither.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_random.h>
#include <rte_ring.h>

#include "common/conf/conf.h"
#include "common/ipc/ipc_shm.h"
#include "dataplane/base/dp_ctr.h"
#include "dataplane/base/dp_eal.h"
#include "dataplane/base/dp_log.h"
#include "dataplane/config.h"
#include "dataplane/cell/chan.h"
#include "dataplane/cell/circ.h"
#include "dataplane/diag/diag.h"
#include "dataplane/lcore.h"
#include "dataplane/net/net.h"
#include "dataplane/net/tcp.h"
#include "dataplane/telemetry.h"
#include "dataplane/tls/tls.h"
#include "drivers/fault.h"
#include "drivers/port.h"

#define DP_EAL_ARGS_MAX 128

static atomic_int dp_stop;
static struct dp_lcore dp_lcores[RTE_MAX_LCORE] __rte_cache_aligned;
static struct dp_lcore *dp_lcore_by_id[RTE_MAX_LCORE];

static void
dp_on_signal(int sig)
{
	(void)sig;
	atomic_store(&dp_stop, 1);
}

static int
dp_lcore_main(void *arg)
{
	struct dp_lcore *lc = dp_lcore_by_id[rte_lcore_id()];

	(void)arg;
	return lc != NULL ? dp_lcore_run(lc) : 0;
}

/* Free hugepages of every size (from /proc/meminfo), or 0 if it cannot be read. */
static unsigned long
hugepages_free(void)
{
	char line[128];
	unsigned long n = 0;
	FILE *f = fopen("/proc/meminfo", "r");

	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "HugePages_Free: %lu", &n) == 1)
			break;
	fclose(f);
	return n;
}

/* True if EAL option @p opt is among @p v[0 .. n). */
static bool
argv_has(int n, char **v, const char *opt)
{
	size_t len = strlen(opt);

	for (int i = 0; i < n; i++)
		if (strncmp(v[i], opt, len) == 0 && (v[i][len] == '\0' || v[i][len] == '='))
			return true;
	return false;
}

/* EAL arguments made from a configuration file; their strings live here. */
struct file_eal {
	char *argv[16];
	int argc;
	char mem[32];
	char vdev[CONF_LINE_MAX + 16];
	char log_level[32];
	bool huge_required; /* HugePages 1: never fall back to --no-huge */
};

/*
 * Read, check and apply the configuration file @p path (before EAL starts),
 * then the application options @p app[1 .. n_app) over it, and make the EAL
 * arguments in @p fe. Return -1 on success; otherwise say why on stderr and
 * return the exit status (2; 0 for --help in @p app).
 */
static int
load_file(const char *path, bool is_default, int n_app, char **app, struct dp_config *cfg,
	  struct file_eal *fe, const char *prog)
{
	static struct dp_config_eal eal;
	struct conf_file f = { 0 };
	char err[CONF_LINE_MAX + 256];
	int rc;

	rc = conf_read(&f, path, err, sizeof(err));
	if (rc != 0) {
		if (is_default)
			fprintf(stderr,
				"chive-dataplane: no arguments, so the default configuration is "
				"read: %s (use -f FILE, or [EAL options] -- [options]; --help)\n",
				err);
		else
			fprintf(stderr, "chive-dataplane: %s\n", err);
		conf_free(&f);
		return 2;
	}
	dp_config_default(cfg);
	dp_config_eal_default(&eal);
	rc = conf_validate(&f, err, sizeof(err));
	if (rc == 0)
		rc = dp_config_load(cfg, &eal, &f, err, sizeof(err));
	conf_free(&f);
	if (rc != 0) {
		fprintf(stderr, "chive-dataplane: %s\n", err);
		return 2;
	}
	app[0] = (char *)(uintptr_t)prog;
	rc = dp_config_parse_opts(cfg, n_app, app, err, sizeof(err));
	if (rc != 0) {
		if (rc < 0)
			fprintf(stderr, "chive-dataplane: %s\n", err);
		dp_config_usage(prog);
		return rc > 0 ? 0 : 2;
	}
	if (dp_config_check(cfg, true, err, sizeof(err)) != 0) {
		fprintf(stderr, "chive-dataplane: %s: %s\n", path, err);
		return 2;
	}

	fe->argc = 0;
	if (eal.lcores[0] != '\0') {
		fe->argv[fe->argc++] = (char *)(uintptr_t)"-l";
		fe->argv[fe->argc++] = eal.lcores;
	}
	if (eal.memory_mb != 0) {
		snprintf(fe->mem, sizeof(fe->mem), "-m%u", eal.memory_mb);
		fe->argv[fe->argc++] = fe->mem;
	}
	if (eal.hugepages == 0)
		fe->argv[fe->argc++] = (char *)(uintptr_t)"--no-huge";
	fe->huge_required = eal.hugepages == 1;
	if (eal.port_spec[0] != '\0' && eal.port_is_pci) {
		fe->argv[fe->argc++] = (char *)(uintptr_t)"-a";
		fe->argv[fe->argc++] = eal.port_spec;
	} else {
		/* Chive serves one port: without a PCI one, scan no PCI bus. */
		fe->argv[fe->argc++] = (char *)(uintptr_t)"--no-pci";
		if (eal.port_spec[0] != '\0') {
			snprintf(fe->vdev, sizeof(fe->vdev), "--vdev=%s", eal.port_spec);
			fe->argv[fe->argc++] = fe->vdev;
		}
	}
	if (eal.log_level[0] != '\0') {
		snprintf(fe->log_level, sizeof(fe->log_level), "--log-level=%s", eal.log_level);
		fe->argv[fe->argc++] = fe->log_level;
	}
	return -1;
}

/* Find the value of --shm among the application options (after "--"). */
static const char *
app_shm_name(int argc, char **argv)
{
	bool app = false;

	for (int i = 1; i < argc; i++) {
		if (!app) {
			app = strcmp(argv[i], "--") == 0;
			continue;
		}
		if (strcmp(argv[i], "--shm") == 0 && i + 1 < argc)
			return argv[i + 1];
		if (strncmp(argv[i], "--shm=", 6) == 0)
			return argv[i] + 6;
	}
	return "chive";
}

/* What net_setup() created, for net_teardown(). */
struct net_setup {
	struct rte_mempool *pool;
	struct drv_port *port;
	uint32_t n;                                   /* networking lcores */
	struct dp_lcore *lc[DP_NET_MAX_QUEUES];
	struct drv_fault *rx_fault[DP_NET_MAX_QUEUES], *tx_fault[DP_NET_MAX_QUEUES];
	struct rte_ring *ring[DP_NET_MAX_QUEUES][DP_NET_MAX_QUEUES]; /* [from][to] steering */
};

/*
 * The layers above the port on networking lcore @p i: interface, TCP, TLS
 * (with a throwaway certificate when the TLS echo service runs; the relay's
 * comes from the control plane), channels, circuits, diagnostic services,
 * fault injection.
 */
static int
net_setup_lcore(struct net_setup *ns, const struct dp_config *c, uint32_t i,
		const uint8_t tcp_key[16], char *err, size_t errlen)
{
	struct dp_lcore *lc = ns->lc[i];
	struct rte_ether_addr mac;
	int rc;

	memcpy(mac.addr_bytes, ns->port->mac, sizeof(mac.addr_bytes));
	dp_net_init(lc, ns->port->port_id, (uint16_t)i, &mac, c->ip, c->netmask, c->gateway,
		    ns->pool);
	lc->net.mtu = ns->port->mtu;
	lc->net.port = ns->port;
	lc->net.tx_csum_ip = ns->port->tx_ip4_csum;
	lc->net.tx_csum_tcp = ns->port->tx_tcp_csum;
	lc->net.rx_csum = ns->port->rx_tcp_csum && ns->port->rx_ip4_csum;
	lc->net.tcp_input = dp_tcp_input;
	lc->has_port = 1;
	lc->rx_port = ns->port->port_id;
	lc->rx_queue = (uint16_t)i;
	rc = dp_tcp_create(lc, &c->tcp, tcp_key);
	if (rc != 0) {
		snprintf(err, errlen, "TCP: %s", strerror(-rc));
		return rc;
	}
	if (ns->port->rss_predictable) {
		dp_tcp_set_rss(lc, drv_rss_sym_key, DRV_RSS_KEY_LEN, ns->port->reta.queue,
			       ns->port->reta.size, (uint16_t)i);
	} else if (ns->n > 1) {
		/* The NIC's hash is unknown: steer in software (net_types.h). */
		lc->net.steer_n = (uint8_t)ns->n;
		lc->net.steer_idx = (uint8_t)i;
		for (uint32_t q = 0; q < ns->n; q++) {
			lc->net.steer_out[q] = q != i ? ns->ring[i][q] : NULL;
			lc->net.steer_in[q] = q != i ? ns->ring[q][i] : NULL;
		}
	}
	rc = dp_tls_create(lc, &c->tls);
	if (rc == 0 && c->diag.tls_echo_port != 0) {
		struct dp_tls_cert_blobs b;

		rc = dp_tls_cert_generate(&b);
		if (rc == 0)
			rc = dp_tls_set_cert(lc, b.key_der, b.key_len, b.cert_der, b.cert_len,
					     b.idcert_der, b.idcert_len);
		dp_tls_cert_blobs_free(&b);
	}
	if (rc != 0) {
		snprintf(err, errlen, "TLS: %s", strerror(-rc));
		return rc;
	}
	if (c->fault_rx_on || c->fault_tx_on) {
		ns->rx_fault[i] = rte_zmalloc("fault_rx", sizeof(*ns->rx_fault[i]), RTE_CACHE_LINE_SIZE);
		ns->tx_fault[i] = rte_zmalloc("fault_tx", sizeof(*ns->tx_fault[i]), RTE_CACHE_LINE_SIZE);
		if (ns->rx_fault[i] == NULL || ns->tx_fault[i] == NULL ||
		    drv_fault_init(ns->rx_fault[i], &c->fault_rx, ns->pool) != 0 ||
		    drv_fault_init(ns->tx_fault[i], &c->fault_tx, ns->pool) != 0) {
			snprintf(err, errlen, "cannot set up fault injection");
			return -EINVAL;
		}
		lc->rx_fault = ns->rx_fault[i];
		lc->net.tx_fault = ns->tx_fault[i];
	}
	{
		/* Every networking lcore gets its share of RelayBandwidthRate. */
		struct dp_chan_conf cc = c->chan;

		cc.bw_lanes = (uint16_t)c->queues;
		rc = dp_chan_create(lc, &cc);
	}
	if (rc != 0) {
		snprintf(err, errlen, "channels: %s", strerror(-rc));
		return rc;
	}
	rc = dp_circ_create(lc, &c->circ);
	if (rc != 0) {
		snprintf(err, errlen, "circuits: %s", strerror(-rc));
		return rc;
	}
	rc = dp_diag_start(lc, &c->diag);
	if (rc == 0)
		rc = dp_diag_tls_start(lc, &c->diag);
	if (rc != 0) {
		snprintf(err, errlen, "diagnostic services: %s", strerror(-rc));
		return rc;
	}
	return 0;
}

/*
 * Bring up the network on the first c->queues lcores of @p lcs: mbuf pool,
 * port with one RX/TX queue pair per networking lcore, the steering rings
 * between them (when the port's RSS cannot be predicted), each lcore's
 * layers, a gratuitous ARP.
 */
static int
net_setup(struct net_setup *ns, const struct dp_config *c, struct dp_lcore *const *lcs,
	  uint32_t n_lcores, char *err, size_t errlen)
{
	struct drv_port_conf pc = { .n_queues = (uint16_t)c->queues, .mtu = c->mtu };
	uint8_t key[16];
	int rc = 0;

	if (c->queues > n_lcores || c->queues > DP_NET_MAX_QUEUES) {
		snprintf(err, errlen, "--queues %u needs as many lcores (have %u)", c->queues,
			 n_lcores);
		return -EINVAL;
	}
	ns->n = c->queues;
	for (uint32_t i = 0; i < ns->n; i++)
		ns->lc[i] = lcs[i];
	ns->pool = rte_pktmbuf_pool_create("dp_pool", c->mbufs, 256, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
					   (int)rte_socket_id());
	if (ns->pool == NULL) {
		snprintf(err, errlen, "cannot create a pool of %u mbufs: %s", c->mbufs,
			 rte_strerror(rte_errno));
		return -ENOMEM;
	}
	rc = drv_port_open(c->port, &pc, ns->pool, &ns->port, err, errlen);
	if (rc != 0)
		return rc;
	if (!ns->port->rss_predictable && ns->n > 1) {
		for (uint32_t f = 0; f < ns->n; f++) {
			for (uint32_t t = 0; t < ns->n; t++) {
				char name[RTE_RING_NAMESIZE];

				if (f == t)
					continue;
				snprintf(name, sizeof(name), "dp_steer_%hhu_%hhu", (unsigned char)f, (unsigned char)t);
				ns->ring[f][t] = rte_ring_create(name, 1024, (int)rte_socket_id(),
								 RING_F_SP_ENQ | RING_F_SC_DEQ);
				if (ns->ring[f][t] == NULL) {
					snprintf(err, errlen, "cannot create steering ring %s", name);
					return -ENOMEM;
				}
			}
		}
	}
	for (size_t i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)rte_rand();
	for (uint32_t i = 0; i < ns->n && rc == 0; i++)
		rc = net_setup_lcore(ns, c, i, key, err, errlen);
	memset(key, 0, sizeof(key));
	if (rc != 0)
		return rc;
	/* Circuits may span the networking lcores (cell/circ.h). */
	rc = dp_circ_group_link(ns->lc, ns->n);
	if (rc != 0) {
		snprintf(err, errlen, "cross-lcore circuit rings: %s", strerror(-rc));
		return rc;
	}
	dp_arp_announce(ns->lc[0]);
	DP_LOG(NOTICE, main, "port %s (%s): %u.%u.%u.%u, MTU %u, %u queue%s (%s)\n", c->port,
	       ns->port->driver, c->ip >> 24, (c->ip >> 16) & 255, (c->ip >> 8) & 255, c->ip & 255,
	       ns->port->mtu, ns->n, ns->n == 1 ? "" : "s",
	       ns->n == 1 ? "one lcore" : ns->port->rss_predictable ? "RSS" : "software steering");
	return 0;
}

static void
net_teardown(struct net_setup *ns)
{
	for (uint32_t i = 0; i < ns->n; i++) {
		struct dp_lcore *lc = ns->lc[i];

		if (lc == NULL)
			continue;
		dp_diag_stop(lc);
		dp_diag_tls_stop(lc);
		dp_circ_destroy(lc);
		dp_chan_destroy(lc);
		dp_tls_destroy(lc);
		dp_tcp_destroy(lc);
		dp_net_tx_flush(lc);
		lc->has_port = 0;
		lc->net.port = NULL;
		drv_fault_fini(ns->rx_fault[i]);
		drv_fault_fini(ns->tx_fault[i]);
		rte_free(ns->rx_fault[i]);
		rte_free(ns->tx_fault[i]);
	}
	for (uint32_t f = 0; f < DP_NET_MAX_QUEUES; f++) {
		for (uint32_t t = 0; t < DP_NET_MAX_QUEUES; t++) {
			struct rte_mbuf *m = NULL; /* gcc 12's -Wmaybe-uninitialized, inlined into main() */

			if (ns->ring[f][t] == NULL)
				continue;
			while (rte_ring_dequeue(ns->ring[f][t], (void **)&m) == 0)
				rte_pktmbuf_free(m);
			rte_ring_free(ns->ring[f][t]);
		}
	}
	drv_port_close(ns->port);
	rte_mempool_free(ns->pool);
	memset(ns, 0, sizeof(*ns));
}

int
main(int argc, char **argv)
{
	static char prefix_arg[IPC_SHM_NAME_MAX + 32];
	static struct file_eal fe;
	char *eal_argv[DP_EAL_ARGS_MAX], *user[DP_EAL_ARGS_MAX], *app[DP_EAL_ARGS_MAX];
	char runtime_dir[PATH_MAX] = "";
	char err[256];
	struct ipc_seg_geom geom;
	struct ipc_shm shm;
	const char *shm_name, *conf_path = NULL;
	int eal_argc = 0, n_user = 0, n_app = 1, n, rc, idx = 1;
	bool no_huge_auto = false;
	uint32_t lcore_id, i;
	static struct dp_config cfg;
	struct net_setup ns;

	if (argc + 16 >= DP_EAL_ARGS_MAX) {
		fprintf(stderr, "chive-dataplane: too many arguments\n");
		return 2;
	}
	/* -f FILE / --config FILE first, or no arguments at all: a configuration file. */
	if (argc == 1) {
		conf_path = CONF_FILE_DEFAULT;
	} else if (strcmp(argv[1], "-f") == 0 || strcmp(argv[1], "--config") == 0) {
		if (argc < 3) {
			fprintf(stderr, "chive-dataplane: %s needs a FILE\n", argv[1]);
			dp_config_usage(argv[0]);
			return 2;
		}
		conf_path = argv[2];
		idx = 3;
	} else if (strncmp(argv[1], "--config=", 9) == 0) {
		conf_path = argv[1] + 9;
		idx = 2;
	}
	if (conf_path != NULL) {
		int a = idx;

		while (a < argc && strcmp(argv[a], "--") != 0)
			a++;
		for (int k = a + 1; k < argc; k++)
			app[n_app++] = argv[k];
		app[n_app] = NULL;
		rc = load_file(conf_path, argc == 1, n_app, app, &cfg, &fe, argv[0]);
		if (rc >= 0)
			return rc;
		for (int k = 0; k < fe.argc; k++)
			user[n_user++] = fe.argv[k];
		shm_name = cfg.shm_name;
	} else {
		shm_name = app_shm_name(argc, argv);
		if (!ipc_shm_name_is_valid(shm_name)) {
			fprintf(stderr,
				"chive-dataplane: invalid --shm name '%s' (1-62 of A-Z a-z 0-9 . _ -)\n",
				shm_name);
			return 2;
		}
	}
	/* The operator's EAL options (the command line's after the file's), then our defaults. */
	for (; idx < argc && strcmp(argv[idx], "--") != 0; idx++)
		user[n_user++] = argv[idx];
	eal_argv[eal_argc++] = argv[0];
	for (int k = 0; k < n_user; k++)
		eal_argv[eal_argc++] = user[k];
	if (!argv_has(n_user, user, "--file-prefix")) {
		snprintf(prefix_arg, sizeof(prefix_arg), "--file-prefix=chive-%s", shm_name);
		eal_argv[eal_argc++] = prefix_arg;
	}
	/* No hugepage reserved and none asked for: run from ordinary memory. */
	if (!fe.huge_required && !argv_has(n_user, user, "--no-huge") &&
	    !argv_has(n_user, user, "--in-memory") && hugepages_free() == 0) {
		eal_argv[eal_argc++] = (char *)(uintptr_t)"--no-huge";
		no_huge_auto = true;
		if (!argv_has(n_user, user, "-m") && !argv_has(n_user, user, "--socket-mem"))
			eal_argv[eal_argc++] = (char *)(uintptr_t)"-m1024";
	}
	if (no_huge_auto || argv_has(n_user, user, "--no-huge")) {
		if (!argv_has(n_user, user, "--no-shconf"))
			eal_argv[eal_argc++] = (char *)(uintptr_t)"--no-shconf";
	} else if (!argv_has(n_user, user, "--in-memory")) {
		eal_argv[eal_argc++] = (char *)(uintptr_t)"--in-memory";
	}
	/* Without a file, "--" and the application's options go through EAL. */
	if (conf_path == NULL)
		for (; idx < argc; idx++)
			eal_argv[eal_argc++] = argv[idx];
	eal_argv[eal_argc] = NULL;

	n = rte_eal_init(eal_argc, eal_argv);
	if (n < 0) {
		fprintf(stderr, "chive-dataplane: EAL initialisation failed: %s\n",
			rte_strerror(rte_errno));
		return 1;
	}
	snprintf(runtime_dir, sizeof(runtime_dir), "%s", rte_eal_get_runtime_dir());

	/* Application options: what follows EAL's (with a file, already read). */
	if (conf_path == NULL) {
		eal_argc -= n;
		eal_argv[n] = argv[0];
		dp_config_default(&cfg);
		rc = dp_config_parse(&cfg, eal_argc, eal_argv + n, err, sizeof(err));
		if (rc != 0) {
			if (rc < 0)
				fprintf(stderr, "chive-dataplane: %s\n", err);
			dp_config_usage(argv[0]);
			rc = rc > 0 ? 0 : 2;
			goto out_eal;
		}
	} else if (n != eal_argc - 1) {
		fprintf(stderr, "chive-dataplane: unexpected argument '%s' among the EAL options\n",
			eal_argv[n + 1]);
		rc = 2;
		goto out_eal;
	}

	signal(SIGINT, dp_on_signal);
	signal(SIGTERM, dp_on_signal);

	ipc_seg_geom_default(&geom, rte_lcore_count());
	i = 0;
	RTE_LCORE_FOREACH(lcore_id)
		geom.lcore_ids[i++] = lcore_id;
	rc = ipc_shm_create(shm_name, &geom, (uint32_t)getpid(), &shm, err, sizeof(err));
	if (rc != 0) {
		DP_LOG(ERR, main, "cannot create shared segment: %s\n", err);
		rc = 1;
		goto out_eal;
	}
	shm.hdr->tsc_hz = rte_get_tsc_hz();
	rc = dp_ctr_publish(ipc_shm_ctr_dir(&shm));
	if (rc != 0) {
		DP_LOG(ERR, main, "cannot publish counters: %s\n", strerror(-rc));
		rc = 1;
		goto out_shm;
	}
	for (i = 0; i < geom.n_lcores; i++) {
		struct dp_lcore *lc = &dp_lcores[geom.lcore_ids[i]];

		if (dp_lcore_init(lc, &shm, i, &dp_stop, rte_get_tsc_hz()) != 0) {
			DP_LOG(ERR, main, "cannot bind lcore %u to the segment\n", geom.lcore_ids[i]);
			rc = 1;
			goto out_shm;
		}
		dp_lcore_by_id[geom.lcore_ids[i]] = lc;
	}
	memset(&ns, 0, sizeof(ns));
	if (cfg.port[0] != '\0') {
		struct dp_lcore *lcs[DP_NET_MAX_QUEUES];

		for (i = 0; i < geom.n_lcores && i < DP_NET_MAX_QUEUES; i++)
			lcs[i] = dp_lcore_by_id[geom.lcore_ids[i]];
		rc = net_setup(&ns, &cfg, lcs, geom.n_lcores, err, sizeof(err));
		if (rc != 0) {
			DP_LOG(ERR, main, "%s\n", err);
			rc = 1;
			goto out_net;
		}
	}
	ipc_shm_publish(&shm);
	/* The /chive/ commands on EAL's telemetry socket (dataplane/telemetry.h); not fatal. */
	if (dp_telemetry_start(&(struct dp_telemetry_conf){ .shm = &shm, .lcore_by_id = dp_lcore_by_id,
							     .port = ns.port, .n_net = ns.n }) != 0)
		DP_LOG(WARNING, main, "telemetry commands unavailable\n");
	DP_LOG(NOTICE, main, "ready: %u lcores, segment /dev/shm/%s (ABI %u)\n", geom.n_lcores,
	       shm_name, IPC_ABI_VERSION);

	rte_eal_mp_remote_launch(dp_lcore_main, NULL, CALL_MAIN);
	rte_eal_mp_wait_lcore();
	dp_telemetry_stop(); /* before the port and the segment go */
	DP_LOG(NOTICE, main, "stopping\n");
	rc = 0;

out_net:
	net_teardown(&ns);
out_shm:
	ipc_shm_close(&shm);
out_eal:
	rte_eal_cleanup();
	if (runtime_dir[0] != '\0')
		dp_eal_remove_runtime_dir(runtime_dir);
	return rc;
}
