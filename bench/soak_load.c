/* bench/soak_load — the load client of bench/soak (loopback only):
 *   soak_load PORT CLIENTS SECONDS [SEED]
 * keeps CLIENTS connections to an echo server on 127.0.0.1:PORT for SECONDS,
 * each sending messages of random length (log-uniform, 1 byte to 64 KiB) and
 * random content, and checks every echoed byte against what it sent.
 *
 * One epoll loop, non-blocking sockets, level-triggered. Per connection:
 *   - the byte at stream offset i is a pure function of (seed, i), so what
 *     was sent need not be kept: received bytes are compared by regenerating;
 *   - a window of 1..4 messages in flight (1 = one at a time), chosen per
 *     connection; or, one connection in 16, bursts: messages (uniform
 *     1..64 KiB) written without reading, behind a 4 KiB receive buffer,
 *     until the send blocks, then all read back — so the server's echo
 *     backs up past the kernel's buffers into its own, and its back-pressure
 *     (it stops reading above 256 KiB unsent) is what stops the sender;
 *   - after 100..2000 messages the connection closes (once every echo is
 *     back) and a new one replaces it: connections churn, so leaks per
 *     connection in the server add up.
 * At SECONDS no new message starts; echoes still due get DRAIN_S more, then
 * count as short. Errors: connect failures, mismatches (a wrong or extra
 * byte), resets (any socket error), short echoes (EOF or the drain deadline
 * before every byte came back), stalls (no byte back for STALL_S while some
 * are due). Bounded: at most CLIENTS sockets, SECONDS + DRAIN_S + a few s
 * (alarm(2) backstop), at most MAX_ERRORS errors before it gives up.
 *
 * Prints one line of key=value figures on stdout; exit 0 when errors=0. */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum {
    MAXMSG = 65536,
    WINMAX = 4,          /* messages in flight per connection, at most */
    RING = 512,          /* ends of messages in flight (a burst's limit) */
    DRAIN_S = 15,
    STALL_S = 10,
    MAX_ERRORS = 1000,
    SLOW_RCVBUF = 4096,
};

enum cstate { C_IDLE, C_CONNECTING, C_OPEN };

struct conn {
    int fd;
    enum cstate st;
    uint64_t seed;           /* content of this connection's stream */
    uint64_t goal;           /* end offset of the last message started */
    uint64_t sent, got;      /* stream offsets written / verified */
    uint64_t ends[RING];     /* end offsets of messages in flight */
    unsigned head, count;    /* ... ring */
    unsigned window;         /* messages in flight, at most */
    int burst;               /* writes until blocked, unread; then reads */
    int reading;             /* burst: in the reading half of the cycle */
    int blocked;             /* the last send would have blocked */
    long left;               /* messages still to start on this connection */
    int64_t last_rx;         /* last progress (ns), for stall detection */
    unsigned events;         /* epoll interest now */
};

struct stats {
    uint64_t conns, msgs, bytes_sent, bytes_ok;
    uint64_t e_connect, e_mismatch, e_reset, e_short, e_stall;
};

static struct stats st;
static uint64_t rng;   /* xorshift64*: lengths, windows, seeds */
static int ep, port;
static int stopping;   /* no new messages, no new connections */

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static uint64_t rnd(void)
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 2685821657736338717ULL;
}

static uint64_t mix(uint64_t z)   /* splitmix64's finaliser */
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* The stream's bytes [off, off+n): byte i is byte i%8 of mix(seed + i/8). */
static void content(uint64_t seed, uint64_t off, unsigned char *p, size_t n)
{
    while (n) {
        uint64_t w = mix(seed + off / 8);
        for (unsigned b = (unsigned)(off % 8); b < 8 && n; b++, n--, off++)
            *p++ = (unsigned char)(w >> (8 * b));
    }
}

static uint64_t errors(void)
{
    return st.e_connect + st.e_mismatch + st.e_reset + st.e_short + st.e_stall;
}

static void set_events(struct conn *c, unsigned ev, int idx)
{
    if (ev == c->events)
        return;
    struct epoll_event e = { .events = ev, .data.u32 = (uint32_t)idx };
    epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &e);
    c->events = ev;
}

static void conn_close(struct conn *c)
{
    if (c->fd >= 0)
        close(c->fd);   /* also leaves epoll */
    c->fd = -1;
    c->st = C_IDLE;
}

/* An error ends the connection; it is replaced like a churned one. */
static void fail(struct conn *c, uint64_t *counter, const char *what, int e)
{
    (*counter)++;
    if (errors() <= 10)
        fprintf(stderr, "soak_load: %s (sent %llu, verified %llu)%s%s\n", what,
                (unsigned long long)c->sent, (unsigned long long)c->got,
                e ? ": " : "", e ? strerror(e) : "");
    conn_close(c);
}

static void conn_open(struct conn *c, int idx)
{
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    memset(c, 0, sizeof *c);
    c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c->fd < 0) {
        fail(c, &st.e_connect, "socket", errno);
        return;
    }
    int one = 1, small = SLOW_RCVBUF;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    c->burst = rnd() % 16 == 0;
    if (c->burst)
        setsockopt(c->fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    c->seed = rnd();
    c->window = c->burst ? RING - 1 : 1 + (unsigned)(rnd() % WINMAX);
    c->left = 100 + (long)(rnd() % 1901);
    c->last_rx = now_ns();
    if (connect(c->fd, (struct sockaddr *)&sa, sizeof sa) < 0 && errno != EINPROGRESS) {
        fail(c, &st.e_connect, "connect", errno);
        return;
    }
    c->st = C_CONNECTING;
    c->events = EPOLLOUT;
    struct epoll_event e = { .events = EPOLLOUT, .data.u32 = (uint32_t)idx };
    epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &e);
}

/* Log-uniform length in 1..MAXMSG: as many tiny messages as large ones. */
static uint64_t msg_len(void)
{
    unsigned bits = (unsigned)(rnd() % 17);   /* 2^0 .. 2^16 */
    return 1 + rnd() % ((uint64_t)1 << bits);
}

static void start_messages(struct conn *c)
{
    while (!stopping && c->left > 0 && c->count < c->window) {
        c->goal += msg_len();
        c->ends[(c->head + c->count) % RING] = c->goal;
        c->count++;
        c->left--;
    }
}

static void do_send(struct conn *c)
{
    static unsigned char buf[MAXMSG];
    c->blocked = 0;
    while (c->sent < c->goal) {
        size_t n = c->goal - c->sent < sizeof buf ? (size_t)(c->goal - c->sent) : sizeof buf;
        content(c->seed, c->sent, buf, n);
        ssize_t w = send(c->fd, buf, n, MSG_NOSIGNAL);
        if (w < 0 && (errno == EAGAIN || errno == EINTR)) {
            c->blocked = 1;
            return;
        }
        if (w < 0) {
            fail(c, &st.e_reset, "send", errno);
            return;
        }
        c->sent += (uint64_t)w;
        st.bytes_sent += (uint64_t)w;
    }
}

/* Checks n received bytes; completes messages. Returns -1 after a failure. */
static int verify(struct conn *c, const unsigned char *p, size_t n)
{
    static unsigned char want[MAXMSG];
    if (c->got + n > c->sent) {
        fail(c, &st.e_mismatch, "more bytes echoed than sent", 0);
        return -1;
    }
    content(c->seed, c->got, want, n);
    if (memcmp(p, want, n) != 0) {
        size_t i = 0;
        while (p[i] == want[i])
            i++;
        c->got += i;
        fail(c, &st.e_mismatch, "echoed byte differs", 0);
        return -1;
    }
    c->got += n;
    st.bytes_ok += n;
    c->last_rx = now_ns();
    while (c->count && c->got >= c->ends[c->head]) {
        c->head = (c->head + 1) % RING;
        c->count--;
        st.msgs++;
    }
    return 0;
}

static int do_recv(struct conn *c)
{
    static unsigned char buf[MAXMSG];
    for (int i = 0; i < 4; i++) {
        ssize_t r = recv(c->fd, buf, sizeof buf, 0);
        if (r < 0 && (errno == EAGAIN || errno == EINTR))
            return 0;
        if (r < 0) {
            fail(c, &st.e_reset, "recv", errno);
            return -1;
        }
        if (r == 0) {
            fail(c, &st.e_short, "connection closed by the server", 0);
            return -1;
        }
        if (verify(c, buf, (size_t)r) < 0)
            return -1;
    }
    return 0;
}

static void connected(struct conn *c)
{
    int e = 0;
    socklen_t len = sizeof e;
    getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &e, &len);
    if (e) {
        fail(c, &st.e_connect, "connect", e);
        return;
    }
    c->st = C_OPEN;
    st.conns++;
}

/* A burst: messages are written without reading (the server's echo
 * backs up behind a 4 KiB receive buffer) until the send would block —
 * the server has stopped reading, its own buffer past its back-pressure
 * mark — then every echo is read back before the next burst. */
static void burst_send(struct conn *c)
{
    while (c->st == C_OPEN && !c->reading) {
        if (c->sent == c->goal) {
            if (stopping || c->left == 0 || c->count >= c->window) {
                c->reading = 1;
                break;
            }
            c->goal += 1 + rnd() % MAXMSG;
            c->ends[(c->head + c->count) % RING] = c->goal;
            c->count++;
            c->left--;
        }
        do_send(c);
        if (c->blocked)
            c->reading = 1;
    }
    c->last_rx = now_ns();
}

/* Everything one readiness event leads to, then the interest that follows. */
static void on_event(struct conn *c, int idx, unsigned rev)
{
    if (c->st == C_CONNECTING) {
        connected(c);
        if (c->st != C_OPEN)
            return;
    }
    if ((rev & (EPOLLIN | EPOLLERR | EPOLLHUP)) && do_recv(c) < 0)
        return;
    if (c->burst && c->reading && c->count == 0)
        c->reading = 0;   /* every echo back: the next burst */
    if (c->burst && !c->reading)
        burst_send(c);
    else if (!c->burst)
        start_messages(c);
    do_send(c);
    if (c->st != C_OPEN)
        return;
    if (c->count == 0 && (c->left == 0 || stopping)) {
        conn_close(c);   /* every echo is back: churn (or the end) */
        return;
    }
    unsigned ev = c->burst && !c->reading ? 0u : EPOLLIN;
    set_events(c, ev | (c->sent < c->goal ? EPOLLOUT : 0u), idx);
}

/* Once a second: stalls; after the deadline, echoes that never came. */
static void check(struct conn *v, int n, int64_t now, int draining_over)
{
    for (int i = 0; i < n; i++) {
        struct conn *c = &v[i];
        if (c->st == C_IDLE)
            continue;
        if (draining_over && c->st == C_CONNECTING)
            fail(c, &st.e_connect, "connect still pending at the drain deadline", 0);
        else if (draining_over)
            fail(c, &st.e_short, "echo still due at the drain deadline", 0);
        else if (c->got < c->goal && now - c->last_rx > (int64_t)STALL_S * 1000000000)
            fail(c, &st.e_stall, "stalled: no echo for 10 s", 0);
    }
}

/* Runs until the deadline, then drains. Returns the number still open. */
static int run(struct conn *v, int n, int64_t end)
{
    struct epoll_event evs[512];
    int64_t next_check = now_ns() + 1000000000;
    for (;;) {
        int64_t now = now_ns();
        if (!stopping && now >= end)
            stopping = 1;
        int open = 0;
        for (int i = 0; i < n; i++) {
            if (v[i].st == C_IDLE && !stopping && errors() < MAX_ERRORS)
                conn_open(&v[i], i);
            open += v[i].st != C_IDLE;
            if (stopping && v[i].st == C_OPEN && v[i].count == 0)
                conn_close(&v[i]);   /* idle at the deadline */
        }
        if (!open || (stopping && now >= end + (int64_t)DRAIN_S * 1000000000))
            return open;
        int k = epoll_wait(ep, evs, 512, 100);
        for (int j = 0; j < k; j++) {
            int i = (int)evs[j].data.u32;
            if (v[i].st != C_IDLE)
                on_event(&v[i], i, evs[j].events);
        }
        if (now_ns() >= next_check) {
            check(v, n, now_ns(), 0);
            next_check += 1000000000;
        }
    }
}

int main(int argc, char **argv)
{
    if (argc < 4 || atoi(argv[1]) <= 0 || atoi(argv[1]) > 65535 || atoi(argv[2]) <= 0 ||
        atoi(argv[3]) <= 0) {
        fprintf(stderr, "usage: soak_load PORT CLIENTS SECONDS [SEED]\n");
        return 2;
    }
    port = atoi(argv[1]);
    int n = atoi(argv[2]), secs = atoi(argv[3]);
    uint64_t seed = argc > 4 ? strtoull(argv[4], NULL, 0) : (uint64_t)now_ns() ^ (uint64_t)getpid();
    rng = mix(seed) | 1;
    alarm((unsigned)(secs + DRAIN_S + 30));   /* backstop: never hang a bench run */
    ep = epoll_create1(EPOLL_CLOEXEC);
    struct conn *v = calloc((size_t)n, sizeof *v);
    if (ep < 0 || !v) {
        perror("soak_load");
        return 1;
    }
    for (int i = 0; i < n; i++)
        v[i].fd = -1;
    int64_t t0 = now_ns();
    int open = run(v, n, t0 + (int64_t)secs * 1000000000);
    check(v, n, now_ns(), open > 0);   /* what is still open at the drain deadline */
    double s = (double)(now_ns() - t0) / 1e9;
    printf("seed=%#llx seconds=%.1f connections=%llu messages=%llu bytes=%llu "
           "sent=%llu msgs_per_s=%.0f mib_per_s=%.1f errors=%llu connect=%llu "
           "mismatch=%llu reset=%llu short=%llu stall=%llu\n",
           (unsigned long long)seed, s, (unsigned long long)st.conns,
           (unsigned long long)st.msgs, (unsigned long long)st.bytes_ok,
           (unsigned long long)st.bytes_sent, (double)st.msgs / s,
           (double)st.bytes_ok / s / 1048576.0, (unsigned long long)errors(),
           (unsigned long long)st.e_connect, (unsigned long long)st.e_mismatch,
           (unsigned long long)st.e_reset, (unsigned long long)st.e_short,
           (unsigned long long)st.e_stall);
    free(v);
    close(ep);
    return errors() ? 1 : 0;
}
