/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief chive-controlplane: attach to the dataplane's segment and serve the CLI.
 *
 * Usage: chive-controlplane [--shm NAME] [--socket PATH] [--socket-mode MODE]
 *                           [--log-level LEVEL] [--data-dir DIR] [--offline-master]
 *                           [--netinfo-addr A.B.C.D]
 *
 * The controlplane is an ordinary process (no DPDK). At start it loads the
 * relay keys from DIR/keys (creating what is missing, tor's formats) and
 * makes the first link credentials; it refuses to start if either fails.
 * It may start before or after the dataplane: it keeps trying to attach,
 * detaches when the dataplane stops, and re-attaches to the next one,
 * installing the link credentials on every lcore each time. It may also be
 * restarted while the dataplane runs. SIGINT/SIGTERM stop it cleanly and
 * remove its socket.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "controlplane/cli/cli_sock.h"
#include "controlplane/cp.h"
#include "controlplane/keys/keys.h"
#include "controlplane/link/link.h"
#include "controlplane/link/linkcreds.h"
#include "controlplane/log.h"
#include "controlplane/loop.h"
#include "controlplane/util.h"

#define CP_DEFAULT_SOCKET "/run/chive/chive.sock"
#define CP_DEFAULT_DATA_DIR "/var/lib/chive"

static void
usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s [options]\n"
		"  --shm NAME          dataplane segment /dev/shm/NAME (default: chive)\n"
		"  --socket PATH       CLI socket (default: " CP_DEFAULT_SOCKET ")\n"
		"  --socket-mode MODE  octal permissions of the CLI socket (default: 0660)\n"
		"  --log-level LEVEL   err, warn, notice, info or debug (default: notice)\n"
		"  --data-dir DIR      relay keys in DIR/keys, tor's formats (default: "
		CP_DEFAULT_DATA_DIR ")\n"
		"  --offline-master    never load or create the Ed25519 master secret key\n"
		"                      (tor's OfflineMasterKey); a valid signing cert is needed\n"
		"  --netinfo-addr A.B.C.D  IPv4 address advertised in NETINFO cells\n"
		"                      (default: the dataplane port's address)\n"
		"  --onion-workers N   threads for circuit handshakes (default: one per CPU, >= 2)\n"
		"  --max-onion-queue-delay MS  refuse CREATEs when the onionskin queue would\n"
		"                      take longer than this (tor's MaxOnionQueueDelay; 1750)\n",
		prog);
}

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

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "shm", required_argument, NULL, 's' },
		{ "socket", required_argument, NULL, 'S' },
		{ "socket-mode", required_argument, NULL, 'm' },
		{ "log-level", required_argument, NULL, 'l' },
		{ "data-dir", required_argument, NULL, 'd' },
		{ "offline-master", no_argument, NULL, 'o' },
		{ "netinfo-addr", required_argument, NULL, 'n' },
		{ "onion-workers", required_argument, NULL, 'w' },
		{ "max-onion-queue-delay", required_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct cp_ctx cp;
	const char *sock_path = CP_DEFAULT_SOCKET;
	const char *data_dir = CP_DEFAULT_DATA_DIR;
	bool offline_master = false;
	uint32_t netinfo_addr = 0;
	unsigned long mode = 0660;
	char err[256], *end;
	struct in_addr ia;
	int opt, level, rc;
	struct cp_onionq_conf onionq;
	unsigned long v;

	cp_dplink_init(&cp.dp);
	cp_onionq_conf_default(&onionq);
	snprintf(cp.shm_name, sizeof(cp.shm_name), "chive");
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 's':
			if (!ipc_shm_name_is_valid(optarg)) {
				fprintf(stderr,
					"chive-controlplane: invalid --shm name '%s' "
					"(1-62 of A-Z a-z 0-9 . _ -)\n",
					optarg);
				return 2;
			}
			snprintf(cp.shm_name, sizeof(cp.shm_name), "%s", optarg);
			break;
		case 'S':
			sock_path = optarg;
			break;
		case 'm':
			errno = 0;
			mode = strtoul(optarg, &end, 8);
			if (errno != 0 || *end != '\0' || mode > 0777) {
				fprintf(stderr, "chive-controlplane: bad --socket-mode '%s'\n", optarg);
				return 2;
			}
			break;
		case 'l':
			level = cp_log_level_parse(optarg);
			if (level < 0) {
				fprintf(stderr, "chive-controlplane: bad --log-level '%s'\n", optarg);
				return 2;
			}
			cp_log_set_level(level);
			break;
		case 'd':
			if (optarg[0] == '\0') {
				fprintf(stderr, "chive-controlplane: empty --data-dir\n");
				return 2;
			}
			data_dir = optarg;
			break;
		case 'o':
			offline_master = true;
			break;
		case 'n':
			if (inet_pton(AF_INET, optarg, &ia) != 1) {
				fprintf(stderr,
					"chive-controlplane: bad --netinfo-addr '%s' (want A.B.C.D)\n",
					optarg);
				return 2;
			}
			netinfo_addr = ntohl(ia.s_addr);
			break;
		case 'w':
		case 'D':
			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (errno != 0 || *end != '\0' ||
			    (opt == 'w' ? v < 1 || v > CP_ONIONQ_WORKERS_MAX : v > 60000)) {
				fprintf(stderr, "chive-controlplane: bad --%s '%s'\n",
					opt == 'w' ? "onion-workers" : "max-onion-queue-delay", optarg);
				return 2;
			}
			if (opt == 'w')
				onionq.workers = (unsigned)v;
			else
				onionq.max_delay_ms = (unsigned)v;
			break;
		case 'h':
			usage(argv[0]);
			return 0;
		default:
			usage(argv[0]);
			return 2;
		}
	}
	if (optind != argc) {
		usage(argv[0]);
		return 2;
	}
	cp.start_ns = cp_now_ns();
	if (load_keys(&cp, data_dir, offline_master) != 0)
		return 1;
	cp_link_init(&cp.link, &cp.dp, cp.keys, netinfo_addr);
	rc = cp_link_start(&cp.link, time(NULL), err, sizeof(err));
	if (rc != 0) {
		fprintf(stderr, "chive-controlplane: cannot make the link credentials: %s\n", err);
		cp_keys_destroy(cp.keys);
		return 1;
	}
	rc = cp_circ_init(&cp.circ, &cp.dp, cp.keys, &onionq, err, sizeof(err));
	if (rc != 0) {
		fprintf(stderr, "chive-controlplane: %s\n", err);
		cp_link_fini(&cp.link);
		cp_keys_destroy(cp.keys);
		return 1;
	}
	cp_link_set_other(&cp.link, cp_circ_on_cell, &cp.circ);
	rc = cp_loop_init(&cp);
	if (rc != 0) {
		CP_LOG(ERR, main, "cannot set up the event loop: %s", strerror(-rc));
		cp_circ_fini(&cp.circ);
		cp_link_fini(&cp.link);
		cp_keys_destroy(cp.keys);
		return 1;
	}
	/* The default socket directory may not exist yet. */
	if (strcmp(sock_path, CP_DEFAULT_SOCKET) == 0)
		mkdir("/run/chive", 0750);
	cp.cli = cp_cli_server_open(&cp, sock_path, (unsigned int)mode, err, sizeof(err));
	if (cp.cli == NULL) {
		CP_LOG(ERR, cli, "%s", err);
		cp_loop_fini();
		cp_circ_fini(&cp.circ);
		cp_link_fini(&cp.link);
		cp_keys_destroy(cp.keys);
		return 1;
	}
	CP_LOG(NOTICE, main, "listening on %s; dataplane segment /dev/shm/%s", sock_path,
	       cp.shm_name);
	cp_loop_check_dataplane(&cp, cp_now_ns());
	rc = cp_loop_run(&cp);
	cp_cli_server_close(cp.cli);
	cp_circ_fini(&cp.circ);
	cp_link_fini(&cp.link);
	cp_dplink_detach(&cp.dp, cp_now_ns());
	cp_loop_fini();
	cp_keys_destroy(cp.keys);
	CP_LOG(NOTICE, main, "stopped");
	return rc == 0 ? 0 : 1;
}
