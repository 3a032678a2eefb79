#!/usr/bin/env python3
"""Two servers nsd cannot play, for the trace transcript limits.nr (run
inside run.sh's network namespace):
  127.0.0.11:53       silent: reads every query and never answers, so a
                      trace that asks it waits for its timeout
  127.0.0.100+K:53    (K = 0 .. DEPTH-1) one link of a delegation chain
                      longer than a trace follows: the server of zone Z(K)
                      refers every query to Z(K+1) = "a." + Z(K), whose
                      server ns.Z(K+1) has glue 127.0.0.(101+K); Z(0) is
                      deep.test. nsd cannot serve this: one nsd answers from
                      the deepest zone it holds, so a chain needs a server a
                      zone, and this is one process with a socket a zone.
Usage: fakens.py [DEPTH]   (default 60; runs until killed)
"""
import select
import socket
import struct
import sys

DEPTH = int(sys.argv[1]) if len(sys.argv) > 1 else 60


def wire(name):
    out = b""
    for label in name.rstrip(".").split("."):
        out += bytes([len(label)]) + label.encode("ascii")
    return out + b"\0"


def zone(k):
    return "a." * k + "deep.test."


def question_end(q):
    i = 12
    while i < len(q) and q[i] != 0:
        i += 1 + q[i]
    return i + 1 + 4


def referral(q, k):
    qid, flags = struct.unpack("!HH", q[:4])
    end = question_end(q)
    if len(q) < 12 or end > len(q):
        return None
    child, ns = zone(k + 1), "ns." + zone(k + 1)
    nsdata = wire(ns)
    auth = wire(child) + struct.pack("!HHIH", 2, 1, 300, len(nsdata)) + nsdata
    glue = wire(ns) + struct.pack("!HHIH", 1, 1, 300, 4) + bytes([127, 0, 0, 101 + k])
    head = struct.pack("!HHHHHH", qid, 0x8000 | (flags & 0x0100), 1, 0, 1, 1)
    return head + q[12:end] + auth + glue


def main():
    silent = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    silent.bind(("127.0.0.11", 53))
    socks = {silent: None}
    for k in range(DEPTH):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("127.0.0.%d" % (100 + k), 53))
        socks[s] = k
    while True:
        ready, _, _ = select.select(list(socks), [], [])
        for s in ready:
            q, peer = s.recvfrom(4096)
            k = socks[s]
            r = referral(q, k) if k is not None else None
            if r:
                s.sendto(r, peer)


if __name__ == "__main__":
    main()
