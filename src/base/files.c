#include "base/files.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *kind(mode_t mode)
{
    if (S_ISDIR(mode))
        return "a folder";
    if (S_ISFIFO(mode))
        return "a FIFO";
    if (S_ISCHR(mode))
        return "a character device";
    if (S_ISBLK(mode))
        return "a block device";
    if (S_ISSOCK(mode))
        return "a socket";
    return "not a regular file";
}

cocob_status cocob_file_open_read(cocob_error *err, const char *path, const char *what,
                                  FILE **out, uint64_t *size)
{
    *out = NULL;
    if (!path || !*path)
        return cocob_fail(err, COCOB_ERR_IO, "the %s's path is empty", what);
    /* O_NONBLOCK: opening a FIFO for reading would otherwise wait for a
     * writer for ever; it is refused below by its type. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return cocob_fail(err, COCOB_ERR_IO, "cannot open the %s %s: %s", what, path,
                          strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return cocob_fail(err, COCOB_ERR_IO, "cannot read the %s %s: %s", what, path,
                          strerror(e));
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return cocob_fail(err, COCOB_ERR_IO, "the %s %s is %s, not a regular file", what, path,
                          kind(st.st_mode));
    }
    int flags = fcntl(fd, F_GETFL);
    FILE *f = flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0 ? NULL : fdopen(fd, "rb");
    if (!f) {
        int e = errno;
        close(fd);
        return cocob_fail(err, COCOB_ERR_IO, "cannot read the %s %s: %s", what, path,
                          strerror(e));
    }
    *out = f;
    *size = (uint64_t)st.st_size;
    return COCOB_OK;
}

cocob_status cocob_file_check_writable(cocob_error *err, const char *path, const char *what)
{
    /* An empty path would pass for a new file in the current folder, and
     * fail only at the first save, an epoch later. */
    if (!path || !*path)
        return cocob_fail(err, COCOB_ERR_IO, "the %s's path is empty", what);
    struct stat st;
    if (stat(path, &st) == 0) {
        if (!S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode))
            return cocob_fail(err, COCOB_ERR_IO, "cannot write the %s %s: it is %s", what, path,
                              kind(st.st_mode));
        if (access(path, W_OK) != 0)
            return cocob_fail(err, COCOB_ERR_IO, "cannot write the %s %s: %s", what, path,
                              strerror(errno));
        if (S_ISCHR(st.st_mode))
            return COCOB_OK;
    } else if (errno != ENOENT) {
        return cocob_fail(err, COCOB_ERR_IO, "cannot write the %s %s: %s", what, path,
                          strerror(errno));
    }
    /* A new or replaced file is made in its folder (checkpoints are written
     * beside it and renamed), so the folder must take a new file. */
    const char *slash = strrchr(path, '/');
    size_t n = slash ? (size_t)(slash - path) : 0;
    char *dir = malloc(n + 2);
    if (!dir)
        return cocob_fail(err, COCOB_ERR_OUT_OF_MEMORY, "out of host memory checking %s", path);
    if (!slash)
        strcpy(dir, ".");
    else if (n == 0)
        strcpy(dir, "/");
    else {
        memcpy(dir, path, n);
        dir[n] = '\0';
    }
    cocob_status s = COCOB_OK;
    if (stat(dir, &st) != 0)
        s = cocob_fail(err, COCOB_ERR_IO, "cannot write the %s %s: its folder %s: %s", what, path,
                       dir, strerror(errno));
    else if (!S_ISDIR(st.st_mode))
        s = cocob_fail(err, COCOB_ERR_IO, "cannot write the %s %s: %s is not a folder", what,
                       path, dir);
    else if (access(dir, W_OK | X_OK) != 0)
        s = cocob_fail(err, COCOB_ERR_IO, "cannot write the %s %s: its folder %s: %s", what, path,
                       dir, strerror(errno));
    free(dir);
    return s;
}
