/*
 * fleet_loop - see fleet_loop.h.  One handler per context watches both
 * directions.  hiredis may free the context while handling an event (the
 * server closed the connection): cleanup then only marks the handler dead,
 * and the handler frees itself once the event is done.
 */
#include "fleet_loop.h"
#include "loop.h"
#include "util.h"
#include <stdlib.h>

struct ev {
    redisAsyncContext *ac;
    struct loop *l;
    int fd, events, busy, dead;
};

static void on_event(struct loop *l, int fd, int events, void *arg)
{
    struct ev *e = arg;
    (void)l, (void)fd;
    e->busy = 1;
    if ((events & LOOP_READ) && !e->dead)
        redisAsyncHandleRead(e->ac);
    if ((events & LOOP_WRITE) && !e->dead)
        redisAsyncHandleWrite(e->ac);
    e->busy = 0;
    if (e->dead)
        free(e);
}

static void watch(struct ev *e, int events)
{
    if (e->dead || events == e->events)
        return;
    if (!e->events)
        loop_add(e->l, e->fd, events, on_event, e);
    else if (!events)
        loop_del(e->l, e->fd);
    else
        loop_mod(e->l, e->fd, events);
    e->events = events;
}

static void add_read(void *p)
{
    struct ev *e = p;
    watch(e, e->events | LOOP_READ);
}

static void del_read(void *p)
{
    struct ev *e = p;
    watch(e, e->events & ~LOOP_READ);
}

static void add_write(void *p)
{
    struct ev *e = p;
    watch(e, e->events | LOOP_WRITE);
}

static void del_write(void *p)
{
    struct ev *e = p;
    watch(e, e->events & ~LOOP_WRITE);
}

static void cleanup(void *p)
{
    struct ev *e = p;
    watch(e, 0);
    e->dead = 1;
    if (!e->busy)
        free(e);
}

int fleet_loop_attach(redisAsyncContext *ac, struct loop *l)
{
    if (ac->ev.data)
        return -1;
    struct ev *e = xcalloc(1, sizeof(*e));
    e->ac = ac;
    e->l = l;
    e->fd = ac->c.fd;
    ac->ev.addRead = add_read;
    ac->ev.delRead = del_read;
    ac->ev.addWrite = add_write;
    ac->ev.delWrite = del_write;
    ac->ev.cleanup = cleanup;
    ac->ev.data = e;
    return 0;
}
