/* shell/sessions — the session table as the shell sees it: created on
 * first use, its events turned into notices above the prompt (or handed to
 * attach's tap, or held back while a command reads the session), and the
 * [ID] argument of the session commands. */
#include "shell/shell.h"
#include "lib/session.h"
#include "lib/addr.h"
#include "lib/sock.h"

#include <stdio.h>
#include <string.h>

static const char *addr_text(const struct sockaddr_storage *ss, socklen_t len, char *buf,
                             size_t n)
{
    if (!len)
        return "-";
    return nr_sockaddr_str((const struct sockaddr *)ss, len, buf, n);
}

static bool s_is_listener(const struct nr_session *s)
{
    return !strcmp(nr_sess_role(s), "listen");
}

void sh_mute(struct shell *sh, int id)
{
    sh->muted_id = id;
}

void sh_tap(struct shell *sh, int id, sh_tap_fn fn, void *arg)
{
    sh->tap.id = id;
    sh->tap.fn = fn;
    sh->tap.arg = arg;
}

static void on_event(void *arg, struct nr_session *s, enum nr_sess_event ev, size_t n)
{
    struct shell *sh = arg;
    char a[NR_ADDRSTRLEN];
    if (sh->tap.id && s->id == sh->tap.id) {
        sh->tap.fn(sh->tap.arg, s, ev);
        return;
    }
    if (sh->quiet)
        return;   /* -q: no notices at the prompt */
    switch (ev) {
    case NR_SEV_ACCEPTED:
        sh_notice(sh, "accepted", s->id, "[%d] accepted %s on [%d]", s->id,
                  addr_text(&s->remote, s->remote_len, a, sizeof a), s->listener);
        break;
    case NR_SEV_DATA:
        if (s->id == sh->muted_id)
            break;
        if (s->net.type == SOCK_DGRAM)
            sh_notice(sh, "datagram", s->id, "[%d] datagram of %zu %s (%zu queued)", s->id, n,
                      nr_plural(n, "byte", "bytes"), s->dq_count);
        else
            sh_notice(sh, "data", s->id, "[%d] %zu %s arrived (%zu buffered)", s->id, n,
                      nr_plural(n, "byte", "bytes"), s->in.len);
        break;
    case NR_SEV_EOF:
        sh_notice(sh, "eof", s->id, "[%d] closed by peer (%zu %s still buffered)", s->id, s->in.len,
                  nr_plural(s->in.len, "byte", "bytes"));
        break;
    case NR_SEV_ERROR:
        sh_notice(sh, "error", s->id, "[%d] %s: %s", s->id,
                  s->role == NR_ROLE_LISTEN ? "accept" : "error",
                  nr_sock_strerror(s->err));
        break;
    }
}

struct nr_sessions *sh_sessions(struct shell *sh)
{
    if (!sh->sessions) {
        sh->sessions = nr_sessions_new(sh->loop, on_event, sh);
        if (!sh->sessions)
            cmd_error(sh, "out of memory");
    }
    return sh->sessions;
}

bool sess_is_id(const char *w)
{
    if (*w == '[')
        w++;
    if (*w < '0' || *w > '9')
        return false;
    while (*w >= '0' && *w <= '9')
        w++;
    return !*w || (w[0] == ']' && !w[1]);
}

struct nr_session *sess_arg(struct shell *sh, const char *word)
{
    struct nr_sessions *t = sh_sessions(sh);
    if (!t)
        return NULL;
    if (!word) {
        if (!sh->current) {
            cmd_error(sh, "no current session (give an ID, or 'use ID')");
            return NULL;
        }
        struct nr_session *s = nr_sess_get(t, sh->current);
        if (!s)
            cmd_error(sh, "session %d is closed", sh->current);
        return s;
    }
    long long id;
    char buf[32];
    snprintf(buf, sizeof buf, "%s", word + (*word == '['));
    char *b = strchr(buf, ']');
    if (b)
        *b = 0;
    if (!sess_is_id(word) || nr_parse_ll(buf, 1, 1 << 30, &id, NULL, 0) < 0) {
        cmd_error(sh, "%s: not a session id", word);
        return NULL;
    }
    struct nr_session *s = nr_sess_get(t, (int)id);
    if (!s)
        cmd_error(sh, "%s: no such session (see 'sessions')", word);
    return s;
}


void sh_close_all(struct shell *sh)
{
    struct nr_sessions *t = sh->sessions;
    size_t n = t ? nr_sess_count(t) : 0, listeners = 0;
    if (!n)
        return;
    for (size_t i = 0; i < n; i++)
        listeners += s_is_listener(nr_sess_at(t, i));
    while (nr_sess_count(t))
        nr_sess_close(nr_sess_at(t, nr_sess_count(t) - 1));
    sh->current = 0;
    out_begin(sh, "close");
    out_uint(sh, "closed", "closed %llu ", n);
    out_uint(sh, "listeners", NULL, listeners);
    out_text(sh, "%s", n == 1 ? "session" : "sessions");
    if (n == 1 && listeners)
        out_text(sh, " (a listener)");
    else if (listeners == 1)
        out_text(sh, ", 1 of them a listener");
    else if (listeners)
        out_text(sh, ", %zu of them listeners", listeners);
    out_text(sh, "\n");
    out_end(sh);
    fflush(stdout);
}
