/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief chivectl: the operator's command-line client.
 *
 * Usage: chivectl [-s PATH] [-t SECONDS] [-j|--json] COMMAND [ARGS...]
 *
 * Sends the command as one line over the controlplane's unix socket and
 * prints the answer: the body goes to stdout on success, to stderr on
 * failure. Exit status: 0 success, 1 the command failed or the controlplane
 * could not be reached, 2 usage error. `chivectl help` lists the commands
 * the running controlplane knows. The socket is $CHIVE_SOCKET, or -s, or
 * /run/chive/chive.sock. The answer is awaited for -t seconds (default 10;
 * 75 for `channel open`, which answers only once the channel is open or
 * failed, up to a minute later). With -j / --json, a read command answers
 * one JSON object instead of its table (the request line starts with the
 * word "--json", cli_proto.h); a failed one has an "error" member.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "controlplane/cli/cli_proto.h"

static void
usage(void)
{
	fprintf(stderr,
		"usage: chivectl [-s SOCKET] [-t SECONDS] [-j|--json] COMMAND [ARGS...]\n"
		"       chivectl help      list the commands of the running controlplane\n"
		"  -j, --json  answer a read command (status, counters, show ..., config get) in JSON\n"
		"  e.g. chivectl status\n"
		"       chivectl counters /cp/link/\n"
		"       chivectl show channels\n"
		"       chivectl --json show lcores\n"
		"       chivectl channel open 192.0.2.7:9001 $FINGERPRINT [ED25519_ID]\n"
		"       chivectl channel close 0x00010002\n"
		"       chivectl config set RelayBandwidthRate 10 MBytes\n");
}

/* Default answer timeouts of commands that wait longer than most (s). */
static const struct {
	const char *cmd1, *cmd2;
	double timeout_s;
} slow_cmds[] = {
	{ "channel", "open", 75.0 }, /* the controlplane waits up to 60 s for the dataplane */
};

static double
default_timeout(int argc, char **argv)
{
	for (size_t i = 0; i < sizeof(slow_cmds) / sizeof(slow_cmds[0]); i++)
		if (argc >= 2 && strcmp(argv[0], slow_cmds[i].cmd1) == 0 &&
		    strcmp(argv[1], slow_cmds[i].cmd2) == 0)
			return slow_cmds[i].timeout_s;
	return 10.0;
}

static long long
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait for @fd to be ready for @events until @deadline_ms; 0 ready, -1 timeout or error. */
static int
wait_fd(int fd, short events, long long deadline_ms)
{
	struct pollfd p = { .fd = fd, .events = events };
	long long left = deadline_ms - mono_ms();

	if (left <= 0)
		return -1;
	return poll(&p, 1, (int)left) == 1 ? 0 : -1;
}

int
main(int argc, char **argv)
{
	const char *path = getenv("CHIVE_SOCKET");
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char line[CLI_PROTO_LINE_MAX];
	char *resp = NULL;
	size_t len = 0, cap = 0, body_len = 0, off = 0;
	long long deadline;
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	double timeout_s = 0;
	int opt, fd, status = 0, hdr = 0, json = 0;

	if (path == NULL)
		path = "/run/chive/chive.sock";
	while ((opt = getopt_long(argc, argv, "+s:t:hj", longopts, NULL)) != -1) {
		switch (opt) {
		case 'j':
			json = 1;
			break;
		case 's':
			path = optarg;
			break;
		case 't':
			timeout_s = strtod(optarg, NULL);
			if (timeout_s <= 0 || timeout_s > 3600) {
				fprintf(stderr, "chivectl: bad timeout '%s'\n", optarg);
				return 2;
			}
			break;
		case 'h':
			usage();
			return 0;
		default:
			usage();
			return 2;
		}
	}
	if (optind >= argc) {
		usage();
		return 2;
	}
	if (timeout_s == 0)
		timeout_s = default_timeout(argc - optind, argv + optind);
	if (json) {
		memcpy(line, CLI_PROTO_JSON_WORD " ", sizeof(CLI_PROTO_JSON_WORD));
		off = sizeof(CLI_PROTO_JSON_WORD);
	}
	for (int i = optind; i < argc; i++) {
		size_t n = strlen(argv[i]);

		if (off + n + 2 > sizeof(line)) {
			fprintf(stderr, "chivectl: command too long\n");
			return 2;
		}
		memcpy(line + off, argv[i], n);
		off += n;
		line[off++] = i + 1 < argc ? ' ' : '\n';
	}
	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "chivectl: socket path too long: %s\n", path);
		return 2;
	}
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		fprintf(stderr, "chivectl: cannot connect to %s: %s (is chive-controlplane running?)\n",
			path, strerror(errno));
		return 1;
	}
	deadline = mono_ms() + (long long)(timeout_s * 1000);
	for (size_t w = 0; w < off;) {
		ssize_t n = write(fd, line + w, off - w);

		if (n <= 0) {
			fprintf(stderr, "chivectl: write to %s: %s\n", path, strerror(errno));
			return 1;
		}
		w += (size_t)n;
	}
	for (;;) {
		ssize_t n;

		if (hdr > 0 && len >= (size_t)hdr + body_len)
			break;
		if (wait_fd(fd, POLLIN, deadline) != 0) {
			fprintf(stderr, "chivectl: no complete answer from %s within %.1f s\n", path,
				timeout_s);
			return 1;
		}
		if (len == cap) {
			cap = cap != 0 ? cap * 2 : 4096;
			if (cap > CLI_PROTO_BODY_MAX + CLI_PROTO_HDR_MAX)
				cap = CLI_PROTO_BODY_MAX + CLI_PROTO_HDR_MAX;
			resp = realloc(resp, cap);
			if (resp == NULL) {
				fprintf(stderr, "chivectl: out of memory\n");
				return 1;
			}
		}
		n = read(fd, resp + len, cap - len);
		if (n <= 0) {
			fprintf(stderr, "chivectl: connection closed before the answer was complete\n");
			return 1;
		}
		len += (size_t)n;
		if (hdr == 0) {
			hdr = cli_proto_hdr_parse(resp, len, &status, &body_len);
			if (hdr < 0) {
				fprintf(stderr, "chivectl: malformed answer from %s\n", path);
				return 1;
			}
		}
	}
	close(fd);
	fwrite(resp + hdr, 1, body_len, status == CLI_STATUS_OK ? stdout : stderr);
	free(resp);
	return status;
}
