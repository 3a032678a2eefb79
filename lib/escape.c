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

/* The code point of the valid UTF-8 sequence p[0..len). */
static unsigned utf8_cp(const unsigned char *p, size_t len)
{
    if (len == 1)
        return p[0];
    unsigned cp = p[0] & (0xff >> (len + 1));
    for (size_t i = 1; i < len; i++)
        cp = (cp << 6) | (p[i] & 0x3f);
    return cp;
}

/* Code points a terminal acts on or that change how text around them is
 * shown without being visible: C1 controls (U+009B is a one-byte CSI for
 * many terminals), bidi embeddings, overrides, isolates and marks (U+202E
 * turns "gpj.exe" into "exe.jpg"), zero-width and other invisible format
 * characters (Unicode category Cf), line and paragraph separators, and the
 * tag characters. ZWNJ and ZWJ (U+200C, U+200D) stay: scripts such as
 * Persian and Devanagari and emoji sequences need them, and they cannot
 * reorder or hide text. */
static bool is_hidden_cp(unsigned cp)
{
    static const struct { unsigned lo, hi; } r[] = {
        { 0x0080, 0x009f }, { 0x00ad, 0x00ad }, { 0x0600, 0x0605 }, { 0x061c, 0x061c },
        { 0x06dd, 0x06dd }, { 0x070f, 0x070f }, { 0x0890, 0x0891 }, { 0x08e2, 0x08e2 },
        { 0x180e, 0x180e }, { 0x200b, 0x200b }, { 0x200e, 0x200f }, { 0x2028, 0x202e },
        { 0x2060, 0x2064 }, { 0x2066, 0x206f }, { 0xfeff, 0xfeff }, { 0xfff9, 0xfffb },
        { 0x110bd, 0x110bd }, { 0x110cd, 0x110cd }, { 0x13430, 0x1343f },
        { 0x1bca0, 0x1bca3 }, { 0x1d173, 0x1d17a }, { 0xe0001, 0xe0001 },
        { 0xe0020, 0xe007f },
    };
    if (cp < 0x80)
        return false;
    for (size_t i = 0; i < sizeof r / sizeof r[0]; i++)
        if (cp >= r[i].lo && cp <= r[i].hi)
            return true;
    return false;
}

bool nr_utf8_hidden(const unsigned char *p, size_t len)
{
    return len > 1 && is_hidden_cp(utf8_cp(p, len));
}

/* Appends the run of plain printable ASCII at p[*i..], stopping at every
 * byte in stop, in one piece; advances *i past it. */
static int plain_run(const unsigned char *p, size_t *i, size_t n, const char *stop,
                     struct nr_buf *out)
{
    size_t run = *i;
    /* stop holds at most the backslash and the double quote. */
    unsigned char s0 = (unsigned char)stop[0], s1 = s0 ? (unsigned char)stop[1] : 0;
    while (run < n && p[run] >= 0x20 && p[run] < 0x7f && p[run] != s0 && p[run] != s1)
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

/* The escape for a control or special ASCII byte, NULL for \xNN. */
static const char *text_esc(unsigned char c, int flags)
{
    switch (c) {
    case '\n': return (flags & NR_ESC_KEEP_NL) ? "\n" : "\\n";
    case '\t': return (flags & NR_ESC_KEEP_NL) ? "\t" : "\\t";
    case '\r': return "\\r";
    case '\0': return "\\0";
    case '"': return (flags & NR_ESC_QUOTE) ? "\\\"" : "\"";
    case '\\': return (flags & NR_ESC_KEEP_BSLASH) ? "\\" : "\\\\";
    }
    return NULL;
}

int nr_escape_text(const void *vp, size_t n, int flags, struct nr_buf *out)
{
    const unsigned char *p = vp;
    const char *stop = (flags & NR_ESC_QUOTE) ? "\"\\" : "\\";
    size_t i = 0;
    while (i < n) {
        if (plain_run(p, &i, n, stop, out) < 0)
            return -1;
        if (i >= n)
            break;
        unsigned char c = p[i];
        const char *e = text_esc(c, flags);
        if (e) {
            if (nr_buf_add(out, e, strlen(e)) < 0)
                return -1;
            i++;
            continue;
        }
        size_t ul = c >= 0x80 ? nr_utf8_len(p + i, n - i) : 0;
        if (ul > 1 && !nr_utf8_hidden(p + i, ul)) {
            if (nr_buf_add(out, p + i, ul) < 0)
                return -1;
            i += ul;
            continue;
        }
        /* Hidden code points byte by byte, as invalid bytes are: the text
         * pasted back inside double quotes gives the same bytes. */
        size_t k = ul > 1 ? ul : 1;
        for (size_t j = 0; j < k; j++)
            if (add_hexesc(out, p[i + j]) < 0)
                return -1;
        i += k;
    }
    return nr_buf_add(out, "", 0);
}

/* \uXXXX for cp, as a surrogate pair beyond the BMP. */
static int add_uesc(struct nr_buf *out, unsigned cp)
{
    char e[16];
    if (cp >= 0x10000) {
        cp -= 0x10000;
        snprintf(e, sizeof e, "\\u%04x\\u%04x", 0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
    } else {
        snprintf(e, sizeof e, "\\u%04x", cp);
    }
    return nr_buf_add(out, e, strlen(e));
}

int nr_escape_json(const void *vp, size_t n, struct nr_buf *out)
{
    const unsigned char *p = vp;
    size_t i = 0;
    while (i < n) {
        if (plain_run(p, &i, n, "\"\\", out) < 0)
            return -1;
        if (i >= n)
            break;
        unsigned char c = p[i];
        const char *e = c == '"' ? "\\\"" : c == '\\' ? "\\\\" : c == '\n' ? "\\n" :
                        c == '\r' ? "\\r" : c == '\t' ? "\\t" : NULL;
        size_t ul = c >= 0x80 ? nr_utf8_len(p + i, n - i) : 0;
        int r;
        if (e) {
            r = nr_buf_add(out, e, strlen(e));
            ul = 1;
        } else if (ul > 1 && nr_utf8_hidden(p + i, ul)) {
            /* Same string for a JSON reader, harmless when shown raw. */
            r = add_uesc(out, utf8_cp(p + i, ul));
        } else if (ul > 1) {
            r = nr_buf_add(out, p + i, ul);
        } else {
            r = add_uesc(out, c);   /* controls, DEL; invalid bytes as Latin-1 */
            ul = 1;
        }
        if (r < 0)
            return -1;
        i += ul;
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

int nr_hexdump(const void *vp, size_t n, size_t base, struct nr_buf *out)
{
    const unsigned char *p = vp;
    for (size_t off = 0; off < n; off += 16) {
        char line[80];
        size_t k = (size_t)snprintf(line, sizeof line, "%08zx  ", base + off);
        for (size_t j = 0; j < 16; j++) {
            if (off + j < n) {
                line[k++] = hexdig[p[off + j] >> 4];
                line[k++] = hexdig[p[off + j] & 15];
                line[k++] = ' ';
            } else {
                memcpy(line + k, "   ", 3);
                k += 3;
            }
            if (j == 7)
                line[k++] = ' ';
        }
        line[k++] = ' ';
        line[k++] = '|';
        for (size_t j = 0; j < 16 && off + j < n; j++) {
            unsigned char c = p[off + j];
            line[k++] = (c >= 0x20 && c < 0x7f) ? (char)c : '.';
        }
        line[k++] = '|';
        line[k++] = '\n';
        if (nr_buf_add(out, line, k) < 0)
            return -1;
    }
    return 0;
}

bool nr_is_plain(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p >= 0x7f || *p == '\\')
            return false;
    return true;
}
