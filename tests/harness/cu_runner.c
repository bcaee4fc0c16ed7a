/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Table-driven CUnit runner with name-prefix filters.
 *
 * Each test file exports one CU_SuiteInfo named by path ("common/ipc_ring");
 * a runner passes its table here. CUnit itself sets no exit status, so this
 * computes one from the run summary, counting suite set-up failures as
 * failures (CU_get_number_of_tests_failed() alone would miss them).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "tests/harness/cu_runner.h"

static int
suite_is_selected(const char *name, int argc, char **argv)
{
	int any = 0;

	for (int i = 1; i < argc; i++) {
		if (argv[i][0] == '-')
			continue;
		any = 1;
		if (strncmp(name, argv[i], strlen(argv[i])) == 0)
			return 1;
	}
	return !any;
}

int
cu_runner_main(const char *runner, CU_SuiteInfo *const *suites, size_t n_suites, int argc,
	       char **argv)
{
	CU_SuiteInfo *sel = calloc(n_suites + 1, sizeof(*sel));
	const CU_RunSummary *rs;
	unsigned int passed, failed;
	size_t k = 0;

	if (sel == NULL)
		return 1;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-l") == 0) {
			for (size_t j = 0; j < n_suites; j++)
				printf("%s\n", suites[j]->pName);
			free(sel);
			return 0;
		}
	}
	for (size_t j = 0; j < n_suites; j++)
		if (suite_is_selected(suites[j]->pName, argc, argv))
			sel[k++] = *suites[j];
	if (CU_initialize_registry() != CUE_SUCCESS || CU_register_suites(sel) != CUE_SUCCESS) {
		fprintf(stderr, "%s: cannot register suites: %s\n", runner, CU_get_error_msg());
		free(sel);
		return 1;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	rs = CU_get_run_summary();
	failed = rs->nTestsFailed + rs->nSuitesFailed;
	passed = rs->nTestsRun - rs->nTestsFailed;
	printf("\nRESULT %s passed=%u failed=%u\n", runner, passed, failed);
	CU_cleanup_registry();
	free(sel);
	return failed == 0 ? 0 : 1;
}
