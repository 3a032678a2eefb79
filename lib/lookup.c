/* lib/lookup — running lookups on the channel: one name (with the hosts
 * file and A+AAAA merge for host/ip, the AAAA fallback for cname, the
 * reverse name for addr) and batches of names with a bounded window. */
#include "lib/lookup.h"
#include "lib/util.h"
#include "lib/dnstype.h"

#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct {
    const char *name, *upper;
} qtypes[] = {
    [NR_Q_HOST] = { "host", "HOST" }, [NR_Q_IP] = { "ip", "IP" },
    [NR_Q_A] = { "a", "A" },          [NR_Q_AAAA] = { "aaaa", "AAAA" },
    [NR_Q_ADDR] = { "addr", "PTR" },  [NR_Q_CNAME] = { "cname", "CNAME" },
    [NR_Q_MX] = { "mx", "MX" },       [NR_Q_NS] = { "ns", "NS" },
    [NR_Q_SRV] = { "srv", "SRV" },    [NR_Q_TXT] = { "txt", "TXT" },
    [NR_Q_SOA] = { "soa", "SOA" },    [NR_Q_CAA] = { "caa", "CAA" },
};

int nr_qtype_parse(const char *w, enum nr_qtype *t)
{
    for (size_t i = 0; i < sizeof qtypes / sizeof qtypes[0]; i++) {
        if (!strcasecmp(w, qtypes[i].name)) {
            *t = (enum nr_qtype)i;
            return 0;
        }
    }
    if (!strcasecmp(w, "ptr")) {
        *t = NR_Q_ADDR;
        return 0;
    }
    return -1;
}

const char *nr_qtype_word(size_t i)
{
    return i < sizeof qtypes / sizeof qtypes[0] ? qtypes[i].name : NULL;
}

const char *nr_qtype_name(enum nr_qtype t)
{
    return qtypes[t].name;
}

const char *nr_qtype_upper(enum nr_qtype t)
{
    return qtypes[t].upper;
}

/* ---- one lookup ---- */


struct job {
    struct nr_dns *dns;
    enum nr_qtype t;
    char *qname;                  /* the name queried */
    uint64_t seed;
    nr_lookup_cb cb;
    void *arg;
    int pending;                  /* host/ip: A and AAAA outstanding */
    int status[2];
    struct nr_records *recs[2];
    struct nr_dns *tcp;           /* this job's own TCP channel, after a TC reply */
    unsigned tcp_parts;           /* bit k: part k was asked again over TCP */
};

static int qtype_dns(enum nr_qtype t)
{
    switch (t) {
    case NR_Q_AAAA: return NR_T_AAAA;
    case NR_Q_ADDR: return NR_T_PTR;
    case NR_Q_MX: return NR_T_MX;
    case NR_Q_NS: return NR_T_NS;
    case NR_Q_SRV: return NR_T_SRV;
    case NR_Q_TXT: return NR_T_TXT;
    case NR_Q_SOA: return NR_T_SOA;
    case NR_Q_CAA: return NR_T_CAA;
    default: return NR_T_A;
    }
}

static void job_end(struct job *j, int status, struct nr_records *rs)
{
    nr_lookup_cb cb = j->cb;
    void *arg = j->arg;
    nr_dns_free_later(j->tcp);
    free(j->qname);
    free(j);
    cb(arg, status, rs);
}

static void on_reply(void *arg, int status, int timeouts, unsigned char *abuf, int alen);

static void query(struct job *j, int dnstype, ares_callback cb)
{
    ares_query(nr_dns_channel(j->dns), j->qname, NR_C_IN, dnstype, cb, j);
}

/* Asks part again on a TCP channel of this job's own. */
static bool ask_own_tcp(struct job *j, int part, int dnstype, ares_callback cb)
{
    if (!j->tcp && !(j->tcp = nr_dns_clone(j->dns, ARES_FLAG_USEVC, NULL, 0)))
        return false;
    j->tcp_parts |= 1u << part;
    ares_query(nr_dns_channel(j->tcp), j->qname, NR_C_IN, dnstype, cb, j);
    nr_dns_kick(j->tcp);
    return true;
}

/* The batch channel hands truncated UDP replies over (ARES_FLAG_IGNTC):
 * the question goes again over TCP on a channel of this job's own. c-ares
 * would retry on the shared channel instead, where a server that closes
 * the TCP connection fails every query in flight to it, not just this
 * one. With +tcp (a shared connection), a query that ended because the
 * server closed it is asked once more on a connection of its own, for the
 * same reason. Returns true when the query was sent again (cb runs once
 * more). */
static bool retry_tcp(struct job *j, int part, int dnstype, int status,
                      const unsigned char *abuf, int alen, ares_callback cb)
{
    if (j->tcp_parts & (1u << part))
        return false;
    /* Only a channel with IGNTC hands truncated replies over. c-ares cuts a
     * UDP reply longer than 512 bytes (which a server should have
     * truncated) to 512 without setting TC: ask that again too. */
    bool truncated = (nr_dns_flags(j->dns) & ARES_FLAG_IGNTC) && abuf && alen >= 4 &&
                     ((abuf[2] & 0x02) || alen >= 512);
    bool shared_tcp_lost = status == ARES_ECONNREFUSED &&
                           (nr_dns_flags(j->dns) & ARES_FLAG_USEVC);
    return (truncated || shared_tcp_lost) && ask_own_tcp(j, part, dnstype, cb);
}

/* A TCP retry that the server closed (or refused) says so. */
static int tcp_status(const struct job *j, int part, int status)
{
    if (status != ARES_ECONNREFUSED || !(j->tcp_parts & (1u << part)))
        return status;
    return nr_dns_flags(j->dns) & ARES_FLAG_USEVC ? NR_DNS_ETCPCLOSED : NR_DNS_ETCFAIL;
}

static void on_reply(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
    struct job *j = arg;
    struct nr_records *rs = NULL;
    status = nr_dns_status(j->dns, status);
    int part = j->pending < 0;   /* 1: the AAAA fallback of cname */
    if (retry_tcp(j, part, part ? NR_T_AAAA : qtype_dns(j->t), status, abuf, alen, on_reply))
        return;
    status = tcp_status(j, part, status);
    if (status == ARES_SUCCESS)
        status = nr_records_from_reply(j->t, j->qname, abuf, alen, j->seed, &rs);
    if (status == ARES_SUCCESS && (j->t == NR_Q_A || j->t == NR_Q_AAAA) &&
        (status = nr_records_add_chain(rs, j->qname, abuf, alen)) != ARES_SUCCESS) {
        nr_records_free(rs);
        rs = NULL;
    }
    else if (status == ARES_ENOTFOUND && j->t == NR_Q_CNAME && abuf &&
             nr_records_from_reply(j->t, j->qname, abuf, alen, 0, &rs) == ARES_SUCCESS)
        status = ARES_SUCCESS;   /* a CNAME to a name that does not exist */
    if (status == ARES_ENODATA && j->t == NR_Q_CNAME && j->pending == 0) {
        /* Go: a name with only AAAA records is its own canonical name too. */
        j->pending = -1;
        query(j, NR_T_AAAA, on_reply);
        return;
    }
    job_end(j, status, rs);
}

/* The more telling of two failures (A's and AAAA's). */
static int worse(int a, int b)
{
    if (a == ARES_ENODATA)
        return b;
    if (b == ARES_ENODATA || a == ARES_ENOTFOUND)
        return a;
    return b == ARES_ENOTFOUND ? b : a;
}

static void host_done(struct job *j)
{
    struct nr_records *a = j->recs[0], *b = j->recs[1];
    if (!a && !b) {
        job_end(j, worse(j->status[0], j->status[1]), NULL);
        return;
    }
    if (a && b) {
        size_t moved = 0;
        nr_records_drop_chain(b);   /* the A reply showed the same chain */
        for (; moved < b->n; moved++) {
            struct nr_rec *r = nr_records_add(a, b->r[moved].rtype);
            if (!r)
                break;   /* out of memory: what was not moved is freed below */
            *r = b->r[moved];
        }
        memmove(b->r, b->r + moved, (b->n - moved) * sizeof *b->r);
        b->n -= moved;
        nr_records_free(b);
    }
    job_end(j, ARES_SUCCESS, a ? a : b);
}

static void on_host_a(void *arg, int status, int timeouts, unsigned char *abuf, int alen);
static void on_host_aaaa(void *arg, int status, int timeouts, unsigned char *abuf, int alen);

static void on_host_part(struct job *j, int k, int status, unsigned char *abuf, int alen)
{
    status = nr_dns_status(j->dns, status);
    if (retry_tcp(j, k, k ? NR_T_AAAA : NR_T_A, status, abuf, alen, k ? on_host_aaaa : on_host_a))
        return;
    status = tcp_status(j, k, status);
    if (status == ARES_SUCCESS)
        status = nr_records_from_reply(k ? NR_Q_AAAA : NR_Q_A, j->qname, abuf, alen, 0,
                                       &j->recs[k]);
    if (status == ARES_SUCCESS &&
        (status = nr_records_add_chain(j->recs[k], j->qname, abuf, alen)) != ARES_SUCCESS) {
        nr_records_free(j->recs[k]);
        j->recs[k] = NULL;
    }
    j->status[k] = status;
    if (--j->pending == 0)
        host_done(j);
}

static void on_host_a(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
    on_host_part(arg, 0, status, abuf, alen);
}

static void on_host_aaaa(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
    on_host_part(arg, 1, status, abuf, alen);
}

/* Go's LookupHost consults the hosts file first; c-ares reads it for us. */
static struct nr_records *from_hosts_file(struct job *j)
{
    struct nr_records *rs = calloc(1, sizeof *rs);
    if (!rs)
        return NULL;
    static const int fam[2] = { AF_INET, AF_INET6 };
    for (int k = 0; k < 2; k++) {
        struct hostent *he = NULL;
        if (ares_gethostbyname_file(nr_dns_channel(j->dns), j->qname, fam[k], &he) != ARES_SUCCESS)
            continue;
        for (char **a = he->h_addr_list; a && *a; a++) {
            struct nr_rec *r = nr_records_add(rs, k ? NR_T_AAAA : NR_T_A);
            if (!r)
                break;
            r->ip.len = k ? 16 : 4;
            memcpy(r->ip.b, *a, r->ip.len);
        }
        ares_free_hostent(he);
    }
    if (rs->n == 0) {
        nr_records_free(rs);
        return NULL;
    }
    rs->source = NR_SRC_HOSTS;
    return rs;
}

static bool same_ip(const struct nr_ip *a, const struct nr_ip *b)
{
    if (nr_ip_is4(a) && nr_ip_is4(b))
        return !memcmp(nr_ip_v4bytes(a), nr_ip_v4bytes(b), 4);
    return a->len == b->len && !memcmp(a->b, b->b, a->len) && !strcmp(a->zone, b->zone);
}

/* Adds the names of one hosts-file line when its address is ip. */
static int hosts_line(char *line, const struct nr_ip *ip, struct nr_records *rs)
{
    char *save = NULL, *hash = strchr(line, '#');
    if (hash)
        *hash = 0;
    const char *sep = " \t\r\n";
    char *f = strtok_r(line, sep, &save);
    struct nr_ip a;
    if (!f || nr_ip_parse(f, &a, true) < 0 || !same_ip(&a, ip))
        return 0;
    while ((f = strtok_r(NULL, sep, &save))) {
        struct nr_rec *r = nr_records_add(rs, NR_T_PTR);
        if (!r || !(r->host = strdup(f)))
            return -1;
    }
    return 0;
}

struct nr_records *nr_hosts_addr(const char *path, const struct nr_ip *ip)
{
    FILE *f = fopen(path, "re");
    if (!f)
        return NULL;
    struct nr_records *rs = calloc(1, sizeof *rs);
    char *line = NULL;
    size_t cap = 0;
    int r = rs ? 0 : -1;
    while (r == 0 && getline(&line, &cap, f) >= 0)
        r = hosts_line(line, ip, rs);
    free(line);
    fclose(f);
    if (r < 0 || rs->n == 0) {
        nr_records_free(rs);
        return NULL;
    }
    rs->source = NR_SRC_HOSTS;
    return rs;
}

/* An IP literal given to host/ip is its own answer (Go does the same). */
static struct nr_records *from_literal(const char *name)
{
    struct nr_ip ip;
    if (nr_ip_parse(name, &ip, true) < 0)
        return NULL;
    struct nr_records *rs = calloc(1, sizeof *rs);
    if (!rs || !(rs->r = calloc(1, sizeof *rs->r))) {
        free(rs);
        return NULL;
    }
    rs->n = rs->cap = 1;
    rs->source = NR_SRC_LITERAL;
    rs->r[0].rtype = ip.len == 4 ? NR_T_A : NR_T_AAAA;
    rs->r[0].ip = ip;
    return rs;
}

static void start_host(struct job *j)
{
    struct nr_records *rs = from_literal(j->qname);
    if (!rs)
        rs = from_hosts_file(j);
    if (rs) {
        job_end(j, ARES_SUCCESS, rs);
        return;
    }
    j->pending = 2;
    query(j, NR_T_A, on_host_a);
    if (j->pending > 0)   /* A may have failed at once; the job lives on */
        query(j, NR_T_AAAA, on_host_aaaa);
}

static int lookup_start(struct nr_dns *dns, enum nr_qtype t, const char *name, uint64_t seed,
                        nr_lookup_cb cb, void *arg)
{
    struct job *j = calloc(1, sizeof *j);
    if (!j)
        return -1;
    j->dns = dns;
    j->t = t;
    j->seed = seed;
    j->cb = cb;
    j->arg = arg;
    if (t == NR_Q_ADDR) {
        struct nr_ip ip;
        char rev[80];
        if (nr_ip_parse(name, &ip, true) < 0) {
            free(j);
            cb(arg, ARES_EBADNAME, NULL);
            return 0;
        }
        struct nr_records *hosts = nr_hosts_addr(NR_HOSTS_PATH, &ip);
        if (hosts) {   /* Go's LookupAddr: the hosts file answers first */
            free(j);
            cb(arg, ARES_SUCCESS, hosts);
            return 0;
        }
        j->qname = strdup(nr_reverse_name(&ip, rev, sizeof rev));
    } else {
        j->qname = strdup(name);
    }
    if (!j->qname) {
        free(j);
        return -1;
    }
    if (t == NR_Q_HOST || t == NR_Q_IP)
        start_host(j);
    else
        query(j, qtype_dns(t), on_reply);
    return 0;
}

/* ---- batches ---- */

/* A name repeated in one batch is asked once: its later copies follow the
 * first (the leader) and get copies of its records. Servers rate-limit
 * identical answers to one client (nsd's RRL by default: 200 a second,
 * half of the excess dropped), so 1,000 copies of a name sent at once
 * lost some answers and those copies timed out. */
enum { HOLD = 32, NO_SLOT = -1 };

struct slot {
    struct nr_batch *b;
    struct nr_records *rs;
    int status;
    bool done;
    size_t idx;          /* the name's index */
    long leader;         /* ring index of the slot asking for this one, or NO_SLOT */
    long followers;      /* first slot following this one, chained by fnext */
    long fnext;
    long hnext;          /* chain of leaders in the same hash bucket */
    bool hashed;
};

struct nr_batch {
    struct nr_dns *dns;
    enum nr_qtype t;
    const char *const *names;
    size_t n, window;
    uint64_t seed;
    nr_batch_fn fn;
    void *arg;
    struct slot *ring;   /* name i lives in ring[i % nring] until handed out */
    size_t nring;        /* HOLD x window: one slow answer does not stall the rest */
    long *bucket;        /* leaders in the ring by name hash; nbucket a power of 2 */
    size_t nbucket;
    size_t next_start, next_out, received, inflight;
    bool pumping, cancelled;
};

struct nr_batch *nr_batch_new(struct nr_dns *dns, enum nr_qtype t, const char *const *names,
                              size_t n, size_t window, uint64_t seed,
                              nr_batch_fn fn, void *arg)
{
    struct nr_batch *b = calloc(1, sizeof *b);
    if (!b)
        return NULL;
    b->window = window ? window : 1;
    b->nring = b->window * HOLD;
    for (b->nbucket = 16; b->nbucket < b->nring; b->nbucket *= 2)
        ;
    b->ring = calloc(b->nring, sizeof *b->ring);
    b->bucket = malloc(b->nbucket * sizeof *b->bucket);
    if (!b->ring || !b->bucket) {
        free(b->ring);
        free(b->bucket);
        free(b);
        return NULL;
    }
    for (size_t i = 0; i < b->nbucket; i++)
        b->bucket[i] = NO_SLOT;
    b->dns = dns;
    b->t = t;
    b->names = names;
    b->n = n;
    b->seed = seed;
    b->fn = fn;
    b->arg = arg;
    return b;
}

static size_t name_hash(const struct nr_batch *b, const char *s)
{
    size_t h = 5381;
    for (; *s; s++)
        h = h * 33 + (unsigned char)(*s >= 'A' && *s <= 'Z' ? *s + 32 : *s);
    return h & (b->nbucket - 1);
}

/* The leader slot already asking for name, or NO_SLOT. */
static long find_leader(const struct nr_batch *b, const char *name)
{
    for (long k = b->bucket[name_hash(b, name)]; k != NO_SLOT; k = b->ring[k].hnext)
        if (!strcasecmp(b->names[b->ring[k].idx], name))
            return k;
    return NO_SLOT;
}

static void unhash(struct nr_batch *b, long k)
{
    long *p = &b->bucket[name_hash(b, b->names[b->ring[k].idx])];
    while (*p != k)
        p = &b->ring[*p].hnext;
    *p = b->ring[k].hnext;
    b->ring[k].hashed = false;
}

/* A follower's copy of its leader's result. */
static void follow(struct slot *f, int status, const struct nr_records *rs)
{
    f->status = status;
    f->rs = NULL;
    if (status == ARES_SUCCESS && !(f->rs = nr_records_dup(rs)))
        f->status = ARES_ENOMEM;
    f->done = true;
    f->b->received++;
}

static void pump(struct nr_batch *b);

static void on_batch_result(void *arg, int status, struct nr_records *rs)
{
    struct slot *s = arg;
    s->status = status;
    s->rs = rs;
    s->done = true;
    s->b->received++;
    s->b->inflight--;
    for (long f = s->followers; f != NO_SLOT; f = s->b->ring[f].fnext)
        follow(&s->b->ring[f], status, rs);
    s->followers = NO_SLOT;
    pump(s->b);
}

/* Name i goes into its slot: a copy of a leader's result (now or when it
 * comes), or a query of its own. */
static void start_one(struct nr_batch *b, size_t i)
{
    long k = (long)(i % b->nring);
    struct slot *s = &b->ring[k];
    s->b = b;
    s->idx = i;
    s->followers = s->fnext = NO_SLOT;
    long lead = find_leader(b, b->names[i]);
    if (lead != NO_SLOT) {
        struct slot *l = &b->ring[lead];
        if (l->done)
            follow(s, l->status, l->rs);
        else {
            s->fnext = l->followers;
            l->followers = k;
        }
        return;
    }
    size_t h = name_hash(b, b->names[i]);
    s->hnext = b->bucket[h];
    b->bucket[h] = k;
    s->hashed = true;
    b->inflight++;
    b->seed = b->seed * 6364136223846793005ULL + 1442695040888963407ULL;
    if (lookup_start(b->dns, b->t, b->names[i], b->seed, on_batch_result, s) < 0)
        on_batch_result(s, ARES_ENOMEM, NULL);
}

/* Hands out finished results in order and refills the window; a query
 * may finish inside its own start, hence the loop and the guard. */
static void pump(struct nr_batch *b)
{
    if (b->pumping)
        return;
    b->pumping = true;
    bool again = true, started = false;
    while (again && !b->cancelled) {
        again = false;
        struct slot *s;
        while (b->next_out < b->next_start && (s = &b->ring[b->next_out % b->nring])->done) {
            struct nr_records *rs = s->rs;
            if (s->hashed)
                unhash(b, (long)(b->next_out % b->nring));
            s->rs = NULL;
            s->done = false;
            b->fn(b->arg, b->next_out++, s->status, rs);
            again = true;
        }
        while (!b->cancelled && b->next_start < b->n && b->inflight < b->window &&
               b->next_start - b->next_out < b->nring) {
            start_one(b, b->next_start++);
            started = again = true;
        }
    }
    b->pumping = false;
    if (started)
        nr_dns_kick(b->dns);
}

void nr_batch_run(struct nr_batch *b)
{
    pump(b);
}

bool nr_batch_done(void *arg)
{
    const struct nr_batch *b = arg;
    return b->cancelled || b->next_out == b->n;
}

size_t nr_batch_received(const struct nr_batch *b)
{
    return b->received;
}

size_t nr_batch_delivered(const struct nr_batch *b)
{
    return b->next_out;
}

void nr_batch_cancel(struct nr_batch *b)
{
    b->cancelled = true;
    nr_dns_cancel_all(b->dns);
}

void nr_batch_free(struct nr_batch *b)
{
    if (!b)
        return;
    for (size_t i = 0; i < b->nring; i++)
        nr_records_free(b->ring[i].rs);
    free(b->ring);
    free(b->bucket);
    free(b);
}
