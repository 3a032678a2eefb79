/* Unit tests: lib/roothints (named.root files, the built-in root servers,
 * the cache that reads a file again only when it changed). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/roothints.h"
#include "lib/util.h"

static char path[64];

static void write_file(const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static int setup(void **st)
{
    snprintf(path, sizeof path, "/tmp/nr-roothints-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    return 0;
}

static int teardown(void **st)
{
    unlink(path);
    return 0;
}

static void test_builtin(void **st)
{
    struct nr_roothints h;
    char a[NR_ADDRSTRLEN];
    nr_roothints_builtin(&h);
    assert_int_equal(h.n, 13);
    assert_string_equal(h.v[0].name, "a.root-servers.net.");
    assert_true(h.v[12].has_ip);
    assert_string_equal(nr_ip_str(&h.v[12].ip, a, sizeof a), "202.12.27.33");
}

/* The usual format: comments, TTL and class optional, any case, names
 * without the final dot; an A for a name that is no root NS is ignored. */
static void test_read(void **st)
{
    struct nr_roothints h;
    char err[NR_ERRLEN], a[NR_ADDRSTRLEN];
    write_file("; named.root\n"
               ".                        3600000      NS    A.ROOT.TEST.\n"
               "A.ROOT.TEST.             3600000      A     127.0.0.2\n"
               ". IN NS b.root.test ; no address\n"
               "other.test. A 127.0.0.9\n"
               "a.root.test. AAAA ::1\n");
    assert_int_equal(nr_roothints_read(path, &h, err, sizeof err), 0);
    assert_int_equal(h.n, 2);
    assert_string_equal(h.v[0].name, "a.root.test.");
    assert_string_equal(nr_ip_str(&h.v[0].ip, a, sizeof a), "127.0.0.2");   /* the first */
    assert_string_equal(h.v[1].name, "b.root.test.");
    assert_false(h.v[1].has_ip);
    write_file(". NS a.root.test.\n");
    assert_int_equal(nr_roothints_read(path, &h, err, sizeof err), -1);
    assert_non_null(strstr(err, "no root server with an address"));
    assert_int_equal(nr_roothints_read("/nonexistent/named.root", &h, err, sizeof err), -1);
    assert_string_equal(err, "No such file or directory");
}

/* The cache answers from memory until the file changes. */
static void test_cache(void **st)
{
    struct nr_roothints_cache *c = NULL;
    char err[NR_ERRLEN], a[NR_ADDRSTRLEN];
    write_file(". NS r.test.\nr.test. A 127.0.0.2\n");
    const struct nr_roothints *h = nr_roothints_cached(&c, path, err, sizeof err);
    assert_non_null(h);
    assert_string_equal(nr_ip_str(&h->v[0].ip, a, sizeof a), "127.0.0.2");
    assert_ptr_equal(nr_roothints_cached(&c, path, err, sizeof err), h);
    write_file(". NS r.test.\nr.test. A 127.0.0.33\n");   /* another size */
    h = nr_roothints_cached(&c, path, err, sizeof err);
    assert_non_null(h);
    assert_string_equal(nr_ip_str(&h->v[0].ip, a, sizeof a), "127.0.0.33");
    write_file("nothing\n");
    assert_null(nr_roothints_cached(&c, path, err, sizeof err));
    assert_null(nr_roothints_cached(&c, "/nonexistent/named.root", err, sizeof err));
    assert_string_equal(err, "No such file or directory");
    nr_roothints_cache_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_builtin),
        cmocka_unit_test(test_read),
        cmocka_unit_test(test_cache),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
