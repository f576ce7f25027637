/*
 * writer - see writer.h.  A mutex and a condition variable guard two
 * flags; the thread takes both at once, so any number of requests made
 * while it works costs one more run, not one each.
 */
#include "writer.h"
#include "log.h"
#include <pthread.h>
#include <string.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static int want_save, want_publish, stopping, running;
static pthread_t thread;
static void (*run_job)(int publish);

static void *writer_main(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&lock);
    for (;;) {
        while (!want_save && !stopping)
            pthread_cond_wait(&wake, &lock);
        if (!want_save)
            break; /* stopping, nothing pending */
        int publish = want_publish;
        want_save = want_publish = 0;
        pthread_mutex_unlock(&lock);
        run_job(publish);
        pthread_mutex_lock(&lock);
    }
    pthread_mutex_unlock(&lock);
    return NULL;
}

int writer_start(void (*job)(int publish))
{
    int rc;
    run_job = job;
    stopping = 0;
    rc = pthread_create(&thread, NULL, writer_main, NULL);
    if (rc != 0) {
        log_err("writer thread: %s", strerror(rc));
        return -1;
    }
    running = 1;
    return 0;
}

void writer_request(int publish)
{
    pthread_mutex_lock(&lock);
    want_save = 1;
    want_publish |= publish;
    pthread_cond_signal(&wake);
    pthread_mutex_unlock(&lock);
}

void writer_stop(void)
{
    if (!running)
        return;
    pthread_mutex_lock(&lock);
    stopping = 1;
    pthread_cond_signal(&wake);
    pthread_mutex_unlock(&lock);
    pthread_join(thread, NULL);
    running = 0;
}
