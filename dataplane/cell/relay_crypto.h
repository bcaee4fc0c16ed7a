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
 * Memory: the AES contexts are OpenSSL EVP_CIPHER_CTX objects made by
 * dp_rc_alloc() before launch (it allocates); dp_rc_set_keys() re-keys them
 * without allocating (OpenSSL re-initialises the existing provider context
 * when no cipher is passed), so a circuit costs no malloc on the lcore. The
 * digests are plain SHA_CTX values, so the tentative digest of §6.1 is a
 * struct copy. Nothing here uses DPDK: tools link this file directly.
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

/** One direction of one hop. */
struct dp_rc_dir {
	EVP_CIPHER_CTX *aes;	/**< AES-128-CTR, counter continuous for the circuit's life */
	SHA_CTX digest;		/**< running digest */
};

/** Both directions of one hop. */
struct dp_relay_crypto {
	struct dp_rc_dir fwd;	/**< client→exit: Kf, Df */
	struct dp_rc_dir bwd;	/**< exit→client: Kb, Db */
};

/** Algorithms fetched once (CONVENTIONS §22) from one OpenSSL library context. */
struct dp_rc_lib {
	EVP_CIPHER *aes128ctr;
};

/**
 * Fetch AES-128-CTR from @p libctx (NULL: the default context).
 * @return 0 or -ENOTSUP.
 */
int dp_rc_lib_init(struct dp_rc_lib *lib, OSSL_LIB_CTX *libctx);

/** Release what dp_rc_lib_init() fetched. Accepts a zeroed struct. */
void dp_rc_lib_fini(struct dp_rc_lib *lib);

/**
 * Allocate the two cipher contexts of @p rc and bind them to AES-128-CTR
 * with a zero key (start-up only: this allocates). On failure @p rc is left
 * zeroed, so dp_rc_free() on it is harmless.
 * @return 0; -ENOMEM; -EINVAL if @p lib holds no cipher (not initialised).
 */
int dp_rc_alloc(const struct dp_rc_lib *lib, struct dp_relay_crypto *rc);

/** Free what dp_rc_alloc() allocated (wipes first). Accepts a zeroed struct. */
void dp_rc_free(struct dp_relay_crypto *rc);

/**
 * Key @p rc from 72 bytes of key material (DP_RC_OFF_*): both AES streams
 * restart at counter 0 with IV 0, both digests restart seeded with Df / Db.
 * Does not allocate. The caller wipes @p keys.
 * @return 0, or -EIO if OpenSSL refused (never expected after dp_rc_alloc()).
 */
int dp_rc_set_keys(struct dp_relay_crypto *rc, const uint8_t keys[DP_RC_KEYS_LEN]);

/** Wipe the key schedule and digests of @p rc (keeps the contexts for reuse). */
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
