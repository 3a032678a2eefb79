#!/usr/bin/env bash
# TLS against real peers on loopback: a PKI made now with the openssl command
# (pki.sh), openssl s_server and s_client both ways (TLS 1.2 and 1.3, ALPN,
# client certificates), socat OPENSSL as a second implementation, Python ssl
# peers (STARTTLS with injected plaintext, truncation, close_notify, a
# plaintext and a wrong-protocol peer), and every verification failure.
# Each case feeds a script to netrepl and requires every pattern (grep -E) in
# its output; a pattern starting with ! must not match. No name is resolved:
# IP literals, and --sni localhost where the host name is checked.
# Fixed ports 16300-16349. Usage: run.sh NETREPL
set -u
exec 9>"${TMPDIR:-/tmp}/netrepl-tests.lock"
flock 9
bin=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
for c in openssl socat python3; do
    command -v $c >/dev/null || { echo "tls: $c missing (make test-deps)"; exit 1; }
done
# The peers below take fixed ports: one already taken (a peer left over
# from another run) would answer in their place with another PKI, and every
# case would fail for a reason that is not netrepl's. Say so instead.
busy=$(ss -Htln 2>/dev/null | awk '{ print $4 }' | grep -E ':(163[0-4][0-9])$' | sort -u | tr '\n' ' ')
if [ -n "$busy" ]; then
    echo "FAIL tls: test ports already in use by another process: $busy"
    ss -Htlnp 2>/dev/null | grep -E ':163[0-4][0-9] ' | sed 's/^/     | /'
    exit 1
fi
work=$(mktemp -d)
pids=""
cleanup() {
    for p in $pids; do kill "$p" 2>/dev/null; done
    wait 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT INT TERM
pki=$work/pki
bash "$here/pki.sh" "$pki" || { echo "tls: could not make the test PKI"; exit 1; }
export NETREPL_DNS=127.0.0.1:9 HOME=$work

bg() { "$@" >/dev/null 2>&1 & pids="$pids $!"; }
cd "$pki"
# s_server: -rev answers each line reversed; stdin stays open.
serve() {   # PORT LEAF [args]
    local port=$1 leaf=$2; shift 2
    local cert="-cert $leaf.pem -cert_chain int.pem"
    [ "$leaf" = self ] && cert="-cert self.pem"
    bg openssl s_server -rev -accept "$port" $cert -key "$leaf.key" "$@"
}
serve 16300 good -alpn h2,http/1.1
serve 16301 expired
serve 16302 future
serve 16303 other
serve 16304 self
serve 16305 esc
serve 16306 good -Verify 1 -CAfile ca.pem
bg socat OPENSSL-LISTEN:16340,reuseaddr,fork,cert=good.chain.pem,key=good.key,verify=0 PIPE
python3 "$here/peers.py" "$pki" 16320 >"$work/peers.out" 2>&1 & pids="$pids $!"
for i in $(seq 50); do
    grep -q ready "$work/peers.out" 2>/dev/null && (exec 3<>/dev/tcp/127.0.0.1/16306) 2>/dev/null && break
    sleep 0.1
done

pass=0 fail=0
# check NAME OUTPUT PATTERN...: every pattern must match OUTPUT (grep -E);
# one starting with ! must not. No output may hold a sanitizer's report.
check() {
    local name=$1 out=$2 ok=1 p
    shift 2
    for p in "$@" '!(Address|Leak|UndefinedBehavior)Sanitizer|runtime error:'; do
        if [ "${p:0:1}" = '!' ]; then
            grep -qE -- "${p:1}" <<<"$out" && { ok=0; echo "  unexpected: ${p:1}"; }
        else
            grep -qE -- "$p" <<<"$out" || { ok=0; echo "  missing: $p"; }
        fi
    done
    if [ $ok = 1 ]; then
        pass=$((pass + 1)); echo "ok   $name"
    else
        fail=$((fail + 1)); echo "FAIL $name"; sed 's/^/     | /' <<<"$out"
    fi
}
# t NAME SCRIPT PATTERN...: runs SCRIPT (netrepl -k, scripted) in the PKI
# directory and checks its output (stdout and stderr).
t() {
    local name=$1 script=$2 out
    shift 2
    out=$(timeout 30 "$bin" -k <<<"$script" 2>&1)
    check "$name" "$out" "$@"
}
. "$here/cases.sh"
echo "tls: $pass passed, $fail failed"
[ $fail = 0 ]
