/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Tor's Ed25519 certificates (cert-spec.txt §2.1): make, parse, verify.
 *
 * Behaviour follows tor 0.4.9's torcert.c and its trunnel grammar
 * (ed25519_cert.trunnel): the parser is strict about lengths, the
 * signed-with-key extension must be exactly 32 bytes, and unknown
 * extensions are rejected only when they set AFFECTS_VALIDATION. Beyond
 * tor, the typed verifier also checks CERT_TYPE and CERT_KEY_TYPE, which
 * costs nothing against certificates tor makes.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/crypto.h>

#include "common/base/byteorder.h"
#include "controlplane/certs/edcert.h"

/* cert-spec.txt §2.1 field offsets. */
#define OFF_VERSION 0
#define OFF_TYPE 1
#define OFF_EXP 2
#define OFF_KEY_TYPE 6
#define OFF_KEY 7
#define OFF_N_EXT 39
#define OFF_EXT 40
/* ExtLength(2) | ExtType(1) | ExtFlags(1). */
#define EXT_HDR_LEN 4

uint32_t
cp_edcert_hours_ceil(time_t expires)
{
	uint64_t h;

	if (expires <= 0)
		return 0;
	h = ((uint64_t)expires + 3599) / 3600;
	return h > UINT32_MAX ? UINT32_MAX : (uint32_t)h;
}

int
cp_edcert_make(uint8_t *out, size_t out_len, uint8_t type, uint8_t key_type,
	       const uint8_t certified[32], uint32_t exp_hours, bool include_signer,
	       const struct cp_ed25519_key *signer)
{
	size_t len = include_signer ? CP_EDCERT_WITH_SIGNER_LEN : CP_EDCERT_MIN_LEN;
	size_t off = OFF_EXT;
	int rc;

	if (out_len < len)
		return -ENOBUFS;

	out[OFF_VERSION] = 1;
	out[OFF_TYPE] = type;
	be32_put(out + OFF_EXP, exp_hours);
	out[OFF_KEY_TYPE] = key_type;
	memcpy(out + OFF_KEY, certified, 32);
	out[OFF_N_EXT] = include_signer ? 1 : 0;
	if (include_signer) {
		/* cert-spec.txt §2.2.1: ExtLength = 32, ExtType = 04, flags 0
		 * (as tor writes it), ExtData = the signing key. */
		be16_put(out + off, 32);
		out[off + 2] = CP_EDCERT_EXT_SIGNED_WITH_KEY;
		out[off + 3] = 0;
		memcpy(out + off + EXT_HDR_LEN, signer->pub, 32);
		off += EXT_HDR_LEN + 32;
	}
	/* cert-spec.txt §2.1: "The signature is formed by signing the first
	 * N-64 bytes of the certificate", with no prefix (checklist A4). */
	rc = cp_ed25519_sign(out + off, out, off, signer);
	if (rc < 0)
		return rc;
	return (int)len;
}

int
cp_edcert_make_ntor_crosscert(uint8_t *out, size_t out_len, const uint8_t ntor_sec[32],
			      const uint8_t master_pub[32], uint32_t exp_hours, int *signbit)
{
	struct cp_ed25519_key k;
	int rc;

	rc = cp_ed25519_from_curve25519(&k, signbit, ntor_sec);
	if (rc < 0)
		goto out;
	/* routerkeys.c make_ntor_onion_key_crosscert(): CERT_TYPE_ONION_ID,
	 * certified key = master identity, no extension. */
	rc = cp_edcert_make(out, out_len, CP_EDCERT_TYPE_NTOR_CC, CP_EDCERT_KEY_ED25519, master_pub,
			    exp_hours, false, &k);
out:
	cp_ed25519_wipe(&k);
	return rc;
}

enum cp_cert_err
cp_edcert_parse(const uint8_t *buf, size_t len, struct cp_edcert *out)
{
	size_t off = OFF_EXT;
	unsigned int n_ext;
	unsigned int i;

	memset(out, 0, sizeof(*out));
	if (len < CP_EDCERT_MIN_LEN)
		return CP_CERT_ERR_ED_TRUNCATED;
	if (buf[OFF_VERSION] != 1)
		return CP_CERT_ERR_ED_VERSION;

	n_ext = buf[OFF_N_EXT];
	/* At most 255 extensions; each step consumes at least 4 bytes. */
	for (i = 0; i < n_ext; i++) {
		uint16_t elen;
		uint8_t etype;
		uint8_t eflags;

		if (len - off < EXT_HDR_LEN)
			return CP_CERT_ERR_ED_TRUNCATED;
		elen = be16_get(buf + off);
		etype = buf[off + 2];
		eflags = buf[off + 3];
		/* "It is an error for an extension to be truncated." */
		if (len - off - EXT_HDR_LEN < elen)
			return CP_CERT_ERR_ED_TRUNCATED;
		if (etype == CP_EDCERT_EXT_SIGNED_WITH_KEY) {
			/* The trunnel union is "with length ext_length" around
			 * a u8[32], so any other length fails to parse. */
			if (elen != 32)
				return CP_CERT_ERR_ED_EXT_LEN;
			if (out->has_signer)
				return CP_CERT_ERR_ED_EXT_DUP;
			out->has_signer = true;
			memcpy(out->signer, buf + off + EXT_HDR_LEN, 32);
		} else if (eflags & CP_EDCERT_EXT_FLAG_AFFECTS_VALIDATION) {
			/* "clients must not accept the certificate as valid
			 * unless they understand the extension." */
			return CP_CERT_ERR_ED_EXT_UNKNOWN;
		}
		off += EXT_HDR_LEN + elen;
	}
	if (len - off < CP_EDCERT_SIG_LEN)
		return CP_CERT_ERR_ED_TRUNCATED;
	if (len - off > CP_EDCERT_SIG_LEN)
		return CP_CERT_ERR_ED_TRAILING;

	out->type = buf[OFF_TYPE];
	out->exp_hours = be32_get(buf + OFF_EXP);
	out->key_type = buf[OFF_KEY_TYPE];
	memcpy(out->key, buf + OFF_KEY, 32);
	out->encoded = buf;
	out->encoded_len = len;
	return CP_CERT_OK;
}

bool
cp_edcert_is_expired(const struct cp_edcert *c, time_t now)
{
	/* torcert.c: valid_until = exp_field * 3600; "now > expires". */
	return now > 0 && (uint64_t)now > (uint64_t)c->exp_hours * 3600;
}

enum cp_cert_err
cp_edcert_check(const struct cp_edcert *c, const uint8_t *signer_pub, time_t now)
{
	const uint8_t *key = signer_pub;
	size_t signed_len;

	if (key == NULL) {
		if (!c->has_signer)
			return CP_CERT_ERR_ED_NO_SIGNER;
		key = c->signer;
	} else if (c->has_signer && CRYPTO_memcmp(c->signer, signer_pub, 32) != 0) {
		return CP_CERT_ERR_ED_SIGNER;
	}
	if (cp_edcert_is_expired(c, now))
		return CP_CERT_ERR_ED_EXPIRED;
	signed_len = c->encoded_len - CP_EDCERT_SIG_LEN;
	if (!cp_ed25519_verify(c->encoded + signed_len, c->encoded, signed_len, key))
		return CP_CERT_ERR_ED_SIG;
	return CP_CERT_OK;
}

/* Tell whether @p key_type is acceptable for certificate type @p type. */
static bool
edcert_key_type_fits(uint8_t type, uint8_t key_type)
{
	switch (type) {
	case CP_EDCERT_TYPE_SIGNING_LINK:
		/* cert-spec.txt A.4: before 0.4.5.1-alpha tor wrote 01 here;
		 * "Implementations SHOULD allow 01 in this position". */
		return key_type == CP_EDCERT_KEY_SHA256_X509 || key_type == CP_EDCERT_KEY_ED25519;
	case CP_EDCERT_TYPE_ID_SIGNING:
	case CP_EDCERT_TYPE_SIGNING_AUTH:
	case CP_EDCERT_TYPE_NTOR_CC:
		return key_type == CP_EDCERT_KEY_ED25519;
	default:
		return true;
	}
}

enum cp_cert_err
cp_edcert_verify(const uint8_t *buf, size_t len, uint8_t type, const uint8_t *signer_pub,
		 time_t now, struct cp_edcert *out)
{
	enum cp_cert_err err;

	err = cp_edcert_parse(buf, len, out);
	if (err != CP_CERT_OK)
		return err;
	if (out->type != type)
		return CP_CERT_ERR_ED_TYPE;
	if (!edcert_key_type_fits(type, out->key_type))
		return CP_CERT_ERR_ED_KEY_TYPE;
	/* torcert.c or_handshake_certs_ed25519_ok(): the identity -> signing
	 * cert must name its signer ("No Ed25519 signing key"). */
	if (type == CP_EDCERT_TYPE_ID_SIGNING && !out->has_signer)
		return CP_CERT_ERR_ED_NO_SIGNER;
	return cp_edcert_check(out, signer_pub, now);
}

int
cp_edcert_ed_from_x25519_pub(uint8_t ed_pub[32], const uint8_t x25519_pub[32], int signbit)
{
	/* p = 2^255 - 19, big-endian. */
	static const uint8_t p_be[32] = {
		0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xed,
	};
	uint8_t u_le[32];
	BN_CTX *ctx = NULL;
	BIGNUM *p, *u, *num, *den, *y;
	int rc = -ENOMEM;

	if (signbit != 0 && signbit != 1)
		return -EINVAL;
	/* RFC 7748 §5: the top bit of u is ignored (ref10 fe_frombytes). */
	memcpy(u_le, x25519_pub, 32);
	u_le[31] &= 0x7f;

	ctx = BN_CTX_new();
	if (ctx == NULL)
		return -ENOMEM;
	BN_CTX_start(ctx);
	p = BN_CTX_get(ctx);
	u = BN_CTX_get(ctx);
	num = BN_CTX_get(ctx);
	den = BN_CTX_get(ctx);
	y = BN_CTX_get(ctx);
	if (y == NULL || BN_bin2bn(p_be, 32, p) == NULL || BN_lebin2bn(u_le, 32, u) == NULL)
		goto out;
	/* y = (u - 1) / (u + 1) mod p; ref10 inverts 0 to 0, so u = -1
	 * gives y = 0 there, and here too. */
	if (!BN_mod_sub(num, u, BN_value_one(), p, ctx) ||
	    !BN_mod_add(den, u, BN_value_one(), p, ctx))
		goto out;
	if (BN_is_zero(den)) {
		BN_zero(y);
	} else {
		if (BN_mod_inverse(den, den, p, ctx) == NULL || !BN_mod_mul(y, num, den, p, ctx))
			goto out;
	}
	if (BN_bn2lebinpad(y, ed_pub, 32) != 32)
		goto out;
	ed_pub[31] |= (uint8_t)(signbit << 7);
	rc = 0;
out:
	BN_CTX_end(ctx);
	BN_CTX_free(ctx);
	return rc;
}

enum cp_cert_err
cp_edcert_verify_ntor_crosscert(const uint8_t *buf, size_t len, const uint8_t ntor_pub[32],
				int signbit, const uint8_t master_pub[32], time_t now)
{
	struct cp_edcert c;
	uint8_t ed_pub[32];
	enum cp_cert_err err;

	if (cp_edcert_ed_from_x25519_pub(ed_pub, ntor_pub, signbit) < 0)
		return signbit != 0 && signbit != 1 ? CP_CERT_ERR_ED_SIGNER : CP_CERT_ERR_INTERNAL;
	err = cp_edcert_verify(buf, len, CP_EDCERT_TYPE_NTOR_CC, ed_pub, now, &c);
	if (err != CP_CERT_OK)
		return err;
	if (CRYPTO_memcmp(c.key, master_pub, 32) != 0)
		return CP_CERT_ERR_ED_SIGNER;
	return CP_CERT_OK;
}

/* Build the NUL-padded tagged header; return 0 or -EINVAL if it does not fit. */
static int
edcert_tagged_header(char hdr[CP_EDCERT_TAGGED_HDR_LEN], const char *typestring, const char *tag)
{
	int n;

	memset(hdr, 0, CP_EDCERT_TAGGED_HDR_LEN);
	n = snprintf(hdr, CP_EDCERT_TAGGED_HDR_LEN, "== %s: %s ==", typestring, tag);
	if (n < 0 || n >= CP_EDCERT_TAGGED_HDR_LEN)
		return -EINVAL;
	return 0;
}

int
cp_edcert_tagged_decode(const uint8_t *file, size_t len, const char *typestring, const char *tag,
			const uint8_t **body, size_t *body_len)
{
	char hdr[CP_EDCERT_TAGGED_HDR_LEN];

	if (edcert_tagged_header(hdr, typestring, tag) < 0)
		return -EINVAL;
	if (len < CP_EDCERT_TAGGED_HDR_LEN || memcmp(file, hdr, CP_EDCERT_TAGGED_HDR_LEN) != 0)
		return -EINVAL;
	*body = file + CP_EDCERT_TAGGED_HDR_LEN;
	*body_len = len - CP_EDCERT_TAGGED_HDR_LEN;
	return 0;
}

int
cp_edcert_tagged_encode(uint8_t *out, size_t out_len, const char *typestring, const char *tag,
			const uint8_t *body, size_t body_len)
{
	char hdr[CP_EDCERT_TAGGED_HDR_LEN];

	if (edcert_tagged_header(hdr, typestring, tag) < 0)
		return -EINVAL;
	if (out_len < CP_EDCERT_TAGGED_HDR_LEN || out_len - CP_EDCERT_TAGGED_HDR_LEN < body_len)
		return -ENOBUFS;
	memcpy(out, hdr, CP_EDCERT_TAGGED_HDR_LEN);
	if (body_len > 0)
		memmove(out + CP_EDCERT_TAGGED_HDR_LEN, body, body_len);
	return (int)(CP_EDCERT_TAGGED_HDR_LEN + body_len);
}
