/* shell/repl — one input loop for both modes. Scripts: lines from a file or
 * a pipe (the pipe read through the event loop, so listeners keep serving
 * while a slow producer writes). Interactive: readline's callback interface
 * on the same loop; notices print above the prompt; Ctrl-C cancels. */
#include "shell/repl.h"
#include "lib/dns.h"

#include <errno.h>
#include <fcntl.h>
#include <readline/history.h>
#include <readline/readline.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int sig_pipe[2] = { -1, -1 };
static volatile sig_atomic_t got_sigint, got_sigwinch;

static void on_signal(int sig)
{
    int e = errno;
    if (sig == SIGINT)
        got_sigint = 1;
    else
        got_sigwinch = 1;
    if (write(sig_pipe[1], "s", 1) < 0) {
        /* the pipe is full: a wakeup is already pending */
    }
    errno = e;
}

static struct shell *g_sh;   /* for readline's callbacks, which take no argument */

static void on_sigfd(struct nr_loop *loop, int fd, unsigned rev, void *arg)
{
    struct shell *sh = arg;
    char buf[64];
    while (read(fd, buf, sizeof buf) > 0)
        ;
    if (got_sigwinch) {
        got_sigwinch = 0;
        if (sh->interactive)
            rl_resize_terminal();
    }
    if (!got_sigint)
        return;
    got_sigint = 0;
    if (!sh->interactive) {
        /* A script stops: the waiting command fails, no further line runs. */
        sh->interrupted = 1;
        sh->quit = true;
        sh->failures++;
        return;
    }
    if (sh->waiting) {
        if (!sh->interrupted) {
            fputc('\n', stdout);   /* end the line the terminal echoed ^C on */
            fflush(stdout);
        }
        sh->interrupted = 1;
        return;
    }
    /* At the prompt: drop the line being typed, start a fresh one. */
    rl_free_line_state();
    rl_callback_sigcleanup();
    rl_replace_line("", 0);
    rl_point = rl_end = 0;
    fputs("^C\n", stdout);
    fflush(stdout);
    rl_on_new_line();
    rl_redisplay();
}

int repl_signals(struct shell *sh)
{
    if (pipe2(sig_pipe, O_NONBLOCK | O_CLOEXEC) < 0)
        return -1;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGWINCH, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);   /* EPIPE is reported by send instead */
    return nr_loop_watch(sh->loop, sig_pipe[0], NR_EV_READ, on_sigfd, sh);
}

struct nr_dns *sh_dns(struct shell *sh)
{
    if (!sh->dns) {
        char err[NR_ERRLEN];
        sh->dns = nr_dns_new(sh->loop, sh->dns_servers, err, sizeof err);
        if (!sh->dns)
            cmd_error(sh, "resolver: %s", err);
    }
    return sh->dns;
}

/* ---- waiting ---- */

enum nr_wait sh_wait(struct shell *sh, nr_done_fn done, void *arg, int64_t deadline_us)
{
    bool was = sh->waiting;
    sh->waiting = true;
    enum nr_wait w = nr_loop_run_until(sh->loop, done, arg, deadline_us, &sh->interrupted);
    sh->waiting = was;
    return w;
}

/* ---- scripted mode ---- */

struct script {
    struct shell *sh;
    int fd;
    struct nr_buf pending;
    bool eof, stop, skipping;
    int status;
};

/* Runs every complete line in s->pending; keeps a trailing partial line. */
static void run_lines(struct script *s, bool at_eof)
{
    size_t off = 0;
    while (!s->stop && off < s->pending.len) {
        unsigned char *start = s->pending.p + off;
        unsigned char *nl = memchr(start, '\n', s->pending.len - off);
        if (!nl && !at_eof)
            break;
        size_t n = nl ? (size_t)(nl - start) + 1 : s->pending.len - off;
        off += n;
        s->sh->line++;
        if (s->skipping) {   /* rest of an over-long line, already reported */
            s->skipping = false;
            continue;
        }
        int r = sh_run_line(s->sh, (const char *)start, n);
        if (r == CMD_QUIT || (r == CMD_FAIL && !s->sh->keep_going) || ferror(stdout) ||
            s->sh->quit)
            s->stop = true;   /* nobody reads our output any more */
    }
    nr_buf_consume(&s->pending, off);
    if (!s->stop && s->pending.len > SH_LINE_MAX) {
        /* A line with no end in sight: report it once, drop it as it comes. */
        if (!s->skipping) {
            s->sh->line++;
            s->sh->cmd = "netrepl";
            cmd_error(s->sh, "line too long (more than %d bytes)", SH_LINE_MAX);
            s->sh->line--;   /* counted when its newline arrives */
            s->skipping = true;
            if (!s->sh->keep_going)
                s->stop = true;
        }
        s->pending.len = 0;
    }
}

/* Reads what is there; returns false at EOF or error. */
static bool fill(struct script *s)
{
    char buf[65536];
    ssize_t n = read(s->fd, buf, sizeof buf);
    if (n > 0) {
        if (nr_buf_add(&s->pending, buf, (size_t)n) < 0) {
            s->sh->cmd = "netrepl";
            cmd_error(s->sh, "out of memory reading input");
            s->stop = true;
        }
        return true;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return true;
    s->eof = true;
    return false;
}

static void on_script_input(struct nr_loop *loop, int fd, unsigned rev, void *arg)
{
    struct script *s = arg;
    /* Commands below may run the loop; hold further input until they end. */
    nr_loop_set_events(loop, fd, 0);
    fill(s);
    run_lines(s, s->eof);
    if (!s->eof && !s->stop)
        nr_loop_set_events(loop, fd, NR_EV_READ);
}

static bool script_done(void *arg)
{
    struct script *s = arg;
    return s->eof || s->stop || s->sh->quit;
}

int repl_script_fd(struct shell *sh, int fd, const char *name)
{
    struct script s = { .sh = sh, .fd = fd };
    struct stat st;
    sh->src = name;
    sh->line = 0;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
        /* A regular file is always ready: read it straight through. */
        while (!s.stop && fill(&s))
            run_lines(&s, false);
        run_lines(&s, true);
    } else {
        int fl = fcntl(fd, F_GETFL);
        fcntl(fd, F_SETFL, fl | O_NONBLOCK);
        if (nr_loop_watch(sh->loop, fd, NR_EV_READ, on_script_input, &s) < 0) {
            sh->cmd = "netrepl";
            cmd_error(sh, "cannot watch input: %s", strerror(errno));
            return 1;
        }
        while (!script_done(&s))
            if (nr_loop_run_until(sh->loop, script_done, &s, -1, NULL) == NR_WAIT_FAIL)
                break;
        nr_loop_unwatch(sh->loop, fd);
        fcntl(fd, F_SETFL, fl);
    }
    nr_buf_free(&s.pending);
    return sh->failures ? 1 : 0;
}

/* ---- interactive mode ---- */

static char *pending_line;
static bool got_line, got_eof;

/* Removing the handler here (readline allows it) stops readline from
 * drawing a fresh prompt before the command has printed anything. */
static void on_rl_line(char *line)
{
    rl_callback_handler_remove();
    if (!line)
        got_eof = true;
    else {
        free(pending_line);
        pending_line = line;
        got_line = true;
    }
}

static const char *prompt(struct shell *sh)
{
    static char p[32];
    if (sh->current)
        snprintf(p, sizeof p, "netrepl[%d]> ", sh->current);
    else
        snprintf(p, sizeof p, "netrepl> ");
    return p;
}

void repl_above_begin(struct shell *sh)
{
    if (sh->interactive && !sh->waiting && rl_line_buffer)
        rl_clear_visible_line();
}

void repl_above_end(struct shell *sh)
{
    fflush(stdout);
    if (sh->interactive && !sh->waiting && rl_line_buffer) {
        rl_on_new_line();
        rl_forced_update_display();
    }
}

void repl_print_above(struct shell *sh, const char *text, size_t n)
{
    bool at_prompt = sh->interactive && !sh->waiting && rl_line_buffer;
    if (at_prompt)
        rl_clear_visible_line();
    fwrite(text, 1, n, stdout);
    if (!n || text[n - 1] != '\n')
        fputc('\n', stdout);
    fflush(stdout);
    if (at_prompt) {
        rl_on_new_line();
        rl_forced_update_display();
    }
}

static void run_typed_line(struct shell *sh, char *line)
{
    if (*line) {
        add_history(line);
        nr_loop_set_events(sh->loop, 0, 0);
        sh->line++;
        if (sh_run_line(sh, line, strlen(line)) == CMD_QUIT)
            sh->quit = true;
        fflush(stdout);
        sh->failures = 0;   /* at the prompt a failure is only reported */
        nr_loop_set_events(sh->loop, 0, NR_EV_READ);
    }
    if (!sh->quit)
        rl_callback_handler_install(prompt(sh), on_rl_line);
    free(line);
}

static void on_tty(struct nr_loop *loop, int fd, unsigned rev, void *arg)
{
    struct shell *sh = arg;
    rl_callback_read_char();
    if (got_eof) {
        sh->quit = true;
        fputc('\n', stdout);
        return;
    }
    if (got_line) {
        char *line = pending_line;
        pending_line = NULL;
        got_line = false;
        run_typed_line(sh, line);
    }
}

int repl_input_lend(struct shell *sh, nr_io_fn fn, void *arg)
{
    return nr_loop_watch(sh->loop, 0, NR_EV_READ, fn, arg);
}

void repl_input_return(struct shell *sh)
{
    /* Held back (no interest) until the line runner re-enables it. */
    nr_loop_watch(sh->loop, 0, 0, on_tty, sh);
}

static bool quit_done(void *arg)
{
    return ((struct shell *)arg)->quit;
}

static char *history_path(void)
{
    const char *st = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
    char dir[4096];
    if (st && *st)
        snprintf(dir, sizeof dir, "%s/netrepl", st);
    else if (home && *home)
        snprintf(dir, sizeof dir, "%s/.local/state/netrepl", home);
    else
        return NULL;
    /* mkdir -p, quietly: no history is better than no shell. */
    for (char *p = dir + 1; *p; p++) {
        if (*p == '/') {
            *p = 0;
            mkdir(dir, 0700);
            *p = '/';
        }
    }
    mkdir(dir, 0700);
    char *path = malloc(strlen(dir) + 9);
    if (path)
        sprintf(path, "%s/history", dir);
    return path;
}

int repl_interactive(struct shell *sh)
{
    g_sh = sh;
    rl_readline_name = "netrepl";
    rl_catch_signals = 0;
    rl_catch_sigwinch = 0;
    rl_attempted_completion_function = repl_complete;
    char *hist = history_path();
    stifle_history(1000);
    if (hist)
        read_history(hist);
    if (!sh->quiet)
        printf("netrepl %s; 'help' lists commands, Ctrl-D leaves.\n", NETREPL_VERSION);
    rl_callback_handler_install(prompt(sh), on_rl_line);
    nr_loop_watch(sh->loop, 0, NR_EV_READ, on_tty, sh);
    while (!sh->quit)
        if (nr_loop_run_until(sh->loop, quit_done, sh, -1, NULL) == NR_WAIT_FAIL)
            break;
    rl_callback_handler_remove();
    nr_loop_unwatch(sh->loop, 0);
    if (hist) {
        write_history(hist);
        history_truncate_file(hist, 1000);
        free(hist);
    }
    free(pending_line);
    pending_line = NULL;
    return 0;
}

struct shell *repl_shell(void)
{
    return g_sh;
}
