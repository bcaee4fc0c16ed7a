/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Validation of dataplane⇄controlplane messages.
 *
 * One table row per message type gives its name, its exact size and the ring
 * direction it may travel on. Both processes run every consumed slot through
 * ipc_msg_validate() before touching any field past the header.
 */
#include <errno.h>
#include <string.h>

#include "common/base/compiler.h"
#include "common/ipc/ipc_msg.h"

struct ipc_msg_info {
	const char *name;
	uint16_t size;
	uint16_t dir;
};

static const struct ipc_msg_info msg_info[IPC_MSG_TYPE_MAX + 1] = {
	[IPC_MSG_PING] = { "ping", sizeof(struct ipc_msg_ping), IPC_DIR_CMD },
	[IPC_MSG_PONG] = { "pong", sizeof(struct ipc_msg_pong), IPC_DIR_EVT },
	[IPC_MSG_CMD_ERROR] = { "cmd_error", sizeof(struct ipc_msg_cmd_error), IPC_DIR_EVT },
	[IPC_MSG_CELL_UP] = { "cell_up", sizeof(struct ipc_msg_cell), IPC_DIR_CELL_UP },
	[IPC_MSG_CELL_DOWN] = { "cell_down", sizeof(struct ipc_msg_cell), IPC_DIR_CELL_DOWN },
};

int
ipc_msg_validate(const void *slot, uint32_t slot_size, uint32_t dir, uint16_t *type)
{
	struct ipc_hdr h;

	if (slot_size < sizeof(h))
		return -EMSGSIZE;
	memcpy(&h, slot, sizeof(h));
	if (h.len < sizeof(h) || h.len > slot_size)
		return -EMSGSIZE;
	if (h.type == 0 || h.type > IPC_MSG_TYPE_MAX || msg_info[h.type].dir != dir) {
		*type = h.type;
		return -ENOTSUP;
	}
	if (h.len != msg_info[h.type].size)
		return -EINVAL;
	*type = h.type;
	return 0;
}

const char *
ipc_msg_type_name(uint16_t type)
{
	if (type == 0 || type > IPC_MSG_TYPE_MAX || msg_info[type].name == NULL)
		return "unknown";
	return msg_info[type].name;
}
