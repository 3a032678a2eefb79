/* cmds/mask — `mask ADDR[/N]` and `mask ADDR MASK`: the subnet an address
 * lies in, ipcalc style, with Go's IPMask semantics (lib/mask). */
#include "shell/shell.h"
#include "lib/addr.h"
#include "lib/escape.h"
#include "lib/mask.h"

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

/* fmt: the text line, "first     %s\n". */
static void put_addr(struct shell *sh, const char *key, const char *fmt, const struct nr_ip *ip)
{
    char buf[NR_ADDRSTRLEN];
    out_str(sh, key, fmt, nr_ip_str(ip, buf, sizeof buf));
}

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
        if (a->len[i] != strlen(a->argv[i])) {
            struct nr_buf b = { 0 };
            nr_escape_text(a->argv[i], a->len[i], 0, &b);
            cmd_error(sh, "%s: holds a NUL byte", b.p ? (char *)b.p : "");
            nr_buf_free(&b);
            return CMD_FAIL;
        }
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
    put_subnet(sh, &sn);
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
