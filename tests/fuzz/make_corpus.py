#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
#
# Write the seed corpus of tests/fuzz/fuzz_net_input.c into tests/fuzz/corpus/
# (or the directory given). Deterministic: the same bytes on every run, so the
# files can be committed and regenerated. Standard library only.
#
# Input format (see the @file block of fuzz_net_input.c): a control byte, a
# configuration byte, then frames, each a 2-byte big-endian prefix (length in bits 0-10, flags
# above) and the Ethernet frame. Frames are built with correct checksums;
# after the handshake the TCP numbers (and SACK edges) are relative
# (FZ_F_REL), since the stack's ISN is not known here.
import os
import struct
import sys

OUR_MAC = bytes([0x02, 0, 0, 0, 0, 0x01])
PEER_MAC = bytes([0x02, 0, 0, 0, 0, 0x02])
BCAST = b"\xff" * 6
OUR_IP = bytes([10, 0, 0, 1])
PEER_IP = bytes([10, 0, 0, 2])

# prefix flags
REL = 0x0800
FIXCSUM = 0x1000
OL_GOOD = 1 << 13
OL_IP_BAD = 2 << 13
OL_L4_BAD = 3 << 13
LAYOUT = 0x8000
L_DIRECT = 0x80
L_BOUNDARY = 0x40

# control byte
STEP_0, STEP_TICK, STEP_DELACK, STEP_RTO, STEP_1S, STEP_3S, STEP_30S, STEP_400S = range(8)
BURST = 0x08
CONNECT = 0x80

# configuration byte
NEWRENO, NAGLE, NO_KEEPALIVE, TINY, BIG_BUFS, IW1, MTU576, TX_OFFLOAD = (1 << i for i in range(8))



def snd_max(n=0):
    """A relative ACK (with REL) of SND.MAX + n, n signed, instead of SND.UNA + n."""
    return 0x80000000 | (n & 0x7FFFFFFF)


ALL = snd_max()

# TCP flags
FIN, SYN, RST, PSH, ACK = 0x01, 0x02, 0x04, 0x08, 0x10


def ctl(step=STEP_0, rounds=0, burst=False, connect=False, cfg=0):
    return bytes([step | (BURST if burst else 0) | (rounds << 4) | (CONNECT if connect else 0),
                  cfg])


def csum(data, start=0):
    if len(data) % 2:
        data += b"\0"
    s = start + sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def eth(dst, ethertype, payload, src=PEER_MAC):
    return dst + src + struct.pack("!H", ethertype) + payload


def ipv4(proto, l4, src=PEER_IP, dst=OUR_IP, ident=1):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), ident, 0x4000, 64, proto, 0, src, dst)
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return eth(OUR_MAC, 0x0800, hdr + l4)


def arp(op, tha, tpa, sha=PEER_MAC, spa=PEER_IP, dst=BCAST):
    body = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, op, sha, spa, tha, tpa)
    return eth(dst, 0x0806, body, src=sha)


def icmp_echo(ident, seq, data):
    msg = struct.pack("!BBHHH", 8, 0, 0, ident, seq) + data
    msg = msg[:2] + struct.pack("!H", csum(msg)) + msg[4:]
    return ipv4(1, msg)


def tcp_opts(mss=None, ws=None, sackok=False, ts=None, sack=()):
    o = b""
    if mss is not None:
        o += struct.pack("!BBH", 2, 4, mss)
    if sackok:
        o += b"\x04\x02"
    if ts is not None:
        o += struct.pack("!BBII", 8, 10, ts[0], ts[1])
    if ws is not None:
        o += b"\x01" + struct.pack("!BBB", 3, 3, ws)
    if sack:
        o += b"\x01\x01" + struct.pack("!BB", 5, 2 + 8 * len(sack))
        for a, b in sack:
            o += struct.pack("!II", a, b)
    while len(o) % 4:
        o += b"\0"
    return o


def tcp(sport, dport, flags, seq=0, ack=0, wnd=65535, opts=b"", data=b"", src=PEER_IP):
    doff = (20 + len(opts)) // 4
    seg = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF,
                      doff << 4, flags, wnd, 0, 0) + opts + data
    phdr = src + OUR_IP + struct.pack("!BBH", 0, 6, len(seg))
    c = csum(seg, sum(struct.unpack("!6H", phdr)))
    seg = seg[:16] + struct.pack("!H", c) + seg[18:]
    return ipv4(6, seg, src=src)


def zero_l4_csum(f):
    """The frame with its TCP checksum zeroed (for FZ_F_FIXCSUM to repair)."""
    return f[:50] + b"\0\0" + f[52:]


def frame(f, flags=0, layout=None):
    assert len(f) <= 1600
    out = struct.pack("!H", len(f) | flags | (LAYOUT if layout is not None else 0))
    if layout is not None:
        out += bytes([layout])
    return out + f


ARP_REQ = arp(1, b"\0" * 6, OUR_IP)
FULL = dict(mss=1460, ws=7, sackok=True, ts=(1000, 0))
PSEQ = 1000


def handshake(dport, sport=40000, opts=None):
    """SYN with options, then the relative ACK of our SYN-ACK (SEQ += RCV.NXT, ACK += SND.UNA)."""
    o = tcp_opts(**(FULL if opts is None else opts))
    ts_ack = tcp_opts(ts=(1001, 0)) if opts is None else b""
    return (frame(tcp(sport, dport, SYN, PSEQ, 0, opts=o)) +
            frame(tcp(sport, dport, ACK, 0, 1, opts=ts_ack), REL))


SEEDS = {
    "arp-request": ctl() + frame(ARP_REQ),
    "arp-reply-unsolicited": ctl() + frame(arp(2, OUR_MAC, OUR_IP, dst=OUR_MAC)),
    "icmp-echo": ctl() + frame(ARP_REQ) + frame(icmp_echo(0x1234, 1, bytes(range(56)))),
    "icmp-echo-no-arp": ctl(STEP_1S, rounds=4) + frame(icmp_echo(7, 2, b"ping")),
    "icmp-echo-chained": ctl() + frame(ARP_REQ) +
    frame(icmp_echo(9, 3, bytes(range(256)) * 3), layout=50),
    "icmp-echo-offload-good": ctl() + frame(ARP_REQ) + frame(icmp_echo(1, 1, b"x" * 32), OL_GOOD),
    "tcp-syn-options": ctl() + frame(ARP_REQ) +
    frame(tcp(40000, 9001, SYN, PSEQ, 0, opts=tcp_opts(**FULL))),
    "tcp-syn-retransmit": ctl(STEP_1S, rounds=6) + frame(ARP_REQ) +
    frame(tcp(40001, 443, SYN, PSEQ, 0, opts=tcp_opts(mss=536))),
    "tcp-syn-closed-port": ctl() + frame(ARP_REQ) + frame(tcp(40002, 7, SYN, PSEQ, 0)),
    "tcp-syn-refused": ctl() + frame(ARP_REQ) + handshake(80),
    "tcp-echo-data-fin": ctl(STEP_TICK, rounds=3) + frame(ARP_REQ) + handshake(9001) +
    frame(tcp(40000, 9001, PSH | ACK, 0, 0, opts=tcp_opts(ts=(1002, 0)), data=b"hello"), REL) +
    frame(tcp(40000, 9001, ACK, 5, 5, opts=tcp_opts(ts=(1003, 0))), REL) +
    frame(tcp(40000, 9001, FIN | ACK, 0, 0, opts=tcp_opts(ts=(1004, 0))), REL),
    "tcp-echo-burst": ctl(STEP_DELACK, rounds=2, burst=True) + frame(ARP_REQ) +
    frame(tcp(40003, 9001, SYN, PSEQ, 0, opts=tcp_opts(mss=1460))) +
    frame(tcp(40003, 9001, ACK, 0, 1), REL, L_BOUNDARY) +
    frame(tcp(40003, 9001, PSH | ACK, 0, 1, data=b"burst"), REL) +
    frame(tcp(40003, 9001, PSH | ACK, 5, 1, data=b"again"), REL) +
    frame(tcp(40003, 9001, FIN | ACK, 10, 1), REL),
    "mixed-burst": ctl(STEP_TICK, burst=True) + frame(ARP_REQ) +
    frame(icmp_echo(5, 5, b"burst")) + frame(tcp(40013, 9001, SYN, PSEQ, 0)) +
    frame(tcp(40014, 443, SYN, PSEQ, 0)) + frame(tcp(40015, 7, ACK, 1, 1)) +
    frame(arp(1, b"\0" * 6, bytes([10, 0, 0, 9]))),
    "tcp-greet-close": ctl(STEP_RTO, rounds=7) + frame(ARP_REQ) +
    handshake(443, 40004, opts=dict(mss=1000, sackok=True)) +
    frame(tcp(40004, 443, ACK, 0, 1000), REL) +
    frame(tcp(40004, 443, PSH | ACK, 0, 0, data=b"GET /"), REL),
    "tcp-greet-abort": ctl(STEP_TICK) + frame(ARP_REQ) + handshake(443, 40005, opts=dict()) +
    frame(tcp(40005, 443, PSH | ACK, 0, 0, data=b"Abort"), REL),
    "tcp-ooo-sack": ctl(STEP_DELACK, rounds=2) + frame(ARP_REQ) + handshake(9001, 40006) +
    frame(tcp(40006, 9001, ACK, 100, 0, opts=tcp_opts(ts=(1002, 0)), data=b"B" * 100), REL) +
    frame(tcp(40006, 9001, ACK, 300, 0, opts=tcp_opts(ts=(1003, 0)), data=b"D" * 100), REL) +
    frame(tcp(40006, 9001, ACK, 0, 0, opts=tcp_opts(ts=(1004, 0)), data=b"A" * 100), REL),
    "tcp-dupack-sack": ctl(STEP_TICK, rounds=2) + frame(ARP_REQ) +
    handshake(443, 40007, opts=dict(mss=536, sackok=True)) +
    frame(tcp(40007, 443, ACK, 0, 0, opts=tcp_opts(sack=((536, 1072),))), REL) +
    frame(tcp(40007, 443, ACK, 0, 0, opts=tcp_opts(sack=((536, 1608),))), REL) +
    frame(tcp(40007, 443, ACK, 0, 0, opts=tcp_opts(sack=((536, 2144),))), REL) +
    frame(tcp(40007, 443, ACK, 0, ALL), REL),
    "tcp-rst-in-window": ctl() + frame(ARP_REQ) + handshake(9001, 40008) +
    frame(tcp(40008, 9001, RST, 0, 0), REL),
    "tcp-zero-window": ctl(STEP_1S, rounds=5) + frame(ARP_REQ) +
    handshake(443, 40009, opts=dict(mss=1460)) +
    frame(tcp(40009, 443, ACK, 0, 0, wnd=0), REL),
    "tcp-bad-csum-offload": ctl() + frame(ARP_REQ) +
    frame(tcp(40010, 9001, SYN, PSEQ, 0), OL_L4_BAD) +
    frame(tcp(40011, 9001, SYN, PSEQ, 0), OL_IP_BAD),
    "tcp-fixcsum-direct": ctl() + frame(ARP_REQ, 0, L_DIRECT) +
    frame(zero_l4_csum(tcp(40012, 9001, SYN, PSEQ, 0)), FIXCSUM, L_DIRECT | 20),
    "active-open": ctl(STEP_TICK, rounds=2, connect=True) +
    frame(arp(2, OUR_MAC, OUR_IP, dst=OUR_MAC)) +
    frame(tcp(5000, 32768, SYN | ACK, 777, 1, opts=tcp_opts(mss=1460, sackok=True)), REL) +
    frame(tcp(5000, 32768, PSH | ACK, 0, 100, data=b"welcome"), REL) +
    frame(tcp(5000, 32768, FIN | ACK, 0, 0), REL),
    "active-open-timeout": ctl(STEP_1S, rounds=7, connect=True),
    # We close first (443 closes after reading), the peer ACKs all and sends FIN: TIME_WAIT.
    "tcp-time-wait": ctl(STEP_TICK, rounds=4) + frame(ARP_REQ) +
    handshake(443, 40020, opts=dict(mss=1460)) +
    frame(tcp(40020, 443, PSH | ACK, 0, ALL, data=b"bye"), REL) +
    frame(tcp(40020, 443, ACK, 0, ALL), REL) +
    frame(tcp(40020, 443, FIN | ACK, 0, ALL), REL) +
    frame(tcp(40020, 443, FIN | ACK, 0, ALL), REL),
    # TIME_WAIT ends after 2 MSL (4 s here).
    "tcp-time-wait-expiry": ctl(STEP_3S, rounds=3) + frame(ARP_REQ) +
    handshake(443, 40021, opts=dict(mss=1460)) +
    frame(tcp(40021, 443, PSH | ACK, 0, ALL, data=b"x"), REL) +
    frame(tcp(40021, 443, FIN | ACK, 0, ALL), REL),
    # Our FIN and theirs cross: CLOSING, then TIME_WAIT on their ACK.
    "tcp-simultaneous-close": ctl(STEP_0) + frame(ARP_REQ) +
    handshake(443, 40022, opts=dict(mss=1460)) +
    frame(tcp(40022, 443, PSH | ACK, 0, snd_max(-1), data=b"x"), REL) +
    frame(tcp(40022, 443, FIN | ACK, 0, snd_max(-1)), REL) +
    frame(tcp(40022, 443, ACK, 0, ALL), REL),
    # FIN_WAIT_2 with the application gone: the orphan timer ends it.
    "tcp-fin-wait-2-orphan": ctl(STEP_3S, rounds=4) + frame(ARP_REQ) +
    handshake(443, 40023, opts=dict(mss=1460)) +
    frame(tcp(40023, 443, PSH | ACK, 0, ALL, data=b"x"), REL) +
    frame(tcp(40023, 443, ACK, 0, ALL), REL),
    # Peer closes first on the echo port: CLOSE_WAIT, our FIN, LAST_ACK, closed.
    "tcp-last-ack": ctl(STEP_0) + frame(ARP_REQ) + handshake(9001, 40024) +
    frame(tcp(40024, 9001, FIN | ACK, 0, 0, opts=tcp_opts(ts=(1002, 0))), REL) +
    frame(tcp(40024, 9001, ACK, 0, ALL, opts=tcp_opts(ts=(1003, 0))), REL),
    # Loss recovery without SACK (NewReno): three duplicate ACKs, partial ACKs, full ACK.
    "tcp-newreno-recovery": ctl(STEP_TICK, rounds=2, cfg=NEWRENO) + frame(ARP_REQ) +
    handshake(443, 40025, opts=dict(mss=536)) +
    frame(tcp(40025, 443, ACK, 0, 536), REL) +
    frame(tcp(40025, 443, ACK, 0, 0), REL) + frame(tcp(40025, 443, ACK, 0, 0), REL) +
    frame(tcp(40025, 443, ACK, 0, 0), REL) + frame(tcp(40025, 443, ACK, 0, 536), REL) +
    frame(tcp(40025, 443, ACK, 0, ALL), REL),
    # SACK recovery (RFC 6675): holes reported (SACK edges are relative to SND.UNA too).
    "tcp-sack-recovery": ctl(STEP_TICK, rounds=3) + frame(ARP_REQ) +
    handshake(443, 40026, opts=dict(mss=536, sackok=True)) +
    frame(tcp(40026, 443, ACK, 0, 0, opts=tcp_opts(sack=((536, 1072),))), REL) +
    frame(tcp(40026, 443, ACK, 0, 0, opts=tcp_opts(sack=((536, 1608),))), REL) +
    frame(tcp(40026, 443, ACK, 0, 0, opts=tcp_opts(sack=((536, 2144), (3216, 3752)))), REL) +
    frame(tcp(40026, 443, ACK, 0, 0, opts=tcp_opts(sack=((536, 2680), (3216, 3752)))), REL) +
    frame(tcp(40026, 443, ACK, 0, 1072, opts=tcp_opts(sack=((2144, 2680), (3216, 4288)))), REL) +
    frame(tcp(40026, 443, ACK, 0, ALL), REL),
    # Tiny limits: the backlog overflows into SYN cookies, then a cookie ACK.
    "tcp-syncookie": ctl(cfg=TINY) + frame(ARP_REQ) +
    frame(tcp(40027, 9001, SYN, PSEQ, 0, opts=tcp_opts(mss=1460))) +
    frame(tcp(40028, 9001, SYN, PSEQ, 0, opts=tcp_opts(mss=1460))) +
    frame(tcp(40029, 9001, SYN, PSEQ, 0, opts=tcp_opts(mss=1460))) +
    frame(tcp(40028, 9001, ACK, PSEQ + 1, 3), REL) +
    frame(tcp(40028, 9001, PSH | ACK, 0, 0, data=b"cookie"), REL),
    # Tiny limits: 4 tcbs, 1 TIME_WAIT; connections churn through recycling.
    "tcp-tiny-churn": ctl(STEP_TICK, cfg=TINY) + frame(ARP_REQ) +
    b"".join(handshake(443, 40030 + i, opts=dict(mss=1460)) +
             frame(tcp(40030 + i, 443, PSH | ACK, 0, ALL, data=b"q"), REL) +
             frame(tcp(40030 + i, 443, FIN | ACK, 0, ALL), REL) for i in range(5)),
    # Window scaling in use, checksum offload, Nagle, small MTU, one-segment initial window.
    "tcp-config-variety": ctl(STEP_DELACK, rounds=2,
                              cfg=BIG_BUFS | TX_OFFLOAD | NAGLE | MTU576 | IW1 | NO_KEEPALIVE) +
    frame(ARP_REQ) + handshake(443, 40040) +
    frame(tcp(40040, 443, ACK, 0, ALL, opts=tcp_opts(ts=(1002, 0))), REL) +
    frame(tcp(40040, 443, PSH | ACK, 0, ALL, opts=tcp_opts(ts=(1003, 0)), data=b"data"), REL),
    "icmp-echo-offload-tx": ctl(cfg=TX_OFFLOAD) + frame(ARP_REQ) + frame(icmp_echo(2, 2, b"o")),
}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "corpus")
    os.makedirs(out, exist_ok=True)
    for i, (name, data) in enumerate(SEEDS.items()):
        with open(os.path.join(out, "%02d-%s.bin" % (i + 1, name)), "wb") as f:
            f.write(data)
    print("make_corpus: %d seeds in %s" % (len(SEEDS), out))


if __name__ == "__main__":
    main()
