/*
 * mxdetourd - the daemon: loads the config, binds the listeners as root,
 * loads the state, drops to `user`, starts the milter thread and runs the
 * event loop.  Without -f it detaches only once all of that worked: the
 * parent waits on a pipe for the child's "ready", so a failure is said on
 * the admin's terminal with the right exit status (doc/design.md §8) instead of in
 * a log nobody reads yet.  SIGHUP reloads (a bad file is logged and the old
 * config stays), SIGTERM and SIGINT stop: listeners close, requests in
 * flight get up to DRAIN_MS to finish, state is saved, exit 0.
 */
#include "config.h"
#include "conf.h"
#include "conf_warn.h"
#include "core_daemon.h"
#include "listen.h"
#include "log.h"
#include "logq.h"
#include "loop.h"
#include "metrics_http.h"
#include "milter.h"
#include "notify.h"
#include "util.h"
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <grp.h>
#include <pwd.h>
#include <sys/wait.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

static void usage(FILE *to)
{
    fprintf(to, "usage: mxdetourd [-f] [-t] [-c FILE] [--version]\n"
                "  -f  stay in the foreground (log to stderr too)\n"
                "  -t  check the config and exit\n"
                "  -c  config file (default " CONF_DEFAULT_PATH ")\n");
}

static void log_warning(const char *text, void *arg)
{
    (void)arg;
    log_warn("config: %s", text);
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

/* The folder of a unix socket, made when missing (its parent must exist):
 * /var/spool/postfix/mxdetour and /run/mxdetour are ours to create, and a
 * missing one would otherwise stop the start-up on a fresh machine.  Owned
 * by user and group so that only the daemon and the MTA can enter it. */
static int socket_dir(const char *spec, const struct conf *c)
{
    char path[4096];
    struct stat st;
    const char *colon = strchr(spec, ':');

    if (strncmp(spec, "unix:", 5) != 0 && strncmp(spec, "local:", 6) != 0)
        return 0;
    util_strlcpy(path, colon + 1, sizeof(path));
    char *dir = dirname(path);
    if (stat(dir, &st) == 0)
        return 0;
    if (mkdir(dir, 0750) < 0) {
        fprintf(stderr, "mxdetourd: cannot create %s: %s\n", dir, strerror(errno));
        return -1;
    }
    if (geteuid() == 0) {
        struct passwd *pw = c->user[0] ? getpwnam(c->user) : NULL;
        struct group *gr = c->socket_group[0] ? getgrnam(c->socket_group) : NULL;
        if (chown(dir, pw ? pw->pw_uid : (uid_t)-1, gr ? gr->gr_gid : (gid_t)-1) < 0)
            log_warn("%s: chown: %s", dir, strerror(errno));
    }
    return 0;
}

static int open_one(enum listen_proto proto, const char *spec, mode_t mode, const struct conf *c)
{
    if (!spec[0])
        return 0;
    if (socket_dir(spec, c) < 0)
        return -1;
    return listen_open(loop, proto, spec, mode, c->socket_group);
}

static int open_listeners(const struct conf *c)
{
    if (open_one(LISTEN_SOCKMAP, c->listen_socketmap, c->socket_mode, c) ||
        open_one(LISTEN_POLICY, c->listen_policy, c->socket_mode, c) ||
        open_one(LISTEN_CONTROL, c->listen_control, c->control_mode, c))
        return -1;
    return c->listen_milter[0] ? socket_dir(c->listen_milter, c) : 0;
}

/* Forks; the parent waits until the child says it is ready (one byte on
 * the pipe) and exits 0, or until the pipe closes without it and exits
 * with the child's status.  Returns the write end in the child. */
static int detach(void)
{
    int p[2];
    pid_t pid;
    char ok;

    if (pipe2(p, O_CLOEXEC) < 0 || (pid = fork()) < 0) {
        fprintf(stderr, "mxdetourd: cannot detach: %s\n", strerror(errno));
        exit(1);
    }
    if (pid == 0) {
        close(p[0]);
        setsid();
        return p[1];
    }
    close(p[1]);
    ssize_t n;
    while ((n = read(p[0], &ok, 1)) < 0 && errno == EINTR)
        ;
    if (n == 1)
        _exit(0);
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    _exit(WIFEXITED(status) ? WEXITSTATUS(status) : 1);
}

/* The child is ready: the parent may exit 0, and the terminal is let go. */
static void detached(int fd)
{
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null >= 0) {
        dup2(null, STDIN_FILENO);
        dup2(null, STDOUT_FILENO);
        dup2(null, STDERR_FILENO);
        if (null > STDERR_FILENO)
            close(null);
    }
    log_stderr_off();
    if (write(fd, "", 1) != 1)
        log_warn("start-up pipe: %s", strerror(errno));
    close(fd);
}

static void reload(const char *path)
{
    notify_reloading();
    struct conf *c = load(path, 0);
    if (!c) {
        log_err("reload of %s failed: keeping the old config", path);
        notify_ready();
        return;
    }
    conf_warnings(c, log_warning, NULL); /* as at start: a reload is how most configs change */
    core_reload(c);
    log_notice("reloaded %s: %zu listed domains (listener changes need a restart)", path,
               c->ndomains);
    conf_unref(c);
    notify_ready();
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

static int parse_args(int argc, char **argv, const char **path, int *fg, int *test)
{
    int opt;
    for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
        if (strcmp(argv[i], "--version") == 0) {
            printf("mxdetourd %s\n", PACKAGE_VERSION);
            return 0;
        }
        if (strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return 0;
        }
    }
    while ((opt = getopt(argc, argv, "c:fth")) != -1) {
        switch (opt) {
        case 'c':
            *path = optarg;
            break;
        case 'f':
            *fg = 1;
            break;
        case 't':
            *test = 1;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (optind != argc) {
        usage(stderr);
        return 2;
    }
    return -1;
}

/* Everything that can fail is done here, before the start is reported. */
static int core_on; /* core_start() succeeded: core_stop() undoes it */

/* Undoes what start() did, in reverse, so that a failed start-up frees
 * what it held (LeakSanitizer runs in CI) and leaves no stale socket. */
static void teardown(int milter_on)
{
    listen_close_all();
    metrics_http_stop();
    if (milter_on)
        milter_stop();
    if (core_on)
        core_stop();
    core_on = 0;
    logq_stop();
    loop_free(loop);
    loop = NULL;
}

static int start(struct conf *c, const char *path, int *milter_on)
{
    struct sigaction sa;

    logq_start(LOGQ_BYTES, NULL); /* after detach(): a thread does not survive fork */
    loop = loop_new();
    if (!loop) {
        log_err("cannot create the event loop: %s", strerror(errno));
        return 1;
    }
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    /* Every socket, the milter's too, is bound as root so that it can be
     * given socket_group; glibc's setuid() then covers the milter thread.
     * core_start() loads the state and writes the publish table first, so
     * that transport_maps names a table that exists once we are up. */
    if (open_listeners(c) < 0 || core_start(loop, c) < 0)
        return EX_UNAVAILABLE;
    core_on = 1;
    /* After core_start(): a scrape reads the cache. */
    if (metrics_http_start(c->listen_metrics) < 0)
        return EX_UNAVAILABLE;
    if (c->listen_milter[0]) {
        if (milter_start(c->listen_milter, c->milter_timeout_ms) < 0)
            return EX_UNAVAILABLE;
        *milter_on = 1;
    }
    if (drop_privileges(c->user) < 0)
        return EX_UNAVAILABLE;
    loop_hook(loop, check_signals, (void *)path);
    return 0;
}

int main(int argc, char **argv)
{
    const char *path = CONF_DEFAULT_PATH;
    int fg = 0, test = 0, milter_on = 0, ready_fd = -1, rc;

    if ((rc = parse_args(argc, argv, &path, &fg, &test)) >= 0)
        return rc;
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
    /* Under systemd (JOURNAL_STREAM), stderr is the journal, which gets the
     * syslog lines already: one copy is enough.  Until the daemon detaches,
     * errors go to the terminal that started it. */
    log_open("mxdetourd", c->log_facility, c->log_level,
             getenv("JOURNAL_STREAM") ? LOG_STDERR_OFF
             : fg                     ? LOG_STDERR_STAMPED
                                      : LOG_STDERR_ERRORS);
    conf_warnings(c, log_warning, NULL);
    if (!fg)
        ready_fd = detach();
    rc = start(c, path, &milter_on);
    if (rc != 0) {
        if (loop)
            teardown(milter_on);
        conf_unref(c);
        return rc;
    }
    log_notice("started: %s, %zu listed domains", path, c->ndomains);
    conf_unref(c);
    if (ready_fd >= 0)
        detached(ready_fd);
    notify_ready();
    loop_run(loop);

    log_notice("stopping");
    notify_stopping();
    listen_close_all();
    metrics_http_stop();
    if (milter_on)
        milter_stop();
    uint64_t until = util_now_ms() + DRAIN_MS;
    while (listen_busy() > 0 && util_now_ms() < until)
        loop_once(loop, 100);
    core_stop();
    logq_stop(); /* the decision lines still queued come before "stopped" */
    log_notice("stopped");
    return 0;
}
