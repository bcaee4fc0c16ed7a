#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The Linux kernel's TCP as the peer of Chive's TCP, for integration tests.

Each subcommand prints one line "OK ..." and exits 0, or prints "FAIL ..."
and exits 1. Every loop is bounded by a deadline (--timeout). Standard
library only. Run inside the test's network namespace.

  echo-bulk HOST PORT BYTES          send BYTES to an echo service while reading the
                                     echo back; SHA-256 of both streams must match
  chargen-bulk HOST PORT BYTES       read BYTES from a chargen service; compare with
                                     the RFC 864 pattern computed here
  discard-bulk HOST PORT BYTES       send BYTES to a discard service
  many HOST PORT CONNS BYTES         CONNS concurrent echo connections, BYTES each way
  half-close-send HOST PORT BYTES    send BYTES, shut down writing at once, then read
                                     the whole echo (the peer keeps sending after our FIN)
  refused HOST PORT                  a closed port must refuse (RST)
  abort HOST PORT                    send, then close with SO_LINGER 0 (RST)
  synflood SRC HOST PORT COUNT       COUNT SYNs from the spoofed address SRC with distinct
                                     source ports (raw IP), while one real connection works
  echo-server HOST PORT CONNS        accept CONNS connections; echo everything; after the
                                     peer's FIN finish echoing and close; check the data
                                     is the chargen pattern
"""
import argparse
import hashlib
import os
import random
import selectors
import socket
import struct
import sys
import threading
import time

CHUNK = 1 << 16


def chargen_block():
    """One period of the RFC 864 stream: 95 lines of 72 characters plus CR LF."""
    lines = []
    for line in range(95):
        lines.append(bytes((0x20 + (line + col) % 95) for col in range(72)) + b"\r\n")
    return b"".join(lines)


CHARGEN = chargen_block()


def chargen_bytes(off, n):
    period = len(CHARGEN)
    start = off % period
    reps = (start + n) // period + 2
    return (CHARGEN * reps)[start:start + n]


class Source:
    """A deterministic pseudo-random byte stream (fast: reuses one random block)."""

    def __init__(self, seed):
        rnd = random.Random(seed)
        self.block = bytes(rnd.getrandbits(8) for _ in range(1 << 16)) * 16  # 1 MiB
        self.off = 0

    def take(self, n):
        b = len(self.block)
        start = (self.off * 7919) % b
        out = (self.block[start:] + self.block[:start])[:n]
        self.off += 1
        return out


def fail(msg):
    print("FAIL " + msg, flush=True)
    sys.exit(1)


def connect(host, port, timeout):
    s = socket.create_connection((host, port), timeout=timeout)
    s.settimeout(timeout)
    return s


def cmd_echo_bulk(a):
    s = connect(a.host, a.port, a.timeout)
    total = a.bytes
    h_out = hashlib.sha256()
    h_in = hashlib.sha256()
    err = []

    def sender():
        src = Source(a.seed)
        sent = 0
        try:
            while sent < total:
                chunk = src.take(min(CHUNK * 4, total - sent))
                s.sendall(chunk)
                h_out.update(chunk)
                sent += len(chunk)
        except OSError as e:
            err.append("send: %s after %d bytes" % (e, sent))

    t = threading.Thread(target=sender)
    t.start()
    got = 0
    deadline = time.monotonic() + a.timeout
    try:
        while got < total:
            if time.monotonic() > deadline:
                fail("echo-bulk: timeout after %d of %d bytes" % (got, total))
            d = s.recv(1 << 20)
            if not d:
                break
            h_in.update(d)
            got += len(d)
    except OSError as e:
        fail("echo-bulk: recv: %s after %d bytes" % (e, got))
    t.join(a.timeout)
    s.close()
    if err:
        fail("echo-bulk: " + err[0])
    if got != total:
        fail("echo-bulk: received %d of %d bytes" % (got, total))
    if h_in.digest() != h_out.digest():
        fail("echo-bulk: SHA-256 differs: sent %s received %s" % (h_out.hexdigest(), h_in.hexdigest()))
    print("OK echo-bulk %d bytes sha256 %s" % (total, h_in.hexdigest()), flush=True)


def cmd_chargen_bulk(a):
    s = connect(a.host, a.port, a.timeout)
    h_in = hashlib.sha256()
    got = 0
    deadline = time.monotonic() + a.timeout
    while got < a.bytes:
        if time.monotonic() > deadline:
            fail("chargen-bulk: timeout after %d bytes" % got)
        d = s.recv(min(1 << 20, a.bytes - got))
        if not d:
            fail("chargen-bulk: closed after %d bytes" % got)
        h_in.update(d)
        got += len(d)
    s.close()
    h_exp = hashlib.sha256()
    period = len(CHARGEN)
    big = CHARGEN * ((1 << 20) // period + 1)
    big = big[:(len(big) // period) * period]
    off = 0
    while off < a.bytes:
        n = min(len(big), a.bytes - off)
        h_exp.update(big[:n])
        off += n
    if h_exp.digest() != h_in.digest():
        fail("chargen-bulk: SHA-256 differs from the RFC 864 pattern")
    print("OK chargen-bulk %d bytes sha256 %s" % (got, h_in.hexdigest()), flush=True)


def cmd_discard_bulk(a):
    s = connect(a.host, a.port, a.timeout)
    src = Source(a.seed)
    sent = 0
    while sent < a.bytes:
        chunk = src.take(min(CHUNK * 4, a.bytes - sent))
        s.sendall(chunk)
        sent += len(chunk)
    s.shutdown(socket.SHUT_WR)
    if s.recv(1):
        fail("discard-bulk: discard service sent data")
    s.close()
    print("OK discard-bulk %d bytes" % sent, flush=True)


def cmd_many(a):
    """All CONNS connections are opened first and stay open together; at most
    --active of them have data in flight at a time (the rest wait their turn),
    so the test measures correctness under concurrency, not incast loss at a
    1000-frame TAP queue."""
    sel = selectors.DefaultSelector()
    conns = []
    block = Source(a.seed).block
    for i in range(a.conns):
        s = socket.socket()
        s.setblocking(False)
        s.connect_ex((a.host, a.port))
        c = {"s": s, "i": i, "src": Source.__new__(Source), "out": b"", "sent": 0, "got": 0,
             "h_out": hashlib.sha256(), "h_in": hashlib.sha256(), "done": False}
        c["src"].block = block
        c["src"].off = i * 131
        conns.append(c)
    # Every connection must be established before any data moves.
    deadline = time.monotonic() + a.timeout
    pending = list(conns)
    while pending:
        if time.monotonic() > deadline:
            fail("many: %d connections never established" % len(pending))
        wsel = selectors.DefaultSelector()
        for c in pending:
            wsel.register(c["s"], selectors.EVENT_WRITE, c)
        for key, _ in wsel.select(1.0):
            c = key.data
            err = c["s"].getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            if err:
                fail("many: conn %d connect: %s" % (c["i"], os.strerror(err)))
            pending.remove(c)
        wsel.close()
    waiting = list(conns)
    active = 0
    left = a.conns
    while left:
        while waiting and active < a.active:
            c = waiting.pop(0)
            sel.register(c["s"], selectors.EVENT_READ | selectors.EVENT_WRITE, c)
            active += 1
        if time.monotonic() > deadline:
            fail("many: timeout with %d connections unfinished" % left)
        for key, ev in sel.select(1.0):
            c = key.data
            s = c["s"]
            if ev & selectors.EVENT_WRITE and c["sent"] < a.bytes:
                if not c["out"]:
                    c["out"] = c["src"].take(min(CHUNK, a.bytes - c["sent"]))
                    c["h_out"].update(c["out"])
                try:
                    n = s.send(c["out"])
                except BlockingIOError:
                    n = 0
                except OSError as e:
                    fail("many: conn %d send: %s" % (c["i"], e))
                c["out"] = c["out"][n:]
                c["sent"] += n
                if c["sent"] >= a.bytes and not c["out"]:
                    sel.modify(s, selectors.EVENT_READ, c)
            if ev & selectors.EVENT_READ:
                try:
                    d = s.recv(1 << 18)
                except BlockingIOError:
                    continue
                except OSError as e:
                    fail("many: conn %d recv: %s" % (c["i"], e))
                if not d:
                    fail("many: conn %d closed after %d bytes" % (c["i"], c["got"]))
                c["h_in"].update(d)
                c["got"] += len(d)
                if c["got"] >= a.bytes:
                    if c["h_in"].digest() != c["h_out"].digest():
                        fail("many: conn %d: SHA-256 differs" % c["i"])
                    sel.unregister(s)
                    left -= 1
                    active -= 1
    for c in conns:
        c["s"].close()
    print("OK many %d connections open together, %d bytes each way on each, SHA-256 equal" %
          (a.conns, a.bytes), flush=True)


def cmd_half_close_send(a):
    s = connect(a.host, a.port, a.timeout)
    src = Source(a.seed)
    h_out = hashlib.sha256()
    data = src.take(a.bytes) if a.bytes <= (1 << 20) else None
    err = []

    def sender():
        try:
            sent = 0
            while sent < a.bytes:
                chunk = data if data is not None else src.take(min(CHUNK * 4, a.bytes - sent))
                s.sendall(chunk)
                h_out.update(chunk)
                sent += len(chunk)
            s.shutdown(socket.SHUT_WR)  # our FIN goes out while the echo is still coming
        except OSError as e:
            err.append(str(e))

    t = threading.Thread(target=sender)
    t.start()
    h_in = hashlib.sha256()
    got = 0
    deadline = time.monotonic() + a.timeout
    while True:
        if time.monotonic() > deadline:
            fail("half-close-send: timeout after %d bytes" % got)
        d = s.recv(1 << 20)
        if not d:
            break
        h_in.update(d)
        got += len(d)
    t.join(a.timeout)
    s.close()
    if err:
        fail("half-close-send: send: " + err[0])
    if got != a.bytes or h_in.digest() != h_out.digest():
        fail("half-close-send: got %d of %d bytes, digests %s" %
             (got, a.bytes, "equal" if h_in.digest() == h_out.digest() else "differ"))
    print("OK half-close-send %d bytes echoed after our FIN, then the peer closed" % got, flush=True)


def cmd_refused(a):
    try:
        s = connect(a.host, a.port, a.timeout)
    except ConnectionRefusedError:
        print("OK refused", flush=True)
        return
    except OSError as e:
        fail("refused: %s" % e)
    s.close()
    fail("refused: the connection was accepted")


def cmd_abort(a):
    s = connect(a.host, a.port, a.timeout)
    s.sendall(b"x" * 1000)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()  # RST
    print("OK abort", flush=True)


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def cmd_synflood(a):
    # IPPROTO_RAW: we write the IP header ourselves, so the source can be an address
    # nobody answers for (the half-open connections then stay half-open).
    raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    src = socket.inet_aton(a.src)
    dst = socket.inet_aton(a.host)
    rnd = random.Random(a.seed)
    sent = 0
    ok = []

    def legit():
        time.sleep(0.2)
        try:
            s = connect(a.host, a.port, a.timeout)
            s.sendall(b"hello through the flood")
            d = b""
            while len(d) < 23:
                r = s.recv(64)
                if not r:
                    break
                d += r
            s.close()
            ok.append(d == b"hello through the flood")
        except OSError as e:
            ok.append(False)
            print("legit connection: %s" % e, flush=True)

    t = threading.Thread(target=legit)
    t.start()
    deadline = time.monotonic() + a.timeout
    ports = list(range(1024, 65536))
    rnd.shuffle(ports)
    while sent < a.count and time.monotonic() < deadline:
        sport = ports[sent % len(ports)]
        seq = rnd.getrandbits(32)
        hdr = struct.pack("!HHIIBBHHH", sport, a.port, seq, 0, 5 << 4, 0x02, 65535, 0, 0)
        ph = src + dst + struct.pack("!BBH", 0, 6, len(hdr))
        c = csum(ph + hdr)
        hdr = hdr[:16] + struct.pack("!H", c) + hdr[18:]
        iph = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(hdr), sent & 0xffff, 0, 64, 6, 0,
                          src, dst)
        iph = iph[:10] + struct.pack("!H", csum(iph)) + iph[12:]
        raw.sendto(iph + hdr, (a.host, 0))
        sent += 1
    t.join(a.timeout)
    raw.close()
    if sent < a.count:
        fail("synflood: only %d SYNs sent before the deadline" % sent)
    if not ok or not ok[0]:
        fail("synflood: the legitimate connection failed during the flood")
    print("OK synflood %d SYNs; a legitimate echo connection worked during it" % sent, flush=True)


def cmd_echo_server(a):
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((a.host, a.port))
    ls.listen(max(16, a.conns))
    ls.settimeout(a.timeout)
    print("READY", flush=True)
    results = []

    def serve(c):
        c.settimeout(a.timeout)
        off = 0
        bad = 0
        try:
            while True:
                d = c.recv(1 << 18)
                if not d:
                    break
                if d != chargen_bytes(off, len(d)):
                    bad += 1
                off += len(d)
                c.sendall(d)  # keep sending after the peer's FIN has arrived
            c.shutdown(socket.SHUT_WR)
            c.close()
            results.append((off, bad))
        except OSError as e:
            results.append((off, -1))
            print("echo-server: %s" % e, flush=True)

    threads = []
    for _ in range(a.conns):
        try:
            c, _ = ls.accept()
        except socket.timeout:
            fail("echo-server: only %d connections arrived" % len(threads))
        t = threading.Thread(target=serve, args=(c,))
        t.start()
        threads.append(t)
    for t in threads:
        t.join(a.timeout)
    ls.close()
    if len(results) != a.conns or any(b != 0 for _, b in results):
        fail("echo-server: results %s" % results)
    print("OK echo-server %d connections, %s bytes each, all the chargen pattern" %
          (a.conns, sorted(set(o for o, _ in results))), flush=True)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--timeout", type=float, default=120.0)
    p.add_argument("--seed", type=int, default=1)
    sub = p.add_subparsers(dest="cmd", required=True)
    for name in ("echo-bulk", "chargen-bulk", "discard-bulk", "half-close-send"):
        q = sub.add_parser(name)
        q.add_argument("host")
        q.add_argument("port", type=int)
        q.add_argument("bytes", type=int)
    q = sub.add_parser("many")
    q.add_argument("--active", type=int, default=200)
    q.add_argument("host")
    q.add_argument("port", type=int)
    q.add_argument("conns", type=int)
    q.add_argument("bytes", type=int)
    for name in ("refused", "abort"):
        q = sub.add_parser(name)
        q.add_argument("host")
        q.add_argument("port", type=int)
    q = sub.add_parser("synflood")
    q.add_argument("src")
    q.add_argument("host")
    q.add_argument("port", type=int)
    q.add_argument("count", type=int)
    q = sub.add_parser("echo-server")
    q.add_argument("host")
    q.add_argument("port", type=int)
    q.add_argument("conns", type=int)
    a = p.parse_args()
    {"echo-bulk": cmd_echo_bulk, "chargen-bulk": cmd_chargen_bulk,
     "discard-bulk": cmd_discard_bulk, "many": cmd_many,
     "half-close-send": cmd_half_close_send, "refused": cmd_refused, "abort": cmd_abort,
     "synflood": cmd_synflood, "echo-server": cmd_echo_server}[a.cmd](a)


if __name__ == "__main__":
    main()
