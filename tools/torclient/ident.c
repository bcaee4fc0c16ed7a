/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Who a hop is: --hop SPEC parsing and a relay's public keys from its DataDirectory.
 *
 * A tor (or Chive) DataDirectory holds the files of controlplane/keys/keys.h.
 * A test tool needs only public values from it, so this reads:
 *
 * - the RSA fingerprint from `fingerprint` ("nickname HEX40", written by
 *   tor), else from `keys/secret_id_key`: the key is parsed, its PKCS#1 DER
 *   public half digested with SHA-1 (relay-checklist A2) and freed at once;
 * - the Ed25519 identity from `keys/ed25519_master_id_public_key` (a
 *   32-byte "== ed25519v1-public: type0 ==" header, then the key), else
 *   `fingerprint-ed25519` ("nickname BASE64");
 * - the ntor onion key from `keys/secret_onion_key_ntor`: a 32-byte
 *   "== c25519v1: onion ==" header, the 32-byte secret, the 32-byte public
 *   key. Only the header and bytes 64..95 are read; the secret never enters
 *   this process.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "tools/torclient/tc.h"

/* Tagged key files (controlplane/keys/keys_int.h): a 32-byte NUL-padded header. */
#define TAG_HDR 32

/* Read @p n bytes at @p off of @p path, exactly; 0 or -errno. */
static int
read_at(const char *path, void *buf, size_t n, off_t off, off_t want_size)
{
	struct stat st;
	ssize_t r;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int rc = 0;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) != 0) {
		rc = -errno;
	} else if (want_size >= 0 && st.st_size != want_size) {
		rc = -EINVAL;
	} else {
		r = pread(fd, buf, n, off);
		if (r < 0)
			rc = -errno;
		else if ((size_t)r != n)
			rc = -EINVAL;
	}
	close(fd);
	return rc;
}

/* Check that the 32-byte header at the start of @p path is "== @p tag ==". */
static int
check_tag(const char *path, const char *tag, off_t size)
{
	char hdr[TAG_HDR + 1], want[TAG_HDR + 1];
	int rc = read_at(path, hdr, TAG_HDR, 0, size);

	if (rc != 0)
		return rc;
	hdr[TAG_HDR] = '\0';
	snprintf(want, sizeof(want), "== %s ==", tag);
	return strcmp(hdr, want) == 0 ? 0 : -EINVAL;
}

/* Read the second white-space separated word of the first line of @p path. */
static int
read_second_word(const char *path, char *out, size_t len)
{
	char line[256], *save = NULL, *w;
	FILE *f = fopen(path, "re");
	int rc = -EINVAL;

	if (f == NULL)
		return -errno;
	if (fgets(line, sizeof(line), f) != NULL && strtok_r(line, " \t\r\n", &save) != NULL &&
	    (w = strtok_r(NULL, " \t\r\n", &save)) != NULL && strlen(w) < len) {
		snprintf(out, len, "%s", w);
		rc = 0;
	}
	fclose(f);
	return rc;
}

/* SHA-1 of the PKCS#1 DER public key in tor's secret_id_key (PEM plus a NUL). */
static int
rsa_id_from_secret_key(const char *path, uint8_t out[20])
{
	uint8_t *der = NULL;
	unsigned int dlen = 0;
	EVP_PKEY *pk = NULL;
	BIO *b;
	int n, rc = -EINVAL;

	b = BIO_new_file(path, "r");
	if (b == NULL)
		return -ENOENT;
	pk = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);
	BIO_free(b);
	if (pk == NULL || EVP_PKEY_get_base_id(pk) != EVP_PKEY_RSA)
		goto out;
	n = i2d_PublicKey(pk, &der); /* RSA: PKCS#1 RSAPublicKey */
	if (n > 0 && EVP_Digest(der, (size_t)n, out, &dlen, EVP_sha1(), NULL) == 1 && dlen == 20)
		rc = 0;
	OPENSSL_free(der);
out:
	EVP_PKEY_free(pk); /* frees (and clears) the private key */
	return rc;
}

int
tc_ident_read_datadir(const char *dir, struct tc_hop *h, char *err, size_t errlen)
{
	char path[512], word[128];
	uint8_t buf[32];
	int rc;

	/* RSA identity */
	snprintf(path, sizeof(path), "%s/fingerprint", dir);
	if (read_second_word(path, word, sizeof(word)) == 0 && tc_unhex(word, h->rsa_id, 20) == 0) {
		/* tor's file */
	} else {
		snprintf(path, sizeof(path), "%s/keys/secret_id_key", dir);
		rc = rsa_id_from_secret_key(path, h->rsa_id);
		if (rc != 0) {
			snprintf(err, errlen, "%s: no fingerprint file and no readable %s", dir,
				 path);
			return rc;
		}
	}
	/* Ed25519 identity */
	snprintf(path, sizeof(path), "%s/keys/ed25519_master_id_public_key", dir);
	if (check_tag(path, "ed25519v1-public: type0", TAG_HDR + 32) == 0 &&
	    read_at(path, buf, 32, TAG_HDR, TAG_HDR + 32) == 0) {
		memcpy(h->ed_id, buf, 32);
		h->has_ed = true;
	} else {
		snprintf(path, sizeof(path), "%s/fingerprint-ed25519", dir);
		if (read_second_word(path, word, sizeof(word)) == 0 &&
		    tc_unb64_32(word, h->ed_id) == 0)
			h->has_ed = true;
	}
	if (!h->has_ed) {
		snprintf(err, errlen, "%s: no readable Ed25519 identity", dir);
		return -ENOENT;
	}
	/* ntor onion key: header, secret(32), public(32); read only the public half. */
	snprintf(path, sizeof(path), "%s/keys/secret_onion_key_ntor", dir);
	rc = check_tag(path, "c25519v1: onion", TAG_HDR + 64);
	if (rc == 0)
		rc = read_at(path, buf, 32, TAG_HDR + 32, TAG_HDR + 64);
	if (rc != 0) {
		snprintf(err, errlen, "%s: cannot read the public ntor key: %s", path,
			 rc == -EINVAL ? "not a c25519v1 onion key file" : strerror(-rc));
		return rc;
	}
	memcpy(h->ntor_pub, buf, 32);
	h->has_ntor = true;
	return 0;
}

int
tc_hop_parse(const char *spec, struct tc_hop *h, char *err, size_t errlen)
{
	char buf[1024], *field[5], *save = NULL, *p;
	unsigned n = 0;
	const char *fp;

	memset(h, 0, sizeof(*h));
	if (strlen(spec) >= sizeof(buf)) {
		snprintf(err, errlen, "hop spec too long");
		return -EINVAL;
	}
	snprintf(buf, sizeof(buf), "%s", spec);
	for (p = strtok_r(buf, ",", &save); p != NULL && n < 5; p = strtok_r(NULL, ",", &save))
		field[n++] = p;
	if (n != 2 && n != 4) {
		snprintf(err, errlen,
			 "hop '%s': want ADDR:PORT,DATADIR or ADDR:PORT,RSAFP,ED25519,NTOR", spec);
		return -EINVAL;
	}
	if (tc_parse_addr(field[0], &h->addr) != 0) {
		snprintf(err, errlen, "hop '%s': bad address '%s' (want A.B.C.D:PORT)", spec,
			 field[0]);
		return -EINVAL;
	}
	tc_fmt_addr(&h->addr, h->name, sizeof(h->name));
	if (n == 2)
		return tc_ident_read_datadir(field[1], h, err, errlen);
	fp = field[1][0] == '$' ? field[1] + 1 : field[1];
	if (tc_unhex(fp, h->rsa_id, 20) != 0) {
		snprintf(err, errlen, "hop '%s': bad RSA fingerprint (want 40 hex digits)", spec);
		return -EINVAL;
	}
	if (strcmp(field[2], "-") != 0) {
		if (tc_unb64_32(field[2], h->ed_id) != 0) {
			snprintf(err, errlen, "hop '%s': bad Ed25519 identity (want 43 base64)",
				 spec);
			return -EINVAL;
		}
		h->has_ed = true;
	}
	if (strcmp(field[3], "-") != 0) {
		if (tc_unb64_32(field[3], h->ntor_pub) != 0) {
			snprintf(err, errlen, "hop '%s': bad ntor key (want 43 base64)", spec);
			return -EINVAL;
		}
		h->has_ntor = true;
	}
	return 0;
}

void
tc_hop_print(const struct tc_hop *h, FILE *f)
{
	char fp[41], ed[44], nt[44];

	tc_hex(h->rsa_id, 20, fp);
	if (h->has_ed)
		tc_b64_32(h->ed_id, ed);
	else
		snprintf(ed, sizeof(ed), "-");
	if (h->has_ntor)
		tc_b64_32(h->ntor_pub, nt);
	else
		snprintf(nt, sizeof(nt), "-");
	fprintf(f, "%s %s %s\n", fp, ed, nt);
}
