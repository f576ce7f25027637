/*
 * logq - see logq.h.  The ring is bytes, not fixed slots: a decision line
 * is 150 to 300 octets and at most LOGQ_LINE_MAX, so the same memory holds
 * four to six times more lines.  An entry is a 4-octet header (length with
 * its NUL, priority) and the line, padded to 4 octets; an entry that does
 * not fit before the end of the buffer starts at its beginning, after a
 * header of length 0 that says so (the padding keeps room for it).
 *
 * A mutex guards the ring, held only to copy one line in or to take the
 * offsets of a batch out: the writer runs without it, on bytes producers
 * cannot reach until the batch is done.  A wake-up costs the answering
 * thread a futex call and a task switch, more than the copy (measured: 5%
 * of the daemon's time at 8 socketmap connections, one wake per line), so
 * while lines keep coming the log thread looks again every LOGQ_POLL_US
 * instead of sleeping on the condition; only after LOGQ_POLLS empty looks
 * does it wait to be woken.  A line thus waits at most LOGQ_POLL_US, and
 * the first line after a quiet spell is written at once.
 */
#include "logq.h"
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "log.h"
#include "util.h"

#define HDR          4u
#define LOGQ_POLL_US 1000
#define LOGQ_POLLS   100 /* 100 ms without a line: sleep until woken */

static struct {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    unsigned char *buf;
    size_t size;         /* a multiple of HDR */
    uint64_t head, tail; /* byte offsets: next to fill, next to write */
    int running;         /* the thread takes lines */
    int stopping;        /* logq_stop() was called */
    int idle;            /* the thread waits for a line: wake it */
    unsigned long dropped, unreported;
    logq_writer writer;
    pthread_t thread;
} q = {.lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER, .writer = log_lines};

static void write_one(logq_writer w, int prio, const char *line)
{
    w(1, &prio, &line);
}

static size_t padded(size_t n)
{
    return (n + HDR - 1) / HDR * HDR;
}

static void report_drops(unsigned long n)
{
    char line[128];

    if (n == 0)
        return;
    snprintf(line, sizeof(line), "log: %lu decision lines dropped (the log queue was full)", n);
    write_one(q.writer, LOG_WARNING, line);
}

static int ring_empty(void)
{
    return q.head == q.tail && q.unreported == 0 && !q.stopping;
}

/* Takes the next batch [*from, *to); 0 when the thread is to end. */
static int take_batch(uint64_t *from, uint64_t *to, unsigned long *drops)
{
    const struct timespec poll = {0, LOGQ_POLL_US * 1000L};
    int polls = 0;

    pthread_mutex_lock(&q.lock);
    while (ring_empty() && polls++ < LOGQ_POLLS) {
        pthread_mutex_unlock(&q.lock);
        nanosleep(&poll, NULL);
        pthread_mutex_lock(&q.lock);
    }
    while (ring_empty()) {
        q.idle = 1;
        pthread_cond_wait(&q.cond, &q.lock);
    }
    q.idle = 0;
    *from = q.tail;
    *to = q.head;
    *drops = q.unreported;
    q.unreported = 0;
    if (*from == *to && *drops == 0 && q.stopping) {
        q.running = 0; /* under the lock: a later logq_put() writes at once */
        pthread_mutex_unlock(&q.lock);
        return 0;
    }
    pthread_mutex_unlock(&q.lock);
    return 1;
}

/* Writes the entries in [from, to), LOGQ_BATCH at a time. */
static void write_batch(uint64_t from, uint64_t to)
{
    int prio[LOGQ_BATCH];
    const char *line[LOGQ_BATCH];
    size_t n = 0;

    while (from < to) {
        size_t pos = (size_t)(from % q.size), len = q.buf[pos] | (size_t)q.buf[pos + 1] << 8;
        if (len == 0) { /* the rest of the buffer is padding */
            from += q.size - pos;
            continue;
        }
        prio[n] = q.buf[pos + 2];
        line[n++] = (const char *)q.buf + pos + HDR;
        from += HDR + padded(len);
        if (n == LOGQ_BATCH) {
            q.writer(n, prio, line);
            n = 0;
        }
    }
    if (n > 0)
        q.writer(n, prio, line);
}

static void *logq_main(void *arg)
{
    uint64_t from, to;
    unsigned long drops;

    (void)arg;
    while (take_batch(&from, &to, &drops)) {
        write_batch(from, to);
        report_drops(drops);
        pthread_mutex_lock(&q.lock);
        q.tail = to;
        pthread_mutex_unlock(&q.lock);
    }
    return NULL;
}

int logq_start(size_t bytes, logq_writer writer)
{
    sigset_t all, old;
    int err;

    bytes = bytes / HDR * HDR;
    if (q.running || bytes < HDR + LOGQ_LINE_MAX)
        return -1;
    q.buf = xmalloc(bytes);
    q.size = bytes;
    q.head = q.tail = 0;
    q.stopping = q.idle = 0;
    q.unreported = 0;
    q.writer = writer ? writer : log_lines;
    q.running = 1;
    /* Signals are the main thread's: the loop handles them on its turn. */
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    err = pthread_create(&q.thread, NULL, logq_main, NULL);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (err != 0) {
        q.running = 0;
        free(q.buf);
        q.buf = NULL;
        log_err("log: cannot start the log thread (%s); decision lines are written at once",
                strerror(err));
        return -1;
    }
    return 0;
}

/* Copies one entry in; 0, or -1 when it does not fit.  Under q.lock. */
static int ring_put(int prio, const char *line)
{
    size_t len = strnlen(line, LOGQ_LINE_MAX - 1) + 1, need = HDR + padded(len);
    size_t pos = (size_t)(q.head % q.size), skip = q.size - pos < need ? q.size - pos : 0;

    if (q.size - (size_t)(q.head - q.tail) < skip + need)
        return -1;
    if (skip > 0) {
        q.buf[pos] = q.buf[pos + 1] = 0; /* a wrap marker */
        q.head += skip;
        pos = 0;
    }
    q.buf[pos] = (unsigned char)(len & 0xff);
    q.buf[pos + 1] = (unsigned char)(len >> 8);
    q.buf[pos + 2] = (unsigned char)prio;
    memcpy(q.buf + pos + HDR, line, len - 1);
    q.buf[pos + HDR + len - 1] = '\0';
    q.head += need;
    return 0;
}

void logq_put(int prio, const char *line)
{
    int wake;

    pthread_mutex_lock(&q.lock);
    if (!q.running) {
        logq_writer w = q.writer;
        pthread_mutex_unlock(&q.lock);
        write_one(w, prio, line);
        return;
    }
    if (ring_put(prio, line) < 0) {
        q.dropped++;
        q.unreported++;
        pthread_mutex_unlock(&q.lock);
        return;
    }
    wake = q.idle;
    q.idle = 0;
    pthread_mutex_unlock(&q.lock);
    if (wake)
        pthread_cond_signal(&q.cond);
}

void logq_stop(void)
{
    pthread_mutex_lock(&q.lock);
    if (!q.running || q.stopping) {
        pthread_mutex_unlock(&q.lock);
        return;
    }
    q.stopping = 1;
    pthread_cond_signal(&q.cond);
    pthread_mutex_unlock(&q.lock);
    pthread_join(q.thread, NULL);
    pthread_mutex_lock(&q.lock);
    free(q.buf);
    q.buf = NULL;
    q.stopping = 0;
    pthread_mutex_unlock(&q.lock);
}

unsigned long logq_dropped(void)
{
    unsigned long n;

    pthread_mutex_lock(&q.lock);
    n = q.dropped;
    pthread_mutex_unlock(&q.lock);
    return n;
}
