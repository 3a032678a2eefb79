/* lib/loop — the one event loop: file descriptors with read/write interest,
 * one-shot timers, and "run until" waits that keep everything else served.
 * epoll on Linux, poll(2) elsewhere. Single-threaded; never prints. */
#ifndef NR_LOOP_H
#define NR_LOOP_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

struct nr_loop;

enum { NR_EV_READ = 1, NR_EV_WRITE = 2, NR_EV_ERROR = 4 };

/* revents: NR_EV_* bits; NR_EV_ERROR means hangup or error on the fd. */
typedef void (*nr_io_fn)(struct nr_loop *loop, int fd, unsigned revents, void *arg);
typedef void (*nr_timer_fn)(struct nr_loop *loop, void *arg);
typedef bool (*nr_done_fn)(void *arg);

/* Monotonic clock in microseconds. */
int64_t nr_now_us(void);

/* Returns NULL on failure with errno set. Caller frees with nr_loop_free(). */
struct nr_loop *nr_loop_new(void);
void nr_loop_free(struct nr_loop *loop);

/* Adds fd, or changes its interest/callback if already watched. events may be
 * 0 (keep the fd registered but deliver nothing). Returns 0, or -1 with errno
 * (EPERM for a regular file under epoll). */
int nr_loop_watch(struct nr_loop *loop, int fd, unsigned events, nr_io_fn fn, void *arg);
/* Changes only the interest of a watched fd. */
int nr_loop_set_events(struct nr_loop *loop, int fd, unsigned events);
/* Stops watching fd (call before close). Safe from inside callbacks. */
void nr_loop_unwatch(struct nr_loop *loop, int fd);
bool nr_loop_watched(const struct nr_loop *loop, int fd);

/* One-shot timer at absolute time when_us (nr_now_us() clock). Returns an
 * id > 0 for nr_loop_cancel(), or 0 when out of memory. */
uint64_t nr_loop_timer(struct nr_loop *loop, int64_t when_us, nr_timer_fn fn, void *arg);
void nr_loop_cancel(struct nr_loop *loop, uint64_t id);

/* Called before the loop blocks (e.g. to flush buffered output). */
void nr_loop_on_idle(struct nr_loop *loop, void (*fn)(void *arg), void *arg);

/* Waits at most max_wait_us (-1: until an event) and runs what is ready.
 * Returns 0, or -1 with errno on a loop failure other than EINTR. */
int nr_loop_run_once(struct nr_loop *loop, int64_t max_wait_us);

enum nr_wait { NR_WAIT_DONE, NR_WAIT_TIMEOUT, NR_WAIT_INTR, NR_WAIT_FAIL };
/* Runs the loop until done(arg) holds, deadline_us passes (-1: none) or
 * *intr becomes non-zero (intr may be NULL). done may be NULL (pure wait). */
enum nr_wait nr_loop_run_until(struct nr_loop *loop, nr_done_fn done, void *arg,
                               int64_t deadline_us, volatile sig_atomic_t *intr);

#endif
