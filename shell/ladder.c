/* shell/ladder — the packet ladder (see ladder.h). Builds every line in a
 * buffer; never prints. */
#include "shell/ladder.h"
#include "lib/addr.h"

#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

static const struct { unsigned bit; const char *name; char letter; } tcp_flags[] = {
    { NR_TCP_SYN, "SYN", 'S' }, { NR_TCP_FIN, "FIN", 'F' }, { NR_TCP_RST, "RST", 'R' },
    { NR_TCP_PSH, "PSH", 'P' }, { NR_TCP_URG, "URG", 'U' }, { NR_TCP_ECE, "ECE", 'E' },
    { NR_TCP_CWR, "CWR", 'W' }, { NR_TCP_ACK, "ACK", '.' },
};

static size_t flag_names(unsigned flags, bool letters, char *buf, size_t n)
{
    size_t len = 0;
    buf[0] = 0;
    for (size_t i = 0; i < sizeof tcp_flags / sizeof *tcp_flags; i++) {
        if (!(flags & tcp_flags[i].bit))
            continue;
        int k = letters ? snprintf(buf + len, n - len, "%c", tcp_flags[i].letter)
                        : snprintf(buf + len, n - len, "%s%s", len ? "+" : "", tcp_flags[i].name);
        if (k < 0 || (size_t)k >= n - len)
            break;
        len += (size_t)k;
    }
    if (!len)
        len = (size_t)snprintf(buf, n, "none");
    return len;
}

/* Appends " key=v". */
static void append(char *buf, size_t n, const char *key, unsigned long v)
{
    size_t len = strlen(buf);
    if (len < n)
        snprintf(buf + len, n - len, " %s=%lu", key, v);
}

static const char *other_label(const struct nr_pkt *p, int level, char *buf, size_t n)
{
    const char *name = p->proto == IPPROTO_UDP ? "UDP" : p->proto == IPPROTO_ICMP ? "ICMP"
                     : p->proto == IPPROTO_ICMPV6 ? "ICMPv6" : "IP";
    buf[0] = 0;
    if (level >= LADDER_LEVELS - 1)
        return buf;
    snprintf(buf, n, "%s", name);
    if (p->icmp_type >= 0 && level <= 1)
        append(buf, n, "type", (unsigned long)p->icmp_type);
    if (p->icmp_type >= 0 && level == 0)
        append(buf, n, "code", (unsigned long)p->icmp_code);
    if (p->icmp_type < 0 && level <= 2)
        append(buf, n, "len", p->len);
    return buf;
}

const char *ladder_label(const struct nr_pkt *p, int level, char *buf, size_t n)
{
    if (!n)
        return buf;
    if (p->proto != IPPROTO_TCP)
        return other_label(p, level, buf, n);
    buf[0] = 0;
    if (level >= LADDER_LEVELS - 1)
        return buf;
    flag_names(p->flags, level == 4, buf, n);
    if (level >= 3)
        return buf;
    bool syn = p->flags & NR_TCP_SYN;
    if (level <= 1 && (p->seq || p->len))
        append(buf, n, "seq", p->seq);
    if (p->has_ack && (level == 0 || (level <= 2 && syn)))
        append(buf, n, "ack", p->ack);
    if (p->len)
        append(buf, n, "len", p->len);
    return buf;
}

/* ---- drawing ---- */

struct glyphs {
    const char *rail, *dash, *right, *left;
};

static void add(struct nr_buf *b, const char *s)
{
    nr_buf_add(b, s, strlen(s));
}

static void spaces(struct nr_buf *b, int n)
{
    for (int i = 0; i < n; i++)
        nr_buf_add(b, " ", 1);
}

static void dashes(struct nr_buf *b, const struct glyphs *g, int n)
{
    for (int i = 0; i < n; i++)
        add(b, g->dash);
}

/* The most detailed label that leaves room for the arrow's ends. */
static int fit_label(const struct nr_pkt *p, int room, char *buf, size_t n)
{
    for (int level = 0; level < LADDER_LEVELS; level++) {
        ladder_label(p, level, buf, n);
        if ((int)strlen(buf) <= room)
            return (int)strlen(buf);
    }
    return 0;
}

static const char *label_color(const struct nr_pkt *p)
{
    if (p->proto == IPPROTO_TCP && (p->flags & NR_TCP_RST))
        return "\033[31m";
    if (p->proto == IPPROTO_TCP && (p->flags & (NR_TCP_SYN | NR_TCP_FIN)))
        return "\033[1m";
    return NULL;
}

/* An arrow of `area` cells between the rails, the label in its middle:
 * "── PSH+ACK seq=1 len=6 ──►" or "◄── SYN+ACK ack=1 ──". */
static void arrow(struct nr_buf *b, const struct nr_pkt *p, int area, const struct glyphs *g,
                  const struct ladder_style *st)
{
    char label[96];
    int len = fit_label(p, area - 5, label, sizeof label);
    int body = area - 1 - (len ? len + 2 : 0);
    int before = body / 2, after = body - before;
    bool right = p->dir == NR_PKT_SENT;
    if (!right)
        add(b, g->left);
    dashes(b, g, right ? before : after);
    if (len) {
        const char *c = st->color ? label_color(p) : NULL;
        add(b, " ");
        if (c)
            add(b, c);
        add(b, label);
        if (c)
            add(b, "\033[0m");
        add(b, " ");
    }
    dashes(b, g, right ? after : before);
    if (right)
        add(b, g->right);
}

static void addr_of(const struct sockaddr_storage *ss, socklen_t len, char *buf, size_t n)
{
    if (!len || !nr_sockaddr_str((const struct sockaddr *)ss, len, buf, n))
        snprintf(buf, n, "?");
}

/* Where things go on a line: the time column, the two rails. */
struct layout {
    int tw, lrail, rrail;
    char left[NR_ADDRSTRLEN], right[NR_ADDRSTRLEN];
};

enum { MAX_ARROW = 56 };

static void plan(struct layout *l, const struct nr_pkt *pkts, size_t n, int width)
{
    const struct nr_pkt *f = &pkts[0];
    bool sent = f->dir == NR_PKT_SENT;
    addr_of(sent ? &f->src : &f->dst, sent ? f->src_len : f->dst_len, l->left, sizeof l->left);
    addr_of(sent ? &f->dst : &f->src, sent ? f->dst_len : f->src_len, l->right, sizeof l->right);
    char t[32];
    l->tw = 0;
    for (size_t i = 0; i < n; i++) {
        int k = snprintf(t, sizeof t, "%.6f", (double)(pkts[i].t_us - f->t_us) / 1e6);
        if (k > l->tw)
            l->tw = k;
    }
    int ll = (int)strlen(l->left), rl = (int)strlen(l->right);
    l->lrail = l->tw + 1 + ll / 2;
    l->rrail = width - (rl - rl / 2);
    if (l->rrail > l->lrail + 1 + MAX_ARROW)
        l->rrail = l->lrail + 1 + MAX_ARROW;
}

/* Too narrow for arrows: "0.000123 -> SYN" a line each, labels fitted. */
static void draw_list(struct nr_buf *b, const struct layout *l, const struct nr_pkt *pkts,
                      size_t n, int width)
{
    char t[32], label[96];
    add(b, "left: ");
    add(b, l->left);
    add(b, "\nright: ");
    add(b, l->right);
    add(b, "\n");
    for (size_t i = 0; i < n; i++) {
        snprintf(t, sizeof t, "%*.6f %s ", l->tw, (double)(pkts[i].t_us - pkts[0].t_us) / 1e6,
                 pkts[i].dir == NR_PKT_SENT ? "->" : "<-");
        add(b, t);
        fit_label(&pkts[i], width - (int)strlen(t), label, sizeof label);
        add(b, label);
        add(b, "\n");
    }
}

int ladder_draw(struct nr_buf *out, const struct nr_pkt *pkts, size_t n,
                const struct ladder_style *st)
{
    static const struct glyphs utf8 = { "│", "─", "►", "◄" }, ascii = { "|", "-", ">", "<" };
    const struct glyphs *g = st->utf8 ? &utf8 : &ascii;
    struct nr_buf b = { 0 };
    if (!n)
        return 0;
    struct layout l;
    plan(&l, pkts, n, st->width);
    int area = l.rrail - l.lrail - 1;
    int ll = (int)strlen(l.left), rl = (int)strlen(l.right);
    if (area < 6 || l.rrail - rl / 2 <= l.lrail - ll / 2 + ll) {
        draw_list(&b, &l, pkts, n, st->width);
    } else {
        spaces(&b, l.lrail - ll / 2);
        add(&b, l.left);
        spaces(&b, l.rrail - rl / 2 - (l.lrail - ll / 2 + ll));
        add(&b, l.right);
        add(&b, "\n");
        spaces(&b, l.lrail);
        add(&b, g->rail);
        spaces(&b, area);
        add(&b, g->rail);
        add(&b, "\n");
        for (size_t i = 0; i < n; i++) {
            char t[32];
            snprintf(t, sizeof t, "%*.6f", l.tw, (double)(pkts[i].t_us - pkts[0].t_us) / 1e6);
            add(&b, t);
            spaces(&b, l.lrail - l.tw);
            add(&b, g->rail);
            arrow(&b, &pkts[i], area, g, st);
            add(&b, g->rail);
            add(&b, "\n");
        }
    }
    int rc = b.p || !b.len ? nr_buf_add(out, b.p, b.len) : -1;
    nr_buf_free(&b);
    return rc;
}
