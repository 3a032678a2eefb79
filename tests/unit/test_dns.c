/* Unit tests: lib/dns's server lists (the one check behind --dns,
 * NETREPL_DNS, `dns servers` and `lookup @SERVER`) and its one
 * status-to-text table (netrepl's words, never c-ares' own). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "lib/dns.h"
#include "lib/util.h"

static void list_ok(const char *in, const char *want)
{
    char csv[256], err[NR_ERRLEN] = "";
    if (nr_dns_server_list(in, csv, sizeof csv, err, sizeof err) < 0)
        fail_msg("%s: %s", in, err);
    assert_string_equal(csv, want);
}

static void list_bad(const char *in, const char *want)
{
    char csv[256], err[NR_ERRLEN] = "";
    assert_int_equal(nr_dns_server_list(in, csv, sizeof csv, err, sizeof err), -1);
    assert_string_equal(err, want);
}

static void test_server_lists(void **state)
{
    list_ok("127.0.0.1", "127.0.0.1:53");
    list_ok("127.0.0.1:5353,::1,[::1]:54,[2001:db8::1]", "127.0.0.1:5353,[::1]:53,[::1]:54,[2001:db8::1]:53");
    list_ok("1.2.3.4:65535", "1.2.3.4:65535");
    /* c-ares keeps 16 bits of a port: 70000 would become 4464 */
    list_bad("127.0.0.1:70000", "127.0.0.1:70000: port 70000: too large (maximum 65535)");
    list_bad("[::1]:65537", "[::1]:65537: port 65537: too large (maximum 65535)");
    list_bad("127.0.0.1:0", "127.0.0.1:0: port 0: too small (minimum 1)");
    list_bad(":0", ":0: the server must be an IP address");
    list_bad("not-an-ip", "not-an-ip: the server must be an IP address");
    list_bad("ns.example:53", "ns.example:53: the server must be an IP address");
    list_bad("1.2.3.4,,5.6.7.8", "empty entry in the server list");
    list_bad("1.2.3.4:x", "1.2.3.4:x: port x: not a number");
    list_bad("", "empty entry in the server list");
}

static void test_status_words(void **state)
{
    char buf[128];
    for (int st = 1; st < 80; st++) {
        const char *t = nr_dns_strerror(st);
        assert_non_null(t);
        /* nothing of c-ares' own wording leaks through */
        assert_string_not_equal(t, ares_strerror(st));
    }
    assert_string_equal(nr_dns_strerror(ARES_EBADSTR), "malformed text");
    assert_string_equal(nr_dns_status_text(ARES_ENODATA, "A or AAAA", 0, buf, sizeof buf),
                        "no A or AAAA records (NODATA)");
    assert_string_equal(nr_dns_status_text(ARES_ETIMEOUT, NULL, 2500000, buf, sizeof buf),
                        "timed out after 2.5 s");
    assert_string_equal(nr_dns_status_text(ARES_EFORMERR, NULL, 0, buf, sizeof buf),
                        "server rejected the query as malformed (FORMERR)");
    assert_string_equal(nr_dns_status_text(ARES_ENOTIMP, NULL, 0, buf, sizeof buf),
                        "server does not implement the query (NOTIMP)");
    assert_string_equal(nr_dns_strerror(ARES_ENOTFOUND), "no such domain (NXDOMAIN)");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_server_lists),
        cmocka_unit_test(test_status_words),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
