/* Unit tests: lib/resolve, the pure half of resolving an address: host:port
 * targets and IP literals with zones, the family filter, v4-mapped
 * unmapping. Links lib/ alone. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/resolve.h"
#include "lib/util.h"

static struct nr_ip ip_of(const char *s)
{
    struct nr_ip ip;
    assert_int_equal(nr_ip_parse(s, &ip, true), 0);
    return ip;
}

static void test_target_split(void **st)
{
    char work[64], err[NR_ERRLEN];
    struct nr_target t;
    assert_int_equal(nr_target_split("example.com:http", true, work, sizeof work, &t, err, sizeof err), 0);
    assert_int_equal(t.kind, NR_HOST_NAME);
    assert_string_equal(t.host, "example.com");
    assert_string_equal(t.port, "http");
    assert_int_equal(nr_target_split(":80", true, work, sizeof work, &t, err, sizeof err), 0);
    assert_int_equal(t.kind, NR_HOST_EMPTY);
    assert_string_equal(t.port, "80");
    assert_int_equal(nr_target_split("127.0.0.1:0", true, work, sizeof work, &t, err, sizeof err), 0);
    assert_int_equal(t.kind, NR_HOST_IP);
    assert_int_equal(t.ip.len, 4);
    assert_int_equal(nr_target_split("[fe80::1%lo]:22", true, work, sizeof work, &t, err, sizeof err), 0);
    assert_int_equal(t.kind, NR_HOST_IP);
    assert_int_equal(t.ip.len, 16);
    assert_string_equal(t.ip.zone, "lo");
    assert_string_equal(t.port, "22");
    /* Without a port: a bare host, zones too. */
    assert_int_equal(nr_target_split("fe80::1%eth0", false, work, sizeof work, &t, err, sizeof err), 0);
    assert_int_equal(t.kind, NR_HOST_IP);
    assert_string_equal(t.ip.zone, "eth0");
    assert_null(t.port);
    assert_int_equal(nr_target_split("localhost", false, work, sizeof work, &t, err, sizeof err), 0);
    assert_int_equal(t.kind, NR_HOST_NAME);
    assert_int_equal(nr_target_split("", false, work, sizeof work, &t, err, sizeof err), 0);
    assert_int_equal(t.kind, NR_HOST_EMPTY);
    /* Errors name the problem. */
    assert_int_equal(nr_target_split("127.0.0.1", true, work, sizeof work, &t, err, sizeof err), -1);
    assert_string_equal(err, "missing port in address");
    char big[100];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = 0;
    assert_int_equal(nr_target_split(big, false, work, sizeof work, &t, err, sizeof err), -1);
    assert_string_equal(err, "address too long");
}

static void test_family_filter(void **st)
{
    struct nr_ip v4 = ip_of("192.0.2.1"), v6 = ip_of("2001:db8::1"), m = ip_of("::ffff:192.0.2.2");
    assert_true(nr_ip_fits(&v4, AF_UNSPEC) && nr_ip_fits(&v6, AF_UNSPEC) && nr_ip_fits(&m, AF_UNSPEC));
    assert_true(nr_ip_fits(&v4, AF_INET) && nr_ip_fits(&m, AF_INET));
    assert_false(nr_ip_fits(&v6, AF_INET));
    assert_true(nr_ip_fits(&v6, AF_INET6));
    assert_false(nr_ip_fits(&v4, AF_INET6) || nr_ip_fits(&m, AF_INET6));   /* as Go's tcp6 */
    struct nr_ip l[4] = { v6, v4, m, v6 };
    assert_int_equal(nr_ips_filter(l, 4, AF_INET), 2);
    assert_memory_equal(&l[0], &v4, sizeof v4);
    assert_memory_equal(&l[1], &m, sizeof m);
    struct nr_ip l2[3] = { v4, v6, m };
    assert_int_equal(nr_ips_filter(l2, 3, AF_INET6), 1);
    assert_memory_equal(&l2[0], &v6, sizeof v6);
    struct nr_ip l3[2] = { v4, v6 };
    assert_int_equal(nr_ips_filter(l3, 2, AF_UNSPEC), 2);
}

static void test_unmap(void **st)
{
    char buf[NR_ADDRSTRLEN];
    struct nr_ip m = ip_of("::ffff:192.0.2.2"), v6 = ip_of("fe80::1%lo"), v4 = ip_of("10.0.0.1");
    nr_ip_unmap(&m);
    assert_int_equal(m.len, 4);
    assert_string_equal(nr_ip_str(&m, buf, sizeof buf), "192.0.2.2");
    struct nr_ip m4 = ip_of("192.0.2.2");
    assert_memory_equal(&m, &m4, sizeof m);
    nr_ip_unmap(&v6);
    assert_int_equal(v6.len, 16);
    assert_string_equal(v6.zone, "lo");
    nr_ip_unmap(&v4);
    assert_string_equal(nr_ip_str(&v4, buf, sizeof buf), "10.0.0.1");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_target_split),
        cmocka_unit_test(test_family_filter),
        cmocka_unit_test(test_unmap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
