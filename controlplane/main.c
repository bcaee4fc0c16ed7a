/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief chive-controlplane: attach to the dataplane's segment and serve the CLI.
 *
 * Usage: chive-controlplane [-f FILE] [--shm NAME] [--socket PATH] [--socket-mode MODE]
 *                           [--log-level LEVEL] [--data-dir DIR] [--offline-master]
 *                           [--netinfo-addr A.B.C.D] [--metrics-port [A.B.C.D:]PORT]
 *                           [--metrics-policy POLICY] [directory options]
 *
 * The configuration (controlplane/config.c) comes from the torrc-style file
 * of -f FILE, or /etc/chive/chive.conf when there are no arguments at all,
 * with the command line over it.
 *
 * The controlplane is an ordinary process (no DPDK). At start it loads the
 * relay keys from DIR/keys (creating what is missing, tor's formats) and
 * makes the first link credentials; it refuses to start if either fails.
 * It may start before or after the dataplane: it keeps trying to attach,
 * detaches when the dataplane stops, and re-attaches to the next one,
 * installing the link credentials on every lcore each time. It may also be
 * restarted while the dataplane runs. With a MetricsPort it also serves
 * Prometheus scrapes (controlplane/metrics/); it refuses to start if that
 * port cannot be bound. SIGINT/SIGTERM stop it cleanly and remove its socket.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "controlplane/cli/cli_sock.h"
#include "controlplane/config.h"
#include "controlplane/cp.h"
#include "controlplane/keys/keys.h"
#include "controlplane/link/link.h"
#include "controlplane/link/linkcreds.h"
#include "controlplane/log.h"
#include "controlplane/loop.h"
#include "controlplane/metrics/metrics.h"
#include "controlplane/util.h"

/* Load or create the relay keys; on failure say why on stderr. */
static int
load_keys(struct cp_ctx *cp, const char *data_dir, bool offline_master)
{
	struct cp_keys_options opt;
	char err[1024];
	int rc;

	cp_keys_options_default(&opt);
	opt.offline_master = offline_master;
	opt.make_signing_cert = cp_linkcreds_make_signing_cert;
	rc = cp_keys_load_or_create(data_dir, &opt, time(NULL), &cp->keys, err, sizeof(err));
	if (rc != 0) {
		fprintf(stderr, "chive-controlplane: cannot load the relay keys from %s: %s\n",
			data_dir, err);
		return rc;
	}
	cp->next_keys_check = time(NULL) + CP_LOOP_KEYS_CHECK_S;
	CP_LOG(NOTICE, keys, "relay identity %s, ed25519 %s%s", cp_keys_rsa_fingerprint(cp->keys),
	       cp_keys_ed25519_id_base64(cp->keys),
	       cp_keys_has_master_secret(cp->keys) ? "" : " (master key offline)");
	return 0;
}

/* Send the log where the configuration says; on failure say why on stderr. */
static int
open_log(const struct cp_config *c, FILE **opened)
{
	FILE *f;

	*opened = NULL;
	cp_log_set_level(c->log_level);
	switch (c->log_dest) {
	case CONF_LOG_DEST_STDERR:
		break;
	case CONF_LOG_DEST_STDOUT:
		setvbuf(stdout, NULL, _IOLBF, 0);
		cp_log_set_output(stdout);
		break;
	case CONF_LOG_DEST_FILE:
		f = fopen(c->log_path, "ae");
		if (f == NULL) {
			fprintf(stderr, "chive-controlplane: cannot open the log file %s: %s\n",
				c->log_path, strerror(errno));
			return -1;
		}
		setvbuf(f, NULL, _IOLBF, 0);
		cp_log_set_output(f);
		*opened = f;
		break;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	static struct cp_ctx cp;
	static struct cp_config cfg;
	char err[PATH_MAX + 512];
	uint32_t netinfo_addr;
	FILE *log_file;
	int rc;

	cp_config_default(&cfg);
	rc = cp_config_parse_args(&cfg, argc, argv, err, sizeof(err));
	if (rc == CP_CONFIG_HELP) {
		cp_config_usage(argv[0]);
		return 0;
	}
	if (rc != 0) {
		fprintf(stderr, "chive-controlplane: %s\n", err);
		if (rc == CP_CONFIG_USAGE)
			cp_config_usage(argv[0]);
		return 2;
	}
	if (open_log(&cfg, &log_file) != 0)
		return 1;
	cp_dplink_init(&cp.dp);
	snprintf(cp.shm_name, sizeof(cp.shm_name), "%s", cfg.shm_name);
	/* NETINFO carries our address: --netinfo-addr, else Address, else the port's. */
	netinfo_addr = cfg.netinfo_addr != 0 ? cfg.netinfo_addr : cfg.dir.address;
	if (cfg.file[0] != '\0')
		CP_LOG(INFO, main, "configuration read from %s", cfg.file);
	cp.start_ns = cp_now_ns();
	cp.conf = &cfg;
	if (load_keys(&cp, cfg.data_dir, cfg.offline_master) != 0)
		return 1;
	cp_link_init(&cp.link, &cp.dp, cp.keys, netinfo_addr);
	rc = cp_link_start(&cp.link, time(NULL), err, sizeof(err));
	if (rc != 0) {
		fprintf(stderr, "chive-controlplane: cannot make the link credentials: %s\n", err);
		cp_keys_destroy(cp.keys);
		return 1;
	}
	rc = cp_circ_init(&cp.circ, &cp.dp, cp.keys, &cfg.onionq, err, sizeof(err));
	if (rc != 0) {
		fprintf(stderr, "chive-controlplane: %s\n", err);
		cp_link_fini(&cp.link);
		cp_keys_destroy(cp.keys);
		return 1;
	}
	cp_link_set_other(&cp.link, cp_circ_on_cell, &cp.circ);
	rc = cp_dir_init(&cp.dir, &cfg.dir, cp.keys, cfg.data_dir, time(NULL), err, sizeof(err));
	if (rc != 0) {
		fprintf(stderr, "chive-controlplane: %s\n", err);
		cp_circ_fini(&cp.circ);
		cp_link_fini(&cp.link);
		cp_keys_destroy(cp.keys);
		return 1;
	}
	if (cp.dir.enabled)
		CP_LOG(NOTICE, dir, "%s will publish its descriptor (ORPort %u) to %u authorities",
		       cp.dir.conf.nickname, cfg.dir.orport, cfg.dir.n_auth);
	rc = cp_loop_init(&cp);
	if (rc != 0) {
		CP_LOG(ERR, main, "cannot set up the event loop: %s", strerror(-rc));
		cp_circ_fini(&cp.circ);
		cp_link_fini(&cp.link);
		cp_keys_destroy(cp.keys);
		return 1;
	}
	if (cfg.metrics.port != 0) {
		cp.metrics = cp_metrics_server_open(&cp, &cfg.metrics, err, sizeof(err));
		if (cp.metrics == NULL) {
			CP_LOG(ERR, metrics, "%s", err);
			cp_loop_fini();
			cp_circ_fini(&cp.circ);
			cp_link_fini(&cp.link);
			cp_keys_destroy(cp.keys);
			return 1;
		}
		CP_LOG(NOTICE, metrics, "MetricsPort on %u.%u.%u.%u:%u%s", cfg.metrics.addr >> 24,
		       (cfg.metrics.addr >> 16) & 0xff, (cfg.metrics.addr >> 8) & 0xff,
		       cfg.metrics.addr & 0xff, cfg.metrics.port,
		       conf_policy_accepts_any(cfg.metrics.policy, cfg.metrics.n_policy)
			       ? ""
			       : "; MetricsPortPolicy accepts no one, so every request is refused");
	}
	/* The default socket directory may not exist yet. */
	if (strcmp(cfg.sock_path, CP_CONFIG_DEFAULT_SOCKET) == 0)
		mkdir("/run/chive", 0750);
	cp.cli = cp_cli_server_open(&cp, cfg.sock_path, cfg.sock_mode, err, sizeof(err));
	if (cp.cli == NULL) {
		CP_LOG(ERR, cli, "%s", err);
		cp_metrics_server_close(cp.metrics);
		cp_loop_fini();
		cp_circ_fini(&cp.circ);
		cp_link_fini(&cp.link);
		cp_keys_destroy(cp.keys);
		return 1;
	}
	CP_LOG(NOTICE, main, "listening on %s; dataplane segment /dev/shm/%s", cfg.sock_path,
	       cp.shm_name);
	cp_loop_check_dataplane(&cp, cp_now_ns());
	rc = cp_loop_run(&cp);
	cp_cli_server_close(cp.cli);
	cp_metrics_server_close(cp.metrics);
	cp.metrics = NULL;
	cp_dir_fini(&cp.dir);
	cp_circ_fini(&cp.circ);
	cp_link_fini(&cp.link);
	cp_dplink_detach(&cp.dp, cp_now_ns());
	cp_loop_fini();
	cp_keys_destroy(cp.keys);
	CP_LOG(NOTICE, main, "stopped");
	cp_log_set_output(NULL);
	if (log_file != NULL)
		fclose(log_file);
	return rc == 0 ? 0 : 1;
}
