/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Parsing of chive-dataplane's options.
 *
 * Numbers are checked for range and trailing garbage; addresses are dotted
 * quads. The configuration file (chive-dataplane -f FILE) maps onto these
 * same options: dp_config_load() turns each dataplane keyword into its long
 * option and parses it here alone, so a file and a command line can never
 * disagree on what a value means (common/conf/conf_schema.c has the same
 * ranges, checked against these by tests/dataplane/test_config.c).
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/conf/conf.h"
#include "dataplane/config.h"

enum {
	OPT_SHM = 256, OPT_PORT, OPT_IP, OPT_GW, OPT_MTU, OPT_MBUFS, OPT_MAX_CONNS, OPT_SNDBUF,
	OPT_RCVBUF, OPT_CC, OPT_SYN_BACKLOG, OPT_ECHO, OPT_DISCARD, OPT_CHARGEN, OPT_CLIENT,
	OPT_FAULT_RX, OPT_FAULT_TX, OPT_TLS_ECHO, OPT_TLS_CLIENT, OPT_TLS_MAX_CONNS, OPT_TLS_HS_BUDGET,
	OPT_TLS_HS_TIMEOUT, OPT_ORPORT, OPT_CHAN_MAX, OPT_CHAN_MAX_HS, OPT_CHAN_HS_TIMEOUT,
	OPT_CIRC_MAX, OPT_CIRC_CELLS, OPT_CIRC_QUEUE, OPT_CIRC_QUEUE_MAX, OPT_CIRC_TIMEOUT,
	OPT_EXTEND_PRIVATE, OPT_QUEUES, OPT_BW_RATE, OPT_BW_BURST, OPT_HELP,
};

static const struct option cfg_opts[] = {
	{ "shm", required_argument, NULL, OPT_SHM },
	{ "port", required_argument, NULL, OPT_PORT },
	{ "ip", required_argument, NULL, OPT_IP },
	{ "gw", required_argument, NULL, OPT_GW },
	{ "mtu", required_argument, NULL, OPT_MTU },
	{ "mbufs", required_argument, NULL, OPT_MBUFS },
	{ "max-conns", required_argument, NULL, OPT_MAX_CONNS },
	{ "sndbuf", required_argument, NULL, OPT_SNDBUF },
	{ "rcvbuf", required_argument, NULL, OPT_RCVBUF },
	{ "cc", required_argument, NULL, OPT_CC },
	{ "syn-backlog", required_argument, NULL, OPT_SYN_BACKLOG },
	{ "echo", required_argument, NULL, OPT_ECHO },
	{ "discard", required_argument, NULL, OPT_DISCARD },
	{ "chargen", required_argument, NULL, OPT_CHARGEN },
	{ "client", required_argument, NULL, OPT_CLIENT },
	{ "fault-rx", required_argument, NULL, OPT_FAULT_RX },
	{ "fault-tx", required_argument, NULL, OPT_FAULT_TX },
	{ "tls-echo", required_argument, NULL, OPT_TLS_ECHO },
	{ "tls-client", required_argument, NULL, OPT_TLS_CLIENT },
	{ "tls-max-conns", required_argument, NULL, OPT_TLS_MAX_CONNS },
	{ "tls-hs-budget", required_argument, NULL, OPT_TLS_HS_BUDGET },
	{ "tls-hs-timeout", required_argument, NULL, OPT_TLS_HS_TIMEOUT },
	{ "orport", required_argument, NULL, OPT_ORPORT },
	{ "chan-max", required_argument, NULL, OPT_CHAN_MAX },
	{ "chan-max-hs", required_argument, NULL, OPT_CHAN_MAX_HS },
	{ "chan-hs-timeout", required_argument, NULL, OPT_CHAN_HS_TIMEOUT },
	{ "circ-max", required_argument, NULL, OPT_CIRC_MAX },
	{ "circ-cells", required_argument, NULL, OPT_CIRC_CELLS },
	{ "circ-queue", required_argument, NULL, OPT_CIRC_QUEUE },
	{ "circ-queue-max", required_argument, NULL, OPT_CIRC_QUEUE_MAX },
	{ "circ-timeout", required_argument, NULL, OPT_CIRC_TIMEOUT },
	{ "extend-private", no_argument, NULL, OPT_EXTEND_PRIVATE },
	{ "queues", required_argument, NULL, OPT_QUEUES },
	{ "bandwidth-rate", required_argument, NULL, OPT_BW_RATE },
	{ "bandwidth-burst", required_argument, NULL, OPT_BW_BURST },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

void
dp_config_default(struct dp_config *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->shm_name, sizeof(c->shm_name), "chive");
	c->mtu = 1500;
	c->mbufs = 65535;
	dp_tcp_conf_default(&c->tcp);
	dp_tls_conf_default(&c->tls);
	dp_chan_conf_default(&c->chan);
	dp_circ_conf_default(&c->circ);
	c->queues = 1;
}

void
dp_config_usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s [EAL options] -- [options]\n"
		"       %s -f FILE [EAL options] [-- options]\n"
		"  -f, --config FILE     read FILE (torrc-style, see etc/chive.conf.example): it\n"
		"                        gives the EAL options and these; the options after --\n"
		"                        override it. With no arguments at all,\n"
		"                        " CONF_FILE_DEFAULT " is read\n"
		"  --shm NAME            shared segment /dev/shm/NAME (default chive)\n"
		"  --port ETHDEV         ethdev to serve, e.g. net_tap0 (EAL --vdev creates it)\n"
		"  --ip A.B.C.D/LEN      our IPv4 address and prefix (required with --port)\n"
		"  --gw A.B.C.D          default gateway\n"
		"  --mtu N               IP MTU (576-9000, default 1500)\n"
		"  --mbufs N             mbuf pool size (default 65535)\n"
		"  --max-conns N         TCP connections per lcore (default 4096)\n"
		"  --sndbuf N --rcvbuf N TCP buffers per connection, bytes (default 262144)\n"
		"  --syn-backlog N       half-open connections per port before SYN cookies (256)\n"
		"  --cc cubic|newreno    congestion control (default cubic)\n"
		"  --echo PORT --discard PORT --chargen PORT   diagnostic services (RFC 862-864)\n"
		"  --client A.B.C.D:PORT:CONNS:BYTES   open CONNS connections, send BYTES of the\n"
		"                        chargen pattern on each, check what comes back\n"
		"  --fault-rx SPEC --fault-tx SPEC      e.g. seed=1,drop=1%%,reorder=1%%,delay=1ms\n"
		"  --tls-echo PORT       TLS echo service (throwaway RSA-2048 certificate)\n"
		"  --tls-client A.B.C.D:PORT:CONNS:BYTES   as --client, over TLS: send BYTES,\n"
		"                        read them back, check them, close_notify\n"
		"  --tls-max-conns N     TLS connections per lcore (default 4096)\n"
		"  --tls-hs-budget N     TLS handshake steps per loop iteration (default 4)\n"
		"  --tls-hs-timeout MS   TLS handshake timeout (default 30000)\n"
		"  --orport PORT         accept Tor channels on PORT (link credentials come\n"
		"                        from chive-controlplane)\n"
		"  --chan-max N          channels per lcore (default 4096)\n"
		"  --chan-max-hs N       concurrent link handshakes per lcore (default 256)\n"
		"  --chan-hs-timeout MS  link handshake timeout, TCP connect to open (default 30000)\n"
		"  --circ-max N          circuits per lcore (default 16384)\n"
		"  --circ-cells N        queued cells per lcore, 514 B each (default 32768)\n"
		"  --circ-queue N        cells per circuit and direction before the feeding\n"
		"                        channel stops being read (default 128)\n"
		"  --circ-queue-max N    cells per circuit and direction before the circuit\n"
		"                        is destroyed (default 512; above --circ-queue)\n"
		"  --circ-timeout MS     wait for a handshake answer or CREATED2 (default 60000)\n"
		"  --extend-private      allow EXTEND2 to private addresses (test networks)\n"
		"  --queues N            network queues on the port, one per lcore, the first N\n"
		"                        lcores (default 1; the port must offer N, e.g. af_packet\n"
		"                        qpairs=N)\n"
		"  --bandwidth-rate B    relay traffic limit, bytes/s over all lcores, read and\n"
		"                        written separately (tor's RelayBandwidthRate; 0 = none)\n"
		"  --bandwidth-burst B   the token buckets' depth, bytes (default: the rate)\n",
		prog, prog);
}

static int
cfg_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static bool
parse_u64(const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (*s == '\0' || *s == '-')
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

/* Parse a dotted quad into host order; stops at @p stop characters. */
static bool
parse_ip(const char *s, uint32_t *out, const char **rest)
{
	uint32_t ip = 0;

	for (int i = 0; i < 4; i++) {
		unsigned int v = 0, digits = 0;

		while (*s >= '0' && *s <= '9' && digits < 3) {
			v = v * 10 + (unsigned int)(*s++ - '0');
			digits++;
		}
		if (digits == 0 || v > 255 || (i < 3 && *s++ != '.'))
			return false;
		ip = ip << 8 | v;
	}
	*out = ip;
	*rest = s;
	return true;
}

static int
parse_port_opt(const char *name, const char *v, uint16_t *out, char *err, size_t errlen)
{
	uint64_t p;

	if (!parse_u64(v, 1, 65535, &p))
		return cfg_err(err, errlen, "--%s: '%s' is not a port number (1-65535)", name, v);
	*out = (uint16_t)p;
	return 0;
}

/* Parse A.B.C.D:PORT:CONNS:BYTES (--client, --tls-client). */
static bool
parse_client_spec(const char *v, uint32_t *ip, uint16_t *port, uint16_t *conns, uint64_t *bytes)
{
	char buf[128], *p1, *p2, *p3;
	uint64_t p, n, b;
	const char *rest;

	snprintf(buf, sizeof(buf), "%s", v);
	p1 = strchr(buf, ':');
	p2 = p1 != NULL ? strchr(p1 + 1, ':') : NULL;
	p3 = p2 != NULL ? strchr(p2 + 1, ':') : NULL;
	if (p3 == NULL)
		return false;
	*p1 = *p2 = *p3 = '\0';
	if (!parse_ip(buf, ip, &rest) || *rest != '\0' || !parse_u64(p1 + 1, 1, 65535, &p) ||
	    !parse_u64(p2 + 1, 1, 65535, &n) || !parse_u64(p3 + 1, 0, UINT64_MAX, &b))
		return false;
	*port = (uint16_t)p;
	*conns = (uint16_t)n;
	*bytes = b;
	return true;
}

int
dp_config_parse_opts(struct dp_config *c, int argc, char **argv, char *err, size_t errlen)
{
	int opt, rc = 0;
	uint64_t v;
	const char *rest;

	optind = 0; /* glibc: a full reset, so that it can be called again */
	opterr = 0;
	while (rc == 0 && (opt = getopt_long(argc, argv, "", cfg_opts, NULL)) != -1) {
		switch (opt) {
		case OPT_SHM:
			if (!ipc_shm_name_is_valid(optarg))
				rc = cfg_err(err, errlen, "--shm: invalid name '%s'", optarg);
			else
				snprintf(c->shm_name, sizeof(c->shm_name), "%s", optarg);
			break;
		case OPT_PORT:
			if (strlen(optarg) == 0 || strlen(optarg) >= sizeof(c->port))
				rc = cfg_err(err, errlen, "--port: bad ethdev name '%s'", optarg);
			else
				snprintf(c->port, sizeof(c->port), "%s", optarg);
			break;
		case OPT_IP:
			if (!parse_ip(optarg, &c->ip, &rest) || *rest != '/' ||
			    !parse_u64(rest + 1, 1, 32, &v) || c->ip == 0)
				rc = cfg_err(err, errlen, "--ip: '%s' is not A.B.C.D/LEN", optarg);
			else
				c->netmask = v == 32 ? UINT32_MAX : ~(UINT32_MAX >> v);
			break;
		case OPT_GW:
			if (!parse_ip(optarg, &c->gateway, &rest) || *rest != '\0')
				rc = cfg_err(err, errlen, "--gw: '%s' is not an IPv4 address", optarg);
			break;
		case OPT_MTU:
			if (!parse_u64(optarg, 576, 9000, &v))
				rc = cfg_err(err, errlen, "--mtu: '%s' is not in 576-9000", optarg);
			else
				c->mtu = (uint16_t)v;
			break;
		case OPT_MBUFS:
			if (!parse_u64(optarg, 1023, 16u << 20, &v))
				rc = cfg_err(err, errlen, "--mbufs: '%s' is not in 1023-16777216", optarg);
			else
				c->mbufs = (uint32_t)v;
			break;
		case OPT_MAX_CONNS:
			if (!parse_u64(optarg, 1, 1u << 20, &v))
				rc = cfg_err(err, errlen, "--max-conns: '%s' is not in 1-1048576", optarg);
			else
				c->tcp.max_conns = (uint32_t)v;
			break;
		case OPT_SNDBUF:
		case OPT_RCVBUF:
			if (!parse_u64(optarg, 4096, 1u << 30, &v))
				rc = cfg_err(err, errlen, "--%s: '%s' is not in 4096-1073741824",
					     opt == OPT_SNDBUF ? "sndbuf" : "rcvbuf", optarg);
			else if (opt == OPT_SNDBUF)
				c->tcp.sndbuf = (uint32_t)v;
			else
				c->tcp.rcvbuf = (uint32_t)v;
			break;
		case OPT_SYN_BACKLOG:
			if (!parse_u64(optarg, 1, 1u << 20, &v))
				rc = cfg_err(err, errlen, "--syn-backlog: '%s' is not in 1-1048576", optarg);
			else
				c->tcp.syn_backlog = (uint32_t)v;
			break;
		case OPT_CC: {
			int a = dp_tcp_cc_algo_from_name(optarg);

			if (a < 0)
				rc = cfg_err(err, errlen, "--cc: unknown algorithm '%s' (cubic, newreno)",
					     optarg);
			else
				c->tcp.cc_algo = (uint8_t)a;
			break;
		}
		case OPT_ECHO:
			rc = parse_port_opt("echo", optarg, &c->diag.echo_port, err, errlen);
			break;
		case OPT_DISCARD:
			rc = parse_port_opt("discard", optarg, &c->diag.discard_port, err, errlen);
			break;
		case OPT_CHARGEN:
			rc = parse_port_opt("chargen", optarg, &c->diag.chargen_port, err, errlen);
			break;
		case OPT_CLIENT:
			if (!parse_client_spec(optarg, &c->diag.client_ip, &c->diag.client_port,
					       &c->diag.client_conns, &c->diag.client_bytes))
				rc = cfg_err(err, errlen, "--client: '%s' is not A.B.C.D:PORT:CONNS:BYTES",
					     optarg);
			break;
		case OPT_TLS_ECHO:
			rc = parse_port_opt("tls-echo", optarg, &c->diag.tls_echo_port, err, errlen);
			break;
		case OPT_TLS_CLIENT:
			if (!parse_client_spec(optarg, &c->diag.tls_client_ip, &c->diag.tls_client_port,
					       &c->diag.tls_client_conns, &c->diag.tls_client_bytes))
				rc = cfg_err(err, errlen,
					     "--tls-client: '%s' is not A.B.C.D:PORT:CONNS:BYTES", optarg);
			break;
		case OPT_TLS_MAX_CONNS:
			if (!parse_u64(optarg, 1, DP_TLS_MAX_CONNS, &v))
				rc = cfg_err(err, errlen, "--tls-max-conns: '%s' is not in 1-%u", optarg,
					     DP_TLS_MAX_CONNS);
			else
				c->tls.max_conns = (uint32_t)v;
			break;
		case OPT_TLS_HS_BUDGET:
			if (!parse_u64(optarg, 1, 4096, &v))
				rc = cfg_err(err, errlen, "--tls-hs-budget: '%s' is not in 1-4096", optarg);
			else
				c->tls.hs_budget = (uint32_t)v;
			break;
		case OPT_TLS_HS_TIMEOUT:
			if (!parse_u64(optarg, 1, 3600000, &v))
				rc = cfg_err(err, errlen, "--tls-hs-timeout: '%s' is not in 1-3600000 ms",
					     optarg);
			else
				c->tls.hs_timeout_us = (uint32_t)v * 1000u;
			break;
		case OPT_ORPORT:
			rc = parse_port_opt("orport", optarg, &c->chan.orport, err, errlen);
			break;
		case OPT_CHAN_MAX:
			if (!parse_u64(optarg, 1, DP_CHAN_MAX, &v))
				rc = cfg_err(err, errlen, "--chan-max: '%s' is not in 1-%u", optarg,
					     DP_CHAN_MAX);
			else
				c->chan.max_chans = (uint32_t)v;
			break;
		case OPT_CHAN_MAX_HS:
			if (!parse_u64(optarg, 1, DP_CHAN_MAX, &v))
				rc = cfg_err(err, errlen, "--chan-max-hs: '%s' is not in 1-%u", optarg,
					     DP_CHAN_MAX);
			else
				c->chan.max_hs = (uint32_t)v;
			break;
		case OPT_CHAN_HS_TIMEOUT:
			if (!parse_u64(optarg, 1, 3600000, &v))
				rc = cfg_err(err, errlen, "--chan-hs-timeout: '%s' is not in 1-3600000 ms",
					     optarg);
			else
				c->chan.hs_timeout_us = (uint32_t)v * 1000u;
			break;
		case OPT_CIRC_MAX:
			if (!parse_u64(optarg, 1, DP_CIRC_MAX, &v))
				rc = cfg_err(err, errlen, "--circ-max: '%s' is not in 1-%u", optarg,
					     DP_CIRC_MAX);
			else
				c->circ.max_circs = (uint32_t)v;
			break;
		case OPT_CIRC_CELLS:
			if (!parse_u64(optarg, 64, 1u << 24, &v))
				rc = cfg_err(err, errlen, "--circ-cells: '%s' is not in 64-%u", optarg,
					     1u << 24);
			else
				c->circ.max_cells = (uint32_t)v;
			break;
		case OPT_CIRC_QUEUE:
		case OPT_CIRC_QUEUE_MAX:
			if (!parse_u64(optarg, 1, 1u << 20, &v))
				rc = cfg_err(err, errlen, "--%s: '%s' is not in 1-%u",
					     opt == OPT_CIRC_QUEUE ? "circ-queue" : "circ-queue-max",
					     optarg, 1u << 20);
			else if (opt == OPT_CIRC_QUEUE)
				c->circ.queue_hiwat = (uint32_t)v;
			else
				c->circ.queue_max = (uint32_t)v;
			break;
		case OPT_CIRC_TIMEOUT:
			if (!parse_u64(optarg, 1, 3600000, &v))
				rc = cfg_err(err, errlen, "--circ-timeout: '%s' is not in 1-3600000 ms",
					     optarg);
			else
				c->circ.pending_timeout_us = (uint32_t)v * 1000u;
			break;
		case OPT_EXTEND_PRIVATE:
			c->circ.extend_private = 1;
			break;
		case OPT_BW_RATE:
		case OPT_BW_BURST:
			/* tor's RelayBandwidthRate/Burst: 0 = no limit, else 75 KBytes/s to 2 GB. */
			if (!parse_u64(optarg, 0, INT32_MAX, &v) || (v != 0 && v < 76800))
				rc = cfg_err(err, errlen,
					     "--%s: '%s' is not 0 or 76800-2147483647 bytes/s",
					     opt == OPT_BW_RATE ? "bandwidth-rate" : "bandwidth-burst",
					     optarg);
			else if (opt == OPT_BW_RATE)
				c->chan.bw_rate = v;
			else
				c->chan.bw_burst = v;
			break;
		case OPT_QUEUES:
			if (!parse_u64(optarg, 1, DP_NET_MAX_QUEUES, &v))
				rc = cfg_err(err, errlen, "--queues: '%s' is not in 1-%u", optarg,
					     DP_NET_MAX_QUEUES);
			else
				c->queues = (uint32_t)v;
			break;
		case OPT_FAULT_RX:
		case OPT_FAULT_TX: {
			char ferr[160];
			struct drv_fault_conf *fc = opt == OPT_FAULT_RX ? &c->fault_rx : &c->fault_tx;

			if (drv_fault_conf_parse(optarg, fc, ferr, sizeof(ferr)) != 0)
				rc = cfg_err(err, errlen, "--%s: %s",
					     opt == OPT_FAULT_RX ? "fault-rx" : "fault-tx", ferr);
			else if (opt == OPT_FAULT_RX)
				c->fault_rx_on = true;
			else
				c->fault_tx_on = true;
			break;
		}
		case OPT_HELP:
			return 1;
		default:
			rc = cfg_err(err, errlen, "unknown or incomplete option '%s'", argv[optind - 1]);
			break;
		}
	}
	if (rc == 0 && optind < argc)
		rc = cfg_err(err, errlen, "unexpected argument '%s'", argv[optind]);
	return rc;
}

/*
 * The configuration-file keywords that map onto a long option. The EAL
 * keywords and TestingTorNetwork are handled by dp_config_load() itself;
 * DPDKPort also sets --port.
 */
static const struct {
	const char *keyword;
	const char *longopt;
} dp_conf_map[] = {
	{ "SharedMemoryName", "shm" },
	{ "DPDKPort", "port" },
	{ "PortAddress", "ip" },
	{ "Gateway", "gw" },
	{ "MTU", "mtu" },
	{ "Queues", "queues" },
	{ "Mbufs", "mbufs" },
	{ "ORPort", "orport" },
	{ "MaxConnections", "max-conns" },
	{ "TCPSendBuffer", "sndbuf" },
	{ "TCPReceiveBuffer", "rcvbuf" },
	{ "SynBacklog", "syn-backlog" },
	{ "CongestionControl", "cc" },
	{ "TLSMaxConnections", "tls-max-conns" },
	{ "TLSHandshakeBudget", "tls-hs-budget" },
	{ "TLSHandshakeTimeout", "tls-hs-timeout" },
	{ "MaxChannels", "chan-max" },
	{ "MaxChannelHandshakes", "chan-max-hs" },
	{ "ChannelHandshakeTimeout", "chan-hs-timeout" },
	{ "MaxCircuits", "circ-max" },
	{ "CircuitCells", "circ-cells" },
	{ "CircuitQueue", "circ-queue" },
	{ "CircuitQueueMax", "circ-queue-max" },
	{ "CircuitTimeout", "circ-timeout" },
	{ "ExtendAllowPrivateAddresses", "extend-private" },
	{ "RelayBandwidthRate", "bandwidth-rate" },
	{ "RelayBandwidthBurst", "bandwidth-burst" },
};

const char *
dp_config_longopt(const char *keyword)
{
	for (size_t i = 0; i < sizeof(dp_conf_map) / sizeof(dp_conf_map[0]); i++)
		if (strcmp(dp_conf_map[i].keyword, keyword) == 0)
			return dp_conf_map[i].longopt;
	return NULL;
}

/* The name of option @p longopt as the operator wrote it: --LONGOPT, or the file's keyword. */
static const char *
optname(bool file, const char *longopt, char *buf, size_t len)
{
	for (size_t i = 0; file && i < sizeof(dp_conf_map) / sizeof(dp_conf_map[0]); i++)
		if (strcmp(dp_conf_map[i].longopt, longopt) == 0)
			return dp_conf_map[i].keyword;
	snprintf(buf, len, "--%s", longopt);
	return buf;
}

int
dp_config_check(const struct dp_config *c, bool file_names, char *err, size_t errlen)
{
	char a[32], b[32];

	if (c->port[0] != '\0' && c->ip == 0)
		return cfg_err(err, errlen, "%s needs %s A.B.C.D/LEN",
			       optname(file_names, "port", a, sizeof(a)),
			       optname(file_names, "ip", b, sizeof(b)));
	if (c->port[0] == '\0' &&
	    (c->diag.echo_port || c->diag.discard_port || c->diag.chargen_port || c->diag.client_ip ||
	     c->diag.tls_echo_port || c->diag.tls_client_ip))
		return cfg_err(err, errlen, "diagnostic services need %s",
			       optname(file_names, "port", a, sizeof(a)));
	if (c->circ.queue_max <= c->circ.queue_hiwat)
		return cfg_err(err, errlen, "%s (%u) must exceed %s (%u)",
			       optname(file_names, "circ-queue-max", a, sizeof(a)), c->circ.queue_max,
			       optname(file_names, "circ-queue", b, sizeof(b)), c->circ.queue_hiwat);
	if (c->chan.max_hs > c->chan.max_chans)
		return cfg_err(err, errlen, "%s (%u) exceeds %s (%u)",
			       optname(file_names, "chan-max-hs", a, sizeof(a)), c->chan.max_hs,
			       optname(file_names, "chan-max", b, sizeof(b)), c->chan.max_chans);
	if (c->port[0] == '\0' && c->chan.orport != 0)
		return cfg_err(err, errlen, "%s needs %s", optname(file_names, "orport", a, sizeof(a)),
			       optname(file_names, "port", b, sizeof(b)));
	return 0;
}

int
dp_config_parse(struct dp_config *c, int argc, char **argv, char *err, size_t errlen)
{
	int rc = dp_config_parse_opts(c, argc, argv, err, errlen);

	return rc != 0 ? rc : dp_config_check(c, false, err, errlen);
}

int
dp_config_apply(struct dp_config *c, const char *longopt, const char *value, char *err,
		size_t errlen)
{
	char opt[64], val[CONF_LINE_MAX + 1];
	char *argv[4] = { (char *)(uintptr_t)"chive-dataplane", opt, val, NULL };

	snprintf(opt, sizeof(opt), "--%s", longopt);
	if (value != NULL && strlen(value) >= sizeof(val))
		return cfg_err(err, errlen, "--%s: value too long", longopt);
	snprintf(val, sizeof(val), "%s", value != NULL ? value : "");
	if (value == NULL)
		argv[2] = NULL;
	return dp_config_parse_opts(c, value != NULL ? 3 : 2, argv, err, errlen);
}

void
dp_config_eal_default(struct dp_config_eal *eal)
{
	memset(eal, 0, sizeof(*eal));
	eal->hugepages = -1;
}

int
dp_config_load(struct dp_config *c, struct dp_config_eal *eal, const struct conf_file *f,
	       char *err, size_t errlen)
{
	int testing = 0, extend = -1;
	char why[CONF_LINE_MAX + 64];

	if (!f->validated)
		return cfg_err(err, errlen, "%s: not validated", f->path);
	for (size_t i = 0; i < f->n; i++) {
		const struct conf_entry *e = &f->entries[i];
		const struct conf_opt *o = e->opt;
		const char *k = o->name, *lo, *value = e->value;
		struct conf_dpdk_port dp; /* value may point into it */
		char num[32];
		int rc = 0;

		if (!conf_entry_is_for(e, CONF_USER_DP))
			continue;
		if (strcmp(k, "Lcores") == 0) {
			snprintf(eal->lcores, sizeof(eal->lcores), "%s", e->value);
			continue;
		} else if (strcmp(k, "HugePages") == 0) {
			/* choices: "0", "1", "auto" */
			eal->hugepages = e->val.u == 2 ? -1 : (int)e->val.u;
			continue;
		} else if (strcmp(k, "Memory") == 0) {
			eal->memory_mb = (uint32_t)e->val.u;
			continue;
		} else if (strcmp(k, "DPDKLogLevel") == 0) {
			snprintf(eal->log_level, sizeof(eal->log_level), "%s",
				 o->choices[e->val.u]);
			continue;
		} else if (strcmp(k, "TestingTorNetwork") == 0) {
			testing = (int)e->val.u;
			continue;
		} else if (strcmp(k, "ExtendAllowPrivateAddresses") == 0) {
			extend = (int)e->val.u;
			continue;
		} else if (strcmp(k, "DPDKPort") == 0) {
			if (conf_parse_dpdk_port(e->value, &dp, why, sizeof(why)) != 0)
				return cfg_err(err, errlen, "%s:%u: %s: %s", f->path, e->line, k, why);
			snprintf(eal->port_spec, sizeof(eal->port_spec), "%s", e->value);
			eal->port_is_pci = dp.is_pci;
			value = dp.name;
		}
		lo = dp_config_longopt(k);
		if (lo == NULL)
			return cfg_err(err, errlen, "%s:%u: %s is not a dataplane option", f->path,
				       e->line, k);
		switch (o->kind) {
		case CONF_KIND_UINT:
		case CONF_KIND_PORT:
		case CONF_KIND_MEMUNIT:
		case CONF_KIND_MSEC:
			snprintf(num, sizeof(num), "%llu", (unsigned long long)e->val.u);
			value = num;
			break;
		case CONF_KIND_ENUM:
			value = o->choices[e->val.u];
			break;
		default:
			break;
		}
		rc = dp_config_apply(c, lo, value, why, sizeof(why));
		if (rc != 0)
			return cfg_err(err, errlen, "%s:%u: %s: %s", f->path, e->line, k, why);
	}
	/* tor: TestingTorNetwork implies ExtendAllowPrivateAddresses unless that is set. */
	c->circ.extend_private = (extend >= 0 ? extend : testing) != 0;
	return 0;
}
