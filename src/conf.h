/*
 * conf - the configuration snapshot of mxdetour.yaml (doc/design.md §3).
 *
 * conf_load() parses a file into a new, immutable snapshot with refcount 1.
 * On any error it returns NULL and fills *errs with every problem found, each
 * "FILE:LINE:COLUMN: message" (1-based).  The caller frees errs with
 * conf_errs_free() and a snapshot with conf_unref().  A reload builds a new
 * snapshot and swaps it in only on success; requests in flight keep their
 * reference to the old one.
 *
 * Value checkers (conf_parse_duration() and friends) are pure and shared by
 * the YAML loader and the command line; they return NULL on success or a
 * static message.
 */
#ifndef MXD_CONF_H
#define MXD_CONF_H
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define CONF_DEFAULT_PATH "/etc/mxdetour/mxdetour.yaml"
/* Where the MTA-facing sockets live by default: Postfix's queue directory. */
#define CONF_SPOOL_DIR "/var/spool/postfix/mxdetour"

enum conf_route {
    CONF_ROUTE_SMARTHOST,
    CONF_ROUTE_PIN_MX,
    CONF_ROUTE_TRANSPORT,
    CONF_ROUTE_NONE,
};

enum conf_mode {
    CONF_MODE_REWRITE,
    CONF_MODE_TAG,
};

enum conf_ldd { /* routing.on_local_dns_down */
                CONF_LDD_NONE,
                CONF_LDD_SMARTHOST,
                CONF_LDD_PIN_EXTERNAL,
};

struct conf_server { /* one resolver: numeric address and port */
    char addr[46];   /* IPv4 or IPv6 literal, no brackets */
    int family;      /* AF_INET or AF_INET6 */
    unsigned short port;
};

struct conf_domain { /* one entry of the known-broken list */
    char *name;      /* A-label, lower case, no trailing dot, no "*." */
    int wildcard;    /* 1: "*.name", every subdomain, not the apex */
    enum conf_route route;
    char *smarthost; /* NULL: routing.smarthost */
    char *transport; /* NULL: routing.transport */
    char *note;      /* NULL: none */
    int line, column;
};

struct domlist;

struct conf {
    int refcnt; /* atomic; see conf_ref() */
    char *path;

    char *listen_milter;    /* "" = off */
    char *listen_socketmap; /* "" = off */
    char *listen_policy;    /* "" = off */
    char *listen_control;   /* "" = off */
    char *listen_metrics;   /* "" = off; inet or inet6 only (HTTP) */
    mode_t socket_mode;     /* the MTA-facing sockets */
    mode_t control_mode;    /* the control socket: flush/export are for root */
    char *socket_group;     /* "" = leave group alone */
    char *user;             /* "" = do not drop privileges */
    char *state_file;       /* "" = no state file */
    /* libmilter drops a milter peer silent this long (rounded up to s). */
    unsigned milter_timeout_ms;

    int local_system; /* 1: /etc/resolv.conf */
    struct conf_server *local;
    size_t nlocal;
    struct conf_server *external;
    size_t nexternal;
    char **canary; /* names asked to tell whether the local resolver is up */
    size_t ncanary;
    unsigned check_interval_ms;

    unsigned timeout_ms;
    unsigned tries;
    unsigned concurrency;
    unsigned max_mx;
    unsigned recheck_ms;
    unsigned max_pending;
    unsigned max_cached; /* verdict cache entries at most */
    unsigned rate_count; /* rate: rate_count per rate_per_ms */
    unsigned rate_per_ms;
    unsigned wait_ms;
    int authoritative; /* probe.authoritative: ask the zone's servers after a failure */

    enum conf_mode mode;
    enum conf_route on_broken;
    char *smarthost; /* "" = none */
    char *transport;
    enum conf_ldd on_local_dns_down;
    char *tag_header;
    char *publish;        /* "" = off */
    char *postfix_config; /* postmap -c DIR; "" = Postfix's own default */
    int rescue;           /* routing.rescue: retry deferred mail on a new route */

    char *fleet_redis;  /* "" = off, "unix:PATH" or "HOST:PORT" */
    char *fleet_prefix; /* prefix of every Redis key and channel */
    char *fleet_node;   /* this node's name in shared verdicts */

    struct conf_domain *domains;
    size_t ndomains;
    struct domlist *list; /* index over domains[] */

    int log_level;    /* syslog LOG_ERR .. LOG_DEBUG */
    int log_facility; /* syslog LOG_MAIL, LOG_LOCAL0.. */
};

struct conf_errs {
    char **msg;
    size_t n;
};

struct conf *conf_defaults(void);
struct conf *conf_load(const char *path, struct conf_errs *errs);
/* Parses an in-memory document; name is used in messages. */
struct conf *conf_load_buf(const char *name, const char *buf, size_t len, struct conf_errs *errs);
struct conf *conf_ref(struct conf *c);
void conf_free_names(char **v, size_t n);
void conf_unref(struct conf *c);
void conf_errs_free(struct conf_errs *errs);
void conf_errs_add(struct conf_errs *errs, const char *file, int line, int col, const char *fmt,
                   ...) __attribute__((format(printf, 5, 6)));
/* Builds c->list from c->domains; reports duplicates into errs. */
int conf_index_domains(struct conf *c, struct conf_errs *errs);
/* One-line summary for check-config, into buf. */
void conf_summary(const struct conf *c, char *buf, size_t size);

/* The known-broken entry for a domain in any spelling (UTF-8, case,
 * trailing dot), or NULL. */
const struct conf_domain *conf_match(const struct conf *c, const char *domain);
/* The same for a name that dname_normalize() produced: the hot path. */
const struct conf_domain *conf_match_normalized(const struct conf *c, const char *domain);

/* Pure value checkers. */
const char *conf_parse_duration(const char *s, unsigned *ms);
const char *conf_parse_rate(const char *s, unsigned *count, unsigned *per_ms);
const char *conf_parse_listen(const char *s);
const char *conf_parse_server(const char *s, struct conf_server *out);
const char *conf_parse_mode_bits(const char *s, mode_t *mode);
const char *conf_parse_route(const char *s, enum conf_route *r);
const char *conf_parse_nexthop(const char *s); /* "[host]:port", "[ip]", "host", "host:port" */
const char *conf_parse_transport(const char *s);
const char *conf_parse_level(const char *s, int *level);
const char *conf_parse_facility(const char *s, int *facility);
const char *conf_route_name(enum conf_route r);
#endif
