/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief The built-in CLI commands (help, status).
 */
#ifndef CONTROLPLANE_CLI_CLI_CMDS_H
#define CONTROLPLANE_CLI_CLI_CMDS_H

#include <stdint.h>

/** How long `status` waits for every lcore's PONG, ns. */
#define CP_STATUS_PING_TIMEOUT_NS UINT64_C(1000000000)

#endif /* CONTROLPLANE_CLI_CLI_CMDS_H */
