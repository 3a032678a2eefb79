/* bench/tls_floor — the floor of bench/tls's stream: the least a TLS echo
 * server can do with OpenSSL, one blocking connection at a time, 64 KiB
 * reads with read ahead, each written straight back. No event loop, no
 * session table, no bookkeeping: what is left is OpenSSL's and the
 * kernel's share, so a server cannot be much faster than this on the same
 * machine with the same load client.
 *   tls_floor PORT CERT KEY      (127.0.0.1 only) */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/ssl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc != 4)
        return 2;
    signal(SIGPIPE, SIG_IGN);   /* a client gone before our close_notify */
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    if (!ctx || SSL_CTX_use_certificate_chain_file(ctx, argv[2]) != 1 ||
        SSL_CTX_use_PrivateKey_file(ctx, argv[3], SSL_FILETYPE_PEM) != 1) {
        fprintf(stderr, "tls_floor: cannot load %s / %s\n", argv[2], argv[3]);
        return 1;
    }
    SSL_CTX_set_read_ahead(ctx, 1);
    SSL_CTX_set_default_read_buffer_len(ctx, 64 * 1024);
    int l = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(argv[1])) };
    inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
    if (bind(l, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(l, 128) < 0) {
        perror("tls_floor");
        return 1;
    }
    static char buf[65536];
    for (;;) {
        int fd = accept(l, NULL, NULL);
        if (fd < 0)
            continue;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        SSL *s = SSL_new(ctx);
        SSL_set_fd(s, fd);
        size_t n, w;
        if (SSL_accept(s) == 1)
            while (SSL_read_ex(s, buf, sizeof buf, &n) == 1 && SSL_write_ex(s, buf, n, &w) == 1)
                ;
        SSL_shutdown(s);
        SSL_free(s);
        close(fd);
    }
}
