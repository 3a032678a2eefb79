/* cmds/sessutil — shared by the session commands: printing addresses and
 * session ends, resolving addresses for dial, listen and send --to. */
#include "cmds/sess.h"
#include "lib/addr.h"
#include "lib/dns.h"
#include "lib/service.h"
#include "shell/resolve.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>

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

const char *sess_host(const struct sockaddr_storage *ss, socklen_t len, char *buf, size_t n)
{
    struct nr_ip ip;
    uint16_t port;
    if (len == 0 || nr_sockaddr_ip((const struct sockaddr *)ss, &ip, &port) < 0)
        return sess_addr(ss, len, buf, n);
    return nr_ip_str(&ip, buf, n);
}

const char *sess_addr_of(const struct nr_session *s, const struct sockaddr_storage *ss,
                         socklen_t len, char *buf, size_t n)
{
    return nr_sess_is_raw(s) ? sess_host(ss, len, buf, n) : sess_addr(ss, len, buf, n);
}

void sess_out_ends(struct shell *sh, const struct nr_session *s)
{
    char l[NR_ADDRSTRLEN], r[NR_ADDRSTRLEN];
    out_int(sh, "id", "[%lld] ", nr_sess_id(s));
    out_str(sh, "proto", "%s ", nr_sess_proto(s));
    out_str(sh, "local", "%s", sess_addr_of(s, nr_sess_local(s), nr_sess_local_len(s), l,
                                            sizeof l));
    if (nr_sess_remote_len(s))
        out_str(sh, "remote", " -> %s", sess_addr_of(s, nr_sess_remote(s),
                                                    nr_sess_remote_len(s), r, sizeof r));
    else
        out_null(sh, "remote");   /* a listener: no arrow to nowhere */
}

/* ---- bind failures ---- */

/* net.ipv4.ip_unprivileged_port_start (it covers IPv6 too), 1024 when unknown. */
static long unprivileged_port_start(void)
{
    long v = 1024;
    FILE *f = fopen("/proc/sys/net/ipv4/ip_unprivileged_port_start", "r");
    if (f) {
        if (fscanf(f, "%ld", &v) != 1)
            v = 1024;
        fclose(f);
    }
    return v;
}

const char *sess_bind_hint(int e, const struct sockaddr_storage *ss)
{
    static char hint[160];
    struct nr_ip ip;
    uint16_t port;
    if ((e != EACCES && e != EPERM) || nr_sockaddr_ip((const struct sockaddr *)ss, &ip, &port) < 0)
        return "";
    long start = unprivileged_port_start();
    if (port == 0 || port >= start)
        return "";
    snprintf(hint, sizeof hint, " (ports below %ld need root or CAP_NET_BIND_SERVICE; "
             "see sysctl net.ipv4.ip_unprivileged_port_start)", start);
    return hint;
}

const char *sess_raw_refusal(const struct nr_net *net, int e)
{
    if (net->type != SOCK_RAW || (e != EPERM && e != EACCES))
        return NULL;
    return "raw IP sockets need root or CAP_NET_RAW (run as root, or give the binary "
           "the capability: sudo setcap cap_net_raw+ep $(command -v netrepl))";
}

bool sess_not_socket(const struct sockaddr_storage *ss)
{
    const struct sockaddr_un *su = (const struct sockaddr_un *)ss;
    struct stat st;
    if (ss->ss_family != AF_UNIX || !su->sun_path[0])
        return false;   /* abstract names have no file */
    return lstat(su->sun_path, &st) == 0 && !S_ISSOCK(st.st_mode);
}

/* ---- resolving ---- */

/* Adds ip:port when it fits net's family (v4-mapped counts as IPv4). */
static void add_ip(struct sess_addrs *out, const struct nr_net *net,
                   struct nr_ip ip, uint16_t port)
{
    if (!nr_ip_fits(&ip, net->family))
        return;
    nr_ip_unmap(&ip);
    if (out->n >= SESS_MAXADDRS)
        return;
    if (nr_ip_sockaddr(&ip, port, &out->ss[out->n], &out->len[out->n], NULL, 0) == 0)
        out->n++;
}

static int resolve_name(struct shell *sh, const struct nr_net *net, const char *host,
                        uint16_t port, int64_t deadline_us, struct sess_addrs *out)
{
    struct sh_answer ans;
    if (sh_resolve(sh, host, net->family, deadline_us, &ans) < 0)
        return -1;
    char msg[768];
    if (ans.wait == NR_WAIT_INTR)
        return cmd_error(sh, "lookup %s: interrupted", host), -1;
    int st = ans.wait == NR_WAIT_DONE ? ans.status : ARES_ETIMEOUT;
    if (st != 0) {
        nr_addrs_free(ans.addrs);
        return cmd_error(sh, "%s", nr_dns_resolve_error(sh->dns, host, net->family, st, msg,
                                                         sizeof msg)), -1;
    }
    for (size_t i = 0; i < ans.addrs->n; i++)
        add_ip(out, net, ans.addrs->ip[i], port);
    nr_addrs_free(ans.addrs);
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

/* Raw IP (ip4:PROTO, ip6:PROTO): ADDR is a host without a port, as Go's
 * ResolveIPAddr; empty: all interfaces (listen) or this machine (dial). */
static int resolve_raw(struct shell *sh, const struct nr_net *net, const char *addr,
                       bool passive, int64_t deadline_us, struct sess_addrs *out)
{
    struct nr_ip ip;
    if (!*addr) {
        out->wildcard = passive;
        add_default_host(net, passive, 0, out);
    } else if (nr_ip_parse(addr, &ip, true) == 0) {
        add_ip(out, net, ip, 0);
        if (!out->n)
            return cmd_error(sh, "%s: not an %s address (network %s)", addr,
                             net->family == AF_INET ? "IPv4" : "IPv6", net->name), -1;
    } else if (strchr(addr, ':')) {   /* not an IPv6 address, and no name has one: a port */
        return cmd_error(sh, "%s: a raw IP network (%s) takes a host without a port", addr,
                         net->name), -1;
    } else if (resolve_name(sh, net, addr, 0, deadline_us, out) < 0) {
        return -1;
    }
    return 0;
}

int sess_resolve(struct shell *sh, const struct nr_net *net, const char *addr,
                 bool passive, int64_t deadline_us, struct sess_addrs *out)
{
    char work[512], err[NR_ERRLEN];
    memset(out, 0, sizeof *out);
    if (!passive && addr[0] == '[' && sess_is_id(addr))
        return resolve_session(sh, net, addr, out);
    if (net->family == AF_UNIX) {
        if (nr_unix_sockaddr(addr, &out->ss[0], &out->len[0], err, sizeof err) < 0)
            return cmd_error(sh, "%s: %s", addr, err), -1;
        out->n = 1;
        return 0;
    }
    if (net->type == SOCK_RAW)
        return resolve_raw(sh, net, addr, passive, deadline_us, out);
    struct nr_target t;
    if (nr_target_split(addr, true, work, sizeof work, &t, err, sizeof err) < 0)
        return cmd_error(sh, "%s: %s", addr, err), -1;
    uint16_t p;
    if (parse_port(sh, net, addr, t.port, &p) < 0)
        return -1;
    out->port0 = p == 0;
    if (t.kind == NR_HOST_EMPTY) {
        out->wildcard = passive;
        add_default_host(net, passive, p, out);
    } else if (t.kind == NR_HOST_IP) {
        add_ip(out, net, t.ip, p);
        if (!out->n)
            return cmd_error(sh, "%s: not an %s address (network %s)", addr,
                             net->family == AF_INET ? "IPv4" : "IPv6", net->name), -1;
    } else if (resolve_name(sh, net, t.host, p, deadline_us, out) < 0) {
        return -1;
    }
    return 0;
}
