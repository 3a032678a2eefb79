/* lib/session_tls — a session's TLS transport: the handshake as a state of
 * the session stepped by the loop, the TLS side of the read and write
 * paths (session_io.c calls tls_recv/tls_send where it would call
 * recv/send), the loop's interest while a handshake wants to read or
 * write, STARTTLS on a live TCP session, and close_notify at close. */
#include "lib/session_impl.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Records may wait inside OpenSSL (read ahead) while the socket is not
 * readable: read them on the next turn of the loop. */
static void kick(struct nr_loop *loop, void *arg)
{
    struct nr_session *s = arg;
    s->tls_kick = 0;
    if (s->fd >= 0 && !s->pause)
        on_io(loop, s->fd, NR_EV_READ, s);
}

static void kick_soon(struct nr_session *s)
{
    if (!s->tls_kick)
        s->tls_kick = nr_loop_timer(s->tab->loop, 0, kick, s);
}

unsigned tls_events(struct nr_session *s)
{
    if (s->tls_hs)
        return nr_tls_want(s->tls);
    unsigned ev = 0;
    bool dead = s->err || s->peer_eof || s->rd_shut;
    if (!dead && !s->pause) {
        ev |= NR_EV_READ;
        if (nr_tls_pending(s->tls))
            kick_soon(s);   /* reading again (after a pause): what waits inside first */
    }
    if (out_pending(s) && !s->err)
        ev |= NR_EV_WRITE;
    return ev;
}

void tls_step(struct nr_session *s)
{
    enum nr_tls_st st = nr_tls_handshake(s->tls);
    if (st == NR_TLS_WANT) {
        update_events(s);
        return;
    }
    s->tls_hs = false;
    if (st == NR_TLS_OK) {
        update_events(s);   /* kicks when data came with the handshake */
        return;
    }
    s->err = EPROTO;
    if (s->role == NR_ROLE_SERVED) {
        nr_sess_close(s);
        return;
    }
    update_events(s);
    emit(s, NR_SEV_ERROR, 0);
}

ssize_t tls_send(struct nr_session *s, const void *p, size_t n)
{
    size_t put;
    if (s->tls_hs) {
        errno = EAGAIN;
        return -1;
    }
    enum nr_tls_st st = nr_tls_write(s->tls, p, n, &put);
    if (st == NR_TLS_OK)
        return (ssize_t)put;
    errno = st == NR_TLS_WANT ? EAGAIN : errno ? errno : EPIPE;
    return -1;
}

ssize_t tls_recv(struct nr_session *s, void *buf, size_t n)
{
    size_t got;
    enum nr_tls_st st = nr_tls_read(s->tls, buf, n, &got);
    switch (st) {
    case NR_TLS_OK:
        if (nr_tls_pending(s->tls))
            kick_soon(s);
        return (ssize_t)got;
    case NR_TLS_WANT:
        errno = EAGAIN;
        return -1;
    case NR_TLS_CLOSED:
        s->tls_notify = true;
        return 0;
    case NR_TLS_TRUNC:
        s->tls_trunc = true;
        return 0;
    default:
        errno = EPROTO;
        return -1;
    }
}

/* TLS sessions do not wait on Nagle: a record is written whole, and a
 * handshake flight or a small record held back for an ACK (delayed by up
 * to 40 ms on the other side) only costs time (as curl, Go and nginx). */
static void no_delay(int fd)
{
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

void tls_accepted(struct nr_session *l, struct nr_session *c)
{
    char err[NR_ERRLEN];
    if (!l->tls_ctx)
        return;
    c->tls = nr_tls_new(l->tls_ctx, c->fd, true, NULL, NULL, err, sizeof err);
    if (!c->tls) {
        c->err = ENOMEM;
        return;
    }
    c->tls_hs = true;
    no_delay(c->fd);
    snprintf(c->net.name, sizeof c->net.name, "%s", l->net.name);
}

void tls_close(struct nr_session *s)
{
    nr_loop_cancel(s->tab->loop, s->tls_kick);
    s->tls_kick = 0;
    if (s->tls && s->fd >= 0 && !s->err)
        nr_tls_close_notify(s->tls);
    nr_tls_free(s->tls);
    s->tls = NULL;
    nr_tls_ctx_free(s->tls_ctx);
    s->tls_ctx = NULL;
}

/* ---- operations (lib/session.h) ---- */

/* Drops the plaintext not read yet, buffered and in the socket: bytes that
 * arrived before the upgrade must never pass for TLS data. A server keeps
 * what waits in the socket when it starts as a TLS handshake record (the
 * client's ClientHello may come right after the server's "go ahead");
 * plaintext pipelined behind the STARTTLS command was read with it. */
static size_t discard_plain(struct nr_session *s, bool server)
{
    size_t n = s->in.len;
    nr_buf_consume(&s->in, n);
    account(s);
    unsigned char buf[4096];
    ssize_t r;
    if (server && recv(s->fd, buf, 1, MSG_PEEK | MSG_DONTWAIT) == 1 && buf[0] == 0x16)
        return n;
    while ((r = recv(s->fd, buf, sizeof buf, MSG_DONTWAIT)) > 0)
        n += (size_t)r;
    return n;
}

int nr_sess_starttls(struct nr_session *s, struct nr_tls_ctx *ctx, bool server, const char *host,
                     const char *sni, size_t *discarded, char *err, size_t errlen)
{
    if (discarded)
        *discarded = 0;
    if (s->net.type != SOCK_STREAM || s->net.family == AF_UNIX || s->role == NR_ROLE_LISTEN)
        return nr_err(err, errlen, "is not a TCP connection (%s, %s)", s->net.name, nr_sess_role(s));
    if (s->tls && s->err && !nr_tls_handshake_done(s->tls))
        return nr_err(err, errlen, "its TLS handshake failed (%s): close it and connect again",
                      nr_sess_strerror(s));
    if (s->tls)
        return nr_err(err, errlen, "already speaks TLS");
    if (s->connecting)
        return nr_err(err, errlen, "still connecting");
    if (s->fd < 0 || s->peer_eof || s->err)
        return nr_err(err, errlen, "the connection is over (%s)", nr_sess_state(s));
    if (s->rd_shut || s->wr_shut)
        return nr_err(err, errlen, "is half-closed");
    if (out_pending(s))
        return nr_err(err, errlen, "%zu bytes are still being sent; try again", out_pending(s));
    if (discarded)
        *discarded = discard_plain(s, server);
    else if (s->in.len)   /* a fresh connection whose peer spoke first */
        return nr_err(err, errlen, "TLS handshake failed: the peer does not speak TLS (it "
                      "spoke first, in plaintext)");
    if (!(s->tls = nr_tls_new(ctx, s->fd, server, host, sni, err, errlen)))
        return -1;
    s->tls_hs = true;
    no_delay(s->fd);
    char fam[4] = "";
    if (s->net.name[3] == '4' || s->net.name[3] == '6')
        fam[0] = s->net.name[3];
    snprintf(s->net.name, sizeof s->net.name, "tls%s", fam);
    tls_step(s);
    return 0;
}

void nr_sess_set_tls_ctx(struct nr_session *l, struct nr_tls_ctx *ctx)
{
    nr_tls_ctx_free(l->tls_ctx);
    l->tls_ctx = ctx;
}

struct nr_tls_trust **nr_sessions_trust(struct nr_sessions *t)
{
    return &t->trust;
}

const struct nr_tls_ctx *nr_sess_tls_ctx(const struct nr_session *s)
{
    return s->tls_ctx;
}

const struct nr_tls *nr_sess_tls(const struct nr_session *s)
{
    return s->tls;
}

bool nr_sess_handshaking(const struct nr_session *s)
{
    return s->tls_hs;
}

const char *nr_sess_tls_end(const struct nr_session *s)
{
    if (!s->tls || !s->peer_eof)
        return NULL;
    if (s->tls_notify)
        return "close_notify";
    return s->tls_trunc ? "no close_notify: the data may be truncated" : NULL;
}

void nr_sess_tls_abandon(struct nr_session *s, int err)
{
    if (!s->tls_hs)
        return;
    s->tls_hs = false;
    s->err = err;
    update_events(s);
}

const char *nr_sess_strerror(const struct nr_session *s)
{
    if (s->tls && s->err == EPROTO && nr_tls_error(s->tls)[0])
        return nr_tls_error(s->tls);
    if (s->tls && !nr_tls_handshake_done(s->tls) && s->err == ETIMEDOUT)
        return "the TLS handshake timed out";
    if (s->tls && !nr_tls_handshake_done(s->tls) && s->err == ECANCELED)
        return "the TLS handshake was interrupted";
    return nr_sock_strerror(s->err);
}
