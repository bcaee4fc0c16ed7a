/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Circuit handshakes: dispatch by HTYPE for the server and the client.
 *
 * The handshakes themselves live in onion_fast.c (CREATE_FAST), onion_ntor.c
 * (ntor) and onion_ntor3.c (ntor-v3); this file picks one by HTYPE, as tor's
 * onion_crypto.c does, and guarantees the contract of onion.h on failure:
 * no key material is left in the caller's output.
 */
#include <errno.h>
#include <string.h>

#include <openssl/crypto.h>

#include "controlplane/onion/onion.h"
#include "controlplane/onion/onion_int.h"

static const char *const onion_fail_names[CP_ONION_FAIL__COUNT] = {
	[CP_ONION_OK] = "ok",
	[CP_ONION_FAIL_HTYPE] = "htype",
	[CP_ONION_FAIL_LENGTH] = "length",
	[CP_ONION_FAIL_NODEID] = "nodeid",
	[CP_ONION_FAIL_KEYID] = "keyid",
	[CP_ONION_FAIL_CRYPTO] = "crypto",
	[CP_ONION_FAIL_EXT] = "ext",
	[CP_ONION_FAIL_EXT_UNSUPPORTED] = "ext_unsupported",
};

const char *
cp_onion_fail_name(enum cp_onion_fail f)
{
	if ((unsigned)f >= CP_ONION_FAIL__COUNT)
		return "unknown";
	return onion_fail_names[f];
}

enum cp_onion_fail
cp_onion_server(const struct cp_onion_server_keys *sk, uint16_t htype, const uint8_t *hdata,
		size_t hlen, uint8_t *reply, size_t *reply_len, struct cp_onion_keys *out)
{
	enum cp_onion_fail f;

	*reply_len = 0;
	switch (htype) {
	case WIRE_HTYPE_FAST:
		f = cp_onion_fast_server(NULL, hdata, hlen, reply, out);
		if (f == CP_ONION_OK)
			*reply_len = WIRE_CREATED_FAST_LEN;
		break;
	case WIRE_HTYPE_NTOR:
		f = cp_onion_ntor_server(sk, NULL, hdata, hlen, reply, out);
		if (f == CP_ONION_OK)
			*reply_len = WIRE_NTOR_REPLY_LEN;
		break;
	case WIRE_HTYPE_NTOR_V3:
		f = cp_onion_ntor3_server(sk, NULL, hdata, hlen, reply, reply_len, out);
		break;
	default:
		/* TAP (proposal 350) and anything unknown. */
		f = CP_ONION_FAIL_HTYPE;
		break;
	}
	if (f != CP_ONION_OK) {
		*reply_len = 0;
		OPENSSL_cleanse(out, sizeof(*out));
	}
	return f;
}

int
cp_onion_client_create(struct cp_onion_client *st, uint16_t htype, const struct cp_onion_peer *peer,
		       const uint8_t *msg, size_t msg_len, uint8_t *out, size_t cap)
{
	int rc;

	if (st == NULL || out == NULL || cap < WIRE_CREATE2_HDATA_MAX)
		return -EINVAL;
	switch (htype) {
	case WIRE_HTYPE_FAST:
		rc = cp_onion_fast_client_create(st, NULL, out);
		return rc != 0 ? rc : WIRE_CREATE_FAST_LEN;
	case WIRE_HTYPE_NTOR:
		if (peer == NULL)
			return -EINVAL;
		rc = cp_onion_ntor_client_create(st, NULL, peer, out);
		return rc != 0 ? rc : WIRE_NTOR_ONIONSKIN_LEN;
	case WIRE_HTYPE_NTOR_V3:
		if (peer == NULL || (msg == NULL && msg_len != 0))
			return -EINVAL;
		return cp_onion_ntor3_client_create(
			st, NULL, peer, (const uint8_t *)CP_NTOR3_VERIFY_CIRC,
			CP_NTOR3_VERIFY_CIRC_LEN, msg, msg_len, out, cap);
	default:
		return -EINVAL;
	}
}

int
cp_onion_client_finish(struct cp_onion_client *st, const uint8_t *reply, size_t reply_len,
		       struct cp_onion_keys *out, uint8_t *msg_out, size_t msg_cap, size_t *msg_len)
{
	uint8_t ks[CP_ONION_KEYS_TOTAL];
	int rc;

	if (msg_len != NULL)
		*msg_len = 0;
	if (st == NULL || out == NULL || (reply == NULL && reply_len != 0) ||
	    (msg_out == NULL && msg_cap != 0))
		return -EINVAL;
	switch (st->htype) {
	case WIRE_HTYPE_FAST:
		return cp_onion_fast_client_finish(st, reply, reply_len, out);
	case WIRE_HTYPE_NTOR:
		return cp_onion_ntor_client_finish(st, reply, reply_len, out);
	case WIRE_HTYPE_NTOR_V3:
		rc = cp_onion_ntor3_client_finish(st, (const uint8_t *)CP_NTOR3_VERIFY_CIRC,
						  CP_NTOR3_VERIFY_CIRC_LEN, reply, reply_len, ks,
						  sizeof(ks), msg_out, msg_cap, msg_len);
		if (rc == 0) {
			memcpy(out->keys, ks, CP_ONION_KEYS_LEN);
			memcpy(out->kh, ks + CP_ONION_KEYS_LEN, CP_ONION_KH_LEN);
		} else {
			OPENSSL_cleanse(out, sizeof(*out));
		}
		OPENSSL_cleanse(ks, sizeof(ks));
		return rc;
	default:
		return -EINVAL;
	}
}

void
cp_onion_client_wipe(struct cp_onion_client *st)
{
	if (st != NULL)
		OPENSSL_cleanse(st, sizeof(*st));
}

const struct cp_onion_ntor_key *
cp_onion_find_ntor_key(const struct cp_onion_server_keys *sk, const uint8_t keyid[32])
{
	unsigned n = sk->n_ntor <= 2 ? sk->n_ntor : 2;

	for (unsigned i = 0; i < n; i++)
		if (CRYPTO_memcmp(sk->ntor[i].pub, keyid, 32) == 0)
			return &sk->ntor[i];
	return NULL;
}
