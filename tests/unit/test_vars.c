/* Unit tests: variables — the table (shell/vars) and their expansion by the
 * tokenizer ($NAME, ${NAME}, $1, \$, single quotes, unset names, the
 * syntax-only pass). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "shell/token.h"
#include "shell/vars.h"
#include "lib/util.h"

static int lookup(void *arg, const char *name, size_t len, const char **val, size_t *vlen,
                  char *err, size_t errlen)
{
    if ((*val = nr_vars_get(arg, name, len, vlen)))
        return 0;
    return nr_err(err, errlen, "$%.*s: not set", (int)len, name);
}

static struct nr_vars *table(void)
{
    struct nr_vars *v = nr_vars_new();
    char err[NR_ERRLEN];
    assert_non_null(v);
    assert_int_equal(nr_vars_set(v, "who", 3, "world", 5, err, sizeof err), 0);
    assert_int_equal(nr_vars_set(v, "1", 1, "a b", 3, err, sizeof err), 0);
    assert_int_equal(nr_vars_set(v, "nul", 3, "x\0y", 3, err, sizeof err), 0);
    assert_int_equal(nr_vars_set(v, "_", 1, "7", 1, err, sizeof err), 0);
    return v;
}

static struct nr_cmdline tok(struct nr_vars *v, const char *line, int want)
{
    struct nr_cmdline cl;
    char err[NR_ERRLEN] = "";
    size_t used;
    int r = nr_tokenize_vars(line, strlen(line), &used, lookup, v, &cl, err, sizeof err);
    if (r != want)
        fail_msg("tokenize(%s) = %d (%s), want %d", line, r, err, want);
    return cl;
}

static void test_table(void **st)
{
    struct nr_vars *v = table();
    size_t n;
    char err[NR_ERRLEN];
    assert_memory_equal(nr_vars_get(v, "nul", 3, &n), "x\0y", 3);
    assert_int_equal(n, 3);
    assert_int_equal(nr_vars_set(v, "who", 3, "you", 3, err, sizeof err), 0);
    assert_string_equal(nr_vars_get(v, "who", 3, &n), "you");
    assert_null(nr_vars_get(v, "wh", 2, &n));
    assert_null(nr_vars_get(v, "whom", 4, &n));
    /* Sorted by name: digits first. */
    const char *name, *val;
    nr_vars_at(v, 0, &name, &val, &n);
    assert_string_equal(name, "1");
    nr_vars_unset(v, "1", 1);
    assert_null(nr_vars_get(v, "1", 1, &n));
    assert_int_equal(nr_vars_count(v), 3);
    assert_int_equal(nr_vars_set(v, "big", 3, "", (size_t)NR_VAR_VALUE_MAX + 1, err, sizeof err),
                     -1);
    nr_vars_free(v);
}

static void test_names(void **st)
{
    assert_true(nr_var_name_ok("host", 4));
    assert_true(nr_var_name_ok("_x1", 3));
    assert_false(nr_var_name_ok("_", 1));
    assert_false(nr_var_name_ok("1", 1));
    assert_false(nr_var_name_ok("2x", 2));
    assert_false(nr_var_name_ok("a-b", 3));
    assert_false(nr_var_name_ok("", 0));
}

static void test_expansion(void **st)
{
    struct nr_vars *v = table();
    struct nr_cmdline cl = tok(v, "echo $who \"<$who>\" ${who}s '$who' \\$who $1 $ a$ $$", 0);
    const char *want[] = { "echo", "world", "<world>", "worlds", "$who", "$who", "a b", "$",
                           "a$", "$$" };
    assert_int_equal(cl.cmd[0].argc, 10);
    for (int i = 0; i < 10; i++)
        assert_string_equal(cl.cmd[0].argv[i], want[i]);
    nr_cmdline_free(&cl);
    cl = tok(v, "send $nul$_", 0);
    assert_int_equal(cl.cmd[0].len[1], 4);
    assert_memory_equal(cl.cmd[0].argv[1], "x\0y7", 4);
    nr_cmdline_free(&cl);
    /* $12 is $1 then "2"; $who_x is one name. */
    cl = tok(v, "echo $12", 0);
    assert_string_equal(cl.cmd[0].argv[1], "a b2");
    nr_cmdline_free(&cl);
    nr_vars_free(v);
}

static void test_errors(void **st)
{
    struct nr_vars *v = table();
    char err[NR_ERRLEN];
    struct nr_cmdline cl;
    size_t used;
    assert_int_equal(nr_tokenize_vars("echo $who_x", 11, &used, lookup, v, &cl, err,
                                      sizeof err), -2);
    assert_string_equal(err, "$who_x: not set");
    assert_int_equal(cl.n, 0);
    assert_int_equal(nr_tokenize_vars("echo ${who", 10, &used, lookup, v, &cl, err,
                                      sizeof err), -1);
    assert_string_equal(err, "unterminated ${");
    assert_int_equal(nr_tokenize_vars("echo ${a b}", 11, &used, lookup, v, &cl, err,
                                      sizeof err), -1);
    assert_string_equal(err, "${a b}: not a variable name");
    /* The syntax-only pass: unset names are fine, bad syntax is not. */
    assert_int_equal(nr_tokenize_vars("let x = 1; echo $x ${y}", 23, NULL, NULL, NULL, &cl, err,
                                      sizeof err), 0);
    assert_int_equal(cl.n, 2);
    nr_cmdline_free(&cl);
    assert_int_equal(nr_tokenize_vars("echo ${", 7, NULL, NULL, NULL, &cl, err, sizeof err), -1);
    /* The $_-only interface knows no other names. */
    assert_int_equal(nr_tokenize("echo $who", 9, "3", &cl, err, sizeof err), -1);
    assert_string_equal(err, "$who: not set");
    nr_vars_free(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_expansion),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests_name("vars", tests, NULL, NULL);
}
