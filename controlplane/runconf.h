/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Run-time configuration changes (`chivectl config set`): the keywords
 *        the schema marks RUNTIME, applied to the running relay.
 *
 * cp_runconf_set() changes cp->conf, the one configuration `show config`
 * and `config get` read, and hands the new values to the modules that keep
 * copies of them, all or nothing:
 *  - Log: the control plane's log level (cp_log_set_level());
 *  - Nickname, ContactInfo, PublishServerDescriptor, MyFamily,
 *    RelayBandwidthRate/Burst: the directory module, whose descriptor is
 *    marked dirty and so rebuilt and uploaded again (cp_dir_reconfigure());
 *  - MaxOnionQueueDelay: the onionskin queue (cp_onionq_set_max_delay(),
 *    under the queue's lock: the workers read it);
 *  - RelayBandwidthRate/Burst also limit the dataplane: IPC_MSG_CONF_SET
 *    (IPC_CONF_BANDWIDTH) goes to every lcore, each of which takes its
 *    share;
 *  - CircuitQueue/CircuitQueueMax are the dataplane's alone: IPC_MSG_CONF_SET
 *    (IPC_CONF_CIRC_QUEUE) with both goes to every lcore. The pair sent is
 *    the control plane's (its config file, else the defaults), so after a
 *    `config set` it replaces what the dataplane's own command line chose.
 * For those two, the caller sends the setting now (cp_runconf_send(),
 * `config set` waits for the answers); cp_runconf_tick() sends it again to
 * every dataplane that attaches later (a restarted one starts from its own
 * configuration), so what `config set` chose holds for as long as this
 * control plane runs.
 * Every change is logged at notice ("config: RelayBandwidthRate set to
 * 1048576 bytes by chivectl"). Changes last until the control plane
 * restarts; the config file is never written (as tor's SETCONF without
 * SAVECONF).
 *
 * Who may include it: controlplane/ and tests/.
 */
#ifndef CONTROLPLANE_RUNCONF_H
#define CONTROLPLANE_RUNCONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "controlplane/dplink.h"
#include "controlplane/stats/stats.h"

struct cp_ctx;
struct conf_opt;

/** How long a CONF_SET may wait for its lcore, ns. */
#define CP_RUNCONF_TIMEOUT_NS UINT64_C(5000000000)

/** CONF_SET keys the control plane sends (IPC_CONF_*, 1 and 2), as array indexes. */
#define CP_RUNCONF_KEYS 3u

/** Run-time change state, in struct cp_ctx. Zero is the start state. */
struct cp_runconf {
	/** By IPC_CONF_* key: `config set` changed it, so every dataplane is told. */
	bool dp_set[CP_RUNCONF_KEYS];
	/** By key: the cp_dplink epoch last sent it (0: none yet). */
	uint32_t dp_epoch[CP_RUNCONF_KEYS];
	uint64_t sets;	   /**< changes applied (/cp/config/sets) */
	uint64_t refused;  /**< changes refused: unknown, restart, bad value (/cp/config/refused) */
	uint64_t dp_sent;  /**< CONF_SET messages sent (/cp/config/dp_sent) */
	uint64_t dp_failed; /**< CONF_SETs not sent, refused or unanswered (/cp/config/dp_failed) */
};

/**
 * Change @p key to @p value on the running relay (see the file comment):
 * cp_config_set() on a copy of cp->conf, then the modules, then cp->conf
 * itself; logged at notice. Does not talk to the dataplane: when
 * *@p dp_key is not 0 on return (an IPC_CONF_* key), the caller sends that
 * setting with cp_runconf_send() (or leaves it to cp_runconf_tick()).
 *
 * @return
 *   0 with *@p optp set and @p note as cp_config_set() leaves it; or
 *   cp_config_set()'s -ENOENT, -EPERM, -EINVAL, or -EINVAL from a module
 *   (publishing without an Address), with @p err holding the reason;
 *   -ENODATA without cp->conf. Nothing changed on error.
 */
int cp_runconf_set(struct cp_ctx *cp, const char *key, const char *value,
		   const struct conf_opt **optp, uint32_t *dp_key, char *note, size_t notelen,
		   char *err, size_t errlen);

/**
 * Send setting @p key (IPC_CONF_BANDWIDTH: the bandwidth limits;
 * IPC_CONF_CIRC_QUEUE: the circuit queue limits) of cp->conf to every lcore
 * (IPC_MSG_CONF_SET); @p cb gets each lcore's CONF_STATUS (or NULL after
 * CP_RUNCONF_TIMEOUT_NS), with @p arg. Marks the current dataplane as told.
 *
 * @param send_rc
 *   NULL, or one entry per lcore: 0, or cp_dplink_request()'s -errno for an
 *   lcore the request could not be sent to (it gets no callback).
 * @return
 *   Number of lcores the request went to; -ENOTCONN when detached; -EINVAL
 *   for another @p key.
 */
int cp_runconf_send(struct cp_ctx *cp, uint32_t key, uint64_t now_ns, cp_dplink_cb *cb, void *arg,
		    int *send_rc);

/**
 * From the loop's timer: after a `config set` of the bandwidth or the queue
 * limits, tell each newly attached dataplane (answers are logged, not
 * awaited).
 */
void cp_runconf_tick(struct cp_ctx *cp, uint64_t now_ns);

/** Report /cp/config/sets, refused, dp_sent, dp_failed. */
void cp_runconf_counters(const struct cp_runconf *rc, cp_ctr_fn *fn, void *arg);

#endif /* CONTROLPLANE_RUNCONF_H */
