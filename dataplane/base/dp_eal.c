/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Removal of EAL's runtime directory at shutdown.
 *
 * DPDK 22.11 leaves /var/run/dpdk/<prefix>/ (and the telemetry socket in it)
 * behind after rte_eal_cleanup(). Chive runs every instance with its own
 * --file-prefix, so that directory is ours to remove.
 */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dataplane/base/dp_eal.h"

void
dp_eal_remove_runtime_dir(const char *dir)
{
	char path[PATH_MAX];
	struct dirent *de;
	char *slash;
	DIR *d = opendir(dir);

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) < (int)sizeof(path))
			unlink(path);
	}
	closedir(d);
	rmdir(dir);
	/* The parent (/var/run/dpdk), unless another instance still uses it. */
	if (snprintf(path, sizeof(path), "%s", dir) >= (int)sizeof(path))
		return;
	slash = strrchr(path, '/');
	if (slash != NULL && slash != path) {
		*slash = '\0';
		rmdir(path);
	}
}
