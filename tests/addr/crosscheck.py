#!/usr/bin/env python3
"""tests/addr/crosscheck.py — `mask` and `subnet` against Python's ipaddress.

Generates cases (seeded, so a failure repeats) for IPv4 and IPv6: splits
(subnets), containment (in, subnet_of), aggregation (collapse_addresses and
the smallest covering prefix, as a loop of supernet()), range decomposition
(summarize_address_range) and the wildcard and bit strings of `mask`, plus
the edges (/0, /31, /32, /127, /128, ranges across powers of two). Runs them
all through one `netrepl --json -k` and compares each record.

Usage: crosscheck.py NETREPL [CASES]     (default 3000)
Prints one summary line; exit 1 on any mismatch."""
import ipaddress as ipa
import json
import random
import subprocess
import sys

R = random.Random(14)
bin_, ncases = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 3000


def addr(v, bits):
    return ipa.IPv4Address(v) if bits == 32 else ipa.IPv6Address(v)


def net(v, n, bits):
    return (ipa.IPv4Network if bits == 32 else ipa.IPv6Network)((int(v), n), strict=False)


def rand_addr(bits):
    return addr(R.getrandbits(bits), bits)


def rand_net(bits, lo=0, hi=None):
    hi = bits if hi is None else hi
    return net(rand_addr(bits), R.randint(lo, hi), bits)


def smallest_cover(lo, hi):
    n = net(lo, lo.max_prefixlen, lo.max_prefixlen)
    while hi not in n:
        n = n.supernet()
    return n


def hosts(net):
    if net.version == 4 and net.prefixlen <= 30:
        return net.network_address + 1, net.broadcast_address - 1, net.num_addresses - 2, net.broadcast_address
    return net.network_address, net.broadcast_address, net.num_addresses, None


def case_split():
    bits = R.choice((32, 128))
    p = rand_net(bits, 0, bits)
    extra = R.randint(0, min(6, bits - p.prefixlen))
    if R.random() < 0.3 and extra:
        n = R.randint(2 ** (extra - 1) + 1, 2 ** extra) if extra else 1
        return "subnet %s split %d" % (p, n), ("split", p, p.prefixlen + extra)
    return "subnet %s split /%d" % (p, p.prefixlen + extra), ("split", p, p.prefixlen + extra)


def case_contains():
    bits = R.choice((32, 128))
    p = rand_net(bits, 0, bits)
    k = R.random()
    if k < 0.4:   # an address inside, or just outside
        a = p.network_address + R.randrange(p.num_addresses)
        if R.random() < 0.5 and int(p.broadcast_address) < 2 ** bits - 1:
            a = p.broadcast_address + 1
        return "subnet %s contains %s" % (p, a), ("contains", p, a in p)
    if k < 0.8:   # a prefix around the same place
        q = net(p.network_address, R.randint(0, bits), bits)
        return "subnet %s contains %s" % (p, q), ("contains", p, q.subnet_of(p))
    a = rand_addr(bits)
    return "subnet %s contains %s" % (p, a), ("contains", p, a in p)


def case_aggregate():
    bits = R.choice((32, 128))
    base = rand_net(bits, 0, bits - 8)
    nets = []
    for _ in range(R.randint(1, 6)):
        n = R.randint(base.prefixlen, min(bits, base.prefixlen + 8))
        off = R.randrange(base.num_addresses)
        nets.append(net(int(base.network_address) + off, n, bits))
    words = [str(n) if n.prefixlen < bits or R.random() < 0.5 else str(n.network_address) for n in nets]
    return "subnet " + " ".join(words), ("aggregate", nets)


def case_range():
    bits = R.choice((32, 128))
    if R.random() < 0.5:   # across a power of two
        k = R.randint(1, bits - 1)
        mid = (R.getrandbits(bits - k) | 1) << k if k < bits else 0
        mid &= 2 ** bits - 1
        lo, hi = max(0, mid - R.randint(1, 1000)), min(2 ** bits - 1, mid + R.randint(0, 1000))
    else:
        lo = R.getrandbits(bits)
        hi = min(2 ** bits - 1, lo + R.getrandbits(R.randint(0, bits)))
    a, b = addr(lo, bits), addr(hi, bits)
    return "subnet %s-%s" % (a, b), ("range", a, b)


def case_mask():
    bits = R.choice((32, 128))
    p = rand_net(bits, 0, bits)
    a = p.network_address + R.randrange(p.num_addresses)
    return "mask %s/%d" % (a, p.prefixlen), ("mask", ipa.ip_interface("%s/%d" % (a, p.prefixlen)))


EDGES = ["subnet 0.0.0.0/0 split /1", "subnet ::/0 split /2", "subnet 10.0.0.0/31 split /32",
         "subnet 10.0.0.1/32 split /32", "subnet 2001:db8::/127 split /128", "subnet 2001:db8::1/128 split 1",
         "subnet 0.0.0.0-255.255.255.255", "subnet ::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
         "subnet 0.0.0.1-255.255.255.254", "subnet ::1-ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe",
         "subnet 10.0.0.255-10.0.1.0", "subnet 127.255.255.255-128.0.0.0", "subnet ::ffff-::1:0",
         "subnet 0.0.0.0/0 contains 255.255.255.255", "subnet ::/0 contains ::", "subnet 10.0.0.0/31 contains 10.0.0.1",
         "subnet 2001:db8::/127 contains 2001:db8::2", "subnet 1.2.3.4/32 contains 1.2.3.4/32",
         "subnet 10.0.0.0/8 10.0.0.0/8", "subnet 10.0.0.0/9 10.128.0.0/9", "subnet 0.0.0.0/1 128.0.0.0/1",
         "mask 1.2.3.4/0", "mask 1.2.3.4/31", "mask 1.2.3.4/32", "mask ::1/127", "mask ::1/128", "mask ::/0"]


def edge_want(line):
    w = line.split()
    if w[0] == "mask":
        return ("mask", ipa.ip_interface(w[1]))
    if w[2:3] == ["split"]:
        p = ipa.ip_network(w[1], strict=False)
        n = int(w[3][1:]) if w[3][0] == "/" else p.prefixlen + (int(w[3]) - 1).bit_length()
        return ("split", p, n)
    if w[2:3] == ["contains"]:
        p = ipa.ip_network(w[1], strict=False)
        q = ipa.ip_network(w[3], strict=False)
        return ("contains", p, q.subnet_of(p))
    if "-" in w[1]:
        a, b = w[1].split("-")
        return ("range", ipa.ip_address(a), ipa.ip_address(b))
    return ("aggregate", [ipa.ip_network(x, strict=False) for x in w[1:]])


def check_split(recs, p, n):
    head = next(recs)
    subs = list(p.subnets(new_prefix=n))
    assert head["type"] == "split" and head["length"] == n and int(head["count"]) == len(subs), head
    for s in subs:
        r = next(recs)
        first, last, nh, bc = hosts(s)
        assert r["cidr"] == str(s), (r, s)
        assert ipa.ip_address(r["first"]) == first and ipa.ip_address(r["last"]) == last, (r, s)
        assert int(r["hosts"]) == nh, (r, s)
        if s.version == 4:
            assert (r["broadcast"] is None) == (bc is None) and (bc is None or ipa.ip_address(r["broadcast"]) == bc), r
    return len(subs)


def check_cidrs(recs, want, lo, hi):
    head = next(recs)
    assert head["type"] == "aggregate" and head["cidrs"] == len(want), (head, want)
    assert int(head["addresses"]) == sum(n.num_addresses for n in want), head
    sup = smallest_cover(lo, hi)
    assert head["supernet"] == str(sup), (head, sup)
    for n in want:
        r = next(recs)
        assert r["cidr"] == str(n) and int(r["addresses"]) == n.num_addresses, (r, n)
        assert ipa.ip_address(r["first"]) == n.network_address and ipa.ip_address(r["last"]) == n.broadcast_address
    return len(want)


def check_mask(recs, i):
    r = next(recs)
    n = i.network
    assert r["network"] == str(n.network_address) and r["prefix"] == n.prefixlen, r
    assert ipa.ip_address(r["wildcard"]) == n.hostmask, (r["wildcard"], n.hostmask)
    assert int(r["address_bits"], 2) == int(i.ip) and int(r["mask_bits"], 2) == int(n.netmask), r
    assert int(r["network_bits"], 2) == int(n.network_address), r
    if n.version == 4:
        b = i.ip.packed[0]
        assert r["ip_class"] == "ABCDE"[0 if b < 128 else 1 if b < 192 else 2 if b < 224 else 3 if b < 240 else 4]
    return 1


def check(recs, want):
    kind = want[0]
    if kind == "split":
        return check_split(recs, want[1], want[2])
    if kind == "contains":
        r = next(recs)
        assert r["type"] == "contains" and r["contains"] == want[2], (r, want)
        return 1
    if kind == "range":
        cidrs = list(ipa.summarize_address_range(want[1], want[2]))
        return check_cidrs(recs, cidrs, want[1], want[2])
    if kind == "aggregate":
        cidrs = list(ipa.collapse_addresses(want[1]))
        return check_cidrs(recs, cidrs, cidrs[0].network_address, cidrs[-1].broadcast_address)
    return check_mask(recs, want[1])


def main():
    gens = [case_split, case_contains, case_aggregate, case_range, case_mask]
    cases = [(line, edge_want(line)) for line in EDGES]
    cases += [gens[i % len(gens)]() for i in range(ncases)]
    script = "\n".join(c[0] for c in cases) + "\n"
    out = subprocess.run([bin_, "--json", "-k"], input=script.encode(), capture_output=True, timeout=120)
    recs = iter([json.loads(l) for l in out.stdout.splitlines()])
    bad = rows = 0
    for line, want in cases:
        try:
            rows += check(recs, want)
        except (AssertionError, StopIteration, KeyError, ValueError) as e:
            bad += 1
            if bad <= 5:
                print("  MISMATCH: %s: %r" % (line, e))
            if bad > 5:
                break
    kinds = {}
    for _, w in cases:
        kinds[w[0]] = kinds.get(w[0], 0) + 1
    print("addr crosscheck vs ipaddress: %d cases (%s), %d rows compared, %d mismatches" %
          (len(cases), ", ".join("%s %d" % kv for kv in sorted(kinds.items())), rows, bad))
    if out.stderr:
        print("  stderr: " + out.stderr.decode()[:300])
        bad += 1
    sys.exit(1 if bad else 0)


main()
