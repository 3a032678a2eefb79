/* lib/loop — epoll (Linux) or poll(2) event loop with a timer heap.
 * Watches live in a table indexed by fd, so lookup is O(1) and the fd number
 * itself is the epoll key. Timers are a binary min-heap; cancelling removes
 * in place (O(n) search: timers are few — one per waiting command or query). */
#include "lib/loop.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#if defined(__linux__) && !defined(NR_FORCE_POLL)   /* -DNR_FORCE_POLL tests the fallback */
#include <sys/epoll.h>
#define NR_USE_EPOLL 1
#else
#include <poll.h>
#endif

struct watch {
    nr_io_fn fn;
    void *arg;
    unsigned events;
    bool active;
    uint32_t gen;   /* which watch of this fd number: events carry it */
};

struct timer {
    int64_t when;
    uint64_t id;
    uint64_t seq;   /* FIFO order among equal deadlines */
    nr_timer_fn fn;
    void *arg;
};

struct nr_loop {
    struct watch *w;   /* indexed by fd */
    int wcap;
    int nwatch;
#ifdef NR_USE_EPOLL
    int epfd;
#endif
    struct timer *heap;
    size_t nheap, capheap;
    uint64_t next_id;
    uint32_t next_gen;   /* a fresh tag for every new watch */
    void (*idle_fn)(void *);
    void *idle_arg;
};

int64_t nr_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

struct nr_loop *nr_loop_new(void)
{
    struct nr_loop *l = calloc(1, sizeof *l);
    if (!l)
        return NULL;
#ifdef NR_USE_EPOLL
    l->epfd = epoll_create1(EPOLL_CLOEXEC);
    if (l->epfd < 0) {
        int e = errno;
        free(l);
        errno = e;
        return NULL;
    }
#endif
    return l;
}

void nr_loop_free(struct nr_loop *l)
{
    if (!l)
        return;
#ifdef NR_USE_EPOLL
    close(l->epfd);
#endif
    free(l->w);
    free(l->heap);
    free(l);
}

static int grow_watches(struct nr_loop *l, int fd)
{
    if (fd < l->wcap)
        return 0;
    int cap = l->wcap ? l->wcap : 64;
    while (cap <= fd)
        cap *= 2;
    struct watch *w = realloc(l->w, (size_t)cap * sizeof *w);
    if (!w)
        return -1;
    memset(w + l->wcap, 0, (size_t)(cap - l->wcap) * sizeof *w);
    l->w = w;
    l->wcap = cap;
    return 0;
}

#ifdef NR_USE_EPOLL
static int backend_set(struct nr_loop *l, int fd, unsigned events, int op)
{
    struct epoll_event ev = { 0 };
    if (events & NR_EV_READ)
        ev.events |= EPOLLIN | EPOLLRDHUP;
    if (events & NR_EV_WRITE)
        ev.events |= EPOLLOUT;
    /* fd and the watch's generation: an event still queued for a closed
     * fd must not reach a new watch that got the same number. */
    ev.data.u64 = (uint64_t)l->w[fd].gen << 32 | (uint32_t)fd;
    return epoll_ctl(l->epfd, op, fd, &ev);
}
#endif

/* Interest 0 must deliver nothing, but epoll (and poll) always report
 * hangups: an fd with interest 0 leaves the epoll set until it has some. */
static int backend_update(struct nr_loop *l, int fd, bool active, unsigned old, unsigned events)
{
#ifdef NR_USE_EPOLL
    bool was_in = active && old != 0;
    if (!was_in && events)
        return backend_set(l, fd, events, EPOLL_CTL_ADD);
    if (was_in && !events)
        return epoll_ctl(l->epfd, EPOLL_CTL_DEL, fd, NULL);
    if (was_in)
        return backend_set(l, fd, events, EPOLL_CTL_MOD);
#endif
    return 0;
}

int nr_loop_watch(struct nr_loop *l, int fd, unsigned events, nr_io_fn fn, void *arg)
{
    if (fd < 0) {
        errno = EBADF;
        return -1;
    }
    if (grow_watches(l, fd) < 0)
        return -1;
    struct watch *w = &l->w[fd];
    if (!w->active)
        w->gen = ++l->next_gen;
    if (backend_update(l, fd, w->active, w->events, events) < 0)
        return -1;
    if (!w->active)
        l->nwatch++;
    w->fn = fn;
    w->arg = arg;
    w->events = events;
    w->active = true;
    return 0;
}

int nr_loop_set_events(struct nr_loop *l, int fd, unsigned events)
{
    if (!nr_loop_watched(l, fd)) {
        errno = ENOENT;
        return -1;
    }
    if (l->w[fd].events == events)
        return 0;
    if (backend_update(l, fd, true, l->w[fd].events, events) < 0)
        return -1;
    l->w[fd].events = events;
    return 0;
}

bool nr_loop_watched(const struct nr_loop *l, int fd)
{
    return fd >= 0 && fd < l->wcap && l->w[fd].active;
}

void nr_loop_unwatch(struct nr_loop *l, int fd)
{
    if (!nr_loop_watched(l, fd))
        return;
    backend_update(l, fd, true, l->w[fd].events, 0);
    memset(&l->w[fd], 0, sizeof l->w[fd]);
    l->nwatch--;
}

/* ---- timers ---- */

static bool timer_before(const struct timer *a, const struct timer *b)
{
    return a->when < b->when || (a->when == b->when && a->seq < b->seq);
}

static void heap_swap(struct timer *h, size_t i, size_t j)
{
    struct timer t = h[i];
    h[i] = h[j];
    h[j] = t;
}

static void heap_up(struct timer *h, size_t i)
{
    while (i > 0 && timer_before(&h[i], &h[(i - 1) / 2])) {
        heap_swap(h, i, (i - 1) / 2);
        i = (i - 1) / 2;
    }
}

static void heap_down(struct timer *h, size_t n, size_t i)
{
    for (;;) {
        size_t m = i, a = 2 * i + 1, b = a + 1;
        if (a < n && timer_before(&h[a], &h[m]))
            m = a;
        if (b < n && timer_before(&h[b], &h[m]))
            m = b;
        if (m == i)
            return;
        heap_swap(h, i, m);
        i = m;
    }
}

uint64_t nr_loop_timer(struct nr_loop *l, int64_t when_us, nr_timer_fn fn, void *arg)
{
    if (l->nheap == l->capheap) {
        size_t cap = l->capheap ? l->capheap * 2 : 16;
        struct timer *h = realloc(l->heap, cap * sizeof *h);
        if (!h)
            return 0;
        l->heap = h;
        l->capheap = cap;
    }
    uint64_t id = ++l->next_id;
    l->heap[l->nheap] = (struct timer){ when_us, id, id, fn, arg };
    heap_up(l->heap, l->nheap++);
    return id;
}

void nr_loop_cancel(struct nr_loop *l, uint64_t id)
{
    if (!id)
        return;
    for (size_t i = 0; i < l->nheap; i++) {
        if (l->heap[i].id == id) {
            /* Remove in place: move last here and restore the heap. */
            l->heap[i] = l->heap[--l->nheap];
            if (i < l->nheap) {
                heap_down(l->heap, l->nheap, i);
                heap_up(l->heap, i);
            }
            return;
        }
    }
    /* Not found: it has already fired. */
}

/* Runs every timer due at now; returns the wait until the next (-1: none).
 * *ran is set when a timer ran. */
static int64_t run_timers(struct nr_loop *l, bool *ran)
{
    int64_t now = nr_now_us();
    /* Timers added while running are due no earlier than now and run next round. */
    uint64_t limit = l->next_id;
    while (l->nheap && l->heap[0].when <= now && l->heap[0].id <= limit) {
        struct timer t = l->heap[0];
        l->heap[0] = l->heap[--l->nheap];
        heap_down(l->heap, l->nheap, 0);
        t.fn(l, t.arg);
        *ran = true;
    }
    if (!l->nheap)
        return -1;
    int64_t d = l->heap[0].when - nr_now_us();
    return d < 0 ? 0 : d;
}

void nr_loop_on_idle(struct nr_loop *l, void (*fn)(void *), void *arg)
{
    l->idle_fn = fn;
    l->idle_arg = arg;
}

static int to_ms(int64_t us)
{
    if (us < 0)
        return -1;
    int64_t ms = (us + 999) / 1000;
    return ms > INT_MAX ? INT_MAX : (int)ms;
}

static void dispatch(struct nr_loop *l, int fd, uint32_t gen, unsigned rev)
{
    if (!nr_loop_watched(l, fd) || l->w[fd].gen != gen)
        return;   /* unwatched (or replaced) by an earlier callback in this round */
    struct watch w = l->w[fd];
    if (!w.events)
        return;   /* interest 0: deliver nothing, not even hangups */
    unsigned want = w.events | NR_EV_ERROR;
    if (rev & want)
        w.fn(l, fd, rev & want, w.arg);
}

#ifdef NR_USE_EPOLL
static int poll_backend(struct nr_loop *l, int ms)
{
    struct epoll_event evs[256];
    int n = epoll_wait(l->epfd, evs, 256, ms);
    if (n < 0)
        return errno == EINTR ? 0 : -1;
    for (int i = 0; i < n; i++) {
        unsigned rev = 0;
        if (evs[i].events & (EPOLLIN | EPOLLRDHUP))
            rev |= NR_EV_READ;
        if (evs[i].events & EPOLLOUT)
            rev |= NR_EV_WRITE;
        if (evs[i].events & (EPOLLERR | EPOLLHUP))
            rev |= NR_EV_ERROR | NR_EV_READ;
        dispatch(l, (int)(evs[i].data.u64 & 0xffffffffu), (uint32_t)(evs[i].data.u64 >> 32), rev);
    }
    return 0;
}
#else
static int poll_backend(struct nr_loop *l, int ms)
{
    struct pollfd *p = calloc((size_t)l->nwatch + 1, sizeof *p);
    uint32_t *gen = calloc((size_t)l->nwatch + 1, sizeof *gen);
    if (!p || !gen) {
        free(p);
        free(gen);
        return -1;
    }
    int n = 0;
    for (int fd = 0; fd < l->wcap && n < l->nwatch; fd++) {
        if (!l->w[fd].active || !l->w[fd].events)
            continue;
        p[n].fd = fd;
        gen[n] = l->w[fd].gen;
        p[n].events = (short)(((l->w[fd].events & NR_EV_READ) ? POLLIN : 0) |
                              ((l->w[fd].events & NR_EV_WRITE) ? POLLOUT : 0));
        n++;
    }
    int r = poll(p, (nfds_t)n, ms);
    if (r < 0) {
        int e = errno;
        free(p);
        free(gen);
        errno = e;
        return e == EINTR ? 0 : -1;
    }
    for (int i = 0; i < n && r > 0; i++) {
        if (!p[i].revents)
            continue;
        r--;
        unsigned rev = 0;
        if (p[i].revents & POLLIN)
            rev |= NR_EV_READ;
        if (p[i].revents & POLLOUT)
            rev |= NR_EV_WRITE;
        if (p[i].revents & (POLLERR | POLLHUP | POLLNVAL))
            rev |= NR_EV_ERROR | NR_EV_READ;
        dispatch(l, p[i].fd, gen[i], rev);
    }
    free(p);
    free(gen);
    return 0;
}
#endif

int nr_loop_run_once(struct nr_loop *l, int64_t max_wait_us)
{
    bool ran = false;
    int64_t wait = run_timers(l, &ran);
    if (max_wait_us >= 0 && (wait < 0 || wait > max_wait_us))
        wait = max_wait_us;
    if (ran)
        wait = 0;   /* a timer may have met the waiter's condition: let it look first */
    if (wait != 0 && l->idle_fn)
        l->idle_fn(l->idle_arg);
    if (poll_backend(l, to_ms(wait)) < 0)
        return -1;
    run_timers(l, &ran);
    return 0;
}

enum nr_wait nr_loop_run_until(struct nr_loop *l, nr_done_fn done, void *arg,
                               int64_t deadline_us, volatile sig_atomic_t *intr)
{
    for (;;) {
        if (done && done(arg))
            return NR_WAIT_DONE;
        if (intr && *intr)
            return NR_WAIT_INTR;
        int64_t wait = -1;
        if (deadline_us >= 0) {
            wait = deadline_us - nr_now_us();
            if (wait <= 0)
                return NR_WAIT_TIMEOUT;
        }
        if (nr_loop_run_once(l, wait) < 0)
            return NR_WAIT_FAIL;
    }
}
