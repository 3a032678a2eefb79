/* cmds/save — writes the commands typed at the prompt that succeeded as a
 * script, so an exploration becomes a replayable demo: `netrepl FILE`. */
#include "shell/shell.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct save_opts {
    bool force;
};

static size_t count_lines(const struct nr_buf *b)
{
    size_t n = 0;
    for (size_t i = 0; i < b->len; i++)
        n += b->p[i] == '\n';
    return n;
}

static int write_all(int fd, const void *p, size_t n)
{
    const char *c = p;
    while (n) {
        ssize_t w = write(fd, c, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -1;
        c += w;
        n -= (size_t)w;
    }
    return 0;
}

static int save_run(struct shell *sh, const struct cmd_call *c)
{
    const struct save_opts *o = c->opts;
    const char *path = c->pos[0];
    size_t n = count_lines(&sh->log);
    char head[512], when[64];
    time_t now = time(NULL);
    struct tm tm;
    strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S UTC", gmtime_r(&now, &tm));
    int hl = snprintf(head, sizeof head,
                      "# Saved by netrepl %s on %s from an interactive session:\n"
                      "# the %zu command%s typed at the prompt that succeeded, in order.\n"
                      "# Replay: netrepl %s\n",
                      NETREPL_VERSION, when, n, n == 1 ? "" : "s", path);
    int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (o->force ? O_TRUNC : O_EXCL), 0644);
    if (fd < 0 && errno == EEXIST)
        return cmd_error(sh, "%s: exists (--force replaces it)", path);
    if (fd < 0)
        return cmd_error(sh, "%s: %s", path, strerror(errno));
    if (write_all(fd, head, (size_t)hl) < 0 || write_all(fd, sh->log.p, sh->log.len) < 0) {
        int e = errno;
        close(fd);
        return cmd_error(sh, "%s: %s", path, strerror(e));
    }
    if (close(fd) < 0)
        return cmd_error(sh, "%s: %s", path, strerror(errno));
    out_begin(sh, "save");
    out_uint(sh, "commands", "saved %llu ", n);
    out_str(sh, "file", n == 1 ? "command to %s\n" : "commands to %s\n", path);
    out_end(sh);
    return CMD_OK;
}

static const struct nr_pos save_pos[] = { { "FILE", POS_PATH, NULL, 0 }, POS_END };

static const struct nr_opt save_options[] = {
    { "--force", "-f", OPT_FLAG, offsetof(struct save_opts, force), 0, 0, NULL,
      "replace FILE when it exists", NULL, 0, 0 },
    OPT_END,
};

const struct nr_cmd cmd_save = {
    .name = "save",
    .summary = "write the commands typed so far that succeeded as a script",
    .help =
    "Writes the commands typed at the prompt in this session that succeeded,\n"
    "in order and as typed ($NAME and $_ unexpanded, so they expand again),\n"
    "to FILE under a header comment saying when and from what. Failed commands,\n"
    "attach, history and save itself are left out. Replay it with\n"
    "'netrepl FILE' or 'source FILE'. Only at the prompt.\n"
    "Example: save demo.nr\n"
    "Example: save --force /tmp/smtp.nr\n",
    .pos = save_pos,
    .opts = save_options,
    .opts_size = sizeof(struct save_opts),
    .flags = CMD_INTERACTIVE,
    .run = save_run,
};
