/* cmds/basic — the shell's own commands: help, echo, sleep, source,
 * history, quit. */
#include "shell/shell.h"
#include "lib/escape.h"

#include <readline/history.h>
#include <string.h>

static int help_run(struct shell *sh, const struct cmd_call *call)
{
    if (call->npos == 1) {
        const char *w = call->pos[0];
        const struct nr_cmd *c = cmd_find(w);
        if (!c) {
            const char *n = cmd_nearest(w);
            if (n)
                return cmd_error(sh, "%s: no such command (did you mean '%s'?)", w, n);
            return cmd_error(sh, "%s: no such command (try 'help')", w);
        }
        return cmd_show_help(sh, c);
    }
    out_text(sh, "Commands ('help CMD' shows usage and examples):\n");
    for (const struct nr_cmd *const *c = cmd_all(); *c; c++) {
        out_begin(sh, "help");
        out_str(sh, "command", "  %-9s", (*c)->name);
        out_str(sh, "usage", NULL, cmd_usage_line(*c));
        out_lit(sh, "summary", " %s", (*c)->summary);
        if ((*c)->alias)
            out_str(sh, "alias", " (also %s)", (*c)->alias);
        out_text(sh, "\n");
        out_end(sh);
    }
    return CMD_OK;
}

static int echo_run(struct shell *sh, const struct cmd_call *c)
{
    struct nr_buf b = { 0 };
    for (int i = 0; i < c->npos; i++) {
        if (i > 0)
            nr_buf_add(&b, " ", 1);
        nr_buf_add(&b, c->pos[i], c->poslen[i]);
    }
    out_begin(sh, "echo");
    /* The user's own bytes: shown as typed (escapes already decoded). */
    out_data(sh, "text", b.p ? (const char *)b.p : "", b.len, 0, true);
    out_text(sh, "\n");
    out_end(sh);
    nr_buf_free(&b);
    return CMD_OK;
}

static int sleep_run(struct shell *sh, const struct cmd_call *c)
{
    char err[NR_ERRLEN];
    int64_t us;
    if (nr_parse_seconds(c->pos[0], 86400, &us, err, sizeof err) < 0)
        return cmd_error(sh, "%s: %s", c->pos[0], err);
    if (sh_wait(sh, NULL, NULL, nr_now_us() + us) == NR_WAIT_INTR)
        return cmd_error(sh, "interrupted");
    return CMD_OK;
}

static int source_run(struct shell *sh, const struct cmd_call *c)
{
    return sh_run_file(sh, c->pos[0]);
}

static int history_run(struct shell *sh, const struct cmd_call *c)
{
    long long last = 0;
    char err[NR_ERRLEN];
    if (c->npos == 1 && nr_parse_ll(c->pos[0], 1, 1000000, &last, err, sizeof err) < 0)
        return cmd_error(sh, "%s: %s", c->pos[0], err);
    HIST_ENTRY **h = history_list();
    int n = 0;
    while (h && h[n])
        n++;
    for (int i = (last && last < n) ? n - (int)last : 0; i < n; i++) {
        out_begin(sh, "history");
        out_int(sh, "index", "%5lld  ", (long long)i + history_base);
        /* As typed: controls escaped, the user's own backslashes kept. */
        out_data(sh, "line", h[i]->line, strlen(h[i]->line), NR_ESC_KEEP_BSLASH, false);
        out_text(sh, "\n");
        out_end(sh);
    }
    return CMD_OK;
}

static int quit_run(struct shell *sh, const struct cmd_call *c)
{
    sh->quit = true;
    return CMD_QUIT;
}

static const struct nr_pos help_pos[] = { { "CMD", POS_COMMAND, NULL, POS_OPTIONAL }, POS_END };
static const struct nr_pos echo_pos[] = { { "TEXT", POS_WORD, NULL, POS_OPTIONAL | POS_REPEAT }, POS_END };
static const struct nr_pos sleep_pos[] = { { "SECONDS", POS_WORD, NULL, 0 }, POS_END };
static const struct nr_pos source_pos[] = { { "FILE", POS_PATH, NULL, 0 }, POS_END };
static const struct nr_pos history_pos[] = { { "N", POS_WORD, NULL, POS_OPTIONAL }, POS_END };

const struct nr_cmd cmd_help = {
    .name = "help",
    .summary = "list commands, or show one command's usage and examples",
    .help =
    "Without an argument lists every command. With one, shows its usage,\n"
    "what it does, its options and examples. 'CMD --help' does the same.\n"
    "Example: help dial\n",
    .pos = help_pos,
    .run = help_run,
};

/* echo takes every word as text, "-n" and "--" included. */
const struct nr_cmd cmd_echo = {
    .name = "echo",
    .summary = "print the words, escapes decoded",
    .help =
    "Prints its arguments separated by blanks. Useful in scripts and demos.\n"
    "Example: echo \"step 1:\\tdial the server\"\n",
    .pos = echo_pos,
    .flags = CMD_RAW_ARGS,
    .run = echo_run,
};

const struct nr_cmd cmd_sleep = {
    .name = "sleep",
    .summary = "wait, while listeners and responders keep running",
    .help =
    "Waits SECONDS (fractions allowed) with the event loop running, so\n"
    "listeners accept, --echo servers answer and data is buffered meanwhile.\n"
    "Ctrl-C ends the wait.\n"
    "Example: sleep 0.5\n",
    .pos = sleep_pos,
    .run = sleep_run,
};

const struct nr_cmd cmd_source = {
    .name = "source",
    .summary = "run the commands in FILE",
    .help =
    "Runs FILE as a script: stops at the first failing command unless the\n"
    "shell was started with -k. Files may source others (16 levels). FILE\n"
    "must be a regular file (a FIFO or a device is refused); a line holds at\n"
    "most 65536 bytes without its newline, as everywhere.\n"
    "Example: source examples/addresses.nr\n",
    .pos = source_pos,
    .run = source_run,
};

const struct nr_cmd cmd_history = {
    .name = "history",
    .summary = "show the command history (the last N lines)",
    .help =
    "Lists the lines typed at the prompt, oldest first. History is kept in\n"
    "$XDG_STATE_HOME/netrepl/history (default ~/.local/state/netrepl/history).\n"
    "Example: history 10\n",
    .pos = history_pos,
    .flags = CMD_NO_SAVE,
    .run = history_run,
};

const struct nr_cmd cmd_quit = {
    .name = "quit",
    .alias = "exit",
    .summary = "close every session and leave",
    .help =
    "Closes every session and listener and exits. Ctrl-D does the same.\n"
    "Example: quit\n",
    .run = quit_run,
};
