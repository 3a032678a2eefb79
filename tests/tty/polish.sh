#!/usr/bin/env bash
# Interactive details from issue 11 (items 23, 25), through tmux as run.sh:
# notices in the singular, notices as JSON objects with --json, and no
# colour on a dumb terminal.
# Usage: polish.sh NETREPL
set -u
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
# start ENV... -- ARGS...: a fresh netrepl in the pane.
start() {
    T kill-session -t nr 2>/dev/null
    local envs=()
    while [ "$1" != -- ]; do envs+=("$1"); shift; done
    shift
    T -f /dev/null new-session -d -s nr -x 160 -y 30 \
        "env ${envs[*]} $bin $*; echo EXIT=\$?; sleep 30"
}
# Escape sequences on screen (capture-pane -e keeps colours).
colours() { T capture-pane -e -p -t nr | grep -c $'\e\\[3[0-9]m'; }

export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}log_path=$work/asan"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}log_path=$work/asan"
export HOME=$work XDG_STATE_HOME=$work/state NETREPL_DNS=127.0.0.1:9
unset NO_COLOR
# A session that outlives the others, so killing one never stops the server.
T -f /dev/null new-session -d -s keep "sleep 600"

# One byte, one notice in the singular.
start TERM=xterm --
T send-keys -t nr 'listen tcp 127.0.0.1:16094' Enter
check "listener (with notices)" '^netrepl\[1\]> ?$'
printf 'x' | socat -t 1 - TCP:127.0.0.1:16094 2>/dev/null
check "data notice: 1 byte" '^\[2\] 1 byte arrived \(1 buffered\)$'
check "EOF notice: 1 byte still buffered" '^\[2\] closed by peer \(1 byte still buffered\)$'

# A terminal that can show colour gets it (the control for the next check).
T send-keys -t nr 'nosuchcmd' Enter
check "an error" '^nosuchcmd: unknown command'
n=$(colours)
if [ "$n" -gt 0 ]; then pass=$((pass + 1)); echo "ok   TERM=xterm: errors in colour"; else
    fail=$((fail + 1)); echo "FAIL TERM=xterm: no colour on screen"; fi

# TERM=dumb: no escape sequences at all.
start TERM=dumb --
check "dumb terminal: prompt" '^netrepl> ?$'
T send-keys -t nr 'nosuchcmd' Enter
check "dumb terminal: the error" '^nosuchcmd: unknown command'
n=$(colours)
if [ "$n" = 0 ]; then pass=$((pass + 1)); echo "ok   TERM=dumb: no colour"; else
    fail=$((fail + 1)); echo "FAIL TERM=dumb: $n coloured lines:"; T capture-pane -e -p -t nr | cat -v | sed 's/^/     | /'; fi

# --json at the prompt: notices are JSON objects too.
start TERM=dumb -- --json
check "--json: prompt" '^netrepl> ?$'
T send-keys -t nr 'listen tcp 127.0.0.1:16095' Enter
check "--json: listener" '^\{"type":"listen","id":1,'
printf 'x' | socat -t 1 - TCP:127.0.0.1:16095 2>/dev/null
check "--json: accepted notice" '^\{"type":"notice","event":"accepted","id":2,"message":"\[2\] accepted 127\.0\.0\.1:[0-9]+ on \[1\]"\}$'
check "--json: data notice" '^\{"type":"notice","event":"data","id":2,"message":"\[2\] 1 byte arrived \(1 buffered\)"\}$'
check "--json: EOF notice" '^\{"type":"notice","event":"eof","id":2,"message":"\[2\] closed by peer \(1 byte still buffered\)"\}$'
T send-keys -t nr 'quit' Enter
check "--json: quit" '^EXIT=0$'

if ls "$work"/asan.* >/dev/null 2>&1; then
    fail=$((fail + 1)); echo "FAIL sanitizer reports:"; cat "$work"/asan.*
fi
echo "tty polish: $pass passed, $fail failed"
[ "$fail" = 0 ]
