/* lib/ipkind — what kind of address an IP is: Go's net.IP predicates
 * (IsLoopback, IsPrivate, IsMulticast, IsGlobalUnicast, ...) and one most
 * specific label for display (loopback, private, documentation, ...).
 * IPv4-mapped IPv6 addresses are judged by their IPv4 part, as Go does.
 * Pure functions: no allocation, no state. */
#ifndef NR_IPKIND_H
#define NR_IPKIND_H

#include <stdbool.h>

#include "lib/addr.h"

/* Go's predicates, same semantics (To4() first for IPv4 and v4-mapped). */
bool nr_ip_is_unspecified(const struct nr_ip *ip);        /* 0.0.0.0, :: */
bool nr_ip_is_loopback(const struct nr_ip *ip);           /* 127/8, ::1 */
bool nr_ip_is_private(const struct nr_ip *ip);            /* RFC 1918, fc00::/7 */
bool nr_ip_is_multicast(const struct nr_ip *ip);          /* 224/4, ff00::/8 */
bool nr_ip_is_link_local_unicast(const struct nr_ip *ip); /* 169.254/16, fe80::/10 */
bool nr_ip_is_link_local_multicast(const struct nr_ip *ip);      /* 224.0.0/24, ffX2:: */
bool nr_ip_is_interface_local_multicast(const struct nr_ip *ip); /* ffX1:: */
bool nr_ip_is_global_unicast(const struct nr_ip *ip);

/* The most specific label, first match in this order. */
enum nr_ip_kind {
    NR_KIND_UNSPECIFIED,
    NR_KIND_LOOPBACK,
    NR_KIND_BROADCAST,            /* 255.255.255.255 */
    NR_KIND_IFACE_MULTICAST,      /* interface-local multicast */
    NR_KIND_LINK_MULTICAST,       /* link-local multicast */
    NR_KIND_MULTICAST,
    NR_KIND_LINK_LOCAL,           /* link-local unicast */
    NR_KIND_PRIVATE,
    NR_KIND_SHARED,               /* 100.64/10, carrier-grade NAT (RFC 6598) */
    NR_KIND_DOCUMENTATION,        /* 192.0.2/24 198.51.100/24 203.0.113/24 2001:db8::/32 */
    NR_KIND_BENCHMARK,            /* 198.18/15 (RFC 2544) */
    NR_KIND_THIS_NETWORK,         /* 0/8 but 0.0.0.0 */
    NR_KIND_RESERVED,             /* 240/4 but the broadcast address */
    NR_KIND_GLOBAL_UNICAST,
};
enum nr_ip_kind nr_ip_kind(const struct nr_ip *ip);
/* "loopback", "link-local unicast", ... (static strings). */
const char *nr_ip_kind_name(enum nr_ip_kind k);

#endif
