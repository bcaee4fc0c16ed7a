/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief The built-in CLI commands: help, status, counters (cli_cmds.c), the
 *        channel commands and paged listings (cli_chan.c), the circuit commands (cli_circ.c).
 */
#ifndef CONTROLPLANE_CLI_CLI_CMDS_H
#define CONTROLPLANE_CLI_CLI_CMDS_H

#include <stdbool.h>
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

struct cp_buf;

/**
 * A paged listing over every lcore (`show channels`, `show circuits`): the
 * request type (its body is struct ipc_msg_chan_list: cursor, max), the
 * reply types (rows of at most IPC_EVT_SLOT bytes; the end has the layout
 * of struct ipc_msg_chan_list_end), and how to print.
 */
struct cp_cli_list_kind {
	uint16_t list_type, info_type, end_type;
	uint32_t page_max;
	const char *noun; /**< "channel": the footer says "N channels" */
	void (*header)(struct cp_buf *b);
	void (*row)(struct cp_buf *b, uint32_t lcore, const void *info);
};

/** Start a listing of @p kind for @p req; CP_CLI_PENDING or an error status. */
int cp_cli_list_start(struct cp_cli_req *req, const struct cp_cli_list_kind *kind);

/** Parse a handle as `show channels|circuits` print it ("0x" and hex, or decimal; never 0). */
bool cp_cli_parse_handle(const char *s, uint32_t *out);
/** Print "error: dataplane down (...)"; return CLI_STATUS_ERR. */
int cp_cli_dataplane_down(struct cp_cli_req *req);
/** Why cp_dplink_request() failed, for the operator. */
const char *cp_cli_send_error(int rc);

/** `show circuits` and `circuit destroy HANDLE [REASON]` (cli_circ.c). */
/** `show consensus`: the consensus held, our flags, the descriptor and each authority's answer. */
int cp_cli_cmd_show_consensus(struct cp_cli_req *req, int argc, char **argv);
int cp_cli_cmd_show_circuits(struct cp_cli_req *req, int argc, char **argv);
int cp_cli_cmd_circuit_destroy(struct cp_cli_req *req, int argc, char **argv);

#endif /* CONTROLPLANE_CLI_CLI_CMDS_H */
