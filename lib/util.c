/* lib/util — error buffers, checked number parsing, byte buffers. */
#include "lib/util.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int nr_err(char *err, size_t errlen, const char *fmt, ...)
{
    int e = errno;
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    errno = e;
    return -1;
}

int nr_parse_ll(const char *s, long long min, long long max, long long *out,
                char *err, size_t errlen)
{
    char *end;
    if (!*s || (*s != '-' && *s != '+' && (*s < '0' || *s > '9')))
        return nr_err(err, errlen, "not a number");
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (*end)
        return nr_err(err, errlen, "not a number");
    if ((errno == ERANGE && v == LLONG_MIN) || v < min)
        return nr_err(err, errlen, "too small (minimum %lld)", min);
    if (errno == ERANGE || v > max)
        return nr_err(err, errlen, "too large (maximum %lld)", max);
    *out = v;
    return 0;
}

int nr_parse_seconds(const char *s, double max_s, int64_t *out_us,
                     char *err, size_t errlen)
{
    char *end;
    if (!*s || !((*s >= '0' && *s <= '9') || *s == '.'))
        return nr_err(err, errlen, "not a number of seconds");
    errno = 0;
    double v = strtod(s, &end);
    if (*end || errno || !isfinite(v))
        return nr_err(err, errlen, "not a number of seconds");
    if (v > max_s)
        return nr_err(err, errlen, "too long (maximum %g s)", max_s);
    *out_us = (int64_t)llround(v * 1e6);
    return 0;
}

int nr_parse_double(const char *s, double min, double max, double *out,
                    char *err, size_t errlen)
{
    char *end;
    if (!*s || isspace((unsigned char)*s))
        return nr_err(err, errlen, "not a number");
    errno = 0;
    double v = strtod(s, &end);
    if (*end || errno || !isfinite(v))
        return nr_err(err, errlen, "not a number");
    if (v < min)
        return nr_err(err, errlen, "too small (minimum %g)", min);
    if (v > max)
        return nr_err(err, errlen, "too large (maximum %g)", max);
    *out = v;
    return 0;
}

int nr_buf_add(struct nr_buf *b, const void *data, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->len + n + 1)
            cap *= 2;
        unsigned char *p = realloc(b->p, cap);
        if (!p)
            return -1;
        b->p = p;
        b->cap = cap;
    }
    if (n)
        memcpy(b->p + b->len, data, n);
    b->len += n;
    b->p[b->len] = 0;   /* always NUL-terminated for text use */
    return 0;
}

void nr_buf_consume(struct nr_buf *b, size_t n)
{
    if (n >= b->len) {
        b->len = 0;
    } else {
        memmove(b->p, b->p + n, b->len - n);
        b->len -= n;
    }
    if (b->p)
        b->p[b->len] = 0;
}

void nr_buf_free(struct nr_buf *b)
{
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}

const char *nr_plural(unsigned long long n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}
