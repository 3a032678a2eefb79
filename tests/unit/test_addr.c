/* Unit tests: lib/addr (Go's ParseIP, String, SplitHostPort) and
 * lib/ipkind (Go's IsLoopback/IsPrivate/... and the display kind). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <string.h>

#include "lib/addr.h"
#include "lib/ipkind.h"
#include "lib/util.h"

static struct nr_ip ip_ok(const char *s)
{
    struct nr_ip ip;
    if (nr_ip_parse(s, &ip, true) != 0)
        fail_msg("nr_ip_parse(%s) failed", s);
    return ip;
}

static struct nr_ip ip_of_zone(void)
{
    return ip_ok("fe80::1%a-long-zone");
}

/* Parses s and checks its canonical String() form. */
static void canon(const char *s, const char *want, int len)
{
    char buf[NR_ADDRSTRLEN];
    struct nr_ip ip = ip_ok(s);
    assert_int_equal(ip.len, len);
    assert_string_equal(nr_ip_str(&ip, buf, sizeof buf), want);
}

static void test_parse_valid(void **st)
{
    static const uint8_t v4[4] = { 192, 0, 2, 1 };
    static const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8, [14] = 0x00, [15] = 0x68 };
    struct nr_ip ip = ip_ok("192.0.2.1");
    assert_int_equal(ip.len, 4);
    assert_memory_equal(ip.b, v4, 4);
    ip = ip_ok("2001:db8::68");
    assert_int_equal(ip.len, 16);
    assert_memory_equal(ip.b, v6, 16);
    assert_false(nr_ip_is4(&ip));
    ip = ip_ok("::ffff:192.0.2.1");
    assert_int_equal(ip.len, 16);
    assert_true(nr_ip_is4(&ip));
    assert_memory_equal(nr_ip_v4bytes(&ip), v4, 4);
}

static void test_parse_invalid(void **st)
{
    static const char *const bad[] = {
        "192.0.2", "", "192.0.2.256", "192.0.2.1.5", "01.2.3.4", "1.2.3.4 ",
        " 1.2.3.4", "1.2.3.-4", "::ffff:1.2.3", "2001:db8:::1", "1:2:3:4:5:6:7:8:9",
        "12345::", "g::1", "[::1]", "1.2.3.4/24", "1.2.3.4%eth0", "fe80::1%",
        "localhost", ":", "1.2.3.4:80",
        /* The zone starts at the last '%' (Go's splitHostZone): "fe80::1%a"
         * is not an address. */
        "fe80::1%a%b", "fe80::1%%", "%eth0",
    };
    struct nr_ip ip;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (nr_ip_parse(bad[i], &ip, true) == 0)
            fail_msg("'%s' parsed but should not", bad[i]);
    /* Go's ParseIP has no zones: only allowed on request. */
    assert_int_equal(nr_ip_parse("fe80::1%eth0", &ip, false), -1);
}

static void test_canonical(void **st)
{
    canon("0:0:0:0:0:0:0:1", "::1", 16);
    canon("2001:0DB8:0000:0000:0000:0000:0000:0068", "2001:db8::68", 16);
    canon("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1", 16);   /* RFC 5952: first longest run */
    canon("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1", 16); /* one zero group stays */
    canon("::ffff:192.0.2.1", "192.0.2.1", 16);               /* Go prints v4-mapped dotted */
    canon("::", "::", 16);
    canon("fe80::1%eth0", "fe80::1%eth0", 16);
    canon("0.0.0.0", "0.0.0.0", 4);
    struct nr_ip ip = ip_ok("fe80::1%lo");
    assert_string_equal(ip.zone, "lo");
}

/* Go prints IPv6 as RFC 5952 with no embedded dotted quad (glibc's
 * inet_ntop writes ::1.2.3.4); everything else must match inet_ntop. */
static void test_format_vs_inet_ntop(void **st)
{
    canon("::1.2.3.4", "::102:304", 16);
    canon("1:0:0:2:0:0:0:3", "1:0:0:2::3", 16);
    canon("1:0:2:0:3:0:4:0", "1:0:2:0:3:0:4:0", 16);
    canon("1:0:0:0:1:0:0:0", "1::1:0:0:0", 16);
    canon("0:1:2:3:4:5:6:7", "0:1:2:3:4:5:6:7", 16);
    canon("1::", "1::", 16);
    canon("ABCD:EF01:0:0:0:0:0:0", "abcd:ef01::", 16);
    uint32_t x = 12345;
    for (int k = 0; k < 200000; k++) {
        struct nr_ip ip;
        char want[INET6_ADDRSTRLEN], got[NR_ADDRSTRLEN];
        memset(&ip, 0, sizeof ip);
        ip.len = (k & 1) ? 16 : 4;
        for (int i = 0; i < ip.len; i++) {
            x = x * 1103515245u + 12345u;
            /* Mostly zeros, so that runs of zero groups of every length occur. */
            ip.b[i] = (x >> 16) % 4 ? 0 : (uint8_t)(x >> 24);
        }
        static const uint8_t z12[12];
        if (ip.len == 16 && !memcmp(ip.b, z12, 10) && !(ip.b[10] | ip.b[11]))
            continue;   /* ::a.b.c.d, covered above */
        if (nr_ip_is4(&ip))
            continue;
        inet_ntop(ip.len == 4 ? AF_INET : AF_INET6, ip.b, want, sizeof want);
        nr_ip_str(&ip, got, sizeof got);
        if (strcmp(want, got))
            fail_msg("nr_ip_str %s, inet_ntop %s", got, want);
    }
    struct nr_ip ip = ip_of_zone();
    char small[8];
    assert_string_equal(nr_ip_str(&ip, small, sizeof small), "fe80::1");
}

static void kind(const char *s, enum nr_ip_kind want, bool global, bool priv)
{
    struct nr_ip ip = ip_ok(s);
    if (nr_ip_kind(&ip) != want)
        fail_msg("%s: kind %s, want %s", s, nr_ip_kind_name(nr_ip_kind(&ip)),
                 nr_ip_kind_name(want));
    if (nr_ip_is_global_unicast(&ip) != global || nr_ip_is_private(&ip) != priv)
        fail_msg("%s: global %d private %d", s, nr_ip_is_global_unicast(&ip),
                 nr_ip_is_private(&ip));
}

static void test_kinds(void **st)
{
    kind("127.0.0.1", NR_KIND_LOOPBACK, false, false);
    kind("::1", NR_KIND_LOOPBACK, false, false);
    kind("::ffff:127.1.2.3", NR_KIND_LOOPBACK, false, false);   /* judged as IPv4 */
    kind("0.0.0.0", NR_KIND_UNSPECIFIED, false, false);
    kind("::", NR_KIND_UNSPECIFIED, false, false);
    kind("255.255.255.255", NR_KIND_BROADCAST, false, false);
    kind("10.1.2.3", NR_KIND_PRIVATE, true, true);
    kind("172.16.0.1", NR_KIND_PRIVATE, true, true);
    kind("172.31.255.255", NR_KIND_PRIVATE, true, true);
    kind("172.32.0.1", NR_KIND_GLOBAL_UNICAST, true, false);
    kind("192.168.1.3", NR_KIND_PRIVATE, true, true);
    kind("fd00::1", NR_KIND_PRIVATE, true, true);
    kind("fc00::1", NR_KIND_PRIVATE, true, true);
    kind("fe80::1", NR_KIND_LINK_LOCAL, false, false);
    kind("169.254.1.1", NR_KIND_LINK_LOCAL, false, false);
    kind("224.0.0.251", NR_KIND_LINK_MULTICAST, false, false);
    kind("239.1.1.1", NR_KIND_MULTICAST, false, false);
    kind("ff02::1", NR_KIND_LINK_MULTICAST, false, false);
    kind("ff01::1", NR_KIND_IFACE_MULTICAST, false, false);
    kind("ff0e::1", NR_KIND_MULTICAST, false, false);
    kind("192.0.2.1", NR_KIND_DOCUMENTATION, true, false);
    kind("198.51.100.7", NR_KIND_DOCUMENTATION, true, false);
    kind("203.0.113.255", NR_KIND_DOCUMENTATION, true, false);
    kind("2001:db8::68", NR_KIND_DOCUMENTATION, true, false);
    kind("100.64.0.1", NR_KIND_SHARED, true, false);
    kind("198.19.0.1", NR_KIND_BENCHMARK, true, false);
    kind("0.1.2.3", NR_KIND_THIS_NETWORK, true, false);
    kind("240.0.0.1", NR_KIND_RESERVED, true, false);
    kind("8.8.8.8", NR_KIND_GLOBAL_UNICAST, true, false);
    kind("2404:6800:4007:818::2004", NR_KIND_GLOBAL_UNICAST, true, false);
}

static void split_ok(const char *hp, const char *want_host, const char *want_port)
{
    char work[64], err[NR_ERRLEN] = "";
    const char *h, *p;
    if (nr_hostport_split(hp, work, sizeof work, &h, &p, err, sizeof err) != 0)
        fail_msg("split(%s): %s", hp, err);
    assert_string_equal(h, want_host);
    assert_string_equal(p, want_port);
}

static void split_err(const char *hp, const char *want)
{
    char work[64], err[NR_ERRLEN] = "";
    const char *h = NULL, *p = NULL;
    assert_int_equal(nr_hostport_split(hp, work, sizeof work, &h, &p, err, sizeof err), -1);
    assert_string_equal(err, want);
}

static void test_hostport_split(void **st)
{
    split_ok("[::1]:23", "::1", "23");
    split_ok(":80", "", "80");
    split_ok("[fe80::1%lo]:80", "fe80::1%lo", "80");
    split_ok("golang.org:http", "golang.org", "http");
    split_ok("127.0.0.1:", "127.0.0.1", "");
    split_ok("[]:0", "", "0");
    split_err("[::1:80", "missing ']' in address");
    split_err("1.2.3.4", "missing port in address");
    split_err("a:b:c", "too many colons in address");
    split_err("::1", "too many colons in address");
    split_err("[::1]", "missing port in address");
    split_err("[::1]80", "missing port in address");
    split_err("[::1]x:80", "missing port in address");
    split_err("[::1]:80:90", "too many colons in address");
    split_err("[[::1]:80", "unexpected '[' in address");
    split_err("a]:80", "unexpected ']' in address");
    split_err("[::1]:8]0", "unexpected ']' in address");
    split_err("a:8[0", "unexpected '[' in address");
    split_err("", "missing port in address");
    char tiny[4];
    const char *h, *p;
    char err[NR_ERRLEN];
    assert_int_equal(nr_hostport_split("host:80", tiny, sizeof tiny, &h, &p, err, sizeof err), -1);
}

static void test_hostport_join(void **st)
{
    char buf[64], work[64], err[NR_ERRLEN];
    const char *h, *p;
    assert_string_equal(nr_hostport_join("::1", "80", buf, sizeof buf), "[::1]:80");
    assert_string_equal(nr_hostport_join("fe80::1%lo", "22", buf, sizeof buf), "[fe80::1%lo]:22");
    assert_string_equal(nr_hostport_join("example.com", "http", buf, sizeof buf), "example.com:http");
    /* Join then split gives the parts back. */
    nr_hostport_join("2001:db8::1", "443", buf, sizeof buf);
    assert_int_equal(nr_hostport_split(buf, work, sizeof work, &h, &p, err, sizeof err), 0);
    assert_string_equal(h, "2001:db8::1");
    assert_string_equal(p, "443");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_valid),
        cmocka_unit_test(test_parse_invalid),
        cmocka_unit_test(test_canonical),
        cmocka_unit_test(test_format_vs_inet_ntop),
        cmocka_unit_test(test_kinds),
        cmocka_unit_test(test_hostport_split),
        cmocka_unit_test(test_hostport_join),
    };
    return cmocka_run_group_tests_name("addr", tests, NULL, NULL);
}
