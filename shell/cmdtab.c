/* shell/cmdtab — the one sorted command table, dispatch, and running lines
 * and files through it. */
#include "shell/shell.h"
#include "lib/escape.h"
#include "lib/session.h"

#include <errno.h>
#include <stdlib.h>
#include <limits.h>
#include <stddef.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define NR_CMD(x) extern const struct nr_cmd x;
#include "cmds/list.h"
#undef NR_CMD

#define NR_CMD(x) &x,
static const struct nr_cmd *table[] = {
#include "cmds/list.h"
    NULL
};
#undef NR_CMD

enum { NCMDS = sizeof table / sizeof table[0] - 1, MAX_DEPTH = 16 };

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

static int name_cmp(const void *key, const void *elem)
{
    return strcmp(key, (*(const struct nr_cmd *const *)elem)->name);
}

/* Names by binary search over the sorted table (every script line looks
 * one up), then the few aliases. */
const struct nr_cmd *cmd_find(const char *name)
{
    const struct nr_cmd *const *all = cmd_all();
    const struct nr_cmd *const *c = bsearch(name, all, NCMDS, sizeof all[0], name_cmp);
    if (c)
        return *c;
    for (c = all; *c; c++)
        if ((*c)->alias && !strcmp((*c)->alias, name))
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

/* ---- usage and help, generated from the descriptor ---- */

static void pos_usage(const struct nr_pos *p, char *u, size_t n)
{
    size_t l = strlen(u);
    if (p->flags & POS_HIDDEN)
        return;
    l += (size_t)snprintf(u + l, n - l, " %s", p->flags & POS_OPTIONAL ? "[" : "");
    if (p->name)
        l += (size_t)snprintf(u + l, n - l, "%s", p->name);
    for (int i = 0; !p->name && p->values && p->values[i] && l < n; i++)
        l += (size_t)snprintf(u + l, n - l, "%s%s", i ? "|" : "", p->values[i]);
    if (l < n)
        snprintf(u + l, n - l, "%s%s", p->flags & POS_REPEAT ? "..." : "",
                 p->flags & POS_OPTIONAL ? "]" : "");
}

/* " [--timeout S]", or " [--echo|--daytime|--discard]" for a group. */
static void opt_usage(const struct nr_opt *opts, int i, char *u, size_t n)
{
    const struct nr_opt *o = &opts[i];
    for (int k = 0; k < i; k++)
        if (o->group && opts[k].group == o->group)
            return;   /* printed with the group's first member */
    size_t l = strlen(u);
    l += (size_t)snprintf(u + l, n - l, " [");
    for (int k = i; opts[k].name && l < n; k++) {
        if (k != i && (!o->group || opts[k].group != o->group))
            continue;
        l += (size_t)snprintf(u + l, n - l, "%s%s", k == i ? "" : "|", opts[k].name);
        if (opts[k].kind != OPT_FLAG && l < n)
            l += (size_t)snprintf(u + l, n - l, " %s", opts[k].arg ? opts[k].arg : "VALUE");
    }
    if (l < n)
        snprintf(u + l, n - l, "]");
}

const char *cmd_usage_line(const struct nr_cmd *c)
{
    static char usage[NCMDS][512];
    const struct nr_cmd *const *all = cmd_all();
    size_t k = 0;
    while (all[k] && all[k] != c)
        k++;
    if (!all[k])
        return c->name;
    char *u = usage[k];
    if (u[0])
        return u;
    const struct nr_pos *p = c->pos;
    bool or_id = p && (p->name || p->values) && (p->flags & POS_OR_ID);
    snprintf(u, sizeof usage[k], "%s%s%s", c->name, c->flags & CMD_ID ? " [ID" : "",
             or_id ? "|" : "");
    if (or_id) {
        for (int i = 0; p->values && p->values[i]; i++)
            snprintf(u + strlen(u), sizeof usage[k] - strlen(u), "%s%s", i ? "|" : "",
                     p->values[i]);
        p++;
    }
    if (c->flags & CMD_ID)
        snprintf(u + strlen(u), sizeof usage[k] - strlen(u), "]");
    for (; p && (p->name || p->values); p++)
        pos_usage(p, u, sizeof usage[k]);
    for (int i = 0; c->opts && c->opts[i].name; i++)
        opt_usage(c->opts, i, u, sizeof usage[k]);
    return u;
}

/* The help text before its first "Example:" line, and the examples. */
static size_t help_body_len(const char *h)
{
    const char *e = strstr(h, "Example:");
    while (e && e != h && e[-1] != '\n')
        e = strstr(e + 1, "Example:");
    return e ? (size_t)(e - h) : strlen(h);
}

static void help_option(struct shell *sh, const struct nr_opt *o)
{
    char names[64];
    snprintf(names, sizeof names, "%s%s%s%s%s", o->alias && o->alias[1] != '-' ? o->alias : "",
             o->alias && o->alias[1] != '-' ? ", " : "", o->name,
             o->alias && o->alias[1] == '-' ? ", " : "",
             o->alias && o->alias[1] == '-' ? o->alias : "");
    if (o->kind != OPT_FLAG) {
        size_t l = strlen(names);
        snprintf(names + l, sizeof names - l, " %s", o->arg ? o->arg : "VALUE");
    }
    out_obj_begin(sh, NULL);
    out_str(sh, "name", NULL, o->name);
    out_str(sh, "alias", NULL, o->alias);
    out_str(sh, "arg", NULL, o->kind == OPT_FLAG ? NULL : o->arg ? o->arg : "VALUE");
    out_lit(sh, NULL, "  %-16s", names);
    out_lit(sh, "help", " %s\n", o->help ? o->help : "");
    out_obj_end(sh);
}

int cmd_show_help(struct shell *sh, const struct nr_cmd *c)
{
    size_t body = help_body_len(c->help);
    out_begin(sh, "help");
    out_str(sh, "command", NULL, c->name);
    out_lit(sh, "usage", "usage: %s\n", cmd_usage_line(c));
    out_str(sh, "alias", NULL, c->alias);
    out_lit(sh, "summary", "%s\n", c->summary);
    out_str(sh, "help", NULL, c->help);
    out_text(sh, "%.*s", (int)body, c->help);
    if (c->opts && c->opts[0].name) {
        out_text(sh, "Options:\n");
        out_list_begin(sh, "options");
        for (const struct nr_opt *o = c->opts; o->name; o++)
            help_option(sh, o);
        out_list_end(sh);
    }
    out_text(sh, "%s", c->help + body);
    if (c->help[0] && c->help[strlen(c->help) - 1] != '\n')
        out_text(sh, "\n");
    out_end(sh);
    return CMD_OK;
}

/* ---- running one command ---- */

bool cmd_given(const struct cmd_call *c, const char *name)
{
    const struct nr_cmd *cmd = cmd_find(c->args->argv[0]);
    for (int i = 0; cmd && cmd->opts && cmd->opts[i].name && i < 64; i++)
        if (!strcmp(cmd->opts[i].name, name))
            return c->given >> i & 1;
    return false;
}

/* Positional arity from the descriptor: required words and the most taken. */
static void arity(const struct nr_cmd *c, int *min, int *max)
{
    *min = *max = 0;
    for (const struct nr_pos *p = c->pos; p && (p->name || p->values); p++) {
        if (!(p->flags & POS_OPTIONAL))
            ++*min;
        *max = (p->flags & POS_REPEAT) || *max == INT_MAX ? INT_MAX : *max + 1;
    }
}

static const char *first_required(const struct nr_cmd *c, int npos, char *buf, size_t n)
{
    int k = 0;
    for (const struct nr_pos *p = c->pos; p && (p->name || p->values); p++) {
        if (p->flags & POS_OPTIONAL)
            continue;
        if (k++ < npos)
            continue;
        if (p->name)
            return p->name;
        buf[0] = 0;
        for (int i = 0; p->values && p->values[i]; i++)
            snprintf(buf + strlen(buf), n - strlen(buf), "%s%s", i ? ", " : "", p->values[i]);
        return buf;
    }
    return "an argument";
}

/* The [ID] word, the arity, the session and the options' preconditions. */
static int preconditions(struct shell *sh, const struct nr_cmd *c, struct cmd_call *call,
                         const char **pos, size_t *poslen)
{
    if ((c->flags & CMD_ID) && call->npos > 0 && sess_is_id(pos[0]) &&
        strlen(pos[0]) == poslen[0] && (!c->id_first || c->id_first(sh, call))) {
        call->id_word = pos[0];
        call->pos = pos + 1;
        call->poslen = poslen + 1;
        call->npos--;
    }
    int min, max;
    char buf[128];
    arity(c, &min, &max);
    if (call->npos > max && max == 0 && (c->flags & CMD_ID) && !call->id_word)
        return cmd_error(sh, "%s: not a session id", call->pos[0]);
    if (call->npos > max)
        return cmd_usage(sh, "unexpected argument '%s'", call->pos[max]);
    if (call->npos < min && !(c->flags & CMD_ARITY_SELF))
        return cmd_usage(sh, "needs %s", first_required(c, call->npos, buf, sizeof buf));
    if ((c->flags & CMD_INTERACTIVE) && (!sh->interactive || !isatty(0)))
        return cmd_error(sh, "needs the interactive prompt on a terminal");
    if ((c->flags & CMD_SESSION) || ((c->flags & CMD_ID) && call->id_word)) {
        if (!sh_sessions(sh) || !(call->s = sess_arg(sh, call->id_word)))
            return CMD_FAIL;
    }
    for (int i = 0; c->opts && c->opts[i].name && i < 64 && call->s; i++) {
        const struct nr_opt *o = &c->opts[i];
        bool stream = nr_sess_is_stream(call->s);
        if ((call->given >> i & 1) && (o->flags & OPTF_STREAM) && !stream)
            return cmd_usage(sh, "%s is for streams; [%d] is %s (datagrams)", o->name,
                             nr_sess_id(call->s), nr_sess_proto(call->s));
        if ((call->given >> i & 1) && (o->flags & OPTF_DGRAM) && stream)
            return cmd_usage(sh, "%s is for datagram sockets; [%d] is %s (a stream)", o->name,
                             nr_sess_id(call->s), nr_sess_proto(call->s));
    }
    return CMD_OK;
}

enum { OPTS_MAX = 1024 };

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
    _Alignas(max_align_t) unsigned char opts[OPTS_MAX];
    size_t room = (size_t)a->argc + 1;
    void *small[2 * 32];   /* most commands: no allocation */
    const char **pos = room <= 32 ? (const char **)small
                     : malloc(room * (sizeof *pos + sizeof(size_t)));
    if (!pos || c->opts_size > sizeof opts) {
        if (pos != (const char **)small)
            free(pos);
        return cmd_error(sh, "out of memory");
    }
    size_t *poslen = (size_t *)(pos + room);
    memset(opts, 0, sizeof opts);
    if (c->opts_init)
        memcpy(opts, c->opts_init, c->opts_size);
    struct cmd_call call = { .args = a, .pos = pos, .poslen = poslen, .opts = opts };
    int r = opt_split(sh, c, a, &call, pos, poslen) < 0 ? CMD_FAIL
          : preconditions(sh, c, &call, pos, poslen);
    if (r == CMD_OK)
        r = c->run(sh, &call);
    sh_trace_flush(sh);   /* a command boundary: what the trace saw, in order */
    if (pos != (const char **)small)
        free(pos);
    sh->cmd = NULL;
    return r;
}

static void xtrace(struct shell *sh, const char *line, size_t n)
{
    if (!sh->xtrace || sh->json)
        return;
    while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        n--;
    /* The line as written, but never a raw control or bidi character. */
    struct nr_buf b = { 0 };
    if (nr_escape_text(line, n, NR_ESC_KEEP_BSLASH, &b) == 0 && b.p)
        printf("netrepl> %s\n", (const char *)b.p);
    nr_buf_free(&b);
}

/* The command word of text, for errors before it could be tokenized. */
static const char *command_word(const char *text, size_t n, char *buf, size_t len)
{
    size_t i = strspn(text, " \t\r;\n"), k = 0;
    while (i < n && k + 1 < len && ((text[i] >= 'a' && text[i] <= 'z') || text[i] == '-'))
        buf[k++] = text[i++];
    buf[k] = 0;
    return k && cmd_find(buf) ? buf : "netrepl";
}

/* Runs the commands of a line tokenized whole (no variable in it), as
 * sh_run_line does; frees cl. */
static int run_all(struct shell *sh, struct nr_cmdline *cl, bool numbered)
{
    int r = CMD_OK;
    for (size_t i = 0; i < cl->n && r != CMD_QUIT && !sh->quit; i++) {
        if (numbered)
            sh->line = (long)i + 1;
        int ri = cmd_run(sh, &cl->cmd[i]);
        if (ri == CMD_QUIT)
            r = CMD_QUIT;
        else if (ri == CMD_FAIL) {
            r = CMD_FAIL;
            if (!sh->keep_going)
                break;
        }
    }
    nr_cmdline_free(cl);
    return r;
}

/* The line is checked whole first (an unterminated quote anywhere runs
 * nothing), then each command is tokenized just before it runs, so $_ and
 * $NAME are what the commands before it on the line made them. */
int sh_run_line(struct shell *sh, const char *line, size_t n)
{
    char err[NR_ERRLEN], word[32];
    struct nr_cmdline cl;
    sh->interrupted = 0;
    xtrace(sh, line, n);
    if (n - (n && line[n - 1] == '\n') > SH_LINE_MAX) {
        sh->cmd = "netrepl";
        return cmd_error(sh, "line too long (more than %d bytes)", SH_LINE_MAX);
    }
    if (nr_tokenize_vars(line, n, NULL, NULL, NULL, &cl, err, sizeof err) < 0) {
        sh->cmd = "syntax";
        return cmd_error(sh, "%s", err);
    }
    /* -c 'CMD; CMD': one line, so errors name the command's number instead. */
    bool numbered = sh->depth == 0 && sh->src && !strcmp(sh->src, "-c");
    if (!sh->interactive && !memchr(line, '$', n))
        return run_all(sh, &cl, numbered);   /* nothing to expand: tokenized once */
    size_t ncmds = cl.n;
    nr_cmdline_free(&cl);
    int r = CMD_OK;
    for (size_t off = 0, used, i = 0; i < ncmds && off < n && r != CMD_QUIT && !sh->quit;
         off += used) {
        if (numbered)
            sh->line = (long)i + 1;
        int ri, t = nr_tokenize_vars(line + off, n - off, &used, sh_var_lookup, sh, &cl, err,
                                     sizeof err);
        if (t < 0) {
            sh->cmd = t == -2 ? command_word(line + off, n - off, word, sizeof word) : "syntax";
            ri = cmd_error(sh, "%s", err);
            i++;
            /* Skip only this command: where it ends, as the syntax check saw it. */
            if (t != -2 || nr_tokenize_vars(line + off, n - off, &used, NULL, NULL, &cl, err,
                                            sizeof err) < 0)
                used = n - off;
            else
                nr_cmdline_free(&cl);
        } else {
            ri = cl.n ? cmd_run(sh, &cl.cmd[0]) : CMD_OK;
            if (ri == CMD_OK && cl.n)
                sh_log_command(sh, cmd_find(cl.cmd[0].argv[0]), line + off, used);
            i += cl.n;
            nr_cmdline_free(&cl);
        }
        if (ri == CMD_QUIT)
            r = CMD_QUIT;
        else if (ri == CMD_FAIL) {
            r = CMD_FAIL;
            if (!sh->interactive && !sh->keep_going)
                break;
        }
    }
    return r;
}

int sh_run_file(struct shell *sh, const char *path)
{
    if (sh->depth >= MAX_DEPTH)
        return cmd_error(sh, "%s: nested too deeply (at most %d levels)", path, MAX_DEPTH);
    FILE *f = sh_open_lines(sh, "", path);
    if (!f)
        return CMD_FAIL;
    const char *osrc = sh->src;
    long oline = sh->line;
    sh->src = path;
    sh->line = 0;
    sh->depth++;
    struct nr_buf buf = { 0 };
    int n, r = CMD_OK;
    while (r != CMD_QUIT && !sh->quit && !sh->interrupted && (n = sh_read_line(f, &buf)) != 0) {
        sh->line++;
        int ri;
        if (n == -2) {
            cmd_error(sh, "%s: %s", path, strerror(errno));
            r = CMD_FAIL;
            break;
        }
        if (n == -1) {
            const char *ocmd = sh->cmd;
            sh->cmd = "netrepl";
            ri = cmd_error(sh, "line too long (more than %d bytes)", SH_LINE_MAX);
            sh->cmd = ocmd;
        } else {
            ri = sh_run_line(sh, (const char *)buf.p, buf.len);
        }
        if (ri == CMD_QUIT)
            r = CMD_QUIT;
        else if (ri == CMD_FAIL) {
            r = CMD_FAIL;
            if (!sh->keep_going)
                break;
        }
    }
    nr_buf_free(&buf);
    fclose(f);
    sh->depth--;
    sh->src = osrc;
    sh->line = oline;
    return r;
}
