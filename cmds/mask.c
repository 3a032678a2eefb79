/* cmds/mask — `mask ADDR[/N]` and `mask ADDR MASK`: the subnet an address
 * lies in, ipcalc style, with Go's IPMask semantics (lib/mask). */
#include "shell/shell.h"
#include "lib/addr.h"
#include "lib/escape.h"
#include "lib/mask.h"
#include "lib/subnet.h"

#include <stdio.h>
#include <string.h>

struct mask_in {
    struct nr_ip ip;
    struct nr_mask m;
    bool dflt;        /* no mask given: DefaultMask */
    char cls[2];      /* its class */
};

/* Quotes an empty argument so the error line still names it. */
static const char *shown(const char *s)
{
    return *s ? s : "\"\"";
}

/* ADDR[/MASK] in w, MASK in mtext (NULL: after the / or the default).
 * Returns 0, or CMD_FAIL after reporting. */
static int read_args(struct shell *sh, const char *w, const char *mtext, struct mask_in *in)
{
    char addr[128], err[NR_ERRLEN];
    const char *slash = strrchr(w, '/');
    size_t n = slash ? (size_t)(slash - w) : strlen(w);
    if (slash && mtext)
        return cmd_usage(sh, "%s: give ADDR/N or ADDR MASK, not both", w);
    if (n >= sizeof addr)
        return cmd_error(sh, "%s: invalid IP address", w);
    memcpy(addr, w, n);
    addr[n] = 0;
    if (nr_ip_parse(addr, &in->ip, true) < 0)
        return cmd_error(sh, "%s: invalid IP address", shown(w));
    int bits = strchr(addr, ':') ? 128 : 32;
    if (slash)
        mtext = slash;   /* "/00000024" is a prefix length, as ParseCIDR */
    if (mtext) {
        if (nr_mask_parse(mtext, bits, &in->m, err, sizeof err) < 0)
            return cmd_error(sh, "%s: %s", shown(slash ? w : mtext), err);
        return 0;
    }
    in->dflt = true;
    if (nr_mask_default(&in->ip, &in->m, in->cls) < 0)
        return cmd_error(sh, "%s: IPv6 has no default mask (give ADDR/N)", w);
    return 0;
}

static void put_mask(struct shell *sh, const struct mask_in *in, const struct nr_subnet *sn)
{
    char dot[NR_ADDRSTRLEN], hex[33];
    out_str(sh, "mask", "mask      %s", nr_mask_str(&sn->given, dot, sizeof dot));
    out_str(sh, "mask_hex", " = %s", nr_mask_hex(&sn->given, hex, sizeof hex));
    if (sn->contiguous)
        out_int(sh, "prefix", " = /%lld", sn->ones);
    else
        out_null(sh, "prefix");
    out_bool(sh, "contiguous", NULL, sn->contiguous);
    out_text(sh, "%s", sn->contiguous ? "" : " (non-contiguous)");
    out_bool(sh, "default", NULL, in->dflt);
    if (in->dflt)
        out_str(sh, "class", " (default, class %s)", in->cls);
    else
        out_null(sh, "class");
    out_text(sh, "\n");
    out_int(sh, "ones", "size      %lld", sn->ones);
    out_int(sh, "bits", " %lld", sn->bits);
    out_text(sh, "%s\n", sn->contiguous ? "" : " (Go's Size of a non-contiguous mask)");
}

/* fmt: the text line, "first     %s\n" (a macro, so the compiler checks
 * each literal against the string it gets). */
#define put_addr(sh, key, fmt, ip)                                    \
    do {                                                              \
        char addr_[NR_ADDRSTRLEN];                                    \
        out_str(sh, key, fmt, nr_ip_str(ip, addr_, sizeof addr_));    \
    } while (0)

static const char *no_broadcast(const struct nr_subnet *sn)
{
    if (sn->mask.len == 16)
        return "none (IPv6 has no broadcast)";
    return sn->hostbits == 1 ? "none (point-to-point, RFC 3021)" : "none (single host)";
}

static void put_subnet(struct shell *sh, const struct nr_subnet *sn)
{
    char buf[NR_ADDRSTRLEN], cidr[NR_ADDRSTRLEN + 40];
    nr_ip_str(&sn->network, buf, sizeof buf);
    out_str(sh, "network", NULL, buf);
    if (sn->contiguous) {
        /* Go's IPNet.String: ::ffff:0:0/96 is 0.0.0.0/0 */
        out_str(sh, "cidr", "network   %s\n", nr_ipnet_str(&sn->network, &sn->given, cidr, sizeof cidr));
    } else {
        out_null(sh, "cidr");
        out_text(sh, "network   %s\n", buf);
    }
    put_addr(sh, "host", "host      %s\n", &sn->host);
    if (sn->has_broadcast) {
        put_addr(sh, "broadcast", "broadcast %s\n", &sn->broadcast);
    } else {
        out_null(sh, "broadcast");
        out_text(sh, "broadcast %s\n", no_broadcast(sn));
    }
    put_addr(sh, "first", "first     %s\n", &sn->first);
    put_addr(sh, "last", "last      %s\n", &sn->last);
    out_num(sh, "addresses", "addresses %s", sn->addresses);
    out_int(sh, "host_bits", " (2^%lld)\n", sn->hostbits);
    out_num(sh, "hosts", "hosts     %s\n", sn->hosts);
}

/* The inverse mask (ACL wildcard) and, for IPv4, the historical class. */
static void put_wildcard(struct shell *sh, const struct nr_subnet *sn)
{
    static const char *const cls[] = {
        "A (leading bit 0: 0.0.0.0 - 127.255.255.255, classful mask /8)",
        "B (leading bits 10: 128.0.0.0 - 191.255.255.255, classful mask /16)",
        "C (leading bits 110: 192.0.0.0 - 223.255.255.255, classful mask /24)",
        "D (leading bits 1110: 224.0.0.0 - 239.255.255.255, multicast)",
        "E (leading bits 1111: 240.0.0.0 - 255.255.255.255, reserved)",
    };
    struct nr_mask w = sn->mask;
    char buf[NR_ADDRSTRLEN], c[2] = { 0, 0 };
    for (int i = 0; i < w.len; i++)
        w.b[i] = (uint8_t)~w.b[i];
    out_str(sh, "wildcard", "wildcard  %s\n", nr_mask_str(&w, buf, sizeof buf));
    if (sn->mask.len != 4) {
        out_null(sh, "ip_class");
        return;
    }
    uint8_t a = sn->network.b[0] | sn->host.b[0];   /* the address's first octet */
    int k = a < 0x80 ? 0 : a < 0xc0 ? 1 : a < 0xe0 ? 2 : a < 0xf0 ? 3 : 4;
    c[0] = (char)('A' + k);
    out_str(sh, "ip_class", NULL, c);
    out_text(sh, "class     %s\n", cls[k]);
}

/* One row of the bit view: groups of 8 (IPv4) or 16 (IPv6) bits from bit
 * `from` to `to`, network bits (mask bit 1) and host bits told apart by
 * colour on a terminal, else by a '|' at a contiguous boundary. Built in
 * one buffer and printed once: `mask` runs by the hundred thousand. */
static void put_bitrow(struct shell *sh, const char *label, const char *bits,
                       const char *mbits, int from, int to, int boundary, const char *name)
{
    static const char on[] = "\033[1;36m", host[] = "\033[33m", off[] = "\033[0m";
    char row[1024];
    size_t k = 0;
    int group = to - from + 1 == 32 ? 8 : 16, in = -1;
    bool marked = sh->color;   /* a marker (or colour) was written: no pad */
#define PUT(s) (memcpy(row + k, s, sizeof s - 1), k += sizeof s - 1)
    for (int i = from; i <= to; i++) {
        if (i > from && i % group == 0) {
            if (sh->color && in >= 0)
                PUT(off), in = -1;
            row[k++] = group == 8 ? '.' : ':';
        }
        if (!sh->color && i == boundary && (i > from || i == 0))
            row[k++] = '|', marked = true;
        if (sh->color && in != (mbits[i] == '1')) {
            if (mbits[i] == '1')
                PUT(on);
            else
                PUT(host);
            in = mbits[i] == '1';
        }
        row[k++] = bits[i];
    }
    if (!sh->color && to + 1 == boundary)
        row[k++] = '|', marked = true;
    if (sh->color)
        PUT(off);
#undef PUT
    row[k] = 0;
    out_text(sh, "%-10s%s %s %s\n", label, row, marked ? "" : " ", name);
}

/* The address, mask and network in binary, grouped by octet (IPv4) or
 * 16-bit group (IPv6, in two rows of 64 bits). */
static void put_bits(struct shell *sh, const struct nr_subnet *sn)
{
    char ab[129], mb[129], nb[129];
    struct nr_ip a = sn->network;
    int n = sn->mask.len, boundary = sn->contiguous ? n * 8 - sn->hostbits : -1;
    for (int i = 0; i < n; i++)
        a.b[i] |= sn->host.b[i];
    nr_bits_str(a.b, n, ab);
    nr_bits_str(sn->mask.b, n, mb);
    nr_bits_str(sn->network.b, n, nb);
    out_str(sh, "address_bits", NULL, ab);
    out_str(sh, "mask_bits", NULL, mb);
    out_str(sh, "network_bits", NULL, nb);
    for (int half = 0; half < (n == 4 ? 1 : 2); half++) {
        int from = half * 64, to = n == 4 ? 31 : from + 63;
        const char *suffix = n == 4 ? "" : half ? " (bits 65-128)" : " (bits 1-64)";
        char l1[32], l2[32], l3[32];
        snprintf(l1, sizeof l1, "address%s", suffix);
        snprintf(l2, sizeof l2, "mask%s", suffix);
        snprintf(l3, sizeof l3, "network%s", suffix);
        put_bitrow(sh, half ? "" : "binary", ab, mb, from, to, boundary, l1);
        put_bitrow(sh, "", mb, mb, from, to, boundary, l2);
        put_bitrow(sh, "", nb, mb, from, to, boundary, l3);
    }
    if (!sn->contiguous)
        out_text(sh, "          (non-contiguous: the network bits are the mask's 1 bits)\n");
}

static int mask_run(struct shell *sh, const struct cmd_call *c)
{
    const struct nr_args *a = c->args;
    struct mask_in in;
    struct nr_subnet sn;
    char err[NR_ERRLEN], buf[NR_ADDRSTRLEN];
    memset(&in, 0, sizeof in);
    if (a->argc < 2 || a->argc > 3)
        return cmd_usage(sh, "needs ADDR, ADDR/N or ADDR MASK");
    for (int i = 1; i < a->argc; i++) {
        if (a->len[i] != strlen(a->argv[i]))
            return cmd_error_at(sh, a->argv[i], a->len[i], "holds a NUL byte");
    }
    if (read_args(sh, a->argv[1], a->argc == 3 ? a->argv[2] : NULL, &in) != 0)
        return CMD_FAIL;
    if (nr_subnet_calc(&in.ip, &in.m, &sn, err, sizeof err) < 0)
        return cmd_error(sh, "%s: %s %s", a->argc == 3 ? a->argv[2] : a->argv[1], err,
                         nr_ip_str(&in.ip, buf, sizeof buf));
    out_begin(sh, "mask");
    out_str(sh, "input", NULL, a->argv[1]);
    out_str(sh, "mask_input", NULL, a->argc == 3 ? a->argv[2] : NULL);
    out_str(sh, "address", "address   %s\n", nr_ip_str(&in.ip, buf, sizeof buf));
    put_mask(sh, &in, &sn);
    put_wildcard(sh, &sn);
    put_subnet(sh, &sn);
    put_bits(sh, &sn);
    out_end(sh);
    return CMD_OK;
}

static const struct nr_pos mask_pos[] = {
    { "ADDR[/N]", POS_WORD, NULL, 0 }, { "MASK", POS_WORD, NULL, POS_OPTIONAL }, POS_END,
};

const struct nr_cmd cmd_mask = {
    .name = "mask",
    .summary = "apply a mask: network, host part, broadcast, host range",
    .help =
    "With ADDR alone uses the classful default mask (Go's DefaultMask:\n"
    "/8 below 128.0.0.0, /16 below 192.0.0.0, else /24). MASK may be /N or N,\n"
    "dotted (255.255.254.0), hex as Go's IPMask.String prints it (fffffe00),\n"
    "or IPv6 form (ffff:ffff::); IPv6 addresses take /N. ADDR/MASK works too;\n"
    "digits after '/' are a prefix length, as Go's ParseCIDR (/00000024 is /24).\n"
    "Size and hex are the mask's as given; the CIDR is Go's IPNet.String.\n"
    "Shows the mask three ways, Go's Size (ones bits; 0 0 for a\n"
    "non-contiguous mask), the network (ADDR AND mask), the host part (ADDR AND\n"
    "NOT mask), the broadcast, the first and last host and the number of\n"
    "addresses (exact, also for IPv6). /31 is a point-to-point link with two\n"
    "hosts and no broadcast (RFC 3021), /32 a single host; IPv6 has no\n"
    "broadcast and every address of the prefix counts as a host.\n"
    "Example: mask 192.168.1.3\n"
    "Example: mask 10.1.2.3 255.255.254.0\n"
    "Example: mask 2404:6800:4007:818::2004/64\n",
    .pos = mask_pos,
    .flags = CMD_RAW_ARGS | CMD_ARITY_SELF,
    .run = mask_run,
};
