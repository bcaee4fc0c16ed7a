/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief A small streaming JSON writer into a struct cp_buf, for `chivectl --json`.
 *
 * The caller states the document's shape (begin/end an object or array, a
 * key, a value) and the writer puts in the punctuation: commas between
 * members and elements, a colon after a key, no trailing comma. Output is
 * compact (no blanks), one document, ended by cp_json_end() with '\n'.
 *
 * Strings (keys and values) are escaped as RFC 8259 requires: '"' and '\\'
 * with a backslash, the control characters U+0000..U+001F and DEL as
 * \b \f \n \r \t or \u00XX. Bytes that form well-formed UTF-8 (RFC 3629:
 * shortest form, no surrogates, at most U+10FFFF) pass through unchanged;
 * any other byte is written as \u00XX, the byte read as Latin-1, so the
 * document is always valid UTF-8 whatever the input, and no byte is lost.
 *
 * Numbers: unsigned and signed 64-bit integers in decimal; doubles with 15
 * significant digits ("%.15g", the C locale's '.'), NaN and infinities as
 * null (JSON has none).
 *
 * Contract: the calls must describe a well-formed document (a key before
 * each member's value, ends matching begins, at most CP_JSON_DEPTH_MAX
 * levels); the writer does not check beyond the depth bound, which it
 * clamps. It never fails: the buffer grows (cp_buf aborts on no memory).
 *
 * Who may include it: controlplane/cli/ and tests/.
 */
#ifndef CONTROLPLANE_CLI_CLI_JSON_H
#define CONTROLPLANE_CLI_CLI_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "controlplane/util.h"

/** Deepest nesting of objects and arrays. */
#define CP_JSON_DEPTH_MAX 32u

/** A document being written into @c b. Zero it or use cp_json_init(). */
struct cp_json {
	struct cp_buf *b;
	uint32_t depth;	  /**< Open objects and arrays. */
	uint32_t has_elt; /**< Bit d: level d already holds a member or element (comma first). */
	bool after_key;	  /**< A key was written: the next value is its value (no comma). */
};

/** Start a document appended to @p b. */
void cp_json_init(struct cp_json *j, struct cp_buf *b);

/** Open an object ('{'). */
void cp_json_obj_begin(struct cp_json *j);
/** Close the innermost object ('}'). */
void cp_json_obj_end(struct cp_json *j);
/** Open an array ('['). */
void cp_json_arr_begin(struct cp_json *j);
/** Close the innermost array (']'). */
void cp_json_arr_end(struct cp_json *j);
/** Write member name @p key (escaped) and ':'; the next call writes its value. */
void cp_json_key(struct cp_json *j, const char *key);

/** Write string value @p s (NUL-terminated, escaped); NULL writes null. */
void cp_json_str(struct cp_json *j, const char *s);
/** Write the @p n bytes at @p s as a string value (may hold NUL, escaped as \u0000). */
void cp_json_strn(struct cp_json *j, const char *s, size_t n);
/** Write string value from a printf format (escaped). */
void cp_json_strf(struct cp_json *j, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/** Write an unsigned integer. */
void cp_json_u64(struct cp_json *j, uint64_t v);
/** Write a signed integer. */
void cp_json_i64(struct cp_json *j, int64_t v);
/** Write a number with 15 significant digits; NaN or an infinity writes null. */
void cp_json_double(struct cp_json *j, double v);
/** Write true or false. */
void cp_json_bool(struct cp_json *j, bool v);
/** Write null. */
void cp_json_null(struct cp_json *j);

/** Member shorthands: cp_json_key() then the value. */
void cp_json_kv_str(struct cp_json *j, const char *key, const char *s);
void cp_json_kv_u64(struct cp_json *j, const char *key, uint64_t v);
void cp_json_kv_i64(struct cp_json *j, const char *key, int64_t v);
void cp_json_kv_double(struct cp_json *j, const char *key, double v);
void cp_json_kv_bool(struct cp_json *j, const char *key, bool v);
void cp_json_kv_null(struct cp_json *j, const char *key);
/** A time as Unix seconds (UTC); 0 (never) writes null. */
void cp_json_kv_time(struct cp_json *j, const char *key, int64_t t);

/** End the document: a '\n' after the top-level value. */
void cp_json_end(struct cp_json *j);

/**
 * Append @p n bytes at @p s to @p b as the inside of a JSON string (no
 * quotes), escaped as described above.
 */
void cp_json_escape(struct cp_buf *b, const char *s, size_t n);

#endif /* CONTROLPLANE_CLI_CLI_JSON_H */
