/* lib/roothints — named.root files and the built-in root servers (see
 * roothints.h). */
#include "lib/roothints.h"
#include "lib/util.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

static const char *const builtin[][2] = {
    { "a.root-servers.net.", "198.41.0.4" }, { "b.root-servers.net.", "170.247.170.2" },
    { "c.root-servers.net.", "192.33.4.12" }, { "d.root-servers.net.", "199.7.91.13" },
    { "e.root-servers.net.", "192.203.230.10" }, { "f.root-servers.net.", "192.5.5.241" },
    { "g.root-servers.net.", "192.112.36.4" }, { "h.root-servers.net.", "198.97.190.53" },
    { "i.root-servers.net.", "192.36.148.17" }, { "j.root-servers.net.", "192.58.128.30" },
    { "k.root-servers.net.", "193.0.14.129" }, { "l.root-servers.net.", "199.7.83.42" },
    { "m.root-servers.net.", "202.12.27.33" },
};

void nr_roothints_builtin(struct nr_roothints *h)
{
    memset(h, 0, sizeof *h);
    for (size_t i = 0; i < sizeof builtin / sizeof builtin[0]; i++) {
        struct nr_roothint *s = &h->v[h->n++];
        snprintf(s->name, sizeof s->name, "%s", builtin[i][0]);
        s->has_ip = nr_ip_parse(builtin[i][1], &s->ip, false) == 0;
    }
}

void nr_dname_canon(const char *in, char *out, size_t n)
{
    size_t k = 0;
    for (; in[k] && k + 2 < n; k++)
        out[k] = (char)tolower((unsigned char)in[k]);
    if (k == 0 || out[k - 1] != '.')
        out[k++] = '.';
    out[k] = 0;
}

static struct nr_roothint *find(struct nr_roothints *h, const char *name)
{
    for (int i = 0; i < h->n; i++)
        if (!strcasecmp(h->v[i].name, name))
            return &h->v[i];
    return NULL;
}

/* One named.root line: "OWNER [TTL] [IN] TYPE RDATA". */
static void hint_line(struct nr_roothints *h, char *line)
{
    char *w[6], *save = NULL;
    int n = 0;
    char *semi = strchr(line, ';');
    if (semi)
        *semi = 0;
    for (char *p = strtok_r(line, " \t\r\n", &save); p && n < 6; p = strtok_r(NULL, " \t\r\n", &save))
        w[n++] = p;
    int k = 1;
    while (k < n - 2 && (isdigit((unsigned char)w[k][0]) || !strcasecmp(w[k], "IN")))
        k++;
    if (n < 3 || k + 1 >= n)
        return;
    char owner[256], rd[256];
    nr_dname_canon(w[0], owner, sizeof owner);
    if (!strcasecmp(w[k], "NS") && !strcmp(owner, ".") && h->n < NR_ROOTHINTS_MAX) {
        nr_dname_canon(w[k + 1], rd, sizeof rd);
        if (!find(h, rd))
            snprintf(h->v[h->n++].name, sizeof h->v[0].name, "%s", rd);
    } else if (!strcasecmp(w[k], "A") || !strcasecmp(w[k], "AAAA")) {
        struct nr_roothint *s = find(h, owner);
        if (s && !s->has_ip && nr_ip_parse(w[k + 1], &s->ip, false) == 0)
            s->has_ip = true;
    }
}

int nr_roothints_read(const char *path, struct nr_roothints *h, char *err, size_t errlen)
{
    memset(h, 0, sizeof *h);
    FILE *f = fopen(path, "re");
    if (!f)
        return nr_err(err, errlen, "%s", strerror(errno));
    char *line = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, f) >= 0)
        hint_line(h, line);
    free(line);
    fclose(f);
    for (int i = 0; i < h->n; i++)
        if (h->v[i].has_ip)
            return 0;
    return nr_err(err, errlen, "no root server with an address (want '. NS NAME' and 'NAME A ADDR' lines)");
}

struct nr_roothints_cache {
    char *path;
    struct stat st;
    struct nr_roothints h;
};

static bool same_file(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
           a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

const struct nr_roothints *nr_roothints_cached(struct nr_roothints_cache **cache, const char *path,
                                               char *err, size_t errlen)
{
    struct stat st;
    struct nr_roothints_cache *c = *cache;
    if (stat(path, &st) < 0) {
        nr_err(err, errlen, "%s", strerror(errno));
        return NULL;
    }
    if (c && c->path && !strcmp(c->path, path) && same_file(&c->st, &st))
        return &c->h;
    if (!c && !(c = *cache = calloc(1, sizeof *c))) {
        nr_err(err, errlen, "out of memory");
        return NULL;
    }
    free(c->path);
    c->path = NULL;   /* no entry until the file has been read whole */
    if (nr_roothints_read(path, &c->h, err, errlen) < 0)
        return NULL;
    if (!(c->path = strdup(path))) {
        nr_err(err, errlen, "out of memory");
        return NULL;
    }
    c->st = st;
    return &c->h;
}

void nr_roothints_cache_free(struct nr_roothints_cache *c)
{
    if (c)
        free(c->path);
    free(c);
}
