#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Helper of scripts/testnet (python3 stdlib only): read the nodes' consensuses,
wait until the network is ready, print its status, wait for TCP ports.

  testnet-helper.py wait ENV [--timeout S] [--expect-nick NICK]...
  testnet-helper.py status ENV
  testnet-helper.py waitport HOST:PORT... [--timeout S]

ENV is the `env` file `scripts/testnet start` writes. Every loop is bounded.
A node's consensus is the microdescriptor-flavoured one in its DataDirectory
(cached-microdesc-consensus): what tor 0.4.9 clients and relays use for
circuits and for the exit's "known relay" check.
"""
import argparse
import base64
import os
import shlex
import signal
import socket
import sys
import time
import urllib.request


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


def b64_to_hex(s):
    return base64.b64decode(s + "=" * (-len(s) % 4)).hex().upper()


def read_consensus(datadir):
    """The node's microdesc consensus: dict with valid_after, mtime and
    routers {FP: (nick, set(flags))}, or None if it has none yet."""
    path = os.path.join(datadir, "cached-microdesc-consensus")
    try:
        st = os.stat(path)
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
    except OSError:
        return None
    cons = {"valid_after": "", "mtime": st.st_mtime, "routers": {}}
    fp = None
    for line in text.splitlines():
        if line.startswith("valid-after "):
            cons["valid_after"] = line[len("valid-after "):]
        elif line.startswith("r "):
            tok = line.split()
            try:
                fp = b64_to_hex(tok[2])
            except (IndexError, ValueError):
                fp = None
                continue
            cons["routers"][fp] = (tok[1], set())
        elif line.startswith("s ") and fp in cons["routers"]:
            cons["routers"][fp][1].update(line.split()[1:])
    if not cons["valid_after"]:
        return None  # partly written
    return cons


def pid_alive(pid):
    try:
        pid = int(pid)
        os.kill(pid, 0)
    except (ValueError, OSError):
        return False
    try:  # a zombie is not alive
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


class Net:
    """The network as the env file describes it."""

    def __init__(self, env):
        self.env = env
        self.auths = env.get("TESTNET_AUTHS", "").split()
        self.relays = env.get("TESTNET_RELAYS", "").split()
        self.client = env.get("TESTNET_CLIENT", "client")
        # every tor relay (authorities are relays too), by fingerprint
        self.tor_relays = self.auths + self.relays
        self.tor_nodes = self.tor_relays + [self.client]

    def get(self, node, key, default=""):
        return self.env.get(f"{node.upper()}_{key}", default)

    def fp(self, node):
        return self.get(node, "FP")

    def datadir(self, node):
        return self.get(node, "DIR")

    def pid(self, node):
        return self.get(node, "PID")


def control_getinfo(addr, cookie_path, keys, timeout=3.0):
    """GETINFO over the client's ControlPort (cookie auth); {key: value} or None."""
    try:
        host, port = addr.rsplit(":", 1)
        with open(cookie_path, "rb") as f:
            cookie = f.read()
        s = socket.create_connection((host, int(port)), timeout=timeout)
    except (OSError, ValueError):
        return None
    try:
        f = s.makefile("rwb")
        f.write(b"AUTHENTICATE " + cookie.hex().encode() + b"\r\n")
        f.flush()
        if not f.readline().startswith(b"250"):
            return None
        f.write(("GETINFO " + " ".join(keys) + "\r\n").encode())
        f.flush()
        out = {}
        while True:
            line = f.readline().decode(errors="replace").rstrip("\r\n")
            if not line:
                return None
            if line.startswith("250 ") or not line.startswith("250"):
                break
            if line.startswith("250-") and "=" in line:
                k, v = line[4:].split("=", 1)
                out[k] = v
            elif line.startswith("250+"):
                k = line[4:].rstrip("=")
                body = []
                while True:
                    b = f.readline().decode(errors="replace").rstrip("\r\n")
                    if b in (".", ""):
                        break
                    body.append(b)
                out[k] = "\n".join(body)
        return out if line.startswith("250") else None
    except OSError:
        return None
    finally:
        s.close()


def client_bootstrap(net):
    addr = net.env.get("CLIENT_CONTROL", "")
    cookie = net.env.get("CLIENT_COOKIE", "")
    r = control_getinfo(addr, cookie, ["status/bootstrap-phase"])
    if not r:
        return None
    for tok in r.get("status/bootstrap-phase", "").split():
        if tok.startswith("PROGRESS="):
            try:
                return int(tok[len("PROGRESS="):])
            except ValueError:
                return None
    return None


def node_missing(net, node, cons, expect):
    """What NODE's consensus still lacks: a list of short strings."""
    if cons is None:
        return ["no consensus"]
    miss = []
    for r in net.tor_relays:
        ent = cons["routers"].get(net.fp(r))
        if ent is None:
            miss.append(f"{r} not listed")
        elif "Running" not in ent[1]:
            miss.append(f"{r} not Running")
    for nick in expect:
        ent = [e for fp, e in cons["routers"].items() if e[0] == nick or fp == nick.upper().lstrip("$")]
        if not ent:
            miss.append(f"{nick} not listed")
        elif not any("Running" in e[1] for e in ent):
            miss.append(f"{nick} not Running")
    return miss


def vote_entry(net, nick):
    """NICK's flags in each authority's current vote (fetched from its
    DirPort): says whether the authorities have its descriptor at all."""
    out = []
    for a in net.auths:
        url = f"http://{net.get(a, 'IP')}:{net.get(a, 'DIRPORT')}/tor/status-vote/current/authority"
        try:
            with urllib.request.urlopen(url, timeout=3) as r:
                text = r.read().decode(errors="replace")
        except (OSError, ValueError) as e:
            out.append(f"{a}: ? ({e})")
            continue
        flags, cur = None, None
        for line in text.splitlines():
            if line.startswith("r "):
                tok = line.split()
                cur = tok[1] == nick or b64_to_hex(tok[2]) == nick.upper().lstrip("$")
            elif line.startswith("s ") and cur:
                flags = line[2:] or "(no flags)"
                break
        out.append(f"{a}: {flags if flags else 'not in the vote'}")
    return "; ".join(out)


def cmd_wait(args):
    net = Net(read_env(args.env))
    started = float(net.env.get("TESTNET_STARTED", "0") or 0)
    t0 = time.time()
    deadline = t0 + args.timeout
    last_hup = {}
    last_report = t0
    expect = args.expect_nick or []
    hup_after = 3.0  # pitfall 4: HUP a node still without it 3 s after auth0 has it
    hup_every = 10.0
    while True:
        now = time.time()
        missing = {}
        for node in net.tor_nodes:
            if not pid_alive(net.pid(node)):
                print(f"testnet wait: {node} (pid {net.pid(node)}) is not running; "
                      f"see {net.datadir(node)}/notice.log", file=sys.stderr)
                return 1
            m = node_missing(net, node, read_consensus(net.datadir(node)), expect)
            if node == net.client and not m:
                p = client_bootstrap(net)
                if p != 100:
                    m = [f"bootstrapped {p if p is not None else '?'}%"]
            if m:
                missing[node] = m
        if not missing:
            dt = now - t0
            msg = f"testnet: ready after {dt:.1f} s of wait"
            if started:
                msg += f", {now - started:.1f} s after start"
            print(msg)
            return 0
        if now >= deadline:
            print(f"testnet wait: timed out after {args.timeout:g} s; missing:", file=sys.stderr)
            for node, m in missing.items():
                print(f"  {node}: {', '.join(m)}", file=sys.stderr)
            for nick in expect:
                print(f"  {nick} in the authorities' current votes: {vote_entry(net, nick)}", file=sys.stderr)
            return 1
        # Pitfall 4: nodes back off after the 404s they get before the first
        # consensus; SIGHUP resets that. Once auth0 has a consensus that
        # would satisfy a node, and has had it for 3 s, HUP the node (again
        # every 10 s at most while it stays behind).
        a0 = read_consensus(net.datadir(net.auths[0])) if net.auths else None
        if a0 and not node_missing(net, net.auths[0], a0, expect) and now - a0["mtime"] >= hup_after:
            for node in missing:
                if node in net.auths:
                    continue
                if now - last_hup.get(node, 0) < hup_every:
                    continue
                try:
                    os.kill(int(net.pid(node)), signal.SIGHUP)
                    last_hup[node] = now
                    if args.verbose:
                        print(f"testnet wait: SIGHUP to {node} ({', '.join(missing[node])})")
                except (OSError, ValueError):
                    pass
        if now - last_report >= 15:
            last_report = now
            print(f"testnet wait: {now - t0:.0f} s, waiting for: "
                  + "; ".join(f"{n} ({', '.join(m[:2])}{', ...' if len(m) > 2 else ''})"
                              for n, m in missing.items()))
        time.sleep(0.5)


def cmd_status(args):
    net = Net(read_env(args.env))
    env = net.env
    conss = {n: read_consensus(net.datadir(n)) for n in net.tor_nodes}
    ref = conss.get(net.auths[0]) if net.auths else None
    rc = 0
    print(f"{'node':<9} {'address':<16} {'pid':>7} {'alive':<5} {'own consensus':<27} "
          f"{'listed':<7} flags (in {net.auths[0] if net.auths else '?'}'s consensus)")

    def listed(fp):
        if not fp:
            return "-"
        n = sum(1 for c in conss.values() if c and fp in c["routers"])
        return f"{n}/{len(net.tor_nodes)}"

    def flags(fp):
        if not ref or not fp or fp not in ref["routers"]:
            return "-"
        return " ".join(sorted(ref["routers"][fp][1]))

    for node in net.tor_nodes:
        alive = pid_alive(net.pid(node))
        rc |= 0 if alive else 1
        c = conss[node]
        own = f"{c['valid_after']} ({len(c['routers'])})" if c else "none"
        addr = net.get(node, "IP")
        if node == net.client:
            p = client_bootstrap(net) if alive else None
            fl = f"bootstrapped {p if p is not None else '?'}%"
            lst = "-"
        else:
            addr += ":" + net.get(node, "ORPORT")
            fl = flags(net.fp(node))
            lst = listed(net.fp(node))
        print(f"{node:<9} {addr:<16} {net.pid(node):>7} {'yes' if alive else 'NO':<5} {own:<27} {lst:<7} {fl}")
    if env.get("HTTP_PID"):
        alive = pid_alive(env["HTTP_PID"])
        rc |= 0 if alive else 1
        print(f"{'http':<9} {env.get('HTTP_IP', '') + ':' + env.get('HTTP_PORT', ''):<16} "
              f"{env['HTTP_PID']:>7} {'yes' if alive else 'NO':<5} {env.get('HTTP_URL', '')} "
              f"({env.get('HTTP_SIZE', '?')} bytes)")
    if env.get("CHIVE") == "1":
        cp = pid_alive(env.get("CHIVE_CP_PID", ""))
        dp = pid_alive(env.get("CHIVE_DP_PID", ""))
        rc |= 0 if cp and dp else 1
        fp = env.get("CHIVE_FP", "")
        print(f"{'chive':<9} {env.get('CHIVE_IP', '') + ':' + env.get('CHIVE_ORPORT', ''):<16} "
              f"{env.get('CHIVE_CP_PID', ''):>7} {'yes' if cp else 'NO':<5} "
              f"{'(controlplane)':<27} {listed(fp):<7} {flags(fp)}")
        print(f"{'':<9} {'':<16} {env.get('CHIVE_DP_PID', ''):>7} {'yes' if dp else 'NO':<5} (dataplane)")
    return rc


def cmd_waitport(args):
    deadline = time.time() + args.timeout
    pending = list(args.addrs)
    while pending:
        for a in list(pending):
            host, port = a.rsplit(":", 1)
            try:
                socket.create_connection((host, int(port)), timeout=1).close()
                pending.remove(a)
            except OSError:
                pass
        if pending:
            if time.time() >= deadline:
                print(f"testnet: not listening after {args.timeout:g} s: {' '.join(pending)}",
                      file=sys.stderr)
                return 1
            time.sleep(0.2)
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    w = sub.add_parser("wait")
    w.add_argument("env")
    w.add_argument("--timeout", type=float, default=180)
    w.add_argument("--expect-nick", action="append")
    w.add_argument("-v", "--verbose", action="store_true")
    s = sub.add_parser("status")
    s.add_argument("env")
    p = sub.add_parser("waitport")
    p.add_argument("addrs", nargs="+")
    p.add_argument("--timeout", type=float, default=30)
    args = ap.parse_args()
    return {"wait": cmd_wait, "status": cmd_status, "waitport": cmd_waitport}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
