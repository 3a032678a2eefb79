/* shell/pics — sparklines, buckets, bars and the progress line (see
 * pics.h). Pure drawing into buffers; only the progress functions write,
 * and only to stderr. */
#include "shell/pics.h"
#include "shell/shell.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <unistd.h>

static void add(struct nr_buf *b, const char *s)
{
    nr_buf_add(b, s, strlen(s));
}

static bool names_utf8(const char *v)
{
    return v && (strcasestr(v, "UTF-8") || strcasestr(v, "utf8"));
}

bool pic_env_utf8(void)
{
    const char *term = getenv("TERM");
    if (!term || !*term || !strcmp(term, "dumb"))
        return false;
    /* The first of these that is set decides, as setlocale does. */
    const char *vars[] = { "LC_ALL", "LC_CTYPE", "LANG" };
    for (size_t i = 0; i < 3; i++) {
        const char *v = getenv(vars[i]);
        if (v && *v)
            return names_utf8(v);
    }
    return false;
}

struct pic_style pic_style_out(const struct shell *sh)
{
    struct pic_style st = { false, false };
    if (!sh->json && isatty(1)) {
        st.utf8 = pic_env_utf8();
        st.color = sh->color;
    }
    return st;
}

int pic_cols(int fd)
{
    int w = sh_columns(fd);
    if (w > 0)
        return w;
    const char *c = getenv("COLUMNS");
    long n = c ? strtol(c, NULL, 10) : 0;
    return n >= 20 && n <= 1000 ? (int)n : 80;
}

int pic_rows(int fd)
{
    struct winsize ws;
    if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0)
        return ws.ws_row;
    const char *c = getenv("LINES");
    long n = c ? strtol(c, NULL, 10) : 0;
    return n >= 5 && n <= 1000 ? (int)n : 24;
}

void pic_spark(struct nr_buf *b, const int64_t *v, size_t n, bool from_zero,
               struct pic_style st)
{
    static const char *const blocks[8] = { "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" };
    static const char ascii[8] = { '_', '.', ',', '-', '~', '=', '*', '#' };
    int64_t lo = -1, hi = -1;
    for (size_t i = 0; i < n; i++)
        if (v[i] >= 0) {
            if (lo < 0 || v[i] < lo)
                lo = v[i];
            if (v[i] > hi)
                hi = v[i];
        }
    if (from_zero && lo > 0)
        lo = 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i] < 0) {
            add(b, st.color ? "\033[31m" : "");
            add(b, st.utf8 ? "×" : "x");
            add(b, st.color ? "\033[0m" : "");
            continue;
        }
        int k = hi > lo ? (int)((v[i] - lo) * 7 / (hi - lo)) : hi == 0 ? 0 : 3;
        if (st.utf8)
            add(b, blocks[k]);
        else
            nr_buf_add(b, &ascii[k], 1);
    }
}

static const int64_t edges[PIC_NBUCKETS] = {
    0, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000,
    100000, 200000, 500000, 1000000, 2000000,
};

int pic_bucket(int64_t us)
{
    int i = PIC_NBUCKETS - 1;
    while (i > 0 && us < edges[i])
        i--;
    return i;
}

int64_t pic_bucket_lo(int i)
{
    return i < 0 ? 0 : i >= PIC_NBUCKETS ? INT64_MAX : edges[i];
}

const char *pic_bucket_label(int i, char *buf, size_t n)
{
    if (i <= 0)
        snprintf(buf, n, "<%g ms", (double)edges[1] / 1000);
    else if (i >= PIC_NBUCKETS - 1)
        snprintf(buf, n, ">=%g ms", (double)edges[i] / 1000);
    else
        snprintf(buf, n, "%g-%g ms", (double)edges[i] / 1000, (double)edges[i + 1] / 1000);
    return buf;
}

void pic_bar(struct nr_buf *b, size_t len, struct pic_style st)
{
    for (size_t i = 0; i < len; i++)
        add(b, st.utf8 ? "█" : "#");
}

const char *pic_bytes(uint64_t n, char *buf, size_t len)
{
    static const char *const units[] = { "KiB", "MiB", "GiB", "TiB" };
    if (n < 1024) {
        snprintf(buf, len, "%llu B", (unsigned long long)n);
        return buf;
    }
    double v = (double)n / 1024;
    int u = 0;
    while (v >= 1024 && u < 3) {
        v /= 1024;
        u++;
    }
    snprintf(buf, len, "%.1f %s", v, units[u]);
    return buf;
}

const char *pic_eta(int64_t us, char *buf, size_t len)
{
    long long s = (us + 999999) / 1000000;
    if (s >= 3600)
        snprintf(buf, len, "%lldh%02lldm", s / 3600, s / 60 % 60);
    else if (s >= 60)
        snprintf(buf, len, "%lldm%02llds", s / 60, s % 60);
    else
        snprintf(buf, len, "%llds", s);
    return buf;
}

/* ---- progress ---- */

static void count_text(const struct sh_progress *p, uint64_t v, char *buf, size_t n)
{
    if (p->bytes)
        pic_bytes(v, buf, n);
    else
        snprintf(buf, n, "%llu", (unsigned long long)v);
}

/* "[#####.....]  12.0 MiB/50.0 MiB sent  24.0 MiB/s  ETA 2s", the bar taking
 * what the words leave of cols (none when they leave too little). */
void pic_progress_line(struct nr_buf *b, const struct sh_progress *p, uint64_t done,
                       int64_t elapsed_us, int cols, struct pic_style st)
{
    char d[32], t[32], r[48], e[32], words[200];
    double secs = elapsed_us > 0 ? (double)elapsed_us / 1e6 : 1e-6;
    double rate = (double)done / secs;
    count_text(p, done, d, sizeof d);
    count_text(p, (uint64_t)rate, t, sizeof t);
    if (p->bytes)
        snprintf(r, sizeof r, "%s/s", t);
    else
        snprintf(r, sizeof r, "%s %s/s", t, p->what);
    if (p->total) {
        count_text(p, p->total, t, sizeof t);
        int64_t left = rate > 0 && p->total > done
                       ? (int64_t)((double)(p->total - done) / rate * 1e6) : 0;
        snprintf(words, sizeof words, " %s/%s %s  %s  ETA %s", d, t, p->what, r,
                 pic_eta(left, e, sizeof e));
    } else {
        snprintf(words, sizeof words, " %s %s  %s", d, p->what, r);
    }
    int room = cols - 1 - (int)strlen(words) - 2;
    if (p->total && room >= 10) {
        int width = room > 40 ? 40 : room;
        uint64_t dn = done > p->total ? p->total : done;
        int full = (int)(dn * (uint64_t)width / p->total);
        add(b, "[");
        pic_bar(b, (size_t)full, st);
        for (int i = full; i < width; i++)
            add(b, st.utf8 ? "░" : ".");
        add(b, "]");
    }
    add(b, words + (p->total && room >= 10 ? 0 : 1));
}

static void progress_clear(struct sh_progress *p)
{
    if (!p->shown)
        return;
    /* Spaces rather than an erase sequence: works on a dumb terminal too. */
    int cols = pic_cols(2);
    fputc('\r', stderr);
    for (int i = 0; i < cols - 1; i++)
        fputc(' ', stderr);
    fputc('\r', stderr);
    fflush(stderr);
    p->shown = false;
}

static void progress_tick(struct nr_loop *loop, void *arg)
{
    struct sh_progress *p = arg;
    int64_t now = nr_now_us();
    p->timer = nr_loop_timer(loop, now + PIC_PROGRESS_TICK_US, progress_tick, p);
    if (p->hold)
        return;   /* the line would go over (and its clearing wipe) output not ended yet */
    struct nr_buf b = { 0 };
    struct pic_style st = { pic_env_utf8(), false };
    int cols = pic_cols(2);
    pic_progress_line(&b, p, p->done(p->arg), now - p->start_us, cols, st);
    fputc('\r', stderr);
    if (b.p)
        fwrite(b.p, 1, b.len, stderr);
    /* Pad over what a longer earlier line left. */
    for (int i = (int)b.len; i < cols - 1 && !st.utf8; i++)
        fputc(' ', stderr);
    if (st.utf8)
        fputs("\033[K", stderr);
    fflush(stderr);
    nr_buf_free(&b);
    p->shown = true;
}

void sh_progress_start(struct sh_progress *p)
{
    struct shell *sh = p->sh;
    p->on = sh->interactive && !sh->json && isatty(2);
    p->shown = false;
    p->timer = 0;
    p->start_us = nr_now_us();
    if (p->on) {
        p->timer = nr_loop_timer(sh->loop, p->start_us + PIC_PROGRESS_DELAY_US, progress_tick, p);
        sh->progress = p;   /* notices clear it before they print (repl_print_above) */
    }
}

void sh_progress_hide(struct sh_progress *p)
{
    if (p->on)
        progress_clear(p);
}

void sh_progress_end(struct sh_progress *p)
{
    if (!p->on)
        return;
    if (p->timer)
        nr_loop_cancel(p->sh->loop, p->timer);
    p->timer = 0;
    progress_clear(p);
    p->on = false;
    if (p->sh->progress == p)
        p->sh->progress = NULL;
}
