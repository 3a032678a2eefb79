/* cmds/listen — listen NET ADDR (a listener session that accepts by itself,
 * optionally serving echo/daytime/discard) and accept [LISTENER]. */
#include "cmds/sess.h"
#include "cmds/tls.h"

#include <errno.h>
#include <stddef.h>
#include <netinet/in.h>
#include <string.h>

static const char *service_rfc(enum nr_service svc)
{
    switch (svc) {
    case NR_SVC_ECHO: return "echo service, RFC 862";
    case NR_SVC_DAYTIME: return "daytime service, RFC 867";
    case NR_SVC_DISCARD: return "discard service, RFC 863";
    default: return "";
    }
}

static void listen_print(struct shell *sh, const struct nr_session *s,
                         const struct sess_addrs *ad)
{
    char l[NR_ADDRSTRLEN];
    out_begin(sh, "listen");
    enum nr_service svc = nr_sess_svc(s);
    out_int(sh, "id", "[%lld] ", nr_sess_id(s));
    out_str(sh, "proto", "listening on %s ", nr_sess_proto(s));
    out_str(sh, "local", "%s", sess_addr_of(s, nr_sess_local(s), nr_sess_local_len(s), l,
                                            sizeof l));
    out_str(sh, "service", NULL, svc ? nr_sess_service(svc) : NULL);
    out_bool(sh, "all_interfaces", NULL, ad->wildcard);
    /* One aside: "(all interfaces; port chosen by the system; echo service, RFC 862)". */
    const char *aside[3];
    int n = 0;
    if (ad->wildcard)
        aside[n++] = nr_sess_local(s)->ss_family == AF_INET6 &&
                     nr_sess_net(s)->family == AF_UNSPEC
                         ? "all interfaces, IPv4 and IPv6" : "all interfaces";
    if (ad->port0 && !nr_sess_is_raw(s))
        aside[n++] = "port chosen by the system";
    if (nr_sess_is_raw(s))
        aside[n++] = nr_sess_net(s)->family == AF_INET
                         ? "raw IP: every packet of that protocol, IPv4 header included"
                         : "raw IP: every packet of that protocol, payload only";
    if (svc)
        aside[n++] = service_rfc(svc);
    for (int i = 0; i < n; i++)
        out_text(sh, "%s%s%s", i ? "; " : " (", aside[i], i == n - 1 ? ")" : "");
    out_text(sh, "\n");
    const struct nr_tls_ctx *tc = nr_sess_tls_ctx(s);
    if (tc) {
        out_obj_begin(sh, "tls");
        out_bool(sh, "ephemeral", NULL, nr_tls_ctx_ephemeral(tc));
        out_text(sh, "  certificate %s\n", nr_tls_ctx_ephemeral(tc)
                 ? "ephemeral, self-signed, EC P-256, for localhost, 127.0.0.1, ::1 (and the "
                   "bound address); clients need --insecure or --ca with 'info ID --pem'"
                 : "from --cert");
        out_lit(sh, "sha256", "  sha256      %s\n", nr_tls_ctx_fingerprint(tc));
        out_obj_end(sh);
    }
    out_end(sh);
}

struct listen_opts {
    bool echo, daytime, discard, capture, ladder;
    long long backlog, max_clients;
    struct tls_opts tls;
};

/* A TLS listener's context, made once the address is bound (it goes into
 * an ephemeral certificate's names). */
static int listen_tls(struct shell *sh, struct nr_session *s, const struct listen_opts *o)
{
    int id = nr_sess_id(s);
    if (!nr_net_is_tls(nr_sess_net(s))) {
        if (!tls_opts_given(&o->tls))
            return CMD_OK;
        char proto[16];
        snprintf(proto, sizeof proto, "%s", nr_sess_proto(s));   /* s goes first */
        nr_sess_close(s);
        nr_sess_release_id(sh->sessions, id);   /* a listener that never was takes no ID */
        return cmd_error(sh, "%s: TLS options need network tls, tls4 or tls6", proto);
    }
    struct nr_tls_ctx *c = tls_ctx_from(sh, "listen", &o->tls, true,
                                        (const struct sockaddr *)nr_sess_local(s));
    if (!c) {
        nr_sess_close(s);
        nr_sess_release_id(sh->sessions, id);
        return CMD_FAIL;
    }
    nr_sess_set_tls_ctx(s, c);
    return CMD_OK;
}

static int listen_run(struct shell *sh, const struct cmd_call *c)
{
    const struct listen_opts *o = c->opts;
    struct nr_net net;
    if (nr_net_parse(c->pos[0], &net) < 0)
        return cmd_error(sh, "%s: unknown network (%s)", c->pos[0], NR_NET_LIST);
    enum nr_service svc = o->echo ? NR_SVC_ECHO : o->daytime ? NR_SVC_DAYTIME
                        : o->discard ? NR_SVC_DISCARD : NR_SVC_NONE;
    if (c->npos < 2 && !nr_net_is_raw(&net))
        return cmd_usage(sh, "missing ADDR (:0 lets the system pick a port)");
    if (nr_net_is_raw(&net) && svc)
        return cmd_error(sh, "%s: services are for tcp and udp, not raw IP", net.name);
    const char *addr = c->npos < 2 ? "" : c->pos[1];
    struct sess_addrs ad;
    if (!sh_sessions(sh) ||
        sess_resolve(sh, &net, addr, true, -1, &ad) < 0)
        return CMD_FAIL;
    char err[NR_ERRLEN] = "", first[NR_ERRLEN] = "";
    struct nr_session *s = NULL;
    int first_errno = 0;
    size_t first_i = 0;
    for (size_t i = 0; i < ad.n && !s; i++) {
        s = nr_sess_listen(sh->sessions, &net, (const struct sockaddr *)&ad.ss[i], ad.len[i],
                           (int)o->backlog, svc, err, sizeof err);
        if (!s && !first[0]) {
            first_errno = errno;
            first_i = i;
            memcpy(first, err, sizeof first);
        }
    }
    if (!s && first_errno == EADDRINUSE && ad.ss[first_i].ss_family == AF_UNIX &&
        sess_not_socket(&ad.ss[first_i]))
        return cmd_error(sh, "%s %s: the file exists and is not a socket (remove it or "
                         "choose another path)", net.name, c->pos[1]);
    if (!s && sess_raw_refusal(&net, first_errno))
        return cmd_error(sh, "%s%s%s: %s", net.name, *addr ? " " : "", addr,
                         sess_raw_refusal(&net, first_errno));
    if (!s)
        return cmd_error(sh, "%s %s: %s%s", net.name, addr, first,
                         sess_bind_hint(first_errno, &ad.ss[first_i]));
    if (listen_tls(sh, s, o) != CMD_OK)
        return CMD_FAIL;
    nr_sess_set_max_clients(s, (unsigned)o->max_clients);   /* 0: the shell's */
    sh->current = sh->last_id = nr_sess_id(s);
    listen_print(sh, s, &ad);
    return o->capture || o->ladder ? sess_capture_new(sh, s, o->ladder) : CMD_OK;
}

/* ---- accept ---- */

/* The listener accept defaults to: the current session if it is one, else
 * the most recent plain stream listener. */
static struct nr_session *default_listener(struct shell *sh)
{
    struct nr_sessions *t = sh->sessions;
    struct nr_session *s = nr_sess_get(t, sh->current);
    if (s && nr_sess_role_of(s) == NR_ROLE_LISTEN)
        return s;
    for (size_t i = nr_sess_count(t); i-- > 0;) {
        s = nr_sess_at(t, i);
        if (nr_sess_role_of(s) == NR_ROLE_LISTEN && nr_sess_is_stream(s) && !nr_sess_svc(s))
            return s;
    }
    cmd_error(sh, "no listener (start one with 'listen tcp :PORT')");
    return NULL;
}

struct accept_wait {
    struct nr_sessions *t;
    int lid;
};

static bool accept_done(void *arg)
{
    struct accept_wait *w = arg;
    return nr_sess_next_accepted(w->t, w->lid) != NULL;
}

struct accept_opts {
    int64_t timeout;
};

static int accept_run(struct shell *sh, const struct cmd_call *c)
{
    int64_t timeout = ((const struct accept_opts *)c->opts)->timeout;
    if (!sh_sessions(sh))
        return CMD_FAIL;
    struct nr_session *l = c->npos ? sess_arg(sh, c->pos[0]) : default_listener(sh);
    if (!l)
        return CMD_FAIL;
    int lid = nr_sess_id(l);
    if (nr_sess_role_of(l) != NR_ROLE_LISTEN)
        return cmd_error(sh, "[%d] is not a listener", lid);
    if (!nr_sess_is_stream(l))
        return cmd_error(sh, "[%d] is a %s listener: datagrams are read with recv", lid,
                         nr_sess_proto(l));
    if (nr_sess_svc(l))
        return cmd_error(sh, "[%d] serves %s itself: its clients are not sessions", lid,
                         nr_sess_service(nr_sess_svc(l)));
    struct accept_wait w = { sh->sessions, lid };
    if (timeout < 0)
        timeout = nr_sess_timeout(l);
    enum nr_wait r = sh_wait(sh, accept_done, &w, nr_now_us() + timeout);
    if (r == NR_WAIT_INTR)
        return cmd_error(sh, "interrupted");
    if (r != NR_WAIT_DONE)
        return cmd_error(sh, "[%d] no connection within %g s", lid, (double)timeout / 1e6);
    struct nr_session *s = nr_sess_next_accepted(sh->sessions, lid);
    char r_[NR_ADDRSTRLEN];
    nr_sess_claim(s);
    sh->current = sh->last_id = nr_sess_id(s);
    out_begin(sh, "accept");
    out_int(sh, "id", "[%lld] ", nr_sess_id(s));
    out_str(sh, "remote", "accepted %s",
            sess_addr(nr_sess_remote(s), nr_sess_remote_len(s), r_, sizeof r_));
    out_int(sh, "listener", " on [%lld]", lid);
    /* An old connection, accepted in the background, may have ended already. */
    out_bool(sh, "peer_closed", NULL, nr_sess_peer_eof(s));
    if (nr_sess_peer_eof(s)) {
        size_t n = nr_sess_buffered(s);
        out_text(sh, " (the peer has already closed; %zu %s buffered)", n,
                 nr_plural(n, "byte", "bytes"));
    }
    out_text(sh, "\n");
    out_end(sh);
    return CMD_OK;
}

static const struct listen_opts listen_defaults = { .backlog = 0 };

static const struct nr_opt listen_options[] = {
    { "--echo", NULL, OPT_FLAG, offsetof(struct listen_opts, echo), 0, 0, NULL,
      "answer every client with what it sent (RFC 862)", NULL, 1, 0 },
    { "--daytime", NULL, OPT_FLAG, offsetof(struct listen_opts, daytime), 0, 0, NULL,
      "send the date and time, then close (RFC 867)", NULL, 1, 0 },
    { "--discard", NULL, OPT_FLAG, offsetof(struct listen_opts, discard), 0, 0, NULL,
      "read and drop everything (RFC 863)", NULL, 1, 0 },
    { "--backlog", NULL, OPT_INT, offsetof(struct listen_opts, backlog), 1, 65535, "N",
      "the kernel's queue of connections not yet accepted (default SOMAXCONN)", NULL, 0, 0 },
    { "--max-clients", NULL, OPT_INT, offsetof(struct listen_opts, max_clients), 1, 1000000,
      "N", "keep at most N connections at once, then pause accepting (default 1024)",
      NULL, 0, 0 },
    TLS_COMMON_OPTS(struct listen_opts, tls),
    TLS_SERVER_OPTS(struct listen_opts, tls),
    { "--capture", NULL, OPT_FLAG, offsetof(struct listen_opts, capture), 0, 0, NULL,
      "capture its packets from the start (every client's; see help capture)", NULL, 0, 0 },
    { "--ladder", NULL, OPT_FLAG, offsetof(struct listen_opts, ladder), 0, 0, NULL,
      "capture them drawn as a packet ladder (see help ladder)", NULL, 0, 0 },
    OPT_END,
};

static const struct nr_pos listen_pos[] = {
    { "NET", POS_ENUM, nr_net_names, 0 },
    { "ADDR", POS_SERVICE, NULL, POS_OPTIONAL },
    POS_END,
};

const struct nr_cmd cmd_listen = {
    .name = "listen",
    .summary = "listen for connections or datagrams (a new session, made current)",
    .help =
    "ADDR is host:port, :port (all interfaces) or :0 (the system picks a port,\n"
    "shown); for unix a path (removed again by close). Incoming TCP and Unix\n"
    "connections are accepted by themselves into new sessions (a notice at the\n"
    "prompt; 'accept' waits for one in scripts). UDP listeners queue each\n"
    "datagram with its source: read them with recv, answer with send --to.\n"
    "With a service, any number of clients are served at once, TCP and UDP, with\n"
    "no further commands; they are not sessions (role 'served'): 'info ID' on the\n"
    "listener counts them, 'close ID' stops them with it.\n"
    "A UDP service answers no datagram that could start a loop: none from one of\n"
    "the shell's own service addresses, from its own port or from a well-known\n"
    "service port (echo 7, discard 9, daytime 13, chargen 19, time 37), and any\n"
    "one source at most 500 at once, then 1,000 a second; the rest count as\n"
    "DROPS ('sessions', 'info ID').\n"
    "Limits, so that peers cannot exhaust the machine: a listener keeps at most\n"
    "--max-clients connections at once (default 1024, 'set max-clients N' for new\n"
    "listeners: about what a process may open by default) — accepted sessions\n"
    "that still hold a socket, or served clients; at the limit it stops\n"
    "accepting (state 'paused: limit', one notice) and the kernel queues or\n"
    "refuses the rest until one leaves. All sessions' buffers together — unread\n"
    "bytes, queued datagrams, echo backlogs — stay within the shell's budget\n"
    "(default 64M, 'set budget SIZE'); past it, sessions holding data stop reading\n"
    "(TCP flow control holds their peers back; state 'paused: budget', one notice),\n"
    "UDP drops, and reading resumes as data is read. An accepted session no\n"
    "command has used, whose peer closed and which has nothing left to read, gives\n"
    "its socket back at once; it stays listed (closed by peer), the newest 256 such.\n"
    "Raw IP, as Go's ListenIP: listen ip4:PROTO [ADDR] or ip6:PROTO [ADDR] (a\n"
    "host, no port; none: all interfaces) queues every packet of that protocol\n"
    "the machine receives, with its source; recv shows them (ip4: the IP header\n"
    "included), send --to ADDR writes one. Needs root or CAP_NET_RAW.\n"
    "Example: listen tcp 127.0.0.1:0\n"
    "Example: listen udp :7007 --echo\n"
    "Example: listen tcp :8080 --max-clients 100\n"
    "Example: listen ip4:icmp\n"
    "tls, tls4 and tls6 listen with TCP and speak TLS to every client (accepted\n"
    "sessions and the services alike). Without --cert/--key the listener makes an\n"
    "ephemeral self-signed EC P-256 certificate for localhost, 127.0.0.1, ::1 and\n"
    "the bound address, and prints its SHA-256 fingerprint ('info ID --pem' gives\n"
    "it to other tools). --client-ca FILE asks every client for a certificate and\n"
    "refuses those it cannot verify.\n"
    "Example: listen tls 127.0.0.1:8443 --echo\n"
    "Example: listen tls :8443 --cert cert.pem --key key.pem --alpn h2,http/1.1\n",
    .pos = listen_pos,
    .opts = listen_options,
    .opts_size = sizeof(struct listen_opts),
    .opts_init = &listen_defaults,
    .run = listen_run,
};

static const struct accept_opts accept_defaults = { .timeout = -1 };

static const struct nr_opt accept_options[] = {
    { "--timeout", NULL, OPT_SECONDS, offsetof(struct accept_opts, timeout), 0, 86400, "S",
      "wait at most S seconds (default: the listener's timeout, 5 s)", NULL, 0, 0 },
    OPT_END,
};

static const struct nr_pos accept_pos[] = {
    { "LISTENER", POS_SESSION, NULL, POS_OPTIONAL },
    POS_END,
};

const struct nr_cmd cmd_accept = {
    .name = "accept",
    .summary = "wait for the next accepted connection and make it current",
    .help =
    "Connections are accepted in the background as they arrive; accept returns\n"
    "the oldest one not yet returned by accept, waiting for one if needed (the\n"
    "listener's timeout, default 5 s). LISTENER defaults to the current session\n"
    "when it is a listener, else the most recent listener. Prints its id, and\n"
    "says so when that peer has already closed (what it sent stays buffered).\n"
    "Example: accept 1 --timeout 10\n",
    .pos = accept_pos,
    .opts = accept_options,
    .opts_size = sizeof(struct accept_opts),
    .opts_init = &accept_defaults,
    .run = accept_run,
};
