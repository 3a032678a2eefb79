#!/usr/bin/env bash
# The live pictures through a real terminal (tmux, capture-pane): ping's
# sparkline updating on one line and its histogram, sessions --watch
# redrawing in place (rates, held notices, a key and Ctrl-C stop it, columns
# dropped at 60), the progress line of a 50 MB send --file, and the plain
# forms: TERM=dumb (ASCII, no redrawing in place) and NO_COLOR.
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

finish "tty pictures"
