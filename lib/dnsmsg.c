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

/* EDNS options: NSID asked for with an empty option. */
static int add_nsid(ldns_pkt *p)
{
    static const uint8_t opt[4] = { 0, EDNS_NSID, 0, 0 };
    ldns_rdf *d = ldns_rdf_new_frm_data(LDNS_RDF_TYPE_UNKNOWN, sizeof opt, opt);
    if (!d)
        return -1;
    ldns_pkt_set_edns_data(p, d);
    return 0;
}

/* c-ares 1.18's ares_send() keeps the id it is given, so it must be
 * unpredictable. getrandom(2) is one system call; ldns's own draw goes
 * through OpenSSL's RNG, whose set-up (config file, DRBG seeding) cost more
 * than the rest of a trace step. */
static void set_random_id(ldns_pkt *p)
{
    uint16_t id;
    if (getrandom(&id, sizeof id, GRND_NONBLOCK) == (ssize_t)sizeof id)
        ldns_pkt_set_id(p, id);
    else
        ldns_pkt_set_random_id(p);
}

int nr_dnsq_build(const struct nr_dnsq *q, unsigned char **wire, size_t *len,
                  char *err, size_t errlen)
{
    ldns_rdf *name = ldns_dname_new_frm_str(q->name);
    *wire = NULL;
    if (!name)
        return nr_err(err, errlen, "not a valid domain name");
    ldns_pkt *p = ldns_pkt_query_new(name, (ldns_rr_type)q->type, LDNS_RR_CLASS_IN,
                                     (uint16_t)((q->rd ? LDNS_RD : 0) | (q->cd ? LDNS_CD : 0)));
    if (!p)
        return nr_err(err, errlen, "out of memory");
    set_random_id(p);
    if (q->dnssec || q->nsid || q->bufsize || q->edns) {
        ldns_pkt_set_edns_udp_size(p, (uint16_t)(q->bufsize ? q->bufsize : DEFAULT_BUFSIZE));
        ldns_pkt_set_edns_do(p, q->dnssec);
        if (q->nsid && add_nsid(p) < 0) {
            ldns_pkt_free(p);
            return nr_err(err, errlen, "out of memory");
        }
    }
    uint8_t *w = NULL;
    ldns_status st = ldns_pkt2wire(&w, p, len);
    ldns_pkt_free(p);
    if (st != LDNS_STATUS_OK)
        return nr_err(err, errlen, "%s", ldns_get_errorstr_by_id(st));
    *wire = w;
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

/* The record's rdata fields in presentation format, joined by spaces. */
static void rdata_str(ldns_buffer *b, const ldns_rr *rr)
{
    for (size_t i = 0; i < ldns_rr_rd_count(rr); i++) {
        if (i)
            ldns_buffer_printf(b, " ");
        ldns_rdf2buffer_str(b, ldns_rr_rdf(rr, i));
    }
}

static int take_rr(ldns_buffer *b, const ldns_rr *rr, bool question, struct nr_dnsrr *o)
{
    if (ldns_rr_owner(rr))
        ldns_rdf2buffer_str(b, ldns_rr_owner(rr));
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
