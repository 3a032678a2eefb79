/* shell/pics — the terminal pictures: a sparkline of samples, log-scaled
 * buckets with fixed edges, bars, and a one-line progress bar on stderr.
 * The drawing functions are pure (they append to a buffer), so unit tests
 * check them on synthetic data; every picture has a plain ASCII form, used
 * when the terminal cannot show UTF-8 or output is not a terminal. */
#ifndef NR_PICS_H
#define NR_PICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/util.h"

struct shell;

/* How a picture may look: UTF-8 block and line-drawing characters (else
 * ASCII) and ANSI colour. */
struct pic_style {
    bool utf8;
    bool color;
};

/* The style for stdout: UTF-8 only on a terminal whose locale says UTF-8
 * and whose TERM is not dumb; colour as sh->color. */
struct pic_style pic_style_out(const struct shell *sh);
/* True when the locale environment (LC_ALL, LC_CTYPE, LANG) names UTF-8
 * and TERM is set and not dumb. */
bool pic_env_utf8(void);
/* Columns of the terminal on fd: TIOCGWINSZ, then $COLUMNS, then 80. */
int pic_cols(int fd);
/* Rows of the terminal on fd: TIOCGWINSZ, then $LINES, then 24. */
int pic_rows(int fd);

/* Appends a sparkline of v[0..n): one cell per sample scaled between the
 * smallest (or 0, from_zero) and largest non-negative value, eight levels;
 * all zero is the lowest, all equal otherwise the middle. A negative value
 * is a lost sample, drawn as a mark of its own (x, or × in UTF-8). */
void pic_spark(struct nr_buf *b, const int64_t *v, size_t n, bool from_zero,
               struct pic_style st);

/* RTT buckets with fixed 1-2-5 edges in microseconds: bucket i holds
 * [pic_bucket_lo(i), pic_bucket_lo(i + 1)); the first starts at 0 and the
 * last is open-ended. */
enum { PIC_NBUCKETS = 18 };
int pic_bucket(int64_t us);
int64_t pic_bucket_lo(int i);
/* "0.1-0.2 ms", "<0.01 ms", ">=10000 ms": the edges in milliseconds. */
const char *pic_bucket_label(int i, char *buf, size_t n);
/* Appends a bar of len cells (█ or #). */
void pic_bar(struct nr_buf *b, size_t len, struct pic_style st);

/* Human sizes and times: "12.3 MiB", "1.5 KiB", "512 B"; "1m05s", "42s". */
const char *pic_bytes(uint64_t n, char *buf, size_t len);
const char *pic_eta(int64_t us, char *buf, size_t len);

/* ---- progress on stderr (shell/pics.c) ----
 * A one-line bar redrawn by a loop timer while a command waits: only at the
 * prompt on a terminal (never in scripts or with --json), only once the work
 * has taken PIC_PROGRESS_DELAY, and cleared by sh_progress_end. */
enum { PIC_PROGRESS_DELAY_US = 500000, PIC_PROGRESS_TICK_US = 100000 };
struct sh_progress {
    struct shell *sh;
    const char *what;            /* "sent", "received", "names" */
    bool bytes;                  /* counts are bytes (else items) */
    uint64_t total;              /* 0: unknown (no bar, no ETA) */
    uint64_t (*done)(void *arg); /* how far the work is */
    void *arg;
    int64_t start_us;
    uint64_t timer;
    bool on, shown;
    bool hold;                   /* output stopped inside a line: draw nothing */
};
/* Starts p (filled by the caller: sh, what, bytes, total, done, arg). */
void sh_progress_start(struct sh_progress *p);
/* Clears the line now (before the command prints to the same terminal);
 * the next tick draws it again. */
void sh_progress_hide(struct sh_progress *p);
/* Stops the timer and clears the line. */
void sh_progress_end(struct sh_progress *p);
/* The line for done of total after elapsed_us, cols wide (pure, for tests). */
void pic_progress_line(struct nr_buf *b, const struct sh_progress *p, uint64_t done,
                       int64_t elapsed_us, int cols, struct pic_style st);

#endif
