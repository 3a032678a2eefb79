/* shell/args — typed option parsing shared by every command. */
#include "shell/shell.h"

#include <string.h>

static const struct opt *opt_find(const struct opt *opts, const char *w, size_t n)
{
    for (const struct opt *o = opts; o && o->name; o++) {
        if ((strlen(o->name) == n && !strncmp(o->name, w, n)) ||
            (o->alias && strlen(o->alias) == n && !strncmp(o->alias, w, n)))
            return o;
    }
    return NULL;
}

static bool is_option(const char *w)
{
    /* "-" alone and negative numbers are positional words. */
    return w[0] == '-' && w[1] && !(w[1] >= '0' && w[1] <= '9') && w[1] != '.';
}

static int opt_value(struct shell *sh, const struct opt *o, const char *v)
{
    char err[NR_ERRLEN];
    switch (o->kind) {
    case OPT_FLAG:
        *(bool *)o->out = true;
        return 0;
    case OPT_STR:
        *(const char **)o->out = v;
        return 0;
    case OPT_INT:
        if (nr_parse_ll(v, o->min, o->max, (long long *)o->out, err, sizeof err) < 0)
            return cmd_usage(sh, "%s %s: %s", o->name, v, err), -1;
        return 0;
    case OPT_SECONDS:
        if (nr_parse_seconds(v, (double)o->max, (int64_t *)o->out, err, sizeof err) < 0)
            return cmd_usage(sh, "%s %s: %s", o->name, v, err), -1;
        return 0;
    }
    return -1;
}

int opt_parse(struct shell *sh, const struct nr_args *a, const struct opt *opts,
              const char **pos, size_t *poslen, int maxpos, int *npos)
{
    bool ended = false;
    *npos = 0;
    for (int i = 1; i < a->argc; i++) {
        const char *w = a->argv[i];
        if (!ended && !strcmp(w, "--")) {
            ended = true;
            continue;
        }
        if (ended || !is_option(w)) {
            if (*npos >= maxpos)
                return cmd_usage(sh, "unexpected argument '%s'", w), -1;
            if (poslen)
                poslen[*npos] = a->len[i];
            pos[(*npos)++] = w;
            continue;
        }
        const char *eq = strchr(w, '=');
        size_t n = eq ? (size_t)(eq - w) : strlen(w);
        const struct opt *o = opt_find(opts, w, n);
        if (!o)
            return cmd_usage(sh, "unknown option '%.*s'", (int)n, w), -1;
        const char *v = NULL;
        if (o->kind != OPT_FLAG) {
            if (eq)
                v = eq + 1;
            else if (i + 1 < a->argc)
                v = a->argv[++i];
            else
                return cmd_usage(sh, "%s needs a value", o->name), -1;
        } else if (eq) {
            return cmd_usage(sh, "%s takes no value", o->name), -1;
        }
        if (opt_value(sh, o, v) < 0)
            return -1;
    }
    return 0;
}
