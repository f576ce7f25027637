/*
 * route_sendmail - a Postfix route ("transport:nexthop[, nexthop...]",
 * doc/design.md §5) in Sendmail's mailertable form ("mailer:host[:host...]").
 * Pure.  Used by the socketmap's sendmail-mailertable map and by
 * `mxdetour export --format sendmail`, so both say the same.
 */
#ifndef MXD_ROUTE_SENDMAIL_H
#define MXD_ROUTE_SENDMAIL_H
#include <stddef.h>

/* route_sendmail() results besides 0. */
#define ROUTE_SENDMAIL_BAD  (-1) /* malformed, or out is too small */
#define ROUTE_SENDMAIL_PORT (-2) /* a port other than 25: a mailertable host takes none */

/* Writes the mailertable value of route for domain (the domain fills an
 * empty next hop) into out; 0 or one of the codes above (out is then ""). */
int route_sendmail(const char *route, const char *domain, char *out, size_t size);
#endif
