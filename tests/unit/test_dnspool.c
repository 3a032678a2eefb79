/* Unit tests: lib/dnspool (a channel a server, kept for reuse, the least
 * recently used one dropped past NR_DNSPOOL_MAX). No query is sent. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "lib/dnspool.h"
#include "lib/loop.h"
#include "lib/util.h"

static struct nr_dns *get(struct nr_dnspool *p, const char *server, int flags)
{
    char err[NR_ERRLEN];
    struct nr_dns_conf c = { server, 2000000, 1, flags };
    struct nr_dns *d = nr_dnspool_get(p, &c, err, sizeof err);
    if (!d)
        fail_msg("%s: %s", server, err);
    return d;
}

static void test_reuse_and_evict(void **st)
{
    struct nr_loop *loop = nr_loop_new();
    struct nr_dnspool *p = nr_dnspool_new(loop);
    char server[32];
    assert_non_null(p);
    struct nr_dns *root = get(p, "127.0.0.2:53", 0);
    assert_ptr_equal(get(p, "127.0.0.2:53", 0), root);       /* kept */
    assert_true(nr_dns_flags(root) & ARES_FLAG_STAYOPEN);     /* its socket too */
    struct nr_dns *tcp = get(p, "127.0.0.2:53", ARES_FLAG_USEVC);
    assert_ptr_not_equal(tcp, root);                           /* flags are part of the key */
    for (int i = 0; i < NR_DNSPOOL_MAX - 2; i++) {             /* fill the pool, root used last */
        snprintf(server, sizeof server, "127.0.0.%d:53", 10 + i);
        get(p, server, 0);
        assert_ptr_equal(get(p, "127.0.0.2:53", 0), root);
    }
    get(p, "127.0.0.99:53", 0);                                 /* one more: tcp goes */
    assert_ptr_equal(get(p, "127.0.0.2:53", 0), root);
    char err[NR_ERRLEN];
    struct nr_dns_conf bad = { NULL, 0, 0, 0 };
    assert_null(nr_dnspool_get(p, &bad, err, sizeof err));
    nr_dnspool_free(p);
    nr_dnspool_free(NULL);
    nr_loop_free(loop);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reuse_and_evict),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
