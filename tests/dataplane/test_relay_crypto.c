/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * @brief CUnit suite "dataplane/relay_crypto": tor1 relay crypto (tor-spec.txt §5.5, §6.1).
 *
 * Lives with the dataplane tests because dataplane objects link only into
 * the dp runner; it needs no EAL.
 *
 * Every test runs twice: suite "dataplane/relay_crypto" on the path
 * dp_rc_lib_init() chose (AES-NI on any CPU that has it) and
 * "dataplane/relay_crypto_evp" with the lib forced to the OpenSSL EVP
 * fallback (struct dp_rc_lib.aesni cleared before dp_rc_alloc()), so both
 * paths meet the same vectors. The AES stream is also checked against NIST
 * SP 800-38A F.5.1 and against OpenSSL's own AES-128-CTR over one buffer,
 * fed in pieces of odd lengths (relay_crypto_int.h).
 *
 * Every expected value below was computed independently, with python3's
 * `cryptography` (AES-128-CTR, nonce = 16 zero bytes) and hashlib (SHA-1
 * running digests, SHA-256 fingerprints), by the script quoted at the end
 * of this comment. The test never runs python. A "wire" vector is the
 * SHA-256 of the 509 bytes a cell has on the link; a "digest" vector is the
 * 4-byte digest field the sender wrote (tor-spec.txt §6.1).
 *
 * Key material (72 bytes, Df Db Kf Kb, §5.2): keys(a, b)[i] = (a + i*b) & 0xff;
 * A = keys(1, 7), B = keys(0xa5, 13), C = keys(0x3c, 29).
 * Cells: plain() below, mirrored from the script: a RELAY_DATA header, data
 * bytes (seed + k*31), four zero bytes, then non-zero padding (i*13 + seed),
 * so that the digest provably covers the padding too.
 *
 * @code{.py}
 * import hashlib
 * from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
 *
 * def keys(a, b):
 *     return bytes((a + i * b) & 0xff for i in range(72))
 *
 * class Dir:
 *     def __init__(s, k, seed):
 *         e = Cipher(algorithms.AES(k), modes.CTR(bytes(16))).encryptor()
 *         s.ks = e.update(bytes(509 * 400))
 *         s.off = 0
 *         s.h = hashlib.sha1(seed)
 *     def crypt(s, p):
 *         out = bytes(x ^ y for x, y in zip(p, s.ks[s.off:s.off + 509]))
 *         s.off += 509
 *         return out
 *     def dset(s, p):
 *         s.h.update(p)
 *         return p[:5] + s.h.digest()[:4] + p[9:]
 *     def dcheck(s, p):
 *         if p[1:3] != bytes(2):
 *             return False
 *         t = s.h.copy()
 *         t.update(p[:5] + bytes(4) + p[9:])
 *         if t.digest()[:4] != p[5:9]:
 *             return False
 *         s.h = t
 *         return True
 *     def peek(s, p):
 *         t = s.h.copy()
 *         t.update(p)
 *         return t.digest()[:4]
 *
 * def hop(k):
 *     return Dir(k[40:56], k[0:20]), Dir(k[56:72], k[20:40])
 *
 * def plain(cmd, stream, n, seed, recog=0):
 *     p = bytearray(509)
 *     p[0] = cmd
 *     p[1:3] = recog.to_bytes(2, 'big')
 *     p[3:5] = stream.to_bytes(2, 'big')
 *     p[9:11] = n.to_bytes(2, 'big')
 *     for k in range(n):
 *         p[11 + k] = (seed + k * 31) & 0xff
 *     for i in range(11 + n + 4, 509):
 *         p[i] = (i * 13 + seed) & 0xff
 *     return bytes(p)
 *
 * def cell(i, seed):
 *     return plain(2, 1 + i, (i * 97 + seed) % 499, seed)
 *
 * def sha(b):
 *     return hashlib.sha256(b).digest()
 *
 * def c(name, b):
 *     print('%s = %s' % (name, b.hex()))
 *
 * KA, KB, KC = keys(1, 7), keys(0xa5, 13), keys(0x3c, 29)
 *
 * # S1/S2: five cells each way, one hop, keys A (and B for the re-key test)
 * for nm, K in (('A', KA), ('B', KB)):
 *     f, b = hop(K)
 *     for i in range(5):
 *         w = f.crypt(f.dset(cell(i, i)))
 *         c('fwd_%s[%d].digest' % (nm, i), f.h.digest()[:4])
 *         c('fwd_%s[%d].wire' % (nm, i), sha(w))
 *     for i in range(5):
 *         w = b.crypt(b.dset(cell(i, 100 + i)))
 *         c('bwd_%s[%d].digest' % (nm, i), b.h.digest()[:4])
 *         c('bwd_%s[%d].wire' % (nm, i), sha(w))
 *
 * # S3: forward, recognized 0 but digest de ad be ef (for a later hop)
 * f, b = hop(KA)
 * w0 = f.crypt(f.dset(cell(0, 10)))
 * bad = bytearray(cell(1, 11)); bad[5:9] = bytes.fromhex('deadbeef')
 * w1 = f.crypt(bytes(bad))
 * w2 = f.crypt(f.dset(cell(2, 12)))
 * for i, w in enumerate((w0, w1, w2)): c('notme[%d].wire' % i, sha(w))
 *
 * # S4: forward, recognized 1 with the digest it would have if recognized were ignored
 * f, b = hop(KA)
 * w0 = f.crypt(f.dset(cell(0, 20)))
 * p = plain(2, 2, 40, 21, recog=1)
 * dg = f.peek(p)
 * w1 = f.crypt(p[:5] + dg + p[9:])
 * w2 = f.crypt(f.dset(cell(2, 22)))
 * c('recog_nz.digest', dg)
 * for i, w in enumerate((w0, w1, w2)): c('recog_nz[%d].wire' % i, sha(w))
 *
 * # S6: backward at a relay: originate, relay an opaque payload, originate
 * f, b = hop(KA)
 * w0 = b.crypt(b.dset(cell(0, 30)))
 * w1 = b.crypt(cell(1, 31))
 * w2 = b.crypt(b.dset(cell(2, 32)))
 * for i, w in enumerate((w0, w1, w2)): c('bwd_relay[%d].wire' % i, sha(w))
 *
 * # S7: continuity, 100 cells each way, keys A
 * f, b = hop(KA)
 * hf, hb = hashlib.sha256(), hashlib.sha256()
 * for i in range(100):
 *     hf.update(f.crypt(f.dset(cell(i, i & 0xff))))
 *     hb.update(b.crypt(b.dset(cell(i, (i + 128) & 0xff))))
 * c('many.fwd_wire', hf.digest()); c('many.fwd_digest', f.h.digest()[:4])
 * c('many.bwd_wire', hb.digest()); c('many.bwd_digest', b.h.digest()[:4])
 *
 * # S9: three hops A, B, C; the client's and each relay's state
 * cl = [hop(K) for K in (KA, KB, KC)]
 * rl = [hop(K) for K in (KA, KB, KC)]
 * for n, t in enumerate((3, 1, 2, 3, 3, 2, 1, 3)):
 *     w = cl[t - 1][0].dset(cell(n, 50 + n))
 *     for j in range(t - 1, -1, -1):
 *         w = cl[j][0].crypt(w)
 *     c('path_fwd[%d].wire' % n, sha(w))
 *     for j in range(3):
 *         w = rl[j][0].crypt(w)
 *         if rl[j][0].dcheck(w):
 *             assert j == t - 1
 *             break
 *     else:
 *         assert False
 * for n, t in enumerate((3, 2, 1, 3, 2)):
 *     w = rl[t - 1][1].dset(cell(n, 70 + n))
 *     for j in range(t - 1, -1, -1):
 *         w = rl[j][1].crypt(w)
 *     c('path_bwd[%d].wire' % n, sha(w))
 *     for j in range(3):
 *         w = cl[j][1].crypt(w)
 *         if cl[j][1].dcheck(w):
 *             assert j == t - 1
 *             break
 *     else:
 *         assert False
 *
 * # Raw keystream of Kf (keys A): cell 0 bytes 0..31 and cell 1 bytes 0..31
 * # (stream bytes 509..540: block 31 from its 14th byte, then 32 and 33).
 * f, b = hop(KA)
 * c('ks_A_fwd.cell0', f.ks[0:32]); c('ks_A_fwd.cell1', f.ks[509:541])
 * c('ks_A_bwd.cell0', b.ks[0:32])
 * @endcode
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <CUnit/CUnit.h>

#include "common/base/compiler.h"
#include "common/wire/wire_relay.h"
#include "dataplane/cell/relay_crypto.h"
#include "dataplane/cell/relay_crypto_int.h"
#include "tests/suites.h"

#define NHOPS 3
#define FP_LEN 32 /* SHA-256 fingerprint of a wire cell */

/* tor-spec.txt §0.3: the relay AES stream's IV, all zero. */
static const uint8_t rc_zero16[16];

/* One cell's expected values: the digest field its sender wrote (when it
 * originated the cell) and the fingerprint of its bytes on the link. */
struct rc_vec {
	uint8_t digest[4];
	uint8_t wire[FP_LEN];
};

static const struct rc_vec fwd_a[5] = {
	{
		.digest = { 0xfb, 0xa9, 0x3c, 0x1d },
		.wire = {
			0xa1, 0x92, 0x5a, 0x30, 0x9f, 0xa1, 0x12, 0xd2, 0xed, 0x0a, 0xb9, 0xa7,
			0xdb, 0x5e, 0x01, 0x66, 0xb3, 0x6f, 0x17, 0x62, 0x8e, 0x7c, 0x07, 0xe2,
			0x63, 0xf2, 0xe7, 0x3f, 0xbc, 0xd3, 0x94, 0xc1,
		},
	},
	{
		.digest = { 0x61, 0xf6, 0xd9, 0xbe },
		.wire = {
			0x0a, 0x0a, 0xf3, 0x2a, 0x0b, 0x7c, 0x18, 0x0f, 0xa5, 0xcf, 0xd2, 0xf4,
			0x37, 0xee, 0x87, 0x4e, 0xbc, 0x16, 0x39, 0xbe, 0x11, 0xf0, 0x49, 0x81,
			0x20, 0xc9, 0x18, 0x22, 0xd2, 0x25, 0x5e, 0x12,
		},
	},
	{
		.digest = { 0x24, 0x8c, 0xbf, 0x0b },
		.wire = {
			0x62, 0xb7, 0xc4, 0xda, 0x1a, 0xc5, 0x5d, 0x3a, 0xe4, 0xca, 0x53, 0xfc,
			0xa1, 0x16, 0xf7, 0x14, 0xdd, 0x5f, 0x81, 0xe4, 0xe8, 0xa8, 0xb4, 0xc2,
			0x5b, 0x30, 0x4c, 0xb8, 0x53, 0x7e, 0xc7, 0x80,
		},
	},
	{
		.digest = { 0x67, 0xb5, 0x8d, 0xdb },
		.wire = {
			0x76, 0xbd, 0xb6, 0xa6, 0xfc, 0x24, 0x23, 0xd4, 0x55, 0x39, 0x41, 0xd5,
			0x61, 0x23, 0xd3, 0xc5, 0xa1, 0xca, 0x70, 0x4c, 0x74, 0xac, 0x3a, 0xb5,
			0x13, 0x69, 0x7b, 0x53, 0x0f, 0x9f, 0x19, 0xa6,
		},
	},
	{
		.digest = { 0x7d, 0xd3, 0xed, 0xc4 },
		.wire = {
			0xc8, 0xa9, 0xbe, 0x24, 0xad, 0x29, 0xb8, 0x3b, 0x26, 0xf2, 0x5e, 0xeb,
			0x2b, 0x6c, 0x2f, 0xd8, 0xfe, 0x22, 0xe4, 0xc4, 0xfa, 0xe6, 0x5a, 0xac,
			0xfe, 0xb5, 0x3a, 0x73, 0xd6, 0xc6, 0x05, 0x95,
		},
	},
};

static const struct rc_vec bwd_a[5] = {
	{
		.digest = { 0x13, 0x91, 0x0a, 0x5d },
		.wire = {
			0x27, 0x84, 0xba, 0xbd, 0x7c, 0x46, 0x45, 0x5b, 0x1f, 0x37, 0x14, 0x46,
			0xe2, 0x1f, 0x6c, 0x10, 0xcc, 0xec, 0xde, 0xb1, 0x4f, 0x71, 0x21, 0xe0,
			0xfd, 0x43, 0x17, 0x9e, 0xc3, 0xf5, 0x86, 0x72,
		},
	},
	{
		.digest = { 0xfb, 0xc3, 0x21, 0x9d },
		.wire = {
			0xb4, 0xbc, 0x1c, 0xe3, 0x4a, 0x6d, 0x00, 0xbe, 0xcc, 0x1a, 0x19, 0xa6,
			0x72, 0x79, 0x15, 0x98, 0xf7, 0x1c, 0x61, 0x95, 0x23, 0xa6, 0xec, 0xec,
			0xff, 0x32, 0xba, 0xa5, 0x45, 0x3a, 0xc3, 0x2d,
		},
	},
	{
		.digest = { 0x8f, 0x13, 0x9a, 0x7c },
		.wire = {
			0xde, 0x1c, 0x35, 0x28, 0x8a, 0x88, 0x1d, 0xeb, 0x85, 0x50, 0x13, 0x69,
			0x91, 0x72, 0xec, 0xe2, 0x03, 0xd3, 0x38, 0xa0, 0x35, 0x6d, 0x22, 0xcb,
			0xdf, 0x88, 0x64, 0x0f, 0xaa, 0xa4, 0x04, 0xc1,
		},
	},
	{
		.digest = { 0xb3, 0xc4, 0x5e, 0xf1 },
		.wire = {
			0x7d, 0x70, 0x03, 0xaa, 0x87, 0xd9, 0x36, 0x7e, 0x20, 0xdd, 0xa4, 0x35,
			0x15, 0x64, 0xab, 0xc0, 0xfe, 0x14, 0xed, 0x8c, 0x8c, 0x5d, 0x19, 0x54,
			0x95, 0x3c, 0xa2, 0x4c, 0xa5, 0x62, 0x77, 0x84,
		},
	},
	{
		.digest = { 0x33, 0x4d, 0xf2, 0xf5 },
		.wire = {
			0x67, 0xf7, 0x86, 0x13, 0x49, 0xd1, 0x91, 0x09, 0xa0, 0x73, 0xe9, 0x57,
			0x1e, 0x8b, 0x09, 0x87, 0xab, 0x3f, 0x61, 0x20, 0x35, 0x37, 0x66, 0xce,
			0xe0, 0xe7, 0x4a, 0xc6, 0x6d, 0x65, 0x10, 0xe1,
		},
	},
};

static const struct rc_vec fwd_b[5] = {
	{
		.digest = { 0xd3, 0x0a, 0xf0, 0x0c },
		.wire = {
			0xcf, 0x36, 0xda, 0xf0, 0xb7, 0x7d, 0xd1, 0x68, 0xe8, 0xa1, 0x91, 0x1c,
			0xe9, 0x48, 0xd5, 0xc8, 0x58, 0xc4, 0xfe, 0x76, 0x9e, 0x25, 0x85, 0xe2,
			0x74, 0xbb, 0x24, 0x25, 0xe3, 0x18, 0x60, 0xda,
		},
	},
	{
		.digest = { 0x05, 0x92, 0x2f, 0xc1 },
		.wire = {
			0xbf, 0x82, 0xc6, 0x1b, 0xcd, 0x4b, 0x9f, 0x82, 0x53, 0xe6, 0xf8, 0xeb,
			0x4e, 0x3b, 0xc9, 0x97, 0x64, 0x6b, 0x2d, 0xdc, 0xb7, 0x24, 0x49, 0xec,
			0xe5, 0x0a, 0x65, 0x88, 0x0b, 0xa1, 0x3c, 0x63,
		},
	},
	{
		.digest = { 0xd6, 0xfe, 0xdd, 0xd2 },
		.wire = {
			0x70, 0x4a, 0x1f, 0x28, 0x24, 0xfc, 0x93, 0xf6, 0xf7, 0x4c, 0xe9, 0xc7,
			0xee, 0x6e, 0xde, 0xeb, 0xe6, 0xa4, 0x88, 0x09, 0x05, 0xd6, 0x7c, 0x02,
			0xe6, 0xd0, 0x6a, 0x75, 0x05, 0x0b, 0x6b, 0xdd,
		},
	},
	{
		.digest = { 0x7e, 0xb3, 0xe8, 0x6d },
		.wire = {
			0xcc, 0x69, 0xe0, 0x55, 0x92, 0x24, 0xc6, 0xce, 0xfc, 0xed, 0x50, 0x49,
			0x07, 0xeb, 0x2c, 0x15, 0x52, 0x39, 0x4c, 0xb5, 0x39, 0x07, 0x07, 0x25,
			0x32, 0x7d, 0x68, 0xd8, 0x17, 0x82, 0x7e, 0xb8,
		},
	},
	{
		.digest = { 0x89, 0xe0, 0x54, 0x30 },
		.wire = {
			0x2b, 0xac, 0xf6, 0xee, 0xee, 0x3e, 0xf0, 0xc8, 0x51, 0xf2, 0x27, 0xad,
			0x92, 0xa9, 0x40, 0x7f, 0xb6, 0x85, 0xcf, 0xe2, 0x04, 0x2e, 0x2a, 0x9b,
			0x44, 0xc1, 0x0b, 0x86, 0x78, 0xc2, 0x49, 0xc4,
		},
	},
};

static const struct rc_vec bwd_b[5] = {
	{
		.digest = { 0xa8, 0xf8, 0x90, 0x42 },
		.wire = {
			0x95, 0xd5, 0x1d, 0xdd, 0x79, 0x87, 0xac, 0xd2, 0xed, 0xcb, 0x16, 0xae,
			0x33, 0x1b, 0xc7, 0x78, 0xea, 0xa9, 0x9a, 0x4d, 0xc0, 0x5c, 0xd8, 0x1c,
			0xd2, 0x1b, 0x79, 0x39, 0xce, 0xdb, 0x26, 0x9c,
		},
	},
	{
		.digest = { 0x8f, 0x9c, 0x5f, 0xe0 },
		.wire = {
			0xef, 0xdd, 0xec, 0x33, 0xec, 0x75, 0xa0, 0xbc, 0x85, 0x0d, 0x48, 0xe2,
			0x53, 0x7a, 0x86, 0xc3, 0x53, 0xa5, 0x5d, 0xfa, 0x88, 0x53, 0xa4, 0x3d,
			0x23, 0x47, 0x90, 0x02, 0x14, 0x70, 0x3f, 0x20,
		},
	},
	{
		.digest = { 0xcc, 0xe8, 0xa6, 0x30 },
		.wire = {
			0x7e, 0xe6, 0xe2, 0xef, 0xcb, 0xf9, 0x5f, 0x43, 0x97, 0x17, 0x15, 0x37,
			0x73, 0xfe, 0xcf, 0xae, 0xc6, 0x04, 0xa4, 0x78, 0x86, 0x63, 0x08, 0x03,
			0x0d, 0x19, 0x21, 0xe9, 0xd2, 0x9c, 0x0e, 0xd5,
		},
	},
	{
		.digest = { 0x48, 0xf1, 0x98, 0x8e },
		.wire = {
			0xf0, 0x5c, 0xed, 0x83, 0x61, 0xf1, 0x97, 0x8e, 0xc2, 0x5e, 0x1a, 0x9b,
			0xb2, 0xca, 0xbe, 0x40, 0xf6, 0x9e, 0xc0, 0x7f, 0xb4, 0x7b, 0x34, 0xc3,
			0x03, 0x41, 0x79, 0x4b, 0x21, 0xe3, 0x0a, 0xeb,
		},
	},
	{
		.digest = { 0xab, 0x32, 0x2e, 0x93 },
		.wire = {
			0x8d, 0xce, 0xd4, 0x3e, 0x08, 0xc7, 0x0b, 0x5c, 0x79, 0xae, 0xac, 0x59,
			0x87, 0xd1, 0x7a, 0x8c, 0x2b, 0x8f, 0xa6, 0x39, 0x0a, 0x06, 0x82, 0x38,
			0x9c, 0xdb, 0x43, 0xd9, 0xee, 0xb9, 0x1e, 0xff,
		},
	},
};

static const struct rc_vec notme[3] = {
	{
		.wire = {
			0xbf, 0xe2, 0xec, 0xdc, 0xc3, 0x42, 0xad, 0xe7, 0x5c, 0x8e, 0x0f, 0xaf,
			0x17, 0xab, 0x51, 0x74, 0x52, 0x21, 0xa4, 0xa9, 0x30, 0x7a, 0x54, 0x8f,
			0x90, 0xb5, 0xea, 0xe7, 0x49, 0x2d, 0x0a, 0x9a,
		},
	},
	{
		.wire = {
			0x66, 0xea, 0x17, 0xbc, 0xfd, 0x58, 0x5d, 0xb8, 0x99, 0x9c, 0xd0, 0xd8,
			0x03, 0x13, 0xde, 0xac, 0xed, 0xb7, 0xd2, 0xf0, 0xd5, 0x83, 0x73, 0xa6,
			0x90, 0x92, 0x05, 0xcc, 0x15, 0x97, 0x68, 0xed,
		},
	},
	{
		.wire = {
			0x83, 0x4b, 0xd2, 0x7c, 0x74, 0xb7, 0x2e, 0x44, 0x3c, 0x13, 0xc8, 0x98,
			0x14, 0xe1, 0x63, 0x72, 0x93, 0x15, 0xc1, 0x22, 0xf1, 0x63, 0xe3, 0x3c,
			0xe3, 0xc4, 0xe6, 0x1b, 0xa6, 0xab, 0xe7, 0x85,
		},
	},
};

static const struct rc_vec recog_nz[3] = {
	{
		.wire = {
			0xe6, 0xcf, 0xaf, 0x44, 0x7b, 0x9f, 0x74, 0x7f, 0x19, 0xae, 0x24, 0x17,
			0x49, 0x9c, 0x01, 0x64, 0xee, 0x39, 0x81, 0xba, 0x8b, 0x49, 0xa2, 0xb8,
			0xa1, 0xb9, 0x75, 0x24, 0x9a, 0x2e, 0x7d, 0x5f,
		},
	},
	{
		.wire = {
			0x97, 0xde, 0x3d, 0xe3, 0x76, 0x1d, 0xb0, 0x92, 0x86, 0x7e, 0x62, 0xaa,
			0xaa, 0x60, 0x3b, 0x50, 0xbd, 0xa5, 0xee, 0x14, 0xdc, 0x5d, 0x94, 0x0b,
			0xe1, 0xdd, 0xd1, 0x9e, 0x2c, 0x24, 0x95, 0x56,
		},
	},
	{
		.wire = {
			0x9b, 0x5c, 0x80, 0x55, 0x13, 0x58, 0x8b, 0x39, 0xda, 0xea, 0x1c, 0x3a,
			0x0f, 0x6a, 0x8d, 0xc7, 0xda, 0xe0, 0xc4, 0x73, 0xd4, 0x71, 0x7a, 0x58,
			0x3b, 0x58, 0x31, 0x85, 0xc1, 0x86, 0x76, 0x5e,
		},
	},
};

static const struct rc_vec bwd_relay[3] = {
	{
		.wire = {
			0xad, 0x20, 0xa9, 0xb8, 0xc4, 0x7f, 0x86, 0xce, 0x2a, 0x9e, 0xd3, 0xa2,
			0x83, 0xae, 0xca, 0x32, 0xcc, 0xaa, 0x9c, 0xfe, 0x4c, 0xe8, 0x04, 0xba,
			0x15, 0x6d, 0xd5, 0x98, 0x40, 0x7b, 0x2a, 0x20,
		},
	},
	{
		.wire = {
			0x2c, 0x1b, 0x4e, 0x73, 0x1e, 0x8b, 0xad, 0x85, 0xce, 0x23, 0xac, 0x61,
			0x88, 0x28, 0xae, 0xd0, 0x05, 0x75, 0x40, 0x76, 0x19, 0x46, 0x33, 0xaa,
			0x2d, 0x16, 0x36, 0xbd, 0x55, 0x6b, 0x3d, 0xd6,
		},
	},
	{
		.wire = {
			0xd2, 0x97, 0x25, 0xb9, 0x3f, 0xd5, 0xbc, 0x05, 0xbf, 0xf5, 0xf3, 0xc7,
			0x97, 0xb6, 0x83, 0x74, 0x28, 0x4e, 0x34, 0xdf, 0xa5, 0x8d, 0xf6, 0xb1,
			0x06, 0x9e, 0x3d, 0xc4, 0x3d, 0x33, 0x30, 0x89,
		},
	},
};

static const struct rc_vec path_fwd[8] = {
	{
		.wire = {
			0x1d, 0x3a, 0x1b, 0x92, 0xc3, 0x58, 0x1c, 0x3b, 0x73, 0x50, 0x74, 0x6c,
			0xbe, 0x9d, 0xac, 0x6c, 0x11, 0xde, 0xc2, 0xd4, 0x2a, 0xae, 0x28, 0x56,
			0x3e, 0xce, 0x56, 0xc3, 0x11, 0x7f, 0xdf, 0x7f,
		},
	},
	{
		.wire = {
			0xf8, 0x1e, 0xb5, 0x6b, 0x26, 0xfd, 0xa6, 0x82, 0xcc, 0xe4, 0x0f, 0x4d,
			0x3a, 0x65, 0x22, 0x71, 0xc4, 0x59, 0xb5, 0x33, 0x5f, 0x35, 0xc7, 0xe0,
			0xdf, 0x10, 0x81, 0xc2, 0x55, 0x16, 0xc4, 0x14,
		},
	},
	{
		.wire = {
			0x65, 0xda, 0x9e, 0x37, 0xfe, 0x84, 0x9d, 0xb2, 0xd7, 0x63, 0x29, 0x1f,
			0x71, 0xaf, 0x64, 0x3c, 0x00, 0xfb, 0x8b, 0x19, 0x5f, 0xb7, 0xe6, 0xd7,
			0xc1, 0xbf, 0x20, 0x79, 0xcb, 0xd7, 0x61, 0x31,
		},
	},
	{
		.wire = {
			0xec, 0x39, 0x08, 0x20, 0xc6, 0x40, 0x31, 0xab, 0x1e, 0xf6, 0x3f, 0x74,
			0x35, 0x20, 0xe7, 0x3f, 0x57, 0x6d, 0xcc, 0xd5, 0x85, 0x8a, 0xea, 0x4a,
			0x28, 0x71, 0xec, 0xc3, 0xd8, 0x8d, 0x24, 0x84,
		},
	},
	{
		.wire = {
			0xca, 0x31, 0xe3, 0xe2, 0xfc, 0x13, 0xe2, 0xbf, 0x1a, 0x9a, 0x21, 0x2b,
			0x07, 0x5d, 0x0c, 0xfe, 0x5a, 0xcb, 0x30, 0x67, 0x5e, 0x08, 0x66, 0x12,
			0x0e, 0x79, 0xb2, 0x9d, 0x11, 0x0a, 0x8b, 0x04,
		},
	},
	{
		.wire = {
			0x5b, 0xda, 0xc6, 0x60, 0x60, 0x07, 0x70, 0x1b, 0x4f, 0xc0, 0x6d, 0xa1,
			0x83, 0xdf, 0x2a, 0xeb, 0x19, 0x4c, 0xac, 0x5c, 0x3a, 0xcc, 0xb0, 0x72,
			0xfd, 0x01, 0xd1, 0xf7, 0xe1, 0x44, 0x8b, 0xb4,
		},
	},
	{
		.wire = {
			0x37, 0x57, 0x12, 0x3c, 0x7b, 0xd9, 0x09, 0x71, 0xd8, 0xad, 0x04, 0x0f,
			0xdb, 0xe0, 0x65, 0x87, 0x78, 0x54, 0xcb, 0x0f, 0x0d, 0x2a, 0xa6, 0x6e,
			0x07, 0xb9, 0x75, 0xc9, 0xb4, 0x50, 0x95, 0x3b,
		},
	},
	{
		.wire = {
			0xb8, 0x3c, 0x4a, 0x10, 0x82, 0xfd, 0x8a, 0xed, 0xb8, 0x86, 0x3f, 0x2c,
			0xde, 0x07, 0x40, 0xff, 0xad, 0xf6, 0x2f, 0x69, 0x4f, 0x68, 0x20, 0x8a,
			0xcf, 0xbb, 0x8e, 0x88, 0x5d, 0x38, 0x39, 0x43,
		},
	},
};

static const struct rc_vec path_bwd[5] = {
	{
		.wire = {
			0xe8, 0xcf, 0x18, 0xb0, 0xc0, 0x2b, 0x2f, 0x9f, 0x3e, 0x86, 0x9f, 0xd1,
			0xeb, 0xe2, 0x06, 0xad, 0xa6, 0x7c, 0x72, 0xb4, 0x01, 0xf8, 0x1f, 0x32,
			0x5d, 0xb6, 0xc7, 0x93, 0x19, 0xe9, 0x5b, 0x43,
		},
	},
	{
		.wire = {
			0x36, 0x16, 0x95, 0x0e, 0x24, 0x35, 0xa5, 0xf3, 0x5b, 0xc2, 0xd4, 0x64,
			0xd8, 0x46, 0x15, 0x41, 0xfd, 0x88, 0xf5, 0xbb, 0x2c, 0x02, 0x8a, 0xa2,
			0xe3, 0xf2, 0x08, 0x08, 0x21, 0x78, 0x95, 0xf1,
		},
	},
	{
		.wire = {
			0xa6, 0x43, 0x04, 0x43, 0x4e, 0xe7, 0x73, 0xb7, 0x02, 0x50, 0x1d, 0x90,
			0x68, 0xdb, 0x54, 0xd9, 0xe2, 0xf6, 0x5c, 0x35, 0x96, 0x3f, 0xe6, 0x0a,
			0x8a, 0x33, 0x17, 0x7a, 0x5a, 0x53, 0xc5, 0x87,
		},
	},
	{
		.wire = {
			0x39, 0x67, 0xa5, 0x1e, 0x8e, 0x77, 0xa2, 0xd9, 0xd9, 0xab, 0x4f, 0xc9,
			0xbc, 0x4c, 0x5e, 0x78, 0x23, 0x45, 0x9b, 0x55, 0x7a, 0x03, 0xa5, 0x5f,
			0x16, 0x5d, 0x38, 0xec, 0x6c, 0x95, 0xd2, 0x84,
		},
	},
	{
		.wire = {
			0xbd, 0x2a, 0x5b, 0x6c, 0xc9, 0xf9, 0x9f, 0x40, 0xab, 0xd3, 0x5d, 0xc6,
			0xf6, 0xc3, 0xbf, 0xee, 0x38, 0x0f, 0x99, 0xfa, 0x66, 0x87, 0xf1, 0x0f,
			0x34, 0x99, 0xca, 0x6a, 0x40, 0x40, 0x49, 0x4a,
		},
	},
};

static const uint8_t recog_nz_digest[4] = {
	0x05, 0x58, 0xd3, 0xdf,
};

static const uint8_t many_fwd_wire[32] = {
	0xdc, 0x57, 0x49, 0x1a, 0x4e, 0xcf, 0x29, 0xa4, 0xf6, 0x2d, 0x45, 0x0c,
	0xc4, 0x3a, 0xb8, 0x58, 0x60, 0xd2, 0x67, 0xd5, 0x45, 0x3a, 0x5f, 0x2b,
	0xf4, 0xb9, 0xd9, 0x62, 0x6a, 0xa2, 0xaf, 0x18,
};

static const uint8_t many_fwd_digest[4] = {
	0xa3, 0x4d, 0x6a, 0xd1,
};

static const uint8_t many_bwd_wire[32] = {
	0x3a, 0x80, 0x61, 0xdd, 0xe3, 0xd1, 0x5d, 0x2c, 0xdd, 0xb5, 0xdd, 0x1e,
	0x28, 0xa1, 0x2e, 0xa2, 0x7b, 0x1b, 0x1c, 0x47, 0x12, 0x2b, 0xec, 0x41,
	0x0e, 0xaa, 0x3a, 0xfb, 0x11, 0x5c, 0xe6, 0xf2,
};

static const uint8_t many_bwd_digest[4] = {
	0x11, 0xa8, 0x6f, 0x43,
};

static const uint8_t ks_a_fwd_cell0[32] = {
	0x50, 0xe7, 0xa3, 0xf8, 0x5e, 0x2e, 0x7d, 0x0f, 0xef, 0xa4, 0x78, 0x68,
	0xbc, 0xe0, 0xa3, 0x07, 0x1f, 0xb4, 0xc2, 0x0c, 0x23, 0x8b, 0xb6, 0xa9,
	0x61, 0x08, 0xc1, 0x63, 0xc6, 0x15, 0x6d, 0x4b,
};

static const uint8_t ks_a_fwd_cell1[32] = {
	0xf5, 0x83, 0x96, 0x2e, 0x85, 0xf8, 0xfe, 0xbb, 0xad, 0x26, 0x0b, 0xd5,
	0xd4, 0xde, 0xb1, 0x0f, 0xab, 0x60, 0x54, 0x93, 0x68, 0x4c, 0xab, 0x4f,
	0x02, 0x20, 0x00, 0x56, 0xfe, 0x91, 0xe7, 0xbe,
};

static const uint8_t ks_a_bwd_cell0[32] = {
	0x7c, 0xdb, 0xea, 0x94, 0xfe, 0x8a, 0x34, 0xfb, 0xde, 0xea, 0xb1, 0x57,
	0x9c, 0xbb, 0x37, 0x92, 0xe0, 0x03, 0xf3, 0x4f, 0xea, 0xaa, 0x0d, 0xa8,
	0x08, 0xb4, 0x37, 0x33, 0xf1, 0x97, 0xdd, 0xaa,
};

static struct dp_rc_lib lib;
/* The running suite is the _evp one: lib was forced to the fallback. */
static bool forced_evp;
/* Client-side hop states and the relays' states, hop 1 first. Allocated once
 * for the suite; every test keys the ones it uses, which also exercises
 * re-keying a used context. */
static struct dp_relay_crypto cl[NHOPS];
static struct dp_relay_crypto rl[NHOPS];

/* Set up the suite's states on the path dp_rc_lib_init() chose, or on the
 * EVP fallback when @p force_evp. */
static int
suite_init_path(bool force_evp)
{
	if (dp_rc_lib_init(&lib, NULL) != 0)
		return -1;
	forced_evp = force_evp;
	if (force_evp)
		lib.aesni = false;
	for (int i = 0; i < NHOPS; i++)
		if (dp_rc_alloc(&lib, &cl[i]) != 0 || dp_rc_alloc(&lib, &rl[i]) != 0)
			return -1;
	return 0;
}

static int
suite_init(void)
{
	return suite_init_path(false);
}

static int
suite_init_evp(void)
{
	return suite_init_path(true);
}

static int
suite_fini(void)
{
	for (int i = 0; i < NHOPS; i++) {
		dp_rc_free(&cl[i]);
		dp_rc_free(&rl[i]);
	}
	dp_rc_lib_fini(&lib);
	return 0;
}

/* keys(a, b) of the script: 72 bytes, Df(20) Db(20) Kf(16) Kb(16). */
static void
keys_fill(uint8_t k[DP_RC_KEYS_LEN], uint8_t a, uint8_t b)
{
	for (int i = 0; i < DP_RC_KEYS_LEN; i++)
		k[i] = (uint8_t)(a + i * b);
}

static int
key_pair(struct dp_relay_crypto *rc, uint8_t a, uint8_t b)
{
	uint8_t k[DP_RC_KEYS_LEN];

	keys_fill(k, a, b);
	return dp_rc_set_keys(rc, k);
}

#define KEY_A(rc) key_pair((rc), 1, 7)
#define KEY_B(rc) key_pair((rc), 0xa5, 13)
#define KEY_C(rc) key_pair((rc), 0x3c, 29)

/* plain() of the script: a relay payload (tor-spec.txt §6.1) with digest 0. */
static void
plain(uint8_t p[DP_RC_PAYLOAD_LEN], uint8_t cmd, uint16_t stream, uint16_t n, uint8_t seed,
      uint16_t recog)
{
	memset(p, 0, DP_RC_PAYLOAD_LEN);
	p[WIRE_RELAY_OFF_CMD] = cmd;
	p[WIRE_RELAY_OFF_RECOGNIZED] = (uint8_t)(recog >> 8);
	p[WIRE_RELAY_OFF_RECOGNIZED + 1] = (uint8_t)recog;
	p[WIRE_RELAY_OFF_STREAM_ID] = (uint8_t)(stream >> 8);
	p[WIRE_RELAY_OFF_STREAM_ID + 1] = (uint8_t)stream;
	p[WIRE_RELAY_OFF_LENGTH] = (uint8_t)(n >> 8);
	p[WIRE_RELAY_OFF_LENGTH + 1] = (uint8_t)n;
	for (int k = 0; k < n; k++)
		p[WIRE_RELAY_OFF_DATA + k] = (uint8_t)(seed + k * 31);
	for (int i = WIRE_RELAY_OFF_DATA + n + 4; i < DP_RC_PAYLOAD_LEN; i++)
		p[i] = (uint8_t)(i * 13 + seed);
}

/* cell() of the script: cell @p i of a sequence. */
static void
cell(uint8_t p[DP_RC_PAYLOAD_LEN], int i, uint8_t seed)
{
	uint16_t n = (uint16_t)((i * 97 + seed) % 499);

	plain(p, WIRE_RELAY_CMD_DATA, (uint16_t)(1 + i), n, seed, 0);
}

static bool
wire_is(const uint8_t p[DP_RC_PAYLOAD_LEN], const uint8_t fp[FP_LEN])
{
	uint8_t md[FP_LEN];

	EVP_Digest(p, DP_RC_PAYLOAD_LEN, md, NULL, EVP_sha256(), NULL);
	return memcmp(md, fp, FP_LEN) == 0;
}

static bool
digest_field_is(const uint8_t p[DP_RC_PAYLOAD_LEN], const uint8_t d[4])
{
	return memcmp(p + WIRE_RELAY_OFF_DIGEST, d, 4) == 0;
}

/* Originate: §6.1 digest, then one layer (a relay sending backward, or a
 * client talking to its first hop). */
static void
originate(struct dp_rc_dir *d, uint8_t p[DP_RC_PAYLOAD_LEN])
{
	dp_rc_digest_set(d, p);
	dp_rc_crypt(d, p);
}

/* A relay receiving a cell: one layer off, then the recognized check. */
static bool
receive(struct dp_rc_dir *d, uint8_t p[DP_RC_PAYLOAD_LEN])
{
	dp_rc_crypt(d, p);
	return dp_rc_digest_check(d, p);
}

static bool
same_digest_state(const SHA_CTX *a, const SHA_CTX *b)
{
	return memcmp(a, b, sizeof(*a)) == 0;
}

/* ---- the AES stream ---- */

static void
test_relay_crypto_crypt_is_aes128ctr_iv0_with_one_counter(void)
{
	uint8_t p[DP_RC_PAYLOAD_LEN];

	CU_ASSERT_EQUAL_FATAL(KEY_A(&cl[0]), 0);
	/* Encrypting zeros shows the keystream: Kf from byte 0 ... */
	memset(p, 0, sizeof(p));
	dp_rc_crypt(&cl[0].fwd, p);
	CU_ASSERT_EQUAL(memcmp(p, ks_a_fwd_cell0, sizeof(ks_a_fwd_cell0)), 0);
	/* ... and the next cell from stream byte 509, not from 0 again. */
	memset(p, 0, sizeof(p));
	dp_rc_crypt(&cl[0].fwd, p);
	CU_ASSERT_EQUAL(memcmp(p, ks_a_fwd_cell1, sizeof(ks_a_fwd_cell1)), 0);
	/* Kb is its own stream, also from 0. */
	memset(p, 0, sizeof(p));
	dp_rc_crypt(&cl[0].bwd, p);
	CU_ASSERT_EQUAL(memcmp(p, ks_a_bwd_cell0, sizeof(ks_a_bwd_cell0)), 0);
}

static void
test_relay_crypto_counter_continues_over_100_cells(void)
{
	static uint8_t fw[100][DP_RC_PAYLOAD_LEN], bw[100][DP_RC_PAYLOAD_LEN];
	uint8_t fpf[FP_LEN], fpb[FP_LEN];
	uint8_t last_f[4], last_b[4];

	CU_ASSERT_EQUAL_FATAL(KEY_A(&rl[0]), 0);
	for (int i = 0; i < 100; i++) {
		cell(fw[i], i, (uint8_t)i);
		dp_rc_digest_set(&rl[0].fwd, fw[i]);
		memcpy(last_f, fw[i] + WIRE_RELAY_OFF_DIGEST, 4);
		dp_rc_crypt(&rl[0].fwd, fw[i]);
		cell(bw[i], i, (uint8_t)(i + 128));
		dp_rc_digest_set(&rl[0].bwd, bw[i]);
		memcpy(last_b, bw[i] + WIRE_RELAY_OFF_DIGEST, 4);
		dp_rc_crypt(&rl[0].bwd, bw[i]);
	}
	/* 100 cells of one stream per direction: keystream bytes 0 .. 50899. */
	EVP_Digest(fw, sizeof(fw), fpf, NULL, EVP_sha256(), NULL);
	EVP_Digest(bw, sizeof(bw), fpb, NULL, EVP_sha256(), NULL);
	CU_ASSERT_EQUAL(memcmp(fpf, many_fwd_wire, FP_LEN), 0);
	CU_ASSERT_EQUAL(memcmp(fpb, many_bwd_wire, FP_LEN), 0);
	/* The 100th digest covers Df/Db and all 100 payloads. */
	CU_ASSERT_EQUAL(memcmp(last_f, many_fwd_digest, 4), 0);
	CU_ASSERT_EQUAL(memcmp(last_b, many_bwd_digest, 4), 0);
}

/* ---- one hop, forward (client → relay) ---- */

static void
test_relay_crypto_originate_forward_matches_vectors(void)
{
	uint8_t p[DP_RC_PAYLOAD_LEN];

	CU_ASSERT_EQUAL_FATAL(KEY_A(&cl[0]), 0);
	for (int i = 0; i < 5; i++) {
		cell(p, i, (uint8_t)i);
		dp_rc_digest_set(&cl[0].fwd, p);
		CU_ASSERT_TRUE(digest_field_is(p, fwd_a[i].digest));
		dp_rc_crypt(&cl[0].fwd, p);
		CU_ASSERT_TRUE(wire_is(p, fwd_a[i].wire));
	}
}

static void
test_relay_crypto_forward_recognized_at_this_hop_commits_digest(void)
{
	uint8_t p[DP_RC_PAYLOAD_LEN], want[DP_RC_PAYLOAD_LEN];

	CU_ASSERT_EQUAL_FATAL(KEY_A(&cl[0]), 0);
	CU_ASSERT_EQUAL_FATAL(KEY_A(&rl[0]), 0);
	/* Each cell verifies only if the previous one was committed to Df's
	 * running digest. */
	for (int i = 0; i < 5; i++) {
		cell(p, i, (uint8_t)i);
		originate(&cl[0].fwd, p);
		CU_ASSERT_TRUE(wire_is(p, fwd_a[i].wire));
		CU_ASSERT_TRUE(receive(&rl[0].fwd, p));
		/* The plaintext, with the sender's digest field left in place. */
		cell(want, i, (uint8_t)i);
		memcpy(want + WIRE_RELAY_OFF_DIGEST, fwd_a[i].digest, 4);
		CU_ASSERT_EQUAL(memcmp(p, want, sizeof(p)), 0);
	}
}

static void
test_relay_crypto_forward_not_for_this_hop_leaves_state(void)
{
	static const uint8_t other_hop[4] = { 0xde, 0xad, 0xbe, 0xef };
	uint8_t p0[DP_RC_PAYLOAD_LEN], p1[DP_RC_PAYLOAD_LEN], p2[DP_RC_PAYLOAD_LEN];
	uint8_t want[DP_RC_PAYLOAD_LEN];
	SHA_CTX before;

	CU_ASSERT_EQUAL_FATAL(KEY_A(&cl[0]), 0);
	CU_ASSERT_EQUAL_FATAL(KEY_A(&rl[0]), 0);
	cell(p0, 0, 10);
	originate(&cl[0].fwd, p0);
	/* recognized = 0 but a digest made by someone else: crypt only. */
	cell(p1, 1, 11);
	memcpy(p1 + WIRE_RELAY_OFF_DIGEST, other_hop, 4);
	memcpy(want, p1, sizeof(want));
	dp_rc_crypt(&cl[0].fwd, p1);
	cell(p2, 2, 12);
	originate(&cl[0].fwd, p2);
	CU_ASSERT_TRUE(wire_is(p0, notme[0].wire));
	CU_ASSERT_TRUE(wire_is(p1, notme[1].wire));
	CU_ASSERT_TRUE(wire_is(p2, notme[2].wire));

	CU_ASSERT_TRUE(receive(&rl[0].fwd, p0));
	dp_rc_crypt(&rl[0].fwd, p1);
	CU_ASSERT_TRUE(wire_relay_is_recognized_zero(p1));
	before = rl[0].fwd.digest;
	CU_ASSERT_FALSE(dp_rc_digest_check(&rl[0].fwd, p1));
	CU_ASSERT_TRUE(same_digest_state(&rl[0].fwd.digest, &before));
	/* Left as it came in, to be forwarded: digest field restored. */
	CU_ASSERT_EQUAL(memcmp(p1, want, sizeof(want)), 0);
	/* The next cell for this hop still verifies. */
	CU_ASSERT_TRUE(receive(&rl[0].fwd, p2));
}

static void
test_relay_crypto_recognized_nonzero_skips_digest(void)
{
	struct dp_rc_dir peek;
	uint8_t p0[DP_RC_PAYLOAD_LEN], p1[DP_RC_PAYLOAD_LEN], p2[DP_RC_PAYLOAD_LEN];
	SHA_CTX before;

	CU_ASSERT_EQUAL_FATAL(KEY_A(&cl[0]), 0);
	CU_ASSERT_EQUAL_FATAL(KEY_A(&rl[0]), 0);
	cell(p0, 0, 20);
	originate(&cl[0].fwd, p0);
	/* recognized = 1 with the digest that would match if 'recognized'
	 * were ignored: computed on a copy, so the client's state skips it. */
	plain(p1, WIRE_RELAY_CMD_DATA, 2, 40, 21, 1);
	peek = cl[0].fwd;
	dp_rc_digest_set(&peek, p1);
	CU_ASSERT_TRUE(digest_field_is(p1, recog_nz_digest));
	dp_rc_crypt(&cl[0].fwd, p1);
	cell(p2, 2, 22);
	originate(&cl[0].fwd, p2);
	CU_ASSERT_TRUE(wire_is(p0, recog_nz[0].wire));
	CU_ASSERT_TRUE(wire_is(p1, recog_nz[1].wire));
	CU_ASSERT_TRUE(wire_is(p2, recog_nz[2].wire));

	CU_ASSERT_TRUE(receive(&rl[0].fwd, p0));
	dp_rc_crypt(&rl[0].fwd, p1);
	before = rl[0].fwd.digest;
	CU_ASSERT_FALSE(dp_rc_digest_check(&rl[0].fwd, p1));
	CU_ASSERT_TRUE(same_digest_state(&rl[0].fwd.digest, &before));
	CU_ASSERT_TRUE(receive(&rl[0].fwd, p2));
}

static void
test_relay_crypto_tampered_payload_not_recognized(void)
{
	uint8_t p[DP_RC_PAYLOAD_LEN], want[DP_RC_PAYLOAD_LEN];
	SHA_CTX before;

	CU_ASSERT_EQUAL_FATAL(KEY_A(&cl[0]), 0);
	CU_ASSERT_EQUAL_FATAL(KEY_A(&rl[0]), 0);
	cell(p, 0, 0);
	originate(&cl[0].fwd, p);
	CU_ASSERT_TRUE(wire_is(p, fwd_a[0].wire));
	/* One bit of the data on the link (CTR: the same bit of plaintext). */
	p[WIRE_RELAY_OFF_DATA + 3] ^= 0x10;
	dp_rc_crypt(&rl[0].fwd, p);
	memcpy(want, p, sizeof(want));
	before = rl[0].fwd.digest;
	CU_ASSERT_FALSE(dp_rc_digest_check(&rl[0].fwd, p));
	CU_ASSERT_TRUE(same_digest_state(&rl[0].fwd.digest, &before));
	CU_ASSERT_EQUAL(memcmp(p, want, sizeof(want)), 0);
}

static void
test_relay_crypto_tampered_padding_not_recognized(void)
{
	uint8_t p[DP_RC_PAYLOAD_LEN];

	CU_ASSERT_EQUAL_FATAL(KEY_A(&cl[0]), 0);
	CU_ASSERT_EQUAL_FATAL(KEY_A(&rl[0]), 0);
	cell(p, 0, 0);
	originate(&cl[0].fwd, p);
	/* §6.1: "these digests _do_ include the padding bytes". */
	p[DP_RC_PAYLOAD_LEN - 1] ^= 0x01;
	CU_ASSERT_FALSE(receive(&rl[0].fwd, p));
}

static void
test_relay_crypto_tampered_digest_field_not_recognized(void)
{
	uint8_t p[DP_RC_PAYLOAD_LEN];

	CU_ASSERT_EQUAL_FATAL(KEY_A(&cl[0]), 0);
	CU_ASSERT_EQUAL_FATAL(KEY_A(&rl[0]), 0);
	cell(p, 0, 0);
	originate(&cl[0].fwd, p);
	p[WIRE_RELAY_OFF_DIGEST + 3] ^= 0x80;
	CU_ASSERT_FALSE(receive(&rl[0].fwd, p));
}

/* ---- one hop, backward (relay → client) ---- */

static void
test_relay_crypto_originate_backward_matches_vectors(void)
{
	uint8_t p[DP_RC_PAYLOAD_LEN];

	CU_ASSERT_EQUAL_FATAL(KEY_A(&rl[0]), 0);
	for (int i = 0; i < 5; i++) {
		cell(p, i, (uint8_t)(100 + i));
		dp_rc_digest_set(&rl[0].bwd, p);
		CU_ASSERT_TRUE(digest_field_is(p, bwd_a[i].digest));
		dp_rc_crypt(&rl[0].bwd, p);
		CU_ASSERT_TRUE(wire_is(p, bwd_a[i].wire));
	}
}

static void
test_relay_crypto_backward_recognized_at_client(void)
{
	uint8_t p[DP_RC_PAYLOAD_LEN], want[DP_RC_PAYLOAD_LEN];

	CU_ASSERT_EQUAL_FATAL(KEY_A(&rl[0]), 0);
	CU_ASSERT_EQUAL_FATAL(KEY_A(&cl[0]), 0);
	for (int i = 0; i < 5; i++) {
		cell(p, i, (uint8_t)(100 + i));
		originate(&rl[0].bwd, p);
		CU_ASSERT_TRUE(receive(&cl[0].bwd, p));
		cell(want, i, (uint8_t)(100 + i));
		memcpy(want + WIRE_RELAY_OFF_DIGEST, bwd_a[i].digest, 4);
		CU_ASSERT_EQUAL(memcmp(p, want, sizeof(p)), 0);
	}
}

static void
test_relay_crypto_backward_relay_encrypts_only(void)
{
	uint8_t p0[DP_RC_PAYLOAD_LEN], p1[DP_RC_PAYLOAD_LEN], p2[DP_RC_PAYLOAD_LEN];
	SHA_CTX before;

	CU_ASSERT_EQUAL_FATAL(KEY_A(&rl[0]), 0);
	CU_ASSERT_EQUAL_FATAL(KEY_A(&cl[0]), 0);
	cell(p0, 0, 30);
	originate(&rl[0].bwd, p0);
	/* A cell from the next hop: add our layer, leave Db alone. */
	cell(p1, 1, 31);
	before = rl[0].bwd.digest;
	dp_rc_crypt(&rl[0].bwd, p1);
	CU_ASSERT_TRUE(same_digest_state(&rl[0].bwd.digest, &before));
	cell(p2, 2, 32);
	originate(&rl[0].bwd, p2);
	CU_ASSERT_TRUE(wire_is(p0, bwd_relay[0].wire));
	CU_ASSERT_TRUE(wire_is(p1, bwd_relay[1].wire));
	CU_ASSERT_TRUE(wire_is(p2, bwd_relay[2].wire));

	/* A one-hop client recognizes ours, not the relayed one. */
	CU_ASSERT_TRUE(receive(&cl[0].bwd, p0));
	CU_ASSERT_FALSE(receive(&cl[0].bwd, p1));
	CU_ASSERT_TRUE(receive(&cl[0].bwd, p2));
}

/* ---- three hops: layered encryption (tor-spec.txt §5.5.2.1, §5.5.4) ---- */

static void
key_path(void)
{
	CU_ASSERT_EQUAL_FATAL(KEY_A(&cl[0]), 0);
	CU_ASSERT_EQUAL_FATAL(KEY_B(&cl[1]), 0);
	CU_ASSERT_EQUAL_FATAL(KEY_C(&cl[2]), 0);
	CU_ASSERT_EQUAL_FATAL(KEY_A(&rl[0]), 0);
	CU_ASSERT_EQUAL_FATAL(KEY_B(&rl[1]), 0);
	CU_ASSERT_EQUAL_FATAL(KEY_C(&rl[2]), 0);
}

static void
test_relay_crypto_three_hops_forward_recognized_at_target(void)
{
	static const int target[8] = { 3, 1, 2, 3, 3, 2, 1, 3 };
	uint8_t p[DP_RC_PAYLOAD_LEN], want[DP_RC_PAYLOAD_LEN];

	key_path();
	for (int n = 0; n < 8; n++) {
		int t = target[n] - 1, at = -1;

		/* Client: digest for hop t, then layers t .. 0. */
		cell(p, n, (uint8_t)(50 + n));
		dp_rc_digest_set(&cl[t].fwd, p);
		memcpy(want, p, sizeof(want));
		for (int j = t; j >= 0; j--)
			dp_rc_crypt(&cl[j].fwd, p);
		CU_ASSERT_TRUE(wire_is(p, path_fwd[n].wire));
		/* Relays 1, 2, 3 each take one layer off and check; the first
		 * to recognize it keeps it. At most 3 steps. */
		for (int j = 0; j < NHOPS && at < 0; j++) {
			dp_rc_crypt(&rl[j].fwd, p);
			if (dp_rc_digest_check(&rl[j].fwd, p))
				at = j;
		}
		CU_ASSERT_EQUAL(at, t);
		CU_ASSERT_EQUAL(memcmp(p, want, sizeof(want)), 0);
	}
}

static void
test_relay_crypto_three_hops_backward_recognized_at_origin_layer(void)
{
	static const int origin[5] = { 3, 2, 1, 3, 2 };
	uint8_t p[DP_RC_PAYLOAD_LEN], want[DP_RC_PAYLOAD_LEN];

	key_path();
	for (int n = 0; n < 5; n++) {
		int t = origin[n] - 1, at = -1;

		/* Hop t originates; the hops before it relay (encrypt only). */
		cell(p, n, (uint8_t)(70 + n));
		dp_rc_digest_set(&rl[t].bwd, p);
		memcpy(want, p, sizeof(want));
		for (int j = t; j >= 0; j--)
			dp_rc_crypt(&rl[j].bwd, p);
		CU_ASSERT_TRUE(wire_is(p, path_bwd[n].wire));
		/* Client: "For I=1...N ... Decrypt with Kb_I. If the payload is
		 * recognized ... The sending node is I." At most 3 steps. */
		for (int j = 0; j < NHOPS && at < 0; j++) {
			dp_rc_crypt(&cl[j].bwd, p);
			if (dp_rc_digest_check(&cl[j].bwd, p))
				at = j;
		}
		CU_ASSERT_EQUAL(at, t);
		CU_ASSERT_EQUAL(memcmp(p, want, sizeof(want)), 0);
	}
}

/* ---- the AES stream against references ---- */

/* NIST SP 800-38A F.5.1, CTR-AES128.Encrypt: key, initial counter block,
 * four plaintext blocks and their ciphertext. */
static const uint8_t f51_key[16] = {
	0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6,
	0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c,
};
static const uint8_t f51_ctr[16] = {
	0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7,
	0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd, 0xfe, 0xff,
};
static const uint8_t f51_plain[64] = {
	0x6b, 0xc1, 0xbe, 0xe2, 0x2e, 0x40, 0x9f, 0x96, 0xe9, 0x3d, 0x7e, 0x11, 0x73,
	0x93, 0x17, 0x2a, 0xae, 0x2d, 0x8a, 0x57, 0x1e, 0x03, 0xac, 0x9c, 0x9e, 0xb7,
	0x6f, 0xac, 0x45, 0xaf, 0x8e, 0x51, 0x30, 0xc8, 0x1c, 0x46, 0xa3, 0x5c, 0xe4,
	0x11, 0xe5, 0xfb, 0xc1, 0x19, 0x1a, 0x0a, 0x52, 0xef, 0xf6, 0x9f, 0x24, 0x45,
	0xdf, 0x4f, 0x9b, 0x17, 0xad, 0x2b, 0x41, 0x7b, 0xe6, 0x6c, 0x37, 0x10,
};
static const uint8_t f51_cipher[64] = {
	0x87, 0x4d, 0x61, 0x91, 0xb6, 0x20, 0xe3, 0x26, 0x1b, 0xef, 0x68, 0x64, 0x99,
	0x0d, 0xb6, 0xce, 0x98, 0x06, 0xf6, 0x6b, 0x79, 0x70, 0xfd, 0xff, 0x86, 0x17,
	0x18, 0x7b, 0xb9, 0xff, 0xfd, 0xff, 0x5a, 0xe4, 0xdf, 0x3e, 0xdb, 0xd5, 0xd3,
	0x5e, 0x5b, 0x4f, 0x09, 0x02, 0x0d, 0xb0, 0x3e, 0xab, 0x1e, 0x03, 0x1d, 0xda,
	0x2f, 0xbe, 0x03, 0xd1, 0x79, 0x21, 0x70, 0xa0, 0xf3, 0x00, 0x9c, 0xee,
};

/* Piece lengths fed to one direction in turn: every remainder mod 16, the
 * batch edges of the AES-NI path (127/128/129 bytes = 8 blocks), cells. */
static const size_t piece_len[] = {
	1,   15,   17,	509, 16,  3,   128, 127, 129, 0,  255, 256, 257, 2,    509, 509, 64, 33,
	4,   5,	   6,	7,   8,	  9,   10,  11,	 12,  13, 14,  31,  32,	 1024, 1,   1,	 1,  77,
	509, 1000, 111, 112, 113, 143, 144, 145, 509, 18, 19,  20,  21,	 22,   23,  24,	 25, 26,
};
#define PIECES_MAX 16384

/* OpenSSL's AES-128-CTR over @p len bytes of @p buf in one call: the
 * reference the pieces must add up to. */
static void
evp_ctr_one_shot(const uint8_t key[16], const uint8_t iv[16], uint8_t *buf, size_t len)
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int outl = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(EVP_EncryptInit_ex(c, EVP_aes_128_ctr(), NULL, key, iv), 1);
	CU_ASSERT_EQUAL(EVP_EncryptUpdate(c, buf, &outl, buf, (int)len), 1);
	CU_ASSERT_EQUAL((size_t)outl, len);
	EVP_CIPHER_CTX_free(c);
}

/* Deterministic filler: x[i] = (seed + i * 167) ^ (i >> 8). */
static void
fill(uint8_t *x, size_t len, uint8_t seed)
{
	for (size_t i = 0; i < len; i++)
		x[i] = (uint8_t)((seed + i * 167) ^ (i >> 8));
}

/* Crypt @p len bytes of @p buf through @p d in the pieces of piece_len[],
 * from @p first on, cycling. */
static void
crypt_in_pieces(struct dp_rc_dir *d, uint8_t *buf, size_t len, size_t first)
{
	size_t off = 0;

	for (size_t i = first; off < len; i++) {
		size_t n = piece_len[i % ARRAY_SIZE(piece_len)];

		if (n > len - off)
			n = len - off;
		dp_rc_dir_crypt(d, buf + off, n);
		off += n;
	}
}

static void
test_relay_crypto_nist_sp800_38a_f51_ctr_aes128(void)
{
	uint8_t p[sizeof(f51_plain)];

	/* Whole, then block by block, then 1 + 63 bytes (a leftover first). */
	CU_ASSERT_EQUAL_FATAL(dp_rc_dir_set_key_iv(&cl[0].fwd, f51_key, f51_ctr), 0);
	memcpy(p, f51_plain, sizeof(p));
	dp_rc_dir_crypt(&cl[0].fwd, p, sizeof(p));
	CU_ASSERT_EQUAL(memcmp(p, f51_cipher, sizeof(p)), 0);

	CU_ASSERT_EQUAL_FATAL(dp_rc_dir_set_key_iv(&cl[0].fwd, f51_key, f51_ctr), 0);
	memcpy(p, f51_plain, sizeof(p));
	for (size_t off = 0; off < sizeof(p); off += 16)
		dp_rc_dir_crypt(&cl[0].fwd, p + off, 16);
	CU_ASSERT_EQUAL(memcmp(p, f51_cipher, sizeof(p)), 0);

	CU_ASSERT_EQUAL_FATAL(dp_rc_dir_set_key_iv(&cl[0].fwd, f51_key, f51_ctr), 0);
	memcpy(p, f51_plain, sizeof(p));
	dp_rc_dir_crypt(&cl[0].fwd, p, 1);
	dp_rc_dir_crypt(&cl[0].fwd, p + 1, sizeof(p) - 1);
	CU_ASSERT_EQUAL(memcmp(p, f51_cipher, sizeof(p)), 0);
	/* Decryption is the same operation. */
	CU_ASSERT_EQUAL_FATAL(dp_rc_dir_set_key_iv(&cl[0].fwd, f51_key, f51_ctr), 0);
	dp_rc_dir_crypt(&cl[0].fwd, p, sizeof(p));
	CU_ASSERT_EQUAL(memcmp(p, f51_plain, sizeof(p)), 0);
}

static void
test_relay_crypto_pieces_equal_one_shot_evp(void)
{
	static uint8_t got[PIECES_MAX], want[PIECES_MAX];
	uint8_t k[DP_RC_KEYS_LEN];

	keys_fill(k, 1, 7);
	/* Start at each piece in turn, so every length meets every phase of
	 * the 16-byte block. */
	for (size_t first = 0; first < ARRAY_SIZE(piece_len); first++) {
		fill(want, sizeof(want), (uint8_t)first);
		memcpy(got, want, sizeof(got));
		evp_ctr_one_shot(k + DP_RC_OFF_KF, rc_zero16, want, sizeof(want));
		CU_ASSERT_EQUAL_FATAL(KEY_A(&cl[0]), 0);
		crypt_in_pieces(&cl[0].fwd, got, sizeof(got), first);
		CU_ASSERT_EQUAL(memcmp(got, want, sizeof(got)), 0);
	}
}

static void
test_relay_crypto_cells_equal_one_shot_evp(void)
{
	enum { NCELLS = 300 };
	static uint8_t got[NCELLS * DP_RC_PAYLOAD_LEN], want[NCELLS * DP_RC_PAYLOAD_LEN];
	uint8_t k[DP_RC_KEYS_LEN];

	/* 300 cells through dp_rc_crypt() each way: the stream of Kf and Kb
	 * from IV 0, as one 152700-byte AES-128-CTR pass gives it. */
	keys_fill(k, 0x3c, 29);
	CU_ASSERT_EQUAL_FATAL(KEY_C(&rl[1]), 0);
	for (int dir = 0; dir < 2; dir++) {
		struct dp_rc_dir *d = dir == 0 ? &rl[1].fwd : &rl[1].bwd;

		fill(want, sizeof(want), (uint8_t)(0x40 + dir));
		memcpy(got, want, sizeof(got));
		evp_ctr_one_shot(k + (dir == 0 ? DP_RC_OFF_KF : DP_RC_OFF_KB), rc_zero16, want,
				 sizeof(want));
		for (int i = 0; i < NCELLS; i++)
			dp_rc_crypt(d, got + (size_t)i * DP_RC_PAYLOAD_LEN);
		CU_ASSERT_EQUAL(memcmp(got, want, sizeof(got)), 0);
	}
}

static void
test_relay_crypto_counter_carries_like_evp(void)
{
	/* Counters a few blocks short of a 2^64 and of the 2^128 wrap:
	 * OpenSSL carries into (and wraps) the whole 128-bit block. */
	static const uint8_t ivs[3][16] = {
		{ 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfb },
		{ 0x12, 0x34, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe },
		{ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		  0xff, 0xf9 },
	};
	uint8_t got[4096], want[4096];

	for (size_t v = 0; v < ARRAY_SIZE(ivs); v++) {
		for (size_t first = 0; first < 8; first++) {
			fill(want, sizeof(want), (uint8_t)(v * 8 + first));
			memcpy(got, want, sizeof(got));
			evp_ctr_one_shot(f51_key, ivs[v], want, sizeof(want));
			CU_ASSERT_EQUAL_FATAL(dp_rc_dir_set_key_iv(&cl[2].bwd, f51_key, ivs[v]), 0);
			crypt_in_pieces(&cl[2].bwd, got, sizeof(got), first);
			CU_ASSERT_EQUAL(memcmp(got, want, sizeof(got)), 0);
		}
	}
}

static void
test_relay_crypto_aesni_and_evp_paths_agree(void)
{
	static uint8_t a[8192], b[8192];
	struct dp_rc_lib evp_lib;
	struct dp_relay_crypto ni, ev;
	uint8_t k[DP_RC_KEYS_LEN];

	/* One state made by the suite's lib, one by a lib forced to EVP: the
	 * same keys give the same bytes, piece by piece, both ways. */
	CU_ASSERT_EQUAL_FATAL(dp_rc_lib_init(&evp_lib, NULL), 0);
	evp_lib.aesni = false;
	CU_ASSERT_EQUAL_FATAL(dp_rc_alloc(&lib, &ni), 0);
	CU_ASSERT_EQUAL_FATAL(dp_rc_alloc(&evp_lib, &ev), 0);
	CU_ASSERT_PTR_NOT_NULL(ev.fwd.evp);
	CU_ASSERT_EQUAL(ni.fwd.evp == NULL, lib.aesni);
	for (uint8_t seed = 0; seed < 4; seed++) {
		keys_fill(k, (uint8_t)(0x11 * seed + 3), (uint8_t)(2 * seed + 5));
		CU_ASSERT_EQUAL_FATAL(dp_rc_set_keys(&ni, k), 0);
		CU_ASSERT_EQUAL_FATAL(dp_rc_set_keys(&ev, k), 0);
		for (int dir = 0; dir < 2; dir++) {
			fill(a, sizeof(a), seed);
			memcpy(b, a, sizeof(b));
			crypt_in_pieces(dir == 0 ? &ni.fwd : &ni.bwd, a, sizeof(a), seed);
			crypt_in_pieces(dir == 0 ? &ev.fwd : &ev.bwd, b, sizeof(b), seed);
			CU_ASSERT_EQUAL(memcmp(a, b, sizeof(a)), 0);
		}
	}
	dp_rc_free(&ni);
	dp_rc_free(&ev);
	dp_rc_lib_fini(&evp_lib);
}

static void
test_relay_crypto_path_is_the_cpus(void)
{
	/* The default path is AES-NI exactly when the CPU has it; the _evp
	 * suite forces the fallback. Each state says which it is on. */
	for (int i = 0; i < NHOPS; i++) {
		CU_ASSERT_EQUAL(cl[i].fwd.evp == NULL, lib.aesni);
		CU_ASSERT_EQUAL(rl[i].bwd.evp == NULL, lib.aesni);
	}
	if (forced_evp) {
		CU_ASSERT_FALSE(lib.aesni);
	} else {
		CU_ASSERT_EQUAL(lib.aesni,
				__builtin_cpu_supports("aes") && __builtin_cpu_supports("sse4.1"));
	}
}

/* ---- life cycle ---- */

static bool
is_zero(const void *p, size_t len)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < len; i++)
		if (b[i] != 0)
			return false;
	return true;
}

/* The inline AES state of @p d is all zero: no key schedule, counter or
 * keystream left. */
static bool
aes_state_is_zero(const struct dp_rc_dir *d)
{
	return is_zero(d->rk, sizeof(d->rk)) && is_zero(d->ctr, sizeof(d->ctr)) &&
	       is_zero(d->ks, sizeof(d->ks)) && d->ks_left == 0;
}

static void
test_relay_crypto_rekey_reuses_contexts(void)
{
	EVP_CIPHER_CTX *fwd_evp = rl[0].fwd.evp, *bwd_evp = rl[0].bwd.evp;
	uint8_t p[DP_RC_PAYLOAD_LEN];

	CU_ASSERT_EQUAL_FATAL(KEY_A(&rl[0]), 0);
	for (int i = 0; i < 3; i++) {
		cell(p, i, (uint8_t)i);
		originate(&rl[0].fwd, p);
		CU_ASSERT_TRUE(wire_is(p, fwd_a[i].wire));
		cell(p, i, (uint8_t)(100 + i));
		originate(&rl[0].bwd, p);
		CU_ASSERT_TRUE(wire_is(p, bwd_a[i].wire));
	}
	/* 3 cells = 1527 bytes: keystream bytes are pending mid-block. */
	if (lib.aesni) {
		CU_ASSERT_NOT_EQUAL(rl[0].fwd.ks_left, 0);
	}
	/* Mid-stream re-key: both streams restart at 0, digests at Df/Db. */
	CU_ASSERT_EQUAL_FATAL(KEY_B(&rl[0]), 0);
	CU_ASSERT_PTR_EQUAL(rl[0].fwd.evp, fwd_evp);
	CU_ASSERT_PTR_EQUAL(rl[0].bwd.evp, bwd_evp);
	CU_ASSERT_EQUAL(rl[0].fwd.ks_left, 0);
	CU_ASSERT_TRUE(is_zero(rl[0].fwd.ctr, sizeof(rl[0].fwd.ctr)));
	for (int i = 0; i < 5; i++) {
		cell(p, i, (uint8_t)i);
		dp_rc_digest_set(&rl[0].fwd, p);
		CU_ASSERT_TRUE(digest_field_is(p, fwd_b[i].digest));
		dp_rc_crypt(&rl[0].fwd, p);
		CU_ASSERT_TRUE(wire_is(p, fwd_b[i].wire));
		cell(p, i, (uint8_t)(100 + i));
		dp_rc_digest_set(&rl[0].bwd, p);
		CU_ASSERT_TRUE(digest_field_is(p, bwd_b[i].digest));
		dp_rc_crypt(&rl[0].bwd, p);
		CU_ASSERT_TRUE(wire_is(p, bwd_b[i].wire));
	}
}

static void
test_relay_crypto_wipe_clears_digests_and_key_schedules(void)
{
	static const SHA_CTX zero;
	uint8_t p[DP_RC_PAYLOAD_LEN];

	CU_ASSERT_EQUAL_FATAL(KEY_A(&rl[0]), 0);
	memset(p, 0, sizeof(p));
	dp_rc_crypt(&rl[0].fwd, p); /* leaves keystream pending */
	if (lib.aesni) {
		CU_ASSERT_FALSE(is_zero(rl[0].fwd.rk, sizeof(rl[0].fwd.rk)));
		CU_ASSERT_NOT_EQUAL(rl[0].fwd.ks_left, 0);
	}
	dp_rc_wipe(&rl[0]);
	CU_ASSERT_TRUE(same_digest_state(&rl[0].fwd.digest, &zero));
	CU_ASSERT_TRUE(same_digest_state(&rl[0].bwd.digest, &zero));
	CU_ASSERT_TRUE(aes_state_is_zero(&rl[0].fwd));
	CU_ASSERT_TRUE(aes_state_is_zero(&rl[0].bwd));
	/* The fallback keeps its contexts (re-keyed with the zero key). */
	CU_ASSERT_EQUAL(rl[0].fwd.evp != NULL, !lib.aesni);
	CU_ASSERT_EQUAL(rl[0].bwd.evp != NULL, !lib.aesni);
}

static void
test_relay_crypto_wipe_replaces_key(void)
{
	uint8_t p[DP_RC_PAYLOAD_LEN];

	CU_ASSERT_EQUAL_FATAL(KEY_A(&rl[0]), 0);
	dp_rc_wipe(&rl[0]);
	/* Kf is gone: the stream is no longer Kf's from counter 0. */
	memset(p, 0, sizeof(p));
	dp_rc_crypt(&rl[0].fwd, p);
	CU_ASSERT_NOT_EQUAL(memcmp(p, ks_a_fwd_cell0, sizeof(ks_a_fwd_cell0)), 0);
}

static void
test_relay_crypto_set_keys_after_wipe_gives_vectors(void)
{
	uint8_t p[DP_RC_PAYLOAD_LEN];

	CU_ASSERT_EQUAL_FATAL(KEY_A(&rl[0]), 0);
	dp_rc_wipe(&rl[0]);
	CU_ASSERT_EQUAL_FATAL(KEY_A(&rl[0]), 0);
	cell(p, 0, 0);
	dp_rc_digest_set(&rl[0].fwd, p);
	CU_ASSERT_TRUE(digest_field_is(p, fwd_a[0].digest));
	dp_rc_crypt(&rl[0].fwd, p);
	CU_ASSERT_TRUE(wire_is(p, fwd_a[0].wire));
}

static void
test_relay_crypto_alloc_then_free_clears_contexts(void)
{
	struct dp_relay_crypto rc;

	CU_ASSERT_EQUAL_FATAL(dp_rc_alloc(&lib, &rc), 0);
	if (lib.aesni) {
		/* Nothing on the heap: the state is the struct. */
		CU_ASSERT_PTR_NULL(rc.fwd.evp);
		CU_ASSERT_PTR_NULL(rc.bwd.evp);
		CU_ASSERT_TRUE(aes_state_is_zero(&rc.fwd));
		CU_ASSERT_TRUE(aes_state_is_zero(&rc.bwd));
	} else {
		CU_ASSERT_PTR_NOT_NULL(rc.fwd.evp);
		CU_ASSERT_PTR_NOT_NULL(rc.bwd.evp);
		CU_ASSERT_PTR_NOT_EQUAL(rc.fwd.evp, rc.bwd.evp);
	}
	CU_ASSERT_EQUAL_FATAL(KEY_A(&rc), 0);
	dp_rc_free(&rc);
	CU_ASSERT_PTR_NULL(rc.fwd.evp);
	CU_ASSERT_PTR_NULL(rc.bwd.evp);
	CU_ASSERT_TRUE(aes_state_is_zero(&rc.fwd));
	CU_ASSERT_TRUE(aes_state_is_zero(&rc.bwd));
	/* Freeing twice is freeing a zeroed struct. */
	dp_rc_free(&rc);
}

static void
test_relay_crypto_alloc_rejects_lib_without_cipher(void)
{
	static const struct dp_rc_lib none;
	struct dp_relay_crypto rc;

	CU_ASSERT_EQUAL(dp_rc_alloc(&none, &rc), -EINVAL);
	CU_ASSERT_PTR_NULL(rc.fwd.evp);
	CU_ASSERT_PTR_NULL(rc.bwd.evp);
}

static void
test_relay_crypto_free_and_fini_accept_zeroed_structs(void)
{
	struct dp_relay_crypto rc = { 0 };
	struct dp_rc_lib l = { 0 };

	dp_rc_free(&rc);
	dp_rc_lib_fini(&l);
	CU_ASSERT_PTR_NULL(rc.fwd.evp);
	CU_ASSERT_PTR_NULL(l.aes128ctr);
}

static CU_TestInfo relay_crypto_tests[] = {
	{ "crypt_is_aes128ctr_iv0_with_one_counter",
	  test_relay_crypto_crypt_is_aes128ctr_iv0_with_one_counter },
	{ "counter_continues_over_100_cells", test_relay_crypto_counter_continues_over_100_cells },
	{ "originate_forward_matches_vectors",
	  test_relay_crypto_originate_forward_matches_vectors },
	{ "forward_recognized_at_this_hop_commits_digest",
	  test_relay_crypto_forward_recognized_at_this_hop_commits_digest },
	{ "forward_not_for_this_hop_leaves_state",
	  test_relay_crypto_forward_not_for_this_hop_leaves_state },
	{ "recognized_nonzero_skips_digest", test_relay_crypto_recognized_nonzero_skips_digest },
	{ "tampered_payload_not_recognized", test_relay_crypto_tampered_payload_not_recognized },
	{ "tampered_padding_not_recognized", test_relay_crypto_tampered_padding_not_recognized },
	{ "tampered_digest_field_not_recognized",
	  test_relay_crypto_tampered_digest_field_not_recognized },
	{ "originate_backward_matches_vectors",
	  test_relay_crypto_originate_backward_matches_vectors },
	{ "backward_recognized_at_client", test_relay_crypto_backward_recognized_at_client },
	{ "backward_relay_encrypts_only", test_relay_crypto_backward_relay_encrypts_only },
	{ "three_hops_forward_recognized_at_target",
	  test_relay_crypto_three_hops_forward_recognized_at_target },
	{ "three_hops_backward_recognized_at_origin_layer",
	  test_relay_crypto_three_hops_backward_recognized_at_origin_layer },
	{ "nist_sp800_38a_f51_ctr_aes128", test_relay_crypto_nist_sp800_38a_f51_ctr_aes128 },
	{ "pieces_equal_one_shot_evp", test_relay_crypto_pieces_equal_one_shot_evp },
	{ "cells_equal_one_shot_evp", test_relay_crypto_cells_equal_one_shot_evp },
	{ "counter_carries_like_evp", test_relay_crypto_counter_carries_like_evp },
	{ "aesni_and_evp_paths_agree", test_relay_crypto_aesni_and_evp_paths_agree },
	{ "path_is_the_cpus", test_relay_crypto_path_is_the_cpus },
	{ "rekey_reuses_contexts", test_relay_crypto_rekey_reuses_contexts },
	{ "wipe_clears_digests_and_key_schedules",
	  test_relay_crypto_wipe_clears_digests_and_key_schedules },
	{ "wipe_replaces_key", test_relay_crypto_wipe_replaces_key },
	{ "set_keys_after_wipe_gives_vectors",
	  test_relay_crypto_set_keys_after_wipe_gives_vectors },
	{ "alloc_then_free_clears_contexts", test_relay_crypto_alloc_then_free_clears_contexts },
	{ "alloc_rejects_lib_without_cipher", test_relay_crypto_alloc_rejects_lib_without_cipher },
	{ "free_and_fini_accept_zeroed_structs",
	  test_relay_crypto_free_and_fini_accept_zeroed_structs },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_relay_crypto = {
	.pName = "dataplane/relay_crypto",
	.pInitFunc = suite_init,
	.pCleanupFunc = suite_fini,
	.pTests = relay_crypto_tests,
};

/* The same tests on the OpenSSL EVP fallback (a CPU without AES-NI). */
CU_SuiteInfo suite_relay_crypto_evp = {
	.pName = "dataplane/relay_crypto_evp",
	.pInitFunc = suite_init_evp,
	.pCleanupFunc = suite_fini,
	.pTests = relay_crypto_tests,
};
