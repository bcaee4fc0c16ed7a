#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
#
# Write the seed corpus of tests/fuzz/fuzz_circ.c into tests/fuzz/corpus-circ/
# (or the directory given). Deterministic: the same bytes on every run, so the
# files can be committed and regenerated. Standard library only.
#
# Input format (see the @file block of fuzz_circ.c): two configuration bytes,
# then ops, each a byte (bits 0-4 opcode, bits 5-7 slot or selector) and its
# arguments. The seeds are whole circuit lives that reach the deep paths: a
# created circuit whose DROP, BEGIN, BEGIN_DIR and TRUNCATE are recognized, an
# EXTEND2 over an open relay channel answered with CREATED2 (cells relayed both
# ways, then truncated), an EXTEND2 that makes Chive open a channel (completed,
# waited for, refused, failing), a queue filling while a peer does not read, a
# channel closing with circuits, handshakes timing out, every kind of control-
# plane answer, RELAY_EARLY floods, raw and malformed cells; and with two lcores,
# circuits whose next hop is a half on the other lcore.
import os
import struct
import sys

(OPEN, DRIVE, CREATE, ANSWER, RELAY, N_CREATED, N_RELAY, DESTROY, RAW, FLOOD, WRITE, CLOSED,
 CLOSE, TIME, POLL, STALL, WFAIL, OPER) = range(18)

# OPER
O_DESTROY, O_LIST, O_STALE, O_GARBAGE, O_LC1 = 0, 1, 2, 4, 8

# OPEN kinds
CLIENT, CLIENT4, RELAY_IN, RELAY_OUT = range(4)
OPEN_ED, OPEN_STOP, OPEN_LC1 = 0x10, 0x20, 0x40

# CREATE kinds and id choices
FAST, NTOR, NTOR3, BAD = range(4)
ID_FRESH, ID_ZERO, ID_WRONG_HALF, ID_DUP = range(4)

# answers
OK, FAIL, BUSY, TIMEOUT, STATUS9, BAD_LEN, STALE_REQ, WRONG_HANDLE = range(8)
PENDING = 0x08  # CREATE: leave it pending
TWICE = 0x08    # ANSWER: send it twice

# RELAY kinds
R_DROP, R_BEGIN, R_BEGIN_DIR, R_TRUNCATE, R_EXTEND2, R_EXTEND, R_DATA, R_SENDME, R_CMD, \
    R_PASS, R_EXTEND2_RAW, R_BADLEN = range(12)
EARLY, STREAM0, TAMPER = 0x10, 0x20, 0x40

# EXTEND2 target (t) and flags (f)
T_RELAY, T_OURS, T_PREV, T_OTHER = (x << 2 for x in range(4))
T_ED_OTHER, T_ED_OURS = 0x10, 0x20
F_ED, F_NO_IPV4, F_IPV6, F_PORT0, F_PRIVATE, F_NO_LEGACY, F_NTOR3, F_UNKNOWN_LSPEC = \
    (1 << i for i in range(8))

# N_CREATED modes
C_CREATED2, C_CREATED_FAST, C_CREATED, C_CREATED2_LEN = range(4)

# FLOOD kinds
FL_PASS, FL_DROP, FL_EARLY_DROP, FL_BACK, FL_CREATE_OK, FL_CREATE_PENDING, FL_BEGIN, \
    FL_DESTROY = range(8)

# clock steps (fz_steps_us)
T_0, T_1MS, T_100MS, T_1S, T_3S, T_11S, T_21S, T_61S = range(8)

# configuration
CIRCS = {4: 0, 8: 1, 16: 2, 32: 3}
CELLS = {64: 0, 96: 1, 160: 2, 320: 3}
HIWAT = {2: 0, 4: 1, 8: 2, 32: 3}
C0_PRIVATE, C0_SHORT_TIMEOUT = 0x40, 0x80
QMAX_1, QMAX_2, QMAX_HWM, QMAX_4HWM = range(4)
C1_CONNECT_FAIL, C1_MANUAL_DRIVE, C1_BIG_READS, C1_LATE_CLOSED, C1_TWO_LCORES = \
    0x04, 0x08, 0x10, 0x20, 0x40

# WRITE: send buffers (fz_caps) and windows (fz_cwnds)
CAP_0, CAP_1, CAP_2, CAP_5, CAP_16K, CAP_64K, CAP_UNLIM, CAP_KEEP = range(8)
W_0, W_1, W_2, W_8, W_16K, W_UNLIM, W_KEEP, W_5 = range(8)


def cfg(circs=8, cells=160, hiwat=8, qmax=QMAX_HWM, c0=0, c1=0):
    return bytes([CIRCS[circs] | CELLS[cells] << 2 | HIWAT[hiwat] << 4 | c0, qmax | c1])


def op(code, sel=0, *args):
    out = bytes([code | (sel << 5)])
    for a in args:
        out += a if isinstance(a, bytes) else bytes([a])
    return out


def open_(slot, kind, ident=0, flags=0):
    return op(OPEN, slot, kind | ident << 2 | flags)


def create(slot, kind=FAST, idsel=ID_FRESH, answer=OK, seed=0x0102):
    return op(CREATE, slot, kind, idsel, answer, seed >> 8, seed & 0xff)


def answer(i=0, a=OK, seed=0x0304, sel=0):
    return op(ANSWER, sel, i, a, seed >> 8, seed & 0xff)


def relay(rec, kind, x=0, flags=0, tamper=None, ext=None, raw=None):
    out = op(RELAY, rec & 7, kind | flags | (rec & 8) << 4, x)
    if flags & TAMPER:
        out += bytes(tamper)
    if kind == R_EXTEND2:
        out += bytes(ext)
    if kind == R_EXTEND2_RAW:
        out += bytes([len(raw)]) + raw
    return out


def extend2(rec, target=0, t=T_RELAY, f=0, h=0, early=True):
    return relay(rec, R_EXTEND2, 0, EARLY if early else 0, ext=(target | t, f, h))


def poll(n=2):
    return op(POLL, 0, n)


def write(slot, cap=CAP_KEEP, cwnd=W_KEEP, reads=255):
    return op(WRITE, slot, cap | cwnd << 3, reads)


def u32(v):
    return struct.pack("!I", v)


def raw(slot, cmd, idsel, payload=b"", circ=None):
    out = op(RAW, slot, cmd, idsel)
    if idsel == 2:
        out += u32(circ)
    return out + bytes([len(payload)]) + payload


def xl_burst(back):
    """Two lcores; one side stops reading while the other sends 60 cells at once."""
    slow, flood = (0, FL_BACK) if back else (1, FL_PASS)
    return (cfg(hiwat=32, qmax=QMAX_2, cells=320, c1=C1_TWO_LCORES) + open_(0, CLIENT)
            + open_(1, RELAY_IN, 1, OPEN_LC1) + create(0) + poll() + extend2(0, 1) + poll(3)
            + op(N_CREATED, 0, C_CREATED2, 40) + poll(3) + write(slow, CAP_0, W_0, 0)
            + op(FLOOD, 0, flood, 59) + poll(6) + write(slow, CAP_UNLIM, W_UNLIM) + poll(8))


# A client (slot 0) and a relay that connected to us (slot 1, identity 1): the
# usual middle-relay position, with one created circuit on the client channel.
BASE = open_(0, CLIENT) + open_(1, RELAY_IN, 1) + create(0) + poll()
# ... and that circuit extended over slot 1, the next hop answering.
EXTENDED = BASE + extend2(0, 1) + poll() + op(N_CREATED, 0, C_CREATED2, 32) + poll()

SEEDS = {
    # A Tor client's circuit: recognized DROP, BEGIN, BEGIN_DIR (END back), TRUNCATE
    # (TRUNCATED back), unknown commands, a tampered cell (not for us: last hop, destroyed).
    "01-local-cells": cfg() + open_(0, CLIENT) + create(0) + poll()
    + relay(0, R_DROP, 1) + relay(0, R_BEGIN, 5) + relay(0, R_BEGIN_DIR, 6) + poll()
    + relay(0, R_DATA, 9) + relay(0, R_SENDME, 1) + relay(0, R_CMD, 77) + relay(0, R_TRUNCATE, 7)
    + poll() + relay(0, R_DROP, 2, TAMPER, tamper=(20, 0x10)) + poll(),
    # CREATE2 ntor and ntor-v3, on a link-4 client.
    "02-create2": cfg() + open_(0, CLIENT4) + create(0, NTOR, seed=0x1111) + poll()
    + create(0, NTOR3 | 30 << 2, seed=0x2222) + poll() + relay(1, R_BEGIN, 1) + relay(0, R_DROP)
    + poll(),
    # EXTEND2 over an open relay channel: CREATE2, CREATED2 -> EXTENDED2, cells both ways,
    # then TRUNCATE with a reason beyond 12 (passed on in the DESTROY), extend again.
    "03-extend-reuse": cfg() + EXTENDED
    + relay(0, R_PASS, 3) + relay(0, R_PASS, 4, EARLY) + poll()
    + op(N_RELAY, 0, 0, 1) + op(N_RELAY, 0, 0, 2) + poll()
    + relay(0, R_TRUNCATE, 200) + poll() + extend2(0, 1) + poll()
    + op(N_CREATED, 0, C_CREATED2, 100) + poll() + relay(0, R_PASS, 5) + poll(),
    # EXTEND2 to a relay with no channel: Chive opens one (completed at the end of the op),
    # then sends CREATE2; ntor-v3 handshake, Ed25519 identity, an unknown link specifier.
    "04-extend-connect": cfg() + open_(0, CLIENT) + create(0) + poll()
    + extend2(0, 2, f=F_ED | F_NTOR3 | F_UNKNOWN_LSPEC, h=40) + poll()
    + op(N_CREATED, 0, C_CREATED2, 64) + poll() + relay(0, R_PASS, 1) + poll()
    + op(N_RELAY, 0, 0, 7) + poll(),
    # EXTEND2 that waits for a channel we are opening (manual handshake), which then opens;
    # a second circuit waits for one that fails with another identity (OR_IDENTITY).
    "05-extend-wait": cfg(c1=C1_MANUAL_DRIVE) + open_(0, CLIENT)
    + open_(1, RELAY_OUT, 3, OPEN_STOP) + create(0) + create(0, seed=0x0505) + poll()
    + extend2(0, 3) + poll() + op(DRIVE, 1, 0) + poll() + op(N_CREATED, 0, C_CREATED2, 1)
    + poll() + extend2(1, 2) + poll() + op(DRIVE, 2, 2) + poll(3),
    # The client stops reading: backward cells fill the circuit's queue and the next hop's
    # channel is paused; reads of 4096 bytes overshoot the cap (RESOURCELIMIT); on a second
    # circuit the ENDs Chive owes fill it too; reading again drains the rest.
    "06-queue-full": cfg(hiwat=2, qmax=QMAX_1, c1=C1_BIG_READS) + EXTENDED
    + create(0, seed=0x0606) + poll() + write(0, CAP_0, W_0, 0) + op(FLOOD, 0, FL_BACK, 11)
    + poll(3) + op(FLOOD, 0, FL_BACK, 6) + poll() + op(FLOOD, 1, FL_BEGIN, 7) + poll()
    + write(0, CAP_UNLIM, W_UNLIM) + poll(4),
    # The next hop stops reading (window 0, then buffer 0): forward cells wait; the client's
    # channel is paused; then the next hop reads and everything flows.
    "07-next-hop-slow": cfg(hiwat=2, qmax=QMAX_4HWM) + EXTENDED + write(1, CAP_KEEP, W_0, 0)
    + op(FLOOD, 0, FL_PASS, 5) + poll(2) + write(1, CAP_1, W_UNLIM, 0) + poll(2)
    + op(FLOOD, 0, FL_PASS, 3) + write(1, CAP_UNLIM, W_UNLIM) + poll(6),
    # Channel loss: the next hop's TLS closes with circuits on it (DESTROY CHANNEL_CLOSED to
    # the client), then the client's channel is closed by us with another circuit.
    "08-channel-loss": cfg() + EXTENDED + create(0, seed=0x0808) + poll()
    + op(CLOSED, 1, 1) + poll() + op(CLOSE, 0) + poll(),
    # The client's channel goes first: DESTROY onward; DESTROY from both sides.
    "09-destroys": cfg() + EXTENDED + create(0, seed=0x0909) + create(0, seed=0x0a0a) + poll()
    + op(DESTROY, 1, 0, 9) + op(DESTROY, 0, 1, 200) + poll() + op(CLOSED, 0, 1) + poll(),
    # Control-plane answers of every kind, late, twice, stale; a pending handshake times out.
    "10-answers": cfg(c0=C0_SHORT_TIMEOUT) + open_(0, CLIENT)
    + b"".join(create(0, NTOR, answer=PENDING, seed=i) for i in range(8)) + poll()
    + b"".join(answer(0, a) for a in (FAIL, BUSY, TIMEOUT, STATUS9, BAD_LEN, STALE_REQ,
                                      WRONG_HANDLE | 0x10))
    + answer(0, OK | TWICE | 0xd0) + create(0, FAST, answer=BAD_LEN) + create(0, answer=PENDING)
    + op(TIME, 0, T_3S) + answer(0, OK) + poll(),
    # CREATED2 replies of many lengths, down to none.
    "11-reply-lengths": cfg(circs=16) + open_(0, CLIENT)
    + b"".join(create(0, NTOR, answer=OK | n << 4, seed=n) for n in range(16)) + poll(4)
    + b"".join(relay(n, R_DROP) for n in range(8)) + poll(),
    # More than 8 RELAY_EARLY, an EXTEND2 in a plain RELAY, EXTEND (v1), a BEGIN with stream
    # 0, a relay length beyond 498, an EXTEND2 on an extended circuit.
    "12-protocol-errors": cfg(circs=16) + BASE + create(0, seed=2) + create(0, seed=3)
    + create(0, seed=4) + create(0, seed=5) + create(0, seed=6) + poll()
    + op(FLOOD, 0, FL_EARLY_DROP, 9) + extend2(1, 1, early=False) + relay(2, R_EXTEND)
    + relay(3, R_BEGIN, 0, STREAM0) + relay(4, R_BADLEN, 1) + poll()
    + extend2(5, 1) + extend2(5, 1) + poll(),
    # EXTEND2s Chive must refuse: to us, to the previous hop, IPv6 only, port 0, private
    # address, no legacy id, bad handshake type; and one to a private address allowed.
    "13-extend-refused": cfg(circs=16) + open_(0, RELAY_IN, 2) + open_(1, RELAY_IN, 1)
    + b"".join(create(0, seed=0x100 + i) for i in range(9)) + poll()
    + extend2(0, 0, T_OURS) + extend2(1, 0, T_PREV) + extend2(2, 1, f=F_NO_IPV4 | F_IPV6)
    + extend2(3, 1, f=F_PORT0) + extend2(4, 1, f=F_PRIVATE) + extend2(5, 1, f=F_NO_LEGACY)
    + extend2(6, 1, h=0x81) + extend2(7, 1, T_ED_OURS, f=F_ED) + poll()
    + relay(8, R_EXTEND2_RAW, 0, EARLY, raw=bytes([1, 9, 2, 0, 0, 0, 2, 0, 1, 7])) + poll(),
    "14-extend-private-ok": cfg(c0=C0_PRIVATE) + open_(0, CLIENT) + open_(1, RELAY_IN, 1)
    + create(0) + poll() + extend2(0, 1, f=F_PRIVATE) + poll()
    + op(N_CREATED, 0, C_CREATED2, 0) + poll() + relay(0, R_PASS, 1) + poll(),
    # Extensions that fail: the connect is refused; the next hop answers CREATED_FAST,
    # CREATED, a CREATED2 too long for EXTENDED2, or never (timeout).
    "15-extend-fail": cfg(c0=C0_SHORT_TIMEOUT, c1=C1_CONNECT_FAIL, circs=16) + BASE
    + b"".join(create(0, seed=0x200 + i) for i in range(5)) + poll()
    + extend2(0, 2) + extend2(1, 1) + extend2(2, 1) + extend2(3, 1) + extend2(4, 1) + poll()
    + op(N_CREATED, 1, C_CREATED_FAST, 0) + op(N_CREATED, 1, C_CREATED, 0)
    + op(N_CREATED, 1, C_CREATED2_LEN, 250) + poll() + op(TIME, 0, T_3S) + poll(),
    # A handshake that never completes: the circuit waiting for it goes with the channel's
    # timeout; our connect's TLS closes on another.
    "16-hs-timeout": cfg(c1=C1_MANUAL_DRIVE) + open_(0, CLIENT) + create(0) + create(0, seed=9)
    + poll() + extend2(0, 2) + extend2(1, 3) + poll() + op(DRIVE, 3, 3) + op(TIME, 0, T_11S)
    + poll(),
    # A relay peer creates circuits too (ids of its half; the other half, 0, a duplicate);
    # raw cells of every kind on both channels.
    "17-raw": cfg() + EXTENDED + create(1, NTOR) + create(1, FAST, ID_WRONG_HALF)
    + create(1, FAST, ID_ZERO) + create(1, FAST, ID_DUP) + create(1, BAD) + create(1, BAD | 4)
    + create(1, BAD | 8) + create(1, BAD | 12) + poll()
    + raw(0, 3, 0, b"\x01" * 20) + raw(0, 9, 0) + raw(1, 3, 1, b"\x02") + raw(1, 11, 1)
    + raw(0, 4, 2, b"\x05", 0x80000123) + raw(0, 128, 3, b"hello") + raw(0, 10, 2, b"", 0x8000abcd)
    + raw(1, 4, 0) + raw(0, 0, 3) + raw(1, 2, 1) + poll(),
    # Pools run out: 4 circuits, 64 cells; CREATE floods, DESTROY floods, queues full.
    "18-small-pools": cfg(circs=4, cells=64, hiwat=32, qmax=QMAX_4HWM) + BASE
    + op(FLOOD, 0, FL_CREATE_OK, 10) + poll() + write(0, CAP_0, W_0, 0)
    + op(FLOOD, 0, FL_BEGIN, 40) + op(FLOOD, 0, FL_DESTROY, 40) + poll()
    + op(FLOOD, 1, FL_CREATE_PENDING, 10) + poll() + write(0, CAP_UNLIM, W_UNLIM) + poll(8),
    # The control plane stops reading cell_up: CREATEs are refused (cp_full); then resumes.
    "19-cp-stall": cfg() + open_(0, CLIENT) + op(STALL, 0, 0x10 | 15) + create(0)
    + create(0, seed=5) + poll() + op(STALL, 0, 0) + create(0, seed=6) + poll(),
    # Writes fail under a circuit; reads of 4096 bytes; `closed` one op late.
    "20-tls-faults": cfg(c1=C1_BIG_READS | C1_LATE_CLOSED) + EXTENDED
    + relay(0, R_PASS, 1) + op(WFAIL, 1, 1) + poll() + create(0, seed=7) + op(WFAIL, 0, 0)
    + poll() + poll(),
    # The operator: show circuits (pages), circuit destroy (a live one, a stale handle, a
    # garbage one, a reason beyond 12).
    "21-operator": cfg() + EXTENDED + create(0, NTOR, seed=0x2121) + create(0, answer=PENDING)
    + poll() + op(OPER, 0, O_LIST, 0xe0) + op(OPER, 0, O_LIST, 0x01)
    + op(OPER, 1, O_DESTROY, 3) + op(OPER, 0, O_DESTROY | O_STALE, 5)
    + op(OPER, 0, O_DESTROY | O_GARBAGE, 1) + op(OPER, 0, O_DESTROY, 99) + poll()
    + op(OPER, 0, O_LIST, 0x20) + op(OPER, 0, O_DESTROY, 12) + poll(),
    # Two lcores: the client on lcore 0, the next relay's channel only on lcore 1, so the
    # EXTEND2 builds the circuit across both (a next-hop half on lcore 1); cells both ways,
    # the operator's list of both lcores, TRUNCATE, extend again, DESTROY from the far end.
    "22-xl-extend": cfg(c1=C1_TWO_LCORES) + open_(0, CLIENT) + open_(1, RELAY_IN, 1, OPEN_LC1)
    + create(0) + create(0, seed=0x2222) + poll() + extend2(0, 1) + poll(3)
    + op(N_CREATED, 0, C_CREATED2, 40) + poll(3) + relay(0, R_PASS, 1) + relay(0, R_PASS, 2, EARLY)
    + poll(3) + op(N_RELAY, 0, 0, 1) + op(N_RELAY, 0, 0, 2) + poll(3)
    + op(OPER, 0, O_LIST, 0xe0) + op(OPER, 0, O_LIST | O_LC1, 0xe0)
    + relay(0, R_TRUNCATE, 99) + poll(3) + extend2(0, 1) + poll(3)
    + op(N_CREATED, 0, C_CREATED2, 10) + poll(3) + extend2(1, 1) + poll(3)
    + op(N_CREATED, 1, C_CREATED2, 0) + poll(3) + op(DESTROY, 0, 1, 9) + poll(4),
    # Two lcores, backpressure across them: the client stops reading while the next hop
    # floods back, then the next hop stops reading while the client floods on; both resume.
    "23-xl-backpressure": cfg(hiwat=4, qmax=QMAX_4HWM, c1=C1_TWO_LCORES) + open_(0, CLIENT)
    + open_(1, RELAY_IN, 1, OPEN_LC1) + create(0) + poll() + extend2(0, 1) + poll(3)
    + op(N_CREATED, 0, C_CREATED2, 40) + poll(3) + write(0, CAP_0, W_0, 0)
    + op(FLOOD, 0, FL_BACK, 40) + poll(4) + write(0, CAP_UNLIM, W_UNLIM) + poll(8)
    + write(1, CAP_1, W_0, 0) + op(FLOOD, 0, FL_PASS, 40) + poll(4)
    + write(1, CAP_UNLIM, W_UNLIM) + poll(8),
    # Two lcores, losses: the half's channel closes under it; a channel Chive opens on the
    # home lcore while the other lcore also has one; the client goes away.
    "24-xl-loss": cfg(c1=C1_TWO_LCORES) + open_(0, CLIENT) + open_(1, RELAY_IN, 1, OPEN_LC1)
    + open_(2, RELAY_IN, 2, OPEN_LC1) + create(0) + create(0, seed=0x2424)
    + create(0, seed=0x2425) + poll() + extend2(0, 1) + extend2(1, 2) + extend2(2, 3)
    + poll(3) + op(N_CREATED, 0, C_CREATED2, 40) + op(N_CREATED, 1, C_CREATED2, 41) + poll(3)
    + op(CLOSED, 1, 1) + poll(3) + op(TIME, 0, T_21S) + poll(2) + op(CLOSE, 0) + poll(4),
    # Two lcores, a burst: the client stops reading and the next hop sends 60 cells back
    # (high-water mark 32, cap 34); the half must stop reading its channel in time (the
    # lcores' flow control), not let the home queue overflow. Then the same forward.
    "25-xl-burst-back": xl_burst(back=True),
    "26-xl-burst-fwd": xl_burst(back=False),
}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__),
                                                              "corpus-circ")
    os.makedirs(out, exist_ok=True)
    for name, data in SEEDS.items():
        with open(os.path.join(out, name + ".bin"), "wb") as f:
            f.write(data)
    print(f"wrote {len(SEEDS)} seeds to {out}")


if __name__ == "__main__":
    main()
