/* Unit tests: the printer — the same calls give text or one JSON object per
 * line; untrusted bytes are escaped for the terminal and for JSON. stdout is
 * redirected to a temporary file and read back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shell/shell.h"

static char path[] = "/tmp/nr-test-output-XXXXXX";
static int saved_fd = -1;

static void capture_start(void)
{
    fflush(stdout);
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    saved_fd = dup(1);
    dup2(fd, 1);
    close(fd);
}

/* Returns what was printed since capture_start (caller frees). */
static char *capture_end(void)
{
    fflush(stdout);
    dup2(saved_fd, 1);
    close(saved_fd);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    static char buf[4096];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = 0;
    fclose(f);
    unlink(path);
    strcpy(path, "/tmp/nr-test-output-XXXXXX");
    return strdup(buf);
}

static void record(struct shell *sh)
{
    out_begin(sh, "demo");
    out_str(sh, "name", "name %s\n", "a\"b");
    out_int(sh, "n", "n %lld\n", -3);
    out_bool(sh, "ok", "ok %s\n", true);
    out_list_begin(sh, "items");
    for (int i = 0; i < 2; i++) {
        out_obj_begin(sh, NULL);
        out_uint(sh, "i", "  item %llu\n", (unsigned long long)i);
        out_obj_end(sh);
    }
    out_list_end(sh);
    out_data(sh, "data", "x\x1b[2J\xff\n", 7, 0, false);
    out_text(sh, "\n");
    out_null(sh, "none");
    out_end(sh);
}

static void test_text(void **st)
{
    struct shell sh = { 0 };
    capture_start();
    record(&sh);
    char *got = capture_end();
    assert_string_equal(got, "name a\"b\nn -3\nok yes\n  item 0\n  item 1\nx\\x1b[2J\\xff\\n\n");
    free(got);
}

static void test_json(void **st)
{
    struct shell sh = { .json = true };
    capture_start();
    record(&sh);
    record(&sh);
    char *got = capture_end();
    const char *one = "{\"type\":\"demo\",\"name\":\"a\\\"b\",\"n\":-3,\"ok\":true,"
                      "\"items\":[{\"i\":0},{\"i\":1}],\"data\":\"x\\u001b[2J\\u00ff\\n\",\"data_base64\":\"eBtbMkr/Cg==\","
                      "\"none\":null}\n";
    char want[1024];
    snprintf(want, sizeof want, "%s%s", one, one);
    assert_string_equal(got, want);
    free(got);
}

static void test_json_unclosed_and_error(void **st)
{
    struct shell sh = { .json = true, .cmd = "demo", .line = 4 };
    capture_start();
    out_begin(&sh, "a");
    out_list_begin(&sh, "l");
    out_int(&sh, NULL, NULL, 1);
    cmd_error(&sh, "bad \"%s\"", "thing");   /* closes the open record first */
    char *got = capture_end();
    assert_string_equal(got, "{\"type\":\"a\",\"l\":[1]}\n"
                             "{\"type\":\"error\",\"command\":\"demo\",\"error\":\"bad \\\"thing\\\"\",\"line\":4}\n");
    assert_int_equal(sh.failures, 1);
    free(got);
}

/* JSON nesting deeper than the 16 levels the printer once had: every
 * bracket closes the right level and commas separate siblings. */
static void test_json_deep(void **st)
{
    struct shell sh = { .json = true };
    enum { DEPTH = 40 };
    capture_start();
    out_begin(&sh, "deep");
    for (int i = 0; i < DEPTH; i++) {
        out_list_begin(&sh, i ? NULL : "l");
        out_int(&sh, NULL, NULL, i);
    }
    for (int i = 0; i < DEPTH; i++)
        out_list_end(&sh);
    out_int(&sh, "after", NULL, 1);
    out_end(&sh);
    out_begin(&sh, "again");   /* back to the inline levels */
    out_obj_begin(&sh, "o");
    out_int(&sh, "a", NULL, 1);
    out_int(&sh, "b", NULL, 2);
    out_obj_end(&sh);
    out_end(&sh);
    char *got = capture_end();
    char want[2048] = "{\"type\":\"deep\",\"l\":";
    for (int i = 0; i < DEPTH; i++)
        snprintf(want + strlen(want), sizeof want - strlen(want), "%s[%d", i ? "," : "", i);
    for (int i = 0; i < DEPTH; i++)
        strcat(want, "]");
    strcat(want, ",\"after\":1}\n{\"type\":\"again\",\"o\":{\"a\":1,\"b\":2}}\n");
    assert_string_equal(got, want);
    assert_null(sh.json_heap);
    free(got);
}

/* JSON has no NaN or infinity: null; text shows what printf shows. */
static void test_non_finite(void **st)
{
    struct shell sh = { .json = true };
    capture_start();
    out_begin(&sh, "n");
    out_double(&sh, "nan", NULL, NAN);
    out_double(&sh, "inf", NULL, INFINITY);
    out_double(&sh, "ninf", NULL, -INFINITY);
    out_double(&sh, "x", NULL, 1.5);
    out_end(&sh);
    char *got = capture_end();
    assert_string_equal(got, "{\"type\":\"n\",\"nan\":null,\"inf\":null,\"ninf\":null,\"x\":1.5}\n");
    free(got);
    sh.json = false;
    capture_start();
    out_double(&sh, "inf", "%g\n", INFINITY);
    got = capture_end();
    assert_string_equal(got, "inf\n");
    free(got);
}

/* Hex output is a printer call: a hexdump in text, a hex string in JSON. */
static void test_hex(void **st)
{
    struct shell sh = { 0 };
    capture_start();
    out_hex(&sh, "hex", "hi\x1b\n", 4, 0x10);
    char *got = capture_end();
    assert_string_equal(got, "00000010  68 69 1b 0a                                       |hi..|\n");
    free(got);
    sh.json = true;
    capture_start();
    out_begin(&sh, "recv");
    out_hex(&sh, "hex", "hi\x1b\n", 4, 0x10);
    out_end(&sh);
    got = capture_end();
    assert_string_equal(got, "{\"type\":\"recv\",\"hex\":\"68691b0a\"}\n");
    free(got);
}

/* Strings from outside are escaped in text (out_str); the program's own
 * help text is not (out_lit). */
static void test_str_escaped(void **st)
{
    struct shell sh = { 0 };
    capture_start();
    out_str(&sh, "remote", "remote %s\n", "@\x1b]0;pwned\x07\\x\xc2\x9b\xe2\x80\xae" "b\n");
    out_lit(&sh, "help", "%s", "append \\r\\n\n");
    char *got = capture_end();
    assert_string_equal(got, "remote @\\x1b]0;pwned\\x07\\\\x\\xc2\\x9b\\xe2\\x80\\xae" "b\\n\n"
                             "append \\r\\n\n");
    free(got);
}

/* Errors are one line whatever the command name and the file name hold. */
static void test_error_one_line(void **st)
{
    struct shell sh = { .cmd = "first\nsecond\x1b[2J", .src = "evil\n\x1b]0;x\x07.nr", .line = 3 };
    fflush(stderr);
    char epath[] = "/tmp/nr-test-err-XXXXXX";
    int fd = mkstemp(epath), saved = dup(2);
    dup2(fd, 2);
    close(fd);
    cmd_error(&sh, "bad %s", "arg\n\xe2\x80\xae");
    cmd_error_at(&sh, "nul\0name", 8, "holds a NUL byte");
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    FILE *f = fopen(epath, "r");
    char buf[512] = "";
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = 0;
    fclose(f);
    unlink(epath);
    assert_string_equal(buf,
        "netrepl: evil\\n\\x1b]0;x\\x07.nr:3: first\\nsecond\\x1b[2J: bad arg\\n\\xe2\\x80\\xae\n"
        "netrepl: evil\\n\\x1b]0;x\\x07.nr:3: first\\nsecond\\x1b[2J: nul\\0name: holds a NUL byte\n");
}

/* A failed write to stdout is recorded once: the waiting command is
 * interrupted, the shell quits, errors are no longer printed. */
static void test_write_error(void **st)
{
    struct shell sh = { .cmd = "recv" };
    fflush(stdout);
    int saved = dup(1);
    int full = open("/dev/full", O_WRONLY);
    assert_true(full >= 0);
    dup2(full, 1);
    close(full);
    assert_false(out_failed(&sh));
    out_text(&sh, "%s\n", "lost");
    out_flush(&sh);
    assert_true(out_failed(&sh));
    assert_int_equal(sh.out_err, ENOSPC);
    assert_true(sh.interrupted);
    assert_true(sh.quit);
    assert_int_equal(cmd_error(&sh, "interrupted"), CMD_FAIL);
    dup2(saved, 1);
    close(saved);
    clearerr(stdout);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text),
        cmocka_unit_test(test_json),
        cmocka_unit_test(test_json_unclosed_and_error),
        cmocka_unit_test(test_json_deep),
        cmocka_unit_test(test_non_finite),
        cmocka_unit_test(test_hex),
        cmocka_unit_test(test_str_escaped),
        cmocka_unit_test(test_error_one_line),
        cmocka_unit_test(test_write_error),
    };
    return cmocka_run_group_tests_name("output", tests, NULL, NULL);
}
