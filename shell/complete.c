/* shell/complete — Tab completion generated from the command table: the
 * command name first, then for each word what the descriptor says goes
 * there: option names (after '-' or '+'), an option's enum values or file
 * names after it, and per positional argument its enum words, session ids,
 * record types (lookup's words, then every type of lib/dnstype), service
 * names (after host:) or file names. */
#include "shell/repl.h"
#include "lib/dnstype.h"
#include "lib/lookup.h"
#include "lib/service.h"
#include "lib/session.h"

#include <readline/readline.h>
#include <stdlib.h>
#include <string.h>

/* Words of the current command before `start` (quotes are not undone: a
 * completion sees what was typed). */
enum { MAXW = 64 };
struct words {
    int n;
    char *w[MAXW];
};

static void words_split(const char *line, int start, struct words *ws)
{
    int begin = 0;
    ws->n = 0;
    for (int i = 0; i < start; i++)
        if (line[i] == ';')
            begin = i + 1;
    for (int i = begin; i < start && ws->n < MAXW;) {
        while (i < start && (line[i] == ' ' || line[i] == '\t'))
            i++;
        if (i >= start)
            break;
        int w0 = i;
        while (i < start && line[i] != ' ' && line[i] != '\t')
            i++;
        ws->w[ws->n++] = strndup(line + w0, (size_t)(i - w0));
    }
}

static void words_free(struct words *ws)
{
    for (int i = 0; i < ws->n; i++)
        free(ws->w[i]);
}

struct sink {
    void (*add)(void *arg, const char *w);
    void *arg;
    const char *prefix;   /* POS_SERVICE: "host:" before the service name */
};

static struct sink *cur;   /* for callbacks that take no argument */

static void add_word(const char *w)
{
    if (!cur->prefix) {
        cur->add(cur->arg, w);
        return;
    }
    char buf[256];
    snprintf(buf, sizeof buf, "%s%s", cur->prefix, w);
    cur->add(cur->arg, buf);
}

static void add_service(void *arg, const char *name, const char *proto, uint16_t port)
{
    add_word(name);
}

/* A record type ldns names that is not one of lookup's own words (a, mx,
 * host… come first, from lib/lookup.c). */
static void add_rrtype(void *arg, const char *name, uint16_t type)
{
    for (size_t i = 0; nr_qtype_word(i); i++)
        if (!strcmp(nr_qtype_word(i), name))
            return;
    add_word(name);
}

static void add_values(const char *const *v)
{
    for (int i = 0; v && v[i]; i++)
        add_word(v[i]);
}

static void add_sessions(struct shell *sh)
{
    if (!sh || !sh->sessions)
        return;
    for (size_t i = 0; i < nr_sess_count(sh->sessions); i++) {
        char id[16];
        snprintf(id, sizeof id, "%d", nr_sess_id(nr_sess_at(sh->sessions, i)));
        add_word(id);
    }
}

static const struct nr_opt *opt_named(const struct nr_opt *opts, const char *w)
{
    for (const struct nr_opt *o = opts; o && o->name; o++)
        if (!strcmp(o->name, w) || (o->alias && !strcmp(o->alias, w)))
            return o;
    return NULL;
}

/* The positional spec for word k (0-based, [ID] excluded), or NULL. */
static const struct nr_pos *pos_at(const struct nr_cmd *c, int k)
{
    const struct nr_pos *last = NULL;
    for (const struct nr_pos *p = c->pos; p && (p->name || p->values); p++, k--) {
        if (k == 0)
            return p;
        last = p;
        if (p->flags & POS_REPEAT)
            return last;
    }
    return NULL;
}

/* Returns true when file names should be offered. */
static bool complete_pos(struct shell *sh, const struct nr_pos *p, const char *text)
{
    switch (p->kind) {
    case POS_PATH:
        return true;
    case POS_COMMAND:
        for (const struct nr_cmd *const *k = cmd_all(); *k; k++)
            add_word((*k)->name);
        break;
    case POS_SESSION:
        add_sessions(sh);
        break;
    case POS_RTYPE:
        for (size_t i = 0; nr_qtype_word(i); i++)
            add_word(nr_qtype_word(i));
        nr_rrtype_each(add_rrtype, NULL);
        break;
    case POS_SERVICE: {
        const char *colon = strrchr(text, ':');
        if (colon && text[0] != '/' && text[0] != '@') {
            char pre[256];
            snprintf(pre, sizeof pre, "%.*s", (int)(colon - text + 1), text);
            cur->prefix = pre;
            nr_service_each(NULL, add_service, NULL);
            cur->prefix = NULL;
        }
        break;
    }
    case POS_WORD:
    case POS_ENUM:
        break;
    }
    add_values(p->values);
    return false;
}

/* Candidates for `text`, the word after ws (ws->w[0] is the command).
 * Returns true when file names should be offered as well. */
static bool complete_args(struct shell *sh, const struct nr_cmd *c, const struct words *ws,
                          const char *text)
{
    const char *prev = ws->n > 1 ? ws->w[ws->n - 1] : NULL;
    const struct nr_opt *po = prev && !(c->flags & CMD_RAW_ARGS) ? opt_named(c->opts, prev) : NULL;
    if (po && po->kind != OPT_FLAG) {   /* the option's value */
        add_values(po->values);
        if (po->kind == OPT_SESSION)
            add_sessions(sh);
        return po->kind == OPT_PATH;
    }
    if ((text[0] == '-' || text[0] == '+') && !(c->flags & CMD_RAW_ARGS)) {
        for (const struct nr_opt *o = c->opts; o && o->name; o++) {
            add_word(o->name);
            if (o->alias)
                add_word(o->alias);
        }
        return false;
    }
    /* The positional words typed so far, options and their values skipped. */
    const char *pw[MAXW];
    int np = 0;
    for (int i = 1; i < ws->n; i++) {
        const struct nr_opt *o = (c->flags & CMD_RAW_ARGS) ? NULL : opt_named(c->opts, ws->w[i]);
        if (o) {
            i += o->kind != OPT_FLAG;
            continue;
        }
        pw[np++] = ws->w[i];
    }
    bool files = false;
    int k = np;
    if (c->flags & CMD_ID) {
        if (np == 0)
            add_sessions(sh);
        else if (sess_is_id(pw[0]))
            k--;
    }
    const struct nr_pos *p = pos_at(c, k);
    if (p)
        files = complete_pos(sh, p, text);
    if (c->complete)
        c->complete(sh, np, pw, np, add_word);
    return files;
}

void cmd_complete(struct shell *sh, const char *line, int start, const char *text,
                  void (*add)(void *arg, const char *w), void *arg, bool *files)
{
    struct words ws;
    struct sink s = { add, arg, NULL };
    cur = &s;
    *files = false;
    words_split(line, start, &ws);
    if (ws.n == 0) {
        for (const struct nr_cmd *const *c = cmd_all(); *c; c++) {
            add_word((*c)->name);
            if ((*c)->alias)
                add_word((*c)->alias);
        }
    } else {
        const struct nr_cmd *c = cmd_find(ws.w[0]);
        if (c)
            *files = complete_args(sh, c, &ws, text);
    }
    words_free(&ws);
    cur = NULL;
}

/* ---- readline glue ---- */

static char **cands;
static size_t ncands, capcands;

static void cand_add(void *arg, const char *w)
{
    if (ncands == capcands) {
        size_t cap = capcands ? capcands * 2 : 32;
        char **c = realloc(cands, cap * sizeof *c);
        if (!c)
            return;
        cands = c;
        capcands = cap;
    }
    char *d = strdup(w);
    if (d)
        cands[ncands++] = d;
}

static void cand_clear(void)
{
    for (size_t i = 0; i < ncands; i++)
        free(cands[i]);
    ncands = 0;
}

static char *gen(const char *text, int state)
{
    static size_t i, len;
    if (!state) {
        i = 0;
        len = strlen(text);
    }
    while (i < ncands) {
        const char *c = cands[i++];
        if (!strncmp(c, text, len))
            return strdup(c);
    }
    return NULL;
}

char **repl_complete(const char *text, int start, int end)
{
    bool files;
    rl_attempted_completion_over = 1;
    cand_clear();
    cmd_complete(repl_shell(), rl_line_buffer, start, text, cand_add, NULL, &files);
    if (files) {
        rl_attempted_completion_over = 0;   /* fall back to file names */
        if (!ncands)
            return NULL;
    }
    return rl_completion_matches(text, gen);
}
