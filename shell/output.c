/* shell/output — the one printer: every command writes results through it,
 * so the same calls give human text or one JSON object per line. Untrusted
 * bytes are escaped for the terminal (lib/escape) or for JSON. The first
 * failed write to stdout is recorded and stops the running command. */
#include "shell/shell.h"
#include "shell/repl.h"
#include "lib/escape.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* The out_* macros in shell.h check every caller's format literal; here the
 * format is a parameter. */
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

/* ---- write errors ---- */

bool out_failed(struct shell *sh)
{
    if (sh->out_err)
        return true;
    if (!ferror(stdout))
        return false;
    sh->out_err = errno ? errno : EIO;
    sh->interrupted = 1;   /* a waiting command stops as with Ctrl-C */
    sh->quit = true;       /* and no further command runs */
    sh->failures++;
    return true;
}

/* ---- JSON nesting ---- */

static struct out_level *level(struct shell *sh, int d)
{
    return sh->json_heap ? &sh->json_heap[d] : &sh->json_inline[d];
}

/* Room for level d; false when out of memory (the level is then not
 * tracked: separators may be missing, brackets still balance). */
static bool level_room(struct shell *sh, int d)
{
    size_t inl = sizeof sh->json_inline / sizeof sh->json_inline[0];
    size_t cap = sh->json_heap ? sh->json_cap : inl;
    if ((size_t)d < cap)
        return true;
    size_t ncap = cap * 2;
    struct out_level *n = sh->json_heap ? realloc(sh->json_heap, ncap * sizeof *n)
                                        : malloc(ncap * sizeof *n);
    if (!n)
        return false;
    if (!sh->json_heap)
        memcpy(n, sh->json_inline, sizeof sh->json_inline);
    sh->json_heap = n;
    sh->json_cap = ncap;
    return true;
}

static bool tracked(struct shell *sh, int d)
{
    size_t inl = sizeof sh->json_inline / sizeof sh->json_inline[0];
    return d > 0 && (size_t)d < (sh->json_heap ? sh->json_cap : inl);
}

static void json_sep(struct shell *sh, const char *key)
{
    int d = sh->json_depth;
    if (tracked(sh, d)) {
        if (!level(sh, d)->first)
            fputc(',', stdout);
        level(sh, d)->first = false;
    }
    if (key)
        printf("\"%s\":", key);
}

/* Starts a member: "key": in objects, a bare element in arrays. Returns
 * false for a keyless value outside an array (text-only field). */
static bool json_field(struct shell *sh, const char *key)
{
    int d = sh->json_depth;
    if (!key && !(tracked(sh, d) && level(sh, d)->close == ']'))
        return false;
    json_sep(sh, key);
    return true;
}

static void json_open(struct shell *sh, const char *key, char c)
{
    json_sep(sh, key);
    fputc(c, stdout);
    sh->json_depth++;
    if (level_room(sh, sh->json_depth)) {
        level(sh, sh->json_depth)->first = true;
        level(sh, sh->json_depth)->close = c == '[' ? ']' : '}';
    }
}

static void json_close(struct shell *sh)
{
    if (sh->json_depth <= 0)
        return;
    int d = sh->json_depth;
    fputc(tracked(sh, d) ? level(sh, d)->close : '}', stdout);
    sh->json_depth--;
    if (sh->json_depth == 0 && sh->json_heap) {
        free(sh->json_heap);   /* deep records are rare: back to the inline levels */
        sh->json_heap = NULL;
        sh->json_cap = 0;
    }
}

static void json_string(const void *p, size_t n)
{
    struct nr_buf b = { 0 };
    fputc('"', stdout);
    if (nr_escape_json(p, n, &b) == 0)
        fwrite(b.p, 1, b.len, stdout);
    fputc('"', stdout);
    nr_buf_free(&b);
}

void out_begin(struct shell *sh, const char *kind)
{
    if (!sh->json)
        return;
    out_end(sh);   /* a record left open ends here, on its own line */
    json_open(sh, NULL, '{');
    json_sep(sh, "type");
    json_string(kind, strlen(kind));
}

void out_end(struct shell *sh)
{
    if (!sh->json)
        return;
    if (sh->json_depth <= 0)
        return;
    while (sh->json_depth > 0)   /* also closes what a command left open */
        json_close(sh);
    fputc('\n', stdout);
    out_failed(sh);
}

/* ---- fields ---- */

const char *out_escaped(const char *s, struct nr_buf *out)
{
    out->len = 0;
    if (nr_escape_text(s, strlen(s), 0, out) < 0 || !out->p)
        return "";
    return (const char *)out->p;
}

void out_str_fn(struct shell *sh, const char *key, const char *fmt, const char *v)
{
    if (sh->json) {
        if (!json_field(sh, key))
            return;
        if (v)
            json_string(v, strlen(v));
        else
            fputs("null", stdout);
    } else if (fmt && (!v || nr_is_plain(v))) {
        printf(fmt, v ? v : "");   /* nothing to escape: no copy */
    } else if (fmt) {
        struct nr_buf b = { 0 };
        printf(fmt, out_escaped(v, &b));
        nr_buf_free(&b);
    }
}

void out_lit_fn(struct shell *sh, const char *key, const char *fmt, const char *v)
{
    if (sh->json)
        out_str_fn(sh, key, NULL, v);
    else if (fmt)
        printf(fmt, v ? v : "");
}

void out_int_fn(struct shell *sh, const char *key, const char *fmt, long long v)
{
    if (sh->json) {
        if (json_field(sh, key))
            printf("%lld", v);
    } else if (fmt) {
        printf(fmt, v);
    }
}

void out_uint_fn(struct shell *sh, const char *key, const char *fmt, unsigned long long v)
{
    if (sh->json) {
        if (json_field(sh, key))
            printf("%llu", v);
    } else if (fmt) {
        printf(fmt, v);
    }
}

void out_double_fn(struct shell *sh, const char *key, const char *fmt, double v)
{
    if (sh->json) {
        if (!json_field(sh, key))
            return;
        if (isfinite(v))
            printf("%.6g", v);
        else
            fputs("null", stdout);
    } else if (fmt) {
        printf(fmt, v);
    }
}

void out_bool_fn(struct shell *sh, const char *key, const char *fmt, bool v)
{
    if (sh->json) {
        if (json_field(sh, key))
            fputs(v ? "true" : "false", stdout);
    } else if (fmt) {
        printf(fmt, v ? "yes" : "no");
    }
}

void out_null(struct shell *sh, const char *key)
{
    if (sh->json && json_field(sh, key))
        fputs("null", stdout);
}

void out_num_fn(struct shell *sh, const char *key, const char *fmt, const char *digits)
{
    if (sh->json) {
        if (key) {
            json_sep(sh, key);
            fputs(digits && *digits && strspn(digits, "0123456789") == strlen(digits)
                  ? digits : "null", stdout);
        }
    } else if (fmt) {
        printf(fmt, digits ? digits : "");
    }
}

/* Valid UTF-8 without NUL: a JSON string carries it exactly. */
static bool is_text(const void *vp, size_t n)
{
    const unsigned char *p = vp;
    for (size_t i = 0; i < n;) {
        size_t l = p[i] ? nr_utf8_len(p + i, n - i) : 0;
        if (!l)
            return false;
        i += l;
    }
    return true;
}

void out_data(struct shell *sh, const char *key, const void *p, size_t n, int flags, bool raw)
{
    if (sh->json) {
        if (!json_field(sh, key))
            return;
        json_string(p, n);
        if (key && !is_text(p, n)) {
            /* The string above is lossy for such bytes: add them exactly. */
            struct nr_buf b = { 0 };
            printf(",\"%s_base64\":\"", key);
            if (nr_base64_encode(p, n, &b) == 0)
                fwrite(b.p, 1, b.len, stdout);
            fputc('"', stdout);
            nr_buf_free(&b);
        }
        return;
    }
    if (raw) {
        fwrite(p, 1, n, stdout);
    } else {
        struct nr_buf b = { 0 };
        if (nr_escape_text(p, n, flags, &b) == 0)
            fwrite(b.p, 1, b.len, stdout);
        nr_buf_free(&b);
    }
    out_failed(sh);
}

void out_hex(struct shell *sh, const char *key, const void *p, size_t n, size_t base)
{
    struct nr_buf b = { 0 };
    if (sh->json) {
        if (json_field(sh, key) && nr_hex_encode(p, n, 0, &b) == 0)
            printf("\"%.*s\"", (int)b.len, b.p ? (const char *)b.p : "");
    } else if (nr_hexdump(p, n, base, &b) == 0 && b.len) {
        fwrite(b.p, 1, b.len, stdout);
    }
    nr_buf_free(&b);
    out_failed(sh);
}

void out_text(struct shell *sh, const char *fmt, ...)
{
    if (sh->json)
        return;
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    out_failed(sh);
}

void out_list_begin(struct shell *sh, const char *key)
{
    if (sh->json)
        json_open(sh, key, '[');
}

void out_list_end(struct shell *sh)
{
    if (sh->json)
        json_close(sh);
}

void out_obj_begin(struct shell *sh, const char *key)
{
    if (sh->json)
        json_open(sh, key, '{');
}

void out_obj_end(struct shell *sh)
{
    if (sh->json)
        json_close(sh);
}

void out_flush(struct shell *sh)
{
    fflush(stdout);
    out_failed(sh);
}

/* ---- errors and notices ---- */

/* Appends s escaped (it may come from outside: a command name as typed, a
 * script's file name, a peer's address inside a message). */
static void add_escaped(struct nr_buf *b, const char *s)
{
    nr_escape_text(s, strlen(s), 0, b);
}

/* arg (any bytes, NUL included; NULL for none) goes before the message as
 * "ARG: message". */
static int report(struct shell *sh, const char *usage, const void *arg, size_t arglen,
                  const char *fmt, va_list ap)
{
    char msg[1024];
    vsnprintf(msg, sizeof msg, fmt, ap);
    const char *cmd = sh->cmd ? sh->cmd : "netrepl";
    sh->failures++;
    if (out_failed(sh))
        return CMD_FAIL;   /* nobody reads the output any more: main says so */
    if (sh->json) {
        out_end(sh);   /* finish a record the command had begun */
        out_begin(sh, "error");
        out_str(sh, "command", NULL, cmd);
        if (arg) {
            struct nr_buf m = { 0 };
            nr_buf_add(&m, arg, arglen);
            nr_buf_add(&m, ": ", 2);
            nr_buf_add(&m, msg, strlen(msg));
            json_sep(sh, "error");
            json_string(m.p ? m.p : (const unsigned char *)"", m.len);
            nr_buf_free(&m);
        } else {
            out_str(sh, "error", NULL, msg);
        }
        if (!sh->interactive)
            out_int(sh, "line", NULL, sh->line);
        out_end(sh);
        return CMD_FAIL;
    }
    fflush(stdout);
    /* One line whatever the name, file name or message hold. */
    struct nr_buf b = { 0 };
    if (sh->color)
        nr_buf_add(&b, "\033[31m", 5);
    if (!(sh->interactive && sh->depth == 0)) {
        char ln[32];
        nr_buf_add(&b, "netrepl: ", 9);
        if (sh->src && strcmp(sh->src, "-") && strcmp(sh->src, "-c")) {
            add_escaped(&b, sh->src);
            snprintf(ln, sizeof ln, ":%ld: ", sh->line);
        } else {
            snprintf(ln, sizeof ln, "%ld: ", sh->line);
        }
        nr_buf_add(&b, ln, strlen(ln));
    }
    add_escaped(&b, cmd);
    nr_buf_add(&b, ": ", 2);
    if (arg) {
        nr_escape_text(arg, arglen, 0, &b);
        nr_buf_add(&b, ": ", 2);
    }
    /* The message may quote bytes a command escaped already (expect's
     * unmatched data): its controls are escaped, its backslashes kept. */
    nr_escape_text(msg, strlen(msg), NR_ESC_KEEP_BSLASH, &b);
    if (sh->color)
        nr_buf_add(&b, "\033[0m", 4);
    if (b.p)
        fwrite(b.p, 1, b.len, stderr);
    /* An error is one line: on a terminal too narrow for the usage, point
     * to help instead (or say no more). */
    int w = (int)b.len - (sh->color ? 9 : 0);
    int cols = usage ? sh_columns(2) : 0;
    if (usage && (cols <= 0 || w + (int)strlen(usage) + 10 <= cols))
        fprintf(stderr, " (usage: %s)", usage);
    else if (usage && w + (int)strlen(cmd) + 14 <= cols)
        fprintf(stderr, " (see 'help %s')", cmd);
    fputc('\n', stderr);
    nr_buf_free(&b);
    return CMD_FAIL;
}

int cmd_error(struct shell *sh, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    report(sh, NULL, NULL, 0, fmt, ap);
    va_end(ap);
    return CMD_FAIL;
}

int cmd_error_at(struct shell *sh, const void *arg, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    report(sh, NULL, arg, len, fmt, ap);
    va_end(ap);
    return CMD_FAIL;
}

int cmd_usage(struct shell *sh, const char *fmt, ...)
{
    const struct nr_cmd *c = sh->cmd ? cmd_find(sh->cmd) : NULL;
    va_list ap;
    va_start(ap, fmt);
    report(sh, c ? cmd_usage_line(c) : NULL, NULL, 0, fmt, ap);
    va_end(ap);
    return CMD_FAIL;
}

enum { HELD_NOTICES_MAX = 65536 };
static size_t notices_dropped;

/* Keeps an escaped notice line; past the cap only counts it. */
static void hold_notice(struct shell *sh, const char *msg, size_t n)
{
    struct nr_buf *h = &sh->held_notices;
    size_t before = h->len;
    if (h->len + n + 1 > HELD_NOTICES_MAX || nr_escape_text(msg, n, 0, h) < 0 ||
        nr_buf_add(h, "\n", 1) < 0) {
        h->len = before;
        notices_dropped++;
    }
}

void sh_notices_hold(struct shell *sh, bool on)
{
    sh->hold_notices = on;
    if (on)
        return;
    struct nr_buf *h = &sh->held_notices;
    if (h->len)
        repl_print_above(sh, (const char *)h->p, h->len);
    if (notices_dropped) {
        char line[80];
        int n = snprintf(line, sizeof line, "(%zu more notices while watching)", notices_dropped);
        repl_print_above(sh, line, (size_t)n);
    }
    notices_dropped = 0;
    nr_buf_free(h);
}

void sh_notice(struct shell *sh, const char *event, int id, const char *fmt, ...)
{
    if (!sh->interactive || sh->quiet)
        return;
    char msg[1024], head[128];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n >= sizeof msg)
        n = sizeof msg - 1;
    /* Notices carry peer addresses: text escapes the whole line, as errors
     * are (the formats themselves hold nothing that escaping changes). */
    struct nr_buf b = { 0 };
    if (sh->hold_notices) {
        hold_notice(sh, msg, (size_t)n);
    } else if (!sh->json) {
        if (nr_escape_text(msg, (size_t)n, 0, &b) == 0 && b.p)
            repl_print_above(sh, (const char *)b.p, b.len);
    } else {
        int h = snprintf(head, sizeof head,
                         "{\"type\":\"notice\",\"event\":\"%s\",\"id\":%d,\"message\":\"",
                         event, id);
        if (nr_buf_add(&b, head, (size_t)h) == 0 && nr_escape_json(msg, (size_t)n, &b) == 0 &&
            nr_buf_add(&b, "\"}", 2) == 0)
            repl_print_above(sh, (const char *)b.p, b.len);
    }
    nr_buf_free(&b);
    out_failed(sh);
}
