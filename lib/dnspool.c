/* lib/dnspool — single-server channels kept open for reuse (see dnspool.h). */
#include "lib/dnspool.h"
#include "lib/util.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct slot {
    char server[NR_ADDRSTRLEN + 16];
    int64_t timeout_us;
    int tries, flags;
    uint64_t used;        /* pool tick of the last get, 0: empty */
    struct nr_dns *dns;
};

struct nr_dnspool {
    struct nr_loop *loop;
    uint64_t tick;
    struct slot v[NR_DNSPOOL_MAX];
};

struct nr_dnspool *nr_dnspool_new(struct nr_loop *loop)
{
    struct nr_dnspool *p = calloc(1, sizeof *p);
    if (p)
        p->loop = loop;
    return p;
}

void nr_dnspool_free(struct nr_dnspool *p)
{
    if (!p)
        return;
    for (int i = 0; i < NR_DNSPOOL_MAX; i++)
        nr_dns_free(p->v[i].dns);
    free(p);
}

static bool same(const struct slot *s, const struct nr_dns_conf *c, int flags)
{
    return s->dns && s->timeout_us == c->timeout_us && s->tries == c->tries &&
           s->flags == flags && !strcmp(s->server, c->servers);
}

struct nr_dns *nr_dnspool_get(struct nr_dnspool *p, const struct nr_dns_conf *conf,
                              char *err, size_t errlen)
{
    int flags = conf->flags | ARES_FLAG_STAYOPEN, lru = 0;
    if (!conf->servers || strlen(conf->servers) >= sizeof p->v[0].server) {
        nr_err(err, errlen, "bad server '%s'", conf->servers ? conf->servers : "");
        return NULL;
    }
    for (int i = 0; i < NR_DNSPOOL_MAX; i++) {
        if (same(&p->v[i], conf, flags)) {
            p->v[i].used = ++p->tick;
            return p->v[i].dns;
        }
        if (p->v[i].used < p->v[lru].used)
            lru = i;
    }
    struct nr_dns_conf c = *conf;
    c.flags = flags;
    struct nr_dns *d = nr_dns_new_conf(p->loop, &c, err, errlen);
    if (!d)
        return NULL;
    struct slot *s = &p->v[lru];
    nr_dns_free(s->dns);
    snprintf(s->server, sizeof s->server, "%s", conf->servers);
    s->timeout_us = conf->timeout_us, s->tries = conf->tries, s->flags = flags;
    s->used = ++p->tick;
    s->dns = d;
    return d;
}
