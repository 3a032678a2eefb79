/* shell/repl — one input loop for both modes. Scripts: lines from a file or
 * a pipe (the pipe read through the event loop, so listeners keep serving
 * while a slow producer writes). Interactive: readline's callback interface
 * on the same loop; notices print above the prompt; Ctrl-C cancels. */
#include "shell/repl.h"
#include "shell/pics.h"
#include "lib/dns.h"

#include <errno.h>
#include <fcntl.h>
#include <readline/history.h>
#include <readline/readline.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

static int sig_pipe[2] = { -1, -1 };
static volatile sig_atomic_t got_sigint, got_sigwinch, got_sigtstp, got_sigcont, got_term;

static void on_signal(int sig)
{
    int e = errno;
    switch (sig) {
    case SIGINT:
        got_sigint = 1;
        break;
    case SIGWINCH:
        got_sigwinch = 1;
        break;
    case SIGTSTP:
        got_sigtstp = 1;
        break;
    case SIGCONT:
        got_sigcont = 1;
        break;
    default:   /* SIGTERM, SIGHUP */
        got_term = sig;
        break;
    }
    if (write(sig_pipe[1], "s", 1) < 0) {
        /* the pipe is full: a wakeup is already pending */
    }
    errno = e;
}

static struct shell *g_sh;   /* for readline's callbacks, which take no argument */

/* The line editor is on screen (the prompt, or attach's line): readline's
 * handler is installed and the terminal is in its raw mode. Output then
 * goes above the line being typed (repl_line_hide/show). */
static bool rl_live;
static int last_cols;        /* the width the line was last drawn for */

int sh_columns(int fd)
{
    struct winsize ws;
    if (!isatty(fd) || ioctl(fd, TIOCGWINSZ, &ws) < 0 || ws.ws_col == 0)
        return 0;
    return ws.ws_col;
}

/* A narrower window: terminals that reflow (tmux, VTE, kitty) have already
 * rewrapped the line readline drew, which readline cannot know; its own
 * redraw after SIGWINCH would start mid-line and leave a stale copy. Go up
 * to where the line now starts, clear to the end of the screen and draw it
 * again at the new width. */
static void redraw_resized(void)
{
    int cols = sh_columns(1);
    rl_reset_screen_size();
    if (!rl_live || cols <= 0) {
        last_cols = cols;
        return;
    }
    /* The cursor's offset from the start of the prompt (prompts and typed
     * text are one column a character for all but wide characters). */
    size_t off = strlen(rl_prompt ? rl_prompt : "") + (size_t)rl_point;
    int up = (int)(off / (size_t)cols);
    if (last_cols > 0 && cols > last_cols)
        up = (int)(off / (size_t)last_cols);   /* a wider window: no reflow needed */
    fputc('\r', stdout);
    if (up > 0)
        printf("\033[%dA", up);
    fputs("\033[J", stdout);
    fflush(stdout);
    rl_on_new_line();
    rl_forced_update_display();
    last_cols = cols;
}

/* Ctrl-Z: give the terminal back as it was, stop, and on `fg` take it
 * again and draw the prompt and the line (the SIGCONT path below). */
static void suspend(void)
{
    if (rl_live)
        rl_deprep_terminal();
    fflush(stdout);
    signal(SIGTSTP, SIG_DFL);
    kill(getpid(), SIGTSTP);
    /* stopped here until SIGCONT */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTSTP, &sa, NULL);
}

/* Continued (fg, or SIGCONT after any stop): the job-control shell has set
 * its own terminal modes meanwhile. */
static void resume(void)
{
    if (!rl_live)
        return;
    rl_deprep_terminal();
    rl_prep_terminal(1);
    rl_reset_screen_size();
    last_cols = sh_columns(1);
    rl_on_new_line();
    rl_forced_update_display();
}

static void on_sigint(struct shell *sh)
{
    if (!sh->interactive) {
        /* A script stops: the waiting command fails, no further line runs. */
        sh->interrupted = 1;
        sh->quit = true;
        sh->failures++;
        return;
    }
    if (sh->waiting) {
        if (!sh->interrupted && !rl_live) {
            fputc('\n', stdout);   /* end the line the terminal echoed ^C on */
            fflush(stdout);
        }
        sh->interrupted = 1;
        return;
    }
    /* At the prompt: drop the line being typed, start a fresh one. A line
     * recalled from the history is put back as it was first (the entry
     * must not take the edits, nor become empty), and the history position
     * goes back to its end. */
    fputs("^C\n", stdout);
    fflush(stdout);
    rl_on_new_line();
    while (rl_undo_list)
        rl_do_undo();
    rl_free_line_state();
    rl_callback_sigcleanup();
    using_history();
    rl_replace_line("", 0);
    rl_point = rl_end = 0;
    rl_redisplay();
}

static void on_sigfd(struct nr_loop *loop, int fd, unsigned rev, void *arg)
{
    struct shell *sh = arg;
    char buf[64];
    while (read(fd, buf, sizeof buf) > 0)
        ;
    if (got_term) {
        /* SIGTERM, SIGHUP: end the waiting command and leave as on quit
         * (terminal restored, sessions closed and Unix files removed);
         * main() then dies of the signal. */
        sh->term_sig = got_term;
        got_term = 0;
        sh->interrupted = 1;
        sh->quit = true;
        return;
    }
    if (got_sigtstp) {
        got_sigtstp = 0;
        suspend();
    }
    if (got_sigcont) {
        got_sigcont = 0;
        resume();
    }
    if (got_sigwinch) {
        got_sigwinch = 0;
        if (sh->interactive)
            redraw_resized();
    }
    if (got_sigint) {
        got_sigint = 0;
        on_sigint(sh);
    }
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
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    if (sh->interactive) {
        sigaction(SIGTSTP, &sa, NULL);
        sigaction(SIGCONT, &sa, NULL);
    }
    signal(SIGPIPE, SIG_IGN);   /* EPIPE is reported by send instead */
    return nr_loop_watch(sh->loop, sig_pipe[0], NR_EV_READ, on_sigfd, sh);
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
    rl_live = false;
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

static void show_prompt(struct shell *sh)
{
    rl_callback_handler_install(prompt(sh), on_rl_line);
    rl_live = true;
    last_cols = sh_columns(1);
}

void repl_line_hide(struct shell *sh)
{
    if (rl_live)
        rl_clear_visible_line();
}

void repl_line_show(struct shell *sh, const char *new_prompt)
{
    if (!rl_live)
        return;
    fflush(stdout);
    if (new_prompt)
        rl_set_prompt(new_prompt);
    rl_on_new_line();
    rl_forced_update_display();
}

void repl_print_above(struct shell *sh, const char *text, size_t n)
{
    /* A command's progress line (stderr, no newline) goes first, or the
     * text would follow it on its line; the next tick draws it again. */
    if (sh->progress)
        sh_progress_hide(sh->progress);
    repl_line_hide(sh);
    fwrite(text, 1, n, stdout);
    if (!n || text[n - 1] != '\n')
        fputc('\n', stdout);
    fflush(stdout);
    repl_line_show(sh, NULL);
}

static void run_typed_line(struct shell *sh, char *line)
{
    if (*line) {
        sh_history_add(line);
        nr_loop_set_events(sh->loop, 0, 0);
        sh->line++;
        if (sh_run_line(sh, line, strlen(line)) == CMD_QUIT)
            sh->quit = true;
        fflush(stdout);
        sh->failures = 0;   /* at the prompt a failure is only reported */
        nr_loop_set_events(sh->loop, 0, NR_EV_READ);
    }
    if (!sh->quit)
        show_prompt(sh);
    free(line);
}

static void on_tty(struct nr_loop *loop, int fd, unsigned rev, void *arg)
{
    struct shell *sh = arg;
    rl_callback_read_char();
    if (got_eof) {
        got_eof = false;
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

/* ---- the line editor lent to attach ---- */

static struct {
    repl_line_fn line;
    repl_key_fn escape;
    void *arg;
    rl_command_func_t *old_escape, *old_tab;
} lent;

static void on_lent_line(char *line)
{
    lent.line(lent.arg, line);
    free(line);
}

static int on_escape_key(int count, int key)
{
    lent.escape(lent.arg);
    return 0;
}

void repl_lines_lend(struct shell *sh, const char *first_prompt, repl_line_fn line,
                     repl_key_fn escape, void *arg)
{
    lent.line = line;
    lent.escape = escape;
    lent.arg = arg;
    lent.old_escape = rl_function_of_keyseq("\035", rl_get_keymap(), NULL);
    lent.old_tab = rl_function_of_keyseq("\t", rl_get_keymap(), NULL);
    rl_bind_key(REPL_ESCAPE_KEY, on_escape_key);
    rl_bind_key('\t', rl_insert);   /* a tab is data here, not completion */
    fflush(stdout);
    rl_callback_handler_install(first_prompt, on_lent_line);
    rl_live = true;
    last_cols = sh_columns(1);
    nr_loop_set_events(sh->loop, 0, NR_EV_READ);
}

size_t repl_lines_return(struct shell *sh)
{
    size_t unsent = rl_live ? (size_t)rl_end : 0;
    nr_loop_set_events(sh->loop, 0, 0);   /* the line runner enables it again */
    if (rl_live) {
        rl_clear_visible_line();
        rl_replace_line("", 1);
        rl_callback_handler_remove();
        rl_live = false;
    }
    if (lent.old_escape)
        rl_bind_key(REPL_ESCAPE_KEY, lent.old_escape);
    else
        rl_unbind_key(REPL_ESCAPE_KEY);
    rl_bind_key('\t', lent.old_tab ? lent.old_tab : rl_complete);
    memset(&lent, 0, sizeof lent);
    fflush(stdout);
    return unsent;
}

/* ---- keys lent to sessions --watch ---- */

int repl_input_lend(struct shell *sh, nr_io_fn fn, void *arg)
{
    return nr_loop_watch(sh->loop, 0, NR_EV_READ, fn, arg);
}

void repl_input_return(struct shell *sh)
{
    /* Held back (no interest) until the line runner enables it again. */
    nr_loop_watch(sh->loop, 0, 0, on_tty, sh);
}

static bool quit_done(void *arg)
{
    return ((struct shell *)arg)->quit;
}

int repl_interactive(struct shell *sh)
{
    g_sh = sh;
    rl_readline_name = "netrepl";
    rl_catch_signals = 0;
    rl_catch_sigwinch = 0;
    rl_attempted_completion_function = repl_complete;
    /* Enter undoes the edits made to recalled history lines: a history
     * entry changes only by adding the line that ran. */
    rl_variable_bind("revert-all-at-newline", "on");
    sh_history_open();
    if (!sh->quiet)
        printf("netrepl %s; 'help' lists commands, Ctrl-D leaves.\n", NETREPL_VERSION);
    show_prompt(sh);
    nr_loop_watch(sh->loop, 0, NR_EV_READ, on_tty, sh);
    while (!sh->quit)
        if (nr_loop_run_until(sh->loop, quit_done, sh, -1, NULL) == NR_WAIT_FAIL)
            break;
    if (rl_live) {
        /* SIGTERM/SIGHUP at the prompt: end the visible line first. */
        rl_callback_handler_remove();
        rl_live = false;
        fputc('\n', stdout);
    }
    nr_loop_unwatch(sh->loop, 0);
    sh_history_close();
    free(pending_line);
    pending_line = NULL;
    sh_close_all(sh);
    return 0;
}

struct shell *repl_shell(void)
{
    return g_sh;
}
