/* lib/capture — see capture.h. Relative TCP numbers are kept per
 * connection (a listener's capture sees many): the first sequence number
 * seen in each direction is that direction's zero, as Wireshark shows them. */
#include "lib/capture.h"
#include "lib/pcapfile.h"
#include "lib/util.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Without a pcap file only the headers are needed: 256 bytes hold link, IP
 * and TCP headers with options, and spare the kernel copying each payload
 * into the ring (the capture's main cost on a bulk transfer). */
enum { MAX_FLOWS = 256, SNAPLEN = 262144, SNAPLEN_HEADERS = 256, BUF_BYTES = 32 << 20 };

struct flow {
    unsigned char a[18], b[18];   /* address (16) + port (2) of each end */
    uint32_t isn[2];
    bool have[2];
    int ws[2];                    /* window scale each end offered, -1 none */
};

struct nr_capture {
    struct nr_loop *loop;
    pcap_t *p;
    struct nr_pcapfile *file;     /* --file: its own capture, in a process of its own */
    char file_err[NR_ERRLEN];     /* why the file is incomplete, "" */
    uint64_t file_packets, file_drops;
    bool file_done;               /* a file was written and finished */
    int fd, dlt;
    nr_cap_fn fn;
    void *arg;
    struct nr_cap_spec spec;
    char filter[512];
    char ifname[32];
    int64_t t0;
    uint64_t seen;
    struct flow flows[MAX_FLOWS];
    size_t nflows, next_flow;
};

/* ---- words ---- */

const char *nr_tcp_flags_str(unsigned flags, char *buf, size_t n)
{
    static const char *const names[] = { "FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR" };
    size_t k = 0;
    buf[0] = 0;
    for (int i = 0; i < 8; i++) {
        if (!(flags >> i & 1))
            continue;
        int w = snprintf(buf + k, n - k, "%s%s", k ? "+" : "", names[i]);
        if (w < 0 || (size_t)w >= n - k) {
            buf[k] = 0;   /* whole words only */
            break;
        }
        k += (size_t)w;
    }
    if (!k)
        snprintf(buf, n, "none");
    return buf;
}

const char *nr_icmp_str(int proto, int type, int code)
{
    if (proto == IPPROTO_ICMPV6) {
        switch (type) {
        case 1: return code == 4 ? "port unreachable" : "destination unreachable";
        case 2: return "packet too big";
        case 3: return "time exceeded";
        case 128: return "echo request";
        case 129: return "echo reply";
        case 135: return "neighbor solicitation";
        case 136: return "neighbor advertisement";
        default: return "icmpv6";
        }
    }
    switch (type) {
    case 0: return "echo reply";
    case 3:
        switch (code) {
        case 0: return "network unreachable";
        case 1: return "host unreachable";
        case 2: return "protocol unreachable";
        case 3: return "port unreachable";
        case 4: return "fragmentation needed";
        case 13: return "administratively prohibited";
        default: return "destination unreachable";
        }
    case 5: return "redirect";
    case 8: return "echo request";
    case 11: return "time exceeded";
    default: return "icmp";
    }
}

/* ---- decoding ---- */

static uint16_t get16(const unsigned char *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static uint32_t get32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The offset of the IP header in a frame, and its version (4, 6; 0 none). */
static size_t link_skip(int dlt, const unsigned char *f, size_t n, int *ver)
{
    size_t off = 0;
    unsigned type = 0;
    *ver = 0;
    switch (dlt) {
    case DLT_EN10MB:
        if (n < 14) return 0;
        off = 14, type = get16(f + 12);
        if (type == 0x8100 && n >= 18)
            off = 18, type = get16(f + 16);
        break;
    case DLT_LINUX_SLL:
        if (n < 16) return 0;
        off = 16, type = get16(f + 14);
        break;
    case DLT_LINUX_SLL2:
        if (n < 20) return 0;
        off = 20, type = get16(f);
        break;
    case DLT_NULL:
        if (n < 4) return 0;
        off = 4, type = f[0] == 2 || f[3] == 2 ? 0x0800 : 0x86dd;
        break;
    case DLT_RAW:
        if (n < 1) return 0;
        off = 0, type = (f[0] >> 4) == 4 ? 0x0800 : 0x86dd;
        break;
    default:
        return 0;
    }
    *ver = type == 0x0800 ? 4 : type == 0x86dd ? 6 : 0;
    return off;
}

static void set_addr(struct sockaddr_storage *ss, socklen_t *len, int ver,
                     const unsigned char *ip, uint16_t port)
{
    memset(ss, 0, sizeof *ss);
    if (ver == 4) {
        struct sockaddr_in *a = (struct sockaddr_in *)ss;
        a->sin_family = AF_INET;
        memcpy(&a->sin_addr, ip, 4);
        a->sin_port = htons(port);
        *len = sizeof *a;
    } else {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
        a->sin6_family = AF_INET6;
        memcpy(&a->sin6_addr, ip, 16);
        a->sin6_port = htons(port);
        *len = sizeof *a;
    }
}

/* The window scale option of a SYN, -1 when absent. */
static int tcp_wscale(const unsigned char *opt, size_t n)
{
    for (size_t i = 0; i < n;) {
        if (opt[i] == 0)
            break;
        if (opt[i] == 1) {
            i++;
            continue;
        }
        if (i + 1 >= n || opt[i + 1] < 2)
            break;
        if (opt[i] == 3 && opt[i + 1] == 3 && i + 2 < n)
            return opt[i + 2] > 14 ? 14 : opt[i + 2];
        i += opt[i + 1];
    }
    return -1;
}

/* The IP header (and ports) an ICMP error quotes, at q (n bytes captured). */
static void quoted(const unsigned char *q, size_t n, struct nr_pkt *p)
{
    int ver = n ? q[0] >> 4 : 0, proto;
    size_t hl;
    const unsigned char *src, *dst;
    uint16_t sport = 0, dport = 0;
    if (ver == 4) {
        if (n < 20 || (hl = (size_t)(q[0] & 15) * 4) < 20 || hl > n)
            return;
        proto = q[9], src = q + 12, dst = q + 16;
    } else if (ver == 6) {
        if (n < 40)
            return;
        hl = 40, proto = q[6], src = q + 8, dst = q + 24;
    } else {
        return;
    }
    if ((proto == IPPROTO_TCP || proto == IPPROTO_UDP) && n >= hl + 4)
        sport = get16(q + hl), dport = get16(q + hl + 2);
    p->quoted_proto = proto;
    set_addr(&p->quoted_src, &p->quoted_src_len, ver, src, sport);
    set_addr(&p->quoted_dst, &p->quoted_dst_len, ver, dst, dport);
}

static bool icmp_error(int proto, int type)
{
    if (proto == IPPROTO_ICMPV6)
        return type >= 1 && type <= 4;
    return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
}

int nr_pkt_decode(int dlt, const unsigned char *f, size_t n, struct nr_pkt *p,
                  uint32_t *raw_seq, uint32_t *raw_ack, int *wscale)
{
    int ver;
    size_t off = link_skip(dlt, f, n, &ver);
    memset(p, 0, sizeof *p);
    p->icmp_type = p->icmp_code = p->icmp_id = p->icmp_seq = -1;
    *wscale = -1;
    *raw_seq = *raw_ack = 0;
    if (!ver)
        return -1;
    const unsigned char *ip = f + off, *src, *dst;
    size_t iplen = n - off, hl, plen;
    if (ver == 4) {
        if (iplen < 20 || (ip[0] >> 4) != 4 || (hl = (size_t)(ip[0] & 15) * 4) < 20 || hl > iplen)
            return -1;
        plen = get16(ip + 2);
        plen = plen >= hl ? plen - hl : 0;
        p->proto = ip[9], src = ip + 12, dst = ip + 16;
    } else {
        if (iplen < 40 || (ip[0] >> 4) != 6)
            return -1;
        hl = 40, plen = get16(ip + 4);
        p->proto = ip[6], src = ip + 8, dst = ip + 24;
    }
    const unsigned char *l4 = ip + hl;
    size_t l4cap = iplen - hl;
    uint16_t sport = 0, dport = 0;
    if (p->proto == IPPROTO_TCP) {
        if (l4cap < 20)
            return -1;
        size_t doff = (size_t)(l4[12] >> 4) * 4;
        sport = get16(l4), dport = get16(l4 + 2);
        *raw_seq = get32(l4 + 4), *raw_ack = get32(l4 + 8);
        p->flags = l4[13];
        p->has_ack = (p->flags & NR_TCP_ACK) != 0;
        p->win = get16(l4 + 14);
        p->len = plen > doff ? (uint32_t)(plen - doff) : 0;
        if ((p->flags & NR_TCP_SYN) && doff > 20 && doff <= l4cap)
            *wscale = tcp_wscale(l4 + 20, doff - 20);
    } else if (p->proto == IPPROTO_UDP) {
        if (l4cap < 8)
            return -1;
        sport = get16(l4), dport = get16(l4 + 2);
        p->len = get16(l4 + 4) >= 8 ? get16(l4 + 4) - 8u : 0;
    } else if (p->proto == IPPROTO_ICMP || p->proto == IPPROTO_ICMPV6) {
        if (l4cap < 4)
            return -1;
        p->icmp_type = l4[0], p->icmp_code = l4[1];
        p->len = plen > 8 ? (uint32_t)(plen - 8) : 0;
        if (icmp_error(p->proto, p->icmp_type) && l4cap > 8)
            quoted(l4 + 8, l4cap - 8, p);
        bool echo = p->proto == IPPROTO_ICMP ? p->icmp_type == 0 || p->icmp_type == 8
                                             : p->icmp_type == 128 || p->icmp_type == 129;
        if (echo && l4cap >= 8)
            p->icmp_id = get16(l4 + 4), p->icmp_seq = get16(l4 + 6);
    } else {
        return -1;
    }
    set_addr(&p->src, &p->src_len, ver, src, sport);
    set_addr(&p->dst, &p->dst_len, ver, dst, dport);
    return 0;
}

/* ---- relative numbers ---- */

static void endpoint(const struct sockaddr_storage *ss, unsigned char out[18])
{
    memset(out, 0, 18);
    if (ss->ss_family == AF_INET) {
        const struct sockaddr_in *a = (const struct sockaddr_in *)ss;
        memcpy(out, &a->sin_addr, 4);
        memcpy(out + 16, &a->sin_port, 2);
    } else {
        const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)ss;
        memcpy(out, &a->sin6_addr, 16);
        memcpy(out + 16, &a->sin6_port, 2);
    }
}

/* The connection of p, and its direction in it (0: from its first end). A
 * new SYN on a known pair starts the connection afresh (port reuse). */
static struct flow *flow_of(struct nr_capture *c, const struct nr_pkt *p, int *d)
{
    unsigned char s[18], t[18];
    endpoint(&p->src, s);
    endpoint(&p->dst, t);
    for (size_t i = 0; i < c->nflows; i++) {
        struct flow *f = &c->flows[i];
        *d = !memcmp(f->a, s, 18) && !memcmp(f->b, t, 18) ? 0
           : !memcmp(f->a, t, 18) && !memcmp(f->b, s, 18) ? 1 : -1;
        if (*d < 0)
            continue;
        if (p->flags == NR_TCP_SYN && f->have[*d])
            break;   /* reused: start again below, in this slot */
        return f;
    }
    struct flow *f = NULL;
    for (size_t i = 0; i < c->nflows && !f; i++)
        if ((!memcmp(c->flows[i].a, s, 18) && !memcmp(c->flows[i].b, t, 18)) ||
            (!memcmp(c->flows[i].a, t, 18) && !memcmp(c->flows[i].b, s, 18)))
            f = &c->flows[i];
    if (!f)
        f = c->nflows < MAX_FLOWS ? &c->flows[c->nflows++]
                                  : &c->flows[c->next_flow++ % MAX_FLOWS];
    memset(f, 0, sizeof *f);
    memcpy(f->a, s, 18);
    memcpy(f->b, t, 18);
    f->ws[0] = f->ws[1] = -1;
    *d = 0;
    return f;
}

static void relative(struct nr_capture *c, struct nr_pkt *p, uint32_t seq, uint32_t ack, int ws)
{
    int d;
    struct flow *f = flow_of(c, p, &d);
    /* Joined mid-stream: the first byte seen is 1, as if after a SYN
     * (Wireshark does the same). */
    if (!f->have[d]) {
        f->isn[d] = (p->flags & NR_TCP_SYN) ? seq : seq - 1;
        f->have[d] = true;
    }
    if ((p->flags & NR_TCP_SYN))
        f->ws[d] = ws;
    if (p->has_ack && !f->have[!d]) {
        f->isn[!d] = ack - 1;
        f->have[!d] = true;
    }
    p->seq = seq - f->isn[d];
    p->ack = p->has_ack ? ack - f->isn[!d] : 0;
    if (!(p->flags & NR_TCP_SYN) && f->ws[0] >= 0 && f->ws[1] >= 0)
        p->win <<= f->ws[d];
}

/* ---- direction ---- */

static bool same_end(const struct sockaddr_storage *a, const struct sockaddr_storage *b,
                     bool port_only)
{
    unsigned char x[18], y[18];
    endpoint(a, x);
    endpoint(b, y);
    if (port_only)
        return !memcmp(x + 16, y + 16, 2);
    return !memcmp(x, y, 18);
}

static enum nr_pkt_dir direction(const struct nr_capture *c, const struct nr_pkt *p)
{
    const struct nr_cap_spec *s = &c->spec;
    if (p->icmp_type >= 0)   /* echo requests are ours; errors come to us */
        return p->icmp_type == 8 || p->icmp_type == 128 ? NR_PKT_SENT : NR_PKT_RECEIVED;
    if (s->remote_len && p->dst.ss_family == s->remote.ss_family)
        return same_end(&p->dst, &s->remote, false) ? NR_PKT_SENT : NR_PKT_RECEIVED;
    return same_end(&p->src, &s->local, true) ? NR_PKT_SENT : NR_PKT_RECEIVED;
}

void nr_capture_feed(struct nr_capture *c, int64_t t, const unsigned char *b, size_t caplen)
{
    struct nr_pkt p;
    uint32_t seq, ack;
    int ws;
    c->seen++;
    if (nr_pkt_decode(c->dlt, b, caplen, &p, &seq, &ack, &ws) < 0)
        return;
    if (!c->t0)
        c->t0 = t;
    p.t_us = t - c->t0;
    if (p.proto == IPPROTO_TCP)
        relative(c, &p, seq, ack, ws);
    p.dir = direction(c, &p);
    c->fn(c->arg, &p);
}

static void on_packet(unsigned char *arg, const struct pcap_pkthdr *h, const unsigned char *b)
{
    nr_capture_feed((struct nr_capture *)arg, (int64_t)h->ts.tv_sec * 1000000 + h->ts.tv_usec,
                    b, h->caplen);
}

struct nr_capture *nr_capture_offline(const struct nr_cap_spec *spec, int dlt, nr_cap_fn fn,
                                      void *arg)
{
    struct nr_capture *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->fn = fn, c->arg = arg, c->spec = *spec, c->fd = -1, c->dlt = dlt;
    return c;
}

/* Everything the kernel holds now (cnt -1: a burst in one pass); at a
 * command boundary the file's writer puts what it has in the file too. */
void nr_capture_drain(struct nr_capture *c)
{
    while (pcap_dispatch(c->p, -1, on_packet, (unsigned char *)c) > 0)
        ;
    if (c->file)
        nr_pcapfile_flush(c->file);
}

static void on_ready(struct nr_loop *loop, int fd, unsigned rev, void *arg)
{
    struct nr_capture *c = arg;
    while (pcap_dispatch(c->p, -1, on_packet, (unsigned char *)c) > 0)
        ;
}

/* ---- the filter ---- */

/* An IPv4 peer of a dual-stack socket has a v4-mapped address
 * (::ffff:a.b.c.d); on the wire its packets are IPv4. */
static void unmap(struct sockaddr_storage *ss, socklen_t *len)
{
    const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;
    if (!*len || ss->ss_family != AF_INET6 || !IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr))
        return;
    struct sockaddr_in s4 = { .sin_family = AF_INET, .sin_port = s6->sin6_port };
    memcpy(&s4.sin_addr, &s6->sin6_addr.s6_addr[12], 4);
    memset(ss, 0, sizeof *ss);
    memcpy(ss, &s4, sizeof s4);
    *len = sizeof s4;
}

static void spec_unmap(struct nr_cap_spec *sp)
{
    unmap(&sp->local, &sp->local_len);
    unmap(&sp->remote, &sp->remote_len);
}

static bool is_loopback(const struct sockaddr_storage *ss, socklen_t len)
{
    if (!len)
        return false;
    if (ss->ss_family == AF_INET)
        return (ntohl(((const struct sockaddr_in *)ss)->sin_addr.s_addr) >> 24) == 127;
    const struct in6_addr *a = &((const struct sockaddr_in6 *)ss)->sin6_addr;
    return IN6_IS_ADDR_LOOPBACK(a) ||
           (IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127);
}

static bool is_any(const struct sockaddr_storage *ss)
{
    static const unsigned char zero[16];
    if (ss->ss_family == AF_INET)
        return ((const struct sockaddr_in *)ss)->sin_addr.s_addr == 0;
    return !memcmp(&((const struct sockaddr_in6 *)ss)->sin6_addr, zero, 16);
}

static uint16_t port_of(const struct sockaddr_storage *ss)
{
    return ntohs(ss->ss_family == AF_INET ? ((const struct sockaddr_in *)ss)->sin_port
                                          : ((const struct sockaddr_in6 *)ss)->sin6_port);
}

static const char *host_of(const struct sockaddr_storage *ss, char *buf, size_t n)
{
    const void *a = ss->ss_family == AF_INET
                  ? (const void *)&((const struct sockaddr_in *)ss)->sin_addr
                  : (const void *)&((const struct sockaddr_in6 *)ss)->sin6_addr;
    return inet_ntop(ss->ss_family, a, buf, (socklen_t)n) ? buf : "";
}

/* "tcp and host H and port P ...": the session's packets (a listener: all
 * on its port); UDP: and the ICMP port-unreachable errors about them. */
static void build_filter(const struct nr_cap_spec *s, char *out, size_t n)
{
    char h[64], part[256];
    if (s->proto == IPPROTO_ICMP || s->proto == IPPROTO_ICMPV6) {
        /* a ping: its echoes by identifier, and errors about them */
        bool v6 = s->proto == IPPROTO_ICMPV6;
        snprintf(out, n, "%s and host %s and (%s = %d or %s)", v6 ? "icmp6" : "icmp",
                 host_of(&s->remote, h, sizeof h), v6 ? "ip6[44:2]" : "icmp[4:2]", s->icmp_id,
                 v6 ? "(ip6[40] >= 1 and ip6[40] <= 4)" : "icmp[0] = 3 or icmp[0] = 11");
        return;
    }
    const char *proto = s->proto == IPPROTO_TCP ? "tcp" : "udp";
    int k = snprintf(part, sizeof part, "%s", proto);
    if (s->local_len && port_of(&s->local))
        k += snprintf(part + k, sizeof part - (size_t)k, " and port %u", port_of(&s->local));
    if (s->local_len && !is_any(&s->local))
        k += snprintf(part + k, sizeof part - (size_t)k, " and host %s", host_of(&s->local, h, sizeof h));
    if (s->remote_len) {
        char h2[64];
        if (!s->local_len || strcmp(host_of(&s->local, h2, sizeof h2), host_of(&s->remote, h, sizeof h)))
            k += snprintf(part + k, sizeof part - (size_t)k, " and host %s",
                          host_of(&s->remote, h, sizeof h));
        snprintf(part + k, sizeof part - (size_t)k, " and port %u", port_of(&s->remote));
    }
    if (s->proto != IPPROTO_UDP) {
        snprintf(out, n, "%s", part);
        return;
    }
    /* ICMP errors quote our datagram: type 3, inner UDP ports after 8 + 20 bytes. */
    uint16_t lp = s->local_len ? port_of(&s->local) : 0;
    if (lp)
        snprintf(out, n, "(%s) or (icmp and icmp[0] = 3 and icmp[28:2] = %u) or "
                 "(icmp6 and ip6[40] = 1 and ip6[88:2] = %u)", part, lp, lp);
    else
        snprintf(out, n, "(%s) or (icmp and icmp[0] = 3) or (icmp6 and ip6[40] = 1)", part);
}

static int set_filter(struct nr_capture *c, char *err, size_t errlen)
{
    struct bpf_program prog;
    build_filter(&c->spec, c->filter, sizeof c->filter);
    if (pcap_compile(c->p, &prog, c->filter, 1, PCAP_NETMASK_UNKNOWN) < 0)
        return nr_err(err, errlen, "filter '%s': %s", c->filter, pcap_geterr(c->p));
    int r = pcap_setfilter(c->p, &prog);
    pcap_freecode(&prog);
    if (r < 0)
        return nr_err(err, errlen, "filter: %s", pcap_geterr(c->p));
    return 0;
}

/* ---- opening and closing ---- */

static int activate(struct nr_capture *c, enum nr_cap_status *st, char *err,
                    size_t errlen)
{
    char eb[PCAP_ERRBUF_SIZE] = "";
    if (!(c->p = pcap_create(c->ifname, eb)))
        return nr_err(err, errlen, "%s", eb);
    pcap_set_snaplen(c->p, SNAPLEN_HEADERS);   /* whole packets: the file's own capture */
    pcap_set_immediate_mode(c->p, 1);
    pcap_set_buffer_size(c->p, BUF_BYTES);
    int r = pcap_activate(c->p);
    if (r == PCAP_ERROR_PERM_DENIED || r == PCAP_ERROR_PROMISC_PERM_DENIED) {
        *st = NR_CAP_PERM;
        return nr_err(err, errlen, "%s", pcap_geterr(c->p));
    }
    if (r < 0)
        return nr_err(err, errlen, "%s: %s", c->ifname, pcap_geterr(c->p));
    c->dlt = pcap_datalink(c->p);
    if (pcap_setnonblock(c->p, 1, eb) < 0)
        return nr_err(err, errlen, "%s", eb);
    if ((c->fd = pcap_get_selectable_fd(c->p)) < 0)
        return nr_err(err, errlen, "%s: no selectable descriptor", c->ifname);
    return 0;
}

/* --file: a capture of its own with whole packets, in its own process
 * (lib/pcapfile.h); this one keeps the headers for the lines. */
static int open_file(struct nr_capture *c, const char *path, enum nr_cap_status *st, char *err,
                     size_t errlen)
{
    int perm;
    c->file = nr_pcapfile_open(path, c->ifname, c->filter, SNAPLEN, BUF_BYTES, c->spec.count,
                               &perm, err, errlen);
    if (!c->file && perm)
        *st = NR_CAP_PERM;
    return c->file ? 0 : -1;
}

struct nr_capture *nr_capture_open(struct nr_loop *loop, const struct nr_cap_spec *spec,
                                   const char *pcap_path, nr_cap_fn fn, void *arg,
                                   enum nr_cap_status *st, char *err, size_t errlen)
{
    struct nr_capture *c = calloc(1, sizeof *c);
    *st = NR_CAP_FAIL;
    if (!c) {
        nr_err(err, errlen, "out of memory");
        return NULL;
    }
    c->loop = loop, c->fn = fn, c->arg = arg, c->spec = *spec, c->fd = -1;
    spec_unmap(&c->spec);
    bool lo = is_loopback(&c->spec.local, c->spec.local_len) ||
              is_loopback(&c->spec.remote, c->spec.remote_len);
    snprintf(c->ifname, sizeof c->ifname, "%s", lo ? "lo" : "any");
    if (activate(c, st, err, errlen) < 0 || set_filter(c, err, errlen) < 0)
        goto fail;
    if (pcap_path && open_file(c, pcap_path, st, err, errlen) < 0)
        goto fail;
    if (nr_loop_watch(loop, c->fd, NR_EV_READ, on_ready, c) < 0) {
        nr_err(err, errlen, "cannot watch the capture descriptor");
        goto fail;
    }
    *st = NR_CAP_OK;
    return c;
fail:
    if (c->p)
        pcap_close(c->p);
    free(c);
    return NULL;
}

int nr_capture_refine(struct nr_capture *c, const struct nr_cap_spec *spec,
                      char *err, size_t errlen)
{
    nr_capture_drain(c);
    uint64_t count = c->spec.count;
    c->spec = *spec;
    c->spec.count = count;
    spec_unmap(&c->spec);
    if (set_filter(c, err, errlen) < 0)
        return -1;
    return c->file ? nr_pcapfile_filter(c->file, c->filter, err, errlen) : 0;
}

const char *nr_capture_finish(struct nr_capture *c)
{
    if (c->file) {
        nr_capture_drain(c);
        if (nr_pcapfile_close(c->file, &c->file_packets, &c->file_drops, c->file_err,
                              sizeof c->file_err) == 0)
            c->file_err[0] = 0;
        c->file = NULL;
        c->file_done = true;
    }
    return c->file_err[0] ? c->file_err : NULL;
}

const char *nr_capture_filter(const struct nr_capture *c) { return c->filter; }
const char *nr_capture_ifname(const struct nr_capture *c) { return c->ifname; }
uint64_t nr_capture_seen(const struct nr_capture *c) { return c->seen; }

uint64_t nr_capture_drops(struct nr_capture *c)
{
    struct pcap_stat ps;
    if (pcap_stats(c->p, &ps) < 0)
        return 0;
    return (uint64_t)ps.ps_drop + ps.ps_ifdrop;
}

bool nr_capture_file_counts(const struct nr_capture *c, uint64_t *packets, uint64_t *drops)
{
    *packets = c->file_packets;
    *drops = c->file_drops;
    return c->file_done;
}

void nr_capture_close(struct nr_capture *c)
{
    if (!c)
        return;
    if (!c->p) {   /* offline */
        free(c);
        return;
    }
    nr_capture_drain(c);
    nr_loop_unwatch(c->loop, c->fd);
    nr_capture_finish(c);
    pcap_close(c->p);
    free(c);
}
