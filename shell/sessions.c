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

/* "64 MiB", "512 KiB", "1000 bytes". */
static const char *size_text(size_t n, char *buf, size_t len)
{
    if (n >= (1u << 20) && n % (1u << 20) == 0)
        snprintf(buf, len, "%zu MiB", n >> 20);
    else if (n >= 1024 && n % 1024 == 0)
        snprintf(buf, len, "%zu KiB", n >> 10);
    else
        snprintf(buf, len, "%zu bytes", n);
    return buf;
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
    int id = nr_sess_id(s);
    if (sh->tap.id && id == sh->tap.id) {
        sh->tap.fn(sh->tap.arg, s, ev);
        return;
    }
    if (sh->quiet)
        return;   /* -q: no notices at the prompt */
    switch (ev) {
    case NR_SEV_ACCEPTED:
        sh_notice(sh, "[%d] accepted %s on [%d]", id,
                  addr_text(nr_sess_remote(s), nr_sess_remote_len(s), a, sizeof a),
                  nr_sess_listener(s));
        break;
    case NR_SEV_DATA:
        if (id == sh->muted_id)
            break;
        if (!nr_sess_is_stream(s))
            sh_notice(sh, "[%d] datagram of %zu bytes (%zu queued)", id, n,
                      nr_sess_dgram_count(s));
        else
            sh_notice(sh, "[%d] %zu bytes arrived (%zu buffered)", id, n, nr_sess_buffered(s));
        break;
    case NR_SEV_EOF:
        sh_notice(sh, "[%d] closed by peer (%zu bytes still buffered)", id, nr_sess_buffered(s));
        break;
    case NR_SEV_ERROR:
        sh_notice(sh, "[%d] %s: %s", id,
                  nr_sess_role_of(s) == NR_ROLE_LISTEN ? "accept" : "error",
                  nr_sock_strerror(nr_sess_error(s)));
        break;
    case NR_SEV_FULL:
        break;
    case NR_SEV_BUDGET:
        sh_notice(sh, "buffer budget of %s reached: sessions holding data stop reading "
                  "until some is read (set budget SIZE)", size_text(n, a, sizeof a));
        break;
    case NR_SEV_LIMIT:
        sh_notice(sh, "[%d] %zu clients: accepting paused until one leaves "
                  "(listen --max-clients)", id, n);
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
        else
            nr_sess_keep(s);   /* a command uses it: it keeps its descriptor */
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
    else
        nr_sess_keep(s);
    return s;
}

