/* lib/roothints — root hints for an iterative trace: the IANA root servers
 * built in, or a file in the usual named.root format (". NS NAME" and
 * "NAME A ADDR" lines; TTL and class optional, ';' comments), read again
 * only when it changed. No printing, no globals. */
#ifndef NR_ROOTHINTS_H
#define NR_ROOTHINTS_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/addr.h"

#define NR_ROOTHINTS_MAX 32

struct nr_roothints {
    int n;
    struct nr_roothint {
        char name[256];     /* lowercase, with the final dot */
        struct nr_ip ip;    /* the first A or AAAA given for it */
        bool has_ip;
    } v[NR_ROOTHINTS_MAX];
};

/* The 13 IANA root servers (IPv4). */
void nr_roothints_builtin(struct nr_roothints *h);
/* Reads path into h. 0, or -1 with err: the file's error (strerror), or
 * "no root server with an address (…)". */
int nr_roothints_read(const char *path, struct nr_roothints *h, char *err, size_t errlen);

/* The hints of path, read again only when the file is another or changed
 * (device, inode, size, modification time): a script of traces reads the
 * file once. *cache starts NULL; free it with nr_roothints_cache_free().
 * Borrowed: valid until the next call on *cache. NULL with err. */
struct nr_roothints_cache;
const struct nr_roothints *nr_roothints_cached(struct nr_roothints_cache **cache, const char *path,
                                               char *err, size_t errlen);
void nr_roothints_cache_free(struct nr_roothints_cache *cache);

/* A domain name lowercased, with its final dot, into out (n bytes, at
 * least 2; longer names are cut). */
void nr_dname_canon(const char *in, char *out, size_t n);

#endif
