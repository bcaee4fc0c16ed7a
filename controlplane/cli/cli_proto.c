/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Request splitting and response framing shared by chivectl and the daemon.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "controlplane/cli/cli_proto.h"

int
cli_proto_split(char *line, char **argv, int max)
{
	size_t len = strlen(line);
	int argc = 0;
	char *p;

	if (len > 0 && line[len - 1] == '\n') {
		line[--len] = '\0';
		if (len > 0 && line[len - 1] == '\r')
			line[--len] = '\0';
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)line[i];

		if ((c < 0x20 && c != '\t') || c >= 0x7f)
			return -EINVAL;
	}
	p = line;
	for (;;) {
		while (*p == ' ' || *p == '\t')
			*p++ = '\0';
		if (*p == '\0')
			break;
		if (argc == max)
			return -E2BIG;
		argv[argc++] = p;
		while (*p != '\0' && *p != ' ' && *p != '\t')
			p++;
	}
	return argc;
}

int
cli_proto_hdr_format(char *buf, size_t buflen, int status, size_t body_len)
{
	return snprintf(buf, buflen, "CHIVE/1 %d %zu\n", status, body_len);
}

int
cli_proto_hdr_parse(const char *buf, size_t len, int *status, size_t *body_len)
{
	static const char magic[] = "CHIVE/1 ";
	const char *nl = memchr(buf, '\n', len < CLI_PROTO_HDR_MAX ? len : CLI_PROTO_HDR_MAX);
	unsigned long long blen = 0;
	const char *p;
	int st = 0, digits = 0;

	if (nl == NULL)
		return len >= CLI_PROTO_HDR_MAX ? -EBADMSG : 0;
	if ((size_t)(nl - buf) < sizeof(magic) - 1 || memcmp(buf, magic, sizeof(magic) - 1) != 0)
		return -EBADMSG;
	p = buf + sizeof(magic) - 1;
	if (*p < '0' || *p > '2' || p[1] != ' ')
		return -EBADMSG;
	st = *p - '0';
	for (p += 2; p < nl; p++, digits++) {
		if (*p < '0' || *p > '9' || digits >= 9)
			return -EBADMSG;
		blen = blen * 10 + (unsigned long long)(*p - '0');
	}
	if (digits == 0 || blen > CLI_PROTO_BODY_MAX)
		return -EBADMSG;
	*status = st;
	*body_len = (size_t)blen;
	return (int)(nl - buf + 1);
}
