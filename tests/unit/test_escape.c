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
    text_is("q\"b", 3, 0, "q\"b");
    text_is("q\"b\\", 4, NR_ESC_QUOTE, "q\\\"b\\\\");
}

/* The backslash is escaped too: a peer's literal text "\x1b[0m" and a real
 * ESC must not look the same. */
static void test_text_backslash(void **st)
{
    text_is("\\x1b[0m", 7, 0, "\\\\x1b[0m");
    text_is("\x1b[0m", 4, 0, "\\x1b[0m");
    text_is("a\\b", 3, NR_ESC_KEEP_NL, "a\\\\b");
    text_is("C:\\dir", 6, 0, "C:\\\\dir");
    /* A command line echoed back keeps the user's own backslashes. */
    text_is("send \"\\r\\n\"\x1b", 12, NR_ESC_KEEP_BSLASH, "send \"\\r\\n\"\\x1b");
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

/* Bidi controls and invisible format characters: escaped byte by byte. */
static void test_text_bidi(void **st)
{
    text_is("a\xe2\x80\xae" "b", 5, 0, "a\\xe2\\x80\\xae" "b");             /* U+202E RLO */
    text_is("\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad", 12, 0,
            "\\xe2\\x80\\xaa\\xe2\\x80\\xab\\xe2\\x80\\xac\\xe2\\x80\\xad");  /* 202A-D */
    text_is("\xe2\x81\xa6\xe2\x81\xa9", 6, 0, "\\xe2\\x81\\xa6\\xe2\\x81\\xa9");  /* LRI, PDI */
    text_is("\xe2\x80\x8e\xe2\x80\x8f", 6, 0, "\\xe2\\x80\\x8e\\xe2\\x80\\x8f");  /* LRM, RLM */
    text_is("\xd8\x9c", 2, 0, "\\xd8\\x9c");                            /* U+061C ALM */
    text_is("\xe2\x80\x8b", 3, 0, "\\xe2\\x80\\x8b");                 /* ZWSP */
    text_is("\xef\xbb\xbf", 3, 0, "\\xef\\xbb\\xbf");                 /* BOM */
    text_is("\xe2\x80\xa8", 3, 0, "\\xe2\\x80\\xa8");                 /* LINE SEPARATOR */
    text_is("\xf3\xa0\x80\x81", 4, 0, "\\xf3\\xa0\\x80\\x81");      /* U+E0001 tag */
    /* Kept: ZWJ in an emoji sequence, Hebrew letters, U+2030. */
    text_is("\xe2\x80\x8d", 3, 0, "\xe2\x80\x8d");
    text_is("\xd7\xa9\xd7\x9c", 4, 0, "\xd7\xa9\xd7\x9c");
    text_is("\xe2\x80\xb0", 3, 0, "\xe2\x80\xb0");
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
    /* C1 controls (CSI U+009B acts on many terminals) and bidi controls as
     * \u escapes: the same string to a JSON reader, inert on a terminal. */
    json_is("\xc2\x9b" "31m", 5, "\\u009b31m");
    json_is("\xc2\x80\xc2\x9f", 4, "\\u0080\\u009f");
    json_is("\xc2\xa0", 2, "\xc2\xa0");                           /* NBSP kept */
    json_is("a\xe2\x80\xae" "b", 5, "a\\u202eb");
    json_is("\xe2\x81\xa6", 3, "\\u2066");
    json_is("\xf3\xa0\x80\x81", 4, "\\udb40\\udc01");             /* U+E0001 */
}

static void test_hexdump(void **st)
{
    struct nr_buf b = { 0 };
    assert_int_equal(nr_hexdump("hello\n\x00\xff", 8, 0, &b), 0);
    assert_string_equal((char *)b.p,
        "00000000  68 65 6c 6c 6f 0a 00 ff                           |hello...|\n");
    nr_buf_free(&b);
    const char *s = "0123456789abcdefXY";
    assert_int_equal(nr_hexdump(s, strlen(s), 0x20, &b), 0);
    assert_string_equal((char *)b.p,
        "00000020  30 31 32 33 34 35 36 37  38 39 61 62 63 64 65 66  |0123456789abcdef|\n"
        "00000030  58 59                                             |XY|\n");
    nr_buf_free(&b);
    assert_int_equal(nr_hexdump("", 0, 0, &b), 0);
    assert_null(b.p);
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
        cmocka_unit_test(test_text_backslash),
        cmocka_unit_test(test_text_bidi),
        cmocka_unit_test(test_hexdump),
        cmocka_unit_test(test_json),
        cmocka_unit_test(test_hex_base64),
        cmocka_unit_test(test_printer),
    };
    return cmocka_run_group_tests_name("escape", tests, NULL, NULL);
}
