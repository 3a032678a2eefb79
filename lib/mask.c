/* lib/mask — IPMask arithmetic with Go net semantics and the subnet view
 * (see mask.h). */
#include "lib/mask.h"
#include "lib/util.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

int nr_mask_cidr(int ones, int bits, struct nr_mask *m)
{
    if ((bits != 32 && bits != 128) || ones < 0 || ones > bits)
        return -1;
    memset(m, 0, sizeof *m);
    m->len = (uint8_t)(bits / 8);
    for (int i = 0; i < m->len; i++, ones -= 8)
        m->b[i] = ones >= 8 ? 0xff : ones > 0 ? (uint8_t)(0xff << (8 - ones)) : 0;
    return 0;
}

int nr_mask_default(const struct nr_ip *ip, struct nr_mask *m, char *class)
{
    if (!nr_ip_is4(ip))
        return -1;
    uint8_t a = nr_ip_v4bytes(ip)[0];
    int ones = a < 0x80 ? 8 : a < 0xc0 ? 16 : 24;
    if (class)
        *class = a < 0x80 ? 'A' : a < 0xc0 ? 'B' : a < 0xe0 ? 'C' : a < 0xf0 ? 'D' : 'E';
    return nr_mask_cidr(ones, 32, m);
}

void nr_mask_size(const struct nr_mask *m, int *ones, int *bits)
{
    int n = 0, i = 0;
    *ones = *bits = 0;
    for (; i < m->len && m->b[i] == 0xff; i++)
        n += 8;
    if (i < m->len) {
        uint8_t v = m->b[i];
        while (v & 0x80) {
            n++;
            v = (uint8_t)(v << 1);
        }
        if (v)
            return;   /* a one after a zero */
        for (i++; i < m->len; i++)
            if (m->b[i])
                return;
    }
    *ones = n;
    *bits = m->len * 8;
}

char *nr_mask_hex(const struct nr_mask *m, char *buf, size_t n)
{
    static const char hx[] = "0123456789abcdef";
    size_t j = 0;
    for (int i = 0; i < m->len && j + 2 < n; i++) {
        buf[j++] = hx[m->b[i] >> 4];
        buf[j++] = hx[m->b[i] & 15];
    }
    if (n)
        buf[j < n ? j : n - 1] = 0;
    return buf;
}

char *nr_mask_str(const struct nr_mask *m, char *buf, size_t n)
{
    struct nr_ip ip;
    memset(&ip, 0, sizeof ip);
    memcpy(ip.b, m->b, m->len);
    ip.len = m->len;
    if (m->len == 16 && nr_ip_is4(&ip)) {
        /* Shown as IPv6 even when it looks v4-mapped. */
        char t[INET6_ADDRSTRLEN];
        inet_ntop(AF_INET6, m->b, t, sizeof t);
        snprintf(buf, n, "%s", t);
        return buf;
    }
    return nr_ip_str(&ip, buf, n);
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* 8 or 32 hex digits; 0 or -1 (not that form). */
static int parse_hex(const char *s, struct nr_mask *m)
{
    size_t n = strlen(s);
    if (n != 8 && n != 32)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (hexval(s[i]) < 0)
            return -1;
    memset(m, 0, sizeof *m);
    m->len = (uint8_t)(n / 2);
    for (size_t i = 0; i < n / 2; i++)
        m->b[i] = (uint8_t)(hexval(s[2 * i]) << 4 | hexval(s[2 * i + 1]));
    return 0;
}

/* Decimal prefix length, as Go's ParseCIDR reads it (dtoi: any number of
 * digits, leading zeros too, so "/00000024" is 24); 1 not decimal, 0 ok,
 * -1 out of range (err set). */
static int parse_prefix(const char *s, int bits, struct nr_mask *m, char *err, size_t errlen)
{
    long v = 0;
    size_t n = strlen(s);
    if (n == 0 || strspn(s, "0123456789") != n)
        return 1;
    for (size_t i = 0; i < n && v <= bits; i++)
        v = v * 10 + (s[i] - '0');
    if (v > bits) {
        size_t z = strspn(s, "0");   /* shown without its leading zeros */
        return nr_err(err, errlen, "prefix length %s out of range (0-%d for %s)",
                      s + (z < n ? z : n - 1), bits, bits == 32 ? "IPv4" : "IPv6");
    }
    return nr_mask_cidr((int)v, bits, m);
}

int nr_mask_parse(const char *s, int bits, struct nr_mask *m, char *err, size_t errlen)
{
    static const char want[] = "invalid mask (want /N, dotted like 255.255.254.0 or hex like fffffe00)";
    memset(m, 0, sizeof *m);
    if (s[0] == '/') {
        /* Digits after a '/' are a prefix length, whatever their number
         * (ParseCIDR); any other form may follow the '/' too. */
        int r = parse_prefix(s + 1, bits, m, err, errlen);
        if (r <= 0)
            return r;
        s++;
        if (!*s || s[0] == '/')
            return nr_err(err, errlen, "%s", want);
    }
    if (strchr(s, ':') || strchr(s, '.')) {
        int v6 = strchr(s, ':') != NULL;
        if (inet_pton(v6 ? AF_INET6 : AF_INET, s, m->b) != 1)
            return nr_err(err, errlen, "%s", want);
        m->len = v6 ? 16 : 4;
        return 0;
    }
    const char *h = (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) ? s + 2 : s;
    if (parse_hex(h, m) == 0)
        return 0;
    if (h == s) {
        int r = parse_prefix(s, bits, m, err, errlen);
        if (r <= 0)
            return r;
    }
    return nr_err(err, errlen, "%s", want);
}

int nr_cidr_parse(const char *s, struct nr_ip *ip, struct nr_mask *m, char *err, size_t errlen)
{
    char a[64];
    const char *slash = strrchr(s, '/');
    if (!slash)
        return nr_err(err, errlen, "missing /N prefix length");
    size_t n = (size_t)(slash - s);
    if (n >= sizeof a)
        return nr_err(err, errlen, "invalid IP address");
    memcpy(a, s, n);
    a[n] = 0;
    if (nr_ip_parse(a, ip, true) < 0)
        return nr_err(err, errlen, "invalid IP address");
    int bits = strchr(a, ':') ? 128 : 32;
    int r = parse_prefix(slash + 1, bits, m, err, errlen);
    if (r > 0)
        return nr_err(err, errlen, "invalid prefix length '%s'", slash + 1);
    return r;
}

static bool all_ff(const uint8_t *p, int n)
{
    for (int i = 0; i < n; i++)
        if (p[i] != 0xff)
            return false;
    return true;
}

/* Go's length adjustment of IP.Mask: both end up the same length, or -1. */
static int fit(const struct nr_ip *ip, const struct nr_mask *m,
               struct nr_ip *a, struct nr_mask *mm)
{
    memset(a, 0, sizeof *a);
    memcpy(a->b, ip->b, ip->len);
    a->len = ip->len;
    *mm = *m;
    if (mm->len == 16 && a->len == 4 && all_ff(mm->b, 12)) {
        memmove(mm->b, mm->b + 12, 4);
        memset(mm->b + 4, 0, 12);
        mm->len = 4;
    }
    if (mm->len == 4 && a->len == 16 && nr_ip_is4(a)) {
        memmove(a->b, a->b + 12, 4);
        memset(a->b + 4, 0, 12);
        a->len = 4;
    }
    return a->len == mm->len ? 0 : -1;
}

int nr_ip_mask(const struct nr_ip *ip, const struct nr_mask *m, struct nr_ip *out)
{
    struct nr_mask mm;
    if (fit(ip, m, out, &mm) < 0)
        return -1;
    for (int i = 0; i < out->len; i++)
        out->b[i] &= mm.b[i];
    return 0;
}

#ifdef __SIZEOF_INT128__
/* 2^n for 64 <= n < 128 as decimal: hi * 10^19 + lo, each part 64 bits. */
static void pow2_big(int n, char *d, size_t len)
{
    const unsigned long long e19 = 10000000000000000000ULL;
    unsigned __int128 v = (unsigned __int128)1 << n;
    snprintf(d, len, "%llu%019llu", (unsigned long long)(v / e19),
             (unsigned long long)(v % e19));
}
#else
/* The same by repeated doubling of decimal digits, where no 128-bit type. */
static void pow2_big(int n, char *d, size_t len)
{
    uint8_t g[40] = { 1 };
    int nd = 1;
    for (int k = 0; k < n; k++) {
        int carry = 0;
        for (int i = 0; i < nd; i++) {
            int v = g[i] * 2 + carry;
            g[i] = (uint8_t)(v % 10);
            carry = v / 10;
        }
        if (carry)
            g[nd++] = (uint8_t)carry;
    }
    size_t j = 0;
    for (int i = nd - 1; i >= 0 && j + 1 < len; i--)
        d[j++] = (char)('0' + g[i]);
    d[j] = 0;
}
#endif

char *nr_pow2_dec(int n, int sub, char *buf, size_t len)
{
    char d[48];
    if (n < 64) {
        unsigned long long v = 1ULL << n;
        snprintf(buf, len, "%llu", v >= (unsigned long long)sub ? v - (unsigned long long)sub : 0);
        return buf;
    }
    if (n >= 128)   /* one past the largest 128-bit value */
        snprintf(d, sizeof d, "340282366920938463463374607431768211456");
    else
        pow2_big(n, d, sizeof d);
    /* 2^n for n >= 64 ends in 2, 4, 6 or 8: subtracting 0..2 never borrows. */
    size_t k = strlen(d);
    d[k - 1] = (char)(d[k - 1] - sub);
    snprintf(buf, len, "%s", d);
    return buf;
}

/* The lowest zero bit of the mask as an address-sized value in bit. */
static void lowest_host_bit(const struct nr_mask *m, uint8_t *bit)
{
    memset(bit, 0, 16);
    for (int i = m->len - 1; i >= 0; i--) {
        uint8_t z = (uint8_t)~m->b[i];
        if (z) {
            bit[i] = (uint8_t)(z & -z);
            return;
        }
    }
}

static int count_zeros(const struct nr_mask *m)
{
    int z = 0;
    for (int i = 0; i < m->len; i++)
        for (uint8_t v = (uint8_t)~m->b[i]; v; v &= (uint8_t)(v - 1))
            z++;
    return z;
}

/* Broadcast and host range: RFC 950 style for IPv4 (all-zeros and all-ones
 * host parts excluded, also for non-contiguous masks), RFC 3021 for /31,
 * a single host for /32; IPv6 has no broadcast, every address is usable. */
static void host_range(struct nr_subnet *sn)
{
    uint8_t low[16];
    struct nr_ip top = sn->network;
    for (int i = 0; i < top.len; i++)
        top.b[i] |= (uint8_t)~sn->mask.b[i];
    sn->first = sn->network;
    sn->last = top;
    sn->has_broadcast = top.len == 4 && sn->hostbits >= 2;
    if (sn->has_broadcast) {
        sn->broadcast = top;
        lowest_host_bit(&sn->mask, low);
        for (int i = 0; i < 4; i++) {
            sn->first.b[i] |= low[i];
            sn->last.b[i] &= (uint8_t)~low[i];
        }
    }
}

char *nr_ipnet_str(const struct nr_ip *network, const struct nr_mask *m, char *buf, size_t n)
{
    struct nr_ip ip;
    struct nr_mask mm = *m;
    char a[NR_ADDRSTRLEN], hex[33];
    int ones, bits;
    memset(&ip, 0, sizeof ip);
    ip.len = nr_ip_is4(network) ? 4 : network->len;
    memcpy(ip.b, ip.len == 4 ? nr_ip_v4bytes(network) : network->b, ip.len);
    if (mm.len == 16 && ip.len == 4) {   /* networkNumberAndMask */
        memmove(mm.b, mm.b + 12, 4);
        mm.len = 4;
    }
    if (mm.len != ip.len || (ip.len != 4 && ip.len != 16)) {
        snprintf(buf, n, "<nil>");
        return buf;
    }
    nr_ip_str(&ip, a, sizeof a);
    nr_mask_size(&mm, &ones, &bits);
    if (bits)
        snprintf(buf, n, "%s/%d", a, ones);
    else
        snprintf(buf, n, "%s/%s", a, nr_mask_hex(&mm, hex, sizeof hex));
    return buf;
}

int nr_subnet_calc(const struct nr_ip *ip, const struct nr_mask *m,
                   struct nr_subnet *sn, char *err, size_t errlen)
{
    struct nr_ip a;
    memset(sn, 0, sizeof *sn);
    if (fit(ip, m, &a, &sn->mask) < 0)
        return nr_err(err, errlen, "a %d-bit mask does not fit an %s address",
                      m->len * 8, ip->len == 4 ? "IPv4" : "IPv6");
    sn->network = sn->host = a;
    for (int i = 0; i < a.len; i++) {
        sn->network.b[i] &= sn->mask.b[i];
        sn->host.b[i] &= (uint8_t)~sn->mask.b[i];
    }
    /* Size and String are the given mask's, as Go's: a 16-byte mask on an
     * IPv4 address is 120 128, not 24 32. */
    sn->given = *m;
    nr_mask_size(m, &sn->ones, &sn->bits);
    sn->contiguous = sn->bits != 0;
    sn->hostbits = count_zeros(&sn->mask);
    host_range(sn);
    nr_pow2_dec(sn->hostbits, 0, sn->addresses, sizeof sn->addresses);
    if (a.len == 4 && sn->hostbits >= 2)
        nr_pow2_dec(sn->hostbits, 2, sn->hosts, sizeof sn->hosts);
    else   /* IPv6, /31 (RFC 3021: both) and /32: every address is a host */
        memcpy(sn->hosts, sn->addresses, sizeof sn->hosts);
    return 0;
}
