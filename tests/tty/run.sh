#!/usr/bin/env bash
# Interactive behaviour through a real terminal: tmux runs netrepl, send-keys
# types, capture-pane reads the screen. Checks the prompt, command output,
# Tab completion, Ctrl-C at the prompt and during a wait, history, Ctrl-D.
# Usage: run.sh NETREPL
set -u
. "$(dirname "$0")/lib.sh" "$1"
export NO_COLOR=1
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
# lookup: record types from lib/dnstype (ldns's too) and the keyword trace.
T send-keys -t nr 'lookup htt' Tab
check "Tab completes an ldns record type" '^netrepl> lookup https ?$'
T send-keys -t nr C-u 'lookup tra' Tab
check "Tab completes lookup's keyword trace" '^netrepl> lookup trace ?$'
T send-keys -t nr 'x.test dnsk' Tab
check "Tab completes the type after lookup trace NAME" '^netrepl> lookup trace x.test dnskey ?$'
T send-keys -t nr C-u
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
if [ "$ms" -lt 2000 ]; then ok "interrupt took ${ms} ms"; else bad "interrupt took ${ms} ms"; fi

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
if [ "$n" = 2 ]; then ok "typed line sent, echo shown"; else
    bad "attach: $n copies of the line (want typed + echoed)"; screen | grep -v "^$" | sed "s/^/     | /"; fi
T send-keys -t nr 'esc ' C-v Escape '[2J' Enter   # C-v: a literal ESC in the line editor
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
if [ "$n" -le 4 ]; then ok "$n data notices for 2 MiB"; else
    bad "$n data notices for 2 MiB (want at most 4)"; screen | sed 's/^/     | /'; fi
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
if [ "$n" -le 4 ]; then ok "$n notices for 300 datagrams"; else
    bad "$n notices for 300 datagrams (want at most 4)"; screen | sed 's/^/     | /'; fi
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
    ok "the terminal title was not changed"
else
    bad "the peer's name set the terminal title"
fi
T send-keys -t nr 'close all' Enter
check "close the unix sessions" '^closed 2 sessions$'
wait

T send-keys -t nr 'nosuchcmd' Enter
check "errors are one line naming the command" "^nosuchcmd: unknown command"

T send-keys -t nr C-d
check "Ctrl-D exits with status 0" '^EXIT=0$'
if grep -q '^echo hello "tty"$' "$work/state/netrepl/history" 2>/dev/null; then
    ok "history saved"
else
    bad "history not saved in $work/state/netrepl/history"
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
    ok "host bits coloured from the boundary"
else
    bad "no colour change at the boundary:"; T capture-pane -p -e -t nr | cat -v | sed 's/^/     | /'
fi
T send-keys -t nr 'quit' Enter
check "colour session quits" '^EXIT=0$'

# ---- one fresh shell per topic from here on ----
# start [COLS] [COMMAND]: a new netrepl in the pane (old one killed).
start() {
    start_pane "${1:-160}" 30 "${2:-$bin; echo EXIT=\$?; sleep 30}"
    wait_for '^netrepl> ?$' || bad "shell did not start"
}

# Output of a command never follows a redrawn prompt (issue 11.15): dial
# runs the loop once so a listener of ours accepts at once.
start
T send-keys -t nr 'listen tcp 127.0.0.1:0 --daytime' Enter
check "a daytime listener" '^netrepl\[1\]> ?$'
T send-keys -t nr 'dial tcp [1]' Enter
check "dial output starts its own line" '^\[2\] tcp 127\.0\.0\.1:[0-9]+ -> 127\.0\.0\.1:[0-9]+ \(connected'
check_not "no prompt before dial's output" '^netrepl.*> \[2\] tcp'
T send-keys -t nr "listen unix $work/plain.sock" Enter
check "a unix listener" '^netrepl\[3\]> ?$'
T send-keys -t nr "dial unix $work/plain.sock" Enter
check "dial unix output starts its own line" '^\[4\] unix '
check_not "no prompt before dial unix's output" '^netrepl.*> \[4\] unix'
T send-keys -t nr 'listen tcp 127.0.0.1:0 --echo' Enter
check "an echo listener" '^netrepl\[6\]> ?$'
T send-keys -t nr 'dial tcp [6]' Enter
check "dialed the echo listener" '^netrepl\[7\]> ?$'
T send-keys -t nr C-l
T send-keys -t nr 'send -l pasted' Enter 'recv' Enter
check "pasted recv shows the echo on its own line" '^pasted$'
check_not "no prompt before recv's output" '^netrepl.*> pasted$'

# Ctrl-D with live sessions says what it closed (issue 11.18).
T send-keys -t nr C-d
check "Ctrl-D says what was closed" '^closed 7 sessions, 3 of them listeners$'
check "and exits 0" '^EXIT=0$'

# History (issue 11.16): written as lines are run, merged between shells,
# and Ctrl-C on a recalled line leaves the entry alone.
rm -rf "$work/state"
start
T send-keys -t nr 'echo keep-me' Enter
check "a line for the history" '^keep-me$'
if grep -qx 'echo keep-me' "$work/state/netrepl/history" 2>/dev/null; then ok "history written as lines run"; else
    bad "history not written before exit"; fi
T send-keys -t nr 'echo second' Enter
check "a second line" '^second$'
T send-keys -t nr Up Up
check "Up Up recalls the first" '^netrepl> echo keep-me$'
T send-keys -t nr ' edited'
wait_for 'keep-me edited$'
T send-keys -t nr C-c
check "Ctrl-C on the recalled line" '^netrepl> echo keep-me edited\^C$'
T send-keys -t nr 'history' Enter
check "the history entry survives Ctrl-C" '^ +[0-9]+  echo keep-me$'
T send-keys -t nr Up Up Up
check "and Up finds it again" '^netrepl> echo keep-me$'
T send-keys -t nr C-u
# A second shell at the same time: both shells' lines are kept.
T -f /dev/null new-window -d -t nr -n two "$bin; sleep 30"
sleep 0.3
T send-keys -t nr:two 'echo from-two' Enter
T send-keys -t nr 'echo from-one' Enter
check "first shell runs its line" '^from-one$'
sleep 0.3
T send-keys -t nr:two C-d
T send-keys -t nr C-d
check "first shell exits" '^EXIT=0$'
sleep 0.3
h=$(tr '\n' ' ' <"$work/state/netrepl/history" 2>/dev/null)
case "$h" in
*"echo keep-me"*"echo from-"*"echo from-"*) ok "two shells' history merged" ;;
*) bad "two shells' history: $h" ;;
esac
# Enter on an edited recalled line adds it and leaves the entry as it was.
start
T send-keys -t nr 'echo h1' Enter
check "a line to edit" '^h1$'
T send-keys -t nr Up '-x' Enter
check "the edited line runs" '^h1-x$'
T send-keys -t nr Up Up
check "the recalled entry kept its text" '^netrepl> echo h1$'
T send-keys -t nr C-u C-d
if grep -qx '' "$work/state/netrepl/history"; then bad "empty line in history"; else ok "no empty history line"; fi

# attach keeps the line being typed (issue 11.17).
socat TCP-LISTEN:16094,reuseaddr,bind=127.0.0.1 SYSTEM:'sleep 1; echo data from peer; sleep 1.5' &
speer=$!
start
T send-keys -t nr 'dial tcp 127.0.0.1:16094' Enter
check "dial the peer" '^netrepl\[1\]> ?$'
T send-keys -t nr 'attach' Enter
check "attached" 'Ctrl-\] returns to the prompt\)$'
T send-keys -t nr 'half typed'
check "data arrives on its own line" '^data from peer$' 3
check "the typed text is redrawn below it" '^half typed$'
check "peer close detaches" '^\[1\] detached: the peer closed the connection' 4
check "typed text does not reach the prompt" '^netrepl\[1\]> ?$'
T send-keys -t nr C-u 'close all' Enter
wait "$speer" 2>/dev/null

# attach: an unfinished peer line ("login: ") is the prompt of the line
# being typed; Ctrl-] with text typed says it was not sent.
printf '%s\n' 'printf "login: "; read n; echo "hello $n"; sleep 3' >"$work/login.sh"
socat TCP-LISTEN:16095,reuseaddr,bind=127.0.0.1 EXEC:"sh $work/login.sh" &
speer=$!
start
T send-keys -t nr 'dial tcp 127.0.0.1:16095' Enter
check "dial the login peer" '^netrepl\[1\]> ?$'
T send-keys -t nr 'attach' Enter
check "the peer's unfinished line is the prompt" '^login: ?$'
T send-keys -t nr 'bob' Enter
check "typed after it" '^login: bob$'
check "the answer" '^hello bob$'
T send-keys -t nr 'not sent'
wait_for 'not sent$'
T send-keys -t nr C-]
check "Ctrl-] says the typed line was not sent" '^\[1\] detached: back to the prompt \(session connected; the line being typed was not sent\)$'
check "and the prompt is empty" '^netrepl\[1\]> ?$'
T send-keys -t nr 'close all' Enter
kill "$speer" 2>/dev/null; wait "$speer" 2>/dev/null

# 80 columns (issue 11.19): the sessions table and usage errors fit.
start 80
T send-keys -t nr 'listen tcp 127.0.0.1:0' Enter
T send-keys -t nr 'dial tcp [1]' Enter
check "80 columns: dial" '^netrepl\[2\]> ?$'
T send-keys -t nr 'sessions' Enter
check "sessions table" '^ +ID +PROTO'
check_width "sessions table fits 80 columns" 80
T send-keys -t nr 'sessions -w' Enter
sleep 0.3
if T capture-pane -p -J -t nr | grep -Eq '^ +ID +PROTO .* DROPS +AGE$'; then ok "sessions --wide shows every column"; else
    ko "sessions --wide shows every column"; fi
T resize-window -t nr -x 50
T send-keys -t nr C-l 'sessions' Enter
check "50 columns: a note says how to see it all" "^\(narrowed to fit: 'sessions -w' shows all\)$"
check_width "sessions table fits 50 columns" 50
T resize-window -t nr -x 80
T send-keys -t nr C-l 'dial tcp' Enter
check "usage error" '^dial: needs ADDR'
check_width "usage error fits 80 columns" 80
T send-keys -t nr 'close all' Enter

# Shrinking the window redraws a long line cleanly (issue 11.20).
start 120
long="echo $(printf 'abcdefghij%.0s' {1..9})END"
T send-keys -t nr "$long"
wait_for 'END$'
T resize-window -t nr -x 60
sleep 0.5
# tmux reflows the pane and scrolls the banner into its history (look there
# for it); the visible screen must hold the line once, whole.
all=$(T capture-pane -p -J -S - -t nr)
n=$(T capture-pane -p -J -t nr | grep -c "^netrepl> echo abcdefghij")
T capture-pane -p -J -t nr | grep -q "^netrepl> $long\$" || n="no whole"
if [ "$n" = 1 ] && echo "$all" | grep -q "^netrepl [0-9.]*; 'help'"; then ok "resize: one copy of the line, banner kept"; else
    bad "resize: $n copies of the line:"; echo "$all" | grep -v '^$' | sed 's/^/     | /'; fi
T send-keys -t nr Enter
check "the line still runs" '^abcdefghij.*END$'

# Ctrl-Z and fg (issue 9.11): terminal restored while stopped, prompt and
# line redrawn after fg.
T kill-session -t nr
T new-session -d -s nr -x 160 -y 30 "bash --norc --noprofile -i"
sleep 0.3
T send-keys -t nr "PS1='sh$ '; clear; $bin" Enter
check "netrepl under a job-control shell" '^netrepl> ?$'
T send-keys -t nr 'echo before-stop' Enter
check "runs a line" '^before-stop$'
T send-keys -t nr 'echo susp'
wait_for 'susp$'
T send-keys -t nr C-z
check "Ctrl-Z stops netrepl" 'Stopped'
T send-keys -t nr 'fg' Enter
sleep 0.5
if [ "$(screen | grep -v '^$' | tail -1)" = "netrepl> echo susp" ]; then ok "fg redraws prompt and line"; else
    ko "fg: prompt and line not redrawn"; fi
T send-keys -t nr 'ended' Enter
check "the line runs" '^suspended$'
check_not "the terminal does not echo as well (cooked mode)" '^ended$'
T send-keys -t nr 'quit' Enter
check "netrepl leaves after fg" '^sh\$ ?$'

T send-keys -t nr 'exit' Enter

# trace (issue 13): what a traced session reads arrives as notices above the
# prompt while a line is half typed; the line survives them, and the peer's
# bytes (an ESC that would clear the screen) stay escaped.
start
T send-keys -t nr 'listen tcp 127.0.0.1:16353' Enter
check "trace: a listener" '^netrepl\[1\]> ?$'
(sleep 1.5; printf 'hi \033[2J there\n'; sleep 1) | socat -t 2 - TCP:127.0.0.1:16353 2>/dev/null &
check "trace: the client accepted" '^\[2\] accepted 127\.0\.0\.1:[0-9]+ on \[1\]$'
T send-keys -t nr 'trace 2 on' Enter
check "trace: on" '^\[2\] trace on$'
T send-keys -t nr 'echo half typed'
check "trace: the record above the prompt" '^\[2\] \+[0-9]+us < at 0, 14 bytes: hi \\x1b\[2J there\\n$' 4
check "trace: the half-typed line survives it" '^netrepl\[1\]> echo half typed$'
T send-keys -t nr Enter
check "trace: the line then runs" '^half typed$'
check_not "trace: the ESC reached no terminal raw" $'\033'
wait
T send-keys -t nr 'quit' Enter

# SIGTERM and SIGHUP (issue 10.10): terminal restored, history kept, Unix
# listener files removed.
for sig in TERM HUP; do
    rm -rf "$work/state" "$work/$sig.sock"
    start 160 "$bin; echo EXIT=\$?; echo TTY=\$(stty -a | tr ' ;' '\n\n' | grep -xE -- '-?(echo|icanon)' | tr '\n' ' '); sleep 30"
    T send-keys -t nr "listen unix $work/$sig.sock" Enter
    check "SIG$sig: a unix listener" '^netrepl\[1\]> ?$'
    T send-keys -t nr 'echo typed-in'
    pid=$(ps -o pid= --ppid "$(T display -p -t nr '#{pane_pid}')" | head -1)
    kill -"$sig" $pid
    check "SIG$sig: exits by the signal" "^EXIT=$((128 + $(kill -l $sig)))$"
    check "SIG$sig: terminal restored" '^TTY=icanon echo ?$'
    if [ -e "$work/$sig.sock" ]; then bad "SIG$sig: socket file left"; else ok "SIG$sig: socket file removed"; fi
    if grep -qx "listen unix $work/$sig.sock" "$work/state/netrepl/history" 2>/dev/null; then ok "SIG$sig: history kept"; else
        bad "SIG$sig: history lost"; fi
done

finish "tty"
