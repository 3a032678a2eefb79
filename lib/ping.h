/* lib/ping — an echo session on the event loop: sends echo requests at an
 * interval, matches replies by identifier and sequence, detects duplicates,
 * out-of-order and late replies, gives up on each echo after a timeout, and
 * keeps iputils' statistics (integer microseconds, sum and sum of squares).
 * Reports each event through a callback; never prints. */
#ifndef NR_PING_H
#define NR_PING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "lib/addr.h"
#include "lib/icmp.h"
#include "lib/loop.h"

struct nr_ping_opts {
    long count;            /* echoes to send; 0: until nr_ping_stop() */
    int64_t interval_us;   /* between requests */
    int64_t wait_us;       /* per echo: a reply later than this is lost */
    size_t size;           /* payload bytes */
    /* The echo the user chooses (ping --seq, --payload): the first sequence
     * number (when has_seq0; else 1, as iputils; later ones count on from it), and the payload
     * sent as it is instead of the send time and pattern (size bytes; NULL:
     * the default). Borrowed until nr_ping_free. */
    bool has_seq0;
    uint16_t seq0;
    const uint8_t *payload;
};

struct nr_ping_stats {
    long transmitted;      /* requests handed to the kernel or failed to send */
    long received;         /* distinct replies in time */
    long dups;             /* second and later replies to one request */
    long reordered;        /* replies to an earlier request than one answered before */
    long late;             /* replies after their echo had timed out (not received) */
    long corrupted;        /* ours (by id) but bad checksum or payload */
    long errors;           /* send failures */
    long ignored;          /* other ICMP, others' replies, truncated packets */
    int64_t tmin, tmax;    /* rtt in µs over received and dups */
    int64_t tsum;
    long double tsum2;
    int64_t start_us, end_us;   /* first send, last event (nr_now_us clock) */
};

enum nr_ping_ev { NR_PING_REPLY, NR_PING_SEND_ERROR };

struct nr_ping_event {
    enum nr_ping_ev kind;
    uint16_t seq;
    size_t bytes;          /* ICMP bytes of the reply */
    struct nr_ip from;
    int ttl;               /* -1 when unknown */
    int64_t rtt_us;
    bool dup;
    int err;               /* errno of a send error */
};

typedef void (*nr_ping_cb)(void *arg, const struct nr_ping_event *ev);

struct nr_ping;

/* Starts pinging to (to, tolen) over sock, whose ownership passes to the
 * pinger (closed by nr_ping_free, also on failure). The first request is
 * sent at once. cb(arg, ev) runs for each reply and send error.
 * Returns NULL with err on failure. Caller frees with nr_ping_free(). */
struct nr_ping *nr_ping_start(struct nr_loop *loop, struct nr_icmp_sock *sock,
                              const struct sockaddr *to, socklen_t tolen,
                              const struct nr_ping_opts *o, nr_ping_cb cb, void *arg,
                              char *err, size_t errlen);
/* True when every request was sent and each is answered or timed out
 * (a nr_done_fn for nr_loop_run_until). */
bool nr_ping_done(void *p);
/* Stops sending; echoes still outstanding count as lost. */
void nr_ping_stop(struct nr_ping *p);
const struct nr_ping_stats *nr_ping_stats(const struct nr_ping *p);
/* An absolute time by which nr_ping_done() holds, or -1 when count is 0. */
int64_t nr_ping_deadline(const struct nr_ping *p);
void nr_ping_free(struct nr_ping *p);

/* Statistics in iputils' form: avg and mdev in µs (over received + dups). */
void nr_ping_rtt(const struct nr_ping_stats *s, int64_t *avg, int64_t *mdev);
/* Lost share in percent: (transmitted - received) * 100 / transmitted. */
double nr_ping_loss(const struct nr_ping_stats *s);
/* Adds one rtt sample (µs) to the statistics. */
void nr_ping_stats_add(struct nr_ping_stats *s, int64_t rtt_us);

#endif
