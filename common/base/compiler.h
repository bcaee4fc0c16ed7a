/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Small compiler helpers for code that must build without DPDK.
 *
 * DPDK's rte_common.h provides equivalents for the dataplane; common/ and
 * controlplane/ may not include DPDK, so they use these. Every macro is
 * guarded so that a translation unit that also includes DPDK headers does
 * not see a redefinition.
 */
#ifndef COMMON_BASE_COMPILER_H
#define COMMON_BASE_COMPILER_H

#include <stddef.h>

/** Cache-line size assumed by the shared-memory ABI (x86-64, arm64). */
#define CHIVE_CACHE_LINE 64

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

#ifndef container_of
#define container_of(ptr, type, member) \
	((type *)(void *)((char *)(ptr) - offsetof(type, member)))
#endif

#ifndef likely
#define likely(x) __builtin_expect(!!(x), 1)
#endif
#ifndef unlikely
#define unlikely(x) __builtin_expect(!!(x), 0)
#endif

/** True when @p x is a non-zero power of two. */
#define CHIVE_IS_POW2(x) ((x) != 0 && (((x) & ((x) - 1)) == 0))

/** Round @p x up to a multiple of @p a (a power of two). */
#define CHIVE_ALIGN_UP(x, a) (((x) + ((a) - 1)) & ~((__typeof__(x))(a) - 1))

#endif /* COMMON_BASE_COMPILER_H */
