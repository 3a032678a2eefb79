/* lib/ipkind — address classification (Go's net.IP predicates plus the
 * special-purpose IPv4/IPv6 ranges of RFC 6890 that users ask about). */
#include "lib/ipkind.h"

#include <string.h>

static const uint8_t v6_loopback[16] = { [15] = 1 };
static const uint8_t v6_zero[16];

/* The 4 IPv4 bytes, or NULL for a real IPv6 address. */
static const uint8_t *v4(const struct nr_ip *ip)
{
    if (ip->len != 4 && ip->len != 16)
        return NULL;
    return nr_ip_is4(ip) ? nr_ip_v4bytes(ip) : NULL;
}

/* ip (IPv4) inside a.b.c.d/bits? */
static bool in4(const uint8_t *p, uint32_t net, int bits)
{
    uint32_t a = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
    uint32_t m = bits ? ~(uint32_t)0 << (32 - bits) : 0;
    return (a & m) == net;
}

bool nr_ip_is_unspecified(const struct nr_ip *ip)
{
    const uint8_t *p = v4(ip);
    if (p)
        return !memcmp(p, v6_zero, 4);
    return ip->len == 16 && !memcmp(ip->b, v6_zero, 16);
}

bool nr_ip_is_loopback(const struct nr_ip *ip)
{
    const uint8_t *p = v4(ip);
    if (p)
        return p[0] == 127;
    return ip->len == 16 && !memcmp(ip->b, v6_loopback, 16);
}

bool nr_ip_is_private(const struct nr_ip *ip)
{
    const uint8_t *p = v4(ip);
    if (p)
        return p[0] == 10 || (p[0] == 172 && (p[1] & 0xf0) == 16) ||
               (p[0] == 192 && p[1] == 168);
    return ip->len == 16 && (ip->b[0] & 0xfe) == 0xfc;
}

bool nr_ip_is_multicast(const struct nr_ip *ip)
{
    const uint8_t *p = v4(ip);
    if (p)
        return (p[0] & 0xf0) == 0xe0;
    return ip->len == 16 && ip->b[0] == 0xff;
}

bool nr_ip_is_link_local_unicast(const struct nr_ip *ip)
{
    const uint8_t *p = v4(ip);
    if (p)
        return p[0] == 169 && p[1] == 254;
    return ip->len == 16 && ip->b[0] == 0xfe && (ip->b[1] & 0xc0) == 0x80;
}

bool nr_ip_is_link_local_multicast(const struct nr_ip *ip)
{
    const uint8_t *p = v4(ip);
    if (p)
        return p[0] == 224 && p[1] == 0 && p[2] == 0;
    return ip->len == 16 && ip->b[0] == 0xff && (ip->b[1] & 0x0f) == 0x02;
}

bool nr_ip_is_interface_local_multicast(const struct nr_ip *ip)
{
    return !v4(ip) && ip->len == 16 && ip->b[0] == 0xff && (ip->b[1] & 0x0f) == 0x01;
}

static bool is_broadcast(const struct nr_ip *ip)
{
    const uint8_t *p = v4(ip);
    return p && p[0] == 255 && p[1] == 255 && p[2] == 255 && p[3] == 255;
}

bool nr_ip_is_global_unicast(const struct nr_ip *ip)
{
    return (ip->len == 4 || ip->len == 16) && !is_broadcast(ip) &&
           !nr_ip_is_unspecified(ip) && !nr_ip_is_loopback(ip) &&
           !nr_ip_is_multicast(ip) && !nr_ip_is_link_local_unicast(ip);
}

/* The special ranges that Go counts as global unicast. */
static enum nr_ip_kind special(const struct nr_ip *ip)
{
    const uint8_t *p = v4(ip);
    if (!p) {
        static const uint8_t doc6[4] = { 0x20, 0x01, 0x0d, 0xb8 };
        return !memcmp(ip->b, doc6, 4) ? NR_KIND_DOCUMENTATION : NR_KIND_GLOBAL_UNICAST;
    }
    if (in4(p, 0x64400000, 10))
        return NR_KIND_SHARED;
    if (in4(p, 0xc0000200, 24) || in4(p, 0xc6336400, 24) || in4(p, 0xcb007100, 24))
        return NR_KIND_DOCUMENTATION;
    if (in4(p, 0xc6120000, 15))
        return NR_KIND_BENCHMARK;
    if (p[0] == 0)
        return NR_KIND_THIS_NETWORK;
    if (p[0] >= 240)
        return NR_KIND_RESERVED;
    return NR_KIND_GLOBAL_UNICAST;
}

enum nr_ip_kind nr_ip_kind(const struct nr_ip *ip)
{
    if (nr_ip_is_unspecified(ip))
        return NR_KIND_UNSPECIFIED;
    if (nr_ip_is_loopback(ip))
        return NR_KIND_LOOPBACK;
    if (is_broadcast(ip))
        return NR_KIND_BROADCAST;
    if (nr_ip_is_interface_local_multicast(ip))
        return NR_KIND_IFACE_MULTICAST;
    if (nr_ip_is_link_local_multicast(ip))
        return NR_KIND_LINK_MULTICAST;
    if (nr_ip_is_multicast(ip))
        return NR_KIND_MULTICAST;
    if (nr_ip_is_link_local_unicast(ip))
        return NR_KIND_LINK_LOCAL;
    if (nr_ip_is_private(ip))
        return NR_KIND_PRIVATE;
    return special(ip);
}

const char *nr_ip_kind_name(enum nr_ip_kind k)
{
    static const char *const names[] = {
        [NR_KIND_UNSPECIFIED] = "unspecified",
        [NR_KIND_LOOPBACK] = "loopback",
        [NR_KIND_BROADCAST] = "limited broadcast",
        [NR_KIND_IFACE_MULTICAST] = "interface-local multicast",
        [NR_KIND_LINK_MULTICAST] = "link-local multicast",
        [NR_KIND_MULTICAST] = "multicast",
        [NR_KIND_LINK_LOCAL] = "link-local unicast",
        [NR_KIND_PRIVATE] = "private",
        [NR_KIND_SHARED] = "shared address space",
        [NR_KIND_DOCUMENTATION] = "documentation",
        [NR_KIND_BENCHMARK] = "benchmarking",
        [NR_KIND_THIS_NETWORK] = "this network",
        [NR_KIND_RESERVED] = "reserved",
        [NR_KIND_GLOBAL_UNICAST] = "global unicast",
    };
    if ((unsigned)k >= sizeof names / sizeof names[0])
        return "?";
    return names[k];
}
