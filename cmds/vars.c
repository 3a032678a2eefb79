/* cmds/vars — let and vars: the shell's variables. Values expand as $NAME
 * or ${NAME} when a command runs (shell/token.c); expect sets $1..$9 and
 * named groups. No loops, no conditionals: the command language stays a
 * command language. */
#include "shell/shell.h"
#include "shell/vars.h"
#include "lib/escape.h"

#include <stdio.h>
#include <string.h>

static int let_run(struct shell *sh, const struct cmd_call *c)
{
    char err[NR_ERRLEN];
    const char *name = c->pos[0];
    size_t nlen = c->poslen[0];
    if (name[0] >= '1' && name[0] <= '9' && nlen == 1)
        return cmd_error(sh, "$%s is set by expect's captures; choose a name", name);
    if (nlen == 1 && name[0] == '_')
        return cmd_error(sh, "$_ is the session most recently created; choose a name");
    if (!nr_var_name_ok(name, nlen))
        return cmd_usage(sh, "'%s': a name is a letter or _ then letters, digits or _ "
                         "(at most %d)", name, NR_VAR_NAME_MAX);
    if (c->npos < 2 || strcmp(c->pos[1], "=") || c->poslen[1] != 1)
        return cmd_usage(sh, "needs '=' after the name (let %s = VALUE)", name);
    struct nr_vars *v = sh_vars(sh);
    if (!v)
        return CMD_FAIL;
    struct nr_buf b = { 0 };
    for (int i = 2; i < c->npos; i++) {
        if ((i > 2 && nr_buf_add(&b, " ", 1) < 0) || nr_buf_add(&b, c->pos[i], c->poslen[i]) < 0) {
            nr_buf_free(&b);
            return cmd_error(sh, "out of memory");
        }
    }
    int r = nr_vars_set(v, name, nlen, b.p ? (const char *)b.p : "", b.len, err, sizeof err);
    nr_buf_free(&b);
    return r < 0 ? cmd_error(sh, "%s", err) : CMD_OK;
}

static void show_var(struct shell *sh, const char *name, const char *val, size_t vlen,
                     const char *note)
{
    struct nr_buf b = { 0 };
    out_begin(sh, "var");
    out_str(sh, "name", "$%-10s", name);
    if (sh->json) {
        out_data(sh, "value", val, vlen, 0, false);
    } else {
        nr_escape_text(val, vlen, NR_ESC_QUOTE, &b);
        out_text(sh, " = \"%.*s\"", (int)b.len, b.p ? (const char *)b.p : "");
    }
    if (note)
        out_str(sh, "note", "  (%s)", note);
    out_text(sh, "\n");
    out_end(sh);
    nr_buf_free(&b);
}

static int vars_run(struct shell *sh, const struct cmd_call *c)
{
    char id[24];
    if (sh->last_id) {
        snprintf(id, sizeof id, "%d", sh->last_id);
        show_var(sh, "_", id, strlen(id), "the session most recently created");
    }
    for (size_t i = 0; i < nr_vars_count(sh->vars); i++) {
        const char *name, *val;
        size_t vlen;
        nr_vars_at(sh->vars, i, &name, &val, &vlen);
        show_var(sh, name, val, vlen, NULL);
    }
    return CMD_OK;
}

static const struct nr_pos let_pos[] = {
    { "NAME", POS_WORD, NULL, 0 },
    { "=", POS_WORD, NULL, 0 },
    { "WORDS", POS_WORD, NULL, POS_OPTIONAL | POS_REPEAT },
    POS_END,
};

const struct nr_cmd cmd_let = {
    .name = "let",
    .summary = "set a variable: $NAME expands to WORDS when a command runs",
    .help =
    "Sets NAME to WORDS joined by blanks (escapes decoded, variables in them\n"
    "expanded now). $NAME or ${NAME} in any later command, bare or in double\n"
    "quotes, expands to the value when that command runs - one word, never split;\n"
    "'single quotes' and \\$ keep a '$'. An unset variable is an error naming it.\n"
    "expect sets $1..$9 and named groups; $_ is the last session created.\n"
    "'vars' lists them.\n"
    "Example: let host = 127.0.0.1:2525\n"
    "Example: let greeting = \"EHLO client.test\\r\\n\"\n",
    .pos = let_pos,
    .flags = CMD_RAW_ARGS,
    .run = let_run,
};

const struct nr_cmd cmd_vars = {
    .name = "vars",
    .summary = "list the variables ($_, let, expect's captures)",
    .help =
    "Lists every variable with its value, escaped and quoted as 'let' would\n"
    "take it: $_ (the session most recently created), $1..$9 and named groups\n"
    "from the last expect, and what 'let' set.\n"
    "Example: vars\n",
    .run = vars_run,
};
