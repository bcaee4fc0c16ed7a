/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Controlplane log sink (stderr, or the stream of cp_log_set_output()).
 */
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "controlplane/log.h"

/* Changed at run time (`config set Log`) while worker threads may log. */
static _Atomic int cp_log_max = CP_LOG_NOTICE;
static FILE *cp_log_out;

static const char *const level_names[] = {
	[CP_LOG_ERR] = "err", [CP_LOG_WARN] = "warn", [CP_LOG_NOTICE] = "notice",
	[CP_LOG_INFO] = "info", [CP_LOG_DEBUG] = "debug",
};

void
cp_log_set_level(int level)
{
	atomic_store_explicit(&cp_log_max, level, memory_order_relaxed);
}

void
cp_log_set_output(FILE *out)
{
	cp_log_out = out;
}

int
cp_log_level_parse(const char *name)
{
	for (int i = CP_LOG_ERR; i <= CP_LOG_DEBUG; i++)
		if (strcmp(name, level_names[i]) == 0)
			return i;
	return -1;
}

void
cp_log(int level, const char *domain, const char *fmt, ...)
{
	struct timespec ts;
	struct tm tm;
	char when[32];
	FILE *out = cp_log_out != NULL ? cp_log_out : stderr;
	va_list ap;

	if (level > atomic_load_explicit(&cp_log_max, memory_order_relaxed))
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
	fprintf(out, "%s.%03ldZ [%s] %s: ", when, ts.tv_nsec / 1000000L,
		level >= CP_LOG_ERR && level <= CP_LOG_DEBUG ? level_names[level] : "?", domain);
	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
	fputc('\n', out);
}
