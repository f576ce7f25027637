/*
 * conf_schema - conf_load_buf() and conf_load(): start from conf_defaults(),
 * let conf_yaml.c turn the text into a tree of positioned nodes, and walk
 * that tree with one schema table (keys[] below): the table says which keys
 * each section has and what type each value is, so unknown keys, wrong types
 * and bad values are all found in one pass and every one of them is
 * reported (an admin fixing a file wants the whole list, not one error per
 * reload).  Checks that relate keys to each other (route smarthost needs a
 * smart host) run after the walk, since YAML keys come in any order.  Only a
 * YAML syntax error stops the walk: libyaml cannot go on after one.
 *
 * Messages are "FILE:LINE:COLUMN: [key.path: ]text", pointing at the key for
 * an unknown key and at the value for a bad value.
 */
#include "conf.h"
#include "conf_value.h"
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

enum ktype {
    K_SECTION,
    K_LISTEN,
    K_MODE_BITS,
    K_ACCOUNT,
    K_PATH,
    K_TABLE,
    K_LOCAL,
    K_EXTERNAL,
    K_CANARY,
    K_DURATION,  /* > 0 */
    K_DURATION0, /* >= 0 */
    K_UINT,
    K_RATE,
    K_MODE,
    K_ROUTE,
    K_NEXTHOP0, /* a next hop or "" */
    K_TRANSPORT,
    K_LDD,
    K_SWITCH, /* off|on */
    K_HEADER,
    K_LEVEL,
    K_FACILITY,
    K_DOMAINS,
    K_FLEET,
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
    {"", "fleet", K_SECTION, 0, 0, 0},
    {"listen", "milter", K_LISTEN, F(listen_milter), 0, 0},
    {"listen", "socketmap", K_LISTEN, F(listen_socketmap), 0, 0},
    {"listen", "policy", K_LISTEN, F(listen_policy), 0, 0},
    {"listen", "control", K_LISTEN, F(listen_control), 0, 0},
    {"listen", "metrics", K_LISTEN, F(listen_metrics), 0, 0},
    {"listen", "socket_mode", K_MODE_BITS, F(socket_mode), 0, 0},
    {"listen", "control_mode", K_MODE_BITS, F(control_mode), 0, 0},
    {"listen", "milter_timeout", K_DURATION, F(milter_timeout_ms), 0, 0},
    {"listen", "socket_group", K_ACCOUNT, F(socket_group), 0, 0},
    {"resolvers", "local", K_LOCAL, 0, 0, 0},
    {"resolvers", "external", K_EXTERNAL, 0, 0, 0},
    {"resolvers", "canary", K_CANARY, 0, 0, 0},
    {"resolvers", "check_interval", K_DURATION, F(check_interval_ms), 0, 0},
    {"probe", "timeout", K_DURATION, F(timeout_ms), 0, 0},
    {"probe", "tries", K_UINT, F(tries), 1, 10},
    {"probe", "concurrency", K_UINT, F(concurrency), 1, 10000},
    {"probe", "max_mx", K_UINT, F(max_mx), 1, 16},
    {"probe", "recheck", K_DURATION, F(recheck_ms), 0, 0},
    {"probe", "max_pending", K_UINT, F(max_pending), 1, 10000000},
    {"probe", "max_cached", K_UINT, F(max_cached), 100, 100000000},
    {"probe", "rate", K_RATE, 0, 0, 0},
    {"probe", "wait", K_DURATION0, F(wait_ms), 0, 0},
    {"probe", "authoritative", K_SWITCH, F(authoritative), 0, 0},
    {"routing", "mode", K_MODE, F(mode), 0, 0},
    {"routing", "on_broken", K_ROUTE, F(on_broken), 0, 0},
    {"routing", "smarthost", K_NEXTHOP0, F(smarthost), 0, 0},
    {"routing", "transport", K_TRANSPORT, F(transport), 0, 0},
    {"routing", "on_local_dns_down", K_LDD, F(on_local_dns_down), 0, 0},
    {"routing", "tag_header", K_HEADER, F(tag_header), 0, 0},
    {"routing", "publish", K_TABLE, F(publish), 0, 0},
    {"routing", "postfix_config", K_PATH, F(postfix_config), 0, 0},
    {"routing", "rescue", K_SWITCH, F(rescue), 0, 0},
    {"log", "level", K_LEVEL, F(log_level), 0, 0},
    {"log", "facility", K_FACILITY, F(log_facility), 0, 0},
    {"fleet", "redis", K_FLEET, F(fleet_redis), 0, 0},
    {"fleet", "key_prefix", K_FLEET, F(fleet_prefix), 0, 0},
    {"fleet", "node", K_FLEET, F(fleet_node), 0, 0},
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
    struct pos on_broken, ldd, control, publish;
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

/* resolvers.canary: names the local resolver must be able to resolve
 * ("." is the root zone, always in a recursive resolver's reach). */
static void parse_canary(struct pctx *p, const struct conf_node *n, const char *path)
{
    struct conf *c = p->c;

    if (n->kind != CONF_NODE_SEQ) {
        if (n->kind != CONF_NODE_BAD)
            err_at(p, n, "%s: expected a list of names, got %s", path, kind_name(n));
        return;
    }
    if (n->n == 0 || n->n > CONF_MAX_CANARY) {
        err_at(p, n, "%s: give 1 to %d names", path, CONF_MAX_CANARY);
        return;
    }
    conf_free_names(c->canary, c->ncanary);
    c->canary = xcalloc(n->n + 1, sizeof(*c->canary));
    c->ncanary = 0;
    for (size_t i = 0; i < n->n; i++) {
        char name[DNAME_MAX + 1];
        const char *v = scalar(p, n->child[i], path), *e = NULL;
        if (v == NULL)
            continue;
        if (strcmp(v, ".") != 0 && (e = dname_normalize(v, name, sizeof(name))) != NULL) {
            char msg[160];
            snprintf(msg, sizeof(msg), "bad name (%s)", e);
            bad_value(p, n->child[i], path, msg);
            continue;
        }
        c->canary[c->ncanary++] = xstrdup(strcmp(v, ".") == 0 ? "." : name);
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
    if (!conf_value_uint(s, strlen(s), k->max, &v) || v < k->min) {
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
    case K_CANARY:
        parse_canary(p, n, path);
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
        if (e == NULL && k->off == F(listen_metrics) && *s && strncmp(s, "inet", 4) != 0)
            e = "bad listen address (metrics are served over HTTP: use inet:PORT@HOST, "
                "inet6:PORT@HOST or \"\" for off)";
        if (e == NULL)
            set_str(c, k->off, s);
        if (k->off == F(listen_control)) {
            p->control.line = n->line;
            p->control.column = n->column;
        }
        break;
    case K_MODE_BITS:
        e = conf_parse_mode_bits(s, (mode_t *)(void *)(base + k->off));
        break;
    case K_ACCOUNT:
        e = conf_value_account(s);
        if (e == NULL)
            set_str(c, k->off, s);
        break;
    case K_PATH:
        e = conf_value_path(s);
        if (e == NULL)
            set_str(c, k->off, s);
        break;
    case K_TABLE:
        e = conf_value_table(s);
        if (e == NULL)
            set_str(c, k->off, s);
        p->publish.line = n->line;
        p->publish.column = n->column;
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
        e = conf_value_mode(s, &c->mode);
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
    case K_SWITCH:
        e = conf_value_switch(s, (int *)(void *)(base + k->off));
        break;
    case K_LDD:
        e = conf_value_ldd(s, &c->on_local_dns_down);
        p->ldd.line = n->line;
        p->ldd.column = n->column;
        break;
    case K_HEADER:
        e = conf_value_header(s);
        if (e == NULL)
            set_str(c, k->off, s);
        break;
    case K_LEVEL:
        e = conf_parse_level(s, &c->log_level);
        break;
    case K_FACILITY:
        e = conf_parse_facility(s, &c->log_facility);
        break;
    case K_FLEET:
        e = conf_value_fleet(k->key, s);
        if (e == NULL)
            set_str(c, k->off, s);
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
        e = conf_value_note(s);
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

/* The control socket flushes and exports every route: on the network it
 * would hand that to anyone who can reach the port, so only loopback. */
static void check_control(struct pctx *p)
{
    const char *s = p->c->listen_control, *host = strchr(s, '@');

    if (strncmp(s, "inet", 4) != 0 || host == NULL)
        return;
    host++;
    if (strncmp(host, "127.", 4) == 0 || strcmp(host, "::1") == 0 || strcmp(host, "localhost") == 0)
        return;
    conf_errs_add(p->errs, p->file, p->control.line, p->control.column,
                  "listen.control: \"%s\" is not a loopback address (use unix:PATH, "
                  "inet:PORT@127.0.0.1 or inet6:PORT@::1)",
                  host);
    p->nerr++;
}

/* routing.publish must not name the state file, nor the database postmap
 * makes next to the table: every publish would replace the saved verdicts. */
static void check_publish(struct pctx *p)
{
    static const char *const types[][2] = {{"lmdb:", ".lmdb"},
                                           {"hash:", ".db"},
                                           {"btree:", ".db"},
                                           {"cdb:", ".cdb"},
                                           {"texthash:", NULL}};
    const char *spec = p->c->publish, *state = p->c->state_file, *path = spec, *db = ".lmdb";
    char sv[160], st[160];

    if (!*spec || !*state)
        return;
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        size_t n = strlen(types[i][0]);
        if (strncmp(spec, types[i][0], n) == 0) {
            path = spec + n;
            db = types[i][1];
        }
    }
    size_t n = strlen(path);
    if (strcmp(path, state) != 0 &&
        !(db && strncmp(path, state, n) == 0 && strcmp(state + n, db) == 0))
        return;
    show(spec, strlen(spec), sv, sizeof(sv));
    show(state, strlen(state), st, sizeof(st));
    conf_errs_add(p->errs, p->file, p->publish.line, p->publish.column,
                  "routing.publish: table \"%s\" would overwrite state_file \"%s\" (give the "
                  "table a path of its own)",
                  sv, st);
    p->nerr++;
}

/* Checks across keys, once every key is known. */
static void cross_check(struct pctx *p)
{
    struct conf *c = p->c;
    int have_smarthost = *c->smarthost != '\0';
    size_t i;

    check_control(p);
    check_publish(p);

    if (c->on_broken == CONF_ROUTE_SMARTHOST && !have_smarthost) {
        conf_errs_add(p->errs, p->file, p->on_broken.line, p->on_broken.column,
                      "routing.on_broken: smarthost needs routing.smarthost");
        p->nerr++;
    }
    if (c->on_local_dns_down == CONF_LDD_SMARTHOST && !have_smarthost) {
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
        if (d->route == CONF_ROUTE_SMARTHOST && d->smarthost == NULL && !have_smarthost) {
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
