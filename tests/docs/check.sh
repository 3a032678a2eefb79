#!/usr/bin/env bash
# Keeps help and the docs in step with the code: every command in the table
# must appear in README.md (its usage line, in backquotes) and in the man page
# when there is one, and every README usage line must name a real command.
# Usage: check.sh NETREPL
set -u
bin=$1
here=$(cd "$(dirname "$0")/../.." && pwd)
pass=0 fail=0
usages=$("$bin" --json -c help | python3 -c '
import json, sys
for line in sys.stdin:
    o = json.loads(line)
    print(o["command"] + "\t" + o["usage"])')
while IFS=$'\t' read -r name usage; do
    if grep -qF -- "\`$usage\`" "$here/README.md"; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1)); echo "FAIL README.md lacks \`$usage\` ($name)"
    fi
    if ! "$bin" -c "help $name" | grep -q '^Example'; then
        fail=$((fail + 1)); echo "FAIL help $name has no Example line"
    else
        pass=$((pass + 1))
    fi
    if [ -f "$here/netrepl.1" ]; then
        if grep -q -- "^\.B $name\b\|^\.BR $name\b\|^\.TP.*$name\|^\\\\fB$name\\\\fR" "$here/netrepl.1"; then
            pass=$((pass + 1))
        else
            fail=$((fail + 1)); echo "FAIL netrepl.1 does not document $name"
        fi
    fi
done <<<"$usages"
# Each command sits under the same heading in README.md (### Sessions) and in
# the man page (.SS Sessions): attach was once under "Names and DNS".
if [ -f "$here/netrepl.1" ]; then
    out=$(python3 - "$here/README.md" "$here/netrepl.1" $(cut -f1 <<<"$usages") <<'PY'
import re, sys
readme, man = (open(p, encoding="utf-8").read().splitlines() for p in sys.argv[1:3])
def sections(lines, head, entry):
    sec, found = None, {}
    for l in lines:
        m = re.match(head, l)
        if m:
            sec = m.group(1).strip()
            continue
        m = re.match(entry, l)
        if m and sec and m.group(1) not in found:
            found[m.group(1)] = sec
    return found
r = sections(readme, r"^### (.*)", r"^(?:[-|] )?`([a-z]+)[ `]")
m = sections(man, r"^\.SS (.*)", r"^\.BR? ([a-z]+)\b")
cmds = set(sys.argv[3:])
bad = [f"{c}: README '{r[c]}', man page '{m[c]}'" for c in sorted(r) if c in cmds and c in m and r[c] != m[c]]
bad += [f"{c}: not found under a heading of both" for c in sys.argv[3:] if c not in r or c not in m]
print("\n".join(bad))
PY
)
    if [ -z "$out" ]; then pass=$((pass + 1)); else
        fail=$((fail + 1)); echo "FAIL README.md and netrepl.1 file commands under different headings:"; echo "$out"; fi
fi
if [ -f "$here/netrepl.1" ] && command -v groff >/dev/null; then
    w=$(LC_ALL=C groff -man -ww -z "$here/netrepl.1" 2>&1)
    if [ -z "$w" ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL netrepl.1 has groff warnings:"; echo "$w"; fi
fi
echo "docs: $pass passed, $fail failed"
[ "$fail" = 0 ]
