/* lib/session_impl — the inside of a session, shared by the files that
 * implement lib/session and by no one else (the build checks it: see
 * `make layering`). Outside lib/, struct nr_session is opaque and sessions
 * are used through the operations of lib/session.h.
 *   lib/session.c       the id table, closing, getters, state names
 *   lib/session_io.c    interest, the read and write paths, the buffer budget
 *   lib/session_svc.c   echo/daytime/discard, UDP loop guard and rate limit
 *   lib/session_open.c  dial, listen, accept (back-off, client limit) */
#ifndef NR_SESSION_IMPL_H
#define NR_SESSION_IMPL_H

#include "lib/session.h"
#include "lib/tls.h"

#include <sys/types.h>

enum {
    READ_CHUNK = 65536,
    ECHO_BACKLOG = 256 * 1024,   /* served echo stops reading above this */
    ACCEPT_BURST = 64,           /* accepts per readiness event */
    DGRAM_BURST = 64,
    DGRAM_MAXQ = 65536,          /* queued datagrams, whatever their size */
    RETRY_US = 100000,           /* EMFILE: try accepting again after this */
    /* Over the shell's budget, a session with nothing buffered may still
     * read this much, so peers that never read cannot starve the others. */
    BUDGET_GRACE = 4096,
    /* Accepted sessions nobody used whose socket was given back stay listed
     * ("closed by peer") up to this many; older ones are forgotten, so a
     * connect/close storm costs neither descriptors nor unbounded memory. */
    RELEASED_KEEP = 256,
    /* What a queued datagram costs besides its bytes (counted in the budget). */
    DGRAM_OVERHEAD = (int)sizeof(struct nr_dgram),
};

/* Why a session does not read (a listener: does not accept). */
enum nr_pause {
    PAUSE_NONE,
    PAUSE_FULL,      /* its own buffer is at its bound (echo: its backlog) */
    PAUSE_BUDGET,    /* the shell's buffer budget is spent */
    PAUSE_NOFD,      /* listener: EMFILE/ENFILE, retried on a timer */
    PAUSE_CLIENTS,   /* listener: at its maximum of clients */
};

struct nr_rate;   /* service listener: per-source answer buckets (session_svc.c) */

struct nr_session {
    int id;                  /* > 0 in the table; 0 for served connections */
    int fd;                  /* -1 once released (peer gone, nothing to read) */
    struct nr_net net;       /* as the user named it ("tcp4", "udp", "unix") */
    enum nr_role role;
    enum nr_service svc;
    struct sockaddr_storage local, remote;
    socklen_t local_len, remote_len;   /* remote_len 0: no peer (listener) */
    bool connecting;         /* non-blocking connect in progress */
    bool rd_shut, wr_shut;   /* shutdown(2) done by us */
    bool peer_eof;           /* the peer closed its side */
    bool claimed;            /* accepted: already returned by `accept` */
    bool kept;               /* a command used it: its fd is kept until close */
    bool unlink_path;        /* unix listener: remove the file at close */
    bool counted;            /* accepted: counts as a client of its listener */
    enum nr_pause pause;     /* reading (accepting) stopped, and why */
    int err;                 /* errno of the last socket error, 0 none */
    int listener;            /* accepted/served: the listener's id */
    uint64_t bytes_in, bytes_out, drops;
    struct nr_buf in;        /* unread stream bytes */
    struct nr_buf out;       /* bytes sent but not yet written to the socket */
    size_t out_off;          /* ... of which out.p[0..out_off) are written */
    uint64_t retry_timer;    /* listener paused by EMFILE: resume timer */
    struct nr_dgram *dq_head, *dq_tail;   /* unread datagrams */
    size_t dq_count, dq_bytes;
    size_t held;             /* what it counts in the shell's budget now */
    int64_t created_us;
    int64_t timeout_us;      /* default wait for commands on this session */
    unsigned clients;        /* listener: accepted sessions holding an fd */
    unsigned max_clients;    /* listener: accept no more than this at once */
    unsigned served_active;  /* service listener: clients connected now */
    uint64_t served_total;   /* ... and since it started */
    struct nr_rate *rate;    /* UDP service listener: answers per source */
    struct nr_session *parent;          /* served: its listener */
    struct nr_session *snext, *sprev;   /* served: siblings */
    struct nr_session *served;          /* service listener: its clients */
    struct nr_session *bnext, *bprev;   /* paused for the budget: the others */
    nr_sess_tap_fn tap;      /* trace: sees the bytes (session_tap.c) */
    void *tap_arg;
    struct nr_sessions *tab;
    /* TLS (lib/session_tls.c): the connection, a listener's context, the
     * handshake in progress, how the peer closed, the read-again timer. */
    struct nr_tls *tls;
    struct nr_tls_ctx *tls_ctx;
    bool tls_hs, tls_notify, tls_trunc;
    uint64_t tls_kick;
};

struct nr_sessions {
    struct nr_loop *loop;
    nr_sess_event_fn fn;
    void *arg;
    struct nr_session **v;   /* sorted by id */
    size_t n, cap;
    int next_id;
    size_t held;             /* bytes counted against the budget, all sessions */
    size_t budget;           /* ... at most (then reading pauses) */
    bool budget_hit;         /* reported; cleared once back under */
    struct nr_session *bpaused;   /* sessions paused for the budget */
    unsigned max_clients;    /* default for new listeners */
    size_t released;         /* forgettable sessions listed (see RELEASED_KEEP) */
    struct nr_tls_trust *trust;   /* the system's trusted certificates, once read */
};

/* session.c */
struct nr_session *sess_new(struct nr_sessions *t, const struct nr_net *net, int fd,
                            enum nr_role role);
int table_insert(struct nr_sessions *t, struct nr_session *s);
void table_remove(struct nr_sessions *t, struct nr_session *s);
void emit(struct nr_session *s, enum nr_sess_event ev, size_t n);

/* session_io.c */
void on_io(struct nr_loop *loop, int fd, unsigned rev, void *arg);
void update_events(struct nr_session *s);
size_t out_pending(const struct nr_session *s);
/* Queues p[0..n) for writing and writes what the socket takes. Returns 0,
 * or -1 after an error (a served connection is then closed). */
int queue_out(struct nr_session *s, const void *p, size_t n);
int write_failed(struct nr_session *s, int e);
void count_out(struct nr_session *s, size_t n);
/* Recounts s's share of the budget (call after its buffers change). */
void account(struct nr_session *s);
/* How much s may take in now within the budget (SIZE_MAX: no limit). */
size_t budget_room(const struct nr_session *s);
/* Stops s reading until the budget has room again. */
void budget_pause(struct nr_session *s);
void budget_unlink(struct nr_session *s);
/* Closes the fd of a session whose peer is gone and that holds nothing. */
void sess_release_fd(struct nr_session *s);
/* An accepted session no command used whose socket is gone: may be
 * forgotten (closed) when too many such are listed. */
bool sess_forgettable(const struct nr_session *s);

/* session_svc.c */
void served_start(struct nr_session *l, struct nr_session *c);
void serve_data(struct nr_session *s, const unsigned char *p, size_t n);
void serve_dgram(struct nr_session *s, const unsigned char *p, size_t n,
                 const struct sockaddr *from, socklen_t fromlen);
void rate_free(struct nr_session *s);

/* session_tls.c: the TLS side of the read and write paths (plain
 * send/recv conventions: -1 with errno EAGAIN to wait, 0 end of stream). */
unsigned tls_events(struct nr_session *s);
void tls_step(struct nr_session *s);
ssize_t tls_send(struct nr_session *s, const void *p, size_t n);
ssize_t tls_recv(struct nr_session *s, void *buf, size_t n);
void tls_accepted(struct nr_session *l, struct nr_session *c);
void tls_close(struct nr_session *s);
/* session_tap.c: calls the trace tap, if any (cheap when there is none). */
void sess_tap(struct nr_session *s, enum nr_tap_dir dir, const void *p, size_t n);

/* session_open.c */
void accept_ready(struct nr_session *l);
/* A client of listener lid left (closed or released): count it, and
 * resume accepting if the listener was at its maximum. */
void client_gone(struct nr_sessions *t, int lid);
/* Accepts again if the listener was at its maximum and now is not. */
void listener_resume(struct nr_session *l);

#endif
