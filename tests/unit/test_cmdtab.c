/* Unit tests: the command table. Walks cmd_all() whatever commands exist:
 * every command has a name, usage, summary, help with an example, and a
 * handler; names and aliases are unique and found by cmd_find; `CMD --help`
 * prints the help. (git's t0012-help in spirit.) */
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

static size_t count(void)
{
    size_t n = 0;
    for (const struct nr_cmd *const *c = cmd_all(); *c; c++)
        n++;
    return n;
}

static void test_descriptors_complete(void **st)
{
    assert_true(count() > 0);
    for (const struct nr_cmd *const *cp = cmd_all(); *cp; cp++) {
        const struct nr_cmd *c = *cp;
        assert_non_null(c->name);
        if (!c->name[0] || strpbrk(c->name, " \t;#'\"\\$"))
            fail_msg("bad command name '%s'", c->name);
        if (!c->usage || strncmp(c->usage, c->name, strlen(c->name)) ||
            (c->usage[strlen(c->name)] && c->usage[strlen(c->name)] != ' '))
            fail_msg("%s: usage '%s' does not start with the name", c->name,
                     c->usage ? c->usage : "(null)");
        if (!c->summary || !c->summary[0] || strchr(c->summary, '\n'))
            fail_msg("%s: summary must be one non-empty line", c->name);
        if (!c->help || !strstr(c->help, "Example:"))
            fail_msg("%s: help has no 'Example:' line", c->name);
        if (!c->run)
            fail_msg("%s: no handler", c->name);
    }
}

/* Some "Example:" line runs this very command (by name or alias). */
static void test_examples_use_the_command(void **st)
{
    for (const struct nr_cmd *const *cp = cmd_all(); *cp; cp++) {
        const struct nr_cmd *c = *cp;
        bool found = false;
        for (const char *e = strstr(c->help, "Example:"); e && !found;
             e = strstr(e + 1, "Example:")) {
            const char *w = e + strlen("Example:");
            w += strspn(w, " ");
            size_t n = strcspn(w, " \n");
            found = (n == strlen(c->name) && !strncmp(w, c->name, n)) ||
                    (c->alias && n == strlen(c->alias) && !strncmp(w, c->alias, n));
        }
        if (!found)
            fail_msg("%s: no example runs '%s'", c->name, c->name);
    }
}

static void test_names_unique_and_found(void **st)
{
    size_t n = count(), k = 0;
    const char **names = calloc(2 * n, sizeof *names);
    assert_non_null(names);
    for (const struct nr_cmd *const *cp = cmd_all(); *cp; cp++) {
        names[k++] = (*cp)->name;
        assert_ptr_equal(cmd_find((*cp)->name), *cp);
        if ((*cp)->alias) {
            names[k++] = (*cp)->alias;
            assert_ptr_equal(cmd_find((*cp)->alias), *cp);
        }
    }
    for (size_t i = 0; i < k; i++)
        for (size_t j = i + 1; j < k; j++)
            if (!strcmp(names[i], names[j]))
                fail_msg("name '%s' used twice", names[i]);
    free(names);
    assert_null(cmd_find("no-such-command"));
    assert_null(cmd_find(""));
}

static void test_sorted(void **st)
{
    const struct nr_cmd *const *c = cmd_all();
    for (size_t i = 1; c[i]; i++)
        if (strcmp(c[i - 1]->name, c[i]->name) >= 0)
            fail_msg("table not sorted at '%s'", c[i]->name);
}

/* `CMD --help` goes through cmd_run and prints usage, summary and help. */
static void test_help_flag(void **st)
{
    struct shell sh;
    memset(&sh, 0, sizeof sh);
    FILE *tmp = tmpfile();
    assert_non_null(tmp);
    fflush(stdout);
    int saved = dup(1);
    assert_true(saved >= 0);
    assert_int_equal(dup2(fileno(tmp), 1), 1);
    for (const struct nr_cmd *const *cp = cmd_all(); *cp; cp++) {
        char *argv[] = { (char *)(*cp)->name, "--help", NULL };
        size_t len[] = { strlen((*cp)->name), 6 };
        struct nr_args a = { 2, argv, len };
        long before = (fflush(stdout), lseek(1, 0, SEEK_END));
        int r = cmd_run(&sh, &a);
        fflush(stdout);
        long after = lseek(1, 0, SEEK_END);
        if (r != CMD_OK || after - before < (long)strlen((*cp)->help))
            fail_msg("%s --help: status %d, %ld bytes", (*cp)->name, r, after - before);
    }
    dup2(saved, 1);
    close(saved);
    fclose(tmp);
    assert_int_equal(sh.failures, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_descriptors_complete),
        cmocka_unit_test(test_examples_use_the_command),
        cmocka_unit_test(test_names_unique_and_found),
        cmocka_unit_test(test_sorted),
        cmocka_unit_test(test_help_flag),
    };
    return cmocka_run_group_tests_name("cmdtab", tests, NULL, NULL);
}
