/* shell/expand — the shell side of variables: the lookup the tokenizer
 * calls for $NAME when a command runs ($_ first, then the variables table),
 * and the log of commands that succeeded, which `save` writes out. */
#include "shell/shell.h"
#include "shell/vars.h"

#include <stdio.h>
#include <string.h>

struct nr_vars *sh_vars(struct shell *sh)
{
    if (!sh->vars && !(sh->vars = nr_vars_new()))
        cmd_error(sh, "out of memory");
    return sh->vars;
}

int sh_var_lookup(void *arg, const char *name, size_t len, const char **val, size_t *vlen,
                  char *err, size_t errlen)
{
    struct shell *sh = arg;
    static char id[24];
    int shown = (int)(len > 40 ? 40 : len);
    if (len == 1 && name[0] == '_') {
        if (!sh->last_id)
            return nr_err(err, errlen, "$_: no session has been created yet");
        snprintf(id, sizeof id, "%d", sh->last_id);
        *val = id;
        *vlen = strlen(id);
        return 0;
    }
    if ((*val = nr_vars_get(sh->vars, name, len, vlen)))
        return 0;
    if (len == 1 && name[0] >= '1' && name[0] <= '9')
        return nr_err(err, errlen, "$%c: not set (no expect has captured group %c)", name[0],
                      name[0]);
    return nr_err(err, errlen, "$%.*s: not set (see 'vars'; 'let %.*s = ...' sets it)", shown,
                  name, shown, name);
}

void sh_log_command(struct shell *sh, const struct nr_cmd *c, const char *text, size_t n)
{
    if (!c || !sh->interactive || sh->depth > 0 || (c->flags & (CMD_NO_SAVE | CMD_INTERACTIVE)))
        return;
    /* The command as typed, without the separator and blanks around it. */
    while (n && strchr(" \t\r\n;", text[n - 1]))
        n--;
    while (n && strchr(" \t\r\n;", text[0])) {
        text++;
        n--;
    }
    if (n && (nr_buf_add(&sh->log, text, n) < 0 || nr_buf_add(&sh->log, "\n", 1) < 0))
        cmd_error(sh, "out of memory (save will miss commands)");
}

void sh_vars_free(struct shell *sh)
{
    nr_vars_free(sh->vars);
    sh->vars = NULL;
    nr_buf_free(&sh->log);
}
