/* cmds/watch — the live session view (sessions --watch). */
#ifndef NR_CMDS_WATCH_H
#define NR_CMDS_WATCH_H

#include <stdint.h>

struct shell;

/* Redraws the session table every period_us until a key or Ctrl-C
 * (interactive terminal only; the caller checks). Returns CMD_*. */
int sessions_watch(struct shell *sh, int64_t period_us);

#endif
