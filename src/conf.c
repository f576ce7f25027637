/*
 * conf - the configuration snapshot (see conf.h and doc/design.md §3):
 * defaults, reference counting, the domain index, lookups, the summary line
 * and the error list.  Parsing is conf_schema.c's job, value checks
 * conf_value.c's.
 *
 * A snapshot is immutable once returned and reference counted with atomic
 * operations: the daemon swaps in a new one on reload while requests in
 * flight finish with the old one.  conf_unref() of the last reference frees
 * the domain entries and their index too.
 */
#include "conf.h"
#include "conf_value.h"
#include "dname.h"
#include "domlist.h"
#include "util.h"
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <syslog.h>

void conf_errs_add(struct conf_errs *errs, const char *file, int line, int col, const char *fmt,
                   ...)
{
    char msg[1024];
    char *full;
    va_list ap;
    int n;

    if (errs == NULL)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (line > 0)
        n = snprintf(NULL, 0, "%s:%d:%d: %s", file, line, col, msg);
    else
        n = snprintf(NULL, 0, "%s: %s", file, msg);
    full = xmalloc((size_t)n + 1);
    if (line > 0)
        snprintf(full, (size_t)n + 1, "%s:%d:%d: %s", file, line, col, msg);
    else
        snprintf(full, (size_t)n + 1, "%s: %s", file, msg);
    errs->msg = xrealloc(errs->msg, (errs->n + 1) * sizeof(*errs->msg));
    errs->msg[errs->n++] = full;
}

void conf_errs_free(struct conf_errs *errs)
{
    size_t i;
    if (errs == NULL)
        return;
    for (i = 0; i < errs->n; i++)
        free(errs->msg[i]);
    free(errs->msg);
    errs->msg = NULL;
    errs->n = 0;
}

/* ---------------------------------------------------------------------- */
/* Snapshot lifetime                                                       */

struct conf *conf_defaults(void)
{
    struct conf *c = xcalloc(1, sizeof(*c));

    c->refcnt = 1;
    c->path = xstrdup("(defaults)");
    /* Inside Postfix's queue directory, so that a chrooted smtpd (Debian's
     * default master.cf) reaches them as "unix:mxdetour/milter.sock". */
    c->listen_milter = xstrdup("unix:" CONF_SPOOL_DIR "/milter.sock");
    c->listen_socketmap = xstrdup("unix:" CONF_SPOOL_DIR "/socketmap.sock");
    c->listen_policy = xstrdup("unix:" CONF_SPOOL_DIR "/policy.sock");
    c->listen_control = xstrdup("unix:/run/mxdetour/control.sock");
    c->listen_metrics = xstrdup("");
    c->socket_mode = 0660;
    c->control_mode = 0600;
    c->milter_timeout_ms = 1800000;
    c->socket_group = xstrdup("postfix");
    c->user = xstrdup("mxdetour");
    c->state_file = xstrdup("/var/lib/mxdetour/verdicts");
    c->local_system = 1;
    c->canary = xcalloc(2, sizeof(*c->canary));
    c->canary[0] = xstrdup("."); /* the root: every recursive resolver has it */
    c->ncanary = 1;
    c->check_interval_ms = 10000;
    c->timeout_ms = 2000;
    c->tries = 2;
    c->concurrency = 200;
    c->max_mx = 5;
    c->recheck_ms = 3600000;
    c->max_pending = 10000;
    c->max_cached = 1000000;
    c->rate_count = 600;
    c->rate_per_ms = 60000;
    c->wait_ms = 1000;
    c->mode = CONF_MODE_REWRITE;
    c->on_broken = CONF_ROUTE_PIN_MX;
    c->smarthost = xstrdup("");
    c->transport = xstrdup("smtp");
    c->on_local_dns_down = CONF_LDD_NONE;
    c->tag_header = xstrdup("X-MXDetour");
    c->publish = xstrdup("");
    c->postfix_config = xstrdup("");
    c->fleet_redis = xstrdup("");
    c->fleet_prefix = xstrdup("mxdetour:");
    c->fleet_node = conf_value_default_node();
    c->list = domlist_new(0);
    c->log_level = LOG_INFO;
    c->log_facility = LOG_MAIL;
    return c;
}

void conf_free_names(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

struct conf *conf_ref(struct conf *c)
{
    if (c != NULL)
        __atomic_add_fetch(&c->refcnt, 1, __ATOMIC_RELAXED);
    return c;
}

static void free_domains(struct conf_domain *d, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        free(d[i].name);
        free(d[i].smarthost);
        free(d[i].transport);
        free(d[i].note);
    }
    free(d);
}

void conf_unref(struct conf *c)
{
    if (c == NULL || __atomic_sub_fetch(&c->refcnt, 1, __ATOMIC_ACQ_REL) != 0)
        return;
    domlist_free(c->list);
    free_domains(c->domains, c->ndomains);
    free(c->path);
    free(c->listen_milter);
    free(c->listen_socketmap);
    free(c->listen_policy);
    free(c->listen_control);
    free(c->listen_metrics);
    free(c->socket_group);
    free(c->user);
    free(c->state_file);
    free(c->local);
    free(c->external);
    free(c->smarthost);
    free(c->transport);
    free(c->tag_header);
    conf_free_names(c->canary, c->ncanary);
    free(c->publish);
    free(c->postfix_config);
    free(c->fleet_redis);
    free(c->fleet_prefix);
    free(c->fleet_node);
    free(c);
}

int conf_index_domains(struct conf *c, struct conf_errs *errs)
{
    size_t i;
    int dups = 0;

    domlist_free(c->list);
    c->list = domlist_new(c->ndomains);
    for (i = 0; i < c->ndomains; i++) {
        const struct conf_domain *d = &c->domains[i];
        const struct conf_domain *old = domlist_add(c->list, d);
        if (old == NULL)
            continue;
        dups++;
        conf_errs_add(errs, c->path, d->line, d->column,
                      "duplicate domain \"%s%s\" (first at line %d)", d->wildcard ? "*." : "",
                      d->name, old->line);
    }
    return dups ? -1 : 0;
}

const struct conf_domain *conf_match_normalized(const struct conf *c, const char *domain)
{
    return c && domain ? domlist_match(c->list, domain) : NULL;
}

const struct conf_domain *conf_match(const struct conf *c, const char *domain)
{
    char name[DNAME_MAX + 1];
    if (c == NULL || domain == NULL || dname_normalize(domain, name, sizeof(name)) != NULL)
        return NULL;
    return domlist_match(c->list, name);
}

static const char *mode_name(enum conf_mode m)
{
    return m == CONF_MODE_TAG ? "tag" : "rewrite";
}

static void server_text(const struct conf_server *s, char *buf, size_t size)
{
    if (s->family == AF_INET6)
        snprintf(buf, size, "[%s]:%u", s->addr, s->port);
    else
        snprintf(buf, size, "%s:%u", s->addr, s->port);
}

void conf_summary(const struct conf *c, char *buf, size_t size)
{
    char local[256] = "";
    size_t i, wild = 0;

    if (size == 0)
        return;
    for (i = 0; i < c->ndomains; i++)
        wild += c->domains[i].wildcard != 0;
    if (c->local_system) {
        snprintf(local, sizeof(local), "local resolver system");
    } else {
        size_t off =
            (size_t)snprintf(local, sizeof(local), "local resolver%s ", c->nlocal == 1 ? "" : "s");
        for (i = 0; i < c->nlocal && off < sizeof(local); i++) {
            char one[64];
            server_text(&c->local[i], one, sizeof(one));
            off += (size_t)snprintf(local + off, sizeof(local) - off, "%s%s", i ? "," : "", one);
        }
    }
    snprintf(buf, size,
             "%s: ok, %zu domain%s (%zu wildcard%s), %s, %zu external, mode %s, on_broken %s",
             c->path, c->ndomains, c->ndomains == 1 ? "" : "s", wild, wild == 1 ? "" : "s", local,
             c->nexternal, mode_name(c->mode), conf_route_name(c->on_broken));
}
