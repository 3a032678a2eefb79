#!/usr/bin/env bash
# Interactive behaviour through a real terminal: tmux runs netrepl, send-keys
# types, capture-pane reads the screen. Checks the prompt, command output,
# Tab completion, Ctrl-C at the prompt and during a wait, history, Ctrl-D.
# Usage: run.sh NETREPL
set -u
# Suites that use fixed loopback ports or raw ICMP take turns machine-wide,
# so two checkouts testing at once cannot see each other's traffic.
exec 9>"${TMPDIR:-/tmp}/netrepl-tests.lock"
flock 9
bin=$(realpath "$1")
work=$(mktemp -d)
sock="$work/tmux.sock"
T() { tmux -S "$sock" "$@"; }
cleanup() { T kill-server 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
pass=0 fail=0

screen() { T capture-pane -p -t nr; }
# wait_for REGEX [SECONDS]: poll the screen until a line matches.
wait_for() {
    local i
    for ((i = 0; i < ${2:-5} * 20; i++)); do
        screen | grep -Eq -- "$1" && return 0
        sleep 0.05
    done
    return 1
}
check() {   # check NAME REGEX [SECONDS]
    if wait_for "$2" "${3:-5}"; then
        pass=$((pass + 1)); echo "ok   $1"
    else
        fail=$((fail + 1)); echo "FAIL $1: no line matching /$2/ on screen:"; screen | sed 's/^/     | /'
    fi
}
check_not() {   # check_not NAME REGEX: the screen has no such line now
    if screen | grep -Eq -- "$2"; then
        fail=$((fail + 1)); echo "FAIL $1: unexpected /$2/:"; screen | sed 's/^/     | /'
    else
        pass=$((pass + 1)); echo "ok   $1"
    fi
}

export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}log_path=$work/asan"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}log_path=$work/asan"
export HOME=$work XDG_STATE_HOME=$work/state NETREPL_DNS=127.0.0.1:9 NO_COLOR=1
T -f /dev/null new-session -d -s nr -x 160 -y 30 "$bin; echo EXIT=\$?; sleep 30"
check "banner and prompt" '^netrepl> ?$'

T send-keys -t nr 'echo hello "tty"' Enter
check "command output" '^hello tty$'
check "prompt returns" '^netrepl> ?$'

T send-keys -t nr 'ech' Tab
check "Tab completes a command name" '^netrepl> echo ?$'
T send-keys -t nr 'done' Enter
check "completed command runs" '^done$'

T send-keys -t nr 'help sl' Tab
check "Tab completes help's argument" '^netrepl> help sleep ?$'
T send-keys -t nr C-u
check "C-u clears the line" '^netrepl> ?$'
T send-keys -t nr 'this line is thrown away'
wait_for 'thrown away$'
T send-keys -t nr C-c
check "Ctrl-C at the prompt discards the line" '^netrepl> this line is thrown away\^C$'
T send-keys -t nr 'echo after-ctrl-c' Enter
check "shell goes on after Ctrl-C" '^after-ctrl-c$'

T send-keys -t nr 'sleep 30' Enter
sleep 0.3
start=$(date +%s%N)
T send-keys -t nr C-c
check "Ctrl-C interrupts a waiting command" '^sleep: interrupted$' 2
end=$(date +%s%N)
ms=$(( (end - start) / 1000000 ))
if [ "$ms" -lt 2000 ]; then pass=$((pass + 1)); echo "ok   interrupt took ${ms} ms"; else fail=$((fail + 1)); echo "FAIL interrupt took ${ms} ms"; fi

# Sessions: notices above the prompt keep the line being typed; the prompt
# shows the current session; Tab offers session ids; Ctrl-C ends a recv.
T send-keys -t nr 'listen tcp 127.0.0.1:16093' Enter
check "listen makes its session current" '^netrepl\[1\]> ?$'
T send-keys -t nr 'echo typed but not run'
wait_for 'typed but not run$'
printf 'ping\n' | socat -t 1 - TCP:127.0.0.1:16093 2>/dev/null &
check "accept notice above the prompt" '^\[2\] accepted 127\.0\.0\.1:[0-9]+ on \[1\]$'
check "data notice" '^\[2\] 5 bytes arrived \(5 buffered\)$'
check "peer-closed notice" '^\[2\] closed by peer \(5 bytes still buffered\)$'
check "the line being typed survives the notices" '^netrepl\[1\]> echo typed but not run$'
T send-keys -t nr C-u 'recv ' Tab Tab
check "Tab offers session ids" '(^| )1 +2 *$'
T send-keys -t nr C-u 'recv 2' Enter
check "recv shows the data" '^ping$'
check "recv says the peer closed" '^\(peer closed the connection\)$'
T send-keys -t nr 'dial tcp [1]' Enter
check "dial makes its session current" '^netrepl\[3\]> ?$'
T send-keys -t nr 'recv --timeout 30' Enter
sleep 0.3
T send-keys -t nr C-c
check "Ctrl-C interrupts recv" '^recv: \[3\] interrupted$' 2
T send-keys -t nr 'close all' Enter
check "close all" '^closed 4 sessions$'

# attach: the terminal joined to a session, like telnet; Ctrl-] comes back.
T send-keys -t nr C-l 'listen tcp 127.0.0.1:0 --echo' Enter
check "an echo listener" '^netrepl\[5\]> ?$'
T send-keys -t nr 'dial tcp [5]' Enter
check "dial the echo listener" '^netrepl\[6\]> ?$'
T send-keys -t nr 'attach' Enter
check "attach says how to come back" 'Ctrl-\] returns to the prompt\)$'
T send-keys -t nr 'hello over the wire' Enter
wait_for '^hello over the wire$'
sleep 0.3
n=$(screen | grep -c '^hello over the wire$')
if [ "$n" = 2 ]; then pass=$((pass + 1)); echo "ok   typed line sent, echo shown"; else
    fail=$((fail + 1)); echo "FAIL attach: $n copies of the line (want typed + echoed)"; screen | sed 's/^/     | /'; fi
T send-keys -t nr 'esc ' Escape '[2J' Enter
check "peer bytes shown escaped while attached" '^esc \\x1b\[2J$'
T send-keys -t nr C-]
check "Ctrl-] detaches, session stays" '^\[6\] detached: back to the prompt \(session connected\)$'
check "prompt back on the session" '^netrepl\[6\]> ?$'
T send-keys -t nr 'sessions' Enter
check "session still connected after detach" '^[ *]+6 +tcp +dial .* connected '
T send-keys -t nr 'close all' Enter
check "close after attach" '^closed 2 sessions$'

# A burst of 2 MiB (issue 10.5): not a notice per 64 KiB read but the
# first read, then one merged line; the 1 MiB cap is said once, and the
# STATE column shows that reading paused. Before: 16 "65536 bytes" lines.
T send-keys -t nr C-l 'listen tcp 127.0.0.1:16094' Enter
check "a listener for the burst" '^netrepl\[7\]> ?$'
head -c 2097152 /dev/zero | timeout 5 socat -u - TCP:127.0.0.1:16094 2>/dev/null &
check "bytes of a burst merged in one notice" '^\[8\] [0-9,]+ bytes arrived in [0-9]+ reads \([0-9,]+ buffered\)$'
check "the buffer cap said once" '^\[8\] 1,048,576 bytes buffered: reading paused until recv takes some$'
n=$(screen | grep -c 'bytes arrived')
if [ "$n" -le 4 ]; then pass=$((pass + 1)); echo "ok   $n data notices for 2 MiB"; else
    fail=$((fail + 1)); echo "FAIL $n data notices for 2 MiB (want at most 4)"; screen | sed 's/^/     | /'; fi
T send-keys -t nr 'sessions' Enter
check "STATE shows the paused session" '^ +8 +tcp +accepted .* paused: full '
T send-keys -t nr 'close all' Enter
check "close after the burst" '^closed 2 sessions$'
T send-keys -t nr C-l 'listen udp 127.0.0.1:16095' Enter
check "a UDP listener" '^netrepl\[9\]> ?$'
for i in $(seq 300); do printf x >/dev/udp/127.0.0.1/16095; done
# (the kernel may drop some while a sanitized build is slow: any count)
check "300 datagrams merged" '^\[9\] [0-9,]+ datagrams arrived \([0-9,]+ bytes; [0-9,]+ queued\)$'
n=$(screen | grep -c '^\[9\] .*datagram')
if [ "$n" -le 4 ]; then pass=$((pass + 1)); echo "ok   $n notices for 300 datagrams"; else
    fail=$((fail + 1)); echo "FAIL $n notices for 300 datagrams (want at most 4)"; screen | sed 's/^/     | /'; fi
T send-keys -t nr 'close all' Enter
check "close the UDP listener" '^closed 1 session$'
wait

# A local peer binds a hostile abstract name (title, clear screen, red) and
# connects: the accepted notice shows it escaped; the title stays, the
# screen is not cleared (issue 10 #6).
T send-keys -t nr C-l 'listen unix @nr-tty-esc' Enter
check "a unix listener" '^\[[0-9]+\] listening on unix @nr-tty-esc$'
python3 -c 'import socket, time
s = socket.socket(socket.AF_UNIX)
s.bind("\0\x1b]0;pwned\x07\x1b[2J\x1b[31mRED\u202e")
s.connect("\0nr-tty-esc"); time.sleep(1)' &
check "accepted notice shows the name escaped" \
    '^\[[0-9]+\] accepted @\\x1b\]0;pwned\\x07\\x1b\[2J\\x1b\[31mRED\\xe2\\x80\\xae on \[[0-9]+\]$'
check "the screen was not cleared" '^\[[0-9]+\] listening on unix @nr-tty-esc$'
if [ "$(T display -p -t nr '#{pane_title}')" != pwned ]; then
    pass=$((pass + 1)); echo "ok   the terminal title was not changed"
else
    fail=$((fail + 1)); echo "FAIL the peer's name set the terminal title"
fi
T send-keys -t nr 'close all' Enter
check "close the unix sessions" '^closed 2 sessions$'
wait

T send-keys -t nr 'nosuchcmd' Enter
check "errors are one line naming the command" "^nosuchcmd: unknown command"

T send-keys -t nr C-d
check "Ctrl-D exits with status 0" '^EXIT=0$'
if grep -q '^echo hello "tty"$' "$work/state/netrepl/history" 2>/dev/null; then
    pass=$((pass + 1)); echo "ok   history saved"
else
    fail=$((fail + 1)); echo "FAIL history not saved in $work/state/netrepl/history"
fi

# History is loaded again by the next session: Up recalls the last line.
T kill-session -t nr
T -f /dev/null new-session -d -s nr -x 160 -y 30 "$bin; echo EXIT=\$?; sleep 30"
check "second session starts" '^netrepl> ?$'
T send-keys -t nr Up
check "Up recalls history from the last session" '^netrepl> nosuchcmd$'
T send-keys -t nr C-u 'mask 10.1.2.3/23' Enter
check "NO_COLOR: mask marks the network/host boundary with |" '^binary +00001010\.00000001\.0000001\|0\.00000011 +address$'
T send-keys -t nr C-u 'quit' Enter
check "quit exits with status 0" '^EXIT=0$'

# Colour on a terminal without NO_COLOR: network and host bits told apart
# by colour instead of the marker.
T kill-session -t nr
T -f /dev/null new-session -d -s nr -x 160 -y 30 "env -u NO_COLOR TERM=xterm $bin; echo EXIT=\$?; sleep 30"
check "colour session starts" '^netrepl> ?$'
T send-keys -t nr 'mask 10.1.2.3/23' Enter
check "mask in colour" '^binary +00001010\.00000001\.00000010\.00000011 +address$'
if T capture-pane -p -e -t nr | grep -q $'0000001\e\[33m0'; then
    pass=$((pass + 1)); echo "ok   host bits coloured from the boundary"
else
    fail=$((fail + 1)); echo "FAIL no colour change at the boundary:"; T capture-pane -p -e -t nr | cat -v | sed 's/^/     | /'
fi
T send-keys -t nr 'quit' Enter
check "colour session quits" '^EXIT=0$'

# Sanitizer reports cannot reach the pane reliably: they go to files.
if ls "$work"/asan.* >/dev/null 2>&1; then
    fail=$((fail + 1)); echo "FAIL sanitizer reports:"; cat "$work"/asan.*
fi
echo "tty: $pass passed, $fail failed"
[ "$fail" = 0 ]
