#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""A client of DPDK's telemetry socket (protocol v2), for integration tests.

The socket is SOCK_SEQPACKET at <runtime dir>/dpdk_telemetry.v2: on
connect the server sends {"version", "pid", "max_output_len"}; each message
sent is one command, "/name" or "/name,params", answered by one JSON object
{"/name": value}. Standard library only; every wait is bounded (--timeout).

  query SOCKET CMD...        print each command's reply, one JSON line each
  hammer SOCKET CMD SECONDS  send CMD in a loop until the server goes away or
                             SECONDS pass; print "OK replies=N nulls=M" (a null
                             is a reply whose value is null) and exit 0, or
                             "FAIL ..." and exit 1 if a reply was not JSON
"""
import argparse
import json
import socket
import sys
import time


def connect(path, timeout):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.settimeout(timeout)
    s.connect(path)
    hello = json.loads(s.recv(1024).decode())
    return s, hello["max_output_len"]


def query(args):
    s, maxlen = connect(args.socket, args.timeout)
    for cmd in args.cmds:
        s.send(cmd.encode())
        print(json.dumps(json.loads(s.recv(maxlen).decode())))
    s.close()
    return 0


def hammer(args):
    s, maxlen = connect(args.socket, args.timeout)
    deadline = time.monotonic() + args.seconds
    replies = nulls = 0
    while time.monotonic() < deadline:
        try:
            s.send(args.cmd.encode())
            raw = s.recv(maxlen)
        except OSError:
            break
        if not raw:
            break
        try:
            d = json.loads(raw.decode())
        except ValueError:
            print("FAIL reply %d is not JSON: %r" % (replies, raw[:200]))
            return 1
        replies += 1
        if d.get(args.cmd.split(",")[0]) is None:
            nulls += 1
    s.close()
    print("OK replies=%d nulls=%d" % (replies, nulls))
    return 0


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--timeout", type=float, default=5.0)
    sub = p.add_subparsers(dest="op", required=True)
    q = sub.add_parser("query")
    q.add_argument("socket")
    q.add_argument("cmds", nargs="+")
    h = sub.add_parser("hammer")
    h.add_argument("socket")
    h.add_argument("cmd")
    h.add_argument("seconds", type=float)
    args = p.parse_args()
    return query(args) if args.op == "query" else hammer(args)


if __name__ == "__main__":
    sys.exit(main())
