#!/bin/sh
# tests/layering — the session boundary: struct nr_session is defined in
# lib/session_impl.h, which only lib/session*.c may include; everything
# else (cmds/, shell/, tests) uses the operations of lib/session.h, so the
# compiler rejects any field access there. Fails naming the offender.
cd "$(dirname "$0")/.." || exit 2
bad=$(grep -l '#include "lib/session_impl\.h"' lib/*.[ch] cmds/*.[ch] shell/*.[ch] \
          tests/unit/*.c tests/fuzz/*.c bench/*.c |
      grep -v -e '^lib/session[a-z_]*\.c$')
if [ -n "$bad" ]; then
    echo "layering: only lib/session*.c may include lib/session_impl.h:" $bad >&2
    exit 1
fi
if grep -n 'struct nr_session *{' lib/*.h cmds/*.[ch] shell/*.[ch] | grep -v '^lib/session_impl\.h:'; then
    echo "layering: struct nr_session is defined outside lib/session_impl.h" >&2
    exit 1
fi
echo "layering: ok"
