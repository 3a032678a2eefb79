#!/usr/bin/env python3
"""tests/dns/trace/trace_vs_dig.py — `lookup trace` against `dig +trace`.

Run inside the namespace of run.sh. For each name, dig +trace starts at the
test root (@127.0.0.2, the server the hints file names) and netrepl at the
hints file: the servers asked must be the same, in the same order (dig's
first query, '. NS' to learn the root servers, aside), and the records of
the last step the same. dig does not follow a CNAME: there netrepl's first
steps must be dig's, and dig's last records in netrepl's CNAME step.
Usage: trace_vs_dig.py NETREPL HINTS"""
import json
import re
import subprocess
import sys

bin_, hints = sys.argv[1], sys.argv[2]
CASES = [("host.trace.test", "A"), ("host.trace.test", "AAAA"), ("www.other.test", "A"),
         ("www.trace.test", "A"), ("nosuch.trace.test", "A"), ("trace.test", "NS")]


def rr(line):
    w = line.split(None, 4)
    return (w[0].lower(), w[3].upper(), w[4].strip().lower() if len(w) > 4 else "")


def dig(name, typ):
    out = subprocess.run(["dig", "+trace", "+nodnssec", "+tries=1", "+time=2", "@127.0.0.2", name, typ],
                         capture_output=True, text=True, timeout=60).stdout
    servers, steps, cur = [], [], []
    for line in out.splitlines():
        m = re.match(r";; Received \d+ bytes from ([0-9.]+)#53", line)
        if m:
            servers.append(m.group(1))
            steps.append(cur)
            cur = []
        elif line and not line.startswith(";"):
            cur.append(rr(line))
    if len(servers) < 2:
        sys.stderr.write("dig +trace %s %s said:\n%s\n" % (name, typ, out[:1500]))
    return servers[1:], steps[1:]


def ours(name, typ):
    out = subprocess.run([bin_, "--json", "-c", "lookup trace %s %s --roothints %s" % (name, typ, hints)],
                         capture_output=True, text=True, timeout=60).stdout
    recs = [json.loads(l) for l in out.splitlines()]
    steps = [r for r in recs if r["type"] == "trace_step"]
    return steps


bad = 0
for name, typ in CASES:
    ds, dsteps = dig(name, typ)
    steps = ours(name, typ)
    ns = [s["address"] for s in steps]
    last = steps[-1] if steps else {}
    if last.get("result") == "CNAME chain, %s." % name or any("cname" in s for s in steps):
        first = next(i for i, s in enumerate(steps) if "cname" in s)
        ok = ns[:first + 1] == ds
        got = {(a["owner"].lower(), a["rtype"], a["rdata"].lower()) for a in steps[first].get("answer", [])}
    else:
        ok = ns == ds
        got = {(a["owner"].lower(), a["rtype"], a["rdata"].lower()) for a in last.get("answer", [])}
    want = {r for r in (dsteps[-1] if dsteps else []) if r[1] not in ("NS", "SOA", "RRSIG", "NSEC")} \
        if typ != "NS" else set(r for r in (dsteps[-1] if dsteps else []) if r[1] == "NS")
    if typ == "NS":
        got = {g for g in got if g[1] == "NS"}
    if not ok or want - got:
        bad += 1
        print("  MISMATCH trace %s %s:\n    netrepl asked %s, answer %s\n    dig     asked %s, answer %s"
              % (name, typ, ns, sorted(got), ds, sorted(want)))
print("lookup trace vs dig +trace: %d names, %d mismatches (servers asked in order, final records)"
      % (len(CASES), bad))
sys.exit(1 if bad else 0)
