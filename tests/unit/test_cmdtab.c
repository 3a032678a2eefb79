/* Unit tests: the command table. Walks cmd_all() whatever commands exist:
 * every command has a name, usage, summary, help with an example, and a
 * handler; names and aliases are unique and found by cmd_find; `CMD --help`
 * prints the help; every option of every command is accepted by the parser,
 * shown in the usage line and in `help CMD`, and offered by Tab completion;
 * every Example line parses. (git's t0012-help in spirit.) */
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
#include "shell/token.h"
#include "lib/dnstype.h"
#include "lib/lookup.h"

#include <stdalign.h>

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
        const char *u = cmd_usage_line(c);
        if (strncmp(u, c->name, strlen(c->name)) ||
            (u[strlen(c->name)] && u[strlen(c->name)] != ' '))
            fail_msg("%s: usage '%s' does not start with the name", c->name, u);
        if (c->opts && !c->opts_size)
            fail_msg("%s: options but no options struct size", c->name);
        for (const struct nr_opt *o = c->opts; o && o->name; o++) {
            if (!o->help || !o->help[0] || strchr(o->help, '\n'))
                fail_msg("%s %s: needs a one-line help", c->name, o->name);
            if (o->name[0] != '-' && o->name[0] != '+')
                fail_msg("%s %s: options start with - or +", c->name, o->name);
            if (o->kind == OPT_ENUM && (!o->values || !o->values[0]))
                fail_msg("%s %s: an enum option without values", c->name, o->name);
            if (o->kind != OPT_FLAG && !o->arg)
                fail_msg("%s %s: a value option needs a value name", c->name, o->name);
        }
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

/* Runs fn with stdout going to a buffer; returns what was printed (freed
 * by the caller). */
static char *capture(void (*fn)(void *), void *arg)
{
    FILE *tmp = tmpfile();
    assert_non_null(tmp);
    fflush(stdout);
    int saved = dup(1);
    assert_int_equal(dup2(fileno(tmp), 1), 1);
    fn(arg);
    fflush(stdout);
    dup2(saved, 1);
    close(saved);
    long n = ftell(tmp) >= 0 ? lseek(fileno(tmp), 0, SEEK_END) : 0;
    char *buf = calloc(1, (size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(pread(fileno(tmp), buf, (size_t)n, 0), n);
    fclose(tmp);
    return buf;
}

static struct shell help_sh;

static void show_help(void *arg)
{
    cmd_show_help(&help_sh, arg);
}

/* A value the option accepts. */
static const char *sample(const struct nr_opt *o, char *buf, size_t n)
{
    switch (o->kind) {
    case OPT_INT:
    case OPT_NUM:
    case OPT_SECONDS:
        snprintf(buf, n, "%g", o->max >= 1 && o->min <= 1 ? 1.0 : o->min);
        return buf;
    case OPT_ENUM:
        return o->values[0];
    case OPT_PATH:
        return "/dev/null";
    case OPT_SESSION:
        return "[1]";
    default:
        return "x";
    }
}

/* Every option (and alias) is accepted, with a value where it takes one. */
static void test_every_option_parses(void **st)
{
    struct shell sh;
    memset(&sh, 0, sizeof sh);
    for (const struct nr_cmd *const *cp = cmd_all(); *cp; cp++) {
        const struct nr_cmd *c = *cp;
        for (const struct nr_opt *o = c->opts; o && o->name; o++) {
            for (int spelling = 0; spelling < 2; spelling++) {
                const char *name = spelling ? o->alias : o->name;
                if (!name)
                    continue;
                char v[32];
                char *argv[] = { (char *)c->name, (char *)name, (char *)sample(o, v, sizeof v), NULL };
                size_t len[] = { strlen(argv[0]), strlen(argv[1]), strlen(argv[2]) };
                struct nr_args a = { o->kind == OPT_FLAG ? 2 : 3, argv, len };
                _Alignas(max_align_t) unsigned char opts[1024] = { 0 };
                const char *pos[CMD_MAXPOS];
                size_t poslen[CMD_MAXPOS];
                struct cmd_call call = { .args = &a, .opts = opts };
                if (opt_split(&sh, c, &a, &call, pos, poslen) != 0)
                    fail_msg("%s %s %s: not accepted", c->name, name, argv[2]);
                if (!(call.given >> (o - c->opts) & 1))
                    fail_msg("%s %s: not recorded as given", c->name, name);
            }
        }
    }
    assert_int_equal(sh.failures, 0);
}

/* Every option is in the usage line and in `help CMD` with its help line. */
static void test_every_option_documented(void **st)
{
    for (const struct nr_cmd *const *cp = cmd_all(); *cp; cp++) {
        const struct nr_cmd *c = *cp;
        char *help = capture(show_help, (void *)c);
        for (const struct nr_opt *o = c->opts; o && o->name; o++) {
            char w[64];
            snprintf(w, sizeof w, "%s", o->name);
            const char *u = strstr(cmd_usage_line(c), w);
            if (!u || (u[strlen(w)] != ' ' && u[strlen(w)] != ']' && u[strlen(w)] != '|'))
                fail_msg("%s: usage lacks %s", c->name, o->name);
            if (!strstr(help, o->name) || !strstr(help, o->help))
                fail_msg("%s: help lacks %s and its line", c->name, o->name);
        }
        free(help);
    }
}

struct cands {
    char *w[4096];
    int n;
};

static void cand(void *arg, const char *w)
{
    struct cands *c = arg;
    if (c->n < 4096)
        c->w[c->n++] = strdup(w);
}

static bool has(const struct cands *c, const char *w)
{
    for (int i = 0; i < c->n; i++)
        if (!strcmp(c->w[i], w))
            return true;
    return false;
}

static void cands_free(struct cands *c)
{
    for (int i = 0; i < c->n; i++)
        free(c->w[i]);
    c->n = 0;
}

/* Completes the last word of line (the text after the last blank). */
static bool complete(const char *line, struct cands *c)
{
    static struct cands dummy;
    bool files;
    const char *sp = strrchr(line, ' ');
    int start = sp ? (int)(sp - line) + 1 : 0;
    cands_free(c ? c : &dummy);
    cmd_complete(NULL, line, start, line + start, cand, c ? c : &dummy, &files);
    return files;
}

/* Tab offers every option of every command, and an enum option's values
 * (or file names for a path) after it. */
static void test_every_option_completes(void **st)
{
    struct cands c = { .n = 0 };
    for (const struct nr_cmd *const *cp = cmd_all(); *cp; cp++) {
        for (const struct nr_opt *o = (*cp)->opts; o && o->name; o++) {
            char line[128];
            snprintf(line, sizeof line, "%s %c", (*cp)->name, o->name[0]);
            complete(line, &c);
            if (!has(&c, o->name))
                fail_msg("'%s<Tab>' does not offer %s", line, o->name);
            snprintf(line, sizeof line, "%s %s ", (*cp)->name, o->name);
            bool files = complete(line, &c);
            if (o->kind == OPT_PATH && !files)
                fail_msg("'%s<Tab>' does not offer file names", line);
            for (int i = 0; o->kind == OPT_ENUM && o->values[i]; i++)
                if (!has(&c, o->values[i]))
                    fail_msg("'%s<Tab>' does not offer %s", line, o->values[i]);
        }
    }
    cands_free(&c);
}

/* What each place offers: the faults the issue found, by name. */
static void test_completion_places(void **st)
{
    struct cands c = { .n = 0 };
    complete("accept --", &c);
    assert_true(has(&c, "--timeout"));
    complete("set 1 ", &c);
    assert_true(has(&c, "nodelay"));
    assert_true(has(&c, "timeout"));
    assert_false(has(&c, "on"));
    complete("set 1 nodelay ", &c);
    assert_true(has(&c, "on"));
    assert_true(has(&c, "off"));
    complete("set ", &c);
    assert_true(has(&c, "json"));
    complete("lookup ", &c);
    assert_true(has(&c, "mx"));
    assert_true(has(&c, "port"));
    assert_false(has(&c, "http"));   /* record types, not service names */
    complete("lookup mx ", &c);
    assert_false(has(&c, "mx"));
    assert_true(complete("send --file ", &c));
    assert_true(complete("source ", &c));
    complete("dial ", &c);
    assert_true(has(&c, "unixgram"));
    complete("dial tcp localhost:ht", &c);
    assert_true(has(&c, "localhost:http"));
    complete("shutdown ", &c);
    assert_true(has(&c, "write"));
    complete("help di", &c);
    assert_true(has(&c, "dial"));
    complete("ping -", &c);
    assert_true(has(&c, "-4") && has(&c, "-W"));
    cands_free(&c);
}

struct typeset {
    const struct cands *offered;
    int n, missing;
};

static void check_offered(void *arg, const char *name, uint16_t type)
{
    struct typeset *t = arg;
    t->n++;
    if (!has(t->offered, name)) {
        print_error("'lookup <Tab>' does not offer %s (type %u)\n", name, type);
        t->missing++;
    }
}

/* `lookup <Tab>`: lookup's own words, the keywords port and trace, and
 * every record type of lib/dnstype's table (the ldns ones too), once each;
 * everything offered is a word lookup takes. After `lookup trace NAME` the
 * record types again; where a name goes, none. */
static void test_lookup_completes_every_type(void **st)
{
    struct cands c = { .n = 0 };
    complete("lookup ", &c);
    static const char *const want[] = {
        "host", "ip", "addr", "a", "aaaa", "cname", "mx", "ns", "srv", "txt", "soa", "caa",
        "port", "trace", "https", "svcb", "dnskey", "ds", "rrsig", "nsec", "nsec3", "tlsa",
        "sshfp", "naptr", "loc", "cds", "openpgpkey", "any",
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        if (!has(&c, want[i]))
            fail_msg("'lookup <Tab>' does not offer %s", want[i]);
    struct typeset t = { &c, 0, 0 };
    nr_rrtype_each(check_offered, &t);
    assert_int_equal(t.missing, 0);
    assert_true(t.n > 60);   /* ldns knows 70-odd types */
    for (int i = 0; i < c.n; i++) {
        enum nr_qtype q;
        uint16_t type;
        if (nr_qtype_parse(c.w[i], &q) < 0 && nr_rrtype_parse(c.w[i], &type) < 0 &&
            strcmp(c.w[i], "port") && strcmp(c.w[i], "trace"))
            fail_msg("'lookup <Tab>' offers %s, which lookup does not take", c.w[i]);
        for (int k = 0; k < i; k++)
            if (!strcmp(c.w[k], c.w[i]))
                fail_msg("'lookup <Tab>' offers %s twice", c.w[i]);
    }
    complete("lookup h", &c);
    assert_true(has(&c, "https") && has(&c, "host") && has(&c, "hinfo"));
    complete("lookup trace www.example.org ", &c);
    assert_true(has(&c, "aaaa") && has(&c, "https") && has(&c, "dnskey"));
    assert_false(has(&c, "trace") || has(&c, "host") || has(&c, "port"));
    complete("lookup trace ", &c);
    assert_int_equal(c.n, 0);   /* the name goes here */
    complete("lookup https ", &c);
    assert_false(has(&c, "https"));
    cands_free(&c);
}

/* Every "Example:" line of every help parses: its options exist and take
 * the values shown. */
static void test_examples_parse(void **st)
{
    struct shell sh;
    memset(&sh, 0, sizeof sh);
    for (const struct nr_cmd *const *cp = cmd_all(); *cp; cp++) {
        const struct nr_cmd *c = *cp;
        for (const char *e = strstr(c->help, "Example:"); e; e = strstr(e + 1, "Example:")) {
            const char *w = e + strlen("Example:");
            size_t n = strcspn(w, "\n");
            char err[256];
            struct nr_cmdline cl;
            if (nr_tokenize(w, n, "1", &cl, err, sizeof err) < 0)
                fail_msg("%s: example '%.*s': %s", c->name, (int)n, w, err);
            for (size_t i = 0; i < cl.n; i++) {
                const struct nr_cmd *k = cmd_find(cl.cmd[i].argv[0]);
                _Alignas(max_align_t) unsigned char opts[1024] = { 0 };
                const char *pos[CMD_MAXPOS];
                size_t poslen[CMD_MAXPOS];
                struct cmd_call call = { .args = &cl.cmd[i], .opts = opts };
                if (!k || opt_split(&sh, k, &cl.cmd[i], &call, pos, poslen) != 0)
                    fail_msg("%s: example '%.*s' does not parse", c->name, (int)n, w);
            }
            nr_cmdline_free(&cl);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_descriptors_complete),
        cmocka_unit_test(test_examples_use_the_command),
        cmocka_unit_test(test_names_unique_and_found),
        cmocka_unit_test(test_sorted),
        cmocka_unit_test(test_help_flag),
        cmocka_unit_test(test_every_option_parses),
        cmocka_unit_test(test_every_option_documented),
        cmocka_unit_test(test_every_option_completes),
        cmocka_unit_test(test_completion_places),
        cmocka_unit_test(test_lookup_completes_every_type),
        cmocka_unit_test(test_examples_parse),
    };
    return cmocka_run_group_tests_name("cmdtab", tests, NULL, NULL);
}
