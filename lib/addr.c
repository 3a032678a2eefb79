/* lib/addr — IP literal parsing and formatting with Go net.IP semantics. */
#include "lib/addr.h"
#include "lib/util.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>

static const uint8_t v4_prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

int nr_ip_parse(const char *s, struct nr_ip *ip, bool allow_zone)
{
    char tmp[64];
    /* The zone starts after the last '%', as Go's splitHostZone: in
     * "fe80::1%a%b" the address part "fe80::1%a" is not an IP. */
    const char *pct = strrchr(s, '%');
    size_t n = pct ? (size_t)(pct - s) : strlen(s);
    memset(ip, 0, sizeof *ip);
    if (n == 0 || n >= sizeof tmp)
        return -1;
    memcpy(tmp, s, n);
    tmp[n] = 0;
    if (!strchr(tmp, ':')) {
        if (pct || inet_pton(AF_INET, tmp, ip->b) != 1)
            return -1;
        ip->len = 4;
        return 0;
    }
    if (inet_pton(AF_INET6, tmp, ip->b) != 1)
        return -1;
    ip->len = 16;
    if (pct) {
        size_t zl = strlen(pct + 1);
        if (!allow_zone || zl == 0 || zl >= sizeof ip->zone)
            return -1;
        memcpy(ip->zone, pct + 1, zl + 1);
    }
    return 0;
}

bool nr_ip_is4(const struct nr_ip *ip)
{
    return ip->len == 4 || (ip->len == 16 && !memcmp(ip->b, v4_prefix, 12));
}

const uint8_t *nr_ip_v4bytes(const struct nr_ip *ip)
{
    return ip->len == 4 ? ip->b : ip->b + 12;
}

/* Dotted decimal; returns the end. t holds 16. */
static char *fmt4(const uint8_t *p, char *t)
{
    for (int i = 0; i < 4; i++) {
        unsigned v = p[i];
        if (v >= 100)
            *t++ = (char)('0' + v / 100);
        if (v >= 10)
            *t++ = (char)('0' + v / 10 % 10);
        *t++ = (char)('0' + v % 10);
        *t++ = i < 3 ? '.' : 0;
    }
    return t - 1;
}

/* RFC 5952 as Go's netip: the first longest run of two or more zero groups
 * becomes "::", hex in lowercase without leading zeros, and no embedded
 * dotted quad (Go prints ::1.2.3.4 as ::102:304). t holds 40. */
static char *fmt6(const uint8_t *p, char *t)
{
    static const char hx[] = "0123456789abcdef";
    unsigned g[8];
    int zs = -1, zl = 1;
    for (int i = 0; i < 8; i++)
        g[i] = (unsigned)p[2 * i] << 8 | p[2 * i + 1];
    for (int i = 0; i < 8; i++) {
        int j = i;
        while (j < 8 && g[j] == 0)
            j++;
        if (j - i > zl) {
            zs = i;
            zl = j - i;
        }
    }
    for (int i = 0; i < 8; i++) {
        if (i == zs) {
            *t++ = ':';
            *t++ = ':';
            i += zl - 1;
            continue;
        }
        if (i > 0 && i != zs + zl)
            *t++ = ':';
        for (int sh = 12; sh >= 0; sh -= 4)
            if ((g[i] >> sh) || sh == 0)
                *t++ = hx[g[i] >> sh & 15];
    }
    *t = 0;
    return t;
}

char *nr_ip_str(const struct nr_ip *ip, char *buf, size_t n)
{
    char t[INET6_ADDRSTRLEN + 1 + NR_ZONELEN], *e;
    if (ip->len != 4 && ip->len != 16) {
        snprintf(buf, n, "?");
        return buf;
    }
    /* A zone belongs to IPv6: a zoned v4-mapped address keeps its v6 form. */
    if (nr_ip_is4(ip) && !ip->zone[0])
        e = fmt4(nr_ip_v4bytes(ip), t);
    else
        e = fmt6(ip->b, t);
    if (ip->zone[0]) {
        *e++ = '%';
        size_t zl = strnlen(ip->zone, NR_ZONELEN - 1);
        memcpy(e, ip->zone, zl);
        e += zl;
        *e = 0;
    }
    size_t len = (size_t)(e - t);
    if (n == 0)
        return buf;
    if (len >= n)
        len = n - 1;
    memcpy(buf, t, len);
    buf[len] = 0;
    return buf;
}

/* A line-for-line transcription of Go's SplitHostPort, so that every
 * malformed input gets Go's message. */
int nr_hostport_split(const char *hp, char *work, size_t worklen,
                      const char **host, const char **port,
                      char *err, size_t errlen)
{
    size_t n = strlen(hp), j = 0, k = 0;
    if (n + 1 > worklen)
        return nr_err(err, errlen, "address too long");
    memcpy(work, hp, n + 1);
    char *colon = strrchr(work, ':'), *h = work;
    if (!colon)
        return nr_err(err, errlen, "missing port in address");
    if (work[0] == '[') {
        char *end = strchr(work, ']');   /* expected just before the last ':' */
        if (!end)
            return nr_err(err, errlen, "missing ']' in address");
        if (end + 1 == work + n)
            return nr_err(err, errlen, "missing port in address");
        if (end + 1 != colon)
            return nr_err(err, errlen, end[1] == ':' ? "too many colons in address"
                                                     : "missing port in address");
        j = 1;
        k = (size_t)(end - work) + 1;
        *end = 0;
        h = work + 1;
    } else if (memchr(work, ':', (size_t)(colon - work))) {
        return nr_err(err, errlen, "too many colons in address");
    }
    if (strchr(hp + j, '['))
        return nr_err(err, errlen, "unexpected '[' in address");
    if (strchr(hp + k, ']'))
        return nr_err(err, errlen, "unexpected ']' in address");
    *colon = 0;
    *host = h;
    *port = colon + 1;
    return 0;
}

char *nr_hostport_join(const char *host, const char *port, char *buf, size_t n)
{
    if (strchr(host, ':'))
        snprintf(buf, n, "[%s]:%s", host, port);
    else
        snprintf(buf, n, "%s:%s", host, port);
    return buf;
}

int nr_ip_sockaddr(const struct nr_ip *ip, uint16_t port,
                   struct sockaddr_storage *ss, socklen_t *len,
                   char *err, size_t errlen)
{
    memset(ss, 0, sizeof *ss);
    if (ip->len == 4) {
        struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
        s4->sin_family = AF_INET;
        s4->sin_port = htons(port);
        memcpy(&s4->sin_addr, ip->b, 4);
        *len = sizeof *s4;
        return 0;
    }
    struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
    s6->sin6_family = AF_INET6;
    s6->sin6_port = htons(port);
    memcpy(&s6->sin6_addr, ip->b, 16);
    if (ip->zone[0]) {
        unsigned idx = if_nametoindex(ip->zone);
        if (!idx) {
            char *end;
            unsigned long v = strtoul(ip->zone, &end, 10);
            if (*end || v == 0 || v > 0xffffffffUL)
                return nr_err(err, errlen, "no such interface: %s", ip->zone);
            idx = (unsigned)v;
        }
        s6->sin6_scope_id = idx;
    }
    *len = sizeof *s6;
    return 0;
}

int nr_sockaddr_ip(const struct sockaddr *sa, struct nr_ip *ip, uint16_t *port)
{
    memset(ip, 0, sizeof *ip);
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;
        memcpy(ip->b, &s4->sin_addr, 4);
        ip->len = 4;
        if (port)
            *port = ntohs(s4->sin_port);
        return 0;
    }
    if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;
        memcpy(ip->b, &s6->sin6_addr, 16);
        ip->len = 16;
        if (s6->sin6_scope_id) {
            char name[IF_NAMESIZE];
            if (if_indextoname(s6->sin6_scope_id, name))
                snprintf(ip->zone, sizeof ip->zone, "%s", name);
            else
                snprintf(ip->zone, sizeof ip->zone, "%u", (unsigned)s6->sin6_scope_id);
        }
        if (port)
            *port = ntohs(s6->sin6_port);
        return 0;
    }
    return -1;
}

char *nr_sockaddr_str(const struct sockaddr *sa, socklen_t len, char *buf, size_t n)
{
    struct nr_ip ip;
    uint16_t port;
    if (sa->sa_family == AF_UNIX) {
        const struct sockaddr_un *su = (const struct sockaddr_un *)sa;
        size_t off = offsetof(struct sockaddr_un, sun_path);
        if (len <= off)
            snprintf(buf, n, "(unnamed)");
        else if (su->sun_path[0] == 0)
            snprintf(buf, n, "@%.*s", (int)(len - off - 1), su->sun_path + 1);
        else
            snprintf(buf, n, "%.*s", (int)strnlen(su->sun_path, len - off), su->sun_path);
        return buf;
    }
    if (nr_sockaddr_ip(sa, &ip, &port) < 0) {
        snprintf(buf, n, "?");
        return buf;
    }
    char h[NR_ADDRSTRLEN], p[8];
    /* A v4-mapped peer on a dual-stack socket prints as plain IPv4, as Go. */
    nr_ip_str(&ip, h, sizeof h);
    snprintf(p, sizeof p, "%u", port);
    return nr_hostport_join(h, p, buf, n);
}
