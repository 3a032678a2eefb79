#!/usr/bin/env bash
# The differential test against Go's net package (make godiff): a seeded
# generator in godiff.go writes a few thousand parse and mask commands and
# what Go's ParseIP, ParseCIDR, DefaultMask, IPMask.Size/String, IP.Mask and
# IPNet.String say about each; netrepl runs them with --json in a network
# namespace of its own (no network is needed); godiff compares every field
# and fails on any difference that is not a documented known exception.
# Skips, saying so, when go is missing (tests/deps.sh test installs golang-go).
# Usage: run.sh NETREPL [SEED [N]]
set -u
bin=$(realpath "$1")
seed=${2:-11} n=${3:-6000}
here=$(cd "$(dirname "$0")" && pwd)
if ! command -v go >/dev/null 2>&1; then
    echo "skip godiff: go is not installed (apt-get install golang-go, or make test-deps)"
    exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Standard library only: no module download, a build cache of our own.
export GOPROXY=off GOFLAGS= GO111MODULE=off GOPATH=$work/gopath
export GOCACHE=${GOCACHE:-${TMPDIR:-/tmp}/netrepl-gocache}
export HOME=$work XDG_STATE_HOME=$work/state NETREPL_DNS=127.0.0.1:9
go build -o "$work/godiff" "$here/godiff.go" || { echo "FAIL godiff: go build"; exit 1; }
"$work/godiff" gen "$seed" "$n" "$work" || exit 1
ns=
if [ "$(id -u)" = 0 ] && unshare -n true 2>/dev/null; then ns="unshare -n"; fi
$ns "$bin" --json -k <"$work/cmds.nr" >"$work/nr.jsonl" 2>"$work/nr.err"
rc=$?
# -k: the rejected inputs make it exit 1; anything more, or a sanitizer
# report (make check's second pass), fails.
if [ $rc -gt 1 ] || grep -Eq 'Sanitizer|runtime error' "$work/nr.err"; then
    echo "FAIL godiff: netrepl exited $rc"; grep -v '^netrepl: [0-9]*: ' "$work/nr.err" | head -20; exit 1
fi
"$work/godiff" compare "$work"
