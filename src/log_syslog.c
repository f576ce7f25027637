/*
 * log_syslog - see log_syslog.h.  A line goes out as syslog(3) formats it
 * (RFC 3164, which journald and rsyslog parse): "<PRI>Mmm dd hh:mm:ss
 * ident[pid]: text", local time, no newline.  The header is made once a
 * second, not once a line.  A socket that is not a datagram one (EPROTOTYPE:
 * a syslog daemon on a stream socket) is left to syslog(3), which speaks
 * that too.
 */
#include "log_syslog.h"
#include "util.h"
#include <errno.h>
#include <paths.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#define RETRY_MS 1000 /* between connects while no daemon listens */
#define SEND_MS  500  /* a daemon that takes no line this long is stalled */

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
    char ident[64];
    int facility;
    char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
    int fd;            /* -1: not connected */
    int stream;        /* the socket is not a datagram one: syslog(3) sends */
    uint64_t quiet_ms; /* no connect and no send before this: lines are dropped */
    time_t stamp_s;    /* the second that stamp holds */
    char stamp[32];    /* "Dec  2 03:04:05 " */
    char tail[96];     /* "ident[pid]: " */
    pid_t pid;         /* the pid in tail */
} s = {.ident = "mxdetourd", .facility = LOG_DAEMON, .path = _PATH_LOG, .fd = -1};

void log_syslog_open(const char *ident, int facility)
{
    pthread_mutex_lock(&lock);
    util_strlcpy(s.ident, ident, sizeof(s.ident));
    s.facility = facility;
    s.tail[0] = '\0';
    pthread_mutex_unlock(&lock);
}

void log_syslog_path(const char *path)
{
    pthread_mutex_lock(&lock);
    util_strlcpy(s.path, path, sizeof(s.path));
    s.quiet_ms = 0;
    pthread_mutex_unlock(&lock);
}

static void drop_socket(void)
{
    if (s.fd >= 0)
        close(s.fd);
    s.fd = -1;
}

void log_syslog_close(void)
{
    pthread_mutex_lock(&lock);
    drop_socket();
    s.stream = 0;
    s.quiet_ms = 0;
    s.tail[0] = '\0';
    pthread_mutex_unlock(&lock);
}

/* Under lock: lines are dropped for a while. */
static void quiet(void)
{
    s.quiet_ms = util_now_ms() + RETRY_MS;
}

/* Under lock.  1 when lines may be sent on s.fd now.  The send timeout
 * bounds what a stalled daemon costs the log thread (and the stop, which
 * waits for it); the blocking socket otherwise keeps lines in order. */
static int usable(void)
{
    struct sockaddr_un sun = {.sun_family = AF_UNIX};
    struct timeval tv = {0, SEND_MS * 1000L};

    if (util_now_ms() < s.quiet_ms)
        return 0;
    if (s.fd >= 0)
        return 1;
    util_strlcpy(sun.sun_path, s.path, sizeof(sun.sun_path));
    s.fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s.fd >= 0 && setsockopt(s.fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) == 0 &&
        connect(s.fd, (struct sockaddr *)&sun, sizeof(sun)) == 0)
        return 1;
    if (errno == EPROTOTYPE)
        s.stream = 1;
    drop_socket();
    quiet();
    return 0;
}

/* Under lock: the "Mmm dd hh:mm:ss " of now, made again when the second changes. */
static void refresh_header(void)
{
    struct timespec ts;
    struct tm tm;

    clock_gettime(CLOCK_REALTIME_COARSE, &ts);
    if (ts.tv_sec != s.stamp_s || s.stamp[0] == '\0') {
        localtime_r(&ts.tv_sec, &tm);
        strftime(s.stamp, sizeof(s.stamp), "%b %e %H:%M:%S ", &tm);
        s.stamp_s = ts.tv_sec;
    }
    /* Once a batch, not once a line: the daemon forks (detaches) after
     * its first lines may have gone out. */
    pid_t pid = getpid();
    if (s.tail[0] == '\0' || pid != s.pid) {
        snprintf(s.tail, sizeof(s.tail), "%s[%ld]: ", s.ident, (long)pid);
        s.pid = pid;
    }
}

/* Under lock: sends lines [0, n), n <= LOG_SYSLOG_BATCH; returns how many
 * went, or -1 with errno. */
static int send_some(size_t n, const int *prio, const char *const *line)
{
    struct mmsghdr msg[LOG_SYSLOG_BATCH];
    struct iovec iov[LOG_SYSLOG_BATCH][4];
    char pri[LOG_SYSLOG_BATCH][8];

    for (size_t i = 0; i < n; i++) {
        int len = snprintf(pri[i], sizeof(pri[i]), "<%d>", (prio[i] & LOG_PRIMASK) | s.facility);
        iov[i][0] = (struct iovec){pri[i], (size_t)len};
        iov[i][1] = (struct iovec){s.stamp, strlen(s.stamp)};
        iov[i][2] = (struct iovec){s.tail, strlen(s.tail)};
        iov[i][3] = (struct iovec){(void *)line[i], strlen(line[i])};
        memset(&msg[i], 0, sizeof(msg[i]));
        msg[i].msg_hdr.msg_iov = iov[i];
        msg[i].msg_hdr.msg_iovlen = 4;
    }
    return sendmmsg(s.fd, msg, (unsigned)n, MSG_NOSIGNAL);
}

void log_syslog_send(size_t n, const int *prio, const char *const *line)
{
    pthread_mutex_lock(&lock);
    if (s.stream) {
        pthread_mutex_unlock(&lock);
        for (size_t i = 0; i < n; i++)
            syslog(prio[i], "%s", line[i]);
        return;
    }
    refresh_header();
    for (int again = 1; n > 0 && usable();) {
        int sent = send_some(n < LOG_SYSLOG_BATCH ? n : LOG_SYSLOG_BATCH, prio, line);
        if (sent > 0) {
            prio += sent, line += sent, n -= (size_t)sent;
            continue;
        }
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            quiet(); /* stalled: these lines are dropped, the socket kept */
            break;
        }
        /* A daemon that restarted refuses the old socket: connect once
         * more at once, then drop the rest until the next try. */
        drop_socket();
        if (!again--) {
            quiet();
            break;
        }
    }
    pthread_mutex_unlock(&lock);
}
