/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Run-time configuration changes: cp->conf, the modules, the dataplane (runconf.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/conf/conf.h"
#include "common/ipc/ipc_msg.h"
#include "controlplane/config.h"
#include "controlplane/cp.h"
#include "controlplane/dir/dir.h"
#include "controlplane/log.h"
#include "controlplane/onion/onionq.h"
#include "controlplane/runconf.h"
#include "controlplane/util.h"

/* The keywords the directory module keeps a copy of (cp_dir_reconfigure()). */
static bool
is_dir_keyword(const char *name)
{
	static const char *const dir_keys[] = {
		"Nickname",	      "ContactInfo",	     "PublishServerDescriptor",
		"RelayBandwidthRate", "RelayBandwidthBurst", "MyFamily",
	};

	for (size_t i = 0; i < sizeof(dir_keys) / sizeof(dir_keys[0]); i++)
		if (strcmp(name, dir_keys[i]) == 0)
			return true;
	return false;
}

static bool
is_bandwidth(const char *name)
{
	return strcmp(name, "RelayBandwidthRate") == 0 || strcmp(name, "RelayBandwidthBurst") == 0;
}

/* Values joined by ", " into a bounded buffer (for the log line). */
struct joined {
	char buf[512];
	size_t len;
};

static void
join_value(void *arg, const char *value)
{
	struct joined *j = arg;

	if (j->len >= sizeof(j->buf) - 1)
		return;
	j->len += (size_t)snprintf(j->buf + j->len, sizeof(j->buf) - j->len, "%s%s",
				   j->len != 0 ? ", " : "", value);
	if (j->len > sizeof(j->buf) - 1)
		j->len = sizeof(j->buf) - 1;
}

int
cp_runconf_set(struct cp_ctx *cp, const char *key, const char *value, const struct conf_opt **optp,
	       bool *dp_bw, char *note, size_t notelen, char *err, size_t errlen)
{
	const struct conf_opt *opt = NULL;
	struct cp_config *next;
	struct joined shown = {.len = 0};
	char why[64];
	int rc;

	*dp_bw = false;
	note[0] = '\0';
	if (cp->conf == NULL) {
		snprintf(err, errlen, "no configuration to change");
		return -ENODATA;
	}
	/* All or nothing: the change is made on a copy, checked by the modules that
	 * can refuse it, and only then becomes the configuration. */
	next = cp_xmalloc(sizeof(*next));
	*next = *cp->conf;
	rc = cp_config_set(next, key, value, &opt, note, notelen, err, errlen);
	if (rc == 0 && is_dir_keyword(opt->name)) {
		snprintf(why, sizeof(why), "config: %s", opt->name);
		rc = cp_dir_reconfigure(&cp->dir, &next->dir, why, err, errlen);
	}
	if (rc != 0) {
		cp->runconf.refused++;
		free(next);
		if (opt != NULL)
			*optp = opt;
		return rc;
	}
	*cp->conf = *next;
	free(next);
	*optp = opt;
	cp->runconf.sets++;
	cp_config_values(cp->conf, opt, join_value, &shown);
	/* Said before a new log level applies, so that `Log warn` is still logged. */
	CP_LOG(NOTICE, config, "%s set to %s by chivectl%s%s", opt->name,
	       shown.len != 0 ? shown.buf : "\"\"", note[0] != '\0' ? "; " : "", note);
	if (strcmp(opt->name, "Log") == 0)
		cp_log_set_level(cp->conf->log_level);
	else if (strcmp(opt->name, "MaxOnionQueueDelay") == 0 && cp->circ.q != NULL)
		cp_onionq_set_max_delay(cp->circ.q, cp->conf->onionq.max_delay_ms);
	if (is_bandwidth(opt->name)) {
		cp->runconf.bw_set = true;
		/* Not told yet: cp_runconf_tick() will, if the caller does not. */
		cp->runconf.bw_epoch = 0;
		*dp_bw = true;
	}
	return 0;
}

int
cp_runconf_send_bw(struct cp_ctx *cp, uint64_t now_ns, cp_dplink_cb *cb, void *arg, int *send_rc)
{
	int sent = 0;

	if (!cp_dplink_is_up(&cp->dp) || cp->conf == NULL)
		return -ENOTCONN;
	cp->runconf.bw_epoch = cp->dp.epoch;
	/* Bounded: one request per lcore, at most IPC_MAX_LCORES. */
	for (uint32_t i = 0; i < cp->dp.n_lcores; i++) {
		struct ipc_msg_conf_set m;
		int rc;

		memset(&m, 0, sizeof(m));
		ipc_hdr_init(&m.hdr, IPC_MSG_CONF_SET, sizeof(m), 0);
		m.key = IPC_CONF_BANDWIDTH;
		m.val[0] = cp->conf->dir.bw_rate;
		m.val[1] = cp->conf->dir.bw_burst;
		rc = cp_dplink_request(&cp->dp, i, &m.hdr, sizeof(m), CP_RUNCONF_TIMEOUT_NS, now_ns,
				       cb, arg);
		if (send_rc != NULL)
			send_rc[i] = rc;
		if (rc == 0) {
			cp->runconf.dp_sent++;
			sent++;
		} else {
			cp->runconf.dp_failed++;
		}
	}
	return sent;
}

/* An lcore's answer to the CONF_SET of cp_runconf_tick(): only failures are said. */
static void
tick_answer(void *arg, const struct ipc_hdr *reply, uint32_t lcore_idx, uint64_t now_ns)
{
	struct cp_ctx *cp = arg;
	int status = -ETIMEDOUT;

	(void)now_ns;
	if (reply != NULL && reply->type == IPC_MSG_CONF_STATUS)
		status = ((const struct ipc_msg_conf_status *)(const void *)reply)->status;
	else if (reply != NULL)
		status = -EPROTO;
	if (status == 0 || status == -ENODEV)
		return;
	cp->runconf.dp_failed++;
	/* Detaching fails every pending request: the next dataplane is told anew. */
	if (cp_dplink_is_up(&cp->dp))
		CP_LOG(WARN, config, "lcore %u did not take the bandwidth limits: %s", lcore_idx,
		       strerror(-status));
}

void
cp_runconf_tick(struct cp_ctx *cp, uint64_t now_ns)
{
	struct cp_runconf *rc = &cp->runconf;
	int sent;

	if (!rc->bw_set || cp->conf == NULL || !cp_dplink_is_up(&cp->dp) ||
	    rc->bw_epoch == cp->dp.epoch || !cp_dplink_can_request(&cp->dp, cp->dp.n_lcores))
		return;
	sent = cp_runconf_send_bw(cp, now_ns, tick_answer, cp, NULL);
	CP_LOG(NOTICE, config,
	       "dataplane attached: RelayBandwidthRate %llu, RelayBandwidthBurst %llu bytes (set "
	       "by chivectl) sent to %d of %u lcores",
	       (unsigned long long)cp->conf->dir.bw_rate,
	       (unsigned long long)cp->conf->dir.bw_burst, sent, cp->dp.n_lcores);
}

void
cp_runconf_counters(const struct cp_runconf *rc, cp_ctr_fn *fn, void *arg)
{
	fn(arg, "/cp/config/sets", rc->sets);
	fn(arg, "/cp/config/refused", rc->refused);
	fn(arg, "/cp/config/dp_sent", rc->dp_sent);
	fn(arg, "/cp/config/dp_failed", rc->dp_failed);
}
