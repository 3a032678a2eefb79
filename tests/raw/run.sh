#!/usr/bin/env bash
# Raw IP sessions (issue 17), each case in a network namespace this script
# makes (unshare -n: only its own lo, so nothing leaves the machine):
#   seed-ping      the seed's Ping step by step: dial ip4:icmp 127.0.0.1, its
#                  echo request (type 8, id 13, seq 37) with the checksum
#                  filled in (08 00 f7 cd 00 0d 00 25), the echo reply read
#                  back (00 00 ff cd 00 0d 00 25); then again with --json
#   icmpv6         the same on ip6:ipv6-icmp ::1 (the kernel's checksum);
#                  then in JSON
#   listen-ping    listen ip4:icmp sees an iputils ping
#   udp-over-ip    UDP datagrams written on ip4:udp (and with --hdrincl)
#                  reach a `listen udp` only when their header is right
#   refused        as nobody: one line naming CAP_NET_RAW and the fix
#   ping-seed      ping --id 13 --seq 37 --payload '' sends the seed's bytes
#   ping-payload   --payload in hex and as text, byte for byte
#   ping-id-dgram  as nobody on a datagram socket: --id cannot be kept, said
#   wrong-session  --icmp-checksum, --ip, --hdrincl where they do not apply
#   hostile        terminal escapes in a raw payload stay escaped (and in
#                  JSON come exactly in data_base64)
# netrepl reads each case's commands on stdin; its stdout+stderr, with the
# IPv4 header's varying id and checksum normalised, must equal
# tests/raw/CASE.out, and its exit status the one given. NR_UPDATE=1
# rewrites the .out files (then read them!). Skips (exit 0, saying why)
# when not root or namespaces are unavailable.
#
# Usage: run.sh NETREPL
set -u

if [ "${1:-}" = --inner ]; then
    # In the new namespace: $2 netrepl, $3 setup commands, $4 root|nobody,
    # $5 extra netrepl options. The case's commands come on stdin.
    ip link set lo up || exit 97
    eval "$3" || exit 97
    if [ "$4" = nobody ]; then
        exec setpriv --reuid=nobody --regid=nogroup --clear-groups "$2" -k $5
    fi
    exec "$2" -k $5
fi

suite=raw-tests why="raw sockets, network namespaces, setpriv"
. "$(dirname "$0")/../ns-suite.sh" "$@"
pass=0 fail=0

# The IPv4 header's id and checksum change from packet to packet.
norm() {
    sed -E -e 's/^(  IPv4 header: .*), id 0x[0-9a-f]{4}/\1, id 0xID/' \
        -e 's/^(  IPv4 header: .*)checksum 0x[0-9a-f]{4} \(ok\)/\1checksum 0xSUM (ok)/' \
        -e 's/("ip":\{[^}]*"id":)[0-9]+/\1ID/' \
        -e 's/("ip":\{[^}]*"checksum":)[0-9]+/\1SUM/' \
        -e 's/"age_s":[0-9.e-]+/"age_s":AGE/; s/ +[0-9]+\.[0-9]s$/ AGE/' \
        -e "${1:-}"
}

# check NAME WANT_RC SETUP USER [OPTIONS [SED]] <<< commands
check() {
    local name=$1 want_rc=$2 setup=$3 user=$4 opts=${5:-} extra=${6:-}
    local t0 rc ok=1
    t0=$(date +%s%N)
    timeout 30 unshare -n "$self" --inner "$bin" "$setup" "$user" "$opts" >"$work/raw" 2>&1
    rc=$?
    norm "$extra" <"$work/raw" >"$work/out"
    local ms=$((($(date +%s%N) - t0) / 1000000))
    : >"$work/why"
    diff -u "$here/$name.out" "$work/out" >>"$work/why" 2>&1 || ok=0
    [ "$rc" = "$want_rc" ] || { ok=0; echo "exit status $rc, want $want_rc" >>"$work/why"; }
    if [ $ok = 1 ]; then
        pass=$((pass + 1)); echo "ok   $name (${ms} ms)"
    else
        fail=$((fail + 1)); echo "FAIL $name"; sed 's/^/     /' "$work/why" | head -40
        [ "${NR_UPDATE:-}" = 1 ] && cp "$work/out" "$here/$name.out"
    fi
}

# The seed's Ping: its packet as the chapter builds it, checksum left 0.
SEED='dial ip4:icmp 127.0.0.1
send --hex "0800 0000 000d 0025" --icmp-checksum
sleep 0.1
recv --ip --hex
sessions'
check seed-ping 0 true root <<<"$SEED"
check seed-ping-json 0 true root --json <<<"$SEED"

check icmpv6 0 true root <<<'dial ip6:ipv6-icmp ::1
send --hex "8000 0000 000d 0025" --icmp-checksum
sleep 0.1
recv --ip --hex'

# JSON: the kernel's checksum said as kernel_checksum; each datagram's
# ICMPv6 header decoded beside its exact bytes (data_base64).
check icmpv6-json 0 true root --json <<<'dial ip6:ipv6-icmp ::1
send --hex "8000 0000 000d 0025" --icmp-checksum
sleep 0.1
recv'

# iputils ping (-s 0: the bare 8-byte header) while the listener waits; its
# identifier and checksum are its own.
check listen-ping 0 '(sleep 0.3; ping -c 1 -s 0 -W 1 127.0.0.1 >/dev/null 2>&1) &' root '' \
    's/, checksum 0x[0-9a-f]{4} \(ok\), id [0-9]+, seq/, checksum 0xSUM (ok), id ID, seq/; /^00000000 /d' <<<'listen ip4:icmp
sleep 1
recv --ip --hex'

# UDP over ip4:udp: source port 5555, destination 16400, length 13, then
# "hello" (68656c6c6f). Checksum 0 (none, allowed for IPv4) arrives; a wrong checksum or
# a wrong length is dropped by the receiving kernel.
check udp-over-ip 1 true root <<<'listen udp 127.0.0.1:16400
dial ip4:udp 127.0.0.1
send --hex "15b3 4010 000d 0000 68656c6c6f"
recv 1 --timeout 0.5
send 2 --hex "15b3 4010 000d 1234 68656c6c6f"
recv 1 --timeout 0.3
send 2 --hex "15b3 4010 00ff 0000 68656c6c6f"
recv 1 --timeout 0.3
send 2 --hdrincl --hex "4500 0000 0000 4000 4011 0000 7f00 0001 7f00 0001 15b4 4010 000d 0000 776f726c64"
recv 1 --timeout 0.5
recv 2 --ip --timeout 0.3'

check refused 1 true nobody <<<'dial ip4:icmp 127.0.0.1
listen ip6:ipv6-icmp
dial ip4:nosuchproto 127.0.0.1'

# ping --id 13 --seq 37 --payload '': the seed's packet from ping itself, seen
# byte for byte by a listener in the same shell; as nobody (a datagram
# socket) ping says the kernel picks the identifier.
check ping-seed 0 true root '' '/^  IPv4 header/d; s/time=[0-9]+\.[0-9]{3} ms/time=T ms/; s#= [0-9./]+ ms$#= RTT ms#; s/time [0-9]+ms$/time Tms/' <<<'listen ip4:icmp 127.0.0.1
ping -c 1 --id 13 --seq 37 --payload "" 127.0.0.1
recv 1 --ip --hex'
# --payload: hex digits (blanks, colons) are bytes; anything else the text.
check ping-payload 0 true root '' '/^  IPv4 header/d; s/time=[0-9]+\.[0-9]{3} ms/time=T ms/; s#= [0-9./]+ ms$#= RTT ms#; s/time [0-9]+ms$/time Tms/' <<<'listen ip4:icmp 127.0.0.1
ping -c 1 --id 14 --seq 1 --payload "de:ad be ef" 127.0.0.1
ping -c 1 --id 14 --seq 2 --payload "cafe!" 127.0.0.1
recv 1 --ip --hex --max 4'
check ping-id-dgram 0 'echo "0 2147483647" >/proc/sys/net/ipv4/ping_group_range' nobody '' \
    's/identifier [0-9]+ \(not/identifier N (not/; s/time=[0-9]+\.[0-9]{3} ms/time=T ms/; s#= [0-9./]+ ms$#= RTT ms#; s/time [0-9]+ms$/time Tms/' <<<'ping -c 1 --id 13 --payload "hi" 127.0.0.1'

# --icmp-checksum only where bytes 2-3 are an ICMP checksum; --ip and
# --hdrincl only on raw IP sessions: one line each, nothing sent. Protocol
# 253 (for experiments) by number: its own datagram comes back to it.
check wrong-session 1 true root <<<'dial ip4:253 127.0.0.1
listen udp 127.0.0.1:16401
dial udp 127.0.0.1:16401 --from 127.0.0.1:16402
dial ip6:udp ::1
dial ip4:icmp 127.0.0.1
send 1 --hex "0800 0000 000d 0025" --icmp-checksum
send 3 --hex "0800 0000 000d 0025" --icmp-checksum
send 4 --hex "0800 0000 000d 0025" --icmp-checksum
send 3 hi --hdrincl
send 4 --hdrincl --hex "4500"
recv 3 --ip --timeout 0.1
send 5 --hdrincl --hex "4500 001c 0000 4000 4011 0000 7f00 0001 7f00 0001 0800 0000 000d 0025" --icmp-checksum
send 5 --hdrincl --hex "4500 00" --icmp-checksum
send 5 --hex "0800 00" --icmp-checksum
send 1 --hex "0102 0304 4142"
sleep 0.1
recv 1 --ip
sessions'

HOSTILE='dial ip4:icmp 127.0.0.1
send "\x08\0\0\0\0\x01\0\x02\x1b[2J\x1b]0;pwned\x07\xe2\x80\xae" --icmp-checksum
sleep 0.1
recv --ip'
check hostile 0 true root <<<"$HOSTILE"
# JSON: the exact bytes in data_base64, the decoded headers beside them.
check hostile-json 0 true root --json <<<"$HOSTILE"

echo "raw-tests: $pass passed, $fail failed"
[ $fail = 0 ]
