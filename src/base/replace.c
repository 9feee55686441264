/* realpath is XSI, beyond the POSIX level the build asks for. */
#define _XOPEN_SOURCE 700

#include "base/replace.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "base/checked.h"

static cocob_status io_fail(cocob_error *err, const char *what, const char *path,
                            const char *doing)
{
    return cocob_fail(err, COCOB_ERR_IO, "%s %s: %s: %s", what, path, doing, strerror(errno));
}

/* The folder of path, in a new string; "." when it has none. */
static char *folder_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return strdup(".");
    size_t n = slash == path ? 1 : (size_t)(slash - path);
    char *dir = malloc(n + 1);
    if (dir) {
        memcpy(dir, path, n);
        dir[n] = '\0';
    }
    return dir;
}

/* Removes <name>.tmp.<pid>.<n> (and <name>.tmp.<pid>, as saves before
 * the counter named them) beside target for every pid that no longer runs:
 * what a save killed between creating and renaming its temporary file
 * leaves behind. A pid that runs (maybe a save under way in another
 * process) keeps its file; so does one this process may not signal. */
static void remove_stale(const char *dir, const char *target)
{
    const char *slash = strrchr(target, '/');
    const char *name = slash ? slash + 1 : target;
    size_t n = strlen(name);
    DIR *d = opendir(dir);
    if (!d)
        return;
    int dfd = dirfd(d);
    for (struct dirent *e; (e = readdir(d));) {
        const char *tail = e->d_name + n;
        if (strncmp(e->d_name, name, n) != 0 || strncmp(tail, ".tmp.", 5) != 0)
            continue;
        char *end;
        errno = 0;
        long pid = strtol(tail + 5, &end, 10);
        if (tail[5] < '1' || tail[5] > '9' || errno || pid > INT_MAX || (pid_t)pid == getpid())
            continue;
        if (*end == '.' && end[1] >= '0' && end[1] <= '9')
            end += 1 + strspn(end + 1, "0123456789");
        if (*end)
            continue;
        if (kill((pid_t)pid, 0) == -1 && errno == ESRCH)
            unlinkat(dfd, e->d_name, 0);
    }
    closedir(d);
}

static cocob_status write_all(cocob_error *err, const char *what, const char *tmp, int fd,
                              const unsigned char *p, size_t len)
{
    for (size_t done = 0; done < len;) {
        ssize_t w = write(fd, p + done, len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            if (w == 0)
                errno = EIO;
            return io_fail(err, what, tmp, "cannot write");
        }
        done += (size_t)w;
    }
    return COCOB_OK;
}

cocob_status cocob_file_replace(cocob_error *err, const char *path, const char *what,
                                const void *data, size_t len)
{
    /* A symlink is followed to the file it names, which is what changes;
     * a path that does not resolve (not there yet) is written as given. */
    char *target = realpath(path, NULL);
    if (!target && !(target = strdup(path)))
        return cocob_fail(err, COCOB_ERR_OUT_OF_MEMORY, "%s %s: out of host memory", what, path);
    char *dir = folder_of(target);
    size_t n = 0;
    char *tmp = size_add(strlen(target), 64, &n) ? malloc(n) : NULL;
    if (!dir || !tmp) {
        free(target);
        free(dir);
        free(tmp);
        return cocob_fail(err, COCOB_ERR_OUT_OF_MEMORY, "%s %s: out of host memory", what, path);
    }
    /* The counter tells apart saves under way in one process, in threads
     * of their own, of the same target (two contexts filling one program
     * cache entry). */
    static unsigned long saves;
    unsigned long seq = __atomic_fetch_add(&saves, 1, __ATOMIC_RELAXED);
    snprintf(tmp, n, "%s.tmp.%ld.%lu", target, (long)getpid(), seq);
    remove_stale(dir, target);
    struct stat old;
    int had = stat(target, &old) == 0 && S_ISREG(old.st_mode);
    cocob_status s = COCOB_OK;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0) {
        s = io_fail(err, what, tmp, "cannot create the temporary file");
        goto done;
    }
    s = write_all(err, what, tmp, fd, data, len);
    /* The replacement keeps the permissions the file was given. */
    if (s == COCOB_OK && had && fchmod(fd, old.st_mode & 07777) != 0)
        s = io_fail(err, what, tmp, "cannot give it the mode of the file it replaces");
    if (s == COCOB_OK && fsync(fd) != 0)
        s = io_fail(err, what, tmp, "cannot flush to disk");
    if (close(fd) != 0 && s == COCOB_OK)
        s = io_fail(err, what, tmp, "cannot close");
    if (s == COCOB_OK && rename(tmp, target) != 0)
        s = io_fail(err, what, target, "cannot rename the temporary file over it");
    if (s != COCOB_OK) {
        unlink(tmp);
        goto done;
    }
    /* The rename itself lasts only once the folder is on disk too. */
    int dfd = open(dir, O_RDONLY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
done:
    free(target);
    free(dir);
    free(tmp);
    return s;
}
