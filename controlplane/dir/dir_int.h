/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Inside the directory module: the consensus half (dir_cons.c) as dir.c calls it.
 */
#ifndef CONTROLPLANE_DIR_DIR_INT_H
#define CONTROLPLANE_DIR_DIR_INT_H

#include <time.h>

#include "controlplane/dir/dir.h"

/** Fetch, verify and install key certificates and the consensus when due. */
void cp_dir_cons_tick(struct cp_ctx *cp, time_t now, uint64_t now_ns);
/** Cancel the fetch, free the consensus and certificates. */
void cp_dir_cons_fini(struct cp_dir *d);
/** /cp/dir/ gauges of the consensus: listed, our flags, its times. */
void dir_cons_counters(const struct cp_dir *d, cp_ctr_fn *fn, void *arg);

#endif /* CONTROLPLANE_DIR_DIR_INT_H */
