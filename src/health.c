/*
 * health - see health.h.  One check at a time; a check that ends after
 * the engine was freed (a reload) says nothing and leaves the state alone.
 * Each change is one log line: resolver=local state=down|up evidence=...
 */
#include "health.h"
#include "log.h"
#include "loop.h"
#include "probe.h"
#include "util.h"
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int down;
static uint64_t since_ms;
static char why[160];

static struct loop *loop;
static unsigned interval;
static uint64_t timer;
static int checking, started;
static struct probe_engine *(*get_engine)(void);
static void (*on_change)(int down);

static void set_state(int now_down, const char *evidence)
{
    char line[400];
    size_t p = 0;

    pthread_mutex_lock(&lock);
    int changed = now_down != down;
    if (changed) {
        down = now_down;
        since_ms = util_now_ms();
        util_strlcpy(why, evidence ? evidence : "", sizeof(why));
    }
    pthread_mutex_unlock(&lock);
    if (!changed)
        return;
    p = log_kv(line, sizeof(line), p, "resolver", "local");
    p = log_kv(line, sizeof(line), p, "state", now_down ? "down" : "up");
    if (evidence && evidence[0])
        log_kv(line, sizeof(line), p, "evidence", evidence);
    if (now_down)
        log_warn("%s", line);
    else
        log_notice("%s", line);
    on_change(now_down);
}

static void arm(void);

static void on_checked(void *arg, int up, const char *evidence)
{
    (void)arg;
    checking = 0;
    if (up >= 0)
        set_state(!up, up ? "canary answered" : evidence);
}

static void check(struct loop *l, void *arg)
{
    (void)l, (void)arg;
    timer = 0;
    if (!checking && started) {
        checking = 1;
        probe_canary(get_engine(), on_checked, NULL);
    }
    arm();
}

static void arm(void)
{
    if (!timer && started)
        timer = loop_timer(loop, interval, check, NULL);
}

void health_start(struct loop *l, unsigned interval_ms, struct probe_engine *(*engine)(void),
                  void (*changed)(int down))
{
    loop = l;
    interval = interval_ms;
    get_engine = engine;
    on_change = changed;
    started = 1;
    arm();
}

void health_set_interval(unsigned interval_ms)
{
    if (interval_ms == interval)
        return;
    interval = interval_ms;
    if (timer)
        loop_cancel(loop, timer);
    timer = 0;
    arm();
}

void health_stop(void)
{
    started = 0;
    if (timer)
        loop_cancel(loop, timer);
    timer = 0;
}

void health_report_down(const char *evidence)
{
    set_state(1, evidence);
}

int health_down(uint64_t *since, char *evidence, size_t size)
{
    pthread_mutex_lock(&lock);
    int d = down;
    if (since)
        *since = since_ms;
    if (evidence && size)
        util_strlcpy(evidence, why, size);
    pthread_mutex_unlock(&lock);
    return d;
}
