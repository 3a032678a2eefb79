/* lib/packet — one captured packet as plain data: what lib/capture decodes
 * from the wire and shell/ draws (capture lines, the packet ladder). No
 * behaviour here; the decoder and the pictures each own their side. */
#ifndef NR_PACKET_H
#define NR_PACKET_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

enum nr_pkt_dir {
    NR_PKT_SENT,       /* from the session's local end */
    NR_PKT_RECEIVED,   /* to it */
};

/* TCP flags as on the wire (FIN 0x01 … CWR 0x80). */
enum {
    NR_TCP_FIN = 0x01, NR_TCP_SYN = 0x02, NR_TCP_RST = 0x04, NR_TCP_PSH = 0x08,
    NR_TCP_ACK = 0x10, NR_TCP_URG = 0x20, NR_TCP_ECE = 0x40, NR_TCP_CWR = 0x80,
};

struct nr_pkt {
    int64_t t_us;              /* since the capture started */
    enum nr_pkt_dir dir;
    int proto;                 /* IPPROTO_TCP, _UDP, _ICMP, _ICMPV6 */
    unsigned flags;            /* TCP: NR_TCP_* */
    uint32_t seq, ack;         /* TCP: relative to the first seen, per direction */
    bool has_ack;              /* TCP: the ACK flag is set (ack is meaningful) */
    uint32_t win;              /* TCP: window (scaled when the scale was seen) */
    uint32_t len;              /* payload bytes */
    int icmp_type, icmp_code;  /* ICMP/ICMPv6, -1 otherwise */
    int icmp_id, icmp_seq;     /* echo request/reply, -1 otherwise */
    struct sockaddr_storage src, dst;
    socklen_t src_len, dst_len;
    /* ICMP errors: the datagram they quote (quoted_proto 0: none, or cut
     * short), with its ports when TCP or UDP. */
    int quoted_proto;
    struct sockaddr_storage quoted_src, quoted_dst;
    socklen_t quoted_src_len, quoted_dst_len;
};

#endif
