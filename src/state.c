/*
 * state - see state.h.  Format, one verdict a line, tab-separated:
 *   mxdetour-state 1
 *   DOMAIN VERDICT CONFIRMED PINNABLE WALLTIME HOST PIN EVIDENCE [PIN_TTL]
 * Fields never hold tabs or newlines (names are validated, evidence is
 * ours); empty fields are "-".  PIN_TTL (seconds: the pin is re-probed by
 * then) is written only when there is one, so a line without a pin stays
 * as older versions wrote and read it; their lines load with none.  Only verdicts from probes are
 * saved: listed domains come from the config.
 */
#include "state.h"
#include "atomic.h"
#include "cache.h"
#include "dname.h"
#include "log.h"
#include "util.h"
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STATE_MAGIC "mxdetour-state 1\n"

struct saver {
    FILE *f;
    long n;
};

static const char *field(const char *s)
{
    return s[0] ? s : "-";
}

static void save_one(void *arg, const char *domain, const struct cache_rec *r)
{
    struct saver *s = arg;
    if (!r->have || r->vi.verdict == VERDICT_UNKNOWN)
        return;
    fprintf(s->f, "%s\t%s\t%d\t%d\t%lld\t%s\t%s\t%s", domain, verdict_name(r->vi.verdict),
            r->vi.confirmed, r->vi.pinnable, (long long)r->made_wall, field(r->vi.host),
            field(r->vi.pin), field(r->vi.evidence));
    if (r->vi.pin_ttl && r->vi.pin[0])
        fprintf(s->f, "\t%u", r->vi.pin_ttl);
    fputc('\n', s->f);
    s->n++;
}

long state_save(const char *path)
{
    char tmp[4096];
    struct saver s = {0};

    if (!path[0])
        return 0;
    s.f = atomic_open(path, 0644, tmp, sizeof(tmp));
    if (!s.f) {
        log_warn("state file %s: %s", path, strerror(errno));
        return -1;
    }
    fputs(STATE_MAGIC, s.f);
    cache_each(save_one, &s);
    if (atomic_commit(s.f, tmp, path) != 0) {
        log_warn("state file %s: %s", path, strerror(errno));
        return -1;
    }
    return s.n;
}

/* Splits line into at most n tab-separated fields in place; returns how
 * many, or -1 when there are more. */
static int split(char *line, char **f, int n)
{
    int i = 0;
    for (char *p = line; i < n; i++) {
        f[i] = p;
        p = strchr(p, '\t');
        if (!p)
            return i + 1;
        *p++ = '\0';
    }
    return -1;
}

/* Copies a field ("-" is empty; an empty field is never written) if it
 * fits and holds no control character. */
static int text_field(const char *s, char *out, size_t size)
{
    if (!s[0])
        return -1;
    if (strcmp(s, "-") == 0)
        s = "";
    for (const char *p = s; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            return -1;
    return util_strlcpy(out, s, size) < size ? 0 : -1;
}

static int flag_field(const char *s, int *out)
{
    if ((s[0] != '0' && s[0] != '1') || s[1])
        return -1;
    *out = s[0] == '1';
    return 0;
}

/* Digits only, at most max of them (no sign, so nothing computed from it
 * can overflow). */
static int digits_field(const char *s, size_t max, int64_t *out)
{
    size_t n = strspn(s, "0123456789");
    if (n == 0 || n > max || s[n])
        return -1;
    *out = (int64_t)strtoll(s, NULL, 10);
    return 0;
}

/* Seconds since the epoch. */
static int time_field(const char *s, int64_t *out)
{
    return digits_field(s, 12, out);
}

/* A TTL: 1 to 2^31 - 1 seconds (RFC 2181 section 8), and only with a pin. */
static int ttl_field(const char *s, const struct verdict_info *vi, unsigned *out)
{
    int64_t t;
    if (digits_field(s, 10, &t) < 0 || t < 1 || t > 0x7fffffff || !vi->pin[0])
        return -1;
    *out = (unsigned)t;
    return 0;
}

static int host_field(const char *s, char *out, size_t size)
{
    char dom[DNAME_MAX + 1];
    if (strcmp(s, "-") == 0) {
        out[0] = '\0';
        return 0;
    }
    if (dname_normalize(s, dom, sizeof(dom)))
        return -1;
    return util_strlcpy(out, dom, size) < size ? 0 : -1;
}

/* "-" or IPv4 addresses, one space between: the pin ends up in a route. */
static int pin_field(const char *s, char *out, size_t size)
{
    if (text_field(s, out, size) < 0)
        return -1;
    for (const char *p = out; *p;) {
        char a[INET_ADDRSTRLEN];
        struct in_addr in;
        size_t n = strcspn(p, " ");
        if (n == 0 || n >= sizeof(a))
            return -1;
        memcpy(a, p, n);
        a[n] = '\0';
        if (inet_pton(AF_INET, a, &in) != 1)
            return -1;
        p += n;
        if (*p == ' ' && !*++p)
            return -1; /* trailing space */
    }
    return 0;
}

int state_parse_line(const char *line, size_t len, struct state_rec *out)
{
    char buf[STATE_LINE_MAX + 1], *f[9];
    struct verdict_info *vi = &out->vi;
    int nf;

    memset(out, 0, sizeof(*out));
    if (len > STATE_LINE_MAX || memchr(line, '\0', len))
        return -1;
    memcpy(buf, line, len);
    buf[len] = '\0';
    nf = split(buf, f, 9);
    if (nf < 8 || dname_normalize(f[0], out->domain, sizeof(out->domain)) ||
        verdict_from_name(f[1], &vi->verdict) < 0 || vi->verdict == VERDICT_UNKNOWN ||
        flag_field(f[2], &vi->confirmed) < 0 || flag_field(f[3], &vi->pinnable) < 0 ||
        time_field(f[4], &out->made_wall) < 0 || host_field(f[5], vi->host, sizeof(vi->host)) < 0 ||
        pin_field(f[6], vi->pin, sizeof(vi->pin)) < 0 ||
        text_field(f[7], vi->evidence, sizeof(vi->evidence)) < 0 ||
        (nf == 9 && ttl_field(f[8], vi, &vi->pin_ttl) < 0))
        return -1;
    return 0;
}

/* Reads one line into buf (at least STATE_LINE_MAX + 1 octets) without
 * its newline.  Returns its length; -1 at the end of the file; -2 for a
 * line that is too long or has no newline (the rest of it is skipped, so
 * nothing inside it is ever read as a line). */
static long read_line(FILE *fp, char *buf)
{
    long n = 0;
    int ch;

    while ((ch = getc_unlocked(fp)) != EOF && ch != '\n') {
        if (n == STATE_LINE_MAX) {
            while ((ch = getc_unlocked(fp)) != EOF && ch != '\n')
                ;
            return -2;
        }
        buf[n++] = (char)ch;
    }
    if (ch == EOF)
        return n ? -2 : -1;
    return n;
}

long state_load(const char *path, unsigned recheck_ms)
{
    char line[STATE_LINE_MAX + 1];
    long n = 0, bad = 0, lineno = 1, len;
    int64_t now = util_wall_s();
    uint64_t mono = util_now_ms();
    size_t room = cache_max();
    struct state_rec rec;
    FILE *fp;

    if (!path[0] || !(fp = fopen(path, "r")))
        return 0;
    flockfile(fp);
    if (read_line(fp, line) != (long)strlen(STATE_MAGIC) - 1 ||
        memcmp(line, STATE_MAGIC, strlen(STATE_MAGIC) - 1) != 0) {
        log_warn("state file %s: not a state file, ignored", path);
        funlockfile(fp);
        fclose(fp);
        return 0;
    }
    while ((len = read_line(fp, line)) != -1) {
        lineno++;
        if (len < 0 || state_parse_line(line, (size_t)len, &rec) < 0) {
            bad++;
            continue;
        }
        if (cache_count() >= room) {
            log_warn("state file %s: the cache is full (probe.max_cached %zu) at line %ld, the "
                     "rest is not loaded",
                     path, room, lineno);
            break;
        }
        /* Keep the verdict's age: an old one is re-probed at first use. */
        int64_t age_s = now > rec.made_wall ? now - rec.made_wall : 0;
        uint64_t age_ms = (uint64_t)age_s * 1000u;
        cache_store(rec.domain, &rec.vi, age_ms < mono ? mono - age_ms : 0, rec.made_wall);
        n++;
    }
    funlockfile(fp);
    fclose(fp);
    (void)recheck_ms;
    if (bad)
        log_warn("state file %s: %ld bad line%s skipped (of %ld)", path, bad, bad == 1 ? "" : "s",
                 lineno - 1);
    return n;
}
