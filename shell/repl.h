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
/* Installs signal handling on the loop (self-pipe): SIGINT cancels,
 * SIGWINCH redraws, SIGTSTP/SIGCONT give the terminal back and take it
 * again, SIGTERM/SIGHUP end the shell cleanly (sh->term_sig); SIGPIPE is
 * ignored. */
int repl_signals(struct shell *sh);

/* While the line editor is on screen (the prompt, or attach's line):
 * hide clears the line being typed (prompt included) so output can go
 * there; show draws it again below the output, with new_prompt instead of
 * the old prompt unless NULL. Both do nothing when the editor is not shown. */
void repl_line_hide(struct shell *sh);
void repl_line_show(struct shell *sh, const char *new_prompt);

/* Lends the line editor to a command (attach) while it waits: each line
 * typed goes to line(arg, text) (text NULL: Ctrl-D on an empty line; the
 * text is the editor's, valid during the call), Ctrl-] calls escape(arg).
 * Output printed between repl_line_hide/show keeps the line being typed.
 * repl_lines_return() drops the unsent text (returns its length), clears
 * it from the screen and gives the terminal back to the prompt. */
#define REPL_ESCAPE_KEY 0x1d   /* Ctrl-], telnet's escape */
typedef void (*repl_line_fn)(void *arg, const char *line);
typedef void (*repl_key_fn)(void *arg);
void repl_lines_lend(struct shell *sh, const char *first_prompt, repl_line_fn line,
                     repl_key_fn escape, void *arg);
size_t repl_lines_return(struct shell *sh);

/* Lends the terminal's keys, unedited, to a command that waits for one
 * (sessions --watch): fn is called when stdin is readable.
 * repl_input_return() gives them back to the prompt. */
int repl_input_lend(struct shell *sh, nr_io_fn fn, void *arg);
void repl_input_return(struct shell *sh);

/* The history file (shell/history.c): open loads it ($XDG_STATE_HOME/
 * netrepl/history), add records a line that ran and appends it to the
 * file at once, close trims the file and forgets it. */
void sh_history_open(void);
void sh_history_add(const char *line);
void sh_history_close(void);

/* The shell readline's callbacks act on (readline passes no argument). */
struct shell *repl_shell(void);
/* readline's attempted-completion function (shell/complete.c). */
char **repl_complete(const char *text, int start, int end);

#endif
