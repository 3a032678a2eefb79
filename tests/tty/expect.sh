#!/usr/bin/env bash
# expect, variables and save through a real terminal (tmux): Ctrl-C cancels
# a waiting expect at once; `save` at the prompt writes the commands that
# succeeded, and replaying the saved file as a script prints what those
# commands printed at the prompt.
# Usage: expect.sh NETREPL
set -u
. "$(dirname "$0")/lib.sh" "$1"
export NO_COLOR=1
start_pane 200 50 "$bin -q; echo EXIT=\$?; sleep 30"
check "prompt" '^netrepl> ?$'

# Ctrl-C while expect waits: it fails at once, saying what arrived.
type_line 'listen tcp 127.0.0.1:0'
type_line 'dial tcp [1]'
T send-keys -t nr 'accept 1; send 2 "partial"; expect 3 "never" --timeout 30' Enter
sleep 0.5
start=$(date +%s%N)
T send-keys -t nr C-c
check "Ctrl-C interrupts expect" '^expect: \[3\] interrupted: no match for "never"; 7 bytes unmatched \(still buffered\): "partial"$' 2
ms=$(( ($(date +%s%N) - start) / 1000000 ))
if [ "$ms" -lt 2000 ]; then ok "interrupt took ${ms} ms"; else bad "interrupt took ${ms} ms"; fi
type_line 'recv 3'
check "nothing was consumed" '^partial$'
type_line 'close all'

# An exploration at the prompt of a fresh shell, with failures in it,
# saved and replayed.
T send-keys -t nr 'quit' Enter
check "quit" '^EXIT=0$'
start_pane 200 50 "$bin -q; echo EXIT=\$?; sleep 30"
check "a fresh shell" '^netrepl> ?$'
lines=(
    'let msg = "hello expect"'
    'listen tcp 127.0.0.1:0 --echo'
    'dial tcp [$_]'
    'send "$msg\r\n"; expect '"'"'/(?<word>\w+) expect\r\n/'"'"''
    'echo "captured $1 and $word"'
    'nosuchcommand'
    'echo $nosuch; echo "the rest of the line runs"'
    'expect "never" --timeout 0.1'
    'vars'
    'history 1'
)
for l in "${lines[@]}"; do type_line "$l"; done
type_line "save $work/demo.nr"
check "save says how many" '^saved 8 commands to .*/demo\.nr$'
type_line "save $work/demo.nr"
check "save will not replace a file" '^save: .*/demo\.nr: exists \(--force replaces it\)$'
T capture-pane -p -t nr -S - >"$work/pane"
T send-keys -t nr 'quit' Enter
check "quit" '^EXIT=0$'

if head -1 "$work/demo.nr" | grep -q '^# Saved by netrepl .* from an interactive session:$' &&
   grep -q '^# Replay: netrepl ' "$work/demo.nr"; then ok "header comment"; else
    bad "header comment:"; sed 's/^/     | /' "$work/demo.nr"; fi
want_cmds='let msg = "hello expect"
listen tcp 127.0.0.1:0 --echo
dial tcp [$_]
send "$msg\r\n"
expect '"'"'/(?<word>\w+) expect\r\n/'"'"'
echo "captured $1 and $word"
echo "the rest of the line runs"
vars'
if [ "$(grep -v '^#' "$work/demo.nr")" = "$want_cmds" ]; then ok "saved: the commands that succeeded, as typed"; else
    bad "saved commands:"; sed 's/^/     | /' "$work/demo.nr"; fi

# Replay: the same output as at the prompt (prompts, errors and the save
# lines left out; ports and times differ from run to run).
norm() { sed -E 's/127\.0\.0\.1:[0-9]+/127.0.0.1:PORT/g; s/connected in [0-9.]+ ms/connected in T ms/'; }
grep -Ev '^netrepl(\[[0-9]+\])?>( |$)|^(nosuchcommand|echo|expect|save): |^saved |^ *[0-9]+  history|^$' \
    "$work/pane" | norm >"$work/at_prompt"
(cd "$work" && "$bin" demo.nr) 2>&1 | norm >"$work/replayed"
if diff -u "$work/at_prompt" "$work/replayed" >"$work/diff"; then ok "replay prints what the prompt printed"; else
    bad "replay differs:"; sed 's/^/     | /' "$work/diff"; fi

finish "tty expect"
