#!/usr/bin/env bash
# The command line and input handling of the real binary: options, exit
# statuses, script sources, and hostile input (NUL bytes, huge lines).
# Usage: run.sh NETREPL
set -u
bin=$(realpath "$1")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HOME=$work XDG_STATE_HOME=$work/state NETREPL_DNS=127.0.0.1:9
pass=0 fail=0
# expect NAME WANT_RC WANT_STDOUT_REGEX WANT_STDERR_REGEX -- CMD...
# (EMPTY instead of a regex: that output must be empty)
expect() {
    local name=$1 rc=$2 out=$3 err=$4; shift 5
    "$@" >"$work/o" 2>"$work/e" </dev/null; local got=$?
    local ok=1
    [ "$got" = "$rc" ] || ok=0
    if [ "$out" = EMPTY ]; then [ -s "$work/o" ] && ok=0; else grep -Eq -- "$out" "$work/o" || ok=0; fi
    if [ "$err" = EMPTY ]; then [ -s "$work/e" ] && ok=0; else grep -Eq -- "$err" "$work/e" || ok=0; fi
    if [ $ok = 1 ]; then pass=$((pass + 1)); echo "ok   $name"; else
        fail=$((fail + 1)); echo "FAIL $name (rc $got, want $rc)"
        sed 's/^/     out| /' "$work/o" | head -5; sed 's/^/     err| /' "$work/e" | head -5
    fi
}
feed() { local f=$1; shift; "$@" <"$f"; }

expect "--help" 0 '^Usage: netrepl' EMPTY -- "$bin" --help
expect "--help lists exit status" 0 'Exit status' EMPTY -- "$bin" --help
expect "--version" 0 '^netrepl [0-9]+\.[0-9]+' EMPTY -- "$bin" --version
expect "unknown option exits 2" 2 EMPTY "unknown option '--nope'" -- "$bin" --nope
expect "-c without commands exits 2" 2 EMPTY '-c needs' -- "$bin" -c
expect "two files exit 2" 2 EMPTY 'more than one FILE' -- "$bin" a b
expect "missing FILE exits 2" 2 EMPTY 'nofile.nr: No such file' -- "$bin" "$work/nofile.nr"
# DNS servers are checked as `dns servers` and `lookup @SERVER` check them.
expect "--dns port too large exits 2" 2 EMPTY '^netrepl: --dns 127.0.0.1:70000: port 70000: too large \(maximum 65535\)$' -- "$bin" --dns 127.0.0.1:70000 -c dns
expect "--dns IPv6 port too large exits 2" 2 EMPTY '^netrepl: --dns \[::1\]:65537: port 65537: too large' -- "$bin" --dns '[::1]:65537' -c dns
expect "--dns port 0 exits 2" 2 EMPTY '^netrepl: --dns 127.0.0.1:0: port 0: too small \(minimum 1\)$' -- "$bin" --dns 127.0.0.1:0 -c dns
expect "--dns :0 exits 2" 2 EMPTY '^netrepl: --dns :0: the server must be an IP address$' -- "$bin" --dns :0 -c dns
expect "NETREPL_DNS port too large exits 2" 2 EMPTY '^netrepl: NETREPL_DNS: 127.0.0.1:70000: port 70000: too large' -- env NETREPL_DNS=127.0.0.1:70000 "$bin" -c dns
expect "--dns list keeps every port" 0 '^servers  127.0.0.1:5353, \[::1\]:53$' EMPTY -- "$bin" --dns '127.0.0.1:5353,::1' -c dns
expect "-c runs commands" 0 '^a$' EMPTY -- "$bin" -c 'echo a; echo b'
expect "-c stops at the first failure" 1 '^a$' '^netrepl: 2: nosuch: unknown command' -- "$bin" -c 'echo a; nosuch; echo c'
"$bin" -c 'echo a; nosuch; echo c' 2>/dev/null | grep -q '^c$' && { fail=$((fail + 1)); echo "FAIL -c went on after a failure"; }
# A command takes any number of words (the contract once capped them at 256).
many=$(printf ' http%.0s' $(seq 600))
n=$("$bin" -c "lookup port tcp$many" | grep -c '^http  80$')
if [ "$n" = 600 ]; then pass=$((pass + 1)); echo "ok   600 names in one lookup"; else
    fail=$((fail + 1)); echo "FAIL 600 names in one lookup gave $n lines"; fi
# -c is one line: its errors give the command's number (issue 11), not "1" for all.
expect "-c numbers the commands (2nd)" 1 '^b$' '^netrepl: 2: nosuch: unknown command' -- "$bin" -k -c 'echo a; nosuch; echo b; parse x'
expect "-c numbers the commands (4th)" 1 '^b$' '^netrepl: 4: parse: x: invalid IP address' -- "$bin" -k -c 'echo a; nosuch; echo b; parse x'
expect "-c numbers the commands (JSON)" 1 '^\{"type":"error","command":"parse".*"line":4\}$' EMPTY -- "$bin" --json -k -c 'nosuch; echo b; echo c; parse x'
# A port below net.ipv4.ip_unprivileged_port_start without the privilege: the
# error says why and what to change (issue 11). Root drops CAP_NET_BIND_SERVICE.
if [ "$(id -u)" = 0 ] && command -v capsh >/dev/null && capsh --drop=cap_net_bind_service -- -c true 2>/dev/null &&
   [ "$(cat /proc/sys/net/ipv4/ip_unprivileged_port_start 2>/dev/null)" = 1024 ]; then
    expect "privileged port: a hint" 1 EMPTY \
        '^netrepl: 1: listen: tcp 127\.0\.0\.1:1: permission denied \(ports below 1024 need root or CAP_NET_BIND_SERVICE; see sysctl net\.ipv4\.ip_unprivileged_port_start\)$' -- \
        capsh --drop=cap_net_bind_service -- -c "\"$bin\" -c 'listen tcp 127.0.0.1:1'"
    expect "privileged --from port: a hint" 1 '^\[1\] listening' 'dial: tcp 127\.0\.0\.1:[0-9]+: permission denied \(ports below 1024 need root' -- \
        capsh --drop=cap_net_bind_service -- -c "\"$bin\" -c 'listen tcp 127.0.0.1:0; dial tcp [1] --from 127.0.0.1:2'"
else
    echo "skip privileged port hint (needs root, capsh and the default port limit)"
fi

printf 'echo one\nnosuch\necho three\n' >"$work/s.nr"
expect "FILE: errors name file and line" 1 '^one$' "^netrepl: $work/s.nr:2: nosuch: unknown command" -- "$bin" "$work/s.nr"
expect "-k keeps going, exit 1" 1 '^three$' 'nosuch' -- "$bin" -k "$work/s.nr"
expect "-x echoes lines" 0 '^netrepl> echo hi$' EMPTY -- "$bin" -x -c 'echo hi'
expect "--json output" 0 '^\{"type":"echo","text":"hi"\}$' EMPTY -- "$bin" --json -c 'echo hi'
expect "--json errors" 1 '^\{"type":"error","command":"nosuch"' EMPTY -- "$bin" --json -c 'nosuch'

printf 'echo a\0b\necho after\n' >"$work/nul.nr"
expect "NUL byte in input: one error line" 1 EMPTY '^netrepl: 1: syntax: NUL byte in input at column 7$' -- feed "$work/nul.nr" "$bin"
expect "NUL byte with -k goes on" 1 '^after$' 'NUL byte' -- feed "$work/nul.nr" "$bin" -k

python3 -c 'print("echo " + "x" * 100000); print("echo after")' >"$work/big.nr"
expect "100 KB line: one error line" 1 EMPTY '^netrepl: 1: netrepl: line too long \(100006 bytes, at most 65536\)$' -- feed "$work/big.nr" "$bin"
expect "100 KB line with -k goes on" 1 '^after$' 'line too long' -- feed "$work/big.nr" "$bin" -k
# Through a pipe, a line that never ends is dropped as it streams in.
expect "3 MB line from a pipe" 1 '^after$' '^netrepl: 1: netrepl: line too long \(over 1048576 bytes\)$' -- \
    bash -c "python3 -c 'import sys; sys.stdout.write(\"echo \" + \"y\" * 3000000 + \"\\n\" + \"echo after\\n\")' | \"$bin\" -k"
n=$(python3 -c 'print("echo x\n" * 100000, end="")' | "$bin" | wc -l)
[ "$n" = 100000 ] && { pass=$((pass + 1)); echo "ok   100000 commands from a pipe"; } || { fail=$((fail + 1)); echo "FAIL 100000 commands gave $n lines"; }
# A wait in a piped script after the pipe's end (was: re-entry, stack overflow).
expect "wait in a piped script at EOF" 0 '^hi$' EMPTY -- bash -c "echo 'sleep 0.2; echo hi' | \"$bin\""
# A last line without a newline still runs; CRLF scripts work.
printf 'echo first\r\necho last' >"$work/crlf.nr"
expect "CRLF and no final newline" 0 '^last$' EMPTY -- feed "$work/crlf.nr" "$bin"
# A script that writes to a closed pipe neither hangs nor crashes.
timeout 10 bash -c "python3 -c 'print(\"echo x\n\" * 200000, end=\"\")' | \"$bin\" 2>$work/e | head -1 >/dev/null"
[ $? -lt 124 ] && [ ! -s "$work/e" ] && { pass=$((pass + 1)); echo "ok   closed stdout ends the run"; } || { fail=$((fail + 1)); echo "FAIL closed stdout"; }

# SIGINT (Ctrl-C in a terminal running a script) ends the wait and the script.
printf 'echo before\nsleep 20\necho after\n' >"$work/int.nr"
"$bin" "$work/int.nr" >"$work/o" 2>"$work/e" &
pid=$!
sleep 0.3; kill -INT $pid
t0=$(date +%s%N); wait $pid; rc=$?; t1=$(date +%s%N)
if [ $rc = 1 ] && grep -q '^before$' "$work/o" && ! grep -q after "$work/o" &&
   grep -q "int.nr:2: sleep: interrupted" "$work/e" && [ $(( (t1 - t0) / 1000000 )) -lt 1000 ]; then
    pass=$((pass + 1)); echo "ok   SIGINT stops a script"
else
    fail=$((fail + 1)); echo "FAIL SIGINT: rc $rc"; cat "$work/o" "$work/e"
fi

# SIGTERM ends a script cleanly: Unix listener files removed, killed by it.
"$bin" -c "listen unix $work/term.sock; sleep 20" >"$work/o" 2>"$work/e" &
pid=$!
for _ in $(seq 50); do [ -S "$work/term.sock" ] && break; sleep 0.05; done
kill -TERM $pid; wait $pid; rc=$?
if [ $rc = 143 ] && [ ! -e "$work/term.sock" ]; then pass=$((pass + 1)); echo "ok   SIGTERM: script cleaned up"; else
    fail=$((fail + 1)); echo "FAIL SIGTERM in a script: rc $rc, socket file $(ls "$work/term.sock" 2>&1)"; fi

# send --timeout to a slow reader: the error says the queued bytes are still
# sent, and they are (the reader counts them after it wakes up).
head -c 20971520 /dev/zero >"$work/20m"
socat -u UNIX-LISTEN:"$work/slow.sock" SYSTEM:"sleep 2; wc -c >$work/count" &
spid=$!
for _ in $(seq 50); do [ -S "$work/slow.sock" ] && break; sleep 0.05; done
expect "send --timeout to a slow reader" 1 '' \
    "^netrepl: 2: send: \[1\] timed out after 0.5 s with [0-9]+ of 20971520 bytes still queued: they are still sent as the peer reads \('close 1' drops them\)$" -- \
    "$bin" -k -c "dial unix $work/slow.sock; send --file $work/20m --timeout 0.5; sleep 5"
wait $spid
if [ "$(cat "$work/count" 2>/dev/null)" = 20971520 ]; then pass=$((pass + 1)); echo "ok   the queued bytes all arrived"; else
    fail=$((fail + 1)); echo "FAIL slow reader got $(cat "$work/count" 2>/dev/null) bytes"; fi

# Random command lines over every command (seeded): each bad one gets one
# error line naming line and command, nothing crashes, leaks (ASan build) or
# hangs. In a network namespace of its own: only lo exists there.
if [ "$(id -u)" = 0 ] && unshare -n true 2>/dev/null; then
    python3 "$(dirname "$0")/garbage.py" 3000 7 >"$work/garbage.nr"
    unshare -n bash -c 'ip link set lo up; timeout 300 "$1" -k <"$2" >"$3/o" 2>"$3/e"; echo $? >"$3/rc"' \
        _ "$bin" "$work/garbage.nr" "$work"
    bad=$(grep -cv '^netrepl: [0-9]*: [a-z]*: ' "$work/e")
    if [ "$(cat "$work/rc")" = 1 ] && [ "$bad" = 0 ] && [ -s "$work/e" ]; then
        pass=$((pass + 1)); echo "ok   3000 random command lines: $(wc -l <"$work/e") one-line errors, no crash"
    else
        fail=$((fail + 1)); echo "FAIL random command lines: rc $(cat "$work/rc"), $bad other stderr lines:"
        grep -v '^netrepl: [0-9]*: [a-z]*: ' "$work/e" | head -20
    fi
else
    echo "skip random command lines (needs root for a private network namespace)"
fi

# The hosts file as Go reads it (issue 11): a name found there is not looked
# up in DNS, and only its own addresses count, so `resolve tcp6 localhost:80`
# with a hosts file that has only 127.0.0.1 finds no suitable address (c-ares
# alone adds ::1). Our own /etc/hosts, bind-mounted in a private mount and
# network namespace, so the machine's file does not matter.
if [ "$(id -u)" = 0 ] && unshare -m -n true 2>/dev/null; then
    printf '127.0.0.1 localhost\n127.0.0.2 two.test\n127.0.0.3 two.test\n::1 six.test\n' >"$work/hosts"
    with_hosts() {
        unshare -m -n sh -c 'mount --bind "$1" /etc/hosts && shift && exec "$@"' _ "$work/hosts" "$bin" "$@"
    }
    expect "hosts: tcp6 localhost: no suitable address" 1 EMPTY \
        '^netrepl: 1: resolve: localhost:80: no suitable address found \(tcp6\)$' -- with_hosts -c 'resolve tcp6 localhost:80'
    expect "hosts: tcp localhost: only 127.0.0.1" 0 '^  candidates: 127\.0\.0\.1:80$' EMPTY -- with_hosts -c 'resolve tcp localhost:80'
    expect "hosts: ip6 localhost, as lookup host" 1 '^localhost +A +127\.0\.0\.1  \(hosts file\)$' 'resolve: localhost: no suitable address found \(ip6\)' -- \
        with_hosts -c 'lookup host localhost; resolve ip6 localhost'
    expect "hosts: dial tcp6 localhost" 1 EMPTY '^netrepl: 1: dial: lookup localhost: no IPv6 address$' -- with_hosts -c 'dial tcp6 localhost:9'
    expect "hosts: a name only in the file, IPv6" 0 '^ip6 ::1$' EMPTY -- with_hosts -c 'resolve ip6 six.test'
    expect "hosts: ip4 of an IPv6-only name" 1 EMPTY 'six.test: no suitable address found \(ip4\)' -- with_hosts -c 'resolve ip4 six.test'
else
    echo "skip hosts file tests (need root for a private mount namespace)"
fi

echo "cli: $pass passed, $fail failed"
[ "$fail" = 0 ]
