#!/usr/bin/env python3
"""tests/dns/full_vs_dig.py — `lookup … --full` against dig on the same server.

For each case, netrepl --json asks `lookup TYPE NAME --full [flags]` and dig
asks the same question with the same EDNS settings (+noedns unless EDNS is
wanted; no cookie, no AD bit in the query, as netrepl sends). The reply's
status, header flags and the records of the answer, authority and
additional sections (owner, TTL, class, type, rdata; OPT aside) must match,
in order. rdata is compared with blanks and quotes removed and case folded,
since dig splits base64 into groups and quotes SvcParam values (LOC
numbers compared as numbers: ldns writes 04 and -2m where dig writes 4 and
-2.00m).

Usage: full_vs_dig.py NETREPL PORT
Prints one summary line; exit 1 on any mismatch."""
import json
import re
import subprocess
import sys

bin_, port = sys.argv[1], sys.argv[2]

CASES = [
    ("a", "www.nr.test", ""), ("aaaa", "www.nr.test", ""), ("mx", "nr.test", ""),
    ("ns", "nr.test", ""), ("soa", "nr.test", ""), ("txt", "multi.nr.test", ""),
    ("txt", "long.nr.test", ""), ("txt", "esc.nr.test", ""), ("caa", "nr.test", ""),
    ("srv", "_xmpp-server._tcp.nr.test", ""), ("a", "nosuch.nr.test", ""),
    ("aaaa", "v4only.nr.test", ""), ("a", "dangling.nr.test", ""), ("cname", "www.nr.test", ""),
    ("ptr", "10.2.0.192.in-addr.arpa", ""), ("https", "any.test", ""), ("svcb", "svc.any.test", ""),
    ("tlsa", "_443._tcp.www.any.test", ""), ("sshfp", "www.any.test", ""), ("hinfo", "any.test", ""),
    ("naptr", "any.test", ""), ("loc", "any.test", ""), ("uri", "any.test", ""),
    ("type65534", "any.test", ""), ("rp", "any.test", ""), ("a", "alias.any.test", ""),
    ("any", "any.test", ""), ("a", "www.nr.test", "+norecurse"), ("mx", "nr.test", "+bufsize=4096"),
    ("soa", "nr.test", "+nsid"), ("dnskey", "sec.test", "+dnssec"), ("a", "www.sec.test", "+dnssec"),
    ("a", "nosuch.sec.test", "+dnssec"), ("soa", "sec.test", "+dnssec +bufsize=4096"),
    ("nsec", "sec.test", "+dnssec"), ("a", "www.nr.test", "+tcp"), ("a", "nosuch.any.test", "+norecurse"),
]


def num(t):
    try:
        return "%g" % float(t[:-1] if t.endswith("m") else t)
    except ValueError:
        return t


def norm(owner, ttl, cls, typ, rdata):
    if typ.upper() == "LOC":   # "04 53" and "-2m" are "4 53" and "-2.00m" written another way
        rdata = " ".join(num(t) for t in rdata.split())
    rd = re.sub(r'[\s"]', "", rdata).lower()
    return (owner.lower(), int(ttl), cls.upper(), typ.upper(), rd)


def ours(typ, name, flags):
    cmd = "lookup %s %s --full %s @127.0.0.1:%s" % (typ, name, flags, port)
    out = subprocess.run([bin_, "--json", "-c", cmd], capture_output=True, text=True, timeout=30)
    recs = [json.loads(l) for l in out.stdout.splitlines()]
    r = next(x for x in recs if x["type"] == "dns_reply")
    secs = [[norm(x["owner"], x["ttl"], x["class"], x["rtype"], x["rdata"]) for x in r[s]]
            for s in ("answer", "authority", "additional")]
    flags = sorted(k for k, v in r["flags"].items() if v)
    return r["rcode"], flags, secs


def theirs(typ, name, flags):
    f = flags.split()
    edns = any(x.startswith(("+dnssec", "+nsid", "+bufsize")) for x in f)
    args = ["dig", "@127.0.0.1", "-p", port, name, typ.upper(), "+noall", "+comments", "+answer",
            "+authority", "+additional", "+noadflag", "+nocookie", "+tries=1", "+time=3"]
    args += f + ([] if edns else ["+noedns"])
    if edns and "+bufsize" not in flags:
        args.append("+bufsize=1232")
    if "+tcp" in f:
        args.append("+vc")
        args.remove("+tcp")
    out = subprocess.run(args, capture_output=True, text=True, timeout=30).stdout
    rcode = re.search(r"status: (\w+)", out).group(1)
    fl = sorted(re.search(r";; flags:([^;]*);", out).group(1).split())
    secs, cur = [[], [], []], None
    for line in out.splitlines():
        m = re.match(r";; (ANSWER|AUTHORITY|ADDITIONAL) SECTION:", line)
        if m:
            cur = ("ANSWER", "AUTHORITY", "ADDITIONAL").index(m.group(1))
            continue
        if not line.strip() or line.startswith(";") or cur is None:
            continue
        w = line.split(None, 4)
        if w[3] == "OPT":
            continue
        secs[cur].append(norm(w[0], w[1], w[2], w[3], w[4] if len(w) > 4 else ""))
    return rcode, fl, secs


bad = recs = 0
for typ, name, flags in CASES:
    try:
        a, b = ours(typ, name, flags), theirs(typ, name, flags)
        recs += sum(len(s) for s in a[2])
        if a != b:
            bad += 1
            print("  MISMATCH lookup %s %s %s:\n    netrepl %r\n    dig     %r" % (typ, name, flags, a, b))
    except Exception as e:   # a crash or no reply counts as a mismatch
        bad += 1
        print("  ERROR lookup %s %s %s: %r" % (typ, name, flags, e))
print("lookup --full vs dig: %d queries, %d records compared (status, flags, 3 sections), %d mismatches"
      % (len(CASES), recs, bad))
sys.exit(1 if bad else 0)
