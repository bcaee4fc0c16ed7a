/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief CUnit suite "common/wire_cell": cell framing and VERSIONS bodies.
 *
 * The expected bytes below are written out by hand from tor-spec.txt §3
 * (cell layout, circuit id widths) and §4.1 (VERSIONS payload), never
 * produced by the encoder under test. Every decoder outcome (cell, need
 * more, error) and every encoder error code has its own named test.
 */
#include "tests/suites.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "common/base/compiler.h"
#include "common/wire/wire_cell.h"

/* Link 4 CREATE_FAST (tor-spec.txt §3, §5.1.5): CircID 0x80000001 in 4 bytes,
 * command 5, X = 01..14 (HASH_LEN = 20 bytes), then 489 NUL padding bytes. */
static const uint8_t create_fast_v4[WIRE_CELL_LEN] = {
	0x80, 0x00, 0x00, 0x01,
	0x05,
	0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a,
	0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14,
};

static const uint8_t create_fast_x[20] = {
	0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a,
	0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14,
};

/* Link 3 DESTROY (tor-spec.txt §3, §5.4): CircID 0x1234 in 2 bytes, command
 * 4, reason 3 (REQUESTED), then 508 NUL padding bytes: 512 bytes in all. */
static const uint8_t destroy_v3[WIRE_CELL_LEN_V3] = {
	0x12, 0x34,
	0x04,
	0x03,
};

/* The first VERSIONS cell (tor-spec.txt §3, §4.1): CircID 0 in 2 bytes,
 * command 7, length 6, versions 3, 4, 5. */
static const uint8_t versions_initial[] = {
	0x00, 0x00, 0x07, 0x00, 0x06, 0x00, 0x03, 0x00, 0x04, 0x00, 0x05,
};

static const uint8_t versions_body[] = { 0x00, 0x03, 0x00, 0x04, 0x00, 0x05 };

/* Link 4 CERTS (tor-spec.txt §3, §4.2): CircID 0 in 4 bytes, command 129,
 * length 6, N = 1, one cert of type 4 with a 2-byte body aa bb. */
static const uint8_t certs_v4[] = {
	0x00, 0x00, 0x00, 0x00,
	0x81,
	0x00, 0x06,
	0x01, 0x04, 0x00, 0x02, 0xaa, 0xbb,
};

static const uint8_t certs_body[] = { 0x01, 0x04, 0x00, 0x02, 0xaa, 0xbb };

/* Link 4 var-cell header for a 263-byte CERTS payload. */
static const uint8_t certs_v4_hdr_len263[] = { 0x00, 0x00, 0x00, 0x00, 0x81, 0x01, 0x07 };

/* Scratch for the largest var cells; static to keep the stack small. */
static uint8_t big_payload[WIRE_VAR_CELL_PAYLOAD_MAX + 1];
static uint8_t big_cell[WIRE_VAR_CELL_MAX_LEN];

/* Fill @p p with a position-dependent pattern. */
static void
fill_pattern(uint8_t *p, size_t n, uint8_t seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(seed + i * 7);
}

static void
test_wire_cell_cmd_values_match_spec(void)
{
	/* tor-spec.txt §3 command table. */
	static const struct {
		int cmd;
		int wire;
	} cases[] = {
		{ WIRE_CELL_CMD_PADDING, 0 },
		{ WIRE_CELL_CMD_CREATE, 1 },
		{ WIRE_CELL_CMD_CREATED, 2 },
		{ WIRE_CELL_CMD_RELAY, 3 },
		{ WIRE_CELL_CMD_DESTROY, 4 },
		{ WIRE_CELL_CMD_CREATE_FAST, 5 },
		{ WIRE_CELL_CMD_CREATED_FAST, 6 },
		{ WIRE_CELL_CMD_VERSIONS, 7 },
		{ WIRE_CELL_CMD_NETINFO, 8 },
		{ WIRE_CELL_CMD_RELAY_EARLY, 9 },
		{ WIRE_CELL_CMD_CREATE2, 10 },
		{ WIRE_CELL_CMD_CREATED2, 11 },
		{ WIRE_CELL_CMD_PADDING_NEGOTIATE, 12 },
		{ WIRE_CELL_CMD_VPADDING, 128 },
		{ WIRE_CELL_CMD_CERTS, 129 },
		{ WIRE_CELL_CMD_AUTH_CHALLENGE, 130 },
		{ WIRE_CELL_CMD_AUTHENTICATE, 131 },
		{ WIRE_CELL_CMD_AUTHORIZE, 132 },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		CU_ASSERT_EQUAL(cases[i].cmd, cases[i].wire);
}

static void
test_wire_cell_sizes_match_spec(void)
{
	CU_ASSERT_EQUAL(WIRE_CELL_PAYLOAD_LEN, 509);
	CU_ASSERT_EQUAL(WIRE_CELL_LEN, 514);
	CU_ASSERT_EQUAL(WIRE_CELL_LEN_V3, 512);
	CU_ASSERT_EQUAL(WIRE_VAR_CELL_HDR_LEN(2), 5);
	CU_ASSERT_EQUAL(WIRE_VAR_CELL_HDR_LEN(4), 7);
	CU_ASSERT_EQUAL(WIRE_VAR_CELL_PAYLOAD_MAX, 65535);
}

static void
test_wire_circ_id_len_is_2_before_link_4(void)
{
	CU_ASSERT_EQUAL(wire_circ_id_len(0), 2);
	CU_ASSERT_EQUAL(wire_circ_id_len(1), 2);
	CU_ASSERT_EQUAL(wire_circ_id_len(2), 2);
	CU_ASSERT_EQUAL(wire_circ_id_len(3), 2);
}

static void
test_wire_circ_id_len_is_4_from_link_4(void)
{
	CU_ASSERT_EQUAL(wire_circ_id_len(4), 4);
	CU_ASSERT_EQUAL(wire_circ_id_len(5), 4);
	CU_ASSERT_EQUAL(wire_circ_id_len(0xffff), 4);
}

static void
test_wire_link_version_supported_set_is_0_3_4_5(void)
{
	static const struct {
		uint16_t v;
		bool ok;
	} cases[] = {
		{ 0, true }, { 1, false }, { 2, false }, { 3, true },
		{ 4, true }, { 5, true }, { 6, false }, { 0xffff, false },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		CU_ASSERT_EQUAL(wire_link_version_is_supported(cases[i].v), cases[i].ok);
}

static void
test_wire_cell_cmd_versions_is_var_on_every_link(void)
{
	static const uint16_t links[] = { 0, 1, 2, 3, 4, 5 };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(links); i++)
		CU_ASSERT_TRUE(wire_cell_cmd_is_var(WIRE_CELL_CMD_VERSIONS, links[i]));
}

static void
test_wire_cell_cmd_128_and_up_is_var_from_link_3_and_before_versions(void)
{
	static const uint16_t links[] = { 0, 3, 4, 5 };
	static const uint8_t cmds[] = { 128, 129, 130, 131, 132, 200, 255 };
	size_t i;
	size_t j;

	for (i = 0; i < ARRAY_SIZE(links); i++)
		for (j = 0; j < ARRAY_SIZE(cmds); j++)
			CU_ASSERT_TRUE(wire_cell_cmd_is_var(cmds[j], links[i]));
}

static void
test_wire_cell_cmd_128_and_up_is_fixed_on_links_1_and_2(void)
{
	CU_ASSERT_FALSE(wire_cell_cmd_is_var(WIRE_CELL_CMD_VPADDING, 1));
	CU_ASSERT_FALSE(wire_cell_cmd_is_var(WIRE_CELL_CMD_CERTS, 2));
}

static void
test_wire_cell_cmd_below_128_except_versions_is_fixed(void)
{
	static const uint8_t cmds[] = { 0, 1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 13, 127 };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		CU_ASSERT_FALSE(wire_cell_cmd_is_var(cmds[i], 4));
}

static void
test_wire_cell_decodes_link4_create_fast(void)
{
	struct wire_cell c;

	CU_ASSERT_EQUAL(wire_cell_decode(create_fast_v4, sizeof(create_fast_v4), 4, &c), 514);
	CU_ASSERT_EQUAL(c.circ_id, 0x80000001u);
	CU_ASSERT_EQUAL(c.cmd, WIRE_CELL_CMD_CREATE_FAST);
	CU_ASSERT_EQUAL(c.payload_len, 509);
	CU_ASSERT_PTR_EQUAL(c.payload, create_fast_v4 + 5);
	CU_ASSERT_EQUAL(c.payload[0], 0x01);
	CU_ASSERT_EQUAL(c.payload[19], 0x14);
	CU_ASSERT_EQUAL(c.payload[20], 0x00);
}

static void
test_wire_cell_decodes_link3_fixed_with_2byte_circ_id(void)
{
	struct wire_cell c;

	CU_ASSERT_EQUAL(wire_cell_decode(destroy_v3, sizeof(destroy_v3), 3, &c), 512);
	CU_ASSERT_EQUAL(c.circ_id, 0x1234u);
	CU_ASSERT_EQUAL(c.cmd, WIRE_CELL_CMD_DESTROY);
	CU_ASSERT_EQUAL(c.payload_len, 509);
	CU_ASSERT_PTR_EQUAL(c.payload, destroy_v3 + 3);
	CU_ASSERT_EQUAL(c.payload[0], 0x03);
}

static void
test_wire_cell_decodes_initial_versions_before_negotiation(void)
{
	struct wire_cell c;

	CU_ASSERT_EQUAL(wire_cell_decode(versions_initial, sizeof(versions_initial), 0, &c), 11);
	CU_ASSERT_EQUAL(c.circ_id, 0u);
	CU_ASSERT_EQUAL(c.cmd, WIRE_CELL_CMD_VERSIONS);
	CU_ASSERT_EQUAL(c.payload_len, 6);
	CU_ASSERT_PTR_EQUAL(c.payload, versions_initial + 5);
}

static void
test_wire_cell_decodes_versions_with_4byte_circ_id_on_link_4(void)
{
	/* tor-spec.txt §4.1: later VERSIONS cells use the negotiated width. */
	static const uint8_t cell[] = { 0x00, 0x00, 0x00, 0x00, 0x07, 0x00, 0x02, 0x00, 0x04 };
	struct wire_cell c;

	CU_ASSERT_EQUAL(wire_cell_decode(cell, sizeof(cell), 4, &c), 9);
	CU_ASSERT_EQUAL(c.cmd, WIRE_CELL_CMD_VERSIONS);
	CU_ASSERT_EQUAL(c.payload_len, 2);
	CU_ASSERT_PTR_EQUAL(c.payload, cell + 7);
}

static void
test_wire_cell_decodes_vpadding_before_negotiation(void)
{
	/* tor-spec.txt §4: the first cell may be VPADDING. */
	static const uint8_t cell[] = { 0x00, 0x00, 0x80, 0x00, 0x02, 0x00, 0x00 };
	struct wire_cell c;

	CU_ASSERT_EQUAL(wire_cell_decode(cell, sizeof(cell), 0, &c), 7);
	CU_ASSERT_EQUAL(c.cmd, WIRE_CELL_CMD_VPADDING);
	CU_ASSERT_EQUAL(c.payload_len, 2);
}

static void
test_wire_cell_decodes_link4_certs_var_cell(void)
{
	struct wire_cell c;

	CU_ASSERT_EQUAL(wire_cell_decode(certs_v4, sizeof(certs_v4), 4, &c), 13);
	CU_ASSERT_EQUAL(c.circ_id, 0u);
	CU_ASSERT_EQUAL(c.cmd, WIRE_CELL_CMD_CERTS);
	CU_ASSERT_EQUAL(c.payload_len, 6);
	CU_ASSERT_PTR_EQUAL(c.payload, certs_v4 + 7);
	CU_ASSERT_EQUAL(memcmp(c.payload, certs_body, sizeof(certs_body)), 0);
}

static void
test_wire_cell_decodes_var_cell_with_zero_length(void)
{
	static const uint8_t cell[] = { 0x00, 0x00, 0x00, 0x07, 0x82, 0x00, 0x00 };
	struct wire_cell c;

	CU_ASSERT_EQUAL(wire_cell_decode(cell, sizeof(cell), 5, &c), 7);
	CU_ASSERT_EQUAL(c.circ_id, 7u);
	CU_ASSERT_EQUAL(c.cmd, WIRE_CELL_CMD_AUTH_CHALLENGE);
	CU_ASSERT_EQUAL(c.payload_len, 0);
}

static void
test_wire_cell_decodes_unknown_fixed_command(void)
{
	/* tor-spec.txt §3: unknown commands are dropped by the OR, not the framer. */
	static uint8_t cell[WIRE_CELL_LEN] = { 0x00, 0x00, 0x00, 0x09, 0x63 };
	struct wire_cell c;

	CU_ASSERT_EQUAL(wire_cell_decode(cell, sizeof(cell), 4, &c), 514);
	CU_ASSERT_EQUAL(c.circ_id, 9u);
	CU_ASSERT_EQUAL(c.cmd, 0x63);
}

static void
test_wire_cell_decode_consumes_only_the_first_cell(void)
{
	uint8_t two[sizeof(versions_initial) + sizeof(certs_v4)];
	struct wire_cell c;

	memcpy(two, versions_initial, sizeof(versions_initial));
	memcpy(two + sizeof(versions_initial), certs_v4, sizeof(certs_v4));
	CU_ASSERT_EQUAL(wire_cell_decode(two, sizeof(two), 0, &c), 11);
	CU_ASSERT_EQUAL(c.payload_len, 6);
}

static void
test_wire_cell_decode_needs_more_for_every_truncated_fixed_cell(void)
{
	struct wire_cell c;
	size_t k;

	for (k = 0; k < sizeof(create_fast_v4); k++)
		CU_ASSERT_EQUAL(wire_cell_decode(create_fast_v4, k, 4, &c), 0);
}

static void
test_wire_cell_decode_needs_more_for_every_truncated_link3_fixed_cell(void)
{
	struct wire_cell c;
	size_t k;

	for (k = 0; k < sizeof(destroy_v3); k++)
		CU_ASSERT_EQUAL(wire_cell_decode(destroy_v3, k, 3, &c), 0);
}

static void
test_wire_cell_decode_needs_more_for_every_truncated_var_cell(void)
{
	struct wire_cell c;
	size_t k;

	for (k = 0; k < sizeof(certs_v4); k++)
		CU_ASSERT_EQUAL(wire_cell_decode(certs_v4, k, 4, &c), 0);
}

static void
test_wire_cell_decode_needs_more_for_every_truncated_initial_versions(void)
{
	struct wire_cell c;
	size_t k;

	for (k = 0; k < sizeof(versions_initial); k++)
		CU_ASSERT_EQUAL(wire_cell_decode(versions_initial, k, 0, &c), 0);
}

static void
test_wire_cell_decode_needs_more_when_var_length_exceeds_buffer(void)
{
	/* VPADDING claiming 0xffff payload bytes, only 100 present. */
	static uint8_t buf[7 + 100] = { 0x00, 0x00, 0x00, 0x01, 0x80, 0xff, 0xff };
	struct wire_cell c;

	CU_ASSERT_EQUAL(wire_cell_decode(buf, sizeof(buf), 4, &c), 0);
}

static void
test_wire_cell_decode_leaves_out_untouched_when_needing_more(void)
{
	struct wire_cell c = { .circ_id = 0x5a5a5a5a, .cmd = 0x5a, .payload_len = 0x5a5a };

	CU_ASSERT_EQUAL(wire_cell_decode(certs_v4, sizeof(certs_v4) - 1, 4, &c), 0);
	CU_ASSERT_EQUAL(c.circ_id, 0x5a5a5a5au);
	CU_ASSERT_EQUAL(c.cmd, 0x5a);
	CU_ASSERT_EQUAL(c.payload_len, 0x5a5a);
	CU_ASSERT_PTR_NULL(c.payload);
}

static void
test_wire_cell_decode_rejects_unsupported_link_version(void)
{
	static const uint16_t bad[] = { 1, 2, 6, 7, 0xffff };
	struct wire_cell c;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		CU_ASSERT_EQUAL(wire_cell_decode(create_fast_v4, sizeof(create_fast_v4), bad[i], &c),
				-EINVAL);
}

static void
test_wire_cell_decode_rejects_unsupported_link_version_on_empty_buffer(void)
{
	struct wire_cell c;

	CU_ASSERT_EQUAL(wire_cell_decode(NULL, 0, 2, &c), -EINVAL);
}

static void
test_wire_cell_decode_rejects_fixed_cell_before_negotiation(void)
{
	/* CREATE_FAST with a 2-byte circ id, before any VERSIONS: only the
	 * header is present, the command alone makes it malformed. */
	static const uint8_t buf[] = { 0x00, 0x01, 0x05 };
	struct wire_cell c;

	CU_ASSERT_EQUAL(wire_cell_decode(buf, sizeof(buf), 0, &c), -EPROTO);
}

static void
test_wire_cell_encodes_link4_create_fast(void)
{
	uint8_t dst[WIRE_CELL_LEN];

	memset(dst, 0xaa, sizeof(dst));
	CU_ASSERT_EQUAL(wire_cell_encode_fixed(dst, sizeof(dst), 4, 0x80000001u,
					       WIRE_CELL_CMD_CREATE_FAST, create_fast_x,
					       sizeof(create_fast_x)), 514);
	CU_ASSERT_EQUAL(memcmp(dst, create_fast_v4, sizeof(create_fast_v4)), 0);
}

static void
test_wire_cell_encodes_link3_fixed_with_2byte_circ_id(void)
{
	static const uint8_t reason[] = { 0x03 };
	uint8_t dst[WIRE_CELL_LEN_V3];

	memset(dst, 0xaa, sizeof(dst));
	CU_ASSERT_EQUAL(wire_cell_encode_fixed(dst, sizeof(dst), 3, 0x1234, WIRE_CELL_CMD_DESTROY,
					       reason, sizeof(reason)), 512);
	CU_ASSERT_EQUAL(memcmp(dst, destroy_v3, sizeof(destroy_v3)), 0);
}

static void
test_wire_cell_encode_fixed_zero_pads_empty_payload(void)
{
	static const uint8_t padding_v5[WIRE_CELL_LEN] = { 0x00, 0x00, 0x00, 0x00, 0x00 };
	uint8_t dst[WIRE_CELL_LEN];

	memset(dst, 0xaa, sizeof(dst));
	CU_ASSERT_EQUAL(wire_cell_encode_fixed(dst, sizeof(dst), 5, 0, WIRE_CELL_CMD_PADDING,
					       NULL, 0), 514);
	CU_ASSERT_EQUAL(memcmp(dst, padding_v5, sizeof(padding_v5)), 0);
}

static void
test_wire_cell_encode_fixed_accepts_payload_in_place(void)
{
	uint8_t dst[WIRE_CELL_LEN];

	memset(dst, 0xaa, sizeof(dst));
	memcpy(dst + 5, create_fast_x, sizeof(create_fast_x));
	CU_ASSERT_EQUAL(wire_cell_encode_fixed(dst, sizeof(dst), 4, 0x80000001u,
					       WIRE_CELL_CMD_CREATE_FAST, dst + 5,
					       sizeof(create_fast_x)), 514);
	CU_ASSERT_EQUAL(memcmp(dst, create_fast_v4, sizeof(create_fast_v4)), 0);
}

static void
test_wire_cell_encode_fixed_hdr_writes_only_the_header(void)
{
	static const uint8_t expect[] = { 0x80, 0x00, 0x00, 0x01, 0x03, 0xaa };
	uint8_t dst[sizeof(expect)];

	memset(dst, 0xaa, sizeof(dst));
	CU_ASSERT_EQUAL(wire_cell_encode_fixed_hdr(dst, sizeof(dst), 4, 0x80000001u,
						   WIRE_CELL_CMD_RELAY), 5);
	CU_ASSERT_EQUAL(memcmp(dst, expect, sizeof(expect)), 0);
}

static void
test_wire_cell_encodes_initial_versions(void)
{
	uint8_t dst[sizeof(versions_initial)];

	CU_ASSERT_EQUAL(wire_cell_encode_var(dst, sizeof(dst), 0, 0, WIRE_CELL_CMD_VERSIONS,
					     versions_body, sizeof(versions_body)), 11);
	CU_ASSERT_EQUAL(memcmp(dst, versions_initial, sizeof(versions_initial)), 0);
}

static void
test_wire_cell_encodes_link4_certs_var_cell(void)
{
	uint8_t dst[sizeof(certs_v4)];

	CU_ASSERT_EQUAL(wire_cell_encode_var(dst, sizeof(dst), 4, 0, WIRE_CELL_CMD_CERTS,
					     certs_body, sizeof(certs_body)), 13);
	CU_ASSERT_EQUAL(memcmp(dst, certs_v4, sizeof(certs_v4)), 0);
}

static void
test_wire_cell_encodes_link4_certs_var_header(void)
{
	uint8_t dst[8];

	memset(dst, 0xaa, sizeof(dst));
	CU_ASSERT_EQUAL(wire_cell_encode_var_hdr(dst, sizeof(dst), 4, 0, WIRE_CELL_CMD_CERTS, 263),
			7);
	CU_ASSERT_EQUAL(memcmp(dst, certs_v4_hdr_len263, sizeof(certs_v4_hdr_len263)), 0);
	CU_ASSERT_EQUAL(dst[7], 0xaa);
}

static void
test_wire_cell_fixed_round_trip(void)
{
	static const struct {
		uint16_t link;
		uint32_t circ_id;
		uint8_t cmd;
		size_t payload_len;
		int cell_len;
	} cases[] = {
		{ 3, 0x0001, WIRE_CELL_CMD_RELAY, 509, 512 },
		{ 3, 0xffff, WIRE_CELL_CMD_DESTROY, 1, 512 },
		{ 4, 0x80000001u, WIRE_CELL_CMD_CREATE2, 84, 514 },
		{ 5, 0xffffffffu, WIRE_CELL_CMD_NETINFO, 0, 514 },
	};
	uint8_t payload[WIRE_CELL_PAYLOAD_LEN];
	uint8_t expect[WIRE_CELL_PAYLOAD_LEN];
	uint8_t cell[WIRE_CELL_LEN];
	struct wire_cell c;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		fill_pattern(payload, sizeof(payload), (uint8_t)i);
		memset(expect, 0, sizeof(expect));
		memcpy(expect, payload, cases[i].payload_len);
		CU_ASSERT_EQUAL(wire_cell_encode_fixed(cell, sizeof(cell), cases[i].link,
						       cases[i].circ_id, cases[i].cmd, payload,
						       cases[i].payload_len), cases[i].cell_len);
		CU_ASSERT_EQUAL(wire_cell_decode(cell, sizeof(cell), cases[i].link, &c),
				cases[i].cell_len);
		CU_ASSERT_EQUAL(c.circ_id, cases[i].circ_id);
		CU_ASSERT_EQUAL(c.cmd, cases[i].cmd);
		CU_ASSERT_EQUAL(c.payload_len, WIRE_CELL_PAYLOAD_LEN);
		CU_ASSERT_EQUAL(memcmp(c.payload, expect, sizeof(expect)), 0);
	}
}

static void
test_wire_cell_var_round_trip(void)
{
	static const struct {
		uint16_t link;
		uint32_t circ_id;
		uint8_t cmd;
		size_t payload_len;
		int cell_len;
	} cases[] = {
		{ 0, 0, WIRE_CELL_CMD_VERSIONS, 6, 11 },
		{ 3, 0xffff, WIRE_CELL_CMD_VPADDING, 0, 5 },
		{ 4, 0x12345678u, WIRE_CELL_CMD_AUTHENTICATE, 300, 307 },
		{ 5, 0xffffffffu, WIRE_CELL_CMD_CERTS, 65535, 65542 },
	};
	struct wire_cell c;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		fill_pattern(big_payload, cases[i].payload_len, (uint8_t)(i + 1));
		CU_ASSERT_EQUAL(wire_cell_encode_var(big_cell, sizeof(big_cell), cases[i].link,
						     cases[i].circ_id, cases[i].cmd, big_payload,
						     cases[i].payload_len), cases[i].cell_len);
		CU_ASSERT_EQUAL(wire_cell_decode(big_cell, sizeof(big_cell), cases[i].link, &c),
				cases[i].cell_len);
		CU_ASSERT_EQUAL(c.circ_id, cases[i].circ_id);
		CU_ASSERT_EQUAL(c.cmd, cases[i].cmd);
		CU_ASSERT_EQUAL(c.payload_len, cases[i].payload_len);
		CU_ASSERT_EQUAL(memcmp(c.payload, big_payload, cases[i].payload_len), 0);
	}
}

static void
test_wire_cell_encode_fixed_rejects_circ_id_too_wide_for_2byte_link(void)
{
	uint8_t dst[WIRE_CELL_LEN];

	CU_ASSERT_EQUAL(wire_cell_encode_fixed(dst, sizeof(dst), 3, 0x10000, WIRE_CELL_CMD_CREATE,
					       NULL, 0), -ERANGE);
}

static void
test_wire_cell_encode_var_rejects_circ_id_too_wide_for_2byte_link(void)
{
	uint8_t dst[16];

	CU_ASSERT_EQUAL(wire_cell_encode_var(dst, sizeof(dst), 0, 0x10000, WIRE_CELL_CMD_VERSIONS,
					     versions_body, sizeof(versions_body)), -ERANGE);
	CU_ASSERT_EQUAL(wire_cell_encode_var(dst, sizeof(dst), 3, 0x80000000u,
					     WIRE_CELL_CMD_VPADDING, NULL, 0), -ERANGE);
}

static void
test_wire_cell_encode_fixed_rejects_var_command(void)
{
	static const struct {
		uint16_t link;
		uint8_t cmd;
	} cases[] = {
		{ 3, WIRE_CELL_CMD_VERSIONS },
		{ 4, WIRE_CELL_CMD_VERSIONS },
		{ 3, WIRE_CELL_CMD_VPADDING },
		{ 4, WIRE_CELL_CMD_CERTS },
		{ 5, WIRE_CELL_CMD_AUTHORIZE },
	};
	uint8_t dst[WIRE_CELL_LEN];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		CU_ASSERT_EQUAL(wire_cell_encode_fixed(dst, sizeof(dst), cases[i].link, 1,
						       cases[i].cmd, NULL, 0), -EINVAL);
}

static void
test_wire_cell_encode_fixed_hdr_rejects_var_command(void)
{
	uint8_t dst[WIRE_CELL_HDR_LEN(4)];

	CU_ASSERT_EQUAL(wire_cell_encode_fixed_hdr(dst, sizeof(dst), 4, 1, WIRE_CELL_CMD_CERTS),
			-EINVAL);
}

static void
test_wire_cell_encode_var_rejects_fixed_command(void)
{
	uint8_t dst[64];

	CU_ASSERT_EQUAL(wire_cell_encode_var(dst, sizeof(dst), 4, 1, WIRE_CELL_CMD_RELAY, NULL, 0),
			-EINVAL);
	CU_ASSERT_EQUAL(wire_cell_encode_var(dst, sizeof(dst), 0, 0, WIRE_CELL_CMD_CREATE_FAST,
					     NULL, 0), -EINVAL);
}

static void
test_wire_cell_encode_fixed_rejects_link_0(void)
{
	uint8_t dst[WIRE_CELL_LEN];

	CU_ASSERT_EQUAL(wire_cell_encode_fixed(dst, sizeof(dst), 0, 0, WIRE_CELL_CMD_PADDING,
					       NULL, 0), -EINVAL);
}

static void
test_wire_cell_encode_rejects_unsupported_link_version(void)
{
	static const uint16_t bad[] = { 1, 2, 6, 0xffff };
	uint8_t dst[WIRE_CELL_LEN];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		CU_ASSERT_EQUAL(wire_cell_encode_fixed(dst, sizeof(dst), bad[i], 0,
						       WIRE_CELL_CMD_PADDING, NULL, 0), -EINVAL);
		CU_ASSERT_EQUAL(wire_cell_encode_var(dst, sizeof(dst), bad[i], 0,
						     WIRE_CELL_CMD_VERSIONS, NULL, 0), -EINVAL);
	}
}

static void
test_wire_cell_encode_fixed_rejects_payload_over_509(void)
{
	uint8_t payload[WIRE_CELL_PAYLOAD_LEN + 1] = { 0 };
	uint8_t dst[WIRE_CELL_LEN + 1];

	CU_ASSERT_EQUAL(wire_cell_encode_fixed(dst, sizeof(dst), 4, 1, WIRE_CELL_CMD_RELAY,
					       payload, sizeof(payload)), -EMSGSIZE);
}

static void
test_wire_cell_encode_var_rejects_payload_over_65535(void)
{
	CU_ASSERT_EQUAL(wire_cell_encode_var(big_cell, sizeof(big_cell), 4, 0,
					     WIRE_CELL_CMD_VPADDING, big_payload,
					     WIRE_VAR_CELL_PAYLOAD_MAX + 1), -EMSGSIZE);
}

static void
test_wire_cell_encode_fixed_rejects_small_dst(void)
{
	uint8_t dst[WIRE_CELL_LEN];

	CU_ASSERT_EQUAL(wire_cell_encode_fixed(dst, WIRE_CELL_LEN - 1, 4, 1, WIRE_CELL_CMD_PADDING,
					       NULL, 0), -ENOBUFS);
	CU_ASSERT_EQUAL(wire_cell_encode_fixed(dst, WIRE_CELL_LEN_V3 - 1, 3, 1,
					       WIRE_CELL_CMD_PADDING, NULL, 0), -ENOBUFS);
}

static void
test_wire_cell_encode_fixed_leaves_dst_untouched_on_error(void)
{
	uint8_t dst[WIRE_CELL_LEN];
	uint8_t before[WIRE_CELL_LEN];

	memset(dst, 0xaa, sizeof(dst));
	memcpy(before, dst, sizeof(dst));
	CU_ASSERT_EQUAL(wire_cell_encode_fixed(dst, sizeof(dst) - 1, 4, 1, WIRE_CELL_CMD_PADDING,
					       NULL, 0), -ENOBUFS);
	CU_ASSERT_EQUAL(memcmp(dst, before, sizeof(dst)), 0);
}

static void
test_wire_cell_encode_var_rejects_small_dst(void)
{
	uint8_t dst[sizeof(certs_v4)];

	CU_ASSERT_EQUAL(wire_cell_encode_var(dst, sizeof(dst) - 1, 4, 0, WIRE_CELL_CMD_CERTS,
					     certs_body, sizeof(certs_body)), -ENOBUFS);
}

static void
test_wire_cell_encode_var_hdr_rejects_small_dst(void)
{
	uint8_t dst[WIRE_VAR_CELL_HDR_LEN(4)];

	CU_ASSERT_EQUAL(wire_cell_encode_var_hdr(dst, sizeof(dst) - 1, 4, 0, WIRE_CELL_CMD_CERTS,
						 0), -ENOBUFS);
}

static void
test_wire_versions_decodes_list_in_order(void)
{
	uint16_t v[8];
	size_t n = 99;

	CU_ASSERT_EQUAL(wire_versions_decode(versions_body, sizeof(versions_body), v,
					     ARRAY_SIZE(v), &n), 0);
	CU_ASSERT_EQUAL(n, 3);
	CU_ASSERT_EQUAL(v[0], 3);
	CU_ASSERT_EQUAL(v[1], 4);
	CU_ASSERT_EQUAL(v[2], 5);
}

static void
test_wire_versions_decodes_big_endian_values(void)
{
	static const uint8_t body[] = { 0x01, 0x02, 0xff, 0xfe };
	uint16_t v[2];
	size_t n = 99;

	CU_ASSERT_EQUAL(wire_versions_decode(body, sizeof(body), v, ARRAY_SIZE(v), &n), 0);
	CU_ASSERT_EQUAL(n, 2);
	CU_ASSERT_EQUAL(v[0], 0x0102);
	CU_ASSERT_EQUAL(v[1], 0xfffe);
}

static void
test_wire_versions_decodes_empty_list(void)
{
	uint16_t v[1];
	size_t n = 99;

	CU_ASSERT_EQUAL(wire_versions_decode(NULL, 0, v, ARRAY_SIZE(v), &n), 0);
	CU_ASSERT_EQUAL(n, 0);
}

static void
test_wire_versions_rejects_odd_length(void)
{
	static const size_t odd[] = { 1, 3, 5 };
	uint16_t v[8];
	size_t n;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(odd); i++) {
		n = 99;
		CU_ASSERT_EQUAL(wire_versions_decode(versions_body, odd[i], v, ARRAY_SIZE(v), &n),
				-EPROTO);
		CU_ASSERT_EQUAL(n, 0);
	}
}

static void
test_wire_versions_rejects_list_longer_than_max(void)
{
	uint16_t v[2];
	size_t n = 99;

	CU_ASSERT_EQUAL(wire_versions_decode(versions_body, sizeof(versions_body), v,
					     ARRAY_SIZE(v), &n), -ENOBUFS);
	CU_ASSERT_EQUAL(n, 0);
}

static void
test_wire_versions_encodes_list(void)
{
	static const uint16_t ours[] = { 3, 4, 5 };
	uint8_t dst[sizeof(versions_body)];

	CU_ASSERT_EQUAL(wire_versions_encode(dst, sizeof(dst), ours, ARRAY_SIZE(ours)), 6);
	CU_ASSERT_EQUAL(memcmp(dst, versions_body, sizeof(versions_body)), 0);
}

static void
test_wire_versions_encode_rejects_small_dst(void)
{
	static const uint16_t ours[] = { 3, 4, 5 };
	uint8_t dst[5];

	CU_ASSERT_EQUAL(wire_versions_encode(dst, sizeof(dst), ours, ARRAY_SIZE(ours)), -ENOBUFS);
}

static void
test_wire_versions_highest_common_picks_highest_shared(void)
{
	static const uint16_t ours[] = { 3, 4, 5 };
	static const struct {
		uint16_t theirs[4];
		size_t n;
		uint16_t expect;
	} cases[] = {
		{ { 3, 4, 5 }, 3, 5 },
		{ { 5, 4, 3 }, 3, 5 },
		{ { 3, 4 }, 2, 4 },
		{ { 2, 3 }, 2, 3 },
		{ { 4, 9, 1, 2 }, 4, 4 },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		CU_ASSERT_EQUAL(wire_versions_highest_common(ours, ARRAY_SIZE(ours), cases[i].theirs,
							     cases[i].n), cases[i].expect);
}

static void
test_wire_versions_highest_common_ignores_order_of_ours(void)
{
	static const uint16_t ours[] = { 5, 3, 4 };
	static const uint16_t theirs[] = { 4, 3 };

	CU_ASSERT_EQUAL(wire_versions_highest_common(ours, ARRAY_SIZE(ours), theirs,
						     ARRAY_SIZE(theirs)), 4);
}

static void
test_wire_versions_highest_common_returns_0_when_disjoint(void)
{
	static const uint16_t ours[] = { 3, 4, 5 };
	static const uint16_t theirs[] = { 1, 2, 6 };

	CU_ASSERT_EQUAL(wire_versions_highest_common(ours, ARRAY_SIZE(ours), theirs,
						     ARRAY_SIZE(theirs)), 0);
	CU_ASSERT_EQUAL(wire_versions_highest_common(ours, ARRAY_SIZE(ours), NULL, 0), 0);
}

static CU_TestInfo wire_cell_tests[] = {
	{ "cmd_values_match_spec", test_wire_cell_cmd_values_match_spec },
	{ "sizes_match_spec", test_wire_cell_sizes_match_spec },
	{ "circ_id_len_is_2_before_link_4", test_wire_circ_id_len_is_2_before_link_4 },
	{ "circ_id_len_is_4_from_link_4", test_wire_circ_id_len_is_4_from_link_4 },
	{ "link_version_supported_set_is_0_3_4_5",
	  test_wire_link_version_supported_set_is_0_3_4_5 },
	{ "cmd_versions_is_var_on_every_link", test_wire_cell_cmd_versions_is_var_on_every_link },
	{ "cmd_128_and_up_is_var_from_link_3_and_before_versions",
	  test_wire_cell_cmd_128_and_up_is_var_from_link_3_and_before_versions },
	{ "cmd_128_and_up_is_fixed_on_links_1_and_2",
	  test_wire_cell_cmd_128_and_up_is_fixed_on_links_1_and_2 },
	{ "cmd_below_128_except_versions_is_fixed",
	  test_wire_cell_cmd_below_128_except_versions_is_fixed },
	{ "decodes_link4_create_fast", test_wire_cell_decodes_link4_create_fast },
	{ "decodes_link3_fixed_with_2byte_circ_id",
	  test_wire_cell_decodes_link3_fixed_with_2byte_circ_id },
	{ "decodes_initial_versions_before_negotiation",
	  test_wire_cell_decodes_initial_versions_before_negotiation },
	{ "decodes_versions_with_4byte_circ_id_on_link_4",
	  test_wire_cell_decodes_versions_with_4byte_circ_id_on_link_4 },
	{ "decodes_vpadding_before_negotiation",
	  test_wire_cell_decodes_vpadding_before_negotiation },
	{ "decodes_link4_certs_var_cell", test_wire_cell_decodes_link4_certs_var_cell },
	{ "decodes_var_cell_with_zero_length", test_wire_cell_decodes_var_cell_with_zero_length },
	{ "decodes_unknown_fixed_command", test_wire_cell_decodes_unknown_fixed_command },
	{ "decode_consumes_only_the_first_cell",
	  test_wire_cell_decode_consumes_only_the_first_cell },
	{ "decode_needs_more_for_every_truncated_fixed_cell",
	  test_wire_cell_decode_needs_more_for_every_truncated_fixed_cell },
	{ "decode_needs_more_for_every_truncated_link3_fixed_cell",
	  test_wire_cell_decode_needs_more_for_every_truncated_link3_fixed_cell },
	{ "decode_needs_more_for_every_truncated_var_cell",
	  test_wire_cell_decode_needs_more_for_every_truncated_var_cell },
	{ "decode_needs_more_for_every_truncated_initial_versions",
	  test_wire_cell_decode_needs_more_for_every_truncated_initial_versions },
	{ "decode_needs_more_when_var_length_exceeds_buffer",
	  test_wire_cell_decode_needs_more_when_var_length_exceeds_buffer },
	{ "decode_leaves_out_untouched_when_needing_more",
	  test_wire_cell_decode_leaves_out_untouched_when_needing_more },
	{ "decode_rejects_unsupported_link_version",
	  test_wire_cell_decode_rejects_unsupported_link_version },
	{ "decode_rejects_unsupported_link_version_on_empty_buffer",
	  test_wire_cell_decode_rejects_unsupported_link_version_on_empty_buffer },
	{ "decode_rejects_fixed_cell_before_negotiation",
	  test_wire_cell_decode_rejects_fixed_cell_before_negotiation },
	{ "encodes_link4_create_fast", test_wire_cell_encodes_link4_create_fast },
	{ "encodes_link3_fixed_with_2byte_circ_id",
	  test_wire_cell_encodes_link3_fixed_with_2byte_circ_id },
	{ "encode_fixed_zero_pads_empty_payload",
	  test_wire_cell_encode_fixed_zero_pads_empty_payload },
	{ "encode_fixed_accepts_payload_in_place",
	  test_wire_cell_encode_fixed_accepts_payload_in_place },
	{ "encode_fixed_hdr_writes_only_the_header",
	  test_wire_cell_encode_fixed_hdr_writes_only_the_header },
	{ "encodes_initial_versions", test_wire_cell_encodes_initial_versions },
	{ "encodes_link4_certs_var_cell", test_wire_cell_encodes_link4_certs_var_cell },
	{ "encodes_link4_certs_var_header", test_wire_cell_encodes_link4_certs_var_header },
	{ "fixed_round_trip", test_wire_cell_fixed_round_trip },
	{ "var_round_trip", test_wire_cell_var_round_trip },
	{ "encode_fixed_rejects_circ_id_too_wide_for_2byte_link",
	  test_wire_cell_encode_fixed_rejects_circ_id_too_wide_for_2byte_link },
	{ "encode_var_rejects_circ_id_too_wide_for_2byte_link",
	  test_wire_cell_encode_var_rejects_circ_id_too_wide_for_2byte_link },
	{ "encode_fixed_rejects_var_command", test_wire_cell_encode_fixed_rejects_var_command },
	{ "encode_fixed_hdr_rejects_var_command",
	  test_wire_cell_encode_fixed_hdr_rejects_var_command },
	{ "encode_var_rejects_fixed_command", test_wire_cell_encode_var_rejects_fixed_command },
	{ "encode_fixed_rejects_link_0", test_wire_cell_encode_fixed_rejects_link_0 },
	{ "encode_rejects_unsupported_link_version",
	  test_wire_cell_encode_rejects_unsupported_link_version },
	{ "encode_fixed_rejects_payload_over_509",
	  test_wire_cell_encode_fixed_rejects_payload_over_509 },
	{ "encode_var_rejects_payload_over_65535",
	  test_wire_cell_encode_var_rejects_payload_over_65535 },
	{ "encode_fixed_rejects_small_dst", test_wire_cell_encode_fixed_rejects_small_dst },
	{ "encode_fixed_leaves_dst_untouched_on_error",
	  test_wire_cell_encode_fixed_leaves_dst_untouched_on_error },
	{ "encode_var_rejects_small_dst", test_wire_cell_encode_var_rejects_small_dst },
	{ "encode_var_hdr_rejects_small_dst", test_wire_cell_encode_var_hdr_rejects_small_dst },
	{ "versions_decodes_list_in_order", test_wire_versions_decodes_list_in_order },
	{ "versions_decodes_big_endian_values", test_wire_versions_decodes_big_endian_values },
	{ "versions_decodes_empty_list", test_wire_versions_decodes_empty_list },
	{ "versions_rejects_odd_length", test_wire_versions_rejects_odd_length },
	{ "versions_rejects_list_longer_than_max",
	  test_wire_versions_rejects_list_longer_than_max },
	{ "versions_encodes_list", test_wire_versions_encodes_list },
	{ "versions_encode_rejects_small_dst", test_wire_versions_encode_rejects_small_dst },
	{ "versions_highest_common_picks_highest_shared",
	  test_wire_versions_highest_common_picks_highest_shared },
	{ "versions_highest_common_ignores_order_of_ours",
	  test_wire_versions_highest_common_ignores_order_of_ours },
	{ "versions_highest_common_returns_0_when_disjoint",
	  test_wire_versions_highest_common_returns_0_when_disjoint },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_wire_cell = {
	.pName = "common/wire_cell",
	.pTests = wire_cell_tests,
};
