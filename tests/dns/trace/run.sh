#!/usr/bin/env bash
# `lookup trace` against a DNS hierarchy of its own: four nsd instances on
# 127.0.0.2-5 port 53 inside a network namespace made here (unshare -n), so
# neither the machine's resolver nor the real root is ever asked:
#   127.0.0.2  the root (.)            127.0.0.4  trace.test, other.test, noglue.test
#   127.0.0.3  test. (delegations)     127.0.0.5  lame.test, and a test. that loops
#   127.0.0.10 the name servers' addresses, for dig +trace only (names.zone)
# Checks the transcript trace.nr (trace.out/.err/.rc; times filtered) and,
# with trace_vs_dig.py, the servers asked and the answer against dig +trace.
# The namespace also has a mount namespace, so /etc/resolv.conf in it can
# point at the test root for dig (netrepl never reads it for a trace).
# Usage: run.sh [--bench N] NETREPL   (skips unless root: namespaces and port 53)
#   --bench N: instead of the checks, time `lookup trace` of N names against
#   one dig +trace process asking the same names, best of NR_BENCH_RUNS (5)
#   runs each (bench/dns runs this).
set -u
bench=
if [ "${1:-}" = --bench ]; then bench=$2; shift 2; fi
bin=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
if [ "$(id -u)" != 0 ] || ! command -v unshare >/dev/null; then
    echo "trace: skipped (needs root for a network namespace)"; exit 0
fi
if [ "${NR_TRACE_INSIDE:-}" != 1 ]; then
    exec env NR_TRACE_INSIDE=1 unshare -n -m bash "$0" ${bench:+--bench "$bench"} "$bin"
fi
ip link set lo up
work=$(mktemp -d)
# dig +trace finds the addresses of name servers through the system's
# resolver, not from glue: in here that is 127.0.0.10 (names.zone).
echo "nameserver 127.0.0.10" >"$work/resolv.conf"
mount --bind "$work/resolv.conf" /etc/resolv.conf
pids=""
trap 'for p in $pids; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$work"' EXIT
nsd=$(command -v nsd || echo /usr/sbin/nsd)
serve() {   # serve ADDR ZONE:FILE...
    local addr=$1 d=$work/$1 z; shift
    mkdir -p "$d"
    printf 'server:\n    ip-address: %s@53\n    username: ""\n    chroot: ""\n    zonesdir: "%s"\n    database: ""\n    zonelistfile: "%s/zone.list"\n    xfrdfile: "%s/xfrd.state"\n    pidfile: "%s/nsd.pid"\n    logfile: "%s/nsd.log"\n    server-count: 1\n    nsid: "ascii_%s"\n    verbosity: 0\n    hide-version: yes\n    round-robin: no\n    rrl-ratelimit: 0\n    rrl-whitelist-ratelimit: 0\nremote-control:\n    control-enable: no\n' \
        "$addr" "$d" "$d" "$d" "$d" "$d" "$addr" >"$d/nsd.conf"
    for z in "$@"; do
        cp "$here/${z#*:}" "$d/"
        printf 'zone:\n    name: "%s"\n    zonefile: "%s"\n' "${z%%:*}" "${z#*:}" >>"$d/nsd.conf"
    done
    "$nsd" -d -c "$d/nsd.conf" >"$d/out" 2>&1 &
    pids="$pids $!"
}
serve 127.0.0.2 .:root.zone
serve 127.0.0.3 test.:test.zone
serve 127.0.0.4 trace.test.:trace.test.zone other.test.:other.test.zone noglue.test.:noglue.test.zone
serve 127.0.0.5 lame.test.:lame.test.zone test.:loop.test.zone silent.test.:silent.test.zone
serve 127.0.0.10 .:names.zone
# The silent server (127.0.0.11) and the delegation chain (127.0.0.100-159).
python3 "$here/fakens.py" 60 >"$work/fakens.out" 2>&1 &
pids="$pids $!"
for a in 2 3 4 5 10; do
    for _ in $(seq 1 100); do
        dig +short +norec +tries=1 +time=1 @127.0.0.$a . SOA >/dev/null 2>&1 &&
            [ -n "$(dig +short +norec +tries=1 +time=1 @127.0.0.$a . SOA 2>/dev/null; dig +short +norec @127.0.0.$a test. SOA 2>/dev/null; dig +short +norec @127.0.0.$a trace.test. SOA 2>/dev/null; dig +short +norec @127.0.0.$a lame.test. SOA 2>/dev/null)" ] && break
        sleep 0.05
    done
done
for _ in $(seq 1 100); do
    dig +norec +tries=1 +time=1 @127.0.0.159 www.deep.test 2>/dev/null | grep -q '^a\.' && break
    sleep 0.05
done
if [ -n "$bench" ]; then
    names=$(seq 0 $((bench - 1)) | sed 's/^/n/; s/$/.bench.trace.test/')
    for n in $names; do echo "lookup trace $n --roothints $here/hints.root"; done >"$work/bench.nr"
    now() { date +%s%N; }
    # Best of NR_BENCH_RUNS runs each, taken in turns, as bench/dns does:
    # the machine is shared, and one slow run says nothing about either.
    ms_nr= ms_dig=
    for _ in $(seq 1 "${NR_BENCH_RUNS:-5}"); do
        t0=$(now); "$bin" -k <"$work/bench.nr" >"$work/nr.out" 2>&1; t1=$(now)
        # shellcheck disable=SC2086
        dig +trace +nodnssec +tries=1 +time=2 @127.0.0.2 $names >"$work/dig.out" 2>&1; t2=$(now)
        a=$(( (t1 - t0) / 1000 )) b=$(( (t2 - t1) / 1000 ))
        if [ -z "$ms_nr" ] || [ "$a" -lt "$ms_nr" ]; then ms_nr=$a; fi
        if [ -z "$ms_dig" ] || [ "$b" -lt "$ms_dig" ]; then ms_dig=$b; fi
    done
    ok_nr=$(grep -c '^done after' "$work/nr.out"); ok_dig=$(grep -c 'IN	A	192.0.2.72' "$work/dig.out")
    printf 'bench trace: %d names through root, test., trace.test. (3 queries each; best of %d runs)\n' "$bench" "${NR_BENCH_RUNS:-5}"
    awk -v a="$ms_nr" -v n="$ok_nr" 'BEGIN { printf "  %-30s %8.1f ms  (%d answered)\n", "netrepl lookup trace", a / 1000, n }'
    awk -v a="$ms_dig" -v n="$ok_dig" 'BEGIN { printf "  %-30s %8.1f ms  (%d answered)\n", "dig +trace (one process)", a / 1000, n }'
    awk -v a="$ms_dig" -v b="$ms_nr" 'BEGIN { printf "  dig / netrepl = %.1fx (target >= 5)\n", a / (b > 0 ? b : 1) }'
    exit 0
fi
fail=0
cd "$here/../../.."   # the transcripts name the hints file from the top directory
# trace.nr: the walks and their one-line failures; limits.nr: a server that
# never answers (a 2 s timeout each) and a chain longer than the step limit.
for t in trace limits; do
    "$bin" -k <"$here/$t.nr" >"$work/$t.out" 2>"$work/$t.err"; echo $? >"$work/$t.rc"
    for f in out err; do
        sed -E -i 's/: [0-9]+\.[0-9] ms/: T ms/; s/, [0-9]+\.[0-9] ms/, T ms/' "$work/$t.$f"
    done
    if [ "${NR_UPDATE:-}" = 1 ]; then for f in out err rc; do cp "$work/$t.$f" "$here/$t.$f"; done; fi
    if diff -u "$here/$t.out" "$work/$t.out" && diff -u "$here/$t.err" "$work/$t.err" &&
       diff -u "$here/$t.rc" "$work/$t.rc"; then
        echo "ok   $t transcript"
    else
        echo "FAIL $t transcript"; fail=1
    fi
done
# The teaching example runs here too (expected output in tests/examples/).
ex=$here/../../../examples/dns_trace.nr want=$here/../../examples/dns_trace.out
"$bin" -k <"$ex" 2>&1 | sed -E 's/: [0-9]+\.[0-9] ms/: T ms/; s/, [0-9]+\.[0-9] ms/, T ms/; s/id [0-9]+,/id N,/' >"$work/ex"
if [ "${NR_UPDATE:-}" = 1 ]; then cp "$work/ex" "$want"; fi
if diff -u "$want" "$work/ex"; then echo "ok   examples/dns_trace.nr"; else echo "FAIL examples/dns_trace.nr"; fail=1; fi
# --json: one object a line, and every step says what came of it in a word
# (or an error) and where the text names a zone or a server, the JSON has it.
for t in trace limits; do
    "$bin" --json -k <"$here/$t.nr" >"$work/$t.json" 2>/dev/null
    python3 - "$work/$t.json" <<'PY' || { echo "FAIL $t --json"; fail=1; }
import json, sys
words = {"answer", "cname", "NXDOMAIN", "NODATA", "referral", "loop", "lame"}
steps = 0
for line in open(sys.argv[1]):
    o = json.loads(line)
    if o.get("type") != "trace_step":
        continue
    steps += 1
    if "error" in o:
        continue
    r = o.get("result")
    if r not in words:
        sys.exit("trace_step result %r is not one of %s: %s" % (r, sorted(words), line))
    need = {"answer": ["from", "answer"], "cname": ["cname", "answer"], "NXDOMAIN": ["from"],
            "NODATA": ["from"], "referral": ["referral", "ns"], "loop": ["zone_asked", "loop_zone"],
            "lame": ["rcode"]}[r]
    for k in need:
        if k not in o:
            sys.exit("trace_step %s without %s: %s" % (r, k, line))
if not steps:
    sys.exit("no trace_step objects")
PY
done
python3 "$here/trace_vs_dig.py" "$bin" "$here/hints.root" || fail=1
for d in "$work"/127.*; do
    grep -qi error "$d/nsd.log" 2>/dev/null && { echo "nsd $(basename "$d"):"; cat "$d/nsd.log"; }
done
exit $fail
