/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief A snapshot in the Prometheus text exposition format 0.0.4.
 *
 * Generic first: every dataplane counter of the directory becomes
 * `chive_<path with / as _>` (with `_total` for a counter), its help text
 * and its kind from the directory, so a new counter needs no change here;
 * the control plane's own counters likewise (`/cp/...` as `chive_cp_...`).
 * Then tor's MetricsPort names (tor 0.4.9's relay_metrics.c: names, HELP
 * texts, label names and values and their order, as a tor 0.4.9.11 scrape
 * shows them) for the figures a Chive counter really measures, so existing
 * dashboards work; README.md has the table.
 *
 * The format (prometheus/docs exposition_formats.md): `# HELP name text`
 * (`\` and newline escaped), `# TYPE name counter|gauge|untyped` once per name and
 * before its samples, the samples of one family together, label values
 * with `\`, `"` and newline escaped, names [a-zA-Z_:][a-zA-Z0-9_:]*.
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "controlplane/metrics/metrics_int.h"

/* ---- names and escaping ---------------------------------------------------- */

bool
cp_metrics_name(const char *path, bool counter, char *out, size_t outlen)
{
	static const char suffix[] = "_total";
	size_t n = strlen(CP_METRICS_PREFIX), k;

	if (n + 1 > outlen)
		return false;
	memcpy(out, CP_METRICS_PREFIX, n);
	/* A path starts with '/', which becomes the '_' after the prefix. */
	for (const char *p = path; *p != '\0'; p++) {
		char c = *p;

		if (n + 2 > outlen)
			return false;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
			c = '_';
		out[n++] = c;
	}
	out[n] = '\0';
	k = sizeof(suffix) - 1;
	if (counter && !(n >= k && strcmp(out + n - k, suffix) == 0)) {
		if (n + k + 1 > outlen)
			return false;
		memcpy(out + n, suffix, k + 1);
	}
	return true;
}

/* Append @p s with the characters in @p special escaped by a backslash, newline as \n. */
static void
escape(struct cp_buf *b, const char *s, const char *special)
{
	const char *run = s;

	for (; *s != '\0'; s++) {
		if (*s != '\n' && strchr(special, *s) == NULL)
			continue;
		cp_buf_append(b, run, (size_t)(s - run));
		if (*s == '\n')
			cp_buf_append(b, "\\n", 2);
		else
			cp_buf_printf(b, "\\%c", *s);
		run = s + 1;
	}
	cp_buf_append(b, run, (size_t)(s - run));
}

void
cp_metrics_escape_help(struct cp_buf *b, const char *s)
{
	escape(b, s, "\\");
}

void
cp_metrics_escape_label(struct cp_buf *b, const char *s)
{
	escape(b, s, "\\\"");
}

/* ---- kinds ----------------------------------------------------------------- */

bool
cp_metrics_cp_is_gauge(const char *name)
{
	/* Levels the control plane reports through cp_ctr_fn (grep 'fn(arg, "/cp/'). */
	static const char *const exact[] = {
		"/cp/dplink/pending",
		"/cp/link/creds_gen",
		"/cp/link/installed_lcores",
		"/cp/link/channel_lcores",
		"/cp/onionq/pending",
		"/cp/onionq/in_flight",
		"/cp/onionq/completed",
		"/cp/dir/desc_gen",
		"/cp/dir/authorities_holding",
		"/cp/dir/bw_observed",
		"/cp/dir/advertised_bw",
		"/cp/dir/listed",
		"/cp/dir/listed_bandwidth_kb",
		"/cp/dir/consensus_relays",
		"/cp/dir/consensus_valid_after",
		"/cp/metrics/conns",
	};
	static const char *const prefix[] = {
		"/cp/dir/flag/",
		"/cp/onionq/usec/",
	};

	for (size_t i = 0; i < sizeof(exact) / sizeof(exact[0]); i++)
		if (strcmp(name, exact[i]) == 0)
			return true;
	for (size_t i = 0; i < sizeof(prefix) / sizeof(prefix[0]); i++)
		if (strncmp(name, prefix[i], strlen(prefix[i])) == 0)
			return true;
	return false;
}

bool
cp_metrics_is_per_lcore(const char *name)
{
	/* The main loop's own figures are about one core each: their sum says little. */
	return strncmp(name, "/dp/lcore/", strlen("/dp/lcore/")) == 0;
}

/* ---- the writer ------------------------------------------------------------ */

/*
 * Names already written, so that no family appears twice: open addressing
 * over FNV-1a, the table grown to keep it at most half full.
 */
struct render {
	struct cp_buf *out;
	char **seen;
	size_t cap, n;
	unsigned families;
};

static uint64_t
fnv1a(const char *s)
{
	uint64_t h = UINT64_C(14695981039346656037);

	for (; *s != '\0'; s++)
		h = (h ^ (uint8_t)*s) * UINT64_C(1099511628211);
	return h;
}

static void
seen_insert(char **tab, size_t cap, char *name)
{
	size_t i = (size_t)fnv1a(name) & (cap - 1);

	while (tab[i] != NULL)
		i = (i + 1) & (cap - 1);
	tab[i] = name;
}

/* Claim family @p name: false if it was written already. */
static bool
render_claim(struct render *r, const char *name)
{
	size_t i, len = strlen(name);
	char *copy;

	if (r->cap != 0) {
		for (i = (size_t)fnv1a(name) & (r->cap - 1); r->seen[i] != NULL;
		     i = (i + 1) & (r->cap - 1))
			if (strcmp(r->seen[i], name) == 0)
				return false;
	}
	if (2 * (r->n + 1) > r->cap) {
		size_t cap = r->cap == 0 ? 512 : 2 * r->cap;
		char **tab = cp_xcalloc(cap, sizeof(*tab));

		for (i = 0; i < r->cap; i++)
			if (r->seen[i] != NULL)
				seen_insert(tab, cap, r->seen[i]);
		free(r->seen);
		r->seen = tab;
		r->cap = cap;
	}
	copy = cp_xmalloc(len + 1);
	memcpy(copy, name, len + 1);
	seen_insert(r->seen, r->cap, copy);
	r->n++;
	return true;
}

static void
render_free(struct render *r)
{
	for (size_t i = 0; i < r->cap; i++)
		free(r->seen[i]);
	free(r->seen);
}

/*
 * Start family @p name of @p type with help text @p help (and, if not NULL,
 * " (@p path)" after it). False if the name was written already: the
 * caller then writes no samples.
 */
static bool
family(struct render *r, const char *name, const char *type, const char *help, const char *path)
{
	if (!render_claim(r, name))
		return false;
	cp_buf_printf(r->out, "# HELP %s ", name);
	cp_metrics_escape_help(r->out, help);
	if (path != NULL) {
		cp_buf_append(r->out, " (", 2);
		cp_metrics_escape_help(r->out, path);
		cp_buf_append(r->out, ")", 1);
	}
	cp_buf_printf(r->out, "\n# TYPE %s %s\n", name, type);
	r->families++;
	return true;
}

/* A sample's name and labels; @p labels holds name, value, name, value, ..., NULL (or is NULL). */
static void
sample_start(struct render *r, const char *name, const char *const *labels)
{
	cp_buf_printf(r->out, "%s", name);
	if (labels != NULL && labels[0] != NULL) {
		cp_buf_append(r->out, "{", 1);
		for (size_t i = 0; labels[i] != NULL; i += 2) {
			cp_buf_printf(r->out, "%s%s=\"", i != 0 ? "," : "", labels[i]);
			cp_metrics_escape_label(r->out, labels[i + 1]);
			cp_buf_append(r->out, "\"", 1);
		}
		cp_buf_append(r->out, "}", 1);
	}
}

/* One sample; @p labels as sample_start() takes them. */
static void
sample(struct render *r, const char *name, const char *const *labels, uint64_t v)
{
	sample_start(r, name, labels);
	cp_buf_printf(r->out, " %" PRIu64 "\n", v);
}

/* One sample whose value is not a whole number (a ratio): six significant digits. */
static void
sample_double(struct render *r, const char *name, const char *const *labels, double v)
{
	sample_start(r, name, labels);
	cp_buf_printf(r->out, " %.6g\n", v);
}

/* ---- lookups for tor's names ------------------------------------------------ */

static bool
dp_get(const struct cp_metrics_snap *s, const char *name, uint64_t *v)
{
	if (!s->dp_up)
		return false;
	for (uint32_t i = 0; i < s->n_dp; i++) {
		if (strcmp(s->dp[i].desc.name, name) == 0) {
			*v = s->dp[i].total;
			return true;
		}
	}
	return false;
}

static bool
cp_get(const struct cp_metrics_snap *s, const char *name, uint64_t *v)
{
	for (uint32_t i = 0; i < s->n_cp; i++) {
		if (strcmp(s->cp[i].name, name) == 0) {
			*v = s->cp[i].value;
			return true;
		}
	}
	return false;
}

/* ---- Chive's families ------------------------------------------------------- */

static void
render_dp(struct render *r, const struct cp_metrics_snap *s)
{
	char name[CP_METRICS_NAME_MAX], lc[16];

	if (!s->dp_up)
		return;
	for (uint32_t i = 0; i < s->n_dp; i++) {
		const struct ipc_ctr_desc *d = &s->dp[i].desc;
		bool counter = d->kind == IPC_CTR_KIND_COUNTER;

		if (!cp_metrics_name(d->name, counter, name, sizeof(name)) ||
		    !family(r, name, counter ? "counter" : "gauge", d->help, d->name))
			continue;
		if (!cp_metrics_is_per_lcore(d->name) || s->dp_lcore == NULL) {
			sample(r, name, NULL, s->dp[i].total);
			continue;
		}
		for (uint32_t l = 0; l < s->n_lcores; l++) {
			const char *labels[] = { "lcore", lc, NULL };

			snprintf(lc, sizeof(lc), "%u", l);
			sample(r, name, labels, s->dp_lcore[(size_t)i * s->n_lcores + l]);
		}
	}
}

static void
render_cp(struct render *r, const struct cp_metrics_snap *s)
{
	char name[CP_METRICS_NAME_MAX];

	for (uint32_t i = 0; i < s->n_cp; i++) {
		bool gauge = cp_metrics_cp_is_gauge(s->cp[i].name);

		if (!cp_metrics_name(s->cp[i].name, !gauge, name, sizeof(name)) ||
		    !family(r, name, gauge ? "gauge" : "counter", "control plane counter",
			    s->cp[i].name))
			continue;
		sample(r, name, NULL, s->cp[i].value);
	}
}

/* Each queue's NIC counters (PORT_QUEUE, rte_eth_stats q_*), labelled by port and queue. */
static void
render_port_queues(struct render *r, const struct cp_metrics_snap *s)
{
	static const struct {
		const char *name, *help;
		size_t off;
	} rows[] = {
#define QUEUE_ROW(f, h)                                                                            \
	{ CP_METRICS_PREFIX "_port_queue_" #f "_total", h, offsetof(struct ipc_msg_port_queue, f) }
		QUEUE_ROW(rx_packets, "packets the NIC received on the queue (q_ipackets)"),
		QUEUE_ROW(rx_bytes, "bytes the NIC received on the queue (q_ibytes)"),
		QUEUE_ROW(tx_packets, "packets the NIC sent from the queue (q_opackets)"),
		QUEUE_ROW(tx_bytes, "bytes the NIC sent from the queue (q_obytes)"),
		QUEUE_ROW(errors, "the PMD's per-queue drops or errors (q_errors; receive drops on "
				  "most PMDs, failed sends on af_packet)"),
#undef QUEUE_ROW
	};
	char q[8];

	if (s->n_port_queues == 0)
		return;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		if (!family(r, rows[i].name, "counter", rows[i].help, NULL))
			continue;
		for (uint32_t k = 0; k < s->n_port_queues && k < IPC_PORT_QUEUES_MAX; k++) {
			const struct ipc_msg_port_queue *pq = &s->port_queues[k];
			const char *labels[] = { "port", s->port.name, "queue", q, NULL };
			uint64_t v;

			snprintf(q, sizeof(q), "%u", pq->queue);
			memcpy(&v, (const uint8_t *)pq + rows[i].off, sizeof(v));
			sample(r, rows[i].name, labels, v);
		}
	}
}

/*
 * The NIC's extended stats (PORT_XSTATS) as one family, the stat's name a
 * label: untyped, as node_exporter's ethtool collector writes NIC stats,
 * since DPDK does not say which are counters (most) and which are levels.
 */
static void
render_port_xstats(struct render *r, const struct cp_metrics_snap *s)
{
	static const char name[] = CP_METRICS_PREFIX "_port_xstat";
	static const char omitted[] = CP_METRICS_PREFIX "_port_xstats_omitted";
	const char *labels[] = { "port", s->port.name, NULL };

	if (!s->port_xstats_valid)
		return;
	if (s->n_port_xstats != 0 &&
	    family(r, name, "untyped",
		   "the NIC's extended stats (rte_eth_xstats), by name, as the PMD reports them",
		   NULL)) {
		for (uint32_t i = 0; i < s->n_port_xstats; i++) {
			const char *l[] = { "port", s->port.name, "name", s->port_xstats[i].name,
					    NULL };

			sample(r, name, l, s->port_xstats[i].value);
		}
	}
	if (family(r, omitted, "gauge",
		   "extended stats the NIC has beyond the 256 Chive reads (0: every one shown)",
		   NULL))
		sample(r, omitted, labels,
		       s->port_xstats_total > s->n_port_xstats
			       ? s->port_xstats_total - s->n_port_xstats
			       : 0);
}

/* The port (PORT_INFO, fetched every CP_METRICS_PORT_POLL_NS): identity, link, NIC counters. */
static void
render_port(struct render *r, const struct cp_metrics_snap *s)
{
	static const struct {
		const char *name, *type, *help;
		size_t off;
	} rows[] = {
#define PORT_ROW(f, t, h) { CP_METRICS_PREFIX "_port_" #f, t, h, offsetof(struct ipc_msg_port_info, f) }
		PORT_ROW(rx_packets, "counter", "packets the NIC received (rte_eth_stats ipackets)"),
		PORT_ROW(tx_packets, "counter", "packets the NIC sent (opackets)"),
		PORT_ROW(rx_bytes, "counter", "bytes the NIC received (ibytes)"),
		PORT_ROW(tx_bytes, "counter", "bytes the NIC sent (obytes)"),
		PORT_ROW(rx_missed, "counter", "packets the NIC dropped: RX queues full (imissed)"),
		PORT_ROW(rx_errors, "counter", "erroneous packets received (ierrors)"),
		PORT_ROW(tx_errors, "counter", "packets the NIC failed to send (oerrors)"),
		PORT_ROW(rx_nombuf, "counter", "RX mbuf allocation failures (rx_nombuf)"),
#undef PORT_ROW
	};
	const struct ipc_msg_port_info *p = &s->port;
	const char *labels[] = { "port", p->name, NULL };
	char name[128], mac[18];

	if (!s->port_valid)
		return;
	snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", p->mac[0], p->mac[1], p->mac[2],
		 p->mac[3], p->mac[4], p->mac[5]);
	if (family(r, CP_METRICS_PREFIX "_port_info", "gauge",
		   "1 per network port: its name, MAC, MTU and queues", NULL)) {
		char mtu[8], q[8];
		const char *l[] = { "port", p->name, "mac", mac, "mtu", mtu, "queues", q, NULL };

		snprintf(mtu, sizeof(mtu), "%u", p->mtu);
		snprintf(q, sizeof(q), "%u", p->n_queues);
		sample(r, CP_METRICS_PREFIX "_port_info", l, 1);
	}
	if (family(r, CP_METRICS_PREFIX "_port_link_up", "gauge", "1 when the port's link is up",
		   NULL))
		sample(r, CP_METRICS_PREFIX "_port_link_up", labels, p->link_up);
	if (family(r, CP_METRICS_PREFIX "_port_link_speed_mbps", "gauge",
		   "the port's link speed, Mbit/s (0: unknown)", NULL))
		sample(r, CP_METRICS_PREFIX "_port_link_speed_mbps", labels, p->link_speed_mbps);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint64_t v;

		snprintf(name, sizeof(name), "%s_total", rows[i].name);
		memcpy(&v, (const uint8_t *)p + rows[i].off, sizeof(v));
		if (family(r, name, rows[i].type, rows[i].help, NULL))
			sample(r, name, labels, v);
	}
	if (family(r, CP_METRICS_PREFIX "_port_stats_age_seconds", "gauge",
		   "how old the port's counters above are (fetched every 5 s)", NULL))
		sample(r, CP_METRICS_PREFIX "_port_stats_age_seconds", labels,
		       s->port_age_ns / UINT64_C(1000000000));
	render_port_queues(r, s);
	render_port_xstats(r, s);
}

/*
 * Each lcore's recent busy ratio (stats/lcore_busy.h) by lcore and window;
 * a ratio not known yet (fewer than two samples, cycles that did not move)
 * has no sample, and with none known there is no family.
 */
static void
render_lcore_busy(struct render *r, const struct cp_metrics_snap *s)
{
	static const char name[] = CP_METRICS_PREFIX "_lcore_busy_ratio";
	char lc[16], win[16];
	bool any = false;

	for (uint32_t l = 0; l < s->n_lcores && l < IPC_MAX_LCORES; l++)
		for (uint32_t w = 0; w < CP_LCORE_BUSY_N_WINDOWS; w++)
			any = any || s->lcore_busy_known[l][w];
	if (!any || !family(r, name, "gauge",
			    "Share of the lcore's loop cycles spent in iterations that did work, "
			    "over the last window (sampled every second)",
			    NULL))
		return;
	for (uint32_t l = 0; l < s->n_lcores && l < IPC_MAX_LCORES; l++) {
		for (uint32_t w = 0; w < CP_LCORE_BUSY_N_WINDOWS; w++) {
			const char *labels[] = { "lcore", lc, "window", win, NULL };

			if (!s->lcore_busy_known[l][w])
				continue;
			snprintf(lc, sizeof(lc), "%u", l);
			snprintf(win, sizeof(win), "%us", cp_lcore_busy_window_s[w]);
			sample_double(r, name, labels, s->lcore_busy[l][w]);
		}
	}
}

/* Facts about the processes that are not counters. */
static void
render_facts(struct render *r, const struct cp_metrics_snap *s)
{
	char lc[16], id[16];

	if (family(r, CP_METRICS_PREFIX "_dataplane_up", "gauge",
		   "1 when the control plane is attached to a running dataplane", NULL))
		sample(r, CP_METRICS_PREFIX "_dataplane_up", NULL, s->dp_up ? 1 : 0);
	if (!s->dp_up)
		return;
	if (family(r, CP_METRICS_PREFIX "_dp_lcore_info", "gauge",
		   "1 per dataplane lcore: its index (the lcore label) and DPDK lcore id", NULL)) {
		for (uint32_t l = 0; l < s->n_lcores; l++) {
			const char *labels[] = { "lcore", lc, "lcore_id", id, NULL };

			snprintf(lc, sizeof(lc), "%u", l);
			snprintf(id, sizeof(id), "%u", s->lcore_id[l]);
			sample(r, CP_METRICS_PREFIX "_dp_lcore_info", labels, 1);
		}
	}
	render_lcore_busy(r, s);
	if (family(r, CP_METRICS_PREFIX "_dp_tsc_hz", "gauge",
		   "TSC cycles per second of the dataplane (for the _cycles counters)", NULL))
		sample(r, CP_METRICS_PREFIX "_dp_tsc_hz", NULL, s->tsc_hz);
	if (family(r, CP_METRICS_PREFIX "_dp_start_time_seconds", "gauge",
		   "When the dataplane started, seconds since the epoch", NULL))
		sample(r, CP_METRICS_PREFIX "_dp_start_time_seconds", NULL,
		       s->dp_start_ns / UINT64_C(1000000000));
	render_port(r, s);
}

/*
 * Cells by link command and direction: the dataplane's /dp/cell/rx/CMD and
 * /dp/cell/tx/CMD, summed over the lcores, as one family with the command
 * (the path's last part) as a label, so a command added there needs no
 * change here.
 */
static void
render_cells(struct render *r, const struct cp_metrics_snap *s)
{
	static const char name[] = CP_METRICS_PREFIX "_cells_total";
	static const struct {
		const char *prefix, *direction;
	} dirs[] = {
		{ "/dp/cell/rx/", "received" },
		{ "/dp/cell/tx/", "sent" },
	};
	uint64_t v;

	if (!dp_get(s, "/dp/cell/rx/other", &v) ||
	    !family(r, name, "counter", "Cells received and sent on channels, by link command",
		    NULL))
		return;
	for (size_t d = 0; d < sizeof(dirs) / sizeof(dirs[0]); d++) {
		size_t k = strlen(dirs[d].prefix);

		for (uint32_t i = 0; i < s->n_dp; i++) {
			const char *path = s->dp[i].desc.name;
			const char *labels[] = { "direction", dirs[d].direction, "command", path + k,
						 NULL };

			if (strncmp(path, dirs[d].prefix, k) == 0 && path[k] != '\0')
				sample(r, name, labels, s->dp[i].total);
		}
	}
}

/* ---- tor's families ---------------------------------------------------------- */

/* tor's relay_metrics.c handshake_type_to_str() and Chive's onionq HTYPE slot names. */
static const struct {
	const char *tor, *chive;
} onionskin_types[] = {
	{ "tap", "tap" },
	{ "fast", "fast" },
	{ "ntor", "ntor" },
	{ "ntor_v3", "ntor3" },
};

static void
tor_onionskins(struct render *r, const struct cp_metrics_snap *s)
{
	static const char name[] = "tor_relay_load_onionskins_total";
	static const char *const actions[] = { "processed", "dropped" };
	char path[IPC_CTR_NAME_MAX];
	uint64_t v;

	if (!cp_get(s, "/cp/onionq/processed/ntor", &v) ||
	    !family(r, name, "counter", "Total number of onionskins handled", NULL))
		return;
	for (size_t t = 0; t < sizeof(onionskin_types) / sizeof(onionskin_types[0]); t++) {
		for (size_t a = 0; a < 2; a++) {
			const char *labels[] = { "type", onionskin_types[t].tor, "action",
						 actions[a], NULL };

			snprintf(path, sizeof(path), "/cp/onionq/%s/%s", actions[a],
				 onionskin_types[t].chive);
			if (cp_get(s, path, &v))
				sample(r, name, labels, v);
		}
	}
}

static void
tor_flags(struct render *r, const struct cp_metrics_snap *s)
{
	/* tor's order; Authority and Sybil are not among the flags Chive tracks. */
	static const struct {
		const char *tor, *chive;
	} flags[] = {
		{ "Fast", "/cp/dir/flag/fast" },     { "Exit", "/cp/dir/flag/exit" },
		{ "Stable", "/cp/dir/flag/stable" }, { "HSDir", "/cp/dir/flag/hsdir" },
		{ "Running", "/cp/dir/flag/running" }, { "V2Dir", "/cp/dir/flag/v2dir" },
		{ "Guard", "/cp/dir/flag/guard" },
	};
	uint64_t v;

	if (!cp_get(s, "/cp/dir/flag/running", &v) ||
	    !family(r, "tor_relay_flag", "gauge", "Relay flags from consensus", NULL))
		return;
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		const char *labels[] = { "type", flags[i].tor, NULL };

		if (cp_get(s, flags[i].chive, &v))
			sample(r, "tor_relay_flag", labels, v != 0);
	}
}

static void
tor_dataplane(struct render *r, const struct cp_metrics_snap *s)
{
	uint64_t a, b;

	/* A circuit whose channels are on two lcores also holds a half on the second. */
	if (dp_get(s, "/dp/circ/open", &a) && dp_get(s, "/dp/circ/halves", &b) &&
	    family(r, "tor_relay_circuits_total", "gauge", "Total number of circuits", NULL)) {
		const char *labels[] = { "state", "opened", NULL };

		sample(r, "tor_relay_circuits_total", labels, a > b ? a - b : 0);
	}
	if (dp_get(s, "/dp/tls/rx_wire_bytes", &a) && dp_get(s, "/dp/tls/tx_wire_bytes", &b) &&
	    family(r, "tor_relay_traffic_bytes", "counter", "Traffic related counters", NULL)) {
		const char *rd[] = { "direction", "read", NULL };
		const char *wr[] = { "direction", "written", NULL };

		sample(r, "tor_relay_traffic_bytes", rd, a);
		sample(r, "tor_relay_traffic_bytes", wr, b);
	}
	if (dp_get(s, "/dp/chan/connects", &a) &&
	    family(r, "tor_relay_connections_total", "counter",
		   "Total number of created/rejected connections", NULL)) {
		static const struct {
			const char *direction, *state, *chive;
		} conns[] = {
			{ "initiated", "created", "/dp/chan/connects" },
			{ "received", "created", "/dp/chan/accepted" },
			{ "received", "rejected", "/dp/chan/refused" },
		};

		for (size_t i = 0; i < sizeof(conns) / sizeof(conns[0]); i++) {
			const char *labels[] = { "type", "OR", "direction", conns[i].direction,
						 "state", conns[i].state, "family", "ipv4", NULL };

			if (dp_get(s, conns[i].chive, &a))
				sample(r, "tor_relay_connections_total", labels, a);
		}
	}
	if (dp_get(s, "/dp/circ/destroy_rx", &a) && dp_get(s, "/dp/circ/destroy_unknown", &b) &&
	    family(r, "tor_relay_destroy_cell_total", "counter",
		   "Total number of DESTROY cell we received", NULL))
		sample(r, "tor_relay_destroy_cell_total", NULL, a + b);
	if (dp_get(s, "/dp/circ/drop_rx", &a) &&
	    family(r, "tor_relay_drop_cell_total", "counter",
		   "Total number of DROP cell we received", NULL))
		sample(r, "tor_relay_drop_cell_total", NULL, a);
}

static void
render_tor(struct render *r, const struct cp_metrics_snap *s)
{
	tor_dataplane(r, s);
	tor_onionskins(r, s);
	tor_flags(r, s);
	/* tor shows it only with OfflineMasterKey (relay_metrics.c fill_signing_cert_expiry). */
	if (s->master_offline && s->signing_cert_expires > 0 &&
	    family(r, "tor_relay_signing_cert_expiry_timestamp", "gauge",
		   "Timestamp at which the current online keys will expire", NULL))
		sample(r, "tor_relay_signing_cert_expiry_timestamp", NULL,
		       (uint64_t)s->signing_cert_expires);
}

unsigned
cp_metrics_render(const struct cp_metrics_snap *s, struct cp_buf *out)
{
	struct render r = { .out = out };

	render_dp(&r, s);
	render_cp(&r, s);
	render_facts(&r, s);
	render_cells(&r, s);
	render_tor(&r, s);
	render_free(&r);
	return r.families;
}
