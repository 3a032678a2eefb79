/* lib/capture — the real packets of a session, live: a libpcap handle on
 * the interface that carries it, in non-blocking mode, its selectable
 * descriptor watched by lib/loop (never a thread). A BPF filter is built
 * from the session's addresses; each packet is decoded into a struct
 * nr_pkt (lib/packet.h) with relative TCP numbers per connection, handed to
 * a callback, and optionally written to a pcap file (by a process of its
 * own: lib/pcapfile.h). Never prints. */
#ifndef NR_CAPTURE_H
#define NR_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/loop.h"
#include "lib/packet.h"

struct nr_capture;

/* Called for each decoded packet; p is borrowed for the call. */
typedef void (*nr_cap_fn)(void *arg, const struct nr_pkt *p);

/* What to capture: the protocol, the session's local end (port 0: not yet
 * bound) and its remote end (len 0: a listener, every peer). UDP adds the
 * ICMP errors about it. ICMP/ICMPv6 (ping): the messages to and from the
 * remote host with echo identifier icmp_id. */
struct nr_cap_spec {
    int proto;                           /* IPPROTO_TCP, _UDP, _ICMP or _ICMPV6 */
    int icmp_id;                         /* ICMP: the echo identifier */
    struct sockaddr_storage local, remote;
    socklen_t local_len, remote_len;
    uint64_t count;                      /* --file: the first count packets (0: all) */
};

enum nr_cap_status { NR_CAP_OK, NR_CAP_PERM, NR_CAP_FAIL };

/* Opens a live capture for spec; pcap_path (or NULL): also write a pcap
 * file. Returns the capture (caller frees with nr_capture_close()) or NULL
 * with *st and err set: NR_CAP_PERM when CAP_NET_RAW is missing. */
struct nr_capture *nr_capture_open(struct nr_loop *loop, const struct nr_cap_spec *spec,
                                   const char *pcap_path, nr_cap_fn fn, void *arg,
                                   enum nr_cap_status *st, char *err, size_t errlen);
/* Narrows the filter once the local end is known (a dial that connected). */
int nr_capture_refine(struct nr_capture *c, const struct nr_cap_spec *spec,
                      char *err, size_t errlen);
/* Reads what the kernel holds now (a command boundary), without waiting. */
void nr_capture_drain(struct nr_capture *c);
/* The BPF filter in use, and the interface. */
const char *nr_capture_filter(const struct nr_capture *c);
const char *nr_capture_ifname(const struct nr_capture *c);
/* Packets seen, and dropped by the kernel (pcap_stats), by the capture
 * that feeds the callback. */
uint64_t nr_capture_seen(const struct nr_capture *c);
uint64_t nr_capture_drops(struct nr_capture *c);
/* After nr_capture_finish of a --file capture: the packets its own capture
 * wrote to the file and the kernel dropped before it (true); false when
 * there was no file. */
bool nr_capture_file_counts(const struct nr_capture *c, uint64_t *packets, uint64_t *drops);
/* Stops writing the pcap file (--file) and waits until it is complete.
 * Returns NULL, or why the file is incomplete (a full disk). Packets keep
 * coming to the callback until nr_capture_close(). */
const char *nr_capture_finish(struct nr_capture *c);
void nr_capture_close(struct nr_capture *c);

/* Offline, for tests and the fuzzer: a capture without an interface, fed
 * frames of link type dlt by hand (t: microseconds, any origin); each goes
 * through the same decoding, relative numbers and direction as live ones.
 * Freed with nr_capture_close(). */
struct nr_capture *nr_capture_offline(const struct nr_cap_spec *spec, int dlt, nr_cap_fn fn,
                                      void *arg);
void nr_capture_feed(struct nr_capture *c, int64_t t, const unsigned char *frame, size_t caplen);

/* Words for TCP flags in wire order, "SYN+ACK", into buf. */
const char *nr_tcp_flags_str(unsigned flags, char *buf, size_t n);
/* ICMP/ICMPv6 type (and code) in words: "echo request", "port unreachable". */
const char *nr_icmp_str(int proto, int type, int code);

/* Decodes one link-layer frame (dlt: a pcap DLT_*) into p, without the
 * session's relative numbers or direction. Returns 0, or -1 when it is not
 * IPv4/IPv6 TCP/UDP/ICMP (for tests and the fuzzer). */
int nr_pkt_decode(int dlt, const unsigned char *frame, size_t caplen, struct nr_pkt *p,
                  uint32_t *raw_seq, uint32_t *raw_ack, int *wscale);

#endif
