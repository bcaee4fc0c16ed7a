/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief CUnit suite "common/wire_create": CREATE2/CREATED2, EXTEND2/EXTENDED2, reasons.
 *
 * Every expected byte string is written out by hand from tor-spec.txt:
 *   - §5.1 CREATE2 = HTYPE(2) HLEN(2) HDATA, CREATED2 = HLEN(2) HDATA, in a
 *     509-byte payload padded with zeros;
 *   - §5.3 EXTENDED2 = the CREATED2 body, in relay data (at most 498 bytes);
 *   - §5.1.2 EXTEND2 = NSPEC(1), NSPEC x { LSTYPE(1) LSLEN(1) LSPEC }, then
 *     HTYPE(2) HLEN(2) HDATA; LSPEC is IPv4 addr(4) port(2) [00],
 *     IPv6 addr(16) port(2) [01], RSA id(20) [02], Ed25519 id(32) [03];
 *   - §5.4 the 13 DESTROY reasons.
 * All integers are big-endian (§0.1.1). The handshake bytes are a counting
 * pattern (00 01 02 ...) so that a misplaced byte shows.
 *
 * The malformed cases follow what tor does (src/core/or/onion.c and the
 * trunnel parser for extend2_cell_body): wrong known lengths, truncation at
 * every byte, HLEN overflow and repeated identities are refused; repeated
 * addresses keep the first; unknown specifiers and trailing bytes are
 * skipped. Truncated inputs are copied into exact-size heap buffers, so a
 * sanitizer build catches any read past the given length.
 */
#include "tests/suites.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/base/compiler.h"
#include "common/wire/wire_create.h"
#include "common/wire/wire_relay.h"

#define PAYLOAD_LEN 509
/* Room for relay data one byte too long (499) plus slack. */
#define BIG_BUF 600

/* ntor client handshake stand-in (HLEN 84 = 0x54): bytes 00 .. 53. */
static const uint8_t onionskin[WIRE_NTOR_ONIONSKIN_LEN] = {
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b,
	0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
	0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x21, 0x22, 0x23,
	0x24, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f,
	0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x3b,
	0x3c, 0x3d, 0x3e, 0x3f, 0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47,
	0x48, 0x49, 0x4a, 0x4b, 0x4c, 0x4d, 0x4e, 0x4f, 0x50, 0x51, 0x52, 0x53,
};

/* ntor server reply stand-in (HLEN 64 = 0x40): bytes 00 .. 3f. */
static const uint8_t reply[WIRE_NTOR_REPLY_LEN] = {
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b,
	0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
	0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x21, 0x22, 0x23,
	0x24, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f,
	0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x3b,
	0x3c, 0x3d, 0x3e, 0x3f,
};

/* CREATE2 payload (§5.1): HTYPE 0002 (ntor), HLEN 0054, the onion skin,
 * then zeros to 509 bytes. */
static const uint8_t create2_ntor[PAYLOAD_LEN] = {
	0x00, 0x02, 0x00, 0x54,
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b,
	0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
	0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x21, 0x22, 0x23,
	0x24, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f,
	0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x3b,
	0x3c, 0x3d, 0x3e, 0x3f, 0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47,
	0x48, 0x49, 0x4a, 0x4b, 0x4c, 0x4d, 0x4e, 0x4f, 0x50, 0x51, 0x52, 0x53,
};

/* CREATED2 payload (§5.1): HLEN 0040, the reply, then zeros. */
static const uint8_t created2_ntor[PAYLOAD_LEN] = {
	0x00, 0x40,
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b,
	0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
	0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x21, 0x22, 0x23,
	0x24, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f,
	0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x3b,
	0x3c, 0x3d, 0x3e, 0x3f,
};

/* EXTENDED2 relay data (§5.3): the CREATED2 body without padding, 66 bytes. */
static const uint8_t extended2_ntor[2 + WIRE_NTOR_REPLY_LEN] = {
	0x00, 0x40,
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b,
	0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
	0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x21, 0x22, 0x23,
	0x24, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f,
	0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x3b,
	0x3c, 0x3d, 0x3e, 0x3f,
};

/* Byte offsets inside extend2_full, for the malformed variants. */
#define X2_OFF_IPV4 1		/* 00 06 addr port */
#define X2_OFF_LEGACY 9		/* 02 14 id */
#define X2_OFF_ED 31		/* 03 20 id */
#define X2_OFF_IPV6 65		/* 01 12 addr port */
#define X2_OFF_HTYPE 85
#define X2_OFF_HLEN 87
#define X2_OFF_HDATA 89
#define X2_FULL_LEN 173		/* 89 + 84 */

/*
 * EXTEND2 relay data (§5.1.2) with all four specifiers in the order the spec
 * asks senders to use, [00] [02] [03] [01]:
 *   NSPEC 04
 *   00 06  c0 00 02 01  23 29     IPv4 192.0.2.1, ORPort 9001
 *   02 14  a0 .. b3               RSA identity digest (20 bytes)
 *   03 20  c0 .. df               Ed25519 identity (32 bytes)
 *   01 12  2001:0db8::1  01 bb    IPv6 [2001:db8::1], ORPort 443
 *   00 02  00 54  00 .. 53        HTYPE ntor, HLEN 84, HDATA
 */
static const uint8_t extend2_full[X2_FULL_LEN] = {
	0x04,
	0x00, 0x06, 0xc0, 0x00, 0x02, 0x01, 0x23, 0x29,
	0x02, 0x14,
	0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9,
	0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf, 0xb0, 0xb1, 0xb2, 0xb3,
	0x03, 0x20,
	0xc0, 0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7,
	0xc8, 0xc9, 0xca, 0xcb, 0xcc, 0xcd, 0xce, 0xcf,
	0xd0, 0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7,
	0xd8, 0xd9, 0xda, 0xdb, 0xdc, 0xdd, 0xde, 0xdf,
	0x01, 0x12,
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x01, 0xbb,
	0x00, 0x02, 0x00, 0x54,
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b,
	0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
	0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x21, 0x22, 0x23,
	0x24, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f,
	0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x3b,
	0x3c, 0x3d, 0x3e, 0x3f, 0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47,
	0x48, 0x49, 0x4a, 0x4b, 0x4c, 0x4d, 0x4e, 0x4f, 0x50, 0x51, 0x52, 0x53,
};

/* The same body with the specifiers in the order [01] [03] [02] [00]. */
static const uint8_t extend2_reversed[X2_FULL_LEN] = {
	0x04,
	0x01, 0x12,
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x01, 0xbb,
	0x03, 0x20,
	0xc0, 0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7,
	0xc8, 0xc9, 0xca, 0xcb, 0xcc, 0xcd, 0xce, 0xcf,
	0xd0, 0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7,
	0xd8, 0xd9, 0xda, 0xdb, 0xdc, 0xdd, 0xde, 0xdf,
	0x02, 0x14,
	0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9,
	0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf, 0xb0, 0xb1, 0xb2, 0xb3,
	0x00, 0x06, 0xc0, 0x00, 0x02, 0x01, 0x23, 0x29,
	0x00, 0x02, 0x00, 0x54,
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b,
	0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
	0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x21, 0x22, 0x23,
	0x24, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f,
	0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x3b,
	0x3c, 0x3d, 0x3e, 0x3f, 0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47,
	0x48, 0x49, 0x4a, 0x4b, 0x4c, 0x4d, 0x4e, 0x4f, 0x50, 0x51, 0x52, 0x53,
};

/* What tor itself sends by default (onion.c, extend_cell_format(), without
 * ExtendByEd25519ID): IPv4 then legacy id, HTYPE 0003 (ntor-v3) with a
 * 4-byte stand-in handshake.
 *   02  00 06 0a 00 00 01 01 bb  02 14 11 x 20  00 03 00 04 de ad be ef */
static const uint8_t extend2_tor_default[1 + 8 + 22 + 8] = {
	0x02,
	0x00, 0x06, 0x0a, 0x00, 0x00, 0x01, 0x01, 0xbb,
	0x02, 0x14,
	0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
	0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
	0x00, 0x03, 0x00, 0x04, 0xde, 0xad, 0xbe, 0xef,
};

static const uint8_t ipv6_doc[16] = {
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,
};

/* The decoded form of extend2_full. */
static void
extend2_full_struct(struct wire_extend2 *x)
{
	memset(x, 0, sizeof(*x));
	x->has_ipv4 = 1;
	x->ipv4_addr = 0xc0000201u;
	x->ipv4_port = 9001;
	x->has_legacy_id = 1;
	for (int i = 0; i < 20; i++)
		x->legacy_id[i] = (uint8_t)(0xa0 + i);
	x->has_ed_id = 1;
	for (int i = 0; i < 32; i++)
		x->ed_id[i] = (uint8_t)(0xc0 + i);
	x->has_ipv6 = 1;
	memcpy(x->ipv6_addr, ipv6_doc, sizeof(ipv6_doc));
	x->ipv6_port = 443;
	x->htype = WIRE_HTYPE_NTOR;
	x->hlen = sizeof(onionskin);
	x->hdata = onionskin;
}

/* Decode @p len bytes of @p src from an exact-size heap copy. */
static int
extend2_decode_exact(const uint8_t *src, size_t len, struct wire_extend2 *out)
{
	uint8_t *b = malloc(len != 0 ? len : 1);
	int rc;

	if (b == NULL)
		return -ENOMEM;
	memcpy(b, src, len);
	rc = wire_extend2_decode(b, len, out);
	free(b);
	return rc;
}

static int
extended2_decode_exact(const uint8_t *src, size_t len, struct wire_created2 *out)
{
	uint8_t *b = malloc(len != 0 ? len : 1);
	int rc;

	if (b == NULL)
		return -ENOMEM;
	memcpy(b, src, len);
	rc = wire_extended2_decode(b, len, out);
	free(b);
	return rc;
}

/* ---- constants and reasons ---- */

static void
test_wire_create_constants_match_spec(void)
{
	CU_ASSERT_EQUAL(WIRE_HTYPE_TAP, 0);
	CU_ASSERT_EQUAL(WIRE_HTYPE_FAST, 1);
	CU_ASSERT_EQUAL(WIRE_HTYPE_NTOR, 2);
	CU_ASSERT_EQUAL(WIRE_HTYPE_NTOR_V3, 3);
	CU_ASSERT_EQUAL(WIRE_LSPEC_IPV4, 0);
	CU_ASSERT_EQUAL(WIRE_LSPEC_IPV6, 1);
	CU_ASSERT_EQUAL(WIRE_LSPEC_LEGACY_ID, 2);
	CU_ASSERT_EQUAL(WIRE_LSPEC_ED25519_ID, 3);
	CU_ASSERT_EQUAL(WIRE_CREATE2_HDATA_MAX, 505);
	CU_ASSERT_EQUAL(WIRE_CREATED2_HDATA_MAX, 507);
	CU_ASSERT_EQUAL(WIRE_EXTENDED2_HDATA_MAX, 496);
	CU_ASSERT_EQUAL(WIRE_NTOR_ONIONSKIN_LEN, 84);
	CU_ASSERT_EQUAL(WIRE_NTOR_REPLY_LEN, 64);
	CU_ASSERT_EQUAL(WIRE_CREATE_FAST_LEN, 20);
	CU_ASSERT_EQUAL(WIRE_CREATED_FAST_LEN, 40);
}

static void
test_wire_create_destroy_reason_names_match_spec(void)
{
	/* tor-spec.txt §5.4, codes 0 .. 12. */
	static const struct {
		unsigned code;
		unsigned value;
		const char *name;
	} cases[] = {
		{ 0, WIRE_DESTROY_NONE, "none" },
		{ 1, WIRE_DESTROY_PROTOCOL, "protocol" },
		{ 2, WIRE_DESTROY_INTERNAL, "internal" },
		{ 3, WIRE_DESTROY_REQUESTED, "requested" },
		{ 4, WIRE_DESTROY_HIBERNATING, "hibernating" },
		{ 5, WIRE_DESTROY_RESOURCELIMIT, "resourcelimit" },
		{ 6, WIRE_DESTROY_CONNECTFAILED, "connectfailed" },
		{ 7, WIRE_DESTROY_OR_IDENTITY, "or_identity" },
		{ 8, WIRE_DESTROY_CHANNEL_CLOSED, "channel_closed" },
		{ 9, WIRE_DESTROY_FINISHED, "finished" },
		{ 10, WIRE_DESTROY_TIMEOUT, "timeout" },
		{ 11, WIRE_DESTROY_DESTROYED, "destroyed" },
		{ 12, WIRE_DESTROY_NOSUCHSERVICE, "nosuchservice" },
	};

	CU_ASSERT_EQUAL(WIRE_DESTROY_REASON_MAX, 12);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		CU_ASSERT_EQUAL(cases[i].code, cases[i].value);
		CU_ASSERT_STRING_EQUAL(wire_destroy_reason_name(cases[i].code), cases[i].name);
	}
}

static void
test_wire_create_destroy_reason_name_unknown_above_12(void)
{
	static const unsigned codes[] = { 13, 255, 0x10000u, ~0u };

	for (size_t i = 0; i < ARRAY_SIZE(codes); i++)
		CU_ASSERT_STRING_EQUAL(wire_destroy_reason_name(codes[i]), "unknown");
}

/* ---- CREATE2 ---- */

static void
test_wire_create2_decodes_ntor(void)
{
	struct wire_create2 c;

	CU_ASSERT_EQUAL_FATAL(wire_create2_decode(create2_ntor, PAYLOAD_LEN, &c), 0);
	CU_ASSERT_EQUAL(c.htype, WIRE_HTYPE_NTOR);
	CU_ASSERT_EQUAL(c.hlen, 84);
	CU_ASSERT_PTR_EQUAL(c.hdata, create2_ntor + 4);
	CU_ASSERT_EQUAL(memcmp(c.hdata, onionskin, sizeof(onionskin)), 0);
}

static void
test_wire_create2_decode_leaves_htype_to_caller(void)
{
	/* TAP (0), CREATE_FAST (1) and unknown types decode; refusing them is
	 * the circuit layer's job (relay-checklist C1). */
	static const uint8_t htypes[][2] = { { 0x00, 0x00 }, { 0x00, 0x01 }, { 0x12, 0x34 } };
	uint8_t p[PAYLOAD_LEN];
	struct wire_create2 c;

	for (size_t i = 0; i < ARRAY_SIZE(htypes); i++) {
		memcpy(p, create2_ntor, sizeof(p));
		p[0] = htypes[i][0];
		p[1] = htypes[i][1];
		CU_ASSERT_EQUAL(wire_create2_decode(p, sizeof(p), &c), 0);
		CU_ASSERT_EQUAL(c.htype, (uint16_t)(htypes[i][0] << 8 | htypes[i][1]));
	}
}

static void
test_wire_create2_decode_accepts_hlen_505(void)
{
	uint8_t p[PAYLOAD_LEN] = { 0x00, 0x03, 0x01, 0xf9 };	/* HLEN 505 */
	struct wire_create2 c;

	CU_ASSERT_EQUAL(wire_create2_decode(p, sizeof(p), &c), 0);
	CU_ASSERT_EQUAL(c.hlen, 505);
}

static void
test_wire_create2_decode_rejects_hlen_over_505(void)
{
	static const uint8_t hlens[][2] = { { 0x01, 0xfa }, { 0x01, 0xfd }, { 0xff, 0xff } };
	uint8_t p[PAYLOAD_LEN];
	struct wire_create2 c;

	for (size_t i = 0; i < ARRAY_SIZE(hlens); i++) {
		memcpy(p, create2_ntor, sizeof(p));
		p[2] = hlens[i][0];
		p[3] = hlens[i][1];
		CU_ASSERT_EQUAL(wire_create2_decode(p, sizeof(p), &c), -EPROTO);
	}
}

static void
test_wire_create2_decode_rejects_len_not_509(void)
{
	static const size_t lens[] = { 0, 4, 508, 510, 514 };
	uint8_t p[BIG_BUF];
	struct wire_create2 c;

	memcpy(p, create2_ntor, PAYLOAD_LEN);
	for (size_t i = 0; i < ARRAY_SIZE(lens); i++)
		CU_ASSERT_EQUAL(wire_create2_decode(p, lens[i], &c), -EINVAL);
}

static void
test_wire_create2_decode_leaves_out_untouched_on_error(void)
{
	uint8_t p[PAYLOAD_LEN];
	struct wire_create2 c = { .htype = 0x5a5a, .hlen = 0x5a5a, .hdata = NULL };

	memcpy(p, create2_ntor, sizeof(p));
	p[2] = 0xff;
	CU_ASSERT_EQUAL(wire_create2_decode(p, sizeof(p), &c), -EPROTO);
	CU_ASSERT_EQUAL(c.htype, 0x5a5a);
	CU_ASSERT_EQUAL(c.hlen, 0x5a5a);
	CU_ASSERT_PTR_NULL(c.hdata);
}

static void
test_wire_create2_encodes_ntor_and_zeroes_rest(void)
{
	uint8_t p[PAYLOAD_LEN];

	memset(p, 0xaa, sizeof(p));
	CU_ASSERT_EQUAL(wire_create2_encode(p, sizeof(p), WIRE_HTYPE_NTOR, onionskin,
					    sizeof(onionskin)), 0);
	CU_ASSERT_EQUAL(memcmp(p, create2_ntor, sizeof(p)), 0);
}

static void
test_wire_create2_encode_rejects_hlen_506(void)
{
	static const uint8_t big[506];
	uint8_t p[PAYLOAD_LEN];

	CU_ASSERT_EQUAL(wire_create2_encode(p, sizeof(p), WIRE_HTYPE_NTOR_V3, big, 506), -EMSGSIZE);
}

static void
test_wire_create2_encode_rejects_len_not_509(void)
{
	static const size_t lens[] = { 0, 4, 508, 510 };
	uint8_t p[BIG_BUF];

	for (size_t i = 0; i < ARRAY_SIZE(lens); i++)
		CU_ASSERT_EQUAL(wire_create2_encode(p, lens[i], WIRE_HTYPE_NTOR, onionskin,
						    sizeof(onionskin)), -EINVAL);
}

static void
test_wire_create2_round_trip(void)
{
	static const uint8_t big[WIRE_CREATE2_HDATA_MAX] = { 0x77 };
	static const struct {
		uint16_t htype;
		uint16_t hlen;
	} cases[] = { { 2, 0 }, { 2, 84 }, { 3, 200 }, { 0xffff, 505 } };
	uint8_t p[PAYLOAD_LEN];
	struct wire_create2 c;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		CU_ASSERT_EQUAL(wire_create2_encode(p, sizeof(p), cases[i].htype, big,
						    cases[i].hlen), 0);
		CU_ASSERT_EQUAL_FATAL(wire_create2_decode(p, sizeof(p), &c), 0);
		CU_ASSERT_EQUAL(c.htype, cases[i].htype);
		CU_ASSERT_EQUAL(c.hlen, cases[i].hlen);
		CU_ASSERT_EQUAL(memcmp(c.hdata, big, cases[i].hlen), 0);
	}
}

/* ---- CREATED2 ---- */

static void
test_wire_created2_decodes_ntor(void)
{
	struct wire_created2 c;

	CU_ASSERT_EQUAL_FATAL(wire_created2_decode(created2_ntor, PAYLOAD_LEN, &c), 0);
	CU_ASSERT_EQUAL(c.hlen, 64);
	CU_ASSERT_PTR_EQUAL(c.hdata, created2_ntor + 2);
	CU_ASSERT_EQUAL(memcmp(c.hdata, reply, sizeof(reply)), 0);
}

static void
test_wire_created2_decode_accepts_hlen_507(void)
{
	uint8_t p[PAYLOAD_LEN] = { 0x01, 0xfb };	/* HLEN 507 */
	struct wire_created2 c;

	CU_ASSERT_EQUAL(wire_created2_decode(p, sizeof(p), &c), 0);
	CU_ASSERT_EQUAL(c.hlen, 507);
}

static void
test_wire_created2_decode_rejects_hlen_over_507(void)
{
	static const uint8_t hlens[][2] = { { 0x01, 0xfc }, { 0x02, 0x00 }, { 0xff, 0xff } };
	uint8_t p[PAYLOAD_LEN];
	struct wire_created2 c = { .hlen = 0x5a5a };

	for (size_t i = 0; i < ARRAY_SIZE(hlens); i++) {
		memcpy(p, created2_ntor, sizeof(p));
		p[0] = hlens[i][0];
		p[1] = hlens[i][1];
		CU_ASSERT_EQUAL(wire_created2_decode(p, sizeof(p), &c), -EPROTO);
	}
	CU_ASSERT_EQUAL(c.hlen, 0x5a5a);
}

static void
test_wire_created2_decode_rejects_len_not_509(void)
{
	static const size_t lens[] = { 0, 2, 508, 510 };
	uint8_t p[BIG_BUF];
	struct wire_created2 c;

	memcpy(p, created2_ntor, PAYLOAD_LEN);
	for (size_t i = 0; i < ARRAY_SIZE(lens); i++)
		CU_ASSERT_EQUAL(wire_created2_decode(p, lens[i], &c), -EINVAL);
}

static void
test_wire_created2_encodes_ntor_and_zeroes_rest(void)
{
	uint8_t p[PAYLOAD_LEN];

	memset(p, 0xaa, sizeof(p));
	CU_ASSERT_EQUAL(wire_created2_encode(p, sizeof(p), reply, sizeof(reply)), 0);
	CU_ASSERT_EQUAL(memcmp(p, created2_ntor, sizeof(p)), 0);
}

static void
test_wire_created2_encode_rejects_hlen_508_and_len_not_509(void)
{
	static const uint8_t big[508];
	uint8_t p[BIG_BUF];

	CU_ASSERT_EQUAL(wire_created2_encode(p, PAYLOAD_LEN, big, 508), -EMSGSIZE);
	CU_ASSERT_EQUAL(wire_created2_encode(p, PAYLOAD_LEN - 1, reply, sizeof(reply)), -EINVAL);
	CU_ASSERT_EQUAL(wire_created2_encode(p, PAYLOAD_LEN + 1, reply, sizeof(reply)), -EINVAL);
}

static void
test_wire_created2_round_trip(void)
{
	static const uint8_t big[WIRE_CREATED2_HDATA_MAX] = { 0x99 };
	static const uint16_t hlens[] = { 0, 1, 64, 496, 507 };
	uint8_t p[PAYLOAD_LEN];
	struct wire_created2 c;

	for (size_t i = 0; i < ARRAY_SIZE(hlens); i++) {
		CU_ASSERT_EQUAL(wire_created2_encode(p, sizeof(p), big, hlens[i]), 0);
		CU_ASSERT_EQUAL_FATAL(wire_created2_decode(p, sizeof(p), &c), 0);
		CU_ASSERT_EQUAL(c.hlen, hlens[i]);
		CU_ASSERT_EQUAL(memcmp(c.hdata, big, hlens[i]), 0);
	}
}

/* ---- EXTENDED2 ---- */

static void
test_wire_extended2_decodes_ntor(void)
{
	struct wire_created2 c;

	CU_ASSERT_EQUAL_FATAL(wire_extended2_decode(extended2_ntor, sizeof(extended2_ntor), &c), 0);
	CU_ASSERT_EQUAL(c.hlen, 64);
	CU_ASSERT_PTR_EQUAL(c.hdata, extended2_ntor + 2);
}

static void
test_wire_extended2_decode_rejects_truncation_at_every_byte(void)
{
	struct wire_created2 c;

	/* Lengths 0 and 1 lack HLEN; 2 .. 65 cut HDATA short. */
	for (size_t len = 0; len < sizeof(extended2_ntor); len++)
		CU_ASSERT_EQUAL(extended2_decode_exact(extended2_ntor, len, &c), -EPROTO);
}

static void
test_wire_extended2_decode_ignores_trailing_bytes(void)
{
	uint8_t d[sizeof(extended2_ntor) + 3];
	struct wire_created2 c;

	memcpy(d, extended2_ntor, sizeof(extended2_ntor));
	memset(d + sizeof(extended2_ntor), 0xee, 3);
	CU_ASSERT_EQUAL(wire_extended2_decode(d, sizeof(d), &c), 0);
	CU_ASSERT_EQUAL(c.hlen, 64);
}

static void
test_wire_extended2_decode_hlen_bounded_by_len(void)
{
	uint8_t d[WIRE_RELAY_DATA_MAX] = { 0x01, 0xf0 };	/* HLEN 496 */
	struct wire_created2 c;

	CU_ASSERT_EQUAL(wire_extended2_decode(d, sizeof(d), &c), 0);
	CU_ASSERT_EQUAL(c.hlen, 496);
	d[1] = 0xf1;						/* HLEN 497 */
	CU_ASSERT_EQUAL(wire_extended2_decode(d, sizeof(d), &c), -EPROTO);
	d[0] = 0xff;						/* HLEN 0xfff1 */
	CU_ASSERT_EQUAL(wire_extended2_decode(d, sizeof(d), &c), -EPROTO);
}

static void
test_wire_extended2_decode_rejects_len_over_498(void)
{
	uint8_t d[BIG_BUF];
	struct wire_created2 c;

	memset(d, 0, sizeof(d));
	memcpy(d, extended2_ntor, sizeof(extended2_ntor));
	CU_ASSERT_EQUAL(wire_extended2_decode(d, WIRE_RELAY_DATA_MAX, &c), 0);
	CU_ASSERT_EQUAL(wire_extended2_decode(d, WIRE_RELAY_DATA_MAX + 1, &c), -EPROTO);
}

static void
test_wire_extended2_encodes_ntor(void)
{
	uint8_t d[BIG_BUF];

	memset(d, 0xaa, sizeof(d));
	CU_ASSERT_EQUAL(wire_extended2_encode(d, sizeof(d), reply, sizeof(reply)),
			(int)sizeof(extended2_ntor));
	CU_ASSERT_EQUAL(memcmp(d, extended2_ntor, sizeof(extended2_ntor)), 0);
	CU_ASSERT_EQUAL(d[sizeof(extended2_ntor)], 0xaa);
}

static void
test_wire_extended2_encode_rejects_small_cap(void)
{
	uint8_t d[sizeof(extended2_ntor)];

	for (size_t cap = 0; cap < sizeof(extended2_ntor); cap++)
		CU_ASSERT_EQUAL(wire_extended2_encode(d, cap, reply, sizeof(reply)), -EMSGSIZE);
	CU_ASSERT_EQUAL(wire_extended2_encode(d, sizeof(d), reply, sizeof(reply)),
			(int)sizeof(d));
}

static void
test_wire_extended2_encode_rejects_hlen_497(void)
{
	static const uint8_t big[497];
	uint8_t d[BIG_BUF];

	CU_ASSERT_EQUAL(wire_extended2_encode(d, sizeof(d), big, 496), 498);
	CU_ASSERT_EQUAL(wire_extended2_encode(d, sizeof(d), big, 497), -EMSGSIZE);
}

static void
test_wire_extended2_round_trip_from_created2(void)
{
	/* The relay's job in §5.3: CREATED2 body in, the same body out. */
	struct wire_created2 c, e;
	uint8_t d[WIRE_RELAY_DATA_MAX];
	int n;

	CU_ASSERT_EQUAL_FATAL(wire_created2_decode(created2_ntor, PAYLOAD_LEN, &c), 0);
	n = wire_extended2_encode(d, sizeof(d), c.hdata, c.hlen);
	CU_ASSERT_EQUAL_FATAL(n, 66);
	CU_ASSERT_EQUAL_FATAL(wire_extended2_decode(d, (size_t)n, &e), 0);
	CU_ASSERT_EQUAL(e.hlen, c.hlen);
	CU_ASSERT_EQUAL(memcmp(e.hdata, c.hdata, c.hlen), 0);
}

/* ---- EXTEND2: decoding ---- */

static void
test_wire_extend2_decodes_all_four_specifiers(void)
{
	static const uint8_t legacy[20] = {
		0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9,
		0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf, 0xb0, 0xb1, 0xb2, 0xb3,
	};
	struct wire_extend2 x;

	CU_ASSERT_EQUAL_FATAL(wire_extend2_decode(extend2_full, sizeof(extend2_full), &x), 0);
	CU_ASSERT_EQUAL(x.has_ipv4, 1);
	CU_ASSERT_EQUAL(x.ipv4_addr, 0xc0000201u);
	CU_ASSERT_EQUAL(x.ipv4_port, 9001);
	CU_ASSERT_EQUAL(x.has_legacy_id, 1);
	CU_ASSERT_EQUAL(memcmp(x.legacy_id, legacy, sizeof(legacy)), 0);
	CU_ASSERT_EQUAL(x.has_ed_id, 1);
	CU_ASSERT_EQUAL(x.ed_id[0], 0xc0);
	CU_ASSERT_EQUAL(x.ed_id[31], 0xdf);
	CU_ASSERT_EQUAL(x.has_ipv6, 1);
	CU_ASSERT_EQUAL(memcmp(x.ipv6_addr, ipv6_doc, sizeof(ipv6_doc)), 0);
	CU_ASSERT_EQUAL(x.ipv6_port, 443);
	CU_ASSERT_EQUAL(x.n_unknown, 0);
	CU_ASSERT_EQUAL(x.htype, WIRE_HTYPE_NTOR);
	CU_ASSERT_EQUAL(x.hlen, 84);
	CU_ASSERT_PTR_EQUAL(x.hdata, extend2_full + X2_OFF_HDATA);
}

static void
test_wire_extend2_decodes_any_specifier_order(void)
{
	struct wire_extend2 a, b;

	CU_ASSERT_EQUAL_FATAL(wire_extend2_decode(extend2_full, sizeof(extend2_full), &a), 0);
	CU_ASSERT_EQUAL_FATAL(wire_extend2_decode(extend2_reversed, sizeof(extend2_reversed), &b),
			      0);
	CU_ASSERT_EQUAL(b.has_ipv4 + b.has_ipv6 + b.has_legacy_id + b.has_ed_id, 4);
	CU_ASSERT_EQUAL(b.ipv4_addr, a.ipv4_addr);
	CU_ASSERT_EQUAL(b.ipv4_port, a.ipv4_port);
	CU_ASSERT_EQUAL(b.ipv6_port, a.ipv6_port);
	CU_ASSERT_EQUAL(memcmp(b.ipv6_addr, a.ipv6_addr, sizeof(a.ipv6_addr)), 0);
	CU_ASSERT_EQUAL(memcmp(b.legacy_id, a.legacy_id, sizeof(a.legacy_id)), 0);
	CU_ASSERT_EQUAL(memcmp(b.ed_id, a.ed_id, sizeof(a.ed_id)), 0);
	CU_ASSERT_EQUAL(b.hlen, a.hlen);
}

static void
test_wire_extend2_decodes_tor_default(void)
{
	struct wire_extend2 x;

	CU_ASSERT_EQUAL_FATAL(wire_extend2_decode(extend2_tor_default,
						  sizeof(extend2_tor_default), &x), 0);
	CU_ASSERT_EQUAL(x.has_ipv4, 1);
	CU_ASSERT_EQUAL(x.ipv4_addr, 0x0a000001u);
	CU_ASSERT_EQUAL(x.ipv4_port, 443);
	CU_ASSERT_EQUAL(x.has_legacy_id, 1);
	CU_ASSERT_EQUAL(x.has_ed_id, 0);
	CU_ASSERT_EQUAL(x.has_ipv6, 0);
	CU_ASSERT_EQUAL(x.htype, WIRE_HTYPE_NTOR_V3);
	CU_ASSERT_EQUAL(x.hlen, 4);
	CU_ASSERT_EQUAL(x.hdata[0], 0xde);
}

static void
test_wire_extend2_decode_rejects_truncation_at_every_byte(void)
{
	struct wire_extend2 x;

	/* 0: no NSPEC; 1 .. 88: inside a specifier or HTYPE/HLEN; 89 .. 172:
	 * HDATA short. Each from an exact-size buffer. */
	for (size_t len = 0; len < sizeof(extend2_full); len++)
		CU_ASSERT_EQUAL(extend2_decode_exact(extend2_full, len, &x), -EPROTO);
	CU_ASSERT_EQUAL(extend2_decode_exact(extend2_full, sizeof(extend2_full), &x), 0);
}

static void
test_wire_extend2_decode_rejects_wrong_known_lengths(void)
{
	/* NSPEC 01, one specifier of LSTYPE t with LSLEN l (all of its bytes
	 * present), then HTYPE 0002 HLEN 0000. Known types must be exact. */
	static const struct {
		uint8_t type;
		uint8_t len;
		int want;
	} cases[] = {
		{ WIRE_LSPEC_IPV4, 6, 0 },
		{ WIRE_LSPEC_IPV4, 0, -EPROTO },
		{ WIRE_LSPEC_IPV4, 5, -EPROTO },
		{ WIRE_LSPEC_IPV4, 7, -EPROTO },
		{ WIRE_LSPEC_IPV4, 18, -EPROTO },
		{ WIRE_LSPEC_IPV6, 18, 0 },
		{ WIRE_LSPEC_IPV6, 6, -EPROTO },
		{ WIRE_LSPEC_IPV6, 17, -EPROTO },
		{ WIRE_LSPEC_IPV6, 19, -EPROTO },
		{ WIRE_LSPEC_LEGACY_ID, 20, 0 },
		{ WIRE_LSPEC_LEGACY_ID, 19, -EPROTO },
		{ WIRE_LSPEC_LEGACY_ID, 21, -EPROTO },
		{ WIRE_LSPEC_LEGACY_ID, 32, -EPROTO },
		{ WIRE_LSPEC_ED25519_ID, 32, 0 },
		{ WIRE_LSPEC_ED25519_ID, 20, -EPROTO },
		{ WIRE_LSPEC_ED25519_ID, 31, -EPROTO },
		{ WIRE_LSPEC_ED25519_ID, 33, -EPROTO },
		{ WIRE_LSPEC_ED25519_ID, 255, -EPROTO },
	};
	uint8_t d[BIG_BUF];
	struct wire_extend2 x;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		size_t n = 0;

		memset(d, 0x55, sizeof(d));
		d[n++] = 0x01;
		d[n++] = cases[i].type;
		d[n++] = cases[i].len;
		n += cases[i].len;
		d[n++] = 0x00;
		d[n++] = 0x02;
		d[n++] = 0x00;
		d[n++] = 0x00;
		CU_ASSERT_EQUAL(wire_extend2_decode(d, n, &x), cases[i].want);
	}
}

static void
test_wire_extend2_decode_rejects_repeated_legacy_id(void)
{
	/* NSPEC 02, two legacy ids, HTYPE 0002 HLEN 0000. */
	uint8_t d[1 + 2 * 22 + 4];
	struct wire_extend2 x;

	memset(d, 0x11, sizeof(d));
	d[0] = 0x02;
	d[1] = 0x02;
	d[2] = 0x14;
	d[23] = 0x02;
	d[24] = 0x14;
	d[45] = 0x00;
	d[46] = 0x02;
	d[47] = 0x00;
	d[48] = 0x00;
	CU_ASSERT_EQUAL(wire_extend2_decode(d, sizeof(d), &x), -EPROTO);
}

static void
test_wire_extend2_decode_rejects_repeated_ed_id(void)
{
	/* NSPEC 02, two Ed25519 ids, HTYPE 0002 HLEN 0000. */
	uint8_t d[1 + 2 * 34 + 4];
	struct wire_extend2 x;

	memset(d, 0x22, sizeof(d));
	d[0] = 0x02;
	d[1] = 0x03;
	d[2] = 0x20;
	d[35] = 0x03;
	d[36] = 0x20;
	d[69] = 0x00;
	d[70] = 0x02;
	d[71] = 0x00;
	d[72] = 0x00;
	CU_ASSERT_EQUAL(wire_extend2_decode(d, sizeof(d), &x), -EPROTO);
}

static void
test_wire_extend2_decode_keeps_first_repeated_address(void)
{
	/* NSPEC 04: IPv4 10.0.0.1:443, IPv4 10.0.0.2:80, IPv6 ::1 port 1,
	 * IPv6 ::2 port 2, HTYPE 0002 HLEN 0000. tor-spec.txt §5.1.2: "MUST
	 * accept multiple instances"; tor keeps the first of each. */
	static const uint8_t d[] = {
		0x04,
		0x00, 0x06, 0x0a, 0x00, 0x00, 0x01, 0x01, 0xbb,
		0x00, 0x06, 0x0a, 0x00, 0x00, 0x02, 0x00, 0x50,
		0x01, 0x12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x00, 0x01,
		0x01, 0x12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x00, 0x02,
		0x00, 0x02, 0x00, 0x00,
	};
	struct wire_extend2 x;

	CU_ASSERT_EQUAL_FATAL(wire_extend2_decode(d, sizeof(d), &x), 0);
	CU_ASSERT_EQUAL(x.ipv4_addr, 0x0a000001u);
	CU_ASSERT_EQUAL(x.ipv4_port, 443);
	CU_ASSERT_EQUAL(x.ipv6_addr[15], 0x01);
	CU_ASSERT_EQUAL(x.ipv6_port, 1);
	CU_ASSERT_EQUAL(x.n_unknown, 0);
}

static void
test_wire_extend2_decode_rejects_bad_length_in_repeated_address(void)
{
	/* A second IPv4 specifier is still parsed, so a wrong length fails. */
	static const uint8_t d[] = {
		0x02,
		0x00, 0x06, 0x0a, 0x00, 0x00, 0x01, 0x01, 0xbb,
		0x00, 0x05, 0x0a, 0x00, 0x00, 0x02, 0x00,
		0x00, 0x02, 0x00, 0x00,
	};
	struct wire_extend2 x;

	CU_ASSERT_EQUAL(wire_extend2_decode(d, sizeof(d), &x), -EPROTO);
}

static void
test_wire_extend2_decode_skips_unknown_specifiers(void)
{
	/* NSPEC 04: type 04 empty, type ff with 3 bytes, the legacy id, type
	 * 80 with 6 bytes (the IPv4 length, but not IPv4), then HTYPE 0002
	 * HLEN 0001 HDATA 7f. */
	static const uint8_t d[] = {
		0x04,
		0x04, 0x00,
		0xff, 0x03, 0xaa, 0xbb, 0xcc,
		0x02, 0x14, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
		0x80, 0x06, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06,
		0x00, 0x02, 0x00, 0x01, 0x7f,
	};
	struct wire_extend2 x;

	CU_ASSERT_EQUAL_FATAL(wire_extend2_decode(d, sizeof(d), &x), 0);
	CU_ASSERT_EQUAL(x.n_unknown, 3);
	CU_ASSERT_EQUAL(x.has_legacy_id, 1);
	CU_ASSERT_EQUAL(x.legacy_id[19], 20);
	CU_ASSERT_EQUAL(x.has_ipv4, 0);
	CU_ASSERT_EQUAL(x.hlen, 1);
	CU_ASSERT_EQUAL(x.hdata[0], 0x7f);
}

static void
test_wire_extend2_decode_rejects_unknown_specifier_past_end(void)
{
	/* NSPEC 01, type 09 claiming 10 bytes with only 4 left. */
	static const uint8_t d[] = { 0x01, 0x09, 0x0a, 0x00, 0x02, 0x00, 0x00 };
	struct wire_extend2 x;

	CU_ASSERT_EQUAL(wire_extend2_decode(d, sizeof(d), &x), -EPROTO);
}

static void
test_wire_extend2_decode_rejects_hlen_overflow(void)
{
	static const uint8_t hlens[][2] = { { 0x00, 0x55 }, { 0x01, 0x00 }, { 0xff, 0xff } };
	uint8_t d[X2_FULL_LEN];
	struct wire_extend2 x;

	for (size_t i = 0; i < ARRAY_SIZE(hlens); i++) {
		memcpy(d, extend2_full, sizeof(d));
		d[X2_OFF_HLEN] = hlens[i][0];
		d[X2_OFF_HLEN + 1] = hlens[i][1];
		CU_ASSERT_EQUAL(wire_extend2_decode(d, sizeof(d), &x), -EPROTO);
	}
}

static void
test_wire_extend2_decode_ignores_trailing_bytes(void)
{
	uint8_t d[X2_FULL_LEN + 5];
	struct wire_extend2 x;

	memcpy(d, extend2_full, X2_FULL_LEN);
	memset(d + X2_FULL_LEN, 0xee, 5);
	CU_ASSERT_EQUAL_FATAL(wire_extend2_decode(d, sizeof(d), &x), 0);
	CU_ASSERT_EQUAL(x.hlen, 84);
}

static void
test_wire_extend2_decode_rejects_len_over_498(void)
{
	uint8_t d[BIG_BUF];
	struct wire_extend2 x;

	memset(d, 0, sizeof(d));
	memcpy(d, extend2_full, X2_FULL_LEN);
	CU_ASSERT_EQUAL(wire_extend2_decode(d, WIRE_RELAY_DATA_MAX, &x), 0);
	CU_ASSERT_EQUAL(wire_extend2_decode(d, WIRE_RELAY_DATA_MAX + 1, &x), -EPROTO);
}

static void
test_wire_extend2_decode_accepts_no_specifiers(void)
{
	/* NSPEC 00, HTYPE 0002, HLEN 0000: well-formed; the caller refuses it
	 * for lack of an identity and an address. */
	static const uint8_t d[] = { 0x00, 0x00, 0x02, 0x00, 0x00 };
	struct wire_extend2 x;

	CU_ASSERT_EQUAL_FATAL(wire_extend2_decode(d, sizeof(d), &x), 0);
	CU_ASSERT_EQUAL(x.has_ipv4 + x.has_ipv6 + x.has_legacy_id + x.has_ed_id, 0);
	CU_ASSERT_EQUAL(x.hlen, 0);
}

static void
test_wire_extend2_decode_leaves_out_untouched_on_error(void)
{
	struct wire_extend2 x, before;

	memset(&x, 0x5a, sizeof(x));
	before = x;
	CU_ASSERT_EQUAL(wire_extend2_decode(extend2_full, X2_FULL_LEN - 1, &x), -EPROTO);
	CU_ASSERT_EQUAL(memcmp(&x, &before, sizeof(x)), 0);
}

/* ---- EXTEND2: encoding ---- */

static void
test_wire_extend2_encodes_in_order_00_02_03_01(void)
{
	struct wire_extend2 x;
	uint8_t d[BIG_BUF];

	extend2_full_struct(&x);
	memset(d, 0xaa, sizeof(d));
	CU_ASSERT_EQUAL(wire_extend2_encode(d, sizeof(d), &x), X2_FULL_LEN);
	CU_ASSERT_EQUAL(memcmp(d, extend2_full, X2_FULL_LEN), 0);
	CU_ASSERT_EQUAL(d[X2_FULL_LEN], 0xaa);
}

static void
test_wire_extend2_reencode_puts_specifiers_in_spec_order(void)
{
	struct wire_extend2 x;
	uint8_t d[BIG_BUF];

	CU_ASSERT_EQUAL_FATAL(wire_extend2_decode(extend2_reversed, sizeof(extend2_reversed), &x),
			      0);
	CU_ASSERT_EQUAL(wire_extend2_encode(d, sizeof(d), &x), X2_FULL_LEN);
	CU_ASSERT_EQUAL(memcmp(d, extend2_full, X2_FULL_LEN), 0);
}

static void
test_wire_extend2_encodes_only_flagged_specifiers(void)
{
	static const uint8_t hs[4] = { 0xde, 0xad, 0xbe, 0xef };
	struct wire_extend2 x;
	uint8_t d[BIG_BUF];

	memset(&x, 0, sizeof(x));
	x.has_ipv4 = 1;
	x.ipv4_addr = 0x0a000001u;
	x.ipv4_port = 443;
	x.has_legacy_id = 1;
	memset(x.legacy_id, 0x11, sizeof(x.legacy_id));
	/* Set but not flagged: must not appear. */
	memset(x.ed_id, 0x33, sizeof(x.ed_id));
	x.ipv6_port = 9;
	x.htype = WIRE_HTYPE_NTOR_V3;
	x.hlen = sizeof(hs);
	x.hdata = hs;
	CU_ASSERT_EQUAL(wire_extend2_encode(d, sizeof(d), &x), (int)sizeof(extend2_tor_default));
	CU_ASSERT_EQUAL(memcmp(d, extend2_tor_default, sizeof(extend2_tor_default)), 0);
}

static void
test_wire_extend2_encode_rejects_small_cap(void)
{
	struct wire_extend2 x;
	uint8_t d[X2_FULL_LEN];

	extend2_full_struct(&x);
	for (size_t cap = 0; cap < X2_FULL_LEN; cap++)
		CU_ASSERT_EQUAL(wire_extend2_encode(d, cap, &x), -EMSGSIZE);
	CU_ASSERT_EQUAL(wire_extend2_encode(d, sizeof(d), &x), X2_FULL_LEN);
}

static void
test_wire_extend2_encode_rejects_over_498(void)
{
	static const uint8_t big[410];
	struct wire_extend2 x;
	uint8_t d[BIG_BUF];

	/* 89 bytes before HDATA: HLEN 409 makes 498, 410 makes 499. */
	extend2_full_struct(&x);
	x.hdata = big;
	x.hlen = 409;
	CU_ASSERT_EQUAL(wire_extend2_encode(d, sizeof(d), &x), WIRE_RELAY_DATA_MAX);
	x.hlen = 410;
	CU_ASSERT_EQUAL(wire_extend2_encode(d, sizeof(d), &x), -EMSGSIZE);
}

static void
test_wire_extend2_round_trip(void)
{
	static const uint8_t hs[300] = { 0x42 };
	struct wire_extend2 in, out;
	uint8_t d[BIG_BUF];
	int n;

	/* Every subset of the four specifiers (16), with an ntor-v3-sized handshake. */
	for (unsigned m = 0; m < 16; m++) {
		extend2_full_struct(&in);
		in.has_ipv4 = m & 1;
		in.has_legacy_id = (m >> 1) & 1;
		in.has_ed_id = (m >> 2) & 1;
		in.has_ipv6 = (m >> 3) & 1;
		in.htype = WIRE_HTYPE_NTOR_V3;
		in.hlen = sizeof(hs);
		in.hdata = hs;
		n = wire_extend2_encode(d, sizeof(d), &in);
		CU_ASSERT_FATAL(n > 0);
		CU_ASSERT_EQUAL(d[0], in.has_ipv4 + in.has_legacy_id + in.has_ed_id + in.has_ipv6);
		CU_ASSERT_EQUAL_FATAL(wire_extend2_decode(d, (size_t)n, &out), 0);
		CU_ASSERT_EQUAL(out.has_ipv4, in.has_ipv4);
		CU_ASSERT_EQUAL(out.has_legacy_id, in.has_legacy_id);
		CU_ASSERT_EQUAL(out.has_ed_id, in.has_ed_id);
		CU_ASSERT_EQUAL(out.has_ipv6, in.has_ipv6);
		CU_ASSERT_EQUAL(out.ipv4_addr, in.has_ipv4 ? in.ipv4_addr : 0);
		CU_ASSERT_EQUAL(out.ipv6_port, in.has_ipv6 ? in.ipv6_port : 0);
		CU_ASSERT_EQUAL(out.htype, in.htype);
		CU_ASSERT_EQUAL(out.hlen, in.hlen);
		CU_ASSERT_EQUAL(memcmp(out.hdata, hs, sizeof(hs)), 0);
	}
}

static CU_TestInfo wire_create_tests[] = {
	{ "constants_match_spec", test_wire_create_constants_match_spec },
	{ "destroy_reason_names_match_spec", test_wire_create_destroy_reason_names_match_spec },
	{ "destroy_reason_name_unknown_above_12",
	  test_wire_create_destroy_reason_name_unknown_above_12 },
	{ "create2_decodes_ntor", test_wire_create2_decodes_ntor },
	{ "create2_decode_leaves_htype_to_caller",
	  test_wire_create2_decode_leaves_htype_to_caller },
	{ "create2_decode_accepts_hlen_505", test_wire_create2_decode_accepts_hlen_505 },
	{ "create2_decode_rejects_hlen_over_505", test_wire_create2_decode_rejects_hlen_over_505 },
	{ "create2_decode_rejects_len_not_509", test_wire_create2_decode_rejects_len_not_509 },
	{ "create2_decode_leaves_out_untouched_on_error",
	  test_wire_create2_decode_leaves_out_untouched_on_error },
	{ "create2_encodes_ntor_and_zeroes_rest", test_wire_create2_encodes_ntor_and_zeroes_rest },
	{ "create2_encode_rejects_hlen_506", test_wire_create2_encode_rejects_hlen_506 },
	{ "create2_encode_rejects_len_not_509", test_wire_create2_encode_rejects_len_not_509 },
	{ "create2_round_trip", test_wire_create2_round_trip },
	{ "created2_decodes_ntor", test_wire_created2_decodes_ntor },
	{ "created2_decode_accepts_hlen_507", test_wire_created2_decode_accepts_hlen_507 },
	{ "created2_decode_rejects_hlen_over_507",
	  test_wire_created2_decode_rejects_hlen_over_507 },
	{ "created2_decode_rejects_len_not_509", test_wire_created2_decode_rejects_len_not_509 },
	{ "created2_encodes_ntor_and_zeroes_rest",
	  test_wire_created2_encodes_ntor_and_zeroes_rest },
	{ "created2_encode_rejects_hlen_508_and_len_not_509",
	  test_wire_created2_encode_rejects_hlen_508_and_len_not_509 },
	{ "created2_round_trip", test_wire_created2_round_trip },
	{ "extended2_decodes_ntor", test_wire_extended2_decodes_ntor },
	{ "extended2_decode_rejects_truncation_at_every_byte",
	  test_wire_extended2_decode_rejects_truncation_at_every_byte },
	{ "extended2_decode_ignores_trailing_bytes",
	  test_wire_extended2_decode_ignores_trailing_bytes },
	{ "extended2_decode_hlen_bounded_by_len", test_wire_extended2_decode_hlen_bounded_by_len },
	{ "extended2_decode_rejects_len_over_498",
	  test_wire_extended2_decode_rejects_len_over_498 },
	{ "extended2_encodes_ntor", test_wire_extended2_encodes_ntor },
	{ "extended2_encode_rejects_small_cap", test_wire_extended2_encode_rejects_small_cap },
	{ "extended2_encode_rejects_hlen_497", test_wire_extended2_encode_rejects_hlen_497 },
	{ "extended2_round_trip_from_created2", test_wire_extended2_round_trip_from_created2 },
	{ "extend2_decodes_all_four_specifiers", test_wire_extend2_decodes_all_four_specifiers },
	{ "extend2_decodes_any_specifier_order", test_wire_extend2_decodes_any_specifier_order },
	{ "extend2_decodes_tor_default", test_wire_extend2_decodes_tor_default },
	{ "extend2_decode_rejects_truncation_at_every_byte",
	  test_wire_extend2_decode_rejects_truncation_at_every_byte },
	{ "extend2_decode_rejects_wrong_known_lengths",
	  test_wire_extend2_decode_rejects_wrong_known_lengths },
	{ "extend2_decode_rejects_repeated_legacy_id",
	  test_wire_extend2_decode_rejects_repeated_legacy_id },
	{ "extend2_decode_rejects_repeated_ed_id",
	  test_wire_extend2_decode_rejects_repeated_ed_id },
	{ "extend2_decode_keeps_first_repeated_address",
	  test_wire_extend2_decode_keeps_first_repeated_address },
	{ "extend2_decode_rejects_bad_length_in_repeated_address",
	  test_wire_extend2_decode_rejects_bad_length_in_repeated_address },
	{ "extend2_decode_skips_unknown_specifiers",
	  test_wire_extend2_decode_skips_unknown_specifiers },
	{ "extend2_decode_rejects_unknown_specifier_past_end",
	  test_wire_extend2_decode_rejects_unknown_specifier_past_end },
	{ "extend2_decode_rejects_hlen_overflow", test_wire_extend2_decode_rejects_hlen_overflow },
	{ "extend2_decode_ignores_trailing_bytes",
	  test_wire_extend2_decode_ignores_trailing_bytes },
	{ "extend2_decode_rejects_len_over_498", test_wire_extend2_decode_rejects_len_over_498 },
	{ "extend2_decode_accepts_no_specifiers", test_wire_extend2_decode_accepts_no_specifiers },
	{ "extend2_decode_leaves_out_untouched_on_error",
	  test_wire_extend2_decode_leaves_out_untouched_on_error },
	{ "extend2_encodes_in_order_00_02_03_01", test_wire_extend2_encodes_in_order_00_02_03_01 },
	{ "extend2_reencode_puts_specifiers_in_spec_order",
	  test_wire_extend2_reencode_puts_specifiers_in_spec_order },
	{ "extend2_encodes_only_flagged_specifiers",
	  test_wire_extend2_encodes_only_flagged_specifiers },
	{ "extend2_encode_rejects_small_cap", test_wire_extend2_encode_rejects_small_cap },
	{ "extend2_encode_rejects_over_498", test_wire_extend2_encode_rejects_over_498 },
	{ "extend2_round_trip", test_wire_extend2_round_trip },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_wire_create = {
	.pName = "common/wire_create",
	.pTests = wire_create_tests,
};
