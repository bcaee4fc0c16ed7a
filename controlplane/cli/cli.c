/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief CLI dispatch: split the line, find the longest matching path, run it.
 */
#include <errno.h>
#include <string.h>

#include "controlplane/cli/cli.h"
#include "controlplane/cli/cli_cmds.h"
#include "controlplane/cli/cli_json.h"

/* Number of leading words of @argv that spell @path, or 0 if they do not. */
static int
cmd_match(const char *path, int argc, char **argv)
{
	const char *p = path;
	int words = 0;

	while (*p != '\0') {
		size_t n = strcspn(p, " ");

		if (words >= argc || strlen(argv[words]) != n || strncmp(argv[words], p, n) != 0)
			return 0;
		words++;
		p += n;
		while (*p == ' ')
			p++;
	}
	return words;
}

/* True if @p b holds a JSON object (its first non-blank byte is '{'). */
static bool
body_is_json_object(const struct cp_buf *b)
{
	for (size_t i = 0; i < b->len; i++) {
		if (b->p[i] == '{')
			return true;
		if (b->p[i] != ' ' && b->p[i] != '\n')
			return false;
	}
	return false;
}

/* Replace a failed request's text body by {"error":"TEXT"}. */
static void
json_error_wrap(struct cp_cli_req *req)
{
	static const char prefix[] = "error: ";
	struct cp_buf text = req->out;
	const char *p = text.p != NULL ? text.p : "";
	size_t n = text.len;
	struct cp_json j;

	while (n > 0 && p[n - 1] == '\n')
		n--;
	if (n >= sizeof(prefix) - 1 && strncmp(p, prefix, sizeof(prefix) - 1) == 0) {
		p += sizeof(prefix) - 1;
		n -= sizeof(prefix) - 1;
	}
	memset(&req->out, 0, sizeof(req->out));
	cp_json_init(&j, &req->out);
	cp_json_obj_begin(&j);
	cp_json_key(&j, "error");
	cp_json_strn(&j, p, n);
	cp_json_obj_end(&j);
	cp_json_end(&j);
	cp_buf_free(&text);
}

void
cp_cli_req_finish(struct cp_cli_req *req, int status)
{
	if (req->finished)
		return;
	req->finished = 1;
	if (req->json && status != CLI_STATUS_OK && !body_is_json_object(&req->out))
		json_error_wrap(req);
	req->done(req, status);
}

void
cp_cli_req_cancel(struct cp_cli_req *req)
{
	if (req->op_cancel != NULL)
		req->op_cancel(req);
	req->op_cancel = NULL;
	req->op = NULL;
	req->finished = 1;
}

void
cp_cli_dispatch(struct cp_cli_req *req, char *line)
{
	char *argv[CLI_PROTO_ARGS_MAX];
	const struct cp_cli_cmd *cmds, *best = NULL;
	int argc, best_words = 0, rc;
	uint32_t n;

	argc = cli_proto_split(line, argv, CLI_PROTO_ARGS_MAX);
	if (argc < 0) {
		cp_buf_printf(&req->out, "error: %s\n",
			      argc == -E2BIG ? "too many words in request"
					     : "request holds control or non-ASCII characters");
		cp_cli_req_finish(req, CLI_STATUS_USAGE);
		return;
	}
	if (argc > 0 && strcmp(argv[0], CLI_PROTO_JSON_WORD) == 0) {
		req->json = true;
		argc--;
		memmove(argv, argv + 1, (size_t)argc * sizeof(argv[0]));
	}
	if (argc == 0) {
		cp_buf_printf(&req->out, "error: empty request; try 'help'\n");
		cp_cli_req_finish(req, CLI_STATUS_USAGE);
		return;
	}
	cmds = cp_cli_commands(&n);
	for (uint32_t i = 0; i < n; i++) {
		int w = cmd_match(cmds[i].path, argc, argv);

		if (w > best_words) {
			best = &cmds[i];
			best_words = w;
		}
	}
	if (best == NULL) {
		cp_buf_printf(&req->out, "error: unknown command '%s'; try 'help'\n", argv[0]);
		cp_cli_req_finish(req, CLI_STATUS_USAGE);
		return;
	}
	if (req->json && !best->json) {
		cp_buf_printf(&req->out,
			      "error: '%s' has no JSON output (--json is for the read commands)\n",
			      best->path);
		cp_cli_req_finish(req, CLI_STATUS_USAGE);
		return;
	}
	rc = best->fn(req, argc - best_words, argv + best_words);
	if (rc != CP_CLI_PENDING)
		cp_cli_req_finish(req, rc);
}
