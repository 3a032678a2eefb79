/* lib/session_raw — what only raw IP sessions (ip4:PROTO, ip6:PROTO, Go's
 * IPConn) need: sending one datagram whose IPv4 header the user wrote
 * (IP_HDRINCL, set for that one send only). */
#include "lib/session_impl.h"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <unistd.h>

static int set_hdrincl(int fd, int on)
{
    return setsockopt(fd, IPPROTO_IP, IP_HDRINCL, &on, sizeof on);
}

int nr_sess_send_hdrincl(struct nr_session *s, const void *p, size_t n,
                         const struct sockaddr *to, socklen_t tolen, char *err, size_t errlen)
{
    if (s->net.type != SOCK_RAW || s->net.family != AF_INET)
        return nr_err(err, errlen, "--hdrincl is for ip4:PROTO sessions (this one is %s)",
                      s->net.name);
    if (s->fd < 0)
        return nr_err(err, errlen, "the socket is closed");
    if (n < 20)
        return nr_err(err, errlen, "%zu bytes cannot hold an IPv4 header (at least 20)", n);
    if (!to && !s->remote_len)
        return nr_err(err, errlen, "not connected: use --to ADDR");
    if (set_hdrincl(s->fd, 1) < 0)
        return nr_err(err, errlen, "IP_HDRINCL: %s", strerror(errno));
    ssize_t r = to ? sendto(s->fd, p, n, MSG_NOSIGNAL, to, tolen)
                   : send(s->fd, p, n, MSG_NOSIGNAL);
    int e = errno;
    set_hdrincl(s->fd, 0);
    if (r < 0)
        return nr_err(err, errlen, "%s", nr_sock_strerror(e));
    s->bytes_out += (uint64_t)r;
    return 0;
}
