/*
 * listen - see listen.h.  Postfix keeps socketmap and policy connections
 * open and pipelines requests, so each connection serves many requests and
 * answers them in order.  Limits: a connection holding a partial request
 * for REQUEST_MS since its last completed one, or idle for IDLE_MS, is
 * closed (Postfix reconnects).
 *
 * Accepting: the listeners are level-triggered, so a listener that cannot
 * accept (out of descriptors: EMFILE, ENFILE; or out of kernel memory) would
 * be reported readable again at once and spin the loop.  Such a listener is
 * not watched for PAUSE_MS instead, and the failures are logged once per
 * FAIL_LOG_MS with a count; the peers wait in the kernel's backlog meanwhile.
 * A listener with CONN_MAX connections open is not watched until one of them
 * closes, so that one kind of peer cannot take every descriptor: Postfix
 * keeps one connection per process, and its default process limit is 100.
 */
#include "listen.h"
#include "control.h"
#include "control_peer.h"
#include "log.h"
#include "loop.h"
#include "policy_attr.h"
#include "policy_io.h"
#include "sockmap_io.h"
#include "util.h"
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define REQUEST_MS    10000
#define IDLE_MS       300000
#define OUT_MAX       (1u << 20)
#define MAX_LISTENERS 8
#define CONN_MAX      1000  /* open connections per listener */
#define PAUSE_MS      250   /* a listener that cannot accept rests this long */
#define FAIL_LOG_MS   10000 /* one line about accept failures per this */

/* Why a listener is not watched now (struct listener.paused). */
#define PAUSED_ERROR 1 /* accept failed: a timer resumes it */
#define PAUSED_FULL  2 /* CONN_MAX connections: conn_close() resumes it */

struct listener;

struct conn {
    int fd;
    enum listen_proto proto;
    struct listener *ls; /* the listener that accepted it */
    char *in, *out;
    size_t inlen, incap, outlen, outoff;
    uint64_t last, partial_since;
    int close_after; /* control: one answer, then EOF */
    int denied;      /* control: the peer may not ask (control_peer.h) */
    int events;      /* what epoll watches now: saves a syscall per answer */
};

struct listener {
    int fd; /* -1 once closed */
    enum listen_proto proto;
    char path[108]; /* unix socket to remove at exit */
    struct loop *loop;
    unsigned nconn;        /* its connections open now */
    int paused;            /* PAUSED_* bits; watched when 0 */
    uint64_t resume_timer; /* PAUSED_ERROR's timer */
    unsigned long nfail;   /* accept failures not logged yet */
    uint64_t logged_ms;    /* last line about them (0: none yet) */
};

static struct listener listeners[MAX_LISTENERS];
static int nlisteners;
static struct conn **conns; /* by fd */
static int nconns_cap;
static unsigned nactive;
static uint64_t sweep_timer;

static long one_sockmap(struct conn *c, const char **why);
static long one_policy(struct conn *c, const char **why);
static long one_control(struct conn *c, const char **why);

/* What differs between the protocols, by enum listen_proto. */
static const struct proto {
    const char *name;
    long (*one)(struct conn *c, const char **why); /* one request: see one_sockmap() */
    size_t incap;                                  /* the input buffer: a request and more */
} protos[] = {
    [LISTEN_SOCKMAP] = {"socketmap", one_sockmap, 65536},
    [LISTEN_POLICY] = {"policy", one_policy, POLICY_REQ_MAX + 64},
    [LISTEN_CONTROL] = {"control", one_control, 1024},
};

static const char *proto_name(enum listen_proto p)
{
    return protos[p].name;
}

static void watch(struct loop *l, struct conn *c, int events)
{
    if (c->events != events) {
        loop_mod(l, c->fd, events);
        c->events = events;
    }
}

static void on_accept(struct loop *l, int lfd, int events, void *arg);

/* Sets (on) or clears one PAUSED_* reason; the listener is watched while
 * no reason is left. */
static void listener_pause(struct loop *l, struct listener *ls, int why, int on)
{
    int was = ls->paused;

    ls->paused = on ? was | why : was & ~why;
    if (ls->fd < 0 || !was == !ls->paused)
        return;
    if (ls->paused)
        loop_del(l, ls->fd);
    else
        loop_add(l, ls->fd, LOOP_READ, on_accept, ls);
}

static void listener_resume(struct loop *l, void *arg)
{
    struct listener *ls = arg;

    ls->resume_timer = 0;
    listener_pause(l, ls, PAUSED_ERROR, 0);
}

/* Counts a failure; logs at most one line per FAIL_LOG_MS. */
static void listener_failed(struct listener *ls, const char *what)
{
    uint64_t now = util_now_ms();

    ls->nfail++;
    if (ls->logged_ms != 0 && now - ls->logged_ms < FAIL_LOG_MS)
        return;
    log_warn("%s: %s (%lu times since the last such line); not accepting for a while",
             proto_name(ls->proto), what, ls->nfail);
    ls->nfail = 0;
    ls->logged_ms = now;
}

static void conn_close(struct loop *l, struct conn *c, const char *why)
{
    if (why)
        log_warn("%s: closing connection (fd %d): %s", proto_name(c->proto), c->fd, why);
    loop_del(l, c->fd);
    close(c->fd);
    conns[c->fd] = NULL;
    if (c->ls != NULL && c->ls->nconn-- == CONN_MAX)
        listener_pause(l, c->ls, PAUSED_FULL, 0);
    free(c->in);
    free(c->out);
    free(c);
    nactive--;
}

/* Returns -1 when the connection was closed. */
static int flush_out(struct loop *l, struct conn *c)
{
    while (c->outoff < c->outlen) {
        ssize_t n = write(c->fd, c->out + c->outoff, c->outlen - c->outoff);
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        if (n <= 0) {
            conn_close(l, c, NULL);
            return -1;
        }
        c->outoff += (size_t)n;
    }
    if (c->outoff == c->outlen) {
        c->outoff = c->outlen = 0;
        if (c->close_after) {
            conn_close(l, c, NULL);
            return -1;
        }
        watch(l, c, LOOP_READ);
    } else {
        watch(l, c, LOOP_READ | LOOP_WRITE);
    }
    return 0;
}

/* Socketmap and policy answers; OUT_MAX stops a client that never reads. */
static int queue_out(struct conn *c, const char *data, size_t len)
{
    if (c->outlen + len > OUT_MAX)
        return -1;
    c->out = xrealloc(c->out, c->outlen + len);
    memcpy(c->out + c->outlen, data, len);
    c->outlen += len;
    return 0;
}

/* Each parser: consumes one request from c->in, queues its answer.
 * Returns bytes consumed, 0 when incomplete, -1 with *why on a bad request. */
static long one_sockmap(struct conn *c, const char **why)
{
    char ans[SOCKMAP_IO_ANS_MAX];
    size_t n = 0;
    long used = sockmap_io_one(c->in, c->inlen, ans, sizeof(ans), &n, why);

    if (used > 0 && queue_out(c, ans, n) < 0) {
        *why = "answer does not fit";
        return -1;
    }
    return used;
}

static long one_policy(struct conn *c, const char **why)
{
    char ans[POLICY_IO_ANS_MAX];
    long used = policy_io_one(c->in, c->inlen, ans, sizeof(ans), why);

    if (used > 0 && queue_out(c, ans, strlen(ans)) < 0) {
        *why = "client does not read its answers";
        return -1;
    }
    return used;
}

static long one_control(struct conn *c, const char **why)
{
    char *nl = memchr(c->in, '\n', c->inlen), *ans;
    size_t len;

    if (!nl)
        return 0;
    len = (size_t)(nl - c->in);
    if (len && c->in[len - 1] == '\r')
        len--;
    char line[1024];
    if (len >= sizeof(line) || memchr(c->in, '\0', len)) {
        *why = "bad control request";
        return -1;
    }
    memcpy(line, c->in, len);
    line[len] = '\0';
    /* The refused peer gets its answer after its request, so that the CLI
     * reads it instead of failing its write on a closed socket. */
    ans = c->denied ? xstrdup("ERR permission denied\n") : control_answer(line);
    /* Any size (an export of every route): the connection takes the answer
     * over and flush_out() writes it as the socket drains. */
    free(c->out);
    c->out = ans;
    c->outlen = strlen(ans);
    c->outoff = 0;
    c->close_after = 1;
    return (long)(nl - c->in) + 1;
}

static void on_conn(struct loop *l, int fd, int events, void *arg)
{
    struct conn *c = arg;
    const char *why = NULL;
    (void)fd;

    if (events & LOOP_WRITE && flush_out(l, c) < 0)
        return;
    if (!(events & LOOP_READ))
        return;
    if (c->inlen == c->incap) {
        conn_close(l, c, "request too long");
        return;
    }
    ssize_t n = read(c->fd, c->in + c->inlen, c->incap - c->inlen);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return;
    if (n <= 0) {
        conn_close(l, c, c->inlen ? "client went away mid-request" : NULL);
        return;
    }
    c->inlen += (size_t)n;
    c->last = util_now_ms();
    int done = 0; /* requests completed by this read */
    for (;;) {
        long used = protos[c->proto].one(c, &why);
        if (used < 0) {
            conn_close(l, c, why);
            return;
        }
        if (used == 0)
            break;
        memmove(c->in, c->in + used, c->inlen - (size_t)used);
        c->inlen -= (size_t)used;
        done++;
        if (c->close_after)
            break;
    }
    /* The REQUEST_MS clock runs from the last completed request: a pipelining
     * client may end every write mid-request while it keeps completing them.
     * Bytes alone do not reset it, or one byte every few seconds would hold
     * a connection forever. */
    if (!c->inlen)
        c->partial_since = 0;
    else if (done || !c->partial_since)
        c->partial_since = c->last;
    if (c->inlen == c->incap) {
        conn_close(l, c, "request too long");
        return;
    }
    /* close_after with nothing to write: an empty control answer (an
     * export with no routes) still ends with EOF. */
    if (c->outlen || c->close_after)
        flush_out(l, c);
}

static void sweep(struct loop *l, void *arg)
{
    uint64_t now = util_now_ms();
    (void)arg;
    for (int fd = 0; fd < nconns_cap; fd++) {
        struct conn *c = conns[fd];
        if (!c)
            continue;
        if (c->partial_since && now - c->partial_since > REQUEST_MS)
            conn_close(l, c, "incomplete request timed out");
        else if (now - c->last > IDLE_MS)
            conn_close(l, c, NULL);
    }
    policy_io_expire(now, IDLE_MS);
    sweep_timer = loop_timer(l, 1000, sweep, NULL);
}

static void on_accept(struct loop *l, int lfd, int events, void *arg)
{
    struct listener *ls = arg;
    (void)events;

    while (ls->nconn < CONN_MAX) {
        int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            char what[128];
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return;
            if (errno == EINTR || errno == ECONNABORTED)
                continue; /* that peer is gone; the next one may wait */
            snprintf(what, sizeof(what), "accept: %s", strerror(errno));
            listener_failed(ls, what);
            listener_pause(l, ls, PAUSED_ERROR, 1);
            ls->resume_timer = loop_timer(l, PAUSE_MS, listener_resume, ls);
            return;
        }
        if (fd >= nconns_cap) {
            int n = fd + 256;
            conns = xrealloc(conns, (size_t)n * sizeof(*conns));
            memset(conns + nconns_cap, 0, (size_t)(n - nconns_cap) * sizeof(*conns));
            nconns_cap = n;
        }
        struct conn *c = xcalloc(1, sizeof(*c));
        c->fd = fd;
        c->proto = ls->proto;
        c->ls = ls;
        c->incap = protos[ls->proto].incap;
        c->in = xmalloc(c->incap);
        c->denied = ls->proto == LISTEN_CONTROL && ls->path[0] && !control_peer_allowed(fd);
        c->last = util_now_ms();
        conns[fd] = c;
        nactive++;
        ls->nconn++;
        c->events = LOOP_READ;
        loop_add(l, fd, LOOP_READ, on_conn, c);
    }
    listener_failed(ls, "connection limit reached");
    listener_pause(l, ls, PAUSED_FULL, 1);
}

static int stale_unix(const char *path)
{
    struct sockaddr_un sun;
    struct stat st;
    int fd, alive;

    if (lstat(path, &st) != 0)
        return errno == ENOENT ? 0 : -1;
    if (!S_ISSOCK(st.st_mode)) {
        errno = EEXIST; /* never remove a file that is not a socket */
        return -1;
    }
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    memset(&sun, 0, sizeof(sun));
    sun.sun_family = AF_UNIX;
    util_strlcpy(sun.sun_path, path, sizeof(sun.sun_path));
    alive = fd >= 0 && connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0;
    if (fd >= 0)
        close(fd);
    if (alive) {
        errno = EADDRINUSE;
        return -1;
    }
    return unlink(path);
}

static int open_unix(const char *path, mode_t mode, const char *group)
{
    struct sockaddr_un sun;
    int fd;

    if (strlen(path) >= sizeof(sun.sun_path)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    if (stale_unix(path) < 0)
        return -1;
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    memset(&sun, 0, sizeof(sun));
    sun.sun_family = AF_UNIX;
    util_strlcpy(sun.sun_path, path, sizeof(sun.sun_path));
    /* Bind under a tight umask, then open up to socket_mode. */
    mode_t old = umask(0177);
    int rc = bind(fd, (struct sockaddr *)&sun, sizeof(sun));
    umask(old);
    if (rc < 0 || chmod(path, mode) < 0 || listen(fd, 128) < 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    if (group && group[0]) {
        struct group *gr = getgrnam(group);
        if (!gr || chown(path, (uid_t)-1, gr->gr_gid) < 0)
            log_warn("%s: cannot give the socket to group %s: %s", path, group,
                     gr ? strerror(errno) : "no such group");
    }
    return fd;
}

static int open_inet(const char *spec, int family)
{
    char port[16], host[256];
    const char *at = strchr(spec, '@');
    struct addrinfo hints, *res;
    int fd, one = 1;

    if (!at || (size_t)(at - spec) >= sizeof(port) || strlen(at + 1) >= sizeof(host)) {
        errno = EINVAL;
        return -1;
    }
    memcpy(port, spec, (size_t)(at - spec));
    port[at - spec] = '\0';
    util_strlcpy(host, at + 1, sizeof(host));
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = family;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV | AI_PASSIVE;
    if (getaddrinfo(host, port, &hints, &res) != 0) {
        errno = EINVAL;
        return -1;
    }
    fd = socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd >= 0) {
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (bind(fd, res->ai_addr, res->ai_addrlen) < 0 || listen(fd, 128) < 0) {
            int e = errno;
            close(fd);
            fd = -1;
            errno = e;
        }
    }
    freeaddrinfo(res);
    return fd;
}

int listen_open(struct loop *l, enum listen_proto proto, const char *spec, mode_t mode,
                const char *group)
{
    struct listener *ls;
    int fd;

    if (nlisteners == MAX_LISTENERS)
        return -1;
    ls = &listeners[nlisteners];
    memset(ls, 0, sizeof(*ls));
    if (strncmp(spec, "unix:", 5) == 0 || strncmp(spec, "local:", 6) == 0) {
        /* "local:" is libmilter's other spelling of "unix:". */
        const char *path = strchr(spec, ':') + 1;
        fd = open_unix(path, mode, group);
        if (fd >= 0)
            util_strlcpy(ls->path, path, sizeof(ls->path));
    } else if (strncmp(spec, "inet:", 5) == 0) {
        fd = open_inet(spec + 5, AF_INET);
    } else if (strncmp(spec, "inet6:", 6) == 0) {
        fd = open_inet(spec + 6, AF_INET6);
    } else {
        fd = -1;
        errno = EINVAL;
    }
    if (fd < 0) {
        log_err("%s listener %s: %s", proto_name(proto), spec, strerror(errno));
        return -1;
    }
    ls->fd = fd;
    ls->proto = proto;
    ls->loop = l;
    nlisteners++;
    if (proto == LISTEN_POLICY)
        policy_io_start();
    if (!sweep_timer)
        sweep_timer = loop_timer(l, 1000, sweep, NULL);
    loop_add(l, fd, LOOP_READ, on_accept, ls);
    log_info("%s listener on %s", proto_name(proto), spec);
    return 0;
}

void listen_close_all(void)
{
    for (int i = 0; i < nlisteners; i++) {
        struct listener *ls = &listeners[i];
        if (ls->resume_timer)
            loop_cancel(ls->loop, ls->resume_timer);
        if (!ls->paused)
            loop_del(ls->loop, ls->fd);
        close(ls->fd);
        ls->fd = -1; /* connections still open must not watch it again */
        if (ls->path[0])
            unlink(ls->path);
    }
    nlisteners = 0;
}

unsigned listen_busy(void)
{
    unsigned n = 0;
    for (int fd = 0; fd < nconns_cap; fd++)
        if (conns[fd] && (conns[fd]->inlen || conns[fd]->outlen))
            n++;
    return n;
}
