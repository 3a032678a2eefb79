/* lib/dns — c-ares channel on the event loop, and name → addresses. */
#include "lib/dns.h"
#include "lib/util.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct nr_dns {
    struct nr_loop *loop;
    ares_channel ch;
    uint64_t timer;
    int64_t timeout_us;
    int tries, flags;
    /* clones (nr_dns_clone) live on their parent's list until freed */
    struct nr_dns *parent, *kids, *next;
    bool finished, dying;
};

/* Frees the clones that finished (nr_dns_free_later); never from inside
 * one of their own callbacks, which is why it waits for the parent. */
static void reap(struct nr_dns *d)
{
    for (struct nr_dns **k = &d->kids; *k;) {
        struct nr_dns *kid = *k;
        if (kid->finished) {
            *k = kid->next;
            kid->parent = NULL;
            nr_dns_free(kid);
        } else {
            k = &kid->next;
        }
    }
}

/* c-ares ends a query whose socket() failed with ARES_ECONNREFUSED, as if
 * the server had refused, and keeps no errno. Without a descriptor to spare
 * there is no way a server was asked: when one more descriptor cannot be
 * had either, that is the reason (c-ares calls back right away, from the
 * call that failed). A real refusal while every descriptor is in use would
 * read the same, but then no new query could be sent anyway. */
static bool out_of_fds(void)
{
    int fd = fcntl(0, F_DUPFD_CLOEXEC, 0);
    if (fd >= 0) {
        close(fd);
        return false;
    }
    return errno == EMFILE || errno == ENFILE;
}

int nr_dns_status(const struct nr_dns *d, int status)
{
    if (status == ARES_ECONNREFUSED && out_of_fds())
        return NR_DNS_ENOFDS;
    return status;
}

static void on_fd(struct nr_loop *loop, int fd, unsigned rev, void *arg)
{
    struct nr_dns *d = arg;
    reap(d);
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
    reap(d);
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
        return nr_err(err, errlen, "resolver: %s", nr_dns_strerror(st));
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
        return nr_err(err, errlen, "resolver: %s", nr_dns_strerror(st));
    if (csv) {
        char list[1024];
        if (nr_dns_server_list(csv, list, sizeof list, err, errlen) < 0) {
            ares_destroy(*ch);
            return -1;
        }
        st = ares_set_servers_ports_csv(*ch, list);
    }
    else if (nodes)
        st = ares_set_servers_ports(*ch, nodes);
    if (st != ARES_SUCCESS) {
        ares_destroy(*ch);
        return nr_err(err, errlen, "bad server list '%s': %s", csv ? csv : "?",
                      nr_dns_strerror(st));
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
    d->dying = true;
    while (d->kids) {
        struct nr_dns *kid = d->kids;
        d->kids = kid->next;
        kid->parent = NULL;
        nr_dns_free(kid);
    }
    if (d->parent) {
        struct nr_dns **k = &d->parent->kids;
        while (*k != d)
            k = &(*k)->next;
        *k = d->next;
    }
    ares_destroy(d->ch);   /* runs pending callbacks with ARES_EDESTRUCTION */
    nr_loop_cancel(d->loop, d->timer);
    free(d);
    ares_library_cleanup();
}

struct nr_dns *nr_dns_clone(struct nr_dns *d, int flags, char *err, size_t errlen)
{
    char csv[1024];
    reap(d);
    nr_dns_servers(d, csv, sizeof csv);
    struct nr_dns_conf c = {
        .servers = csv, .timeout_us = d->timeout_us, .tries = d->tries, .flags = flags,
    };
    struct nr_dns *kid = nr_dns_new_conf(d->loop, &c, err, errlen);
    if (kid) {
        kid->parent = d;
        kid->next = d->kids;
        d->kids = kid;
    }
    return kid;
}

void nr_dns_free_later(struct nr_dns *kid)
{
    if (kid && !kid->dying)
        kid->finished = true;
}

ares_channel nr_dns_channel(struct nr_dns *d)
{
    return d->ch;
}

void nr_dns_cancel_all(struct nr_dns *d)
{
    for (struct nr_dns *kid = d->kids; kid; kid = kid->next)
        if (!kid->finished)
            nr_dns_cancel_all(kid);
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
        return nr_err(err, errlen, "resolver: %s", nr_dns_strerror(st));
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

int nr_dns_flags(const struct nr_dns *d)
{
    return d->flags;
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
    struct nr_dns *dns;
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
    status = nr_dns_status(r->dns, status);
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
    r->dns = d;
    r->cb = cb;
    r->arg = arg;
    struct ares_addrinfo_hints h;
    memset(&h, 0, sizeof h);
    h.ai_family = family;
    h.ai_flags = ARES_AI_CANONNAME;
    ares_getaddrinfo(d->ch, host, NULL, &h, on_addrinfo, r);
    nr_dns_kick(d);
}

/* c-ares 1.18's statuses and ours, in netrepl's words. */
static const char *const texts[] = {
    [ARES_ENODATA] = "no records (NODATA)",
    [ARES_EFORMERR] = "server rejected the query as malformed (FORMERR)",
    [ARES_ESERVFAIL] = "server failure (SERVFAIL)",
    [ARES_ENOTFOUND] = "no such domain (NXDOMAIN)",
    [ARES_ENOTIMP] = "server does not implement the query (NOTIMP)",
    [ARES_EREFUSED] = "query refused (REFUSED)",
    [ARES_EBADQUERY] = "the query could not be built",
    [ARES_EBADNAME] = "no such host (neither an IP address nor a host name)",
    [ARES_EBADFAMILY] = "unsupported address family",
    [ARES_EBADRESP] = "malformed reply",
    [ARES_ECONNREFUSED] = "connection refused",
    [ARES_ETIMEOUT] = "timed out",
    [ARES_EOF] = "end of file",
    [ARES_EFILE] = "cannot read the resolver configuration",
    [ARES_ENOMEM] = "out of memory",
    [ARES_EDESTRUCTION] = "cancelled (resolver reconfigured)",
    [ARES_EBADSTR] = "malformed text",
    [ARES_EBADFLAGS] = "invalid flags",
    [ARES_ENONAME] = "not a name",
    [ARES_EBADHINTS] = "invalid hints",
    [ARES_ENOTINITIALIZED] = "resolver not initialised",
    [ARES_ECANCELLED] = "cancelled",
    [NR_DNS_ETCFAIL] = "reply truncated over UDP (TC), and the server closed or refused "
                       "the TCP connection without answering",
    [NR_DNS_ECNAMELOOP] = "malformed reply: the CNAME chain loops",
    [NR_DNS_ECHAIN] = "CNAME chain longer than 32 links",
    [NR_DNS_ELONGNAME] = "malformed reply: a name longer than 255 bytes",
    [NR_DNS_ETCPCLOSED] = "the server closed or refused the TCP connection without answering",
    [NR_DNS_ENOFDS] = "too many open files",
};

const char *nr_dns_strerror(int status)
{
    if (status >= 0 && (size_t)status < sizeof texts / sizeof texts[0] && texts[status])
        return texts[status];
    return status == ARES_SUCCESS ? "no error" : "unknown resolver error";
}

const char *nr_dns_status_text(int status, const char *what, int64_t timeout_us,
                               char *buf, size_t n)
{
    if (status == ARES_ENODATA && what) {
        snprintf(buf, n, "no %s records (NODATA)", what);
        return buf;
    }
    if (status == ARES_ETIMEOUT && timeout_us > 0) {
        snprintf(buf, n, "timed out after %g s", (double)timeout_us / 1e6);
        return buf;
    }
    return nr_dns_strerror(status);
}

char *nr_dns_resolve_error(struct nr_dns *d, const char *host, int family, int status,
                           char *buf, size_t n)
{
    char servers[512], text[128];
    if (nr_dns_servers(d, servers, sizeof servers) == 0)
        snprintf(servers, sizeof servers, "(no servers)");
    const char *what = family == AF_INET ? "A" : family == AF_INET6 ? "AAAA" : "A or AAAA";
    if (status == ARES_EBADNAME) {   /* no query was sent */
        snprintf(buf, n, "lookup %s: %s", host, nr_dns_strerror(status));
        return buf;
    }
    snprintf(buf, n, "lookup %s via %s: %s", host, servers,
             nr_dns_status_text(status, what, d->timeout_us, text, sizeof text));
    return buf;
}

/* One entry of a server list: "IP", "IP:PORT", "[IP]", "[IP]:PORT". */
static int server_entry(const char *s, size_t len, struct nr_buf *out, char *err, size_t errlen)
{
    char e[256], work[256];
    const char *host = e, *port = "53";
    struct nr_ip ip;
    if (len == 0)
        return nr_err(err, errlen, "empty entry in the server list");
    if (len >= sizeof e)
        return nr_err(err, errlen, "%.40s...: server address too long", s);
    memcpy(e, s, len);
    e[len] = 0;
    if (e[0] == '[' && e[len - 1] == ']') {
        memcpy(work, e + 1, len - 2);
        work[len - 2] = 0;
        host = work;
    } else if (nr_ip_parse(e, &ip, false) < 0) {
        if (!strchr(e, ':'))
            return nr_err(err, errlen, "%s: the server must be an IP address", e);
        char why[NR_ERRLEN];
        if (nr_hostport_split(e, work, sizeof work, &host, &port, why, sizeof why) < 0)
            return nr_err(err, errlen, "%s: %s", e, why);
    }
    if (nr_ip_parse(host, &ip, false) < 0)
        return nr_err(err, errlen, "%s: the server must be an IP address", e);
    long long p;
    char why[NR_ERRLEN];
    if (nr_parse_ll(port, 1, 65535, &p, why, sizeof why) < 0)
        return nr_err(err, errlen, "%s: port %s: %s", e, port, why);
    char a[NR_ADDRSTRLEN], pp[8], hp[NR_ADDRSTRLEN + 8];
    snprintf(pp, sizeof pp, "%lld", p);
    nr_hostport_join(nr_ip_str(&ip, a, sizeof a), pp, hp, sizeof hp);
    if ((out->len && nr_buf_add(out, ",", 1) < 0) || nr_buf_add(out, hp, strlen(hp)) < 0)
        return nr_err(err, errlen, "out of memory");
    return 0;
}

int nr_dns_server_list(const char *list, char *csv, size_t n, char *err, size_t errlen)
{
    struct nr_buf out = { 0 };
    const char *p = list;
    for (;;) {
        const char *c = strchr(p, ',');
        size_t len = c ? (size_t)(c - p) : strlen(p);
        if (server_entry(p, len, &out, err, errlen) < 0) {
            nr_buf_free(&out);
            return -1;
        }
        if (!c)
            break;
        p = c + 1;
    }
    int r = 0;
    if (out.len >= n)
        r = nr_err(err, errlen, "server list too long");
    else {
        memcpy(csv, out.p, out.len);
        csv[out.len] = 0;
    }
    nr_buf_free(&out);
    return r;
}
