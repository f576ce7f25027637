/*
 * test_logq - src/logq.c with a recording writer in place of syslog: lines
 * come out in order and all of them by logq_stop(); with the writer stuck,
 * logq_put() still returns at once, the lines that do not fit are counted
 * (logq_dropped()) and reported by one line once the writer moves again;
 * lines that wrap around the end of the ring come out whole; without a
 * running queue a line is written at once on the caller's thread.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "logq.h"
#include "util.h"

static pthread_mutex_t rec_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t rec_cond = PTHREAD_COND_INITIALIZER;
#define LONG 251  /* a line of 251 octets takes 256 in the ring */
#define RING 1100 /* four such lines, and 76 octets short of a fifth */

static char rec[64][LONG + 1];
static int rec_prio[64];
static size_t nrec;
static int gate_closed; /* the writer waits while set... */
static int allow;       /* ...except for this many more lines */
static int entered;     /* times the writer was entered */
static pthread_t writer_thread;

static void record_one(int prio, const char *line)
{
    pthread_mutex_lock(&rec_lock);
    entered++;
    writer_thread = pthread_self();
    pthread_cond_broadcast(&rec_cond);
    while (gate_closed && allow == 0)
        pthread_cond_wait(&rec_cond, &rec_lock);
    if (gate_closed)
        allow--;
    if (nrec < 64) {
        snprintf(rec[nrec], sizeof(rec[nrec]), "%s", line);
        rec_prio[nrec++] = prio;
    }
    pthread_mutex_unlock(&rec_lock);
}

/* The writer: a batch is its lines one after the other, each through the gate. */
static void recorder(size_t n, const int *prio, const char *const *line)
{
    for (size_t i = 0; i < n; i++)
        record_one(prio[i], line[i]);
}

static void reset(int closed)
{
    pthread_mutex_lock(&rec_lock);
    nrec = 0;
    gate_closed = closed;
    allow = 0;
    entered = 0;
    pthread_mutex_unlock(&rec_lock);
}

/* "line N xxx...", LONG octets. */
static void long_line(char *buf, int i)
{
    int n = snprintf(buf, LONG + 1, "line %d ", i);

    memset(buf + n, 'x', (size_t)(LONG - n));
    buf[LONG] = '\0';
}

static void put_n(int from, int to)
{
    char line[LONG + 1];

    for (int i = from; i < to; i++) {
        long_line(line, i);
        logq_put(LOG_INFO, line);
    }
}

static void expect_lines(size_t at, int from, int to)
{
    char want[LONG + 1];

    for (int i = from; i < to; i++, at++) {
        long_line(want, i);
        assert_string_equal(rec[at], want);
        assert_int_equal(rec_prio[at], LOG_INFO);
    }
}

static void open_gate(void)
{
    pthread_mutex_lock(&rec_lock);
    gate_closed = 0;
    pthread_cond_broadcast(&rec_cond);
    pthread_mutex_unlock(&rec_lock);
}

/* Waits until the writer was entered n times (and is stuck there). */
static void wait_entered(int n)
{
    pthread_mutex_lock(&rec_lock);
    while (entered < n)
        pthread_cond_wait(&rec_cond, &rec_lock);
    pthread_mutex_unlock(&rec_lock);
}

static void test_order_and_flush(void **state)
{
    (void)state;
    reset(0);
    assert_int_equal(logq_start(RING, recorder), 0);
    put_n(0, 20); /* more than the ring holds, but the writer keeps up or drops */
    logq_stop();
    /* Every line that was not dropped came out, in order. */
    unsigned long dropped = logq_dropped();
    size_t lines = 0;
    int last = -1;
    for (size_t i = 0; i < nrec; i++) {
        int n;
        if (sscanf(rec[i], "line %d ", &n) != 1)
            continue;
        assert_true(n > last);
        last = n;
        lines++;
    }
    assert_int_equal(lines + dropped, 20);
}

static void test_full_drops_without_blocking(void **state)
{
    unsigned long before = logq_dropped();
    uint64_t t0;

    (void)state;
    reset(1);
    assert_int_equal(logq_start(RING, recorder), 0);
    put_n(0, 1);
    wait_entered(1); /* the thread holds line 0 and is stuck */
    t0 = util_now_ms();
    /* 1..3 fit beside line 0; 4..9 do not. */
    put_n(1, 10);
    assert_true(util_now_ms() - t0 < 1000); /* the stuck writer made no one wait */
    assert_int_equal(logq_dropped() - before, 6);
    open_gate();
    logq_stop();
    assert_int_equal(nrec, 5);
    expect_lines(0, 0, 4);
    assert_string_equal(rec[4], "log: 6 decision lines dropped (the log queue was full)");
    assert_int_equal(rec_prio[4], LOG_WARNING);
    assert_false(pthread_equal(writer_thread, pthread_self()));
}

/* A line past the end of the ring starts again at its beginning, whole,
 * as soon as the room is given back. */
static void test_wrap(void **state)
{
    unsigned long before = logq_dropped();

    (void)state;
    reset(1);
    assert_int_equal(logq_start(RING, recorder), 0);
    put_n(0, 1);
    wait_entered(1);
    put_n(1, 4); /* 1024 of 1100 octets used */
    pthread_mutex_lock(&rec_lock);
    allow = 1; /* line 0 goes; its 256 octets come back */
    pthread_cond_broadcast(&rec_cond);
    pthread_mutex_unlock(&rec_lock);
    wait_entered(2);
    put_n(4, 5); /* 76 octets to skip at the end, 256 at the start: fits */
    assert_int_equal(logq_dropped(), before);
    open_gate();
    logq_stop();
    assert_int_equal(nrec, 5);
    expect_lines(0, 0, 5);
}

static void test_no_queue_writes_at_once(void **state)
{
    (void)state;
    reset(0);
    /* After logq_stop() (and before any logq_start()): at once, here. */
    logq_put(LOG_NOTICE, "direct");
    assert_int_equal(nrec, 1);
    assert_string_equal(rec[0], "direct");
    assert_true(pthread_equal(writer_thread, pthread_self()));
    logq_stop(); /* stopping a stopped queue is harmless */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_order_and_flush),
        cmocka_unit_test(test_full_drops_without_blocking),
        cmocka_unit_test(test_wrap),
        cmocka_unit_test(test_no_queue_writes_at_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
