/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Helpers shared by the controlplane/link* suites: throw-away key stores.
 *
 * A relay key store is made in a fresh directory under /tmp with the same
 * options chive-controlplane uses (tor's defaults, type-4 certs made by
 * cp_linkcreds_make_signing_cert()), at a fixed wall-clock time, so each
 * suite has real, independent relay identities to build and check
 * credentials with. The directory is removed when the store is closed.
 */
#ifndef TESTS_CONTROLPLANE_TEST_LINK_UTIL_H
#define TESTS_CONTROLPLANE_TEST_LINK_UTIL_H

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "controlplane/keys/keys.h"
#include "controlplane/link/linkcreds.h"
#include "controlplane/log.h"

/** A fixed wall clock for the link suites: 2027-01-15 08:00:00 UTC. */
#define LINK_TEST_NOW ((time_t)1800000000)

/** A key store and the directory it lives in. */
struct link_test_store {
	char dir[64];
	struct cp_keys *keys;
};

static inline int
link_test_rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/** Make a new relay identity in a fresh directory at @p now; 0 or a negative errno. */
static inline int
link_test_store_open(struct link_test_store *s, time_t now)
{
	struct cp_keys_options opt;
	char err[512];
	int rc;

	memset(s, 0, sizeof(*s));
	snprintf(s->dir, sizeof(s->dir), "/tmp/chive-link-XXXXXX");
	if (mkdtemp(s->dir) == NULL)
		return -1;
	cp_keys_options_default(&opt);
	opt.make_signing_cert = cp_linkcreds_make_signing_cert;
	cp_log_set_level(CP_LOG_ERR);
	rc = cp_keys_load_or_create(s->dir, &opt, now, &s->keys, err, sizeof(err));
	if (rc != 0)
		fprintf(stderr, "link test key store: %s\n", err);
	return rc;
}

/** Destroy the store and remove its directory. */
static inline void
link_test_store_close(struct link_test_store *s)
{
	cp_keys_destroy(s->keys);
	s->keys = NULL;
	if (s->dir[0] != '\0')
		nftw(s->dir, link_test_rm_one, 16, FTW_DEPTH | FTW_PHYS);
	s->dir[0] = '\0';
}

#endif /* TESTS_CONTROLPLANE_TEST_LINK_UTIL_H */
