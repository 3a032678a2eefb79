/* shell/cmdtab — the one sorted command table, dispatch, and running lines
 * and files through it. */
#include "shell/shell.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define NR_CMD(x) extern const struct nr_cmd x;
#include "cmds/list.h"
#undef NR_CMD

#define NR_CMD(x) &x,
static const struct nr_cmd *table[] = {
#include "cmds/list.h"
    NULL
};
#undef NR_CMD

enum { NCMDS = sizeof table / sizeof table[0] - 1, MAX_LINE = 65536, MAX_DEPTH = 16 };

static int by_name(const void *a, const void *b)
{
    return strcmp((*(const struct nr_cmd *const *)a)->name, (*(const struct nr_cmd *const *)b)->name);
}

const struct nr_cmd *const *cmd_all(void)
{
    static bool sorted;
    if (!sorted) {
        qsort(table, NCMDS, sizeof table[0], by_name);
        sorted = true;
    }
    return table;
}

const struct nr_cmd *cmd_find(const char *name)
{
    for (const struct nr_cmd *const *c = cmd_all(); *c; c++)
        if (!strcmp((*c)->name, name) || ((*c)->alias && !strcmp((*c)->alias, name)))
            return *c;
    return NULL;
}

static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 32 || lb > 32)
        return 99;
    size_t row[33];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (row[j] + 1 < best)
                best = row[j] + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

const char *cmd_nearest(const char *name)
{
    const char *best = NULL;
    size_t bd = 3;   /* suggest only within two edits */
    for (const struct nr_cmd *const *c = cmd_all(); *c; c++) {
        const char *names[2] = { (*c)->name, (*c)->alias };
        for (int k = 0; k < 2 && names[k]; k++) {
            size_t d = edit_distance(name, names[k]);
            if (d < bd || (best && d == bd && !strncmp(name, names[k], 1))) {
                bd = d;
                best = names[k];
            }
        }
    }
    return best;
}

int cmd_run(struct shell *sh, const struct nr_args *a)
{
    const char *name = a->argv[0];
    const struct nr_cmd *c = cmd_find(name);
    sh->cmd = c ? c->name : name;
    if (!c) {
        const char *n = strlen(name) == a->len[0] ? cmd_nearest(name) : NULL;
        if (n)
            return cmd_error(sh, "unknown command (did you mean '%s'?)", n);
        return cmd_error(sh, "unknown command (try 'help')");
    }
    if (a->argc == 2 && (!strcmp(a->argv[1], "--help") || !strcmp(a->argv[1], "-h")))
        return cmd_show_help(sh, c);
    int r = c->run(sh, a);
    sh->cmd = NULL;
    return r;
}

static void xtrace(struct shell *sh, const char *line, size_t n)
{
    if (!sh->xtrace || sh->json)
        return;
    while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        n--;
    printf("netrepl> %.*s\n", (int)n, line);
}

int sh_run_line(struct shell *sh, const char *line, size_t n)
{
    char err[NR_ERRLEN], id[24];
    struct nr_cmdline cl;
    sh->interrupted = 0;
    xtrace(sh, line, n);
    if (n > MAX_LINE) {
        sh->cmd = "netrepl";
        return cmd_error(sh, "line too long (%zu bytes, at most %d)", n, MAX_LINE);
    }
    snprintf(id, sizeof id, "%d", sh->last_id);
    if (nr_tokenize(line, n, sh->last_id ? id : NULL, &cl, err, sizeof err) < 0) {
        sh->cmd = "syntax";
        return cmd_error(sh, "%s", err);
    }
    int r = CMD_OK;
    for (size_t i = 0; i < cl.n && r != CMD_QUIT; i++) {
        int ri = cmd_run(sh, &cl.cmd[i]);
        if (ri == CMD_QUIT)
            r = CMD_QUIT;
        else if (ri == CMD_FAIL) {
            r = CMD_FAIL;
            if (!sh->interactive && !sh->keep_going)
                break;
        }
    }
    nr_cmdline_free(&cl);
    return r;
}

int sh_run_file(struct shell *sh, const char *path)
{
    if (sh->depth >= MAX_DEPTH)
        return cmd_error(sh, "%s: nested too deeply (at most %d levels)", path, MAX_DEPTH);
    FILE *f = fopen(path, "r");
    if (!f)
        return cmd_error(sh, "%s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        fclose(f);
        return cmd_error(sh, "%s: is a directory", path);
    }
    const char *osrc = sh->src;
    long oline = sh->line;
    sh->src = path;
    sh->line = 0;
    sh->depth++;
    char *buf = NULL;
    size_t cap = 0;
    ssize_t n;
    int r = CMD_OK;
    while (r != CMD_QUIT && !sh->quit && !sh->interrupted && (n = getline(&buf, &cap, f)) >= 0) {
        sh->line++;
        int ri = sh_run_line(sh, buf, (size_t)n);
        if (ri == CMD_QUIT)
            r = CMD_QUIT;
        else if (ri == CMD_FAIL) {
            r = CMD_FAIL;
            if (!sh->keep_going)
                break;
        }
    }
    free(buf);
    fclose(f);
    sh->depth--;
    sh->src = osrc;
    sh->line = oline;
    return r;
}
