/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief Toeplitz hash and RETA model, in plain C, for RSS-aware port choice.
 *
 * A NIC spreads received packets over its queues by hashing the IPv4/TCP
 * 4-tuple with the Toeplitz function and a 40-byte key, then indexing its
 * redirection table (RETA) with the low bits of the hash. Chive programs
 * the same key into every port, so the dataplane can compute, before it
 * sends a SYN, which queue (and therefore which lcore) the replies will
 * reach. tcp_conn.c uses drv_rss_pick_sport() to choose a source port that
 * brings the replies back to the opening lcore (the mTCP idea).
 *
 * Plain C with no DPDK: also linked into the unit-test runner.
 * Who may include it: drivers/, dataplane/ (CONVENTIONS.md §15) and tests/.
 */
#ifndef DRIVERS_RSS_H
#define DRIVERS_RSS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** Length in bytes of the RSS keys below (what NICs take for IPv4/IPv6). */
#define DRV_RSS_KEY_LEN 40

/** Largest RETA the model holds; every RETA size we meet is a power of two up to this. */
#define DRV_RSS_RETA_MAX 512

/** Bytes hashed for IPv4/TCP: src addr, dst addr, src port, dst port. */
#define DRV_RSS_IPV4_TCP_LEN 12

/**
 * The key Chive programs into NICs: 0x6d, 0x5a repeated 20 times.
 *
 * Its 16-bit period makes the Toeplitz hash of an IPv4/TCP tuple equal to
 * that of the tuple with source and destination swapped, so both directions
 * of a connection land on the same queue.
 */
extern const uint8_t drv_rss_sym_key[DRV_RSS_KEY_LEN];

/**
 * Microsoft's default RSS key (6d5a56da...beac01fa), used by the published
 * "Verifying the RSS Hash Calculation" vectors; for tests.
 */
extern const uint8_t drv_rss_default_key[DRV_RSS_KEY_LEN];

/**
 * Redirection table: hash low bits → queue.
 *
 * Invariant: @c size is a power of two, 1 ≤ size ≤ DRV_RSS_RETA_MAX; only
 * queue[0 .. size-1] are meaningful. drv_rss_reta_fill_round_robin()
 * initialises all DRV_RSS_RETA_MAX entries.
 */
struct drv_rss_reta {
	uint16_t size;                     /**< entries in use, a power of two */
	uint16_t queue[DRV_RSS_RETA_MAX];  /**< RX queue id per entry */
};

/**
 * Predicate telling drv_rss_pick_sport() that source port @p sport is
 * already in use for the 4-tuple being opened.
 *
 * @param arg
 *   The caller's opaque argument, passed through unchanged.
 * @param sport
 *   Candidate source port, host byte order.
 * @return
 *   true if the port must be skipped.
 */
typedef bool (drv_rss_port_busy_fn)(void *arg, uint16_t sport);

/**
 * Compute the Toeplitz hash of @p len bytes at @p data under @p key.
 *
 * Input bits are taken most-significant first; for each set bit i the
 * 32-bit key window starting at key bit i is XORed into the result. Key
 * bits past @p key_len bytes read as zero, so a key shorter than
 * @p len + 4 bytes hashes the tail as if zero-extended.
 *
 * @param key
 *   The RSS key; may be NULL only when @p key_len is 0.
 * @param key_len
 *   Key length in bytes.
 * @param data
 *   Bytes to hash, in the order the NIC feeds them (network order fields).
 * @param len
 *   Number of bytes at @p data.
 * @return
 *   The 32-bit hash.
 */
uint32_t drv_rss_toeplitz(const uint8_t *key, size_t key_len, const uint8_t *data, size_t len);

/**
 * Compute the RSS hash a NIC gives an IPv4/TCP packet.
 *
 * The hash input is the packet's source address, destination address,
 * source port and destination port, in network order (12 bytes).
 *
 * @param saddr
 *   Packet source address, host byte order.
 * @param daddr
 *   Packet destination address, host byte order.
 * @param sport
 *   Packet source port, host byte order.
 * @param dport
 *   Packet destination port, host byte order.
 * @return
 *   The 32-bit hash.
 */
uint32_t drv_rss_hash_ipv4_tcp(const uint8_t *key, size_t key_len, uint32_t saddr,
			       uint32_t daddr, uint16_t sport, uint16_t dport);

/**
 * Fill @p r with @p size entries that cycle through queues 0 .. n_queues-1,
 * as DPDK PMDs do by default (entry i → i % n_queues).
 *
 * All DRV_RSS_RETA_MAX entries are written with the same pattern, so a
 * lookup never reads uninitialised memory. An @p n_queues of 0 is treated
 * as 1.
 *
 * @param size
 *   RETA size; must be a power of two no larger than DRV_RSS_RETA_MAX.
 */
void drv_rss_reta_fill_round_robin(struct drv_rss_reta *r, uint16_t size, uint16_t n_queues);

/**
 * Return the queue that RETA @p r assigns to @p hash: entry
 * hash & (size - 1), the low bits of the hash, as NICs and DPDK use.
 *
 * The index is also masked to DRV_RSS_RETA_MAX - 1, so a RETA that breaks
 * its invariant yields a wrong queue but never an out-of-bounds read.
 */
uint16_t drv_rss_queue(const struct drv_rss_reta *r, uint32_t hash);

/**
 * Choose a TCP source port so that the replies of a new connection reach
 * RX queue @p want_queue.
 *
 * The replies are IPv4/TCP packets from @p remote_addr:@p remote_port to
 * @p local_addr:sport. Candidates are scanned from @p start upwards,
 * wrapping from @p hi to @p lo, so each port in [@p lo, @p hi] is visited at
 * most once (at most hi - lo + 1 ≤ 65536 steps of a few XORs each). A
 * @p start outside [@p lo, @p hi] scans from @p lo. Ports whose reply hash
 * does not map to @p want_queue are skipped without calling @p busy; each
 * port that does map is offered to @p busy, if not NULL, at most once, and
 * skipped if it returns true. If no RETA entry names @p want_queue the
 * function fails at once without scanning.
 *
 * @param key
 *   The RSS key programmed into the NIC (normally drv_rss_sym_key).
 * @param key_len
 *   Key length in bytes.
 * @param reta
 *   The NIC's redirection table.
 * @param local_addr
 *   Our address, host byte order.
 * @param remote_addr
 *   The peer's address, host byte order.
 * @param remote_port
 *   The peer's port, host byte order.
 * @param want_queue
 *   RX queue the replies must reach.
 * @param lo
 *   Lowest acceptable source port, host byte order.
 * @param hi
 *   Highest acceptable source port, host byte order; lo ≤ hi.
 * @param start
 *   First port to try, e.g. a per-lcore rotating cursor.
 * @param busy
 *   Optional predicate rejecting ports already used for this 4-tuple; NULL
 *   accepts every port.
 * @param busy_arg
 *   Passed to @p busy unchanged.
 * @param[out] sport
 *   The chosen port, host byte order; written only on success.
 * @return
 *   0 on success; -EINVAL if @p reta or @p sport is NULL, the RETA size is
 *   not a power of two in [1, DRV_RSS_RETA_MAX], or @p lo > @p hi;
 *   -EADDRNOTAVAIL if no port in the range qualifies.
 */
int drv_rss_pick_sport(const uint8_t *key, size_t key_len, const struct drv_rss_reta *reta,
		       uint32_t local_addr, uint32_t remote_addr, uint16_t remote_port,
		       uint16_t want_queue, uint16_t lo, uint16_t hi, uint16_t start,
		       drv_rss_port_busy_fn *busy, void *busy_arg, uint16_t *sport);

#endif /* DRIVERS_RSS_H */
