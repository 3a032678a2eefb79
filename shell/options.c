/* shell/options — parses a command's words against its descriptor: options
 * from the option table (typed, range-checked, exclusive groups), the [ID]
 * word, positional arity. Every error goes through cmd_usage/cmd_error, so
 * it is one line naming the command, the option and the value. */
#include "shell/shell.h"

#include <stdint.h>
#include <string.h>

static const struct nr_opt *opt_find(const struct nr_opt *opts, const char *w, size_t n)
{
    for (const struct nr_opt *o = opts; o && o->name; o++) {
        if ((strlen(o->name) == n && !strncmp(o->name, w, n)) ||
            (o->alias && strlen(o->alias) == n && !strncmp(o->alias, w, n)))
            return o;
    }
    return NULL;
}

/* Where a glued value starts: "--name=value", and dig's "+name=value". */
static const char *opt_eq(const char *w)
{
    return (w[0] == '-' && w[1] == '-') || w[0] == '+' ? strchr(w, '=') : NULL;
}

/* "-" alone and negative numbers are positional words, unless the table
 * declares them as options (ping's -4 and -6). */
static bool is_option(const struct nr_opt *opts, const char *w)
{
    const char *eq = opt_eq(w);
    if (opt_find(opts, w, eq ? (size_t)(eq - w) : strlen(w)))
        return true;
    return w[0] == '-' && w[1] && !(w[1] >= '0' && w[1] <= '9') && w[1] != '.';
}

static int opt_enum(struct shell *sh, const struct nr_opt *o, const char *v, int *out)
{
    for (int i = 0; o->values[i]; i++) {
        if (!strcmp(o->values[i], v)) {
            *out = i;
            return 0;
        }
    }
    char list[256] = "";
    for (int i = 0; o->values[i]; i++)
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "",
                 o->values[i]);
    return cmd_usage(sh, "%s %s: expected one of %s", o->name, v, list), -1;
}

static int opt_value(struct shell *sh, const struct nr_opt *o, const char *v, size_t vlen,
                     void *opts)
{
    char err[NR_ERRLEN];
    void *out = (char *)opts + o->off;
    if (o->kind != OPT_FLAG && strlen(v) != vlen)
        return cmd_usage(sh, "%s: the value holds a NUL byte", o->name), -1;
    switch (o->kind) {
    case OPT_FLAG:
        *(bool *)out = true;
        return 0;
    case OPT_STR:
    case OPT_PATH:
        *(const char **)out = v;
        return 0;
    case OPT_INT:
        if (nr_parse_ll(v, (long long)o->min, (long long)o->max, (long long *)out, err,
                        sizeof err) < 0)
            return cmd_usage(sh, "%s %s: %s", o->name, v, err), -1;
        return 0;
    case OPT_NUM:
        if (nr_parse_double(v, o->min, o->max, (double *)out, err, sizeof err) < 0)
            return cmd_usage(sh, "%s %s: %s", o->name, v, err), -1;
        return 0;
    case OPT_SECONDS:
        if (nr_parse_seconds(v, o->max, (int64_t *)out, err, sizeof err) < 0)
            return cmd_usage(sh, "%s %s: %s", o->name, v, err), -1;
        if (*(int64_t *)out < (int64_t)(o->min * 1e6))
            return cmd_usage(sh, "%s %s: below %g seconds", o->name, v, o->min), -1;
        return 0;
    case OPT_ENUM:
        return opt_enum(sh, o, v, (int *)out);
    case OPT_SESSION: {
        long long id;
        const char *d = v + (*v == '[');
        if (!sess_is_id(v) || nr_parse_ll(strndupa(d, strcspn(d, "]")), 1, 1 << 30, &id,
                                          NULL, 0) < 0)
            return cmd_usage(sh, "%s %s: not a session id", o->name, v), -1;
        *(int *)out = (int)id;
        return 0;
    }
    }
    return -1;
}

/* A value glued to a short option, as iputils takes it: "-c3", "-W0.5". */
static const struct nr_opt *opt_glued(const struct nr_opt *opts, const char *w)
{
    if (w[0] != '-' || w[1] == '-' || strlen(w) < 3)
        return NULL;
    const struct nr_opt *o = opt_find(opts, w, 2);
    return o && o->kind != OPT_FLAG ? o : NULL;
}

static int group_check(struct shell *sh, const struct nr_opt *opts, unsigned long long given,
                       const struct nr_opt *o)
{
    if (!o->group)
        return 0;
    for (int i = 0; opts[i].name; i++) {
        if (&opts[i] != o && opts[i].group == o->group && (given >> i & 1))
            return cmd_usage(sh, "%s and %s exclude each other", opts[i].name, o->name), -1;
    }
    return 0;
}

/* One option word at argv[*i] (the value may follow). */
static int take_option(struct shell *sh, const struct nr_cmd *c, const struct nr_args *a,
                       int *i, struct cmd_call *call)
{
    const char *w = a->argv[*i];
    const char *eq = opt_eq(w);
    size_t n = eq ? (size_t)(eq - w) : strlen(w);
    const struct nr_opt *o = opt_find(c->opts, w, n);
    const char *v = NULL;
    size_t vlen = 0;
    if (!o && (o = opt_glued(c->opts, w))) {
        v = w + 2;
        vlen = a->len[*i] - 2;
    } else if (!o) {
        return cmd_usage(sh, "unknown option '%.*s'", (int)n, w), -1;
    } else if (o->kind != OPT_FLAG) {
        if (eq) {
            v = eq + 1;
            vlen = a->len[*i] - n - 1;
        } else if (*i + 1 < a->argc) {
            ++*i;
            v = a->argv[*i];
            vlen = a->len[*i];
        } else {
            return cmd_usage(sh, "%s needs a value (%s)", o->name, o->arg ? o->arg : "VALUE"), -1;
        }
    } else if (eq) {
        return cmd_usage(sh, "%s takes no value", o->name), -1;
    }
    int idx = (int)(o - c->opts);
    if (group_check(sh, c->opts, call->given, o) < 0 || opt_value(sh, o, v, vlen, call->opts) < 0)
        return -1;
    if (idx < 64)
        call->given |= 1ULL << idx;
    return 0;
}

int opt_split(struct shell *sh, const struct nr_cmd *c, const struct nr_args *a,
              struct cmd_call *call, const char **pos, size_t *poslen)
{
    bool ended = c->flags & CMD_RAW_ARGS;
    call->npos = 0;
    for (int i = 1; i < a->argc; i++) {
        const char *w = a->argv[i];
        if (!ended && !strcmp(w, "--")) {
            ended = true;
            continue;
        }
        if (ended || !is_option(c->opts, w)) {
            poslen[call->npos] = a->len[i];
            pos[call->npos++] = w;
            continue;
        }
        if (take_option(sh, c, a, &i, call) < 0)
            return -1;
    }
    return 0;
}
