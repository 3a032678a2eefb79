/* lib/resolve — host:port targets, the family filter and unmapping. */
#include "lib/resolve.h"
#include "lib/util.h"

#include <string.h>
#include <sys/socket.h>

int nr_target_split(const char *addr, bool with_port, char *work, size_t worklen,
                    struct nr_target *t, char *err, size_t errlen)
{
    memset(t, 0, sizeof *t);
    if (with_port) {
        if (nr_hostport_split(addr, work, worklen, &t->host, &t->port, err, errlen) < 0)
            return -1;
    } else {
        size_t n = strlen(addr);
        if (n + 1 > worklen)
            return nr_err(err, errlen, "address too long");
        memcpy(work, addr, n + 1);
        t->host = work;
    }
    if (!t->host[0])
        t->kind = NR_HOST_EMPTY;
    else if (nr_ip_parse(t->host, &t->ip, true) == 0)
        t->kind = NR_HOST_IP;
    else
        t->kind = NR_HOST_NAME;
    return 0;
}

bool nr_ip_fits(const struct nr_ip *ip, int family)
{
    return family == AF_UNSPEC || (family == AF_INET) == nr_ip_is4(ip);
}

void nr_ip_unmap(struct nr_ip *ip)
{
    if (ip->len != 16 || !nr_ip_is4(ip))
        return;
    memmove(ip->b, ip->b + 12, 4);
    memset(ip->b + 4, 0, 12);
    ip->len = 4;
    ip->zone[0] = 0;
}

size_t nr_ips_filter(struct nr_ip *ips, size_t n, int family)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (nr_ip_fits(&ips[i], family))
            ips[k++] = ips[i];
    return k;
}
