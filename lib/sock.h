/* lib/sock — non-blocking socket helpers: network names (tcp4, udp6, unix),
 * socket creation, non-blocking connect, socket options, TCP_INFO, and
 * errno values in the words a user of nc/Go expects. Never prints. */
#ifndef NR_SOCK_H
#define NR_SOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* A network as Dial/Listen name it. */
struct nr_net {
    char name[40];  /* "tcp", "udp4", "unix", "unixgram", "ip4:icmp" */
    int family;     /* AF_UNSPEC (tcp, udp), AF_INET, AF_INET6 or AF_UNIX */
    int type;       /* SOCK_STREAM, SOCK_DGRAM or SOCK_RAW (ip4:PROTO, ip6:PROTO) */
    int proto;      /* SOCK_RAW: the IP protocol number (1..255); else 0 */
};

/* The networks dial and listen take, NULL-terminated: tcp tcp4 tcp6 udp
 * udp4 udp6 unix unixgram tls tls4 tls6, and for completion the common raw IP networks
 * (ip4:icmp ip6:ipv6-icmp ip4:udp); any ip4:PROTO / ip6:PROTO parses. */
extern const char *const nr_net_names[];
/* "tcp, tcp4, …, unixgram" for messages. */
#define NR_NET_LIST "tcp, tcp4, tcp6, udp, udp4, udp6, unix, unixgram, tls, tls4, tls6, " \
    "ip4:PROTO, ip6:PROTO"
/* tls, tls4, tls6: TCP with TLS on top. */
bool nr_net_is_tls(const struct nr_net *net);
/* Parses one of nr_net_names, or ip4:PROTO / ip6:PROTO (Go's DialIP
 * networks: PROTO a number 1..255 or a name from /etc/protocols, with a
 * built-in table when that file is missing). Returns 0 or -1. */
int nr_net_parse(const char *s, struct nr_net *net);
/* An IP protocol by number or name ("icmp", "ipv6-icmp", "17"). Returns
 * the number (1..255) or -1. */
int nr_ip_proto(const char *s);
/* The name of protocol p ("icmp", "udp"), or NULL when unknown. */
const char *nr_ip_proto_name(int p);
/* A raw IP network (ip4:PROTO, ip6:PROTO). */
static inline bool nr_net_is_raw(const struct nr_net *n) { return n->type == SOCK_RAW; }

/* socket() non-blocking and close-on-exec. Returns fd or -1 with errno. */
int nr_sock_open(int family, int type);
/* The same for net (its type and, for raw IP, its protocol). */
int nr_sock_open_net(const struct nr_net *net, int family);

/* Starts a non-blocking connect. Returns 0 when connected at once, 1 when in
 * progress (wait for writable, then nr_sock_error()), -1 with errno. */
int nr_sock_connect(int fd, const struct sockaddr *sa, socklen_t len);
/* SO_ERROR of fd (0 when none; an errno value otherwise). */
int nr_sock_error(int fd);

/* Unix-domain address from a path ("@name" is Linux's abstract namespace).
 * Returns 0, or -1 with err when the path is too long. */
int nr_unix_sockaddr(const char *path, struct sockaddr_storage *ss, socklen_t *len,
                     char *err, size_t errlen);

/* Socket options by the names `set` uses: keepalive nodelay rcvbuf sndbuf
 * ttl reuseaddr. nr_sock_setopt returns 0 or -1 with err; get returns 0 with
 * *v or -1 (option not applicable to this socket). */
int nr_sock_setopt(int fd, int family, const char *name, long long v,
                   char *err, size_t errlen);
int nr_sock_getopt(int fd, int family, const char *name, long long *v);
/* The one table of those options: name, on/off or a number in [min, max],
 * and the level and number for IPv4, IPv6 and Unix sockets (level -1: not
 * applicable). Ends with a NULL name. set, info and completion use it. */
struct nr_sockopt {
    const char *name;
    bool boolean;
    long long min, max;
    struct { int level, opt; } at[3];
};
extern const struct nr_sockopt nr_sockopts[];
const struct nr_sockopt *nr_sockopt_find(const char *name);
bool nr_sockopt_is_bool(const char *name);

/* TCP_INFO figures (Linux); nr_tcp_info returns -1 where unsupported. */
struct nr_tcpinfo {
    const char *state;      /* "ESTABLISHED", ... */
    uint32_t rtt_us, rttvar_us, snd_cwnd, snd_mss, rcv_mss;
    uint32_t retransmits, total_retrans, unacked, lost;
};
int nr_tcp_info(int fd, struct nr_tcpinfo *ti);

/* A connect/IO errno in plain words ("connection refused", ...). */
const char *nr_sock_strerror(int e);

#endif
