/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief String table for enum cp_cert_err.
 *
 * The phrases follow the wording of tor's own log messages where one exists
 * (torcert.c, channeltls.c), so operators can compare the two.
 */
#include <stddef.h>

#include "common/base/compiler.h"
#include "controlplane/certs/cert_err.h"

static const char *const cert_err_names[] = {
	[CP_CERT_OK] = "ok",
	[CP_CERT_ERR_ED_TRUNCATED] = "ed25519 cert truncated",
	[CP_CERT_ERR_ED_TRAILING] = "ed25519 cert has bytes after the signature",
	[CP_CERT_ERR_ED_VERSION] = "ed25519 cert version is not 1",
	[CP_CERT_ERR_ED_EXT_LEN] = "ed25519 cert signed-with-key extension has a bad length",
	[CP_CERT_ERR_ED_EXT_DUP] = "ed25519 cert has two signed-with-key extensions",
	[CP_CERT_ERR_ED_EXT_UNKNOWN] = "ed25519 cert has an unknown critical extension",
	[CP_CERT_ERR_ED_TYPE] = "ed25519 cert has the wrong cert type",
	[CP_CERT_ERR_ED_KEY_TYPE] = "ed25519 cert has the wrong certified key type",
	[CP_CERT_ERR_ED_NO_SIGNER] = "ed25519 cert does not include its signing key",
	[CP_CERT_ERR_ED_SIGNER] = "ed25519 cert signing key is not the expected key",
	[CP_CERT_ERR_ED_EXPIRED] = "ed25519 cert expired",
	[CP_CERT_ERR_ED_SIG] = "ed25519 cert badly signed",
	[CP_CERT_ERR_XC_MALFORMED] = "RSA->Ed25519 crosscert unparseable or overlong",
	[CP_CERT_ERR_XC_KEY] = "RSA->Ed25519 crosscert did not match Ed25519 key",
	[CP_CERT_ERR_XC_EXPIRED] = "RSA->Ed25519 crosscert is expired",
	[CP_CERT_ERR_XC_SIG] = "RSA->Ed25519 crosscert badly signed",
	[CP_CERT_ERR_X509_DECODE] = "X.509 cert undecodable",
	[CP_CERT_ERR_X509_KEY] = "X.509 cert key is not RSA1024",
	[CP_CERT_ERR_X509_SIG] = "X.509 cert badly signed",
	[CP_CERT_ERR_X509_NOT_YET_VALID] = "X.509 cert not yet valid",
	[CP_CERT_ERR_X509_EXPIRED] = "X.509 cert already expired",
	[CP_CERT_ERR_CERTS_MALFORMED] = "CERTS cell could not be parsed",
	[CP_CERT_ERR_CERTS_DUP] = "CERTS cell has a duplicate certificate",
	[CP_CERT_ERR_CERTS_MISSING] = "CERTS cell lacks a required certificate",
	[CP_CERT_ERR_CERTS_LINK] = "link certificate does not match TLS certificate",
	[CP_CERT_ERR_AUTH_MALFORMED] = "AUTHENTICATE cell truncated",
	[CP_CERT_ERR_AUTH_TYPE] = "AUTHENTICATE type not supported",
	[CP_CERT_ERR_AUTH_LEN] = "AUTHENTICATE authenticator has the wrong length",
	[CP_CERT_ERR_AUTH_TYPE_FIELD] = "AUTHENTICATE TYPE field is not AUTH0003",
	[CP_CERT_ERR_AUTH_CID] = "AUTHENTICATE CID not as expected",
	[CP_CERT_ERR_AUTH_SID] = "AUTHENTICATE SID not as expected",
	[CP_CERT_ERR_AUTH_CID_ED] = "AUTHENTICATE CID_ED not as expected",
	[CP_CERT_ERR_AUTH_SID_ED] = "AUTHENTICATE SID_ED not as expected",
	[CP_CERT_ERR_AUTH_SLOG] = "AUTHENTICATE SLOG not as expected",
	[CP_CERT_ERR_AUTH_CLOG] = "AUTHENTICATE CLOG not as expected",
	[CP_CERT_ERR_AUTH_SCERT] = "AUTHENTICATE SCERT not as expected",
	[CP_CERT_ERR_AUTH_TLSSECRETS] = "AUTHENTICATE TLSSECRETS not as expected",
	[CP_CERT_ERR_AUTH_SIG] = "AUTHENTICATE Ed25519 signature wasn't valid",
	[CP_CERT_ERR_INTERNAL] = "internal error while checking certificates",
};

_Static_assert(ARRAY_SIZE(cert_err_names) == CP_CERT_ERR__COUNT,
	       "every enum cp_cert_err value needs a string");

const char *
cp_cert_err_str(enum cp_cert_err err)
{
	if ((unsigned int)err >= ARRAY_SIZE(cert_err_names) || cert_err_names[err] == NULL)
		return "unknown";
	return cert_err_names[err];
}
