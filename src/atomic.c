/*
 * atomic - see atomic.h.
 */
#include "atomic.h"
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

FILE *atomic_open(const char *path, unsigned mode, char *tmp, size_t size)
{
    int n = snprintf(tmp, size, "%s.tmp.XXXXXX", path);
    if (n < 0 || (size_t)n >= size) {
        errno = ENAMETOOLONG;
        return NULL;
    }
    int fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0)
        return NULL;
    FILE *f = NULL;
    /* mkostemp makes it 0600: readers such as Postfix may need more. */
    if (fchmod(fd, (mode_t)mode) != 0 || !(f = fdopen(fd, "w"))) {
        int e = errno;
        close(fd);
        unlink(tmp);
        errno = e;
        return NULL;
    }
    /* A write error leaves errno set for atomic_commit() (stdio may report
     * it only through ferror()). */
    errno = 0;
    return f;
}

int atomic_commit(FILE *f, const char *tmp, const char *path)
{
    int e = 0;
    if (fflush(f) != 0 || ferror(f))
        e = errno ? errno : EIO;
    else if (fsync(fileno(f)) != 0)
        e = errno;
    if (fclose(f) != 0 && !e) /* closes the descriptor whatever it returns */
        e = errno;
    if (!e && rename(tmp, path) != 0)
        e = errno;
    if (e) {
        unlink(tmp);
        errno = e;
        return -1;
    }
    return 0;
}
