/* bench/tls_load — the TLS load client of bench/tls (blocking OpenSSL, one
 * thread per client; certificates are not verified: the bench measures the
 * servers, not the PKI).
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
#include <sys/socket.h>
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
static pthread_barrier_t bar;
static void *client(void *arg)
{
    int fd;
    SSL *s = dial(&fd);
    char msg[64], back[64];
    memset(msg, 'x', sizeof msg);
    pthread_barrier_wait(&bar);
    for (int i = 0; i < rounds; i++) {
        SSL_write(s, msg, sizeof msg);
        size_t got = 0;
        while (got < sizeof back) {
            int n = SSL_read(s, back + got, (int)(sizeof back - got));
            if (n <= 0) { fprintf(stderr, "client read failed\n"); exit(1); }
            got += (size_t)n;
        }
    }
    pthread_barrier_wait(&bar);
    done(s, fd);
    return arg;
}

static void concurrent(int n)
{
    pthread_t *t = calloc((size_t)n, sizeof *t);
    pthread_attr_t a;
    pthread_attr_init(&a);
    pthread_attr_setstacksize(&a, 256 * 1024);
    pthread_barrier_init(&bar, NULL, (unsigned)n + 1);
    for (int i = 0; i < n; i++)
        pthread_create(&t[i], &a, client, NULL);
    pthread_barrier_wait(&bar);
    double t0 = now();
    pthread_barrier_wait(&bar);
    double el = now() - t0;
    for (int i = 0; i < n; i++)
        pthread_join(t[i], NULL);
    printf("%.0f\n", (double)n * rounds / el);
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
