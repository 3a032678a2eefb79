/* shell/token — the command language: words split on blanks, "double quotes"
 * and bare words decode C escapes (\n \r \t \0 \\ \" \xHH, and \ ; # ' $ to
 * quote one character), 'single quotes' are literal, '#' at the start of a
 * word begins a comment, ; and newline separate commands, $_ expands outside single
 * quotes (when each command is tokenized, so `listen …; dial tcp [$_]` sees
 * the listener). Never exits, never prints. */
#ifndef NR_TOKEN_H
#define NR_TOKEN_H

#include <stddef.h>

/* One command: argv[i] is NUL-terminated but may hold NULs; len[i] is exact. */
struct nr_args {
    int argc;
    char **argv;
    size_t *len;
};

struct nr_cmdline {
    size_t n;              /* commands on the line (empty ones dropped) */
    struct nr_args *cmd;
};

/* Splits line[0..n). last_id is what $_ expands to (NULL: $_ is an error).
 * Returns 0, or -1 with err ("unterminated double quote", …). On success the
 * caller frees out with nr_cmdline_free(); on failure out is left empty. */
int nr_tokenize(const char *line, size_t n, const char *last_id,
                struct nr_cmdline *out, char *err, size_t errlen);
void nr_cmdline_free(struct nr_cmdline *cl);
/* The first command of s[0..n) only (out->n is 0 or 1; empty commands are
 * skipped); *used is how much input it took, so the caller can run it and
 * tokenize the rest after, with $_ expanded as it is then. */
int nr_tokenize_one(const char *s, size_t n, size_t *used, const char *last_id,
                    struct nr_cmdline *out, char *err, size_t errlen);

/* Decodes one C escape at s[0..n) (s[0] is the char after '\\'). Writes the
 * byte to *out and returns how many input chars it used, or 0 if invalid. */
size_t nr_unescape_one(const char *s, size_t n, unsigned char *out);

#endif
