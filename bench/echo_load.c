/* bench/echo_load — the load client of bench/echo, the same for every echo
 * server it is pointed at (loopback only):
 *   echo_load latency PORT N            N round trips of 64 bytes: p50 p99 (us)
 *   echo_load throughput PORT MIB       MIB MiB through one connection: MiB/s
 *   echo_load concurrent PORT CLIENTS ROUNDS
 *                                       CLIENTS connections at once, each doing
 *                                       ROUNDS 64-byte round trips: ms msgs/s p99
 * Prints one line of numbers; exits 1 with a message on any failure. */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum { MSG = 64 };

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void die(const char *what)
{
    fprintf(stderr, "echo_load: %s: %s\n", what, strerror(errno));
    exit(1);
}

static int dial(int port)
{
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    if (fd < 0)
        die("socket");
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0)
        die("connect");
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

static void read_full(int fd, char *p, size_t n)
{
    while (n) {
        ssize_t r = read(fd, p, n);
        if (r <= 0) {
            if (r == 0)
                errno = ECONNRESET;
            die("read");
        }
        p += r;
        n -= (size_t)r;
    }
}

static int cmp64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static double pct(int64_t *v, size_t n, double p)
{
    qsort(v, n, sizeof *v, cmp64);
    size_t i = (size_t)(p * (double)(n - 1) + 0.5);
    return (double)v[i] / 1000.0;
}

static int latency(int port, long n)
{
    int fd = dial(port);
    char out[MSG], in[MSG];
    memset(out, 'L', sizeof out);
    int64_t *v = calloc((size_t)n, sizeof *v);
    for (long i = 0; i < n; i++) {
        int64_t t0 = now_ns();
        if (write(fd, out, MSG) != MSG)
            die("write");
        read_full(fd, in, MSG);
        v[i] = now_ns() - t0;
    }
    double p50 = pct(v, (size_t)n, 0.50), p99 = pct(v, (size_t)n, 0.99);
    printf("%.1f %.1f\n", p50, p99);
    free(v);
    close(fd);
    return 0;
}

static int throughput(int port, long mib)
{
    int fd = dial(port);
    size_t total = (size_t)mib << 20, sent = 0, got = 0;
    static char out[1 << 16], in[1 << 16];
    memset(out, 'T', sizeof out);
    int64_t t0 = now_ns();
    while (got < total) {
        struct pollfd p = { fd, POLLIN | (sent < total ? POLLOUT : 0), 0 };
        if (poll(&p, 1, 5000) <= 0) {
            /* Some servers deadlock on a bulk stream (ncat --exec: blocking
             * pipe writes); say so instead of failing the whole bench. */
            printf("stalled@%zuMiB\n", got >> 20);
            close(fd);
            return 0;
        }
        if ((p.revents & POLLOUT) && sent < total) {
            size_t n = total - sent < sizeof out ? total - sent : sizeof out;
            ssize_t w = send(fd, out, n, MSG_DONTWAIT | MSG_NOSIGNAL);
            if (w < 0 && errno != EAGAIN)
                die("send");
            if (w > 0)
                sent += (size_t)w;
        }
        if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
            ssize_t r = recv(fd, in, sizeof in, MSG_DONTWAIT);
            if (r == 0 || (r < 0 && errno != EAGAIN)) {
                errno = r == 0 ? ECONNRESET : errno;
                die("recv");
            }
            if (r > 0)
                got += (size_t)r;
        }
    }
    double s = (double)(now_ns() - t0) / 1e9;
    printf("%.1f\n", (double)mib / s);
    close(fd);
    return 0;
}

struct client {
    int fd;
    long left;
    size_t have;
    int64_t t0;
};

static int concurrent(int port, int nc, long rounds)
{
    struct client *c = calloc((size_t)nc, sizeof *c);
    int64_t *lat = calloc((size_t)nc * (size_t)rounds, sizeof *lat);
    size_t nlat = 0;
    int ep = epoll_create1(0);
    char out[MSG], in[MSG];
    memset(out, 'C', sizeof out);
    for (int i = 0; i < nc; i++) {
        c[i].fd = dial(port);
        c[i].left = rounds;
        struct epoll_event ev = { .events = EPOLLIN, .data.u32 = (uint32_t)i };
        epoll_ctl(ep, EPOLL_CTL_ADD, c[i].fd, &ev);
    }
    int64_t t0 = now_ns();
    for (int i = 0; i < nc; i++) {
        c[i].t0 = now_ns();
        if (write(c[i].fd, out, MSG) != MSG)
            die("write");
    }
    int active = nc;
    struct epoll_event evs[256];
    while (active) {
        int n = epoll_wait(ep, evs, 256, 10000);
        if (n <= 0)
            die("epoll_wait (stalled)");
        for (int k = 0; k < n; k++) {
            struct client *cl = &c[evs[k].data.u32];
            ssize_t r = read(cl->fd, in, MSG - cl->have);
            if (r <= 0)
                die("read");
            cl->have += (size_t)r;
            if (cl->have < MSG)
                continue;
            cl->have = 0;
            lat[nlat++] = now_ns() - cl->t0;
            if (--cl->left == 0) {
                active--;
                continue;
            }
            cl->t0 = now_ns();
            if (write(cl->fd, out, MSG) != MSG)
                die("write");
        }
    }
    double ms = (double)(now_ns() - t0) / 1e6;
    printf("%.1f %.0f %.1f\n", ms, (double)nlat / (ms / 1000.0), pct(lat, nlat, 0.99));
    for (int i = 0; i < nc; i++)
        close(c[i].fd);
    free(c);
    free(lat);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 4 && !strcmp(argv[1], "latency"))
        return latency(atoi(argv[2]), atol(argv[3]));
    if (argc >= 4 && !strcmp(argv[1], "throughput"))
        return throughput(atoi(argv[2]), atol(argv[3]));
    if (argc >= 5 && !strcmp(argv[1], "concurrent"))
        return concurrent(atoi(argv[2]), atoi(argv[3]), atol(argv[4]));
    fprintf(stderr, "usage: echo_load latency PORT N | throughput PORT MIB | "
                    "concurrent PORT CLIENTS ROUNDS\n");
    return 2;
}
