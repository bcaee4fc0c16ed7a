/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief tor1 relay crypto: per-hop AES-128-CTR and SHA-1 running digests.
 *
 * tor-spec.txt §0.3, §5.2, §5.5, §6.1 and relay-checklist C6–C8. Each hop
 * of a circuit has two directions; each direction has
 *   - an AES-128-CTR stream with IV 0 and ONE counter that runs for the
 *     circuit's whole life (never reset per cell), and
 *   - a SHA-1 running digest seeded by updating it with Df (forward) or Db
 *     (backward), then with every relay payload originated or recognized in
 *     that direction (with its 4-byte digest field zeroed).
 *
 * The primitives are symmetric, so the same code serves a relay and a
 * client (the project's test client, tools/torclient):
 *   relay, forward cell in:       dp_rc_crypt(fwd); dp_rc_digest_check(fwd)
 *   relay, backward cell relayed: dp_rc_crypt(bwd)
 *   relay, backward cell we make: dp_rc_digest_set(bwd); dp_rc_crypt(bwd)
 *   client, cell to hop i:        dp_rc_digest_set(hop[i].fwd);
 *                                 dp_rc_crypt(hop[j].fwd) for j = i .. 0
 *   client, cell from the path:   for j = 0 ..: dp_rc_crypt(hop[j].bwd);
 *                                 stop at the first dp_rc_digest_check() true
 *
 * Memory: all of a direction's state is inline in struct dp_rc_dir, so a
 * cell touches one ~320-byte block and follows no pointer: the AES-128 key
 * schedule, the counter block and the unused keystream bytes of the last
 * block (AES-NI path, the CPUs this relay runs on), and a plain SHA_CTX for
 * the digest, so the tentative digest of §6.1 is a struct copy. Without
 * AES-NI (dp_rc_lib_init() asks CPUID) the AES stream is an OpenSSL
 * EVP_CIPHER_CTX made by dp_rc_alloc() before launch instead; both paths
 * give the same bytes. Either way dp_rc_set_keys() does not allocate, so a
 * circuit costs no malloc on the lcore. Nothing here uses DPDK: tools link
 * this file directly.
 *
 * Thread safety: a struct dp_relay_crypto belongs to one thread at a time.
 */
#ifndef DATAPLANE_CELL_RELAY_CRYPTO_H
#define DATAPLANE_CELL_RELAY_CRYPTO_H

#include <stdbool.h>
#include <stdint.h>

#include <openssl/evp.h>
#include <openssl/sha.h>

/** Key material per hop: Df(20) Db(20) Kf(16) Kb(16), in this order (§5.2). */
#define DP_RC_KEYS_LEN 72
/** Offsets within the 72 bytes of key material. */
#define DP_RC_OFF_DF 0
#define DP_RC_OFF_DB 20
#define DP_RC_OFF_KF 40
#define DP_RC_OFF_KB 56
/** Relay cell payload length (fixed cell payload, tor-spec §3). */
#define DP_RC_PAYLOAD_LEN 509

/** AES-128: key and block length (tor-spec §0.3 KEY_LEN), rounds (FIPS-197 §5). */
#define DP_RC_AES_KEY_LEN 16
#define DP_RC_AES_BLOCK_LEN 16
#define DP_RC_AES_ROUNDS 10

/**
 * One direction of one hop.
 *
 * Invariants (AES-NI path, @c evp NULL): @c ctr is the counter block of the
 * next keystream block to make; when @c ks_left is non-zero, @c ks holds the
 * keystream block of counter @c ctr - 1 and its last @c ks_left bytes are
 * the next bytes of the stream. The AES fields of a direction that was
 * never keyed, or was wiped, are zero. On the EVP path they stay zero and
 * @c evp holds the whole AES state. The struct may be copied (a copy is an
 * independent stream only on the AES-NI path; the digest is always a copy).
 * The SHA_CTX (96 bytes) stays whole: its 64-byte buffer holds the partial
 * block that each 509-byte update leaves.
 */
struct dp_rc_dir {
	/** AES-NI path: encryption key schedule, round keys 0 .. 10 (FIPS-197 §5.2). */
	_Alignas(16) uint8_t rk[DP_RC_AES_ROUNDS + 1][DP_RC_AES_BLOCK_LEN];
	uint8_t ctr[DP_RC_AES_BLOCK_LEN]; /**< 128-bit counter, big-endian; IV 0 at key set */
	uint8_t ks[DP_RC_AES_BLOCK_LEN];  /**< keystream of the last block made */
	uint8_t ks_left;		  /**< its bytes not used yet (0 .. 15): the tail */
	EVP_CIPHER_CTX *evp;		  /**< fallback without AES-NI; NULL on the AES-NI path */
	SHA_CTX digest;			  /**< running digest */
};

/** Both directions of one hop. */
struct dp_relay_crypto {
	struct dp_rc_dir fwd;	/**< client→exit: Kf, Df */
	struct dp_rc_dir bwd;	/**< exit→client: Kb, Db */
};

/** Algorithms fetched once (CONVENTIONS §22) from one OpenSSL library context. */
struct dp_rc_lib {
	EVP_CIPHER *aes128ctr; /**< the fallback's cipher; non-NULL once initialised */
	/** dp_rc_alloc() makes AES-NI directions (true) or EVP ones (false). Set
	 * by dp_rc_lib_init() from CPUID; tests clear it to force the fallback.
	 * Never set it on a CPU without AES-NI: those directions would fault. */
	bool aesni;
};

/**
 * Fetch AES-128-CTR from @p libctx (NULL: the default context) and detect
 * AES-NI (with SSE4.1) on this CPU.
 * @return 0 or -ENOTSUP.
 */
int dp_rc_lib_init(struct dp_rc_lib *lib, OSSL_LIB_CTX *libctx);

/** Release what dp_rc_lib_init() fetched. Accepts a zeroed struct. */
void dp_rc_lib_fini(struct dp_rc_lib *lib);

/**
 * Make @p rc ready for dp_rc_set_keys(): zero it, and without AES-NI allocate
 * the two cipher contexts and bind them to AES-128-CTR with a zero key
 * (start-up only: that path allocates; the AES-NI path allocates nothing).
 * On failure @p rc is left zeroed, so dp_rc_free() on it is harmless.
 * @return 0; -ENOMEM; -EINVAL if @p lib holds no cipher (not initialised).
 */
int dp_rc_alloc(const struct dp_rc_lib *lib, struct dp_relay_crypto *rc);

/** Wipe @p rc, then free what dp_rc_alloc() allocated. Accepts a zeroed struct. */
void dp_rc_free(struct dp_relay_crypto *rc);

/**
 * Key @p rc from 72 bytes of key material (DP_RC_OFF_*): both AES streams
 * restart at counter 0 with IV 0, both digests restart seeded with Df / Db.
 * Does not allocate. The caller wipes @p keys.
 * @return 0, or -EIO if OpenSSL refused (never expected after dp_rc_alloc()).
 */
int dp_rc_set_keys(struct dp_relay_crypto *rc, const uint8_t keys[DP_RC_KEYS_LEN]);

/**
 * Wipe the key schedules, counters, keystream and digests of @p rc (the EVP
 * fallback's contexts are kept for reuse, re-keyed with the zero key).
 */
void dp_rc_wipe(struct dp_relay_crypto *rc);

/** Encrypt or decrypt (the same operation) a 509-byte payload in place. */
void dp_rc_crypt(struct dp_rc_dir *d, uint8_t payload[DP_RC_PAYLOAD_LEN]);

/**
 * Originate: the caller has written the relay header with recognized = 0
 * and digest = 0 and the data; update the running digest with the payload
 * and write its first 4 bytes into the digest field.
 */
void dp_rc_digest_set(struct dp_rc_dir *d, uint8_t payload[DP_RC_PAYLOAD_LEN]);

/**
 * Recognize (tor-spec §6.1): on a decrypted payload, if 'recognized' is 0,
 * digest a copy of the running state over the payload with the digest field
 * zeroed; if the first 4 bytes match the field, keep the updated state and
 * return true. Otherwise the state is unchanged and it returns false. The
 * payload is left as it came in.
 */
bool dp_rc_digest_check(struct dp_rc_dir *d, uint8_t payload[DP_RC_PAYLOAD_LEN]);

#endif /* DATAPLANE_CELL_RELAY_CRYPTO_H */
