/* lib/session — the session table: ids, lookup, closing, and what a
 * session is and holds, asked through operations (the struct is private to
 * lib/session*.c, see lib/session_impl.h). The I/O is in session_io.c, the
 * services in session_svc.c, dial/listen/accept in session_open.c. */
#include "lib/session_impl.h"

#include <errno.h>
#include <linux/sock_diag.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <unistd.h>

struct nr_sessions *nr_sessions_new(struct nr_loop *loop, nr_sess_event_fn fn, void *arg)
{
    struct nr_sessions *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->loop = loop;
    t->fn = fn;
    t->arg = arg;
    t->next_id = 1;
    t->budget = NR_SESS_BUDGET;
    t->max_clients = NR_SESS_MAXCLIENTS;
    return t;
}

void nr_sessions_free(struct nr_sessions *t)
{
    if (!t)
        return;
    while (t->n)
        nr_sess_close(t->v[t->n - 1]);
    nr_tls_trust_free(t->trust);
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

int table_insert(struct nr_sessions *t, struct nr_session *s)
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

void table_remove(struct nr_sessions *t, struct nr_session *s)
{
    size_t i = find_pos(t, s->id);
    if (i < t->n && t->v[i] == s) {
        memmove(t->v + i, t->v + i + 1, (t->n - i - 1) * sizeof *t->v);
        t->n--;
    }
}

struct nr_session *sess_new(struct nr_sessions *t, const struct nr_net *net, int fd,
                            enum nr_role role)
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

void emit(struct nr_session *s, enum nr_sess_event ev, size_t n)
{
    if (s->id > 0 && s->tab->fn)
        s->tab->fn(s->tab->arg, s, ev, n);
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
    listener_resume(p);
}

void nr_sess_close(struct nr_session *s)
{
    if (sess_forgettable(s))
        s->tab->released--;
    while (s->served)
        nr_sess_close(s->served);
    unlink_served(s);
    budget_unlink(s);
    nr_loop_cancel(s->tab->loop, s->retry_timer);
    tls_close(s);
    if (s->fd >= 0) {
        nr_loop_unwatch(s->tab->loop, s->fd);
        close(s->fd);
    }
    if (s->unlink_path) {
        const struct sockaddr_un *su = (const struct sockaddr_un *)&s->local;
        unlink(su->sun_path);
    }
    if (s->id > 0)
        table_remove(s->tab, s);
    if (s->counted)
        client_gone(s->tab, s->listener);
    nr_buf_free(&s->in);
    nr_buf_free(&s->out);
    free_dgrams(s);
    s->out_off = 0;
    account(s);
    rate_free(s);
    free(s);
}

/* ---- state ---- */

int nr_sess_shutdown(struct nr_session *s, int how, char *err, size_t errlen)
{
    if (s->role == NR_ROLE_LISTEN)
        return nr_err(err, errlen, "is a listener (close it instead)");
    if (s->fd < 0)
        return nr_err(err, errlen, "the peer closed the connection");
    if (how != SHUT_RD && out_pending(s))
        return nr_err(err, errlen, "%zu %s still being sent; try again", out_pending(s),
                      out_pending(s) == 1 ? "byte is" : "bytes are");
    if (s->tls && how != SHUT_RD)
        nr_tls_close_notify(s->tls);   /* close_notify, then FIN */
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

void nr_sess_claim(struct nr_session *s)
{
    if (sess_forgettable(s))
        s->tab->released--;
    s->claimed = true;
    s->kept = true;
}

void nr_sess_keep(struct nr_session *s)
{
    if (sess_forgettable(s))
        s->tab->released--;
    s->kept = true;
}

const char *nr_sess_pause_reason(const struct nr_session *s)
{
    static const char *const why[] = { NULL, "full", "budget", "no fd", "clients" };
    return why[s->pause];
}

const char *nr_sess_state(const struct nr_session *s)
{
    if (s->connecting)
        return "connecting";
    if (s->role == NR_ROLE_LISTEN) {
        if (s->pause == PAUSE_NOFD && s->err)
            return "paused: no fd";
        return s->pause == PAUSE_CLIENTS ? "paused: limit" : "listening";
    }
    if (s->err)
        return "error";
    if ((s->peer_eof || s->rd_shut) && s->wr_shut)
        return "closed";
    if (s->peer_eof)
        return "closed by peer";
    if (s->wr_shut || s->rd_shut)
        return "half-closed";
    if (s->pause == PAUSE_FULL)
        return "paused: full";
    if (s->pause == PAUSE_BUDGET)
        return "paused: budget";
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

/* ---- getters ---- */

int nr_sess_id(const struct nr_session *s)
{
    return s->id;
}

const char *nr_sess_proto(const struct nr_session *s)
{
    return s->net.name;
}

bool nr_sess_is_raw(const struct nr_session *s)
{
    return s->net.type == SOCK_RAW;
}

bool nr_sess_is_stream(const struct nr_session *s)
{
    return s->net.type == SOCK_STREAM;
}

enum nr_role nr_sess_role_of(const struct nr_session *s) { return s->role; }
enum nr_service nr_sess_svc(const struct nr_session *s) { return s->svc; }
const struct nr_net *nr_sess_net(const struct nr_session *s) { return &s->net; }
const struct sockaddr_storage *nr_sess_local(const struct nr_session *s) { return &s->local; }
socklen_t nr_sess_local_len(const struct nr_session *s) { return s->local_len; }
const struct sockaddr_storage *nr_sess_remote(const struct nr_session *s) { return &s->remote; }
socklen_t nr_sess_remote_len(const struct nr_session *s) { return s->remote_len; }
int nr_sess_listener(const struct nr_session *s) { return s->listener; }
int64_t nr_sess_created_us(const struct nr_session *s) { return s->created_us; }
bool nr_sess_connecting(const struct nr_session *s) { return s->connecting; }
bool nr_sess_peer_eof(const struct nr_session *s) { return s->peer_eof; }
bool nr_sess_rd_shut(const struct nr_session *s) { return s->rd_shut; }
bool nr_sess_wr_shut(const struct nr_session *s) { return s->wr_shut; }
bool nr_sess_paused(const struct nr_session *s) { return s->pause != PAUSE_NONE; }
bool nr_sess_released(const struct nr_session *s) { return s->fd < 0; }
int nr_sess_error(const struct nr_session *s) { return s->err; }
size_t nr_sess_dgram_count(const struct nr_session *s) { return s->dq_count; }
size_t nr_sess_queued_out(const struct nr_session *s) { return out_pending(s); }
int64_t nr_sess_timeout(const struct nr_session *s) { return s->timeout_us; }
struct nr_session *nr_sess_first_served(const struct nr_session *l) { return l->served; }

bool nr_sess_read_ended(const struct nr_session *s)
{
    return s->peer_eof || s->rd_shut || s->err;
}

int nr_sess_take_error(struct nr_session *s)
{
    int e = s->err;
    s->err = 0;
    return e;
}

void nr_sess_set_timeout(struct nr_session *s, int64_t us)
{
    s->timeout_us = us;
}

size_t nr_sess_buffered(const struct nr_session *s)
{
    return s->net.type == SOCK_STREAM ? s->in.len : s->dq_bytes;
}

size_t nr_sess_memory(const struct nr_session *s)
{
    return s->in.cap + s->out.cap + s->dq_bytes + s->dq_count * DGRAM_OVERHEAD;
}

void nr_sess_stats(const struct nr_session *s, struct nr_sess_stats *st)
{
    memset(st, 0, sizeof *st);
    st->bytes_in = s->bytes_in;
    st->bytes_out = s->bytes_out;
    st->drops = s->drops;
    if (s->fd >= 0 && s->net.type != SOCK_STREAM) {
        /* Datagrams the kernel dropped (a full receive buffer) count too. */
        uint32_t mem[SK_MEMINFO_VARS];
        socklen_t len = sizeof mem;
        if (getsockopt(s->fd, SOL_SOCKET, SO_MEMINFO, mem, &len) == 0 &&
            len > SK_MEMINFO_DROPS * sizeof *mem)
            st->drops += mem[SK_MEMINFO_DROPS];
    }
    st->buffered = nr_sess_buffered(s);
    st->datagrams = s->dq_count;
    st->queued_out = out_pending(s);
    st->held = s->held;
    st->clients = s->clients + s->served_active;
    st->max_clients = s->max_clients;
    st->served_active = s->served_active;
    st->served_total = s->served_total;
    for (const struct nr_session *c = s->served; c; c = c->snext)
        st->backlog += out_pending(c);
}

/* ---- options ---- */

int nr_sess_setopt(struct nr_session *s, const char *name, long long v,
                   char *err, size_t errlen)
{
    if (s->fd < 0)
        return nr_err(err, errlen, "the peer closed the connection (no socket left)");
    return nr_sock_setopt(s->fd, s->local.ss_family, name, v, err, errlen);
}

int nr_sess_getopt(const struct nr_session *s, const char *name, long long *v)
{
    return s->fd < 0 ? -1 : nr_sock_getopt(s->fd, s->local.ss_family, name, v);
}

int nr_sess_tcp_info(const struct nr_session *s, struct nr_tcpinfo *ti)
{
    if (s->fd < 0 || s->net.family == AF_UNIX || s->net.type != SOCK_STREAM)
        return -1;
    return nr_tcp_info(s->fd, ti);
}

/* ---- the whole table ---- */

void nr_sessions_set_budget(struct nr_sessions *t, size_t bytes)
{
    t->budget = bytes ? bytes : NR_SESS_BUDGET;
    struct nr_session *s;
    while (t->held < t->budget && (s = t->bpaused)) {
        budget_unlink(s);
        update_events(s);
    }
}

size_t nr_sessions_budget(const struct nr_sessions *t) { return t->budget; }
size_t nr_sessions_held(const struct nr_sessions *t) { return t->held; }

void nr_sessions_set_max_clients(struct nr_sessions *t, unsigned n)
{
    t->max_clients = n ? n : NR_SESS_MAXCLIENTS;
}

unsigned nr_sessions_max_clients(const struct nr_sessions *t) { return t->max_clients; }
