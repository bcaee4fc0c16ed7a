/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Key store internals: tor's key file formats and careful file I/O.
 *
 * For the .c files of controlplane/keys/ and for tests/ only.
 *
 * Formats (byte-exact with tor 0.4.x, crypto_format.c and crypto_rsa.c):
 *  - Tagged file: a 32-byte header, the NUL-padded text "== <type>: <tag> ==",
 *    then the raw contents. Types used: "ed25519v1-secret" (64-byte expanded
 *    secret), "ed25519v1-public" (32 bytes), "ed25519v1-cert" (the cert),
 *    all with tag "type0" for the master key and "type4" for the signing
 *    key; "c25519v1" with tag "onion" for ntor keys (32-byte secret, then
 *    the 32-byte public key, which must match the secret).
 *  - RSA private key: "-----BEGIN RSA PRIVATE KEY-----\n", the base64 of the
 *    DER PKCS#1 RSAPrivateKey in 64-column lines, "-----END RSA PRIVATE
 *    KEY-----\n", and one NUL byte: tor writes its buffer including the
 *    terminator. Reading accepts it with or without the NUL, and leading
 *    white space, as tor's pem_decode() does.
 */
#ifndef CONTROLPLANE_KEYS_KEYS_INT_H
#define CONTROLPLANE_KEYS_KEYS_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <openssl/evp.h>

/** Header size of a tagged file. */
#define CP_KEYFILE_TAG_HDR 32
/** Largest key file the store reads. */
#define CP_KEYFILE_MAX (64u * 1024u)

/** Write a message into @p err (if not NULL) and return @p rc. */
int cp_keyfile_err(char *err, size_t errlen, int rc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/**
 * Read all of @p path (at most #CP_KEYFILE_MAX bytes) into a new buffer.
 * With @p secret, refuse a file with any group or other permission bit.
 * The caller wipes (when secret) and frees @p *out.
 *
 * @return
 *   0, -ENOENT when the file does not exist, or another negative errno
 *   value (-EPERM for a bad mode, -EFBIG, -EINVAL for a non-regular file).
 */
int cp_keyfile_read(const char *path, bool secret, uint8_t **out, size_t *len, struct stat *st,
		    char *err, size_t errlen);

/**
 * Check a secret file's mode without reading it: @p present tells whether it
 * exists; -EPERM (with a message) when group or others have any permission.
 */
int cp_keyfile_check_secret(const char *path, bool *present, char *err, size_t errlen);

/**
 * Replace @p path atomically with @p len bytes: write a temporary file
 * created with O_EXCL and mode 0600, fsync it, rename it over @p path, and
 * fsync the directory.
 */
int cp_keyfile_write(const char *path, const void *data, size_t len, char *err, size_t errlen);

/**
 * Read a tagged file whose header must be "== @p type: @p tag ==" and whose
 * contents must be exactly @p want bytes, or, when @p max is true, 1 to
 * @p want bytes. The contents go to @p out and their length to @p got.
 */
int cp_keyfile_tagged_read(const char *path, const char *type, const char *tag, bool secret,
			   uint8_t *out, size_t want, bool max, size_t *got, char *err,
			   size_t errlen);

/** Write a tagged file (header "== @p type: @p tag ==", then @p data). */
int cp_keyfile_tagged_write(const char *path, const char *type, const char *tag,
			    const uint8_t *data, size_t len, char *err, size_t errlen);

/**
 * Encode @p key as tor writes an RSA private key file (PEM plus a NUL).
 * The caller wipes and frees @p *out.
 */
int cp_keyfile_rsa_encode(EVP_PKEY *key, char **out, size_t *len);

/**
 * Decode an RSA private key file's contents; the key must be a valid
 * RSA-1024 key with e = 65537 (tor-spec §0.3).
 */
int cp_keyfile_rsa_decode(const uint8_t *buf, size_t len, EVP_PKEY **out, const char *path,
			  char *err, size_t errlen);

/** Read an RSA private key file (secret: mode checked). */
int cp_keyfile_rsa_read(const char *path, EVP_PKEY **out, char *err, size_t errlen);

/** Write an RSA private key file in tor's format. */
int cp_keyfile_rsa_write(const char *path, EVP_PKEY *key, char *err, size_t errlen);

/** Compute the X25519 public key of the 32-byte secret @p sec. */
int cp_keyfile_x25519_pub(uint8_t pub[32], const uint8_t sec[32]);

#endif /* CONTROLPLANE_KEYS_KEYS_INT_H */
