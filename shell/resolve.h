/* shell/resolve — "resolve a name and wait", once for every command that
 * needs an address (dial, listen, send --to, ping, resolve): one query on
 * the shell's resolver, one deadline, Ctrl-C cancels. A wait that gives up
 * abandons only its own query, which frees itself when c-ares finishes it;
 * other queries on the shared channel are not touched. The pure parts
 * (host:port, zones, family filter, unmapping) are lib/resolve. */
#ifndef NR_SHELL_RESOLVE_H
#define NR_SHELL_RESOLVE_H

#include <stdint.h>

#include "lib/dns.h"
#include "lib/loop.h"
#include "lib/resolve.h"

struct shell;

/* How long a resolution may take past the resolver's own timeout, so that
 * its answer (ARES_ETIMEOUT naming the servers) normally comes first. */
#define SH_RESOLVE_GRACE_US 1000000

struct sh_answer {
    enum nr_wait wait;       /* NR_WAIT_DONE: the resolver answered (status);
                              * NR_WAIT_TIMEOUT: the deadline passed;
                              * NR_WAIT_INTR: Ctrl-C */
    int status;              /* DONE: ARES_SUCCESS or the resolver's ARES_E* */
    struct nr_addrs *addrs;  /* ARES_SUCCESS: the addresses that fit family, in
                              * the resolver's order (maybe none); caller frees
                              * with nr_addrs_free(). Otherwise NULL. */
};

/* Resolves the name host (literals are the caller's business, see
 * nr_target_split) for family AF_INET, AF_INET6 or AF_UNSPEC and waits for
 * the answer, at most until deadline_us (absolute; -1: none) and never past
 * the resolver's own timeout plus SH_RESOLVE_GRACE_US. Returns 0 with *ans
 * filled, or -1 when the resolver cannot start (error printed). */
int sh_resolve(struct shell *sh, const char *host, int family, int64_t deadline_us,
               struct sh_answer *ans);

#endif
