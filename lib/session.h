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
/* The whole shell's buffers (unread bytes, queued datagrams, service
 * backlogs) by default: past it, sessions that hold data stop reading. */
#define NR_SESS_BUDGET ((size_t)64 << 20)
/* Connections a listener keeps at once by default (accepted sessions that
 * still hold a descriptor, or served clients); then it pauses accepting. */
#define NR_SESS_MAXCLIENTS 1024u

enum nr_role { NR_ROLE_DIAL, NR_ROLE_LISTEN, NR_ROLE_ACCEPTED, NR_ROLE_SERVED };
enum nr_service { NR_SVC_NONE, NR_SVC_ECHO, NR_SVC_DAYTIME, NR_SVC_DISCARD };

/* Events reported to the table's callback. */
enum nr_sess_event {
    NR_SEV_ACCEPTED,   /* s is the new session (nr_sess_listener(s) names it) */
    NR_SEV_DATA,       /* n bytes (or one datagram of n bytes) arrived on s */
    NR_SEV_EOF,        /* the peer closed (FIN) */
    NR_SEV_ERROR,      /* nr_sess_error(s) holds the errno */
    NR_SEV_FULL,       /* s holds NR_SESS_BUFMAX unread: reading paused */
    NR_SEV_BUDGET,     /* the shell's budget is spent (n: the budget); s was
                        * the first to pause; reported once until back under */
    NR_SEV_LIMIT,      /* listener s has n clients: accepting paused */
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
/* Opaque outside lib/ (its inside: lib/session_impl.h, for lib/session*.c
 * only). A session pointer stays valid until nr_sess_close() or
 * nr_sessions_free(); a served connection is never handed out. */
struct nr_session;

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
 * connecting (nr_sess_connecting): run the loop until that clears, then
 * nr_sess_error() says how it went. Returns the session (in the table under id) or NULL with
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
/* ip4:PROTO sessions: one datagram p[0..n) that starts with the IPv4 header
 * the user wrote (IP_HDRINCL; the kernel still fills in the total length,
 * the header checksum, and the id and source when they are 0), to `to` or,
 * when NULL, to the connected peer. Returns 0 or -1 with err. */
int nr_sess_send_hdrincl(struct nr_session *s, const void *p, size_t n,
                         const struct sockaddr *to, socklen_t tolen, char *err, size_t errlen);

/* Drops n bytes from the front of the unread bytes; resumes reading below
 * the bound. */
void nr_sess_consume(struct nr_session *s, size_t n);
/* Takes the oldest datagram (caller frees it with free()), or NULL. */
struct nr_dgram *nr_sess_dgram_pop(struct nr_session *s);

/* how: SHUT_RD, SHUT_WR or SHUT_RDWR. Returns 0 or -1 with err. */
int nr_sess_shutdown(struct nr_session *s, int how, char *err, size_t errlen);
/* Closes and frees s (a service listener closes its clients too). */
void nr_sess_close(struct nr_session *s);

/* The oldest accepted session of listener lid not yet claimed, or NULL. */
struct nr_session *nr_sess_next_accepted(const struct nr_sessions *t, int lid);

/* Marks the oldest accepted connection as returned by `accept`. */
void nr_sess_claim(struct nr_session *s);
/* A command uses s: its descriptor is kept until close, even when the peer
 * has closed and nothing is left to read (unused accepted sessions give
 * theirs back then, so a connect/close storm cannot exhaust descriptors). */
void nr_sess_keep(struct nr_session *s);

/* "connecting", "connected", "listening", "half-closed", "closed by peer",
 * "closed", "error". */
const char *nr_sess_state(const struct nr_session *s);
const char *nr_sess_role(const struct nr_session *s);
const char *nr_sess_service(enum nr_service svc);
int nr_sess_id(const struct nr_session *s);
/* The network as the user named it: "tcp4", "udp", "unix". */
const char *nr_sess_proto(const struct nr_session *s);
/* A raw IP session (ip4:PROTO, ip6:PROTO). */
bool nr_sess_is_raw(const struct nr_session *s);
/* A byte stream (TCP, Unix stream), not datagrams. */
bool nr_sess_is_stream(const struct nr_session *s);
/* The stream bytes buffered on s and not yet read: a pointer valid until
 * the next consume, loop run or close (copy what must outlive a wait), and
 * their count in *len (0: none). */
const unsigned char *nr_sess_peek(const struct nr_session *s, size_t *len);
/* The stream has ended for reading: the peer closed, we shut down reading,
 * or an error. */
bool nr_sess_read_ended(const struct nr_session *s);
/* Bytes received but not yet read (stream bytes or queued datagrams). */
size_t nr_sess_buffered(const struct nr_session *s);

/* ---- what a session is (read-only) ---- */
enum nr_role nr_sess_role_of(const struct nr_session *s);
enum nr_service nr_sess_svc(const struct nr_session *s);
const struct nr_net *nr_sess_net(const struct nr_session *s);
/* Local and remote address; the length is 0 when there is none (a
 * listener's remote, an unbound socket). Pointers live as long as s. */
const struct sockaddr_storage *nr_sess_local(const struct nr_session *s);
socklen_t nr_sess_local_len(const struct nr_session *s);
const struct sockaddr_storage *nr_sess_remote(const struct nr_session *s);
socklen_t nr_sess_remote_len(const struct nr_session *s);
/* accepted/served: the listener's id (0 otherwise). */
int nr_sess_listener(const struct nr_session *s);
int64_t nr_sess_created_us(const struct nr_session *s);

/* ---- its state ---- */
bool nr_sess_connecting(const struct nr_session *s);
bool nr_sess_peer_eof(const struct nr_session *s);
bool nr_sess_rd_shut(const struct nr_session *s);
bool nr_sess_wr_shut(const struct nr_session *s);
/* Not reading (its buffer or the shell's budget is full; a listener: not
 * accepting). */
bool nr_sess_paused(const struct nr_session *s);
/* Why, in words ("full", "budget", "no fd", "clients"), or NULL. */
const char *nr_sess_pause_reason(const struct nr_session *s);
/* The pending socket error (errno value, 0 none); take reads and clears it
 * (ICMP errors on UDP are reported once). */
int nr_sess_error(const struct nr_session *s);
int nr_sess_take_error(struct nr_session *s);
/* The descriptor was given back (peer closed, nothing left to read). */
bool nr_sess_released(const struct nr_session *s);

/* ---- its counters ---- */
struct nr_sess_stats {
    uint64_t bytes_in, bytes_out;
    uint64_t drops;          /* datagrams (or bytes, out of memory) not kept */
    size_t buffered;         /* unread stream bytes or queued datagram bytes */
    size_t datagrams;        /* queued datagrams */
    size_t queued_out;       /* sent but not yet taken by the socket */
    size_t held;             /* what it counts in the shell's budget */
    unsigned clients;        /* listener: connections now (accepted + served) */
    unsigned max_clients;    /* listener: its maximum */
    unsigned served_active;  /* service listener: clients now ... */
    uint64_t served_total;   /* ... and since it started */
    size_t backlog;          /* service listener: its clients' echo backlogs */
};
void nr_sess_stats(const struct nr_session *s, struct nr_sess_stats *st);
/* Queued datagrams. */
size_t nr_sess_dgram_count(const struct nr_session *s);
/* Bytes sent but not yet written to the socket. */
size_t nr_sess_queued_out(const struct nr_session *s);
/* Heap bytes s holds for buffers (unread, queued output, datagrams). */
size_t nr_sess_memory(const struct nr_session *s);
/* Service listener: its first served client, for tests (NULL none). */
struct nr_session *nr_sess_first_served(const struct nr_session *l);

/* ---- its settings ---- */
/* The default wait of commands on s (SetDeadline-like), in microseconds. */
int64_t nr_sess_timeout(const struct nr_session *s);
void nr_sess_set_timeout(struct nr_session *s, int64_t us);
/* Listener: at most n connections at once (0: the shell's default). */
void nr_sess_set_max_clients(struct nr_session *l, unsigned n);

/* Socket options by name (lib/sock: keepalive nodelay rcvbuf sndbuf ttl
 * reuseaddr) and TCP_INFO, on the session's socket. -1 (err filled for
 * set) when not applicable or the descriptor was released. */
int nr_sess_setopt(struct nr_session *s, const char *name, long long v,
                   char *err, size_t errlen);
int nr_sess_getopt(const struct nr_session *s, const char *name, long long *v);
int nr_sess_tcp_info(const struct nr_session *s, struct nr_tcpinfo *ti);

/* ---- TLS (lib/session_tls.c; lib/tls.h says what a connection shows) ---- */
struct nr_tls_ctx;
struct nr_tls;
/* Upgrades a connected TCP session in place (STARTTLS; dial tls after the
 * connect): plaintext received and not read is discarded (*discarded
 * counts it; discarded NULL: a fresh connection, dial tls, whose unread
 * bytes go to the handshake, where plaintext fails as not TLS), then the
 * handshake starts as client or server (host, sni:
 * see nr_tls_new); run the loop until nr_sess_handshaking() clears, then
 * nr_sess_error() says how it went. Returns 0 or -1 with err. */
int nr_sess_starttls(struct nr_session *s, struct nr_tls_ctx *ctx, bool server, const char *host,
                     const char *sni, size_t *discarded, char *err, size_t errlen);
/* The table's cache of the system's trusted certificates (nr_tls_cfg.trust). */
struct nr_tls_trust **nr_sessions_trust(struct nr_sessions *t);
/* Listener: its accepted connections speak TLS with ctx (owned by l now). */
void nr_sess_set_tls_ctx(struct nr_session *l, struct nr_tls_ctx *ctx);
const struct nr_tls_ctx *nr_sess_tls_ctx(const struct nr_session *s);
/* The TLS connection (NULL: plain), valid as long as s. */
const struct nr_tls *nr_sess_tls(const struct nr_session *s);
bool nr_sess_handshaking(const struct nr_session *s);
/* After the peer closed a TLS stream: "close_notify", or words saying it
 * closed without one (possible truncation); NULL otherwise. */
const char *nr_sess_tls_end(const struct nr_session *s);
/* Gives up a TLS handshake still under way (the wait for it timed out:
 * ETIMEDOUT, or was interrupted: ECANCELED): the session is in error, its
 * socket kept until closed. */
void nr_sess_tls_abandon(struct nr_session *s, int err);
/* The session's error in words (a TLS failure's own text). */
const char *nr_sess_strerror(const struct nr_session *s);

/* ---- the whole table ---- */
/* The budget over all sessions' buffers (bytes; 0: the default). */
void nr_sessions_set_budget(struct nr_sessions *t, size_t bytes);
size_t nr_sessions_budget(const struct nr_sessions *t);
/* Bytes counted against it now. */
size_t nr_sessions_held(const struct nr_sessions *t);
/* The client maximum new listeners get (0: the default). */
void nr_sessions_set_max_clients(struct nr_sessions *t, unsigned n);
unsigned nr_sessions_max_clients(const struct nr_sessions *t);

/* ---- taps (trace) ---- */
/* A trace tap sees every byte the session's socket takes or gives, as it
 * happens: dir, the bytes (borrowed for the call), the time (nr_now_us).
 * Served connections have none. fn NULL removes it. The tap must not close
 * s or run the loop. */
enum nr_tap_dir { NR_TAP_SENT, NR_TAP_RECEIVED };
typedef void (*nr_sess_tap_fn)(void *arg, struct nr_session *s, enum nr_tap_dir dir,
                               const void *p, size_t n, int64_t t_us);
void nr_sess_set_tap(struct nr_session *s, nr_sess_tap_fn fn, void *arg);
bool nr_sess_tapped(const struct nr_session *s);

/* The RFC 867 daytime text for now ("Mon Nov 23 19:53:08 2026\r\n"). */
size_t nr_daytime(char *buf, size_t n);

#endif
