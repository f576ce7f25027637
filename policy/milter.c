/*
 * milter - the libmilter front-end (doc/design.md §6); see milter.h.
 * The only file that includes mfapi.h.
 *
 * Per message it hands the recipient addresses to a struct milter_msg
 * (policy/milter_msg.c: the distinct domains, the core asked once per new
 * domain, no DNS here) and, at end-of-message, lets it decide: it waits
 * up to probe.wait for the probes still running (core_wait(), the only
 * call that sleeps), asks the core again, logs one decision line per
 * domain and names the headers to add, which this file adds with
 * smfi_addheader().  The libmilter callbacks only move data between
 * libmilter and that module.
 *
 * Fail open: every callback answers CONTINUE (or ACCEPT once stopping),
 * MAIL and RCPT with no reply at all where the MTA allows it (Postfix and
 * Sendmail 8.14 do: SMFIP_NR_MAIL, SMFIP_NR_RCPT);
 * never TEMPFAIL or REJECT, never a change to the envelope.
 *
 * Threads: smfi_main() runs on a thread of its own with SIGHUP, SIGTERM,
 * SIGINT and SIGPIPE blocked, so that libmilter's signal thread (which
 * inherits the mask and sigwait()s for them) never competes with the main
 * thread's handlers.  If smfi_main() returns without milter_stop(), it is
 * restarted MLFI_RESTARTS times at most.  libmilter keeps its stop flag for
 * the life of the process, so a milter stopped by a stray signal cannot be
 * restarted: the restart then returns at once and we log an error.  For
 * the same reason milter_start() works once per process: after
 * milter_stop(), a new milter needs a new process.
 *
 * Sockets: a stale unix socket is removed (smfi_opensocket(true)) and the
 * new one gets listen.socket_mode and listen.socket_group by chmod/chown
 * after it is opened (a short window with umask permissions; the directory
 * is what protects it).
 *
 * Stopping: milter_stop() sets a flag that makes new callbacks answer
 * ACCEPT without touching the core, calls smfi_stop(), connects to the
 * listening socket so that libmilter's accept poll (5 s, with the lock
 * smfi_stop() needs) returns at once, joins the thread and waits (bounded)
 * until no callback is inside the core any more.
 */
#include "milter.h"

#include <errno.h>
#include <grp.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <libmilter/mfapi.h>

#include "core.h"
#include "log.h"
#include "milter_msg.h"
#include "util.h"

#define MLFI_NAME            "mxdetourd"
#define MLFI_RESTARTS        3
#define MLFI_RESTART_MS      1000
#define MLFI_STOP_MS         10000 /* milter_stop(): wait for callbacks in flight */
#define MLFI_ACCEPT_PAUSE_MS 250   /* out of descriptors: see accept() below */
#define MLFI_ACCEPT_LOG_MS   10000

/* ------------------------------------------------------------------ */
/* Callbacks in flight, so that milter_stop() can wait for them.       */

static pthread_mutex_t mlfi_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t mlfi_cond = PTHREAD_COND_INITIALIZER;
static int mlfi_busy;     /* callbacks inside the core */
static int mlfi_stopping; /* milter_stop() was called */
static int mlfi_running;  /* the smfi_main() thread exists */
static pthread_t mlfi_thread;
static char *mlfi_conn;
static int mlfi_timeout_s; /* listen.milter_timeout: see milter.h */

static int mlfi_enter(void)
{
    int ok;

    pthread_mutex_lock(&mlfi_lock);
    ok = !mlfi_stopping;
    if (ok)
        mlfi_busy++;
    pthread_mutex_unlock(&mlfi_lock);
    return ok;
}

static void mlfi_leave(void)
{
    pthread_mutex_lock(&mlfi_lock);
    if (--mlfi_busy == 0)
        pthread_cond_broadcast(&mlfi_cond);
    pthread_mutex_unlock(&mlfi_lock);
}

/* ------------------------------------------------------------------ */
/* Thin wrappers over libmilter.                                       */

static struct milter_msg *mlfi_getpriv(SMFICTX *ctx, int create)
{
    struct milter_msg *p = smfi_getpriv(ctx);

    if (p == NULL && create) {
        p = milter_msg_new();
        if (smfi_setpriv(ctx, p) != MI_SUCCESS) {
            milter_msg_free(p);
            return NULL;
        }
    }
    return p;
}

/* Postfix sends "i", Sendmail "{i}"; libmilter may find either spelling. */
static void mlfi_getqid(SMFICTX *ctx, char *out, size_t size)
{
    char i1[] = "i";
    const char *v = smfi_getsymval(ctx, i1);

    if (v == NULL || *v == '\0') {
        char i2[] = "{i}";
        v = smfi_getsymval(ctx, i2);
    }
    log_qid(out, size, v);
}

/* milter_msg_add_fn: the headers milter_msg_decide() chose, checked there. */
static void mlfi_addheader(void *ctx, const char *qid, char *name, char *value)
{
    if (smfi_addheader(ctx, name, value) != MI_SUCCESS)
        log_warn("%s%smilter: smfi_addheader %.64s failed", qid, *qid ? ": " : "", name);
}

/* ------------------------------------------------------------------ */
/* Callbacks.                                                          */

/* MAIL and RCPT get no reply when libmilter offers that (it always does,
 * and answers CONTINUE itself to an MTA without the feature): our answer
 * there is always "continue", and each reply saved is a write here and a
 * read and a wake-up in the MTA, per recipient.  Set at the first
 * negotiation; libmilter offers every connection the same. */
#define MLFI_NR (SMFIP_NR_MAIL | SMFIP_NR_RCPT)
static int mlfi_noreply;

/* What MAIL and RCPT answer: nothing, as negotiated, or CONTINUE. */
static sfsistat mlfi_go_on(void)
{
    return __atomic_load_n(&mlfi_noreply, __ATOMIC_RELAXED) ? SMFIS_NOREPLY : SMFIS_CONTINUE;
}

static sfsistat mlfi_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1, unsigned long f2,
                               unsigned long f3, unsigned long *pf0, unsigned long *pf1,
                               unsigned long *pf2, unsigned long *pf3)
{
    /* Steps we have no use for; MAIL stays so a new message resets state. */
    const unsigned long skip = SMFIP_NOCONNECT | SMFIP_NOHELO | SMFIP_NOHDRS | SMFIP_NOEOH |
                               SMFIP_NOBODY | SMFIP_NOUNKNOWN | SMFIP_NODATA;

    (void)f2;
    (void)f3;
    *pf0 = f0 & (SMFIF_ADDHDRS | SMFIF_SETSYMLIST);
    *pf1 = f1 & (skip | MLFI_NR);
    __atomic_store_n(&mlfi_noreply, (f1 & MLFI_NR) == MLFI_NR, __ATOMIC_RELAXED);
    *pf2 = 0;
    *pf3 = 0;
    if ((f0 & SMFIF_ADDHDRS) == 0)
        log_warn("milter: the MTA does not allow adding headers; decisions are only logged");
    if (f0 & SMFIF_SETSYMLIST) {
        char macros[] = "{i}";
        smfi_setsymlist(ctx, SMFIM_ENVRCPT, macros);
        smfi_setsymlist(ctx, SMFIM_EOM, macros);
    }
    return SMFIS_CONTINUE;
}

static sfsistat mlfi_connect(SMFICTX *ctx, char *host, _SOCK_ADDR *addr)
{
    (void)ctx;
    (void)host;
    (void)addr;
    return SMFIS_CONTINUE;
}

static sfsistat mlfi_helo(SMFICTX *ctx, char *helo)
{
    (void)ctx;
    (void)helo;
    return SMFIS_CONTINUE;
}

static sfsistat mlfi_envfrom(SMFICTX *ctx, char **argv)
{
    (void)argv;
    milter_msg_reset(mlfi_getpriv(ctx, 0));
    return mlfi_go_on();
}

static sfsistat mlfi_envrcpt(SMFICTX *ctx, char **argv)
{
    struct milter_msg *p;

    /* Stopping: ACCEPT would end the message for us, but a step without a
     * reply cannot say so (libmilter would log the reply as a lie). */
    if (!mlfi_enter())
        return mlfi_go_on() == SMFIS_NOREPLY ? SMFIS_NOREPLY : SMFIS_ACCEPT;
    p = mlfi_getpriv(ctx, 1);
    if (p != NULL && p->qid[0] == '\0')
        mlfi_getqid(ctx, p->qid, sizeof(p->qid));
    if (p != NULL && argv != NULL && argv[0] != NULL)
        milter_msg_rcpt(p, argv[0]);
    mlfi_leave();
    return mlfi_go_on();
}

static sfsistat mlfi_data(SMFICTX *ctx)
{
    (void)ctx;
    return SMFIS_CONTINUE;
}

static sfsistat mlfi_header(SMFICTX *ctx, char *name, char *value)
{
    (void)ctx;
    (void)name;
    (void)value;
    return SMFIS_CONTINUE;
}

static sfsistat mlfi_eoh(SMFICTX *ctx)
{
    (void)ctx;
    return SMFIS_CONTINUE;
}

static sfsistat mlfi_body(SMFICTX *ctx, unsigned char *chunk, size_t len)
{
    (void)ctx;
    (void)chunk;
    (void)len;
    return SMFIS_CONTINUE;
}

static sfsistat mlfi_eom(SMFICTX *ctx)
{
    struct milter_msg *p = mlfi_getpriv(ctx, 0);

    if (mlfi_enter()) {
        if (p != NULL && p->n > 0) {
            char qid[MLFI_QID_MAX];
            mlfi_getqid(ctx, qid, sizeof(qid));
            milter_msg_decide(p, qid, mlfi_addheader, ctx);
        }
        mlfi_leave();
    }
    milter_msg_reset(p);
    return SMFIS_CONTINUE;
}

static sfsistat mlfi_abort(SMFICTX *ctx)
{
    milter_msg_reset(mlfi_getpriv(ctx, 0));
    return SMFIS_CONTINUE;
}

static sfsistat mlfi_close(SMFICTX *ctx)
{
    struct milter_msg *p = mlfi_getpriv(ctx, 0);

    if (p != NULL) {
        smfi_setpriv(ctx, NULL);
        milter_msg_free(p);
    }
    return SMFIS_CONTINUE;
}

static sfsistat mlfi_unknown(SMFICTX *ctx, const char *cmd)
{
    (void)ctx;
    (void)cmd;
    return SMFIS_CONTINUE;
}

/* Every callback is registered: miltertest 2.11 gives up on a milter that
 * registers few; mlfi_negotiate() then asks the MTA to skip the steps. */
static struct smfiDesc mlfi_desc = {
    .xxfi_name = MLFI_NAME,
    .xxfi_version = SMFI_VERSION,
    .xxfi_flags = SMFIF_ADDHDRS,
    .xxfi_connect = mlfi_connect,
    .xxfi_helo = mlfi_helo,
    .xxfi_envfrom = mlfi_envfrom,
    .xxfi_envrcpt = mlfi_envrcpt,
    .xxfi_header = mlfi_header,
    .xxfi_eoh = mlfi_eoh,
    .xxfi_body = mlfi_body,
    .xxfi_eom = mlfi_eom,
    .xxfi_abort = mlfi_abort,
    .xxfi_close = mlfi_close,
    .xxfi_unknown = mlfi_unknown,
    .xxfi_data = mlfi_data,
    .xxfi_negotiate = mlfi_negotiate,
};

/* ------------------------------------------------------------------ */
/* Listening socket.                                                   */

/* The path of a "unix:PATH" / "local:PATH" socket, or NULL. */
static const char *mlfi_unix_path(const char *conn)
{
    if (strncmp(conn, "unix:", 5) == 0)
        return conn + 5;
    if (strncmp(conn, "local:", 6) == 0)
        return conn + 6;
    if (strchr(conn, ':') == NULL && conn[0] == '/')
        return conn;
    return NULL;
}

static void mlfi_socket_perms(const char *path)
{
    char group[256];
    mode_t mode = core_socket_perms(group, sizeof(group));

    if (chmod(path, mode) != 0)
        log_warn("milter: chmod %s: %s", path, strerror(errno));
    if (group[0] != '\0') {
        const struct group *gr = getgrnam(group);
        if (gr == NULL)
            log_warn("milter: group %s not found; %s keeps its group", group, path);
        else if (chown(path, (uid_t)-1, gr->gr_gid) != 0)
            log_warn("milter: chown %s: %s", path, strerror(errno));
    }
}

static int mlfi_open(void)
{
    const char *path = mlfi_unix_path(mlfi_conn);

    if (smfi_register(mlfi_desc) != MI_SUCCESS || smfi_setconn(mlfi_conn) != MI_SUCCESS) {
        log_err("milter: cannot register on %s", mlfi_conn);
        return -1;
    }
    smfi_settimeout(mlfi_timeout_s);
    if (smfi_opensocket(1) != MI_SUCCESS) {
        log_err("milter: cannot listen on %s: %s", mlfi_conn, strerror(errno));
        return -1;
    }
    if (path != NULL)
        mlfi_socket_perms(path);
    return 0;
}

/* Starts a connection to addr and drops it: enough to wake a poll(). */
static void mlfi_knock(int family, const struct sockaddr *addr, socklen_t len)
{
    int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

    if (fd < 0)
        return;
    if (connect(fd, addr, len) != 0 && errno != EINPROGRESS && errno != EAGAIN)
        log_debug("milter: poke %s: %s", mlfi_conn, strerror(errno));
    close(fd);
}

/* "inet:PORT@HOST" / "inet6:PORT@HOST" (no HOST: any address). */
static void mlfi_poke_inet(const char *spec, int family)
{
    struct addrinfo hints = {.ai_family = family, .ai_socktype = SOCK_STREAM}, *res;
    char buf[300], *at, *end;
    const char *host;

    if (util_strlcpy(buf, spec, sizeof(buf)) >= sizeof(buf))
        return;
    at = strchr(buf, '@');
    if (at != NULL)
        *at++ = '\0';
    host = family == AF_INET6 ? "::1" : "127.0.0.1";
    if (at != NULL && at[0] == '[' && (end = strchr(at, ']')) != NULL) {
        *end = '\0';
        host = at + 1;
    } else if (at != NULL && at[0] != '\0') {
        host = at;
    }
    if (getaddrinfo(host, buf, &hints, &res) != 0)
        return;
    mlfi_knock(res->ai_family, res->ai_addr, res->ai_addrlen);
    freeaddrinfo(res);
}

/* Connects to our own socket: wakes libmilter's accept poll after smfi_stop(). */
static void mlfi_poke(void)
{
    const char *path = mlfi_unix_path(mlfi_conn);
    struct sockaddr_un un = {.sun_family = AF_UNIX};

    if (strncmp(mlfi_conn, "inet:", 5) == 0) {
        mlfi_poke_inet(mlfi_conn + 5, AF_INET);
    } else if (strncmp(mlfi_conn, "inet6:", 6) == 0) {
        mlfi_poke_inet(mlfi_conn + 6, AF_INET6);
    } else if (path != NULL && strlen(path) < sizeof(un.sun_path)) {
        memcpy(un.sun_path, path, strlen(path) + 1);
        mlfi_knock(AF_UNIX, (struct sockaddr *)&un, sizeof(un));
    }
}

/* ------------------------------------------------------------------ */
/* The smfi_main() thread.                                             */

static int mlfi_is_stopping(void)
{
    int s;

    pthread_mutex_lock(&mlfi_lock);
    s = mlfi_stopping;
    pthread_mutex_unlock(&mlfi_lock);
    return s;
}

/* Sleeps ms unless milter_stop() comes first; returns mlfi_stopping. */
static int mlfi_pause(unsigned ms)
{
    struct timespec until;
    int s;

    util_deadline(CLOCK_REALTIME, ms, &until);
    pthread_mutex_lock(&mlfi_lock);
    while (!mlfi_stopping && pthread_cond_timedwait(&mlfi_cond, &mlfi_lock, &until) == 0)
        ;
    s = mlfi_stopping;
    pthread_mutex_unlock(&mlfi_lock);
    return s;
}

/* libmilter's listener (mi_listener() in its listener.c) polls its socket
 * and, when accept() fails with EMFILE, ENFILE, ENOBUFS or ENOMEM, tries
 * again at once without a pause or a log line: out of descriptors, it spins
 * a core for as long as a peer waits in the backlog.  libmilter has no hook
 * for that, so this accept() takes the place of libc's for the whole process
 * (the executable's definition comes first in symbol lookup; libmilter is
 * its only caller, the daemon's own listeners use accept4()).  On the
 * smfi_main() thread, such a failure rests MLFI_ACCEPT_PAUSE_MS (less when
 * milter_stop() comes) and is logged once per MLFI_ACCEPT_LOG_MS with a
 * count; libmilter then tries again, as before. */
static _Thread_local int mlfi_is_listener; /* this is the smfi_main() thread */
static uint64_t mlfi_accept_logged;        /* smfi_main() thread only */
static unsigned long mlfi_accept_fails;

int accept(int fd, __SOCKADDR_ARG addr, socklen_t *__restrict len)
{
    int r = accept4(fd, addr, len, 0), e = errno;

    if (r >= 0 || !mlfi_is_listener || (e != EMFILE && e != ENFILE && e != ENOBUFS && e != ENOMEM))
        return r;
    mlfi_accept_fails++;
    if (mlfi_accept_logged == 0 || util_now_ms() - mlfi_accept_logged >= MLFI_ACCEPT_LOG_MS) {
        log_warn("milter: accept: %s (%lu times since the last such line); not accepting for "
                 "a while",
                 strerror(e), mlfi_accept_fails);
        mlfi_accept_fails = 0;
        mlfi_accept_logged = util_now_ms();
    }
    mlfi_pause(MLFI_ACCEPT_PAUSE_MS);
    errno = e;
    return r;
}

static void *mlfi_main(void *arg)
{
    int i;

    (void)arg;
    mlfi_is_listener = 1;
    for (i = 0;; i++) {
        int r = smfi_main();
        if (mlfi_is_stopping())
            break;
        if (i >= MLFI_RESTARTS) {
            log_err("milter: smfi_main returned %d; gave up after %d restarts, milter is off", r,
                    MLFI_RESTARTS);
            break;
        }
        log_warn("milter: smfi_main returned %d unexpectedly; restarting", r);
        if (mlfi_pause(MLFI_RESTART_MS) || mlfi_open() != 0)
            break;
    }
    return NULL;
}

int milter_start(const char *conn, unsigned timeout_ms)
{
    sigset_t block, old;
    int err;

    if (conn == NULL || conn[0] == '\0' || mlfi_running) {
        log_err("milter: %s", mlfi_running ? "already running" : "no socket to listen on");
        return -1;
    }
    free(mlfi_conn);
    mlfi_conn = xstrdup(conn);
    mlfi_timeout_s = (int)((timeout_ms + 999) / 1000);
    mlfi_stopping = 0;
    if (mlfi_open() != 0)
        return -1;
    sigemptyset(&block);
    sigaddset(&block, SIGHUP);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &block, &old); /* inherited by the new thread */
    err = pthread_create(&mlfi_thread, NULL, mlfi_main, NULL);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (err != 0) {
        log_err("milter: pthread_create: %s", strerror(err));
        return -1;
    }
    mlfi_running = 1;
    log_info("milter: listening on %s", conn);
    return 0;
}

/* Waits for callbacks inside the core, at most MLFI_STOP_MS. */
static void mlfi_drain(void)
{
    uint64_t until = util_now_ms() + MLFI_STOP_MS;
    struct timespec ts;

    pthread_mutex_lock(&mlfi_lock);
    while (mlfi_busy > 0 && util_now_ms() < until) {
        util_deadline(CLOCK_REALTIME, 50, &ts);
        pthread_cond_timedwait(&mlfi_cond, &mlfi_lock, &ts);
    }
    if (mlfi_busy > 0)
        log_warn("milter: %d callbacks still running at stop", mlfi_busy);
    pthread_mutex_unlock(&mlfi_lock);
}

static void *mlfi_stopper(void *arg)
{
    int *done = arg;

    smfi_stop();
    pthread_mutex_lock(&mlfi_lock);
    *done = 1;
    pthread_mutex_unlock(&mlfi_lock);
    return NULL;
}

static int mlfi_done(const int *done)
{
    int d;

    pthread_mutex_lock(&mlfi_lock);
    d = *done;
    pthread_mutex_unlock(&mlfi_lock);
    return d;
}

/* smfi_stop() waits for libmilter's listener, which polls for a
 * connection up to 5 s holding its lock: poke it until smfi_stop() is
 * through (6 s at most, then libmilter's own timeout has passed anyway). */
static void mlfi_stop_listener(void)
{
    const struct timespec tick = {0, 20 * 1000000L};
    pthread_t stopper;
    int done = 0, i;

    if (pthread_create(&stopper, NULL, mlfi_stopper, &done) != 0) {
        smfi_stop();
        return;
    }
    for (i = 0; i < 300 && !mlfi_done(&done); i++) {
        nanosleep(&tick, NULL);
        mlfi_poke();
    }
    pthread_join(stopper, NULL);
}

void milter_stop(void)
{
    if (!mlfi_running)
        return;
    pthread_mutex_lock(&mlfi_lock);
    mlfi_stopping = 1;
    pthread_cond_broadcast(&mlfi_cond);
    pthread_mutex_unlock(&mlfi_lock);
    mlfi_stop_listener();
    pthread_join(mlfi_thread, NULL);
    mlfi_running = 0;
    mlfi_drain();
    log_info("milter: stopped");
}
