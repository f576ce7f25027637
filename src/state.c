/*
 * state - see state.h.  Format, one verdict a line, tab-separated:
 *   mxdetour-state 1
 *   DOMAIN VERDICT CONFIRMED PINNABLE WALLTIME HOST PIN EVIDENCE
 * Fields never hold tabs or newlines (names are validated, evidence is
 * ours); empty fields are "-".  Only verdicts from probes are saved: listed
 * domains come from the config.
 */
#include "state.h"
#include "atomic.h"
#include "cache.h"
#include "dname.h"
#include "log.h"
#include "util.h"
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
    fprintf(s->f, "%s\t%s\t%d\t%d\t%lld\t%s\t%s\t%s\n", domain, verdict_name(r->vi.verdict),
            r->vi.confirmed, r->vi.pinnable, (long long)r->made_wall, field(r->vi.host),
            field(r->vi.pin), field(r->vi.evidence));
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

/* Splits line into n tab-separated fields in place; -1 unless exactly n. */
static int split(char *line, char **f, int n)
{
    int i = 0;
    for (char *p = line; i < n; i++) {
        f[i] = p;
        p = strchr(p, '\t');
        if (!p)
            return i == n - 1 ? 0 : -1;
        *p++ = '\0';
    }
    return -1;
}

static const char *unfield(const char *s)
{
    return strcmp(s, "-") ? s : "";
}

long state_load(const char *path, unsigned recheck_ms)
{
    char line[2048], *f[8], dom[DNAME_MAX + 1];
    long n = 0, bad = 0, lineno = 1;
    int64_t now = util_wall_s();
    uint64_t mono = util_now_ms();
    FILE *fp;

    if (!path[0] || !(fp = fopen(path, "r")))
        return 0;
    if (!fgets(line, sizeof(line), fp) || strcmp(line, STATE_MAGIC) != 0) {
        log_warn("state file %s: not a state file, ignored", path);
        fclose(fp);
        return 0;
    }
    while (fgets(line, sizeof(line), fp)) {
        struct verdict_info vi;
        size_t len = strlen(line);
        lineno++;
        memset(&vi, 0, sizeof(vi));
        if (len && line[len - 1] != '\n' && !feof(fp)) {
            /* Too long to be ours: skip the rest of it, count it once. */
            int ch;
            while ((ch = fgetc(fp)) != EOF && ch != '\n')
                ;
            bad++;
            continue;
        }
        if (len == 0 || line[len - 1] != '\n' || (line[len - 1] = '\0', split(line, f, 8) < 0) ||
            dname_normalize(f[0], dom, sizeof(dom)) || verdict_from_name(f[1], &vi.verdict) < 0 ||
            vi.verdict == VERDICT_UNKNOWN) {
            bad++;
            continue;
        }
        long long made = atoll(f[4]);
        vi.confirmed = atoi(f[2]) != 0;
        vi.pinnable = atoi(f[3]) != 0;
        util_strlcpy(vi.host, unfield(f[5]), sizeof(vi.host));
        util_strlcpy(vi.pin, unfield(f[6]), sizeof(vi.pin));
        util_strlcpy(vi.evidence, unfield(f[7]), sizeof(vi.evidence));
        /* Keep the verdict's age: an old one is re-probed at first use. */
        int64_t age_s = now > made ? now - made : 0;
        uint64_t age_ms = (uint64_t)age_s * 1000u;
        cache_store(dom, &vi, age_ms < mono ? mono - age_ms : 0, made);
        n++;
    }
    fclose(fp);
    (void)recheck_ms;
    if (bad)
        log_warn("state file %s: %ld bad line%s skipped (of %ld)", path, bad, bad == 1 ? "" : "s",
                 lineno - 1);
    return n;
}
