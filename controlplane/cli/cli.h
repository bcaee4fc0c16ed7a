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
 *
 * JSON: a request line whose first word is CLI_PROTO_JSON_WORD ("--json")
 * sets req->json and is dispatched without it. Only commands whose row has
 * @c json set accept it (the read commands); the others answer a usage
 * error. A handler with req->json set writes one JSON object into req->out
 * (cli_json.h) instead of its table. A failed request's body that is not a
 * JSON object (usage errors, "dataplane down", ...) is turned into
 * {"error":"TEXT"} by cp_cli_req_finish(), so with --json every answer,
 * good or bad, is one JSON object, and a failed one has an "error" member.
 */
#ifndef CONTROLPLANE_CLI_CLI_H
#define CONTROLPLANE_CLI_CLI_H

#include <stdbool.h>
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
	bool json;             /**< The request asked for JSON (leading "--json"). */
};

typedef int(cp_cli_fn)(struct cp_cli_req *req, int argc, char **argv);

struct cp_cli_cmd {
	const char *path;  /**< Words, e.g. "status" or "show counters". */
	const char *args;  /**< Argument synopsis for help, "" if none. */
	const char *help;  /**< One line. */
	cp_cli_fn *fn;
	bool json;         /**< Has a JSON form: accepts "--json" (the read commands). */
};

/**
 * Run request line @p line (modified in place) for @p req.
 *
 * Calls req->done with the status unless the handler returned CP_CLI_PENDING.
 */
void cp_cli_dispatch(struct cp_cli_req *req, char *line);

/**
 * Finish a request: call req->done once with @p status. With req->json, a
 * failed request's body that is not a JSON object becomes {"error":"TEXT"}
 * (TEXT: the body without a leading "error: " and trailing newlines).
 */
void cp_cli_req_finish(struct cp_cli_req *req, int status);

/** Cancel a pending request whose client went away (frees its operation, no answer). */
void cp_cli_req_cancel(struct cp_cli_req *req);

/** Return the command table and its length. */
const struct cp_cli_cmd *cp_cli_commands(uint32_t *n);

#endif /* CONTROLPLANE_CLI_CLI_H */
