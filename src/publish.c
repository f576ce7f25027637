/*
 * publish - see publish.h.  postmap updates its own database atomically
 * (one transaction for lmdb, a temp file renamed for cdb), so Postfix never
 * reads half a table.  Each publish is counted once, when its outcome is
 * known.  postmap is always waited for: publishing runs on the writer
 * thread (src/writer.c), or at start and stop, never on the loop thread.
 */
#include "publish.h"
#include "atomic.h"
#include "log.h"
#include "metrics.h"
#include "util.h"
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* One postmap run, with what a failure report names. */
struct postmap_child {
    char table[4200];
    char command[8300];
    unsigned long seq;
};

static int run_postmap(const char *spec, int bare, const char *postfix_config);

/* Written by whichever thread publishes (the writer thread, or the loop
 * at start and stop), read by rescue on the loop thread. */
static unsigned long seq_started, seq_done;

unsigned long publish_seq_next(void)
{
    return __atomic_load_n(&seq_started, __ATOMIC_ACQUIRE) + 1;
}

unsigned long publish_seq_done(void)
{
    return __atomic_load_n(&seq_done, __ATOMIC_ACQUIRE);
}

static void done(unsigned long seq)
{
    if (seq > __atomic_load_n(&seq_done, __ATOMIC_ACQUIRE))
        __atomic_store_n(&seq_done, seq, __ATOMIC_RELEASE);
}

/* The account postmap runs as when the daemon is still root (the start-up
 * publish): a table built by root could not be updated by the daemon
 * after its privilege drop. */
static char run_as[256];

void publish_run_as(const char *user)
{
    util_strlcpy(run_as, user ? user : "", sizeof(run_as));
}

/* Looked up before the fork: the child of a threaded process may only make
 * plain system calls (an NSS lookup there could wait forever on a lock
 * another thread held at the fork). */
struct account {
    uid_t uid;
    gid_t gid;
};

static int lookup_account(const char *user, struct account *a)
{
    struct passwd pw, *res = NULL;
    char buf[4096];
    if (getpwnam_r(user, &pw, buf, sizeof(buf), &res) != 0 || res == NULL)
        return -1;
    a->uid = pw.pw_uid;
    a->gid = pw.pw_gid;
    return 0;
}

static int drop_to(const struct account *a)
{
    return setgroups(1, &a->gid) == 0 && setgid(a->gid) == 0 && setuid(a->uid) == 0 ? 0 : -1;
}

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
    *path = spec; /* a bare path is an lmdb table, as doc/design.md §3 says */
    return 1;
}

int publish_write(const char *spec, const char *text, const char *postfix_config)
{
    const char *path;
    char tmp[4096];
    int postmap = needs_postmap(spec, &path);
    /* 0644: Postfix reads a texthash: table itself, as its own user. */
    FILE *f = atomic_open(path, 0644, tmp, sizeof(tmp));

    __atomic_add_fetch(&seq_started, 1, __ATOMIC_ACQ_REL);

    if (f)
        fputs(text, f); /* a write error shows in atomic_commit() */
    if (!f || atomic_commit(f, tmp, path) != 0) {
        log_warn("publish %s: %s", path, strerror(errno));
        metrics_publish(0);
        return -1;
    }
    if (postmap)
        return run_postmap(spec, path == spec, postfix_config);
    metrics_publish(1);
    done(__atomic_load_n(&seq_started, __ATOMIC_ACQUIRE));
    return 0;
}

/* "exited with status 1" / "killed by signal 9": what an admin reads. */
static void status_words(int status, char *buf, size_t size)
{
    if (WIFEXITED(status))
        snprintf(buf, size, "exited with status %d", WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        snprintf(buf, size, "killed by signal %d", WTERMSIG(status));
    else
        snprintf(buf, size, "ended with wait status %d", status);
}

static void postmap_failed(const struct postmap_child *ch, int status)
{
    char words[64];
    status_words(status, words, sizeof(words));
    log_warn("publish %s: \"%s\" %s%s", ch->table, ch->command, words,
             WIFEXITED(status) && WEXITSTATUS(status) == 127 ? " (postmap not found in PATH)" : "");
}

/* 0 when postmap succeeded; a failure is logged.  Counted either way. */
static int postmap_ended(const struct postmap_child *ch, int status)
{
    int ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    metrics_publish(ok);
    if (ok)
        done(ch->seq);
    else
        postmap_failed(ch, status);
    return ok ? 0 : -1;
}

static int run_postmap(const char *spec, int bare, const char *postfix_config)
{
    char typed[4200];
    int status;
    struct postmap_child ch = {0};

    ch.seq = __atomic_load_n(&seq_started, __ATOMIC_ACQUIRE);
    snprintf(typed, sizeof(typed), "%s%s", bare ? "lmdb:" : "", spec);
    util_strlcpy(ch.table, typed, sizeof(ch.table));
    if (postfix_config && postfix_config[0])
        snprintf(ch.command, sizeof(ch.command), "postmap -c %s %s", postfix_config, typed);
    else
        snprintf(ch.command, sizeof(ch.command), "postmap %s", typed);
    struct account acct;
    int drop = run_as[0] && geteuid() == 0;
    if (drop && lookup_account(run_as, &acct) < 0)
        acct.uid = (uid_t)-1; /* the child exits 126: "cannot become" */
    pid_t pid = fork();
    if (pid == 0) {
        if (drop && (acct.uid == (uid_t)-1 || drop_to(&acct) < 0))
            _exit(126);
        if (postfix_config && postfix_config[0])
            execlp("postmap", "postmap", "-c", postfix_config, typed, (char *)NULL);
        else
            execlp("postmap", "postmap", typed, (char *)NULL);
        _exit(127);
    }
    if (pid < 0) {
        log_warn("publish %s: \"%s\": fork: %s", ch.table, ch.command, strerror(errno));
        metrics_publish(0);
        return -1;
    }
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) {
            metrics_publish(0);
            return -1;
        }
    return postmap_ended(&ch, status);
}
