/* cmds/send — send [ID] DATA...: exactly the bytes given on a session (or
 * one datagram with --to), waiting until the socket takes them. */
#include "cmds/sess.h"
#include "lib/escape.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


enum { MAX_FILE = 1 << 30 };

static int read_file(struct shell *sh, const char *path, struct nr_buf *b)
{
    int fd = sh_open_regular(sh, "--file ", path);
    if (fd < 0)
        return -1;
    char buf[65536];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR)) {
        if (n < 0)
            continue;
        if (b->len + (size_t)n > MAX_FILE || nr_buf_add(b, buf, (size_t)n) < 0) {
            close(fd);
            return cmd_error(sh, "--file %s: too large to send (at most 1 GiB)", path), -1;
        }
    }
    int e = errno;
    close(fd);
    if (n < 0)
        return cmd_error(sh, "--file %s: %s", path, strerror(e)), -1;
    return 0;
}

struct send_opts {
    const char *hex, *file, *to;
    bool nl, crlf;
    int64_t timeout;
};

/* The bytes to send: words joined by blanks, then --hex, --file, line end. */
static int send_data(struct shell *sh, const struct send_opts *o, const char *const *w,
                     const size_t *wl, int nw, struct nr_buf *b)
{
    char err[NR_ERRLEN];
    for (int i = 0; i < nw; i++) {
        if ((i && nr_buf_add(b, " ", 1) < 0) || nr_buf_add(b, w[i], wl[i]) < 0)
            return cmd_error(sh, "out of memory"), -1;
    }
    if (o->hex && nr_hex_decode(o->hex, b, err, sizeof err) < 0)
        return cmd_error(sh, "--hex %s: %s", o->hex, err), -1;
    if (o->file && read_file(sh, o->file, b) < 0)
        return -1;
    if ((o->crlf && nr_buf_add(b, "\r\n", 2) < 0) || (o->nl && nr_buf_add(b, "\n", 1) < 0))
        return cmd_error(sh, "out of memory"), -1;
    return 0;
}

static bool flushed(void *arg)
{
    return nr_sess_flushed(arg);
}

static int send_to(struct shell *sh, struct nr_session *s, const struct send_opts *o,
                   const struct nr_buf *b)
{
    struct sess_addrs ad;
    char err[NR_ERRLEN], a[NR_ADDRSTRLEN];
    int id = nr_sess_id(s), fam = nr_sess_local(s)->ss_family;
    if (nr_sess_is_stream(s))
        return cmd_error(sh, "--to is for UDP sockets ([%d] is %s)", id, nr_sess_proto(s));
    struct nr_net net = *nr_sess_net(s);
    net.family = fam == AF_INET6 && net.family == AF_UNSPEC ? AF_UNSPEC : fam;
    if (sess_resolve(sh, &net, o->to, false, nr_now_us() + nr_sess_timeout(s), &ad) < 0)
        return CMD_FAIL;
    if (nr_sess_sendto(s, b->p, b->len, (struct sockaddr *)&ad.ss[0], ad.len[0],
                       err, sizeof err) < 0)
        return cmd_error(sh, "[%d] to %s: %s", id, o->to, err);
    out_begin(sh, "send");
    out_int(sh, "id", "[%lld] ", id);
    out_uint(sh, "bytes", "sent %llu ", b->len);
    out_text(sh, "%s", b->len == 1 ? "byte" : "bytes");
    out_str(sh, "to", " to %s\n", sess_addr(&ad.ss[0], ad.len[0], a, sizeof a));
    out_end(sh);
    return CMD_OK;
}

static int send_on(struct shell *sh, struct nr_session *s, const struct send_opts *o,
                   const struct nr_buf *b)
{
    char err[NR_ERRLEN];
    int id = nr_sess_id(s);
    if (nr_sess_send(s, b->p, b->len, err, sizeof err) < 0)
        return cmd_error(sh, "[%d] %s", id, err);
    int64_t t = o->timeout >= 0 ? o->timeout : nr_sess_timeout(s), t0 = nr_now_us();
    enum nr_wait w = nr_sess_flushed(s) ? NR_WAIT_DONE : sh_wait(sh, flushed, s, t0 + t);
    if (nr_sess_error(s) && nr_sess_is_stream(s))
        return cmd_error(sh, "[%d] %s", id, nr_sock_strerror(nr_sess_error(s)));
    /* The bytes stay queued and go out as the peer reads: say so, so a
     * failure is not mistaken for bytes lost. */
    if (w != NR_WAIT_DONE)
        return cmd_error(sh, "[%d] %s %g s with %zu of %zu %s still queued: they are still "
                         "sent as the peer reads ('close %d' drops them)", id,
                         w == NR_WAIT_INTR ? "interrupted after" : "timed out after",
                         (double)(w == NR_WAIT_INTR ? nr_now_us() - t0 : t) / 1e6,
                         nr_sess_queued_out(s), b->len, nr_plural(b->len, "byte", "bytes"), id);
    out_begin(sh, "send");
    out_int(sh, "id", "[%lld] ", id);
    out_uint(sh, "bytes", "sent %llu ", b->len);
    out_text(sh, "%s\n", b->len == 1 ? "byte" : "bytes");
    out_end(sh);
    return CMD_OK;
}

/* A leading number is the session id when more follows (send 2 hello), or
 * when it is all there is besides a data option (send 2 --hex 41). */
static bool send_id_first(const struct shell *sh, const struct cmd_call *c)
{
    const struct send_opts *o = c->opts;
    return c->npos > 1 || o->hex || o->file || (!sh->current && (o->nl || o->crlf));
}

static int send_run(struct shell *sh, const struct cmd_call *c)
{
    const struct send_opts *o = c->opts;
    if (c->npos == 0 && !o->hex && !o->file && !o->nl && !o->crlf)
        return cmd_usage(sh, "nothing to send");
    struct nr_session *s = c->s;
    struct nr_buf b = { 0 };
    int r = CMD_FAIL;
    if (send_data(sh, o, c->pos, c->poslen, c->npos, &b) == 0) {
        if (!b.p)
            nr_buf_add(&b, "", 0);
        r = o->to ? send_to(sh, s, o, &b) : send_on(sh, s, o, &b);
    }
    nr_buf_free(&b);
    return r;
}

static const struct send_opts send_defaults = { .timeout = -1 };

static const struct nr_opt send_options[] = {
    { "--hex", NULL, OPT_STR, offsetof(struct send_opts, hex), 0, 0, "HEX",
      "then these bytes, in hex (blanks and colons allowed: 'de ad be ef')", NULL, 0, 0 },
    { "--file", NULL, OPT_PATH, offsetof(struct send_opts, file), 0, 0, "PATH",
      "then the contents of this file (a regular file)", NULL, 0, 0 },
    { "--to", NULL, OPT_STR, offsetof(struct send_opts, to), 0, 0, "ADDR",
      "one datagram to ADDR (WriteTo; UDP listeners and sockets)", NULL, 0, OPTF_DGRAM },
    { "-l", "--line", OPT_FLAG, offsetof(struct send_opts, nl), 0, 0, NULL,
      "append \\n", NULL, 0, 0 },
    { "--crlf", NULL, OPT_FLAG, offsetof(struct send_opts, crlf), 0, 0, NULL,
      "append \\r\\n", NULL, 0, 0 },
    { "--timeout", NULL, OPT_SECONDS, offsetof(struct send_opts, timeout), 0, 86400, "S",
      "wait at most S for a slow peer to take the bytes", NULL, 0, 0 },
    OPT_END,
};

static const struct nr_pos send_pos[] = {
    { "DATA", POS_WORD, NULL, POS_REPEAT },
    POS_END,
};

const struct nr_cmd cmd_send = {
    .name = "send",
    .summary = "send bytes on a session (default: the current one)",
    .help =
    "Sends exactly the bytes given: the words joined by blanks with escapes\n"
    "decoded (\"\\r\\n\", \"\\x00\"), then --hex bytes, then the --file contents,\n"
    "then the line end of -l or --crlf.\n"
    "A leading number is the session id when more follows: send 2 hello.\n"
    "Prints the byte count.\n"
    "Example: send \"GET / HTTP/1.0\\r\\n\\r\\n\"\n"
    "Example: send 3 --hex 'de ad be ef'\n",
    .pos = send_pos,
    .opts = send_options,
    .opts_size = sizeof(struct send_opts),
    .opts_init = &send_defaults,
    .flags = CMD_ID | CMD_SESSION | CMD_ARITY_SELF,
    .run = send_run,
    .id_first = send_id_first,
};

