#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The last step of `make bench`: one table from the benchmarks' JSON files.

Reads $O/bench/relay.json (bench_relay.py), tcp.json (bench_tcp.sh) and
crypto.json (bench_crypto.sh), prints Chive's figure, the reference's and
their ratio for each, and writes $O/bench/summary.json. A missing file (a
benchmark that failed or was skipped) leaves its rows out and is named.
"""
import json
import os
import sys
import time

O = os.environ.get("O", "build")
OUT = os.path.join(O, "bench")


def load(name):
    try:
        with open(os.path.join(OUT, name)) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def ratio(a, b):
    if a is None or b is None or b == 0:
        return None
    return a / b


def main():
    relay, tcp, crypto = load("relay.json"), load("tcp.json"), load("crypto.json")
    rows = []  # (area, measure, chive, reference, reference name, ratio, better)

    def add(area, measure, c, r, rname, higher_is_better=True):
        rows.append({"area": area, "measure": measure, "chive": c, "reference": r,
                     "reference_name": rname, "ratio": ratio(c, r),
                     "higher_is_better": higher_is_better})

    if relay:
        fwd = {(r["relay"], r["circuits"]): r for r in relay["forwarding"]}
        for n in sorted({r["circuits"] for r in relay["forwarding"]}):
            c, t = fwd.get(("chive", n), {}), fwd.get(("tor", n), {})
            add("forwarding", "cells/s, %d circuits" % n, c.get("cells_per_s"),
                t.get("cells_per_s"), "tor")
            add("forwarding", "CPU s per GiB, %d circuits" % n, c.get("cpu_s_per_gib"),
                t.get("cpu_s_per_gib"), "tor", False)
            add("forwarding", "cells/s per core, %d circuits" % n, c.get("cells_per_core_s"),
                t.get("cells_per_core_s"), "tor")
            add("forwarding", "added RTT p50 us, %d circuits" % n, c.get("added_p50_us"),
                t.get("added_p50_us"), "tor", False)
            add("forwarding", "added RTT p99 us, %d circuits" % n, c.get("added_p99_us"),
                t.get("added_p99_us"), "tor", False)
            if n >= 1000:
                add("forwarding", "bytes per circuit, %d circuits" % n,
                    c.get("bytes_per_circuit"), t.get("bytes_per_circuit"), "tor", False)
        hs = {h["relay"]: h for h in relay["handshakes"]}
        add("handshakes", "ntor-v3 per second", hs.get("chive", {}).get("per_s"),
            hs.get("tor", {}).get("per_s"), "tor")
        add("handshakes", "ntor-v3 per core-second", hs.get("chive", {}).get("per_core_s"),
            hs.get("tor", {}).get("per_core_s"), "tor")
        fl = {f["relay"]: f for f in relay["flood"]}
        add("handshakes", "cells/s during a CREATE2 flood", fl.get("chive", {}).get("cells_per_s"),
            fl.get("tor", {}).get("cells_per_s"), "tor")
    if tcp:
        add("tcp", "bulk Mbit/s", tcp["chive"]["mbit_s"], tcp["kernel"]["mbit_s"], "kernel")
        add("tcp", "cycles per segment", tcp["chive"]["cycles_per_segment"],
            tcp["kernel"]["cycles_per_segment"], "kernel", False)
    if crypto:
        for r in crypto["rows"]:
            add("crypto floor", r["case"] + " cells/s", r["chive_cells_per_s"],
                r["limit_cells_per_s"], "openssl speed")

    def fmt(v):
        if v is None:
            return "-"
        return "{:,.0f}".format(v) if abs(v) >= 100 else "{:.2f}".format(v)

    machine = (relay or {}).get("machine", {})
    print("\n==== Chive benchmarks: Chive against the reference, same machine, same run ====")
    print("machine: %s, %s CPUs; %s; %s" % (machine.get("cpu", "?"), machine.get("cpus", "?"),
                                           machine.get("tor", "tor ?"),
                                           (crypto or {}).get("openssl", "OpenSSL ?")))
    print("%-13s %-34s %14s %14s %-14s %8s" % ("area", "measure", "chive", "reference", "",
                                              "ratio"))
    for r in rows:
        print("%-13s %-34s %14s %14s %-14s %8s" % (
            r["area"], r["measure"], fmt(r["chive"]), fmt(r["reference"]), r["reference_name"],
            "-" if r["ratio"] is None else "%.2fx" % r["ratio"]))
    missing = [n for n, d in (("relay.json", relay), ("tcp.json", tcp), ("crypto.json", crypto))
               if d is None]
    if missing:
        print("missing (that benchmark failed or was skipped): " + ", ".join(missing))
    print("ratio = chive / reference; for CPU s, RTT, bytes and cycles lower is better.")
    with open(os.path.join(OUT, "summary.json"), "w") as f:
        json.dump({"time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                   "machine": machine, "rows": rows, "missing": missing}, f, indent=1)
    print("wrote %s" % os.path.join(OUT, "summary.json"))
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
