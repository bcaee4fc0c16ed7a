/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief chive-controlplane's configuration: config file keywords and command-line options.
 *
 * Every value goes through one function, config_apply(), whether it comes
 * from a file line or from the command line: the file's lines are first
 * checked by conf_validate() (all of the file, the dataplane's keywords
 * too), a command-line option that stands for a keyword by
 * conf_check_value(). The options that predate the file keep their own
 * checks and messages (tests/integration/ rely on them).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "common/conf/conf.h"
#include "common/ipc/ipc_msg.h"
#include "controlplane/config.h"
#include "controlplane/log.h"
#include "controlplane/util.h"

_Static_assert(CP_DIR_AUTH_MAX == CONF_DIRAUTH_MAX, "DirAuthority limits differ");
_Static_assert(CP_DIR_FAMILY_MAX == CONF_FAMILY_MAX, "MyFamily limits differ");
_Static_assert(CP_DIR_NICK_MAX == CONF_NICK_MAX, "nickname limits differ");
_Static_assert(CP_LOG_ERR == CONF_LOG_ERR && CP_LOG_WARN == CONF_LOG_WARN &&
		       CP_LOG_NOTICE == CONF_LOG_NOTICE && CP_LOG_INFO == CONF_LOG_INFO &&
		       CP_LOG_DEBUG == CONF_LOG_DEBUG,
	       "log levels differ");

enum {
	OPT_NICKNAME = 256, OPT_CONTACT, OPT_ADDRESS, OPT_ORPORT, OPT_DIR_AUTHORITY, OPT_PUBLISH,
	OPT_TESTING, OPT_BW_RATE, OPT_BW_BURST, OPT_MY_FAMILY, OPT_METRICS_PORT, OPT_METRICS_POLICY,
};

static const struct option cp_opts[] = {
	{ "shm", required_argument, NULL, 's' },
	{ "socket", required_argument, NULL, 'S' },
	{ "socket-mode", required_argument, NULL, 'm' },
	{ "log-level", required_argument, NULL, 'l' },
	{ "data-dir", required_argument, NULL, 'd' },
	{ "offline-master", no_argument, NULL, 'o' },
	{ "netinfo-addr", required_argument, NULL, 'n' },
	{ "onion-workers", required_argument, NULL, 'w' },
	{ "max-onion-queue-delay", required_argument, NULL, 'D' },
	{ "config", required_argument, NULL, 'f' },
	{ "nickname", required_argument, NULL, OPT_NICKNAME },
	{ "contact", required_argument, NULL, OPT_CONTACT },
	{ "address", required_argument, NULL, OPT_ADDRESS },
	{ "orport", required_argument, NULL, OPT_ORPORT },
	{ "dir-authority", required_argument, NULL, OPT_DIR_AUTHORITY },
	{ "publish", required_argument, NULL, OPT_PUBLISH },
	{ "testing-tor-network", no_argument, NULL, OPT_TESTING },
	{ "bandwidth-rate", required_argument, NULL, OPT_BW_RATE },
	{ "bandwidth-burst", required_argument, NULL, OPT_BW_BURST },
	{ "my-family", required_argument, NULL, OPT_MY_FAMILY },
	{ "metrics-port", required_argument, NULL, OPT_METRICS_PORT },
	{ "metrics-policy", required_argument, NULL, OPT_METRICS_POLICY },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* The command-line options that stand for a config keyword. */
static const struct {
	int opt;
	const char *longname;
	const char *keyword;
} cp_kw_opts[] = {
	{ OPT_NICKNAME, "nickname", "Nickname" },
	{ OPT_CONTACT, "contact", "ContactInfo" },
	{ OPT_ADDRESS, "address", "Address" },
	{ OPT_ORPORT, "orport", "ORPort" },
	{ OPT_DIR_AUTHORITY, "dir-authority", "DirAuthority" },
	{ OPT_PUBLISH, "publish", "PublishServerDescriptor" },
	{ OPT_TESTING, "testing-tor-network", "TestingTorNetwork" },
	{ OPT_BW_RATE, "bandwidth-rate", "RelayBandwidthRate" },
	{ OPT_BW_BURST, "bandwidth-burst", "RelayBandwidthBurst" },
	{ OPT_MY_FAMILY, "my-family", "MyFamily" },
	{ OPT_METRICS_PORT, "metrics-port", "MetricsPort" },
	{ OPT_METRICS_POLICY, "metrics-policy", "MetricsPortPolicy" },
};

static int
cfg_err(char *err, size_t errlen, int rc, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int
cfg_err(char *err, size_t errlen, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return rc;
}

void
cp_config_default(struct cp_config *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->shm_name, sizeof(c->shm_name), "chive");
	snprintf(c->sock_path, sizeof(c->sock_path), "%s", CP_CONFIG_DEFAULT_SOCKET);
	c->sock_mode = 0660;
	c->log_level = CP_LOG_NOTICE;
	c->log_dest = CONF_LOG_DEST_STDERR;
	snprintf(c->data_dir, sizeof(c->data_dir), "%s", CP_CONFIG_DEFAULT_DATA_DIR);
	cp_onionq_conf_default(&c->onionq);
	snprintf(c->dir.nickname, sizeof(c->dir.nickname), "Unnamed");
	c->dir.publish = true;
	c->circ_queue = IPC_CONF_CIRC_QUEUE_DEFAULT;
	c->circ_queue_max = IPC_CONF_CIRC_QUEUE_MAX_DEFAULT;
	c->default_file = CONF_FILE_DEFAULT;
}

void
cp_config_usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s [-f FILE] [options]\n"
		"  -f, --config FILE   read FILE first (torrc-style, see etc/chive.conf.example);\n"
		"                      the options below override it. With no arguments at all,\n"
		"                      " CONF_FILE_DEFAULT " is read\n"
		"  --shm NAME          dataplane segment /dev/shm/NAME (default: chive)\n"
		"  --socket PATH       CLI socket (default: " CP_CONFIG_DEFAULT_SOCKET ")\n"
		"  --socket-mode MODE  octal permissions of the CLI socket (default: 0660)\n"
		"  --log-level LEVEL   err, warn, notice, info or debug (default: notice)\n"
		"  --data-dir DIR      relay keys in DIR/keys, tor's formats (default: "
		CP_CONFIG_DEFAULT_DATA_DIR ")\n"
		"  --offline-master    never load or create the Ed25519 master secret key\n"
		"                      (tor's OfflineMasterKey); a valid signing cert is needed\n"
		"  --netinfo-addr A.B.C.D  IPv4 address advertised in NETINFO cells\n"
		"                      (default: --address, else the dataplane port's address)\n"
		"  --onion-workers N   threads for circuit handshakes (default: one per CPU, >= 2)\n"
		"  --max-onion-queue-delay MS  refuse CREATEs when the onionskin queue would\n"
		"                      take longer than this (tor's MaxOnionQueueDelay; 1750)\n"
		"directory (tor's torrc names in brackets):\n"
		"  --nickname NAME     1-19 letters and digits [Nickname] (default: Unnamed)\n"
		"  --contact TEXT      [ContactInfo]\n"
		"  --address A.B.C.D   address to advertise [Address] (default: the port's)\n"
		"  --orport PORT       [ORPort], the port the dataplane accepts channels on\n"
		"  --dir-authority LINE  [DirAuthority], tor's syntax; repeatable\n"
		"  --publish 0|1       [PublishServerDescriptor] (default: 1)\n"
		"  --testing-tor-network  [TestingTorNetwork 1]\n"
		"  --bandwidth-rate N  [RelayBandwidthRate], bytes/s with tor's units (\"10 MB\")\n"
		"  --bandwidth-burst N [RelayBandwidthBurst]\n"
		"  --my-family LIST    [MyFamily], comma-separated $FINGERPRINTs; repeatable\n"
		"metrics (Prometheus, tor's MetricsPort):\n"
		"  --metrics-port [A.B.C.D:]PORT  serve GET /metrics there [MetricsPort]\n"
		"                      (a port alone: 127.0.0.1; default: no MetricsPort)\n"
		"  --metrics-policy POLICY  [MetricsPortPolicy] \"accept|reject ADDR[/MASK]\", ...;\n"
		"                      repeatable, first match wins, everything else is rejected\n",
		prog);
}

/* Add the members of a MyFamily value, skipping ones already listed. */
static int
add_family(struct cp_dir_conf *d, const char *value, char *err, size_t errlen)
{
	char fam[CONF_FAMILY_MAX][41];
	unsigned n = 0;
	int rc = conf_parse_family(value, fam, CONF_FAMILY_MAX, &n, err, errlen);

	if (rc != 0)
		return rc;
	for (unsigned i = 0; i < n; i++) {
		unsigned j;

		for (j = 0; j < d->n_family && strcmp(d->family[j], fam[i]) != 0; j++)
			;
		if (j < d->n_family)
			continue;
		if (d->n_family == CP_DIR_FAMILY_MAX)
			return cfg_err(err, errlen, -E2BIG, "more than %u family members",
				       CP_DIR_FAMILY_MAX);
		memcpy(d->family[d->n_family++], fam[i], 41);
	}
	return 0;
}

static int
add_dirauth(struct cp_dir_conf *d, const char *value, char *err, size_t errlen)
{
	struct conf_dirauth da;
	struct cp_dir_auth *a;
	int rc = conf_parse_dirauth(value, &da, err, errlen);

	if (rc != 0)
		return rc;
	if (d->n_auth == CP_DIR_AUTH_MAX)
		return cfg_err(err, errlen, -E2BIG, "more than %u directory authorities",
			       CP_DIR_AUTH_MAX);
	a = &d->auth[d->n_auth++];
	memset(a, 0, sizeof(*a));
	snprintf(a->nickname, sizeof(a->nickname), "%s", da.nickname);
	a->ip = da.ip;
	a->dirport = da.dirport;
	a->orport = da.orport;
	memcpy(a->rsa_id, da.rsa_id, sizeof(a->rsa_id));
	memcpy(a->v3ident, da.v3ident, sizeof(a->v3ident));
	a->has_v3ident = da.has_v3ident;
	return 0;
}

static int
copy_str(char *dst, size_t size, const char *src, char *err, size_t errlen)
{
	if (strlen(src) >= size)
		return cfg_err(err, errlen, -EINVAL, "longer than %zu bytes", size - 1);
	memcpy(dst, src, strlen(src) + 1);
	return 0;
}

/*
 * Apply keyword @p opt with @p value, already checked (its checked form in
 * @p v), to @p c. Keywords of the dataplane alone are ignored. On error the
 * reason, without the keyword, is in @p err.
 */
static int
config_apply(struct cp_config *c, const struct conf_opt *opt, const char *value,
	     const struct conf_value *v, char *err, size_t errlen)
{
	const char *k = opt->name;
	struct cp_dir_conf *d = &c->dir;

	if (!(opt->users & CONF_USER_CP))
		return 0;
	if (strcmp(k, "Nickname") == 0)
		return copy_str(d->nickname, sizeof(d->nickname), value, err, errlen);
	if (strcmp(k, "ContactInfo") == 0)
		return copy_str(d->contact, sizeof(d->contact), value, err, errlen);
	if (strcmp(k, "Address") == 0)
		d->address = (uint32_t)v->u;
	else if (strcmp(k, "ORPort") == 0)
		d->orport = (uint16_t)v->u;
	else if (strcmp(k, "DirAuthority") == 0)
		return add_dirauth(d, value, err, errlen);
	else if (strcmp(k, "PublishServerDescriptor") == 0)
		d->publish = v->u != 0;
	else if (strcmp(k, "TestingTorNetwork") == 0)
		d->testing = v->u != 0;
	else if (strcmp(k, "RelayBandwidthRate") == 0)
		d->bw_rate = v->u;
	else if (strcmp(k, "RelayBandwidthBurst") == 0)
		d->bw_burst = v->u;
	else if (strcmp(k, "MyFamily") == 0)
		return add_family(d, value, err, errlen);
	else if (strcmp(k, "FamilyId") == 0) {
		uint8_t id[32];
		int rc = conf_parse_family_id(value, id, err, errlen);
		unsigned j;

		if (rc < 0)
			return rc;
		if (rc == 1) {
			d->family_id_any = true;
			return 0;
		}
		for (j = 0; j < d->n_family_ids && memcmp(d->family_ids[j], id, 32) != 0; j++)
			;
		if (j == d->n_family_ids) {
			if (d->n_family_ids == CP_DIR_FAMILY_ID_MAX)
				return cfg_err(err, errlen, -E2BIG, "more than %u family ids",
					       CP_DIR_FAMILY_ID_MAX);
			memcpy(d->family_ids[d->n_family_ids++], id, 32);
		}
	}
	else if (strcmp(k, "MetricsPort") == 0) {
		c->metrics.addr = (uint32_t)(v->u >> 16);
		c->metrics.port = (uint16_t)v->u;
	} else if (strcmp(k, "MetricsPortPolicy") == 0)
		return conf_parse_policy(value, c->metrics.policy, CONF_POLICY_MAX,
					 &c->metrics.n_policy, err, errlen);
	else if (strcmp(k, "DataDirectory") == 0)
		return copy_str(c->data_dir, sizeof(c->data_dir), value, err, errlen);
	else if (strcmp(k, "CliSocket") == 0)
		return copy_str(c->sock_path, sizeof(c->sock_path), value, err, errlen);
	else if (strcmp(k, "CliSocketMode") == 0)
		c->sock_mode = (unsigned)v->u;
	else if (strcmp(k, "OfflineMasterKey") == 0)
		c->offline_master = v->u != 0;
	else if (strcmp(k, "NumOnionWorkers") == 0)
		c->onionq.workers = (unsigned)v->u;
	else if (strcmp(k, "MaxOnionQueueDelay") == 0)
		c->onionq.max_delay_ms = (unsigned)v->u;
	else if (strcmp(k, "CircuitQueue") == 0)
		c->circ_queue = (uint32_t)v->u;
	else if (strcmp(k, "CircuitQueueMax") == 0)
		c->circ_queue_max = (uint32_t)v->u;
	else if (strcmp(k, "SharedMemoryName") == 0)
		return copy_str(c->shm_name, sizeof(c->shm_name), value, err, errlen);
	else if (strcmp(k, "Log") == 0) {
		struct conf_log lg;
		int rc = conf_parse_log(value, &lg, err, errlen);

		if (rc != 0)
			return rc;
		c->log_level = lg.severity;
		c->log_dest = lg.dest;
		return copy_str(c->log_path, sizeof(c->log_path), lg.path, err, errlen);
	}
	/* ExitRelay (only 0 passes the check) needs nothing; the unsupported never pass. */
	return 0;
}

int
cp_config_load_file(struct cp_config *c, const char *path, char *err, size_t errlen)
{
	struct conf_file f = { 0 };
	uint32_t port_ip = 0;
	char why[512];
	int rc;

	rc = conf_read(&f, path, err, errlen);
	if (rc == 0)
		rc = conf_validate(&f, err, errlen);
	for (size_t i = 0; rc == 0 && i < f.n; i++) {
		const struct conf_entry *e = &f.entries[i];

		rc = config_apply(c, e->opt, e->value, &e->val, why, sizeof(why));
		if (rc != 0)
			cfg_err(err, errlen, rc, "%s:%u: %s: %s", path, e->line, e->opt->name, why);
		/* Address defaults to the dataplane port's own (tor guesses it; we know it). */
		if (rc == 0 && strcmp(e->opt->name, "PortAddress") == 0) {
			char ip[INET_ADDRSTRLEN] = "";
			struct in_addr ia;

			sscanf(e->value, "%15[0-9.]", ip);
			if (inet_pton(AF_INET, ip, &ia) == 1)
				port_ip = ntohl(ia.s_addr);
		}
	}
	if (rc == 0 && c->dir.address == 0)
		c->dir.address = port_ip;
	if (rc == 0)
		snprintf(c->file, sizeof(c->file), "%s", path);
	conf_free(&f);
	return rc;
}

/* Apply the command-line option @p o (one of cp_kw_opts) with @p value. */
static int
apply_kw_opt(struct cp_config *c, int o, const char *value, char *err, size_t errlen)
{
	char why[512];
	struct conf_value v;
	const struct conf_opt *opt = NULL;
	const char *name = "";

	for (size_t i = 0; i < sizeof(cp_kw_opts) / sizeof(cp_kw_opts[0]); i++) {
		if (cp_kw_opts[i].opt == o) {
			opt = conf_opt_find(cp_kw_opts[i].keyword);
			name = cp_kw_opts[i].longname;
		}
	}
	if (opt == NULL)
		return cfg_err(err, errlen, -EINVAL, "--%s: no such keyword", name);
	if (conf_check_value(opt, value, &v, why, sizeof(why)) != 0 ||
	    config_apply(c, opt, value, &v, why, sizeof(why)) != 0)
		return cfg_err(err, errlen, -EINVAL, "--%s: %s", name, why);
	return 0;
}

/* The checks that span keywords, after the file and the command line. */
static int
config_finish(struct cp_config *c, char *err, size_t errlen)
{
	struct cp_dir_conf *d = &c->dir;

	/* tor's relay_config.c: either one alone sets both; the burst is at least the rate. */
	if (d->bw_rate != 0 && d->bw_burst == 0)
		d->bw_burst = d->bw_rate;
	if (d->bw_burst != 0 && d->bw_rate == 0)
		d->bw_rate = d->bw_burst;
	if (d->bw_burst < d->bw_rate)
		return cfg_err(err, errlen, -EINVAL,
			       "RelayBandwidthBurst (%llu bytes) is below RelayBandwidthRate "
			       "(%llu bytes)",
			       (unsigned long long)d->bw_burst, (unsigned long long)d->bw_rate);
	/* As the dataplane checks them (dataplane/config.c). */
	if (c->circ_queue_max <= c->circ_queue)
		return cfg_err(err, errlen, -EINVAL,
			       "CircuitQueueMax (%u) must be above CircuitQueue (%u)",
			       c->circ_queue_max, c->circ_queue);
	return 0;
}

int
cp_config_parse_args(struct cp_config *c, int argc, char **argv, char *err, size_t errlen)
{
	const char *file = NULL;
	bool cli_auth = false, cli_family = false, cli_policy = false;
	unsigned long v;
	struct in_addr ia;
	char *end;
	int opt, rc;

	/* First pass: only -f / --config, so that the file comes first. */
	opterr = 0;
	optind = 0; /* glibc: also resets its internal state */
	while ((opt = getopt_long(argc, argv, ":hf:", cp_opts, NULL)) != -1) {
		if (opt != 'f')
			continue;
		if (file != NULL)
			return cfg_err(err, errlen, CP_CONFIG_USAGE, "-f/--config given twice");
		file = optarg;
	}
	if (file == NULL && argc <= 1)
		file = c->default_file;
	if (file != NULL) {
		rc = cp_config_load_file(c, file, err, errlen);
		if (rc == -ENOENT && argc <= 1) {
			char why[PATH_MAX + 64];

			snprintf(why, sizeof(why), "%s", err);
			return cfg_err(err, errlen, rc,
				       "no arguments, so the default configuration is read: %s "
				       "(use -f FILE or options; --help lists them)",
				       why);
		}
		if (rc != 0)
			return rc;
	}

	optind = 0;
	while ((opt = getopt_long(argc, argv, ":hf:", cp_opts, NULL)) != -1) {
		switch (opt) {
		case 'f':
			break;
		case 's':
			if (!ipc_shm_name_is_valid(optarg))
				return cfg_err(err, errlen, -EINVAL,
					       "invalid --shm name '%s' (1-62 of A-Z a-z 0-9 . _ -)",
					       optarg);
			snprintf(c->shm_name, sizeof(c->shm_name), "%s", optarg);
			break;
		case 'S':
			if (strlen(optarg) >= sizeof(c->sock_path))
				return cfg_err(err, errlen, -EINVAL, "--socket path too long");
			snprintf(c->sock_path, sizeof(c->sock_path), "%s", optarg);
			break;
		case 'm':
			errno = 0;
			v = strtoul(optarg, &end, 8);
			if (errno != 0 || *end != '\0' || v > 0777)
				return cfg_err(err, errlen, -EINVAL, "bad --socket-mode '%s'", optarg);
			c->sock_mode = (unsigned)v;
			break;
		case 'l':
			rc = cp_log_level_parse(optarg);
			if (rc < 0)
				return cfg_err(err, errlen, -EINVAL, "bad --log-level '%s'", optarg);
			c->log_level = rc;
			break;
		case 'd':
			if (optarg[0] == '\0')
				return cfg_err(err, errlen, -EINVAL, "empty --data-dir");
			if (strlen(optarg) >= sizeof(c->data_dir))
				return cfg_err(err, errlen, -EINVAL, "--data-dir too long");
			snprintf(c->data_dir, sizeof(c->data_dir), "%s", optarg);
			break;
		case 'o':
			c->offline_master = true;
			break;
		case 'n':
			if (inet_pton(AF_INET, optarg, &ia) != 1)
				return cfg_err(err, errlen, -EINVAL,
					       "bad --netinfo-addr '%s' (want A.B.C.D)", optarg);
			c->netinfo_addr = ntohl(ia.s_addr);
			break;
		case 'w':
		case 'D':
			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (errno != 0 || *end != '\0' ||
			    (opt == 'w' ? v < 1 || v > CP_ONIONQ_WORKERS_MAX : v > 60000))
				return cfg_err(err, errlen, -EINVAL, "bad --%s '%s'",
					       opt == 'w' ? "onion-workers" : "max-onion-queue-delay",
					       optarg);
			if (opt == 'w')
				c->onionq.workers = (unsigned)v;
			else
				c->onionq.max_delay_ms = (unsigned)v;
			break;
		case OPT_DIR_AUTHORITY:
		case OPT_MY_FAMILY:
			/* The command line's lines replace the file's. */
			if (opt == OPT_DIR_AUTHORITY && !cli_auth) {
				c->dir.n_auth = 0;
				cli_auth = true;
			}
			if (opt == OPT_MY_FAMILY && !cli_family) {
				c->dir.n_family = 0;
				cli_family = true;
			}
			rc = apply_kw_opt(c, opt, optarg, err, errlen);
			if (rc != 0)
				return rc;
			break;
		case OPT_METRICS_POLICY:
			/* The command line's lines replace the file's. */
			if (!cli_policy) {
				c->metrics.n_policy = 0;
				cli_policy = true;
			}
			rc = apply_kw_opt(c, opt, optarg, err, errlen);
			if (rc != 0)
				return rc;
			break;
		case OPT_TESTING:
			rc = apply_kw_opt(c, opt, "1", err, errlen);
			if (rc != 0)
				return rc;
			break;
		case OPT_NICKNAME:
		case OPT_CONTACT:
		case OPT_ADDRESS:
		case OPT_ORPORT:
		case OPT_PUBLISH:
		case OPT_BW_RATE:
		case OPT_BW_BURST:
		case OPT_METRICS_PORT:
			rc = apply_kw_opt(c, opt, optarg, err, errlen);
			if (rc != 0)
				return rc;
			break;
		case 'h':
			return CP_CONFIG_HELP;
		case ':':
			return cfg_err(err, errlen, CP_CONFIG_USAGE, "option '%s' needs a value",
				       argv[optind - 1]);
		default:
			return cfg_err(err, errlen, CP_CONFIG_USAGE, "unknown option '%s'",
				       argv[optind - 1]);
		}
	}
	if (optind != argc)
		return cfg_err(err, errlen, CP_CONFIG_USAGE, "unexpected argument '%s'", argv[optind]);
	return config_finish(c, err, errlen);
}

/* ---- run time: `chivectl config set` and `config get` ---------------------- */

/* The bandwidth rules of a run-time change (tor's relay_config.c, as config_finish()). */
static int
set_bandwidth(struct cp_dir_conf *d, bool is_rate, uint64_t v, char *note, size_t notelen,
	      char *err, size_t errlen)
{
	if (is_rate) {
		/* 0: no limit at all, so the burst goes too; else the burst is at least
		 * the rate. */
		if (v == 0 && d->bw_burst != 0)
			snprintf(note, notelen, "RelayBandwidthBurst set to 0 too (no limit)");
		else if (v != 0 && d->bw_burst < v)
			snprintf(note, notelen, "RelayBandwidthBurst raised to %llu bytes",
				 (unsigned long long)v);
		d->bw_rate = v;
		if (v == 0 || d->bw_burst < v)
			d->bw_burst = v;
		return 0;
	}
	/* 0: the burst is the rate; a burst alone sets the rate too. */
	if (v == 0) {
		d->bw_burst = d->bw_rate;
		if (d->bw_rate != 0)
			snprintf(note, notelen, "RelayBandwidthBurst is the rate, %llu bytes",
				 (unsigned long long)d->bw_rate);
		return 0;
	}
	if (d->bw_rate == 0) {
		d->bw_rate = v;
		snprintf(note, notelen, "RelayBandwidthRate set to %llu bytes too",
			 (unsigned long long)v);
	} else if (v < d->bw_rate) {
		return cfg_err(err, errlen, -EINVAL,
			       "RelayBandwidthBurst (%llu bytes) is below RelayBandwidthRate (%llu "
			       "bytes)",
			       (unsigned long long)v, (unsigned long long)d->bw_rate);
	}
	d->bw_burst = v;
	return 0;
}

/* Log at run time: the severity changes; a new destination needs a restart. */
static int
set_log(struct cp_config *c, const struct conf_opt *opt, const char *value, char *err,
	size_t errlen)
{
	struct conf_log *lg;
	char why[512];
	int sev = conf_log_severity(value), rc = 0;

	/* "info" alone: the severity, where the log goes now. */
	if (sev >= 0) {
		c->log_level = sev;
		return 0;
	}
	lg = cp_xmalloc(sizeof(*lg));
	if (conf_check_value(opt, value, NULL, why, sizeof(why)) != 0 ||
	    conf_parse_log(value, lg, why, sizeof(why)) != 0)
		rc = cfg_err(err, errlen, -EINVAL, "%s: %s", opt->name, why);
	else if (lg->dest != c->log_dest ||
		 (lg->dest == CONF_LOG_DEST_FILE && strcmp(lg->path, c->log_path) != 0))
		rc = cfg_err(err, errlen, -EPERM,
			     "Log: a new destination needs a restart (set it in the config file; "
			     "'config set Log SEVERITY' changes the severity)");
	else
		c->log_level = lg->severity;
	free(lg);
	return rc;
}

int
cp_config_set(struct cp_config *c, const char *key, const char *value,
	      const struct conf_opt **optp, char *note, size_t notelen, char *err, size_t errlen)
{
	const struct conf_opt *opt = conf_opt_find(key);
	struct conf_value v;
	char why[512];

	note[0] = '\0';
	if (opt == NULL)
		return cfg_err(err, errlen, -ENOENT, "unknown option \"%s\"", key);
	*optp = opt;
	if (!(opt->flags & CONF_F_RUNTIME))
		return cfg_err(err, errlen, -EPERM,
			       "%s needs a restart (set it in the config file)", opt->name);
	if (strcmp(opt->name, "Log") == 0)
		return set_log(c, opt, value, err, errlen);
	if (conf_check_value(opt, value, &v, why, sizeof(why)) != 0)
		return cfg_err(err, errlen, -EINVAL, "%s: %s", opt->name, why);
	if (strcmp(opt->name, "RelayBandwidthRate") == 0 ||
	    strcmp(opt->name, "RelayBandwidthBurst") == 0)
		return set_bandwidth(&c->dir, strcmp(opt->name, "RelayBandwidthRate") == 0, v.u,
				     note, notelen, err, errlen);
	/* The pair the dataplane requires (dataplane/config.c): the limit that
	 * destroys a circuit stays above the one that pauses its feeder. */
	if (strcmp(opt->name, "CircuitQueue") == 0 && v.u >= c->circ_queue_max)
		return cfg_err(err, errlen, -EINVAL,
			       "CircuitQueue (%llu) must stay below CircuitQueueMax (%u): raise "
			       "that first",
			       (unsigned long long)v.u, c->circ_queue_max);
	if (strcmp(opt->name, "CircuitQueueMax") == 0 && v.u <= c->circ_queue)
		return cfg_err(err, errlen, -EINVAL,
			       "CircuitQueueMax (%llu) must stay above CircuitQueue (%u): lower "
			       "that first",
			       (unsigned long long)v.u, c->circ_queue);
	/* A value replaces what the file and the command line gave (tor's SETCONF). */
	if (strcmp(opt->name, "MyFamily") == 0)
		c->dir.n_family = 0;
	if (config_apply(c, opt, value, &v, why, sizeof(why)) != 0)
		return cfg_err(err, errlen, -EINVAL, "%s: %s", opt->name, why);
	return 0;
}

void
cp_config_dirauth_line(char *out, size_t len, const struct cp_dir_auth *au)
{
	struct in_addr ia = { .s_addr = htonl(au->ip) };
	char ip[INET_ADDRSTRLEN];
	size_t pos = 0;

	inet_ntop(AF_INET, &ia, ip, sizeof(ip));
	out[0] = '\0';
	if (au->nickname[0] != '\0')
		pos += (size_t)snprintf(out + pos, len - pos, "%s ", au->nickname);
	if (au->orport != 0 && pos < len)
		pos += (size_t)snprintf(out + pos, len - pos, "orport=%u ", au->orport);
	if (au->has_v3ident && pos < len) {
		pos += (size_t)snprintf(out + pos, len - pos, "v3ident=");
		for (int i = 0; i < 20 && pos < len; i++)
			pos += (size_t)snprintf(out + pos, len - pos, "%02X", au->v3ident[i]);
		if (pos < len)
			pos += (size_t)snprintf(out + pos, len - pos, " ");
	}
	if (pos < len)
		pos += (size_t)snprintf(out + pos, len - pos, "%s:%u ", ip, au->dirport);
	for (int i = 0; i < 20 && pos < len; i++)
		pos += (size_t)snprintf(out + pos, len - pos, "%02X", au->rsa_id[i]);
}

static const char *
log_severity_name(int level)
{
	static const char *const names[] = {
		[CP_LOG_ERR] = "err", [CP_LOG_WARN] = "warn", [CP_LOG_NOTICE] = "notice",
		[CP_LOG_INFO] = "info", [CP_LOG_DEBUG] = "debug",
	};

	return level >= CP_LOG_ERR && level <= CP_LOG_DEBUG ? names[level] : "notice";
}

/* One address-policy rule as tor writes it. */
static void
policy_rule_text(char *out, size_t len, const struct conf_policy_rule *r)
{
	struct in_addr ia = { .s_addr = htonl(r->addr) };
	char ip[INET_ADDRSTRLEN];

	switch (r->family) {
	case CONF_POLICY_IPV4:
		inet_ntop(AF_INET, &ia, ip, sizeof(ip));
		if (r->prefix_len == 0)
			snprintf(out, len, "%s *4", r->accept ? "accept" : "reject");
		else
			snprintf(out, len, "%s %s/%u", r->accept ? "accept" : "reject", ip,
				 r->prefix_len);
		break;
	case CONF_POLICY_IPV6:
		snprintf(out, len, "%s *6", r->accept ? "accept6" : "reject6");
		break;
	default:
		snprintf(out, len, "%s *", r->accept ? "accept" : "reject");
		break;
	}
}

/* Call @p fn with the text of one value; return 1. */
static int
one_value(cp_config_value_fn *fn, void *arg, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
one_value(cp_config_value_fn *fn, void *arg, const char *fmt, ...)
{
	char buf[PATH_MAX + 64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fn(arg, buf);
	return 1;
}

static int
ipv4_value(cp_config_value_fn *fn, void *arg, uint32_t host_order)
{
	struct in_addr ia = { .s_addr = htonl(host_order) };
	char ip[INET_ADDRSTRLEN];

	if (host_order == 0)
		return 0;
	inet_ntop(AF_INET, &ia, ip, sizeof(ip));
	return one_value(fn, arg, "%s", ip);
}

int
cp_config_values(const struct cp_config *c, const struct conf_opt *opt, cp_config_value_fn *fn,
		 void *arg)
{
	const struct cp_dir_conf *d = &c->dir;
	const char *k = opt->name;
	char line[256];
	int n = 0;

	if (opt->kind == CONF_KIND_UNSUPPORTED)
		return -ENOTSUP;
	if (!(opt->users & CONF_USER_CP))
		return -ENOENT;
	if (strcmp(k, "Nickname") == 0)
		return one_value(fn, arg, "%s", d->nickname);
	if (strcmp(k, "ContactInfo") == 0)
		return d->contact[0] != '\0' ? one_value(fn, arg, "%s", d->contact) : 0;
	if (strcmp(k, "Address") == 0)
		return ipv4_value(fn, arg, d->address);
	if (strcmp(k, "ORPort") == 0)
		return d->orport != 0 ? one_value(fn, arg, "%u", d->orport) : 0;
	if (strcmp(k, "DirAuthority") == 0) {
		for (unsigned i = 0; i < d->n_auth; i++, n++) {
			cp_config_dirauth_line(line, sizeof(line), &d->auth[i]);
			fn(arg, line);
		}
		return n;
	}
	if (strcmp(k, "PublishServerDescriptor") == 0)
		return one_value(fn, arg, "%d", d->publish ? 1 : 0);
	if (strcmp(k, "TestingTorNetwork") == 0)
		return one_value(fn, arg, "%d", d->testing ? 1 : 0);
	if (strcmp(k, "RelayBandwidthRate") == 0)
		return one_value(fn, arg, "%llu bytes", (unsigned long long)d->bw_rate);
	if (strcmp(k, "RelayBandwidthBurst") == 0)
		return one_value(fn, arg, "%llu bytes", (unsigned long long)d->bw_burst);
	if (strcmp(k, "MyFamily") == 0) {
		for (unsigned i = 0; i < d->n_family; i++)
			n += one_value(fn, arg, "$%s", d->family[i]);
		return n;
	}
	if (strcmp(k, "ExitRelay") == 0)
		return one_value(fn, arg, "0");
	if (strcmp(k, "FamilyId") == 0) {
		if (d->family_id_any)
			n += one_value(fn, arg, "*");
		for (unsigned i = 0; i < d->n_family_ids; i++) {
			EVP_EncodeBlock((unsigned char *)line, d->family_ids[i], 32);
			line[43] = '\0'; /* unpadded, as tor --keygen-family prints it */
			n += one_value(fn, arg, "%s", line);
		}
		return n;
	}
	if (strcmp(k, "MetricsPort") == 0) {
		if (c->metrics.port == 0)
			return 0;
		return one_value(fn, arg, "%u.%u.%u.%u:%u", c->metrics.addr >> 24,
				 (c->metrics.addr >> 16) & 0xff, (c->metrics.addr >> 8) & 0xff,
				 c->metrics.addr & 0xff, c->metrics.port);
	}
	if (strcmp(k, "MetricsPortPolicy") == 0) {
		for (unsigned i = 0; i < c->metrics.n_policy; i++, n++) {
			policy_rule_text(line, sizeof(line), &c->metrics.policy[i]);
			fn(arg, line);
		}
		return n;
	}
	if (strcmp(k, "DataDirectory") == 0)
		return one_value(fn, arg, "%s", c->data_dir);
	if (strcmp(k, "Log") == 0) {
		if (c->log_dest == CONF_LOG_DEST_FILE)
			return one_value(fn, arg, "%s file %s", log_severity_name(c->log_level),
					 c->log_path);
		return one_value(fn, arg, "%s %s", log_severity_name(c->log_level),
				 c->log_dest == CONF_LOG_DEST_STDOUT ? "stdout" : "stderr");
	}
	if (strcmp(k, "CliSocket") == 0)
		return one_value(fn, arg, "%s", c->sock_path);
	if (strcmp(k, "CliSocketMode") == 0)
		return one_value(fn, arg, "%04o", c->sock_mode);
	if (strcmp(k, "OfflineMasterKey") == 0)
		return one_value(fn, arg, "%d", c->offline_master ? 1 : 0);
	if (strcmp(k, "NumOnionWorkers") == 0)
		return one_value(fn, arg, "%u", c->onionq.workers);
	if (strcmp(k, "MaxOnionQueueDelay") == 0)
		return one_value(fn, arg, "%u msec", c->onionq.max_delay_ms);
	if (strcmp(k, "CircuitQueue") == 0)
		return one_value(fn, arg, "%u", c->circ_queue);
	if (strcmp(k, "CircuitQueueMax") == 0)
		return one_value(fn, arg, "%u", c->circ_queue_max);
	if (strcmp(k, "SharedMemoryName") == 0)
		return one_value(fn, arg, "%s", c->shm_name);
	return -ENOENT;
}
