/* cmds/send — send [ID] DATA...: exactly the bytes given on a session (or
 * one datagram with --to), waiting until the socket takes them. */
#include "cmds/sess.h"
#include "lib/escape.h"
#include "lib/iphdr.h"
#include "shell/pics.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
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
    bool nl, crlf, icmp_sum, hdrincl;
    int64_t timeout;
};

/* --icmp-checksum: fills the RFC 1071 checksum into the ICMP message (after
 * the IPv4 header with --hdrincl, whose protocol must then be ICMP). Only on
 * ICMP sessions: elsewhere bytes 2-3 are something else (a UDP port). On
 * ip6:ipv6-icmp it is left alone: the checksum covers the IPv6 pseudo-header,
 * which the kernel fills in. *sum gets the checksum, -1 for ICMPv6.
 * Returns 0 or -1 after the error. */
static int icmp_sum(struct shell *sh, const struct nr_session *s, const struct send_opts *o,
                    struct nr_buf *b, int *sum)
{
    const struct nr_net *net = nr_sess_net(s);
    size_t off = 0;
    *sum = -1;
    bool v6 = net->family == AF_INET6;
    if (!nr_net_is_raw(net) || (v6 && net->proto != IPPROTO_ICMPV6) ||
        (!v6 && !o->hdrincl && net->proto != IPPROTO_ICMP))
        return cmd_error(sh, "--icmp-checksum is for ICMP sessions (ip4:icmp, ip6:ipv6-icmp); "
                         "[%d] is %s", nr_sess_id(s), nr_sess_proto(s)), -1;
    if (v6)
        return 0;
    if (o->hdrincl) {
        struct nr_ip4hdr h;
        int n = nr_ip4_parse(b->p, b->len, &h);
        if (n < 0)
            return cmd_error(sh, "--icmp-checksum: the data does not start with an IPv4 "
                             "header (--hdrincl)"), -1;
        if (h.proto != IPPROTO_ICMP)
            return cmd_error(sh, "--icmp-checksum: the IPv4 header you wrote says protocol "
                             "%u, not 1 (icmp)", h.proto), -1;
        off = (size_t)n;
    }
    if ((*sum = nr_icmp_fill_checksum(b->p + off, b->len - off)) < 0)
        return cmd_error(sh, "--icmp-checksum: %zu bytes cannot hold an ICMP header (type, "
                         "code, checksum: at least 4)", b->len - off), -1;
    return 0;
}

/* The aside after "sent N bytes" for --icmp-checksum. */
static void sum_aside(struct shell *sh, int sum)
{
    if (sum < 0) {
        out_bool(sh, "kernel_checksum", NULL, true);
        out_text(sh, " (ICMPv6: the kernel computes the checksum over the IPv6 "
                 "pseudo-header; bytes 2-3 are replaced)");
        return;
    }
    out_uint(sh, "icmp_checksum", " (checksum 0x%04llx filled in at bytes 2-3)",
             (unsigned long long)sum);
}

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
                   const struct nr_buf *b, int sum)
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
    int r = o->hdrincl ? nr_sess_send_hdrincl(s, b->p, b->len, (struct sockaddr *)&ad.ss[0],
                                              ad.len[0], err, sizeof err)
                       : nr_sess_sendto(s, b->p, b->len, (struct sockaddr *)&ad.ss[0],
                                        ad.len[0], err, sizeof err);
    if (r < 0)
        return cmd_error(sh, "[%d] to %s: %s", id, o->to, err);
    out_begin(sh, "send");
    out_int(sh, "id", "[%lld] ", id);
    out_uint(sh, "bytes", "sent %llu ", b->len);
    out_text(sh, "%s", b->len == 1 ? "byte" : "bytes");
    out_str(sh, "to", " to %s", sess_addr_of(s, &ad.ss[0], ad.len[0], a, sizeof a));
    if (o->icmp_sum)
        sum_aside(sh, sum);
    out_text(sh, "\n");
    out_end(sh);
    return CMD_OK;
}

struct sent_so_far {
    struct nr_session *s;
    size_t total;
};

static uint64_t sent_done(void *arg)
{
    const struct sent_so_far *f = arg;
    size_t q = nr_sess_queued_out(f->s);
    return q < f->total ? f->total - q : 0;
}

/* Waits until every byte went to the socket; a long --file shows progress. */
static enum nr_wait send_wait(struct shell *sh, struct nr_session *s, const struct send_opts *o,
                              size_t total, int64_t until)
{
    if (nr_sess_flushed(s))
        return NR_WAIT_DONE;
    struct sent_so_far f = { s, total };
    struct sh_progress p = { .sh = sh, .what = "sent", .bytes = true, .total = total,
                             .done = sent_done, .arg = &f };
    if (o->file)
        sh_progress_start(&p);
    enum nr_wait w = sh_wait(sh, flushed, s, until);
    sh_progress_end(&p);
    return w;
}

static int send_on(struct shell *sh, struct nr_session *s, const struct send_opts *o,
                   const struct nr_buf *b, int sum)
{
    char err[NR_ERRLEN];
    int id = nr_sess_id(s);
    int r = o->hdrincl ? nr_sess_send_hdrincl(s, b->p, b->len, NULL, 0, err, sizeof err)
                       : nr_sess_send(s, b->p, b->len, err, sizeof err);
    if (r < 0)
        return cmd_error(sh, "[%d] %s", id, err);
    int64_t t = o->timeout >= 0 ? o->timeout : nr_sess_timeout(s), t0 = nr_now_us();
    enum nr_wait w = send_wait(sh, s, o, b->len, t0 + t);
    if (nr_sess_error(s) && nr_sess_is_stream(s))
        return cmd_error(sh, "[%d] %s", id, nr_sess_strerror(s));
    /* The bytes stay queued and go out as the peer reads: say so, so a
     * failure is not mistaken for bytes lost. */
    if (w != NR_WAIT_DONE) {
        /* The queue is in order: this send's bytes are its last ones. */
        size_t q = nr_sess_queued_out(s), mine = q < b->len ? q : b->len;
        char earlier[64] = "";
        if (q > mine)
            snprintf(earlier, sizeof earlier, " (and %zu from earlier sends)", q - mine);
        return cmd_error(sh, "[%d] %s %g s with %zu of %zu %s still queued%s: they are still "
                         "sent as the peer reads ('close %d' drops them)", id,
                         w == NR_WAIT_INTR ? "interrupted after" : "timed out after",
                         (double)(w == NR_WAIT_INTR ? nr_now_us() - t0 : t) / 1e6,
                         mine, b->len, nr_plural(b->len, "byte", "bytes"), earlier, id);
    }
    out_begin(sh, "send");
    out_int(sh, "id", "[%lld] ", id);
    out_uint(sh, "bytes", "sent %llu ", b->len);
    out_text(sh, "%s", b->len == 1 ? "byte" : "bytes");
    if (o->icmp_sum)
        sum_aside(sh, sum);
    out_text(sh, "\n");
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
        int sum = -1;
        if (!o->icmp_sum || icmp_sum(sh, s, o, &b, &sum) == 0)
            r = o->to ? send_to(sh, s, o, &b, sum) : send_on(sh, s, o, &b, sum);
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
    { "--icmp-checksum", NULL, OPT_FLAG, offsetof(struct send_opts, icmp_sum), 0, 0, NULL,
      "ICMP sessions: fill in the checksum at bytes 2-3 (RFC 1071; ICMPv6: the kernel)",
      NULL, 0, 0 },
    { "--hdrincl", NULL, OPT_FLAG, offsetof(struct send_opts, hdrincl), 0, 0, NULL,
      "ip4:PROTO: the data starts with the whole IPv4 header (IP_HDRINCL)", NULL, 0,
      OPTF_DGRAM },
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
    "Raw IP sessions (dial ip4:icmp HOST): the data is the payload, e.g. an ICMP\n"
    "message you built; --icmp-checksum fills its checksum in (ip4:icmp, or\n"
    "after a --hdrincl header of protocol 1; on ip6:ipv6-icmp the kernel\n"
    "computes it); --hdrincl (ip4) sends a whole IPv4 header you wrote.\n"
    "Example: send \"GET / HTTP/1.0\\r\\n\\r\\n\"\n"
    "Example: send 3 --hex 'de ad be ef'\n"
    "Example: send --hex '0800 0000 000d 0025' --icmp-checksum\n",
    .pos = send_pos,
    .opts = send_options,
    .opts_size = sizeof(struct send_opts),
    .opts_init = &send_defaults,
    .flags = CMD_ID | CMD_SESSION | CMD_ARITY_SELF,
    .run = send_run,
    .id_first = send_id_first,
};

