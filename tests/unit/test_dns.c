/* Unit tests: lib/dns name checks and what nr_dns_resolve does before any
 * query (Go's isDomainName; names c-ares would read as legacy IPv4); server
 * lists (the one check behind --dns, NETREPL_DNS, `dns servers` and
 * `lookup @SERVER`) and the one status-to-text table (netrepl's words,
 * never c-ares' own). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "lib/dns.h"
#include "lib/loop.h"
#include "lib/util.h"

static void test_is_domain_name(void **st)
{
    static const char *const good[] = {
        "localhost", "host.nr.test", "host.nr.test.", "a-b.c_d", "_srv._tcp.x", "x1",
        "1.2.3.x", "0x0a.1.1.1", ".", "a.b.c.d.e.f.g",
    };
    /* All-numeric names, as Go: 010.1.1.1 is neither an IP nor a name. */
    static const char *const bad[] = {
        "010.1.1.1", "0127.0.0.1", "1.2.3.4", "10", "", "..", "a..b", ".a", "-a",
        "a-", "a-.b", "a.-b", "fe80::1%a", "::1/64", "a b", "a%b", "tcp:80",
        "1.2.3.4.",
    };
    char big[300];
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        if (!nr_dns_is_domain_name(good[i]))
            fail_msg("'%s' should be a domain name", good[i]);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (nr_dns_is_domain_name(bad[i]))
            fail_msg("'%s' should not be a domain name", bad[i]);
    memset(big, 'a', 63);
    big[63] = 0;
    assert_true(nr_dns_is_domain_name(big));
    memset(big, 'a', 64);
    big[64] = 0;
    assert_false(nr_dns_is_domain_name(big));   /* a label of 64 */
    for (int i = 0; i < 254; i++)
        big[i] = i % 2 ? '.' : 'a';
    big[253] = 0;
    assert_true(nr_dns_is_domain_name(big));   /* 253 bytes */
    big[253] = 'a';
    big[254] = 0;
    assert_false(nr_dns_is_domain_name(big));  /* 254 without a final dot */
}

struct res {
    int calls, status;
    size_t n;
};

static void on_addrs(void *arg, int status, struct nr_addrs *a)
{
    struct res *r = arg;
    r->calls++;
    r->status = status;
    r->n = a ? a->n : 0;
    nr_addrs_free(a);
}

/* c-ares' getaddrinfo reads "010.1.1.1" as 10.1.1.1 (inet_aton style) and
 * "[::ffff:010.1.1.1]" likewise; nr_dns_resolve must answer "no such host"
 * before c-ares sees them, and send no query (the server is a dead port). */
static void test_resolve_legacy_numeric(void **st)
{
    static const char *const names[] = {
        "010.1.1.1", "0127.0.0.1", "::ffff:010.1.1.1", "fe80::1%a%b", "1.2.3.4%x",
    };
    char err[NR_ERRLEN];
    struct nr_loop *loop = nr_loop_new();
    assert_non_null(loop);
    struct nr_dns *d = nr_dns_new(loop, "127.0.0.1:9", err, sizeof err);
    if (!d)
        fail_msg("nr_dns_new: %s", err);
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        for (int fam = 0; fam < 3; fam++) {
            static const int fams[3] = { AF_UNSPEC, AF_INET, AF_INET6 };
            struct res r = { 0 };
            nr_dns_resolve(d, names[i], fams[fam], on_addrs, &r);
            if (r.calls != 1 || r.status != ARES_EBADNAME)
                fail_msg("%s (family %d): calls %d status %d (%zu addresses), want no such host",
                         names[i], fams[fam], r.calls, r.status, r.n);
        }
    }
    nr_dns_free(d);
    nr_loop_free(loop);
}

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
        cmocka_unit_test(test_is_domain_name),
        cmocka_unit_test(test_resolve_legacy_numeric),
        cmocka_unit_test(test_server_lists),
        cmocka_unit_test(test_status_words),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
