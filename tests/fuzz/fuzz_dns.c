/* libFuzzer target: DNS replies from arbitrary bytes. Input: one byte picks
 * the query type, then the query name up to a NUL, then the reply packet.
 * Every record that comes out must be well formed, and formatting it for
 * the terminal and for JSON (as lookup does) must be safe. The seeds are
 * real replies from the test nsd. */
#include <ares.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/escape.h"
#include "lib/lookup.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);

static void show(const void *p, size_t n)
{
    struct nr_buf t = { 0 }, j = { 0 };
    if (nr_escape_text(p, n, 0, &t) < 0 || nr_escape_json(p, n, &j) < 0)
        abort();
    nr_buf_free(&t);
    nr_buf_free(&j);
}

static void show_str(const char *s)
{
    if (s)
        show(s, strlen(s));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
    if (n < 2)
        return 0;
    enum nr_qtype t = (enum nr_qtype)(data[0] % (NR_Q_CAA + 1));
    if (t == NR_Q_HOST || t == NR_Q_IP)
        t = NR_Q_A;
    const uint8_t *nul = memchr(data + 1, 0, n - 1);
    if (!nul)
        return 0;
    const char *qname = (const char *)data + 1;
    const unsigned char *abuf = nul + 1;
    int alen = (int)(n - (size_t)(abuf - data));
    struct nr_records *rs = NULL;
    int st = nr_records_from_reply(t, qname, abuf, alen, 42, &rs);
    if (st == ARES_SUCCESS) {
        if (!rs || rs->n == 0 || rs->n > rs->cap)
            abort();
        for (size_t i = 0; i < rs->n; i++) {
            const struct nr_rec *r = &rs->r[i];
            show_str(r->host);
            show_str(r->host2);
            show_str(r->tag);
            if (r->data || r->len)
                show(r->data, r->len);
            if ((r->rtype == 1 && r->ip.len != 4) || (r->rtype == 28 && r->ip.len != 16))
                abort();
        }
        nr_records_free(rs);
    } else if (rs) {
        abort();   /* failures hand back nothing */
    }
    return 0;
}
