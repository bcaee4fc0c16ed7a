/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief The torrc-style configuration file both processes read, and its schema.
 *
 * A file is a list of lines `Keyword value...`, as tor's torrc
 * (tor's confline.c, doc/torrc_format.txt):
 *  - keywords are matched case-insensitively; the value is the rest of the
 *    line, trimmed of white space;
 *  - `#` starts a comment, also after a value (a value that must hold `#`
 *    is written in double quotes, on one line, with \\ and \" for a
 *    backslash and a quote);
 *  - blank lines and comment lines are skipped;
 *  - a line whose text, before any comment, ends in a backslash continues on
 *    the next line: the backslash is dropped and the next line appended as
 *    it is (comment lines in between are skipped; a blank line ends it);
 *  - a file is at most CONF_FILE_MAX bytes, a line (also a joined one) at
 *    most CONF_LINE_MAX; a NUL byte or another control character (other
 *    than tab, and CR before LF) means the file is not text and is refused.
 *
 * conf_parse() (or conf_read(), which reads the file first) yields the
 * entries (keyword, value, line). conf_validate() checks every entry
 * against the one schema table both processes share (conf_schema[]): an
 * unknown keyword, a bad value or a keyword given twice fails with
 * `FILE:LINE: reason`. Each process validates the whole file, so both
 * refuse the same files, then applies the entries whose conf_opt::users
 * names it (controlplane/config.c, dataplane/config.c).
 *
 * Plain C: libc only. conf_read() is, with ipc/ipc_shm.c, the only place in
 * common/ that makes system calls (it reads one file).
 *
 * Who may include it: everyone.
 */
#ifndef COMMON_CONF_CONF_H
#define COMMON_CONF_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** Where both processes look when started with no arguments at all. */
#define CONF_FILE_DEFAULT "/etc/chive/chive.conf"
/** Largest file read (1 MiB). */
#define CONF_FILE_MAX (1u << 20)
/** Longest line, and longest line after joining continuations, in bytes. */
#define CONF_LINE_MAX 4096
/** Most DirAuthority lines (controlplane/dir/dir_conf.h CP_DIR_AUTH_MAX). */
#define CONF_DIRAUTH_MAX 16
/** Most MyFamily members over all lines (CP_DIR_FAMILY_MAX). */
#define CONF_FAMILY_MAX 64
/** Longest nickname (dir-spec §2.1.1: 1-19 letters and digits). */
#define CONF_NICK_MAX 19
/** Longest DPDK port name (the dataplane's --port). */
#define CONF_PORT_NAME_MAX 63

/** What a keyword's value is; conf_check_value() knows how to check each. */
enum conf_kind {
	CONF_KIND_TEXT,        /**< any text up to conf_opt::max bytes (ContactInfo) */
	CONF_KIND_NICKNAME,    /**< 1-19 letters and digits */
	CONF_KIND_BOOL,        /**< 0 or 1 (conf_opt::max 0: only 0, else conf_opt::note) */
	CONF_KIND_UINT,        /**< a decimal number in [min, max] */
	CONF_KIND_PORT,        /**< a TCP port, 1-65535 */
	CONF_KIND_IPV4,        /**< A.B.C.D */
	CONF_KIND_IPV4_PREFIX, /**< A.B.C.D/LEN, LEN 1-32, address not 0.0.0.0 */
	CONF_KIND_MEMUNIT,     /**< bytes, with tor's units ("10 MB", "80 Mbits") */
	CONF_KIND_MSEC,        /**< milliseconds, with tor's units ("2 seconds") */
	CONF_KIND_ENUM,        /**< one of conf_opt::choices, any case */
	CONF_KIND_PATH,        /**< a file or directory name */
	CONF_KIND_MODE,        /**< octal permissions, 0-0777 */
	CONF_KIND_SHM_NAME,    /**< a shared-memory segment name (ipc_shm_name_is_valid) */
	CONF_KIND_LCORES,      /**< EAL lcore list: N or N-M, comma-separated */
	CONF_KIND_DIRAUTH,     /**< tor's DirAuthority line (conf_parse_dirauth) */
	CONF_KIND_FAMILY,      /**< comma-separated fingerprints (conf_parse_family) */
	CONF_KIND_LOG,         /**< tor's Log line (conf_parse_log) */
	CONF_KIND_DPDK_PORT,   /**< PCI address or vdev string (conf_parse_dpdk_port) */
	CONF_KIND_METRICS_PORT, /**< tor's MetricsPort `[A.B.C.D:]PORT [prometheus]`
				     (conf_parse_metrics_port) */
	CONF_KIND_POLICY,      /**< tor's address policy, ports ignored (conf_parse_policy) */
	CONF_KIND_FAMILY_ID,   /**< tor 0.4.9's FamilyId: 43 base64 characters, or "*" */
	CONF_KIND_UNSUPPORTED, /**< a known keyword not supported yet: always conf_opt::note */
};

/** conf_opt::users: which process applies the keyword. */
#define CONF_USER_CP 0x1u
#define CONF_USER_DP 0x2u
#define CONF_USER_BOTH (CONF_USER_CP | CONF_USER_DP)

/** conf_opt::flags */
#define CONF_F_REPEAT 0x1u  /**< may be given more than once (up to conf_opt::max lines) */
#define CONF_F_RUNTIME 0x2u /**< `chivectl config set` changes it while running */
#define CONF_F_ZERO_OK 0x4u /**< MEMUNIT, MSEC: 0 ("not set") is allowed below min */

/** One keyword of the schema. */
struct conf_opt {
	const char *name;           /**< canonical spelling, matched case-insensitively */
	enum conf_kind kind;
	uint8_t users;              /**< CONF_USER_* */
	uint8_t flags;              /**< CONF_F_* */
	uint64_t min, max;          /**< UINT, MEMUNIT, MSEC range; TEXT, PATH: max length;
				         BOOL: max 0 or 1; repeatable: most lines */
	const char *const *choices; /**< ENUM: NULL-terminated, lower case */
	const char *note;           /**< UNSUPPORTED, or BOOL above max: the whole reason */
};

/** The schema: every keyword either process knows. */
extern const struct conf_opt conf_schema[];
/** Number of entries in conf_schema[]. */
extern const size_t conf_schema_len;

/** A checked value in the form its kind gives (see each field). */
struct conf_value {
	uint64_t u;         /**< BOOL 0/1; UINT; PORT; MEMUNIT bytes; MSEC ms; ENUM index;
			         IPV4 and IPV4_PREFIX the address (host order); MODE bits;
			         METRICS_PORT address << 16 | port; POLICY how many rules */
	uint8_t prefix_len; /**< IPV4_PREFIX: 1-32 */
};

/** One `Keyword value` line of a file. */
struct conf_entry {
	char *key;                  /**< as written */
	char *value;                /**< trimmed, continuations joined, quotes removed; "" if none */
	unsigned line;              /**< 1-based: the line holding the keyword */
	const struct conf_opt *opt; /**< set by conf_validate() */
	struct conf_value val;      /**< set by conf_validate() */
};

/** A parsed file. Zero it (or conf_free() it) before the first use. */
struct conf_file {
	char *path;                 /**< as given, for messages */
	struct conf_entry *entries; /**< in file order */
	size_t n, cap;
	bool validated;             /**< conf_validate() succeeded */
};

/**
 * Split @p buf (@p len bytes, the contents of the file @p path) into
 * entries, appended to @p f (which is conf_free()d first).
 *
 * @return
 *   0; -EINVAL (not text, a line too long, a bad quoted value), -EFBIG
 *   (more than CONF_FILE_MAX bytes) or -ENOMEM, with @p err holding
 *   `PATH:LINE: reason` (`PATH: reason` when no line is to blame).
 */
int conf_parse(struct conf_file *f, const char *path, const char *buf, size_t len, char *err,
	       size_t errlen);

/**
 * Read the file @p path (at most CONF_FILE_MAX bytes) and conf_parse() it.
 *
 * @return
 *   0; as conf_parse(); or the negative errno of opening or reading it,
 *   with @p err `PATH: strerror`.
 */
int conf_read(struct conf_file *f, const char *path, char *err, size_t errlen);

/**
 * Check every entry of @p f against the schema and fill its opt and val:
 * unknown keywords, bad values, a keyword that may not repeat given twice,
 * too many DirAuthority lines or MyFamily members, and RelayBandwidthBurst
 * below RelayBandwidthRate are refused. Stops at the first error.
 *
 * @return
 *   0, or -EINVAL with @p err `PATH:LINE: reason`, e.g.
 *   `/etc/chive/chive.conf:12: unknown option "Nicknam"`,
 *   `chive.conf:3: ORPort: "99999" is not a port (1-65535)`,
 *   `chive.conf:9: Nickname given twice (lines 2 and 9)`.
 */
int conf_validate(struct conf_file *f, char *err, size_t errlen);

/** Free what @p f holds and zero it; accepts a zeroed @p f. */
void conf_free(struct conf_file *f);

/** Return the schema entry named @p name (any case), or NULL. */
const struct conf_opt *conf_opt_find(const char *name);

/** Return true if @p e (validated) is applied by the process @p user (CONF_USER_*). */
bool conf_entry_is_for(const struct conf_entry *e, unsigned user);

/**
 * Check @p value for @p opt and, if it is good, store it in @p out (which
 * may be NULL). Used for file entries and for the command-line options
 * that stand for a keyword.
 *
 * @return
 *   0, or -EINVAL with @p err holding the reason alone, without the
 *   keyword or a place, e.g. `"99999" is not a port (1-65535)`.
 */
int conf_check_value(const struct conf_opt *opt, const char *value, struct conf_value *out,
		     char *err, size_t errlen);

/** Return true if @p s is a relay nickname: 1-19 letters and digits. */
bool conf_is_nickname(const char *s);

/**
 * Parse a dotted quad (exactly four decimal numbers 0-255, nothing after).
 *
 * @return
 *   true and the address in host order in *@p out; false.
 */
bool conf_parse_ipv4(const char *s, uint32_t *out);

/**
 * Parse "NUMBER [UNIT]" with tor's memory units (unitparse.c memory_units:
 * no unit or b/byte(s) = bytes, kb/kbyte(s)/kilobyte(s) = 2^10, m/mb/mbyte(s)/
 * megabyte(s) = 2^20, gb... = 2^30, tb... = 2^40, and the bit forms kbit(s)/
 * kilobit(s) = 2^7, mbit(s)/megabit(s) = 2^17, gbit(s)... = 2^27, tbit(s)... =
 * 2^37; any case; a decimal fraction is allowed: "1.5 MB").
 *
 * @return
 *   0 and the number of bytes in *@p out; -EINVAL with the reason in @p err.
 */
int conf_parse_memunit(const char *s, uint64_t *out, char *err, size_t errlen);

/**
 * Parse "NUMBER [UNIT]" with tor's millisecond units (unitparse.c
 * time_msec_units: none or msec/millisecond(s), second(s), minute(s),
 * hour(s), day(s), week(s)).
 *
 * @return
 *   0 and the milliseconds in *@p out; -EINVAL with the reason in @p err.
 */
int conf_parse_msec(const char *s, uint64_t *out, char *err, size_t errlen);

/**
 * One directory authority, from tor's
 * `DirAuthority [NICK] [FLAGS] A.B.C.D:DIRPORT FINGERPRINT`.
 */
struct conf_dirauth {
	char nickname[CONF_NICK_MAX + 1]; /**< "" when the line has none */
	uint32_t ip;                      /**< host order */
	uint16_t dirport;
	uint16_t orport;                  /**< orport=N; 0 when not given */
	uint8_t rsa_id[20];               /**< FINGERPRINT */
	uint8_t v3ident[20];              /**< v3ident=HEX40 */
	bool has_v3ident;
};

/**
 * Parse the value of a DirAuthority line as tor's parse_dir_authority_line()
 * does: an optional nickname first; then flags until a word that starts
 * with a digit: orport=N, v3ident=HEX40, and (accepted, ignored) hs, no-hs,
 * no-v2, bridge, weight=N, ipv6=[ADDR]:PORT, upload=, download=, vote=;
 * then A.B.C.D:DIRPORT; then the fingerprint, 40 hex digits that may be
 * split by spaces ("9695 DFC3 ..."). Unlike tor, an unknown flag or a bad
 * orport= or v3ident= is an error, not a warning.
 *
 * @return
 *   0; -EINVAL with the reason in @p err.
 */
int conf_parse_dirauth(const char *s, struct conf_dirauth *out, char *err, size_t errlen);

/**
 * Parse a FamilyId value (tor 0.4.9, proposal 321): the family's Ed25519 public
 * key as `tor --keygen-family` prints it (43 characters of unpadded base64),
 * or `*` (every family key in the key directory).
 *
 * @return
 *   1 for `*`, 0 with the key in @p id, or -EINVAL with a reason in @p err.
 */
int conf_parse_family_id(const char *value, uint8_t id[32], char *err, size_t errlen);

/**
 * Parse a MyFamily value: comma-separated members, each `$HEX40` or
 * `HEX40`, optionally followed by `~NICK` or `=NICK` (tor's
 * is_legal_hexdigest; bare nicknames, which tor still accepts, are not).
 * Empty members are skipped. Each member is appended to @p out (40
 * upper-case hex digits and a NUL) at *@p n, which is advanced.
 *
 * @return
 *   0; -EINVAL (a bad member) or -E2BIG (more than @p max in all) with the
 *   reason in @p err.
 */
int conf_parse_family(const char *s, char (*out)[41], unsigned max, unsigned *n, char *err,
		      size_t errlen);

/** Log severities, syslog's numbers (the controlplane's CP_LOG_* have the same). */
#define CONF_LOG_ERR 3
#define CONF_LOG_WARN 4
#define CONF_LOG_NOTICE 5
#define CONF_LOG_INFO 6
#define CONF_LOG_DEBUG 7

/** Where a Log line sends messages. */
enum conf_log_dest {
	CONF_LOG_DEST_STDERR,
	CONF_LOG_DEST_STDOUT,
	CONF_LOG_DEST_FILE,
};

/** A Log line. */
struct conf_log {
	int severity;            /**< the least severe level written, CONF_LOG_* */
	enum conf_log_dest dest;
	char path[CONF_LINE_MAX]; /**< CONF_LOG_DEST_FILE: the file */
};

/**
 * Parse the value of a Log line, tor's syntax `SEVERITY[-err] stderr|stdout`
 * or `SEVERITY[-err] file PATH`, SEVERITY one of debug, info, notice, warn,
 * err. Log domains (`[...]`), syslog and a maximum severity other than err
 * are refused as not supported.
 *
 * @return
 *   0; -EINVAL with the reason in @p err.
 */
int conf_parse_log(const char *s, struct conf_log *out, char *err, size_t errlen);

/** Return the severity named @p name (tor's names: debug info notice warn err), or -1. */
int conf_log_severity(const char *name);

/** A DPDKPort value. */
struct conf_dpdk_port {
	bool is_pci;                         /**< EAL -a SPEC; else --vdev=SPEC */
	char name[CONF_PORT_NAME_MAX + 1];   /**< the ethdev's name: 0000:03:00.0, net_tap0 */
};

/**
 * Parse a DPDKPort value: a PCI address `DOMAIN:BUS:DEV.FN` or `BUS:DEV.FN`
 * (hex; the ethdev name is the full form, domain 0000 when left out), or a
 * vdev `DRIVERn[,key=value...]` (the name is the part before the first
 * comma: letters, digits and '_', starting with a letter). Either may carry
 * ",key=value" device arguments; no spaces.
 *
 * @return
 *   0; -EINVAL with the reason in @p err.
 */
int conf_parse_dpdk_port(const char *s, struct conf_dpdk_port *out, char *err, size_t errlen);

/** Most address-policy rules over all MetricsPortPolicy lines (`private` counts 6). */
#define CONF_POLICY_MAX 64

/** conf_policy_rule::family */
#define CONF_POLICY_ANY 0u  /**< `*`: every address */
#define CONF_POLICY_IPV4 4u /**< an IPv4 network (`*4` is 0.0.0.0/0) */
#define CONF_POLICY_IPV6 6u /**< an IPv6 network (`*6`, `[ADDR]`): never matches IPv4 */

/** One rule of an address policy. */
struct conf_policy_rule {
	bool accept;        /**< accept, else reject */
	uint8_t family;     /**< CONF_POLICY_* */
	uint8_t prefix_len; /**< CONF_POLICY_IPV4: bits of @c addr that must match, 0-32 */
	uint32_t addr;      /**< CONF_POLICY_IPV4: the network, host order, host bits zero */
};

/**
 * Parse an address policy as tor's MetricsPortPolicy (policies.c
 * parse_addr_policy(), ports ignored): comma-separated entries
 * `accept|reject|accept6|reject6 ADDR[/MASK][:PORT]`, ADDR one of `*`,
 * `*4`, `*6`, `private` (tor's private IPv4 networks: 0/8, 169.254/16,
 * 127/8, 192.168/16, 10/8, 172.16/12; their IPv6 ones never match the
 * IPv4 listener and are left out), A.B.C.D (MASK a length 0-32 or a
 * dotted mask of contiguous bits) or [IPv6] (MASK a length 0-128); PORT
 * `*`, N or N-M, checked and ignored. accept6 and reject6 take IPv6 only
 * (`*` means `*6`). Each rule is appended to @p out at *@p n, which is
 * advanced. The caller ends the list with an implicit reject-all.
 *
 * @return
 *   0; -EINVAL (a bad entry) or -E2BIG (more than @p max rules in all)
 *   with the reason in @p err.
 */
int conf_parse_policy(const char *s, struct conf_policy_rule *out, unsigned max, unsigned *n,
		      char *err, size_t errlen);

/**
 * Return true if @p rules[0 .. n) accept the IPv4 address @p ip (host
 * order): the first rule that matches decides; none matching rejects, as
 * tor's MetricsPortPolicy ends in `reject *:*`.
 */
bool conf_policy_accepts(const struct conf_policy_rule *rules, unsigned n, uint32_t ip);

/** Return true if @p rules[0 .. n) accept some IPv4 address (else every peer is refused). */
bool conf_policy_accepts_any(const struct conf_policy_rule *rules, unsigned n);

/**
 * Parse a MetricsPort value as tor's metrics_parse_ports(): `PORT` (on
 * 127.0.0.1) or `A.B.C.D:PORT`, optionally followed by the format, which
 * can only be `prometheus` (any case). Host names and IPv6 are refused.
 *
 * @return
 *   0 with the address (host order) and port set; -EINVAL with the reason
 *   in @p err.
 */
int conf_parse_metrics_port(const char *s, uint32_t *addr, uint16_t *port, char *err,
			    size_t errlen);

#endif /* COMMON_CONF_CONF_H */
