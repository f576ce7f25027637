/*
 * rescue - see rescue.h.  Domains wait in a small table until they are
 * due; one scan serves every due domain (one postqueue -j for a burst of
 * new routes, not one each).
 */
#include "rescue.h"
#include "core.h"
#include "log.h"
#include "publish.h"
#include "rescue_scan.h"
#include "util.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_WAITING     64    /* domains waiting for a pass (one scan's worth) */
#define MAX_KICKS       64    /* postqueue -i children running at once */
#define SECOND_PASS_MS  31000 /* qmgr's address cache is 30 s */
#define PUBLISH_WAIT_MS 10000 /* the table's postmap never finishing: go anyway */
#define MAX_LINE        (4u << 20)

struct waiting {
    char domain[256];
    char route[CORE_ROUTE_MAX];
    char postfix_config[1024];
    uint64_t due_ms;
    unsigned long need_seq; /* publish_seq_done() must reach it; 0 = no table */
    int pass;               /* 1, 2 */
};

static struct waiting waits[MAX_WAITING];
static size_t nwaits;
static struct loop *loop;
static int hooked;

/* The scan in progress: its domains, what matched, postqueue -j's output. */
static struct {
    pid_t pid;
    int fd;
    struct waiting dom[MAX_WAITING];
    const char *names[MAX_WAITING];
    size_t n;
    char ids[MAX_WAITING][RESCUE_MAX_IDS][RESCUE_QID_MAX];
    unsigned nids[MAX_WAITING];
    char *buf;
    size_t len, cap;
    int overlong; /* dropping the rest of a line longer than MAX_LINE */
} scan = {.pid = 0, .fd = -1};

static pid_t kicks[MAX_KICKS];
static size_t nkicks;

static int hook(struct loop *l, void *arg);

static void spawn_postqueue(const char *config, const char *opt, const char *arg, int out_fd)
{
    /* argv: postqueue [-c DIR] OPT [ARG] */
    const char *argv[6];
    int i = 0;
    argv[i++] = "postqueue";
    if (config[0]) {
        argv[i++] = "-c";
        argv[i++] = config;
    }
    argv[i++] = opt;
    if (arg)
        argv[i++] = arg;
    argv[i] = NULL;
    int null = open("/dev/null", O_RDWR);
    if (null >= 0) {
        dup2(null, 0);
        if (out_fd < 0)
            dup2(null, 1);
    }
    if (out_fd >= 0)
        dup2(out_fd, 1);
    execvp("postqueue", (char *const *)argv);
    _exit(127);
}

void rescue_route(struct loop *l, const struct conf *c, const char *domain, const char *route)
{
    struct waiting *w = NULL;

    loop = l;
    if (!hooked) {
        loop_hook(l, hook, NULL);
        hooked = 1;
    }
    for (size_t i = 0; i < nwaits && !w; i++)
        if (strcmp(waits[i].domain, domain) == 0)
            w = &waits[i]; /* a newer route for the same domain: one rescue */
    if (!w && nwaits == MAX_WAITING) {
        log_warn("domain=%s rescue skipped: %d domains already waiting for a rescue", domain,
                 MAX_WAITING);
        return;
    }
    if (!w)
        w = &waits[nwaits++];
    util_strlcpy(w->domain, domain, sizeof(w->domain));
    util_strlcpy(w->route, route, sizeof(w->route));
    util_strlcpy(w->postfix_config, c->postfix_config, sizeof(w->postfix_config));
    /* Every publish started from now on holds the route. */
    w->need_seq = c->publish[0] ? publish_seq_next() : 0;
    w->due_ms = util_now_ms();
    w->pass = 1;
    loop_wake(l);
}

static int ready(const struct waiting *w, uint64_t now)
{
    if (now < w->due_ms)
        return 0;
    return w->need_seq == 0 || publish_seq_done() >= w->need_seq ||
           now >= w->due_ms + PUBLISH_WAIT_MS;
}

static void start_scan(uint64_t now)
{
    int p[2];

    scan.n = 0;
    for (size_t i = 0; i < nwaits;) {
        if (!ready(&waits[i], now) ||
            (scan.n && strcmp(waits[i].postfix_config, scan.dom[0].postfix_config) != 0)) {
            i++;
            continue;
        }
        scan.dom[scan.n] = waits[i];
        scan.names[scan.n] = scan.dom[scan.n].domain;
        scan.nids[scan.n] = 0;
        scan.n++;
        waits[i] = waits[--nwaits];
    }
    if (!scan.n)
        return;
    scan.len = 0;
    scan.overlong = 0;
    if (pipe2(p, O_CLOEXEC) < 0 || (scan.pid = fork()) < 0) {
        log_warn("rescue: postqueue -j: %s", strerror(errno));
        scan.pid = 0;
        return;
    }
    if (scan.pid == 0)
        spawn_postqueue(scan.dom[0].postfix_config, "-j", NULL, p[1]);
    close(p[1]);
    scan.fd = p[0];
    fcntl(scan.fd, F_SETFL, O_NONBLOCK);
}

static void on_line(const char *line)
{
    char qid[RESCUE_QID_MAX];
    uint64_t mask = rescue_scan_line(line, scan.names, scan.n, qid);

    for (size_t i = 0; i < scan.n && mask; i++)
        if ((mask >> i & 1) && scan.nids[i] < RESCUE_MAX_IDS)
            memcpy(scan.ids[i][scan.nids[i]++], qid, RESCUE_QID_MAX);
}

static void kick(const char *config, const char *qid)
{
    while (nkicks == MAX_KICKS) {
        /* postqueue -i takes milliseconds: wait for the oldest. */
        waitpid(kicks[0], NULL, 0);
        kicks[0] = kicks[--nkicks];
    }
    pid_t pid = fork();
    if (pid == 0)
        spawn_postqueue(config, "-i", qid, -1);
    if (pid < 0)
        log_warn("rescue: postqueue -i %s: %s", qid, strerror(errno));
    else
        kicks[nkicks++] = pid;
}

static void finish_scan(void)
{
    int status = 0;

    waitpid(scan.pid, &status, 0); /* it closed its output: it is exiting */
    scan.pid = 0;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        log_warn("rescue: \"postqueue%s%s -j\" failed (status %d); the deferred mail of %s waits "
                 "for its next retry",
                 scan.dom[0].postfix_config[0] ? " -c " : "", scan.dom[0].postfix_config,
                 WIFEXITED(status) ? WEXITSTATUS(status) : -1, scan.dom[0].domain);
    for (size_t i = 0; i < scan.n; i++) {
        struct waiting *w = &scan.dom[i];
        char ids[RESCUE_MAX_IDS * (RESCUE_QID_MAX + 1)] = "", line[sizeof(ids) + 1400];
        size_t p = 0;

        for (unsigned k = 0; k < scan.nids[i]; k++) {
            p += (size_t)snprintf(ids + p, sizeof(ids) - p, "%s%s", k ? "," : "", scan.ids[i][k]);
            kick(w->postfix_config, scan.ids[i][k]);
        }
        p = log_kv(line, sizeof(line), 0, "domain", w->domain);
        snprintf(line + p, sizeof(line) - p, " rescue queue_ids=\"%s\" route=%s pass=%d", ids,
                 w->route, w->pass);
        if (scan.nids[i])
            log_info("%s", line);
        else
            log_debug("%s", line);
        if (w->pass == 1 && nwaits < MAX_WAITING && WIFEXITED(status) && !WEXITSTATUS(status)) {
            waits[nwaits] = *w;
            waits[nwaits].pass = 2;
            waits[nwaits].need_seq = 0;
            waits[nwaits].due_ms = util_now_ms() + SECOND_PASS_MS;
            nwaits++;
        }
    }
    scan.n = 0;
}

/* Reads what postqueue -j printed; at EOF, kicks the matches. */
static void on_read(struct loop *l, int fd, int events, void *arg)
{
    (void)events, (void)arg;
    for (;;) {
        if (scan.cap - scan.len < 65536) {
            scan.cap = scan.cap ? scan.cap * 2 : 131072;
            scan.buf = xrealloc(scan.buf, scan.cap);
        }
        ssize_t got = read(fd, scan.buf + scan.len, scan.cap - scan.len - 1);
        if (got < 0 && (errno == EAGAIN || errno == EINTR))
            return;
        if (got <= 0) {
            loop_del(l, fd);
            close(fd);
            scan.fd = -1;
            finish_scan();
            return;
        }
        scan.len += (size_t)got;
        scan.buf[scan.len] = '\0';
        char *start = scan.buf, *nl;
        while ((nl = strchr(start, '\n')) != NULL) {
            *nl = '\0';
            if (!scan.overlong)
                on_line(start);
            scan.overlong = 0;
            start = nl + 1;
        }
        scan.len -= (size_t)(start - scan.buf);
        memmove(scan.buf, start, scan.len);
        if (scan.len > MAX_LINE) { /* thousands of recipients: not one of ours */
            scan.overlong = 1;
            scan.len = 0;
        }
    }
}

static void reap_kicks(void)
{
    for (size_t i = 0; i < nkicks;) {
        int status;
        pid_t pid = waitpid(kicks[i], &status, WNOHANG);
        if (pid == 0) {
            i++;
            continue;
        }
        if (pid > 0 && (!WIFEXITED(status) || WEXITSTATUS(status) != 0))
            log_warn("rescue: postqueue -i failed (status %d)",
                     WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        kicks[i] = kicks[--nkicks];
    }
}

static int hook(struct loop *l, void *arg)
{
    uint64_t now = util_now_ms();
    int wait = -1;
    (void)arg;

    reap_kicks();
    if (!scan.pid && nwaits) {
        start_scan(now);
        if (scan.pid && loop_add(l, scan.fd, LOOP_READ, on_read, NULL) < 0) {
            log_warn("rescue: cannot watch postqueue -j's output");
            close(scan.fd);
            scan.fd = -1;
            kill(scan.pid, SIGTERM);
            finish_scan();
        }
    }
    /* Wake for the next due pass; poll while a publish is awaited. */
    for (size_t i = 0; i < nwaits; i++) {
        int ms = waits[i].due_ms > now ? (int)(waits[i].due_ms - now) : 100;
        if (wait < 0 || ms < wait)
            wait = ms;
    }
    if (nkicks && (wait < 0 || wait > 100))
        wait = 100;
    return wait;
}

void rescue_stop(void)
{
    if (scan.fd >= 0) {
        loop_del(loop, scan.fd);
        close(scan.fd);
        scan.fd = -1;
    }
    if (scan.pid) {
        kill(scan.pid, SIGTERM);
        waitpid(scan.pid, NULL, 0);
        scan.pid = 0;
    }
    while (nkicks)
        waitpid(kicks[--nkicks], NULL, 0);
    nwaits = 0;
    free(scan.buf);
    scan.buf = NULL;
    scan.cap = scan.len = 0;
}
