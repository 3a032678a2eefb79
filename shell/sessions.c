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

static bool s_is_listener(const struct nr_session *s)
{
    return nr_sess_role_of(s) == NR_ROLE_LISTEN;
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

/* ---- data notices, merged ----
 * A burst of reads would be a notice per 64 KiB read. The first read of a
 * session at an idle prompt is announced at once; what follows within
 * MERGE_US (and everything while a command runs) is added up and
 * announced as one line: "[4] 2,097,152 bytes arrived in 32 reads". */

enum { MERGE_US = 200000 };

/* 1234567 -> "1,234,567". */
static const char *grouped(unsigned long long v, char *buf, size_t n)
{
    char d[32];
    int len = snprintf(d, sizeof d, "%llu", v), k = 0;
    for (int i = 0; i < len && (size_t)k + 2 < n; i++) {
        if (i && (len - i) % 3 == 0)
            buf[k++] = ',';
        buf[k++] = d[i];
    }
    buf[k] = 0;
    return buf;
}

static void data_notice(struct shell *sh, int id, bool dgram, size_t bytes, size_t reads)
{
    struct nr_session *s = sh->sessions ? nr_sess_get(sh->sessions, id) : NULL;
    char a[32], b[32], c[32];
    if (!s)
        return;
    if (reads == 1 && dgram)
        sh_notice(sh, "datagram", id, "[%d] datagram of %zu %s (%zu queued)", id, bytes,
                  nr_plural(bytes, "byte", "bytes"), nr_sess_dgram_count(s));
    else if (reads == 1)
        sh_notice(sh, "data", id, "[%d] %zu %s arrived (%zu buffered)", id, bytes,
                  nr_plural(bytes, "byte", "bytes"), nr_sess_buffered(s));
    else if (dgram)
        sh_notice(sh, "datagram", id, "[%d] %s datagrams arrived (%s %s; %s queued)", id,
                  grouped(reads, a, sizeof a), grouped(bytes, b, sizeof b),
                  nr_plural(bytes, "byte", "bytes"), grouped(nr_sess_dgram_count(s), c, sizeof c));
    else
        sh_notice(sh, "data", id, "[%d] %s %s arrived in %s reads (%s buffered)", id,
                  grouped(bytes, a, sizeof a), nr_plural(bytes, "byte", "bytes"),
                  grouped(reads, b, sizeof b), grouped(nr_sess_buffered(s), c, sizeof c));
}

static void held_drop(struct shell *sh, int i)
{
    sh->held.v[i] = sh->held.v[--sh->held.n];
}

/* Announces what session id has pending and forgets it (before any other
 * notice of that session, so they stay in order). */
static void held_flush(struct shell *sh, int id)
{
    for (int i = 0; i < sh->held.n; i++) {
        struct sh_held *h = &sh->held.v[i];
        if (h->id == id) {
            if (h->reads)
                data_notice(sh, h->id, h->dgram, h->bytes, h->reads);
            held_drop(sh, i);
            return;
        }
    }
}

static void on_merge_timer(struct nr_loop *loop, void *arg)
{
    struct shell *sh = arg;
    sh->held.timer = 0;
    if (!sh->waiting) {
        /* Announce what was added up; a session that was quiet for the
         * whole window is forgotten (its next read is announced at once). */
        for (int i = 0; i < sh->held.n;) {
            struct sh_held *h = &sh->held.v[i];
            if (!h->reads) {
                held_drop(sh, i);
                continue;
            }
            data_notice(sh, h->id, h->dgram, h->bytes, h->reads);
            h->bytes = h->reads = 0;
            i++;
        }
    }
    if (sh->held.n)
        sh->held.timer = nr_loop_timer(sh->loop, nr_now_us() + MERGE_US, on_merge_timer, sh);
}

static void held_data(struct shell *sh, struct nr_session *s, size_t n)
{
    int id = nr_sess_id(s);
    for (int i = 0; i < sh->held.n; i++) {
        if (sh->held.v[i].id == id) {
            sh->held.v[i].bytes += n;
            sh->held.v[i].reads++;
            return;
        }
    }
    if (sh->held.n == (int)(sizeof sh->held.v / sizeof *sh->held.v))
        held_flush(sh, sh->held.v[0].id);
    struct sh_held *h = &sh->held.v[sh->held.n++];
    *h = (struct sh_held){ id, !nr_sess_is_stream(s), 0, 0 };
    if (sh->waiting) {
        h->bytes = n;
        h->reads = 1;
    } else {
        data_notice(sh, id, h->dgram, n, 1);
    }
    if (!sh->held.timer)
        sh->held.timer = nr_loop_timer(sh->loop, nr_now_us() + MERGE_US, on_merge_timer, sh);
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
    if (sh->quiet || !sh->interactive)
        return;   /* -q and scripts: no notices */
    if (ev == NR_SEV_DATA) {
        if (id != sh->muted_id)
            held_data(sh, s, n);
        return;
    }
    held_flush(sh, id);
    switch (ev) {
    case NR_SEV_ACCEPTED:
        sh_notice(sh, "accepted", id, "[%d] accepted %s on [%d]", id,
                  addr_text(nr_sess_remote(s), nr_sess_remote_len(s), a, sizeof a),
                  nr_sess_listener(s));
        break;
    case NR_SEV_DATA:
        break;
    case NR_SEV_EOF:
        if (id == sh->muted_id)
            break;   /* recv is reading it: it says so itself (show_eof) */
        sh_notice(sh, "eof", id, "[%d] closed by peer (%zu %s still buffered)", id,
                  nr_sess_buffered(s), nr_plural(nr_sess_buffered(s), "byte", "bytes"));
        break;
    case NR_SEV_ERROR:
        sh_notice(sh, "error", id, "[%d] %s: %s", id,
                  nr_sess_role_of(s) == NR_ROLE_LISTEN ? "accept" : "error",
                  nr_sess_strerror(s));
        break;
    case NR_SEV_FULL:
        if (id != sh->muted_id)
            sh_notice(sh, "full", id, "[%d] %s bytes buffered: reading paused until recv "
                      "takes some", id, grouped(n, a, sizeof a));
        break;
    case NR_SEV_BUDGET:
        sh_notice(sh, "budget", id, "buffer budget of %s reached: sessions holding data stop "
                  "reading until some is read (set budget SIZE)", size_text(n, a, sizeof a));
        break;
    case NR_SEV_LIMIT:
        sh_notice(sh, "limit", id, "[%d] %zu clients: accepting paused until one leaves "
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
