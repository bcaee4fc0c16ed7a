#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Middle-relay benchmark (`make bench`; never a timed test): Chive against tor.

The relay under test is (a) Chive (chive-dataplane on one lcore over an
af_packet port, chive-controlplane with one onion worker) and (b) Debian's tor
as a relay, in the same run, each on its own veth pair in a private network
namespace. chive-torclient, built from Chive's own code, is the load: it is
the client (one channel into the relay) and the next hop (its echo endpoint,
which the relay extends every circuit to and which sends every relay cell
back). Each data cell therefore crosses the relay twice, once each way.

Cases, each for Chive, tor and "direct" (the generator talking to its echo
endpoint without a relay, the baseline for added latency):

  forwarding, N = 1, 1k and 64k circuits: build N circuits (CREATE_FAST to
  the relay, ntor-v3 to the endpoint), then
    phase 0, latency: LAT_RATE cells/s over all circuits, round-trip times;
    phase 1, throughput: as fast as the windows allow, for THR_S seconds.
  Reported: relayed cells/s (2 x echoes/s), the relay's CPU seconds per GiB
  relayed (Chive: busy TSC cycles of its lcore from its own counters; tor:
  its process CPU time), the cells/s one core would give at that cost,
  median and p99 added round-trip latency (relay RTT - direct RTT in phase
  0), and memory per circuit (tor: RSS growth per circuit built; Chive:
  dataplane RSS per circuit slot, from a second start with few slots).

  handshakes: one-hop circuits with CREATE2 ntor-v3 (HS_CIRCS of them, 64
  in flight): handshakes/s on the wall clock and per CPU-second of the
  relay (Chive: the control plane's CPU time; tor: its process CPU time).

  forwarding under a CREATE2 flood: the 1k-circuit throughput phase while a
  second generator builds one-hop ntor-v3 circuits as fast as it can.

Prints a table and writes $O/bench/relay.json. Environment: O (build dir),
BENCH_QUICK=1 (short phases, 16k instead of 64k circuits: a smoke run);
for working on one case: BENCH_CIRCUITS=1000,65536 (the forwarding cases to
run), BENCH_RELAYS=chive (which of direct,chive,tor), BENCH_PARTS=fwd (which
of fwd,hs,flood).
"""
import json
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "../.."))
O = os.environ.get("O", "build")
if not os.path.isabs(O):
    O = os.path.join(ROOT, O)
BIN = os.path.join(O, "bin")
OUT = os.path.join(O, "bench")
QUICK = os.environ.get("BENCH_QUICK", "") not in ("", "0")

PID = os.getpid()
NS = "chive-benchr-%d" % PID
NS2 = "chive-benchr2-%d" % PID
SHM = "chive-benchr-%d" % PID
SHM2 = "chive-benchr-slots-%d" % PID
ORPORT = 9001
CHIVE_IP, GEN_IP_C = "10.77.0.2", "10.77.0.1"
TOR_IP, GEN_IP_T = "10.77.1.2", "10.77.1.1"
GEN_CPU, RELAY_CPU = "0", "1"

LAT_RATE = 2000  # cells/s in the latency phase
LAT_S = 2 if QUICK else 4
THR_S = 3 if QUICK else 8
BIG = 16384 if QUICK else 65536
# circuits -> (window, parallel builds)
CASES = [(1, 256, 1), (1000, 8, 64), (BIG, 1, 256)]
if os.environ.get("BENCH_CIRCUITS"):
    _want = [int(x) for x in os.environ["BENCH_CIRCUITS"].split(",")]
    CASES = [c for c in CASES if c[0] in _want]
RELAYS = os.environ.get("BENCH_RELAYS", "direct,chive,tor").split(",")
PARTS = os.environ.get("BENCH_PARTS", "fwd,hs,flood").split(",")
HS_CIRCS = 1000 if QUICK else 4000
SLOTS_SMALL = 64

procs = []
tmp = tempfile.mkdtemp(prefix="chive-benchr.")


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def run(*args, check=True, **kw):
    return subprocess.run(list(args), check=check, **kw)


def nsx(ns, *args):
    return ["ip", "netns", "exec", ns] + list(args)


def spawn(args, **kw):
    p = subprocess.Popen(args, **kw)
    procs.append(p)
    return p


def cleanup():
    for p in procs:
        if p.poll() is None:
            try:
                p.send_signal(signal.SIGINT)
            except OSError:
                pass
    deadline = time.time() + 5
    for p in procs:
        try:
            p.wait(timeout=max(0.1, deadline - time.time()))
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
    for ns in (NS, NS2):
        subprocess.run(["ip", "netns", "del", ns], stderr=subprocess.DEVNULL)
    for s in (SHM, SHM2):
        if os.path.exists("/dev/shm/" + s):
            os.unlink("/dev/shm/" + s)
        shutil.rmtree("/var/run/dpdk/chive-" + s, ignore_errors=True)
    shutil.rmtree(tmp, ignore_errors=True)


def wait_for(pred, timeout, what):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if pred():
            return
        time.sleep(0.2)
    raise RuntimeError("timed out waiting for " + what)


def cpu_ticks(pid, kernel_only=False):
    """utime + stime (or stime alone) of a process, all its threads, in clock ticks."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[12]) + (0 if kernel_only else int(fields[11]))


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


TICK = os.sysconf("SC_CLK_TCK")


# ---- the network ----

def setup_net():
    run("ip", "netns", "add", NS)
    run("ip", "netns", "add", NS2)
    for ns in (NS, NS2):
        run(*nsx(ns, "ip", "link", "set", "lo", "up"))
    # Chive's link: the generator's kernel (vgen) <-> Chive (af_packet on vchive).
    run(*nsx(NS, "ip", "link", "add", "vgen", "type", "veth", "peer", "name", "vchive"))
    run(*nsx(NS, "ip", "addr", "add", GEN_IP_C + "/24", "dev", "vgen"))
    # tor's link: the generator's kernel (vgt, NS) <-> tor's kernel (vtor, NS2).
    run("ip", "link", "add", "vgt", "netns", NS, "type", "veth", "peer", "name", "vtor",
        "netns", NS2)
    run(*nsx(NS, "ip", "addr", "add", GEN_IP_T + "/24", "dev", "vgt"))
    run(*nsx(NS2, "ip", "addr", "add", TOR_IP + "/24", "dev", "vtor"))
    # A port like Chive's for the second, idle dataplane that chive_slot_bytes() starts.
    run(*nsx(NS2, "ip", "link", "add", "vchive", "type", "veth", "peer", "name", "vidle"))
    run(*nsx(NS2, "ip", "link", "set", "vidle", "up"))
    # The same offloads (none) on every end: af_packet cannot do checksums or TSO.
    for ns, dev in ((NS, "vgen"), (NS, "vchive"), (NS, "vgt"), (NS2, "vtor"), (NS2, "vchive")):
        run(*nsx(ns, "ip", "link", "set", dev, "up"))
        run(*nsx(ns, "ethtool", "-K", dev, "rx", "off", "tx", "off", "tso", "off", "gso",
                 "off", "gro", "off"), check=False, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)


# ---- Chive ----

class Chive:
    def __init__(self):
        self.sock = os.path.join(tmp, "cli.sock")
        self.data = os.path.join(tmp, "chive-data")
        os.mkdir(self.data, 0o700)
        self.dp = spawn(nsx(NS, os.path.join(BIN, "chive-dataplane"), *dp_args(SHM, BIG + 64)),
                        stdout=open(os.path.join(OUT, "relay-dp.log"), "w"),
                        stderr=subprocess.STDOUT)
        # The control plane shares the generator's core, never the lcore's.
        self.cp = spawn(["taskset", "-c", GEN_CPU, os.path.join(BIN, "chive-controlplane"),
                         "--shm", SHM, "--socket",
                         self.sock, "--data-dir", self.data, "--onion-workers", "1",
                         "--log-level", "warn"],
                        stdout=open(os.path.join(OUT, "relay-cp.log"), "w"),
                        stderr=subprocess.STDOUT)
        wait_for(lambda: self.counter("/dp/chan/link_installs") >= 1, 60,
                 "Chive's link credentials")
        self.dp_pid = dataplane_pid(self.dp.pid)
        # Idle, before any traffic touches buffers: what chive_slot_bytes() compares.
        time.sleep(1)
        self.rss_idle = rss_kib(self.dp_pid)
        self.hop = "%s:%d,%s" % (CHIVE_IP, ORPORT, self.data)

    def ctl(self, *args):
        r = subprocess.run([os.path.join(BIN, "chivectl"), "-s", self.sock, "-t", "10"] +
                           list(args), capture_output=True, text=True)
        return r.stdout if r.returncode == 0 else ""

    def counter(self, name):
        for line in self.ctl("counters", name).splitlines():
            f = line.split()
            if len(f) >= 2 and f[0] == name:
                return int(f[1])
        return 0

    def sample(self):
        lc = json.loads(self.ctl("--json", "show", "lcores") or "{}")
        busy = sum(x.get("busy_cycles", 0) for x in lc.get("lcores", []))
        return {"busy": busy, "hz": lc.get("tsc_hz", 0),
                "cells": self.counter("/dp/circ/cells_fwd") + self.counter("/dp/circ/cells_bwd"),
                "cp_ticks": cpu_ticks(self.cp.pid),
                "dp_sys_ticks": cpu_ticks(self.dp_pid, kernel_only=True), "t": time.time()}


def dp_args(shm, circ_max):
    return ["--no-huge", "--no-pci", "-l", RELAY_CPU, "-m", "1024", "--log-level=warning",
            "--file-prefix=chive-" + shm,
            "--vdev=net_af_packet0,iface=vchive,framecnt=8192,blocksz=4096,framesz=2048,qpairs=1",
            "--", "--shm", shm, "--port", "net_af_packet0", "--ip", CHIVE_IP + "/24",
            "--orport", str(ORPORT), "--mbufs", "32768", "--circ-max", str(circ_max),
            "--circ-cells", "131072", "--extend-private"]


def dataplane_pid(wrapper_pid):
    """`ip netns exec` execs the program, so the pid is the dataplane's own."""
    return wrapper_pid


def chive_slot_bytes(chive):
    """Dataplane RSS per circuit slot: the running dataplane's RSS when it was
    idle, against a second start, also idle, that differs only in having
    SLOTS_SMALL slots (its own port: an af_packet port on a veth named alike
    in NS2)."""
    big = chive.rss_idle
    args = ["--log-level=notice" if a == "--log-level=warning" else a
            for a in dp_args(SHM2, SLOTS_SMALL)]
    p = spawn(nsx(NS2, os.path.join(BIN, "chive-dataplane"), *args),
              stdout=open(os.path.join(OUT, "relay-dp-small.log"), "w"),
              stderr=subprocess.STDOUT)
    small = 0
    try:
        def ready():
            with open(os.path.join(OUT, "relay-dp-small.log")) as f:
                return "ready:" in f.read()
        wait_for(ready, 60, "the second dataplane")
        time.sleep(1)
        small = rss_kib(p.pid)
    finally:
        p.send_signal(signal.SIGINT)
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()
    slots = BIG + 64 - SLOTS_SMALL
    return {"rss_kib": big, "rss_kib_small": small,
            "bytes_per_slot": round((big - small) * 1024 / slots, 1) if small else None}


# ---- tor ----

class Tor:
    def __init__(self):
        self.dir = os.path.join(tmp, "tor")
        self.p = None
        os.mkdir(self.dir, 0o700)
        with open(os.path.join(self.dir, "torrc"), "w") as f:
            f.write("""DataDirectory {d}
TestingTorNetwork 1
DirAuthority placeholder orport=1 no-v2 v3ident=0000000000000000000000000000000000000000 {ip}:1 0000000000000000000000000000000000000000
Nickname benchtor
ContactInfo chive-bench
Address {ip}
ORPort {ip}:{port}
SocksPort 0
ExitRelay 0
PublishServerDescriptor 0
AssumeReachable 1
ExtendAllowPrivateAddresses 1
SafeLogging 0
Log notice file {d}/notice.log
RunAsDaemon 0
""".format(d=self.dir, ip=TOR_IP, port=ORPORT))
        self.start()

    def start(self):
        """Start (or restart: a fresh process per case, so its RSS growth is the case's)."""
        if self.p is not None:
            self.p.send_signal(signal.SIGINT)
            try:
                self.p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()
            os.unlink(os.path.join(self.dir, "fingerprint"))
        self.p = spawn(nsx(NS2, "taskset", "-c", RELAY_CPU, "tor", "-f",
                           os.path.join(self.dir, "torrc"), "--quiet"),
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(lambda: os.path.exists(os.path.join(self.dir, "fingerprint")), 60,
                 "tor's keys")

        def listening():
            r = subprocess.run(nsx(NS, "bash", "-c",
                                   "exec 3<>/dev/tcp/%s/%d" % (TOR_IP, ORPORT)),
                               stderr=subprocess.DEVNULL)
            return r.returncode == 0
        wait_for(listening, 60, "tor's ORPort")
        time.sleep(1)
        self.hop = "%s:%d,%s" % (TOR_IP, ORPORT, self.dir)

    def sample(self):
        return {"ticks": cpu_ticks(self.p.pid), "sys_ticks": cpu_ticks(self.p.pid, True),
                "t": time.time()}


# ---- the generator ----

def torclient(args, gen_ip, port, on_line=None, timeout=300, quiet=False):
    """Run chive-torclient with an echo endpoint as last hop; call on_line(line) for
    each stderr line as it comes; return the JSON summary (or None)."""
    echo_dir = tempfile.mkdtemp(dir=tmp, prefix="echo.")
    cmd = nsx(NS, "taskset", "-c", GEN_CPU, os.path.join(BIN, "chive-torclient"),
              "--echo-listen", "%s:%d" % (gen_ip, port), "--echo-datadir", echo_dir,
              "--json", "--timeout", str(timeout)) + args
    p = spawn(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out = b""
    buf = b""
    deadline = time.time() + timeout + 30
    fds = [p.stdout, p.stderr]
    while fds and time.time() < deadline:
        r, _, _ = select.select(fds, [], [], 1.0)
        for f in r:
            chunk = os.read(f.fileno(), 65536)
            if not chunk:
                fds.remove(f)
                continue
            if f is p.stdout:
                out += chunk
            else:
                buf += chunk
                while b"\n" in buf:
                    line, buf = buf.split(b"\n", 1)
                    line = line.decode(errors="replace")
                    if on_line:
                        on_line(line)
                    if not quiet and not line.startswith("torclient: phase") and \
                            not line.startswith("torclient: built"):
                        log("    torclient: " + line)
    try:
        p.wait(timeout=max(1, deadline - time.time()))
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
    for line in out.decode(errors="replace").splitlines():
        if line.startswith("{"):
            return json.loads(line)
    return None


def forwarding(relay, kind, n, window, parallel):
    """One forwarding case through `relay` (a Chive, a Tor, or None: direct)."""
    marks = {}

    def on_line(line):
        if relay is None:
            return
        if line.startswith("torclient: built"):
            time.sleep(0.5)
            if kind == "tor":
                marks["rss_built"] = rss_kib(relay.p.pid)
        elif line == "torclient: phase 1 start":
            marks["t0"] = relay.sample()
        elif line == "torclient: phase 1 end":
            marks["t1"] = relay.sample()

    hops = [] if relay is None else ["--hop", relay.hop]
    port = 9301 + len(results_store)
    gen_ip = GEN_IP_T if kind == "tor" else GEN_IP_C
    phases = ["--phase", "%d:%d" % (LAT_RATE, LAT_S)]
    if relay is not None:
        phases += ["--phase", "0:%d" % THR_S]
    if kind == "tor":
        relay.start()
    rss0 = rss_kib(relay.p.pid) if kind == "tor" else 0
    res = torclient(hops + ["--echo-final", "--htype", "fast", "--circuits", str(n),
                            "--parallel", str(parallel), "--window", str(window),
                            "--settle", "1500"] + phases,
                    gen_ip, port, on_line, timeout=240)
    results_store.append(1)
    if res is None or not res.get("ok"):
        log("  %s, %d circuits: the generator's run failed: %s" % (kind, n, res))
        return None
    ph = res["phases"]
    row = {"relay": kind, "circuits": n, "window": window, "built": res["built"],
           "build_ms_avg": res["build_ms_avg"],
           "lat_rtt_p50_us": ph[0]["rtt_p50_us"], "lat_rtt_p99_us": ph[0]["rtt_p99_us"]}
    if relay is None:
        return row
    thr = ph[1]
    row.update({"seconds": thr["seconds"], "echoes": thr["verified"],
                "cells_per_s": 2 * thr["cells_per_s"],
                "load_rtt_p50_us": thr["rtt_p50_us"], "load_rtt_p99_us": thr["rtt_p99_us"]})
    relayed = 2 * thr["verified"] * 514
    a, b = marks.get("t0"), marks.get("t1")
    if a is None or b is None:
        return row
    if kind == "chive":
        cpu_s = (b["busy"] - a["busy"]) / float(b["hz"] or 1)
        # The lcore's system time: af_packet's send calls, which on a veth
        # also run the peer's receive path (its TCP) in the lcore's context.
        sys_s = (b["dp_sys_ticks"] - a["dp_sys_ticks"]) / float(TICK)
        row["relay_counted_cells"] = b["cells"] - a["cells"]
    else:
        cpu_s = (b["ticks"] - a["ticks"]) / float(TICK)
        sys_s = (b["sys_ticks"] - a["sys_ticks"]) / float(TICK)
        # One circuit's share of tor's RSS is noise (buffers, allocator).
        if "rss_built" in marks and n >= 1000:
            row["bytes_per_circuit"] = round((marks["rss_built"] - rss0) * 1024.0 / n, 1)
    wall = b["t"] - a["t"]
    row["cpu_s"] = round(cpu_s, 3)
    row["kernel_s"] = round(sys_s, 3)
    row["kernel_share"] = round(min(1.0, sys_s / cpu_s), 3) if cpu_s > 0 else None
    row["cpu_util"] = round(cpu_s / wall, 3) if wall > 0 else None
    if relayed > 0 and cpu_s > 0:
        row["cpu_s_per_gib"] = round(cpu_s / (relayed / float(1 << 30)), 3)
        row["cells_per_core_s"] = round(2 * thr["verified"] / cpu_s)
        if kind == "chive" and cpu_s > sys_s:
            # What the lcore's own code costs: a NIC's PMD makes no system calls.
            row["cells_per_core_s_user"] = round(2 * thr["verified"] / (cpu_s - sys_s))
    return row


results_store = []


def cpu_s_between(kind, a, b):
    if kind == "chive":
        return (b["cp_ticks"] - a["cp_ticks"]) / float(TICK)
    return (b["ticks"] - a["ticks"]) / float(TICK)


def handshakes(relay, kind):
    # What the relay spends idle (timers, our own sampling) is taken out.
    i0 = relay.sample()
    time.sleep(2)
    i1 = relay.sample()
    idle = cpu_s_between(kind, i0, i1) / (i1["t"] - i0["t"])
    a = relay.sample()
    res = torclient(["--hop", relay.hop, "--htype", "ntor3", "--circuits", str(HS_CIRCS),
                     "--parallel", "64", "--cells", "0"],
                    GEN_IP_T if kind == "tor" else GEN_IP_C, 9390, None, timeout=120)
    b = relay.sample()
    if res is None or res.get("built", 0) == 0:
        log("  %s handshakes: the generator's run failed: %s" % (kind, res))
        return None
    wall = b["t"] - a["t"]
    cpu_s = max(0.0, cpu_s_between(kind, a, b) - idle * wall)
    return {"relay": kind, "built": res["built"], "failed": res["failed"],
            "seconds": round(wall, 3), "per_s": round(res["built"] / wall, 1),
            "cpu_s": round(cpu_s, 3), "idle_cpu_per_s": round(idle, 4),
            "per_core_s": round(res["built"] / cpu_s, 1) if cpu_s > 0 else None}


def under_flood(relay, kind, base):
    """The 1k-circuit throughput phase while another generator floods CREATE2."""
    flood = {}

    def flood_run():
        flood["res"] = torclient(["--hop", relay.hop, "--htype", "ntor3", "--circuits",
                                  "65536", "--parallel", "64", "--cells", "0"],
                                 GEN_IP_T if kind == "tor" else GEN_IP_C, 9391, None,
                                 timeout=THR_S + 4, quiet=True)

    import threading
    th = None

    def on_line(line):
        nonlocal th
        if line == "torclient: phase 0 start":
            th = threading.Thread(target=flood_run)
            th.start()
            time.sleep(2)  # the flood is in full swing before the measured phase

    res = torclient(["--hop", relay.hop, "--echo-final", "--htype", "fast", "--circuits",
                     "1000", "--parallel", "64", "--window", "8", "--phase", "0:2",
                     "--phase", "0:%d" % THR_S],
                    GEN_IP_T if kind == "tor" else GEN_IP_C, 9392, on_line, timeout=240)
    if th is not None:
        th.join(timeout=60)
    if res is None or not res.get("ok"):
        log("  %s under flood: the generator's run failed: %s" % (kind, res))
        return None
    fr = flood.get("res") or {}
    cps = 2 * res["phases"][1]["cells_per_s"]
    return {"relay": kind, "cells_per_s": cps,
            "vs_no_flood": round(cps / base, 3) if base else None,
            "flood_built": fr.get("built"),
            "flood_per_s": round(fr.get("built", 0) / fr["seconds"], 1)
            if fr.get("seconds") else None}


def fmt(v, spec="{:,.0f}"):
    if v is None:
        return "-"
    return spec.format(v)


def ratio(a, b):
    if a is None or b is None or b == 0:
        return None
    return a / b


def main():
    if os.geteuid() != 0:
        print("bench_relay: needs root (network namespaces); skipped")
        return 0
    for prog in ("chive-dataplane", "chive-controlplane", "chivectl", "chive-torclient"):
        if not os.access(os.path.join(BIN, prog), os.X_OK):
            print("bench_relay: %s missing (make O=%s)" % (prog, O))
            return 1
    if shutil.which("tor") is None:
        print("bench_relay: tor not installed (scripts/install-deps.sh)")
        return 1
    os.makedirs(OUT, exist_ok=True)
    t_start = time.time()
    setup_net()
    log("bench_relay: starting Chive and tor")
    chive = Chive()
    tor = Tor()
    fwd, hs, flood = [], [], []
    for n, window, par in CASES if "fwd" in PARTS else []:
        for kind, relay in (("direct", None), ("chive", chive), ("tor", tor)):
            if kind in RELAYS:
                log("bench_relay: forwarding, %d circuits, %s" % (n, kind))
                fwd.append(forwarding(relay, kind, n, window, par))
    slot = chive_slot_bytes(chive)
    if "hs" in PARTS:
        log("bench_relay: handshakes")
        hs = [handshakes(r, k) for k, r in (("chive", chive), ("tor", tor)) if k in RELAYS]
    if "flood" in PARTS:
        log("bench_relay: forwarding under a CREATE2 flood")
        base = {r["relay"]: r.get("cells_per_s") for r in fwd
                if r and r["circuits"] == 1000 and r["relay"] != "direct"}
        flood = [under_flood(r, k, base.get(k)) for k, r in (("chive", chive), ("tor", tor))
                 if k in RELAYS]

    # Added latency: relay RTT minus the direct RTT of the same case.
    direct = {r["circuits"]: r for r in fwd if r and r["relay"] == "direct"}
    for r in fwd:
        if r and r["relay"] != "direct" and r["circuits"] in direct:
            d = direct[r["circuits"]]
            r["added_p50_us"] = round(r["lat_rtt_p50_us"] - d["lat_rtt_p50_us"], 1)
            r["added_p99_us"] = round(r["lat_rtt_p99_us"] - d["lat_rtt_p99_us"], 1)
        if r and r["relay"] == "chive":
            r["bytes_per_circuit"] = slot["bytes_per_slot"]

    cpu = ""
    with open("/proc/cpuinfo") as f:
        m = re.search(r"model name\s*:\s*(.*)", f.read())
        cpu = m.group(1) if m else "?"
    tor_v = subprocess.run(["tor", "--version"], capture_output=True, text=True).stdout.split(
        "\n")[0]
    doc = {"machine": {"cpu": cpu, "cpus": os.cpu_count(), "tor": tor_v,
                       "link": "veth; Chive through af_packet"},
           "quick": QUICK, "lat_rate": LAT_RATE, "lat_s": LAT_S, "thr_s": THR_S,
           "forwarding": [r for r in fwd if r], "chive_memory": slot,
           "handshakes": [h for h in hs if h], "flood": [f for f in flood if f],
           "seconds": round(time.time() - t_start, 1)}
    with open(os.path.join(OUT, "relay.json"), "w") as f:
        json.dump(doc, f, indent=1)

    rows = {(r["relay"], r["circuits"]): r for r in fwd if r}
    print("\nMiddle-relay forwarding (one relay core; %s; CPU: %s)" % (tor_v, cpu))
    print("%-8s %-6s %12s %12s %9s %14s %11s %11s %10s" %
          ("circuits", "relay", "cells/s", "CPU s/GiB", "kernel", "cells/s/core", "added p50",
           "added p99", "B/circuit"))
    for n, _, _ in CASES:
        for kind in ("chive", "tor"):
            r = rows.get((kind, n), {})
            print("%-8d %-6s %12s %12s %9s %14s %9s us %9s us %10s" % (
                n, kind, fmt(r.get("cells_per_s")), fmt(r.get("cpu_s_per_gib"), "{:.2f}"),
                fmt(r.get("kernel_share") and 100 * r["kernel_share"], "{:.0f} %"),
                fmt(r.get("cells_per_core_s")), fmt(r.get("added_p50_us"), "{:.0f}"),
                fmt(r.get("added_p99_us"), "{:.0f}"), fmt(r.get("bytes_per_circuit"))))
        c, t = rows.get(("chive", n), {}), rows.get(("tor", n), {})
        print("%-8d %-6s %12s %12s %9s %14s %12s %12s %10s" % (
            n, "ratio", fmt(ratio(c.get("cells_per_s"), t.get("cells_per_s")), "{:.2f}x"),
            fmt(ratio(c.get("cpu_s_per_gib"), t.get("cpu_s_per_gib")), "{:.3f}x"), "",
            fmt(ratio(c.get("cells_per_core_s"), t.get("cells_per_core_s")), "{:.2f}x"),
            "", "", fmt(ratio(c.get("bytes_per_circuit"), t.get("bytes_per_circuit")),
                        "{:.2f}x")))
    for n, _, _ in CASES:
        r = rows.get(("chive", n), {})
        if r.get("cells_per_core_s_user"):
            print("Chive without the kernel's share, %d circuits: %s cells/s/core (%.2fx tor)" % (
                n, fmt(r["cells_per_core_s_user"]),
                ratio(r["cells_per_core_s_user"],
                      rows.get(("tor", n), {}).get("cells_per_core_s")) or 0))
    print("\nCREATE2 ntor-v3 handshakes (%d one-hop circuits, 64 in flight)" % HS_CIRCS)
    print("%-6s %12s %14s %10s" % ("relay", "per second", "per core-s", "CPU s"))
    hsr = {h["relay"]: h for h in hs if h}
    for kind in ("chive", "tor"):
        h = hsr.get(kind, {})
        print("%-6s %12s %14s %10s" % (kind, fmt(h.get("per_s")), fmt(h.get("per_core_s")),
                                       fmt(h.get("cpu_s"), "{:.2f}")))
    print("%-6s %12s %14s" % ("ratio", fmt(ratio(hsr.get("chive", {}).get("per_s"),
                                                 hsr.get("tor", {}).get("per_s")), "{:.2f}x"),
                              fmt(ratio(hsr.get("chive", {}).get("per_core_s"),
                                        hsr.get("tor", {}).get("per_core_s")), "{:.2f}x")))
    print("\nForwarding (1k circuits) while a CREATE2 flood runs")
    print("%-6s %12s %14s %14s" % ("relay", "cells/s", "vs no flood", "flood hs/s"))
    fl = {f["relay"]: f for f in flood if f}
    for kind in ("chive", "tor"):
        f = fl.get(kind, {})
        print("%-6s %12s %14s %14s" % (kind, fmt(f.get("cells_per_s")),
                                       fmt(f.get("vs_no_flood"), "{:.2f}"),
                                       fmt(f.get("flood_per_s"))))
    print("\ncells/s counts both directions (each echo crosses the relay twice). CPU: Chive's\n"
          "lcore busy cycles (iterations that did work), tor's process CPU time; kernel: the\n"
          "share of it in system calls (for Chive, af_packet's sends, which on a veth also\n"
          "run the peer's TCP receive in the lcore's context; a NIC's PMD has none of this).\n"
          "cells/s/core is what one core would forward at that cost. Added latency: round trip through\n"
          "the relay minus the direct round trip, at %d cells/s. B/circuit: tor's RSS growth\n"
          "per circuit; Chive's dataplane RSS per circuit slot (preallocated)." % LAT_RATE)
    print("wrote %s (%.0f s)" % (os.path.join(OUT, "relay.json"), time.time() - t_start))
    return 0


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(1))
    try:
        rc = main()
    finally:
        cleanup()
    sys.exit(rc)
