/* lib/session_tap — the trace tap on a session's read and write paths:
 * lib/session_io.c calls sess_tap with what the socket took or gave; the
 * shell registered the callback and decides how it looks. Kept apart from
 * the I/O paths so that transports (TLS) hook in beside it. */
#include "lib/session_impl.h"

void nr_sess_set_tap(struct nr_session *s, nr_sess_tap_fn fn, void *arg)
{
    s->tap = fn;
    s->tap_arg = fn ? arg : NULL;
}

bool nr_sess_tapped(const struct nr_session *s)
{
    return s->tap != NULL;
}

void sess_tap(struct nr_session *s, enum nr_tap_dir dir, const void *p, size_t n)
{
    if (s->tap && n)
        s->tap(s->tap_arg, s, dir, p, n, nr_now_us());
}
