#!/usr/bin/env bash
# `lookup --full` and any-type lookups against dig, on the test zones served
# by nsd (tests/e2e/setup/dns.sh: nr.test, any.test, sec.test signed now).
# Usage: check_full.sh NETREPL
set -u
exec 9>"${TMPDIR:-/tmp}/netrepl-tests.lock"
flock 9
bin=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
export NR_WORK=$(mktemp -d) NR_TESTS=$here/../e2e
NR_PIDS=""
trap 'for p in $NR_PIDS; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$NR_WORK"' EXIT
# shellcheck disable=SC1091
. "$NR_TESTS/setup/dns.sh" || exit 1
python3 "$here/full_vs_dig.py" "$bin" "$NR_DNS_PORT"
