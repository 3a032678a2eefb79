/* Unit tests: the packet ladder (shell/ladder) on synthetic packets — a
 * handshake, a data exchange, a FIN close, an RST — at several widths, in
 * ASCII and UTF-8; and the pictures' helpers (shell/pics): sparkline, the
 * fixed RTT bucket edges, the progress line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shell/ladder.h"
#include "shell/pics.h"

static void set_addr(struct sockaddr_storage *ss, socklen_t *len, const char *ip, int port)
{
    struct sockaddr_in *a = (struct sockaddr_in *)ss;
    memset(ss, 0, sizeof *ss);
    a->sin_family = AF_INET;
    a->sin_port = htons((uint16_t)port);
    inet_pton(AF_INET, ip, &a->sin_addr);
    *len = sizeof *a;
}

/* A TCP packet from the client (127.0.0.1:50312, the local end) or the
 * server (127.0.0.1:8080). */
static struct nr_pkt tcp(int64_t t, bool sent, unsigned flags, uint32_t seq, uint32_t ack,
                         uint32_t len)
{
    struct nr_pkt p;
    memset(&p, 0, sizeof p);
    p.t_us = t;
    p.dir = sent ? NR_PKT_SENT : NR_PKT_RECEIVED;
    p.proto = IPPROTO_TCP;
    p.flags = flags;
    p.seq = seq;
    p.ack = ack;
    p.has_ack = flags & NR_TCP_ACK;
    p.len = len;
    p.icmp_type = p.icmp_code = -1;
    set_addr(sent ? &p.src : &p.dst, sent ? &p.src_len : &p.dst_len, "127.0.0.1", 50312);
    set_addr(sent ? &p.dst : &p.src, sent ? &p.dst_len : &p.src_len, "127.0.0.1", 8080);
    return p;
}

enum { A = NR_TCP_ACK, S = NR_TCP_SYN, F = NR_TCP_FIN, R = NR_TCP_RST, P = NR_TCP_PSH };

/* Handshake, "hello\n" each way, FIN close from the client. */
static size_t conversation(struct nr_pkt *p)
{
    size_t n = 0;
    p[n++] = tcp(1000000, true, S, 0, 0, 0);
    p[n++] = tcp(1000040, false, S | A, 0, 1, 0);
    p[n++] = tcp(1000050, true, A, 1, 1, 0);
    p[n++] = tcp(1200000, true, P | A, 1, 1, 6);
    p[n++] = tcp(1200030, false, A, 1, 7, 0);
    p[n++] = tcp(1300000, false, P | A, 1, 7, 6);
    p[n++] = tcp(1300020, true, A, 7, 7, 0);
    p[n++] = tcp(2000000, true, F | A, 7, 7, 0);
    p[n++] = tcp(2000030, false, F | A, 7, 8, 0);
    p[n++] = tcp(2000040, true, A, 8, 8, 0);
    return n;
}

static char *draw(const struct nr_pkt *p, size_t n, int width, bool utf8)
{
    struct nr_buf b = { 0 };
    struct ladder_style st = { width, utf8, false, true };
    assert_int_equal(ladder_draw(&b, p, n, &st), 0);
    nr_buf_add(&b, "", 1);
    if (getenv("LADDER_SHOW"))   /* to look at the pictures */
        printf("width %d:\n%s\n", width, (char *)b.p);
    return (char *)b.p;
}

/* The n-th line (0-based) of text, into buf. */
static const char *line(const char *text, int k, char *buf, size_t n)
{
    for (; k > 0 && text; k--) {
        text = strchr(text, '\n');
        if (text)
            text++;
    }
    assert_non_null(text);
    size_t len = strcspn(text, "\n");
    snprintf(buf, n, "%.*s", (int)(len < n ? len : n - 1), text);
    return buf;
}

static void test_labels(void **state)
{
    (void)state;
    char b[96];
    struct nr_pkt p[16];
    conversation(p);
    assert_string_equal(ladder_label(&p[0], 0, b, sizeof b), "SYN");
    assert_string_equal(ladder_label(&p[1], 0, b, sizeof b), "SYN+ACK ack=1");
    assert_string_equal(ladder_label(&p[1], 2, b, sizeof b), "SYN+ACK ack=1");
    assert_string_equal(ladder_label(&p[3], 0, b, sizeof b), "PSH+ACK seq=1 ack=1 len=6");
    assert_string_equal(ladder_label(&p[3], 1, b, sizeof b), "PSH+ACK seq=1 len=6");
    assert_string_equal(ladder_label(&p[3], 2, b, sizeof b), "PSH+ACK len=6");
    assert_string_equal(ladder_label(&p[3], 3, b, sizeof b), "PSH+ACK");
    assert_string_equal(ladder_label(&p[3], 4, b, sizeof b), "P.");
    assert_string_equal(ladder_label(&p[3], 5, b, sizeof b), "");
    assert_string_equal(ladder_label(&p[7], 2, b, sizeof b), "FIN+ACK");
    struct nr_pkt r = tcp(0, false, R, 1, 0, 0);
    assert_string_equal(ladder_label(&r, 0, b, sizeof b), "RST seq=1");
    assert_string_equal(ladder_label(&r, 4, b, sizeof b), "R");
}

static void test_handshake_ascii(void **state)
{
    (void)state;
    struct nr_pkt p[16];
    conversation(p);
    char *t = draw(p, 3, 80, false);
    char b[256];
    assert_non_null(strstr(line(t, 0, b, sizeof b), "127.0.0.1:50312"));
    assert_true(strstr(b, "127.0.0.1:50312") < strstr(b, "127.0.0.1:8080"));
    /* Left to right for what the local end sent, right to left for replies. */
    line(t, 2, b, sizeof b);
    assert_true(!strncmp(b, "0.000000", 8));
    assert_non_null(strstr(b, "| SYN") ? NULL : strstr(b, "- SYN -"));
    assert_non_null(strstr(b, "->|"));
    line(t, 3, b, sizeof b);
    assert_true(!strncmp(b, "0.000040", 8));
    assert_non_null(strstr(b, "|<-"));
    assert_non_null(strstr(b, " SYN+ACK ack=1 "));
    line(t, 4, b, sizeof b);
    assert_non_null(strstr(b, " ACK seq=1 ack=1 "));
    assert_null(strchr(t, '\033'));
    for (const unsigned char *c = (const unsigned char *)t; *c; c++)
        assert_true(*c < 0x80);   /* plain ASCII */
    free(t);
}

/* Every line fits the width; labels shrink before arrows go. */
static void test_widths(void **state)
{
    (void)state;
    struct nr_pkt p[16];
    size_t n = conversation(p);
    int widths[] = { 120, 80, 60, 50, 44 };
    for (size_t w = 0; w < sizeof widths / sizeof *widths; w++) {
        char *t = draw(p, n, widths[w], false);
        char b[256];
        for (int k = 0; k < 2 + (int)n; k++)
            assert_true((int)strlen(line(t, k, b, sizeof b)) <= widths[w]);
        assert_non_null(strstr(line(t, 5, b, sizeof b), "->|"));   /* still an arrow */
        free(t);
    }
    char *t = draw(p, n, 50, false);
    char b[256];
    assert_non_null(strstr(line(t, 5, b, sizeof b), "PSH+ACK"));
    assert_null(strstr(b, "ack=1"));   /* shortened */
    free(t);
    t = draw(p, n, 30, false);   /* addresses shortened, arrows kept */
    assert_non_null(strstr(line(t, 0, b, sizeof b), "..1:50312"));
    assert_non_null(strstr(line(t, 3, b, sizeof b), "|<-"));
    assert_true(strlen(b) <= 30);
    free(t);
    t = draw(p, n, 22, false);   /* no room for arrows: a line each */
    assert_non_null(strstr(line(t, 0, b, sizeof b), "left: "));
    assert_non_null(strstr(line(t, 2, b, sizeof b), "-> S"));
    assert_non_null(strstr(line(t, 3, b, sizeof b), "<- S"));
    for (int k = 0; k < 2 + (int)n; k++)
        assert_true((int)strlen(line(t, k, b, sizeof b)) <= 22);
    free(t);
}

static void test_close_and_reset_utf8(void **state)
{
    (void)state;
    struct nr_pkt p[16];
    size_t n = conversation(p);
    char *t = draw(p, n, 80, true);
    char b[512];
    assert_non_null(strstr(line(t, 9, b, sizeof b), " FIN+ACK seq=7 ack=7 "));
    assert_non_null(strstr(b, "─►│"));
    assert_non_null(strstr(line(t, 10, b, sizeof b), "│◄─"));
    assert_non_null(strstr(b, "FIN+ACK seq=7 ack=8"));
    free(t);
    struct nr_pkt r[2] = { tcp(0, true, S, 0, 0, 0), tcp(30, false, R | A, 0, 1, 0) };
    t = draw(r, 2, 80, true);
    assert_non_null(strstr(line(t, 3, b, sizeof b), "│◄─"));
    assert_non_null(strstr(b, " RST+ACK ack=1 ") ? b : NULL);
    free(t);
}

/* Terminal cells of a line (UTF-8: one a code point). */
static int cells(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xc0) != 0x80;
    return n;
}

/* Without times (scripts): the rails still line up, nothing but arrows. */
static void test_no_time(void **state)
{
    (void)state;
    struct nr_pkt p[16];
    size_t n = conversation(p);
    struct nr_buf b = { 0 };
    struct ladder_style st = { 60, false, false, false };
    assert_int_equal(ladder_draw(&b, p, n, &st), 0);
    nr_buf_add(&b, "", 1);
    char *t = (char *)b.p, l[256];
    if (getenv("LADDER_SHOW"))
        printf("no time:\n%s\n", t);
    assert_null(strchr(t, '.') && strstr(t, "0.0000") ? t : NULL);
    size_t rail = strchr(line(t, 1, l, sizeof l), '|') - l;
    for (int k = 1; k < 2 + (int)n; k++) {
        line(t, k, l, sizeof l);
        assert_int_equal(strchr(l, '|') - l, (long)rail);   /* the left rail */
        assert_true(strlen(l) <= 60);
    }
    assert_non_null(strstr(line(t, 2, l, sizeof l), "- SYN -"));
    free(t);
}

/* Packet by packet: a head first, the same rows as drawn at once, a new
 * head for another connection and when the time outgrows its column. */
static void test_streaming(void **state)
{
    (void)state;
    struct nr_pkt p[16];
    size_t n = conversation(p);
    struct ladder_style st = { 80, true, false, true };
    struct ladder l;
    ladder_init(&l, &st);
    struct nr_buf one = { 0 }, all = { 0 };
    for (size_t i = 0; i < n; i++)
        assert_int_equal(ladder_add(&l, &one, &p[i]), 0);
    assert_int_equal(ladder_draw(&all, p, n, &st), 0);
    assert_int_equal(one.len, all.len);
    assert_memory_equal(one.p, all.p, one.len);
    /* Another client of the same server: a head naming it. */
    struct nr_pkt o = p[0];
    ((struct sockaddr_in *)&o.src)->sin_port = htons(50999);
    o.t_us = p[n - 1].t_us + 10;
    one.len = 0;
    assert_int_equal(ladder_add(&l, &one, &o), 0);
    nr_buf_add(&one, "", 1);
    char b[512];
    assert_non_null(strstr(line((char *)one.p, 0, b, sizeof b), "127.0.0.1:50999"));
    assert_non_null(strstr(line((char *)one.p, 2, b, sizeof b), "1.000050 "));
    assert_non_null(strstr(b, "─►│"));
    /* 12 s in: the time column grows, under a fresh head. */
    o.t_us = p[0].t_us + 12000000;
    one.len = 0;
    assert_int_equal(ladder_add(&l, &one, &o), 0);
    nr_buf_add(&one, "", 1);
    assert_non_null(strstr(line((char *)one.p, 0, b, sizeof b), "127.0.0.1:50999"));
    assert_true(!strncmp(line((char *)one.p, 2, b, sizeof b), "12.000000 ", 10));
    assert_non_null(strstr(b, "        │───"));
    for (int k = 0; k < 3; k++)
        assert_true(cells(line((char *)one.p, k, b, sizeof b)) <= 80);
    nr_buf_free(&one);
    nr_buf_free(&all);
}

/* Two connections given mixed: a ladder each, in the order they began. */
static void test_two_connections(void **state)
{
    (void)state;
    struct nr_pkt p[4];
    p[0] = tcp(0, true, S, 0, 0, 0);
    p[1] = tcp(10, true, S, 0, 0, 0);
    ((struct sockaddr_in *)&p[1].src)->sin_port = htons(50400);
    p[2] = tcp(20, false, S | A, 0, 1, 0);
    p[3] = tcp(30, false, S | A, 0, 1, 0);
    ((struct sockaddr_in *)&p[3].dst)->sin_port = htons(50400);
    assert_true(ladder_same_conn(&p[0], &p[2]));
    assert_false(ladder_same_conn(&p[0], &p[1]));
    char *t = draw(p, 4, 80, false), b[256];
    assert_non_null(strstr(line(t, 0, b, sizeof b), "127.0.0.1:50312"));
    assert_non_null(strstr(line(t, 2, b, sizeof b), "0.000000 "));
    assert_non_null(strstr(line(t, 3, b, sizeof b), "0.000020 "));
    assert_non_null(strstr(line(t, 4, b, sizeof b), "127.0.0.1:50400"));
    assert_non_null(strstr(line(t, 6, b, sizeof b), "0.000010 "));
    assert_non_null(strstr(line(t, 7, b, sizeof b), "0.000030 "));
    free(t);
    /* An ICMP error about a UDP datagram belongs to it (the two hosts). */
    struct nr_pkt u = tcp(0, true, 0, 0, 0, 5), icmp = tcp(5, false, 0, 0, 0, 0);
    u.proto = IPPROTO_UDP;
    icmp.proto = IPPROTO_ICMP;
    icmp.icmp_type = 3;
    icmp.icmp_code = 3;
    ((struct sockaddr_in *)&icmp.src)->sin_port = 0;
    ((struct sockaddr_in *)&icmp.dst)->sin_port = 0;
    assert_true(ladder_same_conn(&u, &icmp));
    struct nr_pkt pair[2] = { u, icmp };
    t = draw(pair, 2, 80, false);
    assert_non_null(strstr(line(t, 2, b, sizeof b), " UDP len=5 "));
    assert_non_null(strstr(line(t, 3, b, sizeof b), "|<-"));
    assert_non_null(strstr(b, " ICMP type=3 code=3 "));
    free(t);
}

/* Long IPv6 addresses are shortened from the left (the port kept) before
 * the arrows give way. */
static void test_long_addresses(void **state)
{
    (void)state;
    struct nr_pkt p[2] = { tcp(0, true, S, 0, 0, 0), tcp(40, false, S | A, 0, 1, 0) };
    for (int i = 0; i < 2; i++) {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)&p[i].src, *d = (struct sockaddr_in6 *)&p[i].dst;
        memset(a, 0, sizeof *a);
        memset(d, 0, sizeof *d);
        a->sin6_family = d->sin6_family = AF_INET6;
        inet_pton(AF_INET6, i ? "fd00:1234:5678:9abc:def0:1234:5678:9abd"
                              : "fd00:1234:5678:9abc:def0:1234:5678:9abc", &a->sin6_addr);
        inet_pton(AF_INET6, i ? "fd00:1234:5678:9abc:def0:1234:5678:9abc"
                              : "fd00:1234:5678:9abc:def0:1234:5678:9abd", &d->sin6_addr);
        a->sin6_port = htons(i ? 443 : 50312);
        d->sin6_port = htons(i ? 50312 : 443);
        p[i].src_len = p[i].dst_len = sizeof *a;
    }
    char *t = draw(p, 2, 60, true), b[512];
    assert_non_null(strstr(line(t, 0, b, sizeof b), "..") );
    assert_non_null(strstr(b, "]:50312"));
    assert_non_null(strstr(b, "]:443"));
    for (int k = 0; k < 4; k++)
        assert_true(cells(line(t, k, b, sizeof b)) <= 60);
    assert_non_null(strstr(line(t, 2, b, sizeof b), "─►│"));
    assert_non_null(strstr(line(t, 3, b, sizeof b), "│◄─"));
    free(t);
}

static void test_spark_and_buckets(void **state)
{
    (void)state;
    int64_t v[] = { 100, 800, -1, 100, 450 };
    struct nr_buf b = { 0 };
    struct pic_style ascii = { false, false }, utf8 = { true, false };
    pic_spark(&b, v, 5, false, ascii);
    nr_buf_add(&b, "", 1);
    assert_string_equal((char *)b.p, "_#x_-");
    b.len = 0;
    pic_spark(&b, v, 2, false, utf8);
    nr_buf_add(&b, "", 1);
    assert_string_equal((char *)b.p, "▁█");
    b.len = 0;
    int64_t zero[] = { 0, 0 };
    pic_spark(&b, zero, 2, true, ascii);
    nr_buf_add(&b, "", 1);
    assert_string_equal((char *)b.p, "__");
    nr_buf_free(&b);
    assert_int_equal(pic_bucket(0), 0);
    assert_int_equal(pic_bucket(9), 0);
    assert_int_equal(pic_bucket(10), 1);
    assert_int_equal(pic_bucket(49), 2);
    assert_int_equal(pic_bucket(50), 3);
    assert_int_equal(pic_bucket(1000), 7);
    assert_int_equal(pic_bucket(INT64_MAX), PIC_NBUCKETS - 1);
    char l[32];
    assert_string_equal(pic_bucket_label(0, l, sizeof l), "<0.01 ms");
    assert_string_equal(pic_bucket_label(3, l, sizeof l), "0.05-0.1 ms");
    assert_string_equal(pic_bucket_label(7, l, sizeof l), "1-2 ms");
    assert_string_equal(pic_bucket_label(PIC_NBUCKETS - 1, l, sizeof l), ">=2000 ms");
    for (int i = 1; i < PIC_NBUCKETS; i++)
        assert_int_equal(pic_bucket(pic_bucket_lo(i)), i);
}

static uint64_t never(void *arg)
{
    (void)arg;
    return 0;
}

static void test_progress_line(void **state)
{
    (void)state;
    struct sh_progress p = { .what = "sent", .bytes = true, .total = 50u << 20, .done = never };
    struct nr_buf b = { 0 };
    struct pic_style ascii = { false, false };
    pic_progress_line(&b, &p, 25u << 20, 1000000, 80, ascii);
    nr_buf_add(&b, "", 1);
    assert_string_equal((char *)b.p, "[#################.................] 25.0 MiB/50.0 MiB sent"
                                     "  25.0 MiB/s  ETA 1s");
    b.len = 0;
    pic_progress_line(&b, &p, 25u << 20, 1000000, 40, ascii);   /* no room for the bar */
    nr_buf_add(&b, "", 1);
    assert_string_equal((char *)b.p, "25.0 MiB/50.0 MiB sent  25.0 MiB/s  ETA 1s");
    b.len = 0;
    struct sh_progress q = { .what = "names", .total = 0, .done = never };
    pic_progress_line(&b, &q, 300, 2000000, 80, ascii);
    nr_buf_add(&b, "", 1);
    assert_string_equal((char *)b.p, "300 names  150 names/s");
    nr_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_labels),
        cmocka_unit_test(test_handshake_ascii),
        cmocka_unit_test(test_widths),
        cmocka_unit_test(test_close_and_reset_utf8),
        cmocka_unit_test(test_no_time),
        cmocka_unit_test(test_streaming),
        cmocka_unit_test(test_two_connections),
        cmocka_unit_test(test_long_addresses),
        cmocka_unit_test(test_spark_and_buckets),
        cmocka_unit_test(test_progress_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
