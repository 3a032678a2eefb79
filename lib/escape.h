/* lib/escape — making untrusted bytes safe to show: C-style escapes for the
 * terminal, JSON string escaping, C escape decoding, hex. Never prints. */
#ifndef NR_ESCAPE_H
#define NR_ESCAPE_H

#include <stddef.h>

#include "lib/util.h"

enum {
    NR_ESC_KEEP_NL = 1,   /* leave \n (and \t) as they are: line-oriented display */
    NR_ESC_QUOTE = 2,     /* also escape '"' and '\\' (for quoted display) */
};

/* Appends p[0..n) to out with every byte that could steer a terminal shown
 * as an escape: control bytes (\r, \e, \0 → "\r", "\x1b", "\0"), DEL and
 * C1 controls, and invalid UTF-8 as \xNN. Valid printable UTF-8 is kept.
 * Returns 0 or -1 (ENOMEM). */
int nr_escape_text(const void *p, size_t n, int flags, struct nr_buf *out);

/* Appends p[0..n) as the inside of a JSON string (no quotes). Bytes that are
 * not valid UTF-8 become \u00NN (Latin-1), so the result is always valid JSON. */
int nr_escape_json(const void *p, size_t n, struct nr_buf *out);

/* Length of the valid UTF-8 sequence at p (1..4), or 0 when invalid. */
size_t nr_utf8_len(const unsigned char *p, size_t n);

/* Appends lowercase hex of p[0..n) (sep between bytes when non-zero). */
int nr_hex_encode(const void *p, size_t n, char sep, struct nr_buf *out);
/* Decodes hex digits ignoring blanks and ':' separators; 0 or -1 with err. */
int nr_hex_decode(const char *s, struct nr_buf *out, char *err, size_t errlen);
/* Appends base64 (RFC 4648, padded). */
int nr_base64_encode(const void *p, size_t n, struct nr_buf *out);

#endif
