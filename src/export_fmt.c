/*
 * export_fmt - see export_fmt.h.  Every format starts from the Postfix
 * route of doc/design.md §5 and says what the MTA can say; a route it cannot say
 * becomes a comment, never a half route.  Rows are written sorted by
 * domain, so that two exports of the same state are the same file.
 *
 * Exim (contrib/exim/mxdetour.router reads the file with partial-lsearch):
 *   - "[addr]" hops are the addresses, a name hop "relay.example" (Postfix
 *     looks up its MX) is "relay.example/MX", "[relay.example]" the name;
 *     a port other than 25 is "host:port" in a ";" list ("<;" prefix);
 *   - an empty next hop (the transport route: the domain's own MX, by an
 *     IPv4-only transport) is "domain/MX bydns ipv4_only";
 *   - the transport name is not exported: the router names its transport;
 *   - ".example.com" becomes "*.example.com", and since partial-lsearch
 *     also matches the apex with it, an apex that has no row of its own
 *     gets an empty one (an empty route_data makes the router decline);
 *   - the MX host each verdict names gets an empty row too: the main
 *     option dns_ipv4_lookup = lsearch;FILE then asks only A for it, for
 *     the routers that still look it up (dnslookup, callouts).
 * Exchange: the send connector is the seed article's manual workaround;
 * its caveats are written into the script.
 */
#include "export_fmt.h"
#include "route_sendmail.h"
#include "util.h"
#include <stdlib.h>
#include <string.h>

#define HOP_MAX 16

struct hop {
    char host[256];
    unsigned port; /* 0 = the default (25) */
    int bracketed; /* "[x]": no MX lookup in Postfix */
};

/* Splits a Postfix route into its next hops; -1 when it does not parse. */
static int hops_of(const char *route, struct hop *h, size_t *n)
{
    const char *p = strchr(route, ':');

    *n = 0;
    if (!p || p == route)
        return -1;
    for (p++;;) {
        p += strspn(p, ", \t");
        if (!*p)
            return 0;
        size_t len = strcspn(p, ", \t"), hl = len;
        const char *port = NULL, *host = p;
        struct hop *o = &h[*n];
        if (*n == HOP_MAX)
            return -1;
        memset(o, 0, sizeof(*o));
        if (*p == '[') {
            const char *close = memchr(p, ']', len);
            if (!close)
                return -1;
            host = p + 1;
            hl = (size_t)(close - host);
            o->bracketed = 1;
            if (close + 1 < p + len) {
                if (close[1] != ':')
                    return -1;
                port = close + 2;
            }
        } else {
            const char *colon = memchr(p, ':', len);
            if (colon) {
                hl = (size_t)(colon - p);
                port = colon + 1;
            }
        }
        if (hl == 0 || hl >= sizeof(o->host))
            return -1;
        memcpy(o->host, host, hl);
        if (port) {
            char *end;
            unsigned long v = strtoul(port, &end, 10);
            if (strncmp(port, "smtp", 4) == 0 && end == port)
                v = 25, end = (char *)port + 4;
            if (end != p + len || v == 0 || v > 65535)
                return -1;
            o->port = v == 25 ? 0 : (unsigned)v;
        }
        (*n)++;
        p += len;
    }
}

static int cmp_rows(const void *a, const void *b)
{
    const struct export_row *x = a, *y = b;
    /* ".example.com" next to "example.com" */
    return strcmp(x->domain + (x->domain[0] == '.'), y->domain + (y->domain[0] == '.'));
}

/* ---- Postfix, Sendmail ---- */

static int row_postfix(FILE *out, const struct export_row *r)
{
    fprintf(out, "%s %s\n", r->domain, r->route);
    return 0;
}

static int row_sendmail(FILE *out, const struct export_row *r)
{
    char value[2048];
    const char *apex = r->domain + (r->domain[0] == '.');
    int rc = route_sendmail(r->route, apex, value, sizeof(value));

    if (rc == ROUTE_SENDMAIL_PORT) {
        fprintf(out, "# %s (%s): a mailertable host takes no port\n", r->domain, r->route);
        return -1;
    }
    if (rc) {
        fprintf(out, "# %s (%s): not a route\n", r->domain, r->route);
        return -1;
    }
    fprintf(out, "%s %s\n", r->domain, value);
    return 0;
}

/* ---- Exim ---- */

static int row_exim(FILE *out, const struct export_row *r)
{
    struct hop h[HOP_MAX];
    size_t n;
    const char *apex = r->domain + (r->domain[0] == '.');
    int semi = 0;

    if (hops_of(r->route, h, &n) < 0) {
        fprintf(out, "# %s (%s): not a route\n", r->domain, r->route);
        return -1;
    }
    fprintf(out, "%s%s: ", r->domain[0] == '.' ? "*" : "", r->domain);
    if (n == 0) {
        fprintf(out, "%s/MX bydns ipv4_only\n", apex);
        return 0;
    }
    for (size_t i = 0; i < n; i++)
        semi |= h[i].port || strchr(h[i].host, ':');
    fputs(semi ? "<;" : "", out);
    for (size_t i = 0; i < n; i++) {
        const char *mx = h[i].bracketed ? "" : "/MX";
        const char *v6 = strchr(h[i].host, ':') ? "[" : "";
        fputs(i ? (semi ? ";" : ":") : "", out);
        if (h[i].port)
            fprintf(out, "%s%s%s%s:%u", v6, h[i].host, v6[0] ? "]" : "", mx, h[i].port);
        else
            fprintf(out, "%s%s", h[i].host, mx);
    }
    fputc('\n', out);
    return 0;
}

static int have_domain(const struct export_row *rows, size_t n, const char *d)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(rows[i].domain, d) == 0)
            return 1;
    return 0;
}

static int have_host_before(const struct export_row *rows, size_t i, const char *h)
{
    while (i--)
        if (strcmp(rows[i].host, h) == 0)
            return 1;
    return 0;
}

static void exim_extra(FILE *out, const struct export_row *rows, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (rows[i].domain[0] == '.' && !have_domain(rows, n, rows[i].domain + 1))
            fprintf(out, "%s:\n", rows[i].domain + 1);
    for (size_t i = 0; i < n; i++)
        if (rows[i].host[0] && !have_domain(rows, n, rows[i].host) &&
            !have_host_before(rows, i, rows[i].host))
            fprintf(out, "%s:\n", rows[i].host);
}

/* ---- Exchange ---- */

/* PowerShell single-quoted string: only ' needs escaping (doubled). */
static void ps_quote(FILE *out, const char *s)
{
    fputc('\'', out);
    for (; *s; s++) {
        if (*s == '\'')
            fputc('\'', out);
        fputc(*s, out);
    }
    fputc('\'', out);
}

static void connector_name(char *name, size_t size, const char *domain)
{
    if (domain[0] == '.')
        snprintf(name, size, "mxdetour %s subdomains", domain + 1);
    else
        snprintf(name, size, "mxdetour %s", domain);
}

static int row_exchange(FILE *out, const struct export_row *r)
{
    struct hop h[HOP_MAX];
    size_t n;
    char name[300], space[300];
    static const char *const verbs[] = {"Set-SendConnector -Identity", "New-SendConnector -Name"};

    if (hops_of(r->route, h, &n) < 0) {
        fprintf(out, "# %s (%s): not a route\n\n", r->domain, r->route);
        return -1;
    }
    if (n == 0) {
        fprintf(out,
                "# %s (%s): the domain's own MX by another transport; a send connector has no "
                "IPv4-only switch: not exported\n\n",
                r->domain, r->route);
        return -1;
    }
    for (size_t i = 1; i < n; i++)
        if (h[i].port != h[0].port) {
            fprintf(out, "# %s (%s): the smart hosts of one connector share one port\n\n",
                    r->domain, r->route);
            return -1;
        }
    connector_name(name, sizeof(name), r->domain);
    snprintf(space, sizeof(space), "SMTP:%s%s;1", r->domain[0] == '.' ? "*" : "", r->domain);
    fprintf(out, "# %s %s\n$name = ", r->domain, r->route);
    ps_quote(out, name);
    fputs("\n$current += $name\n", out);
    fputs("if (Get-SendConnector -Identity $name -ErrorAction SilentlyContinue) {\n", out);
    for (int v = 0; v < 2; v++) {
        fprintf(out, "    %s $name -AddressSpaces ", verbs[v]);
        ps_quote(out, space);
        fputs(" -SmartHosts ", out);
        for (size_t i = 0; i < n; i++) {
            fputs(i ? "," : "", out);
            ps_quote(out, h[i].host);
        }
        fprintf(out, " -Port %u -DNSRoutingEnabled $false -SmartHostAuthMechanism None%s\n",
                h[0].port ? h[0].port : 25, v ? " -Usage Custom" : "");
        fputs(v ? "}\n\n" : "} else {\n", out);
    }
    return 0;
}

static const char exchange_head[] =
    "# mxdetour export --format exchange: one send connector per rerouted domain.\n"
    "# Run it in the Exchange Management Shell; running it again updates the\n"
    "# connectors (Set-SendConnector) and removes those of domains that are no\n"
    "# longer rerouted (every connector named \"mxdetour *\" is managed here).\n"
    "# Caveats:\n"
    "#  - a pinned IP address goes stale when the domain moves its MX: export\n"
    "#    and run this again after every change (mxdetour publishes a new route\n"
    "#    at once, this script does not);\n"
    "#  - with an IP address as smart host, the name in the server's TLS\n"
    "#    certificate does not match: opportunistic TLS still encrypts, but a\n"
    "#    connector that requires a verified name (-TlsAuthLevel\n"
    "#    DomainValidation) fails;\n"
    "#  - a smart host is looked up by its address record, never by MX.\n"
    "$ErrorActionPreference = 'Stop'\n"
    "$current = @()\n\n";

static const char exchange_tail[] =
    "Get-SendConnector | Where-Object { $_.Name -like 'mxdetour *' -and $current -notcontains "
    "$_.Name } |\n"
    "    Remove-SendConnector -Confirm:$false\n";

static const char exim_head[] =
    "# mxdetour export --format exim: an lsearch file for contrib/exim/mxdetour.router\n"
    "# (route_data of a manualroute router) and for dns_ipv4_lookup. Rows with an\n"
    "# empty value make the router decline (a wildcard's apex, or an MX host that\n"
    "# is asked for its A record only).\n";

/* ---- driver ---- */

int export_format_from_name(const char *name, enum export_format *f)
{
    static const char *const names[] = {"postfix", "sendmail", "exim", "exchange"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strcmp(name, names[i]) == 0) {
            *f = (enum export_format)i;
            return 0;
        }
    return -1;
}

struct export_row *export_rows_parse(char *text, size_t *n)
{
    size_t cap = 16;
    struct export_row *rows = xcalloc(cap, sizeof(*rows));
    char *save = NULL;

    *n = 0;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *t1 = strchr(line, '\t'), *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
        if (!t2)
            continue;
        *t1 = *t2 = '\0';
        if (*n == cap)
            rows = xrealloc(rows, (cap *= 2) * sizeof(*rows));
        rows[*n].domain = line;
        rows[*n].route = t1 + 1;
        rows[*n].host = strcmp(t2 + 1, "-") ? t2 + 1 : "";
        (*n)++;
    }
    return rows;
}

size_t export_write(FILE *out, enum export_format f, const struct export_row *in, size_t n)
{
    static int (*const row_fn[])(FILE *, const struct export_row *) = {row_postfix, row_sendmail,
                                                                       row_exim, row_exchange};
    struct export_row *rows = xcalloc(n ? n : 1, sizeof(*rows));
    size_t bad = 0;

    memcpy(rows, in, n * sizeof(*rows));
    qsort(rows, n, sizeof(*rows), cmp_rows);
    if (f == EXPORT_EXIM)
        fputs(exim_head, out);
    if (f == EXPORT_EXCHANGE)
        fputs(exchange_head, out);
    for (size_t i = 0; i < n; i++)
        if (row_fn[f](out, &rows[i]) < 0)
            bad++;
    if (f == EXPORT_EXIM)
        exim_extra(out, rows, n);
    if (f == EXPORT_EXCHANGE)
        fputs(exchange_tail, out);
    free(rows);
    return bad;
}
