/* Unit tests: lookups in batches (lib/lookup) over a real c-ares channel to
 * a small DNS responder on 127.0.0.1 inside the test: in-order delivery
 * when answers come back out of order, the window bound, timeouts and
 * cancelling a wait (what Ctrl-C does). */
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
#include <sys/socket.h>
#include <unistd.h>

#include "lib/lookup.h"
#include "lib/util.h"

/* ---- the responder: answers "nN.b.test" with A 10.0.N/256.N%256, holds
 * replies back and sends them in reverse order, never answers "silent*" ---- */

struct held {
    unsigned char b[512];
    int n;
    struct sockaddr_in to;
};

struct responder {
    int fd;
    uint16_t port;
    struct held q[64];
    int nq;
    size_t queries, max_held;
};

static int make_reply(const unsigned char *q, int n, unsigned char *r)
{
    if (n < 17 || n > 400)
        return 0;
    const unsigned char *label = q + 12;
    if (label[0] >= 6 && !memcmp(label + 1, "silent", 6))
        return 0;
    unsigned num = (unsigned)atoi((const char *)label + 2);
    memcpy(r, q, (size_t)n);
    r[2] = 0x81;
    r[3] = 0x80;
    r[7] = 1;
    static const unsigned char rr[] = { 0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 10, 0 };
    memcpy(r + n, rr, sizeof rr);
    r[n + sizeof rr] = (unsigned char)(num >> 8);
    r[n + sizeof rr + 1] = (unsigned char)num;
    return n + (int)sizeof rr + 2;
}

static void flush_held(struct responder *s)
{
    for (int i = s->nq - 1; i >= 0; i--) {
        unsigned char r[600];
        int n = make_reply(s->q[i].b, s->q[i].n, r);
        if (n > 0)
            sendto(s->fd, r, (size_t)n, 0, (struct sockaddr *)&s->q[i].to, sizeof s->q[i].to);
    }
    s->nq = 0;
}

static void on_query(struct nr_loop *loop, int fd, unsigned rev, void *arg)
{
    struct responder *s = arg;
    for (;;) {
        struct held *h = &s->q[s->nq];
        socklen_t len = sizeof h->to;
        ssize_t n = recvfrom(fd, h->b, sizeof h->b, MSG_DONTWAIT, (struct sockaddr *)&h->to, &len);
        if (n <= 0)
            break;
        h->n = (int)n;
        s->queries++;
        if (++s->nq == 64)
            flush_held(s);
    }
    if ((size_t)s->nq > s->max_held)
        s->max_held = (size_t)s->nq;
    flush_held(s);
}

static void responder_start(struct nr_loop *loop, struct responder *s)
{
    memset(s, 0, sizeof *s);
    s->fd = socket(AF_INET, SOCK_DGRAM, 0);
    assert_true(s->fd >= 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    assert_int_equal(bind(s->fd, (struct sockaddr *)&a, sizeof a), 0);
    socklen_t len = sizeof a;
    getsockname(s->fd, (struct sockaddr *)&a, &len);
    s->port = ntohs(a.sin_port);
    assert_int_equal(nr_loop_watch(loop, s->fd, NR_EV_READ, on_query, s), 0);
}

static void responder_stop(struct nr_loop *loop, struct responder *s)
{
    nr_loop_unwatch(loop, s->fd);
    close(s->fd);
}

static struct nr_dns *channel(struct nr_loop *loop, uint16_t port, int64_t timeout_us, int tries)
{
    char csv[64], err[NR_ERRLEN];
    snprintf(csv, sizeof csv, "127.0.0.1:%u", port);
    struct nr_dns_conf c = { .servers = csv, .timeout_us = timeout_us, .tries = tries };
    struct nr_dns *d = nr_dns_new_conf(loop, &c, err, sizeof err);
    if (!d)
        fail_msg("channel: %s", err);
    return d;
}

/* ---- batches ---- */

struct got {
    size_t next, ok, failed;
    int last_status;
};

static void on_result(void *arg, size_t i, int status, struct nr_records *rs)
{
    struct got *g = arg;
    assert_int_equal(i, g->next);   /* strictly in order */
    g->next++;
    g->last_status = status;
    if (status == ARES_SUCCESS) {
        assert_int_equal(rs->n, 1);
        assert_int_equal(rs->r[0].ip.b[2], (i >> 8) & 255);
        assert_int_equal(rs->r[0].ip.b[3], i & 255);
        g->ok++;
    } else {
        g->failed++;
    }
    nr_records_free(rs);
}

/* fmt with one %zu for the index (or none: n copies of one name). A test
 * helper whose format is a parameter. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static char **names(const char *fmt, size_t n)
{
    char **v = calloc(n, sizeof *v);
    for (size_t i = 0; i < n; i++) {
        char buf[64];
        snprintf(buf, sizeof buf, fmt, i);
        v[i] = strdup(buf);
    }
    return v;
}
#pragma GCC diagnostic pop

static void names_free(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

static void test_in_order_with_window(void **state)
{
    enum { N = 3000, WINDOW = 100 };
    struct nr_loop *loop = nr_loop_new();
    struct responder s;
    responder_start(loop, &s);
    struct nr_dns *d = channel(loop, s.port, 5000000, 2);
    char **v = names("n%zu.b.test", N);
    struct got g = { 0 };
    struct nr_batch *b = nr_batch_new(d, NR_Q_A, (const char *const *)v, N, WINDOW, 1,
                                      on_result, &g);
    nr_batch_run(b);
    assert_int_equal(nr_loop_run_until(loop, nr_batch_done, b, nr_now_us() + 20000000, NULL),
                     NR_WAIT_DONE);
    assert_int_equal(g.ok, N);
    assert_int_equal(nr_batch_delivered(b), N);
    assert_true(s.max_held <= WINDOW);   /* never more than the window in flight */
    nr_batch_free(b);
    nr_dns_free(d);
    responder_stop(loop, &s);
    names_free(v, N);
    nr_loop_free(loop);
}

static void test_timeout(void **state)
{
    struct nr_loop *loop = nr_loop_new();
    struct responder s;
    responder_start(loop, &s);
    struct nr_dns *d = channel(loop, s.port, 300000, 2);
    char **v = names("silent%zu.b.test", 3);
    struct got g = { 0 };
    struct nr_batch *b = nr_batch_new(d, NR_Q_A, (const char *const *)v, 3, 10, 1, on_result, &g);
    int64_t t0 = nr_now_us();
    nr_batch_run(b);
    assert_int_equal(nr_loop_run_until(loop, nr_batch_done, b, t0 + 5000000, NULL), NR_WAIT_DONE);
    int64_t took = nr_now_us() - t0;
    assert_int_equal(g.failed, 3);
    assert_int_equal(g.last_status, ARES_ETIMEOUT);
    assert_int_equal(s.queries, 6);   /* 2 tries each */
    assert_in_range(took, 250000, 1000000);   /* the whole 0.3 s budget, not 2 x 0.3 s */
    nr_batch_free(b);
    nr_dns_free(d);
    responder_stop(loop, &s);
    names_free(v, 3);
    nr_loop_free(loop);
}

static void on_same(void *arg, size_t i, int status, struct nr_records *rs)
{
    struct got *g = arg;
    assert_int_equal(i, g->next);
    g->next++;
    if (status == ARES_SUCCESS && rs->n == 1 && rs->r[0].ip.b[3] == 7)
        g->ok++;
    else
        g->failed++;
    nr_records_free(rs);
}

/* One name given 1,000 times (any case) is asked once: servers rate-limit
 * identical answers to one client (nsd's RRL drops some, and those copies
 * timed out). Every copy still gets its own records. */
static void test_repeated_name_asked_once(void **state)
{
    enum { N = 1000 };
    struct nr_loop *loop = nr_loop_new();
    struct responder s;
    responder_start(loop, &s);
    struct nr_dns *d = channel(loop, s.port, 5000000, 2);
    char **v = names("n7.b.test", N);
    v[500][0] = 'N';   /* "N7.b.test": the same name */
    struct got g = { 0 };
    struct nr_batch *b = nr_batch_new(d, NR_Q_A, (const char *const *)v, N, 100, 1, on_same, &g);
    nr_batch_run(b);
    assert_int_equal(nr_loop_run_until(loop, nr_batch_done, b, nr_now_us() + 20000000, NULL),
                     NR_WAIT_DONE);
    assert_int_equal(g.ok, N);
    assert_int_equal(s.queries, 1);
    nr_batch_free(b);
    nr_dns_free(d);
    responder_stop(loop, &s);
    names_free(v, N);
    nr_loop_free(loop);
}

static volatile sig_atomic_t intr;

static void press_ctrl_c(struct nr_loop *loop, void *arg)
{
    intr = 1;
}

static void test_cancel_while_waiting(void **state)
{
    struct nr_loop *loop = nr_loop_new();
    struct responder s;
    responder_start(loop, &s);
    struct nr_dns *d = channel(loop, s.port, 5000000, 2);
    char **v = names("silent%zu.b.test", 500);
    struct got g = { 0 };
    struct nr_batch *b = nr_batch_new(d, NR_Q_MX, (const char *const *)v, 500, 200, 1,
                                      on_result, &g);
    int64_t t0 = nr_now_us();
    intr = 0;
    nr_loop_timer(loop, t0 + 100000, press_ctrl_c, NULL);
    nr_batch_run(b);
    assert_int_equal(nr_loop_run_until(loop, nr_batch_done, b, t0 + 5000000, &intr), NR_WAIT_INTR);
    nr_batch_cancel(b);
    assert_true(nr_batch_done(b));
    assert_int_equal(g.next, 0);                     /* nothing handed out after cancel */
    assert_int_equal(nr_batch_received(b), 200);     /* every query in flight ended */
    assert_true(nr_now_us() - t0 < 1000000);
    nr_batch_free(b);
    nr_dns_free(d);
    responder_stop(loop, &s);
    names_free(v, 500);
    nr_loop_free(loop);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_in_order_with_window),
        cmocka_unit_test(test_timeout),
        cmocka_unit_test(test_repeated_name_asked_once),
        cmocka_unit_test(test_cancel_while_waiting),
    };
    return cmocka_run_group_tests_name("batch", tests, NULL, NULL);
}
