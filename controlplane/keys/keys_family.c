/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Family keys (tor 0.4.9, proposal 321): NAME.secret_family_key files.
 *
 * `tor --keygen-family NAME` writes NAME.secret_family_key ("== ed25519v1-secret:
 * fmly-id ==" and the 64-byte expanded Ed25519 secret) and NAME.public_family_id
 * (the FamilyId line); a relay reads every *.secret_family_key in its key
 * directory (tor's routerkeys.c load_family_id_keys()). The operator copies
 * the secret file to every relay of the family.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "controlplane/keys/keys.h"
#include "controlplane/keys/keys_int.h"

#define FAMILY_SUFFIX ".secret_family_key"

int
cp_keys_family_load(const char *datadir, struct cp_ed25519_key *out, unsigned max, unsigned *n,
		    char *err, size_t errlen)
{
	char dir[4096], path[4352];
	uint8_t sec[CP_ED25519_SEC_LEN];
	struct dirent *de;
	size_t got;
	DIR *d;
	int rc = 0;

	*n = 0;
	snprintf(dir, sizeof(dir), "%s/keys", datadir);
	d = opendir(dir);
	if (d == NULL)
		return errno == ENOENT ? 0
				       : cp_keyfile_err(err, errlen, -errno, "%s: %s", dir,
							strerror(errno));
	while (rc == 0 && (de = readdir(d)) != NULL) {
		size_t l = strlen(de->d_name), sl = strlen(FAMILY_SUFFIX);

		if (l <= sl || strcmp(de->d_name + l - sl, FAMILY_SUFFIX) != 0)
			continue;
		if (*n == max) {
			rc = cp_keyfile_err(err, errlen, -E2BIG, "more than %u family keys in %s",
					    max, dir);
			break;
		}
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		rc = cp_keyfile_tagged_read(path, "ed25519v1-secret", "fmly-id", true, sec,
					    sizeof(sec), false, &got, err, errlen);
		if (rc == 0 && cp_ed25519_from_expanded(&out[*n], sec) != 0)
			rc = cp_keyfile_err(err, errlen, -EINVAL, "%s: not an Ed25519 secret key",
					    path);
		OPENSSL_cleanse(sec, sizeof(sec));
		if (rc == 0)
			(*n)++;
	}
	closedir(d);
	if (rc != 0) {
		for (unsigned i = 0; i < *n; i++)
			cp_ed25519_wipe(&out[i]);
		*n = 0;
	}
	return rc;
}
