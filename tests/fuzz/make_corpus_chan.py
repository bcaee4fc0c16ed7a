#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
#
# Write the seed corpus of tests/fuzz/fuzz_chan.c into tests/fuzz/corpus-chan/
# (or the directory given). Deterministic: the same bytes on every run, so the
# files can be committed and regenerated. Standard library only.
#
# Input format (see the @file block of fuzz_chan.c): a configuration byte,
# then ops, each a byte (bits 0-4 opcode, bits 5-7 slot) and its arguments.
# The seeds are whole conversations: a Tor client's handshake, a relay
# initiating to us, us initiating to a relay, then each of them broken in one
# place (odd VERSIONS, huge VPADDING, failed verdicts, timeouts, a full ring,
# bad credential chunks, TLS faults...).
import os
import struct
import sys

# configuration byte
NO_CREDS, CIRC, BIG_CERTS, NETINFO_ADDR, SHORT_HS = (1 << i for i in range(5))

# opcodes
(ACCEPT, HS_DONE, OPEN, FEED_RAW, FEED_CELL, READ, EOF, CP, CP_DROP, TIME, CLOSE, CLOSED, LIST,
 BLOB, INSTALL, INFO, FILL, FAULT) = range(18)

# FEED_CELL kinds
K_VERSIONS, K_VERSIONS_CANNED, K_CERTS, K_AUTH_CHALLENGE, K_AUTHENTICATE, K_NETINFO, \
    K_CREATE_FAST, K_FIXED, K_VAR, K_VPADDING, K_PADDING, K_PADDING_NEGOTIATE, K_AUTHORIZE, \
    K_CREATE2 = range(14)
OTHER_WIDTH = 0x10

# io faults
F_CERT_ERR, F_KM_ERR, F_CLOSE_ERR = 0x01, 0x02, 0x04


def f_write(nth, mode):
    """Fail the nth write: mode 0 short, 1 zero, 2 -EPIPE, 3 -EPROTO."""
    return (nth << 3) | (mode << 6)


# clock steps (indices into fz_steps_us)
T_0, T_1MS, T_100MS, T_1S, T_5S, T_29S, T_31S, T_HOUR = range(8)


# Argument bytes of the fixed-size ops (FEED_RAW and FEED_CELL vary).
NARGS = {ACCEPT: 1, HS_DONE: 0, OPEN: 2, READ: 2, EOF: 1, CP: 2, CP_DROP: 0, TIME: 1, CLOSE: 1,
         CLOSED: 1, LIST: 2, BLOB: 8, INSTALL: 2, INFO: 1, FILL: 2, FAULT: 1}


def op(code, slot=0, *args):
    """One op; missing arguments are zeros, as the fuzzer reads them."""
    if code in NARGS:
        assert len(args) <= NARGS[code], (code, args)
        args = tuple(args) + (0,) * (NARGS[code] - len(args))
    return bytes([code | (slot << 5)]) + bytes(args)


def u16(v):
    return struct.pack("!H", v)


def u32(v):
    return struct.pack("!I", v)


def cell(kind, slot=0, *args):
    return op(FEED_CELL, slot) + bytes([kind]) + b"".join(
        a if isinstance(a, bytes) else bytes([a]) for a in args)


def versions(slot=0, canned=0):
    # canned: 0 [3,4,5], 1 [4,5], 2 [5], 3 [4], 4 [1,2,3], 5 [], 6 [5,4,3], 7 [6,7]; +8 odd length
    return cell(K_VERSIONS_CANNED, slot, canned)


def versions_list(vs, slot=0, wide=False):
    return cell(K_VERSIONS | (OTHER_WIDTH if wide else 0), slot, len(vs), b"".join(u16(v) for v in vs))


def certs(body, slot=0):
    return cell(K_CERTS, slot, u16(len(body)), body)


def netinfo(slot=0, variant=0):
    return cell(K_NETINFO, slot, variant)


def auth_challenge(slot=0, variant=0):
    return cell(K_AUTH_CHALLENGE, slot, variant)


def authenticate(body, slot=0):
    return cell(K_AUTHENTICATE, slot, u16(len(body)), body)


def create_fast(circ, first=0, slot=0):
    return cell(K_CREATE_FAST, slot, u32(circ), first)


def create2(circ, first=0, slot=0):
    return cell(K_CREATE2, slot, u32(circ), first)


def fixed(cmd, circ, payload=b"", slot=0):
    return cell(K_FIXED, slot, cmd, u32(circ), len(payload), payload)


def var(cmd, body, slot=0, wide=True):
    return cell(K_VAR | (0 if wide else OTHER_WIDTH), slot, cmd, u16(len(body)), body)


def vpadding(n, slot=0):
    return cell(K_VPADDING, slot, u16(n))


def raw(data, slot=0):
    if len(data) < 128:
        return op(FEED_RAW, slot, len(data)) + data
    return op(FEED_RAW, slot, 0x80 | (len(data) >> 8), len(data) & 0xFF) + data


def blob(bid, gen, total, off, length):
    return op(BLOB, 0, bid, gen) + u16(total) + u16(off) + u16(length)


def read(slot=0, a=0xFF, b=0xFF):
    # chunk sizes: < 128: n + 1 bytes; else ((n & 127) + 1) * 128
    return op(READ, slot, a, b)


def cp(v=0, t=0):
    # v: bits 0-1 status (0 ok), 2-3 identity, 4 other ed, 5 twice; t: req/chan tweaks, type
    return op(CP, 0, v, t)


def certs_body(n=4, size=140):
    # Shaped like a CERTS body (N, then type, len, data), content arbitrary.
    out = bytes([n])
    for i in range(n):
        data = bytes((i * 31 + j) & 0xFF for j in range(size))
        out += bytes([[1, 2, 4, 5, 7][i % 5]]) + u16(len(data)) + data
    return out


AUTH_BODY = u16(3) + u16(352) + bytes(range(256)) + bytes(96)
# A NETINFO body that cannot fit its cell: 255 addresses of 255 bytes.
BAD_NETINFO = u32(1) + bytes([4, 4, 10, 0, 0, 1, 255, 6, 255])


def client_handshake(slot=0, chunk=(0xFF, 0xFF)):
    """A Tor client: VERSIONS [3,4,5], NETINFO (no CERTS), CREATE_FAST."""
    return (op(ACCEPT, slot, 0) + op(HS_DONE, slot) + versions(slot, 0) + netinfo(slot, 1) +
            create_fast(0x80000001, 0, slot) + read(slot, *chunk))


def relay_to_us(slot=0):
    """A relay connects to us: VERSIONS, CERTS, AUTHENTICATE, NETINFO with OK verdicts."""
    return (op(ACCEPT, slot, 0) + op(HS_DONE, slot) + versions(slot, 1) +
            certs(certs_body(), slot) + read(slot) + cp() + authenticate(AUTH_BODY, slot) +
            read(slot) + cp() + netinfo(slot, 0) + read(slot))


def us_to_relay(slot=0, sel=0x04):
    """We connect to a relay: VERSIONS, CERTS, AUTH_CHALLENGE, NETINFO; CERTS ok, signed."""
    return (op(OPEN, slot, sel, 0) + op(HS_DONE, slot) + versions(slot, 1) +
            certs(certs_body(), slot) + auth_challenge(slot, 0) + netinfo(slot, 0) +
            read(slot) + cp() + cp() + read(slot))


SEEDS = {
    # --- the three conversations, whole
    "01-client-handshake": bytes([0]) + client_handshake(),
    "02-client-handshake-circ": bytes([CIRC]) + client_handshake() +
        create2(0x80000002, 0xCC),
    "03-client-bytewise": bytes([0]) + client_handshake(chunk=(0, 0)),
    "04-relay-to-us": bytes([CIRC]) + relay_to_us() + create_fast(0x80000003) + read(),
    "05-us-to-relay": bytes([CIRC]) + us_to_relay() + fixed(3, 5, b"relay") + read() +
        op(LIST, 0, 0, 16),
    "06-us-to-relay-no-ed": bytes([0]) + us_to_relay(sel=0x00),
    "07-both-roles": bytes([CIRC | NETINFO_ADDR]) + relay_to_us(0) + us_to_relay(1) +
        client_handshake(2) + op(LIST, 0, 0, 64) + op(INFO, 1, 0) + op(INFO, 0, 1),
    "08-big-certs": bytes([BIG_CERTS]) + relay_to_us() + us_to_relay(1),
    # --- VERSIONS
    "10-versions-odd": bytes([0]) + op(ACCEPT) + op(HS_DONE) + versions(0, 1 | 8) + read(),
    "11-versions-none-common": bytes([0]) + op(ACCEPT) + op(HS_DONE) + versions(0, 4) + read(),
    "12-versions-empty": bytes([0]) + op(ACCEPT) + op(HS_DONE) + versions(0, 5) + read(),
    "13-versions-long": bytes([0]) + op(ACCEPT) + op(HS_DONE) +
        versions_list(list(range(1, 16))) + read(),
    "14-versions-wide-circid": bytes([0]) + op(ACCEPT) + op(HS_DONE) +
        versions_list([4, 5], wide=True) + read(),
    "15-versions-twice": bytes([0]) + op(ACCEPT) + op(HS_DONE) + versions(0, 1) + versions(0, 1) +
        read(),
    # A VERSIONS of 101 versions whose only common one is past the first 64, which
    # on_versions() keeps: refused as no_version.
    "19-versions-5-after-64": bytes([0]) + op(ACCEPT) + op(HS_DONE) +
        var(7, b"".join(u16(v) for v in range(6, 106)) + u16(5), wide=False) + read(),
    "16-fixed-before-versions": bytes([0]) + op(ACCEPT) + op(HS_DONE) + fixed(8, 0) + read(),
    "17-padding-before-versions": bytes([0]) + op(ACCEPT) + op(HS_DONE) +
        cell(K_VPADDING, 0, u16(20)) + cell(K_AUTHORIZE, 0, 3, b"abc") + versions(0, 0) +
        netinfo(0, 1) + read(),
    # --- padding and big cells
    "20-big-vpadding-handshake": bytes([0]) + op(ACCEPT) + op(HS_DONE) + vpadding(65535) +
        versions(0, 0) + vpadding(9000) + netinfo(0, 1) + read(0, 0xFF, 0x8F),
    "21-big-vpadding-open": bytes([CIRC]) + client_handshake() + vpadding(60000) +
        cell(K_PADDING) + cell(K_PADDING_NEGOTIATE) + create_fast(7) + read(0, 0x90, 0x03),
    "22-certs-too-big": bytes([0]) + op(ACCEPT) + op(HS_DONE) + versions(0, 1) +
        cell(K_CERTS, 0, u16(9000)) + read(),
    "23-var-too-big-open": bytes([0]) + client_handshake() + var(129, bytes(600)) + read(),
    "24-unknown-commands": bytes([CIRC]) + client_handshake() + fixed(99, 1, b"x") +
        var(200, b"yy") + netinfo() + fixed(4, 9) + read(),
    "25-handshake-cell-when-open": bytes([0]) + client_handshake() + versions(0, 1) + read(),
    # --- responder verdicts
    "30-certs-refused": bytes([0]) + op(ACCEPT) + op(HS_DONE) + versions(0, 1) +
        certs(certs_body()) + read() + cp(v=1, t=0x40),
    "31-certs-is-us": bytes([0]) + op(ACCEPT) + op(HS_DONE) + versions(0, 1) +
        certs(certs_body()) + read() + cp(v=1 << 2),
    "32-auth-refused": bytes([0]) + op(ACCEPT) + op(HS_DONE) + versions(0, 1) +
        certs(certs_body()) + read() + cp() + authenticate(AUTH_BODY) + read() + cp(v=1),
    "33-stale-verdicts": bytes([0]) + op(ACCEPT) + op(HS_DONE) + versions(0, 1) +
        certs(certs_body()) + read() + cp(t=1) + op(CP, 0, 0, 2) + op(CP, 0, 0, 4) +
        op(CP, 0, 0x20, 0x20),
    "34-netinfo-before-auth": bytes([0]) + op(ACCEPT) + op(HS_DONE) + versions(0, 1) +
        certs(certs_body()) + read() + cp() + netinfo(0, 0) + read(),
    "35-bad-netinfo": bytes([0]) + op(ACCEPT) + op(HS_DONE) + versions(0, 1) +
        netinfo(0, len(BAD_NETINFO) << 1 | 2) + BAD_NETINFO + read(),
    # --- initiator verdicts and cells
    "40-wrong-identity": bytes([0]) + op(OPEN, 0, 0x04, 0) + op(HS_DONE) + versions(0, 1) +
        certs(certs_body()) + read() + cp(v=2 << 2),
    "41-wrong-ed": bytes([0]) + op(OPEN, 0, 0x04, 0) + op(HS_DONE) + versions(0, 1) +
        certs(certs_body()) + read() + cp(v=0x10),
    "42-no-auth-method": bytes([0]) + op(OPEN, 0, 0, 0) + op(HS_DONE) + versions(0, 1) +
        certs(certs_body()) + auth_challenge(0, 1) + read() + cp(),
    "43-sign-fails": bytes([0]) + op(OPEN, 0, 0, 0) + op(HS_DONE) + versions(0, 1) +
        certs(certs_body()) + auth_challenge(0, 0) + read() + cp() + cp(v=3),
    "44-signed-wrong-length": bytes([0]) + op(OPEN, 0, 0, 0) + op(HS_DONE) + versions(0, 1) +
        certs(certs_body()) + auth_challenge(0, 0) + read() + cp() + cp(t=0x10 | 0x40),
    "45-open-refused": bytes([0]) + op(OPEN, 0, 0x10, 0) + op(OPEN, 1, 0x20, 0) +
        op(OPEN, 2, 0x40, 0) + op(OPEN, 3, 0, 0) + op(OPEN, 4, 0, 0) + op(OPEN, 5, 0, 0),
    "46-netinfo-before-auth-sent": bytes([0]) + op(OPEN, 0, 0, 0) + op(HS_DONE) +
        versions(0, 1) + certs(certs_body()) + netinfo(0, 0) + read() + cp(),
    "48-bad-netinfo-initiator": bytes([0]) + op(OPEN, 0, 0, 0) + op(HS_DONE) +
        versions(0, 1) + certs(certs_body()) + auth_challenge(0, 0) +
        netinfo(0, len(BAD_NETINFO) << 1 | 2) + BAD_NETINFO + read() + cp() + cp(),
    "47-ac-truncated": bytes([0]) + op(OPEN, 0, 0, 0) + op(HS_DONE) + versions(0, 1) +
        certs(certs_body()) + auth_challenge(0, 3 | (9 << 3)) + read() + cp(),
    # --- timeouts, closes, TLS events
    "50-handshake-timeout": bytes([SHORT_HS]) + op(ACCEPT) + op(ACCEPT, 1) + op(HS_DONE, 1) +
        versions(1, 1) + certs(certs_body(), 1) + read(1) + op(TIME, 0, T_1S) +
        op(TIME, 0, T_1S) + op(CLOSED, 0, 2) + cp(),
    # Hours pass while the real TCP connection under an initiator retries its SYN: TCP gives
    # up beneath the channel (the fuzzer is its TLS), which must not matter.
    "59-tcp-gives-up-under-initiator": bytes([0]) + op(OPEN, 0, 0, 0) +
        (op(OPEN, 1, 0, 0) + op(TIME, 0, T_HOUR) + op(CLOSED, 1, 0)) * 10 + op(CLOSED, 0, 0),
    "51-hs-timeout-30s": bytes([0]) + op(OPEN) + op(TIME, 0, T_29S) + op(TIME, 0, T_31S) +
        op(CLOSED, 0, 0),
    "52-peer-eof": bytes([CIRC]) + client_handshake() + raw(b"\x00\x00") + op(EOF, 0, 0),
    "53-tls-error-eof": bytes([0]) + op(ACCEPT) + op(HS_DONE) + versions(0, 0) + op(EOF, 0, 1),
    "54-tls-closes-first": bytes([CIRC]) + client_handshake() + op(CLOSED, 0, 3) +
        relay_to_us(1) + op(CLOSED, 1, 1),
    "55-close-commands": bytes([0]) + client_handshake() + op(ACCEPT, 1, 0) +
        op(CLOSE, 0, 1) + op(CLOSE, 1, 2) + op(CLOSE, 1, 0) + op(CLOSE, 2, 5) +
        op(CLOSE, 1, 1) + op(CLOSED, 0, 0),
    "56-circ-closes-in-callback": bytes([CIRC]) + client_handshake() + create_fast(5, 0xCC) +
        create_fast(6) + read() + op(INFO, 0, 1),
    "57-pool-exhaustion": bytes([0]) + b"".join(op(ACCEPT, i, 0) for i in range(8)) +
        b"".join(op(CLOSED, i, 0) for i in range(8)) + op(ACCEPT, 7, 0),
    "58-hs-pool-exhaustion": bytes([0]) + b"".join(client_handshake(i) for i in range(4)) +
        op(ACCEPT, 4, 0) + op(ACCEPT, 5, 0) + op(ACCEPT, 6, 0),
    # --- io faults
    "60-write-fails": bytes([0]) + op(ACCEPT, 0, f_write(2, 3)) + op(HS_DONE) + versions(0, 0) +
        read(),
    "61-short-write": bytes([0]) + op(ACCEPT, 0, f_write(1, 0)) + op(HS_DONE) + versions(0, 0) +
        read(),
    "62-write-zero": bytes([0]) + op(OPEN, 0, 0, f_write(1, 1)) + op(HS_DONE),
    "63-cert-error": bytes([0]) + op(ACCEPT, 0, F_CERT_ERR) + op(HS_DONE) +
        op(OPEN, 1, 0, F_CERT_ERR) + op(HS_DONE, 1),
    "64-km-error": bytes([0]) + op(ACCEPT, 0, F_KM_ERR) + op(HS_DONE) + versions(0, 1) +
        certs(certs_body()) + read() + cp() + authenticate(AUTH_BODY) + read(),
    "65-close-fails": bytes([0]) + op(ACCEPT, 0, F_CLOSE_ERR) + op(HS_DONE) + versions(0, 4) +
        read(),
    "67-authenticate-write-fails": bytes([0]) + op(OPEN, 0, 0, f_write(3, 3)) + op(HS_DONE) +
        versions(0, 1) + certs(certs_body()) + auth_challenge(0, 0) + read() + cp() + cp(),
    "66-fault-later": bytes([0]) + op(OPEN, 0, 0, 0) + op(HS_DONE) + versions(0, 1) +
        certs(certs_body()) + auth_challenge(0, 0) + read() + op(FAULT, 0, F_KM_ERR) + cp(),
    # --- the control plane's rings
    "70-cell-up-full": bytes([0]) + op(FILL, 0, 0, 0) + op(ACCEPT) + op(HS_DONE) +
        versions(0, 1) + certs(certs_body()) + read() + cp(),
    "71-cell-up-nearly-full": bytes([BIG_CERTS]) + op(FILL, 0, 0, 10) + relay_to_us(),
    "72-evt-full": bytes([0]) + op(FILL, 0, 1, 2) + op(OPEN, 0, 0, 0) + op(OPEN, 1, 0x10, 0) +
        op(LIST, 0, 0, 64) + op(CLOSE, 0, 1),
    "73-drop-request": bytes([SHORT_HS]) + op(ACCEPT) + op(HS_DONE) + versions(0, 1) +
        certs(certs_body()) + read() + op(CP_DROP) + op(TIME, 0, T_5S) + cp(),
    "75-cell-up-full-auth-verify": bytes([0]) + op(ACCEPT) + op(HS_DONE) + versions(0, 1) +
        certs(certs_body()) + read() + cp() + op(FILL, 0, 0, 0) + authenticate(AUTH_BODY) +
        read(),
    "76-cell-up-full-auth-sign": bytes([0]) + op(OPEN, 0, 0, 0) + op(HS_DONE) +
        versions(0, 1) + certs(certs_body()) + auth_challenge(0, 0) + read() +
        op(FILL, 0, 0, 0) + cp(v=0x40),
    "74-list-cursor": bytes([0]) + op(ACCEPT, 0, 0) + op(ACCEPT, 1, 0) + op(ACCEPT, 2, 0) +
        op(LIST, 0, 1, 1) + op(LIST, 0, 2, 0) + op(LIST, 0, 15, 5) + op(CLOSED, 1, 0) +
        op(LIST, 0, 0, 127),
    # --- credentials
    "80-no-creds": bytes([NO_CREDS]) + op(ACCEPT) + op(OPEN, 1, 0, 0) +
        op(INSTALL, 0, 1, 1) + op(ACCEPT) + op(HS_DONE) + versions(0, 1) + read(),
    "81-bad-blobs": bytes([NO_CREDS]) + op(BLOB, 0, 1, 1, 0, 100, 0, 0, 0, 50) +
        op(BLOB, 0, 1, 1, 0, 100, 0, 60, 0, 40) + op(INSTALL, 0, 1, 0) +
        op(BLOB, 0, 0, 1, 0, 10, 0, 0, 0, 10) + op(BLOB, 0, 6, 1, 0, 10, 0, 0, 0, 10) +
        op(BLOB, 0, 2, 1, 0x20, 1, 0, 0, 0x02, 0x41) + op(BLOB, 0, 3, 1, 0, 0, 0, 0, 0, 0) +
        op(BLOB, 0, 4, 2, 0, 20, 0, 0, 0, 20) + op(BLOB, 0, 4, 3, 0, 20, 0, 10, 0, 10) +
        op(INSTALL, 0, 3, 0) + op(ACCEPT),
    "82-bad-key": bytes([NO_CREDS]) + op(INSTALL, 0, 5, 2) + op(ACCEPT) + op(INSTALL, 0, 6, 3) +
        op(ACCEPT),
    "83-reinstall-live": bytes([CIRC]) + client_handshake() + op(ACCEPT, 1) + op(HS_DONE, 1) +
        op(INSTALL, 0, 9, 1) + versions(1, 1) + certs(certs_body(), 1) + read(1) + cp(),
    "84-install-gen-mismatch": bytes([0]) + op(BLOB, 0, 1, 7, 0, 10, 0, 0, 0, 10) +
        op(INSTALL, 0, 8, 0) + op(ACCEPT) + op(HS_DONE) + versions(0, 1) + read(),
    # Chunks longer than their blob, continuing at offsets 0, 576, ...: once accepted by
    # on_blob_chunk() (its bound wrapped), they were copied past the 8192-byte staging buffer.
    "85-blob-chunk-past-total": bytes([0]) + blob(5, 1, 1, 0, 576),
    "86-blob-chunks-past-buffer": bytes([0]) +
        b"".join(blob(5, 1, 1, 576 * i, 576) for i in range(100)) + op(INSTALL, 0, 1, 0),
}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__),
                                                             "corpus-chan")
    os.makedirs(out, exist_ok=True)
    for name, data in SEEDS.items():
        with open(os.path.join(out, name + ".bin"), "wb") as f:
            f.write(data)
    print(f"wrote {len(SEEDS)} seeds to {out}")


if __name__ == "__main__":
    main()
