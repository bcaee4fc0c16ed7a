/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief The ntor-v3 handshake (CREATE2 HTYPE 3), server and client, and Chive's policy
 *        for the client's extensions.
 *
 * Proposal 332 with the instantiation of its appendix A.1, PROTOID
 * "ntor3-curve25519-sha3_256-1":
 *
 *   ENCAP(s)    = len(s) as 8 bytes big-endian | s
 *   H(s, t)     = SHA3-256(ENCAP(t) | s)
 *   MAC(k, m, t)= SHA3-256(ENCAP(t) | ENCAP(k) | m)
 *   KDF(s, t)   = SHAKE-256(ENCAP(t) | s)
 *   ENC(k, m)   = AES-256-CTR, IV 0
 *
 *   client:  Bx = EXP(B, x)
 *            ENC_K1 | MAC_K1 = KDF(Bx | ID | X | B | PROTOID | ENCAP(VER), t_msgkdf)
 *            MSG = ENC(ENC_K1, CM); MAC = MAC(MAC_K1, ID | B | X | MSG, t_msgmac)
 *            sends ID | B | X | MSG | MAC
 *   server:  checks ID and B, the MAC with Xb = EXP(X, b); CM = DEC(ENC_K1, MSG);
 *            secret_input = Xy | Xb | ID | B | X | Y | PROTOID | ENCAP(VER)
 *            key_seed = H(secret_input, t_key_seed); verify = H(secret_input, t_verify)
 *            ENC_KEY | KEYSTREAM = KDF(key_seed, t_final)
 *            AUTH = H(verify | ID | B | Y | X | MAC | ENCAP(SMSG) | PROTOID | "Server",
 *                     t_auth)
 *            sends Y | AUTH | SMSG, SMSG = ENC(ENC_KEY, SM)
 *
 * For circuit extension (relay-checklist C3, tor's onion_crypto.c) VER is
 * "circuit extend", and the first 72 bytes of KEYSTREAM are Df Db Kf Kb,
 * the next 20 KH: tor asks for keys_out_len + DIGEST_LEN bytes and takes
 * the keys first, the rend nonce after them. The checklist's "ENC_KEY(32),
 * Df, Db, Kf, Kb, KH(20)" is the same order counted from the start of the
 * SHAKE output.
 *
 * Messages (relay-checklist C4; tor's trunnel/extension.trunnel): N_EXT(1)
 * then N_EXT times {type(1), len(1), body(len)}. Chive's server policy is
 * in onion.h; cp_onion_ntor3_policy() applies it.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <openssl/crypto.h>

#include "controlplane/onion/onion_int.h"

#define PROTOID "ntor3-curve25519-sha3_256-1"
#define PROTOID_LEN (sizeof(PROTOID) - 1)
#define T_MSGKDF PROTOID ":kdf_phase1"
#define T_MSGMAC PROTOID ":msg_mac"
#define T_KEY_SEED PROTOID ":key_seed"
#define T_VERIFY PROTOID ":verify"
#define T_FINAL PROTOID ":kdf_final"
#define T_AUTH PROTOID ":auth_final"
#define SERVER_STR "Server"

/* Offsets in the client handshake. */
#define OFF_ID 0
#define OFF_KEYID 32
#define OFF_X 64
#define OFF_MSG 96

/* phase1_keys = KDF_msgkdf(Bx | ID | X | B | PROTOID | ENCAP(VER)): ENC_K1(32) MAC_K1(32). */
static int
ntor3_phase1(uint8_t k1[64], const uint8_t bx[32], const uint8_t id[32], const uint8_t x_pub[32],
	     const uint8_t b_pub[32], const uint8_t *ver, size_t ver_len)
{
	uint8_t lt[8], lv[8];
	struct cp_onion_iov in[] = {
		{.p = lt, .n = 8},
		{.p = T_MSGKDF, .n = sizeof(T_MSGKDF) - 1},
		{.p = bx, .n = 32},
		{.p = id, .n = 32},
		{.p = x_pub, .n = 32},
		{.p = b_pub, .n = 32},
		{.p = PROTOID, .n = PROTOID_LEN},
		{.p = lv, .n = 8},
		{.p = ver, .n = ver_len},
	};

	cp_onion_encap_len(lt, sizeof(T_MSGKDF) - 1);
	cp_onion_encap_len(lv, ver_len);
	return cp_onion_shake256(k1, 64, in, sizeof(in) / sizeof(in[0]));
}

/* msg_mac = MAC_msgmac(MAC_K1, ID | B | X | MSG). */
static int
ntor3_msg_mac(uint8_t mac[32], const uint8_t mac_k1[32], const uint8_t id[32],
	      const uint8_t b_pub[32], const uint8_t x_pub[32], const uint8_t *emsg,
	      size_t emsg_len)
{
	uint8_t lt[8], lk[8];
	struct cp_onion_iov in[] = {
		{.p = lt, .n = 8},     {.p = T_MSGMAC, .n = sizeof(T_MSGMAC) - 1},
		{.p = lk, .n = 8},     {.p = mac_k1, .n = 32},
		{.p = id, .n = 32},    {.p = b_pub, .n = 32},
		{.p = x_pub, .n = 32}, {.p = emsg, .n = emsg_len},
	};

	cp_onion_encap_len(lt, sizeof(T_MSGMAC) - 1);
	cp_onion_encap_len(lk, 32);
	return cp_onion_sha3_256(mac, in, sizeof(in) / sizeof(in[0]));
}

/*
 * key_seed = H_key_seed(secret_input), verify = H_verify(secret_input), for
 * secret_input = dh_y | dh_b | ID | B | X | Y | PROTOID | ENCAP(VER); dh_y is
 * EXP(X, y) = EXP(Y, x) and dh_b is EXP(X, b) = EXP(B, x).
 */
static int
ntor3_seeds(const uint8_t dh_y[32], const uint8_t dh_b[32], const uint8_t id[32],
	    const uint8_t b_pub[32], const uint8_t x_pub[32], const uint8_t y_pub[32],
	    const uint8_t *ver, size_t ver_len, uint8_t key_seed[32], uint8_t verify[32])
{
	static const char *const tweak[2] = {T_KEY_SEED, T_VERIFY};
	uint8_t *const dst[2] = {key_seed, verify};
	uint8_t lt[8], lv[8];
	struct cp_onion_iov in[] = {
		{.p = lt, .n = 8},
		{.p = NULL, .n = 0}, /* the tweak, set below */
		{.p = dh_y, .n = 32},
		{.p = dh_b, .n = 32},
		{.p = id, .n = 32},
		{.p = b_pub, .n = 32},
		{.p = x_pub, .n = 32},
		{.p = y_pub, .n = 32},
		{.p = PROTOID, .n = PROTOID_LEN},
		{.p = lv, .n = 8},
		{.p = ver, .n = ver_len},
	};
	int rc = 0;

	cp_onion_encap_len(lv, ver_len);
	for (int i = 0; rc == 0 && i < 2; i++) {
		in[1].p = tweak[i];
		in[1].n = strlen(tweak[i]);
		cp_onion_encap_len(lt, in[1].n);
		rc = cp_onion_sha3_256(dst[i], in, sizeof(in) / sizeof(in[0]));
	}
	return rc;
}

/* AUTH = H_auth(verify | ID | B | Y | X | MAC | ENCAP(SMSG) | PROTOID | "Server"). */
static int
ntor3_auth(uint8_t auth[32], const uint8_t verify[32], const uint8_t id[32],
	   const uint8_t b_pub[32], const uint8_t y_pub[32], const uint8_t x_pub[32],
	   const uint8_t msg_mac[32], const uint8_t *smsg, size_t smsg_len)
{
	uint8_t lt[8], lm[8];
	struct cp_onion_iov in[] = {
		{.p = lt, .n = 8},
		{.p = T_AUTH, .n = sizeof(T_AUTH) - 1},
		{.p = verify, .n = 32},
		{.p = id, .n = 32},
		{.p = b_pub, .n = 32},
		{.p = y_pub, .n = 32},
		{.p = x_pub, .n = 32},
		{.p = msg_mac, .n = 32},
		{.p = lm, .n = 8},
		{.p = smsg, .n = smsg_len},
		{.p = PROTOID, .n = PROTOID_LEN},
		{.p = SERVER_STR, .n = sizeof(SERVER_STR) - 1},
	};

	cp_onion_encap_len(lt, sizeof(T_AUTH) - 1);
	cp_onion_encap_len(lm, smsg_len);
	return cp_onion_sha3_256(auth, in, sizeof(in) / sizeof(in[0]));
}

/* ENC_KEY(32) | KEYSTREAM(ks_len) = KDF_final(key_seed), into @p ek_ks. */
static int
ntor3_keystream(uint8_t *ek_ks, size_t ks_len, const uint8_t key_seed[32])
{
	uint8_t lt[8];
	struct cp_onion_iov in[] = {
		{.p = lt, .n = 8},
		{.p = T_FINAL, .n = sizeof(T_FINAL) - 1},
		{.p = key_seed, .n = 32},
	};

	cp_onion_encap_len(lt, sizeof(T_FINAL) - 1);
	return cp_onion_shake256(ek_ks, 32 + ks_len, in, sizeof(in) / sizeof(in[0]));
}

enum cp_onion_fail
cp_onion_ntor3_server_part1(const struct cp_onion_server_keys *sk, const uint8_t *ver,
			    size_t ver_len, const uint8_t *hdata, size_t hlen, uint8_t *cm,
			    size_t *cm_len, struct cp_ntor3_server_state *st)
{
	const struct cp_onion_ntor_key *key;
	uint8_t k1[64], mac[32];
	size_t emsg_len;
	enum cp_onion_fail f = CP_ONION_FAIL_CRYPTO;

	*cm_len = 0;
	if (hlen < CP_NTOR3_OVERHEAD || hlen > WIRE_CREATE2_HDATA_MAX)
		return CP_ONION_FAIL_LENGTH;
	emsg_len = hlen - CP_NTOR3_OVERHEAD;
	/* NODEID: our Ed25519 master identity. */
	if (CRYPTO_memcmp(hdata + OFF_ID, sk->ed_id, CP_NTOR3_ID_LEN) != 0)
		return CP_ONION_FAIL_NODEID;
	key = cp_onion_find_ntor_key(sk, hdata + OFF_KEYID);
	if (key == NULL)
		return CP_ONION_FAIL_KEYID;

	memcpy(st->id, sk->ed_id, 32);
	memcpy(st->b_pub, key->pub, 32);
	memcpy(st->x_pub, hdata + OFF_X, 32);
	memcpy(st->msg_mac, hdata + hlen - 32, 32);
	if (cp_onion_x25519(st->xb, key->sec, key->pub, st->x_pub) != 0)
		goto out;
	if (ntor3_phase1(k1, st->xb, st->id, st->x_pub, st->b_pub, ver, ver_len) != 0 ||
	    ntor3_msg_mac(mac, k1 + 32, st->id, st->b_pub, st->x_pub, hdata + OFF_MSG, emsg_len) !=
		    0)
		goto out;
	if (CRYPTO_memcmp(mac, st->msg_mac, 32) != 0)
		goto out;
	if (cp_onion_aes256ctr(k1, hdata + OFF_MSG, cm, emsg_len) != 0)
		goto out;
	*cm_len = emsg_len;
	f = CP_ONION_OK;
out:
	OPENSSL_cleanse(k1, sizeof(k1));
	OPENSSL_cleanse(mac, sizeof(mac));
	if (f != CP_ONION_OK) {
		OPENSSL_cleanse(st, sizeof(*st));
		OPENSSL_cleanse(cm, emsg_len);
	}
	return f;
}

enum cp_onion_fail
cp_onion_ntor3_server_part2(const struct cp_ntor3_server_state *st, const uint8_t *y_sec,
			    const uint8_t *ver, size_t ver_len, const uint8_t *sm, size_t sm_len,
			    uint8_t *reply, size_t reply_cap, size_t *reply_len, uint8_t *ks,
			    size_t ks_len)
{
	struct {
		uint8_t y[32], y_pub[32], xy[32], key_seed[32], verify[32];
		uint8_t ek_ks[32 + CP_NTOR3_KS_MAX];
	} s;
	enum cp_onion_fail f = CP_ONION_FAIL_CRYPTO;
	size_t len = CP_NTOR3_REPLY_OVERHEAD + sm_len;

	*reply_len = 0;
	if (ks_len > CP_NTOR3_KS_MAX || sm_len > CP_ONION_MSG_MAX || reply_cap < len)
		return CP_ONION_FAIL_CRYPTO;
	if (y_sec != NULL) {
		memcpy(s.y, y_sec, 32);
		if (cp_onion_x25519_pub(s.y_pub, s.y) != 0)
			goto out;
	} else if (cp_onion_x25519_keygen(s.y, s.y_pub) != 0) {
		goto out;
	}
	if (cp_onion_x25519(s.xy, s.y, s.y_pub, st->x_pub) != 0)
		goto out;
	if (ntor3_seeds(s.xy, st->xb, st->id, st->b_pub, st->x_pub, s.y_pub, ver, ver_len,
			s.key_seed, s.verify) != 0 ||
	    ntor3_keystream(s.ek_ks, ks_len, s.key_seed) != 0)
		goto out;
	/* AUTH covers the encrypted message. */
	if (cp_onion_aes256ctr(s.ek_ks, sm, reply + 64, sm_len) != 0 ||
	    ntor3_auth(reply + 32, s.verify, st->id, st->b_pub, s.y_pub, st->x_pub, st->msg_mac,
		       reply + 64, sm_len) != 0)
		goto out;
	memcpy(reply, s.y_pub, 32);
	memcpy(ks, s.ek_ks + 32, ks_len);
	*reply_len = len;
	f = CP_ONION_OK;
out:
	OPENSSL_cleanse(&s, sizeof(s));
	if (f != CP_ONION_OK) {
		OPENSSL_cleanse(reply, len);
		OPENSSL_cleanse(ks, ks_len);
	}
	return f;
}

enum cp_onion_fail
cp_onion_ntor3_policy(const uint8_t *cm, size_t cm_len, uint8_t *sm, size_t sm_cap, size_t *sm_len)
{
	bool subproto = false;
	size_t p = 1;

	*sm_len = 0;
	/* N_EXT; a message without it (zero bytes) is malformed, as tor's parser sees it. */
	if (cm_len < 1 || sm_cap < 1)
		return CP_ONION_FAIL_EXT;
	for (unsigned i = 0; i < cm[0]; i++) {
		uint8_t type, len;

		if (cm_len - p < 2)
			return CP_ONION_FAIL_EXT;
		type = cm[p];
		len = cm[p + 1];
		p += 2;
		if (cm_len - p < len)
			return CP_ONION_FAIL_EXT;
		p += len;
		/*
		 * CC_REQUEST: accepted, not granted (no FlowCtrl=2), so no
		 * CC_RESPONSE. SUBPROTO_REQUEST: Chive negotiates none
		 * (relay-checklist C13). Anything else: ignored (prop 332 A.2).
		 */
		if (type == CP_NTOR3_EXT_SUBPROTO_REQUEST)
			subproto = true;
	}
	/* Bytes after the last extension: not well-formed (prop 332 A.2 "MUST reject"). */
	if (p != cm_len)
		return CP_ONION_FAIL_EXT;
	if (subproto)
		return CP_ONION_FAIL_EXT_UNSUPPORTED;
	sm[0] = 0; /* zero extensions */
	*sm_len = 1;
	return CP_ONION_OK;
}

enum cp_onion_fail
cp_onion_ntor3_server(const struct cp_onion_server_keys *sk, const uint8_t *y_sec,
		      const uint8_t *hdata, size_t hlen, uint8_t *reply, size_t *reply_len,
		      struct cp_onion_keys *out)
{
	struct {
		struct cp_ntor3_server_state st;
		uint8_t cm[CP_NTOR3_CMSG_MAX];
		uint8_t ks[CP_ONION_KEYS_TOTAL];
	} s;
	uint8_t sm[1];
	size_t cm_len = 0, sm_len = 0;
	enum cp_onion_fail f;

	*reply_len = 0;
	f = cp_onion_ntor3_server_part1(sk, (const uint8_t *)CP_NTOR3_VERIFY_CIRC,
					CP_NTOR3_VERIFY_CIRC_LEN, hdata, hlen, s.cm, &cm_len,
					&s.st);
	if (f != CP_ONION_OK)
		return f;
	f = cp_onion_ntor3_policy(s.cm, cm_len, sm, sizeof(sm), &sm_len);
	if (f == CP_ONION_OK)
		f = cp_onion_ntor3_server_part2(&s.st, y_sec, (const uint8_t *)CP_NTOR3_VERIFY_CIRC,
						CP_NTOR3_VERIFY_CIRC_LEN, sm, sm_len, reply,
						CP_ONION_REPLY_MAX, reply_len, s.ks, sizeof(s.ks));
	if (f == CP_ONION_OK) {
		memcpy(out->keys, s.ks, CP_ONION_KEYS_LEN);
		memcpy(out->kh, s.ks + CP_ONION_KEYS_LEN, CP_ONION_KH_LEN);
	}
	OPENSSL_cleanse(&s, sizeof(s));
	return f;
}

int
cp_onion_ntor3_client_create(struct cp_onion_client *st, const uint8_t *x_sec,
			     const struct cp_onion_peer *peer, const uint8_t *ver, size_t ver_len,
			     const uint8_t *msg, size_t msg_len, uint8_t *out, size_t cap)
{
	uint8_t k1[64];
	int rc;

	if (msg_len > CP_ONION_MSG_MAX || cap < CP_NTOR3_OVERHEAD + msg_len)
		return -EMSGSIZE;
	memset(st, 0, sizeof(*st));
	st->htype = WIRE_HTYPE_NTOR_V3;
	st->peer = *peer;
	if (x_sec != NULL) {
		memcpy(st->x_sec, x_sec, 32);
		rc = cp_onion_x25519_pub(st->x_pub, st->x_sec);
	} else {
		rc = cp_onion_x25519_keygen(st->x_sec, st->x_pub);
	}
	if (rc == 0)
		rc = cp_onion_x25519(st->bx, st->x_sec, st->x_pub, peer->ntor_pub);
	if (rc == 0)
		rc = ntor3_phase1(k1, st->bx, peer->ed_id, st->x_pub, peer->ntor_pub, ver, ver_len);
	if (rc == 0)
		rc = cp_onion_aes256ctr(k1, msg, out + OFF_MSG, msg_len);
	if (rc == 0)
		rc = ntor3_msg_mac(st->msg_mac, k1 + 32, peer->ed_id, peer->ntor_pub, st->x_pub,
				   out + OFF_MSG, msg_len);
	OPENSSL_cleanse(k1, sizeof(k1));
	if (rc != 0) {
		cp_onion_client_wipe(st);
		OPENSSL_cleanse(out, CP_NTOR3_OVERHEAD + msg_len);
		return rc;
	}
	memcpy(out + OFF_ID, peer->ed_id, 32);
	memcpy(out + OFF_KEYID, peer->ntor_pub, 32);
	memcpy(out + OFF_X, st->x_pub, 32);
	memcpy(out + OFF_MSG + msg_len, st->msg_mac, 32);
	return (int)(CP_NTOR3_OVERHEAD + msg_len);
}

int
cp_onion_ntor3_client_finish(const struct cp_onion_client *st, const uint8_t *ver, size_t ver_len,
			     const uint8_t *reply, size_t reply_len, uint8_t *ks, size_t ks_len,
			     uint8_t *msg_out, size_t msg_cap, size_t *msg_len)
{
	struct {
		uint8_t yx[32], key_seed[32], verify[32], auth[32];
		uint8_t ek_ks[32 + CP_NTOR3_KS_MAX];
	} s;
	size_t smsg_len = 0;
	int rc;

	if (msg_len != NULL)
		*msg_len = 0;
	if (ks_len > CP_NTOR3_KS_MAX)
		return -EINVAL;
	if (reply_len < CP_NTOR3_REPLY_OVERHEAD ||
	    reply_len - CP_NTOR3_REPLY_OVERHEAD > CP_ONION_MSG_MAX) {
		rc = -EPROTO;
		goto out;
	}
	smsg_len = reply_len - CP_NTOR3_REPLY_OVERHEAD;
	if (smsg_len > msg_cap) {
		rc = -EMSGSIZE;
		goto out;
	}
	rc = cp_onion_x25519(s.yx, st->x_sec, st->x_pub, reply);
	if (rc == 0)
		rc = ntor3_seeds(s.yx, st->bx, st->peer.ed_id, st->peer.ntor_pub, st->x_pub, reply,
				 ver, ver_len, s.key_seed, s.verify);
	if (rc == 0)
		rc = ntor3_auth(s.auth, s.verify, st->peer.ed_id, st->peer.ntor_pub, reply,
				st->x_pub, st->msg_mac, reply + 64, smsg_len);
	if (rc == 0 && CRYPTO_memcmp(s.auth, reply + 32, 32) != 0)
		rc = -EPROTO;
	if (rc == 0)
		rc = ntor3_keystream(s.ek_ks, ks_len, s.key_seed);
	if (rc == 0)
		rc = cp_onion_aes256ctr(s.ek_ks, reply + 64, msg_out, smsg_len);
	if (rc == 0) {
		memcpy(ks, s.ek_ks + 32, ks_len);
		if (msg_len != NULL)
			*msg_len = smsg_len;
	}
out:
	OPENSSL_cleanse(&s, sizeof(s));
	if (rc != 0) {
		OPENSSL_cleanse(ks, ks_len);
		if (msg_out != NULL && msg_cap != 0)
			OPENSSL_cleanse(msg_out, msg_cap);
	}
	return rc;
}
