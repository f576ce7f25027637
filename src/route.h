/*
 * route - the Postfix "transport:nexthop" a verdict earns under the config
 * (doc/design.md §5).  Pure.  A route only ever holds text from the
 * config (already validated) or from addresses that inet_ntop() printed.
 */
#ifndef MXD_ROUTE_H
#define MXD_ROUTE_H
#include <stddef.h>
#include "conf.h"
#include "verdict.h"

/* Writes the route for domain into out ("" = none: the MTA routes as usual).
 * listed is the domain's known-broken entry or NULL; vi may be NULL when no
 * probe has run.  Returns 1 when there is a route. */
int route_build(const struct conf *c, const struct conf_domain *listed,
                const struct verdict_info *vi, char *out, size_t size);
#endif
