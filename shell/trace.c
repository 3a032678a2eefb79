/* shell/trace — the UI side of `trace`: the tap lib/session calls with each
 * send and receive is turned into records, held and printed at command
 * boundaries (so a script's output stays in event order and deterministic),
 * or at once above the prompt when the shell is idle at a terminal. A trace
 * file gets every record as it happens, with times. The held records are
 * bounded (TRACE_HELD_MAX bytes); beyond, they are counted and said so. */
#include "shell/shell.h"
#include "shell/repl.h"
#include "lib/escape.h"
#include "lib/session.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { TRACE_HELD_MAX = 4 << 20 };

struct trace_on {
    int id;
    int64_t created;          /* the session's, to tell a reused id */
    bool hex, time;
    FILE *f;                  /* trace ID FILE, or NULL */
    uint64_t off[2];          /* bytes so far, per direction */
};

struct trace_rec {
    struct trace_rec *next;
    int id;
    enum nr_tap_dir dir;
    bool hex, time;
    int64_t t_us;             /* since the session opened */
    uint64_t off;
    size_t n;
    unsigned char p[];
};

struct sh_trace {
    struct trace_on *v;
    size_t n, cap;
    struct trace_rec *head, *tail;
    size_t held;
    uint64_t lost, lost_recs;
};

static struct trace_on *find(struct sh_trace *t, int id)
{
    for (size_t i = 0; t && i < t->n; i++)
        if (t->v[i].id == id)
            return &t->v[i];
    return NULL;
}

static void rec_print(struct shell *sh, const struct trace_rec *r)
{
    bool sent = r->dir == NR_TAP_SENT;
    out_begin(sh, "trace");
    out_int(sh, "id", "[%lld] ", r->id);
    if (r->time)
        out_int(sh, "t_us", "+%lldus ", r->t_us);
    out_lit(sh, "dir", NULL, sent ? "sent" : "received");
    out_text(sh, "%s ", sent ? ">" : "<");
    out_uint(sh, "offset", "at %llu, ", r->off);
    out_uint(sh, "bytes", "%llu ", r->n);
    out_text(sh, "%s:", nr_plural(r->n, "byte", "bytes"));
    if (r->hex) {
        out_text(sh, "\n");
        out_hex(sh, "hex", r->p, r->n, (size_t)r->off);
    } else {
        out_text(sh, " ");
        out_data(sh, "data", r->p, r->n, 0, false);
        out_text(sh, "\n");
    }
    out_end(sh);
}

static void print_held(struct shell *sh, struct sh_trace *t)
{
    struct trace_rec *r;
    while ((r = t->head)) {
        t->head = r->next;
        t->held -= r->n;
        rec_print(sh, r);
        free(r);
    }
    t->tail = NULL;
    if (t->lost_recs) {
        out_begin(sh, "trace_lost");
        out_uint(sh, "events", "trace: %llu ", t->lost_recs);
        out_uint(sh, "bytes", "events (%llu bytes) not shown: more than 4 MiB was "
                 "waiting to be shown\n", t->lost);
        out_end(sh);
        t->lost = t->lost_recs = 0;
    }
}

void sh_trace_flush(struct shell *sh)
{
    struct sh_trace *t = sh->trace;
    if (!sh->capture && (!t || !t->head))
        return;
    sh_capture_drain(sh);
    bool above = sh->interactive && !sh->waiting;
    if (above)
        repl_line_hide(sh);
    if (t)
        print_held(sh, t);
    sh_capture_print(sh);
    out_flush(sh);
    if (above)
        repl_line_show(sh, NULL);
}

static void on_timer(struct nr_loop *loop, void *arg)
{
    struct shell *sh = arg;
    sh->wire_timer = 0;
    if (!sh->waiting)
        sh_trace_flush(sh);
}

void sh_wire_kick(struct shell *sh)
{
    if (sh->interactive && !sh->waiting && !sh->wire_timer)
        sh->wire_timer = nr_loop_timer(sh->loop, nr_now_us(), on_timer, sh);
}

/* The file gets each record as it happens, with its time, escaped. */
static void rec_write(FILE *f, const struct trace_rec *r)
{
    struct nr_buf b = { 0 };
    fprintf(f, "[%d] +%lldus %s at %llu, %zu %s: ", r->id, (long long)r->t_us,
            r->dir == NR_TAP_SENT ? ">" : "<", (unsigned long long)r->off, r->n,
            nr_plural(r->n, "byte", "bytes"));
    if (nr_escape_text(r->p, r->n, 0, &b) == 0 && b.p)
        fwrite(b.p, 1, b.len, f);
    fputc('\n', f);
    fflush(f);
    nr_buf_free(&b);
}

static void on_tap(void *arg, struct nr_session *s, enum nr_tap_dir dir, const void *p,
                   size_t n, int64_t t_us)
{
    struct shell *sh = arg;
    struct sh_trace *t = sh->trace;
    struct trace_on *o = find(t, nr_sess_id(s));
    if (!o)
        return;
    uint64_t off = o->off[dir];
    o->off[dir] += n;
    struct trace_rec *r = malloc(sizeof *r + n);
    if (!r || t->held + n > TRACE_HELD_MAX) {
        free(r);
        t->lost += n;
        t->lost_recs++;
        return;
    }
    *r = (struct trace_rec){ NULL, o->id, dir, o->hex, o->time || sh->interactive,
                             t_us - o->created, off, n };
    memcpy(r->p, p, n);
    if (o->f)
        rec_write(o->f, r);
    if (t->tail)
        t->tail->next = r;
    else
        t->head = r;
    t->tail = r;
    t->held += n;
    sh_wire_kick(sh);
}

static void trace_drop(struct sh_trace *t, struct trace_on *o)
{
    if (o->f)
        fclose(o->f);
    *o = t->v[--t->n];
}

/* The trace file: a regular file (appended to, made if missing), as the
 * lines are written from the event loop (sh_open_file). */
static FILE *open_append(const char *path, char *err, size_t errlen)
{
    int fd = sh_open_file(path, O_WRONLY | O_APPEND | O_CREAT, err, errlen);
    FILE *f = fd < 0 ? NULL : fdopen(fd, "a");
    if (fd >= 0 && !f) {
        nr_err(err, errlen, "%s: %s", path, strerror(errno));
        close(fd);
    }
    return f;
}

int sh_trace_set(struct shell *sh, struct nr_session *s, bool on, bool hex, bool time,
                 const char *path, char *err, size_t errlen)
{
    if (!sh->trace && !(sh->trace = calloc(1, sizeof *sh->trace)))
        return nr_err(err, errlen, "out of memory");
    struct sh_trace *t = sh->trace;
    int id = nr_sess_id(s);
    struct trace_on *o = find(t, id);
    if (o)
        trace_drop(t, o);
    if (!on) {
        nr_sess_set_tap(s, NULL, NULL);
        return 0;
    }
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 8;
        struct trace_on *v = realloc(t->v, cap * sizeof *v);
        if (!v)
            return nr_err(err, errlen, "out of memory");
        t->v = v;
        t->cap = cap;
    }
    FILE *f = NULL;
    if (path && !(f = open_append(path, err, errlen)))
        return -1;
    struct nr_sess_stats st;
    nr_sess_stats(s, &st);
    t->v[t->n++] = (struct trace_on){ id, nr_sess_created_us(s), hex, time, f,
                                     { st.bytes_out, st.bytes_in } };
    nr_sess_set_tap(s, on_tap, sh);
    return 0;
}

bool sh_traced(const struct shell *sh, int id)
{
    return find(sh->trace, id) != NULL;
}

void sh_trace_free(struct shell *sh)
{
    struct sh_trace *t = sh->trace;
    if (sh->wire_timer)
        nr_loop_cancel(sh->loop, sh->wire_timer);
    sh->wire_timer = 0;
    if (!t)
        return;
    while (t->n)
        trace_drop(t, &t->v[0]);
    struct trace_rec *r;
    while ((r = t->head)) {
        t->head = r->next;
        free(r);
    }
    free(t->v);
    free(t);
    sh->trace = NULL;
}
