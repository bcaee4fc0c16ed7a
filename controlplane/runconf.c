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

/* The IPC_CONF_* key that carries keyword @p name to the dataplane, or 0. */
static uint32_t
dp_key_of(const char *name)
{
	if (strcmp(name, "RelayBandwidthRate") == 0 || strcmp(name, "RelayBandwidthBurst") == 0)
		return IPC_CONF_BANDWIDTH;
	if (strcmp(name, "CircuitQueue") == 0 || strcmp(name, "CircuitQueueMax") == 0)
		return IPC_CONF_CIRC_QUEUE;
	return 0;
}

static const char *
dp_key_name(uint32_t key)
{
	return key == IPC_CONF_BANDWIDTH    ? "the bandwidth limits"
	       : key == IPC_CONF_CIRC_QUEUE ? "the circuit queue limits"
					    : "a run-time setting";
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
	       uint32_t *dp_key, char *note, size_t notelen, char *err, size_t errlen)
{
	const struct conf_opt *opt = NULL;
	struct cp_config *next;
	struct joined shown = {.len = 0};
	char why[64];
	int rc;

	*dp_key = 0;
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
	*dp_key = dp_key_of(opt->name);
	if (*dp_key != 0) {
		cp->runconf.dp_set[*dp_key] = true;
		/* Not told yet: cp_runconf_tick() will, if the caller does not. */
		cp->runconf.dp_epoch[*dp_key] = 0;
	}
	return 0;
}

int
cp_runconf_send(struct cp_ctx *cp, uint32_t key, uint64_t now_ns, cp_dplink_cb *cb, void *arg,
		int *send_rc)
{
	int sent = 0;

	if (key != IPC_CONF_BANDWIDTH && key != IPC_CONF_CIRC_QUEUE)
		return -EINVAL;
	if (!cp_dplink_is_up(&cp->dp) || cp->conf == NULL)
		return -ENOTCONN;
	cp->runconf.dp_epoch[key] = cp->dp.epoch;
	/* Bounded: one request per lcore, at most IPC_MAX_LCORES. */
	for (uint32_t i = 0; i < cp->dp.n_lcores; i++) {
		struct ipc_msg_conf_set m;
		int rc;

		memset(&m, 0, sizeof(m));
		ipc_hdr_init(&m.hdr, IPC_MSG_CONF_SET, sizeof(m), 0);
		m.key = key;
		if (key == IPC_CONF_BANDWIDTH) {
			m.val[0] = cp->conf->dir.bw_rate;
			m.val[1] = cp->conf->dir.bw_burst;
		} else {
			m.val[0] = cp->conf->circ_queue;
			m.val[1] = cp->conf->circ_queue_max;
		}
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
	uint32_t key = 0;

	(void)now_ns;
	if (reply != NULL && reply->type == IPC_MSG_CONF_STATUS) {
		const struct ipc_msg_conf_status *st = (const void *)reply;

		status = st->status;
		key = st->key;
	} else if (reply != NULL)
		status = -EPROTO;
	if (status == 0 || status == -ENODEV)
		return;
	cp->runconf.dp_failed++;
	/* Detaching fails every pending request: the next dataplane is told anew. */
	if (cp_dplink_is_up(&cp->dp))
		CP_LOG(WARN, config, "lcore %u did not take %s: %s", lcore_idx, dp_key_name(key),
		       strerror(-status));
}

void
cp_runconf_tick(struct cp_ctx *cp, uint64_t now_ns)
{
	struct cp_runconf *rc = &cp->runconf;

	if (cp->conf == NULL || !cp_dplink_is_up(&cp->dp))
		return;
	for (uint32_t key = 1; key < CP_RUNCONF_KEYS; key++) {
		int sent;

		if (!rc->dp_set[key] || rc->dp_epoch[key] == cp->dp.epoch ||
		    !cp_dplink_can_request(&cp->dp, cp->dp.n_lcores))
			continue;
		sent = cp_runconf_send(cp, key, now_ns, tick_answer, cp, NULL);
		if (key == IPC_CONF_BANDWIDTH)
			CP_LOG(NOTICE, config,
			       "dataplane attached: RelayBandwidthRate %llu, RelayBandwidthBurst "
			       "%llu bytes (set by chivectl) sent to %d of %u lcores",
			       (unsigned long long)cp->conf->dir.bw_rate,
			       (unsigned long long)cp->conf->dir.bw_burst, sent, cp->dp.n_lcores);
		else
			CP_LOG(NOTICE, config,
			       "dataplane attached: CircuitQueue %u, CircuitQueueMax %u (set by "
			       "chivectl) sent to %d of %u lcores",
			       cp->conf->circ_queue, cp->conf->circ_queue_max, sent,
			       cp->dp.n_lcores);
	}
}

void
cp_runconf_counters(const struct cp_runconf *rc, cp_ctr_fn *fn, void *arg)
{
	fn(arg, "/cp/config/sets", rc->sets);
	fn(arg, "/cp/config/refused", rc->refused);
	fn(arg, "/cp/config/dp_sent", rc->dp_sent);
	fn(arg, "/cp/config/dp_failed", rc->dp_failed);
}
