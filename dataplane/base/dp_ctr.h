/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Dataplane counters: ids generated from the modules' *_ctr.def X-macros.
 *
 * Every dataplane counter is declared once, in its module's .def file, as
 * DP_CTR(id, "/dp/path/name", COUNTER|GAUGE, "help"). This header turns them
 * into enum dp_ctr_id (the counter's index in every lcore block), and
 * dp_ctr_publish() writes the names into the segment's directory at start-up,
 * so chivectl and the exporter discover them without being edited.
 *
 * A counter has one writer, its lcore: DP_CTR_ADD/DP_CTR_INC are a relaxed
 * load and store, never a locked read-modify-write (CONVENTIONS.md §21).
 */
#ifndef DATAPLANE_BASE_DP_CTR_H
#define DATAPLANE_BASE_DP_CTR_H

#include <stdint.h>

#include "common/ipc/ipc_stats.h"

/** Counter ids, one per DP_CTR() line in the .def files. */
enum dp_ctr_id {
#define DP_CTR(id, name, kind, help) DP_CTR_##id,
#include "dataplane/base/dp_ctr_all.def"
#undef DP_CTR
	DP_CTR__COUNT
};

/** One row of the static counter table. */
struct dp_ctr_info {
	const char *name;
	const char *help;
	uint16_t kind; /**< IPC_CTR_KIND_* */
};

/** The static table, indexed by enum dp_ctr_id. */
extern const struct dp_ctr_info dp_ctr_table[DP_CTR__COUNT];

/**
 * Write every dataplane counter into directory @p d (between an odd and an
 * even epoch), at index == its enum dp_ctr_id.
 *
 * @return
 *   0, or a negative errno from ipc_ctr_dir_add() (a bad name in a .def file,
 *   or a directory too small).
 */
int dp_ctr_publish(struct ipc_ctr_dir *d);

/** Add @p n to counter @p id in block @p blk. */
#define DP_CTR_ADD_BLK(blk, id, n) ipc_ctr_add((blk), DP_CTR_##id, (n))
/** Add @p n to counter @p id of lcore context @p lc. */
#define DP_CTR_ADD(lc, id, n) DP_CTR_ADD_BLK((lc)->ctr, id, (n))
/** Increment counter @p id of lcore context @p lc. */
#define DP_CTR_INC(lc, id) DP_CTR_ADD(lc, id, 1)
/** Read counter @p id of lcore context @p lc. */
#define DP_CTR_GET(lc, id) ipc_ctr_get((lc)->ctr, DP_CTR_##id)

#endif /* DATAPLANE_BASE_DP_CTR_H */
