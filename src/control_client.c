/*
 * control_client - see control_client.h.  Answers are not capped: an
 * export of every route may run to hundreds of MiB, and the daemon, which
 * only root and its own user may reach, is the only peer.
 */
#include "control_client.h"
#include "util.h"
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int connect_unix(const char *path)
{
    struct sockaddr_un sun;
    int fd;

    if (strlen(path) >= sizeof(sun.sun_path)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    memset(&sun, 0, sizeof(sun));
    sun.sun_family = AF_UNIX;
    util_strlcpy(sun.sun_path, path, sizeof(sun.sun_path));
    if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

char *control_client_ask(const char *listen, const char *request, unsigned timeout_ms)
{
    size_t len = 0, cap = 4096;
    char *buf;
    int fd;

    if (strncmp(listen, "unix:", 5) != 0 && strncmp(listen, "local:", 6) != 0) {
        errno = EINVAL;
        return NULL;
    }
    fd = connect_unix(strchr(listen, ':') + 1);
    if (fd < 0)
        return NULL;
    if (write(fd, request, strlen(request)) < 0 || write(fd, "\n", 1) < 0) {
        close(fd);
        return NULL;
    }
    buf = xmalloc(cap);
    for (;;) {
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        if (poll(&pfd, 1, (int)timeout_ms) <= 0) {
            /* No answer at all is not an empty answer (an export with
             * no routes is one): say so. */
            close(fd);
            free(buf);
            errno = ETIMEDOUT;
            return NULL;
        }
        if (len + 1 >= cap) {
            cap *= 2;
            buf = xrealloc(buf, cap);
        }
        ssize_t n = read(fd, buf + len, cap - len - 1);
        if (n < 0) {
            int e = errno;
            close(fd);
            free(buf);
            errno = e;
            return NULL;
        }
        if (n == 0)
            break; /* the daemon closed: the answer is complete */
        len += (size_t)n;
    }
    close(fd);
    buf[len] = '\0';
    return buf;
}
