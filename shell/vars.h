/* shell/vars — the shell's variables: set by `let` and by expect's captures
 * ($1..$9 and named groups), expanded by the tokenizer when each command
 * runs ($_ is not one of them: it is the shell's last session id). Values
 * are bytes and may hold NUL. Never prints. */
#ifndef NR_VARS_H
#define NR_VARS_H

#include <stdbool.h>
#include <stddef.h>

struct nr_vars;

enum {
    NR_VARS_MAX = 1000,            /* variables at most */
    NR_VAR_NAME_MAX = 64,          /* bytes in a name */
    NR_VAR_VALUE_MAX = 1 << 20,    /* bytes in a value */
};

/* Returns NULL on ENOMEM. Caller frees with nr_vars_free(). */
struct nr_vars *nr_vars_new(void);
void nr_vars_free(struct nr_vars *v);

/* A name `let` may set: a letter or '_' then letters, digits, '_' (not "_"
 * alone, which is $_), at most NR_VAR_NAME_MAX bytes. */
bool nr_var_name_ok(const char *name, size_t len);

/* Sets (or replaces) name to val[0..vlen). Returns 0, or -1 with err (too
 * many variables, value too long, out of memory). */
int nr_vars_set(struct nr_vars *v, const char *name, size_t len, const void *val,
                size_t vlen, char *err, size_t errlen);
/* The value of name (borrowed until the next set or unset of it), or NULL. */
const char *nr_vars_get(const struct nr_vars *v, const char *name, size_t len, size_t *vlen);
void nr_vars_unset(struct nr_vars *v, const char *name, size_t len);

/* Variables sorted by name ($1..$9 first): count and the i-th. */
size_t nr_vars_count(const struct nr_vars *v);
void nr_vars_at(const struct nr_vars *v, size_t i, const char **name, const char **val,
                size_t *vlen);

#endif
