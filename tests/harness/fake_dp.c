/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief A shared segment as a dataplane publishes it (fake_dp.h).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tests/harness/fake_dp.h"

void
fake_dp_init(struct fake_dp *f)
{
	memset(f, 0, sizeof(*f));
	f->shm.fd = -1;
}

int
fake_dp_create(struct fake_dp *f, const char *name, const struct ipc_seg_geom *g, char *err,
	       size_t errlen)
{
	fake_dp_init(f);
	if (g->n_lcores > FAKE_DP_LCORES_MAX) {
		snprintf(err, errlen, "fake dataplane: %u lcores, at most %u", g->n_lcores,
			 FAKE_DP_LCORES_MAX);
		return -1;
	}
	f->n_lcores = g->n_lcores;
	/* The parent's pid: a live process the control plane's liveness check accepts. */
	return ipc_shm_create(name, g, (uint32_t)getppid(), &f->shm, err, errlen) == 0 ? 0 : -1;
}

int
fake_dp_publish(struct fake_dp *f)
{
	ipc_shm_publish(&f->shm);
	for (uint32_t i = 0; i < f->n_lcores; i++) {
		if (ipc_ring_cons_init(&f->cmd[i], ipc_shm_ring(&f->shm, i, IPC_RING_CMD),
				       ipc_shm_ring_size(&f->shm, IPC_RING_CMD)) != 0 ||
		    ipc_ring_prod_init(&f->evt[i], ipc_shm_ring(&f->shm, i, IPC_RING_EVT),
				       ipc_shm_ring_size(&f->shm, IPC_RING_EVT)) != 0)
			return -1;
	}
	return 0;
}

int
fake_dp_start(struct fake_dp *f, const char *name, const struct ipc_seg_geom *g, char *err,
	      size_t errlen)
{
	if (fake_dp_create(f, name, g, err, errlen) != 0)
		return -1;
	if (fake_dp_publish(f) != 0) {
		snprintf(err, errlen, "fake dataplane: ring set-up failed");
		return -1;
	}
	return 0;
}

void
fake_dp_close(struct fake_dp *f)
{
	ipc_shm_close(&f->shm);
}
