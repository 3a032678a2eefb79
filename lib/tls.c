/* lib/tls — TLS over a session's socket with OpenSSL 3 (see lib/tls.h). */
#include "lib/tls.h"
#include "lib/loop.h"
#include "lib/util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

enum { READ_AHEAD = 64 * 1024 };

struct nr_tls_ctx {
    SSL_CTX *ctx;
    int refs;
    bool server, insecure, ephemeral;
    unsigned char alpn[256];     /* wire format */
    size_t alpn_len;
    char fp[100];
};

struct nr_tls {
    SSL *ssl;
    struct nr_tls_ctx *ctx;
    bool server, done, notified;
    unsigned want;
    bool more;                   /* the last read left something to read at once */
    enum nr_tls_st held;         /* what ended the last read after its data */
    char host[256], sni[256];
    char err[640];
    int verr;                    /* first verification error (X509_V_*), 0 none */
    char vmsg[512];
};

/* ---- small helpers ---- */

static void ssl_reason(char *buf, size_t n)
{
    unsigned long e = ERR_peek_last_error();
    const char *r = e ? ERR_reason_error_string(e) : NULL;
    snprintf(buf, n, "%s", r ? r : "unknown TLS error");
    ERR_clear_error();
}

static int fail(char *err, size_t errlen, const char *what, const char *arg)
{
    char r[160];
    ssl_reason(r, sizeof r);
    return nr_err(err, errlen, "%s%s%s: %s", what, arg ? " " : "", arg ? arg : "", r);
}

static bool is_ip(const char *h)
{
    unsigned char b[16];
    return inet_pton(AF_INET, h, b) == 1 || inet_pton(AF_INET6, h, b) == 1;
}

static void asn1_time(const ASN1_TIME *t, char *buf, size_t n)
{
    struct tm tm;
    if (!t || !ASN1_TIME_to_tm(t, &tm) || !strftime(buf, n, "%Y-%m-%d %H:%M:%S UTC", &tm))
        snprintf(buf, n, "?");
}

static void fingerprint(X509 *x, char *buf, size_t n)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    buf[0] = 0;
    if (!X509_digest(x, EVP_sha256(), md, &len))
        return;
    for (unsigned i = 0; i < len && (size_t)i * 3 + 3 <= n; i++)
        snprintf(buf + i * 3, n - i * 3, i + 1 < len ? "%02X:" : "%02X", md[i]);
}

/* The DNS and IP SANs of x, comma-separated. */
static void sans(X509 *x, char *buf, size_t n)
{
    buf[0] = 0;
    GENERAL_NAMES *g = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
    size_t at = 0;
    for (int i = 0; g && i < sk_GENERAL_NAME_num(g); i++) {
        GENERAL_NAME *e = sk_GENERAL_NAME_value(g, i);
        char one[INET6_ADDRSTRLEN + 8] = "";
        const char *v = one;
        if (e->type == GEN_DNS) {
            v = (const char *)ASN1_STRING_get0_data(e->d.dNSName);
        } else if (e->type == GEN_IPADD) {
            int l = ASN1_STRING_length(e->d.iPAddress);
            const unsigned char *p = ASN1_STRING_get0_data(e->d.iPAddress);
            if (!inet_ntop(l == 4 ? AF_INET : AF_INET6, p, one, sizeof one))
                continue;
        } else {
            continue;
        }
        int w = snprintf(buf + at, n - at, "%s%s", at ? ", " : "", v);
        if (w < 0 || (size_t)w >= n - at)
            break;
        at += (size_t)w;
    }
    GENERAL_NAMES_free(g);
}

static void name_text(const X509_NAME *nm, char *buf, size_t n)
{
    buf[0] = 0;
    BIO *b = BIO_new(BIO_s_mem());
    if (!b)
        return;
    X509_NAME_print_ex(b, nm, 0, XN_FLAG_ONELINE & ~ASN1_STRFLGS_ESC_MSB & ~ASN1_STRFLGS_ESC_CTRL & ~XN_FLAG_SPC_EQ);
    int l = BIO_read(b, buf, (int)n - 1);
    buf[l > 0 ? l : 0] = 0;
    BIO_free(b);
}

static void common_name(const X509_NAME *nm, char *buf, size_t n)
{
    buf[0] = 0;
    if (X509_NAME_get_text_by_NID((X509_NAME *)nm, NID_commonName, buf, (int)n) < 0)
        name_text(nm, buf, n);
}

/* ---- verification in plain words ---- */

#define FORWARD "use --ca FILE to trust its issuer, or --insecure"

static void verify_words(struct nr_tls *t, int e, X509 *x)
{
    char a[64], b[1024];
    const char *fwd = t->server ? "not under --client-ca" : FORWARD;
    switch (e) {
    case X509_V_ERR_CERT_HAS_EXPIRED:
        asn1_time(X509_get0_notAfter(x), a, sizeof a);
        snprintf(t->vmsg, sizeof t->vmsg, "certificate expired on %s (--insecure to go on anyway)", a);
        return;
    case X509_V_ERR_CERT_NOT_YET_VALID:
        asn1_time(X509_get0_notBefore(x), a, sizeof a);
        snprintf(t->vmsg, sizeof t->vmsg, "certificate is not valid before %s (check this machine's "
                 "clock; --insecure to go on anyway)", a);
        return;
    case X509_V_ERR_HOSTNAME_MISMATCH:
    case X509_V_ERR_IP_ADDRESS_MISMATCH:
        sans(x, b, sizeof b);
        if (!b[0])
            common_name(X509_get_subject_name(x), b, sizeof b);
        snprintf(t->vmsg, sizeof t->vmsg, "certificate is for %.300s, not %.100s (--sni NAME checks "
                 "another name, or --insecure)", b[0] ? b : "no name", t->sni[0] ? t->sni : t->host);
        return;
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
        snprintf(t->vmsg, sizeof t->vmsg, "certificate is self-signed (%s)",
                 t->server ? fwd : "use --ca FILE with that certificate, or --insecure");
        return;
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
        common_name(e == X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN ? X509_get_subject_name(x)
                    : X509_get_issuer_name(x), b, 256);
        snprintf(t->vmsg, sizeof t->vmsg, "issuer not trusted: %.255s (%s)", b, fwd);
        return;
    default:
        snprintf(t->vmsg, sizeof t->vmsg, "certificate not trusted: %s (%s)",
                 X509_verify_cert_error_string(e), fwd);
    }
}

/* Records the first failure; a client goes on (the caller decides with
 * nr_tls_verify_error, so --insecure still shows the reason). */
static int verify_cb(int ok, X509_STORE_CTX *xs)
{
    SSL *ssl = X509_STORE_CTX_get_ex_data(xs, SSL_get_ex_data_X509_STORE_CTX_idx());
    struct nr_tls *t = ssl ? SSL_get_app_data(ssl) : NULL;
    if (!t)
        return ok;
    int e = X509_STORE_CTX_get_error(xs);
    if (!ok && !t->verr) {
        t->verr = e;
        verify_words(t, e, X509_STORE_CTX_get_current_cert(xs));
    }
    return t->server ? ok : 1;
}

/* ---- the ephemeral certificate ---- */

static int add_ext(X509 *x, int nid, const char *v)
{
    X509V3_CTX c;
    X509V3_set_ctx_nodb(&c);
    X509V3_set_ctx(&c, x, x, NULL, NULL, 0);
    X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, &c, nid, v);
    int ok = e && X509_add_ext(x, e, -1);
    X509_EXTENSION_free(e);
    return ok ? 0 : -1;
}

static void bound_san(const struct sockaddr *sa, char *buf, size_t n)
{
    char ip[INET6_ADDRSTRLEN] = "";
    buf[0] = 0;
    if (sa && sa->sa_family == AF_INET) {
        const struct sockaddr_in *s4 = (const void *)sa;
        if (s4->sin_addr.s_addr != htonl(INADDR_ANY) && s4->sin_addr.s_addr != htonl(INADDR_LOOPBACK))
            inet_ntop(AF_INET, &s4->sin_addr, ip, sizeof ip);
    } else if (sa && sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *s6 = (const void *)sa;
        if (!IN6_IS_ADDR_UNSPECIFIED(&s6->sin6_addr) && !IN6_IS_ADDR_LOOPBACK(&s6->sin6_addr))
            inet_ntop(AF_INET6, &s6->sin6_addr, ip, sizeof ip);
    }
    if (ip[0])
        snprintf(buf, n, ",IP:%s", ip);
}

static int ephemeral(SSL_CTX *ctx, const struct sockaddr *bound)
{
    EVP_PKEY *k = EVP_EC_gen("P-256");
    X509 *x = X509_new();
    char san[128];
    int rc = -1;
    if (!k || !x)
        goto done;
    X509_set_version(x, 2);
    uint64_t serial;
    RAND_bytes((unsigned char *)&serial, sizeof serial);
    ASN1_INTEGER_set_uint64(X509_get_serialNumber(x), serial >> 1);
    X509_gmtime_adj(X509_getm_notBefore(x), -3600);
    X509_gmtime_adj(X509_getm_notAfter(x), 30L * 86400);
    X509_NAME *nm = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(nm, "O", MBSTRING_ASC, (const unsigned char *)"netrepl ephemeral", -1, -1, 0);
    X509_NAME_add_entry_by_txt(nm, "CN", MBSTRING_ASC, (const unsigned char *)"localhost", -1, -1, 0);
    X509_set_issuer_name(x, nm);
    X509_set_pubkey(x, k);
    bound_san(bound, san, sizeof san);
    char sanv[200];
    snprintf(sanv, sizeof sanv, "DNS:localhost,IP:127.0.0.1,IP:::1%s", san);
    if (add_ext(x, NID_subject_alt_name, sanv) < 0 ||
        add_ext(x, NID_basic_constraints, "critical,CA:FALSE") < 0 ||
        add_ext(x, NID_ext_key_usage, "serverAuth") < 0 ||
        !X509_sign(x, k, EVP_sha256()))
        goto done;
    if (SSL_CTX_use_certificate(ctx, x) == 1 && SSL_CTX_use_PrivateKey(ctx, k) == 1)
        rc = 0;
done:
    X509_free(x);
    EVP_PKEY_free(k);
    return rc;
}

/* ---- contexts ---- */

static int alpn_wire(struct nr_tls_ctx *c, const char *list, char *err, size_t errlen)
{
    size_t at = 0;
    /* Every name 1 to 255 bytes: none empty, before, between or after commas. */
    for (const char *p = list;; p++) {
        size_t l = strcspn(p, ",");
        if (l == 0 || l > 255 || at + l + 1 > sizeof c->alpn)
            return nr_err(err, errlen, "--alpn '%s': names are 1 to 255 bytes, comma-separated",
                          list);
        c->alpn[at++] = (unsigned char)l;
        memcpy(c->alpn + at, p, l);
        at += l;
        p += l;
        if (!*p)
            break;
    }
    c->alpn_len = at;
    return 0;
}

static int alpn_select(SSL *ssl, const unsigned char **out, unsigned char *outlen,
                       const unsigned char *in, unsigned inlen, void *arg)
{
    struct nr_tls_ctx *c = arg;
    unsigned char *o;
    if (!c->alpn_len)
        return SSL_TLSEXT_ERR_NOACK;
    if (SSL_select_next_proto(&o, outlen, c->alpn, (unsigned)c->alpn_len, in, inlen) !=
        OPENSSL_NPN_NEGOTIATED)
        return SSL_TLSEXT_ERR_NOACK;
    *out = o;
    return SSL_TLSEXT_ERR_OK;
}

static int load_ca(SSL_CTX *ctx, const char *ca, char *err, size_t errlen, const char *opt)
{
    struct stat st;
    if (stat(ca, &st) < 0)
        return nr_err(err, errlen, "%s %s: %s", opt, ca, strerror(errno));
    bool dir = S_ISDIR(st.st_mode);
    if (SSL_CTX_load_verify_locations(ctx, dir ? NULL : ca, dir ? ca : NULL) != 1)
        return fail(err, errlen, opt, ca);
    return 0;
}

static int ctx_certs(struct nr_tls_ctx *c, const struct nr_tls_cfg *cfg, const struct sockaddr *bound,
                     char *err, size_t errlen)
{
    if (!cfg->cert != !cfg->key)
        return nr_err(err, errlen, "--cert and --key go together");
    if (cfg->cert) {
        FILE *f;
        if (!(f = fopen(cfg->cert, "r")))
            return nr_err(err, errlen, "--cert %s: %s", cfg->cert, strerror(errno));
        fclose(f);
        if (!(f = fopen(cfg->key, "r")))
            return nr_err(err, errlen, "--key %s: %s", cfg->key, strerror(errno));
        fclose(f);
        char r[160];
        if (SSL_CTX_use_certificate_chain_file(c->ctx, cfg->cert) != 1) {
            ssl_reason(r, sizeof r);
            return nr_err(err, errlen, "--cert %s: no certificate in it (PEM: -----BEGIN "
                          "CERTIFICATE-----; OpenSSL: %s)", cfg->cert, r);
        }
        if (SSL_CTX_use_PrivateKey_file(c->ctx, cfg->key, SSL_FILETYPE_PEM) != 1) {
            ssl_reason(r, sizeof r);
            return nr_err(err, errlen, "--key %s: no private key in it, or one it cannot use "
                          "(PEM: -----BEGIN PRIVATE KEY-----; OpenSSL: %s)", cfg->key, r);
        }
        if (SSL_CTX_check_private_key(c->ctx) != 1)
            return nr_err(err, errlen, "--key %s: does not match the certificate %s", cfg->key, cfg->cert);
    } else if (c->server) {
        if (ephemeral(c->ctx, bound) < 0)
            return fail(err, errlen, "making the ephemeral certificate", NULL);
        c->ephemeral = true;
    }
    X509 *x = SSL_CTX_get0_certificate(c->ctx);
    if (x)
        fingerprint(x, c->fp, sizeof c->fp);
    return 0;
}

/* The system's trusted certificates: read once into the caller's cache
 * (cfg->trust) and shared by every client context after it. Reading the
 * bundle (some 150 certificates) took ~100 ms, on every dial tls. */
struct nr_tls_trust {
    X509_STORE *st;
};

void nr_tls_trust_free(struct nr_tls_trust *t)
{
    if (!t)
        return;
    X509_STORE_free(t->st);
    free(t);
}

static int system_store(SSL_CTX *x, struct nr_tls_trust **cache)
{
    if (!cache)
        return SSL_CTX_set_default_verify_paths(x) == 1 ? 0 : -1;
    if (!*cache) {
        struct nr_tls_trust *t = calloc(1, sizeof *t);
        if (!t || !(t->st = X509_STORE_new()) || X509_STORE_set_default_paths(t->st) != 1) {
            nr_tls_trust_free(t);
            return -1;
        }
        *cache = t;
    }
    SSL_CTX_set1_cert_store(x, (*cache)->st);
    return 0;
}

static int ctx_setup(struct nr_tls_ctx *c, const struct nr_tls_cfg *cfg, const struct sockaddr *bound,
                     char *err, size_t errlen)
{
    SSL_CTX *x = c->ctx;
    SSL_CTX_set_mode(x, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    /* Read ahead: one recv takes several records (fewer system calls). */
    SSL_CTX_set_read_ahead(x, 1);
    SSL_CTX_set_default_read_buffer_len(x, READ_AHEAD);
    SSL_CTX_set_min_proto_version(x, cfg->version == 13 ? TLS1_3_VERSION : TLS1_2_VERSION);
    if (cfg->version)
        SSL_CTX_set_max_proto_version(x, cfg->version == 13 ? TLS1_3_VERSION : TLS1_2_VERSION);
    if (cfg->alpn && alpn_wire(c, cfg->alpn, err, errlen) < 0)
        return -1;
    if (ctx_certs(c, cfg, bound, err, errlen) < 0)
        return -1;
    if (c->server) {
        SSL_CTX_set_alpn_select_cb(x, alpn_select, c);
        SSL_CTX_set_session_id_context(x, (const unsigned char *)"netrepl", 7);
        if (cfg->client_ca) {
            if (load_ca(x, cfg->client_ca, err, errlen, "--client-ca") < 0)
                return -1;
            STACK_OF(X509_NAME) *names = SSL_load_client_CA_file(cfg->client_ca);
            if (names)
                SSL_CTX_set_client_CA_list(x, names);
            SSL_CTX_set_verify(x, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, verify_cb);
        }
        return 0;
    }
    if (c->alpn_len && SSL_CTX_set_alpn_protos(x, c->alpn, (unsigned)c->alpn_len) != 0)
        return fail(err, errlen, "--alpn", cfg->alpn);
    if (cfg->ca ? load_ca(x, cfg->ca, err, errlen, "--ca") < 0 : system_store(x, cfg->trust) < 0)
        return cfg->ca ? -1 : fail(err, errlen, "the system's trusted certificates", NULL);
    SSL_CTX_set_verify(x, SSL_VERIFY_PEER, verify_cb);
    return 0;
}

struct nr_tls_ctx *nr_tls_ctx_new(const struct nr_tls_cfg *cfg, bool server,
                                  const struct sockaddr *bound, char *err, size_t errlen)
{
    struct nr_tls_ctx *c = calloc(1, sizeof *c);
    if (!c) {
        nr_err(err, errlen, "out of memory");
        return NULL;
    }
    c->refs = 1;
    c->server = server;
    c->insecure = cfg->insecure;
    c->ctx = SSL_CTX_new(server ? TLS_server_method() : TLS_client_method());
    if (!c->ctx) {
        fail(err, errlen, "TLS", NULL);
        free(c);
        return NULL;
    }
    if (ctx_setup(c, cfg, bound, err, errlen) < 0) {
        nr_tls_ctx_free(c);
        return NULL;
    }
    return c;
}

void nr_tls_ctx_free(struct nr_tls_ctx *c)
{
    if (!c || --c->refs > 0)
        return;
    SSL_CTX_free(c->ctx);
    free(c);
}

bool nr_tls_ctx_insecure(const struct nr_tls_ctx *c)
{
    return c->insecure;
}

const char *nr_tls_ctx_fingerprint(const struct nr_tls_ctx *c)
{
    return c->fp;
}

bool nr_tls_ctx_ephemeral(const struct nr_tls_ctx *c)
{
    return c->ephemeral;
}

static char *bio_text(BIO *b)
{
    char *data;
    long l = BIO_get_mem_data(b, &data);
    char *s = l >= 0 ? malloc((size_t)l + 1) : NULL;
    if (s) {
        memcpy(s, data, (size_t)l);
        s[l] = 0;
    }
    BIO_free(b);
    return s;
}

char *nr_tls_ctx_pem(const struct nr_tls_ctx *c)
{
    X509 *x = SSL_CTX_get0_certificate(c->ctx);
    BIO *b = x ? BIO_new(BIO_s_mem()) : NULL;
    if (!b)
        return NULL;
    PEM_write_bio_X509(b, x);
    return bio_text(b);
}

/* ---- connections ---- */

struct nr_tls *nr_tls_new(struct nr_tls_ctx *c, int fd, bool server, const char *host,
                          const char *sni, char *err, size_t errlen)
{
    struct nr_tls *t = calloc(1, sizeof *t);
    if (!t || !(t->ssl = SSL_new(c->ctx)) || SSL_set_fd(t->ssl, fd) != 1) {
        if (t)
            SSL_free(t->ssl);
        free(t);
        fail(err, errlen, "TLS", NULL);
        return NULL;
    }
    t->ctx = c;
    c->refs++;
    t->server = server;
    SSL_set_app_data(t->ssl, t);
    snprintf(t->host, sizeof t->host, "%s", host ? host : "");
    if (server) {
        SSL_set_accept_state(t->ssl);
        return t;
    }
    SSL_set_connect_state(t->ssl);
    const char *name = sni ? sni : t->host;
    if (name[0] && !is_ip(name)) {
        snprintf(t->sni, sizeof t->sni, "%s", name);
        SSL_set_tlsext_host_name(t->ssl, name);
    }
    /* The name checked: --sni NAME when given (as Go's ServerName), else the host. */
    const char *check = sni && sni[0] ? sni : t->host;
    if (is_ip(check))
        X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(t->ssl), check);
    else if (check[0])
        SSL_set1_host(t->ssl, check);
    return t;
}

void nr_tls_free(struct nr_tls *t)
{
    if (!t)
        return;
    SSL_free(t->ssl);
    nr_tls_ctx_free(t->ctx);
    free(t);
}

/* What the reason code of a failed handshake means for a user. */
static void handshake_words(struct nr_tls *t)
{
    unsigned long e = ERR_peek_last_error();
    int r = ERR_GET_REASON(e);
    const char *rs = e ? ERR_reason_error_string(e) : NULL;
    if (r == SSL_R_WRONG_VERSION_NUMBER || r == SSL_R_PACKET_LENGTH_TOO_LONG ||
        r == SSL_R_HTTP_REQUEST || r == SSL_R_HTTPS_PROXY_REQUEST)
        snprintf(t->err, sizeof t->err, "the peer does not speak TLS (%s)", rs ? rs : "?");
    else if (rs && strstr(rs, "alert"))
        snprintf(t->err, sizeof t->err, "the peer refused the handshake: %s%s", rs,
                 !t->server && !SSL_get_certificate(t->ssl) && (strstr(rs, "handshake failure") ||
                 strstr(rs, "certificate required")) ? " (does it want a client certificate? "
                 "--cert FILE --key FILE)" : "");
    else if (t->verr && t->server)
        snprintf(t->err, sizeof t->err, "client certificate: %s", t->vmsg);
    else if (r == SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE)
        snprintf(t->err, sizeof t->err, "the client sent no certificate (--client-ca asks for one)");
    else if (r == SSL_R_UNEXPECTED_EOF_WHILE_READING)
        snprintf(t->err, sizeof t->err, "the peer closed the connection during the handshake");
    else
        snprintf(t->err, sizeof t->err, "handshake failure: %s", rs ? rs : "unknown error");
    ERR_clear_error();
}

/* Classifies a failed SSL call. */
static enum nr_tls_st classify(struct nr_tls *t, int rc, bool handshake)
{
    int e = SSL_get_error(t->ssl, rc);
    int saved = errno;
    switch (e) {
    case SSL_ERROR_WANT_READ:
        t->want = NR_EV_READ;
        return NR_TLS_WANT;
    case SSL_ERROR_WANT_WRITE:
        t->want = NR_EV_WRITE;
        return NR_TLS_WANT;
    case SSL_ERROR_ZERO_RETURN:
        t->notified = true;
        if (handshake)
            snprintf(t->err, sizeof t->err, "the peer closed the connection during the handshake");
        return handshake ? NR_TLS_FAIL : NR_TLS_CLOSED;
    case SSL_ERROR_SYSCALL:
        ERR_clear_error();
        if (handshake)
            snprintf(t->err, sizeof t->err, "%s", saved && rc < 0 ? strerror(saved)
                     : "the peer closed the connection during the handshake");
        else
            snprintf(t->err, sizeof t->err, "%s", saved ? strerror(saved) : "connection closed");
        errno = saved;
        return !handshake && (!saved || rc == 0) ? NR_TLS_TRUNC : NR_TLS_FAIL;
    default:
        if (handshake) {
            handshake_words(t);
            return NR_TLS_FAIL;
        }
        if (ERR_GET_REASON(ERR_peek_last_error()) == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
            ERR_clear_error();
            return NR_TLS_TRUNC;
        }
        ssl_reason(t->err, sizeof t->err);
        return NR_TLS_FAIL;
    }
}

enum nr_tls_st nr_tls_handshake(struct nr_tls *t)
{
    if (t->done)
        return NR_TLS_OK;
    ERR_clear_error();
    errno = 0;
    int rc = SSL_do_handshake(t->ssl);
    if (rc == 1) {
        t->done = true;
        t->want = 0;
        /* Read ahead may have taken the first records of data too. */
        t->more = SSL_has_pending(t->ssl) == 1;
        return NR_TLS_OK;
    }
    return classify(t, rc, true);
}

bool nr_tls_handshake_done(const struct nr_tls *t)
{
    return t->done;
}

/* One SSL_read gives one record (16 KiB at most): read on while records
 * are already inside (read ahead), so one wakeup takes all that came. What
 * ends a read after some data (the end of the stream, an error) is kept
 * for the next call. */
enum nr_tls_st nr_tls_read(struct nr_tls *t, void *buf, size_t n, size_t *got)
{
    *got = 0;
    t->more = false;
    if (t->held) {
        enum nr_tls_st st = t->held;
        t->held = NR_TLS_OK;
        return st;
    }
    for (;;) {
        size_t k = 0;
        ERR_clear_error();
        errno = 0;
        int rc = SSL_read_ex(t->ssl, (char *)buf + *got, n - *got, &k);
        if (rc != 1) {
            enum nr_tls_st st = classify(t, rc, false);
            if (!*got)
                return st;
            if (st != NR_TLS_WANT) {
                t->held = st;
                t->more = true;
            }
            return NR_TLS_OK;
        }
        *got += k;
        if (*got == n) {
            t->more = SSL_has_pending(t->ssl) == 1;
            return NR_TLS_OK;
        }
        if (!SSL_has_pending(t->ssl))
            return NR_TLS_OK;
    }
}

enum nr_tls_st nr_tls_write(struct nr_tls *t, const void *p, size_t n, size_t *put)
{
    *put = 0;
    ERR_clear_error();
    errno = 0;
    int rc = SSL_write_ex(t->ssl, p, n, put);
    if (rc == 1)
        return NR_TLS_OK;
    enum nr_tls_st st = classify(t, rc, false);
    return st == NR_TLS_WANT ? st : NR_TLS_FAIL;
}

bool nr_tls_pending(const struct nr_tls *t)
{
    return t->more;
}

void nr_tls_close_notify(struct nr_tls *t)
{
    if (!t->done || (SSL_get_shutdown(t->ssl) & SSL_SENT_SHUTDOWN))
        return;
    ERR_clear_error();
    SSL_shutdown(t->ssl);
    ERR_clear_error();
}

unsigned nr_tls_want(const struct nr_tls *t)
{
    return t->want ? t->want : NR_EV_READ;
}

const char *nr_tls_error(const struct nr_tls *t)
{
    return t->err;
}

/* ---- the outcome ---- */

const char *nr_tls_verify_error(const struct nr_tls *t)
{
    if (t->verr)
        return t->vmsg;
    if (!t->server && !SSL_get0_peer_certificate(t->ssl))
        return "the server sent no certificate";
    return NULL;
}

bool nr_tls_verified(const struct nr_tls *t)
{
    if (t->server)
        return !t->verr && SSL_get0_peer_certificate(t->ssl);
    return !nr_tls_verify_error(t);
}

bool nr_tls_is_server(const struct nr_tls *t)
{
    return t->server;
}

void nr_tls_info(const struct nr_tls *t, struct nr_tls_info *i)
{
    memset(i, 0, sizeof *i);
    i->version = SSL_get_version(t->ssl);
    i->cipher = SSL_get_cipher_name(t->ssl);
    const unsigned char *a;
    unsigned al;
    SSL_get0_alpn_selected(t->ssl, &a, &al);
    if (al)
        snprintf(i->alpn, sizeof i->alpn, "%.*s", (int)al, (const char *)a);
    int g = SSL_get_negotiated_group(t->ssl);
    const char *gn = g ? SSL_group_to_name(t->ssl, g) : NULL;
    if (gn)
        snprintf(i->group, sizeof i->group, "%s", gn);
    const char *sn = t->server ? SSL_get_servername(t->ssl, TLSEXT_NAMETYPE_host_name) : t->sni;
    snprintf(i->sni, sizeof i->sni, "%s", sn ? sn : "");
    i->resumed = SSL_session_reused(t->ssl);
    X509 *x = SSL_get0_peer_certificate(t->ssl);
    if (!x)
        return;
    char s[1024];
    sans(x, s, sizeof s);
    if (s[0])
        snprintf(i->peer_name, sizeof i->peer_name, "%.*s", (int)strcspn(s, ","), s);
    else
        common_name(X509_get_subject_name(x), i->peer_name, sizeof i->peer_name);
    common_name(X509_get_issuer_name(x), i->peer_issuer, sizeof i->peer_issuer);
}

static STACK_OF(X509) *chain(const struct nr_tls *t)
{
    return SSL_get_peer_cert_chain(t->ssl);
}

/* The server's chain includes its leaf; a client's (seen by a server) does
 * not: index 0 is then the peer certificate itself. */
static X509 *chain_at(const struct nr_tls *t, size_t i)
{
    STACK_OF(X509) *c = chain(t);
    if (t->server) {
        if (i == 0)
            return SSL_get0_peer_certificate(t->ssl);
        i--;
    }
    return c && (int)i < sk_X509_num(c) ? sk_X509_value(c, (int)i) : NULL;
}

size_t nr_tls_chain_len(const struct nr_tls *t)
{
    STACK_OF(X509) *c = chain(t);
    size_t n = c ? (size_t)sk_X509_num(c) : 0;
    if (t->server && SSL_get0_peer_certificate(t->ssl))
        n++;
    return n;
}

static void key_text(X509 *x, char *buf, size_t n)
{
    EVP_PKEY *k = X509_get0_pubkey(x);
    if (!k) {
        snprintf(buf, n, "?");
        return;
    }
    char grp[64] = "";
    size_t gl = 0;
    if (EVP_PKEY_get_group_name(k, grp, sizeof grp, &gl) == 1 && grp[0]) {
        const char *nist = !strcmp(grp, "prime256v1") ? "P-256" : !strcmp(grp, "secp384r1") ? "P-384"
                         : !strcmp(grp, "secp521r1") ? "P-521" : grp;
        snprintf(buf, n, "%.16s %.24s", EVP_PKEY_get0_type_name(k), nist);
    } else {
        snprintf(buf, n, "%s %d", EVP_PKEY_get0_type_name(k), EVP_PKEY_get_bits(k));
    }
}

int nr_tls_chain_cert(const struct nr_tls *t, size_t i, struct nr_tls_cert *c)
{
    X509 *x = chain_at(t, i);
    if (!x)
        return -1;
    name_text(X509_get_subject_name(x), c->subject, sizeof c->subject);
    name_text(X509_get_issuer_name(x), c->issuer, sizeof c->issuer);
    sans(x, c->sans, sizeof c->sans);
    asn1_time(X509_get0_notBefore(x), c->not_before, sizeof c->not_before);
    asn1_time(X509_get0_notAfter(x), c->not_after, sizeof c->not_after);
    key_text(x, c->key, sizeof c->key);
    int nid = X509_get_signature_nid(x);
    snprintf(c->sig, sizeof c->sig, "%s", nid ? OBJ_nid2ln(nid) : "?");
    fingerprint(x, c->sha256, sizeof c->sha256);
    return 0;
}

char *nr_tls_chain_pem(const struct nr_tls *t)
{
    size_t n = nr_tls_chain_len(t);
    BIO *b = n ? BIO_new(BIO_s_mem()) : NULL;
    if (!b)
        return NULL;
    for (size_t i = 0; i < n; i++)
        PEM_write_bio_X509(b, chain_at(t, i));
    return bio_text(b);
}
