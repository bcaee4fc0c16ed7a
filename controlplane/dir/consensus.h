/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Network-status consensus documents (dir-spec §3.4.1): parse, verify, query.
 *
 * cp_consensus_parse() takes the text of `GET /tor/status-vote/current/consensus`
 * (the "ns" flavour) or `.../consensus-microdesc` ("network-status-version 3
 * microdesc") and returns it parsed, or refuses it and says why. It is
 * accepted only when all of these hold:
 *
 * 1. **Format**, as tor's networkstatus_parse_vote_from_string() for a
 *    consensus: "network-status-version 3 [ns|microdesc]" first;
 *    "vote-status consensus"; exactly one each of valid-after, fresh-until,
 *    valid-until, voting-delay, known-flags (strictly sorted); at most one
 *    consensus-method (default 1), params (int32 values, strictly sorted, no
 *    duplicates), client/server-versions and each *-protocols line; at least
 *    one dir-source, each followed by its contact and vote-digest (except
 *    "-legacy" ones); then router entries ("r" with 8 fields, 7 in the
 *    microdesc flavour; exactly one "s" and one "pr"; at most one "v", "w",
 *    "p"), sorted strictly by identity; then an optional directory-footer
 *    and bandwidth-weights; then directory-signature items and nothing else.
 *    Timing: fresh-until >= valid-after + I and valid-until >=
 *    valid-after + 2I, with I = 300 s (10 s when @c trust->testing, tor's
 *    TestingTorNetwork minimum), and both voting delays >= 2 s. Unknown
 *    items are ignored anywhere (dir-spec §1.2).
 * 2. **Signatures** (dir-spec §1.3, §3.4.1; tor's
 *    networkstatus_check_consensus_signature()): the signed part runs from
 *    "network-status-version" through the space after the first
 *    "directory-signature" keyword. A "directory-signature [ALG] ID SKD"
 *    counts when ID is one of @c trust->v3ident, a certificate in
 *    @c trust->certs has identity ID and signing-key digest SKD and has not
 *    expired at @p now, and its RSA signature (raw PKCS#1 v1.5, no
 *    DigestInfo) opens to the SHA1 (no ALG or "sha1") or SHA256 ("sha256")
 *    of the signed part. Unknown algorithms are ignored; a second signature
 *    of one authority with one algorithm is ignored; each authority counts
 *    once. More than half of the trusted authorities must have signed:
 *    n_good >= n_trusted / 2 + 1.
 * 3. **Liveness** (tor's networkstatus_consensus_reasonably_live(), the rule
 *    a relay applies before using a consensus): valid-after - 24 h <= now <=
 *    valid-until + 24 h. A consensus up to a day past valid-until is thus
 *    still accepted, as tor keeps using one when no newer can be had; call
 *    cp_consensus_is_live() for the strict valid-after <= now <= valid-until.
 *
 * Bounds: CP_CONSENSUS_MAX_LEN bytes, lines of CP_DD_MAX_LINE (32 KiB),
 * CP_CONSENSUS_MAX_RELAYS entries, CP_CONSENSUS_MAX_PARAMS params and
 * weights, CP_CONSENSUS_MAX_VOTERS dir-sources. Malformed input of any
 * kind is refused with an error, never a crash; the work is linear in the
 * document plus at most two RSA checks per trusted authority.
 *
 * Pure functions over text; time is a parameter; input need not be
 * NUL-terminated and is not referenced after the call.
 *
 * Who may include it: controlplane/ and tests/.
 */
#ifndef CONTROLPLANE_DIR_CONSENSUS_H
#define CONTROLPLANE_DIR_CONSENSUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "controlplane/dir/authcert.h"
#include "controlplane/dir/dir_conf.h"

/** Largest consensus accepted, bytes (a mainnet ns consensus is ~3 MiB). */
#define CP_CONSENSUS_MAX_LEN (16u << 20)
/** Most router entries accepted (mainnet: ~9000). */
#define CP_CONSENSUS_MAX_RELAYS 65536
/** Most entries on the params line, and on the bandwidth-weights line. */
#define CP_CONSENSUS_MAX_PARAMS 512
/** Most dir-source lines (authorities and their legacy keys). */
#define CP_CONSENSUS_MAX_VOTERS 64
/** Most trusted authorities (dir_conf.h's DirAuthority limit). */
#define CP_CONSENSUS_MAX_TRUSTED CP_DIR_AUTH_MAX
/** tor's REASONABLY_LIVE_TIME: how far outside its validity a consensus is still used, s. */
#define CP_CONSENSUS_LIVE_SLACK (24 * 60 * 60)

/** What a consensus is checked against. */
struct cp_dir_trust {
	/** v3 identities of the trusted authorities (DirAuthority v3ident=). */
	uint8_t v3ident[CP_CONSENSUS_MAX_TRUSTED][20];
	unsigned n_v3ident;
	/** Verified key certificates (cp_authcert_parse_all()); borrowed. */
	const struct cp_authcert *certs;
	size_t n_certs;
	/** TestingTorNetwork: the shorter minimum voting interval. */
	bool testing;
};

/**
 * Fill @p t from the DirAuthority lines of @p conf (those with a v3ident;
 * duplicates once) and the given certificates.
 */
void cp_dir_trust_from_conf(struct cp_dir_trust *t, const struct cp_dir_conf *conf,
			    const struct cp_authcert *certs, size_t n_certs);

/** Consensus flavours (the second argument of network-status-version). */
enum cp_consensus_flavor {
	CP_CONSENSUS_NS,	/**< "ns": r lines carry the server-descriptor digest */
	CP_CONSENSUS_MICRODESC, /**< "microdesc": the m line carries the microdescriptor digest */
};

/**
 * Router status flags ("s" line), one bit each. Flags not named here are
 * ignored. In a consensus, Running and Valid are implied by being listed
 * (consensus methods 4 and 24; tor sets them whatever the s line says):
 * the bits report the s line as written.
 */
enum cp_cons_flag {
	CP_CONS_FLAG_AUTHORITY = 1u << 0,
	CP_CONS_FLAG_BADEXIT = 1u << 1,
	CP_CONS_FLAG_EXIT = 1u << 2,
	CP_CONS_FLAG_FAST = 1u << 3,
	CP_CONS_FLAG_GUARD = 1u << 4,
	CP_CONS_FLAG_HSDIR = 1u << 5,
	CP_CONS_FLAG_MIDDLEONLY = 1u << 6,
	CP_CONS_FLAG_NOEDCONSENSUS = 1u << 7,
	CP_CONS_FLAG_RUNNING = 1u << 8,
	CP_CONS_FLAG_STABLE = 1u << 9,
	CP_CONS_FLAG_STALEDESC = 1u << 10,
	CP_CONS_FLAG_SYBIL = 1u << 11,
	CP_CONS_FLAG_V2DIR = 1u << 12,
	CP_CONS_FLAG_VALID = 1u << 13,
};

/** One router entry. Strings belong to the consensus. */
struct cp_cons_relay {
	char nickname[CP_DIR_NICK_MAX + 1];
	uint8_t id[20]; /**< RSA identity digest (r line, base64) */
	/**
	 * ns: SHA1 of the server descriptor (20 bytes, r line); microdesc:
	 * SHA256 of the microdescriptor (32 bytes, m line; zero when absent).
	 */
	uint8_t digest[32];
	time_t published; /**< r line; fixed 2038-01-01 in microdesc consensuses */
	uint32_t ipv4;	  /**< host order */
	uint16_t orport;
	uint16_t dirport;     /**< 0 = none */
	uint8_t ipv6[16];     /**< first "a" line with an IPv6 address; network order */
	uint16_t ipv6_orport; /**< 0 = no IPv6 address */
	uint32_t flags;	      /**< CP_CONS_FLAG_* */
	uint32_t bandwidth;   /**< w Bandwidth=, kB/s (dir-spec's unit); 0 when absent */
	bool has_bandwidth;
	bool bw_unmeasured;	 /**< w Unmeasured=1 */
	const char *version;	 /**< v line, e.g. "Tor 0.4.9.11"; NULL when absent */
	const char *protocols;	 /**< pr line, e.g. "Cons=1-2 Desc=1-4 ..." */
	const char *exit_policy; /**< p line, e.g. "reject 1-65535"; NULL when absent */
};

/** One "KEY=INT32" entry of the params or bandwidth-weights line. */
struct cp_cons_param {
	const char *name;
	int32_t value;
};

/** One dir-source (an authority that contributed, or its legacy key). */
struct cp_cons_voter {
	char nickname[CP_DIR_NICK_MAX + 8]; /**< "-legacy" may be appended */
	uint8_t v3ident[20];
	uint32_t ip; /**< host order */
	uint16_t dirport;
	uint16_t orport;
	bool trusted;	     /**< v3ident is in the trust list */
	bool good_signature; /**< a signature by it verified */
};

/**
 * A verified consensus. Read-only for the caller; free it with
 * cp_consensus_free(). Relays are sorted by @c id (strictly increasing).
 */
struct cp_consensus {
	enum cp_consensus_flavor flavor;
	unsigned method;			      /**< consensus-method; 1 when absent */
	time_t valid_after, fresh_until, valid_until; /**< UTC */
	unsigned vote_seconds, dist_seconds;	      /**< voting-delay */
	struct cp_cons_relay *relays;
	size_t n_relays;
	struct cp_cons_param *params; /**< params line, in document order */
	size_t n_params;
	struct cp_cons_param *weights; /**< bandwidth-weights line */
	size_t n_weights;
	struct cp_cons_voter *voters; /**< dir-source lines, in document order */
	size_t n_voters;
	/** The trusted authorities whose signature verified, each once. */
	uint8_t signed_by[CP_CONSENSUS_MAX_TRUSTED][20];
	unsigned n_signed_by;
	unsigned n_trusted; /**< distinct trusted v3idents it was checked against */
	/** The *-protocols lines; NULL when absent. */
	const char *recommended_client_protocols, *recommended_relay_protocols;
	const char *required_client_protocols, *required_relay_protocols;
	uint8_t digest_sha1[20];     /**< SHA1 of the signed part */
	uint8_t digest_sha256[32];   /**< SHA256 of the signed part */
	uint8_t digest_sha3[32];     /**< SHA3-256 of the signed part (consensus diffs) */
	struct cp_cons_arena *arena; /**< storage of the strings */
};

/** An (authority identity, signing key) pair, as `/tor/keys/fp-sk/` names it. */
struct cp_dir_cert_id {
	uint8_t id[20];
	uint8_t sk[20];
};

/**
 * Parse and verify a consensus; see the file comment for the rules.
 *
 * @param trust
 *   Trusted v3idents and their verified certificates.
 * @param now
 *   Wall-clock time: certificate expiry and liveness.
 * @param out
 *   Receives the consensus on success (free with cp_consensus_free()),
 *   NULL otherwise.
 * @param err
 *   Receives why it was refused: the first format error with its line
 *   ("line 42: bad protocol list on pr line"), or the signature count and
 *   each authority's part ("1 good signature of 2 needed (3 trusted
 *   authorities); good: auth1; no certificate for auth2 (<v3ident>,
 *   signing key <digest>); bad signature: auth3"), or the validity times.
 * @return
 *   0, or:
 *   -EMSGSIZE: larger than CP_CONSENSUS_MAX_LEN, or over a count bound;
 *   -EBADMSG: malformed;
 *   -ENOKEY: too few good signatures, but enough could come with the
 *   missing certificates (cp_consensus_missing_certs() lists them);
 *   -EKEYREJECTED: too few good signatures even then;
 *   -ESTALE: authentic but not reasonably live at @p now;
 *   -ENOMEM.
 */
int cp_consensus_parse(const char *text, size_t len, const struct cp_dir_trust *trust, time_t now,
		       struct cp_consensus **out, char *err, size_t errlen);

/**
 * List the certificates whose absence (or expiry at @p now) keeps
 * signatures of trusted authorities on @p text from being checked, to be
 * fetched as `/tor/keys/fp-sk/<id>-<sk>`.
 *
 * @return
 *   How many are missing (only the first @p max are stored), or the
 *   format errors of cp_consensus_parse().
 */
int cp_consensus_missing_certs(const char *text, size_t len, const struct cp_dir_trust *trust,
			       time_t now, struct cp_dir_cert_id *out, size_t max);

/** Free @p c (NULL is fine). */
void cp_consensus_free(struct cp_consensus *c);

/**
 * Look up consensus parameter @p name as tor's networkstatus_get_param():
 * @p def when @p c is NULL or has no such parameter, else its value
 * clamped to [@p min, @p max]. Requires min <= def <= max.
 */
int32_t cp_consensus_param(const struct cp_consensus *c, const char *name, int32_t def, int32_t min,
			   int32_t max);

/** The bandwidth-weights entry @p name, or @p def when there is none. */
int32_t cp_consensus_weight(const struct cp_consensus *c, const char *name, int32_t def);

/** The router entry with RSA identity @p id, or NULL (binary search). */
const struct cp_cons_relay *cp_consensus_find(const struct cp_consensus *c, const uint8_t id[20]);

/** Whether @p now is within [valid-after, valid-until]. */
bool cp_consensus_is_live(const struct cp_consensus *c, time_t now);

/** Whether the trusted authority @p v3ident signed @p c (a verified signature). */
bool cp_consensus_signed_by(const struct cp_consensus *c, const uint8_t v3ident[20]);

/** The flag's name as the s line spells it ("Guard"), or NULL for a value not one flag. */
const char *cp_cons_flag_name(uint32_t flag);

#endif /* CONTROLPLANE_DIR_CONSENSUS_H */
