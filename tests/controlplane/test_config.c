/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief CUnit suite "controlplane/config": config file and command line to struct cp_config.
 *
 * DirAuthority lines are tor's own (tor26's line in tor's
 * src/app/config/auth_dirs.inc: ipv6=, the fingerprint split in groups); bad lines
 * carry the exact message with FILE:LINE. The command line applies over
 * the file, and its DirAuthority / MyFamily lines replace the file's.
 */
#include "tests/suites.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/conf/conf.h"
#include "controlplane/config.h"
#include "controlplane/log.h"

#define TOR26 \
	"tor26 orport=443 v3ident=14C131DFC5C6F93646BE72FA1401C02A8DF2E8B4 " \
	"ipv6=[2001:858:2:2:aabb:0:563b:1526]:443 " \
	"86.59.21.38:80 847B 1F85 0344 D787 6491 A548 92F9 0493 4E4E B85D"

static struct cp_config c;
static char err[1024];
static char dir[64], path[96], want[1024];

static void
setup(void)
{
	cp_config_default(&c);
	err[0] = '\0';
	snprintf(dir, sizeof(dir), "/tmp/chive-test-cpconf-XXXXXX");
	if (mkdtemp(dir) == NULL)
		dir[0] = '\0';
	snprintf(path, sizeof(path), "%s/chive.conf", dir);
}

static void
teardown(void)
{
	unlink(path);
	rmdir(dir);
}

static void
write_conf(const char *text)
{
	FILE *fp = fopen(path, "w");

	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	fputs(text, fp);
	fclose(fp);
}

static int
load(const char *text)
{
	write_conf(text);
	return cp_config_load_file(&c, path, err, sizeof(err));
}

/* Run cp_config_parse_args() on a NULL-terminated list of arguments. */
static int
args(const char *a0, ...)
{
	char *argv[32];
	int argc = 0;
	va_list ap;
	const char *a;

	argv[argc++] = (char *)(uintptr_t)"chive-controlplane";
	va_start(ap, a0);
	for (a = a0; a != NULL && argc < 31; a = va_arg(ap, const char *))
		argv[argc++] = (char *)(uintptr_t)a;
	va_end(ap);
	argv[argc] = NULL;
	return cp_config_parse_args(&c, argc, argv, err, sizeof(err));
}

static void
test_cp_config_defaults(void)
{
	CU_ASSERT_STRING_EQUAL(c.shm_name, "chive");
	CU_ASSERT_STRING_EQUAL(c.sock_path, "/run/chive/chive.sock");
	CU_ASSERT_EQUAL(c.sock_mode, 0660);
	CU_ASSERT_EQUAL(c.log_level, CP_LOG_NOTICE);
	CU_ASSERT_EQUAL(c.log_dest, CONF_LOG_DEST_STDERR);
	CU_ASSERT_STRING_EQUAL(c.data_dir, "/var/lib/chive");
	CU_ASSERT_FALSE(c.offline_master);
	CU_ASSERT_STRING_EQUAL(c.dir.nickname, "Unnamed");
	CU_ASSERT_TRUE(c.dir.publish);
	CU_ASSERT_FALSE(c.dir.testing);
	CU_ASSERT_EQUAL(c.dir.n_auth, 0);
	CU_ASSERT_EQUAL(c.dir.bw_rate, 0);
	CU_ASSERT_STRING_EQUAL(c.default_file, "/etc/chive/chive.conf");
}

static void
test_cp_config_file_sets_every_keyword(void)
{
	CU_ASSERT_EQUAL_FATAL(load("Nickname Chive1\n"
				   "ContactInfo ops <ops AT example dot org>\n"
				   "Address 192.0.2.7\n"
				   "ORPort 9001\n"
				   "PublishServerDescriptor 0\n"
				   "TestingTorNetwork 1\n"
				   "ExitRelay 0\n"
				   "DataDirectory /srv/chive\n"
				   "Log info file /var/log/chive.log\n"
				   "CliSocket /tmp/x.sock\n"
				   "CliSocketMode 0600\n"
				   "OfflineMasterKey 1\n"
				   "NumOnionWorkers 3\n"
				   "MaxOnionQueueDelay 2 seconds\n"
				   "SharedMemoryName relay1\n"
				   "MTU 1500\n"
				   "HugePages 0\n"),
			      0);
	CU_ASSERT_STRING_EQUAL(c.dir.nickname, "Chive1");
	CU_ASSERT_STRING_EQUAL(c.dir.contact, "ops <ops AT example dot org>");
	CU_ASSERT_EQUAL(c.dir.address, 0xc0000207);
	CU_ASSERT_EQUAL(c.dir.orport, 9001);
	CU_ASSERT_FALSE(c.dir.publish);
	CU_ASSERT_TRUE(c.dir.testing);
	CU_ASSERT_STRING_EQUAL(c.data_dir, "/srv/chive");
	CU_ASSERT_EQUAL(c.log_level, CP_LOG_INFO);
	CU_ASSERT_EQUAL(c.log_dest, CONF_LOG_DEST_FILE);
	CU_ASSERT_STRING_EQUAL(c.log_path, "/var/log/chive.log");
	CU_ASSERT_STRING_EQUAL(c.sock_path, "/tmp/x.sock");
	CU_ASSERT_EQUAL(c.sock_mode, 0600);
	CU_ASSERT_TRUE(c.offline_master);
	CU_ASSERT_EQUAL(c.onionq.workers, 3);
	CU_ASSERT_EQUAL(c.onionq.max_delay_ms, 2000);
	CU_ASSERT_STRING_EQUAL(c.shm_name, "relay1");
	CU_ASSERT_STRING_EQUAL(c.file, path);
}

static void
test_cp_config_file_refuses_bad_dataplane_value(void)
{
	CU_ASSERT_EQUAL(load("Nickname A\nMTU 100\n"), -EINVAL);
	snprintf(want, sizeof(want), "%s:2: MTU: \"100\" is not a number in 576-9000", path);
	CU_ASSERT_STRING_EQUAL(err, want);
}

/* The circuit queue limits are read here too (`config get|set`), with the
 * dataplane's rule that the destroy limit is above the pause limit. */
static void
test_cp_config_file_circuit_queue_pair(void)
{
	CU_ASSERT_EQUAL(load("CircuitQueue 1000\nCircuitQueueMax 4000\n"), 0);
	CU_ASSERT_EQUAL(c.circ_queue, 1000);
	CU_ASSERT_EQUAL(c.circ_queue_max, 4000);
	cp_config_default(&c);
	write_conf("CircuitQueue 600\n");
	CU_ASSERT_EQUAL(args("-f", path, NULL), -EINVAL);
	CU_ASSERT_STRING_EQUAL(err, "CircuitQueueMax (512) must be above CircuitQueue (600)");
}

/* FamilyId (tor 0.4.9): the id tor --keygen-family prints, repeated ones once, and "*". */
static void
test_cp_config_family_id(void)
{
	static const uint8_t id[32] = {
		0x82, 0x53, 0x63, 0x72, 0xcb, 0x01, 0x03, 0xc4, 0x04, 0x33, 0x7a,
		0x51, 0xac, 0xe3, 0xec, 0x60, 0xf3, 0x62, 0xab, 0x98, 0xbd, 0xc1,
		0x21, 0xfb, 0x08, 0x6b, 0xf7, 0xb9, 0x86, 0xbf, 0x6d, 0xd4,
	};

	CU_ASSERT_EQUAL_FATAL(load("FamilyId glNjcssBA8QEM3pRrOPsYPNiq5i9wSH7CGv3uYa/bdQ\n"
				   "FamilyId glNjcssBA8QEM3pRrOPsYPNiq5i9wSH7CGv3uYa/bdQ\n"),
			      0);
	CU_ASSERT_EQUAL(c.dir.n_family_ids, 1);
	CU_ASSERT_EQUAL(memcmp(c.dir.family_ids[0], id, 32), 0);
	CU_ASSERT_FALSE(c.dir.family_id_any);
	cp_config_default(&c);
	CU_ASSERT_EQUAL_FATAL(load("FamilyId *\n"), 0);
	CU_ASSERT_TRUE(c.dir.family_id_any);
	CU_ASSERT_EQUAL(c.dir.n_family_ids, 0);
}

/* Address defaults to PortAddress's IP; an explicit Address wins, in either order. */
static void
test_cp_config_address_defaults_to_port_address(void)
{
	CU_ASSERT_EQUAL_FATAL(load("PortAddress 10.90.0.50/24\nORPort 9001\n"), 0);
	CU_ASSERT_EQUAL(c.dir.address, 0x0a5a0032);
	cp_config_default(&c);
	CU_ASSERT_EQUAL_FATAL(load("Address 192.0.2.7\nPortAddress 10.90.0.50/24\n"), 0);
	CU_ASSERT_EQUAL(c.dir.address, 0xc0000207);
	cp_config_default(&c);
	CU_ASSERT_EQUAL_FATAL(load("PortAddress 10.90.0.50/24\nAddress 192.0.2.7\n"), 0);
	CU_ASSERT_EQUAL(c.dir.address, 0xc0000207);
}

static void
test_cp_config_missing_file(void)
{
	CU_ASSERT_EQUAL(cp_config_load_file(&c, "/nonexistent/c.conf", err, sizeof(err)), -ENOENT);
	CU_ASSERT_STRING_EQUAL(err, "/nonexistent/c.conf: No such file or directory");
}

/* ----------------------------------------------------------- DirAuthority */

static void
test_cp_config_dirauthority_tor_line(void)
{
	static const uint8_t id[20] = { 0x84, 0x7b, 0x1f, 0x85, 0x03, 0x44, 0xd7, 0x87, 0x64, 0x91,
					0xa5, 0x48, 0x92, 0xf9, 0x04, 0x93, 0x4e, 0x4e, 0xb8, 0x5d };
	static const uint8_t v3[20] = { 0x14, 0xc1, 0x31, 0xdf, 0xc5, 0xc6, 0xf9, 0x36, 0x46, 0xbe,
					0x72, 0xfa, 0x14, 0x01, 0xc0, 0x2a, 0x8d, 0xf2, 0xe8, 0xb4 };
	const struct cp_dir_auth *a = &c.dir.auth[0];

	CU_ASSERT_EQUAL_FATAL(load("DirAuthority " TOR26 "\n"), 0);
	CU_ASSERT_EQUAL_FATAL(c.dir.n_auth, 1);
	CU_ASSERT_STRING_EQUAL(a->nickname, "tor26");
	CU_ASSERT_EQUAL(a->ip, 0x563b1526);
	CU_ASSERT_EQUAL(a->dirport, 80);
	CU_ASSERT_EQUAL(a->orport, 443);
	CU_ASSERT_EQUAL(memcmp(a->rsa_id, id, 20), 0);
	CU_ASSERT_TRUE(a->has_v3ident);
	CU_ASSERT_EQUAL(memcmp(a->v3ident, v3, 20), 0);
}

static void
test_cp_config_dirauthority_minimal_and_ignored_flags(void)
{
	CU_ASSERT_EQUAL_FATAL(load("DirAuthority 10.0.0.1:7000 "
				   "00112233445566778899AABBCCDDEEFF00112233\n"
				   "DirAuthority test1 no-v2 hs bridge weight=10 ipv6=[::1]:9050 "
				   "10.0.0.2:7001 00112233445566778899aabbccddeeff00112244\n"),
			      0);
	CU_ASSERT_EQUAL_FATAL(c.dir.n_auth, 2);
	CU_ASSERT_STRING_EQUAL(c.dir.auth[0].nickname, "");
	CU_ASSERT_EQUAL(c.dir.auth[0].orport, 0);
	CU_ASSERT_FALSE(c.dir.auth[0].has_v3ident);
	CU_ASSERT_EQUAL(c.dir.auth[0].rsa_id[19], 0x33);
	CU_ASSERT_STRING_EQUAL(c.dir.auth[1].nickname, "test1");
	CU_ASSERT_EQUAL(c.dir.auth[1].dirport, 7001);
	CU_ASSERT_EQUAL(c.dir.auth[1].rsa_id[19], 0x44);
}

static void
bad_auth(const char *line, const char *reason)
{
	char text[512];

	snprintf(text, sizeof(text), "Nickname A\nDirAuthority %s\n", line);
	CU_ASSERT_EQUAL(load(text), -EINVAL);
	snprintf(want, sizeof(want), "%s:2: DirAuthority: %s", path, reason);
	CU_ASSERT_STRING_EQUAL(err, want);
}

static void
test_cp_config_dirauthority_bad_lines(void)
{
	bad_auth("moria1 128.31.0.39 1A25C61994041CDC0F0C0BB626BB8E3E8F2F3F4A",
		 "no port in address \"128.31.0.39\" (want A.B.C.D:DIRPORT)");
	bad_auth("moria1 128.31.0.300:9231 1A25C61994041CDC0F0C0BB626BB8E3E8F2F3F4A",
		 "\"128.31.0.300\" is not an IPv4 address");
	bad_auth("moria1 128.31.0.39:0 1A25C61994041CDC0F0C0BB626BB8E3E8F2F3F4A",
		 "bad directory port \"0\" (1-65535)");
	bad_auth("moria1 128.31.0.39:9231 1A25C61994041CDC0F0C0BB626BB8E3E8F2F3F",
		 "fingerprint \"1A25C61994041CDC0F0C0BB626BB8E3E8F2F3F\" is not 40 hex digits");
	bad_auth("moria1 128.31.0.39:9231 1A25C61994041CDC0F0C0BB626BB8E3E8F2F3FXX",
		 "fingerprint \"1A25C61994041CDC0F0C0BB626BB8E3E8F2F3FXX\" is not 40 hex digits");
	bad_auth("moria1 128.31.0.39:9231", "too few arguments (want [NICKNAME] [FLAGS] "
					    "A.B.C.D:DIRPORT FINGERPRINT)");
	bad_auth("moria1 orport=0 128.31.0.39:9231 1A25C61994041CDC0F0C0BB626BB8E3E8F2F3F4A",
		 "bad orport \"0\" (want orport=1-65535)");
	bad_auth("moria1 v3ident=F533 128.31.0.39:9231 1A25C61994041CDC0F0C0BB626BB8E3E8F2F3F4A",
		 "bad v3ident \"F533\" (want 40 hex digits)");
	bad_auth("moria1 exit 128.31.0.39:9231 1A25C61994041CDC0F0C0BB626BB8E3E8F2F3F4A",
		 "unknown flag \"exit\"");
}

/* ---------------------------------------------------------------- MyFamily */

static void
test_cp_config_myfamily_forms_upper_case_and_dedup(void)
{
	CU_ASSERT_EQUAL_FATAL(load("MyFamily $0123456789abcdef0123456789abcdef01234567~alpha, "
				   "1111111111111111111111111111111111111111\n"
				   "MyFamily $2222222222222222222222222222222222222222=beta,,\n"
				   "MyFamily 0123456789ABCDEF0123456789ABCDEF01234567\n"),
			      0);
	CU_ASSERT_EQUAL_FATAL(c.dir.n_family, 3);
	CU_ASSERT_STRING_EQUAL(c.dir.family[0], "0123456789ABCDEF0123456789ABCDEF01234567");
	CU_ASSERT_STRING_EQUAL(c.dir.family[1], "1111111111111111111111111111111111111111");
	CU_ASSERT_STRING_EQUAL(c.dir.family[2], "2222222222222222222222222222222222222222");
}

static void
test_cp_config_myfamily_bad_member(void)
{
	CU_ASSERT_EQUAL(load("MyFamily $1111111111111111111111111111111111111111, $2222~x\n"),
			-EINVAL);
	snprintf(want, sizeof(want),
		 "%s:1: MyFamily: \"$2222~x\" is not a relay fingerprint ($ and 40 hex digits, "
		 "optionally ~NICKNAME)",
		 path);
	CU_ASSERT_STRING_EQUAL(err, want);
}

/* -------------------------------------------------------------- bandwidth */

static void
test_cp_config_bandwidth_units(void)
{
	write_conf("RelayBandwidthRate 8 Mbits\nRelayBandwidthBurst 2 MBytes\n");
	CU_ASSERT_EQUAL_FATAL(args("-f", path, NULL), 0);
	CU_ASSERT_EQUAL(c.dir.bw_rate, 1048576);
	CU_ASSERT_EQUAL(c.dir.bw_burst, 2097152);
}

static void
test_cp_config_bandwidth_rate_alone_sets_burst(void)
{
	CU_ASSERT_EQUAL_FATAL(args("--bandwidth-rate", "100 KB", NULL), 0);
	CU_ASSERT_EQUAL(c.dir.bw_rate, 102400);
	CU_ASSERT_EQUAL(c.dir.bw_burst, 102400);
}

static void
test_cp_config_bandwidth_burst_alone_sets_rate(void)
{
	CU_ASSERT_EQUAL_FATAL(args("--bandwidth-burst", "1 GB", NULL), 0);
	CU_ASSERT_EQUAL(c.dir.bw_rate, 1u << 30);
	CU_ASSERT_EQUAL(c.dir.bw_burst, 1u << 30);
}

static void
test_cp_config_bandwidth_burst_below_rate_on_command_line(void)
{
	write_conf("RelayBandwidthRate 1 MB\n");
	CU_ASSERT_EQUAL(args("-f", path, "--bandwidth-burst", "512 KB", NULL), -EINVAL);
	CU_ASSERT_STRING_EQUAL(err, "RelayBandwidthBurst (524288 bytes) is below "
				    "RelayBandwidthRate (1048576 bytes)");
}

static void
test_cp_config_bandwidth_bad_unit_on_command_line(void)
{
	CU_ASSERT_EQUAL(args("--bandwidth-rate", "10 MiB", NULL), -EINVAL);
	CU_ASSERT_STRING_EQUAL(err, "--bandwidth-rate: unknown unit \"MiB\" in \"10 MiB\"");
}

/* ----------------------------------------------------------- command line */

static void
test_cp_config_command_line_overrides_file(void)
{
	write_conf("Nickname FromFile\nSharedMemoryName filename\nORPort 9001\n"
		   "Log notice stdout\nDataDirectory /srv/a\n");
	CU_ASSERT_EQUAL_FATAL(args("--nickname", "FromArgs", "-f", path, "--shm", "argname",
				   "--log-level", "debug", NULL),
			      0);
	CU_ASSERT_STRING_EQUAL(c.dir.nickname, "FromArgs");
	CU_ASSERT_STRING_EQUAL(c.shm_name, "argname");
	CU_ASSERT_EQUAL(c.dir.orport, 9001);
	CU_ASSERT_EQUAL(c.log_level, CP_LOG_DEBUG);
	CU_ASSERT_EQUAL(c.log_dest, CONF_LOG_DEST_STDOUT);
	CU_ASSERT_STRING_EQUAL(c.data_dir, "/srv/a");
}

static void
test_cp_config_command_line_lists_replace_file_lists(void)
{
	write_conf("DirAuthority " TOR26 "\n"
		   "DirAuthority 10.0.0.1:7000 00112233445566778899AABBCCDDEEFF00112233\n"
		   "MyFamily 1111111111111111111111111111111111111111\n");
	CU_ASSERT_EQUAL_FATAL(args("--config", path, "--dir-authority",
				   "a1 10.1.0.1:7000 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
				   "--dir-authority",
				   "a2 10.1.0.2:7000 BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB",
				   "--my-family", "$2222222222222222222222222222222222222222", NULL),
			      0);
	CU_ASSERT_EQUAL_FATAL(c.dir.n_auth, 2);
	CU_ASSERT_STRING_EQUAL(c.dir.auth[0].nickname, "a1");
	CU_ASSERT_STRING_EQUAL(c.dir.auth[1].nickname, "a2");
	CU_ASSERT_EQUAL_FATAL(c.dir.n_family, 1);
	CU_ASSERT_STRING_EQUAL(c.dir.family[0], "2222222222222222222222222222222222222222");
}

static void
test_cp_config_directory_options(void)
{
	CU_ASSERT_EQUAL_FATAL(args("--nickname", "Relay7", "--contact", "ops@example",
				   "--address", "198.51.100.4", "--orport", "443", "--publish", "0",
				   "--testing-tor-network", NULL),
			      0);
	CU_ASSERT_STRING_EQUAL(c.dir.nickname, "Relay7");
	CU_ASSERT_STRING_EQUAL(c.dir.contact, "ops@example");
	CU_ASSERT_EQUAL(c.dir.address, 0xc6336404);
	CU_ASSERT_EQUAL(c.dir.orport, 443);
	CU_ASSERT_FALSE(c.dir.publish);
	CU_ASSERT_TRUE(c.dir.testing);
}

static void
test_cp_config_bad_directory_option(void)
{
	CU_ASSERT_EQUAL(args("--orport", "99999", NULL), -EINVAL);
	CU_ASSERT_STRING_EQUAL(err, "--orport: \"99999\" is not a port (1-65535)");
	CU_ASSERT_EQUAL(args("--nickname", "no_underscores", NULL), -EINVAL);
	CU_ASSERT_STRING_EQUAL(err, "--nickname: \"no_underscores\" is not a nickname "
				    "(1-19 letters and digits)");
	CU_ASSERT_EQUAL(args("--dir-authority", "a1 10.1.0.1:7000", NULL), -EINVAL);
	CU_ASSERT_STRING_EQUAL(err, "--dir-authority: too few arguments (want [NICKNAME] [FLAGS] "
				    "A.B.C.D:DIRPORT FINGERPRINT)");
}

/* The options that predate the file keep their messages (tests/integration/ read them). */
static void
test_cp_config_old_options_keep_their_messages(void)
{
	CU_ASSERT_EQUAL(args("--shm", "a/b", NULL), -EINVAL);
	CU_ASSERT_STRING_EQUAL(err, "invalid --shm name 'a/b' (1-62 of A-Z a-z 0-9 . _ -)");
	CU_ASSERT_EQUAL(args("--socket-mode", "999", NULL), -EINVAL);
	CU_ASSERT_STRING_EQUAL(err, "bad --socket-mode '999'");
	CU_ASSERT_EQUAL(args("--log-level", "loud", NULL), -EINVAL);
	CU_ASSERT_STRING_EQUAL(err, "bad --log-level 'loud'");
	CU_ASSERT_EQUAL(args("--data-dir", "", NULL), -EINVAL);
	CU_ASSERT_STRING_EQUAL(err, "empty --data-dir");
	CU_ASSERT_EQUAL(args("--netinfo-addr", "1.2.3", NULL), -EINVAL);
	CU_ASSERT_STRING_EQUAL(err, "bad --netinfo-addr '1.2.3' (want A.B.C.D)");
	CU_ASSERT_EQUAL(args("--onion-workers", "0", NULL), -EINVAL);
	CU_ASSERT_STRING_EQUAL(err, "bad --onion-workers '0'");
	CU_ASSERT_EQUAL(args("--max-onion-queue-delay", "60001", NULL), -EINVAL);
	CU_ASSERT_STRING_EQUAL(err, "bad --max-onion-queue-delay '60001'");
}

static void
test_cp_config_old_options_still_apply(void)
{
	CU_ASSERT_EQUAL_FATAL(args("--shm", "s1", "--socket", "/tmp/s.sock", "--socket-mode", "0600",
				   "--data-dir", "/srv/d", "--offline-master", "--netinfo-addr",
				   "10.0.0.9", "--onion-workers", "4", "--max-onion-queue-delay",
				   "0", NULL),
			      0);
	CU_ASSERT_STRING_EQUAL(c.shm_name, "s1");
	CU_ASSERT_STRING_EQUAL(c.sock_path, "/tmp/s.sock");
	CU_ASSERT_EQUAL(c.sock_mode, 0600);
	CU_ASSERT_STRING_EQUAL(c.data_dir, "/srv/d");
	CU_ASSERT_TRUE(c.offline_master);
	CU_ASSERT_EQUAL(c.netinfo_addr, 0x0a000009);
	CU_ASSERT_EQUAL(c.onionq.workers, 4);
	CU_ASSERT_EQUAL(c.onionq.max_delay_ms, 0);
	CU_ASSERT_STRING_EQUAL(c.file, "");
}

static void
test_cp_config_usage_errors(void)
{
	CU_ASSERT_EQUAL(args("--bogus", NULL), CP_CONFIG_USAGE);
	CU_ASSERT_STRING_EQUAL(err, "unknown option '--bogus'");
	CU_ASSERT_EQUAL(args("--shm", NULL), CP_CONFIG_USAGE);
	CU_ASSERT_STRING_EQUAL(err, "option '--shm' needs a value");
	CU_ASSERT_EQUAL(args("stray", NULL), CP_CONFIG_USAGE);
	CU_ASSERT_STRING_EQUAL(err, "unexpected argument 'stray'");
	CU_ASSERT_EQUAL(args("-f", "a", "-f", "b", NULL), CP_CONFIG_USAGE);
	CU_ASSERT_STRING_EQUAL(err, "-f/--config given twice");
	CU_ASSERT_EQUAL(args("--help", NULL), CP_CONFIG_HELP);
}

static void
test_cp_config_file_error_stops_command_line(void)
{
	write_conf("Nickname A\nNicknam B\n");
	CU_ASSERT_EQUAL(args("-f", path, "--nickname", "C", NULL), -EINVAL);
	snprintf(want, sizeof(want), "%s:2: unknown option \"Nicknam\"", path);
	CU_ASSERT_STRING_EQUAL(err, want);
}

static void
test_cp_config_no_arguments_reads_default_file(void)
{
	write_conf("Nickname Default\n");
	c.default_file = path;
	CU_ASSERT_EQUAL_FATAL(args(NULL), 0);
	CU_ASSERT_STRING_EQUAL(c.dir.nickname, "Default");
	CU_ASSERT_STRING_EQUAL(c.file, path);
}

static void
test_cp_config_no_arguments_and_no_default_file(void)
{
	c.default_file = "/nonexistent/chive.conf";
	CU_ASSERT_EQUAL(args(NULL), -ENOENT);
	CU_ASSERT_STRING_EQUAL(err, "no arguments, so the default configuration is read: "
				    "/nonexistent/chive.conf: No such file or directory (use -f "
				    "FILE or options; --help lists them)");
}

/* ---- run time: cp_config_set() and cp_config_values() ---- */

struct dump {
	char text[16384];
	size_t len;
	const char *name;
};

static void
dump_line(void *arg, const char *value)
{
	struct dump *d = arg;

	if (d->len < sizeof(d->text))
		d->len += (size_t)snprintf(d->text + d->len, sizeof(d->text) - d->len, "%s %s\n",
					   d->name, value);
}

/* Every keyword the control plane holds, as config file lines. */
static void
dump_conf(const struct cp_config *cfg, struct dump *d)
{
	d->len = 0;
	d->text[0] = '\0';
	for (size_t i = 0; i < conf_schema_len; i++) {
		d->name = conf_schema[i].name;
		cp_config_values(cfg, &conf_schema[i], dump_line, d);
	}
}

/* What `config get` shows is a config file that gives the same configuration. */
static void
test_cp_config_values_read_back_as_the_same_configuration(void)
{
	static struct dump a, b;

	CU_ASSERT_EQUAL_FATAL(load("Nickname Chive1\n"
				   "ContactInfo ops <ops AT example dot org>\n"
				   "Address 192.0.2.7\n"
				   "ORPort 9001\n"
				   "DirAuthority " TOR26 "\n"
				   "PublishServerDescriptor 0\n"
				   "TestingTorNetwork 1\n"
				   "RelayBandwidthRate 1 MB\n"
				   "RelayBandwidthBurst 2 MB\n"
				   "MyFamily $ABCDEF0123456789ABCDEF0123456789ABCDEF01,"
				   "0123456789ABCDEF0123456789ABCDEF01234567\n"
				   "ExitRelay 0\n"
				   "FamilyId glNjcssBA8QEM3pRrOPsYPNiq5i9wSH7CGv3uYa/bdQ\n"
				   "MetricsPort 127.0.0.1:9035\n"
				   "MetricsPortPolicy accept 10.0.0.0/8, reject *\n"
				   "DataDirectory /srv/chive\n"
				   "Log info file /var/log/chive.log\n"
				   "CliSocket /tmp/x.sock\n"
				   "CliSocketMode 0600\n"
				   "OfflineMasterKey 1\n"
				   "NumOnionWorkers 3\n"
				   "MaxOnionQueueDelay 2 seconds\n"
				   "SharedMemoryName relay1\n"),
			      0);
	dump_conf(&c, &a);
	CU_ASSERT_PTR_NOT_NULL(strstr(a.text, "\nRelayBandwidthRate 1048576 bytes\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(a.text, "\nMaxOnionQueueDelay 2000 msec\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(a.text, "\nLog info file /var/log/chive.log\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(a.text, "\nMyFamily $0123456789ABCDEF0123456789ABCDEF01234567\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(a.text, "\nMetricsPortPolicy reject *\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(a.text, "\nCliSocketMode 0600\n"));
	cp_config_default(&c);
	CU_ASSERT_EQUAL_FATAL(load(a.text), 0);
	dump_conf(&c, &b);
	CU_ASSERT_STRING_EQUAL(a.text, b.text);
}

/* The schema's RUNTIME flags are exactly the keywords cp_config_set() changes. */
static void
test_cp_config_set_changes_exactly_the_runtime_keywords(void)
{
	static const struct {
		const char *name, *value;
	} runtime[] = {
		{ "Nickname", "Chive2" },
		{ "ContactInfo", "ops" },
		{ "PublishServerDescriptor", "0" },
		{ "RelayBandwidthRate", "1 MB" },
		{ "RelayBandwidthBurst", "2 MB" },
		{ "MyFamily", "$ABCDEF0123456789ABCDEF0123456789ABCDEF01" },
		{ "Log", "info" },
		{ "MaxOnionQueueDelay", "500" },
		{ "CircuitQueue", "64" },
		{ "CircuitQueueMax", "1024" },
	};
	const struct conf_opt *opt;
	char note[256];
	unsigned n = 0;

	for (size_t i = 0; i < conf_schema_len; i++) {
		const struct conf_opt *o = &conf_schema[i];
		const char *value = "1";
		bool is_rt = false;

		for (size_t k = 0; k < sizeof(runtime) / sizeof(runtime[0]); k++) {
			if (strcmp(runtime[k].name, o->name) == 0) {
				value = runtime[k].value;
				is_rt = true;
			}
		}
		CU_ASSERT_EQUAL((o->flags & CONF_F_RUNTIME) != 0, is_rt);
		cp_config_default(&c);
		if (is_rt) {
			CU_ASSERT_EQUAL(cp_config_set(&c, o->name, value, &opt, note, sizeof(note),
						      err, sizeof(err)),
					0);
			n++;
		} else {
			CU_ASSERT_EQUAL(cp_config_set(&c, o->name, value, &opt, note, sizeof(note),
						      err, sizeof(err)),
					-EPERM);
			snprintf(want, sizeof(want), "%s needs a restart (set it in the config file)",
				 o->name);
			CU_ASSERT_STRING_EQUAL(err, want);
		}
	}
	CU_ASSERT_EQUAL(n, sizeof(runtime) / sizeof(runtime[0]));
}

static CU_TestInfo cp_config_tests[] = {
	{ "values_read_back_as_the_same_configuration",
	  test_cp_config_values_read_back_as_the_same_configuration },
	{ "set_changes_exactly_the_runtime_keywords",
	  test_cp_config_set_changes_exactly_the_runtime_keywords },
	{ "defaults", test_cp_config_defaults },
	{ "file_sets_every_keyword", test_cp_config_file_sets_every_keyword },
	{ "file_refuses_bad_dataplane_value", test_cp_config_file_refuses_bad_dataplane_value },
	{ "file_circuit_queue_pair", test_cp_config_file_circuit_queue_pair },
	{ "address_defaults_to_port_address", test_cp_config_address_defaults_to_port_address },
	{ "family_id", test_cp_config_family_id },
	{ "missing_file", test_cp_config_missing_file },
	{ "dirauthority_tor_line", test_cp_config_dirauthority_tor_line },
	{ "dirauthority_minimal_and_ignored_flags",
	  test_cp_config_dirauthority_minimal_and_ignored_flags },
	{ "dirauthority_bad_lines", test_cp_config_dirauthority_bad_lines },
	{ "myfamily_forms_upper_case_and_dedup", test_cp_config_myfamily_forms_upper_case_and_dedup },
	{ "myfamily_bad_member", test_cp_config_myfamily_bad_member },
	{ "bandwidth_units", test_cp_config_bandwidth_units },
	{ "bandwidth_rate_alone_sets_burst", test_cp_config_bandwidth_rate_alone_sets_burst },
	{ "bandwidth_burst_alone_sets_rate", test_cp_config_bandwidth_burst_alone_sets_rate },
	{ "bandwidth_burst_below_rate_on_command_line",
	  test_cp_config_bandwidth_burst_below_rate_on_command_line },
	{ "bandwidth_bad_unit_on_command_line", test_cp_config_bandwidth_bad_unit_on_command_line },
	{ "command_line_overrides_file", test_cp_config_command_line_overrides_file },
	{ "command_line_lists_replace_file_lists",
	  test_cp_config_command_line_lists_replace_file_lists },
	{ "directory_options", test_cp_config_directory_options },
	{ "bad_directory_option", test_cp_config_bad_directory_option },
	{ "old_options_keep_their_messages", test_cp_config_old_options_keep_their_messages },
	{ "old_options_still_apply", test_cp_config_old_options_still_apply },
	{ "usage_errors", test_cp_config_usage_errors },
	{ "file_error_stops_command_line", test_cp_config_file_error_stops_command_line },
	{ "no_arguments_reads_default_file", test_cp_config_no_arguments_reads_default_file },
	{ "no_arguments_and_no_default_file", test_cp_config_no_arguments_and_no_default_file },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_cp_config = {
	.pName = "controlplane/config",
	.pSetUpFunc = setup,
	.pTearDownFunc = teardown,
	.pTests = cp_config_tests,
};
