/* lib/dnsmsg — whole DNS messages, through NLnet Labs' ldns: a query built
 * with the flags and EDNS options asked for (RD, DO, buffer size, NSID),
 * and a reply taken apart into its header and its four sections, every
 * record in its standard presentation format (any type ldns knows; RFC
 * 3597's \# LEN HEX for the rest). c-ares stays the transport (ares_send);
 * this file only builds and reads bytes. No printing, no I/O, no globals. */
#ifndef NR_DNSMSG_H
#define NR_DNSMSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/dnstype.h"   /* record types by name: nr_rrtype_parse/_str */

struct nr_dnsq {
    const char *name;
    uint16_t type;
    bool rd;          /* recursion desired (dig's default; +norecurse clears it) */
    bool dnssec;      /* DO bit (and EDNS) */
    bool nsid;        /* ask for the server's NSID (RFC 5001; and EDNS) */
    bool cd;          /* checking disabled */
    int bufsize;      /* EDNS UDP size; 0: 1232 when EDNS is needed, else no EDNS */
    bool edns;        /* EDNS even without DO or NSID */
};
/* The query in wire form, with a random id. Caller frees *wire with
 * free(). 0, or -1 with err. */
int nr_dnsq_build(const struct nr_dnsq *q, unsigned char **wire, size_t *len,
                  char *err, size_t errlen);

/* One record; every string is owned by the message. */
struct nr_dnsrr {
    char *owner;      /* "www.nr.test." */
    uint32_t ttl;
    char *cls;        /* "IN" */
    char *type;       /* "CNAME", "TYPE65534" */
    uint16_t rtype;
    char *rdata;      /* presentation format; "" for the question */
};

enum { NR_SEC_QUESTION, NR_SEC_ANSWER, NR_SEC_AUTHORITY, NR_SEC_ADDITIONAL, NR_SEC_N };

struct nr_dnsmsg {
    uint16_t id;
    char opcode[16];          /* "QUERY" */
    char rcode[16];           /* "NOERROR", "NXDOMAIN"… (extended rcode included) */
    int rcode_num;
    bool qr, aa, tc, rd, ra, ad, cd;
    struct nr_dnsrr *sec[NR_SEC_N];   /* OPT is not in additional: see edns */
    size_t n[NR_SEC_N];
    bool edns;
    int edns_version, udp_size;
    bool do_bit;
    char *nsid;               /* the NSID option's bytes as given, or NULL */
    size_t nsid_len;
};
/* Parses a reply. Caller frees *out with nr_dnsmsg_free(). 0, or -1 with err. */
int nr_dnsmsg_parse(const unsigned char *buf, size_t len, struct nr_dnsmsg **out,
                    char *err, size_t errlen);
void nr_dnsmsg_free(struct nr_dnsmsg *m);

#endif
