/* libFuzzer target: masks and CIDR parsing and the subnet arithmetic. A
 * parsed mask must print and re-parse to the same bytes; a computed subnet
 * must contain its first and last host and the address itself. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/mask.h"
#include "lib/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);

static void check_subnet(const struct nr_ip *ip, const struct nr_mask *m)
{
    struct nr_subnet sn;
    char err[NR_ERRLEN];
    if (nr_subnet_calc(ip, m, &sn, err, sizeof err) < 0) {
        if (!err[0])
            abort();
        return;
    }
    struct nr_ip net;
    /* The network of the address and of its first/last host is the same. */
    if (nr_ip_mask(&sn.network, &sn.mask, &net) < 0 || memcmp(&net.b, &sn.network.b, net.len))
        abort();
    if (sn.contiguous && (sn.ones < 0 || sn.ones > sn.bits))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
    char s[200], err[NR_ERRLEN], out[NR_ADDRSTRLEN];
    if (n < 1 || n >= sizeof s)
        return 0;
    memcpy(s, data + 1, n - 1);
    s[n - 1] = 0;
    struct nr_mask m, again;
    int bits = (data[0] & 1) ? 128 : 32;
    if (nr_mask_parse(s, bits, &m, err, sizeof err) == 0) {
        nr_mask_hex(&m, out, sizeof out);
        if (nr_mask_parse(out, bits, &again, err, sizeof err) != 0 || memcmp(&m, &again, sizeof m))
            abort();
        struct nr_ip ip = { .len = (uint8_t)(bits / 8) };
        memset(ip.b, data[0], sizeof ip.b);
        check_subnet(&ip, &m);
    } else if (!err[0]) {
        abort();
    }
    struct nr_ip ip;
    if (nr_cidr_parse(s, &ip, &m, err, sizeof err) == 0)
        check_subnet(&ip, &m);
    else if (!err[0])
        abort();
    return 0;
}
