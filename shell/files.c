/* shell/files — reading the files commands name (source, lookup -f, send
 * --file): only regular files, so nothing blocks the event loop (a FIFO
 * without a writer) or grows without end (/dev/zero); lines bounded by
 * SH_LINE_MAX, the one limit every input line has. */
#include "shell/shell.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *kind(mode_t m)
{
    if (S_ISFIFO(m)) return "a FIFO";
    if (S_ISCHR(m)) return "a character device";
    if (S_ISBLK(m)) return "a block device";
    if (S_ISSOCK(m)) return "a socket";
    return "not a plain file";
}

int sh_open_regular(struct shell *sh, const char *prefix, const char *path)
{
    /* O_NONBLOCK: opening a FIFO must not wait for a writer. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0)
        return cmd_error(sh, "%s%s: %s", prefix, path, strerror(errno)), -1;
    struct stat st;
    if (fstat(fd, &st) < 0) {
        int e = errno;
        close(fd);
        return cmd_error(sh, "%s%s: %s", prefix, path, strerror(e)), -1;
    }
    if (S_ISDIR(st.st_mode)) {
        close(fd);
        return cmd_error(sh, "%s%s: is a directory", prefix, path), -1;
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return cmd_error(sh, "%s%s: not a regular file (%s)", prefix, path,
                         kind(st.st_mode)), -1;
    }
    return fd;
}

FILE *sh_open_lines(struct shell *sh, const char *prefix, const char *path)
{
    int fd = sh_open_regular(sh, prefix, path);
    if (fd < 0)
        return NULL;
    FILE *f = fdopen(fd, "r");
    if (!f) {
        int e = errno;
        close(fd);
        cmd_error(sh, "%s%s: %s", prefix, path, strerror(e));
    }
    return f;
}

int sh_read_line(FILE *f, struct nr_buf *b)
{
    int c;
    bool any = false, too_long = false;
    b->len = 0;
    while ((c = getc_unlocked(f)) != EOF) {
        any = true;
        if (c == '\n')
            break;
        if (b->len >= SH_LINE_MAX) {
            too_long = true;   /* read on to the newline, keep nothing */
            continue;
        }
        unsigned char ch = (unsigned char)c;
        if (nr_buf_add(b, &ch, 1) < 0)
            return -2;
    }
    if (c == EOF && ferror(f))
        return -2;
    if (!any)
        return 0;
    if (too_long) {
        b->len = 0;
        return -1;
    }
    return nr_buf_add(b, "", 0) < 0 ? -2 : 1;
}
