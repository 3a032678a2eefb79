/* shell/ladder — the packet ladder: one connection's captured packets as a
 * sequence diagram. The two endpoints are columns headed by their
 * addresses (the session's local end on the left), each packet an arrow in
 * the direction it travelled, labelled with its flags and relative
 * seq/ack/len, its time (seconds since the first packet) on the left.
 *
 * A pure function over lib/packet's records, so the capture code and the
 * unit tests feed it alike. Fitting the width: each label is shortened
 * (ack, then seq, then the length, then tcpdump's one-letter flags, then
 * nothing) before an arrow would be; only below room for an arrow at all
 * do the packets become one plain line each. Line-drawing characters on a
 * UTF-8 terminal, ASCII otherwise. */
#ifndef NR_LADDER_H
#define NR_LADDER_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/packet.h"
#include "lib/util.h"

struct ladder_style {
    int width;      /* columns to fit in (at least 20 is useful) */
    bool utf8;      /* ─ │ ► ◄ rather than - | > < */
    bool color;     /* RST in red, SYN and FIN in bold */
};

/* The label of one packet at detail level 0 (everything) .. LADDER_LEVELS-1
 * (nothing), into buf: "SYN", "SYN+ACK ack=1", "PSH+ACK seq=1 ack=1 len=6". */
enum { LADDER_LEVELS = 6 };
const char *ladder_label(const struct nr_pkt *p, int level, char *buf, size_t n);

/* Appends the ladder of pkts[0..n) to out: two header lines (addresses,
 * rails), then a line per packet. The addresses come from the first packet
 * (its source is the left column when it was sent, the right when it was
 * received). Returns 0, or -1 when out of memory. */
int ladder_draw(struct nr_buf *out, const struct nr_pkt *pkts, size_t n,
                const struct ladder_style *st);

#endif
