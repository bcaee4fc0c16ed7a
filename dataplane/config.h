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

/** Fill @p c with the defaults. */
void dp_config_default(struct dp_config *c);

/**
 * Parse the application options @p argv[1 .. argc) into @p c.
 *
 * @return
 *   0; 1 if --help was given (usage printed); -EINVAL with @p err naming the
 *   option and the reason.
 */
int dp_config_parse(struct dp_config *c, int argc, char **argv, char *err, size_t errlen);

/** Print the options to stderr. */
void dp_config_usage(const char *prog);

#endif /* DATAPLANE_CONFIG_H */
