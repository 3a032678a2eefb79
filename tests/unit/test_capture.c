/* Unit tests: the packet decoder of lib/capture (nr_pkt_decode, and an
 * offline capture fed frames by hand for relative numbers, window scaling
 * and direction): TCP flags in words, relative seq/ack per connection and
 * direction, window scale from the SYNs, UDP, ICMP types in words and the
 * datagram an ICMP error quotes, IPv6, truncated and foreign frames. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>

#include "lib/capture.h"

/* ---- frames ---- */

struct frame {
    unsigned char b[256];
    size_t n;
};

static void put16(unsigned char *p, unsigned v) { p[0] = (unsigned char)(v >> 8), p[1] = (unsigned char)v; }
static void put32(unsigned char *p, uint32_t v)
{
    put16(p, v >> 16);
    put16(p + 2, v & 0xffff);
}

/* Ethernet + IPv4 (src/dst 127.0.0.x) + l4 of l4len bytes (already in f). */
static void ip4(struct frame *f, int proto, int src, int dst, size_t l4len)
{
    unsigned char *e = f->b, *ip = f->b + 14;
    memset(e, 0, 12);
    put16(e + 12, 0x0800);
    memset(ip, 0, 20);
    ip[0] = 0x45, ip[8] = 64, ip[9] = (unsigned char)proto;
    put16(ip + 2, (unsigned)(20 + l4len));
    ip[12] = 127, ip[15] = (unsigned char)src;
    ip[16] = 127, ip[19] = (unsigned char)dst;
    f->n = 14 + 20 + l4len;
}

/* A TCP segment over IPv4; wscale >= 0 adds the option (on a SYN). */
static struct frame tcp4(int src, unsigned sport, int dst, unsigned dport, uint32_t seq,
                         uint32_t ack, unsigned flags, unsigned win, int wscale, size_t payload)
{
    struct frame f = { 0 };
    unsigned char *t = f.b + 34;
    size_t hl = wscale >= 0 ? 24 : 20;
    put16(t, sport), put16(t + 2, dport), put32(t + 4, seq), put32(t + 8, ack);
    t[12] = (unsigned char)((hl / 4) << 4), t[13] = (unsigned char)flags;
    put16(t + 14, win);
    if (wscale >= 0)
        t[20] = 1, t[21] = 3, t[22] = 3, t[23] = (unsigned char)wscale;   /* NOP, WS */
    ip4(&f, IPPROTO_TCP, src, dst, hl + payload);
    f.n = 34 + hl + (payload < 64 ? payload : 64);   /* captured: the headers and a little */
    return f;
}

static struct frame udp4(int src, unsigned sport, int dst, unsigned dport, size_t payload)
{
    struct frame f = { 0 };
    unsigned char *u = f.b + 34;
    put16(u, sport), put16(u + 2, dport), put16(u + 4, (unsigned)(8 + payload));
    ip4(&f, IPPROTO_UDP, src, dst, 8 + payload);
    return f;
}

/* ICMP type/code; an error quotes the IPv4+UDP header of a datagram
 * (quote: bytes of the quoted datagram kept, 0 for none). */
static struct frame icmp4(int type, int code, size_t quote)
{
    struct frame f = { 0 };
    unsigned char *m = f.b + 34, *q = m + 8;
    m[0] = (unsigned char)type, m[1] = (unsigned char)code;
    if (quote) {
        memset(q, 0, 28);
        q[0] = 0x45, q[9] = IPPROTO_UDP;
        q[12] = 127, q[15] = 1, q[16] = 127, q[19] = 2;
        put16(q + 20, 40000), put16(q + 22, 16364), put16(q + 24, 8 + 13);
    }
    ip4(&f, IPPROTO_ICMP, 2, 1, 8 + quote);
    return f;
}

/* ---- the decoder alone ---- */

static void decode(const struct frame *f, struct nr_pkt *p, uint32_t *seq, uint32_t *ack, int *ws,
                   int want)
{
    assert_int_equal(nr_pkt_decode(DLT_EN10MB, f->b, f->n, p, seq, ack, ws), want);
}

static unsigned port(const struct sockaddr_storage *ss)
{
    return ss->ss_family == AF_INET ? ntohs(((const struct sockaddr_in *)ss)->sin_port)
                                    : ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
}

static void test_flags_in_words(void **state)
{
    char b[64];
    assert_string_equal(nr_tcp_flags_str(NR_TCP_SYN, b, sizeof b), "SYN");
    assert_string_equal(nr_tcp_flags_str(NR_TCP_SYN | NR_TCP_ACK, b, sizeof b), "SYN+ACK");
    assert_string_equal(nr_tcp_flags_str(NR_TCP_ACK, b, sizeof b), "ACK");
    assert_string_equal(nr_tcp_flags_str(NR_TCP_PSH | NR_TCP_ACK, b, sizeof b), "PSH+ACK");
    assert_string_equal(nr_tcp_flags_str(NR_TCP_FIN | NR_TCP_ACK, b, sizeof b), "FIN+ACK");
    assert_string_equal(nr_tcp_flags_str(NR_TCP_RST, b, sizeof b), "RST");
    assert_string_equal(nr_tcp_flags_str(NR_TCP_RST | NR_TCP_ACK, b, sizeof b), "RST+ACK");
    assert_string_equal(nr_tcp_flags_str(0, b, sizeof b), "none");
    assert_string_equal(nr_tcp_flags_str(0xff, b, sizeof b), "FIN+SYN+RST+PSH+ACK+URG+ECE+CWR");
    char small[7];   /* "SYN+ACK" needs 8: cut at a whole word, never mid-word */
    assert_string_equal(nr_tcp_flags_str(NR_TCP_SYN | NR_TCP_ACK, small, sizeof small), "SYN");
}

static void test_tcp_fields(void **state)
{
    struct nr_pkt p;
    uint32_t seq, ack;
    int ws;
    struct frame f = tcp4(1, 40000, 2, 16360, 1000, 0, NR_TCP_SYN, 65495, 7, 0);
    decode(&f, &p, &seq, &ack, &ws, 0);
    assert_int_equal(p.proto, IPPROTO_TCP);
    assert_int_equal(p.flags, NR_TCP_SYN);
    assert_false(p.has_ack);
    assert_int_equal(seq, 1000);
    assert_int_equal(ws, 7);
    assert_int_equal(p.win, 65495);
    assert_int_equal(p.len, 0);
    assert_int_equal(p.icmp_type, -1);
    assert_int_equal(p.src.ss_family, AF_INET);
    assert_int_equal(port(&p.src), 40000);
    assert_int_equal(port(&p.dst), 16360);
    f = tcp4(1, 40000, 2, 16360, 1001, 5001, NR_TCP_PSH | NR_TCP_ACK, 512, -1, 300);
    decode(&f, &p, &seq, &ack, &ws, 0);
    assert_true(p.has_ack);
    assert_int_equal(ack, 5001);
    assert_int_equal(ws, -1);
    assert_int_equal(p.len, 300);   /* from the IP length, not what was captured */
}

static void test_udp(void **state)
{
    struct nr_pkt p;
    uint32_t seq, ack;
    int ws;
    struct frame f = udp4(1, 40000, 2, 16364, 13);
    decode(&f, &p, &seq, &ack, &ws, 0);
    assert_int_equal(p.proto, IPPROTO_UDP);
    assert_int_equal(p.len, 13);
    assert_int_equal(port(&p.src), 40000);
    assert_int_equal(port(&p.dst), 16364);
    assert_int_equal(p.quoted_proto, 0);
}

static void test_icmp_words(void **state)
{
    assert_string_equal(nr_icmp_str(IPPROTO_ICMP, 8, 0), "echo request");
    assert_string_equal(nr_icmp_str(IPPROTO_ICMP, 0, 0), "echo reply");
    assert_string_equal(nr_icmp_str(IPPROTO_ICMP, 3, 3), "port unreachable");
    assert_string_equal(nr_icmp_str(IPPROTO_ICMP, 3, 1), "host unreachable");
    assert_string_equal(nr_icmp_str(IPPROTO_ICMP, 11, 0), "time exceeded");
    assert_string_equal(nr_icmp_str(IPPROTO_ICMPV6, 128, 0), "echo request");
    assert_string_equal(nr_icmp_str(IPPROTO_ICMPV6, 129, 0), "echo reply");
    assert_string_equal(nr_icmp_str(IPPROTO_ICMPV6, 1, 4), "port unreachable");
}

static void test_icmp_quoted(void **state)
{
    struct nr_pkt p;
    uint32_t seq, ack;
    int ws;
    struct frame f = icmp4(8, 0, 0);   /* echo request: no quote */
    decode(&f, &p, &seq, &ack, &ws, 0);
    assert_int_equal(p.proto, IPPROTO_ICMP);
    assert_int_equal(p.icmp_type, 8);
    assert_int_equal(p.quoted_proto, 0);
    f = icmp4(3, 3, 28);   /* port unreachable quoting IP + UDP header */
    decode(&f, &p, &seq, &ack, &ws, 0);
    assert_int_equal(p.icmp_type, 3);
    assert_int_equal(p.icmp_code, 3);
    assert_int_equal(p.len, 28);
    assert_int_equal(p.quoted_proto, IPPROTO_UDP);
    assert_int_equal(port(&p.quoted_src), 40000);
    assert_int_equal(port(&p.quoted_dst), 16364);
    assert_int_equal(((const struct sockaddr_in *)&p.quoted_dst)->sin_addr.s_addr, htonl(0x7f000002));
    f = icmp4(3, 3, 28);
    f.n -= 6;   /* the quote cut inside the UDP ports: the addresses, no ports */
    decode(&f, &p, &seq, &ack, &ws, 0);
    assert_int_equal(p.quoted_proto, IPPROTO_UDP);
    assert_int_equal(port(&p.quoted_src), 0);
    f = icmp4(3, 3, 28);
    f.n -= 20;   /* cut inside the quoted IP header: no quote */
    decode(&f, &p, &seq, &ack, &ws, 0);
    assert_int_equal(p.quoted_proto, 0);
}

static void test_ipv6(void **state)
{
    struct frame f = { 0 };
    unsigned char *ip = f.b + 14, *t = ip + 40;
    put16(f.b + 12, 0x86dd);
    ip[0] = 0x60, ip[6] = IPPROTO_TCP, ip[7] = 64;
    put16(ip + 4, 20 + 10);
    ip[23] = 1, ip[39] = 1;   /* ::1 -> ::1 */
    put16(t, 40001), put16(t + 2, 16365), put32(t + 4, 77), put32(t + 8, 99);
    t[12] = 5 << 4, t[13] = NR_TCP_PSH | NR_TCP_ACK;
    put16(t + 14, 1000);
    f.n = 14 + 40 + 20 + 10;
    struct nr_pkt p;
    uint32_t seq, ack;
    int ws;
    decode(&f, &p, &seq, &ack, &ws, 0);
    assert_int_equal(p.src.ss_family, AF_INET6);
    assert_true(IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *)&p.dst)->sin6_addr));
    assert_int_equal(port(&p.src), 40001);
    assert_int_equal(port(&p.dst), 16365);
    assert_int_equal(seq, 77);
    assert_int_equal(ack, 99);
    assert_int_equal(p.len, 10);
    /* ICMPv6 port unreachable quoting an IPv6 UDP header */
    struct frame g = { 0 };
    unsigned char *ip6 = g.b + 14, *m = ip6 + 40, *q = m + 8;
    put16(g.b + 12, 0x86dd);
    ip6[0] = 0x60, ip6[6] = IPPROTO_ICMPV6;
    put16(ip6 + 4, 8 + 48);
    m[0] = 1, m[1] = 4;
    q[0] = 0x60, q[6] = IPPROTO_UDP, q[23] = 1, q[39] = 1;
    put16(q + 40, 40002), put16(q + 42, 16366);
    g.n = 14 + 40 + 8 + 48;
    decode(&g, &p, &seq, &ack, &ws, 0);
    assert_int_equal(p.proto, IPPROTO_ICMPV6);
    assert_string_equal(nr_icmp_str(p.proto, p.icmp_type, p.icmp_code), "port unreachable");
    assert_int_equal(p.quoted_proto, IPPROTO_UDP);
    assert_int_equal(port(&p.quoted_dst), 16366);
}

static void test_truncated_and_foreign(void **state)
{
    struct nr_pkt p;
    uint32_t seq, ack;
    int ws;
    struct frame f = tcp4(1, 40000, 2, 16360, 1, 1, NR_TCP_ACK, 100, -1, 0);
    /* every cut inside the headers is refused, never read past */
    for (size_t n = 0; n < 34 + 20; n++) {
        struct frame g = f;
        g.n = n;
        decode(&g, &p, &seq, &ack, &ws, -1);
    }
    struct frame g = f;
    g.b[14] = 0x43;   /* IPv4 header length 12 bytes: invalid */
    decode(&g, &p, &seq, &ack, &ws, -1);
    g = f;
    put16(g.b + 12, 0x0806);   /* ARP */
    decode(&g, &p, &seq, &ack, &ws, -1);
    g = f;
    g.b[23] = 47;   /* GRE */
    decode(&g, &p, &seq, &ack, &ws, -1);
    assert_int_equal(nr_pkt_decode(12345, f.b, f.n, &p, &seq, &ack, &ws), -1);   /* link type */
    /* A SYN whose options are cut: no window scale read from beyond */
    g = tcp4(1, 40000, 2, 16360, 1, 0, NR_TCP_SYN, 100, 7, 0);
    g.n -= 2;
    decode(&g, &p, &seq, &ack, &ws, 0);
    assert_int_equal(ws, -1);
    /* An IP total length below the headers: payload 0, not a huge number */
    g = f;
    put16(g.b + 16, 10);
    decode(&g, &p, &seq, &ack, &ws, 0);
    assert_int_equal(p.len, 0);
}

/* ---- an offline capture: relative numbers, window scale, direction ---- */

struct seen {
    struct nr_pkt v[16];
    int n;
};

static void on_pkt(void *arg, const struct nr_pkt *p)
{
    struct seen *s = arg;
    if (s->n < 16)
        s->v[s->n++] = *p;
}

static struct nr_capture *offline(struct seen *s, unsigned local_port, unsigned remote_port)
{
    struct nr_cap_spec spec = { .proto = IPPROTO_TCP };
    struct sockaddr_in *l = (struct sockaddr_in *)&spec.local, *r = (struct sockaddr_in *)&spec.remote;
    l->sin_family = r->sin_family = AF_INET;
    l->sin_addr.s_addr = htonl(0x7f000001), l->sin_port = htons((uint16_t)local_port);
    r->sin_addr.s_addr = htonl(0x7f000002), r->sin_port = htons((uint16_t)remote_port);
    spec.local_len = spec.remote_len = sizeof *l;
    memset(s, 0, sizeof *s);
    struct nr_capture *c = nr_capture_offline(&spec, DLT_EN10MB, on_pkt, s);
    assert_non_null(c);
    return c;
}

static void feed(struct nr_capture *c, int64_t t, struct frame f)
{
    nr_capture_feed(c, t, f.b, f.n);
}

static void test_relative_and_scale(void **state)
{
    struct seen s;
    struct nr_capture *c = offline(&s, 40000, 16360);
    const uint32_t a = 4294967000u, b = 123456;   /* a + 1001 wraps past 2^32 */
    feed(c, 1000, tcp4(1, 40000, 2, 16360, a, 0, NR_TCP_SYN, 65495, 7, 0));
    feed(c, 1010, tcp4(2, 16360, 1, 40000, b, a + 1, NR_TCP_SYN | NR_TCP_ACK, 65483, 7, 0));
    feed(c, 1020, tcp4(1, 40000, 2, 16360, a + 1, b + 1, NR_TCP_ACK, 512, -1, 0));
    feed(c, 1030, tcp4(1, 40000, 2, 16360, a + 1, b + 1, NR_TCP_PSH | NR_TCP_ACK, 512, -1, 1000));
    feed(c, 1040, tcp4(2, 16360, 1, 40000, b + 1, a + 1001, NR_TCP_ACK, 500, -1, 0));
    feed(c, 1050, tcp4(1, 40000, 2, 16360, a + 1001, b + 1, NR_TCP_FIN | NR_TCP_ACK, 512, -1, 0));
    assert_int_equal(s.n, 6);
    assert_int_equal(s.v[0].t_us, 0);
    assert_int_equal(s.v[5].t_us, 50);
    assert_int_equal(s.v[0].seq, 0);
    assert_int_equal(s.v[0].dir, NR_PKT_SENT);
    assert_int_equal(s.v[1].seq, 0);
    assert_int_equal(s.v[1].ack, 1);
    assert_int_equal(s.v[1].dir, NR_PKT_RECEIVED);
    assert_int_equal(s.v[1].win, 65483);   /* a SYN's window is never scaled */
    assert_int_equal(s.v[2].seq, 1);
    assert_int_equal(s.v[2].ack, 1);
    assert_int_equal(s.v[2].win, 512 << 7);   /* both SYNs offered a scale */
    assert_int_equal(s.v[3].len, 1000);
    assert_int_equal(s.v[4].ack, 1001);
    assert_int_equal(s.v[4].win, 500 << 7);
    assert_int_equal(s.v[5].seq, 1001);
    assert_int_equal(s.v[5].flags, NR_TCP_FIN | NR_TCP_ACK);
    nr_capture_close(c);

    /* One side without the option: no scaling either way (RFC 7323). */
    c = offline(&s, 40001, 16360);
    feed(c, 0, tcp4(1, 40001, 2, 16360, 10, 0, NR_TCP_SYN, 65495, 7, 0));
    feed(c, 0, tcp4(2, 16360, 1, 40001, 20, 11, NR_TCP_SYN | NR_TCP_ACK, 65483, -1, 0));
    feed(c, 0, tcp4(1, 40001, 2, 16360, 11, 21, NR_TCP_ACK, 512, -1, 0));
    assert_int_equal(s.n, 3);
    assert_int_equal(s.v[2].win, 512);
    nr_capture_close(c);

    /* Joined mid-stream: the first byte seen is 1, the peer's ack makes its zero. */
    c = offline(&s, 40002, 16360);
    feed(c, 0, tcp4(1, 40002, 2, 16360, 5000, 9000, NR_TCP_PSH | NR_TCP_ACK, 512, -1, 10));
    feed(c, 0, tcp4(2, 16360, 1, 40002, 9000, 5010, NR_TCP_ACK, 512, -1, 0));
    assert_int_equal(s.v[0].seq, 1);
    assert_int_equal(s.v[0].ack, 1);
    assert_int_equal(s.v[1].seq, 1);
    assert_int_equal(s.v[1].ack, 11);
    nr_capture_close(c);
}

static void test_connections_apart(void **state)
{
    /* A listener's capture: two clients, each with its own zeros; a new SYN
     * on a reused port pair starts afresh. */
    struct seen s;
    struct nr_cap_spec spec = { .proto = IPPROTO_TCP };
    struct sockaddr_in *l = (struct sockaddr_in *)&spec.local;
    l->sin_family = AF_INET, l->sin_addr.s_addr = htonl(0x7f000002), l->sin_port = htons(16360);
    spec.local_len = sizeof *l;
    memset(&s, 0, sizeof s);
    struct nr_capture *c = nr_capture_offline(&spec, DLT_EN10MB, on_pkt, &s);
    feed(c, 0, tcp4(1, 40010, 2, 16360, 100, 0, NR_TCP_SYN, 1000, -1, 0));
    feed(c, 0, tcp4(1, 40011, 2, 16360, 7777, 0, NR_TCP_SYN, 1000, -1, 0));
    feed(c, 0, tcp4(2, 16360, 1, 40011, 555, 7778, NR_TCP_SYN | NR_TCP_ACK, 1000, -1, 0));
    feed(c, 0, tcp4(1, 40010, 2, 16360, 101, 0, NR_TCP_RST, 0, -1, 0));
    feed(c, 0, tcp4(1, 40010, 2, 16360, 90000, 0, NR_TCP_SYN, 1000, -1, 0));
    assert_int_equal(s.n, 5);
    assert_int_equal(s.v[1].seq, 0);
    assert_int_equal(s.v[1].dir, NR_PKT_RECEIVED);   /* to the listener */
    assert_int_equal(s.v[2].seq, 0);
    assert_int_equal(s.v[2].ack, 1);
    assert_int_equal(s.v[2].dir, NR_PKT_SENT);
    assert_int_equal(s.v[3].seq, 1);
    assert_int_equal(s.v[4].seq, 0);   /* reused: a new zero */
    nr_capture_close(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_flags_in_words),
        cmocka_unit_test(test_tcp_fields),
        cmocka_unit_test(test_udp),
        cmocka_unit_test(test_icmp_words),
        cmocka_unit_test(test_icmp_quoted),
        cmocka_unit_test(test_ipv6),
        cmocka_unit_test(test_truncated_and_foreign),
        cmocka_unit_test(test_relative_and_scale),
        cmocka_unit_test(test_connections_apart),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
