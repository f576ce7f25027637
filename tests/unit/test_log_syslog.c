/*
 * test_log_syslog - the log thread's own syslog sender (src/log_syslog.c)
 * against a datagram socket this test binds in a temporary folder, as
 * journald and rsyslog bind /dev/log: each line is one datagram in
 * syslog(3)'s format with the facility and priority; a batch longer than
 * one sendmmsg() arrives whole and in order; with nothing listening the
 * lines are dropped and a connect is tried again only after a second; a
 * daemon that restarts (a new socket at the same path) gets the next lines;
 * one that reads nothing costs the sender a second at most, not forever.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "log_syslog.h"

static char dir[] = "/tmp/mxd-syslog.XXXXXX";
static char path[200];

static int bind_sink(void)
{
    struct sockaddr_un sun = {.sun_family = AF_UNIX};
    int fd = socket(AF_UNIX, SOCK_DGRAM, 0);

    assert_true(fd >= 0);
    unlink(path);
    snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
    assert_int_equal(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
    /* recv() below must not hang on a line that never came */
    struct timeval tv = {1, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    return fd;
}

/* The next datagram into buf ("" when none came within a second). */
static void next(int fd, char *buf, size_t size)
{
    ssize_t n = recv(fd, buf, size - 1, 0);
    buf[n > 0 ? n : 0] = '\0';
}

static void send_lines(size_t n, int prio, const char *fmt)
{
    int p[200];
    char text[200][32];
    const char *line[200];

    assert_true(n <= 200);
    for (size_t i = 0; i < n; i++) {
        p[i] = prio;
        snprintf(text[i], sizeof(text[i]), fmt, (int)i);
        line[i] = text[i];
    }
    log_syslog_send(n, p, line);
}

static int setup(void **state)
{
    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/log.sock", dir);
    log_syslog_path(path);
    log_syslog_open("mxdtest", LOG_MAIL);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    log_syslog_close();
    unlink(path);
    rmdir(dir);
    return 0;
}

static void test_format(void **state)
{
    char buf[2048], want[256];
    int fd = bind_sink();
    int prio[3] = {LOG_INFO, LOG_WARNING, LOG_ERR};
    const char *line[3] = {"domain=a.test verdict=healthy", "two", "three"};
    regex_t re;

    (void)state;
    log_syslog_close(); /* connect now, to the socket just bound */
    log_syslog_send(3, prio, line);
    snprintf(want, sizeof(want),
             "^<22>[A-Z][a-z][a-z] [ 1-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-6][0-9] mxdtest\\[%ld\\]: "
             "domain=a\\.test verdict=healthy$",
             (long)getpid());
    assert_int_equal(regcomp(&re, want, REG_EXTENDED | REG_NOSUB), 0);
    next(fd, buf, sizeof(buf));
    print_message("got: %s\n", buf);
    assert_int_equal(regexec(&re, buf, 0, NULL, 0), 0);
    regfree(&re);
    next(fd, buf, sizeof(buf));
    assert_true(strncmp(buf, "<20>", 4) == 0 && strstr(buf, "]: two") != NULL);
    next(fd, buf, sizeof(buf));
    assert_true(strncmp(buf, "<19>", 4) == 0 && strstr(buf, "]: three") != NULL);
    close(fd);
}

struct reader {
    int fd, n;
    char got[150][64];
};

/* A daemon reads as lines come (the socket queues only a few). */
static void *read_lines(void *arg)
{
    struct reader *r = arg;
    char buf[2048];

    for (r->n = 0; r->n < 150; r->n++) {
        next(r->fd, buf, sizeof(buf));
        if (buf[0] == '\0')
            break;
        const char *t = strstr(buf, "]: ");
        snprintf(r->got[r->n], sizeof(r->got[0]), "%s", t ? t + 3 : buf);
    }
    return NULL;
}

/* A line sent after a fork (the daemon detaches) names the child's pid. */
static void test_pid_after_fork(void **state)
{
    char buf[2048], want[64];
    int fd = bind_sink(), status;

    (void)state;
    log_syslog_close();
    send_lines(1, LOG_INFO, "parent %d");
    next(fd, buf, sizeof(buf));
    snprintf(want, sizeof(want), "mxdtest[%ld]: parent 0", (long)getpid());
    assert_non_null(strstr(buf, want));
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        send_lines(1, LOG_INFO, "child %d");
        _exit(0);
    }
    assert_int_equal(waitpid(child, &status, 0), child);
    next(fd, buf, sizeof(buf));
    snprintf(want, sizeof(want), "mxdtest[%ld]: child 0", (long)child);
    print_message("got: %s\n", buf);
    assert_non_null(strstr(buf, want));
    close(fd);
}

/* 150 lines: more than one sendmmsg() of LOG_SYSLOG_BATCH. */
static void test_long_batch(void **state)
{
    static struct reader r;
    pthread_t t;
    char want[32];

    (void)state;
    r.fd = bind_sink();
    log_syslog_close();
    assert_int_equal(pthread_create(&t, NULL, read_lines, &r), 0);
    send_lines(150, LOG_INFO, "line %d");
    pthread_join(t, NULL);
    assert_int_equal(r.n, 150);
    for (int i = 0; i < 150; i++) {
        snprintf(want, sizeof(want), "line %d", i);
        assert_string_equal(r.got[i], want);
    }
    close(r.fd);
}

static double since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* A daemon that reads nothing: its queue fills, the sender gives up after
 * half a second and then drops lines at once for a while. */
static void test_stalled_daemon(void **state)
{
    struct timespec t0;
    int fd = bind_sink();

    (void)state;
    log_syslog_close();
    clock_gettime(CLOCK_MONOTONIC, &t0);
    send_lines(100, LOG_INFO, "stuck %d");
    double first = since(&t0);
    print_message("100 lines to a stalled daemon: %.3f s\n", first);
    assert_true(first >= 0.4 && first < 1.5);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int i = 0; i < 100; i++)
        send_lines(10, LOG_INFO, "more %d");
    assert_true(since(&t0) < 0.2);
    close(fd);
}

static void test_no_daemon_then_one(void **state)
{
    char buf[2048];
    struct timespec t0, t1, second = {1, 100000000L};

    (void)state;
    unlink(path);
    log_syslog_close();
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int i = 0; i < 1000; i++)
        send_lines(1, LOG_INFO, "lost %d"); /* nothing listens: dropped */
    clock_gettime(CLOCK_MONOTONIC, &t1);
    /* One failed connect, not a thousand: well under a second. */
    assert_true(t1.tv_sec - t0.tv_sec < 1);
    int fd = bind_sink();
    send_lines(1, LOG_INFO, "early %d"); /* within the second: not tried yet */
    nanosleep(&second, NULL);
    send_lines(1, LOG_INFO, "late %d");
    next(fd, buf, sizeof(buf));
    assert_non_null(strstr(buf, "]: late 0"));
    close(fd);
}

/* journald or rsyslog restarted: a new socket at the same path. */
static void test_daemon_restart(void **state)
{
    char buf[2048];
    int fd = bind_sink();

    (void)state;
    log_syslog_close();
    send_lines(1, LOG_INFO, "before %d");
    next(fd, buf, sizeof(buf));
    assert_non_null(strstr(buf, "]: before 0"));
    close(fd);
    fd = bind_sink();
    send_lines(2, LOG_INFO, "after %d");
    next(fd, buf, sizeof(buf));
    assert_non_null(strstr(buf, "]: after 0"));
    next(fd, buf, sizeof(buf));
    assert_non_null(strstr(buf, "]: after 1"));
    close(fd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format),         cmocka_unit_test(test_pid_after_fork),
        cmocka_unit_test(test_long_batch),     cmocka_unit_test(test_no_daemon_then_one),
        cmocka_unit_test(test_daemon_restart), cmocka_unit_test(test_stalled_daemon),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
