/* libFuzzer target: escaping untrusted bytes. Terminal output must hold no
 * control byte (but \n and \t with KEEP_NL) and no C1 control; JSON output
 * must be valid UTF-8 with no raw control byte; hex must round-trip. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/escape.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);

static void check_utf8(const unsigned char *p, size_t n, int allow_nl)
{
    for (size_t i = 0; i < n;) {
        if (p[i] < 0x20 && !(allow_nl && (p[i] == '\n' || p[i] == '\t')))
            abort();
        if (p[i] == 0x7f)
            abort();
        size_t l = nr_utf8_len(p + i, n - i);
        if (!l)
            abort();
        if (l == 2 && p[i] == 0xc2 && p[i + 1] < 0xa0 && allow_nl >= 0)
            abort();
        i += l;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
    struct nr_buf t = { 0 }, j = { 0 }, h = { 0 }, back = { 0 };
    int keep = n && (data[0] & 1);
    if (nr_escape_text(data, n, keep ? NR_ESC_KEEP_NL : 0, &t) < 0)
        abort();
    check_utf8(t.p, t.len, keep);
    if (nr_escape_json(data, n, &j) < 0)
        abort();
    check_utf8(j.p, j.len, -1);
    if (nr_hex_encode(data, n, n & 2 ? ':' : 0, &h) < 0 ||
        nr_hex_decode((const char *)h.p, &back, NULL, 0) < 0 ||
        back.len != n || (n && memcmp(back.p, data, n)))
        abort();
    nr_buf_free(&t);
    nr_buf_free(&j);
    nr_buf_free(&h);
    nr_buf_free(&back);
    return 0;
}
