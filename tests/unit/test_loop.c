/* Unit tests: lib/loop — fd readiness, timers (order, cancel, re-entrancy),
 * run_until with deadlines and interrupts, unwatching inside callbacks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "lib/loop.h"

static char order[32];
static size_t norder;

static void mark(struct nr_loop *l, void *arg)
{
    order[norder++] = *(const char *)arg;
}

static void test_timers_fire_in_order(void **st)
{
    struct nr_loop *l = nr_loop_new();
    int64_t now = nr_now_us();
    norder = 0;
    nr_loop_timer(l, now + 3000, mark, "c");
    nr_loop_timer(l, now + 1000, mark, "a");
    uint64_t x = nr_loop_timer(l, now + 1500, mark, "x");
    nr_loop_timer(l, now + 2000, mark, "b");
    nr_loop_timer(l, now + 2000, mark, "B");   /* same deadline: FIFO */
    nr_loop_cancel(l, x);
    nr_loop_cancel(l, x);   /* twice is harmless */
    assert_int_equal(nr_loop_run_until(l, NULL, NULL, now + 10000, NULL), NR_WAIT_TIMEOUT);
    assert_int_equal(norder, 4);
    assert_memory_equal(order, "abBc", 4);
    assert_true(nr_now_us() >= now + 10000);
    nr_loop_free(l);
}

static void rearm(struct nr_loop *l, void *arg)
{
    int *n = arg;
    if (++*n < 5)
        nr_loop_timer(l, nr_now_us(), rearm, n);
}

static bool five(void *arg)
{
    return *(int *)arg == 5;
}

static void test_timer_added_from_timer(void **st)
{
    struct nr_loop *l = nr_loop_new();
    int n = 0;
    nr_loop_timer(l, nr_now_us(), rearm, &n);
    assert_int_equal(nr_loop_run_until(l, five, &n, nr_now_us() + 1000000, NULL), NR_WAIT_DONE);
    nr_loop_free(l);
}

struct pipe_seen {
    int reads;
    char buf[16];
};

static void on_read(struct nr_loop *l, int fd, unsigned rev, void *arg)
{
    struct pipe_seen *s = arg;
    assert_true(rev & NR_EV_READ);
    ssize_t n = read(fd, s->buf, sizeof s->buf);
    assert_true(n > 0);
    s->reads++;
}

static bool one_read(void *arg)
{
    return ((struct pipe_seen *)arg)->reads == 1;
}

static void test_fd_readiness_and_interest(void **st)
{
    struct nr_loop *l = nr_loop_new();
    int p[2];
    assert_int_equal(pipe2(p, O_NONBLOCK), 0);
    struct pipe_seen s = { 0 };
    assert_int_equal(nr_loop_watch(l, p[0], NR_EV_READ, on_read, &s), 0);
    assert_true(nr_loop_watched(l, p[0]));
    assert_int_equal(write(p[1], "hi", 2), 2);
    assert_int_equal(nr_loop_run_until(l, one_read, &s, nr_now_us() + 1000000, NULL), NR_WAIT_DONE);
    assert_memory_equal(s.buf, "hi", 2);
    /* No interest: data waits, nothing is delivered. */
    assert_int_equal(nr_loop_set_events(l, p[0], 0), 0);
    assert_int_equal(write(p[1], "x", 1), 1);
    nr_loop_run_until(l, NULL, NULL, nr_now_us() + 20000, NULL);
    assert_int_equal(s.reads, 1);
    nr_loop_unwatch(l, p[0]);
    assert_false(nr_loop_watched(l, p[0]));
    assert_int_equal(nr_loop_set_events(l, p[0], NR_EV_READ), -1);
    close(p[0]);
    close(p[1]);
    nr_loop_free(l);
}

static void test_interrupt_and_deadline(void **st)
{
    struct nr_loop *l = nr_loop_new();
    volatile sig_atomic_t intr = 1;
    assert_int_equal(nr_loop_run_until(l, NULL, NULL, -1, &intr), NR_WAIT_INTR);
    intr = 0;
    int64_t t0 = nr_now_us();
    assert_int_equal(nr_loop_run_until(l, NULL, NULL, t0 + 30000, &intr), NR_WAIT_TIMEOUT);
    int64_t took = nr_now_us() - t0;
    assert_true(took >= 30000 && took < 500000);
    nr_loop_free(l);
}

static int fd_a, fd_b, calls;

static void unwatch_other(struct nr_loop *l, int fd, unsigned rev, void *arg)
{
    calls++;
    /* Whichever runs first closes the other: it must not be called after. */
    int other = fd == fd_a ? fd_b : fd_a;
    nr_loop_unwatch(l, other);
    nr_loop_unwatch(l, fd);
}

/* Two pipes whose read ends (fd_a, fd_b) are both watched with fn and both
 * readable, so one round of the loop has an event for each. */
static void two_ready_pipes(struct nr_loop *l, int p[2], int q[2], nr_io_fn fn)
{
    assert_int_equal(pipe(p), 0);
    assert_int_equal(pipe(q), 0);
    fd_a = p[0];
    fd_b = q[0];
    nr_loop_watch(l, fd_a, NR_EV_READ, fn, NULL);
    nr_loop_watch(l, fd_b, NR_EV_READ, fn, NULL);
    assert_int_equal(write(p[1], "a", 1), 1);
    assert_int_equal(write(q[1], "b", 1), 1);
}

static void test_unwatch_inside_callback(void **st)
{
    struct nr_loop *l = nr_loop_new();
    int p[2], q[2];
    two_ready_pipes(l, p, q, unwatch_other);
    nr_loop_run_once(l, 100000);
    assert_int_equal(calls, 1);
    for (int i = 0; i < 2; i++) {
        close(p[i]);
        close(q[i]);
    }
    nr_loop_free(l);
}

/* A callback closes fd B and a new pipe takes B's number before B's event
 * of the same round is dispatched: the new watch must not get it. */
static int victim, reused_calls, first_calls, reuse_pipe[2] = { -1, -1 };

static void on_reused(struct nr_loop *l, int fd, unsigned rev, void *arg)
{
    reused_calls++;
}

static void close_and_reuse(struct nr_loop *l, int fd, unsigned rev, void *arg)
{
    if (first_calls++)
        return;
    int other = fd == fd_a ? fd_b : fd_a;
    nr_loop_unwatch(l, other);
    close(other);
    assert_int_equal(pipe(reuse_pipe), 0);
    victim = other;
    assert_int_equal(reuse_pipe[0], other);   /* lowest free number */
    nr_loop_watch(l, reuse_pipe[0], NR_EV_READ, on_reused, NULL);
}

static void test_fd_reused_in_one_round(void **st)
{
    struct nr_loop *l = nr_loop_new();
    int p[2], q[2];
    two_ready_pipes(l, p, q, close_and_reuse);
    nr_loop_run_once(l, 100000);
    assert_int_equal(first_calls, 1);
    assert_int_equal(reused_calls, 0);   /* the new pipe is empty */
    nr_loop_unwatch(l, fd_a);
    nr_loop_unwatch(l, reuse_pipe[0]);
    close(fd_a == victim ? q[0] : p[0]);
    close(p[1]);
    close(q[1]);
    close(reuse_pipe[0]);
    close(reuse_pipe[1]);
    nr_loop_free(l);
}

static void test_many_fds(void **st)
{
    /* The watch table grows past its first size and keeps fds apart. */
    struct nr_loop *l = nr_loop_new();
    int fds[200][2];
    struct pipe_seen s = { 0 };
    for (int i = 0; i < 200; i++) {
        assert_int_equal(pipe2(fds[i], O_NONBLOCK), 0);
        assert_int_equal(nr_loop_watch(l, fds[i][0], NR_EV_READ, on_read, &s), 0);
    }
    assert_int_equal(write(fds[150][1], "z", 1), 1);
    assert_int_equal(nr_loop_run_until(l, one_read, &s, nr_now_us() + 1000000, NULL), NR_WAIT_DONE);
    assert_int_equal(s.buf[0], 'z');
    for (int i = 0; i < 200; i++) {
        nr_loop_unwatch(l, fds[i][0]);
        close(fds[i][0]);
        close(fds[i][1]);
    }
    nr_loop_free(l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_timers_fire_in_order),
        cmocka_unit_test(test_timer_added_from_timer),
        cmocka_unit_test(test_fd_readiness_and_interest),
        cmocka_unit_test(test_interrupt_and_deadline),
        cmocka_unit_test(test_unwatch_inside_callback),
        cmocka_unit_test(test_fd_reused_in_one_round),
        cmocka_unit_test(test_many_fds),
    };
    return cmocka_run_group_tests_name("loop", tests, NULL, NULL);
}
