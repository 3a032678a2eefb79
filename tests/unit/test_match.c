/* Unit tests: lib/match — alternatives against a buffer that grows as data
 * arrives: matches split across arrivals, matches that must wait for more,
 * the earliest match winning, captures, errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "lib/match.h"
#include "lib/util.h"

static struct nr_match *set(const char *const *alts)
{
    struct nr_match *m = nr_match_new();
    char err[NR_ERRLEN];
    assert_non_null(m);
    for (int i = 0; alts[i]; i++) {
        size_t n = strlen(alts[i]);
        bool re = n >= 2 && alts[i][0] == '/' && alts[i][n - 1] == '/';
        int k = nr_match_add(m, alts[i] + re, n - 2 * re, re, err, sizeof err);
        if (k != i)
            fail_msg("add %s: %s", alts[i], err);
    }
    return m;
}

static int run(struct nr_match *m, const char *buf, bool final)
{
    char err[NR_ERRLEN] = "";
    int r = nr_match_run(m, buf, strlen(buf), final, err, sizeof err);
    if (r == NR_MATCH_FAIL)
        fail_msg("run(%s): %s", buf, err);
    return r;
}

static void span_is(struct nr_match *m, int i, size_t start, size_t end)
{
    size_t s, e;
    nr_match_span(m, i, &s, &e);
    assert_int_equal(s, start);
    assert_int_equal(e, end);
}

static void test_split_across_arrivals(void **st)
{
    struct nr_match *m = set((const char *[]){ "mail.nr.test", NULL });
    assert_int_equal(run(m, "220 mail.nr", false), NR_MATCH_WAIT);
    assert_int_equal(run(m, "220 mail.nr.te", false), NR_MATCH_WAIT);
    assert_int_equal(run(m, "220 mail.nr.test ESMTP", false), 0);
    span_is(m, 0, 4, 16);
    nr_match_free(m);
}

/* A byte at a time: the optional part keeps it waiting until it is there. */
static void test_dribble_must_wait(void **st)
{
    struct nr_match *m = set((const char *[]){ "/hello( world)?/", NULL });
    const char *all = "hello world";
    char buf[32];
    for (size_t n = 1; n < strlen(all); n++) {
        snprintf(buf, sizeof buf, "%.*s", (int)n, all);
        assert_int_equal(run(m, buf, false), NR_MATCH_WAIT);
    }
    assert_int_equal(run(m, all, false), 0);
    span_is(m, 0, 0, 11);
    nr_match_free(m);
    /* What follows cannot extend it: taken at once, without the group. */
    m = set((const char *[]){ "/hello( world)?/", NULL });
    assert_int_equal(run(m, "hello there", false), 0);
    span_is(m, 0, 0, 5);
    size_t s, e;
    assert_false(nr_match_group(m, 0, 1, &s, &e));
    nr_match_free(m);
}

static void test_capture_waits_for_the_rest(void **st)
{
    struct nr_match *m = set((const char *[]){ "/queued as ([0-9A-F]+)/", NULL });
    assert_int_equal(run(m, "250 Ok: queued as 4F2", false), NR_MATCH_WAIT);
    assert_int_equal(run(m, "250 Ok: queued as 4F2A17\r\n", false), 0);
    size_t s, e;
    assert_true(nr_match_group(m, 0, 1, &s, &e));
    assert_int_equal(s, 18);
    assert_int_equal(e, 24);
    nr_match_free(m);
    /* No more data coming: what is there is the match. */
    m = set((const char *[]){ "/queued as ([0-9A-F]+)/", NULL });
    assert_int_equal(run(m, "250 Ok: queued as 4F2", false), NR_MATCH_WAIT);
    assert_int_equal(run(m, "250 Ok: queued as 4F2", true), 0);
    span_is(m, 0, 8, 21);
    nr_match_free(m);
}

static void test_earliest_match_wins(void **st)
{
    struct nr_match *m = set((const char *[]){ "250 ", "550 ", NULL });
    assert_int_equal(run(m, "550 no\r\n250 ok\r\n", false), 1);
    nr_match_free(m);
    /* On a tie, the earlier alternative; while it could still match at
     * the same start, it is waited for. */
    m = set((const char *[]){ "250", "250 OK", NULL });
    assert_int_equal(run(m, "250 O", false), 0);
    nr_match_free(m);
    m = set((const char *[]){ "250 OK", "250", NULL });
    assert_int_equal(run(m, "250 O", false), NR_MATCH_WAIT);
    assert_int_equal(run(m, "250 OK", false), 0);
    nr_match_free(m);
    /* A partial match that starts earlier holds back a later full one ... */
    m = set((const char *[]){ "b", "abc", NULL });
    assert_int_equal(run(m, "ab", false), NR_MATCH_WAIT);
    assert_int_equal(run(m, "abc", false), 1);
    nr_match_free(m);
    /* ... until no more data will come. */
    m = set((const char *[]){ "b", "abc", NULL });
    assert_int_equal(run(m, "ab", false), NR_MATCH_WAIT);
    assert_int_equal(run(m, "ab", true), 0);
    span_is(m, 0, 1, 2);
    nr_match_free(m);
}

/* Scans resume where they left off and still find matches that straddle. */
static void test_resume(void **st)
{
    struct nr_match *m = set((const char *[]){ "/x+y/", "/(?m)^250 .*\\r\\n/", NULL });
    assert_int_equal(run(m, "aaa", false), NR_MATCH_WAIT);
    assert_int_equal(run(m, "aaax", false), NR_MATCH_WAIT);
    assert_int_equal(run(m, "aaaxx", false), NR_MATCH_WAIT);
    assert_int_equal(run(m, "aaaxxy", false), 0);
    span_is(m, 0, 3, 6);
    nr_match_free(m);
    m = set((const char *[]){ "/(?m)^250 .*\\r\\n/", NULL });
    assert_int_equal(run(m, "220 hi\r\n2", false), NR_MATCH_WAIT);
    assert_int_equal(run(m, "220 hi\r\n250 o", false), NR_MATCH_WAIT);
    assert_int_equal(run(m, "220 hi\r\n250 ok\r\n", false), 0);
    span_is(m, 0, 8, 16);
    nr_match_free(m);
}

static void test_bytes_and_names(void **st)
{
    struct nr_match *m = nr_match_new();
    char err[NR_ERRLEN];
    assert_int_equal(nr_match_add(m, "\0\xff", 2, false, err, sizeof err), 0);
    const char *re = "(?<code>[0-9]{3}) (?<text>.*)\\r\\n";
    assert_int_equal(nr_match_add(m, re, strlen(re), true, err, sizeof err), 1);
    assert_int_equal(nr_match_run(m, "ab\0\xff", 4, false, err, sizeof err), 0);
    span_is(m, 0, 2, 4);
    nr_match_free(m);
    m = set((const char *[]){ "/(?<code>[0-9]{3}) (?<text>.*)\\r\\n/", NULL });
    assert_int_equal(run(m, "554 go away\r\n", false), 0);
    assert_int_equal(nr_match_ngroups(m, 0), 2);
    assert_int_equal(nr_match_nnames(m, 0), 2);
    int g;
    assert_string_equal(nr_match_name(m, 0, 0, &g), "code");
    assert_int_equal(g, 1);
    assert_string_equal(nr_match_name(m, 0, 1, &g), "text");
    assert_int_equal(g, 2);
    nr_match_free(m);
}

static void test_errors(void **st)
{
    struct nr_match *m = nr_match_new();
    char err[NR_ERRLEN];
    assert_int_equal(nr_match_add(m, "(", 1, true, err, sizeof err), -1);
    assert_string_equal(err, "missing closing parenthesis at offset 1");
    assert_int_equal(nr_match_add(m, "", 0, false, err, sizeof err), -1);
    assert_int_equal(nr_match_add(m, "", 0, true, err, sizeof err), -1);
    for (int i = 0; i < NR_MATCH_MAX; i++)
        assert_int_equal(nr_match_add(m, "a", 1, false, err, sizeof err), i);
    assert_int_equal(nr_match_add(m, "a", 1, false, err, sizeof err), -1);
    nr_match_free(m);
    /* Catastrophic backtracking ends in an error, not a hang. */
    m = set((const char *[]){ "/^(\\w+\\s?)*$/", NULL });
    char buf[64];
    memset(buf, 'a', sizeof buf - 2);
    buf[sizeof buf - 2] = '!';
    buf[sizeof buf - 1] = 0;
    assert_int_equal(nr_match_run(m, buf, strlen(buf), true, err, sizeof err), NR_MATCH_FAIL);
    assert_string_equal(err, "match limit exceeded");
    nr_match_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_split_across_arrivals),
        cmocka_unit_test(test_dribble_must_wait),
        cmocka_unit_test(test_capture_waits_for_the_rest),
        cmocka_unit_test(test_earliest_match_wins),
        cmocka_unit_test(test_resume),
        cmocka_unit_test(test_bytes_and_names),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests_name("match", tests, NULL, NULL);
}
