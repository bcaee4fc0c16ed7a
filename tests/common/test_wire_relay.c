/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief CUnit suite "common/wire_relay": relay cell header codec.
 *
 * The expected bytes are written out by hand from tor-spec.txt §6.1:
 * cmd(1) recognized(2) stream_id(2) digest(4) length(2), big-endian, inside
 * a 509-byte cell payload. Each error code of the codec has a named test.
 */
#include "tests/suites.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "common/base/compiler.h"
#include "common/wire/wire_relay.h"

/* Large enough for every wrong payload length tried below (up to 514). */
#define WRONG_LEN_BUF 514

/* A RELAY_DATA payload (tor-spec.txt §6.1): command 2, recognized 0,
 * stream 0x1a2b, digest de ad be ef, length 5, data "hello", then padding
 * (left as NUL here). */
static const uint8_t data_hello[WIRE_RELAY_PAYLOAD_LEN] = {
	0x02,
	0x00, 0x00,
	0x1a, 0x2b,
	0xde, 0xad, 0xbe, 0xef,
	0x00, 0x05,
	0x68, 0x65, 0x6c, 0x6c, 0x6f,
};

/* A RELAY_EXTEND2 control-cell header (stream 0) with the largest data
 * length, 498 = 0x01f2. */
static const uint8_t extend2_full_hdr[WIRE_RELAY_HDR_LEN] = {
	0x0e, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0xf2,
};

static void
test_wire_relay_cmd_values_match_spec(void)
{
	/* tor-spec.txt §6.1, rend-spec-v3.txt, padding-spec.txt §3, prop 329,
	 * and tor's XOFF = 43 / XON = 44. */
	static const struct {
		int cmd;
		int wire;
	} cases[] = {
		{ WIRE_RELAY_CMD_BEGIN, 1 },
		{ WIRE_RELAY_CMD_DATA, 2 },
		{ WIRE_RELAY_CMD_END, 3 },
		{ WIRE_RELAY_CMD_CONNECTED, 4 },
		{ WIRE_RELAY_CMD_SENDME, 5 },
		{ WIRE_RELAY_CMD_EXTEND, 6 },
		{ WIRE_RELAY_CMD_EXTENDED, 7 },
		{ WIRE_RELAY_CMD_TRUNCATE, 8 },
		{ WIRE_RELAY_CMD_TRUNCATED, 9 },
		{ WIRE_RELAY_CMD_DROP, 10 },
		{ WIRE_RELAY_CMD_RESOLVE, 11 },
		{ WIRE_RELAY_CMD_RESOLVED, 12 },
		{ WIRE_RELAY_CMD_BEGIN_DIR, 13 },
		{ WIRE_RELAY_CMD_EXTEND2, 14 },
		{ WIRE_RELAY_CMD_EXTENDED2, 15 },
		{ WIRE_RELAY_CMD_CONFLUX_LINK, 19 },
		{ WIRE_RELAY_CMD_CONFLUX_LINKED, 20 },
		{ WIRE_RELAY_CMD_CONFLUX_LINKED_ACK, 21 },
		{ WIRE_RELAY_CMD_CONFLUX_SWITCH, 22 },
		{ WIRE_RELAY_CMD_ESTABLISH_INTRO, 32 },
		{ WIRE_RELAY_CMD_ESTABLISH_RENDEZVOUS, 33 },
		{ WIRE_RELAY_CMD_INTRODUCE1, 34 },
		{ WIRE_RELAY_CMD_INTRODUCE2, 35 },
		{ WIRE_RELAY_CMD_RENDEZVOUS1, 36 },
		{ WIRE_RELAY_CMD_RENDEZVOUS2, 37 },
		{ WIRE_RELAY_CMD_INTRO_ESTABLISHED, 38 },
		{ WIRE_RELAY_CMD_RENDEZVOUS_ESTABLISHED, 39 },
		{ WIRE_RELAY_CMD_INTRODUCE_ACK, 40 },
		{ WIRE_RELAY_CMD_PADDING_NEGOTIATE, 41 },
		{ WIRE_RELAY_CMD_PADDING_NEGOTIATED, 42 },
		{ WIRE_RELAY_CMD_XOFF, 43 },
		{ WIRE_RELAY_CMD_XON, 44 },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		CU_ASSERT_EQUAL(cases[i].cmd, cases[i].wire);
}

static void
test_wire_relay_sizes_match_spec(void)
{
	CU_ASSERT_EQUAL(WIRE_RELAY_HDR_LEN, 11);
	CU_ASSERT_EQUAL(WIRE_RELAY_DATA_MAX, 498);
	CU_ASSERT_EQUAL(WIRE_RELAY_PAYLOAD_LEN, 509);
}

static void
test_wire_relay_hdr_decodes_data_header(void)
{
	struct wire_relay_hdr h;

	CU_ASSERT_EQUAL(wire_relay_hdr_decode(data_hello, sizeof(data_hello), &h), 0);
	CU_ASSERT_EQUAL(h.cmd, WIRE_RELAY_CMD_DATA);
	CU_ASSERT_EQUAL(h.recognized, 0);
	CU_ASSERT_EQUAL(h.stream_id, 0x1a2b);
	CU_ASSERT_EQUAL(h.digest, 0xdeadbeefu);
	CU_ASSERT_EQUAL(h.length, 5);
}

static void
test_wire_relay_hdr_decodes_unknown_command(void)
{
	static uint8_t payload[WIRE_RELAY_PAYLOAD_LEN] = { 0xfe };
	struct wire_relay_hdr h;

	CU_ASSERT_EQUAL(wire_relay_hdr_decode(payload, sizeof(payload), &h), 0);
	CU_ASSERT_EQUAL(h.cmd, 0xfe);
	CU_ASSERT_EQUAL(h.length, 0);
}

static void
test_wire_relay_hdr_decode_accepts_length_498(void)
{
	uint8_t payload[WIRE_RELAY_PAYLOAD_LEN] = { 0 };
	struct wire_relay_hdr h;

	memcpy(payload, extend2_full_hdr, sizeof(extend2_full_hdr));
	CU_ASSERT_EQUAL(wire_relay_hdr_decode(payload, sizeof(payload), &h), 0);
	CU_ASSERT_EQUAL(h.cmd, WIRE_RELAY_CMD_EXTEND2);
	CU_ASSERT_EQUAL(h.stream_id, 0);
	CU_ASSERT_EQUAL(h.length, 498);
}

static void
test_wire_relay_hdr_decode_rejects_length_over_498(void)
{
	/* 499 = 0x01f3, and the largest 16-bit value. */
	static const uint8_t lens[][2] = { { 0x01, 0xf3 }, { 0x01, 0xfd }, { 0xff, 0xff } };
	uint8_t payload[WIRE_RELAY_PAYLOAD_LEN];
	struct wire_relay_hdr h;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		memcpy(payload, data_hello, sizeof(payload));
		payload[9] = lens[i][0];
		payload[10] = lens[i][1];
		CU_ASSERT_EQUAL(wire_relay_hdr_decode(payload, sizeof(payload), &h), -EPROTO);
	}
}

static void
test_wire_relay_hdr_decode_leaves_out_untouched_on_error(void)
{
	uint8_t payload[WIRE_RELAY_PAYLOAD_LEN];
	struct wire_relay_hdr h = { .cmd = 0x5a, .stream_id = 0x5a5a, .length = 0x5a5a };

	memcpy(payload, data_hello, sizeof(payload));
	payload[9] = 0x01;
	payload[10] = 0xf3;
	CU_ASSERT_EQUAL(wire_relay_hdr_decode(payload, sizeof(payload), &h), -EPROTO);
	CU_ASSERT_EQUAL(h.cmd, 0x5a);
	CU_ASSERT_EQUAL(h.stream_id, 0x5a5a);
	CU_ASSERT_EQUAL(h.length, 0x5a5a);
}

static void
test_wire_relay_hdr_decode_rejects_payload_not_509(void)
{
	static const size_t lens[] = { 0, 11, 508, 510, 514 };
	uint8_t payload[WRONG_LEN_BUF] = { 0 };
	struct wire_relay_hdr h;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(lens); i++)
		CU_ASSERT_EQUAL(wire_relay_hdr_decode(payload, lens[i], &h), -EINVAL);
}

static void
test_wire_relay_hdr_encodes_data_header(void)
{
	static const struct wire_relay_hdr h = {
		.cmd = WIRE_RELAY_CMD_DATA,
		.recognized = 0,
		.stream_id = 0x1a2b,
		.digest = 0xdeadbeefu,
		.length = 5,
	};
	uint8_t payload[WIRE_RELAY_PAYLOAD_LEN];

	memset(payload, 0xaa, sizeof(payload));
	CU_ASSERT_EQUAL(wire_relay_hdr_encode(payload, sizeof(payload), &h), 0);
	CU_ASSERT_EQUAL(memcmp(payload, data_hello, WIRE_RELAY_HDR_LEN), 0);
	CU_ASSERT_EQUAL(payload[WIRE_RELAY_HDR_LEN], 0xaa);
	CU_ASSERT_EQUAL(payload[WIRE_RELAY_PAYLOAD_LEN - 1], 0xaa);
}

static void
test_wire_relay_hdr_encodes_length_498(void)
{
	static const struct wire_relay_hdr h = {
		.cmd = WIRE_RELAY_CMD_EXTEND2,
		.length = 498,
	};
	uint8_t payload[WIRE_RELAY_PAYLOAD_LEN];

	memset(payload, 0xaa, sizeof(payload));
	CU_ASSERT_EQUAL(wire_relay_hdr_encode(payload, sizeof(payload), &h), 0);
	CU_ASSERT_EQUAL(memcmp(payload, extend2_full_hdr, sizeof(extend2_full_hdr)), 0);
}

static void
test_wire_relay_hdr_encode_rejects_length_499(void)
{
	static const struct wire_relay_hdr h = { .cmd = WIRE_RELAY_CMD_DATA, .length = 499 };
	uint8_t payload[WIRE_RELAY_PAYLOAD_LEN];
	uint8_t before[WIRE_RELAY_PAYLOAD_LEN];

	memset(payload, 0xaa, sizeof(payload));
	memcpy(before, payload, sizeof(payload));
	CU_ASSERT_EQUAL(wire_relay_hdr_encode(payload, sizeof(payload), &h), -EMSGSIZE);
	CU_ASSERT_EQUAL(memcmp(payload, before, sizeof(payload)), 0);
}

static void
test_wire_relay_hdr_encode_rejects_payload_not_509(void)
{
	static const size_t lens[] = { 0, 11, 508, 510, 514 };
	static const struct wire_relay_hdr h = { .cmd = WIRE_RELAY_CMD_DATA, .length = 1 };
	uint8_t payload[WRONG_LEN_BUF];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(lens); i++)
		CU_ASSERT_EQUAL(wire_relay_hdr_encode(payload, lens[i], &h), -EINVAL);
}

static void
test_wire_relay_hdr_round_trip(void)
{
	static const struct wire_relay_hdr cases[] = {
		{ WIRE_RELAY_CMD_BEGIN, 0, 1, 0x00000000u, 0 },
		{ WIRE_RELAY_CMD_SENDME, 0, 0, 0x01020304u, 3 },
		{ WIRE_RELAY_CMD_XON, 0xffff, 0xffff, 0xffffffffu, 498 },
		{ 0xff, 0x8001, 0x0100, 0x80000001u, 1 },
	};
	uint8_t payload[WIRE_RELAY_PAYLOAD_LEN] = { 0 };
	struct wire_relay_hdr h;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		CU_ASSERT_EQUAL(wire_relay_hdr_encode(payload, sizeof(payload), &cases[i]), 0);
		CU_ASSERT_EQUAL(wire_relay_hdr_decode(payload, sizeof(payload), &h), 0);
		CU_ASSERT_EQUAL(h.cmd, cases[i].cmd);
		CU_ASSERT_EQUAL(h.recognized, cases[i].recognized);
		CU_ASSERT_EQUAL(h.stream_id, cases[i].stream_id);
		CU_ASSERT_EQUAL(h.digest, cases[i].digest);
		CU_ASSERT_EQUAL(h.length, cases[i].length);
	}
}

static void
test_wire_relay_digest_get_reads_bytes_5_to_8(void)
{
	CU_ASSERT_EQUAL(wire_relay_digest_get(data_hello), 0xdeadbeefu);
}

static void
test_wire_relay_digest_put_writes_only_bytes_5_to_8(void)
{
	static const uint8_t expect[] = {
		0x55, 0x55, 0x55, 0x55, 0x55, 0x01, 0x02, 0x03, 0x04, 0x55, 0x55,
	};
	uint8_t payload[WIRE_RELAY_PAYLOAD_LEN];

	memset(payload, 0x55, sizeof(payload));
	wire_relay_digest_put(payload, 0x01020304u);
	CU_ASSERT_EQUAL(memcmp(payload, expect, sizeof(expect)), 0);
}

static void
test_wire_relay_digest_put_zero_clears_field(void)
{
	uint8_t payload[WIRE_RELAY_PAYLOAD_LEN];

	memcpy(payload, data_hello, sizeof(payload));
	wire_relay_digest_put(payload, 0);
	CU_ASSERT_EQUAL(payload[5], 0x00);
	CU_ASSERT_EQUAL(payload[6], 0x00);
	CU_ASSERT_EQUAL(payload[7], 0x00);
	CU_ASSERT_EQUAL(payload[8], 0x00);
	CU_ASSERT_EQUAL(payload[4], 0x2b);
	CU_ASSERT_EQUAL(payload[9], 0x00);
	CU_ASSERT_EQUAL(payload[10], 0x05);
}

static void
test_wire_relay_is_recognized_zero_true_for_zero_field(void)
{
	CU_ASSERT_TRUE(wire_relay_is_recognized_zero(data_hello));
}

static void
test_wire_relay_is_recognized_zero_false_when_either_byte_set(void)
{
	static const uint8_t recog[][2] = { { 0x00, 0x01 }, { 0x80, 0x00 }, { 0xff, 0xff } };
	uint8_t payload[WIRE_RELAY_PAYLOAD_LEN];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(recog); i++) {
		memcpy(payload, data_hello, sizeof(payload));
		payload[1] = recog[i][0];
		payload[2] = recog[i][1];
		CU_ASSERT_FALSE(wire_relay_is_recognized_zero(payload));
	}
}

static CU_TestInfo wire_relay_tests[] = {
	{ "cmd_values_match_spec", test_wire_relay_cmd_values_match_spec },
	{ "sizes_match_spec", test_wire_relay_sizes_match_spec },
	{ "hdr_decodes_data_header", test_wire_relay_hdr_decodes_data_header },
	{ "hdr_decodes_unknown_command", test_wire_relay_hdr_decodes_unknown_command },
	{ "hdr_decode_accepts_length_498", test_wire_relay_hdr_decode_accepts_length_498 },
	{ "hdr_decode_rejects_length_over_498", test_wire_relay_hdr_decode_rejects_length_over_498 },
	{ "hdr_decode_leaves_out_untouched_on_error",
	  test_wire_relay_hdr_decode_leaves_out_untouched_on_error },
	{ "hdr_decode_rejects_payload_not_509", test_wire_relay_hdr_decode_rejects_payload_not_509 },
	{ "hdr_encodes_data_header", test_wire_relay_hdr_encodes_data_header },
	{ "hdr_encodes_length_498", test_wire_relay_hdr_encodes_length_498 },
	{ "hdr_encode_rejects_length_499", test_wire_relay_hdr_encode_rejects_length_499 },
	{ "hdr_encode_rejects_payload_not_509", test_wire_relay_hdr_encode_rejects_payload_not_509 },
	{ "hdr_round_trip", test_wire_relay_hdr_round_trip },
	{ "digest_get_reads_bytes_5_to_8", test_wire_relay_digest_get_reads_bytes_5_to_8 },
	{ "digest_put_writes_only_bytes_5_to_8",
	  test_wire_relay_digest_put_writes_only_bytes_5_to_8 },
	{ "digest_put_zero_clears_field", test_wire_relay_digest_put_zero_clears_field },
	{ "is_recognized_zero_true_for_zero_field",
	  test_wire_relay_is_recognized_zero_true_for_zero_field },
	{ "is_recognized_zero_false_when_either_byte_set",
	  test_wire_relay_is_recognized_zero_false_when_either_byte_set },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_wire_relay = {
	.pName = "common/wire_relay",
	.pTests = wire_relay_tests,
};
