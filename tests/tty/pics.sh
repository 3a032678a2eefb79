#!/usr/bin/env bash
# The live pictures through a real terminal (tmux, capture-pane): ping's
# sparkline updating on one line and its histogram, sessions --watch
# redrawing in place (rates, held notices, a key and Ctrl-C stop it, columns
# dropped at 60), the progress lines of a 50 MB send --file, of recv --all
# and of lookup -f, and the plain forms: TERM=dumb (ASCII, no redrawing in
# place) and NO_COLOR.
# Usage: pics.sh NETREPL
set -u
. "$(dirname "$0")/lib.sh" "$1"
pids=()
stop_helpers() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; cleanup; }
trap stop_helpers EXIT
check_count() {   # check_count NAME REGEX N: exactly N such lines on screen
    local n
    n=$(screen | grep -Ec -- "$2")
    if [ "$n" = "$3" ]; then ok "$1"; else
        bad "$1: $n lines match /$2/, want $3:"; show_screen; fi
}
# cells_fit NAME COLS [REGEX]: no line on screen (wrapped rows joined; only
# those matching REGEX) has more characters than COLS (check_width counts bytes: UTF-8 arrows are three).
cells_fit() {
    local long
    long=$(T capture-pane -p -J -t nr | grep -E -- "${3:-.}" | LC_ALL=C.UTF-8 python3 -c '
import sys
w = int(sys.argv[1])
for l in sys.stdin.read().splitlines():
    if len(l) > w: print(l)' "$2")
    if [ -z "$long" ]; then ok "$1"; else
        bad "$1: lines wider than $2:"; echo "$long" | sed 's/^/     | /'; fi
}
# check_not_scrolled NAME REGEX: nor has the pane's history (what scrolled
# off the screen) such a line.
check_not_scrolled() {
    local hit
    hit=$(T capture-pane -p -S - -t nr | grep -E -- "$2" | head -3)
    if [ -z "$hit" ]; then ok "$1"; else
        bad "$1: unexpected /$2/ in the history:"; echo "$hit" | sed 's/^/     | /'; fi
}
start() {   # start COLUMNS ENV...: a fresh netrepl in a COLUMNSx24 pane
    local cols=$1
    shift
    start_pane "$cols" 24 "env $* $bin; echo EXIT=\$?; sleep 30"
    check "prompt ($cols columns, $*)" '^netrepl> ?$'
}

utf=(LANG=C.UTF-8 LC_ALL= LC_CTYPE= TERM=xterm-256color)
spark='[▁▂▃▄▅▆▇█]'

# ---- ping: the live line, then the sparkline and histogram ----
if [ "$(id -u)" = 0 ] || grep -Eq '^0[[:space:]]' /proc/sys/net/ipv4/ping_group_range 2>/dev/null; then
    start 80 "${utf[@]}" NO_COLOR=1
    T send-keys -t nr 'ping -i 0.05 127.0.0.1' Enter
    check "ping: live sparkline line" "^rtt $spark{5,} [0-9]+\.[0-9]{3} ms$"
    check "ping: it grows" "^rtt $spark{20,} [0-9]+\.[0-9]{3} ms$"
    check_count "ping: one live line, updated in place" '^rtt ' 1
    T send-keys -t nr C-c
    check "ping: statistics after Ctrl-C" '^rtt min/avg/max/mdev'
    check "ping: the whole sparkline" "^rtt  (\.\.\.)?$spark{20,}$"
    check "ping: histogram rows with fixed edges" '^ *([<>=]*[0-9.]+(-[0-9.]+)? ms) \|█+ [0-9]+$'
    check_not "ping: the live line is gone" "^rtt $spark+ [0-9.]+ ms"
    # TERM=dumb: the plain form (ASCII cells), still one line.
    start 80 LANG=C.UTF-8 TERM=dumb
    T send-keys -t nr 'ping -i 0.05 127.0.0.1' Enter
    check "ping, dumb terminal: ASCII sparkline" '^rtt [-_.,~=*#]{5,} [0-9]+\.[0-9]{3} ms$'
    T send-keys -t nr C-c
    check "ping, dumb terminal: ASCII histogram" '^ *[<>=]*[0-9.]+(-[0-9.]+)? ms \|#+ [0-9]+$'
    # 60 columns: the live line and the histogram stay within them.
    start 60 "${utf[@]}" NO_COLOR=1
    T send-keys -t nr 'ping -i 0.02 127.0.0.1' Enter
    check "ping at 60: live line" "^rtt $spark{20,} [0-9]+\.[0-9]{3} ms$"
    sleep 1.5
    cells_fit "ping at 60: the live line fits" 60
    T send-keys -t nr C-c
    check "ping at 60: histogram" '^ *([<>=]*[0-9.]+(-[0-9.]+)? ms) \|█+ [0-9]+$'
    cells_fit "ping at 60: the pictures fit" 60 '^rtt  |^ *([<>=]*[0-9.]+(-[0-9.]+)? ms|lost) \|'
else
    echo "skip ping pictures (no ICMP socket for this user)"
fi

# ---- sessions --watch ----
start 100 "${utf[@]}" NO_COLOR=1
T send-keys -t nr 'listen tcp 127.0.0.1:0' Enter
check "watch: a listener" 'listening on tcp 127\.0\.0\.1:[0-9]+'
port=$(screen | sed -nE 's/.*listening on tcp 127\.0\.0\.1:([0-9]+).*/\1/p' | head -1)
T send-keys -t nr "dial tcp 127.0.0.1:$port" Enter
check "watch: a connection" '^\[3\] accepted '
T send-keys -t nr 'sessions --watch 0.2' Enter
check "watch: title" '^every 0\.2s: 3 sessions'
check "watch: column heads" '^ID +PROTO +ROLE +LOCAL +REMOTE +STATE +IN/s +OUT/s'
# Traffic from outside while it runs: rates show, and the accept notice waits.
(exec 3<>"/dev/tcp/127.0.0.1/$port"; for i in $(seq 40); do head -c 20000 /dev/zero >&3; sleep 0.05; done) &
pids+=($!)
check "watch: the new connection is a row" '^every 0\.2s: 4 sessions'
check "watch: a rate in KiB/s or MiB/s" '[0-9.]+ (KiB|MiB)/s'
check "watch: a rate sparkline" "$spark{3,}\$"
sleep 0.6
check_count "watch: redrawn in place, not scrolled" '^every 0\.2s' 1
check_not "watch: notices are held" '^\[4\] accepted'
T send-keys -t nr q
check "watch: a key stops it" '^netrepl\[2\]> ?$'
check "watch: the held notices follow" '^\[4\] accepted 127\.0\.0\.1:[0-9]+ on \[1\]'
check_count "watch: the last frame stays" '^every 0\.2s' 1
T send-keys -t nr clear Enter 2>/dev/null; T send-keys -t nr C-l
T send-keys -t nr 'sessions --watch' Enter
check "watch: default period 1 s" '^every 1s: '
T send-keys -t nr C-c
check "watch: Ctrl-C stops it" '^netrepl\[2\]> ?$'
T send-keys -t nr 'sessions --watch 2 x' Enter
check "watch: stray word is an error" 'sessions: '
T send-keys -t nr 'sessions 2' Enter
check "watch: an interval needs --watch" 'a refresh interval goes with --watch'

# 60 columns: columns go before a row wraps; 80 keeps the addresses.
start 60 "${utf[@]}" NO_COLOR=1
T send-keys -t nr 'listen tcp 127.0.0.1:0' Enter 'listen udp [::1]:0' Enter 'sessions --watch 0.2' Enter
check "watch at 60: heads" '^ID +PROTO +REMOTE +STATE +IN/s +OUT/s'
check_not "watch at 60: no local address column" 'LOCAL'
check_count "watch at 60: one line per session, none wrapped" '^ *\*?[0-9]+ ' 2
T send-keys -t nr q
check "watch at 60: stops" '^netrepl\[2\]> ?$'
# 80 columns with long IPv6 addresses: columns go, rows never wrap.
start 80 "${utf[@]}" NO_COLOR=1
T send-keys -t nr 'listen tcp [::1]:0' Enter
check "watch at 80: a listener" 'listening on tcp \[::1\]:[0-9]+'
port6=$(screen | sed -nE 's/.*listening on tcp \[::1\]:([0-9]+).*/\1/p' | head -1)
T send-keys -t nr "dial tcp [::1]:$port6" Enter "dial tcp [::1]:$port6" Enter 'sessions --watch 0.2' Enter
check "watch at 80: title" '^every 0\.2s: 5 sessions'
check "watch at 80: rows" '^ *\*?5 +tcp'
cells_fit "watch at 80: no row wider than the terminal" 80
check_not "watch at 80: the age column went first" 'AGE'
check "watch at 80: the addresses stay" '^ID +PROTO +LOCAL +REMOTE +STATE +IN/s +OUT/s'
T send-keys -t nr q
check "watch at 80: stops" '^netrepl\[4\]> ?$'

# Colour only on a terminal without NO_COLOR: the heads in reverse video.
start 80 "${utf[@]}"
T send-keys -t nr 'listen tcp 127.0.0.1:0' Enter 'sessions --watch 0.2' Enter
check "watch, colour: title" '^every 0\.2s'
if T capture-pane -e -p -t nr | grep -q $'\033\\[7mID'; then
    ok "watch, colour: heads in reverse video"
else
    bad "watch, colour: no reverse video"; T capture-pane -e -p -t nr | cat -v | sed 's/^/     | /'
fi
T send-keys -t nr q
start 80 "${utf[@]}" NO_COLOR=1
T send-keys -t nr 'listen tcp 127.0.0.1:0' Enter 'sessions --watch 0.2' Enter
check "watch, NO_COLOR: title" '^every 0\.2s'
if T capture-pane -e -p -t nr | grep -q $'\033\\[7m'; then
    bad "watch, NO_COLOR: reverse video"
else
    ok "watch, NO_COLOR: no colour"
fi
T send-keys -t nr q

# TERM=dumb: no cursor movement, a fresh plain table each period.
start 80 LANG=C.UTF-8 TERM=dumb
T send-keys -t nr 'listen tcp 127.0.0.1:0' Enter 'sessions --watch 0.2' Enter
sleep 0.7
check "watch, dumb terminal: frames follow each other" '^every 0\.2s'
if [ "$(screen | grep -c '^every 0\.2s')" -ge 2 ] && ! T capture-pane -e -p -t nr | grep -q '▁'; then
    ok "watch, dumb terminal: plain frames, ASCII"
else
    ko "watch, dumb terminal:"
fi
T send-keys -t nr q
check "watch, dumb terminal: a key stops it" '^netrepl\[1\]> ?$'

# ---- the packet ladder of a real handshake and close (needs CAP_NET_RAW) ----
# in_order NAME REGEX...: lines matching each REGEX, in this order, on screen.
in_order() {
    local name=$1 at=0 n
    shift
    for re in "$@"; do
        n=$(screen | grep -nE -- "$re" | cut -d: -f1 | awk -v a="$at" '$1 > a' | head -1)
        if [ -z "$n" ]; then bad "$name: no /$re/ after line $at:"; show_screen; return; fi
        at=$n
    done
    ok "$name"
}
# ladder_run NAME COLS ENV...: a handshake, six bytes, a close from each
# side, drawn live (dial --ladder), then again with `ladder 2` on a cleared
# screen; both checked against the patterns in ${arrows[@]}, in order.
ladder_run() {
    local name=$1 cols=$2
    shift 2
    start_pane "$cols" 40 "env $* $bin; echo EXIT=\$?; sleep 30"
    check "$name: prompt" '^netrepl> ?$'
    T send-keys -t nr 'listen tcp 127.0.0.1:16397' Enter 'dial tcp 127.0.0.1:16397 --ladder' Enter
    T send-keys -t nr 'accept' Enter
    check "$name: accepted" '^\[3\] accepted'
    T send-keys -t nr 'send 2 hello -l' Enter
    check "$name: data" 'PSH\+ACK|P\.'
    T send-keys -t nr 'close 2' Enter
    sleep 0.2
    T send-keys -t nr 'close 3' Enter
    check "$name: closed" '^\[3\] closed$'
    sleep 0.3
    in_order "$name: live, in order and direction" "${arrows[@]}"
    T send-keys -t nr C-l
    sleep 0.2
    T send-keys -t nr 'ladder 2' Enter
    check "$name: drawn again" '^netrepl(\[[0-9]+\])?> ?ladder 2$'
    sleep 0.3
    in_order "$name: ladder 2, in order and direction" "${arrows[@]}"
}
if [ "$(id -u)" = 0 ]; then
    arrows=("^0\.000000 +│─+ SYN ─+►│$"
            "^[0-9.]+ +│◄─+ SYN\+ACK( ack=1)? ─+│$"
            "^[0-9.]+ +│─+ ACK( seq=1)?( ack=1)? ─+►│$"
            "^[0-9.]+ +│─+ PSH\+ACK( seq=1)?( ack=1)? len=6 ─+►│$"
            "^[0-9.]+ +│◄─+ ACK( seq=1)? ack=7 ─+│$"
            "^[0-9.]+ +│─+ FIN\+ACK( seq=7)?( ack=1)? ─+►│$"
            "^[0-9.]+ +│◄─+ ACK( seq=1)? ack=8 ─+│$"
            "^[0-9.]+ +│◄─+ FIN\+ACK( seq=1)?( ack=8)? ─+│$"
            "^[0-9.]+ +│─+ ACK( seq=8)?( ack=2)? ─+►│$")
    for cols in 80 60; do
        ladder_run "ladder $cols" "$cols" "${utf[@]}" NO_COLOR=1
        if screen | grep -qE '^ +127\.0\.0\.1:[0-9]+ +127\.0\.0\.1:16397 *$'; then
            ok "ladder $cols: the client on the left, the server on the right"
        else ko "ladder $cols: no head with both ends"; fi
        cells_fit "ladder $cols: every line fits" "$cols"
        if T capture-pane -e -p -t nr | grep -q $'\033\\['; then bad "ladder $cols, NO_COLOR: colour"
        else ok "ladder $cols, NO_COLOR: no colour"; fi
    done
    # Colour: SYN and FIN in bold.
    ladder_run "ladder, colour" 80 "${utf[@]}"
    if T capture-pane -e -p -t nr | grep -q $'\033\\[1mSYN'; then ok "ladder, colour: SYN in bold"
    else bad "ladder, colour: no bold SYN"; T capture-pane -e -p -t nr | cat -v | sed 's/^/     | /'; fi
    # TERM=dumb: the same ladder in ASCII.
    arrows=("^0\.000000 +\|-+ SYN -+>\|$" "^[0-9.]+ +\|<-+ SYN\+ACK ack=1 -+\|$"
            "^[0-9.]+ +\|-+ ACK seq=1 ack=1 -+>\|$" "^[0-9.]+ +\|-+ PSH\+ACK seq=1 ack=1 len=6 -+>\|$"
            "^[0-9.]+ +\|<-+ ACK seq=1 ack=7 -+\|$" "^[0-9.]+ +\|-+ FIN\+ACK seq=7 ack=1 -+>\|$"
            "^[0-9.]+ +\|<-+ ACK seq=1 ack=8 -+\|$" "^[0-9.]+ +\|<-+ FIN\+ACK seq=1 ack=8 -+\|$"
            "^[0-9.]+ +\|-+ ACK seq=8 ack=2 -+>\|$")
    ladder_run "ladder, dumb terminal" 80 LANG=C.UTF-8 TERM=dumb
    if T capture-pane -p -t nr | grep -q '[│─►◄]'; then bad "ladder, dumb terminal: line drawing"
    else ok "ladder, dumb terminal: no line-drawing characters"; fi
else
    echo "skip the packet ladder (capture needs root)"
fi

# ---- progress: a 50 MB send --file to a reader that takes ~2 s ----
head -c 50000000 /dev/zero >"$work/big"
python3 -u - >"$work/port" <<'PY' &
import socket, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(1)
print(s.getsockname()[1])
c, _ = s.accept()
c.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
t0, n = time.time(), 0
while True:
    d = c.recv(65536)
    if not d: break
    n += len(d)
    ahead = n / 25e6 - (time.time() - t0)
    if ahead > 0: time.sleep(ahead)
PY
pids+=($!)
for ((i = 0; i < 50; i++)); do [ -s "$work/port" ] && break; sleep 0.1; done
start 80 "${utf[@]}" NO_COLOR=1
T send-keys -t nr "dial tcp 127.0.0.1:$(cat "$work/port")" Enter "send --file $work/big --timeout 30" Enter
check "progress: a bar with bytes, rate and ETA" '^\[█*░*\] [0-9.]+ [KM]iB/47\.7 MiB sent  [0-9.]+ [KM]iB/s  ETA [0-9]+s' 5
check "progress: the send ends" '^\[1\] sent 50000000 bytes$' 20
check_not "progress: the bar is cleared" 'MiB sent'
T send-keys -t nr 'recv --timeout 0.1' Enter
check "prompt after progress" '^netrepl\[1\]> ?$'

# ---- progress: recv --all of a 96 KiB stream the peer sends in ~3 s ----
# The peer (port 16441) waits for a line, then sends 12 chunks of 128 lines
# of 64 bytes, one every 0.25 s, and closes. No total is known: the line has
# no bar and no ETA, only the bytes so far and the rate.
python3 -u - 16441 16442 >"$work/rport" <<'PY' &
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(1)
print(sys.argv[1])
c, _ = s.accept()
c.recv(16)
for k in range(1, 13):
    c.sendall(b"".join(b"chunk %02d line %03d " % (k, l) + b"." * 45 + b"\n" for l in range(1, 129)))
    time.sleep(0.25)
# A client of the shell's other listener: an accept notice while the line is
# up (drawn again after the last chunk), on screen at the end.
o = socket.create_connection(("127.0.0.1", int(sys.argv[2])))
time.sleep(0.3)
c.close()
time.sleep(0.3)
o.close()
PY
pids+=($!)
for ((i = 0; i < 50; i++)); do [ -s "$work/rport" ] && break; sleep 0.1; done
[ -s "$work/rport" ] || bad "progress, recv --all: the peer is not listening on 16441 (taken? $(ss -ltnpH 'sport = :16441'))"
start 80 "${utf[@]}" NO_COLOR=1
T send-keys -t nr "listen tcp 127.0.0.1:16442" Enter
check "progress, recv --all: a second listener" '^\[1\] listening on tcp 127\.0\.0\.1:16442$'
T send-keys -t nr "dial tcp 127.0.0.1:16441" Enter "send go -l; recv --all" Enter
check "progress, recv --all: bytes and rate, no bar" '^[0-9]+\.[0-9] KiB received  [0-9]+\.[0-9] KiB/s$' 5
check "progress, recv --all: redrawn as bytes come" '^(6[4-9]|[7-9][0-9])\.[0-9] KiB received  [0-9]+\.[0-9] KiB/s$' 5
check "progress, recv --all: the last line of the stream" '^chunk 12 line 128 \.{45}$' 5
check "progress, recv --all: the peer closed" '^\(peer closed the connection\)$' 5
# The accept notice comes while the line is up: it goes first (no bar before
# it). The close of the session recv reads is said by recv, not as a notice.
check "progress, recv --all: a notice on a line of its own" '^\[3\] accepted 127\.0\.0\.1:[0-9]+ on \[1\]$'
check_not "progress, recv --all: no close notice beside recv's own" '^\[2\] closed by peer'
check "progress, recv --all: the prompt returns" '^netrepl\[2\]> ?$'
check_not "progress, recv --all: the line is cleared" 'received  '
check_not_scrolled "progress, recv --all: cleared before each chunk" 'received  '

# ---- progress: recv --all of bytes that do not end a line ----
# The line must not be drawn over them (its clearing wiped them).
start 80 "${utf[@]}" NO_COLOR=1
T send-keys -t nr "listen tcp 127.0.0.1:16443 --echo" Enter "dial tcp [1]" Enter
check "progress, open line: connected" '^\[2\] tcp 127\.0\.0\.1:[0-9]+ -> 127\.0\.0\.1:16443'
T send-keys -t nr "send hello-world-no-newline; recv --all --timeout 2" Enter
check "progress, open line: recv --all times out" '^recv: \[2\] timed out after 2 s \(0 bytes buffered\)$' 8
check "progress, open line: the bytes are still on screen" '^hello-world-no-newline$'

# ---- sessions: the captured/traced marks count in the width it fits ----
if [ "$(id -u)" = 0 ]; then
    # 90 columns: the table alone takes 83 of them, with the marks 99.
    start 90 "${utf[@]}" NO_COLOR=1
    T send-keys -t nr "listen tcp [::1]:16444 --echo" Enter "dial tcp [1]" Enter
    check "sessions marks: connected" '^\[2\] tcp \[::1\]:[0-9]+ -> \[::1\]:16444'
    T send-keys -t nr "capture 2; trace 2 on; sessions" Enter
    check "sessions marks: the marks are shown" ' captured traced$' 5
    check_width "sessions marks: within 90 columns" 90
else
    echo "skip sessions marks: capture needs root"
fi

# ---- progress: lookup -f of 1000 names that take 0.3 s each ----
# tests/dns/faultdns.py (port 16440) answers slow.* after 300 ms; with 100
# queries in flight the batch takes ~3.3 s, its results coming in bursts
# between which the line is drawn. netrepl asks it alone (--dns).
python3 "$(dirname "$0")/../dns/faultdns.py" 16440 >"$work/faultdns.log" 2>&1 &
pids+=($!)
for ((i = 0; i < 50; i++)); do
    dig +short +tries=1 +time=1 @127.0.0.1 -p 16440 ok.fault.test 2>/dev/null | grep -q 192.0.2.99 && break
    sleep 0.1
done
kill -0 "${pids[-1]}" 2>/dev/null ||
    bad "progress, lookup -f: faultdns.py did not start on 16440: $(cat "$work/faultdns.log")"
for ((i = 1; i <= 1000; i++)); do echo "slow.n$i.fault.test"; done >"$work/names"
start_pane 80 24 "env ${utf[*]} NO_COLOR=1 $bin --dns 127.0.0.1:16440; echo EXIT=\$?; sleep 30"
check "progress, lookup -f: prompt" '^netrepl> ?$'
T send-keys -t nr "lookup a -f $work/names" Enter
check "progress, lookup -f: a bar with names, rate and ETA" '^\[█*░*\] [0-9]+/1000 names  [0-9]+ names/s  ETA [0-9]+s$' 5
check "progress, lookup -f: the bar moves" '^\[█{20,}░*\] ([5-9][0-9]{2})/1000 names  [0-9]+ names/s  ETA [0-9]+s$' 5
check "progress, lookup -f: the last name's answer" '^slow\.n1000\.fault\.test  A  192\.0\.2\.99$' 10
check "progress, lookup -f: the prompt returns" '^netrepl> ?$'
check_not "progress, lookup -f: the bar is cleared" 'names/s'
check_not_scrolled "progress, lookup -f: cleared before each answer" 'names/s'

finish "tty pictures"
