/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief CUnit suite "controlplane/metrics": the MetricsPort's rendering, policy and HTTP.
 *
 * Rendering is checked on hand-made snapshots: name mangling, escaping,
 * one HELP and TYPE per family with its samples together (a small
 * exposition-format checker below), per-lcore labels, the recent busy
 * ratios by lcore and window (absent while unknown), and tor's names and
 * labels as a tor 0.4.9.11 scrape shows them. The policy is tor's
 * MetricsPortPolicy (first match wins, reject by default), the port tor's
 * MetricsPort syntax, and the request parser a table of named requests.
 */
#include "tests/suites.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/conf/conf.h"
#include "controlplane/config.h"
#include "controlplane/metrics/metrics.h"
#include "controlplane/metrics/metrics_int.h"

static struct cp_metrics_snap snap;
static struct cp_stat dp[16];
static uint64_t dp_lcore[16 * 2];
static struct cp_buf out;
static char err[512];

static void
setup(void)
{
	memset(&snap, 0, sizeof(snap));
	memset(dp, 0, sizeof(dp));
	memset(dp_lcore, 0, sizeof(dp_lcore));
	memset(&out, 0, sizeof(out));
	err[0] = '\0';
}

static void
teardown(void)
{
	free(snap.cp);
	cp_buf_free(&out);
}

/* Add a dataplane counter with its value on lcore 0 and 1 (the snapshot has two lcores). */
static void
add_dp(const char *name, uint16_t kind, const char *help, uint64_t lc0, uint64_t lc1)
{
	struct cp_stat *st = &dp[snap.n_dp];

	snprintf(st->desc.name, sizeof(st->desc.name), "%s", name);
	snprintf(st->desc.help, sizeof(st->desc.help), "%s", help);
	st->desc.kind = kind;
	st->desc.index = snap.n_dp;
	st->total = lc0 + lc1;
	dp_lcore[snap.n_dp * 2] = lc0;
	dp_lcore[snap.n_dp * 2 + 1] = lc1;
	snap.n_dp++;
	snap.dp = dp;
	snap.dp_lcore = dp_lcore;
	snap.dp_up = true;
	snap.n_lcores = 2;
	snap.lcore_id[0] = 2;
	snap.lcore_id[1] = 3;
}

static const char *
render(void)
{
	cp_buf_free(&out);
	cp_metrics_render(&snap, &out);
	return out.p != NULL ? out.p : "";
}

/* True if @p text holds @p line as a whole line. */
static bool
has_line(const char *text, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = text; (p = strstr(p, line)) != NULL; p++)
		if ((p == text || p[-1] == '\n') && p[n] == '\n')
			return true;
	return false;
}

static unsigned
count(const char *text, const char *needle)
{
	unsigned n = 0;

	for (const char *p = text; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	return n;
}

/*
 * Check @p text against the text format's structure: every line is a
 * HELP, a TYPE or a sample; HELP then TYPE open a family, once per name;
 * each sample belongs to the family opened last (its name, or for no
 * suffix-bearing kinds exactly the name); names are [a-zA-Z_:][a-zA-Z0-9_:]*.
 * Returns "" or what is wrong.
 */
static const char *
check_format(const char *text)
{
	static char why[1200];
	char fam[CP_METRICS_NAME_MAX] = "", seen[512][CP_METRICS_NAME_MAX];
	unsigned n_seen = 0;
	const char *p = text;

	while (*p != '\0') {
		const char *nl = strchr(p, '\n');
		char line[1024], name[CP_METRICS_NAME_MAX];
		size_t len;

		if (nl == NULL)
			return "last line without newline";
		len = (size_t)(nl - p);
		if (len >= sizeof(line))
			return "line too long";
		memcpy(line, p, len);
		line[len] = '\0';
		p = nl + 1;
		if (strncmp(line, "# HELP ", 7) == 0) {
			if (sscanf(line + 7, "%159s", name) != 1)
				return "HELP without a name";
			for (unsigned i = 0; i < n_seen; i++) {
				if (strcmp(seen[i], name) == 0) {
					snprintf(why, sizeof(why), "family %s twice", name);
					return why;
				}
			}
			if (n_seen == 512)
				return "too many families for the checker";
			snprintf(seen[n_seen++], CP_METRICS_NAME_MAX, "%s", name);
			snprintf(fam, sizeof(fam), "%s", name);
			continue;
		}
		if (strncmp(line, "# TYPE ", 7) == 0) {
			char type[32];

			if (sscanf(line + 7, "%159s %31s", name, type) != 2 ||
			    strcmp(name, fam) != 0 ||
			    (strcmp(type, "counter") != 0 && strcmp(type, "gauge") != 0 &&
			     strcmp(type, "untyped") != 0)) {
				snprintf(why, sizeof(why), "bad TYPE line: %s", line);
				return why;
			}
			continue;
		}
		if (line[0] == '#') {
			snprintf(why, sizeof(why), "unexpected comment: %s", line);
			return why;
		}
		len = strcspn(line, "{ ");
		if (len == 0 || len >= sizeof(name) || strspn(line, "abcdefghijklmnopqrstuvwxyz"
							     "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
							     "0123456789_:") != len ||
		    (line[0] >= '0' && line[0] <= '9')) {
			snprintf(why, sizeof(why), "bad sample name: %s", line);
			return why;
		}
		memcpy(name, line, len);
		name[len] = '\0';
		if (strcmp(name, fam) != 0) {
			snprintf(why, sizeof(why), "sample %s outside its family (%s)", name, fam);
			return why;
		}
	}
	return "";
}

/* ---- names and escaping ---------------------------------------------------- */

static void
test_metrics_name_counter_gets_total(void)
{
	char n[CP_METRICS_NAME_MAX];

	CU_ASSERT_TRUE_FATAL(cp_metrics_name("/dp/tls/rx_wire_bytes", true, n, sizeof(n)));
	CU_ASSERT_STRING_EQUAL(n, "chive_dp_tls_rx_wire_bytes_total");
}

static void
test_metrics_name_gauge_has_no_suffix(void)
{
	char n[CP_METRICS_NAME_MAX];

	CU_ASSERT_TRUE_FATAL(cp_metrics_name("/dp/chan/open", false, n, sizeof(n)));
	CU_ASSERT_STRING_EQUAL(n, "chive_dp_chan_open");
}

static void
test_metrics_name_turns_other_characters_into_underscores(void)
{
	char n[CP_METRICS_NAME_MAX];

	CU_ASSERT_TRUE_FATAL(cp_metrics_name("/cp/link/certs_fail/ed-cert.bad:x", true, n, sizeof(n)));
	CU_ASSERT_STRING_EQUAL(n, "chive_cp_link_certs_fail_ed_cert_bad_x_total");
}

static void
test_metrics_name_total_is_not_doubled(void)
{
	char n[CP_METRICS_NAME_MAX];

	CU_ASSERT_TRUE_FATAL(cp_metrics_name("/dp/x/bytes_total", true, n, sizeof(n)));
	CU_ASSERT_STRING_EQUAL(n, "chive_dp_x_bytes_total");
}

static void
test_metrics_name_too_long_is_refused(void)
{
	char n[23];

	CU_ASSERT_TRUE(cp_metrics_name("/dp/abcdefghijklm", false, n, sizeof(n)));
	CU_ASSERT_FALSE(cp_metrics_name("/dp/abcdefghijklmn", false, n, sizeof(n)));
	CU_ASSERT_FALSE(cp_metrics_name("/dp/abcdefghij", true, n, sizeof(n)));
}

static void
test_metrics_help_escapes_backslash_and_newline(void)
{
	cp_metrics_escape_help(&out, "a\\b \"q\"\nc");
	CU_ASSERT_STRING_EQUAL(out.p, "a\\\\b \"q\"\\nc");
}

static void
test_metrics_label_escapes_quote_backslash_newline(void)
{
	cp_metrics_escape_label(&out, "a\\b \"q\"\nc");
	CU_ASSERT_STRING_EQUAL(out.p, "a\\\\b \\\"q\\\"\\nc");
}

static void
test_metrics_cp_gauges_are_known(void)
{
	CU_ASSERT_TRUE(cp_metrics_cp_is_gauge("/cp/onionq/pending"));
	CU_ASSERT_TRUE(cp_metrics_cp_is_gauge("/cp/dir/flag/running"));
	CU_ASSERT_TRUE(cp_metrics_cp_is_gauge("/cp/onionq/usec/ntor3"));
	CU_ASSERT_TRUE(cp_metrics_cp_is_gauge("/cp/metrics/conns"));
	CU_ASSERT_FALSE(cp_metrics_cp_is_gauge("/cp/onionq/processed/ntor3"));
	CU_ASSERT_FALSE(cp_metrics_cp_is_gauge("/cp/onionq/pending_x"));
	CU_ASSERT_FALSE(cp_metrics_cp_is_gauge("/cp/metrics/scrapes"));
}

static void
test_metrics_lcore_counters_are_per_lcore(void)
{
	CU_ASSERT_TRUE(cp_metrics_is_per_lcore("/dp/lcore/busy_cycles"));
	CU_ASSERT_FALSE(cp_metrics_is_per_lcore("/dp/tcp/rx_segs"));
}

/* ---- rendering ---------------------------------------------------------------- */

static void
test_metrics_render_dataplane_counter_help_type_sample(void)
{
	const char *t;

	add_dp("/dp/tls/rx_wire_bytes", IPC_CTR_KIND_COUNTER, "TLS bytes taken from TCP", 40, 2);
	t = render();
	CU_ASSERT_TRUE(has_line(t, "# HELP chive_dp_tls_rx_wire_bytes_total TLS bytes taken from "
				   "TCP (/dp/tls/rx_wire_bytes)"));
	CU_ASSERT_TRUE(has_line(t, "# TYPE chive_dp_tls_rx_wire_bytes_total counter"));
	CU_ASSERT_TRUE(has_line(t, "chive_dp_tls_rx_wire_bytes_total 42"));
	CU_ASSERT_STRING_EQUAL(check_format(t), "");
}

static void
test_metrics_render_dataplane_gauge(void)
{
	const char *t;

	add_dp("/dp/chan/open", IPC_CTR_KIND_GAUGE, "channels open now", 3, 4);
	t = render();
	CU_ASSERT_TRUE(has_line(t, "# TYPE chive_dp_chan_open gauge"));
	CU_ASSERT_TRUE(has_line(t, "chive_dp_chan_open 7"));
}

static void
test_metrics_render_lcore_counters_per_lcore_only(void)
{
	const char *t;

	add_dp("/dp/lcore/iterations", IPC_CTR_KIND_COUNTER, "main-loop iterations", 100, 250);
	t = render();
	CU_ASSERT_TRUE(has_line(t, "chive_dp_lcore_iterations_total{lcore=\"0\"} 100"));
	CU_ASSERT_TRUE(has_line(t, "chive_dp_lcore_iterations_total{lcore=\"1\"} 250"));
	CU_ASSERT_FALSE(has_line(t, "chive_dp_lcore_iterations_total 350"));
	CU_ASSERT_TRUE(has_line(t, "chive_dp_lcore_info{lcore=\"1\",lcore_id=\"3\"} 1"));
	CU_ASSERT_STRING_EQUAL(check_format(t), "");
}

/* The recent busy ratios (stats/lcore_busy.h), as cp_metrics_snap_take() copies them. */
static void
set_busy(uint32_t lcore, uint32_t w, double v)
{
	snap.lcore_busy[lcore][w] = v;
	snap.lcore_busy_known[lcore][w] = true;
}

static void
test_metrics_render_lcore_busy_ratio_by_lcore_and_window(void)
{
	const char *t;

	add_dp("/dp/lcore/iterations", IPC_CTR_KIND_COUNTER, "main-loop iterations", 100, 250);
	set_busy(0, 0, 0.5);
	set_busy(0, 1, 0.125);
	set_busy(0, 2, 1.0 / 3);
	set_busy(1, 0, 0.0); /* lcore 1: 1 s known, 10 s and 60 s not yet */
	t = render();
	CU_ASSERT_TRUE(has_line(t, "# HELP chive_lcore_busy_ratio Share of the lcore's loop cycles "
				   "spent in iterations that did work, over the last window "
				   "(sampled every second)"));
	CU_ASSERT_TRUE(has_line(t, "# TYPE chive_lcore_busy_ratio gauge"));
	CU_ASSERT_TRUE(has_line(t, "chive_lcore_busy_ratio{lcore=\"0\",window=\"1s\"} 0.5"));
	CU_ASSERT_TRUE(has_line(t, "chive_lcore_busy_ratio{lcore=\"0\",window=\"10s\"} 0.125"));
	CU_ASSERT_TRUE(has_line(t, "chive_lcore_busy_ratio{lcore=\"0\",window=\"60s\"} 0.333333"));
	CU_ASSERT_TRUE(has_line(t, "chive_lcore_busy_ratio{lcore=\"1\",window=\"1s\"} 0"));
	CU_ASSERT_EQUAL(count(t, "chive_lcore_busy_ratio{lcore=\"1\""), 1); /* unknown: no sample */
	CU_ASSERT_STRING_EQUAL(check_format(t), "");
}

static void
test_metrics_render_lcore_busy_ratio_absent_while_unknown(void)
{
	add_dp("/dp/lcore/iterations", IPC_CTR_KIND_COUNTER, "main-loop iterations", 100, 250);
	CU_ASSERT_PTR_NULL(strstr(render(), "chive_lcore_busy_ratio"));
}

static void
test_metrics_render_lcore_busy_ratio_absent_with_dataplane_down(void)
{
	snap.n_lcores = 2;
	set_busy(0, 0, 0.5);
	CU_ASSERT_PTR_NULL(strstr(render(), "chive_lcore_busy_ratio"));
}

static void
test_metrics_render_help_is_escaped(void)
{
	add_dp("/dp/x/y", IPC_CTR_KIND_COUNTER, "a \\ b", 1, 0);
	CU_ASSERT_TRUE(has_line(render(), "# HELP chive_dp_x_y_total a \\\\ b (/dp/x/y)"));
}

static void
test_metrics_render_names_that_mangle_alike_once(void)
{
	const char *t;

	add_dp("/dp/a/b", IPC_CTR_KIND_COUNTER, "first", 1, 0);
	add_dp("/dp/a_b", IPC_CTR_KIND_COUNTER, "second", 2, 0);
	t = render();
	CU_ASSERT_EQUAL(count(t, "# TYPE chive_dp_a_b_total "), 1);
	CU_ASSERT_TRUE(has_line(t, "chive_dp_a_b_total 1"));
	CU_ASSERT_FALSE(has_line(t, "chive_dp_a_b_total 2"));
	CU_ASSERT_STRING_EQUAL(check_format(t), "");
}

static void
test_metrics_render_controlplane_counters_and_gauges(void)
{
	const char *t;

	cp_metrics_snap_add_cp(&snap, "/cp/onionq/requested", 9);
	cp_metrics_snap_add_cp(&snap, "/cp/onionq/pending", 4);
	t = render();
	CU_ASSERT_TRUE(has_line(t, "# HELP chive_cp_onionq_requested_total control plane counter "
				   "(/cp/onionq/requested)"));
	CU_ASSERT_TRUE(has_line(t, "# TYPE chive_cp_onionq_requested_total counter"));
	CU_ASSERT_TRUE(has_line(t, "chive_cp_onionq_requested_total 9"));
	CU_ASSERT_TRUE(has_line(t, "# TYPE chive_cp_onionq_pending gauge"));
	CU_ASSERT_TRUE(has_line(t, "chive_cp_onionq_pending 4"));
	CU_ASSERT_STRING_EQUAL(check_format(t), "");
}

static void
test_metrics_render_dataplane_down(void)
{
	const char *t;

	cp_metrics_snap_add_cp(&snap, "/cp/dplink/attaches", 0);
	t = render();
	CU_ASSERT_TRUE(has_line(t, "chive_dataplane_up 0"));
	CU_ASSERT_TRUE(has_line(t, "chive_cp_dplink_attaches_total 0"));
	CU_ASSERT_PTR_NULL(strstr(t, "chive_dp_"));
	CU_ASSERT_PTR_NULL(strstr(t, "tor_relay_circuits_total"));
	CU_ASSERT_STRING_EQUAL(check_format(t), "");
}

static void
test_metrics_render_snapshot_add_grows(void)
{
	char name[32];

	for (int i = 0; i < 300; i++) {
		snprintf(name, sizeof(name), "/cp/t/c%d", i);
		cp_metrics_snap_add_cp(&snap, name, (uint64_t)i);
	}
	CU_ASSERT_EQUAL_FATAL(snap.n_cp, 300);
	CU_ASSERT_STRING_EQUAL(snap.cp[299].name, "/cp/t/c299");
	CU_ASSERT_EQUAL(snap.cp[299].value, 299);
	CU_ASSERT_STRING_EQUAL(check_format(render()), "");
}

/* ---- tor's names ------------------------------------------------------------ */

static void
add_onionq(void)
{
	static const char *const ht[] = { "tap", "fast", "ntor", "ntor3", "other" };
	char name[64];

	for (int i = 0; i < 5; i++) {
		snprintf(name, sizeof(name), "/cp/onionq/processed/%s", ht[i]);
		cp_metrics_snap_add_cp(&snap, name, (uint64_t)(10 + i));
		snprintf(name, sizeof(name), "/cp/onionq/dropped/%s", ht[i]);
		cp_metrics_snap_add_cp(&snap, name, (uint64_t)(20 + i));
	}
}

static void
test_metrics_tor_onionskins(void)
{
	const char *t;

	add_onionq();
	t = render();
	CU_ASSERT_TRUE(has_line(t, "# HELP tor_relay_load_onionskins_total Total number of "
				   "onionskins handled"));
	CU_ASSERT_TRUE(has_line(t, "# TYPE tor_relay_load_onionskins_total counter"));
	CU_ASSERT_TRUE(has_line(t, "tor_relay_load_onionskins_total{type=\"tap\","
				   "action=\"processed\"} 10"));
	CU_ASSERT_TRUE(has_line(t, "tor_relay_load_onionskins_total{type=\"fast\","
				   "action=\"dropped\"} 21"));
	CU_ASSERT_TRUE(has_line(t, "tor_relay_load_onionskins_total{type=\"ntor\","
				   "action=\"processed\"} 12"));
	CU_ASSERT_TRUE(has_line(t, "tor_relay_load_onionskins_total{type=\"ntor_v3\","
				   "action=\"processed\"} 13"));
	CU_ASSERT_TRUE(has_line(t, "tor_relay_load_onionskins_total{type=\"ntor_v3\","
				   "action=\"dropped\"} 23"));
	CU_ASSERT_EQUAL(count(t, "tor_relay_load_onionskins_total{"), 8);
	CU_ASSERT_STRING_EQUAL(check_format(t), "");
}

static void
test_metrics_tor_circuits_are_open_minus_halves(void)
{
	const char *t;

	add_dp("/dp/circ/open", IPC_CTR_KIND_GAUGE, "circuits", 5, 3);
	add_dp("/dp/circ/halves", IPC_CTR_KIND_GAUGE, "halves", 0, 2);
	t = render();
	CU_ASSERT_TRUE(has_line(t, "# TYPE tor_relay_circuits_total gauge"));
	CU_ASSERT_TRUE(has_line(t, "tor_relay_circuits_total{state=\"opened\"} 6"));
}

static void
test_metrics_tor_traffic_connections_cells(void)
{
	const char *t;

	add_dp("/dp/tls/rx_wire_bytes", IPC_CTR_KIND_COUNTER, "rx", 1000, 24);
	add_dp("/dp/tls/tx_wire_bytes", IPC_CTR_KIND_COUNTER, "tx", 2000, 48);
	add_dp("/dp/chan/accepted", IPC_CTR_KIND_COUNTER, "accepted", 3, 0);
	add_dp("/dp/chan/connects", IPC_CTR_KIND_COUNTER, "connects", 0, 4);
	add_dp("/dp/chan/refused", IPC_CTR_KIND_COUNTER, "refused", 1, 1);
	add_dp("/dp/circ/destroy_rx", IPC_CTR_KIND_COUNTER, "destroy", 7, 0);
	add_dp("/dp/circ/destroy_unknown", IPC_CTR_KIND_COUNTER, "unknown", 0, 1);
	add_dp("/dp/circ/drop_rx", IPC_CTR_KIND_COUNTER, "drop", 2, 3);
	t = render();
	CU_ASSERT_TRUE(has_line(t, "# TYPE tor_relay_traffic_bytes counter"));
	CU_ASSERT_TRUE(has_line(t, "tor_relay_traffic_bytes{direction=\"read\"} 1024"));
	CU_ASSERT_TRUE(has_line(t, "tor_relay_traffic_bytes{direction=\"written\"} 2048"));
	CU_ASSERT_TRUE(has_line(t, "tor_relay_connections_total{type=\"OR\",direction=\"initiated\","
				   "state=\"created\",family=\"ipv4\"} 4"));
	CU_ASSERT_TRUE(has_line(t, "tor_relay_connections_total{type=\"OR\",direction=\"received\","
				   "state=\"created\",family=\"ipv4\"} 3"));
	CU_ASSERT_TRUE(has_line(t, "tor_relay_connections_total{type=\"OR\",direction=\"received\","
				   "state=\"rejected\",family=\"ipv4\"} 2"));
	CU_ASSERT_TRUE(has_line(t, "tor_relay_destroy_cell_total 8"));
	CU_ASSERT_TRUE(has_line(t, "tor_relay_drop_cell_total 5"));
	CU_ASSERT_STRING_EQUAL(check_format(t), "");
}

static void
test_metrics_tor_flags_from_the_consensus(void)
{
	const char *t;

	cp_metrics_snap_add_cp(&snap, "/cp/dir/flag/running", 1);
	cp_metrics_snap_add_cp(&snap, "/cp/dir/flag/valid", 1);
	cp_metrics_snap_add_cp(&snap, "/cp/dir/flag/fast", 0);
	cp_metrics_snap_add_cp(&snap, "/cp/dir/flag/v2dir", 1);
	t = render();
	CU_ASSERT_TRUE(has_line(t, "# HELP tor_relay_flag Relay flags from consensus"));
	CU_ASSERT_TRUE(has_line(t, "# TYPE tor_relay_flag gauge"));
	CU_ASSERT_TRUE(has_line(t, "tor_relay_flag{type=\"Running\"} 1"));
	CU_ASSERT_TRUE(has_line(t, "tor_relay_flag{type=\"Fast\"} 0"));
	CU_ASSERT_TRUE(has_line(t, "tor_relay_flag{type=\"V2Dir\"} 1"));
	/* tor has no Valid flag metric. */
	CU_ASSERT_EQUAL(count(t, "tor_relay_flag{"), 3);
	CU_ASSERT_TRUE(has_line(t, "chive_cp_dir_flag_valid 1"));
}

static void
test_metrics_tor_families_absent_without_their_counters(void)
{
	const char *t;

	add_dp("/dp/tcp/rx_segs", IPC_CTR_KIND_COUNTER, "segments", 1, 1);
	t = render();
	CU_ASSERT_PTR_NULL(strstr(t, "tor_"));
}

/* /dp/cell/{rx,tx}/CMD: one family, summed over the lcores, the command as a label. */
static void
test_metrics_cells_by_command_and_direction(void)
{
	const char *t;

	add_dp("/dp/chan/cells_rx", IPC_CTR_KIND_COUNTER, "cells", 9, 9);
	add_dp("/dp/cell/rx/relay", IPC_CTR_KIND_COUNTER, "relay rx", 5, 2);
	add_dp("/dp/cell/rx/netinfo", IPC_CTR_KIND_COUNTER, "netinfo rx", 1, 0);
	add_dp("/dp/cell/rx/other", IPC_CTR_KIND_COUNTER, "other rx", 0, 3);
	add_dp("/dp/cell/tx/relay", IPC_CTR_KIND_COUNTER, "relay tx", 4, 4);
	add_dp("/dp/cell/tx/netinfo", IPC_CTR_KIND_COUNTER, "netinfo tx", 0, 1);
	add_dp("/dp/cell/tx/other", IPC_CTR_KIND_COUNTER, "other tx", 0, 0);
	t = render();
	CU_ASSERT_TRUE(has_line(t, "# TYPE chive_cells_total counter"));
	CU_ASSERT_EQUAL(count(t, "# HELP chive_cells_total "), 1);
	CU_ASSERT_TRUE(
		has_line(t, "chive_cells_total{direction=\"received\",command=\"relay\"} 7"));
	CU_ASSERT_TRUE(
		has_line(t, "chive_cells_total{direction=\"received\",command=\"netinfo\"} 1"));
	CU_ASSERT_TRUE(
		has_line(t, "chive_cells_total{direction=\"received\",command=\"other\"} 3"));
	CU_ASSERT_TRUE(has_line(t, "chive_cells_total{direction=\"sent\",command=\"relay\"} 8"));
	CU_ASSERT_TRUE(has_line(t, "chive_cells_total{direction=\"sent\",command=\"netinfo\"} 1"));
	CU_ASSERT_TRUE(has_line(t, "chive_cells_total{direction=\"sent\",command=\"other\"} 0"));
	CU_ASSERT_EQUAL(count(t, "chive_cells_total{"), 6);
	/* The generic per-counter families stay. */
	CU_ASSERT_TRUE(has_line(t, "chive_dp_cell_rx_relay_total 7"));
	CU_ASSERT_STRING_EQUAL(check_format(t), "");
}

static void
test_metrics_cells_absent_without_their_counters(void)
{
	add_dp("/dp/chan/cells_rx", IPC_CTR_KIND_COUNTER, "cells", 9, 9);
	CU_ASSERT_PTR_NULL(strstr(render(), "chive_cells_total"));
}

static void
test_metrics_tor_signing_cert_expiry_only_with_offline_master(void)
{
	snap.signing_cert_expires = 1800000000;
	CU_ASSERT_PTR_NULL(strstr(render(), "tor_relay_signing_cert_expiry_timestamp"));
	snap.master_offline = true;
	CU_ASSERT_TRUE(has_line(render(), "tor_relay_signing_cert_expiry_timestamp 1800000000"));
}

/* ---- MetricsPortPolicy ------------------------------------------------------- */

static struct conf_policy_rule rules[CONF_POLICY_MAX];
static unsigned n_rules;

static int
policy(const char *s)
{
	n_rules = 0;
	return conf_parse_policy(s, rules, CONF_POLICY_MAX, &n_rules, err, sizeof(err));
}

static bool
accepts(const char *ip)
{
	uint32_t a;

	CU_ASSERT_TRUE_FATAL(conf_parse_ipv4(ip, &a));
	return conf_policy_accepts(rules, n_rules, a);
}

static void
test_metrics_policy_empty_rejects_everyone(void)
{
	CU_ASSERT_EQUAL(policy(""), 0);
	CU_ASSERT_EQUAL(n_rules, 0);
	CU_ASSERT_FALSE(accepts("127.0.0.1"));
	CU_ASSERT_FALSE(conf_policy_accepts_any(rules, n_rules));
}

static void
test_metrics_policy_accept_one_address(void)
{
	CU_ASSERT_EQUAL_FATAL(policy("accept 127.0.0.1"), 0);
	CU_ASSERT_TRUE(accepts("127.0.0.1"));
	CU_ASSERT_FALSE(accepts("127.0.0.2"));
	CU_ASSERT_FALSE(accepts("10.0.0.1"));
	CU_ASSERT_TRUE(conf_policy_accepts_any(rules, n_rules));
}

static void
test_metrics_policy_first_match_wins(void)
{
	CU_ASSERT_EQUAL_FATAL(policy("reject 10.1.0.0/16, accept 10.0.0.0/8"), 0);
	CU_ASSERT_FALSE(accepts("10.1.2.3"));
	CU_ASSERT_TRUE(accepts("10.2.0.1"));
	CU_ASSERT_FALSE(accepts("11.0.0.1"));
	CU_ASSERT_EQUAL_FATAL(policy("reject *, accept 127.0.0.1"), 0);
	CU_ASSERT_FALSE(accepts("127.0.0.1"));
	CU_ASSERT_FALSE(conf_policy_accepts_any(rules, n_rules));
}

static void
test_metrics_policy_masks_and_host_bits(void)
{
	CU_ASSERT_EQUAL_FATAL(policy("accept 192.168.1.77/24"), 0);
	CU_ASSERT_EQUAL(rules[0].addr, 0xc0a80100);
	CU_ASSERT_TRUE(accepts("192.168.1.200"));
	CU_ASSERT_FALSE(accepts("192.168.2.1"));
	CU_ASSERT_EQUAL_FATAL(policy("accept 172.16.0.0/255.240.0.0"), 0);
	CU_ASSERT_EQUAL(rules[0].prefix_len, 12);
	CU_ASSERT_TRUE(accepts("172.31.255.255"));
	CU_ASSERT_FALSE(accepts("172.32.0.0"));
	CU_ASSERT_EQUAL_FATAL(policy("accept 1.2.3.4/0"), 0);
	CU_ASSERT_TRUE(accepts("8.8.8.8"));
}

static void
test_metrics_policy_wildcards_and_private(void)
{
	CU_ASSERT_EQUAL_FATAL(policy("accept *4"), 0);
	CU_ASSERT_TRUE(accepts("203.0.113.9"));
	CU_ASSERT_EQUAL_FATAL(policy("accept *"), 0);
	CU_ASSERT_TRUE(accepts("203.0.113.9"));
	CU_ASSERT_EQUAL_FATAL(policy("accept private"), 0);
	CU_ASSERT_EQUAL(n_rules, 6);
	CU_ASSERT_TRUE(accepts("127.0.0.1"));
	CU_ASSERT_TRUE(accepts("10.9.8.7"));
	CU_ASSERT_TRUE(accepts("172.20.0.1"));
	CU_ASSERT_TRUE(accepts("192.168.0.1"));
	CU_ASSERT_TRUE(accepts("169.254.1.1"));
	CU_ASSERT_TRUE(accepts("0.1.2.3"));
	CU_ASSERT_FALSE(accepts("172.32.0.1"));
	CU_ASSERT_FALSE(accepts("8.8.8.8"));
}

static void
test_metrics_policy_ipv6_rules_never_match_ipv4(void)
{
	CU_ASSERT_EQUAL_FATAL(policy("accept6 *, accept [::1], accept *6, accept [2001:db8::]/32"),
			      0);
	CU_ASSERT_EQUAL(n_rules, 4);
	CU_ASSERT_FALSE(accepts("127.0.0.1"));
	CU_ASSERT_FALSE(conf_policy_accepts_any(rules, n_rules));
}

static void
test_metrics_policy_ports_are_ignored(void)
{
	CU_ASSERT_EQUAL_FATAL(policy("accept 127.0.0.1:9035, accept 10.0.0.0/8:*, "
				     "accept [::1]:80-90, reject *:*"),
			      0);
	CU_ASSERT_EQUAL(n_rules, 4);
	CU_ASSERT_TRUE(accepts("127.0.0.1"));
	CU_ASSERT_TRUE(accepts("10.0.0.5"));
	CU_ASSERT_FALSE(accepts("11.0.0.5"));
}

static void
test_metrics_policy_bad_entries(void)
{
	static const char *const bad[] = {
		"allow 127.0.0.1", "accept", "accept 1.2.3.4/33", "accept 1.2.3", "accept 1.2.3.4:0",
		"accept 1.2.3.4:70000", "accept 1.2.3.4:9-8", "accept *:x", "accept [::1",
		"accept [zz::1]", "accept [::1]/129", "accept 1.2.3.4 5.6.7.8", "accept */8",
		"accept 1.2.3.4/255.0.255.0", "accept example.org",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CU_ASSERT_EQUAL(policy(bad[i]), -EINVAL);
	CU_ASSERT_EQUAL(policy("accept 1.2.3.4, allow 1.2.3.5"), -EINVAL);
	CU_ASSERT_STRING_EQUAL(err, "\"allow 1.2.3.5\" is not a policy entry "
				    "(accept|reject ADDR[/MASK][:PORT])");
	CU_ASSERT_EQUAL(policy("accept6 1.2.3.4"), -EINVAL);
	CU_ASSERT_EQUAL(policy("accept6 *4"), -EINVAL);
}

static void
test_metrics_policy_too_many_rules(void)
{
	struct conf_file f = { 0 };
	char text[CONF_POLICY_MAX * 40], *p = text;

	/* 11 lines of 6 rules: the 11th goes over. */
	for (int i = 0; i < 11; i++)
		p += sprintf(p, "MetricsPortPolicy accept private\n");
	CU_ASSERT_EQUAL_FATAL(conf_parse(&f, "f.conf", text, strlen(text), err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(conf_validate(&f, err, sizeof(err)), -EINVAL);
	CU_ASSERT_STRING_EQUAL(err, "f.conf:11: MetricsPortPolicy: more than 64 policy rules");
	conf_free(&f);
	n_rules = 60;
	CU_ASSERT_EQUAL(conf_parse_policy("accept private", rules, CONF_POLICY_MAX, &n_rules, err,
					  sizeof(err)),
			-E2BIG);
}

/* ---- MetricsPort ---------------------------------------------------------------- */

static void
test_metrics_port_alone_is_loopback(void)
{
	uint32_t a = 0;
	uint16_t port = 0;

	CU_ASSERT_EQUAL_FATAL(conf_parse_metrics_port("9035", &a, &port, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(a, 0x7f000001);
	CU_ASSERT_EQUAL(port, 9035);
}

static void
test_metrics_port_address_and_format(void)
{
	uint32_t a = 0;
	uint16_t port = 0;

	CU_ASSERT_EQUAL_FATAL(conf_parse_metrics_port("10.0.0.2:9100 Prometheus", &a, &port, err,
						      sizeof(err)),
			      0);
	CU_ASSERT_EQUAL(a, 0x0a000002);
	CU_ASSERT_EQUAL(port, 9100);
	CU_ASSERT_EQUAL(conf_parse_metrics_port("0.0.0.0:1", &a, &port, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(a, 0);
}

static void
test_metrics_port_bad_values(void)
{
	static const char *const bad[] = {
		"0", "65536", "x", "1.2.3.4:", "1.2.3:9035", "localhost:9035", "[::1]:9035",
		"9035 json", "9035 prometheus extra", ":9035",
	};
	uint32_t a;
	uint16_t port;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CU_ASSERT_EQUAL(conf_parse_metrics_port(bad[i], &a, &port, err, sizeof(err)), -EINVAL);
	CU_ASSERT_EQUAL(conf_parse_metrics_port("[::1]:9035", &a, &port, err, sizeof(err)), -EINVAL);
	CU_ASSERT_STRING_EQUAL(err, "\"[::1]:9035\": IPv6 is not supported yet");
}

/* ---- the configuration ------------------------------------------------------------ */

static int
parse_args(struct cp_config *c, int argc, char **argv)
{
	cp_config_default(c);
	return cp_config_parse_args(c, argc, argv, err, sizeof(err));
}

static void
test_metrics_config_command_line(void)
{
	static struct cp_config c;
	char *argv[] = { "cp", "--metrics-port", "127.0.0.2:9035", "--metrics-policy",
			 "accept 127.0.0.1, reject *", "--metrics-policy", "accept 10.0.0.1", NULL };

	CU_ASSERT_EQUAL_FATAL(parse_args(&c, 7, argv), 0);
	CU_ASSERT_EQUAL(c.metrics.addr, 0x7f000002);
	CU_ASSERT_EQUAL(c.metrics.port, 9035);
	CU_ASSERT_EQUAL(c.metrics.n_policy, 3);
	CU_ASSERT_TRUE(conf_policy_accepts(c.metrics.policy, c.metrics.n_policy, 0x7f000001));
	CU_ASSERT_FALSE(conf_policy_accepts(c.metrics.policy, c.metrics.n_policy, 0x0a000001));
}

static void
test_metrics_config_default_is_off(void)
{
	static struct cp_config c;
	char *argv[] = { "cp", "--shm", "x", NULL };

	CU_ASSERT_EQUAL_FATAL(parse_args(&c, 3, argv), 0);
	CU_ASSERT_EQUAL(c.metrics.port, 0);
	CU_ASSERT_EQUAL(c.metrics.n_policy, 0);
}

static void
test_metrics_config_bad_option_says_why(void)
{
	static struct cp_config c;
	char *argv[] = { "cp", "--metrics-port", "99999", NULL };
	char *argv2[] = { "cp", "--metrics-policy", "permit *", NULL };

	CU_ASSERT_EQUAL(parse_args(&c, 3, argv), -EINVAL);
	CU_ASSERT_STRING_EQUAL(err, "--metrics-port: \"99999\" is not [A.B.C.D:]PORT (port 1-65535)");
	CU_ASSERT_EQUAL(parse_args(&c, 3, argv2), -EINVAL);
	CU_ASSERT_STRING_EQUAL(err, "--metrics-policy: \"permit *\" is not a policy entry "
				    "(accept|reject ADDR[/MASK][:PORT])");
}

static void
test_metrics_config_file_lines_then_command_line_replaces(void)
{
	static struct cp_config c;
	char dir[] = "/tmp/chive-test-metrics-XXXXXX", path[64];
	char *argv[] = { "cp", "-f", path, NULL };
	char *argv2[] = { "cp", "-f", path, "--metrics-policy", "accept 10.0.0.1", NULL };
	FILE *fp;

	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/chive.conf", dir);
	fp = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	fputs("MetricsPort 0.0.0.0:9035 prometheus\n"
	      "MetricsPortPolicy accept 127.0.0.1\n"
	      "MetricsPortPolicy accept 192.168.0.0/16\n",
	      fp);
	fclose(fp);
	CU_ASSERT_EQUAL(parse_args(&c, 3, argv), 0);
	CU_ASSERT_EQUAL(c.metrics.addr, 0);
	CU_ASSERT_EQUAL(c.metrics.port, 9035);
	CU_ASSERT_EQUAL(c.metrics.n_policy, 2);
	CU_ASSERT_TRUE(conf_policy_accepts(c.metrics.policy, c.metrics.n_policy, 0xc0a80505));
	CU_ASSERT_EQUAL(parse_args(&c, 5, argv2), 0);
	CU_ASSERT_EQUAL(c.metrics.n_policy, 1);
	CU_ASSERT_FALSE(conf_policy_accepts(c.metrics.policy, c.metrics.n_policy, 0x7f000001));
	CU_ASSERT_TRUE(conf_policy_accepts(c.metrics.policy, c.metrics.n_policy, 0x0a000001));
	unlink(path);
	rmdir(dir);
}

/* ---- HTTP -------------------------------------------------------------------------- */

static const struct {
	const char *name;
	const char *req;
	enum cp_metrics_req want;
} http_cases[] = {
	{ "get_metrics_http10", "GET /metrics HTTP/1.0\r\n\r\n", CP_METRICS_REQ_METRICS },
	{ "get_metrics_http11_headers",
	  "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1:9035\r\nUser-Agent: Prometheus/2.42.0\r\n"
	  "Accept: application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5\r\n"
	  "Accept-Encoding: gzip\r\nX-Prometheus-Scrape-Timeout-Seconds: 10\r\n\r\n",
	  CP_METRICS_REQ_METRICS },
	{ "bare_lf_lines", "GET /metrics HTTP/1.1\nHost: x\n\n", CP_METRICS_REQ_METRICS },
	{ "query_is_ignored", "GET /metrics?name[]=x HTTP/1.1\r\n\r\n", CP_METRICS_REQ_METRICS },
	{ "one_leading_empty_line", "\r\nGET /metrics HTTP/1.0\r\n\r\n", CP_METRICS_REQ_METRICS },
	{ "body_after_head_ignored", "GET /metrics HTTP/1.0\r\nContent-Length: 3\r\n\r\nabc",
	  CP_METRICS_REQ_METRICS },
	{ "head_incomplete", "GET /metrics HTTP/1.1\r\nHost: x\r\n", CP_METRICS_REQ_MORE },
	{ "request_line_incomplete", "GET /met", CP_METRICS_REQ_MORE },
	{ "nothing_yet", "", CP_METRICS_REQ_MORE },
	{ "other_path_404", "GET / HTTP/1.0\r\n\r\n", CP_METRICS_REQ_NOT_FOUND },
	{ "trailing_slash_404", "GET /metrics/ HTTP/1.0\r\n\r\n", CP_METRICS_REQ_NOT_FOUND },
	{ "prefix_404", "GET /metricsx HTTP/1.0\r\n\r\n", CP_METRICS_REQ_NOT_FOUND },
	{ "post_405", "POST /metrics HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
	  CP_METRICS_REQ_BAD_METHOD },
	{ "head_405", "HEAD /metrics HTTP/1.0\r\n\r\n", CP_METRICS_REQ_BAD_METHOD },
	{ "lower_case_get_405", "get /metrics HTTP/1.0\r\n\r\n", CP_METRICS_REQ_BAD_METHOD },
	{ "garbage_400", "garbage\r\n\r\n", CP_METRICS_REQ_BAD },
	{ "no_version_400", "GET /metrics\r\n\r\n", CP_METRICS_REQ_BAD },
	{ "http2_400", "GET /metrics HTTP/2.0\r\n\r\n", CP_METRICS_REQ_BAD },
	{ "version_suffix_400", "GET /metrics HTTP/1.10\r\n\r\n", CP_METRICS_REQ_BAD },
	{ "absolute_target_400", "GET http://x/metrics HTTP/1.1\r\n\r\n", CP_METRICS_REQ_BAD },
	{ "double_space_400", "GET  /metrics HTTP/1.1\r\n\r\n", CP_METRICS_REQ_BAD },
	{ "space_in_target_400", "GET /met rics HTTP/1.1\r\n\r\n", CP_METRICS_REQ_BAD },
	{ "header_without_colon_400", "GET /metrics HTTP/1.1\r\nHost x\r\n\r\n", CP_METRICS_REQ_BAD },
	{ "folded_header_400", "GET /metrics HTTP/1.1\r\nA: b\r\n c\r\n\r\n", CP_METRICS_REQ_BAD },
	{ "space_before_colon_400", "GET /metrics HTTP/1.1\r\nHost : x\r\n\r\n",
	  CP_METRICS_REQ_BAD },
	{ "control_byte_in_header_400", "GET /metrics HTTP/1.1\r\nA: b\001\r\n\r\n",
	  CP_METRICS_REQ_BAD },
	{ "bare_cr_in_request_line_400", "GET /metrics\rX HTTP/1.1\r\n\r\n", CP_METRICS_REQ_BAD },
};

static void
test_metrics_http_request_table(void)
{
	for (size_t i = 0; i < sizeof(http_cases) / sizeof(http_cases[0]); i++) {
		enum cp_metrics_req got = cp_metrics_http_parse(
			http_cases[i].req, strlen(http_cases[i].req), CP_METRICS_REQ_MAX);

		if (got != http_cases[i].want)
			fprintf(stderr, "\n    %s: got %d, want %d\n", http_cases[i].name, (int)got,
				(int)http_cases[i].want);
		CU_ASSERT_EQUAL(got, http_cases[i].want);
	}
}

static void
test_metrics_http_nul_in_header_400(void)
{
	static const char req[] = "GET /metrics HTTP/1.1\r\nA: b\0c\r\n\r\n";

	CU_ASSERT_EQUAL(cp_metrics_http_parse(req, sizeof(req) - 1, CP_METRICS_REQ_MAX),
			CP_METRICS_REQ_BAD);
}

static void
test_metrics_http_head_longer_than_max_400(void)
{
	char req[CP_METRICS_REQ_MAX];

	memset(req, 'a', sizeof(req));
	memcpy(req, "GET /metrics HTTP/1.1\r\nX-Long: ", 31);
	CU_ASSERT_EQUAL(cp_metrics_http_parse(req, sizeof(req) - 1, sizeof(req)),
			CP_METRICS_REQ_MORE);
	CU_ASSERT_EQUAL(cp_metrics_http_parse(req, sizeof(req), sizeof(req)), CP_METRICS_REQ_BAD);
}

static void
test_metrics_http_answer_200(void)
{
	struct cp_buf body = { 0 };
	char want[64];

	cp_buf_printf(&body, "a 1\n");
	cp_metrics_http_answer(&out, CP_METRICS_REQ_METRICS, &body, 0);
	CU_ASSERT_EQUAL(strncmp(out.p, "HTTP/1.0 200 OK\r\nDate: Thu, 01 Jan 1970 00:00:00 GMT\r\n",
				53),
			0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out.p, "\r\nContent-Type: text/plain; version=0.0.4; "
					     "charset=utf-8\r\n"));
	snprintf(want, sizeof(want), "\r\nContent-Length: %zu\r\n", body.len);
	CU_ASSERT_PTR_NOT_NULL(strstr(out.p, want));
	CU_ASSERT_PTR_NOT_NULL(strstr(out.p, "\r\nConnection: close\r\n\r\na 1\n"));
	cp_buf_free(&body);
}

static void
test_metrics_http_answer_errors(void)
{
	cp_metrics_http_answer(&out, CP_METRICS_REQ_NOT_FOUND, NULL, 0);
	CU_ASSERT_EQUAL(strncmp(out.p, "HTTP/1.0 404 Not Found\r\n", 24), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out.p, "\r\n\r\nnot found: the metrics are at /metrics\n"));
	cp_buf_free(&out);
	cp_metrics_http_answer(&out, CP_METRICS_REQ_BAD_METHOD, NULL, 0);
	CU_ASSERT_EQUAL(strncmp(out.p, "HTTP/1.0 405 Method Not Allowed\r\n", 33), 0);
	cp_buf_free(&out);
	cp_metrics_http_answer(&out, CP_METRICS_REQ_BAD, NULL, 0);
	CU_ASSERT_EQUAL(strncmp(out.p, "HTTP/1.0 400 Bad Request\r\n", 26), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out.p, "\r\nContent-Length: 12\r\n"));
}

/* The port's PORT_INFO: identity, link and NIC counters, labelled by port name. */
static void
test_metrics_port_families(void)
{
	const char *t;

	add_dp("/dp/lcore/iterations", IPC_CTR_KIND_COUNTER, "main-loop iterations", 1, 2);
	t = render();
	CU_ASSERT_PTR_NULL(strstr(t, "chive_port_"));
	snap.port_valid = true;
	snprintf(snap.port.name, sizeof(snap.port.name), "0000:03:00.0");
	memcpy(snap.port.mac, "\x02\x00\x5e\x10\x20\x30", 6);
	snap.port.mtu = 1500;
	snap.port.n_queues = 2;
	snap.port.link_up = 1;
	snap.port.link_speed_mbps = 25000;
	snap.port.rx_packets = 11;
	snap.port.tx_bytes = 22;
	snap.port.rx_missed = 33;
	snap.port_age_ns = UINT64_C(3000000000);
	t = render();
	CU_ASSERT_STRING_EQUAL(check_format(t), "");
	CU_ASSERT_TRUE(has_line(t, "chive_port_info{port=\"0000:03:00.0\",mac=\"02:00:5e:10:20:30\","
				   "mtu=\"1500\",queues=\"2\"} 1"));
	CU_ASSERT_TRUE(has_line(t, "chive_port_link_up{port=\"0000:03:00.0\"} 1"));
	CU_ASSERT_TRUE(has_line(t, "chive_port_link_speed_mbps{port=\"0000:03:00.0\"} 25000"));
	CU_ASSERT_TRUE(has_line(t, "# TYPE chive_port_rx_packets_total counter"));
	CU_ASSERT_TRUE(has_line(t, "chive_port_rx_packets_total{port=\"0000:03:00.0\"} 11"));
	CU_ASSERT_TRUE(has_line(t, "chive_port_tx_bytes_total{port=\"0000:03:00.0\"} 22"));
	CU_ASSERT_TRUE(has_line(t, "chive_port_rx_missed_total{port=\"0000:03:00.0\"} 33"));
	CU_ASSERT_TRUE(has_line(t, "chive_port_stats_age_seconds{port=\"0000:03:00.0\"} 3"));
	/* No dataplane: no port either. */
	snap.dp_up = false;
	t = render();
	CU_ASSERT_PTR_NULL(strstr(t, "chive_port_"));
}

/* A port with two queues, as PORT_INFO and PORT_QUEUE give it. */
static void
port_with_queues(void)
{
	add_dp("/dp/lcore/iterations", IPC_CTR_KIND_COUNTER, "main-loop iterations", 1, 2);
	snap.port_valid = true;
	snprintf(snap.port.name, sizeof(snap.port.name), "net_af_packet0");
	snap.port.n_queues = 2;
	snap.n_port_queues = 2;
	for (uint16_t q = 0; q < 2; q++) {
		snap.port_queues[q].queue = q;
		snap.port_queues[q].rx_packets = 10u + q;
		snap.port_queues[q].rx_bytes = 100u + q;
		snap.port_queues[q].tx_packets = 20u + q;
		snap.port_queues[q].tx_bytes = 200u + q;
		snap.port_queues[q].errors = 30u + q;
	}
}

/* Each queue's NIC counters: one counter family per figure, labelled by port and queue. */
static void
test_metrics_port_queue_families(void)
{
	const char *t;

	port_with_queues();
	t = render();
	CU_ASSERT_STRING_EQUAL(check_format(t), "");
	CU_ASSERT_TRUE(has_line(t, "# TYPE chive_port_queue_rx_packets_total counter"));
	CU_ASSERT_TRUE(has_line(
		t, "chive_port_queue_rx_packets_total{port=\"net_af_packet0\",queue=\"0\"} 10"));
	CU_ASSERT_TRUE(has_line(
		t, "chive_port_queue_rx_packets_total{port=\"net_af_packet0\",queue=\"1\"} 11"));
	CU_ASSERT_TRUE(has_line(
		t, "chive_port_queue_rx_bytes_total{port=\"net_af_packet0\",queue=\"1\"} 101"));
	CU_ASSERT_TRUE(has_line(
		t, "chive_port_queue_tx_packets_total{port=\"net_af_packet0\",queue=\"0\"} 20"));
	CU_ASSERT_TRUE(has_line(
		t, "chive_port_queue_tx_bytes_total{port=\"net_af_packet0\",queue=\"1\"} 201"));
	CU_ASSERT_TRUE(has_line(
		t, "chive_port_queue_errors_total{port=\"net_af_packet0\",queue=\"1\"} 31"));
	CU_ASSERT_EQUAL(count(t, "chive_port_queue_rx_packets_total{"), 2);
	/* No xstats listing: no xstat family. */
	CU_ASSERT_PTR_NULL(strstr(t, "chive_port_xstat"));
}

/* The NIC's xstats: one untyped family, the stat's name an escaped label value. */
static void
test_metrics_port_xstat_family(void)
{
	static struct cp_port_xstat x[3] = {
		{ "rx_good_packets", 7 },
		{ "tx_good_packets", 8 },
		{ "rx_\"odd\"\\name", 9 },
	};
	const char *t;

	port_with_queues();
	snap.port_xstats_valid = true;
	snap.port_xstats = x;
	snap.n_port_xstats = 3;
	snap.port_xstats_total = 3;
	t = render();
	CU_ASSERT_STRING_EQUAL(check_format(t), "");
	CU_ASSERT_TRUE(has_line(t, "# TYPE chive_port_xstat untyped"));
	CU_ASSERT_TRUE(has_line(
		t, "chive_port_xstat{port=\"net_af_packet0\",name=\"rx_good_packets\"} 7"));
	CU_ASSERT_TRUE(has_line(
		t, "chive_port_xstat{port=\"net_af_packet0\",name=\"tx_good_packets\"} 8"));
	CU_ASSERT_TRUE(has_line(
		t, "chive_port_xstat{port=\"net_af_packet0\",name=\"rx_\\\"odd\\\"\\\\name\"} 9"));
	CU_ASSERT_EQUAL(count(t, "chive_port_xstat{"), 3);
	CU_ASSERT_TRUE(has_line(t, "# TYPE chive_port_xstats_omitted gauge"));
	CU_ASSERT_TRUE(has_line(t, "chive_port_xstats_omitted{port=\"net_af_packet0\"} 0"));
	/* A NIC with more than Chive reads says how many are left out. */
	snap.port_xstats_total = 300;
	t = render();
	CU_ASSERT_TRUE(has_line(t, "chive_port_xstats_omitted{port=\"net_af_packet0\"} 297"));
	/* No dataplane: no port, no xstats. */
	snap.dp_up = false;
	t = render();
	CU_ASSERT_PTR_NULL(strstr(t, "chive_port_"));
}

static CU_TestInfo metrics_tests[] = {
	{ "port_families", test_metrics_port_families },
	{ "port_queue_families", test_metrics_port_queue_families },
	{ "port_xstat_family", test_metrics_port_xstat_family },
	{ "name_counter_gets_total", test_metrics_name_counter_gets_total },
	{ "name_gauge_has_no_suffix", test_metrics_name_gauge_has_no_suffix },
	{ "name_turns_other_characters_into_underscores",
	  test_metrics_name_turns_other_characters_into_underscores },
	{ "name_total_is_not_doubled", test_metrics_name_total_is_not_doubled },
	{ "name_too_long_is_refused", test_metrics_name_too_long_is_refused },
	{ "help_escapes_backslash_and_newline", test_metrics_help_escapes_backslash_and_newline },
	{ "label_escapes_quote_backslash_newline",
	  test_metrics_label_escapes_quote_backslash_newline },
	{ "cp_gauges_are_known", test_metrics_cp_gauges_are_known },
	{ "lcore_counters_are_per_lcore", test_metrics_lcore_counters_are_per_lcore },
	{ "render_dataplane_counter_help_type_sample",
	  test_metrics_render_dataplane_counter_help_type_sample },
	{ "render_dataplane_gauge", test_metrics_render_dataplane_gauge },
	{ "render_lcore_counters_per_lcore_only",
	  test_metrics_render_lcore_counters_per_lcore_only },
	{ "render_lcore_busy_ratio_by_lcore_and_window",
	  test_metrics_render_lcore_busy_ratio_by_lcore_and_window },
	{ "render_lcore_busy_ratio_absent_while_unknown",
	  test_metrics_render_lcore_busy_ratio_absent_while_unknown },
	{ "render_lcore_busy_ratio_absent_with_dataplane_down",
	  test_metrics_render_lcore_busy_ratio_absent_with_dataplane_down },
	{ "render_help_is_escaped", test_metrics_render_help_is_escaped },
	{ "render_names_that_mangle_alike_once", test_metrics_render_names_that_mangle_alike_once },
	{ "render_controlplane_counters_and_gauges",
	  test_metrics_render_controlplane_counters_and_gauges },
	{ "render_dataplane_down", test_metrics_render_dataplane_down },
	{ "render_snapshot_add_grows", test_metrics_render_snapshot_add_grows },
	{ "tor_onionskins", test_metrics_tor_onionskins },
	{ "tor_circuits_are_open_minus_halves", test_metrics_tor_circuits_are_open_minus_halves },
	{ "tor_traffic_connections_cells", test_metrics_tor_traffic_connections_cells },
	{ "tor_flags_from_the_consensus", test_metrics_tor_flags_from_the_consensus },
	{ "tor_families_absent_without_their_counters",
	  test_metrics_tor_families_absent_without_their_counters },
	{ "cells_by_command_and_direction", test_metrics_cells_by_command_and_direction },
	{ "cells_absent_without_their_counters", test_metrics_cells_absent_without_their_counters },
	{ "tor_signing_cert_expiry_only_with_offline_master",
	  test_metrics_tor_signing_cert_expiry_only_with_offline_master },
	{ "policy_empty_rejects_everyone", test_metrics_policy_empty_rejects_everyone },
	{ "policy_accept_one_address", test_metrics_policy_accept_one_address },
	{ "policy_first_match_wins", test_metrics_policy_first_match_wins },
	{ "policy_masks_and_host_bits", test_metrics_policy_masks_and_host_bits },
	{ "policy_wildcards_and_private", test_metrics_policy_wildcards_and_private },
	{ "policy_ipv6_rules_never_match_ipv4", test_metrics_policy_ipv6_rules_never_match_ipv4 },
	{ "policy_ports_are_ignored", test_metrics_policy_ports_are_ignored },
	{ "policy_bad_entries", test_metrics_policy_bad_entries },
	{ "policy_too_many_rules", test_metrics_policy_too_many_rules },
	{ "port_alone_is_loopback", test_metrics_port_alone_is_loopback },
	{ "port_address_and_format", test_metrics_port_address_and_format },
	{ "port_bad_values", test_metrics_port_bad_values },
	{ "config_command_line", test_metrics_config_command_line },
	{ "config_default_is_off", test_metrics_config_default_is_off },
	{ "config_bad_option_says_why", test_metrics_config_bad_option_says_why },
	{ "config_file_lines_then_command_line_replaces",
	  test_metrics_config_file_lines_then_command_line_replaces },
	{ "http_request_table", test_metrics_http_request_table },
	{ "http_nul_in_header_400", test_metrics_http_nul_in_header_400 },
	{ "http_head_longer_than_max_400", test_metrics_http_head_longer_than_max_400 },
	{ "http_answer_200", test_metrics_http_answer_200 },
	{ "http_answer_errors", test_metrics_http_answer_errors },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_metrics = {
	.pName = "controlplane/metrics",
	.pSetUpFunc = setup,
	.pTearDownFunc = teardown,
	.pTests = metrics_tests,
};
