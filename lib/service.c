/* lib/service — parsing services(5) and the built-in fallback table. */
#include "lib/service.h"
#include "lib/util.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct builtin {
    const char *name;
    const char *proto;
    uint16_t port;
};

/* Used only when the services file is missing (minimal containers). */
static const struct builtin builtin[] = {
    { "echo", "tcp", 7 },        { "echo", "udp", 7 },
    { "discard", "tcp", 9 },     { "discard", "udp", 9 },
    { "daytime", "tcp", 13 },    { "daytime", "udp", 13 },
    { "chargen", "tcp", 19 },    { "chargen", "udp", 19 },
    { "ftp-data", "tcp", 20 },   { "ftp", "tcp", 21 },
    { "ssh", "tcp", 22 },        { "telnet", "tcp", 23 },
    { "smtp", "tcp", 25 },       { "time", "tcp", 37 },
    { "time", "udp", 37 },       { "whois", "tcp", 43 },
    { "domain", "tcp", 53 },     { "domain", "udp", 53 },
    { "bootps", "udp", 67 },     { "bootpc", "udp", 68 },
    { "tftp", "udp", 69 },       { "gopher", "tcp", 70 },
    { "finger", "tcp", 79 },     { "http", "tcp", 80 },
    { "www", "tcp", 80 },        { "kerberos", "tcp", 88 },
    { "kerberos", "udp", 88 },   { "pop3", "tcp", 110 },
    { "sunrpc", "tcp", 111 },    { "sunrpc", "udp", 111 },
    { "ident", "tcp", 113 },     { "nntp", "tcp", 119 },
    { "ntp", "udp", 123 },       { "imap2", "tcp", 143 },
    { "imap", "tcp", 143 },      { "snmp", "udp", 161 },
    { "snmp-trap", "udp", 162 }, { "bgp", "tcp", 179 },
    { "irc", "tcp", 194 },       { "imap3", "tcp", 220 },
    { "ldap", "tcp", 389 },      { "https", "tcp", 443 },
    { "https", "udp", 443 },     { "microsoft-ds", "tcp", 445 },
    { "submissions", "tcp", 465 }, { "syslog", "udp", 514 },
    { "printer", "tcp", 515 },   { "submission", "tcp", 587 },
    { "ldaps", "tcp", 636 },     { "rsync", "tcp", 873 },
    { "ftps", "tcp", 990 },      { "imaps", "tcp", 993 },
    { "pop3s", "tcp", 995 },     { "openvpn", "udp", 1194 },
    { "mysql", "tcp", 3306 },    { "postgresql", "tcp", 5432 },
    { "redis", "tcp", 6379 },    { "http-alt", "tcp", 8080 },
};

/* Splits one services(5) line in place into words; returns how many. */
static int split_line(char *line, char **w, int max)
{
    char *hash = strchr(line, '#');
    if (hash)
        *hash = 0;
    int n = 0;
    for (char *tok = strtok(line, " \t\r\n"); tok && n < max; tok = strtok(NULL, " \t\r\n"))
        w[n++] = tok;
    return n;
}

/* "80/tcp" → port 80, proto "tcp" (proto points into s). */
static bool parse_portproto(char *s, uint16_t *port, const char **proto)
{
    char *slash = strchr(s, '/');
    if (!slash || slash == s || !slash[1])
        return false;
    *slash = 0;
    long long v;
    if (nr_parse_ll(s, 0, 65535, &v, NULL, 0) < 0)
        return false;
    *port = (uint16_t)v;
    *proto = slash + 1;
    return true;
}

size_t nr_service_each(const char *path, nr_service_fn fn, void *arg)
{
    FILE *f = fopen(path ? path : NR_SERVICES_PATH, "re");
    size_t seen = 0;
    if (!f) {
        for (size_t i = 0; i < sizeof builtin / sizeof builtin[0]; i++, seen++)
            fn(arg, builtin[i].name, builtin[i].proto, builtin[i].port);
        return seen;
    }
    char *line = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, f) > 0) {
        char *w[64];
        int n = split_line(line, w, 64);
        uint16_t port;
        const char *proto;
        if (n < 2 || !parse_portproto(w[1], &port, &proto))
            continue;
        for (int i = 0; i < n; i++) {
            if (i != 1) {
                fn(arg, w[i], proto, port);
                seen++;
            }
        }
    }
    free(line);
    fclose(f);
    return seen;
}

struct find {
    const char *name, *proto;
    bool found;
    uint16_t port;
};

static void find_one(void *arg, const char *name, const char *proto, uint16_t port)
{
    struct find *f = arg;
    if (!f->found && !strcasecmp(proto, f->proto) && !strcasecmp(name, f->name)) {
        f->found = true;
        f->port = port;
    }
}

/* "tcp4" → "tcp"; "" and "ip" → NULL (either); anything else → "" (bad). */
static const char *base_proto(const char *p)
{
    if (!*p || !strcmp(p, "ip"))
        return NULL;
    if (!strcmp(p, "tcp") || !strcmp(p, "tcp4") || !strcmp(p, "tcp6"))
        return "tcp";
    if (!strcmp(p, "udp") || !strcmp(p, "udp4") || !strcmp(p, "udp6"))
        return "udp";
    return "";
}

static bool all_digits(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

int nr_service_port(const char *proto, const char *service, const char *path,
                    uint16_t *port, char *err, size_t errlen)
{
    const char *bp = base_proto(proto ? proto : "");
    if (bp && !*bp)
        return nr_err(err, errlen, "unknown network %s", proto);
    if (!*service) {   /* Go: an empty service is port 0 */
        *port = 0;
        return 0;
    }
    if (all_digits(service) || (service[0] == '-' && all_digits(service + 1))) {
        long long v;
        if (nr_parse_ll(service, 0, 65535, &v, NULL, 0) < 0)
            return nr_err(err, errlen, "invalid port");
        *port = (uint16_t)v;
        return 0;
    }
    const char *protos[2] = { bp ? bp : "tcp", bp ? NULL : "udp" };
    for (int i = 0; i < 2 && protos[i]; i++) {
        struct find f = { .name = service, .proto = protos[i] };
        nr_service_each(path, find_one, &f);
        if (f.found) {
            *port = f.port;
            return 0;
        }
    }
    return nr_err(err, errlen, "unknown port");
}
