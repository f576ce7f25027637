/*
 * mxdetourd - the daemon: loads the config, binds the listeners as root,
 * drops to `user`, starts the milter thread and runs the event loop.
 * SIGHUP reloads (a bad file is logged and the old config stays), SIGTERM
 * and SIGINT stop: listeners close, requests in flight get up to
 * DRAIN_MS to finish, state is saved, exit 0.
 */
#include "conf.h"
#include "core_daemon.h"
#include "listen.h"
#include "log.h"
#include "loop.h"
#include "milter.h"
#include "util.h"
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#define DRAIN_MS 5000

static volatile sig_atomic_t got_hup, got_term;
static struct loop *loop;

static void on_signal(int sig)
{
    int saved = errno;
    if (sig == SIGHUP)
        got_hup = 1;
    else
        got_term = 1;
    loop_wake(loop);
    errno = saved;
}

static void usage(void)
{
    fprintf(stderr, "usage: mxdetourd [-f] [-t] [-c FILE]\n");
}

static struct conf *load(const char *path, int to_stderr)
{
    struct conf_errs errs = {0};
    struct conf *c = conf_load(path, &errs);
    for (size_t i = 0; i < errs.n; i++) {
        if (to_stderr)
            fprintf(stderr, "%s\n", errs.msg[i]);
        else
            log_err("config: %s", errs.msg[i]);
    }
    conf_errs_free(&errs);
    return c;
}

static int drop_privileges(const char *user)
{
    struct passwd *pw;

    if (geteuid() != 0 || !user[0])
        return 0;
    pw = getpwnam(user);
    if (!pw) {
        log_err("user %s: no such user", user);
        return -1;
    }
    if (initgroups(pw->pw_name, pw->pw_gid) < 0 || setgid(pw->pw_gid) < 0 ||
        setuid(pw->pw_uid) < 0) {
        log_err("cannot become %s: %s", user, strerror(errno));
        return -1;
    }
    return 0;
}

static int open_listeners(const struct conf *c)
{
    if (c->listen_socketmap[0] &&
        listen_open(loop, LISTEN_SOCKMAP, c->listen_socketmap, c->socket_mode, c->socket_group))
        return -1;
    if (c->listen_policy[0] &&
        listen_open(loop, LISTEN_POLICY, c->listen_policy, c->socket_mode, c->socket_group))
        return -1;
    if (c->listen_control[0] &&
        listen_open(loop, LISTEN_CONTROL, c->listen_control, c->socket_mode, c->socket_group))
        return -1;
    return 0;
}

static void reload(const char *path)
{
    struct conf *c = load(path, 0);
    if (!c) {
        log_err("reload of %s failed: keeping the old config", path);
        return;
    }
    core_reload(c);
    log_notice("reloaded %s: %zu listed domains (listener changes need a restart)", path,
               c->ndomains);
    conf_unref(c);
}

/* Wakes the loop so it can look at the signal flags. */
static int check_signals(struct loop *l, void *arg)
{
    const char *path = arg;
    if (got_hup) {
        got_hup = 0;
        reload(path);
    }
    if (got_term)
        loop_stop(l);
    return -1;
}

int main(int argc, char **argv)
{
    const char *path = CONF_DEFAULT_PATH;
    int fg = 0, test = 0, opt, milter_on = 0;
    struct sigaction sa;

    while ((opt = getopt(argc, argv, "c:fth")) != -1) {
        switch (opt) {
        case 'c':
            path = optarg;
            break;
        case 'f':
            fg = 1;
            break;
        case 't':
            test = 1;
            break;
        case 'h':
            usage();
            return 0;
        default:
            usage();
            return 2;
        }
    }
    if (optind != argc) {
        usage();
        return 2;
    }
    struct conf *c = load(path, 1);
    if (!c)
        return EX_CONFIG;
    if (test) {
        char line[512];
        conf_summary(c, line, sizeof(line));
        printf("%s\n", line);
        conf_unref(c);
        return 0;
    }
    log_open("mxdetourd", c->log_facility, c->log_level, fg);
    if (!fg && daemon(0, 0) < 0) {
        log_err("daemon: %s", strerror(errno));
        return 1;
    }
    loop = loop_new();
    if (!loop)
        return 1;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    /* Every socket, the milter's too, is bound as root so that it can be
     * given socket_group; glibc's setuid() then covers the milter thread. */
    if (open_listeners(c) < 0 || core_start(loop, c) < 0)
        return EX_UNAVAILABLE;
    if (c->listen_milter[0]) {
        if (milter_start(c->listen_milter) < 0)
            return EX_UNAVAILABLE;
        milter_on = 1;
    }
    if (drop_privileges(c->user) < 0)
        return EX_UNAVAILABLE;
    loop_hook(loop, check_signals, (void *)path);
    log_notice("started: %s, %zu listed domains", path, c->ndomains);
    conf_unref(c);
    loop_run(loop);

    log_notice("stopping");
    listen_close_all();
    if (milter_on)
        milter_stop();
    uint64_t until = util_now_ms() + DRAIN_MS;
    while (listen_busy() > 0 && util_now_ms() < until)
        loop_once(loop, 100);
    core_stop();
    log_notice("stopped");
    return 0;
}
