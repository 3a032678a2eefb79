/* shell/cmd — the command contract. A command is one `struct nr_cmd` in its
 * cmds/ file: name, summary, help text, positional arguments, an option
 * table, precondition flags and the handler. Everything else is generated
 * from it in shell/: option parsing and validation (cmd_run), the usage
 * line, the options part of `help CMD`, and Tab completion. No handler
 * parses options itself. */
#ifndef NR_CMD_H
#define NR_CMD_H

#include <stdbool.h>
#include <stddef.h>

#include "shell/token.h"

struct shell;
struct nr_session;

/* Handlers return one of these. */
enum { CMD_OK = 0, CMD_FAIL = 1, CMD_QUIT = 2 };

/* What an option takes, and so how it is parsed and completed. */
enum opt_kind {
    OPT_FLAG,      /* bool: present or not */
    OPT_INT,       /* long long in [min, max] */
    OPT_NUM,       /* double in [min, max] */
    OPT_SECONDS,   /* int64_t microseconds; seconds in [min, max] */
    OPT_STR,       /* const char *: the word as given (NUL-terminated) */
    OPT_PATH,      /* const char *: a file name (completes files) */
    OPT_ENUM,      /* int: the index of the value in `values` */
    OPT_SESSION,   /* int: a session id ("3" or "[3]"; completes live ids) */
};

/* Option flags: preconditions checked by cmd_run against the [ID] session. */
enum {
    OPTF_STREAM = 1,   /* only for stream sessions (TCP, Unix stream) */
    OPTF_DGRAM = 2,    /* only for datagram sessions (UDP, unixgram) */
};

struct nr_opt {
    const char *name;            /* "--timeout", "-c", "+tcp" */
    const char *alias;           /* a second spelling ("-W", "--line"), or NULL */
    enum opt_kind kind;
    size_t off;                  /* where the value goes: offsetof(opts struct, field) */
    double min, max;             /* OPT_INT, OPT_NUM, OPT_SECONDS range */
    const char *arg;             /* the value's name in usage and help ("S", "FILE") */
    const char *help;            /* one line for `help CMD` */
    const char *const *values;   /* OPT_ENUM: the words, NULL-terminated */
    unsigned group;              /* options of one non-zero group exclude each other */
    unsigned flags;              /* OPTF_* */
};

/* What a positional argument is, for usage and completion. */
enum pos_kind {
    POS_WORD,      /* free text: nothing to complete */
    POS_ENUM,      /* one of `values` */
    POS_SESSION,   /* a session id (and `values`, e.g. all, none) */
    POS_PATH,      /* a file name */
    POS_COMMAND,   /* a command name */
    POS_RTYPE,     /* a DNS record type (and `values`) */
    POS_SERVICE,   /* host:port where the port may be a service name */
};

enum {
    POS_OPTIONAL = 1,   /* may be left out: [NAME] */
    POS_REPEAT = 2,     /* takes the rest: NAME... */
    POS_HIDDEN = 4,     /* not shown in usage (the words after a sub-word) */
    POS_OR_ID = 8,      /* a word in place of the [ID]: usage shows [ID|all] */
};

struct nr_pos {
    const char *name;            /* "NET", "ID|all"; NULL: the values joined by | */
    enum pos_kind kind;
    const char *const *values;   /* POS_ENUM words; extra words for the others */
    unsigned flags;              /* POS_* */
};

/* Command flags: preconditions checked centrally before the handler runs. */
enum {
    CMD_ID = 1,            /* the first word may be a session id: [ID] */
    CMD_SESSION = 2,       /* needs a session: [ID] or the current one */
    CMD_INTERACTIVE = 4,   /* needs the prompt on a terminal */
    CMD_ARITY_SELF = 8,    /* the handler checks for missing words itself */
    CMD_RAW_ARGS = 16,     /* no option parsing: every word is positional */
};

enum { CMD_MAXPOS = 256 };

/* What a handler gets: the words as typed, the positional words (after
 * options and the [ID] were taken out), the filled options struct, and the
 * session ([ID] given, or the current one) when the command takes one. */
struct cmd_call {
    const struct nr_args *args;
    int npos;
    const char *const *pos;
    const size_t *poslen;
    const char *id_word;         /* the [ID] word as typed, or NULL */
    struct nr_session *s;        /* CMD_SESSION: never NULL; CMD_ID: may be */
    void *opts;                  /* the command's options, defaults filled in */
    unsigned long long given;    /* bit i: option i of the table was given */
};

struct nr_cmd {
    const char *name;
    const char *alias;           /* another exact name ("ls"), or NULL */
    const char *summary;         /* one line for `help` */
    const char *help;            /* what it does, then "Example:" lines */
    const struct nr_pos *pos;    /* positional arguments in order, ends with { NULL, 0 } */
    const struct nr_opt *opts;   /* NULL, or ends with { NULL } */
    size_t opts_size;            /* sizeof the options struct */
    const void *opts_init;       /* its defaults (NULL: all zero) */
    unsigned flags;              /* CMD_* */
    int (*run)(struct shell *sh, const struct cmd_call *c);
    /* CMD_ID commands whose first word can be data too (send 42): says
     * whether the first positional word is the session id. NULL: it is
     * whenever it looks like one. */
    bool (*id_first)(const struct shell *sh, const struct cmd_call *c);
    /* Extra completion for positional word argi (0-based, [ID] included as
     * typed), given the words before it; NULL: from pos[]. */
    void (*complete)(struct shell *sh, int argi, const char *const *words, int nwords,
                     void (*add)(const char *w));
};

/* Sentinels for the tables. */
#define OPT_END { NULL, NULL, 0, 0, 0, 0, NULL, NULL, NULL, 0, 0 }
#define POS_END { NULL, 0, NULL, 0 }

/* ---- the table (shell/cmdtab.c) ---- */
const struct nr_cmd *cmd_find(const char *name);
/* The closest command name within two edits, or NULL. */
const char *cmd_nearest(const char *name);
/* All commands, sorted by name, NULL-terminated. */
const struct nr_cmd *const *cmd_all(void);
/* The usage line generated from the descriptor: "dial NET ADDR [--timeout S] …". */
const char *cmd_usage_line(const struct nr_cmd *c);
/* Prints a command's usage, summary, help, options and examples. */
int cmd_show_help(struct shell *sh, const struct nr_cmd *c);
/* Runs one tokenized command: options, [ID], preconditions, handler. */
int cmd_run(struct shell *sh, const struct nr_args *a);
/* True when the option was given on this call (flags, or any value). */
bool cmd_given(const struct cmd_call *c, const char *name);

#endif
