/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Tests of ipc_msg_validate(): every refusal, and the direction rules.
 */
#include <errno.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "common/ipc/ipc_msg.h"
#include "tests/suites.h"

static uint8_t slot[IPC_CELL_SLOT];

static void
setup(void)
{
	memset(slot, 0, sizeof(slot));
}

static void
put_hdr(uint16_t type, uint16_t len)
{
	struct ipc_hdr h;

	ipc_hdr_init(&h, type, len, 42);
	memcpy(slot, &h, sizeof(h));
}

static void
test_msg_valid_ping_on_cmd_ring(void)
{
	uint16_t type = 0;

	put_hdr(IPC_MSG_PING, sizeof(struct ipc_msg_ping));
	CU_ASSERT_EQUAL(ipc_msg_validate(slot, IPC_CMD_SLOT, IPC_DIR_CMD, &type), 0);
	CU_ASSERT_EQUAL(type, IPC_MSG_PING);
}

static void
test_msg_valid_cell_on_cell_rings(void)
{
	uint16_t type = 0;

	put_hdr(IPC_MSG_CELL_UP, sizeof(struct ipc_msg_cell));
	CU_ASSERT_EQUAL(ipc_msg_validate(slot, IPC_CELL_SLOT, IPC_DIR_CELL_UP, &type), 0);
	put_hdr(IPC_MSG_CELL_DOWN, sizeof(struct ipc_msg_cell));
	CU_ASSERT_EQUAL(ipc_msg_validate(slot, IPC_CELL_SLOT, IPC_DIR_CELL_DOWN, &type), 0);
	CU_ASSERT_EQUAL(type, IPC_MSG_CELL_DOWN);
}

static void
test_msg_port_get_is_a_command_and_port_info_a_full_event(void)
{
	uint16_t type = 0;

	put_hdr(IPC_MSG_PORT_GET, sizeof(struct ipc_msg_port_get));
	CU_ASSERT_EQUAL(ipc_msg_validate(slot, IPC_CMD_SLOT, IPC_DIR_CMD, &type), 0);
	CU_ASSERT_EQUAL(ipc_msg_validate(slot, IPC_EVT_SLOT, IPC_DIR_EVT, &type), -ENOTSUP);
	put_hdr(IPC_MSG_PORT_INFO, IPC_EVT_SLOT);
	CU_ASSERT_EQUAL(ipc_msg_validate(slot, IPC_EVT_SLOT, IPC_DIR_EVT, &type), 0);
	CU_ASSERT_EQUAL(type, IPC_MSG_PORT_INFO);
	CU_ASSERT_STRING_EQUAL(ipc_msg_type_name(IPC_MSG_PORT_INFO), "port_info");
}

static void
test_msg_conf_set_is_a_command_and_conf_status_an_event(void)
{
	uint16_t type = 0;

	put_hdr(IPC_MSG_CONF_SET, sizeof(struct ipc_msg_conf_set));
	CU_ASSERT_EQUAL(ipc_msg_validate(slot, IPC_CMD_SLOT, IPC_DIR_CMD, &type), 0);
	CU_ASSERT_EQUAL(type, IPC_MSG_CONF_SET);
	CU_ASSERT_EQUAL(ipc_msg_validate(slot, IPC_EVT_SLOT, IPC_DIR_EVT, &type), -ENOTSUP);
	put_hdr(IPC_MSG_CONF_STATUS, sizeof(struct ipc_msg_conf_status));
	CU_ASSERT_EQUAL(ipc_msg_validate(slot, IPC_EVT_SLOT, IPC_DIR_EVT, &type), 0);
	CU_ASSERT_EQUAL(type, IPC_MSG_CONF_STATUS);
	put_hdr(IPC_MSG_CONF_STATUS, sizeof(struct ipc_msg_conf_status) + 8);
	CU_ASSERT_EQUAL(ipc_msg_validate(slot, IPC_EVT_SLOT, IPC_DIR_EVT, &type), -EINVAL);
	CU_ASSERT_STRING_EQUAL(ipc_msg_type_name(IPC_MSG_CONF_SET), "conf_set");
	CU_ASSERT_STRING_EQUAL(ipc_msg_type_name(IPC_MSG_CONF_STATUS), "conf_status");
}

static void
test_msg_port_get_replies_and_xstats_travel_their_rings(void)
{
	static const struct {
		uint16_t type;
		uint16_t len;
		uint32_t dir;
		const char *name;
	} rows[] = {
		{ IPC_MSG_PORT_QUEUE, sizeof(struct ipc_msg_port_queue), IPC_DIR_EVT,
		  "port_queue" },
		{ IPC_MSG_PORT_XSTATS, sizeof(struct ipc_msg_port_xstats), IPC_DIR_CMD,
		  "port_xstats" },
		{ IPC_MSG_PORT_XSTAT, sizeof(struct ipc_msg_port_xstat), IPC_DIR_EVT,
		  "port_xstat" },
		{ IPC_MSG_PORT_XSTATS_END, sizeof(struct ipc_msg_port_xstats_end), IPC_DIR_EVT,
		  "port_xstats_end" },
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint32_t other = rows[i].dir == IPC_DIR_CMD ? IPC_DIR_EVT : IPC_DIR_CMD;
		uint16_t type = 0;

		put_hdr(rows[i].type, rows[i].len);
		CU_ASSERT_EQUAL(ipc_msg_validate(slot, IPC_EVT_SLOT, rows[i].dir, &type), 0);
		CU_ASSERT_EQUAL(type, rows[i].type);
		CU_ASSERT_EQUAL(ipc_msg_validate(slot, IPC_EVT_SLOT, other, &type), -ENOTSUP);
		put_hdr(rows[i].type, rows[i].len - 8u);
		CU_ASSERT_EQUAL(ipc_msg_validate(slot, IPC_EVT_SLOT, rows[i].dir, &type), -EINVAL);
		CU_ASSERT_STRING_EQUAL(ipc_msg_type_name(rows[i].type), rows[i].name);
	}
}

static void
test_msg_len_shorter_than_header_is_emsgsize(void)
{
	uint16_t type = 0;

	put_hdr(IPC_MSG_PING, 7);
	CU_ASSERT_EQUAL(ipc_msg_validate(slot, IPC_CMD_SLOT, IPC_DIR_CMD, &type), -EMSGSIZE);
}

static void
test_msg_len_longer_than_slot_is_emsgsize(void)
{
	uint16_t type = 0;

	put_hdr(IPC_MSG_PING, IPC_CMD_SLOT + 1);
	CU_ASSERT_EQUAL(ipc_msg_validate(slot, IPC_CMD_SLOT, IPC_DIR_CMD, &type), -EMSGSIZE);
}

static void
test_msg_slot_smaller_than_header_is_emsgsize(void)
{
	uint16_t type = 0;

	put_hdr(IPC_MSG_PING, sizeof(struct ipc_msg_ping));
	CU_ASSERT_EQUAL(ipc_msg_validate(slot, 4, IPC_DIR_CMD, &type), -EMSGSIZE);
}

static void
test_msg_unknown_type_is_enotsup(void)
{
	uint16_t type = 0;

	put_hdr(IPC_MSG_TYPE_MAX + 1, 16);
	CU_ASSERT_EQUAL(ipc_msg_validate(slot, IPC_CMD_SLOT, IPC_DIR_CMD, &type), -ENOTSUP);
	CU_ASSERT_EQUAL(type, IPC_MSG_TYPE_MAX + 1);
	put_hdr(0, 16);
	CU_ASSERT_EQUAL(ipc_msg_validate(slot, IPC_CMD_SLOT, IPC_DIR_CMD, &type), -ENOTSUP);
}

static void
test_msg_event_type_on_command_ring_is_enotsup(void)
{
	uint16_t type = 0;

	put_hdr(IPC_MSG_PONG, sizeof(struct ipc_msg_pong));
	CU_ASSERT_EQUAL(ipc_msg_validate(slot, IPC_CMD_SLOT, IPC_DIR_CMD, &type), -ENOTSUP);
}

static void
test_msg_wrong_size_for_type_is_einval(void)
{
	uint16_t type = 0;

	put_hdr(IPC_MSG_PING, sizeof(struct ipc_msg_ping) - 8);
	CU_ASSERT_EQUAL(ipc_msg_validate(slot, IPC_CMD_SLOT, IPC_DIR_CMD, &type), -EINVAL);
	put_hdr(IPC_MSG_PING, sizeof(struct ipc_msg_ping) + 8);
	CU_ASSERT_EQUAL(ipc_msg_validate(slot, IPC_CMD_SLOT, IPC_DIR_CMD, &type), -EINVAL);
}

static void
test_msg_type_names(void)
{
	CU_ASSERT_STRING_EQUAL(ipc_msg_type_name(IPC_MSG_PING), "ping");
	CU_ASSERT_STRING_EQUAL(ipc_msg_type_name(IPC_MSG_CMD_ERROR), "cmd_error");
	CU_ASSERT_STRING_EQUAL(ipc_msg_type_name(999), "unknown");
	CU_ASSERT_STRING_EQUAL(ipc_msg_type_name(0), "unknown");
}

static CU_TestInfo ipc_msg_tests[] = {
	{ "valid_ping_on_cmd_ring", test_msg_valid_ping_on_cmd_ring },
	{ "valid_cell_on_cell_rings", test_msg_valid_cell_on_cell_rings },
	{ "port_get_is_a_command_and_port_info_a_full_event",
	  test_msg_port_get_is_a_command_and_port_info_a_full_event },
	{ "port_get_replies_and_xstats_travel_their_rings",
	  test_msg_port_get_replies_and_xstats_travel_their_rings },
	{ "conf_set_is_a_command_and_conf_status_an_event",
	  test_msg_conf_set_is_a_command_and_conf_status_an_event },
	{ "len_shorter_than_header_is_emsgsize", test_msg_len_shorter_than_header_is_emsgsize },
	{ "len_longer_than_slot_is_emsgsize", test_msg_len_longer_than_slot_is_emsgsize },
	{ "slot_smaller_than_header_is_emsgsize", test_msg_slot_smaller_than_header_is_emsgsize },
	{ "unknown_type_is_enotsup", test_msg_unknown_type_is_enotsup },
	{ "event_type_on_command_ring_is_enotsup", test_msg_event_type_on_command_ring_is_enotsup },
	{ "wrong_size_for_type_is_einval", test_msg_wrong_size_for_type_is_einval },
	{ "type_names", test_msg_type_names },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_ipc_msg = {
	.pName = "common/ipc_msg",
	.pSetUpFunc = setup,
	.pTests = ipc_msg_tests,
};
