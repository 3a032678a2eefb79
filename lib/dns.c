/* lib/dns — c-ares channel on the event loop, and name → addresses. */
#include "lib/dns.h"
#include "lib/util.h"

#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct nr_dns {
    struct nr_loop *loop;
    ares_channel ch;
    uint64_t timer;
    int64_t timeout_us;
    int tries, flags;
};
static void on_fd(struct nr_loop *loop, int fd, unsigned rev, void *arg)
{
    struct nr_dns *d = arg;
    ares_socket_t r = (rev & (NR_EV_READ | NR_EV_ERROR)) ? fd : ARES_SOCKET_BAD;
    ares_socket_t w = (rev & NR_EV_WRITE) ? fd : ARES_SOCKET_BAD;
    ares_process_fd(d->ch, r, w);
    nr_dns_kick(d);
}

static void sock_state(void *data, ares_socket_t fd, int readable, int writable)
{
    struct nr_dns *d = data;
    unsigned ev = (readable ? NR_EV_READ : 0) | (writable ? NR_EV_WRITE : 0);
    if (ev)
        nr_loop_watch(d->loop, fd, ev, on_fd, d);
    else
        nr_loop_unwatch(d->loop, fd);
}

static void on_timer(struct nr_loop *loop, void *arg)
{
    struct nr_dns *d = arg;
    d->timer = 0;
    ares_process_fd(d->ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
    nr_dns_kick(d);
}

void nr_dns_kick(struct nr_dns *d)
{
    struct timeval tv, *t = ares_timeout(d->ch, NULL, &tv);
    nr_loop_cancel(d->loop, d->timer);
    d->timer = 0;
    if (t)
        d->timer = nr_loop_timer(d->loop, nr_now_us() + (int64_t)t->tv_sec * 1000000 + t->tv_usec,
                                 on_timer, d);
}

/* c-ares counts its initialisations: each resolver takes one and gives it
 * back in nr_dns_free(), so lib/ keeps no global state of its own. */
static int lib_init(char *err, size_t errlen)
{
    int st = ares_library_init(ARES_LIB_INIT_ALL);
    if (st != ARES_SUCCESS)
        return nr_err(err, errlen, "c-ares: %s", ares_strerror(st));
    return 0;
}

/* c-ares tries each of ns servers `tries` times, doubling the per-try
 * timeout after each round: the sum is ns * t * (2^tries - 1). */
static int per_try_ms(const struct nr_dns *d, int ns)
{
    long long total_ms = d->timeout_us / 1000;
    long long div = (long long)(ns > 0 ? ns : 1) * ((1LL << d->tries) - 1);
    long long t = total_ms / div;
    return t < 1 ? 1 : (int)t;
}

static int count_servers(ares_channel ch)
{
    struct ares_addr_port_node *nodes = NULL;
    int n = 0;
    if (ares_get_servers_ports(ch, &nodes) == ARES_SUCCESS)
        for (struct ares_addr_port_node *p = nodes; p; p = p->next)
            n++;
    ares_free_data(nodes);
    return n;
}

static int init_one(struct nr_dns *d, ares_channel *ch, int ns, const char *csv,
                    struct ares_addr_port_node *nodes, char *err, size_t errlen)
{
    struct ares_options o;
    memset(&o, 0, sizeof o);
    o.sock_state_cb = sock_state;
    o.sock_state_cb_data = d;
    o.lookups = (char *)"fb";   /* hosts file, then DNS */
    o.timeout = per_try_ms(d, ns);
    o.tries = d->tries;
    /* NOCHECKRESP: hand SERVFAIL/REFUSED/NOTIMP to the caller instead of
     * retrying them and ending as "connection refused" (c-ares 1.18). */
    o.flags = d->flags | ARES_FLAG_NOCHECKRESP;
    int mask = ARES_OPT_SOCK_STATE_CB | ARES_OPT_LOOKUPS | ARES_OPT_TIMEOUTMS |
               ARES_OPT_TRIES | ARES_OPT_FLAGS;
    int st = ares_init_options(ch, &o, mask);
    if (st != ARES_SUCCESS)
        return nr_err(err, errlen, "c-ares: %s", ares_strerror(st));
    if (csv)
        st = ares_set_servers_ports_csv(*ch, csv);
    else if (nodes)
        st = ares_set_servers_ports(*ch, nodes);
    if (st != ARES_SUCCESS) {
        ares_destroy(*ch);
        return nr_err(err, errlen, "bad server list '%s': %s", csv ? csv : "?",
                      ares_strerror(st));
    }
    return 0;
}

/* Builds a channel for the servers (csv, nodes, or the system's when both
 * are NULL) whose per-try timeout matches their number, then swaps it in. */
static int chan_open(struct nr_dns *d, const char *csv, struct ares_addr_port_node *nodes,
                     char *err, size_t errlen)
{
    ares_channel ch;
    int ns = 1;
    for (int pass = 0;; pass++) {
        if (init_one(d, &ch, ns, csv, nodes, err, errlen) < 0)
            return -1;
        int have = count_servers(ch);
        if (have <= 1 || have == ns || pass == 1)
            break;
        ns = have;
        ares_destroy(ch);
    }
    if (d->ch)
        ares_destroy(d->ch);   /* pending callbacks get ARES_EDESTRUCTION */
    d->ch = ch;
    nr_dns_kick(d);
    return 0;
}

struct nr_dns *nr_dns_new_conf(struct nr_loop *loop, const struct nr_dns_conf *c,
                               char *err, size_t errlen)
{
    if (lib_init(err, errlen) < 0)
        return NULL;
    struct nr_dns *d = calloc(1, sizeof *d);
    if (!d) {
        ares_library_cleanup();
        nr_err(err, errlen, "out of memory");
        return NULL;
    }
    d->loop = loop;
    d->timeout_us = c->timeout_us > 0 ? c->timeout_us : NR_DNS_TIMEOUT_US;
    d->tries = c->tries > 0 ? c->tries : NR_DNS_TRIES;
    d->flags = c->flags;
    if (chan_open(d, c->servers, NULL, err, errlen) < 0) {
        free(d);
        ares_library_cleanup();
        return NULL;
    }
    return d;
}

struct nr_dns *nr_dns_new(struct nr_loop *loop, const char *servers, char *err, size_t errlen)
{
    struct nr_dns_conf c = { .servers = servers };
    return nr_dns_new_conf(loop, &c, err, errlen);
}

void nr_dns_free(struct nr_dns *d)
{
    if (!d)
        return;
    ares_destroy(d->ch);   /* runs pending callbacks with ARES_EDESTRUCTION */
    nr_loop_cancel(d->loop, d->timer);
    free(d);
    ares_library_cleanup();
}

ares_channel nr_dns_channel(struct nr_dns *d)
{
    return d->ch;
}

void nr_dns_cancel_all(struct nr_dns *d)
{
    ares_cancel(d->ch);
    nr_dns_kick(d);
}

int nr_dns_set_servers(struct nr_dns *d, const char *csv, char *err, size_t errlen)
{
    return chan_open(d, csv, NULL, err, errlen);
}

int nr_dns_configure(struct nr_dns *d, int64_t timeout_us, int tries, char *err, size_t errlen)
{
    struct ares_addr_port_node *nodes = NULL;
    int st = ares_get_servers_ports(d->ch, &nodes);
    if (st != ARES_SUCCESS)
        return nr_err(err, errlen, "c-ares: %s", ares_strerror(st));
    int64_t old_t = d->timeout_us;
    int old_n = d->tries;
    d->timeout_us = timeout_us > 0 ? timeout_us : old_t;
    d->tries = tries > 0 ? tries : old_n;
    int r = chan_open(d, NULL, nodes, err, errlen);
    if (r < 0) {
        d->timeout_us = old_t;
        d->tries = old_n;
    }
    ares_free_data(nodes);
    return r;
}

int64_t nr_dns_timeout(const struct nr_dns *d)
{
    return d->timeout_us;
}

int nr_dns_tries(const struct nr_dns *d)
{
    return d->tries;
}

int nr_dns_servers(struct nr_dns *d, char *buf, size_t n)
{
    struct ares_addr_port_node *nodes = NULL;
    int count = 0;
    size_t off = 0;
    buf[0] = 0;
    if (ares_get_servers_ports(d->ch, &nodes) != ARES_SUCCESS)
        return 0;
    for (struct ares_addr_port_node *p = nodes; p && off < n; p = p->next, count++) {
        struct nr_ip ip = { .len = p->family == AF_INET6 ? 16 : 4 };
        memcpy(ip.b, &p->addr, ip.len);
        char a[NR_ADDRSTRLEN], port[8];
        snprintf(port, sizeof port, "%d", p->udp_port ? p->udp_port : 53);
        nr_ip_str(&ip, a, sizeof a);
        char hp[NR_ADDRSTRLEN + 8];
        nr_hostport_join(a, port, hp, sizeof hp);
        int w = snprintf(buf + off, n - off, "%s%s", count ? "," : "", hp);
        off += w > 0 ? (size_t)w : 0;
    }
    ares_free_data(nodes);
    return count;
}

void nr_addrs_free(struct nr_addrs *a)
{
    if (!a)
        return;
    free(a->ip);
    free(a->canon);
    free(a);
}

struct resolve_req {
    nr_addrs_cb cb;
    void *arg;
};

static struct nr_addrs *addrs_from(const struct ares_addrinfo *res)
{
    struct nr_addrs *a = calloc(1, sizeof *a);
    if (!a)
        return NULL;
    size_t n = 0;
    for (const struct ares_addrinfo_node *p = res->nodes; p; p = p->ai_next)
        n++;
    a->ip = calloc(n ? n : 1, sizeof *a->ip);
    if (!a->ip) {
        free(a);
        return NULL;
    }
    for (const struct ares_addrinfo_node *p = res->nodes; p; p = p->ai_next) {
        struct nr_ip ip;
        if (nr_sockaddr_ip(p->ai_addr, &ip, NULL) < 0)
            continue;
        bool dup = false;
        for (size_t i = 0; i < a->n && !dup; i++)
            dup = a->ip[i].len == ip.len && !memcmp(a->ip[i].b, ip.b, ip.len);
        if (!dup)
            a->ip[a->n++] = ip;
    }
    if (res->cnames && res->cnames->name)
        a->canon = strdup(res->cnames->name);
    return a;
}

static void on_addrinfo(void *arg, int status, int timeouts, struct ares_addrinfo *res)
{
    struct resolve_req *r = arg;
    struct nr_addrs *a = NULL;
    if (status == ARES_SUCCESS) {
        a = addrs_from(res);
        if (!a)
            status = ARES_ENOMEM;
        else if (a->n == 0) {
            nr_addrs_free(a);
            a = NULL;
            status = ARES_ENODATA;
        }
    }
    if (res)
        ares_freeaddrinfo(res);
    r->cb(r->arg, status, a);
    free(r);
}

bool nr_dns_is_domain_name(const char *s)
{
    size_t l = strlen(s), part = 0;
    char last = '.';
    bool non_numeric = false;
    if (!strcmp(s, "."))
        return true;
    if (l == 0 || l > 254 || (l == 254 && s[l - 1] != '.'))
        return false;
    for (const char *p = s; *p; last = *p++) {
        char c = *p;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_') {
            non_numeric = true;
            part++;
        } else if (c >= '0' && c <= '9') {
            part++;
        } else if (c == '-') {
            if (last == '.')
                return false;
            part++;
            non_numeric = true;
        } else if (c == '.') {
            if (last == '.' || last == '-' || part > 63 || part == 0)
                return false;
            part = 0;
        } else {
            return false;
        }
    }
    return last != '-' && part <= 63 && non_numeric;
}

/* Every address the hosts file gives host, of both families, as Go's
 * goLookupIPFiles: a name found there is not looked up in DNS, even when
 * the family wanted is missing (then the caller finds no suitable one).
 * NULL when the file has none (or on allocation failure: then DNS). */
static struct nr_addrs *from_hosts(struct nr_dns *d, const char *host)
{
    static const int fam[2] = { AF_INET, AF_INET6 };
    struct nr_addrs *a = calloc(1, sizeof *a);
    if (!a)
        return NULL;
    for (int k = 0; k < 2; k++) {
        struct hostent *he = NULL;
        if (ares_gethostbyname_file(d->ch, host, fam[k], &he) != ARES_SUCCESS)
            continue;
        size_t n = 0;
        while (he->h_addr_list && he->h_addr_list[n])
            n++;
        struct nr_ip *ip = realloc(a->ip, (a->n + n + 1) * sizeof *ip);
        if (ip) {
            a->ip = ip;
            for (size_t i = 0; i < n; i++) {
                memset(&ip[a->n], 0, sizeof *ip);
                ip[a->n].len = k ? 16 : 4;
                memcpy(ip[a->n++].b, he->h_addr_list[i], k ? 16 : 4);
            }
        }
        ares_free_hostent(he);
    }
    if (a->n == 0) {
        nr_addrs_free(a);
        return NULL;
    }
    return a;
}

void nr_dns_resolve(struct nr_dns *d, const char *host, int family, nr_addrs_cb cb, void *arg)
{
    struct nr_addrs *hosts = from_hosts(d, host);
    if (hosts) {
        cb(arg, ARES_SUCCESS, hosts);
        return;
    }
    /* Not a name Go would query (an all-numeric "010.1.1.1", anything with
     * ':' or '%'): "no such host", and c-ares never sees it, for its
     * fallback would read "010.1.1.1" as 10.1.1.1 (inet_aton style). */
    if (!nr_dns_is_domain_name(host)) {
        cb(arg, ARES_EBADNAME, NULL);
        return;
    }
    struct resolve_req *r = malloc(sizeof *r);
    if (!r) {
        cb(arg, ARES_ENOMEM, NULL);
        return;
    }
    r->cb = cb;
    r->arg = arg;
    struct ares_addrinfo_hints h;
    memset(&h, 0, sizeof h);
    h.ai_family = family;
    h.ai_flags = ARES_AI_CANONNAME;
    ares_getaddrinfo(d->ch, host, NULL, &h, on_addrinfo, r);
    nr_dns_kick(d);
}

const char *nr_dns_strerror(int status)
{
    switch (status) {
    case ARES_ENOTFOUND: return "no such host";
    case ARES_ENODATA: return "no address of that family";
    case ARES_ETIMEOUT: return "timed out";
    case ARES_ESERVFAIL: return "server failure";
    case ARES_EREFUSED: return "query refused";
    case ARES_ECONNREFUSED: return "connection refused by the DNS server";
    case ARES_EBADRESP: return "malformed reply";
    case ARES_EBADNAME: return "no such host (neither an IP address nor a host name)";
    case ARES_ECANCELLED: return "cancelled";
    default: return ares_strerror(status);
    }
}
