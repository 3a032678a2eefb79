/* libFuzzer target: variable expansion in the tokenizer ($NAME, ${NAME},
 * $1, \$, quotes) never crashes or leaks; a failure always explains itself
 * and leaves nothing; the syntax-only pass accepts whatever the expanding
 * pass accepts, and one command at a time it takes the whole input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "shell/token.h"
#include "lib/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);

static int lookup(void *arg, const char *name, size_t len, const char **val, size_t *vlen,
                  char *err, size_t errlen)
{
    static const struct { const char *name, *val; size_t vlen; } vars[] = {
        { "_", "42", 2 }, { "1", "a\0b", 3 }, { "host", "x y", 3 }, { "e", "", 0 },
    };
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
        if (strlen(vars[i].name) == len && !memcmp(vars[i].name, name, len)) {
            *val = vars[i].val;
            *vlen = vars[i].vlen;
            return 0;
        }
    }
    return nr_err(err, errlen, "$%.*s: not set", (int)(len > 40 ? 40 : len), name);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
    struct nr_cmdline cl, check;
    char err[NR_ERRLEN] = "";
    const char *s = (const char *)data;
    int r = nr_tokenize_vars(s, n, NULL, lookup, NULL, &cl, err, sizeof err);
    if (r == 0) {
        for (size_t i = 0; i < cl.n; i++)
            for (int j = 0; j < cl.cmd[i].argc; j++)
                if (cl.cmd[i].argv[j][cl.cmd[i].len[j]] != 0)
                    abort();
        nr_cmdline_free(&cl);
    } else if (!err[0] || cl.n != 0 || (r != -1 && r != -2)) {
        abort();
    }
    int c = nr_tokenize_vars(s, n, NULL, NULL, NULL, &check, err, sizeof err);
    if (c == 0)
        nr_cmdline_free(&check);
    if (r == 0 && c != 0)
        abort();   /* the check pass must not reject what expands */
    /* One command at a time takes the whole input in steps. */
    size_t off = 0, used;
    while (off < n && c == 0) {
        if (nr_tokenize_vars(s + off, n - off, &used, NULL, NULL, &check, err, sizeof err) < 0)
            abort();
        nr_cmdline_free(&check);
        if (used == 0 || used > n - off)
            abort();
        off += used;
    }
    return 0;
}
