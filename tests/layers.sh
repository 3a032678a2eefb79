#!/bin/sh
# Layering: lib/ is the network library and knows nothing of the shell.
# Fails when a lib/ file includes a shell/ or cmds/ header, or when the lib/
# archive uses a symbol that shell/ or cmds/ objects define, or when a file
# outside lib/session*.c sees the inside of a session.
# Usage: layers.sh LIB.a APP.o...
set -u
lib=$1; shift
here=$(cd "$(dirname "$0")/.." && pwd)
bad=0
if grep -n '#include "\(shell\|cmds\)/' "$here"/lib/*.[ch]; then
    echo "layers: lib/ includes a shell/ or cmds/ header (above)"; bad=1
fi
# The session boundary: struct nr_session is defined in lib/session_impl.h,
# which only lib/session*.c include; elsewhere the struct is opaque and the
# compiler rejects any field access (cmds/ and shell/ use lib/session.h).
if grep -ln '#include "lib/session_impl\.h"' "$here"/lib/*.[ch] "$here"/cmds/*.[ch] \
       "$here"/shell/*.[ch] "$here"/tests/unit/*.c | grep -v '/lib/session[a-z_]*\.c$'; then
    echo "layers: only lib/session*.c may include lib/session_impl.h (above)"; bad=1
fi
if grep -n 'struct nr_session *{' "$here"/lib/*.h "$here"/cmds/*.[ch] "$here"/shell/*.[ch] |
       grep -v '/lib/session_impl\.h:'; then
    echo "layers: struct nr_session defined outside lib/session_impl.h (above)"; bad=1
fi
defs=$(mktemp) undefs=$(mktemp)
trap 'rm -f "$defs" "$undefs"' EXIT
nm --defined-only -g "$@" 2>/dev/null | awk 'NF == 3 { print $3 }' | sort -u >"$defs"
nm -u "$lib" 2>/dev/null | awk '{ print $NF }' | sort -u >"$undefs"
up=$(comm -12 "$defs" "$undefs")
if [ -n "$up" ]; then
    echo "layers: lib/ uses symbols of shell/ or cmds/:"; echo "$up" | sed 's/^/  /'; bad=1
fi
# No circle between shell/ and cmds/: shell/ reaches cmds/ only through the
# command table (the descriptors listed in cmds/list.h), never by calling a
# function there; cmds/ call down into shell/'s printer, waits and table.
cmdsyms=$(mktemp) shellundef=$(mktemp)
trap 'rm -f "$defs" "$undefs" "$cmdsyms" "$shellundef"' EXIT
for o in "$@"; do
    case $o in
    */cmds/*.o) nm --defined-only -g "$o" 2>/dev/null | awk 'NF == 3 { print $3 }' ;;
    esac
done | sort -u >"$cmdsyms"
for o in "$@"; do
    case $o in
    */shell/*.o) nm -u "$o" 2>/dev/null | awk '{ print $NF }' ;;
    esac
done | sort -u >"$shellundef"
listed=$(sed -n 's/^NR_CMD(\([a-z_]*\)).*/\1/p' "$here/cmds/list.h" | sort -u)
circle=$(comm -12 "$cmdsyms" "$shellundef" | grep -vxF "$listed")
if [ -n "$circle" ]; then
    echo "layers: shell/ calls into cmds/ (only the table's descriptors may be used):"
    echo "$circle" | sed 's/^/  /'; bad=1
fi
exit $bad
