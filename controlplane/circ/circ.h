/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Control-plane side of circuit creation: onionskins in, CREATED bodies and keys out.
 *
 * The dataplane sends every CREATE2 (ntor, ntor-v3) and CREATE_FAST it
 * accepts up as IPC_MSG_CIRC_CREATE on the lcore's cell_up ring
 * (ARCHITECTURE.md §2). This module queues it on the onionskin queue
 * (onion/onionq.h: worker threads, tor's MaxOnionQueueDelay rules), and when
 * a worker is done pushes IPC_MSG_CIRC_CREATED down the same lcore's
 * cell_down ring: the reply body and the hop's 72 bytes of key material, or
 * a failure (handshake refused, queue busy, waited too long). Its copies of
 * the keys are wiped once pushed. A full cell_down ring drops the answer
 * (counted): the dataplane's circuit timeout then frees the circuit.
 *
 * The workers use a snapshot of the server keys (RSA and Ed25519 identities,
 * current and previous ntor onion keys), refreshed by cp_circ_keys_changed()
 * when the key store rotates them.
 *
 * Who may include it: controlplane/ and tests/.
 */
#ifndef CONTROLPLANE_CIRC_CIRC_H
#define CONTROLPLANE_CIRC_CIRC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/ipc/ipc_msg.h"
#include "controlplane/dplink.h"
#include "controlplane/keys/keys.h"
#include "controlplane/onion/onionq.h"
#include "controlplane/stats/stats.h"

/** Counters of this module (the queue's are cp_onionq_counters()). */
struct cp_circ_stats {
	uint64_t create_rx;	/**< CIRC_CREATE messages */
	uint64_t busy;		/**< refused by the queue at once */
	uint64_t answered_ok;	/**< CIRC_CREATED with keys */
	uint64_t answered_fail;	/**< CIRC_CREATED with a failure */
	uint64_t down_drops;	/**< answers lost to a full cell_down ring */
};

struct cp_circ {
	struct cp_dplink *dp;	     /**< borrowed */
	const struct cp_keys *keys;  /**< borrowed */
	struct cp_onionq *q;
	struct cp_circ_stats stats;
};

/**
 * Start the module: the onionskin queue with @p qc (NULL: defaults) and the
 * server keys of @p keys.
 * @return 0, or a negative errno with @p err set.
 */
int cp_circ_init(struct cp_circ *cc, struct cp_dplink *dp, const struct cp_keys *keys,
		 const struct cp_onionq_conf *qc, char *err, size_t errlen);

/** Stop the workers and wipe everything. Accepts a zeroed struct. */
void cp_circ_fini(struct cp_circ *cc);

/** The key store rotated the onion keys: give the workers the new set. */
void cp_circ_keys_changed(struct cp_circ *cc);

/** A cell_up message (cp_dplink_cell_fn, installed with cp_link_set_other()). */
void cp_circ_on_cell(void *arg, uint32_t lcore_idx, const struct ipc_hdr *msg, uint64_t now_ns);

/** Push the finished handshakes down. @return answers handled. */
uint32_t cp_circ_poll(struct cp_circ *cc);

/** The onionskin queue's eventfd (readable when answers wait), for the event loop. */
int cp_circ_fd(const struct cp_circ *cc);

/** Report /cp/circ/... and /cp/onionq/... counters. */
void cp_circ_counters(struct cp_circ *cc, cp_ctr_fn *fn, void *arg);

#endif /* CONTROLPLANE_CIRC_CIRC_H */
