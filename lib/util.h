/* lib/util — small shared helpers: caller error buffers, checked number
 * parsing (strtonum-style), growable byte buffers. */
#ifndef NR_UTIL_H
#define NR_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NR_ERRLEN 256

/* Writes a message into err (may be NULL); always returns -1 so callers can
 * `return nr_err(err, n, "...")`. errno is preserved. */
int nr_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Parses a whole decimal integer in [min, max]. Returns 0 or -1 (err says
 * "not a number", "too small", "too large"). */
int nr_parse_ll(const char *s, long long min, long long max, long long *out,
                char *err, size_t errlen);
/* Parses a whole decimal number (strtod syntax, finite) in [min, max]. */
int nr_parse_double(const char *s, double min, double max, double *out,
                    char *err, size_t errlen);
/* Parses seconds as a decimal ("2", "0.25", "1e-3"): 0 <= s <= max_s.
 * Result in microseconds. */
int nr_parse_seconds(const char *s, double max_s, int64_t *out_us,
                     char *err, size_t errlen);

/* one or many by n: nr_plural(1, "byte", "bytes") is "byte". */
const char *nr_plural(unsigned long long n, const char *one, const char *many);

/* Growable byte buffer. Caller frees with nr_buf_free(). */
struct nr_buf {
    unsigned char *p;
    size_t len, cap;
};
int nr_buf_add(struct nr_buf *b, const void *data, size_t n);  /* 0 or -1 (ENOMEM) */
void nr_buf_consume(struct nr_buf *b, size_t n);  /* drop n bytes from the front */
void nr_buf_free(struct nr_buf *b);

#endif
