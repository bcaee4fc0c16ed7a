/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief chive-controlplane: attach to the dataplane's segment and serve the CLI.
 *
 * Usage: chive-controlplane [--shm NAME] [--socket PATH] [--socket-mode MODE]
 *                           [--log-level LEVEL]
 *
 * The controlplane is an ordinary process (no DPDK). It may start before or
 * after the dataplane: it keeps trying to attach, detaches when the dataplane
 * stops, and re-attaches to the next one. It may also be restarted while the
 * dataplane runs. SIGINT/SIGTERM stop it cleanly and remove its socket.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "controlplane/cli/cli_sock.h"
#include "controlplane/cp.h"
#include "controlplane/log.h"
#include "controlplane/loop.h"
#include "controlplane/util.h"

#define CP_DEFAULT_SOCKET "/run/chive/chive.sock"

static void
usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s [options]\n"
		"  --shm NAME          dataplane segment /dev/shm/NAME (default: chive)\n"
		"  --socket PATH       CLI socket (default: " CP_DEFAULT_SOCKET ")\n"
		"  --socket-mode MODE  octal permissions of the CLI socket (default: 0660)\n"
		"  --log-level LEVEL   err, warn, notice, info or debug (default: notice)\n",
		prog);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "shm", required_argument, NULL, 's' },
		{ "socket", required_argument, NULL, 'S' },
		{ "socket-mode", required_argument, NULL, 'm' },
		{ "log-level", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct cp_ctx cp;
	const char *sock_path = CP_DEFAULT_SOCKET;
	unsigned long mode = 0660;
	char err[256], *end;
	int opt, level, rc;

	cp_dplink_init(&cp.dp);
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
	rc = cp_loop_init(&cp);
	if (rc != 0) {
		CP_LOG(ERR, main, "cannot set up the event loop: %s", strerror(-rc));
		return 1;
	}
	/* The default socket directory may not exist yet. */
	if (strcmp(sock_path, CP_DEFAULT_SOCKET) == 0)
		mkdir("/run/chive", 0750);
	cp.cli = cp_cli_server_open(&cp, sock_path, (unsigned int)mode, err, sizeof(err));
	if (cp.cli == NULL) {
		CP_LOG(ERR, cli, "%s", err);
		cp_loop_fini();
		return 1;
	}
	CP_LOG(NOTICE, main, "listening on %s; dataplane segment /dev/shm/%s", sock_path,
	       cp.shm_name);
	cp_loop_check_dataplane(&cp, cp_now_ns());
	rc = cp_loop_run(&cp);
	cp_cli_server_close(cp.cli);
	cp_dplink_detach(&cp.dp, cp_now_ns());
	cp_loop_fini();
	CP_LOG(NOTICE, main, "stopped");
	return rc == 0 ? 0 : 1;
}
