/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Key store: creation, reload, modes, corrupt files, rotation, offline master, tor interop.
 *
 * Every test works in a fresh directory under /tmp that teardown removes.
 * The clock is injected (T0 below) except in the interop tests, which run
 * Debian's tor (/usr/sbin/tor, a required test dependency) with
 * --list-fingerprint and --DisableNetwork 1: it generates or loads keys,
 * writes the fingerprint files, and exits without touching the network.
 *
 * Signing certificates come from a test-only type-4 cert maker below
 * (cert-spec.txt §2.1 with extension 04), standing in for controlplane/certs/.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <CUnit/CUnit.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "common/base/byteorder.h"
#include "controlplane/crypto/ed25519x.h"
#include "controlplane/keys/keys.h"
#include "controlplane/keys/keys_int.h"
#include "controlplane/log.h"
#include "tests/suites.h"

#define T0 ((time_t)1700000000) /* 2023-11-14 22:13:20 UTC */
#define DAY ((time_t)86400)
#define TOR_BIN "/usr/sbin/tor"

/* tor is a required test dependency (scripts/install-deps.sh installs it). */
#define TOR_REQUIRED()                                                                             \
	CU_assertImplementation(access(TOR_BIN, X_OK) == 0, __LINE__,                              \
				TOR_BIN " not found: tor is required (scripts/install-deps.sh)",   \
				__FILE__, "", CU_TRUE)

/* Assert @p cond, naming the table case (and what failed) in CUnit's report. */
#define CASE_ASSERT(cond, ...)                                                                     \
	do {                                                                                       \
		char case_msg_[1400];                                                              \
		snprintf(case_msg_, sizeof(case_msg_), __VA_ARGS__);                               \
		CU_assertImplementation((cond), __LINE__, case_msg_, __FILE__, "", CU_FALSE);      \
	} while (0)

static char dir[64];
static char err[1024];
static struct cp_keys_options opt;
static int maker_calls;

/* ---- fixtures and helpers ------------------------------------------- */

/* A test-only type-4 cert maker: cert-spec §2.1 with the signed-with-key extension. */
static int
test_cert_maker(void *arg, const struct cp_ed25519_key *master,
		const struct cp_ed25519_key *signing, uint32_t expires_hours, uint8_t *out,
		size_t *len)
{
	int *calls = arg;

	if (*len < 140)
		return -ENOBUFS;
	(*calls)++;
	out[0] = 0x01;
	out[1] = 0x04;
	be32_put(out + 2, expires_hours);
	out[6] = 0x01;
	memcpy(out + 7, signing->pub, 32);
	out[39] = 1;
	be16_put(out + 40, 32);
	out[42] = 0x04;
	out[43] = 0x00;
	memcpy(out + 44, master->pub, 32);
	*len = 140;
	return cp_ed25519_sign(out + 76, out, 76, master);
}

/* A broken maker: a well-formed cert with a bad signature. */
static int
bad_cert_maker(void *arg, const struct cp_ed25519_key *master, const struct cp_ed25519_key *signing,
	       uint32_t expires_hours, uint8_t *out, size_t *len)
{
	int rc = test_cert_maker(arg, master, signing, expires_hours, out, len);

	out[100] ^= 0x01;
	return rc;
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void
rm_tree(const char *path)
{
	nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void
setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/chive-keys-XXXXXX");
	CU_ASSERT_FATAL(mkdtemp(dir) != NULL);
	cp_keys_options_default(&opt);
	opt.make_signing_cert = test_cert_maker;
	opt.make_signing_cert_arg = &maker_calls;
	maker_calls = 0;
	err[0] = '\0';
	cp_log_set_level(CP_LOG_ERR);
}

static void
teardown(void)
{
	rm_tree(dir);
	cp_log_set_level(CP_LOG_NOTICE);
}

/* Path of a file in the key directory (one static buffer per slot). */
static const char *
kpath(const char *name)
{
	static char buf[4][256];
	static int slot;

	slot = (slot + 1) % 4;
	snprintf(buf[slot], sizeof(buf[slot]), "%s/keys/%s", dir, name);
	return buf[slot];
}

static int
load_at(struct cp_keys **k, time_t now)
{
	err[0] = '\0';
	return cp_keys_load_or_create(dir, &opt, now, k, err, sizeof(err));
}

/* Create a store at T0 and close it again. */
static void
make_store(void)
{
	struct cp_keys *k;

	CU_ASSERT_EQUAL_FATAL(load_at(&k, T0), 0);
	cp_keys_destroy(k);
}

static size_t
file_read(const char *path, uint8_t *buf, size_t cap)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	if (f == NULL)
		return 0;
	n = fread(buf, 1, cap, f);
	fclose(f);
	return n;
}

static void
file_write(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_FATAL(write(fd, data, len) == (ssize_t)len);
	close(fd);
}

static bool
file_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

static unsigned int
file_mode(const char *path)
{
	struct stat st;

	if (stat(path, &st) != 0)
		return 0;
	return (unsigned int)(st.st_mode & 07777);
}

/* ---- creation and reload -------------------------------------------- */

static void
test_keys_fresh_store_reloads_with_same_identity(void)
{
	char fp[CP_KEYS_FP_HEX_LEN + 1], fps[CP_KEYS_FP_SPACED_LEN + 1], ed[CP_KEYS_B64_32_LEN + 1];
	uint8_t sign_pub[32], ntor_pub[32], cert[CP_KEYS_CERT_MAX];
	const uint8_t *c;
	struct cp_keys *k;
	size_t cert_len, len;

	CU_ASSERT_EQUAL_FATAL(load_at(&k, T0), 0);
	CU_ASSERT_EQUAL(maker_calls, 1);
	snprintf(fp, sizeof(fp), "%s", cp_keys_rsa_fingerprint(k));
	snprintf(fps, sizeof(fps), "%s", cp_keys_rsa_fingerprint_spaced(k));
	snprintf(ed, sizeof(ed), "%s", cp_keys_ed25519_id_base64(k));
	memcpy(sign_pub, cp_keys_signing_key(k)->pub, 32);
	memcpy(ntor_pub, cp_keys_ntor_current(k)->pub, 32);
	c = cp_keys_signing_cert(k, &cert_len);
	memcpy(cert, c, cert_len);
	CU_ASSERT_EQUAL(strlen(fp), 40);
	CU_ASSERT_EQUAL(strspn(fp, "0123456789ABCDEF"), 40);
	CU_ASSERT_EQUAL(strlen(fps), 49);
	CU_ASSERT_EQUAL(fps[4], ' ');
	CU_ASSERT_EQUAL(memcmp(fps, fp, 4), 0);
	CU_ASSERT_EQUAL(memcmp(fps + 45, fp + 36, 4), 0);
	CU_ASSERT_EQUAL(strlen(ed), 43);
	CU_ASSERT_EQUAL(cert_len, 140);
	CU_ASSERT_EQUAL(cp_keys_signing_cert_expires(k), (T0 + 30 * DAY + 3599) / 3600 * 3600);
	CU_ASSERT_TRUE(cp_keys_has_master_secret(k));
	CU_ASSERT_PTR_NULL(cp_keys_ntor_previous(k));
	CU_ASSERT_PTR_NULL(cp_keys_tap_previous(k));
	CU_ASSERT_PTR_NOT_NULL(cp_keys_tap_current(k));
	CU_ASSERT_EQUAL(EVP_PKEY_get_bits(cp_keys_rsa_identity(k)), 1024);
	CU_ASSERT_EQUAL(cp_keys_onion_set_at(k), T0);
	cp_keys_destroy(k);

	CU_ASSERT_EQUAL_FATAL(load_at(&k, T0 + DAY), 0);
	CU_ASSERT_EQUAL(maker_calls, 1);
	CU_ASSERT_STRING_EQUAL(cp_keys_rsa_fingerprint(k), fp);
	CU_ASSERT_STRING_EQUAL(cp_keys_rsa_fingerprint_spaced(k), fps);
	CU_ASSERT_STRING_EQUAL(cp_keys_ed25519_id_base64(k), ed);
	CU_ASSERT_EQUAL(memcmp(cp_keys_signing_key(k)->pub, sign_pub, 32), 0);
	CU_ASSERT_EQUAL(memcmp(cp_keys_ntor_current(k)->pub, ntor_pub, 32), 0);
	c = cp_keys_signing_cert(k, &len);
	CU_ASSERT_EQUAL(len, cert_len);
	CU_ASSERT_EQUAL(memcmp(c, cert, cert_len), 0);
	CU_ASSERT_EQUAL(cp_keys_onion_set_at(k), T0);
	cp_keys_destroy(k);
}

static void
test_keys_digests_are_over_pkcs1_der(void)
{
	uint8_t sha1[20], sha256[32];
	const uint8_t *der;
	struct cp_keys *k;
	size_t len;

	CU_ASSERT_EQUAL_FATAL(load_at(&k, T0), 0);
	der = cp_keys_rsa_id_der(k, &len);
	/* PKCS#1 RSAPublicKey of a 1024-bit key: SEQUENCE { INTEGER n(129), INTEGER e } = 140
	 * bytes. */
	CU_ASSERT_EQUAL(len, 140);
	CU_ASSERT_EQUAL(der[0], 0x30);
	EVP_Digest(der, len, sha1, NULL, EVP_sha1(), NULL);
	EVP_Digest(der, len, sha256, NULL, EVP_sha256(), NULL);
	CU_ASSERT_EQUAL(memcmp(cp_keys_rsa_id_digest(k), sha1, 20), 0);
	CU_ASSERT_EQUAL(memcmp(cp_keys_rsa_id_sha256(k), sha256, 32), 0);
	cp_keys_destroy(k);
}

static void
test_keys_files_and_dir_have_private_modes(void)
{
	static const char *const files[] = {
		"secret_id_key",
		"ed25519_master_id_secret_key",
		"ed25519_master_id_public_key",
		"ed25519_signing_secret_key",
		"ed25519_signing_cert",
		"secret_onion_key_ntor",
		"secret_onion_key",
		"chive-keys-state",
	};
	mode_t old_umask = umask(022);
	char keydir[128];

	make_store();
	umask(old_umask);
	snprintf(keydir, sizeof(keydir), "%s/keys", dir);
	CU_ASSERT_EQUAL(file_mode(keydir), 0700);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		CASE_ASSERT(file_mode(kpath(files[i])) == 0600, "%s: mode %04o", files[i],
			    file_mode(kpath(files[i])));
	CU_ASSERT_FALSE(file_exists(kpath("secret_id_key.tmp")));
}

static void
test_keys_wide_keys_dir_is_fixed_to_0700(void)
{
	struct cp_keys *k;
	char keydir[128];

	make_store();
	snprintf(keydir, sizeof(keydir), "%s/keys", dir);
	CU_ASSERT_EQUAL_FATAL(chmod(keydir, 0755), 0);
	CU_ASSERT_EQUAL_FATAL(load_at(&k, T0), 0);
	CU_ASSERT_EQUAL(file_mode(keydir), 0700);
	cp_keys_destroy(k);
}

static void
test_keys_rsa_file_is_tor_pem_with_trailing_nul(void)
{
	static const char tail[] = "\n-----END RSA PRIVATE KEY-----\n";
	uint8_t buf[2048];
	struct cp_keys *k;
	char *pem;
	size_t n, len;

	CU_ASSERT_EQUAL_FATAL(load_at(&k, T0), 0);
	n = file_read(kpath("secret_id_key"), buf, sizeof(buf));
	CU_ASSERT_FATAL(n > 100);
	CU_ASSERT_EQUAL(memcmp(buf, "-----BEGIN RSA PRIVATE KEY-----\n", 32), 0);
	CU_ASSERT_EQUAL(buf[n - 1], '\0');
	CU_ASSERT_EQUAL(memcmp(buf + n - sizeof(tail), tail, sizeof(tail) - 1), 0);
	CU_ASSERT_EQUAL(buf[32 + 64], '\n');
	CU_ASSERT_EQUAL_FATAL(cp_keyfile_rsa_encode(cp_keys_rsa_identity(k), &pem, &len), 0);
	CU_ASSERT_EQUAL(len, n);
	CU_ASSERT_EQUAL(memcmp(pem, buf, n), 0);
	OPENSSL_cleanse(pem, len);
	free(pem);
	OPENSSL_cleanse(buf, sizeof(buf));
	cp_keys_destroy(k);
}

static void
test_keys_tagged_files_have_tor_headers(void)
{
	static const struct {
		const char *file;
		const char *hdr;
		size_t size;
	} cases[] = {
		{"ed25519_master_id_secret_key", "== ed25519v1-secret: type0 ==", 96},
		{"ed25519_master_id_public_key", "== ed25519v1-public: type0 ==", 64},
		{"ed25519_signing_secret_key", "== ed25519v1-secret: type4 ==", 96},
		{"ed25519_signing_cert", "== ed25519v1-cert: type4 ==", 172},
		{"secret_onion_key_ntor", "== c25519v1: onion ==", 96},
	};
	uint8_t buf[256], hdr[32];

	make_store();
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(hdr, 0, sizeof(hdr));
		memcpy(hdr, cases[i].hdr, strlen(cases[i].hdr));
		CU_ASSERT_EQUAL(file_read(kpath(cases[i].file), buf, sizeof(buf)), cases[i].size);
		CU_ASSERT_EQUAL(memcmp(buf, hdr, 32), 0);
	}
	OPENSSL_cleanse(buf, sizeof(buf));
}

/* ---- refusals ------------------------------------------------------- */

static void
test_keys_group_readable_secret_is_refused(void)
{
	static const struct {
		const char *file;
		unsigned int mode;
	} cases[] = {
		{"secret_id_key", 0644},
		{"ed25519_master_id_secret_key", 0640},
		{"ed25519_signing_secret_key", 0604},
		{"secret_onion_key_ntor", 0660},
		{"secret_onion_key", 0644},
	};
	struct cp_keys *k;
	char mode[16];

	make_store();
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CU_ASSERT_EQUAL_FATAL(chmod(kpath(cases[i].file), cases[i].mode), 0);
		snprintf(mode, sizeof(mode), "%04o", cases[i].mode);
		CU_ASSERT_EQUAL(load_at(&k, T0), -EPERM);
		CU_ASSERT_PTR_NULL(k);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, kpath(cases[i].file)));
		CU_ASSERT_PTR_NOT_NULL(strstr(err, mode));
		CU_ASSERT_EQUAL_FATAL(chmod(kpath(cases[i].file), 0600), 0);
	}
	CU_ASSERT_EQUAL(load_at(&k, T0), 0);
	cp_keys_destroy(k);
}

enum mutation { MUT_REPLACE, MUT_TRUNCATE, MUT_FLIP, MUT_RETAG };

static void
mutate(const char *path, enum mutation m, const char *data, size_t arg)
{
	uint8_t buf[4096];
	size_t n = file_read(path, buf, sizeof(buf));

	switch (m) {
	case MUT_REPLACE:
		file_write(path, data, strlen(data));
		break;
	case MUT_TRUNCATE:
		file_write(path, buf, arg);
		break;
	case MUT_FLIP:
		buf[arg] ^= 0x01;
		file_write(path, buf, n);
		break;
	case MUT_RETAG:
		memset(buf, 0, 32);
		memcpy(buf, data, strlen(data));
		file_write(path, buf, n);
		break;
	}
	OPENSSL_cleanse(buf, sizeof(buf));
}

static void
test_keys_corrupt_files_are_refused(void)
{
	static const struct {
		const char *name;
		const char *file;
		enum mutation m;
		const char *data;
		size_t arg;
		const char *msg;
		int rc;
	} cases[] = {
		{"rsa id not pem", "secret_id_key", MUT_REPLACE, "hello\n", 0, "not a PEM",
		 -EINVAL},
		{"rsa id bad base64", "secret_id_key", MUT_REPLACE,
		 "-----BEGIN RSA PRIVATE KEY-----\n!!!!\n-----END RSA PRIVATE KEY-----\n", 0,
		 "bad base64", -EINVAL},
		{"rsa id not der", "secret_id_key", MUT_REPLACE,
		 "-----BEGIN RSA PRIVATE KEY-----\nAAAAAAAA\n-----END RSA PRIVATE KEY-----\n", 0,
		 "not a DER", -EINVAL},
		{"rsa id truncated", "secret_id_key", MUT_TRUNCATE, NULL, 500, "not a PEM",
		 -EINVAL},
		{"rsa id bit flip", "secret_id_key", MUT_FLIP, NULL, 300, "secret_id_key", -EINVAL},
		{"tap truncated", "secret_onion_key", MUT_TRUNCATE, NULL, 200, "not a PEM",
		 -EINVAL},
		{"ntor wrong tag", "secret_onion_key_ntor", MUT_RETAG, "== c25519v1: other ==", 0,
		 "has header \"== c25519v1: other ==\"", -EINVAL},
		{"ntor no header", "secret_onion_key_ntor", MUT_RETAG, "hello", 0,
		 "not a tor key file", -EINVAL},
		{"ntor short", "secret_onion_key_ntor", MUT_TRUNCATE, NULL, 20, "truncated",
		 -EINVAL},
		{"ntor half", "secret_onion_key_ntor", MUT_TRUNCATE, NULL, 64, "32 bytes after",
		 -EINVAL},
		{"ntor pub mismatch", "secret_onion_key_ntor", MUT_FLIP, NULL, 70, "does not match",
		 -EINVAL},
		{"master pub wrong type", "ed25519_master_id_public_key", MUT_RETAG,
		 "== ed25519v1-secret: type0 ==", 0, "expected \"== ed25519v1-public: type0 ==\"",
		 -EINVAL},
		{"master pub short", "ed25519_master_id_public_key", MUT_TRUNCATE, NULL, 40,
		 "8 bytes after", -EINVAL},
		{"master pub other key", "ed25519_master_id_public_key", MUT_FLIP, NULL, 40,
		 "another master key", -EKEYREJECTED},
	};
	uint8_t saved[4096];
	struct cp_keys *k;
	size_t n;

	make_store();
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *path = kpath(cases[i].file);

		n = file_read(path, saved, sizeof(saved));
		mutate(path, cases[i].m, cases[i].data, cases[i].arg);
		CASE_ASSERT(load_at(&k, T0) == cases[i].rc, "%s: rc", cases[i].name);
		CASE_ASSERT(strstr(err, cases[i].msg) != NULL && strstr(err, cases[i].file) != NULL,
			    "%s: err \"%s\"", cases[i].name, err);
		CU_ASSERT_PTR_NULL(k);
		file_write(path, saved, n);
	}
	OPENSSL_cleanse(saved, sizeof(saved));
	CU_ASSERT_EQUAL(load_at(&k, T0), 0);
	cp_keys_destroy(k);
}

static void
test_keys_corrupt_master_secret_is_refused_when_needed(void)
{
	struct cp_keys *k;

	make_store();
	mutate(kpath("ed25519_master_id_secret_key"), MUT_RETAG,
	       "== ed25519v1-secret: type4 ==", 0);
	/* Not needed while the signing cert is valid: tor does not read it then either. */
	CU_ASSERT_EQUAL_FATAL(load_at(&k, T0), 0);
	cp_keys_destroy(k);
	CU_ASSERT_EQUAL_FATAL(unlink(kpath("ed25519_signing_cert")), 0);
	CU_ASSERT_EQUAL(load_at(&k, T0), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "ed25519_master_id_secret_key has header"));
}

static void
test_keys_missing_rsa_id_next_to_ed_identity_is_refused(void)
{
	struct cp_keys *k;

	make_store();
	CU_ASSERT_EQUAL_FATAL(unlink(kpath("secret_id_key")), 0);
	CU_ASSERT_EQUAL(load_at(&k, T0), -ENOKEY);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "restore the file from a backup"));
	CU_ASSERT_FALSE(file_exists(kpath("secret_id_key")));
}

static void
test_keys_cert_from_another_master_is_refused(void)
{
	char other[160];
	uint8_t sec[256], cert[256];
	size_t ns, nc;
	struct cp_keys *k;

	make_store();
	/* A second relay in DIR/other: its signing key and cert moved into ours. */
	snprintf(other, sizeof(other), "%s/other", dir);
	CU_ASSERT_EQUAL_FATAL(cp_keys_load_or_create(other, &opt, T0, &k, err, sizeof(err)), 0);
	cp_keys_destroy(k);
	snprintf(other, sizeof(other), "%s/other/keys/ed25519_signing_secret_key", dir);
	ns = file_read(other, sec, sizeof(sec));
	snprintf(other, sizeof(other), "%s/other/keys/ed25519_signing_cert", dir);
	nc = file_read(other, cert, sizeof(cert));
	file_write(kpath("ed25519_signing_secret_key"), sec, ns);
	file_write(kpath("ed25519_signing_cert"), cert, nc);
	OPENSSL_cleanse(sec, sizeof(sec));
	CU_ASSERT_EQUAL(load_at(&k, T0), -EKEYREJECTED);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "signed by another master key"));
}

static void
test_keys_cert_for_another_signing_key_is_replaced(void)
{
	uint8_t before[32];
	struct cp_keys *k;

	CU_ASSERT_EQUAL_FATAL(load_at(&k, T0), 0);
	memcpy(before, cp_keys_signing_key(k)->pub, 32);
	cp_keys_destroy(k);
	mutate(kpath("ed25519_signing_cert"), MUT_FLIP, NULL, 32 + 10); /* certified key */
	CU_ASSERT_EQUAL_FATAL(load_at(&k, T0), 0);
	CU_ASSERT_EQUAL(maker_calls, 2);
	CU_ASSERT_NOT_EQUAL(memcmp(cp_keys_signing_key(k)->pub, before, 32), 0);
	cp_keys_destroy(k);
}

static void
test_keys_missing_cert_maker_fails_clearly(void)
{
	struct cp_keys *k;

	opt.make_signing_cert = NULL;
	CU_ASSERT_EQUAL(load_at(&k, T0), -ENOSYS);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "no certificate maker"));
	CU_ASSERT_PTR_NULL(k);
}

static void
test_keys_bad_cert_from_maker_is_refused(void)
{
	struct cp_keys *k;

	opt.make_signing_cert = bad_cert_maker;
	CU_ASSERT_EQUAL(load_at(&k, T0), -EPROTO);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "bad signature"));
	CU_ASSERT_FALSE(file_exists(kpath("ed25519_signing_cert")));
}

static void
test_keys_bad_options_are_refused(void)
{
	struct cp_keys *k;

	opt.onion_grace = opt.onion_rotation + 1;
	CU_ASSERT_EQUAL(load_at(&k, T0), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "grace period"));
}

static void
test_keys_missing_master_public_key_is_rewritten(void)
{
	uint8_t before[64], after[64];
	struct cp_keys *k;

	make_store();
	CU_ASSERT_EQUAL_FATAL(file_read(kpath("ed25519_master_id_public_key"), before, 64), 64);
	CU_ASSERT_EQUAL_FATAL(unlink(kpath("ed25519_master_id_public_key")), 0);
	CU_ASSERT_EQUAL_FATAL(load_at(&k, T0), 0);
	CU_ASSERT_EQUAL(file_read(kpath("ed25519_master_id_public_key"), after, 64), 64);
	CU_ASSERT_EQUAL(memcmp(before, after, 64), 0);
	cp_keys_destroy(k);
}

/* ---- onion key rotation --------------------------------------------- */

static void
test_keys_onion_rotation_moves_current_to_previous(void)
{
	struct cp_ed25519_key sign;
	uint8_t ntor_pub[32];
	EVP_PKEY *tap;
	struct cp_keys *k;
	const time_t t1 = T0 + 28 * DAY;

	CU_ASSERT_EQUAL_FATAL(load_at(&k, T0), 0);
	memcpy(ntor_pub, cp_keys_ntor_current(k)->pub, 32);
	tap = cp_keys_tap_current(k);
	sign = *cp_keys_signing_key(k);
	CU_ASSERT_EQUAL(cp_keys_ntor_current(k)->valid_until, T0 + 35 * DAY);
	CU_ASSERT_EQUAL(cp_keys_rotate(k, t1 - 1, err, sizeof(err)), 0);
	CU_ASSERT_PTR_NULL(cp_keys_ntor_previous(k));

	CU_ASSERT_EQUAL(cp_keys_rotate(k, t1, err, sizeof(err)), CP_KEYS_CHANGE_ONION);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cp_keys_ntor_previous(k));
	CU_ASSERT_EQUAL(memcmp(cp_keys_ntor_previous(k)->pub, ntor_pub, 32), 0);
	CU_ASSERT_NOT_EQUAL(memcmp(cp_keys_ntor_current(k)->pub, ntor_pub, 32), 0);
	CU_ASSERT_PTR_EQUAL(cp_keys_tap_previous(k), tap);
	CU_ASSERT_PTR_NOT_EQUAL(cp_keys_tap_current(k), tap);
	CU_ASSERT_EQUAL(cp_keys_ntor_previous(k)->valid_until, t1 + 7 * DAY);
	CU_ASSERT_EQUAL(cp_keys_ntor_current(k)->valid_until, t1 + 35 * DAY);
	CU_ASSERT_EQUAL(cp_keys_onion_set_at(k), t1);
	CU_ASSERT_TRUE(file_exists(kpath("secret_onion_key_ntor.old")));
	CU_ASSERT_TRUE(file_exists(kpath("secret_onion_key.old")));
	CU_ASSERT_EQUAL(file_mode(kpath("secret_onion_key_ntor.old")), 0600);
	/* The signing key is not touched by onion rotation. */
	CU_ASSERT_EQUAL(memcmp(cp_keys_signing_key(k)->pub, sign.pub, 32), 0);
	cp_ed25519_wipe(&sign);
	cp_keys_destroy(k);
}

static void
test_keys_previous_onion_keys_dropped_after_grace(void)
{
	struct cp_keys *k;
	const time_t t1 = T0 + 28 * DAY;

	opt.signing_lifetime = 365 * DAY; /* keep signing renewal out of the way */
	CU_ASSERT_EQUAL_FATAL(load_at(&k, T0), 0);
	CU_ASSERT_EQUAL_FATAL(cp_keys_rotate(k, t1, err, sizeof(err)), CP_KEYS_CHANGE_ONION);
	CU_ASSERT_EQUAL(cp_keys_rotate(k, t1 + 7 * DAY - 1, err, sizeof(err)), 0);
	CU_ASSERT_PTR_NOT_NULL(cp_keys_ntor_previous(k));
	CU_ASSERT_EQUAL(cp_keys_rotate(k, t1 + 7 * DAY, err, sizeof(err)),
			CP_KEYS_CHANGE_ONION_OLD);
	CU_ASSERT_PTR_NULL(cp_keys_ntor_previous(k));
	CU_ASSERT_PTR_NULL(cp_keys_tap_previous(k));
	CU_ASSERT_FALSE(file_exists(kpath("secret_onion_key_ntor.old")));
	CU_ASSERT_FALSE(file_exists(kpath("secret_onion_key.old")));
	CU_ASSERT_EQUAL(cp_keys_rotate(k, t1 + 8 * DAY, err, sizeof(err)), 0);
	cp_keys_destroy(k);
}

static void
test_keys_rotation_state_survives_reload(void)
{
	uint8_t prev[32];
	struct cp_keys *k;
	const time_t t1 = T0 + 28 * DAY;

	CU_ASSERT_EQUAL_FATAL(load_at(&k, T0), 0);
	CU_ASSERT_EQUAL_FATAL(cp_keys_rotate(k, t1, err, sizeof(err)), CP_KEYS_CHANGE_ONION);
	memcpy(prev, cp_keys_ntor_previous(k)->pub, 32);
	cp_keys_destroy(k);

	CU_ASSERT_EQUAL_FATAL(load_at(&k, t1 + DAY), 0);
	CU_ASSERT_EQUAL(cp_keys_onion_set_at(k), t1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cp_keys_ntor_previous(k));
	CU_ASSERT_EQUAL(memcmp(cp_keys_ntor_previous(k)->pub, prev, 32), 0);
	CU_ASSERT_PTR_NOT_NULL(cp_keys_tap_previous(k));
	cp_keys_destroy(k);

	/* Started again after the grace period: the previous keys are gone at once. */
	CU_ASSERT_EQUAL_FATAL(load_at(&k, t1 + 8 * DAY), 0);
	CU_ASSERT_PTR_NULL(cp_keys_ntor_previous(k));
	CU_ASSERT_FALSE(file_exists(kpath("secret_onion_key_ntor.old")));
	cp_keys_destroy(k);
}

static void
test_keys_overdue_rotation_happens_at_load(void)
{
	struct cp_keys *k;

	make_store();
	CU_ASSERT_EQUAL_FATAL(load_at(&k, T0 + 40 * DAY), 0);
	CU_ASSERT_EQUAL(cp_keys_onion_set_at(k), T0 + 40 * DAY);
	CU_ASSERT_PTR_NOT_NULL(cp_keys_ntor_previous(k));
	cp_keys_destroy(k);
}

static void
test_keys_onion_time_taken_from_tor_state(void)
{
	static const char state[] = "# Tor state file\n"
				    "TorVersion Tor 0.4.9.11\n"
				    "LastRotatedOnionKey 2023-11-10 00:00:00\n";
	char path[128];
	struct cp_keys *k;

	make_store();
	CU_ASSERT_EQUAL_FATAL(unlink(kpath("chive-keys-state")), 0);
	snprintf(path, sizeof(path), "%s/state", dir);
	file_write(path, state, strlen(state));
	CU_ASSERT_EQUAL_FATAL(load_at(&k, T0), 0);
	CU_ASSERT_EQUAL(cp_keys_onion_set_at(k), (time_t)1699574400); /* 2023-11-10 00:00:00 UTC */
	CU_ASSERT_TRUE(file_exists(kpath("chive-keys-state")));
	cp_keys_destroy(k);
}

static void
test_keys_onion_time_falls_back_to_key_mtime(void)
{
	const struct timespec ts[2] = {{T0 - 5 * DAY, 0}, {T0 - 5 * DAY, 0}};
	struct cp_keys *k;

	make_store();
	CU_ASSERT_EQUAL_FATAL(unlink(kpath("chive-keys-state")), 0);
	CU_ASSERT_EQUAL_FATAL(utimensat(AT_FDCWD, kpath("secret_onion_key_ntor"), ts, 0), 0);
	CU_ASSERT_EQUAL_FATAL(load_at(&k, T0), 0);
	CU_ASSERT_EQUAL(cp_keys_onion_set_at(k), T0 - 5 * DAY);
	cp_keys_destroy(k);
}

/* ---- signing key renewal and the offline master --------------------- */

static void
test_keys_signing_key_renewed_within_slop(void)
{
	uint8_t sign_pub[32], master[32];
	struct cp_keys *k;
	const time_t expires = (T0 + 30 * DAY + 3599) / 3600 * 3600;

	opt.onion_rotation = 90 * DAY; /* keep onion rotation out of the way */
	CU_ASSERT_EQUAL_FATAL(load_at(&k, T0), 0);
	memcpy(sign_pub, cp_keys_signing_key(k)->pub, 32);
	memcpy(master, cp_keys_master_pub(k), 32);
	CU_ASSERT_EQUAL(cp_keys_rotate(k, expires - DAY, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(cp_keys_rotate(k, expires - DAY + 1, err, sizeof(err)),
			CP_KEYS_CHANGE_SIGNING);
	CU_ASSERT_EQUAL(maker_calls, 2);
	CU_ASSERT_NOT_EQUAL(memcmp(cp_keys_signing_key(k)->pub, sign_pub, 32), 0);
	CU_ASSERT_EQUAL(memcmp(cp_keys_master_pub(k), master, 32), 0);
	CU_ASSERT(cp_keys_signing_cert_expires(k) > expires);
	cp_keys_destroy(k);
}

static void
test_keys_expired_signing_key_renewed_at_load(void)
{
	uint8_t sign_pub[32];
	struct cp_keys *k;

	CU_ASSERT_EQUAL_FATAL(load_at(&k, T0), 0);
	memcpy(sign_pub, cp_keys_signing_key(k)->pub, 32);
	cp_keys_destroy(k);
	CU_ASSERT_EQUAL_FATAL(load_at(&k, T0 + 60 * DAY), 0);
	CU_ASSERT_NOT_EQUAL(memcmp(cp_keys_signing_key(k)->pub, sign_pub, 32), 0);
	CU_ASSERT_EQUAL(cp_keys_signing_cert_expires(k), (T0 + 90 * DAY + 3599) / 3600 * 3600);
	cp_keys_destroy(k);
}

static void
test_keys_offline_master_runs_without_master_secret(void)
{
	char ed[CP_KEYS_B64_32_LEN + 1];
	uint8_t sign_pub[32], sig[64];
	struct cp_keys *k;

	opt.onion_rotation = 90 * DAY; /* keep onion rotation out of the way */
	CU_ASSERT_EQUAL_FATAL(load_at(&k, T0), 0);
	snprintf(ed, sizeof(ed), "%s", cp_keys_ed25519_id_base64(k));
	memcpy(sign_pub, cp_keys_signing_key(k)->pub, 32);
	cp_keys_destroy(k);
	CU_ASSERT_EQUAL_FATAL(unlink(kpath("ed25519_master_id_secret_key")), 0);

	CU_ASSERT_EQUAL_FATAL(load_at(&k, T0 + 10 * DAY), 0);
	CU_ASSERT_FALSE(cp_keys_has_master_secret(k));
	CU_ASSERT_STRING_EQUAL(cp_keys_ed25519_id_base64(k), ed);
	CU_ASSERT_EQUAL(memcmp(cp_keys_signing_key(k)->pub, sign_pub, 32), 0);
	CU_ASSERT_EQUAL(cp_ed25519_sign(sig, (const uint8_t *)"m", 1, cp_keys_signing_key(k)), 0);
	CU_ASSERT_TRUE(cp_ed25519_verify(sig, (const uint8_t *)"m", 1, sign_pub));
	/* Within the slop: warns, keeps running. */
	CU_ASSERT_EQUAL(cp_keys_rotate(k, T0 + 29 * DAY + 12 * 3600, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(maker_calls, 1);
	/* Expired: a clean error, and the store is still intact. */
	CU_ASSERT_EQUAL(cp_keys_rotate(k, T0 + 31 * DAY, err, sizeof(err)), -EKEYEXPIRED);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "expired"));
	CU_ASSERT_STRING_EQUAL(cp_keys_ed25519_id_base64(k), ed);
	cp_keys_destroy(k);
}

static void
test_keys_offline_master_with_expired_cert_fails(void)
{
	struct cp_keys *k;

	make_store();
	CU_ASSERT_EQUAL_FATAL(unlink(kpath("ed25519_master_id_secret_key")), 0);
	CU_ASSERT_EQUAL(load_at(&k, T0 + 31 * DAY), -EKEYEXPIRED);
	CU_ASSERT_PTR_NULL(k);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "ed25519_signing_cert expired at"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "offline"));
	CU_ASSERT_EQUAL(maker_calls, 1);
}

static void
test_keys_offline_master_without_cert_fails(void)
{
	struct cp_keys *k;

	make_store();
	CU_ASSERT_EQUAL_FATAL(unlink(kpath("ed25519_master_id_secret_key")), 0);
	CU_ASSERT_EQUAL_FATAL(unlink(kpath("ed25519_signing_cert")), 0);
	CU_ASSERT_EQUAL(load_at(&k, T0), -ENOKEY);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "ed25519_signing_cert does not exist"));
}

static void
test_keys_offline_master_option_leaves_master_secret_alone(void)
{
	struct cp_keys *k;

	make_store();
	opt.offline_master = true;
	CU_ASSERT_EQUAL_FATAL(load_at(&k, T0), 0);
	CU_ASSERT_FALSE(cp_keys_has_master_secret(k));
	cp_keys_destroy(k);
	/* Expired: with OfflineMasterKey the master secret on disk is not used. */
	CU_ASSERT_EQUAL(load_at(&k, T0 + 31 * DAY), -EKEYEXPIRED);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "OfflineMasterKey"));
	CU_ASSERT_EQUAL(maker_calls, 1);
}

static void
test_keys_offline_master_infers_missing_public_key(void)
{
	uint8_t before[64], after[64];
	struct cp_keys *k;

	make_store();
	CU_ASSERT_EQUAL_FATAL(file_read(kpath("ed25519_master_id_public_key"), before, 64), 64);
	CU_ASSERT_EQUAL_FATAL(unlink(kpath("ed25519_master_id_secret_key")), 0);
	CU_ASSERT_EQUAL_FATAL(unlink(kpath("ed25519_master_id_public_key")), 0);
	CU_ASSERT_EQUAL_FATAL(load_at(&k, T0), 0);
	CU_ASSERT_EQUAL(file_read(kpath("ed25519_master_id_public_key"), after, 64), 64);
	CU_ASSERT_EQUAL(memcmp(before, after, 64), 0);
	cp_keys_destroy(k);
}

/* ---- interop with Debian's tor ---------------------------------------- */

/*
 * Run tor on @p datadir with the command @p cmd (and its argument @p arg, or
 * NULL), its output in DIR/tor.log; 0 if it exited 0 within 60 s.
 */
static int
run_tor(const char *datadir, const char *cmd, const char *arg)
{
	char torrc[128], log[128];
	const char *argv[] = {
		TOR_BIN,
		"-f",
		torrc,
		"--defaults-torrc",
		"/dev/null",
		"--DataDirectory",
		datadir,
		"--ORPort",
		"127.0.0.1:9999",
		"--DisableNetwork",
		"1",
		"--Nickname",
		"chivekeys",
		"--Log",
		"notice stderr",
		cmd,
		arg,
		NULL,
	};
	struct timespec tick = {0, 20 * 1000 * 1000};
	int status, fd;
	pid_t pid;

	snprintf(torrc, sizeof(torrc), "%s/torrc", dir);
	snprintf(log, sizeof(log), "%s/tor.log", dir);
	file_write(torrc, "", 0);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execv(TOR_BIN, (char *const *)(uintptr_t)argv);
		_exit(127);
	}
	for (int i = 0; i < 60 * 50; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -EIO;
		nanosleep(&tick, NULL);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return -ETIMEDOUT;
}

/* The second word of tor's "fingerprint" / "fingerprint-ed25519" file. */
static void
tor_fingerprint(const char *datadir, const char *name, char *out, size_t cap)
{
	char path[160], buf[128] = "";
	char *sp, *nl;

	snprintf(path, sizeof(path), "%s/%s", datadir, name);
	file_read(path, (uint8_t *)buf, sizeof(buf) - 1);
	sp = strchr(buf, ' ');
	nl = strchr(buf, '\n');
	if (nl != NULL)
		*nl = '\0';
	snprintf(out, cap, "%s", sp != NULL ? sp + 1 : "");
}

static const char *const tor_key_files[] = {
	"secret_id_key",
	"ed25519_master_id_secret_key",
	"ed25519_master_id_public_key",
	"ed25519_signing_secret_key",
	"ed25519_signing_cert",
	"secret_onion_key_ntor",
	"secret_onion_key",
};
#define N_TOR_FILES (sizeof(tor_key_files) / sizeof(tor_key_files[0]))

struct snapshot {
	uint8_t data[N_TOR_FILES][1024];
	size_t len[N_TOR_FILES];
};

static void
snapshot_take(const char *datadir, struct snapshot *s)
{
	char path[160];

	for (size_t i = 0; i < N_TOR_FILES; i++) {
		snprintf(path, sizeof(path), "%s/keys/%s", datadir, tor_key_files[i]);
		s->len[i] = file_read(path, s->data[i], sizeof(s->data[i]));
	}
}

static bool
snapshot_equal(const struct snapshot *a, const struct snapshot *b)
{
	bool same = true;

	for (size_t i = 0; i < N_TOR_FILES; i++) {
		bool eq = a->len[i] != 0 && a->len[i] == b->len[i] &&
			  memcmp(a->data[i], b->data[i], a->len[i]) == 0;

		CASE_ASSERT(eq, "%s unchanged", tor_key_files[i]);
		same = same && eq;
	}
	return same;
}

static void
test_keys_tor_keys_load_in_chive(void)
{
	static struct snapshot before, after;
	char datadir[96], fp[64], ed[64], path[160];
	uint8_t file[256], sig[64];
	const uint8_t *cert;
	struct cp_keys *k;
	char *pem;
	size_t len, n;

	TOR_REQUIRED();
	snprintf(datadir, sizeof(datadir), "%s/tor", dir);
	CU_ASSERT_EQUAL_FATAL(run_tor(datadir, "--list-fingerprint", NULL), 0);
	tor_fingerprint(datadir, "fingerprint", fp, sizeof(fp));
	tor_fingerprint(datadir, "fingerprint-ed25519", ed, sizeof(ed));
	CU_ASSERT_EQUAL_FATAL(strlen(fp), 40);
	snapshot_take(datadir, &before);

	/* No cert maker: tor's signing key and cert must be used as they are. */
	opt.make_signing_cert = NULL;
	CU_ASSERT_EQUAL_FATAL(
		cp_keys_load_or_create(datadir, &opt, time(NULL), &k, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(cp_keys_rsa_fingerprint(k), fp);
	CU_ASSERT_STRING_EQUAL(cp_keys_ed25519_id_base64(k), ed);

	/* The cert is tor's, byte for byte, and certifies the signing key we loaded. */
	snprintf(path, sizeof(path), "%s/keys/ed25519_signing_cert", datadir);
	n = file_read(path, file, sizeof(file));
	cert = cp_keys_signing_cert(k, &len);
	CU_ASSERT_EQUAL_FATAL(len + 32, n);
	CU_ASSERT_EQUAL(memcmp(cert, file + 32, len), 0);
	CU_ASSERT_EQUAL(memcmp(cert + 7, cp_keys_signing_key(k)->pub, 32), 0);
	CU_ASSERT_TRUE(cp_ed25519_verify(cert + len - 64, cert, len - 64, cp_keys_master_pub(k)));
	CU_ASSERT_EQUAL(cp_ed25519_sign(sig, (const uint8_t *)"chive", 5, cp_keys_signing_key(k)),
			0);
	CU_ASSERT_TRUE(cp_ed25519_verify(sig, (const uint8_t *)"chive", 5, cert + 7));

	/* We would write tor's RSA key files byte for byte. */
	CU_ASSERT_EQUAL_FATAL(cp_keyfile_rsa_encode(cp_keys_rsa_identity(k), &pem, &len), 0);
	CU_ASSERT_EQUAL(len, before.len[0]);
	CU_ASSERT_EQUAL(memcmp(pem, before.data[0], len), 0);
	OPENSSL_cleanse(pem, len);
	free(pem);
	CU_ASSERT_EQUAL_FATAL(cp_keyfile_rsa_encode(cp_keys_tap_current(k), &pem, &len), 0);
	CU_ASSERT_EQUAL(len, before.len[6]);
	CU_ASSERT_EQUAL(memcmp(pem, before.data[6], len), 0);
	OPENSSL_cleanse(pem, len);
	free(pem);
	cp_keys_destroy(k);

	/* Nothing was rewritten, and tor still takes the directory back unchanged. */
	snapshot_take(datadir, &after);
	CU_ASSERT_TRUE(snapshot_equal(&before, &after));
	CU_ASSERT_EQUAL_FATAL(run_tor(datadir, "--list-fingerprint", NULL), 0);
	snapshot_take(datadir, &after);
	CU_ASSERT_TRUE(snapshot_equal(&before, &after));
	OPENSSL_cleanse(&before, sizeof(before));
	OPENSSL_cleanse(&after, sizeof(after));
}

static void
test_keys_chive_keys_accepted_by_tor(void)
{
	static struct snapshot before, after;
	char datadir[96], fp[64], ed[64], spaced[64], log[160], out[8192] = "", expiry[64];
	struct cp_keys *k;
	struct tm tm;
	time_t t;

	TOR_REQUIRED();
	snprintf(datadir, sizeof(datadir), "%s/chive", dir);
	CU_ASSERT_EQUAL_FATAL(
		cp_keys_load_or_create(datadir, &opt, time(NULL), &k, err, sizeof(err)), 0);
	snprintf(spaced, sizeof(spaced), "%s", cp_keys_rsa_fingerprint_spaced(k));
	snapshot_take(datadir, &before);

	CU_ASSERT_EQUAL_FATAL(run_tor(datadir, "--list-fingerprint", NULL), 0);
	tor_fingerprint(datadir, "fingerprint", fp, sizeof(fp));
	tor_fingerprint(datadir, "fingerprint-ed25519", ed, sizeof(ed));
	CU_ASSERT_STRING_EQUAL(fp, cp_keys_rsa_fingerprint(k));
	CU_ASSERT_STRING_EQUAL(ed, cp_keys_ed25519_id_base64(k));
	/* --list-fingerprint prints "nick XXXX XXXX ..." on stdout. */
	snprintf(log, sizeof(log), "%s/tor.log", dir);
	file_read(log, (uint8_t *)out, sizeof(out) - 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, spaced));
	/* tor parses and checks our signing cert (load_ed_keys) and reads its expiry as we do. */
	CU_ASSERT_EQUAL_FATAL(run_tor(datadir, "--key-expiration", "sign"), 0);
	file_read(log, (uint8_t *)out, sizeof(out) - 1);
	t = cp_keys_signing_cert_expires(k);
	gmtime_r(&t, &tm);
	strftime(expiry, sizeof(expiry), "signing-cert-expiry: %Y-%m-%d %H:%M:%S\n", &tm);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, expiry));
	/* tor generated nothing: every key file is as Chive wrote it. */
	snapshot_take(datadir, &after);
	CU_ASSERT_TRUE(snapshot_equal(&before, &after));
	cp_keys_destroy(k);
	OPENSSL_cleanse(&before, sizeof(before));
	OPENSSL_cleanse(&after, sizeof(after));
}

static CU_TestInfo keys_tests[] = {
	{"fresh_store_reloads_with_same_identity",
	 test_keys_fresh_store_reloads_with_same_identity},
	{"digests_are_over_pkcs1_der", test_keys_digests_are_over_pkcs1_der},
	{"files_and_dir_have_private_modes", test_keys_files_and_dir_have_private_modes},
	{"wide_keys_dir_is_fixed_to_0700", test_keys_wide_keys_dir_is_fixed_to_0700},
	{"rsa_file_is_tor_pem_with_trailing_nul", test_keys_rsa_file_is_tor_pem_with_trailing_nul},
	{"tagged_files_have_tor_headers", test_keys_tagged_files_have_tor_headers},
	{"group_readable_secret_is_refused", test_keys_group_readable_secret_is_refused},
	{"corrupt_files_are_refused", test_keys_corrupt_files_are_refused},
	{"corrupt_master_secret_is_refused_when_needed",
	 test_keys_corrupt_master_secret_is_refused_when_needed},
	{"missing_rsa_id_next_to_ed_identity_is_refused",
	 test_keys_missing_rsa_id_next_to_ed_identity_is_refused},
	{"cert_from_another_master_is_refused", test_keys_cert_from_another_master_is_refused},
	{"cert_for_another_signing_key_is_replaced",
	 test_keys_cert_for_another_signing_key_is_replaced},
	{"missing_cert_maker_fails_clearly", test_keys_missing_cert_maker_fails_clearly},
	{"bad_cert_from_maker_is_refused", test_keys_bad_cert_from_maker_is_refused},
	{"bad_options_are_refused", test_keys_bad_options_are_refused},
	{"missing_master_public_key_is_rewritten",
	 test_keys_missing_master_public_key_is_rewritten},
	{"onion_rotation_moves_current_to_previous",
	 test_keys_onion_rotation_moves_current_to_previous},
	{"previous_onion_keys_dropped_after_grace",
	 test_keys_previous_onion_keys_dropped_after_grace},
	{"rotation_state_survives_reload", test_keys_rotation_state_survives_reload},
	{"overdue_rotation_happens_at_load", test_keys_overdue_rotation_happens_at_load},
	{"onion_time_taken_from_tor_state", test_keys_onion_time_taken_from_tor_state},
	{"onion_time_falls_back_to_key_mtime", test_keys_onion_time_falls_back_to_key_mtime},
	{"signing_key_renewed_within_slop", test_keys_signing_key_renewed_within_slop},
	{"expired_signing_key_renewed_at_load", test_keys_expired_signing_key_renewed_at_load},
	{"offline_master_runs_without_master_secret",
	 test_keys_offline_master_runs_without_master_secret},
	{"offline_master_with_expired_cert_fails",
	 test_keys_offline_master_with_expired_cert_fails},
	{"offline_master_without_cert_fails", test_keys_offline_master_without_cert_fails},
	{"offline_master_option_leaves_master_secret_alone",
	 test_keys_offline_master_option_leaves_master_secret_alone},
	{"offline_master_infers_missing_public_key",
	 test_keys_offline_master_infers_missing_public_key},
	{"tor_keys_load_in_chive", test_keys_tor_keys_load_in_chive},
	{"chive_keys_accepted_by_tor", test_keys_chive_keys_accepted_by_tor},
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_keys = {
	.pName = "controlplane/keys",
	.pSetUpFunc = setup,
	.pTearDownFunc = teardown,
	.pTests = keys_tests,
};
