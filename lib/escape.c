/* lib/escape — escaping and encoding untrusted bytes. */
#include "lib/escape.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static const char hexdig[] = "0123456789abcdef";

size_t nr_utf8_len(const unsigned char *p, size_t n)
{
    unsigned c = p[0];
    size_t len;
    unsigned min;
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf) { len = 2; min = 0x80; }
    else if (c >= 0xe0 && c <= 0xef) { len = 3; min = 0x800; }
    else if (c >= 0xf0 && c <= 0xf4) { len = 4; min = 0x10000; }
    else return 0;
    if (n < len)
        return 0;
    unsigned cp = c & (0xff >> (len + 1));
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (p[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return len;
}

/* C1 controls (U+0080..U+009F) are two-byte sequences c2 80..c2 9f; some
 * terminals act on them (CSI = U+009B), so they are escaped too. */
static int is_c1(const unsigned char *p, size_t len)
{
    return len == 2 && p[0] == 0xc2 && p[1] < 0xa0;
}

/* Appends the run of plain printable ASCII at p[*i..] (stopping also at
 * '"' and '\\' when quoted) in one piece; advances *i past it. */
static int plain_run(const unsigned char *p, size_t *i, size_t n, bool quoted, struct nr_buf *out)
{
    size_t run = *i;
    while (run < n && p[run] >= 0x20 && p[run] < 0x7f &&
           !(quoted && (p[run] == '"' || p[run] == '\\')))
        run++;
    if (run > *i && nr_buf_add(out, p + *i, run - *i) < 0)
        return -1;
    *i = run;
    return 0;
}

static int add_hexesc(struct nr_buf *out, unsigned char c)
{
    char e[4] = { '\\', 'x', hexdig[c >> 4], hexdig[c & 15] };
    return nr_buf_add(out, e, 4);
}

int nr_escape_text(const void *vp, size_t n, int flags, struct nr_buf *out)
{
    const unsigned char *p = vp;
    size_t i = 0;
    while (i < n) {
        if (plain_run(p, &i, n, flags & NR_ESC_QUOTE, out) < 0)
            return -1;
        if (i >= n)
            break;
        unsigned char c = p[i];
        const char *e = NULL;
        switch (c) {
        case '\n': e = (flags & NR_ESC_KEEP_NL) ? "\n" : "\\n"; break;
        case '\t': e = (flags & NR_ESC_KEEP_NL) ? "\t" : "\\t"; break;
        case '\r': e = "\\r"; break;
        case '\0': e = "\\0"; break;
        case '"': e = "\\\""; break;
        case '\\': e = "\\\\"; break;
        }
        if (e) {
            if (nr_buf_add(out, e, strlen(e)) < 0)
                return -1;
            i++;
            continue;
        }
        size_t ul = c >= 0x80 ? nr_utf8_len(p + i, n - i) : 0;
        if (ul > 1 && !is_c1(p + i, ul)) {
            if (nr_buf_add(out, p + i, ul) < 0)
                return -1;
            i += ul;
            continue;
        }
        if (add_hexesc(out, c) < 0)
            return -1;
        i++;
    }
    return nr_buf_add(out, "", 0);
}

int nr_escape_json(const void *vp, size_t n, struct nr_buf *out)
{
    const unsigned char *p = vp;
    size_t i = 0;
    while (i < n) {
        if (plain_run(p, &i, n, true, out) < 0)
            return -1;
        if (i >= n)
            break;
        unsigned char c = p[i];
        char e[8];
        size_t ul;
        if (c == '"' || c == '\\') {
            e[0] = '\\'; e[1] = (char)c; e[2] = 0;
        } else if (c == '\n') {
            strcpy(e, "\\n");
        } else if (c == '\r') {
            strcpy(e, "\\r");
        } else if (c == '\t') {
            strcpy(e, "\\t");
        } else if (c >= 0x80 && (ul = nr_utf8_len(p + i, n - i)) > 1) {
            if (nr_buf_add(out, p + i, ul) < 0)
                return -1;
            i += ul;
            continue;
        } else {
            snprintf(e, sizeof e, "\\u%04x", c);
        }
        if (nr_buf_add(out, e, strlen(e)) < 0)
            return -1;
        i++;
    }
    return nr_buf_add(out, "", 0);
}

int nr_hex_encode(const void *vp, size_t n, char sep, struct nr_buf *out)
{
    const unsigned char *p = vp;
    for (size_t i = 0; i < n; i++) {
        char e[3] = { hexdig[p[i] >> 4], hexdig[p[i] & 15], sep };
        if (nr_buf_add(out, e, (sep && i + 1 < n) ? 3 : 2) < 0)
            return -1;
    }
    return nr_buf_add(out, "", 0);
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

int nr_hex_decode(const char *s, struct nr_buf *out, char *err, size_t errlen)
{
    int hi = -1;
    for (const char *q = s; *q; q++) {
        if (*q == ' ' || *q == '\t' || *q == ':')
            continue;
        int v = hexval((unsigned char)*q);
        if (v < 0)
            return nr_err(err, errlen, "'%c' is not a hex digit", *q);
        if (hi < 0) {
            hi = v;
        } else {
            unsigned char b = (unsigned char)(hi << 4 | v);
            if (nr_buf_add(out, &b, 1) < 0)
                return nr_err(err, errlen, "out of memory");
            hi = -1;
        }
    }
    if (hi >= 0)
        return nr_err(err, errlen, "odd number of hex digits");
    return nr_buf_add(out, "", 0);
}

int nr_base64_encode(const void *vp, size_t n, struct nr_buf *out)
{
    static const char t[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const unsigned char *p = vp;
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)p[i] << 16;
        if (i + 1 < n) v |= (unsigned)p[i + 1] << 8;
        if (i + 2 < n) v |= p[i + 2];
        char e[4] = { t[v >> 18 & 63], t[v >> 12 & 63],
                      i + 1 < n ? t[v >> 6 & 63] : '=', i + 2 < n ? t[v & 63] : '=' };
        if (nr_buf_add(out, e, 4) < 0)
            return -1;
    }
    return nr_buf_add(out, "", 0);
}
