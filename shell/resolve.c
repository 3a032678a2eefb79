/* shell/resolve — one query, one deadline, Ctrl-C; see shell/resolve.h. */
#include "shell/resolve.h"
#include "shell/shell.h"

#include <stdlib.h>

/* Heap state for one query, shared by the waiting command and the c-ares
 * callback. A wait that gives up sets abandoned and forgets it; the callback,
 * which c-ares always runs in the end (answer, its own timeout, a channel
 * re-created or destroyed), then frees it with the answer. */
struct query {
    bool done, abandoned;
    int status;
    struct nr_addrs *addrs;
};

static void on_addrs(void *arg, int status, struct nr_addrs *addrs)
{
    struct query *q = arg;
    if (q->abandoned) {
        nr_addrs_free(addrs);
        free(q);
        return;
    }
    q->done = true;
    q->status = status;
    q->addrs = addrs;
}

static bool query_done(void *arg)
{
    return ((const struct query *)arg)->done;
}

int sh_resolve(struct shell *sh, const char *host, int family, int64_t deadline_us,
               struct sh_answer *ans)
{
    ans->wait = NR_WAIT_DONE;
    ans->status = ARES_ENOMEM;
    ans->addrs = NULL;
    struct nr_dns *dns = sh_dns(sh);
    if (!dns)
        return -1;
    struct query *q = calloc(1, sizeof *q);
    if (!q)
        return 0;   /* ARES_ENOMEM */
    int64_t limit = nr_now_us() + nr_dns_timeout(dns) + SH_RESOLVE_GRACE_US;
    if (deadline_us < 0 || deadline_us > limit)
        deadline_us = limit;
    nr_dns_resolve(dns, host, family, on_addrs, q);   /* may answer at once */
    enum nr_wait w = q->done ? NR_WAIT_DONE : sh_wait(sh, query_done, q, deadline_us);
    if (!q->done) {
        q->abandoned = true;   /* the callback frees it */
        ans->wait = w == NR_WAIT_INTR ? NR_WAIT_INTR : NR_WAIT_TIMEOUT;
        return 0;
    }
    ans->status = q->status;
    ans->addrs = q->addrs;
    free(q);
    if (ans->status == ARES_SUCCESS && ans->addrs)
        ans->addrs->n = nr_ips_filter(ans->addrs->ip, ans->addrs->n, family);
    else if (ans->status == ARES_SUCCESS)
        ans->status = ARES_ENODATA;
    return 0;
}

/* The shell's resolver, created on first use with --dns/NETREPL_DNS servers. */
struct nr_dns *sh_dns(struct shell *sh)
{
    if (!sh->dns) {
        char err[NR_ERRLEN];
        sh->dns = nr_dns_new(sh->loop, sh->dns_servers, err, sizeof err);
        if (!sh->dns)
            cmd_error(sh, "resolver: %s", err);
    }
    return sh->dns;
}
