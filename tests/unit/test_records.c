/* Unit tests: DNS replies into records (lib/records), record ordering,
 * name checks, and the batch runner against an in-test responder. Reply
 * packets are built by hand below, byte by byte as RFC 1035 lays them out. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/lookup.h"
#include "lib/util.h"

/* ---- a reply builder ---- */

struct pkt {
    unsigned char b[8192];
    int n;
};

static void put8(struct pkt *p, unsigned v)
{
    p->b[p->n++] = (unsigned char)v;
}

static void put16(struct pkt *p, unsigned v)
{
    put8(p, v >> 8);
    put8(p, v & 255);
}

static void put32(struct pkt *p, uint32_t v)
{
    put16(p, v >> 16);
    put16(p, v & 0xffff);
}

static void put_name(struct pkt *p, const char *name)
{
    while (*name) {
        const char *dot = strchr(name, '.');
        size_t n = dot ? (size_t)(dot - name) : strlen(name);
        put8(p, (unsigned)n);
        memcpy(p->b + p->n, name, n);
        p->n += (int)n;
        name += n + (dot ? 1 : 0);
    }
    put8(p, 0);
}

static void put_str(struct pkt *p, const char *s, size_t n)
{
    put8(p, (unsigned)n);
    memcpy(p->b + p->n, s, n);
    p->n += (int)n;
}

static void pkt_init(struct pkt *p, const char *qname, unsigned qtype, unsigned rcode)
{
    p->n = 0;
    put16(p, 0x1234);
    put16(p, 0x8180 | rcode);
    put16(p, 1);
    put16(p, 0);   /* ancount, counted by rr_end */
    put16(p, 0);
    put16(p, 0);
    put_name(p, qname);
    put16(p, qtype);
    put16(p, 1);
}

/* Starts an answer RR; returns where its rdlength goes. */
static int rr_begin(struct pkt *p, const char *owner, unsigned type)
{
    put_name(p, owner);
    put16(p, type);
    put16(p, 1);
    put32(p, 300);
    put16(p, 0);
    return p->n - 2;
}

static void rr_end(struct pkt *p, int at)
{
    unsigned len = (unsigned)(p->n - at - 2);
    p->b[at] = (unsigned char)(len >> 8);
    p->b[at + 1] = (unsigned char)len;
    unsigned an = (unsigned)(p->b[6] << 8 | p->b[7]) + 1;
    p->b[6] = (unsigned char)(an >> 8);
    p->b[7] = (unsigned char)an;
}

static void rr_name(struct pkt *p, const char *owner, unsigned type, const char *target)
{
    int at = rr_begin(p, owner, type);
    put_name(p, target);
    rr_end(p, at);
}

static void rr_a(struct pkt *p, const char *owner, const char *ip)
{
    int at = rr_begin(p, owner, 1);
    struct in_addr a;
    inet_pton(AF_INET, ip, &a);
    memcpy(p->b + p->n, &a, 4);
    p->n += 4;
    rr_end(p, at);
}

static struct nr_records *parse_ok(enum nr_qtype t, const char *qname, const struct pkt *p,
                                   uint64_t seed)
{
    struct nr_records *rs = NULL;
    int st = nr_records_from_reply(t, qname, p->b, p->n, seed, &rs);
    if (st != ARES_SUCCESS)
        fail_msg("parse failed: %s", ares_strerror(st));
    return rs;
}

static int parse_status(enum nr_qtype t, const char *qname, const struct pkt *p)
{
    struct nr_records *rs = NULL;
    int st = nr_records_from_reply(t, qname, p->b, p->n, 1, &rs);
    assert_null(rs);
    return st;
}

/* ---- records ---- */

static void test_a_and_aaaa(void **state)
{
    struct pkt p;
    pkt_init(&p, "host.nr.test", 1, 0);
    rr_a(&p, "host.nr.test", "192.0.2.10");
    rr_a(&p, "host.nr.test", "192.0.2.11");
    struct nr_records *rs = parse_ok(NR_Q_A, "host.nr.test", &p, 1);
    char buf[NR_ADDRSTRLEN];
    assert_int_equal(rs->n, 2);
    assert_int_equal(rs->r[0].rtype, 1);
    assert_string_equal(nr_ip_str(&rs->r[0].ip, buf, sizeof buf), "192.0.2.10");
    assert_string_equal(nr_ip_str(&rs->r[1].ip, buf, sizeof buf), "192.0.2.11");
    nr_records_free(rs);

    pkt_init(&p, "v6.nr.test", 28, 0);
    int at = rr_begin(&p, "v6.nr.test", 28);
    struct in6_addr a6;
    inet_pton(AF_INET6, "2001:db8::10", &a6);
    memcpy(p.b + p.n, &a6, 16);
    p.n += 16;
    rr_end(&p, at);
    rs = parse_ok(NR_Q_AAAA, "v6.nr.test", &p, 1);
    assert_int_equal(rs->n, 1);
    assert_string_equal(nr_ip_str(&rs->r[0].ip, buf, sizeof buf), "2001:db8::10");
    nr_records_free(rs);
}

static void mx(struct pkt *p, unsigned pref, const char *host)
{
    int at = rr_begin(p, "nr.test", 15);
    put16(p, pref);
    put_name(p, host);
    rr_end(p, at);
}

static void test_mx_sorted_by_preference(void **state)
{
    struct pkt p;
    pkt_init(&p, "nr.test", 15, 0);
    mx(&p, 30, "c.nr.test");
    mx(&p, 10, "a1.nr.test");
    mx(&p, 20, "b.nr.test");
    mx(&p, 10, "a2.nr.test");
    struct nr_records *rs = parse_ok(NR_Q_MX, "nr.test", &p, 1);
    assert_int_equal(rs->n, 4);
    const char *want[] = { "a1.nr.test.", "a2.nr.test.", "b.nr.test.", "c.nr.test." };
    const unsigned pref[] = { 10, 10, 20, 30 };
    for (int i = 0; i < 4; i++) {
        assert_string_equal(rs->r[i].host, want[i]);
        assert_int_equal(rs->r[i].pref, pref[i]);
    }
    nr_records_free(rs);
}

static void srv(struct pkt *p, unsigned prio, unsigned weight, unsigned port, const char *t)
{
    int at = rr_begin(p, "_x._tcp.nr.test", 33);
    put16(p, prio);
    put16(p, weight);
    put16(p, port);
    put_name(p, t);
    rr_end(p, at);
}

/* RFC 2782: priority order always; within one priority a record goes first
 * with probability weight/sum. */
static void test_srv_priority_and_weights(void **state)
{
    struct pkt p;
    pkt_init(&p, "_x._tcp.nr.test", 33, 0);
    srv(&p, 20, 0, 1, "backup.nr.test");
    srv(&p, 10, 10, 1, "w10.nr.test");
    srv(&p, 10, 60, 1, "w60.nr.test");
    srv(&p, 10, 30, 1, "w30.nr.test");
    srv(&p, 5, 0, 1, "first.nr.test");
    int first60 = 0, first10 = 0;
    enum { RUNS = 4000 };
    for (uint64_t seed = 1; seed <= RUNS; seed++) {
        struct nr_records *rs = parse_ok(NR_Q_SRV, "_x._tcp.nr.test", &p, seed * 7919);
        assert_int_equal(rs->n, 5);
        assert_string_equal(rs->r[0].host, "first.nr.test.");
        assert_string_equal(rs->r[4].host, "backup.nr.test.");
        for (int i = 1; i < 4; i++)
            assert_int_equal(rs->r[i].pref, 10);
        first60 += !strcmp(rs->r[1].host, "w60.nr.test.");
        first10 += !strcmp(rs->r[1].host, "w10.nr.test.");
        nr_records_free(rs);
    }
    /* expected 60 % and 10 % of runs; allow a generous margin */
    assert_in_range(first60, RUNS * 55 / 100, RUNS * 65 / 100);
    assert_in_range(first10, RUNS * 7 / 100, RUNS * 13 / 100);
}

static void test_txt_records_joined(void **state)
{
    char big[256], rest[100];
    memset(big, 'x', 255);
    memset(rest, 'y', 100);
    struct pkt p;
    pkt_init(&p, "t.nr.test", 16, 0);
    int at = rr_begin(&p, "t.nr.test", 16);
    put_str(&p, "one ", 4);
    put_str(&p, "two", 3);
    rr_end(&p, at);
    at = rr_begin(&p, "t.nr.test", 16);
    put_str(&p, big, 255);
    put_str(&p, rest, 100);
    rr_end(&p, at);
    at = rr_begin(&p, "t.nr.test", 16);
    put_str(&p, "", 0);
    rr_end(&p, at);
    struct nr_records *rs = parse_ok(NR_Q_TXT, "t.nr.test", &p, 1);
    assert_int_equal(rs->n, 3);
    assert_int_equal(rs->r[0].len, 7);
    assert_memory_equal(rs->r[0].data, "one two", 7);
    assert_int_equal(rs->r[1].len, 355);
    assert_memory_equal(rs->r[1].data, big, 255);
    assert_memory_equal(rs->r[1].data + 255, rest, 100);
    assert_int_equal(rs->r[2].len, 0);
    nr_records_free(rs);
}

static void test_soa_caa_ns(void **state)
{
    struct pkt p;
    pkt_init(&p, "nr.test", 6, 0);
    int at = rr_begin(&p, "nr.test", 6);
    put_name(&p, "ns1.nr.test");
    put_name(&p, "hostmaster.nr.test");
    put32(&p, 2026112301);
    put32(&p, 3600);
    put32(&p, 900);
    put32(&p, 604800);
    put32(&p, 300);
    rr_end(&p, at);
    struct nr_records *rs = parse_ok(NR_Q_SOA, "nr.test", &p, 1);
    assert_int_equal(rs->n, 1);
    assert_string_equal(rs->r[0].host, "ns1.nr.test.");
    assert_string_equal(rs->r[0].host2, "hostmaster.nr.test.");
    assert_int_equal(rs->r[0].serial, 2026112301);
    assert_int_equal(rs->r[0].expire, 604800);
    assert_int_equal(rs->r[0].minttl, 300);
    nr_records_free(rs);

    pkt_init(&p, "nr.test", 257, 0);
    at = rr_begin(&p, "nr.test", 257);
    put8(&p, 128);
    put_str(&p, "issue", 5);
    memcpy(p.b + p.n, "ca.example", 10);
    p.n += 10;
    rr_end(&p, at);
    rs = parse_ok(NR_Q_CAA, "nr.test", &p, 1);
    assert_int_equal(rs->n, 1);
    assert_int_equal(rs->r[0].pref, 128);   /* the flags byte (critical bit set) */
    assert_string_equal(rs->r[0].tag, "issue");
    assert_int_equal(rs->r[0].len, 10);
    assert_memory_equal(rs->r[0].data, "ca.example", 10);
    nr_records_free(rs);

    pkt_init(&p, "nr.test", 2, 0);
    rr_name(&p, "nr.test", 2, "ns1.nr.test");
    rr_name(&p, "nr.test", 2, "ns2.nr.test");
    rs = parse_ok(NR_Q_NS, "nr.test", &p, 1);
    assert_int_equal(rs->n, 2);
    assert_string_equal(rs->r[0].host, "ns1.nr.test.");
    assert_string_equal(rs->r[1].host, "ns2.nr.test.");
    nr_records_free(rs);
}

static void test_ptr(void **state)
{
    struct pkt p;
    pkt_init(&p, "10.2.0.192.in-addr.arpa", 12, 0);
    rr_name(&p, "10.2.0.192.in-addr.arpa", 12, "host.nr.test");
    rr_name(&p, "10.2.0.192.in-addr.arpa", 12, "www.nr.test");
    struct nr_records *rs = parse_ok(NR_Q_ADDR, "10.2.0.192.in-addr.arpa", &p, 1);
    assert_int_equal(rs->n, 2);
    assert_string_equal(rs->r[0].host, "host.nr.test.");
    assert_string_equal(rs->r[1].host, "www.nr.test.");
    nr_records_free(rs);
}

static void test_cname(void **state)
{
    struct pkt p;
    pkt_init(&p, "www.nr.test", 1, 0);   /* the chain may come in any order */
    rr_name(&p, "alias.nr.test", 5, "host.nr.test");
    rr_name(&p, "WWW.nr.test", 5, "alias.nr.test");
    rr_a(&p, "host.nr.test", "192.0.2.10");
    struct nr_records *rs = parse_ok(NR_Q_CNAME, "www.nr.test", &p, 1);
    assert_int_equal(rs->n, 1);
    assert_string_equal(rs->r[0].host, "host.nr.test.");
    nr_records_free(rs);

    pkt_init(&p, "host.nr.test", 1, 0);   /* no CNAME, has addresses: itself */
    rr_a(&p, "host.nr.test", "192.0.2.10");
    rs = parse_ok(NR_Q_CNAME, "host.nr.test.", &p, 1);
    assert_string_equal(rs->r[0].host, "host.nr.test.");
    nr_records_free(rs);

    pkt_init(&p, "dangling.nr.test", 1, 3);   /* NXDOMAIN at the end of the chain */
    rr_name(&p, "dangling.nr.test", 5, "nowhere.nr.test");
    rs = parse_ok(NR_Q_CNAME, "dangling.nr.test", &p, 1);
    assert_string_equal(rs->r[0].host, "nowhere.nr.test.");
    nr_records_free(rs);

    pkt_init(&p, "other.nr.test", 1, 0);   /* records for another name only */
    rr_a(&p, "elsewhere.nr.test", "192.0.2.1");
    assert_int_equal(parse_status(NR_Q_CNAME, "other.nr.test", &p), ARES_ENODATA);
}

static void test_nodata_and_malformed(void **state)
{
    struct pkt p;
    pkt_init(&p, "host.nr.test", 15, 0);   /* MX asked, only an A came */
    rr_a(&p, "host.nr.test", "192.0.2.10");
    assert_int_equal(parse_status(NR_Q_MX, "host.nr.test", &p), ARES_ENODATA);
    assert_int_equal(parse_status(NR_Q_ADDR, "host.nr.test", &p), ARES_ENODATA);

    pkt_init(&p, "bad.nr.test", 1, 0);   /* rdlength runs past the end */
    int at = rr_begin(&p, "bad.nr.test", 1);
    put8(&p, 1);
    rr_end(&p, at);
    p.b[at + 1] = 200;
    assert_int_equal(parse_status(NR_Q_A, "bad.nr.test", &p), ARES_EBADRESP);
    assert_int_equal(parse_status(NR_Q_CNAME, "bad.nr.test", &p), ARES_EBADRESP);
    assert_int_equal(parse_status(NR_Q_ADDR, "bad.nr.test", &p), ARES_EBADRESP);

    pkt_init(&p, "x.nr.test", 12, 0);   /* a PTR whose name points past the end */
    at = rr_begin(&p, "x.nr.test", 12);
    put8(&p, 0xc0);
    put8(&p, 0xff);
    rr_end(&p, at);
    assert_int_equal(parse_status(NR_Q_ADDR, "x.nr.test", &p), ARES_EBADRESP);

    p.n = 7;   /* shorter than a header */
    assert_int_equal(parse_status(NR_Q_ADDR, "x.nr.test", &p), ARES_EBADRESP);
    assert_int_not_equal(parse_status(NR_Q_MX, "x.nr.test", &p), ARES_SUCCESS);
}


/* ---- hostile and unusual replies (issue 10: 13, 14, 17) ---- */

static void test_nodata_through_cname_chain(void **state)
{
    struct pkt p;
    pkt_init(&p, "www.nr.test", 6, 0);   /* SOA asked; the SOA is in the authority */
    rr_name(&p, "www.nr.test", 5, "alias.nr.test");
    rr_name(&p, "alias.nr.test", 5, "host.nr.test");
    int at = rr_begin(&p, "nr.test", 6);   /* then moved to the authority count */
    put_name(&p, "ns1.nr.test");
    put_name(&p, "hostmaster.nr.test");
    for (int i = 0; i < 5; i++)
        put32(&p, 1);
    rr_end(&p, at);
    p.b[7]--;   /* ancount 2 */
    p.b[9] = 1; /* nscount 1 */
    assert_int_equal(parse_status(NR_Q_SOA, "www.nr.test", &p), ARES_ENODATA);
    assert_int_equal(parse_status(NR_Q_MX, "www.nr.test", &p), ARES_ENODATA);
    assert_int_equal(parse_status(NR_Q_TXT, "www.nr.test", &p), ARES_ENODATA);
    assert_int_equal(parse_status(NR_Q_CAA, "www.nr.test", &p), ARES_ENODATA);
}

/* One record of type whose rdata name (after fixed bytes) points at itself. */
static void rr_self_pointer(struct pkt *p, const char *owner, unsigned type, int fixed)
{
    int at = rr_begin(p, owner, type);
    for (int i = 0; i < fixed; i++)
        put8(p, 1);
    int here = p->n;
    put8(p, 0xc0 | (unsigned)(here >> 8));
    put8(p, (unsigned)here & 255);
    rr_end(p, at);
}

static void test_malformed_for_every_type(void **state)
{
    static const struct { enum nr_qtype t; unsigned type; int fixed; } cases[] = {
        { NR_Q_MX, 15, 2 }, { NR_Q_SRV, 33, 6 }, { NR_Q_NS, 2, 0 }, { NR_Q_SOA, 6, 0 },
        { NR_Q_ADDR, 12, 0 }, { NR_Q_CNAME, 5, 0 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct pkt p;   /* a compression loop inside the rdata */
        pkt_init(&p, "x.nr.test", cases[i].type, 0);
        rr_self_pointer(&p, "x.nr.test", cases[i].type, cases[i].fixed);
        assert_int_equal(parse_status(cases[i].t, "x.nr.test", &p), ARES_EBADRESP);
    }
    static const enum nr_qtype all[] = { NR_Q_A, NR_Q_AAAA, NR_Q_MX, NR_Q_NS, NR_Q_SRV,
                                         NR_Q_TXT, NR_Q_SOA, NR_Q_CAA, NR_Q_ADDR, NR_Q_CNAME };
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        struct pkt p;   /* an owner name that points at itself */
        pkt_init(&p, "x.nr.test", 16, 0);
        int here = p.n;
        put8(&p, 0xc0 | (unsigned)(here >> 8));
        put8(&p, (unsigned)here & 255);
        put16(&p, 16);
        put16(&p, 1);
        put32(&p, 60);
        put16(&p, 2);
        put_str(&p, "t", 1);
        p.b[7] = 1;
        assert_int_equal(parse_status(all[i], "x.nr.test", &p), ARES_EBADRESP);
        pkt_init(&p, "x.nr.test", 16, 0);   /* three answers claimed, one there */
        int at = rr_begin(&p, "x.nr.test", 16);
        put_str(&p, "t", 1);
        rr_end(&p, at);
        p.b[7] = 3;
        assert_int_equal(parse_status(all[i], "x.nr.test", &p), ARES_EBADRESP);
    }
}

static void test_cname_loops_limits_and_long_names(void **state)
{
    struct pkt p;
    pkt_init(&p, "c.nr.test", 1, 0);   /* c -> a -> b -> a */
    rr_name(&p, "c.nr.test", 5, "a.nr.test");
    rr_name(&p, "a.nr.test", 5, "b.nr.test");
    rr_name(&p, "b.nr.test", 5, "a.nr.test");
    assert_int_equal(parse_status(NR_Q_CNAME, "c.nr.test", &p), NR_DNS_ECNAMELOOP);
    assert_int_equal(parse_status(NR_Q_A, "c.nr.test", &p), NR_DNS_ECNAMELOOP);
    pkt_init(&p, "c.nr.test", 1, 0);   /* back to the name asked */
    rr_name(&p, "c.nr.test", 5, "a.nr.test");
    rr_name(&p, "a.nr.test", 5, "C.nr.test.");
    assert_int_equal(parse_status(NR_Q_CNAME, "c.nr.test", &p), NR_DNS_ECNAMELOOP);
    pkt_init(&p, "c.nr.test", 1, 0);   /* a loop listed out of order */
    rr_name(&p, "x3.nr.test", 5, "x1.nr.test");
    rr_name(&p, "x2.nr.test", 5, "x3.nr.test");
    rr_name(&p, "x1.nr.test", 5, "x2.nr.test");
    rr_name(&p, "c.nr.test", 5, "x1.nr.test");
    assert_int_equal(parse_status(NR_Q_CNAME, "c.nr.test", &p), NR_DNS_ECNAMELOOP);
    pkt_init(&p, "c.nr.test", 1, 0);   /* a chain listed backwards is no loop */
    rr_name(&p, "x2.nr.test", 5, "x3.nr.test");
    rr_name(&p, "x1.nr.test", 5, "x2.nr.test");
    rr_name(&p, "c.nr.test", 5, "x1.nr.test");
    struct nr_records *rs = parse_ok(NR_Q_CNAME, "c.nr.test", &p, 1);
    assert_string_equal(rs->r[0].host, "x3.nr.test.");
    nr_records_free(rs);

    char from[32], to[32];
    for (int links = NR_DNS_MAXCHAIN; links <= NR_DNS_MAXCHAIN + 8; links += 8) {
        pkt_init(&p, "l0.nr.test", 1, 0);
        for (int i = 0; i < links; i++) {
            snprintf(from, sizeof from, "l%d.nr.test", i);
            snprintf(to, sizeof to, "l%d.nr.test", i + 1);
            rr_name(&p, from, 5, to);
        }
        rr_a(&p, to, "192.0.2.40");
        if (links == NR_DNS_MAXCHAIN) {   /* at the limit: still an answer */
            rs = parse_ok(NR_Q_CNAME, "l0.nr.test", &p, 1);
            assert_string_equal(rs->r[0].host, "l32.nr.test.");
            nr_records_free(rs);
        } else {
            assert_int_equal(parse_status(NR_Q_CNAME, "l0.nr.test", &p), NR_DNS_ECHAIN);
            assert_int_equal(parse_status(NR_Q_A, "l0.nr.test", &p), NR_DNS_ECHAIN);
        }
    }

    char big[400];   /* 5 labels of 63: 321 bytes on the wire */
    memset(big, 'x', sizeof big);
    for (int i = 0; i < 5; i++)
        big[i * 64 + 63] = '.';
    big[5 * 64 - 1] = 0;
    pkt_init(&p, "long.nr.test", 15, 0);
    int at = rr_begin(&p, "long.nr.test", 15);
    put16(&p, 10);
    put_name(&p, big);
    rr_end(&p, at);
    assert_int_equal(parse_status(NR_Q_MX, "long.nr.test", &p), NR_DNS_ELONGNAME);
    pkt_init(&p, "long.nr.test", 1, 0);
    rr_name(&p, "long.nr.test", 5, big);
    assert_int_equal(parse_status(NR_Q_CNAME, "long.nr.test", &p), NR_DNS_ELONGNAME);
    big[4 * 64 - 1] = 0;   /* 4 labels: 257 bytes, still too long */
    pkt_init(&p, "long.nr.test", 12, 0);
    rr_name(&p, "long.nr.test", 12, big);
    assert_int_equal(parse_status(NR_Q_ADDR, "long.nr.test", &p), NR_DNS_ELONGNAME);
    big[3 * 64 + 61] = 0;   /* 3 labels and one of 61: 255 bytes, allowed */
    pkt_init(&p, "ok.nr.test", 12, 0);
    rr_name(&p, "ok.nr.test", 12, big);
    rs = parse_ok(NR_Q_ADDR, "ok.nr.test", &p, 1);
    nr_records_free(rs);
}

static void test_srv_canonical_name_and_dup(void **state)
{
    struct pkt p;
    pkt_init(&p, "_alias._tcp.nr.test", 33, 0);
    rr_name(&p, "_alias._tcp.nr.test", 5, "_xmpp._tcp.nr.test");
    int at = rr_begin(&p, "_xmpp._tcp.nr.test", 33);
    put16(&p, 10);
    put16(&p, 5);
    put16(&p, 5269);
    put_name(&p, "xmpp1.nr.test");
    rr_end(&p, at);
    struct nr_records *rs = parse_ok(NR_Q_SRV, "_alias._tcp.nr.test", &p, 1);
    assert_string_equal(rs->canon, "_xmpp._tcp.nr.test.");
    struct nr_records *d = nr_records_dup(rs);
    assert_non_null(d);
    assert_int_equal(d->n, 1);
    assert_string_equal(d->canon, "_xmpp._tcp.nr.test.");
    assert_string_equal(d->r[0].host, "xmpp1.nr.test.");
    assert_ptr_not_equal(d->r[0].host, rs->r[0].host);
    assert_int_equal(d->r[0].port, 5269);
    nr_records_free(rs);
    nr_records_free(d);
}

static void test_hosts_file_for_addr(void **state)
{
    char path[] = "/tmp/nr-hosts-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    static const char text[] =
        "# a comment\n"
        "127.0.0.1\tlocalhost  Loop.Back # trailing\n"
        "::1 ip6-localhost\n"
        "192.0.2.9 nine\n"
        "127.0.0.1 second-line\n"
        "not-an-ip bogus\n";
    assert_int_equal(write(fd, text, sizeof text - 1), (ssize_t)(sizeof text - 1));
    close(fd);
    struct nr_ip ip;
    nr_ip_parse("::ffff:127.0.0.1", &ip, false);   /* v4-mapped is IPv4 */
    struct nr_records *rs = nr_hosts_addr(path, &ip);
    assert_non_null(rs);
    assert_int_equal(rs->n, 3);
    assert_int_equal(rs->source, NR_SRC_HOSTS);
    assert_string_equal(rs->r[0].host, "localhost");   /* as written, as Go */
    assert_string_equal(rs->r[1].host, "Loop.Back");
    assert_string_equal(rs->r[2].host, "second-line");
    nr_records_free(rs);
    nr_ip_parse("192.0.2.10", &ip, false);
    assert_null(nr_hosts_addr(path, &ip));
    assert_null(nr_hosts_addr("/nonexistent/hosts", &ip));
    unlink(path);
}

/* ---- names ---- */

static void name_bad(const char *name, const char *want)
{
    char err[NR_ERRLEN] = "";
    assert_int_equal(nr_dns_name_check(name, strlen(name), err, sizeof err), -1);
    assert_string_equal(err, want);
}

static void test_name_checks(void **state)
{
    char err[NR_ERRLEN], label[80], longname[300];
    assert_int_equal(nr_dns_name_check("nr.test", 7, err, sizeof err), 0);
    assert_int_equal(nr_dns_name_check("nr.test.", 8, err, sizeof err), 0);
    assert_int_equal(nr_dns_name_check(".", 1, err, sizeof err), 0);
    assert_int_equal(nr_dns_name_check("_sip._udp.x", 11, err, sizeof err), 0);
    name_bad("", "empty name");
    name_bad("..", "empty label in name");
    name_bad("a..b", "empty label in name");
    name_bad(".a", "empty label in name");
    memset(label, 'a', 64);
    label[64] = 0;
    name_bad(label, "label longer than 63 bytes");
    label[63] = 0;
    assert_int_equal(nr_dns_name_check(label, 63, err, sizeof err), 0);
    for (int i = 0; i < 300; i++)
        longname[i] = i % 2 ? '.' : 'a';
    longname[255] = 0;
    name_bad(longname, "name longer than 253 bytes");
    assert_int_equal(nr_dns_name_check("a\0b", 3, err, sizeof err), -1);
    assert_string_equal(err, "name contains a NUL byte");
}

static void test_srv_and_reverse_names(void **state)
{
    char buf[128], err[NR_ERRLEN];
    assert_int_equal(nr_srv_name("xmpp-server", "tcp", "nr.test", buf, sizeof buf, err, sizeof err), 0);
    assert_string_equal(buf, "_xmpp-server._tcp.nr.test");
    assert_int_equal(nr_srv_name("", "", "_a._b.c", buf, sizeof buf, err, sizeof err), 0);
    assert_string_equal(buf, "_a._b.c");
    struct nr_ip ip;
    assert_int_equal(nr_ip_parse("192.0.2.10", &ip, false), 0);
    assert_string_equal(nr_reverse_name(&ip, buf, sizeof buf), "10.2.0.192.in-addr.arpa");
    assert_int_equal(nr_ip_parse("::ffff:192.0.2.1", &ip, false), 0);
    assert_string_equal(nr_reverse_name(&ip, buf, sizeof buf), "1.2.0.192.in-addr.arpa");
    assert_int_equal(nr_ip_parse("2001:db8::1", &ip, false), 0);
    assert_string_equal(nr_reverse_name(&ip, buf, sizeof buf),
                        "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa");
    enum nr_qtype t;
    assert_int_equal(nr_qtype_parse("MX", &t), 0);
    assert_int_equal(t, NR_Q_MX);
    assert_int_equal(nr_qtype_parse("ptr", &t), 0);
    assert_int_equal(t, NR_Q_ADDR);
    assert_int_equal(nr_qtype_parse("bogus", &t), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_and_aaaa),
        cmocka_unit_test(test_mx_sorted_by_preference),
        cmocka_unit_test(test_srv_priority_and_weights),
        cmocka_unit_test(test_txt_records_joined),
        cmocka_unit_test(test_soa_caa_ns),
        cmocka_unit_test(test_ptr),
        cmocka_unit_test(test_cname),
        cmocka_unit_test(test_nodata_and_malformed),
        cmocka_unit_test(test_nodata_through_cname_chain),
        cmocka_unit_test(test_malformed_for_every_type),
        cmocka_unit_test(test_cname_loops_limits_and_long_names),
        cmocka_unit_test(test_srv_canonical_name_and_dup),
        cmocka_unit_test(test_hosts_file_for_addr),
        cmocka_unit_test(test_name_checks),
        cmocka_unit_test(test_srv_and_reverse_names),
    };
    return cmocka_run_group_tests_name("records", tests, NULL, NULL);
}
