/* lib/resolve — the pure half of "resolve an address for a network", shared
 * by dial, listen, send --to, ping and resolve: splitting ADDR into host and
 * port, telling an IP literal (zone kept) from a name, the family filter and
 * v4-mapped unmapping. The waiting half (a query on the loop, one deadline,
 * Ctrl-C) is shell/resolve. No I/O, no printing. */
#ifndef NR_RESOLVE_H
#define NR_RESOLVE_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/addr.h"

enum nr_host_kind {
    NR_HOST_EMPTY,   /* "" (":80"): all interfaces or this machine, per caller */
    NR_HOST_IP,      /* an IP literal, "fe80::1%eth0" with its zone */
    NR_HOST_NAME,    /* anything else: a name for the resolver */
};

struct nr_target {
    const char *host;        /* points into the caller's work buffer */
    const char *port;        /* the port word as given, NULL without with_port */
    enum nr_host_kind kind;
    struct nr_ip ip;         /* NR_HOST_IP: the literal */
};

/* Splits addr: "host:port", "[v6%zone]:port" or ":port" when with_port (Go's
 * SplitHostPort), else a bare host; then classifies the host. host and port
 * point into work (at least strlen(addr)+1 bytes). Returns 0, or -1 with err
 * ("missing port in address", "address too long", ...). */
int nr_target_split(const char *addr, bool with_port, char *work, size_t worklen,
                    struct nr_target *t, char *err, size_t errlen);

/* True when ip belongs to family: AF_UNSPEC takes every address, AF_INET
 * IPv4 and v4-mapped IPv6 (Go's To4() != nil), AF_INET6 the others. */
bool nr_ip_fits(const struct nr_ip *ip, int family);

/* ::ffff:a.b.c.d becomes the 4-byte a.b.c.d (an IPv4 host: sockets of
 * family AF_INET); other addresses are left as they are. */
void nr_ip_unmap(struct nr_ip *ip);

/* Keeps, in order, the first n addresses of ips that fit family (and drops
 * the rest). Returns how many were kept. */
size_t nr_ips_filter(struct nr_ip *ips, size_t n, int family);

#endif
