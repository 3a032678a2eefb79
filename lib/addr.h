/* lib/addr — IP addresses as Go's net.IP sees them: parsing (ParseIP plus an
 * optional %zone), canonical formatting (String), host:port splitting
 * (SplitHostPort/JoinHostPort) and conversion to and from sockaddrs. */
#ifndef NR_ADDR_H
#define NR_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define NR_ZONELEN 32
/* Longest text nr_sockaddr_str() writes: a Unix path or [v6%zone]:port. */
#define NR_ADDRSTRLEN 128

struct nr_ip {
    uint8_t b[16];          /* len 4: IPv4 in b[0..3]; len 16: IPv6 (maybe v4-mapped) */
    uint8_t len;            /* 4 or 16 */
    char zone[NR_ZONELEN];  /* "" when none; IPv6 only */
};

/* Parses an IPv4 or IPv6 literal. With allow_zone, "fe80::1%eth0" keeps its
 * zone (which starts after the last '%', as Go's splitHostZone, so
 * "fe80::1%a%b" is invalid); without, any '%' is invalid (as ParseIP).
 * Returns 0 or -1. */
int nr_ip_parse(const char *s, struct nr_ip *ip, bool allow_zone);

/* True for IPv4 and IPv4-mapped IPv6 (Go's To4() != nil). */
bool nr_ip_is4(const struct nr_ip *ip);
/* The IPv4 bytes of an IPv4 or v4-mapped address (undefined otherwise). */
const uint8_t *nr_ip_v4bytes(const struct nr_ip *ip);

/* Go's String(): dotted for IPv4 and v4-mapped, RFC 5952 for IPv6, then
 * "%zone". buf should hold NR_ADDRSTRLEN. Returns buf. */
char *nr_ip_str(const struct nr_ip *ip, char *buf, size_t n);

/* Go's SplitHostPort: "h:p", "[h]:p", "[h%z]:p", ":p". host and port point
 * into the caller-owned copy buffer work (at least strlen(hostport)+1).
 * Returns 0, or -1 with err naming the problem ("missing port in address"…). */
int nr_hostport_split(const char *hostport, char *work, size_t worklen,
                      const char **host, const char **port,
                      char *err, size_t errlen);
/* "host:port" or "[v6]:port" into buf. Returns buf. */
char *nr_hostport_join(const char *host, const char *port, char *buf, size_t n);

/* ip + port into a sockaddr (zone resolved with if_nametoindex, or numeric).
 * Returns 0, or -1 with err when the zone names no interface. */
int nr_ip_sockaddr(const struct nr_ip *ip, uint16_t port,
                   struct sockaddr_storage *ss, socklen_t *len,
                   char *err, size_t errlen);
/* sockaddr (AF_INET/AF_INET6) into ip + port; returns 0 or -1 for other families. */
int nr_sockaddr_ip(const struct sockaddr *sa, struct nr_ip *ip, uint16_t *port);
/* "1.2.3.4:80", "[::1]:80", "[fe80::1%lo]:80", a Unix path, or "?" */
char *nr_sockaddr_str(const struct sockaddr *sa, socklen_t len, char *buf, size_t n);

#endif
