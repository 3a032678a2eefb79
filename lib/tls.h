/* lib/tls — TLS on a session's non-blocking socket (OpenSSL 3): contexts
 * for clients and servers (strict verification by default, an ephemeral
 * EC P-256 self-signed certificate for listeners without one), one
 * connection's handshake, reads and writes that say what they need next
 * (readable, writable), and what the handshake and the peer's chain were —
 * verification failures in plain words, certificate fields as text the
 * caller must escape (they come from the peer). Never prints. */
#ifndef NR_TLS_H
#define NR_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

/* The system's trusted certificates, read once (a cache its owner frees). */
struct nr_tls_trust;
void nr_tls_trust_free(struct nr_tls_trust *t);

/* What a context is made from. Strings are borrowed for the call only. */
struct nr_tls_cfg {
    const char *ca;          /* client: trust FILE or DIR (NULL: the system store) */
    const char *cert, *key;  /* our certificate (client: optional; server: NULL = ephemeral) */
    const char *alpn;        /* "h2,http/1.1" or NULL */
    const char *client_ca;   /* server: ask for and verify client certificates */
    int version;             /* 0 any, 12 TLS 1.2 only, 13 TLS 1.3 only */
    bool insecure;           /* client: go on when verification fails */
    struct nr_tls_trust **trust;   /* client without ca: the system store's cache (NULL: none) */
};

struct nr_tls_ctx;
struct nr_tls;

/* A client or server context. bound (may be NULL) goes into the SANs of
 * an ephemeral certificate. Returns NULL with err. Free with
 * nr_tls_ctx_free (reference counted: connections hold their own). */
struct nr_tls_ctx *nr_tls_ctx_new(const struct nr_tls_cfg *cfg, bool server,
                                  const struct sockaddr *bound, char *err, size_t errlen);
void nr_tls_ctx_free(struct nr_tls_ctx *c);
bool nr_tls_ctx_insecure(const struct nr_tls_ctx *c);
/* A server context's own certificate: SHA-256 fingerprint ("AB:CD:…"),
 * whether it is ephemeral, and its PEM (caller frees). */
const char *nr_tls_ctx_fingerprint(const struct nr_tls_ctx *c);
bool nr_tls_ctx_ephemeral(const struct nr_tls_ctx *c);
char *nr_tls_ctx_pem(const struct nr_tls_ctx *c);

/* A connection on fd (not owned). Client: host is verified against the
 * certificate (a name or an IP literal) and sent as SNI unless sni says
 * otherwise (sni NULL: host, "" none; an IP literal is never sent).
 * Returns NULL with err. Free with nr_tls_free (does not close fd). */
struct nr_tls *nr_tls_new(struct nr_tls_ctx *c, int fd, bool server, const char *host,
                          const char *sni, char *err, size_t errlen);
void nr_tls_free(struct nr_tls *t);

/* Results of the operations below. */
enum nr_tls_st {
    NR_TLS_OK,
    NR_TLS_WANT,     /* try again when nr_tls_want() says */
    NR_TLS_CLOSED,   /* read: the peer sent close_notify */
    NR_TLS_TRUNC,    /* read: the peer closed without close_notify */
    NR_TLS_FAIL,     /* nr_tls_error() says why */
};
/* Steps the handshake. OK: done (verification result in nr_tls_verify_error). */
enum nr_tls_st nr_tls_handshake(struct nr_tls *t);
bool nr_tls_handshake_done(const struct nr_tls *t);
/* Reads at most n bytes into buf (*got). */
enum nr_tls_st nr_tls_read(struct nr_tls *t, void *buf, size_t n, size_t *got);
/* Writes from p (*put taken; partial writes happen). */
enum nr_tls_st nr_tls_write(struct nr_tls *t, const void *p, size_t n, size_t *put);
/* The last read stopped with more to read without the socket being
 * readable (records held inside, or the end of the stream after data):
 * read again soon. */
bool nr_tls_pending(const struct nr_tls *t);
/* Sends close_notify (best effort, once). */
void nr_tls_close_notify(struct nr_tls *t);
/* NR_EV_READ / NR_EV_WRITE: what the last WANT waits for. */
unsigned nr_tls_want(const struct nr_tls *t);
/* Why the last FAIL happened, in plain words ("" none). */
const char *nr_tls_error(const struct nr_tls *t);

/* ---- the handshake's outcome (valid once done) ---- */
/* NULL: the peer's certificate verified; else why not, in words with the
 * way forward ("certificate expired on …; …"). Server: the client's. */
const char *nr_tls_verify_error(const struct nr_tls *t);
bool nr_tls_verified(const struct nr_tls *t);
bool nr_tls_is_server(const struct nr_tls *t);
struct nr_tls_info {
    const char *version, *cipher;   /* "TLSv1.3", "TLS_AES_256_GCM_SHA384" */
    char alpn[64];                  /* "" none */
    char group[32];                 /* key exchange ("X25519"), "" unknown */
    char sni[256];                  /* sent (client) or received (server), "" none */
    bool resumed;
    char peer_name[256];            /* peer leaf: first DNS SAN, else CN ("" none) */
    char peer_issuer[256];          /* its issuer's CN or whole name */
};
void nr_tls_info(const struct nr_tls *t, struct nr_tls_info *i);

/* One certificate of the peer's chain, as text (from the peer: escape). */
struct nr_tls_cert {
    char subject[512], issuer[512], sans[1024];
    char not_before[32], not_after[32];   /* "2026-12-01 16:00:00 UTC" */
    char key[48], sig[64];                /* "EC P-256", "RSA 2048"; "ecdsa-with-SHA256" */
    char sha256[100];                     /* "AB:CD:…" */
};
/* Number of certificates the peer sent; fills *c for index i (0 = leaf). */
size_t nr_tls_chain_len(const struct nr_tls *t);
int nr_tls_chain_cert(const struct nr_tls *t, size_t i, struct nr_tls_cert *c);
/* The peer's chain in PEM (caller frees), NULL when none. */
char *nr_tls_chain_pem(const struct nr_tls *t);

#endif
