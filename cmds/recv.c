/* cmds/recv — recv [ID]: what a session received, waiting for some; what a
 * peer sent is shown escaped (control bytes, terminal escapes) unless --raw. */
#include "cmds/sess.h"
#include "lib/escape.h"
#include "shell/pics.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct recv_opts {
    int64_t timeout;
    long long max;
    const char *until;
    size_t until_len;
    bool all, hex, raw, ip;
    bool open_line;   /* the last text shown did not end in a newline */
    size_t shown;   /* bytes shown so far (hexdump offsets) */
};

/* Text that did not end in a newline gets one before anything else is shown
 * (with --all only once the stream has ended, so chunks stay joined). */
static void end_line(struct shell *sh, struct recv_opts *o)
{
    if (o->open_line)
        out_text(sh, "\n");
    o->open_line = false;
}

static void show_bytes(struct shell *sh, struct recv_opts *o, const void *p, size_t n)
{
    if (o->hex) {
        out_hex(sh, "hex", p, n, o->shown);
    } else {
        out_data(sh, "data", p, n, NR_ESC_KEEP_NL, o->raw);
        if (n)
            o->open_line = ((const char *)p)[n - 1] != '\n';
        if (o->open_line && !o->all)
            end_line(sh, o);
    }
    o->shown += n;
}

static void show_chunk(struct shell *sh, struct nr_session *s, struct recv_opts *o, size_t n)
{
    size_t have;
    const unsigned char *p = nr_sess_peek(s, &have);
    out_begin(sh, "recv");
    out_int(sh, "id", NULL, nr_sess_id(s));
    out_uint(sh, "bytes", NULL, n);
    show_bytes(sh, o, p, n);
    out_end(sh);
    nr_sess_consume(s, n);
}

static bool stream_ended(const struct nr_session *s)
{
    return nr_sess_read_ended(s);
}

static void show_eof(struct shell *sh, const struct nr_session *s)
{
    size_t left = nr_sess_buffered(s);
    out_begin(sh, "eof");
    out_int(sh, "id", NULL, nr_sess_id(s));
    out_uint(sh, "buffered", NULL, left);
    /* TLS: a clean close_notify, or a close without one (truncation?). */
    const char *tls_end = nr_sess_tls_end(s);
    if (tls_end)
        out_str(sh, "tls_end", "(TLS: %s) ", tls_end);
    if (nr_sess_rd_shut(s) && !nr_sess_peer_eof(s))
        out_text(sh, "(closed for reading)\n");
    else if (left)
        out_text(sh, "(peer closed the connection; %zu %s still buffered)\n", left,
                 nr_plural(left, "byte", "bytes"));
    else
        out_text(sh, "(peer closed the connection)\n");
    out_end(sh);
}

struct until_wait {
    struct nr_session *s;
    struct recv_opts *o;
};

/* Where --until's text ends in the buffer, or 0. */
static size_t until_end(const struct nr_session *s, const struct recv_opts *o)
{
    size_t n;
    const unsigned char *p = nr_sess_peek(s, &n);
    if (!n)
        return 0;
    const unsigned char *m = memmem(p, n, o->until, o->until_len);
    return m ? (size_t)(m - p) + o->until_len : 0;
}

static bool stream_ready(void *arg)
{
    struct until_wait *w = arg;
    size_t n = nr_sess_buffered(w->s);
    if (stream_ended(w->s) || n >= NR_SESS_BUFMAX)
        return true;
    if (w->o->until)
        return until_end(w->s, w->o) > 0;
    return n > 0;
}

static int recv_fail(struct shell *sh, struct nr_session *s, enum nr_wait w, int64_t t)
{
    if (w == NR_WAIT_INTR)
        return cmd_error(sh, "[%d] interrupted", nr_sess_id(s));
    size_t n = nr_sess_buffered(s);
    return cmd_error(sh, "[%d] timed out after %g s (%zu %s buffered)", nr_sess_id(s),
                     (double)t / 1e6, n, nr_plural(n, "byte", "bytes"));
}

static int recv_all_wait(struct shell *sh, struct nr_session *s, struct recv_opts *o,
                         struct sh_progress *p)
{
    struct until_wait w = { s, o };
    for (;;) {
        enum nr_wait r = sh_wait(sh, stream_ready, &w, nr_now_us() + o->timeout);
        sh_progress_hide(p);
        if (nr_sess_buffered(s))
            show_chunk(sh, s, o, nr_sess_buffered(s));
        p->hold = o->open_line;   /* no bar over a line the data has not ended */
        if (stream_ended(s) || r != NR_WAIT_DONE)
            end_line(sh, o);
        if (nr_sess_error(s))
            return cmd_error(sh, "[%d] %s", nr_sess_id(s), nr_sess_strerror(s));
        if (stream_ended(s)) {
            show_eof(sh, s);
            return CMD_OK;
        }
        if (r != NR_WAIT_DONE)
            return recv_fail(sh, s, r, o->timeout);
    }
}

struct recv_so_far {
    struct nr_session *s;
    uint64_t start;
};

static uint64_t recv_done(void *arg)
{
    const struct recv_so_far *f = arg;
    struct nr_sess_stats st;
    nr_sess_stats(f->s, &st);
    return st.bytes_in - f->start;
}

/* --all: everything until the peer closes; the timeout is an idle timeout.
 * A long one shows a progress line (bytes, rate) at the prompt. */
static int recv_all(struct shell *sh, struct nr_session *s, struct recv_opts *o)
{
    struct sh_progress p = { .sh = sh, .what = "received", .bytes = true, .done = recv_done };
    struct recv_so_far f = { s, 0 };
    struct nr_sess_stats st;
    nr_sess_stats(s, &st);
    f.start = st.bytes_in - nr_sess_buffered(s);
    p.arg = &f;
    sh_progress_start(&p);
    int rc = recv_all_wait(sh, s, o, &p);
    sh_progress_end(&p);
    return rc;
}

static int recv_stream(struct shell *sh, struct nr_session *s, struct recv_opts *o)
{
    if (o->all)
        return recv_all(sh, s, o);
    struct until_wait w = { s, o };
    enum nr_wait r = sh_wait(sh, stream_ready, &w, nr_now_us() + o->timeout);
    size_t n = nr_sess_buffered(s);
    int id = nr_sess_id(s), e = nr_sess_error(s);
    if (o->until) {
        n = until_end(s, o);
        if (!n && !stream_ended(s) && nr_sess_buffered(s) >= NR_SESS_BUFMAX)
            return cmd_error(sh, "[%d] --until text not found in %zu buffered %s",
                             id, nr_sess_buffered(s),
                             nr_plural(nr_sess_buffered(s), "byte", "bytes"));
        if (!n && r != NR_WAIT_DONE)
            return recv_fail(sh, s, r, o->timeout);
        if (!n)
            n = nr_sess_buffered(s);   /* the stream ended first: show what there is */
    }
    if (o->max > 0 && n > (size_t)o->max)
        n = (size_t)o->max;
    if (n)
        show_chunk(sh, s, o, n);
    if (e && !nr_sess_buffered(s))
        return cmd_error(sh, "[%d] %s", id, nr_sess_strerror(s));
    if (stream_ended(s) && !e)
        show_eof(sh, s);   /* with what is still buffered (--max, --until) */
    if (!n && !stream_ended(s))
        return recv_fail(sh, s, r, o->timeout);
    return CMD_OK;
}

static bool dgram_ready(void *arg)
{
    const struct nr_session *s = arg;
    return nr_sess_dgram_count(s) > 0 || nr_sess_error(s);
}

static void show_dgram(struct shell *sh, struct nr_session *s, struct recv_opts *o,
                       const struct nr_dgram *d)
{
    char a[NR_ADDRSTRLEN];
    out_begin(sh, "datagram");
    out_int(sh, "id", NULL, nr_sess_id(s));
    out_str(sh, "from", "from %s", sess_addr(&d->from, d->fromlen, a, sizeof a));
    out_uint(sh, "bytes", ", %llu ", d->len);
    out_text(sh, "%s:\n", nr_plural(d->len, "byte", "bytes"));
    o->shown = 0;
    show_bytes(sh, o, d->data, d->len);
    out_end(sh);
}

static int recv_dgram(struct shell *sh, struct nr_session *s, struct recv_opts *o)
{
    enum nr_wait r = sh_wait(sh, dgram_ready, s, nr_now_us() + o->timeout);
    if (!nr_sess_dgram_count(s) && nr_sess_error(s)) {
        int e = nr_sess_take_error(s);   /* ICMP errors on UDP are reported once */
        return cmd_error(sh, "[%d] %s", nr_sess_id(s), nr_sock_strerror(e));
    }
    if (!nr_sess_dgram_count(s))
        return recv_fail(sh, s, r, o->timeout);
    for (long long i = 0; nr_sess_dgram_count(s) && (o->max <= 0 || i < o->max); i++) {
        struct nr_dgram *d = nr_sess_dgram_pop(s);
        if (nr_sess_is_raw(s))
            raw_show_dgram(sh, s, d, o->hex, o->ip, o->raw);
        else
            show_dgram(sh, s, o, d);
        free(d);
    }
    return CMD_OK;
}

static int recv_run(struct shell *sh, const struct cmd_call *c)
{
    struct recv_opts o = *(const struct recv_opts *)c->opts;
    struct nr_session *s = c->s;
    if (nr_sess_role_of(s) == NR_ROLE_LISTEN && nr_sess_is_stream(s))
        return cmd_error(sh, "[%d] is a listener: 'accept' its connections, recv on those",
                         nr_sess_id(s));
    if (o.ip && !nr_sess_is_raw(s))
        return cmd_error(sh, "--ip is for raw IP sessions (ip4:PROTO, ip6:PROTO); [%d] is %s",
                         nr_sess_id(s), nr_sess_proto(s));
    if (o.until && !*o.until)
        return cmd_usage(sh, "--until needs a non-empty text");
    o.until_len = o.until ? strlen(o.until) : 0;
    /* Take in what has already arrived, so what recv shows does not depend
     * on whether the loop ran since the last command; muted first, as what
     * arrives now is shown by recv itself, not announced. */
    sh_mute(sh, nr_sess_id(s));
    nr_loop_run_once(sh->loop, 0);
    if (o.timeout < 0)
        o.timeout = nr_sess_timeout(s);
    int r = nr_sess_is_stream(s) ? recv_stream(sh, s, &o) : recv_dgram(sh, s, &o);
    sh_mute(sh, 0);
    return r;
}

static const struct recv_opts recv_defaults = { .timeout = -1 };

static const struct nr_opt recv_options[] = {
    { "--timeout", NULL, OPT_SECONDS, offsetof(struct recv_opts, timeout), 0, 86400, "S",
      "wait at most S seconds (default: the session's timeout, 5 s)", NULL, 0, 0 },
    { "--max", NULL, OPT_INT, offsetof(struct recv_opts, max), 1, 1 << 30, "N",
      "at most N bytes (UDP: at most N datagrams)", NULL, 0, 0 },
    { "--until", NULL, OPT_STR, offsetof(struct recv_opts, until), 0, 0, "TEXT",
      "up to and including TEXT (the rest stays buffered)", NULL, 1, OPTF_STREAM },
    { "--all", NULL, OPT_FLAG, offsetof(struct recv_opts, all), 0, 0, NULL,
      "until the peer closes (the timeout then counts idle time)", NULL, 1, OPTF_STREAM },
    { "--hex", NULL, OPT_FLAG, offsetof(struct recv_opts, hex), 0, 0, NULL,
      "a hexdump", NULL, 0, 0 },
    { "--raw", NULL, OPT_FLAG, offsetof(struct recv_opts, raw), 0, 0, NULL,
      "the bytes as they are, escapes and all (unsafe on a terminal)", NULL, 0, 0 },
    { "--ip", NULL, OPT_FLAG, offsetof(struct recv_opts, ip), 0, 0, NULL,
      "raw IP sessions: decode the IPv4 header (and ICMP), then the bytes after it",
      NULL, 0, OPTF_DGRAM },
    OPT_END,
};

const struct nr_cmd cmd_recv = {
    .name = "recv",
    .summary = "show data received on a session, waiting for some if none",
    .help =
    "Shows the bytes buffered on the session (default: the current one), waiting\n"
    "up to the timeout (default 5 s, see 'set ID timeout') when there are none.\n"
    "Control bytes and terminal escapes from the peer are shown escaped (\\r,\n"
    "\\x1b, a backslash as \\\\; C1, bidi and invisible characters byte by byte,\n"
    "\\xe2\\x80\\xae). UDP: each datagram with its source. Raw IP (ip4:PROTO):\n"
    "each datagram with its source and its IPv4 header (--ip decodes it, and an\n"
    "ICMP header; ip6: the payload only). When the peer has\n"
    "closed, recv says so, and how much is still buffered.\n"
    "Example: recv --until \"\\r\\n\\r\\n\"\n"
    "Example: recv 2 --all --timeout 10\n",
    .opts = recv_options,
    .opts_size = sizeof(struct recv_opts),
    .opts_init = &recv_defaults,
    .flags = CMD_ID | CMD_SESSION,
    .run = recv_run,
};
