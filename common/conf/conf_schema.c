/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief The schema: every configuration keyword, its kind, and who applies it.
 *
 * One table for both processes, so chive-dataplane and chive-controlplane
 * accept and refuse exactly the same files. Names follow tor's torrc where
 * tor has the option (Nickname, ORPort, RelayBandwidthRate, ...) and are
 * Chive's own otherwise (Lcores, DPDKPort, CircuitQueue, ...). Ranges of
 * the dataplane's keywords are those of its command-line options
 * (dataplane/config.c); tests/dataplane/test_config.c checks that the two
 * agree at both ends of every range. The etc/chive.conf.example file
 * documents each keyword for operators.
 *
 * RUNTIME marks exactly the keywords `chivectl config set` changes while
 * the relay runs (controlplane/runconf.c applies them); every other keyword
 * needs a restart.
 */
#include <stdint.h>

#include "common/base/compiler.h"
#include "common/conf/conf.h"

#define CP CONF_USER_CP
#define DP CONF_USER_DP
#define BOTH CONF_USER_BOTH
#define REPEAT CONF_F_REPEAT
#define RUNTIME CONF_F_RUNTIME

static const char *const hugepages_choices[] = { "0", "1", "auto", NULL };
static const char *const cc_choices[] = { "cubic", "newreno", NULL };
static const char *const dpdk_log_choices[] = {
	"emergency", "alert", "critical", "error", "warning", "notice", "info", "debug", NULL,
};

#define NOT_YET(what) "not supported yet (" what ")"

const struct conf_opt conf_schema[] = {
	/* Relay identity and directory (controlplane/dir). */
	{ "Nickname", CONF_KIND_NICKNAME, CP, RUNTIME, 0, 0, NULL, NULL },
	{ "ContactInfo", CONF_KIND_TEXT, CP, RUNTIME, 0, 255, NULL, NULL },
	{ "Address", CONF_KIND_IPV4, CP, 0, 0, 0, NULL, NULL },
	{ "ORPort", CONF_KIND_PORT, BOTH, 0, 0, 0, NULL, NULL },
	{ "DirAuthority", CONF_KIND_DIRAUTH, CP, REPEAT, 0, CONF_DIRAUTH_MAX, NULL, NULL },
	{ "PublishServerDescriptor", CONF_KIND_BOOL, CP, RUNTIME, 0, 1, NULL, NULL },
	{ "TestingTorNetwork", CONF_KIND_BOOL, BOTH, 0, 0, 1, NULL, NULL },
	/* tor: at most INT32_MAX; a relay needs at least 75 KBytes/s; 0 = no limit. */
	{ "RelayBandwidthRate", CONF_KIND_MEMUNIT, BOTH, RUNTIME | CONF_F_ZERO_OK, 76800, INT32_MAX,
	  NULL, NULL },
	{ "RelayBandwidthBurst", CONF_KIND_MEMUNIT, BOTH, RUNTIME | CONF_F_ZERO_OK, 76800, INT32_MAX,
	  NULL, NULL },
	{ "MyFamily", CONF_KIND_FAMILY, CP, REPEAT | RUNTIME, 0, CONF_FAMILY_MAX, NULL, NULL },
	{ "ExitRelay", CONF_KIND_BOOL, CP, 0, 0, 0, NULL,
	  "Chive is not an exit relay yet (ExitRelay must be 0)" },
	/* tor 0.4.9: the family's key, KeyDirectory/NAME.secret_family_key; "*": all there. */
	{ "FamilyId", CONF_KIND_FAMILY_ID, CP, REPEAT, 0, 8, NULL, NULL },
	/* The Prometheus export (controlplane/metrics): tor's syntax and defaults. */
	{ "MetricsPort", CONF_KIND_METRICS_PORT, CP, 0, 0, 0, NULL, NULL },
	{ "MetricsPortPolicy", CONF_KIND_POLICY, CP, REPEAT, 0, CONF_POLICY_MAX, NULL, NULL },

	/* The controlplane process. */
	{ "DataDirectory", CONF_KIND_PATH, CP, 0, 0, 4095, NULL, NULL },
	{ "Log", CONF_KIND_LOG, CP, RUNTIME, 0, 0, NULL, NULL },
	{ "CliSocket", CONF_KIND_PATH, CP, 0, 0, 107, NULL, NULL },
	{ "CliSocketMode", CONF_KIND_MODE, CP, 0, 0, 0, NULL, NULL },
	{ "ControlSocket", CONF_KIND_UNSUPPORTED, CP, 0, 0, 0, NULL,
	  "Chive has no tor control port; chivectl's socket is CliSocket" },
	{ "ControlPort", CONF_KIND_UNSUPPORTED, CP, 0, 0, 0, NULL,
	  "Chive has no tor control port; chivectl's socket is CliSocket" },
	{ "OfflineMasterKey", CONF_KIND_BOOL, CP, 0, 0, 1, NULL, NULL },
	/* controlplane/onion/onionq.h CP_ONIONQ_WORKERS_MAX */
	{ "NumOnionWorkers", CONF_KIND_UINT, CP, 0, 1, 64, NULL, NULL },
	{ "MaxOnionQueueDelay", CONF_KIND_MSEC, CP, RUNTIME, 0, 60000, NULL, NULL },

	/* Both processes: the shared segment. */
	{ "SharedMemoryName", CONF_KIND_SHM_NAME, BOTH, 0, 0, 0, NULL, NULL },

	/* The dataplane: EAL. */
	{ "Lcores", CONF_KIND_LCORES, DP, 0, 0, 0, NULL, NULL },
	{ "HugePages", CONF_KIND_ENUM, DP, 0, 0, 0, hugepages_choices, NULL },
	{ "Memory", CONF_KIND_UINT, DP, 0, 64, 1u << 20, NULL, NULL },
	{ "DPDKPort", CONF_KIND_DPDK_PORT, DP, 0, 0, 0, NULL, NULL },
	{ "DPDKLogLevel", CONF_KIND_ENUM, DP, 0, 0, 0, dpdk_log_choices, NULL },

	/* The dataplane: its options (dataplane/config.c; the long option in comments). */
	{ "PortAddress", CONF_KIND_IPV4_PREFIX, DP, 0, 0, 0, NULL, NULL },      /* --ip */
	{ "Gateway", CONF_KIND_IPV4, DP, 0, 0, 0, NULL, NULL },                /* --gw */
	{ "MTU", CONF_KIND_UINT, DP, 0, 576, 9000, NULL, NULL },               /* --mtu */
	{ "Queues", CONF_KIND_UINT, DP, 0, 1, 8, NULL, NULL },                 /* --queues */
	{ "Mbufs", CONF_KIND_UINT, DP, 0, 1023, 16u << 20, NULL, NULL },       /* --mbufs */
	{ "MaxConnections", CONF_KIND_UINT, DP, 0, 1, 1u << 20, NULL, NULL },  /* --max-conns */
	{ "TCPSendBuffer", CONF_KIND_MEMUNIT, DP, 0, 4096, 1u << 30, NULL, NULL },    /* --sndbuf */
	{ "TCPReceiveBuffer", CONF_KIND_MEMUNIT, DP, 0, 4096, 1u << 30, NULL, NULL }, /* --rcvbuf */
	{ "SynBacklog", CONF_KIND_UINT, DP, 0, 1, 1u << 20, NULL, NULL },      /* --syn-backlog */
	{ "CongestionControl", CONF_KIND_ENUM, DP, 0, 0, 0, cc_choices, NULL }, /* --cc */
	{ "TLSMaxConnections", CONF_KIND_UINT, DP, 0, 1, 1u << 20, NULL, NULL }, /* --tls-max-conns */
	{ "TLSHandshakeBudget", CONF_KIND_UINT, DP, 0, 1, 4096, NULL, NULL },  /* --tls-hs-budget */
	{ "TLSHandshakeTimeout", CONF_KIND_MSEC, DP, 0, 1, 3600000, NULL, NULL }, /* --tls-hs-timeout */
	{ "MaxChannels", CONF_KIND_UINT, DP, 0, 1, 1u << 17, NULL, NULL },     /* --chan-max */
	{ "MaxChannelHandshakes", CONF_KIND_UINT, DP, 0, 1, 1u << 17, NULL, NULL }, /* --chan-max-hs */
	{ "ChannelHandshakeTimeout", CONF_KIND_MSEC, DP, 0, 1, 3600000, NULL, NULL }, /* --chan-hs-timeout */
	{ "MaxCircuits", CONF_KIND_UINT, DP, 0, 1, 1u << 17, NULL, NULL },     /* --circ-max */
	{ "CircuitCells", CONF_KIND_UINT, DP, 0, 64, 1u << 24, NULL, NULL },   /* --circ-cells */
	{ "CircuitQueue", CONF_KIND_UINT, BOTH, RUNTIME, 1, 1u << 20, NULL, NULL },    /* --circ-queue */
	{ "CircuitQueueMax", CONF_KIND_UINT, BOTH, RUNTIME, 1, 1u << 20, NULL, NULL }, /* --circ-queue-max */
	{ "CircuitTimeout", CONF_KIND_MSEC, DP, 0, 1, 3600000, NULL, NULL },   /* --circ-timeout */
	{ "ExtendAllowPrivateAddresses", CONF_KIND_BOOL, DP, 0, 0, 1, NULL, NULL }, /* --extend-private */
};

const size_t conf_schema_len = ARRAY_SIZE(conf_schema);
