/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief chive-torclient: options, the poll() loop, the summary.
 *
 * One thread, one poll() loop over the client's channel, the echo
 * endpoint's listener and its channels. Every iteration services the
 * channels (TLS, cells), lets the client start builds and send data, and
 * sleeps at most 50 ms (0 when something can progress without the kernel).
 * The whole run ends by --timeout at the latest; the exit status is 0
 * only when every circuit was built and every data cell came back intact
 * (and, with --destroy, every DESTROY was seen where it could be).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/ssl.h>

#include "common/wire/wire_create.h"
#include "controlplane/log.h"
#include "tools/torclient/tc.h"

static volatile sig_atomic_t stop_signal;

static void
on_signal(int sig)
{
	stop_signal = sig;
}

static void
usage(FILE *f)
{
	fprintf(f,
		"usage: chive-torclient [options]\n"
		"A Tor client for tests: builds circuits through --hop relays, sends RELAY DATA\n"
		"cells to an echo endpoint at the end of the path and checks every echo.\n"
		"\n"
		"Path:\n"
		"  --hop SPEC            next relay of the path (repeat, up to %d hops); SPEC is\n"
		"                        ADDR:PORT,DATADIR (public keys read from a tor-format\n"
		"                        DataDirectory) or ADDR:PORT,RSAFP,ED25519,NTOR (hex and\n"
		"                        unpadded base64; '-' for an unknown key)\n"
		"  --echo-listen A:P     run the built-in echo endpoint on A:P\n"
		"  --echo-final          append the echo endpoint as the last hop\n"
		"  --echo-datadir DIR    keep the endpoint's keys in DIR (default: a temporary "
		"dir)\n"
		"  --echo-slow MS        the endpoint stops reading each channel for MS ms after\n"
		"                        its first echo (backpressure tests)\n"
		"  --echo-max-circuits N circuits the endpoint accepts in a run (default 131072)\n"
		"Circuits and data:\n"
		"  --htype H             ntor3 (default; empty message as tor 0.4.9), ntor, or\n"
		"                        fast (CREATE_FAST to the first hop, ntor3 after it)\n"
		"  --circuits N          circuits on the channel to the first hop (default 1,\n"
		"                        at most 65536)\n"
		"  --parallel P          circuits being built at once (default 32)\n"
		"  --cells N             RELAY DATA cells per circuit (default 10; needs "
		"--echo-final)\n"
		"  --window W            data cells in flight per circuit (default 8)\n"
		"  --destroy             send DESTROY after the data and check it reaches the "
		"endpoint\n"
		"  --seed N              seed of the test data (default 1)\n"
		"Timed mode (benchmarks):\n"
		"  --phase RATE:SECONDS  once every circuit is built, send data for SECONDS\n"
		"                        at RATE cells/s over all circuits (0: as fast as the\n"
		"                        windows allow); repeat for up to %d phases, run in\n"
		"                        order; --cells is then ignored. Each phase reports\n"
		"                        its cells/s and round-trip times (p50, p99)\n"
		"  --settle MS           wait MS after the builds before the first phase\n"
		"Run:\n"
		"  --timeout S           hard bound on the whole run, seconds (default 30)\n"
		"  --json                print the summary as one JSON object\n"
		"  --identity DATADIR    print \"RSAFP ED25519 NTOR\" of a DataDirectory and exit\n"
		"  -v, --verbose         more messages on stderr (twice: debug)\n"
		"\n"
		"With --echo-listen and no path, only the endpoint runs, until --timeout or a\n"
		"signal; its identity is printed first (ADDR:PORT RSAFP ED25519 NTOR).\n"
		"Exit status: 0 all circuits built and all cells echoed intact; 1 otherwise;\n"
		"2 usage or set-up error.\n",
		TC_MAX_HOPS, TC_MAX_PHASES);
}

static int
parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || end == s || v < min || v > max)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

/* Everything main() sets up. */
struct run {
	struct tc_client_conf conf;
	bool echo_on;
	bool echo_final;
	bool json;
	struct sockaddr_in echo_addr;
	const char *echo_dir;
	uint32_t echo_slow;
	uint32_t echo_max;
	uint32_t timeout_s;
	struct dp_rc_lib rclib;
	struct tc_echo echo;
	struct tc_client client;
	bool client_on;
	SSL_CTX *cctx;
	bool timed_out;
	uint64_t t0_ns;
	uint64_t t_end_ns;
};

/* Parse the options into @p r; 0, or the exit status for an error. */
static int
parse_args(struct run *r, int argc, char **argv, bool *exit_now)
{
	static const struct option opts[] = {
		{"hop", required_argument, NULL, 'H'},
		{"echo-listen", required_argument, NULL, 'L'},
		{"echo-final", no_argument, NULL, 'F'},
		{"echo-datadir", required_argument, NULL, 'D'},
		{"echo-slow", required_argument, NULL, 'S'},
		{"echo-max-circuits", required_argument, NULL, 'M'},
		{"htype", required_argument, NULL, 't'},
		{"circuits", required_argument, NULL, 'n'},
		{"parallel", required_argument, NULL, 'p'},
		{"cells", required_argument, NULL, 'c'},
		{"window", required_argument, NULL, 'w'},
		{"destroy", no_argument, NULL, 'd'},
		{"seed", required_argument, NULL, 's'},
		{"phase", required_argument, NULL, 'P'},
		{"settle", required_argument, NULL, 'W'},
		{"timeout", required_argument, NULL, 'T'},
		{"json", no_argument, NULL, 'j'},
		{"identity", required_argument, NULL, 'I'},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	char err[512];
	struct tc_hop id;
	uint32_t v;
	int o, li = 0;

	*exit_now = false;
	r->conf.htype = WIRE_HTYPE_NTOR_V3;
	r->conf.circuits = 1;
	r->conf.cells = 10;
	r->conf.window = 8;
	r->conf.parallel = 32;
	r->conf.seed = 1;
	r->echo_max = 1u << 17;
	r->timeout_s = 30;
	while ((o = getopt_long(argc, argv, "vh", opts, &li)) != -1) {
		switch (o) {
		case 'H':
			if (r->conf.n_hops >= TC_MAX_HOPS) {
				fprintf(stderr, "chive-torclient: at most %d hops\n", TC_MAX_HOPS);
				return 2;
			}
			if (tc_hop_parse(optarg, &r->conf.hops[r->conf.n_hops], err, sizeof(err)) !=
			    0) {
				fprintf(stderr, "chive-torclient: %s\n", err);
				return 2;
			}
			r->conf.n_hops++;
			break;
		case 'L':
			if (tc_parse_addr(optarg, &r->echo_addr) != 0) {
				fprintf(stderr, "chive-torclient: bad --echo-listen '%s'\n",
					optarg);
				return 2;
			}
			r->echo_on = true;
			break;
		case 'F':
			r->echo_final = true;
			break;
		case 'D':
			r->echo_dir = optarg;
			break;
		case 'S':
			if (parse_u32(optarg, 0, 3600000, &r->echo_slow) != 0)
				goto bad;
			break;
		case 'M':
			if (parse_u32(optarg, 1, 1u << 24, &r->echo_max) != 0)
				goto bad;
			break;
		case 't':
			if (strcmp(optarg, "ntor3") == 0)
				r->conf.htype = WIRE_HTYPE_NTOR_V3;
			else if (strcmp(optarg, "ntor") == 0)
				r->conf.htype = WIRE_HTYPE_NTOR;
			else if (strcmp(optarg, "fast") == 0)
				r->conf.htype = WIRE_HTYPE_FAST;
			else
				goto bad;
			break;
		case 'n':
			/* About 5 KB each (relay crypto for TC_MAX_HOPS hops, 640 B a hop). */
			if (parse_u32(optarg, 1, 65536, &r->conf.circuits) != 0)
				goto bad;
			break;
		case 'p':
			if (parse_u32(optarg, 1, 1u << 20, &r->conf.parallel) != 0)
				goto bad;
			break;
		case 'c':
			if (parse_u32(optarg, 0, UINT32_MAX, &r->conf.cells) != 0)
				goto bad;
			break;
		case 'w':
			if (parse_u32(optarg, 1, 32768, &r->conf.window) != 0)
				goto bad;
			break;
		case 'd':
			r->conf.destroy = true;
			break;
		case 's':
			if (parse_u32(optarg, 0, UINT32_MAX, &v) != 0)
				goto bad;
			r->conf.seed = v;
			break;
		case 'P': {
			char *colon = strchr(optarg, ':'), *end;
			double secs;
			struct tc_phase_conf *ph;

			if (r->conf.n_phases >= TC_MAX_PHASES) {
				fprintf(stderr, "chive-torclient: at most %d phases\n",
					TC_MAX_PHASES);
				return 2;
			}
			ph = &r->conf.phases[r->conf.n_phases];
			if (colon == NULL)
				goto bad;
			*colon = '\0';
			errno = 0;
			secs = strtod(colon + 1, &end);
			if (parse_u32(optarg, 0, 100000000, &ph->rate) != 0 || errno != 0 ||
			    *end != '\0' || end == colon + 1 || !(secs >= 0.001 && secs <= 3600)) {
				*colon = ':';
				goto bad;
			}
			*colon = ':';
			ph->ms = (uint32_t)(secs * 1000.0 + 0.5);
			r->conf.n_phases++;
			break;
		}
		case 'W':
			if (parse_u32(optarg, 0, 600000, &r->conf.settle_ms) != 0)
				goto bad;
			break;
		case 'T':
			if (parse_u32(optarg, 1, 86400, &r->timeout_s) != 0)
				goto bad;
			break;
		case 'j':
			r->json = true;
			break;
		case 'I':
			memset(&id, 0, sizeof(id));
			if (tc_ident_read_datadir(optarg, &id, err, sizeof(err)) != 0) {
				fprintf(stderr, "chive-torclient: %s\n", err);
				return 2;
			}
			tc_hop_print(&id, stdout);
			*exit_now = true;
			return 0;
		case 'v':
			if (tc_verbose < TC_LOG_DEBUG)
				tc_verbose++;
			break;
		case 'h':
			usage(stdout);
			*exit_now = true;
			return 0;
		default:
			usage(stderr);
			return 2;
		}
		continue;
	bad:
		fprintf(stderr, "chive-torclient: bad value '%s' for --%s\n", optarg,
			opts[li].name);
		return 2;
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (r->echo_final && !r->echo_on) {
		fprintf(stderr, "chive-torclient: --echo-final needs --echo-listen\n");
		return 2;
	}
	if (r->echo_final) {
		if (r->echo_addr.sin_addr.s_addr == 0) {
			fprintf(stderr, "chive-torclient: --echo-final needs a concrete "
					"--echo-listen address (relays extend to it)\n");
			return 2;
		}
		if (r->conf.n_hops >= TC_MAX_HOPS) {
			fprintf(stderr, "chive-torclient: at most %d hops\n", TC_MAX_HOPS);
			return 2;
		}
	}
	r->client_on = r->conf.n_hops > 0 || r->echo_final;
	if (!r->client_on && !r->echo_on) {
		usage(stderr);
		return 2;
	}
	if (r->conf.n_phases > 0 && !r->echo_final) {
		fprintf(stderr, "chive-torclient: --phase needs the echo endpoint as last hop "
				"(--echo-listen A:P --echo-final)\n");
		return 2;
	}
	if (r->client_on && !r->echo_final && r->conf.cells > 0) {
		fprintf(stderr, "chive-torclient: data cells need the echo endpoint as last hop "
				"(--echo-listen A:P --echo-final); or use --cells 0\n");
		return 2;
	}
	for (unsigned i = 0; i < r->conf.n_hops; i++) {
		const struct tc_hop *h = &r->conf.hops[i];
		bool fast = i == 0 && r->conf.htype == WIRE_HTYPE_FAST;
		uint16_t ht = fast				 ? WIRE_HTYPE_FAST
			      : r->conf.htype == WIRE_HTYPE_NTOR ? WIRE_HTYPE_NTOR
								 : WIRE_HTYPE_NTOR_V3;

		if (!fast && !h->has_ntor) {
			fprintf(stderr, "chive-torclient: hop %u (%s): the ntor key is needed\n",
				i + 1, h->name);
			return 2;
		}
		if (ht == WIRE_HTYPE_NTOR_V3 && !h->has_ed) {
			fprintf(stderr,
				"chive-torclient: hop %u (%s): ntor-v3 needs the Ed25519 "
				"identity\n",
				i + 1, h->name);
			return 2;
		}
	}
	return 0;
}

/* Copy @p s into @p out as the inside of a JSON string (quotes, backslashes, controls escaped). */
static void
json_escape(const char *s, char *out, size_t len)
{
	size_t o = 0;

	for (; *s != '\0' && o + 7 < len; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\') {
			out[o++] = '\\';
			out[o++] = (char)ch;
		} else if (ch < 0x20) {
			o += (size_t)snprintf(out + o, len - o, "\\u%04x", ch);
		} else {
			out[o++] = (char)ch;
		}
	}
	out[o] = '\0';
}

/* How long a timed phase ran, s (0 if it never started or ended). */
static double
phase_seconds(const struct tc_phase_stats *ps)
{
	if (ps->t_start_ns == 0 || ps->t_end_ns <= ps->t_start_ns)
		return 0.0;
	return (double)(ps->t_end_ns - ps->t_start_ns) / 1e9;
}

static void
print_summary(const struct run *r, bool ok)
{
	char why[2 * sizeof(r->client.chan_why) + 8];
	const struct tc_client_stats *s = &r->client.st;
	const struct tc_echo_stats *e = &r->echo.st;
	double secs = (double)(r->t_end_ns - r->t0_ns) / 1e9;
	uint64_t mism = s->corrupted + s->unexpected;
	double build_avg = s->built > 0 ? (double)s->build_ms_sum / (double)s->built : 0.0;
	/* Throughput from the channel's opening, not counting key generation. */
	double data_s = r->client.t_open != 0 && r->t_end_ns / 1000000u > r->client.t_open
				? (double)(r->t_end_ns / 1000000u - r->client.t_open) / 1e3
				: 0.0;

	if (r->json) {
		json_escape(r->client.chan_failed ? r->client.chan_why : "", why, sizeof(why));
		printf("{\"ok\":%s,\"timed_out\":%s,\"seconds\":%.3f,\"hops\":%u,"
		       "\"htype\":\"%s\",\"circuits\":%u,\"built\":%" PRIu64 ",\"failed\":%" PRIu64
		       ",\"build_ms_avg\":%.1f,\"build_ms_max\":%" PRIu64
		       ",\"cells_per_circuit\":%u,\"window\":%u,\"cells_sent\":%" PRIu64
		       ",\"verified\":%" PRIu64 ",\"mismatched\":%" PRIu64 ",\"corrupted\":%" PRIu64
		       ",\"unexpected\":%" PRIu64 ",\"lost\":%" PRIu64
		       ",\"bytes_verified\":%" PRIu64
		       ",\"cells_per_s\":%.1f,\"destroy_sent\":%" PRIu64
		       ",\"destroy_seen\":%" PRIu64 ",\"destroy_unverifiable\":%" PRIu64
		       ",\"channel_error\":\"%s\","
		       "\"echo\":{\"channels\":%" PRIu64 ",\"relay_channels\":%" PRIu64
		       ",\"client_channels\":%" PRIu64 ",\"failed_channels\":%" PRIu64
		       ",\"circuits\":%" PRIu64 ",\"create_failed\":%" PRIu64 ",\"echoed\":%" PRIu64
		       ",\"unrecognized\":%" PRIu64 ",\"destroys\":%" PRIu64 "}",
		       ok ? "true" : "false", r->timed_out ? "true" : "false", secs,
		       r->client.conf.n_hops,
		       r->client.conf.htype == WIRE_HTYPE_FAST	 ? "fast"
		       : r->client.conf.htype == WIRE_HTYPE_NTOR ? "ntor"
								 : "ntor3",
		       r->client.conf.circuits, s->built, s->failed, build_avg, s->build_ms_max,
		       r->client.conf.cells, r->client.conf.window, s->cells_sent, s->verified,
		       mism, s->corrupted, s->unexpected, s->lost, s->bytes_verified,
		       data_s > 0 ? (double)s->verified / data_s : 0.0, s->destroy_sent,
		       s->destroy_seen, s->destroy_unverifiable, why, e->chans_accepted,
		       e->chans_open_relay, e->chans_open_client, e->chans_failed, e->circs_created,
		       e->create_failed, e->cells_echoed, e->cells_unrecognized, e->destroys_rx);
		if (r->client.conf.n_phases > 0) {
			printf(",\"settle_ms\":%u,\"phases\":[", r->client.conf.settle_ms);
			for (unsigned k = 0; k < r->client.conf.n_phases; k++) {
				const struct tc_phase_stats *ps = &r->client.ph[k];
				double ps_s = phase_seconds(ps);

				printf("%s{\"rate\":%u,\"seconds\":%.3f,\"cells_sent\":%" PRIu64
				       ",\"verified\":%" PRIu64 ",\"bytes_verified\":%" PRIu64
				       ",\"cells_per_s\":%.1f,\"rtt_n\":%" PRIu64
				       ",\"rtt_p50_us\":%.1f,\"rtt_p99_us\":%.1f}",
				       k > 0 ? "," : "", r->client.conf.phases[k].rate, ps_s,
				       ps->cells_sent, ps->verified, ps->bytes_verified,
				       ps_s > 0 ? (double)ps->verified / ps_s : 0.0, ps->rtt.n,
				       (double)tc_hist_quantile(&ps->rtt, 0.5) / 1e3,
				       (double)tc_hist_quantile(&ps->rtt, 0.99) / 1e3);
			}
			printf("]");
		}
		printf("}\n");
		return;
	}
	printf("torclient: %s: circuits built=%" PRIu64 " failed=%" PRIu64 " cells sent=%" PRIu64
	       " verified=%" PRIu64 " mismatched=%" PRIu64 " lost=%" PRIu64,
	       ok ? "ok" : "FAIL", s->built, s->failed, s->cells_sent, s->verified, mism, s->lost);
	if (r->client.conf.destroy)
		printf(" destroy=%" PRIu64 "/%" PRIu64 "%s", s->destroy_seen, s->destroy_sent,
		       s->destroy_unverifiable > 0 ? " (some unverifiable)" : "");
	printf(" seconds=%.3f%s\n", secs, r->timed_out ? " (timed out)" : "");
	for (unsigned k = 0; k < r->client.conf.n_phases; k++) {
		const struct tc_phase_stats *ps = &r->client.ph[k];
		double ps_s = phase_seconds(ps);

		printf("torclient: phase %u: rate=%u seconds=%.3f verified=%" PRIu64
		       " cells/s=%.0f rtt p50=%.1f us p99=%.1f us\n",
		       k, r->client.conf.phases[k].rate, ps_s, ps->verified,
		       ps_s > 0 ? (double)ps->verified / ps_s : 0.0,
		       (double)tc_hist_quantile(&ps->rtt, 0.5) / 1e3,
		       (double)tc_hist_quantile(&ps->rtt, 0.99) / 1e3);
	}
	if (r->client.chan_failed && r->client.t_open == 0)
		printf("torclient: channel to %s failed: %s\n", r->client.conf.hops[0].name,
		       r->client.chan_why);
}

static bool
run_ok(const struct run *r)
{
	const struct tc_client_stats *s = &r->client.st;
	const struct tc_client_conf *c = &r->client.conf;

	if (r->client.t_open == 0 || s->built != c->circuits || s->failed != 0)
		return false;
	if (c->n_phases > 0) {
		/* Every phase ran to its end and every cell sent came back. */
		if (r->client.phase != (int)c->n_phases || s->verified != s->cells_sent)
			return false;
	} else if (s->verified != (uint64_t)c->circuits * c->cells) {
		return false;
	}
	if (s->corrupted != 0 || s->unexpected != 0 || s->lost != 0)
		return false;
	if (c->destroy && s->destroy_seen + s->destroy_unverifiable != c->circuits)
		return false;
	return true;
}

/* The loop; returns when the client is done, at the deadline or on a signal. */
static void
loop(struct run *r)
{
	struct pollfd pfd[2 + TC_ECHO_MAX_CHANS];
	uint64_t deadline = tc_now_ms() + (uint64_t)r->timeout_s * 1000u;

	for (;;) {
		uint64_t now = tc_now_ms(), t;
		unsigned n = 0, ke = 0;
		int timeout = 50, ci = -1;

		if (stop_signal != 0)
			break;
		if (now >= deadline) {
			r->timed_out = r->client_on;
			break;
		}
		if (r->client_on && tc_client_is_done(&r->client) &&
		    (r->client.ch == NULL || r->client.ch->state == TC_CHAN_STATE_CLOSED ||
		     tc_chan_tx_pending(r->client.ch) == 0))
			break;
		if (r->client_on && r->client.ch != NULL &&
		    r->client.ch->state != TC_CHAN_STATE_CLOSED) {
			ci = (int)n;
			pfd[n].fd = r->client.ch->fd;
			pfd[n].events = tc_chan_events(r->client.ch, now);
			pfd[n].revents = 0;
			n++;
		}
		if (r->echo_on) {
			ke = n;
			n += tc_echo_pollfds(&r->echo, pfd + n, now);
			t = tc_echo_next_timer(&r->echo);
			if (t != UINT64_MAX && t > now && t - now < (uint64_t)timeout)
				timeout = (int)(t - now);
		}
		if (r->client_on) {
			t = tc_client_next_timer(&r->client, now);
			if (t != UINT64_MAX && t - now < (uint64_t)timeout)
				timeout = t > now ? (int)(t - now) : 0;
		}
		if (deadline - now < (uint64_t)timeout)
			timeout = (int)(deadline - now);
		if ((r->client_on && r->client.ch != NULL &&
		     (tc_chan_has_work(r->client.ch, now) ||
		      tc_client_has_work(&r->client, now))) ||
		    (r->echo_on && tc_echo_has_work(&r->echo, now)))
			timeout = 0;
		if (poll(pfd, n, timeout) < 0 && errno != EINTR) {
			tc_log(TC_LOG_ERR, "poll: %s", strerror(errno));
			break;
		}
		now = tc_now_ms();
		if (r->client_on && r->client.ch != NULL)
			tc_chan_service(r->client.ch, ci >= 0 ? pfd[ci].revents : 0, now);
		if (r->echo_on)
			tc_echo_service(&r->echo, pfd + ke, n - ke, now);
		if (r->client_on && r->client.ch != NULL) {
			tc_client_pump(&r->client, now);
			tc_chan_flush(r->client.ch, now);
		}
	}
}

int
main(int argc, char **argv)
{
	static struct run r;
	struct sigaction sa;
	bool exit_now, ok = true;
	char err[512];
	int rc;

	rc = parse_args(&r, argc, argv, &exit_now);
	if (rc != 0 || exit_now)
		return rc;
	/* The control-plane code linked in logs through cp_log(): warnings only,
	 * unless -vv. */
	cp_log_set_level(tc_verbose >= TC_LOG_DEBUG ? CP_LOG_INFO : CP_LOG_WARN);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (OPENSSL_init_ssl(0, NULL) != 1 || dp_rc_lib_init(&r.rclib, NULL) != 0) {
		fprintf(stderr, "chive-torclient: OpenSSL initialisation failed\n");
		return 2;
	}
	r.t0_ns = tc_now_ns();
	if (r.echo_on) {
		rc = tc_echo_start(&r.echo, &r.echo_addr, r.echo_dir, &r.rclib, r.echo_slow,
				   r.echo_max, err, sizeof(err));
		if (rc != 0) {
			fprintf(stderr, "chive-torclient: echo endpoint: %s\n", err);
			dp_rc_lib_fini(&r.rclib);
			return 2;
		}
		if (!r.client_on) {
			printf("%s ", r.echo.self.name);
			tc_hop_print(&r.echo.self, stdout);
			fflush(stdout);
		} else if (tc_verbose > 0) {
			fprintf(stderr, "torclient: echo endpoint %s ", r.echo.self.name);
			tc_hop_print(&r.echo.self, stderr);
		}
		if (r.echo_final)
			r.conf.hops[r.conf.n_hops++] = r.echo.self;
	}
	if (r.client_on) {
		r.cctx = tc_tls_client_ctx();
		if (r.cctx == NULL || tc_client_start(&r.client, &r.conf, r.cctx, &r.rclib,
						      r.echo_on ? &r.echo : NULL, tc_now_ms(), err,
						      sizeof(err)) != 0) {
			fprintf(stderr, "chive-torclient: %s\n",
				r.cctx == NULL ? "cannot make the TLS client context" : err);
			SSL_CTX_free(r.cctx);
			if (r.echo_on)
				tc_echo_stop(&r.echo);
			dp_rc_lib_fini(&r.rclib);
			return 2;
		}
	}
	loop(&r);
	r.t_end_ns = tc_now_ns();
	if (r.client_on) {
		tc_client_finish(&r.client, tc_now_ms());
		ok = run_ok(&r);
		print_summary(&r, ok);
		tc_client_stop(&r.client);
		SSL_CTX_free(r.cctx);
	} else if (r.json) {
		printf("{\"echo\":{\"channels\":%" PRIu64 ",\"relay_channels\":%" PRIu64
		       ",\"client_channels\":%" PRIu64 ",\"failed_channels\":%" PRIu64
		       ",\"circuits\":%" PRIu64 ",\"echoed\":%" PRIu64 ",\"destroys\":%" PRIu64
		       "}}\n",
		       r.echo.st.chans_accepted, r.echo.st.chans_open_relay,
		       r.echo.st.chans_open_client, r.echo.st.chans_failed, r.echo.st.circs_created,
		       r.echo.st.cells_echoed, r.echo.st.destroys_rx);
	} else {
		printf("torclient: echo: channels=%" PRIu64 " (relay %" PRIu64 ", client %" PRIu64
		       ", failed %" PRIu64 ") circuits=%" PRIu64 " echoed=%" PRIu64 "\n",
		       r.echo.st.chans_accepted, r.echo.st.chans_open_relay,
		       r.echo.st.chans_open_client, r.echo.st.chans_failed, r.echo.st.circs_created,
		       r.echo.st.cells_echoed);
	}
	if (r.echo_on)
		tc_echo_stop(&r.echo);
	dp_rc_lib_fini(&r.rclib);
	if (stop_signal != 0 && r.client_on)
		ok = false;
	return ok ? 0 : 1;
}
