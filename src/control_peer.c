/*
 * control_peer - see control_peer.h.  The refusal is logged, but a local
 * user looping on the CLI must not fill the log: one line per uid per
 * LOG_MS, with the count of refusals since, over a small table of the
 * uids seen last (an older uid drops out and is logged again: harmless).
 */
#include "control_peer.h"
#include "log.h"
#include "util.h"
#include <sys/socket.h>
#include <unistd.h>

#define LOG_MS   60000
#define LOG_UIDS 16

static struct {
    uid_t uid;
    uint64_t logged_ms; /* 0: slot unused */
    unsigned long nrefused;
} seen[LOG_UIDS];

static void log_refusal(uid_t uid, pid_t pid)
{
    uint64_t now = util_now_ms();
    int slot = 0;

    for (int i = 0; i < LOG_UIDS; i++) {
        if (seen[i].logged_ms && seen[i].uid == uid) {
            slot = i;
            break;
        }
        if (seen[i].logged_ms < seen[slot].logged_ms)
            slot = i; /* the oldest (or an unused) slot, if uid is not found */
    }
    if (seen[slot].logged_ms && seen[slot].uid == uid) {
        seen[slot].nrefused++;
        if (now - seen[slot].logged_ms < LOG_MS)
            return;
    } else {
        seen[slot].uid = uid;
        seen[slot].nrefused = 1;
    }
    log_warn("control: permission denied to uid %lu (pid %ld): only root and the daemon's "
             "user may ask (%lu times since the last such line)",
             (unsigned long)uid, (long)pid, seen[slot].nrefused);
    seen[slot].logged_ms = now;
    seen[slot].nrefused = 0;
}

int control_peer_allowed(int fd)
{
    struct ucred cred;
    socklen_t len = sizeof(cred);

    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 || len != sizeof(cred))
        return 0;
    if (cred.uid == 0 || cred.uid == geteuid())
        return 1;
    log_refusal(cred.uid, cred.pid);
    return 0;
}
