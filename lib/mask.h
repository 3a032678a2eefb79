/* lib/mask — IP masks and subnets as Go's net package sees them: IPMask
 * (4 or 16 bytes), CIDRMask, DefaultMask, Size, String (hex), IP.Mask, and
 * the ipcalc view of a subnet (network, host part, broadcast, first and last
 * host, number of addresses). Pure computation: no allocation, no printing. */
#ifndef NR_MASK_H
#define NR_MASK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/addr.h"

struct nr_mask {
    uint8_t b[16];
    uint8_t len;            /* 4 or 16 */
};

/* Go's CIDRMask(ones, bits): bits 32 or 128, 0 <= ones <= bits. 0 or -1. */
int nr_mask_cidr(int ones, int bits, struct nr_mask *m);
/* Go's DefaultMask: the classful mask of an IPv4 (or v4-mapped) address:
 * /8 below 128.0.0.0, /16 below 192.0.0.0, else /24 (classes C, D and E,
 * as Go). -1 for IPv6. class (may be NULL) gets 'A'..'E'. */
int nr_mask_default(const struct nr_ip *ip, struct nr_mask *m, char *class);
/* Go's Size(): leading ones and total bits; 0 0 for a non-canonical mask. */
void nr_mask_size(const struct nr_mask *m, int *ones, int *bits);
/* Go's String(): lowercase hex, 8 or 32 digits. buf holds 33. Returns buf. */
char *nr_mask_hex(const struct nr_mask *m, char *buf, size_t n);
/* The mask written as an address: "255.255.254.0", "ffff:ffff::". buf holds
 * NR_ADDRSTRLEN. Returns buf. */
char *nr_mask_str(const struct nr_mask *m, char *buf, size_t n);

/* Parses a mask for an address of `bits` (32 or 128) bits: "/N" or "N"
 * (prefix length), dotted "255.255.254.0" (4 bytes), IPv6 form
 * "ffff:ffff::" (16 bytes), hex "fffffe00" / "0xfffffe00" (8 or 32
 * digits, Go's String form). Non-contiguous masks are accepted.
 * Returns 0, or -1 with err saying what is wrong (not naming s). */
int nr_mask_parse(const char *s, int bits, struct nr_mask *m, char *err, size_t errlen);

/* "ADDR/N", as Go's ParseCIDR (bits from how ADDR is written: 32 for
 * dotted IPv4, 128 for IPv6 text, also ::ffff:a.b.c.d) plus an optional
 * IPv6 %zone kept in ip. Returns 0, or -1 with err. */
int nr_cidr_parse(const char *s, struct nr_ip *ip, struct nr_mask *m, char *err, size_t errlen);

/* Go's IP.Mask: a 16-byte mask starting with 96 one bits applies to an
 * IPv4 address, a 4-byte mask to a v4-mapped one (result IPv4). Returns 0,
 * or -1 when the lengths do not match (Go returns nil). out has no zone. */
int nr_ip_mask(const struct nr_ip *ip, const struct nr_mask *m, struct nr_ip *out);

/* Everything `mask` shows about ADDR under MASK. */
struct nr_subnet {
    struct nr_ip network;     /* ADDR AND mask */
    struct nr_ip host;        /* ADDR AND NOT mask */
    struct nr_ip broadcast;   /* network OR NOT mask; valid if has_broadcast */
    struct nr_ip first, last; /* usable host range (see host_range in mask.c) */
    struct nr_mask mask;      /* the mask after Go's length adjustment */
    struct nr_mask given;     /* the mask as given: Go's IPMask, as shown */
    int ones, bits;           /* Size() of given; 0 0 when non-contiguous */
    int hostbits;             /* zero bits in the mask (any position) */
    bool contiguous;
    bool has_broadcast;       /* IPv4 with 2 or more host bits */
    char addresses[48];       /* 2^hostbits, exact decimal */
    char hosts[48];           /* usable hosts, exact decimal */
};
/* Go's IPNet.String of {network, m}: "10.1.2.0/24", "0.0.0.0/0" for
 * ::ffff:0:0/96 (an IPv4 network takes the last 4 bytes of a 16-byte mask),
 * "10.0.2.0/ff00ff00" for a non-contiguous mask, "<nil>" when the lengths
 * do not go together. buf holds NR_ADDRSTRLEN. Returns buf. */
char *nr_ipnet_str(const struct nr_ip *network, const struct nr_mask *m, char *buf, size_t n);

/* Computes the subnet; -1 with err when the mask does not fit the address. */
int nr_subnet_calc(const struct nr_ip *ip, const struct nr_mask *m,
                   struct nr_subnet *sn, char *err, size_t errlen);

/* 2^n (0 <= n <= 128) minus sub (0..2) as exact decimal into buf (>= 41
 * bytes). Returns buf. */
char *nr_pow2_dec(int n, int sub, char *buf, size_t len);

#endif
