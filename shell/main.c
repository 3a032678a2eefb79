/* shell/main — options, mode selection, start-up and shutdown. */
#include "shell/repl.h"
#include "lib/dns.h"
#include "lib/dnspool.h"
#include "lib/roothints.h"
#include "lib/session.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

static const char usage_text[] =
    "Usage: netrepl [OPTION]... [FILE]\n"
    "An interactive network shell: addresses, DNS, live TCP/UDP/Unix sessions, ping.\n"
    "\n"
    "With no FILE and a terminal on standard input, starts the interactive prompt;\n"
    "otherwise runs commands from FILE or standard input as a script.\n"
    "\n"
    "  -c 'CMD; CMD'      run these commands and exit\n"
    "  -k, --keep-going   in scripts, go on after a failed command (exit 1 at end)\n"
    "  -x, --xtrace       echo each script line before running it\n"
    "  -q, --quiet        no banner and no notices at the prompt\n"
    "      --json         one JSON object per result line\n"
    "      --dns LIST     DNS servers, SERVER[:PORT][,...] (default /etc/resolv.conf)\n"
    "      --help         show this help and exit\n"
    "      --version      show the version and exit\n"
    "\n"
    "Input lines (FILE, standard input, -c, source) hold at most 65536 bytes.\n"
    "Environment: NETREPL_DNS (as --dns), NO_COLOR or TERM=dumb (no colour),\n"
    "XDG_STATE_HOME (history).\n"
    "Exit status: 0 all commands succeeded, 1 a command failed, 2 bad command line.\n";

struct cmdline {
    const char *cmds;   /* -c */
    const char *file;
};

static int parse_args(struct shell *sh, struct cmdline *cl, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help")) {
            fputs(usage_text, stdout);
            exit(0);
        } else if (!strcmp(a, "--version")) {
            printf("netrepl %s\n", NETREPL_VERSION);
            exit(0);
        } else if (!strcmp(a, "-k") || !strcmp(a, "--keep-going")) {
            sh->keep_going = true;
        } else if (!strcmp(a, "-x") || !strcmp(a, "--xtrace")) {
            sh->xtrace = true;
        } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
            sh->quiet = true;
        } else if (!strcmp(a, "--json")) {
            sh->json = true;
        } else if (!strcmp(a, "--dns") || !strncmp(a, "--dns=", 6)) {
            const char *v = a[5] == '=' ? a + 6 : (i + 1 < argc ? argv[++i] : NULL);
            if (!v || !*v) {
                fprintf(stderr, "netrepl: --dns needs SERVER[:PORT][,...]\n");
                return -1;
            }
            free(sh->dns_servers);   /* --dns overrides NETREPL_DNS */
            sh->dns_servers = strdup(v);
        } else if (!strcmp(a, "-c")) {
            if (i + 1 >= argc) {
                fprintf(stderr, "netrepl: -c needs commands\n");
                return -1;
            }
            cl->cmds = argv[++i];
        } else if (a[0] == '-' && a[1]) {
            struct nr_buf b = { 0 };
            fprintf(stderr, "netrepl: unknown option '%s'\nTry 'netrepl --help'.\n",
                    out_escaped(a, &b));
            nr_buf_free(&b);
            return -1;
        } else if (!cl->file) {
            cl->file = a;
        } else {
            struct nr_buf b = { 0 };
            fprintf(stderr, "netrepl: more than one FILE ('%s')\nTry 'netrepl --help'.\n",
                    out_escaped(a, &b));
            nr_buf_free(&b);
            return -1;
        }
    }
    if (cl->cmds && cl->file) {
        fprintf(stderr, "netrepl: -c and FILE cannot be used together\n");
        return -1;
    }
    return 0;
}

/* A bad --dns or NETREPL_DNS is a usage error before anything runs (the
 * same check as `dns servers` and `lookup @SERVER`). */
static int check_dns(const struct shell *sh, const char *env)
{
    char csv[1024], err[NR_ERRLEN];
    if (!sh->dns_servers || nr_dns_server_list(sh->dns_servers, csv, sizeof csv, err, sizeof err) == 0)
        return 0;
    bool from_env = env && !strcmp(env, sh->dns_servers);
    fprintf(stderr, "netrepl: %s %s\n", from_env ? "NETREPL_DNS:" : "--dns", err);
    return -1;
}

static void on_idle(void *arg)
{
    out_flush(arg);
}

static int run(struct shell *sh, const struct cmdline *cl)
{
    if (cl->cmds) {
        sh->src = "-c";   /* errors give the command's number (sh_run_line) */
        sh->line = 1;
        sh_run_line(sh, cl->cmds, strlen(cl->cmds));
        return sh->failures ? 1 : 0;
    }
    if (cl->file) {
        FILE *f = fopen(cl->file, "r");
        if (!f) {
            int e = errno;
            struct nr_buf b = { 0 };
            fprintf(stderr, "netrepl: %s: %s\n", out_escaped(cl->file, &b), strerror(e));
            nr_buf_free(&b);
            return 2;
        }
        int r = repl_script_fd(sh, fileno(f), cl->file);
        fclose(f);
        return r;
    }
    if (sh->interactive)
        return repl_interactive(sh);
    return repl_script_fd(sh, 0, "-");
}

int main(int argc, char **argv)
{
    static struct shell sh;
    struct cmdline cl = { 0 };
#ifdef __GLIBC__
    /* Blocks of 128 KiB and more (echo backlogs, received floods) get
     * mappings of their own, unmapped when freed. By default glibc raises
     * this threshold after the first such free and takes later ones from
     * the heap, where freed memory under a live chunk stays resident: a
     * listener that once served 1,000 busy clients kept most of its peak
     * RSS after they left (bench/soak). */
    mallopt(M_MMAP_THRESHOLD, 128 * 1024);
#endif
    const char *env = getenv("NETREPL_DNS");
    if (env && *env)
        sh.dns_servers = strdup(env);
    if (parse_args(&sh, &cl, argc, argv) < 0 || check_dns(&sh, env) < 0)
        return 2;
    sh.interactive = !cl.cmds && !cl.file && isatty(0) && isatty(1);
    const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");
    /* A dumb terminal (or none named) shows escape sequences as garbage. */
    bool dumb = !term || !*term || !strcmp(term, "dumb");
    sh.color = sh.interactive && isatty(2) && !(nc && *nc) && !dumb;
    if (!isatty(1))
        setvbuf(stdout, NULL, _IOFBF, 1 << 16);
    sh.loop = nr_loop_new();
    if (!sh.loop || repl_signals(&sh) < 0) {
        fprintf(stderr, "netrepl: cannot start the event loop: %s\n", strerror(errno));
        return 1;
    }
    nr_loop_on_idle(sh.loop, on_idle, &sh);
    int status = run(&sh, &cl);
    sh_trace_flush(&sh);
    nr_sessions_free(sh.sessions);   /* closes every session, removes Unix files */
    sh_trace_flush(&sh);   /* the close's last packets */
    sh_capture_free(&sh);
    sh_trace_free(&sh);
    sh_vars_free(&sh);
    nr_dns_free(sh.dns);
    nr_dnspool_free(sh.dnspool);
    nr_roothints_cache_free(sh.roothints_cache);
    nr_loop_free(sh.loop);
    free(sh.dns_servers);
    free(sh.roothints);
    if (sh.term_sig) {
        /* Cleaned up after SIGTERM/SIGHUP: now die of it, so the parent
         * sees what ended us. */
        fflush(stdout);
        signal(sh.term_sig, SIG_DFL);
        raise(sh.term_sig);
    }
    if (fflush(stdout) != 0 || ferror(stdout) || sh.out_err) {
        /* A reader that went away (| head) is not worth a message. */
        int e = sh.out_err ? sh.out_err : errno;
        if (e != EPIPE)
            fprintf(stderr, "netrepl: write error: %s\n", strerror(e));
        return 1;
    }
    return status;
}
