/* lib/session_open — sessions come to be: dial (non-blocking connect),
 * listen, and the listener's own accepting: in bursts, backing off on
 * EMFILE, and pausing at its maximum of clients until one leaves. */
#include "lib/session_impl.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <unistd.h>

/* ---- accepting ---- */

static void on_retry(struct nr_loop *loop, void *arg)
{
    struct nr_session *s = arg;
    s->retry_timer = 0;
    if (s->pause == PAUSE_NOFD)
        s->pause = PAUSE_NONE;
    update_events(s);
}

/* The listener cannot take more fds: stop watching it for a while (the
 * pending connection would wake the loop forever) and report once. */
static void accept_pause(struct nr_session *s, int e)
{
    bool first = s->pause != PAUSE_NOFD;
    s->pause = PAUSE_NOFD;
    s->err = e;
    update_events(s);
    s->retry_timer = nr_loop_timer(s->tab->loop, nr_now_us() + RETRY_US, on_retry, s);
    if (first)
        emit(s, NR_SEV_ERROR, 0);
}

static unsigned clients_now(const struct nr_session *l)
{
    return l->clients + l->served_active;
}

/* At its maximum: the kernel keeps further connections in the listen
 * queue (and then refuses them) until a client leaves. Reported once. */
static void limit_pause(struct nr_session *l)
{
    l->pause = PAUSE_CLIENTS;
    update_events(l);
    emit(l, NR_SEV_LIMIT, clients_now(l));
}

void listener_resume(struct nr_session *l)
{
    if (l->pause == PAUSE_CLIENTS && clients_now(l) < l->max_clients) {
        l->pause = PAUSE_NONE;
        update_events(l);
    }
}

void client_gone(struct nr_sessions *t, int lid)
{
    struct nr_session *l = nr_sess_get(t, lid);
    if (!l || l->role != NR_ROLE_LISTEN)
        return;
    if (l->clients)
        l->clients--;
    listener_resume(l);
}

void nr_sess_set_max_clients(struct nr_session *l, unsigned n)
{
    l->max_clients = n ? n : l->tab->max_clients;
    listener_resume(l);
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
    tls_accepted(l, c);
    if (served) {
        served_start(l, c);
        return 0;
    }
    l->tab->next_id++;
    c->counted = true;
    l->clients++;
    emit(c, NR_SEV_ACCEPTED, 0);
    return 0;
}

void accept_ready(struct nr_session *l)
{
    for (int i = 0; i < ACCEPT_BURST; i++) {
        if (clients_now(l) >= l->max_clients) {
            /* Only the first turn knows a connection is waiting; later
             * ones leave it to the next readiness event. */
            if (i == 0)
                limit_pause(l);
            return;
        }
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
    int fd = nr_sock_open_net(net, sa->sa_family);
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
    /* Raw IP: one family already, and IPV6_V6ONLY is refused once the
     * protocol is bound (it is, from socket() on). */
    if (family == AF_UNIX || net->type == SOCK_RAW)
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
    int fd = nr_sock_open_net(net, sa->sa_family);
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
        s->max_clients = t->max_clients;
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

