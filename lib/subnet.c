/* lib/subnet — prefixes and ranges as 128-bit numbers (see subnet.h).
 * Two 64-bit halves rather than unsigned __int128, so it builds where
 * there is none. */
#include "lib/subnet.h"
#include "lib/mask.h"
#include "lib/util.h"

#include <stdlib.h>
#include <string.h>

/* ---- 128-bit helpers (values kept within the family's width) ---- */

static struct nr_u128 u_shl(struct nr_u128 v, int k)
{
    struct nr_u128 r = { 0, 0 };
    if (k >= 128)
        return r;
    if (k >= 64) {
        r.hi = v.lo << (k - 64);
    } else if (k > 0) {
        r.hi = v.hi << k | v.lo >> (64 - k);
        r.lo = v.lo << k;
    } else {
        r = v;
    }
    return r;
}

static struct nr_u128 u_ones(int bits)
{
    struct nr_u128 r = { bits == 128 ? ~0ULL : 0, bits == 128 ? ~0ULL : 0xffffffffULL };
    return r;
}

static struct nr_u128 u_and(struct nr_u128 a, struct nr_u128 b)
{
    struct nr_u128 r = { a.hi & b.hi, a.lo & b.lo };
    return r;
}

static struct nr_u128 u_or(struct nr_u128 a, struct nr_u128 b)
{
    struct nr_u128 r = { a.hi | b.hi, a.lo | b.lo };
    return r;
}

/* NOT within the width. */
static struct nr_u128 u_not(struct nr_u128 a, int bits)
{
    struct nr_u128 r = { ~a.hi, ~a.lo };
    return u_and(r, u_ones(bits));
}

static struct nr_u128 u_add(struct nr_u128 a, struct nr_u128 b)
{
    struct nr_u128 r = { a.hi + b.hi, a.lo + b.lo };
    if (r.lo < a.lo)
        r.hi++;
    return r;
}

static struct nr_u128 u_sub(struct nr_u128 a, struct nr_u128 b)
{
    struct nr_u128 r = { a.hi - b.hi, a.lo - b.lo };
    if (a.lo < b.lo)
        r.hi--;
    return r;
}

static bool u_eq(struct nr_u128 a, struct nr_u128 b)
{
    return a.hi == b.hi && a.lo == b.lo;
}

static int ctz64(uint64_t v)
{
    int n = 0;
    while (!(v & 1)) {
        v >>= 1;
        n++;
    }
    return n;
}

/* Trailing zero bits, at most `bits`. */
static int u_ctz(struct nr_u128 v, int bits)
{
    int n = v.lo ? ctz64(v.lo) : v.hi ? 64 + ctz64(v.hi) : 128;
    return n < bits ? n : bits;
}

/* Index of the highest set bit plus one (0 for zero). */
static int u_bitlen(struct nr_u128 v)
{
    int n = 0;
    uint64_t w = v.hi ? v.hi : v.lo;
    while (w) {
        w >>= 1;
        n++;
    }
    return v.hi ? 64 + n : n;
}

int nr_u128_cmp(struct nr_u128 a, struct nr_u128 b)
{
    if (a.hi != b.hi)
        return a.hi < b.hi ? -1 : 1;
    return a.lo < b.lo ? -1 : a.lo > b.lo;
}

struct nr_u128 nr_u128_inc(struct nr_u128 v)
{
    struct nr_u128 one = { 0, 1 };
    return u_add(v, one);
}

struct nr_u128 nr_u128_mask(int len, int bits)
{
    return u_and(u_shl(u_ones(bits), bits - len), u_ones(bits));
}

int nr_u128_diffbit(struct nr_u128 a, struct nr_u128 b, int bits)
{
    struct nr_u128 x = { a.hi ^ b.hi, a.lo ^ b.lo };
    return bits - u_bitlen(x);
}

/* ---- addresses ---- */

struct nr_u128 nr_ip_u128(const struct nr_ip *ip, int *bits)
{
    struct nr_u128 v = { 0, 0 };
    for (int i = 0; i < ip->len; i++) {
        if (ip->len == 16 && i < 8)
            v.hi = v.hi << 8 | ip->b[i];
        else
            v.lo = v.lo << 8 | ip->b[i];
    }
    if (bits)
        *bits = ip->len * 8;
    return v;
}

void nr_u128_ip(struct nr_u128 v, int bits, struct nr_ip *ip)
{
    memset(ip, 0, sizeof *ip);
    ip->len = (uint8_t)(bits / 8);
    for (int i = ip->len - 1; i >= 0; i--) {
        if (ip->len == 16 && i < 8) {
            ip->b[i] = (uint8_t)v.hi;
            v.hi >>= 8;
        } else {
            ip->b[i] = (uint8_t)v.lo;
            v.lo >>= 8;
        }
    }
}

/* ---- parsing ---- */

static int parse_addr(const char *s, size_t n, struct nr_u128 *v, int *bits)
{
    char a[64];
    struct nr_ip ip;
    if (n == 0 || n >= sizeof a)
        return -1;
    memcpy(a, s, n);
    a[n] = 0;
    if (nr_ip_parse(a, &ip, false) < 0)
        return -1;
    *v = nr_ip_u128(&ip, bits);
    return 0;
}

int nr_prefix_parse(const char *s, struct nr_prefix *p, bool *had_host,
                    char *err, size_t errlen)
{
    const char *slash = strchr(s, '/');
    size_t n = slash ? (size_t)(slash - s) : strlen(s);
    struct nr_u128 v;
    long long len;
    memset(p, 0, sizeof *p);
    if (parse_addr(s, n, &v, &p->bits) < 0)
        return nr_err(err, errlen, "invalid IP address");
    len = p->bits;
    if (slash) {
        const char *t = slash + 1;
        if (!*t || strspn(t, "0123456789") != strlen(t) || strlen(t) > 3)
            return nr_err(err, errlen, "invalid prefix length '%s'", t);
        len = atoi(t);
        if (len > p->bits)
            return nr_err(err, errlen, "prefix length %lld out of range (0-%d for %s)",
                          len, p->bits, p->bits == 32 ? "IPv4" : "IPv6");
    }
    p->len = (int)len;
    p->net = u_and(v, nr_u128_mask(p->len, p->bits));
    if (had_host)
        *had_host = !u_eq(p->net, v);
    return 0;
}

int nr_range_parse(const char *s, struct nr_range *r, char *err, size_t errlen)
{
    const char *dash = strchr(s, '-');
    int b2;
    memset(r, 0, sizeof *r);
    if (!dash) {
        struct nr_prefix p;
        if (nr_prefix_parse(s, &p, NULL, err, errlen) < 0)
            return -1;
        *r = nr_prefix_range(&p);
        return 0;
    }
    if (parse_addr(s, (size_t)(dash - s), &r->lo, &r->bits) < 0)
        return nr_err(err, errlen, "invalid IP address before '-'");
    if (parse_addr(dash + 1, strlen(dash + 1), &r->hi, &b2) < 0)
        return nr_err(err, errlen, "invalid IP address after '-'");
    if (b2 != r->bits)
        return nr_err(err, errlen, "a range cannot mix IPv4 and IPv6");
    if (nr_u128_cmp(r->lo, r->hi) > 0)
        return nr_err(err, errlen, "the range ends before it starts");
    return 0;
}

/* ---- prefixes and ranges ---- */

struct nr_range nr_prefix_range(const struct nr_prefix *p)
{
    struct nr_range r;
    r.bits = p->bits;
    r.lo = p->net;
    r.hi = u_or(p->net, u_not(nr_u128_mask(p->len, p->bits), p->bits));
    return r;
}

bool nr_prefix_contains(const struct nr_prefix *outer, const struct nr_prefix *inner)
{
    if (outer->bits != inner->bits || inner->len < outer->len)
        return false;
    return u_eq(u_and(inner->net, nr_u128_mask(outer->len, outer->bits)), outer->net);
}

struct nr_prefix nr_range_supernet(const struct nr_range *r)
{
    struct nr_prefix p;
    p.bits = r->bits;
    p.len = nr_u128_diffbit(r->lo, r->hi, r->bits);
    p.net = u_and(r->lo, nr_u128_mask(p.len, p.bits));
    return p;
}

int nr_range_cidrs(const struct nr_range *r, nr_prefix_fn fn, void *arg)
{
    struct nr_u128 lo = r->lo;
    for (;;) {
        struct nr_u128 d = u_sub(r->hi, lo);
        /* The largest block that starts at lo and ends by hi. */
        int room = u_eq(d, u_ones(r->bits)) ? r->bits : u_bitlen(nr_u128_inc(d)) - 1;
        int k = u_ctz(lo, r->bits);
        if (room < k)
            k = room;
        struct nr_prefix p = { lo, r->bits - k, r->bits };
        int rc = fn(arg, &p);
        if (rc)
            return rc;
        struct nr_u128 last = nr_prefix_range(&p).hi;
        if (nr_u128_cmp(last, r->hi) >= 0)
            return 0;
        lo = nr_u128_inc(last);
    }
}

static int range_cmp(const void *a, const void *b)
{
    const struct nr_range *x = a, *y = b;
    int c = nr_u128_cmp(x->lo, y->lo);
    return c ? c : nr_u128_cmp(x->hi, y->hi);
}

size_t nr_ranges_merge(struct nr_range *rs, size_t n)
{
    size_t k = 0;
    if (n == 0)
        return 0;
    qsort(rs, n, sizeof *rs, range_cmp);
    for (size_t i = 1; i < n; i++) {
        struct nr_range *cur = &rs[k];
        bool top = u_eq(cur->hi, u_ones(cur->bits));
        if (top || nr_u128_cmp(rs[i].lo, nr_u128_inc(cur->hi)) <= 0) {
            if (nr_u128_cmp(rs[i].hi, cur->hi) > 0)
                cur->hi = rs[i].hi;
        } else {
            rs[++k] = rs[i];
        }
    }
    return k + 1;
}

/* ---- splitting ---- */

char *nr_split_count(const struct nr_prefix *p, int len, char *buf, size_t n)
{
    return nr_pow2_dec(len - p->len, 0, buf, n);
}

struct nr_prefix nr_split_nth(const struct nr_prefix *p, int len, struct nr_u128 i)
{
    struct nr_prefix s = { u_or(p->net, u_shl(i, p->bits - len)), len, p->bits };
    return s;
}

char *nr_bits_str(const uint8_t *b, int n, char *buf)
{
    for (int i = 0; i < n * 8; i++)
        buf[i] = (char)('0' + (b[i / 8] >> (7 - i % 8) & 1));
    buf[n * 8] = 0;
    return buf;
}

struct nr_u128 nr_u128_sub(struct nr_u128 hi, struct nr_u128 lo)
{
    return u_sub(hi, lo);
}

struct nr_u128 nr_u128_add(struct nr_u128 a, struct nr_u128 b)
{
    return u_add(a, b);
}

char *nr_u128_dec(struct nr_u128 v, bool plus_one, char *buf, size_t n)
{
    uint32_t w[4] = { (uint32_t)(v.hi >> 32), (uint32_t)v.hi, (uint32_t)(v.lo >> 32), (uint32_t)v.lo };
    char d[48];
    int k = 0;
    do {   /* long division of the four 32-bit limbs by 10 */
        uint64_t rem = 0;
        for (int i = 0; i < 4; i++) {
            uint64_t cur = rem << 32 | w[i];
            w[i] = (uint32_t)(cur / 10);
            rem = cur % 10;
        }
        d[k++] = (char)('0' + rem);
    } while (w[0] | w[1] | w[2] | w[3]);
    for (int i = 0; plus_one; i++) {   /* d holds digits lowest first */
        if (i == k)
            d[k++] = '0';
        plus_one = d[i] == '9';
        d[i] = plus_one ? '0' : (char)(d[i] + 1);
    }
    size_t j = 0;
    while (k > 0 && j + 1 < n)
        buf[j++] = d[--k];
    if (n)
        buf[j] = 0;
    return buf;
}
