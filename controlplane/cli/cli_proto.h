/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief The chivectl ⇄ controlplane wire protocol on the CLI unix socket.
 *
 * One request per connection. The client sends one line of at most
 * CLI_PROTO_LINE_MAX bytes: words separated by blanks, ended by '\n'. The
 * server answers with a header line `CHIVE/1 <status> <length>\n` followed
 * by exactly <length> bytes of body, then closes. Status 0 is success, 1 a
 * failed command, 2 a usage error (unknown command, bad arguments); chivectl
 * exits with that status. The explicit length lets the client tell a
 * complete answer from a cut-off one.
 *
 * JSON: a request whose first word is CLI_PROTO_JSON_WORD (`--json status`,
 * what `chivectl --json status` sends) asks for the body as one JSON object
 * (RFC 8259, UTF-8, ended by '\n') instead of the readable table; the rest
 * of the line is the command as usual. The status byte keeps its meaning,
 * and a failed request's JSON object has an "error" member (a string).
 * Commands without a JSON form (`channel open|close`, `circuit destroy`)
 * answer a usage error to such a request. Servers that predate the word
 * answer "unknown command '--json'" (status 2).
 */
#ifndef CONTROLPLANE_CLI_CLI_PROTO_H
#define CONTROLPLANE_CLI_CLI_PROTO_H

#include <stddef.h>

/** Longest request line, '\n' included. */
#define CLI_PROTO_LINE_MAX 4096
/** Most words in a request. */
#define CLI_PROTO_ARGS_MAX 32
/** Largest body a client accepts. */
#define CLI_PROTO_BODY_MAX (16u << 20)
/** Longest response header line, '\n' included. */
#define CLI_PROTO_HDR_MAX 40

/** First word of a request that wants its answer as JSON. */
#define CLI_PROTO_JSON_WORD "--json"

#define CLI_STATUS_OK 0
#define CLI_STATUS_ERR 1
#define CLI_STATUS_USAGE 2

/**
 * Split @p line in place into at most @p max words (blanks and tabs separate;
 * a trailing '\n' or "\r\n" is dropped).
 *
 * @return
 *   Number of words; -E2BIG if there are more than @p max; -EINVAL if the line
 *   holds a control character or a non-ASCII byte.
 */
int cli_proto_split(char *line, char **argv, int max);

/** Format a response header into @p buf (CLI_PROTO_HDR_MAX bytes); return its length. */
int cli_proto_hdr_format(char *buf, size_t buflen, int status, size_t body_len);

/**
 * Parse a response header at the start of @p buf (@p len bytes).
 *
 * @return
 *   Bytes of the header (>0) with @p status and @p body_len set; 0 if more
 *   bytes are needed; -EBADMSG if malformed or the body is larger than
 *   CLI_PROTO_BODY_MAX.
 */
int cli_proto_hdr_parse(const char *buf, size_t len, int *status, size_t *body_len);

#endif /* CONTROLPLANE_CLI_CLI_PROTO_H */
