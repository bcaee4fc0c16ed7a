/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief The built-in CLI commands: help, status, counters (cli_cmds.c) and
 *        the channel commands (cli_chan.c).
 */
#ifndef CONTROLPLANE_CLI_CLI_CMDS_H
#define CONTROLPLANE_CLI_CLI_CMDS_H

#include <stdint.h>

struct cp_cli_req;

/** How long `status` waits for every lcore's PONG, ns. */
#define CP_STATUS_PING_TIMEOUT_NS UINT64_C(1000000000)

/** How long `channel open` waits for the channel to open or fail, ns. */
#define CP_CHAN_OPEN_TIMEOUT_NS UINT64_C(60000000000)
/** How long `channel close` waits for every lcore's answer, ns. */
#define CP_CHAN_CLOSE_TIMEOUT_NS UINT64_C(5000000000)
/** How long each page of `show channels` (one CHAN_LIST) may take, ns. */
#define CP_CHAN_LIST_TIMEOUT_NS UINT64_C(2000000000)
/** Most CHAN_LIST pages asked of one lcore by one `show channels`. */
#define CP_CHAN_LIST_PAGES_MAX 4096u
/** Most channels one `show channels` prints. */
#define CP_CHAN_SHOW_MAX 65536u
/** Lcore index that opens channels: the one that owns the network port today. */
#define CP_CHAN_OPEN_LCORE 0u

/** `channel open ADDR:PORT FINGERPRINT [ED25519_ID]`: CHAN_OPEN, answer when open or failed. */
int cp_cli_cmd_channel_open(struct cp_cli_req *req, int argc, char **argv);
/** `channel close HANDLE`: CHAN_CLOSE on every lcore (the owner answers). */
int cp_cli_cmd_channel_close(struct cp_cli_req *req, int argc, char **argv);
/** `show channels`: CHAN_LIST pages from every lcore, as a table. */
int cp_cli_cmd_show_channels(struct cp_cli_req *req, int argc, char **argv);

#endif /* CONTROLPLANE_CLI_CLI_CMDS_H */
