/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief struct cp_ctx: the controlplane's process context, passed to everything.
 */
#ifndef CONTROLPLANE_CP_H
#define CONTROLPLANE_CP_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "common/ipc/ipc_shm.h"
#include "controlplane/dplink.h"
#include "controlplane/keys/keys.h"
#include "controlplane/circ/circ.h"
#include "controlplane/dir/dir.h"
#include "controlplane/link/link.h"
#include "controlplane/runconf.h"
#include "controlplane/stats/lcore_busy.h"

struct cp_cli_server;
struct cp_metrics_server;
struct cp_config;

struct cp_ctx {
	struct cp_dplink dp;          /**< The link to the dataplane's segment. */
	char shm_name[IPC_SHM_NAME_MAX];
	uint64_t start_ns;            /**< CLOCK_MONOTONIC at start. */
	uint64_t next_attach_ns;      /**< When to try attaching again while detached. */
	char attach_err[256];         /**< Why the last attach failed (for `status`). */
	struct cp_cli_server *cli;    /**< The CLI socket server, NULL in unit tests. */
	struct cp_metrics_server *metrics; /**< The MetricsPort, NULL when not configured. */
	/**
	 * The configuration it runs with: file, command line and defaults, then
	 * what `config set` changed (runconf.h). The one place `show config` and
	 * `config get` read; the modules hold copies of what they use, which
	 * runconf.c updates with it. May be NULL (unit tests).
	 */
	struct cp_config *conf;
	struct cp_runconf runconf;    /**< Run-time changes the dataplane must be told (runconf.h). */
	struct cp_keys *keys;         /**< The relay key store; NULL in unit tests that need none. */
	time_t next_keys_check;       /**< When to call cp_keys_rotate() next (wall clock, s). */
	struct cp_link link;          /**< Link credentials and handshake services (link/). */
	struct cp_circ circ;          /**< Circuit handshakes: the onionskin queue (circ/). */
	struct cp_dir dir;            /**< Descriptor publishing and the consensus (dir/). */
	struct cp_lcore_busy lcore_busy; /**< Recent busy ratios (stats/lcore_busy.h). */
	bool stop;                    /**< Leave the event loop. */
};

#endif /* CONTROLPLANE_CP_H */
