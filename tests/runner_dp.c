/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Dataplane test runner: links DPDK, starts EAL once without hugepages or PCI.
 *
 * EAL is brought up by tests/harness/eal_fixture.c before any suite runs and
 * torn down (with its runtime directory) after the last one.
 * Usage: dp [-l] [SUITE_PREFIX...]
 */
#include <stdio.h>

#include "common/base/compiler.h"
#include "tests/harness/cu_runner.h"
#include "tests/harness/eal_fixture.h"
#include "tests/suites.h"

static CU_SuiteInfo *const dp_suites[] = {
	&suite_dp_eal,
	&suite_dp_ctl,
	&suite_dp_ctr,
	&suite_net,
	&suite_fault,
	&suite_port,
	&suite_tcp_cc,
	&suite_tcp_sack,
	&suite_tcp,
	&suite_diag,
	&suite_tcp_loss,
	&suite_tls,
	&suite_chan,
	&suite_circ,
	&suite_relay_crypto,
	&suite_relay_crypto_evp,
	&suite_dp_config,
};

int
main(int argc, char **argv)
{
	int rc;

	if (argc > 1 && argv[1][0] == '-' && argv[1][1] == 'l')
		return cu_runner_main("dp", dp_suites, ARRAY_SIZE(dp_suites), argc, argv);
	if (eal_fixture_start() != 0) {
		fprintf(stderr, "dp: EAL did not start\nRESULT dp passed=0 failed=1\n");
		return 1;
	}
	rc = cu_runner_main("dp", dp_suites, ARRAY_SIZE(dp_suites), argc, argv);
	eal_fixture_stop();
	return rc;
}
