/* lib/pcapfile — a capture's pcap file, written without slowing the loop.
 *
 * Copying every payload (a bulk transfer is 64 KiB packets on lo) and
 * writing it through the file system costs more CPU than the transfer it
 * records, and the loop would pay it between a session's reads and writes.
 * So the file has a capture of its own in a child process (as tcpdump -w is
 * a process of its own): the child opens the same interface with the same
 * filter and the full snapshot length, and writes each packet to the file;
 * the loop's capture needs only the headers for its lines. The child is
 * ready (capturing) when nr_pcapfile_open() returns, so the file holds
 * everything the lines show. */
#ifndef NR_PCAPFILE_H
#define NR_PCAPFILE_H

#include <stddef.h>
#include <stdint.h>

struct nr_pcapfile;

/* Creates path (truncating it) and starts its writer capturing on ifname
 * with filter (BPF syntax), snaplen and a kernel buffer of bufsize bytes.
 * NULL with err on failure; *perm set when the capture lacks privilege. */
struct nr_pcapfile *nr_pcapfile_open(const char *path, const char *ifname, const char *filter,
                                     int snaplen, int bufsize, uint64_t limit, int *perm,
                                     char *err, size_t errlen);
/* Replaces the filter (a dial --capture, once connected). */
int nr_pcapfile_filter(struct nr_pcapfile *f, const char *filter, char *err, size_t errlen);
/* Asks the writer to put what it has in the file now (a command boundary). */
void nr_pcapfile_flush(struct nr_pcapfile *f);
/* Stops the writer, waits until the file is complete, and frees f.
 * *packets: packets in the file, *drops: what its capture lost in the
 * kernel. Returns 0, or -1 with err when the file is incomplete. */
int nr_pcapfile_close(struct nr_pcapfile *f, uint64_t *packets, uint64_t *drops, char *err,
                      size_t errlen);

#endif
