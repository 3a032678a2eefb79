/* cmds/lookup — `lookup [TYPE] NAME...`: DNS records with Go's Lookup*
 * semantics (lib/lookup), many names at once through one c-ares channel,
 * printed in the order given; plus `lookup port` (lib/service). */
#include "cmds/lookup.h"
#include "shell/shell.h"
#include "lib/escape.h"
#include "lib/dnstype.h"
#include "lib/lookup.h"
#include "lib/service.h"
#include "shell/pics.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Queries in flight: enough to keep a server busy, few enough not to
 * overflow its socket buffer (a drop costs a c-ares retry timeout). */
enum { WINDOW = 100, MAX_NAMES = 10000000 };

struct req {
    struct shell *sh;
    enum nr_qtype t;
    bool port;                /* lookup port PROTO SERVICE... */
    const char *proto;
    char **names;             /* owned */
    size_t n, cap;
    const char *server;       /* @SERVER[:PORT] as typed, or NULL */
    bool tcp;                 /* +tcp */
    struct nr_dns *dns;       /* the channel used (tmp or the shell's) */
    struct nr_dns *tmp;       /* a short-lived channel for @SERVER / +tcp */
    char servers[512];        /* for messages */
    int64_t timeout_us;
    size_t failed;
    bool from_file;           /* -f: a progress line at the prompt */
    struct sh_progress *prog; /* while the batch runs, or NULL */
};

static void req_free(struct req *r)
{
    for (size_t i = 0; i < r->n; i++)
        free(r->names[i]);
    free(r->names);
    nr_dns_free(r->tmp);
}

static int add_name(struct req *r, const char *s, size_t len)
{
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 16;
        char **p = realloc(r->names, cap * sizeof *p);
        if (!p)
            return -1;
        r->names = p;
        r->cap = cap;
    }
    char *d = malloc(len + 1);
    if (!d)
        return -1;
    memcpy(d, s, len);
    d[len] = 0;
    r->names[r->n++] = d;
    return 0;
}

/* One name a line; blank lines and '#' comments skipped. A directory, a
 * read error or a NUL byte inside a line is an error, not a short list. */
static int read_names(struct shell *sh, struct req *r, const char *path)
{
    FILE *f = sh_open_lines(sh, "-f ", path);
    if (!f)
        return -1;
    struct nr_buf line = { 0 };
    long lineno = 0;
    int n, rc = 0;
    while (rc == 0 && (n = sh_read_line(f, &line)) != 0) {
        lineno++;
        if (n < 0) {
            if (n == -1)
                cmd_error(sh, "-f %s: line %ld: too long (more than %d bytes)", path, lineno,
                          SH_LINE_MAX);
            else
                cmd_error(sh, "-f %s: %s", path, strerror(errno));
            rc = -1;
            break;
        }
        char *s = (char *)line.p, *e = s + line.len;
        while (s < e && (*s == ' ' || *s == '\t'))
            s++;
        while (e > s && (e[-1] == '\n' || e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'))
            e--;
        if (s == e || *s == '#')
            continue;
        if (memchr(s, 0, (size_t)(e - s))) {
            cmd_error(sh, "-f %s: line %ld: name contains a NUL byte", path, lineno);
            rc = -1;
        } else if (r->n >= MAX_NAMES || add_name(r, s, (size_t)(e - s)) < 0) {
            cmd_error(sh, "-f %s: too many names or out of memory", path);
            rc = -1;
        }
    }
    nr_buf_free(&line);
    fclose(f);
    return rc;
}

static bool is_net(const char *w)
{
    static const char *const nets[] = { "tcp", "tcp4", "tcp6", "udp", "udp4", "udp6", "ip", NULL };
    for (const char *const *p = nets; *p; p++)
        if (!strcmp(w, *p))
            return true;
    return false;
}


static int parse_args(struct shell *sh, const struct cmd_call *c, struct req *r)
{
    const struct lookup_opts *o = c->opts;
    int i = 0;
    r->tcp = o->tcp;
    if (i < c->npos && !strcmp(c->pos[i], "port")) {
        r->port = true;
        i++;
        if (i < c->npos && is_net(c->pos[i]))
            r->proto = c->pos[i++];
    } else if (i < c->npos && nr_qtype_parse(c->pos[i], &r->t) == 0) {
        i++;
    }
    if (r->port && o->tcp)
        return cmd_usage(sh, "+tcp is for DNS queries, not 'lookup port'"), -1;
    for (; i < c->npos; i++) {
        const char *w = c->pos[i];
        if (w[0] == '@' && !r->port)
            r->server = w + 1;
        else if (memchr(w, 0, c->poslen[i]))
            return cmd_error_at(sh, w, c->poslen[i], "name contains a NUL byte"), -1;
        else if (add_name(r, w, c->poslen[i]) < 0)
            return cmd_error(sh, "out of memory"), -1;
    }
    if (o->file && read_names(sh, r, o->file) < 0)
        return -1;
    r->from_file = o->file != NULL;
    if (r->n == 0)
        return cmd_usage(sh, r->port ? "needs a service name or number" : "needs a name"), -1;
    return 0;
}

/* `srv SERVICE PROTO NAME` becomes `_SERVICE._PROTO.NAME` (Go's LookupSRV). */
static int srv_join(struct shell *sh, struct req *r)
{
    if (r->t != NR_Q_SRV || r->n != 3 || strchr(r->names[0], '.') || strchr(r->names[1], '.'))
        return 0;
    char buf[1024], err[NR_ERRLEN];
    if (nr_srv_name(r->names[0], r->names[1], r->names[2], buf, sizeof buf, err, sizeof err) < 0)
        return cmd_error(sh, "srv %s %s %s: %s", r->names[0], r->names[1], r->names[2], err), -1;
    for (size_t i = 0; i < r->n; i++)
        free(r->names[i]);
    r->n = 0;
    return add_name(r, buf, strlen(buf));
}

/* Bad names are argument errors: nothing is sent for them. */
static int check_names(struct shell *sh, struct req *r)
{
    char err[NR_ERRLEN];
    int bad = 0;
    for (size_t i = 0; i < r->n && bad < 10; i++) {
        const char *s = r->names[i];
        struct nr_ip ip;
        if (r->t == NR_Q_ADDR) {
            if (nr_ip_parse(s, &ip, true) < 0)
                bad++, cmd_error(sh, "addr %s: not an IP address", s);
        } else if (nr_dns_name_check(s, strlen(s), err, sizeof err) < 0) {
            bad++, cmd_error(sh, "%s %s: %s", nr_qtype_name(r->t), s, err);
        }
    }
    return bad ? -1 : 0;
}

/* "@1.2.3.4", "@1.2.3.4:5353", "@[::1]:5353", "@::1" → c-ares CSV, checked
 * as --dns and `dns servers` are (lib/dns). */
int lookup_server_csv(struct shell *sh, const char *s, char *csv, size_t n)
{
    char err[NR_ERRLEN];
    if (strchr(s, ','))
        return cmd_error(sh, "@%s: one server only", s), -1;
    if (nr_dns_server_list(s, csv, n, err, sizeof err) < 0)
        return cmd_error(sh, "@%s", err), -1;
    return 0;
}

static int open_channel(struct shell *sh, struct req *r)
{
    struct nr_dns *main_dns = sh_dns(sh);
    if (!main_dns)
        return -1;
    r->dns = main_dns;
    r->timeout_us = nr_dns_timeout(main_dns);
    nr_dns_servers(main_dns, r->servers, sizeof r->servers);
    /* A channel of the command's own: truncated UDP replies come back to
     * lib/lookup (IGNTC), which asks that one name again over TCP. */
    char csv[sizeof r->servers], err[NR_ERRLEN];
    if (r->server && lookup_server_csv(sh, r->server, csv, sizeof csv) < 0)
        return -1;
    struct nr_dns_conf c = {
        .servers = r->server ? csv : *r->servers ? r->servers : NULL,
        .timeout_us = r->timeout_us,
        .tries = nr_dns_tries(main_dns),
        .flags = r->tcp ? ARES_FLAG_USEVC : ARES_FLAG_IGNTC,
    };
    r->tmp = nr_dns_new_conf(sh->loop, &c, err, sizeof err);
    if (!r->tmp)
        return cmd_error(sh, "%s", err), -1;
    r->dns = r->tmp;
    nr_dns_servers(r->tmp, r->servers, sizeof r->servers);
    return 0;
}

/* ---- printing ---- */

static void out_name(struct shell *sh, const char *key, const char *s)
{
    out_data(sh, key, s, strlen(s), 0, false);
}

static void out_quoted(struct shell *sh, const char *key, const unsigned char *p, size_t n)
{
    out_text(sh, "\"");
    out_data(sh, key, p, n, NR_ESC_QUOTE, false);
    out_text(sh, "\"");
}

static void print_data(struct shell *sh, const struct nr_rec *r)
{
    char ip[NR_ADDRSTRLEN];
    switch (r->rtype) {
    case NR_T_A: case NR_T_AAAA:
        out_str(sh, "ip", "%s", nr_ip_str(&r->ip, ip, sizeof ip));
        break;
    case NR_T_MX:
        out_uint(sh, "pref", "%llu ", r->pref);
        out_name(sh, "host", r->host);
        break;
    case NR_T_NS: out_name(sh, "host", r->host); break;
    case NR_T_CNAME: out_name(sh, "cname", r->host); break;
    case NR_T_PTR: out_name(sh, "ptr", r->host); break;
    case NR_T_SRV:
        out_uint(sh, "priority", "%llu ", r->pref);
        out_uint(sh, "weight", "%llu ", r->weight);
        out_uint(sh, "port", "%llu ", r->port);
        out_name(sh, "target", r->host);
        break;
    case NR_T_TXT: out_quoted(sh, "text", r->data, r->len); break;
    case NR_T_SOA:
        out_name(sh, "ns", r->host);
        out_text(sh, " ");
        out_name(sh, "mbox", r->host2);
        out_uint(sh, "serial", " %llu", r->serial);
        out_uint(sh, "refresh", " %llu", r->refresh);
        out_uint(sh, "retry", " %llu", r->retry);
        out_uint(sh, "expire", " %llu", r->expire);
        out_uint(sh, "minttl", " %llu", r->minttl);
        break;
    case NR_T_CAA:
        out_uint(sh, "flags", "%llu ", r->pref);
        out_name(sh, "tag", r->tag);
        out_text(sh, " ");
        out_quoted(sh, "value", r->data, r->len);
        break;
    }
}

/* Where the records came from, after each line: the hosts file for host,
 * ip and addr (Go reads it first), and DNS too for addr. */
static const char *source_note(const struct req *r, const struct nr_records *rs)
{
    if (rs->source == NR_SRC_HOSTS)
        return "  (hosts file)";
    return r->t == NR_Q_ADDR ? "  (DNS)" : "";
}

static void print_records(struct shell *sh, const struct req *r, const char *name,
                          const struct nr_records *rs)
{
    static const char *const sources[] = { "dns", "hosts", "literal" };
    out_begin(sh, "lookup");
    out_str(sh, "name", NULL, name);
    out_str(sh, "qtype", NULL, nr_qtype_name(r->t));
    out_str(sh, "source", NULL, sources[rs->source]);
    if (rs->canon) {   /* Go's LookupSRV returns it first */
        out_name(sh, NULL, name);
        out_text(sh, "  canonical name ");
        out_name(sh, "cname", rs->canon);
        out_text(sh, "\n");
    }
    out_list_begin(sh, "records");
    for (size_t i = 0; i < rs->n; i++) {
        out_obj_begin(sh, NULL);
        if (rs->r[i].owner)   /* a step of the CNAME chain */
            out_name(sh, "owner", rs->r[i].owner);
        else
            out_name(sh, NULL, name);
        out_str(sh, "rtype", "  %s  ", nr_rrtype_name(rs->r[i].rtype));
        print_data(sh, &rs->r[i]);
        out_text(sh, "%s\n", source_note(r, rs));
        out_obj_end(sh);
    }
    out_list_end(sh);
    out_end(sh);
}

/* NXDOMAIN, NODATA, SERVFAIL, REFUSED, timeout… each in its own words
 * (lib/dns's one table). */
static const char *status_text(const struct req *r, int st, char *buf, size_t n)
{
    return nr_dns_status_text(st, r->t == NR_Q_HOST || r->t == NR_Q_IP ? "A or AAAA"
                              : nr_qtype_upper(r->t), r->timeout_us, buf, n);
}

static void on_result(void *arg, size_t i, int status, struct nr_records *rs)
{
    struct req *r = arg;
    char buf[128];
    if (r->prog)
        sh_progress_hide(r->prog);
    if (status == ARES_SUCCESS)
        print_records(r->sh, r, r->names[i], rs);
    else {
        r->failed++;
        cmd_error(r->sh, "%s %s via %s: %s", nr_qtype_name(r->t), r->names[i], r->servers,
                  status_text(r, status, buf, sizeof buf));
    }
    nr_records_free(rs);
}

static uint64_t batch_done(void *b)
{
    return nr_batch_delivered(b);
}

/* Runs every name through one batch; a stall longer than the timeout
 * (which c-ares itself should have ended) cancels what is left. */
static int run_batch(struct shell *sh, struct req *r)
{
    uint64_t seed = (uint64_t)nr_now_us() ^ ((uint64_t)getpid() << 32);
    struct nr_batch *b = nr_batch_new(r->dns, r->t, (const char *const *)r->names, r->n,
                                      WINDOW, seed, on_result, r);
    if (!b)
        return cmd_error(sh, "out of memory");
    struct sh_progress prog = { .sh = sh, .what = "names", .total = r->n,
                                .done = batch_done, .arg = b };
    if (r->from_file) {
        r->prog = &prog;
        sh_progress_start(&prog);
    }
    nr_batch_run(b);
    int rc = CMD_OK;
    while (!nr_batch_done(b)) {
        size_t before = nr_batch_received(b);
        enum nr_wait w = sh_wait(sh, nr_batch_done, b, nr_now_us() + r->timeout_us + 1000000);
        if (w == NR_WAIT_INTR || w == NR_WAIT_FAIL ||
            (w == NR_WAIT_TIMEOUT && nr_batch_received(b) == before)) {
            size_t done = nr_batch_delivered(b);
            nr_batch_cancel(b);
            if (r->prog)
                sh_progress_hide(r->prog);   /* the error on a line of its own */
            rc = cmd_error(sh, "%s after %zu of %zu names", w == NR_WAIT_INTR ? "interrupted"
                           : "stalled", done, r->n);
        }
    }
    if (r->prog)
        sh_progress_end(r->prog);
    r->prog = NULL;
    nr_dns_free(r->tmp);   /* its queries end before the batch goes */
    r->tmp = NULL;
    nr_batch_free(b);
    return r->failed ? CMD_FAIL : rc;
}

static int lookup_ports(struct shell *sh, struct req *r)
{
    char err[NR_ERRLEN];
    int rc = CMD_OK;
    for (size_t i = 0; i < r->n; i++) {
        uint16_t port;
        const char *proto = r->proto ? r->proto : "";
        if (nr_service_port(proto, r->names[i], NULL, &port, err, sizeof err) < 0) {
            rc = cmd_error(sh, "port %s%s%s: %s", proto, *proto ? " " : "", r->names[i], err);
            continue;
        }
        out_begin(sh, "port");
        out_str(sh, "network", NULL, *proto ? proto : "ip");
        out_name(sh, "service", r->names[i]);
        out_uint(sh, "port", "  %llu\n", port);
        out_end(sh);
    }
    return rc;
}

static int lookup_run(struct shell *sh, const struct cmd_call *c)
{
    struct req r = { .sh = sh, .t = NR_Q_HOST };
    int rc = CMD_FAIL;
    const struct lookup_opts *o = c->opts;
    if (c->npos >= 1 && !strcmp(c->pos[0], "trace"))
        return lookup_trace_run(sh, c);   /* cmds/lookup_trace.c */
    if (o->roothints)
        return cmd_usage(sh, "--roothints is for 'lookup trace'");
    if (o->full || o->dnssec || o->nsid || o->norecurse || o->bufsize ||
        (c->npos > 1 && lookup_is_any_type(c->pos[0])))
        return lookup_full_run(sh, c);   /* cmds/lookup_full.c */
    if (parse_args(sh, c, &r) < 0)
        goto done;
    if (r.port) {
        rc = lookup_ports(sh, &r);
        goto done;
    }
    if (srv_join(sh, &r) < 0 || check_names(sh, &r) < 0 || open_channel(sh, &r) < 0)
        goto done;
    rc = run_batch(sh, &r);
done:
    req_free(&r);
    return rc;
}

static const struct nr_opt lookup_options[] = {
    { "+tcp", NULL, OPT_FLAG, offsetof(struct lookup_opts, tcp), 0, 0, NULL,
      "ask over TCP instead of UDP", NULL, 0, 0 },
    { "-f", NULL, OPT_PATH, offsetof(struct lookup_opts, file), 0, 0, "FILE",
      "read names from FILE, one a line ('#' comments)", NULL, 0, 0 },
    { "--full", NULL, OPT_FLAG, offsetof(struct lookup_opts, full), 0, 0, NULL,
      "the whole reply as dig shows it: header, flags, sections, TTLs, EDNS", NULL, 0, 0 },
    { "+dnssec", NULL, OPT_FLAG, offsetof(struct lookup_opts, dnssec), 0, 0, NULL,
      "set the DO bit: RRSIGs come along, the AD flag is named", NULL, 0, 0 },
    { "+nsid", NULL, OPT_FLAG, offsetof(struct lookup_opts, nsid), 0, 0, NULL,
      "ask the server for its NSID (RFC 5001; shown with --full)", NULL, 0, 0 },
    { "+bufsize", NULL, OPT_INT, offsetof(struct lookup_opts, bufsize), 512, 65535, "N",
      "EDNS UDP buffer size (+bufsize=N)", NULL, 0, 0 },
    { "--roothints", NULL, OPT_PATH, offsetof(struct lookup_opts, roothints), 0, 0, "FILE",
      "trace: root hints in named.root format (default: the IANA root servers)", NULL, 0, 0 },
    { "+norecurse", NULL, OPT_FLAG, offsetof(struct lookup_opts, norecurse), 0, 0, NULL,
      "ask without recursion desired (RD off), as a resolver asks", NULL, 0, 0 },
    OPT_END,
};

/* Words in the TYPE place besides the record types: `lookup port …` and
 * the keyword `lookup trace NAME [TYPE]`. */
static const char *const lookup_words[] = { "port", "trace", NULL };

static const struct nr_pos lookup_pos[] = {
    { "TYPE", POS_RTYPE, lookup_words, POS_OPTIONAL },
    { "NAME", POS_WORD, NULL, POS_REPEAT },
    { "@SERVER[:PORT]", POS_WORD, NULL, POS_OPTIONAL },
    POS_END,
};

struct adder {
    void (*add)(const char *);
};

static void add_type(void *arg, const char *name, uint16_t type)
{
    ((const struct adder *)arg)->add(name);
}

/* After `lookup port`: the networks; after `lookup trace NAME`: the record
 * types (lib/dnstype's table). */
static void lookup_complete(struct shell *sh, int argi, const char *const *w, int nw,
                            void (*add)(const char *))
{
    static const char *const nets[] = { "tcp", "udp", NULL };
    struct adder a = { add };
    if (argi == 1 && !strcmp(w[0], "port"))
        for (int i = 0; nets[i]; i++)
            add(nets[i]);
    if (argi == 2 && !strcmp(w[0], "trace"))
        nr_rrtype_each(add_type, &a);
}

const struct nr_cmd cmd_lookup = {
    .name = "lookup",
    .summary = "query DNS: host ip a aaaa addr cname mx ns srv txt soa caa, any type, or a port",
    .help =
    "TYPE: host (default: A and AAAA, hosts file first), ip (the same), a or\n"
    "aaaa (one family, DNS only), addr (names of an IP: the hosts file first,\n"
    "then PTR; each says where it came from), cname (the canonical name, the\n"
    "name itself when it has addresses but no CNAME), mx (by preference), ns,\n"
    "srv (the canonical name, then by priority, weighted-random within one;\n"
    "'srv SERVICE PROTO NAME' or '_svc._proto.name'), txt (a record's strings\n"
    "joined), soa, caa, port ('lookup port [NET] SERVICE...': /etc/services,\n"
    "with a built-in table when it is missing).\n"
    "Names are queried as given (no search list), concurrently through one\n"
    "c-ares channel, and printed in the order given; a name given twice is\n"
    "asked once. -f FILE (a regular file, lines of at most 65536 bytes)\n"
    "reads one name a line. @SERVER[:PORT] asks another server for this call\n"
    "only, +tcp uses TCP; a truncated UDP answer is asked again over TCP for\n"
    "that name alone. Each failure names the type, the name and the server:\n"
    "no such domain, no records of that type, server failure, refused, timed\n"
    "out, malformed reply, a CNAME loop or a chain over 32 links, connection\n"
    "refused, too many open files. Ctrl-C cancels.\n"
    "a, aaaa and host show the CNAME chain step by step before the addresses.\n"
    "Any other record type works by name or number (https, dnskey, tlsa,\n"
    "type65534), printed in its presentation format (RFC 3597's \\# LEN HEX\n"
    "when unknown). --full shows the whole reply as dig does: server,\n"
    "transport, time and sizes; id, opcode, status and every flag named;\n"
    "question, answer, authority and additional with TTLs; EDNS. +dnssec\n"
    "sets the DO bit, +nsid asks for the server's id, +bufsize=N sets the\n"
    "EDNS buffer, +norecurse clears RD.\n"
    "'lookup trace NAME [TYPE]' resolves iteratively from the root with\n"
    "recursion off, one block per step: the server asked, the zone it hands\n"
    "over to with its NS names and glue (an NS without glue is looked up\n"
    "from the root), the time; then the answer, a CNAME followed from the\n"
    "root again. A lame server, a referral loop, missing glue, a server that\n"
    "refuses or does not answer within 2 s (the zone's next server is asked;\n"
    "when none is left the trace stops) and the step limit (40 queries) each\n"
    "get one line. --roothints FILE takes the root servers from a named.root\n"
    "file (or 'dns roothints FILE'); else the IANA root servers. +nsid shows\n"
    "each server's NSID; +dnssec, +bufsize=N and +tcp shape every query.\n"
    "With --json each step is one object.\n"
    "'trace' right after lookup is that keyword: a host named trace is\n"
    "looked up with its type first (lookup host trace, lookup a trace) or as\n"
    "trace. with the dot.\n"
    "Example: lookup mx gmail.com\n"
    "Example: lookup srv xmpp-server tcp jabber.org @9.9.9.9\n"
    "Example: lookup port tcp telnet\n"
    "Example: lookup a www.example.org --full\n"
    "Example: lookup https cloudflare.com +dnssec\n"
    "Example: lookup trace www.example.org AAAA\n",
    .pos = lookup_pos,
    .opts = lookup_options,
    .opts_size = sizeof(struct lookup_opts),
    .flags = CMD_ARITY_SELF,
    .run = lookup_run,
    .complete = lookup_complete,
};

void lookup_reply_cb(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
    struct lookup_reply *q = arg;
    q->done = true;
    q->status = status;
    q->took_us = nr_now_us() - q->sent_us;
    if (status == ARES_SUCCESS && abuf && alen > 0 && (q->reply = malloc((size_t)alen))) {
        memcpy(q->reply, abuf, (size_t)alen);
        q->reply_len = alen;
    }
}

bool lookup_reply_done(void *arg)
{
    return ((struct lookup_reply *)arg)->done;
}
