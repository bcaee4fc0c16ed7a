/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief CREATE_FAST / CREATED_FAST (HTYPE 1), server and client.
 *
 * tor-spec.txt §5.1.5 and §5.2.1: the client sends X (20 random bytes),
 * the server answers Y (20 random bytes) and KH; both expand K0 = X | Y
 * with KDF-TOR into KH(20) Df(20) Db(20) Kf(16) Kb(16). KH proves to the
 * client that the server computed the same K0; it is also kept as the
 * handshake's KH (tor copies it from the reply as its rend nonce).
 *
 * No public-key work: the first hop is already authenticated by the link
 * handshake. tor answers it inline on its main thread (command.c), and so
 * does onionq.c.
 */
#include <errno.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "controlplane/onion/onion_int.h"

#define HASH_LEN 20

/* KH then the relay keys from K0 = X | Y. */
static int
fast_expand(const uint8_t x[HASH_LEN], const uint8_t y[HASH_LEN],
	    uint8_t k[HASH_LEN + CP_ONION_KEYS_LEN])
{
	uint8_t k0[2 * HASH_LEN];
	int rc;

	memcpy(k0, x, HASH_LEN);
	memcpy(k0 + HASH_LEN, y, HASH_LEN);
	rc = cp_onion_kdf_tor(k0, sizeof(k0), k, HASH_LEN + CP_ONION_KEYS_LEN);
	OPENSSL_cleanse(k0, sizeof(k0));
	return rc;
}

enum cp_onion_fail
cp_onion_fast_server(const uint8_t *y, const uint8_t *hdata, size_t hlen,
		     uint8_t reply[WIRE_CREATED_FAST_LEN], struct cp_onion_keys *out)
{
	uint8_t k[HASH_LEN + CP_ONION_KEYS_LEN];
	enum cp_onion_fail f = CP_ONION_FAIL_CRYPTO;

	if (hlen != WIRE_CREATE_FAST_LEN)
		return CP_ONION_FAIL_LENGTH;
	if (y != NULL)
		memcpy(reply, y, HASH_LEN);
	else if (RAND_bytes(reply, HASH_LEN) != 1)
		goto out;
	if (fast_expand(hdata, reply, k) != 0)
		goto out;
	memcpy(reply + HASH_LEN, k, HASH_LEN);
	memcpy(out->kh, k, CP_ONION_KH_LEN);
	memcpy(out->keys, k + HASH_LEN, CP_ONION_KEYS_LEN);
	f = CP_ONION_OK;
out:
	OPENSSL_cleanse(k, sizeof(k));
	if (f != CP_ONION_OK) {
		OPENSSL_cleanse(reply, WIRE_CREATED_FAST_LEN);
		OPENSSL_cleanse(out, sizeof(*out));
	}
	return f;
}

int
cp_onion_fast_client_create(struct cp_onion_client *st, const uint8_t *x,
			    uint8_t out[WIRE_CREATE_FAST_LEN])
{
	memset(st, 0, sizeof(*st));
	st->htype = WIRE_HTYPE_FAST;
	if (x != NULL) {
		memcpy(st->x_sec, x, HASH_LEN);
	} else if (RAND_priv_bytes(st->x_sec, HASH_LEN) != 1) {
		cp_onion_client_wipe(st);
		return -EIO;
	}
	memcpy(out, st->x_sec, HASH_LEN);
	return 0;
}

int
cp_onion_fast_client_finish(const struct cp_onion_client *st, const uint8_t *reply,
			    size_t reply_len, struct cp_onion_keys *out)
{
	uint8_t k[HASH_LEN + CP_ONION_KEYS_LEN];
	int rc;

	if (reply_len != WIRE_CREATED_FAST_LEN) {
		OPENSSL_cleanse(out, sizeof(*out));
		return -EPROTO;
	}
	rc = fast_expand(st->x_sec, reply, k);
	if (rc == 0 && CRYPTO_memcmp(k, reply + HASH_LEN, HASH_LEN) != 0)
		rc = -EPROTO;
	if (rc == 0) {
		memcpy(out->kh, k, CP_ONION_KH_LEN);
		memcpy(out->keys, k + HASH_LEN, CP_ONION_KEYS_LEN);
	} else {
		OPENSSL_cleanse(out, sizeof(*out));
	}
	OPENSSL_cleanse(k, sizeof(k));
	return rc;
}
