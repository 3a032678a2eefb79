#!/usr/bin/env bash
# Interactive details from issue 11 (items 23, 25), through tmux as run.sh:
# notices in the singular, notices as JSON objects with --json, and no
# colour on a dumb terminal.
# Usage: polish.sh NETREPL
set -u
. "$(dirname "$0")/lib.sh" "$1"
unset NO_COLOR
# start ENV... -- ARGS...: a fresh netrepl in the pane.
start() {
    local envs=()
    while [ "$1" != -- ]; do envs+=("$1"); shift; done
    shift
    start_pane 160 30 "env ${envs[*]} $bin $*; echo EXIT=\$?; sleep 30"
}
# Escape sequences on screen (capture-pane -e keeps colours).
colours() { T capture-pane -e -p -t nr | grep -c $'\e\\[3[0-9]m'; }

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
if [ "$n" -gt 0 ]; then ok "TERM=xterm: errors in colour"; else
    bad "TERM=xterm: no colour on screen"; fi

# TERM=dumb: no escape sequences at all.
start TERM=dumb --
check "dumb terminal: prompt" '^netrepl> ?$'
T send-keys -t nr 'nosuchcmd' Enter
check "dumb terminal: the error" '^nosuchcmd: unknown command'
n=$(colours)
if [ "$n" = 0 ]; then ok "TERM=dumb: no colour"; else
    bad "TERM=dumb: $n coloured lines:"; T capture-pane -e -p -t nr | cat -v | sed 's/^/     | /'; fi

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

finish "tty polish"
