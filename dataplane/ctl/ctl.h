/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Dataplane side of the command rings.
 *
 * dp_ctl_poll() drains a bounded batch of commands from the lcore's command
 * ring, validates each one, dispatches it through a table indexed by message
 * type and answers on the event ring. A malformed or unknown command is
 * counted (/dp/ipc/cmd_bad) and answered with IPC_MSG_CMD_ERROR; an event
 * that does not fit is dropped and counted (/dp/ipc/evt_full): the dataplane
 * never waits for the controlplane.
 */
#ifndef DATAPLANE_CTL_CTL_H
#define DATAPLANE_CTL_CTL_H

#include <stddef.h>
#include <stdint.h>

#include "dataplane/lcore_types.h"

/** Most commands handled per dp_ctl_poll() call. */
#define DP_CTL_BATCH 32u

/**
 * Handle up to DP_CTL_BATCH commands from @p lc's command ring.
 *
 * @return
 *   Number of commands consumed (valid or not).
 */
uint32_t dp_ctl_poll(struct dp_lcore *lc);

/**
 * Handle up to DP_CTL_BATCH messages from @p lc's cell_down ring (link
 * credentials, channel handshake verdicts); malformed ones are counted
 * (/dp/ipc/cell_bad) and dropped: nothing on that ring expects an error reply.
 *
 * @return
 *   Number of messages consumed (valid or not).
 */
uint32_t dp_ctl_poll_cells(struct dp_lcore *lc);

/**
 * Send event @p msg of @p len bytes to the controlplane.
 *
 * @return
 *   0, or -ENOBUFS when the event ring is full (dropped and counted).
 */
int dp_ctl_send_evt(struct dp_lcore *lc, const void *msg, size_t len);

#endif /* DATAPLANE_CTL_CTL_H */
