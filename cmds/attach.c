/* cmds/attach — joins the terminal to a session, as telnet or nc would:
 * each line typed is sent, what arrives is shown (escaped unless --raw),
 * until Ctrl-] (telnet's escape), Ctrl-D on an empty line or Ctrl-C returns
 * to the prompt with the session still open. Lines are typed in the same
 * line editor as the prompt, so what arrives is printed above the line
 * being typed, never into it; an unfinished line from the peer ("login: ")
 * is shown as the editor's prompt, as rlwrap does. */
#include "cmds/sess.h"
#include "shell/repl.h"
#include "lib/escape.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <stddef.h>

enum { TAIL_MAX = 200 };   /* the longest unfinished peer line held as the prompt */

struct attach {
    struct shell *sh;
    struct nr_session *s;
    int id;
    bool raw, crlf;
    bool done;
    const char *why;      /* how it ended, for the closing line */
    struct nr_buf tail;   /* received bytes after the last newline shown */
};

static void print_data(struct attach *at, const void *p, size_t n)
{
    struct shell *sh = at->sh;
    out_begin(sh, "recv");
    out_int(sh, "id", NULL, at->id);
    out_uint(sh, "bytes", NULL, n);
    out_data(sh, "data", p, n, NR_ESC_KEEP_NL, at->raw);
    out_end(sh);
}

/* The held unfinished line, escaped, as the editor's prompt. */
static char *tail_prompt(const struct attach *at)
{
    struct nr_buf b = { 0 };
    if (nr_escape_text(at->tail.p, at->tail.len, 0, &b) < 0 || nr_buf_add(&b, "", 1) < 0) {
        nr_buf_free(&b);
        return NULL;
    }
    return (char *)b.p;
}

/* Prints the complete lines of what arrived above the line being typed;
 * text mode keeps an unfinished last line as the prompt. */
static void show(struct attach *at, const void *p, size_t n)
{
    struct shell *sh = at->sh;
    repl_line_hide(sh);
    if (sh->json || at->raw) {
        print_data(at, p, n);
        if (!sh->json && n && ((const char *)p)[n - 1] != '\n')
            out_text(sh, "\n");   /* the editor starts on a line of its own */
        repl_line_show(sh, NULL);
        return;
    }
    nr_buf_add(&at->tail, p, n);
    const unsigned char *b = at->tail.p, *nl = memrchr(b, '\n', at->tail.len);
    size_t head = nl ? (size_t)(nl - b) + 1 : 0;
    if (at->tail.len - head > TAIL_MAX)
        head = at->tail.len;   /* too long to hold: show it all, end the line */
    if (head) {
        print_data(at, b, head);
        if (b[head - 1] != '\n')
            out_text(sh, "\n");
        nr_buf_consume(&at->tail, head);
    }
    char *prompt = tail_prompt(at);
    repl_line_show(sh, prompt ? prompt : "");
    free(prompt);
}

/* Shows and consumes whatever the session holds now. */
static void drain(struct attach *at)
{
    struct nr_session *s = at->s;
    size_t n;
    const unsigned char *p = nr_sess_peek(s, &n);
    if (!nr_sess_is_stream(s)) {
        struct nr_dgram *d;
        while ((d = nr_sess_dgram_pop(s))) {
            show(at, d->data, d->len);
            free(d);
        }
    } else if (n) {
        show(at, p, n);
        nr_sess_consume(s, n);
    }
    fflush(stdout);
}

static void on_event(void *arg, struct nr_session *s, int ev)
{
    struct attach *at = arg;
    drain(at);
    if (ev == NR_SEV_EOF) {
        at->why = "the peer closed the connection";
        at->done = true;
    } else if (ev == NR_SEV_ERROR) {
        at->why = nr_sess_strerror(s);
        at->done = true;
    }
}

/* A line typed: sent with its line end ("\r\n" with --crlf). The held peer
 * line was on screen as its prompt: it has been shown now. */
static void on_line(void *arg, const char *line)
{
    struct attach *at = arg;
    char err[NR_ERRLEN];
    if (!line) {   /* Ctrl-D on an empty line */
        at->done = true;
        return;
    }
    at->tail.len = 0;
    struct nr_buf b = { 0 };
    if (nr_buf_add(&b, line, strlen(line)) < 0 ||
        nr_buf_add(&b, at->crlf ? "\r\n" : "\n", at->crlf ? 2 : 1) < 0 ||
        nr_sess_send(at->s, b.p, b.len, err, sizeof err) < 0) {
        at->why = NULL;
        cmd_error(at->sh, "[%d] %s", at->id, b.p ? err : "out of memory");
        at->done = true;
    }
    nr_buf_free(&b);
}

static void on_escape(void *arg)
{
    ((struct attach *)arg)->done = true;
}

static bool attach_done(void *arg)
{
    /* No command can close the session meanwhile: only the peer ends it. */
    return ((struct attach *)arg)->done;
}

static int attach_wait(struct shell *sh, struct attach *at)
{
    sh_tap(sh, at->id, on_event, at);
    repl_lines_lend(sh, "", on_line, on_escape, at);
    drain(at);
    enum nr_wait w = sh_wait(sh, attach_done, at, -1);
    size_t unsent = repl_lines_return(sh);
    sh_tap(sh, 0, NULL, NULL);
    if (at->tail.len) {   /* the unfinished line that was the prompt */
        print_data(at, at->tail.p, at->tail.len);
        out_text(sh, "\n");
    }
    nr_buf_free(&at->tail);
    out_begin(sh, "detach");
    out_int(sh, "id", "[%lld] ", at->id);
    out_str(sh, "reason", "detached: %s", w == NR_WAIT_INTR ? "interrupted" :
                                          at->why ? at->why : "back to the prompt");
    out_text(sh, " (session %s", nr_sess_state(at->s));
    out_str(sh, "state", NULL, nr_sess_state(at->s));
    out_uint(sh, "unsent_chars", NULL, unsent);
    if (unsent)
        out_text(sh, "; the line being typed was not sent");
    out_text(sh, ")\n");
    out_end(sh);
    return CMD_OK;
}

struct attach_opts {
    bool raw, crlf;
};

static int attach_run(struct shell *sh, const struct cmd_call *c)
{
    const struct attach_opts *o = c->opts;
    struct attach at = { .sh = sh, .raw = o->raw, .crlf = o->crlf, .s = c->s };
    at.id = nr_sess_id(at.s);
    if (nr_sess_role_of(at.s) == NR_ROLE_LISTEN)
        return cmd_error(sh, "[%d] is a listener: attach to one of its connections", at.id);
    if (nr_sess_peer_eof(at.s) && !nr_sess_buffered(at.s))
        return cmd_error(sh, "[%d] is closed by its peer", at.id);
    out_begin(sh, "attach");
    sess_out_ends(sh, at.s);
    out_text(sh, "\n(attached: lines you type are sent%s; Ctrl-] returns to the prompt)\n",
             at.crlf ? " with CRLF" : "");
    out_end(sh);
    fflush(stdout);
    return attach_wait(sh, &at);
}

static const struct nr_opt attach_options[] = {
    { "--raw", NULL, OPT_FLAG, offsetof(struct attach_opts, raw), 0, 0, NULL,
      "show what arrives as it is, escapes and all (unsafe)", NULL, 0, 0 },
    { "--crlf", NULL, OPT_FLAG, offsetof(struct attach_opts, crlf), 0, 0, NULL,
      "end each line sent with \\r\\n (HTTP, SMTP and other line protocols)", NULL, 0, 0 },
    OPT_END,
};

const struct nr_cmd cmd_attach = {
    .name = "attach",
    .summary = "join the terminal to a session, like telnet or nc",
    .help =
    "Each line you type is sent to the session; what arrives is shown as it\n"
    "comes, escaped unless --raw, above the line being typed; an unfinished line\n"
    "(\"login: \") is shown in front of it (with --raw it is ended on screen).\n"
    "Lines are edited as at the prompt.\n"
    "Ctrl-] (as telnet), Ctrl-D on an empty line or Ctrl-C returns to the\n"
    "prompt; the session stays open and a line not yet sent is dropped.\n"
    "Interactive only: scripts use send and recv.\n"
    "Example: attach 2\n"
    "Example: attach --crlf\n",
    .opts = attach_options,
    .opts_size = sizeof(struct attach_opts),
    .flags = CMD_ID | CMD_SESSION | CMD_INTERACTIVE,
    .run = attach_run,
};
