/*
 * txn - the per-message rule of doc/design.md §5, once, for every
 * front-end that sees a whole mail transaction (the milter, the policy
 * service).  A route applies to the whole message only when every
 * recipient of it has one and the same non-empty route and the mode allows
 * rewriting: a healthy recipient must never travel through another
 * domain's route.  Pure: no I/O, no locks, no
 * core calls; the caller looks each domain up and adds its answer.
 *
 *   struct core_txn t;
 *   core_txn_init(&t);
 *   for each distinct recipient domain d:  core_txn_add(&t, d, &answer)
 *   for each recipient we could not consider: core_txn_block(&t)
 *   route = core_txn_route(&t);   the whole-message route, or NULL
 */
#ifndef MXD_TXN_H
#define MXD_TXN_H
#include <stddef.h>
#include "core.h"
#include "dname.h"

/* Read the fields, never write them: core_txn_* keep them consistent. */
struct core_txn {
    size_t n;                         /* recipient domains added */
    size_t routed;                    /* of which had a route */
    int rewrite;                      /* every answer allowed rewriting */
    int same;                         /* every answer had the route of the first */
    int blocked;                      /* a recipient was not considered */
    char route[CORE_ROUTE_MAX];       /* the first answer's route */
    char first_domain[DNAME_MAX + 1]; /* the first rerouted domain */
    struct core_answer first;         /* and its answer */
};

void core_txn_init(struct core_txn *t);
/* A recipient that cannot be considered (no usable domain, over a limit,
 * one the MTA accepted but we never saw): no whole-message route. */
void core_txn_block(struct core_txn *t);
/* Adds one distinct recipient domain with its answer.  Returns 1 when that
 * recipient gets a tag header: it is rerouted, or listed (even unrouted). */
int core_txn_add(struct core_txn *t, const char *domain, const struct core_answer *a);
/* The route for the whole message, or NULL when there is none. */
const char *core_txn_route(const struct core_txn *t);
/* The first rerouted recipient's answer (and its domain in *domain), or
 * NULL when no recipient is rerouted. */
const struct core_answer *core_txn_first(const struct core_txn *t, const char **domain);
/* Appends the tag header text "domain=D verdict=V route=R" at pos in buf
 * (a space first when pos > 0), quoted and escaped like the log lines.
 * Returns the new position. */
size_t core_txn_tag(char *buf, size_t size, size_t pos, const char *domain,
                    const struct core_answer *a);
#endif
