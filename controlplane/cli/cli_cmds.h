/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief The built-in CLI commands: help, status, counters (cli_cmds.c), the
 *        channel commands and paged listings (cli_chan.c), the circuit commands
 *        (cli_circ.c), `show consensus` (cli_dir.c), `show ports|lcores|keys|config`
 *        (cli_show.c), `config get|set` (cli_config.c).
 */
#ifndef CONTROLPLANE_CLI_CLI_CMDS_H
#define CONTROLPLANE_CLI_CLI_CMDS_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

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
struct cp_json;

/**
 * A paged listing over every lcore (`show channels`, `show circuits`): the
 * request type (its body is struct ipc_msg_chan_list: cursor, max), the
 * reply types (rows of at most IPC_EVT_SLOT bytes; the end has the layout
 * of struct ipc_msg_chan_list_end), and how to print: a table, or with
 * --json {"<json_key>": [row objects], "count": N, "truncated": bool,
 * "lcore_errors": [{"lcore": i, "error": "..."}]} (and "error" if any lcore
 * failed).
 */
struct cp_cli_list_kind {
	uint16_t list_type, info_type, end_type;
	uint32_t page_max;
	const char *noun; /**< "channel": the footer says "N channels" */
	const char *json_key; /**< "channels": the member holding the rows */
	void (*header)(struct cp_buf *b);
	void (*row)(struct cp_buf *b, uint32_t lcore, const void *info);
	void (*json_row)(struct cp_json *j, uint32_t lcore, const void *info); /**< one object */
};

/** Start a listing of @p kind for @p req; CP_CLI_PENDING or an error status. */
int cp_cli_list_start(struct cp_cli_req *req, const struct cp_cli_list_kind *kind);

/** Parse a handle as `show channels|circuits` print it ("0x" and hex, or decimal; never 0). */
bool cp_cli_parse_handle(const char *s, uint32_t *out);
/** Print "error: dataplane down (...)"; return CLI_STATUS_ERR. */
int cp_cli_dataplane_down(struct cp_cli_req *req);
/** Why cp_dplink_request() failed, for the operator. */
const char *cp_cli_send_error(int rc);

/** `show consensus`: the consensus held, our flags, the descriptor and each authority's answer. */
int cp_cli_cmd_show_consensus(struct cp_cli_req *req, int argc, char **argv);

/** Format @p t as "YYYY-MM-DD HH:MM:SS (Ns ago)" or "(in Ns)" against @p now; "never" for 0. */
void cp_cli_when(char out[64], time_t t, time_t now);
/** `show circuits` and `circuit destroy HANDLE [REASON]` (cli_circ.c). */
int cp_cli_cmd_show_circuits(struct cp_cli_req *req, int argc, char **argv);
int cp_cli_cmd_circuit_destroy(struct cp_cli_req *req, int argc, char **argv);

/** Lcore index asked for the network port: the one with queue 0, as for `channel open`. */
#define CP_PORT_LCORE 0u
/** How long `show ports` waits for each answer (PORT_GET, each PORT_XSTATS page), ns. */
#define CP_PORT_TIMEOUT_NS UINT64_C(2000000000)

/**
 * `show ports`: PORT_GET to lcore CP_PORT_LCORE (the port, its queues), with the
 * /dp/net/ counters (cli_show.c).
 */
int cp_cli_cmd_show_ports(struct cp_cli_req *req, int argc, char **argv);
/** `show ports xstats [FILTER]`: the NIC's extended stats, by PORT_XSTATS pages (cli_show.c). */
int cp_cli_cmd_show_ports_xstats(struct cp_cli_req *req, int argc, char **argv);
/** `show lcores`: each lcore's loop counters from its own counter block (cli_show.c). */
int cp_cli_cmd_show_lcores(struct cp_cli_req *req, int argc, char **argv);
/** `show keys`: the key store and the link credentials (cli_show.c). */
int cp_cli_cmd_show_keys(struct cp_cli_req *req, int argc, char **argv);
/** `show config`: the effective configuration, cp->conf (cli_show.c). */
int cp_cli_cmd_show_config(struct cp_cli_req *req, int argc, char **argv);

/** `config get [KEY]`: every keyword (or one) with its value and whether it changes at run time. */
int cp_cli_cmd_config_get(struct cp_cli_req *req, int argc, char **argv);
/** `config set KEY VALUE`: a run-time change (runconf.h); the bandwidth also on every lcore. */
int cp_cli_cmd_config_set(struct cp_cli_req *req, int argc, char **argv);

#endif /* CONTROLPLANE_CLI_CLI_CMDS_H */
