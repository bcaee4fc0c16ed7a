/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief A shared segment as a dataplane publishes it, for control-plane unit tests.
 *
 * The test plays every lcore: it pops what the control plane sends from the
 * command rings and pushes answers onto the event rings. Plain C (libc and
 * common/ipc): the unit runner links it.
 */
#ifndef TESTS_HARNESS_FAKE_DP_H
#define TESTS_HARNESS_FAKE_DP_H

#include <stddef.h>
#include <stdint.h>

#include "common/ipc/ipc_ring.h"
#include "common/ipc/ipc_shm.h"

/** Most lcores a fake dataplane plays. */
#define FAKE_DP_LCORES_MAX 4u

struct fake_dp {
	struct ipc_shm shm; /**< the creator's ("dataplane's") mapping */
	uint32_t n_lcores;
	struct ipc_ring_cons cmd[FAKE_DP_LCORES_MAX]; /**< lcore side of the command rings */
	struct ipc_ring_prod evt[FAKE_DP_LCORES_MAX]; /**< lcore side of the event rings */
};

/** A stopped fake dataplane (nothing mapped); fake_dp_close() accepts it. */
void fake_dp_init(struct fake_dp *f);

/**
 * Create segment @p name with geometry @p g (at most FAKE_DP_LCORES_MAX
 * lcores), not yet published: the caller may still fill in the header.
 * @return 0, or -1 with @p err set.
 */
int fake_dp_create(struct fake_dp *f, const char *name, const struct ipc_seg_geom *g, char *err,
		   size_t errlen);

/** Publish the segment and take the lcore side of every command and event ring. 0 or -1. */
int fake_dp_publish(struct fake_dp *f);

/** fake_dp_create() then fake_dp_publish(). 0, or -1 with @p err set. */
int fake_dp_start(struct fake_dp *f, const char *name, const struct ipc_seg_geom *g, char *err,
		  size_t errlen);

/** Unmap and remove the segment (if any). */
void fake_dp_close(struct fake_dp *f);

#endif /* TESTS_HARNESS_FAKE_DP_H */
