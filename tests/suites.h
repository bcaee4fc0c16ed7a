/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief One extern CU_SuiteInfo per test file (CONVENTIONS.md §24).
 *
 * A new test file adds its suite here and to the table of the runner that
 * links it (tests/runner_unit.c for plain C, tests/runner_dp.c for DPDK).
 */
#ifndef TESTS_SUITES_H
#define TESTS_SUITES_H

#include <CUnit/CUnit.h>

/* Unit runner: common/ */
extern CU_SuiteInfo suite_byteorder;
extern CU_SuiteInfo suite_ipc_ring;
extern CU_SuiteInfo suite_ipc_msg;
extern CU_SuiteInfo suite_ipc_stats;
extern CU_SuiteInfo suite_ipc_shm;
extern CU_SuiteInfo suite_wire_cell;
extern CU_SuiteInfo suite_wire_relay;
extern CU_SuiteInfo suite_wire_link;
extern CU_SuiteInfo suite_wire_create;
extern CU_SuiteInfo suite_conf;
/* Unit runner: controlplane/ */
extern CU_SuiteInfo suite_cli_proto;
extern CU_SuiteInfo suite_cli;
extern CU_SuiteInfo suite_dplink;
extern CU_SuiteInfo suite_port_fetch;
extern CU_SuiteInfo suite_stats;
extern CU_SuiteInfo suite_lcore_busy;
extern CU_SuiteInfo suite_keys;
extern CU_SuiteInfo suite_ed25519x;
extern CU_SuiteInfo suite_certs_edcert;
extern CU_SuiteInfo suite_certs_rsacross;
extern CU_SuiteInfo suite_certs_x509;
extern CU_SuiteInfo suite_certs_linkcerts;
extern CU_SuiteInfo suite_certs_tor;
extern CU_SuiteInfo suite_linkcreds;
extern CU_SuiteInfo suite_link;
extern CU_SuiteInfo suite_cli_chan;
extern CU_SuiteInfo suite_cli_json;
extern CU_SuiteInfo suite_cli_config;
extern CU_SuiteInfo suite_onion;
extern CU_SuiteInfo suite_onionq;
extern CU_SuiteInfo suite_cp_config;
extern CU_SuiteInfo suite_consensus;
extern CU_SuiteInfo suite_dir;
extern CU_SuiteInfo suite_metrics;
/* Unit runner: plain-C drivers/ */
extern CU_SuiteInfo suite_rss;

/* DP runner: dataplane/ */
extern CU_SuiteInfo suite_dp_eal;
extern CU_SuiteInfo suite_dp_ctl;
extern CU_SuiteInfo suite_dp_ctr;
extern CU_SuiteInfo suite_net;
extern CU_SuiteInfo suite_fault;
extern CU_SuiteInfo suite_port;
extern CU_SuiteInfo suite_tcp_cc;
extern CU_SuiteInfo suite_tcp_sack;
extern CU_SuiteInfo suite_tcp;
extern CU_SuiteInfo suite_diag;
extern CU_SuiteInfo suite_tcp_loss;
extern CU_SuiteInfo suite_tls;
extern CU_SuiteInfo suite_chan;
extern CU_SuiteInfo suite_circ;
extern CU_SuiteInfo suite_relay_crypto;
extern CU_SuiteInfo suite_relay_crypto_evp;
extern CU_SuiteInfo suite_dp_config;

#endif /* TESTS_SUITES_H */
