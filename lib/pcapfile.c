/* lib/pcapfile — see pcapfile.h. The shell and the writer talk over a
 * socket pair, one byte a message (send with MSG_NOSIGNAL: no SIGPIPE when
 * the other side is gone), with what does not fit in a byte (a filter, an
 * error, the counts) in a page of shared memory:
 *   shell -> writer   'F' flush the file   'S' take shared->filter   'Q' end
 *   writer -> shell   'R' capturing        'E' failed (shared->err)  'A' filter done */
#include "lib/pcapfile.h"
#include "lib/util.h"

#include <errno.h>
#include <fcntl.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

enum { FILE_BUF = 1 << 20, QUIET_MS = 100, BLOCK_MS = 10 };

struct shared {
    char filter[1024];
    char err[NR_ERRLEN];
    int filter_rc;                /* the last 'S': 0 or -1 (err) */
    int perm;                     /* the capture lacks privilege */
    uint64_t packets, drops;      /* set by the writer as it ends */
    int file_failed;              /* errno of a failed write, 0 */
};

struct nr_pcapfile {
    struct shared *s;
    int ctl;                      /* our end of the socket pair */
    pid_t pid;
};

static void say(int fd, char c)
{
    while (send(fd, &c, 1, MSG_NOSIGNAL) < 0 && errno == EINTR)
        ;
}

/* One byte from fd, 0 when the other side is gone. */
static char hear(int fd)
{
    char c;
    ssize_t r;
    while ((r = read(fd, &c, 1)) < 0 && errno == EINTR)
        ;
    return r == 1 ? c : 0;
}

/* ---- the writer (child) ---- */

struct writer {
    struct shared *s;
    pcap_t *p;
    pcap_dumper_t *d;
    uint64_t packets, limit;      /* limit: the first packets only (0: all) */
};

static void on_packet(unsigned char *arg, const struct pcap_pkthdr *h, const unsigned char *b)
{
    struct writer *w = (struct writer *)arg;
    if (w->limit && w->packets >= w->limit)
        return;   /* --count: the file holds the first ones, as the lines */
    pcap_dump((unsigned char *)w->d, h, b);
    w->packets++;
}

static void drain(struct writer *w)
{
    while (pcap_dispatch(w->p, -1, on_packet, (unsigned char *)w) > 0)
        ;
}

static int set_filter(pcap_t *p, const char *filter, char *err, size_t errlen)
{
    struct bpf_program prog;
    if (pcap_compile(p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) < 0)
        return nr_err(err, errlen, "filter '%s': %s", filter, pcap_geterr(p));
    int r = pcap_setfilter(p, &prog);
    pcap_freecode(&prog);
    return r < 0 ? nr_err(err, errlen, "filter: %s", pcap_geterr(p)) : 0;
}

/* Closes every descriptor but the n (sorted) in keep: the shell's sockets
 * must close when the shell closes them, not when the writer ends. */
static void close_except(const int *keep, int n)
{
    unsigned from = 3;
    for (int i = 0; i < n; i++) {
        if ((unsigned)keep[i] > from)
            close_range(from, (unsigned)keep[i] - 1, 0);
        if ((unsigned)keep[i] + 1 > from)
            from = (unsigned)keep[i] + 1;
    }
    close_range(from, ~0U, 0);
}

static int cmp_int(const void *a, const void *b)
{
    return *(const int *)a - *(const int *)b;
}

static void writer_main(struct shared *s, int ctl, int file, const char *ifname, int snaplen,
                        int bufsize, uint64_t limit)
{
    char eb[PCAP_ERRBUF_SIZE] = "";
    struct writer w = { s, NULL, NULL, 0, limit };
    for (int sig = 1; sig < 32; sig++)
        if (sig != SIGKILL && sig != SIGSTOP)
            signal(sig, SIG_DFL);   /* the shell's handlers write to its self-pipe */
    signal(SIGINT, SIG_IGN);   /* Ctrl-C cancels a command, not the file */
    signal(SIGHUP, SIG_IGN);   /* the shell finishes the file as it ends */
    signal(SIGPIPE, SIG_IGN);
    if (!(w.p = pcap_create(ifname, eb))) {
        nr_err(s->err, sizeof s->err, "%s", eb);
        goto fail;
    }
    pcap_set_snaplen(w.p, snaplen);
    /* Not immediate: the kernel fills blocks of packets and wakes the
     * writer once a block (or after BLOCK_MS), far cheaper on a bulk
     * transfer; nobody waits for these packets but the file. */
    pcap_set_immediate_mode(w.p, 0);
    pcap_set_timeout(w.p, BLOCK_MS);
    pcap_set_buffer_size(w.p, bufsize);
    int r = pcap_activate(w.p);
    if (r < 0) {
        s->perm = r == PCAP_ERROR_PERM_DENIED || r == PCAP_ERROR_PROMISC_PERM_DENIED;
        nr_err(s->err, sizeof s->err, "%s: %s", ifname, pcap_geterr(w.p));
        goto fail;
    }
    if (set_filter(w.p, s->filter, s->err, sizeof s->err) < 0)
        goto fail;
    if (pcap_setnonblock(w.p, 1, eb) < 0) {
        nr_err(s->err, sizeof s->err, "%s", eb);
        goto fail;
    }
    int pfd = pcap_get_selectable_fd(w.p);
    FILE *fp = fdopen(file, "wb");
    if (pfd < 0 || !fp) {
        nr_err(s->err, sizeof s->err, "%s: cannot start the file's capture", ifname);
        goto fail;
    }
    setvbuf(fp, NULL, _IOFBF, FILE_BUF);
    if (!(w.d = pcap_dump_fopen(w.p, fp))) {
        nr_err(s->err, sizeof s->err, "%s", pcap_geterr(w.p));
        goto fail;
    }
    int keep[] = { ctl, file, pfd };
    qsort(keep, 3, sizeof *keep, cmp_int);
    close_except(keep, 3);
    say(ctl, 'R');
    bool done = false;
    while (!done) {
        struct pollfd pf[2] = { { pfd, POLLIN, 0 }, { ctl, POLLIN, 0 } };
        int n = poll(pf, 2, QUIET_MS);
        if (n < 0 && errno != EINTR)
            break;
        if (n == 0)
            pcap_dump_flush(w.d);   /* quiet: what came reaches the file */
        if (n > 0 && pf[0].revents)
            drain(&w);
        if (n > 0 && pf[1].revents) {
            switch (hear(ctl)) {
            case 'F':
                drain(&w);
                pcap_dump_flush(w.d);
                break;
            case 'S':
                s->filter_rc = set_filter(w.p, s->filter, s->err, sizeof s->err);
                say(ctl, 'A');
                break;
            default:   /* 'Q', or the shell is gone */
                done = true;
            }
        }
    }
    /* Everything up to the stop: the kernel copied it already, the last
     * block is handed over within BLOCK_MS. */
    for (struct pollfd pf = { pfd, POLLIN, 0 }; poll(&pf, 1, 3 * BLOCK_MS) > 0;)
        drain(&w);
    drain(&w);
    struct pcap_stat ps;
    if (pcap_stats(w.p, &ps) == 0)
        s->drops = (uint64_t)ps.ps_drop + ps.ps_ifdrop;
    s->packets = w.packets;
    if (pcap_dump_flush(w.d) < 0 || ferror(pcap_dump_file(w.d)))
        s->file_failed = errno ? errno : EIO;
    pcap_dump_close(w.d);
    pcap_close(w.p);
    _exit(s->file_failed ? 1 : 0);
fail:
    say(ctl, 'E');
    _exit(2);
}

/* ---- the shell's side ---- */

struct nr_pcapfile *nr_pcapfile_open(const char *path, const char *ifname, const char *filter,
                                     int snaplen, int bufsize, uint64_t limit, int *perm,
                                     char *err, size_t errlen)
{
    struct nr_pcapfile *f = calloc(1, sizeof *f);
    int file = -1, sv[2] = { -1, -1 };
    *perm = 0;
    if (!f) {
        nr_err(err, errlen, "out of memory");
        return NULL;
    }
    void *m = mmap(NULL, sizeof *f->s, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) {
        nr_err(err, errlen, "cannot share memory with the file's writer: %s", strerror(errno));
        free(f);
        return NULL;
    }
    f->s = m;
    f->ctl = -1;
    snprintf(f->s->filter, sizeof f->s->filter, "%s", filter);
    /* O_NONBLOCK: a FIFO without a reader must not hang the shell; with one
     * (wireshark -k -i FIFO) it is written as a file, by the writer. */
    if ((file = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NONBLOCK, 0644)) < 0) {
        if (errno == ENXIO)
            nr_err(err, errlen, "%s: a FIFO nobody reads yet (start the reader first, e.g. "
                   "wireshark -k -i %s)", path, path);
        else
            nr_err(err, errlen, "%s: %s", path, strerror(errno));
        goto fail;
    }
    fcntl(file, F_SETFL, fcntl(file, F_GETFL) & ~O_NONBLOCK);
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
        nr_err(err, errlen, "socketpair: %s", strerror(errno));
        goto fail;
    }
    fflush(NULL);   /* nothing buffered is written twice */
    f->pid = fork();
    if (f->pid < 0) {
        nr_err(err, errlen, "cannot start the file's writer: %s", strerror(errno));
        goto fail;
    }
    if (f->pid == 0)
        writer_main(f->s, sv[1], file, ifname, snaplen, bufsize, limit);
    close(sv[1]);
    close(file);
    f->ctl = sv[0];
    if (hear(f->ctl) == 'R')
        return f;
    *perm = f->s->perm;
    nr_err(err, errlen, "%s", f->s->err[0] ? f->s->err : "the file's writer ended");
    close(f->ctl);
    while (waitpid(f->pid, NULL, 0) < 0 && errno == EINTR)
        ;
    munmap(f->s, sizeof *f->s);
    free(f);
    return NULL;
fail:
    if (sv[0] >= 0)
        close(sv[0]), close(sv[1]);
    if (file >= 0)
        close(file);
    munmap(f->s, sizeof *f->s);
    free(f);
    return NULL;
}

int nr_pcapfile_filter(struct nr_pcapfile *f, const char *filter, char *err, size_t errlen)
{
    snprintf(f->s->filter, sizeof f->s->filter, "%s", filter);
    say(f->ctl, 'S');
    if (hear(f->ctl) != 'A')
        return nr_err(err, errlen, "the capture file's writer ended");
    if (f->s->filter_rc < 0)
        return nr_err(err, errlen, "%s", f->s->err);
    return 0;
}

void nr_pcapfile_flush(struct nr_pcapfile *f)
{
    say(f->ctl, 'F');
}

int nr_pcapfile_close(struct nr_pcapfile *f, uint64_t *packets, uint64_t *drops, char *err,
                      size_t errlen)
{
    int st = 0, rc = 0;
    say(f->ctl, 'Q');
    while (waitpid(f->pid, &st, 0) < 0 && errno == EINTR)
        ;
    close(f->ctl);
    *packets = f->s->packets;
    *drops = f->s->drops;
    if (f->s->file_failed)
        rc = nr_err(err, errlen, "the capture file is incomplete: %s",
                    strerror(f->s->file_failed));
    else if (!WIFEXITED(st) || WEXITSTATUS(st))
        rc = nr_err(err, errlen, "the capture file is incomplete: its writer ended");
    munmap(f->s, sizeof *f->s);
    free(f);
    return rc;
}
