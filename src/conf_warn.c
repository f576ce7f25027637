/*
 * conf_warn - see conf_warn.h.  The Postfix side is read as text, not
 * through postconf: check-config must work where Postfix is not installed
 * (Sendmail sites) and must not depend on PATH.
 */
#include "conf_warn.h"
#include "util.h"
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define POSTFIX_DEFAULT_CONFIG "/etc/postfix"
#define POSTFIX_DEFAULT_QUEUE  "/var/spool/postfix"

struct out {
    void (*emit)(const char *, void *);
    void *arg;
    size_t n;
};

static void say(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void say(struct out *o, const char *fmt, ...)
{
    char text[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    o->emit(text, o->arg);
    o->n++;
}

/* Without a smart host, mx-error (no address to pin) and a pin-mx domain
 * whose MX hosts have no A address are detected but keep Postfix's own
 * routing: exactly the mail that Postfix defers. */
static void check_routes(const struct conf *c, struct out *o)
{
    if (c->on_broken == CONF_ROUTE_NONE)
        say(o, "routing.on_broken is none: broken domains are found and logged but never "
               "rerouted");
    else if (!c->smarthost[0] && c->on_broken != CONF_ROUTE_TRANSPORT)
        say(o, "routing.smarthost is not set: domains whose MX query fails (mx-error) and domains "
               "whose MX hosts have no IPv4 address get no route, and Postfix keeps deferring "
               "their mail");
}

static void check_accounts(const struct conf *c, struct out *o)
{
    if (c->user[0] && getpwnam(c->user) == NULL)
        say(o, "user \"%s\" does not exist: mxdetourd will not start as root", c->user);
    if (c->socket_group[0] && getgrnam(c->socket_group) == NULL)
        say(o, "listen.socket_group \"%s\" does not exist: the MTA may not reach the sockets",
            c->socket_group);
}

/* queue_directory from main.cf (the last setting wins), else the default. */
static void queue_dir(const char *confdir, char *out, size_t size)
{
    char path[4200], line[4096];
    FILE *f;

    util_strlcpy(out, POSTFIX_DEFAULT_QUEUE, size);
    snprintf(path, sizeof(path), "%s/main.cf", confdir);
    if ((f = fopen(path, "r")) == NULL)
        return;
    while (fgets(line, sizeof(line), f)) {
        char value[4096];
        if (sscanf(line, " queue_directory = %4095s", value) == 1 && value[0] == '/')
            util_strlcpy(out, value, size);
    }
    fclose(f);
}

/* The first chrooted smtpd or cleanup service in master.cf: the 5th column
 * is "y" (Debian's default) and the 8th the daemon; "" when none. */
static void chrooted_service(const char *confdir, char *out, size_t size)
{
    char path[4200], line[4096];
    FILE *f;

    out[0] = '\0';
    snprintf(path, sizeof(path), "%s/master.cf", confdir);
    if ((f = fopen(path, "r")) == NULL)
        return;
    while (!out[0] && fgets(line, sizeof(line), f)) {
        char col[8][256];
        if (line[0] == '#' || line[0] == ' ' || line[0] == '\t')
            continue;
        if (sscanf(line, "%255s %255s %255s %255s %255s %255s %255s %255s", col[0], col[1], col[2],
                   col[3], col[4], col[5], col[6], col[7]) != 8)
            continue;
        if (strcmp(col[4], "y") == 0 &&
            (strcmp(col[7], "smtpd") == 0 || strcmp(col[7], "cleanup") == 0))
            snprintf(out, size, "%s (%s)", col[0], col[7]);
    }
    fclose(f);
}

static void check_chroot(const struct conf *c, struct out *o)
{
    const char *confdir = c->postfix_config[0] ? c->postfix_config : POSTFIX_DEFAULT_CONFIG;
    const char *mta[] = {c->listen_milter, c->listen_policy};
    char queue[4096], service[600];

    chrooted_service(confdir, service, sizeof(service));
    if (!service[0])
        return;
    queue_dir(confdir, queue, sizeof(queue));
    size_t qlen = strlen(queue);
    for (size_t i = 0; i < sizeof(mta) / sizeof(mta[0]); i++) {
        const char *p = mta[i];
        if (strncmp(p, "unix:", 5) != 0 && strncmp(p, "local:", 6) != 0)
            continue;
        p = strchr(p, ':') + 1;
        if (strncmp(p, queue, qlen) == 0 && p[qlen] == '/')
            continue;
        char where[4300];
        snprintf(where, sizeof(where), "%s is outside Postfix's queue directory %s", p, queue);
        say(o,
            "%s, but master.cf chroots %s there: it cannot reach the socket (put it under the "
            "queue directory, see listen in mxdetour.yaml(5))",
            where, service);
    }
}

size_t conf_warnings(const struct conf *c, void (*emit)(const char *text, void *arg), void *arg)
{
    struct out o = {emit, arg, 0};
    check_routes(c, &o);
    check_accounts(c, &o);
    check_chroot(c, &o);
    return o.n;
}
