/* cmds/tls — what dial tls, listen tls, starttls and info share: the TLS
 * options (one table fragment, embedded in each command's options), the
 * handshake's result line and the TLS part of `info`. */
#ifndef NR_CMDS_TLS_H
#define NR_CMDS_TLS_H

#include "cmds/sess.h"
#include "lib/tls.h"

struct tls_opts {
    const char *sni, *alpn, *ca, *cert, *key, *client_ca;
    bool no_sni, insecure, v12, v13;
};

#define TLS_OPT_(T, m, name, kind, f, arg, help, grp) \
    { name, NULL, kind, offsetof(T, m.f), 0, 0, arg, help, NULL, grp, 0 }
/* The client's options (dial tls, starttls). */
#define TLS_CLIENT_OPTS(T, m)                                                             \
    TLS_OPT_(T, m, "--sni", OPT_STR, sni, "NAME", "TLS: send and verify NAME (default: the host)", 7), \
    TLS_OPT_(T, m, "--no-sni", OPT_FLAG, no_sni, NULL, "TLS: send no server name", 7),   \
    TLS_OPT_(T, m, "--ca", OPT_PATH, ca, "FILE|DIR", "TLS: trust these CAs (default: the system store)", 0), \
    TLS_OPT_(T, m, "--insecure", OPT_FLAG, insecure, NULL,                                \
             "TLS: go on when verification fails (marked unverified)", 0)
/* Both sides. */
#define TLS_COMMON_OPTS(T, m)                                                             \
    TLS_OPT_(T, m, "--alpn", OPT_STR, alpn, "LIST", "TLS: offer these protocols (h2,http/1.1)", 0), \
    TLS_OPT_(T, m, "--cert", OPT_PATH, cert, "FILE", "TLS: our certificate (PEM, chain after it)", 0), \
    TLS_OPT_(T, m, "--key", OPT_PATH, key, "FILE", "TLS: the key of --cert (PEM)", 0), \
    TLS_OPT_(T, m, "--tls1.2", OPT_FLAG, v12, NULL, "TLS: TLS 1.2 only", 8),              \
    TLS_OPT_(T, m, "--tls1.3", OPT_FLAG, v13, NULL, "TLS: TLS 1.3 only", 8)
#define TLS_SERVER_OPTS(T, m)                                                             \
    TLS_OPT_(T, m, "--client-ca", OPT_PATH, client_ca, "FILE",                            \
             "TLS: ask for client certificates, verified against FILE", 0)

/* True when any TLS option was given (for a network that is not TLS). */
bool tls_opts_given(const struct tls_opts *o);
/* A context from the options; NULL after printing the error. */
struct nr_tls_ctx *tls_ctx_from(struct shell *sh, const char *cmd, const struct tls_opts *o,
                                bool server, const struct sockaddr *bound);
/* Starts TLS on s and waits for the handshake (deadline, Ctrl-C). Client:
 * enforces verification unless --insecure. discarded: see
 * nr_sess_starttls (NULL for dial tls). Returns CMD_OK, or CMD_FAIL
 * after printing the error (s is then left for the caller to close). */
int tls_upgrade(struct shell *sh, const char *cmd, struct nr_session *s, struct nr_tls_ctx *ctx,
                bool server, const char *host, const struct tls_opts *o, int64_t deadline,
                size_t *discarded);
/* " TLSv1.3 TLS_AES_… alpn h2, verified: NAME (issued by ISSUER)" */
void tls_out_summary(struct shell *sh, const struct nr_session *s);
/* The TLS part of `info ID` (pem: the chain in PEM too). */
void tls_out_info(struct shell *sh, const struct nr_session *s, bool pem);
/* "verified", "unverified", or NULL for a plain session. */
const char *tls_state_word(const struct nr_session *s);
/* The state for `sessions`: a connected TLS session says verified,
 * unverified or handshaking instead of connected. */
const char *sess_state_text(const struct nr_session *s);

#endif
