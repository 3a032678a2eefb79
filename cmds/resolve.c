/* cmds/resolve — `resolve [NET] ADDR`: Go's ResolveIPAddr, ResolveTCPAddr,
 * ResolveUDPAddr and ResolveUnixAddr. Shows the address Go would pick and
 * every candidate. Names go through c-ares (hosts file first); literals
 * and the empty host (all interfaces) need no query. */
#include "shell/shell.h"
#include "lib/dns.h"
#include "lib/service.h"
#include "shell/resolve.h"

#include <stdlib.h>
#include <string.h>

enum { MAXCAND = 64 };

struct target {
    const char *net;      /* as typed: "tcp4" */
    char kind;            /* 'i' ip, 't' tcp, 'u' udp, 'x' unix */
    int family;           /* AF_INET, AF_INET6, AF_UNSPEC */
    const char *input;
    const char *host;
    bool has_port;
    uint16_t port;
    struct nr_ip cand[MAXCAND];
    size_t n;
};

static bool net_parse(const char *w, struct target *t)
{
    static const char *const nets[] = { "ip", "ip4", "ip6", "tcp", "tcp4", "tcp6",
                                        "udp", "udp4", "udp6", "unix", "unixgram",
                                        "unixpacket", NULL };
    for (const char *const *p = nets; *p; p++) {
        if (strcmp(w, *p))
            continue;
        t->net = *p;
        t->kind = w[0] == 'i' ? 'i' : w[0] == 't' ? 't' : w[1] == 'd' ? 'u' : 'x';
        size_t n = strlen(w);
        t->family = w[n - 1] == '4' ? AF_INET : w[n - 1] == '6' ? AF_INET6 : AF_UNSPEC;
        return true;
    }
    return false;
}

/* Go's forResolve: the first IPv4 address, unless the input was an IPv6
 * literal; the first address when no candidate fits. */
static size_t choose(const struct target *t)
{
    bool want6 = t->kind == 'i' ? strchr(t->input, ':') != NULL : strchr(t->input, '[') != NULL;
    for (size_t i = 0; i < t->n; i++)
        if (nr_ip_is4(&t->cand[i]) != want6)
            return i;
    return 0;
}

static void add_cand(struct target *t, const struct nr_ip *ip)
{
    if (t->n < MAXCAND && nr_ip_fits(ip, t->family))
        t->cand[t->n++] = *ip;
}

static int resolve_name(struct shell *sh, struct target *t)
{
    struct sh_answer ans;
    if (sh_resolve(sh, t->host, t->family, -1, &ans) < 0)
        return CMD_FAIL;
    if (ans.wait != NR_WAIT_DONE)
        return cmd_error(sh, "%s: %s", t->input, ans.wait == NR_WAIT_INTR ? "interrupted" : "timed out");
    if (ans.status == ARES_EBADNAME)   /* no query was sent */
        return cmd_error(sh, "%s: lookup %s: %s", t->input, t->host, nr_dns_strerror(ans.status));
    if (ans.status != ARES_SUCCESS) {
        char servers[256];
        nr_dns_servers(sh->dns, servers, sizeof servers);
        return cmd_error(sh, "%s: lookup %s via %s: %s", t->input, t->host, servers,
                         nr_dns_strerror(ans.status));
    }
    for (size_t i = 0; i < ans.addrs->n; i++)
        add_cand(t, &ans.addrs->ip[i]);
    nr_addrs_free(ans.addrs);
    return CMD_OK;
}

static char *addr_str(const struct target *t, const struct nr_ip *ip, char *buf, size_t n)
{
    char a[NR_ADDRSTRLEN], p[8];
    if (!t->has_port)
        return nr_ip_str(ip, buf, n);
    snprintf(p, sizeof p, "%u", t->port);
    return nr_hostport_join(nr_ip_str(ip, a, sizeof a), p, buf, n);
}

static void print(struct shell *sh, const struct target *t, bool unspecified)
{
    char buf[NR_ADDRSTRLEN + 8], ip[NR_ADDRSTRLEN];
    size_t c = choose(t);
    out_begin(sh, "resolve");
    out_str(sh, "network", "%s ", t->net);
    out_str(sh, "input", NULL, t->input);
    if (unspecified) {
        /* Go keeps a nil IP for every network, tcp4 and udp6 too: every
         * interface (of that family, when listening). */
        buf[0] = 0;
        if (t->has_port)
            snprintf(buf, sizeof buf, ":%u", t->port);
        out_str(sh, "address", "%s", buf);
        out_text(sh, "%s(unspecified: all interfaces)", t->has_port ? " " : "");
        out_null(sh, "ip");
    } else {
        out_str(sh, "address", "%s", addr_str(t, &t->cand[c], buf, sizeof buf));
        out_str(sh, "ip", NULL, nr_ip_str(&t->cand[c], ip, sizeof ip));
    }
    if (t->has_port)
        out_uint(sh, "port", NULL, t->port);
    out_text(sh, "\n  candidates:");
    out_list_begin(sh, "candidates");
    for (size_t i = 0; i < t->n; i++) {
        out_obj_begin(sh, NULL);
        out_str(sh, "address", i ? ", %s" : " %s", addr_str(t, &t->cand[i], buf, sizeof buf));
        out_obj_end(sh);
    }
    out_list_end(sh);
    out_text(sh, "\n");
    out_end(sh);
}

/* Splits ADDR into host and port (tcp/udp) and checks the port. */
static int split(struct shell *sh, struct target *t, char *work, size_t worklen)
{
    char err[NR_ERRLEN];
    if (t->kind == 'i') {
        t->host = t->input;
        return 0;
    }
    const char *port;
    if (nr_hostport_split(t->input, work, worklen, &t->host, &port, err, sizeof err) < 0)
        return cmd_error(sh, "%s: %s", t->input, err), -1;
    if (nr_service_port(t->net, port, NULL, &t->port, err, sizeof err) < 0)
        return cmd_error(sh, "%s: %s", t->input, err), -1;
    t->has_port = true;
    return 0;
}

static int resolve_run(struct shell *sh, const struct cmd_call *c)
{
    const struct nr_args *a = c->args;
    struct target t = { 0 };
    char work[1024];
    if (a->argc < 2 || a->argc > 3)
        return cmd_usage(sh, "needs [NET] ADDR");
    if (a->argc == 2 && net_parse(a->argv[1], &t))   /* "resolve tcp": no query for "tcp" */
        return cmd_usage(sh, "%s: needs an ADDR after NET", a->argv[1]);
    memset(&t, 0, sizeof t);
    if (a->argc == 3 && !net_parse(a->argv[1], &t))
        return cmd_error(sh, "%s: unknown network (ip ip4 ip6 tcp tcp4 tcp6 udp udp4 udp6 unix)",
                         a->argv[1]);
    t.input = a->argv[a->argc - 1];
    if (strlen(t.input) >= sizeof work)
        return cmd_error(sh, "address too long");
    if (a->argc == 2) {   /* host:port means tcp, a bare host ip */
        const char *h, *p;
        net_parse(nr_hostport_split(t.input, work, sizeof work, &h, &p, NULL, 0) == 0 ? "tcp" : "ip", &t);
    }
    if (t.kind == 'x') {
        out_begin(sh, "resolve");
        out_str(sh, "network", "%s ", t.net);
        out_str(sh, "address", "%s\n", t.input);
        out_end(sh);
        return CMD_OK;
    }
    if (split(sh, &t, work, sizeof work) < 0)
        return CMD_FAIL;
    struct nr_ip ip;
    bool unspec = !*t.host;
    if (unspec) {
        struct nr_ip any4 = { .len = 4 }, any6 = { .len = 16 };
        add_cand(&t, &any4);
        add_cand(&t, &any6);
    } else if (nr_ip_parse(t.host, &ip, true) == 0) {
        add_cand(&t, &ip);
    } else if (resolve_name(sh, &t) != CMD_OK) {
        return CMD_FAIL;
    }
    if (t.n == 0)
        return cmd_error(sh, "%s: no suitable address found (%s)", t.input, t.net);
    print(sh, &t, unspec);
    return CMD_OK;
}

static const char *const resolve_nets[] = {
    "ip", "ip4", "ip6", "tcp", "tcp4", "tcp6", "udp", "udp4", "udp6", "unix", NULL,
};

static const struct nr_pos resolve_pos[] = {
    { "NET", POS_ENUM, resolve_nets, POS_OPTIONAL }, { "ADDR", POS_SERVICE, NULL, 0 }, POS_END,
};

const struct nr_cmd cmd_resolve = {
    .name = "resolve",
    .summary = "resolve an address as Go's Resolve{IP,TCP,UDP,Unix}Addr",
    .help =
    "NET: ip ip4 ip6 (ADDR is a host), tcp tcp4 tcp6 udp udp4 udp6 (ADDR is\n"
    "host:port, [v6%zone]:port or :port; the port may be a service name),\n"
    "unix (a path). Without NET, host:port means tcp and a bare host ip.\n"
    "Shows the address Go picks (the first IPv4 one unless ADDR is an IPv6\n"
    "literal) and all candidates. An empty host (':80') is the unspecified\n"
    "address: every interface, for every NET (no IP is chosen). The hosts\n"
    "file comes first, and a name found there is not asked of DNS (as Go);\n"
    "IP literals are not looked up, and a word that is neither an IP nor a\n"
    "host name (010.1.1.1: a leading zero) is no such host, with no query.\n"
    "Example: resolve tcp localhost:http\n"
    "Example: resolve udp6 [fe80::1%lo]:53\n",
    .pos = resolve_pos,
    .flags = CMD_RAW_ARGS | CMD_ARITY_SELF,
    .run = resolve_run,
};
