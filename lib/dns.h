/* lib/dns — the shell's one c-ares channel, driven by lib/loop: c-ares
 * sockets are registered through ARES_OPT_SOCK_STATE_CB, ready fds go to
 * ares_process_fd(), and one loop timer follows ares_timeout(). Name to
 * address resolution (hosts file first, then DNS) lives here; record lookups
 * build on nr_dns_channel(). Never blocks, never prints. */
#ifndef NR_DNS_H
#define NR_DNS_H

#include <ares.h>
#include <stdbool.h>
#include <stddef.h>

#include "lib/addr.h"
#include "lib/loop.h"

struct nr_dns;

/* servers: NULL for the system configuration (/etc/resolv.conf), else a
 * c-ares CSV list "1.2.3.4:53,[::1]:5353". Returns NULL with err on failure.
 * Caller frees with nr_dns_free() (outstanding queries are cancelled, their
 * callbacks run with ARES_ECANCELLED). */
struct nr_dns *nr_dns_new(struct nr_loop *loop, const char *servers,
                          char *err, size_t errlen);
void nr_dns_free(struct nr_dns *dns);

/* The channel, for starting queries; call nr_dns_kick() after starting some
 * so the loop's timer follows the new deadlines. */
ares_channel nr_dns_channel(struct nr_dns *dns);
void nr_dns_kick(struct nr_dns *dns);
/* Cancels every outstanding query (callbacks get ARES_ECANCELLED). */
void nr_dns_cancel_all(struct nr_dns *dns);
/* csv NULL: back to the system's servers (/etc/resolv.conf). */
int nr_dns_set_servers(struct nr_dns *dns, const char *csv, char *err, size_t errlen);

/* Channel settings beyond the servers. timeout_us is the whole time one
 * query may take (default NR_DNS_TIMEOUT_US): c-ares' per-try timeout is
 * derived from it so that tries × servers attempts with c-ares' doubling
 * back-off add up to it. flags: ARES_FLAG_* (ARES_FLAG_USEVC: TCP only). */
#define NR_DNS_TIMEOUT_US 5000000
#define NR_DNS_TRIES 2
struct nr_dns_conf {
    const char *servers;   /* CSV as for nr_dns_new, NULL: system */
    int64_t timeout_us;    /* 0: default */
    int tries;             /* 0: default */
    int flags;
};
/* As nr_dns_new with settings. Caller frees with nr_dns_free(). */
struct nr_dns *nr_dns_new_conf(struct nr_loop *loop, const struct nr_dns_conf *conf,
                               char *err, size_t errlen);
/* Re-creates the channel with a new timeout and tries (servers kept).
 * Only between commands: outstanding queries end with ARES_EDESTRUCTION. */
int nr_dns_configure(struct nr_dns *dns, int64_t timeout_us, int tries,
                     char *err, size_t errlen);
int64_t nr_dns_timeout(const struct nr_dns *dns);
int nr_dns_tries(const struct nr_dns *dns);
/* The servers as "127.0.0.1:53,[::1]:5353" (port always shown) into buf.
 * Returns the number of servers. */
int nr_dns_servers(struct nr_dns *dns, char *buf, size_t n);

/* Resolved addresses in the resolver's order. Caller frees with nr_addrs_free(). */
struct nr_addrs {
    size_t n;
    struct nr_ip *ip;
    char *canon;   /* canonical name when the resolver gave one, else NULL */
};
void nr_addrs_free(struct nr_addrs *a);

/* status: ARES_SUCCESS with addrs (ownership passes to the callback), or an
 * ares status with addrs NULL. */
typedef void (*nr_addrs_cb)(void *arg, int status, struct nr_addrs *addrs);
/* Resolves host (a name; literals are the caller's business) for family
 * AF_INET, AF_INET6 or AF_UNSPEC, as Go's goLookupIPCNAMEOrder: the hosts
 * file first, and a name found there gives all its addresses of either
 * family (the caller filters them); else a name that is not a domain name
 * (nr_dns_is_domain_name) fails with ARES_EBADNAME without a query; else
 * DNS for that family. The callback may run before this returns. */
void nr_dns_resolve(struct nr_dns *dns, const char *host, int family,
                    nr_addrs_cb cb, void *arg);

/* Go's isDomainName: letters, digits, '_', '-' and dots in labels of 1-63
 * bytes, at most 253 bytes (254 with a final dot), and not all-numeric
 * ("010.1.1.1" is not a name). */
bool nr_dns_is_domain_name(const char *s);

/* Text for an ares status in terms a user knows ("no such host", …). */
const char *nr_dns_strerror(int status);

#endif
