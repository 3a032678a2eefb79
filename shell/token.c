/* shell/token — tokenizer for the command language (see token.h). */
#include "shell/token.h"
#include "lib/util.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static int hexv(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

size_t nr_unescape_one(const char *s, size_t n, unsigned char *out)
{
    if (n == 0)
        return 0;
    switch (s[0]) {
    case 'n': *out = '\n'; return 1;
    case 'r': *out = '\r'; return 1;
    case 't': *out = '\t'; return 1;
    case '0': *out = '\0'; return 1;
    case 'a': *out = '\a'; return 1;
    case 'e': *out = 0x1b; return 1;
    case '\\': case '"': case '\'': case ' ': case ';': case '#': case '$':
        *out = (unsigned char)s[0];
        return 1;
    case 'x':
        if (n >= 3 && hexv(s[1]) >= 0 && hexv(s[2]) >= 0) {
            *out = (unsigned char)(hexv(s[1]) << 4 | hexv(s[2]));
            return 3;
        }
        return 0;
    default:
        return 0;
    }
}

/* Bytes that end a run of ordinary ones: blanks, separators, quotes,
 * escapes, '$' and NUL. */
static bool special(unsigned char c)
{
    switch (c) {
    case ' ': case '\t': case '\r': case ';': case '\n': case '\'': case '"': case '\\':
    case '$': case '\0':
        return true;
    default:
        return false;
    }
}

struct tok {
    struct nr_cmdline *cl;
    nr_var_fn var;   /* $NAME lookup; NULL: a syntax check (expands to nothing) */
    void *var_arg;
    bool unset;      /* the lookup failed (err names the variable) */
    bool one;        /* stop after the first command */
    size_t used;     /* one: the input it took */
    struct nr_args cur;
    int cap;
    struct nr_buf word;
    int in_word;
};

static int push_word(struct tok *t)
{
    if (!t->in_word)
        return 0;
    if (t->cur.argc + 2 > t->cap) {
        int cap = t->cap ? t->cap * 2 : 8;
        char **a = realloc(t->cur.argv, (size_t)cap * sizeof *a);
        if (!a)
            return -1;
        t->cur.argv = a;
        size_t *l = realloc(t->cur.len, (size_t)cap * sizeof *l);
        if (!l)
            return -1;
        t->cur.len = l;
        t->cap = cap;
    }
    char *w = malloc(t->word.len + 1);
    if (!w)
        return -1;
    if (t->word.len)
        memcpy(w, t->word.p, t->word.len);
    w[t->word.len] = 0;
    t->cur.len[t->cur.argc] = t->word.len;
    t->cur.argv[t->cur.argc++] = w;
    t->cur.argv[t->cur.argc] = NULL;
    t->word.len = 0;
    t->in_word = 0;
    return 0;
}

static void free_args(struct nr_args *a)
{
    for (int i = 0; i < a->argc; i++)
        free(a->argv[i]);
    free(a->argv);
    free(a->len);
    memset(a, 0, sizeof *a);
}

static int push_cmd(struct tok *t)
{
    if (push_word(t) < 0)
        return -1;
    if (t->cur.argc == 0)
        return 0;
    struct nr_cmdline *cl = t->cl;
    struct nr_args *c = realloc(cl->cmd, (cl->n + 1) * sizeof *c);
    if (!c)
        return -1;
    cl->cmd = c;
    cl->cmd[cl->n++] = t->cur;
    memset(&t->cur, 0, sizeof t->cur);
    t->cap = 0;
    return 0;
}

static int add(struct tok *t, const void *p, size_t n)
{
    t->in_word = 1;
    return nr_buf_add(&t->word, p, n);
}

/* Handles '\\' at s[*i]; appends the decoded byte. */
static int escape(struct tok *t, const char *s, size_t n, size_t *i, char *err, size_t errlen)
{
    unsigned char b;
    size_t used = nr_unescape_one(s + *i + 1, n - *i - 1, &b);
    if (!used) {
        /* The line's own end (a script line keeps its "\n") is no escape. */
        if (*i + 1 >= n || s[*i + 1] == '\n' || s[*i + 1] == '\r')
            return nr_err(err, errlen, "trailing backslash");
        if (s[*i + 1] == 'x')
            return nr_err(err, errlen, "a backslash-x escape needs two hex digits");
        return nr_err(err, errlen, "unknown escape '%c' after a backslash", s[*i + 1]);
    }
    *i += used + 1;
    return add(t, &b, 1);
}

static bool name_start(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool name_char(char c)
{
    return name_start(c) || (c >= '0' && c <= '9');
}

/* Length of the variable reference at s[i] == '$' ($NAME, ${NAME}, $1), 0
 * when the '$' is an ordinary byte; *name, *nlen get the name. -1 for a bad
 * ${...}. */
static long var_ref(const char *s, size_t n, size_t i, const char **name, size_t *nlen,
                    char *err, size_t errlen)
{
    size_t j = i + 1;
    if (j < n && s[j] >= '1' && s[j] <= '9') {
        *name = s + j;
        *nlen = 1;
        return 2;
    }
    if (j < n && name_start(s[j])) {
        while (j < n && name_char(s[j]))
            j++;
        *name = s + i + 1;
        *nlen = j - i - 1;
        return (long)(j - i);
    }
    if (j >= n || s[j] != '{')
        return 0;
    const char *end = memchr(s + j, '}', n - j);
    if (!end)
        return nr_err(err, errlen, "unterminated ${");
    *name = s + j + 1;
    *nlen = (size_t)(end - *name);
    bool digit = *nlen == 1 && s[j + 1] >= '1' && s[j + 1] <= '9';
    bool ok = *nlen && name_start(s[j + 1]);
    for (size_t k = 1; ok && k < *nlen; k++)
        ok = name_char((*name)[k]);
    if (!ok && !digit)
        return nr_err(err, errlen, "${%.*s}: not a variable name", (int)(*nlen > 40 ? 40 : *nlen),
                      *name);
    return (long)(end - s - i) + 1;
}

/* A '$' at s[*i]: appends the variable's value (or the '$' itself). */
static int dollar(struct tok *t, const char *s, size_t n, size_t *i, char *err, size_t errlen)
{
    const char *name = NULL, *val;
    size_t nlen = 0, vlen;
    long used = var_ref(s, n, *i, &name, &nlen, err, errlen);
    if (used < 0)
        return -1;
    if (used == 0) {
        ++*i;
        return add(t, "$", 1);
    }
    *i += (size_t)used;
    if (!t->var) {
        t->in_word = 1;
        return 0;
    }
    if (t->var(t->var_arg, name, nlen, &val, &vlen, err, errlen) < 0) {
        t->unset = true;
        return -1;
    }
    return add(t, val, vlen);
}

/* A "double-quoted" part of a word starting at s[*i]: escapes and $_. */
static int dquote(struct tok *t, const char *s, size_t n, size_t *i, char *err, size_t errlen)
{
    t->in_word = 1;
    for (++*i;;) {
        if (*i >= n)
            return nr_err(err, errlen, "unterminated double quote");
        if (s[*i] == '"') {
            ++*i;
            return 0;
        }
        if (s[*i] == '\0')
            return nr_err(err, errlen, "NUL byte in input at column %zu", *i + 1);
        int r;
        if (s[*i] == '\\') {
            r = escape(t, s, n, i, err, errlen);
        } else if (s[*i] == '$') {
            r = dollar(t, s, n, i, err, errlen);
        } else {
            r = add(t, s + *i, 1);
            ++*i;
        }
        if (r < 0)
            return -1;
    }
}

static int scan(struct tok *t, const char *s, size_t n, char *err, size_t errlen)
{
    size_t i = 0;
    while (i < n) {
        char c = s[i];
        if (c == '\0')
            return nr_err(err, errlen, "NUL byte in input at column %zu", i + 1);
        if (c == ' ' || c == '\t' || c == '\r') {
            if (push_word(t) < 0)
                return nr_err(err, errlen, "out of memory");
            i++;
        } else if (c == ';' || c == '\n') {   /* a pasted newline separates too */
            if (push_cmd(t) < 0)
                return nr_err(err, errlen, "out of memory");
            i++;
            if (t->one && t->cl->n) {
                t->used = i;
                return 0;
            }
        } else if (c == '#' && !t->in_word) {
            const char *nl = memchr(s + i, '\n', n - i);
            if (!nl) {
                t->used = n;
                return 0;
            }
            i = (size_t)(nl - s);
        } else if (c == '\'') {
            const char *end = memchr(s + i + 1, '\'', n - i - 1);
            if (!end)
                return nr_err(err, errlen, "unterminated single quote");
            if (add(t, s + i + 1, (size_t)(end - s - i - 1)) < 0)
                return nr_err(err, errlen, "out of memory");
            i = (size_t)(end - s) + 1;
        } else if (c == '"') {
            if (dquote(t, s, n, &i, err, errlen) < 0)
                return -1;
        } else if (c == '\\') {
            if (escape(t, s, n, &i, err, errlen) < 0)
                return -1;
        } else if (c == '$') {
            if (dollar(t, s, n, &i, err, errlen) < 0)
                return -1;
        } else {
            /* A run of ordinary bytes is added at once (it also stops at
             * NUL, reported by the next round). */
            size_t j = i + 1;
            while (j < n && !special((unsigned char)s[j]))
                j++;
            if (add(t, s + i, j - i) < 0)
                return nr_err(err, errlen, "out of memory");
            i = j;
        }
    }
    t->used = n;
    return 0;
}

int nr_tokenize_vars(const char *s, size_t n, size_t *used, nr_var_fn var, void *arg,
                     struct nr_cmdline *out, char *err, size_t errlen)
{
    struct tok t;
    memset(&t, 0, sizeof t);
    memset(out, 0, sizeof *out);
    t.cl = out;
    t.one = used != NULL;
    t.var = var;
    t.var_arg = arg;
    int r = scan(&t, s, n, err, errlen);
    if (used)
        *used = t.used;
    if (r == 0 && push_cmd(&t) < 0)
        r = nr_err(err, errlen, "out of memory");
    free_args(&t.cur);
    nr_buf_free(&t.word);
    if (r < 0) {
        nr_cmdline_free(out);
        if (t.unset)
            r = -2;
    }
    return r;
}

/* The lookup of the last_id interface: $_ only. */
static int last_id_var(void *arg, const char *name, size_t len, const char **val,
                       size_t *vlen, char *err, size_t errlen)
{
    if (len == 1 && name[0] == '_' && arg) {
        *val = arg;
        *vlen = strlen(arg);
        return 0;
    }
    if (len == 1 && name[0] == '_')
        return nr_err(err, errlen, "$_: no session has been created yet");
    return nr_err(err, errlen, "$%.*s: not set", (int)(len > 40 ? 40 : len), name);
}

int nr_tokenize(const char *s, size_t n, const char *last_id,
                struct nr_cmdline *out, char *err, size_t errlen)
{
    return nr_tokenize_vars(s, n, NULL, last_id_var, (void *)last_id, out, err, errlen) < 0
               ? -1 : 0;
}

int nr_tokenize_one(const char *s, size_t n, size_t *used, const char *last_id,
                    struct nr_cmdline *out, char *err, size_t errlen)
{
    return nr_tokenize_vars(s, n, used, last_id_var, (void *)last_id, out, err, errlen) < 0
               ? -1 : 0;
}

void nr_cmdline_free(struct nr_cmdline *cl)
{
    for (size_t i = 0; i < cl->n; i++)
        free_args(&cl->cmd[i]);
    free(cl->cmd);
    memset(cl, 0, sizeof *cl);
}
