/*
 * explain - `mxdetour explain` and `mxdetour probe --explain`: a probe's
 * queries (type, name, server, outcome, ms) and, in words an admin reads,
 * how the verdict and the route follow from them.  Pure: the daemon keeps
 * the rendered text per domain (explain_store.h), the CLI prints it for
 * its own probe.
 */
#ifndef MXD_EXPLAIN_H
#define MXD_EXPLAIN_H
#include <stddef.h>
#include "conf.h"
#include "verdict.h"

/* Kept per domain at most (the rest of a long probe is cut, with a note). */
#define EXPLAIN_MAX 1024

/* The queries of the local probe r and what the verdict vi means for the
 * MTA, into out (at most EXPLAIN_MAX bytes are useful). */
void explain_probe(const struct probe_result *r, const struct verdict_info *vi, char *out,
                   size_t size);
/* How the route follows from the verdict v and the config: listed is the
 * domain's known-broken entry or NULL, route the answer ("" none). */
void explain_route(const struct conf *c, const struct conf_domain *listed, enum verdict v,
                   const char *route, char *out, size_t size);
#endif
