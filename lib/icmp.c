/* lib/icmp — echo packets (checksum, build, validate) and ICMP sockets
 * (datagram first, raw fallback). See icmp.h. Never prints. */
#include "lib/icmp.h"
#include "lib/util.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <linux/icmp.h>
#endif

/* ---- packets ---- */

static uint32_t sum16(uint32_t acc, const uint8_t *b, size_t n)
{
    for (; n >= 2; b += 2, n -= 2)
        acc += (uint32_t)b[0] << 8 | b[1];
    if (n)
        acc += (uint32_t)b[0] << 8;   /* odd length: pad with a zero byte */
    return acc;
}

static uint16_t fold(uint32_t acc)
{
    while (acc >> 16)
        acc = (acc & 0xffff) + (acc >> 16);
    return (uint16_t)~acc;
}

uint16_t nr_icmp_checksum(const void *p, size_t n)
{
    return fold(sum16(0, p, n));
}

uint16_t nr_icmp6_checksum(const uint8_t src[16], const uint8_t dst[16],
                           const void *p, size_t n)
{
    uint8_t tail[8] = { (uint8_t)(n >> 24), (uint8_t)(n >> 16), (uint8_t)(n >> 8),
                        (uint8_t)n, 0, 0, 0, 58 };
    uint32_t acc = sum16(0, src, 16);
    acc = sum16(acc, dst, 16);
    acc = sum16(acc, tail, sizeof tail);
    return fold(sum16(acc, p, n));
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

int nr_icmp_build_echo(uint8_t *buf, size_t cap, bool v6, uint16_t id,
                       uint16_t seq, size_t size, int64_t tx_ns)
{
    if (size > NR_ICMP_MAXDATA || cap < NR_ICMP_HDRLEN + size)
        return -1;
    buf[0] = v6 ? NR_ICMP6_ECHO : NR_ICMP_ECHO;
    buf[1] = 0;
    put16(buf + 2, 0);
    put16(buf + 4, id);
    put16(buf + 6, seq);
    uint8_t *d = buf + NR_ICMP_HDRLEN;
    size_t i = 0;
    if (size >= NR_ICMP_TSLEN) {
        uint64_t t = (uint64_t)tx_ns;
        for (; i < NR_ICMP_TSLEN; i++)
            d[i] = (uint8_t)(t >> (56 - 8 * i));
    }
    for (; i < size; i++)
        d[i] = (uint8_t)(0x10 + i);
    /* ICMPv6: left 0, the kernel computes it (see icmp.h). */
    if (!v6)
        put16(buf + 2, nr_icmp_checksum(buf, NR_ICMP_HDRLEN + size));
    return (int)(NR_ICMP_HDRLEN + size);
}

/* IPv4 raw sockets deliver the IP header: check it and skip IHL*4 bytes. */
static int skip_iphdr(const uint8_t **p, size_t *n, int *ttl)
{
    if (*n < 20 || (*p)[0] >> 4 != 4)
        return -1;
    size_t ihl = (size_t)((*p)[0] & 0x0f) * 4;
    if (ihl < 20 || ihl > *n)
        return -1;
    *ttl = (*p)[8];
    *p += ihl;
    *n -= ihl;
    return 0;
}

static bool sum_ok(const uint8_t *p, size_t n, const struct nr_icmp_expect *ex)
{
    if (!ex->v6)
        return nr_icmp_checksum(p, n) == 0;
    if (!ex->src6 || !ex->dst6)
        return true;   /* no pseudo-header: the kernel has checked it already */
    return nr_icmp6_checksum(ex->src6, ex->dst6, p, n) == 0;
}

enum nr_icmp_check nr_icmp_parse_reply(const uint8_t *p, size_t n,
                                       const struct nr_icmp_expect *ex,
                                       struct nr_icmp_reply *r)
{
    memset(r, 0, sizeof *r);
    r->ttl = -1;
    if (ex->iphdr && !ex->v6 && skip_iphdr(&p, &n, &r->ttl) < 0)
        return NR_ICMP_TRUNCATED;
    if (n < NR_ICMP_HDRLEN)
        return NR_ICMP_TRUNCATED;
    r->type = p[0];
    r->code = p[1];
    r->id = get16(p + 4);
    r->seq = get16(p + 6);
    r->icmplen = n;
    r->data = p + NR_ICMP_HDRLEN;
    r->datalen = n - NR_ICMP_HDRLEN;
    if (!sum_ok(p, n, ex))
        return NR_ICMP_BADSUM;
    if (r->type != (ex->v6 ? NR_ICMP6_ECHOREPLY : NR_ICMP_ECHOREPLY) || r->code != 0)
        return NR_ICMP_NOTREPLY;
    if (r->id != ex->id)
        return NR_ICMP_OTHERID;
    return NR_ICMP_OK;
}

/* ---- sockets ---- */

int64_t nr_realtime_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

const char *nr_icmp_kind_str(enum nr_icmp_kind k)
{
    return k == NR_ICMP_RAW ? "raw" : "datagram";
}

/* Why the datagram socket was refused, in terms an administrator can act on. */
static void dgram_why(int e, char *buf, size_t n)
{
    if (e != EACCES) {
        snprintf(buf, n, "%s", strerror(e));
        return;
    }
    char range[64] = "?";
    FILE *f = fopen("/proc/sys/net/ipv4/ping_group_range", "r");
    if (f) {
        if (fgets(range, sizeof range, f))
            range[strcspn(range, "\n")] = 0;
        for (char *t = range; *t; t++)
            if (*t == '\t')
                *t = ' ';
        fclose(f);
    }
    snprintf(buf, n, "%s: group %ld is outside net.ipv4.ping_group_range \"%s\"",
             strerror(e), (long)getegid(), range);
}

static int refused(int dgram_errno, int raw_errno, char *err, size_t errlen)
{
    char why[160];
    dgram_why(dgram_errno, why, sizeof why);
    bool perm = raw_errno == EPERM || raw_errno == EACCES;
    return nr_err(err, errlen, "no ICMP socket: datagram: %s; raw: %s%s", why,
                  strerror(raw_errno), perm ? " (needs root or CAP_NET_RAW)" : "");
}

static int on(int fd, int level, int opt)
{
    int one = 1;
    return setsockopt(fd, level, opt, &one, sizeof one);
}

static int setup_v4(int fd, enum nr_icmp_kind kind, int ttl)
{
    if (on(fd, IPPROTO_IP, IP_RECVTTL) < 0)
        return -1;
    if (ttl > 0 && setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof ttl) < 0)
        return -1;
#ifdef ICMP_FILTER
    if (kind == NR_ICMP_RAW) {
        /* A raw socket sees every ICMP packet (our own requests on loopback
         * too); let only echo replies wake us. Replies are still validated. */
        struct icmp_filter f = { ~(1U << NR_ICMP_ECHOREPLY) };
        if (setsockopt(fd, SOL_RAW, ICMP_FILTER, &f, sizeof f) < 0)
            return -1;
    }
#endif
    return 0;
}

static int setup_v6(int fd, enum nr_icmp_kind kind, int ttl)
{
    if (on(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT) < 0 || on(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO) < 0)
        return -1;
    if (ttl > 0 && (setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &ttl, sizeof ttl) < 0 ||
                    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &ttl, sizeof ttl) < 0))
        return -1;
    if (kind == NR_ICMP_RAW) {
        struct icmp6_filter f;
        ICMP6_FILTER_SETBLOCKALL(&f);
        ICMP6_FILTER_SETPASS(NR_ICMP6_ECHOREPLY, &f);
        if (setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &f, sizeof f) < 0)
            return -1;
    }
    return 0;
}

/* Datagram sockets: the kernel owns the identifier, it is the local "port". */
static int dgram_id(int fd, int family, uint16_t *id)
{
    struct sockaddr_storage ss;
    socklen_t len = family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
    memset(&ss, 0, sizeof ss);
    ss.ss_family = (sa_family_t)family;
    if (bind(fd, (struct sockaddr *)&ss, len) < 0)
        return -1;
    len = sizeof ss;
    if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
        return -1;
    *id = ntohs(family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
                                  : ((struct sockaddr_in6 *)&ss)->sin6_port);
    return 0;
}

static uint16_t random_id(void)
{
    uint16_t id;
    if (getrandom(&id, sizeof id, GRND_NONBLOCK) != (ssize_t)sizeof id)
        id = (uint16_t)(getpid() ^ (nr_realtime_ns() >> 10));
    return id;
}

static int setup(struct nr_icmp_sock *s, int ttl)
{
    int r = s->family == AF_INET ? setup_v4(s->fd, s->kind, ttl) : setup_v6(s->fd, s->kind, ttl);
    if (r < 0)
        return -1;
#ifdef SO_TIMESTAMPNS
    if (on(s->fd, SOL_SOCKET, SO_TIMESTAMPNS) < 0)
        return -1;
#else
    if (on(s->fd, SOL_SOCKET, SO_TIMESTAMP) < 0)
        return -1;
#endif
    if (s->kind == NR_ICMP_DGRAM)
        return dgram_id(s->fd, s->family, &s->id);
    s->id = random_id();
    return 0;
}

int nr_icmp_open(struct nr_icmp_sock *s, int family, int ttl, char *err, size_t errlen)
{
    int proto = family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6;
    int flags = SOCK_NONBLOCK | SOCK_CLOEXEC;
    s->family = family;
    s->kind = NR_ICMP_DGRAM;
    s->fd = socket(family, SOCK_DGRAM | flags, proto);
    if (s->fd < 0) {
        int dgram_errno = errno;
        s->kind = NR_ICMP_RAW;
        s->fd = socket(family, SOCK_RAW | flags, proto);
        if (s->fd < 0)
            return refused(dgram_errno, errno, err, errlen);
    }
    if (setup(s, ttl) < 0) {
        int e = errno;
        nr_icmp_close(s);
        errno = e;
        return nr_err(err, errlen, "%s ICMP socket: %s", nr_icmp_kind_str(s->kind), strerror(e));
    }
    return 0;
}

int nr_icmp_open_id(struct nr_icmp_sock *s, int family, int ttl, uint16_t id, bool *id_kept,
                    char *err, size_t errlen)
{
    int proto = family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6;
    *id_kept = false;
    s->family = family;
    s->kind = NR_ICMP_RAW;
    s->fd = socket(family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
    if (s->fd < 0)
        return nr_icmp_open(s, family, ttl, err, errlen);
    if (setup(s, ttl) < 0) {
        int e = errno;
        nr_icmp_close(s);
        errno = e;
        return nr_err(err, errlen, "raw ICMP socket: %s", strerror(e));
    }
    s->id = id;
    *id_kept = true;
    return 0;
}

void nr_icmp_close(struct nr_icmp_sock *s)
{
    if (s->fd >= 0)
        close(s->fd);
    s->fd = -1;
}

static void take_cmsg(const struct cmsghdr *c, struct nr_icmp_rx *rx)
{
    const void *d = CMSG_DATA(c);
    int v;
    if (c->cmsg_level == SOL_SOCKET) {
#ifdef SCM_TIMESTAMPNS
        if (c->cmsg_type == SCM_TIMESTAMPNS) {
            struct timespec ts;
            memcpy(&ts, d, sizeof ts);
            rx->rx_ns = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
        }
#endif
        if (c->cmsg_type == SCM_TIMESTAMP) {
            struct timeval tv;
            memcpy(&tv, d, sizeof tv);
            rx->rx_ns = (int64_t)tv.tv_sec * 1000000000 + (int64_t)tv.tv_usec * 1000;
        }
    } else if ((c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL) ||
               (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPLIMIT)) {
        memcpy(&v, d, sizeof v);
        rx->ttl = v;
    } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
        struct in6_pktinfo pi;
        memcpy(&pi, d, sizeof pi);
        memcpy(rx->dst6, &pi.ipi6_addr, 16);
        rx->have_dst6 = true;
    }
}

long nr_icmp_recv(const struct nr_icmp_sock *s, uint8_t *buf, size_t cap,
                  struct nr_icmp_rx *rx)
{
    union {
        char b[512];
        struct cmsghdr align;
    } ctl;
    struct iovec iov = { buf, cap };
    memset(rx, 0, sizeof *rx);
    rx->ttl = -1;
    struct msghdr m = { .msg_name = &rx->from, .msg_namelen = sizeof rx->from,
                        .msg_iov = &iov, .msg_iovlen = 1,
                        .msg_control = ctl.b, .msg_controllen = sizeof ctl.b };
    ssize_t n = recvmsg(s->fd, &m, 0);
    if (n < 0)
        return -1;
    rx->fromlen = m.msg_namelen;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c))
        take_cmsg(c, rx);
    return (long)n;
}

int nr_icmp_send(const struct nr_icmp_sock *s, const void *p, size_t n,
                 const struct sockaddr *to, socklen_t tolen)
{
    ssize_t r = sendto(s->fd, p, n, 0, to, tolen);
    if (r < 0)
        return -1;
    if ((size_t)r != n) {
        errno = EMSGSIZE;
        return -1;
    }
    return 0;
}
