/*
 * fleet_record - see fleet_record.h.  The parser checks each field against
 * what the daemon itself would store: a name that dname_normalize() leaves
 * unchanged, a verdict a probe can make, 0/1 flags, a pin list of IPv4
 * addresses (a forged pin would route mail to any host), printable text.
 */
#include "fleet_record.h"
#include "util.h"
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#define MAGIC   "mxd1"
#define NFIELDS 10

static const char *field(const char *s)
{
    return s[0] ? s : "-";
}

/* Evidence is ours, but names in it come from DNS: no tab or newline may
 * break the record. */
static void clean(char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < ' ' || *s == 0x7f)
            *s = '?';
}

size_t fleet_record_format(const struct fleet_record *r, char *buf, size_t size)
{
    char host[sizeof(r->vi.host)], ev[sizeof(r->vi.evidence)];

    util_strlcpy(host, r->vi.host, sizeof(host));
    util_strlcpy(ev, r->vi.evidence, sizeof(ev));
    clean(host);
    clean(ev);
    int n = snprintf(buf, size, MAGIC "\t%s\t%s\t%d\t%d\t%lld\t%s\t%s\t%s\t%s", r->domain,
                     verdict_name(r->vi.verdict), r->vi.confirmed ? 1 : 0, r->vi.pinnable ? 1 : 0,
                     (long long)r->made, r->node, field(host), field(r->vi.pin), field(ev));
    return n > 0 && (size_t)n < size ? (size_t)n : 0;
}

static int printable(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < ' ' || (unsigned char)*s >= 0x7f)
            return 0;
    return 1;
}

static int node_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > FLEET_NODE_MAX)
        return 0;
    return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == n;
}

/* "a b c": IPv4 addresses separated by one space. */
static int pins_ok(const char *s)
{
    char one[INET_ADDRSTRLEN];
    unsigned char addr[4];

    while (*s) {
        size_t n = strcspn(s, " ");
        if (n == 0 || n >= sizeof(one))
            return 0;
        memcpy(one, s, n);
        one[n] = '\0';
        if (inet_pton(AF_INET, one, addr) != 1)
            return 0;
        s += n;
        if (*s == ' ' && *++s == '\0')
            return 0;
    }
    return 1;
}

static int flag(const char *s, int *v)
{
    if ((s[0] != '0' && s[0] != '1') || s[1])
        return 0;
    *v = s[0] == '1';
    return 1;
}

static int number(const char *s, int64_t *v)
{
    size_t n = strlen(s);
    long long x = 0;
    if (n == 0 || n > 12 || strspn(s, "0123456789") != n)
        return 0;
    for (; *s; s++)
        x = x * 10 + (*s - '0');
    *v = x;
    return 1;
}

/* Copies an optional field ("-" = empty) if it fits. */
static int text(const char *s, char *out, size_t size)
{
    if (strcmp(s, "-") == 0)
        s = "";
    return printable(s) && util_strlcpy(out, s, size) < size;
}

const char *fleet_record_parse(const char *buf, size_t len, struct fleet_record *r)
{
    char line[FLEET_RECORD_MAX + 1], norm[DNAME_MAX + 1], *f[NFIELDS];
    int i = 0;

    memset(r, 0, sizeof(*r));
    if (len == 0 || len > FLEET_RECORD_MAX)
        return "bad length";
    if (memchr(buf, '\0', len))
        return "NUL in record";
    memcpy(line, buf, len);
    line[len] = '\0';
    for (char *p = line; i < NFIELDS; i++) {
        f[i] = p;
        p = strchr(p, '\t');
        if (!p)
            break;
        *p++ = '\0';
    }
    if (i != NFIELDS - 1)
        return "wrong number of fields";
    if (strcmp(f[0], MAGIC) != 0)
        return "unknown record version";
    if (dname_normalize(f[1], norm, sizeof(norm)) || strcmp(norm, f[1]) != 0)
        return "bad domain";
    util_strlcpy(r->domain, norm, sizeof(r->domain));
    if (verdict_from_name(f[2], &r->vi.verdict) < 0 || r->vi.verdict == VERDICT_UNKNOWN ||
        r->vi.verdict == VERDICT_LISTED)
        return "bad verdict";
    if (!flag(f[3], &r->vi.confirmed) || !flag(f[4], &r->vi.pinnable))
        return "bad flag";
    if (!number(f[5], &r->made))
        return "bad time";
    if (!node_ok(f[6]))
        return "bad node";
    util_strlcpy(r->node, f[6], sizeof(r->node));
    if (!text(f[7], r->vi.host, sizeof(r->vi.host)))
        return "bad host";
    if (!text(f[8], r->vi.pin, sizeof(r->vi.pin)) || !pins_ok(r->vi.pin))
        return "bad pin list";
    if (!text(f[9], r->vi.evidence, sizeof(r->vi.evidence)))
        return "bad evidence";
    return NULL;
}
