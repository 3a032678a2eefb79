/* lib/match — alternatives against a growing buffer (see match.h). Literals
 * are PCRE2_LITERAL patterns, so every alternative matches the same way. */
#include "lib/match.h"
#include "lib/util.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <stdlib.h>
#include <string.h>

/* Backtracking steps per run of one alternative: a hostile stream against
 * a careless pattern cannot hang the shell. */
enum { MATCH_LIMIT = 5000000 };

enum state { M_NONE, M_PARTIAL, M_FULL };

struct alt {
    pcre2_code *re;
    pcre2_match_data *md;
    enum state m;
    size_t from;          /* where the next scan starts: earlier starts can
                           * no longer match */
    size_t start, end;    /* M_FULL: the match; M_PARTIAL: its start */
};

struct nr_match {
    struct alt alt[NR_MATCH_MAX];
    int n;
    pcre2_match_context *mctx;
};

struct nr_match *nr_match_new(void)
{
    struct nr_match *m = calloc(1, sizeof *m);
    if (m && !(m->mctx = pcre2_match_context_create(NULL))) {
        free(m);
        return NULL;
    }
    if (m)
        pcre2_set_match_limit(m->mctx, MATCH_LIMIT);
    return m;
}

void nr_match_free(struct nr_match *m)
{
    if (!m)
        return;
    for (int i = 0; i < m->n; i++) {
        pcre2_match_data_free(m->alt[i].md);
        pcre2_code_free(m->alt[i].re);
    }
    pcre2_match_context_free(m->mctx);
    free(m);
}

int nr_match_add(struct nr_match *m, const char *pat, size_t len, bool regex, char *err,
                 size_t errlen)
{
    if (m->n >= NR_MATCH_MAX)
        return nr_err(err, errlen, "too many alternatives (at most %d)", NR_MATCH_MAX);
    if (!len)
        return nr_err(err, errlen, regex ? "an empty regular expression matches nothing"
                                         : "an empty text would match before anything arrives");
    int ec;
    PCRE2_SIZE eo;
    struct alt *a = &m->alt[m->n];
    memset(a, 0, sizeof *a);
    a->re = pcre2_compile((PCRE2_SPTR)pat, len, regex ? 0 : PCRE2_LITERAL, &ec, &eo, NULL);
    if (!a->re) {
        unsigned char msg[256];
        pcre2_get_error_message(ec, msg, sizeof msg);
        return nr_err(err, errlen, "%s at offset %zu", msg, (size_t)eo);
    }
    if (!(a->md = pcre2_match_data_create_from_pattern(a->re, NULL))) {
        pcre2_code_free(a->re);
        return nr_err(err, errlen, "out of memory");
    }
    return m->n++;
}

/* One alternative from where it left off. Not final: hard partial
 * matching, so a match that more data could extend or complete comes back
 * partial rather than complete. Empty matches never count. */
static int run_alt(struct nr_match *m, struct alt *a, const unsigned char *p, size_t len,
                   bool final)
{
    uint32_t opts = PCRE2_NOTEMPTY | (final ? 0 : PCRE2_PARTIAL_HARD);
    int rc = pcre2_match(a->re, p, len, a->from, opts, a->md, m->mctx);
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(a->md);
    if (rc >= 0) {
        a->m = M_FULL;
        a->start = ov[0];
        a->end = ov[1];
    } else if (rc == PCRE2_ERROR_PARTIAL) {
        a->m = M_PARTIAL;
        a->start = a->from = ov[0];
    } else if (rc == PCRE2_ERROR_NOMATCH) {
        /* No path reached the end: no start before len can ever match. */
        a->m = M_NONE;
        a->from = len;
    } else {
        return rc;
    }
    return 0;
}

int nr_match_run(struct nr_match *m, const void *vp, size_t len, bool final, char *err,
                 size_t errlen)
{
    const unsigned char *p = vp ? vp : (const void *)"";
    int best = -1;
    for (int i = 0; i < m->n; i++) {
        int rc = m->alt[i].m == M_FULL ? 0 : run_alt(m, &m->alt[i], p, len, final);
        if (rc) {
            unsigned char msg[256];
            pcre2_get_error_message(rc, msg, sizeof msg);
            nr_err(err, errlen, "%s", msg);
            return NR_MATCH_FAIL;
        }
        if (m->alt[i].m == M_FULL && (best < 0 || m->alt[i].start < m->alt[best].start))
            best = i;
    }
    if (best < 0)
        return NR_MATCH_WAIT;
    /* Not while another could still complete a match that starts first. */
    for (int i = 0; i < m->n && !final; i++) {
        const struct alt *a = &m->alt[i];
        if (a->m == M_PARTIAL && (a->start < m->alt[best].start ||
                                  (a->start == m->alt[best].start && i < best)))
            return NR_MATCH_WAIT;
    }
    return best;
}

void nr_match_span(const struct nr_match *m, int i, size_t *start, size_t *end)
{
    *start = m->alt[i].start;
    *end = m->alt[i].end;
}

int nr_match_ngroups(const struct nr_match *m, int i)
{
    uint32_t n = 0;
    pcre2_pattern_info(m->alt[i].re, PCRE2_INFO_CAPTURECOUNT, &n);
    return (int)n;
}

bool nr_match_group(const struct nr_match *m, int i, int g, size_t *start, size_t *end)
{
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(m->alt[i].md);
    if (g < 0 || g > nr_match_ngroups(m, i) || ov[2 * g] == PCRE2_UNSET)
        return false;
    *start = ov[2 * g];
    *end = ov[2 * g + 1];
    return true;
}

int nr_match_nnames(const struct nr_match *m, int i)
{
    uint32_t n = 0;
    pcre2_pattern_info(m->alt[i].re, PCRE2_INFO_NAMECOUNT, &n);
    return (int)n;
}

const char *nr_match_name(const struct nr_match *m, int i, int k, int *group)
{
    uint32_t esize = 0;
    PCRE2_SPTR table = NULL;
    pcre2_pattern_info(m->alt[i].re, PCRE2_INFO_NAMEENTRYSIZE, &esize);
    pcre2_pattern_info(m->alt[i].re, PCRE2_INFO_NAMETABLE, &table);
    PCRE2_SPTR e = table + (size_t)k * esize;
    *group = e[0] << 8 | e[1];
    return (const char *)e + 2;
}
