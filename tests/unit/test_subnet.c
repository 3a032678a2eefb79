/* Unit tests: lib/subnet (128-bit arithmetic, prefix and range parsing,
 * containment, range decomposition, merging, splitting, decimal counts).
 * tests/addr/crosscheck.py compares the same against Python's ipaddress on
 * thousands of generated cases; these pin the edges. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "lib/subnet.h"
#include "lib/util.h"

static struct nr_prefix pfx(const char *s)
{
    struct nr_prefix p;
    char err[NR_ERRLEN];
    if (nr_prefix_parse(s, &p, NULL, err, sizeof err) != 0)
        fail_msg("nr_prefix_parse(%s): %s", s, err);
    return p;
}

static struct nr_range rng(const char *s)
{
    struct nr_range r;
    char err[NR_ERRLEN];
    if (nr_range_parse(s, &r, err, sizeof err) != 0)
        fail_msg("nr_range_parse(%s): %s", s, err);
    return r;
}

/* The CIDRs of a walk joined by spaces. */
struct walk { char s[4096]; int n; };
static int add_cidr(void *arg, const struct nr_prefix *p)
{
    struct walk *w = arg;
    struct nr_ip ip;
    char a[NR_ADDRSTRLEN];
    size_t l = strlen(w->s);
    nr_u128_ip(p->net, p->bits, &ip);
    snprintf(w->s + l, sizeof w->s - l, "%s%s/%d", l ? " " : "", nr_ip_str(&ip, a, sizeof a), p->len);
    w->n++;
    return 0;
}

static const char *cidrs(const char *range)
{
    static struct walk w;
    struct nr_range r = rng(range);
    memset(&w, 0, sizeof w);
    nr_range_cidrs(&r, add_cidr, &w);
    return w.s;
}

static void test_parse(void **st)
{
    struct nr_prefix p;
    bool host;
    char err[NR_ERRLEN];
    assert_int_equal(nr_prefix_parse("10.1.2.3/8", &p, &host, err, sizeof err), 0);
    assert_true(host);
    assert_int_equal(p.len, 8);
    assert_int_equal(p.bits, 32);
    assert_true(p.net.lo == 0x0a000000 && p.net.hi == 0);
    assert_int_equal(nr_prefix_parse("2001:db8::1", &p, &host, err, sizeof err), 0);
    assert_int_equal(p.len, 128);
    assert_false(host);
    assert_int_equal(nr_prefix_parse("1.2.3.4/33", &p, NULL, err, sizeof err), -1);
    assert_string_equal(err, "prefix length 33 out of range (0-32 for IPv4)");
    assert_int_equal(nr_prefix_parse("1.2.3.4/", &p, NULL, err, sizeof err), -1);
    assert_int_equal(nr_prefix_parse("fe80::1%lo/64", &p, NULL, err, sizeof err), -1);
    struct nr_range r;
    assert_int_equal(nr_range_parse("10.0.0.2-10.0.0.1", &r, err, sizeof err), -1);
    assert_string_equal(err, "the range ends before it starts");
    assert_int_equal(nr_range_parse("10.0.0.1-::2", &r, err, sizeof err), -1);
}

static void test_contains(void **st)
{
    struct nr_prefix a = pfx("10.0.0.0/8"), b = pfx("10.128.0.0/9"), c = pfx("11.0.0.1");
    assert_true(nr_prefix_contains(&a, &b));
    assert_false(nr_prefix_contains(&b, &a));
    assert_false(nr_prefix_contains(&a, &c));
    assert_int_equal(nr_u128_diffbit(a.net, c.net, 32), 7);
    struct nr_prefix all = pfx("::/0"), v6 = pfx("2001:db8::1"), v4 = pfx("1.2.3.4");
    assert_true(nr_prefix_contains(&all, &v6));
    assert_false(nr_prefix_contains(&all, &v4));
}

static void test_range_cidrs(void **st)
{
    assert_string_equal(cidrs("192.0.2.5-192.0.2.20"),
                        "192.0.2.5/32 192.0.2.6/31 192.0.2.8/29 192.0.2.16/30 192.0.2.20/32");
    assert_string_equal(cidrs("0.0.0.0-255.255.255.255"), "0.0.0.0/0");
    assert_string_equal(cidrs("::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), "::/0");
    assert_string_equal(cidrs("10.0.0.255-10.0.1.0"), "10.0.0.255/32 10.0.1.0/32");
    assert_string_equal(cidrs("255.255.255.255-255.255.255.255"), "255.255.255.255/32");
    struct walk w;
    memset(&w, 0, sizeof w);
    struct nr_range r = rng("0.0.0.1-255.255.255.254");
    nr_range_cidrs(&r, add_cidr, &w);
    assert_int_equal(w.n, 62);   /* 31 blocks up each side of the middle */
}

static void test_merge(void **st)
{
    struct nr_range rs[] = { rng("10.0.2.0/24"), rng("10.0.0.0/24"), rng("10.0.1.0/24"),
                             rng("10.0.0.7"), rng("10.0.5.0/24") };
    size_t n = nr_ranges_merge(rs, 5);
    assert_int_equal(n, 2);
    struct nr_prefix s = nr_range_supernet(&(struct nr_range){ rs[0].lo, rs[1].hi, 32 });
    assert_int_equal(s.len, 21);
    struct nr_range top[] = { rng("255.255.255.0/24"), rng("255.255.255.255"), rng("0.0.0.0/0") };
    assert_int_equal(nr_ranges_merge(top, 3), 1);
}

static void test_split_and_dec(void **st)
{
    char buf[48];
    struct nr_prefix p = pfx("2001:db8::/48");
    assert_string_equal(nr_split_count(&p, 50, buf, sizeof buf), "4");
    struct nr_prefix s = nr_split_nth(&p, 50, (struct nr_u128){ 0, 3 });
    assert_true(s.net.hi == 0x20010db80000c000ULL && s.net.lo == 0 && s.len == 50);
    struct nr_u128 max = { ~0ULL, ~0ULL };
    assert_string_equal(nr_u128_dec(max, false, buf, sizeof buf), "340282366920938463463374607431768211455");
    assert_string_equal(nr_u128_dec(max, true, buf, sizeof buf), "340282366920938463463374607431768211456");
    assert_string_equal(nr_u128_dec((struct nr_u128){ 0, 9 }, true, buf, sizeof buf), "10");
    assert_string_equal(nr_u128_dec((struct nr_u128){ 0, 0 }, false, buf, sizeof buf), "0");
    uint8_t b[2] = { 0xa0, 0x01 };
    assert_string_equal(nr_bits_str(b, 2, buf), "1010000000000001");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_contains),
        cmocka_unit_test(test_range_cidrs),
        cmocka_unit_test(test_merge),
        cmocka_unit_test(test_split_and_dec),
    };
    return cmocka_run_group_tests_name("subnet", tests, NULL, NULL);
}
