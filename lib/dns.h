/* lib/dns — the shell's one c-ares channel, driven by lib/loop: c-ares
 * sockets are registered through ARES_OPT_SOCK_STATE_CB, ready fds go to
 * ares_process_fd(), and one loop timer follows ares_timeout(). Name to
 * address resolution (hosts file first, then DNS) lives here; record lookups
 * build on nr_dns_channel(). A resolver may own clones (nr_dns_clone): the
 * record lookups use one per name whose UDP reply was truncated, so that a
 * server closing that TCP connection fails that name only. Never blocks,
 * never prints. */
#ifndef NR_DNS_H
#define NR_DNS_H

#include <ares.h>
#include <stdbool.h>
#include <stddef.h>

#include "lib/addr.h"
#include "lib/loop.h"

struct nr_dns;

/* servers: NULL for the system configuration (/etc/resolv.conf), else a
 * list "1.2.3.4:53,[::1]:5353" as nr_dns_server_list() takes it. Returns
 * NULL with err on failure.
 * Caller frees with nr_dns_free() (outstanding queries are cancelled, their
 * callbacks run with ARES_ECANCELLED). */
struct nr_dns *nr_dns_new(struct nr_loop *loop, const char *servers,
                          char *err, size_t errlen);
void nr_dns_free(struct nr_dns *dns);

/* A resolver with d's servers, timeout and tries but its own flags
 * (ARES_FLAG_USEVC: a TCP connection of its own). d owns it: nr_dns_free(d)
 * and nr_dns_cancel_all(d) reach it too. Give it back with
 * nr_dns_free_later(), which is safe inside its own callbacks (it is freed
 * the next time d's loop events run). NULL with err on failure. */
struct nr_dns *nr_dns_clone(struct nr_dns *d, int flags, char *err, size_t errlen);
void nr_dns_free_later(struct nr_dns *clone);

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
int nr_dns_flags(const struct nr_dns *dns);   /* ARES_FLAG_* as configured */
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

/* Checks a server list "IP[:PORT][,...]" ("[v6]:PORT" with a port; the
 * port 1..65535, as for `@SERVER`) and writes it in c-ares' CSV form, every
 * port explicit, into csv. Returns 0, or -1 with err naming the bad entry
 * ("1.2.3.4:70000: port 70000: too large (maximum 65535)"). */
int nr_dns_server_list(const char *list, char *csv, size_t n, char *err, size_t errlen);

/* Statuses of netrepl's own, after c-ares' ARES_E* (which end below 64),
 * for what c-ares cannot tell apart. */
enum {
    NR_DNS_ETCFAIL = 64,  /* reply truncated over UDP (TC), TCP retry closed/refused */
    NR_DNS_ECNAMELOOP,    /* the reply's CNAME chain loops */
    NR_DNS_ECHAIN,        /* the reply's CNAME chain is longer than NR_DNS_MAXCHAIN */
    NR_DNS_ELONGNAME,     /* a name in the reply is longer than 255 bytes */
    NR_DNS_ETCPCLOSED,    /* TCP (+tcp): closed or refused without an answer */
    NR_DNS_ENOFDS,        /* no descriptor left for a socket (EMFILE, ENFILE): c-ares
                           * says ARES_ECONNREFUSED, as if the server had refused */
};
#define NR_DNS_MAXCHAIN 32

/* The one status-to-text table (every command uses it): netrepl's words
 * for an ARES_E* or NR_DNS_E* status, never c-ares' own. For NODATA, what
 * names the record type ("MX", "A or AAAA"; NULL: "no records"); for a
 * timeout, timeout_us > 0 adds "after N s". Returns a constant or buf. */
const char *nr_dns_status_text(int status, const char *what, int64_t timeout_us,
                               char *buf, size_t n);
/* The message for a failed nr_dns_resolve(host, family) on d, as lookup
 * words it: "lookup HOST via SERVERS: no A records (NODATA)", "…: timed
 * out after 5 s" ("lookup HOST: …" for ARES_EBADNAME: nothing was sent).
 * Returns buf. */
char *nr_dns_resolve_error(struct nr_dns *d, const char *host, int family, int status,
                           char *buf, size_t n);
/* The same without the details: a constant string. */
const char *nr_dns_strerror(int status);

/* The status to report for the status a query of dns ended with: an
 * ARES_ECONNREFUSED while not one more descriptor can be opened is
 * NR_DNS_ENOFDS. Call it first thing in each query callback (c-ares ends a
 * query whose socket could not be opened right away, from the same call). */
int nr_dns_status(const struct nr_dns *dns, int status);

#endif
