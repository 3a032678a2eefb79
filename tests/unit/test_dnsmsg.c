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
        cmocka_unit_test(test_reply),
    };
    return cmocka_run_group_tests_name("dnsmsg", tests, NULL, NULL);
}
