/* cmds/starttls — starttls [ID]: upgrade a live TCP session to TLS in
 * place, as the client (default) or the server (--server), the step that
 * SMTP, IMAP, POP3 and XMPP take after their own STARTTLS command.
 * Plaintext that arrived and was not read is discarded and reported. */
#include "cmds/sess.h"
#include "cmds/tls.h"

#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

struct starttls_opts {
    int64_t timeout_us;
    bool server;
    struct tls_opts tls;
};

static void starttls_print(struct shell *sh, const struct nr_session *s, size_t discarded)
{
    out_begin(sh, "starttls");
    sess_out_ends(sh, s);
    tls_out_summary(sh, s);
    out_text(sh, "\n");
    out_uint(sh, "discarded", NULL, discarded);
    if (discarded)
        out_text(sh, "  discarded %zu %s of plaintext received before the upgrade (never "
                 "read as TLS data)\n", discarded, nr_plural(discarded, "byte", "bytes"));
    out_end(sh);
}

static int starttls_run(struct shell *sh, const struct cmd_call *c)
{
    const struct starttls_opts *o = c->opts;
    struct nr_session *s = c->s;
    if (o->server && (o->tls.sni || o->tls.no_sni || o->tls.ca || o->tls.insecure))
        return cmd_error(sh, "--sni, --no-sni, --ca and --insecure are for the client side");
    if (!o->server && o->tls.client_ca)
        return cmd_error(sh, "--client-ca is for --server");
    /* The name checked: --sni NAME, else the peer's address. */
    char host[NR_ADDRSTRLEN] = "";
    const struct sockaddr_storage *r = nr_sess_remote(s);
    if (!o->server && !o->tls.sni && nr_sess_remote_len(s)) {
        char buf[NR_ADDRSTRLEN];
        sess_addr(r, nr_sess_remote_len(s), buf, sizeof buf);
        /* "127.0.0.1:25" or "[::1]:25": the address without the port. */
        const char *b = buf[0] == '[' ? buf + 1 : buf;
        size_t n = buf[0] == '[' ? strcspn(b, "]") : strcspn(b, ":");
        snprintf(host, sizeof host, "%.*s", (int)n, b);
    }
    struct nr_tls_ctx *ctx = tls_ctx_from(sh, "starttls", &o->tls, o->server,
                                          (const struct sockaddr *)nr_sess_local(s));
    if (!ctx)
        return CMD_FAIL;
    size_t discarded = 0;
    int64_t deadline = nr_now_us() + (o->timeout_us ? o->timeout_us : nr_sess_timeout(s));
    int rc = tls_upgrade(sh, "starttls", s, ctx, o->server, o->tls.sni ? o->tls.sni : host,
                         &o->tls, deadline, &discarded);
    nr_tls_ctx_free(ctx);
    if (rc != CMD_OK) {
        if (discarded)
            out_text(sh, "  (%zu plaintext %s received before the upgrade were discarded)\n",
                     discarded, nr_plural(discarded, "byte", "bytes"));
        return rc;
    }
    starttls_print(sh, s, discarded);
    return CMD_OK;
}

static const struct nr_opt starttls_options[] = {
    { "--server", NULL, OPT_FLAG, offsetof(struct starttls_opts, server), 0, 0, NULL,
      "be the TLS server (an accepted session): --cert/--key or an ephemeral one", NULL, 0, 0 },
    { "--timeout", NULL, OPT_SECONDS, offsetof(struct starttls_opts, timeout_us), 0, 3600, "S",
      "give up on the handshake after S seconds (default: the session's)", NULL, 0, 0 },
    TLS_CLIENT_OPTS(struct starttls_opts, tls),
    TLS_COMMON_OPTS(struct starttls_opts, tls),
    TLS_SERVER_OPTS(struct starttls_opts, tls),
    OPT_END,
};

const struct nr_cmd cmd_starttls = {
    .name = "starttls",
    .summary = "upgrade a TCP session to TLS in place (STARTTLS)",
    .help =
    "Starts TLS on a live TCP session, as SMTP, IMAP, POP3 and XMPP do after\n"
    "their STARTTLS command: read the server's go-ahead first, then run this.\n"
    "As the client (default) it takes dial tls's options; the certificate is\n"
    "checked against --sni NAME or else the peer's IP address. --server answers\n"
    "as the TLS server on an accepted session, with --cert/--key or an\n"
    "ephemeral certificate. Plaintext that arrived before the upgrade and was not\n"
    "read is discarded and its size reported: it is never shown as TLS data\n"
    "(the STARTTLS command-injection attacks).\n"
    "Example: starttls 2 --sni mail.example --ca ca.pem\n"
    "Example: starttls 4 --server --cert cert.pem --key key.pem\n",
    .opts = starttls_options,
    .opts_size = sizeof(struct starttls_opts),
    .flags = CMD_ID | CMD_SESSION,
    .run = starttls_run,
};
