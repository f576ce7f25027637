/*
 * test_loop - src/loop.c on real descriptors: as many hooks as are added
 * run, in order; a hook removed during a run (itself, an earlier or a later
 * one) never makes another of that run be skipped; timers fire when due,
 * not before, and a cancelled one never; a failed epoll_ctl() is returned
 * and leaves the handler table as it was.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "loop.h"
#include "util.h"

#define NHOOKS 40

static int calls[NHOOKS];
static int order[NHOOKS * 2], norder;

static int count_hook(struct loop *l, void *arg)
{
    int i = (int)(intptr_t)arg;

    (void)l;
    calls[i]++;
    order[norder++] = i;
    return -1;
}

static void reset_calls(void)
{
    memset(calls, 0, sizeof(calls));
    norder = 0;
}

static void test_many_hooks(void **state)
{
    struct loop *l = loop_new();
    int i;

    (void)state;
    assert_non_null(l);
    reset_calls();
    for (i = 0; i < NHOOKS; i++)
        loop_hook(l, count_hook, (void *)(intptr_t)i);
    loop_once(l, 0);
    for (i = 0; i < NHOOKS; i++) {
        assert_int_equal(calls[i], 1);
        assert_int_equal(order[i], i); /* in the order added */
    }
    loop_free(l);
}

/* Hook 2 removes the hook numbered remove_target (itself when 2), then
 * counts itself. */
static intptr_t remove_target;

static int remover(struct loop *l, void *arg)
{
    if (remove_target == (intptr_t)arg)
        loop_unhook(l, remover, arg);
    else
        loop_unhook(l, count_hook, (void *)remove_target);
    return count_hook(l, arg);
}

/* Three runs of hooks 0..4 where hook 2 removes, during the run: itself,
 * an earlier hook (0), a later one (4). */
static void test_unhook_during_run(void **state)
{
    static const struct {
        intptr_t target;
        const int first[5];  /* calls in the first run */
        const int second[5]; /* calls after a second run */
    } rows[] = {
        {2, {1, 1, 1, 1, 1}, {2, 2, 1, 2, 2}}, /* itself: the later ones still run */
        {0, {1, 1, 1, 1, 1}, {1, 2, 2, 2, 2}}, /* an earlier one */
        {4, {1, 1, 1, 1, 0}, {2, 2, 2, 2, 0}}, /* a later one: gone at once */
    };

    (void)state;
    for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
        struct loop *l = loop_new();
        int i;

        reset_calls();
        remove_target = rows[r].target;
        for (i = 0; i < 5; i++)
            loop_hook(l, i == 2 ? remover : count_hook, (void *)(intptr_t)i);
        loop_once(l, 0);
        for (i = 0; i < 5; i++)
            assert_int_equal(calls[i], rows[r].first[i]);
        loop_once(l, 0);
        for (i = 0; i < 5; i++)
            assert_int_equal(calls[i], rows[r].second[i]);
        loop_free(l);
    }
}

static int fired[4];

static void on_timer(struct loop *l, void *arg)
{
    (void)l;
    fired[(intptr_t)arg]++;
}

static void test_timers(void **state)
{
    struct loop *l = loop_new();
    uint64_t t0, gone;

    (void)state;
    memset(fired, 0, sizeof(fired));
    t0 = util_now_ms();
    loop_timer(l, 0, on_timer, (void *)0);
    loop_timer(l, 60, on_timer, (void *)1);
    gone = loop_timer(l, 30, on_timer, (void *)2);
    assert_true(gone != 0);
    loop_cancel(l, gone);
    loop_once(l, 1000); /* the due timer bounds the wait to 0 */
    assert_int_equal(fired[0], 1);
    assert_int_equal(fired[1], 0);
    while (fired[1] == 0 && util_now_ms() - t0 < 5000)
        loop_once(l, 1000); /* the 60 ms timer bounds each wait */
    assert_int_equal(fired[1], 1);
    assert_true(util_now_ms() - t0 >= 60);
    assert_true(util_now_ms() - t0 < 1000);
    assert_int_equal(fired[2], 0);
    loop_free(l);
}

static int reads[2];

static void on_read(struct loop *l, int fd, int events, void *arg)
{
    char c;

    (void)l;
    if ((events & LOOP_READ) && read(fd, &c, 1) == 1)
        reads[(intptr_t)arg]++;
}

static void test_fd_errors(void **state)
{
    struct loop *l = loop_new();
    int p[2];

    (void)state;
    assert_int_equal(pipe(p), 0);
    memset(reads, 0, sizeof(reads));
    assert_int_equal(loop_add(l, p[0], LOOP_READ, on_read, (void *)0), 0);
    /* A second add fails (EEXIST) and keeps the first handler. */
    assert_int_equal(loop_add(l, p[0], LOOP_READ, on_read, (void *)1), -1);
    assert_int_equal(errno, EEXIST);
    assert_int_equal(write(p[1], "x", 1), 1);
    loop_once(l, 1000);
    assert_int_equal(reads[0], 1);
    assert_int_equal(reads[1], 0);
    /* Removed: no more callbacks; removing again is a no-op. */
    assert_int_equal(loop_del(l, p[0]), 0);
    assert_int_equal(loop_del(l, p[0]), 0);
    assert_int_equal(write(p[1], "x", 1), 1);
    loop_once(l, 0);
    assert_int_equal(reads[0], 1);
    /* Not added: loop_mod() says so (the add-or-modify idiom). */
    assert_int_equal(loop_mod(l, p[0], LOOP_READ), -1);
    assert_int_equal(errno, ENOENT);
    /* epoll refuses a regular file: the error comes back, nothing is added. */
    {
        char path[] = "/tmp/test_loop.XXXXXX";
        int f = mkstemp(path);
        assert_true(f >= 0);
        unlink(path);
        assert_int_equal(loop_add(l, f, LOOP_READ, on_read, (void *)1), -1);
        assert_int_equal(errno, EPERM);
        assert_int_equal(loop_mod(l, f, LOOP_READ), -1);
        assert_int_equal(errno, ENOENT);
        close(f);
    }
    assert_int_equal(loop_add(l, -1, LOOP_READ, on_read, NULL), -1);
    close(p[0]);
    close(p[1]);
    loop_free(l);
}

static void *waker(void *arg)
{
    const struct timespec ms50 = {0, 50 * 1000000L};

    nanosleep(&ms50, NULL);
    loop_wake(arg);
    return NULL;
}

/* loop_wake() from another thread ends a wait without a deadline. */
static void test_wake(void **state)
{
    struct loop *l = loop_new();
    pthread_t t;
    uint64_t t0 = util_now_ms();

    (void)state;
    assert_int_equal(pthread_create(&t, NULL, waker, l), 0);
    loop_once(l, 5000);
    assert_true(util_now_ms() - t0 < 4000);
    pthread_join(t, NULL);
    loop_free(l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_many_hooks), cmocka_unit_test(test_unhook_during_run),
        cmocka_unit_test(test_timers),     cmocka_unit_test(test_fd_errors),
        cmocka_unit_test(test_wake),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
