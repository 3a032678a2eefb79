/* Unit tests: the printer — the same calls give text or one JSON object per
 * line; untrusted bytes are escaped for the terminal and for JSON. stdout is
 * redirected to a temporary file and read back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text),
        cmocka_unit_test(test_json),
        cmocka_unit_test(test_json_unclosed_and_error),
    };
    return cmocka_run_group_tests_name("output", tests, NULL, NULL);
}
