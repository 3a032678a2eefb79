/* shell/shell — the shell's state, the command descriptor, and the one
 * printer every command writes through (text or JSON, see output.c). */
#ifndef NR_SHELL_H
#define NR_SHELL_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "lib/loop.h"
#include "lib/util.h"
#include "shell/cmd.h"
#include "shell/token.h"

struct shell;
struct nr_dns;
struct nr_dnspool;
struct nr_roothints_cache;
struct nr_sessions;
struct nr_session;
struct nr_vars;

struct shell {
    struct nr_loop *loop;
    struct nr_dns *dns;               /* created on first use (see sh_dns) */
    char *dns_servers;                /* --dns / NETREPL_DNS, or NULL */
    char *roothints;                  /* `dns roothints FILE` for lookup trace, or NULL */
    struct nr_dnspool *dnspool;       /* lookup trace's open channels, one a server (first use) */
    struct nr_roothints_cache *roothints_cache;   /* the hints file read last (lib/roothints) */
    struct nr_sessions *sessions;     /* live sockets (lib/session) */

    bool interactive;     /* readline on a terminal */
    bool json;            /* --json / set json on */
    bool keep_going;      /* -k */
    bool xtrace;          /* -x */
    bool quiet;           /* -q */
    bool color;           /* terminal and no NO_COLOR */
    bool waiting;         /* a command is running the loop (prompt hidden) */
    bool quit;
    int term_sig;         /* SIGTERM/SIGHUP arrived: leave, then die of it */

    volatile sig_atomic_t interrupted;   /* Ctrl-C while a command waits */

    const char *cmd;      /* name of the command running, for errors */
    const char *src;      /* script name for errors ("-" for stdin) */
    long line;            /* its line number */
    int depth;            /* source nesting */
    int failures;         /* commands that failed so far */
    int current;          /* current session id, 0 for none */
    int last_id;          /* $_: the session most recently created, 0 none */
    struct nr_vars *vars; /* let and expect captures (shell/expand.c: sh_vars) */
    struct nr_buf log;    /* the top-level commands that succeeded, one a line (save) */

    int muted_id;         /* the session a command is reading: no data notices */
    struct sh_trace *trace;   /* trace settings and held records (shell/trace.c) */
    struct sh_capture *capture;   /* live captures and held packets (shell/capture.c) */
    uint64_t wire_timer;      /* prints held trace records and packets when idle */
    struct {              /* data notices merged per session (shell/sessions.c) */
        struct sh_held {
            int id;
            bool dgram;
            size_t bytes, reads;   /* not yet announced; reads 0: announced */
        } v[32];
        int n;
        uint64_t timer;
    } held;
    struct nr_buf held_notices;  /* notices kept while a live view owns the screen */
    bool hold_notices;           /* sessions --watch runs: keep them (sh_notices_hold) */
    struct sh_progress *progress;   /* the progress line a command shows, or NULL */
    struct {
        int id;           /* the session attach shows live, 0 none */
        void (*fn)(void *arg, struct nr_session *s, int ev);
        void *arg;
    } tap;

    /* Printer state (shell/output.c): JSON nesting, one level per open
     * object or array. Levels live in json_inline up to its size and move to
     * the heap (json_heap) beyond; back to json_inline when a record ends. */
    int json_depth;
    struct out_level { bool first; char close; } json_inline[16], *json_heap;
    size_t json_cap;      /* levels json_heap holds, 0 none */
    int out_err;          /* errno of the first write error on stdout, 0 none */
};

/* ---- running lines and files (shell/cmdtab.c; the table is in shell/cmd.h) ---- */
/* Runs one input line (may hold several commands). Returns CMD_*. */
int sh_run_line(struct shell *sh, const char *line, size_t n);
/* Runs a script file as `source` does. Returns CMD_*. */
int sh_run_file(struct shell *sh, const char *path);

/* ---- variables and the session log (shell/expand.c) ---- */
/* The variables table, created on first use (NULL + error printed on ENOMEM). */
struct nr_vars *sh_vars(struct shell *sh);
/* The tokenizer's lookup (nr_var_fn) for a shell passed as arg: $_ is the
 * last session id, the rest come from sh->vars. */
int sh_var_lookup(void *arg, const char *name, size_t len, const char **val, size_t *vlen,
                  char *err, size_t errlen);
/* Notes that command c, typed as text[0..n), succeeded at the prompt (not
 * inside `source`), for `save`. */
void sh_log_command(struct shell *sh, const struct nr_cmd *c, const char *text, size_t n);
/* Frees the variables and the log (at exit). */
void sh_vars_free(struct shell *sh);
/* ---- input files (shell/files.c) ---- */
/* The longest input line, in bytes without its newline, everywhere: script
 * lines (a file, a pipe, -c), source, lookup -f and the prompt. 64 KiB is
 * far beyond any command a person types or a script needs (bulk data goes
 * through send --file) and small enough that input with no newline in sight
 * (a binary file, /dev/zero) is caught before it costs memory. */
#define SH_LINE_MAX 65536
/* Opens path with flags (O_RDONLY; O_WRONLY | O_APPEND | O_CREAT) if it is
 * a regular file, without blocking on a FIFO's other end: the descriptor,
 * or -1 with "PATH: not a regular file (a FIFO)" or the open error in err. */
int sh_open_file(const char *path, int flags, char *err, size_t errlen);
/* Opens path for reading if it is a regular file, without blocking (a FIFO
 * with no writer, a device). Otherwise reports "PREFIXPATH: not a regular
 * file (a FIFO)" or the open error through cmd_error and returns -1. */
int sh_open_regular(struct shell *sh, const char *prefix, const char *path);
/* The same as a stdio stream for sh_read_line (caller fcloses), or NULL. */
FILE *sh_open_lines(struct shell *sh, const char *prefix, const char *path);
/* Reads the next line of f into b without its newline (NUL-terminated,
 * b->len its length). Returns 1, 0 at the end, -1 for a line longer than
 * SH_LINE_MAX (read up to its newline, b empty), -2 on a read error or out
 * of memory (errno says which). */
int sh_read_line(FILE *f, struct nr_buf *b);

/* ---- waiting (shell/repl.c) ---- */
/* Runs the event loop until done(arg), the deadline (absolute, -1 none) or
 * Ctrl-C. While waiting the prompt is hidden and typing is held back. */
enum nr_wait sh_wait(struct shell *sh, nr_done_fn done, void *arg, int64_t deadline_us);
/* The terminal's width on fd, or 0 when fd is not a terminal. */
int sh_columns(int fd);
/* The resolver, created on first use with --dns/NETREPL_DNS servers. Prints
 * an error and returns NULL if c-ares cannot start. */
struct nr_dns *sh_dns(struct shell *sh);

/* ---- output (shell/output.c) ---- */
/* A result record: in JSON one object per line {"type": kind, ...}; in text
 * nothing by itself. Fields print their fmt (one conversion) in text mode
 * and "key": value in JSON; a NULL fmt means JSON only, a NULL key text only.
 * The out_* field calls are macros so that the compiler checks each format
 * literal against the value's type (see OUT_CHECK_ below). */
void out_begin(struct shell *sh, const char *kind);
void out_end(struct shell *sh);
/* A string from anywhere (peer addresses, names, DNS data, file names):
 * text mode shows it escaped as lib/escape's nr_escape_text does for peer
 * bytes (controls, bidi and invisible characters, the backslash), so it can
 * never steer the terminal; JSON escapes it as a JSON string. */
#define out_str(sh, key, fmt, v) \
    (OUT_CHECK_(fmt, "%s", (const char *)(v)), out_str_fn(sh, key, fmt, v))
/* The program's own text (help, usage): printed as it is. Never for
 * anything that came from outside. */
#define out_lit(sh, key, fmt, v) \
    (OUT_CHECK_(fmt, "%s", (const char *)(v)), out_lit_fn(sh, key, fmt, v))
#define out_int(sh, key, fmt, v) \
    (OUT_CHECK_(fmt, "%lld", (long long)(v)), out_int_fn(sh, key, fmt, v))
#define out_uint(sh, key, fmt, v) \
    (OUT_CHECK_(fmt, "%llu", (unsigned long long)(v)), out_uint_fn(sh, key, fmt, v))
/* JSON writes null for NaN and infinities (JSON has no such numbers). */
#define out_double(sh, key, fmt, v) \
    (OUT_CHECK_(fmt, "%g", (double)(v)), out_double_fn(sh, key, fmt, v))
/* Text: fmt gets "yes" or "no"; JSON: true or false. */
#define out_bool(sh, key, fmt, v) \
    (OUT_CHECK_(fmt, "%s", (const char *)""), out_bool_fn(sh, key, fmt, v))
/* A number given as decimal digits (may exceed 64 bits, e.g. 2^128): JSON
 * writes it unquoted, text through fmt ("%s"). */
#define out_num(sh, key, fmt, digits) \
    (OUT_CHECK_(fmt, "%s", (const char *)(digits)), out_num_fn(sh, key, fmt, digits))
void out_null(struct shell *sh, const char *key);
/* Untrusted bytes: text shows them escaped (see lib/escape: flags NR_ESC_*),
 * or raw when raw is set; JSON gives a string (invalid UTF-8 as \u00NN) and,
 * when the bytes are not clean UTF-8 text, also "KEY_base64" with them exactly. */
void out_data(struct shell *sh, const char *key, const void *p, size_t n, int flags, bool raw);
/* Bytes as hex: text a `hexdump -C` dump (offsets counted from base), JSON
 * "key": "68656c6c6f" (no separators). */
void out_hex(struct shell *sh, const char *key, const void *p, size_t n, size_t base);
/* Text-only formatted output. Arguments that came from outside go through
 * out_str instead (this prints them as they are). */
void out_text(struct shell *sh, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Nested JSON arrays and objects (key NULL inside arrays); any depth. Text:
 * nothing. */
void out_list_begin(struct shell *sh, const char *key);
void out_list_end(struct shell *sh);
void out_obj_begin(struct shell *sh, const char *key);
void out_obj_end(struct shell *sh);
/* s escaped as out_str shows it, into out (for columns sized by the caller).
 * Returns out->p, or "" when out of memory. */
const char *out_escaped(const char *s, struct nr_buf *out);

/* The functions behind the macros above; call them through the macros. */
void out_str_fn(struct shell *sh, const char *key, const char *fmt, const char *v);
void out_lit_fn(struct shell *sh, const char *key, const char *fmt, const char *v);
void out_int_fn(struct shell *sh, const char *key, const char *fmt, long long v);
void out_uint_fn(struct shell *sh, const char *key, const char *fmt, unsigned long long v);
void out_double_fn(struct shell *sh, const char *key, const char *fmt, double v);
void out_bool_fn(struct shell *sh, const char *key, const char *fmt, bool v);
void out_num_fn(struct shell *sh, const char *key, const char *fmt, const char *digits);
/* Compile-time only: never defined, never called (it sits inside sizeof),
 * but its format attribute makes gcc and clang check each call's format
 * literal against the value as the function will pass it to printf. A NULL
 * fmt (JSON only) is checked as dflt, which always fits; a fmt that is not a
 * literal is reported by -Wformat-nonliteral. */
int out_check_fmt_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#define OUT_CHECK_(fmt, dflt, v)                                                         \
    ((void)sizeof out_check_fmt_(                                                        \
        __builtin_choose_expr(__builtin_types_compatible_p(__typeof__(fmt), void *),     \
                              dflt, fmt), v))

/* Reports a failure of the running command as one line: "CMD: message"
 * (scripts: "netrepl: LINE: CMD: message" on stderr; JSON: {"error":…}).
 * Returns CMD_FAIL. */
int cmd_error(struct shell *sh, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "CMD: ARG: message" where ARG is p[0..len), any bytes (a NUL included,
 * shown as \0). Returns CMD_FAIL. */
int cmd_error_at(struct shell *sh, const void *p, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* A usage error: "CMD: message (usage: USAGE)". Returns CMD_FAIL. */
int cmd_usage(struct shell *sh, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* An asynchronous event (accepted, data arrived, peer closed) of session id:
 * printed above the prompt in interactive mode, dropped in scripts. With
 * --json one object: {"type":"notice","event":EVENT,"id":ID,"message":TEXT}. */
void sh_notice(struct shell *sh, const char *event, int id, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* While on, notices are kept (up to 64 KiB, then counted) instead of
 * printed; turning it off prints what was kept, oldest first. */
void sh_notices_hold(struct shell *sh, bool on);
/* Flushes stdout (called before the loop blocks and before errors). */
void out_flush(struct shell *sh);
/* True once a write to stdout failed (the reader went away, disk full): the
 * printer then records the errno in sh->out_err, sets sh->interrupted so a
 * waiting command stops as with Ctrl-C, and sh->quit so no further command
 * runs; errors are no longer reported one by one (main says why, once). */
bool out_failed(struct shell *sh);

/* ---- options (shell/options.c) ---- */
/* Splits a command's words into its options (parsed into call->opts, bits
 * in call->given) and positional words (pos, poslen: room for a->argc).
 * Reports errors through cmd_usage and returns -1. "--" ends options. */
int opt_split(struct shell *sh, const struct nr_cmd *c, const struct nr_args *a,
              struct cmd_call *call, const char **pos, size_t *poslen);

/* ---- completion (shell/complete.c) ---- */
/* Calls add(arg, word) for every candidate for `text`, the word that starts
 * at `start` in line (generated from the command table; readline-free, so
 * unit tests call it). *files: file names fit here too. */
void cmd_complete(struct shell *sh, const char *line, int start, const char *text,
                  void (*add)(void *arg, const char *w), void *arg, bool *files);

/* ---- sessions as the shell sees them (shell/sessions.c) ---- */
/* The shell's session table, created on first use (NULL + error printed on
 * ENOMEM). Freed by main() with nr_sessions_free(). */
struct nr_sessions *sh_sessions(struct shell *sh);
/* A session from an ID word ("3", "[3]"), or the current one when word is
 * NULL. Prints an error naming the word and returns NULL when there is none. */
struct nr_session *sess_arg(struct shell *sh, const char *word);
/* True when w looks like a session id ("3" or "[3]"). */
bool sess_is_id(const char *w);
/* Closes every session (Unix listeners remove their files) and says what
 * was closed ("closed 4 sessions, 2 of them listeners"); nothing if none. */
void sh_close_all(struct shell *sh);
/* Data notices for session id are held back (a command is reading it; 0 none). */
void sh_mute(struct shell *sh, int id);
/* Hands every event of session id to fn instead of a notice (attach);
 * id 0 removes the tap. ev is an enum nr_sess_event. */
typedef void (*sh_tap_fn)(void *arg, struct nr_session *s, int ev);
void sh_tap(struct shell *sh, int id, sh_tap_fn fn, void *arg);

/* ---- trace (shell/trace.c) ---- */
/* Turns the trace of s on (replacing its settings) or off. path: the
 * records also go to that file (appended). Returns 0 or -1 with err. */
int sh_trace_set(struct shell *sh, struct nr_session *s, bool on, bool hex, bool time,
                 const char *path, char *err, size_t errlen);
bool sh_traced(const struct shell *sh, int id);
/* Prints the held trace records (a command boundary; above the prompt when
 * idle at a terminal). */
void sh_trace_flush(struct shell *sh);
void sh_trace_free(struct shell *sh);
/* Something was held: print it soon when idle at the prompt. */
void sh_wire_kick(struct shell *sh);

/* ---- capture (shell/capture.c) ---- */
struct nr_cap_spec;
struct nr_pkt;
/* What to capture for s (-1 with err for a Unix session). */
int sh_capture_spec(const struct nr_session *s, struct nr_cap_spec *spec, char *err,
                    size_t errlen);
/* Starts (or restarts) the capture of session id. Returns CMD_OK, or
 * CMD_FAIL after printing why (CAP_NET_RAW missing: the fix in one line). */
int sh_capture_start(struct shell *sh, int id, const struct nr_cap_spec *spec,
                     const char *file, long long count, bool time, bool ladder);
/* Narrows the capture of s to its addresses now (after a dial connected). */
int sh_capture_refine(struct shell *sh, struct nr_session *s);
/* "[ID] capturing on lo: FILTER". */
void sh_capture_describe(struct shell *sh, int id);
/* Stops the capture of id (0: all), printing what is left and a summary.
 * Returns how many were stopped. */
int sh_capture_stop(struct shell *sh, int id);
/* Drops the packets kept for id (ladder ID): the id was given back. */
void sh_capture_forget(struct shell *sh, int id);
bool sh_captured(const struct shell *sh, int id);
/* Reads what the kernel holds (a command boundary); prints held packets. */
void sh_capture_drain(struct shell *sh);
/* One packet's line (id 0: indented, no session: a ping's packets). */
void sh_packet_line(struct shell *sh, int id, bool time, const struct nr_pkt *p);
/* Why a live capture was refused for want of privilege, and the fix. */
#define SH_CAPTURE_PERM "live capture needs CAP_NET_RAW: run as root, or sudo setcap " \
    "cap_net_raw,cap_net_admin=eip $(command -v netrepl) (trace needs no privilege)"
void sh_capture_print(struct shell *sh);
void sh_capture_free(struct shell *sh);
/* The packets captured for session id (0: the latest capture's), kept
 * after the capture and the session end: *v[0..*n), and *over not kept
 * (too many). Returns the id, or 0 when id was never captured. */
struct nr_pkt;
int sh_capture_packets(struct shell *sh, int id, const struct nr_pkt **v, size_t *n,
                       uint64_t *over);
/* `ladder`: the packets kept for id (0: the latest capture's) as packet
 * ladders, one per connection, times when asked; JSON: the packets.
 * Returns CMD_*. */
int sh_capture_ladder(struct shell *sh, int id, bool time);

#endif
