/* lib/session — the session table: every live socket the user dialed,
 * listens on or was accepted, with its addresses, state, byte counts and the
 * data received but not yet read (bounded: NR_SESS_BUFMAX per session, then
 * TCP stops reading and UDP counts drops). Listeners accept by themselves;
 * listeners with a service (echo, daytime, discard) serve their clients
 * internally ("served" connections have id 0 and are not in the table).
 * Sockets live on lib/loop; events go to one callback the shell registers.
 * Never prints. */
#ifndef NR_SESSION_H
#define NR_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "lib/loop.h"
#include "lib/sock.h"
#include "lib/util.h"

#define NR_SESS_BUFMAX ((size_t)1 << 20)   /* unread bytes kept per session */
#define NR_SESS_TIMEOUT_US 5000000         /* default wait for recv/accept/send */

enum nr_role { NR_ROLE_DIAL, NR_ROLE_LISTEN, NR_ROLE_ACCEPTED, NR_ROLE_SERVED };
enum nr_service { NR_SVC_NONE, NR_SVC_ECHO, NR_SVC_DAYTIME, NR_SVC_DISCARD };

/* Events reported to the table's callback. */
enum nr_sess_event {
    NR_SEV_ACCEPTED,   /* s is the new session (s->listener names the listener) */
    NR_SEV_DATA,       /* n bytes (or one datagram of n bytes) arrived on s */
    NR_SEV_EOF,        /* the peer closed (FIN) */
    NR_SEV_ERROR,      /* s->err holds the errno */
};

/* One queued datagram with its source (ReadFrom). */
struct nr_dgram {
    struct nr_dgram *next;
    struct sockaddr_storage from;
    socklen_t fromlen;
    size_t len;
    unsigned char data[];
};

struct nr_sessions;

struct nr_session {
    int id;                  /* > 0 in the table; 0 for served connections */
    int fd;
    struct nr_net net;       /* as the user named it ("tcp4", "udp", "unix") */
    enum nr_role role;
    enum nr_service svc;
    struct sockaddr_storage local, remote;
    socklen_t local_len, remote_len;   /* remote_len 0: no peer (listener) */
    bool connecting;         /* non-blocking connect in progress */
    bool rd_shut, wr_shut;   /* shutdown(2) done by us */
    bool peer_eof;           /* the peer closed its side */
    bool claimed;            /* accepted: already returned by `accept` */
    bool unlink_path;        /* unix listener: remove the file at close */
    bool paused;             /* reading stopped: buffer full (back-pressure) */
    int err;                 /* errno of the last socket error, 0 none */
    int listener;            /* accepted/served: the listener's id */
    uint64_t bytes_in, bytes_out, drops;
    struct nr_buf in;        /* unread stream bytes */
    struct nr_buf out;       /* bytes sent but not yet written to the socket */
    size_t out_off;          /* ... of which out.p[0..out_off) are written */
    uint64_t retry_timer;    /* listener paused by EMFILE: resume timer */
    struct nr_dgram *dq_head, *dq_tail;   /* unread datagrams */
    size_t dq_count, dq_bytes;
    int64_t created_us;
    int64_t timeout_us;      /* default wait for commands on this session */
    unsigned served_active;  /* service listener: clients connected now */
    uint64_t served_total;   /* ... and since it started */
    struct nr_session *parent;          /* served: its listener */
    struct nr_session *snext, *sprev;   /* served: siblings */
    struct nr_session *served;          /* service listener: its clients */
    struct nr_sessions *tab;
};

typedef void (*nr_sess_event_fn)(void *arg, struct nr_session *s,
                                 enum nr_sess_event ev, size_t n);

/* Returns NULL on ENOMEM. Caller frees with nr_sessions_free(), which
 * closes every session. fn may be NULL. */
struct nr_sessions *nr_sessions_new(struct nr_loop *loop, nr_sess_event_fn fn, void *arg);
void nr_sessions_free(struct nr_sessions *t);

/* Lookup by id (NULL when none); sessions in id order by index. */
struct nr_session *nr_sess_get(const struct nr_sessions *t, int id);
size_t nr_sess_count(const struct nr_sessions *t);
struct nr_session *nr_sess_at(const struct nr_sessions *t, size_t i);

/* Ids are handed out in order. A dial reserves its id before connecting (so
 * connections it causes to be accepted number after it); release gives it
 * back when the dial fails and no later id was handed out. */
int nr_sess_reserve_id(struct nr_sessions *t);
void nr_sess_release_id(struct nr_sessions *t, int id);

/* Starts a dial from an optional local address. Stream sockets come back
 * with s->connecting set: run the loop until it clears, then s->err says
 * how it went. Returns the session (in the table under id) or NULL with
 * *errnum and err set. */
struct nr_session *nr_sess_dial(struct nr_sessions *t, int id, const struct nr_net *net,
                                const struct sockaddr *sa, socklen_t len,
                                const struct sockaddr *from, socklen_t fromlen,
                                int *errnum, char *err, size_t errlen);
/* A listener (bound, listening for streams). backlog <= 0: SOMAXCONN. */
struct nr_session *nr_sess_listen(struct nr_sessions *t, const struct nr_net *net,
                                  const struct sockaddr *sa, socklen_t len, int backlog,
                                  enum nr_service svc, char *err, size_t errlen);

/* Queues p[0..n) and writes what the socket takes now; the rest is written
 * as the socket drains (nr_sess_flushed tells when). Returns 0 or -1 with
 * err (closed for writing, peer reset, ...). */
int nr_sess_send(struct nr_session *s, const void *p, size_t n, char *err, size_t errlen);
/* One datagram to sa (WriteTo). Returns 0 or -1 with err. */
int nr_sess_sendto(struct nr_session *s, const void *p, size_t n,
                   const struct sockaddr *sa, socklen_t len, char *err, size_t errlen);
bool nr_sess_flushed(const struct nr_session *s);

/* Drops n bytes from the front of s->in; resumes reading below the bound. */
void nr_sess_consume(struct nr_session *s, size_t n);
/* Takes the oldest datagram (caller frees it with free()), or NULL. */
struct nr_dgram *nr_sess_dgram_pop(struct nr_session *s);

/* how: SHUT_RD, SHUT_WR or SHUT_RDWR. Returns 0 or -1 with err. */
int nr_sess_shutdown(struct nr_session *s, int how, char *err, size_t errlen);
/* Closes and frees s (a service listener closes its clients too). */
void nr_sess_close(struct nr_session *s);

/* The oldest accepted session of listener lid not yet claimed, or NULL. */
struct nr_session *nr_sess_next_accepted(const struct nr_sessions *t, int lid);

/* "connecting", "connected", "listening", "half-closed", "closed by peer",
 * "closed", "error". */
const char *nr_sess_state(const struct nr_session *s);
const char *nr_sess_role(const struct nr_session *s);
const char *nr_sess_service(enum nr_service svc);
int nr_sess_id(const struct nr_session *s);
/* The network as the user named it: "tcp4", "udp", "unix". */
const char *nr_sess_proto(const struct nr_session *s);
/* A byte stream (TCP, Unix stream), not datagrams. */
bool nr_sess_is_stream(const struct nr_session *s);
/* The stream bytes buffered on s and not yet read: a pointer valid until
 * the next consume or loop run, and their count in *len (0: none). */
const unsigned char *nr_sess_peek(const struct nr_session *s, size_t *len);
/* The stream has ended for reading: the peer closed, we shut down reading,
 * or an error. */
bool nr_sess_read_ended(const struct nr_session *s);
/* The pending socket error (errno value, 0 none). */
int nr_sess_error(const struct nr_session *s);
/* The default wait of commands on s (SetDeadline-like), in microseconds. */
int64_t nr_sess_timeout(const struct nr_session *s);
/* Bytes received but not yet read (stream bytes or queued datagrams). */
size_t nr_sess_buffered(const struct nr_session *s);

/* The RFC 867 daytime text for now ("Mon Nov 23 19:53:08 2026\r\n"). */
size_t nr_daytime(char *buf, size_t n);

#endif
