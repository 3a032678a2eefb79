/* lib/iphdr — decoding the IPv4 header of raw datagrams; ICMP checksums. */
#include "lib/iphdr.h"
#include "lib/icmp.h"

#include <string.h>

int nr_ip4_parse(const uint8_t *p, size_t n, struct nr_ip4hdr *h)
{
    memset(h, 0, sizeof *h);
    if (n < 20 || (p[0] >> 4) != 4)
        return -1;
    h->version = 4;
    h->ihl = (unsigned)(p[0] & 0x0f) * 4;
    if (h->ihl < 20 || h->ihl > n)
        return -1;
    h->tos = p[1];
    h->total_len = (unsigned)p[2] << 8 | p[3];
    h->id = (unsigned)p[4] << 8 | p[5];
    h->df = p[6] & 0x40;
    h->mf = p[6] & 0x20;
    h->frag_off = ((unsigned)(p[6] & 0x1f) << 8 | p[7]) * 8;
    h->ttl = p[8];
    h->proto = p[9];
    h->checksum = (unsigned)p[10] << 8 | p[11];
    h->checksum_ok = nr_icmp_checksum(p, h->ihl) == 0;
    memcpy(h->src, p + 12, 4);
    memcpy(h->dst, p + 16, 4);
    return (int)h->ihl;
}

int nr_icmp_fill_checksum(uint8_t *p, size_t n)
{
    if (n < 4)
        return -1;
    p[2] = p[3] = 0;
    uint16_t c = nr_icmp_checksum(p, n);
    p[2] = (uint8_t)(c >> 8);
    p[3] = (uint8_t)c;
    return c;
}
