/* lib/ping — echo sessions on the loop (see ping.h). Echo number n (1, 2, …)
 * goes out with sequence n mod 65536 and lives in slot n mod RING until it is
 * answered or lost; replies are mapped back to the most recent n with their
 * sequence. Never prints. */
#include "lib/ping.h"
#include "lib/util.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

enum { RING = 4096, RECV_BURST = 64 };
enum { S_FREE, S_PENDING, S_ANSWERED, S_LOST };

struct slot {
    uint64_t n;
    int64_t tx_mono;    /* nr_now_us() at send */
    int64_t tx_ns;      /* CLOCK_REALTIME at send, compared with kernel rx stamps */
    int state;
};

struct nr_ping {
    struct nr_loop *loop;
    struct nr_icmp_sock s;
    struct sockaddr_storage to;
    socklen_t tolen;
    struct nr_ping_opts o;
    nr_ping_cb cb;
    void *arg;
    struct slot *ring;
    uint64_t sent;       /* echoes sent so far: the last n */
    uint64_t oldest;     /* no n below this is pending */
    uint64_t highest;    /* highest n answered */
    long pending;
    bool stopped;
    uint64_t send_timer, expire_timer;
    struct nr_ping_stats st;
    uint8_t *tx, *rx, *want;
    size_t txcap, rxcap;
};

void nr_ping_stats_add(struct nr_ping_stats *s, int64_t rtt)
{
    if (s->received + s->dups == 1 || rtt < s->tmin)
        s->tmin = rtt;
    if (rtt > s->tmax)
        s->tmax = rtt;
    s->tsum += rtt;
    s->tsum2 += (long double)rtt * rtt;
}

static int64_t isqrt(int64_t a)
{
    int64_t prev = INT64_MAX, x = a;
    if (x > 0)
        while (x < prev) {
            prev = x;
            x = (x + a / x) / 2;
        }
    return x;
}

/* iputils' finish(): integer µs; the order of operations avoids rounding
 * small variances away. Past int64 range long double takes over. */
void nr_ping_rtt(const struct nr_ping_stats *s, int64_t *avg, int64_t *mdev)
{
    long total = s->received + s->dups;
    *avg = *mdev = 0;
    if (total <= 0)
        return;
    *avg = s->tsum / total;
    int64_t var;
    if (s->tsum2 < 9e18L && s->tsum < 3000000000LL)
        var = ((int64_t)s->tsum2 - (s->tsum * s->tsum) / total) / total;
    else
        var = (int64_t)(s->tsum2 / total - (long double)*avg * *avg);
    *mdev = isqrt(var);
}

double nr_ping_loss(const struct nr_ping_stats *s)
{
    if (s->transmitted <= 0)
        return 0;
    return (double)(s->transmitted - s->received) * 100.0 / (double)s->transmitted;
}

const struct nr_ping_stats *nr_ping_stats(const struct nr_ping *p)
{
    return &p->st;
}

bool nr_ping_done(void *arg)
{
    const struct nr_ping *p = arg;
    bool all_sent = p->stopped || (p->o.count > 0 && p->sent >= (uint64_t)p->o.count);
    return all_sent && p->pending == 0;
}

int64_t nr_ping_deadline(const struct nr_ping *p)
{
    if (p->o.count <= 0)
        return -1;
    return p->st.start_us + (p->o.count - 1) * p->o.interval_us + p->o.wait_us + 1000000;
}

static void lose(struct nr_ping *p, struct slot *sl)
{
    if (sl->state == S_PENDING) {
        sl->state = S_LOST;
        p->pending--;
    }
}

/* Marks echoes past their wait as lost; re-arms for the oldest pending one. */
static void on_expire(struct nr_loop *loop, void *arg)
{
    struct nr_ping *p = arg;
    int64_t now = nr_now_us();
    p->expire_timer = 0;
    for (; p->oldest <= p->sent; p->oldest++) {
        struct slot *sl = &p->ring[p->oldest % RING];
        if (sl->n != p->oldest || sl->state != S_PENDING)
            continue;
        if (sl->tx_mono + p->o.wait_us > now) {
            p->expire_timer = nr_loop_timer(loop, sl->tx_mono + p->o.wait_us, on_expire, p);
            return;
        }
        lose(p, sl);
    }
}

static void on_send_timer(struct nr_loop *loop, void *arg);

static void schedule_next(struct nr_ping *p)
{
    p->send_timer = 0;
    if (p->stopped || (p->o.count > 0 && p->sent >= (uint64_t)p->o.count))
        return;
    /* Absolute times from the start, so the interval does not drift. */
    int64_t when = p->st.start_us + (int64_t)p->sent * p->o.interval_us;
    int64_t now = nr_now_us();
    p->send_timer = nr_loop_timer(p->loop, when > now ? when : now, on_send_timer, p);
}

/* The sequence number echo n carries (n counts from 1). */
static uint16_t seq_of(const struct nr_ping *p, uint64_t n)
{
    return (uint16_t)(n - 1 + (p->o.has_seq0 ? p->o.seq0 : 1u));
}

/* Echo n into buf: ours (send time, pattern) or the user's payload. */
static int build(struct nr_ping *p, uint8_t *buf, uint64_t n, int64_t tx_ns)
{
    bool v6 = p->s.family == AF_INET6;
    int len = nr_icmp_build_echo(buf, p->txcap, v6, p->s.id, seq_of(p, n), p->o.size, tx_ns);
    if (len < 0 || !p->o.payload)
        return len;
    memcpy(buf + NR_ICMP_HDRLEN, p->o.payload, p->o.size);
    if (!v6) {
        buf[2] = buf[3] = 0;
        uint16_t c = nr_icmp_checksum(buf, (size_t)len);
        buf[2] = (uint8_t)(c >> 8);
        buf[3] = (uint8_t)c;
    }
    return len;
}

static void send_one(struct nr_ping *p)
{
    uint64_t n = ++p->sent;
    struct slot *sl = &p->ring[n % RING];
    lose(p, sl);   /* RING echoes later, an unanswered one is lost */
    sl->n = n;
    sl->state = S_FREE;
    sl->tx_ns = nr_realtime_ns();
    int len = build(p, p->tx, n, sl->tx_ns);
    sl->tx_mono = nr_now_us();
    if (p->sent == 1)
        p->st.start_us = sl->tx_mono;
    p->st.transmitted++;
    if (nr_icmp_send(&p->s, p->tx, (size_t)len, (struct sockaddr *)&p->to, p->tolen) < 0) {
        struct nr_ping_event ev = { .kind = NR_PING_SEND_ERROR, .seq = seq_of(p, n),
                                    .ttl = -1, .err = errno };
        p->st.errors++;
        p->cb(p->arg, &ev);
        return;
    }
    sl->state = S_PENDING;
    p->pending++;
    if (!p->expire_timer)
        p->expire_timer = nr_loop_timer(p->loop, sl->tx_mono + p->o.wait_us, on_expire, p);
}

static void on_send_timer(struct nr_loop *loop, void *arg)
{
    struct nr_ping *p = arg;
    send_one(p);
    schedule_next(p);
}

/* The echo a sequence number answers: the latest n sent with that sequence,
 * NULL for a sequence never sent; *gone when its slot was reused. */
static struct slot *slot_for(struct nr_ping *p, uint16_t seq, bool *gone)
{
    uint64_t back = (uint16_t)(seq_of(p, p->sent) - seq);
    *gone = false;
    if (back >= p->sent)
        return NULL;
    uint64_t n = p->sent - back;
    struct slot *sl = &p->ring[n % RING];
    *gone = sl->n != n;
    return *gone ? NULL : sl;
}

/* The payload must be what we sent, timestamp included. */
static bool payload_ok(struct nr_ping *p, const struct slot *sl, const struct nr_icmp_reply *r)
{
    if (r->datalen != p->o.size)
        return false;
    build(p, p->want, sl->n, sl->tx_ns);
    return memcmp(r->data, p->want + NR_ICMP_HDRLEN, r->datalen) == 0;
}

static int64_t rtt_of(const struct slot *sl, const struct nr_icmp_rx *rx)
{
    /* Kernel receive stamps, as iputils: the loop's wake-up delay is not
     * part of the round trip. The monotonic clock when there is none (or
     * the wall clock stepped back). */
    if (rx->rx_ns > 0 && rx->rx_ns >= sl->tx_ns)
        return (rx->rx_ns - sl->tx_ns) / 1000;
    return nr_now_us() - sl->tx_mono;
}

static void accept_reply(struct nr_ping *p, struct slot *sl, const struct nr_icmp_reply *r,
                         const struct nr_icmp_rx *rx)
{
    struct nr_ping_event ev = { .kind = NR_PING_REPLY, .seq = r->seq, .bytes = r->icmplen,
                                .ttl = r->ttl >= 0 ? r->ttl : rx->ttl, .rtt_us = rtt_of(sl, rx) };
    if (sl->state == S_LOST) {
        p->st.late++;
        return;
    }
    if (sl->state == S_ANSWERED) {
        ev.dup = true;
        p->st.dups++;
    } else {
        sl->state = S_ANSWERED;
        p->pending--;
        p->st.received++;
        if (sl->n < p->highest)
            p->st.reordered++;
        else
            p->highest = sl->n;
    }
    nr_ping_stats_add(&p->st, ev.rtt_us);
    nr_sockaddr_ip((const struct sockaddr *)&rx->from, &ev.from, NULL);
    p->cb(p->arg, &ev);
}

static void take_packet(struct nr_ping *p, size_t n, const struct nr_icmp_rx *rx)
{
    struct nr_icmp_expect ex = { .v6 = p->s.family == AF_INET6, .id = p->s.id,
                                 .iphdr = p->s.family == AF_INET && p->s.kind == NR_ICMP_RAW };
    if (ex.v6 && rx->have_dst6 && rx->from.ss_family == AF_INET6) {
        ex.src6 = ((const struct sockaddr_in6 *)&rx->from)->sin6_addr.s6_addr;
        ex.dst6 = rx->dst6;
    }
    struct nr_icmp_reply r;
    enum nr_icmp_check c = nr_icmp_parse_reply(p->rx, n, &ex, &r);
    bool gone = false;
    struct slot *sl = c == NR_ICMP_OK ? slot_for(p, r.seq, &gone) : NULL;
    if ((c == NR_ICMP_BADSUM && r.id == p->s.id) || (c == NR_ICMP_OK && !sl && !gone))
        p->st.corrupted++;   /* ours, but damaged or with a sequence never sent */
    else if (c != NR_ICMP_OK)
        p->st.ignored++;
    else if (!sl)
        p->st.late++;        /* an echo so old its slot was reused */
    else if (!payload_ok(p, sl, &r))
        p->st.corrupted++;
    else
        accept_reply(p, sl, &r, rx);
}

static void on_readable(struct nr_loop *loop, int fd, unsigned ev, void *arg)
{
    struct nr_ping *p = arg;
    for (int i = 0; i < RECV_BURST; i++) {
        struct nr_icmp_rx rx;
        long n = nr_icmp_recv(&p->s, p->rx, p->rxcap, &rx);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return;   /* EAGAIN, or a soft error the kernel has now cleared */
        }
        take_packet(p, (size_t)n, &rx);
    }
}

void nr_ping_stop(struct nr_ping *p)
{
    p->stopped = true;
    if (p->send_timer)
        nr_loop_cancel(p->loop, p->send_timer);
    p->send_timer = 0;
    for (; p->oldest <= p->sent; p->oldest++) {
        struct slot *sl = &p->ring[p->oldest % RING];
        if (sl->n == p->oldest)
            lose(p, sl);
    }
}

void nr_ping_free(struct nr_ping *p)
{
    if (!p)
        return;
    if (p->send_timer)
        nr_loop_cancel(p->loop, p->send_timer);
    if (p->expire_timer)
        nr_loop_cancel(p->loop, p->expire_timer);
    if (p->s.fd >= 0)
        nr_loop_unwatch(p->loop, p->s.fd);
    nr_icmp_close(&p->s);
    free(p->ring);
    free(p->tx);
    free(p->rx);
    free(p->want);
    free(p);
}

struct nr_ping *nr_ping_start(struct nr_loop *loop, struct nr_icmp_sock *sock,
                              const struct sockaddr *to, socklen_t tolen,
                              const struct nr_ping_opts *o, nr_ping_cb cb, void *arg,
                              char *err, size_t errlen)
{
    struct nr_ping *p = calloc(1, sizeof *p);
    if (!p) {
        nr_icmp_close(sock);
        return nr_err(err, errlen, "%s", strerror(ENOMEM)), NULL;
    }
    p->s = *sock;
    sock->fd = -1;
    p->loop = loop;
    p->o = *o;
    p->cb = cb;
    p->arg = arg;
    p->oldest = 1;
    p->txcap = NR_ICMP_HDRLEN + o->size;
    p->rxcap = p->txcap + 128;   /* room for an IPv4 header with options */
    p->ring = calloc(RING, sizeof *p->ring);
    p->tx = malloc(p->txcap);
    p->want = malloc(p->txcap);
    p->rx = malloc(p->rxcap);
    if (tolen > sizeof p->to || !p->ring || !p->tx || !p->want || !p->rx) {
        nr_ping_free(p);
        return nr_err(err, errlen, "%s", strerror(ENOMEM)), NULL;
    }
    memcpy(&p->to, to, tolen);
    p->tolen = tolen;
    if (nr_loop_watch(loop, p->s.fd, NR_EV_READ, on_readable, p) < 0) {
        nr_err(err, errlen, "%s", strerror(errno));
        nr_ping_free(p);
        return NULL;
    }
    send_one(p);
    schedule_next(p);
    return p;
}
