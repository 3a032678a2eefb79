/* lib/dnstype — the DNS record types netrepl parses itself (c-ares), by
 * number and by name: the one table lookup, records and the commands use.
 * Other types go through ldns (cmds/lookup_full.c) by its own table. */
#ifndef NR_DNSTYPE_H
#define NR_DNSTYPE_H

enum nr_rrtype {
    NR_T_A = 1, NR_T_NS = 2, NR_T_CNAME = 5, NR_T_SOA = 6, NR_T_PTR = 12, NR_T_MX = 15,
    NR_T_TXT = 16, NR_T_AAAA = 28, NR_T_SRV = 33, NR_T_CAA = 257,
};
enum { NR_C_IN = 1 };   /* the Internet class */

/* "A", "CNAME", … for the types above; "?" for any other. */
const char *nr_rrtype_name(int type);

#endif
