/* shell/capture — the UI side of `capture`: one lib/capture handle per
 * captured session id (it outlives the session, so the FIN or RST of a
 * close is seen), packets held and printed with the trace records at
 * command boundaries (shell/trace.c), or above the prompt when idle: as
 * lines, or as a packet ladder (shell/ladder). Each id's packets are also
 * kept (up to LOG_MAX) for `ladder ID` after the fact. */
#include "shell/shell.h"
#include "shell/ladder.h"
#include "shell/pics.h"
#include "lib/capture.h"
#include "lib/addr.h"
#include "lib/session.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

enum {
    HELD_MAX = 65536,   /* packets waiting to be shown */
    LOG_MAX = 10000,    /* packets kept per session id for `ladder` */
    LOGS_MAX = 64,      /* session ids whose packets are kept */
};

struct cap_one {
    struct shell *sh;
    int id;
    struct nr_capture *c;
    bool time, ladder;
    long long count;          /* stop after this many packets (0: no limit) */
    uint64_t shown;
    bool done;                /* --count reached: stopped at the next boundary */
};

struct cap_rec {
    int id;
    bool time, ladder;
    struct nr_pkt p;
};

/* The packets of one session id, kept for `ladder`. */
struct cap_log {
    int id;
    struct nr_pkt *v;
    size_t n, cap;
    uint64_t over;            /* not kept: more than LOG_MAX */
};

struct sh_capture {
    struct cap_one *v[64];
    int n;
    struct cap_rec *held;
    size_t nheld, cap;
    uint64_t lost;
    struct cap_log logs[LOGS_MAX];   /* oldest first */
    int nlogs;
    struct ladder lad;        /* the ladder being drawn as packets come */
    int lad_id;               /* whose (0: none: the next row starts a head) */
};

static struct sh_capture *state(struct shell *sh)
{
    if (!sh->capture)
        sh->capture = calloc(1, sizeof *sh->capture);
    return sh->capture;
}

static int find(const struct sh_capture *t, int id)
{
    for (int i = 0; t && i < t->n; i++)
        if (t->v[i]->id == id)
            return i;
    return -1;
}

bool sh_captured(const struct shell *sh, int id)
{
    return find(sh->capture, id) >= 0;
}

static struct cap_log *log_find(struct sh_capture *t, int id)
{
    for (int i = 0; t && i < t->nlogs; i++)
        if (t->logs[i].id == id)
            return &t->logs[i];
    return NULL;
}

/* A fresh log for id (a capture started): the oldest goes when full. */
static void log_start(struct sh_capture *t, int id)
{
    struct cap_log *l = log_find(t, id);
    if (!l && t->nlogs == LOGS_MAX) {
        free(t->logs[0].v);
        memmove(t->logs, t->logs + 1, (LOGS_MAX - 1) * sizeof *t->logs);
        t->nlogs--;
    }
    if (l) {   /* the newest now */
        struct cap_log keep = *l;
        memmove(l, l + 1, (size_t)(t->logs + t->nlogs - (l + 1)) * sizeof *l);
        t->logs[t->nlogs - 1] = keep;
        l = &t->logs[t->nlogs - 1];
    } else {
        l = &t->logs[t->nlogs++];
        memset(l, 0, sizeof *l);
        l->id = id;
    }
    l->n = 0;
    l->over = 0;
}

/* The session id never was (a dial that failed gives its id back): its
 * packets must not pass for those of the next session to take the id. */
void sh_capture_forget(struct shell *sh, int id)
{
    struct sh_capture *t = sh->capture;
    struct cap_log *l = log_find(t, id);
    if (!l)
        return;
    free(l->v);
    memmove(l, l + 1, (size_t)(t->logs + t->nlogs - (l + 1)) * sizeof *l);
    t->nlogs--;
}

static void log_add(struct sh_capture *t, int id, const struct nr_pkt *p)
{
    struct cap_log *l = log_find(t, id);
    if (!l)
        return;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        if (cap > LOG_MAX)
            cap = LOG_MAX;   /* the last step stops at the limit, not at a power of 2 */
        struct nr_pkt *v = l->n < LOG_MAX ? realloc(l->v, cap * sizeof *v) : NULL;
        if (!v) {
            l->over++;
            return;
        }
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = *p;
}

static void on_pkt(void *arg, const struct nr_pkt *p)
{
    struct cap_one *o = arg;
    struct sh_capture *t = o->sh->capture;
    if (o->done)
        return;
    log_add(t, o->id, p);
    if (o->count && ++o->shown >= (uint64_t)o->count)
        o->done = true;
    if (t->nheld == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 64;
        struct cap_rec *v = cap <= HELD_MAX ? realloc(t->held, cap * sizeof *v) : NULL;
        if (!v) {
            t->lost++;
            return;
        }
        t->held = v;
        t->cap = cap;
    }
    t->held[t->nheld++] = (struct cap_rec){ o->id, o->time || o->sh->interactive, o->ladder, *p };
    sh_wire_kick(o->sh);
}

static const char *proto_name(int proto)
{
    switch (proto) {
    case IPPROTO_TCP: return "TCP";
    case IPPROTO_UDP: return "UDP";
    case IPPROTO_ICMP: return "ICMP";
    default: return "ICMPv6";
    }
}

static const char *ip_str(const struct sockaddr_storage *ss, char *buf, size_t n)
{
    const void *a = ss->ss_family == AF_INET
                  ? (const void *)&((const struct sockaddr_in *)ss)->sin_addr
                  : (const void *)&((const struct sockaddr_in6 *)ss)->sin6_addr;
    return inet_ntop(ss->ss_family, a, buf, (socklen_t)n) ? buf : "?";
}

/* Columns for a ladder: the terminal's, or 80 when output is not one. */
static int ladder_width(void)
{
    int w = sh_columns(1);
    return w > 0 ? w : 80;
}

/* The next row of the ladder being drawn (a head first when it is another
 * session's, or after lines of other kinds). */
static void ladder_row(struct shell *sh, const struct cap_rec *r)
{
    struct sh_capture *t = sh->capture;
    if (t->lad_id != r->id) {
        struct pic_style ps = pic_style_out(sh);
        struct ladder_style st = { ladder_width(), ps.utf8, ps.color, r->time };
        ladder_init(&t->lad, &st);
        t->lad_id = r->id;
    }
    struct nr_buf b = { 0 };
    if (ladder_add(&t->lad, &b, &r->p) < 0 || !b.p) {
        nr_buf_free(&b);
        return;
    }
    out_text(sh, "%.*s", (int)b.len, (const char *)b.p);
    nr_buf_free(&b);
}

void sh_packet_line(struct shell *sh, int id, bool time, const struct nr_pkt *p)
{
    char a[NR_ADDRSTRLEN], b[NR_ADDRSTRLEN], f[64];
    bool ports = p->proto == IPPROTO_TCP || p->proto == IPPROTO_UDP;
    out_begin(sh, "packet");
    if (id > 0)
        out_int(sh, "id", "[%lld] ", id);
    else
        out_text(sh, "  ");
    if (time)
        out_int(sh, "t_us", "+%lldus ", p->t_us);
    out_lit(sh, "dir", NULL, p->dir == NR_PKT_SENT ? "sent" : "received");
    out_text(sh, "%s ", p->dir == NR_PKT_SENT ? ">" : "<");
    out_lit(sh, "proto", "%s ", proto_name(p->proto));
    if (ports) {
        out_str(sh, "src", "%s -> ", nr_sockaddr_str((const struct sockaddr *)&p->src, p->src_len, a, sizeof a));
        out_str(sh, "dst", "%s ", nr_sockaddr_str((const struct sockaddr *)&p->dst, p->dst_len, b, sizeof b));
    } else {
        out_str(sh, "src", "%s -> ", ip_str(&p->src, a, sizeof a));
        out_str(sh, "dst", "%s ", ip_str(&p->dst, b, sizeof b));
    }
    if (p->proto == IPPROTO_TCP) {
        out_lit(sh, "flags", "%s ", nr_tcp_flags_str(p->flags, f, sizeof f));
        out_uint(sh, "seq", "seq=%llu ", p->seq);
        if (p->has_ack)
            out_uint(sh, "ack", "ack=%llu ", p->ack);
        out_uint(sh, "win", "win=%llu ", p->win);
    } else if (p->icmp_type >= 0) {
        out_lit(sh, "icmp", "%s ", nr_icmp_str(p->proto, p->icmp_type, p->icmp_code));
        out_int(sh, "icmp_type", "(type %lld ", p->icmp_type);
        out_int(sh, "icmp_code", "code %lld) ", p->icmp_code);
        if (p->icmp_seq >= 0) {
            out_int(sh, "icmp_id", NULL, p->icmp_id);
            out_int(sh, "icmp_seq", "seq=%lld ", p->icmp_seq);
        }
        if (p->quoted_proto == IPPROTO_TCP || p->quoted_proto == IPPROTO_UDP) {
            out_lit(sh, "quoted_proto", "about %s ", proto_name(p->quoted_proto));
            out_str(sh, "quoted_src", "%s -> ", nr_sockaddr_str((const struct sockaddr *)&p->quoted_src,
                                                               p->quoted_src_len, a, sizeof a));
            out_str(sh, "quoted_dst", "%s ", nr_sockaddr_str((const struct sockaddr *)&p->quoted_dst,
                                                            p->quoted_dst_len, b, sizeof b));
        }
    }
    out_uint(sh, "len", "len=%llu\n", p->len);
    out_end(sh);
}

static void rec_print(struct shell *sh, const struct cap_rec *r)
{
    if (r->ladder && !sh->json) {   /* JSON gets the packets: data, not pictures */
        ladder_row(sh, r);
        return;
    }
    sh->capture->lad_id = 0;   /* the next ladder row starts with a head */
    sh_packet_line(sh, r->id, r->time, &r->p);
}

/* A stopped capture's summary line. */
static void summary(struct shell *sh, struct cap_one *o, const char *why)
{
    sh->capture->lad_id = 0;
    const char *ferr = nr_capture_finish(o->c);   /* the pcap file complete */
    uint64_t drops = nr_capture_drops(o->c);
    out_begin(sh, "capture_stop");
    out_int(sh, "id", "[%lld] capture stopped", o->id);
    out_lit(sh, "why", "%s: ", why);
    /* After --count: the packets it counted (more may have come before the stop). */
    uint64_t seen = o->done ? o->shown : nr_capture_seen(o->c);
    out_uint(sh, "packets", "%llu ", seen);
    out_text(sh, "%s, ", nr_plural(seen, "packet", "packets"));
    out_uint(sh, "drops", "%llu dropped by the kernel", drops);
    uint64_t fp, fd;
    if (nr_capture_file_counts(o->c, &fp, &fd)) {
        /* The file has a capture of its own (whole packets): its counts. */
        out_uint(sh, "file_packets", "; the file: %llu ", fp);
        out_text(sh, "%s, ", nr_plural(fp, "packet", "packets"));
        out_uint(sh, "file_drops", "%llu dropped by the kernel", fd);
    }
    if (ferr)
        out_str(sh, "file_error", "; %s", ferr);
    out_text(sh, "\n");
    out_end(sh);
}

static void print_held(struct shell *sh);

static void stop_one(struct shell *sh, int i, const char *why)
{
    struct sh_capture *t = sh->capture;
    struct cap_one *o = t->v[i];
    nr_capture_drain(o->c);
    print_held(sh);   /* not sh_capture_print: it stops --count captures, this one too */
    summary(sh, o, why);
    nr_capture_close(o->c);
    free(o);
    t->v[i] = t->v[--t->n];
}

void sh_capture_drain(struct shell *sh)
{
    struct sh_capture *t = sh->capture;
    for (int i = 0; t && i < t->n; i++)
        nr_capture_drain(t->v[i]->c);
}

/* The packet lines waiting for a command boundary, in order. */
static void print_held(struct shell *sh)
{
    struct sh_capture *t = sh->capture;
    for (size_t i = 0; i < t->nheld; i++)
        rec_print(sh, &t->held[i]);
    t->nheld = 0;
    if (t->lost) {
        out_begin(sh, "capture_lost");
        out_uint(sh, "packets", "capture: %llu packets not shown (too many waiting)\n", t->lost);
        out_end(sh);
        t->lost = 0;
    }
}

void sh_capture_print(struct shell *sh)
{
    struct sh_capture *t = sh->capture;
    if (!t)
        return;
    print_held(sh);
    for (int i = 0; i < t->n;)
        if (t->v[i]->done)
            stop_one(sh, i, " after --count");
        else
            i++;
}

int sh_capture_stop(struct shell *sh, int id)
{
    struct sh_capture *t = sh->capture;
    int n = 0;
    for (int i = 0; t && i < t->n;) {
        if (!id || t->v[i]->id == id) {
            stop_one(sh, i, "");
            n++;
        } else {
            i++;
        }
    }
    return n;
}

/* What to capture for s now. Returns -1 (with err) for a Unix or raw IP
 * session. */
int sh_capture_spec(const struct nr_session *s, struct nr_cap_spec *spec, char *err, size_t errlen)
{
    int fam = nr_sess_local(s)->ss_family;
    if (fam != AF_INET && fam != AF_INET6)
        return nr_err(err, errlen, "is a %s session: no packets on any interface (trace "
                      "shows its bytes)", nr_sess_proto(s));
    if (nr_sess_is_raw(s))
        return nr_err(err, errlen, "is a %s session: capture follows TCP, UDP and TLS "
                      "sessions (recv on a raw session shows each packet)", nr_sess_proto(s));
    memset(spec, 0, sizeof *spec);
    spec->proto = nr_sess_is_stream(s) ? IPPROTO_TCP : IPPROTO_UDP;
    spec->local = *nr_sess_local(s);
    spec->local_len = nr_sess_local_len(s);
    spec->remote = *nr_sess_remote(s);
    spec->remote_len = nr_sess_remote_len(s);
    return 0;
}

int sh_capture_start(struct shell *sh, int id, const struct nr_cap_spec *spec,
                     const char *file, long long count, bool time, bool ladder)
{
    struct sh_capture *t = state(sh);
    char err[NR_ERRLEN];
    enum nr_cap_status st;
    if (!t)
        return cmd_error(sh, "out of memory");
    int i = find(t, id);
    if (i < 0 && t->n == (int)(sizeof t->v / sizeof *t->v))
        return cmd_error(sh, "[%d] too many captures at once (capture stop)", id);
    if (i >= 0)
        nr_capture_drain(t->v[i]->c);   /* what the running one saw, before the new one starts */
    struct cap_one *o = calloc(1, sizeof *o);
    if (!o)
        return cmd_error(sh, "out of memory");
    *o = (struct cap_one){ sh, id, NULL, time, ladder, count, 0, false };
    struct nr_cap_spec sp = *spec;
    sp.count = count > 0 ? (uint64_t)count : 0;
    o->c = nr_capture_open(sh->loop, &sp, file, on_pkt, o, &st, err, sizeof err);
    if (!o->c) {   /* a capture already running goes on */
        free(o);
        if (st == NR_CAP_PERM)
            return cmd_error(sh, "[%d] %s", id, SH_CAPTURE_PERM);
        return cmd_error(sh, "[%d] %s%s", id, err, i >= 0 ? " (the running capture goes on)" : "");
    }
    if (i >= 0)
        stop_one(sh, i, " (started again)");
    t->v[t->n++] = o;
    log_start(t, id);
    if (t->lad_id == id)
        t->lad_id = 0;   /* a fresh capture: a fresh head */
    return CMD_OK;
}

int sh_capture_refine(struct shell *sh, struct nr_session *s)
{
    struct sh_capture *t = sh->capture;
    struct nr_cap_spec spec;
    char err[NR_ERRLEN];
    int i = find(t, nr_sess_id(s));
    if (i < 0 || sh_capture_spec(s, &spec, err, sizeof err) < 0)
        return CMD_OK;
    if (nr_capture_refine(t->v[i]->c, &spec, err, sizeof err) < 0)
        return cmd_error(sh, "[%d] %s", nr_sess_id(s), err);
    return CMD_OK;
}

void sh_capture_describe(struct shell *sh, int id)
{
    struct sh_capture *t = sh->capture;
    int i = find(t, id);
    if (i < 0)
        return;
    out_begin(sh, "capture");
    out_int(sh, "id", "[%lld] capturing", id);
    out_str(sh, "interface", " on %s: ", nr_capture_ifname(t->v[i]->c));
    out_str(sh, "filter", "%s\n", nr_capture_filter(t->v[i]->c));
    out_end(sh);
}

void sh_capture_free(struct shell *sh)
{
    struct sh_capture *t = sh->capture;
    if (!t)
        return;
    for (int i = 0; i < t->n; i++) {
        nr_capture_close(t->v[i]->c);
        free(t->v[i]);
    }
    for (int i = 0; i < t->nlogs; i++)
        free(t->logs[i].v);
    free(t->held);
    free(t);
    sh->capture = NULL;
}

int sh_capture_packets(struct shell *sh, int id, const struct nr_pkt **v, size_t *n,
                       uint64_t *over)
{
    struct sh_capture *t = sh->capture;
    if (!t || !t->nlogs)
        return 0;
    struct cap_log *l = id ? log_find(t, id) : &t->logs[t->nlogs - 1];
    if (!l)
        return 0;
    *v = l->v;
    *n = l->n;
    *over = l->over;
    return l->id;
}

int sh_capture_ladder(struct shell *sh, int id, bool time)
{
    const struct nr_pkt *v = NULL;
    size_t n = 0;
    uint64_t over = 0;
    sh_capture_drain(sh);   /* what the kernel holds now */
    int got = sh_capture_packets(sh, id, &v, &n, &over);
    if (!got && id && !(sh->sessions && nr_sess_get(sh->sessions, id)))
        return cmd_error(sh, "[%d] no such session, and no packets kept for it (see "
                         "'sessions')", id);
    if (!got && id)
        return cmd_error(sh, "[%d] has no captured packets: capture %d first (dial "
                         "--ladder captures from the first SYN)", id, id);
    if (!got)
        return cmd_error(sh, "nothing captured yet: capture [ID] first (dial --ladder "
                         "captures from the first SYN)");
    if (!n) {
        out_begin(sh, "ladder");
        out_int(sh, "id", "[%lld] no packets captured yet\n", got);
        out_end(sh);
        return CMD_OK;
    }
    if (sh->json) {   /* the packets themselves: data, not a picture */
        for (size_t i = 0; i < n; i++)
            sh_packet_line(sh, got, time, &v[i]);
    } else {
        struct pic_style ps = pic_style_out(sh);
        struct ladder_style st = { ladder_width(), ps.utf8, ps.color, time };
        struct nr_buf b = { 0 };
        if (ladder_draw(&b, v, n, &st) < 0) {
            nr_buf_free(&b);
            return cmd_error(sh, "out of memory");
        }
        out_text(sh, "%.*s", (int)b.len, b.p ? (const char *)b.p : "");
        nr_buf_free(&b);
    }
    if (over) {
        out_begin(sh, "ladder_over");
        out_int(sh, "id", "[%lld] ", got);
        out_uint(sh, "packets", "%llu later packets not kept ", over);
        out_uint(sh, "kept", "(%llu are kept per session)\n", (uint64_t)LOG_MAX);
        out_end(sh);
    }
    return CMD_OK;
}
