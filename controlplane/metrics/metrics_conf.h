/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief What the MetricsPort is configured with (torrc names in comments).
 *
 * Filled by the control plane's configuration (controlplane/config.c) from
 * the config file or the command line; read by controlplane/metrics/.
 *
 * Who may include it: controlplane/ and tests/.
 */
#ifndef CONTROLPLANE_METRICS_METRICS_CONF_H
#define CONTROLPLANE_METRICS_METRICS_CONF_H

#include <stdbool.h>
#include <stdint.h>

#include "common/conf/conf.h"

/** MetricsPort settings. The listener exists only when @c port is not 0. */
struct cp_metrics_conf {
	uint32_t addr; /**< MetricsPort address, host order; 127.0.0.1 for a port alone */
	uint16_t port; /**< MetricsPort port; 0 = no MetricsPort (the default) */
	/** MetricsPortPolicy rules in order; an implicit reject-all ends them (tor's default). */
	struct conf_policy_rule policy[CONF_POLICY_MAX];
	unsigned n_policy;
};

#endif /* CONTROLPLANE_METRICS_METRICS_CONF_H */
