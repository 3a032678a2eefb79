/* Unit tests: lib/dnsmsg (queries built and replies read through ldns):
 * type words, the flags and EDNS options of a query, a reply's header,
 * sections and NSID, RFC 3597 for unknown types, malformed input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "lib/dnsmsg.h"
#include "lib/util.h"

#include <ldns/ldns.h>

static void test_types(void **st)
{
    uint16_t t;
    char buf[16];
    assert_int_equal(nr_rrtype_parse("https", &t), 0);
    assert_int_equal(t, 65);
    assert_int_equal(nr_rrtype_parse("TLSA", &t), 0);
    assert_int_equal(t, 52);
    assert_int_equal(nr_rrtype_parse("type65534", &t), 0);
    assert_int_equal(t, 65534);
    assert_int_equal(nr_rrtype_parse("65534", &t), 0);
    assert_int_equal(nr_rrtype_parse("type65536", &t), -1);
    assert_int_equal(nr_rrtype_parse("0", &t), -1);
    assert_int_equal(nr_rrtype_parse("nosuchtype", &t), -1);
    assert_int_equal(nr_rrtype_parse("", &t), -1);
    assert_string_equal(nr_rrtype_str(65534, buf, sizeof buf), "TYPE65534");
    assert_string_equal(nr_rrtype_str(48, buf, sizeof buf), "DNSKEY");
}

/* A query parses back as a message with what was asked. */
static void test_query_roundtrip(void **st)
{
    struct nr_dnsq q = { "www.nr.test", 65, false, true, true, false, 4096, false };
    unsigned char *w;
    size_t n;
    char err[NR_ERRLEN];
    struct nr_dnsmsg *m;
    assert_int_equal(nr_dnsq_build(&q, &w, &n, err, sizeof err), 0);
    assert_int_equal(nr_dnsmsg_parse(w, n, &m, err, sizeof err), 0);
    assert_false(m->qr);
    assert_false(m->rd);   /* +norecurse */
    assert_true(m->edns);
    assert_true(m->do_bit);
    assert_int_equal(m->udp_size, 4096);
    assert_int_equal(m->n[NR_SEC_QUESTION], 1);
    assert_string_equal(m->sec[NR_SEC_QUESTION][0].owner, "www.nr.test.");
    assert_string_equal(m->sec[NR_SEC_QUESTION][0].type, "HTTPS");
    assert_non_null(m->nsid);   /* the empty NSID option asked for */
    assert_int_equal(m->nsid_len, 0);
    nr_dnsmsg_free(m);
    free(w);
    struct nr_dnsq plain = { "nr.test", 1, true, false, false, false, 0, false };
    assert_int_equal(nr_dnsq_build(&plain, &w, &n, err, sizeof err), 0);
    assert_int_equal(n, 12 + 9 + 4);   /* header, name, type and class: no OPT */
    free(w);
    struct nr_dnsq bad = { "a..b", 1, true, false, false, false, 0, false };
    assert_int_equal(nr_dnsq_build(&bad, &w, &n, err, sizeof err), -1);
}

/* The query as ldns builds it (ldns_pkt2wire): the oracle for the bytes
 * nr_dnsq_build writes itself. */
static uint8_t *ldns_query(const struct nr_dnsq *q, size_t *n)
{
    ldns_rdf *name = ldns_dname_new_frm_str(q->name);
    ldns_pkt *p = ldns_pkt_query_new(name, (ldns_rr_type)q->type, LDNS_RR_CLASS_IN,
                                     (uint16_t)((q->rd ? LDNS_RD : 0) | (q->cd ? LDNS_CD : 0)));
    uint8_t *w = NULL;
    assert_non_null(p);
    if (q->dnssec || q->nsid || q->bufsize || q->edns) {
        ldns_pkt_set_edns_udp_size(p, (uint16_t)(q->bufsize ? q->bufsize : 1232));
        ldns_pkt_set_edns_do(p, q->dnssec);
        if (q->nsid) {
            static const uint8_t opt[4] = { 0, 3, 0, 0 };
            ldns_pkt_set_edns_data(p, ldns_rdf_new_frm_data(LDNS_RDF_TYPE_UNKNOWN, 4, opt));
        }
    }
    assert_int_equal(ldns_pkt2wire(&w, p, n), LDNS_STATUS_OK);
    ldns_pkt_free(p);
    return w;
}

/* Every combination of RD, CD, DO, NSID, buffer size and plain EDNS, for
 * names with escapes and the root: the same bytes as ldns writes, but the
 * id (random in both). */
static void test_query_bytes_as_ldns(void **st)
{
    static const char *const names[] = { "www.nr.test", "nr.test.", ".", "a\\.b.test",
                                         "\\000x.test", "xn--bcher-kva.example" };
    static const uint16_t types[] = { 1, 28, 65, 255, 65534 };
    char err[NR_ERRLEN];
    int checked = 0;
    for (size_t ni = 0; ni < sizeof names / sizeof names[0]; ni++)
        for (int bits = 0; bits < 64; bits++) {
            struct nr_dnsq q = { names[ni], types[(size_t)bits % 5], bits & 1, bits & 2, bits & 4,
                                 bits & 8, bits & 16 ? 4096 : 0, bits & 32 };
            unsigned char *mine;
            size_t n, m;
            assert_int_equal(nr_dnsq_build(&q, &mine, &n, err, sizeof err), 0);
            uint8_t *want = ldns_query(&q, &m);
            if (n != m || memcmp(mine + 2, want + 2, n - 2))
                fail_msg("%s type %u bits %d: %zu bytes, ldns %zu", names[ni], q.type, bits, n, m);
            free(mine);
            free(want);
            checked++;
        }
    assert_int_equal(checked, 6 * 64);
}

/* A random name in wire form (any byte in a label), at most max bytes. */
static size_t random_name(uint32_t *seed, uint8_t *w, size_t max)
{
    size_t n = 0;
    int labels = (int)(*seed % 5);
    for (int l = 0; l < labels; l++) {
        *seed = *seed * 1103515245u + 12345u;
        size_t len = 1 + (*seed >> 8) % 20;
        if (n + 1 + len + 1 > max)
            break;
        w[n++] = (uint8_t)len;
        for (size_t k = 0; k < len; k++) {
            *seed = *seed * 1103515245u + 12345u;
            uint8_t c = (uint8_t)(*seed >> 16);
            w[n++] = (*seed >> 9) % 2 ? (uint8_t)('a' + c % 26) : c;   /* half plain */
        }
    }
    w[n++] = 0;
    return n;
}

/* Names are printed by nr_dnsmsg_parse itself (one write, not a printf a
 * byte): the same text as ldns_rdf2str gives, for owners and CNAME
 * targets of 3000 random names, escapes and the root included. */
static void test_names_as_ldns(void **st)
{
    uint32_t seed = 7;
    char err[NR_ERRLEN];
    for (int i = 0; i < 3000; i++) {
        uint8_t r[600] = { 0x12, 0x34, 0x84, 0x00, 0, 1, 0, 1, 0, 0, 0, 0 };
        size_t n = 12;
        n += random_name(&seed, r + n, 255);
        r[n++] = 0, r[n++] = 5, r[n++] = 0, r[n++] = 1;               /* CNAME IN */
        r[n++] = 0xc0, r[n++] = 12;                                    /* owner: the qname */
        r[n++] = 0, r[n++] = 5, r[n++] = 0, r[n++] = 1, r[n++] = 0, r[n++] = 0, r[n++] = 0,
        r[n++] = 60;
        size_t rdlen = random_name(&seed, r + n + 2, 255);
        r[n] = (uint8_t)(rdlen >> 8), r[n + 1] = (uint8_t)rdlen;
        n += 2 + rdlen;
        struct nr_dnsmsg *m;
        ldns_pkt *p = NULL;
        assert_int_equal(ldns_wire2pkt(&p, r, n), LDNS_STATUS_OK);
        assert_int_equal(nr_dnsmsg_parse(r, n, &m, err, sizeof err), 0);
        ldns_rr *rr = ldns_rr_list_rr(ldns_pkt_answer(p), 0);
        char *owner = ldns_rdf2str(ldns_rr_owner(rr)), *target = ldns_rdf2str(ldns_rr_rdf(rr, 0));
        assert_string_equal(m->sec[NR_SEC_ANSWER][0].owner, owner);
        assert_string_equal(m->sec[NR_SEC_ANSWER][0].rdata, target);
        assert_string_equal(m->sec[NR_SEC_QUESTION][0].owner, owner);
        free(owner);
        free(target);
        ldns_pkt_free(p);
        nr_dnsmsg_free(m);
    }
}

/* A reply by hand: NOERROR aa, one unknown-type record, OPT with NSID "ns". */
static void test_reply(void **st)
{
    static const unsigned char r[] = {
        0x12, 0x34, 0x84, 0x00, 0, 1, 0, 1, 0, 0, 0, 1,
        1, 'x', 0, 0xff, 0xfe, 0, 1,                                /* x. TYPE65534 IN */
        0xc0, 12, 0xff, 0xfe, 0, 1, 0, 0, 0x0e, 0x10, 0, 2, 0xab, 0xcd,
        0, 0, 41, 0x04, 0xd0, 0, 0, 0x80, 0, 0, 6, 0, 3, 0, 2, 'n', 's',
    };
    struct nr_dnsmsg *m;
    char err[NR_ERRLEN];
    assert_int_equal(nr_dnsmsg_parse(r, sizeof r, &m, err, sizeof err), 0);
    assert_int_equal(m->id, 0x1234);
    assert_true(m->qr && m->aa && !m->tc && !m->rd);
    assert_string_equal(m->rcode, "NOERROR");
    assert_string_equal(m->opcode, "QUERY");
    assert_int_equal(m->n[NR_SEC_ANSWER], 1);
    assert_int_equal(m->n[NR_SEC_ADDITIONAL], 0);   /* OPT is not a record here */
    assert_string_equal(m->sec[NR_SEC_ANSWER][0].type, "TYPE65534");
    assert_string_equal(m->sec[NR_SEC_ANSWER][0].rdata, "\\# 2 abcd");
    assert_int_equal(m->sec[NR_SEC_ANSWER][0].ttl, 3600);
    assert_true(m->edns && m->do_bit);
    assert_int_equal(m->udp_size, 1232);
    assert_int_equal(m->nsid_len, 2);
    assert_memory_equal(m->nsid, "ns", 2);
    nr_dnsmsg_free(m);
    assert_int_equal(nr_dnsmsg_parse(r, 20, &m, err, sizeof err), -1);
    assert_non_null(strstr(err, "malformed reply"));
    assert_null(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_types),
        cmocka_unit_test(test_query_roundtrip),
        cmocka_unit_test(test_query_bytes_as_ldns),
        cmocka_unit_test(test_names_as_ldns),
        cmocka_unit_test(test_reply),
    };
    return cmocka_run_group_tests_name("dnsmsg", tests, NULL, NULL);
}
