/* cmds/lookup_trace — `lookup trace NAME [TYPE]`: iterative resolution from
 * the root, one block per step, as a resolver does it and dig +trace shows
 * it: recursion off, every referral followed down, glue used, an NS without
 * glue looked up from the root, a CNAME followed from the root again. Lame
 * servers, referral loops, missing glue, timeouts and the step limit each
 * get one line. Root hints: --roothints FILE (named.root format) or the
 * IANA root servers built in. Queries are built and read by lib/dnsmsg and
 * sent by c-ares on one channel per server, kept open in the shell's pool
 * (lib/dnspool) across steps and traces. */
#include "cmds/lookup.h"
#include "shell/shell.h"
#include "lib/dns.h"
#include "lib/dnsmsg.h"
#include "lib/dnspool.h"
#include "lib/escape.h"
#include "lib/roothints.h"
#include "lib/lookup.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { MAX_SRV = 32, MAX_STEPS = 40, MAX_DEPTH = 3, MAX_ZONES = 32, NAMELEN = 256 };

struct srv {
    char name[NAMELEN];
    struct nr_ip ip;
    bool has_ip, glue;
};

struct trace {
    struct shell *sh;
    const struct lookup_opts *o;
    struct srv hints[MAX_SRV];
    int nhints;
    int steps;
    int64_t timeout_us;
    struct nr_dns *dns;     /* the channel of the server asked last (sh->dnspool's) */
    const char *fail;       /* set once the trace has failed (already reported) */
    struct lookup_reply q;      /* the query in flight */
};

/* One level of the walk: the zone reached and its servers. */
struct level {
    char zone[NAMELEN];
    struct srv ns[MAX_SRV];
    int n;
};

/* child is parent or below it ("." holds everything). */
static bool below(const char *child, const char *parent)
{
    size_t c = strlen(child), p = strlen(parent);
    if (!strcmp(parent, "."))
        return true;
    return c >= p && !strcasecmp(child + c - p, parent) && (c == p || child[c - p - 1] == '.');
}

/* ---- root hints ---- */

static struct srv *find_srv(struct srv *s, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (!strcasecmp(s[i].name, name))
            return &s[i];
    return NULL;
}

/* The hints of path (the shell keeps the file read: a script of traces
 * reads it once), or the IANA root servers when path is NULL. */
static int load_hints(struct trace *t, const char *path)
{
    char err[NR_ERRLEN];
    struct nr_roothints builtin;
    const struct nr_roothints *h = &builtin;
    if (!path)
        nr_roothints_builtin(&builtin);
    else if (!(h = nr_roothints_cached(&t->sh->roothints_cache, path, err, sizeof err)))
        return cmd_error(t->sh, "roothints %s: %s", path, err), -1;
    t->nhints = 0;
    for (int i = 0; i < h->n && t->nhints < MAX_SRV; i++) {
        struct srv *s = &t->hints[t->nhints++];
        memcpy(s->name, h->v[i].name, NAMELEN);
        s->ip = h->v[i].ip;
        s->has_ip = s->glue = h->v[i].has_ip;
    }
    return 0;
}

bool lookup_roothints_ok(struct shell *sh, const char *path)
{
    struct trace *t = calloc(1, sizeof *t);
    bool ok = false;
    if (!t)
        return cmd_error(sh, "out of memory"), false;
    t->sh = sh;
    ok = load_hints(t, path) == 0;
    free(t);
    return ok;
}

/* ---- one query to one server ---- */

/* Asks srv without recursion. Returns the parsed reply, or NULL with
 * *why set (timed out, refused…); -1 in *why for an interrupt. */
static struct nr_dnsmsg *ask(struct trace *t, const struct srv *s, const char *name,
                             uint16_t type, const char **why)
{
    struct nr_dnsq q = { name, type, false, t->o->dnssec, t->o->nsid, false, (int)t->o->bufsize,
                         false };
    char csv[NR_ADDRSTRLEN + 8], a[NR_ADDRSTRLEN], err[NR_ERRLEN];
    unsigned char *wire;
    size_t wlen;
    struct nr_dnsmsg *m = NULL;
    nr_hostport_join(nr_ip_str(&s->ip, a, sizeof a), "53", csv, sizeof csv);
    *why = "cannot start c-ares";
    /* A channel a server, kept open in the shell's pool across steps and
     * traces: asking the root again is a send and a receive. */
    struct nr_dns_conf conf = { csv, t->timeout_us, 1, t->o->tcp ? ARES_FLAG_USEVC : 0 };
    if (!t->sh->dnspool)
        t->sh->dnspool = nr_dnspool_new(t->sh->loop);
    t->dns = t->sh->dnspool ? nr_dnspool_get(t->sh->dnspool, &conf, err, sizeof err) : NULL;
    if (!t->dns || nr_dnsq_build(&q, &wire, &wlen, err, sizeof err) < 0)
        return NULL;
    t->q.done = false, t->q.reply = NULL, t->q.reply_len = 0, t->q.sent_us = nr_now_us();
    ares_send(nr_dns_channel(t->dns), wire, (int)wlen, lookup_reply_cb, &t->q);
    free(wire);
    nr_dns_kick(t->dns);
    enum nr_wait w = sh_wait(t->sh, lookup_reply_done, &t->q, nr_now_us() + t->timeout_us + 1000000);
    if (!t->q.done)
        nr_dns_cancel_all(t->dns);   /* on_reply runs with ARES_ECANCELLED */
    t->steps++;
    if (w == NR_WAIT_INTR)
        *why = "interrupted";
    else if (t->q.status == ARES_ETIMEOUT || !t->q.done)
        *why = "timed out";
    else if (t->q.status != ARES_SUCCESS)
        *why = nr_dns_strerror(t->q.status);
    else if (nr_dnsmsg_parse(t->q.reply, (size_t)t->q.reply_len, &m, err, sizeof err) < 0)
        *why = "malformed reply";
    free(t->q.reply);
    t->q.reply = NULL;
    return m;
}

/* ---- printing ---- */

static void put_step(struct trace *t, const struct srv *s, const char *zone, const char *name,
                     const char *type)
{
    char a[NR_ADDRSTRLEN];
    out_begin(t->sh, "trace_step");
    out_int(t->sh, "step", "step %-3lld", t->steps);
    out_str(t->sh, "zone", NULL, zone);
    out_str(t->sh, "server", "%s", s->name);
    out_str(t->sh, "address", " (%s)", nr_ip_str(&s->ip, a, sizeof a));
    out_str(t->sh, "qname", " asked for %s", name);
    out_str(t->sh, "qtype", " %s", type);
    out_double(t->sh, "time_ms", ": %.1f ms\n", (double)t->q.took_us / 1000.0);
}

static void put_rr_line(struct trace *t, const char *key, const struct nr_dnsrr *r)
{
    out_obj_begin(t->sh, NULL);
    out_str(t->sh, "owner", "        %s", r->owner);
    out_uint(t->sh, "ttl", " %llu", r->ttl);
    out_str(t->sh, "rtype", " %s", r->type);
    out_str(t->sh, "rdata", " %s\n", r->rdata);
    out_obj_end(t->sh);
}

static void put_ns(struct trace *t, const struct level *l)
{
    char a[NR_ADDRSTRLEN];
    out_str(t->sh, "referral", "        referral to %s:", l->zone);
    out_list_begin(t->sh, "ns");
    for (int i = 0; i < l->n; i++) {
        out_obj_begin(t->sh, NULL);
        out_str(t->sh, "name", " %s", l->ns[i].name);
        if (l->ns[i].has_ip)
            out_str(t->sh, "glue", " (glue %s)", nr_ip_str(&l->ns[i].ip, a, sizeof a));
        else
            out_null(t->sh, "glue"), out_text(t->sh, " (no glue)");
        out_text(t->sh, "%s", i + 1 < l->n ? "," : "");
        out_obj_end(t->sh);
    }
    out_list_end(t->sh);
    out_text(t->sh, "\n");
}

/* ---- the walk ---- */

/* The referral in m (NS records of a zone in authority, glue in additional). */
static bool take_referral(const struct nr_dnsmsg *m, struct level *next)
{
    next->n = 0;
    for (size_t i = 0; i < m->n[NR_SEC_AUTHORITY]; i++) {
        const struct nr_dnsrr *r = &m->sec[NR_SEC_AUTHORITY][i];
        if (r->rtype != 2 || next->n >= MAX_SRV)
            continue;
        nr_dname_canon(r->owner, next->zone, sizeof next->zone);
        struct srv *s = &next->ns[next->n++];
        memset(s, 0, sizeof *s);
        nr_dname_canon(r->rdata, s->name, sizeof s->name);
    }
    for (size_t i = 0; i < m->n[NR_SEC_ADDITIONAL]; i++) {
        const struct nr_dnsrr *r = &m->sec[NR_SEC_ADDITIONAL][i];
        char o[NAMELEN];
        nr_dname_canon(r->owner, o, sizeof o);
        struct srv *s = find_srv(next->ns, next->n, o);
        if (s && !s->has_ip && r->rtype == 1)   /* IPv4 glue: what a v4-only host can reach */
            s->has_ip = s->glue = nr_ip_parse(r->rdata, &s->ip, false) == 0;
    }
    return next->n > 0;
}

static int resolve(struct trace *t, const char *name, uint16_t type, int depth,
                   struct nr_ip *addr_out);

/* An NS without glue: its address from the root (A only). */
static bool find_address(struct trace *t, struct srv *s, int depth)
{
    if (depth >= MAX_DEPTH)
        return false;
    out_begin(t->sh, "trace_glueless");
    out_str(t->sh, "ns", "        %s has no glue: looking it up from the root\n", s->name);
    out_end(t->sh);
    s->has_ip = resolve(t, s->name, 1, depth + 1, &s->ip) == 0;
    if (!s->has_ip && t->fail && strcmp(t->fail, "interrupted") && strcmp(t->fail, "step limit")) {
        /* The NS name's own failure is not the trace's: try the next NS. */
        out_begin(t->sh, "trace_glueless");
        out_str(t->sh, "ns", "        no address for %s: trying the zone's next server\n", s->name);
        out_end(t->sh);
        t->fail = NULL;
    }
    return s->has_ip;
}

enum outcome { O_ANSWER, O_CNAME, O_NXDOMAIN, O_NODATA, O_REFERRAL, O_LAME, O_LOOP };

/* Follows the CNAME chain inside the answer from qname; end gets its end. */
static bool answer_has(const struct nr_dnsmsg *m, const char *qname, uint16_t type, char *end)
{
    char cur[NAMELEN], o[NAMELEN];
    snprintf(cur, sizeof cur, "%s", qname);
    for (int hop = 0; hop < 16; hop++) {
        bool moved = false;
        for (size_t i = 0; i < m->n[NR_SEC_ANSWER]; i++) {
            const struct nr_dnsrr *r = &m->sec[NR_SEC_ANSWER][i];
            nr_dname_canon(r->owner, o, sizeof o);
            if (strcasecmp(o, cur))
                continue;
            if (r->rtype == type || type == 255) {
                snprintf(end, NAMELEN, "%s", cur);
                return true;
            }
            if (r->rtype == 5 && !moved) {
                nr_dname_canon(r->rdata, cur, sizeof cur);
                moved = true;
            }
        }
        if (!moved)
            break;
    }
    snprintf(end, NAMELEN, "%s", cur);
    return false;
}

static enum outcome classify(const struct nr_dnsmsg *m, const struct level *cur, const char *qname,
                             uint16_t type, struct level *next, char *end)
{
    if (answer_has(m, qname, type, end))
        return O_ANSWER;
    if (strcasecmp(end, qname))
        return O_CNAME;
    if (!strcmp(m->rcode, "NXDOMAIN") && m->aa)
        return O_NXDOMAIN;
    if (m->rcode_num == 0 && !m->aa && take_referral(m, next)) {
        if (!strcasecmp(next->zone, cur->zone) || !below(next->zone, cur->zone) ||
            !below(qname, next->zone))
            return O_LOOP;
        return O_REFERRAL;
    }
    if (m->rcode_num == 0 && m->aa)
        return O_NODATA;
    return O_LAME;
}

/* Prints the answer records; the first address goes to addr_out. */
static void put_answer(struct trace *t, const struct nr_dnsmsg *m, struct nr_ip *addr_out)
{
    bool got = false;
    out_list_begin(t->sh, "answer");
    for (size_t i = 0; i < m->n[NR_SEC_ANSWER]; i++) {
        const struct nr_dnsrr *r = &m->sec[NR_SEC_ANSWER][i];
        put_rr_line(t, "answer", r);
        if (addr_out && !got && (r->rtype == 1 || r->rtype == 28))
            got = nr_ip_parse(r->rdata, addr_out, false) == 0;
    }
    out_list_end(t->sh);
}

/* One step's outcome, printed. Returns 1 to go on down (cur = next), 0 when
 * done (answer), 2 to restart at the root for a CNAME (qname changed), 3 to
 * try the zone's next server, -1 for a final failure (reported). */
static int handle(struct trace *t, const struct nr_dnsmsg *m, struct level *cur,
                  struct level *next, char *qname, uint16_t type, struct nr_ip *addr_out,
                  const struct srv *s)
{
    char end[NAMELEN];
    struct shell *sh = t->sh;
    switch (classify(m, cur, qname, type, next, end)) {
    case O_ANSWER:
        out_str(sh, "result", "        %.0sanswer from", "answer");
        out_str(sh, "from", " %s:\n", cur->zone);
        put_answer(t, m, addr_out);
        return 0;
    case O_CNAME:
        out_str(sh, "result", "        %.0sCNAME chain,", "cname");
        out_str(sh, NULL, " %s", qname);   /* the step has it as qname */
        out_str(sh, "cname", " -> %s: following it from the root\n", end);
        put_answer(t, m, NULL);
        snprintf(qname, NAMELEN, "%s", end);
        return 2;
    case O_NXDOMAIN:
        out_str(sh, "result", "        no such domain (%s), says", "NXDOMAIN");
        out_str(sh, "from", " %s\n", s->name);
        return t->fail = "NXDOMAIN", -1;
    case O_NODATA:
        out_str(sh, "result", "        no records of that type (%s), says", "NODATA");
        out_str(sh, "from", " %s\n", s->name);
        return t->fail = "NODATA", -1;
    case O_REFERRAL:
        out_str(sh, "result", NULL, "referral");
        put_ns(t, next);
        return 1;
    case O_LOOP:
        out_str(sh, "result", "        %.0sreferral loop:", "loop");
        out_str(sh, "zone_asked", " asked as a server of %s, it hands over", cur->zone);
        out_str(sh, "loop_zone", " to %s, which is not below it\n", next->zone);
        return t->fail = "referral loop", -1;
    case O_LAME:
        break;
    }
    out_str(sh, "result", "        lame delegation:%.0s", "lame");
    out_text(sh, " %s is listed for %s", s->name, cur->zone);
    out_str(sh, "rcode", " but answers %s without authority or a referral\n", m->rcode);
    return 3;
}

static void at_root(struct trace *t, struct level *l)
{
    snprintf(l->zone, sizeof l->zone, ".");
    memcpy(l->ns, t->hints, sizeof l->ns);
    l->n = t->nhints;
}

/* Why the servers of a zone gave nothing usable, for the one line that
 * ends a trace when none did: "1 timed out, 1 lame". */
struct fails {
    int lame, timeout, noaddr, other;
    const char *why;   /* the last other failure (connection refused…) */
};

static void fails_str(const struct fails *f, char *buf, size_t n)
{
    const struct { int k; const char *what; } v[] = {
        { f->lame, "lame" }, { f->timeout, "timed out" }, { f->noaddr, "without an address" },
        { f->other, f->why },
    };
    size_t len = 0;
    buf[0] = 0;
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        if (v[i].k && len < n)
            len += (size_t)snprintf(buf + len, n - len, "%s%d %s", len ? ", " : "", v[i].k, v[i].what);
}

/* Asks the servers of cur in turn until one gives a usable reply; returns
 * handle()'s verdict, or -1 when none did (reported). */
static int step(struct trace *t, struct level *cur, struct level *next, char *qname,
                uint16_t type, int depth, struct nr_ip *addr_out)
{
    char tname[16], why_all[160];
    struct fails f = { 0 };
    nr_rrtype_str(type, tname, sizeof tname);
    for (int i = 0; i < cur->n; i++) {
        struct srv *s = &cur->ns[i];
        const char *why = NULL;
        if (!s->has_ip && !find_address(t, s, depth)) {
            f.noaddr++;
            continue;
        }
        if (t->fail)
            return -1;
        if (t->steps >= MAX_STEPS)
            return cmd_error(t->sh, "trace %s: gave up after %d queries (step limit)", qname,
                             MAX_STEPS), t->fail = "step limit", -1;
        struct nr_dnsmsg *m = ask(t, s, qname, type, &why);
        put_step(t, s, cur->zone, qname, tname);
        if (m && m->nsid) {   /* +nsid: which instance of the server answered */
            out_text(t->sh, "        nsid \"");
            out_data(t->sh, "nsid", m->nsid, m->nsid_len, NR_ESC_QUOTE, false);
            out_text(t->sh, "\"\n");
        }
        int rc = 3;
        if (m)
            rc = handle(t, m, cur, next, qname, type, addr_out, s);
        else
            out_str(t->sh, "error", "        %s; trying the next server of the zone\n", why);
        out_end(t->sh);
        nr_dnsmsg_free(m);
        if (t->sh->interrupted)
            return cmd_error(t->sh, "trace %s: interrupted", qname), t->fail = "interrupted", -1;
        if (rc != 3)
            return rc;
        if (m)
            f.lame++;
        else if (!strcmp(why, "timed out"))
            f.timeout++;
        else
            f.other++, f.why = why;
    }
    fails_str(&f, why_all, sizeof why_all);
    if (!t->fail)
        cmd_error(t->sh, "trace %s: no server of %s answered usefully (%s)", qname, cur->zone,
                  why_all[0] ? why_all : "it has none");
    t->fail = "no server";
    return -1;
}

static int resolve(struct trace *t, const char *name, uint16_t type, int depth,
                   struct nr_ip *addr_out)
{
    struct level *cur = malloc(sizeof *cur), *next = malloc(sizeof *next);
    char qname[NAMELEN];
    int rc = -1, cnames = 0;
    nr_dname_canon(name, qname, sizeof qname);
    if (cur && next)
        at_root(t, cur);
    while (cur && next) {
        rc = step(t, cur, next, qname, type, depth, addr_out);
        if (rc == 1) {
            struct level *x = cur;
            cur = next, next = x;
        } else if (rc == 2 && ++cnames <= 8) {
            at_root(t, cur);
        } else {
            if (rc == 2) {
                cmd_error(t->sh, "trace %s: more than 8 CNAMEs", name);
                rc = -1;
            }
            break;
        }
    }
    free(cur);
    free(next);
    return rc;
}

int lookup_trace_run(struct shell *sh, const struct cmd_call *c)
{
    struct trace *t = calloc(1, sizeof *t);
    uint16_t type = 1;
    char err[NR_ERRLEN];
    int rc = CMD_FAIL;
    if (!t)
        return cmd_error(sh, "out of memory");
    t->sh = sh, t->o = c->opts, t->timeout_us = 2000000;
    if (c->npos < 2 || c->npos > 3)
        rc = cmd_usage(sh, "trace takes NAME [TYPE] (a host named trace: lookup host trace)");
    else if (t->o->file || t->o->full)
        rc = cmd_usage(sh, "trace takes one NAME and shows every reply: no -f, no --full");
    else if (c->pos[c->npos - 1][0] == '@')
        rc = cmd_usage(sh, "trace starts at the root servers, not @SERVER (--roothints FILE names others)");
    else if (c->npos == 3 && nr_rrtype_parse(c->pos[2], &type) < 0)
        rc = cmd_error(sh, "trace %s: %s: unknown record type", c->pos[1], c->pos[2]);
    else if (nr_dns_name_check(c->pos[1], c->poslen[1], err, sizeof err) < 0)
        rc = cmd_error(sh, "trace %s: %s", c->pos[1], err);
    else if (load_hints(t, t->o->roothints ? t->o->roothints : sh->roothints) == 0) {
        int64_t t0 = nr_now_us();
        out_begin(sh, "trace");
        char tname[16];
        out_str(sh, "name", "trace %s", c->pos[1]);
        out_str(sh, "qtype", " %s", nr_rrtype_str(type, tname, sizeof tname));
        const char *h = t->o->roothints ? t->o->roothints : sh->roothints;
        out_str(sh, "hints", " from the root (hints: %s)\n", h ? h : "built-in");
        out_end(sh);
        rc = resolve(t, c->pos[1], type, 0, NULL) == 0 ? CMD_OK : CMD_FAIL;
        if (rc == CMD_OK || (t->fail && (!strcmp(t->fail, "NXDOMAIN") || !strcmp(t->fail, "NODATA")))) {
            out_begin(sh, "trace_done");
            out_int(sh, "queries", "done after %lld", t->steps);
            out_text(sh, t->steps == 1 ? " query" : " queries");
            out_double(sh, "time_ms", ", %.1f ms\n", (double)(nr_now_us() - t0) / 1000.0);
            out_end(sh);
        }
        if (t->fail && (!strcmp(t->fail, "NXDOMAIN") || !strcmp(t->fail, "NODATA")))
            rc = cmd_error(sh, "trace %s: %s", c->pos[1], !strcmp(t->fail, "NXDOMAIN") ?
                           "no such domain (NXDOMAIN)" : "no records of that type (NODATA)");
        else if (t->fail && !strcmp(t->fail, "referral loop"))
            rc = cmd_error(sh, "trace %s: referral loop", c->pos[1]);
    }
    free(t);
    return rc;
}
