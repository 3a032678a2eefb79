/* cmds/basic — the shell's own commands: help, echo, sleep, source,
 * history, quit. */
#include "shell/shell.h"

#include <readline/history.h>
#include <string.h>

int cmd_show_help(struct shell *sh, const struct nr_cmd *c)
{
    out_begin(sh, "help");
    out_str(sh, "command", NULL, c->name);
    out_str(sh, "usage", "usage: %s\n", c->usage);
    out_str(sh, "alias", NULL, c->alias);
    out_str(sh, "summary", "%s\n", c->summary);
    out_str(sh, "help", "%s", c->help);
    if (c->help[0] && c->help[strlen(c->help) - 1] != '\n')
        out_text(sh, "\n");
    out_end(sh);
    return CMD_OK;
}

static int help_run(struct shell *sh, const struct nr_args *a)
{
    if (a->argc > 2)
        return cmd_usage(sh, "too many arguments");
    if (a->argc == 2) {
        const struct nr_cmd *c = cmd_find(a->argv[1]);
        if (!c) {
            const char *n = cmd_nearest(a->argv[1]);
            if (n)
                return cmd_error(sh, "%s: no such command (did you mean '%s'?)", a->argv[1], n);
            return cmd_error(sh, "%s: no such command (try 'help')", a->argv[1]);
        }
        return cmd_show_help(sh, c);
    }
    out_text(sh, "Commands ('help CMD' shows usage and examples):\n");
    for (const struct nr_cmd *const *c = cmd_all(); *c; c++) {
        out_begin(sh, "help");
        out_str(sh, "command", "  %-9s", (*c)->name);
        out_str(sh, "usage", NULL, (*c)->usage);
        out_str(sh, "summary", " %s", (*c)->summary);
        if ((*c)->alias)
            out_str(sh, "alias", " (also %s)", (*c)->alias);
        out_text(sh, "\n");
        out_end(sh);
    }
    return CMD_OK;
}

static int echo_run(struct shell *sh, const struct nr_args *a)
{
    struct nr_buf b = { 0 };
    for (int i = 1; i < a->argc; i++) {
        if (i > 1)
            nr_buf_add(&b, " ", 1);
        nr_buf_add(&b, a->argv[i], a->len[i]);
    }
    out_begin(sh, "echo");
    /* The user's own bytes: shown as typed (escapes already decoded). */
    out_data(sh, "text", b.p ? (const char *)b.p : "", b.len, 0, true);
    out_text(sh, "\n");
    out_end(sh);
    nr_buf_free(&b);
    return CMD_OK;
}

static int sleep_run(struct shell *sh, const struct nr_args *a)
{
    char err[NR_ERRLEN];
    int64_t us;
    if (a->argc != 2)
        return cmd_usage(sh, "needs one argument, the seconds to wait");
    if (nr_parse_seconds(a->argv[1], 86400, &us, err, sizeof err) < 0)
        return cmd_error(sh, "%s: %s", a->argv[1], err);
    if (sh_wait(sh, NULL, NULL, nr_now_us() + us) == NR_WAIT_INTR)
        return cmd_error(sh, "interrupted");
    return CMD_OK;
}

static int source_run(struct shell *sh, const struct nr_args *a)
{
    if (a->argc != 2)
        return cmd_usage(sh, "needs one file name");
    return sh_run_file(sh, a->argv[1]);
}

static int history_run(struct shell *sh, const struct nr_args *a)
{
    long long last = 0;
    char err[NR_ERRLEN];
    if (a->argc > 2)
        return cmd_usage(sh, "too many arguments");
    if (a->argc == 2 && nr_parse_ll(a->argv[1], 1, 1000000, &last, err, sizeof err) < 0)
        return cmd_error(sh, "%s: %s", a->argv[1], err);
    HIST_ENTRY **h = history_list();
    int n = 0;
    while (h && h[n])
        n++;
    for (int i = (last && last < n) ? n - (int)last : 0; i < n; i++) {
        out_begin(sh, "history");
        out_int(sh, "index", "%5lld  ", (long long)i + history_base);
        out_str(sh, "line", "%s\n", h[i]->line);
        out_end(sh);
    }
    return CMD_OK;
}

static int quit_run(struct shell *sh, const struct nr_args *a)
{
    if (a->argc > 1)
        return cmd_usage(sh, "takes no arguments");
    sh->quit = true;
    return CMD_QUIT;
}

const struct nr_cmd cmd_help = {
    "help", NULL, "help [CMD]", "list commands, or show one command's usage and examples",
    "Without an argument lists every command. With one, shows its usage,\n"
    "what it does and examples. 'CMD --help' does the same.\n"
    "Example: help dial\n",
    help_run, NULL, CMD_COMPLETE_COMMANDS,
};

const struct nr_cmd cmd_echo = {
    "echo", NULL, "echo TEXT...", "print the words, escapes decoded",
    "Prints its arguments separated by blanks. Useful in scripts and demos.\n"
    "Example: echo \"step 1:\\tdial the server\"\n",
    echo_run, NULL, 0,
};

const struct nr_cmd cmd_sleep = {
    "sleep", NULL, "sleep SECONDS", "wait, while listeners and responders keep running",
    "Waits SECONDS (fractions allowed) with the event loop running, so\n"
    "listeners accept, --echo servers answer and data is buffered meanwhile.\n"
    "Ctrl-C ends the wait.\n"
    "Example: sleep 0.5\n",
    sleep_run, NULL, 0,
};

const struct nr_cmd cmd_source = {
    "source", NULL, "source FILE", "run the commands in FILE",
    "Runs FILE as a script: stops at the first failing command unless the\n"
    "shell was started with -k. Files may source others (16 levels).\n"
    "Example: source examples/addresses.nr\n",
    source_run, NULL, CMD_COMPLETE_FILES,
};

const struct nr_cmd cmd_history = {
    "history", NULL, "history [N]", "show the command history (the last N lines)",
    "Lists the lines typed at the prompt, oldest first. History is kept in\n"
    "$XDG_STATE_HOME/netrepl/history (default ~/.local/state/netrepl/history).\n"
    "Example: history 10\n",
    history_run, NULL, 0,
};

const struct nr_cmd cmd_quit = {
    "quit", "exit", "quit", "close every session and leave",
    "Closes every session and listener and exits. Ctrl-D does the same.\n"
    "Example: quit\n",
    quit_run, NULL, 0,
};
