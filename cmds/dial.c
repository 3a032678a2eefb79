/* cmds/dial — dial NET ADDR: a new session connected to ADDR, trying each
 * resolved address in turn as Go's Dial, with a deadline and Ctrl-C. */
#include "cmds/sess.h"
#include "cmds/tls.h"
#include "lib/resolve.h"
#include "lib/addr.h"
#include "lib/capture.h"

#include <netinet/in.h>

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

struct dial_opts {
    int64_t timeout_us;
    const char *from;
    bool keepalive, nodelay, capture, ladder;
    struct tls_opts tls;
};

static bool connect_done(void *arg)
{
    return !nr_sess_connecting(arg);
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
    bool raw;                 /* raw IP: addresses have no port */
};

static void note_failure(struct attempt *at, int e, const struct sockaddr_storage *ss,
                         socklen_t len)
{
    at->failed++;
    if (at->first_err)
        return;
    at->first_err = e ? e : EIO;
    if (at->raw)
        sess_host(ss, len, at->first_addr, sizeof at->first_addr);
    else
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
    enum nr_wait w = nr_sess_connecting(s) ? sh_wait(sh, connect_done, s, now + share) : NR_WAIT_DONE;
    if (w == NR_WAIT_DONE && !nr_sess_error(s))
        return s;
    at->interrupted = w == NR_WAIT_INTR;
    note_failure(at, w == NR_WAIT_DONE ? nr_sess_error(s) : ETIMEDOUT, &to->ss[i], to->len[i]);
    nr_sess_close(s);
    return NULL;
}

static int dial_fail(struct shell *sh, const struct nr_net *net, const struct attempt *at,
                     const struct dial_opts *o, const struct sess_addrs *from)
{
    if (at->interrupted)
        return cmd_error(sh, "%s %s: interrupted", net->name, at->first_addr);
    const char *raw = sess_raw_refusal(net, at->first_err);
    if (raw)
        return cmd_error(sh, "%s %s: %s", net->name, at->first_addr, raw);
    if (at->first_err == ETIMEDOUT)
        return cmd_error(sh, "%s %s: timed out after %g s", net->name, at->first_addr,
                         (double)o->timeout_us / 1e6);
    return cmd_error(sh, "%s %s: %s%s", net->name, at->first_addr, nr_sock_strerror(at->first_err),
                     from && from->n ? sess_bind_hint(at->first_err, &from->ss[0]) : "");
}

static int apply_opts(struct shell *sh, struct nr_session *s, const struct dial_opts *o)
{
    char err[NR_ERRLEN];
    if (o->keepalive && nr_sess_setopt(s, "keepalive", 1, err, sizeof err) < 0)
        return cmd_error(sh, "--keepalive: %s", err);
    if (o->nodelay && nr_sess_setopt(s, "nodelay", 1, err, sizeof err) < 0)
        return cmd_error(sh, "--nodelay: %s", err);
    return CMD_OK;
}

/* What a raw IP session is, once, as the chapter explains it. */
static void dial_raw_aside(struct shell *sh, const struct nr_net *net)
{
    const char *pn = nr_ip_proto_name(net->proto);
    out_int(sh, "ip_proto", NULL, net->proto);
    out_text(sh, " (raw IP, protocol %d%s%s: no handshake; send writes the %s "
             "payload%s)", net->proto, pn ? " = " : "", pn ? pn : "", pn ? pn : "protocol's",
             net->family == AF_INET ? ", the kernel adds the IPv4 header; recv shows "
             "the IPv4 header too" : ", the kernel adds the IPv6 header");
}

static void dial_print(struct shell *sh, const struct nr_session *s, int64_t us,
                       const struct attempt *at)
{
    out_begin(sh, "dial");
    sess_out_ends(sh, s);
    if (nr_sess_is_raw(s))
        dial_raw_aside(sh, nr_sess_net(s));
    else if (!nr_sess_is_stream(s) && nr_sess_net(s)->family != AF_UNIX)
        out_text(sh, " (UDP: no handshake, the peer is not contacted)");
    else
        out_double(sh, "connect_ms", " (connected in %.3f ms)", (double)us / 1000.0);
    if (nr_sess_tls(s))
        tls_out_summary(sh, s);
    out_int(sh, "failed_addresses", NULL, at->failed);
    if (at->failed) {
        out_text(sh, "\n  after %d failed address%s, first %s: ", at->failed,
                 at->failed > 1 ? "es" : "", at->first_addr);
        out_str(sh, "first_error", "%s", nr_sock_strerror(at->first_err));
    }
    out_text(sh, "\n");
    out_end(sh);
}

/* The handshake after the connect; the host part of ADDR is what the
 * certificate is checked against. */
static int dial_tls(struct shell *sh, struct nr_session *s, struct nr_tls_ctx *ctx,
                    const char *addr, const struct dial_opts *o, int64_t deadline)
{
    char work[512], host[256] = "", err[NR_ERRLEN];
    struct nr_target t;
    if (nr_target_split(addr, true, work, sizeof work, &t, err, sizeof err) == 0 && t.host)
        snprintf(host, sizeof host, "%s", t.host);
    if (addr[0] == '[' && sess_is_id(addr))
        snprintf(host, sizeof host, "localhost");
    int rc = tls_upgrade(sh, "dial", s, ctx, false, host, &o->tls, deadline, NULL);
    nr_tls_ctx_free(ctx);
    return rc;
}

/* dial --capture: the capture starts before the first SYN, on the remote
 * end alone (the local port is not known yet); refined once connected. */
static int dial_capture(struct shell *sh, int id, const struct nr_net *net,
                        const struct sess_addrs *to, bool ladder)
{
    struct nr_cap_spec spec = { 0 };
    if (to->ss[0].ss_family != AF_INET && to->ss[0].ss_family != AF_INET6)
        return cmd_error(sh, "--capture: %s sessions have no packets (trace shows their "
                         "bytes)", net->name);
    if (nr_net_is_raw(net))
        return cmd_error(sh, "--capture: %s: capture follows TCP, UDP and TLS sessions "
                         "(recv on a raw session already shows each packet)", net->name);
    spec.proto = net->type == SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP;
    spec.remote = to->ss[0];
    spec.remote_len = to->len[0];
    return sh_capture_start(sh, id, &spec, NULL, 0, false, ladder);
}

/* A dial that failed: its session (if it got one) closed, its id given
 * back, its capture stopped (the packets that came are shown) and its
 * packets forgotten, so the next session with the id does not show them. */
static int gone(struct shell *sh, struct nr_session *s, int id, bool capture)
{
    if (s)
        nr_sess_close(s);
    nr_sess_release_id(sh->sessions, id);
    if (capture) {
        sh_capture_stop(sh, id);
        sh_capture_forget(sh, id);
    }
    return CMD_FAIL;
}

static int dial_run(struct shell *sh, const struct cmd_call *c)
{
    const struct dial_opts *o = c->opts;
    struct nr_net net;
    if (nr_net_parse(c->pos[0], &net) < 0)
        return cmd_error(sh, "%s: unknown network (%s)", c->pos[0], NR_NET_LIST);
    if (!sh_sessions(sh))
        return CMD_FAIL;
    int64_t t0 = nr_now_us(), deadline = t0 + o->timeout_us;
    struct sess_addrs to, from;
    if (sess_resolve(sh, &net, c->pos[1], false, deadline, &to) < 0)
        return CMD_FAIL;
    if (o->from && sess_resolve(sh, &net, o->from, true, deadline, &from) < 0)
        return CMD_FAIL;
    struct nr_tls_ctx *tls = NULL;
    if (nr_net_is_tls(&net) && !(tls = tls_ctx_from(sh, "dial", &o->tls, false, NULL)))
        return CMD_FAIL;
    if (!tls && tls_opts_given(&o->tls))
        return cmd_error(sh, "%s: TLS options need network tls, tls4 or tls6", net.name);
    int id = nr_sess_reserve_id(sh->sessions);
    bool capture = o->capture || o->ladder;
    if (capture && dial_capture(sh, id, &net, &to, o->ladder) != CMD_OK) {
        nr_sess_release_id(sh->sessions, id);
        nr_tls_ctx_free(tls);
        return CMD_FAIL;
    }
    int64_t setup = capture ? nr_now_us() - t0 : 0;   /* not part of the connect */
    struct attempt at = { .raw = nr_net_is_raw(&net) };
    struct nr_session *s = NULL;
    for (size_t i = 0; i < to.n && !s && !at.interrupted && nr_now_us() < deadline; i++)
        s = try_one(sh, id, &net, &to, i, o->from ? &from : NULL, deadline, &at);
    if (!s) {
        nr_tls_ctx_free(tls);
        if (!at.first_err)
            note_failure(&at, ETIMEDOUT, &to.ss[0], to.len[0]);
        int r = dial_fail(sh, &net, &at, o, o->from ? &from : NULL);
        gone(sh, NULL, id, capture);   /* shows the SYN and what answered it */
        return r;
    }
    /* Connected: the capture follows this connection alone from here on
     * (before, the remote end: another client's packets to it too). */
    int r = capture ? sh_capture_refine(sh, s) : CMD_OK;
    if (tls && dial_tls(sh, s, tls, c->pos[1], o, deadline) != CMD_OK)
        return gone(sh, s, id, capture);   /* shows the handshake that failed */
    int64_t took = nr_now_us() - t0 - setup;
    if (apply_opts(sh, s, o) != CMD_OK)
        return gone(sh, s, id, capture);
    sh->current = sh->last_id = id;
    dial_print(sh, s, took, &at);
    if (capture)
        sh_capture_describe(sh, id);
    /* Let a listener of ours accept this connection now, so ids follow the
     * order of the commands; its notices come after dial's own line. */
    fflush(stdout);
    nr_loop_run_once(sh->loop, 0);
    return r;
}

static const struct dial_opts dial_defaults = { .timeout_us = NR_SESS_TIMEOUT_US };

static const struct nr_opt dial_options[] = {
    { "--timeout", NULL, OPT_SECONDS, offsetof(struct dial_opts, timeout_us), 0, 3600, "S",
      "give up after S seconds (default 5); Ctrl-C cancels", NULL, 0, 0 },
    { "--from", NULL, OPT_STR, offsetof(struct dial_opts, from), 0, 0, "LADDR",
      "bind to this local address first (ip:port, port 0 = any)", NULL, 0, 0 },
    { "--keepalive", NULL, OPT_FLAG, offsetof(struct dial_opts, keepalive), 0, 0, NULL,
      "enable TCP keepalive", NULL, 0, 0 },
    { "--nodelay", NULL, OPT_FLAG, offsetof(struct dial_opts, nodelay), 0, 0, NULL,
      "disable Nagle's algorithm (TCP_NODELAY; TLS sessions always have it)", NULL, 0, 0 },
    TLS_CLIENT_OPTS(struct dial_opts, tls),
    TLS_COMMON_OPTS(struct dial_opts, tls),
    { "--capture", NULL, OPT_FLAG, offsetof(struct dial_opts, capture), 0, 0, NULL,
      "capture its packets from the first SYN (see help capture)", NULL, 0, 0 },
    { "--ladder", NULL, OPT_FLAG, offsetof(struct dial_opts, ladder), 0, 0, NULL,
      "capture them drawn as a packet ladder (see help ladder)", NULL, 0, 0 },
    OPT_END,
};

static const struct nr_pos dial_pos[] = {
    { "NET", POS_ENUM, nr_net_names, 0 },
    { "ADDR", POS_SERVICE, NULL, 0 },
    POS_END,
};

const struct nr_cmd cmd_dial = {
    .name = "dial",
    .summary = "open a connection (a new session, made current)",
    .help =
    "NET is tcp, tcp4, tcp6, udp, udp4, udp6, unix or unixgram. ADDR is host:port,\n"
    "[v6%zone]:port, :port (this machine), [ID] (the address of listener ID, so\n"
    "scripts need no fixed ports) or, for unix, a path (@name: abstract).\n"
    "Raw IP, as Go's DialIP: NET ip4:PROTO or ip6:PROTO, PROTO a number or a\n"
    "name from /etc/protocols (icmp, ipv6-icmp, udp, 253), ADDR a host without\n"
    "a port. send writes the payload (ip4: the kernel adds the IP header,\n"
    "--hdrincl to give it yourself); recv shows each datagram with its source,\n"
    "for ip4 with its IP header (recv --ip decodes it). Needs root or\n"
    "CAP_NET_RAW.\n"
    "Names are resolved through the resolver (hosts file first) and each address\n"
    "is tried in turn. Prints [ID] proto local -> remote and the connect time.\n"
    "Example: dial tcp 127.0.0.1:8080\n"
    "Example: dial udp localhost:13 --timeout 2\n"
    "Example: dial tcp [1]\n"
    "Example: dial ip4:icmp 127.0.0.1\n"
    "tls, tls4 and tls6 connect with TCP, then do a TLS handshake. The server's\n"
    "certificate must chain to a trusted CA (--ca FILE|DIR, or the system store),\n"
    "be valid now and name the host (or --sni NAME; an IP literal is checked\n"
    "against the IP names and sends no SNI). A failure says why in words and\n"
    "closes the connection; --insecure goes on, marks the session unverified and\n"
    "still says why. The result line shows version, cipher, ALPN and the peer.\n"
    "Example: dial tls localhost:8443 --ca ca.pem --alpn h2,http/1.1\n"
    "Example: dial tls 127.0.0.1:8443 --insecure --tls1.2\n",
    .pos = dial_pos,
    .opts = dial_options,
    .opts_size = sizeof(struct dial_opts),
    .opts_init = &dial_defaults,
    .run = dial_run,
};
