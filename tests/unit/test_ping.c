/* Unit tests: lib/ping's matching of replies to requests — duplicates,
 * out-of-order replies, others' replies, corrupted replies, timeouts —
 * without privileges: the "ICMP socket" is a UDP socket on 127.0.0.1 and
 * the peer is a second UDP socket on the same loop that answers each echo
 * request the way the test script says. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/icmp.h"
#include "lib/loop.h"
#include "lib/ping.h"
#include "lib/util.h"

struct peer {
    int fd;
    struct sockaddr_in pinger;
    uint8_t held[128];      /* a reply kept back to send later */
    size_t held_len;
    int replies, dups;      /* events the pinger reported */
    bool silent;            /* answer nothing */
};

static int udp_on_lo(struct sockaddr_in *sin)
{
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    assert_true(fd >= 0);
    memset(sin, 0, sizeof *sin);
    sin->sin_family = AF_INET;
    sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(fd, (struct sockaddr *)sin, sizeof *sin), 0);
    socklen_t len = sizeof *sin;
    assert_int_equal(getsockname(fd, (struct sockaddr *)sin, &len), 0);
    return fd;
}

static void as_reply(uint8_t *p, size_t n)
{
    p[0] = NR_ICMP_ECHOREPLY;
    p[2] = p[3] = 0;
    uint16_t s = nr_icmp_checksum(p, n);
    p[2] = (uint8_t)(s >> 8);
    p[3] = (uint8_t)s;
}

static void to_pinger(struct peer *pe, const uint8_t *p, size_t n)
{
    assert_int_equal(sendto(pe->fd, p, n, 0, (struct sockaddr *)&pe->pinger, sizeof pe->pinger),
                     (ssize_t)n);
}

/* The script: seq 1 answered twice, plus a stranger's reply and a damaged
 * copy; seq 2 held back; seq 3 answered, then the held seq 2 (out of order). */
static void on_request(struct nr_loop *loop, int fd, unsigned ev, void *arg)
{
    struct peer *pe = arg;
    uint8_t p[128];
    socklen_t len = sizeof pe->pinger;
    ssize_t n = recvfrom(fd, p, sizeof p, 0, (struct sockaddr *)&pe->pinger, &len);
    if (n < 8 || pe->silent)
        return;
    assert_int_equal(p[0], NR_ICMP_ECHO);
    assert_int_equal(nr_icmp_checksum(p, (size_t)n), 0);
    uint16_t seq = (uint16_t)(p[6] << 8 | p[7]);
    as_reply(p, (size_t)n);
    if (seq == 2) {
        memcpy(pe->held, p, (size_t)n);
        pe->held_len = (size_t)n;
        return;
    }
    to_pinger(pe, p, (size_t)n);
    if (seq == 1) {
        to_pinger(pe, p, (size_t)n);                 /* duplicate */
        uint8_t other[128];
        memcpy(other, p, (size_t)n);
        other[5] ^= 0xff;                            /* someone else's id */
        as_reply(other, (size_t)n);
        to_pinger(pe, other, (size_t)n);
        p[n - 1] ^= 0x01;                            /* damaged, sum not fixed */
        to_pinger(pe, p, (size_t)n);
    }
    if (seq == 3)
        to_pinger(pe, pe->held, pe->held_len);
}

static void on_event(void *arg, const struct nr_ping_event *ev)
{
    struct peer *pe = arg;
    assert_int_equal(ev->kind, NR_PING_REPLY);
    assert_int_equal(ev->bytes, 8 + 24);
    assert_true(ev->rtt_us >= 0);
    pe->replies++;
    pe->dups += ev->dup;
}

static struct nr_ping *start(struct nr_loop *loop, struct peer *pe, long count, int64_t wait_us)
{
    struct sockaddr_in me, peer_addr;
    struct nr_icmp_sock s = { .fd = udp_on_lo(&me), .family = AF_INET,
                              .kind = NR_ICMP_DGRAM, .id = 0x4242 };
    pe->fd = udp_on_lo(&peer_addr);
    assert_int_equal(nr_loop_watch(loop, pe->fd, NR_EV_READ, on_request, pe), 0);
    struct nr_ping_opts o = { .count = count, .interval_us = 20000, .wait_us = wait_us, .size = 24 };
    char err[NR_ERRLEN];
    struct nr_ping *p = nr_ping_start(loop, &s, (struct sockaddr *)&peer_addr, sizeof peer_addr,
                                      &o, on_event, pe, err, sizeof err);
    assert_non_null(p);
    assert_int_equal(s.fd, -1);   /* ownership passed */
    return p;
}

static void finish(struct nr_loop *loop, struct peer *pe, struct nr_ping *p)
{
    nr_ping_free(p);
    nr_loop_unwatch(loop, pe->fd);
    close(pe->fd);
    nr_loop_free(loop);
}

static void test_dups_reorder_strangers(void **st)
{
    struct nr_loop *loop = nr_loop_new();
    struct peer pe = { 0 };
    struct nr_ping *p = start(loop, &pe, 3, 2000000);
    assert_int_equal(nr_loop_run_until(loop, nr_ping_done, p, nr_now_us() + 5000000, NULL),
                     NR_WAIT_DONE);
    /* The duplicate and the stranger may still be in flight: drain them. */
    nr_loop_run_until(loop, NULL, NULL, nr_now_us() + 50000, NULL);
    const struct nr_ping_stats *s = nr_ping_stats(p);
    assert_int_equal(s->transmitted, 3);
    assert_int_equal(s->received, 3);
    assert_int_equal(s->dups, 1);
    assert_int_equal(s->reordered, 1);
    assert_int_equal(s->corrupted, 1);
    assert_int_equal(s->ignored, 1);
    assert_int_equal(s->errors, 0);
    assert_int_equal(pe.replies, 4);
    assert_int_equal(pe.dups, 1);
    assert_true(nr_ping_loss(s) == 0.0);
    finish(loop, &pe, p);
}

static void test_timeouts_end_the_wait(void **st)
{
    struct nr_loop *loop = nr_loop_new();
    struct peer pe = { .silent = true };
    int64_t t0 = nr_now_us();
    struct nr_ping *p = start(loop, &pe, 2, 100000);
    assert_int_equal(nr_loop_run_until(loop, nr_ping_done, p, nr_ping_deadline(p), NULL),
                     NR_WAIT_DONE);
    int64_t took = nr_now_us() - t0;
    assert_true(took >= 120000);   /* second echo at 20 ms, lost at 120 ms */
    assert_true(took < 1000000);
    const struct nr_ping_stats *s = nr_ping_stats(p);
    assert_int_equal(s->transmitted, 2);
    assert_int_equal(s->received, 0);
    assert_true(nr_ping_loss(s) == 100.0);
    finish(loop, &pe, p);
}

static void test_stop_loses_outstanding(void **st)
{
    struct nr_loop *loop = nr_loop_new();
    struct peer pe = { .silent = true };
    struct nr_ping *p = start(loop, &pe, 0, 5000000);   /* unlimited, long wait */
    assert_false(nr_ping_done(p));
    assert_int_equal(nr_ping_deadline(p), -1);
    nr_loop_run_until(loop, NULL, NULL, nr_now_us() + 50000, NULL);
    nr_ping_stop(p);
    assert_true(nr_ping_done(p));
    assert_true(nr_ping_stats(p)->transmitted >= 2);
    assert_int_equal(nr_ping_stats(p)->received, 0);
    finish(loop, &pe, p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dups_reorder_strangers),
        cmocka_unit_test(test_timeouts_end_the_wait),
        cmocka_unit_test(test_stop_loses_outstanding),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
