/* cmds/expect — waits until what a stream session received matches one of
 * several alternatives: literals, PCRE2 regular expressions (/.../), eof or
 * timeout, under one overall deadline. Matching runs on the buffered stream
 * with PCRE2's hard partial matching, so a match split across reads is found
 * and a match that more data could still change is not taken early; nothing
 * is consumed until an alternative has matched, and then only up to the end
 * of the match. A regex's groups become $1..$9 and its named groups $NAME. */
#include "cmds/sess.h"
#include "shell/vars.h"
#include "lib/escape.h"
#include "lib/match.h"

#include <stdio.h>
#include <string.h>

enum alt_kind { ALT_LIT, ALT_RE, ALT_EOF, ALT_TIMEOUT };
enum {
    MAX_ALTS = NR_MATCH_MAX,
    SHOW_BYTES = 400,     /* unmatched bytes an error line shows at most ... */
    SHOW_CHARS = 480,     /* ... in at most this many characters */
};

struct alt {
    enum alt_kind kind;
    const char *word;             /* as given: literal text, or "/re/" */
    size_t len;
    int mi;                       /* its index in the match set (text, regex) */
};

struct expect {
    struct nr_session *s;
    struct alt alt[MAX_ALTS];
    int n;
    struct nr_match *m;           /* the texts and regexes */
    int winner;                   /* the alternative that matched, or -1 */
    int rc;                       /* NR_MATCH_FAIL: matching failed (err) */
    char err[NR_ERRLEN];
};

struct expect_opts {
    int64_t timeout;
};

/* ---- the alternatives ---- */

static const char *kind_name(enum alt_kind k)
{
    static const char *const names[] = { "literal", "regex", "eof", "timeout" };
    return names[k];
}

/* "220 " for a literal, /re/ for a regex, eof, timeout: escaped for display. */
static void alt_show(const struct alt *a, struct nr_buf *b)
{
    if (a->kind == ALT_LIT) {
        nr_buf_add(b, "\"", 1);
        nr_escape_text(a->word, a->len, NR_ESC_QUOTE, b);
        nr_buf_add(b, "\"", 1);
    } else if (a->kind == ALT_RE) {
        nr_escape_text(a->word, a->len, NR_ESC_KEEP_BSLASH, b);   /* as typed: a regex's backslashes are its syntax */
    } else {
        nr_buf_add(b, kind_name(a->kind), strlen(kind_name(a->kind)));
    }
}

/* Each word: eof, timeout, /regex/ or a literal. */
static int parse_alts(struct shell *sh, struct expect *ex, const struct cmd_call *c)
{
    char err[NR_ERRLEN];
    if (c->npos > MAX_ALTS)
        return cmd_usage(sh, "too many alternatives (%d, at most %d)", c->npos, MAX_ALTS);
    for (int i = 0; i < c->npos; i++) {
        struct alt *a = &ex->alt[ex->n++];
        a->word = c->pos[i];
        a->len = c->poslen[i];
        a->mi = -1;
        if (!strcmp(a->word, "eof"))
            a->kind = ALT_EOF;
        else if (!strcmp(a->word, "timeout"))
            a->kind = ALT_TIMEOUT;
        else if (a->len >= 2 && a->word[0] == '/' && a->word[a->len - 1] == '/')
            a->kind = ALT_RE;
        else
            a->kind = ALT_LIT;
        if (a->kind == ALT_LIT)
            a->mi = nr_match_add(ex->m, a->word, a->len, false, err, sizeof err);
        else if (a->kind == ALT_RE)
            a->mi = nr_match_add(ex->m, a->word + 1, a->len - 2, true, err, sizeof err);
        if ((a->kind == ALT_LIT || a->kind == ALT_RE) && a->mi < 0) {
            struct nr_buf b = { 0 };
            alt_show(a, &b);
            cmd_usage(sh, "%.*s: %s", (int)(b.len > 80 ? 80 : b.len), (const char *)b.p, err);
            nr_buf_free(&b);
            return CMD_FAIL;
        }
    }
    return CMD_OK;
}

static bool has_kind(const struct expect *ex, enum alt_kind k)
{
    for (int i = 0; i < ex->n; i++)
        if (ex->alt[i].kind == k)
            return true;
    return false;
}

/* ---- matching ---- */

/* Runs the match set over what is buffered. Returns true when it decided
 * (a winner, or matching failed). */
static bool evaluate(struct expect *ex, bool final)
{
    size_t len;
    const unsigned char *p = nr_sess_peek(ex->s, &len);
    int r = nr_match_run(ex->m, p, len, final, ex->err, sizeof ex->err);
    if (r == NR_MATCH_FAIL)
        ex->rc = r;
    for (int i = 0; r >= 0 && i < ex->n; i++)
        if (ex->alt[i].mi == r)
            ex->winner = i;
    return r != NR_MATCH_WAIT;
}

static bool ready(void *arg)
{
    struct expect *ex = arg;
    return evaluate(ex, false) || nr_sess_read_ended(ex->s) ||
           nr_sess_buffered(ex->s) >= NR_SESS_BUFMAX;
}

/* ---- results ---- */

static void show_bytes(struct shell *sh, const unsigned char *p, size_t n)
{
    out_data(sh, "data", p, n, NR_ESC_KEEP_NL, false);
    if (n && p[n - 1] != '\n')
        out_text(sh, "\n");
}

/* One capture: $name = value, in the table, in text and in JSON. */
static void capture(struct shell *sh, const char *name, const unsigned char *p, size_t n)
{
    char err[NR_ERRLEN];
    if (nr_vars_set(sh->vars, name, strlen(name), p, n, err, sizeof err) < 0)
        cmd_error(sh, "%s", err);
    struct nr_buf b = { 0 };
    nr_escape_text(p, n, NR_ESC_QUOTE, &b);
    out_text(sh, "  $%s = \"%.*s\"\n", name, (int)b.len, b.p ? (const char *)b.p : "");
    if (sh->json)
        out_data(sh, name, p, n, 0, false);
    nr_buf_free(&b);
}

static void capture_group(struct shell *sh, const struct expect *ex, int mi,
                          const unsigned char *p, int g, const char *name)
{
    size_t b, e;
    bool set = nr_match_group(ex->m, mi, g, &b, &e);
    capture(sh, name, set ? p + b : p, set ? e - b : 0);
}

/* $1..$9 and the named groups of the winning regex (a group that took no
 * part in the match is set empty). */
static void captures(struct shell *sh, const struct expect *ex, int mi, const unsigned char *p)
{
    int ngroups = nr_match_ngroups(ex->m, mi), nnames = nr_match_nnames(ex->m, mi);
    if (!ngroups)
        return;
    out_obj_begin(sh, "groups");
    for (int g = 1; g <= ngroups && g <= 9; g++) {
        char name[2] = { (char)('0' + g), 0 };
        capture_group(sh, ex, mi, p, g, name);
    }
    for (int k = 0; k < nnames; k++) {
        int g;
        const char *name = nr_match_name(ex->m, mi, k, &g);
        if (nr_var_name_ok(name, strlen(name)))
            capture_group(sh, ex, mi, p, g, name);
    }
    out_obj_end(sh);
}

static void clear_numbered(struct shell *sh)
{
    for (char d = '1'; d <= '9'; d++)
        nr_vars_unset(sh->vars, &d, 1);
}

static int show_match(struct shell *sh, struct expect *ex)
{
    const struct alt *a = &ex->alt[ex->winner];
    size_t len, start, end;
    const unsigned char *p = nr_sess_peek(ex->s, &len);
    struct nr_buf b = { 0 };
    nr_match_span(ex->m, a->mi, &start, &end);
    alt_show(a, &b);
    out_begin(sh, "expect");
    out_int(sh, "id", "[%lld] ", nr_sess_id(ex->s));
    out_str(sh, "matched", NULL, kind_name(a->kind));
    out_int(sh, "alternative", NULL, ex->winner + 1);
    if (sh->json)   /* JSON only: text shows it below, escaped and delimited */
        out_data(sh, "pattern", a->kind == ALT_RE ? a->word + 1 : a->word,
                 a->kind == ALT_RE ? a->len - 2 : a->len, 0, false);
    out_text(sh, "matched %.*s", (int)b.len, (const char *)b.p);
    if (ex->n > 1)
        out_text(sh, " (%d of %d)", ex->winner + 1, ex->n);
    out_text(sh, "\n");
    out_uint(sh, "bytes", NULL, end);
    show_bytes(sh, p, end);
    clear_numbered(sh);
    captures(sh, ex, a->mi, p);
    out_end(sh);
    nr_sess_consume(ex->s, end);
    nr_buf_free(&b);
    return CMD_OK;
}

/* eof or timeout accepted: eof takes what is left; timeout leaves it. */
static int show_end(struct shell *sh, struct expect *ex, enum alt_kind k, int64_t t)
{
    size_t len;
    const unsigned char *p = nr_sess_peek(ex->s, &len);
    int e = nr_sess_error(ex->s);
    for (ex->winner = 0; ex->alt[ex->winner].kind != k; ex->winner++)
        ;
    out_begin(sh, "expect");
    out_int(sh, "id", "[%lld] ", nr_sess_id(ex->s));
    out_str(sh, "matched", "%s", kind_name(k));
    out_int(sh, "alternative", NULL, ex->winner + 1);
    out_uint(sh, "bytes", NULL, len);
    if (k == ALT_EOF)
        out_text(sh, ": %s", e ? nr_sess_strerror(ex->s) : "the peer closed the connection");
    else
        out_double(sh, "after", " after %g s", (double)t / 1e6);
    if (len)
        out_text(sh, k == ALT_EOF ? " (%zu bytes before it)" : " (%zu bytes still buffered)", len);
    out_text(sh, "\n");
    if (len)
        show_bytes(sh, p, len);
    clear_numbered(sh);
    out_end(sh);
    if (k == ALT_EOF)
        nr_sess_consume(ex->s, len);
    return CMD_OK;
}

/* "250 " or /^5/ or eof, for error lines. */
static void alts_list(const struct expect *ex, struct nr_buf *b)
{
    for (int i = 0; i < ex->n; i++) {
        if (i)
            nr_buf_add(b, i + 1 == ex->n ? " or " : ", ", i + 1 == ex->n ? 4 : 2);
        if (b->len > 200) {
            nr_buf_add(b, "...", 3);
            break;
        }
        alt_show(&ex->alt[i], b);
    }
    nr_buf_add(b, "", 1);
}

/* What arrived, escaped and quoted, shortened to fit one error line. */
static void unmatched(const struct expect *ex, struct nr_buf *b)
{
    size_t len;
    const unsigned char *p = nr_sess_peek(ex->s, &len);
    size_t k = len < SHOW_BYTES ? len : SHOW_BYTES;
    for (;;) {
        b->len = 0;
        nr_buf_add(b, "\"", 1);
        nr_escape_text(p, k, NR_ESC_QUOTE, b);
        nr_buf_add(b, "\"", 1);
        if (b->len <= SHOW_CHARS || k < 8)
            break;
        k = k * 3 / 4;
    }
    char tail[96] = "";
    if (k < len)
        snprintf(tail, sizeof tail, "... (the first %zu; 'recv' shows them all)", k);
    nr_buf_add(b, tail, strlen(tail) + 1);
}

static int fail(struct shell *sh, struct expect *ex, enum nr_wait w, int64_t t)
{
    struct nr_buf alts = { 0 }, data = { 0 };
    char why[128];
    int id = nr_sess_id(ex->s), e = nr_sess_error(ex->s);
    size_t len = nr_sess_buffered(ex->s);
    alts_list(ex, &alts);
    unmatched(ex, &data);
    if (w == NR_WAIT_INTR)
        snprintf(why, sizeof why, "interrupted");
    else if (e)
        snprintf(why, sizeof why, "%s", nr_sess_strerror(ex->s));
    else if (nr_sess_read_ended(ex->s))
        snprintf(why, sizeof why, "the peer closed the connection");
    else if (len >= NR_SESS_BUFMAX)
        snprintf(why, sizeof why, "nothing matched in the %zu bytes a session holds", len);
    else
        snprintf(why, sizeof why, "timed out after %g s", (double)t / 1e6);
    int r;
    if (!len)
        r = cmd_error(sh, "[%d] %s: no match for %s; nothing arrived", id, why,
                      (const char *)alts.p);
    else
        r = cmd_error(sh, "[%d] %s: no match for %s; %zu bytes unmatched (still buffered): %s",
                      id, why, (const char *)alts.p, len, (const char *)data.p);
    nr_buf_free(&alts);
    nr_buf_free(&data);
    return r;
}

static int finish(struct shell *sh, struct expect *ex, enum nr_wait w, int64_t t)
{
    if (!ex->rc && ex->winner < 0 && w != NR_WAIT_INTR)
        evaluate(ex, true);   /* no more waiting: a match that could grow is taken */
    if (ex->rc)
        return cmd_error(sh, "[%d] matching: %s (in %zu bytes)", nr_sess_id(ex->s), ex->err,
                         nr_sess_buffered(ex->s));
    if (ex->winner >= 0)
        return show_match(sh, ex);
    bool ended = nr_sess_read_ended(ex->s);
    if (w != NR_WAIT_INTR && ended && has_kind(ex, ALT_EOF))
        return show_end(sh, ex, ALT_EOF, t);
    if (w == NR_WAIT_TIMEOUT && !ended && has_kind(ex, ALT_TIMEOUT))
        return show_end(sh, ex, ALT_TIMEOUT, t);
    return fail(sh, ex, w, t);
}

/* A leading id is taken only when alternatives follow it (expect 2 "220 "):
 * alone, a number is the text to wait for. */
static bool expect_id_first(const struct shell *sh, const struct cmd_call *c)
{
    return c->npos > 1;
}

static int expect_run(struct shell *sh, const struct cmd_call *c)
{
    const struct expect_opts *o = c->opts;
    struct nr_session *s = c->s;
    int id = nr_sess_id(s);
    if (c->npos == 0)
        return cmd_usage(sh, "needs something to wait for: TEXT, /REGEX/, eof or timeout");
    if (!nr_sess_is_stream(s))
        return cmd_error(sh, "[%d] is %s: expect reads streams (TCP, Unix); recv takes datagrams",
                         id, nr_sess_proto(s));
    if (!strcmp(nr_sess_role(s), "listen"))
        return cmd_error(sh, "[%d] is a listener: 'accept' its connections, expect on those", id);
    if (!sh_vars(sh))
        return CMD_FAIL;
    struct expect ex = { .s = s, .winner = -1 };
    int r = (ex.m = nr_match_new()) ? parse_alts(sh, &ex, c) : cmd_error(sh, "out of memory");
    if (r == CMD_OK) {
        int64_t t = o->timeout >= 0 ? o->timeout : nr_sess_timeout(s);
        int64_t deadline = nr_now_us() + t;   /* one deadline for the whole wait */
        /* Take in what has already arrived, as recv does (muted first: what
         * arrives now is expect's to show, not a notice's). */
        sh_mute(sh, id);
        nr_loop_run_once(sh->loop, 0);
        enum nr_wait w = ready(&ex) ? NR_WAIT_DONE : sh_wait(sh, ready, &ex, deadline);
        sh_mute(sh, 0);
        r = finish(sh, &ex, w, t);
    }
    nr_match_free(ex.m);
    return r;
}

static const struct expect_opts expect_defaults = { .timeout = -1 };

static const struct nr_opt expect_options[] = {
    { "--timeout", NULL, OPT_SECONDS, offsetof(struct expect_opts, timeout), 0, 86400, "S",
      "one deadline for the whole wait (default: the session's timeout, 5 s)", NULL, 0, 0 },
    OPT_END,
};

static const struct nr_pos expect_pos[] = {
    { "ALT", POS_WORD, NULL, POS_REPEAT },
    POS_END,
};

const struct nr_cmd cmd_expect = {
    .name = "expect",
    .summary = "wait until a session's data matches a text, a /regex/, eof or timeout",
    .help =
    "Waits, with listeners and services still served, until the data received\n"
    "on the session (default: the current one) matches one of the alternatives:\n"
    "  TEXT      these bytes (escapes decoded: \"250 OK\\r\\n\")\n"
    "  /REGEX/   a PCRE2 regular expression; quote it when it holds blanks:\n"
    "            '/^2[0-9]{2} .*\\r\\n/'. ^ is where the unread data begins;\n"
    "            (?m) makes it any line start, (?i) ignores case\n"
    "  eof       the peer closed the connection (what is left is taken)\n"
    "  timeout   the deadline passed (then it is not an error; nothing is taken)\n"
    "There is one deadline for the whole wait: --timeout, else the session's\n"
    "timeout (5 s, 'set ID timeout'). Matching is on the stream: a match split\n"
    "across reads is found, and one that more data could still extend or complete\n"
    "waits for it (until the stream ends or the deadline). The match that starts\n"
    "first in the stream wins, the earlier alternative on a tie. expect shows\n"
    "which alternative matched and the bytes up to the end of the match\n"
    "(escaped, as recv) and takes them; the rest stays buffered. A regex's groups\n"
    "become $1..$9 and its named groups (?<name>...) $name; every expect that\n"
    "succeeds clears the old $1..$9. When the deadline passes or the peer closes\n"
    "and no alternative accepts that, expect fails and shows what had arrived\n"
    "(nothing is taken). Ctrl-C cancels. To wait for the text eof, timeout or\n"
    "/x/ itself, write it as a regex: /eof/, /\\/x\\//; text that starts with '-'\n"
    "goes after -- (options before it: expect --timeout 2 -- -ERR).\n"
    "Example: expect \"220 \"\n"
    "Example: expect 2 '/^250 (.*)\\r\\n/' '/^5[0-9][0-9] /' --timeout 10\n"
    "Example: expect '/(?<code>[0-9]{3}) /' eof timeout\n",
    .pos = expect_pos,
    .opts = expect_options,
    .opts_size = sizeof(struct expect_opts),
    .opts_init = &expect_defaults,
    .flags = CMD_ID | CMD_SESSION | CMD_ARITY_SELF,
    .run = expect_run,
    .id_first = expect_id_first,
};
