#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Fetch a URL through the test network's tor client over an explicit path.

Talks to the client's ControlPort (cookie authentication), builds a circuit
with EXTENDCIRCUIT 0 fp1,fp2,fp3 and waits for BUILT, opens a SOCKS5
connection to the URL's IP:port, attaches the stream to that circuit when
its STREAM NEW event arrives (the client runs with __LeaveStreamsUnattached),
fetches the URL with HTTP/1.0, hashes the body on the fly (and writes it with
--out), and prints one JSON object. Exit status 0 only if every step worked
(and the SHA-256 matches, when one is expected).

Runs itself inside the test network's namespace (ip netns exec) when started
outside it. Everything it waits for is bounded.

  scripts/testnet-client.py --path guard,middle,exit            # the env file's URL and SHA-256
  scripts/testnet-client.py --path chive                        # guard,chive,exit
  scripts/testnet-client.py --path '$FP1,$FP2,$FP3' --url http://10.90.0.40:8000/file.bin --out /tmp/f
"""
import argparse
import base64
import hashlib
import json
import os
import queue
import re
import shlex
import socket
import struct
import sys
import threading
import time
import urllib.parse


class Fail(Exception):
    pass


def read_env(path):
    env = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#") or "=" not in line:
                continue
            k, v = line.split("=", 1)
            parts = shlex.split(v)
            env[k] = parts[0] if parts else ""
    return env


def enter_netns(env, argv):
    """Re-exec inside the env's namespace unless already there."""
    ns = env.get("TESTNET_NS")
    if not ns or os.environ.get("TESTNET_CLIENT_IN_NS") == "1":
        return
    path = f"/run/netns/{ns}"
    try:
        if os.stat(path).st_ino == os.stat("/proc/self/ns/net").st_ino:
            return
    except OSError:
        raise Fail(f"namespace {ns} does not exist (scripts/testnet start)")
    os.environ["TESTNET_CLIENT_IN_NS"] = "1"
    os.execvp("ip", ["ip", "netns", "exec", ns, sys.executable, os.path.abspath(argv[0])] + argv[1:])


class Control:
    """A tor ControlPort connection: a reader thread splits replies from events."""

    def __init__(self, addr, cookie_path, timeout):
        host, port = addr.rsplit(":", 1)
        try:
            self.sock = socket.create_connection((host, int(port)), timeout=timeout)
        except OSError as e:
            raise Fail(f"cannot connect to the ControlPort {addr}: {e}")
        self.sock.settimeout(None)
        self.rfile = self.sock.makefile("rb")
        self.replies = queue.Queue()
        self.events = queue.Queue()
        self.timeout = timeout
        self.closed = False
        threading.Thread(target=self._reader, daemon=True).start()
        try:
            with open(cookie_path, "rb") as f:
                cookie = f.read()
        except OSError as e:
            raise Fail(f"cannot read the control cookie: {e}")
        self.cmd("AUTHENTICATE " + cookie.hex())

    def _reader(self):
        lines = []
        try:
            while True:
                raw = self.rfile.readline()
                if not raw:
                    break
                line = raw.decode(errors="replace").rstrip("\r\n")
                lines.append(line)
                if len(line) >= 4 and line[3] == "+":  # data block until "."
                    while True:
                        raw = self.rfile.readline()
                        if not raw:
                            break
                        d = raw.decode(errors="replace").rstrip("\r\n")
                        if d == ".":
                            break
                        lines.append(d)
                    continue
                if len(line) >= 4 and line[3] == " ":
                    (self.events if line.startswith("650") else self.replies).put(lines)
                    lines = []
        except OSError:
            pass
        self.closed = True
        self.replies.put(None)
        self.events.put(None)

    def cmd(self, line, ok=("250",)):
        self.sock.sendall((line + "\r\n").encode())
        try:
            r = self.replies.get(timeout=self.timeout)
        except queue.Empty:
            raise Fail(f"no answer to '{line.split()[0]}' within {self.timeout:g} s")
        if r is None:
            raise Fail(f"the ControlPort closed the connection ('{line.split()[0]}')")
        if not r[-1][:3] in ok:
            raise Fail(f"'{line.split()[0]} ...' answered: {' | '.join(r)}")
        return r

    def event(self, deadline):
        """Next event (list of lines), or None at the deadline."""
        t = deadline - time.time()
        if t <= 0:
            return None
        try:
            e = self.events.get(timeout=t)
        except queue.Empty:
            return None
        if e is None:
            raise Fail("the ControlPort closed the connection")
        return e

    def getinfo(self, key):
        r = self.cmd("GETINFO " + key)
        out = []
        for line in r:
            if line.startswith("250-" + key + "="):
                out.append(line[len(key) + 5:])
            elif line.startswith("250+" + key + "="):
                continue
            elif not line.startswith("250"):
                out.append(line)
        return "\n".join(out)

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def consensus_entry(ctl, fp):
    """The client's consensus entry ("r ..." lines) for FP, or "" if it has none."""
    try:
        ns = ctl.getinfo(f"ns/id/{fp}")
    except Fail:  # 552 Unrecognized key
        return ""
    return ns if ns.startswith("r ") else ""  # pitfall 7: or 250 and nothing


def resolve_path(ctl, env, spec):
    """--path items -> [(fp, nick)]. An item is an env node name (guard,
    middle, exit, chive, ...), a fingerprint ($ optional) or a nickname."""
    items = [s.strip() for s in spec.split(",") if s.strip()]
    if items == ["chive"]:
        items = ["guard", "chive", "exit"]
    hops = []
    for it in items:
        fp = env.get(f"{it.upper()}_FP", "") if re.fullmatch(r"[A-Za-z0-9]+", it) else ""
        if not fp and re.fullmatch(r"\$?[0-9A-Fa-f]{40}", it):
            fp = it.lstrip("$").upper()
        if not fp:  # a nickname the client's consensus knows
            try:
                ns = ctl.getinfo(f"ns/name/{it}") if re.fullmatch(r"[A-Za-z0-9]{1,19}", it) else ""
            except Fail:
                ns = ""
            if not ns.startswith("r "):  # pitfall 7: unknown gives 250 and nothing
                raise Fail(f"path item '{it}': not a node of the env file, a fingerprint, "
                           "or a nickname in the client's consensus")
            b = ns.split()[2]
            fp = base64.b64decode(b + "=" * (-len(b) % 4)).hex().upper()
        ns = consensus_entry(ctl, fp)
        nick = ns.split()[1] if ns else None
        hops.append((fp, nick or it))
    if len(hops) < 1:
        raise Fail("empty --path")
    return hops


def build_circuit(ctl, hops, deadline, attempts):
    """EXTENDCIRCUIT until one is BUILT (at most ATTEMPTS, before DEADLINE)."""
    path = ",".join("$" + fp for fp, _ in hops)
    last = "?"
    n = 0
    while n < attempts and time.time() < deadline:
        missing = [f"{nick} ({fp})" for fp, nick in hops if not consensus_entry(ctl, fp)]
        if missing:  # it may yet arrive with the next consensus
            last = "not in the client's consensus: " + ", ".join(missing)
            time.sleep(min(2.0, max(0.0, deadline - time.time())))
            continue
        n += 1
        try:
            r = ctl.cmd("EXTENDCIRCUIT 0 " + path)
        except Fail as e:  # e.g. 552: no descriptor for a hop yet
            last = str(e)
            time.sleep(min(2.0, max(0.0, deadline - time.time())))
            continue
        m = re.match(r"250 EXTENDED (\d+)", r[-1])
        if not m:
            raise Fail(f"EXTENDCIRCUIT answered {r[-1]}")
        cid = m.group(1)
        while True:
            e = ctl.event(deadline)
            if e is None:
                raise Fail(f"circuit {cid} not built before the timeout (attempt {n}; last: {last})")
            tok = e[0].split()
            if len(tok) >= 4 and tok[1] == "CIRC" and tok[2] == cid:
                if tok[3] == "BUILT":
                    return cid, n
                if tok[3] in ("FAILED", "CLOSED"):
                    last = f"circuit {cid} {tok[3]} " + " ".join(t for t in tok[4:] if t.startswith("REASON"))
                    break
    raise Fail(f"no circuit built over {path}: {last}")


def socks5_connect_request(s, ip, port):
    s.sendall(b"\x05\x01\x00")
    r = recv_exact(s, 2)
    if r != b"\x05\x00":
        raise Fail(f"SOCKS5 method answer {r.hex()}")
    s.sendall(b"\x05\x01\x00\x01" + socket.inet_aton(ip) + struct.pack(">H", port))


def socks5_connect_reply(s):
    r = recv_exact(s, 4)
    if r[1] != 0:
        reasons = {1: "general failure", 2: "not allowed", 3: "network unreachable", 4: "host unreachable",
                   5: "connection refused", 6: "TTL expired", 7: "command not supported"}
        raise Fail(f"SOCKS5 CONNECT failed: {reasons.get(r[1], r[1])}")
    alen = {1: 4, 4: 16}.get(r[3])
    if alen is None:
        alen = recv_exact(s, 1)[0]
    recv_exact(s, alen + 2)


def recv_exact(s, n):
    b = b""
    while len(b) < n:
        c = s.recv(n - len(b))
        if not c:
            raise Fail("connection closed early")
        b += c
    return b


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--env", default=os.path.join(os.environ.get("TESTNET_DIR", "/tmp/chive-testnet"), "env"),
                    help="the testnet's env file (default $TESTNET_DIR/env, /tmp/chive-testnet/env)")
    ap.add_argument("--path", default="guard,middle,exit",
                    help="hops: env node names (guard, middle, middle2, exit, chive, auth0...), "
                         "fingerprints or nicknames; 'chive' alone = guard,chive,exit (default guard,middle,exit)")
    ap.add_argument("--url", help="http://IP:PORT/PATH (default: the env file's HTTP_URL)")
    ap.add_argument("--expect-sha256", help="fail unless the body has this SHA-256 "
                    "(default: the env file's HTTP_SHA256 when --url is the env's; 'none' to skip)")
    ap.add_argument("--out", help="also write the body to this file")
    ap.add_argument("--timeout", type=float, default=300, help="for the whole run, seconds (default 300)")
    ap.add_argument("--build-timeout", type=float, default=60, help="for building the circuit (default 60)")
    ap.add_argument("--attempts", type=int, default=5, help="circuits tried before giving up (default 5)")
    ap.add_argument("--control", help="ControlPort IP:PORT (default: the env file's CLIENT_CONTROL)")
    ap.add_argument("--socks", help="SocksPort IP:PORT (default: the env file's CLIENT_SOCKS)")
    ap.add_argument("--keep-circuit", action="store_true", help="do not close the circuit at the end")
    args = ap.parse_args()

    t_start = time.time()
    deadline = t_start + args.timeout
    result = {"ok": False}
    ctl = None
    try:
        try:
            env = read_env(args.env)
        except OSError as e:
            raise Fail(f"cannot read the env file: {e} (scripts/testnet start; or --env)")
        enter_netns(env, sys.argv)
        url = args.url or env.get("HTTP_URL")
        if not url:
            raise Fail("no --url and no HTTP_URL in the env file")
        expect = args.expect_sha256
        if expect is None and url == env.get("HTTP_URL"):
            expect = env.get("HTTP_SHA256")
        if expect and expect.lower() == "none":
            expect = None
        u = urllib.parse.urlsplit(url)
        if u.scheme != "http" or not u.hostname:
            raise Fail(f"--url must be http://IP:PORT/PATH, got {url}")
        try:
            ip = socket.inet_ntoa(socket.inet_aton(u.hostname))
        except OSError:
            raise Fail(f"--url must name an IPv4 address (the exit has no DNS), got {u.hostname}")
        port = u.port or 80
        control = args.control or env.get("CLIENT_CONTROL")
        socks = args.socks or env.get("CLIENT_SOCKS")
        if not control or not socks:
            raise Fail("no ControlPort/SocksPort (env file or --control/--socks)")

        ctl = Control(control, env.get("CLIENT_COOKIE", ""), timeout=max(5.0, min(30.0, args.timeout)))
        ctl.cmd("SETEVENTS CIRC STREAM")
        hops = resolve_path(ctl, env, args.path)
        result["path"] = [{"nick": n, "fp": fp} for fp, n in hops]
        result["url"] = url

        t_build = time.time()
        cid, attempts = build_circuit(ctl, hops, min(deadline, t_build + args.build_timeout), args.attempts)
        result["circuit"] = int(cid)
        result["build_seconds"] = round(time.time() - t_build, 3)
        result["build_attempts"] = attempts

        # The stream: SOCKS5 CONNECT; tor reports STREAM NEW with our source
        # address; attach it to the circuit; then the SOCKS reply.
        sh, sp = socks.rsplit(":", 1)
        s = socket.create_connection((sh, int(sp)), timeout=30)
        s.settimeout(max(1.0, deadline - time.time()))
        src = "%s:%d" % s.getsockname()[:2]
        socks5_connect_request(s, ip, port)
        sid = None
        while sid is None:
            e = ctl.event(deadline)
            if e is None:
                raise Fail("no STREAM NEW event for our SOCKS request before the timeout")
            tok = e[0].split()
            if len(tok) >= 4 and tok[1] == "STREAM" and tok[3] == "NEW" and f"SOURCE_ADDR={src}" in tok:
                sid = tok[2]
            elif len(tok) >= 4 and tok[1] == "CIRC" and tok[2] == cid and tok[3] in ("FAILED", "CLOSED"):
                raise Fail(f"circuit {cid} {tok[3]} before the stream was attached: {e[0]}")
        ctl.cmd(f"ATTACHSTREAM {sid} {cid}")
        result["stream"] = int(sid)
        while True:  # the exit's answer, as the client reports it
            e = ctl.event(deadline)
            if e is None:
                raise Fail(f"stream {sid} not connected before the timeout")
            tok = e[0].split()
            if len(tok) >= 4 and tok[1] == "STREAM" and tok[2] == sid:
                if tok[3] == "SUCCEEDED":
                    break
                if tok[3] in ("FAILED", "CLOSED", "DETACHED"):
                    why = " ".join(t for t in tok[4:] if "REASON" in t)
                    raise Fail(f"stream {sid} {tok[3]} on circuit {cid}: {why or e[0]}")
        socks5_connect_reply(s)

        t_req = time.time()
        hostport = f"{ip}:{port}" if u.port else ip
        req = f"GET {u.path or '/'}{'?' + u.query if u.query else ''} HTTP/1.0\r\nHost: {hostport}\r\n" \
              "User-Agent: chive-testnet-client\r\nConnection: close\r\n\r\n"
        s.sendall(req.encode())
        buf = b""
        while b"\r\n\r\n" not in buf:
            if len(buf) > 65536:
                raise Fail("HTTP header too long")
            c = s.recv(65536)
            if not c:
                raise Fail("connection closed before the HTTP header ended")
            buf += c
        head, body = buf.split(b"\r\n\r\n", 1)
        hl = head.decode(errors="replace").split("\r\n")
        status = hl[0].split(" ", 2)
        if len(status) < 2 or status[1] != "200":
            raise Fail(f"HTTP answer: {hl[0]}")
        clen = None
        for h in hl[1:]:
            k, _, v = h.partition(":")
            if k.strip().lower() == "content-length":
                clen = int(v.strip())
        h = hashlib.sha256()
        n = 0
        out = open(args.out, "wb") if args.out else None
        t_first = time.time()
        try:
            while True:
                if body:
                    h.update(body)
                    n += len(body)
                    if out:
                        out.write(body)
                if clen is not None and n >= clen:
                    break
                if time.time() >= deadline:
                    raise Fail(f"timed out after {args.timeout:g} s with {n} bytes of the body")
                s.settimeout(max(0.1, deadline - time.time()))
                try:
                    body = s.recv(262144)
                except socket.timeout:
                    raise Fail(f"timed out after {args.timeout:g} s with {n} bytes of the body")
                if not body:
                    break
        finally:
            if out:
                out.close()
        t_end = time.time()
        s.close()
        secs = t_end - t_req
        result.update({
            "http_status": int(status[1]),
            "bytes": n,
            "content_length": clen,
            "seconds": round(secs, 3),
            "first_byte_seconds": round(t_first - t_req, 3),
            "mbit_per_s": round(n * 8 / secs / 1e6, 2) if secs > 0 else None,
            "mib_per_s": round(n / secs / 2**20, 2) if secs > 0 else None,
            "sha256": h.hexdigest(),
        })
        if args.out:
            result["out"] = args.out
        if clen is not None and n != clen:
            raise Fail(f"body has {n} bytes, Content-Length says {clen}")
        if expect:
            result["expect_sha256"] = expect.lower()
            result["sha256_ok"] = h.hexdigest() == expect.lower()
            if not result["sha256_ok"]:
                raise Fail("SHA-256 of the body differs from the expected one")
        result["ok"] = True
    except Fail as e:
        result["error"] = str(e)
    except (OSError, ValueError) as e:
        result["error"] = f"{type(e).__name__}: {e}"
    finally:
        result["total_seconds"] = round(time.time() - t_start, 3)
        if ctl is not None:
            if "circuit" in result and not args.keep_circuit and not ctl.closed:
                try:
                    ctl.cmd(f"CLOSECIRCUIT {result['circuit']}")
                except Fail:
                    pass
            ctl.close()
    print(json.dumps(result, indent=None))
    if not result["ok"]:
        print(f"testnet-client: {result.get('error')}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
