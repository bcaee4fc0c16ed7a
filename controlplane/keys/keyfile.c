/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief tor's key file formats and the file I/O of the key store.
 *
 * Everything that touches bytes on disk lives here: the 32-byte-header
 * "tagged" files of crypto_format.c (Ed25519 and curve25519 keys, the
 * signing cert), the PEM "RSA PRIVATE KEY" files of crypto_rsa.c, the mode
 * check for secret files, and atomic replacement (temporary file with
 * O_EXCL and mode 0600, fsync, rename, fsync of the directory).
 *
 * Every buffer that held secret bytes (file contents, DER, base64) is wiped
 * with OPENSSL_cleanse() before it is freed. Error messages name the file
 * and never quote key material.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "controlplane/keys/keys_int.h"
#include "controlplane/util.h"

#define PEM_RSA_BEGIN "-----BEGIN RSA PRIVATE KEY-----"
#define PEM_RSA_END "-----END RSA PRIVATE KEY-----"
#define PEM_LINE_BYTES 48 /* 64 base64 characters per line, as tor and OpenSSL write */

int
cp_keyfile_err(char *err, size_t errlen, int rc, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return rc;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return rc;
}

static int
mode_err(const char *path, const struct stat *st, char *err, size_t errlen)
{
	return cp_keyfile_err(err, errlen, -EPERM,
			      "%s has mode %04o: a secret key file must not be accessible by group "
			      "or others (chmod 600 %s)",
			      path, (unsigned int)(st->st_mode & 07777), path);
}

int
cp_keyfile_check_secret(const char *path, bool *present, char *err, size_t errlen)
{
	struct stat st;
	int rc;

	*present = false;
	if (stat(path, &st) != 0) {
		rc = -errno;
		if (rc == -ENOENT)
			return 0;
		return cp_keyfile_err(err, errlen, rc, "cannot stat %s: %s", path, strerror(-rc));
	}
	if (!S_ISREG(st.st_mode))
		return cp_keyfile_err(err, errlen, -EINVAL, "%s is not a regular file", path);
	if ((st.st_mode & 0077) != 0)
		return mode_err(path, &st, err, errlen);
	*present = true;
	return 0;
}

int
cp_keyfile_read(const char *path, bool secret, uint8_t **out, size_t *len, struct stat *st_out,
		char *err, size_t errlen)
{
	struct stat st;
	uint8_t *buf;
	size_t size, off = 0;
	int fd, rc;

	*out = NULL;
	*len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		if (rc == -ENOENT)
			return cp_keyfile_err(err, errlen, rc, "%s does not exist", path);
		return cp_keyfile_err(err, errlen, rc, "cannot open %s: %s", path, strerror(-rc));
	}
	if (fstat(fd, &st) != 0) {
		rc = -errno;
		close(fd);
		return cp_keyfile_err(err, errlen, rc, "cannot stat %s: %s", path, strerror(-rc));
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return cp_keyfile_err(err, errlen, -EINVAL, "%s is not a regular file", path);
	}
	/* Checked on the open descriptor, so the file cannot be swapped in between. */
	if (secret && (st.st_mode & 0077) != 0) {
		close(fd);
		return mode_err(path, &st, err, errlen);
	}
	if (st.st_size < 0 || (uintmax_t)st.st_size > CP_KEYFILE_MAX) {
		close(fd);
		return cp_keyfile_err(err, errlen, -EFBIG,
				      "%s is too large for a key file (%jd bytes)", path,
				      (intmax_t)st.st_size);
	}
	size = (size_t)st.st_size;
	buf = cp_xmalloc(size);
	while (off < size) {
		ssize_t n = read(fd, buf + off, size - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = n < 0 ? -errno : -EIO;
			close(fd);
			OPENSSL_cleanse(buf, size);
			free(buf);
			return cp_keyfile_err(err, errlen, rc, "cannot read %s: %s", path,
					      n < 0 ? strerror(-rc) : "file shrank while reading");
		}
		off += (size_t)n;
	}
	close(fd);
	if (st_out != NULL)
		*st_out = st;
	*out = buf;
	*len = size;
	return 0;
}

static int
write_all(int fd, const uint8_t *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* fsync the directory holding @p path, so that a rename survives a crash. */
static int
fsync_parent(const char *path)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	size_t n;
	int fd, rc = 0;

	if (slash == NULL) {
		strcpy(dir, ".");
	} else {
		n = slash == path ? 1 : (size_t)(slash - path);
		if (n >= sizeof(dir))
			return -ENAMETOOLONG;
		memcpy(dir, path, n);
		dir[n] = '\0';
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fsync(fd) != 0)
		rc = -errno;
	close(fd);
	return rc;
}

int
cp_keyfile_write(const char *path, const void *data, size_t len, char *err, size_t errlen)
{
	char tmp[PATH_MAX];
	int fd, rc;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp))
		return cp_keyfile_err(err, errlen, -ENAMETOOLONG, "path too long: %s", path);
	/* A leftover from a crash would make O_EXCL fail forever; it holds nothing we need. */
	if (unlink(tmp) != 0 && errno != ENOENT) {
		rc = -errno;
		return cp_keyfile_err(err, errlen, rc, "cannot remove stale %s: %s", tmp,
				      strerror(-rc));
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		rc = -errno;
		return cp_keyfile_err(err, errlen, rc, "cannot create %s: %s", tmp, strerror(-rc));
	}
	/* The umask may have taken bits away; it must not leave us with fewer than rw. */
	rc = fchmod(fd, 0600) != 0 ? -errno : 0;
	if (rc == 0)
		rc = write_all(fd, data, len);
	if (rc == 0 && fsync(fd) != 0)
		rc = -errno;
	if (close(fd) != 0 && rc == 0)
		rc = -errno;
	if (rc == 0 && rename(tmp, path) != 0)
		rc = -errno;
	if (rc != 0) {
		unlink(tmp);
		return cp_keyfile_err(err, errlen, rc, "cannot write %s: %s", path, strerror(-rc));
	}
	rc = fsync_parent(path);
	if (rc != 0)
		return cp_keyfile_err(err, errlen, rc, "cannot sync the directory of %s: %s", path,
				      strerror(-rc));
	return 0;
}

/* True if @p hdr is "== <printable text> ==" padded with NULs, as tor checks. */
static bool
tag_hdr_is_wellformed(const uint8_t hdr[CP_KEYFILE_TAG_HDR])
{
	size_t n = 0;

	while (n < CP_KEYFILE_TAG_HDR && hdr[n] != 0) {
		if (hdr[n] < 0x20 || hdr[n] > 0x7e)
			return false;
		n++;
	}
	if (n < 6 || n == CP_KEYFILE_TAG_HDR || memcmp(hdr, "== ", 3) != 0 ||
	    memcmp(hdr + n - 3, " ==", 3) != 0)
		return false;
	for (size_t i = n; i < CP_KEYFILE_TAG_HDR; i++)
		if (hdr[i] != 0)
			return false;
	return true;
}

static int
tag_hdr_make(uint8_t hdr[CP_KEYFILE_TAG_HDR], const char *type, const char *tag)
{
	char text[CP_KEYFILE_TAG_HDR + 1];
	int n = snprintf(text, sizeof(text), "== %s: %s ==", type, tag);

	/* crypto_write_tagged_contents_to_file(): the text must fit with its NUL. */
	if (n < 0 || n >= CP_KEYFILE_TAG_HDR)
		return -EINVAL;
	memset(hdr, 0, CP_KEYFILE_TAG_HDR);
	memcpy(hdr, text, (size_t)n);
	return 0;
}

int
cp_keyfile_tagged_read(const char *path, const char *type, const char *tag, bool secret,
		       uint8_t *out, size_t want, bool max, size_t *got, char *err, size_t errlen)
{
	uint8_t expect[CP_KEYFILE_TAG_HDR];
	uint8_t *buf;
	size_t len, body;
	int rc;

	if (tag_hdr_make(expect, type, tag) != 0)
		return cp_keyfile_err(err, errlen, -EINVAL, "bad tag for %s", path);
	rc = cp_keyfile_read(path, secret, &buf, &len, NULL, err, errlen);
	if (rc != 0)
		return rc;
	if (len < CP_KEYFILE_TAG_HDR) {
		rc = cp_keyfile_err(err, errlen, -EINVAL,
				    "%s is truncated: %zu bytes, shorter than the 32-byte header "
				    "of a tor key file",
				    path, len);
	} else if (memcmp(buf, expect, CP_KEYFILE_TAG_HDR) != 0) {
		if (tag_hdr_is_wellformed(buf))
			rc = cp_keyfile_err(err, errlen, -EINVAL,
					    "%s has header \"%s\", expected \"%s\"", path,
					    (const char *)buf, (const char *)expect);
		else
			rc = cp_keyfile_err(err, errlen, -EINVAL,
					    "%s is not a tor key file (no \"== ... ==\" header)",
					    path);
	} else {
		body = len - CP_KEYFILE_TAG_HDR;
		if (max ? body == 0 || body > want : body != want) {
			rc = cp_keyfile_err(
				err, errlen, -EINVAL,
				"%s is corrupt: %zu bytes after the header, expected %s%zu", path,
				body, max ? "at most " : "", want);
		} else {
			memcpy(out, buf + CP_KEYFILE_TAG_HDR, body);
			*got = body;
		}
	}
	OPENSSL_cleanse(buf, len);
	free(buf);
	return rc;
}

int
cp_keyfile_tagged_write(const char *path, const char *type, const char *tag, const uint8_t *data,
			size_t len, char *err, size_t errlen)
{
	size_t total = CP_KEYFILE_TAG_HDR + len;
	uint8_t *buf;
	int rc;

	buf = cp_xmalloc(total);
	if (tag_hdr_make(buf, type, tag) != 0) {
		free(buf);
		return cp_keyfile_err(err, errlen, -EINVAL, "bad tag for %s", path);
	}
	memcpy(buf + CP_KEYFILE_TAG_HDR, data, len);
	rc = cp_keyfile_write(path, buf, total, err, errlen);
	OPENSSL_cleanse(buf, total);
	free(buf);
	return rc;
}

int
cp_keyfile_rsa_encode(EVP_PKEY *key, char **out, size_t *len)
{
	unsigned char *der = NULL;
	size_t cap, pos = 0;
	char *pem;
	int n;

	/* For an RSA key this is the "type-specific" DER: PKCS#1 RSAPrivateKey. */
	n = i2d_PrivateKey(key, &der);
	if (n <= 0)
		return -EIO;
	cap = sizeof(PEM_RSA_BEGIN) + sizeof(PEM_RSA_END) + 4 * ((size_t)n / 3 + 1) +
	      (size_t)n / PEM_LINE_BYTES + 8;
	pem = cp_xmalloc(cap);
	pos += (size_t)sprintf(pem, "%s\n", PEM_RSA_BEGIN);
	for (int i = 0; i < n; i += PEM_LINE_BYTES) {
		int chunk = n - i < PEM_LINE_BYTES ? n - i : PEM_LINE_BYTES;

		pos += (size_t)EVP_EncodeBlock((unsigned char *)pem + pos, der + i, chunk);
		pem[pos++] = '\n';
	}
	pos += (size_t)sprintf(pem + pos, "%s\n", PEM_RSA_END);
	/* tor writes its whole buffer, terminator included (crypto_rsa.c). */
	pem[pos++] = '\0';
	OPENSSL_clear_free(der, (size_t)n);
	*out = pem;
	*len = pos;
	return 0;
}

static bool
is_space(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The base64 between the PEM lines, as tor's pem_decode() finds it. */
static int
pem_find_body(const uint8_t *buf, size_t len, size_t *start, size_t *end)
{
	static const char begin[] = PEM_RSA_BEGIN;
	static const char end_tag[] = "\n" PEM_RSA_END;
	size_t i = 0;

	while (i < len && is_space(buf[i]))
		i++;
	if (len - i < sizeof(begin) - 1 || memcmp(buf + i, begin, sizeof(begin) - 1) != 0)
		return -1;
	i += sizeof(begin) - 1;
	while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r'))
		i++;
	if (i == len || buf[i] != '\n')
		return -1;
	*start = i;
	for (size_t j = i; j + sizeof(end_tag) - 1 <= len; j++) {
		if (memcmp(buf + j, end_tag, sizeof(end_tag) - 1) == 0) {
			*end = j;
			return 0;
		}
	}
	return -1;
}

/* Decode base64 ignoring white space; returns the length or -1. Secret in, secret out. */
static int
b64_decode_loose(const uint8_t *in, size_t len, uint8_t *out, size_t cap)
{
	uint8_t *tmp = cp_xmalloc(len + 4);
	size_t n = 0, pad = 0;
	int dec = -1;

	for (size_t i = 0; i < len; i++)
		if (!is_space(in[i]))
			tmp[n++] = in[i];
	if (n % 4 == 1 || n == 0)
		goto out;
	while (n % 4 != 0)
		tmp[n++] = '=';
	if (n / 4 * 3 > cap)
		goto out;
	for (size_t i = n; i > 0 && tmp[i - 1] == '=' && pad < 2; i--)
		pad++;
	dec = EVP_DecodeBlock(out, tmp, (int)n);
	if (dec >= 0)
		dec -= (int)pad;
out:
	OPENSSL_cleanse(tmp, len + 4);
	free(tmp);
	return dec;
}

int
cp_keyfile_rsa_decode(const uint8_t *buf, size_t len, EVP_PKEY **out, const char *path, char *err,
		      size_t errlen)
{
	const unsigned char *p;
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *key = NULL;
	BIGNUM *e = NULL;
	size_t start, end;
	uint8_t *der;
	int derlen, rc = 0;

	*out = NULL;
	if (pem_find_body(buf, len, &start, &end) != 0)
		return cp_keyfile_err(err, errlen, -EINVAL,
				      "%s is not a PEM \"RSA PRIVATE KEY\" file (bad or missing "
				      "BEGIN/END lines)",
				      path);
	der = cp_xmalloc(end - start + 1);
	derlen = b64_decode_loose(buf + start, end - start, der, end - start + 1);
	if (derlen <= 0) {
		rc = cp_keyfile_err(err, errlen, -EINVAL, "%s: bad base64 in the PEM body", path);
		goto out;
	}
	p = der;
	key = d2i_PrivateKey(EVP_PKEY_RSA, NULL, &p, derlen);
	if (key == NULL) {
		rc = cp_keyfile_err(err, errlen, -EINVAL,
				    "%s: the PEM body is not a DER PKCS#1 RSA private key", path);
		goto out;
	}
	if (EVP_PKEY_get_bits(key) != 1024) {
		rc = cp_keyfile_err(err, errlen, -EINVAL,
				    "%s holds a %d-bit RSA key; tor keys are 1024 bits", path,
				    EVP_PKEY_get_bits(key));
		goto out;
	}
	if (EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_E, &e) != 1 || !BN_is_word(e, 65537)) {
		rc = cp_keyfile_err(err, errlen, -EINVAL,
				    "%s: RSA public exponent is not 65537 (tor-spec §0.3)", path);
		goto out;
	}
	ctx = EVP_PKEY_CTX_new_from_pkey(NULL, key, NULL);
	if (ctx == NULL || EVP_PKEY_private_check(ctx) != 1 || EVP_PKEY_pairwise_check(ctx) != 1) {
		rc = cp_keyfile_err(err, errlen, -EINVAL, "%s: RSA key fails its consistency check",
				    path);
		goto out;
	}
	*out = key;
	key = NULL;
out:
	EVP_PKEY_CTX_free(ctx);
	BN_free(e);
	EVP_PKEY_free(key);
	OPENSSL_cleanse(der, end - start + 1);
	free(der);
	return rc;
}

int
cp_keyfile_rsa_read(const char *path, EVP_PKEY **out, char *err, size_t errlen)
{
	uint8_t *buf;
	size_t len;
	int rc;

	*out = NULL;
	rc = cp_keyfile_read(path, true, &buf, &len, NULL, err, errlen);
	if (rc != 0)
		return rc;
	rc = cp_keyfile_rsa_decode(buf, len, out, path, err, errlen);
	OPENSSL_cleanse(buf, len);
	free(buf);
	return rc;
}

int
cp_keyfile_rsa_write(const char *path, EVP_PKEY *key, char *err, size_t errlen)
{
	char *pem;
	size_t len;
	int rc;

	if (cp_keyfile_rsa_encode(key, &pem, &len) != 0)
		return cp_keyfile_err(err, errlen, -EIO, "cannot encode the RSA key for %s", path);
	rc = cp_keyfile_write(path, pem, len, err, errlen);
	OPENSSL_cleanse(pem, len);
	free(pem);
	return rc;
}

int
cp_keyfile_x25519_pub(uint8_t pub[32], const uint8_t sec[32])
{
	EVP_PKEY *k = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, NULL, sec, 32);
	size_t len = 32;
	int rc = 0;

	if (k == NULL)
		return -EIO;
	if (EVP_PKEY_get_raw_public_key(k, pub, &len) != 1 || len != 32)
		rc = -EIO;
	EVP_PKEY_free(k);
	return rc;
}
