/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief The ntor handshake (CREATE2 HTYPE 2), server and client.
 *
 * tor-spec.txt §5.1.4, with H(x, t) = HMAC-SHA256(key t, message x) and
 * PROTOID "ntor-curve25519-sha256-1":
 *
 *   secret_input = EXP(X,y) | EXP(X,b) | ID | B | X | Y | PROTOID   (server)
 *                = EXP(Y,x) | EXP(B,x) | ID | B | X | Y | PROTOID   (client)
 *   verify       = H(secret_input, t_verify)
 *   auth_input   = verify | ID | B | Y | X | PROTOID | "Server"
 *   AUTH         = H(auth_input, t_mac)
 *   keys         = HKDF-SHA256(IKM secret_input, salt t_key, info m_expand)
 *                  -> Df(20) Db(20) Kf(16) Kb(16) KH(20)   (§5.2.2)
 *
 * The server fails early when NODEID is not our RSA identity digest or
 * KEYID names none of our ntor keys: both are public values, so the early
 * return leaks nothing the client did not send (tor also returns early on
 * NODEID; on KEYID it runs on with a junk key only to hide which of its
 * keys exist, which is public in its descriptor anyway). Any all-zero DH
 * output fails the handshake (CP_ONION_FAIL_CRYPTO).
 */
#include <errno.h>
#include <string.h>

#include <openssl/crypto.h>

#include "controlplane/onion/onion_int.h"

#define PROTOID "ntor-curve25519-sha256-1"
#define PROTOID_LEN (sizeof(PROTOID) - 1)
#define T_MAC PROTOID ":mac"
#define T_KEY PROTOID ":key_extract"
#define T_VERIFY PROTOID ":verify"
#define M_EXPAND PROTOID ":key_expand"
#define SERVER_STR "Server"
#define SERVER_STR_LEN (sizeof(SERVER_STR) - 1)

#define SECRET_INPUT_LEN (32 + 32 + CP_NTOR_ID_LEN + 32 + 32 + 32 + PROTOID_LEN)
#define AUTH_INPUT_LEN (32 + CP_NTOR_ID_LEN + 32 + 32 + 32 + PROTOID_LEN + SERVER_STR_LEN)

/* Append @p n bytes at @p src to *@p p and advance it. */
static void
put(uint8_t **p, const void *src, size_t n)
{
	memcpy(*p, src, n);
	*p += n;
}

/*
 * From the two DH outputs and the public values, compute AUTH and (if
 * @p out is not NULL) the key material. Both sides share this; only the
 * origin of dh1 and dh2 differs.
 */
static int
ntor_derive(const uint8_t dh1[32], const uint8_t dh2[32], const uint8_t id[CP_NTOR_ID_LEN],
	    const uint8_t b_pub[32], const uint8_t x_pub[32], const uint8_t y_pub[32],
	    uint8_t auth[32], struct cp_onion_keys *out)
{
	struct {
		uint8_t si[SECRET_INPUT_LEN];
		uint8_t ai[AUTH_INPUT_LEN];
		uint8_t verify[32];
		uint8_t k[CP_ONION_KEYS_TOTAL];
	} s;
	uint8_t *p;
	int rc;

	p = s.si;
	put(&p, dh1, 32);
	put(&p, dh2, 32);
	put(&p, id, CP_NTOR_ID_LEN);
	put(&p, b_pub, 32);
	put(&p, x_pub, 32);
	put(&p, y_pub, 32);
	put(&p, PROTOID, PROTOID_LEN);

	rc = cp_onion_hmac_sha256(s.verify, (const uint8_t *)T_VERIFY, sizeof(T_VERIFY) - 1,
				  &(struct cp_onion_iov){.p = s.si, .n = sizeof(s.si)}, 1);
	if (rc != 0)
		goto out;

	p = s.ai;
	put(&p, s.verify, 32);
	put(&p, id, CP_NTOR_ID_LEN);
	put(&p, b_pub, 32);
	put(&p, y_pub, 32);
	put(&p, x_pub, 32);
	put(&p, PROTOID, PROTOID_LEN);
	put(&p, SERVER_STR, SERVER_STR_LEN);
	rc = cp_onion_hmac_sha256(auth, (const uint8_t *)T_MAC, sizeof(T_MAC) - 1,
				  &(struct cp_onion_iov){.p = s.ai, .n = sizeof(s.ai)}, 1);
	if (rc != 0 || out == NULL)
		goto out;

	rc = cp_onion_hkdf_sha256(s.si, sizeof(s.si), (const uint8_t *)T_KEY, sizeof(T_KEY) - 1,
				  (const uint8_t *)M_EXPAND, sizeof(M_EXPAND) - 1, s.k,
				  sizeof(s.k));
	if (rc == 0) {
		memcpy(out->keys, s.k, CP_ONION_KEYS_LEN);
		memcpy(out->kh, s.k + CP_ONION_KEYS_LEN, CP_ONION_KH_LEN);
	}
out:
	OPENSSL_cleanse(&s, sizeof(s));
	return rc;
}

enum cp_onion_fail
cp_onion_ntor_server(const struct cp_onion_server_keys *sk, const uint8_t *y_sec,
		     const uint8_t *hdata, size_t hlen, uint8_t reply[WIRE_NTOR_REPLY_LEN],
		     struct cp_onion_keys *out)
{
	const struct cp_onion_ntor_key *key;
	const uint8_t *x_pub;
	struct {
		uint8_t xy[32], xb[32], y[32], y_pub[32];
	} s;
	enum cp_onion_fail f = CP_ONION_FAIL_CRYPTO;

	if (hlen != WIRE_NTOR_ONIONSKIN_LEN)
		return CP_ONION_FAIL_LENGTH;
	/* NODEID: the SHA-1 of our RSA identity key. */
	if (CRYPTO_memcmp(hdata, sk->rsa_id, CP_NTOR_ID_LEN) != 0)
		return CP_ONION_FAIL_NODEID;
	/* KEYID: the current or the previous ntor onion key (tor keeps both). */
	key = cp_onion_find_ntor_key(sk, hdata + CP_NTOR_ID_LEN);
	if (key == NULL)
		return CP_ONION_FAIL_KEYID;
	x_pub = hdata + CP_NTOR_ID_LEN + 32;

	if (cp_onion_x25519(s.xb, key->sec, key->pub, x_pub) != 0)
		goto out;
	if (y_sec != NULL) {
		memcpy(s.y, y_sec, 32);
		if (cp_onion_x25519_pub(s.y_pub, s.y) != 0)
			goto out;
	} else if (cp_onion_x25519_keygen(s.y, s.y_pub) != 0) {
		goto out;
	}
	if (cp_onion_x25519(s.xy, s.y, s.y_pub, x_pub) != 0)
		goto out;
	memcpy(reply, s.y_pub, 32);
	if (ntor_derive(s.xy, s.xb, sk->rsa_id, key->pub, x_pub, s.y_pub, reply + 32, out) != 0)
		goto out;
	f = CP_ONION_OK;
out:
	OPENSSL_cleanse(&s, sizeof(s));
	if (f != CP_ONION_OK) {
		OPENSSL_cleanse(reply, WIRE_NTOR_REPLY_LEN);
		OPENSSL_cleanse(out, sizeof(*out));
	}
	return f;
}

int
cp_onion_ntor_client_create(struct cp_onion_client *st, const uint8_t *x_sec,
			    const struct cp_onion_peer *peer, uint8_t out[WIRE_NTOR_ONIONSKIN_LEN])
{
	int rc;

	memset(st, 0, sizeof(*st));
	st->htype = WIRE_HTYPE_NTOR;
	st->peer = *peer;
	if (x_sec != NULL) {
		memcpy(st->x_sec, x_sec, 32);
		rc = cp_onion_x25519_pub(st->x_pub, st->x_sec);
	} else {
		rc = cp_onion_x25519_keygen(st->x_sec, st->x_pub);
	}
	if (rc != 0) {
		cp_onion_client_wipe(st);
		return rc;
	}
	memcpy(out, peer->rsa_id, CP_NTOR_ID_LEN);
	memcpy(out + CP_NTOR_ID_LEN, peer->ntor_pub, 32);
	memcpy(out + CP_NTOR_ID_LEN + 32, st->x_pub, 32);
	return 0;
}

int
cp_onion_ntor_client_finish(const struct cp_onion_client *st, const uint8_t *reply,
			    size_t reply_len, struct cp_onion_keys *out)
{
	struct {
		uint8_t yx[32], bx[32], auth[32];
	} s;
	int rc;

	if (reply_len != WIRE_NTOR_REPLY_LEN) {
		rc = -EPROTO;
		goto out;
	}
	/* Y must give a non-degenerate EXP(Y, x): the check that replaces group membership. */
	rc = cp_onion_x25519(s.yx, st->x_sec, st->x_pub, reply);
	if (rc == 0)
		rc = cp_onion_x25519(s.bx, st->x_sec, st->x_pub, st->peer.ntor_pub);
	if (rc == 0)
		rc = ntor_derive(s.yx, s.bx, st->peer.rsa_id, st->peer.ntor_pub, st->x_pub, reply,
				 s.auth, out);
	if (rc == 0 && CRYPTO_memcmp(s.auth, reply + 32, 32) != 0)
		rc = -EPROTO;
out:
	OPENSSL_cleanse(&s, sizeof(s));
	if (rc != 0)
		OPENSSL_cleanse(out, sizeof(*out));
	return rc;
}
