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
expect "100 KB line: one error line" 1 EMPTY '^netrepl: 1: netrepl: line too long \(more than 65536 bytes\)$' -- feed "$work/big.nr" "$bin"
expect "100 KB line with -k goes on" 1 '^after$' 'line too long' -- feed "$work/big.nr" "$bin" -k
# Through a pipe, a line that never ends is dropped as it streams in.
expect "3 MB line from a pipe" 1 '^after$' '^netrepl: 1: netrepl: line too long \(more than 65536 bytes\)$' -- \
    bash -c "python3 -c 'import sys; sys.stdout.write(\"echo \" + \"y\" * 3000000 + \"\\n\" + \"echo after\\n\")' | \"$bin\" -k"

# One line limit everywhere (issue 10 #2): 65536 bytes without the newline,
# for a script, a pipe, -c, source and lookup -f alike.
python3 -c 'print("echo " + "z" * 65531)' >"$work/max.nr"      # exactly 65536
python3 -c 'print("echo " + "z" * 65532)' >"$work/over.nr"     # 65537
expect "a line of 65536 bytes runs" 0 '^zzzz+$' EMPTY -- feed "$work/max.nr" "$bin"
expect "a line of 65537 bytes does not" 1 EMPTY '^netrepl: 1: netrepl: line too long \(more than 65536 bytes\)$' -- feed "$work/over.nr" "$bin"
expect "the same limit from a pipe" 1 EMPTY '^netrepl: 1: netrepl: line too long \(more than 65536 bytes\)$' -- \
    bash -c "cat \"$work/over.nr\" | \"$bin\""
expect "the same limit for -c" 1 EMPTY '^netrepl: 1: netrepl: line too long \(more than 65536 bytes\)$' -- \
    "$bin" -c "$(head -c 65537 "$work/over.nr")"
expect "the same limit in a sourced file" 1 EMPTY "^netrepl: $work/over.nr:1: netrepl: line too long \(more than 65536 bytes\)\$" -- \
    "$bin" -c "source $work/over.nr"
expect "source: the line after a long one runs with -k" 1 '^after$' 'line too long' -- \
    bash -c "cat \"$work/over.nr\" >\"$work/over2.nr\"; echo 'echo after' >>\"$work/over2.nr\"; \"$bin\" -k -c 'source $work/over2.nr'"
python3 -c 'print("a.test"); print("b" * 70000)' >"$work/names.txt"
expect "the same limit for lookup -f" 1 EMPTY "^netrepl: 1: lookup: -f $work/names.txt: line 2: too long \(more than 65536 bytes\)\$" -- \
    "$bin" -c "lookup -f $work/names.txt"

# Files that are not regular are refused at once (issue 10 #2): a FIFO with
# no writer used to freeze the shell, /dev/zero to grow it past 1 GB.
mkfifo "$work/fifo"
expect "source FIFO refused" 1 EMPTY "^netrepl: 1: source: $work/fifo: not a regular file \(a FIFO\)\$" -- \
    timeout 10 "$bin" -c "source $work/fifo"
expect "lookup -f FIFO refused" 1 EMPTY "^netrepl: 1: lookup: -f $work/fifo: not a regular file \(a FIFO\)\$" -- \
    timeout 10 "$bin" -c "lookup a -f $work/fifo"
expect "send --file FIFO refused" 1 'sent 2 bytes' "^netrepl: 4: send: --file $work/fifo: not a regular file \(a FIFO\)\$" -- \
    timeout 10 "$bin" -c "listen unix @nr-cli-fifo; dial unix [1]; send ok; send --file $work/fifo"
expect "source /dev/zero refused" 1 EMPTY "^netrepl: 1: source: /dev/zero: not a regular file \(a character device\)\$" -- \
    timeout 10 "$bin" -c "source /dev/zero"
expect "lookup -f /dev/zero refused" 1 EMPTY "^netrepl: 1: lookup: -f /dev/zero: not a regular file \(a character device\)\$" -- \
    timeout 10 "$bin" -c "lookup -f /dev/zero"
expect "source DIR refused" 1 EMPTY "^netrepl: 1: source: $work: is a directory\$" -- \
    timeout 10 "$bin" -c "source $work"
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

# Out of descriptors (issue 10 #11): the shell's own dials use up a limit of
# 20; lookups and resolving then say so instead of "connection refused", and
# 'info shell' gives the count (the limit) instead of -1. No query leaves
# the process: no socket can be opened (the server is a dead loopback port).
emfile='dns; listen tcp 127.0.0.1:0'
for _ in $(seq 12); do emfile="$emfile; dial tcp [1]"; done
emfile="$emfile; lookup a.test; lookup mx a.test; resolve tcp a.test:80; dial tcp a.test:80; info shell"
(ulimit -n 20; "$bin" -k --dns 127.0.0.1:9 -c "$emfile" >"$work/o" 2>"$work/e"; echo $? >"$work/rc")
if [ "$(cat "$work/rc")" = 1 ] && ! grep -q 'refused' "$work/e" &&
   [ "$(grep -c 'too many open files$' "$work/e")" = 4 ] &&
   grep -q '^open fds     20 (the limit: too many open files)$' "$work/o" &&
   grep -q '^rss          ? (too many open files)$' "$work/o"; then
    pass=$((pass + 1)); echo "ok   EMFILE: lookup, resolve and info shell say too many open files"
else
    fail=$((fail + 1)); echo "FAIL EMFILE wording"; grep -v '^\[' "$work/o" "$work/e" | tail -8
fi
(ulimit -n 20; "$bin" -k --json --dns 127.0.0.1:9 -c "$emfile" >"$work/o" 2>/dev/null)
if grep -q '"open_fds":20,"open_fds_error":"too many open files","rss_kib":null,"rss_kib_error":"too many open files"' "$work/o" &&
   grep -q '"command":"lookup","error":"host a.test via 127.0.0.1:9: too many open files"' "$work/o"; then
    pass=$((pass + 1)); echo "ok   EMFILE in --json"
else
    fail=$((fail + 1)); echo "FAIL EMFILE in --json"; grep -v '"dial"' "$work/o" | tail -6
fi

# The reader goes away in the middle of a long command (issue 10 #3): a peer
# on loopback sends without end; 'recv --all' must stop at the first failed
# write, run nothing after it, and exit 1 (it used to read until the peer
# stopped).
python3 - "$work/flood.port" <<'PY' &
import socket, sys, threading
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(8)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
def serve(c):
    try:
        while True: c.sendall(b"x" * 65536)
    except OSError: pass
while True:
    c, _ = s.accept(); threading.Thread(target=serve, args=(c,), daemon=True).start()
PY
flood=$!
for _ in $(seq 50); do [ -s "$work/flood.port" ] && break; sleep 0.1; done
fport=$(cat "$work/flood.port")
for mode in "" "--json" "-k"; do
    t0=$(date +%s%N)
    timeout 20 bash -c "\"$bin\" $mode -c 'dial tcp 127.0.0.1:$fport; recv --all --timeout 30; echo after' 2>\"$work/e\" | head -c 100 >\"$work/o\"; exit \${PIPESTATUS[0]}"
    rc=$?; t1=$(date +%s%N)
    if [ $rc = 1 ] && [ $(( (t1 - t0) / 1000000 )) -lt 5000 ] && [ ! -s "$work/e" ] && ! grep -q after "$work/o"; then
        pass=$((pass + 1)); echo "ok   reader gone during recv --all ${mode:-(text)}: exit 1 at once"
    else
        fail=$((fail + 1)); echo "FAIL reader gone during recv --all $mode: rc $rc after $(( (t1 - t0) / 1000000 )) ms"; head -3 "$work/e"
    fi
done
kill $flood 2>/dev/null; wait $flood 2>/dev/null

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

# DROPS counts what the kernel dropped: 40 datagrams to a listener with the
# smallest receive buffer, sent within one script (nothing is read until
# the sleep); what the buffer did not hold shows as drops: IN/10 + DROPS = 40.
{ echo "listen udp 127.0.0.1:16010"; echo "set 1 rcvbuf 2048"; echo "dial udp 127.0.0.1:16010"
  for i in $(seq 40); do echo "send 2 0123456789"; done; echo "sleep 0.1"; echo "info 1"; } >"$work/drops.nr"
"$bin" -q "$work/drops.nr" >"$work/o" 2>&1
in=$(awk '$1 == "bytes" && $2 == "in" { print $3 }' "$work/o")
dr=$(awk '$1 == "drops" { print $2 }' "$work/o")
if [ -n "$in" ] && [ -n "$dr" ] && [ "$dr" -gt 0 ] && [ $((in / 10 + dr)) = 40 ]; then
    pass=$((pass + 1)); echo "ok   udp drops by the kernel counted ($((in / 10)) read, $dr dropped)"
else fail=$((fail + 1)); echo "FAIL udp drops by the kernel: in=$in drops=$dr"; sed 's/^/     | /' "$work/o" | head -30; fi

echo "cli: $pass passed, $fail failed"
[ "$fail" = 0 ]
