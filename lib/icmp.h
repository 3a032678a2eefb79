/* lib/icmp — ICMP and ICMPv6 echo at the packet and socket level: the
 * Internet checksum, building echo requests, validating echo replies
 * (checksum, type, code, identifier; IPv4 raw packets with their IP header),
 * and opening an ICMP socket the way iputils does: an unprivileged datagram
 * socket where net.ipv4.ping_group_range allows it, a raw socket otherwise.
 * Never prints; errors go to caller buffers. */
#ifndef NR_ICMP_H
#define NR_ICMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

enum {
    NR_ICMP_ECHOREPLY = 0,
    NR_ICMP_ECHO = 8,
    NR_ICMP6_ECHO = 128,
    NR_ICMP6_ECHOREPLY = 129,
    NR_ICMP_HDRLEN = 8,      /* type, code, checksum, identifier, sequence */
    NR_ICMP_TSLEN = 8,       /* payload timestamp: CLOCK_REALTIME ns, big-endian */
    NR_ICMP_MAXDATA = 65507, /* largest payload of an IPv4 datagram */
};

/* The Internet checksum (RFC 1071) of p[0..n): the value to store big-endian
 * in the checksum field. A packet whose stored checksum is right sums to 0. */
uint16_t nr_icmp_checksum(const void *p, size_t n);
/* The ICMPv6 checksum over the IPv6 pseudo-header (src, dst, length, 58)
 * and p[0..n). */
uint16_t nr_icmp6_checksum(const uint8_t src[16], const uint8_t dst[16],
                           const void *p, size_t n);

/* Writes an echo request (ICMP type 8, or ICMPv6 128 when v6) of
 * NR_ICMP_HDRLEN + size bytes into buf. The payload starts with the send time
 * tx_ns when size >= NR_ICMP_TSLEN; the rest is the pattern 0x10, 0x11, ….
 * IPv4 gets its checksum here; for ICMPv6 the field stays 0 because the
 * checksum covers the source address the kernel picks, so the kernel fills it
 * in on both socket kinds (RFC 3542 §3.1: raw ICMPv6 sockets always do;
 * ping sockets always do). Returns the length, or -1 when cap is too small
 * or size exceeds NR_ICMP_MAXDATA. */
int nr_icmp_build_echo(uint8_t *buf, size_t cap, bool v6, uint16_t id,
                       uint16_t seq, size_t size, int64_t tx_ns);

/* What a reply must be. */
struct nr_icmp_expect {
    bool v6;
    bool iphdr;               /* IPv4 raw socket: the packet starts with the IP header */
    uint16_t id;              /* our identifier (datagram sockets: the local port) */
    const uint8_t *src6;      /* ICMPv6: source and destination of the packet for */
    const uint8_t *dst6;      /* the pseudo-header checksum; NULL: not verifiable */
};

enum nr_icmp_check {
    NR_ICMP_OK = 0,
    NR_ICMP_TRUNCATED,   /* shorter than the headers it claims */
    NR_ICMP_BADSUM,      /* checksum wrong */
    NR_ICMP_NOTREPLY,    /* another ICMP type, or a reply with a code other than 0 */
    NR_ICMP_OTHERID,     /* an echo reply for someone else */
};

struct nr_icmp_reply {
    uint8_t type, code;
    uint16_t id, seq;
    int ttl;                  /* from the IPv4 header (iphdr), else -1 */
    size_t icmplen;           /* ICMP bytes: header and payload */
    const uint8_t *data;      /* payload, points into the packet */
    size_t datalen;
};

/* Validates one received packet p[0..n) against ex and fills r (type, id and
 * seq are filled as soon as the ICMP header is there, even when a later check
 * fails). Checks, in order: length (and the IPv4 header's IHL when iphdr),
 * checksum, type and code, identifier. */
enum nr_icmp_check nr_icmp_parse_reply(const uint8_t *p, size_t n,
                                       const struct nr_icmp_expect *ex,
                                       struct nr_icmp_reply *r);

/* ---- sockets ---- */
enum nr_icmp_kind { NR_ICMP_DGRAM, NR_ICMP_RAW };

struct nr_icmp_sock {
    int fd;                   /* non-blocking, close-on-exec; -1 when closed */
    int family;               /* AF_INET or AF_INET6 */
    enum nr_icmp_kind kind;
    uint16_t id;              /* identifier replies carry */
};

/* Opens a socket for echoes to family: datagram first, raw when the datagram
 * socket is refused. ttl > 0 sets the unicast TTL / hop limit. Asks for the
 * reply's TTL (IP_RECVTTL / IPV6_RECVHOPLIMIT), kernel receive timestamps and
 * IPv6 packet info. When neither kind can be had, err says why and how to
 * allow it (net.ipv4.ping_group_range, CAP_NET_RAW). Returns 0 or -1.
 * The caller closes s->fd with nr_icmp_close(). */
int nr_icmp_open(struct nr_icmp_sock *s, int family, int ttl, char *err, size_t errlen);
/* The same with the identifier given (ping --id): a raw socket first, as
 * only there is the identifier ours (a datagram ICMP socket's is its local
 * port, which the kernel picks); when raw sockets are refused, the datagram
 * socket with the kernel's identifier and *id_kept false. */
int nr_icmp_open_id(struct nr_icmp_sock *s, int family, int ttl, uint16_t id, bool *id_kept,
                    char *err, size_t errlen);
void nr_icmp_close(struct nr_icmp_sock *s);
const char *nr_icmp_kind_str(enum nr_icmp_kind k);

/* Ancillary facts about a received packet. */
struct nr_icmp_rx {
    struct sockaddr_storage from;
    socklen_t fromlen;
    int ttl;                  /* TTL / hop limit from a cmsg, -1 when none */
    int64_t rx_ns;            /* kernel receive time (CLOCK_REALTIME), 0 when none */
    uint8_t dst6[16];         /* IPv6 destination (IPV6_PKTINFO) */
    bool have_dst6;
};
/* One recvmsg(). Returns the length, or -1 with errno (EAGAIN when none). */
long nr_icmp_recv(const struct nr_icmp_sock *s, uint8_t *buf, size_t cap,
                  struct nr_icmp_rx *rx);
/* One sendto(). Returns 0, or -1 with errno. */
int nr_icmp_send(const struct nr_icmp_sock *s, const void *p, size_t n,
                 const struct sockaddr *to, socklen_t tolen);

/* CLOCK_REALTIME in ns: the clock kernel receive timestamps use. */
int64_t nr_realtime_ns(void);

#endif
