/* shell/files — reading the files commands name (source, lookup -f, send
 * --file) and writing them (trace FILE): only regular files, so nothing
 * blocks the event loop (a FIFO without its other end) or grows without end
 * (/dev/zero) or fails every write unseen (/dev/full); lines bounded by
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

int sh_open_file(const char *path, int flags, char *err, size_t errlen)
{
    /* O_NONBLOCK: opening a FIFO must not wait for its other end. */
    int fd = open(path, flags | O_CLOEXEC | O_NONBLOCK | O_NOCTTY, 0644);
    if (fd < 0 && errno == ENXIO)   /* a FIFO nobody reads, opened for writing */
        return nr_err(err, errlen, "%s: not a regular file (a FIFO)", path);
    if (fd < 0 && errno == EISDIR)
        return nr_err(err, errlen, "%s: is a directory", path);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        return nr_err(err, errlen, "%s: %s", path, strerror(e));
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        if (S_ISDIR(st.st_mode))
            return nr_err(err, errlen, "%s: is a directory", path);
        return nr_err(err, errlen, "%s: not a regular file (%s)", path, kind(st.st_mode));
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    return fd;
}

int sh_open_regular(struct shell *sh, const char *prefix, const char *path)
{
    char err[NR_ERRLEN];
    int fd = sh_open_file(path, O_RDONLY, err, sizeof err);
    if (fd < 0)
        cmd_error(sh, "%s%s", prefix, err);
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
