/* cmds/capture — capture [ID|all|stop]: the real packets of a session,
 * live through libpcap (lib/capture), one line per packet at command
 * boundaries (shell/capture.c), or a packet ladder with --ladder; --file
 * writes a pcap as well. */
#include "cmds/sess.h"
#include "lib/capture.h"

#include <stddef.h>
#include <string.h>

struct capture_opts {
    const char *file;
    long long count;
    bool time, ladder;
};

static int capture_one(struct shell *sh, struct nr_session *s, const struct capture_opts *o)
{
    struct nr_cap_spec spec;
    char err[NR_ERRLEN];
    int id = nr_sess_id(s);
    if (sh_capture_spec(s, &spec, err, sizeof err) < 0)
        return cmd_error(sh, "[%d] %s", id, err);
    if (sh_capture_start(sh, id, &spec, o->file, o->count, o->time, o->ladder) != CMD_OK)
        return CMD_FAIL;
    sh_capture_describe(sh, id);
    return CMD_OK;
}

int sess_capture_new(struct shell *sh, struct nr_session *s, bool ladder)
{
    const struct capture_opts o = { .ladder = ladder };
    return capture_one(sh, s, &o);
}

static int capture_run(struct shell *sh, const struct cmd_call *c)
{
    const struct capture_opts *o = c->opts;
    const char *w = c->npos ? c->pos[0] : NULL;
    if (w && !strcmp(w, "stop")) {
        if (o->file || o->count || o->time || o->ladder)
            return cmd_usage(sh, "capture stop takes no options");
        int id = c->s ? nr_sess_id(c->s) : 0;
        int n = sh_capture_stop(sh, id);
        if (!n && id)
            return cmd_error(sh, "[%d] is not being captured", id);
        if (!n) {   /* nothing to stop: not an error, but not silence either */
            out_begin(sh, "capture_none");
            out_text(sh, "no capture running\n");
            out_end(sh);
        }
        return CMD_OK;
    }
    if (w && strcmp(w, "all"))
        return cmd_usage(sh, "%s: not all or stop", w);
    if (w && c->s)
        return cmd_usage(sh, "capture ID or capture all, not both");
    if (!w) {
        struct nr_session *s = c->s ? c->s : sess_arg(sh, NULL);
        return s ? capture_one(sh, s, o) : CMD_FAIL;
    }
    if (o->file)
        return cmd_usage(sh, "--file takes one session (capture ID --file F)");
    struct nr_sessions *t = sh_sessions(sh);
    size_t n = t ? nr_sess_count(t) : 0, done = 0;
    for (size_t i = 0; i < n; i++) {
        struct nr_session *s = nr_sess_at(t, i);
        struct nr_cap_spec spec;
        char err[NR_ERRLEN];
        if (sh_capture_spec(s, &spec, err, sizeof err) < 0 || nr_sess_released(s))
            continue;
        if (capture_one(sh, s, o) != CMD_OK)
            return CMD_FAIL;
        done++;
    }
    if (!done)
        return cmd_error(sh, "no TCP or UDP session to capture");
    return CMD_OK;
}

static const char *const capture_extra[] = { "all", "stop", NULL };
static const struct nr_pos capture_pos[] = {
    { "all|stop", POS_ENUM, capture_extra, POS_OPTIONAL | POS_OR_ID }, POS_END,
};
static const struct nr_opt capture_options[] = {
    { "--file", NULL, OPT_PATH, offsetof(struct capture_opts, file), 0, 0, "F.pcap",
      "also write the packets to a pcap file (tcpdump -r, Wireshark; or a FIFO a reader "
      "holds open: wireshark -k -i FIFO)", NULL, 0, 0 },
    { "--count", NULL, OPT_INT, offsetof(struct capture_opts, count), 1, 1e9, "N",
      "stop after N packets (the file, too, holds the first N)", NULL, 0, 0 },
    { "--time", NULL, OPT_FLAG, offsetof(struct capture_opts, time), 0, 0, NULL,
      "show the time since the capture started (always shown at the prompt)", NULL, 0, 0 },
    { "--ladder", NULL, OPT_FLAG, offsetof(struct capture_opts, ladder), 0, 0, NULL,
      "draw the packets as a ladder (a sequence diagram) instead of lines", NULL, 0, 0 },
    OPT_END,
};

const struct nr_cmd cmd_capture = {
    .name = "capture",
    .summary = "show a session's real packets, live (libpcap; needs CAP_NET_RAW)",
    .help =
    "Captures the packets of a session on the interface that carries it, with a\n"
    "filter built from its addresses (a listener: its port, so every client;\n"
    "UDP: also the ICMP errors about it). One line per packet: direction (>\n"
    "sent, < received), protocol, addresses, TCP flags in words (SYN, SYN+ACK,\n"
    "ACK, PSH+ACK, FIN+ACK, RST), sequence and acknowledgement numbers relative\n"
    "to the first seen (as Wireshark shows them), window and payload length;\n"
    "for ICMP the type in words. Lines appear above the prompt, or in a script\n"
    "after each command (times only with --time). The capture outlives the\n"
    "session, so the packets of close are seen. 'capture all' captures every\n"
    "TCP and UDP session; 'capture stop' stops every capture, 'capture ID stop'\n"
    "one, with the count of packets and kernel drops (with --file, the file's\n"
    "own: it is a second capture, of whole packets). dial and listen take\n"
    "--capture to start before the first packet.\n"
    "--ladder draws them instead as a packet ladder: the two ends as columns\n"
    "headed by their addresses (the session's end on the left), an arrow per\n"
    "packet in the direction it went, labelled with flags and relative\n"
    "seq/ack/len; labels shorten to fit the terminal before arrows go (see help\n"
    "ladder). dial and listen take --ladder too.\n"
    "At most 65536 packet lines wait for the next command boundary; more are\n"
    "counted and said.\n"
    "Example: capture 2 --file /tmp/s2.pcap\n"
    "Example: capture --ladder\n"
    "Example: capture stop\n",
    .pos = capture_pos,
    .opts = capture_options,
    .opts_size = sizeof(struct capture_opts),
    .flags = CMD_ID,
    .run = capture_run,
};
