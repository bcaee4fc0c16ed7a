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
	[IPC_MSG_BLOB_CHUNK] = { "blob_chunk", sizeof(struct ipc_msg_blob_chunk), IPC_DIR_CELL_DOWN },
	[IPC_MSG_LINK_INSTALL] = { "link_install", sizeof(struct ipc_msg_link_install),
				   IPC_DIR_CELL_DOWN },
	[IPC_MSG_LINK_INSTALLED] = { "link_installed", sizeof(struct ipc_msg_link_installed),
				     IPC_DIR_EVT },
	[IPC_MSG_CHAN_CERTS] = { "chan_certs", sizeof(struct ipc_msg_chan_certs), IPC_DIR_CELL_UP },
	[IPC_MSG_CHAN_CERTS_RESULT] = { "chan_certs_result",
					sizeof(struct ipc_msg_chan_certs_result), IPC_DIR_CELL_DOWN },
	[IPC_MSG_CHAN_AUTH_SIGN] = { "chan_auth_sign", sizeof(struct ipc_msg_chan_auth_sign),
				     IPC_DIR_CELL_UP },
	[IPC_MSG_CHAN_AUTH_SIGNED] = { "chan_auth_signed", sizeof(struct ipc_msg_chan_auth_signed),
				       IPC_DIR_CELL_DOWN },
	[IPC_MSG_CHAN_AUTH_VERIFY] = { "chan_auth_verify", sizeof(struct ipc_msg_chan_auth_verify),
				       IPC_DIR_CELL_UP },
	[IPC_MSG_CHAN_AUTH_RESULT] = { "chan_auth_result", sizeof(struct ipc_msg_chan_auth_result),
				       IPC_DIR_CELL_DOWN },
	[IPC_MSG_CHAN_OPEN] = { "chan_open", sizeof(struct ipc_msg_chan_open), IPC_DIR_CMD },
	[IPC_MSG_CHAN_CLOSE] = { "chan_close", sizeof(struct ipc_msg_chan_close), IPC_DIR_CMD },
	[IPC_MSG_CHAN_STATUS] = { "chan_status", sizeof(struct ipc_msg_chan_status), IPC_DIR_EVT },
	[IPC_MSG_CHAN_LIST] = { "chan_list", sizeof(struct ipc_msg_chan_list), IPC_DIR_CMD },
	[IPC_MSG_CHAN_INFO] = { "chan_info", sizeof(struct ipc_msg_chan_info), IPC_DIR_EVT },
	[IPC_MSG_CHAN_LIST_END] = { "chan_list_end", sizeof(struct ipc_msg_chan_list_end),
				    IPC_DIR_EVT },
	[IPC_MSG_CIRC_CREATE] = { "circ_create", sizeof(struct ipc_msg_circ_create),
				  IPC_DIR_CELL_UP },
	[IPC_MSG_CIRC_CREATED] = { "circ_created", sizeof(struct ipc_msg_circ_created),
				   IPC_DIR_CELL_DOWN },
	[IPC_MSG_CIRC_LIST] = { "circ_list", sizeof(struct ipc_msg_chan_list), IPC_DIR_CMD },
	[IPC_MSG_CIRC_INFO] = { "circ_info", sizeof(struct ipc_msg_circ_info), IPC_DIR_EVT },
	[IPC_MSG_CIRC_LIST_END] = { "circ_list_end", sizeof(struct ipc_msg_chan_list_end),
				    IPC_DIR_EVT },
	[IPC_MSG_CIRC_DESTROY] = { "circ_destroy", sizeof(struct ipc_msg_circ_destroy),
				   IPC_DIR_CMD },
	[IPC_MSG_CIRC_STATUS] = { "circ_status", sizeof(struct ipc_msg_circ_status), IPC_DIR_EVT },
	[IPC_MSG_PORT_GET] = { "port_get", sizeof(struct ipc_msg_port_get), IPC_DIR_CMD },
	[IPC_MSG_PORT_INFO] = { "port_info", sizeof(struct ipc_msg_port_info), IPC_DIR_EVT },
	[IPC_MSG_CONF_SET] = { "conf_set", sizeof(struct ipc_msg_conf_set), IPC_DIR_CMD },
	[IPC_MSG_CONF_STATUS] = { "conf_status", sizeof(struct ipc_msg_conf_status), IPC_DIR_EVT },
	[IPC_MSG_PORT_QUEUE] = { "port_queue", sizeof(struct ipc_msg_port_queue), IPC_DIR_EVT },
	[IPC_MSG_PORT_XSTATS] = { "port_xstats", sizeof(struct ipc_msg_port_xstats), IPC_DIR_CMD },
	[IPC_MSG_PORT_XSTAT] = { "port_xstat", sizeof(struct ipc_msg_port_xstat), IPC_DIR_EVT },
	[IPC_MSG_PORT_XSTATS_END] = { "port_xstats_end", sizeof(struct ipc_msg_port_xstats_end),
				      IPC_DIR_EVT },
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

static const char *const chan_state_names[IPC_CHAN_STATE_COUNT] = {
	[IPC_CHAN_STATE_FREE] = "free",
	[IPC_CHAN_STATE_TLS] = "tls",
	[IPC_CHAN_STATE_VERSIONS] = "versions",
	[IPC_CHAN_STATE_HANDSHAKE] = "handshake",
	[IPC_CHAN_STATE_OPEN] = "open",
	[IPC_CHAN_STATE_CLOSING] = "closing",
};

static const char *const chan_close_names[IPC_CHAN_CLOSE_COUNT] = {
	[IPC_CHAN_CLOSE_NONE] = "none",
	[IPC_CHAN_CLOSE_LOCAL] = "local",
	[IPC_CHAN_CLOSE_PEER] = "peer",
	[IPC_CHAN_CLOSE_TLS_ERROR] = "tls_error",
	[IPC_CHAN_CLOSE_CONNECT_FAILED] = "connect_failed",
	[IPC_CHAN_CLOSE_HS_TIMEOUT] = "hs_timeout",
	[IPC_CHAN_CLOSE_BAD_CELL] = "bad_cell",
	[IPC_CHAN_CLOSE_UNEXPECTED_CELL] = "unexpected_cell",
	[IPC_CHAN_CLOSE_NO_VERSION] = "no_version",
	[IPC_CHAN_CLOSE_CERTS] = "certs",
	[IPC_CHAN_CLOSE_IDENTITY] = "identity",
	[IPC_CHAN_CLOSE_NO_AUTH_METHOD] = "no_auth_method",
	[IPC_CHAN_CLOSE_AUTH] = "auth",
	[IPC_CHAN_CLOSE_CELL_TOO_BIG] = "cell_too_big",
	[IPC_CHAN_CLOSE_CP] = "controlplane",
	[IPC_CHAN_CLOSE_NO_CREDS] = "no_creds",
	[IPC_CHAN_CLOSE_NOMEM] = "nomem",
};

const char *
ipc_chan_state_name(uint32_t s)
{
	return s < IPC_CHAN_STATE_COUNT ? chan_state_names[s] : "unknown";
}

const char *
ipc_chan_close_name(uint32_t r)
{
	return r < IPC_CHAN_CLOSE_COUNT ? chan_close_names[r] : "unknown";
}

static const char *const circ_state_names[IPC_CIRC_STATE_COUNT] = {
	[IPC_CIRC_STATE_CREATING] = "creating",
	[IPC_CIRC_STATE_OPEN] = "open",
	[IPC_CIRC_STATE_WAIT_CHAN] = "extending",
	[IPC_CIRC_STATE_WAIT_CREATED] = "extended",
	[IPC_CIRC_STATE_WAIT_XL] = "extended",
	[IPC_CIRC_STATE_HALF] = "half",
};

const char *
ipc_circ_state_name(uint32_t s)
{
	return s < IPC_CIRC_STATE_COUNT && circ_state_names[s] != NULL ? circ_state_names[s]
									: "unknown";
}
