/* cmds/parse — `parse ADDR`: an IP literal as Go's net.ParseIP sees it
 * (plus an IPv6 %zone): canonical form, family, bytes, kind, default mask. */
#include "shell/shell.h"
#include "lib/addr.h"
#include "lib/escape.h"
#include "lib/ipkind.h"
#include "lib/mask.h"

#include <arpa/inet.h>
#include <string.h>

/* "c0 00 02 01" (text) and "c0000201" (JSON). */
static void put_bytes(struct shell *sh, const struct nr_ip *ip)
{
    static const char hx[] = "0123456789abcdef";
    char spaced[16 * 3], plain[16 * 2 + 1];
    for (int i = 0; i < ip->len; i++) {
        spaced[3 * i] = plain[2 * i] = hx[ip->b[i] >> 4];
        spaced[3 * i + 1] = plain[2 * i + 1] = hx[ip->b[i] & 15];
        spaced[3 * i + 2] = ' ';
    }
    spaced[3 * ip->len - 1] = 0;
    plain[2 * ip->len] = 0;
    out_str(sh, NULL, "bytes     %s\n", spaced);
    out_str(sh, "bytes", NULL, plain);
}

static void put_family(struct shell *sh, const struct nr_ip *ip)
{
    bool mapped = ip->len == 16 && nr_ip_is4(ip);
    char m[NR_ADDRSTRLEN] = "::ffff:";
    out_str(sh, "family", "family    %s", ip->len == 4 ? "IPv4" : "IPv6");
    out_int(sh, "length", ", %lld bytes", ip->len);
    if (mapped)
        inet_ntop(AF_INET, nr_ip_v4bytes(ip), m + 7, sizeof m - 7);
    out_bool(sh, "ipv4_mapped", NULL, mapped);
    if (mapped)
        out_str(sh, NULL, ", IPv4-mapped (%s)", m);
    out_text(sh, "\n");
    if (mapped)
        out_str(sh, "ipv4", NULL, m + 7);
    else
        out_null(sh, "ipv4");
}

static void put_kind(struct shell *sh, const struct nr_ip *ip)
{
    enum nr_ip_kind k = nr_ip_kind(ip);
    bool gu = nr_ip_is_global_unicast(ip);
    out_str(sh, "kind", "kind      %s", nr_ip_kind_name(k));
    out_str(sh, NULL, "%s", gu && k != NR_KIND_GLOBAL_UNICAST ? " (global unicast)" : "");
    out_text(sh, "\n");
    out_bool(sh, "global_unicast", NULL, gu);
    out_bool(sh, "private", NULL, nr_ip_is_private(ip));
    out_bool(sh, "loopback", NULL, nr_ip_is_loopback(ip));
    out_bool(sh, "multicast", NULL, nr_ip_is_multicast(ip));
    out_bool(sh, "link_local", NULL,
             nr_ip_is_link_local_unicast(ip) || nr_ip_is_link_local_multicast(ip));
}

static void put_default_mask(struct shell *sh, const struct nr_ip *ip)
{
    struct nr_mask m;
    char cls[2] = "", hex[33], dot[NR_ADDRSTRLEN];
    int ones, bits;
    if (nr_mask_default(ip, &m, cls) < 0) {
        out_null(sh, "default_mask");
        out_null(sh, "default_mask_hex");
        out_null(sh, "default_prefix");
        out_null(sh, "class");
        return;
    }
    nr_mask_size(&m, &ones, &bits);
    out_str(sh, "default_mask", "mask      %s", nr_mask_str(&m, dot, sizeof dot));
    out_str(sh, "default_mask_hex", " = %s", nr_mask_hex(&m, hex, sizeof hex));
    out_int(sh, "default_prefix", " = /%lld", ones);
    out_str(sh, "class", " (default, class %s)\n", cls);
}

/* Why a near miss failed, for the error line. */
static const char *hint(const char *s)
{
    if (strchr(s, '/'))
        return " (a prefix: try mask)";
    if (s[0] == '[')
        return " (no brackets: those are for host:port)";
    if (strchr(s, '%') && !strchr(s, ':'))
        return " (zones are for IPv6 only)";
    return "";
}

static int parse_run(struct shell *sh, const struct cmd_call *c)
{
    const struct nr_args *a = c->args;
    struct nr_ip ip;
    char buf[NR_ADDRSTRLEN];
    if (a->argc != 2)
        return cmd_usage(sh, "needs exactly one address");
    const char *s = a->argv[1];
    if (a->len[1] != strlen(s))
        return cmd_error_at(sh, s, a->len[1], "invalid IP address (holds a NUL byte)");
    if (nr_ip_parse(s, &ip, true) < 0) {
        if (!*s)
            return cmd_error(sh, "\"\": invalid IP address");
        return cmd_error(sh, "%s: invalid IP address%s", s, hint(s));
    }
    out_begin(sh, "parse");
    out_str(sh, "input", NULL, s);
    out_str(sh, "address", "address   %s\n", nr_ip_str(&ip, buf, sizeof buf));
    put_family(sh, &ip);
    put_bytes(sh, &ip);
    put_kind(sh, &ip);
    if (ip.zone[0])
        out_str(sh, "zone", "zone      %s\n", ip.zone);
    else
        out_null(sh, "zone");
    put_default_mask(sh, &ip);
    out_end(sh);
    return CMD_OK;
}

static const struct nr_pos parse_pos[] = { { "ADDR", POS_WORD, NULL, 0 }, POS_END };

const struct nr_cmd cmd_parse = {
    .name = "parse",
    .summary = "parse an IPv4/IPv6 address: canonical form, bytes, kind",
    .help =
    "Parses ADDR as Go's net.ParseIP does (IPv4 dotted decimal, IPv6 in any\n"
    "RFC 4291 form, IPv4-mapped ::ffff:a.b.c.d) and also accepts an IPv6\n"
    "zone (fe80::1%eth0). Shows the canonical form (RFC 5952 for IPv6, dotted\n"
    "for IPv4 and IPv4-mapped), the family and byte length, the bytes in hex,\n"
    "the kind (loopback, private, link-local, multicast, unspecified,\n"
    "documentation, global unicast...; Go's IsGlobalUnicast is noted too), the\n"
    "zone, and for IPv4 the classful default mask (Go's DefaultMask).\n"
    "Example: parse 0:0:0:0:0:0:0:1\n"
    "Example: parse ::ffff:192.0.2.1\n"
    "Example: parse fe80::1%lo\n",
    .pos = parse_pos,
    .flags = CMD_RAW_ARGS | CMD_ARITY_SELF,
    .run = parse_run,
};
