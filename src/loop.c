/*
 * loop - see loop.h.  Descriptors map to handlers through a table indexed
 * by fd (descriptors are small and dense).  Timers live in an unsorted array:
 * the daemon has a handful at a time (c-ares, expiry, publish), so a scan
 * beats a heap.  Hooks live in a growable array, in the order they were
 * added; a hook removed while the hooks run is only marked, and the array
 * is compacted after the run, so that removing one never makes the run
 * skip another (a skipped c-ares hook would miss its timeouts for a turn).
 * Every epoll_ctl() is checked: a failure is logged and returned, and the
 * descriptor table is changed only when the kernel's interest list was.
 */
#include "loop.h"
#include "log.h"
#include "util.h"
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

struct handler {
    loop_fd_cb cb;
    void *arg;
};

struct timer {
    uint64_t id, due;
    loop_timer_cb cb;
    void *arg;
};

struct hook {
    loop_hook_cb cb; /* NULL: removed during a run, dropped after it */
    void *arg;
};

struct loop {
    int ep, wakefd, stop;
    struct handler *fds;
    int nfds;
    struct timer *timers;
    size_t ntimers, captimers;
    uint64_t next_id;
    struct hook *hooks;
    size_t nhooks, caphooks;
    int in_hooks;  /* run_hooks() is running: loop_unhook() only marks */
    int hook_wait; /* what the hooks asked for at the end of the last turn */
};

static void drain_wake(struct loop *l, int fd, int events, void *arg)
{
    uint64_t v;
    (void)l, (void)events, (void)arg;
    while (read(fd, &v, sizeof(v)) == sizeof(v))
        ;
}

struct loop *loop_new(void)
{
    struct loop *l = xcalloc(1, sizeof(*l));
    l->ep = epoll_create1(EPOLL_CLOEXEC);
    l->wakefd = -1;
    l->wakefd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (l->ep < 0 || l->wakefd < 0) {
        loop_free(l);
        return NULL;
    }
    if (loop_add(l, l->wakefd, LOOP_READ, drain_wake, NULL) < 0) {
        loop_free(l);
        return NULL;
    }
    return l;
}

void loop_free(struct loop *l)
{
    if (!l)
        return;
    if (l->ep >= 0)
        close(l->ep);
    if (l->wakefd >= 0)
        close(l->wakefd);
    free(l->fds);
    free(l->timers);
    free(l->hooks);
    free(l);
}

static uint32_t ep_events(int events)
{
    return (events & LOOP_READ ? EPOLLIN : 0) | (events & LOOP_WRITE ? EPOLLOUT : 0);
}

/* epoll_ctl(), logged when it fails; returns 0 or -1 with errno kept. */
static int ctl(struct loop *l, int op, int fd, int events)
{
    static const char *const names[] = {"?", "ADD", "DEL", "MOD"};
    struct epoll_event ev = {.events = ep_events(events), .data.fd = fd};
    int e;

    if (epoll_ctl(l->ep, op, fd, &ev) == 0)
        return 0;
    e = errno;
    log_err("loop: epoll_ctl %s fd %d: %s", op >= 1 && op <= 3 ? names[op] : names[0], fd,
            strerror(e));
    errno = e;
    return -1;
}

static int watched(const struct loop *l, int fd)
{
    return fd >= 0 && fd < l->nfds && l->fds[fd].cb != NULL;
}

int loop_add(struct loop *l, int fd, int events, loop_fd_cb cb, void *arg)
{
    if (fd < 0 || cb == NULL) {
        errno = EBADF;
        return -1;
    }
    if (ctl(l, EPOLL_CTL_ADD, fd, events) < 0)
        return -1;
    if (fd >= l->nfds) {
        int n = fd + 64;
        l->fds = xrealloc(l->fds, (size_t)n * sizeof(*l->fds));
        memset(l->fds + l->nfds, 0, (size_t)(n - l->nfds) * sizeof(*l->fds));
        l->nfds = n;
    }
    l->fds[fd].cb = cb;
    l->fds[fd].arg = arg;
    return 0;
}

int loop_mod(struct loop *l, int fd, int events)
{
    if (!watched(l, fd)) {
        errno = ENOENT; /* not an error of the kernel's: the caller adds it */
        return -1;
    }
    return ctl(l, EPOLL_CTL_MOD, fd, events);
}

int loop_del(struct loop *l, int fd)
{
    if (!watched(l, fd))
        return 0;
    l->fds[fd].cb = NULL; /* whatever the kernel says, no more callbacks */
    return ctl(l, EPOLL_CTL_DEL, fd, 0);
}

uint64_t loop_timer(struct loop *l, unsigned ms, loop_timer_cb cb, void *arg)
{
    if (l->ntimers == l->captimers) {
        l->captimers = l->captimers ? l->captimers * 2 : 16;
        l->timers = xrealloc(l->timers, l->captimers * sizeof(*l->timers));
    }
    struct timer *t = &l->timers[l->ntimers++];
    t->id = ++l->next_id;
    t->due = util_now_ms() + ms;
    t->cb = cb;
    t->arg = arg;
    return t->id;
}

void loop_cancel(struct loop *l, uint64_t id)
{
    for (size_t i = 0; i < l->ntimers; i++) {
        if (l->timers[i].id == id) {
            l->timers[i] = l->timers[--l->ntimers];
            return;
        }
    }
}

void loop_hook(struct loop *l, loop_hook_cb cb, void *arg)
{
    if (l->nhooks == l->caphooks) {
        l->caphooks = l->caphooks ? l->caphooks * 2 : 8;
        l->hooks = xrealloc(l->hooks, l->caphooks * sizeof(*l->hooks));
    }
    l->hooks[l->nhooks].cb = cb;
    l->hooks[l->nhooks++].arg = arg;
}

/* Drops the hooks marked during a run, keeping the order of the others. */
static void compact_hooks(struct loop *l)
{
    size_t i, n = 0;

    for (i = 0; i < l->nhooks; i++)
        if (l->hooks[i].cb != NULL)
            l->hooks[n++] = l->hooks[i];
    l->nhooks = n;
}

void loop_unhook(struct loop *l, loop_hook_cb cb, const void *arg)
{
    for (size_t i = 0; i < l->nhooks; i++) {
        if (l->hooks[i].cb == cb && l->hooks[i].arg == arg) {
            l->hooks[i].cb = NULL;
            if (!l->in_hooks)
                compact_hooks(l);
            return;
        }
    }
}

void loop_wake(struct loop *l)
{
    uint64_t one = 1;
    if (write(l->wakefd, &one, sizeof(one)) < 0 && errno != EAGAIN)
        return;
}

static void run_timers(struct loop *l)
{
    uint64_t now = util_now_ms();
    /* A callback may add or cancel timers: restart the scan after each. */
    for (size_t i = 0; i < l->ntimers;) {
        if (l->timers[i].due <= now) {
            struct timer t = l->timers[i];
            l->timers[i] = l->timers[--l->ntimers];
            t.cb(l, t.arg);
            i = 0;
        } else {
            i++;
        }
    }
}

/* Hooks run after the events of a turn, so that work they finish (a c-ares
 * timeout ending a probe) is seen by the caller before the next wait; the
 * wait they ask for applies to the next turn. */
static int run_hooks(struct loop *l)
{
    size_t i, n = l->nhooks; /* hooks added by a hook run from the next turn */
    int ms = -1;

    l->in_hooks = 1;
    for (i = 0; i < n; i++) {
        /* Copied out: a hook may add hooks, which may move the array. */
        struct hook h = l->hooks[i];
        if (h.cb == NULL)
            continue;
        int w = h.cb(l, h.arg);
        if (w >= 0 && (ms < 0 || w < ms))
            ms = w;
    }
    l->in_hooks = 0;
    compact_hooks(l);
    return ms;
}

void loop_once(struct loop *l, int ms)
{
    struct epoll_event evs[64];
    uint64_t now = util_now_ms();

    if (l->hook_wait >= 0 && (ms < 0 || l->hook_wait < ms))
        ms = l->hook_wait;
    for (size_t i = 0; i < l->ntimers; i++) {
        int left = l->timers[i].due > now ? (int)(l->timers[i].due - now) : 0;
        if (ms < 0 || left < ms)
            ms = left;
    }
    int n = epoll_wait(l->ep, evs, 64, ms);
    if (n < 0 && errno != EINTR)
        log_err("loop: epoll_wait: %s", strerror(errno));
    for (int i = 0; i < n; i++) {
        int fd = evs[i].data.fd;
        int events = ((evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) ? LOOP_READ : 0) |
                     ((evs[i].events & EPOLLOUT) ? LOOP_WRITE : 0);
        if (fd < l->nfds && l->fds[fd].cb)
            l->fds[fd].cb(l, fd, events, l->fds[fd].arg);
    }
    run_timers(l);
    l->hook_wait = run_hooks(l);
}

int loop_run(struct loop *l)
{
    while (!l->stop)
        loop_once(l, -1);
    return 0;
}

void loop_stop(struct loop *l)
{
    l->stop = 1;
    loop_wake(l);
}
