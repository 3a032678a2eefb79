/* cmds/sessions — the session table: sessions (ls), use, close, shutdown, set,
 * info. */
#include "cmds/sess.h"
#include "cmds/tls.h"
#include "cmds/watch.h"

#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

/* ---- sessions ---- */

/* The table's columns. Widths are sized to the content; on a terminal the
 * table is narrowed to its width (columns dropped, addresses shortened)
 * unless --wide; a file or pipe gets every column in full. */
enum col { C_ID, C_PROTO, C_ROLE, C_LOCAL, C_REMOTE, C_STATE, C_IN, C_OUT, C_BUF, C_DROPS,
           C_AGE, NCOLS };

static const char *const col_names[NCOLS] = {
    "ID", "PROTO", "ROLE", "LOCAL", "REMOTE", "STATE", "IN", "OUT", "BUF", "DROPS", "AGE",
};

/* After a row, past the last column: its capture and trace. */
static const char MARK_CAPTURED[] = " captured", MARK_TRACED[] = " traced";

struct layout {
    int w[NCOLS];
    bool hide[NCOLS];
    bool narrowed;   /* something was hidden or shortened: say so */
    int marks;       /* the widest " captured traced" after a row */
    unsigned long long drops;   /* all rows' drops */
};

static int digits(unsigned long long v)
{
    int n = 1;
    while (v >= 10) {
        v /= 10;
        n++;
    }
    return n;
}

static void widen(int *w, int n)
{
    if (n > *w)
        *w = n;
}

static void role_text(const struct nr_session *s, char *buf, size_t n)
{
    if (nr_sess_svc(s))
        snprintf(buf, n, "%s", nr_sess_service(nr_sess_svc(s)));
    else
        snprintf(buf, n, "%s", nr_sess_role(s));
}

/* An address as the table shows it: escaped (a Unix peer names itself). */
static const char *addr_text(const struct nr_session *s, const struct sockaddr_storage *ss,
                             socklen_t len, struct nr_buf *b)
{
    char a[NR_ADDRSTRLEN];
    return out_escaped(sess_addr_of(s, ss, len, a, sizeof a), b);
}

/* BUF: unread bytes; for datagrams with some queued, BYTES/DATAGRAMS (so
 * 65,536 empty datagrams do not show as 0). */
static const char *buf_text(const struct nr_sess_stats *st, char *buf, size_t n)
{
    if (st->datagrams)
        snprintf(buf, n, "%zu/%zu", st->buffered, st->datagrams);
    else
        snprintf(buf, n, "%zu", st->buffered);
    return buf;
}

static struct layout measure(const struct nr_sessions *t)
{
    struct layout l = { .w = { 3, 5, 8, 5, 6, 14, 2, 3, 3, 5, 7 } };
    struct nr_buf b = { 0 };
    char a[48];
    for (size_t i = 0; i < nr_sess_count(t); i++) {
        const struct nr_session *s = nr_sess_at(t, i);
        struct nr_sess_stats st;
        nr_sess_stats(s, &st);
        widen(&l.w[C_PROTO], (int)strlen(nr_sess_proto(s)));
        widen(&l.w[C_LOCAL],
              (int)strlen(addr_text(s, nr_sess_local(s), nr_sess_local_len(s), &b)));
        widen(&l.w[C_REMOTE],
              (int)strlen(addr_text(s, nr_sess_remote(s), nr_sess_remote_len(s), &b)));
        widen(&l.w[C_IN], digits(st.bytes_in));
        widen(&l.w[C_OUT], digits(st.bytes_out));
        widen(&l.w[C_BUF], (int)strlen(buf_text(&st, a, sizeof a)));
        l.drops += st.drops;
    }
    nr_buf_free(&b);
    return l;
}

/* The marker column, then the shown columns with one blank between. */
static int line_width(const struct layout *l)
{
    int w = 1, n = 0;
    for (int c = 0; c < NCOLS; c++)
        if (!l->hide[c]) {
            w += l->w[c];
            n++;
        }
    return w + n - 1 + l->marks;
}

static int content_width(const struct nr_sessions *t, enum col c)
{
    char buf[32];
    int w = (int)strlen(col_names[c]);
    for (size_t i = 0; i < nr_sess_count(t); i++) {
        const struct nr_session *s = nr_sess_at(t, i);
        if (c == C_ROLE)
            role_text(s, buf, sizeof buf);
        widen(&w, (int)strlen(c == C_ROLE ? buf : sess_state_text(s)));
    }
    return w;
}

/* Takes columns off the longer of LOCAL and REMOTE, down to min. */
static void shorten_addrs(struct layout *l, int cols, int min)
{
    int over = line_width(l) - cols;
    while (over > 0 && (l->w[C_LOCAL] > min || l->w[C_REMOTE] > min)) {
        enum col c = l->w[C_LOCAL] >= l->w[C_REMOTE] ? C_LOCAL : C_REMOTE;
        l->w[c]--;
        over--;
        l->narrowed = true;
    }
}

/* Narrows the table to cols: first what loses nothing (an all-zero DROPS
 * column, padding), then the least needed columns, then the addresses are
 * shortened from the left (the port and the file name stay); ROLE goes
 * last. */
static void fit(const struct nr_sessions *t, struct layout *l, int cols)
{
    static const enum col drop_order[] = { C_AGE, C_OUT, C_IN, C_DROPS };
    if (line_width(l) <= cols)
        return;
    l->hide[C_DROPS] = l->drops == 0;
    l->w[C_STATE] = content_width(t, C_STATE);
    l->w[C_ROLE] = content_width(t, C_ROLE);
    for (size_t i = 0; i < sizeof drop_order / sizeof drop_order[0] && line_width(l) > cols; i++) {
        l->hide[drop_order[i]] = true;
        l->narrowed = true;
    }
    shorten_addrs(l, cols, 14);
    if (line_width(l) > cols) {
        l->hide[C_ROLE] = true;
        shorten_addrs(l, cols, 8);
    }
}

/* An address cell: shortened from the left to w with ".." when longer. */
static void addr_cell(char *out, size_t n, const char *a, int w)
{
    int len = (int)strlen(a);
    if (len <= w || w < 3)
        snprintf(out, n, "%s", a);
    else
        snprintf(out, n, "..%s", a + len - (w - 2));
}

static void cell(struct shell *sh, const struct layout *l, enum col c, bool *first,
                 const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void cell(struct shell *sh, const struct layout *l, enum col c, bool *first,
                 const char *fmt, ...)
{
    if (l->hide[c])
        return;
    char buf[4 * NR_ADDRSTRLEN + 8];   /* an escaped address */
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    bool left = c == C_PROTO || c == C_ROLE || c == C_LOCAL || c == C_REMOTE || c == C_STATE;
    out_text(sh, "%s%*s", *first ? "" : " ", left ? -l->w[c] : l->w[c], buf);
    *first = false;
}

static void session_text(struct shell *sh, const struct nr_session *s, int64_t now,
                         const struct layout *l)
{
    char cellbuf[4 * NR_ADDRSTRLEN], role[16], b[48];
    struct nr_buf eb = { 0 };
    struct nr_sess_stats st;
    bool first = true;
    int id = nr_sess_id(s);
    nr_sess_stats(s, &st);
    role_text(s, role, sizeof role);
    out_text(sh, "%s", id == sh->current ? "*" : " ");
    cell(sh, l, C_ID, &first, "%d", id);
    cell(sh, l, C_PROTO, &first, "%s", nr_sess_proto(s));
    cell(sh, l, C_ROLE, &first, "%s", role);
    addr_cell(cellbuf, sizeof cellbuf, addr_text(s, nr_sess_local(s), nr_sess_local_len(s), &eb),
              l->w[C_LOCAL]);
    cell(sh, l, C_LOCAL, &first, "%s", cellbuf);
    addr_cell(cellbuf, sizeof cellbuf,
              addr_text(s, nr_sess_remote(s), nr_sess_remote_len(s), &eb), l->w[C_REMOTE]);
    nr_buf_free(&eb);
    cell(sh, l, C_REMOTE, &first, "%s", cellbuf);
    cell(sh, l, C_STATE, &first, "%s", sess_state_text(s));
    cell(sh, l, C_IN, &first, "%llu", (unsigned long long)st.bytes_in);
    cell(sh, l, C_OUT, &first, "%llu", (unsigned long long)st.bytes_out);
    cell(sh, l, C_BUF, &first, "%s", buf_text(&st, b, sizeof b));
    cell(sh, l, C_DROPS, &first, "%llu", (unsigned long long)st.drops);
    cell(sh, l, C_AGE, &first, "%.1fs", (double)(now - nr_sess_created_us(s)) / 1e6);
    if (sh_captured(sh, id))
        out_text(sh, "%s", MARK_CAPTURED);
    if (sh_traced(sh, id))
        out_text(sh, "%s", MARK_TRACED);
    out_text(sh, "\n");
}

/* The remote address field: "-" as text and null in JSON when none. */
static void remote_field(struct shell *sh, const struct nr_session *s, bool info)
{
    char r[NR_ADDRSTRLEN];
    socklen_t len = nr_sess_remote_len(s);
    const char *a = len || !sh->json ? sess_addr_of(s, nr_sess_remote(s), len, r, sizeof r)
                                     : NULL;
    if (info)
        out_str(sh, "remote", "  remote      %s\n", a);
    else
        out_str(sh, "remote", NULL, a);
}

static void session_row(struct shell *sh, const struct nr_session *s, int64_t now,
                        const struct layout *l)
{
    char a[NR_ADDRSTRLEN], role[16];
    struct nr_sess_stats st;
    int id = nr_sess_id(s);
    nr_sess_stats(s, &st);
    role_text(s, role, sizeof role);
    out_begin(sh, "session");
    out_int(sh, "id", NULL, id);
    out_bool(sh, "current", NULL, id == sh->current);
    out_str(sh, "proto", NULL, nr_sess_proto(s));
    out_str(sh, "role", NULL, role);
    out_str(sh, "local", NULL,
            sess_addr_of(s, nr_sess_local(s), nr_sess_local_len(s), a, sizeof a));
    remote_field(sh, s, false);
    out_str(sh, "state", NULL, sess_state_text(s));
    if (tls_state_word(s))
        out_str(sh, "tls", NULL, tls_state_word(s));
    out_uint(sh, "bytes_in", NULL, st.bytes_in);
    out_uint(sh, "bytes_out", NULL, st.bytes_out);
    out_uint(sh, "buffered", NULL, st.buffered);
    if (!nr_sess_is_stream(s))
        out_uint(sh, "datagrams", NULL, st.datagrams);
    out_uint(sh, "drops", NULL, st.drops);
    out_double(sh, "age_s", NULL, (double)(now - nr_sess_created_us(s)) / 1e6);
    /* Marks past the last column, only when set (issue 13: captured, traced). */
    if (sh_captured(sh, id))
        out_bool(sh, "captured", NULL, true);
    if (sh_traced(sh, id))
        out_bool(sh, "traced", NULL, true);
    session_text(sh, s, now, l);
    out_end(sh);
}

struct sessions_opts {
    bool wide, watch;
};

/* --watch [S]: the live view (cmds/watch.c). */
static int watch_run(struct shell *sh, const struct cmd_call *call)
{
    const struct sessions_opts *o = call->opts;
    int64_t period = 1000000;
    char err[NR_ERRLEN];
    if (call->npos && !o->watch)
        return cmd_usage(sh, "%s: a refresh interval goes with --watch", call->pos[0]);
    if (call->npos && (nr_parse_seconds(call->pos[0], 3600, &period, err, sizeof err) < 0 ||
                       period < 100000))
        return cmd_usage(sh, "%s: not a number of seconds in 0.1..3600", call->pos[0]);
    if (!sh->interactive || !isatty(0) || !isatty(1))
        return cmd_error(sh, "--watch needs the interactive prompt on a terminal");
    if (sh->json)
        return cmd_error(sh, "--watch draws for a person: not with json output");
    if (!sh_sessions(sh))
        return CMD_FAIL;
    return sessions_watch(sh, period);
}

static int sessions_run(struct shell *sh, const struct cmd_call *call)
{
    const struct sessions_opts *o = call->opts;
    if (o->watch || call->npos)
        return watch_run(sh, call);
    struct nr_sessions *t = sh_sessions(sh);
    if (!t)
        return CMD_FAIL;
    size_t n = nr_sess_count(t);
    if (!n) {
        out_text(sh, "no sessions\n");
        return CMD_OK;
    }
    struct layout l = measure(t);
    for (size_t i = 0; i < n; i++) {   /* the marks count in the width to fit */
        int id = nr_sess_id(nr_sess_at(t, i));
        int m = (int)((sh_captured(sh, id) ? strlen(MARK_CAPTURED) : 0) +
                      (sh_traced(sh, id) ? strlen(MARK_TRACED) : 0));
        if (m > l.marks)
            l.marks = m;
    }
    int cols = sh_columns(1);
    if (!o->wide && cols > 0)
        fit(t, &l, cols);
    bool first = true;
    out_text(sh, " ");
    for (int c = 0; c < NCOLS; c++)
        cell(sh, &l, (enum col)c, &first, "%s", col_names[c]);
    out_text(sh, "\n");
    int64_t now = nr_now_us();
    for (size_t i = 0; i < n; i++)
        session_row(sh, nr_sess_at(t, i), now, &l);
    if (l.narrowed)
        out_text(sh, "(narrowed to fit: 'sessions -w' shows all)\n");
    return CMD_OK;
}

/* ---- use ---- */

static void show_brief(struct shell *sh, const char *kind, const struct nr_session *s)
{
    out_begin(sh, kind);
    sess_out_ends(sh, s);
    out_str(sh, "state", " %s\n", nr_sess_state(s));
    out_end(sh);
}

static int use_run(struct shell *sh, const struct cmd_call *c)
{
    if (c->npos == 1 && strcmp(c->pos[0], "none"))
        return cmd_error(sh, "%s: not a session id", c->pos[0]);
    if (c->npos == 1) {
        sh->current = 0;
        return CMD_OK;
    }
    if (!c->s && !sh->current) {
        out_text(sh, "no current session\n");
        return CMD_OK;
    }
    struct nr_session *s = c->s ? c->s : sess_arg(sh, NULL);
    if (!s)
        return CMD_FAIL;
    sh->current = nr_sess_id(s);
    show_brief(sh, "use", s);
    return CMD_OK;
}

/* ---- close ---- */

static int close_run(struct shell *sh, const struct cmd_call *c)
{
    struct nr_sessions *t = sh_sessions(sh);
    if (!t)
        return CMD_FAIL;
    if (c->npos == 1 && strcmp(c->pos[0], "all"))
        return cmd_error(sh, "%s: not a session id", c->pos[0]);
    if (c->npos == 1) {
        size_t n = nr_sess_count(t);
        while (nr_sess_count(t))
            nr_sess_close(nr_sess_at(t, nr_sess_count(t) - 1));
        sh->current = 0;
        out_begin(sh, "close");
        out_uint(sh, "closed", "closed %llu ", n);
        out_text(sh, "%s\n", n == 1 ? "session" : "sessions");
        out_end(sh);
        return CMD_OK;
    }
    struct nr_session *s = c->s ? c->s : sess_arg(sh, NULL);
    if (!s)
        return CMD_FAIL;
    struct nr_sess_stats st;
    nr_sess_stats(s, &st);
    int id = nr_sess_id(s);
    unsigned served = st.served_active;
    nr_sess_close(s);
    if (sh->current == id)
        sh->current = 0;
    out_begin(sh, "close");
    out_int(sh, "id", "[%lld] closed", id);
    if (served) {
        out_uint(sh, "served_closed", " (and %llu ", served);
        out_text(sh, "%s it was serving)", nr_plural(served, "client", "clients"));
    }
    out_text(sh, "\n");
    out_end(sh);
    return CMD_OK;
}

/* ---- shutdown ---- */

struct shutdown_opts {
    int how;
};

static const char *const shutdown_hows[] = { "read", "write", "both", NULL };

/* What shutdown HOW did, in words: datagram sockets have no FIN (nothing
 * is sent, later sends fail), and a second write shutdown sends nothing. */
static const char *shutdown_what(const struct nr_session *s, int how, bool was_wr, bool *fin)
{
    bool dgram = !nr_sess_is_stream(s);
    *fin = !dgram && !was_wr && how != SHUT_RD;
    if (how == SHUT_RD)
        return "no more reading (buffered data stays)";
    if (dgram)
        return how == SHUT_WR ? "nothing is sent (datagrams have no FIN); later sends fail"
                              : "nothing is sent (datagrams have no FIN); later sends fail, "
                                "no more reading";
    if (was_wr)
        return how == SHUT_WR ? "nothing sent: the FIN was sent before"
                              : "no more reading (the FIN was sent before)";
    return how == SHUT_WR ? "FIN sent: the peer sees end of stream" : "FIN sent, no more reading";
}

static int shutdown_run(struct shell *sh, const struct cmd_call *c)
{
    const char *hw = c->pos[0];
    int how = -1;
    for (int i = 0; shutdown_hows[i]; i++)
        if (!strcmp(hw, shutdown_hows[i]))
            how = i;   /* SHUT_RD 0, SHUT_WR 1, SHUT_RDWR 2 */
    if (how < 0)
        return cmd_usage(sh, "%s: not read, write or both", hw);
    struct nr_session *s = c->s;
    char err[NR_ERRLEN];
    bool was_wr = nr_sess_wr_shut(s), fin;
    if (nr_sess_shutdown(s, how, err, sizeof err) < 0)
        return cmd_error(sh, "[%d] %s", nr_sess_id(s), err);
    const char *what = shutdown_what(s, how, was_wr, &fin);
    out_begin(sh, "shutdown");
    out_int(sh, "id", "[%lld] ", nr_sess_id(s));
    out_str(sh, "how", "shutdown %s: ", hw);
    out_str(sh, NULL, "%s", what);
    out_bool(sh, "fin_sent", NULL, fin);
    out_str(sh, "state", " (%s)\n", nr_sess_state(s));
    out_end(sh);
    return CMD_OK;
}

/* ---- set ---- */

static int set_value(struct shell *sh, struct nr_session *s, const char *opt, const char *v)
{
    char err[NR_ERRLEN];
    bool b;
    long long n;
    if (!strcmp(opt, "timeout")) {
        int64_t us;
        if (nr_parse_seconds(v, 86400, &us, err, sizeof err) < 0)
            return cmd_error(sh, "timeout %s: %s", v, err);
        nr_sess_set_timeout(s, us);
        return CMD_OK;
    }
    const struct nr_sockopt *o = nr_sockopt_find(opt);
    if (!o)
        return cmd_error(sh, "%s: no such option (keepalive, nodelay, reuseaddr, rcvbuf, "
                         "sndbuf, ttl, timeout; or 'set json on|off')", opt);
    if (o->boolean) {
        if (sess_parse_bool(v, &b) < 0)
            return cmd_error(sh, "%s %s: give on or off", opt, v);
        n = b;
    } else if (nr_parse_ll(v, o->min, o->max, &n, err, sizeof err) < 0) {
        return cmd_error(sh, "%s %s: %s", opt, v, err);
    }
    if (nr_sess_setopt(s, opt, n, err, sizeof err) < 0)
        return cmd_error(sh, "[%d] %s", nr_sess_id(s), err);
    return CMD_OK;
}

/* set json on|off: the shell's own output mode, at the prompt as --json. */
static int set_json(struct shell *sh, const char *v)
{
    bool on;
    if (sess_parse_bool(v, &on) < 0)
        return cmd_error(sh, "json %s: not on or off", v);
    sh->json = on;
    out_begin(sh, "set");
    out_str(sh, "option", "%s ", "json");
    out_bool(sh, "value", NULL, on);
    out_text(sh, "%s\n", on ? "on" : "off");
    out_end(sh);
    return CMD_OK;
}

/* "64M", "512K", "1G", "1048576": bytes (binary suffixes). Returns 0 or -1. */
static int parse_size(const char *v, long long min, long long max, long long *out)
{
    char num[32];
    size_t n = strlen(v);
    long long mult = 1;
    if (n == 0 || n >= sizeof num)
        return -1;
    memcpy(num, v, n + 1);
    switch (num[n - 1]) {
    case 'k': case 'K': mult = 1LL << 10; break;
    case 'm': case 'M': mult = 1LL << 20; break;
    case 'g': case 'G': mult = 1LL << 30; break;
    default: break;
    }
    if (mult > 1)
        num[n - 1] = 0;
    long long k;
    if (nr_parse_ll(num, 1, max, &k, NULL, 0) < 0 || k > max / mult || k * mult < min)
        return -1;
    *out = k * mult;
    return 0;
}

/* set budget SIZE | set max-clients N: the shell's limits (see help listen). */
static int set_limit(struct shell *sh, const char *opt, const char *v)
{
    struct nr_sessions *t = sh_sessions(sh);
    long long n;
    if (!t)
        return CMD_FAIL;
    if (!strcmp(opt, "budget")) {
        if (parse_size(v, 64 << 10, 1LL << 40, &n) < 0)
            return cmd_error(sh, "budget %s: give a size from 64K to 1024G (K, M, G: KiB, "
                             "MiB, GiB)", v);
        nr_sessions_set_budget(t, (size_t)n);
    } else {
        if (nr_parse_ll(v, 1, 1000000, &n, NULL, 0) < 0)
            return cmd_error(sh, "max-clients %s: give a number from 1 to 1000000", v);
        nr_sessions_set_max_clients(t, (unsigned)n);
    }
    out_begin(sh, "set");
    out_str(sh, "option", "%s ", opt);
    out_uint(sh, "value", "%llu", (unsigned long long)n);
    out_text(sh, "%s\n", !strcmp(opt, "budget") ? " bytes for all sessions' buffers"
                                                  : " clients per new listener");
    out_end(sh);
    return CMD_OK;
}

static int set_run(struct shell *sh, const struct cmd_call *c)
{
    if (!c->id_word && c->npos == 2 && !strcmp(c->pos[0], "json"))
        return set_json(sh, c->pos[1]);
    if (!c->id_word && c->npos == 2 &&
        (!strcmp(c->pos[0], "budget") || !strcmp(c->pos[0], "max-clients")))
        return set_limit(sh, c->pos[0], c->pos[1]);
    struct nr_session *s = c->s ? c->s : sess_arg(sh, NULL);
    if (!s)
        return CMD_FAIL;
    const char *opt = c->pos[0], *v = c->pos[1];
    if (set_value(sh, s, opt, v) != CMD_OK)
        return CMD_FAIL;
    long long now;
    out_begin(sh, "set");
    out_int(sh, "id", "[%lld] ", nr_sess_id(s));
    out_str(sh, "option", "%s ", opt);
    if (!strcmp(opt, "timeout"))
        out_double(sh, "value", "%g s\n", (double)nr_sess_timeout(s) / 1e6);
    else if (nr_sess_getopt(s, opt, &now) == 0 && nr_sockopt_is_bool(opt))
        out_bool(sh, "value", "%s\n", now != 0);
    else if (nr_sess_getopt(s, opt, &now) == 0)
        out_int(sh, "value", "%lld (as the kernel reports it)\n", now);
    out_end(sh);
    return CMD_OK;
}

/* ---- info ---- */

static void info_opts(struct shell *sh, const struct nr_session *s)
{
    for (const struct nr_sockopt *o = nr_sockopts; o->name; o++) {
        long long v;
        char label[24];
        if (nr_sess_getopt(s, o->name, &v) < 0)
            continue;
        snprintf(label, sizeof label, "  %-12s", o->name);
        out_str(sh, NULL, "%s", label);
        if (o->boolean)
            out_bool(sh, o->name, "%s\n", v != 0);
        else
            out_int(sh, o->name, "%lld\n", v);
    }
}

static void info_tcp(struct shell *sh, const struct nr_session *s)
{
    struct nr_tcpinfo ti;
    if (nr_sess_tcp_info(s, &ti) < 0)
        return;
    if (nr_sess_role_of(s) == NR_ROLE_LISTEN) {
        out_str(sh, "tcp_state", "  tcp state   %s\n", ti.state);
        return;
    }
    out_obj_begin(sh, "tcp_info");
    out_str(sh, "state", "  tcp state   %s\n", ti.state);
    out_double(sh, "rtt_ms", "  rtt         %.3f ms", ti.rtt_us / 1000.0);
    out_double(sh, "rttvar_ms", " (var %.3f ms)\n", ti.rttvar_us / 1000.0);
    out_uint(sh, "cwnd", "  cwnd        %llu segments", ti.snd_cwnd);
    out_uint(sh, "mss", " (mss %llu)\n", ti.snd_mss);
    out_uint(sh, "retransmits", "  retransmits %llu", ti.retransmits);
    out_uint(sh, "total_retrans", " (total %llu)\n", ti.total_retrans);
    out_uint(sh, "unacked", "  unacked     %llu\n", ti.unacked);
    out_obj_end(sh);
}

static void info_counts(struct shell *sh, const struct nr_session *s)
{
    struct nr_sess_stats st;
    nr_sess_stats(s, &st);
    const char *why = nr_sess_pause_reason(s);
    bool listener = nr_sess_role_of(s) == NR_ROLE_LISTEN;
    out_uint(sh, "bytes_in", "  bytes in    %llu\n", st.bytes_in);
    out_uint(sh, "bytes_out", "  bytes out   %llu\n", st.bytes_out);
    out_uint(sh, "buffered", "  buffered    %llu", st.buffered);
    if (!nr_sess_is_stream(s)) {
        out_uint(sh, "datagrams", " (%llu ", st.datagrams);
        out_text(sh, "%s)", nr_plural(st.datagrams, "datagram", "datagrams"));
    }
    if (why && !listener && !strcmp(why, "budget"))
        out_text(sh, " (shell's budget spent: reading paused)\n");
    else
        out_text(sh, why && !listener ? " (full: reading paused)\n" : "\n");
    out_uint(sh, "drops", "  drops       %llu\n", st.drops);
    if (listener && nr_sess_is_stream(s)) {
        out_uint(sh, "clients_now", NULL, st.clients);
        out_uint(sh, "max_clients", NULL, st.max_clients);
    }
    if (nr_sess_svc(s)) {
        out_uint(sh, "clients", "  clients     %llu now", st.served_active);
        out_uint(sh, "served", ", %llu served\n", st.served_total);
        if (st.backlog)
            out_uint(sh, "backlog", "  backlog     %llu bytes of echo not yet taken\n",
                     st.backlog);
    }
    if (listener && why && !strcmp(why, "clients"))
        out_text(sh, "  limit       %u clients: accepting paused (listen --max-clients)\n",
                 st.max_clients);
}

static void info_session(struct shell *sh, const struct nr_session *s, bool pem)
{
    char l[NR_ADDRSTRLEN], role[16];
    role_text(s, role, sizeof role);
    out_begin(sh, "info");
    out_int(sh, "id", "session [%lld]\n", nr_sess_id(s));
    out_str(sh, "proto", "  proto       %s\n", nr_sess_proto(s));
    out_str(sh, "role", "  role        %s\n", role);
    out_str(sh, "state", "  state       %s\n", sess_state_text(s));
    out_str(sh, "local", "  local       %s\n",
            sess_addr_of(s, nr_sess_local(s), nr_sess_local_len(s), l, sizeof l));
    remote_field(sh, s, true);
    if (nr_sess_role_of(s) == NR_ROLE_ACCEPTED)
        out_int(sh, "listener", "  listener    [%lld]\n", nr_sess_listener(s));
    out_double(sh, "age_s", "  age         %.1f s\n",
               (double)(nr_now_us() - nr_sess_created_us(s)) / 1e6);
    info_counts(sh, s);
    if (nr_sess_error(s))
        out_str(sh, "error", "  error       %s\n", nr_sess_strerror(s));
    out_bool(sh, "released", NULL, nr_sess_released(s));
    if (nr_sess_released(s))
        out_text(sh, "  socket      given back (peer closed, nothing left to read)\n");
    out_double(sh, "timeout_s", "  timeout     %g s\n", (double)nr_sess_timeout(s) / 1e6);
    info_opts(sh, s);
    info_tcp(sh, s);
    tls_out_info(sh, s, pem);
    out_end(sh);
}

/* Descriptors open now, or -1 with *why. Without a descriptor left to
 * read /proc (EMFILE), every one below the limit is in use: the count is
 * the limit, and *why says so. */
static long count_fds(const char **why)
{
    *why = NULL;
    DIR *d = opendir("/proc/self/fd");
    if (!d) {
        int e = errno;
        struct rlimit rl;
        *why = e == EMFILE || e == ENFILE ? "too many open files" : strerror(e);
        if (e == EMFILE && getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
            return (long)rl.rlim_cur;
        return -1;
    }
    long n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.')
            n++;
    closedir(d);
    return n - 1;   /* the directory's own fd */
}

/* Resident memory, or -1 with *why. */
static long rss_kib(const char **why)
{
    FILE *f = fopen("/proc/self/statm", "r");
    long size, res = -1;
    *why = NULL;
    if (!f) {
        *why = errno == EMFILE || errno == ENFILE ? "too many open files" : strerror(errno);
        return -1;
    }
    if (fscanf(f, "%ld %ld", &size, &res) != 2 || res < 0) {
        *why = "unreadable /proc/self/statm";
        res = -1;
    }
    fclose(f);
    return res < 0 ? -1 : res * (sysconf(_SC_PAGESIZE) / 1024);
}

/* A measure that may be missing: text "12", "64 (the limit: too many open
 * files)" or "? (reason)"; JSON the number or null, and KEY_error. */
static void out_measure(struct shell *sh, const char *key, const char *label, long v,
                        const char *unit, const char *why)
{
    char ekey[32];
    out_text(sh, "%-12s ", label);
    if (v >= 0)
        out_int(sh, key, "%lld", v);
    else
        out_null(sh, key);
    out_text(sh, "%s%s", v >= 0 ? unit : "?", v >= 0 && why ? " (the limit" : why ? " (" : "");
    if (why) {
        snprintf(ekey, sizeof ekey, "%s_error", key);
        out_str(sh, ekey, v >= 0 ? ": %s)" : "%s)", why);
    }
    out_text(sh, "\n");
}

static void info_shell(struct shell *sh)
{
    struct nr_sessions *t = sh->sessions;
    size_t n = t ? nr_sess_count(t) : 0, buffered = 0, served = 0, backlog = 0;
    for (size_t i = 0; i < n; i++) {
        struct nr_sess_stats st;
        nr_sess_stats(nr_sess_at(t, i), &st);
        buffered += st.buffered;
        served += st.served_active;
        backlog += st.backlog;
    }
    out_begin(sh, "info");
    out_uint(sh, "sessions", "sessions     %llu\n", n);
    out_uint(sh, "served", "served       %llu ", served);
    out_text(sh, "%s of --echo/--daytime/--discard\n", nr_plural(served, "client", "clients"));
    /* Echo backlogs are memory held for peers too: counted with the rest. */
    size_t held = t ? nr_sessions_held(t) : 0;
    size_t budget = t ? nr_sessions_budget(t) : NR_SESS_BUDGET;
    out_uint(sh, "buffered", "buffered     %llu ", buffered + backlog);
    out_text(sh, "%s", nr_plural(buffered + backlog, "byte", "bytes"));
    out_uint(sh, "backlog", backlog ? " (%llu of it echo backlog)" : NULL, backlog);
    out_text(sh, "\n");
    out_uint(sh, "budget_used", held ? "budget       %llu" : NULL, held);
    out_uint(sh, "budget", held ? " of %llu bytes in use (set budget SIZE)\n" : NULL, budget);
    out_uint(sh, "max_clients", NULL, t ? nr_sessions_max_clients(t) : NR_SESS_MAXCLIENTS);
    const char *why;
    long fds = count_fds(&why);
    out_measure(sh, "open_fds", "open fds", fds, "", why);
    long rss = rss_kib(&why);
    out_measure(sh, "rss_kib", "rss", rss, " KiB", why);
    out_end(sh);
}

static int info_run(struct shell *sh, const struct cmd_call *c)
{
    if (!sh_sessions(sh))
        return CMD_FAIL;
    if (c->npos == 1 && strcmp(c->pos[0], "shell"))
        return cmd_error(sh, "%s: not a session id", c->pos[0]);
    if (c->npos == 1 || (!c->s && !sh->current)) {
        info_shell(sh);
        return CMD_OK;
    }
    struct nr_session *s = c->s ? c->s : sess_arg(sh, NULL);
    if (!s)
        return CMD_FAIL;
    const bool *pem = c->opts;
    info_session(sh, s, *pem);
    return CMD_OK;
}

/* ---- descriptors ---- */

static const char *const use_extra[] = { "none", NULL };
static const struct nr_pos use_pos[] = { { "none", POS_ENUM, use_extra, POS_OPTIONAL | POS_OR_ID }, POS_END };
static const char *const close_extra[] = { "all", NULL };
static const char *const info_extra[] = { "shell", NULL };
static const struct nr_pos close_pos[] = { { "all", POS_ENUM, close_extra, POS_OPTIONAL | POS_OR_ID }, POS_END };
static const struct nr_opt info_options[] = {
    { "--pem", NULL, OPT_FLAG, 0, 0, 0, NULL, "TLS: also print the certificates in PEM", NULL, 0, 0 },
    OPT_END,
};
static const struct nr_pos info_pos[] = { { "shell", POS_ENUM, info_extra, POS_OPTIONAL | POS_OR_ID }, POS_END };
static const struct nr_pos shutdown_pos[] = { { NULL, POS_ENUM, shutdown_hows, 0 }, POS_END };
static const struct nr_pos set_pos[] = {
    { "OPTION", POS_ENUM, NULL, 0 }, { "VALUE", POS_WORD, NULL, 0 }, POS_END,
};

/* set: the first word is a session id or json; then an option name, then
 * its value (on/off for the switches). */
static void set_complete(struct shell *sh, int argi, const char *const *w, int nw,
                         void (*add)(const char *))
{
    static const char *const onoff[] = { "on", "off", NULL };
    bool id = nw > 0 && sess_is_id(w[0]);
    int k = argi - id;   /* the word's place after the id */
    const char *opt = k == 1 ? w[argi - 1] : NULL;
    if (argi == 0) {
        add("json");
        add("budget");
        add("max-clients");
    }
    if (k == 0)
        for (const struct nr_sockopt *o = nr_sockopts; o->name; o++)
            add(o->name);
    if (k == 0)
        add("timeout");
    if (opt && (!strcmp(opt, "json") || nr_sockopt_is_bool(opt)))
        for (int i = 0; onoff[i]; i++)
            add(onoff[i]);
}

static const struct nr_opt sessions_options[] = {
    { "-w", "--wide", OPT_FLAG, offsetof(struct sessions_opts, wide), 0, 0, NULL,
      "every column in full, however wide the terminal", NULL, 0, 0 },
    { "--watch", NULL, OPT_FLAG, offsetof(struct sessions_opts, watch), 0, 0, NULL,
      "redraw every S seconds (default 1) with rates, until a key or Ctrl-C", NULL, 0, 0 },
    OPT_END,
};

static const struct nr_pos sessions_pos[] = { { "S", POS_WORD, NULL, POS_OPTIONAL }, POS_END };

const struct nr_cmd cmd_sessions = {
    .name = "sessions",
    .alias = "ls",
    .summary = "list the sessions",
    .help =
    "One line per session: id (* marks the current one), protocol, role (dial,\n"
    "listen, accepted; echo/daytime/discard for service listeners), local and\n"
    "remote address, state (connecting, connected, listening, half-closed,\n"
    "closed by peer, closed, error; 'paused: full' when 1 MiB is unread, 'paused:\n"
    "budget' when the shell's budget is spent, 'paused: limit' for a listener at\n"
    "its --max-clients), bytes in and out, bytes received but not yet read (for\n"
    "datagrams with some queued: BYTES/DATAGRAMS), datagrams dropped (buffer\n"
    "full, budget, or a UDP service's loop guard and rate limit), age.\n"
    "On a terminal the table fits its width: an all-zero DROPS column, then AGE,\n"
    "OUT, IN and DROPS are left out, long addresses shortened from the left (..)\n"
    "and at last ROLE left out; -w shows everything. Written to a file or pipe,\n"
    "the table is always whole.\n"
    "--watch [S] redraws the table in place every S seconds (default 1) with\n"
    "each session's receive and send rate and a sparkline of its recent rate,\n"
    "until a key is pressed or Ctrl-C; notices wait until it ends. Columns are\n"
    "dropped on narrow terminals (age, role, local address first). At the\n"
    "prompt only.\n"
    "Example: ls\n"
    "Example: sessions -w\n"
    "Example: sessions --watch 0.5\n",
    .pos = sessions_pos,
    .opts = sessions_options,
    .opts_size = sizeof(struct sessions_opts),
    .run = sessions_run,
};

const struct nr_cmd cmd_use = {
    .name = "use",
    .summary = "make a session current (commands default to it)",
    .help =
    "The current session is shown in the prompt (netrepl[3]>) and is what send,\n"
    "recv, close, shutdown, set and info act on without an ID. dial, listen and\n"
    "accept make their new session current; background accepts never do.\n"
    "'use none' leaves no session current.\n"
    "Example: use 3\n",
    .pos = use_pos,
    .flags = CMD_ID,
    .run = use_run,
};

const struct nr_cmd cmd_close = {
    .name = "close",
    .summary = "close a session (or all of them)",
    .help =
    "Closes the socket and forgets the session; unread data is discarded. A\n"
    "listener with a service closes its clients too; a Unix listener removes\n"
    "its socket file. 'close all' closes every session.\n"
    "Example: close 2\n"
    "Example: close all\n",
    .pos = close_pos,
    .flags = CMD_ID,
    .run = close_run,
};

const struct nr_cmd cmd_shutdown = {
    .name = "shutdown",
    .summary = "half-close a connection",
    .help =
    "write sends FIN: the peer reads end of stream but can still answer, which\n"
    "recv then shows (HTTP/1.0 style: send the request, shutdown write, recv\n"
    "--all). A second write shutdown sends nothing. On UDP and unixgram nothing\n"
    "is sent at all (datagrams have no FIN): later sends fail. read stops\n"
    "reading; both does both. close releases the session.\n"
    "Example: shutdown 2 write\n",
    .pos = shutdown_pos,
    .flags = CMD_ID | CMD_SESSION,
    .run = shutdown_run,
};

const struct nr_cmd cmd_set = {
    .name = "set",
    .summary = "set a socket option, the session timeout, or json output",
    .help =
    "'set json on|off' switches the shell's output to one JSON object per result\n"
    "line (as --json) and back. 'set budget SIZE' bounds the buffers of all\n"
    "sessions together (default 64M; K, M, G suffixes), 'set max-clients N' the\n"
    "connections each new listener keeps at once (default 1024): see help listen.\n"
    "For a session, OPTION: keepalive on|off, nodelay\n"
    "on|off, reuseaddr on|off, rcvbuf BYTES, sndbuf BYTES, ttl HOPS (IPv6:\n"
    "unicast hops), timeout SECONDS (the default wait of recv, send and accept\n"
    "on this session, like Go's SetDeadline).\n"
    "Prints the value the kernel reports back (Linux doubles buffer sizes).\n"
    "Example: set 2 nodelay on\n"
    "Example: set 2 timeout 30\n"
    "Example: set json on\n"
    "Example: set budget 256M\n",
    .pos = set_pos,
    .flags = CMD_ID,
    .run = set_run,
    .complete = set_complete,
};

const struct nr_cmd cmd_info = {
    .name = "info",
    .summary = "details of a session: options, TCP_INFO",
    .help =
    "Shows a session's addresses, counters, socket options (keepalive, nodelay,\n"
    "reuseaddr, rcvbuf, sndbuf, ttl) and, for TCP on Linux, TCP_INFO: state,\n"
    "round-trip time and variance, congestion window, retransmits. 'info shell'\n"
    "(or info with no current session) shows the process: sessions, open file\n"
    "descriptors, memory.\n"
    "For TLS: version, cipher, key exchange group, ALPN, SNI, resumption, the\n"
    "verification result and the peer's chain (subject, issuer, names, validity,\n"
    "key, signature, SHA-256); a TLS listener shows its own certificate. --pem\n"
    "adds the chain (or the listener's certificate) in PEM for other tools.\n"
    "Example: info 2\n"
    "Example: info 3 --pem\n",
    .pos = info_pos,
    .opts = info_options,
    .opts_size = sizeof(bool),
    .flags = CMD_ID,
    .run = info_run,
};
