/*
 * rescue - routing.rescue: when a domain gets a new route, the mail
 * already deferred for it is retried at once by that route instead of at
 * Postfix's next queue run (up to maximal_backoff_time).  One child runs
 * "postqueue [-c DIR] -j" (the loop reads its output, rescue_scan.c picks
 * the deferred messages with a recipient in the domain), then one child
 * per message runs "postqueue [-c DIR] -i QUEUEID".  Nothing blocks the
 * loop thread; the children are reaped by a loop hook.
 *
 * When: in publish mode after the first publish that holds the route has
 * finished (postmap done), otherwise at once; and a second time 31 s later,
 * for the messages still deferred then: qmgr keeps its last address lookup
 * for 30 s, so a message it resolved just before the change can be retried
 * by the old route once (and one still in its first delivery attempt when
 * the route appeared is deferred only after the first pass).
 */
#ifndef MXD_RESCUE_H
#define MXD_RESCUE_H
#include "conf.h"
#include "loop.h"

/* At most this many queue IDs per domain and pass: a bound on the
 * postqueue -i children one new route starts. */
#define RESCUE_MAX_IDS 100

/* domain got the (non-empty, new) route; c->rescue is on. */
void rescue_route(struct loop *l, const struct conf *c, const char *domain, const char *route);
/* Stops a running scan and reaps every child (at exit). */
void rescue_stop(void);
#endif
