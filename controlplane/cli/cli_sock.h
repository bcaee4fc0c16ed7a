/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief The CLI unix-socket server inside chive-controlplane.
 *
 * Who may use the CLI is decided by the socket file's permissions (default
 * 0660, so root and the socket's group). Connections are bounded in number
 * (CP_CLI_CONN_MAX) and in time (CP_CLI_CONN_TIMEOUT_NS from accept to the
 * last byte written, or longer for a request that says it waits longer, see
 * struct cp_cli_req); requests in length (CLI_PROTO_LINE_MAX).
 */
#ifndef CONTROLPLANE_CLI_CLI_SOCK_H
#define CONTROLPLANE_CLI_CLI_SOCK_H

#include <stddef.h>
#include <stdint.h>

#include "controlplane/cp.h"

/** Most CLI connections open at once; more are accepted and closed at once. */
#define CP_CLI_CONN_MAX 64
/** A connection that has not finished within this time is closed, ns. */
#define CP_CLI_CONN_TIMEOUT_NS UINT64_C(10000000000)
/**
 * A request whose handler set req->timeout_ns keeps its connection open
 * that long after dispatch, plus this much to write the answer, ns.
 */
#define CP_CLI_CONN_GRACE_NS UINT64_C(5000000000)

struct cp_cli_server;

/**
 * Listen on unix socket @p path with permissions @p mode. A stale socket
 * file (nobody listening) is replaced; a live one makes this fail.
 *
 * @return
 *   The server, or NULL with @p err set.
 */
struct cp_cli_server *cp_cli_server_open(struct cp_ctx *cp, const char *path, unsigned int mode,
					 char *err, size_t errlen);

/** Close idle or overdue connections. */
void cp_cli_server_tick(struct cp_cli_server *s, uint64_t now_ns);

/** Close every connection, the listener, and remove the socket file. Accepts NULL. */
void cp_cli_server_close(struct cp_cli_server *s);

#endif /* CONTROLPLANE_CLI_CLI_SOCK_H */
