#!/usr/bin/env bash
# Serves the test zones (nr.test, reverse zones) with nsd on 127.0.0.1 and
# ::1 port 15353 in the foreground, for demos and examples/lookup.nr.
# Ctrl-C stops it. Needs nsd (Debian package nsd) and root.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
export NR_WORK=$(mktemp -d) NR_TESTS=$here/e2e NR_PIDS=""
trap 'for p in $NR_PIDS; do kill $p 2>/dev/null; done; rm -rf "$NR_WORK"' EXIT
# shellcheck disable=SC1091
. "$here/e2e/setup/dns.sh"
echo "nsd serving nr.test on 127.0.0.1:$NR_DNS_PORT and [::1]:$NR_DNS_PORT (Ctrl-C stops)"
while kill -0 $NR_PIDS 2>/dev/null; do sleep 1; done
