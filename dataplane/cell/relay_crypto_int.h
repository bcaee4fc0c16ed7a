/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Relay crypto internals: the AES-128-CTR stream of one direction at any length.
 *
 * For relay_crypto.c and its tests only: tor1 needs a zero IV and 509-byte
 * steps (relay_crypto.h), but known-answer vectors (NIST SP 800-38A F.5.1)
 * start from other counters, and the stream's continuity is best shown
 * with pieces of every length.
 */
#ifndef DATAPLANE_CELL_RELAY_CRYPTO_INT_H
#define DATAPLANE_CELL_RELAY_CRYPTO_INT_H

#include <stddef.h>
#include <stdint.h>

#include "dataplane/cell/relay_crypto.h"

/**
 * Key the AES stream of @p d with @p key, starting at counter block @p iv
 * (big-endian, 128 bits); the digest is left alone. Does not allocate.
 * @return 0, or -EIO if OpenSSL refused (EVP path only).
 */
int dp_rc_dir_set_key_iv(struct dp_rc_dir *d, const uint8_t key[DP_RC_AES_KEY_LEN],
			 const uint8_t iv[DP_RC_AES_BLOCK_LEN]);

/**
 * XOR the next @p len bytes of @p d's keystream into @p buf, in place, on
 * whichever path @p d is (dp_rc_crypt() is this with 509 bytes).
 */
void dp_rc_dir_crypt(struct dp_rc_dir *d, uint8_t *buf, size_t len);

#endif /* DATAPLANE_CELL_RELAY_CRYPTO_INT_H */
