/* lib/dnstype — names of the record types in enum nr_rrtype; every other
 * type by ldns's table (see dnstype.h). */
#include "lib/dnstype.h"
#include "lib/util.h"

#include <ctype.h>
#include <ldns/ldns.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    int type;
    const char *name;
} rrtypes[] = {
    { NR_T_A, "A" },     { NR_T_NS, "NS" },   { NR_T_CNAME, "CNAME" }, { NR_T_SOA, "SOA" },
    { NR_T_PTR, "PTR" }, { NR_T_MX, "MX" },   { NR_T_TXT, "TXT" },     { NR_T_AAAA, "AAAA" },
    { NR_T_SRV, "SRV" }, { NR_T_CAA, "CAA" },
};

const char *nr_rrtype_name(int type)
{
    for (size_t i = 0; i < sizeof rrtypes / sizeof rrtypes[0]; i++)
        if (rrtypes[i].type == type)
            return rrtypes[i].name;
    return "?";
}

int nr_rrtype_parse(const char *w, uint16_t *type)
{
    long long v;
    if (!*w)
        return -1;
    if (strspn(w, "0123456789") == strlen(w)) {
        if (nr_parse_ll(w, 1, 65535, &v, NULL, 0) < 0)
            return -1;
        *type = (uint16_t)v;
        return 0;
    }
    if (!strncasecmp(w, "type", 4) && w[4] && strspn(w + 4, "0123456789") == strlen(w + 4)) {
        if (nr_parse_ll(w + 4, 1, 65535, &v, NULL, 0) < 0)
            return -1;
        *type = (uint16_t)v;
        return 0;
    }
    ldns_rr_type t = ldns_get_rr_type_by_name(w);
    if (t == 0)
        return -1;
    *type = (uint16_t)t;
    return 0;
}

char *nr_rrtype_str(uint16_t type, char *buf, size_t n)
{
    char *s = ldns_rr_type2str((ldns_rr_type)type);
    snprintf(buf, n, "%s", s ? s : "?");
    free(s);
    return buf;
}

static void each_one(void (*fn)(void *, const char *, uint16_t), void *arg, const char *name,
                     uint16_t type)
{
    char low[32];
    size_t i = 0;
    for (; name[i] && i + 1 < sizeof low; i++)
        low[i] = (char)tolower((unsigned char)name[i]);
    low[i] = 0;
    fn(arg, low, type);
}

/* ldns keeps its types in a table it does not export; asking it for each
 * number in turn finds them all (a quarter of a millisecond). The query
 * types without a record of their own ldns takes by name too; of those
 * only ANY makes sense as a single query (AXFR, IXFR, MAILA, MAILB not). */
void nr_rrtype_each(void (*fn)(void *arg, const char *name, uint16_t type), void *arg)
{
    for (unsigned t = 1; t <= 65535; t++) {
        const ldns_rr_descriptor *d = ldns_rr_descript((uint16_t)t);
        if (d && d->_type == t && d->_name)
            each_one(fn, arg, d->_name, (uint16_t)t);
    }
    each_one(fn, arg, "ANY", LDNS_RR_TYPE_ANY);
}
