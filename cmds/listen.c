/* cmds/listen — listen NET ADDR (a listener session that accepts by itself,
 * optionally serving echo/daytime/discard) and accept [LISTENER]. */
#include "cmds/sess.h"

#include <errno.h>
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
    out_int(sh, "id", "[%lld] ", s->id);
    out_str(sh, "proto", "listening on %s ", s->net.name);
    out_str(sh, "local", "%s", sess_addr(&s->local, s->local_len, l, sizeof l));
    out_str(sh, "service", NULL, s->svc ? nr_sess_service(s->svc) : NULL);
    out_bool(sh, "all_interfaces", NULL, ad->wildcard);
    if (ad->wildcard)
        out_text(sh, s->local.ss_family == AF_INET6 && s->net.family == AF_UNSPEC
                         ? " (all interfaces, IPv4 and IPv6)" : " (all interfaces)");
    if (ad->port0)
        out_text(sh, " (port chosen by the system)");
    if (s->svc)
        out_text(sh, " (%s)", service_rfc(s->svc));
    out_text(sh, "\n");
    out_end(sh);
}

static int listen_run(struct shell *sh, const struct nr_args *a)
{
    bool echo = false, daytime = false, discard = false;
    long long backlog = 0;
    const struct opt opts[] = {
        { "--echo", OPT_FLAG, &echo, 0, 0, NULL },
        { "--daytime", OPT_FLAG, &daytime, 0, 0, NULL },
        { "--discard", OPT_FLAG, &discard, 0, 0, NULL },
        { "--backlog", OPT_INT, &backlog, 1, 65535, NULL },
        { NULL, 0, NULL, 0, 0, NULL },
    };
    const char *pos[2];
    int npos;
    struct nr_net net;
    if (opt_parse(sh, a, opts, pos, NULL, 2, &npos) < 0)
        return CMD_FAIL;
    if (npos != 2)
        return cmd_usage(sh, "needs a network and an address");
    if (echo + daytime + discard > 1)
        return cmd_usage(sh, "--echo, --daytime and --discard exclude each other");
    if (nr_net_parse(pos[0], &net) < 0)
        return cmd_error(sh, "%s: unknown network (tcp tcp4 tcp6 udp udp4 udp6 unix unixgram)", pos[0]);
    enum nr_service svc = echo ? NR_SVC_ECHO : daytime ? NR_SVC_DAYTIME
                        : discard ? NR_SVC_DISCARD : NR_SVC_NONE;
    struct sess_addrs ad;
    if (!sh_sessions(sh) ||
        sess_resolve(sh, &net, pos[1], true, nr_now_us() + NR_SESS_TIMEOUT_US, &ad) < 0)
        return CMD_FAIL;
    char err[NR_ERRLEN] = "", first[NR_ERRLEN] = "";
    struct nr_session *s = NULL;
    for (size_t i = 0; i < ad.n && !s; i++) {
        s = nr_sess_listen(sh->sessions, &net, (const struct sockaddr *)&ad.ss[i], ad.len[i],
                           (int)backlog, svc, err, sizeof err);
        if (!s && !first[0])
            memcpy(first, err, sizeof first);
    }
    if (!s)
        return cmd_error(sh, "%s %s: %s", net.name, pos[1], first);
    sh->current = sh->last_id = s->id;
    listen_print(sh, s, &ad);
    return CMD_OK;
}

/* ---- accept ---- */

/* The listener accept defaults to: the current session if it is one, else
 * the most recent plain stream listener. */
static struct nr_session *default_listener(struct shell *sh)
{
    struct nr_sessions *t = sh->sessions;
    struct nr_session *s = nr_sess_get(t, sh->current);
    if (s && s->role == NR_ROLE_LISTEN)
        return s;
    for (size_t i = nr_sess_count(t); i-- > 0;) {
        s = nr_sess_at(t, i);
        if (s->role == NR_ROLE_LISTEN && s->net.type == SOCK_STREAM && !s->svc)
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

static int accept_run(struct shell *sh, const struct nr_args *a)
{
    int64_t timeout = -1;
    const struct opt opts[] = {
        { "--timeout", OPT_SECONDS, &timeout, 0, 86400, NULL },
        { NULL, 0, NULL, 0, 0, NULL },
    };
    const char *pos[1];
    int npos;
    if (opt_parse(sh, a, opts, pos, NULL, 1, &npos) < 0 || !sh_sessions(sh))
        return CMD_FAIL;
    struct nr_session *l = npos ? sess_arg(sh, pos[0]) : default_listener(sh);
    if (!l)
        return CMD_FAIL;
    if (l->role != NR_ROLE_LISTEN)
        return cmd_error(sh, "[%d] is not a listener", l->id);
    if (l->net.type != SOCK_STREAM)
        return cmd_error(sh, "[%d] is a %s listener: datagrams are read with recv", l->id, l->net.name);
    if (l->svc)
        return cmd_error(sh, "[%d] serves %s itself: its clients are not sessions", l->id,
                         nr_sess_service(l->svc));
    struct accept_wait w = { sh->sessions, l->id };
    if (timeout < 0)
        timeout = l->timeout_us;
    enum nr_wait r = sh_wait(sh, accept_done, &w, nr_now_us() + timeout);
    if (r == NR_WAIT_INTR)
        return cmd_error(sh, "interrupted");
    if (r != NR_WAIT_DONE)
        return cmd_error(sh, "[%d] no connection within %g s", l->id, (double)timeout / 1e6);
    struct nr_session *s = nr_sess_next_accepted(sh->sessions, l->id);
    char r_[NR_ADDRSTRLEN];
    s->claimed = true;
    sh->current = sh->last_id = s->id;
    out_begin(sh, "accept");
    out_int(sh, "id", "[%lld] ", s->id);
    out_str(sh, "remote", "accepted %s", sess_addr(&s->remote, s->remote_len, r_, sizeof r_));
    out_int(sh, "listener", " on [%lld]\n", l->id);
    out_end(sh);
    return CMD_OK;
}

static const char *const listen_words[] = {
    SESS_NET_WORDS,
    "--echo", "--daytime", "--discard", "--backlog", NULL,
};

const struct nr_cmd cmd_listen = {
    "listen", NULL, "listen NET ADDR [--echo|--daytime|--discard] [--backlog N]",
    "listen for connections or datagrams (a new session, made current)",
    "ADDR is host:port, :port (all interfaces) or :0 (the system picks a port,\n"
    "shown); for unix a path (removed again by close). Incoming TCP and Unix\n"
    "connections are accepted by themselves into new sessions (a notice at the\n"
    "prompt; 'accept' waits for one in scripts). UDP listeners queue each\n"
    "datagram with its source: read them with recv, answer with send --to.\n"
    "  --echo      answer every client with what it sent (RFC 862)\n"
    "  --daytime   send the date and time, then close (RFC 867)\n"
    "  --discard   read and drop everything (RFC 863)\n"
    "With a service, any number of clients are served at once, TCP and UDP, with\n"
    "no further commands; they are not sessions (role 'served'): 'info ID' on the\n"
    "listener counts them, 'close ID' stops them with it.\n"
    "Example: listen tcp 127.0.0.1:0\n"
    "Example: listen udp :7007 --echo\n",
    listen_run, listen_words, 0,
};

const struct nr_cmd cmd_accept = {
    "accept", NULL, "accept [LISTENER] [--timeout S]",
    "wait for the next accepted connection and make it current",
    "Connections are accepted in the background as they arrive; accept returns\n"
    "the oldest one not yet returned by accept, waiting for one if needed (the\n"
    "listener's timeout, default 5 s). LISTENER defaults to the current session\n"
    "when it is a listener, else the most recent listener. Prints its id.\n"
    "Example: accept 1 --timeout 10\n",
    accept_run, NULL, CMD_COMPLETE_SESSIONS,
};
