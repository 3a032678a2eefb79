/* lib/lookup — DNS record lookups with Go's Lookup* semantics over the
 * shell's c-ares channel (lib/dns): query types, replies turned into plain
 * record structs (no printing), MX/SRV ordering, name checks, and a batch
 * runner that keeps a bounded window of queries in flight and hands results
 * back in the order the names were given. Never prints, never blocks. */
#ifndef NR_LOOKUP_H
#define NR_LOOKUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/addr.h"
#include "lib/dns.h"

enum nr_qtype {
    NR_Q_HOST,   /* A + AAAA, hosts file first (Go LookupHost) */
    NR_Q_IP,     /* the same, shown as IPs (Go LookupIP) */
    NR_Q_A, NR_Q_AAAA,   /* one family, DNS only (as dig) */
    NR_Q_ADDR,   /* PTR of an IP, hosts file first (Go LookupAddr) */
    NR_Q_CNAME,  /* canonical name (Go LookupCNAME) */
    NR_Q_MX, NR_Q_NS, NR_Q_SRV, NR_Q_TXT, NR_Q_SOA, NR_Q_CAA,
};
/* "mx" → NR_Q_MX. Returns 0, or -1 for an unknown word. */
int nr_qtype_parse(const char *word, enum nr_qtype *t);
const char *nr_qtype_name(enum nr_qtype t);   /* "mx" */
/* The i-th type word ("host", "ip", "a", …), NULL past the last (completion). */
const char *nr_qtype_word(size_t i);
const char *nr_qtype_upper(enum nr_qtype t);  /* "MX" */

/* One record; which fields hold data depends on rtype (ns_t_*). Names are
 * absolute with a trailing dot, as Go returns them. */
struct nr_rec {
    int rtype;              /* 1 A, 28 AAAA, 15 MX, 2 NS, 33 SRV, 16 TXT, 6 SOA, 257 CAA, 12 PTR, 5 CNAME */
    struct nr_ip ip;        /* A, AAAA */
    char *host;             /* MX exchange, NS, SRV target, PTR, CNAME, SOA mname */
    char *host2;            /* SOA rname */
    char *tag;              /* CAA property */
    unsigned char *data;    /* TXT (the record's strings joined), CAA value */
    size_t len;
    unsigned pref;          /* MX preference, SRV priority, CAA flags */
    unsigned weight, port;  /* SRV */
    uint32_t serial, refresh, retry, expire, minttl;   /* SOA */
    char *owner;            /* a CNAME step of a/aaaa/host: the alias (host: its target) */
};
/* Caller frees with nr_records_free() (the struct too). */
struct nr_records {
    size_t n, cap;
    struct nr_rec *r;
    char *canon;   /* SRV: the owner of the first record, Go's LookupSRV cname */
    enum nr_rsource { NR_SRC_DNS, NR_SRC_HOSTS, NR_SRC_LITERAL } source;
};
void nr_records_free(struct nr_records *rs);
/* Appends a zeroed record of rtype (the array grows); NULL when out of memory. */
struct nr_rec *nr_records_add(struct nr_records *rs, int rtype);
/* A deep copy; NULL when out of memory. Caller frees with nr_records_free(). */
struct nr_records *nr_records_dup(const struct nr_records *rs);

/* Turns the reply to a query of type t (not HOST/IP) into records; qname is
 * the name asked (needed for CNAME chains). Returns ARES_SUCCESS with *out
 * (caller frees), ARES_ENODATA when the reply holds no record of that type,
 * ARES_EBADRESP for a malformed reply (whatever the type), NR_DNS_ELONGNAME
 * for a name over 255 bytes, NR_DNS_ECNAMELOOP / NR_DNS_ECHAIN for a CNAME
 * chain that loops or runs over NR_DNS_MAXCHAIN links, or ARES_ENOMEM. MX come sorted by
 * preference, SRV as nr_srv_sort with seed. */
int nr_records_from_reply(enum nr_qtype t, const char *qname, const unsigned char *abuf,
                          int alen, uint64_t seed, struct nr_records **out);

/* Go's lookupStaticAddr: the names of every line of the hosts file at
 * path whose address is ip (v4-mapped equals IPv4), in file order, as
 * written there. NULL when there are none (or out of memory); else PTR
 * records with source NR_SRC_HOSTS. Caller frees with nr_records_free(). */
struct nr_records *nr_hosts_addr(const char *path, const struct nr_ip *ip);
#define NR_HOSTS_PATH "/etc/hosts"
/* Puts the CNAME chain that leads from qname to the answer in front of rs,
 * one CNAME record a step in order (owner the alias, host its target).
 * Returns ARES_SUCCESS (also when there is no chain), ARES_EBADRESP or
 * ARES_ENOMEM. */
int nr_records_add_chain(struct nr_records *rs, const char *qname, const unsigned char *abuf,
                         int alen);
/* Drops rs's CNAME records (the second of two replies carries the same chain). */
void nr_records_drop_chain(struct nr_records *rs);

/* Stable sort by preference (RFC 5321 order). */
void nr_mx_sort(struct nr_records *rs);
/* RFC 2782, as Go: by priority, then weighted-random within one priority.
 * *seed drives a xorshift generator (any non-zero value). */
void nr_srv_sort(struct nr_records *rs, uint64_t *seed);

/* A name a query may carry: "." or labels of 1..63 bytes, 253 in all, an
 * optional final dot, no NUL. Returns 0 or -1 with err. */
int nr_dns_name_check(const char *name, size_t len, char *err, size_t errlen);
/* "_service._proto.name" (Go's LookupSRV form) into buf; 0 or -1. */
int nr_srv_name(const char *service, const char *proto, const char *name,
                char *buf, size_t n, char *err, size_t errlen);
/* "4.3.2.1.in-addr.arpa" / nibbles ".ip6.arpa" for ip into buf. */
char *nr_reverse_name(const struct nr_ip *ip, char *buf, size_t n);

/* The result of one lookup (run by the batch below): recs (ownership
 * passes to cb) is non-NULL only with ARES_SUCCESS. */
typedef void (*nr_lookup_cb)(void *arg, int status, struct nr_records *recs);

/* Many names through one channel: at most window queries in flight and at
 * most 32 x window results held (so one lost packet, retried after c-ares'
 * per-try timeout, does not stall the others); fn gets each result in the
 * order of names
 * (recs: ownership passes to fn). names are borrowed until nr_batch_free(). */
struct nr_batch;
typedef void (*nr_batch_fn)(void *arg, size_t i, int status, struct nr_records *recs);
struct nr_batch *nr_batch_new(struct nr_dns *dns, enum nr_qtype t, const char *const *names,
                              size_t n, size_t window, uint64_t seed,
                              nr_batch_fn fn, void *arg);
/* Starts queries (call once; the loop does the rest). */
void nr_batch_run(struct nr_batch *b);
/* True when every result has been handed to fn (or after cancel). */
bool nr_batch_done(void *b);
/* Results received so far (to tell a stall from progress). */
size_t nr_batch_received(const struct nr_batch *b);
/* How many were handed to fn. */
size_t nr_batch_delivered(const struct nr_batch *b);
/* Stops handing out results and cancels every query on the channel. */
void nr_batch_cancel(struct nr_batch *b);
/* Call after the channel has no more queries of this batch (done, cancelled
 * or the channel freed). */
void nr_batch_free(struct nr_batch *b);

#endif
