/* Unit tests: lib/escape (terminal and JSON escaping of untrusted bytes)
 * and the printer that uses it (shell/output: out_data, out_str, out_num in
 * text and --json modes, captured from stdout). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/escape.h"
#include "shell/shell.h"

static void text_is(const char *in, size_t n, int flags, const char *want)
{
    struct nr_buf b = { 0 };
    assert_int_equal(nr_escape_text(in, n, flags, &b), 0);
    assert_string_equal((const char *)b.p, want);
    nr_buf_free(&b);
}

static void json_is(const char *in, size_t n, const char *want)
{
    struct nr_buf b = { 0 };
    assert_int_equal(nr_escape_json(in, n, &b), 0);
    assert_string_equal((const char *)b.p, want);
    nr_buf_free(&b);
}

static void test_text_controls(void **st)
{
    text_is("plain text", 10, 0, "plain text");
    text_is("", 0, 0, "");
    text_is("a\r\n\tb", 5, 0, "a\\r\\n\\tb");
    text_is("a\r\n\tb", 5, NR_ESC_KEEP_NL, "a\\r\n\tb");
    text_is("\x1b[31mred\x1b[0m", 12, 0, "\\x1b[31mred\\x1b[0m");   /* ESC */
    text_is("nul\0x", 5, 0, "nul\\0x");
    text_is("\x07\x7f", 2, 0, "\\x07\\x7f");                       /* BEL, DEL */
    text_is("q\"b\\", 4, 0, "q\"b\\");
    text_is("q\"b\\", 4, NR_ESC_QUOTE, "q\\\"b\\\\");
}

static void test_text_utf8(void **st)
{
    text_is("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 14, 0,
            "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");          /* kept */
    text_is("\xc2\x9b" "31m", 5, 0, "\\xc2\\x9b31m");              /* C1 CSI */
    text_is("\xc2\x85", 2, 0, "\\xc2\\x85");                       /* C1 NEL */
    text_is("\xc2\xa0", 2, 0, "\xc2\xa0");                         /* NBSP is not C1 */
    text_is("\xff\xfe", 2, 0, "\\xff\\xfe");                       /* invalid */
    text_is("\xc3", 1, 0, "\\xc3");                                /* truncated */
    text_is("\xc0\xaf", 2, 0, "\\xc0\\xaf");                       /* overlong '/' */
    text_is("\xed\xa0\x80", 3, 0, "\\xed\\xa0\\x80");              /* surrogate */
    text_is("\xf4\x90\x80\x80", 4, 0, "\\xf4\\x90\\x80\\x80");     /* > U+10FFFF */
}

static void test_json(void **st)
{
    json_is("abc", 3, "abc");
    json_is("q\"b\\/", 5, "q\\\"b\\\\/");
    json_is("a\r\n\tb", 5, "a\\r\\n\\tb");
    json_is("\x1b[0m", 4, "\\u001b[0m");
    json_is("n\0l", 3, "n\\u0000l");
    json_is("\x7f", 1, "\\u007f");
    json_is("caf\xc3\xa9", 5, "caf\xc3\xa9");                      /* valid UTF-8 kept */
    json_is("\xff" "a\xc3", 3, "\\u00ffa\\u00c3");                 /* invalid: Latin-1 */
    json_is("\xc2\x9b", 2, "\xc2\x9b");   /* C1 is valid UTF-8, legal inside JSON */
}

static void test_hex_base64(void **st)
{
    struct nr_buf b = { 0 };
    char err[NR_ERRLEN];
    assert_int_equal(nr_hex_encode("\x00\xff\x10", 3, ':', &b), 0);
    assert_string_equal((char *)b.p, "00:ff:10");
    b.len = 0;
    assert_int_equal(nr_hex_decode("de ad:BE EF", &b, err, sizeof err), 0);
    assert_int_equal(b.len, 4);
    assert_memory_equal(b.p, "\xde\xad\xbe\xef", 4);
    assert_int_equal(nr_hex_decode("abc", &b, err, sizeof err), -1);
    assert_string_equal(err, "odd number of hex digits");
    b.len = 0;
    assert_int_equal(nr_base64_encode("netrepl", 7, &b), 0);
    assert_string_equal((char *)b.p, "bmV0cmVwbA==");
    nr_buf_free(&b);
}

/* Runs fn with stdout captured; returns what it printed (caller frees). */
static char *capture(void (*fn)(struct shell *), bool json)
{
    struct shell sh;
    memset(&sh, 0, sizeof sh);
    sh.json = json;
    FILE *tmp = tmpfile();
    assert_non_null(tmp);
    fflush(stdout);
    int saved = dup(1);
    dup2(fileno(tmp), 1);
    fn(&sh);
    fflush(stdout);
    dup2(saved, 1);
    close(saved);
    long n = lseek(fileno(tmp), 0, SEEK_END);
    char *s = calloc(1, (size_t)n + 1);
    assert_non_null(s);
    assert_int_equal(pread(fileno(tmp), s, (size_t)n, 0), n);
    fclose(tmp);
    return s;
}

static void print_record(struct shell *sh)
{
    out_begin(sh, "demo");
    out_str(sh, "name", "name %s\n", "a\"b");
    out_data(sh, "data", "\x1b]0;pwned\x07\xff\n", 12, 0, false);
    out_text(sh, "\n");
    out_num(sh, "big", "big %s\n", "340282366920938463463374607431768211456");
    out_list_begin(sh, "list");
    for (int i = 1; i <= 2; i++) {
        out_obj_begin(sh, NULL);
        out_int(sh, "i", NULL, i);
        out_bool(sh, "odd", NULL, i & 1);
        out_null(sh, "none");
        out_obj_end(sh);
    }
    out_list_end(sh);
    out_end(sh);
}

static void test_printer(void **st)
{
    char *text = capture(print_record, false);
    assert_string_equal(text, "name a\"b\n\\x1b]0;pwned\\x07\\xff\\n\n"
                              "big 340282366920938463463374607431768211456\n");
    free(text);
    char *json = capture(print_record, true);
    assert_string_equal(json, "{\"type\":\"demo\",\"name\":\"a\\\"b\","
                              "\"data\":\"\\u001b]0;pwned\\u0007\\u00ff\\n\",\"data_base64\":\"G10wO3B3bmVkB/8K\","
                              "\"big\":340282366920938463463374607431768211456,"
                              "\"list\":[{\"i\":1,\"odd\":true,\"none\":null},"
                              "{\"i\":2,\"odd\":false,\"none\":null}]}\n");
    free(json);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_controls),
        cmocka_unit_test(test_text_utf8),
        cmocka_unit_test(test_json),
        cmocka_unit_test(test_hex_base64),
        cmocka_unit_test(test_printer),
    };
    return cmocka_run_group_tests_name("escape", tests, NULL, NULL);
}
