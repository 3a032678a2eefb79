/* Unit tests: lib/dns name checks and what nr_dns_resolve does before any
 * query (Go's isDomainName; names c-ares would read as legacy IPv4). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_is_domain_name),
        cmocka_unit_test(test_resolve_legacy_numeric),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
