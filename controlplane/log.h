/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Controlplane logging: syslog levels, domains cp.main, cp.dp, cp.cli, ...
 *
 * Output goes to stderr (or the stream cp_log_set_output() names: the
 * config file's `Log ... stdout` or `Log ... file PATH`) with a timestamp,
 * level and domain. Rules from
 * CONVENTIONS.md §19: nothing at WARN or above in normal operation; INFO and
 * above must make sense to an operator; never log key material.
 */
#ifndef CONTROLPLANE_LOG_H
#define CONTROLPLANE_LOG_H

#include <stdio.h>

#define CP_LOG_ERR 3
#define CP_LOG_WARN 4
#define CP_LOG_NOTICE 5
#define CP_LOG_INFO 6
#define CP_LOG_DEBUG 7

/** Set the most verbose level printed (default CP_LOG_NOTICE); any thread, any time. */
void cp_log_set_level(int level);

/** Write to @p out from now on (default stderr; NULL: back to stderr). The caller keeps it open. */
void cp_log_set_output(FILE *out);

/** Return the level named @p name ("err", "warn", "notice", "info", "debug"), or -1. */
int cp_log_level_parse(const char *name);

/** Log one line at @p level in @p domain; the format needs no trailing newline. */
void cp_log(int level, const char *domain, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define CP_LOG(level, dom, ...) cp_log(CP_LOG_##level, "cp." #dom, __VA_ARGS__)

#endif /* CONTROLPLANE_LOG_H */
