/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief The relay key store: load or create, check, rotate (tor's router.c and routerkeys.c).
 *
 * Start-up follows tor's init_keys() and load_ed_keys():
 *  1. DataDirectory/keys is created 0700; an existing one must belong to
 *     us, and too-wide permissions are fixed with a warning, as tor's
 *     check_private_dir() does.
 *  2. The RSA identity is loaded or made. It is never made next to an
 *     existing Ed25519 identity: authorities pin the (RSA, Ed25519) pair
 *     forever, so a lost secret_id_key must be restored, not replaced.
 *  3. The Ed25519 keys. The signing key and its type-4 cert are read first;
 *     the master secret is read only when a new signing key is needed or
 *     wanted, or to repair a missing master public key, and is wiped right
 *     after use. A signing key that is missing, unreadable, expired, or
 *     within the slop of its expiry is replaced when the master secret is
 *     at hand. Without it (offline master) the store runs on a valid cert,
 *     warns while the cert is within the slop, and fails once it expired.
 *     A cert signed by another master key is always an error: the key
 *     files were mixed up.
 *  4. The onion keys (ntor and TAP, current and previous) and the time the
 *     current ones were made, from chive-keys-state. tor keeps that time as
 *     LastRotatedOnionKey in DataDirectory/state; when our record is absent
 *     (first start, or keys moved from tor) we take tor's record, else the
 *     mtime of secret_onion_key_ntor, else now, and write our record.
 *  5. Any rotation due now (cp_keys_rotate()).
 *
 * Rotation mirrors tor's rotate_onion_key() and the two periodic callbacks
 * of relay_periodic.c: once the current onion keys are older than the
 * rotation period, secret_onion_key{,_ntor} are renamed to *.old and new
 * keys written; the previous keys are dropped (wiped, *.old deleted) once
 * the current ones are older than the grace period.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include "common/base/byteorder.h"
#include "controlplane/crypto/ed25519x.h"
#include "controlplane/keys/keys.h"
#include "controlplane/keys/keys_int.h"
#include "controlplane/log.h"
#include "controlplane/util.h"

#define F_RSA_ID "secret_id_key"
#define F_MASTER_SEC "ed25519_master_id_secret_key"
#define F_MASTER_PUB "ed25519_master_id_public_key"
#define F_SIGN_SEC "ed25519_signing_secret_key"
#define F_SIGN_CERT "ed25519_signing_cert"
#define F_NTOR "secret_onion_key_ntor"
#define F_NTOR_OLD "secret_onion_key_ntor.old"
#define F_TAP "secret_onion_key"
#define F_TAP_OLD "secret_onion_key.old"
#define F_STATE "chive-keys-state"
/** Longest file name above plus ".tmp", with room to spare. */
#define F_NAME_MAX 40

#define T_ED_SEC "ed25519v1-secret"
#define T_ED_PUB "ed25519v1-public"
#define T_ED_CERT "ed25519v1-cert"
#define T_C25519 "c25519v1"

/* cert-spec.txt §2.1: version, type, expiration, key type, key, n_ext ... sig. */
#define CERT_MIN_LEN (1 + 1 + 4 + 1 + 32 + 1 + 64)
#define CERT_TYPE_ID_SIGNING 0x04
#define CERT_EXT_SIGNED_WITH_KEY 0x04
#define CERT_EXT_AFFECTS_VALIDATION 0x01

/**
 * The store. Invariants: rsa_id, tap_cur and the ntor_cur keys are always
 * set; the master secret is never held between calls; cert[0..cert_len)
 * certifies signing.pub, carries master_pub in extension 04, is signed by
 * it, and expires at cert_expires; have_ntor_prev / tap_prev say whether
 * previous onion keys exist.
 */
struct cp_keys {
	char datadir[PATH_MAX - 2 * F_NAME_MAX]; /**< sized so every path below fits */
	char keydir[PATH_MAX - F_NAME_MAX];
	struct cp_keys_options opt;

	EVP_PKEY *rsa_id;
	uint8_t *rsa_id_der; /**< DER PKCS#1 RSAPublicKey (OPENSSL_malloc) */
	size_t rsa_id_der_len;
	uint8_t rsa_id_sha1[20];
	uint8_t rsa_id_sha256[32];
	char fp_hex[CP_KEYS_FP_HEX_LEN + 1];
	char fp_spaced[CP_KEYS_FP_SPACED_LEN + 1];

	uint8_t master_pub[32];
	char master_b64[CP_KEYS_B64_32_LEN + 2];
	bool master_secret_present;

	struct cp_ed25519_key signing;
	uint8_t cert[CP_KEYS_CERT_MAX];
	size_t cert_len;
	time_t cert_expires; /**< s */
	bool warned_expiry;  /**< the offline-master expiry warning was logged */

	struct cp_keys_ntor ntor_cur;
	struct cp_keys_ntor ntor_prev;
	bool have_ntor_prev;
	EVP_PKEY *tap_cur;
	EVP_PKEY *tap_prev;
	time_t onion_set_at; /**< s; when the current onion keys were made */
};

/** The fields of a type-4 cert the store looks at. */
struct sigcert {
	uint8_t certified[32];
	uint8_t master[32];
	time_t expires;
};

static void
keys_path(const struct cp_keys *k, const char *name, char path[PATH_MAX])
{
	/* Cannot truncate: cp_keys_load_or_create() checked the length of keydir. */
	snprintf(path, PATH_MAX, "%s/%s", k->keydir, name);
}

static const char *
fmt_time(time_t t, char buf[32])
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL || strftime(buf, 32, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		snprintf(buf, 32, "@%jd", (intmax_t)t);
	return buf;
}

static void
b64_nopad(char *out, const uint8_t in[32])
{
	char tmp[48];
	int n = EVP_EncodeBlock((unsigned char *)tmp, in, 32);

	while (n > 0 && tmp[n - 1] == '=')
		n--;
	memcpy(out, tmp, (size_t)n);
	out[n] = '\0';
}

void
cp_keys_options_default(struct cp_keys_options *opt)
{
	memset(opt, 0, sizeof(*opt));
	opt->signing_lifetime = CP_KEYS_SIGNING_LIFETIME_DEFAULT;
	opt->signing_slop = CP_KEYS_SIGNING_SLOP_DEFAULT;
	opt->onion_rotation = CP_KEYS_ONION_ROTATION_DEFAULT;
	opt->onion_grace = CP_KEYS_ONION_GRACE_DEFAULT;
}

int
cp_keys_rsa_generate(int bits, EVP_PKEY **out)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
	int rc = -EIO;

	*out = NULL;
	if (ctx == NULL)
		return -ENOMEM;
	/* OpenSSL's default public exponent is 65537, tor's TOR_RSA_EXPONENT. */
	if (EVP_PKEY_keygen_init(ctx) == 1 && EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, bits) == 1 &&
	    EVP_PKEY_generate(ctx, out) == 1)
		rc = 0;
	EVP_PKEY_CTX_free(ctx);
	return rc;
}

/* ---- file helpers ---------------------------------------------------- */

static bool
file_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

static int
keys_dir_prepare(const char *dir, char *err, size_t errlen)
{
	struct stat st;
	int fd, rc = 0;

	if (mkdir(dir, 0700) == 0) {
		/* The umask may have removed bits; the owner needs all three. */
		if (chmod(dir, 0700) != 0) {
			rc = -errno;
			return cp_keyfile_err(err, errlen, rc, "cannot chmod %s: %s", dir,
					      strerror(-rc));
		}
	} else if (errno != EEXIST) {
		rc = -errno;
		return cp_keyfile_err(err, errlen, rc, "cannot create %s: %s", dir, strerror(-rc));
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		return cp_keyfile_err(err, errlen, rc, "cannot open directory %s: %s", dir,
				      strerror(-rc));
	}
	if (fstat(fd, &st) != 0) {
		rc = -errno;
		cp_keyfile_err(err, errlen, rc, "cannot stat %s: %s", dir, strerror(-rc));
	} else if (st.st_uid != geteuid()) {
		rc = cp_keyfile_err(err, errlen, -EPERM,
				    "%s is owned by uid %u, not by this user (uid %u)", dir,
				    (unsigned int)st.st_uid, (unsigned int)geteuid());
	} else if ((st.st_mode & 0077) != 0) {
		/* tor's check_private_dir(): warn and fix rather than refuse. */
		CP_LOG(WARN, keys,
		       "permissions on %s are %04o, too permissive; fixing them to 0700", dir,
		       (unsigned int)(st.st_mode & 07777));
		if (fchmod(fd, 0700) != 0) {
			rc = -errno;
			cp_keyfile_err(err, errlen, rc, "cannot chmod %s: %s", dir, strerror(-rc));
		}
	}
	close(fd);
	return rc;
}

/* ---- RSA identity ---------------------------------------------------- */

static int
keys_load_rsa_id(struct cp_keys *k, char *err, size_t errlen)
{
	static const char hex[] = "0123456789ABCDEF";
	char path[PATH_MAX], p_sec[PATH_MAX], p_pub[PATH_MAX], p_cert[PATH_MAX];
	unsigned char *der = NULL;
	int rc, n;

	keys_path(k, F_RSA_ID, path);
	rc = cp_keyfile_rsa_read(path, &k->rsa_id, err, errlen);
	if (rc == -ENOENT) {
		keys_path(k, F_MASTER_SEC, p_sec);
		keys_path(k, F_MASTER_PUB, p_pub);
		keys_path(k, F_SIGN_CERT, p_cert);
		if (file_exists(p_sec) || file_exists(p_pub) || file_exists(p_cert))
			return cp_keyfile_err(
				err, errlen, -ENOKEY,
				"%s is missing but this relay has an Ed25519 identity; directory "
				"authorities pin the RSA and Ed25519 identities together, so a new "
				"RSA key would get the relay rejected: restore the file from a "
				"backup",
				path);
		rc = cp_keys_rsa_generate(1024, &k->rsa_id);
		if (rc != 0)
			return cp_keyfile_err(err, errlen, rc,
					      "cannot generate an RSA identity key");
		rc = cp_keyfile_rsa_write(path, k->rsa_id, err, errlen);
		if (rc != 0)
			return rc;
		CP_LOG(NOTICE, keys, "generated a new RSA identity key in %s", path);
	}
	if (rc != 0)
		return rc;

	/* relay-checklist A2: the digest is over the PKCS#1 RSAPublicKey DER. */
	n = i2d_PublicKey(k->rsa_id, &der);
	if (n <= 0)
		return cp_keyfile_err(err, errlen, -EIO, "cannot encode the RSA identity key");
	k->rsa_id_der = der;
	k->rsa_id_der_len = (size_t)n;
	if (EVP_Digest(der, (size_t)n, k->rsa_id_sha1, NULL, EVP_sha1(), NULL) != 1 ||
	    EVP_Digest(der, (size_t)n, k->rsa_id_sha256, NULL, EVP_sha256(), NULL) != 1)
		return cp_keyfile_err(err, errlen, -EIO, "cannot hash the RSA identity key");
	for (int i = 0; i < 20; i++) {
		k->fp_hex[2 * i] = hex[k->rsa_id_sha1[i] >> 4];
		k->fp_hex[2 * i + 1] = hex[k->rsa_id_sha1[i] & 15];
	}
	k->fp_hex[CP_KEYS_FP_HEX_LEN] = '\0';
	for (int i = 0, o = 0; i < CP_KEYS_FP_HEX_LEN; i++) {
		if (i != 0 && i % 4 == 0)
			k->fp_spaced[o++] = ' ';
		k->fp_spaced[o++] = k->fp_hex[i];
	}
	k->fp_spaced[CP_KEYS_FP_SPACED_LEN] = '\0';
	return 0;
}

/* ---- Ed25519 keys ---------------------------------------------------- */

/* Parse a type-4 cert (cert-spec §2.1, §2.2.1); NULL if well-formed, else why not. */
static const char *
sigcert_parse(const uint8_t *c, size_t len, struct sigcert *sc)
{
	size_t pos, end;
	bool have_master = false;
	uint8_t n_ext;

	if (len < CERT_MIN_LEN)
		return "truncated certificate";
	if (c[0] != 0x01)
		return "unknown certificate version";
	if (c[1] != CERT_TYPE_ID_SIGNING)
		return "not a type-4 (identity to signing key) certificate";
	if (c[6] != 0x01)
		return "certified key is not an Ed25519 key";
	sc->expires = (time_t)be32_get(c + 2) * 3600;
	memcpy(sc->certified, c + 7, 32);
	n_ext = c[39];
	pos = 40;
	end = len - 64;
	for (unsigned int i = 0; i < n_ext; i++) {
		size_t elen;

		if (end - pos < 4)
			return "truncated extension";
		elen = be16_get(c + pos);
		if (end - pos - 4 < elen)
			return "truncated extension";
		if (c[pos + 2] == CERT_EXT_SIGNED_WITH_KEY) {
			if (elen != 32 || have_master)
				return "bad signed-with-ed25519-key extension";
			memcpy(sc->master, c + pos + 4, 32);
			have_master = true;
		} else if (c[pos + 3] & CERT_EXT_AFFECTS_VALIDATION) {
			return "unknown extension that affects validation";
		}
		pos += 4 + elen;
	}
	if (pos != end)
		return "trailing bytes before the signature";
	/* routerkeys.c: "Loaded a signing cert with no key included!" */
	if (!have_master)
		return "no signed-with-ed25519-key extension (master key not included)";
	return NULL;
}

static bool
sigcert_sig_ok(const uint8_t *c, size_t len, const uint8_t master_pub[32])
{
	return cp_ed25519_verify(c + len - 64, c, len - 64, master_pub);
}

/* Read the master secret; it must match the master public key when that is known. */
static int
keys_load_master(struct cp_keys *k, struct cp_ed25519_key *master, bool have_pub, char *err,
		 size_t errlen)
{
	char path[PATH_MAX], p_pub[PATH_MAX];
	uint8_t sec[64];
	size_t got;
	int rc;

	keys_path(k, F_MASTER_SEC, path);
	rc = cp_keyfile_tagged_read(path, T_ED_SEC, "type0", true, sec, sizeof(sec), false, &got,
				    err, errlen);
	if (rc != 0)
		return rc;
	rc = cp_ed25519_from_expanded(master, sec);
	OPENSSL_cleanse(sec, sizeof(sec));
	if (rc != 0)
		return cp_keyfile_err(err, errlen, rc, "%s: cannot compute the public key", path);
	if (have_pub && CRYPTO_memcmp(master->pub, k->master_pub, 32) != 0) {
		cp_ed25519_wipe(master);
		keys_path(k, F_MASTER_PUB, p_pub);
		return cp_keyfile_err(err, errlen, -EKEYREJECTED,
				      "%s does not match %s: if you are restoring from a backup, "
				      "make sure the key files were not mixed up",
				      p_pub, path);
	}
	return 0;
}

/* Make a new signing key and cert with @p master, write them, and install them. */
static int
keys_make_signing(struct cp_keys *k, const struct cp_ed25519_key *master, time_t now, char *err,
		  size_t errlen)
{
	char p_sec[PATH_MAX], p_cert[PATH_MAX], why[128];
	struct cp_ed25519_key sign;
	uint8_t cert[CP_KEYS_CERT_MAX];
	struct sigcert sc;
	const char *bad = NULL;
	size_t len = sizeof(cert);
	uint64_t until = (uint64_t)now + k->opt.signing_lifetime;
	/* torcert.c: the hour field is rounded up. */
	uint32_t exp_hours = (uint32_t)((until + 3599) / 3600);
	int rc;

	rc = cp_ed25519_generate(&sign);
	if (rc != 0)
		return cp_keyfile_err(err, errlen, rc, "cannot generate an Ed25519 signing key");
	rc = k->opt.make_signing_cert(k->opt.make_signing_cert_arg, master, &sign, exp_hours, cert,
				      &len);
	if (rc != 0) {
		cp_keyfile_err(err, errlen, rc, "cannot make a signing certificate: %s",
			       strerror(-rc));
		goto out;
	}
	/* Check the maker's work: it is about to be written next to our keys. */
	bad = len > sizeof(cert) ? "too long" : sigcert_parse(cert, len, &sc);
	if (bad == NULL) {
		if (memcmp(sc.certified, sign.pub, 32) != 0 ||
		    memcmp(sc.master, master->pub, 32) != 0)
			bad = "wrong keys";
		else if (sc.expires != (time_t)exp_hours * 3600)
			bad = "wrong expiration";
		else if (!sigcert_sig_ok(cert, len, master->pub))
			bad = "bad signature";
	}
	if (bad != NULL) {
		snprintf(why, sizeof(why), "%s", bad);
		rc = cp_keyfile_err(
			err, errlen, -EPROTO,
			"the certificate maker returned an unusable type-4 certificate: %s", why);
		goto out;
	}
	keys_path(k, F_SIGN_SEC, p_sec);
	keys_path(k, F_SIGN_CERT, p_cert);
	rc = cp_keyfile_tagged_write(p_sec, T_ED_SEC, "type4", sign.sec, sizeof(sign.sec), err,
				     errlen);
	if (rc == 0)
		rc = cp_keyfile_tagged_write(p_cert, T_ED_CERT, "type4", cert, len, err, errlen);
	if (rc != 0)
		goto out;
	cp_ed25519_wipe(&k->signing);
	k->signing = sign;
	memcpy(k->cert, cert, len);
	k->cert_len = len;
	k->cert_expires = sc.expires;
	k->warned_expiry = false;
	CP_LOG(NOTICE, keys, "made a new Ed25519 signing key, certified until %s",
	       fmt_time(k->cert_expires, why));
out:
	cp_ed25519_wipe(&sign);
	return rc;
}

/*
 * A renewal that cannot happen now: an error when the signing key is
 * unusable or expired (@p need), else one warning until the next renewal.
 */
static int
renew_failed(struct cp_keys *k, bool need, int rc, const char *msg, char *err, size_t errlen)
{
	char when[32];

	if (need)
		return cp_keyfile_err(err, errlen, rc, "%s", msg);
	if (!k->warned_expiry)
		CP_LOG(WARN, keys, "the signing key expires at %s and cannot be renewed yet: %s",
		       fmt_time(k->cert_expires, when), msg);
	k->warned_expiry = true;
	return 0;
}

/*
 * Renew the signing key when it expires within the slop. @p need: the
 * current one is unusable or expired; @p why says why, for messages.
 */
static int
keys_renew_signing(struct cp_keys *k, time_t now, bool need, const char *why, char *err,
		   size_t errlen)
{
	char p_sec[PATH_MAX], p_cert[PATH_MAX], when[32], msg[2 * PATH_MAX + 256];
	struct cp_ed25519_key master = {0};
	bool want = need || k->cert_expires < now + (time_t)k->opt.signing_slop;
	int rc;

	if (!want)
		return 0;
	keys_path(k, F_MASTER_SEC, p_sec);
	keys_path(k, F_SIGN_CERT, p_cert);
	if (!k->opt.offline_master) {
		/* The operator may have moved the master secret in or out since start-up. */
		rc = cp_keyfile_check_secret(p_sec, &k->master_secret_present, msg, sizeof(msg));
		if (rc != 0)
			return renew_failed(k, need, rc, msg, err, errlen);
	}
	if (!k->master_secret_present) {
		const char *where = k->opt.offline_master ? "OfflineMasterKey is set" : "absent";

		if (k->cert_len == 0) {
			snprintf(msg, sizeof(msg),
				 "no usable signing key (%s) and the master secret key %s is "
				 "offline (%s), so no new one can be made",
				 why, p_sec, where);
			return renew_failed(k, need, -ENOKEY, msg, err, errlen);
		}
		snprintf(msg, sizeof(msg),
			 "the signing certificate in %s %s at %s and the master secret key %s is "
			 "offline (%s): make a new signing key and certificate with it "
			 "(tor --keygen) and copy them here",
			 p_cert, need ? "expired" : "expires", fmt_time(k->cert_expires, when),
			 p_sec, where);
		return renew_failed(k, need, -EKEYEXPIRED, msg, err, errlen);
	}
	if (k->opt.make_signing_cert == NULL) {
		snprintf(msg, sizeof(msg),
			 "a new signing key is needed (%s) but no certificate maker is configured",
			 why);
		return renew_failed(k, need, -ENOSYS, msg, err, errlen);
	}
	CP_LOG(NOTICE, keys, "making a new Ed25519 signing key: %s", why);
	rc = keys_load_master(k, &master, true, msg, sizeof(msg));
	if (rc == 0)
		rc = keys_make_signing(k, &master, now, msg, sizeof(msg));
	cp_ed25519_wipe(&master);
	if (rc != 0)
		return renew_failed(k, need, rc, msg, err, errlen);
	return CP_KEYS_CHANGE_SIGNING;
}

static int
keys_load_ed(struct cp_keys *k, time_t now, char *err, size_t errlen)
{
	char p_msec[PATH_MAX], p_mpub[PATH_MAX], p_ssec[PATH_MAX], p_cert[PATH_MAX];
	char why[2 * PATH_MAX + 128] = "", when[32];
	struct cp_ed25519_key master = {0};
	struct sigcert sc;
	uint8_t sec[64];
	const char *bad;
	bool have_pub = false, sign_ok = false;
	size_t got;
	int rc;

	keys_path(k, F_MASTER_SEC, p_msec);
	keys_path(k, F_MASTER_PUB, p_mpub);
	keys_path(k, F_SIGN_SEC, p_ssec);
	keys_path(k, F_SIGN_CERT, p_cert);

	/* 1. The signing key and its cert. Unusable ones are replaced below if we can. */
	rc = cp_keyfile_tagged_read(p_ssec, T_ED_SEC, "type4", true, sec, sizeof(sec), false, &got,
				    why, sizeof(why));
	if (rc == -EPERM)
		return cp_keyfile_err(err, errlen, rc, "%s", why);
	if (rc == 0) {
		rc = cp_ed25519_from_expanded(&k->signing, sec);
		OPENSSL_cleanse(sec, sizeof(sec));
		if (rc != 0)
			return cp_keyfile_err(err, errlen, rc, "%s: cannot compute the public key",
					      p_ssec);
		rc = cp_keyfile_tagged_read(p_cert, T_ED_CERT, "type4", false, k->cert,
					    sizeof(k->cert), true, &k->cert_len, why, sizeof(why));
		if (rc == 0) {
			bad = sigcert_parse(k->cert, k->cert_len, &sc);
			if (bad != NULL)
				snprintf(why, sizeof(why), "%s: %s", p_cert, bad);
			else if (memcmp(sc.certified, k->signing.pub, 32) != 0)
				snprintf(why, sizeof(why), "%s certifies another key than %s",
					 p_cert, p_ssec);
			else
				sign_ok = true;
		}
	}
	if (!sign_ok) {
		cp_ed25519_wipe(&k->signing);
		k->cert_len = 0;
		k->cert_expires = 0;
	}

	/* 2. The master public key; errors other than absence are fatal (tor: NO_REPAIR). */
	rc = cp_keyfile_tagged_read(p_mpub, T_ED_PUB, "type0", false, k->master_pub, 32, false,
				    &got, err, errlen);
	if (rc == 0)
		have_pub = true;
	else if (rc != -ENOENT)
		return rc;

	/* 3. The master secret: its mode always, its contents only when needed. */
	if (!k->opt.offline_master) {
		rc = cp_keyfile_check_secret(p_msec, &k->master_secret_present, err, errlen);
		if (rc != 0)
			return rc;
	}
	if (k->master_secret_present && !have_pub) {
		rc = keys_load_master(k, &master, false, err, errlen);
		if (rc != 0)
			return rc;
		memcpy(k->master_pub, master.pub, 32);
		cp_ed25519_wipe(&master);
		rc = cp_keyfile_tagged_write(p_mpub, T_ED_PUB, "type0", k->master_pub, 32, err,
					     errlen);
		if (rc != 0)
			return rc;
		have_pub = true;
		CP_LOG(NOTICE, keys, "found the master secret key but not %s; wrote it", p_mpub);
	}

	if (sign_ok) {
		if (!have_pub) {
			memcpy(k->master_pub, sc.master, 32);
			rc = cp_keyfile_tagged_write(p_mpub, T_ED_PUB, "type0", k->master_pub, 32,
						     err, errlen);
			if (rc != 0)
				return rc;
			have_pub = true;
			CP_LOG(WARN, keys,
			       "the master public key was absent; took it from the signing "
			       "certificate and saved it to %s",
			       p_mpub);
		}
		if (memcmp(sc.master, k->master_pub, 32) != 0)
			return cp_keyfile_err(err, errlen, -EKEYREJECTED,
					      "%s was signed by another master key than the one in "
					      "%s: the key files are mixed up",
					      p_cert, p_mpub);
		if (!sigcert_sig_ok(k->cert, k->cert_len, k->master_pub))
			return cp_keyfile_err(err, errlen, -EKEYREJECTED,
					      "%s has a bad signature by the master key", p_cert);
		k->cert_expires = sc.expires;
		if (sc.expires < now)
			snprintf(why, sizeof(why), "the certificate in %s expired at %s", p_cert,
				 fmt_time(sc.expires, when));
		else
			snprintf(why, sizeof(why), "the certificate in %s expires at %s", p_cert,
				 fmt_time(sc.expires, when));
	} else if (why[0] == '\0') {
		snprintf(why, sizeof(why), "%s is unusable", p_ssec);
	}

	/* 4. A new identity only when there is no trace of one (tor: can_make_master_id_key). */
	if (!have_pub && !k->master_secret_present) {
		if (k->opt.offline_master)
			return cp_keyfile_err(
				err, errlen, -ENOKEY,
				"no usable signing key (%s), no %s, and OfflineMasterKey "
				"is set, so the master key is not loaded",
				why, p_mpub);
		if (k->opt.make_signing_cert == NULL)
			return cp_keyfile_err(
				err, errlen, -ENOSYS,
				"a new Ed25519 identity needs a signing certificate but "
				"no certificate maker is configured");
		rc = cp_ed25519_generate(&master);
		if (rc == 0)
			rc = cp_keyfile_tagged_write(p_msec, T_ED_SEC, "type0", master.sec, 64, err,
						     errlen);
		else
			cp_keyfile_err(err, errlen, rc, "cannot generate an Ed25519 master key");
		if (rc == 0)
			rc = cp_keyfile_tagged_write(p_mpub, T_ED_PUB, "type0", master.pub, 32, err,
						     errlen);
		if (rc == 0) {
			memcpy(k->master_pub, master.pub, 32);
			k->master_secret_present = true;
			CP_LOG(NOTICE, keys, "generated a new Ed25519 master identity key in %s",
			       p_msec);
			rc = keys_make_signing(k, &master, now, err, errlen);
		}
		cp_ed25519_wipe(&master);
		if (rc != 0)
			return rc;
	} else {
		rc = keys_renew_signing(k, now, !sign_ok || k->cert_expires < now, why, err,
					errlen);
		if (rc < 0)
			return rc;
	}
	b64_nopad(k->master_b64, k->master_pub);
	return 0;
}

/* ---- onion keys ------------------------------------------------------ */

static int
ntor_read(const char *path, struct cp_keys_ntor *n, struct stat *st, char *err, size_t errlen)
{
	uint8_t buf[64], pub[32];
	size_t got;
	int rc;

	if (st != NULL && stat(path, st) != 0)
		memset(st, 0, sizeof(*st));
	rc = cp_keyfile_tagged_read(path, T_C25519, "onion", true, buf, sizeof(buf), false, &got,
				    err, errlen);
	if (rc != 0)
		return rc;
	memcpy(n->sec, buf, 32);
	rc = cp_keyfile_x25519_pub(pub, n->sec);
	/* crypto_curve25519.c: the stored public key must be the secret's. */
	if (rc == 0 && memcmp(pub, buf + 32, 32) != 0)
		rc = cp_keyfile_err(err, errlen, -EINVAL,
				    "%s is corrupt: its public key does not match its secret key",
				    path);
	else if (rc != 0)
		cp_keyfile_err(err, errlen, rc, "%s: cannot compute the public key", path);
	else
		memcpy(n->pub, pub, 32);
	OPENSSL_cleanse(buf, sizeof(buf));
	if (rc != 0)
		OPENSSL_cleanse(n, sizeof(*n));
	return rc;
}

static int
ntor_write(const char *path, const struct cp_keys_ntor *n, char *err, size_t errlen)
{
	uint8_t buf[64];
	int rc;

	memcpy(buf, n->sec, 32);
	memcpy(buf + 32, n->pub, 32);
	rc = cp_keyfile_tagged_write(path, T_C25519, "onion", buf, sizeof(buf), err, errlen);
	OPENSSL_cleanse(buf, sizeof(buf));
	return rc;
}

static int
ntor_generate(struct cp_keys_ntor *n)
{
	memset(n, 0, sizeof(*n));
	if (RAND_priv_bytes(n->sec, 32) != 1)
		return -EIO;
	/* Stored clamped, as curve25519_secret_key_generate() does. */
	n->sec[0] &= 248;
	n->sec[31] &= 127;
	n->sec[31] |= 64;
	return cp_keyfile_x25519_pub(n->pub, n->sec);
}

/* Parse tor's "LastRotatedOnionKey YYYY-MM-DD HH:MM:SS" from DataDirectory/state. */
static time_t
tor_state_onion_time(const struct cp_keys *k)
{
	char path[PATH_MAX], line[256];
	time_t t = 0;
	FILE *f;

	if ((size_t)snprintf(path, sizeof(path), "%s/state", k->datadir) >= sizeof(path))
		return 0;
	f = fopen(path, "re");
	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL) {
		struct tm tm = {0};

		if (sscanf(line, "LastRotatedOnionKey %d-%d-%d %d:%d:%d", &tm.tm_year, &tm.tm_mon,
			   &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) == 6) {
			tm.tm_year -= 1900;
			tm.tm_mon -= 1;
			t = timegm(&tm);
		}
	}
	fclose(f);
	return t;
}

static time_t
chive_state_onion_time(const struct cp_keys *k)
{
	char path[PATH_MAX], line[128];
	long long v;
	time_t t = 0;
	FILE *f;

	keys_path(k, F_STATE, path);
	f = fopen(path, "re");
	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "onion-key-set-at %lld", &v) == 1)
			t = (time_t)v;
	fclose(f);
	return t;
}

static int
chive_state_write(const struct cp_keys *k, char *err, size_t errlen)
{
	char path[PATH_MAX], buf[160];
	int n;

	keys_path(k, F_STATE, path);
	n = snprintf(buf, sizeof(buf),
		     "# Chive key store state (controlplane/keys/README.md)\n"
		     "onion-key-set-at %lld\n",
		     (long long)k->onion_set_at);
	return cp_keyfile_write(path, buf, (size_t)n, err, errlen);
}

static void
onion_set_times(struct cp_keys *k)
{
	k->ntor_cur.valid_until =
		k->onion_set_at + (time_t)k->opt.onion_rotation + (time_t)k->opt.onion_grace;
	k->ntor_prev.valid_until = k->onion_set_at + (time_t)k->opt.onion_grace;
}

/* Load a previous (.old) key. Only a bad mode is fatal; tor ignores other failures. */
static int
keys_load_old(struct cp_keys *k, char *err, size_t errlen)
{
	char path[PATH_MAX], msg[PATH_MAX + 160];
	int rc;

	keys_path(k, F_NTOR_OLD, path);
	rc = ntor_read(path, &k->ntor_prev, NULL, msg, sizeof(msg));
	if (rc == -EPERM)
		return cp_keyfile_err(err, errlen, rc, "%s", msg);
	k->have_ntor_prev = rc == 0;
	if (rc != 0 && rc != -ENOENT)
		CP_LOG(WARN, keys, "ignoring the previous ntor onion key: %s", msg);

	keys_path(k, F_TAP_OLD, path);
	rc = cp_keyfile_rsa_read(path, &k->tap_prev, msg, sizeof(msg));
	if (rc == -EPERM)
		return cp_keyfile_err(err, errlen, rc, "%s", msg);
	if (rc != 0 && rc != -ENOENT)
		CP_LOG(WARN, keys, "ignoring the previous TAP onion key: %s", msg);
	return 0;
}

static int
keys_load_onion(struct cp_keys *k, time_t now, char *err, size_t errlen)
{
	char path[PATH_MAX];
	struct stat st;
	bool created = false;
	time_t t;
	int rc;

	keys_path(k, F_NTOR, path);
	rc = ntor_read(path, &k->ntor_cur, &st, err, errlen);
	if (rc == -ENOENT) {
		rc = ntor_generate(&k->ntor_cur);
		if (rc != 0)
			return cp_keyfile_err(err, errlen, rc, "cannot generate an ntor onion key");
		rc = ntor_write(path, &k->ntor_cur, err, errlen);
		created = true;
	}
	if (rc != 0)
		return rc;

	keys_path(k, F_TAP, path);
	rc = cp_keyfile_rsa_read(path, &k->tap_cur, err, errlen);
	if (rc == -ENOENT) {
		rc = cp_keys_rsa_generate(1024, &k->tap_cur);
		if (rc != 0)
			return cp_keyfile_err(err, errlen, rc, "cannot generate a TAP onion key");
		rc = cp_keyfile_rsa_write(path, k->tap_cur, err, errlen);
		created = true;
	}
	if (rc != 0)
		return rc;
	if (created)
		CP_LOG(NOTICE, keys, "generated new onion keys in %s", k->keydir);

	rc = keys_load_old(k, err, errlen);
	if (rc != 0)
		return rc;

	/* tor (init_keys) accepts a recorded time only if 100 < t < now. */
	t = chive_state_onion_time(k);
	if (!created && t > 100 && t <= now) {
		k->onion_set_at = t;
	} else {
		t = tor_state_onion_time(k);
		if (created || t <= 100 || t > now)
			t = created ? now : st.st_mtime;
		if (t <= 100 || t > now)
			t = now;
		k->onion_set_at = t;
		rc = chive_state_write(k, err, errlen);
		if (rc != 0)
			return rc;
	}
	onion_set_times(k);
	return 0;
}

static void
onion_drop_previous(struct cp_keys *k)
{
	OPENSSL_cleanse(&k->ntor_prev, sizeof(k->ntor_prev));
	k->have_ntor_prev = false;
	EVP_PKEY_free(k->tap_prev);
	k->tap_prev = NULL;
}

static int
unlink_old(const struct cp_keys *k, const char *name)
{
	char path[PATH_MAX];

	keys_path(k, name, path);
	if (unlink(path) != 0 && errno != ENOENT) {
		CP_LOG(WARN, keys, "cannot delete the old onion key %s: %s", path, strerror(errno));
		return -errno;
	}
	return 0;
}

static int
move_to_old(const struct cp_keys *k, const char *name, const char *old, char *err, size_t errlen)
{
	char path[PATH_MAX], p_old[PATH_MAX];
	int rc;

	keys_path(k, name, path);
	keys_path(k, old, p_old);
	if (rename(path, p_old) != 0 && errno != ENOENT) {
		rc = -errno;
		return cp_keyfile_err(err, errlen, rc, "cannot rename %s to %s: %s", path, p_old,
				      strerror(-rc));
	}
	return 0;
}

/* rotate_onion_key() and the expiry callback of relay_periodic.c. */
static int
keys_rotate_onion(struct cp_keys *k, time_t now, char *err, size_t errlen)
{
	char p_ntor[PATH_MAX], p_tap[PATH_MAX];
	struct cp_keys_ntor fresh;
	EVP_PKEY *tap = NULL;
	int rc;

	if (now >= k->onion_set_at + (time_t)k->opt.onion_rotation) {
		/* Make the new keys before touching any file. */
		rc = ntor_generate(&fresh);
		if (rc == 0)
			rc = cp_keys_rsa_generate(1024, &tap);
		if (rc != 0) {
			OPENSSL_cleanse(&fresh, sizeof(fresh));
			return cp_keyfile_err(err, errlen, rc, "cannot generate new onion keys");
		}
		keys_path(k, F_TAP, p_tap);
		keys_path(k, F_NTOR, p_ntor);
		rc = move_to_old(k, F_TAP, F_TAP_OLD, err, errlen);
		if (rc == 0)
			rc = cp_keyfile_rsa_write(p_tap, tap, err, errlen);
		if (rc == 0)
			rc = move_to_old(k, F_NTOR, F_NTOR_OLD, err, errlen);
		if (rc == 0)
			rc = ntor_write(p_ntor, &fresh, err, errlen);
		if (rc != 0) {
			OPENSSL_cleanse(&fresh, sizeof(fresh));
			EVP_PKEY_free(tap);
			return rc;
		}
		onion_drop_previous(k);
		k->ntor_prev = k->ntor_cur;
		k->have_ntor_prev = true;
		k->ntor_cur = fresh;
		OPENSSL_cleanse(&fresh, sizeof(fresh));
		k->tap_prev = k->tap_cur;
		k->tap_cur = tap;
		k->onion_set_at = now;
		onion_set_times(k);
		CP_LOG(INFO, keys, "rotated the onion keys");
		rc = chive_state_write(k, err, errlen);
		return rc != 0 ? rc : CP_KEYS_CHANGE_ONION;
	}
	if ((k->have_ntor_prev || k->tap_prev != NULL) &&
	    now >= k->onion_set_at + (time_t)k->opt.onion_grace) {
		onion_drop_previous(k);
		unlink_old(k, F_NTOR_OLD);
		unlink_old(k, F_TAP_OLD);
		CP_LOG(INFO, keys, "dropped the previous onion keys after their grace period");
		return CP_KEYS_CHANGE_ONION_OLD;
	}
	return 0;
}

/* ---- API ------------------------------------------------------------- */

int
cp_keys_rotate(struct cp_keys *k, time_t now, char *err, size_t errlen)
{
	int onion, sign;

	onion = keys_rotate_onion(k, now, err, errlen);
	if (onion < 0)
		return onion;
	sign = keys_renew_signing(k, now, k->cert_expires < now, "the current one expires soon",
				  err, errlen);
	if (sign < 0)
		return sign;
	return onion | sign;
}

static int
options_check(const struct cp_keys_options *o, char *err, size_t errlen)
{
	if (o->onion_rotation == 0 || o->onion_grace == 0 || o->onion_grace > o->onion_rotation)
		return cp_keyfile_err(err, errlen, -EINVAL,
				      "onion key grace period (%u s) must be between 1 s and the "
				      "rotation period (%u s)",
				      o->onion_grace, o->onion_rotation);
	if (o->signing_lifetime < 3600 || o->signing_slop >= o->signing_lifetime)
		return cp_keyfile_err(err, errlen, -EINVAL,
				      "signing key lifetime (%u s) must be at least an hour and "
				      "longer than the renewal slop (%u s)",
				      o->signing_lifetime, o->signing_slop);
	return 0;
}

int
cp_keys_load_or_create(const char *datadir, const struct cp_keys_options *opt, time_t now,
		       struct cp_keys **out, char *err, size_t errlen)
{
	struct cp_keys *k;
	int rc;

	*out = NULL;
	k = cp_xcalloc(1, sizeof(*k));
	if (datadir == NULL || datadir[0] == '\0') {
		rc = cp_keyfile_err(err, errlen, -EINVAL, "no DataDirectory given");
		goto fail;
	}
	if (strlen(datadir) >= sizeof(k->datadir)) {
		rc = cp_keyfile_err(err, errlen, -ENAMETOOLONG, "DataDirectory path too long: %s",
				    datadir);
		goto fail;
	}
	if (opt != NULL)
		k->opt = *opt;
	else
		cp_keys_options_default(&k->opt);
	rc = options_check(&k->opt, err, errlen);
	if (rc != 0)
		goto fail;
	snprintf(k->datadir, sizeof(k->datadir), "%s", datadir);
	snprintf(k->keydir, sizeof(k->keydir), "%s/keys", datadir);

	/* tor creates DataDirectory 0700 too; we only make it, its checks are tor's business. */
	if (mkdir(datadir, 0700) != 0 && errno != EEXIST) {
		rc = -errno;
		cp_keyfile_err(err, errlen, rc, "cannot create %s: %s", datadir, strerror(-rc));
		goto fail;
	}
	rc = keys_dir_prepare(k->keydir, err, errlen);
	if (rc == 0)
		rc = keys_load_rsa_id(k, err, errlen);
	if (rc == 0)
		rc = keys_load_ed(k, now, err, errlen);
	if (rc == 0)
		rc = keys_load_onion(k, now, err, errlen);
	if (rc == 0)
		rc = keys_rotate_onion(k, now, err, errlen);
	if (rc < 0)
		goto fail;
	*out = k;
	return 0;
fail:
	cp_keys_destroy(k);
	return rc;
}

void
cp_keys_destroy(struct cp_keys *k)
{
	if (k == NULL)
		return;
	EVP_PKEY_free(k->rsa_id);
	EVP_PKEY_free(k->tap_cur);
	EVP_PKEY_free(k->tap_prev);
	OPENSSL_free(k->rsa_id_der);
	cp_ed25519_wipe(&k->signing);
	OPENSSL_cleanse(k, sizeof(*k));
	free(k);
}

const char *
cp_keys_rsa_fingerprint(const struct cp_keys *k)
{
	return k->fp_hex;
}

const char *
cp_keys_rsa_fingerprint_spaced(const struct cp_keys *k)
{
	return k->fp_spaced;
}

const uint8_t *
cp_keys_rsa_id_digest(const struct cp_keys *k)
{
	return k->rsa_id_sha1;
}

const uint8_t *
cp_keys_rsa_id_sha256(const struct cp_keys *k)
{
	return k->rsa_id_sha256;
}

const uint8_t *
cp_keys_rsa_id_der(const struct cp_keys *k, size_t *len)
{
	*len = k->rsa_id_der_len;
	return k->rsa_id_der;
}

EVP_PKEY *
cp_keys_rsa_identity(const struct cp_keys *k)
{
	return k->rsa_id;
}

const uint8_t *
cp_keys_master_pub(const struct cp_keys *k)
{
	return k->master_pub;
}

const char *
cp_keys_ed25519_id_base64(const struct cp_keys *k)
{
	return k->master_b64;
}

bool
cp_keys_has_master_secret(const struct cp_keys *k)
{
	return k->master_secret_present;
}

const struct cp_ed25519_key *
cp_keys_signing_key(const struct cp_keys *k)
{
	return &k->signing;
}

const uint8_t *
cp_keys_signing_cert(const struct cp_keys *k, size_t *len)
{
	*len = k->cert_len;
	return k->cert;
}

time_t
cp_keys_signing_cert_expires(const struct cp_keys *k)
{
	return k->cert_expires;
}

const struct cp_keys_ntor *
cp_keys_ntor_current(const struct cp_keys *k)
{
	return &k->ntor_cur;
}

const struct cp_keys_ntor *
cp_keys_ntor_previous(const struct cp_keys *k)
{
	return k->have_ntor_prev ? &k->ntor_prev : NULL;
}

EVP_PKEY *
cp_keys_tap_current(const struct cp_keys *k)
{
	return k->tap_cur;
}

EVP_PKEY *
cp_keys_tap_previous(const struct cp_keys *k)
{
	return k->tap_prev;
}

time_t
cp_keys_onion_set_at(const struct cp_keys *k)
{
	return k->onion_set_at;
}

time_t
cp_keys_onion_next_rotation(const struct cp_keys *k)
{
	return k->onion_set_at + (time_t)k->opt.onion_rotation;
}
