/* cmds/sess — what the session commands (dial, listen, accept, send, recv,
 * sessions, use, close, shutdown, set, info) share: the table on the shell,
 * session arguments, address resolution through c-ares, event notices. */
#ifndef NR_CMDS_SESS_H
#define NR_CMDS_SESS_H

#include "lib/addr.h"
#include "lib/session.h"
#include "shell/shell.h"

/* Candidate socket addresses for ADDR on net. */
enum { SESS_MAXADDRS = 16 };
struct sess_addrs {
    size_t n;
    struct sockaddr_storage ss[SESS_MAXADDRS];
    socklen_t len[SESS_MAXADDRS];
    bool wildcard;   /* passive with an empty host: all interfaces */
    bool port0;      /* port 0: the system chooses */
};
/* Resolves "host:port" (or a Unix path) for net: literal IPs directly, names
 * through c-ares (hosts file first). passive: an empty host means all
 * interfaces (listen); otherwise the local system (dial). A name is
 * resolved with sh_resolve (shell/resolve.h): waits until deadline_us (-1:
 * the resolver's own timeout) or Ctrl-C. Returns 0, or -1 after printing
 * the error. */
int sess_resolve(struct shell *sh, const struct nr_net *net, const char *addr,
                 bool passive, int64_t deadline_us, struct sess_addrs *out);

/* "127.0.0.1:50312", "[::1]:80", a Unix path, "-" when len is 0. */
const char *sess_addr(const struct sockaddr_storage *ss, socklen_t len, char *buf, size_t n);

/* The host alone ("127.0.0.1", "::1"), for raw IP sessions (no ports). */
const char *sess_host(const struct sockaddr_storage *ss, socklen_t len, char *buf, size_t n);
/* sess_addr, or sess_host when s is a raw IP session. */
const char *sess_addr_of(const struct nr_session *s, const struct sockaddr_storage *ss,
                         socklen_t len, char *buf, size_t n);

/* An address field: text "-" and JSON null when len is 0. A macro, so the
 * compiler checks fmt against the string it gets. */
#define sess_out_addr(sh, key, fmt, ss, len)                                         \
    do {                                                                             \
        char sa_[NR_ADDRSTRLEN];                                                     \
        out_str(sh, key, fmt,                                                        \
                (len) || !(sh)->json ? sess_addr(ss, len, sa_, sizeof sa_) : NULL); \
    } while (0)
/* Prints "[ID] proto local -> remote" fields (text and JSON). */
void sess_out_ends(struct shell *sh, const struct nr_session *s);

/* The networks dial and listen take, for Tab completion word lists. */
#define SESS_NET_WORDS "tcp", "tcp4", "tcp6", "udp", "udp4", "udp6", "unix", "unixgram", \
    "tls", "tls4", "tls6", "ip4:icmp", "ip6:ipv6-icmp", "ip4:udp"

/* After a bind failed with errno e on ss: a hint for a port below the
 * unprivileged limit ("(ports below 1024 need ...)"), or "". */
const char *sess_bind_hint(int e, const struct sockaddr_storage *ss);
/* True when ss is a Unix path that exists and is not a socket. */
bool sess_not_socket(const struct sockaddr_storage *ss);

/* After socket() on net failed with errno e: for a raw IP network without
 * the privilege, the one-line reason and fix; else NULL. */
const char *sess_raw_refusal(const struct nr_net *net, int e);

/* recv on a raw IP session: one datagram (cmds/rawip.c). ip: decode the
 * IPv4 and ICMP headers in text too, and show the bytes after the IP header. */
void raw_show_dgram(struct shell *sh, const struct nr_session *s, const struct nr_dgram *d,
                    bool hex, bool ip, bool raw);

/* Parses on/off, yes/no, true/false, 1/0. Returns 0 or -1. */
int sess_parse_bool(const char *w, bool *v);

/* listen --capture: captures s from now on (cmds/capture.c). Returns CMD_*. */
int sess_capture_new(struct shell *sh, struct nr_session *s);

#endif
