/* lib/session — the session table and the socket I/O behind it. Every
 * session's fd is watched by lib/loop with the session as argument; what the
 * socket is interested in follows from its state (update_events). */
#include "lib/session.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>

enum {
    READ_CHUNK = 65536,
    ECHO_BACKLOG = 256 * 1024,   /* served echo stops reading above this */
    ACCEPT_BURST = 64,           /* accepts per readiness event */
    DGRAM_BURST = 64,
    DGRAM_MAXQ = 65536,          /* queued datagrams, whatever their size */
    RETRY_US = 100000,           /* EMFILE: try accepting again after this */
};

struct nr_sessions {
    struct nr_loop *loop;
    nr_sess_event_fn fn;
    void *arg;
    struct nr_session **v;   /* sorted by id */
    size_t n, cap;
    int next_id;
};

static void on_io(struct nr_loop *loop, int fd, unsigned rev, void *arg);

struct nr_sessions *nr_sessions_new(struct nr_loop *loop, nr_sess_event_fn fn, void *arg)
{
    struct nr_sessions *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->loop = loop;
    t->fn = fn;
    t->arg = arg;
    t->next_id = 1;
    return t;
}

void nr_sessions_free(struct nr_sessions *t)
{
    if (!t)
        return;
    while (t->n)
        nr_sess_close(t->v[t->n - 1]);
    free(t->v);
    free(t);
}

/* ---- the table ---- */

static size_t find_pos(const struct nr_sessions *t, int id)
{
    size_t lo = 0, hi = t->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (t->v[mid]->id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

struct nr_session *nr_sess_get(const struct nr_sessions *t, int id)
{
    size_t i = find_pos(t, id);
    return i < t->n && t->v[i]->id == id ? t->v[i] : NULL;
}

size_t nr_sess_count(const struct nr_sessions *t)
{
    return t->n;
}

struct nr_session *nr_sess_at(const struct nr_sessions *t, size_t i)
{
    return i < t->n ? t->v[i] : NULL;
}

int nr_sess_reserve_id(struct nr_sessions *t)
{
    return t->next_id++;
}

void nr_sess_release_id(struct nr_sessions *t, int id)
{
    if (id == t->next_id - 1 && !nr_sess_get(t, id))
        t->next_id--;
}

static int table_insert(struct nr_sessions *t, struct nr_session *s)
{
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 16;
        struct nr_session **v = realloc(t->v, cap * sizeof *v);
        if (!v)
            return -1;
        t->v = v;
        t->cap = cap;
    }
    size_t i = find_pos(t, s->id);
    memmove(t->v + i + 1, t->v + i, (t->n - i) * sizeof *t->v);
    t->v[i] = s;
    t->n++;
    return 0;
}

static void table_remove(struct nr_sessions *t, struct nr_session *s)
{
    size_t i = find_pos(t, s->id);
    if (i < t->n && t->v[i] == s) {
        memmove(t->v + i, t->v + i + 1, (t->n - i - 1) * sizeof *t->v);
        t->n--;
    }
}

static struct nr_session *sess_new(struct nr_sessions *t, const struct nr_net *net,
                                   int fd, enum nr_role role)
{
    struct nr_session *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->fd = fd;
    s->net = *net;
    s->role = role;
    s->tab = t;
    s->created_us = nr_now_us();
    s->timeout_us = NR_SESS_TIMEOUT_US;
    s->local_len = sizeof s->local;
    if (getsockname(fd, (struct sockaddr *)&s->local, &s->local_len) < 0)
        s->local_len = 0;
    return s;
}

static void emit(struct nr_session *s, enum nr_sess_event ev, size_t n)
{
    if (s->id > 0 && s->tab->fn)
        s->tab->fn(s->tab->arg, s, ev, n);
}

/* ---- interest ---- */

static bool is_stream(const struct nr_session *s)
{
    return s->net.type == SOCK_STREAM;
}

static size_t out_pending(const struct nr_session *s)
{
    return s->out.len - s->out_off;
}

static void update_events(struct nr_session *s)
{
    unsigned ev = 0;
    if (s->connecting) {
        ev = NR_EV_WRITE;
    } else if (s->role == NR_ROLE_LISTEN && is_stream(s)) {
        ev = s->paused ? 0 : NR_EV_READ;
    } else {
        bool dead = is_stream(s) && (s->err || s->peer_eof || s->rd_shut);
        if (!dead && !s->paused)
            ev |= NR_EV_READ;
        if (out_pending(s) && !(is_stream(s) && s->err))
            ev |= NR_EV_WRITE;
    }
    /* No interest: leave epoll entirely, or a hung-up socket (HUP and ERR
     * are reported whatever the interest) would wake the loop forever. */
    if (ev)
        nr_loop_watch(s->tab->loop, s->fd, ev, on_io, s);
    else
        nr_loop_unwatch(s->tab->loop, s->fd);
}

/* ---- closing ---- */

static void free_dgrams(struct nr_session *s)
{
    struct nr_dgram *d = s->dq_head;
    while (d) {
        struct nr_dgram *next = d->next;
        free(d);
        d = next;
    }
    s->dq_head = s->dq_tail = NULL;
    s->dq_count = s->dq_bytes = 0;
}

static void unlink_served(struct nr_session *s)
{
    struct nr_session *p = s->parent;
    if (!p)
        return;
    if (s->sprev)
        s->sprev->snext = s->snext;
    else
        p->served = s->snext;
    if (s->snext)
        s->snext->sprev = s->sprev;
    p->served_active--;
    s->parent = NULL;
}

void nr_sess_close(struct nr_session *s)
{
    while (s->served)
        nr_sess_close(s->served);
    unlink_served(s);
    nr_loop_cancel(s->tab->loop, s->retry_timer);
    nr_loop_unwatch(s->tab->loop, s->fd);
    close(s->fd);
    if (s->unlink_path) {
        const struct sockaddr_un *su = (const struct sockaddr_un *)&s->local;
        unlink(su->sun_path);
    }
    if (s->id > 0)
        table_remove(s->tab, s);
    nr_buf_free(&s->in);
    nr_buf_free(&s->out);
    free_dgrams(s);
    free(s);
}

/* ---- writing ---- */

/* A write failed with errno e. Returns -1 (a served connection is closed
 * and must not be touched). */
static int write_failed(struct nr_session *s, int e)
{
    s->err = e;
    s->out.len = s->out_off = 0;
    if (s->role == NR_ROLE_SERVED) {
        nr_sess_close(s);
        return -1;
    }
    emit(s, NR_SEV_ERROR, 0);
    update_events(s);
    return -1;
}

static void count_out(struct nr_session *s, size_t n)
{
    s->bytes_out += (uint64_t)n;
    if (s->parent)
        s->parent->bytes_out += (uint64_t)n;
}

/* Writes pending output. Returns 0, or -1 after an error (s->err set; a
 * served connection is closed and must not be touched). */
static int flush(struct nr_session *s)
{
    while (out_pending(s)) {
        ssize_t n = send(s->fd, s->out.p + s->out_off, out_pending(s), MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        if (n < 0)
            return write_failed(s, errno);
        s->out_off += (size_t)n;
        count_out(s, (size_t)n);
    }
    if (!out_pending(s)) {
        s->out.len = s->out_off = 0;
        /* A drained backlog gives its memory back: a served client holds
         * a buffer only while its socket will not take the echo, and a
         * session only what a normal send needs. */
        if (s->role == NR_ROLE_SERVED || s->out.cap > READ_CHUNK * 2)
            nr_buf_free(&s->out);
    } else if (s->out_off > s->out.len / 2) {
        nr_buf_consume(&s->out, s->out_off);
        s->out_off = 0;
    }
    return 0;
}

bool nr_sess_flushed(const struct nr_session *s)
{
    return out_pending(s) == 0 || (is_stream(s) && s->err);
}

static int queue_out(struct nr_session *s, const void *p, size_t n)
{
    if (nr_buf_add(&s->out, p, n) < 0)
        return -1;
    if (flush(s) < 0)
        return -1;
    update_events(s);
    return 0;
}

int nr_sess_send(struct nr_session *s, const void *p, size_t n, char *err, size_t errlen)
{
    if (s->role == NR_ROLE_LISTEN)
        return nr_err(err, errlen, is_stream(s) ? "is a listener: send on an accepted "
                      "session instead" : "is an unconnected UDP socket: use --to ADDR");
    if (s->connecting)
        return nr_err(err, errlen, "still connecting");
    if (s->wr_shut)
        return nr_err(err, errlen, "closed for writing (shutdown write)");
    if (is_stream(s) && s->err)
        return nr_err(err, errlen, "%s", nr_sock_strerror(s->err));
    if (!is_stream(s)) {
        ssize_t r = send(s->fd, p, n, MSG_NOSIGNAL);
        if (r < 0)
            return nr_err(err, errlen, "%s", nr_sock_strerror(errno));
        s->bytes_out += (uint64_t)r;
        return 0;
    }
    if (queue_out(s, p, n) < 0)
        return nr_err(err, errlen, "%s", s->err ? nr_sock_strerror(s->err) : "out of memory");
    return 0;
}

int nr_sess_sendto(struct nr_session *s, const void *p, size_t n,
                   const struct sockaddr *sa, socklen_t len, char *err, size_t errlen)
{
    if (is_stream(s))
        return nr_err(err, errlen, "--to is for UDP sockets (this one is %s)", s->net.name);
    ssize_t r = sendto(s->fd, p, n, MSG_NOSIGNAL, sa, len);
    if (r < 0)
        return nr_err(err, errlen, "%s", nr_sock_strerror(errno));
    s->bytes_out += (uint64_t)r;
    return 0;
}

/* ---- reading ---- */

void nr_sess_consume(struct nr_session *s, size_t n)
{
    nr_buf_consume(&s->in, n);
    if (s->in.len == 0 && s->in.cap > READ_CHUNK * 2)
        nr_buf_free(&s->in);   /* a drained flood gives its memory back */
    if (s->paused && s->in.len < NR_SESS_BUFMAX) {
        s->paused = false;
        update_events(s);
    }
}

struct nr_dgram *nr_sess_dgram_pop(struct nr_session *s)
{
    struct nr_dgram *d = s->dq_head;
    if (!d)
        return NULL;
    s->dq_head = d->next;
    if (!s->dq_head)
        s->dq_tail = NULL;
    s->dq_count--;
    s->dq_bytes -= d->len;
    d->next = NULL;
    return d;
}

size_t nr_sess_buffered(const struct nr_session *s)
{
    return is_stream(s) ? s->in.len : s->dq_bytes;
}

/* A served connection's share of the work: echo, discard. */
static void serve_data(struct nr_session *s, const unsigned char *p, size_t n)
{
    s->parent->bytes_in += n;
    if (s->svc != NR_SVC_ECHO)
        return;
    if (!out_pending(s)) {
        /* Nothing queued: echo straight from the read buffer; only what
         * the socket does not take is copied into s->out. */
        ssize_t w = send(s->fd, p, n, MSG_NOSIGNAL);
        if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
            write_failed(s, errno);
            return;   /* closed */
        }
        if (w > 0) {
            count_out(s, (size_t)w);
            p += w;
            n -= (size_t)w;
        }
        if (n == 0)
            return;
    }
    if (queue_out(s, p, n) < 0)
        return;   /* closed */
    if (out_pending(s) > ECHO_BACKLOG) {
        s->paused = true;   /* resumes when flushed (on_io) */
        update_events(s);
    }
}

static void read_stream(struct nr_session *s)
{
    unsigned char buf[READ_CHUNK];
    size_t room = s->role == NR_ROLE_SERVED ? sizeof buf : NR_SESS_BUFMAX - s->in.len;
    if (room == 0) {
        s->paused = true;
        update_events(s);
        return;
    }
    ssize_t n = recv(s->fd, buf, room < sizeof buf ? room : sizeof buf, 0);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return;
    if (n <= 0 && s->role == NR_ROLE_SERVED) {
        if (n == 0 && out_pending(s)) {
            s->peer_eof = true;   /* close once the echo is written */
            update_events(s);
        } else {
            nr_sess_close(s);
        }
        return;
    }
    if (n < 0) {
        s->err = errno;
        update_events(s);
        emit(s, NR_SEV_ERROR, 0);
        return;
    }
    if (n == 0) {
        s->peer_eof = true;
        update_events(s);
        emit(s, NR_SEV_EOF, 0);
        return;
    }
    s->bytes_in += (uint64_t)n;
    if (s->role == NR_ROLE_SERVED) {
        serve_data(s, buf, (size_t)n);
        return;
    }
    if (nr_buf_add(&s->in, buf, (size_t)n) < 0) {
        s->drops += (uint64_t)n;   /* out of memory: count, as for UDP */
        return;
    }
    if (s->in.len >= NR_SESS_BUFMAX) {
        s->paused = true;
        update_events(s);
    }
    emit(s, NR_SEV_DATA, (size_t)n);
}

size_t nr_daytime(char *buf, size_t n)
{
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    return strftime(buf, n, "%a %b %e %H:%M:%S %Y\r\n", &tm);
}

/* A datagram on a service listener: answer it at once. */
static void serve_dgram(struct nr_session *s, const unsigned char *p, size_t n,
                        const struct sockaddr *from, socklen_t fromlen)
{
    char day[64];
    const void *reply = p;
    size_t rlen = n;
    if (s->svc == NR_SVC_DISCARD)
        return;
    if (s->svc == NR_SVC_DAYTIME) {
        rlen = nr_daytime(day, sizeof day);
        reply = day;
    }
    ssize_t r = sendto(s->fd, reply, rlen, MSG_NOSIGNAL | MSG_DONTWAIT, from, fromlen);
    if (r > 0)
        s->bytes_out += (uint64_t)r;
    s->served_total++;
}

static void queue_dgram(struct nr_session *s, const unsigned char *p, size_t n,
                        const struct sockaddr_storage *from, socklen_t fromlen)
{
    struct nr_dgram *d;
    if (s->dq_bytes + n > NR_SESS_BUFMAX || s->dq_count >= DGRAM_MAXQ ||
        !(d = malloc(sizeof *d + n))) {
        s->drops++;
        return;
    }
    d->next = NULL;
    d->from = *from;
    d->fromlen = fromlen;
    d->len = n;
    memcpy(d->data, p, n);
    if (s->dq_tail)
        s->dq_tail->next = d;
    else
        s->dq_head = d;
    s->dq_tail = d;
    s->dq_count++;
    s->dq_bytes += n;
    emit(s, NR_SEV_DATA, n);
}

static void read_dgrams(struct nr_session *s)
{
    unsigned char buf[READ_CHUNK];
    for (int i = 0; i < DGRAM_BURST; i++) {
        struct sockaddr_storage from;
        socklen_t fromlen = sizeof from;
        ssize_t n = recvfrom(s->fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &fromlen);
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            /* ICMP errors on UDP (port unreachable...): reported, not fatal. */
            s->err = errno;
            emit(s, NR_SEV_ERROR, 0);
            continue;
        }
        s->bytes_in += (uint64_t)n;
        if (s->svc != NR_SVC_NONE)
            serve_dgram(s, buf, (size_t)n, (struct sockaddr *)&from, fromlen);
        else
            queue_dgram(s, buf, (size_t)n, &from, fromlen);
    }
}

/* ---- accepting ---- */

static void on_retry(struct nr_loop *loop, void *arg)
{
    struct nr_session *s = arg;
    s->retry_timer = 0;
    s->paused = false;
    update_events(s);
}

/* The listener cannot take more fds: stop watching it for a while (the
 * pending connection would wake the loop forever) and report once. */
static void accept_pause(struct nr_session *s, int e)
{
    bool first = !s->paused;
    s->paused = true;
    s->err = e;
    update_events(s);
    s->retry_timer = nr_loop_timer(s->tab->loop, nr_now_us() + RETRY_US, on_retry, s);
    if (first)
        emit(s, NR_SEV_ERROR, 0);
}

static void served_start(struct nr_session *l, struct nr_session *c)
{
    c->parent = l;
    c->svc = l->svc;
    c->listener = l->id;
    c->snext = l->served;
    if (l->served)
        l->served->sprev = c;
    l->served = c;
    l->served_active++;
    l->served_total++;
    if (l->svc == NR_SVC_DAYTIME) {
        char day[64];
        size_t n = nr_daytime(day, sizeof day);
        if (queue_out(c, day, n) < 0)
            return;
        /* Written at once on a fresh connection; the close ends the reply. */
        if (nr_sess_flushed(c)) {
            nr_sess_close(c);
            return;
        }
        c->peer_eof = true;   /* close when flushed */
    }
}

static int accept_one(struct nr_session *l)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    int fd = accept4(l->fd, (struct sockaddr *)&ss, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0)
        return -1;
    bool served = l->svc != NR_SVC_NONE;
    struct nr_session *c = sess_new(l->tab, &l->net, fd, served ? NR_ROLE_SERVED
                                                                  : NR_ROLE_ACCEPTED);
    if (c && !served)
        c->id = l->tab->next_id;
    if (!c || nr_loop_watch(l->tab->loop, fd, NR_EV_READ, on_io, c) < 0 ||
        (!served && table_insert(l->tab, c) < 0)) {
        if (c)
            nr_loop_unwatch(l->tab->loop, fd);
        free(c);
        close(fd);
        errno = ENOMEM;
        return -1;
    }
    c->remote = ss;
    c->remote_len = len;
    c->listener = l->id;
    if (served) {
        served_start(l, c);
        return 0;
    }
    l->tab->next_id++;
    emit(c, NR_SEV_ACCEPTED, 0);
    return 0;
}

static void accept_ready(struct nr_session *l)
{
    for (int i = 0; i < ACCEPT_BURST; i++) {
        if (accept_one(l) == 0)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return;
        if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
            accept_pause(l, errno);
            return;
        }
        /* ECONNABORTED, EINTR, EPROTO...: that one is gone, go on. */
    }
}

/* ---- the loop callback ---- */

static void connect_done(struct nr_session *s)
{
    s->connecting = false;
    s->err = nr_sock_error(s->fd);
    if (!s->err) {
        s->local_len = sizeof s->local;
        getsockname(s->fd, (struct sockaddr *)&s->local, &s->local_len);
    }
    update_events(s);
}

static void on_io(struct nr_loop *loop, int fd, unsigned rev, void *arg)
{
    struct nr_session *s = arg;
    if (s->connecting) {
        connect_done(s);
        return;
    }
    if (s->role == NR_ROLE_LISTEN && is_stream(s)) {
        accept_ready(s);
        return;
    }
    if ((rev & NR_EV_WRITE) && out_pending(s)) {
        if (flush(s) < 0)
            return;
        if (s->role == NR_ROLE_SERVED && !out_pending(s)) {
            if (s->peer_eof) {
                nr_sess_close(s);
                return;
            }
            s->paused = false;
        }
        update_events(s);
    }
    if (!(rev & (NR_EV_READ | NR_EV_ERROR)))
        return;
    if (is_stream(s)) {
        if (!s->paused && !s->peer_eof && !s->rd_shut && !s->err)
            read_stream(s);
    } else {
        read_dgrams(s);
    }
}

/* ---- creating ---- */

static struct nr_session *sess_open_fail(int fd, int *errnum, char *err, size_t errlen,
                                         const char *what)
{
    int e = errno;
    if (fd >= 0)
        close(fd);
    if (errnum)
        *errnum = e;
    nr_err(err, errlen, "%s%s", what, nr_sock_strerror(e));
    errno = e;
    return NULL;
}

static int sess_add(struct nr_sessions *t, struct nr_session *s, unsigned ev)
{
    if (table_insert(t, s) < 0)
        return -1;
    if (nr_loop_watch(t->loop, s->fd, ev, on_io, s) < 0) {
        table_remove(t, s);
        return -1;
    }
    return 0;
}

struct nr_session *nr_sess_dial(struct nr_sessions *t, int id, const struct nr_net *net,
                                const struct sockaddr *sa, socklen_t len,
                                const struct sockaddr *from, socklen_t fromlen,
                                int *errnum, char *err, size_t errlen)
{
    int fd = nr_sock_open(sa->sa_family, net->type);
    if (fd < 0)
        return sess_open_fail(-1, errnum, err, errlen, "socket: ");
    if (from && bind(fd, from, fromlen) < 0)
        return sess_open_fail(fd, errnum, err, errlen, "bind: ");
    int r = nr_sock_connect(fd, sa, len);
    if (r < 0)
        return sess_open_fail(fd, errnum, err, errlen, "");
    struct nr_session *s = sess_new(t, net, fd, NR_ROLE_DIAL);
    if (!s) {
        errno = ENOMEM;
        return sess_open_fail(fd, errnum, err, errlen, "");
    }
    s->id = id;
    s->connecting = r == 1;
    memcpy(&s->remote, sa, len);
    s->remote_len = len;
    if (sess_add(t, s, s->connecting ? NR_EV_WRITE : NR_EV_READ) < 0) {
        free(s);
        errno = ENOMEM;
        return sess_open_fail(fd, errnum, err, errlen, "");
    }
    return s;
}

static int listen_opts(int fd, const struct nr_net *net, int family)
{
    int one = 1, v6only = net->family == AF_INET6;
    if (family == AF_UNIX)
        return 0;
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0)
        return -1;
    if (family == AF_INET6 &&
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only) < 0)
        return -1;
    return 0;
}

struct nr_session *nr_sess_listen(struct nr_sessions *t, const struct nr_net *net,
                                  const struct sockaddr *sa, socklen_t len, int backlog,
                                  enum nr_service svc, char *err, size_t errlen)
{
    int fd = nr_sock_open(sa->sa_family, net->type);
    if (fd < 0)
        return sess_open_fail(-1, NULL, err, errlen, "socket: ");
    if (listen_opts(fd, net, sa->sa_family) < 0 || bind(fd, sa, len) < 0)
        return sess_open_fail(fd, NULL, err, errlen, "");
    bool made_file = sa->sa_family == AF_UNIX &&
                     ((const struct sockaddr_un *)sa)->sun_path[0] != 0;
    if (net->type == SOCK_STREAM && listen(fd, backlog > 0 ? backlog : SOMAXCONN) < 0) {
        int e = errno;
        if (made_file)
            unlink(((const struct sockaddr_un *)sa)->sun_path);
        errno = e;
        return sess_open_fail(fd, NULL, err, errlen, "");
    }
    struct nr_session *s = sess_new(t, net, fd, NR_ROLE_LISTEN);
    if (s) {
        s->id = t->next_id;
        s->svc = svc;
        s->unlink_path = made_file;
    }
    if (!s || sess_add(t, s, NR_EV_READ) < 0) {
        if (made_file)
            unlink(((const struct sockaddr_un *)sa)->sun_path);
        free(s);
        errno = ENOMEM;
        return sess_open_fail(fd, NULL, err, errlen, "");
    }
    t->next_id++;
    return s;
}

/* ---- state ---- */

int nr_sess_shutdown(struct nr_session *s, int how, char *err, size_t errlen)
{
    if (s->role == NR_ROLE_LISTEN)
        return nr_err(err, errlen, "is a listener (close it instead)");
    if (how != SHUT_RD && out_pending(s))
        return nr_err(err, errlen, "%zu %s still being sent; try again", out_pending(s),
                      out_pending(s) == 1 ? "byte is" : "bytes are");
    if (shutdown(s->fd, how) < 0)
        return nr_err(err, errlen, "%s", nr_sock_strerror(errno));
    if (how != SHUT_WR)
        s->rd_shut = true;
    if (how != SHUT_RD)
        s->wr_shut = true;
    update_events(s);
    return 0;
}

struct nr_session *nr_sess_next_accepted(const struct nr_sessions *t, int lid)
{
    for (size_t i = 0; i < t->n; i++) {
        struct nr_session *s = t->v[i];
        if (s->role == NR_ROLE_ACCEPTED && s->listener == lid && !s->claimed)
            return s;
    }
    return NULL;
}

const char *nr_sess_state(const struct nr_session *s)
{
    if (s->connecting)
        return "connecting";
    if (s->role == NR_ROLE_LISTEN)
        return s->paused && s->err ? "paused: no fd" : "listening";
    if (s->err)
        return "error";
    if ((s->peer_eof || s->rd_shut) && s->wr_shut)
        return "closed";
    if (s->peer_eof)
        return "closed by peer";
    if (s->wr_shut || s->rd_shut)
        return "half-closed";
    return "connected";
}

const char *nr_sess_role(const struct nr_session *s)
{
    static const char *const names[] = { "dial", "listen", "accepted", "served" };
    return names[s->role];
}

const char *nr_sess_service(enum nr_service svc)
{
    static const char *const names[] = { "", "echo", "daytime", "discard" };
    return names[svc];
}

int nr_sess_id(const struct nr_session *s)
{
    return s->id;
}

const char *nr_sess_proto(const struct nr_session *s)
{
    return s->net.name;
}

bool nr_sess_is_stream(const struct nr_session *s)
{
    return s->net.type == SOCK_STREAM;
}

const unsigned char *nr_sess_peek(const struct nr_session *s, size_t *len)
{
    *len = s->in.len;
    return s->in.p;
}

bool nr_sess_read_ended(const struct nr_session *s)
{
    return s->peer_eof || s->rd_shut || s->err;
}

int nr_sess_error(const struct nr_session *s)
{
    return s->err;
}

int64_t nr_sess_timeout(const struct nr_session *s)
{
    return s->timeout_us;
}
