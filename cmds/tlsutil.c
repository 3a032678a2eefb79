/* cmds/tlsutil — the TLS options, the handshake wait and result line, and
 * the TLS part of `info`, shared by dial, listen, starttls and info. The
 * words come from lib/tls; everything the peer chose is printed escaped. */
#include "cmds/tls.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

bool tls_opts_given(const struct tls_opts *o)
{
    return o->sni || o->alpn || o->ca || o->cert || o->key || o->client_ca || o->no_sni ||
           o->insecure || o->v12 || o->v13;
}

struct nr_tls_ctx *tls_ctx_from(struct shell *sh, const char *cmd, const struct tls_opts *o,
                                bool server, const struct sockaddr *bound)
{
    char err[NR_ERRLEN];
    struct nr_tls_cfg cfg = {
        .ca = o->ca, .cert = o->cert, .key = o->key, .alpn = o->alpn,
        .client_ca = o->client_ca, .insecure = o->insecure,
        .version = o->v12 ? 12 : o->v13 ? 13 : 0,
        .trust = sh_sessions(sh) ? nr_sessions_trust(sh_sessions(sh)) : NULL,
    };
    struct nr_tls_ctx *c = nr_tls_ctx_new(&cfg, server, bound, err, sizeof err);
    if (!c)
        cmd_error(sh, "%s", err);
    return c;
}

static bool hs_done(void *arg)
{
    return !nr_sess_handshaking(arg);
}

int tls_upgrade(struct shell *sh, const char *cmd, struct nr_session *s, struct nr_tls_ctx *ctx,
                bool server, const char *host, const struct tls_opts *o, int64_t deadline,
                size_t *discarded)
{
    char err[NR_ERRLEN];
    const char *sni = o->no_sni ? "" : o->sni;
    if (nr_sess_starttls(s, ctx, server, host, sni, discarded, err, sizeof err) < 0)
        return cmd_error(sh, "[%d] %s", nr_sess_id(s), err);
    enum nr_wait w = sh_wait(sh, hs_done, s, deadline);
    if (w != NR_WAIT_DONE)   /* not left "handshaking" for good: the session is in error */
        nr_sess_tls_abandon(s, w == NR_WAIT_INTR ? ECANCELED : ETIMEDOUT);
    if (w == NR_WAIT_INTR)
        return cmd_error(sh, "[%d] TLS handshake interrupted", nr_sess_id(s));
    if (w != NR_WAIT_DONE)
        return cmd_error(sh, "[%d] TLS handshake timed out (the peer did not answer)",
                         nr_sess_id(s));
    if (nr_sess_error(s))
        return cmd_error(sh, "[%d] TLS handshake failed: %s", nr_sess_id(s),
                         nr_sess_strerror(s));
    const struct nr_tls *t = nr_sess_tls(s);
    const char *why = nr_tls_verify_error(t);
    if (!server && why && !o->insecure)
        return cmd_error(sh, "[%d] %s: %s", nr_sess_id(s), host, why);
    return CMD_OK;
}

const char *tls_state_word(const struct nr_session *s)
{
    const struct nr_tls *t = nr_sess_tls(s);
    if (!t || !nr_tls_handshake_done(t))
        return t ? "handshaking" : NULL;
    return nr_tls_verified(t) ? "verified" : "unverified";
}

void tls_out_summary(struct shell *sh, const struct nr_session *s)
{
    const struct nr_tls *t = nr_sess_tls(s);
    struct nr_tls_info i;
    nr_tls_info(t, &i);
    out_obj_begin(sh, "tls");
    out_lit(sh, "version", " %s", i.version);
    out_lit(sh, "cipher", " %s", i.cipher);
    if (i.alpn[0])
        out_str(sh, "alpn", " alpn %s", i.alpn);
    else
        out_null(sh, "alpn");
    bool server = nr_tls_is_server(t);
    bool ok = nr_tls_verified(t);
    if (server && !ok && !nr_tls_verify_error(t)) {
        out_lit(sh, "verification", ", %s", "no client certificate");
    } else {
        out_lit(sh, "verification", ", %s", ok ? "verified" : "unverified");
        if (i.peer_name[0])
            out_str(sh, "peer", ": %s", i.peer_name);
        if (i.peer_issuer[0])
            out_str(sh, "issuer", " (issued by %s)", i.peer_issuer);
        if (!ok)
            out_str(sh, "verify_error", "\n  would have failed: %s", nr_tls_verify_error(t));
    }
    out_obj_end(sh);
}

static void out_cert(struct shell *sh, const struct nr_tls_cert *c, size_t i)
{
    out_obj_begin(sh, NULL);
    out_int(sh, "depth", "  cert %lld\n", (long long)i);
    out_str(sh, "subject", "    subject     %s\n", c->subject);
    out_str(sh, "issuer", "    issuer      %s\n", c->issuer);
    out_str(sh, "sans", "    names       %s\n", c->sans[0] ? c->sans : "-");
    out_str(sh, "not_before", "    valid       %s", c->not_before);
    out_str(sh, "not_after", " to %s\n", c->not_after);
    out_str(sh, "key", "    key         %s\n", c->key);
    out_str(sh, "signature", "    signature   %s\n", c->sig);
    out_str(sh, "sha256", "    sha256      %s\n", c->sha256);
    out_obj_end(sh);
}

static void out_pem(struct shell *sh, char *pem)
{
    if (pem)
        out_lit(sh, "pem", "%s", pem);
    else
        out_null(sh, "pem");
    free(pem);
}

static void info_listener(struct shell *sh, const struct nr_tls_ctx *c, bool pem)
{
    out_obj_begin(sh, "tls");
    out_lit(sh, "certificate", "  tls         certificate: %s\n",
            nr_tls_ctx_ephemeral(c) ? "ephemeral (self-signed, EC P-256)" : "from --cert");
    out_lit(sh, "sha256", "  sha256      %s\n", nr_tls_ctx_fingerprint(c));
    if (pem)
        out_pem(sh, nr_tls_ctx_pem(c));
    out_obj_end(sh);
}

void tls_out_info(struct shell *sh, const struct nr_session *s, bool pem)
{
    const struct nr_tls *t = nr_sess_tls(s);
    if (!t) {
        if (nr_sess_tls_ctx(s))
            info_listener(sh, nr_sess_tls_ctx(s), pem);
        return;
    }
    out_obj_begin(sh, "tls");
    if (!nr_tls_handshake_done(t)) {
        out_lit(sh, "state", "  tls         %s\n", nr_sess_error(s) ? "handshake failed" : "handshaking");
        out_obj_end(sh);
        return;
    }
    struct nr_tls_info i;
    nr_tls_info(t, &i);
    out_lit(sh, "version", "  tls         %s", i.version);
    out_lit(sh, "cipher", " %s\n", i.cipher);
    out_lit(sh, "group", "  group       %s\n", i.group[0] ? i.group : "-");
    out_str(sh, "alpn", "  alpn        %s\n", i.alpn[0] ? i.alpn : "-");
    out_str(sh, "sni", "  sni         %s\n", i.sni[0] ? i.sni : "-");
    out_bool(sh, "resumed", "  resumed     %s\n", i.resumed);
    const char *why = nr_tls_verify_error(t);
    out_lit(sh, "verification", "  verify      %s", nr_tls_verified(t) ? "verified" : "unverified");
    if (why)
        out_str(sh, "verify_error", " (%s)", why);
    out_text(sh, "\n");
    out_list_begin(sh, "chain");
    struct nr_tls_cert c;
    for (size_t k = 0; k < nr_tls_chain_len(t); k++)
        if (nr_tls_chain_cert(t, k, &c) == 0)
            out_cert(sh, &c, k);
    out_list_end(sh);
    if (pem)
        out_pem(sh, nr_tls_chain_pem(t));
    out_obj_end(sh);
}

const char *sess_state_text(const struct nr_session *s)
{
    const char *st = nr_sess_state(s), *w = tls_state_word(s);
    return w && !strcmp(st, "connected") ? w : st;
}
