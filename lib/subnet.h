/* lib/subnet — prefix arithmetic for `subnet` and the bit view of `mask`:
 * addresses as 128-bit numbers, prefixes and ranges parsed from text,
 * splitting a prefix, containment, and the exact CIDR list of a set of
 * ranges (what Python's ipaddress calls collapse_addresses and
 * summarize_address_range). Pure computation: no printing, no globals;
 * the only allocation is the caller's range array. */
#ifndef NR_SUBNET_H
#define NR_SUBNET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/addr.h"

/* An address as a number; IPv4 uses the low 32 bits of lo. */
struct nr_u128 {
    uint64_t hi, lo;
};

/* NET/LEN of an address family of `bits` (32 or 128); net has no host bits. */
struct nr_prefix {
    struct nr_u128 net;
    int len;
    int bits;
};

/* Every address from lo to hi inclusive (lo <= hi), of one family. */
struct nr_range {
    struct nr_u128 lo, hi;
    int bits;
};

/* ip as a number; bits gets 32 (len 4) or 128 (len 16, v4-mapped too). */
struct nr_u128 nr_ip_u128(const struct nr_ip *ip, int *bits);
/* The number back as an address of `bits` bits (no zone). */
void nr_u128_ip(struct nr_u128 v, int bits, struct nr_ip *ip);
int nr_u128_cmp(struct nr_u128 a, struct nr_u128 b);
/* v + 1 (wraps at 2^128). */
struct nr_u128 nr_u128_inc(struct nr_u128 v);
/* The top `len` bits of `bits` set (a prefix's mask as a number). */
struct nr_u128 nr_u128_mask(int len, int bits);

/* "ADDR/N" (host bits allowed: *had_host says whether there were any;
 * may be NULL) or a bare "ADDR" (a /32 or /128). The family comes from how
 * ADDR is written (a ':' makes it IPv6, as Python). 0, or -1 with err. */
int nr_prefix_parse(const char *s, struct nr_prefix *p, bool *had_host,
                    char *err, size_t errlen);
/* "A-B" (A <= B, one family), or anything nr_prefix_parse takes. */
int nr_range_parse(const char *s, struct nr_range *r, char *err, size_t errlen);
/* The first and last address of a prefix. */
struct nr_range nr_prefix_range(const struct nr_prefix *p);
/* True when every address of inner lies in outer (same family). */
bool nr_prefix_contains(const struct nr_prefix *outer, const struct nr_prefix *inner);
/* The first bit (0 = most significant) where a and b differ, or bits when
 * equal. */
int nr_u128_diffbit(struct nr_u128 a, struct nr_u128 b, int bits);
/* The smallest single prefix holding all of r (Python: the supernet of
 * the first address whose prefix length is the common leading bits). */
struct nr_prefix nr_range_supernet(const struct nr_range *r);

/* Called for each CIDR in order; a non-zero return stops the walk and is
 * returned. */
typedef int (*nr_prefix_fn)(void *arg, const struct nr_prefix *p);
/* The exact CIDR decomposition of one range, lowest first (Python's
 * summarize_address_range). */
int nr_range_cidrs(const struct nr_range *r, nr_prefix_fn fn, void *arg);
/* Sorts and merges rs in place (overlapping and adjacent ranges join; n
 * gets the new count), all of one family. Then the union as the fewest
 * CIDRs (Python's collapse_addresses) may be had with nr_range_cidrs on
 * each. Returns the new count. */
size_t nr_ranges_merge(struct nr_range *rs, size_t n);

/* The subnets of p of length len (p->len <= len <= p->bits): how many,
 * exact decimal (buf >= 41 bytes), and the i-th one. */
char *nr_split_count(const struct nr_prefix *p, int len, char *buf, size_t n);
/* Subnet number `i` (a number below the count) of length len. */
struct nr_prefix nr_split_nth(const struct nr_prefix *p, int len, struct nr_u128 i);

/* v (plus one when plus_one, so 2^128 can be written) as exact decimal;
 * buf holds 41. Returns buf. */
char *nr_u128_dec(struct nr_u128 v, bool plus_one, char *buf, size_t n);
/* hi - lo (no borrow check: hi >= lo). */
struct nr_u128 nr_u128_sub(struct nr_u128 hi, struct nr_u128 lo);
struct nr_u128 nr_u128_add(struct nr_u128 a, struct nr_u128 b);

/* The bits of n bytes as '0'/'1' characters, no separators; buf holds
 * 8*n+1. Returns buf. */
char *nr_bits_str(const uint8_t *b, int n, char *buf);

#endif
