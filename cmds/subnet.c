/* cmds/subnet — subnetting as a lesson draws it: `subnet PREFIX split
 * /LEN|N` (the subnets, each with its host range), `subnet PREFIX contains
 * ADDR|PREFIX` (yes or no, and the bits that decide it), and `subnet
 * PREFIX|A-B...` (the fewest CIDRs covering exactly those addresses, the
 * exact decomposition of a range, and the one prefix covering them all).
 * The arithmetic is lib/subnet; the per-subnet view is lib/mask's. */
#include "shell/shell.h"
#include "lib/addr.h"
#include "lib/mask.h"
#include "lib/subnet.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Longer lists need --all. */
enum { SPLIT_MAX = 65536 };

struct subnet_opts {
    bool all;   /* --all */
};

/* An address of a 128-bit family stays IPv6 text even when it is
 * v4-mapped (::ffff:10.0.0.1, not Go's 10.0.0.1), as in any list of
 * IPv6 prefixes. */
static char *num_ip(struct nr_u128 v, int bits, char *buf, size_t n)
{
    struct nr_ip ip;
    nr_u128_ip(v, bits, &ip);
    if (bits == 128 && nr_ip_is4(&ip) && inet_ntop(AF_INET6, ip.b, buf, (socklen_t)n))
        return buf;
    return nr_ip_str(&ip, buf, n);
}

static char *prefix_str(const struct nr_prefix *p, char *buf, size_t n)
{
    num_ip(p->net, p->bits, buf, n);
    size_t l = strlen(buf);
    snprintf(buf + l, n - l, "/%d", p->len);
    return buf;
}

/* ---- split ---- */

struct split {
    struct nr_prefix p;
    int len;           /* of each subnet */
    int w_net, w_ip;   /* column widths */
};

/* The subnet length for "/LEN" or "N" subnets; -1 after reporting. */
static int split_len(struct shell *sh, const struct nr_prefix *p, const char *w, const char *pw)
{
    char err[NR_ERRLEN];
    long long v;
    if (w[0] == '/') {
        if (nr_parse_ll(w + 1, 0, p->bits, &v, err, sizeof err) < 0)
            return cmd_error(sh, "%s split %s: prefix length out of range (0-%d for %s)", pw, w,
                             p->bits, p->bits == 32 ? "IPv4" : "IPv6"), -1;
        if (v < p->len)
            return cmd_error(sh, "%s split %s: shorter than the prefix itself (want /%d to /%d)",
                             pw, w, p->len, p->bits), -1;
        return (int)v;
    }
    if (nr_parse_ll(w, 1, 1LL << 62, &v, err, sizeof err) < 0)
        return cmd_error(sh, "%s split %s: want /LEN or a number of subnets from 1", pw, w), -1;
    int k = 0;
    while ((1LL << k) < v)
        k++;
    if (k > p->bits - p->len)
        return cmd_error(sh, "%s split %s: room for at most 2^%d subnets", pw, w,
                         p->bits - p->len), -1;
    return p->len + k;
}

static void split_header(struct shell *sh, const struct split *s, const char *count,
                         const char *want)
{
    struct nr_ip ip;
    struct nr_mask m;
    struct nr_subnet sn;
    char buf[NR_ADDRSTRLEN];
    nr_u128_ip(s->p.net, s->p.bits, &ip);
    nr_mask_cidr(s->len, s->p.bits, &m);
    nr_subnet_calc(&ip, &m, &sn, NULL, 0);
    out_begin(sh, "split");
    out_str(sh, "prefix", "%s split", prefix_str(&s->p, buf, sizeof buf));
    if (want && want[0] != '/')
        out_str(sh, "wanted", " in %s:", want);
    else
        out_str(sh, "wanted", NULL, want);
    out_int(sh, "length", " /%lld", s->len);
    out_int(sh, "more_bits", " (%lld more network bit", s->len - s->p.len);
    out_text(sh, "%s)", s->len - s->p.len == 1 ? "" : "s");
    out_num(sh, "count", " gives %s", count);
    out_text(sh, " subnet%s", strcmp(count, "1") ? "s" : "");
    out_num(sh, "addresses", " of %s", sn.addresses);
    out_text(sh, " address%s", strcmp(sn.addresses, "1") ? "es" : "");
    out_num(sh, "hosts", ", %s", sn.hosts);
    out_text(sh, " host%s each\n", strcmp(sn.hosts, "1") ? "s" : "");
    out_end(sh);
}

static void split_row(struct shell *sh, const struct split *s, const struct nr_prefix *p)
{
    struct nr_ip ip;
    struct nr_mask m;
    struct nr_subnet sn;
    char net[NR_ADDRSTRLEN], a[NR_ADDRSTRLEN];
    nr_u128_ip(p->net, p->bits, &ip);
    nr_mask_cidr(p->len, p->bits, &m);
    nr_subnet_calc(&ip, &m, &sn, NULL, 0);
    out_begin(sh, "subnet");
    out_str(sh, "network", NULL, num_ip(nr_ip_u128(&sn.network, NULL), p->bits, a, sizeof a));
    out_str(sh, "cidr", NULL, prefix_str(p, net, sizeof net));
    out_text(sh, "%-*s", s->w_net, net);
    out_str(sh, "first", NULL, num_ip(nr_ip_u128(&sn.first, NULL), p->bits, a, sizeof a));
    out_text(sh, "  %-*s", s->w_ip, a);
    out_str(sh, "last", NULL, num_ip(nr_ip_u128(&sn.last, NULL), p->bits, a, sizeof a));
    out_text(sh, "  %-*s", s->w_ip, a);
    if (p->bits == 32) {
        if (sn.has_broadcast)
            out_str(sh, "broadcast", NULL, nr_ip_str(&sn.broadcast, a, sizeof a));
        else
            out_null(sh, "broadcast");
        out_text(sh, "  %-*s", s->w_ip, sn.has_broadcast ? a : "-");
    }
    out_num(sh, "hosts", "  %s\n", sn.hosts);
    out_end(sh);
}

static void split_columns(struct shell *sh, struct split *s)
{
    char buf[NR_ADDRSTRLEN];
    struct nr_range r = nr_prefix_range(&s->p);
    s->w_ip = (int)strlen(num_ip(r.hi, s->p.bits, buf, sizeof buf));
    if (s->w_ip < 15 && s->p.bits == 32)
        s->w_ip = 15;
    if (s->w_ip < 9)
        s->w_ip = 9;
    s->w_net = s->w_ip + 4;
    out_text(sh, "%-*s  %-*s  %-*s", s->w_net, "network", s->w_ip, "first", s->w_ip, "last");
    if (s->p.bits == 32)
        out_text(sh, "  %-*s", s->w_ip, "broadcast");
    out_text(sh, "  hosts\n");
}

static int split_run(struct shell *sh, const struct cmd_call *c, const struct nr_prefix *p)
{
    const struct subnet_opts *o = c->opts;
    struct split s = { *p, 0, 0, 0 };
    char count[48];
    if (c->npos != 3)
        return cmd_usage(sh, "split takes one /LEN or a number of subnets");
    s.len = split_len(sh, p, c->pos[2], c->pos[0]);
    if (s.len < 0)
        return CMD_FAIL;
    nr_split_count(p, s.len, count, sizeof count);
    split_header(sh, &s, count, c->pos[2]);
    if (s.len - p->len > 16 && !o->all)
        return cmd_error(sh, "%s split %s: %s subnets is more than %d lines (add --all to list them)",
                         c->pos[0], c->pos[2], count, SPLIT_MAX);
    split_columns(sh, &s);
    struct nr_u128 i = { 0, 0 }, top = nr_prefix_range(p).hi;
    for (;; i = nr_u128_inc(i)) {
        struct nr_prefix sub = nr_split_nth(p, s.len, i);
        split_row(sh, &s, &sub);
        if (nr_u128_cmp(nr_prefix_range(&sub).hi, top) >= 0)
            break;
        if ((i.lo & 4095) == 4095 && sh->interrupted)
            return cmd_error(sh, "%s split %s: interrupted", c->pos[0], c->pos[2]);
    }
    return CMD_OK;
}

/* ---- contains ---- */

/* The first `n` bits of v grouped as mask shows them (8 or 16 a group). */
static char *bits_prefix(struct nr_u128 v, int bits, int n, char *out)
{
    struct nr_ip ip;
    char b[129];
    int group = bits == 32 ? 8 : 16, k = 0;
    nr_u128_ip(v, bits, &ip);
    nr_bits_str(ip.b, ip.len, b);
    for (int i = 0; i < n; i++) {
        if (i && i % group == 0)
            out[k++] = bits == 32 ? '.' : ':';
        out[k++] = b[i];
    }
    out[k] = 0;
    return out;
}

/* Text: the network's bits over the item's, the first differing one named. */
static void contains_bits(struct shell *sh, const struct nr_prefix *net,
                          const struct nr_prefix *item, const char *iw, int diff)
{
    char a[160], b[160];
    int w = (int)strlen(iw) > 12 ? (int)strlen(iw) : 12;
    if (net->len == 0) {
        out_text(sh, "  a /0 has no network bits: every %s address is in it\n",
                 net->bits == 32 ? "IPv4" : "IPv6");
        return;
    }
    out_text(sh, "  %-*s  %s\n", w, "network bits", bits_prefix(net->net, net->bits, net->len, a));
    out_text(sh, "  %-*s  %s", w, iw, bits_prefix(item->net, item->bits, net->len, b));
    if (diff < net->len)
        out_text(sh, "  (bit %d differs)", diff + 1);
    else
        out_text(sh, "  (the first %d bits match)", net->len);
    out_text(sh, "\n");
}

static int contains_run(struct shell *sh, const struct cmd_call *c, const struct nr_prefix *net)
{
    struct nr_prefix item;
    char err[NR_ERRLEN], nb[NR_ADDRSTRLEN], lo[NR_ADDRSTRLEN], hi[NR_ADDRSTRLEN];
    bool has_slash;
    if (c->npos != 3)
        return cmd_usage(sh, "contains takes one ADDR or PREFIX");
    const char *iw = c->pos[2];
    has_slash = strchr(iw, '/') != NULL;
    if (nr_prefix_parse(iw, &item, NULL, err, sizeof err) < 0)
        return cmd_error(sh, "%s: %s", iw, err);
    struct nr_range r = nr_prefix_range(net);
    prefix_str(net, nb, sizeof nb);
    num_ip(r.lo, r.bits, lo, sizeof lo);
    num_ip(r.hi, r.bits, hi, sizeof hi);
    bool yes = nr_prefix_contains(net, &item);
    int diff = nr_u128_diffbit(net->net, item.net, net->bits);
    out_begin(sh, "contains");
    out_str(sh, "prefix", NULL, nb);
    out_str(sh, "item", NULL, iw);
    out_bool(sh, "contains", NULL, yes);
    out_text(sh, "%s: %s %s in %s (%s - %s)", yes ? "yes" : "no", iw,
             yes ? "is" : "is not", nb, lo, hi);
    if (item.bits != net->bits) {
        out_str(sh, "reason", "\n  %s\n", item.bits == 32 ? "an IPv4 item is never in an IPv6 prefix"
                                                           : "an IPv6 item is never in an IPv4 prefix");
    } else if (has_slash && item.len < net->len) {
        out_str(sh, "reason", "\n  %s\n", nr_prefix_contains(&item, net)
                ? "it is larger: it contains the prefix instead"
                : "it is larger than the prefix");
    } else {
        out_int(sh, "first_differing_bit", NULL, diff < net->len ? diff + 1 : 0);
        out_text(sh, "\n");
        contains_bits(sh, net, &item, iw, diff);
    }
    out_end(sh);
    return CMD_OK;
}

/* ---- aggregation and ranges ---- */

static int cidr_row(void *arg, const struct nr_prefix *p)
{
    struct shell *sh = arg;
    char net[NR_ADDRSTRLEN], lo[NR_ADDRSTRLEN], hi[NR_ADDRSTRLEN], n[48];
    struct nr_range r = nr_prefix_range(p);
    out_begin(sh, "cidr");
    out_str(sh, "cidr", NULL, prefix_str(p, net, sizeof net));
    out_str(sh, "first", NULL, num_ip(r.lo, r.bits, lo, sizeof lo));
    out_str(sh, "last", NULL, num_ip(r.hi, r.bits, hi, sizeof hi));
    out_text(sh, "%-*s  %s - %s", p->bits == 32 ? 18 : 24, net, lo, hi);
    out_num(sh, "addresses", "  (%s)\n", nr_u128_dec(nr_u128_sub(r.hi, r.lo), true, n, sizeof n));
    out_end(sh);
    return 0;
}

static int count_cidr(void *arg, const struct nr_prefix *p)
{
    (*(size_t *)arg)++;
    return 0;
}

/* The inputs as ranges of one family, or -1 after reporting. */
static int read_ranges(struct shell *sh, const struct cmd_call *c, struct nr_range *rs)
{
    char err[NR_ERRLEN];
    for (int i = 0; i < c->npos; i++) {
        if (nr_range_parse(c->pos[i], &rs[i], err, sizeof err) < 0)
            return cmd_error(sh, "%s: %s", c->pos[i], err), -1;
        if (rs[i].bits != rs[0].bits)
            return cmd_error(sh, "%s: %s mixed with %s (aggregate one family at a time)",
                             c->pos[i], rs[i].bits == 32 ? "IPv4" : "IPv6",
                             rs[0].bits == 32 ? "IPv4" : "IPv6"), -1;
    }
    return 0;
}

static void aggregate_summary(struct shell *sh, const struct nr_range *rs, size_t n,
                              int inputs, size_t ncidr)
{
    struct nr_u128 total = { 0, 0 };
    char t[48], sup[NR_ADDRSTRLEN], extra[48];
    for (size_t i = 0; i < n; i++)
        total = nr_u128_add(total, nr_u128_sub(rs[i].hi, rs[i].lo));
    total = nr_u128_add(total, (struct nr_u128){ 0, n - 1 });   /* total - 1 */
    struct nr_range all = { rs[0].lo, rs[n - 1].hi, rs[0].bits };
    struct nr_prefix s = nr_range_supernet(&all);
    struct nr_range sr = nr_prefix_range(&s);
    out_begin(sh, "aggregate");
    out_int(sh, "inputs", "%lld input", inputs);
    out_text(sh, "%s, ", inputs == 1 ? "" : "s");
    out_num(sh, "addresses", "%s addresses", nr_u128_dec(total, true, t, sizeof t));
    out_uint(sh, "cidrs", " in %llu CIDR", (unsigned long long)ncidr);
    out_text(sh, "%s", ncidr == 1 ? "" : "s");
    out_str(sh, "supernet", "; smallest single prefix %s", prefix_str(&s, sup, sizeof sup));
    nr_u128_dec(nr_u128_sub(nr_u128_sub(sr.hi, sr.lo), total), false, extra, sizeof extra);
    out_num(sh, "supernet_extra", NULL, extra);
    if (strcmp(extra, "0"))
        out_text(sh, " (%s address%s not in the input)\n", extra, strcmp(extra, "1") ? "es" : "");
    else
        out_text(sh, " (exactly the input)\n");
    out_end(sh);
}

static int aggregate_run(struct shell *sh, const struct cmd_call *c)
{
    struct nr_range *rs = calloc((size_t)c->npos, sizeof *rs);
    size_t ncidr = 0;
    if (!rs)
        return cmd_error(sh, "out of memory");
    if (read_ranges(sh, c, rs) < 0) {
        free(rs);
        return CMD_FAIL;
    }
    size_t n = nr_ranges_merge(rs, (size_t)c->npos);
    for (size_t i = 0; i < n; i++)
        nr_range_cidrs(&rs[i], count_cidr, &ncidr);
    aggregate_summary(sh, rs, n, c->npos, ncidr);
    for (size_t i = 0; i < n; i++)
        nr_range_cidrs(&rs[i], cidr_row, sh);
    free(rs);
    return CMD_OK;
}

static int subnet_run(struct shell *sh, const struct cmd_call *c)
{
    struct nr_prefix p;
    char err[NR_ERRLEN];
    if (c->npos < 1)
        return cmd_usage(sh, "needs a PREFIX");
    for (int i = 0; i < c->npos; i++)
        if (memchr(c->pos[i], 0, c->poslen[i]))
            return cmd_error(sh, "argument %d holds a NUL byte", i + 1);
    bool sub = c->npos >= 2 && (!strcmp(c->pos[1], "split") || !strcmp(c->pos[1], "contains"));
    if (!sub)
        return aggregate_run(sh, c);
    if (nr_prefix_parse(c->pos[0], &p, NULL, err, sizeof err) < 0)
        return cmd_error(sh, "%s: %s", c->pos[0], err);
    return c->pos[1][0] == 's' ? split_run(sh, c, &p) : contains_run(sh, c, &p);
}

static const char *const subnet_subs[] = { "split", "contains", NULL };

static const struct nr_pos subnet_pos[] = {
    { "PREFIX|A-B", POS_WORD, NULL, 0 },
    { "split /LEN|N|contains ADDR|PREFIX|PREFIX...", POS_ENUM, subnet_subs, POS_OPTIONAL },
    { "ARG", POS_WORD, NULL, POS_OPTIONAL | POS_REPEAT | POS_HIDDEN },
    POS_END,
};

static const struct nr_opt subnet_options[] = {
    { "--all", NULL, OPT_FLAG, offsetof(struct subnet_opts, all), 0, 0, NULL,
      "split: list every subnet even past 65536 lines", NULL, 0, 0 },
    OPT_END,
};

const struct nr_cmd cmd_subnet = {
    .name = "subnet",
    .summary = "split a prefix, test containment, aggregate prefixes and ranges",
    .help =
    "PREFIX is ADDR/N (host bits are dropped: 10.1.2.3/8 is 10.0.0.0/8) or a\n"
    "bare ADDR (/32 or /128); IPv4 and IPv6 alike.\n"
    "split /LEN lists the subnets of that length; split N the fewest equal\n"
    "subnets that make at least N (the next power of two). A first line gives\n"
    "the count and the size of each; then one line per subnet: network,\n"
    "first and last host, broadcast (IPv4) and hosts. More than 65536 lines\n"
    "are refused unless --all.\n"
    "contains ADDR|PREFIX answers yes or no and shows why: the network bits\n"
    "over the same bits of the address, the first differing bit named.\n"
    "Anything else is a list of prefixes, addresses and A-B ranges of one\n"
    "family: prints the fewest CIDRs that cover exactly those addresses\n"
    "(aggregation; for one range its exact CIDR decomposition) and the\n"
    "smallest single prefix that covers them all.\n"
    "Example: subnet 192.168.0.0/24 split /26\n"
    "Example: subnet 10.0.0.0/8 contains 10.20.30.40\n"
    "Example: subnet 10.0.0.0/24 10.0.1.0/24 10.0.2.0/24\n"
    "Example: subnet 192.0.2.5-192.0.2.20\n",
    .pos = subnet_pos,
    .opts = subnet_options,
    .opts_size = sizeof(struct subnet_opts),
    .flags = CMD_ARITY_SELF,
    .run = subnet_run,
};
