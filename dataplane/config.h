/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief chive-dataplane start-up configuration (the options after EAL's "--").
 *
 * Immutable once lcores launch. Every bad value is refused at start with a
 * message naming the option and the reason; nothing is guessed.
 */
#ifndef DATAPLANE_CONFIG_H
#define DATAPLANE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/conf/conf.h"
#include "common/ipc/ipc_shm.h"
#include "dataplane/cell/chan.h"
#include "dataplane/cell/circ.h"
#include "dataplane/diag/diag.h"
#include "dataplane/net/net_types.h"
#include "dataplane/net/tcp.h"
#include "dataplane/net/tcp_cc.h"
#include "dataplane/tls/tls.h"
#include "drivers/fault.h"

struct dp_config {
	char shm_name[IPC_SHM_NAME_MAX]; /**< --shm NAME (default "chive") */
	char port[64];                   /**< --port ETHDEV ("" = no network) */
	uint32_t ip;                     /**< --ip A.B.C.D/LEN, host order */
	uint32_t netmask;
	uint32_t gateway;                /**< --gw A.B.C.D */
	uint16_t mtu;                    /**< --mtu N (default 1500) */
	uint32_t mbufs;                  /**< --mbufs N: mbuf pool size */
	struct dp_tcp_conf tcp;          /**< --max-conns, --sndbuf, --rcvbuf, --cc, --syn-backlog */
	struct dp_tls_conf tls;          /**< --tls-max-conns, --tls-hs-budget, --tls-hs-timeout */
	struct dp_chan_conf chan;        /**< --orport, --chan-max, --chan-max-hs, --chan-hs-timeout */
	struct dp_circ_conf circ;        /**< --circ-max, --circ-cells, --circ-queue[-max], --circ-timeout,
					      --extend-private */
	uint32_t queues;                 /**< --queues N: network queues = networking lcores */
	struct dp_diag_conf diag;        /**< --echo/--discard/--chargen PORT, --client ...,
					      --tls-echo PORT, --tls-client ... */
	bool fault_rx_on, fault_tx_on;
	struct drv_fault_conf fault_rx;  /**< --fault-rx SPEC */
	struct drv_fault_conf fault_tx;  /**< --fault-tx SPEC */
};

/**
 * What a configuration file says about EAL (Lcores, HugePages, Memory,
 * DPDKPort, DPDKLogLevel), for main.c to turn into EAL arguments.
 */
struct dp_config_eal {
	char lcores[CONF_LINE_MAX + 1];    /**< Lcores: EAL -l; "" = EAL's default */
	int hugepages;                     /**< HugePages: 0 (--no-huge), 1, -1 = auto */
	uint32_t memory_mb;                /**< Memory: EAL -m; 0 = not set */
	char port_spec[CONF_LINE_MAX + 1]; /**< DPDKPort as written; "" = none */
	bool port_is_pci;                  /**< EAL -a port_spec, else --vdev=port_spec */
	char log_level[16];                /**< DPDKLogLevel: EAL --log-level; "" = not set */
};

/** Fill @p c with the defaults. */
void dp_config_default(struct dp_config *c);

/** Fill @p eal with the defaults: nothing set, HugePages auto. */
void dp_config_eal_default(struct dp_config_eal *eal);

/**
 * Parse the application options @p argv[1 .. argc) into @p c, then
 * dp_config_check() the result with the options' names.
 *
 * @return
 *   0; 1 if --help was given (usage printed); -EINVAL with @p err naming the
 *   option and the reason.
 */
int dp_config_parse(struct dp_config *c, int argc, char **argv, char *err, size_t errlen);

/** As dp_config_parse(), without dp_config_check(). */
int dp_config_parse_opts(struct dp_config *c, int argc, char **argv, char *err, size_t errlen);

/**
 * Check what spans options: --port needs --ip, --orport and the diagnostic
 * services need --port, --circ-queue-max above --circ-queue, --chan-max-hs
 * at most --chan-max. With @p file_names the message names the config
 * file's keywords (DPDKPort, PortAddress, ...) instead of the options.
 *
 * @return
 *   0, or -EINVAL with @p err saying what is wrong.
 */
int dp_config_check(const struct dp_config *c, bool file_names, char *err, size_t errlen);

/**
 * Parse one long option (@p longopt without "--") with @p value (NULL for
 * an option without a value) into @p c, as dp_config_parse_opts() does.
 *
 * @return
 *   0, or -EINVAL with @p err naming the option and the reason.
 */
int dp_config_apply(struct dp_config *c, const char *longopt, const char *value, char *err,
		    size_t errlen);

/** Return the long option (without "--") a config keyword maps onto, or NULL. */
const char *dp_config_longopt(const char *keyword);

/**
 * Apply the dataplane's keywords of the validated file @p f (conf_validate())
 * to @p c and @p eal: each keyword becomes its long option, parsed alone by
 * dp_config_apply(); DPDKPort also sets --port to the device's name;
 * TestingTorNetwork 1 implies ExtendAllowPrivateAddresses 1 unless that is
 * given. Does not dp_config_check(): the command line may still add to it.
 *
 * @return
 *   0, or -EINVAL with @p err `FILE:LINE: reason`.
 */
int dp_config_load(struct dp_config *c, struct dp_config_eal *eal, const struct conf_file *f,
		   char *err, size_t errlen);

/** Print the options to stderr. */
void dp_config_usage(const char *prog);

#endif /* DATAPLANE_CONFIG_H */
