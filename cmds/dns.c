/* cmds/dns — `dns`: show or change the resolver the shell uses (servers,
 * the time one lookup may take, and how many tries per server). */
#include "cmds/lookup.h"
#include "shell/shell.h"
#include "lib/dns.h"

#include <stdlib.h>
#include <string.h>

static void show(struct shell *sh, struct nr_dns *d)
{
    char servers[1024];
    int n = nr_dns_servers(d, servers, sizeof servers);
    out_begin(sh, "dns");
    out_str(sh, "servers", NULL, servers);   /* JSON: the CSV --dns takes */
    out_text(sh, "servers  ");
    char *save = NULL;
    int i = 0;
    for (char *s = strtok_r(servers, ",", &save); s; s = strtok_r(NULL, ",", &save), i++)
        out_text(sh, i ? ", %s" : "%s", s);
    if (n == 0)
        out_text(sh, "(none)");
    out_double(sh, "timeout", "\ntimeout  %g s\n", (double)nr_dns_timeout(d) / 1e6);
    out_int(sh, "tries", "tries    %lld\n", nr_dns_tries(d));
    out_str(sh, "roothints", NULL, sh->roothints);
    out_text(sh, "roothints %s\n", sh->roothints ? sh->roothints : "built-in (the IANA root servers)");
    out_end(sh);
}

/* "dns servers A B,C" → "A,B,C"; "dns servers system" → resolv.conf. */
static int set_servers(struct shell *sh, struct nr_dns *d, const struct nr_args *a)
{
    char err[NR_ERRLEN];
    if (a->argc < 3)
        return cmd_usage(sh, "servers needs SERVER[:PORT][,...] or 'system'");
    if (a->argc == 3 && !strcmp(a->argv[2], "system"))
        return nr_dns_set_servers(d, NULL, err, sizeof err) < 0 ? cmd_error(sh, "%s", err) : 0;
    struct nr_buf csv = { 0 };
    for (int i = 2; i < a->argc; i++) {
        if (i > 2)
            nr_buf_add(&csv, ",", 1);
        nr_buf_add(&csv, a->argv[i], strlen(a->argv[i]));
    }
    if (nr_buf_add(&csv, "", 1) < 0)
        return cmd_error(sh, "out of memory");
    int r = nr_dns_set_servers(d, (const char *)csv.p, err, sizeof err);
    nr_buf_free(&csv);
    return r < 0 ? cmd_error(sh, "servers: %s", err) : 0;
}

static int dns_run(struct shell *sh, const struct cmd_call *c)
{
    const struct nr_args *a = c->args;
    struct nr_dns *d = sh_dns(sh);
    char err[NR_ERRLEN];
    if (!d)
        return CMD_FAIL;
    if (a->argc == 1) {
        show(sh, d);
        return CMD_OK;
    }
    const char *what = a->argv[1];
    if (!strcmp(what, "servers")) {
        if (set_servers(sh, d, a) != 0)
            return CMD_FAIL;
    } else if (!strcmp(what, "timeout") || !strcmp(what, "tries")) {
        if (a->argc != 3)
            return cmd_usage(sh, "%s needs one value", what);
        int64_t us = 0;
        long long tries = 0;
        int r = what[1] == 'i'
            ? nr_parse_seconds(a->argv[2], 300, &us, err, sizeof err)
            : nr_parse_ll(a->argv[2], 1, 10, &tries, err, sizeof err);
        if (r == 0 && what[1] == 'i' && us < 1000)
            r = nr_err(err, sizeof err, "must be at least 0.001 s");
        if (r < 0)
            return cmd_error(sh, "%s %s: %s", what, a->argv[2], err);
        if (nr_dns_configure(d, us, (int)tries, err, sizeof err) < 0)
            return cmd_error(sh, "%s", err);
    } else if (!strcmp(what, "roothints")) {
        if (a->argc != 3)
            return cmd_usage(sh, "roothints needs FILE or 'builtin'");
        char *p = strcmp(a->argv[2], "builtin") ? strdup(a->argv[2]) : NULL;
        if (strcmp(a->argv[2], "builtin") && (!p || !lookup_roothints_ok(sh, p))) {
            free(p);
            return CMD_FAIL;
        }
        free(sh->roothints);
        sh->roothints = p;
    } else {
        return cmd_usage(sh, "%s: expected servers, timeout, tries or roothints", what);
    }
    show(sh, d);
    return CMD_OK;
}

static const char *const dns_subs[] = { "servers", "timeout", "tries", "roothints", NULL };

static const struct nr_pos dns_pos[] = {
    { "servers LIST|timeout S|tries N|roothints FILE", POS_ENUM, dns_subs, POS_OPTIONAL },
    { "VALUE", POS_WORD, NULL, POS_OPTIONAL | POS_REPEAT | POS_HIDDEN },
    POS_END,
};

/* After `dns servers`: the word system (back to resolv.conf). */
static void dns_complete(struct shell *sh, int argi, const char *const *w, int nw,
                         void (*add)(const char *))
{
    if (argi == 1 && !strcmp(w[0], "servers"))
        add("system");
    if (argi == 1 && !strcmp(w[0], "roothints"))
        add("builtin");
}

const struct nr_cmd cmd_dns = {
    .name = "dns",
    .summary = "show or set the resolver: servers, lookup timeout, tries",
    .help =
    "Without arguments shows the DNS servers the shell asks (by default those\n"
    "of /etc/resolv.conf, or --dns / NETREPL_DNS), the time one lookup may\n"
    "take in all (default 5 s) and the tries per server (default 2).\n"
    "'dns servers LIST' takes SERVER[:PORT] words or a comma list ('[::1]:53'\n"
    "for IPv6 with a port): IP addresses, ports 1 to 65535, checked as for\n"
    "--dns and 'lookup @SERVER'; 'dns servers system' goes back to resolv.conf.\n"
    "'dns roothints FILE' gives 'lookup trace' its root servers from a file in\n"
    "named.root format ('dns roothints builtin': the IANA root servers).\n"
    "Example: dns servers 127.0.0.1:5353\n"
    "Example: dns timeout 0.5\n",
    .pos = dns_pos,
    .flags = CMD_RAW_ARGS | CMD_ARITY_SELF,
    .run = dns_run,
    .complete = dns_complete,
};
