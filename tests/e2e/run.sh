#!/usr/bin/env bash
# End-to-end transcripts: each tests/e2e/NAME.nr is fed to the real binary on
# stdin; stdout, stderr and the exit status must equal NAME.out, NAME.err
# (missing: empty) and NAME.rc (missing: 0).
#
# A script may start with header lines:
#   #args: -k --dns 127.0.0.1:$NR_DNS_PORT     extra netrepl arguments (expanded)
#   #needs: root                                skipped unless root
#   #needs: trace-hierarchy                     skipped (tests/dns/trace/run.sh runs it)
#   #filter: s/:[0-9]+ /:PORT /g                sed -E applied to stdout+stderr
# The same lines may instead sit in NAME.headers next to the expected files:
# the examples keep them there, so that a reader of examples/ sees no test
# harness.
# Every script runs a second time with --json, and each stdout line must then
# be a JSON object with a "type" (NR_NO_JSON=1 skips that; so does a
# "#json: no" header, for a script that switches the mode itself).
# Before any script runs, every tests/e2e/setup/*.sh is sourced: they start
# the loopback peers (DNS server, HTTP server, ...), export their ports, and
# add PIDs to NR_PIDS for the cleanup below.
#
# Usage: run.sh [--dir DIR] NETREPL [NAME...]
#   --dir DIR: run the scripts in DIR instead (examples/), with the same peers,
#   from the project's top directory; their expected files are in tests/NAME-OF-DIR/.
set -u
# Suites that use fixed loopback ports or raw ICMP take turns machine-wide,
# so two checkouts testing at once cannot see each other's traffic.
exec 9>"${TMPDIR:-/tmp}/netrepl-tests.lock"
flock 9
dir=
if [ "${1:-}" = --dir ]; then dir=$(cd "$2" && pwd); shift 2; fi
bin=$(realpath "$1"); shift
here=$(cd "$(dirname "$0")" && pwd)
scripts_dir=${dir:-$here}
run_dir=$here want_dir=$here
if [ -n "$dir" ]; then run_dir=$(cd "$here/../.." && pwd); want_dir=$here/../$(basename "$dir"); fi
work=$(mktemp -d)
NR_PIDS=""
cleanup() {
    for p in $NR_PIDS; do kill "$p" 2>/dev/null; done
    wait 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT INT TERM
export NR_WORK=$work NR_BIN=$bin NR_TESTS=$here
# NR_WRAP runs the binary under a tool (make memcheck sets valgrind).
NR_WRAP=${NR_WRAP:-}
# No test may reach the machine's resolver: default to a dead loopback port.
export NETREPL_DNS=${NETREPL_DNS:-127.0.0.1:9}
export HOME=$work XDG_STATE_HOME=$work/state
for s in "$here"/setup/*.sh; do
    [ -f "$s" ] || continue
    # shellcheck disable=SC1090
    . "$s" || { echo "e2e: setup $(basename "$s") failed"; exit 1; }
done

if [ $# -gt 0 ]; then
    scripts=(); for n in "$@"; do scripts+=("$scripts_dir/$n.nr"); done
else
    scripts=("$scripts_dir"/*.nr)
fi

pass=0 fail=0 skip=0
for t in "${scripts[@]}"; do
    name=$(basename "$t" .nr)
    headers=("$t"); [ -f "$want_dir/$name.headers" ] && headers+=("$want_dir/$name.headers")
    # Examples are read (and run with -x) by people: no harness lines there.
    if [ -n "$dir" ] && grep -qE '^#(args|needs|filter|json):' "$t"; then
        fail=$((fail + 1)); echo "FAIL $name: test-harness lines in $t (move them to tests/$(basename "$want_dir")/$name.headers):"
        grep -nE '^#(args|needs|filter|json):' "$t" | sed 's/^/     /'; continue
    fi
    args=$(sed -n 's/^#args: *//p' "${headers[@]}" | head -1)
    needs=$(sed -n 's/^#needs: *//p' "${headers[@]}" | head -1)
    filter=$(sed -n 's/^#filter: *//p' "${headers[@]}")
    if [ "$needs" = root ] && [ "$(id -u)" != 0 ]; then
        skip=$((skip + 1)); echo "skip $name (needs root)"; continue
    fi
    if [ "$needs" = trace-hierarchy ]; then   # run by tests/dns/trace/run.sh instead
        skip=$((skip + 1)); echo "skip $name (needs the trace hierarchy: tests/dns/trace/run.sh)"; continue
    fi
    eval "set -- $args"
    (cd "$run_dir" && timeout 60 $NR_WRAP "$bin" "$@" <"$t" >"$work/out" 2>"$work/err"; echo $? >"$work/rc")
    want_rc=0; [ -f "$want_dir/$name.rc" ] && want_rc=$(cat "$want_dir/$name.rc")
    for f in out err; do
        [ -f "$want_dir/$name.$f" ] && cp "$want_dir/$name.$f" "$work/want.$f" || : >"$work/want.$f"
        if [ -n "$filter" ]; then
            while IFS= read -r expr; do
                sed -E -i "$expr" "$work/$f"
            done <<<"$filter"
        fi
    done
    ok=1
    diff -u "$work/want.out" "$work/out" >"$work/diff" 2>&1 || ok=0
    diff -u "$work/want.err" "$work/err" >>"$work/diff" 2>&1 || ok=0
    [ "$(cat "$work/rc")" = "$want_rc" ] || { ok=0; echo "exit status $(cat "$work/rc"), want $want_rc" >>"$work/diff"; }
    # The same script with --json: every stdout line must be one JSON object.
    if [ "${NR_NO_JSON:-}" != 1 ] && ! grep -q '^#json: no' "${headers[@]}"; then
        (cd "$run_dir" && timeout 60 $NR_WRAP "$bin" --json "$@" <"$t" >"$work/json" 2>/dev/null)
        python3 -c '
import json, sys
for n, line in enumerate(open(sys.argv[1], "rb"), 1):
    try:
        o = json.loads(line)
        assert isinstance(o, dict) and "type" in o, "not an object with a type"
    except Exception as e:
        sys.exit("--json line %d is not a JSON object (%s): %r" % (n, e, line[:200]))
' "$work/json" >>"$work/diff" 2>&1 || ok=0
    fi
    if [ $ok = 1 ]; then
        pass=$((pass + 1)); echo "ok   $name"
    else
        fail=$((fail + 1)); echo "FAIL $name"; sed 's/^/     /' "$work/diff" | head -60
        if [ "${NR_UPDATE:-}" = 1 ]; then   # regenerate expected files (review the diff!)
            mkdir -p "$want_dir"
            cp "$work/out" "$want_dir/$name.out"; cp "$work/err" "$want_dir/$name.err"
            [ -s "$want_dir/$name.err" ] || rm -f "$want_dir/$name.err"
            rc=$(cat "$work/rc"); if [ "$rc" = 0 ]; then rm -f "$want_dir/$name.rc"; else echo "$rc" >"$want_dir/$name.rc"; fi
        fi
    fi
done
label=e2e; [ -n "$dir" ] && label=$(basename "$dir")
echo "$label: $pass passed, $fail failed, $skip skipped"
[ $fail = 0 ]
