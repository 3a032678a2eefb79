/* shell/ladder — the packet ladder: one connection's captured packets as a
 * sequence diagram. The two endpoints are columns headed by their
 * addresses (the session's local end on the left), each packet an arrow in
 * the direction it travelled, labelled with its flags and relative
 * seq/ack/len, and, when asked, its time (seconds since the first packet
 * drawn) on the left.
 *
 * Pure functions over lib/packet's records, so the capture code and the
 * unit tests feed them alike. Fitting the width: each label is shortened
 * (ack, then seq, then the length, then tcpdump's one-letter flags, then
 * nothing) before an arrow would be; addresses too long for the head are
 * shortened from the left (..); only below room for an arrow at all do the
 * packets become one plain line each. Line-drawing characters on a UTF-8
 * terminal, ASCII otherwise. */
#ifndef NR_LADDER_H
#define NR_LADDER_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/addr.h"
#include "lib/packet.h"
#include "lib/util.h"

struct ladder_style {
    int width;      /* columns to fit in (at least 20 is useful) */
    bool utf8;      /* ─ │ ► ◄ rather than - | > < */
    bool color;     /* RST in red, SYN and FIN in bold */
    bool time;      /* a time column on the left */
};

/* The label of one packet at detail level 0 (everything) .. LADDER_LEVELS-1
 * (nothing), into buf: "SYN", "SYN+ACK ack=1", "PSH+ACK seq=1 ack=1 len=6". */
enum { LADDER_LEVELS = 6 };
const char *ladder_label(const struct nr_pkt *p, int level, char *buf, size_t n);

/* Whether b travelled between the same two ends as a (either way round):
 * addresses and ports for TCP and UDP; for ICMP (an error about a UDP
 * datagram) the two hosts. */
bool ladder_same_conn(const struct nr_pkt *a, const struct nr_pkt *b);

/* A ladder drawn packet by packet, as they are captured. */
struct ladder {
    struct ladder_style st;
    bool started;              /* a head was drawn */
    bool list;                 /* too narrow for arrows: a plain line each */
    struct nr_pkt conn;        /* the first packet of the connection drawn now */
    int64_t t0;                /* the time of the first packet of all */
    int tw, lrail, rrail;      /* the time column's width, the rails' columns */
    char left[NR_ADDRSTRLEN], right[NR_ADDRSTRLEN];
};
void ladder_init(struct ladder *l, const struct ladder_style *st);
/* Appends p's line to out, after a head (the two addresses, then the
 * rails) when p is the first packet, of another connection than the one
 * drawn now, or when its time no longer fits the time column. Returns 0,
 * or -1 when out of memory. */
int ladder_add(struct ladder *l, struct nr_buf *out, const struct nr_pkt *p);

/* Appends the ladders of pkts[0..n): one per connection, in the order
 * their first packets came, each with its head and with the time column as
 * wide as its longest time. Returns 0, or -1 when out of memory. */
int ladder_draw(struct nr_buf *out, const struct nr_pkt *pkts, size_t n,
                const struct ladder_style *st);

#endif
