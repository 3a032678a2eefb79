/* cmds/lookup.h — what cmds/lookup.c and cmds/lookup_full.c share: the
 * options of `lookup` and the @SERVER parser. */
#ifndef NR_CMDS_LOOKUP_H
#define NR_CMDS_LOOKUP_H

#include <stdbool.h>
#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>

struct shell;
struct cmd_call;

/* "lookup [TYPE] NAME... [@SERVER] [+tcp] [-f FILE] [--full] [+dnssec] …" */
struct lookup_opts {
    const char *file;      /* -f FILE */
    bool tcp;              /* +tcp */
    bool full;             /* --full: the whole reply */
    bool dnssec;           /* +dnssec: the DO bit */
    bool nsid;             /* +nsid */
    bool norecurse;        /* +norecurse: RD off */
    long long bufsize;     /* +bufsize=N: EDNS UDP size, 0 none */
    const char *roothints; /* --roothints FILE (trace), NULL: built in */
};

/* "@1.2.3.4[:PORT]" (without the @) as a c-ares server CSV into csv.
 * 0, or -1 after reporting. */
int lookup_server_csv(struct shell *sh, const char *s, char *csv, size_t n);
/* A type word only lookup_full knows (https, dnskey, type65534…). */
bool lookup_is_any_type(const char *w);
/* --full, +dnssec/+nsid/+bufsize/+norecurse, or any other type. */
int lookup_full_run(struct shell *sh, const struct cmd_call *c);
/* True when path is a usable named.root file; else reports why. */
bool lookup_roothints_ok(struct shell *sh, const char *path);
/* lookup trace NAME [TYPE]: iterative from the root (cmds/lookup_trace.c). */
int lookup_trace_run(struct shell *sh, const struct cmd_call *c);

/* One raw query on a channel of its own (lookup --full, lookup trace): the
 * c-ares callback keeps a copy of the reply (caller frees reply). */
struct lookup_reply {
    bool done;
    int status;
    unsigned char *reply;
    int reply_len;
    int64_t sent_us, took_us;
};
void lookup_reply_cb(void *arg, int status, int timeouts, unsigned char *abuf, int alen);
bool lookup_reply_done(void *arg);   /* an nr_done_fn over a struct lookup_reply */

#endif
