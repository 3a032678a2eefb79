/* lib/dns — c-ares channel on the event loop, and name → addresses. */
#include "lib/dns.h"
#include "lib/util.h"

#include <netdb.h>
#include <stdlib.h>
#include <string.h>

struct nr_dns {
    struct nr_loop *loop;
    ares_channel ch;
    uint64_t timer;
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

struct nr_dns *nr_dns_new(struct nr_loop *loop, const char *servers, char *err, size_t errlen)
{
    static int lib_ready;
    if (!lib_ready) {
        int st = ares_library_init(ARES_LIB_INIT_ALL);
        if (st != ARES_SUCCESS) {
            nr_err(err, errlen, "c-ares: %s", ares_strerror(st));
            return NULL;
        }
        lib_ready = 1;
    }
    struct nr_dns *d = calloc(1, sizeof *d);
    if (!d) {
        nr_err(err, errlen, "out of memory");
        return NULL;
    }
    d->loop = loop;
    struct ares_options o;
    memset(&o, 0, sizeof o);
    o.sock_state_cb = sock_state;
    o.sock_state_cb_data = d;
    o.lookups = (char *)"fb";   /* hosts file, then DNS */
    int st = ares_init_options(&d->ch, &o, ARES_OPT_SOCK_STATE_CB | ARES_OPT_LOOKUPS);
    if (st != ARES_SUCCESS) {
        nr_err(err, errlen, "c-ares: %s", ares_strerror(st));
        free(d);
        return NULL;
    }
    if (servers && nr_dns_set_servers(d, servers, err, errlen) < 0) {
        nr_dns_free(d);
        return NULL;
    }
    return d;
}

void nr_dns_free(struct nr_dns *d)
{
    if (!d)
        return;
    ares_destroy(d->ch);   /* runs pending callbacks with ARES_EDESTRUCTION */
    nr_loop_cancel(d->loop, d->timer);
    free(d);
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
    int st = ares_set_servers_ports_csv(d->ch, csv);
    if (st != ARES_SUCCESS)
        return nr_err(err, errlen, "bad server list '%s': %s", csv, ares_strerror(st));
    return 0;
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

void nr_dns_resolve(struct nr_dns *d, const char *host, int family, nr_addrs_cb cb, void *arg)
{
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
    case ARES_EBADNAME: return "invalid name";
    case ARES_ECANCELLED: return "cancelled";
    default: return ares_strerror(status);
    }
}
