/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief CUnit suite "common/wire_link": CERTS, AUTH_CHALLENGE, AUTHENTICATE, NETINFO bodies.
 *
 * The expected bytes are written out by hand from tor-spec.txt §4.2–§4.5,
 * never produced by the encoder under test; the AUTH_CHALLENGE and NETINFO
 * vectors are the bodies a real tor 0.4.9.11 relay sent (captured over
 * TLS from a local relay, see tests/controlplane/test_certs_tor.c). Every
 * decoder error and encoder error code has its own named test.
 */
#include "tests/suites.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "common/base/compiler.h"
#include "common/wire/wire_link.h"

/* tor-spec.txt §4.2: N = 3; type 2 with a 3-byte body; type 4 with a
 * 1-byte body; type 9 (unknown) with an empty body; then 2 bytes of
 * trailing junk that must be ignored. */
static const uint8_t certs_three[] = {
	0x03,
	0x02, 0x00, 0x03, 0xa1, 0xa2, 0xa3,
	0x04, 0x00, 0x01, 0xb1,
	0x09, 0x00, 0x00,
	0xee, 0xff,
};

/* tor-spec.txt §4.3, as tor 0.4.9.11 sent it: 32-byte challenge, N_Methods
 * = 1, method 3. */
static const uint8_t tor_auth_challenge[] = {
	0x67, 0xdf, 0xf9, 0x1b, 0x22, 0x28, 0xf4, 0x84, 0xe4, 0x47, 0x84, 0xc6,
	0x9e, 0xfc, 0x0c, 0xfb, 0x12, 0xd3, 0xb3, 0x2a, 0xb0, 0x2b, 0x0a, 0x99,
	0x03, 0xe1, 0x95, 0x93, 0xcb, 0x6f, 0x43, 0x02,
	0x00, 0x01,
	0x00, 0x03,
};

/* tor-spec.txt §4.5, the start of the NETINFO payload tor 0.4.9.11 sent
 * as responder: time 0x6b03495b, other = IPv4 127.0.0.1, one address of
 * its own, IPv4 127.0.0.1, then the cell's NUL padding. */
static const uint8_t tor_netinfo[] = {
	0x6b, 0x03, 0x49, 0x5b,
	0x04, 0x04, 0x7f, 0x00, 0x00, 0x01,
	0x01,
	0x04, 0x04, 0x7f, 0x00, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

static const uint8_t ip4_a[4] = { 192, 0, 2, 7 };
static const uint8_t ip6_a[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };

static void
test_wire_link_certtype_values_match_spec(void)
{
	CU_ASSERT_EQUAL(WIRE_CERTTYPE_RSA_LINK, 1);
	CU_ASSERT_EQUAL(WIRE_CERTTYPE_RSA_ID, 2);
	CU_ASSERT_EQUAL(WIRE_CERTTYPE_RSA_AUTH, 3);
	CU_ASSERT_EQUAL(WIRE_CERTTYPE_ED_ID_SIGNING, 4);
	CU_ASSERT_EQUAL(WIRE_CERTTYPE_ED_SIGNING_LINK, 5);
	CU_ASSERT_EQUAL(WIRE_CERTTYPE_ED_SIGNING_AUTH, 6);
	CU_ASSERT_EQUAL(WIRE_CERTTYPE_RSA_ED_CROSSCERT, 7);
	CU_ASSERT_EQUAL(WIRE_AUTHTYPE_ED25519_SHA256_RFC5705, 3);
}

static void
test_wire_link_certs_decode_lists_entries_in_order(void)
{
	struct wire_certs_entry e[4];
	size_t n = 99;

	CU_ASSERT_EQUAL_FATAL(wire_certs_decode(certs_three, sizeof(certs_three), e, 4, &n), 0);
	CU_ASSERT_EQUAL_FATAL(n, 3);
	CU_ASSERT_EQUAL(e[0].type, 2);
	CU_ASSERT_EQUAL(e[0].len, 3);
	CU_ASSERT_PTR_EQUAL(e[0].body, certs_three + 4);
	CU_ASSERT_EQUAL(e[1].type, 4);
	CU_ASSERT_EQUAL(e[1].len, 1);
	CU_ASSERT_PTR_EQUAL(e[1].body, certs_three + 10);
	CU_ASSERT_EQUAL(e[2].type, 9);
	CU_ASSERT_EQUAL(e[2].len, 0);
}

static void
test_wire_link_certs_decode_accepts_zero_certs(void)
{
	static const uint8_t body[] = { 0x00 };
	struct wire_certs_entry e[1];
	size_t n = 99;

	CU_ASSERT_EQUAL(wire_certs_decode(body, sizeof(body), e, 1, &n), 0);
	CU_ASSERT_EQUAL(n, 0);
}

static void
test_wire_link_certs_decode_rejects_empty_body(void)
{
	struct wire_certs_entry e[1];
	size_t n = 99;

	CU_ASSERT_EQUAL(wire_certs_decode(certs_three, 0, e, 1, &n), -EPROTO);
	CU_ASSERT_EQUAL(n, 0);
}

static void
test_wire_link_certs_decode_rejects_every_truncation(void)
{
	struct wire_certs_entry e[4];
	size_t n;
	size_t k;

	/* Every prefix shorter than the three certificates (14 bytes). */
	for (k = 1; k < 14; k++) {
		n = 99;
		CU_ASSERT_EQUAL(wire_certs_decode(certs_three, k, e, 4, &n), -EPROTO);
		CU_ASSERT_EQUAL(n, 0);
	}
	CU_ASSERT_EQUAL(wire_certs_decode(certs_three, 14, e, 4, &n), 0);
}

static void
test_wire_link_certs_decode_rejects_more_certs_than_room(void)
{
	struct wire_certs_entry e[2];
	size_t n = 99;

	CU_ASSERT_EQUAL(wire_certs_decode(certs_three, sizeof(certs_three), e, 2, &n), -ENOBUFS);
	CU_ASSERT_EQUAL(n, 0);
}

static void
test_wire_link_certs_encode_matches_spec_bytes(void)
{
	const struct wire_certs_entry e[] = {
		{ 2, 3, certs_three + 4 },
		{ 4, 1, certs_three + 10 },
		{ 9, 0, NULL },
	};
	uint8_t out[32];

	CU_ASSERT_EQUAL(wire_certs_encoded_len(e, 3), 14);
	CU_ASSERT_EQUAL_FATAL(wire_certs_encode(out, sizeof(out), e, 3), 14);
	CU_ASSERT_EQUAL(memcmp(out, certs_three, 14), 0);
}

static void
test_wire_link_certs_encode_rejects_small_buffer(void)
{
	const struct wire_certs_entry e[] = { { 2, 3, certs_three + 4 } };
	uint8_t out[6];

	CU_ASSERT_EQUAL(wire_certs_encode(out, sizeof(out), e, 1), -ENOBUFS);
}

static void
test_wire_link_certs_encode_rejects_missing_body(void)
{
	const struct wire_certs_entry e[] = { { 2, 3, NULL } };
	uint8_t out[16];

	CU_ASSERT_EQUAL(wire_certs_encode(out, sizeof(out), e, 1), -EINVAL);
}

static void
test_wire_link_certs_encode_rejects_oversized_body(void)
{
	static uint8_t big[40000];
	const struct wire_certs_entry e[] = { { 1, 40000, big }, { 2, 40000, big } };
	uint8_t out[8];

	CU_ASSERT_EQUAL(wire_certs_encode(out, sizeof(out), e, 2), -EMSGSIZE);
}

static void
test_wire_link_certs_encode_rejects_too_many_entries(void)
{
	static struct wire_certs_entry e[256];
	uint8_t out[8];

	CU_ASSERT_EQUAL(wire_certs_encode(out, sizeof(out), e, 256), -EINVAL);
}

static void
test_wire_link_auth_challenge_decodes_tor_body(void)
{
	struct wire_auth_challenge ac;

	CU_ASSERT_EQUAL_FATAL(wire_auth_challenge_decode(tor_auth_challenge,
							 sizeof(tor_auth_challenge), &ac), 0);
	CU_ASSERT_PTR_EQUAL(ac.challenge, tor_auth_challenge);
	CU_ASSERT_EQUAL(ac.n_methods, 1);
	CU_ASSERT_EQUAL(wire_auth_challenge_method(&ac, 0), 3);
	CU_ASSERT_TRUE(wire_auth_challenge_has_method(&ac, 3));
	CU_ASSERT_FALSE(wire_auth_challenge_has_method(&ac, 1));
}

static void
test_wire_link_auth_challenge_ignores_trailing_bytes(void)
{
	uint8_t body[sizeof(tor_auth_challenge) + 3];
	struct wire_auth_challenge ac;

	memcpy(body, tor_auth_challenge, sizeof(tor_auth_challenge));
	memset(body + sizeof(tor_auth_challenge), 0xaa, 3);
	CU_ASSERT_EQUAL(wire_auth_challenge_decode(body, sizeof(body), &ac), 0);
	CU_ASSERT_EQUAL(ac.n_methods, 1);
}

static void
test_wire_link_auth_challenge_rejects_every_truncation(void)
{
	struct wire_auth_challenge ac;
	size_t k;

	for (k = 0; k < sizeof(tor_auth_challenge); k++)
		CU_ASSERT_EQUAL(wire_auth_challenge_decode(tor_auth_challenge, k, &ac), -EPROTO);
}

static void
test_wire_link_auth_challenge_encode_matches_tor_body(void)
{
	static const uint16_t methods[] = { 3 };
	uint8_t out[64];

	CU_ASSERT_EQUAL_FATAL(wire_auth_challenge_encode(out, sizeof(out), tor_auth_challenge,
							 methods, 1), 36);
	CU_ASSERT_EQUAL(memcmp(out, tor_auth_challenge, 36), 0);
}

static void
test_wire_link_auth_challenge_encode_two_methods(void)
{
	static const uint16_t methods[] = { 1, 3 };
	uint8_t out[64];

	CU_ASSERT_EQUAL_FATAL(wire_auth_challenge_encode(out, sizeof(out), tor_auth_challenge,
							 methods, 2), 38);
	CU_ASSERT_EQUAL(out[32], 0x00);
	CU_ASSERT_EQUAL(out[33], 0x02);
	CU_ASSERT_EQUAL(out[34], 0x00);
	CU_ASSERT_EQUAL(out[35], 0x01);
	CU_ASSERT_EQUAL(out[36], 0x00);
	CU_ASSERT_EQUAL(out[37], 0x03);
}

static void
test_wire_link_auth_challenge_encode_rejects_small_buffer(void)
{
	static const uint16_t methods[] = { 3 };
	uint8_t out[35];

	CU_ASSERT_EQUAL(wire_auth_challenge_encode(out, sizeof(out), tor_auth_challenge, methods,
						   1), -ENOBUFS);
}

static void
test_wire_link_auth_challenge_encode_rejects_too_many_methods(void)
{
	uint8_t out[8];

	CU_ASSERT_EQUAL(wire_auth_challenge_encode(out, sizeof(out), tor_auth_challenge, NULL,
						   40000), -EMSGSIZE);
}

static void
test_wire_link_authenticate_decode_reads_header(void)
{
	/* AuthType 3, AuthLen 2, "xy", then one ignored byte. */
	static const uint8_t body[] = { 0x00, 0x03, 0x00, 0x02, 'x', 'y', 0xee };
	struct wire_authenticate a;

	CU_ASSERT_EQUAL_FATAL(wire_authenticate_decode(body, sizeof(body), &a), 0);
	CU_ASSERT_EQUAL(a.auth_type, 3);
	CU_ASSERT_EQUAL(a.auth_len, 2);
	CU_ASSERT_PTR_EQUAL(a.auth, body + 4);
}

static void
test_wire_link_authenticate_decode_rejects_short_header(void)
{
	static const uint8_t body[] = { 0x00, 0x03, 0x00 };
	struct wire_authenticate a;

	CU_ASSERT_EQUAL(wire_authenticate_decode(body, sizeof(body), &a), -EPROTO);
}

static void
test_wire_link_authenticate_decode_rejects_truncated_authenticator(void)
{
	/* AuthLen 0x0160 = 352, but only 3 bytes follow. */
	static const uint8_t body[] = { 0x00, 0x03, 0x01, 0x60, 1, 2, 3 };
	struct wire_authenticate a;

	CU_ASSERT_EQUAL(wire_authenticate_decode(body, sizeof(body), &a), -EPROTO);
}

static void
test_wire_link_authenticate_encode_in_place(void)
{
	uint8_t buf[4 + 3] = { 0, 0, 0, 0, 'a', 'b', 'c' };
	static const uint8_t want[] = { 0x00, 0x03, 0x00, 0x03, 'a', 'b', 'c' };

	CU_ASSERT_EQUAL_FATAL(wire_authenticate_encode(buf, sizeof(buf), 3, buf + 4, 3), 7);
	CU_ASSERT_EQUAL(memcmp(buf, want, sizeof(want)), 0);
}

static void
test_wire_link_authenticate_encode_rejects_small_buffer(void)
{
	uint8_t buf[6];

	CU_ASSERT_EQUAL(wire_authenticate_encode(buf, sizeof(buf), 3, (const uint8_t *)"abc", 3),
			-ENOBUFS);
}

static void
test_wire_link_authenticate_encode_rejects_oversized(void)
{
	static uint8_t big[65535];
	uint8_t buf[8];

	CU_ASSERT_EQUAL(wire_authenticate_encode(buf, sizeof(buf), 3, big, 65533), -EMSGSIZE);
}

static void
test_wire_link_netinfo_decodes_tor_body(void)
{
	static const uint8_t lo[4] = { 127, 0, 0, 1 };
	struct wire_netinfo ni;

	CU_ASSERT_EQUAL_FATAL(wire_netinfo_decode(tor_netinfo, sizeof(tor_netinfo), &ni), 0);
	CU_ASSERT_EQUAL(ni.timestamp, 0x6b03495bu);
	CU_ASSERT_EQUAL(ni.other.atype, WIRE_NETINFO_ATYPE_IPV4);
	CU_ASSERT_EQUAL(ni.other.alen, 4);
	CU_ASSERT_EQUAL(memcmp(ni.other.aval, lo, 4), 0);
	CU_ASSERT_TRUE(wire_netinfo_addr_is_valid(&ni.other));
	CU_ASSERT_EQUAL_FATAL(ni.n_my, 1);
	CU_ASSERT_EQUAL(ni.my[0].atype, WIRE_NETINFO_ATYPE_IPV4);
	CU_ASSERT_EQUAL(memcmp(ni.my[0].aval, lo, 4), 0);
}

static void
test_wire_link_netinfo_decodes_client_body(void)
{
	/* A client's NETINFO (checklist fact 0.7): time 0, other = IPv6
	 * 2001:db8::1, no addresses of its own. */
	static const uint8_t body[] = {
		0, 0, 0, 0,
		0x06, 0x10, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
		0x00,
	};
	struct wire_netinfo ni;

	CU_ASSERT_EQUAL_FATAL(wire_netinfo_decode(body, sizeof(body), &ni), 0);
	CU_ASSERT_EQUAL(ni.timestamp, 0);
	CU_ASSERT_EQUAL(ni.other.atype, WIRE_NETINFO_ATYPE_IPV6);
	CU_ASSERT_EQUAL(memcmp(ni.other.aval, ip6_a, 16), 0);
	CU_ASSERT_TRUE(wire_netinfo_addr_is_valid(&ni.other));
	CU_ASSERT_EQUAL(ni.n_my, 0);
}

static void
test_wire_link_netinfo_keeps_bad_length_address_as_invalid(void)
{
	/* ATYPE 4 with ALEN 5 and an unknown ATYPE 9: decoded, flagged. */
	static const uint8_t body[] = {
		0, 0, 0, 1,
		0x04, 0x05, 1, 2, 3, 4, 5,
		0x01,
		0x09, 0x02, 0xaa, 0xbb,
	};
	struct wire_netinfo ni;

	CU_ASSERT_EQUAL_FATAL(wire_netinfo_decode(body, sizeof(body), &ni), 0);
	CU_ASSERT_FALSE(wire_netinfo_addr_is_valid(&ni.other));
	CU_ASSERT_EQUAL_FATAL(ni.n_my, 1);
	CU_ASSERT_EQUAL(ni.my[0].atype, 9);
	CU_ASSERT_FALSE(wire_netinfo_addr_is_valid(&ni.my[0]));
}

static void
test_wire_link_netinfo_rejects_every_truncation(void)
{
	struct wire_netinfo ni;
	size_t k;

	/* 17 bytes hold the structure; every shorter prefix is truncated. */
	for (k = 0; k < 17; k++)
		CU_ASSERT_EQUAL(wire_netinfo_decode(tor_netinfo, k, &ni), -EPROTO);
	CU_ASSERT_EQUAL(wire_netinfo_decode(tor_netinfo, 17, &ni), 0);
}

static void
test_wire_link_netinfo_keeps_first_addresses_of_many(void)
{
	/* NMYADDR = 10 IPv4 addresses 10.0.0.i; only the first 8 kept. */
	uint8_t body[4 + 6 + 1 + 10 * 6];
	struct wire_netinfo ni;
	size_t off = 0;
	int i;

	memset(body, 0, 4);
	off = 4;
	body[off++] = 4;
	body[off++] = 4;
	memcpy(body + off, ip4_a, 4);
	off += 4;
	body[off++] = 10;
	for (i = 0; i < 10; i++) {
		body[off++] = 4;
		body[off++] = 4;
		body[off++] = 10;
		body[off++] = 0;
		body[off++] = 0;
		body[off++] = (uint8_t)i;
	}
	CU_ASSERT_EQUAL_FATAL(wire_netinfo_decode(body, sizeof(body), &ni), 0);
	CU_ASSERT_EQUAL(ni.n_my, 10);
	CU_ASSERT_EQUAL(ni.my[7].aval[3], 7);
}

static void
test_wire_link_netinfo_encode_matches_tor_body(void)
{
	static const uint8_t lo[4] = { 127, 0, 0, 1 };
	const struct wire_netinfo_addr other = { WIRE_NETINFO_ATYPE_IPV4, 4, lo };
	const struct wire_netinfo_addr my[] = { { WIRE_NETINFO_ATYPE_IPV4, 4, lo } };
	uint8_t out[64];

	CU_ASSERT_EQUAL_FATAL(wire_netinfo_encode(out, sizeof(out), 0x6b03495bu, &other, my, 1),
			      17);
	CU_ASSERT_EQUAL(memcmp(out, tor_netinfo, 17), 0);
}

static void
test_wire_link_netinfo_encode_ipv4_and_ipv6(void)
{
	const struct wire_netinfo_addr other = { WIRE_NETINFO_ATYPE_IPV6, 16, ip6_a };
	const struct wire_netinfo_addr my[] = {
		{ WIRE_NETINFO_ATYPE_IPV4, 4, ip4_a },
		{ WIRE_NETINFO_ATYPE_IPV6, 16, ip6_a },
	};
	uint8_t out[128];
	struct wire_netinfo ni;
	int n;

	n = wire_netinfo_encode(out, sizeof(out), 42, &other, my, 2);
	CU_ASSERT_EQUAL_FATAL(n, 4 + 18 + 1 + 6 + 18);
	CU_ASSERT_EQUAL_FATAL(wire_netinfo_decode(out, (size_t)n, &ni), 0);
	CU_ASSERT_EQUAL(ni.timestamp, 42);
	CU_ASSERT_EQUAL(ni.n_my, 2);
	CU_ASSERT_EQUAL(memcmp(ni.my[0].aval, ip4_a, 4), 0);
	CU_ASSERT_EQUAL(memcmp(ni.my[1].aval, ip6_a, 16), 0);
}

static void
test_wire_link_netinfo_encode_rejects_invalid_address(void)
{
	const struct wire_netinfo_addr other = { WIRE_NETINFO_ATYPE_IPV4, 16, ip6_a };
	uint8_t out[64];

	CU_ASSERT_EQUAL(wire_netinfo_encode(out, sizeof(out), 0, &other, NULL, 0), -EINVAL);
}

static void
test_wire_link_netinfo_encode_rejects_small_buffer(void)
{
	const struct wire_netinfo_addr other = { WIRE_NETINFO_ATYPE_IPV4, 4, ip4_a };
	uint8_t out[10];

	CU_ASSERT_EQUAL(wire_netinfo_encode(out, sizeof(out), 0, &other, NULL, 0), -ENOBUFS);
}

static void
test_wire_link_netinfo_encode_rejects_more_than_a_cell(void)
{
	static struct wire_netinfo_addr my[28];
	const struct wire_netinfo_addr other = { WIRE_NETINFO_ATYPE_IPV6, 16, ip6_a };
	static uint8_t out[1024];
	size_t i;

	/* 4 + 18 + 1 + 28 * 18 = 527 > 509. */
	for (i = 0; i < ARRAY_SIZE(my); i++)
		my[i] = other;
	CU_ASSERT_EQUAL(wire_netinfo_encode(out, sizeof(out), 0, &other, my, ARRAY_SIZE(my)),
			-EMSGSIZE);
}

static CU_TestInfo wire_link_tests[] = {
	{ "certtype_values_match_spec", test_wire_link_certtype_values_match_spec },
	{ "certs_decode_lists_entries_in_order",
	  test_wire_link_certs_decode_lists_entries_in_order },
	{ "certs_decode_accepts_zero_certs", test_wire_link_certs_decode_accepts_zero_certs },
	{ "certs_decode_rejects_empty_body", test_wire_link_certs_decode_rejects_empty_body },
	{ "certs_decode_rejects_every_truncation",
	  test_wire_link_certs_decode_rejects_every_truncation },
	{ "certs_decode_rejects_more_certs_than_room",
	  test_wire_link_certs_decode_rejects_more_certs_than_room },
	{ "certs_encode_matches_spec_bytes", test_wire_link_certs_encode_matches_spec_bytes },
	{ "certs_encode_rejects_small_buffer", test_wire_link_certs_encode_rejects_small_buffer },
	{ "certs_encode_rejects_missing_body", test_wire_link_certs_encode_rejects_missing_body },
	{ "certs_encode_rejects_oversized_body",
	  test_wire_link_certs_encode_rejects_oversized_body },
	{ "certs_encode_rejects_too_many_entries",
	  test_wire_link_certs_encode_rejects_too_many_entries },
	{ "auth_challenge_decodes_tor_body", test_wire_link_auth_challenge_decodes_tor_body },
	{ "auth_challenge_ignores_trailing_bytes",
	  test_wire_link_auth_challenge_ignores_trailing_bytes },
	{ "auth_challenge_rejects_every_truncation",
	  test_wire_link_auth_challenge_rejects_every_truncation },
	{ "auth_challenge_encode_matches_tor_body",
	  test_wire_link_auth_challenge_encode_matches_tor_body },
	{ "auth_challenge_encode_two_methods", test_wire_link_auth_challenge_encode_two_methods },
	{ "auth_challenge_encode_rejects_small_buffer",
	  test_wire_link_auth_challenge_encode_rejects_small_buffer },
	{ "auth_challenge_encode_rejects_too_many_methods",
	  test_wire_link_auth_challenge_encode_rejects_too_many_methods },
	{ "authenticate_decode_reads_header", test_wire_link_authenticate_decode_reads_header },
	{ "authenticate_decode_rejects_short_header",
	  test_wire_link_authenticate_decode_rejects_short_header },
	{ "authenticate_decode_rejects_truncated_authenticator",
	  test_wire_link_authenticate_decode_rejects_truncated_authenticator },
	{ "authenticate_encode_in_place", test_wire_link_authenticate_encode_in_place },
	{ "authenticate_encode_rejects_small_buffer",
	  test_wire_link_authenticate_encode_rejects_small_buffer },
	{ "authenticate_encode_rejects_oversized",
	  test_wire_link_authenticate_encode_rejects_oversized },
	{ "netinfo_decodes_tor_body", test_wire_link_netinfo_decodes_tor_body },
	{ "netinfo_decodes_client_body", test_wire_link_netinfo_decodes_client_body },
	{ "netinfo_keeps_bad_length_address_as_invalid",
	  test_wire_link_netinfo_keeps_bad_length_address_as_invalid },
	{ "netinfo_rejects_every_truncation", test_wire_link_netinfo_rejects_every_truncation },
	{ "netinfo_keeps_first_addresses_of_many",
	  test_wire_link_netinfo_keeps_first_addresses_of_many },
	{ "netinfo_encode_matches_tor_body", test_wire_link_netinfo_encode_matches_tor_body },
	{ "netinfo_encode_ipv4_and_ipv6", test_wire_link_netinfo_encode_ipv4_and_ipv6 },
	{ "netinfo_encode_rejects_invalid_address",
	  test_wire_link_netinfo_encode_rejects_invalid_address },
	{ "netinfo_encode_rejects_small_buffer",
	  test_wire_link_netinfo_encode_rejects_small_buffer },
	{ "netinfo_encode_rejects_more_than_a_cell",
	  test_wire_link_netinfo_encode_rejects_more_than_a_cell },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_wire_link = { "common/wire_link", NULL, NULL, NULL, NULL, wire_link_tests };
