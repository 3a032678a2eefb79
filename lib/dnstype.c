/* lib/dnstype — names of the record types in enum nr_rrtype. */
#include "lib/dnstype.h"

#include <stddef.h>

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
