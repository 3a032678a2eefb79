/* bench/addr_floor — the C floor for bench/addr: the same parse/mask work as
 * netrepl's `parse` and `mask` (inet_pton, mask arithmetic, inet_ntop, a few
 * printf lines per command) with no shell around it: no tokenizer, no
 * dispatch, no printer. Reads the command lines on stdin. Built by bench/addr
 * with cc -O2; not part of netrepl. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ip { uint8_t b[16]; int len; };

static int parse_ip(const char *s, struct ip *ip)
{
    char t[64];
    size_t n = strcspn(s, "%");
    if (n >= sizeof t)
        return -1;
    memcpy(t, s, n);
    t[n] = 0;
    memset(ip, 0, sizeof *ip);
    ip->len = strchr(t, ':') ? 16 : 4;
    return inet_pton(ip->len == 4 ? AF_INET : AF_INET6, t, ip->b) == 1 ? 0 : -1;
}

static const char *str(const struct ip *ip, char *buf)
{
    return inet_ntop(ip->len == 4 ? AF_INET : AF_INET6, ip->b, buf, INET6_ADDRSTRLEN);
}

static const char *kind(const struct ip *ip)
{
    const uint8_t *p = ip->b;
    if (ip->len == 4) {
        if (p[0] == 127) return "loopback";
        if (p[0] == 10 || (p[0] == 172 && (p[1] & 0xf0) == 16) || (p[0] == 192 && p[1] == 168))
            return "private";
        if ((p[0] & 0xf0) == 0xe0) return "multicast";
        if (p[0] == 169 && p[1] == 254) return "link-local unicast";
        if (p[0] == 192 && p[1] == 0 && p[2] == 2) return "documentation";
        return "global unicast";
    }
    if (p[0] == 0xff) return "multicast";
    if (p[0] == 0xfe && (p[1] & 0xc0) == 0x80) return "link-local unicast";
    if ((p[0] & 0xfe) == 0xfc) return "private";
    if (p[0] == 0x20 && p[1] == 0x01 && p[2] == 0x0d && p[3] == 0xb8) return "documentation";
    return "global unicast";
}

static void do_parse(const char *a)
{
    struct ip ip;
    static const char hx[] = "0123456789abcdef";
    char buf[INET6_ADDRSTRLEN], hex[64];
    if (parse_ip(a, &ip) < 0) {
        fprintf(stderr, "parse: %s: invalid IP address\n", a);
        return;
    }
    size_t h = 0;
    for (int i = 0; i < ip.len; i++) {
        hex[h++] = hx[ip.b[i] >> 4];
        hex[h++] = hx[ip.b[i] & 15];
        hex[h++] = ' ';
    }
    hex[h ? h - 1 : 0] = 0;
    printf("address   %s\n", str(&ip, buf));
    printf("family    IPv%d, %d bytes\n", ip.len == 4 ? 4 : 6, ip.len);
    printf("bytes     %s\n", hex);
    printf("kind      %s\n", kind(&ip));
    if (ip.len == 4)
        printf("mask      /%d\n", ip.b[0] < 128 ? 8 : ip.b[0] < 192 ? 16 : 24);
}

/* Mask bytes from "/N", "N", dotted or 8-digit hex. */
static int parse_mask(const char *m, int bits, uint8_t *mb)
{
    memset(mb, 0, 16);
    if (*m == '/')
        m++;
    if (strchr(m, '.'))
        return inet_pton(AF_INET, m, mb) == 1 ? 0 : -1;
    if (strlen(m) == 8) {
        uint32_t v = (uint32_t)strtoul(m, NULL, 16);
        v = htonl(v);
        memcpy(mb, &v, 4);
        return 0;
    }
    int n = atoi(m);
    if (n < 0 || n > bits)
        return -1;
    for (int i = 0; i < bits / 8; i++, n -= 8)
        mb[i] = n >= 8 ? 0xff : n > 0 ? (uint8_t)(0xff << (8 - n)) : 0;
    return 0;
}

static void print_count(int zeros)
{
    unsigned __int128 v = (unsigned __int128)1 << (zeros > 127 ? 127 : zeros);
    if (zeros == 128)
        v = 0;   /* not exact: the floor only needs the same amount of work */
    char d[48];
    int i = 47;
    d[i] = 0;
    do {
        d[--i] = (char)('0' + (int)(v % 10));
        v /= 10;
    } while (v);
    printf("addresses %s (2^%d)\n", d + i, zeros);
}

static void do_mask(const char *a, const char *m)
{
    char addr[64], buf[INET6_ADDRSTRLEN];
    const char *slash = strchr(a, '/');
    size_t n = slash ? (size_t)(slash - a) : strlen(a);
    struct ip ip, net, host, bc;
    uint8_t mb[16];
    snprintf(addr, sizeof addr, "%.*s", (int)n, a);
    if (parse_ip(addr, &ip) < 0 || (!slash && !m && ip.len == 16)) {
        fprintf(stderr, "mask: %s: invalid IP address\n", a);
        return;
    }
    const char *mt = slash ? slash + 1 : m ? m : ip.b[0] < 128 ? "8" : ip.b[0] < 192 ? "16" : "24";
    if (parse_mask(mt, ip.len * 8, mb) < 0) {
        fprintf(stderr, "mask: %s: invalid mask\n", mt);
        return;
    }
    net = host = bc = ip;
    int zeros = 0;
    for (int i = 0; i < ip.len; i++) {
        net.b[i] &= mb[i];
        host.b[i] &= (uint8_t)~mb[i];
        bc.b[i] = net.b[i] | (uint8_t)~mb[i];
        zeros += __builtin_popcount((uint8_t)~mb[i]);
    }
    struct ip mk = { .len = ip.len };
    memcpy(mk.b, mb, 16);
    printf("address   %s\n", str(&ip, buf));
    printf("mask      %s = /%d\n", str(&mk, buf), ip.len * 8 - zeros);
    printf("size      %d %d\n", ip.len * 8 - zeros, ip.len * 8);
    printf("network   %s\n", str(&net, buf));
    printf("host      %s\n", str(&host, buf));
    printf("broadcast %s\n", str(&bc, buf));
    struct ip first = net, last = bc;
    if (ip.len == 4 && zeros >= 2) {
        first.b[3] |= 1;
        last.b[3] &= 0xfe;
    }
    printf("first     %s\n", str(&first, buf));
    printf("last      %s\n", str(&last, buf));
    print_count(zeros);
}

int main(void)
{
    char *line = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, stdin) > 0) {
        char *save, *w0 = strtok_r(line, " \t\n", &save);
        char *w1 = strtok_r(NULL, " \t\n", &save), *w2 = strtok_r(NULL, " \t\n", &save);
        if (!w0 || !w1)
            continue;
        if (!strcmp(w0, "parse"))
            do_parse(w1);
        else
            do_mask(w1, w2);
    }
    free(line);
    return 0;
}
