/* Unit tests: the command-language tokenizer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "shell/token.h"
#include "lib/util.h"

static struct nr_cmdline tok_ok(const char *line, const char *last)
{
    struct nr_cmdline cl;
    char err[NR_ERRLEN] = "";
    int r = nr_tokenize(line, strlen(line), last, &cl, err, sizeof err);
    if (r != 0)
        fail_msg("tokenize(%s) failed: %s", line, err);
    return cl;
}

static void tok_err(const char *line, size_t n, const char *want)
{
    struct nr_cmdline cl;
    char err[NR_ERRLEN] = "";
    assert_int_equal(nr_tokenize(line, n, NULL, &cl, err, sizeof err), -1);
    assert_string_equal(err, want);
    assert_int_equal(cl.n, 0);
}

static void test_words_and_separators(void **st)
{
    struct nr_cmdline cl = tok_ok("  dial tcp  127.0.0.1:80 ; send x;;recv  ", NULL);
    assert_int_equal(cl.n, 3);
    assert_int_equal(cl.cmd[0].argc, 3);
    assert_string_equal(cl.cmd[0].argv[2], "127.0.0.1:80");
    assert_string_equal(cl.cmd[1].argv[1], "x");
    assert_int_equal(cl.cmd[2].argc, 1);
    nr_cmdline_free(&cl);
}

static void test_quotes_and_escapes(void **st)
{
    struct nr_cmdline cl = tok_ok("send \"a\\r\\n\\t\\\\\\\"\\x41\\0z\" 'lit\\n $_' b\\ c", "7");
    assert_int_equal(cl.cmd[0].argc, 4);
    assert_int_equal(cl.cmd[0].len[1], 9);
    assert_memory_equal(cl.cmd[0].argv[1], "a\r\n\t\\\"A\0z", 9);
    assert_string_equal(cl.cmd[0].argv[2], "lit\\n $_");
    assert_string_equal(cl.cmd[0].argv[3], "b c");
    nr_cmdline_free(&cl);
}

static void test_comments_and_dollar(void **st)
{
    struct nr_cmdline cl = tok_ok("use $_ # pick it\nclose \"$_\" a#b", "12");
    assert_int_equal(cl.n, 2);
    assert_string_equal(cl.cmd[0].argv[1], "12");
    assert_int_equal(cl.cmd[0].argc, 2);
    assert_string_equal(cl.cmd[1].argv[1], "12");
    assert_string_equal(cl.cmd[1].argv[2], "a#b");
    nr_cmdline_free(&cl);
    cl = tok_ok("   # only a comment", NULL);
    assert_int_equal(cl.n, 0);
    nr_cmdline_free(&cl);
}

static void test_empty_quotes_make_a_word(void **st)
{
    struct nr_cmdline cl = tok_ok("parse \"\" ''", NULL);
    assert_int_equal(cl.cmd[0].argc, 3);
    assert_int_equal(cl.cmd[0].len[1], 0);
    assert_string_equal(cl.cmd[0].argv[2], "");
    nr_cmdline_free(&cl);
}

static void test_errors(void **st)
{
    tok_err("echo \"abc", 9, "unterminated double quote");
    tok_err("echo 'abc", 9, "unterminated single quote");
    tok_err("echo \\q", 7, "unknown escape \\q");
    tok_err("echo \"\\x4\"", 10, "\\x needs two hex digits");
    tok_err("echo abc\\", 9, "trailing backslash");
    tok_err("echo abc\\\n", 10, "trailing backslash");   /* a script line keeps its \n */
    tok_err("echo \"abc\\\r\n", 12, "trailing backslash");
    tok_err("echo $_", 7, "$_: no session has been created yet");
    tok_err("echo a\0b", 8, "NUL byte in input at column 7");
}

static void test_long_line(void **st)
{
    static char line[100000];
    memset(line, 'a', sizeof line - 1);
    memcpy(line, "echo ", 5);
    struct nr_cmdline cl = tok_ok(line, NULL);
    assert_int_equal(cl.cmd[0].len[1], sizeof line - 1 - 5);
    nr_cmdline_free(&cl);
}

/* One command at a time: what it took, and $_ as given for each call. */
static void test_one_at_a_time(void **st)
{
    const char *line = "listen tcp :0 ; ; dial tcp [$_] # c; x\necho \"$_\"";
    size_t n = strlen(line), off = 0, used;
    struct nr_cmdline cl;
    char err[128];
    assert_int_equal(nr_tokenize_one(line, n, &used, NULL, &cl, err, sizeof err), 0);
    assert_int_equal(cl.n, 1);
    assert_string_equal(cl.cmd[0].argv[0], "listen");
    assert_int_equal(used, strlen("listen tcp :0 ;"));
    nr_cmdline_free(&cl);
    off += used;
    /* The empty command is skipped; $_ is whatever it is now. */
    assert_int_equal(nr_tokenize_one(line + off, n - off, &used, "7", &cl, err, sizeof err), 0);
    assert_int_equal(cl.n, 1);
    assert_string_equal(cl.cmd[0].argv[2], "[7]");
    nr_cmdline_free(&cl);
    off += used;
    assert_int_equal(nr_tokenize_one(line + off, n - off, &used, "8", &cl, err, sizeof err), 0);
    assert_int_equal(cl.n, 1);
    assert_string_equal(cl.cmd[0].argv[1], "8");
    nr_cmdline_free(&cl);
    assert_int_equal(off + used, n);
    assert_int_equal(nr_tokenize_one("echo $_", 7, &used, NULL, &cl, err, sizeof err), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_words_and_separators),
        cmocka_unit_test(test_one_at_a_time),
        cmocka_unit_test(test_quotes_and_escapes),
        cmocka_unit_test(test_comments_and_dollar),
        cmocka_unit_test(test_empty_quotes_make_a_word),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_long_line),
    };
    return cmocka_run_group_tests_name("token", tests, NULL, NULL);
}
