/* shell/ladder — the packet ladder (see ladder.h). Builds every line in a
 * buffer; never prints. */
#include "shell/ladder.h"
#include "lib/addr.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
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

/* ---- which connection ---- */

static bool same_host(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
    if (a->ss_family != b->ss_family)
        return false;
    if (a->ss_family == AF_INET)
        return ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
               ((const struct sockaddr_in *)b)->sin_addr.s_addr;
    if (a->ss_family == AF_INET6)
        return !memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
                       &((const struct sockaddr_in6 *)b)->sin6_addr, sizeof(struct in6_addr));
    return false;
}

static unsigned port_of(const struct sockaddr_storage *a)
{
    if (a->ss_family == AF_INET)
        return ntohs(((const struct sockaddr_in *)a)->sin_port);
    if (a->ss_family == AF_INET6)
        return ntohs(((const struct sockaddr_in6 *)a)->sin6_port);
    return 0;
}

static bool same_end(const struct sockaddr_storage *a, const struct sockaddr_storage *b,
                     bool ports)
{
    return same_host(a, b) && (!ports || port_of(a) == port_of(b));
}

static bool is_icmp(const struct nr_pkt *p)
{
    return p->proto == IPPROTO_ICMP || p->proto == IPPROTO_ICMPV6;
}

bool ladder_same_conn(const struct nr_pkt *a, const struct nr_pkt *b)
{
    bool icmp = is_icmp(a) || is_icmp(b);
    if (!icmp && a->proto != b->proto)
        return false;
    return (same_end(&a->src, &b->src, !icmp) && same_end(&a->dst, &b->dst, !icmp)) ||
           (same_end(&a->src, &b->dst, !icmp) && same_end(&a->dst, &b->src, !icmp));
}

/* ---- drawing ---- */

struct glyphs {
    const char *rail, *dash, *right, *left;
};

static const struct glyphs utf8_glyphs = { "│", "─", "►", "◄" },
                           ascii_glyphs = { "|", "-", ">", "<" };

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

/* The most detailed label that fits in room cells. */
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

/* An end's address: host:port, or the host alone for ICMP (no ports). */
static void addr_of(const struct nr_pkt *p, bool src, char *buf, size_t n)
{
    const struct sockaddr_storage *ss = src ? &p->src : &p->dst;
    socklen_t len = src ? p->src_len : p->dst_len;
    const void *ip = ss->ss_family == AF_INET
                   ? (const void *)&((const struct sockaddr_in *)ss)->sin_addr
                   : (const void *)&((const struct sockaddr_in6 *)ss)->sin6_addr;
    if (!len || (ss->ss_family != AF_INET && ss->ss_family != AF_INET6))
        snprintf(buf, n, "?");
    else if (is_icmp(p) && inet_ntop(ss->ss_family, ip, buf, (socklen_t)n))
        return;
    else if (!nr_sockaddr_str((const struct sockaddr *)ss, len, buf, n))
        snprintf(buf, n, "?");
}

/* Keeps the last max characters (the port end), marked with "..". */
static void shorten(char *s, int max)
{
    int len = (int)strlen(s);
    if (len <= max || max < 3)
        return;
    memmove(s + 2, s + len - (max - 2), (size_t)(max - 2) + 1);
    s[0] = s[1] = '.';
}

enum { MAX_ARROW = 56, MIN_ADDR = 8 };

/* Where things go, for the connection of p with a time column tw wide. */
static void setup(struct ladder *l, const struct nr_pkt *p, int tw)
{
    bool sent = p->dir == NR_PKT_SENT;
    int width = l->st.width;
    l->conn = *p;
    l->tw = tw;
    addr_of(p, sent, l->left, sizeof l->left);
    addr_of(p, !sent, l->right, sizeof l->right);
    int off = tw ? tw + 1 : 0;
    int ll = (int)strlen(l->left), rl = (int)strlen(l->right);
    if (off + ll + 2 + rl > width) {   /* shorten both, keeping the ports */
        int m = (width - off - 2) / 2;
        shorten(l->left, m < MIN_ADDR ? MIN_ADDR : m);
        shorten(l->right, m < MIN_ADDR ? MIN_ADDR : m);
        ll = (int)strlen(l->left);
        rl = (int)strlen(l->right);
    }
    l->lrail = off + ll / 2;
    l->rrail = width - (rl - rl / 2);
    if (l->rrail > l->lrail + 1 + MAX_ARROW)
        l->rrail = l->lrail + 1 + MAX_ARROW;
    int area = l->rrail - l->lrail - 1;
    l->list = area < 6 || l->rrail - rl / 2 <= off + ll;
    if (l->list) {   /* a line each: "right: " is the longer prefix */
        addr_of(p, sent, l->left, sizeof l->left);
        addr_of(p, !sent, l->right, sizeof l->right);
        shorten(l->left, width - 7);
        shorten(l->right, width - 7);
    }
}

static void head(const struct ladder *l, struct nr_buf *b)
{
    const struct glyphs *g = l->st.utf8 ? &utf8_glyphs : &ascii_glyphs;
    int ll = (int)strlen(l->left), rl = (int)strlen(l->right);
    if (l->list) {
        add(b, "left: ");
        add(b, l->left);
        add(b, "\nright: ");
        add(b, l->right);
        add(b, "\n");
        return;
    }
    spaces(b, l->lrail - ll / 2);
    add(b, l->left);
    spaces(b, l->rrail - rl / 2 - (l->lrail - ll / 2 + ll));
    add(b, l->right);
    add(b, "\n");
    spaces(b, l->lrail);
    add(b, g->rail);
    spaces(b, l->rrail - l->lrail - 1);
    add(b, g->rail);
    add(b, "\n");
}

static int time_text(const struct ladder *l, const struct nr_pkt *p, int tw, char *buf,
                     size_t n)
{
    return snprintf(buf, n, "%*.6f", tw, (double)(p->t_us - l->t0) / 1e6);
}

static void row(const struct ladder *l, struct nr_buf *b, const struct nr_pkt *p)
{
    const struct glyphs *g = l->st.utf8 ? &utf8_glyphs : &ascii_glyphs;
    char t[40];
    int k = l->tw ? time_text(l, p, l->tw, t, sizeof t) : 0;
    if (k)
        add(b, t);
    if (l->list) {
        char label[96];
        const char *dir = p->dir == NR_PKT_SENT ? "->" : "<-";
        if (k)
            add(b, " ");
        add(b, dir);
        int room = l->st.width - (k ? k + 1 : 0) - 3;
        if (fit_label(p, room, label, sizeof label)) {
            add(b, " ");
            add(b, label);
        }
        add(b, "\n");
        return;
    }
    spaces(b, l->lrail - k);
    add(b, g->rail);
    arrow(b, p, l->rrail - l->lrail - 1, g, &l->st);
    add(b, g->rail);
    add(b, "\n");
}

void ladder_init(struct ladder *l, const struct ladder_style *st)
{
    memset(l, 0, sizeof *l);
    l->st = *st;
}

static int commit(struct nr_buf *out, struct nr_buf *b)
{
    int rc = b->p || !b->len ? nr_buf_add(out, b->p, b->len) : -1;
    nr_buf_free(b);
    return rc;
}

int ladder_add(struct ladder *l, struct nr_buf *out, const struct nr_pkt *p)
{
    struct nr_buf b = { 0 };
    if (!l->started) {
        l->t0 = p->t_us;
        l->tw = l->st.time ? 8 : 0;   /* 0.000000: the first 10 s */
    }
    char t[40];
    int k = l->st.time ? time_text(l, p, 0, t, sizeof t) : 0;
    if (!l->started || !ladder_same_conn(&l->conn, p) || k > l->tw) {
        setup(l, p, k > l->tw ? k : l->tw);
        head(l, &b);
        l->started = true;
    }
    row(l, &b, p);
    return commit(out, &b);
}

int ladder_draw(struct nr_buf *out, const struct nr_pkt *pkts, size_t n,
                const struct ladder_style *st)
{
    if (!n)
        return 0;
    bool *drawn = calloc(n, sizeof *drawn);
    if (!drawn)
        return -1;
    struct ladder l;
    ladder_init(&l, st);
    l.t0 = pkts[0].t_us;
    struct nr_buf b = { 0 };
    for (size_t i = 0; i < n; i++) {
        if (drawn[i])
            continue;
        int tw = 0;
        char t[40];
        for (size_t j = i; st->time && j < n; j++) {
            int k = ladder_same_conn(&pkts[i], &pkts[j]) ? time_text(&l, &pkts[j], 0, t, sizeof t) : 0;
            tw = k > tw ? k : tw;
        }
        setup(&l, &pkts[i], tw);
        head(&l, &b);
        for (size_t j = i; j < n; j++)
            if (!drawn[j] && ladder_same_conn(&pkts[i], &pkts[j])) {
                row(&l, &b, &pkts[j]);
                drawn[j] = true;
            }
    }
    free(drawn);
    return commit(out, &b);
}
