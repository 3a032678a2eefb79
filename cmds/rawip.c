/* cmds/rawip — how recv shows a datagram of a raw IP session (ip4:PROTO,
 * ip6:PROTO): its source as a host, for IPv4 the note that the IP header
 * came with it, and on request (--ip) that header and an ICMP header
 * decoded. JSON always carries the decoded fields. */
#include "cmds/sess.h"
#include "lib/escape.h"
#include "lib/icmp.h"
#include "lib/iphdr.h"

#include <netinet/in.h>
#include <stdio.h>

static const char *icmp_type_name(bool v6, unsigned t)
{
    if (!v6) {
        switch (t) {
        case 0: return "echo reply";
        case 3: return "destination unreachable";
        case 5: return "redirect";
        case 8: return "echo request";
        case 11: return "time exceeded";
        case 12: return "parameter problem";
        default: return "other";
        }
    }
    switch (t) {
    case 1: return "destination unreachable";
    case 2: return "packet too big";
    case 3: return "time exceeded";
    case 128: return "echo request";
    case 129: return "echo reply";
    case 133: return "router solicitation";
    case 134: return "router advertisement";
    case 135: return "neighbor solicitation";
    case 136: return "neighbor advertisement";
    default: return "other";
    }
}

static void show_ip4(struct shell *sh, const struct nr_ip4hdr *h, bool text)
{
    char src[16], dst[16];
    const char *pn = nr_ip_proto_name((int)h->proto);
    snprintf(src, sizeof src, "%u.%u.%u.%u", h->src[0], h->src[1], h->src[2], h->src[3]);
    snprintf(dst, sizeof dst, "%u.%u.%u.%u", h->dst[0], h->dst[1], h->dst[2], h->dst[3]);
    out_obj_begin(sh, "ip");
    if (text) {
        out_text(sh, "  IPv4 header: version %u, header %u bytes, tos 0x%02x, total %u, "
                 "id 0x%04x%s%s, fragment offset %u, ttl %u, protocol %u%s%s%s, "
                 "checksum 0x%04x (%s), %s -> %s\n", h->version, h->ihl, h->tos,
                 h->total_len, h->id, h->df ? ", DF" : "", h->mf ? ", MF" : "",
                 h->frag_off, h->ttl, h->proto, pn ? " (" : "", pn ? pn : "", pn ? ")" : "",
                 h->checksum, h->checksum_ok ? "ok" : "WRONG", src, dst);
    }
    out_int(sh, "version", NULL, h->version);
    out_int(sh, "header_len", NULL, h->ihl);
    out_int(sh, "tos", NULL, h->tos);
    out_int(sh, "total_len", NULL, h->total_len);
    out_int(sh, "id", NULL, h->id);
    out_bool(sh, "df", NULL, h->df);
    out_bool(sh, "mf", NULL, h->mf);
    out_int(sh, "frag_offset", NULL, h->frag_off);
    out_int(sh, "ttl", NULL, h->ttl);
    out_int(sh, "protocol", NULL, h->proto);
    out_int(sh, "checksum", NULL, h->checksum);
    out_bool(sh, "checksum_ok", NULL, h->checksum_ok);
    out_str(sh, "src", NULL, src);
    out_str(sh, "dst", NULL, dst);
    out_obj_end(sh);
}

/* The ICMP(v6) header at p[0..n) (IPv4: after the IP header). */
static void show_icmp(struct shell *sh, const uint8_t *p, size_t n, bool v6, bool text)
{
    if (n < 4)
        return;
    unsigned type = p[0], code = p[1], sum = (unsigned)p[2] << 8 | p[3];
    bool echo = v6 ? type == 128 || type == 129 : type == 0 || type == 8;
    out_obj_begin(sh, "icmp");
    if (text)
        out_text(sh, "  %s: ", v6 ? "ICMPv6" : "ICMP");
    out_int(sh, "type", text ? "type %lld" : NULL, type);
    if (text)
        out_text(sh, " (%s), code %u, checksum 0x%04x", icmp_type_name(v6, type), code, sum);
    out_int(sh, "code", NULL, code);
    out_int(sh, "checksum", NULL, sum);
    if (!v6) {
        bool ok = nr_icmp_checksum(p, n) == 0;
        out_bool(sh, "checksum_ok", NULL, ok);
        if (text)
            out_text(sh, " (%s)", ok ? "ok" : "WRONG");
    }
    if (echo && n >= 8) {
        out_int(sh, "echo_id", text ? ", id %lld" : NULL, (unsigned)p[4] << 8 | p[5]);
        out_int(sh, "echo_seq", text ? ", seq %lld" : NULL, (unsigned)p[6] << 8 | p[7]);
    }
    if (text)
        out_text(sh, "\n");
    out_obj_end(sh);
}

void raw_show_dgram(struct shell *sh, const struct nr_session *s, const struct nr_dgram *d,
                    bool hex, bool ip, bool raw)
{
    char a[NR_ADDRSTRLEN];
    const struct nr_net *net = nr_sess_net(s);
    bool v6 = net->family == AF_INET6;
    struct nr_ip4hdr h;
    int hl = v6 ? 0 : nr_ip4_parse(d->data, d->len, &h);
    size_t off = hl > 0 ? (size_t)hl : 0;
    const char *pn = nr_ip_proto_name(net->proto);
    out_begin(sh, "datagram");
    out_int(sh, "id", NULL, nr_sess_id(s));
    out_str(sh, "from", "from %s", sess_host(&d->from, d->fromlen, a, sizeof a));
    out_uint(sh, "bytes", ", %llu ", d->len);
    out_text(sh, "%s", nr_plural(d->len, "byte", "bytes"));
    out_str(sh, "proto", NULL, nr_sess_proto(s));
    out_int(sh, "ip_header_len", NULL, off);
    if (hl > 0)
        out_text(sh, " (IPv4 header included: %d bytes, then %zu bytes of %s%s)", hl,
                 d->len - off, pn ? pn : "protocol ", pn ? "" : "payload");
    out_text(sh, ":\n");
    if (hl > 0)
        show_ip4(sh, &h, ip);
    if (net->proto == (v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP))
        show_icmp(sh, d->data + off, d->len - off, v6, ip);
    /* --ip: the header is shown decoded, so the bytes start after it. */
    const uint8_t *p = ip ? d->data + off : d->data;
    size_t n = ip ? d->len - off : d->len;
    if (hex) {
        out_hex(sh, "hex", p, n, 0);
        return out_end(sh);
    }
    out_data(sh, "data", p, n, NR_ESC_KEEP_NL, raw);
    if (n && p[n - 1] != '\n')
        out_text(sh, "\n");
    out_end(sh);
}
