/* cmds/lookup_full — the whole DNS reply: `lookup … --full` (as dig shows
 * it, with every header flag named), any record type by name or number
 * (`lookup https NAME`, `lookup type65534 NAME`) in presentation format, and
 * the EDNS options +dnssec, +nsid, +bufsize=N, +norecurse. The query is built
 * and the reply read by lib/dnsmsg (ldns); c-ares carries it (ares_send on a
 * channel of this call), so the loop keeps serving everything else. */
#include "cmds/lookup.h"
#include "shell/shell.h"
#include "lib/dns.h"
#include "lib/dnsmsg.h"
#include "lib/escape.h"
#include "lib/lookup.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct full {
    struct shell *sh;
    const struct lookup_opts *o;
    struct nr_dns *dns;         /* this call's channel (owned) */
    char servers[512];
    int64_t timeout_us;
    const char *types[2];       /* the type words asked ("A", "AAAA") */
    uint16_t qtypes[2];
    int ntypes;
    bool reverse;               /* addr: PTR of the reverse name */
    struct lookup_reply q;      /* the query in flight */
};

/* DNS data in presentation form (ldns already writes odd bytes as \DDD and
 * quotes with backslashes): shown with its backslashes as they are, any
 * control byte still escaped. JSON: the string. */
static void put_pres(struct shell *sh, const char *key, const char *pre, const char *s, size_t n,
                     const char *post)
{
    if (sh->json) {
        if (key)
            out_data(sh, key, s, n, 0, false);
        return;
    }
    struct nr_buf b = { 0 };
    nr_escape_text(s, n, NR_ESC_KEEP_BSLASH, &b);
    out_text(sh, "%s%.*s%s", pre, (int)b.len, b.p ? (const char *)b.p : "", post);
    nr_buf_free(&b);
}

/* ---- the type word ---- */

/* Which types a first word asks for; 0 when it is not a type word. */
static int type_words(struct full *f, const char *w)
{
    static const char *const both[] = { "host", "ip", NULL };
    for (int i = 0; both[i]; i++)
        if (!strcasecmp(w, both[i])) {
            f->qtypes[0] = 1, f->qtypes[1] = 28, f->ntypes = 2;
            return 1;
        }
    if (!strcasecmp(w, "addr")) {
        f->qtypes[0] = 12, f->ntypes = 1, f->reverse = true;
        return 1;
    }
    uint16_t t;
    if (nr_rrtype_parse(w, &t) == 0) {
        f->qtypes[0] = t, f->ntypes = 1;
        return 1;
    }
    return 0;
}

bool lookup_is_any_type(const char *w)
{
    enum nr_qtype q;
    uint16_t t;
    return nr_qtype_parse(w, &q) < 0 && strcasecmp(w, "port") && nr_rrtype_parse(w, &t) == 0;
}

/* ---- printing ---- */

static const char *flag_words(const struct nr_dnsmsg *m, char *buf, size_t n)
{
    static const char *const names[7][2] = {
        { "qr", "response" }, { "aa", "authoritative answer" }, { "tc", "truncated" },
        { "rd", "recursion desired" }, { "ra", "recursion available" },
        { "ad", "authenticated data" }, { "cd", "checking disabled" },
    };
    const bool set[7] = { m->qr, m->aa, m->tc, m->rd, m->ra, m->ad, m->cd };
    size_t l = 0;
    buf[0] = 0;
    for (int pass = 0; pass < 2; pass++) {
        bool first = true;
        if (pass)
            l += (size_t)snprintf(buf + l, n - l, " (");
        for (int i = 0; i < 7 && l < n; i++) {
            if (!set[i])
                continue;
            l += (size_t)snprintf(buf + l, n - l, "%s%s", first ? "" : pass ? ", " : " ",
                                  names[i][pass]);
            first = false;
        }
        if (pass && l < n)
            l += (size_t)snprintf(buf + l, n - l, ")");
    }
    return buf;
}

static void put_flags(struct shell *sh, const struct nr_dnsmsg *m)
{
    char buf[256];
    out_obj_begin(sh, "flags");
    out_bool(sh, "qr", NULL, m->qr);
    out_bool(sh, "aa", NULL, m->aa);
    out_bool(sh, "tc", NULL, m->tc);
    out_bool(sh, "rd", NULL, m->rd);
    out_bool(sh, "ra", NULL, m->ra);
    out_bool(sh, "ad", NULL, m->ad);
    out_bool(sh, "cd", NULL, m->cd);
    out_obj_end(sh);
    out_text(sh, "flags      %s\n", flag_words(m, buf, sizeof buf));
}

static void put_edns(struct shell *sh, const struct nr_dnsmsg *m)
{
    if (!m->edns) {
        out_null(sh, "edns");
        out_text(sh, "edns       none in the reply\n");
        return;
    }
    out_obj_begin(sh, "edns");
    out_int(sh, "version", "edns       version %lld", m->edns_version);
    out_int(sh, "udp_size", ", udp buffer %lld bytes", m->udp_size);
    out_bool(sh, "do", NULL, m->do_bit);
    out_text(sh, ", do %s", m->do_bit ? "on (DNSSEC records wanted)" : "off");
    if (m->nsid) {
        out_text(sh, ", nsid \"");
        out_data(sh, "nsid", m->nsid, m->nsid_len, NR_ESC_QUOTE, false);
        out_text(sh, "\"");
    }
    out_obj_end(sh);
    out_text(sh, "\n");
}

static int owner_width(const struct nr_dnsmsg *m)
{
    int w = 8;
    for (int s = 0; s < NR_SEC_N; s++)
        for (size_t i = 0; i < m->n[s]; i++)
            if ((int)strlen(m->sec[s][i].owner) > w)
                w = (int)strlen(m->sec[s][i].owner);
    return w;
}

static void put_rr(struct shell *sh, const struct nr_dnsrr *r, int w, bool question)
{
    out_obj_begin(sh, NULL);
    out_str(sh, "owner", NULL, r->owner);
    if (question)
        out_text(sh, "  %s", r->owner);
    else
        out_text(sh, "  %-*s", w, r->owner);
    if (!question)
        out_uint(sh, "ttl", "  %6llu", r->ttl);
    out_str(sh, "class", "  %s", r->cls);
    out_str(sh, "rtype", question ? "  %s" : "  %-6s", r->type);
    if (!question)
        put_pres(sh, "rdata", "  ", r->rdata, strlen(r->rdata), "");
    out_text(sh, "\n");
    out_obj_end(sh);
}

static void put_sections(struct shell *sh, const struct nr_dnsmsg *m)
{
    static const char *const names[NR_SEC_N] = { "question", "answer", "authority", "additional" };
    int w = owner_width(m);
    for (int s = 0; s < NR_SEC_N; s++) {
        out_text(sh, "%s (%zu record%s)\n", names[s], m->n[s], m->n[s] == 1 ? "" : "s");
        out_list_begin(sh, names[s]);
        for (size_t i = 0; i < m->n[s]; i++)
            put_rr(sh, &m->sec[s][i], w, s == NR_SEC_QUESTION);
        out_list_end(sh);
    }
}

static const char *transport(const struct full *f, char *buf, size_t n)
{
    int limit = f->o->bufsize ? (int)f->o->bufsize
              : (f->o->dnssec || f->o->nsid) ? 1232 : 512;
    if (f->o->tcp)
        return "TCP";
    if (f->q.reply_len > limit) {
        snprintf(buf, n, "TCP (the UDP reply was truncated)");
        return buf;
    }
    return "UDP";
}

static void put_full(struct full *f, const char *name, const char *type,
                     const struct nr_dnsmsg *m, size_t qlen)
{
    struct shell *sh = f->sh;
    char buf[64];
    out_begin(sh, "dns_reply");
    out_str(sh, "name", ";; %s", name);
    out_str(sh, "qtype", " %s", type);
    out_str(sh, "server", " via %s", f->servers);
    out_str(sh, "transport", " over %s", transport(f, buf, sizeof buf));
    out_double(sh, "time_ms", ": %.1f ms", (double)f->q.took_us / 1000.0);
    out_uint(sh, "query_size", ", query %llu bytes", qlen);
    out_uint(sh, "reply_size", ", reply %llu bytes\n", (unsigned long long)f->q.reply_len);
    out_uint(sh, "id", "header     id %llu", m->id);
    out_str(sh, "opcode", ", opcode %s", m->opcode);
    out_str(sh, "rcode", ", status %s\n", m->rcode);
    put_flags(sh, m);
    put_edns(sh, m);
    put_sections(sh, m);
    out_end(sh);
}

/* ---- the short form: the records asked for, and the CNAME chain ---- */

static bool wanted(const struct full *f, const struct nr_dnsrr *r, uint16_t qtype)
{
    return r->rtype == qtype || r->rtype == 5 || (f->o->dnssec && r->rtype == 46);
}

static void put_short(struct full *f, const char *name, const char *type,
                      const struct nr_dnsmsg *m, uint16_t qtype)
{
    struct shell *sh = f->sh;
    out_begin(sh, "lookup");
    out_str(sh, "name", NULL, name);
    out_str(sh, "qtype", NULL, type);
    out_list_begin(sh, "records");
    for (size_t i = 0; i < m->n[NR_SEC_ANSWER]; i++) {
        const struct nr_dnsrr *r = &m->sec[NR_SEC_ANSWER][i];
        if (!wanted(f, r, qtype))
            continue;
        size_t ol = strlen(r->owner);
        out_obj_begin(sh, NULL);
        out_str(sh, "owner", NULL, r->owner);
        if (!sh->json)
            put_pres(sh, NULL, "", r->owner, ol > 1 && r->owner[ol - 1] == '.' ? ol - 1 : ol, "");
        out_str(sh, "rtype", "  %s", r->type);
        out_uint(sh, "ttl", NULL, r->ttl);
        put_pres(sh, "rdata", "  ", r->rdata, strlen(r->rdata), "\n");
        out_obj_end(sh);
    }
    out_list_end(sh);
    if (f->o->dnssec) {
        out_bool(sh, "ad", NULL, m->ad);
        out_text(sh, "%s\n", m->ad ? "(AD: the server says it validated this answer with DNSSEC)"
                                   : "(no AD flag: this answer was not validated)");
    }
    out_end(sh);
}

/* NOERROR with nothing of the type asked for is NODATA. */
static bool has_type(const struct nr_dnsmsg *m, uint16_t qtype)
{
    for (size_t i = 0; i < m->n[NR_SEC_ANSWER]; i++)
        if (m->sec[NR_SEC_ANSWER][i].rtype == qtype || qtype == 255)
            return true;
    return false;
}

static const char *rcode_text(const struct nr_dnsmsg *m)
{
    static const char *const words[][2] = {
        { "NXDOMAIN", "no such domain (NXDOMAIN)" }, { "SERVFAIL", "server failure (SERVFAIL)" },
        { "REFUSED", "query refused (REFUSED)" },
        { "FORMERR", "server rejected the query as malformed (FORMERR)" },
        { "NOTIMPL", "server does not implement the query (NOTIMP)" },
    };
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (!strcmp(m->rcode, words[i][0]))
            return words[i][1];
    return m->rcode;
}

/* One query: sent, waited for, printed. Returns CMD_OK or CMD_FAIL. */
static int ask(struct full *f, const char *name, uint16_t qtype)
{
    struct shell *sh = f->sh;
    struct nr_dnsq q = { name, qtype, !f->o->norecurse, f->o->dnssec, f->o->nsid, false,
                         (int)f->o->bufsize, false };
    unsigned char *wire;
    size_t wlen;
    char err[NR_ERRLEN], type[16];
    nr_rrtype_str(qtype, type, sizeof type);
    if (nr_dnsq_build(&q, &wire, &wlen, err, sizeof err) < 0)
        return cmd_error(sh, "%s %s: %s", type, name, err);
    f->q.done = false, f->q.reply = NULL, f->q.reply_len = 0, f->q.sent_us = nr_now_us();
    ares_send(nr_dns_channel(f->dns), wire, (int)wlen, lookup_reply_cb, &f->q);
    free(wire);
    nr_dns_kick(f->dns);
    enum nr_wait w = sh_wait(sh, lookup_reply_done, &f->q, nr_now_us() + f->timeout_us + 1000000);
    if (!f->q.done) {
        nr_dns_cancel_all(f->dns);
        return cmd_error(sh, "%s %s via %s: %s", type, name, f->servers,
                         w == NR_WAIT_INTR ? "interrupted" : "stalled");
    }
    if (f->q.status != ARES_SUCCESS || !f->q.reply)
        return cmd_error(sh, "%s %s via %s: %s", type, name, f->servers,
                         f->q.status == ARES_ETIMEOUT ? "timed out" : nr_dns_strerror(f->q.status));
    struct nr_dnsmsg *m;
    int rc = CMD_OK;
    if (nr_dnsmsg_parse(f->q.reply, (size_t)f->q.reply_len, &m, err, sizeof err) < 0)
        rc = cmd_error(sh, "%s %s via %s: %s", type, name, f->servers, err);
    else if (f->o->full)
        put_full(f, name, type, m, wlen);
    else if (m->rcode_num != 0)
        rc = cmd_error(sh, "%s %s via %s: %s", type, name, f->servers, rcode_text(m));
    else if (!has_type(m, qtype))
        rc = cmd_error(sh, "%s %s via %s: no %s records (NODATA)", type, name, f->servers, type);
    else
        put_short(f, name, type, m, qtype);
    nr_dnsmsg_free(m);
    free(f->q.reply);
    f->q.reply = NULL;
    return rc;
}

static int open_channel(struct full *f, const char *server)
{
    struct nr_dns *main_dns = sh_dns(f->sh);
    char csv[512], err[NR_ERRLEN];
    if (!main_dns)
        return -1;
    f->timeout_us = nr_dns_timeout(main_dns);
    nr_dns_servers(main_dns, f->servers, sizeof f->servers);
    if (server && lookup_server_csv(f->sh, server, csv, sizeof csv) < 0)
        return -1;
    struct nr_dns_conf conf = {
        .servers = server ? csv : f->servers,
        .timeout_us = f->timeout_us,
        .tries = nr_dns_tries(main_dns),
        .flags = f->o->tcp ? ARES_FLAG_USEVC : 0,
    };
    f->dns = nr_dns_new_conf(f->sh->loop, &conf, err, sizeof err);
    if (!f->dns)
        return cmd_error(f->sh, "%s", err), -1;
    nr_dns_servers(f->dns, f->servers, sizeof f->servers);
    return 0;
}

/* The name to ask: as given, or the reverse name of an address (addr). */
static int query_name(struct full *f, const char *w, char *buf, size_t n)
{
    char err[NR_ERRLEN];
    struct nr_ip ip;
    if (f->reverse) {
        if (nr_ip_parse(w, &ip, true) < 0)
            return cmd_error(f->sh, "addr %s: not an IP address", w), -1;
        nr_reverse_name(&ip, buf, n);
        return 0;
    }
    if (nr_dns_name_check(w, strlen(w), err, sizeof err) < 0)
        return cmd_error(f->sh, "%s: %s", w, err), -1;
    snprintf(buf, n, "%s", w);
    return 0;
}

int lookup_full_run(struct shell *sh, const struct cmd_call *c)
{
    struct full f = { .sh = sh, .o = c->opts };
    const char *server = NULL;
    int first = 0, rc = CMD_OK, names = 0;
    if (c->npos > 1 && type_words(&f, c->pos[0]))
        first = 1;
    else
        f.qtypes[0] = 1, f.qtypes[1] = 28, f.ntypes = 2;
    if (f.o->file)
        return cmd_usage(sh, "-f does not go with --full, +dnssec, +nsid, +bufsize, +norecurse or other types");
    for (int i = first; i < c->npos; i++) {
        if (memchr(c->pos[i], 0, c->poslen[i]))
            return cmd_error(sh, "argument %d holds a NUL byte", i + 1);
        if (c->pos[i][0] == '@')
            server = c->pos[i] + 1;
        else
            names++;
    }
    if (!names)
        return cmd_usage(sh, "needs a name");
    if (open_channel(&f, server) < 0)
        return CMD_FAIL;
    for (int i = first; i < c->npos && !sh->interrupted; i++) {
        char qname[1100];
        if (c->pos[i][0] == '@')
            continue;
        if (query_name(&f, c->pos[i], qname, sizeof qname) < 0) {
            rc = CMD_FAIL;
            continue;
        }
        for (int k = 0; k < f.ntypes; k++)
            if (ask(&f, qname, f.qtypes[k]) != CMD_OK)
                rc = CMD_FAIL;
    }
    nr_dns_free(f.dns);
    return rc;
}
