/* cmds/dial — dial NET ADDR: a new session connected to ADDR, trying each
 * resolved address in turn as Go's Dial, with a deadline and Ctrl-C. */
#include "cmds/sess.h"
#include "lib/addr.h"

#include <errno.h>
#include <string.h>

struct dial_opts {
    int64_t timeout_us;
    const char *from;
    bool keepalive, nodelay;
};

static bool connect_done(void *arg)
{
    return !((struct nr_session *)arg)->connecting;
}

/* The local address for one target: the first --from candidate of its family. */
static int pick_from(const struct sess_addrs *from, int family)
{
    for (size_t i = 0; i < from->n; i++)
        if (from->ss[i].ss_family == family)
            return (int)i;
    return -1;
}

struct attempt {
    int failed;               /* addresses that failed */
    int first_err;            /* errno of the first failure (Go reports it) */
    char first_addr[NR_ADDRSTRLEN];
    bool interrupted;
};

static void note_failure(struct attempt *at, int e, const struct sockaddr_storage *ss,
                         socklen_t len)
{
    at->failed++;
    if (at->first_err)
        return;
    at->first_err = e ? e : EIO;
    sess_addr(ss, len, at->first_addr, sizeof at->first_addr);
}

/* One address: connect, wait; returns the connected session or NULL. */
static struct nr_session *try_one(struct shell *sh, int id, const struct nr_net *net,
                                  const struct sess_addrs *to, size_t i,
                                  const struct sess_addrs *from, int64_t deadline,
                                  struct attempt *at)
{
    char err[NR_ERRLEN];
    int e = 0, fi = -1;
    if (from && (fi = pick_from(from, to->ss[i].ss_family)) < 0) {
        note_failure(at, EAFNOSUPPORT, &to->ss[i], to->len[i]);
        return NULL;
    }
    struct nr_session *s = nr_sess_dial(sh->sessions, id, net, (const struct sockaddr *)&to->ss[i],
                                        to->len[i], fi < 0 ? NULL : (const struct sockaddr *)&from->ss[fi],
                                        fi < 0 ? 0 : from->len[fi], &e, err, sizeof err);
    if (!s) {
        note_failure(at, e, &to->ss[i], to->len[i]);
        return NULL;
    }
    /* Later addresses get their share of the time left (at least 2 s), as Go. */
    int64_t now = nr_now_us(), left = deadline - now;
    int64_t share = left / (int64_t)(to->n - i);
    if (share < 2000000)
        share = left < 2000000 ? left : 2000000;
    enum nr_wait w = s->connecting ? sh_wait(sh, connect_done, s, now + share) : NR_WAIT_DONE;
    if (w == NR_WAIT_DONE && !s->err)
        return s;
    at->interrupted = w == NR_WAIT_INTR;
    note_failure(at, w == NR_WAIT_DONE ? s->err : ETIMEDOUT, &to->ss[i], to->len[i]);
    nr_sess_close(s);
    return NULL;
}

static int dial_fail(struct shell *sh, const struct nr_net *net, const struct attempt *at,
                     const struct dial_opts *o)
{
    if (at->interrupted)
        return cmd_error(sh, "%s %s: interrupted", net->name, at->first_addr);
    if (at->first_err == ETIMEDOUT)
        return cmd_error(sh, "%s %s: timed out after %g s", net->name, at->first_addr,
                         (double)o->timeout_us / 1e6);
    return cmd_error(sh, "%s %s: %s", net->name, at->first_addr, nr_sock_strerror(at->first_err));
}

static int apply_opts(struct shell *sh, struct nr_session *s, const struct dial_opts *o)
{
    char err[NR_ERRLEN];
    int fam = s->remote.ss_family;
    if (o->keepalive && nr_sock_setopt(s->fd, fam, "keepalive", 1, err, sizeof err) < 0)
        return cmd_error(sh, "--keepalive: %s", err);
    if (o->nodelay && nr_sock_setopt(s->fd, fam, "nodelay", 1, err, sizeof err) < 0)
        return cmd_error(sh, "--nodelay: %s", err);
    return CMD_OK;
}

static void dial_print(struct shell *sh, const struct nr_session *s, int64_t us,
                       const struct attempt *at)
{
    out_begin(sh, "dial");
    sess_out_ends(sh, s);
    if (s->net.type == SOCK_DGRAM && s->net.family != AF_UNIX)
        out_text(sh, " (UDP: no handshake, the peer is not contacted)");
    else
        out_double(sh, "connect_ms", " (connected in %.3f ms)", (double)us / 1000.0);
    out_int(sh, "failed_addresses", NULL, at->failed);
    if (at->failed) {
        out_text(sh, "\n  after %d failed address%s, first %s: ", at->failed,
                 at->failed > 1 ? "es" : "", at->first_addr);
        out_str(sh, "first_error", "%s", nr_sock_strerror(at->first_err));
    }
    out_text(sh, "\n");
    out_end(sh);
}

static int dial_run(struct shell *sh, const struct nr_args *a)
{
    struct dial_opts o = { .timeout_us = NR_SESS_TIMEOUT_US };
    const struct opt opts[] = {
        { "--timeout", OPT_SECONDS, &o.timeout_us, 0, 3600, NULL },
        { "--from", OPT_STR, &o.from, 0, 0, NULL },
        { "--keepalive", OPT_FLAG, &o.keepalive, 0, 0, NULL },
        { "--nodelay", OPT_FLAG, &o.nodelay, 0, 0, NULL },
        { NULL, 0, NULL, 0, 0, NULL },
    };
    const char *pos[2];
    int npos;
    struct nr_net net;
    if (opt_parse(sh, a, opts, pos, NULL, 2, &npos) < 0)
        return CMD_FAIL;
    if (npos != 2)
        return cmd_usage(sh, "needs a network and an address");
    if (nr_net_parse(pos[0], &net) < 0)
        return cmd_error(sh, "%s: unknown network (tcp tcp4 tcp6 udp udp4 udp6 unix unixgram)", pos[0]);
    if (!sh_sessions(sh))
        return CMD_FAIL;
    int64_t t0 = nr_now_us(), deadline = t0 + o.timeout_us;
    struct sess_addrs to, from;
    if (sess_resolve(sh, &net, pos[1], false, deadline, &to) < 0)
        return CMD_FAIL;
    if (o.from && sess_resolve(sh, &net, o.from, true, deadline, &from) < 0)
        return CMD_FAIL;
    int id = nr_sess_reserve_id(sh->sessions);
    struct attempt at = { 0 };
    struct nr_session *s = NULL;
    for (size_t i = 0; i < to.n && !s && !at.interrupted && nr_now_us() < deadline; i++)
        s = try_one(sh, id, &net, &to, i, o.from ? &from : NULL, deadline, &at);
    if (!s) {
        nr_sess_release_id(sh->sessions, id);
        if (!at.first_err)
            note_failure(&at, ETIMEDOUT, &to.ss[0], to.len[0]);
        return dial_fail(sh, &net, &at, &o);
    }
    int64_t took = nr_now_us() - t0;
    if (apply_opts(sh, s, &o) != CMD_OK) {
        nr_sess_close(s);
        nr_sess_release_id(sh->sessions, id);
        return CMD_FAIL;
    }
    sh->current = sh->last_id = id;
    /* Let a listener of ours accept this connection now, so ids follow the
     * order of the commands. */
    nr_loop_run_once(sh->loop, 0);
    dial_print(sh, s, took, &at);
    return CMD_OK;
}

static const char *const dial_words[] = {
    SESS_NET_WORDS,
    "--timeout", "--from", "--keepalive", "--nodelay", NULL,
};

const struct nr_cmd cmd_dial = {
    "dial", NULL, "dial NET ADDR [--timeout S] [--from LADDR] [--keepalive] [--nodelay]",
    "open a connection (a new session, made current)",
    "NET is tcp, tcp4, tcp6, udp, udp4, udp6, unix or unixgram. ADDR is host:port,\n"
    "[v6%zone]:port, :port (this machine), [ID] (the address of listener ID, so\n"
    "scripts need no fixed ports) or, for unix, a path (@name: abstract).\n"
    "Names are resolved through the resolver (hosts file first) and each address\n"
    "is tried in turn. Prints [ID] proto local -> remote and the connect time.\n"
    "  --timeout S   give up after S seconds (default 5); Ctrl-C cancels\n"
    "  --from LADDR  bind to this local address (ip:port, port 0 = any)\n"
    "  --keepalive   enable TCP keepalive      --nodelay  disable Nagle\n"
    "Example: dial tcp 127.0.0.1:8080\n"
    "Example: dial udp localhost:13 --timeout 2\n"
    "Example: dial tcp [1]\n",
    dial_run, dial_words, 0,
};
