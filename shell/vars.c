/* shell/vars — the variables table (see vars.h): a sorted array, small
 * enough that a linear insert is the simple choice. */
#include "shell/vars.h"
#include "lib/util.h"

#include <stdlib.h>
#include <string.h>

struct var {
    char *name;
    char *val;      /* NUL-terminated copy, may hold NULs before it */
    size_t vlen;
};

struct nr_vars {
    struct var *v;
    size_t n, cap;
};

struct nr_vars *nr_vars_new(void)
{
    return calloc(1, sizeof(struct nr_vars));
}

void nr_vars_free(struct nr_vars *v)
{
    if (!v)
        return;
    for (size_t i = 0; i < v->n; i++) {
        free(v->v[i].name);
        free(v->v[i].val);
    }
    free(v->v);
    free(v);
}

bool nr_var_name_ok(const char *name, size_t len)
{
    if (len == 0 || len > NR_VAR_NAME_MAX || (len == 1 && name[0] == '_'))
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = name[i];
        bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
        if (!alpha && !(i > 0 && c >= '0' && c <= '9'))
            return false;
    }
    return true;
}

/* Index of name, or where it would go (*found false). */
static size_t find(const struct nr_vars *v, const char *name, size_t len, bool *found)
{
    size_t lo = 0, hi = v->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        const char *m = v->v[mid].name;
        size_t ml = strlen(m);
        int c = memcmp(m, name, ml < len ? ml : len);
        if (c == 0)
            c = ml < len ? -1 : ml > len ? 1 : 0;
        if (c == 0) {
            *found = true;
            return mid;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *found = false;
    return lo;
}

static char *dup_bytes(const void *p, size_t n)
{
    char *d = malloc(n + 1);
    if (d) {
        if (n)
            memcpy(d, p, n);
        d[n] = 0;
    }
    return d;
}

int nr_vars_set(struct nr_vars *v, const char *name, size_t len, const void *val,
                size_t vlen, char *err, size_t errlen)
{
    if (vlen > NR_VAR_VALUE_MAX)
        return nr_err(err, errlen, "$%.*s: value too long (%zu bytes, at most %d)", (int)len,
                      name, vlen, NR_VAR_VALUE_MAX);
    bool found;
    size_t i = find(v, name, len, &found);
    char *d = dup_bytes(val, vlen);
    if (!d)
        return nr_err(err, errlen, "out of memory");
    if (found) {
        free(v->v[i].val);
        v->v[i].val = d;
        v->v[i].vlen = vlen;
        return 0;
    }
    if (v->n >= NR_VARS_MAX) {
        free(d);
        return nr_err(err, errlen, "too many variables (at most %d)", NR_VARS_MAX);
    }
    char *nm = dup_bytes(name, len);
    if (v->n == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 16;
        struct var *nv = nm ? realloc(v->v, cap * sizeof *nv) : NULL;
        if (!nv) {
            free(nm);
            free(d);
            return nr_err(err, errlen, "out of memory");
        }
        v->v = nv;
        v->cap = cap;
    }
    if (!nm) {
        free(d);
        return nr_err(err, errlen, "out of memory");
    }
    memmove(v->v + i + 1, v->v + i, (v->n - i) * sizeof *v->v);
    v->v[i] = (struct var){ nm, d, vlen };
    v->n++;
    return 0;
}

const char *nr_vars_get(const struct nr_vars *v, const char *name, size_t len, size_t *vlen)
{
    bool found;
    size_t i = v ? find(v, name, len, &found) : 0;
    if (!v || !found)
        return NULL;
    *vlen = v->v[i].vlen;
    return v->v[i].val;
}

void nr_vars_unset(struct nr_vars *v, const char *name, size_t len)
{
    bool found;
    size_t i = v ? find(v, name, len, &found) : 0;
    if (!v || !found)
        return;
    free(v->v[i].name);
    free(v->v[i].val);
    memmove(v->v + i, v->v + i + 1, (v->n - i - 1) * sizeof *v->v);
    v->n--;
}

size_t nr_vars_count(const struct nr_vars *v)
{
    return v ? v->n : 0;
}

void nr_vars_at(const struct nr_vars *v, size_t i, const char **name, const char **val,
                size_t *vlen)
{
    *name = v->v[i].name;
    *val = v->v[i].val;
    *vlen = v->v[i].vlen;
}
