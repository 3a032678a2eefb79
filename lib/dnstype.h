/* lib/dnstype — DNS record types, the one table: the numbers netrepl parses
 * itself (c-ares) with their names, and every type by name or number as
 * the commands take it (ldns's table of types, which is what `lookup TYPE`
 * accepts and what Tab offers). No printing, no globals. */
#ifndef NR_DNSTYPE_H
#define NR_DNSTYPE_H

#include <stddef.h>
#include <stdint.h>

enum nr_rrtype {
    NR_T_A = 1, NR_T_NS = 2, NR_T_CNAME = 5, NR_T_SOA = 6, NR_T_PTR = 12, NR_T_MX = 15,
    NR_T_TXT = 16, NR_T_AAAA = 28, NR_T_SRV = 33, NR_T_CAA = 257,
};
enum { NR_C_IN = 1 };   /* the Internet class */

/* "A", "CNAME", … for the types above; "?" for any other. */
const char *nr_rrtype_name(int type);

/* A record type by name or number: "a", "HTTPS", "type65534", "65534".
 * Returns 0, or -1 when the word names no type. */
int nr_rrtype_parse(const char *word, uint16_t *type);
/* "HTTPS", "TYPE65534". buf holds 16. Returns buf. */
char *nr_rrtype_str(uint16_t type, char *buf, size_t n);

/* Calls fn once for every record type that has a name, lowercase ("a",
 * "https", "nsec3param", "any"…): each is a word nr_rrtype_parse() takes.
 * Tab completion offers these. name is valid during the call only. */
void nr_rrtype_each(void (*fn)(void *arg, const char *name, uint16_t type), void *arg);

#endif
