/* bench/tls_load — the TLS load client of bench/tls (certificates are not
 * verified: the bench measures the servers, not the PKI). The client is
 * kept cheap so that the server is what is measured: read ahead, and the
 * concurrent clients are non-blocking connections on one epoll loop (a
 * thread per client measured the client's own scheduler more than the
 * server). One SSL object is never used by two threads at once (OpenSSL
 * does not allow it): the stream writes and reads on one thread.
 *   tls_load stream PORT MIB             MiB/s echoed through one connection
 *   tls_load concurrent PORT N ROUNDS    N clients at once, 64-byte round trips: msgs/s
 *   tls_load handshakes PORT SECONDS     connect, handshake, close, repeated: per second */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <stdbool.h>
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

/* rbuf: a read-ahead buffer of that size (0: OpenSSL's, one record). */
static SSL *dial(int *fdp, size_t rbuf)
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
    if (rbuf)
        SSL_set_default_read_buffer_len(s, rbuf);
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

/* One connection, one thread, non-blocking: write while the socket takes
 * it and read what came back, until all of it is home. Records go out
 * through a buffer (a 256 KiB write is 16 records in one send) and come in
 * through a 256 KiB read-ahead buffer, so the client spends its time on
 * the crypto, not on a system call per record. */
static void stream(size_t mib)
{
    int fd;
    enum { CHUNK = 256 * 1024 };
    SSL *s = dial(&fd, CHUNK);
    static char out[CHUNK], in[CHUNK];
    BIO *wb = BIO_new(BIO_f_buffer());
    BIO_set_write_buffer_size(wb, CHUNK + 4096);
    BIO_push(wb, BIO_new_socket(fd, BIO_NOCLOSE));
    BIO *rb = BIO_new_socket(fd, BIO_NOCLOSE);
    SSL_set_bio(s, rb, wb);
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    size_t total = mib << 20, sent = 0, got = 0;
    bool flushing = false;
    double t0 = now();
    while (got < total) {
        bool want_out = false;
        if (flushing) {
            if (BIO_flush(wb) == 1)
                flushing = false;
            else if (BIO_should_retry(wb))
                want_out = true;
            else { fprintf(stderr, "flush failed\n"); exit(1); }
        }
        while (!flushing && sent < total) {
            size_t n = total - sent < CHUNK ? total - sent : CHUNK, k = 0;
            if (SSL_write_ex(s, out, n, &k) != 1) {
                if (SSL_get_error(s, 0) != SSL_ERROR_WANT_WRITE) { fprintf(stderr, "write failed\n"); exit(1); }
                want_out = true;
                break;
            }
            sent += k;
            if (BIO_flush(wb) != 1) {
                if (!BIO_should_retry(wb)) { fprintf(stderr, "flush failed\n"); exit(1); }
                flushing = want_out = true;
            }
        }
        for (;;) {
            size_t k = 0;
            if (SSL_read_ex(s, in, sizeof in, &k) != 1) {
                if (SSL_get_error(s, 0) != SSL_ERROR_WANT_READ) { fprintf(stderr, "read failed at %zu\n", got); exit(1); }
                break;
            }
            got += k;
        }
        if (got >= total)
            break;
        struct pollfd p = { .fd = fd, .events = POLLIN | (want_out ? POLLOUT : 0) };
        if (poll(&p, 1, 10000) == 0) { fprintf(stderr, "no progress for 10 s at %zu\n", got); exit(1); }
    }
    printf("%.0f\n", (double)mib / (now() - t0));
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
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
        c[i].s = dial(&c[i].fd, 0);
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
        SSL *s = dial(&fd, 0);
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
