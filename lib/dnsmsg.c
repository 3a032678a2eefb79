/* lib/dnsmsg — queries built and replies read with ldns (see dnsmsg.h). */
#include "lib/dnsmsg.h"
#include "lib/util.h"

#include <ctype.h>
#include <ldns/ldns.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

enum { EDNS_NSID = 3, DEFAULT_BUFSIZE = 1232 };

static unsigned char *put16(unsigned char *p, unsigned v)
{
    p[0] = (unsigned char)(v >> 8), p[1] = (unsigned char)v;
    return p + 2;
}

/* The query is written here byte by byte (RFC 1035 4.1, RFC 6891 6.1.2:
 * header, question, and an OPT record when EDNS is asked for) rather than
 * through an ldns_pkt and ldns_pkt2wire, whose name compression and
 * allocations were a tenth of a trace step; the name is still read by ldns
 * (escapes, label and name lengths). tests/unit/test_dnsmsg.c checks the
 * bytes against ldns_pkt2wire for every combination of flags. */
int nr_dnsq_build(const struct nr_dnsq *q, unsigned char **wire, size_t *len,
                  char *err, size_t errlen)
{
    ldns_rdf *name = NULL;
    *wire = NULL;
    if (ldns_str2rdf_dname(&name, q->name) != LDNS_STATUS_OK || !name)
        return nr_err(err, errlen, "not a valid domain name");
    bool edns = q->dnssec || q->nsid || q->bufsize || q->edns;
    size_t nlen = ldns_rdf_size(name), n = 12 + nlen + 4 + (edns ? 11 + (q->nsid ? 4 : 0) : 0);
    unsigned char *w = malloc(n), *p = w;
    uint16_t id;
    if (!w) {
        ldns_rdf_deep_free(name);
        return nr_err(err, errlen, "out of memory");
    }
    /* c-ares 1.18's ares_send() keeps the id it is given, so it must be
     * unpredictable: getrandom(2), one system call (ldns's own draw went
     * through OpenSSL's RNG, whose set-up cost more than a whole step). */
    if (getrandom(&id, sizeof id, GRND_NONBLOCK) != (ssize_t)sizeof id)
        id = ldns_get_random();
    p = put16(p, id);
    p = put16(p, (q->rd ? 0x0100u : 0) | (q->cd ? 0x0010u : 0));
    p = put16(p, 1), p = put16(p, 0), p = put16(p, 0), p = put16(p, edns ? 1 : 0);
    memcpy(p, ldns_rdf_data(name), nlen);
    p += nlen;
    p = put16(p, q->type), p = put16(p, LDNS_RR_CLASS_IN);
    if (edns) {
        *p++ = 0;                                              /* the root */
        p = put16(p, LDNS_RR_TYPE_OPT);
        p = put16(p, (unsigned)(q->bufsize ? q->bufsize : DEFAULT_BUFSIZE));
        p = put16(p, 0);                                       /* extended rcode, version */
        p = put16(p, q->dnssec ? 0x8000u : 0);                 /* DO */
        p = put16(p, q->nsid ? 4 : 0);
        if (q->nsid)
            p = put16(p, EDNS_NSID), p = put16(p, 0);          /* NSID, asked empty */
    }
    ldns_rdf_deep_free(name);
    *wire = w;
    *len = (size_t)(p - w);
    return 0;
}

/* ---- replies ---- */

/* Every string of a message is written into one ldns buffer and copied
 * out (buf_take), rather than a buffer made and freed per field: a trace
 * step reads a whole reply this way, and the allocations were most of it. */
static char *buf_take(ldns_buffer *b)
{
    char *s = NULL;
    if (ldns_buffer_status_ok(b))
        s = strndup((const char *)ldns_buffer_begin(b), ldns_buffer_position(b));
    ldns_buffer_clear(b);
    return s;
}

/* A domain name in presentation format exactly as ldns writes it
 * (ldns_rdf2buffer_str_dname: '.', ';', '(', ')' and '\\' after a
 * backslash, any byte but printable ASCII as \DDD, the root as "."), in one
 * write: ldns calls printf once a byte, and names are most of a reply's
 * text. tests/unit/test_dnsmsg.c compares the two on random names. */
static void dname_str(ldns_buffer *b, const ldns_rdf *r)
{
    const uint8_t *d = ldns_rdf_data(r);
    size_t n = ldns_rdf_size(r), o = 0;
    char out[4 * LDNS_MAX_DOMAINLEN + 8];
    if (n > LDNS_MAX_DOMAINLEN || !d) {
        ldns_rdf2buffer_str(b, r);   /* ldns's own error */
        return;
    }
    if (n == 1)
        out[o++] = '.';
    for (size_t i = 0; n > 1 && i < n && d[i];) {
        size_t len = d[i++];
        for (size_t k = 0; k < len && i < n; k++, i++) {
            unsigned c = d[i];
            if (c == '.' || c == ';' || c == '(' || c == ')' || c == '\\')
                out[o++] = '\\', out[o++] = (char)c;
            else if (!(isascii((int)c) && isgraph((int)c)))
                o += (size_t)snprintf(out + o, sizeof out - o, "\\%03u", c);
            else
                out[o++] = (char)c;
        }
        if (i < n)
            out[o++] = '.';
    }
    if (ldns_buffer_reserve(b, o))
        ldns_buffer_write(b, out, o);
}

static void rdf_str(ldns_buffer *b, const ldns_rdf *r)
{
    if (ldns_rdf_get_type(r) == LDNS_RDF_TYPE_DNAME)
        dname_str(b, r);
    else
        ldns_rdf2buffer_str(b, r);
}

/* The record's rdata fields in presentation format, joined by spaces. */
static void rdata_str(ldns_buffer *b, const ldns_rr *rr)
{
    for (size_t i = 0; i < ldns_rr_rd_count(rr); i++) {
        if (i)
            ldns_buffer_printf(b, " ");
        rdf_str(b, ldns_rr_rdf(rr, i));
    }
}

static int take_rr(ldns_buffer *b, const ldns_rr *rr, bool question, struct nr_dnsrr *o)
{
    if (ldns_rr_owner(rr))
        rdf_str(b, ldns_rr_owner(rr));
    o->owner = buf_take(b);
    o->ttl = question ? 0 : ldns_rr_ttl(rr);
    ldns_rr_class2buffer_str(b, ldns_rr_get_class(rr));
    o->cls = buf_take(b);
    o->rtype = (uint16_t)ldns_rr_get_type(rr);
    ldns_rr_type2buffer_str(b, ldns_rr_get_type(rr));
    o->type = buf_take(b);
    if (!question)
        rdata_str(b, rr);
    o->rdata = buf_take(b);
    return o->owner && o->cls && o->type && o->rdata ? 0 : -1;
}

static int take_section(ldns_buffer *b, const ldns_rr_list *l, bool question,
                        struct nr_dnsrr **out, size_t *n)
{
    size_t k = l ? ldns_rr_list_rr_count(l) : 0;
    *n = 0;
    *out = calloc(k ? k : 1, sizeof **out);
    if (!*out)
        return -1;
    for (size_t i = 0; i < k; i++) {
        (*n)++;
        if (take_rr(b, ldns_rr_list_rr(l, i), question, &(*out)[i]) < 0)
            return -1;
    }
    return 0;
}

/* NSID from the OPT record's options (code, length, data...). */
static int take_nsid(const ldns_pkt *p, struct nr_dnsmsg *m)
{
    const ldns_rdf *d = ldns_pkt_edns_data(p);
    const uint8_t *b = d ? ldns_rdf_data(d) : NULL;
    size_t n = d ? ldns_rdf_size(d) : 0;
    for (size_t i = 0; i + 4 <= n;) {
        size_t code = (size_t)b[i] << 8 | b[i + 1], len = (size_t)b[i + 2] << 8 | b[i + 3];
        if (i + 4 + len > n)
            break;
        if (code == EDNS_NSID) {
            m->nsid = malloc(len + 1);
            if (!m->nsid)
                return -1;
            memcpy(m->nsid, b + i + 4, len);
            m->nsid[len] = 0;
            m->nsid_len = len;
        }
        i += 4 + len;
    }
    return 0;
}

static void take_header(const ldns_pkt *p, struct nr_dnsmsg *m)
{
    ldns_lookup_table *t;
    m->id = ldns_pkt_id(p);
    m->qr = ldns_pkt_qr(p), m->aa = ldns_pkt_aa(p), m->tc = ldns_pkt_tc(p);
    m->rd = ldns_pkt_rd(p), m->ra = ldns_pkt_ra(p), m->ad = ldns_pkt_ad(p), m->cd = ldns_pkt_cd(p);
    t = ldns_lookup_by_id(ldns_opcodes, (int)ldns_pkt_get_opcode(p));
    snprintf(m->opcode, sizeof m->opcode, "%s", t ? t->name : "?");
    m->rcode_num = (int)ldns_pkt_get_rcode(p) | (int)ldns_pkt_edns_extended_rcode(p) << 4;
    t = ldns_lookup_by_id(ldns_rcodes, m->rcode_num);
    if (t)
        snprintf(m->rcode, sizeof m->rcode, "%s", t->name);
    else
        snprintf(m->rcode, sizeof m->rcode, "RCODE%d", m->rcode_num);
    m->edns = ldns_pkt_edns(p);
    m->edns_version = ldns_pkt_edns_version(p);
    m->udp_size = ldns_pkt_edns_udp_size(p);
    m->do_bit = ldns_pkt_edns_do(p);
}

int nr_dnsmsg_parse(const unsigned char *buf, size_t len, struct nr_dnsmsg **out,
                    char *err, size_t errlen)
{
    ldns_pkt *p = NULL;
    *out = NULL;
    ldns_status st = ldns_wire2pkt(&p, buf, len);
    if (st != LDNS_STATUS_OK)
        return nr_err(err, errlen, "malformed reply (%s)", ldns_get_errorstr_by_id(st));
    struct nr_dnsmsg *m = calloc(1, sizeof *m);
    ldns_buffer *b = ldns_buffer_new(256);
    int rc = m && b ? 0 : -1;
    if (rc == 0) {
        take_header(p, m);
        ldns_rr_list *secs[NR_SEC_N] = { ldns_pkt_question(p), ldns_pkt_answer(p),
                                          ldns_pkt_authority(p), ldns_pkt_additional(p) };
        for (int i = 0; i < NR_SEC_N && rc == 0; i++)
            rc = take_section(b, secs[i], i == NR_SEC_QUESTION, &m->sec[i], &m->n[i]);
        if (rc == 0)
            rc = take_nsid(p, m);
    }
    if (b)
        ldns_buffer_free(b);
    ldns_pkt_free(p);
    if (rc < 0) {
        nr_dnsmsg_free(m);
        return nr_err(err, errlen, "out of memory");
    }
    *out = m;
    return 0;
}

void nr_dnsmsg_free(struct nr_dnsmsg *m)
{
    if (!m)
        return;
    for (int s = 0; s < NR_SEC_N; s++) {
        for (size_t i = 0; i < m->n[s]; i++) {
            free(m->sec[s][i].owner);
            free(m->sec[s][i].cls);
            free(m->sec[s][i].type);
            free(m->sec[s][i].rdata);
        }
        free(m->sec[s]);
    }
    free(m->nsid);
    free(m);
}
