/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief CLI command table and dispatch, independent of the socket.
 *
 * A command is a row {path, args, help, handler}; the longest path that
 * matches the request's leading words wins ("show channels" before "show").
 * A handler writes its output into req->out and returns a CLI_STATUS_*; a
 * handler that must wait for the dataplane returns CP_CLI_PENDING and later
 * calls cp_cli_req_finish(). The socket layer sets req->done to deliver the
 * answer; tests set their own. A pending handler that may wait longer than
 * the socket's CP_CLI_CONN_TIMEOUT_NS (`channel open` waits up to a minute)
 * sets req->timeout_ns, and the connection then stays open that long.
 */
#ifndef CONTROLPLANE_CLI_CLI_H
#define CONTROLPLANE_CLI_CLI_H

#include <stdint.h>

#include "controlplane/cli/cli_proto.h"
#include "controlplane/cp.h"
#include "controlplane/util.h"

/** A handler's "answer later" return value. */
#define CP_CLI_PENDING (-1)

struct cp_cli_req;

/** Deliver a finished request's status and req->out. */
typedef void(cp_cli_done_fn)(struct cp_cli_req *req, int status);

/** One request in flight. */
struct cp_cli_req {
	struct cp_ctx *cp;
	struct cp_buf out;     /**< The answer's body. */
	cp_cli_done_fn *done;  /**< Called exactly once, by cp_cli_req_finish(). */
	void *owner;           /**< The socket connection (or the test's context). */
	void *op;              /**< A pending operation, owned by the handler. */
	void (*op_cancel)(struct cp_cli_req *req); /**< Frees @c op if the client goes away. */
	uint64_t timeout_ns;   /**< Set by a pending handler: how long it may wait (0 = default). */
	uint8_t finished;
};

typedef int(cp_cli_fn)(struct cp_cli_req *req, int argc, char **argv);

struct cp_cli_cmd {
	const char *path;  /**< Words, e.g. "status" or "show counters". */
	const char *args;  /**< Argument synopsis for help, "" if none. */
	const char *help;  /**< One line. */
	cp_cli_fn *fn;
};

/**
 * Run request line @p line (modified in place) for @p req.
 *
 * Calls req->done with the status unless the handler returned CP_CLI_PENDING.
 */
void cp_cli_dispatch(struct cp_cli_req *req, char *line);

/** Finish a request: call req->done once with @p status. */
void cp_cli_req_finish(struct cp_cli_req *req, int status);

/** Cancel a pending request whose client went away (frees its operation, no answer). */
void cp_cli_req_cancel(struct cp_cli_req *req);

/** Return the command table and its length. */
const struct cp_cli_cmd *cp_cli_commands(uint32_t *n);

#endif /* CONTROLPLANE_CLI_CLI_H */
