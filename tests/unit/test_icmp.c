/* Unit tests: lib/icmp (checksum, echo requests, reply validation from
 * canned packets) and lib/ping's iputils statistics. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "lib/icmp.h"
#include "lib/ping.h"

static void store_sum(uint8_t *p, size_t n)
{
    p[2] = p[3] = 0;
    uint16_t s = nr_icmp_checksum(p, n);
    p[2] = (uint8_t)(s >> 8);
    p[3] = (uint8_t)s;
}

static void test_checksum_classic(void **st)
{
    /* The textbook echo request: id 13, seq 37, no data -> f7 cd. */
    uint8_t p[8] = { 0x08, 0x00, 0x00, 0x00, 0x00, 0x0d, 0x00, 0x25 };
    uint16_t s = nr_icmp_checksum(p, sizeof p);
    assert_int_equal(s, 0xf7cd);
    assert_int_equal(s >> 8, 247);
    assert_int_equal(s & 0xff, 205);
    p[2] = 0xf7;
    p[3] = 0xcd;
    assert_int_equal(nr_icmp_checksum(p, sizeof p), 0);   /* a right packet sums to 0 */
}

static void test_checksum_odd_and_carry(void **st)
{
    /* Odd length pads with a zero byte: 0x0102 + 0x0300 = 0x0402 -> fbfd. */
    const uint8_t odd[3] = { 1, 2, 3 };
    assert_int_equal(nr_icmp_checksum(odd, 3), 0xfbfd);
    /* End-around carry: 0xffff + 0x0001 = 0x1_0000 -> 0x0001 -> fffe. */
    const uint8_t carry[4] = { 0xff, 0xff, 0x00, 0x01 };
    assert_int_equal(nr_icmp_checksum(carry, 4), 0xfffe);
    assert_int_equal(nr_icmp_checksum(NULL, 0), 0xffff);
}

static void test_checksum_v6_pseudo_header(void **st)
{
    /* ::1 -> ::1, echo request id 0 seq 0, no data:
     * 1 + 1 + 8 (length) + 58 (next header) + 0x8000 = 0x8044 -> 7fbb. */
    uint8_t lo[16] = { [15] = 1 };
    uint8_t p[8] = { 128, 0, 0, 0, 0, 0, 0, 0 };
    assert_int_equal(nr_icmp6_checksum(lo, lo, p, 8), 0x7fbb);
    p[2] = 0x7f;
    p[3] = 0xbb;
    assert_int_equal(nr_icmp6_checksum(lo, lo, p, 8), 0);
}

static void test_build_v4(void **st)
{
    uint8_t b[128];
    int n = nr_icmp_build_echo(b, sizeof b, false, 0x1234, 7, 56, 0x0102030405060708LL);
    assert_int_equal(n, 64);
    assert_int_equal(b[0], 8);
    assert_int_equal(b[1], 0);
    assert_int_equal(b[4], 0x12);
    assert_int_equal(b[5], 0x34);
    assert_int_equal(b[6], 0);
    assert_int_equal(b[7], 7);
    const uint8_t ts[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
    assert_memory_equal(b + 8, ts, 8);            /* send time, big-endian */
    assert_int_equal(b[16], 0x18);                 /* pattern continues after it */
    assert_int_equal(b[63], 0x10 + 55);
    assert_int_equal(nr_icmp_checksum(b, 64), 0);  /* checksum filled in */
}

static void test_build_v6_and_limits(void **st)
{
    uint8_t b[64];
    int n = nr_icmp_build_echo(b, sizeof b, true, 1, 2, 4, 99);
    assert_int_equal(n, 12);
    assert_int_equal(b[0], 128);
    assert_int_equal(b[2], 0);   /* the kernel computes the ICMPv6 checksum */
    assert_int_equal(b[3], 0);
    assert_int_equal(b[8], 0x10);   /* too short for a timestamp: pattern only */
    assert_int_equal(nr_icmp_build_echo(b, sizeof b, false, 1, 2, 0, 0), 8);
    assert_int_equal(nr_icmp_build_echo(b, sizeof b, false, 1, 2, 57, 0), -1);
    assert_int_equal(nr_icmp_build_echo(b, sizeof b, false, 1, 2, NR_ICMP_MAXDATA + 1, 0), -1);
}

/* A reply as a peer would send it: request turned into type 0, resummed. */
static size_t reply_v4(uint8_t *b, uint16_t id, uint16_t seq)
{
    int n = nr_icmp_build_echo(b, 128, false, id, seq, 16, 42);
    b[0] = NR_ICMP_ECHOREPLY;
    store_sum(b, (size_t)n);
    return (size_t)n;
}

static void test_parse_good(void **st)
{
    uint8_t b[128];
    size_t n = reply_v4(b, 77, 3);
    struct nr_icmp_expect ex = { .id = 77 };
    struct nr_icmp_reply r;
    assert_int_equal(nr_icmp_parse_reply(b, n, &ex, &r), NR_ICMP_OK);
    assert_int_equal(r.id, 77);
    assert_int_equal(r.seq, 3);
    assert_int_equal(r.icmplen, 24);
    assert_int_equal(r.datalen, 16);
    assert_ptr_equal(r.data, b + 8);
    assert_int_equal(r.ttl, -1);
}

static void test_parse_wrong_id(void **st)
{
    uint8_t b[128];
    size_t n = reply_v4(b, 78, 3);
    struct nr_icmp_expect ex = { .id = 77 };
    struct nr_icmp_reply r;
    assert_int_equal(nr_icmp_parse_reply(b, n, &ex, &r), NR_ICMP_OTHERID);
    assert_int_equal(r.id, 78);
}

static void test_parse_bad_checksum(void **st)
{
    uint8_t b[128];
    size_t n = reply_v4(b, 77, 3);
    b[12] ^= 0x40;   /* one payload bit flipped in transit */
    struct nr_icmp_expect ex = { .id = 77 };
    struct nr_icmp_reply r;
    assert_int_equal(nr_icmp_parse_reply(b, n, &ex, &r), NR_ICMP_BADSUM);
    assert_int_equal(r.id, 77);   /* filled, so the caller can count it as ours */
    assert_int_equal(r.seq, 3);
}

static void test_parse_truncated(void **st)
{
    uint8_t b[128];
    reply_v4(b, 77, 3);
    struct nr_icmp_expect ex = { .id = 77 };
    struct nr_icmp_reply r;
    assert_int_equal(nr_icmp_parse_reply(b, 7, &ex, &r), NR_ICMP_TRUNCATED);
    assert_int_equal(nr_icmp_parse_reply(b, 0, &ex, &r), NR_ICMP_TRUNCATED);
    /* Cut inside the payload: the checksum no longer adds up. */
    assert_int_equal(nr_icmp_parse_reply(b, 20, &ex, &r), NR_ICMP_BADSUM);
}

static void test_parse_wrong_type_and_code(void **st)
{
    uint8_t b[128];
    int n = nr_icmp_build_echo(b, sizeof b, false, 77, 3, 16, 42);   /* our own request */
    struct nr_icmp_expect ex = { .id = 77 };
    struct nr_icmp_reply r;
    assert_int_equal(nr_icmp_parse_reply(b, (size_t)n, &ex, &r), NR_ICMP_NOTREPLY);
    assert_int_equal(r.type, 8);
    size_t m = reply_v4(b, 77, 3);
    b[1] = 1;   /* echo reply with a code other than 0 */
    store_sum(b, m);
    assert_int_equal(nr_icmp_parse_reply(b, m, &ex, &r), NR_ICMP_NOTREPLY);
    /* An ICMPv6 echo request is not an ICMPv6 reply either. */
    struct nr_icmp_expect ex6 = { .v6 = true, .id = 77 };
    n = nr_icmp_build_echo(b, sizeof b, true, 77, 3, 0, 0);
    assert_int_equal(nr_icmp_parse_reply(b, (size_t)n, &ex6, &r), NR_ICMP_NOTREPLY);
}

/* IPv4 header of ihl words (options padded with NOPs), TTL 55, then icmp. */
static size_t with_iphdr(uint8_t *out, int ihl, const uint8_t *icmp, size_t n)
{
    memset(out, 0, (size_t)ihl * 4);
    out[0] = (uint8_t)(0x40 | ihl);
    out[8] = 55;
    out[9] = 1;
    for (int i = 20; i < ihl * 4; i++)
        out[i] = 1;   /* IPOPT_NOP */
    memcpy(out + ihl * 4, icmp, n);
    return (size_t)ihl * 4 + n;
}

static void test_parse_raw_ipv4_options(void **st)
{
    uint8_t icmp[128], pkt[256];
    size_t n = reply_v4(icmp, 77, 9);
    struct nr_icmp_expect ex = { .id = 77, .iphdr = true };
    struct nr_icmp_reply r;
    size_t m = with_iphdr(pkt, 7, icmp, n);   /* 28-byte header: 8 bytes of options */
    assert_int_equal(nr_icmp_parse_reply(pkt, m, &ex, &r), NR_ICMP_OK);
    assert_int_equal(r.ttl, 55);
    assert_int_equal(r.seq, 9);
    assert_int_equal(r.icmplen, n);
    m = with_iphdr(pkt, 5, icmp, n);
    assert_int_equal(nr_icmp_parse_reply(pkt, m, &ex, &r), NR_ICMP_OK);
    /* Had the options been taken for ICMP, nothing would add up. */
    m = with_iphdr(pkt, 7, icmp, n);
    pkt[0] = 0x45;
    assert_int_not_equal(nr_icmp_parse_reply(pkt, m, &ex, &r), NR_ICMP_OK);
}

static void test_parse_raw_ipv4_bad_header(void **st)
{
    uint8_t icmp[128], pkt[256];
    size_t n = reply_v4(icmp, 77, 9);
    struct nr_icmp_expect ex = { .id = 77, .iphdr = true };
    struct nr_icmp_reply r;
    size_t m = with_iphdr(pkt, 15, icmp, 0);   /* 60-byte header, no ICMP after it */
    assert_int_equal(nr_icmp_parse_reply(pkt, m, &ex, &r), NR_ICMP_TRUNCATED);
    assert_int_equal(nr_icmp_parse_reply(pkt, 40, &ex, &r), NR_ICMP_TRUNCATED);   /* IHL past the end */
    m = with_iphdr(pkt, 5, icmp, n);
    pkt[0] = 0x44;   /* IHL below 5 */
    assert_int_equal(nr_icmp_parse_reply(pkt, m, &ex, &r), NR_ICMP_TRUNCATED);
    pkt[0] = 0x65;   /* not version 4 */
    assert_int_equal(nr_icmp_parse_reply(pkt, m, &ex, &r), NR_ICMP_TRUNCATED);
    assert_int_equal(nr_icmp_parse_reply(pkt, 19, &ex, &r), NR_ICMP_TRUNCATED);
}

static void test_parse_v6(void **st)
{
    uint8_t a[16] = { 0xfe, 0x80, [15] = 1 }, b6[16] = { 0xfe, 0x80, [15] = 2 };
    uint8_t p[64];
    int n = nr_icmp_build_echo(p, sizeof p, true, 5, 6, 8, 1234);
    p[0] = NR_ICMP6_ECHOREPLY;
    uint16_t s = nr_icmp6_checksum(a, b6, p, (size_t)n);
    p[2] = (uint8_t)(s >> 8);
    p[3] = (uint8_t)s;
    struct nr_icmp_expect ex = { .v6 = true, .id = 5, .src6 = a, .dst6 = b6 };
    struct nr_icmp_reply r;
    assert_int_equal(nr_icmp_parse_reply(p, (size_t)n, &ex, &r), NR_ICMP_OK);
    ex.dst6 = a;   /* wrong pseudo-header: the sum fails */
    assert_int_equal(nr_icmp_parse_reply(p, (size_t)n, &ex, &r), NR_ICMP_BADSUM);
    ex.src6 = ex.dst6 = NULL;   /* not verifiable here: trusted to the kernel */
    p[3] ^= 1;
    assert_int_equal(nr_icmp_parse_reply(p, (size_t)n, &ex, &r), NR_ICMP_OK);
    ex.id = 6;
    assert_int_equal(nr_icmp_parse_reply(p, (size_t)n, &ex, &r), NR_ICMP_OTHERID);
}

static void test_stats_like_iputils(void **st)
{
    struct nr_ping_stats s = { .transmitted = 4 };
    const int64_t rtt[] = { 54, 85, 63 };
    for (int i = 0; i < 3; i++) {
        s.received++;
        nr_ping_stats_add(&s, rtt[i]);
    }
    int64_t avg, mdev;
    nr_ping_rtt(&s, &avg, &mdev);
    /* tsum 202, tsum2 14110: avg 202/3 = 67; var (14110 - 40804/3)/3 = 169. */
    assert_int_equal(s.tmin, 54);
    assert_int_equal(s.tmax, 85);
    assert_int_equal(avg, 67);
    assert_int_equal(mdev, 13);
    assert_true(nr_ping_loss(&s) == 25.0);
    struct nr_ping_stats none = { .transmitted = 3 };
    nr_ping_rtt(&none, &avg, &mdev);
    assert_int_equal(avg, 0);
    assert_true(nr_ping_loss(&none) == 100.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_checksum_classic),
        cmocka_unit_test(test_checksum_odd_and_carry),
        cmocka_unit_test(test_checksum_v6_pseudo_header),
        cmocka_unit_test(test_build_v4),
        cmocka_unit_test(test_build_v6_and_limits),
        cmocka_unit_test(test_parse_good),
        cmocka_unit_test(test_parse_wrong_id),
        cmocka_unit_test(test_parse_bad_checksum),
        cmocka_unit_test(test_parse_truncated),
        cmocka_unit_test(test_parse_wrong_type_and_code),
        cmocka_unit_test(test_parse_raw_ipv4_options),
        cmocka_unit_test(test_parse_raw_ipv4_bad_header),
        cmocka_unit_test(test_parse_v6),
        cmocka_unit_test(test_stats_like_iputils),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
