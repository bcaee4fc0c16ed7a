/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Unit-test runner: common/, controlplane/ and plain-C drivers/ code.
 *
 * Links no DPDK: that it links at all proves the layering rule that the
 * control plane and common code never depend on DPDK.
 * Usage: unit [-l] [SUITE_PREFIX...]
 */
#include "common/base/compiler.h"
#include "tests/harness/cu_runner.h"
#include "tests/suites.h"

static CU_SuiteInfo *const unit_suites[] = {
	&suite_byteorder,
	&suite_ipc_ring,
	&suite_ipc_msg,
	&suite_ipc_stats,
	&suite_ipc_shm,
	&suite_wire_cell,
	&suite_wire_relay,
	&suite_wire_link,
	&suite_wire_create,
	&suite_conf,
	&suite_cli_proto,
	&suite_cli,
	&suite_dplink,
	&suite_port_fetch,
	&suite_stats,
	&suite_lcore_busy,
	&suite_keys,
	&suite_ed25519x,
	&suite_certs_edcert,
	&suite_certs_rsacross,
	&suite_certs_x509,
	&suite_certs_linkcerts,
	&suite_certs_tor,
	&suite_linkcreds,
	&suite_link,
	&suite_cli_chan,
	&suite_cli_json,
	&suite_cli_config,
	&suite_onion,
	&suite_onionq,
	&suite_cp_config,
	&suite_consensus,
	&suite_dir,
	&suite_metrics,
	&suite_rss,
};

int
main(int argc, char **argv)
{
	return cu_runner_main("unit", unit_suites, ARRAY_SIZE(unit_suites), argc, argv);
}
