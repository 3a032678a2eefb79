/* cmds/ladder — ladder [ID]: the packets already captured for a session
 * (kept after the capture and the session end) drawn as a packet ladder,
 * a sequence diagram of each connection (shell/capture.c, shell/ladder.c). */
#include "cmds/sess.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

struct ladder_opts {
    bool time;
};

static int ladder_run(struct shell *sh, const struct cmd_call *c)
{
    const struct ladder_opts *o = c->opts;
    int id = 0;
    if (c->npos) {
        const char *w = c->pos[0], *d = w + (*w == '[');
        long long v;
        if (!sess_is_id(w) || nr_parse_ll(strndupa(d, strcspn(d, "]")), 1, 1 << 30, &v,
                                          NULL, 0) < 0)
            return cmd_usage(sh, "%s: not a session id", w);
        id = (int)v;
    } else if (sh->current) {   /* the current session's, when it was captured */
        const struct nr_pkt *v;
        size_t n;
        uint64_t over;
        if (sh_capture_packets(sh, sh->current, &v, &n, &over))
            id = sh->current;
    }
    return sh_capture_ladder(sh, id, o->time || sh->interactive);
}

static const struct nr_pos ladder_pos[] = {
    { "ID", POS_SESSION, NULL, POS_OPTIONAL },
    POS_END,
};

static const struct nr_opt ladder_options[] = {
    { "--time", NULL, OPT_FLAG, offsetof(struct ladder_opts, time), 0, 0, NULL,
      "show each packet's time (always shown at the prompt)", NULL, 0, 0 },
    OPT_END,
};

const struct nr_cmd cmd_ladder = {
    .name = "ladder",
    .summary = "draw a session's captured packets as a sequence diagram",
    .help =
    "The packets captured for session ID (capture, dial --capture, listen\n"
    "--capture; kept after the capture and the session end, up to 10000 for\n"
    "each of the 64 sessions captured last) as a\n"
    "packet ladder: the two ends as columns headed by their addresses (the\n"
    "session's end on the left), one arrow per packet in the direction it\n"
    "travelled, labelled with its flags and relative seq/ack/len (SYN, SYN+ACK\n"
    "ack=1, PSH+ACK seq=1 ack=1 len=6, FIN+ACK, RST), and the time since the\n"
    "first packet on the left (at the prompt, or with --time). A listener's\n"
    "clients get a ladder each. It fits the terminal: labels are shortened (ack,\n"
    "seq, length, then one-letter flags), then long addresses, before the arrows\n"
    "give way to a line per packet. Line-drawing characters on a UTF-8\n"
    "terminal, ASCII otherwise (TERM=dumb, a file, a pipe; 80 columns there).\n"
    "ID defaults to the current session when it was captured, else the latest\n"
    "capture. With --json: the packets, as capture shows them.\n"
    "Example: ladder 2\n",
    .pos = ladder_pos,
    .opts = ladder_options,
    .opts_size = sizeof(struct ladder_opts),
    .run = ladder_run,
};
