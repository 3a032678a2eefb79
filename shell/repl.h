/* shell/repl — input loop for both modes and the readline glue. */
#ifndef NR_REPL_H
#define NR_REPL_H

#include "shell/shell.h"

/* Interactive mode: readline's callback interface on the event loop. */
int repl_interactive(struct shell *sh);
/* Scripted mode on a file descriptor (stdin pipe, file). */
int repl_script_fd(struct shell *sh, int fd, const char *name);
/* Prints a finished line of text above the prompt without disturbing what
 * the user is typing (interactive, prompt shown); else writes it to stdout. */
void repl_print_above(struct shell *sh, const char *text, size_t n);
/* The same for output printed through the printer in between: hides the
 * prompt line (when at it), then shows it again with what was typed. */
void repl_above_begin(struct shell *sh);
void repl_above_end(struct shell *sh);
/* Installs SIGINT/SIGWINCH/SIGPIPE handling on the loop (self-pipe). */
int repl_signals(struct shell *sh);

/* Lends standard input to a command (attach): fn gets its readiness until
 * repl_input_return(), which hands it back to the prompt. Interactive only. */
int repl_input_lend(struct shell *sh, nr_io_fn fn, void *arg);
void repl_input_return(struct shell *sh);

/* The shell readline's callbacks act on (readline passes no argument). */
struct shell *repl_shell(void);
/* readline's attempted-completion function (shell/complete.c). */
char **repl_complete(const char *text, int start, int end);

#endif
