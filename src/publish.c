/*
 * publish - see publish.h.  postmap updates its own database atomically
 * (one transaction for lmdb, a temp file renamed for cdb), so Postfix never
 * reads half a table.
 */
#include "publish.h"
#include "log.h"
#include "util.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static unsigned children; /* postmap processes not reaped yet */

static int needs_postmap(const char *spec, const char **path)
{
    static const char *const types[] = {"lmdb:", "hash:", "btree:", "cdb:"};
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        size_t n = strlen(types[i]);
        if (strncmp(spec, types[i], n) == 0) {
            *path = spec + n;
            return 1;
        }
    }
    if (strncmp(spec, "texthash:", 9) == 0) {
        *path = spec + 9;
        return 0;
    }
    *path = spec; /* a bare path is an lmdb table, as DESIGN.md's example */
    return 1;
}

int publish_write(const char *spec, const char *text)
{
    const char *path;
    char tmp[4096];
    int postmap = needs_postmap(spec, &path), fd;
    size_t len = strlen(text);

    snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0 || write(fd, text, len) != (ssize_t)len || fsync(fd) != 0 || close(fd) != 0 ||
        rename(tmp, path) != 0) {
        log_warn("publish %s: %s", path, strerror(errno));
        if (fd >= 0)
            unlink(tmp);
        return -1;
    }
    if (postmap) {
        pid_t pid = fork();
        if (pid == 0) {
            char typed[4200];
            snprintf(typed, sizeof(typed), "%s%s", path == spec ? "lmdb:" : "", spec);
            execlp("postmap", "postmap", typed, (char *)NULL);
            _exit(127);
        }
        if (pid < 0)
            log_warn("publish %s: fork postmap: %s", spec, strerror(errno));
        else
            children++;
    }
    return 0;
}

void publish_reap(void)
{
    int status;
    pid_t pid;
    while (children > 0 && (pid = waitpid(-1, &status, WNOHANG)) > 0) {
        children--;
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            log_warn("publish: postmap (pid %ld) failed with status %d", (long)pid, status);
    }
}
