/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Registration of the dataplane's DPDK log types.
 */
#include <rte_log.h>

#include "dataplane/base/dp_log.h"

RTE_LOG_REGISTER(dp_logtype_main, dp.main, INFO);
RTE_LOG_REGISTER(dp_logtype_ctl, dp.ctl, INFO);
