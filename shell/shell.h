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
struct nr_sessions;
struct nr_session;
struct nr_vars;

struct shell {
    struct nr_loop *loop;
    struct nr_dns *dns;               /* created on first use (see sh_dns) */
    char *dns_servers;                /* --dns / NETREPL_DNS, or NULL */
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
    struct {
        int id;           /* the session attach shows live, 0 none */
        void (*fn)(void *arg, struct nr_session *s, int ev);
        void *arg;
    } tap;

    int json_depth;       /* printer state: nesting, and per level */
    bool json_first[16];  /* no member printed yet */
    char json_close[16];  /* the bracket that closes it */
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
 * and "key": value in JSON; a NULL fmt means JSON only, a NULL key text only. */
void out_begin(struct shell *sh, const char *kind);
void out_end(struct shell *sh);
void out_str(struct shell *sh, const char *key, const char *fmt, const char *v);
void out_int(struct shell *sh, const char *key, const char *fmt, long long v);
void out_uint(struct shell *sh, const char *key, const char *fmt, unsigned long long v);
void out_double(struct shell *sh, const char *key, const char *fmt, double v);
void out_bool(struct shell *sh, const char *key, const char *fmt, bool v);
void out_null(struct shell *sh, const char *key);
/* A number given as decimal digits (may exceed 64 bits, e.g. 2^128): JSON
 * writes it unquoted, text through fmt ("%s"). */
void out_num(struct shell *sh, const char *key, const char *fmt, const char *digits);
/* Untrusted bytes: text shows them escaped (see lib/escape: flags NR_ESC_*),
 * or raw when raw is set; JSON gives a string (invalid UTF-8 as \u00NN) and,
 * when the bytes are not clean UTF-8 text, also "KEY_base64" with them exactly. */
void out_data(struct shell *sh, const char *key, const void *p, size_t n, int flags, bool raw);
/* Text-only formatted output. */
void out_text(struct shell *sh, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Nested JSON arrays and objects (key NULL inside arrays). Text: nothing. */
void out_list_begin(struct shell *sh, const char *key);
void out_list_end(struct shell *sh);
void out_obj_begin(struct shell *sh, const char *key);
void out_obj_end(struct shell *sh);

/* Reports a failure of the running command as one line: "CMD: message"
 * (scripts: "netrepl: LINE: CMD: message" on stderr; JSON: {"error":…}).
 * Returns CMD_FAIL. */
int cmd_error(struct shell *sh, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A usage error: "CMD: message (usage: USAGE)". Returns CMD_FAIL. */
int cmd_usage(struct shell *sh, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* An asynchronous event (accepted, data arrived, peer closed) of session id:
 * printed above the prompt in interactive mode, dropped in scripts. With
 * --json one object: {"type":"notice","event":EVENT,"id":ID,"message":TEXT}. */
void sh_notice(struct shell *sh, const char *event, int id, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Flushes stdout (called before the loop blocks and before errors). */
void out_flush(struct shell *sh);

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

#endif
