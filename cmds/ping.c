/* cmds/ping — ICMP/ICMPv6 echo, iputils style: resolve HOST, open an ICMP
 * socket (datagram or raw, lib/icmp), run the echo session (lib/ping) on the
 * loop, print a line per reply and the statistics. All formatting is here. */
#include "shell/shell.h"
#include "lib/capture.h"
#include "lib/dns.h"
#include "lib/escape.h"
#include "lib/ping.h"
#include "shell/pics.h"
#include "shell/resolve.h"

#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_ARGS = 64 };

struct ping_req {
    const char *host;
    int family;          /* AF_UNSPEC, or AF_INET / AF_INET6 from -4 / -6 */
    long long count, size, ttl;
    int64_t interval_us, wait_us;
    bool plot;
    long long id, seq;      /* -1: not given */
    struct nr_buf payload;  /* --payload (len 0 and payload_set false: none) */
    bool payload_set;
    bool capture;           /* --capture: the echoes on the wire, line by line */
};

/* What on_event prints with: the shell, and the capture (or NULL). */
struct ping_view;
struct ping_ctx {
    struct shell *sh;
    struct nr_capture *cap;
    struct ping_view *v;   /* the rtt pictures */
};

/* --payload: hex digits (blanks and colons allowed) are bytes in hex,
 * anything else the text as given (escapes already decoded). */
static int parse_payload(struct shell *sh, const char *w, struct ping_req *q)
{
    char err[NR_ERRLEN];
    bool hex = *w != 0;
    for (const char *c = w; *c && hex; c++)
        hex = isxdigit((unsigned char)*c) || *c == ' ' || *c == ':';
    q->payload_set = true;
    if (!hex || nr_hex_decode(w, &q->payload, err, sizeof err) < 0) {
        q->payload.len = 0;
        if (nr_buf_add(&q->payload, w, strlen(w)) < 0)
            return cmd_error(sh, "--payload: out of memory");
    }
    if (q->payload.len > NR_ICMP_MAXDATA)
        return cmd_error(sh, "--payload: %zu bytes, at most %d", q->payload.len,
                         NR_ICMP_MAXDATA);
    return CMD_OK;
}

/* HOST to one address: literals directly, names through the resolver (its
 * first choice, as iputils). */
static int resolve(struct shell *sh, const struct ping_req *q, struct nr_ip *ip)
{
    if (nr_ip_parse(q->host, ip, true) == 0) {
        if (!nr_ip_fits(ip, q->family))
            return cmd_error(sh, "%s: not an IPv%d address", q->host, q->family == AF_INET ? 4 : 6);
        return CMD_OK;
    }
    struct sh_answer ans;
    if (sh_resolve(sh, q->host, q->family, -1, &ans) < 0)
        return CMD_FAIL;
    if (ans.wait == NR_WAIT_INTR)
        return cmd_error(sh, "%s: interrupted", q->host);
    int status = ans.wait == NR_WAIT_DONE ? ans.status : ARES_ETIMEOUT;
    if (status == ARES_SUCCESS && ans.addrs->n > 0)
        *ip = ans.addrs->ip[0];
    else if (status == ARES_SUCCESS)
        status = ARES_ENODATA;
    nr_addrs_free(ans.addrs);
    char msg[768];
    if (status != ARES_SUCCESS)
        return cmd_error(sh, "%s: %s", q->host,
                         nr_dns_resolve_error(sh->dns, q->host, q->family, status, msg, sizeof msg));
    return CMD_OK;
}

struct ping_opts {
    long long count, size, ttl;
    int64_t interval_us, wait_us;
    bool v4, v6, plot, capture;
    long long id, seq;
    const char *payload;
};

static int parse_req(struct shell *sh, const struct cmd_call *c, struct ping_req *q)
{
    const struct ping_opts *o = c->opts;
    memset(q, 0, sizeof *q);
    q->family = o->v4 ? AF_INET : o->v6 ? AF_INET6 : AF_UNSPEC;
    q->count = cmd_given(c, "-c") ? o->count : sh->interactive ? 0 : 4;   /* a prompt pings until Ctrl-C */
    q->size = o->size;
    q->ttl = o->ttl;
    q->interval_us = o->interval_us;
    q->wait_us = o->wait_us;
    q->plot = o->plot;
    q->capture = o->capture;
    q->id = cmd_given(c, "--id") ? o->id : -1;
    q->seq = cmd_given(c, "--seq") ? o->seq : -1;
    if (o->payload && parse_payload(sh, o->payload, q) != CMD_OK)
        return CMD_FAIL;
    if (o->payload)
        q->size = (long long)q->payload.len;
    q->host = c->pos[0];
    if (c->poslen[0] == 0)
        return cmd_error(sh, "empty host name");
    if (strlen(q->host) != c->poslen[0])
        return cmd_error(sh, "host name contains a NUL byte");
    return CMD_OK;
}

/* ---- the RTT pictures: one rtt per echo, the live line, the plot ---- */

enum { VIEW_MAX = 1 << 20 };   /* echoes remembered for the pictures */

struct ping_view {
    struct shell *sh;
    struct nr_ping *p;
    int64_t *rtt;          /* echo n at [n - 1]: µs, or -1 unanswered */
    size_t n, cap;         /* echoes known (the highest answered), room */
    bool live, shown;      /* the updating line at the prompt, and on screen */
    struct pic_style st;
};

/* The echo number a reply's sequence stands for: the latest one sent. */
static size_t echo_number(const struct ping_view *v, uint16_t seq)
{
    uint64_t sent = v->p ? (uint64_t)nr_ping_stats(v->p)->transmitted : seq;
    uint64_t n = (sent & ~(uint64_t)0xffff) | seq;
    if (n > sent && n >= 0x10000)
        n -= 0x10000;
    return (size_t)n;
}

static void view_add(struct ping_view *v, uint16_t seq, int64_t rtt)
{
    size_t n = echo_number(v, seq);
    if (n == 0 || n > VIEW_MAX)
        return;
    if (n > v->cap) {
        size_t cap = v->cap ? v->cap : 64;
        while (cap < n)
            cap *= 2;
        int64_t *r = realloc(v->rtt, cap * sizeof *r);
        if (!r)
            return;
        v->rtt = r;
        v->cap = cap;
    }
    for (; v->n < n; v->n++)
        v->rtt[v->n] = -1;
    if (v->rtt[n - 1] < 0)
        v->rtt[n - 1] = rtt;
}

static void clear_line(struct ping_view *v)
{
    if (!v->shown)
        return;
    int cols = pic_cols(1);
    printf("\r%*s\r", cols - 1, "");
    v->shown = false;
}

/* Clears the live line wherever it is: after Ctrl-C the shell ended the
 * line the terminal echoed ^C on, so it is one row up. A reply or packet
 * handled after Ctrl-C (in the same turn of the loop) clears it so too,
 * or the old line would stay on screen above the statistics. */
static void clear_live(struct ping_view *v)
{
    const char *term = getenv("TERM");
    if (v->shown && v->sh->interrupted && term && *term && strcmp(term, "dumb"))
        printf("\033[A");
    clear_line(v);
}

/* "rtt ▂▃▁█▂ 0.052 ms": the latest echoes that fit, the last rtt. */
static void draw_live(struct ping_view *v, int64_t last)
{
    int width = pic_cols(1) - 24;
    if (width < 5 || v->n == 0)
        return;
    size_t from = v->n > (size_t)width ? v->n - (size_t)width : 0;
    struct nr_buf b = { 0 };
    pic_spark(&b, v->rtt + from, v->n - from, false, v->st);
    printf("rtt %.*s %lld.%03lld ms", (int)b.len, b.p ? (char *)b.p : "",
           (long long)(last / 1000), (long long)(last % 1000));
    fflush(stdout);
    nr_buf_free(&b);
    v->shown = true;
}

static void on_packet(void *arg, const struct nr_pkt *p)
{
    struct ping_ctx *x = arg;
    clear_live(x->v);
    sh_packet_line(x->sh, 0, false, p);
}

static void on_event(void *arg, const struct nr_ping_event *ev)
{
    struct ping_ctx *x = arg;
    struct ping_view *v = x->v;
    struct shell *sh = x->sh;
    char from[NR_ADDRSTRLEN];
    clear_live(v);
    if (x->cap)
        nr_capture_drain(x->cap);   /* the request and the reply first, then what ping saw */
    if (ev->kind == NR_PING_SEND_ERROR) {
        out_begin(sh, "ping_error");
        out_int(sh, "icmp_seq", "icmp_seq=%lld", ev->seq);
        out_str(sh, "error", " send failed: %s\n", strerror(ev->err));
        out_end(sh);
        return;
    }
    out_begin(sh, "ping_reply");
    out_uint(sh, "bytes", "%llu bytes", ev->bytes);
    out_str(sh, "from", " from %s:", nr_ip_str(&ev->from, from, sizeof from));
    out_int(sh, "icmp_seq", " icmp_seq=%lld", ev->seq);
    if (ev->ttl >= 0)
        out_int(sh, "ttl", " ttl=%lld", ev->ttl);
    else
        out_null(sh, "ttl");
    out_double(sh, "time_ms", " time=%.3f ms", (double)ev->rtt_us / 1000.0);
    out_bool(sh, "dup", NULL, ev->dup);
    if (ev->dup)
        out_text(sh, " (DUP!)");
    out_text(sh, "\n");
    out_end(sh);
    if (!ev->dup)
        view_add(v, ev->seq, ev->rtt_us);
    if (v->live && !sh->interrupted)
        draw_live(v, ev->rtt_us);
}

static void print_start(struct shell *sh, const struct ping_req *q, const struct nr_ip *ip,
                        const struct nr_icmp_sock *so)
{
    char addr[NR_ADDRSTRLEN];
    out_begin(sh, "ping_start");
    out_str(sh, "host", "PING %s", q->host);
    out_str(sh, "address", " (%s)", nr_ip_str(ip, addr, sizeof addr));
    if (so->family == AF_INET)
        out_text(sh, " %lld(%lld) bytes of data", q->size, q->size + 28);
    else
        out_text(sh, " %lld data bytes", q->size);
    out_int(sh, "size", NULL, q->size);
    out_str(sh, "socket", ", %s socket\n", nr_icmp_kind_str(so->kind));
    out_int(sh, "id", NULL, so->id);
    out_end(sh);
}

/* A count in the text summary only when non-zero (as iputils), always in
 * JSON: ", +3 duplicates" (plus) or ", 2 late". */
static void extra(struct shell *sh, const char *key, const char *plus, long v, const char *what)
{
    out_int(sh, key, NULL, v);
    if (v)
        out_text(sh, ", %s%ld %s", plus, v, what);
}

static void print_ms(struct shell *sh, const char *key, const char *sep, int64_t us)
{
    out_double(sh, key, NULL, (double)us / 1000.0);
    out_text(sh, "%s%lld.%03lld", sep, (long long)(us / 1000), (long long)(us % 1000));
}

static void print_stats(struct shell *sh, const char *host, const struct nr_ping_stats *st)
{
    out_begin(sh, "ping_stats");
    out_str(sh, "host", "\n--- %s ping statistics ---\n", host);
    out_int(sh, "transmitted", "%lld packets transmitted", st->transmitted);
    out_int(sh, "received", ", %lld received", st->received);
    extra(sh, "duplicates", "+", st->dups, "duplicates");
    extra(sh, "corrupted", "+", st->corrupted, "corrupted");
    extra(sh, "errors", "+", st->errors, "errors");
    extra(sh, "out_of_order", "", st->reordered, "out of order");
    extra(sh, "late", "", st->late, "late");
    out_int(sh, "ignored", NULL, st->ignored);
    out_double(sh, "loss_percent", ", %g%% packet loss", nr_ping_loss(st));
    out_int(sh, "time_ms", ", time %lldms\n", (nr_now_us() - st->start_us) / 1000);
    if (st->received + st->dups > 0) {
        int64_t avg, mdev;
        nr_ping_rtt(st, &avg, &mdev);
        print_ms(sh, "rtt_min_ms", "rtt min/avg/max/mdev = ", st->tmin);
        print_ms(sh, "rtt_avg_ms", "/", avg);
        print_ms(sh, "rtt_max_ms", "/", st->tmax);
        print_ms(sh, "rtt_mdev_ms", "/", mdev);
        out_text(sh, " ms\n");
    }
    out_end(sh);
}

/* The sparkline of every echo (the latest that fit) with lost ones marked,
 * then how many rtts fell in each fixed log-scaled bucket (1-2-5 edges), from
 * the first bucket used to the last, and the lost count. Text only. */
static void print_plot(struct shell *sh, const struct ping_view *v, long transmitted)
{
    int cols = pic_cols(1);
    size_t n = (size_t)transmitted < VIEW_MAX ? (size_t)transmitted : v->n;
    int64_t *all = calloc(n ? n : 1, sizeof *all);
    if (!all)
        return;
    long count[PIC_NBUCKETS] = { 0 }, lost = 0, most = 0;
    for (size_t i = 0; i < n; i++) {
        all[i] = i < v->n ? v->rtt[i] : -1;
        if (all[i] < 0)
            lost++;
        else if (++count[pic_bucket(all[i])] > most)
            most = count[pic_bucket(all[i])];
    }
    most = lost > most ? lost : most;
    int width = cols - 24 > 40 ? 40 : cols - 24 < 8 ? 8 : cols - 24;
    /* "rtt  " and the samples in cols - 1; cut, "rtt  ..." and the latest. */
    size_t room = cols > 15 ? (size_t)(cols - 6) : 9;
    size_t from = n > room ? n - (room - 3) : 0;
    struct nr_buf b = { 0 };
    pic_spark(&b, all + from, n - from, false, v->st);
    out_text(sh, "rtt  %s%.*s\n", from ? "..." : "", (int)b.len, b.p ? (char *)b.p : "");
    int lo = PIC_NBUCKETS, hi = -1;
    for (int i = 0; i < PIC_NBUCKETS; i++)
        if (count[i]) {
            lo = i < lo ? i : lo;
            hi = i;
        }
    char label[32];
    for (int i = lo; i <= hi; i++) {
        b.len = 0;
        pic_bar(&b, (size_t)(count[i] * width / most), v->st);
        out_text(sh, "%12s |%.*s %ld\n", pic_bucket_label(i, label, sizeof label),
                 (int)b.len, b.p ? (char *)b.p : "", count[i]);
    }
    if (lost) {
        b.len = 0;
        for (long i = 0; i < lost * width / most; i++)
            nr_buf_add(&b, v->st.utf8 ? "×" : "x", v->st.utf8 ? 2 : 1);
        out_text(sh, "%12s |%.*s %ld\n", "lost", (int)b.len, b.p ? (char *)b.p : "", lost);
    }
    nr_buf_free(&b);
    free(all);
}

/* --id on a datagram ICMP socket: the kernel picks the identifier. */
static void print_id_note(struct shell *sh, const struct ping_req *q,
                          const struct nr_icmp_sock *so, bool kept)
{
    out_begin(sh, "ping_id");
    out_int(sh, "id", "identifier %lld", so->id);
    out_bool(sh, "id_as_given", NULL, kept);
    if (kept)
        out_text(sh, " (as given; raw socket)\n");
    else
        out_text(sh, " (not %lld: on a datagram ICMP socket the kernel picks the identifier; "
                 "--id needs a raw socket: root or CAP_NET_RAW)\n", q->id);
    out_end(sh);
}

/* --capture: the echoes of this ping (its identifier) on the interface
 * toward the host, each packet a line as it comes. */
static int start_capture(struct shell *sh, struct ping_ctx *x, const struct nr_icmp_sock *so,
                         const struct sockaddr_storage *to, socklen_t tolen)
{
    struct nr_cap_spec spec = { 0 };
    char err[NR_ERRLEN];
    enum nr_cap_status st;
    spec.proto = to->ss_family == AF_INET6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
    spec.icmp_id = so->id;
    spec.remote = *to;
    spec.remote_len = tolen;
    x->cap = nr_capture_open(sh->loop, &spec, NULL, on_packet, x, &st, err, sizeof err);
    if (!x->cap)
        return cmd_error(sh, "--capture: %s", st == NR_CAP_PERM ? SH_CAPTURE_PERM : err);
    return CMD_OK;
}

static void stop_capture(struct shell *sh, struct ping_ctx *x)
{
    nr_capture_drain(x->cap);   /* the last reply's packets, a late one */
    out_begin(sh, "capture_stop");
    out_uint(sh, "packets", "  (%llu ", nr_capture_seen(x->cap));
    out_text(sh, "%s captured, ", nr_plural(nr_capture_seen(x->cap), "packet", "packets"));
    out_uint(sh, "drops", "%llu dropped by the kernel)\n", nr_capture_drops(x->cap));
    out_end(sh);
    nr_capture_close(x->cap);
    x->cap = NULL;
}

static int run_echoes(struct shell *sh, const struct ping_req *q, const struct nr_ip *ip)
{
    char err[NR_ERRLEN];
    struct sockaddr_storage to;
    socklen_t tolen;
    struct nr_icmp_sock s;
    if (nr_ip_sockaddr(ip, 0, &to, &tolen, err, sizeof err) < 0)
        return cmd_error(sh, "%s: %s", q->host, err);
    bool id_kept = false;
    if ((q->id >= 0 ? nr_icmp_open_id(&s, to.ss_family, (int)q->ttl, (uint16_t)q->id, &id_kept,
                                      err, sizeof err)
                    : nr_icmp_open(&s, to.ss_family, (int)q->ttl, err, sizeof err)) < 0)
        return cmd_error(sh, "%s", err);
    struct ping_view v = { .sh = sh, .st = pic_style_out(sh) };
    v.live = sh->interactive && !sh->json && isatty(1);
    struct ping_ctx x = { sh, NULL, &v };
    if (q->capture && start_capture(sh, &x, &s, &to, tolen) != CMD_OK) {
        nr_icmp_close(&s);
        return CMD_FAIL;
    }
    print_start(sh, q, ip, &s);
    if (q->id >= 0)
        print_id_note(sh, q, &s, id_kept);
    struct nr_ping_opts o = { q->count, q->interval_us, q->wait_us, (size_t)q->size,
                              q->seq >= 0, (uint16_t)(q->seq >= 0 ? q->seq : 0),
                              q->payload_set ? q->payload.p : NULL };
    struct nr_ping *p = nr_ping_start(sh->loop, &s, (struct sockaddr *)&to, tolen, &o,
                                      on_event, &x, err, sizeof err);
    if (!p) {
        nr_capture_close(x.cap);
        return cmd_error(sh, "%s", err);
    }
    v.p = p;
    sh_wait(sh, nr_ping_done, p, nr_ping_deadline(p));
    nr_ping_stop(p);   /* Ctrl-C (or the safety deadline): the rest is lost */
    clear_live(&v);
    if (x.cap)
        stop_capture(sh, &x);
    const struct nr_ping_stats *st = nr_ping_stats(p);
    print_stats(sh, q->host, st);
    if ((v.live || q->plot) && !sh->json)
        print_plot(sh, &v, st->transmitted);
    long received = st->received;
    free(v.rtt);
    nr_ping_free(p);
    if (received == 0)
        return cmd_error(sh, "%s: 100%% packet loss", q->host);
    return CMD_OK;
}

static int ping_run(struct shell *sh, const struct cmd_call *c)
{
    struct ping_req q;
    struct nr_ip ip;
    if (parse_req(sh, c, &q) != CMD_OK || resolve(sh, &q, &ip) != CMD_OK) {
        nr_buf_free(&q.payload);
        return CMD_FAIL;
    }
    nr_ip_unmap(&ip);   /* ::ffff:a.b.c.d is an IPv4 host */
    int r = run_echoes(sh, &q, &ip);
    nr_buf_free(&q.payload);
    return r;
}

static const struct ping_opts ping_defaults = {
    .size = 56, .interval_us = 1000000, .wait_us = 2000000,
};

static const struct nr_opt ping_options[] = {
    { "-c", NULL, OPT_INT, offsetof(struct ping_opts, count), 1, 1000000, "N",
      "send N requests (default 4 in scripts; at the prompt until Ctrl-C)", NULL, 0, 0 },
    { "-i", NULL, OPT_SECONDS, offsetof(struct ping_opts, interval_us), 0.002, 3600, "S",
      "seconds between requests (default 1, at least 0.002)", NULL, 0, 0 },
    { "-s", NULL, OPT_INT, offsetof(struct ping_opts, size), 0, NR_ICMP_MAXDATA, "SIZE",
      "payload bytes (default 56; the first 8 carry the send time)", NULL, 2, 0 },
    { "-t", NULL, OPT_INT, offsetof(struct ping_opts, ttl), 1, 255, "TTL",
      "time to live / hop limit of the requests", NULL, 0, 0 },
    { "-W", NULL, OPT_SECONDS, offsetof(struct ping_opts, wait_us), 0.001, 3600, "S",
      "seconds to wait for each reply (default 2); later is lost", NULL, 0, 0 },
    { "--plot", NULL, OPT_FLAG, offsetof(struct ping_opts, plot), 0, 0, NULL,
      "draw the rtts after the statistics (always at the prompt)", NULL, 0, 0 },
    { "-4", NULL, OPT_FLAG, offsetof(struct ping_opts, v4), 0, 0, NULL,
      "resolve HOST to IPv4 only", NULL, 1, 0 },
    { "-6", NULL, OPT_FLAG, offsetof(struct ping_opts, v6), 0, 0, NULL,
      "resolve HOST to IPv6 only", NULL, 1, 0 },
    { "--id", NULL, OPT_INT, offsetof(struct ping_opts, id), 0, 65535, "N",
      "the identifier (needs a raw socket; a datagram socket's is the kernel's)", NULL, 0, 0 },
    { "--seq", NULL, OPT_INT, offsetof(struct ping_opts, seq), 0, 65535, "N",
      "the first sequence number (default 1; then N+1, ...)", NULL, 0, 0 },
    { "--payload", NULL, OPT_STR, offsetof(struct ping_opts, payload), 0, 0, "HEX|TEXT",
      "these payload bytes (hex digits: hex; else the text) instead of time and pattern",
      NULL, 2, 0 },
    { "--capture", NULL, OPT_FLAG, offsetof(struct ping_opts, capture), 0, 0, NULL,
      "show the echo requests and replies on the wire (needs CAP_NET_RAW)", NULL, 0, 0 },
    OPT_END,
};

static const struct nr_pos ping_pos[] = { { "HOST", POS_WORD, NULL, 0 }, POS_END };

const struct nr_cmd cmd_ping = {
    .name = "ping",
    .summary = "send ICMP echo requests and show the replies and statistics",
    .help =
    "Sends ICMP (IPv4) or ICMPv6 echo requests to HOST (a name or an address,\n"
    "fe80::1%eth0 included) and prints a line per reply, then iputils-style\n"
    "statistics: packets sent, received, duplicates, loss, and round-trip\n"
    "min/avg/max/mdev from the kernel's receive timestamps.\n"
    "Uses an unprivileged ICMP datagram socket when net.ipv4.ping_group_range\n"
    "includes your group, else a raw socket (root or CAP_NET_RAW). Fails when\n"
    "no reply came back (100% loss). Ctrl-C stops and prints the statistics.\n"
    "At the prompt a sparkline of the rtts updates on one line as replies come\n"
    "in, and the statistics end with the whole sparkline (lost echoes marked x)\n"
    "and a histogram of rtts in fixed log-scaled buckets (0.01, 0.02, 0.05,\n"
    "0.1 ms ... 2000 ms). --plot draws these in scripts too; --json never does.\n"
    "The echo the user chooses: --id N (on a raw socket; a datagram socket's\n"
    "identifier is picked by the kernel, and ping says so), --seq N (the first\n"
    "sequence number), --payload HEX|TEXT (instead of -s: hex digits, blanks and\n"
    "colons are bytes in hex, 'de ad be ef'; anything else the text as given; the\n"
    "round trip is then timed from the send).\n"
    "Example: ping -c 3 127.0.0.1\n"
    "Example: ping -6 -c 2 -i 0.2 localhost\n"
    "Example: ping -c 20 -i 0.05 --plot 127.0.0.1\n"
    "Example: ping -c 1 --id 13 --seq 37 --payload '' 127.0.0.1\n",
    .pos = ping_pos,
    .opts = ping_options,
    .opts_size = sizeof(struct ping_opts),
    .opts_init = &ping_defaults,
    .run = ping_run,
};
