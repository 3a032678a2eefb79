/* cmds/watch — `sessions --watch [S]`: the session table redrawn in place
 * every S seconds, like top, with receive and send rates and a short
 * sparkline of each session's rate, until a key or Ctrl-C. Notices are held
 * meanwhile. Columns are dropped, least useful first, before a row would
 * wrap; a dumb terminal gets a fresh plain table each time instead. */
#include "cmds/sess.h"
#include "cmds/tls.h"
#include "cmds/watch.h"
#include "shell/pics.h"
#include "shell/repl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

enum { HIST = 12, NCOL = 12 };

/* What the view remembers of a session between frames. */
struct seen {
    int id;
    uint64_t in, out;
    int64_t rate_in, rate_out;   /* bytes per second over the last period */
    int64_t hist[HIST];          /* in + out rates, oldest first */
    int nh;
    bool alive;
};

struct watch {
    struct shell *sh;
    int64_t period_us, last_us;
    struct seen *v;
    size_t n, cap;
    int lines;                   /* drawn last time, to go back over */
    bool done, by_key, fancy;
    struct pic_style st;
};

static struct seen *seen_get(struct watch *w, int id)
{
    for (size_t i = 0; i < w->n; i++)
        if (w->v[i].id == id)
            return &w->v[i];
    if (w->n == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 16;
        struct seen *v = realloc(w->v, cap * sizeof *v);
        if (!v)
            return NULL;
        w->v = v;
        w->cap = cap;
    }
    struct seen *s = &w->v[w->n++];
    memset(s, 0, sizeof *s);
    s->id = id;
    s->rate_in = s->rate_out = -1;
    return s;
}

/* New rates for every live session since the last sample. */
static void sample(struct watch *w, struct nr_sessions *t, int64_t now)
{
    double secs = w->last_us ? (double)(now - w->last_us) / 1e6 : 0;
    for (size_t i = 0; i < w->n; i++)
        w->v[i].alive = false;
    for (size_t i = 0; i < nr_sess_count(t); i++) {
        const struct nr_session *s = nr_sess_at(t, i);
        struct nr_sess_stats st;
        nr_sess_stats(s, &st);
        struct seen *e = seen_get(w, nr_sess_id(s));
        if (!e)
            continue;
        bool fresh = !e->alive && e->nh == 0 && e->rate_in < 0;
        e->alive = true;
        if (!fresh && secs > 0) {
            e->rate_in = (int64_t)((double)(st.bytes_in - e->in) / secs);
            e->rate_out = (int64_t)((double)(st.bytes_out - e->out) / secs);
            if (e->nh == HIST)
                memmove(e->hist, e->hist + 1, (HIST - 1) * sizeof *e->hist);
            else
                e->nh++;
            e->hist[e->nh - 1] = e->rate_in + e->rate_out;
        } else {
            e->rate_in = e->rate_out = 0;
        }
        e->in = st.bytes_in;
        e->out = st.bytes_out;
    }
    w->last_us = now;
}

/* ---- one frame ---- */

struct col {
    const char *head;
    int keep;          /* the lowest goes first when the width runs short */
    bool right;
};

static const struct col cols[NCOL] = {
    { "ID", 100, true }, { "PROTO", 40, false }, { "ROLE", 20, false },
    { "LOCAL", 30, false }, { "REMOTE", 90, false }, { "STATE", 80, false },
    { "IN/s", 95, true }, { "OUT/s", 95, true }, { "IN", 50, true },
    { "OUT", 50, true }, { "AGE", 10, true }, { "RATE", 60, false },
};

/* Terminal cells of a UTF-8 string (every code point one cell here). */
static int cells(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xc0) != 0x80;
    return n;
}

struct row {
    char c[NCOL][NR_ADDRSTRLEN + 8];
};

static void rate_text(int64_t r, char *buf, size_t n)
{
    char b[32];
    snprintf(buf, n, "%s/s", pic_bytes(r < 0 ? 0 : (uint64_t)r, b, sizeof b));
}

static void fill_row(struct watch *w, const struct nr_session *s, int64_t now, struct row *r)
{
    struct nr_sess_stats st;
    struct nr_buf b = { 0 };
    char a[NR_ADDRSTRLEN];
    nr_sess_stats(s, &st);
    int id = nr_sess_id(s);
    struct seen *e = seen_get(w, id);
    snprintf(r->c[0], sizeof r->c[0], "%s%d", id == w->sh->current ? "*" : "", id);
    snprintf(r->c[1], sizeof r->c[1], "%s", nr_sess_proto(s));
    snprintf(r->c[2], sizeof r->c[2], "%s",
             nr_sess_svc(s) ? nr_sess_service(nr_sess_svc(s)) : nr_sess_role(s));
    snprintf(r->c[3], sizeof r->c[3], "%s",
             out_escaped(sess_addr(nr_sess_local(s), nr_sess_local_len(s), a, sizeof a), &b));
    snprintf(r->c[4], sizeof r->c[4], "%s",
             out_escaped(sess_addr(nr_sess_remote(s), nr_sess_remote_len(s), a, sizeof a), &b));
    snprintf(r->c[5], sizeof r->c[5], "%s", sess_state_text(s));   /* as sessions shows it */
    rate_text(e ? e->rate_in : 0, r->c[6], sizeof r->c[6]);
    rate_text(e ? e->rate_out : 0, r->c[7], sizeof r->c[7]);
    snprintf(r->c[8], sizeof r->c[8], "%s", pic_bytes(st.bytes_in, a, sizeof a));
    snprintf(r->c[9], sizeof r->c[9], "%s", pic_bytes(st.bytes_out, a, sizeof a));
    snprintf(r->c[10], sizeof r->c[10], "%.0fs", (double)(now - nr_sess_created_us(s)) / 1e6);
    b.len = 0;
    struct pic_style plain = { w->st.utf8, false };
    if (e && e->nh)
        pic_spark(&b, e->hist, (size_t)e->nh, true, plain);
    snprintf(r->c[11], sizeof r->c[11], "%.*s", (int)b.len, b.p ? (char *)b.p : "");
    nr_buf_free(&b);
}

/* Which columns fit in width: drop the least useful until the row does. */
static void choose(const int *wid, int width, bool *on)
{
    for (;;) {
        int total = -1, drop = -1;
        for (int i = 0; i < NCOL; i++)
            if (on[i]) {
                total += wid[i] + 1;
                if (drop < 0 || cols[i].keep < cols[drop].keep)
                    drop = i;
            }
        if (total <= width || drop < 0 || cols[drop].keep >= 90)
            return;
        on[drop] = false;
    }
}

static void put_row(struct nr_buf *f, const char (*c)[NR_ADDRSTRLEN + 8], const int *wid,
                    const bool *on, int width)
{
    struct nr_buf line = { 0 };
    for (int i = 0; i < NCOL; i++) {
        if (!on[i])
            continue;
        int pad = wid[i] - cells(c[i]);
        if (line.len)
            nr_buf_add(&line, " ", 1);
        for (int k = 0; cols[i].right && k < pad; k++)
            nr_buf_add(&line, " ", 1);
        nr_buf_add(&line, c[i], strlen(c[i]));
        for (int k = 0; !cols[i].right && k < pad && i < NCOL - 1; k++)
            nr_buf_add(&line, " ", 1);
    }
    /* Still too wide (a long address): cut, never wrap. */
    size_t cut = line.len;
    int n = 0;
    for (size_t i = 0; i < line.len; i++)
        if ((line.p[i] & 0xc0) != 0x80 && ++n > width) {
            cut = i;
            break;
        }
    while (cut > 0 && line.p[cut - 1] == ' ')
        cut--;
    if (line.p)
        nr_buf_add(f, line.p, cut);
    nr_buf_add(f, "\n", 1);
    nr_buf_free(&line);
}

/* The frame as lines: a title, the column heads, a row per session (as
 * many as fit in rows), each at most width cells. */
static int build(struct watch *w, struct nr_sessions *t, int width, int rows, struct nr_buf *f)
{
    int64_t now = nr_now_us();
    size_t n = nr_sess_count(t);
    size_t shown = n < (size_t)(rows > 4 ? rows - 3 : 1) ? n : (size_t)(rows > 4 ? rows - 3 : 1);
    struct row *r = calloc(shown + 1, sizeof *r);
    if (!r)
        return -1;
    int wid[NCOL];
    bool on[NCOL];
    for (int i = 0; i < NCOL; i++) {
        snprintf(r[0].c[i], sizeof r[0].c[i], "%s", cols[i].head);
        wid[i] = cells(cols[i].head);
        on[i] = true;
    }
    wid[NCOL - 1] = HIST > wid[NCOL - 1] ? HIST : wid[NCOL - 1];
    for (size_t i = 0; i < shown; i++) {
        fill_row(w, nr_sess_at(t, i), now, &r[i + 1]);
        for (int k = 0; k < NCOL; k++)
            if (cells(r[i + 1].c[k]) > wid[k])
                wid[k] = cells(r[i + 1].c[k]);
    }
    choose(wid, width, on);
    char title[120], clock[16];
    time_t tt = time(NULL);
    strftime(clock, sizeof clock, "%H:%M:%S", localtime(&tt));
    snprintf(title, sizeof title, "every %gs: %zu %s  %s  (a key or Ctrl-C stops)",
             (double)w->period_us / 1e6, n, n == 1 ? "session" : "sessions", clock);
    char head[1][NR_ADDRSTRLEN + 8];
    snprintf(head[0], sizeof head[0], "%s", title);
    bool one[NCOL] = { true };
    int hw[NCOL] = { 0 };
    put_row(f, (const char (*)[NR_ADDRSTRLEN + 8])head, hw, one, width);
    if (w->st.color)
        nr_buf_add(f, "\033[7m", 4);
    put_row(f, (const char (*)[NR_ADDRSTRLEN + 8])r[0].c, wid, on, width);
    if (w->st.color)   /* before the newline put_row added */
        nr_buf_add(f, "\033[0m", 4);
    for (size_t i = 0; i < shown; i++)
        put_row(f, (const char (*)[NR_ADDRSTRLEN + 8])r[i + 1].c, wid, on, width);
    if (shown < n) {
        snprintf(head[0], sizeof head[0], "(%zu more below)", n - shown);
        put_row(f, (const char (*)[NR_ADDRSTRLEN + 8])head, hw, one, width);
    }
    free(r);
    int lines = 0;
    for (size_t i = 0; i < f->len; i++)
        lines += f->p[i] == '\n';
    return lines;
}

/* ---- drawing and waiting ---- */

static void draw(struct watch *w)
{
    struct nr_sessions *t = sh_sessions(w->sh);
    if (!t)
        return;
    sample(w, t, nr_now_us());
    struct nr_buf f = { 0 };
    int n = build(w, t, pic_cols(1) - 1, pic_rows(1), &f);
    if (n < 0)
        return;
    struct nr_buf out = { 0 };
    if (w->fancy && w->lines) {
        char up[32];
        int k = snprintf(up, sizeof up, "\033[%dA\r", w->lines);
        nr_buf_add(&out, up, (size_t)k);
    }
    for (size_t i = 0; i < f.len; i++) {
        if (f.p[i] == '\n' && w->fancy)
            nr_buf_add(&out, "\033[K", 3);
        nr_buf_add(&out, &f.p[i], 1);
    }
    if (w->fancy)
        nr_buf_add(&out, "\033[J", 3);
    else
        nr_buf_add(&out, "\n", 1);
    if (out.p)
        fwrite(out.p, 1, out.len, stdout);
    fflush(stdout);
    w->lines = n;
    nr_buf_free(&f);
    nr_buf_free(&out);
}

static void on_key(struct nr_loop *loop, int fd, unsigned rev, void *arg)
{
    struct watch *w = arg;
    char buf[64];
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    w->done = true;
    w->by_key = n > 0;
}

static bool watch_done(void *arg)
{
    return ((struct watch *)arg)->done;
}

int sessions_watch(struct shell *sh, int64_t period_us)
{
    struct watch w = { .sh = sh, .period_us = period_us, .st = pic_style_out(sh) };
    const char *term = getenv("TERM");
    w.fancy = term && *term && strcmp(term, "dumb");
    struct termios saved, t;
    bool tty = tcgetattr(0, &saved) == 0;
    if (tty) {   /* one key ends it, unechoed; Ctrl-C stays a signal */
        t = saved;
        t.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
        t.c_lflag |= ISIG;
        t.c_cc[VMIN] = 1;
        t.c_cc[VTIME] = 0;
        tcsetattr(0, TCSANOW, &t);
    }
    sh_notices_hold(sh, true);
    repl_input_lend(sh, on_key, &w);
    if (w.fancy)
        fputs("\033[?25l", stdout);   /* no cursor blinking over the table */
    enum nr_wait r = NR_WAIT_TIMEOUT;
    while (!w.done && r == NR_WAIT_TIMEOUT) {
        draw(&w);
        r = sh_wait(sh, watch_done, &w, nr_now_us() + period_us);
    }
    if (w.fancy)
        fputs("\033[?25h", stdout);
    fflush(stdout);
    repl_input_return(sh);
    if (tty)
        tcsetattr(0, TCSANOW, &saved);
    free(w.v);
    sh_notices_hold(sh, false);
    if (r == NR_WAIT_FAIL)
        return cmd_error(sh, "the event loop failed: %s", strerror(errno));
    return CMD_OK;
}
