/* cmds/attach — joins the terminal to a session, as telnet or nc would:
 * each line typed is sent, what arrives is shown (escaped unless --raw),
 * until Ctrl-] (telnet's escape), Ctrl-D on an empty line or Ctrl-C returns
 * to the prompt with the session still open. The terminal stays in
 * canonical mode, so the line can be edited before it is sent; Ctrl-] is
 * made an extra end-of-line character (VEOL) so it is seen at once. */
#include "cmds/sess.h"
#include "shell/repl.h"
#include "lib/escape.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <stddef.h>
#include <termios.h>
#include <unistd.h>

#define ESCAPE_KEY 0x1d   /* Ctrl-] */

struct attach {
    struct shell *sh;
    struct nr_session *s;
    int id;
    bool raw, crlf;
    bool done;
    bool by_key;       /* Ctrl-]: the terminal echoed ^] on the input line */
    const char *why;   /* how it ended, for the closing line */
};

static void show(struct attach *at, const void *p, size_t n)
{
    struct shell *sh = at->sh;
    out_begin(sh, "recv");
    out_int(sh, "id", NULL, at->id);
    out_uint(sh, "bytes", NULL, n);
    out_data(sh, "data", p, n, NR_ESC_KEEP_NL, at->raw);
    out_end(sh);
    fflush(stdout);
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

/* Sends p[0..n), turning a final "\n" into "\r\n" with --crlf. */
static void send_line(struct attach *at, const char *p, size_t n)
{
    char err[NR_ERRLEN];
    struct nr_buf b = { 0 };
    nr_buf_add(&b, p, n);
    if (at->crlf && n && p[n - 1] == '\n' && (n < 2 || p[n - 2] != '\r')) {
        b.len--;
        nr_buf_add(&b, "\r\n", 2);
    }
    if (b.len && nr_sess_send(at->s, b.p, b.len, err, sizeof err) < 0) {
        at->why = NULL;
        cmd_error(at->sh, "[%d] %s", at->id, err);
        at->done = true;
    }
    nr_buf_free(&b);
}

static void on_input(struct nr_loop *loop, int fd, unsigned rev, void *arg)
{
    struct attach *at = arg;
    char buf[4096];
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (n <= 0) {   /* Ctrl-D on an empty line */
        at->done = true;
        return;
    }
    char *esc = memchr(buf, ESCAPE_KEY, (size_t)n);
    send_line(at, buf, esc ? (size_t)(esc - buf) : (size_t)n);
    if (esc)
        at->done = at->by_key = true;
}

static bool attach_done(void *arg)
{
    /* No command can close the session meanwhile: only the peer ends it. */
    return ((struct attach *)arg)->done;
}

static int attach_wait(struct shell *sh, struct attach *at)
{
    struct termios saved, t;
    bool tty = tcgetattr(0, &saved) == 0;
    if (tty) {
        t = saved;
        t.c_cc[VEOL] = ESCAPE_KEY;
        t.c_lflag |= ICANON | ECHO | ISIG;
        tcsetattr(0, TCSANOW, &t);
    }
    sh_tap(sh, at->id, on_event, at);
    repl_input_lend(sh, on_input, at);
    drain(at);
    enum nr_wait w = sh_wait(sh, attach_done, at, -1);
    repl_input_return(sh);
    sh_tap(sh, 0, NULL, NULL);
    if (tty)
        tcsetattr(0, TCSANOW, &saved);
    if (at->by_key)
        out_text(sh, "\n");
    out_begin(sh, "detach");
    out_int(sh, "id", "[%lld] ", at->id);
    out_str(sh, "reason", "detached: %s", w == NR_WAIT_INTR ? "interrupted" :
                                          at->why ? at->why : "back to the prompt");
    out_text(sh, " (session %s)\n", nr_sess_state(at->s));
    out_str(sh, "state", NULL, nr_sess_state(at->s));
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
    "comes, escaped unless --raw. Ctrl-] (as telnet), Ctrl-D on an empty line or\n"
    "Ctrl-C returns to the prompt; the session stays open. Interactive only:\n"
    "scripts use send and recv.\n"
    "Example: attach 2\n"
    "Example: attach --crlf\n",
    .opts = attach_options,
    .opts_size = sizeof(struct attach_opts),
    .flags = CMD_ID | CMD_SESSION | CMD_INTERACTIVE,
    .run = attach_run,
};
