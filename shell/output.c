/* shell/output — the one printer: every command writes results through it,
 * so the same calls give human text or one JSON object per line. Untrusted
 * bytes are escaped for the terminal (lib/escape) or for JSON. */
#include "shell/shell.h"
#include "shell/repl.h"
#include "lib/escape.h"

#include <stdarg.h>
#include <string.h>

static void json_sep(struct shell *sh, const char *key)
{
    int d = sh->json_depth;
    if (d > 0 && d < 16) {
        if (!sh->json_first[d])
            fputc(',', stdout);
        sh->json_first[d] = false;
    }
    if (key)
        printf("\"%s\":", key);
}

/* Starts a member: "key": in objects, a bare element in arrays. Returns
 * false for a keyless value outside an array (text-only field). */
static bool json_field(struct shell *sh, const char *key)
{
    int d = sh->json_depth;
    if (!key && !(d > 0 && d < 16 && sh->json_close[d] == ']'))
        return false;
    json_sep(sh, key);
    return true;
}

static void json_open(struct shell *sh, const char *key, char c)
{
    json_sep(sh, key);
    fputc(c, stdout);
    sh->json_depth++;
    if (sh->json_depth < 16) {
        sh->json_first[sh->json_depth] = true;
        sh->json_close[sh->json_depth] = c == '[' ? ']' : '}';
    }
}

static void json_close(struct shell *sh)
{
    if (sh->json_depth <= 0)
        return;
    fputc(sh->json_depth < 16 ? sh->json_close[sh->json_depth] : '}', stdout);
    sh->json_depth--;
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
}

void out_str(struct shell *sh, const char *key, const char *fmt, const char *v)
{
    if (sh->json) {
        if (!json_field(sh, key))
            return;
        if (v)
            json_string(v, strlen(v));
        else
            fputs("null", stdout);
    } else if (fmt) {
        printf(fmt, v ? v : "");
    }
}

void out_int(struct shell *sh, const char *key, const char *fmt, long long v)
{
    if (sh->json) {
        if (json_field(sh, key))
            printf("%lld", v);
    } else if (fmt) {
        printf(fmt, v);
    }
}

void out_uint(struct shell *sh, const char *key, const char *fmt, unsigned long long v)
{
    if (sh->json) {
        if (json_field(sh, key))
            printf("%llu", v);
    } else if (fmt) {
        printf(fmt, v);
    }
}

void out_double(struct shell *sh, const char *key, const char *fmt, double v)
{
    if (sh->json) {
        if (json_field(sh, key))
            printf("%.6g", v);
    } else if (fmt) {
        printf(fmt, v);
    }
}

void out_bool(struct shell *sh, const char *key, const char *fmt, bool v)
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

void out_num(struct shell *sh, const char *key, const char *fmt, const char *digits)
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
        return;
    }
    struct nr_buf b = { 0 };
    if (nr_escape_text(p, n, flags, &b) == 0)
        fwrite(b.p, 1, b.len, stdout);
    nr_buf_free(&b);
}

void out_text(struct shell *sh, const char *fmt, ...)
{
    if (sh->json)
        return;
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
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
}

static int report(struct shell *sh, const char *usage, const char *fmt, va_list ap)
{
    char msg[1024];
    vsnprintf(msg, sizeof msg, fmt, ap);
    const char *cmd = sh->cmd ? sh->cmd : "netrepl";
    sh->failures++;
    if (sh->json) {
        out_end(sh);   /* finish a record the command had begun */
        out_begin(sh, "error");
        out_str(sh, "command", NULL, cmd);
        out_str(sh, "error", NULL, msg);
        if (!sh->interactive)
            out_int(sh, "line", NULL, sh->line);
        out_end(sh);
        return CMD_FAIL;
    }
    fflush(stdout);
    /* Untrusted text (names, peer data) may sit inside msg: escape it. */
    struct nr_buf b = { 0 };
    nr_escape_text(msg, strlen(msg), 0, &b);
    const char *m = b.p ? (const char *)b.p : msg;
    const char *red = sh->color ? "\033[31m" : "", *off = sh->color ? "\033[0m" : "";
    int w;
    if (sh->interactive && sh->depth == 0)
        w = fprintf(stderr, "%s%s: %s%s", red, cmd, m, off) - (int)(strlen(red) + strlen(off));
    else if (!sh->src || !strcmp(sh->src, "-") || !strcmp(sh->src, "-c"))
        w = fprintf(stderr, "netrepl: %ld: %s: %s", sh->line, cmd, m);
    else
        w = fprintf(stderr, "netrepl: %s:%ld: %s: %s", sh->src, sh->line, cmd, m);
    /* An error is one line: on a terminal too narrow for the usage, point
     * to help instead (or say no more). */
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
    report(sh, NULL, fmt, ap);
    va_end(ap);
    return CMD_FAIL;
}

int cmd_usage(struct shell *sh, const char *fmt, ...)
{
    const struct nr_cmd *c = sh->cmd ? cmd_find(sh->cmd) : NULL;
    va_list ap;
    va_start(ap, fmt);
    report(sh, c ? cmd_usage_line(c) : NULL, fmt, ap);
    va_end(ap);
    return CMD_FAIL;
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
    if (!sh->json) {
        repl_print_above(sh, msg, (size_t)n);
        return;
    }
    struct nr_buf b = { 0 };
    int h = snprintf(head, sizeof head, "{\"type\":\"notice\",\"event\":\"%s\",\"id\":%d,\"message\":\"",
                     event, id);
    if (nr_buf_add(&b, head, (size_t)h) == 0 && nr_escape_json(msg, (size_t)n, &b) == 0 &&
        nr_buf_add(&b, "\"}", 2) == 0)
        repl_print_above(sh, (const char *)b.p, b.len);
    nr_buf_free(&b);
}
