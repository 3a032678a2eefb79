#!/usr/bin/env bash
# ping's socket paths and loss handling, each in a network namespace this
# script makes (unshare -n: only its own lo, so nothing leaves the machine):
#   datagram socket  net.ipv4.ping_group_range widened, as root and as nobody
#   raw socket       range narrowed to "1 0", as root
#   refused          range "1 0" and nobody (setpriv): the error names the
#                    sysctl and CAP_NET_RAW
#   100% loss        echo replies switched off (icmp_echo_ignore_all), an
#                    address routed into lo that nobody answers, no route at all
#   Ctrl-C           SIGINT stops a long ping, the statistics still print
# netrepl reads the commands of each case on stdin; its stdout+stderr, with
# times normalised, must equal tests/ping/CASE.out, and its exit status the
# one given below. NR_UPDATE=1 rewrites the .out files (then read them!).
# Skips (exit 0, saying why) when not root or namespaces are unavailable.
#
# Usage: run.sh NETREPL
set -u

if [ "${1:-}" = --inner ]; then
    # In the new namespace: $2 netrepl, $3 ping_group_range, $4 setup
    # commands, $5 root|nobody. The case's commands come on stdin.
    ip link set lo up || exit 97
    echo "$3" >/proc/sys/net/ipv4/ping_group_range || exit 97
    eval "$4" || exit 97
    if [ "$5" = nobody ]; then
        exec setpriv --reuid=nobody --regid=nogroup --clear-groups "$2" -k
    fi
    exec "$2" -k
fi

suite=ping-tests why="network namespaces, sysctls, setpriv"
. "$(dirname "$0")/../ns-suite.sh" "$@"

WIDE="0 2147483647"
NARROW="1 0"
pass=0 fail=0

norm() {
    sed -E -e 's/time=[0-9]+\.[0-9]{3} ms/time=T ms/' \
        -e 's/time [0-9]+ms$/time Tms/' \
        -e 's#= [0-9]+\.[0-9]{3}/[0-9]+\.[0-9]{3}/[0-9]+\.[0-9]{3}/[0-9]+\.[0-9]{3} ms$#= MIN/AVG/MAX/MDEV ms#'
}

# check NAME WANT_RC MAX_SECONDS RANGE SETUP USER <<< commands
check() {
    local name=$1 want_rc=$2 max_s=$3 range=$4 setup=$5 user=$6
    local t0 t1 rc ok=1
    t0=$(date +%s%N)
    timeout 60 unshare -n "$self" --inner "$bin" "$range" "$setup" "$user" >"$work/raw" 2>&1
    rc=$?
    t1=$(date +%s%N)
    norm <"$work/raw" >"$work/out"
    local ms=$(((t1 - t0) / 1000000))
    : >"$work/why"
    diff -u "$here/$name.out" "$work/out" >>"$work/why" 2>&1 || ok=0
    [ "$rc" = "$want_rc" ] || { ok=0; echo "exit status $rc, want $want_rc" >>"$work/why"; }
    [ "$ms" -le $((max_s * 1000)) ] || { ok=0; echo "took ${ms} ms, limit ${max_s} s" >>"$work/why"; }
    if [ $ok = 1 ]; then
        pass=$((pass + 1)); echo "ok   $name (${ms} ms)"
    else
        fail=$((fail + 1)); echo "FAIL $name"; sed 's/^/     /' "$work/why" | head -40
        [ "${NR_UPDATE:-}" = 1 ] && cp "$work/out" "$here/$name.out"
    fi
}

LOOP='ping -c 2 -i 0.05 127.0.0.1
ping -c 2 -i 0.05 ::1
ping -c 1 -4 localhost'

check dgram-root 0 10 "$WIDE" true root <<<"$LOOP"
check dgram-user 0 10 "$WIDE" true nobody <<<"$LOOP"
check raw-root 0 10 "$NARROW" true root <<<"$LOOP"
check refused 1 10 "$NARROW" true nobody <<<'ping -c 1 127.0.0.1
ping -c 1 ::1'

NOECHO='echo 1 >/proc/sys/net/ipv4/icmp_echo_ignore_all && echo 1 >/proc/sys/net/ipv6/icmp/echo_ignore_all'
LOSS='ping -c 3 -i 0.1 -W 0.3 127.0.0.1
ping -c 2 -i 0.1 -W 0.3 ::1'
check loss-raw 1 5 "$NARROW" "$NOECHO" root <<<"$LOSS"
check loss-dgram 1 5 "$WIDE" "$NOECHO" nobody <<<"$LOSS"
# 192.0.2.0/24 (TEST-NET-1) routed into lo: sent, looped back, never answered.
check loss-unanswered 1 5 "$WIDE" 'ip route add 192.0.2.0/24 dev lo' root <<<'ping -c 2 -i 0.1 -W 0.3 192.0.2.1'
# --plot marks every lost echo: in the sparkline and as a histogram row.
check loss-plot 1 5 "$WIDE" 'ip route add 192.0.2.0/24 dev lo' root <<<'ping -c 2 -i 0.1 -W 0.3 --plot 192.0.2.1'
# No route at all: every send fails, still a summary and 100% loss.
check loss-noroute 1 5 "$NARROW" true root <<<'ping -c 2 -i 0.1 -W 0.3 192.0.2.1
ping -c 2 -i 0.1 -W 0.3 2001:db8::1'
# Defaults (4 echoes, 1 s apart, 2 s wait) end on their own too.
check loss-default 1 8 "$NARROW" "$NOECHO" root <<<'ping 127.0.0.1'

# Ctrl-C: SIGINT to a long ping ends it early with the statistics printed.
interrupt() {
    local t0=$(date +%s%N)
    timeout 60 unshare -n bash -c '
        ip link set lo up
        "$0" -c "ping -c 1000 -i 0.05 127.0.0.1" >"$1" 2>&1 &
        pid=$!; sleep 0.6; kill -INT $pid; wait $pid' "$bin" "$work/raw"
    local ms=$((($(date +%s%N) - t0) / 1000000))
    if grep -q '^--- 127.0.0.1 ping statistics ---$' "$work/raw" &&
       grep -Eq '^[0-9]+ packets transmitted, [1-9][0-9]* received' "$work/raw" &&
       ! grep -q '1000 packets transmitted' "$work/raw" && [ "$ms" -lt 5000 ]; then
        pass=$((pass + 1)); echo "ok   interrupt (${ms} ms): $(grep transmitted "$work/raw")"
    else
        fail=$((fail + 1)); echo "FAIL interrupt (${ms} ms)"; sed 's/^/     /' "$work/raw" | tail -8
    fi
}
interrupt

echo "ping-tests: $pass passed, $fail failed"
[ $fail = 0 ]
