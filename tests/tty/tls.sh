#!/usr/bin/env bash
# TLS at a terminal (tmux): a notice from a TLS session (a client connecting
# and speaking, openssl s_client) arrives above a half-typed line, which stays
# as typed; Ctrl-C during a handshake to a peer that never answers (a TCP
# listener that never speaks) cancels it and the shell goes on.
# Ports 16337-16338. Usage: tls.sh NETREPL
set -u
. "$(dirname "$0")/lib.sh" "$1"
export NO_COLOR=1
command -v openssl >/dev/null || { echo "tty-tls: openssl missing (make test-deps)"; exit 1; }
start_pane 120 30 "$bin; echo EXIT=\$?; sleep 30"
check "prompt" '^netrepl> ?$'
type_line 'listen tls 127.0.0.1:16337'
check "listen tls" 'listening on tls 127\.0\.0\.1:16337'
T send-keys -t nr -l 'echo half typed'
wait_for 'echo half typed$'
(sleep 0.5; echo "hello from s_client"; sleep 3) |
    openssl s_client -quiet -connect 127.0.0.1:16337 >/dev/null 2>&1 &
client=$!
check "a TLS client's notice is shown" '^\[2\] accepted 127\.0\.0\.1:[0-9]+ on \[1\]' 5
check "its data's notice too" '^\[2\] 20 bytes arrived' 5
if screen | grep -v '^$' | tail -1 | grep -Eq '^netrepl(\[[0-9]+\])?> echo half typed$'; then
    ok "the half-typed line is still there, below the notices"
else ko "the half-typed line is still there, below the notices"; fi
T send-keys -t nr Enter
check "the line then runs" '^half typed$'
kill "$client" 2>/dev/null; wait "$client" 2>/dev/null

type_line 'listen tcp 127.0.0.1:16338'
T send-keys -t nr 'dial tls 127.0.0.1:16338 --timeout 30' Enter
sleep 1
T send-keys -t nr C-c
check "Ctrl-C cancels a handshake that never ends" 'TLS handshake interrupted' 3
type_line 'echo still here'
check "the shell goes on" '^still here$'
# sessions --watch shows a TLS session's state as sessions does.
type_line 'dial tls 127.0.0.1:16337 --insecure'
T send-keys -t nr 'sessions --watch' Enter
check "watch: a TLS dial is 'unverified', as in sessions" '^ *\*?[0-9]+ +tls +dial +.* unverified ' 5
T send-keys -t nr q
check "watch: q leaves it" '^netrepl\[[0-9]+\]> ?$' 5
type_line 'quit'
check "quit" 'EXIT=0'
finish tty-tls
