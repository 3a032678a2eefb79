/* lib/sock — non-blocking socket helpers and socket options. */
#include "lib/sock.h"
#include "lib/util.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <netdb.h>
#include <strings.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <unistd.h>

static const struct nr_net nets[] = {
    { "tcp", AF_UNSPEC, SOCK_STREAM, 0 }, { "tcp4", AF_INET, SOCK_STREAM, 0 },
    { "tcp6", AF_INET6, SOCK_STREAM, 0 }, { "udp", AF_UNSPEC, SOCK_DGRAM, 0 },
    { "udp4", AF_INET, SOCK_DGRAM, 0 },   { "udp6", AF_INET6, SOCK_DGRAM, 0 },
    { "unix", AF_UNIX, SOCK_STREAM, 0 },  { "unixgram", AF_UNIX, SOCK_DGRAM, 0 },
    { "tls", AF_UNSPEC, SOCK_STREAM, 0 }, { "tls4", AF_INET, SOCK_STREAM, 0 },
    { "tls6", AF_INET6, SOCK_STREAM, 0 },
};

const char *const nr_net_names[] = {
    "tcp", "tcp4", "tcp6", "udp", "udp4", "udp6", "unix", "unixgram", "tls", "tls4", "tls6",
    "ip4:icmp", "ip6:ipv6-icmp", "ip4:udp", NULL,
};

/* When /etc/protocols is missing (containers): the ones Go knows, and a few. */
static const struct { const char *name; int p; } protos[] = {
    { "icmp", 1 }, { "igmp", 2 }, { "tcp", 6 }, { "udp", 17 }, { "ipv6-icmp", 58 },
    { "icmpv6", 58 }, { "gre", 47 }, { "esp", 50 }, { "ah", 51 }, { "sctp", 132 },
    { "udplite", 136 }, { "raw", 255 },
};

int nr_ip_proto(const char *s)
{
    char *end;
    if (*s >= '0' && *s <= '9') {
        long v = strtol(s, &end, 10);
        return *end || v < 1 || v > 255 ? -1 : (int)v;
    }
    struct protoent pe, *r = NULL;
    char buf[1024];
    if (getprotobyname_r(s, &pe, buf, sizeof buf, &r) == 0 && r && r->p_proto > 0 &&
        r->p_proto <= 255)
        return r->p_proto;
    for (size_t i = 0; i < sizeof protos / sizeof protos[0]; i++)
        if (!strcasecmp(s, protos[i].name))
            return protos[i].p;
    return -1;
}

const char *nr_ip_proto_name(int p)
{
    for (size_t i = 0; i < sizeof protos / sizeof protos[0]; i++)
        if (protos[i].p == p)
            return protos[i].name;
    return NULL;
}

static int raw_net_parse(const char *s, struct nr_net *net)
{
    int fam = !strncmp(s, "ip4:", 4) ? AF_INET : !strncmp(s, "ip6:", 4) ? AF_INET6 : 0;
    int p = fam ? nr_ip_proto(s + 4) : -1;
    if (p < 0 || strlen(s) >= sizeof net->name)
        return -1;
    memset(net, 0, sizeof *net);
    strcpy(net->name, s);
    net->family = fam;
    net->type = SOCK_RAW;
    net->proto = p;
    return 0;
}

int nr_net_parse(const char *s, struct nr_net *net)
{
    if (!strncmp(s, "ip4:", 4) || !strncmp(s, "ip6:", 4))
        return raw_net_parse(s, net);
    for (size_t i = 0; i < sizeof nets / sizeof nets[0]; i++) {
        if (!strcmp(s, nets[i].name)) {
            *net = nets[i];
            return 0;
        }
    }
    return -1;
}

bool nr_net_is_tls(const struct nr_net *net)
{
    return !strncmp(net->name, "tls", 3);
}

int nr_sock_open(int family, int type)
{
    return socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
}

int nr_sock_open_net(const struct nr_net *net, int family)
{
    return socket(family, net->type | SOCK_NONBLOCK | SOCK_CLOEXEC,
                  net->type == SOCK_RAW ? net->proto : 0);
}

int nr_sock_connect(int fd, const struct sockaddr *sa, socklen_t len)
{
    if (connect(fd, sa, len) == 0)
        return 0;
    if (errno == EINPROGRESS || errno == EAGAIN)
        return 1;
    return -1;
}

int nr_sock_error(int fd)
{
    int e = 0;
    socklen_t l = sizeof e;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &l) < 0)
        return errno;
    return e;
}

int nr_unix_sockaddr(const char *path, struct sockaddr_storage *ss, socklen_t *len,
                     char *err, size_t errlen)
{
    struct sockaddr_un *su = (struct sockaddr_un *)ss;
    size_t n = strlen(path);
    memset(ss, 0, sizeof *ss);
    if (n == 0)
        return nr_err(err, errlen, "empty socket path");
    if (n >= sizeof su->sun_path)
        return nr_err(err, errlen, "socket path too long (at most %zu bytes)",
                      sizeof su->sun_path - 1);
    su->sun_family = AF_UNIX;
    memcpy(su->sun_path, path, n);
    if (path[0] == '@')
        su->sun_path[0] = 0;   /* abstract namespace: no file */
    *len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + (path[0] != '@'));
    return 0;
}

/* Levels and numbers per family: [0] IPv4, [1] IPv6, [2] Unix; level -1 where
 * the option does not apply. */
const struct nr_sockopt nr_sockopts[] = {
    { "keepalive", true, 0, 1, { { SOL_SOCKET, SO_KEEPALIVE }, { SOL_SOCKET, SO_KEEPALIVE },
                                 { SOL_SOCKET, SO_KEEPALIVE } } },
    { "nodelay", true, 0, 1, { { IPPROTO_TCP, TCP_NODELAY }, { IPPROTO_TCP, TCP_NODELAY },
                               { -1, 0 } } },
    { "rcvbuf", false, 0, 1 << 30, { { SOL_SOCKET, SO_RCVBUF }, { SOL_SOCKET, SO_RCVBUF },
                                     { SOL_SOCKET, SO_RCVBUF } } },
    { "sndbuf", false, 0, 1 << 30, { { SOL_SOCKET, SO_SNDBUF }, { SOL_SOCKET, SO_SNDBUF },
                                     { SOL_SOCKET, SO_SNDBUF } } },
    { "ttl", false, 1, 255, { { IPPROTO_IP, IP_TTL }, { IPPROTO_IPV6, IPV6_UNICAST_HOPS },
                              { -1, 0 } } },
    { "reuseaddr", true, 0, 1, { { SOL_SOCKET, SO_REUSEADDR }, { SOL_SOCKET, SO_REUSEADDR },
                                 { SOL_SOCKET, SO_REUSEADDR } } },
    { NULL, false, 0, 0, { { 0, 0 }, { 0, 0 }, { 0, 0 } } },
};

const struct nr_sockopt *nr_sockopt_find(const char *name)
{
    for (const struct nr_sockopt *o = nr_sockopts; o->name; o++)
        if (!strcmp(o->name, name))
            return o;
    return NULL;
}

bool nr_sockopt_is_bool(const char *name)
{
    const struct nr_sockopt *o = nr_sockopt_find(name);
    return o && o->boolean;
}

/* The level and option number behind a name, for this socket's family. */
static int opt_lookup(const char *name, int family, int *level, int *opt)
{
    const struct nr_sockopt *o = nr_sockopt_find(name);
    int f = family == AF_INET ? 0 : family == AF_INET6 ? 1 : family == AF_UNIX ? 2 : -1;
    if (!o || f < 0 || o->at[f].level < 0)
        return -1;
    *level = o->at[f].level;
    *opt = o->at[f].opt;
    return 0;
}

int nr_sock_setopt(int fd, int family, const char *name, long long v,
                   char *err, size_t errlen)
{
    int level, opt;
    const struct nr_sockopt *o = nr_sockopt_find(name);
    if (!o)
        return nr_err(err, errlen, "%s: no such option (one of: keepalive nodelay rcvbuf "
                      "sndbuf ttl reuseaddr)", name);
    if (opt_lookup(name, family, &level, &opt) < 0)
        return nr_err(err, errlen, "%s: not an option of this kind of socket", name);
    if (v < o->min || v > o->max)
        return nr_err(err, errlen, "%s: %lld out of range (%lld to %lld)", name, v, o->min,
                      o->max);
    int iv = (int)v;
    if (setsockopt(fd, level, opt, &iv, sizeof iv) < 0)
        return nr_err(err, errlen, "%s: %s", name, strerror(errno));
    return 0;
}

int nr_sock_getopt(int fd, int family, const char *name, long long *v)
{
    int level, opt, iv = 0;
    socklen_t l = sizeof iv;
    if (opt_lookup(name, family, &level, &opt) < 0)
        return -1;
    if (getsockopt(fd, level, opt, &iv, &l) < 0)
        return -1;
    *v = iv;
    return 0;
}

#if defined(__linux__) && defined(TCP_INFO)
static const char *tcp_state_name(unsigned s)
{
    static const char *const names[] = {
        "?", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2",
        "TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING",
    };
    return s < sizeof names / sizeof names[0] ? names[s] : "?";
}

int nr_tcp_info(int fd, struct nr_tcpinfo *ti)
{
    struct tcp_info t;
    socklen_t l = sizeof t;
    memset(&t, 0, sizeof t);
    if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &t, &l) < 0)
        return -1;
    ti->state = tcp_state_name(t.tcpi_state);
    ti->rtt_us = t.tcpi_rtt;
    ti->rttvar_us = t.tcpi_rttvar;
    ti->snd_cwnd = t.tcpi_snd_cwnd;
    ti->snd_mss = t.tcpi_snd_mss;
    ti->rcv_mss = t.tcpi_rcv_mss;
    ti->retransmits = t.tcpi_retransmits;
    ti->total_retrans = t.tcpi_total_retrans;
    ti->unacked = t.tcpi_unacked;
    ti->lost = t.tcpi_lost;
    return 0;
}
#else
int nr_tcp_info(int fd, struct nr_tcpinfo *ti)
{
    (void)fd;
    (void)ti;
    errno = ENOTSUP;
    return -1;
}
#endif

const char *nr_sock_strerror(int e)
{
    switch (e) {
    case ECONNREFUSED: return "connection refused";
    case ETIMEDOUT: return "timed out";
    case ENETUNREACH: return "network is unreachable";
    case EHOSTUNREACH: return "host is unreachable";
    case ECONNRESET: return "connection reset by peer";
    case EPIPE: return "broken pipe (the peer has closed the connection)";
    case EADDRINUSE: return "address already in use";
    case EADDRNOTAVAIL: return "address not available on this machine";
    case EMFILE: return "too many open files (the process fd limit is reached)";
    case ENFILE: return "too many open files in the system";
    case EACCES: return "permission denied";
    case ENOENT: return "no such file or directory";
    case EAFNOSUPPORT: return "address family not supported";
    case EMSGSIZE: return "message too long for one datagram";
    default: return strerror(e);
    }
}
