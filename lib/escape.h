/* lib/escape — making untrusted bytes safe to show: C-style escapes for the
 * terminal, JSON string escaping, hex and hexdumps, base64. Never prints. */
#ifndef NR_ESCAPE_H
#define NR_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/util.h"

enum {
    NR_ESC_KEEP_NL = 1,   /* leave \n (and \t) as they are: line-oriented display */
    NR_ESC_QUOTE = 2,     /* also escape '"' (for quoted display) */
    NR_ESC_KEEP_BSLASH = 4,   /* leave '\\' as it is: a command line echoed
                               * back (-x, history), where it is the user's
                               * own escape syntax */
};

/* Appends p[0..n) to out with every byte that could steer a terminal shown
 * as an escape: control bytes (\r, \e, \0 → "\r", "\x1b", "\0"), DEL, and
 * invalid UTF-8 as \xNN; C1 controls, bidi controls and other invisible
 * format characters (see nr_utf8_hidden) byte by byte as \xNN too. The
 * backslash itself becomes "\\", so a peer's literal "\x1b" and a real ESC
 * look different. Other valid UTF-8 is kept. Returns 0 or -1 (ENOMEM). */
int nr_escape_text(const void *p, size_t n, int flags, struct nr_buf *out);

/* Appends p[0..n) as the inside of a JSON string (no quotes). Bytes that are
 * not valid UTF-8 become \u00NN (Latin-1), so the result is always valid JSON;
 * C1, bidi and invisible format characters are written as \uXXXX escapes
 * (the same string to a JSON reader, inert when the JSON is shown raw). */
int nr_escape_json(const void *p, size_t n, struct nr_buf *out);

/* Length of the valid UTF-8 sequence at p (1..4), or 0 when invalid. */
size_t nr_utf8_len(const unsigned char *p, size_t n);
/* True when the valid UTF-8 sequence p[0..len) (len > 1) is a code point
 * never shown raw: C1 controls U+0080..U+009F, bidi controls (U+061C,
 * U+200E/F, U+202A..U+202E, U+2066..U+2069), zero-width and other invisible
 * format characters (Cf), U+2028/U+2029, tag characters. */
bool nr_utf8_hidden(const unsigned char *p, size_t len);

/* Appends lowercase hex of p[0..n) (sep between bytes when non-zero). */
int nr_hex_encode(const void *p, size_t n, char sep, struct nr_buf *out);
/* Decodes hex digits ignoring blanks and ':' separators; 0 or -1 with err. */
int nr_hex_decode(const char *s, struct nr_buf *out, char *err, size_t errlen);
/* Appends a `hexdump -C` style dump of p[0..n) (offsets from base). */
int nr_hexdump(const void *p, size_t n, size_t base, struct nr_buf *out);
/* Appends base64 (RFC 4648, padded). */
int nr_base64_encode(const void *p, size_t n, struct nr_buf *out);

/* True when s is printable ASCII without a backslash: text escaping would
 * leave it as it is (the printer's fast path). */
bool nr_is_plain(const char *s);

#endif
