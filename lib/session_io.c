/* lib/session_io — a session's socket I/O: the loop's interest follows the
 * session's state (update_events); the write path queues what the socket
 * does not take; the read path fills the session's buffer up to its bound
 * and within the shell's budget, then stops reading (TCP back-pressure) or
 * counts drops (datagrams). */
#include "lib/session_impl.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static bool is_stream(const struct nr_session *s)
{
    return s->net.type == SOCK_STREAM;
}

size_t out_pending(const struct nr_session *s)
{
    return s->out.len - s->out_off;
}

/* ---- interest ---- */

void update_events(struct nr_session *s)
{
    if (s->fd < 0)
        return;
    unsigned ev = 0;
    if (s->connecting) {
        ev = NR_EV_WRITE;
    } else if (s->tls) {
        ev = tls_events(s);
    } else if (s->role == NR_ROLE_LISTEN && is_stream(s)) {
        ev = s->pause ? 0 : NR_EV_READ;
    } else {
        bool dead = is_stream(s) && (s->err || s->peer_eof || s->rd_shut);
        if (!dead && !s->pause)
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

/* ---- the budget ---- */

/* The budget is shared by every session's unread bytes, queued datagrams
 * (with their bookkeeping) and the echo backlogs of served clients. A
 * session that would go past it stops reading and waits on t->bpaused;
 * when enough is given back (an eighth of the budget, so resuming does not
 * flap), all of them read again. */
void account(struct nr_session *s)
{
    struct nr_sessions *t = s->tab;
    size_t now = s->in.len + s->dq_bytes + s->dq_count * DGRAM_OVERHEAD;
    if (s->role == NR_ROLE_SERVED)
        now += out_pending(s);
    size_t before = s->held;
    t->held = t->held - before + now;
    s->held = now;
    if (now >= before || t->held + t->budget / 8 > t->budget)
        return;
    t->budget_hit = false;
    struct nr_session *p;
    while ((p = t->bpaused)) {
        budget_unlink(p);
        update_events(p);
    }
}

size_t budget_room(const struct nr_session *s)
{
    const struct nr_sessions *t = s->tab;
    if (t->held < t->budget)
        return t->budget - t->held;
    size_t mine = s->role == NR_ROLE_SERVED ? out_pending(s)
                : is_stream(s) ? s->in.len : s->dq_count;
    return mine ? 0 : BUDGET_GRACE;
}

void budget_pause(struct nr_session *s)
{
    struct nr_sessions *t = s->tab;
    if (s->pause == PAUSE_BUDGET)
        return;
    s->pause = PAUSE_BUDGET;
    s->bprev = NULL;
    s->bnext = t->bpaused;
    if (t->bpaused)
        t->bpaused->bprev = s;
    t->bpaused = s;
    update_events(s);
    if (!t->budget_hit) {
        t->budget_hit = true;
        emit(s->parent ? s->parent : s, NR_SEV_BUDGET, t->budget);
    }
}

void budget_unlink(struct nr_session *s)
{
    if (s->pause != PAUSE_BUDGET)
        return;
    if (s->bprev)
        s->bprev->bnext = s->bnext;
    else
        s->tab->bpaused = s->bnext;
    if (s->bnext)
        s->bnext->bprev = s->bprev;
    s->bnext = s->bprev = NULL;
    s->pause = PAUSE_NONE;
}

/* ---- descriptors ---- */

bool sess_forgettable(const struct nr_session *s)
{
    return s->role == NR_ROLE_ACCEPTED && s->fd < 0 && !s->kept && !s->claimed;
}

/* Keeps at most RELEASED_KEEP forgettable sessions: closes the oldest
 * (never keep, the one just released: its caller may still use it). */
static void forget_oldest(struct nr_sessions *t, const struct nr_session *keep)
{
    for (size_t i = 0; t->released > RELEASED_KEEP && i < t->n;) {
        if (t->v[i] != keep && sess_forgettable(t->v[i]))
            nr_sess_close(t->v[i]);   /* shifts the rest down */
        else
            i++;
    }
}

void sess_release_fd(struct nr_session *s)
{
    nr_loop_unwatch(s->tab->loop, s->fd);
    close(s->fd);
    s->fd = -1;
    budget_unlink(s);
    nr_buf_free(&s->in);
    nr_buf_free(&s->out);
    s->out_off = 0;
    account(s);
    if (s->counted) {
        s->counted = false;
        client_gone(s->tab, s->listener);
    }
    if (sess_forgettable(s)) {
        s->tab->released++;
        forget_oldest(s->tab, s);
    }
}

/* An accepted session nobody has used, whose peer is gone and which holds
 * nothing to read or write, gives its descriptor back (it stays in the
 * table, "closed by peer"): a storm of connect/close cycles then leaves
 * sessions, not open descriptors. */
static void maybe_release(struct nr_session *s)
{
    if (s->role != NR_ROLE_ACCEPTED || s->kept || s->fd < 0 || s->claimed)
        return;
    if (!(s->peer_eof || s->err) || s->in.len || out_pending(s))
        return;
    sess_release_fd(s);
}

/* ---- writing ---- */

/* A write failed with errno e. Returns -1 (a served connection is closed
 * and must not be touched). */
int write_failed(struct nr_session *s, int e)
{
    s->err = e;
    s->out.len = s->out_off = 0;
    if (s->role == NR_ROLE_SERVED) {
        nr_sess_close(s);
        return -1;
    }
    account(s);
    emit(s, NR_SEV_ERROR, 0);
    update_events(s);
    return -1;
}

void count_out(struct nr_session *s, size_t n)
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
        ssize_t n = s->tls ? tls_send(s, s->out.p + s->out_off, out_pending(s))
                  : send(s->fd, s->out.p + s->out_off, out_pending(s), MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        if (n < 0)
            return write_failed(s, errno);
        sess_tap(s, NR_TAP_SENT, s->out.p + s->out_off, (size_t)n);
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
    account(s);
    return 0;
}

bool nr_sess_flushed(const struct nr_session *s)
{
    return out_pending(s) == 0 || (is_stream(s) && s->err) || s->fd < 0;
}

int queue_out(struct nr_session *s, const void *p, size_t n)
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
                      "session instead" : s->net.type == SOCK_RAW ? "is an unconnected raw "
                      "IP socket: use --to ADDR" : "is an unconnected UDP socket: use --to ADDR");
    if (s->connecting)
        return nr_err(err, errlen, "still connecting");
    if (s->tls_hs)
        return nr_err(err, errlen, "the TLS handshake is still in progress");
    if (s->wr_shut)
        return nr_err(err, errlen, "closed for writing (shutdown write)");
    if (is_stream(s) && s->err)
        return nr_err(err, errlen, "%s", nr_sess_strerror(s));
    if (s->fd < 0)
        return nr_err(err, errlen, "the peer closed the connection (no socket left)");
    if (!is_stream(s)) {
        ssize_t r = send(s->fd, p, n, MSG_NOSIGNAL);
        if (r < 0)
            return nr_err(err, errlen, "%s", nr_sock_strerror(errno));
        sess_tap(s, NR_TAP_SENT, p, (size_t)r);
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
        return nr_err(err, errlen, "--to is for datagram sockets (this one is %s)", s->net.name);
    ssize_t r = sendto(s->fd, p, n, MSG_NOSIGNAL, sa, len);
    if (r < 0)
        return nr_err(err, errlen, "%s", nr_sock_strerror(errno));
    sess_tap(s, NR_TAP_SENT, p, (size_t)r);
    s->bytes_out += (uint64_t)r;
    return 0;
}

/* ---- reading ---- */

const unsigned char *nr_sess_peek(const struct nr_session *s, size_t *n)
{
    *n = s->in.len;
    return s->in.len ? s->in.p : NULL;
}

void nr_sess_consume(struct nr_session *s, size_t n)
{
    nr_buf_consume(&s->in, n);
    if (s->in.len == 0 && s->in.cap > READ_CHUNK * 2)
        nr_buf_free(&s->in);   /* a drained flood gives its memory back */
    if (s->pause == PAUSE_FULL && s->in.len < NR_SESS_BUFMAX) {
        s->pause = PAUSE_NONE;
        update_events(s);
    }
    if (s->in.len == 0 && s->pause == PAUSE_BUDGET) {
        budget_unlink(s);   /* nothing left: it may take a little again */
        update_events(s);
    }
    account(s);
    maybe_release(s);
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
    account(s);
    return d;
}

/* How much the next read may take; 0: it paused instead. */
static size_t read_room(struct nr_session *s)
{
    size_t room = READ_CHUNK;
    if (s->role != NR_ROLE_SERVED) {
        room = NR_SESS_BUFMAX - s->in.len;
        if (room == 0) {
            s->pause = PAUSE_FULL;
            update_events(s);
            return 0;
        }
    }
    size_t b = budget_room(s);
    if (b == 0) {
        budget_pause(s);
        return 0;
    }
    if (b < room)
        room = b;
    return room < READ_CHUNK ? room : READ_CHUNK;
}

static void stream_closed(struct nr_session *s, ssize_t n)
{
    if (s->role == NR_ROLE_SERVED) {
        if (n == 0 && out_pending(s)) {
            s->peer_eof = true;   /* close once the echo is written */
            update_events(s);
        } else {
            nr_sess_close(s);
        }
        return;
    }
    if (n < 0)
        s->err = errno;
    else
        s->peer_eof = true;
    update_events(s);
    emit(s, n < 0 ? NR_SEV_ERROR : NR_SEV_EOF, 0);
    maybe_release(s);
}

static void read_stream(struct nr_session *s)
{
    unsigned char buf[READ_CHUNK];
    size_t room = read_room(s);
    if (room == 0)
        return;
    ssize_t n = s->tls ? tls_recv(s, buf, room) : recv(s->fd, buf, room, 0);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return;
    if (n <= 0) {
        stream_closed(s, n);
        return;
    }
    sess_tap(s, NR_TAP_RECEIVED, buf, (size_t)n);
    s->bytes_in += (uint64_t)n;
    if (s->role == NR_ROLE_SERVED) {
        serve_data(s, buf, (size_t)n);
        return;
    }
    if (nr_buf_add(&s->in, buf, (size_t)n) < 0) {
        s->drops += (uint64_t)n;   /* out of memory: count, as for UDP */
        return;
    }
    account(s);
    if (s->in.len >= NR_SESS_BUFMAX) {
        s->pause = PAUSE_FULL;
        update_events(s);
    }
    emit(s, NR_SEV_DATA, (size_t)n);
    if (s->pause == PAUSE_FULL)
        emit(s, NR_SEV_FULL, s->in.len);   /* once: it reads no more until recv */
}

static void queue_dgram(struct nr_session *s, const unsigned char *p, size_t n,
                        const struct sockaddr_storage *from, socklen_t fromlen)
{
    struct nr_dgram *d;
    if (s->dq_bytes + n > NR_SESS_BUFMAX || s->dq_count >= DGRAM_MAXQ) {
        s->drops++;
        return;
    }
    if (budget_room(s) < n + DGRAM_OVERHEAD) {
        s->drops++;
        if (!s->tab->budget_hit) {
            s->tab->budget_hit = true;
            emit(s, NR_SEV_BUDGET, s->tab->budget);
        }
        return;
    }
    if (!(d = malloc(sizeof *d + n))) {
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
    account(s);
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
        sess_tap(s, NR_TAP_RECEIVED, buf, (size_t)n);
        s->bytes_in += (uint64_t)n;
        if (s->svc != NR_SVC_NONE)
            serve_dgram(s, buf, (size_t)n, (struct sockaddr *)&from, fromlen);
        else
            queue_dgram(s, buf, (size_t)n, &from, fromlen);
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

/* A served client's echo was all written: close it if its peer has gone,
 * else let it read again. Returns false when it was closed. */
static bool served_drained(struct nr_session *s)
{
    if (s->peer_eof) {
        nr_sess_close(s);
        return false;
    }
    if (s->pause == PAUSE_FULL)
        s->pause = PAUSE_NONE;
    budget_unlink(s);
    return true;
}

void on_io(struct nr_loop *loop, int fd, unsigned rev, void *arg)
{
    struct nr_session *s = arg;
    if (s->connecting) {
        connect_done(s);
        return;
    }
    if (s->tls_hs) {
        tls_step(s);
        return;
    }
    if (s->role == NR_ROLE_LISTEN && is_stream(s)) {
        accept_ready(s);
        return;
    }
    if ((rev & NR_EV_WRITE) && out_pending(s)) {
        if (flush(s) < 0)
            return;
        if (s->role == NR_ROLE_SERVED && !out_pending(s) && !served_drained(s))
            return;
        update_events(s);
    }
    if (!(rev & (NR_EV_READ | NR_EV_ERROR)))
        return;
    if (is_stream(s)) {
        if (!s->pause && !s->peer_eof && !s->rd_shut && !s->err)
            read_stream(s);
    } else {
        read_dgrams(s);
    }
}
