/* lib/dnspool — single-server c-ares channels kept open between queries,
 * for walks that ask one server after another (lookup trace). Each channel
 * has ARES_FLAG_STAYOPEN, so its UDP socket (or TCP connection) lives on
 * between queries and between walks: asking a server again costs a send and
 * a receive, not a channel, a socket and a connect. The pool holds at most
 * NR_DNSPOOL_MAX channels; the least recently used one goes first. Never
 * blocks, never prints. */
#ifndef NR_DNSPOOL_H
#define NR_DNSPOOL_H

#include "lib/dns.h"

#define NR_DNSPOOL_MAX 8

struct nr_dnspool;

/* Caller frees with nr_dnspool_free() (every channel freed, outstanding
 * queries end with ARES_EDESTRUCTION). NULL when out of memory. */
struct nr_dnspool *nr_dnspool_new(struct nr_loop *loop);
void nr_dnspool_free(struct nr_dnspool *pool);

/* The channel for conf (conf->servers one server, "ADDR:PORT"; timeout,
 * tries and flags as configured, plus ARES_FLAG_STAYOPEN), made on first
 * use. Borrowed: valid until the next nr_dnspool_get() or
 * nr_dnspool_free() on this pool (a get may evict the least recently used
 * channel, so finish or cancel its queries first). NULL with err. */
struct nr_dns *nr_dnspool_get(struct nr_dnspool *pool, const struct nr_dns_conf *conf,
                              char *err, size_t errlen);

#endif
