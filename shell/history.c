/* shell/history — the prompt's history file. Each line is appended to the
 * file as it runs (not written out at exit), so a closed terminal or a
 * killed shell loses nothing, and shells running side by side keep each
 * other's lines instead of overwriting them; the file is read back at
 * start and kept near HIST_MAX lines. */
#include "shell/repl.h"

#include <fcntl.h>
#include <readline/history.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { HIST_MAX = 1000 };

static char *hist_path;   /* NULL: no history file */

static char *history_path(void)
{
    const char *st = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
    char dir[4096];
    if (st && *st)
        snprintf(dir, sizeof dir, "%s/netrepl", st);
    else if (home && *home)
        snprintf(dir, sizeof dir, "%s/.local/state/netrepl", home);
    else
        return NULL;
    /* mkdir -p, quietly: no history is better than no shell. */
    for (char *p = dir + 1; *p; p++) {
        if (*p == '/') {
            *p = 0;
            mkdir(dir, 0700);
            *p = '/';
        }
    }
    mkdir(dir, 0700);
    char *path = malloc(strlen(dir) + 9);
    if (path)
        sprintf(path, "%s/history", dir);
    return path;
}

void sh_history_open(void)
{
    hist_path = history_path();
    stifle_history(HIST_MAX);
    if (!hist_path)
        return;
    /* append_history() needs the file to exist. */
    int fd = open(hist_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd >= 0)
        close(fd);
    read_history(hist_path);
}

void sh_history_add(const char *line)
{
    add_history(line);
    if (!hist_path)
        return;
    static int since_trim;
    append_history(1, hist_path);
    if (++since_trim >= 64) {   /* keep the file near HIST_MAX lines */
        history_truncate_file(hist_path, HIST_MAX);
        since_trim = 0;
    }
}

void sh_history_close(void)
{
    if (hist_path)
        history_truncate_file(hist_path, HIST_MAX);
    free(hist_path);
    hist_path = NULL;
}
