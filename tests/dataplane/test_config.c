/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief CUnit suite "dataplane/config": the config file's keywords onto chive-dataplane's options.
 *
 * The schema (common/conf/conf_schema.c) repeats the ranges of the
 * dataplane's options so that the controlplane refuses the same files;
 * these tests hold the two together at both ends of every range, check
 * that each dataplane keyword reaches its option, and that the EAL
 * keywords come out as main.c needs them. No EAL is needed.
 */
#include "tests/suites.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/conf/conf.h"
#include "dataplane/config.h"

static struct dp_config c;
static struct dp_config_eal eal;
static struct conf_file f;
static char err[1024];

static void
setup(void)
{
	dp_config_default(&c);
	dp_config_eal_default(&eal);
	memset(&f, 0, sizeof(f));
	err[0] = '\0';
}

static void
teardown(void)
{
	conf_free(&f);
}

static int
load(const char *text)
{
	int rc = conf_parse(&f, "dp.conf", text, strlen(text), err, sizeof(err));

	if (rc == 0)
		rc = conf_validate(&f, err, sizeof(err));
	if (rc == 0)
		rc = dp_config_load(&c, &eal, &f, err, sizeof(err));
	return rc;
}

static bool
is_eal_keyword(const char *k)
{
	return strcmp(k, "Lcores") == 0 || strcmp(k, "HugePages") == 0 ||
	       strcmp(k, "Memory") == 0 || strcmp(k, "DPDKLogLevel") == 0 ||
	       strcmp(k, "TestingTorNetwork") == 0;
}

static int
apply_num(const char *longopt, uint64_t v)
{
	char s[32];

	dp_config_default(&c);
	snprintf(s, sizeof(s), "%llu", (unsigned long long)v);
	return dp_config_apply(&c, longopt, s, err, sizeof(err));
}

static void
test_dp_config_schema_ranges_match_options(void)
{
	unsigned checked = 0;

	for (size_t i = 0; i < conf_schema_len; i++) {
		const struct conf_opt *o = &conf_schema[i];
		const char *lo = dp_config_longopt(o->name);
		uint64_t min = o->min, max = o->max;

		if (lo == NULL)
			continue;
		if (o->kind == CONF_KIND_PORT) {
			min = 1;
			max = 65535;
		} else if (o->kind != CONF_KIND_UINT && o->kind != CONF_KIND_MEMUNIT &&
			   o->kind != CONF_KIND_MSEC) {
			continue;
		}
		CU_ASSERT_EQUAL(apply_num(lo, min), 0);
		CU_ASSERT_EQUAL(apply_num(lo, max), 0);
		if (min > 0)
			CU_ASSERT_EQUAL(apply_num(lo, min - 1), -EINVAL);
		CU_ASSERT_EQUAL(apply_num(lo, max + 1), -EINVAL);
		checked++;
	}
	CU_ASSERT_EQUAL(checked, 21); /* with RelayBandwidthRate and RelayBandwidthBurst */
}

static void
test_dp_config_every_keyword_reaches_the_dataplane(void)
{
	for (size_t i = 0; i < conf_schema_len; i++) {
		const struct conf_opt *o = &conf_schema[i];

		if (!(o->users & CONF_USER_DP))
			continue;
		CU_ASSERT(is_eal_keyword(o->name) || dp_config_longopt(o->name) != NULL);
	}
	for (const char *const *ch = conf_opt_find("CongestionControl")->choices; *ch != NULL; ch++)
		CU_ASSERT_EQUAL(dp_config_apply(&c, "cc", *ch, err, sizeof(err)), 0);
}

static void
test_dp_config_file_maps_onto_options(void)
{
	CU_ASSERT_EQUAL_FATAL(load("Nickname ignored\n"
				   "SharedMemoryName relay2\n"
				   "DPDKPort net_af_packet0,iface=vchive,qpairs=2\n"
				   "PortAddress 10.78.0.2/24\n"
				   "Gateway 10.78.0.1\n"
				   "MTU 1400\n"
				   "Queues 2\n"
				   "Mbufs 32767\n"
				   "ORPort 9001\n"
				   "MaxConnections 1000\n"
				   "TCPSendBuffer 512 KB\n"
				   "CongestionControl newreno\n"
				   "MaxChannels 100\n"
				   "MaxChannelHandshakes 10\n"
				   "MaxCircuits 2000\n"
				   "CircuitQueue 100\n"
				   "CircuitQueueMax 400\n"
				   "CircuitTimeout 30 seconds\n"
				   "TLSHandshakeTimeout 5 seconds\n"),
			      0);
	CU_ASSERT_STRING_EQUAL(c.shm_name, "relay2");
	CU_ASSERT_STRING_EQUAL(c.port, "net_af_packet0");
	CU_ASSERT_EQUAL(c.ip, 0x0a4e0002);
	CU_ASSERT_EQUAL(c.netmask, 0xffffff00);
	CU_ASSERT_EQUAL(c.gateway, 0x0a4e0001);
	CU_ASSERT_EQUAL(c.mtu, 1400);
	CU_ASSERT_EQUAL(c.queues, 2);
	CU_ASSERT_EQUAL(c.mbufs, 32767);
	CU_ASSERT_EQUAL(c.chan.orport, 9001);
	CU_ASSERT_EQUAL(c.tcp.max_conns, 1000);
	CU_ASSERT_EQUAL(c.tcp.sndbuf, 524288);
	CU_ASSERT_EQUAL(c.tcp.cc_algo, dp_tcp_cc_algo_from_name("newreno"));
	CU_ASSERT_EQUAL(c.chan.max_chans, 100);
	CU_ASSERT_EQUAL(c.chan.max_hs, 10);
	CU_ASSERT_EQUAL(c.circ.max_circs, 2000);
	CU_ASSERT_EQUAL(c.circ.queue_hiwat, 100);
	CU_ASSERT_EQUAL(c.circ.queue_max, 400);
	CU_ASSERT_EQUAL(c.circ.pending_timeout_us, 30000000u);
	CU_ASSERT_EQUAL(c.tls.hs_timeout_us, 5000000u);
	CU_ASSERT_FALSE(c.circ.extend_private);
	CU_ASSERT_STRING_EQUAL(eal.port_spec, "net_af_packet0,iface=vchive,qpairs=2");
	CU_ASSERT_FALSE(eal.port_is_pci);
	CU_ASSERT_EQUAL(dp_config_check(&c, true, err, sizeof(err)), 0);
}

static void
test_dp_config_file_eal_keywords(void)
{
	CU_ASSERT_EQUAL_FATAL(load("Lcores 0-1,3\nHugePages 0\nMemory 256\nDPDKLogLevel Warning\n"
				   "DPDKPort 3b:00.1\nPortAddress 192.0.2.1/32\n"),
			      0);
	CU_ASSERT_STRING_EQUAL(eal.lcores, "0-1,3");
	CU_ASSERT_EQUAL(eal.hugepages, 0);
	CU_ASSERT_EQUAL(eal.memory_mb, 256);
	CU_ASSERT_STRING_EQUAL(eal.log_level, "warning");
	CU_ASSERT_TRUE(eal.port_is_pci);
	CU_ASSERT_STRING_EQUAL(eal.port_spec, "3b:00.1");
	CU_ASSERT_STRING_EQUAL(c.port, "0000:3b:00.1");
	CU_ASSERT_EQUAL(c.netmask, 0xffffffff);
}

static void
test_dp_config_hugepages_default_and_auto(void)
{
	CU_ASSERT_EQUAL(eal.hugepages, -1);
	CU_ASSERT_EQUAL_FATAL(load("HugePages auto\n"), 0);
	CU_ASSERT_EQUAL(eal.hugepages, -1);
	conf_free(&f);
	CU_ASSERT_EQUAL_FATAL(load("HugePages 1\n"), 0);
	CU_ASSERT_EQUAL(eal.hugepages, 1);
}

/* tor: TestingTorNetwork implies ExtendAllowPrivateAddresses unless that is set. */
static void
test_dp_config_testing_network_allows_private_extends(void)
{
	CU_ASSERT_EQUAL_FATAL(load("TestingTorNetwork 1\n"), 0);
	CU_ASSERT_TRUE(c.circ.extend_private);
	conf_free(&f);
	dp_config_default(&c);
	CU_ASSERT_EQUAL_FATAL(load("ExtendAllowPrivateAddresses 0\nTestingTorNetwork 1\n"), 0);
	CU_ASSERT_FALSE(c.circ.extend_private);
	conf_free(&f);
	dp_config_default(&c);
	CU_ASSERT_EQUAL_FATAL(load("ExtendAllowPrivateAddresses 1\n"), 0);
	CU_ASSERT_TRUE(c.circ.extend_private);
}

static void
test_dp_config_check_names_file_keywords(void)
{
	CU_ASSERT_EQUAL_FATAL(load("DPDKPort net_tap0\n"), 0);
	CU_ASSERT_EQUAL(dp_config_check(&c, true, err, sizeof(err)), -EINVAL);
	CU_ASSERT_STRING_EQUAL(err, "DPDKPort needs PortAddress A.B.C.D/LEN");
	CU_ASSERT_EQUAL(dp_config_check(&c, false, err, sizeof(err)), -EINVAL);
	CU_ASSERT_STRING_EQUAL(err, "--port needs --ip A.B.C.D/LEN");
	conf_free(&f);
	dp_config_default(&c);
	CU_ASSERT_EQUAL_FATAL(load("ORPort 9001\n"), 0);
	CU_ASSERT_EQUAL(dp_config_check(&c, true, err, sizeof(err)), -EINVAL);
	CU_ASSERT_STRING_EQUAL(err, "ORPort needs DPDKPort");
	conf_free(&f);
	dp_config_default(&c);
	CU_ASSERT_EQUAL_FATAL(load("CircuitQueue 600\n"), 0);
	CU_ASSERT_EQUAL(dp_config_check(&c, true, err, sizeof(err)), -EINVAL);
	CU_ASSERT_STRING_EQUAL(err, "CircuitQueueMax (512) must exceed CircuitQueue (600)");
}

static void
test_dp_config_command_line_after_file(void)
{
	char *argv[] = { (char *)(uintptr_t)"chive-dataplane", (char *)(uintptr_t)"--mtu",
			 (char *)(uintptr_t)"9000", NULL };

	CU_ASSERT_EQUAL_FATAL(load("MTU 1400\nMbufs 4095\n"), 0);
	CU_ASSERT_EQUAL(dp_config_parse_opts(&c, 3, argv, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(c.mtu, 9000);
	CU_ASSERT_EQUAL(c.mbufs, 4095);
}

static void
test_dp_config_load_needs_validated_file(void)
{
	CU_ASSERT_EQUAL_FATAL(conf_parse(&f, "dp.conf", "MTU 1400\n", 9, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(dp_config_load(&c, &eal, &f, err, sizeof(err)), -EINVAL);
}

static CU_TestInfo dp_config_tests[] = {
	{ "schema_ranges_match_options", test_dp_config_schema_ranges_match_options },
	{ "every_keyword_reaches_the_dataplane", test_dp_config_every_keyword_reaches_the_dataplane },
	{ "file_maps_onto_options", test_dp_config_file_maps_onto_options },
	{ "file_eal_keywords", test_dp_config_file_eal_keywords },
	{ "hugepages_default_and_auto", test_dp_config_hugepages_default_and_auto },
	{ "testing_network_allows_private_extends",
	  test_dp_config_testing_network_allows_private_extends },
	{ "check_names_file_keywords", test_dp_config_check_names_file_keywords },
	{ "command_line_after_file", test_dp_config_command_line_after_file },
	{ "load_needs_validated_file", test_dp_config_load_needs_validated_file },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_dp_config = {
	.pName = "dataplane/config",
	.pSetUpFunc = setup,
	.pTearDownFunc = teardown,
	.pTests = dp_config_tests,
};
