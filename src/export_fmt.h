/*
 * export_fmt - `mxdetour export --format`: the daemon's reroutes, a list of
 * (domain, Postfix route, MX host) rows, written as each MTA's own table.
 * Pure (writes to a FILE only); table-tested in tests/unit/test_export_fmt.c.
 *
 *   postfix   transport(5) lines, "domain transport:nexthop"
 *   sendmail  mailertable lines, "domain mailer:host" (route_sendmail.h)
 *   exim      one lsearch file for contrib/exim/mxdetour.router: route_data
 *             per domain, plus the MX host names for dns_ipv4_lookup
 *   exchange  a PowerShell script, one send connector per domain
 */
#ifndef MXD_EXPORT_FMT_H
#define MXD_EXPORT_FMT_H
#include <stddef.h>
#include <stdio.h>

enum export_format { EXPORT_POSTFIX, EXPORT_SENDMAIL, EXPORT_EXIM, EXPORT_EXCHANGE };

struct export_row {
    const char *domain; /* ".example.com" = every subdomain, not the apex (transport(5)) */
    const char *route;  /* Postfix "transport:nexthop[, nexthop...]" */
    const char *host;   /* the MX host the verdict names; "" none */
};

/* 0 and *f set, or -1 for an unknown name. */
int export_format_from_name(const char *name, enum export_format *f);
/* Parses the control verb "export rows" answer (lines "domain\troute\thost")
 * in place into a malloc'd array; *n rows.  Lines that do not parse are skipped. */
struct export_row *export_rows_parse(char *text, size_t *n);
/* Writes the rows in format f; returns how many rows the format cannot
 * express (each is written as a comment saying why). */
size_t export_write(FILE *out, enum export_format f, const struct export_row *rows, size_t n);
#endif
