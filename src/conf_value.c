/*
 * conf_value - the pure checkers of single config values (durations, rates,
 * listen specs, resolver addresses, next hops, names).  No I/O, no
 * allocation: each takes a string and returns NULL or a static "bad THING
 * (hint)" message; the loader (conf_schema.c) adds the position and the
 * quoted value, so the command line and the file report the same words.
 */
#include "conf_value.h"
#include "dname.h"
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
int conf_value_uint(const char *s, size_t n, unsigned long long max, unsigned long long *v)
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
    if (!conf_value_uint(s, n, 65535, &v) || v == 0)
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
        if (!conf_value_uint(s, n, UINT_MAX, &v) || v > UINT_MAX / units[i].ms)
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
        if (!conf_value_uint(s, n, 100000000, &v) || v == 0)
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

const char *conf_value_mode(const char *s, enum conf_mode *m)
{
    if (strcmp(s, "rewrite") == 0)
        *m = CONF_MODE_REWRITE;
    else if (strcmp(s, "tag") == 0)
        *m = CONF_MODE_TAG;
    else
        return "bad mode (use rewrite or tag)";
    return NULL;
}

const char *conf_value_switch(const char *s, int *on)
{
    if (strcmp(s, "on") == 0)
        *on = 1;
    else if (strcmp(s, "off") == 0)
        *on = 0;
    else
        return "bad value (use on or off)";
    return NULL;
}

const char *conf_value_ldd(const char *s, enum conf_ldd *l)
{
    if (strcmp(s, "none") == 0)
        *l = CONF_LDD_NONE;
    else if (strcmp(s, "smarthost") == 0)
        *l = CONF_LDD_SMARTHOST;
    else if (strcmp(s, "pin-external") == 0)
        *l = CONF_LDD_PIN_EXTERNAL;
    else
        return "bad value (use none, smarthost or pin-external)";
    return NULL;
}

/* A user or group name as useradd(8) takes it; existence is checked at run time. */
const char *conf_value_account(const char *s)
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

const char *conf_value_path(const char *s)
{
    const char *p;
    if (*s == '\0')
        return NULL;
    if (*s != '/')
        return "bad path (use an absolute path or \"\" for none)";
    /* Room for the ".tmp.PID" of the atomic rewrites in a 4096-octet buffer. */
    if (strlen(s) > 4000)
        return "bad path (longer than 4000)";
    for (p = s; *p; p++)
        if ((unsigned char)*p < ' ' || *p == 0x7f)
            return "bad path (control character)";
    return NULL;
}

/* routing.publish: an absolute path, optionally with the Postfix table type
 * that postmap builds from it ("lmdb:/var/lib/mxdetour/transport"). */
const char *conf_value_table(const char *s)
{
    static const char *const types[] = {"lmdb:", "hash:", "btree:", "cdb:", "texthash:"};
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        size_t n = strlen(types[i]);
        if (strncmp(s, types[i], n) == 0)
            return s[n] ? conf_value_path(s + n) : "bad table (a path must follow the type)";
    }
    if (*s != '/' && *s != '\0' && strchr(s, ':'))
        return "bad table type (use lmdb:, hash:, btree:, cdb:, texthash: or a bare absolute path)";
    return conf_value_path(s);
}

/* RFC 5322 field name: printable ASCII except ':'. */
const char *conf_value_header(const char *s)
{
    size_t n = 0;
    if (*s == '\0')
        return "bad header name (printable ASCII, no spaces or ':')";
    for (; s[n]; n++)
        if ((unsigned char)s[n] <= ' ' || (unsigned char)s[n] >= 0x7f || s[n] == ':')
            return "bad header name (printable ASCII, no spaces or ':')";
    return n > 64 ? "bad header name (longer than 64)" : NULL;
}

const char *conf_value_note(const char *s)
{
    const char *p;
    if (strlen(s) > CONF_MAX_NOTE)
        return "bad note (longer than 256)";
    for (p = s; *p; p++)
        if ((unsigned char)*p < ' ' || *p == 0x7f)
            return "bad note (one line, no control characters)";
    return NULL;
}
