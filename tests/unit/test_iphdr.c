/* Unit tests: lib/iphdr (the IPv4 header of raw datagrams, decoded for
 * recv --ip; the ICMP checksum filled in for send --icmp-checksum) and the
 * Internet checksum (RFC 1071) of lib/icmp it rests on, checked against a
 * slow reference written here from the RFC's words. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "lib/icmp.h"
#include "lib/iphdr.h"

/* RFC 1071 §1: the one's complement of the one's complement sum of the
 * 16-bit big-endian words, an odd last byte padded with a zero. Folding
 * after every word, the way one would by hand. */
static uint16_t reference_sum(const uint8_t *p, size_t n)
{
    uint32_t s = 0;
    for (size_t i = 0; i < n; i += 2) {
        s += (uint32_t)p[i] << 8 | (i + 1 < n ? p[i + 1] : 0);
        if (s > 0xffff)
            s = (s & 0xffff) + 1;
    }
    return (uint16_t)~s;
}

/* ---- the Internet checksum ---- */

static void test_fill_seed_packet(void **st)
{
    /* The seed's echo request: type 8, code 0, checksum 0, id 13, seq 37. */
    uint8_t p[8] = { 0x08, 0x00, 0x00, 0x00, 0x00, 0x0d, 0x00, 0x25 };
    const uint8_t want[8] = { 0x08, 0x00, 0xf7, 0xcd, 0x00, 0x0d, 0x00, 0x25 };
    assert_int_equal(nr_icmp_fill_checksum(p, sizeof p), 0xf7cd);
    assert_memory_equal(p, want, sizeof p);
    assert_int_equal(nr_icmp_checksum(p, sizeof p), 0);   /* a right packet sums to 0 */
    /* Whatever was at bytes 2-3 is replaced, not summed in. */
    p[2] = 0x12;
    p[3] = 0x34;
    assert_int_equal(nr_icmp_fill_checksum(p, sizeof p), 0xf7cd);
    assert_memory_equal(p, want, sizeof p);
}

static void test_fill_too_short(void **st)
{
    /* Under 4 bytes there is no checksum field: refused, nothing written. */
    uint8_t p[3] = { 0x08, 0xaa, 0xbb };
    assert_int_equal(nr_icmp_fill_checksum(p, 3), -1);
    assert_int_equal(p[1], 0xaa);
    assert_int_equal(p[2], 0xbb);
    assert_int_equal(nr_icmp_fill_checksum(p, 0), -1);
    uint8_t four[4] = { 0x08, 0x00, 0xff, 0xff };   /* 4 is enough: ~0x0800 */
    assert_int_equal(nr_icmp_fill_checksum(four, 4), 0xf7ff);
}

static void test_checksum_rfc1071_example(void **st)
{
    /* RFC 1071 §3's numerical example: the words sum to 0xddf2. */
    const uint8_t p[8] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };
    assert_int_equal(nr_icmp_checksum(p, 8), 0x220d);
    /* Odd: the 7th byte is the high half of a word, 0xf600. */
    assert_int_equal(nr_icmp_checksum(p, 7), 0x2304);
    /* A carry whose adding-in carries again: 0xffff + 0xffff + 0x0001 =
     * 0x1ffff -> 0xffff + 1 = 0x10000 -> 0x0001 -> fffe. */
    const uint8_t twice[6] = { 0xff, 0xff, 0xff, 0xff, 0x00, 0x01 };
    assert_int_equal(nr_icmp_checksum(twice, 6), 0xfffe);
    assert_int_equal(reference_sum(twice, 6), 0xfffe);
}

static void test_odd_lengths(void **st)
{
    /* The seed packet with one byte of data, 'a': 0x0832 + 0x6100. */
    uint8_t p[9] = { 0x08, 0x00, 0x00, 0x00, 0x00, 0x0d, 0x00, 0x25, 'a' };
    assert_int_equal(nr_icmp_fill_checksum(p, 9), 0x96cd);
    assert_int_equal(p[2], 0x96);
    assert_int_equal(p[3], 0xcd);
    assert_int_equal(nr_icmp_checksum(p, 9), 0);
    /* 0x0800 + 0xff00 carries out: 0x10700 -> 0x0701 -> f8fe. */
    uint8_t q[5] = { 0x08, 0x00, 0x00, 0x00, 0xff };
    assert_int_equal(nr_icmp_fill_checksum(q, 5), 0xf8fe);
    assert_int_equal(nr_icmp_checksum(q, 5), 0);
    /* A lone byte is the high half: ~0xab00. */
    const uint8_t one = 0xab;
    assert_int_equal(nr_icmp_checksum(&one, 1), 0x54ff);
}

static void test_against_reference(void **st)
{
    /* Every length 0..300, odd and even, random bytes and all-ones (the
     * most carries), at an odd address too: the same as the RFC's sum. */
    uint8_t buf[302];
    srand(1071);
    for (int round = 0; round < 2; round++) {
        for (size_t i = 0; i < sizeof buf; i++)
            buf[i] = round ? 0xff : (uint8_t)rand();
        for (size_t n = 0; n <= 300; n++) {
            assert_int_equal(nr_icmp_checksum(buf, n), reference_sum(buf, n));
            assert_int_equal(nr_icmp_checksum(buf + 1, n), reference_sum(buf + 1, n));
        }
    }
    /* Filled in, any length from 4 on sums to 0 afterwards. */
    for (size_t n = 4; n <= 64; n++) {
        uint8_t p[64];
        for (size_t i = 0; i < n; i++)
            p[i] = (uint8_t)rand();
        int c = nr_icmp_fill_checksum(p, n);
        assert_in_range(c, 0, 0xffff);
        assert_int_equal(c, (p[2] << 8) | p[3]);
        assert_int_equal(nr_icmp_checksum(p, n), 0);
    }
}

/* ---- the IPv4 header ---- */

/* A UDP datagram's header from 192.168.0.1 to 192.168.0.199: total length
 * 115, DF, TTL 64, protocol 17, header checksum b861. */
static const uint8_t udp_hdr[20] = {
    0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
    0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7,
};

static void test_parse_real_header(void **st)
{
    uint8_t p[28];
    memcpy(p, udp_hdr, 20);
    memset(p + 20, 0x5a, 8);   /* the UDP header after it */
    struct nr_ip4hdr h;
    assert_int_equal(nr_ip4_parse(p, sizeof p, &h), 20);   /* the payload's offset */
    assert_int_equal(h.version, 4);
    assert_int_equal(h.ihl, 20);
    assert_int_equal(h.tos, 0);
    assert_int_equal(h.total_len, 115);
    assert_int_equal(h.id, 0);
    assert_true(h.df);
    assert_false(h.mf);
    assert_int_equal(h.frag_off, 0);
    assert_int_equal(h.ttl, 64);
    assert_int_equal(h.proto, 17);
    assert_int_equal(h.checksum, 0xb861);
    assert_true(h.checksum_ok);
    const uint8_t src[4] = { 192, 168, 0, 1 }, dst[4] = { 192, 168, 0, 199 };
    assert_memory_equal(h.src, src, 4);
    assert_memory_equal(h.dst, dst, 4);
    /* The header alone is enough. */
    assert_int_equal(nr_ip4_parse(p, 20, &h), 20);
}

static void test_parse_loopback_fragment(void **st)
{
    /* ICMP 127.0.0.1 -> 127.0.0.1, id 0x1234, MF with offset 1 (8 bytes),
     * TTL 64, checksum 4aaa. */
    const uint8_t p[20] = {
        0x45, 0x00, 0x00, 0x1c, 0x12, 0x34, 0x20, 0x01, 0x40, 0x01,
        0x4a, 0xaa, 0x7f, 0x00, 0x00, 0x01, 0x7f, 0x00, 0x00, 0x01,
    };
    struct nr_ip4hdr h;
    assert_int_equal(nr_ip4_parse(p, 20, &h), 20);
    assert_int_equal(h.total_len, 28);
    assert_int_equal(h.id, 0x1234);
    assert_false(h.df);
    assert_true(h.mf);
    assert_int_equal(h.frag_off, 8);
    assert_int_equal(h.proto, 1);
    assert_int_equal(h.checksum, 0x4aaa);
    assert_true(h.checksum_ok);
    const uint8_t lo[4] = { 127, 0, 0, 1 };
    assert_memory_equal(h.src, lo, 4);
    assert_memory_equal(h.dst, lo, 4);
}

static void test_parse_bad_checksum_still_decodes(void **st)
{
    /* A changed TTL without a new checksum: decoded, flagged as wrong. */
    uint8_t p[20];
    memcpy(p, udp_hdr, 20);
    p[8] = 63;
    struct nr_ip4hdr h;
    assert_int_equal(nr_ip4_parse(p, 20, &h), 20);
    assert_int_equal(h.ttl, 63);
    assert_int_equal(h.checksum, 0xb861);
    assert_false(h.checksum_ok);
}

static void test_parse_options(void **st)
{
    /* IHL 6: an IGMP report with the Router Alert option (94 04 00 00),
     * 10.0.0.1 -> 224.0.0.22, TOS c0, TTL 1, checksum 8e33. */
    const uint8_t p[28] = {
        0x46, 0xc0, 0x00, 0x20, 0xab, 0xcd, 0x00, 0x00, 0x01, 0x02,
        0x8e, 0x33, 0x0a, 0x00, 0x00, 0x01, 0xe0, 0x00, 0x00, 0x16,
        0x94, 0x04, 0x00, 0x00, 0x22, 0x00, 0xf9, 0x02,
    };
    struct nr_ip4hdr h;
    assert_int_equal(nr_ip4_parse(p, sizeof p, &h), 24);   /* payload after the option */
    assert_int_equal(h.ihl, 24);
    assert_int_equal(h.tos, 0xc0);
    assert_int_equal(h.ttl, 1);
    assert_int_equal(h.proto, 2);
    assert_int_equal(h.id, 0xabcd);
    assert_true(h.checksum_ok);   /* summed over all 24 bytes, options too */
    const uint8_t dst[4] = { 224, 0, 0, 22 };
    assert_memory_equal(h.dst, dst, 4);
    assert_int_equal(nr_ip4_parse(p, 24, &h), 24);
    /* The options cut short: 23 bytes of a 24-byte header. */
    assert_int_equal(nr_ip4_parse(p, 23, &h), -1);

    /* IHL 15, the largest: 40 bytes of NOP options, checksum filled in. */
    uint8_t big[64];
    memcpy(big, udp_hdr, 20);
    big[0] = 0x4f;
    memset(big + 20, 0x01, 40);
    memset(big + 60, 0xee, 4);
    big[10] = big[11] = 0;
    uint16_t c = nr_icmp_checksum(big, 60);
    big[10] = (uint8_t)(c >> 8);
    big[11] = (uint8_t)c;
    assert_int_equal(nr_ip4_parse(big, sizeof big, &h), 60);
    assert_int_equal(h.ihl, 60);
    assert_int_equal(h.checksum, c);
    assert_true(h.checksum_ok);
    assert_int_equal(nr_ip4_parse(big, 59, &h), -1);
}

static void test_parse_rejects(void **st)
{
    struct nr_ip4hdr h;
    uint8_t p[64];
    memcpy(p, udp_hdr, 20);
    memset(p + 20, 0, sizeof p - 20);
    /* Truncated: every length under 20. */
    for (size_t n = 0; n < 20; n++)
        assert_int_equal(nr_ip4_parse(p, n, &h), -1);
    /* Not version 4: an IPv6 first byte, version 0, version 15. */
    p[0] = 0x60;
    assert_int_equal(nr_ip4_parse(p, sizeof p, &h), -1);
    p[0] = 0x05;
    assert_int_equal(nr_ip4_parse(p, sizeof p, &h), -1);
    p[0] = 0xf5;
    assert_int_equal(nr_ip4_parse(p, sizeof p, &h), -1);
    /* IHL under 5 (the fixed header does not fit in it). */
    for (uint8_t ihl = 0; ihl < 5; ihl++) {
        p[0] = (uint8_t)(0x40 | ihl);
        assert_int_equal(nr_ip4_parse(p, sizeof p, &h), -1);
    }
    /* IHL past the bytes there are. */
    p[0] = 0x4f;
    assert_int_equal(nr_ip4_parse(p, 40, &h), -1);
    /* Garbage: all ones, all zeros. */
    memset(p, 0xff, sizeof p);
    assert_int_equal(nr_ip4_parse(p, sizeof p, &h), -1);
    memset(p, 0, sizeof p);
    assert_int_equal(nr_ip4_parse(p, sizeof p, &h), -1);
    /* A rejected header leaves no stale fields behind. */
    assert_int_equal(nr_ip4_parse(udp_hdr, 20, &h), 20);
    assert_int_equal(nr_ip4_parse(udp_hdr, 19, &h), -1);
    assert_int_equal(h.ttl, 0);
    assert_int_equal(h.proto, 0);
    assert_false(h.checksum_ok);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fill_seed_packet),
        cmocka_unit_test(test_fill_too_short),
        cmocka_unit_test(test_checksum_rfc1071_example),
        cmocka_unit_test(test_odd_lengths),
        cmocka_unit_test(test_against_reference),
        cmocka_unit_test(test_parse_real_header),
        cmocka_unit_test(test_parse_loopback_fragment),
        cmocka_unit_test(test_parse_bad_checksum_still_decodes),
        cmocka_unit_test(test_parse_options),
        cmocka_unit_test(test_parse_rejects),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
