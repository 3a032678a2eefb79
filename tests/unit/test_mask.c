/* Unit tests: lib/mask (Go's CIDRMask, DefaultMask, Size, String, IP.Mask,
 * ParseCIDR) and the subnet view used by `mask`. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "lib/addr.h"
#include "lib/mask.h"
#include "lib/util.h"

static struct nr_ip ip_of(const char *s)
{
    struct nr_ip ip;
    if (nr_ip_parse(s, &ip, true) != 0)
        fail_msg("nr_ip_parse(%s) failed", s);
    return ip;
}

static const char *str(const struct nr_ip *ip)
{
    static char buf[4][NR_ADDRSTRLEN];
    static int k;
    k = (k + 1) % 4;
    return nr_ip_str(ip, buf[k], sizeof buf[k]);
}

static struct nr_mask mask_of(const char *s, int bits)
{
    struct nr_mask m;
    char err[NR_ERRLEN] = "";
    if (nr_mask_parse(s, bits, &m, err, sizeof err) != 0)
        fail_msg("nr_mask_parse(%s): %s", s, err);
    return m;
}

static void size_is(const struct nr_mask *m, int ones, int bits)
{
    int o, b;
    nr_mask_size(m, &o, &b);
    assert_int_equal(o, ones);
    assert_int_equal(b, bits);
}

static void test_default_mask(void **st)
{
    struct nr_mask m;
    struct nr_ip ip = ip_of("127.0.0.1"), net;
    char hex[33], cls = 0;
    assert_int_equal(nr_mask_default(&ip, &m, &cls), 0);
    assert_int_equal(cls, 'A');
    size_is(&m, 8, 32);
    assert_int_equal(nr_ip_mask(&ip, &m, &net), 0);
    assert_string_equal(str(&net), "127.0.0.0");

    ip = ip_of("192.168.1.3");
    assert_int_equal(nr_mask_default(&ip, &m, &cls), 0);
    assert_int_equal(cls, 'C');
    assert_string_equal(nr_mask_hex(&m, hex, sizeof hex), "ffffff00");
    size_is(&m, 24, 32);
    assert_int_equal(nr_ip_mask(&ip, &m, &net), 0);
    assert_string_equal(str(&net), "192.168.1.0");

    ip = ip_of("172.16.5.4");
    nr_mask_default(&ip, &m, &cls);
    size_is(&m, 16, 32);
    assert_int_equal(cls, 'B');
    ip = ip_of("224.0.0.1");   /* Go: class C mask for D and E too */
    nr_mask_default(&ip, &m, &cls);
    size_is(&m, 24, 32);
    assert_int_equal(cls, 'D');
    ip = ip_of("::ffff:10.0.0.1");   /* To4() works: class A */
    assert_int_equal(nr_mask_default(&ip, &m, NULL), 0);
    size_is(&m, 8, 32);
    ip = ip_of("2001:db8::1");
    assert_int_equal(nr_mask_default(&ip, &m, NULL), -1);
}

static void test_cidr_mask_and_size(void **st)
{
    struct nr_mask m;
    char hex[33], dot[NR_ADDRSTRLEN];
    assert_int_equal(nr_mask_cidr(23, 32, &m), 0);
    assert_string_equal(nr_mask_hex(&m, hex, sizeof hex), "fffffe00");
    assert_string_equal(nr_mask_str(&m, dot, sizeof dot), "255.255.254.0");
    assert_int_equal(nr_mask_cidr(0, 32, &m), 0);
    size_is(&m, 0, 32);
    assert_int_equal(nr_mask_cidr(128, 128, &m), 0);
    size_is(&m, 128, 128);
    assert_int_equal(nr_mask_cidr(64, 128, &m), 0);
    assert_string_equal(nr_mask_hex(&m, hex, sizeof hex), "ffffffffffffffff0000000000000000");
    assert_string_equal(nr_mask_str(&m, dot, sizeof dot), "ffff:ffff:ffff:ffff::");
    assert_int_equal(nr_mask_cidr(33, 32, &m), -1);
    assert_int_equal(nr_mask_cidr(-1, 32, &m), -1);
    assert_int_equal(nr_mask_cidr(8, 64, &m), -1);
    for (int i = 0; i <= 32; i++) {
        nr_mask_cidr(i, 32, &m);
        size_is(&m, i, 32);
    }
    /* Non-contiguous: Size is 0 0, as Go. */
    m = mask_of("255.0.255.0", 32);
    size_is(&m, 0, 0);
    m = mask_of("ff00ff00", 32);
    size_is(&m, 0, 0);
    m = mask_of("255.255.255.1", 32);
    size_is(&m, 0, 0);
}

static void test_mask_parse_forms(void **st)
{
    char hex[33];
    struct nr_mask m = mask_of("255.255.254.0", 32);
    assert_int_equal(m.len, 4);
    assert_string_equal(nr_mask_hex(&m, hex, sizeof hex), "fffffe00");
    m = mask_of("fffffe00", 32);
    size_is(&m, 23, 32);
    m = mask_of("0xFFFFFE00", 32);
    size_is(&m, 23, 32);
    m = mask_of("/23", 32);
    size_is(&m, 23, 32);
    m = mask_of("23", 32);
    size_is(&m, 23, 32);
    m = mask_of("/64", 128);
    size_is(&m, 64, 128);
    m = mask_of("ffff:ffff:ffff:ffff::", 32);   /* IPv6 form: 16 bytes */
    size_is(&m, 64, 128);
    m = mask_of("ffffffffffffffffffffffffffffff00", 32);
    size_is(&m, 120, 128);
}

static void mask_err(const char *s, int bits, const char *want)
{
    struct nr_mask m;
    char err[NR_ERRLEN] = "";
    assert_int_equal(nr_mask_parse(s, bits, &m, err, sizeof err), -1);
    if (!strstr(err, want))
        fail_msg("nr_mask_parse(%s): '%s' lacks '%s'", s, err, want);
}

static void test_mask_parse_errors(void **st)
{
    mask_err("/33", 32, "prefix length 33 out of range (0-32 for IPv4)");
    mask_err("/129", 128, "prefix length 129 out of range (0-128 for IPv6)");
    mask_err("33", 32, "out of range");
    mask_err("", 32, "invalid mask");
    mask_err("/", 32, "invalid mask");
    mask_err("/-1", 32, "invalid mask");
    mask_err("/2x", 32, "invalid mask");
    mask_err("garbage", 32, "invalid mask");
    mask_err("255.255.255.256", 32, "invalid mask");
    mask_err("255.255.255", 32, "invalid mask");
    mask_err("fffffe0", 32, "invalid mask");
    mask_err("fffffe000", 32, "invalid mask");
    mask_err("0xgggggggg", 32, "invalid mask");
    mask_err("ffff::g", 128, "invalid mask");
}

static void test_cidr_parse(void **st)
{
    struct nr_ip ip, net;
    struct nr_mask m;
    char err[NR_ERRLEN];
    assert_int_equal(nr_cidr_parse("2404:6800:4007:818::2004/64", &ip, &m, err, sizeof err), 0);
    size_is(&m, 64, 128);
    assert_int_equal(nr_ip_mask(&ip, &m, &net), 0);
    assert_string_equal(str(&net), "2404:6800:4007:818::");
    assert_int_equal(nr_cidr_parse("192.0.2.1/24", &ip, &m, err, sizeof err), 0);
    assert_int_equal(nr_ip_mask(&ip, &m, &net), 0);
    assert_string_equal(str(&net), "192.0.2.0");
    /* Bits follow the text: a v4-mapped address written as IPv6 takes /0../128. */
    assert_int_equal(nr_cidr_parse("::ffff:192.0.2.1/120", &ip, &m, err, sizeof err), 0);
    size_is(&m, 120, 128);
    assert_int_equal(nr_cidr_parse("10.0.0.1/33", &ip, &m, err, sizeof err), -1);
    assert_string_equal(err, "prefix length 33 out of range (0-32 for IPv4)");
    assert_int_equal(nr_cidr_parse("10.0.0.1", &ip, &m, err, sizeof err), -1);
    assert_string_equal(err, "missing /N prefix length");
    assert_int_equal(nr_cidr_parse("10.0.0/8", &ip, &m, err, sizeof err), -1);
    assert_string_equal(err, "invalid IP address");
    assert_int_equal(nr_cidr_parse("10.0.0.1/8x", &ip, &m, err, sizeof err), -1);
    assert_string_equal(err, "invalid prefix length '8x'");
}

static void test_ip_mask_lengths(void **st)
{
    struct nr_ip ip = ip_of("::ffff:192.0.2.77"), net;
    struct nr_mask m = mask_of("255.255.255.0", 32);
    /* A 4-byte mask applies to a v4-mapped address; the result is IPv4. */
    assert_int_equal(nr_ip_mask(&ip, &m, &net), 0);
    assert_int_equal(net.len, 4);
    assert_string_equal(str(&net), "192.0.2.0");
    /* A 16-byte mask with 96 leading ones applies to IPv4. */
    ip = ip_of("192.0.2.77");
    m = mask_of("ffffffffffffffffffffffffffffff00", 32);
    assert_int_equal(nr_ip_mask(&ip, &m, &net), 0);
    assert_string_equal(str(&net), "192.0.2.0");
    /* Otherwise lengths must match (Go returns nil). */
    m = mask_of("/64", 128);
    assert_int_equal(nr_ip_mask(&ip, &m, &net), -1);
    ip = ip_of("2001:db8::1");
    m = mask_of("255.255.255.0", 32);
    assert_int_equal(nr_ip_mask(&ip, &m, &net), -1);
    /* The zone does not carry over to the network. */
    ip = ip_of("fe80::1%lo");
    m = mask_of("/64", 128);
    assert_int_equal(nr_ip_mask(&ip, &m, &net), 0);
    assert_string_equal(str(&net), "fe80::");
}

static struct nr_subnet subnet(const char *addr, const char *mask, int bits)
{
    struct nr_subnet sn;
    struct nr_ip ip = ip_of(addr);
    struct nr_mask m = mask_of(mask, bits);
    char err[NR_ERRLEN] = "";
    if (nr_subnet_calc(&ip, &m, &sn, err, sizeof err) != 0)
        fail_msg("subnet %s %s: %s", addr, mask, err);
    return sn;
}

static void test_subnet_v4(void **st)
{
    struct nr_subnet sn = subnet("192.168.1.3", "/24", 32);
    assert_string_equal(str(&sn.network), "192.168.1.0");
    assert_string_equal(str(&sn.host), "0.0.0.3");
    assert_true(sn.has_broadcast);
    assert_string_equal(str(&sn.broadcast), "192.168.1.255");
    assert_string_equal(str(&sn.first), "192.168.1.1");
    assert_string_equal(str(&sn.last), "192.168.1.254");
    assert_string_equal(sn.addresses, "256");
    assert_string_equal(sn.hosts, "254");
    sn = subnet("10.1.2.3", "255.255.254.0", 32);
    assert_string_equal(str(&sn.network), "10.1.2.0");
    assert_string_equal(str(&sn.broadcast), "10.1.3.255");
    assert_string_equal(str(&sn.last), "10.1.3.254");
    assert_int_equal(sn.ones, 23);
    sn = subnet("1.2.3.4", "/0", 32);
    assert_string_equal(sn.addresses, "4294967296");
    assert_string_equal(sn.hosts, "4294967294");
    assert_string_equal(str(&sn.broadcast), "255.255.255.255");
    sn = subnet("10.0.0.5", "/30", 32);
    assert_string_equal(str(&sn.first), "10.0.0.5");
    assert_string_equal(str(&sn.last), "10.0.0.6");
    assert_string_equal(sn.hosts, "2");
}

static void test_subnet_31_32(void **st)
{
    /* RFC 3021: a /31 is a point-to-point link, both addresses are hosts. */
    struct nr_subnet sn = subnet("10.0.0.1", "/31", 32);
    assert_false(sn.has_broadcast);
    assert_string_equal(str(&sn.network), "10.0.0.0");
    assert_string_equal(str(&sn.first), "10.0.0.0");
    assert_string_equal(str(&sn.last), "10.0.0.1");
    assert_string_equal(sn.addresses, "2");
    assert_string_equal(sn.hosts, "2");
    sn = subnet("10.0.0.1", "/32", 32);
    assert_false(sn.has_broadcast);
    assert_string_equal(str(&sn.first), "10.0.0.1");
    assert_string_equal(str(&sn.last), "10.0.0.1");
    assert_string_equal(sn.addresses, "1");
    assert_string_equal(sn.hosts, "1");
}

static void test_subnet_noncontiguous(void **st)
{
    struct nr_subnet sn = subnet("1.2.3.4", "255.0.255.0", 32);
    assert_false(sn.contiguous);
    assert_int_equal(sn.ones, 0);
    assert_int_equal(sn.bits, 0);
    assert_string_equal(str(&sn.network), "1.0.3.0");
    assert_string_equal(str(&sn.host), "0.2.0.4");
    assert_string_equal(str(&sn.broadcast), "1.255.3.255");
    assert_string_equal(str(&sn.first), "1.0.3.1");
    assert_string_equal(str(&sn.last), "1.255.3.254");
    assert_int_equal(sn.hostbits, 16);
    assert_string_equal(sn.addresses, "65536");
}

static void test_subnet_v6(void **st)
{
    struct nr_subnet sn = subnet("2404:6800:4007:818::2004", "/64", 128);
    assert_string_equal(str(&sn.network), "2404:6800:4007:818::");
    assert_string_equal(str(&sn.host), "::2004");
    assert_false(sn.has_broadcast);
    assert_string_equal(str(&sn.first), "2404:6800:4007:818::");
    assert_string_equal(str(&sn.last), "2404:6800:4007:818:ffff:ffff:ffff:ffff");
    assert_string_equal(sn.addresses, "18446744073709551616");
    assert_string_equal(sn.hosts, "18446744073709551616");
    sn = subnet("::", "/0", 128);
    assert_string_equal(sn.addresses, "340282366920938463463374607431768211456");
    sn = subnet("2001:db8::1", "/128", 128);
    assert_string_equal(sn.addresses, "1");
    struct nr_ip ip = ip_of("2001:db8::1");
    struct nr_mask m = mask_of("255.255.255.0", 32);
    char err[NR_ERRLEN];
    assert_int_equal(nr_subnet_calc(&ip, &m, &sn, err, sizeof err), -1);
    assert_string_equal(err, "a 32-bit mask does not fit an IPv6 address");
}

/* Issue 11, items 7-9: what Go's ParseCIDR, Size and IPNet.String say. */
static void test_go_prefix_and_ipnet(void **st)
{
    char buf[NR_ADDRSTRLEN];
    /* Digits after '/' are a prefix length, leading zeros and all (dtoi). */
    struct nr_mask m = mask_of("/00000024", 32);
    size_is(&m, 24, 32);
    m = mask_of("/0000000000000128", 128);
    size_is(&m, 128, 128);
    mask_err("/00000033", 32, "prefix length 33 out of range");
    /* Other forms may still follow the '/'. */
    m = mask_of("/255.255.254.0", 32);
    size_is(&m, 23, 32);
    m = mask_of("/fffffe00", 32);
    size_is(&m, 23, 32);
    /* A bare 8-digit word is Go's hex String form. */
    m = mask_of("00000024", 32);
    size_is(&m, 0, 0);

    /* ::ffff:0:0/96: the network is IPv4, so IPNet.String takes the last
     * four bytes of the mask: 0.0.0.0/0, which parses back. */
    struct nr_subnet sn = subnet("::ffff:0:0", "/96", 128);
    assert_int_equal(sn.ones, 96);
    assert_int_equal(sn.bits, 128);
    assert_string_equal(nr_ipnet_str(&sn.network, &sn.given, buf, sizeof buf), "0.0.0.0/0");
    sn = subnet("::ffff:1.2.3.4", "/64", 128);
    assert_string_equal(nr_ipnet_str(&sn.network, &sn.given, buf, sizeof buf), "::/64");

    /* A 128-bit mask on an IPv4 address: Size and String are the mask's own
     * (120 128, 32 hex digits); the network is IPv4, its CIDR /24. */
    sn = subnet("10.1.2.3", "ffffffffffffffffffffffffffffff00", 32);
    assert_int_equal(sn.ones, 120);
    assert_int_equal(sn.bits, 128);
    assert_string_equal(nr_mask_hex(&sn.given, buf, sizeof buf), "ffffffffffffffffffffffffffffff00");
    assert_string_equal(str(&sn.network), "10.1.2.0");
    assert_string_equal(nr_ipnet_str(&sn.network, &sn.given, buf, sizeof buf), "10.1.2.0/24");
    assert_string_equal(str(&sn.broadcast), "10.1.2.255");
    assert_string_equal(sn.hosts, "254");

    /* Non-contiguous: network/hexmask, as Go. */
    sn = subnet("10.1.2.3", "255.0.255.0", 32);
    assert_string_equal(nr_ipnet_str(&sn.network, &sn.given, buf, sizeof buf), "10.0.2.0/ff00ff00");
    struct nr_ip v6 = ip_of("2001:db8::1");
    m = mask_of("255.255.255.0", 32);
    assert_string_equal(nr_ipnet_str(&v6, &m, buf, sizeof buf), "<nil>");
}

static void test_pow2(void **st)
{
    char b[48];
    assert_string_equal(nr_pow2_dec(0, 0, b, sizeof b), "1");
    assert_string_equal(nr_pow2_dec(63, 0, b, sizeof b), "9223372036854775808");
    assert_string_equal(nr_pow2_dec(64, 0, b, sizeof b), "18446744073709551616");
    assert_string_equal(nr_pow2_dec(64, 2, b, sizeof b), "18446744073709551614");
    assert_string_equal(nr_pow2_dec(100, 0, b, sizeof b), "1267650600228229401496703205376");
    assert_string_equal(nr_pow2_dec(128, 1, b, sizeof b), "340282366920938463463374607431768211455");
    assert_string_equal(nr_pow2_dec(8, 2, b, sizeof b), "254");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_mask),
        cmocka_unit_test(test_cidr_mask_and_size),
        cmocka_unit_test(test_mask_parse_forms),
        cmocka_unit_test(test_mask_parse_errors),
        cmocka_unit_test(test_go_prefix_and_ipnet),
        cmocka_unit_test(test_cidr_parse),
        cmocka_unit_test(test_ip_mask_lengths),
        cmocka_unit_test(test_subnet_v4),
        cmocka_unit_test(test_subnet_31_32),
        cmocka_unit_test(test_subnet_noncontiguous),
        cmocka_unit_test(test_subnet_v6),
        cmocka_unit_test(test_pow2),
    };
    return cmocka_run_group_tests_name("mask", tests, NULL, NULL);
}
