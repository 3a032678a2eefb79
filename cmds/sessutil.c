/* cmds/sessutil — shared by the session commands: printing addresses and
 * session ends, resolving addresses for dial, listen and send --to. */
#include "cmds/sess.h"
#include "lib/addr.h"
#include "lib/dns.h"
#include "lib/service.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

int sess_parse_bool(const char *w, bool *v)
{
    static const char *const yes[] = { "on", "yes", "true", "1", NULL };
    static const char *const no[] = { "off", "no", "false", "0", NULL };
    for (int i = 0; yes[i]; i++) {
        if (!strcmp(w, yes[i])) {
            *v = true;
            return 0;
        }
        if (!strcmp(w, no[i])) {
            *v = false;
            return 0;
        }
    }
    return -1;
}

const char *sess_addr(const struct sockaddr_storage *ss, socklen_t len, char *buf, size_t n)
{
    if (len == 0) {
        snprintf(buf, n, "-");
        return buf;
    }
    return nr_sockaddr_str((const struct sockaddr *)ss, len, buf, n);
}

void sess_out_ends(struct shell *sh, const struct nr_session *s)
{
    char l[NR_ADDRSTRLEN];
    out_int(sh, "id", "[%lld] ", nr_sess_id(s));
    out_str(sh, "proto", "%s ", nr_sess_proto(s));
    out_str(sh, "local", "%s", sess_addr(nr_sess_local(s), nr_sess_local_len(s), l, sizeof l));
    sess_out_addr(sh, "remote", " -> %s", nr_sess_remote(s), nr_sess_remote_len(s));
}

void sess_out_addr(struct shell *sh, const char *key, const char *fmt,
                   const struct sockaddr_storage *ss, socklen_t len)
{
    char a[NR_ADDRSTRLEN];
    out_str(sh, key, fmt, len || !sh->json ? sess_addr(ss, len, a, sizeof a) : NULL);
}

/* ---- resolving ---- */

/* Heap state for one lookup: a wait that gives up leaves it to the
 * callback, which frees it when the answer comes after all. */
struct lookup {
    bool done, abandoned;
    int status;
    struct nr_addrs *addrs;
};

static void on_addrs(void *arg, int status, struct nr_addrs *addrs)
{
    struct lookup *q = arg;
    if (q->abandoned) {
        nr_addrs_free(addrs);
        free(q);
        return;
    }
    q->done = true;
    q->status = status;
    q->addrs = addrs;
}

static bool lookup_done(void *arg)
{
    return ((struct lookup *)arg)->done;
}

/* Adds ip:port when it fits net's family (v4-mapped counts as IPv4). */
static void add_ip(struct sess_addrs *out, const struct nr_net *net,
                   struct nr_ip ip, uint16_t port)
{
    if (nr_ip_is4(&ip) && ip.len == 16) {
        memmove(ip.b, ip.b + 12, 4);
        ip.len = 4;
    }
    if ((net->family == AF_INET && ip.len != 4) || (net->family == AF_INET6 && ip.len != 16))
        return;
    if (out->n >= SESS_MAXADDRS)
        return;
    if (nr_ip_sockaddr(&ip, port, &out->ss[out->n], &out->len[out->n], NULL, 0) == 0)
        out->n++;
}

static int resolve_name(struct shell *sh, const struct nr_net *net, const char *host,
                        uint16_t port, int64_t deadline_us, struct sess_addrs *out)
{
    struct nr_dns *dns = sh_dns(sh);
    if (!dns)
        return -1;
    struct lookup *q = calloc(1, sizeof *q);
    if (!q)
        return cmd_error(sh, "out of memory"), -1;
    nr_dns_resolve(dns, host, net->family, on_addrs, q);
    enum nr_wait w = q->done ? NR_WAIT_DONE : sh_wait(sh, lookup_done, q, deadline_us);
    if (w != NR_WAIT_DONE) {
        q->abandoned = true;
        if (w == NR_WAIT_INTR)
            return cmd_error(sh, "lookup %s: interrupted", host), -1;
        return cmd_error(sh, "lookup %s: timed out", host), -1;
    }
    int st = q->status;
    struct nr_addrs *a = q->addrs;
    free(q);
    if (st != 0)
        return cmd_error(sh, "lookup %s: %s", host, nr_dns_strerror(st)), -1;
    for (size_t i = 0; i < a->n; i++)
        add_ip(out, net, a->ip[i], port);
    nr_addrs_free(a);
    if (!out->n)
        return cmd_error(sh, "lookup %s: no %s address", host,
                         net->family == AF_INET ? "IPv4" : "IPv6"), -1;
    return 0;
}

static int parse_port(struct shell *sh, const struct nr_net *net, const char *addr,
                      const char *p, uint16_t *port)
{
    char err[NR_ERRLEN];
    if (!*p)
        return cmd_error(sh, "%s: missing port in address", addr), -1;
    /* Numbers and service names (/etc/services, as Go's LookupPort). */
    if (nr_service_port(net->type == SOCK_DGRAM ? "udp" : "tcp", p, NULL, port,
                        err, sizeof err) < 0)
        return cmd_error(sh, "%s: %s %s", addr, err, p), -1;
    return 0;
}

static void add_default_host(const struct nr_net *net, bool passive, uint16_t port,
                             struct sess_addrs *out)
{
    struct nr_ip ip;
    if (net->family != AF_INET) {
        nr_ip_parse(passive ? "::" : "::1", &ip, false);
        add_ip(out, net, ip, port);
    }
    if (net->family != AF_INET6) {
        nr_ip_parse(passive ? "0.0.0.0" : "127.0.0.1", &ip, false);
        add_ip(out, net, ip, port);
    }
    if (!passive && net->family == AF_UNSPEC) {
        /* Dialing "":port means the local system: IPv4 first, as Go. */
        struct sockaddr_storage t = out->ss[0];
        socklen_t tl = out->len[0];
        out->ss[0] = out->ss[1];
        out->len[0] = out->len[1];
        out->ss[1] = t;
        out->len[1] = tl;
    }
}

/* "[ID]": the local address of session ID (a listener of ours), with an
 * unspecified IP replaced by loopback, so scripts need no fixed ports. */
static int resolve_session(struct shell *sh, const struct nr_net *net, const char *addr,
                           struct sess_addrs *out)
{
    struct nr_session *s = sess_arg(sh, addr);
    if (!s)
        return -1;
    const struct sockaddr_storage *local = nr_sess_local(s);
    if (nr_sess_role_of(s) != NR_ROLE_LISTEN)
        return cmd_error(sh, "%s: session %d is not a listener", addr, nr_sess_id(s)), -1;
    if (nr_sess_local_len(s) == 0 || (local->ss_family == AF_UNIX) != (net->family == AF_UNIX))
        return cmd_error(sh, "%s: session %d has no %s address", addr, nr_sess_id(s),
                         net->name), -1;
    out->ss[0] = *local;
    out->len[0] = nr_sess_local_len(s);
    out->n = 1;
    if (local->ss_family == AF_INET) {
        struct sockaddr_in *a = (struct sockaddr_in *)&out->ss[0];
        if (a->sin_addr.s_addr == htonl(INADDR_ANY))
            a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    } else if (local->ss_family == AF_INET6) {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)&out->ss[0];
        if (IN6_IS_ADDR_UNSPECIFIED(&a->sin6_addr))
            a->sin6_addr = in6addr_loopback;
    }
    return 0;
}

int sess_resolve(struct shell *sh, const struct nr_net *net, const char *addr,
                 bool passive, int64_t deadline_us, struct sess_addrs *out)
{
    char work[512], err[NR_ERRLEN];
    const char *host, *port;
    memset(out, 0, sizeof *out);
    if (!passive && addr[0] == '[' && sess_is_id(addr))
        return resolve_session(sh, net, addr, out);
    if (net->family == AF_UNIX) {
        if (nr_unix_sockaddr(addr, &out->ss[0], &out->len[0], err, sizeof err) < 0)
            return cmd_error(sh, "%s: %s", addr, err), -1;
        out->n = 1;
        return 0;
    }
    if (nr_hostport_split(addr, work, sizeof work, &host, &port, err, sizeof err) < 0)
        return cmd_error(sh, "%s: %s", addr, err), -1;
    uint16_t p;
    if (parse_port(sh, net, addr, port, &p) < 0)
        return -1;
    out->port0 = p == 0;
    struct nr_ip ip;
    if (!*host) {
        out->wildcard = passive;
        add_default_host(net, passive, p, out);
    } else if (nr_ip_parse(host, &ip, true) == 0) {
        add_ip(out, net, ip, p);
        if (!out->n)
            return cmd_error(sh, "%s: not an %s address (network %s)", addr,
                             net->family == AF_INET ? "IPv4" : "IPv6", net->name), -1;
    } else if (resolve_name(sh, net, host, p, deadline_us, out) < 0) {
        return -1;
    }
    return 0;
}
