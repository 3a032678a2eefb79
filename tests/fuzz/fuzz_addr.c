/* libFuzzer target: IP literal parsing, formatting round trip, host:port
 * splitting. A parsed address must format and re-parse to the same bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/addr.h"
#include "lib/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
    char s[300], work[300], out[NR_ADDRSTRLEN], err[NR_ERRLEN];
    if (n >= sizeof s)
        return 0;
    memcpy(s, data, n);
    s[n] = 0;
    struct nr_ip ip, again;
    if (nr_ip_parse(s, &ip, true) == 0) {
        nr_ip_str(&ip, out, sizeof out);
        if (nr_ip_parse(out, &again, true) != 0)
            abort();
        /* v4-mapped prints as dotted IPv4: compare the IPv4 bytes then. */
        if (nr_ip_is4(&ip) != nr_ip_is4(&again))
            abort();
        if (nr_ip_is4(&ip) ? memcmp(nr_ip_v4bytes(&ip), nr_ip_v4bytes(&again), 4)
                           : memcmp(ip.b, again.b, 16) || strcmp(ip.zone, again.zone))
            abort();
    }
    const char *host, *port;
    if (nr_hostport_split(s, work, sizeof work, &host, &port, err, sizeof err) == 0) {
        char joined[700];
        nr_hostport_join(host, port, joined, sizeof joined);
        const char *h2, *p2;
        char work2[700];
        if (nr_hostport_split(joined, work2, sizeof work2, &h2, &p2, err, sizeof err) != 0 ||
            strcmp(host, h2) || strcmp(port, p2))
            abort();
    } else if (!err[0]) {
        abort();
    }
    return 0;
}
