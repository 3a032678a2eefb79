/* shell/complete — Tab completion from the command table: command names in
 * the first word, then each command's sub-words and options, session ids,
 * command names for help, and file names where a command takes a file. */
#include "shell/repl.h"
#include "lib/service.h"
#include "lib/session.h"

#include <readline/readline.h>
#include <stdlib.h>
#include <string.h>

static char **cands;
static size_t ncands, capcands;

static void cand_add(const char *w)
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

/* Words of the current command before the cursor: the command name and
 * how many words precede the one being completed. */
static int current_words(int start, char *name, size_t n)
{
    const char *line = rl_line_buffer;
    int begin = 0;
    for (int i = 0; i < start; i++)
        if (line[i] == ';')
            begin = i + 1;
    int words = 0;
    name[0] = 0;
    for (int i = begin; i < start;) {
        while (i < start && (line[i] == ' ' || line[i] == '\t'))
            i++;
        if (i >= start)
            break;
        int w0 = i;
        while (i < start && line[i] != ' ' && line[i] != '\t')
            i++;
        if (words == 0)
            snprintf(name, n, "%.*s", i - w0, line + w0);
        words++;
    }
    return words;
}

struct svc_add {
    void (*add)(const char *);
};

static void add_service(void *arg, const char *name, const char *proto, uint16_t port)
{
    ((struct svc_add *)arg)->add(name);
}

/* Candidates that depend on live state or system tables. */
static void complete_dynamic(struct shell *sh, unsigned what, void (*add)(const char *))
{
    if ((what & CMD_COMPLETE_SESSIONS) && sh && sh->sessions) {
        for (size_t i = 0; i < nr_sess_count(sh->sessions); i++) {
            char id[16];
            snprintf(id, sizeof id, "%d", nr_sess_at(sh->sessions, i)->id);
            add(id);
        }
    }
    if (what & CMD_COMPLETE_SERVICES) {
        struct svc_add sa = { add };
        nr_service_each(NULL, add_service, &sa);
    }
}

char **repl_complete(const char *text, int start, int end)
{
    char name[64];
    int words = current_words(start, name, sizeof name);
    rl_attempted_completion_over = 1;
    cand_clear();
    if (words == 0) {
        for (const struct nr_cmd *const *c = cmd_all(); *c; c++) {
            cand_add((*c)->name);
            if ((*c)->alias)
                cand_add((*c)->alias);
        }
        return rl_completion_matches(text, gen);
    }
    const struct nr_cmd *c = cmd_find(name);
    if (!c)
        return NULL;
    for (const char *const *w = c->words; w && *w; w++)
        cand_add(*w);
    if (c->complete & CMD_COMPLETE_COMMANDS)
        for (const struct nr_cmd *const *k = cmd_all(); *k; k++)
            cand_add((*k)->name);
    complete_dynamic(repl_shell(), c->complete, cand_add);
    if ((c->complete & CMD_COMPLETE_FILES) && text[0] != '-') {
        rl_attempted_completion_over = 0;   /* fall back to file names */
        if (!ncands)
            return NULL;
    }
    return rl_completion_matches(text, gen);
}
