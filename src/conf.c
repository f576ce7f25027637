/*
 * conf - the configuration snapshot (see conf.h and DESIGN.md section 3).
 *
 * conf_load_buf() starts from conf_defaults(), lets conf_yaml.c turn the
 * text into a tree of positioned nodes, and walks that tree with one schema
 * table (keys[] below): the table says which keys each section has and what
 * type each value is, so unknown keys, wrong types and bad values are all
 * found in one pass and every one of them is reported (an admin fixing a
 * file wants the whole list, not one error per reload).  Checks that relate
 * keys to each other (route smarthost needs a smart host) run after the
 * walk, since YAML keys come in any order.  Only a YAML syntax error stops
 * the walk: libyaml cannot go on after one.
 *
 * Messages are "FILE:LINE:COLUMN: [key.path: ]text", pointing at the key for
 * an unknown key and at the value for a bad value.  The value checkers
 * return "bad THING (hint)"; the loader inserts the quoted value before the
 * hint, so the command line and the file report the same words.
 *
 * A snapshot is immutable once returned and reference counted with atomic
 * operations: the daemon swaps in a new one on reload while requests in
 * flight finish with the old one.  conf_unref() of the last reference frees
 * the domain entries and their index too.
 */
#include "conf.h"
#include "conf_yaml.h"
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

/* A config with 100,000 domains is about 3 MB; this only stops a mistake
 * (conf_load of a disk image) from eating memory. */
#define CONF_MAX_FILE    (64u * 1024 * 1024)
#define CONF_MAX_SERVERS 32
#define CONF_MAX_NOTE    256

/* ---------------------------------------------------------------------- */
/* Pure value checkers                                                     */

static int all_digits(const char *s, size_t n)
{
    size_t i;
    if (n == 0)
        return 0;
    for (i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

/* Decimal digits only, no sign, no leading '+' or spaces; 0 on overflow. */
static int parse_uint(const char *s, size_t n, unsigned long long max, unsigned long long *v)
{
    unsigned long long x = 0;
    size_t i;
    if (!all_digits(s, n))
        return 0;
    for (i = 0; i < n; i++) {
        x = x * 10 + (unsigned)(s[i] - '0');
        if (x > max)
            return 0;
    }
    *v = x;
    return 1;
}

static int parse_port(const char *s, size_t n, unsigned short *port)
{
    unsigned long long v;
    if (!parse_uint(s, n, 65535, &v) || v == 0)
        return 0;
    *port = (unsigned short)v;
    return 1;
}

const char *conf_parse_duration(const char *s, unsigned *ms)
{
    static const struct {
        const char *unit;
        unsigned long long ms;
    } units[] = {{"ms", 1}, {"s", 1000}, {"m", 60000}, {"h", 3600000}, {"d", 86400000}};
    const char *bad = "bad duration (use 500ms, 2s, 10m, 1h, 1d)";
    unsigned long long v;
    size_t n = 0, i;

    if (s == NULL)
        return bad;
    if (strcmp(s, "0") == 0) { /* "wait: 0" reads naturally; a unit adds nothing */
        *ms = 0;
        return NULL;
    }
    while (s[n] >= '0' && s[n] <= '9')
        n++;
    for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
        if (strcmp(s + n, units[i].unit) != 0)
            continue;
        if (!parse_uint(s, n, UINT_MAX, &v) || v > UINT_MAX / units[i].ms)
            return n ? "bad duration (too long)" : bad;
        *ms = (unsigned)(v * units[i].ms);
        return NULL;
    }
    return bad;
}

const char *conf_parse_rate(const char *s, unsigned *count, unsigned *per_ms)
{
    static const struct {
        const char *unit;
        unsigned ms;
    } units[] = {{"/s", 1000}, {"/min", 60000}, {"/h", 3600000}};
    unsigned long long v;
    size_t n = 0, i;

    if (s == NULL)
        return "bad rate (use N/s, N/min or N/h)";
    while (s[n] >= '0' && s[n] <= '9')
        n++;
    for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
        if (strcmp(s + n, units[i].unit) != 0)
            continue;
        if (!parse_uint(s, n, 100000000, &v) || v == 0)
            break;
        *count = (unsigned)v;
        *per_ms = units[i].ms;
        return NULL;
    }
    return "bad rate (use N/s, N/min or N/h, N from 1 to 100000000)";
}

/* A host name in ASCII: what libmilter and a next hop accept verbatim. */
static int is_hostname(const char *s, size_t n)
{
    char in[DNAME_MAX + 2], out[DNAME_MAX + 1];
    size_t i;
    if (n == 0 || n > DNAME_MAX)
        return 0;
    for (i = 0; i < n; i++)
        if ((unsigned char)s[i] >= 0x80)
            return 0;
    memcpy(in, s, n);
    in[n] = '\0';
    return dname_normalize(in, out, sizeof(out)) == NULL;
}

static int is_ip(int family, const char *s, size_t n)
{
    char tmp[64];
    unsigned char addr[sizeof(struct in6_addr)];
    if (n == 0 || n >= sizeof(tmp))
        return 0;
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    return inet_pton(family, tmp, addr) == 1;
}

const char *conf_parse_listen(const char *s)
{
    const char *hint = "bad listen address (use unix:/PATH, inet:PORT@HOST, inet6:PORT@HOST "
                       "or \"\" for off)";
    const char *at, *rest;
    unsigned short port;
    int family;

    if (s == NULL)
        return hint;
    if (*s == '\0')
        return NULL;
    if (strncmp(s, "unix:", 5) == 0 || strncmp(s, "local:", 6) == 0) {
        rest = strchr(s, ':') + 1;
        if (*rest != '/')
            return "bad listen address (unix: needs an absolute path)";
        if (strlen(rest) >= sizeof(((struct sockaddr_un *)0)->sun_path))
            return "bad listen address (unix path longer than 107 bytes)";
        for (; *rest; rest++)
            if ((unsigned char)*rest < ' ' || *rest == 0x7f)
                return "bad listen address (control character in path)";
        return NULL;
    }
    if (strncmp(s, "inet:", 5) == 0) {
        family = AF_INET;
        rest = s + 5;
    } else if (strncmp(s, "inet6:", 6) == 0) {
        family = AF_INET6;
        rest = s + 6;
    } else {
        return hint;
    }
    at = strchr(rest, '@');
    if (at == NULL || !parse_port(rest, (size_t)(at - rest), &port))
        return hint;
    at++;
    if (!is_ip(family, at, strlen(at)) && !is_hostname(at, strlen(at)))
        return hint;
    return NULL;
}

const char *conf_parse_server(const char *s, struct conf_server *out)
{
    const char *bad = "bad resolver address (use IP or IP:port, IPv6 as [::1]:53 or ::1)";
    struct conf_server sv;
    const char *host = s;
    size_t hlen;

    memset(&sv, 0, sizeof(sv));
    sv.port = 53;
    if (s == NULL || *s == '\0')
        return bad;
    if (*s == '[') {
        const char *end = strchr(s, ']');
        if (end == NULL)
            return bad;
        host = s + 1;
        hlen = (size_t)(end - host);
        if (end[1] != '\0' && (end[1] != ':' || !parse_port(end + 2, strlen(end + 2), &sv.port)))
            return bad;
        if (!is_ip(AF_INET6, host, hlen))
            return bad;
        sv.family = AF_INET6;
    } else if (is_ip(AF_INET6, s, strlen(s))) {
        hlen = strlen(s);
        sv.family = AF_INET6;
    } else {
        const char *colon = strchr(s, ':');
        hlen = colon ? (size_t)(colon - s) : strlen(s);
        if (colon != NULL && !parse_port(colon + 1, strlen(colon + 1), &sv.port))
            return bad;
        if (!is_ip(AF_INET, host, hlen))
            return bad;
        sv.family = AF_INET;
    }
    {
        /* Canonical text, so "::0001" and "::1" log the same. */
        char tmp[64];
        unsigned char addr[sizeof(struct in6_addr)];
        memcpy(tmp, host, hlen);
        tmp[hlen] = '\0';
        if (inet_pton(sv.family, tmp, addr) != 1 ||
            inet_ntop(sv.family, addr, sv.addr, sizeof(sv.addr)) == NULL)
            return bad;
    }
    if (out != NULL)
        *out = sv;
    return NULL;
}

const char *conf_parse_mode_bits(const char *s, mode_t *mode)
{
    size_t n, i;
    mode_t m = 0;

    if (s == NULL)
        return "bad socket mode (use an octal string like \"0660\")";
    n = strlen(s);
    if (n < 3 || n > 4 || (n == 4 && s[0] != '0'))
        return "bad socket mode (use an octal string like \"0660\")";
    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '7')
            return "bad socket mode (use an octal string like \"0660\")";
        m = (mode_t)(m * 8 + (mode_t)(s[i] - '0'));
    }
    if ((m & 0600) != 0600)
        return "bad socket mode (the owner needs read and write: 0600 at least)";
    *mode = m;
    return NULL;
}

static const char *const route_names[] = {"smarthost", "pin-mx", "transport", "none"};

const char *conf_parse_route(const char *s, enum conf_route *r)
{
    int i;
    for (i = 0; s != NULL && i < 4; i++) {
        if (strcmp(s, route_names[i]) == 0) {
            *r = (enum conf_route)i;
            return NULL;
        }
    }
    return "bad route (use smarthost, pin-mx, transport or none)";
}

const char *conf_route_name(enum conf_route r)
{
    return (unsigned)r < 4 ? route_names[r] : "?";
}

const char *conf_parse_nexthop(const char *s)
{
    const char *bad = "bad smarthost (use \"[host]:port\", \"[192.0.2.1]\", \"relay.example\" "
                      "or \"relay.example:2525\")";
    const char *host, *end, *p;
    unsigned short port;
    size_t hlen;

    if (s == NULL || *s == '\0')
        return bad;
    /* It goes into a route verbatim: nothing that could split or escape it. */
    for (p = s; *p; p++) {
        unsigned char ch = (unsigned char)*p;
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '.' || ch == '-' || ch == ':' || ch == '[' || ch == ']'))
            return bad;
    }
    if (*s == '[') {
        host = s + 1;
        end = strchr(host, ']');
        if (end == NULL)
            return bad;
        hlen = (size_t)(end - host);
        end++;
        if (hlen > 5 && strncasecmp(host, "ipv6:", 5) == 0) {
            if (!is_ip(AF_INET6, host + 5, hlen - 5))
                return bad;
        } else if (!is_ip(AF_INET, host, hlen) && !is_ip(AF_INET6, host, hlen) &&
                   !is_hostname(host, hlen)) {
            return bad;
        }
    } else {
        host = s;
        end = strchr(s, ':');
        if (end == NULL)
            end = s + strlen(s);
        hlen = (size_t)(end - host);
        if (!is_hostname(host, hlen))
            return bad;
    }
    if (*end == '\0')
        return NULL;
    if (*end != ':' || !parse_port(end + 1, strlen(end + 1), &port))
        return bad;
    return NULL;
}

const char *conf_parse_transport(const char *s)
{
    size_t n = 0;
    if (s == NULL || *s == '\0')
        return "bad transport (a master.cf service name: letters, digits, '-', '_')";
    for (; s[n]; n++) {
        unsigned char ch = (unsigned char)s[n];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '-' || ch == '_'))
            return "bad transport (a master.cf service name: letters, digits, '-', '_')";
    }
    if (n > 64)
        return "bad transport (longer than 64)";
    return NULL;
}

const char *conf_parse_level(const char *s, int *level)
{
    static const struct {
        const char *name;
        int level;
    } levels[] = {{"error", LOG_ERR},
                  {"warning", LOG_WARNING},
                  {"notice", LOG_NOTICE},
                  {"info", LOG_INFO},
                  {"debug", LOG_DEBUG}};
    size_t i;
    for (i = 0; s != NULL && i < sizeof(levels) / sizeof(levels[0]); i++) {
        if (strcmp(s, levels[i].name) == 0) {
            *level = levels[i].level;
            return NULL;
        }
    }
    return "bad log level (use error, warning, notice, info or debug)";
}

const char *conf_parse_facility(const char *s, int *facility)
{
    static const int local[] = {LOG_LOCAL0, LOG_LOCAL1, LOG_LOCAL2, LOG_LOCAL3,
                                LOG_LOCAL4, LOG_LOCAL5, LOG_LOCAL6, LOG_LOCAL7};
    const char *bad = "bad log facility (use mail, daemon, user or local0..local7)";
    if (s == NULL)
        return bad;
    if (strcmp(s, "mail") == 0)
        *facility = LOG_MAIL;
    else if (strcmp(s, "daemon") == 0)
        *facility = LOG_DAEMON;
    else if (strcmp(s, "user") == 0)
        *facility = LOG_USER;
    else if (strncmp(s, "local", 5) == 0 && s[5] >= '0' && s[5] <= '7' && s[6] == '\0')
        *facility = local[s[5] - '0'];
    else
        return bad;
    return NULL;
}

static const char *parse_mode(const char *s, enum conf_mode *m)
{
    if (strcmp(s, "rewrite") == 0)
        *m = MODE_REWRITE;
    else if (strcmp(s, "tag") == 0)
        *m = MODE_TAG;
    else
        return "bad mode (use rewrite or tag)";
    return NULL;
}

static const char *parse_ldd(const char *s, enum conf_ldd *l)
{
    if (strcmp(s, "none") == 0)
        *l = LDD_NONE;
    else if (strcmp(s, "smarthost") == 0)
        *l = LDD_SMARTHOST;
    else if (strcmp(s, "pin-external") == 0)
        *l = LDD_PIN_EXTERNAL;
    else
        return "bad value (use none, smarthost or pin-external)";
    return NULL;
}

/* A user or group name as useradd(8) takes it; existence is checked at run time. */
static const char *parse_account(const char *s)
{
    size_t n = 0;
    if (*s == '\0')
        return NULL;
    if (*s == '-')
        return "bad name (letters, digits, '.', '_', '-'; not starting with '-')";
    for (; s[n]; n++) {
        unsigned char ch = (unsigned char)s[n];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '.' || ch == '_' || ch == '-'))
            return "bad name (letters, digits, '.', '_', '-'; not starting with '-')";
    }
    return n > 32 ? "bad name (longer than 32)" : NULL;
}

static const char *parse_path(const char *s)
{
    const char *p;
    if (*s == '\0')
        return NULL;
    if (*s != '/')
        return "bad path (use an absolute path or \"\" for none)";
    if (strlen(s) > 4095)
        return "bad path (longer than 4095)";
    for (p = s; *p; p++)
        if ((unsigned char)*p < ' ' || *p == 0x7f)
            return "bad path (control character)";
    return NULL;
}

/* routing.publish: an absolute path, optionally with the Postfix table type
 * that postmap builds from it ("lmdb:/var/lib/mxdetour/transport"). */
static const char *parse_table(const char *s)
{
    static const char *const types[] = {"lmdb:", "hash:", "btree:", "cdb:", "texthash:"};
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        size_t n = strlen(types[i]);
        if (strncmp(s, types[i], n) == 0)
            return s[n] ? parse_path(s + n) : "bad table (a path must follow the type)";
    }
    if (*s != '/' && *s != '\0' && strchr(s, ':'))
        return "bad table type (use lmdb:, hash:, btree:, cdb:, texthash: or a bare absolute path)";
    return parse_path(s);
}

/* RFC 5322 field name: printable ASCII except ':'. */
static const char *parse_header(const char *s)
{
    size_t n = 0;
    if (*s == '\0')
        return "bad header name (printable ASCII, no spaces or ':')";
    for (; s[n]; n++)
        if ((unsigned char)s[n] <= ' ' || (unsigned char)s[n] >= 0x7f || s[n] == ':')
            return "bad header name (printable ASCII, no spaces or ':')";
    return n > 64 ? "bad header name (longer than 64)" : NULL;
}

static const char *parse_note(const char *s)
{
    const char *p;
    if (strlen(s) > CONF_MAX_NOTE)
        return "bad note (longer than 256)";
    for (p = s; *p; p++)
        if ((unsigned char)*p < ' ' || *p == 0x7f)
            return "bad note (one line, no control characters)";
    return NULL;
}

/* ---------------------------------------------------------------------- */
/* Errors                                                                  */

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
    c->listen_milter = xstrdup("unix:/run/mxdetour/milter.sock");
    c->listen_socketmap = xstrdup("unix:/run/mxdetour/socketmap.sock");
    c->listen_policy = xstrdup("unix:/run/mxdetour/policy.sock");
    c->listen_control = xstrdup("unix:/run/mxdetour/control.sock");
    c->socket_mode = 0660;
    c->socket_group = xstrdup("postfix");
    c->user = xstrdup("mxdetour");
    c->state_file = xstrdup("/var/lib/mxdetour/verdicts");
    c->local_system = 1;
    c->timeout_ms = 2000;
    c->tries = 2;
    c->concurrency = 200;
    c->max_mx = 5;
    c->recheck_ms = 3600000;
    c->max_pending = 10000;
    c->rate_count = 600;
    c->rate_per_ms = 60000;
    c->wait_ms = 1000;
    c->mode = MODE_REWRITE;
    c->on_broken = ROUTE_PIN_MX;
    c->smarthost = xstrdup("");
    c->transport = xstrdup("smtp");
    c->on_local_dns_down = LDD_NONE;
    c->tag_header = xstrdup("X-MXDetour");
    c->publish = xstrdup("");
    c->list = domlist_new(0);
    c->log_level = LOG_INFO;
    c->log_facility = LOG_MAIL;
    return c;
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
    free(c->socket_group);
    free(c->user);
    free(c->state_file);
    free(c->local);
    free(c->external);
    free(c->smarthost);
    free(c->transport);
    free(c->tag_header);
    free(c->publish);
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
    return m == MODE_TAG ? "tag" : "rewrite";
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

/* ---------------------------------------------------------------------- */
/* The schema                                                              */

enum ktype {
    K_SECTION,
    K_LISTEN,
    K_MODE_BITS,
    K_ACCOUNT,
    K_PATH,
    K_TABLE,
    K_LOCAL,
    K_EXTERNAL,
    K_DURATION,  /* > 0 */
    K_DURATION0, /* >= 0 */
    K_UINT,
    K_RATE,
    K_MODE,
    K_ROUTE,
    K_NEXTHOP0, /* a next hop or "" */
    K_TRANSPORT,
    K_LDD,
    K_HEADER,
    K_LEVEL,
    K_FACILITY,
    K_DOMAINS,
};

struct key_def {
    const char *section; /* "" = top level */
    const char *key;
    enum ktype type;
    size_t off; /* field of struct conf */
    unsigned min, max;
};

#define F(m) offsetof(struct conf, m)

static const struct key_def keys[] = {
    {"", "listen", K_SECTION, 0, 0, 0},
    {"", "user", K_ACCOUNT, F(user), 0, 0},
    {"", "state_file", K_PATH, F(state_file), 0, 0},
    {"", "resolvers", K_SECTION, 0, 0, 0},
    {"", "probe", K_SECTION, 0, 0, 0},
    {"", "routing", K_SECTION, 0, 0, 0},
    {"", "domains", K_DOMAINS, 0, 0, 0},
    {"", "log", K_SECTION, 0, 0, 0},
    {"listen", "milter", K_LISTEN, F(listen_milter), 0, 0},
    {"listen", "socketmap", K_LISTEN, F(listen_socketmap), 0, 0},
    {"listen", "policy", K_LISTEN, F(listen_policy), 0, 0},
    {"listen", "control", K_LISTEN, F(listen_control), 0, 0},
    {"listen", "socket_mode", K_MODE_BITS, F(socket_mode), 0, 0},
    {"listen", "socket_group", K_ACCOUNT, F(socket_group), 0, 0},
    {"resolvers", "local", K_LOCAL, 0, 0, 0},
    {"resolvers", "external", K_EXTERNAL, 0, 0, 0},
    {"probe", "timeout", K_DURATION, F(timeout_ms), 0, 0},
    {"probe", "tries", K_UINT, F(tries), 1, 10},
    {"probe", "concurrency", K_UINT, F(concurrency), 1, 10000},
    {"probe", "max_mx", K_UINT, F(max_mx), 1, 16},
    {"probe", "recheck", K_DURATION, F(recheck_ms), 0, 0},
    {"probe", "max_pending", K_UINT, F(max_pending), 1, 10000000},
    {"probe", "rate", K_RATE, 0, 0, 0},
    {"probe", "wait", K_DURATION0, F(wait_ms), 0, 0},
    {"routing", "mode", K_MODE, F(mode), 0, 0},
    {"routing", "on_broken", K_ROUTE, F(on_broken), 0, 0},
    {"routing", "smarthost", K_NEXTHOP0, F(smarthost), 0, 0},
    {"routing", "transport", K_TRANSPORT, F(transport), 0, 0},
    {"routing", "on_local_dns_down", K_LDD, F(on_local_dns_down), 0, 0},
    {"routing", "tag_header", K_HEADER, F(tag_header), 0, 0},
    {"routing", "publish", K_TABLE, F(publish), 0, 0},
    {"log", "level", K_LEVEL, F(log_level), 0, 0},
    {"log", "facility", K_FACILITY, F(log_facility), 0, 0},
};

#define NKEYS (sizeof(keys) / sizeof(keys[0]))

struct pos {
    int line, column; /* 0: not set in the file */
};

/* Where the checks that relate keys to each other point. */
struct dextra {
    struct pos route; /* explicit "route:" of an entry */
};

struct pctx {
    struct conf *c;
    struct conf_errs *errs;
    const char *file;
    size_t nerr;
    struct pos on_broken, ldd;
    struct dextra *dx;
};

static void err_at(struct pctx *p, const struct conf_node *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void err_at(struct pctx *p, const struct conf_node *n, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    conf_errs_add(p->errs, p->file, n->line, n->column, "%s", msg);
    p->nerr++;
}

/* The value as it goes in a message: quoted by the caller, escaped here so a
 * hostile file cannot put a newline or an escape sequence on the terminal. */
static void show(const char *s, size_t len, char *buf, size_t size)
{
    size_t i, o = 0;
    for (i = 0; i < len && o + 8 < size; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch < ' ' || ch == 0x7f)
            o += (size_t)snprintf(buf + o, size - o, "\\x%02x", ch);
        else if (ch == '"' || ch == '\\')
            o += (size_t)snprintf(buf + o, size - o, "\\%c", ch);
        else
            buf[o++] = (char)ch;
    }
    if (i < len) {
        while (o > 0 && ((unsigned char)buf[o - 1] & 0xc0) == 0x80)
            o--; /* do not cut a UTF-8 sequence */
        if (o > 0 && (unsigned char)buf[o - 1] >= 0xc0)
            o--;
        memcpy(buf + o, "...", 3);
        o += 3;
    }
    buf[o] = '\0';
}

/* "PATH: bad THING "VALUE" (hint)" from a checker's "bad THING (hint)". */
static void bad_value(struct pctx *p, const struct conf_node *n, const char *path, const char *msg)
{
    char val[160];
    const char *hint = strstr(msg, " (");
    int head = hint ? (int)(hint - msg) : (int)strlen(msg);

    show(n->value, n->len, val, sizeof(val));
    err_at(p, n, "%s%s%.*s \"%s\"%s", path, *path ? ": " : "", head, msg, val, hint ? hint : "");
}

static const char *kind_name(const struct conf_node *n)
{
    switch (n->kind) {
    case CONF_NODE_MAP:
        return "a mapping";
    case CONF_NODE_SEQ:
        return "a list";
    default:
        return "a scalar";
    }
}

static int is_null(const struct conf_node *n)
{
    return n->kind == CONF_NODE_SCALAR && n->plain &&
           (n->len == 0 || strcmp(n->value, "~") == 0 || strcmp(n->value, "null") == 0 ||
            strcmp(n->value, "Null") == 0 || strcmp(n->value, "NULL") == 0);
}

/* A scalar's text or NULL after reporting why not.  Null reads as "": the
 * value checker then says whether "" is allowed for that key. */
static const char *scalar(struct pctx *p, const struct conf_node *n, const char *path)
{
    if (n->kind == CONF_NODE_BAD)
        return NULL;
    if (n->kind != CONF_NODE_SCALAR) {
        err_at(p, n, "%s: expected a single value, got %s", path, kind_name(n));
        return NULL;
    }
    if (strlen(n->value) != n->len) {
        err_at(p, n, "%s: NUL character in value", path);
        return NULL;
    }
    return is_null(n) ? "" : n->value;
}

static void set_str(struct conf *c, size_t off, const char *v)
{
    char **f = (char **)(void *)((char *)c + off);
    free(*f);
    *f = xstrdup(v);
}

static void parse_servers(struct pctx *p, const struct conf_node *n, const char *path,
                          struct conf_server **out, size_t *nout)
{
    size_t i;

    free(*out);
    *out = NULL;
    *nout = 0;
    if (is_null(n))
        return;
    if (n->kind != CONF_NODE_SEQ) {
        if (n->kind != CONF_NODE_BAD)
            err_at(p, n, "%s: expected a list of addresses, got %s", path, kind_name(n));
        return;
    }
    if (n->n > CONF_MAX_SERVERS) {
        err_at(p, n, "%s: more than %d resolvers", path, CONF_MAX_SERVERS);
        return;
    }
    *out = xcalloc(n->n, sizeof(**out));
    for (i = 0; i < n->n; i++) {
        const char *v = scalar(p, n->child[i], path), *e;
        if (v == NULL)
            continue;
        e = conf_parse_server(v, &(*out)[*nout]);
        if (e != NULL)
            bad_value(p, n->child[i], path, e);
        else
            (*nout)++;
    }
}

static void parse_local(struct pctx *p, const struct conf_node *n)
{
    struct conf *c = p->c;
    if (n->kind == CONF_NODE_BAD)
        return;
    if (n->kind == CONF_NODE_SCALAR && strcmp(n->value, "system") == 0) {
        c->local_system = 1;
        free(c->local);
        c->local = NULL;
        c->nlocal = 0;
        return;
    }
    if (n->kind == CONF_NODE_SCALAR) {
        bad_value(p, n, "resolvers.local",
                  "bad resolver list (use system or a list of \"IP\" / \"IP:port\")");
        return;
    }
    if (n->kind == CONF_NODE_MAP) {
        err_at(p, n, "resolvers.local: expected system or a list of addresses, got a mapping");
        return;
    }
    if (n->kind == CONF_NODE_SEQ && n->n == 0) {
        err_at(p, n, "resolvers.local: empty list (use system or a list of addresses)");
        return;
    }
    c->local_system = 0;
    parse_servers(p, n, "resolvers.local", &c->local, &c->nlocal);
}

static void parse_int(struct pctx *p, const struct conf_node *n, const char *path,
                      const struct key_def *k)
{
    unsigned long long v;
    const char *s = scalar(p, n, path);
    if (s == NULL)
        return;
    if (!parse_uint(s, strlen(s), k->max, &v) || v < k->min) {
        char hint[64];
        snprintf(hint, sizeof(hint), "bad number (use %u..%u)", k->min, k->max);
        bad_value(p, n, path, hint);
        return;
    }
    *(unsigned *)(void *)((char *)p->c + k->off) = (unsigned)v;
}

/* Applies one known key; path is "section.key" or "key". */
static void apply(struct pctx *p, const struct key_def *k, const struct conf_node *n,
                  const char *path)
{
    struct conf *c = p->c;
    char *base = (char *)c;
    const char *s, *e = NULL;

    switch (k->type) {
    case K_SECTION:
    case K_DOMAINS:
        return; /* walked by the caller */
    case K_LOCAL:
        parse_local(p, n);
        return;
    case K_EXTERNAL:
        parse_servers(p, n, path, &c->external, &c->nexternal);
        return;
    case K_UINT:
        parse_int(p, n, path, k);
        return;
    default:
        break;
    }
    s = scalar(p, n, path);
    if (s == NULL)
        return;
    switch (k->type) {
    case K_LISTEN:
        e = conf_parse_listen(s);
        if (e == NULL)
            set_str(c, k->off, s);
        break;
    case K_MODE_BITS:
        e = conf_parse_mode_bits(s, (mode_t *)(void *)(base + k->off));
        break;
    case K_ACCOUNT:
        e = parse_account(s);
        if (e == NULL)
            set_str(c, k->off, s);
        break;
    case K_PATH:
        e = parse_path(s);
        if (e == NULL)
            set_str(c, k->off, s);
        break;
    case K_TABLE:
        e = parse_table(s);
        if (e == NULL)
            set_str(c, k->off, s);
        break;
    case K_DURATION:
    case K_DURATION0: {
        unsigned ms = 0;
        e = conf_parse_duration(s, &ms);
        if (e == NULL && ms == 0 && k->type == K_DURATION)
            e = "bad duration (must be greater than 0)";
        if (e == NULL)
            *(unsigned *)(void *)(base + k->off) = ms;
        break;
    }
    case K_RATE:
        e = conf_parse_rate(s, &c->rate_count, &c->rate_per_ms);
        break;
    case K_MODE:
        e = parse_mode(s, &c->mode);
        break;
    case K_ROUTE:
        e = conf_parse_route(s, &c->on_broken);
        p->on_broken.line = n->line;
        p->on_broken.column = n->column;
        break;
    case K_NEXTHOP0:
        e = *s ? conf_parse_nexthop(s) : NULL;
        if (e == NULL)
            set_str(c, k->off, s);
        break;
    case K_TRANSPORT:
        e = conf_parse_transport(s);
        if (e == NULL)
            set_str(c, k->off, s);
        break;
    case K_LDD:
        e = parse_ldd(s, &c->on_local_dns_down);
        p->ldd.line = n->line;
        p->ldd.column = n->column;
        break;
    case K_HEADER:
        e = parse_header(s);
        if (e == NULL)
            set_str(c, k->off, s);
        break;
    case K_LEVEL:
        e = conf_parse_level(s, &c->log_level);
        break;
    case K_FACILITY:
        e = conf_parse_facility(s, &c->log_facility);
        break;
    default:
        break;
    }
    if (e != NULL)
        bad_value(p, n, path, e);
}

/* ---------------------------------------------------------------------- */
/* The domain list                                                         */

/* Name of an entry: "*.x" wildcard or a host name, normalised into d. */
static int entry_name(struct pctx *p, const struct conf_node *n, struct conf_domain *d)
{
    char name[DNAME_MAX + 1];
    const char *s = scalar(p, n, "domains"), *e;

    if (s == NULL)
        return -1;
    d->wildcard = strncmp(s, "*.", 2) == 0;
    if (strchr(s + (d->wildcard ? 2 : 0), '*') != NULL)
        e = "bad domain (a wildcard is only allowed as a leading \"*.\")";
    else if (*s == '\0')
        e = "bad domain (empty)";
    else
        e = dname_normalize(s + (d->wildcard ? 2 : 0), name, sizeof(name));
    if (e != NULL) {
        char msg[160];
        if (strncmp(e, "bad domain", 10) != 0) {
            snprintf(msg, sizeof(msg), "bad domain (%s)", e);
            e = msg;
        }
        bad_value(p, n, "", e);
        return -1;
    }
    d->name = xstrdup(name);
    d->line = n->line;
    d->column = n->column;
    return 0;
}

static const char *const entry_keys[] = {"domain", "route", "smarthost", "transport", "note"};
static const char *const entry_paths[] = {"domains", "domains.route", "domains.smarthost",
                                          "domains.transport", "domains.note"};

/* One key of a mapping entry other than "domain"; NULL or a checker message. */
static const char *entry_value(struct conf_domain *d, struct dextra *dx, size_t k,
                               const struct conf_node *val, const char *s)
{
    const char *e;
    switch (k) {
    case 1:
        e = conf_parse_route(s, &d->route);
        if (e == NULL) {
            dx->route.line = val->line;
            dx->route.column = val->column;
        }
        return e;
    case 2:
        e = conf_parse_nexthop(s);
        if (e == NULL)
            d->smarthost = xstrdup(s);
        return e;
    case 3:
        e = conf_parse_transport(s);
        if (e == NULL)
            d->transport = xstrdup(s);
        return e;
    default:
        e = parse_note(s);
        if (e == NULL && *s != '\0') /* "" is no note, as when the key is absent */
            d->note = xstrdup(s);
        return e;
    }
}

/* 0 when the entry has a usable name (other errors are reported but the
 * name still takes part in the duplicate check), -1 otherwise. */
static int entry_map(struct pctx *p, const struct conf_node *m, struct conf_domain *d,
                     struct dextra *dx)
{
    const struct conf_node *seen[5] = {NULL, NULL, NULL, NULL, NULL};
    int named = 0;
    size_t i, k;

    for (i = 0; i + 1 < m->n; i += 2) {
        const struct conf_node *key = m->child[i], *val = m->child[i + 1];
        const char *s, *e;

        if (key->kind != CONF_NODE_SCALAR) {
            if (key->kind != CONF_NODE_BAD)
                err_at(p, key, "domains entry: a key must be a plain name, got %s", kind_name(key));
            continue;
        }
        for (k = 0; k < 5 && strcmp(key->value, entry_keys[k]) != 0; k++)
            ;
        if (k == 5 || strlen(key->value) != key->len) {
            char kv[160];
            show(key->value, key->len, kv, sizeof(kv));
            err_at(p, key, "unknown key \"%s\" in domains entry", kv);
            continue;
        }
        if (seen[k] != NULL) {
            err_at(p, key, "duplicate key \"%s\" in domains entry (first at line %d)",
                   entry_keys[k], seen[k]->line);
            continue;
        }
        seen[k] = key;
        if (k == 0) {
            named = entry_name(p, val, d) == 0;
            continue;
        }
        s = scalar(p, val, entry_paths[k]);
        if (s == NULL)
            continue;
        e = entry_value(d, dx, k, val, s);
        if (e != NULL)
            bad_value(p, val, entry_paths[k], e);
    }
    if (seen[0] == NULL)
        err_at(p, m, "domains entry without a \"domain\" key");
    return named ? 0 : -1;
}

static void parse_domains(struct pctx *p, const struct conf_node *n)
{
    struct conf *c = p->c;
    size_t i;

    if (is_null(n) || n->kind == CONF_NODE_BAD)
        return;
    if (n->kind != CONF_NODE_SEQ) {
        err_at(p, n, "domains: expected a list, got %s", kind_name(n));
        return;
    }
    c->domains = xcalloc(n->n, sizeof(*c->domains));
    p->dx = xcalloc(n->n, sizeof(*p->dx));
    for (i = 0; i < n->n; i++) {
        const struct conf_node *e = n->child[i];
        struct conf_domain *d = &c->domains[c->ndomains];
        struct dextra *dx = &p->dx[c->ndomains];
        int rc;

        memset(d, 0, sizeof(*d));
        d->route = (enum conf_route) - 1; /* resolved after routing is read */
        if (e->kind == CONF_NODE_SCALAR) {
            rc = entry_name(p, e, d);
        } else if (e->kind == CONF_NODE_MAP) {
            rc = entry_map(p, e, d, dx);
        } else {
            if (e->kind != CONF_NODE_BAD)
                err_at(p, e, "domains: an entry is a domain or a mapping, got %s", kind_name(e));
            rc = -1;
        }
        if (rc == 0) {
            c->ndomains++;
        } else {
            free(d->name);
            free(d->smarthost);
            free(d->transport);
            free(d->note);
            memset(d, 0, sizeof(*d));
            memset(dx, 0, sizeof(*dx));
        }
    }
}

/* ---------------------------------------------------------------------- */
/* Walking the tree                                                        */

static const struct key_def *find_key(const char *section, const char *key)
{
    size_t i;
    for (i = 0; i < NKEYS; i++)
        if (strcmp(keys[i].section, section) == 0 && strcmp(keys[i].key, key) == 0)
            return &keys[i];
    return NULL;
}

static void walk_map(struct pctx *p, const struct conf_node *m, const char *section)
{
    const struct conf_node *seen[NKEYS];
    size_t i;

    memset(seen, 0, sizeof(seen));
    if (is_null(m) || m->kind == CONF_NODE_BAD)
        return;
    if (m->kind != CONF_NODE_MAP) {
        if (*section)
            err_at(p, m, "%s: expected a mapping, got %s", section, kind_name(m));
        else
            err_at(p, m, "the top level must be a mapping, got %s", kind_name(m));
        return;
    }
    for (i = 0; i + 1 < m->n; i += 2) {
        const struct conf_node *key = m->child[i], *val = m->child[i + 1];
        const struct key_def *k;
        char path[64];

        if (key->kind != CONF_NODE_SCALAR) {
            if (key->kind != CONF_NODE_BAD)
                err_at(p, key, "%s%sa key must be a plain name, got %s", section,
                       *section ? ": " : "", kind_name(key));
            continue;
        }
        k = find_key(section, key->value);
        if (k == NULL || strlen(key->value) != key->len) {
            char kv[160];
            show(key->value, key->len, kv, sizeof(kv));
            if (*section)
                err_at(p, key, "unknown key \"%s\" in %s", kv, section);
            else
                err_at(p, key, "unknown key \"%s\"", kv);
            continue;
        }
        if (seen[k - keys] != NULL) {
            if (*section)
                err_at(p, key, "duplicate key \"%s\" in %s (first at line %d)", k->key, section,
                       seen[k - keys]->line);
            else
                err_at(p, key, "duplicate key \"%s\" (first at line %d)", k->key,
                       seen[k - keys]->line);
            continue;
        }
        seen[k - keys] = key;
        snprintf(path, sizeof(path), "%s%s%s", section, *section ? "." : "", k->key);
        if (k->type == K_SECTION)
            walk_map(p, val, k->key);
        else if (k->type == K_DOMAINS)
            parse_domains(p, val);
        else
            apply(p, k, val, path);
    }
}

/* Checks across keys, once every key is known. */
static void cross_check(struct pctx *p)
{
    struct conf *c = p->c;
    int have_smarthost = *c->smarthost != '\0';
    size_t i;

    if (c->on_broken == ROUTE_SMARTHOST && !have_smarthost) {
        conf_errs_add(p->errs, p->file, p->on_broken.line, p->on_broken.column,
                      "routing.on_broken: smarthost needs routing.smarthost");
        p->nerr++;
    }
    if (c->on_local_dns_down == LDD_SMARTHOST && !have_smarthost) {
        conf_errs_add(p->errs, p->file, p->ldd.line, p->ldd.column,
                      "routing.on_local_dns_down: smarthost needs routing.smarthost");
        p->nerr++;
    }
    for (i = 0; i < c->ndomains; i++) {
        struct conf_domain *d = &c->domains[i];
        if ((int)d->route == -1) {
            d->route = c->on_broken; /* the routing defaults */
            continue;
        }
        if (d->route == ROUTE_SMARTHOST && d->smarthost == NULL && !have_smarthost) {
            conf_errs_add(p->errs, p->file, p->dx[i].route.line, p->dx[i].route.column,
                          "domains.route: smarthost for \"%s%s\" but no smarthost (set smarthost "
                          "in the entry or routing.smarthost)",
                          d->wildcard ? "*." : "", d->name);
            p->nerr++;
        }
    }
}

struct sortkey {
    long line, column;
    size_t idx;
    char *msg;
};

static int cmp_key(const void *a, const void *b)
{
    const struct sortkey *x = a, *y = b;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    if (x->column != y->column)
        return x->column < y->column ? -1 : 1;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* Moves mine into errs in file order: checks that run after the walk
 * (duplicates, cross-key checks) would otherwise come out of order. */
static void move_sorted(struct conf_errs *mine, const char *name, struct conf_errs *errs)
{
    size_t i, skip = strlen(name);
    struct sortkey *k;

    if (errs == NULL || mine->n == 0) {
        conf_errs_free(mine);
        return;
    }
    k = xcalloc(mine->n, sizeof(*k));
    for (i = 0; i < mine->n; i++) {
        char *end;
        const char *m = mine->msg[i] + skip;
        k[i].idx = i;
        k[i].msg = mine->msg[i];
        if (m[0] == ':' && m[1] >= '0' && m[1] <= '9') {
            k[i].line = strtol(m + 1, &end, 10);
            k[i].column = *end == ':' ? strtol(end + 1, NULL, 10) : 0;
        }
    }
    qsort(k, mine->n, sizeof(*k), cmp_key);
    errs->msg = xrealloc(errs->msg, (errs->n + mine->n) * sizeof(*errs->msg));
    for (i = 0; i < mine->n; i++)
        errs->msg[errs->n++] = k[i].msg;
    free(k);
    free(mine->msg);
    mine->msg = NULL;
    mine->n = 0;
}

struct conf *conf_load_buf(const char *name, const char *buf, size_t len, struct conf_errs *errs)
{
    struct conf_errs mine = {NULL, 0};
    struct conf_node *root = NULL;
    struct pctx p;
    struct conf *c;
    int failed;

    c = conf_defaults();
    free(c->path);
    c->path = xstrdup(name ? name : "-");
    memset(&p, 0, sizeof(p));
    p.c = c;
    p.errs = &mine;
    p.file = c->path;

    if (conf_yaml_parse(c->path, buf, len, &root, &mine) < 0) {
        p.nerr++;
    } else if (root != NULL) {
        walk_map(&p, root, "");
        cross_check(&p);
        if (conf_index_domains(c, &mine) < 0)
            p.nerr++;
    }
    conf_node_free(root);
    free(p.dx);
    /* Every problem lands in mine, also the ones conf_yaml.c reports. */
    failed = p.nerr > 0 || mine.n > 0;
    move_sorted(&mine, c->path, errs);
    if (failed) {
        conf_unref(c);
        return NULL;
    }
    return c;
}

struct conf *conf_load(const char *path, struct conf_errs *errs)
{
    struct conf *c;
    char *buf;
    size_t len = 0, cap;
    struct stat st;
    FILE *f;

    if (path == NULL)
        path = CONF_DEFAULT_PATH;
    f = fopen(path, "rb");
    if (f == NULL) {
        conf_errs_add(errs, path, 0, 0, "cannot open: %s", strerror(errno));
        return NULL;
    }
    if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        conf_errs_add(errs, path, 0, 0, "cannot read: is a directory");
        fclose(f);
        return NULL;
    }
    cap = st.st_size > 0 && (unsigned long long)st.st_size < CONF_MAX_FILE ? (size_t)st.st_size + 1
                                                                           : 4096;
    buf = xmalloc(cap);
    for (;;) {
        size_t n = fread(buf + len, 1, cap - len, f);
        len += n;
        if (len > CONF_MAX_FILE) {
            conf_errs_add(errs, path, 0, 0, "cannot read: larger than %u bytes", CONF_MAX_FILE);
            fclose(f);
            free(buf);
            return NULL;
        }
        if (n == 0)
            break;
        if (len == cap) {
            cap *= 2;
            buf = xrealloc(buf, cap);
        }
    }
    if (ferror(f)) {
        conf_errs_add(errs, path, 0, 0, "cannot read: %s", strerror(errno));
        fclose(f);
        free(buf);
        return NULL;
    }
    fclose(f);
    c = conf_load_buf(path, buf, len, errs);
    free(buf);
    return c;
}
