/* lib/session_svc — the services a listener can run by itself: echo
 * (RFC 862), daytime (RFC 867) and discard (RFC 863), for streams (each
 * client a "served" connection, not in the table) and datagrams (answered
 * at once). A UDP service never answers a datagram that could start a
 * loop — from one of the shell's own service addresses, from a well-known
 * service port (echo 7, discard 9, daytime 13, chargen 19, time 37) or from
 * its own port — and answers any one source at most RATE_PER_S times a
 * second (after a burst of RATE_BURST); what it does not answer it counts
 * as drops. */
#include "lib/session_impl.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <time.h>

enum {
    RATE_SLOTS = 256,     /* sources remembered per listener (hashed) */
    RATE_PER_S = 1000,    /* answers a second to one source ... */
    RATE_BURST = 500,     /* ... after this many at once */
};

struct nr_rate {
    struct {
        uint64_t key;
        int64_t at_us;    /* when tokens was last brought up to date */
        double tokens;
    } slot[RATE_SLOTS];
};

size_t nr_daytime(char *buf, size_t n)
{
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    return strftime(buf, n, "%a %b %e %H:%M:%S %Y\r\n", &tm);
}

/* ---- streams ---- */

/* A served connection's share of the work: echo, discard. */
void serve_data(struct nr_session *s, const unsigned char *p, size_t n)
{
    s->parent->bytes_in += n;
    if (s->svc != NR_SVC_ECHO)
        return;
    if (!out_pending(s)) {
        /* Nothing queued: echo straight from the read buffer; only what
         * the socket does not take is copied into s->out. */
        ssize_t w = s->tls ? tls_send(s, p, n) : send(s->fd, p, n, MSG_NOSIGNAL);
        if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
            write_failed(s, errno);
            return;   /* closed */
        }
        if (w > 0) {
            count_out(s, (size_t)w);
            p += w;
            n -= (size_t)w;
        }
        if (n == 0)
            return;
    }
    if (queue_out(s, p, n) < 0)
        return;   /* closed */
    if (out_pending(s) > ECHO_BACKLOG && s->pause == PAUSE_NONE) {
        s->pause = PAUSE_FULL;   /* resumes when flushed (on_io) */
        update_events(s);
    }
}

void served_start(struct nr_session *l, struct nr_session *c)
{
    c->parent = l;
    c->svc = l->svc;
    c->listener = l->id;
    c->snext = l->served;
    if (l->served)
        l->served->sprev = c;
    l->served = c;
    l->served_active++;
    l->served_total++;
    if (l->svc == NR_SVC_DAYTIME) {
        char day[64];
        size_t n = nr_daytime(day, sizeof day);
        if (queue_out(c, day, n) < 0)
            return;
        /* Written at once on a fresh connection; the close ends the reply. */
        if (nr_sess_flushed(c)) {
            nr_sess_close(c);
            return;
        }
        c->peer_eof = true;   /* close when flushed */
    }
}

/* ---- datagrams: the loop guard ---- */

/* An IP endpoint as (16-byte address, port), IPv4 and v4-mapped alike;
 * false for other families. */
static bool endpoint(const struct sockaddr *sa, unsigned char ip[16], uint16_t *port)
{
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *a = (const struct sockaddr_in *)sa;
        memset(ip, 0, 10);
        ip[10] = ip[11] = 0xff;
        memcpy(ip + 12, &a->sin_addr, 4);
        *port = ntohs(a->sin_port);
        return true;
    }
    if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)sa;
        memcpy(ip, &a->sin6_addr, 16);
        *port = ntohs(a->sin6_port);
        return true;
    }
    return false;
}

static bool ip_unspecified(const unsigned char ip[16])
{
    static const unsigned char any6[16], any4[16] = { [10] = 0xff, [11] = 0xff };
    return !memcmp(ip, any6, 16) || !memcmp(ip, any4, 16);
}

/* from is (or could be) the local address of service listener l: same
 * port, and the same IP or l bound to all interfaces. */
static bool from_service(const struct nr_session *l, const struct sockaddr *from,
                         socklen_t fromlen)
{
    unsigned char a[16], b[16];
    uint16_t pa, pb;
    if (from->sa_family == AF_UNIX)
        return l->local.ss_family == AF_UNIX && fromlen == l->local_len &&
               fromlen > sizeof(sa_family_t) && !memcmp(from, &l->local, fromlen);
    if (!endpoint(from, a, &pa) || !endpoint((const struct sockaddr *)&l->local, b, &pb))
        return false;
    return pa == pb && (ip_unspecified(b) || !memcmp(a, b, 16));
}

/* A datagram whose answer could start (or feed) a loop between services. */
static bool loop_risk(const struct nr_session *s, const struct sockaddr *from,
                      socklen_t fromlen)
{
    static const uint16_t wellknown[] = { 7, 9, 13, 19, 37 };
    unsigned char ip[16], mine[16];
    uint16_t port, own;
    if (endpoint(from, ip, &port)) {
        for (size_t i = 0; i < sizeof wellknown / sizeof *wellknown; i++)
            if (port == wellknown[i])
                return true;
        if (endpoint((const struct sockaddr *)&s->local, mine, &own) && port == own)
            return true;
    }
    const struct nr_sessions *t = s->tab;
    for (size_t i = 0; i < t->n; i++) {
        const struct nr_session *l = t->v[i];
        if (l->role == NR_ROLE_LISTEN && l->svc != NR_SVC_NONE && l->net.type == SOCK_DGRAM &&
            from_service(l, from, fromlen))
            return true;
    }
    return false;
}

/* ---- datagrams: the rate limit ---- */

static uint64_t source_key(const struct sockaddr *from, socklen_t fromlen)
{
    uint64_t h = 1469598103934665603ull;   /* FNV-1a over the address bytes */
    const unsigned char *p = (const unsigned char *)from;
    for (socklen_t i = 0; i < fromlen; i++)
        h = (h ^ p[i]) * 1099511628211ull;
    return h | 1;   /* 0 marks a free slot */
}

/* Takes one answer from the source's bucket; false when it is empty. */
static bool rate_take(struct nr_session *s, const struct sockaddr *from, socklen_t fromlen)
{
    if (!s->rate && !(s->rate = calloc(1, sizeof *s->rate)))
        return true;   /* no memory for the table: answer, as before */
    uint64_t key = source_key(from, fromlen);
    int64_t now = nr_now_us();
    size_t i = key % RATE_SLOTS;
    if (s->rate->slot[i].key != key) {   /* new source (or a collision) */
        s->rate->slot[i].key = key;
        s->rate->slot[i].at_us = now;
        s->rate->slot[i].tokens = RATE_BURST;
    }
    double tokens = s->rate->slot[i].tokens +
                    (double)(now - s->rate->slot[i].at_us) * RATE_PER_S / 1e6;
    if (tokens > RATE_BURST)
        tokens = RATE_BURST;
    s->rate->slot[i].at_us = now;
    if (tokens < 1) {
        s->rate->slot[i].tokens = tokens;
        return false;
    }
    s->rate->slot[i].tokens = tokens - 1;
    return true;
}

void rate_free(struct nr_session *s)
{
    free(s->rate);
    s->rate = NULL;
}

/* A datagram on a service listener: answer it at once (or drop it). */
void serve_dgram(struct nr_session *s, const unsigned char *p, size_t n,
                 const struct sockaddr *from, socklen_t fromlen)
{
    char day[64];
    const void *reply = p;
    size_t rlen = n;
    if (s->svc == NR_SVC_DISCARD) {
        s->served_total++;
        return;
    }
    if (loop_risk(s, from, fromlen) || !rate_take(s, from, fromlen)) {
        s->drops++;
        return;
    }
    if (s->svc == NR_SVC_DAYTIME) {
        rlen = nr_daytime(day, sizeof day);
        reply = day;
    }
    ssize_t r = sendto(s->fd, reply, rlen, MSG_NOSIGNAL | MSG_DONTWAIT, from, fromlen);
    if (r > 0) {
        sess_tap(s, NR_TAP_SENT, reply, (size_t)r);   /* trace sees the replies too */
        s->bytes_out += (uint64_t)r;
    }
    s->served_total++;
}
