/* lib/iphdr — the IPv4 header a raw ip4:PROTO socket hands up with each
 * datagram, decoded into plain fields for `recv --ip`, and the Internet
 * checksum filled into a user's ICMP message. Never prints. */
#ifndef NR_IPHDR_H
#define NR_IPHDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct nr_ip4hdr {
    unsigned version, ihl;      /* ihl in bytes (4 * the IHL field) */
    unsigned tos, total_len, id, frag_off;
    bool df, mf;
    unsigned ttl, proto, checksum;
    bool checksum_ok;           /* the header sums to 0 */
    uint8_t src[4], dst[4];
};

/* Decodes the IPv4 header at p[0..n). Returns its length in bytes (the
 * payload starts there), or -1 when p does not start with a whole IPv4
 * header (too short, version not 4, IHL under 5 or past n). */
int nr_ip4_parse(const uint8_t *p, size_t n, struct nr_ip4hdr *h);

/* Fills the RFC 1071 checksum of the ICMP message p[0..n) in at bytes 2-3
 * (zeroed first). Returns the checksum, or -1 when n < 4. */
int nr_icmp_fill_checksum(uint8_t *p, size_t n);

#endif
