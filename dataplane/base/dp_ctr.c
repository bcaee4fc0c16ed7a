/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief The dataplane counter table and its publication into the segment.
 */
#include <errno.h>

#include "dataplane/base/dp_ctr.h"

const struct dp_ctr_info dp_ctr_table[DP_CTR__COUNT] = {
#define DP_CTR(id, name_, kind_, help_) \
	[DP_CTR_##id] = { .name = name_, .help = help_, .kind = IPC_CTR_KIND_##kind_ },
#include "dataplane/base/dp_ctr_all.def"
#undef DP_CTR
};

/* A name or help text too long for the segment's directory would only show
 * at start ("cannot publish counters"): refuse it at build time. */
#define DP_CTR(id, name_, kind_, help_)                                                   \
	_Static_assert(sizeof(name_) <= IPC_CTR_NAME_MAX, "counter name too long: " name_); \
	_Static_assert(sizeof(help_) <= IPC_CTR_HELP_MAX, "counter help too long: " name_);
#include "dataplane/base/dp_ctr_all.def"
#undef DP_CTR

int
dp_ctr_publish(struct ipc_ctr_dir *d)
{
	int rc = 0;

	ipc_ctr_dir_begin(d);
	for (uint32_t i = 0; i < DP_CTR__COUNT; i++) {
		const struct dp_ctr_info *c = &dp_ctr_table[i];
		int idx = ipc_ctr_dir_add(d, c->name, c->kind, c->help);

		if (idx < 0) {
			rc = idx;
			break;
		}
		if ((uint32_t)idx != i) {
			rc = -EINVAL; /* directory not empty: indices would not match the enum */
			break;
		}
	}
	ipc_ctr_dir_end(d);
	return rc;
}
