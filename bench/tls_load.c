/* bench/tls_load — the TLS load client of bench/tls (certificates are not
 * verified: the bench measures the servers, not the PKI). The client is
 * kept cheap so that the server is what is measured: read ahead, and the
 * concurrent clients are non-blocking connections on one epoll loop (a
 * thread per client measured the client's own scheduler more than the
 * server).
 *   tls_load stream PORT MIB             MiB/s echoed through one connection
 *   tls_load concurrent PORT N ROUNDS    N clients at once, 64-byte round trips: msgs/s
 *   tls_load handshakes PORT SECONDS     connect, handshake, close, repeated: per second */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/ssl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <errno.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

static SSL_CTX *ctx;
static int port;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static SSL *dial(int *fdp)
{
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((unsigned short)port) };
    inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
    int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
        perror("connect");
        exit(1);
    }
    SSL *s = SSL_new(ctx);
    SSL_set_fd(s, fd);
    if (SSL_connect(s) != 1) {
        fprintf(stderr, "handshake failed\n");
        exit(1);
    }
    *fdp = fd;
    return s;
}

static void done(SSL *s, int fd)
{
    SSL_shutdown(s);
    SSL_free(s);
    close(fd);
}

struct rd { SSL *s; size_t total; };
static void *reader(void *arg)
{
    struct rd *r = arg;
    char buf[65536];
    size_t got = 0;
    while (got < r->total) {
        int n = SSL_read(r->s, buf, sizeof buf);
        if (n <= 0) { fprintf(stderr, "read failed at %zu\n", got); exit(1); }
        got += (size_t)n;
    }
    return NULL;
}

static void stream(size_t mib)
{
    int fd;
    SSL *s = dial(&fd);
    static char buf[16384];
    struct rd r = { s, mib << 20 };
    pthread_t t;
    double t0 = now();
    pthread_create(&t, NULL, reader, &r);
    for (size_t sent = 0; sent < r.total; sent += sizeof buf)
        if (SSL_write(s, buf, sizeof buf) <= 0) { fprintf(stderr, "write failed\n"); exit(1); }
    pthread_join(t, NULL);
    printf("%.0f\n", (double)mib / (now() - t0));
    done(s, fd);
}

static int rounds;

struct conn { SSL *s; int fd, left; size_t got; };

/* N connections (handshakes done first, not timed), then on one epoll
 * loop: each sends 64 bytes, waits for the 64 back, ROUNDS times. */
static void concurrent(int n)
{
    struct conn *c = calloc((size_t)n, sizeof *c);
    int ep = epoll_create1(0);
    char msg[64];
    memset(msg, 'x', sizeof msg);
    for (int i = 0; i < n; i++) {
        c[i].s = dial(&c[i].fd);
        c[i].left = rounds;
        fcntl(c[i].fd, F_SETFL, fcntl(c[i].fd, F_GETFL) | O_NONBLOCK);
        struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &c[i] };
        epoll_ctl(ep, EPOLL_CTL_ADD, c[i].fd, &ev);
    }
    double t0 = now();
    for (int i = 0; i < n; i++)
        if (SSL_write(c[i].s, msg, sizeof msg) != (int)sizeof msg) { fprintf(stderr, "write failed\n"); exit(1); }
    int active = n;
    struct epoll_event evs[256];
    while (active > 0) {
        int k = epoll_wait(ep, evs, 256, 10000);
        if (k <= 0) { fprintf(stderr, "no answer for 10 s (%d clients waiting)\n", active); exit(1); }
        for (int j = 0; j < k; j++) {
            struct conn *x = evs[j].data.ptr;
            char back[64];
            for (;;) {
                size_t r = 0;
                if (SSL_read_ex(x->s, back, sizeof back - x->got, &r) != 1) {
                    int e = SSL_get_error(x->s, 0);
                    if (e == SSL_ERROR_WANT_READ) break;
                    fprintf(stderr, "client read failed\n");
                    exit(1);
                }
                x->got += r;
                if (x->got < sizeof back)
                    continue;
                x->got = 0;
                if (--x->left == 0) {
                    epoll_ctl(ep, EPOLL_CTL_DEL, x->fd, NULL);
                    active--;
                    break;
                }
                if (SSL_write(x->s, msg, sizeof msg) != (int)sizeof msg) { fprintf(stderr, "write failed\n"); exit(1); }
            }
        }
    }
    double el = now() - t0;
    printf("%.0f\n", (double)n * rounds / el);
    for (int i = 0; i < n; i++) {
        fcntl(c[i].fd, F_SETFL, fcntl(c[i].fd, F_GETFL) & ~O_NONBLOCK);
        done(c[i].s, c[i].fd);
    }
    free(c);
}

static void handshakes(double secs)
{
    double t0 = now();
    long n = 0;
    while (now() - t0 < secs) {
        int fd;
        SSL *s = dial(&fd);
        done(s, fd);
        n++;
    }
    printf("%.0f\n", n / (now() - t0));
}

int main(int argc, char **argv)
{
    if (argc < 4)
        return 2;
    port = atoi(argv[2]);
    ctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
    SSL_CTX_set_read_ahead(ctx, 1);
    if (!strcmp(argv[1], "stream"))
        stream((size_t)atol(argv[3]));
    else if (!strcmp(argv[1], "concurrent") && argc > 4) {
        rounds = atoi(argv[4]);
        concurrent(atoi(argv[3]));
    } else if (!strcmp(argv[1], "handshakes"))
        handshakes(atof(argv[3]));
    else
        return 2;
    return 0;
}
