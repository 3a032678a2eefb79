# The tmux harness shared by the terminal tests (sourced, not run):
# netrepl in a tmux pane, send-keys types, capture-pane reads the screen.
# After `. lib.sh NETREPL`: $bin, $work (removed at exit), T (tmux on a
# private socket), screen, wait_for, check, check_not, ok, bad, ko,
# type_line, start, check_width, sanitizer reports in files, and finish.

# Suites that use fixed loopback ports or raw ICMP take turns machine-wide,
# so two checkouts testing at once cannot see each other's traffic.
exec 9>"${TMPDIR:-/tmp}/netrepl-tests.lock"
flock 9
bin=$(realpath "$1")
work=$(mktemp -d)
sock="$work/tmux.sock"
T() { tmux -S "$sock" "$@"; }
# Every process started here carries NR_TTY_RUN=$work in its environment;
# whatever is left at the end (a shell whose pane was killed while the leak
# checker was stopping its threads, say) is killed rather than left spinning.
export NR_TTY_RUN=$work
leftovers() {
    local e p
    for e in /proc/[0-9]*/environ; do
        p=${e#/proc/}; p=${p%/environ}
        [ "$p" != $$ ] && grep -qzx "NR_TTY_RUN=$work" "$e" 2>/dev/null && echo "$p"
    done
}
# A shell of ours whose pane is gone and that has not ended after 2 s (a
# sanitizer build can stick in the leak check when its terminal vanishes,
# spinning a core): killed now, not at the end of the suite.
reap_stuck() {
    local i p stuck
    for ((i = 0; i < 20; i++)); do
        stuck=
        for p in $(leftovers); do
            [ "$(readlink "/proc/$p/exe" 2>/dev/null)" = "$bin" ] &&
                readlink "/proc/$p/fd/0" 2>/dev/null | grep -q '(deleted)$' && stuck="$stuck $p"
        done
        [ -z "$stuck" ] && return 0
        sleep 0.1
    done
    kill -9 $stuck 2>/dev/null && echo "note: killed a shell whose pane was gone:$stuck"
}
cleanup() {
    T kill-server 2>/dev/null
    local p n=0
    sleep 0.2
    for p in $(leftovers); do
        local what
        what=$(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | cut -c1-80)
        kill -9 "$p" 2>/dev/null && n=$((n + 1)) && echo "note: killed a process left over: $what"
    done
    rm -rf "$work"
}
trap cleanup EXIT
pass=0 fail=0

# The screen holds UTF-8 (line drawing, bars): patterns like /─+/ must
# count characters, not bytes, whatever locale the suite was started in
# (CI runs with none).
grep() { LC_ALL=C.UTF-8 command grep "$@"; }
screen() { T capture-pane -p -t nr; }
show_screen() { screen | grep -v '^$' | sed 's/^/     | /'; }
# wait_for REGEX [SECONDS]: poll the screen until a line matches.
wait_for() {
    local i
    for ((i = 0; i < ${2:-5} * 20; i++)); do
        screen | grep -Eq -- "$1" && return 0
        sleep 0.05
    done
    return 1
}
ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }
ko() { bad "$1"; show_screen; }          # a failure, with the screen
check() {   # check NAME REGEX [SECONDS]: a line matching REGEX appears
    if wait_for "$2" "${3:-5}"; then ok "$1"; else
        bad "$1: no line matching /$2/ on screen:"; show_screen; fi
}
check_not() {   # check_not NAME REGEX: the screen has no such line now
    if screen | grep -Eq -- "$2"; then
        bad "$1: unexpected /$2/:"; show_screen
    else ok "$1"; fi
}
# check_width NAME COLS: no line on screen (wrapped rows joined) is wider.
check_width() {
    local long
    long=$(T capture-pane -p -J -t nr | awk -v w="$2" 'length($0) > w')
    if [ -z "$long" ]; then ok "$1"; else
        bad "$1: lines wider than $2:"; echo "$long" | sed 's/^/     | /'; fi
}
# type_line TEXT: types it, Enter, waits for a fresh prompt.
type_line() {
    T send-keys -t nr -l "$1"
    T send-keys -t nr Enter
    sleep 0.1
    local i
    for ((i = 0; i < 100; i++)); do
        screen | grep -v '^$' | tail -1 | grep -Eq '^netrepl(\[[0-9]+\])?> ?$' && return 0
        sleep 0.05
    done
}
# start_pane COLS ROWS COMMAND: COMMAND in a fresh pane `nr` (the old one
# killed). A second session keeps the server up while nr is replaced
# (killing the last session makes tmux exit, and a new-session meanwhile
# fails).
start_pane() {
    T has-session -t keep 2>/dev/null || T -f /dev/null new-session -d -s keep 'sleep 3600'
    T kill-session -t nr 2>/dev/null && reap_stuck
    T -f /dev/null new-session -d -s nr -x "$1" -y "$2" "$3"
}

# Sanitizer reports cannot reach the pane reliably: they go to files.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}log_path=$work/asan"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}log_path=$work/asan"
export HOME=$work XDG_STATE_HOME=$work/state NETREPL_DNS=127.0.0.1:9

# finish NAME: sanitizer reports fail the suite; the tally; the exit status.
finish() {
    if ls "$work"/asan.* >/dev/null 2>&1; then
        bad "sanitizer reports:"; cat "$work"/asan.*
    fi
    echo "$1: $pass passed, $fail failed"
    [ "$fail" = 0 ]
}
