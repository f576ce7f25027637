/*
 * test_writer - the writer thread: every request is served, requests made
 * while a job runs coalesce into one more run, a publish request is never
 * lost to a save-only one, and stop runs what is pending before it ends.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <pthread.h>
#include <unistd.h>

#include "writer.h"

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int runs, publishes, gate_open = 1, in_job;

static void job(int publish)
{
    pthread_mutex_lock(&mu);
    in_job = 1;
    pthread_cond_broadcast(&cv);
    while (!gate_open)
        pthread_cond_wait(&cv, &mu);
    runs++;
    publishes += publish;
    in_job = 0;
    pthread_cond_broadcast(&cv);
    pthread_mutex_unlock(&mu);
}

static void wait_runs(int n)
{
    pthread_mutex_lock(&mu);
    for (int i = 0; i < 500 && runs < n; i++) {
        pthread_mutex_unlock(&mu);
        usleep(10000);
        pthread_mutex_lock(&mu);
    }
    pthread_mutex_unlock(&mu);
}

static void test_coalesce(void **state)
{
    (void)state;
    runs = publishes = 0;
    assert_int_equal(writer_start(job), 0);
    writer_request(0);
    wait_runs(1);
    assert_int_equal(runs, 1);
    assert_int_equal(publishes, 0);

    /* Hold the next job, pile up requests behind it. */
    pthread_mutex_lock(&mu);
    gate_open = 0;
    pthread_mutex_unlock(&mu);
    writer_request(0);
    pthread_mutex_lock(&mu);
    while (!in_job)
        pthread_cond_wait(&cv, &mu);
    pthread_mutex_unlock(&mu);
    for (int i = 0; i < 50; i++)
        writer_request(i == 25); /* one of them wants the table */
    pthread_mutex_lock(&mu);
    gate_open = 1;
    pthread_cond_broadcast(&cv);
    pthread_mutex_unlock(&mu);
    wait_runs(3);
    usleep(50000);
    assert_int_equal(runs, 3);      /* the held job, then one for all 50 */
    assert_int_equal(publishes, 1); /* and that one publishes */
    writer_stop();
}

static void test_stop_runs_pending(void **state)
{
    (void)state;
    runs = publishes = 0;
    pthread_mutex_lock(&mu);
    gate_open = 0;
    pthread_mutex_unlock(&mu);
    assert_int_equal(writer_start(job), 0);
    writer_request(1);
    pthread_mutex_lock(&mu);
    while (!in_job)
        pthread_cond_wait(&cv, &mu);
    gate_open = 1;
    pthread_cond_broadcast(&cv);
    pthread_mutex_unlock(&mu);
    writer_request(0);
    writer_stop();
    assert_int_equal(runs, 2);
    assert_int_equal(publishes, 1);
    writer_stop(); /* idempotent */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_coalesce),
        cmocka_unit_test(test_stop_runs_pending),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
