/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Why a certificate, a CERTS cell or an AUTHENTICATE cell was refused.
 *
 * One enum for every verification outcome in controlplane/certs/, so a
 * channel can close "with a counted reason": the values are dense from 0 to
 * CP_CERT_ERR__COUNT - 1 and may index a counter array. A value names one
 * failed check; which certificate it was found in is reported separately
 * (struct cp_linkcerts_peer::failed_type). The strings are fixed English
 * phrases for logs and the CLI; they never contain key material.
 *
 * May be included by controlplane/ and tests/.
 */
#ifndef CONTROLPLANE_CERTS_CERT_ERR_H
#define CONTROLPLANE_CERTS_CERT_ERR_H

/** Verification outcome; CP_CERT_OK (0) is success. */
enum cp_cert_err {
	CP_CERT_OK = 0,
	/* Ed25519 certificates (cert-spec.txt §2.1). */
	CP_CERT_ERR_ED_TRUNCATED,	/**< shorter than its fields or an extension says */
	CP_CERT_ERR_ED_TRAILING,	/**< bytes after the signature */
	CP_CERT_ERR_ED_VERSION,		/**< VERSION is not 1 */
	CP_CERT_ERR_ED_EXT_LEN,		/**< signed-with-key extension not 32 bytes */
	CP_CERT_ERR_ED_EXT_DUP,		/**< two signed-with-key extensions */
	CP_CERT_ERR_ED_EXT_UNKNOWN,	/**< unknown extension with AFFECTS_VALIDATION */
	CP_CERT_ERR_ED_TYPE,		/**< CERT_TYPE is not the one expected */
	CP_CERT_ERR_ED_KEY_TYPE,	/**< CERT_KEY_TYPE does not fit CERT_TYPE */
	CP_CERT_ERR_ED_NO_SIGNER,	/**< no signed-with-key extension and no key given */
	CP_CERT_ERR_ED_SIGNER,		/**< signed-with-key extension is another key */
	CP_CERT_ERR_ED_EXPIRED,		/**< EXPIRATION_DATE is before now */
	CP_CERT_ERR_ED_SIG,		/**< bad Ed25519 signature */
	/* RSA->Ed25519 cross-certificate (cert-spec.txt §2.3). */
	CP_CERT_ERR_XC_MALFORMED,	/**< truncated or overlong */
	CP_CERT_ERR_XC_KEY,		/**< certifies another Ed25519 key */
	CP_CERT_ERR_XC_EXPIRED,		/**< EXPIRATION_DATE is before now */
	CP_CERT_ERR_XC_SIG,		/**< bad RSA signature or wrong signed digest */
	/* X.509 certificates (tor-spec.txt §2, §4.2). */
	CP_CERT_ERR_X509_DECODE,	/**< not a DER X.509 certificate */
	CP_CERT_ERR_X509_KEY,		/**< key is not RSA, or not 1024 bits where required */
	CP_CERT_ERR_X509_SIG,		/**< not signed by the expected key */
	CP_CERT_ERR_X509_NOT_YET_VALID,	/**< notBefore later than now plus slop */
	CP_CERT_ERR_X509_EXPIRED,	/**< notAfter earlier than now minus slop */
	/* CERTS cells (tor-spec.txt §4.2). */
	CP_CERT_ERR_CERTS_MALFORMED,	/**< the body does not parse */
	CP_CERT_ERR_CERTS_DUP,		/**< two certificates of one type */
	CP_CERT_ERR_CERTS_MISSING,	/**< a required certificate type is absent */
	CP_CERT_ERR_CERTS_LINK,		/**< type 5 does not certify SHA256(TLS cert) */
	/* AUTHENTICATE cells (tor-spec.txt §4.4, §4.4.2). */
	CP_CERT_ERR_AUTH_MALFORMED,	/**< the body does not parse (truncated) */
	CP_CERT_ERR_AUTH_TYPE,		/**< AuthType is not 3 */
	CP_CERT_ERR_AUTH_LEN,		/**< AuthLen is not 352 */
	CP_CERT_ERR_AUTH_TYPE_FIELD,	/**< TYPE is not "AUTH0003" */
	CP_CERT_ERR_AUTH_CID,		/**< CID differs */
	CP_CERT_ERR_AUTH_SID,		/**< SID differs */
	CP_CERT_ERR_AUTH_CID_ED,	/**< CID_ED differs */
	CP_CERT_ERR_AUTH_SID_ED,	/**< SID_ED differs */
	CP_CERT_ERR_AUTH_SLOG,		/**< SLOG differs */
	CP_CERT_ERR_AUTH_CLOG,		/**< CLOG differs */
	CP_CERT_ERR_AUTH_SCERT,		/**< SCERT differs */
	CP_CERT_ERR_AUTH_TLSSECRETS,	/**< TLSSECRETS differs */
	CP_CERT_ERR_AUTH_SIG,		/**< bad Ed25519 signature by the auth key */
	/* Not the peer's fault. */
	CP_CERT_ERR_INTERNAL,		/**< OpenSSL failed (allocation, ...) */
	CP_CERT_ERR__COUNT
};

/**
 * Give a short fixed phrase for @p err, for logs and counters.
 *
 * @return
 *   A static string; "unknown" for a value outside the enum.
 */
const char *
cp_cert_err_str(enum cp_cert_err err);

#endif /* CONTROLPLANE_CERTS_CERT_ERR_H */
