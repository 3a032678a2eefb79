/* cmds/trace — trace [ID] on|off|FILE: a follow-stream view of a session,
 * each send (>) and receive (<) with its offset in that direction and the
 * bytes escaped as recv shows them (shell/trace.c holds and prints them). */
#include "cmds/sess.h"

#include <stddef.h>
#include <string.h>

struct trace_opts {
    bool hex, time;
};

static int trace_run(struct shell *sh, const struct cmd_call *c)
{
    const struct trace_opts *o = c->opts;
    const char *w = c->pos[0], *path = NULL;
    bool on = true;
    char err[NR_ERRLEN];
    if (!strcmp(w, "off"))
        on = false;
    else if (strcmp(w, "on"))
        path = w;
    int id = nr_sess_id(c->s);
    if (on && nr_sess_role_of(c->s) == NR_ROLE_LISTEN && nr_sess_is_stream(c->s))
        return cmd_error(sh, "[%d] is a listener: it carries no data; trace the sessions it "
                         "accepts (capture %d sees all its clients' packets)", id, id);
    if (sh_trace_set(sh, c->s, on, o->hex, o->time, path, err, sizeof err) < 0)
        return cmd_error(sh, "[%d] %s", id, err);
    out_begin(sh, "trace_set");
    out_int(sh, "id", "[%lld] ", id);
    out_bool(sh, "on", NULL, on);
    out_text(sh, "trace %s", on ? "on" : "off");
    if (path)
        out_str(sh, "file", " (also to %s)", path);
    out_text(sh, "\n");
    out_end(sh);
    return CMD_OK;
}

static const char *const trace_words[] = { "on", "off", NULL };
static const struct nr_pos trace_pos[] = { { "on|off|FILE", POS_PATH, trace_words, 0 },
                                           POS_END };
static const struct nr_opt trace_opts[] = {
    { "--hex", NULL, OPT_FLAG, offsetof(struct trace_opts, hex), 0, 0, NULL,
      "show the bytes as a hex dump (offsets in the stream)", NULL, 0, 0 },
    { "--time", NULL, OPT_FLAG, offsetof(struct trace_opts, time), 0, 0, NULL,
      "show the time since the session opened (always shown at the prompt)", NULL, 0, 0 },
    OPT_END,
};

const struct nr_cmd cmd_trace = {
    .name = "trace",
    .summary = "show every send and receive of a session as it happens",
    .help =
    "A follow-stream view of one session (tcp, udp, unix): each send (>) and\n"
    "each receive (<) with its byte offset in that direction and the bytes,\n"
    "escaped as recv shows them (--hex: a hex dump). At the prompt the lines\n"
    "appear above the line being typed, with the time since the session opened\n"
    "(+1234us); in a script they are printed in event order after each command,\n"
    "without times unless --time, so a transcript stays the same from run to\n"
    "run. A FILE in place of on also appends the lines, with times, to FILE\n"
    "(a regular file). A TCP listener carries no data: trace the sessions it\n"
    "accepts. Needs no privilege (see capture for the packets).\n"
    "Example: trace 2 on\n"
    "Example: trace 2 /tmp/trace.txt --hex\n"
    "Example: trace 2 off\n",
    .pos = trace_pos,
    .opts = trace_opts,
    .opts_size = sizeof(struct trace_opts),
    .flags = CMD_ID | CMD_SESSION,
    .run = trace_run,
};
