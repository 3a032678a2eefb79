/* lib/records — DNS replies into struct nr_rec (the printing-neutral form),
 * record ordering (MX by preference, SRV per RFC 2782), name checks and
 * reverse names. Built on c-ares' ares_parse_*_reply; PTR and CNAME chains
 * are read with a small answer-section walker over ares_expand_name. */
#include "lib/lookup.h"
#include "lib/util.h"

#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/dnstype.h"

/* Wire constants (RFC 1035, 8659), kept here rather than relying on the
 * libc's optional nameser compatibility names. */
enum { HFIXEDSZ = 12, QFIXEDSZ = 4, RRFIXEDSZ = 10 };

static unsigned get16(const unsigned char *p)
{
    return (unsigned)p[0] << 8 | p[1];
}

void nr_records_free(struct nr_records *rs)
{
    if (!rs)
        return;
    for (size_t i = 0; i < rs->n; i++) {
        free(rs->r[i].host);
        free(rs->r[i].host2);
        free(rs->r[i].tag);
        free(rs->r[i].data);
        free(rs->r[i].owner);
    }
    free(rs->r);
    free(rs->canon);
    free(rs);
}

struct nr_rec *nr_records_add(struct nr_records *rs, int rtype)
{
    if (rs->n == rs->cap) {
        size_t cap = rs->cap ? rs->cap * 2 : 8;
        struct nr_rec *r = realloc(rs->r, cap * sizeof *r);
        if (!r)
            return NULL;
        rs->r = r;
        rs->cap = cap;
    }
    struct nr_rec *r = &rs->r[rs->n++];
    memset(r, 0, sizeof *r);
    r->rtype = rtype;
    return r;
}

static unsigned char *bytesdup(const void *p, size_t n)
{
    unsigned char *d = malloc(n + 1);
    if (d) {
        memcpy(d, p, n);
        d[n] = 0;
    }
    return d;
}

static char *strdup_or_null(const char *s, bool *fail)
{
    char *d = s ? strdup(s) : NULL;
    *fail |= s && !d;
    return d;
}

struct nr_records *nr_records_dup(const struct nr_records *rs)
{
    struct nr_records *d = calloc(1, sizeof *d);
    bool fail = !d;
    if (d) {
        d->canon = strdup_or_null(rs->canon, &fail);
        d->source = rs->source;
        d->r = calloc(rs->n ? rs->n : 1, sizeof *d->r);
        fail |= !d->r;
    }
    for (size_t i = 0; !fail && i < rs->n; i++) {
        const struct nr_rec *r = &rs->r[i];
        struct nr_rec *c = &d->r[d->n++];
        *c = *r;
        c->host = strdup_or_null(r->host, &fail);
        c->host2 = strdup_or_null(r->host2, &fail);
        c->tag = strdup_or_null(r->tag, &fail);
        c->data = NULL;
        if (r->data && !(c->data = bytesdup(r->data, r->len)))
            fail = true;
    }
    if (d)
        d->cap = d->n;
    if (fail) {
        nr_records_free(d);
        return NULL;
    }
    return d;
}

/* The wire length of a name as ares_expand_name writes it ("\\." and
 * "\\DDD" are one byte each): labels plus their length bytes plus the root. */
static size_t wire_len(const char *s)
{
    size_t n = 1, label = 0;
    for (; *s; s++) {
        if (*s == '.') {
            n += label + 1;
            label = 0;
            continue;
        }
        if (*s == '\\' && s[1]) {
            s++;
            if (s[0] >= '0' && s[0] <= '9' && s[1] && s[2])
                s += 2;
        }
        label++;
    }
    return label ? n + label + 1 : n;
}

/* *dst = s in Go's absolute form ("mx1.nr.test" → "mx1.nr.test.", "" →
 * "."); names over 255 bytes on the wire are refused (RFC 1035 3.1). */
static int setname(char **dst, const char *s)
{
    if (wire_len(s) > 255)
        return NR_DNS_ELONGNAME;
    size_t n = strlen(s);
    char *d = malloc(n + 2);
    if (!d)
        return ARES_ENOMEM;
    memcpy(d, s, n);
    if (n == 0 || s[n - 1] != '.')
        d[n++] = '.';
    d[n] = 0;
    *dst = d;
    return ARES_SUCCESS;
}

/* ---- the answer-section walker ---- */

typedef int (*rr_fn)(void *arg, const unsigned char *abuf, int alen, const char *owner,
                     int type, const unsigned char *rd, int rdlen);

static int walk_answers(const unsigned char *abuf, int alen, rr_fn fn, void *arg)
{
    if (alen < HFIXEDSZ)
        return ARES_EBADRESP;
    int qd = (int)get16(abuf + 4), an = (int)get16(abuf + 6);
    const unsigned char *p = abuf + HFIXEDSZ, *end = abuf + alen;
    for (int i = 0; i < qd + an; i++) {
        char *owner;
        long enclen;
        if (ares_expand_name(p, abuf, alen, &owner, &enclen) != ARES_SUCCESS)
            return ARES_EBADRESP;
        if (wire_len(owner) > 255) {
            ares_free_string(owner);
            return NR_DNS_ELONGNAME;
        }
        p += enclen;
        int fixed = i < qd ? QFIXEDSZ : RRFIXEDSZ;
        if (end - p < fixed) {
            ares_free_string(owner);
            return ARES_EBADRESP;
        }
        int st = ARES_SUCCESS;
        if (i >= qd) {
            int rdlen = (int)get16(p + 8);
            if (end - p - RRFIXEDSZ < rdlen)
                st = ARES_EBADRESP;
            else if (get16(p + 2) == NR_C_IN)
                st = fn(arg, abuf, alen, owner, (int)get16(p), p + RRFIXEDSZ, rdlen);
            p += rdlen;
        }
        ares_free_string(owner);
        if (st != ARES_SUCCESS)
            return st;
        p += fixed;
    }
    return ARES_SUCCESS;
}

/* What one pass over the answer section found: the CNAME links (owner →
 * target), the owners of address records, and the records of the wanted
 * type (counted; PTR names collected; the first owner kept, Go's
 * canonical name for LookupSRV). */
struct link {
    char *from, *to;
};

struct names {
    int type;
    struct nr_records *rs;
    struct link *links;
    size_t nlinks, lcap;
    char **addr_owner;
    size_t naddr, acap;
    size_t count;
    char *first_owner;
};

/* The new capacity for an array that is full at n, or 0 when it is not. */
static size_t grown(size_t n, size_t cap)
{
    return n < cap ? 0 : cap ? cap * 2 : 8;
}

static int add_owner(struct names *w, const char *owner)
{
    size_t c = grown(w->naddr, w->acap);
    if (c) {
        char **v = realloc(w->addr_owner, c * sizeof *v);
        if (!v)
            return ARES_ENOMEM;
        w->addr_owner = v;
        w->acap = c;
    }
    if (!(w->addr_owner[w->naddr] = strdup(owner)))
        return ARES_ENOMEM;
    w->naddr++;
    return ARES_SUCCESS;
}

static int add_link(struct names *w, const char *from, const char *to)
{
    size_t c = grown(w->nlinks, w->lcap);
    if (c) {
        struct link *v = realloc(w->links, c * sizeof *v);
        if (!v)
            return ARES_ENOMEM;
        w->links = v;
        w->lcap = c;
    }
    struct link l = { strdup(from), strdup(to) };
    if (!l.from || !l.to) {
        free(l.from);
        free(l.to);
        return ARES_ENOMEM;
    }
    w->links[w->nlinks++] = l;
    return ARES_SUCCESS;
}

static int collect(void *arg, const unsigned char *abuf, int alen, const char *owner,
                   int type, const unsigned char *rd, int rdlen)
{
    struct names *w = arg;
    if (type == w->type) {
        w->count++;
        if (!w->first_owner && !(w->first_owner = strdup(owner)))
            return ARES_ENOMEM;
    }
    if (type == NR_T_A || type == NR_T_AAAA)
        return add_owner(w, owner);
    if (type != NR_T_CNAME && !(type == NR_T_PTR && w->type == NR_T_PTR))
        return ARES_SUCCESS;
    char *target;
    long len;
    if (ares_expand_name(rd, abuf, alen, &target, &len) != ARES_SUCCESS)
        return ARES_EBADRESP;
    int st = ARES_SUCCESS;
    if (len > rdlen)
        st = ARES_EBADRESP;
    else if (wire_len(target) > 255)
        st = NR_DNS_ELONGNAME;
    else if (type == NR_T_PTR) {
        struct nr_rec *r = nr_records_add(w->rs, NR_T_PTR);
        st = r ? setname(&r->host, target) : ARES_ENOMEM;
    } else {
        st = add_link(w, owner, target);
    }
    ares_free_string(target);
    return st;
}

static bool same_name(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    if (na && a[na - 1] == '.')
        na--;
    if (nb && b[nb - 1] == '.')
        nb--;
    return na == nb && !strncasecmp(a, b, na);
}

/* Follows the CNAME chain from qname through the answer section (its
 * links in any order) into *end. A name seen twice is a loop; more than
 * NR_DNS_MAXCHAIN links is refused rather than cut short. */
static int follow_chain(const struct names *w, const char *qname, const char **end,
                        size_t *hops)
{
    const char *seen[NR_DNS_MAXCHAIN + 1], *cur = qname;
    for (*hops = 0;;) {
        size_t i = 0;
        while (i < w->nlinks && !same_name(w->links[i].from, cur))
            i++;
        if (i == w->nlinks)
            break;
        if (*hops == NR_DNS_MAXCHAIN)
            return NR_DNS_ECHAIN;
        seen[(*hops)++] = cur;
        cur = w->links[i].to;
        for (size_t k = 0; k < *hops; k++)
            if (same_name(seen[k], cur))
                return NR_DNS_ECNAMELOOP;
    }
    *end = cur;
    return ARES_SUCCESS;
}

/* Go's LookupCNAME answer: the end of the chain, or the name itself when
 * it has addresses. */
static int cname_result(struct names *w, const char *end, size_t hops)
{
    bool has_addr = false;
    for (size_t i = 0; i < w->naddr; i++)
        has_addr |= same_name(w->addr_owner[i], end);
    if (hops == 0 && !has_addr)
        return ARES_ENODATA;
    struct nr_rec *r = nr_records_add(w->rs, NR_T_CNAME);
    return r ? setname(&r->host, end) : ARES_ENOMEM;
}

static void names_free(struct names *w)
{
    for (size_t i = 0; i < w->nlinks; i++) {
        free(w->links[i].from);
        free(w->links[i].to);
    }
    for (size_t i = 0; i < w->naddr; i++)
        free(w->addr_owner[i]);
    free(w->links);
    free(w->addr_owner);
    free(w->first_owner);
}

/* One pass over the answer section before any c-ares parser runs: a reply
 * that does not parse is malformed whatever the type asked; a CNAME chain
 * that loops or runs too long is an error; no record of the type asked
 * (a chain ending in nothing, SOA only in the authority section) is NODATA. */
static int pre_walk(int type, const char *qname, const unsigned char *abuf, int alen,
                    struct nr_records *rs)
{
    struct names w;
    memset(&w, 0, sizeof w);
    w.type = type;
    w.rs = rs;
    const char *end = qname;
    size_t hops = 0;
    int st = walk_answers(abuf, alen, collect, &w);
    if (st == ARES_SUCCESS)
        st = follow_chain(&w, qname, &end, &hops);
    if (st == ARES_SUCCESS && type == NR_T_CNAME)
        st = cname_result(&w, end, hops);
    else if (st == ARES_SUCCESS && w.count == 0)
        st = ARES_ENODATA;
    if (st == ARES_SUCCESS && type == NR_T_SRV && w.first_owner)
        st = setname(&rs->canon, w.first_owner);
    names_free(&w);
    return st;
}

/* The chain's steps from qname in order: indexes into w->links. */
static int chain_steps(const struct names *w, const char *qname, size_t *step)
{
    const char *cur = qname;
    int k = 0;
    for (int hop = 0; hop < NR_DNS_MAXCHAIN; hop++) {
        size_t i = 0;
        while (i < w->nlinks && !same_name(w->links[i].from, cur))
            i++;
        if (i == w->nlinks)
            break;
        step[k++] = i;
        cur = w->links[i].to;
    }
    return k;
}

/* Makes room for k records at the front of rs; -1 when out of memory. */
static int open_front(struct nr_records *rs, int k)
{
    size_t n = rs->n;
    for (int i = 0; i < k; i++)
        if (!nr_records_add(rs, NR_T_CNAME)) {
            rs->n = n;
            return -1;
        }
    memmove(rs->r + k, rs->r, n * sizeof *rs->r);
    memset(rs->r, 0, (size_t)k * sizeof *rs->r);
    return 0;
}

int nr_records_add_chain(struct nr_records *rs, const char *qname, const unsigned char *abuf,
                         int alen)
{
    struct names w;
    size_t step[NR_DNS_MAXCHAIN];
    int k, st;
    memset(&w, 0, sizeof w);
    w.type = NR_T_CNAME;
    st = walk_answers(abuf, alen, collect, &w);
    k = st == ARES_SUCCESS ? chain_steps(&w, qname, step) : 0;
    if (k > 0 && open_front(rs, k) < 0)
        st = ARES_ENOMEM;
    for (int i = 0; st == ARES_SUCCESS && i < k; i++) {
        rs->r[i].rtype = NR_T_CNAME;
        rs->r[i].owner = strdup(w.links[step[i]].from);
        st = rs->r[i].owner ? setname(&rs->r[i].host, w.links[step[i]].to) : ARES_ENOMEM;
    }
    names_free(&w);
    return st;
}

void nr_records_drop_chain(struct nr_records *rs)
{
    size_t k = 0;
    for (size_t i = 0; i < rs->n; i++) {
        if (rs->r[i].rtype == NR_T_CNAME) {
            free(rs->r[i].owner);
            free(rs->r[i].host);
        } else {
            rs->r[k++] = rs->r[i];
        }
    }
    rs->n = k;
}

/* ---- ares_parse_*_reply into records ---- */

static int from_hostent(int type, const unsigned char *abuf, int alen, struct nr_records *rs)
{
    struct hostent *he = NULL;
    int st = type == NR_T_A ? ares_parse_a_reply(abuf, alen, &he, NULL, NULL)
           : type == NR_T_AAAA ? ares_parse_aaaa_reply(abuf, alen, &he, NULL, NULL)
           : ares_parse_ns_reply(abuf, alen, &he);
    if (st != ARES_SUCCESS)
        return st;
    if (type == NR_T_NS) {
        for (char **a = he->h_aliases; a && *a && st == ARES_SUCCESS; a++) {
            struct nr_rec *r = nr_records_add(rs, NR_T_NS);
            st = r ? setname(&r->host, *a) : ARES_ENOMEM;
        }
    } else {
        for (char **a = he->h_addr_list; a && *a && st == ARES_SUCCESS; a++) {
            struct nr_rec *r = nr_records_add(rs, type);
            if (!r) {
                st = ARES_ENOMEM;
                break;
            }
            r->ip.len = type == NR_T_A ? 4 : 16;
            memcpy(r->ip.b, *a, r->ip.len);
        }
    }
    ares_free_hostent(he);
    return st;
}

static int from_mx(const unsigned char *abuf, int alen, struct nr_records *rs)
{
    struct ares_mx_reply *mx = NULL;
    int st = ares_parse_mx_reply(abuf, alen, &mx);
    for (struct ares_mx_reply *p = mx; st == ARES_SUCCESS && p; p = p->next) {
        struct nr_rec *r = nr_records_add(rs, NR_T_MX);
        st = r ? setname(&r->host, p->host) : ARES_ENOMEM;
        if (st == ARES_SUCCESS)
            r->pref = p->priority;
    }
    ares_free_data(mx);
    if (st == ARES_SUCCESS)
        nr_mx_sort(rs);
    return st;
}

static int from_srv(const unsigned char *abuf, int alen, uint64_t seed, struct nr_records *rs)
{
    struct ares_srv_reply *srv = NULL;
    int st = ares_parse_srv_reply(abuf, alen, &srv);
    for (struct ares_srv_reply *p = srv; st == ARES_SUCCESS && p; p = p->next) {
        struct nr_rec *r = nr_records_add(rs, NR_T_SRV);
        st = r ? setname(&r->host, p->host) : ARES_ENOMEM;
        if (st == ARES_SUCCESS) {
            r->pref = p->priority;
            r->weight = p->weight;
            r->port = p->port;
        }
    }
    ares_free_data(srv);
    if (st == ARES_SUCCESS)
        nr_srv_sort(rs, &seed);
    return st;
}

/* A record's character-strings arrive as chunks; Go joins them. */
static int from_txt(const unsigned char *abuf, int alen, struct nr_records *rs)
{
    struct ares_txt_ext *txt = NULL;
    int st = ares_parse_txt_reply_ext(abuf, alen, &txt);
    struct nr_rec *r = NULL;
    for (struct ares_txt_ext *p = txt; st == ARES_SUCCESS && p; p = p->next) {
        if (p->record_start || !r) {
            r = nr_records_add(rs, NR_T_TXT);
            if (!r || !(r->data = bytesdup("", 0))) {
                st = ARES_ENOMEM;
                break;
            }
        }
        unsigned char *d = realloc(r->data, r->len + p->length + 1);
        if (!d) {
            st = ARES_ENOMEM;
            break;
        }
        memcpy(d + r->len, p->txt, p->length);
        r->len += p->length;
        d[r->len] = 0;
        r->data = d;
    }
    ares_free_data(txt);
    return st;
}

static int from_soa(const unsigned char *abuf, int alen, struct nr_records *rs)
{
    struct ares_soa_reply *soa = NULL;
    int st = ares_parse_soa_reply(abuf, alen, &soa);
    if (st != ARES_SUCCESS)
        return st;
    struct nr_rec *r = nr_records_add(rs, NR_T_SOA);
    st = r ? setname(&r->host, soa->nsname) : ARES_ENOMEM;
    if (st == ARES_SUCCESS)
        st = setname(&r->host2, soa->hostmaster);
    if (st == ARES_SUCCESS) {
        r->serial = soa->serial;
        r->refresh = soa->refresh;
        r->retry = soa->retry;
        r->expire = soa->expire;
        r->minttl = soa->minttl;
    }
    ares_free_data(soa);
    return st;
}

static int from_caa(const unsigned char *abuf, int alen, struct nr_records *rs)
{
    struct ares_caa_reply *caa = NULL;
    int st = ares_parse_caa_reply(abuf, alen, &caa);
    for (struct ares_caa_reply *p = caa; st == ARES_SUCCESS && p; p = p->next) {
        struct nr_rec *r = nr_records_add(rs, NR_T_CAA);
        if (!r || !(r->tag = (char *)bytesdup(p->property, p->plength)) ||
            !(r->data = bytesdup(p->value, p->length)))
            st = ARES_ENOMEM;
        else {
            r->len = p->length;
            r->pref = (unsigned)p->critical;
        }
    }
    ares_free_data(caa);
    return st;
}

static int dispatch(enum nr_qtype t, const char *qname, const unsigned char *abuf, int alen,
                    uint64_t seed, struct nr_records *rs)
{
    switch (t) {
    case NR_Q_HOST: case NR_Q_IP: case NR_Q_A: return from_hostent(NR_T_A, abuf, alen, rs);
    case NR_Q_AAAA: return from_hostent(NR_T_AAAA, abuf, alen, rs);
    case NR_Q_NS: return from_hostent(NR_T_NS, abuf, alen, rs);
    case NR_Q_MX: return from_mx(abuf, alen, rs);
    case NR_Q_SRV: return from_srv(abuf, alen, seed, rs);
    case NR_Q_TXT: return from_txt(abuf, alen, rs);
    case NR_Q_SOA: return from_soa(abuf, alen, rs);
    case NR_Q_CAA: return from_caa(abuf, alen, rs);
    case NR_Q_ADDR: case NR_Q_CNAME: return ARES_SUCCESS;   /* pre_walk did it */
    }
    return ARES_ENOTIMP;
}

static int rr_type(enum nr_qtype t)
{
    static const int types[] = {
        [NR_Q_HOST] = NR_T_A, [NR_Q_IP] = NR_T_A, [NR_Q_A] = NR_T_A, [NR_Q_AAAA] = NR_T_AAAA,
        [NR_Q_ADDR] = NR_T_PTR, [NR_Q_CNAME] = NR_T_CNAME, [NR_Q_MX] = NR_T_MX, [NR_Q_NS] = NR_T_NS,
        [NR_Q_SRV] = NR_T_SRV, [NR_Q_TXT] = NR_T_TXT, [NR_Q_SOA] = NR_T_SOA, [NR_Q_CAA] = NR_T_CAA,
    };
    return types[t];
}

int nr_records_from_reply(enum nr_qtype t, const char *qname, const unsigned char *abuf,
                          int alen, uint64_t seed, struct nr_records **out)
{
    *out = NULL;
    struct nr_records *rs = calloc(1, sizeof *rs);
    if (!rs)
        return ARES_ENOMEM;
    int st = pre_walk(rr_type(t), qname, abuf, alen, rs);
    if (st == ARES_SUCCESS)
        st = dispatch(t, qname, abuf, alen, seed, rs);
    if (st == ARES_SUCCESS && rs->n == 0)
        st = ARES_ENODATA;
    /* c-ares' parsers say "bad name" for compression loops and pointers
     * past the end: that is the reply's fault, not the user's name. */
    if (st == ARES_EBADNAME || st == ARES_EBADSTR || st == ARES_EBADQUERY)
        st = ARES_EBADRESP;
    if (st != ARES_SUCCESS) {
        nr_records_free(rs);
        return st;
    }
    *out = rs;
    return ARES_SUCCESS;
}

/* ---- ordering ---- */

void nr_mx_sort(struct nr_records *rs)
{
    /* Insertion sort: stable, and record sets are small. */
    for (size_t i = 1; i < rs->n; i++) {
        struct nr_rec r = rs->r[i];
        size_t j = i;
        for (; j > 0 && rs->r[j - 1].pref > r.pref; j--)
            rs->r[j] = rs->r[j - 1];
        rs->r[j] = r;
    }
}

static uint64_t xorshift(uint64_t *s)
{
    uint64_t x = *s ? *s : 0x9e3779b97f4a7c15ULL;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *s = x;
}

static bool srv_less(const struct nr_rec *a, const struct nr_rec *b)
{
    return a->pref < b->pref || (a->pref == b->pref && a->weight < b->weight);
}

/* Go's shuffleByWeight on r[0..n): picks each next record with probability
 * proportional to its weight among those left. */
static void shuffle_by_weight(struct nr_rec *r, size_t n, uint64_t *seed)
{
    unsigned long sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += r[i].weight;
    while (sum > 0 && n > 1) {
        unsigned long pick = (unsigned long)(xorshift(seed) % sum), s = 0;
        for (size_t i = 0; i < n; i++) {
            s += r[i].weight;
            if (s > pick) {
                struct nr_rec t = r[0];
                r[0] = r[i];
                r[i] = t;
                break;
            }
        }
        sum -= r[0].weight;
        r++;
        n--;
    }
}

void nr_srv_sort(struct nr_records *rs, uint64_t *seed)
{
    for (size_t i = 1; i < rs->n; i++) {
        struct nr_rec r = rs->r[i];
        size_t j = i;
        for (; j > 0 && srv_less(&r, &rs->r[j - 1]); j--)
            rs->r[j] = rs->r[j - 1];
        rs->r[j] = r;
    }
    for (size_t i = 0; i < rs->n;) {
        size_t j = i + 1;
        while (j < rs->n && rs->r[j].pref == rs->r[i].pref)
            j++;
        shuffle_by_weight(rs->r + i, j - i, seed);
        i = j;
    }
}

/* ---- names ---- */

int nr_dns_name_check(const char *name, size_t len, char *err, size_t errlen)
{
    if (len == 0)
        return nr_err(err, errlen, "empty name");
    if (memchr(name, 0, len))
        return nr_err(err, errlen, "name contains a NUL byte");
    if (len == 1 && name[0] == '.')
        return 0;
    if (name[len - 1] == '.')
        len--;
    if (len > 253)
        return nr_err(err, errlen, "name longer than 253 bytes");
    size_t label = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i == len || name[i] == '.') {
            if (label == 0)
                return nr_err(err, errlen, "empty label in name");
            if (label > 63)
                return nr_err(err, errlen, "label longer than 63 bytes");
            label = 0;
        } else {
            label++;
        }
    }
    return 0;
}

int nr_srv_name(const char *service, const char *proto, const char *name,
                char *buf, size_t n, char *err, size_t errlen)
{
    int w;
    if (!*service && !*proto)   /* Go: both empty means name is the full SRV name */
        w = snprintf(buf, n, "%s", name);
    else
        w = snprintf(buf, n, "_%s._%s.%s", service, proto, name);
    if (w < 0 || (size_t)w >= n)
        return nr_err(err, errlen, "name too long");
    return 0;
}

char *nr_reverse_name(const struct nr_ip *ip, char *buf, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t off = 0;
    buf[0] = 0;
    if (nr_ip_is4(ip)) {
        const uint8_t *b = nr_ip_v4bytes(ip);
        snprintf(buf, n, "%u.%u.%u.%u.in-addr.arpa", b[3], b[2], b[1], b[0]);
        return buf;
    }
    for (int i = 15; i >= 0 && off + 4 < n; i--) {
        buf[off++] = hex[ip->b[i] & 15];
        buf[off++] = '.';
        buf[off++] = hex[ip->b[i] >> 4];
        buf[off++] = '.';
    }
    snprintf(buf + off, n - off, "ip6.arpa");
    return buf;
}
