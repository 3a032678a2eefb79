/* Unit tests: service names to ports (lib/service) from a services(5) file
 * written by the test, and the built-in table when the file is missing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/service.h"
#include "lib/util.h"

static char path[64];

static int setup(void **state)
{
    strcpy(path, "/tmp/nr-services-XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0)
        return -1;
    const char text[] =
        "# comment line\n"
        "\n"
        "telnet\t\t23/tcp\n"
        "smtp\t\t25/tcp\t\tmail   # with alias and comment\n"
        "domain\t\t53/tcp\n"
        "domain\t\t53/udp\n"
        "onlyudp\t\t777/udp\n"
        "broken\t\tnotaport/tcp\n"
        "toobig\t\t70000/tcp\n"
        "spaces   4242/tcp   alias1 alias2\n";
    ssize_t w = write(fd, text, sizeof text - 1);
    close(fd);
    return w == (ssize_t)(sizeof text - 1) ? 0 : -1;
}

static int teardown(void **state)
{
    unlink(path);
    return 0;
}

static int port_of(const char *proto, const char *svc, const char *file, char *err)
{
    uint16_t port = 0;
    if (nr_service_port(proto, svc, file, &port, err, NR_ERRLEN) < 0)
        return -1;
    return port;
}

static void test_file(void **state)
{
    char err[NR_ERRLEN];
    assert_int_equal(port_of("tcp", "telnet", path, err), 23);
    assert_int_equal(port_of("tcp4", "TELNET", path, err), 23);
    assert_int_equal(port_of("tcp", "mail", path, err), 25);
    assert_int_equal(port_of("udp", "domain", path, err), 53);
    assert_int_equal(port_of("tcp", "alias2", path, err), 4242);
    assert_int_equal(port_of("", "onlyudp", path, err), 777);   /* either protocol */
    assert_int_equal(port_of("tcp", "onlyudp", path, err), -1);
    assert_string_equal(err, "unknown port");
    assert_int_equal(port_of("tcp", "broken", path, err), -1);
    assert_int_equal(port_of("tcp", "toobig", path, err), -1);
    assert_int_equal(port_of("tcp", "http", path, err), -1);   /* not in this file */
}

static void test_numbers(void **state)
{
    char err[NR_ERRLEN];
    assert_int_equal(port_of("tcp", "0", path, err), 0);
    assert_int_equal(port_of("tcp", "65535", path, err), 65535);
    assert_int_equal(port_of("udp", "080", path, err), 80);
    assert_int_equal(port_of("tcp", "", path, err), 0);   /* Go: empty is 0 */
    assert_int_equal(port_of("tcp", "65536", path, err), -1);
    assert_string_equal(err, "invalid port");
    assert_int_equal(port_of("tcp", "-1", path, err), -1);
    assert_string_equal(err, "invalid port");
    assert_int_equal(port_of("tcp", "99999999999999999999", path, err), -1);
    assert_int_equal(port_of("sctp", "80", path, err), -1);
    assert_string_equal(err, "unknown network sctp");
}

static void test_builtin_when_missing(void **state)
{
    char err[NR_ERRLEN];
    const char *none = "/nonexistent/services";
    assert_int_equal(port_of("tcp", "telnet", none, err), 23);
    assert_int_equal(port_of("tcp", "http", none, err), 80);
    assert_int_equal(port_of("tcp", "https", none, err), 443);
    assert_int_equal(port_of("udp", "domain", none, err), 53);
    assert_int_equal(port_of("udp", "ssh", none, err), -1);
    assert_int_equal(port_of("tcp", "no-such-thing", none, err), -1);
}

static void count(void *arg, const char *name, const char *proto, uint16_t port)
{
    (*(int *)arg)++;
}

static void test_each(void **state)
{
    int n = 0;
    /* 6 good lines: 6 names + 3 aliases; the two bad lines are skipped */
    assert_int_equal(nr_service_each(path, count, &n), 9);
    assert_int_equal(n, 9);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_file),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_builtin_when_missing),
        cmocka_unit_test(test_each),
    };
    return cmocka_run_group_tests_name("service", tests, setup, teardown);
}
