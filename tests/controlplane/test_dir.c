/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief controlplane/dir: the server descriptor, HTTP reply parsing, bandwidth.
 *
 * The descriptor is built from a real key store and checked the way an
 * authority checks it (dir-spec §2.1.1; relay-checklist §F1): line order,
 * both signatures, both crosscerts. That authorities accept it is shown by
 * tests/integration/test_testnet.sh against real tor authorities.
 */
#include <errno.h>
#include <ftw.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>
#include <openssl/evp.h>

#include "controlplane/certs/cert_err.h"
#include "controlplane/certs/edcert.h"
#include "controlplane/certs/rsacross.h"
#include "controlplane/dir/desc.h"
#include "controlplane/dir/dir.h"
#include "controlplane/dir/http.h"
#include "controlplane/keys/keys.h"
#include "controlplane/link/linkcreds.h"
#include "controlplane/log.h"
#include "tests/suites.h"

#define T0 1790000000 /* 2026-09-21 14:13:20 UTC */

static char tmpdir[64];
static struct cp_keys *keys;
static struct cp_dir_conf conf;
static char desc[CP_DESC_MAX + 1];
static char err[256];

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int
suite_init(void)
{
	struct cp_keys_options opt;

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/chive-test-dir.XXXXXX");
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	cp_log_set_level(CP_LOG_ERR);
	cp_keys_options_default(&opt);
	opt.make_signing_cert = cp_linkcreds_make_signing_cert;
	return cp_keys_load_or_create(tmpdir, &opt, T0, &keys, err, sizeof(err)) == 0 ? 0 : -1;
}

static int
suite_fini(void)
{
	cp_keys_destroy(keys);
	nftw(tmpdir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
	cp_log_set_level(CP_LOG_NOTICE);
	return 0;
}

static void
params(struct cp_desc_params *p)
{
	memset(&conf, 0, sizeof(conf));
	snprintf(conf.nickname, sizeof(conf.nickname), "chiveTest1");
	snprintf(conf.contact, sizeof(conf.contact), "ops <ops at example dot org>");
	*p = (struct cp_desc_params){
		.conf = &conf,
		.address = 0x0a5a0002, /* 10.90.0.2 */
		.orport = 9001,
		.platform = CP_DIR_PLATFORM,
		.published = T0 + 30,
		.uptime = 30,
		.bw_rate = CP_DESC_BW_DEFAULT,
		.bw_burst = CP_DESC_BW_DEFAULT,
		.bw_observed = 123456,
		.onion_key_expires = T0 + 35 * 86400,
	};
}

/* The object between "KEYWORD\n-----BEGIN TAG-----\n" and "-----END TAG-----", decoded. */
static int
object(const char *doc, const char *keyword_line, const char *tag, uint8_t *out, size_t cap)
{
	char begin[96], end[96], b64[2048];
	const char *s = strstr(doc, keyword_line), *e;
	size_t n = 0;
	int dec;

	if (s == NULL)
		return -1;
	snprintf(begin, sizeof(begin), "-----BEGIN %s-----\n", tag);
	snprintf(end, sizeof(end), "-----END %s-----", tag);
	s = strstr(s, begin);
	if (s == NULL)
		return -1;
	s += strlen(begin);
	e = strstr(s, end);
	if (e == NULL)
		return -1;
	for (; s < e && n < sizeof(b64) - 1; s++)
		if (*s != '\n')
			b64[n++] = *s;
	dec = EVP_DecodeBlock(out, (const unsigned char *)b64, (int)n);
	if (dec < 0 || (size_t)dec > cap)
		return -1;
	while (n > 0 && b64[n - 1] == '=') {
		n--;
		dec--;
	}
	return dec;
}

static void
test_desc_lines_in_tors_order(void)
{
	static const char *const order[] = {
		"router chiveTest1 10.90.0.2 9001 0 0\n",
		"\nidentity-ed25519\n-----BEGIN ED25519 CERT-----\n",
		"\nmaster-key-ed25519 ",
		"\nplatform Chive ",
		"\nproto " CP_DESC_PROTO "\n",
		"\npublished 2026-09-21 ",
		"\nfingerprint ",
		"\nuptime 30\n",
		"\nbandwidth 1073741824 1073741824 123456\n",
		"\nonion-key\n-----BEGIN RSA PUBLIC KEY-----\n",
		"\nsigning-key\n-----BEGIN RSA PUBLIC KEY-----\n",
		"\nonion-key-crosscert\n-----BEGIN CROSSCERT-----\n",
		"\nntor-onion-key-crosscert ",
		"\ncontact ops <ops at example dot org>\n",
		"\nntor-onion-key ",
		"\nreject *:*\n",
		"\nrouter-sig-ed25519 ",
		"\nrouter-signature\n-----BEGIN SIGNATURE-----\n",
	};
	struct cp_desc_params p;
	const char *at = desc;
	char line[128];
	int n;

	params(&p);
	n = cp_desc_build(desc, sizeof(desc), &p, keys, err, sizeof(err));
	CU_ASSERT_FATAL(n > 0);
	CU_ASSERT_EQUAL((size_t)n, strlen(desc));
	CU_ASSERT(n < CP_DESC_MAX);
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		const char *f = strstr(at, order[i]);

		if (f == NULL)
			fprintf(stderr, "missing or out of order: %s\n", order[i]);
		CU_ASSERT_PTR_NOT_NULL_FATAL(f);
		at = f + 1;
	}
	/* What a middle must not claim (checklist §F1): no dir, HS, exit or padding roles. */
	CU_ASSERT_PTR_NULL(strstr(desc, "tunnelled-dir-server"));
	CU_ASSERT_PTR_NULL(strstr(desc, "hidden-service-dir"));
	CU_ASSERT_PTR_NULL(strstr(desc, "extra-info-digest"));
	CU_ASSERT_PTR_NULL(strstr(desc, "accept "));
	CU_ASSERT_PTR_NULL(strstr(desc, "\nfamily"));
	/* Keys in their published forms. */
	snprintf(line, sizeof(line), "\nmaster-key-ed25519 %s\n", cp_keys_ed25519_id_base64(keys));
	CU_ASSERT_PTR_NOT_NULL(strstr(desc, line));
	snprintf(line, sizeof(line), "\nfingerprint %s\n", cp_keys_rsa_fingerprint_spaced(keys));
	CU_ASSERT_PTR_NOT_NULL(strstr(desc, line));
	CU_ASSERT_PTR_NOT_NULL(strstr(desc, "\npublished 2026-09-21 14:13:50\n"));
	/* Ends right after the RSA signature object. */
	CU_ASSERT(n > 24 && strcmp(desc + n - 24, "-----END SIGNATURE-----\n") == 0);
	CU_ASSERT_PTR_NULL(strchr(desc, '\r'));
}

static void
test_desc_signatures_verify(void)
{
	struct cp_desc_params p;
	int n;

	params(&p);
	n = cp_desc_build(desc, sizeof(desc), &p, keys, err, sizeof(err));
	CU_ASSERT_FATAL(n > 0);
	err[0] = '\0';
	CU_ASSERT_EQUAL(cp_desc_verify(desc, (size_t)n, cp_keys_signing_key(keys)->pub,
				       cp_keys_rsa_identity(keys), err, sizeof(err)),
			0);
	if (err[0] != '\0')
		fprintf(stderr, "verify: %s\n", err);
	/* Every signed byte matters: change the bandwidth line. */
	char *bw = strstr(desc, "123456");

	CU_ASSERT_PTR_NOT_NULL_FATAL(bw);
	bw[0] = '9';
	CU_ASSERT_EQUAL(cp_desc_verify(desc, (size_t)n, cp_keys_signing_key(keys)->pub,
				       cp_keys_rsa_identity(keys), err, sizeof(err)),
			-EBADMSG);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "router-sig-ed25519"));
	/* Wrong keys. */
	bw[0] = '1';
	uint8_t other[32] = {1};

	CU_ASSERT_EQUAL(cp_desc_verify(desc, (size_t)n, other, cp_keys_rsa_identity(keys), err,
				       sizeof(err)),
			-EBADMSG);
	CU_ASSERT_EQUAL(cp_desc_verify(desc, (size_t)n, cp_keys_signing_key(keys)->pub,
				       cp_keys_tap_current(keys), err, sizeof(err)),
			-EBADMSG);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "router-signature"));
	/* Truncated anywhere: refused, never read past the end. */
	for (int cut = 0; cut < n; cut += 97)
		CU_ASSERT_EQUAL(cp_desc_verify(desc, (size_t)cut, cp_keys_signing_key(keys)->pub,
					       cp_keys_rsa_identity(keys), err, sizeof(err)),
				-EBADMSG);
}

static void
test_desc_crosscerts_and_keys_check(void)
{
	struct cp_desc_params p;
	uint8_t buf[512], der[512];
	const char *s;
	int n, signbit;
	EVP_PKEY *tap;
	const unsigned char *q = der;

	params(&p);
	CU_ASSERT_FATAL(cp_desc_build(desc, sizeof(desc), &p, keys, err, sizeof(err)) > 0);
	/* onion-key-crosscert: TAP key over SHA1(id) | master (checklist A10). */
	n = object(desc, "\nonion-key-crosscert\n", "CROSSCERT", buf, sizeof(buf));
	CU_ASSERT_EQUAL_FATAL(n, 128);
	CU_ASSERT_EQUAL(cp_tap_crosscert_check(buf, (size_t)n, cp_keys_tap_current(keys),
					       cp_keys_rsa_id_digest(keys),
					       cp_keys_master_pub(keys)),
			CP_CERT_OK);
	/* The published onion-key is that TAP key. */
	n = object(desc, "\nonion-key\n", "RSA PUBLIC KEY", der, sizeof(der));
	CU_ASSERT_FATAL(n > 0);
	tap = d2i_PublicKey(EVP_PKEY_RSA, NULL, &q, n);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tap);
	CU_ASSERT_EQUAL(EVP_PKEY_eq(tap, cp_keys_tap_current(keys)), 1);
	EVP_PKEY_free(tap);
	/* ntor-onion-key-crosscert: the ntor key certifies the master id (A9). */
	s = strstr(desc, "\nntor-onion-key-crosscert ");
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	signbit = s[strlen("\nntor-onion-key-crosscert ")] - '0';
	CU_ASSERT(signbit == 0 || signbit == 1);
	n = object(desc, "\nntor-onion-key-crosscert ", "ED25519 CERT", buf, sizeof(buf));
	CU_ASSERT_EQUAL_FATAL(n, 104);
	CU_ASSERT_EQUAL(cp_edcert_verify_ntor_crosscert(buf, (size_t)n,
							cp_keys_ntor_current(keys)->pub, signbit,
							cp_keys_master_pub(keys), T0 + 86400),
			CP_CERT_OK);
	/* identity-ed25519 is the stored type-4 cert. */
	size_t clen;
	const uint8_t *cert = cp_keys_signing_cert(keys, &clen);

	n = object(desc, "\nidentity-ed25519\n", "ED25519 CERT", buf, sizeof(buf));
	CU_ASSERT_EQUAL_FATAL((size_t)n, clen);
	CU_ASSERT_EQUAL(memcmp(buf, cert, clen), 0);
}

static void
test_desc_family_and_limits(void)
{
	struct cp_desc_params p;
	char small[512];

	params(&p);
	conf.n_family = 2;
	snprintf(conf.family[0], 41, "%s", "0123456789ABCDEF0123456789ABCDEF01234567");
	snprintf(conf.family[1], 41, "%s", "89ABCDEF0123456789ABCDEF0123456789ABCDEF");
	CU_ASSERT_FATAL(cp_desc_build(desc, sizeof(desc), &p, keys, err, sizeof(err)) > 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(desc, "\nfamily $0123456789ABCDEF0123456789ABCDEF01234567 "
					    "$89ABCDEF0123456789ABCDEF0123456789ABCDEF\ncontact "));
	/* No contact line when ContactInfo is empty. */
	conf.contact[0] = '\0';
	CU_ASSERT_FATAL(cp_desc_build(desc, sizeof(desc), &p, keys, err, sizeof(err)) > 0);
	CU_ASSERT_PTR_NULL(strstr(desc, "\ncontact"));
	/* Refusals. */
	params(&p);
	snprintf(conf.nickname, sizeof(conf.nickname), "bad-name");
	CU_ASSERT_EQUAL(cp_desc_build(desc, sizeof(desc), &p, keys, err, sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "Nickname"));
	params(&p);
	snprintf(conf.contact, sizeof(conf.contact), "a\nrouter-signature");
	CU_ASSERT_EQUAL(cp_desc_build(desc, sizeof(desc), &p, keys, err, sizeof(err)), -EINVAL);
	params(&p);
	p.address = 0;
	CU_ASSERT_EQUAL(cp_desc_build(desc, sizeof(desc), &p, keys, err, sizeof(err)), -EINVAL);
	params(&p);
	p.bw_observed = 1ull << 32;
	CU_ASSERT_EQUAL(cp_desc_build(desc, sizeof(desc), &p, keys, err, sizeof(err)), -EINVAL);
	params(&p);
	CU_ASSERT_EQUAL(cp_desc_build(small, sizeof(small), &p, keys, err, sizeof(err)), -ENOBUFS);
}

/* FamilyId (proposal 321): a family-cert per family key, type 0x0C, the family
 * key certifying our master identity, its key in the signed-with-key extension. */
static void
test_desc_family_certs_verify(void)
{
	struct cp_ed25519_key fam[2];
	struct cp_desc_params p;
	struct cp_edcert cert;
	uint8_t buf[512];
	const char *at;
	int n;

	CU_ASSERT_EQUAL_FATAL(cp_ed25519_generate(&fam[0]), 0);
	CU_ASSERT_EQUAL_FATAL(cp_ed25519_generate(&fam[1]), 0);
	params(&p);
	p.family_keys = fam;
	p.n_family_keys = 2;
	n = cp_desc_build(desc, sizeof(desc), &p, keys, err, sizeof(err));
	CU_ASSERT_FATAL(n > 0);
	/* Right after the ntor crosscert (no family line here), before contact. */
	at = strstr(desc, "-----END ED25519 CERT-----\nfamily-cert\n-----BEGIN FAMILY CERT-----\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(at);
	CU_ASSERT(at < strstr(desc, "\ncontact "));
	at = strstr(desc, "\nfamily-cert\n");
	for (int i = 0; i < 2; i++) {
		int len = object(at, "\nfamily-cert\n", "FAMILY CERT", buf, sizeof(buf));

		CU_ASSERT_EQUAL_FATAL(len, 140);
		CU_ASSERT_EQUAL(cp_edcert_verify(buf, (size_t)len, CP_DESC_CERT_FAMILY, fam[i].pub,
						 T0 + 86400, &cert),
				CP_CERT_OK);
		CU_ASSERT_EQUAL(memcmp(cert.key, cp_keys_master_pub(keys), 32), 0);
		CU_ASSERT_TRUE(cert.has_signer);
		CU_ASSERT_EQUAL(cert.exp_hours,
				cp_edcert_hours_ceil(p.published + CP_DESC_FAMILY_CERT_LIFETIME));
		/* Not by the other family's key. */
		CU_ASSERT_NOT_EQUAL(cp_edcert_verify(buf, (size_t)len, CP_DESC_CERT_FAMILY,
						     fam[1 - i].pub, T0 + 86400, &cert),
				    CP_CERT_OK);
		at = strstr(at + 1, "\nfamily-cert\n");
		if (i == 0)
			CU_ASSERT_PTR_NOT_NULL_FATAL(at);
	}
	CU_ASSERT_PTR_NULL(at);
	CU_ASSERT_EQUAL(cp_desc_verify(desc, (size_t)n, cp_keys_signing_key(keys)->pub,
				       cp_keys_rsa_identity(keys), err, sizeof(err)),
			0);
	cp_ed25519_wipe(&fam[0]);
	cp_ed25519_wipe(&fam[1]);
}

/* tor --keygen-family's file format: "== ed25519v1-secret: fmly-id ==" + 64 bytes. */
static void
test_family_keys_load_tor_format(void)
{
	static const char hdr[32] = "== ed25519v1-secret: fmly-id ==";
	struct cp_ed25519_key src, got[4];
	char path[256];
	unsigned n;
	FILE *f;

	CU_ASSERT_EQUAL_FATAL(cp_ed25519_generate(&src), 0);
	snprintf(path, sizeof(path), "%s/keys/fam1.secret_family_key", tmpdir);
	f = fopen(path, "wb");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(fwrite(hdr, 1, 32, f), 32);
	CU_ASSERT_EQUAL(fwrite(src.sec, 1, 64, f), 64);
	fclose(f);
	chmod(path, 0600);
	CU_ASSERT_EQUAL(cp_keys_family_load(tmpdir, got, 4, &n, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(n, 1);
	CU_ASSERT_EQUAL(memcmp(got[0].pub, src.pub, 32), 0);
	cp_ed25519_wipe(&got[0]);
	/* A readable-by-others secret is refused, as tor's key files are. */
	chmod(path, 0644);
	CU_ASSERT(cp_keys_family_load(tmpdir, got, 4, &n, err, sizeof(err)) < 0);
	CU_ASSERT_EQUAL(n, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "fam1.secret_family_key"));
	/* Another tag is not a family key. */
	chmod(path, 0600);
	f = fopen(path, "r+b");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fseek(f, 21, SEEK_SET);
	fputc('X', f);
	fclose(f);
	CU_ASSERT(cp_keys_family_load(tmpdir, got, 4, &n, err, sizeof(err)) < 0);
	unlink(path);
	/* None there: none loaded. */
	CU_ASSERT_EQUAL(cp_keys_family_load(tmpdir, got, 4, &n, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(n, 0);
	cp_ed25519_wipe(&src);
}

static void
test_desc_b64_lines_and_time(void)
{
	uint8_t data[100];
	char out[256], ts[20];

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)i;
	/* 100 bytes: 64 + 64 + 8 characters ("==" kept), each line ends "\n". */
	CU_ASSERT_EQUAL(cp_desc_b64_lines(out, sizeof(out), data, 100), 64 + 1 + 64 + 1 + 8 + 1);
	CU_ASSERT_EQUAL(out[64], '\n');
	CU_ASSERT_EQUAL(strcmp(out + 130, "YGFiYw==\n"), 0);
	CU_ASSERT_EQUAL(cp_desc_b64_lines(out, 60, data, 100), -ENOBUFS);
	cp_desc_format_time(ts, 0);
	CU_ASSERT_STRING_EQUAL(ts, "1970-01-01 00:00:00");
	cp_desc_format_time(ts, T0);
	CU_ASSERT_STRING_EQUAL(ts, "2026-09-21 14:13:20");
}

/* A module that just published descriptor 1 at T0 with @p bw observed. */
static void
published_dir(struct cp_dir *d, bool testing, uint64_t bw)
{
	memset(d, 0, sizeof(*d));
	d->conf.testing = testing;
	d->conf.n_auth = 3;
	d->desc_gen = 1;
	d->desc_published = T0;
	d->desc_bw = bw;
	d->desc_onion_at = cp_keys_onion_set_at(keys);
	d->desc_cert_exp = cp_keys_signing_cert_expires(keys);
	d->bw_changed_at = T0;
	for (unsigned i = 0; i < 3; i++) {
		d->au[i].accepted_gen = 1;
		d->au[i].accepted_at = T0 + 1;
	}
}

/* Feed 11 one-second samples at @p rate B/s both ways, ending at @p t. */
static void
measure(struct cp_dir *d, time_t t, uint64_t rate)
{
	memset(&d->bw, 0, sizeof(d->bw));
	for (int i = 0; i <= 10; i++)
		cp_dir_bw_add(&d->bw, t - 10 + i, rate * (uint64_t)i, rate * (uint64_t)i);
}

static void
test_republish_rules_like_tor(void)
{
	struct cp_dir d;

	/* Nothing changed: no new descriptor. */
	published_dir(&d, false, 100000);
	measure(&d, T0 + 60, 100000);
	cp_dir_check_changes(&d, keys, T0 + 60);
	CU_ASSERT_FALSE(d.dirty);
	/* 1.9x is not a change; 2.1x is, but not within 3 h of the last change... */
	measure(&d, T0 + 120, 190000);
	cp_dir_check_changes(&d, keys, T0 + 120);
	CU_ASSERT_FALSE(d.dirty);
	measure(&d, T0 + 180, 210000);
	cp_dir_check_changes(&d, keys, T0 + 180);
	CU_ASSERT_FALSE(d.dirty);
	/* ... after 3 h it is, */
	measure(&d, T0 + 3 * 3600 + 1, 210000);
	cp_dir_check_changes(&d, keys, T0 + 3 * 3600 + 1);
	CU_ASSERT_TRUE(d.dirty);
	CU_ASSERT_STRING_EQUAL(d.dirty_why, "bandwidth changed");
	/* in a testing network at once, and from zero always. */
	published_dir(&d, true, 100000);
	measure(&d, T0 + 60, 30000);
	cp_dir_check_changes(&d, keys, T0 + 60);
	CU_ASSERT_TRUE(d.dirty);
	published_dir(&d, false, 0);
	measure(&d, T0 + 60, 1000);
	cp_dir_check_changes(&d, keys, T0 + 60);
	CU_ASSERT_TRUE(d.dirty);
	/* 18 hours old. */
	published_dir(&d, false, 0);
	cp_dir_check_changes(&d, keys, T0 + 18 * 3600);
	CU_ASSERT_STRING_EQUAL(d.dirty_why, "18 hours old");
	/* New onion keys. */
	published_dir(&d, false, 0);
	d.desc_onion_at--;
	cp_dir_check_changes(&d, keys, T0 + 60);
	CU_ASSERT_STRING_EQUAL(d.dirty_why, "new onion keys");
	/* StaleDesc: only from a consensus voted after our newest descriptor. */
	published_dir(&d, false, 0);
	d.cons_installed = T0 + 50;
	d.listed = true;
	d.stale = true;
	d.cons_valid_after = T0 - 100;
	cp_dir_check_changes(&d, keys, T0 + 60);
	CU_ASSERT_FALSE(d.dirty);
	d.cons_valid_after = T0 + 40;
	cp_dir_check_changes(&d, keys, T0 + 60);
	CU_ASSERT_STRING_EQUAL(d.dirty_why, "the consensus says StaleDesc");
	/* Not listed: only long after the authorities took it (2 h; testing 2 min). */
	published_dir(&d, false, 0);
	d.cons_installed = T0 + 3600;
	d.cons_valid_after = T0 + 3500;
	cp_dir_check_changes(&d, keys, T0 + 3600);
	CU_ASSERT_FALSE(d.dirty);
	d.cons_installed = T0 + 2 * 3600 + 60;
	cp_dir_check_changes(&d, keys, T0 + 2 * 3600 + 60);
	CU_ASSERT_STRING_EQUAL(d.dirty_why, "not in the consensus");
	published_dir(&d, true, 0);
	d.cons_installed = T0 + 130;
	cp_dir_check_changes(&d, keys, T0 + 130);
	CU_ASSERT_STRING_EQUAL(d.dirty_why, "not in the consensus");
	/* Listed and fresh: nothing. */
	published_dir(&d, true, 0);
	d.cons_installed = T0 + 130;
	d.listed = true;
	cp_dir_check_changes(&d, keys, T0 + 130);
	CU_ASSERT_FALSE(d.dirty);
	/* Before the first descriptor there is nothing to redo. */
	published_dir(&d, false, 0);
	d.desc_gen = 0;
	cp_dir_check_changes(&d, keys, T0 + 19 * 3600);
	CU_ASSERT_FALSE(d.dirty);
}

static void
test_http_reply_heads(void)
{
	static const struct {
		const char *reply;
		long off; /* > 0 body offset, 0 incomplete, < 0 error */
		int status;
		long long clen;
		bool encoded;
		const char *reason;
	} cases[] = {
		{"HTTP/1.0 200 OK\r\n\r\nbody", 19, 200, -1, false, "OK"},
		{"HTTP/1.0 400 Missing TAP key in descriptor.\r\n\r\n", 47, 400, -1, false,
		 "Missing TAP key in descriptor."},
		{"HTTP/1.0 200 OK\r\nContent-Length: 4\r\nX-Descriptor-Not-New: Yes\r\n\r\nbody",
		 65, 200, 4, false, "OK"},
		{"HTTP/1.0 200 OK\r\nContent-Encoding: deflate\r\n\r\nx", 46, 200, -1, true, "OK"},
		{"HTTP/1.0 200 OK\r\ncontent-encoding: identity\r\n\r\n", 47, 200, -1, false, "OK"},
		{"HTTP/1.1 404 Not found\n\n", 24, 404, -1, false, "Not found"},
		{"HTTP/1.0 200 OK\r\nContent-", 0, 0, 0, false, NULL},
		{"HTTP/1.0 20 OK\r\n\r\n", -EPROTO, 0, 0, false, NULL},
		{"SSH-2.0-OpenSSH\r\n\r\n", -EPROTO, 0, 0, false, NULL},
		{"HTTP/1.0 200 OK\r\nContent-Length: -1\r\n\r\n", -EPROTO, 0, 0, false, NULL},
		{"HTTP/1.0 200 OK\r\nContent-Length: 12x\r\n\r\n", -EPROTO, 0, 0, false, NULL},
	};
	char reason[64];
	long long clen;
	bool enc;
	int status;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		long off = cp_http_parse_head(cases[i].reply, strlen(cases[i].reply), &status,
					      reason, sizeof(reason), &clen, &enc);

		if (off != cases[i].off)
			fprintf(stderr, "case %zu: off %ld\n", i, off);
		CU_ASSERT_EQUAL(off, cases[i].off);
		if (off > 0) {
			CU_ASSERT_EQUAL(status, cases[i].status);
			CU_ASSERT_EQUAL(clen, cases[i].clen);
			CU_ASSERT_EQUAL(enc, cases[i].encoded);
			CU_ASSERT_STRING_EQUAL(reason, cases[i].reason);
		}
	}
}

static void
test_bw_assess_like_tor(void)
{
	struct cp_dir_bw b;
	time_t t = T0;
	uint64_t rx = 0, tx = 0;

	memset(&b, 0, sizeof(b));
	CU_ASSERT_EQUAL(cp_dir_bw_max(&b), 0);
	/* 10 s of reading 100 kB/s and writing 80 kB/s: min(max rates) = 80 kB/s. */
	for (int i = 0; i <= 10; i++, t++) {
		cp_dir_bw_add(&b, t, rx, tx);
		rx += 100000;
		tx += 80000;
	}
	CU_ASSERT_EQUAL(cp_dir_bw_max(&b), 80000);
	/* A 1-second burst counts only as a tenth of a 10-second window. */
	rx += 5000000;
	tx += 5000000;
	cp_dir_bw_add(&b, t++, rx, tx);
	CU_ASSERT_EQUAL(cp_dir_bw_max(&b), 580000);
	/* Idle afterwards: the maximum is kept (it is the day's). */
	for (int i = 0; i < 30; i++)
		cp_dir_bw_add(&b, t++, rx, tx);
	CU_ASSERT_EQUAL(cp_dir_bw_max(&b), 580000);
	/* A dataplane restart (totals back to zero) is not a negative rate. */
	cp_dir_bw_add(&b, t++, 0, 0);
	for (int i = 0; i < 11; i++)
		cp_dir_bw_add(&b, t++, 10, 10);
	CU_ASSERT_EQUAL(cp_dir_bw_max(&b), 580000);
	/* After a day the old hours are gone. */
	t += 25 * 3600;
	for (int i = 0; i < 12; i++)
		cp_dir_bw_add(&b, t++, 10 + (uint64_t)i * 1000, 10 + (uint64_t)i * 2000);
	CU_ASSERT_EQUAL(cp_dir_bw_max(&b), 1000);
}

static CU_TestInfo dir_tests[] = {
	{"desc_lines_in_tors_order", test_desc_lines_in_tors_order},
	{"desc_signatures_verify", test_desc_signatures_verify},
	{"desc_crosscerts_and_keys_check", test_desc_crosscerts_and_keys_check},
	{"desc_family_and_limits", test_desc_family_and_limits},
	{"desc_family_certs_verify", test_desc_family_certs_verify},
	{"family_keys_load_tor_format", test_family_keys_load_tor_format},
	{"desc_b64_lines_and_time", test_desc_b64_lines_and_time},
	{"republish_rules_like_tor", test_republish_rules_like_tor},
	{"http_reply_heads", test_http_reply_heads},
	{"bw_assess_like_tor", test_bw_assess_like_tor},
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_dir = {
	.pName = "controlplane/dir",
	.pInitFunc = suite_init,
	.pCleanupFunc = suite_fini,
	.pTests = dir_tests,
};
