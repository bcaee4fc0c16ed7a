/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Shared main() logic of the CUnit runners.
 */
#ifndef TESTS_HARNESS_CU_RUNNER_H
#define TESTS_HARNESS_CU_RUNNER_H

#include <stddef.h>

#include <CUnit/CUnit.h>

/**
 * Register the suites whose names start with any prefix given in @p argv
 * (all suites when none is given), run them verbosely, and print CUnit's
 * summary followed by one line `RESULT <runner> passed=N failed=M` for
 * tests/run.sh. A suite whose init fails counts as one failed test.
 *
 * Options: `-l` lists the suite names and exits.
 *
 * @return
 *   Process exit status: 0 when nothing failed, 1 otherwise.
 */
int cu_runner_main(const char *runner, CU_SuiteInfo *const *suites, size_t n_suites, int argc,
		   char **argv);

#endif /* TESTS_HARNESS_CU_RUNNER_H */
