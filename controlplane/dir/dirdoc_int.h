/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Directory document meta-format (dir-spec §1.2, §1.3): items, objects,
 *        base64, hex, times and raw RSA signature checks.
 *
 * Shared by the key-certificate parser (authcert.c) and the consensus
 * parser (consensus.c); nothing else should need it.
 *
 * A document is a sequence of items separated by any number of empty lines:
 *
 *     KeywordLine ::= Keyword (WS Argument)* NL
 *     Object      ::= "-----BEGIN " Type "-----" NL base64 lines "-----END " Type "-----" NL
 *
 * The reader works on (pointer, length) spans and never needs a NUL
 * terminator. Every line, also the last one, must end with NL: a document
 * cut anywhere is malformed, never silently shorter. Each line is at most
 * CP_DD_MAX_LINE bytes and each object body at most CP_DD_MAX_OBJECT, so the
 * work per item is bounded by those and the total by the document length.
 *
 * Who may include it: controlplane/dir/ and tests/ only (_int.h rule).
 */
#ifndef CONTROLPLANE_DIR_DIRDOC_INT_H
#define CONTROLPLANE_DIR_DIRDOC_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <openssl/evp.h>

/** Longest line accepted in any directory document, bytes without the NL. */
#define CP_DD_MAX_LINE 32768
/** Longest object body (base64 with its NLs), bytes. */
#define CP_DD_MAX_OBJECT 16384
/** RSA key sizes accepted in directory documents (dir-spec §3.1: at least 1024), bits. */
#define CP_DD_RSA_MIN_BITS 1024
#define CP_DD_RSA_MAX_BITS 8192

/** A byte span inside the document; not NUL-terminated. */
struct cp_dd_span {
	const char *p;
	size_t len;
};

/** One item: its keyword line and its optional object. All spans point into the document. */
struct cp_dd_item {
	const char *line;     /**< first byte of the keyword line */
	const char *eol;      /**< the keyword line's NL */
	struct cp_dd_span kw; /**< the keyword */
	struct cp_dd_span
		args; /**< after the keyword and its whitespace, up to the NL (may be empty) */
	struct cp_dd_span obj_type; /**< between "-----BEGIN " and "-----"; len 0 = no object */
	struct cp_dd_span obj;	    /**< base64 lines with their NLs, between BEGIN and END lines */
	const char *next;	    /**< first byte after the item (after the END line's NL) */
};

/** Reading position in a document. */
struct cp_dd_cursor {
	const char *p;	    /**< next unread byte */
	const char *end;    /**< one past the last byte */
	const char *err;    /**< static reason of the last failure */
	const char *err_at; /**< where it failed */
};

/** Start reading @p len bytes at @p text. */
void cp_dd_init(struct cp_dd_cursor *c, const char *text, size_t len);

/**
 * Read the next item, skipping empty lines before it.
 *
 * @return
 *   1 with @p it filled and the cursor moved past it; 0 at the end of the
 *   document; -1 when the text is malformed there (c->err says why).
 */
int cp_dd_next(struct cp_dd_cursor *c, struct cp_dd_item *it);

/** Whether the item's keyword is @p kw. */
bool cp_dd_is(const struct cp_dd_item *it, const char *kw);

/** Whether the span holds exactly the string @p s. */
bool cp_dd_span_eq(struct cp_dd_span s, const char *str);

/**
 * Split @p args at spaces and tabs (empty fields ignored), storing at most
 * @p max fields in @p out.
 *
 * @return
 *   The number of fields in @p args, which may be more than @p max.
 */
size_t cp_dd_split(struct cp_dd_span args, struct cp_dd_span *out, size_t max);

/**
 * Iterate over the fields of a span: set @p field to the next one and move
 * @p rest past it.
 *
 * @return
 *   false when no field is left.
 */
bool cp_dd_next_field(struct cp_dd_span *rest, struct cp_dd_span *field);

/** @p s without trailing spaces and tabs. */
struct cp_dd_span cp_dd_rtrim(struct cp_dd_span s);

/**
 * Decode base64 (RFC 4648 §4 alphabet); '=' padding is optional but, when
 * present, must be right and last. NLs are skipped when @p skip_nl (object
 * bodies); any other byte is an error.
 *
 * @return
 *   Bytes decoded, or -1 (bad character or length, or more than @p cap bytes).
 */
int cp_dd_b64_decode(const char *in, size_t len, uint8_t *out, size_t cap, bool skip_nl);

/** Decode exactly 2 * @p n hex digits (either case). @return 0 or -1. */
int cp_dd_hex_decode(struct cp_dd_span s, uint8_t *out, size_t n);

/** Write @p n bytes as upper-case hex and a NUL into @p out (2n+1 bytes). */
void cp_dd_hex_encode(char *out, const uint8_t *in, size_t n);

/**
 * Parse a decimal integer (optional '+' or '-') that must lie in
 * [@p min, @p max] and fill the whole span.
 *
 * @return
 *   0 or -1.
 */
int cp_dd_parse_int(struct cp_dd_span s, long long min, long long max, long long *out);

/**
 * Parse "YYYY-MM-DD" and "HH:MM:SS" (UTC) into @p out, strictly: fixed
 * widths, real calendar dates, year 1970..9999, seconds 0..60.
 *
 * @return
 *   0 or -1.
 */
int cp_dd_parse_time2(struct cp_dd_span date, struct cp_dd_span hms, time_t *out);

/** cp_dd_parse_time2() over an item's arguments: exactly the two fields. */
int cp_dd_parse_time(struct cp_dd_span args, time_t *out);

/** Format @p t as "YYYY-MM-DD HH:MM:SS" (UTC) into @p out. */
void cp_dd_format_time(char out[20], time_t t);

/** Parse a dotted-quad IPv4 address into host order. @return 0 or -1. */
int cp_dd_parse_ipv4(struct cp_dd_span s, uint32_t *out);

/**
 * Decode the item's object as an RSA public key ("RSA PUBLIC KEY": DER
 * PKCS#1 RSAPublicKey, nothing left over, CP_DD_RSA_MIN_BITS to _MAX_BITS).
 *
 * @return
 *   The key (the caller frees it), or NULL with @p why set.
 */
EVP_PKEY *cp_dd_rsa_key(const struct cp_dd_item *it, const char **why);

/**
 * Check a raw PKCS#1 v1.5 signature as tor's check_signature_token(): the
 * item's object (base64) must open with @p key to at least @p dlen bytes
 * whose first @p dlen are @p digest. No DigestInfo (dir-spec §1.3).
 *
 * @return
 *   true when the signature is good.
 */
bool cp_dd_sig_ok(EVP_PKEY *key, const struct cp_dd_item *it, const uint8_t *digest, size_t dlen);

/** As cp_dd_sig_ok() over a decoded signature. */
bool cp_dd_sig_ok_raw(EVP_PKEY *key, const uint8_t *sig, size_t sig_len, const uint8_t *digest,
		      size_t dlen);

/** SHA1 of the DER PKCS#1 RSAPublicKey of @p key (tor's crypto_pk_get_digest()). @return 0 or -1.
 */
int cp_dd_key_digest(EVP_PKEY *key, uint8_t out[20]);

/**
 * Find where a signed document's signed part ends, as tor's
 * router_get_hash_impl_helper(): the first @p end_str at or after
 * @p from, then the first @p end_c after it, inclusive.
 *
 * @return
 *   The offset one past that @p end_c, or 0 when there is none.
 */
size_t cp_dd_signed_end(const char *text, size_t len, size_t from, const char *end_str, char end_c);

#endif /* CONTROLPLANE_DIR_DIRDOC_INT_H */
